//! Encounter versions: two people working on one encounter never overwrite each other in silence.
//!
//! Tree `encounter_versions` holds, per encounter id, how many commits have changed the
//! encounter or one of its records (8 bytes, big-endian; an encounter with no entry, from
//! before versions or written by seeding, is at 0). `commit` raises it in the same commit as
//! each change (`version_writes`), so a new encounter is at 1. A write sent with the version it
//! was based on (`based_on`) is refused with [`StoreError::Stale`] once anything else changed
//! the encounter since: the check and the write hold `encounter_writes`, so nothing slips in
//! between. A version is a count, not personal health information.

use super::{SledStore, T, Write};
use crate::auth::Actor;
use crate::store::audit::Outcome;
use crate::store::error::{Result, StoreError};
use crate::store::records::RecordId;

/// The version written for an encounter (missing or unreadable: 0).
fn decode(value: Option<&[u8]>) -> u64 {
    value.and_then(|v| <[u8; 8]>::try_from(v).ok()).map_or(0, u64::from_be_bytes)
}

impl SledStore {
    /// The encounter's current version.
    pub fn encounter_version(&self, encounter: &RecordId) -> Result<u64> {
        let value = self.tree(T::EncounterVersions).get(encounter.as_bytes()).map_err(|e| self.sled_err(e))?;
        Ok(decode(value.as_deref()))
    }

    /// One version write per encounter that `writes` change (its record or one of its
    /// records: every key of those trees starts with the encounter id). Called by `commit`
    /// under the writer lock, so two commits never raise a version to the same number.
    pub(super) fn version_writes(&self, writes: &[Write]) -> Result<Vec<Write>> {
        let mut encounters: Vec<&[u8]> = Vec::new();
        for write in writes.iter().filter(|w| super::summary::summarised(w.tree) && w.key.len() >= 16) {
            let id = &write.key[..16];
            if !encounters.contains(&id) {
                encounters.push(id);
            }
        }
        let tree = T::EncounterVersions;
        let mut out = Vec::with_capacity(encounters.len());
        for id in encounters {
            let current = decode(self.tree(tree).get(id).map_err(|e| self.sled_err(e))?.as_deref());
            let next = current.saturating_add(1);
            out.push(Write { tree, key: id.to_vec(), value: next.to_be_bytes().to_vec() });
        }
        Ok(out)
    }

    /// Runs `write`, a change to `encounter`, only if the encounter is still at `based_on`
    /// (`None`: a writer that read no version, such as a kiosk claim, is not checked), and
    /// answers with what `write` returned and the version after it. No other write to an
    /// encounter checked here runs in between. A stale write is refused and audited
    /// (`encounter.stale_write`, naming the encounter): nothing of it is written.
    pub fn based_on<R>(
        &self,
        actor: &Actor,
        encounter: &RecordId,
        based_on: Option<u64>,
        write: impl FnOnce() -> R,
    ) -> Result<(R, u64)> {
        let _serial = self.encounter_writes.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let current = self.encounter_version(encounter)?;
        if let Some(based_on) = based_on
            && based_on != current
        {
            let record = Some(encounter.to_string());
            self.commit(actor, "encounter.stale_write", record, None, Outcome::Denied, Vec::new())?;
            return Err(StoreError::Stale { encounter: encounter.to_string(), based_on, current });
        }
        let done = write();
        Ok((done, self.encounter_version(encounter)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Role;
    use crate::store::tests::{fresh, new_client, pw};
    use crate::store::{EncounterOrigin, InstrumentRef, Lang, NewAccount, NewAnswer, Store};

    fn worker(store: &SledStore, admin: &Actor, name: &str) -> Actor {
        let account = NewAccount { username: name.into(), display_name: name.into(), role: Role::Intake };
        let password = format!("{name} password long enough");
        store.add_account(admin, &account, &pw(&password)).unwrap();
        store.login(name, &pw(&password), "test").unwrap()
    }

    fn answer(position: u32) -> NewAnswer {
        NewAnswer {
            instrument: InstrumentRef { id: "phq9".into(), version: "1".into(), language: Lang::En },
            item_id: "phq9_4".into(),
            position,
            score: i64::from(position),
            free_text: None,
        }
    }

    /// The answer to phq9_4 an encounter holds now (the latest saved).
    fn current(store: &SledStore, actor: &Actor, encounter: &RecordId) -> Option<u32> {
        let detail = store.encounter(actor, encounter).unwrap();
        detail.current_answers().iter().find(|a| a.item_id == "phq9_4").map(|a| a.position)
    }

    #[test]
    fn a_new_encounter_is_at_version_one_and_every_change_raises_it_once() {
        let (_dir, store, admin) = fresh();
        let cleo = worker(&store, &admin, "cleo");
        let client = store.create_client(&cleo, &new_client("Ada")).unwrap();
        let encounter = store.start_encounter(&cleo, &client, EncounterOrigin::Staff).unwrap().id;
        assert_eq!(store.encounter_version(&encounter).unwrap(), 1);
        assert_eq!(store.encounter(&cleo, &encounter).unwrap().version, 1, "reading it tells the version");
        store.save_answer(&cleo, &encounter, &answer(1)).unwrap();
        assert_eq!(store.encounter_version(&encounter).unwrap(), 2);
        store.encounter(&cleo, &encounter).unwrap();
        assert_eq!(store.encounter_version(&encounter).unwrap(), 2, "reading changes nothing");
        let other = store.start_encounter(&cleo, &client, EncounterOrigin::Staff).unwrap().id;
        assert_eq!(store.encounter_version(&encounter).unwrap(), 2, "another encounter has its own");
        assert_eq!(store.encounter_version(&other).unwrap(), 1);
    }

    #[test]
    fn of_two_sessions_based_on_one_version_the_second_write_is_refused_and_audited() {
        let (_dir, store, admin) = fresh();
        let cleo = worker(&store, &admin, "cleo");
        let marie = worker(&store, &admin, "marie");
        let client = store.create_client(&cleo, &new_client("Ada")).unwrap();
        let encounter = store.start_encounter(&cleo, &client, EncounterOrigin::Staff).unwrap().id;
        let seen = store.encounter(&cleo, &encounter).unwrap().version;
        assert_eq!(store.encounter(&marie, &encounter).unwrap().version, seen);

        let (saved, after) =
            store.based_on(&cleo, &encounter, Some(seen), || store.save_answer(&cleo, &encounter, &answer(1))).unwrap();
        saved.unwrap();
        assert_eq!(after, seen + 1);
        let refused =
            store.based_on(&marie, &encounter, Some(seen), || store.save_answer(&marie, &encounter, &answer(3)));
        match refused {
            Err(StoreError::Stale { based_on, current, .. }) => assert_eq!((based_on, current), (seen, seen + 1)),
            other => panic!("expected a stale refusal, got {other:?}"),
        }
        assert_eq!(current(&store, &cleo, &encounter), Some(1), "cleo's answer stands");
        let audit = store.audit_list(&admin, &crate::store::AuditFilter::default()).unwrap();
        assert!(
            audit
                .iter()
                .any(|e| e.action == "encounter.stale_write" && e.user == "marie" && e.outcome == Outcome::Denied),
            "the refusal is in the audit log"
        );

        // Reloaded, marie's write is based on what she now sees, and it is accepted.
        let fresh_version = store.encounter(&marie, &encounter).unwrap().version;
        let (saved, after) = store
            .based_on(&marie, &encounter, Some(fresh_version), || store.save_answer(&marie, &encounter, &answer(3)))
            .unwrap();
        saved.unwrap();
        assert_eq!(after, fresh_version + 1);
        assert_eq!(current(&store, &cleo, &encounter), Some(3));
    }

    #[test]
    fn a_refused_write_of_another_kind_leaves_the_version_alone() {
        let (_dir, store, admin) = fresh();
        let cleo = worker(&store, &admin, "cleo");
        let client = store.create_client(&cleo, &new_client("Ada")).unwrap();
        let encounter = store.start_encounter(&cleo, &client, EncounterOrigin::Staff).unwrap().id;
        // The intake role may not record a decision: refused by the policy, nothing changes.
        let decision = crate::store::NewDecision {
            suggested_level: "1".into(),
            rules_fired: vec![],
            final_level: Some("2".into()),
            override_reason: Some("seen in person".into()),
            lifted_exclusions: vec![],
        };
        let (refused, after) =
            store.based_on(&cleo, &encounter, Some(1), || store.save_decision(&cleo, &encounter, &decision)).unwrap();
        assert!(refused.is_err());
        assert_eq!(after, 1, "a refusal is audited but changes no encounter record");
    }

    mod interleavings {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

            /// Two workers, each knowing the version it last read, write in any order and
            /// reload in any order. Whatever the interleaving, every write the store accepted
            /// was based on the latest version, so the encounter holds the last accepted
            /// answer, the version counts exactly the accepted writes, and a refused write left
            /// nothing behind.
            #[test]
            fn no_interleaving_of_writes_with_versions_loses_an_accepted_write(
                steps in proptest::collection::vec((0usize..2, any::<bool>(), 0u32..4), 1..16)
            ) {
                let (_dir, store, admin) = fresh();
                let workers = [worker(&store, &admin, "cleo"), worker(&store, &admin, "marie")];
                let client = store.create_client(&workers[0], &new_client("Ada")).unwrap();
                let encounter = store.start_encounter(&workers[0], &client, EncounterOrigin::Staff).unwrap().id;
                let mut seen = [1u64, 1u64];
                let mut accepted: Vec<u32> = Vec::new();
                for (who, reload, position) in steps {
                    let actor = &workers[who];
                    if reload {
                        seen[who] = store.encounter(actor, &encounter).unwrap().version;
                        continue;
                    }
                    let expected_fresh = seen[who] == store.encounter_version(&encounter).unwrap();
                    let write = || store.save_answer(actor, &encounter, &answer(position));
                    match store.based_on(actor, &encounter, Some(seen[who]), write) {
                        Ok((saved, after)) => {
                            prop_assert!(expected_fresh, "a write on a stale version was accepted");
                            saved.unwrap();
                            accepted.push(position);
                            seen[who] = after;
                        }
                        Err(StoreError::Stale { .. }) => prop_assert!(!expected_fresh, "a fresh write was refused"),
                        Err(other) => prop_assert!(false, "unexpected error {other}"),
                    }
                }
                prop_assert_eq!(store.encounter_version(&encounter).unwrap(), 1 + accepted.len() as u64);
                prop_assert_eq!(current(&store, &workers[0], &encounter), accepted.last().copied());
                let detail = store.encounter(&workers[0], &encounter).unwrap();
                let stored: Vec<u32> = detail.answers.iter().map(|a| a.position).collect();
                prop_assert_eq!(stored, accepted, "exactly the accepted writes are stored, in order");
            }
        }
    }
}
