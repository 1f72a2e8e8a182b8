//! Turning stored encounters into measures: every instrument answered in an encounter is
//! re-scored from its current item answers (never from a stored total). An instrument with a
//! stored result but no item answers (older or imported data) falls back to the stored total,
//! and is marked so. Pure.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::summary::{EncounterSummary, InstrumentAnswers, StoredResult};
use crate::instrument::model::Positive;
use crate::instrument::{Instrument, Library, ScoreResult, Severity};
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
        undetermined_bands: Vec::new(),
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
fn positions<S: AsRef<str>>(instrument: &Instrument, answered: &InstrumentAnswers<S>) -> Option<Vec<Option<usize>>> {
    let mut answers = vec![None; instrument.items.len()];
    let mut any = false;
    for (item, position) in &answered.items {
        if let Some(index) = instrument.item_index(item.as_ref()) {
            answers[index] = Some(*position as usize);
            any = true;
        }
    }
    any.then_some(answers)
}

/// Stored results that count: those of instruments with no item answers in the encounter.
fn counted_stored_results<'s, S: AsRef<str>>(
    library: &'s Library,
    summary: &'s EncounterSummary<S>,
) -> impl Iterator<Item = (&'s Instrument, i64, &'s StoredResult<S>)> {
    summary.results.iter().filter_map(move |stored| {
        let id = stored.instrument.as_ref();
        if summary.answers.iter().any(|a| a.instrument.as_ref() == id) {
            return None;
        }
        Some((library.get(id)?, stored.total?, stored))
    })
}

/// A re-scored result of each instrument with item answers, if it is scorable.
fn rescored<'s, S: AsRef<str>>(
    library: &'s Library,
    summary: &'s EncounterSummary<S>,
) -> impl Iterator<Item = (&'s Instrument, ScoreResult)> {
    summary.answers.iter().filter_map(move |answered| {
        let instrument = library.get(answered.instrument.as_ref())?;
        let answers = positions(instrument, answered)?;
        // The person's sex and age when the encounter started: the AUDIT's and AUDIT-C's
        // cut-offs depend on them, as they did when the encounter was scored.
        let result = library.score(instrument, &answers, &summary.scoring.to_scoring());
        result.scorable.then_some((instrument, result))
    })
}

/// [`measures`] from an encounter's summary: instruments with item answers are re-scored; a
/// stored result counts only for an instrument with no answers in the encounter.
pub fn summary_measures<S: AsRef<str>>(library: &Library, summary: &EncounterSummary<S>) -> Vec<Measure> {
    let mut out = Vec::new();
    for (instrument, result) in rescored(library, summary) {
        let flags = result.flags.iter().map(|f| (f.id.clone(), f.severity == crate::instrument::Severity::Critical));
        let flags = flags.collect();
        out.push(Measure { instrument: instrument.id.clone(), result, source: Source::Items, flags });
    }
    for (instrument, total, stored) in counted_stored_results(library, summary) {
        out.push(Measure {
            instrument: instrument.id.clone(),
            result: from_total(instrument, total),
            source: Source::StoredTotal,
            flags: stored.flags.iter().map(|(flag, critical)| (flag.as_ref().to_string(), *critical)).collect(),
        });
    }
    out
}

/// What the service report counts of one [`Measure`], without building a full result for a
/// stored total (most measures in a large store): the same figures as
/// `change_value(&m.result)`, `m.result.positive` and `m.flags` (a test holds them equal).
#[derive(Debug, Clone, PartialEq)]
pub struct Fact<'s> {
    pub instrument: &'s Instrument,
    pub source: Source,
    pub change_value: Option<i64>,
    pub positive: bool,
    /// Flag ids raised, with whether each is critical.
    pub flags: Vec<(Cow<'s, str>, bool)>,
}

/// [`summary_measures`] as [`Fact`]s, in the same order.
pub fn summary_facts<'s, S: AsRef<str>>(library: &'s Library, summary: &'s EncounterSummary<S>) -> Vec<Fact<'s>> {
    let mut out = Vec::new();
    for (instrument, result) in rescored(library, summary) {
        let flags = result.flags.iter().map(|f| (Cow::Owned(f.id.clone()), f.severity == Severity::Critical));
        out.push(Fact {
            instrument,
            source: Source::Items,
            change_value: change_value(instrument, &result),
            positive: result.positive,
            flags: flags.collect(),
        });
    }
    for (instrument, total, stored) in counted_stored_results(library, summary) {
        // As `from_total`: only the total score is known.
        let total_index = instrument.total_score();
        let positive = matches!(&instrument.positive,
            Some(Positive::Cutoff { score, cutoff, .. }) if Some(*score) == total_index && total >= *cutoff);
        let change = instrument.change.as_ref().filter(|rule| total_index == Some(rule.score)).map(|_| total);
        out.push(Fact {
            instrument,
            source: Source::StoredTotal,
            change_value: change,
            positive,
            flags: stored.flags.iter().map(|(flag, critical)| (Cow::Borrowed(flag.as_ref()), *critical)).collect(),
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::store::summary::any_summary;

    proptest! {
        #[test]
        fn facts_count_what_the_full_measures_say(summary in any_summary()) {
            let library = Library::shipped();
            let measures = summary_measures(&library, &summary);
            let facts = summary_facts(&library, &summary);
            let expected: Vec<_> = measures
                .iter()
                .map(|m| {
                    let instrument = library.get(&m.instrument).map(|i| i.id.clone());
                    let change = library.get(&m.instrument).and_then(|i| change_value(i, &m.result));
                    (instrument, m.source, change, m.result.positive, m.flags.clone())
                })
                .collect();
            let got: Vec<_> = facts
                .iter()
                .map(|f| {
                    let flags = f.flags.iter().map(|(flag, critical)| (flag.to_string(), *critical)).collect::<Vec<_>>();
                    (Some(f.instrument.id.clone()), f.source, f.change_value, f.positive, flags)
                })
                .collect();
            prop_assert_eq!(got, expected);
        }
    }
}
