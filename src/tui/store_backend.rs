//! The interface's [`Backend`] over a connection to the process that owns the data directory.
//! Every save is acknowledged by the owner only after sled's flush, so "Saved" on screen means
//! on disk. Messages are worded for staff; the owner's own wording is kept where it says more.

use std::collections::BTreeSet;
use std::path::Path;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use secrecy::{ExposeSecret, SecretString};

use super::backend::{
    AuditCheck, AuditRow, Backend, BackendError, BackendResult, BackupInfo, CheckinRow, ClientInfo, ClientMatches,
    EncounterState, ErrorKind, ExportChoice, ExportFormat, ExportInfo, HistoryData, IssuedCode, Notice, OrgInfo,
    OwnerInfo, PastEncounter, QueueEntry, ResetNotice, SavedAnswer, Session, Setup, UserRow,
};
use crate::auth::{Role, detect_origin};
use crate::instrument::{Lang, ScoreResult};
use crate::server::client::{Client, ClientError, ConnectOptions, SignedIn};
use crate::store::{
    AccountStatus, AuditFilter, ClientUpdate, ConsentAnswer, EncounterOrigin, EncounterStatus, Flag, InitRequest,
    InstrumentRef, NewAccount, NewAnswer, NewClient, NewDecision, NewReferral, NewResult, RecordId, ReferralResource,
    format_time,
};

mod records;
use records::{alert_of, client_info, queue_entry, risk_record, stored_decision};

/// Queue entries for unclaimed kiosk submissions carry this prefix before the submission id.
const KIOSK_PREFIX: &str = "kiosk:";

pub struct StoreBackend {
    client: Client,
    dir: std::path::PathBuf,
    /// Pushed events arrive on a second connection, read by a thread, so a request never has
    /// to wait behind an event or the other way round.
    listener: Option<Listener>,
    /// The account signed in as (for the listener started after a password change).
    user: Option<String>,
    /// The organisation's time zone as last read, for the dates this backend words (history).
    zone: crate::ui::clock::Zone,
}

/// The thread reading pushed events, and what it signed in with.
struct Listener {
    notices: std::sync::mpsc::Receiver<Notice>,
    user: String,
    /// The one copy of the password this interface keeps (for reconnects): the same
    /// allocation as the main connection's (`Client::kept_password`), zeroized when the last
    /// holder drops it.
    password: Arc<SecretString>,
    /// Asks the thread to end (a sign-in with another password starts a new one).
    stop: Arc<AtomicBool>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// Listens for pushed events on its own connection until the receiver is dropped or `stop`
/// is set.
fn listen(
    dir: std::path::PathBuf,
    user: String,
    password: Arc<SecretString>,
    origin: String,
    sender: std::sync::mpsc::Sender<Notice>,
    stop: Arc<AtomicBool>,
) {
    use crate::server::Event;
    while !stop.load(Ordering::SeqCst) {
        let connected = Client::connect(&dir, ConnectOptions { autostart: false, ..ConnectOptions::default() })
            .and_then(|mut client| client.login_shared(&user, Arc::clone(&password), &origin).map(|_| client))
            .and_then(|mut client| client.subscribe().map(|()| client));
        if let Ok(mut client) = connected {
            while !stop.load(Ordering::SeqCst) {
                match client.next_event(std::time::Duration::from_millis(500)) {
                    Ok(Some(Event::KioskSubmission { .. })) => {
                        if sender.send(Notice::KioskSubmission).is_err() {
                            return;
                        }
                    }
                    Ok(Some(event)) => {
                        if let Some(alert) = alert_of(event)
                            && sender.send(Notice::Alert(alert)).is_err()
                        {
                            return;
                        }
                    }
                    Ok(None) => {}
                    Err(_) => break,
                }
            }
        }
        // The owner went away: the main connection restarts it; listen again shortly.
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
}

pub(crate) fn backup_info(report: crate::store::backup::BackupReport) -> BackupInfo {
    BackupInfo {
        path: report.path.display().to_string(),
        entries: report.entries,
        records_checked: report.records_checked,
        sha256: report.sha256,
        damaged: report.damaged,
        audit_entries: report.audit.entries_checked,
        audit_problem: report.audit.first_bad.map(|bad| format!("entry {}: {}", bad.position, bad.problem)),
    }
}

fn message(error: ClientError) -> BackendError {
    BackendError::from(error)
}

/// The client's province: a form only sends a client with one.
fn province_of(client: &ClientInfo) -> BackendResult<crate::store::Province> {
    client.province.ok_or_else(|| BackendError::new(ErrorKind::Invalid, "no province").with_detail("province"))
}

fn record_id(text: &str) -> BackendResult<RecordId> {
    text.parse::<RecordId>()
        .map_err(|e| BackendError::new(ErrorKind::Invalid, format!("bad record id: {e}")).with_detail("id"))
}

impl StoreBackend {
    /// Connects to the owner of `dir`, starting one if none is running.
    pub fn connect(dir: &Path) -> Result<StoreBackend, String> {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| format!("cannot create the data directory {}: {e}", dir.display()))?;
        let client = Client::connect(dir, ConnectOptions::default()).map_err(|e| e.to_string())?;
        Ok(StoreBackend { client, dir: dir.to_path_buf(), listener: None, user: None, zone: Default::default() })
    }

    /// Starts the thread that hears pushed events on its own connection, with the one kept
    /// password; a sign-in as another account or with another password replaces it (and the
    /// old thread's copy goes with it).
    fn listen_as(&mut self, user: &str, secret: Arc<SecretString>, origin: String) {
        let current = self.listener.as_ref().is_some_and(|l| l.user == user && Arc::ptr_eq(&l.password, &secret));
        if current {
            return;
        }
        self.listener = None;
        let (sender, notices) = std::sync::mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let (dir, name, password, halt) = (self.dir.clone(), user.to_string(), Arc::clone(&secret), Arc::clone(&stop));
        std::thread::spawn(move || listen(dir, name, password, origin, sender, halt));
        self.listener = Some(Listener { notices, user: user.to_string(), password: secret, stop });
    }
}

impl Backend for StoreBackend {
    fn needs_setup(&mut self) -> BackendResult<bool> {
        Ok(!self.client.status().map_err(message)?.store.initialised)
    }

    fn initialize(&mut self, setup: &Setup, password: &str) -> BackendResult<String> {
        let request = InitRequest {
            org: setup.org_name.clone(),
            province: setup.province,
            admin: setup.admin.clone(),
            insecure_test_kdf: std::env::var_os("TRIAGE_INSECURE_TEST_KDF").is_some(),
            time_zone: Some(setup.time_zone.clone()),
        };
        let password = SecretString::from(password.to_string());
        let key = self.client.init(request, &password).map_err(message)?;
        Ok(key.expose_secret().to_string())
    }

    fn login(&mut self, user: &str, password: &str) -> BackendResult<Session> {
        // Unlocking with the password already kept keeps that one secret: no second copy.
        let secret = match self.client.kept_password() {
            Some(kept) if kept.expose_secret() == password => Arc::clone(kept),
            _ => Arc::new(SecretString::from(password.to_string())),
        };
        let origin = detect_origin();
        let SignedIn { user, role, password_reset } =
            self.client.login_shared(user, Arc::clone(&secret), &origin).map_err(message)?;
        self.user = Some(user.clone());
        // Until a new password is chosen, the owner refuses the listener's subscription
        // (and the old password would stop working for it): it starts after the change.
        if password_reset.is_none() {
            self.listen_as(&user, secret, origin);
        }
        let password_reset = password_reset.map(|reset| ResetNotice { date: reset.date(), by: reset.by });
        Ok(Session { user, role, password_reset })
    }

    fn change_own_password(&mut self, password: &str) -> BackendResult<()> {
        let secret = SecretString::from(password.to_string());
        self.client.change_own_password(&secret).map_err(message)?;
        // The connection now keeps the new password; the listener shares that one copy.
        if let (Some(user), Some(kept)) = (self.user.clone(), self.client.kept_password().cloned()) {
            self.listen_as(&user, kept, detect_origin());
        }
        Ok(())
    }

    fn organisation(&mut self) -> BackendResult<OrgInfo> {
        let org = self.client.organisation().map_err(message)?;
        self.zone = crate::ui::clock::Zone::of_setting(org.settings.time_zone.as_deref());
        Ok(OrgInfo {
            name: org.name,
            province: org.province,
            language: Lang::En,
            crisis_text: org.settings.crisis_text,
            crisis_text_fr: org.settings.crisis_text_fr,
            idle_lock_minutes: org.settings.staff_idle_lock_minutes,
            asq_mode: org.settings.asq_mode,
            contact_phone: org.settings.contact_phone,
            summary_dir: org.settings.summary_dir.map_or_else(|| self.dir.join("summaries"), Into::into),
            zone: self.zone.clone(),
        })
    }

    fn queue(&mut self) -> BackendResult<Vec<QueueEntry>> {
        // Back at the queue: the intake left is no longer open here.
        if let Some((encounter, _)) = self.client.basis() {
            self.client.clear_basis();
            self.client.release(encounter).map_err(message)?;
        }
        // Unclaimed kiosk submissions (sealed until a worker claims one), then open encounters.
        let mut queue: Vec<QueueEntry> = self
            .client
            .list_kiosk_submissions()
            .map_err(message)?
            .into_iter()
            .filter(|s| s.claimed.is_none())
            .map(|s| {
                let id = s.id.to_string();
                QueueEntry {
                    client_name: format!("Kiosk {}", crate::store::kiosk::submission_reference(&s.id)),
                    encounter: format!("{KIOSK_PREFIX}{id}"),
                    client: String::new(),
                    kiosk: true,
                    critical: s.critical,
                    urgent: s.urgent,
                    incomplete: s.incomplete,
                    updated: format_time(s.updated_ms.max(s.received_ms)),
                    open_by: None,
                }
            })
            .collect();
        let open = self.client.open_encounters().map_err(message)?;
        queue.extend(open.into_iter().map(queue_entry));
        Ok(queue)
    }

    fn closed_queue(&mut self) -> BackendResult<Vec<QueueEntry>> {
        Ok(self.client.closed_encounters().map_err(message)?.into_iter().map(queue_entry).collect())
    }

    fn finish_encounter(
        &mut self,
        encounter: &str,
        outcome: crate::store::OutcomeKind,
        reason: Option<&str>,
    ) -> BackendResult<()> {
        let id = record_id(encounter)?;
        self.client.finish_encounter(id, outcome, reason.map(str::to_string)).map(|_| ()).map_err(message)
    }

    fn reopen_encounter(&mut self, encounter: &str, reason: &str) -> BackendResult<()> {
        self.client.reopen_encounter(record_id(encounter)?, reason.to_string()).map(|_| ()).map_err(message)
    }

    fn search_clients(&mut self, query: &str) -> BackendResult<ClientMatches> {
        let found = self.client.search_clients(query).map_err(message)?;
        Ok(ClientMatches { clients: found.clients.iter().map(client_info).collect(), more: found.more })
    }

    fn create_client(&mut self, client: &ClientInfo) -> BackendResult<ClientInfo> {
        let new = NewClient {
            name: client.name.clone(),
            birth_date: client.birth_date.clone(),
            province: province_of(client)?,
            language: client.language.unwrap_or(Lang::En),
            contact: None,
            access_needs: client.access_needs.clone(),
            populations: client.populations.clone(),
            sex_for_scoring: client.sex_for_scoring,
        };
        let id = self.client.create_client(new).map_err(message)?;
        Ok(ClientInfo { id: id.to_string(), ..client.clone() })
    }

    fn update_client(&mut self, client: &ClientInfo) -> BackendResult<ClientInfo> {
        let changes = ClientUpdate {
            name: Some(client.name.clone()),
            birth_date: Some(client.birth_date.clone()),
            province: Some(province_of(client)?),
            language: client.language,
            contact: None,
            access_needs: Some(client.access_needs.clone()),
            populations: Some(client.populations.clone()),
            sex_for_scoring: Some(client.sex_for_scoring),
        };
        let updated = self.client.update_client(record_id(&client.id)?, changes).map_err(message)?;
        // Roles that may not read client records get no record back; they keep what they sent.
        Ok(updated.client.as_ref().map_or_else(|| client.clone(), client_info))
    }

    fn start_encounter(&mut self, client: &ClientInfo, instruments: &[String]) -> BackendResult<String> {
        let encounter = self
            .client
            .start_encounter(record_id(&client.id)?, EncounterOrigin::Staff, instruments.to_vec())
            .map_err(message)?;
        // A new encounter is at version 1 (its one commit): the writes that follow are based on it,
        self.client.base_on(encounter.id, 1);
        // and it is open here.
        self.client.open_for(encounter.id, false).map_err(message)?;
        Ok(encounter.id.to_string())
    }

    fn record_consent(&mut self, encounter: &str, version: &str, given: bool) -> BackendResult<()> {
        let answer = if given { ConsentAnswer::Given } else { ConsentAnswer::Refused };
        let encounter = record_id(encounter)?;
        self.client.record_consent(encounter, version, answer).map_err(message)?;
        if !given {
            self.client.set_encounter_status(encounter, EncounterStatus::Closed).map_err(message)?;
        }
        Ok(())
    }

    fn save_answer(&mut self, encounter: &str, answer: &SavedAnswer) -> BackendResult<()> {
        let new = NewAnswer {
            instrument: InstrumentRef {
                id: answer.instrument.clone(),
                version: answer.version.clone(),
                language: answer.language,
            },
            item_id: answer.item.clone(),
            position: u32::try_from(answer.position).map_err(|_| {
                BackendError::new(ErrorKind::Invalid, "answer position out of range").with_detail("position")
            })?,
            score: answer.value,
            free_text: None,
        };
        self.client.save_answer(record_id(encounter)?, new).map(|_| ()).map_err(message)
    }

    fn save_result(&mut self, encounter: &str, result: &ScoreResult, language: Lang) -> BackendResult<()> {
        let new = NewResult {
            instrument: InstrumentRef { id: result.instrument.clone(), version: result.version.clone(), language },
            total: result.total,
            subscales: result
                .scores
                .iter()
                .filter(|(id, _)| id.as_str() != "total")
                .map(|(k, v)| (k.clone(), *v))
                .collect(),
            band: result.band.clone().unwrap_or_default(),
            flags: result
                .flags
                .iter()
                .map(|f| Flag { code: f.id.clone(), critical: f.severity == crate::instrument::Severity::Critical })
                .collect(),
        };
        self.client.save_result(record_id(encounter)?, new).map(|_| ()).map_err(message)
    }

    fn record_crisis_action(
        &mut self,
        encounter: &str,
        flags: &[String],
        action: &str,
        note: &str,
    ) -> BackendResult<String> {
        let record = self
            .client
            .record_crisis_action(record_id(encounter)?, flags.to_vec(), action.to_string(), note.to_string())
            .map_err(message)?;
        Ok(format_time(record.recorded_ms))
    }

    fn save_decision(
        &mut self,
        encounter: &str,
        suggested: &str,
        reasons: &[String],
        final_level: &str,
        override_reason: Option<&str>,
        lifted: &[crate::triage::matching::LiftedExclusion],
    ) -> BackendResult<()> {
        let decision = NewDecision {
            suggested_level: suggested.to_string(),
            rules_fired: reasons.to_vec(),
            final_level: Some(final_level.to_string()),
            override_reason: override_reason.map(str::to_string),
            lifted_exclusions: lifted.to_vec(),
        };
        self.client.save_decision(record_id(encounter)?, decision).map(|_| ()).map_err(message)
    }

    fn save_referral(&mut self, encounter: &str, resources: &[(String, Vec<String>, bool)]) -> BackendResult<()> {
        let referral = NewReferral {
            resources: resources
                .iter()
                .map(|(id, reasons, chosen)| ReferralResource {
                    resource_id: id.clone(),
                    reasons: reasons.clone(),
                    chosen: *chosen,
                })
                .collect(),
            notes: None,
        };
        let id = record_id(encounter)?;
        self.client.save_referral(id, referral).map_err(message)?;
        // In progress -> submitted -> reviewed: the store allows one step at a time.
        let status = self.client.get_encounter(id).map_err(message)?.encounter.status;
        if status == EncounterStatus::InProgress {
            self.client.set_encounter_status(id, EncounterStatus::Submitted).map_err(message)?;
        }
        if status != EncounterStatus::Reviewed {
            self.client.set_encounter_status(id, EncounterStatus::Reviewed).map_err(message)?;
        }
        Ok(())
    }

    fn hold(&mut self, encounter: &str, take_over: bool) -> BackendResult<Option<crate::store::OpenBy>> {
        // A kiosk entry becomes a new encounter when it is opened (and held then).
        if encounter.starts_with(KIOSK_PREFIX) {
            return Ok(None);
        }
        self.client.open_for(record_id(encounter)?, take_over).map_err(message)
    }

    fn open_encounter(&mut self, encounter: &str) -> BackendResult<EncounterState> {
        // Opening a kiosk submission claims it: the owner turns it into a client and encounter.
        let id = match encounter.strip_prefix(KIOSK_PREFIX) {
            Some(submission) => {
                let id = self.client.claim_submission(record_id(submission)?).map_err(message)?.1.id;
                self.client.open_for(id, false).map_err(message)?;
                id
            }
            None => record_id(encounter)?,
        };
        let detail = self.client.get_encounter(id).map_err(message)?;
        // The writes to it are based on what was just read.
        self.client.base_on(id, detail.version);
        let client = self.client.get_client(detail.encounter.client_id).map_err(message)?;
        Ok(EncounterState {
            encounter: detail.encounter.id.to_string(),
            client: client_info(&client),
            instruments: detail.encounter.instruments.clone(),
            consent: detail.consents.last().map(|c| c.answer == ConsentAnswer::Given),
            answers: detail
                .answers
                .iter()
                .map(|a| (a.instrument.id.clone(), a.item_id.clone(), a.position as usize))
                .collect(),
            completed: detail.results.iter().map(|r| r.instrument.id.clone()).collect::<BTreeSet<_>>(),
            risk: risk_record(&detail.crisis_actions),
            decision: detail.decisions.last().and_then(stored_decision),
            picked: detail.referrals.last().map_or_else(Vec::new, |r| {
                r.resources.iter().filter(|p| p.chosen).map(|p| p.resource_id.clone()).collect()
            }),
        })
    }

    fn client_name_of(&mut self, encounter: &str) -> BackendResult<String> {
        let detail = self.client.get_encounter(record_id(encounter)?).map_err(message)?;
        Ok(self.client.get_client(detail.encounter.client_id).map_err(message)?.name)
    }

    fn history(&mut self, client: &str) -> BackendResult<HistoryData> {
        let history = self.client.client_history(record_id(client)?).map_err(message)?;
        Ok(HistoryData {
            client: client_info(&history.client),
            encounters: history
                .encounters
                .iter()
                .map(|detail| PastEncounter {
                    date: crate::ui::clock::date(detail.encounter.created_ms, &self.zone),
                    answers: detail
                        .answers
                        .iter()
                        .map(|a| (a.instrument.id.clone(), a.item_id.clone(), a.position as usize))
                        .collect(),
                    risk_changes: risk_record(&detail.crisis_actions).changes,
                })
                .collect(),
        })
    }

    fn list_users(&mut self) -> BackendResult<Vec<UserRow>> {
        let accounts = self.client.list_users().map_err(message)?;
        Ok(accounts
            .into_iter()
            .map(|a| UserRow {
                name: a.username,
                display_name: a.display_name,
                role: a.role.name().to_string(),
                active: a.status == AccountStatus::Active,
                status: a.status,
            })
            .collect())
    }

    fn add_user(&mut self, name: &str, display_name: &str, role: &str, password: &str) -> BackendResult<()> {
        let role = Role::ALL.iter().copied().find(|r| r.name() == role).ok_or_else(|| {
            BackendError::new(ErrorKind::Invalid, format!("unknown role `{role}`")).with_detail("role")
        })?;
        let account = NewAccount { username: name.to_string(), display_name: display_name.to_string(), role };
        let password = SecretString::from(password.to_string());
        self.client.add_user(account, &password).map(|_| ()).map_err(message)
    }

    fn set_user_active(&mut self, name: &str, active: bool) -> BackendResult<()> {
        let status = if active { AccountStatus::Active } else { AccountStatus::Disabled };
        self.client.set_user_status(name, status).map_err(message)
    }

    fn audit_recent(&mut self, limit: usize) -> BackendResult<Vec<AuditRow>> {
        // Damaged entries are named by the audit check shown beside the list.
        let (entries, _damaged) = self.client.audit_list(AuditFilter::default()).map_err(message)?;
        Ok(entries
            .into_iter()
            .rev()
            .take(limit)
            .map(|e| AuditRow {
                seq: e.seq,
                time: format_time(e.time_ms),
                user: e.user,
                role: e.role,
                origin: e.origin,
                action: e.action,
                // An export's reason follows what it showed (the filter finds it too).
                record: match e.reason {
                    Some(reason) => format!("{} · {reason}", e.record.unwrap_or_default()),
                    None => e.record.unwrap_or_default(),
                },
                outcome: e.outcome,
            })
            .collect())
    }

    fn audit_verify(&mut self) -> BackendResult<AuditCheck> {
        let report = self.client.audit_verify(None).map_err(message)?;
        Ok(AuditCheck { entries: report.entries_checked, first_bad: report.first_bad.map(|b| (b.position, b.problem)) })
    }

    fn service_report(&mut self) -> BackendResult<crate::report::ServiceReport> {
        self.client.service_report(crate::report::Period::default()).map_err(message)
    }

    fn owner_status(&mut self) -> BackendResult<OwnerInfo> {
        let status = self.client.status().map_err(message)?;
        Ok(OwnerInfo {
            pid: status.owner_pid,
            data_dir: status.data_dir.display().to_string(),
            version: status.version,
            connections: status.clients,
            initialised: status.store.initialised,
            unlocked: status.store.unlocked,
            organisation: status.store.organisation,
            audit_entries: status.store.audit_entries,
            insecure_test_kdf: status.store.insecure_test_kdf,
        })
    }

    fn issue_checkin(&mut self, minutes: u32, client: Option<&str>) -> BackendResult<IssuedCode> {
        let client = client.map(record_id).transpose()?;
        let code = self.client.issue_checkin(client, minutes).map_err(message)?;
        Ok(IssuedCode {
            code: code.code,
            expires: format_time(code.expires_ms),
            client: code.client.map(|c| c.to_string()),
        })
    }

    fn list_checkins(&mut self) -> BackendResult<Vec<CheckinRow>> {
        let list = self.client.list_checkins().map_err(message)?;
        Ok(list
            .into_iter()
            .map(|c| CheckinRow {
                reference: c.reference,
                issued: format_time(c.issued_ms),
                expires: format_time(c.expires_ms),
                issued_by: c.issued_by,
                for_client: c.for_client,
            })
            .collect())
    }

    fn revoke_checkin(&mut self, reference: &str) -> BackendResult<String> {
        self.client.revoke_checkin(reference).map_err(message)
    }

    fn create_backup(&mut self, path: &Path) -> BackendResult<BackupInfo> {
        Ok(backup_info(self.client.backup_create(path.to_path_buf()).map_err(message)?))
    }

    fn set_kiosk_pin(&mut self, pin: &str) -> BackendResult<()> {
        self.client.set_kiosk_pin(&SecretString::from(pin.to_string())).map_err(message)
    }

    fn settings(&mut self) -> BackendResult<crate::store::Settings> {
        self.client.settings().map_err(message)
    }

    fn update_settings(
        &mut self,
        changes: &crate::store::SettingsUpdate,
    ) -> BackendResult<crate::store::SettingsUpdated> {
        self.client.update_settings(changes.clone()).map_err(message)
    }

    fn export(
        &mut self,
        format: ExportFormat,
        path: &Path,
        choice: &ExportChoice,
        progress: &mut dyn FnMut(u64),
    ) -> BackendResult<ExportInfo> {
        use crate::export::{ExportOptions, Format, Written, write_export};
        let format = match format {
            ExportFormat::Jsonl => Format::Jsonl,
            ExportFormat::Csv => Format::Csv,
            ExportFormat::Fhir => Format::Fhir,
        };
        let recipients = crate::export::recipients::from_line(&choice.recipients)
            .and_then(crate::export::recipients::checked)
            .map_err(|why| BackendError::new(ErrorKind::Invalid, why).with_detail("recipients"))?;
        let reason = Some(choice.reason.trim().to_string()).filter(|r| !r.is_empty());
        let encrypted_to = recipients.len();
        let options = ExportOptions { deidentify: choice.deidentify, reason, recipients };
        // The same writer as `triage export`; its count goes to the screen, not to stderr (this
        // interface owns the terminal).
        let Written { encounters, damaged } = write_export(&mut self.client, format, path, &options, progress)
            .map_err(|e| super::admin_io::export_error(e, path))?;
        Ok(ExportInfo { path: path.display().to_string(), encounters, damaged, encrypted_to })
    }

    fn notices(&mut self) -> Vec<Notice> {
        self.listener.as_ref().map(|l| l.notices.try_iter().collect()).unwrap_or_default()
    }

    fn lock(&mut self) {
        // The interface hides client details at once; the owner then refuses a sign-in as
        // anyone else on this connection until it is unlocked or ended. If the owner cannot be
        // told (the connection is down), a reconnect signs in as the same user only.
        let _ = self.client.lock();
    }

    fn logout(&mut self) -> BackendResult<()> {
        // The listener holds the password too: stopping it lets the one copy be zeroized.
        self.listener = None;
        self.user = None;
        self.client.logout().map_err(message)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::server::owner::{Owner, OwnerConfig};

    /// Issue 14 (smaller list): the interface held several copies of the password (the main
    /// connection's, the event listener's and its connection's, one more per unlock). It keeps
    /// one secret for reconnects, shared by all of them, through any number of unlocks.
    #[test]
    fn one_secret_is_kept_for_reconnects_through_every_unlock() {
        let dir = tempfile::tempdir().unwrap();
        let owner = Owner::start(&OwnerConfig { dir: dir.path().to_path_buf(), idle_timeout: None }).unwrap();
        let handle = owner.handle();
        let thread = std::thread::spawn(move || owner.run());
        let mut backend = StoreBackend::connect(dir.path()).unwrap();
        // The test key derivation: this owner runs inside the test binary, which allows it.
        let request = InitRequest {
            org: "Clinic".into(),
            province: crate::store::Province::On,
            admin: "admin".into(),
            insecure_test_kdf: true,
            time_zone: None,
        };
        let password = SecretString::from("admin password long enough".to_string());
        backend.client.init(request, &password).unwrap();

        backend.login("admin", "admin password long enough").unwrap();
        let kept = |backend: &StoreBackend| Arc::clone(backend.client.kept_password().expect("a kept password"));
        let first = kept(&backend);
        let listener = backend.listener.as_ref().expect("a listener");
        assert!(Arc::ptr_eq(&first, &listener.password), "the listener shares the main connection's secret");
        for _ in 0..3 {
            // Unlocking with the same password keeps the same secret and the same listener.
            backend.lock();
            backend.login("admin", "admin password long enough").unwrap();
            assert!(Arc::ptr_eq(&first, &kept(&backend)));
            assert!(Arc::ptr_eq(&first, &backend.listener.as_ref().unwrap().password));
        }
        // Only holders of that one allocation: the main connection, the listener's record, its
        // thread and its connection (and this test's handle).
        assert!(Arc::strong_count(&first) <= 5, "{}", Arc::strong_count(&first));
        // A wrong password at the lock screen adds nothing and keeps the secret.
        assert!(backend.login("admin", "not the password").is_err());
        assert!(Arc::ptr_eq(&first, &kept(&backend)));
        drop(backend);
        handle.stop();
        thread.join().unwrap().unwrap();
    }
}
