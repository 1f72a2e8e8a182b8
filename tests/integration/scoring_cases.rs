//! Runs every hand-worked case in `tests/fixtures/scoring_cases.toml` (band boundaries, risk
//! items with low totals, reversed items, skip rules, sex- and age-specific cut-offs) through
//! the shipped library, and reports every disagreement at once.

use std::collections::BTreeMap;

use serde::Deserialize;
use triage::instrument::{Context, Library, Sex, parse_answer_list};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Cases {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    instrument: String,
    answers: String,
    sex: Option<String>,
    age: Option<i64>,
    cutoff: Option<i64>,
    expect_scorable: bool,
    expect_total: Option<i64>,
    expect_band: Option<String>,
    #[serde(default)]
    expect_bands: BTreeMap<String, String>,
    expect_positive: bool,
    #[serde(default)]
    expect_flags: Vec<String>,
    #[serde(default)]
    expect_follow_ups: Vec<String>,
    expect_missing: Option<Vec<String>>,
    #[serde(default)]
    expect_subscales: BTreeMap<String, i64>,
    #[serde(default)]
    note: String,
}

#[test]
fn every_hand_worked_case_scores_as_published() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/scoring_cases.toml")).unwrap();
    let cases: Cases = toml::from_str(&text).unwrap();
    let library = Library::shipped();
    let mut failures = Vec::new();
    let mut covered = std::collections::BTreeSet::new();
    for (n, case) in cases.cases.iter().enumerate() {
        let label = format!("case {} ({} {} — {})", n + 1, case.instrument, case.answers, case.note);
        let Some(instrument) = library.get(&case.instrument) else {
            failures.push(format!("{label}: instrument not available"));
            continue;
        };
        covered.insert(case.instrument.clone());
        let answers = match parse_answer_list(instrument, &case.answers) {
            Ok(answers) => answers,
            Err(error) => {
                failures.push(format!("{label}: answers rejected: {error}"));
                continue;
            }
        };
        let context = Context { sex: case.sex.as_deref().and_then(Sex::parse), age: case.age, cutoff: case.cutoff };
        let result = library.score(instrument, &answers, &context);
        let mut check = |what: &str, ok: bool, got: String| {
            if !ok {
                failures.push(format!("{label}: {what} was {got}"));
            }
        };
        check("scorable", result.scorable == case.expect_scorable, result.scorable.to_string());
        check("total", result.total == case.expect_total, format!("{:?}", result.total));
        check("band", result.band == case.expect_band, format!("{:?}", result.band));
        for (scheme, band) in &case.expect_bands {
            check(
                &format!("band in {scheme}"),
                result.bands.get(scheme) == Some(band),
                format!("{:?}", result.bands.get(scheme)),
            );
        }
        check("positive", result.positive == case.expect_positive, result.positive.to_string());
        let mut flags: Vec<String> = result.flags.iter().map(|f| f.id.clone()).collect();
        let mut expected_flags = case.expect_flags.clone();
        flags.sort();
        expected_flags.sort();
        check("flags", flags == expected_flags, format!("{flags:?}"));
        let mut follow_ups = result.follow_ups.clone();
        let mut expected_follow_ups = case.expect_follow_ups.clone();
        follow_ups.sort();
        expected_follow_ups.sort();
        check("follow-ups", follow_ups == expected_follow_ups, format!("{follow_ups:?}"));
        if let Some(missing) = &case.expect_missing {
            check("missing", &result.missing == missing, format!("{:?}", result.missing));
        }
        for (score, value) in &case.expect_subscales {
            check(
                &format!("score {score}"),
                result.scores.get(score) == Some(value),
                format!("{:?}", result.scores.get(score)),
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases disagree:\n{}",
        failures.len(),
        cases.cases.len(),
        failures.join("\n")
    );
    let shipped: Vec<String> = library.instruments().map(|i| i.id.clone()).collect();
    let uncovered: Vec<&String> = shipped.iter().filter(|id| !covered.contains(*id)).collect();
    assert!(uncovered.is_empty(), "instruments with no hand-worked case: {uncovered:?}");
}
