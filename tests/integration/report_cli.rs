//! `triage report`: figures on a small data set with known answers, made through the owner, and
//! who may read reports.

use crate::report_support;
use crate::store_common;

use report_support::{paired_encounter, populate};
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
    // Issue 16, item 6: said as who can, not as the owner's internal name.
    let said = String::from_utf8_lossy(&denied.stderr);
    assert!(said.contains("Only an administrator or a clinician can read service reports."), "{said}");

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

/// NHS Talking Therapies outcomes on the paired PHQ-9 and GAD-7, through the owner and the real
/// binary: one client recovers reliably (PHQ-9 16 -> 6, GAD-7 12 -> 5), one improves on the PHQ-9
/// but stays a GAD-7 case (GAD-7 10 -> 9): not recovered.
#[test]
fn talking_therapies_outcomes_in_the_client_and_service_reports() {
    let (_tmp, dir) = initialised();
    let _stop = StopOnDrop(dir.clone());
    let mut c = client(&dir, "ivy", IVY_PW);
    let mut ids = Vec::new();
    for (name, start, end) in [("Paired One", (16, 12), (6, 5)), ("Paired Two", (18, 10), (9, 9))] {
        let new = triage::store::NewClient {
            name: name.into(),
            birth_date: Some("1980-02-03".into()),
            province: triage::store::Province::On,
            language: triage::store::Lang::En,
            contact: None,
            access_needs: vec![],
            populations: vec![],
            sex_for_scoring: None,
        };
        let triage::server::Reply::Id(id) = c.request(triage::server::Request::CreateClient { client: new }).unwrap()
        else {
            panic!("client")
        };
        paired_encounter(&mut c, id, start.0, start.1);
        paired_encounter(&mut c, id, end.0, end.1);
        ids.push(id.to_string());
    }
    drop(c);
    let password = format!("{CLEO_PW}\n");
    let one =
        json(&triage(&dir, &["report", "client", &ids[0], "--user", "cleo", "--password-stdin", "--json"], &password));
    let tt = &one["talking_therapies"];
    assert_eq!((tt["phq9"]["baseline"].as_i64(), tt["gad7"]["latest"].as_i64()), (Some(16), Some(5)));
    assert_eq!(tt["outcome"]["reliable_recovery"], true);
    let two = ok(&triage(&dir, &["report", "client", &ids[1], "--user", "cleo", "--password-stdin"], &password));
    assert!(two.contains("PHQ-9 and GAD-7 together (NHS Talking Therapies)"), "{two}");
    assert!(two.contains("case at the start: yes; recovery: no; reliable improvement: yes"), "{two}");

    let report = json(&triage(&dir, &["report", "service", "--user", "cleo", "--password-stdin", "--json"], &password));
    let all = &report["paired_outcomes"][0];
    assert_eq!(all["resource"], serde_json::Value::Null);
    assert_eq!((all["with_follow_up"].as_u64(), all["cases_at_start"].as_u64()), (Some(2), Some(2)));
    assert_eq!((all["recovery"]["count"].as_u64(), all["reliable_improvement"]["count"].as_u64()), (Some(1), Some(2)));
    assert_eq!(all["too_few"], true);
    let text = ok(&triage(&dir, &["report", "service", "--user", "cleo", "--password-stdin"], &password));
    assert!(text.contains("  all clients: 2 with start and end, 2 cases at the start"), "{text}");
}

/// English words that a French report must not show. Ids ("phq9", "group-cbt"), "NHS Talking
/// Therapies" and words French shares with English ("clients", "total") are not in the list.
const ENGLISH_MARKERS: [&str; 14] = [
    "Recovery",
    "recovery",
    "reliable",
    "improved",
    "improvement",
    "Total",
    "positive",
    "encounters",
    "Intakes",
    "staff",
    "kiosk",
    "too few",
    "with follow-up",
    "baseline",
];

fn assert_no_english(text: &str) {
    for word in ENGLISH_MARKERS {
        assert!(!text.contains(word), "English {word:?} in a French report:\n{text}");
    }
}

/// `--lang fr` through the real binary: French headings and outcome terms, no English words;
/// the default is English, the same bytes as `--lang en`; CSV and JSON do not change.
#[test]
fn reports_in_french_with_lang_fr() {
    let (_tmp, dir) = initialised();
    let _stop = StopOnDrop(dir.clone());
    let ids = populate(&dir);
    let password = format!("{CLEO_PW}\n");
    let service = |extra: &[&str]| {
        let mut args = vec!["report", "service", "--user", "cleo", "--password-stdin"];
        args.extend_from_slice(extra);
        ok(&triage(&dir, &args, &password))
    };
    let french = service(&["--lang", "fr"]);
    assert_no_english(&french);
    for heading in [
        "Rapport de service : période début – maintenant",
        "Évaluations : 24",
        "Par provenance :",
        "  personnel",
        "Par niveau :",
        "Dépistages positifs :",
        "Orientations par ressource (proposées / choisies) :",
        "Résultats par ressource (personnes orientées ayant une mesure de suivi ; au moins 10 pour donner un taux) :",
        "group-cbt · phq9 : 12 avec suivi",
        "amélioration fiable",
        "détérioration fiable",
        "rétablissement fiable",
        "Résultats selon NHS Talking Therapies, PHQ-9 et GAD-7 ensemble",
    ] {
        assert!(french.contains(heading), "{heading:?} missing:\n{french}");
    }
    let english = service(&[]);
    assert_eq!(english, service(&["--lang", "en"]));
    assert!(english.starts_with("Service report: the beginning to now\nIntakes: 24\n"), "{english}");
    assert_eq!(service(&["--csv"]), service(&["--csv", "--lang", "fr"]));
    assert_eq!(
        json(&triage(&dir, &["report", "service", "--user", "cleo", "--password-stdin", "--json"], &password)),
        json(&triage(
            &dir,
            &["report", "service", "--user", "cleo", "--password-stdin", "--json", "--lang", "fr"],
            &password
        ))
    );

    let client = |id: &str, lang: &str| {
        ok(&triage(&dir, &["report", "client", id, "--user", "cleo", "--password-stdin", "--lang", lang], &password))
    };
    let first = client(&ids[0].to_string(), "fr");
    assert_no_english(&first);
    assert!(first.starts_with(&format!("Dossier {}\n", ids[0])), "{first}");
    assert!(first.contains("amélioration fiable ; rétablissement : oui ; rétablissement fiable : oui"), "{first}");
    assert!(first.contains("(au-dessus du seuil clinique) -> dernière mesure 8 (sous le seuil clinique)"), "{first}");
    assert!(first.contains("PHQ-9 et GAD-7 ensemble (NHS Talking Therapies) :"), "{first}");
    let last = client(&ids[11].to_string(), "fr");
    assert!(last.contains("détérioration fiable"), "{last}");
    assert!(client(&ids[11].to_string(), "en").contains("reliable deterioration"));

    let unknown = triage(&dir, &["report", "service", "--lang", "de", "--user", "cleo", "--password-stdin"], &password);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("use en or fr"));
}
