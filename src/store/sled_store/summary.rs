//! Per-encounter report summaries (issue 7; the record is [`EncounterSummary`]).
//!
//! Tree `encounter_summary` holds one summary per encounter, keyed by the encounter id and
//! encrypted with the data key like every clinical record. `commit` calls
//! [`SledStore::summary_writes`] with the writer lock held, so every change to an encounter or
//! to one of its records rewrites the encounter's summary in the same commit. A summary
//! that is missing, unreadable or of another layout is built again from the encounter's records.
//! `meta/summaries` records the layout every encounter's summary was last built at; a store from
//! before summaries (or an older layout) is brought up to date by [`SledStore::ensure_summaries`]
//! in batches, the first time it is needed.

use super::bulk::Walk;
use super::*;
use crate::store::summary::{self, EncounterSummary, SUMMARY_VERSION, Saved};

/// Meta key: the summary layout every encounter's summary was built at.
pub(super) const META_SUMMARIES: &[u8] = b"summaries";
/// Encounters summarised per hold of the writer lock while rebuilding.
const REBUILD_BATCH: usize = 500;

/// The trees whose records a summary is made from (every key starts with the encounter id).
pub(super) fn summarised(tree: T) -> bool {
    matches!(
        tree,
        T::Kind(
            Kind::Encounter
                | Kind::Consent
                | Kind::Answer
                | Kind::Result
                | Kind::Decision
                | Kind::Referral
                | Kind::CrisisAction
        )
    )
}

impl SledStore {
    /// The marker written when every encounter has a summary of this build's layout.
    pub(super) fn summaries_marker() -> Write {
        Write { tree: T::Meta, key: META_SUMMARIES.to_vec(), value: Self::meta_value(META_SUMMARIES, &SUMMARY_VERSION) }
    }

    fn summary_write(&self, key: &DataKey, summary: &EncounterSummary) -> Write {
        let id = summary.id.as_bytes();
        let plain = zeroize::Zeroizing::new(summary::encode(summary));
        Write { tree: T::Summary, key: id.to_vec(), value: key.seal(&aad(T::Summary, id, "record"), &plain) }
    }

    /// A stored summary, if it opens, decodes, belongs to `id` and has this build's layout.
    pub(super) fn open_summary(key: &DataKey, id: &[u8], value: &[u8]) -> Option<EncounterSummary> {
        let plain = key.open(&aad(T::Summary, id, "record"), value).ok()?;
        summary::decode(id, &plain).map(|summary| summary.to_owned_summary())
    }

    /// Folds one prepared write into a summary.
    fn fold(&self, key: &DataKey, summary: &mut EncounterSummary, write: &Write) {
        let T::Kind(kind) = write.tree else { return };
        let (tree, k, v) = (write.tree, write.key.as_slice(), write.value.as_slice());
        let folded = match kind {
            Kind::Encounter => self.open_record(key, tree, k, v).map(|r| summary.apply(Saved::Encounter(&r))),
            Kind::Answer => self.open_record(key, tree, k, v).map(|r| summary.apply(Saved::Answer(&r))),
            Kind::Result => self.open_record(key, tree, k, v).map(|r| summary.apply(Saved::Result(&r))),
            Kind::Decision => self.open_record(key, tree, k, v).map(|r| summary.apply(Saved::Decision(&r))),
            Kind::Referral => self.open_record(key, tree, k, v).map(|r| summary.apply(Saved::Referral(&r))),
            Kind::CrisisAction => self.open_record(key, tree, k, v).map(|r| summary.apply(Saved::CrisisAction(&r))),
            _ => Ok(()),
        };
        if folded.is_err() {
            summary.damaged.push(format!("{} {}", tree.name(), key_label(k)));
        }
    }

    /// The summary writes that go with `writes` (called by `commit` with the writer lock held).
    pub(super) fn summary_writes(&self, writes: &[Write]) -> Result<Vec<Write>> {
        let touched: Vec<&Write> = writes.iter().filter(|w| summarised(w.tree) && w.key.len() >= 16).collect();
        if touched.is_empty() {
            return Ok(Vec::new());
        }
        let key = self.key()?;
        let mut encounters: Vec<&[u8]> = Vec::new();
        for write in &touched {
            let id = &write.key[..16];
            if !encounters.contains(&id) {
                encounters.push(id);
            }
        }
        let mut out = Vec::new();
        for id in encounters {
            let mine: Vec<&Write> = touched.iter().copied().filter(|w| w.key.starts_with(id)).collect();
            let stored = match self.tree(T::Summary).get(id).map_err(|e| self.sled_err(e))? {
                Some(value) => {
                    let recent = self.recent().summary(id, &value);
                    recent.or_else(|| Self::open_summary(&key, id, &value))
                }
                None => None,
            };
            let mut summary = match &stored {
                Some(summary) => summary.clone(),
                None => {
                    // Built from what is stored (these writes are not yet), with the encounter
                    // record being written if there is one.
                    let tree = T::Kind(Kind::Encounter);
                    let encounter = match mine.iter().rev().find(|w| w.tree == tree) {
                        Some(w) => self.open_record::<Encounter>(&key, tree, &w.key, &w.value).ok(),
                        None => self.get_sealed::<Encounter>(&key, tree, id).ok().flatten(),
                    };
                    // Records of an encounter that is not stored are not counted anywhere.
                    let Some(encounter) = encounter else { continue };
                    EncounterSummary::from_detail(&self.detail(&key, encounter)?)
                }
            };
            for write in mine {
                self.fold(&key, &mut summary, write);
            }
            if stored.as_ref() != Some(&summary) {
                let write = self.summary_write(&key, &summary);
                self.recent().keep_summary(&write.value, &summary);
                out.push(write);
            }
        }
        Ok(out)
    }

    /// Whether every encounter has a summary of this build's layout.
    fn summaries_current(&self) -> Result<bool> {
        Ok(self.get_plain::<u32>(T::Meta, META_SUMMARIES, "meta").ok().flatten() == Some(SUMMARY_VERSION))
    }

    /// Builds every encounter's summary from its records unless the marker says they are
    /// current (a store from before summaries, or restored from such a backup). Writers wait for
    /// one batch at a time, never for the whole rebuild; a change made between batches keeps
    /// its summary up to date through `commit`.
    pub(crate) fn ensure_summaries(&self, key: &DataKey) -> Result<()> {
        if self.summaries_current()? {
            return Ok(());
        }
        let mut after: Option<RecordId> = None;
        loop {
            let _writers = self.lock_head();
            let mut walk = Walk::new(self, key, &after);
            let mut writes = Vec::with_capacity(REBUILD_BATCH + 1);
            let mut taken = 0;
            let mut finished = true;
            while let Some((id, detail)) = walk.next_detail()? {
                after = Some(id);
                // A damaged encounter has no summary; reading it reports the damage by id.
                if let Ok(detail) = detail {
                    writes.push(self.summary_write(key, &EncounterSummary::from_detail(&detail)));
                }
                taken += 1;
                if taken == REBUILD_BATCH {
                    finished = false;
                    break;
                }
            }
            if finished {
                writes.push(Self::summaries_marker());
            }
            self.apply(&writes)?;
            if finished {
                break;
            }
        }
        self.flush()
    }
}

impl SeedWriter<'_> {
    /// The summary of a seeded encounter (seeding bypasses `commit`, so it writes its own).
    pub(crate) fn summary(&mut self, summary: &EncounterSummary) {
        let write = self.store.summary_write(self.key, summary);
        self.writes.push(write);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::NewAccount;
    use crate::store::test_support::SummaryRecorder;
    use crate::store::tests::{ADMIN_PW, fresh, pw};

    /// A store with an admin and a clinician.
    fn fresh_with_worker() -> (tempfile::TempDir, SledStore, Actor, Actor) {
        let (dir, store, admin) = fresh();
        let account = NewAccount { username: "cleo".into(), display_name: "Cleo".into(), role: Role::Clinician };
        store.add_account(&admin, &account, &pw("cleo password long enough")).unwrap();
        let worker = store.login("cleo", &pw("cleo password long enough"), "test").unwrap();
        (dir, store, admin, worker)
    }

    /// PHQ-9 answers with every item at `position` but the last (0).
    fn phq9_answers(total: u32) -> Vec<NewAnswer> {
        let mut left = total;
        (1..=9)
            .map(|i| {
                let position = if i == 9 { 0 } else { left.min(3) };
                left -= position;
                NewAnswer {
                    instrument: InstrumentRef { id: "phq9".into(), version: "1".into(), language: Lang::En },
                    item_id: format!("q{i}"),
                    position,
                    score: i64::from(position),
                    free_text: None,
                }
            })
            .collect()
    }

    /// What the service report would add up, in a canonical order: equal tallies, equal reports.
    fn report(store: &SledStore, actor: &Actor) -> SummaryRecorder {
        let mut recorder = SummaryRecorder::default();
        store.tally_summaries(actor, &mut recorder).unwrap();
        recorder.sorted()
    }

    fn stored(store: &SledStore, id: &RecordId) -> Option<EncounterSummary> {
        let key = store.key().unwrap();
        let value = store.tree(T::Summary).get(id.as_bytes()).unwrap()?;
        SledStore::open_summary(&key, id.as_bytes(), &value)
    }

    fn built(store: &SledStore, id: &RecordId) -> EncounterSummary {
        let key = store.key().unwrap();
        let encounter = store.load_encounter(&key, id).unwrap();
        EncounterSummary::from_detail(&store.detail(&key, encounter).unwrap())
    }

    #[test]
    fn every_save_keeps_the_summary_equal_to_one_built_from_the_records() {
        let (_dir, store, admin, worker) = fresh_with_worker();
        store.seed_synthetic(&admin, 4).unwrap();
        let client = store.list_clients(&worker).unwrap().0[0].id;
        let encounter = store.start_encounter(&worker, &client, EncounterOrigin::Kiosk).unwrap();
        assert_eq!(stored(&store, &encounter.id), Some(built(&store, &encounter.id)));
        for answer in phq9_answers(14) {
            store.save_answer(&worker, &encounter.id, &answer).unwrap();
        }
        let mut changed = phq9_answers(14).remove(0);
        changed.position = 3;
        changed.score = 3;
        store.save_answer(&worker, &encounter.id, &changed).unwrap();
        let decision = NewDecision {
            suggested_level: "2".into(),
            rules_fired: vec![],
            final_level: None,
            override_reason: None,
            lifted_exclusions: Vec::new(),
        };
        store.save_decision(&worker, &encounter.id, &decision).unwrap();
        let referral = NewReferral {
            resources: vec![ReferralResource { resource_id: "group-cbt".into(), reasons: vec![], chosen: true }],
            notes: None,
        };
        store.save_referral(&worker, &encounter.id, &referral).unwrap();
        let crisis = NewCrisisAction { flags: vec!["phq9.q9".into()], action: "called".into(), note: None };
        store.record_crisis_action(&worker, &encounter.id, &crisis).unwrap();
        store.set_encounter_status(&worker, &encounter.id, EncounterStatus::Submitted).unwrap();
        let summary = stored(&store, &encounter.id).unwrap();
        assert_eq!(summary, built(&store, &encounter.id));
        assert_eq!((summary.level(), summary.crisis, summary.referrals.len()), ("2", true, 1));
        assert_eq!(summary.answers[0].items[0].1, 3);
        let figures = report(&store, &admin);
        // Four seeded intakes and this one (the only one with a crisis action).
        let crises = figures.summaries.iter().filter(|summary| summary.crisis).count();
        assert_eq!((figures.summaries.len(), crises), (5, 1));
    }

    #[test]
    fn missing_and_old_summaries_are_rebuilt_with_the_same_figures() {
        let (_dir, store, admin, worker) = fresh_with_worker();
        store.seed_synthetic(&admin, 40).unwrap();
        let client = store.list_clients(&worker).unwrap().0[0].id;
        let encounter = store.start_encounter(&worker, &client, EncounterOrigin::Staff).unwrap();
        for answer in phq9_answers(20) {
            store.save_answer(&worker, &encounter.id, &answer).unwrap();
        }
        let before = report(&store, &admin);
        assert_eq!(before.summaries.len(), 41);
        assert!(before.summaries.iter().any(|summary| !summary.results.is_empty()), "some carry stored totals");
        let key = store.key().unwrap();
        // A store from before summaries: no marker, no summaries; one of another layout.
        let first = store.tree(T::Summary).iter().keys().next().unwrap().unwrap();
        let mut old =
            SledStore::open_summary(&key, &first, &store.tree(T::Summary).get(&first).unwrap().unwrap()).unwrap();
        old.schema_version = SUMMARY_VERSION + 1;
        old.created_ms = 0;
        store.tree(T::Meta).remove(META_SUMMARIES).unwrap();
        store.tree(T::Summary).clear().unwrap();
        store.tree(T::Summary).insert(&first, store.seal_record(&key, T::Summary, &first, &old)).unwrap();
        assert!(!store.summaries_current().unwrap());
        // A save before the rebuild builds that encounter's summary from its records.
        store.save_answer(&worker, &encounter.id, &phq9_answers(20).remove(8)).unwrap();
        assert_eq!(stored(&store, &encounter.id), Some(built(&store, &encounter.id)));
        let after = report(&store, &admin);
        assert!(store.summaries_current().unwrap());
        assert_eq!(after, before);
        let id = RecordId::from_slice(&first).unwrap();
        assert_eq!(stored(&store, &id), Some(built(&store, &id)));
        // An unreadable summary: the report reads that encounter's records instead.
        store.tree(T::Summary).insert(&first, b"not a summary".to_vec()).unwrap();
        assert_eq!(report(&store, &admin), before);
    }

    #[test]
    fn a_save_cut_short_after_its_record_is_completed_on_the_next_open() {
        let (dir, store, _admin, worker) = fresh_with_worker();
        let client = store.create_client(&worker, &crate::store::tests::new_client("Ada")).unwrap();
        let encounter = store.start_encounter(&worker, &client, EncounterOrigin::Staff).unwrap();
        let mut answers = phq9_answers(12);
        let last = answers.pop().unwrap();
        for answer in &answers {
            store.save_answer(&worker, &encounter.id, answer).unwrap();
        }
        // A crash after the audit entry and the answer were written, before the summary and
        // the head: put the summary and the head back as they were.
        let summary_before = store.tree(T::Summary).get(encounter.id.as_bytes()).unwrap().unwrap();
        let head_before = store.tree(T::Meta).get(super::super::META_AUDIT_HEAD).unwrap().unwrap();
        let entries_before = store.tree(T::Kind(Kind::Audit)).len();
        let saved = store.save_answer(&worker, &encounter.id, &last).unwrap();
        store.tree(T::Summary).insert(encounter.id.as_bytes(), summary_before).unwrap();
        store.tree(T::Meta).insert(super::super::META_AUDIT_HEAD, head_before).unwrap();
        store.flush().unwrap();
        drop(store);

        let store = SledStore::open(dir.path()).unwrap();
        assert!(!store.summaries_current().unwrap(), "the summaries are marked for a rebuild");
        assert_eq!(store.lock_head().count, entries_before as u64 + 1, "the head moved past the entry");
        let admin_again = store.login("admin", &pw(ADMIN_PW), "test").unwrap();
        // Later entries follow the recovered one instead of replacing it.
        let verified = store.audit_verify(&admin_again, None).unwrap();
        assert_eq!(verified.first_bad, None, "{verified:?}");
        assert_eq!(store.tree(T::Kind(Kind::Audit)).len(), entries_before + 3);
        report(&store, &admin_again);
        let summary = stored(&store, &encounter.id).unwrap();
        assert_eq!(summary, built(&store, &encounter.id));
        assert!(summary.answers[0].items.iter().any(|(item, _)| *item == saved.item_id), "the rebuilt summary has it");
    }
}
