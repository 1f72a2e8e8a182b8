//! The one process that owns a data directory, its Unix-socket protocol and its clients (issue 3).
//!
//! sled lets one process open a database, so one **owner** (`triage serve`, or one started in the
//! background by the first client that finds none) opens it and listens on `owner.sock` inside
//! the data directory (mode 0660). Every other `triage` process is a [`client::Client`]. An
//! exclusive lock on `owner.lock` elects exactly one owner; a socket left by a killed owner is
//! stale and replaced by the next one.
//!
//! Protocol: frames of a 4-byte big-endian length and a JSON message. The client opens with
//! `Hello { protocol }`; an owner of another protocol version answers `VersionMismatch` with a
//! message saying what to do. Then requests and responses carry ids, and the owner may push
//! events (new kiosk submission, critical flag) to subscribed clients at any time.

pub mod client;
mod export_source;
pub mod owner;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::auth::Role;
use crate::store::backup::BackupReport;
use crate::store::kiosk::{CheckinCode, CheckinSummary, KioskInfo, KioskIntake, SubmissionSummary};
use crate::store::{
    AccountStatus, AccountSummary, Answer, AuditEntry, AuditFilter, Client as ClientRecord, ClientHistory,
    ConsentAnswer, ConsentRecord, CrisisAction, Decision, Encounter, EncounterDetail, EncounterOrigin, EncounterStatus,
    InitRequest, KioskSubmission, NewAccount, NewAnswer, NewClient, NewDecision, NewReferral, NewResult, OpenEncounter,
    Organisation, OutcomeKind, RecordId, Referral, ResultRecord, ScoringContext, SeedSummary, StoreStatus,
    VerifyReport,
};

/// Version of the socket protocol. Bump on any incompatible change.
pub const PROTOCOL_VERSION: u32 = 1;
/// Largest frame accepted (16 MiB).
pub const MAX_FRAME: usize = 16 * 1024 * 1024;

/// The owner's socket inside a data directory.
pub fn socket_path(dir: &Path) -> PathBuf {
    dir.join("owner.sock")
}

/// The owner election lock inside a data directory.
pub fn lock_path(dir: &Path) -> PathBuf {
    dir.join("owner.lock")
}

/// The default data directory: `$XDG_DATA_HOME/triage`, else `~/.local/share/triage`.
pub fn default_data_dir() -> Option<PathBuf> {
    if let Some(xdg) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(xdg).join("triage"));
    }
    std::env::var_os("HOME").filter(|v| !v.is_empty()).map(|home| PathBuf::from(home).join(".local/share/triage"))
}

/// A password or other secret on the wire: serialised as a string (the socket is local and
/// mode 0660), held as a `SecretString` (zeroized on drop, redacted in Debug).
#[derive(Clone)]
pub struct Password(pub SecretString);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl Serialize for Password {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.expose_secret())
    }
}

impl<'de> Deserialize<'de> for Password {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = zeroize::Zeroizing::new(String::deserialize(deserializer)?);
        Ok(Password(SecretString::from(text.as_str().to_string())))
    }
}

impl From<&str> for Password {
    fn from(text: &str) -> Self {
        Password(SecretString::from(text.to_string()))
    }
}

/// First frame from a client.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Hello {
    pub protocol: u32,
    pub version: String,
}

/// Frames from a client after the hello.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequestFrame {
    pub id: u64,
    pub request: Request,
}

/// Frames from the owner.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    Welcome {
        protocol: u32,
        version: String,
        owner_pid: u32,
    },
    VersionMismatch {
        protocol: u32,
        version: String,
        message: String,
    },
    Response {
        id: u64,
        outcome: Result<Box<Reply>, WireError>,
    },
    Event {
        event: Event,
    },
    /// Sent instead of a welcome when the owner holds as many connections as it serves (in
    /// total, or for this Unix user).
    Busy {
        message: String,
    },
}

/// An error sent by the owner: a short code and a message for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireError {
    pub code: String,
    pub message: String,
}

impl From<crate::store::StoreError> for WireError {
    fn from(error: crate::store::StoreError) -> Self {
        WireError { code: error.code().into(), message: error.to_string() }
    }
}

/// Pushed by the owner to subscribed clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    KioskSubmission {
        id: RecordId,
    },
    CriticalFlag {
        encounter: RecordId,
    },
    OwnerStopping,
    /// A kiosk submission that carries a critical flag (sent right after its `KioskSubmission`).
    KioskCritical {
        id: RecordId,
        /// The kiosk's device name (absent from owners before alerts named their source).
        #[serde(default)]
        device: String,
    },
    /// A kiosk submission that carries an urgent flag (a non-acute positive ASQ, a declined risk
    /// item) or severe partial answers, and no critical one.
    KioskUrgent {
        id: RecordId,
        #[serde(default)]
        device: String,
    },
    /// An urgent flag was raised in a staff intake.
    UrgentFlag {
        encounter: RecordId,
    },
}

/// Everything a client can ask.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    Ping,
    Status,
    Init {
        request: InitRequest,
        password: Password,
    },
    Login {
        user: String,
        password: Password,
        origin: String,
    },
    /// The interface hides its client details (Ctrl-X, the idle lock): until the same account
    /// signs in again on this connection, a sign-in as anyone else is refused (audited), and
    /// the session stays the locking user's until it is given back or ended (`Logout`).
    Lock,
    /// Ends this connection's session ("switch user"), audited.
    Logout,
    Recover {
        recovery_key: Password,
        user: String,
        new_password: Password,
        origin: String,
    },
    Organisation,
    AddUser {
        account: NewAccount,
        password: Password,
    },
    ListUsers,
    SetUserStatus {
        user: String,
        status: AccountStatus,
    },
    SetPassword {
        user: String,
        password: Password,
    },
    CreateClient {
        client: NewClient,
    },
    GetClient {
        id: RecordId,
    },
    /// Change a client: the fields given replace the stored ones.
    UpdateClient {
        id: RecordId,
        changes: crate::store::ClientUpdate,
    },
    /// Every client (the audit entry names each one returned). The interface searches instead.
    ListClients,
    /// The clients whose name holds every word of `query`, matched by the owner (at most
    /// `store::sled_store::CLIENT_SEARCH_LIMIT`); the audit entry names those returned.
    SearchClients {
        query: String,
    },
    StartEncounter {
        client: RecordId,
        origin: EncounterOrigin,
        #[serde(default)]
        instruments: Vec<String>,
    },
    OpenEncounters,
    /// The most recently finished encounters (the queue's "show finished").
    ClosedEncounters,
    /// Finishes an intake with its outcome (a reason is required for "no referral needed").
    FinishEncounter {
        id: RecordId,
        outcome: OutcomeKind,
        #[serde(default)]
        reason: Option<String>,
    },
    /// Opens a finished intake again: a clinician, with a reason.
    ReopenEncounter {
        id: RecordId,
        reason: String,
    },
    RecordCrisisAction {
        encounter: RecordId,
        flags: Vec<String>,
        action: String,
        note: String,
    },
    GetEncounter {
        id: RecordId,
    },
    /// Opening `encounter` in the staff interface: held by this connection unless another holds
    /// it and `take_over` is not asked (see `owner::holders`).
    OpenFor {
        encounter: RecordId,
        #[serde(default)]
        take_over: bool,
    },
    /// Leaving `encounter`: this connection no longer holds it.
    Release {
        encounter: RecordId,
    },
    /// `request`, a write to `encounter`, based on the encounter's `version` as last read (see
    /// `store::sled_store::versions`): refused as stale once someone else changed it.
    BasedOn {
        encounter: RecordId,
        version: u64,
        request: Box<Request>,
    },
    SetEncounterStatus {
        id: RecordId,
        status: EncounterStatus,
    },
    RecordConsent {
        encounter: RecordId,
        version: String,
        answer: ConsentAnswer,
    },
    SaveAnswer {
        encounter: RecordId,
        answer: NewAnswer,
    },
    SaveResult {
        encounter: RecordId,
        result: NewResult,
    },
    SaveDecision {
        encounter: RecordId,
        decision: NewDecision,
    },
    SaveReferral {
        encounter: RecordId,
        referral: NewReferral,
    },
    ClientHistory {
        client: RecordId,
    },
    SubmissionKey,
    SubmitSealed {
        id: RecordId,
        sealed_hex: String,
    },
    ListSubmissions,
    OpenSubmission {
        id: RecordId,
    },
    AuditList {
        filter: AuditFilter,
    },
    AuditVerify {
        expect_head: Option<String>,
    },
    BackupCreate {
        path: PathBuf,
    },
    Seed {
        encounters: usize,
    },
    Subscribe,
    Stop,
    // ---- kiosk (issue 6; see `store::kiosk`) ----
    /// Makes this connection a kiosk: no password, role kiosk, and no login afterwards.
    KioskSession {
        device: String,
        origin: String,
    },
    /// Kiosk: redeem a staff-issued check-in code.
    RedeemCheckin {
        code: String,
    },
    /// Kiosk: store a sealed `KioskIntake` with its key-free `critical` marker.
    SubmitKiosk {
        id: RecordId,
        sealed_hex: String,
        critical: bool,
        checkin: Option<RecordId>,
        /// Absent from kiosks before incremental sends: the box is then the complete submission.
        #[serde(default)]
        progress: Option<crate::store::kiosk::SubmissionProgress>,
    },
    /// Kiosk: check the exit PIN.
    VerifyKioskPin {
        pin: Password,
    },
    /// Staff: issue a check-in code valid for `minutes`.
    IssueCheckin {
        client: Option<RecordId>,
        minutes: u32,
    },
    /// Staff: the outstanding check-in codes, by reference (never the codes).
    ListCheckins,
    /// Staff: revoke an outstanding check-in code by its reference or the code itself.
    RevokeCheckin {
        reference: String,
    },
    /// Staff: kiosk submissions with their critical marker (works while locked).
    ListKioskSubmissions,
    /// Staff: open one (needs the store unlocked).
    OpenKioskSubmission {
        id: RecordId,
    },
    /// Staff: turn a submission into a client and encounter.
    ClaimSubmission {
        id: RecordId,
    },
    /// Admin: set the kiosk exit PIN.
    SetKioskPin {
        pin: Password,
    },
    /// Admin: change the settings given (`Organisation` reads them, for every role).
    UpdateSettings {
        changes: crate::store::SettingsUpdate,
    },
    // ---- reports and exports (issue 7; see `report`, `export`, `store::sled_store::bulk`) ----
    /// Clinician or admin: the service report, computed inside the owner.
    ServiceReport {
        period: crate::report::Period,
    },
    /// Admin: one page of clients for export, after `after` in id order. Refused without a
    /// `reason` (clients are identifiable); the reason is sealed into the page's audit entry.
    ExportClients {
        after: Option<RecordId>,
        limit: usize,
        #[serde(default)]
        reason: Option<String>,
    },
    /// Admin: one page of encounters with their records and clients, after `after`. Refused
    /// without a `reason` unless `contents` is de-identified.
    ExportEncounters {
        after: Option<RecordId>,
        limit: usize,
        /// What each encounter comes with (everything if left out).
        #[serde(default)]
        contents: crate::export::Contents,
        #[serde(default)]
        reason: Option<String>,
    },
    /// Admin: write exported records back with their ids.
    ImportRecords {
        records: Vec<crate::export::Record>,
    },
}

/// Status of the owner and its store (no personal data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerStatus {
    pub owner_pid: u32,
    pub data_dir: PathBuf,
    pub protocol: u32,
    pub version: String,
    pub clients: usize,
    pub store: StoreStatus,
}

/// Everything the owner can answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "reply", content = "value", rename_all = "snake_case")]
pub enum Reply {
    Pong,
    Done,
    Status(OwnerStatus),
    RecoveryKey(Password),
    LoggedIn {
        user: String,
        role: Role,
        /// An administrator set this account's password (who, when): the session may only
        /// choose a new one (`SetPassword` for itself) until it does.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        password_reset: Option<crate::store::PasswordReset>,
    },
    Organisation(Organisation),
    Account(AccountSummary),
    Accounts(Vec<AccountSummary>),
    Id(RecordId),
    Client(ClientRecord),
    Clients {
        clients: Vec<ClientRecord>,
        damaged: Vec<String>,
    },
    ClientSearch(crate::store::ClientSearch),
    ClientUpdated(crate::store::ClientUpdated),
    SettingsUpdated(crate::store::SettingsUpdated),
    Encounter(Encounter),
    OpenEncounters(Vec<OpenEncounter>),
    CrisisAction(CrisisAction),
    Detail(EncounterDetail),
    /// The answer to `OpenFor`: who else holds the encounter (it was not taken), or `None`.
    OpenBy(Option<crate::store::OpenBy>),
    /// The reply to a `BasedOn` write, with the encounter's version after it.
    BasedOn {
        version: u64,
        reply: Box<Reply>,
    },
    Consent(ConsentRecord),
    Answer(Answer),
    Result(ResultRecord),
    Decision(Decision),
    Referral(Referral),
    History(ClientHistory),
    SubmissionKey(String),
    Submissions(Vec<(RecordId, i64)>),
    Submission(KioskSubmission),
    Audit(Vec<AuditEntry>),
    /// The entries that could be read, and the sequence numbers of those that could not (sent
    /// instead of `Audit` only when some are damaged).
    AuditDamaged {
        entries: Vec<AuditEntry>,
        damaged: Vec<u64>,
    },
    Verify(VerifyReport),
    Backup(BackupReport),
    Seed(SeedSummary),
    KioskInfo(KioskInfo),
    /// The code's id, and the sex for scoring and age of its client (never a name or a date of
    /// birth): the kiosk scores and chooses crisis lines with them.
    CheckinRedeemed(RecordId, ScoringContext),
    Checkin(CheckinCode),
    Checkins(Vec<CheckinSummary>),
    CheckinRevoked(String),
    KioskSubmissions(Vec<SubmissionSummary>),
    KioskIntake(Box<KioskIntake>),
    Claimed {
        client: RecordId,
        encounter: Encounter,
    },
    ServiceReport(Box<crate::report::ServiceReport>),
    ExportClients(crate::export::ClientPage),
    ExportEncounters(Box<crate::export::ExportPage>),
    Imported(crate::export::ImportSummary),
}

impl Request {
    /// Whether the request carries a password, PIN or recovery key (sent with
    /// [`write_secret_frame`]).
    pub fn holds_secret(&self) -> bool {
        matches!(
            self,
            Request::Init { .. }
                | Request::Login { .. }
                | Request::Recover { .. }
                | Request::AddUser { .. }
                | Request::SetPassword { .. }
                | Request::VerifyKioskPin { .. }
                | Request::SetKioskPin { .. }
        )
    }
}

/// Writes one frame.
pub fn write_frame<W: Write, T: Serialize>(writer: &mut W, message: &T) -> std::io::Result<()> {
    let body = zeroize::Zeroizing::new(serde_json::to_vec(message).map_err(std::io::Error::other)?);
    if body.len() > MAX_FRAME {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "message larger than 16 MiB"));
    }
    let mut frame = zeroize::Zeroizing::new(Vec::with_capacity(4 + body.len()));
    frame.extend_from_slice(&(body.len() as u32).to_be_bytes());
    frame.extend_from_slice(&body);
    writer.write_all(&frame)?;
    writer.flush()
}

/// [`write_frame`] for a message that holds a secret (a password): serialised once to learn its
/// length, then into a buffer of exactly that size, so no growing buffer leaves a copy of the
/// secret in freed memory; the buffer is zeroized after the write.
pub fn write_secret_frame<W: Write, T: Serialize>(writer: &mut W, message: &T) -> std::io::Result<()> {
    struct Count(usize);
    impl Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    serde_json::to_writer(&mut count, message).map_err(std::io::Error::other)?;
    if count.0 > MAX_FRAME {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "message larger than 16 MiB"));
    }
    let mut frame = zeroize::Zeroizing::new(Vec::with_capacity(4 + count.0));
    frame.extend_from_slice(&(count.0 as u32).to_be_bytes());
    serde_json::to_writer(&mut *frame, message).map_err(std::io::Error::other)?;
    writer.write_all(&frame)?;
    writer.flush()
}

/// Reads one frame. `Ok(None)` at a clean end of stream.
pub fn read_frame<R: Read, T: serde::de::DeserializeOwned>(reader: &mut R) -> std::io::Result<Option<T>> {
    read_frame_within(reader, MAX_FRAME)
}

/// Frames up to this size are read into a buffer of their exact size (zeroized, never moved);
/// larger ones grow as their bytes arrive, so a header that announces 16 MiB and sends nothing
/// costs nothing.
const EXACT_BUFFER: usize = 64 * 1024;

/// Reads one frame of at most `limit` bytes. `Ok(None)` at a clean end of stream.
pub fn read_frame_within<R: Read, T: serde::de::DeserializeOwned>(
    reader: &mut R,
    limit: usize,
) -> std::io::Result<Option<T>> {
    let mut length = [0u8; 4];
    match reader.read_exact(&mut length) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(error) => return Err(error),
    }
    let length = u32::from_be_bytes(length) as usize;
    if length > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("a frame of {length} bytes is over this connection's limit of {limit} bytes"),
        ));
    }
    let body = if length <= EXACT_BUFFER {
        let mut body = zeroize::Zeroizing::new(vec![0u8; length]);
        reader.read_exact(&mut body)?;
        body
    } else {
        let mut body = zeroize::Zeroizing::new(Vec::with_capacity(EXACT_BUFFER));
        reader.take(length as u64).read_to_end(&mut body)?;
        if body.len() != length {
            return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "the frame ended early"));
        }
        body
    };
    serde_json::from_slice(&body).map(Some).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

#[cfg(test)]
mod tests;
