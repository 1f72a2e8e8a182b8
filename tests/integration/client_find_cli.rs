#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The real binary: `triage client find` (issue 16, item 5) finds a client by any part of the
//! name or the date of birth, case and accents ignored, prints the id `report client` needs in
//! aligned columns (or a JSON array), and is audited like the interface's search.

use crate::store_common;

use store_common::*;
use triage::server::{Reply, Request};
use triage::store::{AuditFilter, EncounterOrigin, RecordId};

/// `triage` run with `args` as the intake worker ivy.
fn as_ivy(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut all = args.to_vec();
    all.extend(["--user", "ivy", "--password-stdin"]);
    triage(dir, &all, &format!("{IVY_PW}\n"))
}

#[test]
fn client_find_ignores_accents_and_case_and_prints_the_id_and_last_encounter() {
    let (_tmp, dir) = initialised();
    let _stop = StopOnDrop(dir.clone());
    let ivy = |args: &[&str]| as_ivy(&dir, args);
    let add = |name: &str, birth: &str| {
        let args = ["client", "add", "--name", name, "--province", "qc", "--lang", "fr", "--birth-date", birth];
        ok(&ivy(&args)).trim().to_string()
    };
    let elodie = add("Élodie Tremblay-Côté", "1991-07-14");
    let _other = add("Marc Roy", "1980-02-03");
    let person: RecordId = elodie.parse().unwrap();
    let mut socket = client(&dir, "ivy", IVY_PW);
    let started = Request::StartEncounter { client: person, origin: EncounterOrigin::Staff, instruments: vec![] };
    let Reply::Encounter(_) = socket.request(started).unwrap() else { panic!("no encounter") };

    let text = ok(&ivy(&["client", "find", "cote"]));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "a header and one client:\n{text}");
    for header in ["ID", "NAME", "BIRTH DATE", "PROVINCE", "LAST ENCOUNTER"] {
        assert!(lines[0].contains(header), "{text}");
    }
    assert!(lines[1].starts_with(&elodie) && lines[1].contains("Élodie Tremblay-Côté"), "{text}");
    assert!(lines[1].contains("1991-07-14") && lines[1].contains("QC"), "{text}");
    // The columns line up: the name starts where its header does.
    assert_eq!(lines[0].find("NAME"), lines[1].find("Élodie"), "{text}");
    assert!(!lines[1].ends_with(" -"), "the last encounter is given:\n{text}");

    let found = json(&ivy(&["client", "find", "ELODIE", "1991", "--json"]));
    let rows = found.as_array().expect("a JSON array");
    assert_eq!(rows.len(), 1, "{found}");
    assert_eq!(rows[0]["id"], serde_json::json!(elodie));
    assert_eq!(rows[0]["name"], "Élodie Tremblay-Côté");
    assert!(rows[0]["last_encounter"].is_string(), "{found}");
    assert_eq!(json(&ivy(&["client", "find", "nobody", "--json"])), serde_json::json!([]));
    assert!(ok(&ivy(&["client", "find", "nobody"])).contains("No client matches"));

    // Audited as the interface's search is: naming the client shown, never the query.
    let mut admin = client(&dir, "admin", ADMIN_PW);
    let filter = AuditFilter { action: Some("client.search".into()), ..Default::default() };
    let Reply::Audit(entries) = admin.request(Request::AuditList { filter }).unwrap() else { panic!() };
    assert!(entries.iter().any(|e| e.user == "ivy" && e.clients == vec![person]), "{entries:?}");
    assert!(entries.iter().all(|e| e.record.as_deref().is_none_or(|r| !r.contains("cote"))));
}

#[test]
fn client_add_lists_possible_duplicates_and_adds_only_when_asked() {
    let (_tmp, dir) = initialised();
    let _stop = StopOnDrop(dir.clone());
    let ivy = |args: &[&str]| as_ivy(&dir, args);
    let add = |name: &str, birth: &str, more: &[&str]| {
        let mut args = vec!["client", "add", "--name", name, "--province", "qc", "--lang", "fr", "--birth-date", birth];
        args.extend_from_slice(more);
        ivy(&args)
    };
    let elodie = ok(&add("Élodie Tremblay-Côté", "1991-07-14", &[])).trim().to_string();
    // The same date of birth and a close name, typed without accents: listed, nothing added.
    let refused = add("Elodie Cote", "1991-07-14", &[]);
    assert_eq!(refused.status.code(), Some(2));
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("may exist already") && message.contains(&elodie), "{message}");
    assert!(message.contains("--add-anyway"), "{message}");
    // The same name folded, another date of birth: listed too.
    let refused = add("ELODIE tremblay cote", "2001-01-01", &[]);
    assert_eq!(refused.status.code(), Some(2), "{}", String::from_utf8_lossy(&refused.stdout));
    // Someone else entirely is added; so is the first one, when the worker says so.
    ok(&add("Marc Roy", "1991-07-14", &[]));
    let second = ok(&add("Elodie Cote", "1991-07-14", &["--add-anyway"])).trim().to_string();
    assert_ne!(second, elodie);
    let found = json(&ivy(&["client", "find", "elodie", "--json"]));
    assert_eq!(found.as_array().map(Vec::len), Some(2), "{found}");
}
