//! Synthetic data for development: the seeder's raw writes (`SeedWriter`), written in sled
//! batches without an audit entry each; one `dev.seed` entry covers the seed.

use super::*;

impl SledStore {
    /// Inserts synthetic data without auditing each record (one audit entry covers the seed).
    pub(super) fn seed_batch(&self, writes: Vec<Write>) -> Result<()> {
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
}

pub(super) fn seed_synthetic(store: &SledStore, actor: &Actor, encounters: usize) -> Result<SeedSummary> {
    store.authorize(actor, Operation::SeedSynthetic, None, None)?;
    let key = store.key()?;
    if store.tree(T::Meta).contains_key(META_REAL_DATA).map_err(|e| store.sled_err(e))? {
        return Err(StoreError::Refused {
            what: "seed synthetic data",
            reason: "this store holds real client data; seed an empty or synthetic-only data directory".into(),
        });
    }
    let summary = crate::store::seed::generate(store, &key, actor, encounters)?;
    store.commit(
        actor,
        "dev.seed",
        Some(format!("{} encounters", summary.encounters)),
        None,
        Outcome::Allowed,
        Vec::new(),
    )?;
    Ok(summary)
}

/// Helpers for the synthetic seeder (same module family, so it can prepare raw writes).
pub(crate) struct SeedWriter<'a> {
    pub(super) store: &'a SledStore,
    pub(super) key: &'a DataKey,
    pub(super) writes: Vec<Write>,
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
