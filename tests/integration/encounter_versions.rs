#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Issue 16, item 4: two workers on one encounter do not overwrite each other in silence. On a
//! real owner (in this process, two connections): every write to the encounter a connection has
//! open carries the version it read; a write based on a version someone else has moved on from
//! is refused (`stale`) and writes nothing; opening the encounter again gives the version to
//! base on, and that write is accepted.

use triage::server::client::Client;
use triage::server::{Password, Request};
use triage::store::{EncounterOrigin, InstrumentRef, Lang, NewAccount, NewAnswer, NewClient, RecordId};

use crate::kiosk_owner::{ADMIN_PW, Running, no_autostart, owner, pw};

fn worker(running: &Running, name: &str) -> Client {
    let password = format!("{name} password long enough");
    let mut admin = Client::connect(&running.path, no_autostart()).expect("connect");
    admin.login("admin", &pw(ADMIN_PW), "test").expect("admin login");
    let account = NewAccount { username: name.into(), display_name: name.into(), role: triage::auth::Role::Intake };
    admin.request(Request::AddUser { account, password: Password::from(password.as_str()) }).expect("add user");
    let mut client = Client::connect(&running.path, no_autostart()).expect("connect");
    client.login(name, &pw(&password), "test").expect("login");
    client
}

fn item4(position: u32) -> NewAnswer {
    NewAnswer {
        instrument: InstrumentRef { id: "phq9".into(), version: "1".into(), language: Lang::En },
        item_id: "q4".into(),
        position,
        score: i64::from(position),
        free_text: None,
    }
}

/// A new client `name` and a staff encounter for them, started by `worker`.
fn started(worker: &mut Client, name: &str) -> RecordId {
    let client = NewClient {
        name: name.into(),
        birth_date: Some("1990-04-01".into()),
        province: triage::store::Province::On,
        language: Lang::En,
        contact: None,
        access_needs: vec![],
        populations: vec![],
        sex_for_scoring: None,
    };
    let client = worker.create_client(client).expect("client");
    worker.start_encounter(client, EncounterOrigin::Staff, vec!["phq9".into()]).expect("start").id
}

/// The answer to item 4 the encounter holds now.
fn stored_item4(client: &mut Client, encounter: RecordId) -> Option<u32> {
    let detail = client.get_encounter(encounter).expect("read");
    detail.current_answers().iter().find(|a| a.item_id == "q4").map(|a| a.position)
}

#[test]
fn of_two_workers_on_one_encounter_the_stale_write_is_refused_and_the_reloaded_one_accepted() {
    let running = owner();
    let mut cleo = worker(&running, "cleo");
    let mut marie = worker(&running, "marie");
    let encounter = started(&mut cleo, "Ada Two-Workers");
    // Both open it: each connection bases its writes on the version it read.
    for worker in [&mut cleo, &mut marie] {
        let version = worker.get_encounter(encounter).expect("open").version;
        assert_eq!(version, 1, "a new encounter is at version 1");
        worker.base_on(encounter, version);
    }

    cleo.save_answer(encounter, item4(1)).expect("cleo's answer, based on the latest version");
    assert_eq!(cleo.basis(), Some((encounter, 2)), "the owner answers with the version after the write");
    let refused = marie.save_answer(encounter, item4(3)).expect_err("marie's answer is based on version 1");
    assert_eq!(refused.code(), Some("stale"), "{refused}");
    assert_eq!(stored_item4(&mut cleo, encounter), Some(1), "nothing of the stale write was written");
    assert_eq!(marie.basis(), Some((encounter, 1)), "a refusal moves no basis");

    // Marie opens it again: her write is now based on what is saved, and it is accepted.
    let version = marie.get_encounter(encounter).expect("reload").version;
    assert_eq!(version, 2);
    marie.base_on(encounter, version);
    marie.save_answer(encounter, item4(3)).expect("based on the version just read");
    assert_eq!(stored_item4(&mut marie, encounter), Some(3));
    assert_eq!(marie.basis(), Some((encounter, 3)));

    // Cleo's next write is now the stale one.
    let refused = cleo.save_answer(encounter, item4(2)).expect_err("cleo's version is 2");
    assert_eq!(refused.code(), Some("stale"));
}

/// The owner knows who has an encounter open: the queue says so, a second opener is told and
/// may take it over (audited), the one who lost it has its next write refused, and leaving or
/// signing out lets go.
#[test]
fn the_owner_knows_who_has_an_encounter_open_and_a_take_over_is_audited_and_enforced() {
    let running = owner();
    let mut cleo = worker(&running, "cleo");
    let mut marie = worker(&running, "marie");
    let encounter = started(&mut cleo, "Ada Held");
    assert_eq!(cleo.open_for(encounter, false).expect("open"), None, "nobody else has it");
    let queue = marie.open_encounters().expect("queue");
    let entry = queue.iter().find(|o| o.encounter.id == encounter).expect("in the queue");
    assert_eq!(entry.open_by.as_ref().map(|o| o.user.as_str()), Some("cleo"), "the queue says who has it open");

    let held = marie.open_for(encounter, false).expect("open").expect("cleo holds it");
    assert_eq!(held.user, "cleo");
    assert_eq!(marie.open_for(encounter, true).expect("take over"), None, "taken over");
    let queue = cleo.open_encounters().expect("queue");
    let entry = queue.iter().find(|o| o.encounter.id == encounter).expect("in the queue");
    assert_eq!(entry.open_by.as_ref().map(|o| o.user.as_str()), Some("marie"));

    // Cleo's next write is refused, however fresh her version.
    let version = cleo.get_encounter(encounter).expect("read").version;
    cleo.base_on(encounter, version);
    let refused = cleo.save_answer(encounter, item4(1)).expect_err("marie has it now");
    assert_eq!(refused.code(), Some("taken"), "{refused}");
    let version = marie.get_encounter(encounter).expect("read").version;
    marie.base_on(encounter, version);
    marie.save_answer(encounter, item4(2)).expect("the holder writes");

    let mut admin = Client::connect(&running.path, no_autostart()).expect("connect");
    admin.login("admin", &pw(ADMIN_PW), "test").expect("admin");
    let (audit, _) = admin.audit_list(Default::default()).expect("audit");
    assert!(
        audit.iter().any(|e| e.action == "encounter.take_over"
            && e.user == "marie"
            && e.record.as_deref() == Some(format!("{encounter} from cleo").as_str())),
        "the take-over is audited, naming whom it was taken from"
    );

    // Leaving lets go; so does signing out (a dropped connection ends its session the same way).
    marie.release(encounter).expect("leave");
    assert_eq!(cleo.open_for(encounter, false).expect("open"), None, "free again");
    cleo.logout().expect("sign out");
    assert_eq!(marie.open_for(encounter, false).expect("open"), None, "signing out let go of it");
}
