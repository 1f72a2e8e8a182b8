//! Change between two administrations of one instrument: reliable improvement or deterioration,
//! caseness, recovery and reliable recovery (NHS Talking Therapies definitions).

use serde::Serialize;

use super::model::Instrument;
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
    Some(Change {
        instrument: instrument.id.clone(),
        baseline: before,
        latest: after,
        change: after - before,
        direction,
        baseline_case,
        latest_case,
        recovery,
        reliable_recovery: recovery && direction == Direction::ReliableImprovement,
    })
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
}
