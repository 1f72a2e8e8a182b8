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
    let is_case = |value: i64| if rule.higher_is_better { value <= rule.caseness } else { value >= rule.caseness };
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
