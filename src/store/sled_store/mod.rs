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

mod bulk;
mod clients;
pub use clients::{CLIENT_SEARCH_LIMIT, name_matches};
mod import_check;
mod kiosk;
mod login_gate;
mod open_index;
use login_gate::credential_of;
use open_index::Tier;
mod recent;
mod summary;
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
}

impl T {
    pub(crate) const ALL: [T; 17] = [
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
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            T::Kind(kind) => kind.name(),
            T::AccountNames => "account_names",
            T::ClientEncounters => "client_encounters",
            T::Meta => "meta",
            T::Summary => "encounter_summary",
            T::OpenEncounters => "open_encounters",
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

/// sled 0.34.7 writes a recovery snapshot at every open as `snap.LSN.generating`, syncs it, then
/// renames it to `snap.LSN`. A process killed before the rename leaves a partial `.generating`
/// file that sled's next open picks as the newest snapshot and reports as corruption
/// (spacejam/sled#1527). sled never relied on an unrenamed file (the log and the previous
/// snapshot hold everything it summarises), so it is removed before opening. The caller holds
/// the owner lock, so no other process can be writing it.
fn discard_unfinished_snapshots(dir: &Path, db_path: &Path) -> Result<()> {
    let entries = match std::fs::read_dir(db_path) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(StoreError::from_io("read the database directory", dir, error)),
    };
    let mut removed = false;
    for entry in entries {
        let entry = entry.map_err(|e| StoreError::from_io("read the database directory", dir, e))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            std::fs::remove_file(entry.path())
                .map_err(|e| StoreError::from_io("remove an unfinished snapshot in", dir, e))?;
            removed = true;
        }
    }
    if removed {
        std::fs::File::open(db_path)
            .and_then(|d| d.sync_all())
            .map_err(|e| StoreError::from_io("sync the database directory", dir, e))?;
    }
    Ok(())
}

/// sled's page cache. Bulk reads (reports, exports) stream whole trees through it, so a larger
/// cache mostly raises the owner's memory: with 100,000 encounters 16 MiB gave the same report
/// and export times as 64 MiB (`benches/report.sh`, README "Reports and exports").
const CACHE_BYTES: u64 = 16 * 1024 * 1024;

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

/// How long opening waits for sled's own lock on the database file to be released.
const SLED_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// Opens sled, waiting a little while its lock is held. The caller holds the owner lock, so a
/// held sled lock is this process's previous database still closing: sled's background threads
/// keep the file open for a moment after the database is dropped (a reopen, a restore).
fn open_sled(db_path: &Path) -> sled::Result<sled::Db> {
    let deadline = std::time::Instant::now() + SLED_LOCK_WAIT;
    loop {
        match sled::Config::new().path(db_path).cache_capacity(CACHE_BYTES).flush_every_ms(Some(200)).open() {
            Err(error) if sled_lock_held(&error) && std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            other => return other,
        }
    }
}

/// Whether sled refused to open because another open database holds its file lock (sled 0.34
/// reports it as an `Other` I/O error with this message, not as `WouldBlock`).
fn sled_lock_held(error: &sled::Error) -> bool {
    matches!(error, sled::Error::Io(io) if io.kind() == std::io::ErrorKind::WouldBlock
        || (io.kind() == std::io::ErrorKind::Other && io.to_string().starts_with("could not acquire lock")))
}

impl SledStore {
    /// Opens (creating if needed) the database in `dir/db`. The caller must hold the data
    /// directory's owner lock (see `server::OwnerLock`): sled allows one process.
    pub fn open(dir: &Path) -> Result<SledStore> {
        Self::open_checking(dir, WitnessCheck::Enforce).map(|(store, _)| store)
    }

    /// [`open`](Self::open), with the audit witness handled as `check` says. Returns the loss
    /// found (only with [`WitnessCheck::AcceptLoss`]; the other modes refuse it).
    pub(crate) fn open_checking(dir: &Path, check: WitnessCheck) -> Result<(SledStore, Option<String>)> {
        let db_path = dir.join("db");
        discard_unfinished_snapshots(dir, &db_path)?;
        let db = open_sled(&db_path).map_err(|error| match error {
            error if sled_lock_held(&error) => StoreError::OwnerRunning { path: dir.to_path_buf(), pid: String::new() },
            sled::Error::Io(io) => StoreError::from_io("open the database in", dir, io),
            sled::Error::Corruption { .. } => {
                StoreError::Corrupt { path: dir.to_path_buf(), detail: "sled reported corruption".into() }
            }
            other => StoreError::Corrupt { path: dir.to_path_buf(), detail: other.to_string() },
        })?;
        // A directory that holds another sled database is refused before anything is written.
        let ours: Vec<&str> = T::ALL.iter().map(|t| t.name()).collect();
        for name in db.tree_names() {
            let name = String::from_utf8_lossy(&name).into_owned();
            if name != "__sled__default" && !ours.contains(&name.as_str()) {
                return Err(StoreError::Foreign { path: dir.to_path_buf() });
            }
        }
        if !db.is_empty() {
            return Err(StoreError::Foreign { path: dir.to_path_buf() });
        }
        let mut trees = Vec::with_capacity(T::ALL.len());
        for tree in T::ALL {
            trees.push(db.open_tree(tree.name()).map_err(|e| StoreError::from_sled(dir, e))?);
        }
        let store = SledStore {
            dir: dir.to_path_buf(),
            db,
            trees,
            data_key: RwLock::new(None),
            head: Mutex::new(AuditHead::default()),
            changes: Mutex::new(()),
            kdf: RwLock::new(KdfParams::PRODUCTION),
            recent: Mutex::new(recent::Recent::default()),
            login_gate: login_gate::LoginGate::default(),
            decoy_hash: Mutex::new(None),
            must_reopen: std::sync::atomic::AtomicBool::new(false),
            chain_key: RwLock::new(None),
            witness: witness::Witness::new(dir),
        };
        let meta = store.tree(T::Meta);
        let mut loss = None;
        match meta.get(META_FORMAT).map_err(|e| store.sled_err(e))? {
            Some(marker) if marker.as_ref() == FORMAT_MARKER.as_bytes() => {
                let head = store.get_plain::<AuditHead>(T::Meta, META_AUDIT_HEAD, "meta")?.unwrap_or_default();
                let head = store.recover_interrupted_commit(head)?;
                loss = store.compare_witness(&head, check)?;
                // A store opened with its loss accepted restarts the witness only once the
                // loss is audited (`accept_loss`), so a crash before that still refuses it.
                if loss.is_none() {
                    store.witness.start(&head)?;
                }
                if !meta.contains_key(META_WITNESSED).map_err(|e| store.sled_err(e))? {
                    meta.insert(META_WITNESSED, Self::meta_value(META_WITNESSED, &true))
                        .map_err(|e| store.sled_err(e))?;
                    store.flush()?;
                }
                *store.lock_head() = head;
                if let Some(org) = store.get_plain::<Organisation>(T::Kind(Kind::Organisation), ORG_KEY, "record")?
                    && org.insecure_test_kdf
                {
                    *store.kdf.write().unwrap_or_else(|p| p.into_inner()) = KdfParams::INSECURE_TEST;
                }
            }
            Some(_) => return Err(StoreError::Foreign { path: dir.to_path_buf() }),
            None => {
                let others = T::ALL.iter().any(|t| *t != T::Meta && !store.tree(*t).is_empty());
                if others || !meta.is_empty() {
                    return Err(StoreError::Foreign { path: dir.to_path_buf() });
                }
                // A witness of commits beside an empty database: the database was lost.
                if let witness::Witnessed::At(witnessed) = witness::read(dir)?
                    && witnessed.count > 0
                {
                    match check {
                        WitnessCheck::Replace => {}
                        WitnessCheck::Enforce | WitnessCheck::AcceptLoss => {
                            return Err(StoreError::AuditLoss {
                                path: dir.to_path_buf(),
                                detail: format!(
                                    "the directory's audit witness ({}) records {} committed audit entries, but its database is missing or empty",
                                    WITNESS_FILE, witnessed.count
                                ),
                            });
                        }
                    }
                }
                store.witness.start(&AuditHead::default())?;
            }
        }
        Ok((store, loss))
    }

    /// Compares the head recovered from sled's log with the witness (see `witness`). A log that
    /// holds fewer entries than were committed, or another entry at the witnessed position,
    /// lost acknowledged commits: refused, unless `check` accepts the loss (then described).
    fn compare_witness(&self, head: &AuditHead, check: WitnessCheck) -> Result<Option<String>> {
        let witnessed = witness::read(&self.dir)?;
        let problem = match witnessed {
            witness::Witnessed::Absent => {
                let expected = self.tree(T::Meta).contains_key(META_WITNESSED).map_err(|e| self.sled_err(e))?;
                expected.then(|| {
                    format!(
                        "its audit witness ({WITNESS_FILE}) was removed, so changes lost from the database log cannot be ruled out (the log holds {} audit entries)",
                        head.count
                    )
                })
            }
            witness::Witnessed::Unreadable => Some(format!(
                "its audit witness ({WITNESS_FILE}) is damaged, so changes lost from the database log cannot be ruled out (the log holds {} audit entries)",
                head.count
            )),
            witness::Witnessed::At(witnessed) if witnessed.count > head.count => Some(format!(
                "its audit log ends at entry {} but {} entries were committed: {} audit entries, and the changes they recorded, are missing (the database log was damaged or cut short)",
                head.count,
                witnessed.count,
                witnessed.count - head.count
            )),
            witness::Witnessed::At(witnessed) if witnessed.count > 0 => {
                let position = witnessed.count - 1;
                let key = position.to_be_bytes();
                let tree = T::Kind(Kind::Audit);
                let stored = self.tree(tree).get(key).map_err(|e| self.sled_err(e))?;
                let hash = stored
                    .and_then(|v| Self::decode_plain::<AuditEntry>(tree, &key, "record", &v).ok())
                    .map(|e| e.hash);
                (hash.as_deref() != Some(witnessed.hash.as_str())).then(|| {
                    format!(
                        "audit entry {position} is not the one that was committed (the database log was replaced or rewritten)"
                    )
                })
            }
            witness::Witnessed::At(_) => None,
        };
        // (A restore refuses an initialised store, so `Replace` is no reason to accept a loss.)
        match (problem, check) {
            (None, _) => Ok(None),
            (Some(problem), WitnessCheck::AcceptLoss) => Ok(Some(problem)),
            (Some(problem), WitnessCheck::Enforce | WitnessCheck::Replace) => {
                Err(StoreError::AuditLoss { path: self.dir.clone(), detail: problem })
            }
        }
    }

    /// Audits that an administrator opened, as it is, a store that lost commits (`loss`, from
    /// [`open_checking`](Self::open_checking)), and why; then the witness follows the log again.
    pub(crate) fn accept_loss(&self, actor: &Actor, loss: &str, reason: &str) -> Result<()> {
        self.authorize(actor, Operation::VerifyAudit, None, None)?;
        let reason = clean_text("reason", reason.trim(), REASON_TEXT)?;
        if reason.is_empty() {
            return Err(StoreError::Invalid {
                field: "reason",
                reason: "say why the store is opened without restoring a backup".into(),
            });
        }
        let record = format!("{loss}; reason: {reason}");
        self.commit(actor, "audit.loss_accepted", Some(record), None, Outcome::Allowed, Vec::new())?;
        let head = self.lock_head().clone();
        self.witness.start(&head)
    }

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

    // ---- commit: changes + audit entry, atomically, then flush --------------------------------

    /// Writes `writes` and one audit entry, then flushes. Returns only when both are durable.
    /// Several records go in one sled transaction; one record goes key by key
    /// (`write_in_order`), which a crash cannot leave half-done without `open` completing it.
    fn commit(
        &self,
        actor: &Actor,
        action: &str,
        record: Option<String>,
        client: Option<RecordId>,
        outcome: Outcome,
        writes: Vec<Write>,
    ) -> Result<()> {
        self.commit_showing(actor, action, record, client, Vec::new(), None, outcome, writes)
    }

    /// [`commit`](Self::commit) for an access that showed or moved several clients' data (a
    /// queue, an export page, an import batch): the entry names each of them, so "who accessed
    /// this client" finds it. `reason` (an export's) is sealed under the data key into the entry.
    #[allow(clippy::too_many_arguments)]
    fn commit_showing(
        &self,
        actor: &Actor,
        action: &str,
        record: Option<String>,
        client: Option<RecordId>,
        clients: Vec<RecordId>,
        reason: Option<&str>,
        outcome: Outcome,
        mut writes: Vec<Write>,
    ) -> Result<()> {
        let key = match reason {
            Some(_) => Some(self.key()?),
            None => None,
        };
        let committed = {
            let mut head = self.lock_head();
            // A commit of at most one record is written key by key, without a sled transaction
            // (which costs two extra log-buffer writes): see `write_in_order`.
            let in_order = writes.len() <= 1;
            // Each encounter's report summary changes with its records, in the same commit.
            let summaries = self.summary_writes(&writes)?;
            writes.extend(summaries);
            let mut entry = AuditEntry {
                schema_version: 1,
                seq: head.count,
                time_ms: now_ms(),
                user: actor.user().to_string(),
                role: actor.role().name().to_string(),
                origin: actor.origin().to_string(),
                action: action.to_string(),
                record,
                client,
                clients,
                reason_sealed: None,
                reason: None,
                outcome,
                prev_hash: head.hash.clone(),
                keyed: false,
                hash: String::new(),
            };
            let audit_key = entry.seq.to_be_bytes();
            if let (Some(reason), Some(key)) = (reason, &key) {
                let aad = aad(T::Kind(Kind::Audit), &audit_key, "reason");
                entry.reason_sealed = Some(hex::encode(key.seal(&aad, reason.as_bytes())));
            }
            let chain_key = self.chain_key.read().unwrap_or_else(|p| p.into_inner()).clone();
            debug_assert!(
                chain_key.is_some() || audit::may_be_written_locked(action),
                "{action} audited with a plain hash: add it to audit::may_be_written_locked or hold the key"
            );
            entry.seal(chain_key.as_ref());
            let new_head = AuditHead { count: head.count + 1, hash: entry.hash.clone() };
            let audit_entry = Write {
                tree: T::Kind(Kind::Audit),
                key: audit_key.to_vec(),
                value: Self::plain_value(T::Kind(Kind::Audit), &audit_key, &entry),
            };
            let head_write = Write {
                tree: T::Meta,
                key: META_AUDIT_HEAD.to_vec(),
                value: Self::meta_value(META_AUDIT_HEAD, &new_head),
            };
            if in_order {
                writes.insert(0, audit_entry);
                writes.push(head_write);
                if let Err((entry_written, error)) = self.write_in_order(&writes) {
                    // An entry that went in stays in the chain: the next one follows it rather
                    // than replacing it.
                    if entry_written {
                        *head = new_head;
                    }
                    return Err(error);
                }
            } else {
                writes.push(audit_entry);
                writes.push(head_write);
                self.apply(&writes)?;
            }
            *head = new_head.clone();
            new_head
        };
        self.flush()?;
        // Only once it is durable does the witness claim it.
        self.witness.record(&committed);
        Ok(())
    }

    /// Writes one commit key by key: its audit entry first, then its record and the record's
    /// summary, then the audit head. sled recovers a prefix of its log after a crash, so a
    /// record is never there without its audit entry, and a commit cut short leaves an audit
    /// entry past the head, which `recover_interrupted_commit` finds on the next open.
    /// On failure, also says whether the first write (the audit entry) went in.
    fn write_in_order(&self, writes: &[Write]) -> std::result::Result<(), (bool, StoreError)> {
        for (index, write) in writes.iter().enumerate() {
            if let Err(error) = self.tree(write.tree).insert(write.key.as_slice(), write.value.as_slice()) {
                return Err((index > 0, self.sled_err(error)));
            }
        }
        Ok(())
    }

    /// Completes, on open, a commit that a crash cut short (see `write_in_order`): audit
    /// entries past the stored head move the head to the last of them, so no later entry takes
    /// their place, and the report summaries are rebuilt the next time they are needed, since
    /// the cut-short commit may have stored its record without its summary. (A removed entry
    /// leaves the head past the last entry, which `audit verify` reports; that is not touched.)
    fn recover_interrupted_commit(&self, stored: AuditHead) -> Result<AuditHead> {
        let tree = T::Kind(Kind::Audit);
        let mut head = stored.clone();
        for item in self.tree(tree).range(head.count.to_be_bytes()..) {
            let (key, value) = item.map_err(|e| self.sled_err(e))?;
            if key.as_ref() != head.count.to_be_bytes() {
                break;
            }
            // A damaged entry is left for `audit verify` to name; the head still moves past it.
            let hash =
                Self::decode_plain::<AuditEntry>(tree, &key, "record", &value).map(|e| e.hash).unwrap_or_default();
            head = AuditHead { count: head.count + 1, hash };
        }
        if head != stored {
            let meta = self.tree(T::Meta);
            meta.remove(summary::META_SUMMARIES).map_err(|e| self.sled_err(e))?;
            meta.insert(META_AUDIT_HEAD, Self::meta_value(META_AUDIT_HEAD, &head)).map_err(|e| self.sled_err(e))?;
            self.flush()?;
        }
        Ok(head)
    }

    fn apply(&self, writes: &[Write]) -> Result<()> {
        let mut involved: Vec<T> = Vec::new();
        for write in writes {
            if !involved.contains(&write.tree) {
                involved.push(write.tree);
            }
        }
        let trees: Vec<&sled::Tree> = involved.iter().map(|t| self.tree(*t)).collect();
        let positions: Vec<usize> =
            writes.iter().map(|w| involved.iter().position(|t| *t == w.tree).unwrap_or(0)).collect();
        let result: std::result::Result<(), sled::transaction::TransactionError<()>> =
            trees.as_slice().transaction(|views| {
                for (write, position) in writes.iter().zip(&positions) {
                    views[*position].insert(write.key.as_slice(), write.value.as_slice())?;
                }
                Ok(())
            });
        match result {
            Ok(()) => Ok(()),
            Err(sled::transaction::TransactionError::Storage(error)) => Err(self.sled_err(error)),
            Err(sled::transaction::TransactionError::Abort(())) => {
                Err(StoreError::Storage { path: self.dir.clone(), detail: "transaction aborted".into() })
            }
        }
    }

    /// Checks the policy table; a refusal is itself audited.
    fn authorize(
        &self,
        actor: &Actor,
        operation: Operation,
        record: Option<String>,
        client: Option<RecordId>,
    ) -> Result<()> {
        if auth::allowed(actor.role(), operation) {
            return Ok(());
        }
        self.commit(actor, &format!("denied.{}", operation.name()), record, client, Outcome::Denied, Vec::new())?;
        Err(StoreError::Denied { role: actor.role().name(), operation: operation.name() })
    }

    pub(crate) fn authorize_pub(&self, actor: &Actor, operation: Operation, record: Option<String>) -> Result<()> {
        self.authorize(actor, operation, record, None)
    }

    pub(crate) fn record_audit(&self, actor: &Actor, action: &str, record: Option<String>) -> Result<()> {
        self.commit(actor, action, record, None, Outcome::Allowed, Vec::new())
    }

    // ---- accounts ---------------------------------------------------------------------------

    fn account_by_name(&self, username: &str) -> Result<Option<AccountRecord>> {
        let Some(id) = self.tree(T::AccountNames).get(username.as_bytes()).map_err(|e| self.sled_err(e))? else {
            return Ok(None);
        };
        self.get_plain(T::Kind(Kind::Account), &id, "record")
    }

    fn account_writes(account: &AccountRecord) -> Vec<Write> {
        let tree = T::Kind(Kind::Account);
        vec![
            Write {
                tree,
                key: account.id.as_bytes().to_vec(),
                value: Self::plain_value(tree, account.id.as_bytes(), account),
            },
            Write {
                tree: T::AccountNames,
                key: account.username.as_bytes().to_vec(),
                value: account.id.as_bytes().to_vec(),
            },
        ]
    }

    fn new_account_record(
        &self,
        account: &NewAccount,
        password: &SecretString,
        key: Option<&DataKey>,
    ) -> Result<AccountRecord> {
        validate_username(&account.username)?;
        auth::check_new_password(password.expose_secret())
            .map_err(|e| StoreError::Invalid { field: "password", reason: e.to_string() })?;
        let params = self.kdf();
        let password_hash = auth::hash_password(password.expose_secret().as_bytes(), params)
            .map_err(|e| StoreError::Invalid { field: "password", reason: e.to_string() })?;
        let keyslot = match (account.role.holds_keyslot(), key) {
            (true, Some(key)) => Some(
                Keyslot::create(key, SlotKdf::Password { params }, password.expose_secret().as_bytes())
                    .map_err(|e| StoreError::Invalid { field: "password", reason: e.to_string() })?,
            ),
            (true, None) => return Err(StoreError::Locked),
            (false, _) => None,
        };
        Ok(AccountRecord {
            schema_version: 1,
            id: RecordId::random(),
            username: account.username.clone(),
            display_name: clean_text("display name", &account.display_name, LABEL_TEXT)?,
            role: account.role,
            password_hash,
            keyslot,
            status: AccountStatus::Active,
            failed_logins: 0,
            last_failure_ms: 0,
            created_ms: now_ms(),
            password_reset: None,
        })
    }

    fn org_keypair(&self, key: &DataKey) -> Result<OrgKeyPair> {
        let value = self
            .tree(T::Meta)
            .get(META_ORG_SECRET)
            .map_err(|e| self.sled_err(e))?
            .ok_or(StoreError::Damaged { kind: "meta", id: "org_secret".into() })?;
        let plain = key
            .open(&aad(T::Meta, META_ORG_SECRET, "org_secret"), &value)
            .map_err(|_| StoreError::Damaged { kind: "meta", id: "org_secret".into() })?;
        OrgKeyPair::from_secret_bytes(&plain).ok_or(StoreError::Damaged { kind: "meta", id: "org_secret".into() })
    }

    // ---- per-encounter records --------------------------------------------------------------

    fn child_key(&self, encounter: &RecordId) -> Result<Vec<u8>> {
        let seq = self.db.generate_id().map_err(|e| self.sled_err(e))?;
        let mut key = Vec::with_capacity(24);
        key.extend_from_slice(encounter.as_bytes());
        key.extend_from_slice(&seq.to_be_bytes());
        Ok(key)
    }

    fn children<R: DeserializeOwned>(
        &self,
        key: &DataKey,
        tree: T,
        encounter: &RecordId,
        damaged: &mut Vec<String>,
    ) -> Result<Vec<R>> {
        let mut out = Vec::new();
        for item in self.tree(tree).scan_prefix(encounter.as_bytes()) {
            let (k, v) = item.map_err(|e| self.sled_err(e))?;
            match self.open_record(key, tree, &k, &v) {
                Ok(record) => out.push(record),
                Err(StoreError::Damaged { kind, id }) | Err(StoreError::NewerSchema { kind, id, .. }) => {
                    damaged.push(format!("{kind} {id}"))
                }
                Err(other) => return Err(other),
            }
        }
        Ok(out)
    }

    fn load_encounter(&self, key: &DataKey, id: &RecordId) -> Result<Encounter> {
        let tree = T::Kind(Kind::Encounter);
        let sealed = (self.tree(tree).get(id.as_bytes()).map_err(|e| self.sled_err(e))?)
            .ok_or(StoreError::NotFound { kind: "encounter", id: id.to_string() })?;
        if let Some(encounter) = self.recent().encounter(id, &sealed) {
            return Ok(encounter);
        }
        let encounter: Encounter = self.open_record(key, tree, id.as_bytes(), &sealed)?;
        self.recent().keep_encounter(&sealed, &encounter);
        Ok(encounter)
    }

    fn recent(&self) -> MutexGuard<'_, recent::Recent> {
        self.recent.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn detail(&self, key: &DataKey, encounter: Encounter) -> Result<EncounterDetail> {
        let mut damaged = Vec::new();
        let id = encounter.id;
        Ok(EncounterDetail {
            consents: self.children(key, T::Kind(Kind::Consent), &id, &mut damaged)?,
            answers: self.children(key, T::Kind(Kind::Answer), &id, &mut damaged)?,
            results: self.children(key, T::Kind(Kind::Result), &id, &mut damaged)?,
            decisions: self.children(key, T::Kind(Kind::Decision), &id, &mut damaged)?,
            referrals: self.children(key, T::Kind(Kind::Referral), &id, &mut damaged)?,
            crisis_actions: self.children(key, T::Kind(Kind::CrisisAction), &id, &mut damaged)?,
            encounter,
            damaged,
        })
    }

    /// Saves one record belonging to an encounter, with its audit entry.
    fn save_child<R: Serialize>(
        &self,
        actor: &Actor,
        operation: Operation,
        kind: Kind,
        encounter_id: &RecordId,
        make: impl FnOnce(RecordId) -> R,
    ) -> Result<R> {
        let encounter_label = encounter_id.to_string();
        self.authorize(actor, operation, Some(encounter_label.clone()), None)?;
        let key = self.key()?;
        let encounter = self.load_encounter(&key, encounter_id)?;
        if encounter.status == EncounterStatus::Closed {
            return Err(StoreError::Refused {
                what: "change a closed encounter",
                reason: format!("encounter {encounter_id} is closed"),
            });
        }
        let record = make(RecordId::random());
        let tree = T::Kind(kind);
        let child = self.child_key(encounter_id)?;
        let value = self.seal_record(&key, tree, &child, &record);
        self.commit(
            actor,
            &format!("{}.create", kind.name()),
            Some(key_label(&child)),
            Some(encounter.client_id),
            Outcome::Allowed,
            vec![Write { tree, key: child, value }],
        )?;
        Ok(record)
    }

    /// Inserts synthetic data without auditing each record (one audit entry covers the seed).
    fn seed_batch(&self, writes: Vec<Write>) -> Result<()> {
        let _guard = self.lock_head();
        let mut batches: Vec<(T, sled::Batch)> = Vec::new();
        for write in writes {
            let at = match batches.iter().position(|(t, _)| *t == write.tree) {
                Some(at) => at,
                None => {
                    batches.push((write.tree, sled::Batch::default()));
                    batches.len() - 1
                }
            };
            batches[at].1.insert(write.key, write.value);
        }
        for (tree, batch) in batches {
            self.tree(tree).apply_batch(batch).map_err(|e| self.sled_err(e))?;
        }
        Ok(())
    }

    /// Every stored (tree, key, value), for backups. Holds the writer lock so the copy is
    /// consistent; writers wait for the scan (not for the file write).
    pub(crate) fn snapshot(&self) -> Result<(Vec<RawEntry>, AuditHead)> {
        let head = self.lock_head();
        let mut out = Vec::new();
        for tree in T::ALL {
            for item in self.tree(tree).iter() {
                let (k, v) = item.map_err(|e| self.sled_err(e))?;
                out.push((tree.name().to_string(), k.to_vec(), v.to_vec()));
            }
        }
        Ok((out, head.clone()))
    }

    /// Fills an empty store from a backup's entries (the caller checked the backup).
    pub(crate) fn import(&self, entries: &[RawEntry]) -> Result<()> {
        if self.is_initialised()? {
            return Err(StoreError::AlreadyInitialised { path: self.dir.clone() });
        }
        let mut writes = Vec::with_capacity(entries.len());
        for (name, key, value) in entries {
            let tree = T::ALL.iter().copied().find(|t| t.name() == name).ok_or_else(|| StoreError::BadBackup {
                path: self.dir.clone(),
                reason: format!("unknown tree {}", crate::sanitize::terminal_text(name, false)),
            })?;
            writes.push(Write { tree, key: key.clone(), value: value.clone() });
        }
        // The format marker goes last so an interrupted restore is never taken for a store.
        let (marker, rest): (Vec<Write>, Vec<Write>) =
            writes.into_iter().partition(|w| w.tree == T::Meta && w.key == META_FORMAT);
        self.seed_batch(rest)?;
        self.flush()?;
        self.seed_batch(marker)?;
        self.flush()?;
        let head = self.get_plain::<AuditHead>(T::Meta, META_AUDIT_HEAD, "meta")?.unwrap_or_default();
        // The restored log is the one committed from here on: the witness starts again from it.
        self.witness.start(&head)?;
        if !self.tree(T::Meta).contains_key(META_WITNESSED).map_err(|e| self.sled_err(e))? {
            self.seed_batch(vec![Write {
                tree: T::Meta,
                key: META_WITNESSED.to_vec(),
                value: Self::meta_value(META_WITNESSED, &true),
            }])?;
            self.flush()?;
        }
        *self.lock_head() = head;
        if let Some(org) = self.get_plain::<Organisation>(T::Kind(Kind::Organisation), ORG_KEY, "record")?
            && org.insecure_test_kdf
        {
            *self.kdf.write().unwrap_or_else(|p| p.into_inner()) = KdfParams::INSECURE_TEST;
        }
        Ok(())
    }

    /// Audits an owner event (start, stop, restore) as `system` or the given actor.
    pub fn record_event(&self, actor: &Actor, action: &str) -> Result<()> {
        if !self.is_initialised()? {
            return Ok(());
        }
        self.commit(actor, action, None, None, Outcome::Allowed, Vec::new())
    }

    /// Unlocks with a data key found elsewhere (restore) and returns an actor for the account.
    pub(crate) fn login_with_key(&self, key: DataKey, user: &str, origin: &str) -> Result<Actor> {
        let account = self.account_by_name(user)?.ok_or(StoreError::BadCredentials)?;
        self.unlock_with(key);
        Ok(Actor::new(account.username, account.role, origin.to_string()))
    }

    /// Unlocks with a data key found elsewhere (a backup just restored), holding its chain key
    /// for the audit too.
    pub(crate) fn unlock_with(&self, key: DataKey) {
        self.hold_chain_key(&key);
        *self.data_key.write().unwrap_or_else(|p| p.into_inner()) = Some(key);
    }

    /// Keyslots needed to unlock a backup: (username, keyslot) and the recovery slot.
    pub(crate) fn keyslots(&self) -> Result<Keyslots> {
        let mut slots = Vec::new();
        for item in self.tree(T::Kind(Kind::Account)).iter() {
            let (k, v) = item.map_err(|e| self.sled_err(e))?;
            let account: AccountRecord = Self::decode_plain(T::Kind(Kind::Account), &k, "record", &v)?;
            if let Some(slot) = account.keyslot {
                slots.push((account.username, slot));
            }
        }
        Ok((slots, self.get_plain(T::Meta, META_RECOVERY_SLOT, "meta")?))
    }

    /// Whether the data key is held (same as [`Store::is_unlocked`], without importing the trait).
    pub fn is_unlocked_public(&self) -> bool {
        self.data_key.read().unwrap_or_else(|p| p.into_inner()).is_some()
    }

    pub(crate) fn current_key(&self) -> Result<DataKey> {
        self.key()
    }

    /// For the durability test harness: every answer of an encounter, in saved order, without
    /// auditing (the harness opens the store directly, never through the owner).
    pub fn answers_unaudited(&self, encounter: &RecordId) -> Result<(Vec<Answer>, Vec<String>)> {
        let key = self.key()?;
        let mut damaged = Vec::new();
        let answers = self.children(&key, T::Kind(Kind::Answer), encounter, &mut damaged)?;
        Ok((answers, damaged))
    }
}

impl SledStore {
    /// The audit entries `filter` matches, and the sequence numbers (as `audit verify` counts
    /// them) of entries that cannot be read: one damaged entry does not hide every other.
    pub fn audit_listing(&self, actor: &Actor, filter: &AuditFilter) -> Result<(Vec<AuditEntry>, Vec<u64>)> {
        self.authorize(actor, Operation::ReadAudit, None, None)?;
        self.commit(actor, "audit.list", None, None, Outcome::Allowed, Vec::new())?;
        let tree = T::Kind(Kind::Audit);
        let key = self.key().ok();
        let mut out = Vec::new();
        let mut damaged = Vec::new();
        for item in self.tree(tree).iter() {
            let (k, v) = item.map_err(|e| self.sled_err(e))?;
            match Self::decode_plain::<AuditEntry>(tree, &k, "record", &v) {
                Ok(mut entry) if filter.matches(&entry) => {
                    entry.reason = Self::open_reason(key.as_ref(), &k, entry.reason_sealed.as_deref());
                    out.push(entry)
                }
                Ok(_) => {}
                Err(StoreError::Damaged { .. } | StoreError::NewerSchema { .. }) => {
                    let seq = k.as_ref().try_into().map(u64::from_be_bytes).unwrap_or(u64::MAX);
                    damaged.push(seq);
                }
                Err(other) => return Err(other),
            }
        }
        if let Some(limit) = filter.limit
            && out.len() > limit
        {
            out.drain(..out.len() - limit);
        }
        Ok((out, damaged))
    }
}

impl SledStore {
    /// An entry's sealed reason, opened: `None` without one; a note when it cannot be opened
    /// (the store locked, or the entry damaged), so a listing still says that one was given.
    fn open_reason(key: Option<&DataKey>, entry_key: &[u8], sealed: Option<&str>) -> Option<String> {
        let sealed = sealed?;
        let opened = key.zip(hex::decode(sealed).ok()).and_then(|(key, bytes)| {
            let aad = aad(T::Kind(Kind::Audit), entry_key, "reason");
            key.open(&aad, &bytes).ok().and_then(|plain| String::from_utf8(plain.to_vec()).ok())
        });
        Some(opened.unwrap_or_else(|| "(sealed; cannot be opened)".into()))
    }
}

/// Checks a new account's user name (lower-case letters, digits, `.`, `_`, `-`; 1 to 64).
pub fn validate_username(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid {
            field: "user name",
            reason: "use 1 to 64 characters: lower-case letters a-z, digits, `.`, `_` or `-`".into(),
        })
    }
}

// The longest text each kind of field takes: one set of limits for a new record and for an
// imported one (`import_check`).
pub(super) const LONG_TEXT: usize = 4000;
pub(super) const REASON_TEXT: usize = 2000;
pub(super) const SHORT_TEXT: usize = 200;
pub(super) const LABEL_TEXT: usize = 100;
pub(super) const ID_TEXT: usize = 64;
pub(super) const INSTRUMENT_ID_TEXT: usize = 32;

/// Accepts text without control or direction-changing characters, up to `max` characters.
pub(super) fn clean_text(field: &'static str, text: &str, max: usize) -> Result<String> {
    if text.chars().count() > max {
        return Err(StoreError::Invalid { field, reason: format!("longer than {max} characters") });
    }
    if crate::sanitize::terminal_text(text, true) != text {
        return Err(StoreError::Invalid { field, reason: "contains control or invisible direction characters".into() });
    }
    Ok(text.to_string())
}

fn validate_province(province: &str) -> Result<String> {
    Province::parse(province).map(Province::code).ok_or_else(|| {
        let known: Vec<String> = Province::ALL.iter().map(|p| p.code()).collect();
        StoreError::Invalid { field: "province", reason: format!("use a two-letter code: {}", known.join(", ")) }
    })
}

fn validate_birth_date(date: &str) -> Result<String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(date.trim(), &format)
        .map(|_| date.trim().to_string())
        .map_err(|_| StoreError::Invalid { field: "birth date", reason: "use YYYY-MM-DD".into() })
}

fn validate_client(input: &NewClient) -> Result<NewClient> {
    let name = clean_text("name", input.name.trim(), SHORT_TEXT)?;
    if name.is_empty() {
        return Err(StoreError::Invalid { field: "name", reason: "must not be empty".into() });
    }
    Ok(NewClient {
        name,
        birth_date: input.birth_date.as_deref().map(validate_birth_date).transpose()?,
        province: validate_province(&input.province)?,
        language: input.language,
        contact: input.contact.as_deref().map(|c| clean_text("contact", c, SHORT_TEXT)).transpose()?,
        access_needs: input
            .access_needs
            .iter()
            .map(|s| clean_text("access need", s, LABEL_TEXT))
            .collect::<Result<_>>()?,
        populations: input
            .populations
            .iter()
            .map(|s| clean_text("population", s, LABEL_TEXT))
            .collect::<Result<_>>()?,
        sex_for_scoring: input.sex_for_scoring,
    })
}

fn validate_instrument(instrument: &InstrumentRef) -> Result<()> {
    for (field, value) in [("instrument id", &instrument.id), ("instrument version", &instrument.version)] {
        if value.is_empty()
            || value.len() > 64
            || !value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err(StoreError::Invalid { field, reason: "use 1 to 64 letters, digits, `.`, `_` or `-`".into() });
        }
    }
    Ok(())
}

impl Store for SledStore {
    fn status(&self) -> Result<StoreStatus> {
        let org: Option<Organisation> = self.get_plain(T::Kind(Kind::Organisation), ORG_KEY, "record")?;
        Ok(StoreStatus {
            initialised: self.is_initialised()?,
            unlocked: self.data_key.read().unwrap_or_else(|p| p.into_inner()).is_some(),
            organisation: org.as_ref().map(|o| o.name.clone()),
            insecure_test_kdf: org.is_some_and(|o| o.insecure_test_kdf),
            audit_entries: self.lock_head().count,
        })
    }

    fn initialize(&self, request: &InitRequest, password: &SecretString, origin: &str) -> Result<RecoveryKey> {
        if self.is_initialised()? {
            return Err(StoreError::AlreadyInitialised { path: self.dir.clone() });
        }
        let name = clean_text("organisation name", request.org.trim(), SHORT_TEXT)?;
        if name.is_empty() {
            return Err(StoreError::Invalid { field: "organisation name", reason: "must not be empty".into() });
        }
        let province = validate_province(&request.province)?;
        let params = if request.insecure_test_kdf { KdfParams::INSECURE_TEST } else { KdfParams::PRODUCTION };
        *self.kdf.write().unwrap_or_else(|p| p.into_inner()) = params;
        let key = DataKey::generate();
        let admin = self.new_account_record(
            &NewAccount { username: request.admin.clone(), display_name: request.admin.clone(), role: Role::Admin },
            password,
            Some(&key),
        )?;
        let recovery = RecoveryKey::generate();
        let recovery_slot = Keyslot::create(&key, SlotKdf::Recovery, recovery.as_bytes())
            .map_err(|e| StoreError::Invalid { field: "recovery key", reason: e.to_string() })?;
        let org_keys = OrgKeyPair::generate();
        let org = Organisation {
            schema_version: 1,
            name,
            province,
            settings: Settings::default(),
            submission_public_key: hex::encode(org_keys.public_key()),
            created_ms: now_ms(),
            insecure_test_kdf: request.insecure_test_kdf,
        };
        let org_tree = T::Kind(Kind::Organisation);
        let mut writes = Self::account_writes(&admin);
        writes.push(Write { tree: org_tree, key: ORG_KEY.to_vec(), value: Self::plain_value(org_tree, ORG_KEY, &org) });
        writes.push(Write {
            tree: T::Meta,
            key: META_RECOVERY_SLOT.to_vec(),
            value: Self::meta_value(META_RECOVERY_SLOT, &recovery_slot),
        });
        writes.push(Write {
            tree: T::Meta,
            key: META_ORG_SECRET.to_vec(),
            value: key.seal(&aad(T::Meta, META_ORG_SECRET, "org_secret"), org_keys.secret_bytes().as_ref()),
        });
        writes.push(Self::summaries_marker());
        writes.push(Self::open_index_marker());
        writes.push(Write { tree: T::Meta, key: META_FORMAT.to_vec(), value: FORMAT_MARKER.as_bytes().to_vec() });
        writes.push(Write {
            tree: T::Meta,
            key: META_WITNESSED.to_vec(),
            value: Self::meta_value(META_WITNESSED, &true),
        });
        let actor = Actor::new(admin.username.clone(), Role::Admin, origin.to_string());
        self.hold_chain_key(&key);
        self.commit(&actor, "init", None, None, Outcome::Allowed, writes)?;
        *self.data_key.write().unwrap_or_else(|p| p.into_inner()) = Some(key);
        Ok(recovery)
    }

    fn login(&self, username: &str, password: &SecretString, origin: &str) -> Result<Actor> {
        self.require_initialised()?;
        if self.account_by_name(username)?.is_none() {
            // The same argon2 work as for a known name, in the same pool; and never the typed
            // text in the audit log (it may be a password typed into the wrong field).
            self.decoy_check(password)?;
            let nobody = Actor::new(self.unknown_name(username)?, Role::Kiosk, origin.to_string());
            self.commit(&nobody, "login.failed", None, None, Outcome::Failed, Vec::new())?;
            return Err(StoreError::BadCredentials);
        }
        // From here to the failure count's write, one sign-in at a time for this account: the
        // record is read again under the lock, so parallel attempts each see the last count.
        let account_lock = self.login_gate.account(username);
        let _one_at_a_time = login_gate::hold(&account_lock);
        let Some(mut account) = self.account_by_name(username)? else { return Err(StoreError::BadCredentials) };
        let actor = Actor::new(account.username.clone(), account.role, origin.to_string());
        match account.status {
            AccountStatus::Disabled => {
                self.commit(&actor, "login.disabled", None, None, Outcome::Denied, Vec::new())?;
                return Err(StoreError::Disabled { user: account.username });
            }
            AccountStatus::LockedOut => {
                self.commit(&actor, "login.locked_out", None, None, Outcome::Denied, Vec::new())?;
                return Err(StoreError::LockedOut { user: account.username });
            }
            AccountStatus::Active => {}
        }
        let now = now_ms();
        match auth::throttle(account.failed_logins, account.last_failure_ms, now) {
            ThrottleVerdict::Allow => {}
            ThrottleVerdict::Wait { ms } => {
                self.commit(&actor, "login.throttled", None, None, Outcome::Denied, Vec::new())?;
                return Err(StoreError::Throttled { user: account.username, wait_secs: (ms + 999) / 1000 });
            }
            ThrottleVerdict::LockedOut => {
                self.commit(&actor, "login.locked_out", None, None, Outcome::Denied, Vec::new())?;
                return Err(StoreError::LockedOut { user: account.username });
            }
        }
        let ok = {
            let _turn = self.login_gate.turn();
            auth::verify_password(password.expose_secret().as_bytes(), &account.password_hash)
                .map_err(|_| StoreError::Damaged { kind: "account", id: account.id.to_string() })?
        };
        if !ok {
            account.failed_logins = account.failed_logins.saturating_add(1);
            account.last_failure_ms = now;
            if account.failed_logins >= auth::LOCKOUT_AT {
                account.status = AccountStatus::LockedOut;
            }
            self.commit(&actor, "login.failed", None, None, Outcome::Failed, Self::account_writes(&account))?;
            return Err(StoreError::BadCredentials);
        }
        let mut writes = Vec::new();
        if account.failed_logins != 0 {
            account.failed_logins = 0;
            writes = Self::account_writes(&account);
        }
        // A password an administrator set opens a session that may only choose a new one.
        let mut action = if account.password_reset.is_some() { "login.password_change_required" } else { "login" };
        if let Some(slot) = &account.keyslot {
            let key = {
                let _turn = self.login_gate.turn();
                slot.open(password.expose_secret().as_bytes())
                    .map_err(|_| StoreError::Damaged { kind: "account keyslot", id: account.id.to_string() })?
            };
            self.hold_chain_key(&key);
            let mut guard = self.data_key.write().unwrap_or_else(|p| p.into_inner());
            if guard.is_none() {
                *guard = Some(key);
                if account.password_reset.is_none() {
                    action = "login.unlock";
                }
            }
        }
        self.commit(&actor, action, None, None, Outcome::Allowed, writes)?;
        Ok(actor.with_credential(credential_of(&account)))
    }

    fn recover(
        &self,
        recovery: &RecoveryKey,
        username: &str,
        new_password: &SecretString,
        origin: &str,
    ) -> Result<Actor> {
        self.require_initialised()?;
        let slot: Keyslot = self
            .get_plain(T::Meta, META_RECOVERY_SLOT, "meta")?
            .ok_or(StoreError::Damaged { kind: "meta", id: "recovery_slot".into() })?;
        let system = Actor::system(origin);
        let Ok(key) = slot.open(recovery.as_bytes()) else {
            self.commit(&system, "recovery.failed", None, None, Outcome::Failed, Vec::new())?;
            return Err(StoreError::BadCredentials);
        };
        let mut account =
            self.account_by_name(username)?.ok_or(StoreError::NoAccount { user: username.to_string() })?;
        let fresh = self.new_account_record(
            &NewAccount {
                username: account.username.clone(),
                display_name: account.display_name.clone(),
                role: account.role,
            },
            new_password,
            Some(&key),
        )?;
        account.password_hash = fresh.password_hash;
        account.keyslot = fresh.keyslot;
        account.status = AccountStatus::Active;
        account.failed_logins = 0;
        // The recovery key is the break-glass key: whoever holds it chose this password.
        account.password_reset = None;
        let actor = Actor::new(account.username.clone(), account.role, origin.to_string());
        self.hold_chain_key(&key);
        self.commit(
            &actor,
            "recovery.password_reset",
            Some(account.id.to_string()),
            None,
            Outcome::Allowed,
            Self::account_writes(&account),
        )?;
        *self.data_key.write().unwrap_or_else(|p| p.into_inner()) = Some(key);
        Ok(actor.with_credential(credential_of(&account)))
    }

    fn lock(&self) {
        *self.data_key.write().unwrap_or_else(|p| p.into_inner()) = None;
        self.recent().clear();
    }

    fn is_unlocked(&self) -> bool {
        self.data_key.read().unwrap_or_else(|p| p.into_inner()).is_some()
    }

    fn organisation(&self, actor: &Actor) -> Result<Organisation> {
        self.authorize(actor, Operation::ReadOrganisation, None, None)?;
        self.get_plain(T::Kind(Kind::Organisation), ORG_KEY, "record")?
            .ok_or(StoreError::NotInitialised { path: self.dir.clone() })
    }

    fn update_settings(&self, actor: &Actor, changes: &SettingsUpdate) -> Result<SettingsUpdated> {
        self.authorize(actor, Operation::UpdateSettings, None, None)?;
        let _serial = super::settings::SETTINGS_UPDATES.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut org: Organisation = self
            .get_plain(T::Kind(Kind::Organisation), ORG_KEY, "record")?
            .ok_or(StoreError::NotInitialised { path: self.dir.clone() })?;
        let (settings, changed) = super::settings::apply(&org.settings, changes)?;
        let tree = T::Kind(Kind::Organisation);
        let (label, writes) = if changed.is_empty() {
            ("(no change)".to_string(), Vec::new())
        } else {
            org.settings = settings.clone();
            (
                changed.join(","),
                vec![Write { tree, key: ORG_KEY.to_vec(), value: Self::plain_value(tree, ORG_KEY, &org) }],
            )
        };
        self.commit(actor, "settings.update", Some(label), None, Outcome::Allowed, writes)?;
        Ok(SettingsUpdated { changed, settings })
    }

    fn add_account(&self, actor: &Actor, account: &NewAccount, password: &SecretString) -> Result<AccountSummary> {
        self.authorize(actor, Operation::ManageAccounts, Some(account.username.clone()), None)?;
        if self.account_by_name(&account.username)?.is_some() {
            return Err(StoreError::Refused {
                what: "add the account",
                reason: format!("user {} already exists", account.username),
            });
        }
        let key = if account.role.holds_keyslot() { Some(self.key()?) } else { None };
        let record = self.new_account_record(account, password, key.as_ref())?;
        self.commit(
            actor,
            "account.create",
            Some(record.id.to_string()),
            None,
            Outcome::Allowed,
            Self::account_writes(&record),
        )?;
        Ok(AccountSummary::from(&record))
    }

    fn list_accounts(&self, actor: &Actor) -> Result<Vec<AccountSummary>> {
        self.authorize(actor, Operation::ListAccounts, None, None)?;
        self.commit(actor, "account.list", None, None, Outcome::Allowed, Vec::new())?;
        let mut out = Vec::new();
        for item in self.tree(T::Kind(Kind::Account)).iter() {
            let (k, v) = item.map_err(|e| self.sled_err(e))?;
            let account: AccountRecord = Self::decode_plain(T::Kind(Kind::Account), &k, "record", &v)?;
            out.push(AccountSummary::from(&account));
        }
        out.sort_by(|a, b| a.username.cmp(&b.username));
        Ok(out)
    }

    fn set_account_status(&self, actor: &Actor, username: &str, status: AccountStatus) -> Result<()> {
        self.authorize(actor, Operation::ManageAccounts, Some(username.to_string()), None)?;
        let mut account =
            self.account_by_name(username)?.ok_or(StoreError::NoAccount { user: username.to_string() })?;
        if account.username == actor.user() && status != AccountStatus::Active {
            return Err(StoreError::Refused {
                what: "disable the account",
                reason: "you cannot disable your own account".into(),
            });
        }
        account.status = status;
        if status == AccountStatus::Active {
            account.failed_logins = 0;
        }
        let action = match status {
            AccountStatus::Active => "account.enable",
            AccountStatus::Disabled => "account.disable",
            AccountStatus::LockedOut => "account.lock",
        };
        self.commit(actor, action, Some(account.id.to_string()), None, Outcome::Allowed, Self::account_writes(&account))
    }

    fn set_password(&self, actor: &Actor, username: &str, new_password: &SecretString) -> Result<()> {
        let own = username == actor.user();
        let operation = if own { Operation::ChangeOwnPassword } else { Operation::ManageAccounts };
        self.authorize(actor, operation, Some(username.to_string()), None)?;
        let mut account =
            self.account_by_name(username)?.ok_or(StoreError::NoAccount { user: username.to_string() })?;
        if own && account.password_reset.is_some() {
            // The administrator knows the password they set: the new one must be another.
            let same = {
                let _turn = self.login_gate.turn();
                auth::verify_password(new_password.expose_secret().as_bytes(), &account.password_hash)
                    .map_err(|_| StoreError::Damaged { kind: "account", id: account.id.to_string() })?
            };
            if same {
                return Err(StoreError::Invalid {
                    field: "password",
                    reason: "choose a password other than the one the administrator set".into(),
                });
            }
        }
        let key = if account.role.holds_keyslot() { Some(self.key()?) } else { None };
        let fresh = self.new_account_record(
            &NewAccount {
                username: account.username.clone(),
                display_name: account.display_name.clone(),
                role: account.role,
            },
            new_password,
            key.as_ref(),
        )?;
        account.password_hash = fresh.password_hash;
        account.keyslot = fresh.keyslot;
        account.failed_logins = 0;
        if account.status == AccountStatus::LockedOut {
            account.status = AccountStatus::Active;
        }
        // Set by someone else (an administrator) for a staff account, the password must be
        // replaced by its user before the account can do anything else; their own choice ends that.
        account.password_reset = (!own && account.role.holds_keyslot())
            .then(|| PasswordReset { by: actor.user().to_string(), at_ms: now_ms() });
        let action = if own { "account.password_changed" } else { "account.password_reset" };
        self.commit(actor, action, Some(account.id.to_string()), None, Outcome::Allowed, Self::account_writes(&account))
    }

    fn create_client(&self, actor: &Actor, client: &NewClient) -> Result<RecordId> {
        self.authorize(actor, Operation::CreateClient, None, None)?;
        let key = self.key()?;
        let input = validate_client(client)?;
        let id = RecordId::random();
        let record = Client {
            schema_version: 1,
            id,
            name: input.name,
            birth_date: input.birth_date,
            province: input.province,
            language: input.language,
            contact: input.contact,
            access_needs: input.access_needs,
            populations: input.populations,
            sex_for_scoring: input.sex_for_scoring,
            synthetic: false,
            created_ms: now_ms(),
            created_by: actor.user().to_string(),
        };
        let tree = T::Kind(Kind::Client);
        let writes = vec![
            Write { tree, key: id.as_bytes().to_vec(), value: self.seal_record(&key, tree, id.as_bytes(), &record) },
            Write { tree: T::Meta, key: META_REAL_DATA.to_vec(), value: Self::meta_value(META_REAL_DATA, &true) },
        ];
        self.commit(actor, "client.create", Some(id.to_string()), Some(id), Outcome::Allowed, writes)?;
        Ok(id)
    }

    fn client(&self, actor: &Actor, id: &RecordId) -> Result<Client> {
        self.authorize(actor, Operation::ReadClient, Some(id.to_string()), Some(*id))?;
        let key = self.key()?;
        self.commit(actor, "client.read", Some(id.to_string()), Some(*id), Outcome::Allowed, Vec::new())?;
        self.get_sealed(&key, T::Kind(Kind::Client), id.as_bytes())?
            .ok_or(StoreError::NotFound { kind: "client", id: id.to_string() })
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
        let instruments = instruments
            .iter()
            .map(|i| clean_text("instrument id", i, INSTRUMENT_ID_TEXT))
            .collect::<Result<Vec<String>>>()?;
        self.authorize(actor, Operation::StartEncounter, Some(client_id.to_string()), Some(*client_id))?;
        let key = self.key()?;
        let client: Client = self
            .get_sealed(&key, T::Kind(Kind::Client), client_id.as_bytes())?
            .ok_or(StoreError::NotFound { kind: "client", id: client_id.to_string() })?;
        let now = now_ms();
        let encounter = Encounter {
            scoring: ScoringContext::of_client(&client, &super::date_of_ms(now)),
            schema_version: Kind::Encounter.current_version(),
            id: RecordId::random(),
            client_id: *client_id,
            origin,
            status: EncounterStatus::InProgress,
            created_ms: now,
            updated_ms: now,
            created_by: actor.user().to_string(),
            instruments,
        };
        let tree = T::Kind(Kind::Encounter);
        let mut index = client_id.as_bytes().to_vec();
        index.extend_from_slice(encounter.id.as_bytes());
        let writes = vec![
            Write {
                tree,
                key: encounter.id.as_bytes().to_vec(),
                value: self.seal_record(&key, tree, encounter.id.as_bytes(), &encounter),
            },
            Write { tree: T::ClientEncounters, key: index, value: Vec::new() },
            Self::open_index_write(&encounter),
        ];
        self.commit(
            actor,
            "encounter.create",
            Some(encounter.id.to_string()),
            Some(*client_id),
            Outcome::Allowed,
            writes,
        )?;
        Ok(encounter)
    }

    fn encounter(&self, actor: &Actor, id: &RecordId) -> Result<EncounterDetail> {
        self.authorize(actor, Operation::ReadEncounter, Some(id.to_string()), None)?;
        let key = self.key()?;
        let encounter = self.load_encounter(&key, id)?;
        self.commit(
            actor,
            "encounter.read",
            Some(id.to_string()),
            Some(encounter.client_id),
            Outcome::Allowed,
            Vec::new(),
        )?;
        self.detail(&key, encounter)
    }

    fn set_encounter_status(&self, actor: &Actor, id: &RecordId, status: EncounterStatus) -> Result<Encounter> {
        self.authorize(actor, Operation::UpdateEncounterStatus, Some(id.to_string()), None)?;
        let key = self.key()?;
        let mut encounter = self.load_encounter(&key, id)?;
        if !encounter.status.may_become(status) {
            return Err(StoreError::Refused {
                what: "change the encounter status",
                reason: format!("{:?} cannot become {:?}", encounter.status, status),
            });
        }
        encounter.status = status;
        encounter.updated_ms = now_ms();
        let tree = T::Kind(Kind::Encounter);
        let value = self.seal_record(&key, tree, id.as_bytes(), &encounter);
        self.commit(
            actor,
            "encounter.status",
            Some(id.to_string()),
            Some(encounter.client_id),
            Outcome::Allowed,
            vec![Write { tree, key: id.as_bytes().to_vec(), value }, Self::open_index_write(&encounter)],
        )?;
        Ok(encounter)
    }

    fn record_consent(
        &self,
        actor: &Actor,
        encounter: &RecordId,
        version: &str,
        answer: ConsentAnswer,
    ) -> Result<ConsentRecord> {
        let version = clean_text("consent version", version, ID_TEXT)?;
        self.save_child(actor, Operation::RecordConsent, Kind::Consent, encounter, |id| ConsentRecord {
            schema_version: 1,
            id,
            encounter_id: *encounter,
            version,
            answer,
            recorded_ms: now_ms(),
            recorded_by: actor.user().to_string(),
        })
    }

    fn save_answer(&self, actor: &Actor, encounter: &RecordId, answer: &NewAnswer) -> Result<Answer> {
        validate_instrument(&answer.instrument)?;
        let item_id = clean_text("item id", &answer.item_id, ID_TEXT)?;
        let free_text = answer.free_text.as_deref().map(|t| clean_text("free text", t, LONG_TEXT)).transpose()?;
        self.save_child(actor, Operation::SaveAnswer, Kind::Answer, encounter, |id| Answer {
            schema_version: Kind::Answer.current_version(),
            id,
            encounter_id: *encounter,
            instrument: answer.instrument.clone(),
            item_id,
            position: answer.position,
            score: answer.score,
            free_text,
            answered_ms: now_ms(),
            recorded_by: actor.user().to_string(),
        })
    }

    fn save_result(&self, actor: &Actor, encounter: &RecordId, result: &NewResult) -> Result<ResultRecord> {
        validate_instrument(&result.instrument)?;
        let band = clean_text("band", &result.band, SHORT_TEXT)?;
        self.save_child(actor, Operation::SaveResult, Kind::Result, encounter, |id| ResultRecord {
            schema_version: 1,
            id,
            encounter_id: *encounter,
            instrument: result.instrument.clone(),
            total: result.total,
            subscales: result.subscales.clone(),
            band,
            flags: result.flags.clone(),
            computed_ms: now_ms(),
            recorded_by: actor.user().to_string(),
        })
    }

    fn save_decision(&self, actor: &Actor, encounter: &RecordId, decision: &NewDecision) -> Result<Decision> {
        let overrides = decision.final_level.as_ref().is_some_and(|f| *f != decision.suggested_level);
        if overrides {
            self.authorize(actor, Operation::OverrideDecision, Some(encounter.to_string()), None)?;
            if decision.override_reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                return Err(StoreError::Invalid {
                    field: "override reason",
                    reason: "a reason is required when the final level differs from the suggested one".into(),
                });
            }
        }
        let reason =
            decision.override_reason.as_deref().map(|r| clean_text("override reason", r, LONG_TEXT)).transpose()?;
        // Lifting an exclusion is a clinician's decision, with a reason; acute risk is never lifted.
        if !decision.lifted_exclusions.is_empty() {
            self.authorize(actor, Operation::OverrideDecision, Some(encounter.to_string()), None)?;
        }
        let mut lifted = Vec::with_capacity(decision.lifted_exclusions.len());
        for lift in &decision.lifted_exclusions {
            if !lift.is_valid() {
                return Err(StoreError::Invalid {
                    field: "lifted exclusion",
                    reason: "a lifted exclusion needs a reason, and acute risk cannot be lifted".into(),
                });
            }
            lifted.push(crate::triage::matching::LiftedExclusion {
                resource: clean_text("lifted exclusion", &lift.resource, LABEL_TEXT)?,
                criterion: lift.criterion,
                reason: clean_text("lifted exclusion reason", lift.reason.trim(), REASON_TEXT)?,
            });
        }
        self.save_child(actor, Operation::RecordDecision, Kind::Decision, encounter, |id| Decision {
            schema_version: 1,
            id,
            encounter_id: *encounter,
            suggested_level: decision.suggested_level.clone(),
            rules_fired: decision.rules_fired.clone(),
            final_level: decision.final_level.clone(),
            override_reason: reason,
            decided_ms: now_ms(),
            decided_by: actor.user().to_string(),
            lifted_exclusions: lifted,
        })
    }

    fn record_crisis_action(
        &self,
        actor: &Actor,
        encounter: &RecordId,
        crisis: &NewCrisisAction,
    ) -> Result<CrisisAction> {
        let action = clean_text("crisis action", &crisis.action, SHORT_TEXT)?;
        // Waiving a follow-up is a clinician's decision, checked like every other operation.
        if action == CRISIS_FOLLOW_UP_WAIVED {
            self.authorize(actor, Operation::WaiveFollowUp, Some(encounter.to_string()), None)?;
        }
        let note = crisis
            .note
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .map(|n| clean_text("note", n, LONG_TEXT))
            .transpose()?;
        // Nothing undoes a risk signal without a recorded reason.
        if note.is_none() && (action == CRISIS_ANSWER_CHANGED || action == CRISIS_FOLLOW_UP_WAIVED) {
            return Err(StoreError::Invalid { field: "note", reason: format!("a reason is required for {action}") });
        }
        let flags = crisis.flags.iter().map(|f| clean_text("flag", f, LABEL_TEXT)).collect::<Result<Vec<String>>>()?;
        self.save_child(actor, Operation::RecordCrisisAction, Kind::CrisisAction, encounter, |id| CrisisAction {
            schema_version: 1,
            id,
            encounter_id: *encounter,
            flags,
            action,
            note,
            recorded_ms: now_ms(),
            recorded_by: actor.user().to_string(),
        })
    }

    fn open_encounters(&self, actor: &Actor) -> Result<Vec<OpenEncounter>> {
        self.authorize(actor, Operation::ReadEncounter, None, None)?;
        self.authorize(actor, Operation::ListClients, None, None)?;
        let key = self.key()?;
        // Flagged encounters are the ones with a crisis record (written the moment a flag fires,
        // and by a kiosk claim): their ids are the keys' prefix, no decryption.
        let mut flagged = std::collections::HashSet::new();
        for item in self.tree(T::Kind(Kind::CrisisAction)).iter().keys() {
            let k = item.map_err(|e| self.sled_err(e))?;
            if let Some(id) = k.get(..16).and_then(RecordId::from_slice) {
                flagged.insert(id);
            }
        }
        // Every flagged one, then the most recent: a queue is for work in hand, not an archive.
        // Chosen from the index, so only the listed encounters are decrypted; the tier of a
        // flagged one (critical or urgent) comes from its own few crisis records.
        let mut chosen: Vec<(Tier, i64, RecordId)> = Vec::new();
        for (id, updated) in self.open_encounter_ids(&key)? {
            let tier = if flagged.contains(&id) { self.risk_tier(&key, &id)? } else { Tier::None };
            chosen.push((tier, updated, id));
        }
        chosen.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
        let keep = chosen.iter().filter(|(t, _, _)| *t != Tier::None).count().max(OPEN_QUEUE_LIMIT);
        chosen.truncate(keep);
        // Already in queue order: the index holds the same `updated_ms` as the records.
        let tree = T::Kind(Kind::Encounter);
        let mut open = Vec::with_capacity(chosen.len());
        for (tier, _, id) in chosen {
            // A damaged encounter is skipped here; opening it reports the damage by id.
            let Ok(Some(encounter)) = self.get_sealed::<Encounter>(&key, tree, id.as_bytes()) else { continue };
            if !open_index::is_open(encounter.status) {
                continue;
            }
            let client_name = self
                .get_sealed::<Client>(&key, T::Kind(Kind::Client), encounter.client_id.as_bytes())
                .ok()
                .flatten()
                .map_or_else(|| format!("client {}", encounter.client_id), |c| c.name);
            let (critical, urgent) = (tier == Tier::Critical, tier == Tier::Urgent);
            open.push(OpenEncounter { encounter, client_name, critical, urgent });
        }
        // Audited once the queue is known, naming every client it shows; nothing is returned
        // unless the entry is written.
        let shown = distinct(open.iter().map(|o| o.encounter.client_id));
        self.commit_showing(actor, "encounter.list_open", None, None, shown, None, Outcome::Allowed, Vec::new())?;
        Ok(open)
    }

    fn save_referral(&self, actor: &Actor, encounter: &RecordId, referral: &NewReferral) -> Result<Referral> {
        let notes = referral.notes.as_deref().map(|n| clean_text("notes", n, LONG_TEXT)).transpose()?;
        self.save_child(actor, Operation::RecordReferral, Kind::Referral, encounter, |id| Referral {
            schema_version: 1,
            id,
            encounter_id: *encounter,
            resources: referral.resources.clone(),
            notes,
            recorded_ms: now_ms(),
            recorded_by: actor.user().to_string(),
        })
    }

    fn client_history(&self, actor: &Actor, client_id: &RecordId) -> Result<ClientHistory> {
        self.authorize(actor, Operation::ReadClient, Some(client_id.to_string()), Some(*client_id))?;
        self.authorize(actor, Operation::ReadEncounter, Some(client_id.to_string()), Some(*client_id))?;
        let key = self.key()?;
        self.commit(
            actor,
            "client.history",
            Some(client_id.to_string()),
            Some(*client_id),
            Outcome::Allowed,
            Vec::new(),
        )?;
        let client: Client = self
            .get_sealed(&key, T::Kind(Kind::Client), client_id.as_bytes())?
            .ok_or(StoreError::NotFound { kind: "client", id: client_id.to_string() })?;
        let mut encounters = Vec::new();
        let mut damaged = Vec::new();
        for item in self.tree(T::ClientEncounters).scan_prefix(client_id.as_bytes()) {
            let (k, _) = item.map_err(|e| self.sled_err(e))?;
            let Some(encounter_id) = RecordId::from_slice(&k[16..]) else {
                damaged.push(format!("client_encounters {}", hex::encode(&k)));
                continue;
            };
            match self.load_encounter(&key, &encounter_id) {
                Ok(encounter) => encounters.push(self.detail(&key, encounter)?),
                Err(StoreError::Damaged { kind, id }) | Err(StoreError::NewerSchema { kind, id, .. }) => {
                    damaged.push(format!("{kind} {id}"))
                }
                Err(other) => return Err(other),
            }
        }
        encounters.sort_by_key(|e| e.encounter.created_ms);
        Ok(ClientHistory { client, encounters, damaged })
    }

    fn submission_public_key(&self, actor: &Actor) -> Result<[u8; 32]> {
        let org = self.organisation(actor)?;
        hex::decode(&org.submission_public_key)
            .ok()
            .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok())
            .ok_or(StoreError::Damaged { kind: "organisation", id: "org".into() })
    }

    fn submit_sealed(&self, actor: &Actor, id: &RecordId, sealed: &[u8]) -> Result<()> {
        self.authorize(actor, Operation::SubmitSealed, Some(id.to_string()), None)?;
        if sealed.len() > 4 * 1024 * 1024 {
            return Err(StoreError::Invalid { field: "submission", reason: "larger than 4 MiB".into() });
        }
        let tree = T::Kind(Kind::Submission);
        if self.tree(tree).contains_key(id.as_bytes()).map_err(|e| self.sled_err(e))? {
            return Err(StoreError::Refused {
                what: "accept the submission",
                reason: format!("submission {id} already exists"),
            });
        }
        let stored = StoredSubmission {
            schema_version: 1,
            received_ms: now_ms(),
            sealed: hex::encode(sealed),
            critical: false,
            checkin: None,
            claimed: None,
            seq: 0,
            incomplete: false,
            urgent: false,
            updated_ms: 0,
        };
        let writes = vec![
            Write { tree, key: id.as_bytes().to_vec(), value: Self::plain_value(tree, id.as_bytes(), &stored) },
            Write { tree: T::Meta, key: META_REAL_DATA.to_vec(), value: Self::meta_value(META_REAL_DATA, &true) },
        ];
        self.commit(actor, "submission.create", Some(id.to_string()), None, Outcome::Allowed, writes)
    }

    fn list_submissions(&self, actor: &Actor) -> Result<Vec<(RecordId, i64)>> {
        self.authorize(actor, Operation::ReadSubmissions, None, None)?;
        self.commit(actor, "submission.list", None, None, Outcome::Allowed, Vec::new())?;
        let tree = T::Kind(Kind::Submission);
        let mut out = Vec::new();
        for item in self.tree(tree).iter() {
            let (k, v) = item.map_err(|e| self.sled_err(e))?;
            let id = RecordId::from_slice(&k).ok_or(StoreError::Damaged { kind: "submission", id: hex::encode(&k) })?;
            let received =
                Self::decode_plain::<StoredSubmission>(tree, &k, "record", &v).map(|s| s.received_ms).unwrap_or(-1);
            out.push((id, received));
        }
        out.sort_by_key(|(_, t)| *t);
        Ok(out)
    }

    fn open_submission(&self, actor: &Actor, id: &RecordId) -> Result<KioskSubmission> {
        self.authorize(actor, Operation::ReadSubmissions, Some(id.to_string()), None)?;
        let key = self.key()?;
        let tree = T::Kind(Kind::Submission);
        let stored: StoredSubmission = self
            .get_plain(tree, id.as_bytes(), "record")?
            .ok_or(StoreError::NotFound { kind: "submission", id: id.to_string() })?;
        self.commit(actor, "submission.read", Some(id.to_string()), None, Outcome::Allowed, Vec::new())?;
        let damaged = || StoreError::Damaged { kind: "submission", id: id.to_string() };
        let sealed = hex::decode(&stored.sealed).map_err(|_| damaged())?;
        let plain = self.org_keypair(&key)?.unseal(&sealed).map_err(|_| damaged())?;
        let submission: KioskSubmission = serde_json::from_slice(&plain).map_err(|_| damaged())?;
        if submission.id != *id {
            return Err(damaged());
        }
        Ok(submission)
    }

    fn audit_list(&self, actor: &Actor, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        self.audit_listing(actor, filter).map(|(entries, _)| entries)
    }

    fn audit_verify(&self, actor: &Actor, expect_head: Option<&str>) -> Result<VerifyReport> {
        self.authorize(actor, Operation::VerifyAudit, None, None)?;
        // Verify what is there before adding this call's own entry.
        let report = {
            let head = self.lock_head().clone();
            let tree = T::Kind(Kind::Audit);
            let mut entries = Vec::new();
            for item in self.tree(tree).iter() {
                let (k, v) = item.map_err(|e| self.sled_err(e))?;
                let seq = <[u8; 8]>::try_from(k.as_ref()).map(u64::from_be_bytes).unwrap_or(u64::MAX);
                entries.push((seq, Self::decode_plain::<AuditEntry>(tree, &k, "record", &v).ok()));
            }
            let chain_key = ChainKey::of(&self.key()?);
            audit::verify(entries, &head, expect_head, &chain_key)
        };
        let outcome = if report.first_bad.is_none() { Outcome::Allowed } else { Outcome::Failed };
        self.commit(actor, "audit.verify", None, None, outcome, Vec::new())?;
        Ok(report)
    }

    fn seed_synthetic(&self, actor: &Actor, encounters: usize) -> Result<SeedSummary> {
        self.authorize(actor, Operation::SeedSynthetic, None, None)?;
        let key = self.key()?;
        if self.tree(T::Meta).contains_key(META_REAL_DATA).map_err(|e| self.sled_err(e))? {
            return Err(StoreError::Refused {
                what: "seed synthetic data",
                reason: "this store holds real client data; seed an empty or synthetic-only data directory".into(),
            });
        }
        let summary = super::seed::generate(self, &key, actor, encounters)?;
        self.commit(
            actor,
            "dev.seed",
            Some(format!("{} encounters", summary.encounters)),
            None,
            Outcome::Allowed,
            Vec::new(),
        )?;
        Ok(summary)
    }

    fn flush(&self) -> Result<()> {
        self.db.flush().map(|_| ()).map_err(|e| self.sled_err(e))
    }
}

/// The ids in their first order, each once.
fn distinct(ids: impl Iterator<Item = RecordId>) -> Vec<RecordId> {
    let mut seen = std::collections::HashSet::new();
    ids.filter(|id| seen.insert(*id)).collect()
}

/// Helpers for the synthetic seeder (same module family, so it can prepare raw writes).
pub(crate) struct SeedWriter<'a> {
    store: &'a SledStore,
    key: &'a DataKey,
    writes: Vec<Write>,
}

impl<'a> SeedWriter<'a> {
    pub(crate) fn new(store: &'a SledStore, key: &'a DataKey) -> Self {
        SeedWriter { store, key, writes: Vec::new() }
    }

    pub(crate) fn client(&mut self, client: &Client) {
        let tree = T::Kind(Kind::Client);
        self.writes.push(Write {
            tree,
            key: client.id.as_bytes().to_vec(),
            value: self.store.seal_record(self.key, tree, client.id.as_bytes(), client),
        });
    }

    pub(crate) fn encounter(&mut self, encounter: &Encounter) {
        let tree = T::Kind(Kind::Encounter);
        self.writes.push(Write {
            tree,
            key: encounter.id.as_bytes().to_vec(),
            value: self.store.seal_record(self.key, tree, encounter.id.as_bytes(), encounter),
        });
        let mut index = encounter.client_id.as_bytes().to_vec();
        index.extend_from_slice(encounter.id.as_bytes());
        self.writes.push(Write { tree: T::ClientEncounters, key: index, value: Vec::new() });
        self.writes.push(SledStore::open_index_write(encounter));
    }

    pub(crate) fn child<R: Serialize>(&mut self, kind: Kind, encounter: &RecordId, seq: u64, record: &R) {
        let tree = T::Kind(kind);
        let mut key = encounter.as_bytes().to_vec();
        key.extend_from_slice(&seq.to_be_bytes());
        let value = self.store.seal_record(self.key, tree, &key, record);
        self.writes.push(Write { tree, key, value });
    }

    pub(crate) fn pending(&self) -> usize {
        self.writes.len()
    }

    pub(crate) fn write_out(&mut self) -> Result<()> {
        let writes = std::mem::take(&mut self.writes);
        self.store.seed_batch(writes)
    }

    pub(crate) fn next_seq(&self) -> Result<u64> {
        self.store.db.generate_id().map_err(|e| self.store.sled_err(e))
    }
}
