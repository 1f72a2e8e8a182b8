//! Commit: every change with its hash-chained audit entry, then `flush()`, before the call
//! returns (one sled transaction for several records, key by key in a crash-safe order for one:
//! `write_in_order`), the recovery on open of a commit cut short, and the policy check whose
//! refusal is itself audited.

use super::*;

impl SledStore {
    /// Writes `writes` and one audit entry, then flushes. Returns only when both are durable.
    /// Several records go in one sled transaction; one record goes key by key
    /// (`write_in_order`), which a crash cannot leave half-done without `open` completing it.
    pub(super) fn commit(
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
    pub(super) fn commit_showing(
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
            // Each encounter's report summary changes with its records, in the same commit,
            // and so does its version (`versions`).
            let summaries = self.summary_writes(&writes)?;
            let versions = self.version_writes(&writes)?;
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
                // The version goes in right after the audit entry: a record is never there
                // without the raised version, so a crash can only make a version look newer.
                writes.insert(0, audit_entry);
                for (offset, version) in versions.into_iter().enumerate() {
                    writes.insert(1 + offset, version);
                }
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
                writes.extend(versions);
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
    pub(super) fn write_in_order(&self, writes: &[Write]) -> std::result::Result<(), (bool, StoreError)> {
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
    pub(super) fn recover_interrupted_commit(&self, stored: AuditHead) -> Result<AuditHead> {
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

    pub(super) fn apply(&self, writes: &[Write]) -> Result<()> {
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
    pub(super) fn authorize(
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
        Err(StoreError::Denied { role: actor.role(), operation })
    }

    pub(crate) fn authorize_pub(&self, actor: &Actor, operation: Operation, record: Option<String>) -> Result<()> {
        self.authorize(actor, operation, record, None)
    }

    pub(crate) fn record_audit(&self, actor: &Actor, action: &str, record: Option<String>) -> Result<()> {
        self.commit(actor, action, record, None, Outcome::Allowed, Vec::new())
    }

    /// Audits an owner event (start, stop, restore) as `system` or the given actor.
    pub fn record_event(&self, actor: &Actor, action: &str) -> Result<()> {
        if !self.is_initialised()? {
            return Ok(());
        }
        self.commit(actor, action, None, None, Outcome::Allowed, Vec::new())
    }
}
