//! `triage report`: figures on a small data set with known answers, made through the owner, and
//! who may read reports.

mod report_support;
mod store_common;

use report_support::populate;
use store_common::*;

#[test]
fn service_and_client_reports() {
    let (_tmp, dir) = initialised();
    let _stop = StopOnDrop(dir.clone());
    let ids = populate(&dir);
    let report = json(&triage(
        &dir,
        &["report", "service", "--user", "cleo", "--password-stdin", "--json"],
        &format!("{CLEO_PW}\n"),
    ));
    assert_eq!(report["intakes"], 24);
    assert_eq!(report["by_origin"][0]["label"], "staff");
    assert_eq!(report["by_level"][0]["count"], 12);
    let screens = &report["positive_screens"][0];
    assert_eq!((screens["screened"].as_u64(), screens["positive"]["count"].as_u64()), (Some(24), Some(18)));
    let outcome = &report["outcomes_by_resource"][0];
    assert_eq!(outcome["resource"], "group-cbt");
    assert_eq!(outcome["with_follow_up"], 12);
    assert_eq!(outcome["too_few"], false);
    assert_eq!(outcome["reliable_improvement"]["count"], 6);
    assert_eq!(outcome["reliable_deterioration"]["count"], 3);
    assert_eq!(outcome["recovery"]["count"], 6);
    assert_eq!(outcome["reliable_recovery"]["count"], 6);
    // Wilson 95% interval for 6/12: 0.2538 to 0.7462.
    let low = outcome["recovery"]["low"].as_f64().unwrap();
    assert!((low - 0.2538).abs() < 1e-3, "{low}");

    // A period before any data: nothing.
    let empty = json(&triage(
        &dir,
        &["report", "service", "--to", "2000-01-01", "--user", "cleo", "--password-stdin", "--json"],
        &format!("{CLEO_PW}\n"),
    ));
    assert_eq!(empty["intakes"], 0);

    // A minimum count of 10: with 12 the rate is shown; the text names reliable recovery.
    let text =
        ok(&triage(&dir, &["report", "service", "--user", "admin", "--password-stdin"], &format!("{ADMIN_PW}\n")));
    assert!(text.contains("group-cbt · phq9: 12 with follow-up"), "{text}");
    assert!(!text.contains("too few to say"), "{text}");
    let csv = ok(&triage(
        &dir,
        &["report", "service", "--csv", "--user", "cleo", "--password-stdin"],
        &format!("{CLEO_PW}\n"),
    ));
    assert!(csv.lines().any(|l| l.starts_with("recovery,group-cbt,phq9,6,12,0.5000")), "{csv}");

    // Intake workers may not read service reports.
    let denied = triage(&dir, &["report", "service", "--user", "ivy", "--password-stdin"], &format!("{IVY_PW}\n"));
    assert!(!denied.status.success());
    assert!(
        String::from_utf8_lossy(&denied.stderr).contains("denied")
            || String::from_utf8_lossy(&denied.stderr).contains("not allowed")
    );

    // Client report: 15 -> 8 is reliable recovery; 15 -> 21 reliable deterioration.
    let first = ids[0].to_string();
    let last = ids[11].to_string();
    let out = json(&triage(
        &dir,
        &["report", "client", &first, "--user", "cleo", "--password-stdin", "--json"],
        &format!("{CLEO_PW}\n"),
    ));
    let change = &out["outcomes"][0]["change"];
    assert_eq!((change["baseline"].as_i64(), change["latest"].as_i64()), (Some(15), Some(8)));
    assert_eq!(change["direction"], "reliable_improvement");
    assert_eq!(change["reliable_recovery"], true);
    let text =
        ok(&triage(&dir, &["report", "client", &last, "--user", "cleo", "--password-stdin"], &format!("{CLEO_PW}\n")));
    assert!(text.contains("reliable deterioration"), "{text}");
}
