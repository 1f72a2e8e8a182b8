//! What a kiosk box holds, pure: the intake so far built from the client's questionnaire flow
//! (current answers, where the client stopped, flags by tier, partial totals) and whether it
//! ranks with the urgent ones in the staff queue.

use super::app::{CONSENT_VERSION, ClientSession, Kiosk};
use crate::instrument::{Lang, Library, Severity};
use crate::store::kiosk::{KIOSK_INTAKE_VERSION, KioskIntake, PartialTotal, StopPoint};
use crate::store::{ConsentAnswer, InstrumentRef, NewAnswer};

/// The intake so far as the owner will keep it: the current answers (a declined item has
/// none), where the client is, every flag raised and the partial totals.
pub fn snapshot(kiosk: &Kiosk, client: &ClientSession, complete: bool, library: &Library) -> KioskIntake {
    let lang = client.lang;
    let mut answers = Vec::new();
    let mut other_flags = Vec::new();
    let mut partial_totals = Vec::new();
    for (instrument, given) in client.flow.answered() {
        let Some(instrument) = library.get(instrument) else { continue };
        let language = if instrument.languages.contains(&lang) { lang } else { Lang::En };
        for (index, position) in given.iter().enumerate() {
            let Some(position) = *position else { continue };
            let (Some(item), Some(option)) = (instrument.items.get(index), instrument.options_of(index).get(position))
            else {
                continue;
            };
            answers.push(NewAnswer {
                instrument: InstrumentRef { id: instrument.id.clone(), version: instrument.version.clone(), language },
                item_id: item.id.clone(),
                position: u32::try_from(position).unwrap_or(u32::MAX),
                score: option.value,
                free_text: None,
            });
        }
        let scored = crate::instrument::score(instrument, given, client.flow.context());
        for flag in scored.flags.iter().filter(|f| f.severity == Severity::Warning) {
            let name = format!("{}.{}", instrument.id, flag.id);
            if !other_flags.contains(&name) {
                other_flags.push(name);
            }
        }
        if let Some(partial) = partial_total(instrument, given) {
            partial_totals.push(partial);
        }
    }
    let stopped_at = (!complete)
        .then(|| {
            let instrument = client.flow.current_instrument(library)?;
            let item = instrument.items.get(client.flow.current_item())?;
            Some(StopPoint { instrument: instrument.id.clone(), item: item.id.clone() })
        })
        .flatten();
    KioskIntake {
        schema_version: KIOSK_INTAKE_VERSION,
        id: client.id,
        language: lang,
        consent_version: CONSENT_VERSION.into(),
        consent: ConsentAnswer::Given,
        client: None,
        answers,
        submitted_ms: kiosk.now_ms,
        bundle: Some(kiosk.bundle.clone()),
        instruments: kiosk.instruments.clone(),
        completed: client.completed.clone(),
        critical_flags: client.critical.clone(),
        complete,
        stopped_at,
        urgent_flags: client.urgent.clone(),
        other_flags,
        declined_items: client.declined.clone(),
        partial_totals,
        scoring: client.scoring,
    }
}

/// The total over the items answered so far, when some of the total's items are still
/// unanswered; `severe` when it already reaches the default band scheme's highest band.
fn partial_total(instrument: &crate::instrument::Instrument, given: &[Option<usize>]) -> Option<PartialTotal> {
    let score_index = instrument.total_score()?;
    let score = &instrument.scores[score_index];
    let mut total = 0;
    let mut answered = 0u32;
    for &item in &score.items {
        if let Some(Some(position)) = given.get(item)
            && let Some(option) = instrument.options_of(item).get(*position)
        {
            total += option.value;
            answered += 1;
        }
    }
    let items = u32::try_from(score.items.len()).unwrap_or(u32::MAX);
    if answered == 0 || answered == items {
        return None;
    }
    let total = total * score.multiplier + score.offset;
    let severe = instrument
        .default_scheme
        .and_then(|scheme| instrument.band_schemes.get(scheme))
        .filter(|scheme| scheme.score == Some(score_index))
        .and_then(|scheme| scheme.bands.iter().filter_map(|b| b.min).max())
        .is_some_and(|highest| total >= highest);
    Some(PartialTotal { instrument: instrument.id.clone(), total, answered, items, severe })
}

/// Urgent in the staff queue: an urgent flag or a declined risk item; while incomplete, also
/// any flag or severe partial answers.
pub fn is_urgent(intake: &KioskIntake) -> bool {
    !intake.urgent_flags.is_empty()
        || !intake.declined_items.is_empty()
        || (!intake.complete && (!intake.other_flags.is_empty() || intake.partial_totals.iter().any(|p| p.severe)))
}
