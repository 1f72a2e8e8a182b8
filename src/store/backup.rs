//! Logical, encrypted, checksummed backups (`triage backup create|verify|restore`).
//!
//! File layout (all lines end with `\n`):
//! 1. `TRIAGE-BACKUP v1`
//! 2. the header as one JSON line: creation time, entry count, audit head, and the keyslots
//!    (wrapped data keys only: no secret) so a restore can be unlocked by a staff password or
//!    the recovery key;
//! 3. the SHA-256 (hex) of line 2 and the body together;
//! 4. the body: every (tree, key, value) of the store, as JSON, encrypted with a key derived
//!    from the data key (XChaCha20-Poly1305, line 2 bound as associated data).
//!
//! Stored values stay in their own envelopes inside the body, so the body adds a second layer
//! of encryption rather than exposing anything. The file is written to a temporary name in the
//! same directory, fsynced, then renamed, so a half-written backup never carries the real name.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::audit::{self, AuditEntry, AuditHead, VerifyReport};
use super::crypto::{self, DataKey, Keyslot, RecoveryKey};
use super::error::{Result, StoreError};
use super::records::Kind;
use super::sled_store::{SledStore, T, WitnessCheck, aad};
use super::{Store, now_ms};
use crate::auth::{Actor, Operation};

const MAGIC_LINE: &[u8] = b"TRIAGE-BACKUP v1\n";
const BODY_LABEL: &str = "backup body v1";

/// Backup header (no secrets, no personal health information).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Header {
    pub created_ms: i64,
    pub entries: usize,
    pub audit_head: AuditHead,
    pub keyslots: Vec<(String, Keyslot)>,
    pub recovery_slot: Option<Keyslot>,
}

/// What create, verify and restore report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupReport {
    pub path: PathBuf,
    pub created_ms: i64,
    pub entries: usize,
    /// Encrypted records that opened with the data key.
    pub records_checked: usize,
    pub damaged: Vec<String>,
    pub audit: VerifyReport,
    pub sha256: String,
}

/// How to unlock a backup.
pub enum Unlock<'a> {
    Password { user: &'a str, password: &'a SecretString },
    Recovery(&'a RecoveryKey),
}

fn bad(path: &Path, reason: impl Into<String>) -> StoreError {
    StoreError::BadBackup { path: path.to_path_buf(), reason: reason.into() }
}

type Entries = Vec<(String, String, String)>;

/// Writes a backup of `store` to `path` (the caller is the owner). Audited.
pub fn create(store: &SledStore, actor: &Actor, path: &Path) -> Result<BackupReport> {
    store.authorize_pub(actor, Operation::CreateBackup, Some(path.display().to_string()))?;
    let key = store.current_key()?;
    let (entries, head) = store.snapshot()?;
    let (keyslots, recovery_slot) = store.keyslots()?;
    let header = Header { created_ms: now_ms(), entries: entries.len(), audit_head: head, keyslots, recovery_slot };
    let header_line = serde_json::to_vec(&header).map_err(|e| bad(path, e.to_string()))?;
    let body_plain: Entries = entries.iter().map(|(t, k, v)| (t.clone(), hex::encode(k), hex::encode(v))).collect();
    let body_plain = zeroize::Zeroizing::new(serde_json::to_vec(&body_plain).map_err(|e| bad(path, e.to_string()))?);
    let body = key.derive(BODY_LABEL).seal(&header_line, &body_plain);
    let mut hasher = Sha256::new();
    hasher.update(&header_line);
    hasher.update(&body);
    let sha = hex::encode(hasher.finalize());

    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    refuse_unsafe_target(store, &dir, path)?;
    let tmp = dir.join(format!(".triage-backup-{}.partial", hex::encode(crypto::random_bytes::<8>())));
    let write = || -> std::io::Result<()> {
        use std::os::unix::fs::OpenOptionsExt;
        // Readable by the owner's account only, like the store itself.
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&tmp)?;
        file.write_all(MAGIC_LINE)?;
        file.write_all(&header_line)?;
        file.write_all(b"\n")?;
        file.write_all(sha.as_bytes())?;
        file.write_all(b"\n")?;
        file.write_all(&body)?;
        file.sync_all()?;
        // A hard link, not a rename: it fails if the name exists, so nothing is ever replaced
        // (a rename would silently replace any file, the live database included).
        std::fs::hard_link(&tmp, path)?;
        std::fs::remove_file(&tmp)?;
        std::fs::File::open(&dir)?.sync_all()
    };
    if let Err(error) = write() {
        let _ = std::fs::remove_file(&tmp);
        if error.kind() == std::io::ErrorKind::AlreadyExists {
            return Err(exists(path));
        }
        return Err(StoreError::from_io("write the backup", path, error));
    }
    store.record_audit(actor, "backup.create", Some(sha.clone()))?;
    let records_checked = entries.iter().filter(|(_, _, v)| v.get(2) == Some(&1)).count();
    Ok(BackupReport {
        path: path.to_path_buf(),
        created_ms: header.created_ms,
        entries: entries.len(),
        records_checked,
        damaged: Vec::new(),
        audit: VerifyReport {
            entries_checked: header.audit_head.count,
            head_hash: header.audit_head.hash,
            first_bad: None,
            keyed_from: None,
        },
        sha256: sha,
    })
}

struct Opened {
    header: Header,
    entries: Vec<(String, Vec<u8>, Vec<u8>)>,
    key: DataKey,
    sha: String,
}

fn open(path: &Path, unlock: &Unlock<'_>) -> Result<Opened> {
    let bytes = std::fs::read(path).map_err(|e| StoreError::from_io("read the backup", path, e))?;
    let rest =
        bytes.strip_prefix(MAGIC_LINE).ok_or_else(|| bad(path, "it is not a triage backup (wrong first line)"))?;
    let newline = rest.iter().position(|b| *b == b'\n').ok_or_else(|| bad(path, "the header is cut short"))?;
    let (header_line, rest) = (&rest[..newline], &rest[newline + 1..]);
    if rest.len() < 65 || rest[64] != b'\n' {
        return Err(bad(path, "the checksum line is missing"));
    }
    let (sha_line, body) = (&rest[..64], &rest[65..]);
    let mut hasher = Sha256::new();
    hasher.update(header_line);
    hasher.update(body);
    let sha = hex::encode(hasher.finalize());
    if sha.as_bytes() != sha_line {
        return Err(bad(path, "the checksum does not match: the file was changed or damaged"));
    }
    let header: Header = serde_json::from_slice(header_line).map_err(|_| bad(path, "the header is damaged"))?;
    let key = match unlock {
        Unlock::Password { user, password } => {
            let slot =
                header.keyslots.iter().find(|(u, _)| u == user).map(|(_, s)| s).ok_or(StoreError::BadCredentials)?;
            slot.open(password.expose_secret().as_bytes()).map_err(|_| StoreError::BadCredentials)?
        }
        Unlock::Recovery(recovery) => header
            .recovery_slot
            .as_ref()
            .ok_or_else(|| bad(path, "it has no recovery keyslot"))?
            .open(recovery.as_bytes())
            .map_err(|_| StoreError::BadCredentials)?,
    };
    let plain = key
        .derive(BODY_LABEL)
        .open(header_line, body)
        .map_err(|_| bad(path, "the body does not decrypt with this store's key"))?;
    let raw: Entries = serde_json::from_slice(&plain).map_err(|_| bad(path, "the body is damaged"))?;
    let mut entries = Vec::with_capacity(raw.len());
    for (tree, k, v) in raw {
        let k = hex::decode(&k).map_err(|_| bad(path, "an entry key is damaged"))?;
        let v = hex::decode(&v).map_err(|_| bad(path, "an entry value is damaged"))?;
        entries.push((tree, k, v));
    }
    if entries.len() != header.entries {
        return Err(bad(path, format!("it holds {} entries but its header says {}", entries.len(), header.entries)));
    }
    Ok(Opened { header, entries, key, sha })
}

fn check(path: &Path, opened: &Opened) -> BackupReport {
    let mut damaged = Vec::new();
    let mut checked = 0;
    let mut audit_entries = Vec::new();
    for (tree_name, k, v) in &opened.entries {
        let Some(tree) = T::ALL.iter().copied().find(|t| t.name() == tree_name) else {
            damaged.push(format!("unknown tree {}", crate::sanitize::terminal_text(tree_name, false)));
            continue;
        };
        match (tree, v.get(2)) {
            (T::Kind(Kind::Audit), _) => {
                let entry = crypto::open_checksummed(&aad(tree, k, "record"), v)
                    .ok()
                    .and_then(|p| serde_json::from_slice::<AuditEntry>(p).ok());
                let seq = <[u8; 8]>::try_from(k.as_slice()).map(u64::from_be_bytes).unwrap_or(u64::MAX);
                audit_entries.push((seq, entry));
            }
            (T::Meta, _)
                if k.as_slice() == b"org_secret" && opened.key.open(&aad(tree, k, "org_secret"), v).is_err() =>
            {
                damaged.push("meta org_secret".into());
            }
            (T::Kind(_), Some(1)) => {
                checked += 1;
                if opened.key.open(&aad(tree, k, "record"), v).is_err() {
                    damaged.push(format!("{} {}", tree.name(), hex::encode(k)));
                }
            }
            (T::Kind(_), _) if crypto::open_checksummed(&aad(tree, k, "record"), v).is_err() => {
                damaged.push(format!("{} {}", tree.name(), hex::encode(k)));
            }
            _ => {}
        }
    }
    audit_entries.sort_by_key(|(seq, _)| *seq);
    let audit = audit::verify(audit_entries, &opened.header.audit_head, None, &crypto::ChainKey::of(&opened.key));
    BackupReport {
        path: path.to_path_buf(),
        created_ms: opened.header.created_ms,
        entries: opened.entries.len(),
        records_checked: checked,
        damaged,
        audit,
        sha256: opened.sha.clone(),
    }
}

/// Checks a backup: checksum, decryption, every record, the audit chain.
pub fn verify(path: &Path, unlock: &Unlock<'_>) -> Result<BackupReport> {
    let opened = open(path, unlock)?;
    Ok(check(path, &opened))
}

/// Restores a backup into `dir`, which must hold no store. The caller holds the directory's
/// owner lock. Refuses a backup whose records or audit chain do not check.
pub fn restore(path: &Path, dir: &Path, unlock: &Unlock<'_>, origin: &str) -> Result<BackupReport> {
    let opened = open(path, unlock)?;
    let report = check(path, &opened);
    if !report.damaged.is_empty() || report.audit.first_bad.is_some() {
        return Err(bad(
            path,
            format!(
                "{} damaged record(s) or a broken audit chain; run `triage backup verify` for details",
                report.damaged.len()
            ),
        ));
    }
    // A witness left beside a lost database is replaced by the restored log's.
    let (store, _) = SledStore::open_checking(dir, WitnessCheck::Replace)?;
    if store.status()?.initialised {
        return Err(StoreError::AlreadyInitialised { path: dir.to_path_buf() });
    }
    store.import(&opened.entries)?;
    let user = match unlock {
        Unlock::Password { user, .. } => (*user).to_string(),
        Unlock::Recovery(_) => "system".to_string(),
    };
    let actor = if user == "system" {
        // Unlocked with the recovery key: the store holds the backup's key, so its audit
        // entries are keyed like any other.
        store.unlock_with(opened.key.clone());
        Actor::system(origin)
    } else {
        store.login_with_key(opened.key.clone(), &user, origin)?
    };
    store.record_event(&actor, "backup.restore")?;
    store.flush()?;
    Ok(report)
}

fn exists(path: &Path) -> StoreError {
    StoreError::Refused {
        what: "write the backup",
        reason: format!("{} already exists; a backup never replaces a file: choose a new name", path.display()),
    }
}

/// A backup is written to a new file outside the data directory: an existing file (the live
/// database included) is never replaced, and nothing is written inside the store's own files.
fn refuse_unsafe_target(store: &SledStore, dir: &Path, path: &Path) -> Result<()> {
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(exists(path));
    }
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    if canonical(dir).starts_with(canonical(store.dir())) {
        return Err(StoreError::Refused {
            what: "write the backup",
            reason: format!(
                "{} is inside the data directory {}; write backups somewhere else",
                path.display(),
                store.dir().display()
            ),
        });
    }
    Ok(())
}
