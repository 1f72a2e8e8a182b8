//! The real binary: `triage client edit` through the owner, and the `UpdateClient` request on the
//! socket (validation, roles, audit naming fields but no values).

use crate::store_common;

use store_common::*;
use triage::server::{Reply, Request};
use triage::store::{AuditFilter, ClientUpdate, Lang, RecordId, Sex};

/// `triage` run with `args` as the intake worker ivy.
fn as_ivy(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut all = args.to_vec();
    all.extend(["--user", "ivy", "--password-stdin"]);
    triage(dir, &all, &format!("{IVY_PW}\n"))
}

#[test]
fn client_edit_changes_only_the_given_fields_and_audits_their_names() {
    let (_tmp, dir) = initialised();
    let _stop = StopOnDrop(dir.clone());
    let ivy = |args: &[&str]| as_ivy(&dir, args);
    let id = ok(&ivy(&[
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
    ]));
    let id = id.trim().to_string();

    let edited = json(&ivy(&[
        "client",
        "edit",
        &id,
        "--province",
        "on",
        "--lang",
        "en",
        "--no-birth-date",
        "--access-needs",
        "no_internet,phone_only",
        "--json",
    ]));
    assert_eq!(edited["changed"], serde_json::json!(["birth_date", "province", "language", "access_needs"]));
    // The same edit again changes nothing; an empty list removes every access need.
    assert!(ok(&ivy(&["client", "edit", &id, "--province", "ON"])).contains("no change"));
    assert!(ok(&ivy(&["client", "edit", &id, "--access-needs", ""])).contains("changed access_needs"));

    // Invalid values are refused (exit 2) and nothing is asked of the owner without a change.
    for bad in [&["--province", "ZZ"][..], &["--birth-date", "1980-13-01"], &["--name", " "], &[]] {
        let mut args = vec!["client", "edit", id.as_str()];
        args.extend_from_slice(bad);
        let output = ivy(&args);
        assert_eq!(output.status.code(), Some(2), "{bad:?}: {}", String::from_utf8_lossy(&output.stderr));
    }
    let unknown = ivy(&["client", "edit", &"0".repeat(32), "--province", "ON"]);
    assert_ne!(unknown.status.code(), Some(0));

    let mut reader = client(&dir, "ivy", IVY_PW);
    let record: RecordId = id.parse().unwrap();
    let Reply::Client(stored) = reader.request(Request::GetClient { id: record }).unwrap() else { panic!() };
    assert_eq!(
        (stored.name.as_str(), stored.province, stored.language),
        ("Marie Roy", Some(triage::store::Province::On), Lang::En)
    );
    assert_eq!((stored.birth_date, stored.access_needs.len()), (None, 0));

    // Over the socket: a kiosk may not edit; the audit names fields, never values.
    let mut kiosk = client(&dir, "kiosk1", KIOSK_PW);
    let change = ClientUpdate { name: Some("Marie Roy-Gagnon".into()), ..Default::default() };
    assert!(kiosk.update_client(record, change.clone()).is_err());
    let updated = reader.update_client(record, change).unwrap();
    assert_eq!(updated.changed, vec!["name"]);
    assert_eq!(updated.client.map(|c| c.name), Some("Marie Roy-Gagnon".into()));
    let mut admin = client(&dir, "admin", ADMIN_PW);
    let filter = AuditFilter { client: Some(record), action: Some("client.update".into()), ..Default::default() };
    let Reply::Audit(entries) = admin.request(Request::AuditList { filter }).unwrap() else { panic!() };
    let records: Vec<String> = entries.iter().filter_map(|e| e.record.clone()).collect();
    assert_eq!(
        records,
        vec![
            format!("{id} birth_date,province,language,access_needs"),
            format!("{id} (no change)"),
            format!("{id} access_needs"),
            format!("{id} name"),
        ]
    );
    let everything = format!("{entries:?}");
    assert!(!everything.contains("Gagnon") && !everything.contains("phone_only"), "{everything}");
}

#[test]
fn client_add_and_edit_record_change_and_clear_the_sex_for_scoring() {
    let (_tmp, dir) = initialised();
    let _stop = StopOnDrop(dir.clone());
    let ivy = |args: &[&str]| as_ivy(&dir, args);
    let add = ["client", "add", "--name", "Marie Roy", "--province", "qc", "--lang", "fr"];
    // A bad value is refused before anything is asked, naming the value.
    let mut bad = add.to_vec();
    bad.extend(["--sex", "woman"]);
    let refused = ivy(&bad);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("unknown sex `woman`"), "{refused:?}");

    let mut with_sex = add.to_vec();
    with_sex.extend(["--sex", "female"]);
    let id = ok(&ivy(&with_sex)).trim().to_string();
    let record: RecordId = id.parse().unwrap();
    let mut reader = client(&dir, "ivy", IVY_PW);
    let sex = |reader: &mut triage::server::client::Client| {
        let Reply::Client(stored) = reader.request(Request::GetClient { id: record }).unwrap() else { panic!() };
        stored.sex_for_scoring
    };
    assert_eq!(sex(&mut reader), Some(Sex::Female));

    let edited = json(&ivy(&["client", "edit", &id, "--sex", "M", "--json"]));
    assert_eq!(edited["changed"], serde_json::json!(["sex_for_scoring"]));
    assert_eq!(sex(&mut reader), Some(Sex::Male));
    assert!(ok(&ivy(&["client", "edit", &id, "--no-sex"])).contains("changed sex_for_scoring"));
    assert_eq!(sex(&mut reader), None);
    // Both at once is refused.
    assert_eq!(ivy(&["client", "edit", &id, "--sex", "male", "--no-sex"]).status.code(), Some(2));

    let mut admin = client(&dir, "admin", ADMIN_PW);
    let filter = AuditFilter { client: Some(record), action: Some("client.update".into()), ..Default::default() };
    let Reply::Audit(entries) = admin.request(Request::AuditList { filter }).unwrap() else { panic!() };
    let everything = format!("{entries:?}");
    assert!(!everything.contains("male") && !everything.contains("Male"), "{everything}");
}

/// Issue 15: `--province` is parsed on the command line: a wrong code is refused before anything
/// is asked, naming the valid codes; a right one in any case is stored as its code, as before.
#[test]
fn client_add_refuses_an_unknown_province_naming_the_codes_and_stores_a_known_one_as_before() {
    let (_tmp, dir) = initialised();
    let _stop = StopOnDrop(dir.clone());
    let refused = as_ivy(&dir, &["client", "add", "--name", "Marie Roy", "--province", "xx", "--lang", "fr"]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("unknown province or territory `xx`; use one of AB, BC, MB,"), "{stderr}");
    assert!(stderr.contains("QC, SK, YT"), "{stderr}");

    let id = ok(&as_ivy(&dir, &["client", "add", "--name", "Marie Roy", "--province", "qc", "--lang", "fr"]));
    let record: RecordId = id.trim().parse().unwrap();
    let mut reader = client(&dir, "ivy", IVY_PW);
    let Reply::Client(stored) = reader.request(Request::GetClient { id: record }).unwrap() else { panic!() };
    assert_eq!(stored.province, Some(triage::store::Province::Qc));
    assert_eq!(serde_json::to_value(&stored).unwrap()["province"], "QC");
    let found = json(&as_ivy(&dir, &["client", "find", "Marie", "--json"]));
    assert_eq!(found[0]["province"], "QC");
}
