//! The audit witness: the last committed audit position and head hash, kept outside sled's log.
//!
//! sled recovers only a prefix of its log. One damaged byte in an old part of the log, or a
//! file cut short, makes it recover less than was committed, and the audit head (which lives in
//! the same log) recedes with it, so the store alone cannot tell that anything is missing. The
//! witness is a small file beside the database, `audit-witness`, written after every commit has
//! been flushed, so it never claims more than was committed (it may claim less: it is not
//! synced on each commit, and a write cut short by a crash damages one of its two slots only).
//! `SledStore::open` compares it with what the log holds: fewer entries than witnessed, or a
//! different entry at the witnessed position, and the store is not opened.
//!
//! Layout: two fixed slots of [`SLOT_LEN`] bytes; a head of `count` entries goes to slot
//! `count % 2`, so the slot not being written always holds an earlier head. Each slot is one
//! text line, `triage-audit-witness-v1 COUNT HASH CHECK`, where CHECK is the first 16 hex digits
//! of SHA-256 over the rest (it tells a torn slot from a whole one; it is not a secret).

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read};
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use crate::store::audit::AuditHead;
use crate::store::error::{Result, StoreError};

/// The witness's file name in the data directory.
pub(crate) const WITNESS_FILE: &str = "audit-witness";
const SLOT_LEN: usize = 160;
const MAGIC: &str = "triage-audit-witness-v1";

/// What the witness file says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Witnessed {
    /// No witness file.
    Absent,
    /// The file exists but neither slot reads as a whole head.
    Unreadable,
    /// The last head written.
    At(AuditHead),
}

fn check_of(count: u64, hash: &str) -> String {
    let digest = Sha256::digest(format!("{MAGIC} {count} {hash}").as_bytes());
    hex::encode(&digest[..8])
}

fn encode_slot(head: &AuditHead) -> [u8; SLOT_LEN] {
    let line = format!("{MAGIC} {} {} {}", head.count, head.hash, check_of(head.count, &head.hash));
    let mut slot = [b' '; SLOT_LEN];
    let bytes = line.as_bytes();
    let length = bytes.len().min(SLOT_LEN - 1);
    slot[..length].copy_from_slice(&bytes[..length]);
    slot[SLOT_LEN - 1] = b'\n';
    slot
}

fn decode_slot(slot: &[u8]) -> Option<AuditHead> {
    let text = std::str::from_utf8(slot).ok()?;
    let mut words = text.split_whitespace();
    if words.next()? != MAGIC {
        return None;
    }
    let count: u64 = words.next()?.parse().ok()?;
    let hash = words.next()?.to_string();
    let check = words.next()?;
    (words.next().is_none() && check == check_of(count, &hash)).then_some(AuditHead { count, hash })
}

/// Reads the witness in `dir`.
pub(crate) fn read(dir: &Path) -> Result<Witnessed> {
    let path = dir.join(WITNESS_FILE);
    let mut file = match File::open(&path) {
        Ok(file) => file,
        Err(error) if error.kind() == ErrorKind::NotFound => return Ok(Witnessed::Absent),
        Err(error) => return Err(StoreError::from_io("read the audit witness", &path, error)),
    };
    let mut bytes = Vec::with_capacity(2 * SLOT_LEN);
    file.by_ref()
        .take(2 * SLOT_LEN as u64)
        .read_to_end(&mut bytes)
        .map_err(|e| StoreError::from_io("read the audit witness", &path, e))?;
    let heads = bytes.chunks(SLOT_LEN).filter(|slot| slot.len() == SLOT_LEN).filter_map(decode_slot);
    Ok(heads.max_by_key(|head| head.count).map_or(Witnessed::Unreadable, Witnessed::At))
}

/// The open witness file and the last head written to it.
#[derive(Debug)]
pub(crate) struct Witness {
    path: PathBuf,
    state: Mutex<Option<(File, u64)>>,
}

impl Witness {
    /// A witness not yet opened (see [`Witness::start`]).
    pub(crate) fn new(dir: &Path) -> Witness {
        Witness { path: dir.join(WITNESS_FILE), state: Mutex::new(None) }
    }

    /// Opens (creating if needed, mode 0600) the witness file and writes `head` to both
    /// slots, synced, so that from here on it witnesses every commit.
    pub(crate) fn start(&self, head: &AuditHead) -> Result<()> {
        let io = |e| StoreError::from_io("write the audit witness", &self.path, e);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&self.path)
            .map_err(io)?;
        let slot = encode_slot(head);
        file.write_all_at(&slot, 0).map_err(io)?;
        file.write_all_at(&slot, SLOT_LEN as u64).map_err(io)?;
        file.sync_all().map_err(io)?;
        if let Some(parent) = self.path.parent() {
            File::open(parent).and_then(|d| d.sync_all()).map_err(io)?;
        }
        *self.state.lock().unwrap_or_else(|p| p.into_inner()) = Some((file, head.count));
        Ok(())
    }

    /// Records `head` after its commit was flushed. Heads arrive in commit order but may race
    /// one another here, so an older one never replaces a newer one. A failed write leaves
    /// the witness behind the log, which is safe (it claims less); it is reported on stderr.
    pub(crate) fn record(&self, head: &AuditHead) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let Some((file, last)) = state.as_mut() else { return };
        if head.count <= *last {
            return;
        }
        let offset = (head.count % 2) * SLOT_LEN as u64;
        match file.write_all_at(&encode_slot(head), offset) {
            Ok(()) => *last = head.count,
            Err(error) => eprintln!(
                "triage: could not update the audit witness {} ({error}); the store is unaffected, but damage to the database log may go unnoticed until it is written again",
                self.path.display()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(count: u64) -> AuditHead {
        AuditHead { count, hash: format!("{count:064x}") }
    }

    #[test]
    fn the_newest_whole_slot_is_read_and_a_torn_one_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(dir.path()).unwrap(), Witnessed::Absent);
        let witness = Witness::new(dir.path());
        witness.start(&head(4)).unwrap();
        assert_eq!(read(dir.path()).unwrap(), Witnessed::At(head(4)));
        witness.record(&head(5));
        witness.record(&head(6));
        // An older head arriving late does not replace a newer one.
        witness.record(&head(5));
        assert_eq!(read(dir.path()).unwrap(), Witnessed::At(head(6)));
        // Tear slot 0 (head 6): the other slot's earlier head is read.
        let file = OpenOptions::new().write(true).open(dir.path().join(WITNESS_FILE)).unwrap();
        file.write_all_at(b"triage-audit-witness-v1 6 zz", 0).unwrap();
        assert_eq!(read(dir.path()).unwrap(), Witnessed::At(head(5)));
        file.write_all_at(b"garbage", SLOT_LEN as u64).unwrap();
        assert_eq!(read(dir.path()).unwrap(), Witnessed::Unreadable);
    }

    #[test]
    fn a_forged_count_without_its_check_is_not_read() {
        let mut slot = encode_slot(&head(7));
        slot[MAGIC.len() + 1] = b'9';
        assert_eq!(decode_slot(&slot), None);
        assert_eq!(decode_slot(&encode_slot(&head(7))), Some(head(7)));
    }
}
