//! Opening the sled store: unfinished snapshots discarded, sled's lock waited for, a foreign
//! database refused, a commit cut short completed, and the audit witness compared with the log
//! (`witness`); the raw copy a backup takes and the restore that fills an empty store from one.

use super::*;

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
            encounter_writes: Mutex::new(()),
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
    pub(super) fn compare_witness(&self, head: &AuditHead, check: WitnessCheck) -> Result<Option<String>> {
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
}
