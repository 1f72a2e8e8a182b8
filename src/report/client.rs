//! Outcomes per client: each instrument's course, baseline against latest, and the NHS Talking
//! Therapies outcome on the paired PHQ-9 and GAD-7.

use serde::Serialize;

use super::measure::{self, Measure, Source};
use crate::instrument::Library;
use crate::instrument::change::{Change, PairedOutcome, compare, talking_therapies};
use crate::store::{ClientHistory, EncounterDetail};

/// One instrument's course for one client: every measure, and baseline against latest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InstrumentOutcome {
    pub instrument: String,
    /// (encounter time in ms, change-rule score or total) in time order, for a sparkline.
    pub series: Vec<(i64, i64)>,
    pub baseline_ms: i64,
    pub latest_ms: i64,
    /// `None` with one measure only, or when the instrument has no change rule.
    pub change: Option<Change>,
    /// Some measures came from stored totals (no item answers).
    pub from_stored_totals: bool,
}

/// Baseline against latest for each instrument a client has answered, in the order first
/// measured. Encounters are taken in time order whatever order they arrive in.
pub fn client_outcomes(library: &Library, history: &ClientHistory) -> Vec<InstrumentOutcome> {
    let mut encounters: Vec<&EncounterDetail> = history.encounters.iter().collect();
    encounters.sort_by_key(|e| e.encounter.created_ms);
    let mut by_instrument: Vec<(String, Vec<(i64, Measure)>)> = Vec::new();
    for detail in encounters {
        for m in measure::measures(library, detail) {
            let at = detail.encounter.created_ms;
            match by_instrument.iter_mut().find(|(id, _)| *id == m.instrument) {
                Some((_, list)) => list.push((at, m)),
                None => by_instrument.push((m.instrument.clone(), vec![(at, m)])),
            }
        }
    }
    let mut out = Vec::new();
    for (id, list) in by_instrument {
        let Some(instrument) = library.get(&id) else { continue };
        let (Some((first_at, first)), Some((last_at, last))) = (list.first(), list.last()) else { continue };
        let series = list
            .iter()
            .filter_map(|(at, m)| {
                let value = measure::change_value(instrument, &m.result).or(m.result.total)?;
                Some((*at, value))
            })
            .collect();
        let change = if list.len() > 1 { compare(instrument, &first.result, &last.result) } else { None };
        out.push(InstrumentOutcome {
            instrument: id,
            series,
            baseline_ms: *first_at,
            latest_ms: *last_at,
            change,
            from_stored_totals: list.iter().any(|(_, m)| m.source == Source::StoredTotal),
        });
    }
    out
}

/// The instruments paired by NHS Talking Therapies: depression (PHQ-9) and anxiety (GAD-7).
pub const PAIRED: (&str, &str) = ("phq9", "gad7");

/// A client's NHS Talking Therapies outcome on the paired PHQ-9 and GAD-7.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairedCourse {
    /// The first and last encounters in which both were measured.
    pub start_ms: i64,
    pub end_ms: i64,
    /// Encounters in which both were measured.
    pub paired_encounters: usize,
    pub phq9: Change,
    pub gad7: Change,
    pub outcome: PairedOutcome,
}

/// The paired outcome of a client with at least two encounters measuring both the PHQ-9 and
/// the GAD-7; `None` otherwise.
pub fn client_paired_outcome(library: &Library, history: &ClientHistory) -> Option<PairedCourse> {
    let (phq9, gad7) = (library.get(PAIRED.0)?, library.get(PAIRED.1)?);
    let mut encounters: Vec<&EncounterDetail> = history.encounters.iter().collect();
    encounters.sort_by_key(|e| e.encounter.created_ms);
    let paired: Vec<(i64, Measure, Measure)> = encounters
        .into_iter()
        .filter_map(|detail| {
            let mut measures = measure::measures(library, detail);
            let depression = measures.iter().position(|m| m.instrument == PAIRED.0).map(|i| measures.swap_remove(i))?;
            let anxiety = measures.into_iter().find(|m| m.instrument == PAIRED.1)?;
            Some((detail.encounter.created_ms, depression, anxiety))
        })
        .collect();
    let (Some((start_ms, phq9_start, gad7_start)), Some((end_ms, phq9_end, gad7_end))) =
        (paired.first(), paired.last())
    else {
        return None;
    };
    if paired.len() < 2 {
        return None;
    }
    let depression = compare(phq9, &phq9_start.result, &phq9_end.result)?;
    let anxiety = compare(gad7, &gad7_start.result, &gad7_end.result)?;
    Some(PairedCourse {
        start_ms: *start_ms,
        end_ms: *end_ms,
        paired_encounters: paired.len(),
        outcome: talking_therapies(&depression, &anxiety),
        phq9: depression,
        gad7: anxiety,
    })
}
