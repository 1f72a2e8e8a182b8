//! Encrypted, audited storage (issue 3).
//!
//! [`Store`] is the seam every other part uses (the owner process serves it over a socket; tests
//! may fake it). [`SledStore`] implements it on sled 0.34.7: records are encrypted with a random
//! data key (see [`crypto`]), every change and every read of personal health information writes a
//! hash-chained [`audit`] entry in the same commit, and every call returns only after
//! `flush()`.

pub mod audit;
pub mod backup;
pub mod crypto;
pub mod error;
pub mod kiosk;
pub mod pages;
pub mod records;
mod seed;
pub mod settings;
pub mod sled_store;
pub mod summary;
#[cfg(test)]
pub(crate) mod test_support;

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

pub use audit::{AuditEntry, AuditFilter, VerifyReport};
pub use crypto::{KdfParams, RecoveryKey};
pub use error::{Result, StoreError};
pub use records::*;
pub use sled_store::SledStore;

use crate::auth::{Actor, Role};

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// RFC 3339 (UTC) rendering of a millisecond timestamp.
pub fn format_time(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_else(|| ms.to_string())
}

/// The UTC date (YYYY-MM-DD) of a millisecond timestamp.
pub fn date_of_ms(ms: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.date().format(&format).ok())
        .unwrap_or_default()
}

/// Parses an RFC 3339 time or a plain `YYYY-MM-DD` date (midnight UTC) into milliseconds.
pub fn parse_time(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(t) = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339) {
        return i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok();
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(text, &format).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp() * 1000)
}

/// What `triage init` asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitRequest {
    pub org: String,
    #[serde(with = "records::vocab_codes::province")]
    pub province: Province,
    pub admin: String,
    /// Weak key-derivation parameters for automated tests; recorded and reported.
    #[serde(default)]
    pub insecure_test_kdf: bool,
    /// The organisation's time zone (an IANA name); unset: UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
}

/// A new account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
}

/// Account state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Active,
    Disabled,
    LockedOut,
}

impl AccountStatus {
    /// The stable name (as stored and in JSON): `active`, `disabled`, `locked_out`.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Active => "active",
            AccountStatus::Disabled => "disabled",
            AccountStatus::LockedOut => "locked_out",
        }
    }
}

/// An administrator set this account's password (who, when): until the account's own user
/// chooses a new one, a session of the account may do nothing else (`password_change_required`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordReset {
    pub by: String,
    pub at_ms: i64,
}

impl PasswordReset {
    /// The day of the reset, `YYYY-MM-DD` (UTC), as the account's user is told it.
    pub fn date(&self) -> String {
        format_time(self.at_ms).chars().take(10).collect()
    }
}

/// What `triage user list` shows (no hash, no keyslot).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub status: AccountStatus,
    pub failed_logins: u32,
    pub created_ms: i64,
    /// argon2id parameters of the stored hash, e.g. `m=65536,t=3,p=1`.
    pub hash_parameters: String,
    /// A reset by an administrator that the account's user has not yet replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_reset: Option<PasswordReset>,
}

impl From<&sled_store::AccountRecord> for AccountSummary {
    fn from(record: &sled_store::AccountRecord) -> Self {
        let hash_parameters = record.password_hash.split('$').nth(3).unwrap_or("").to_string();
        AccountSummary {
            username: record.username.clone(),
            display_name: record.display_name.clone(),
            role: record.role,
            status: record.status,
            failed_logins: record.failed_logins,
            created_ms: record.created_ms,
            hash_parameters,
            password_reset: record.password_reset.clone(),
        }
    }
}

/// Store state, readable without logging in (no personal data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreStatus {
    pub initialised: bool,
    pub unlocked: bool,
    pub organisation: Option<String>,
    pub insecure_test_kdf: bool,
    pub audit_entries: u64,
}

/// What `triage dev seed` made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedSummary {
    pub clients: usize,
    pub encounters: usize,
    pub answers: usize,
}

/// The storage seam. Every method that touches personal health information takes the
/// logged-in [`Actor`], checks the policy table, and writes an audit entry before it returns.
pub trait Store: Send + Sync {
    fn status(&self) -> Result<StoreStatus>;
    /// First run: organisation, admin account, data key, keyslots. Returns the recovery key,
    /// to be shown once.
    fn initialize(&self, request: &InitRequest, password: &SecretString, origin: &str) -> Result<RecoveryKey>;
    /// Checks a password (throttled, audited); a staff login unlocks the store.
    fn login(&self, username: &str, password: &SecretString, origin: &str) -> Result<Actor>;
    /// Sets a new password for `username` with the recovery key (and unlocks).
    fn recover(
        &self,
        recovery: &RecoveryKey,
        username: &str,
        new_password: &SecretString,
        origin: &str,
    ) -> Result<Actor>;
    /// Forgets the data key.
    fn lock(&self);
    fn is_unlocked(&self) -> bool;
    fn organisation(&self, actor: &Actor) -> Result<Organisation>;
    /// Changes the settings given in `changes` (admin only), checked by [`settings::validate`];
    /// the audit entry names the settings changed, never the crisis texts.
    fn update_settings(&self, actor: &Actor, changes: &SettingsUpdate) -> Result<SettingsUpdated>;
    fn add_account(&self, actor: &Actor, account: &NewAccount, password: &SecretString) -> Result<AccountSummary>;
    fn list_accounts(&self, actor: &Actor) -> Result<Vec<AccountSummary>>;
    fn set_account_status(&self, actor: &Actor, username: &str, status: AccountStatus) -> Result<()>;
    fn set_password(&self, actor: &Actor, username: &str, new_password: &SecretString) -> Result<()>;
    fn create_client(&self, actor: &Actor, client: &NewClient) -> Result<RecordId>;
    fn client(&self, actor: &Actor, id: &RecordId) -> Result<Client>;
    /// Changes a client with the same validation as [`Store::create_client`]; the audit entry
    /// names the fields changed, never their values.
    fn update_client(&self, actor: &Actor, id: &RecordId, changes: &ClientUpdate) -> Result<ClientUpdated>;
    /// All readable clients and the ids of damaged ones; the audit entry names every client
    /// returned.
    fn list_clients(&self, actor: &Actor) -> Result<(Vec<Client>, Vec<String>)>;
    /// The clients whose name holds every word of `query` (case-insensitive), by name, matched
    /// here after decryption and at most [`sled_store::CLIENT_SEARCH_LIMIT`] of them; the audit
    /// entry (`client.search`) names exactly the clients returned, never the query.
    fn search_clients(&self, actor: &Actor, query: &str) -> Result<ClientSearch>;
    fn start_encounter(&self, actor: &Actor, client: &RecordId, origin: EncounterOrigin) -> Result<Encounter> {
        self.start_encounter_with(actor, client, origin, &[])
    }
    /// Starts an encounter that will give `instruments` (its bundle).
    fn start_encounter_with(
        &self,
        actor: &Actor,
        client: &RecordId,
        origin: EncounterOrigin,
        instruments: &[String],
    ) -> Result<Encounter>;
    /// Records what staff did when a critical flag fired.
    fn record_crisis_action(
        &self,
        actor: &Actor,
        encounter: &RecordId,
        crisis: &NewCrisisAction,
    ) -> Result<CrisisAction>;
    /// Encounters not yet finished (in progress, submitted, reviewed), critical first, for the staff queue.
    fn open_encounters(&self, actor: &Actor) -> Result<Vec<OpenEncounter>>;
    fn encounter(&self, actor: &Actor, id: &RecordId) -> Result<EncounterDetail>;
    fn set_encounter_status(&self, actor: &Actor, id: &RecordId, status: EncounterStatus) -> Result<Encounter>;
    /// The most recently finished encounters, for the queue on request.
    fn closed_encounters(&self, actor: &Actor) -> Result<Vec<OpenEncounter>>;
    /// Finishes an intake: the encounter is closed with its outcome (`encounter.finish`).
    fn finish_encounter(
        &self,
        actor: &Actor,
        id: &RecordId,
        kind: OutcomeKind,
        reason: Option<&str>,
    ) -> Result<Encounter>;
    /// Opens a finished encounter again, a clinician with a reason (`encounter.reopen`).
    fn reopen_encounter(&self, actor: &Actor, id: &RecordId, reason: &str) -> Result<Encounter>;
    fn record_consent(
        &self,
        actor: &Actor,
        encounter: &RecordId,
        version: &str,
        answer: ConsentAnswer,
    ) -> Result<ConsentRecord>;
    fn save_answer(&self, actor: &Actor, encounter: &RecordId, answer: &NewAnswer) -> Result<Answer>;
    fn save_result(&self, actor: &Actor, encounter: &RecordId, result: &NewResult) -> Result<ResultRecord>;
    fn save_decision(&self, actor: &Actor, encounter: &RecordId, decision: &NewDecision) -> Result<Decision>;
    fn save_referral(&self, actor: &Actor, encounter: &RecordId, referral: &NewReferral) -> Result<Referral>;
    fn client_history(&self, actor: &Actor, client: &RecordId) -> Result<ClientHistory>;
    /// The organisation's public key for sealing kiosk submissions.
    fn submission_public_key(&self, actor: &Actor) -> Result<[u8; 32]>;
    /// Stores a sealed submission (works while locked).
    fn submit_sealed(&self, actor: &Actor, id: &RecordId, sealed: &[u8]) -> Result<()>;
    fn list_submissions(&self, actor: &Actor) -> Result<Vec<(RecordId, i64)>>;
    fn open_submission(&self, actor: &Actor, id: &RecordId) -> Result<KioskSubmission>;
    fn audit_list(&self, actor: &Actor, filter: &AuditFilter) -> Result<Vec<AuditEntry>>;
    fn audit_verify(&self, actor: &Actor, expect_head: Option<&str>) -> Result<VerifyReport>;
    fn seed_synthetic(&self, actor: &Actor, encounters: usize) -> Result<SeedSummary>;
    fn flush(&self) -> Result<()>;
}

#[cfg(test)]
mod tests;
