//! What the interface asks of the data layer, in the interface's own terms. The shell performs
//! [`super::app::Effect`]s against a `Backend`; the store-backed implementation talks to the owning
//! process, and tests use an in-memory one.

use std::collections::BTreeSet;

use crate::instrument::score::age_on;
use crate::instrument::{Lang, ScoreResult, Sex};
use crate::intake::care::CareClient;
use crate::intake::{RiskChange, RiskRecord};
use crate::triage::ClientProfile;
use crate::triage::vocab::{Lang as TriageLang, Population, Province};
pub use crate::ui::error::{BackendError, ErrorKind};

/// A failure from the data layer, as data: the interface words it in its own language at draw
/// time ([`BackendError::render`]); the owner's English message is kept for logs only.
pub type BackendResult<T> = Result<T, BackendError>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: String,
    pub role: crate::auth::Role,
    /// An administrator set this account's password: the interface asks for a new one before
    /// anything else (the owner refuses everything else until then).
    pub password_reset: Option<ResetNotice>,
}

/// Who set the account's password, and the day (`YYYY-MM-DD`), as the account's user is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResetNotice {
    pub by: String,
    pub date: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgInfo {
    pub name: String,
    pub province: Province,
    pub language: Lang,
    pub crisis_text: String,
    /// The crisis text for French-speaking clients, when the organisation has set one.
    pub crisis_text_fr: Option<String>,
    pub idle_lock_minutes: u32,
    /// When the ASQ is asked (organisation setting).
    pub asq_mode: crate::instrument::AsqMode,
    /// Printed on every take-away summary (organisation setting).
    pub contact_phone: Option<String>,
    /// Where take-away summaries are written: the organisation's setting, else `summaries` in
    /// the data directory.
    pub summary_dir: std::path::PathBuf,
    /// The organisation's time zone: every time the interface shows is in it.
    pub zone: crate::ui::clock::Zone,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    pub org_name: String,
    pub province: Province,
    pub language: Lang,
    pub admin: String,
    /// The organisation's time zone, an IANA name checked by the form.
    pub time_zone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClientInfo {
    pub id: String,
    pub name: String,
    pub birth_date: Option<String>,
    /// `None` on a new client's empty form only: a stored client always has one.
    pub province: Option<Province>,
    pub language: Option<Lang>,
    pub populations: Vec<Population>,
    pub access_needs: Vec<String>,
    /// For the cut-offs validated by sex (AUDIT, AUDIT-C); `None` when not given.
    pub sex_for_scoring: Option<Sex>,
}

impl ClientInfo {
    /// The client as the care plan reads them on `today` (YYYY-MM-DD): a date of birth that is
    /// missing or cannot be read, or a province that is missing, is unknown to the plan, never a
    /// default.
    pub fn care_client(&self, today: &str) -> CareClient {
        let age = self.birth_date.as_deref().and_then(|b| age_on(b, today)).and_then(|a| u32::try_from(a).ok());
        let has = |need: &str| self.access_needs.iter().any(|a| a == need);
        let profile = ClientProfile {
            age,
            province: self.province,
            language: self.language.map_or(TriageLang::En, TriageLang::from),
            populations: self.populations.clone(),
            no_internet: has("no_internet"),
            no_smartphone: has("no_smartphone"),
            phone_only: has("phone_only"),
            free_only: has("free_only"),
        };
        CareClient { profile, sex: self.sex_for_scoring }
    }
}

/// Overwrites the text of client details about to be dropped (on locking), so that it does not
/// stay readable in freed memory.
pub trait Wipe {
    fn wipe(&mut self);
}

impl Wipe for ClientInfo {
    fn wipe(&mut self) {
        use zeroize::Zeroize;
        self.id.zeroize();
        self.name.zeroize();
        self.birth_date.zeroize();
        // A province and populations are small enum values, not text: forgotten, not overwritten.
        self.province = None;
        self.populations.clear();
        self.access_needs.zeroize();
    }
}

impl Wipe for QueueEntry {
    fn wipe(&mut self) {
        use zeroize::Zeroize;
        self.encounter.zeroize();
        self.client.zeroize();
        self.client_name.zeroize();
        self.updated.zeroize();
        self.open_by = None;
    }
}

impl Wipe for HistoryData {
    fn wipe(&mut self) {
        use zeroize::Zeroize;
        self.client.wipe();
        for encounter in &mut self.encounters {
            encounter.date.zeroize();
            for (item, answer, _) in &mut encounter.answers {
                item.zeroize();
                answer.zeroize();
            }
            for change in &mut encounter.risk_changes {
                change.by.zeroize();
                change.reason.zeroize();
            }
        }
    }
}

impl<T: Wipe> Wipe for Vec<T> {
    fn wipe(&mut self) {
        self.iter_mut().for_each(Wipe::wipe);
        self.clear();
    }
}

/// What a client search found: matched by the owner, which audits exactly these clients.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClientMatches {
    /// By name, at most `store::sled_store::CLIENT_SEARCH_LIMIT`.
    pub clients: Vec<ClientInfo>,
    /// More clients matched than were returned: the worker types more of the name.
    pub more: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEntry {
    pub encounter: String,
    pub client: String,
    pub client_name: String,
    pub kiosk: bool,
    pub critical: bool,
    /// Ranks with the urgent ones, after the critical: an urgent flag, or a kiosk client who
    /// stopped part-way with severe partial answers or any flag.
    pub urgent: bool,
    /// A kiosk client who stopped part-way (or is still answering).
    pub incomplete: bool,
    pub updated: String,
    /// Who has it open in a staff interface now, and since when.
    pub open_by: Option<crate::store::OpenBy>,
}

/// An answer to persist: position and scored value, with the instrument's id, version, language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedAnswer {
    pub instrument: String,
    pub version: String,
    pub language: Lang,
    pub item: String,
    pub position: usize,
    pub value: i64,
}

/// Everything needed to resume an encounter where it stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncounterState {
    pub encounter: String,
    pub client: ClientInfo,
    pub instruments: Vec<String>,
    pub consent: Option<bool>,
    pub answers: Vec<(String, String, usize)>,
    pub completed: BTreeSet<String>,
    /// Flags acted on, answers changed with a reason, follow-ups waived.
    pub risk: RiskRecord,
    /// The encounter's latest decision, if one was recorded.
    pub decision: Option<StoredDecision>,
    /// The resources picked in the encounter's latest referral.
    pub picked: Vec<String>,
}

/// A decision on record, as the results screen shows it when the encounter is opened again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDecision {
    pub level: crate::triage::Level,
    pub override_reason: Option<String>,
    pub lifted: Vec<crate::triage::matching::LiftedExclusion>,
    /// The user name of who decided, and when.
    pub by: String,
    pub at: String,
}

/// One earlier encounter: when, and its answers (re-scored by the interface, so every result
/// comes from the item answers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastEncounter {
    /// The day it began, in the organisation's time zone (the backend resolves it).
    pub date: String,
    pub answers: Vec<(String, String, usize)>,
    /// Risk flags withdrawn by a changed answer, with who and why.
    pub risk_changes: Vec<RiskChange>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryData {
    pub client: ClientInfo,
    /// Oldest first.
    pub encounters: Vec<PastEncounter>,
}

/// An account as the administration screen shows it (no hash, no key material).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub name: String,
    pub display_name: String,
    pub role: String,
    pub active: bool,
    pub status: crate::store::AccountStatus,
}

/// One audit entry for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub seq: u64,
    pub time: String,
    pub user: String,
    pub role: String,
    pub origin: String,
    pub action: String,
    pub record: String,
    pub outcome: crate::store::audit::Outcome,
}

/// The result of checking the audit chain: entries checked, and the first bad entry if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditCheck {
    pub entries: u64,
    pub first_bad: Option<(u64, String)>,
}

/// Something the owner pushed: the queue changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A kiosk client finished a submission.
    KioskSubmission,
    /// A critical or urgent flag was raised somewhere in the service.
    Alert(Alert),
}

/// How soon an alert must be acted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AlertTier {
    /// Before the person leaves (a non-acute positive ASQ).
    Urgent,
    /// Now (the crisis protocol).
    Critical,
}

/// Where an alert comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertSource {
    /// A kiosk submission: the device's name and the submission's reference (first 8 hex digits,
    /// as the queue shows it).
    Kiosk { device: String, reference: String },
    /// A staff intake elsewhere: the encounter's reference (first 8 hex digits), and the
    /// client's name once it is looked up (`Backend::client_name_of`).
    Staff { reference: String, name: Option<String> },
}

/// An alert as data; its text is made at draw time, in the interface's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub tier: AlertTier,
    pub source: AlertSource,
    /// The queue entry it is about (`QueueEntry::encounter`).
    pub entry: String,
}

/// The owner and its store as `triage status` shows them (no personal data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerInfo {
    pub pid: u32,
    pub data_dir: String,
    pub version: String,
    /// Connections open to the owner (staff interfaces, kiosks, commands).
    pub connections: usize,
    pub initialised: bool,
    /// The data key is held: a staff member is signed in somewhere.
    pub unlocked: bool,
    pub organisation: Option<String>,
    pub audit_entries: u64,
    pub insecure_test_kdf: bool,
}

/// A check-in code just issued for the kiosk (the store keeps only its hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedCode {
    pub code: String,
    /// When it expires, RFC 3339.
    pub expires: String,
    /// The client the kiosk answers will be linked to, if one was given.
    pub client: Option<String>,
}

/// An outstanding check-in code as the owner lists it: its reference, never the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckinRow {
    /// The first hex digits of its record id (`triage checkin revoke REF`).
    pub reference: String,
    /// When it was issued and when it expires, RFC 3339.
    pub issued: String,
    pub expires: String,
    pub issued_by: String,
    /// Issued for a known client (which one is not said).
    pub for_client: bool,
}

/// A backup the owner wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupInfo {
    pub path: String,
    pub entries: usize,
    /// Encrypted records that opened with the data key.
    pub records_checked: usize,
    pub sha256: String,
    /// Records that did not open with the data key.
    pub damaged: Vec<String>,
    /// Audit entries in the backup, and the first problem in their chain if any.
    pub audit_entries: u64,
    pub audit_problem: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// Every record as JSON lines (for migration; `triage import` reads it back).
    Jsonl,
    /// One CSV file per instrument in a new directory.
    Csv,
    /// A FHIR R4 Bundle.
    Fhir,
}

/// What the export task asks for beyond its format and path, as the form gives it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExportChoice {
    /// CSV only: pseudonyms and shifted dates.
    pub deidentify: bool,
    /// Why the export is made: required unless de-identified; kept, sealed, in the audit log.
    pub reason: String,
    /// The age public keys (`age1...`) to encrypt to, as typed (spaces or commas between them);
    /// empty: not encrypted.
    pub recipients: String,
}

/// An export written by this process from the owner's pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportInfo {
    pub path: String,
    pub encounters: u64,
    /// Unreadable records left out.
    pub damaged: Vec<String>,
    /// The age public keys it is encrypted to (0: not encrypted).
    pub encrypted_to: usize,
}

pub trait Backend {
    /// True when the data directory has no organisation yet (first run).
    fn needs_setup(&mut self) -> BackendResult<bool>;
    /// Creates the organisation and first admin; returns the recovery key, to be shown once.
    fn initialize(&mut self, setup: &Setup, password: &str) -> BackendResult<String>;
    fn login(&mut self, user: &str, password: &str) -> BackendResult<Session>;
    /// Sets a new password for the signed-in account (the way on after an administrator's
    /// reset); the session goes on with it.
    fn change_own_password(&mut self, password: &str) -> BackendResult<()>;
    fn organisation(&mut self) -> BackendResult<OrgInfo>;
    fn queue(&mut self) -> BackendResult<Vec<QueueEntry>>;
    fn create_client(&mut self, client: &ClientInfo) -> BackendResult<ClientInfo>;
    /// Changes the client `client.id` to these details (name, date of birth, province, language,
    /// populations, access needs; anything else the record holds is kept) and returns the client
    /// as stored.
    fn update_client(&mut self, client: &ClientInfo) -> BackendResult<ClientInfo>;
    /// The clients whose name holds every word of `query`, matched by the owner (so that its
    /// audit entry names exactly the clients shown).
    fn search_clients(&mut self, query: &str) -> BackendResult<ClientMatches>;
    /// The clients a new `client` may be already (`sled_store::possible_duplicate`), found by the
    /// owner's search as the CLI's `client add` finds them (each word of the name, and the date
    /// of birth; each search audited naming the clients it returns).
    fn possible_duplicates(&mut self, client: &ClientInfo) -> BackendResult<Vec<ClientInfo>> {
        let mut found: Vec<ClientInfo> = Vec::new();
        for query in client.name.split_whitespace().chain(client.birth_date.as_deref()) {
            for candidate in self.search_clients(query)?.clients {
                let known = found.iter().any(|c| c.id == candidate.id);
                let (name, birth) = (candidate.name.as_str(), candidate.birth_date.as_deref());
                if !known
                    && crate::store::sled_store::possible_duplicate_of(
                        &client.name,
                        client.birth_date.as_deref(),
                        name,
                        birth,
                    )
                {
                    found.push(candidate);
                }
            }
        }
        Ok(found)
    }
    fn start_encounter(&mut self, client: &ClientInfo, instruments: &[String]) -> BackendResult<String>;
    fn record_consent(&mut self, encounter: &str, version: &str, given: bool) -> BackendResult<()>;
    fn save_answer(&mut self, encounter: &str, answer: &SavedAnswer) -> BackendResult<()>;
    fn save_result(&mut self, encounter: &str, result: &ScoreResult, language: Lang) -> BackendResult<()>;
    /// Records the crisis action taken; returns the time recorded, for display.
    fn record_crisis_action(
        &mut self,
        encounter: &str,
        flags: &[String],
        action: &str,
        note: &str,
    ) -> BackendResult<String>;
    fn save_decision(
        &mut self,
        encounter: &str,
        suggested: &str,
        reasons: &[String],
        final_level: &str,
        override_reason: Option<&str>,
        lifted: &[crate::triage::matching::LiftedExclusion],
    ) -> BackendResult<()>;
    fn save_referral(&mut self, encounter: &str, resources: &[(String, Vec<String>, bool)]) -> BackendResult<()>;
    fn open_encounter(&mut self, encounter: &str) -> BackendResult<EncounterState>;
    /// Holds the encounter for this interface (`take_over`: even if someone else has it open);
    /// answers who else has it open when it was not taken. A backend with no owner holds nothing.
    fn hold(&mut self, _encounter: &str, _take_over: bool) -> BackendResult<Option<crate::store::OpenBy>> {
        Ok(None)
    }
    /// Finishes an intake with its outcome.
    fn finish_encounter(
        &mut self,
        encounter: &str,
        outcome: crate::store::OutcomeKind,
        reason: Option<&str>,
    ) -> BackendResult<()>;
    /// The most recently finished intakes.
    fn closed_queue(&mut self) -> BackendResult<Vec<QueueEntry>>;
    /// Opens a finished intake again, with the reason.
    fn reopen_encounter(&mut self, encounter: &str, reason: &str) -> BackendResult<()>;
    fn history(&mut self, client: &str) -> BackendResult<HistoryData>;
    /// The name of the client an encounter is for (an alert about a staff intake elsewhere).
    fn client_name_of(&mut self, encounter: &str) -> BackendResult<String>;
    fn list_users(&mut self) -> BackendResult<Vec<UserRow>>;
    fn add_user(&mut self, name: &str, display_name: &str, role: &str, password: &str) -> BackendResult<()>;
    fn set_user_active(&mut self, name: &str, active: bool) -> BackendResult<()>;
    /// The most recent `limit` audit entries, newest first.
    fn audit_recent(&mut self, limit: usize) -> BackendResult<Vec<AuditRow>>;
    fn audit_verify(&mut self) -> BackendResult<AuditCheck>;
    /// The service report over every encounter (computed by the owner; clinician and admin).
    fn service_report(&mut self) -> BackendResult<crate::report::ServiceReport>;
    /// The owner's status (no login needed): whether the store is unlocked.
    fn owner_status(&mut self) -> BackendResult<OwnerInfo>;
    /// Issues a single-use kiosk check-in code valid for `minutes`.
    fn issue_checkin(&mut self, minutes: u32, client: Option<&str>) -> BackendResult<IssuedCode>;
    /// The outstanding check-in codes, oldest first, as `triage checkin list`.
    fn list_checkins(&mut self) -> BackendResult<Vec<CheckinRow>>;
    /// Revokes an outstanding check-in code by its reference, as `triage checkin revoke`;
    /// returns the reference.
    fn revoke_checkin(&mut self, reference: &str) -> BackendResult<String>;
    /// Has the owner write a backup to `path` (absolute; must not exist). Admin only.
    fn create_backup(&mut self, path: &std::path::Path) -> BackendResult<BackupInfo>;
    /// Exports every record to `path` (absolute; must not exist), as the CLI's `export` does.
    /// Admin only; the owner audits it.
    /// Writes an export; `progress` hears the number of encounters written after each page.
    fn export(
        &mut self,
        format: ExportFormat,
        path: &std::path::Path,
        choice: &ExportChoice,
        progress: &mut dyn FnMut(u64),
    ) -> BackendResult<ExportInfo>;
    /// Sets the kiosk exit PIN (6 to 12 digits), as `triage kiosk-pin`. Admin only.
    fn set_kiosk_pin(&mut self, pin: &str) -> BackendResult<()>;
    /// The organisation's settings (any role may read them).
    fn settings(&mut self) -> BackendResult<crate::store::Settings>;
    /// Changes the settings given, as `triage settings set`; returns what changed and the
    /// settings now. Admin only; the owner checks and audits it.
    fn update_settings(
        &mut self,
        changes: &crate::store::SettingsUpdate,
    ) -> BackendResult<crate::store::SettingsUpdated>;
    fn lock(&mut self);
    /// Ends the session at the owner and forgets its password ("switch user").
    fn logout(&mut self) -> BackendResult<()>;
    /// Notices pushed by the owner since the last call (never blocks).
    fn notices(&mut self) -> Vec<Notice>;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 15: a date of birth that cannot be read, or a province that is not known, is unknown
    /// to the care plan, not age 18 in Alberta.
    #[test]
    fn a_client_s_unreadable_birth_date_and_unknown_province_stay_unknown_to_the_care_plan() {
        let client = ClientInfo {
            birth_date: Some("1990-13-45".into()),
            province: None,
            populations: vec![Population::Trans],
            access_needs: vec!["phone_only".into()],
            ..ClientInfo::default()
        };
        let care = client.care_client("2026-11-25");
        assert_eq!(care.profile.age, None);
        assert_eq!(care.profile.province, None);
        assert_eq!(care.profile.populations, [Population::Trans]);
        assert!(care.profile.phone_only && !care.profile.no_internet);
        let none = ClientInfo { birth_date: None, ..client.clone() }.care_client("2026-11-25");
        assert_eq!((none.profile.age, none.profile.province), (None, None));
        let known = ClientInfo { birth_date: Some("2010-11-26".into()), province: Some(Province::Qc), ..client }
            .care_client("2026-11-25");
        assert_eq!((known.profile.age, known.profile.province), (Some(15), Some(Province::Qc)));
    }
}
