//! Change between two administrations of one instrument: reliable improvement or deterioration,
//! caseness, recovery and reliable recovery (NHS Talking Therapies definitions); and the
//! patient-level outcome NHS Talking Therapies reports on the paired PHQ-9 and GAD-7
//! ([`talking_therapies`]).

use serde::Serialize;

use super::model::{ChangeRule, Instrument};
use super::score::ScoreResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    ReliableImprovement,
    ReliableDeterioration,
    NoReliableChange,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub instrument: String,
    pub baseline: i64,
    pub latest: i64,
    /// latest - baseline
    pub change: i64,
    pub direction: Direction,
    pub baseline_case: bool,
    pub latest_case: bool,
    /// Case at baseline and not a case at the latest measure.
    pub recovery: bool,
    /// Recovery together with reliable improvement.
    pub reliable_recovery: bool,
}

/// Compares two results of the same instrument; `None` when the instrument has no change rule
/// or either result lacks the score.
pub fn compare(instrument: &Instrument, baseline: &ScoreResult, latest: &ScoreResult) -> Option<Change> {
    let rule = instrument.change.as_ref()?;
    let score_id = &instrument.scores.get(rule.score)?.id;
    let (before, after) = (*baseline.scores.get(score_id)?, *latest.scores.get(score_id)?);
    Some(change_between(&instrument.id, rule, before, after))
}

/// The change from `before` to `after` under an instrument's change rule.
pub fn change_between(instrument: &str, rule: &ChangeRule, before: i64, after: i64) -> Change {
    let is_case = |value: i64| {
        if rule.higher_is_better { value <= rule.caseness } else { value >= rule.caseness }
    };
    let improvement = if rule.higher_is_better { after - before } else { before - after };
    let direction = if improvement >= rule.reliable_change {
        Direction::ReliableImprovement
    } else if -improvement >= rule.reliable_change {
        Direction::ReliableDeterioration
    } else {
        Direction::NoReliableChange
    };
    let (baseline_case, latest_case) = (is_case(before), is_case(after));
    let recovery = baseline_case && !latest_case;
    Change {
        instrument: instrument.to_string(),
        baseline: before,
        latest: after,
        change: after - before,
        direction,
        baseline_case,
        latest_case,
        recovery,
        reliable_recovery: recovery && direction == Direction::ReliableImprovement,
    }
}

/// The patient-level outcome NHS Talking Therapies reports, from a client's paired depression
/// (PHQ-9) and anxiety (GAD-7) measures at the start and at the end. Each instrument's own
/// caseness and reliable-change thresholds come from its file (PHQ-9: case >= 10, reliable change
/// 6; GAD-7: case >= 8, reliable change 4; shared/reference/instruments.md 2.1 and 2.4, citing
/// NHS Digital 2016 via PMC8411661 Table 1; shared/reference/existing-systems.md, NHS Talking
/// Therapies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PairedOutcome {
    /// A case at the start: above the clinical cut-off on EITHER measure.
    pub case_at_start: bool,
    /// A case at the end on either measure.
    pub case_at_end: bool,
    /// A case at the start and below the cut-off on BOTH measures at the end (never true for a
    /// client who was not a case at the start).
    pub recovery: bool,
    /// At least one measure improved reliably and neither deteriorated reliably.
    pub reliable_improvement: bool,
    /// Either measure deteriorated reliably.
    pub reliable_deterioration: bool,
    /// Recovery together with reliable improvement.
    pub reliable_recovery: bool,
}

/// The paired outcome of a client's depression and anxiety changes (each from [`compare`], over
/// the same start and end encounters).
pub fn talking_therapies(depression: &Change, anxiety: &Change) -> PairedOutcome {
    let both = [depression, anxiety];
    let case_at_start = both.iter().any(|c| c.baseline_case);
    let case_at_end = both.iter().any(|c| c.latest_case);
    let recovery = case_at_start && !case_at_end;
    let reliable_deterioration = both.iter().any(|c| c.direction == Direction::ReliableDeterioration);
    let reliable_improvement =
        both.iter().any(|c| c.direction == Direction::ReliableImprovement) && !reliable_deterioration;
    PairedOutcome {
        case_at_start,
        case_at_end,
        recovery,
        reliable_improvement,
        reliable_deterioration,
        reliable_recovery: recovery && reliable_improvement,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instrument::{Context, Library, parse_answer_list, score};

    const SCALE: &str = r#"
id = "mood"
version = "1"
languages = ["en"]
language_note = "test"
title = { en = "Mood" }
[source]
citation = "test"
licence = "test"
[[option_sets]]
id = "points"
options = [
  { code = "p0", value = 0, text = { en = "0" } }, { code = "p1", value = 1, text = { en = "1" } },
  { code = "p2", value = 2, text = { en = "2" } }, { code = "p3", value = 3, text = { en = "3" } },
  { code = "p4", value = 4, text = { en = "4" } }, { code = "p5", value = 5, text = { en = "5" } },
]
[[items]]
id = "a"
options = "points"
text = { en = "a" }
[[items]]
id = "b"
options = "points"
text = { en = "b" }
[[items]]
id = "c"
options = "points"
text = { en = "c" }
[[scores]]
id = "total"
items = ["a", "b", "c"]
[change]
score = "total"
caseness = 10
reliable_change = 6
source = "NHS Talking Therapies (PHQ-9 values)"
"#;

    fn at(total: i64) -> ScoreResult {
        let library = Library::from_sources(vec![("mood.toml".into(), SCALE.into())]);
        let instrument = library.get("mood").unwrap();
        let parts = [total.min(5), (total - 5).clamp(0, 5), (total - 10).clamp(0, 5)];
        let answers = parse_answer_list(instrument, &format!("{},{},{}", parts[0], parts[1], parts[2])).unwrap();
        score(instrument, &answers, &Context::default())
    }

    fn change(before: i64, after: i64) -> Change {
        let library = Library::from_sources(vec![("mood.toml".into(), SCALE.into())]);
        compare(library.get("mood").unwrap(), &at(before), &at(after)).unwrap()
    }

    #[test]
    fn reliable_change_boundary() {
        assert_eq!(change(15, 9).direction, Direction::ReliableImprovement);
        assert_eq!(change(15, 10).direction, Direction::NoReliableChange);
        assert_eq!(change(4, 10).direction, Direction::ReliableDeterioration);
        assert_eq!(change(4, 9).direction, Direction::NoReliableChange);
    }

    #[test]
    fn caseness_recovery_and_reliable_recovery() {
        let recovered = change(10, 9);
        assert!(recovered.baseline_case && !recovered.latest_case && recovered.recovery);
        assert!(!recovered.reliable_recovery, "a 1-point drop is not reliable");
        let reliable = change(15, 9);
        assert!(reliable.recovery && reliable.reliable_recovery);
        let still_case = change(15, 10);
        assert!(!still_case.recovery && still_case.latest_case);
        let never_case = change(9, 2);
        assert!(!never_case.baseline_case && !never_case.recovery);
        assert_eq!(never_case.direction, Direction::ReliableImprovement);
    }

    /// A change of the shipped PHQ-9 (case >= 10, reliable change 6) or GAD-7 (case >= 8,
    /// reliable change 4), under the file's own change rule.
    fn made(id: &str, before: i64, after: i64) -> Change {
        let rule = Library::shipped().get(id).and_then(|i| i.change.clone()).unwrap();
        change_between(id, &rule, before, after)
    }

    #[test]
    fn talking_therapies_paired_outcomes() {
        // (PHQ-9 start, end, GAD-7 start, end) ->
        // (case at start, recovery, reliable improvement, reliable deterioration, reliable recovery)
        type Row = ((i64, i64, i64, i64), (bool, bool, bool, bool, bool));
        let table: &[Row] = &[
            // Case on the PHQ-9 only, below both at the end, PHQ-9 down 6: reliable recovery.
            ((15, 9, 5, 5), (true, true, true, false, true)),
            // Case on the GAD-7 only (8 is a case), GAD-7 down 4 to 4: reliable recovery.
            ((3, 3, 8, 4), (true, true, true, false, true)),
            // Below both at the end but no reliable change: recovery, not reliable recovery.
            ((10, 9, 8, 7), (true, true, false, false, false)),
            // PHQ-9 improves reliably but the GAD-7 is still a case: not recovered.
            ((20, 9, 12, 10), (true, false, true, false, false)),
            // One improves reliably, the other deteriorates reliably into caseness: deterioration,
            // no improvement, no recovery.
            ((20, 9, 5, 9), (true, false, false, true, false)),
            // Below both cut-offs at the end, but the GAD-7 rose reliably (0 -> 4, still below 8):
            // recovery, yet neither reliable improvement nor reliable recovery.
            ((16, 9, 0, 4), (true, true, false, true, false)),
            // Not a case at the start: never a recovery, whatever happens.
            ((9, 2, 7, 0), (false, false, true, false, false)),
            // Boundaries: a 5-point PHQ-9 drop and a 3-point GAD-7 drop are not reliable.
            ((14, 9, 10, 7), (true, true, false, false, false)),
            // Worsening into caseness on both: reliable deterioration.
            ((4, 10, 3, 8), (false, false, false, true, false)),
        ];
        for ((p0, p1, g0, g1), (case, recovery, improvement, deterioration, reliable_recovery)) in table {
            let o = talking_therapies(&made("phq9", *p0, *p1), &made("gad7", *g0, *g1));
            let row = format!("PHQ-9 {p0}->{p1}, GAD-7 {g0}->{g1}: {o:?}");
            assert_eq!(o.case_at_start, *case, "{row}");
            assert_eq!(o.recovery, *recovery, "{row}");
            assert_eq!(o.reliable_improvement, *improvement, "{row}");
            assert_eq!(o.reliable_deterioration, *deterioration, "{row}");
            assert_eq!(o.reliable_recovery, *reliable_recovery, "{row}");
        }
    }

    #[test]
    fn the_shipped_phq9_and_gad7_carry_the_talking_therapies_thresholds() {
        let library = Library::shipped();
        for (id, caseness, reliable) in [("phq9", 10, 6), ("gad7", 8, 4)] {
            let rule = library.get(id).and_then(|i| i.change.clone()).unwrap();
            assert_eq!(
                (rule.caseness, rule.reliable_change, rule.higher_is_better),
                (caseness, reliable, false),
                "{id}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn paired_outcomes_obey_the_definitions(p0 in 0i64..=27, p1 in 0i64..=27, g0 in 0i64..=21, g1 in 0i64..=21) {
            let (phq9, gad7) = (made("phq9", p0, p1), made("gad7", g0, g1));
            let o = talking_therapies(&phq9, &gad7);
            // Recovery needs caseness at the start and none at the end, on both measures.
            proptest::prop_assert_eq!(o.recovery, (p0 >= 10 || g0 >= 8) && p1 < 10 && g1 < 8);
            proptest::prop_assert!(!o.recovery || o.case_at_start);
            // Improvement and deterioration exclude each other; reliable recovery implies both
            // recovery and reliable improvement.
            proptest::prop_assert!(!(o.reliable_improvement && o.reliable_deterioration));
            proptest::prop_assert_eq!(o.reliable_recovery, o.recovery && o.reliable_improvement);
            proptest::prop_assert_eq!(o.reliable_deterioration, p1 - p0 >= 6 || g1 - g0 >= 4);
            proptest::prop_assert_eq!(
                o.reliable_improvement,
                (p0 - p1 >= 6 || g0 - g1 >= 4) && !(p1 - p0 >= 6 || g1 - g0 >= 4)
            );
            // Swapping start and end turns improvement into deterioration (and back), when
            // nothing moved both ways.
            let back = talking_therapies(&made("phq9", p1, p0), &made("gad7", g1, g0));
            if o.reliable_improvement {
                proptest::prop_assert!(back.reliable_deterioration);
            }
        }
    }
}
