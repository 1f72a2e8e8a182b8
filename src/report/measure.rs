//! Turning stored encounters into measures: every instrument answered in an encounter is
//! re-scored from its current item answers (never from a stored total). An instrument with a
//! stored result but no item answers (older or imported data) falls back to the stored total,
//! and is marked so. Pure.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::summary::{EncounterSummary, InstrumentAnswers};
use crate::instrument::model::Positive;
use crate::instrument::{Context, Instrument, Library, ScoreResult};
use crate::store::EncounterDetail;

/// Where a measure's numbers came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Re-scored from the item answers.
    Items,
    /// Only a stored total was available.
    StoredTotal,
}

/// One instrument's result in one encounter.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    pub instrument: String,
    pub result: ScoreResult,
    pub source: Source,
    /// Flag ids raised (from the re-scored result, or the stored result's flags).
    pub flags: Vec<(String, bool)>,
}

/// The current answers of one instrument as option positions, by the instrument's item order.
pub fn answers_for(instrument: &Instrument, detail: &EncounterDetail) -> Option<Vec<Option<usize>>> {
    let mut answers = vec![None; instrument.items.len()];
    let mut any = false;
    for answer in detail.current_answers() {
        if answer.instrument.id != instrument.id {
            continue;
        }
        if let Some(index) = instrument.item_index(&answer.item_id) {
            answers[index] = Some(answer.position as usize);
            any = true;
        }
    }
    any.then_some(answers)
}

/// A result built from a stored total alone: scores hold the total; positive by the cut-off
/// when the instrument's positive screen is a cut-off on its total.
pub fn from_total(instrument: &Instrument, total: i64) -> ScoreResult {
    let total_index = instrument.total_score();
    let mut scores = BTreeMap::new();
    if let Some(index) = total_index {
        scores.insert(instrument.scores[index].id.clone(), total);
    }
    let (positive, cutoff) = match &instrument.positive {
        Some(Positive::Cutoff { score, cutoff, .. }) if Some(*score) == total_index => {
            (total >= *cutoff, Some(*cutoff))
        }
        _ => (false, None),
    };
    let band = instrument.default_scheme.and_then(|s| instrument.band_for(s, total)).map(|b| b.id.clone());
    ScoreResult {
        instrument: instrument.id.clone(),
        version: instrument.version.clone(),
        scorable: true,
        missing: Vec::new(),
        total: Some(total),
        scores,
        band,
        bands: BTreeMap::new(),
        positive,
        cutoff,
        flags: Vec::new(),
        follow_ups: Vec::new(),
        skipped: Vec::new(),
        derived: BTreeMap::new(),
    }
}

/// Every instrument measured in an encounter, in the order first answered (or stored).
pub fn measures(library: &Library, detail: &EncounterDetail) -> Vec<Measure> {
    summary_measures(library, &EncounterSummary::from_detail(detail))
}

/// The current answers of one instrument as option positions, by the instrument's item order.
fn positions(instrument: &Instrument, answered: &InstrumentAnswers) -> Option<Vec<Option<usize>>> {
    let mut answers = vec![None; instrument.items.len()];
    let mut any = false;
    for (item, position) in &answered.items {
        if let Some(index) = instrument.item_index(item) {
            answers[index] = Some(*position as usize);
            any = true;
        }
    }
    any.then_some(answers)
}

/// [`measures`] from an encounter's summary: instruments with item answers are re-scored; a
/// stored result counts only for an instrument with no answers in the encounter.
pub fn summary_measures(library: &Library, summary: &EncounterSummary) -> Vec<Measure> {
    let mut out = Vec::new();
    for answered in &summary.answers {
        let Some(instrument) = library.get(&answered.instrument) else { continue };
        let Some(answers) = positions(instrument, answered) else { continue };
        let result = library.score(instrument, &answers, &Context::default());
        if !result.scorable {
            continue;
        }
        let flags = result.flags.iter().map(|f| (f.id.clone(), f.severity == crate::instrument::Severity::Critical));
        let flags = flags.collect();
        out.push(Measure { instrument: instrument.id.clone(), result, source: Source::Items, flags });
    }
    for stored in &summary.results {
        if summary.answers.iter().any(|a| a.instrument == stored.instrument) {
            continue;
        }
        let (Some(instrument), Some(total)) = (library.get(&stored.instrument), stored.total) else { continue };
        out.push(Measure {
            instrument: instrument.id.clone(),
            result: from_total(instrument, total),
            source: Source::StoredTotal,
            flags: stored.flags.clone(),
        });
    }
    out
}

/// The value of an instrument's change-rule score in a result, if it has one.
pub fn change_value(instrument: &Instrument, result: &ScoreResult) -> Option<i64> {
    let rule = instrument.change.as_ref()?;
    let id = &instrument.scores.get(rule.score)?.id;
    result.scores.get(id).copied()
}

/// A minimal result carrying only the change-rule score, for [`crate::instrument::compare`].
pub fn result_with_change_value(instrument: &Instrument, value: i64) -> Option<ScoreResult> {
    let rule = instrument.change.as_ref()?;
    let id = instrument.scores.get(rule.score)?.id.clone();
    let mut result = from_total(instrument, value);
    result.scores = BTreeMap::from([(id, value)]);
    Some(result)
}
