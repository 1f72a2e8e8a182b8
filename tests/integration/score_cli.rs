//! `triage score` and `triage instruments` through the real binary.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn triage() -> Command {
    Command::cargo_bin("triage").unwrap()
}

fn score_json(args: &[&str]) -> Value {
    let output = triage().arg("score").args(args).arg("--json").output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn phq9_item_9_flags_critical_with_a_low_total() {
    let result = score_json(&["phq9", "--answers", "0,0,0,0,0,0,0,0,1"]);
    assert_eq!(result["total"], 1);
    assert_eq!(result["band"], "none_minimal");
    assert_eq!(result["positive"], false);
    assert_eq!(result["scorable"], true);
    assert_eq!(result["flags"][0]["severity"], "critical");
    assert_eq!(result["flags"][0]["item"], "q9");
    assert_eq!(result["follow_ups"], serde_json::json!(["asq"]));
    assert_eq!(result["derived"]["phq2"]["total"], 0);
}

#[test]
fn json_has_the_documented_shape() {
    let result = score_json(&["phq9", "--answers", "3,3,3,2,2,1,1,1,0"]);
    for key in [
        "instrument",
        "version",
        "total",
        "band",
        "bands",
        "positive",
        "subscales",
        "flags",
        "follow_ups",
        "scorable",
        "missing",
    ] {
        assert!(result.get(key).is_some(), "missing {key}");
    }
    assert_eq!(result["instrument"], "phq9");
    assert_eq!(result["total"], 16);
    assert_eq!(result["band"], "moderately_severe");
}

#[test]
fn missing_answers_are_not_scorable_but_flags_still_fire() {
    let result = score_json(&["phq9", "--answers", "1,-,1,1,1,1,1,1,2"]);
    assert_eq!(result["scorable"], false);
    assert_eq!(result["total"], Value::Null);
    assert_eq!(result["missing"], serde_json::json!(["q2"]));
    assert_eq!(result["flags"][0]["severity"], "critical");
}

#[test]
fn short_forms_score_on_their_own() {
    let result = score_json(&["phq2", "--answers", "1,2"]);
    assert_eq!(result["total"], 3);
    assert_eq!(result["positive"], true);
}

#[test]
fn value_outside_the_option_set_is_exit_2_naming_item_and_allowed_values() {
    triage()
        .args(["score", "phq9", "--answers", "0,0,7,0,0,0,0,0,0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("item q3").and(predicate::str::contains("0, 1, 2, 3")));
}

#[test]
fn wrong_number_of_answers_is_exit_2() {
    triage()
        .args(["score", "gad7", "--answers", "1,2,3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("gad7 takes 7 to 8 answers"));
}

#[test]
fn unknown_instrument_is_exit_2_listing_the_known_ones() {
    triage()
        .args(["score", "phq99", "--answers", "1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown instrument `phq99`").and(predicate::str::contains("phq9")));
}

#[test]
fn text_output_for_people() {
    triage()
        .args(["score", "phq9", "--answers", "0,0,0,0,0,0,0,0,1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Total: 1").and(predicate::str::contains("CRITICAL")));
}

#[test]
fn instruments_list_and_show() {
    let output = triage().args(["instruments", "list", "--json"]).output().unwrap();
    let list: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(list["instruments"].as_array().unwrap().len(), 13);
    triage()
        .args(["instruments", "show", "phq9"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Little interest or pleasure in doing things"));
    triage().args(["instruments", "show", "nope"]).assert().code(2);
}

/// Issue 11: a Yes to any of ASQ Q1-4 is a positive screen even when Q5 is missing. The result is
/// non-acute positive (band and urgent flag), acuity is not decided and not raised, and the output
/// says Q5 is missing.
#[test]
fn asq_yes_to_q4_with_q5_missing_is_non_acute_positive() {
    let result = score_json(&["asq", "--answers", "n,n,n,y,-"]);
    assert_eq!(result["positive"], true);
    assert_eq!(result["band"], "non_acute_positive");
    assert_eq!(result["undetermined_bands"], serde_json::json!(["acute_positive"]));
    assert_eq!(result["missing"], serde_json::json!(["q5"]));
    assert_eq!(result["scorable"], false);
    let flags: Vec<&str> = result["flags"].as_array().unwrap().iter().filter_map(|f| f["id"].as_str()).collect();
    assert_eq!(flags, ["non_acute_positive"]);
    triage()
        .args(["score", "asq", "--answers", "n,n,n,y,-"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Positive screen: yes"))
        .stdout(predicate::str::contains("missing q5"))
        .stdout(predicate::str::contains("Non-acute positive screen"));
}

/// One rule for unknown sex on both instruments validated by sex: the women's cut-off.
#[test]
fn unknown_sex_takes_the_womens_cut_off_on_audit_and_audit_c() {
    for (instrument, answers, sex, cutoff, positive) in [
        ("audit", "2,2,1,0,0,1,1,0,0,0", None, 7, true),
        ("audit", "2,2,1,0,0,1,1,0,0,0", Some("female"), 7, true),
        ("audit", "2,2,1,0,0,1,1,0,0,0", Some("male"), 8, false),
        ("auditc", "1,1,1", None, 3, true),
        ("auditc", "1,1,1", Some("female"), 3, true),
        ("auditc", "1,1,1", Some("male"), 4, false),
    ] {
        let mut args = vec![instrument, "--answers", answers, "--age", "40"];
        args.extend(sex.iter().flat_map(|s| ["--sex", s]));
        let result = score_json(&args);
        assert_eq!(
            (result["cutoff"].as_i64(), result["positive"].as_bool()),
            (Some(cutoff), Some(positive)),
            "{args:?}"
        );
    }
    let older_man = score_json(&["audit", "--answers", "2,2,1,0,0,1,1,0,0,0", "--sex", "male", "--age", "66"]);
    assert_eq!(older_man["cutoff"], 7);
}

fn stdout_of(args: &[&str]) -> String {
    let output = triage().args(args).output().unwrap();
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// Issue 13: `--lang fr` prints the result in French: band and flag labels from the file's `fr`
/// fields, our own words from the strings module, and none of the English ones.
#[test]
fn phq9_scored_in_french_prints_french_labels_and_words() {
    let text = stdout_of(&["score", "phq9", "--answers", "1,2,3,1,2,3,1,2,3", "--lang", "fr"]);
    for french in [
        "Total : 18 (étendue 0-27)",
        "Catégorie : Modérément sévère",
        "Dépistage positif : oui (seuil 10)",
        "CRITIQUE suicidal_ideation (question q9) : Item 9 du PHQ-9 coché",
        "Suivi à faire : asq",
        "Forme dérivée PHQ-2 : 3, positif",
    ] {
        assert!(text.contains(french), "missing {french:?} in:\n{text}");
    }
    for english in ["Total:", "Band:", "Positive screen", "CRITICAL", "Follow-up", "Moderately severe", "endorsed"] {
        assert!(!text.contains(english), "English {english:?} in:\n{text}");
    }
}

#[test]
fn missing_items_and_a_negative_screen_in_french() {
    let text = stdout_of(&["score", "phq9", "--answers", "1,-,1,1,1,1,1,1,2", "--lang", "fr"]);
    assert!(text.contains("Score impossible à calculer : questions obligatoires sans réponse q2"), "{text}");
    let text = stdout_of(&["score", "phq2", "--answers", "0,1", "--lang", "fr"]);
    assert!(text.contains("Dépistage positif : non (seuil 3)"), "{text}");
}

/// `--lang en` (and no `--lang`) stays word for word as before issue 13.
#[test]
fn english_output_is_unchanged() {
    let expected = "Patient Health Questionnaire-9 (PHQ-9) (phq9 v1.0)\nTotal: 18 (range 0-27)\n\
        Band: Moderately severe [Depression severity (Kroenke 2001)]\nPositive screen: yes (cut-off 10)\n\
        CRITICAL suicidal_ideation (item q9): PHQ-9 item 9 endorsed (thoughts of being better off dead or of \
        self-harm): suicide-risk follow-up now, regardless of total\nFollow-up due: asq\nDerived PHQ-2: 3, positive\n";
    assert_eq!(stdout_of(&["score", "phq9", "--answers", "1,2,3,1,2,3,1,2,3"]), expected);
    assert_eq!(stdout_of(&["score", "phq9", "--answers", "1,2,3,1,2,3,1,2,3", "--lang", "en"]), expected);
}

/// JSON keeps the language-neutral ids and adds the chosen language's labels beside them.
#[test]
fn json_keeps_ids_and_adds_the_chosen_languages_labels() {
    let french = score_json(&["phq9", "--answers", "1,2,3,1,2,3,1,2,3", "--lang", "fr"]);
    assert_eq!(french["band"], "moderately_severe");
    assert_eq!(french["flags"][0]["id"], "suicidal_ideation");
    assert_eq!(french["language"], "fr");
    assert_eq!(french["labels"]["bands"]["kroenke2001"]["band"], "Modérément sévère");
    assert!(french["labels"]["flags"]["suicidal_ideation"].as_str().unwrap().starts_with("Item 9 du PHQ-9"));
    let english = score_json(&["phq9", "--answers", "1,2,3,1,2,3,1,2,3"]);
    assert_eq!(english["language"], "en");
    assert_eq!(english["labels"]["bands"]["kroenke2001"]["band"], "Moderately severe");
}

/// Issue 13: the list shows `en fr` for the instruments with a validated French version.
#[test]
fn instruments_list_shows_the_languages_of_each_instrument() {
    let text = stdout_of(&["instruments", "list"]);
    let langs = |id: &str| {
        let line = text.lines().find(|l| l.split_whitespace().next() == Some(id)).unwrap();
        line.split_whitespace().skip(2).take_while(|w| *w == "en" || *w == "fr").collect::<Vec<_>>().join(" ")
    };
    assert_eq!(langs("phq9"), "en fr");
    assert_eq!(langs("phq2"), "en fr");
    let list: Value =
        serde_json::from_slice(&triage().args(["instruments", "list", "--json"]).output().unwrap().stdout).unwrap();
    for row in list["instruments"].as_array().unwrap() {
        let id = row["id"].as_str().unwrap();
        let expected = if row["languages"].as_array().unwrap().iter().any(|l| l == "fr") { "en fr" } else { "en" };
        assert_eq!(langs(id), expected, "{id}");
    }
}

/// `instruments show phq9 --lang fr`: the validated French stem, time frame, items and options,
/// the English-only item marked as such in French.
#[test]
fn instruments_show_in_french_prints_the_validated_french_text() {
    let text = stdout_of(&["instruments", "show", "phq9", "--lang", "fr"]);
    for french in [
        "Au cours des deux dernières semaines, à quelle fréquence avez-vous été dérangé(e)",
        "Période de référence : Au cours des deux dernières semaines",
        "Peu d’intérêt ou de plaisir à faire des choses",
        "Jamais = 0 · Plusieurs jours = 1 · Plus de sept jours = 2 · Presque tous les jours = 3",
        "pas encore offert en français dans ce service",
        "Texte français : ",
    ] {
        assert!(text.contains(french), "missing {french:?} in:\n{text}");
    }
    assert!(!text.contains("Little interest"), "{text}");
    assert!(!text.contains("English only: not in the French source"), "{text}");
    let gad7 = stdout_of(&["instruments", "show", "gad7", "--lang", "fr"]);
    assert!(gad7.contains("Pas encore offert en français dans ce service"), "{gad7}");
}
