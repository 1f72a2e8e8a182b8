//! Reading the audit log on the sled store: a filtered listing (a damaged entry named, not hiding
//! the others; a sealed export reason opened when the key is held) and the chain's verification.

use super::*;

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

    /// An entry's sealed reason, opened: `None` without one; a note when it cannot be opened
    /// (the store locked, or the entry damaged), so a listing still says that one was given.
    pub(super) fn open_reason(key: Option<&DataKey>, entry_key: &[u8], sealed: Option<&str>) -> Option<String> {
        let sealed = sealed?;
        let opened = key.zip(hex::decode(sealed).ok()).and_then(|(key, bytes)| {
            let aad = aad(T::Kind(Kind::Audit), entry_key, "reason");
            key.open(&aad, &bytes).ok().and_then(|plain| String::from_utf8(plain.to_vec()).ok())
        });
        Some(opened.unwrap_or_else(|| "(sealed; cannot be opened)".into()))
    }
}

pub(super) fn audit_verify(store: &SledStore, actor: &Actor, expect_head: Option<&str>) -> Result<VerifyReport> {
    store.authorize(actor, Operation::VerifyAudit, None, None)?;
    // Verify what is there before adding this call's own entry.
    let report = {
        let head = store.lock_head().clone();
        let tree = T::Kind(Kind::Audit);
        let mut entries = Vec::new();
        for item in store.tree(tree).iter() {
            let (k, v) = item.map_err(|e| store.sled_err(e))?;
            let seq = <[u8; 8]>::try_from(k.as_ref()).map(u64::from_be_bytes).unwrap_or(u64::MAX);
            entries.push((seq, SledStore::decode_plain::<AuditEntry>(tree, &k, "record", &v).ok()));
        }
        let chain_key = ChainKey::of(&store.key()?);
        audit::verify(entries, &head, expect_head, &chain_key)
    };
    let outcome = if report.first_bad.is_none() { Outcome::Allowed } else { Outcome::Failed };
    store.commit(actor, "audit.verify", None, None, outcome, Vec::new())?;
    Ok(report)
}
