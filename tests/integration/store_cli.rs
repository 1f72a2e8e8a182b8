//! The real binary: set-up and admin commands, one owner per data directory, reconnects, backups
//! and faults.

use crate::store_common;

use std::time::Duration;

use store_common::*;
use triage::server::{Reply, Request};
use triage::store::{EncounterOrigin, InstrumentRef, Lang, NewAnswer, RecordId};

fn answer(item: &str, position: u32) -> NewAnswer {
    NewAnswer {
        instrument: InstrumentRef { id: "phq9".into(), version: "1".into(), language: Lang::En },
        item_id: item.into(),
        position,
        score: i64::from(position),
        free_text: None,
    }
}

#[test]
fn setup_and_admin_commands() {
    let (_tmp, dir) = initialised();
    let _stop = StopOnDrop(dir.clone());
    let users = json(&triage(
        &dir,
        &["user", "list", "--user", "admin", "--password-stdin", "--json"],
        &format!("{ADMIN_PW}\n"),
    ));
    let names: Vec<&str> = users.as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap()).collect();
    assert_eq!(names, ["admin", "cleo", "ivy", "kiosk1"]);
    assert!(users[0]["hash_parameters"].as_str().unwrap().starts_with("m="));

    let id = ok(&triage(
        &dir,
        &[
            "client",
            "add",
            "--name",
            "Marie Roy",
            "--province",
            "qc",
            "--lang",
            "fr",
            "--birth-date",
            "1980-02-03",
            "--user",
            "ivy",
            "--password-stdin",
        ],
        &format!("{IVY_PW}\n"),
    ));
    let id: RecordId = id.trim().parse().expect("the new client's id");
    let bad = triage(
        &dir,
        &["client", "add", "--name", "X", "--province", "ZZ", "--lang", "en", "--user", "ivy", "--password-stdin"],
        &format!("{IVY_PW}\n"),
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("province"));

    // Wrong password: clear message, audited.
    let wrong = triage(&dir, &["user", "list", "--user", "admin", "--password-stdin"], "not the password at all\n");
    assert_eq!(wrong.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("wrong user name or password"));

    // Roles are enforced by the owner: an intake worker cannot list users; a kiosk cannot add clients.
    let denied = triage(&dir, &["user", "list", "--user", "ivy", "--password-stdin", "--json"], &format!("{IVY_PW}\n"));
    assert_eq!(json_error(&denied), "denied");
    let denied = triage(
        &dir,
        &[
            "client",
            "add",
            "--name",
            "K",
            "--province",
            "ON",
            "--lang",
            "en",
            "--user",
            "kiosk1",
            "--password-stdin",
            "--json",
        ],
        &format!("{KIOSK_PW}\n"),
    );
    assert_eq!(json_error(&denied), "denied");

    ok(&triage(&dir, &["user", "disable", "cleo", "--user", "admin", "--password-stdin"], &format!("{ADMIN_PW}\n")));
    let disabled = triage(&dir, &["user", "list", "--user", "cleo", "--password-stdin"], &format!("{CLEO_PW}\n"));
    assert!(String::from_utf8_lossy(&disabled.stderr).contains("disabled"));
    ok(&triage(&dir, &["user", "enable", "cleo", "--user", "admin", "--password-stdin"], &format!("{ADMIN_PW}\n")));
    ok(&triage(
        &dir,
        &["user", "passwd", "cleo", "--user", "admin", "--password-stdin"],
        &format!("{ADMIN_PW}\nanother long password\n"),
    ));

    // Audit: filters by user, client, action and time; verify passes.
    let entries = json(&triage(
        &dir,
        &["audit", "list", "--by", "ivy", "--action", "client.create", "--user", "admin", "--password-stdin", "--json"],
        &format!("{ADMIN_PW}\n"),
    ));
    assert_eq!(entries.as_array().unwrap().len(), 1);
    assert_eq!(entries[0]["record"], id.to_string());
    let about = json(&triage(
        &dir,
        &["audit", "list", "--client", &id.to_string(), "--user", "admin", "--password-stdin", "--json"],
        &format!("{ADMIN_PW}\n"),
    ));
    assert!(!about.as_array().unwrap().is_empty());
    let failed = json(&triage(
        &dir,
        &[
            "audit",
            "list",
            "--action",
            "login.failed",
            "--since",
            "2020-01-01",
            "--user",
            "admin",
            "--password-stdin",
            "--json",
        ],
        &format!("{ADMIN_PW}\n"),
    ));
    assert_eq!(failed.as_array().unwrap().len(), 1);
    assert_eq!(failed[0]["user"], "admin");
    let future = json(&triage(
        &dir,
        &["audit", "list", "--since", "2999-01-01", "--user", "admin", "--password-stdin", "--json"],
        &format!("{ADMIN_PW}\n"),
    ));
    assert!(future.as_array().unwrap().is_empty());
    let report = json(&triage(
        &dir,
        &["audit", "verify", "--user", "admin", "--password-stdin", "--json"],
        &format!("{ADMIN_PW}\n"),
    ));
    assert!(report["first_bad"].is_null());
    assert!(report["entries_checked"].as_u64().unwrap() > 10);
}

fn json_error(output: &std::process::Output) -> String {
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON error");
    value["error"]["code"].as_str().unwrap_or_default().to_string()
}

#[test]
fn twenty_processes_at_once_get_exactly_one_owner() {
    let (_tmp, dir) = initialised();
    let _stop = StopOnDrop(dir.clone());
    stop(&dir);
    let children: Vec<_> = (0..20)
        .map(|_| {
            std::process::Command::new(BIN)
                .args(["status", "--json", "--data-dir"])
                .arg(&dir)
                .env("TRIAGE_OWNER_IDLE_SECS", "3")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("start triage")
        })
        .collect();
    let mut owners = std::collections::BTreeSet::new();
    for child in children {
        let output = child.wait_with_output().expect("wait");
        owners.insert(json(&output)["owner_pid"].as_u64().expect("pid"));
    }
    assert_eq!(owners.len(), 1, "owners: {owners:?}");
}

#[test]
fn two_staff_clients_and_admin_commands_share_one_directory() {
    let (_tmp, dir) = initialised();
    let _stop = StopOnDrop(dir.clone());
    let mut ivy = client(&dir, "ivy", IVY_PW);
    let mut cleo = client(&dir, "cleo", CLEO_PW);
    cleo.subscribe().expect("subscribe");
    let new_client = triage::store::NewClient {
        name: "Shared".into(),
        birth_date: None,
        province: triage::store::Province::On,
        language: Lang::En,
        contact: None,
        access_needs: vec![],
        populations: vec![],
        sex_for_scoring: None,
    };
    let Reply::Id(person) = ivy.request(Request::CreateClient { client: new_client }).unwrap() else { panic!() };
    let Reply::Encounter(encounter) = ivy
        .request(Request::StartEncounter { client: person, origin: EncounterOrigin::Staff, instruments: vec![] })
        .unwrap()
    else {
        panic!()
    };
    let admin = std::thread::spawn({
        let dir = dir.clone();
        move || {
            for _ in 0..3 {
                ok(&triage(&dir, &["user", "list", "--user", "admin", "--password-stdin"], &format!("{ADMIN_PW}\n")));
                ok(&triage(
                    &dir,
                    &["audit", "verify", "--user", "admin", "--password-stdin"],
                    &format!("{ADMIN_PW}\n"),
                ));
            }
        }
    });
    for n in 0..20u32 {
        ivy.request(Request::SaveAnswer { encounter: encounter.id, answer: answer(&format!("q{}", n % 9 + 1), n % 4) })
            .unwrap();
        let Reply::Detail(detail) = cleo.request(Request::GetEncounter { id: encounter.id }).unwrap() else { panic!() };
        assert_eq!(detail.answers.len(), n as usize + 1);
    }
    admin.join().expect("admin commands");
    assert_eq!(owner_pid(&dir), u64::from(ivy.owner_pid()));
}

#[test]
fn a_killed_owner_is_replaced_and_nothing_acknowledged_is_lost() {
    let (_tmp, dir) = initialised();
    let _stop = StopOnDrop(dir.clone());
    let mut ivy = client(&dir, "ivy", IVY_PW);
    let new_client = triage::store::NewClient {
        name: "Kept".into(),
        birth_date: None,
        province: triage::store::Province::On,
        language: Lang::En,
        contact: None,
        access_needs: vec![],
        populations: vec![],
        sex_for_scoring: None,
    };
    let Reply::Id(person) = ivy.request(Request::CreateClient { client: new_client }).unwrap() else { panic!() };
    let Reply::Encounter(encounter) = ivy
        .request(Request::StartEncounter { client: person, origin: EncounterOrigin::Staff, instruments: vec![] })
        .unwrap()
    else {
        panic!()
    };
    let mut saved = Vec::new();
    for n in 0..5u32 {
        let Reply::Answer(a) =
            ivy.request(Request::SaveAnswer { encounter: encounter.id, answer: answer("q1", n % 4) }).unwrap()
        else {
            panic!()
        };
        saved.push(a);
    }
    let first_owner = ivy.owner_pid();
    let killed = std::process::Command::new("kill").args(["-9", &first_owner.to_string()]).status().expect("kill");
    assert!(killed.success());
    std::thread::sleep(Duration::from_millis(100));
    // The same client reconnects: a new owner starts, it logs in again, and everything is there.
    let Reply::Detail(detail) = ivy.request(Request::GetEncounter { id: encounter.id }).unwrap() else { panic!() };
    assert_ne!(ivy.owner_pid(), first_owner);
    assert_eq!(detail.answers, saved);
    // A new CLI process finds the new owner.
    assert_eq!(owner_pid(&dir), u64::from(ivy.owner_pid()));
    let report = json(&triage(
        &dir,
        &["audit", "verify", "--user", "admin", "--password-stdin", "--json"],
        &format!("{ADMIN_PW}\n"),
    ));
    assert!(report["first_bad"].is_null(), "{report}");
}

#[test]
fn backup_restore_drill() {
    let (tmp, dir) = initialised();
    let _stop = StopOnDrop(dir.clone());
    let mut ivy = client(&dir, "ivy", IVY_PW);
    let new_client = triage::store::NewClient {
        name: "Restored Person".into(),
        birth_date: None,
        province: triage::store::Province::On,
        language: Lang::En,
        contact: None,
        access_needs: vec![],
        populations: vec![],
        sex_for_scoring: None,
    };
    let Reply::Id(person) = ivy.request(Request::CreateClient { client: new_client }).unwrap() else { panic!() };
    let Reply::Encounter(encounter) = ivy
        .request(Request::StartEncounter { client: person, origin: EncounterOrigin::Staff, instruments: vec![] })
        .unwrap()
    else {
        panic!()
    };
    ivy.request(Request::SaveAnswer { encounter: encounter.id, answer: answer("q3", 2) }).unwrap();

    // A backup is taken while another client keeps writing.
    let file = tmp.path().join("clinic.backup");
    let writer = std::thread::spawn(move || {
        for n in 0..15u32 {
            ivy.request(Request::SaveAnswer { encounter: encounter.id, answer: answer("q4", n % 4) }).unwrap();
        }
    });
    let created = json(&triage(
        &dir,
        &["backup", "create", file.to_str().unwrap(), "--user", "admin", "--password-stdin", "--json"],
        &format!("{ADMIN_PW}\n"),
    ));
    writer.join().expect("writer");
    let verified = json(&triage(
        &dir,
        &["backup", "verify", file.to_str().unwrap(), "--user", "admin", "--password-stdin", "--json"],
        &format!("{ADMIN_PW}\n"),
    ));
    assert_eq!(verified["sha256"], created["sha256"]);
    assert_eq!(verified["damaged"].as_array().unwrap().len(), 0);

    let restored = tmp.path().join("restored");
    ok(&triage(
        &restored,
        &["backup", "restore", file.to_str().unwrap(), "--user", "admin", "--password-stdin"],
        &format!("{ADMIN_PW}\n"),
    ));
    let _stop_restored = StopOnDrop(restored.clone());
    let mut reader = client(&restored, "ivy", IVY_PW);
    let Reply::Client(back) = reader.request(Request::GetClient { id: person }).unwrap() else { panic!() };
    assert_eq!(back.name, "Restored Person");
    let Reply::Detail(detail) = reader.request(Request::GetEncounter { id: encounter.id }).unwrap() else { panic!() };
    assert!(detail.answers.iter().any(|a| a.item_id == "q3" && a.position == 2));
    let report = json(&triage(
        &restored,
        &["audit", "verify", "--user", "admin", "--password-stdin", "--json"],
        &format!("{ADMIN_PW}\n"),
    ));
    assert!(report["first_bad"].is_null(), "{report}");

    // Restoring over a store is refused; a damaged backup is reported.
    let again = triage(
        &restored,
        &["backup", "restore", file.to_str().unwrap(), "--user", "admin", "--password-stdin"],
        &format!("{ADMIN_PW}\n"),
    );
    assert!(!again.status.success());
    let mut bytes = std::fs::read(&file).unwrap();
    let at = bytes.len() - 10;
    bytes[at] ^= 0x55;
    std::fs::write(&file, bytes).unwrap();
    let damaged = triage(
        &dir,
        &["backup", "verify", file.to_str().unwrap(), "--user", "admin", "--password-stdin"],
        &format!("{ADMIN_PW}\n"),
    );
    assert!(String::from_utf8_lossy(&damaged.stderr).contains("checksum does not match"));
}

#[test]
fn faults_get_clear_messages() {
    let (tmp, dir) = initialised();
    let _stop = StopOnDrop(dir.clone());
    // A second owner.
    owner_pid(&dir);
    let second = triage(&dir, &["serve"], "");
    assert_eq!(second.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&second.stderr).contains("another triage owner already holds"));
    stop(&dir);

    // A stale socket left by a dead owner is replaced.
    std::fs::write(dir.join("owner.sock"), b"stale").unwrap();
    ok(&triage(&dir, &["user", "list", "--user", "admin", "--password-stdin"], &format!("{ADMIN_PW}\n")));
    stop(&dir);

    // An uninitialised directory.
    let empty = tmp.path().join("empty");
    let _stop_empty = StopOnDrop(empty.clone());
    let output = triage(&empty, &["user", "list", "--user", "admin", "--password-stdin"], &format!("{ADMIN_PW}\n"));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("not initialised: run `triage init"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stop(&empty);

    // A foreign directory (another sled database) is refused untouched.
    let foreign = tmp.path().join("foreign");
    {
        let db = sled::open(foreign.join("db")).unwrap();
        db.open_tree("someone_else").unwrap().insert(b"k", b"v").unwrap();
        db.flush().unwrap();
    }
    let output = triage(&foreign, &["status"], "");
    assert!(!output.status.success());
    let log = std::fs::read_to_string(foreign.join("owner.log")).unwrap_or_default();
    assert!(log.contains("is not a triage data directory"), "{log}");

    // A data directory path that is a file.
    let file = tmp.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let output = triage(&file, &["status"], "");
    assert!(!output.status.success());
    assert!(!String::from_utf8_lossy(&output.stderr).contains("panicked"));
}

#[test]
fn damaged_values_on_disk_are_reported_by_id_and_the_rest_stay_readable() {
    let (_tmp, dir) = initialised();
    let _stop = StopOnDrop(dir.clone());
    let mut ids = Vec::new();
    for name in ["First", "Second", "Third"] {
        let out = ok(&triage(
            &dir,
            &["client", "add", "--name", name, "--province", "ON", "--lang", "en", "--user", "ivy", "--password-stdin"],
            &format!("{IVY_PW}\n"),
        ));
        ids.push(out.trim().parse::<RecordId>().expect("id"));
    }
    stop(&dir);
    {
        // Flip bytes in the stored value of the second client, with the owner stopped.
        let db = sled::open(dir.join("db")).expect("open sled");
        let clients = db.open_tree("client").expect("tree");
        let mut value = clients.get(ids[1].as_bytes()).expect("get").expect("stored").to_vec();
        for at in [10, value.len() / 2, value.len() - 1] {
            value[at] ^= 0xA5;
        }
        clients.insert(ids[1].as_bytes(), value).expect("insert");
        db.flush().expect("flush");
    }
    let mut ivy = client(&dir, "ivy", IVY_PW);
    let error = ivy.request(Request::GetClient { id: ids[1] }).unwrap_err();
    assert_eq!(error.code(), Some("damaged"));
    assert!(error.to_string().starts_with(&format!("record damaged: client {}", ids[1])), "{error}");
    for id in [ids[0], ids[2]] {
        assert!(matches!(ivy.request(Request::GetClient { id }).unwrap(), Reply::Client(_)));
    }
    let Reply::Clients { clients, damaged } = ivy.request(Request::ListClients).unwrap() else { panic!() };
    assert_eq!(clients.len(), 2);
    assert_eq!(damaged, vec![format!("client {}", ids[1])]);
}

#[test]
fn an_owner_started_by_hand_restarts_itself_with_one_memory_pool() {
    let (_tmp, dir) = initialised();
    let _stop = StopOnDrop(dir.clone());
    stop(&dir);
    let mut owner = std::process::Command::new(BIN)
        .args(["serve", "--idle-timeout", "30", "--data-dir"])
        .arg(&dir)
        .env_remove("MALLOC_ARENA_MAX")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start the owner");
    let mut pid = None;
    for _ in 0..100 {
        if dir.join("owner.sock").exists() {
            pid = Some(owner_pid(&dir));
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    // The same process (its id is kept), now with the setting in its environment.
    assert_eq!(pid, Some(u64::from(owner.id())), "the owner serving is the process started");
    let environ = std::fs::read(format!("/proc/{}/environ", owner.id())).expect("the owner's environment");
    assert!(
        environ.split(|b| *b == 0).any(|entry| entry == b"MALLOC_ARENA_MAX=1"),
        "MALLOC_ARENA_MAX=1 is not in the owner's environment"
    );
    stop(&dir);
    let status = owner.wait().expect("the owner exits");
    assert!(status.success(), "{status:?}");
}

#[test]
fn a_bad_user_name_is_named_before_any_password_and_an_unknown_one_is_called_a_name() {
    let (_tmp, dir) = initialised();
    let _stop = StopOnDrop(dir.clone());
    // No password on stdin at all: the name is refused first, as bad input.
    let bad = triage(&dir, &["user", "add", "Bad Name", "--role", "intake", "--user", "admin", "--password-stdin"], "");
    assert_eq!(bad.status.code(), Some(2), "{}", String::from_utf8_lossy(&bad.stderr));
    let said = String::from_utf8_lossy(&bad.stderr);
    assert!(said.contains("user name") && !said.contains("standard input"), "{said}");
    let unknown = triage(
        &dir,
        &["user", "disable", "nosuchuser", "--user", "admin", "--password-stdin"],
        &format!("{ADMIN_PW}\n"),
    );
    assert!(!unknown.status.success());
    let said = String::from_utf8_lossy(&unknown.stderr);
    assert!(said.contains("no account is named nosuchuser") && !said.contains("with id"), "{said}");
}

#[test]
fn one_damaged_audit_entry_is_named_by_number_and_the_rest_of_the_list_still_shows() {
    let (_tmp, dir) = initialised();
    let _stop = StopOnDrop(dir.clone());
    stop(&dir);
    let damaged_seq: u64 = 3;
    {
        let db = sled::open(dir.join("db")).expect("open sled");
        let audit = db.open_tree("audit").expect("tree");
        let key = damaged_seq.to_be_bytes();
        let mut value = audit.get(key).expect("get").expect("stored").to_vec();
        let middle = value.len() / 2;
        value[middle] ^= 0xA5;
        audit.insert(key, value).expect("insert");
        db.flush().expect("flush");
    }
    let listed =
        triage(&dir, &["audit", "list", "--json", "--user", "admin", "--password-stdin"], &format!("{ADMIN_PW}\n"));
    let said = String::from_utf8_lossy(&listed.stderr);
    assert!(listed.status.success(), "the list still shows: {said}");
    assert!(said.contains("1 audit entry cannot be read (number 3)"), "{said}");
    let entries: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("JSON");
    let seqs: Vec<u64> = entries.as_array().expect("entries").iter().filter_map(|e| e["seq"].as_u64()).collect();
    assert!(seqs.contains(&2) && seqs.contains(&4) && !seqs.contains(&3), "{seqs:?}");
    // A filter still works around the damage.
    let logins = triage(
        &dir,
        &["audit", "list", "--action", "login", "--json", "--user", "admin", "--password-stdin"],
        &format!("{ADMIN_PW}\n"),
    );
    assert!(logins.status.success(), "{}", String::from_utf8_lossy(&logins.stderr));
}
