//! What the interface asks of the data layer, in the interface's own terms. The shell performs
//! [`super::app::Effect`]s against a `Backend`; the store-backed implementation talks to the owning
//! process, and tests use an in-memory one.

use std::collections::BTreeSet;

use crate::instrument::{Lang, ScoreResult, Sex};
use crate::tui::intake::{RiskChange, RiskRecord};

/// A user-facing failure from the data layer (already worded for staff).
pub type BackendResult<T> = Result<T, String>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: String,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgInfo {
    pub name: String,
    pub province: String,
    pub language: Lang,
    pub crisis_text: String,
    /// The crisis text for French-speaking clients, when the organisation has set one.
    pub crisis_text_fr: Option<String>,
    pub idle_lock_minutes: u32,
    /// When the ASQ is asked (organisation setting).
    pub asq_mode: crate::instrument::AsqMode,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    pub org_name: String,
    pub province: String,
    pub language: Lang,
    pub admin: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClientInfo {
    pub id: String,
    pub name: String,
    pub birth_date: Option<String>,
    pub province: String,
    pub language: Option<Lang>,
    pub populations: Vec<String>,
    pub access_needs: Vec<String>,
    /// For the cut-offs validated by sex (AUDIT, AUDIT-C); `None` when not given.
    pub sex_for_scoring: Option<Sex>,
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
}

/// One earlier encounter: when, and its answers (re-scored by the interface, so every result
/// comes from the item answers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastEncounter {
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
    pub status: String,
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
    pub outcome: String,
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

/// An export written by this process from the owner's pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportInfo {
    pub path: String,
    pub encounters: u64,
    /// Unreadable records left out.
    pub damaged: Vec<String>,
}

pub trait Backend {
    /// True when the data directory has no organisation yet (first run).
    fn needs_setup(&mut self) -> BackendResult<bool>;
    /// Creates the organisation and first admin; returns the recovery key, to be shown once.
    fn initialize(&mut self, setup: &Setup, password: &str) -> BackendResult<String>;
    fn login(&mut self, user: &str, password: &str) -> BackendResult<Session>;
    fn organisation(&mut self) -> BackendResult<OrgInfo>;
    fn queue(&mut self) -> BackendResult<Vec<QueueEntry>>;
    fn create_client(&mut self, client: &ClientInfo) -> BackendResult<ClientInfo>;
    /// Changes the client `client.id` to these details (name, date of birth, province, language,
    /// populations, access needs; anything else the record holds is kept) and returns the client
    /// as stored.
    fn update_client(&mut self, client: &ClientInfo) -> BackendResult<ClientInfo>;
    /// Every client this account may read.
    fn list_clients(&mut self) -> BackendResult<Vec<ClientInfo>>;
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
        deidentify: bool,
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
    /// Notices pushed by the owner since the last call (never blocks).
    fn notices(&mut self) -> Vec<Notice>;
}
