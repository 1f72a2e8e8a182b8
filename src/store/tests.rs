//! Store tests: behaviour, damage, policy enforcement, and a model test against a BTreeMap.

use std::collections::BTreeMap;

use proptest::prelude::*;
use secrecy::SecretString;

use super::*;
use crate::auth::{Actor, Operation, Role};

pub(crate) const ADMIN_PW: &str = "admin password long enough";

pub(crate) fn pw(text: &str) -> SecretString {
    SecretString::from(text.to_string())
}

pub(crate) fn fresh() -> (tempfile::TempDir, SledStore, Actor) {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    let request = InitRequest {
        org: "Test Clinic".into(),
        province: crate::store::Province::On,
        admin: "admin".into(),
        insecure_test_kdf: true,
        time_zone: None,
    };
    store.initialize(&request, &pw(ADMIN_PW), "test").unwrap();
    let admin = store.login("admin", &pw(ADMIN_PW), "test").unwrap();
    (dir, store, admin)
}

pub(crate) fn staff(store: &SledStore, admin: &Actor, name: &str, role: Role) -> Actor {
    let password = format!("{name} password long enough");
    store
        .add_account(admin, &NewAccount { username: name.into(), display_name: name.into(), role }, &pw(&password))
        .unwrap();
    store.login(name, &pw(&password), "test").unwrap()
}

pub(crate) fn new_client(name: &str) -> NewClient {
    NewClient {
        name: name.into(),
        birth_date: Some("1990-04-01".into()),
        province: crate::store::Province::On,
        language: Lang::En,
        contact: None,
        access_needs: vec![],
        populations: vec![],
        sex_for_scoring: None,
    }
}

fn answer(item: &str, position: u32, score: i64) -> NewAnswer {
    NewAnswer {
        instrument: InstrumentRef { id: "phq9".into(), version: "1".into(), language: Lang::En },
        item_id: item.into(),
        position,
        score,
        free_text: None,
    }
}

/// A process killed while sled wrote its start-up snapshot leaves a partial `snap.*.generating`
/// file; the next open must still succeed with every saved record.
#[test]
fn a_partial_startup_snapshot_does_not_block_opening() {
    let (dir, store, admin) = fresh();
    let intake = staff(&store, &admin, "ivy", Role::Intake);
    let client = store.create_client(&intake, &new_client("Ada Partial")).unwrap();
    let encounter = store.start_encounter(&intake, &client, EncounterOrigin::Staff).unwrap();
    store.save_answer(&intake, &encounter.id, &answer("q1", 2, 2)).unwrap();
    drop(store);
    let partial = dir.path().join("db").join("snap.7FFFFFFFFFFFFFFF.generating");
    std::fs::write(&partial, b"torn").unwrap();

    let store = SledStore::open(dir.path()).unwrap();
    assert!(!partial.exists(), "the unfinished snapshot is removed");
    let intake = store.login("ivy", &pw("ivy password long enough"), "test").unwrap();
    let detail = store.encounter(&intake, &encounter.id).unwrap();
    assert_eq!(detail.answers.len(), 1);
    assert_eq!(detail.answers[0].position, 2);
}

/// sled reports its held file lock as a plain I/O error; opening names it as another owner, after
/// waiting for a database of this process that is still closing.
#[test]
fn a_database_open_elsewhere_is_reported_as_another_owner() {
    let (dir, store, _admin) = fresh();
    let started = std::time::Instant::now();
    let error = SledStore::open(dir.path()).unwrap_err();
    assert!(matches!(error, StoreError::OwnerRunning { .. }), "{error}");
    assert!(started.elapsed() >= std::time::Duration::from_secs(2), "it waits for a closing database first");
    drop(store);
    SledStore::open(dir.path()).unwrap();
}

#[test]
fn full_encounter_round_trip_and_reopen() {
    let (dir, store, admin) = fresh();
    let intake = staff(&store, &admin, "ivy", Role::Intake);
    let client = store.create_client(&intake, &new_client("Jean Tremblay")).unwrap();
    let encounter = store.start_encounter(&intake, &client, EncounterOrigin::Staff).unwrap();
    store.record_consent(&intake, &encounter.id, "2026-01", ConsentAnswer::Given).unwrap();
    store.save_answer(&intake, &encounter.id, &answer("q1", 2, 2)).unwrap();
    store.save_answer(&intake, &encounter.id, &answer("q2", 1, 1)).unwrap();
    store.save_answer(&intake, &encounter.id, &answer("q1", 3, 3)).unwrap();
    store
        .save_result(
            &intake,
            &encounter.id,
            &NewResult {
                instrument: answer("x", 0, 0).instrument,
                total: Some(4),
                subscales: BTreeMap::new(),
                band: "minimal".into(),
                flags: vec![],
            },
        )
        .unwrap();
    store
        .save_decision(
            &intake,
            &encounter.id,
            &NewDecision {
                suggested_level: "1".into(),
                rules_fired: vec!["r1".into()],
                final_level: None,
                override_reason: None,
                lifted_exclusions: Vec::new(),
            },
        )
        .unwrap();
    store
        .save_referral(&intake, &encounter.id, &NewReferral { resources: vec![], notes: Some("note".into()) })
        .unwrap();
    store.set_encounter_status(&intake, &encounter.id, EncounterStatus::Submitted).unwrap();
    drop(store);

    let store = SledStore::open(dir.path()).unwrap();
    assert!(!store.is_unlocked(), "a reopened store starts locked");
    assert!(matches!(store.encounter(&intake, &encounter.id), Err(StoreError::Locked)));
    let intake = store.login("ivy", &pw("ivy password long enough"), "test").unwrap();
    let detail = store.encounter(&intake, &encounter.id).unwrap();
    assert_eq!(detail.encounter.status, EncounterStatus::Submitted);
    assert_eq!(detail.answers.len(), 3);
    let current: Vec<(String, u32)> =
        detail.current_answers().iter().map(|a| (a.item_id.clone(), a.position)).collect();
    assert_eq!(current, vec![("q2".to_string(), 1), ("q1".to_string(), 3)]);
    assert_eq!(detail.consents.len(), 1);
    assert_eq!(detail.results[0].total, Some(4));
    assert_eq!(detail.referrals[0].notes.as_deref(), Some("note"));
    let history = store.client_history(&intake, &client).unwrap();
    assert_eq!(history.client.name, "Jean Tremblay");
    assert_eq!(history.encounters.len(), 1);
    assert_eq!(store.audit_verify(&admin, None).unwrap().first_bad, None);
}

#[test]
fn overriding_needs_a_clinician_and_a_reason() {
    let (_dir, store, admin) = fresh();
    let intake = staff(&store, &admin, "ivy", Role::Intake);
    let clinician = staff(&store, &admin, "cleo", Role::Clinician);
    let client = store.create_client(&intake, &new_client("A")).unwrap();
    let encounter = store.start_encounter(&intake, &client, EncounterOrigin::Staff).unwrap();
    let over = NewDecision {
        suggested_level: "2".into(),
        rules_fired: vec![],
        final_level: Some("4".into()),
        override_reason: None,
        lifted_exclusions: Vec::new(),
    };
    assert!(matches!(store.save_decision(&intake, &encounter.id, &over), Err(StoreError::Denied { .. })));
    assert!(matches!(store.save_decision(&clinician, &encounter.id, &over), Err(StoreError::Invalid { .. })));
    let with_reason = NewDecision { override_reason: Some("history of crisis".into()), ..over };
    assert_eq!(store.save_decision(&clinician, &encounter.id, &with_reason).unwrap().final_level.as_deref(), Some("4"));
}

/// Issue 16, item 2: a decision saved again names the one it replaces; the first names none,
/// and a decision record from before the field reads as replacing none.
#[test]
fn a_new_decision_names_the_one_it_replaces() {
    let (_dir, store, admin) = fresh();
    let clinician = staff(&store, &admin, "cleo", Role::Clinician);
    let client = store.create_client(&clinician, &new_client("A")).unwrap();
    let encounter = store.start_encounter(&clinician, &client, EncounterOrigin::Staff).unwrap();
    let confirm = NewDecision {
        suggested_level: "1".into(),
        rules_fired: vec![],
        final_level: Some("1".into()),
        override_reason: None,
        lifted_exclusions: Vec::new(),
    };
    let first = store.save_decision(&clinician, &encounter.id, &confirm).unwrap();
    assert_eq!(first.replaces, None);
    let over = NewDecision { final_level: Some("2".into()), override_reason: Some("prefers an app".into()), ..confirm };
    let second = store.save_decision(&clinician, &encounter.id, &over).unwrap();
    assert_eq!(second.replaces, Some(first.id));
    let third = store.save_decision(&clinician, &encounter.id, &over).unwrap();
    assert_eq!(third.replaces, Some(second.id));
    let stored = store.encounter(&clinician, &encounter.id).unwrap().decisions;
    assert_eq!(stored.iter().map(|d| d.replaces).collect::<Vec<_>>(), vec![None, Some(first.id), Some(second.id)]);
    // The first decision is written as before the field existed.
    let json = serde_json::to_value(&first).unwrap();
    assert!(json.get("replaces").is_none(), "{json}");
    let old: Decision = serde_json::from_value(json).unwrap();
    assert_eq!(old.replaces, None);
}

#[test]
fn roles_are_enforced_in_the_store_and_denials_are_audited() {
    let (_dir, store, admin) = fresh();
    let kiosk = staff(&store, &admin, "kiosk1", Role::Kiosk);
    let intake = staff(&store, &admin, "ivy", Role::Intake);
    let client = store.create_client(&intake, &new_client("B")).unwrap();
    for result in [
        store.client(&kiosk, &client).map(|_| ()),
        store.client_history(&kiosk, &client).map(|_| ()),
        store.list_clients(&kiosk).map(|_| ()),
        store.list_submissions(&kiosk).map(|_| ()),
        store.client(&admin, &client).map(|_| ()),
        store.audit_list(&intake, &AuditFilter::default()).map(|_| ()),
    ] {
        assert!(matches!(result, Err(StoreError::Denied { .. })), "{result:?}");
    }
    let denials =
        store.audit_list(&admin, &AuditFilter { action: Some("denied.".into()), ..Default::default() }).unwrap();
    assert_eq!(denials.len(), 6);
    assert!(denials.iter().all(|e| e.outcome == audit::Outcome::Denied));
}

#[test]
fn sealed_submissions_are_write_only_for_kiosks_and_locked_owners() {
    let (dir, store, admin) = fresh();
    let kiosk = staff(&store, &admin, "kiosk1", Role::Kiosk);
    let public = store.submission_public_key(&kiosk).unwrap();
    drop(store);
    // A locked owner accepts a kiosk submission it cannot read.
    let store = SledStore::open(dir.path()).unwrap();
    let kiosk = store.login("kiosk1", &pw("kiosk1 password long enough"), "kiosk").unwrap();
    assert!(!store.is_unlocked(), "a kiosk login does not unlock");
    let submission = KioskSubmission {
        schema_version: 1,
        id: RecordId::random(),
        language: Lang::Fr,
        consent_version: "2026-01".into(),
        consent: ConsentAnswer::Given,
        client: Some(new_client("Kiosk Person")),
        answers: vec![answer("q1", 1, 1)],
        submitted_ms: now_ms(),
    };
    let sealed = crypto::seal_to(&public, &serde_json::to_vec(&submission).unwrap()).unwrap();
    store.submit_sealed(&kiosk, &submission.id, &sealed).unwrap();
    assert!(matches!(store.open_submission(&kiosk, &submission.id), Err(StoreError::Denied { .. })));
    let intake_pw = pw("intake password long enough");
    let admin = store.login("admin", &pw(ADMIN_PW), "t").unwrap();
    store
        .add_account(
            &admin,
            &NewAccount { username: "ivy".into(), display_name: "Ivy".into(), role: Role::Intake },
            &intake_pw,
        )
        .unwrap();
    let intake = store.login("ivy", &intake_pw, "t").unwrap();
    assert_eq!(store.list_submissions(&intake).unwrap().len(), 1);
    assert_eq!(store.open_submission(&intake, &submission.id).unwrap(), submission);
    // A sealed box moved to another id is refused.
    let other = RecordId::random();
    store.submit_sealed(&kiosk, &other, &sealed).unwrap();
    assert!(matches!(store.open_submission(&intake, &other), Err(StoreError::Damaged { .. })));
}

#[test]
fn login_throttles_then_locks_out_and_audits_failures() {
    let (_dir, store, admin) = fresh();
    staff(&store, &admin, "ivy", Role::Intake);
    for _ in 0..crate::auth::THROTTLE_AFTER {
        assert!(matches!(
            store.login("ivy", &pw("wrong password here!!"), "ssh:10.0.0.9:5555"),
            Err(StoreError::BadCredentials)
        ));
    }
    assert!(matches!(store.login("ivy", &pw("ivy password long enough"), "t"), Err(StoreError::Throttled { .. })));
    let failed = store
        .audit_list(
            &admin,
            &AuditFilter { action: Some("login.failed".into()), user: Some("ivy".into()), ..Default::default() },
        )
        .unwrap();
    assert_eq!(failed.len(), crate::auth::THROTTLE_AFTER as usize);
    assert_eq!(failed[0].origin, "ssh:10.0.0.9:5555");
    assert!(matches!(store.login("nobody", &pw("whatever password"), "t"), Err(StoreError::BadCredentials)));
    // An admin reset clears the counter.
    store.set_password(&admin, "ivy", &pw("a brand new password")).unwrap();
    store.login("ivy", &pw("a brand new password"), "t").unwrap();
    store.set_account_status(&admin, "ivy", AccountStatus::Disabled).unwrap();
    assert!(matches!(store.login("ivy", &pw("a brand new password"), "t"), Err(StoreError::Disabled { .. })));
}

/// Issue 16, item 10: the throttle told which names exist (an existing name was throttled after
/// five failures, an unknown one never). Every step now answers the same for both, up to the
/// lockout, and a disabled account says so only to its right password.
#[test]
fn existing_and_unknown_names_get_the_same_answers_failure_after_failure() {
    let (_dir, store, admin) = fresh();
    staff(&store, &admin, "probe", Role::Intake);
    let answer = |name: &str| match store.login(name, &pw("not the right password"), "t") {
        Ok(_) => panic!("signed in with a wrong password"),
        // The wait is in whole seconds from the last failure: the same digits unless this test
        // stalls for a second, so they are compared apart from the words.
        Err(e) => (e.code(), e.to_string().replace(name, "NAME").replace(|c: char| c.is_ascii_digit(), "#")),
    };
    // Two attempts at once (the second throttled once five have failed), then past the wait.
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for _ in 0..=crate::auth::LOCKOUT_AT {
        for _ in 0..2 {
            known.push(answer("probe"));
            unknown.push(answer("nobody"));
        }
        store.backdate_failures("probe");
        store.backdate_failures("nobody");
    }
    assert_eq!(known, unknown);
    assert!(known.iter().any(|(code, _)| *code == "throttled"), "{known:?}");
    assert_eq!(known.last().map(|(code, _)| *code), Some("locked_out"), "{known:?}");
    // A disabled account answers a wrong password as any other name does.
    staff(&store, &admin, "gone", Role::Intake);
    store.set_account_status(&admin, "gone", AccountStatus::Disabled).unwrap();
    assert_eq!(answer("gone"), answer("elsewhere"));
    assert!(matches!(store.login("gone", &pw("gone password long enough"), "t"), Err(StoreError::Disabled { .. })));
}

/// Issue 16: an unknown name's failures were counted in memory only, so restarting the owner
/// reset its throttle (and only its: an account keeps its count in its record). They are kept
/// in the store under the name's keyed mark, never the typed name.
#[test]
fn an_unknown_names_throttle_survives_a_restart_and_the_name_is_not_stored() {
    let (dir, store, _admin) = fresh();
    let attempt = |store: &SledStore| store.login("nobody-typed", &pw("not the right password"), "t").unwrap_err();
    for _ in 0..crate::auth::THROTTLE_AFTER {
        assert!(matches!(attempt(&store), StoreError::BadCredentials));
    }
    assert!(matches!(attempt(&store), StoreError::Throttled { .. }), "throttled before the restart");
    drop(store);
    // sled's background threads let go of the files a moment after the drop.
    std::thread::sleep(std::time::Duration::from_millis(50));

    let store = SledStore::open(dir.path()).unwrap();
    assert!(matches!(attempt(&store), StoreError::Throttled { .. }), "still throttled after the restart");
    store.backdate_failures("nobody-typed");
    assert!(matches!(attempt(&store), StoreError::BadCredentials), "the same windows: past the wait, one more try");
    for item in store.tree(sled_store::T::Meta).iter() {
        let (key, value) = item.unwrap();
        for bytes in [&key[..], &value[..]] {
            assert!(!bytes.windows(12).any(|w| w == b"nobody-typed"), "the typed name is stored: {key:?}");
        }
    }
}

#[test]
fn recovery_key_resets_a_password_and_unlocks() {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    let request = InitRequest {
        org: "C".into(),
        province: crate::store::Province::Qc,
        admin: "admin".into(),
        insecure_test_kdf: true,
        time_zone: None,
    };
    let recovery = store.initialize(&request, &pw(ADMIN_PW), "t").unwrap();
    let printed = recovery.display_secret();
    drop(store);
    let store = SledStore::open(dir.path()).unwrap();
    assert!(matches!(
        store.recover(&RecoveryKey::generate(), "admin", &pw("new admin password!"), "t"),
        Err(StoreError::BadCredentials)
    ));
    let parsed = RecoveryKey::parse(&printed).unwrap();
    store.recover(&parsed, "admin", &pw("new admin password!"), "t").unwrap();
    assert!(store.is_unlocked());
    drop(store);
    let store = SledStore::open(dir.path()).unwrap();
    store.login("admin", &pw("new admin password!"), "t").unwrap();
    assert!(store.is_unlocked());
}

/// Flips bytes in stored values: each damaged record is reported by id, others stay readable,
/// and nothing panics.
#[test]
fn damaged_values_are_reported_by_id_and_the_rest_stay_readable() {
    let (dir, store, admin) = fresh();
    let intake = staff(&store, &admin, "ivy", Role::Intake);
    let a = store.create_client(&intake, &new_client("A")).unwrap();
    let b = store.create_client(&intake, &new_client("B")).unwrap();
    let encounter = store.start_encounter(&intake, &a, EncounterOrigin::Staff).unwrap();
    for i in 0..5 {
        store.save_answer(&intake, &encounter.id, &answer(&format!("q{i}"), i, i64::from(i))).unwrap();
    }
    // Damage client B and the third answer.
    let clients = store.tree(sled_store::T::Kind(Kind::Client));
    let mut value = clients.get(b.as_bytes()).unwrap().unwrap().to_vec();
    let at = value.len() / 2;
    value[at] ^= 0x40;
    clients.insert(b.as_bytes(), value).unwrap();
    let answers = store.tree(sled_store::T::Kind(Kind::Answer));
    let (third_key, third_value) = answers.iter().nth(2).unwrap().unwrap();
    let mut value = third_value.to_vec();
    value[5] ^= 0x01;
    answers.insert(third_key.clone(), value).unwrap();

    let error = store.client(&intake, &b).unwrap_err();
    assert!(error.to_string().starts_with(&format!("record damaged: client {b}")), "{error}");
    assert_eq!(store.client(&intake, &a).unwrap().name, "A");
    let (clients, damaged) = store.list_clients(&intake).unwrap();
    assert_eq!(clients.len(), 1);
    assert_eq!(damaged, vec![format!("client {b}")]);
    let detail = store.encounter(&intake, &encounter.id).unwrap();
    assert_eq!(detail.answers.len(), 4);
    assert_eq!(detail.damaged.len(), 1);
    assert!(detail.damaged[0].starts_with(&format!("answer {}-", encounter.id)));
    drop(store);
    // Still opens after damage.
    SledStore::open(dir.path()).unwrap();
}

/// Issue 14, item 7: the client search is matched by the store, after decryption, and returns
/// only the matches (by name, bounded); its audit entry names exactly the clients returned and
/// never the query. The old whole list names every client it returns too.
#[test]
fn a_client_search_returns_only_the_matches_and_its_audit_names_them() {
    let (_dir, store, admin) = fresh();
    let intake = staff(&store, &admin, "ivy", Role::Intake);
    let sam = store.create_client(&intake, &new_client("Sam Okafor")).unwrap();
    let samira = store.create_client(&intake, &new_client("Samira Haddad")).unwrap();
    let emilie = store.create_client(&intake, &new_client("Émilie Tremblay")).unwrap();
    let latest = |action: &str| {
        let filter = AuditFilter { action: Some(action.into()), ..Default::default() };
        store.audit_list(&admin, &filter).unwrap().pop().expect("an entry")
    };

    let found = store.search_clients(&intake, "  SAM ").unwrap();
    let names: Vec<&str> = found.clients.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Sam Okafor", "Samira Haddad"], "by name, every word in the name, any case");
    assert!(!found.more);
    let entry = latest("client.search");
    assert_eq!((entry.user.as_str(), entry.clients.clone()), ("ivy", vec![sam, samira]));
    assert_eq!(entry.record, None, "the query (part of a name) is not written to the audit log");

    let found = store.search_clients(&intake, "émilie TREM").unwrap();
    assert_eq!(found.clients.iter().map(|c| c.id).collect::<Vec<_>>(), vec![emilie]);
    assert_eq!(latest("client.search").clients, vec![emilie]);
    let client_filter =
        AuditFilter { client: Some(samira), action: Some("client.search".into()), ..Default::default() };
    assert_eq!(store.audit_list(&admin, &client_filter).unwrap().len(), 1, "the second search did not show Samira");

    // No word: nobody, and an entry that names nobody.
    assert!(store.search_clients(&intake, " ").unwrap().clients.is_empty());
    assert!(latest("client.search").clients.is_empty());
    // A query no name could hold is refused by name.
    let long = "x".repeat(201);
    assert!(store.search_clients(&intake, &long).unwrap_err().to_string().contains("query"));
    // Who may not list clients (an administrator reads no client) may not search them.
    assert!(matches!(store.search_clients(&admin, "sam"), Err(StoreError::Denied { .. })));

    // The whole list names everyone it returns.
    let (all, _) = store.list_clients(&intake).unwrap();
    assert_eq!(all.len(), 3);
    // In the order returned (oldest first; clients made in the same millisecond in key order).
    assert_eq!(latest("client.list").clients, all.iter().map(|c| c.id).collect::<Vec<_>>());
    let mut named = latest("client.list").clients;
    named.sort();
    let mut expected = vec![sam, samira, emilie];
    expected.sort();
    assert_eq!(named, expected);
}

#[test]
fn a_client_search_is_bounded_and_says_when_more_matched() {
    let (_dir, store, admin) = fresh();
    let intake = staff(&store, &admin, "ivy", Role::Intake);
    let limit = sled_store::CLIENT_SEARCH_LIMIT;
    for i in 0..=limit {
        store.create_client(&intake, &new_client(&format!("Alex Number{i:03}"))).unwrap();
    }
    store.create_client(&intake, &new_client("Other Person")).unwrap();
    let found = store.search_clients(&intake, "alex").unwrap();
    assert_eq!(found.clients.len(), limit);
    assert!(found.more);
    assert_eq!(found.clients[0].name, "Alex Number000");
    let filter = AuditFilter { action: Some("client.search".into()), ..Default::default() };
    let entry = store.audit_list(&admin, &filter).unwrap().pop().unwrap();
    assert_eq!(entry.clients, found.clients.iter().map(|c| c.id).collect::<Vec<_>>());
}

#[test]
fn a_record_moved_to_another_key_does_not_open() {
    let (_dir, store, admin) = fresh();
    let intake = staff(&store, &admin, "ivy", Role::Intake);
    let a = store.create_client(&intake, &new_client("A")).unwrap();
    let b = store.create_client(&intake, &new_client("B")).unwrap();
    let clients = store.tree(sled_store::T::Kind(Kind::Client));
    let value_a = clients.get(a.as_bytes()).unwrap().unwrap();
    clients.insert(b.as_bytes(), value_a).unwrap();
    assert!(matches!(store.client(&intake, &b), Err(StoreError::Damaged { .. })));
}

#[test]
fn audit_chain_detects_edits_in_the_database() {
    let (_dir, store, admin) = fresh();
    let intake = staff(&store, &admin, "ivy", Role::Intake);
    store.create_client(&intake, &new_client("A")).unwrap();
    assert_eq!(store.audit_verify(&admin, None).unwrap().first_bad, None);
    let tree = store.tree(sled_store::T::Kind(Kind::Audit));
    let (key, _) = tree.iter().nth(2).unwrap().unwrap();
    tree.remove(key).unwrap();
    let report = store.audit_verify(&admin, None).unwrap();
    assert_eq!(report.first_bad.unwrap().position, 2);
}

#[test]
fn a_foreign_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = sled::open(dir.path().join("db")).unwrap();
        db.insert(b"something", b"else").unwrap();
        db.flush().unwrap();
    }
    assert!(matches!(SledStore::open(dir.path()), Err(StoreError::Foreign { .. })));
}

#[test]
fn newer_schema_is_refused_with_a_clear_error() {
    let (_dir, store, admin) = fresh();
    let intake = staff(&store, &admin, "ivy", Role::Intake);
    let a = store.create_client(&intake, &new_client("A")).unwrap();
    let key = store.current_key().unwrap();
    let mut client: serde_json::Value = serde_json::to_value(store.client(&intake, &a).unwrap()).unwrap();
    client["schema_version"] = 7.into();
    let tree = sled_store::T::Kind(Kind::Client);
    let value = key.seal(&sled_store::aad(tree, a.as_bytes(), "record"), client.to_string().as_bytes());
    store.tree(tree).insert(a.as_bytes(), value).unwrap();
    let error = store.client(&intake, &a).unwrap_err();
    assert!(matches!(error, StoreError::NewerSchema { found: 7, .. }), "{error}");
}

#[test]
fn seeding_refuses_real_data() {
    let (_dir, store, admin) = fresh();
    let summary = store.seed_synthetic(&admin, 40).unwrap();
    assert_eq!((summary.clients, summary.encounters, summary.answers), (10, 40, 36));
    let intake = staff(&store, &admin, "ivy", Role::Intake);
    let (clients, _) = store.list_clients(&intake).unwrap();
    let history = store.client_history(&intake, &clients[0].id).unwrap();
    assert_eq!(history.encounters.len(), 4);
    store.create_client(&intake, &new_client("Real Person")).unwrap();
    assert!(matches!(store.seed_synthetic(&admin, 4), Err(StoreError::Refused { .. })));
}

#[test]
fn backup_round_trip_and_restore_drill() {
    let (_dir, store, admin) = fresh();
    let intake = staff(&store, &admin, "ivy", Role::Intake);
    let client = store.create_client(&intake, &new_client("Backed Up")).unwrap();
    let encounter = store.start_encounter(&intake, &client, EncounterOrigin::Staff).unwrap();
    store.save_answer(&intake, &encounter.id, &answer("q1", 2, 2)).unwrap();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("store.backup");
    let created = backup::create(&store, &admin, &file).unwrap();
    assert!(matches!(backup::create(&store, &intake, &out.path().join("x")), Err(StoreError::Denied { .. })));
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "a backup is readable by its owner only: {mode:o}");
    }
    // Issue 14, item 13: never over an existing file (the live database included), never
    // inside the data directory; the file already there is left as it was.
    let before = std::fs::read(&file).unwrap();
    let again = backup::create(&store, &admin, &file);
    assert!(
        matches!(&again, Err(StoreError::Refused { reason, .. }) if reason.contains("already exists")),
        "{again:?}"
    );
    assert_eq!(std::fs::read(&file).unwrap(), before);
    let live = _dir.path().join("db").join("db");
    let over_live = backup::create(&store, &admin, &live);
    assert!(matches!(over_live, Err(StoreError::Refused { .. })), "{over_live:?}");
    let inside = backup::create(&store, &admin, &_dir.path().join("inside.backup"));
    assert!(
        matches!(&inside, Err(StoreError::Refused { reason, .. }) if reason.contains("inside the data directory")),
        "{inside:?}"
    );
    assert!(store.audit_verify(&admin, None).is_ok(), "the store still opens and verifies");
    let unlock = backup::Unlock::Password { user: "admin", password: &pw(ADMIN_PW) };
    let report = backup::verify(&file, &unlock).unwrap();
    assert_eq!(report.sha256, created.sha256);
    assert!(report.damaged.is_empty());
    assert_eq!(report.audit.first_bad, None);
    assert!(matches!(
        backup::verify(&file, &backup::Unlock::Password { user: "admin", password: &pw("wrong password!!!!") }),
        Err(StoreError::BadCredentials)
    ));

    let target = tempfile::tempdir().unwrap();
    backup::restore(&file, target.path(), &unlock, "t").unwrap();
    let restored = SledStore::open(target.path()).unwrap();
    let intake = restored.login("ivy", &pw("ivy password long enough"), "t").unwrap();
    let detail = restored.encounter(&intake, &encounter.id).unwrap();
    assert_eq!(detail.answers[0].position, 2);
    assert_eq!(restored.client(&intake, &client).unwrap().name, "Backed Up");
    let admin = restored.login("admin", &pw(ADMIN_PW), "t").unwrap();
    assert_eq!(restored.audit_verify(&admin, None).unwrap().first_bad, None);
    // Restoring beside the witness of the database that was lost (the data directory's
    // `db` moved aside): the witness follows the restored log, and the store opens.
    drop(restored);
    let beside = tempfile::tempdir().unwrap();
    std::fs::copy(_dir.path().join(sled_store::WITNESS_FILE), beside.path().join(sled_store::WITNESS_FILE)).unwrap();
    assert!(matches!(SledStore::open(beside.path()), Err(StoreError::AuditLoss { .. })));
    std::thread::sleep(std::time::Duration::from_millis(50));
    backup::restore(&file, beside.path(), &unlock, "t").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(50));
    let reopened = SledStore::open(beside.path()).unwrap();
    let admin_again = reopened.login("admin", &pw(ADMIN_PW), "t").unwrap();
    assert_eq!(reopened.audit_verify(&admin_again, None).unwrap().first_bad, None);
    drop(reopened);
    // A second restore into a filled directory is refused.
    assert!(matches!(backup::restore(&file, target.path(), &unlock, "t"), Err(StoreError::AlreadyInitialised { .. })));
    // A changed byte is caught by the checksum.
    let mut bytes = std::fs::read(&file).unwrap();
    let last = bytes.len() - 3;
    bytes[last] ^= 1;
    std::fs::write(&file, bytes).unwrap();
    assert!(matches!(backup::verify(&file, &unlock), Err(StoreError::BadBackup { .. })));
}

#[test]
fn policy_table_is_enforced_for_every_role_and_operation() {
    // Each operation is exercised through the store for every role; the outcome (denied or not)
    // must match the policy table.
    let (_dir, store, admin) = fresh();
    // Backups go outside the data directory.
    let outside = tempfile::tempdir().unwrap();
    let actors: Vec<Actor> = Role::ALL
        .iter()
        .map(|role| if *role == Role::Admin { admin.clone() } else { staff(&store, &admin, role.name(), *role) })
        .collect();
    let nurse = actors[1].clone();
    let client = store.create_client(&nurse, &new_client("P")).unwrap();
    for actor in &actors {
        for operation in Operation::ALL {
            let encounter = store.start_encounter(&nurse, &client, EncounterOrigin::Staff).unwrap();
            let result: Result<()> = match operation {
                Operation::ReadOrganisation => store.organisation(actor).map(|_| ()),
                Operation::UpdateSettings => store.update_settings(actor, &SettingsUpdate::default()).map(|_| ()),
                Operation::ManageAccounts => store.set_account_status(actor, "intake", AccountStatus::Active),
                Operation::ListAccounts => store.list_accounts(actor).map(|_| ()),
                Operation::ChangeOwnPassword => {
                    store.set_password(actor, actor.user(), &pw(&format!("{} password long enough", actor.user())))
                }
                Operation::CreateClient => store.create_client(actor, &new_client("Q")).map(|_| ()),
                Operation::UpdateClient => store
                    .update_client(actor, &client, &ClientUpdate { province: Some(Province::Ns), ..Default::default() })
                    .map(|_| ()),
                Operation::ReadClient => store.client(actor, &client).map(|_| ()),
                Operation::ListClients => store.list_clients(actor).map(|_| ()),
                Operation::StartEncounter => store.start_encounter(actor, &client, EncounterOrigin::Staff).map(|_| ()),
                Operation::ReadEncounter => store.encounter(actor, &encounter.id).map(|_| ()),
                Operation::RecordConsent => {
                    store.record_consent(actor, &encounter.id, "1", ConsentAnswer::Given).map(|_| ())
                }
                Operation::SaveAnswer => store.save_answer(actor, &encounter.id, &answer("q1", 0, 0)).map(|_| ()),
                Operation::SaveResult => store
                    .save_result(
                        actor,
                        &encounter.id,
                        &NewResult {
                            instrument: answer("q", 0, 0).instrument,
                            total: Some(0),
                            subscales: BTreeMap::new(),
                            band: "b".into(),
                            flags: vec![],
                        },
                    )
                    .map(|_| ()),
                Operation::RecordDecision => store
                    .save_decision(
                        actor,
                        &encounter.id,
                        &NewDecision {
                            suggested_level: "1".into(),
                            rules_fired: vec![],
                            final_level: None,
                            override_reason: None,
                            lifted_exclusions: Vec::new(),
                        },
                    )
                    .map(|_| ()),
                Operation::OverrideDecision => store
                    .save_decision(
                        actor,
                        &encounter.id,
                        &NewDecision {
                            suggested_level: "1".into(),
                            rules_fired: vec![],
                            final_level: Some("3".into()),
                            override_reason: Some("r".into()),
                            lifted_exclusions: Vec::new(),
                        },
                    )
                    .map(|_| ()),
                Operation::RecordReferral => store
                    .save_referral(actor, &encounter.id, &NewReferral { resources: vec![], notes: None })
                    .map(|_| ()),
                Operation::RecordCrisisAction => store
                    .record_crisis_action(
                        actor,
                        &encounter.id,
                        &NewCrisisAction {
                            flags: vec!["phq9.suicidal_ideation".into()],
                            action: "crisis_line".into(),
                            note: None,
                        },
                    )
                    .map(|_| ()),
                Operation::WaiveFollowUp => store
                    .record_crisis_action(
                        actor,
                        &encounter.id,
                        &NewCrisisAction {
                            flags: vec!["asq".into()],
                            action: crate::store::CRISIS_FOLLOW_UP_WAIVED.into(),
                            note: Some("ASQ done at the previous visit".into()),
                        },
                    )
                    .map(|_| ()),
                Operation::UpdateEncounterStatus => {
                    store.set_encounter_status(actor, &encounter.id, EncounterStatus::Submitted).map(|_| ())
                }
                // Refused (not finished) when allowed, denied otherwise.
                Operation::ReopenEncounter => store.reopen_encounter(actor, &encounter.id, "came back").map(|_| ()),
                Operation::SubmitSealed => store.submit_sealed(actor, &RecordId::random(), b"sealed").map(|_| ()),
                Operation::ReadSubmissions => store.list_submissions(actor).map(|_| ()),
                Operation::ReadAudit => {
                    store.audit_list(actor, &AuditFilter { limit: Some(1), ..Default::default() }).map(|_| ())
                }
                Operation::VerifyAudit => store.audit_verify(actor, None).map(|_| ()),
                Operation::CreateBackup => {
                    backup::create(&store, actor, &outside.path().join(format!("b-{}", actor.user()))).map(|_| ())
                }
                Operation::SeedSynthetic => store.seed_synthetic(actor, 1).map(|_| ()),
                Operation::IssueCheckin => store.issue_checkin(actor, None, 60_000).map(|_| ()),
                Operation::ListCheckins => store.list_checkins(actor).map(|_| ()),
                // Refused (no such code) when allowed, denied otherwise.
                Operation::RevokeCheckin => store.revoke_checkin(actor, "ACDE-FGHJ").map(|_| ()),
                Operation::RedeemCheckin => store.redeem_checkin(actor, "ACDE-FGHJ").map(|_| ()),
                Operation::ExitKiosk => store.verify_kiosk_pin(actor, &pw("123456")),
                Operation::ExportData => store.export_encounters(actor, None, 1, Some("test")).map(|_| ()),
                Operation::ImportData => store.import_records(actor, &[]).map(|_| ()),
                Operation::ReadReports => {
                    store.tally_summaries(actor, &mut crate::store::test_support::SummaryRecorder::default())
                }
                // Enforced by the owner (server) on these; checked against the same table there.
                Operation::SubscribeEvents | Operation::StopOwner => continue,
            };
            let denied = matches!(result, Err(StoreError::Denied { .. }));
            // Seeding is refused (real data) rather than denied for admin; any non-denial counts.
            assert_eq!(
                !denied,
                crate::auth::allowed(actor.role(), operation),
                "{} {operation}: {result:?}",
                actor.role()
            );
        }
    }
}

#[derive(Debug, Clone)]
enum Op {
    Save { encounter: usize, item: u8, position: u32, score: i64 },
    Reopen,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => (0usize..3, 0u8..6, 0u32..5, -3i64..30).prop_map(|(encounter, item, position, score)| Op::Save { encounter, item, position, score }),
        1 => Just(Op::Reopen),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    /// Model test: the store's current answers match a BTreeMap after any sequence of saves and
    /// reopenings (every save returned after flush, so every reopen must see it).
    #[test]
    fn store_matches_a_btreemap_model(ops in proptest::collection::vec(op(), 1..30)) {
        let (dir, mut store, admin) = fresh();
        let password = pw("ivy password long enough");
        store.add_account(&admin, &NewAccount { username: "ivy".into(), display_name: "Ivy".into(), role: Role::Intake }, &password).unwrap();
        let mut intake = store.login("ivy", &password, "t").unwrap();
        let client = store.create_client(&intake, &new_client("M")).unwrap();
        let encounters: Vec<RecordId> = (0..3).map(|_| store.start_encounter(&intake, &client, EncounterOrigin::Staff).unwrap().id).collect();
        let mut model: BTreeMap<(usize, String), (u32, i64)> = BTreeMap::new();
        for op in ops {
            match op {
                Op::Save { encounter, item, position, score } => {
                    let item = format!("q{item}");
                    store.save_answer(&intake, &encounters[encounter], &answer(&item, position, score)).unwrap();
                    model.insert((encounter, item), (position, score));
                }
                Op::Reopen => {
                    drop(store);
                    store = SledStore::open(dir.path()).unwrap();
                    intake = store.login("ivy", &password, "t").unwrap();
                }
            }
            let mut actual = BTreeMap::new();
            for (index, id) in encounters.iter().enumerate() {
                for answer in store.encounter(&intake, id).unwrap().current_answers() {
                    actual.insert((index, answer.item_id.clone()), (answer.position, answer.score));
                }
            }
            prop_assert_eq!(&actual, &model);
        }
    }

    /// Arbitrary bytes stored in any tree never panic any read path.
    #[test]
    fn arbitrary_stored_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200), tree_index in 0usize..14) {
        let (_dir, store, admin) = fresh();
        let password = pw("ivy password long enough");
        store.add_account(&admin, &NewAccount { username: "ivy".into(), display_name: "Ivy".into(), role: Role::Intake }, &password).unwrap();
        let intake = store.login("ivy", &password, "t").unwrap();
        let client = store.create_client(&intake, &new_client("M")).unwrap();
        let encounter = store.start_encounter(&intake, &client, EncounterOrigin::Staff).unwrap();
        store.save_answer(&intake, &encounter.id, &answer("q1", 1, 1)).unwrap();
        let tree = sled_store::T::ALL[tree_index];
        let keys: Vec<_> = store.tree(tree).iter().keys().filter_map(|k| k.ok()).collect();
        for key in keys {
            store.tree(tree).insert(key, bytes.clone()).unwrap();
        }
        let _ = store.client(&intake, &client);
        let _ = store.list_clients(&intake);
        let _ = store.encounter(&intake, &encounter.id);
        let _ = store.client_history(&intake, &client);
        let _ = store.list_accounts(&admin);
        let _ = store.audit_verify(&admin, None);
        let _ = store.audit_list(&admin, &AuditFilter::default());
        let _ = store.list_submissions(&intake);
        let _ = store.status();
        let _ = store.login("ivy", &password, "t");
    }
}

// ---- editing a client (store::sled_store::clients) ------------------------------------------

fn audit_of(store: &SledStore, admin: &Actor, client: RecordId) -> Vec<AuditEntry> {
    let filter = AuditFilter { client: Some(client), action: Some("client.update".into()), ..Default::default() };
    store.audit_list(admin, &filter).unwrap()
}

#[test]
fn editing_a_client_merges_validates_seals_and_audits_field_names_only() {
    let (dir, store, admin) = fresh();
    let intake = staff(&store, &admin, "ivy", Role::Intake);
    let id = store
        .create_client(&intake, &NewClient { contact: Some("555-0100".into()), ..new_client("Ada Lovelace") })
        .unwrap();
    let before = store.client(&intake, &id).unwrap();
    let changes = ClientUpdate {
        birth_date: Some(None),
        province: Some(Province::Qc),
        language: Some(Lang::Fr),
        access_needs: Some(vec!["phone_only".into()]),
        ..Default::default()
    };
    let updated = store.update_client(&intake, &id, &changes).unwrap();
    assert_eq!(updated.changed, vec!["birth_date", "province", "language", "access_needs"]);
    let after = updated.client.clone().unwrap();
    assert_eq!((after.province, after.language, after.birth_date.as_deref()), (Some(Province::Qc), Lang::Fr, None));
    assert_eq!(after.access_needs, vec!["phone_only".to_string()]);
    // Fields not given are kept; identity and provenance never change.
    assert_eq!((after.name.as_str(), after.contact.as_deref()), ("Ada Lovelace", Some("555-0100")));
    assert_eq!((after.id, after.created_ms, &after.created_by), (before.id, before.created_ms, &before.created_by));
    assert_eq!(store.client(&intake, &id).unwrap(), after);

    // The audit names the client and the fields, never a value.
    let entries = audit_of(&store, &admin, id);
    let record = entries.last().and_then(|e| e.record.clone()).unwrap();
    assert_eq!(record, format!("{id} birth_date,province,language,access_needs"));
    // Nothing personal in clear anywhere in the database files: the new province code is short,
    // so look for the (unchanged) name and the new access need, both sealed.
    drop(store);
    for entry in walkdir(dir.path()) {
        let bytes = std::fs::read(&entry).unwrap_or_default();
        for needle in [&b"Ada Lovelace"[..], b"phone_only"] {
            assert!(!bytes.windows(needle.len()).any(|w| w == needle), "{} holds it in clear", entry.display());
        }
    }

    // Durable: a reopened store reads the new values.
    let store = SledStore::open(dir.path()).unwrap();
    let intake = store.login("ivy", &pw("ivy password long enough"), "test").unwrap();
    assert_eq!(store.client(&intake, &id).unwrap(), after);

    // Invalid values are refused with the create rules and leave the record as it was.
    for bad in [
        ClientUpdate { name: Some("   ".into()), ..Default::default() },
        ClientUpdate { name: Some("Ada\u{1b}[2J".into()), ..Default::default() },
        ClientUpdate { birth_date: Some(Some("1990-02-30".into())), ..Default::default() },
        ClientUpdate { access_needs: Some(vec!["x".repeat(101)]), ..Default::default() },
    ] {
        assert!(matches!(store.update_client(&intake, &id, &bad), Err(StoreError::Invalid { .. })), "{bad:?}");
    }
    assert_eq!(store.client(&intake, &id).unwrap(), after);

    // The same values again change nothing, and the attempt is still audited.
    let admin = store.login("admin", &pw(ADMIN_PW), "test").unwrap();
    let count = audit_of(&store, &admin, id).len();
    let again = store.update_client(&intake, &id, &changes).unwrap();
    assert!(again.changed.is_empty());
    let entries = audit_of(&store, &admin, id);
    assert_eq!(entries.len(), count + 1);
    assert_eq!(entries.last().and_then(|e| e.record.clone()), Some(format!("{id} (no change)")));

    // An unknown client is not found.
    assert!(matches!(
        store.update_client(&intake, &RecordId::random(), &changes),
        Err(StoreError::NotFound { kind: "client", .. })
    ));
}

#[test]
fn editing_a_client_follows_the_policy_table_and_admins_get_no_record_back() {
    let (_dir, store, admin) = fresh();
    let intake = staff(&store, &admin, "ivy", Role::Intake);
    let kiosk = staff(&store, &admin, "k1", Role::Kiosk);
    let id = store.create_client(&intake, &new_client("Lee Park")).unwrap();
    let change = ClientUpdate { province: Some(Province::Bc), ..Default::default() };
    assert!(matches!(store.update_client(&kiosk, &id, &change), Err(StoreError::Denied { .. })));
    let denied = store
        .audit_list(&admin, &AuditFilter { action: Some("denied.update_client".into()), ..Default::default() })
        .unwrap();
    assert_eq!(denied.len(), 1);
    assert_eq!(store.client(&intake, &id).unwrap().province, Some(Province::On));
    // Administrators may correct a client (as they may create one) but read no client record.
    let updated = store.update_client(&admin, &id, &change).unwrap();
    assert_eq!((updated.changed.as_slice(), updated.client), (&["province".to_string()][..], None));
    assert_eq!(store.client(&intake, &id).unwrap().province, Some(Province::Bc));
}

#[test]
fn a_client_update_tells_a_removed_field_from_a_kept_one() {
    let keep: ClientUpdate = serde_json::from_str(r#"{"province": "QC"}"#).unwrap();
    assert_eq!((keep.birth_date, keep.contact), (None, None));
    let remove: ClientUpdate = serde_json::from_str(r#"{"birth_date": null, "contact": "x"}"#).unwrap();
    assert_eq!((&remove.birth_date, &remove.contact), (&Some(None), &Some(Some("x".into()))));
    let round: ClientUpdate = serde_json::from_str(&serde_json::to_string(&remove).unwrap()).unwrap();
    assert_eq!(round, remove);
    assert_eq!(serde_json::to_string(&ClientUpdate::default()).unwrap(), "{}");
}

#[test]
fn the_sex_for_scoring_is_recorded_merged_removed_and_audited_by_name_only() {
    let (_dir, store, admin) = fresh();
    let intake = staff(&store, &admin, "ivy", Role::Intake);
    let id = store
        .create_client(&intake, &NewClient { sex_for_scoring: Some(Sex::Female), ..new_client("Ada Lovelace") })
        .unwrap();
    assert_eq!(store.client(&intake, &id).unwrap().sex_for_scoring, Some(Sex::Female));
    // Another field changed: the sex for scoring is kept.
    let kept = store
        .update_client(&intake, &id, &ClientUpdate { province: Some(Province::Qc), ..Default::default() })
        .unwrap();
    assert_eq!(kept.client.and_then(|c| c.sex_for_scoring), Some(Sex::Female));
    let male = ClientUpdate { sex_for_scoring: Some(Some(Sex::Male)), ..Default::default() };
    let changed = store.update_client(&intake, &id, &male).unwrap();
    assert_eq!(changed.changed, vec!["sex_for_scoring"]);
    assert_eq!(changed.client.and_then(|c| c.sex_for_scoring), Some(Sex::Male));
    // `null` removes it, as for the date of birth.
    let remove: ClientUpdate = serde_json::from_str(r#"{"sex_for_scoring": null}"#).unwrap();
    assert_eq!(remove.sex_for_scoring, Some(None));
    let removed = store.update_client(&intake, &id, &remove).unwrap();
    assert_eq!(removed.client.and_then(|c| c.sex_for_scoring), None);
    // The audit names the field, never its value.
    let entries = audit_of(&store, &admin, id);
    let records: Vec<String> = entries.iter().filter_map(|e| e.record.clone()).collect();
    assert!(records.contains(&format!("{id} sex_for_scoring")), "{records:?}");
    assert!(records.iter().all(|r| !r.contains("male")), "{records:?}");
}

#[test]
fn a_client_recorded_before_the_sex_for_scoring_existed_reads_as_not_given() {
    let stored = serde_json::json!({
        "schema_version": 1, "id": "00000000000000000000000000000001", "name": "Ada", "birth_date": null,
        "province": "ON", "language": "en", "created_ms": 0, "created_by": "ivy"
    });
    let client: Client = serde_json::from_value(stored).unwrap();
    assert_eq!(client.sex_for_scoring, None);
    let new: NewClient =
        serde_json::from_str(r#"{"name": "Ada", "birth_date": null, "province": "ON", "language": "en"}"#).unwrap();
    assert_eq!(new.sex_for_scoring, None);
}

/// Every file under `dir`.
fn walkdir(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        match std::fs::read_dir(&path) {
            Ok(entries) => stack.extend(entries.filter_map(|e| e.ok()).map(|e| e.path())),
            Err(_) => out.push(path),
        }
    }
    out
}

/// One field of a client edit: the value sent, and what the store keeps if it is accepted
/// (`None`: the value is invalid and the whole edit must be refused).
fn edit_choice<T: Clone + std::fmt::Debug + 'static>(
    options: Vec<(T, Option<T>)>,
) -> impl Strategy<Value = Option<(T, Option<T>)>> {
    proptest::option::of(proptest::sample::select(options))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, .. ProptestConfig::default() })]

    /// Model test: after any sequence of edits (valid or not) the stored client equals a model
    /// that applies the valid ones and ignores the refused ones, and every accepted edit reports
    /// exactly the fields whose value changed.
    #[test]
    fn client_edits_match_a_model(edits in proptest::collection::vec((
        edit_choice(vec![
            ("Ann Lee".to_string(), Some("Ann Lee".to_string())),
            ("  Zoé Roy ".to_string(), Some("Zoé Roy".to_string())),
            ("".to_string(), None),
            ("a\u{202e}b".to_string(), None),
        ]),
        edit_choice(vec![
            (None, Some(None)),
            (Some("2001-02-03".to_string()), Some(Some("2001-02-03".to_string()))),
            (Some("2001-02-30".to_string()), None),
        ]),
        edit_choice(vec![
            (Province::Qc, Some(Province::Qc)),
            (Province::Ns, Some(Province::Ns)),
        ]),
        edit_choice(vec![(Lang::En, Some(Lang::En)), (Lang::Fr, Some(Lang::Fr))]),
        edit_choice(vec![
            (vec![], Some(vec![])),
            (vec!["no_internet".to_string(), "phone_only".to_string()], Some(vec!["no_internet".to_string(), "phone_only".to_string()])),
        ]),
    ), 1..8)) {
        let (_dir, store, admin) = fresh();
        let password = pw("ivy password long enough");
        store.add_account(&admin, &NewAccount { username: "ivy".into(), display_name: "Ivy".into(), role: Role::Intake }, &password).unwrap();
        let intake = store.login("ivy", &password, "t").unwrap();
        let id = store.create_client(&intake, &new_client("Model Client")).unwrap();
        let mut model = store.client(&intake, &id).unwrap();
        for (name, birth, province, language, access) in edits {
            let changes = ClientUpdate {
                name: name.as_ref().map(|(sent, _)| sent.clone()),
                birth_date: birth.as_ref().map(|(sent, _)| sent.clone()),
                province: province.as_ref().map(|(sent, _)| *sent),
                language: language.as_ref().map(|(sent, _)| *sent),
                access_needs: access.as_ref().map(|(sent, _)| sent.clone()),
                ..Default::default()
            };
            let valid = name.as_ref().is_none_or(|(_, kept)| kept.is_some())
                && birth.as_ref().is_none_or(|(_, kept)| kept.is_some())
                && province.as_ref().is_none_or(|(_, kept)| kept.is_some());
            let result = store.update_client(&intake, &id, &changes);
            if !valid {
                prop_assert!(matches!(result, Err(StoreError::Invalid { .. })), "{:?}", result);
            } else {
                let mut next = model.clone();
                if let Some((_, Some(kept))) = name { next.name = kept; }
                if let Some((_, Some(kept))) = birth { next.birth_date = kept; }
                if let Some((_, Some(kept))) = province { next.province = Some(kept); }
                if let Some((_, Some(kept))) = language { next.language = kept; }
                if let Some((_, Some(kept))) = access { next.access_needs = kept; }
                let mut expected = Vec::new();
                for (field, differs) in [
                    ("name", next.name != model.name),
                    ("birth_date", next.birth_date != model.birth_date),
                    ("province", next.province != model.province),
                    ("language", next.language != model.language),
                    ("access_needs", next.access_needs != model.access_needs),
                ] {
                    if differs { expected.push(field.to_string()); }
                }
                let updated = result.unwrap();
                prop_assert_eq!(&updated.changed, &expected);
                model = next;
            }
            prop_assert_eq!(&store.client(&intake, &id).unwrap(), &model);
        }
    }
}

#[test]
fn settings_are_checked_audited_by_name_and_read_back_after_reopening() {
    let (dir, store, admin) = fresh();
    let settings = |store: &SledStore, actor: &Actor| store.organisation(actor).unwrap().settings;
    assert_eq!(settings(&store, &admin), Settings::default());
    let changes = SettingsUpdate {
        staff_idle_lock_minutes: Some(25),
        crisis_text: Some("Stay with the client; call extension 200.".into()),
        crisis_text_fr: Some(Some("Restez avec la personne; composez le poste 200.".into())),
        ..Default::default()
    };
    let updated = store.update_settings(&admin, &changes).unwrap();
    assert_eq!(updated.changed, ["staff_idle_lock_minutes", "crisis_text", "crisis_text_fr"]);
    assert_eq!(updated.settings.kiosk_timeout_seconds, 120, "not given, so kept");
    assert_eq!(settings(&store, &admin), updated.settings);

    // Refused values change nothing and say which setting is wrong.
    for (bad, field) in [
        (SettingsUpdate { staff_idle_lock_minutes: Some(0), ..Default::default() }, "staff idle lock"),
        (SettingsUpdate { kiosk_timeout_seconds: Some(10), ..Default::default() }, "kiosk timeout"),
        (SettingsUpdate { crisis_text: Some("  ".into()), ..Default::default() }, "crisis text"),
        (
            SettingsUpdate { crisis_text_fr: Some(Some("\u{1b}]0;x\u{7}".into())), ..Default::default() },
            "French crisis text",
        ),
    ] {
        match store.update_settings(&admin, &bad) {
            Err(StoreError::Invalid { field: got, .. }) => assert_eq!(got, field, "{bad:?}"),
            other => panic!("{bad:?} gave {other:?}"),
        }
    }
    assert_eq!(settings(&store, &admin), updated.settings);

    // Only an administrator may change them; a refusal is audited.
    let nurse = staff(&store, &admin, "cleo", Role::Clinician);
    assert!(matches!(store.update_settings(&nurse, &changes), Err(StoreError::Denied { .. })));

    // The audit names the settings, never the texts; the same values again change nothing.
    store.update_settings(&admin, &changes).unwrap();
    let filter = AuditFilter { action: Some("settings.update".into()), ..Default::default() };
    let entries = store.audit_list(&admin, &filter).unwrap();
    let records: Vec<Option<String>> = entries.iter().map(|e| e.record.clone()).collect();
    assert_eq!(
        records,
        [Some("staff_idle_lock_minutes,crisis_text,crisis_text_fr".to_string()), Some("(no change)".to_string())]
    );
    let denied = AuditFilter { action: Some("denied.update_settings".into()), ..Default::default() };
    assert_eq!(store.audit_list(&admin, &denied).unwrap().len(), 1);
    assert!(!format!("{entries:?}").contains("extension 200"));

    // Durable, and the French text can be removed again.
    drop(store);
    let store = SledStore::open(dir.path()).unwrap();
    let admin = store.login("admin", &pw(ADMIN_PW), "test").unwrap();
    assert_eq!(settings(&store, &admin), updated.settings);
    let removed = store.update_settings(&admin, &SettingsUpdate { crisis_text_fr: Some(None), ..Default::default() });
    assert_eq!(removed.unwrap().changed, ["crisis_text_fr"]);
    assert_eq!(settings(&store, &admin).crisis_text_fr, None);
}

/// Issue 11: the queue ranks critical, then urgent (only `urgent_raised` records), then the rest;
/// a changed risk answer needs its reason, and only a clinician waives a follow-up.
#[test]
fn the_queue_ranks_critical_then_urgent_and_risk_changes_need_a_reason_and_the_right_role() {
    let (_dir, store, admin) = fresh();
    let ivy = staff(&store, &admin, "ivy", Role::Intake);
    let cleo = staff(&store, &admin, "cleo", Role::Clinician);
    let client = store.create_client(&ivy, &new_client("Ada")).unwrap();
    let start = || store.start_encounter(&ivy, &client, EncounterOrigin::Staff).unwrap().id;
    let (critical, urgent, plain) = (start(), start(), start());
    let record = |actor: &Actor, encounter: &RecordId, flags: &[&str], action: &str, note: Option<&str>| {
        let crisis = NewCrisisAction {
            flags: flags.iter().map(|f| f.to_string()).collect(),
            action: action.into(),
            note: note.map(str::to_string),
        };
        store.record_crisis_action(actor, encounter, &crisis)
    };
    record(&ivy, &urgent, &["asq.non_acute_positive"], CRISIS_URGENT_RAISED, None).unwrap();
    record(&ivy, &urgent, &["asq.non_acute_positive"], "bssa_done", None).unwrap();
    record(&ivy, &critical, &["phq9.suicidal_ideation"], CRISIS_FLAG_RAISED, None).unwrap();
    let queue = store.open_encounters(&ivy).unwrap();
    let ranked: Vec<(RecordId, bool, bool)> = queue.iter().map(|o| (o.encounter.id, o.critical, o.urgent)).collect();
    assert_eq!(ranked[..2], [(critical, true, false), (urgent, false, true)]);
    assert_eq!(ranked[2], (plain, false, false));

    // A changed answer that withdraws a flag needs its reason; so does a waiver.
    let refused = record(&ivy, &critical, &["phq9.suicidal_ideation"], CRISIS_ANSWER_CHANGED, Some("  "));
    assert!(matches!(refused, Err(StoreError::Invalid { field: "note", .. })), "{refused:?}");
    record(&ivy, &critical, &["phq9.suicidal_ideation"], CRISIS_ANSWER_CHANGED, Some("mis-keyed")).unwrap();
    // The changed answer does not lower the encounter's rank: the raised flag stays on record.
    assert!(store.open_encounters(&ivy).unwrap()[0].critical);
    let denied = record(&ivy, &critical, &["asq"], CRISIS_FOLLOW_UP_WAIVED, Some("done this morning"));
    assert!(matches!(denied, Err(StoreError::Denied { operation: Operation::WaiveFollowUp, .. })), "{denied:?}");
    let blank = record(&cleo, &critical, &["asq"], CRISIS_FOLLOW_UP_WAIVED, None);
    assert!(matches!(blank, Err(StoreError::Invalid { .. })), "{blank:?}");
    let waived = record(&cleo, &critical, &["asq"], CRISIS_FOLLOW_UP_WAIVED, Some("ASQ done this morning")).unwrap();
    assert_eq!((waived.recorded_by.as_str(), waived.note.as_deref()), ("cleo", Some("ASQ done this morning")));
}

// ---- who accessed a client (issue 14, item 7) -------------------------------------------------

#[test]
fn the_queue_export_pages_and_imports_name_every_client_they_show_or_move() {
    use crate::store::pages::Record;
    let (_dir, store, admin) = fresh();
    let ivy = staff(&store, &admin, "ivy", Role::Intake);
    let ada = store.create_client(&ivy, &new_client("Ada")).unwrap();
    let bo = store.create_client(&ivy, &new_client("Bo")).unwrap();
    for client in [ada, ada, bo] {
        store.start_encounter(&ivy, &client, EncounterOrigin::Staff).unwrap();
    }
    let accesses = |client: RecordId| -> Vec<String> {
        let filter = AuditFilter { client: Some(client), ..Default::default() };
        store.audit_list(&admin, &filter).unwrap().into_iter().map(|e| e.action).collect()
    };
    assert!(!accesses(ada).contains(&"encounter.list_open".to_string()), "no queue shown yet");
    assert_eq!(store.open_encounters(&ivy).unwrap().len(), 3);
    let page = store.export_encounters(&admin, None, 10, Some("test")).unwrap();
    assert_eq!(page.items.len(), 3);
    for client in [ada, bo] {
        let seen = accesses(client);
        for action in ["client.create", "encounter.list_open", "export.encounters"] {
            assert!(seen.contains(&action.to_string()), "{action} does not name client {client}: {seen:?}");
        }
    }
    let queue_entry = store
        .audit_list(&admin, &AuditFilter { action: Some("encounter.list_open".into()), ..Default::default() })
        .unwrap();
    let named = &queue_entry[0].clients;
    assert!(named.len() == 2 && named.contains(&ada) && named.contains(&bo), "each client once: {named:?}");

    // An import names the clients it brings in.
    let (_other_dir, other, other_admin) = fresh();
    let records: Vec<Record> = page
        .items
        .iter()
        .flat_map(|item| {
            let mut records: Vec<Record> = item.client.clone().map(Record::Client).into_iter().collect();
            records.push(Record::Encounter(item.detail.encounter.clone()));
            records
        })
        .collect::<Vec<_>>();
    let mut unique = Vec::new();
    for record in records {
        let duplicate = matches!(&record, Record::Client(c) if unique.iter().any(|r| matches!(r, Record::Client(d) if d.id == c.id)));
        if !duplicate {
            unique.push(record);
        }
    }
    other.import_records(&other_admin, &unique).unwrap();
    let imported = other
        .audit_list(&other_admin, &AuditFilter { action: Some("import.batch".into()), ..Default::default() })
        .unwrap();
    assert_eq!(imported[0].clients.len(), 2);
    assert!(imported[0].clients.contains(&ada) && imported[0].clients.contains(&bo));
}

#[test]
fn an_import_runs_the_checks_of_a_new_record_and_names_the_importer_as_author() {
    use crate::store::pages::Record;
    let (_dir, store, admin) = fresh();
    let ivy = staff(&store, &admin, "ivy", Role::Intake);
    let ada = store.create_client(&ivy, &new_client("Ada")).unwrap();
    let encounter = store.start_encounter(&ivy, &ada, EncounterOrigin::Staff).unwrap().id;
    store.save_answer(&ivy, &encounter, &answer("q1", 1, 1)).unwrap();
    let page = store.export_encounters(&admin, None, 10, Some("test")).unwrap();
    let item = &page.items[0];
    let client = item.client.clone().unwrap();
    let answers: Vec<Record> = item.detail.answers.iter().cloned().map(Record::Answer).collect();
    let good = || {
        let mut records = vec![Record::Client(client.clone()), Record::Encounter(item.detail.encounter.clone())];
        records.extend(answers.clone());
        records
    };

    // A forged record with escape codes, or a name too long, is refused by name; nothing lands.
    let (_other_dir, other, other_admin) = fresh();
    let mut forged = good();
    if let Record::Client(c) = &mut forged[0] {
        c.name = "Ada\u{1b}[2J".into();
    }
    let error = other.import_records(&other_admin, &forged).unwrap_err().to_string();
    assert!(error.contains(&format!("client {ada}")) && error.contains("control"), "{error}");
    let mut forged = good();
    if let Record::Answer(a) = &mut forged[2] {
        a.free_text = Some("x".repeat(4001));
    }
    let error = other.import_records(&other_admin, &forged).unwrap_err().to_string();
    assert!(error.contains("answer") && error.contains("longer than 4000"), "{error}");
    assert!(
        other.export_encounters(&other_admin, None, 10, Some("test")).unwrap().items.is_empty(),
        "nothing was imported"
    );

    // A clean file goes in, every record authored by the importer, the file's claim kept as one.
    other.import_records(&other_admin, &good()).unwrap();
    let imported = other.export_encounters(&other_admin, None, 10, Some("test")).unwrap();
    let detail = &imported.items[0].detail;
    assert_eq!(detail.encounter.created_by, "admin (imported; the file says ivy)");
    assert!(detail.answers.iter().all(|a| a.recorded_by == "admin (imported; the file says ivy)"));
    assert_eq!(imported.items[0].client.as_ref().unwrap().created_by, "admin (imported; the file says ivy)");
}

/// A store with `clients` clients created (each one audited commit), closed; returns its
/// directory and how many audit entries were committed.
fn closed_store_with(clients: usize) -> (tempfile::TempDir, u64) {
    let (dir, store, admin) = fresh();
    let intake = staff(&store, &admin, "ivy", Role::Intake);
    for n in 0..clients {
        store.create_client(&intake, &new_client(&format!("Client {n}"))).unwrap();
    }
    let committed = store.lock_head_for_tests().count;
    drop(store);
    // sled's background threads let go of the files a moment after the drop.
    std::thread::sleep(std::time::Duration::from_millis(50));
    (dir, committed)
}

/// What a damaged store does on open: refuses, naming the loss, or opens holding everything.
fn opens_whole_or_names_the_loss(dir: &std::path::Path, committed: u64, damage: &str) -> Option<String> {
    match SledStore::open(dir) {
        Ok(store) => {
            assert_eq!(store.lock_head_for_tests().count, committed, "{damage}: opened silently with entries missing");
            None
        }
        Err(StoreError::AuditLoss { detail, .. }) => Some(detail),
        // sled itself may notice the damage and refuse: not silent either.
        Err(StoreError::Corrupt { .. }) => None,
        Err(other) => panic!("{damage}: unexpected error {other}"),
    }
}

#[test]
fn a_database_log_cut_short_or_damaged_is_never_opened_silently() {
    type Damage = fn(&mut Vec<u8>);
    let damages: [(&str, Damage); 3] = [
        ("truncated to 90%", |log| log.truncate(log.len() * 9 / 10)),
        ("truncated to 60%", |log| log.truncate(log.len() * 6 / 10)),
        ("a byte flipped 87% in", |log| {
            let at = log.len() * 87 / 100;
            log[at] ^= 0x5a;
        }),
    ];
    let mut named = 0;
    for (damage, apply) in damages {
        let (dir, committed) = closed_store_with(150);
        let log_path = dir.path().join("db").join("db");
        let mut log = std::fs::read(&log_path).unwrap();
        apply(&mut log);
        std::fs::write(&log_path, &log).unwrap();
        if let Some(detail) = opens_whole_or_names_the_loss(dir.path(), committed, damage) {
            named += 1;
            // The loss is counted: open it as it is to see what the log still holds.
            let (store, loss) = SledStore::open_checking(dir.path(), sled_store::WitnessCheck::AcceptLoss).unwrap();
            let found = store.lock_head_for_tests().count;
            assert!(found < committed, "{damage}");
            assert_eq!(loss.as_deref(), Some(detail.as_str()));
            assert!(
                detail.contains(&format!("{} audit entries", committed - found))
                    && detail.contains(&format!("{committed} entries were committed")),
                "{damage}: {detail}"
            );
        }
    }
    assert!(named >= 1, "no damage variant lost anything: the test does not exercise the witness");
}

#[test]
fn a_store_whose_loss_was_accepted_records_it_and_opens_again() {
    let (dir, committed) = closed_store_with(120);
    let log_path = dir.path().join("db").join("db");
    let log = std::fs::read(&log_path).unwrap();
    std::fs::write(&log_path, &log[..log.len() / 2]).unwrap();
    let Err(StoreError::AuditLoss { .. }) = SledStore::open(dir.path()) else { panic!("a loss should be refused") };
    let (store, loss) = SledStore::open_checking(dir.path(), sled_store::WitnessCheck::AcceptLoss).unwrap();
    let loss = loss.expect("the loss");
    let admin = store.login("admin", &pw(ADMIN_PW), "test").unwrap();
    assert!(matches!(store.accept_loss(&admin, &loss, "  "), Err(StoreError::Invalid { field: "reason", .. })));
    store.accept_loss(&admin, &loss, "disk failed; no backup newer than the loss").unwrap();
    let entries = store
        .audit_list(&admin, &AuditFilter { action: Some("audit.loss_accepted".into()), ..Default::default() })
        .unwrap();
    assert_eq!(entries.len(), 1);
    let record = entries[0].record.clone().unwrap_or_default();
    assert!(record.contains("missing") && record.contains("reason: disk failed"), "{record}");
    assert!(store.lock_head_for_tests().count < committed);
    drop(store);
    std::thread::sleep(std::time::Duration::from_millis(50));
    // The witness follows the log again: the store opens, and the chain verifies.
    let store = SledStore::open(dir.path()).unwrap();
    let admin = store.login("admin", &pw(ADMIN_PW), "test").unwrap();
    assert_eq!(store.audit_verify(&admin, None).unwrap().first_bad, None);
}

#[test]
fn a_removed_or_replaced_witness_or_a_lost_database_is_named() {
    // The witness removed.
    let (dir, _) = closed_store_with(3);
    std::fs::remove_file(dir.path().join(sled_store::WITNESS_FILE)).unwrap();
    let Err(StoreError::AuditLoss { detail, .. }) = SledStore::open(dir.path()) else { panic!("a removed witness") };
    assert!(detail.contains("was removed"), "{detail}");
    // The database removed beside its witness: not taken for a new store.
    let (dir, committed) = closed_store_with(3);
    std::fs::remove_dir_all(dir.path().join("db")).unwrap();
    let Err(StoreError::AuditLoss { detail, .. }) = SledStore::open(dir.path()) else { panic!("a lost database") };
    assert!(detail.contains(&format!("records {committed} committed")), "{detail}");
    // A log whose witnessed entry differs (another store's log put in its place).
    let (dir, _) = closed_store_with(3);
    let (other, _) = closed_store_with(3);
    std::fs::remove_dir_all(dir.path().join("db")).unwrap();
    std::fs::rename(other.path().join("db"), dir.path().join("db")).unwrap();
    let Err(StoreError::AuditLoss { detail, .. }) = SledStore::open(dir.path()) else { panic!("a replaced log") };
    assert!(detail.contains("not the one that was committed"), "{detail}");
}

#[test]
fn audit_entries_are_keyed_once_the_store_is_unlocked_and_a_plain_rewrite_fails() {
    let (_dir, store, admin) = fresh();
    let intake = staff(&store, &admin, "ivy", Role::Intake);
    store.create_client(&intake, &new_client("A")).unwrap();
    let all = store.audit_list(&admin, &AuditFilter::default()).unwrap();
    assert!(all.iter().all(|e| e.keyed), "every entry of an unlocked store is keyed");
    let report = store.audit_verify(&admin, None).unwrap();
    assert_eq!((report.first_bad, report.keyed_from), (None, Some(0)));
    // Someone with the files rewrites entry 2 onwards with plain SHA-256 hashes.
    let tree = sled_store::T::Kind(Kind::Audit);
    let mut previous = all[1].hash.clone();
    for entry in all.iter().skip(2) {
        let mut forged = entry.clone();
        if forged.seq == 2 {
            forged.user = "mallory".into();
        }
        forged.prev_hash = previous.clone();
        forged.seal(None);
        previous = forged.hash.clone();
        let key = forged.seq.to_be_bytes();
        let value = crate::store::crypto::checksummed(
            &sled_store::aad(tree, &key, "record"),
            &serde_json::to_vec(&forged).unwrap(),
        );
        store.tree(tree).insert(key, value).unwrap();
    }
    let bad = store.audit_verify(&admin, None).unwrap().first_bad.expect("a rewritten chain");
    assert_eq!(bad.position, 2, "{}", bad.problem);
}

/// Issue 14 (unclear errors): a page of the database that sled cannot read (bytes damaged on
/// disk) once said "the database ... is damaged and cannot be opened" about a store that was
/// open, naming nothing. A read now names the record (tree and id) and says to restore from a
/// backup. Where sled places a page depends on its background flushes, so the damage is tried at
/// every place a client's bytes are kept, in fresh stores, until one lands where sled reads it
/// on demand (most stores have one; a store where none does is built again).
#[test]
fn a_damaged_page_read_from_an_open_store_names_the_record_and_the_backup() {
    let mut reads_failed = 0;
    for _store in 0..30 {
        let (dir, store, admin) = fresh();
        let intake = staff(&store, &admin, "ivy", Role::Intake);
        let ids: Vec<RecordId> =
            (0..300).map(|i| store.create_client(&intake, &new_client(&format!("Client {i}"))).unwrap()).collect();
        let target = ids[150];
        let value = store.tree(sled_store::T::Kind(Kind::Client)).get(target.as_bytes()).unwrap().unwrap().to_vec();
        drop(store);
        // Opened again twice, so sled's snapshot points at pages that are read when needed.
        drop(SledStore::open(dir.path()).unwrap());
        drop(SledStore::open(dir.path()).unwrap());
        let log = std::fs::read(dir.path().join("db/db")).unwrap();
        let needle = &value[8..40];
        let places: Vec<usize> =
            (0..log.len().saturating_sub(needle.len())).filter(|at| log[*at..].starts_with(needle)).collect();
        for place in places {
            let copy = tempfile::tempdir().unwrap();
            copy_dir(dir.path(), copy.path());
            let mut damaged = log.clone();
            damaged[place + 5] ^= 0x40;
            std::fs::write(copy.path().join("db/db"), &damaged).unwrap();
            // Damage sled meets while opening is a database that cannot be opened; that is
            // another message, true there.
            let Ok(store) = SledStore::open(copy.path()) else { continue };
            let ivy = store.login("ivy", &pw("ivy password long enough"), "t").unwrap();
            let Err(error) = store.client(&ivy, &target) else { continue };
            if matches!(error, StoreError::NotFound { .. }) {
                continue; // sled dropped the damaged tail of its log (issue 14, item 12)
            }
            reads_failed += 1;
            let text = error.to_string();
            assert!(text.starts_with(&format!("record unreadable: client {target}.")), "{text}");
            assert!(
                text.contains("restore from the latest backup") || text.contains("Restore from the latest backup"),
                "{text}"
            );
            assert!(!text.contains("cannot be opened"), "the store is open: {text}");
            assert_eq!(error.code(), "damaged");
            // The whole list names where it stopped, in the same terms.
            if let Err(listed) = store.list_clients(&ivy) {
                let listed = listed.to_string();
                assert!(listed.starts_with("record unreadable: the") && listed.contains("client"), "{listed}");
                assert!(!listed.contains("cannot be opened"), "{listed}");
            }
        }
        if reads_failed > 0 {
            return;
        }
    }
    panic!("no damage landed in a page sled reads on demand in 30 stores");
}

#[test]
fn an_unreadable_record_is_named_as_the_other_messages_name_it() {
    use sled_store::{T, record_label};
    let id = RecordId::from_slice(&[0xab; 16]).unwrap();
    assert_eq!(record_label(T::Kind(Kind::Client), id.as_bytes()), format!("client {id}"));
    // An audit entry by its number, as `triage audit verify` and `audit list` count them.
    assert_eq!(record_label(T::Kind(Kind::Audit), &41u64.to_be_bytes()), "audit entry 41");
    assert_eq!(record_label(T::Meta, b"audit_head"), "meta audit_head");
    let mut answer = id.as_bytes().to_vec();
    answer.extend_from_slice(&3u64.to_be_bytes());
    assert_eq!(record_label(T::Kind(Kind::Answer), &answer), format!("answer {id}-3"));
    let corruption = sled::Error::Corruption { at: Some(sled::DiskPtr::Inline(4096)), bt: () };
    let error = StoreError::from_sled_read(std::path::Path::new("/d"), corruption, || "client x".into());
    assert!(
        error.to_string().starts_with(
            "record unreadable: client x. The database file is damaged where it is kept (file offset 4096)"
        ),
        "{error}"
    );
    // At open, sled's damage is still a database that cannot be opened.
    let at_open = StoreError::from_sled(std::path::Path::new("/d"), sled::Error::Corruption { at: None, bt: () });
    assert!(at_open.to_string().contains("cannot be opened"), "{at_open}");
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The names the CLI prints and the staff interface shows are the stored (serde) names, not
/// `Debug` output: `locked_out`, never `lockedout`.
#[test]
fn status_and_outcome_names_are_their_stored_names() {
    let json = |value: serde_json::Value| value.as_str().unwrap_or_default().to_string();
    for status in [AccountStatus::Active, AccountStatus::Disabled, AccountStatus::LockedOut] {
        assert_eq!(status.as_str(), json(serde_json::to_value(status).unwrap()));
    }
    use crate::store::audit::Outcome;
    for outcome in [Outcome::Allowed, Outcome::Denied, Outcome::Failed] {
        assert_eq!(outcome.as_str(), json(serde_json::to_value(outcome).unwrap()));
    }
    assert_eq!(AccountStatus::LockedOut.as_str(), "locked_out");
}
