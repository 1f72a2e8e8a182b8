//! The index of open encounters behind the staff queue.
//!
//! Tree `open_encounters` holds one key per encounter (its id) whose value says whether the
//! encounter is open (not finished: in progress, submitted or reviewed), `1` or `0`, followed by the encounter's
//! `updated_ms` (8 bytes, big-endian). It is written with every encounter record (created,
//! status changed, imported, seeded), in the same commit, so the queue picks and orders its
//! entries without decrypting anything and decrypts only the ones it lists. An encounter's
//! status and time are not personal health information (the audit log holds such times in
//! plain too), and the value holds nothing else.
//! `meta/open_index_v2` marks a complete index; a store from before the index, or from before a
//! reviewed encounter counted as open (`meta/open_index`), builds it once, the first time the
//! queue is read.

use super::{Kind, SledStore, T, Write};
use crate::store::Store;
use crate::store::crypto::DataKey;
use crate::store::error::Result;
use crate::store::records::{
    CRISIS_FLAG_RAISED, CRISIS_URGENT_RAISED, CrisisAction, Encounter, EncounterStatus, RecordId,
};

const META_OPEN_INDEX: &[u8] = b"open_index_v2";

/// Whether an encounter belongs in the staff queue: until it is finished.
pub(super) fn is_open(status: EncounterStatus) -> bool {
    status != EncounterStatus::Closed
}

/// `1` or `0` (open or not), then `updated_ms`.
fn index_value(encounter: &Encounter) -> Vec<u8> {
    let mut value = Vec::with_capacity(9);
    value.push(u8::from(is_open(encounter.status)));
    value.extend_from_slice(&encounter.updated_ms.to_be_bytes());
    value
}

impl SledStore {
    /// The index entry for an encounter record being written.
    pub(super) fn open_index_write(encounter: &Encounter) -> Write {
        Write { tree: T::OpenEncounters, key: encounter.id.as_bytes().to_vec(), value: index_value(encounter) }
    }

    /// The marker written when the index covers every encounter.
    pub(super) fn open_index_marker() -> Write {
        Write { tree: T::Meta, key: META_OPEN_INDEX.to_vec(), value: Self::meta_value(META_OPEN_INDEX, &1u32) }
    }

    /// Builds the index from the encounter records unless the marker says it is complete. Writers
    /// wait for the build (once per store), so no status change slips between the scan and
    /// the marker. A damaged encounter is left out, as the queue always skipped it.
    pub(super) fn ensure_open_index(&self, key: &DataKey) -> Result<()> {
        let meta = self.tree(T::Meta);
        if meta.contains_key(META_OPEN_INDEX).map_err(|e| self.sled_err(e))? {
            return Ok(());
        }
        let _writers = self.lock_head();
        if meta.contains_key(META_OPEN_INDEX).map_err(|e| self.sled_err(e))? {
            return Ok(());
        }
        let tree = T::Kind(Kind::Encounter);
        let index = self.tree(T::OpenEncounters);
        let mut batch = sled::Batch::default();
        for item in self.tree(tree).iter() {
            let (k, v) = item.map_err(|e| self.sled_err(e))?;
            if let Ok(encounter) = self.open_record::<Encounter>(key, tree, &k, &v) {
                batch.insert(k, index_value(&encounter));
            }
        }
        index.apply_batch(batch).map_err(|e| self.sled_err(e))?;
        self.flush()?;
        let marker = Self::open_index_marker();
        meta.insert(marker.key, marker.value).map_err(|e| self.sled_err(e))?;
        self.flush()
    }

    /// The open encounters, with when each last changed, from the index.
    pub(super) fn open_encounter_ids(&self, key: &DataKey) -> Result<Vec<(RecordId, i64)>> {
        self.indexed_ids(key, 1)
    }

    /// The finished encounters, with when each last changed, from the index.
    pub(super) fn closed_encounter_ids(&self, key: &DataKey) -> Result<Vec<(RecordId, i64)>> {
        self.indexed_ids(key, 0)
    }

    fn indexed_ids(&self, key: &DataKey, open_flag: u8) -> Result<Vec<(RecordId, i64)>> {
        self.ensure_open_index(key)?;
        let mut open = Vec::new();
        for item in self.tree(T::OpenEncounters).iter() {
            let (k, v) = item.map_err(|e| self.sled_err(e))?;
            if let (Some(id), [flag, updated @ ..]) = (RecordId::from_slice(&k), v.as_ref())
                && *flag == open_flag
                && let Ok(updated) = <[u8; 8]>::try_from(updated)
            {
                open.push((id, i64::from_be_bytes(updated)));
            }
        }
        Ok(open)
    }
}

/// How a flagged encounter ranks in the staff queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Tier {
    None,
    Urgent,
    Critical,
}

impl SledStore {
    /// An encounter's tier from its crisis records: critical once a `flag_raised` record exists;
    /// urgent when only `urgent_raised` ones do. A record that cannot be read, or crisis records
    /// from before the urgent tier without either, rank critical: a doubt never lowers a flag.
    pub(super) fn risk_tier(&self, key: &DataKey, encounter: &RecordId) -> Result<Tier> {
        let tree = T::Kind(Kind::CrisisAction);
        let mut tier = Tier::None;
        for item in self.tree(tree).scan_prefix(encounter.as_bytes()) {
            let (k, v) = item.map_err(|e| self.sled_err(e))?;
            match self.open_record::<CrisisAction>(key, tree, &k, &v) {
                Ok(record) if record.action == CRISIS_URGENT_RAISED => tier = tier.max(Tier::Urgent),
                Ok(record) if record.action == CRISIS_FLAG_RAISED => return Ok(Tier::Critical),
                Ok(_) => {}
                Err(_) => return Ok(Tier::Critical),
            }
        }
        Ok(if tier == Tier::None { Tier::Critical } else { tier })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::EncounterOrigin;
    use crate::store::tests::{fresh, new_client};

    fn queue_ids(store: &SledStore, actor: &crate::auth::Actor) -> Vec<RecordId> {
        let mut ids: Vec<RecordId> =
            store.open_encounters(actor).unwrap().into_iter().map(|o| o.encounter.id).collect();
        ids.sort();
        ids
    }

    #[test]
    fn the_queue_lists_the_open_encounters_from_the_index_and_a_missing_index_is_built() {
        let (_dir, store, admin) = fresh();
        let account = crate::store::NewAccount {
            username: "ivy".into(),
            display_name: "Ivy".into(),
            role: crate::auth::Role::Intake,
        };
        store.add_account(&admin, &account, &crate::store::tests::pw("ivy password long enough")).unwrap();
        let ivy = store.login("ivy", &crate::store::tests::pw("ivy password long enough"), "test").unwrap();
        let client = store.create_client(&ivy, &new_client("Ada")).unwrap();
        let started: Vec<RecordId> =
            (0..4).map(|_| store.start_encounter(&ivy, &client, EncounterOrigin::Staff).unwrap().id).collect();
        store.set_encounter_status(&ivy, &started[1], EncounterStatus::Submitted).unwrap();
        store.set_encounter_status(&ivy, &started[2], EncounterStatus::Closed).unwrap();
        let mut open = vec![started[0], started[1], started[3]];
        open.sort();
        assert_eq!(queue_ids(&store, &ivy), open, "closed encounters leave the queue");
        let closed = store.tree(T::OpenEncounters).get(started[2].as_bytes()).unwrap().unwrap();
        assert_eq!(closed[0], 0, "the index marks it closed");

        // A store from before the index: no marker, no entries. The first queue read builds it.
        store.tree(T::Meta).remove(META_OPEN_INDEX).unwrap();
        store.tree(T::OpenEncounters).clear().unwrap();
        assert_eq!(queue_ids(&store, &ivy), open);
        assert!(store.tree(T::Meta).contains_key(META_OPEN_INDEX).unwrap());
        assert_eq!(store.tree(T::OpenEncounters).len(), 4, "every encounter has an entry");
    }
}
