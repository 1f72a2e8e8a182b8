//! Accounts, roles, password hashing, login throttling, sessions (issue 3).
//!
//! The policy table [`allowed`] is the single source of truth for what each role may do; the
//! owner process checks it on every store operation (see `store::sled_store`), so a client that
//! skips the UI gains nothing.

use std::fmt;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::{Deserialize, Serialize};

/// Account roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Users, settings, audit, backups; creates clients but reads no clinical content.
    Admin,
    /// Reads and reviews clinical records, overrides triage levels.
    Clinician,
    /// Runs intakes, reads clients and submissions, records decisions and referrals.
    Intake,
    /// A kiosk device: writes sealed submissions only and reads no client record.
    Kiosk,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Clinician, Role::Intake, Role::Kiosk];

    pub fn name(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Clinician => "clinician",
            Role::Intake => "intake",
            Role::Kiosk => "kiosk",
        }
    }

    /// Whether a login with this role unlocks the store (receives a keyslot).
    pub fn holds_keyslot(self) -> bool {
        !matches!(self, Role::Kiosk)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Every operation the owner performs for a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    ReadOrganisation,
    UpdateSettings,
    ManageAccounts,
    ListAccounts,
    ChangeOwnPassword,
    CreateClient,
    /// Change a client's identifiers, language, province, date of birth, populations or access
    /// needs; audited with the names of the fields changed.
    UpdateClient,
    ReadClient,
    ListClients,
    StartEncounter,
    ReadEncounter,
    RecordConsent,
    SaveAnswer,
    SaveResult,
    RecordDecision,
    OverrideDecision,
    RecordReferral,
    RecordCrisisAction,
    /// Waive a follow-up that stayed due after the risk answer calling for it was changed
    /// (a crisis-action record `follow_up_waived`, with its reason): clinicians only.
    WaiveFollowUp,
    UpdateEncounterStatus,
    /// Open a finished (closed) encounter again, with a reason: clinicians only.
    ReopenEncounter,
    SubmitSealed,
    ReadSubmissions,
    SubscribeEvents,
    ReadAudit,
    VerifyAudit,
    CreateBackup,
    StopOwner,
    SeedSynthetic,
    /// Issue a single-use kiosk check-in code (staff).
    IssueCheckin,
    /// List the outstanding check-in codes (references, times, issuer; never the codes).
    ListCheckins,
    /// Revoke an outstanding check-in code before it is redeemed.
    RevokeCheckin,
    /// Redeem a check-in code at a kiosk.
    RedeemCheckin,
    /// End a kiosk with the admin PIN (the kiosk asks the owner to check it).
    ExitKiosk,
    /// Export every record decrypted (JSON lines, CSV, FHIR); audited.
    ExportData,
    /// Import records from a JSON-lines export (migration); audited.
    ImportData,
    /// Service reports (aggregate figures, no identifiers).
    ReadReports,
}

impl Operation {
    pub const ALL: [Operation; 37] = [
        Operation::ReadOrganisation,
        Operation::UpdateSettings,
        Operation::ManageAccounts,
        Operation::ListAccounts,
        Operation::ChangeOwnPassword,
        Operation::CreateClient,
        Operation::UpdateClient,
        Operation::ReadClient,
        Operation::ListClients,
        Operation::StartEncounter,
        Operation::ReadEncounter,
        Operation::RecordConsent,
        Operation::SaveAnswer,
        Operation::SaveResult,
        Operation::RecordDecision,
        Operation::OverrideDecision,
        Operation::RecordReferral,
        Operation::RecordCrisisAction,
        Operation::WaiveFollowUp,
        Operation::UpdateEncounterStatus,
        Operation::ReopenEncounter,
        Operation::SubmitSealed,
        Operation::ReadSubmissions,
        Operation::SubscribeEvents,
        Operation::ReadAudit,
        Operation::VerifyAudit,
        Operation::CreateBackup,
        Operation::StopOwner,
        Operation::SeedSynthetic,
        Operation::IssueCheckin,
        Operation::ListCheckins,
        Operation::RevokeCheckin,
        Operation::RedeemCheckin,
        Operation::ExitKiosk,
        Operation::ExportData,
        Operation::ImportData,
        Operation::ReadReports,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Operation::ReadOrganisation => "read_organisation",
            Operation::UpdateSettings => "update_settings",
            Operation::ManageAccounts => "manage_accounts",
            Operation::ListAccounts => "list_accounts",
            Operation::ChangeOwnPassword => "change_own_password",
            Operation::CreateClient => "create_client",
            Operation::UpdateClient => "update_client",
            Operation::ReadClient => "read_client",
            Operation::ListClients => "list_clients",
            Operation::StartEncounter => "start_encounter",
            Operation::ReadEncounter => "read_encounter",
            Operation::RecordConsent => "record_consent",
            Operation::SaveAnswer => "save_answer",
            Operation::SaveResult => "save_result",
            Operation::RecordDecision => "record_decision",
            Operation::OverrideDecision => "override_decision",
            Operation::RecordReferral => "record_referral",
            Operation::RecordCrisisAction => "record_crisis_action",
            Operation::WaiveFollowUp => "waive_follow_up",
            Operation::UpdateEncounterStatus => "update_encounter_status",
            Operation::ReopenEncounter => "reopen_encounter",
            Operation::SubmitSealed => "submit_sealed",
            Operation::ReadSubmissions => "read_submissions",
            Operation::SubscribeEvents => "subscribe_events",
            Operation::ReadAudit => "read_audit",
            Operation::VerifyAudit => "verify_audit",
            Operation::CreateBackup => "create_backup",
            Operation::StopOwner => "stop_owner",
            Operation::SeedSynthetic => "seed_synthetic",
            Operation::IssueCheckin => "issue_checkin",
            Operation::ListCheckins => "list_checkins",
            Operation::RevokeCheckin => "revoke_checkin",
            Operation::RedeemCheckin => "redeem_checkin",
            Operation::ExitKiosk => "exit_kiosk",
            Operation::ExportData => "export_data",
            Operation::ImportData => "import_data",
            Operation::ReadReports => "read_reports",
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The policy table: whether `role` may perform `operation`.
pub fn allowed(role: Role, operation: Operation) -> bool {
    use Operation::*;
    match role {
        Role::Admin => matches!(
            operation,
            ReadOrganisation
                | UpdateSettings
                | ManageAccounts
                | ListAccounts
                | ChangeOwnPassword
                | CreateClient
                | UpdateClient
                | ReadAudit
                | VerifyAudit
                | CreateBackup
                | StopOwner
                | SeedSynthetic
                | SubscribeEvents
                | IssueCheckin
                | ListCheckins
                | RevokeCheckin
                | ExportData
                | ImportData
                | ReadReports
        ),
        Role::Clinician => matches!(
            operation,
            ReadOrganisation
                | ChangeOwnPassword
                | CreateClient
                | UpdateClient
                | ReadClient
                | ListClients
                | StartEncounter
                | ReadEncounter
                | RecordConsent
                | SaveAnswer
                | SaveResult
                | RecordDecision
                | OverrideDecision
                | RecordReferral
                | RecordCrisisAction
                | WaiveFollowUp
                | UpdateEncounterStatus
                | ReopenEncounter
                | SubmitSealed
                | ReadSubmissions
                | SubscribeEvents
                | IssueCheckin
                | ListCheckins
                | RevokeCheckin
                | ReadReports
        ),
        Role::Intake => matches!(
            operation,
            ReadOrganisation
                | ChangeOwnPassword
                | CreateClient
                | UpdateClient
                | ReadClient
                | ListClients
                | StartEncounter
                | ReadEncounter
                | RecordConsent
                | SaveAnswer
                | SaveResult
                | RecordDecision
                | RecordReferral
                | RecordCrisisAction
                | UpdateEncounterStatus
                | SubmitSealed
                | ReadSubmissions
                | SubscribeEvents
                | IssueCheckin
                | ListCheckins
                | RevokeCheckin
        ),
        Role::Kiosk => matches!(operation, ReadOrganisation | SubmitSealed | RedeemCheckin | ExitKiosk),
    }
}

/// Where a session comes from: the SSH client address, else the terminal, else "local".
pub fn detect_origin() -> String {
    if let Ok(connection) = std::env::var("SSH_CONNECTION") {
        let mut parts = connection.split_whitespace();
        if let (Some(address), Some(port)) = (parts.next(), parts.next()) {
            let clean = |s: &str| {
                s.chars().filter(|c| c.is_ascii_hexdigit() || matches!(c, '.' | ':')).take(64).collect::<String>()
            };
            return format!("ssh:{}:{}", clean(address), clean(port));
        }
    }
    match std::fs::read_link("/proc/self/fd/0") {
        Ok(path) if path.starts_with("/dev/") => {
            format!("tty:{}", crate::sanitize::terminal_text(&path.to_string_lossy(), false))
        }
        _ => "local".into(),
    }
}

/// Why a password could not be hashed or checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("the stored password hash is damaged")]
    DamagedHash,
    #[error("the password hashing parameters are invalid")]
    BadParameters,
    #[error("the password is too short: use at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("the password is too long: use at most {MAX_PASSWORD_CHARS} characters")]
    TooLong,
}

/// NIST SP 800-63B rev 4: single-factor passwords of at least 15 characters.
pub const MIN_PASSWORD_CHARS: usize = 15;
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Checks length rules (no composition rules, per NIST SP 800-63B).
pub fn check_new_password(password: &str) -> Result<(), PasswordError> {
    let count = password.chars().count();
    if count < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    if count > MAX_PASSWORD_CHARS {
        return Err(PasswordError::TooLong);
    }
    Ok(())
}

/// argon2id cost parameters. Stored beside every hash and keyslot so they can be raised later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Iterations.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl KdfParams {
    /// Production parameters: 64 MiB, 3 passes (RFC 9106's second recommended option, one lane
    /// because clinic machines are small).
    pub const PRODUCTION: KdfParams = KdfParams { m_kib: 64 * 1024, t: 3, p: 1 };
    /// Deliberately weak parameters for tests only; a store initialised with them says so.
    pub const INSECURE_TEST: KdfParams = KdfParams { m_kib: 64, t: 1, p: 1 };

    /// Whether these meet the production floor (m >= 64 MiB, t >= 3).
    pub fn meets_production_floor(&self) -> bool {
        self.m_kib >= Self::PRODUCTION.m_kib && self.t >= Self::PRODUCTION.t
    }

    /// An argon2id hasher with these parameters (none if they are out of argon2's range).
    pub(crate) fn argon2(&self) -> Option<argon2::Argon2<'static>> {
        let params = argon2::Params::new(self.m_kib, self.t, self.p, Some(32)).ok()?;
        Some(argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params))
    }
}

/// Hashes a password with argon2id; the PHC string carries the parameters and salt.
pub fn hash_password(password: &[u8], params: KdfParams) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    let argon = params.argon2().ok_or(PasswordError::BadParameters)?;
    argon.hash_password(password, &salt).map(|hash| hash.to_string()).map_err(|_| PasswordError::BadParameters)
}

/// Checks a password against a stored PHC string, with the parameters stored in it.
pub fn verify_password(password: &[u8], phc: &str) -> Result<bool, PasswordError> {
    let hash = PasswordHash::new(phc).map_err(|_| PasswordError::DamagedHash)?;
    if hash.algorithm.as_str() != "argon2id" {
        return Err(PasswordError::DamagedHash);
    }
    match argon2::Argon2::default().verify_password(password, &hash) {
        Ok(()) => Ok(true),
        Err(argon2::password_hash::Error::Password) => Ok(false),
        Err(_) => Err(PasswordError::DamagedHash),
    }
}

/// Failures before logins are delayed.
pub const THROTTLE_AFTER: u32 = 5;
/// Failures at which the account locks until an administrator resets it (well before 100).
pub const LOCKOUT_AT: u32 = 20;
/// Longest delay between attempts while throttled.
pub const MAX_DELAY_MS: i64 = 15 * 60 * 1000;

/// What the throttle says about a login attempt now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThrottleVerdict {
    Allow,
    /// Wait this long before trying again.
    Wait {
        ms: i64,
    },
    LockedOut,
}

/// Throttling rule: after [`THROTTLE_AFTER`] consecutive failures each attempt must wait
/// 2^(failures - THROTTLE_AFTER) seconds (at most 15 minutes) after the last failure; at
/// [`LOCKOUT_AT`] the account is locked.
pub fn throttle(consecutive_failures: u32, last_failure_ms: i64, now_ms: i64) -> ThrottleVerdict {
    if consecutive_failures >= LOCKOUT_AT {
        return ThrottleVerdict::LockedOut;
    }
    if consecutive_failures < THROTTLE_AFTER {
        return ThrottleVerdict::Allow;
    }
    let exponent = (consecutive_failures - THROTTLE_AFTER).min(20);
    let delay = (1000i64 << exponent).min(MAX_DELAY_MS);
    let ready = last_failure_ms.saturating_add(delay);
    if now_ms >= ready { ThrottleVerdict::Allow } else { ThrottleVerdict::Wait { ms: ready - now_ms } }
}

/// A logged-in identity. Only the store creates one (after checking a password), so a client
/// cannot claim a role it was not given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    user: String,
    role: Role,
    origin: String,
    /// A fingerprint of the password hash the session signed in with (staff accounts): a reset
    /// or change of the password ends the session (`SledStore::check_session`).
    #[serde(skip)]
    credential: Option<[u8; 8]>,
}

impl Actor {
    pub(crate) fn new(user: String, role: Role, origin: String) -> Self {
        Actor { user, role, origin, credential: None }
    }

    /// The same identity, bound to the password it signed in with.
    pub(crate) fn with_credential(mut self, credential: [u8; 8]) -> Self {
        self.credential = Some(credential);
        self
    }

    pub(crate) fn credential(&self) -> Option<[u8; 8]> {
        self.credential
    }

    /// The built-in identity for the owner's own maintenance entries (start, stop, restore).
    pub(crate) fn system(origin: &str) -> Self {
        Actor { user: "system".into(), role: Role::Admin, origin: origin.into(), credential: None }
    }

    pub fn user(&self) -> &str {
        &self.user
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_store_their_parameters_and_verify() {
        let phc = hash_password(b"a long enough passphrase", KdfParams::INSECURE_TEST).unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{phc}");
        assert!(verify_password(b"a long enough passphrase", &phc).unwrap());
        assert!(!verify_password(b"another passphrase!!", &phc).unwrap());
        assert_eq!(verify_password(b"x", "not a hash"), Err(PasswordError::DamagedHash));
    }

    #[test]
    fn production_hash_parameters() {
        let phc = hash_password(b"a long enough passphrase", KdfParams::PRODUCTION).unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=65536,t=3,p=1$"), "{phc}");
    }

    #[test]
    fn password_length_rules() {
        assert_eq!(check_new_password("short"), Err(PasswordError::TooShort));
        assert_eq!(check_new_password(&"é".repeat(15)), Ok(()));
        assert_eq!(check_new_password(&"x".repeat(64)), Ok(()));
        assert_eq!(check_new_password(&"x".repeat(257)), Err(PasswordError::TooLong));
    }

    #[test]
    fn throttle_delays_then_locks_before_100() {
        assert_eq!(throttle(0, 0, 0), ThrottleVerdict::Allow);
        assert_eq!(throttle(THROTTLE_AFTER - 1, 1000, 1000), ThrottleVerdict::Allow);
        assert_eq!(throttle(THROTTLE_AFTER, 1000, 1000), ThrottleVerdict::Wait { ms: 1000 });
        assert_eq!(throttle(THROTTLE_AFTER, 1000, 2000), ThrottleVerdict::Allow);
        assert_eq!(throttle(THROTTLE_AFTER + 3, 0, 0), ThrottleVerdict::Wait { ms: 8000 });
        assert_eq!(
            throttle(LOCKOUT_AT - 1, 0, 0),
            ThrottleVerdict::Wait { ms: MAX_DELAY_MS.min(1000 << (LOCKOUT_AT - 1 - THROTTLE_AFTER)) }
        );
        assert_eq!(throttle(LOCKOUT_AT, 0, i64::MAX), ThrottleVerdict::LockedOut);
        const { assert!(LOCKOUT_AT < 100) };
    }

    /// The expected matrix, written out independently of [`allowed`]: every (role, operation)
    /// pair is checked. Columns: admin, clinician, intake, kiosk.
    #[test]
    fn policy_table_covers_every_pair() {
        use Operation::*;
        let expected: &[(Operation, [bool; 4])] = &[
            (ReadOrganisation, [true, true, true, true]),
            (UpdateSettings, [true, false, false, false]),
            (ManageAccounts, [true, false, false, false]),
            (ListAccounts, [true, false, false, false]),
            (ChangeOwnPassword, [true, true, true, false]),
            (CreateClient, [true, true, true, false]),
            (UpdateClient, [true, true, true, false]),
            (ReadClient, [false, true, true, false]),
            (ListClients, [false, true, true, false]),
            (StartEncounter, [false, true, true, false]),
            (ReadEncounter, [false, true, true, false]),
            (RecordConsent, [false, true, true, false]),
            (SaveAnswer, [false, true, true, false]),
            (SaveResult, [false, true, true, false]),
            (RecordDecision, [false, true, true, false]),
            (OverrideDecision, [false, true, false, false]),
            (RecordReferral, [false, true, true, false]),
            (RecordCrisisAction, [false, true, true, false]),
            (WaiveFollowUp, [false, true, false, false]),
            (UpdateEncounterStatus, [false, true, true, false]),
            (ReopenEncounter, [false, true, false, false]),
            (SubmitSealed, [false, true, true, true]),
            (ReadSubmissions, [false, true, true, false]),
            (SubscribeEvents, [true, true, true, false]),
            (ReadAudit, [true, false, false, false]),
            (VerifyAudit, [true, false, false, false]),
            (CreateBackup, [true, false, false, false]),
            (StopOwner, [true, false, false, false]),
            (SeedSynthetic, [true, false, false, false]),
            (IssueCheckin, [true, true, true, false]),
            (ListCheckins, [true, true, true, false]),
            (RevokeCheckin, [true, true, true, false]),
            (RedeemCheckin, [false, false, false, true]),
            (ExitKiosk, [false, false, false, true]),
            (ExportData, [true, false, false, false]),
            (ImportData, [true, false, false, false]),
            (ReadReports, [true, true, false, false]),
        ];
        assert_eq!(expected.len(), Operation::ALL.len());
        for (operation, row) in expected {
            for (role, want) in Role::ALL.iter().zip(row) {
                assert_eq!(allowed(*role, *operation), *want, "{role} {operation}");
            }
        }
        for role in Role::ALL {
            for operation in Operation::ALL {
                assert!(expected.iter().any(|(op, _)| *op == operation), "{role} {operation} missing from the table");
            }
        }
    }

    #[test]
    fn kiosk_reads_no_client_record() {
        for operation in
            [Operation::ReadClient, Operation::ListClients, Operation::ReadEncounter, Operation::ReadSubmissions]
        {
            assert!(!allowed(Role::Kiosk, operation));
        }
        assert!(!Role::Kiosk.holds_keyslot());
    }

    #[test]
    fn origin_prefers_ssh() {
        // Only reads the environment of this process; other tests do not set SSH_CONNECTION.
        let origin = detect_origin();
        assert!(origin.starts_with("ssh:") || origin.starts_with("tty:") || origin == "local");
    }
}
