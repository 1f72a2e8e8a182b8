//! Finishing an intake (the encounter closed with its outcome), reopening a finished one (a
//! clinician, with a reason), and the finished encounters the queue shows on request.

use super::open_index::Tier;
use super::*;

/// How many finished encounters the queue shows on request: the most recent.
const CLOSED_QUEUE_LIMIT: usize = 100;

/// The encounter written back with its audit entry `action` (the record is the encounter id).
fn write_encounter(store: &SledStore, actor: &Actor, action: &str, key: &DataKey, encounter: &Encounter) -> Result<()> {
    let tree = T::Kind(Kind::Encounter);
    let value = store.seal_record(key, tree, encounter.id.as_bytes(), encounter);
    store.commit(
        actor,
        action,
        Some(encounter.id.to_string()),
        Some(encounter.client_id),
        Outcome::Allowed,
        vec![Write { tree, key: encounter.id.as_bytes().to_vec(), value }, SledStore::open_index_write(encounter)],
    )
}

pub(super) fn finish_encounter(
    store: &SledStore,
    actor: &Actor,
    id: &RecordId,
    kind: OutcomeKind,
    reason: Option<&str>,
) -> Result<Encounter> {
    store.authorize(actor, Operation::UpdateEncounterStatus, Some(id.to_string()), None)?;
    let key = store.key()?;
    let mut encounter = store.load_encounter(&key, id)?;
    if !encounter.status.may_become(EncounterStatus::Closed) {
        return Err(StoreError::Refused {
            what: "finish the intake",
            reason: format!("encounter {id} is already finished"),
        });
    }
    let reason = reason.map(str::trim).filter(|r| !r.is_empty()).map(|r| clean_text("reason", r, REASON_TEXT));
    let reason = reason.transpose()?;
    if kind == OutcomeKind::NoReferralNeeded && reason.is_none() {
        return Err(StoreError::Invalid {
            field: "reason",
            reason: "a reason is required when no referral is needed".into(),
        });
    }
    if kind == OutcomeKind::Referred {
        let mut damaged = Vec::new();
        let referrals: Vec<Referral> = store.children(&key, T::Kind(Kind::Referral), id, &mut damaged)?;
        if !referrals.last().is_some_and(|r| r.resources.iter().any(|p| p.chosen)) {
            return Err(StoreError::Invalid {
                field: "outcome",
                reason: "a referred intake needs the referrals picked and saved first".into(),
            });
        }
    }
    let now = now_ms();
    encounter.status = EncounterStatus::Closed;
    encounter.updated_ms = now;
    encounter.outcome =
        Some(EncounterOutcome { kind, reason, recorded_ms: now, recorded_by: actor.user().to_string() });
    write_encounter(store, actor, "encounter.finish", &key, &encounter)?;
    Ok(encounter)
}

pub(super) fn reopen_encounter(store: &SledStore, actor: &Actor, id: &RecordId, reason: &str) -> Result<Encounter> {
    store.authorize(actor, Operation::ReopenEncounter, Some(id.to_string()), None)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(StoreError::Invalid { field: "reason", reason: "a reason is required to reopen an intake".into() });
    }
    let reason = clean_text("reason", reason, REASON_TEXT)?;
    let key = store.key()?;
    let mut encounter = store.load_encounter(&key, id)?;
    if encounter.status != EncounterStatus::Closed {
        return Err(StoreError::Refused {
            what: "reopen the intake",
            reason: format!("encounter {id} is not finished"),
        });
    }
    let now = now_ms();
    let outcome = encounter.outcome.take();
    encounter.reopenings.push(Reopening { reason, reopened_ms: now, reopened_by: actor.user().to_string(), outcome });
    encounter.status = EncounterStatus::InProgress;
    encounter.updated_ms = now;
    write_encounter(store, actor, "encounter.reopen", &key, &encounter)?;
    Ok(encounter)
}

/// The most recently finished encounters, newest first, audited naming every client shown.
pub(super) fn closed_encounters(store: &SledStore, actor: &Actor) -> Result<Vec<OpenEncounter>> {
    store.authorize(actor, Operation::ReadEncounter, None, None)?;
    store.authorize(actor, Operation::ListClients, None, None)?;
    let key = store.key()?;
    let mut chosen = store.closed_encounter_ids(&key)?;
    chosen.sort_by_key(|entry| std::cmp::Reverse(entry.1));
    chosen.truncate(CLOSED_QUEUE_LIMIT);
    let tree = T::Kind(Kind::Encounter);
    let mut closed = Vec::with_capacity(chosen.len());
    for (id, _) in chosen {
        let Ok(Some(encounter)) = store.get_sealed::<Encounter>(&key, tree, id.as_bytes()) else { continue };
        if encounter.status != EncounterStatus::Closed {
            continue;
        }
        let client_name = super::clinical::client_name(store, &key, &encounter);
        let tier = if store.tree(T::Kind(Kind::CrisisAction)).scan_prefix(id.as_bytes()).next().is_some() {
            store.risk_tier(&key, &id)?
        } else {
            Tier::None
        };
        let (critical, urgent) = (tier == Tier::Critical, tier == Tier::Urgent);
        closed.push(OpenEncounter { encounter, client_name, critical, urgent, open_by: None });
    }
    let shown = distinct(closed.iter().map(|o| o.encounter.client_id));
    store.commit_showing(actor, "encounter.list_closed", None, None, shown, None, Outcome::Allowed, Vec::new())?;
    Ok(closed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::{fresh, new_client, pw};

    fn account(store: &SledStore, admin: &Actor, name: &str, role: Role) -> Actor {
        let password = format!("{name} password long enough");
        let new = NewAccount { username: name.into(), display_name: name.into(), role };
        store.add_account(admin, &new, &pw(&password)).unwrap();
        store.login(name, &pw(&password), "test").unwrap()
    }

    fn actions(store: &SledStore, admin: &Actor, id: &RecordId) -> Vec<(String, String)> {
        let filter = AuditFilter { limit: Some(10_000), ..Default::default() };
        let entries = store.audit_list(admin, &filter).unwrap();
        entries
            .into_iter()
            .filter(|e| e.record.as_deref() == Some(id.to_string().as_str()))
            .map(|e| (e.user, e.action))
            .collect()
    }

    fn queue(store: &SledStore, actor: &Actor) -> Vec<RecordId> {
        store.open_encounters(actor).unwrap().into_iter().map(|o| o.encounter.id).collect()
    }

    fn closed(store: &SledStore, actor: &Actor) -> Vec<RecordId> {
        store.closed_encounters(actor).unwrap().into_iter().map(|o| o.encounter.id).collect()
    }

    fn referral(chosen: bool) -> NewReferral {
        let resources = vec![ReferralResource { resource_id: "r1".into(), reasons: vec![], chosen }];
        NewReferral { resources, notes: None }
    }

    /// Issue 16, item 3: each outcome closes the encounter with the outcome recorded and audited;
    /// the queue leaves it out and lists it only on request.
    #[test]
    fn finishing_records_each_outcome_and_leaves_the_queue() {
        let (_dir, store, admin) = fresh();
        let ivy = account(&store, &admin, "ivy", Role::Intake);
        let client = store.create_client(&ivy, &new_client("Ada")).unwrap();
        let start = || store.start_encounter(&ivy, &client, EncounterOrigin::Staff).unwrap().id;
        let (referred, declined, none_needed, open) = (start(), start(), start(), start());

        // Referred needs the picks saved; no referral needed needs a reason.
        let no_picks = store.finish_encounter(&ivy, &referred, OutcomeKind::Referred, None);
        assert!(matches!(no_picks, Err(StoreError::Invalid { field: "outcome", .. })), "{no_picks:?}");
        store.save_referral(&ivy, &referred, &referral(false)).unwrap();
        assert!(store.finish_encounter(&ivy, &referred, OutcomeKind::Referred, None).is_err());
        store.save_referral(&ivy, &referred, &referral(true)).unwrap();
        let done = store.finish_encounter(&ivy, &referred, OutcomeKind::Referred, None).unwrap();
        assert_eq!(done.status, EncounterStatus::Closed);
        assert_eq!(
            done.outcome.as_ref().map(|o| (o.kind, o.recorded_by.as_str())),
            Some((OutcomeKind::Referred, "ivy"))
        );

        store.finish_encounter(&ivy, &declined, OutcomeKind::Declined, None).unwrap();
        let blank = store.finish_encounter(&ivy, &none_needed, OutcomeKind::NoReferralNeeded, Some("  "));
        assert!(matches!(blank, Err(StoreError::Invalid { field: "reason", .. })), "{blank:?}");
        store.finish_encounter(&ivy, &none_needed, OutcomeKind::NoReferralNeeded, Some("Already in care")).unwrap();
        let stored = store.encounter(&ivy, &none_needed).unwrap().encounter;
        assert_eq!(stored.outcome.and_then(|o| o.reason).as_deref(), Some("Already in care"));

        // A finished intake is finished: not again, and nothing more is written to it.
        assert!(matches!(
            store.finish_encounter(&ivy, &declined, OutcomeKind::Declined, None),
            Err(StoreError::Refused { .. })
        ));
        assert!(matches!(
            store.set_encounter_status(&ivy, &declined, EncounterStatus::InProgress),
            Err(StoreError::Refused { .. })
        ));

        assert_eq!(queue(&store, &ivy), vec![open]);
        let mut shown = closed(&store, &ivy);
        shown.sort();
        let mut expected = vec![referred, declined, none_needed];
        expected.sort();
        assert_eq!(shown, expected);
        for id in [referred, declined, none_needed] {
            assert!(actions(&store, &admin, &id).contains(&("ivy".into(), "encounter.finish".into())), "{id}");
        }
        let filter = AuditFilter { limit: Some(10_000), ..Default::default() };
        let listed = store.audit_list(&admin, &filter).unwrap();
        let list = listed.iter().find(|e| e.action == "encounter.list_closed").unwrap();
        assert_eq!(list.clients, vec![client], "the list names the client it showed");
    }

    /// Issue 16, item 3: a clinician reopens a finished intake with a reason (kept with the
    /// outcome it had, audited); an intake worker is refused, and the refusal is audited.
    #[test]
    fn only_a_clinician_reopens_a_finished_intake_with_a_reason() {
        let (_dir, store, admin) = fresh();
        let ivy = account(&store, &admin, "ivy", Role::Intake);
        let cleo = account(&store, &admin, "cleo", Role::Clinician);
        let client = store.create_client(&ivy, &new_client("Ada")).unwrap();
        let id = store.start_encounter(&ivy, &client, EncounterOrigin::Staff).unwrap().id;
        assert!(matches!(store.reopen_encounter(&cleo, &id, "why"), Err(StoreError::Refused { .. })), "not finished");
        store.finish_encounter(&ivy, &id, OutcomeKind::Declined, None).unwrap();

        assert!(matches!(store.reopen_encounter(&ivy, &id, "client came back"), Err(StoreError::Denied { .. })));
        assert!(matches!(store.reopen_encounter(&cleo, &id, " "), Err(StoreError::Invalid { field: "reason", .. })));
        assert_eq!(store.encounter(&cleo, &id).unwrap().encounter.status, EncounterStatus::Closed);

        let reopened = store.reopen_encounter(&cleo, &id, "Client came back to accept a referral").unwrap();
        assert_eq!(reopened.status, EncounterStatus::InProgress);
        assert_eq!(reopened.outcome, None);
        let [reopening] = &reopened.reopenings[..] else { panic!("{:?}", reopened.reopenings) };
        assert_eq!(reopening.reason, "Client came back to accept a referral");
        assert_eq!(reopening.reopened_by, "cleo");
        assert_eq!(reopening.outcome.as_ref().map(|o| o.kind), Some(OutcomeKind::Declined));
        assert_eq!(queue(&store, &cleo), vec![id]);
        assert!(closed(&store, &cleo).is_empty());

        let audited = actions(&store, &admin, &id);
        assert!(audited.contains(&("ivy".into(), "denied.reopen_encounter".into())), "{audited:?}");
        assert!(audited.contains(&("cleo".into(), "encounter.reopen".into())), "{audited:?}");
        // Finished again, it leaves the queue again.
        store.finish_encounter(&cleo, &id, OutcomeKind::Declined, None).unwrap();
        assert!(queue(&store, &cleo).is_empty());
    }

    /// Issue 16: the summary saved (`p`) and then the intake finished as referred save the same
    /// picks twice; that is one referral, audited once. A changed pick is a new referral naming
    /// the one it replaces.
    #[test]
    fn the_same_picks_saved_again_are_one_referral_and_a_changed_pick_replaces_it() {
        let (_dir, store, admin) = fresh();
        let ivy = account(&store, &admin, "ivy", Role::Intake);
        let client = store.create_client(&ivy, &new_client("Ada")).unwrap();
        let id = store.start_encounter(&ivy, &client, EncounterOrigin::Staff).unwrap().id;
        let created = || {
            let filter = AuditFilter { limit: Some(10_000), ..Default::default() };
            store.audit_list(&admin, &filter).unwrap().iter().filter(|e| e.action == "referral.create").count()
        };

        let first = store.save_referral(&ivy, &id, &referral(true)).unwrap();
        let again = store.save_referral(&ivy, &id, &referral(true)).unwrap();
        assert_eq!(again, first, "the referral on record");
        assert_eq!(created(), 1);
        let changed = store.save_referral(&ivy, &id, &referral(false)).unwrap();
        assert_eq!((changed.replaces, first.replaces), (Some(first.id), None));
        assert_eq!(created(), 2);
        let json = serde_json::to_value(&first).unwrap();
        assert!(json.get("replaces").is_none(), "a first referral is written as before: {json}");

        store.save_referral(&ivy, &id, &referral(true)).unwrap();
        store.finish_encounter(&ivy, &id, OutcomeKind::Referred, None).unwrap();
        assert_eq!(created(), 3);
        let detail = store.encounter(&ivy, &id).unwrap();
        assert_eq!(detail.referrals.len(), 3);
        // Nothing is written to a finished intake, not even the same picks.
        assert!(matches!(store.save_referral(&ivy, &id, &referral(true)), Err(StoreError::Refused { .. })));
    }

    /// A reviewed encounter (referral saved) stays in the queue until it is finished; a store
    /// whose index was built when reviewed meant finished builds it again.
    #[test]
    fn a_reviewed_encounter_stays_in_the_queue_and_an_older_index_is_rebuilt() {
        let (_dir, store, admin) = fresh();
        let ivy = account(&store, &admin, "ivy", Role::Intake);
        let client = store.create_client(&ivy, &new_client("Ada")).unwrap();
        let id = store.start_encounter(&ivy, &client, EncounterOrigin::Staff).unwrap().id;
        store.set_encounter_status(&ivy, &id, EncounterStatus::Submitted).unwrap();
        store.set_encounter_status(&ivy, &id, EncounterStatus::Reviewed).unwrap();
        assert_eq!(queue(&store, &ivy), vec![id]);

        // The index as the build before wrote it: reviewed marked not open, the old marker.
        let mut old = store.tree(T::OpenEncounters).get(id.as_bytes()).unwrap().unwrap().to_vec();
        old[0] = 0;
        store.tree(T::OpenEncounters).insert(id.as_bytes(), old).unwrap();
        store.tree(T::Meta).remove(b"open_index_v2").unwrap();
        store.tree(T::Meta).insert(b"open_index", b"1".to_vec()).unwrap();
        assert_eq!(queue(&store, &ivy), vec![id], "the index is built again");
    }
}
