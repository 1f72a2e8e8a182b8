//! The sled-backed [`Store`].
//!
//! Layout: one sled tree per record kind plus two index trees and `meta`. Keys are random
//! 128-bit ids or `encounter id ‖ sequence number`; they hold no personal data. Values are
//! envelopes (see [`super::crypto`]): clinical records are encrypted with the data key and their
//! tree, key and field bound as associated data; accounts, audit entries and metadata hold no
//! personal health information and are checksummed. Every change is written together with its
//! audit entry (in one sled transaction, or key by key in a crash-safe order for a change of one
//! record: see `write_in_order`) and the call returns only after `Db::flush()`.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, RwLock};

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sled::Transactional;

use super::PasswordReset;
use super::audit::{self, AuditEntry, AuditFilter, AuditHead, Outcome, VerifyReport};
use super::crypto::{self, ChainKey, DataKey, KdfParams, Keyslot, OrgKeyPair, RecoveryKey, SlotKdf};
use super::error::{Result, StoreError};
use super::records::*;
use super::{AccountStatus, AccountSummary, InitRequest, NewAccount, SeedSummary, Store, StoreStatus, now_ms};
use crate::auth::{self, Actor, Operation, Role, ThrottleVerdict};

mod accounts;
mod audit_read;
mod bulk;
mod checkin;
mod clients;
mod clinical;
use clinical::distinct;
mod commit;
mod finish;
pub use clients::{CLIENT_SEARCH_LIMIT, client_matches, possible_duplicate, possible_duplicate_of};
mod import_check;
mod kiosk;
mod login_gate;
mod open;
mod open_index;
use login_gate::credential_of;
use open_index::Tier;
mod recent;
mod seed_writer;
pub(crate) use seed_writer::SeedWriter;
mod submissions;
mod summary;
mod validate;
mod versions;
pub use validate::validate_username;
pub(super) use validate::{ID_TEXT, INSTRUMENT_ID_TEXT, LABEL_TEXT, LONG_TEXT, REASON_TEXT, SHORT_TEXT, clean_text};
use validate::{validate_client, validate_instrument};
mod witness;
pub(crate) use witness::WITNESS_FILE;

/// Extra trees besides one per [`Kind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum T {
    Kind(Kind),
    AccountNames,
    ClientEncounters,
    Meta,
    /// One encrypted [`crate::store::summary::EncounterSummary`] per encounter (see `summary`).
    Summary,
    /// Which encounters are open, for the staff queue (see `open_index`).
    OpenEncounters,
    /// Each encounter's version: how many commits have changed it (see `versions`).
    EncounterVersions,
}

impl T {
    pub(crate) const ALL: [T; 18] = [
        T::Kind(Kind::Organisation),
        T::Kind(Kind::Account),
        T::Kind(Kind::Client),
        T::Kind(Kind::Encounter),
        T::Kind(Kind::Consent),
        T::Kind(Kind::Answer),
        T::Kind(Kind::Result),
        T::Kind(Kind::Decision),
        T::Kind(Kind::Referral),
        T::Kind(Kind::Submission),
        T::Kind(Kind::Audit),
        T::Kind(Kind::CrisisAction),
        T::AccountNames,
        T::ClientEncounters,
        T::Meta,
        T::Summary,
        T::OpenEncounters,
        T::EncounterVersions,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            T::Kind(kind) => kind.name(),
            T::AccountNames => "account_names",
            T::ClientEncounters => "client_encounters",
            T::Meta => "meta",
            T::Summary => "encounter_summary",
            T::OpenEncounters => "open_encounters",
            T::EncounterVersions => "encounter_versions",
        }
    }

    fn index(self) -> usize {
        T::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

/// How many open encounters (beyond the critical ones) the staff queue lists.
const OPEN_QUEUE_LIMIT: usize = 500;

/// Stored account (no personal health information; readable while locked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub(crate) struct AccountRecord {
    pub schema_version: u32,
    pub id: RecordId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// argon2id PHC string (parameters and salt included).
    pub password_hash: String,
    pub keyslot: Option<Keyslot>,
    pub status: AccountStatus,
    pub failed_logins: u32,
    pub last_failure_ms: i64,
    pub created_ms: i64,
    /// Set when an administrator sets the password of a staff account, cleared when the
    /// account's user chooses their own (absent from accounts written before it existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_reset: Option<PasswordReset>,
}

/// Stored kiosk submission: the sealed box plus when it arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
struct StoredSubmission {
    schema_version: u32,
    received_ms: i64,
    sealed: String,
    /// The kiosk reported a critical flag (key-free metadata recorded at submit time).
    #[serde(default)]
    critical: bool,
    /// The redeemed check-in code it came with.
    #[serde(default)]
    checkin: Option<RecordId>,
    /// Set once staff claim it into an encounter.
    #[serde(default)]
    claimed: Option<super::kiosk::Claim>,
    /// The number of the last box received (0: a kiosk from before incremental sends).
    #[serde(default)]
    seq: u32,
    /// The client stopped part-way (or is still answering).
    #[serde(default)]
    incomplete: bool,
    #[serde(default)]
    urgent: bool,
    /// When the last box arrived (0 before incremental sends: `received_ms` then).
    #[serde(default)]
    updated_ms: i64,
}

const META_FORMAT: &[u8] = b"format";
const META_AUDIT_HEAD: &[u8] = b"audit_head";
const META_RECOVERY_SLOT: &[u8] = b"recovery_slot";
const META_ORG_SECRET: &[u8] = b"org_secret";
const META_REAL_DATA: &[u8] = b"real_data";
/// The key that names unknown sign-in names in the audit log (`unknown_name`): random, made once.
const META_UNKNOWN_NAME_KEY: &[u8] = b"unknown_name_key";
/// Set once the store has an audit witness, so that a witness file removed later is noticed.
const META_WITNESSED: &[u8] = b"witnessed";
const ORG_KEY: &[u8] = b"org";
const FORMAT_MARKER: &str = "triage-data-directory v1";

/// Associated data binding a value to its tree, key and field.
pub(crate) fn aad(tree: T, key: &[u8], field: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 + key.len() + field.len());
    aad_into(&mut out, tree, key, field);
    out
}

/// [`aad`] written into a buffer that is cleared first (reused across many records).
pub(crate) fn aad_into(out: &mut Vec<u8>, tree: T, key: &[u8], field: &str) {
    out.clear();
    out.extend_from_slice(b"triage/v1\0");
    out.extend_from_slice(tree.name().as_bytes());
    out.push(0);
    out.extend_from_slice(&(key.len() as u32).to_be_bytes());
    out.extend_from_slice(key);
    out.extend_from_slice(field.as_bytes());
}

/// Printable id of a key: a record id, or `encounter-sequence`.
fn key_label(key: &[u8]) -> String {
    if key.len() == 24 {
        format!("{}-{}", hex::encode(&key[..16]), u64::from_be_bytes(key[16..24].try_into().unwrap_or([0; 8])))
    } else {
        hex::encode(key)
    }
}

/// A record named for a person: its tree and key as the other messages name them (an audit
/// entry by its number, as `triage audit verify` counts them; a name key as its text; a record
/// id in hex).
pub(super) fn record_label(tree: T, key: &[u8]) -> String {
    let name = tree.name();
    match (tree, <[u8; 8]>::try_from(key)) {
        (T::Kind(Kind::Audit), Ok(seq)) => format!("audit entry {}", u64::from_be_bytes(seq)),
        _ if !key.is_empty() && key.iter().all(|b| b.is_ascii_alphanumeric() || b"_-.:@".contains(b)) => {
            format!("{name} {}", String::from_utf8_lossy(key))
        }
        _ => format!("{name} {}", key_label(key)),
    }
}

/// A stored entry: tree name, key, value.
pub(crate) type RawEntry = (String, Vec<u8>, Vec<u8>);
/// Per-user keyslots and the recovery slot.
pub(crate) type Keyslots = (Vec<(String, Keyslot)>, Option<Keyslot>);

/// One prepared write.
struct Write {
    tree: T,
    key: Vec<u8>,
    value: Vec<u8>,
}

/// The sled store.
pub struct SledStore {
    dir: PathBuf,
    db: sled::Db,
    trees: Vec<sled::Tree>,
    data_key: RwLock<Option<DataKey>>,
    /// Serialises writers; holds the audit head.
    head: Mutex<AuditHead>,
    /// Held across a read-check-write of one record that must see no other change in between
    /// (see [`SledStore::exclusive_change`]).
    changes: Mutex<()>,
    /// Held across a write to an encounter and the check of the version it was based on (see
    /// `versions`).
    encounter_writes: Mutex<()>,
    kdf: RwLock<KdfParams>,
    /// The encounter and summary decrypted last (see `recent`).
    recent: Mutex<recent::Recent>,
    /// One sign-in at a time per account; a small pool of password checks (see `login_gate`).
    login_gate: login_gate::LoginGate,
    /// A password hash with the store's parameters, checked for unknown names so that their
    /// answer costs what a known name's does.
    decoy_hash: Mutex<Option<String>>,
    /// Set when sled reported an I/O error (a full disk, a failing device). sled keeps that
    /// error and refuses every later operation, even once space is back, so the store is of
    /// no more use until it is opened again: the owner exits and the next start recovers.
    must_reopen: std::sync::atomic::AtomicBool,
    /// The chain key, held from the first unlock until the store is dropped (it reveals nothing
    /// of the data key, and entries written while it is held cannot be rewritten unnoticed).
    chain_key: RwLock<Option<ChainKey>>,
    /// The last committed audit head, outside sled's log (see `witness`).
    witness: witness::Witness,
}

/// What `open` does with the audit witness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WitnessCheck {
    /// Refuse a store whose log holds less than the witness says was committed.
    Enforce,
    /// A restore fills an empty store: any witness left from a lost database is replaced.
    Replace,
    /// Open a store that lost commits as it is; the loss is returned, to be audited.
    AcceptLoss,
}

impl std::fmt::Debug for SledStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SledStore").field("dir", &self.dir).finish_non_exhaustive()
    }
}

impl SledStore {
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub(crate) fn tree(&self, tree: T) -> &sled::Tree {
        &self.trees[tree.index()]
    }

    fn sled_err(&self, error: sled::Error) -> StoreError {
        self.sled_read_err(error, || "a page of the database".into())
    }

    /// [`sled_err`](Self::sled_err) for a read of `tree` at `key`: a damaged page names the
    /// record it holds.
    fn read_err(&self, error: sled::Error, tree: T, key: &[u8]) -> StoreError {
        self.sled_read_err(error, || record_label(tree, key))
    }

    fn sled_read_err(&self, error: sled::Error, what: impl FnOnce() -> String) -> StoreError {
        if matches!(error, sled::Error::Io(_)) {
            self.must_reopen.store(true, std::sync::atomic::Ordering::SeqCst);
        }
        StoreError::from_sled_read(&self.dir, error, what)
    }

    /// Whether the database reported an I/O error, after which it refuses everything until it
    /// is opened again (see `must_reopen`).
    pub fn must_reopen(&self) -> bool {
        self.must_reopen.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Holds the chain key of `key` (the store's data key, just unlocked) for the audit.
    fn hold_chain_key(&self, key: &DataKey) {
        let mut held = self.chain_key.write().unwrap_or_else(|p| p.into_inner());
        if held.is_none() {
            *held = Some(ChainKey::of(key));
        }
    }

    #[cfg(test)]
    pub(crate) fn lock_head_for_tests(&self) -> AuditHead {
        self.lock_head().clone()
    }

    fn lock_head(&self) -> MutexGuard<'_, AuditHead> {
        self.head.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Keeps other read-check-writes out while held: a record read, checked and written back
    /// (a check-in code redeemed or revoked, a client's fields merged) sees no other such change
    /// in between, so two kiosks typing one code redeem it once and two staff editing different
    /// fields of one client both keep theirs. (`commit` takes the writer lock on its own, so
    /// this cannot be that lock.)
    pub(super) fn exclusive_change(&self) -> MutexGuard<'_, ()> {
        self.changes.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn key(&self) -> Result<DataKey> {
        self.data_key.read().unwrap_or_else(|p| p.into_inner()).clone().ok_or(StoreError::Locked)
    }

    fn kdf(&self) -> KdfParams {
        *self.kdf.read().unwrap_or_else(|p| p.into_inner())
    }

    fn is_initialised(&self) -> Result<bool> {
        Ok(self.tree(T::Meta).get(META_FORMAT).map_err(|e| self.sled_err(e))?.is_some())
    }

    fn require_initialised(&self) -> Result<()> {
        if self.is_initialised()? { Ok(()) } else { Err(StoreError::NotInitialised { path: self.dir.clone() }) }
    }

    // ---- envelopes -------------------------------------------------------------------------

    fn seal_record<R: Serialize>(&self, key: &DataKey, tree: T, id: &[u8], record: &R) -> Vec<u8> {
        let plain = zeroize::Zeroizing::new(encode(record));
        key.seal(&aad(tree, id, "record"), &plain)
    }

    fn plain_value<R: Serialize>(tree: T, id: &[u8], record: &R) -> Vec<u8> {
        crypto::checksummed(&aad(tree, id, "record"), &encode(record))
    }

    fn decode_err(tree: T, id: &[u8], error: DecodeError) -> StoreError {
        let kind = tree.name();
        match error {
            DecodeError::Damaged => StoreError::Damaged { kind, id: key_label(id) },
            DecodeError::Newer { found, supported } => {
                StoreError::NewerSchema { kind, id: key_label(id), found, supported }
            }
        }
    }

    fn kind_of(tree: T) -> Kind {
        match tree {
            T::Kind(kind) => kind,
            _ => Kind::Organisation,
        }
    }

    fn open_record<R: DeserializeOwned>(&self, key: &DataKey, tree: T, id: &[u8], value: &[u8]) -> Result<R> {
        let plain = key
            .open(&aad(tree, id, "record"), value)
            .map_err(|_| StoreError::Damaged { kind: tree.name(), id: key_label(id) })?;
        decode(Self::kind_of(tree), &plain).map_err(|e| Self::decode_err(tree, id, e))
    }

    fn get_sealed<R: DeserializeOwned>(&self, key: &DataKey, tree: T, id: &[u8]) -> Result<Option<R>> {
        match self.tree(tree).get(id).map_err(|e| self.read_err(e, tree, id))? {
            Some(value) => self.open_record(key, tree, id, &value).map(Some),
            None => Ok(None),
        }
    }

    fn decode_plain<R: DeserializeOwned>(tree: T, id: &[u8], field: &str, value: &[u8]) -> Result<R> {
        let payload = crypto::open_checksummed(&aad(tree, id, field), value)
            .map_err(|_| StoreError::Damaged { kind: tree.name(), id: key_label(id) })?;
        let kind = match tree {
            T::Kind(kind) => kind,
            _ => Kind::Organisation,
        };
        if tree == T::Meta {
            return serde_json::from_slice(payload)
                .map_err(|_| StoreError::Damaged { kind: "meta", id: String::from_utf8_lossy(id).into_owned() });
        }
        decode(kind, payload).map_err(|e| Self::decode_err(tree, id, e))
    }

    fn get_plain<R: DeserializeOwned>(&self, tree: T, id: &[u8], field: &str) -> Result<Option<R>> {
        match self.tree(tree).get(id).map_err(|e| self.read_err(e, tree, id))? {
            Some(value) => Self::decode_plain(tree, id, field, &value).map(Some),
            None => Ok(None),
        }
    }

    fn meta_value<R: Serialize>(id: &[u8], value: &R) -> Vec<u8> {
        crypto::checksummed(&aad(T::Meta, id, "meta"), &serde_json::to_vec(value).unwrap_or_default())
    }
}

impl Store for SledStore {
    fn status(&self) -> Result<StoreStatus> {
        accounts::status(self)
    }

    fn initialize(&self, request: &InitRequest, password: &SecretString, origin: &str) -> Result<RecoveryKey> {
        accounts::initialize(self, request, password, origin)
    }

    fn login(&self, username: &str, password: &SecretString, origin: &str) -> Result<Actor> {
        accounts::login(self, username, password, origin)
    }

    fn recover(
        &self,
        recovery: &RecoveryKey,
        username: &str,
        new_password: &SecretString,
        origin: &str,
    ) -> Result<Actor> {
        accounts::recover(self, recovery, username, new_password, origin)
    }

    fn lock(&self) {
        accounts::lock(self)
    }

    fn is_unlocked(&self) -> bool {
        accounts::is_unlocked(self)
    }

    fn organisation(&self, actor: &Actor) -> Result<Organisation> {
        accounts::organisation(self, actor)
    }

    fn update_settings(&self, actor: &Actor, changes: &SettingsUpdate) -> Result<SettingsUpdated> {
        accounts::update_settings(self, actor, changes)
    }

    fn add_account(&self, actor: &Actor, account: &NewAccount, password: &SecretString) -> Result<AccountSummary> {
        accounts::add_account(self, actor, account, password)
    }

    fn list_accounts(&self, actor: &Actor) -> Result<Vec<AccountSummary>> {
        accounts::list_accounts(self, actor)
    }

    fn set_account_status(&self, actor: &Actor, username: &str, status: AccountStatus) -> Result<()> {
        accounts::set_account_status(self, actor, username, status)
    }

    fn set_password(&self, actor: &Actor, username: &str, new_password: &SecretString) -> Result<()> {
        accounts::set_password(self, actor, username, new_password)
    }

    fn create_client(&self, actor: &Actor, client: &NewClient) -> Result<RecordId> {
        clinical::create_client(self, actor, client)
    }

    fn client(&self, actor: &Actor, id: &RecordId) -> Result<Client> {
        clinical::client(self, actor, id)
    }

    fn update_client(&self, actor: &Actor, id: &RecordId, changes: &ClientUpdate) -> Result<ClientUpdated> {
        self.update_client_record(actor, id, changes)
    }

    fn list_clients(&self, actor: &Actor) -> Result<(Vec<Client>, Vec<String>)> {
        self.list_client_records(actor)
    }

    fn search_clients(&self, actor: &Actor, query: &str) -> Result<ClientSearch> {
        self.search_client_records(actor, query)
    }

    fn start_encounter_with(
        &self,
        actor: &Actor,
        client_id: &RecordId,
        origin: EncounterOrigin,
        instruments: &[String],
    ) -> Result<Encounter> {
        clinical::start_encounter_with(self, actor, client_id, origin, instruments)
    }

    fn encounter(&self, actor: &Actor, id: &RecordId) -> Result<EncounterDetail> {
        clinical::encounter(self, actor, id)
    }

    fn set_encounter_status(&self, actor: &Actor, id: &RecordId, status: EncounterStatus) -> Result<Encounter> {
        clinical::set_encounter_status(self, actor, id, status)
    }

    fn record_consent(
        &self,
        actor: &Actor,
        encounter: &RecordId,
        version: &str,
        answer: ConsentAnswer,
    ) -> Result<ConsentRecord> {
        clinical::record_consent(self, actor, encounter, version, answer)
    }

    fn save_answer(&self, actor: &Actor, encounter: &RecordId, answer: &NewAnswer) -> Result<Answer> {
        clinical::save_answer(self, actor, encounter, answer)
    }

    fn save_result(&self, actor: &Actor, encounter: &RecordId, result: &NewResult) -> Result<ResultRecord> {
        clinical::save_result(self, actor, encounter, result)
    }

    fn save_decision(&self, actor: &Actor, encounter: &RecordId, decision: &NewDecision) -> Result<Decision> {
        clinical::save_decision(self, actor, encounter, decision)
    }

    fn record_crisis_action(
        &self,
        actor: &Actor,
        encounter: &RecordId,
        crisis: &NewCrisisAction,
    ) -> Result<CrisisAction> {
        clinical::record_crisis_action(self, actor, encounter, crisis)
    }

    fn open_encounters(&self, actor: &Actor) -> Result<Vec<OpenEncounter>> {
        clinical::open_encounters(self, actor)
    }

    fn closed_encounters(&self, actor: &Actor) -> Result<Vec<OpenEncounter>> {
        finish::closed_encounters(self, actor)
    }

    fn finish_encounter(
        &self,
        actor: &Actor,
        id: &RecordId,
        kind: OutcomeKind,
        reason: Option<&str>,
    ) -> Result<Encounter> {
        finish::finish_encounter(self, actor, id, kind, reason)
    }

    fn reopen_encounter(&self, actor: &Actor, id: &RecordId, reason: &str) -> Result<Encounter> {
        finish::reopen_encounter(self, actor, id, reason)
    }

    fn save_referral(&self, actor: &Actor, encounter: &RecordId, referral: &NewReferral) -> Result<Referral> {
        clinical::save_referral(self, actor, encounter, referral)
    }

    fn client_history(&self, actor: &Actor, client_id: &RecordId) -> Result<ClientHistory> {
        clinical::client_history(self, actor, client_id)
    }

    fn submission_public_key(&self, actor: &Actor) -> Result<[u8; 32]> {
        submissions::submission_public_key(self, actor)
    }

    fn submit_sealed(&self, actor: &Actor, id: &RecordId, sealed: &[u8]) -> Result<()> {
        submissions::submit_sealed(self, actor, id, sealed)
    }

    fn list_submissions(&self, actor: &Actor) -> Result<Vec<(RecordId, i64)>> {
        submissions::list_submissions(self, actor)
    }

    fn open_submission(&self, actor: &Actor, id: &RecordId) -> Result<KioskSubmission> {
        submissions::open_submission(self, actor, id)
    }

    fn audit_list(&self, actor: &Actor, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        self.audit_listing(actor, filter).map(|(entries, _)| entries)
    }

    fn audit_verify(&self, actor: &Actor, expect_head: Option<&str>) -> Result<VerifyReport> {
        audit_read::audit_verify(self, actor, expect_head)
    }

    fn seed_synthetic(&self, actor: &Actor, encounters: usize) -> Result<SeedSummary> {
        seed_writer::seed_synthetic(self, actor, encounters)
    }

    fn flush(&self) -> Result<()> {
        self.db.flush().map(|_| ()).map_err(|e| self.sled_err(e))
    }
}
