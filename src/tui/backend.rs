//! What the interface asks of the data layer, in the interface's own terms. The shell performs
//! [`super::app::Effect`]s against a `Backend`; the store-backed implementation talks to the owning
//! process, and tests use an in-memory one.

use std::collections::BTreeSet;

use crate::instrument::{Lang, ScoreResult, Sex};
use crate::instrument::score::age_on;
use crate::intake::care::CareClient;
use crate::intake::{RiskChange, RiskRecord};
use crate::triage::ClientProfile;
use crate::triage::vocab::{Lang as TriageLang, Population, Province};
use crate::ui::strings::Text;

/// A failure from the data layer, as data: the interface words it in its own language at draw
/// time ([`BackendError::render`]); the owner's English message is kept for logs only.
pub type BackendResult<T> = Result<T, BackendError>;

/// What went wrong, in terms the interface can say in either language. Built from the owner's
/// language-neutral `WireError.code` ([`ErrorKind::from_code`]) or from a local failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    WrongCredentials,
    Throttled,
    LockedOut,
    AccountDisabled,
    SessionEnded,
    /// An administrator set this account's password: a new one must be chosen first.
    PasswordChangeRequired,
    NotLoggedIn,
    StoreLocked,
    Denied,
    NotFound,
    Claimed,
    /// A kiosk submission that could not be verified as this service's kiosk's: not imported,
    /// kept for review (not damage to restore from a backup).
    Unverified,
    AlreadyInitialised,
    NotInitialised,
    Invalid,
    Refused,
    OwnerBusy,
    OwnerUnreachable,
    ConnectionLost,
    VersionMismatch,
    DiskFull,
    ReadOnly,
    Damaged,
    /// The database lost changes that were confirmed as saved (the audit witness says so).
    AuditLoss,
    NewerSchema,
    ForeignDirectory,
    OwnerRunning,
    Storage,
    BadBackup,
    /// A file the interface was asked to write already exists.
    FileExists,
    /// A file or setting the interface itself reads is wrong (a catalog, a path).
    LocalFile,
    /// The owner answered with something this interface did not expect.
    Protocol,
    /// A code this interface does not know (a newer owner): still said in a translated sentence.
    Unknown,
}

impl ErrorKind {
    /// Whether a save that failed this way may still have been written: the disk failed part-way
    /// or the connection dropped before the answer came back. Such a save is "not confirmed",
    /// never "not saved".
    pub fn outcome_unknown(self) -> bool {
        matches!(self, ErrorKind::DiskFull | ErrorKind::Storage | ErrorKind::ConnectionLost | ErrorKind::Protocol)
    }

    /// Every kind, for tests that each one has a sentence in both languages.
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::WrongCredentials,
        ErrorKind::Throttled,
        ErrorKind::LockedOut,
        ErrorKind::AccountDisabled,
        ErrorKind::SessionEnded,
        ErrorKind::PasswordChangeRequired,
        ErrorKind::NotLoggedIn,
        ErrorKind::StoreLocked,
        ErrorKind::Denied,
        ErrorKind::NotFound,
        ErrorKind::Claimed,
        ErrorKind::Unverified,
        ErrorKind::AlreadyInitialised,
        ErrorKind::NotInitialised,
        ErrorKind::Invalid,
        ErrorKind::Refused,
        ErrorKind::OwnerBusy,
        ErrorKind::OwnerUnreachable,
        ErrorKind::ConnectionLost,
        ErrorKind::VersionMismatch,
        ErrorKind::DiskFull,
        ErrorKind::ReadOnly,
        ErrorKind::Damaged,
        ErrorKind::AuditLoss,
        ErrorKind::NewerSchema,
        ErrorKind::ForeignDirectory,
        ErrorKind::OwnerRunning,
        ErrorKind::Storage,
        ErrorKind::BadBackup,
        ErrorKind::FileExists,
        ErrorKind::LocalFile,
        ErrorKind::Protocol,
        ErrorKind::Unknown,
    ];

    /// The kind for an owner's error code (`StoreError::code`, and the owner's own `denied`,
    /// `invalid`, `busy`, `not_logged_in`).
    pub fn from_code(code: &str) -> ErrorKind {
        match code {
            "bad_credentials" => ErrorKind::WrongCredentials,
            "throttled" => ErrorKind::Throttled,
            "locked_out" => ErrorKind::LockedOut,
            "disabled" => ErrorKind::AccountDisabled,
            "session_ended" => ErrorKind::SessionEnded,
            "password_change_required" => ErrorKind::PasswordChangeRequired,
            "not_logged_in" => ErrorKind::NotLoggedIn,
            "locked" => ErrorKind::StoreLocked,
            "denied" => ErrorKind::Denied,
            "not_found" => ErrorKind::NotFound,
            "claimed" => ErrorKind::Claimed,
            "unverified" => ErrorKind::Unverified,
            "already_initialised" => ErrorKind::AlreadyInitialised,
            "not_initialised" => ErrorKind::NotInitialised,
            "invalid" => ErrorKind::Invalid,
            "refused" => ErrorKind::Refused,
            "busy" => ErrorKind::OwnerBusy,
            "disk_full" => ErrorKind::DiskFull,
            "read_only" => ErrorKind::ReadOnly,
            "damaged" | "corrupt" => ErrorKind::Damaged,
            "audit_loss" => ErrorKind::AuditLoss,
            "newer_schema" => ErrorKind::NewerSchema,
            "foreign" => ErrorKind::ForeignDirectory,
            "owner_running" => ErrorKind::OwnerRunning,
            "storage" | "io" => ErrorKind::Storage,
            "bad_backup" => ErrorKind::BadBackup,
            _ => ErrorKind::Unknown,
        }
    }

    /// The sentence that says it (no final full stop: a detail may follow).
    pub fn text(self) -> Text {
        match self {
            ErrorKind::WrongCredentials => Text::ErrWrongCredentials,
            ErrorKind::Throttled => Text::ErrThrottled,
            ErrorKind::LockedOut => Text::ErrLockedOut,
            ErrorKind::AccountDisabled => Text::ErrAccountDisabled,
            ErrorKind::SessionEnded => Text::ErrSessionEnded,
            ErrorKind::PasswordChangeRequired => Text::ErrPasswordChangeRequired,
            ErrorKind::NotLoggedIn => Text::ErrNotLoggedIn,
            ErrorKind::StoreLocked => Text::ErrStoreLocked,
            ErrorKind::Denied => Text::ErrDenied,
            ErrorKind::NotFound => Text::ErrNotFound,
            ErrorKind::Claimed => Text::ErrClaimed,
            ErrorKind::Unverified => Text::ErrUnverified,
            ErrorKind::AlreadyInitialised => Text::ErrAlreadyInitialised,
            ErrorKind::NotInitialised => Text::ErrNotInitialised,
            ErrorKind::Invalid => Text::ErrInvalid,
            ErrorKind::Refused => Text::ErrRefused,
            ErrorKind::OwnerBusy => Text::ErrOwnerBusy,
            ErrorKind::OwnerUnreachable => Text::ErrOwnerUnreachable,
            ErrorKind::ConnectionLost => Text::ErrConnectionLost,
            ErrorKind::VersionMismatch => Text::ErrVersionMismatch,
            ErrorKind::DiskFull => Text::ErrDiskFull,
            ErrorKind::ReadOnly => Text::ErrReadOnly,
            ErrorKind::Damaged => Text::ErrDamaged,
            ErrorKind::AuditLoss => Text::ErrAuditLoss,
            ErrorKind::NewerSchema => Text::ErrNewerSchema,
            ErrorKind::ForeignDirectory => Text::ErrForeignDirectory,
            ErrorKind::OwnerRunning => Text::ErrOwnerRunning,
            ErrorKind::Storage => Text::ErrStorage,
            ErrorKind::BadBackup => Text::ErrBadBackup,
            ErrorKind::FileExists => Text::ErrFileExists,
            ErrorKind::LocalFile => Text::ErrLocalFile,
            ErrorKind::Protocol => Text::ErrProtocol,
            ErrorKind::Unknown => Text::ErrUnknown,
        }
    }
}

/// The longest owner or local detail shown after the sentence.
const DETAIL_MAX_CHARS: usize = 120;

/// A failure the interface can show: its kind, an optional detail that is not prose (a field
/// name, a path, a file:line:column, a number of seconds), and the English message for logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendError {
    pub kind: ErrorKind,
    pub detail: Option<String>,
    /// The owner's (or the local) English message: for logs and the CLI, never drawn.
    pub log: String,
}

impl BackendError {
    pub fn new(kind: ErrorKind, log: impl Into<String>) -> BackendError {
        BackendError { kind, detail: None, log: log.into() }
    }

    /// The same failure with `detail` shown after the sentence (control characters and any
    /// excess length removed).
    pub fn with_detail(mut self, detail: impl AsRef<str>) -> BackendError {
        let clean: String = crate::tui::view::clean(detail.as_ref()).chars().take(DETAIL_MAX_CHARS).collect();
        let clean = clean.trim().to_string();
        self.detail = (!clean.is_empty()).then_some(clean);
        self
    }

    /// A refusal sent by the owner: its kind from `code`, and from its English `message` only
    /// the parts that are not prose (the field of an invalid entry, the seconds to wait).
    pub fn from_owner(code: &str, message: &str) -> BackendError {
        let kind = ErrorKind::from_code(code);
        let error = BackendError::new(kind, message);
        let detail = match kind {
            ErrorKind::Invalid => message
                .strip_prefix("invalid ")
                .and_then(|rest| rest.split_once(':'))
                .map(|(field, _)| field.to_string())
                .filter(|field| field.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))),
            // Which record: "record damaged: client 0a1b…. Other records …".
            ErrorKind::Damaged => ["record damaged: ", "record unreadable: "]
                .iter()
                .find_map(|prefix| message.strip_prefix(prefix))
                .and_then(|rest| rest.split_once(". "))
                .map(|(what, _)| what.to_string()),
            // The submission's reference, as the queue shows it (its first 8 hex digits).
            ErrorKind::Unverified => message
                .strip_prefix("kiosk submission ")
                .map(|rest| rest.chars().take_while(char::is_ascii_hexdigit).take(8).collect::<String>())
                .filter(|reference| !reference.is_empty()),
            ErrorKind::Throttled => message
                .split_once("wait ")
                .and_then(|(_, rest)| rest.split_whitespace().next())
                .filter(|n| n.parse::<u64>().is_ok())
                .map(|n| format!("{n} s")),
            _ => None,
        };
        match detail {
            Some(detail) => error.with_detail(detail),
            None => error,
        }
    }

    /// The owner answered with a reply of the wrong kind.
    pub fn unexpected(what: &str) -> BackendError {
        BackendError::new(ErrorKind::Protocol, format!("unexpected reply from the triage owner ({what})"))
    }

    /// The sentence in `lang`, then the detail, with a final full stop.
    pub fn render(&self, lang: Lang) -> String {
        let sentence = self.kind.text().get(lang);
        match &self.detail {
            Some(detail) => format!("{sentence} ({detail})."),
            None => format!("{sentence}."),
        }
    }
}

impl std::fmt::Display for BackendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.log)
    }
}

impl From<crate::store::StoreError> for BackendError {
    fn from(error: crate::store::StoreError) -> Self {
        BackendError::from_owner(error.code(), &error.to_string())
    }
}

impl From<crate::server::client::ClientError> for BackendError {
    fn from(error: crate::server::client::ClientError) -> Self {
        use crate::server::client::ClientError;
        let log = error.to_string();
        match error {
            ClientError::Owner { code, message } => BackendError::from_owner(&code, &message),
            ClientError::NoOwner { .. } => BackendError::new(ErrorKind::OwnerUnreachable, log),
            ClientError::Disconnected { .. } => BackendError::new(ErrorKind::ConnectionLost, log),
            ClientError::VersionMismatch { .. } => BackendError::new(ErrorKind::VersionMismatch, log),
            ClientError::Protocol(_) => BackendError::new(ErrorKind::Protocol, log),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: String,
    pub role: String,
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

impl ClientInfo {
    /// The client as the care plan reads them on `today` (YYYY-MM-DD): a date of birth or a
    /// province that is missing or cannot be read is unknown to the plan, never a default.
    pub fn care_client(&self, today: &str) -> CareClient {
        let age = self.birth_date.as_deref().and_then(|b| age_on(b, today)).and_then(|a| u32::try_from(a).ok());
        let has = |need: &str| self.access_needs.iter().any(|a| a == need);
        let profile = ClientProfile {
            age,
            province: Province::parse(&self.province),
            language: match self.language {
                Some(Lang::Fr) => TriageLang::Fr,
                _ => TriageLang::En,
            },
            populations: self.populations.iter().filter_map(|p| Population::parse(p)).collect(),
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
        self.province.zeroize();
        self.populations.zeroize();
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
    /// Notices pushed by the owner since the last call (never blocks).
    fn notices(&mut self) -> Vec<Notice>;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One of every store error: their codes are what the owner sends besides its own.
    fn every_store_error() -> Vec<crate::store::StoreError> {
        use crate::store::StoreError;
        let path = std::path::PathBuf::from("/srv/triage");
        let errors = vec![
            StoreError::Damaged { kind: "client", id: "x".into() },
            StoreError::NewerSchema { kind: "client", id: "x".into(), found: 9, supported: 1 },
            StoreError::Locked,
            StoreError::NotFound { kind: "client", id: "x".into() },
            StoreError::NoAccount { user: "x".into() },
            StoreError::Denied { role: "intake", operation: "read reports" },
            StoreError::BadCredentials,
            StoreError::Throttled { user: "a".into(), wait_secs: 5 },
            StoreError::LockedOut { user: "a".into() },
            StoreError::Disabled { user: "a".into() },
            StoreError::SessionEnded { user: "a".into() },
            StoreError::PasswordChangeRequired { user: "a".into(), by: "root".into(), on: "2026-11-25".into() },
            StoreError::AlreadyInitialised { path: path.clone() },
            StoreError::NotInitialised { path: path.clone() },
            StoreError::Foreign { path: path.clone() },
            StoreError::Corrupt { path: path.clone(), detail: "x".into() },
            StoreError::AuditLoss { path: path.clone(), detail: "x".into() },
            StoreError::Unreadable { what: "client ab".into(), at: String::new() },
            StoreError::DiskFull { path: path.clone() },
            StoreError::ReadOnly { path: path.clone() },
            StoreError::OwnerRunning { path: path.clone(), pid: String::new() },
            StoreError::Storage { path: path.clone(), detail: "x".into() },
            StoreError::Io { what: "read", path: path.clone(), source: std::io::Error::other("x") },
            StoreError::Invalid { field: "name", reason: "too long".into() },
            StoreError::BadBackup { path, reason: "x".into() },
            StoreError::Refused { what: "restore", reason: "x".into() },
            StoreError::Claimed { id: "x".into() },
            StoreError::Unverified { id: "0a1b2c3d4e5f".into() },
        ];
        // A new variant fails to compile here until it is added above (and given a kind).
        for error in &errors {
            match error {
                StoreError::Damaged { .. }
                | StoreError::NewerSchema { .. }
                | StoreError::Locked
                | StoreError::NotFound { .. }
                | StoreError::NoAccount { .. }
                | StoreError::Denied { .. }
                | StoreError::BadCredentials
                | StoreError::Throttled { .. }
                | StoreError::LockedOut { .. }
                | StoreError::Disabled { .. }
                | StoreError::SessionEnded { .. }
                | StoreError::PasswordChangeRequired { .. }
                | StoreError::AlreadyInitialised { .. }
                | StoreError::NotInitialised { .. }
                | StoreError::Foreign { .. }
                | StoreError::Corrupt { .. }
                | StoreError::AuditLoss { .. }
                | StoreError::Unreadable { .. }
                | StoreError::DiskFull { .. }
                | StoreError::ReadOnly { .. }
                | StoreError::OwnerRunning { .. }
                | StoreError::Storage { .. }
                | StoreError::Io { .. }
                | StoreError::Invalid { .. }
                | StoreError::BadBackup { .. }
                | StoreError::Refused { .. }
                | StoreError::Claimed { .. }
                | StoreError::Unverified { .. } => {}
            }
        }
        errors
    }

    #[test]
    fn every_code_the_owner_sends_has_a_kind_of_its_own() {
        for error in every_store_error() {
            let code = error.code();
            assert_ne!(ErrorKind::from_code(code), ErrorKind::Unknown, "{code}");
            assert_ne!(BackendError::from(error).kind, ErrorKind::Unknown, "{code}");
        }
        // The owner's own codes (`server::owner`), and the handshake's.
        for code in ["denied", "invalid", "busy", "not_logged_in"] {
            assert_ne!(ErrorKind::from_code(code), ErrorKind::Unknown, "{code}");
        }
        assert_eq!(ErrorKind::from_code("bad_credentials"), ErrorKind::WrongCredentials);
        assert_eq!(ErrorKind::from_code("corrupt"), ErrorKind::Damaged);
        assert_eq!(ErrorKind::from_code("busy"), ErrorKind::OwnerBusy);
        assert_eq!(ErrorKind::from_code("not_logged_in"), ErrorKind::NotLoggedIn);
    }

    #[test]
    fn a_damaged_or_unreadable_record_is_named_after_the_sentence() {
        use crate::store::StoreError;
        let unreadable = StoreError::Unreadable { what: "client 0a1b".into(), at: " (file offset 9)".into() };
        assert_eq!(
            BackendError::from(unreadable).render(Lang::En),
            "a record is damaged: restore it from a backup or tell an administrator (client 0a1b)."
        );
        let damaged = BackendError::from(StoreError::Damaged { kind: "answer", id: "0a1b-3".into() });
        assert_eq!(damaged.detail.as_deref(), Some("answer 0a1b-3"));
    }

    /// Issue 14 (unclear errors): claiming a forged kiosk submission said "a record is damaged:
    /// restore it from a backup", sending staff to restore a store that was not damaged.
    #[test]
    fn an_unverified_submission_is_not_called_damage_and_asks_for_no_restore() {
        let error = BackendError::from(crate::store::StoreError::Unverified { id: "0a1b2c3d4e5f6a7b".into() });
        assert_eq!(error.kind, ErrorKind::Unverified);
        for lang in [Lang::En, Lang::Fr] {
            let text = error.render(lang);
            assert!(text.ends_with("(0a1b2c3d)."), "{text}");
            assert_ne!(text, BackendError::new(ErrorKind::Damaged, "").render(lang));
        }
        let en = error.render(Lang::En);
        assert!(en.contains("could not be verified as coming from this service's kiosk"), "{en}");
        assert!(en.contains("was not imported") && en.contains("kept for review"), "{en}");
        assert!(en.contains("no backup needs restoring"), "{en}");
        let fr = error.render(Lang::Fr);
        assert!(fr.contains("n'a pas pu être vérifiée") && fr.contains("aucune sauvegarde"), "{fr}");
    }

    #[test]
    fn an_unknown_code_still_says_a_translated_sentence() {
        let error = BackendError::from_owner("from_a_newer_owner", "something new went wrong");
        assert_eq!(error.kind, ErrorKind::Unknown);
        assert_eq!(error.render(Lang::Fr), "le service triage a refusé la demande.");
        assert_eq!(error.render(Lang::En), "the triage service refused the request.");
        assert_eq!(error.log, "something new went wrong", "the owner's message is kept for logs");
    }

    #[test]
    fn every_kind_reads_in_french_and_differs_from_the_english() {
        for kind in ErrorKind::ALL {
            let (en, fr) = (kind.text().get(Lang::En), kind.text().get(Lang::Fr));
            assert!(!fr.is_empty() && fr != en, "{kind:?}");
            assert!(!fr.ends_with('.') && !en.ends_with('.'), "{kind:?}: the full stop comes after a detail");
            // French typography: a space before a colon or a semicolon.
            for (i, c) in fr.char_indices().filter(|(_, c)| matches!(c, ':' | ';')) {
                assert!(fr[..i].ends_with(' '), "{kind:?}: no space before {c:?} in {fr:?}");
            }
        }
        let sentences: std::collections::BTreeSet<&str> =
            ErrorKind::ALL.iter().map(|k| k.text().get(Lang::Fr)).collect();
        assert_eq!(sentences.len(), ErrorKind::ALL.len(), "each kind says something of its own");
    }

    #[test]
    fn french_rendering_of_the_login_refusals() {
        let wrong = BackendError::from_owner("bad_credentials", "wrong user name or password");
        assert_eq!(wrong.render(Lang::Fr), "nom d'utilisateur ou mot de passe incorrect.");
        let throttled =
            BackendError::from_owner("throttled", "too many failed logins for amira: wait 30 s before trying again");
        assert_eq!(throttled.render(Lang::Fr), "trop de connexions échouées : attendez avant de réessayer (30 s).");
        assert!(!throttled.render(Lang::Fr).contains("amira"), "only the number is taken from the owner's message");
        let ended = BackendError::from_owner("session_ended", "the session of amira has ended");
        assert!(ended.render(Lang::Fr).starts_with("votre session a pris fin"));
    }

    #[test]
    fn only_a_field_name_is_taken_from_an_invalid_entry() {
        let invalid = BackendError::from_owner("invalid", "invalid name: too long");
        assert_eq!(invalid.detail.as_deref(), Some("name"));
        assert_eq!(invalid.render(Lang::Fr), "la saisie a été refusée, car elle n'est pas valide (name).");
        // Prose is not a field name: nothing of it is shown.
        let prose = BackendError::from_owner("invalid", "invalid recovery key: it has 24 words");
        assert_eq!(prose.detail, None);
        let other = BackendError::from_owner("invalid", "the sealed box is not hex");
        assert_eq!(other.detail, None);
    }

    #[test]
    fn a_detail_is_cleaned_and_shortened() {
        let error = BackendError::new(ErrorKind::FileExists, "exists")
            .with_detail(format!("/srv/x\u{1b}[2J{}", "y".repeat(300)));
        let detail = error.detail.clone().unwrap_or_default();
        assert!(!detail.contains('\u{1b}') && detail.chars().count() <= DETAIL_MAX_CHARS, "{detail}");
        assert_eq!(BackendError::new(ErrorKind::LocalFile, "x").with_detail("  ").detail, None);
    }

    #[test]
    fn client_failures_map_to_connection_kinds() {
        use crate::server::client::ClientError;
        let dir = std::path::PathBuf::from("/srv/triage");
        let gone = BackendError::from(ClientError::NoOwner { dir: dir.clone(), detail: "refused".into() });
        assert_eq!(gone.kind, ErrorKind::OwnerUnreachable);
        let lost = BackendError::from(ClientError::Disconnected { dir, detail: "eof".into() });
        assert_eq!(lost.kind, ErrorKind::ConnectionLost);
        assert_eq!(lost.render(Lang::Fr), "la connexion au service triage a été perdue : réessayez.");
        let owner =
            BackendError::from(ClientError::Owner { code: "denied".into(), message: "permission denied".into() });
        assert_eq!(owner.kind, ErrorKind::Denied);
        assert_eq!(BackendError::from(ClientError::Protocol("x".into())).kind, ErrorKind::Protocol);
    }

    /// Issue 15: a date of birth or a province that cannot be read is unknown to the care plan,
    /// not age 18 in Alberta.
    #[test]
    fn a_client_s_unreadable_birth_date_and_province_stay_unknown_to_the_care_plan() {
        let client = ClientInfo {
            birth_date: Some("1990-13-45".into()),
            province: "Alberta".into(),
            populations: vec!["trans".into(), "nonsense".into()],
            access_needs: vec!["phone_only".into()],
            ..ClientInfo::default()
        };
        let care = client.care_client("2026-11-25");
        assert_eq!(care.profile.age, None);
        assert_eq!(care.profile.province, None);
        assert_eq!(care.profile.populations, [Population::Trans]);
        assert!(care.profile.phone_only && !care.profile.no_internet);
        let none = ClientInfo { birth_date: None, province: String::new(), ..client.clone() }.care_client("2026-11-25");
        assert_eq!((none.profile.age, none.profile.province), (None, None));
        let known = ClientInfo { birth_date: Some("2010-11-26".into()), province: "qc".into(), ..client }
            .care_client("2026-11-25");
        assert_eq!((known.profile.age, known.profile.province), (Some(15), Some(Province::Qc)));
    }
}
