//! The real binary: `triage checkin list|revoke` through the owner (staff roles only, the codes
//! never shown again, a revoked code refused at the kiosk, the audit naming only references).

use crate::store_common;

use store_common::*;
use triage::server::Request;
use triage::store::AuditFilter;

#[test]
fn checkin_codes_are_listed_by_reference_and_a_revoked_one_is_refused_at_the_kiosk() {
    let (_tmp, dir) = initialised();
    let _stop = StopOnDrop(dir.clone());
    let run = |user: &str, password: &str, args: &[&str]| {
        let mut all = vec!["checkin"];
        all.extend_from_slice(args);
        all.extend(["--user", user, "--password-stdin"]);
        triage(&dir, &all, &format!("{password}\n"))
    };

    assert_eq!(ok(&run("admin", ADMIN_PW, &["list"])).trim(), "no outstanding check-in codes");
    let first = json(&run("ivy", IVY_PW, &["issue", "--minutes", "30", "--json"]));
    let second = json(&run("admin", ADMIN_PW, &["issue", "--json"]));
    let codes: Vec<String> = [&first, &second].iter().map(|c| c["code"].as_str().expect("code").to_string()).collect();
    let ids: Vec<String> = [&first, &second].iter().map(|c| c["id"].as_str().expect("id").to_string()).collect();

    // Listed oldest first by reference (the id's first 8 hex digits), never by code.
    let listed = json(&run("cleo", CLEO_PW, &["list", "--json"]));
    let listed = listed.as_array().expect("a list");
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["reference"], ids[0][..8]);
    assert_eq!(listed[1]["reference"], ids[1][..8]);
    assert_eq!((&listed[0]["issued_by"], &listed[0]["for_client"]), (&"ivy".into(), &false.into()));
    assert_eq!(listed[0]["expires_ms"], first["expires_ms"]);
    let text = ok(&run("admin", ADMIN_PW, &["list"]));
    assert!(text.starts_with("REF  "), "{text}");
    assert!(text.contains(&ids[0][..8]) && text.contains(&ids[1][..8]) && text.contains("ivy"), "{text}");
    for code in &codes {
        assert!(!text.contains(code.as_str()) && !listed.iter().any(|c| c.to_string().contains(code.as_str())));
    }

    // A kiosk account may neither list nor revoke (refused by the owner, exit 1).
    for args in [&["list"][..], &["revoke", &ids[0][..8]]] {
        let denied = run("kiosk1", KIOSK_PW, args);
        assert_eq!(denied.status.code(), Some(1), "{args:?}: {}", String::from_utf8_lossy(&denied.stderr));
    }

    // Revoked by reference, then by the code itself; an unknown reference fails with exit 1.
    let revoked = json(&run("ivy", IVY_PW, &["revoke", &ids[0][..8], "--json"]));
    assert_eq!(revoked["revoked"], ids[0][..8]);
    assert_eq!(
        ok(&run("cleo", CLEO_PW, &["revoke", &codes[1]])).trim(),
        format!("revoked check-in code {}", &ids[1][..8])
    );
    let again = run("admin", ADMIN_PW, &["revoke", &ids[0][..8]]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("no outstanding check-in code"));
    assert_eq!(ok(&run("admin", ADMIN_PW, &["list"])).trim(), "no outstanding check-in codes");

    // No kiosk accepts a revoked code.
    let options = triage::server::client::ConnectOptions {
        owner_program: Some(BIN.into()),
        idle_secs: Some(3),
        ..Default::default()
    };
    let mut kiosk = triage::server::client::Client::connect(&dir, options).expect("connect");
    kiosk.kiosk_session("desk", "test").expect("kiosk session");
    for code in &codes {
        let refused = kiosk.request(Request::RedeemCheckin { code: code.clone() }).expect_err("revoked");
        assert_eq!(refused.code(), Some("refused"));
    }

    // The audit names references only.
    let mut reader = client(&dir, "admin", ADMIN_PW);
    let filter = AuditFilter { action: Some("checkin.".into()), ..Default::default() };
    let entries = reader.request(Request::AuditList { filter }).expect("audit");
    let triage::server::Reply::Audit(entries) = entries else { panic!("expected the audit") };
    let revokes: Vec<Option<String>> =
        entries.iter().filter(|e| e.action == "checkin.revoke").map(|e| e.record.clone()).collect();
    assert_eq!(revokes, [Some(ids[0][..8].to_string()), Some(ids[1][..8].to_string())]);
    for action in ["checkin.list", "checkin.revoke_failed", "checkin.redeem_revoked"] {
        assert!(entries.iter().any(|e| e.action == action), "{action}");
    }
    let everything = serde_json::to_string(&entries).expect("json");
    assert!(codes.iter().all(|code| !everything.contains(code.as_str())));
}
