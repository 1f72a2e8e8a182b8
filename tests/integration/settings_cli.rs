//! The real binary: `triage settings show|set` through the owner, and the `UpdateSettings`
//! request on the socket (validation with exit code 2, admin only, the audit naming settings but
//! never the crisis texts, the kiosk receiving what was set).

use crate::store_common;

use store_common::*;
use triage::server::{Reply, Request};
use triage::store::{AuditFilter, SettingsUpdate};

const CRISIS_EN: &str = "Stay with the client and call the on-call clinician at extension 200.";
const CRISIS_FR: &str = "Restez avec la personne et appelez le clinicien de garde au poste 200.";

/// What a kiosk is told when it connects.
fn kiosk_info(dir: &std::path::Path) -> triage::store::kiosk::KioskInfo {
    let options = triage::server::client::ConnectOptions {
        owner_program: Some(BIN.into()),
        idle_secs: Some(3),
        ..Default::default()
    };
    let mut kiosk = triage::server::client::Client::connect(dir, options).expect("connect");
    kiosk.kiosk_session("desk", "test").expect("kiosk session")
}

#[test]
fn settings_show_and_set_through_the_owner_admin_only_and_audited_by_name() {
    let (_tmp, dir) = initialised();
    let _stop = StopOnDrop(dir.clone());
    let run = |user: &str, password: &str, args: &[&str]| {
        let mut all = vec!["settings"];
        all.extend_from_slice(args);
        all.extend(["--user", user, "--password-stdin"]);
        triage(&dir, &all, &format!("{password}\n"))
    };
    let admin = |args: &[&str]| run("admin", ADMIN_PW, args);

    // The defaults: the kiosk starts over after 120 s; no French text.
    let shown = json(&admin(&["show", "--json"]));
    assert_eq!(shown["kiosk_timeout_seconds"], 120);
    assert_eq!(shown["staff_idle_lock_minutes"], 10);
    assert_eq!(shown["crisis_text_fr"], serde_json::Value::Null);

    let set = json(&admin(&[
        "set",
        "--idle-lock-minutes",
        "20",
        "--kiosk-timeout-seconds",
        "300",
        "--crisis-text",
        CRISIS_EN,
        "--crisis-text-fr",
        CRISIS_FR,
        "--json",
    ]));
    assert_eq!(
        set["changed"],
        serde_json::json!(["staff_idle_lock_minutes", "kiosk_timeout_seconds", "crisis_text", "crisis_text_fr"])
    );
    assert_eq!(set["settings"]["crisis_text_fr"], CRISIS_FR);

    // Any account reads them; the text is printed for people.
    let text = ok(&run("ivy", IVY_PW, &["show"]));
    assert!(text.contains("staff idle lock: 20 minutes"), "{text}");
    assert!(text.contains("kiosk timeout: 300 seconds"), "{text}");
    assert!(text.contains(CRISIS_EN) && text.contains(CRISIS_FR), "{text}");

    // Only the options given change; the same value again is no change.
    assert!(ok(&admin(&["set", "--idle-lock-minutes", "20"])).contains("no change"));
    let changed = ok(&admin(&["set", "--kiosk-timeout-seconds", "90"]));
    assert!(changed.starts_with("changed kiosk_timeout_seconds\n"), "{changed}");

    // Bad values are input errors (exit 2) and change nothing.
    for bad in [
        &["--idle-lock-minutes", "0"][..],
        &["--idle-lock-minutes", "241"],
        &["--idle-lock-minutes", "ten"],
        &["--kiosk-timeout-seconds", "29"],
        &["--kiosk-timeout-seconds", "3601"],
        &["--crisis-text", "   "],
        &["--crisis-text", "Call\u{1b}[2J now"],
        &["--crisis-text-fr", "Appelez\u{202e} maintenant"],
        &["--crisis-text-fr", "x", "--no-crisis-text-fr"],
        &[],
    ] {
        let mut args = vec!["set"];
        args.extend_from_slice(bad);
        let output = admin(&args);
        assert_eq!(output.status.code(), Some(2), "{bad:?}: {}", String::from_utf8_lossy(&output.stderr));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains('\u{1b}') && !stderr.contains('\u{202e}'), "{stderr}");
    }
    let error = String::from_utf8_lossy(&admin(&["set", "--kiosk-timeout-seconds", "10"]).stderr).into_owned();
    assert!(error.contains("--kiosk-timeout-seconds 10: use 30 to 3600 seconds"), "{error}");
    let error = String::from_utf8_lossy(&admin(&["set", "--crisis-text", " "]).stderr).into_owned();
    assert!(error.contains("crisis text") && error.contains("must not be empty"), "{error}");

    // Staff other than administrators may not change them (refused, not an input error).
    let denied = run("cleo", CLEO_PW, &["set", "--idle-lock-minutes", "5"]);
    assert_eq!(denied.status.code(), Some(1), "{}", String::from_utf8_lossy(&denied.stderr));
    let mut ivy = client(&dir, "ivy", IVY_PW);
    let change = SettingsUpdate { staff_idle_lock_minutes: Some(5), ..Default::default() };
    assert_eq!(
        ivy.update_settings(change).map_err(|e| e.code().map(str::to_string)).err(),
        Some(Some("denied".into()))
    );

    let after = json(&admin(&["show", "--json"]));
    assert_eq!(
        (&after["staff_idle_lock_minutes"], &after["kiosk_timeout_seconds"], &after["crisis_text"]),
        (&serde_json::json!(20), &serde_json::json!(90), &serde_json::json!(CRISIS_EN))
    );

    // A kiosk is told the timeout and both texts when it connects.
    let info = kiosk_info(&dir);
    assert_eq!((info.kiosk_timeout_seconds, info.crisis_text.as_str()), (90, CRISIS_EN));
    assert_eq!(info.crisis_text_fr.as_deref(), Some(CRISIS_FR));

    // The French text can be removed.
    let removed = json(&admin(&["set", "--no-crisis-text-fr", "--json"]));
    assert_eq!(removed["changed"], serde_json::json!(["crisis_text_fr"]));
    assert_eq!(removed["settings"]["crisis_text_fr"], serde_json::Value::Null);

    // The audit names the settings changed, never the texts, and records the refusals.
    let mut reader = client(&dir, "admin", ADMIN_PW);
    let filter = AuditFilter { action: Some("settings.update".into()), ..Default::default() };
    let Reply::Audit(entries) = reader.request(Request::AuditList { filter }).expect("audit") else { panic!() };
    let records: Vec<String> = entries.iter().filter_map(|e| e.record.clone()).collect();
    assert_eq!(
        records,
        [
            "staff_idle_lock_minutes,kiosk_timeout_seconds,crisis_text,crisis_text_fr",
            "(no change)",
            "kiosk_timeout_seconds",
            "crisis_text_fr",
        ]
    );
    assert!(entries.iter().all(|e| e.user == "admin"));
    let everything = format!("{entries:?}");
    assert!(!everything.contains("extension 200") && !everything.contains("poste 200"), "{everything}");
    let filter = AuditFilter { action: Some("denied.update_settings".into()), ..Default::default() };
    let Reply::Audit(denials) = reader.request(Request::AuditList { filter }).expect("audit") else { panic!() };
    let users: Vec<&str> = denials.iter().map(|e| e.user.as_str()).collect();
    assert_eq!(users, ["cleo", "ivy"]);
}

/// Issue 11: `--asq` sets when the ASQ is asked (universal by default), audited by name and sent
/// to kiosks.
#[test]
fn the_asq_mode_is_universal_by_default_set_audited_and_sent_to_kiosks() {
    let (_tmp, dir) = initialised();
    let _stop = StopOnDrop(dir.clone());
    let admin = |args: &[&str]| {
        let mut all = vec!["settings"];
        all.extend_from_slice(args);
        all.extend(["--user", "admin", "--password-stdin"]);
        triage(&dir, &all, &format!("{ADMIN_PW}\n"))
    };
    assert_eq!(json(&admin(&["show", "--json"]))["asq_mode"], "universal");
    let set = json(&admin(&["set", "--asq", "after-phq9-item9", "--json"]));
    assert_eq!(set["changed"], serde_json::json!(["asq_mode"]));
    assert_eq!(set["settings"]["asq_mode"], "after-phq9-item9");
    assert!(ok(&admin(&["show"])).contains("ASQ: after-phq9-item9"));
    let refused = admin(&["set", "--asq", "sometimes"]);
    assert!(!refused.status.success());

    let info = kiosk_info(&dir);
    assert_eq!(info.asq_mode, triage::instrument::AsqMode::AfterPhq9Item9);

    let mut reader = client(&dir, "admin", ADMIN_PW);
    let filter = AuditFilter { action: Some("settings.update".into()), ..Default::default() };
    let Reply::Audit(entries) = reader.request(Request::AuditList { filter }).expect("audit") else { panic!() };
    let records: Vec<String> = entries.iter().filter_map(|e| e.record.clone()).collect();
    assert_eq!(records, ["asq_mode"]);
}

/// Issue 15: the organisation's time zone is UTC until set, a name of the tz database built into
/// triage (its spelling kept), audited by name, sent to kiosks, and the zone of the times the
/// command line prints for people (JSON keeps UTC instants).
#[test]
fn the_time_zone_is_checked_audited_sent_to_kiosks_and_used_for_times_shown_to_people() {
    use triage::ui::clock::{Zone, date_time};
    let (_tmp, dir) = initialised();
    let _stop = StopOnDrop(dir.clone());
    let admin = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--user", "admin", "--password-stdin"]);
        triage(&dir, &all, &format!("{ADMIN_PW}\n"))
    };
    assert_eq!(json(&admin(&["settings", "show", "--json"]))["time_zone"], "UTC");
    assert!(ok(&admin(&["settings", "show"])).contains("time zone: UTC\n"), "init gave the machine's (TZ=UTC)");

    let set = json(&admin(&["settings", "set", "--time-zone", "america/regina", "--json"]));
    assert_eq!(set["changed"], serde_json::json!(["time_zone"]));
    assert_eq!(set["settings"]["time_zone"], "America/Regina");
    assert!(ok(&admin(&["settings", "show"])).contains("time zone: America/Regina"));

    // A name the database does not hold is an input error saying where the names are.
    let refused = admin(&["settings", "set", "--time-zone", "Mars/Olympus_Mons"]);
    assert_eq!(refused.status.code(), Some(2));
    let error = String::from_utf8_lossy(&refused.stderr).into_owned();
    assert!(error.contains("\"Mars/Olympus_Mons\" is not a time zone name"), "{error}");
    assert!(error.contains("triage settings time-zones"), "{error}");
    let names = ok(&triage(&dir, &["settings", "time-zones"], ""));
    assert!(names.lines().any(|n| n == "America/St_Johns") && names.lines().any(|n| n == "America/Regina"));

    let info = kiosk_info(&dir);
    assert_eq!(info.time_zone.as_deref(), Some("America/Regina"));

    // The audit list: Regina's hour for people (UTC-6 all year), the UTC instant in JSON.
    let filter = ["audit", "list", "--action", "settings.update"];
    let entries = json(&admin(&[&filter[..], &["--json"]].concat()));
    let time_ms = entries[0]["time_ms"].as_i64().expect("time_ms");
    let regina = Zone::named("America/Regina").expect("zone");
    let text = ok(&admin(&filter));
    assert!(text.lines().next().is_some_and(|header| header.contains("TIME (America/Regina)")), "{text}");
    let line = text.lines().find(|l| l.contains("settings.update")).expect("the entry");
    assert!(line.contains(&date_time(time_ms, &regina, triage::instrument::Lang::En)), "{line}");
    assert!(!line.contains(&date_time(time_ms, &Zone::utc(), triage::instrument::Lang::En)), "{line}");
    let records: Vec<&str> = entries.as_array().expect("entries").iter().filter_map(|e| e["record"].as_str()).collect();
    assert_eq!(records, ["time_zone"]);
}

/// `triage init --time-zone NAME` gives the organisation that zone; without it, the machine's
/// (`TZ` here); a name the database does not hold is refused (exit 2) before anything is made.
#[test]
fn init_takes_the_time_zone_given_or_the_machines_and_refuses_a_bad_name_first() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let init = |dir: &std::path::Path, zone: Option<&str>, tz: &str| {
        let mut args = vec!["init", "--org", "Clinic", "--province", "SK", "--admin", "admin"];
        args.extend(["--password-stdin", "--insecure-test-kdf"]);
        args.extend(zone.map(|zone| ["--time-zone", zone]).into_iter().flatten());
        let mut child = std::process::Command::new(BIN)
            .args(&args)
            .arg("--data-dir")
            .arg(dir)
            .env("TRIAGE_OWNER_IDLE_SECS", "3")
            .env("TZ", tz)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start triage");
        if let Some(mut input) = child.stdin.take() {
            let _ = std::io::Write::write_all(&mut input, format!("{ADMIN_PW}\n").as_bytes());
        }
        child.wait_with_output().expect("wait for triage")
    };
    let show = |dir: &std::path::Path| {
        ok(&triage(dir, &["settings", "show", "--user", "admin", "--password-stdin"], &format!("{ADMIN_PW}\n")))
    };

    let refused_dir = tmp.path().join("refused");
    let refused = init(&refused_dir, Some("Mars/Olympus_Mons"), "UTC");
    assert_eq!(refused.status.code(), Some(2));
    let error = String::from_utf8_lossy(&refused.stderr).into_owned();
    assert!(error.contains("--time-zone: \"Mars/Olympus_Mons\" is not a time zone name"), "{error}");
    assert!(!refused_dir.exists(), "nothing was created");

    let given = tmp.path().join("given");
    let _stop = StopOnDrop(given.clone());
    let said = ok(&init(&given, Some("america/regina"), "Europe/Paris"));
    assert!(
        said.contains("time zone: America/Regina (change it with `triage settings set --time-zone NAME`)"),
        "{said}"
    );
    assert!(show(&given).contains("time zone: America/Regina\n"));

    let machine = tmp.path().join("machine");
    let _stop_machine = StopOnDrop(machine.clone());
    assert!(ok(&init(&machine, None, ":America/Halifax")).contains("time zone: America/Halifax"));
    assert!(show(&machine).contains("time zone: America/Halifax\n"));
}
