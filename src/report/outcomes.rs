//! Outcome rates of referred clients: per resource and instrument, and the paired PHQ-9 and
//! GAD-7 outcome for every client and per resource.

use std::collections::{BTreeMap, HashMap};

use super::builder::ClientTrack;
use super::measure;
use super::stats::wilson;
use super::{PAIRED, PairedOutcomes, ResourceOutcome};
use crate::instrument::Library;
use crate::instrument::change::{Direction, PairedOutcome, compare, talking_therapies};
use crate::store::RecordId;

/// For each (resource, instrument): clients referred to the resource with a measure at or
/// before their first referral to it (the latest such is the baseline) and one after it (the
/// latest is the follow-up).
pub(super) fn outcomes(
    library: &Library,
    instruments: &[String],
    resources: &[String],
    clients: &HashMap<RecordId, ClientTrack>,
    min_count: u64,
) -> Vec<ResourceOutcome> {
    let mut tallies: BTreeMap<(u32, u16), Tally> = BTreeMap::new();
    for track in clients.values() {
        let mut first_referral: BTreeMap<u32, i64> = BTreeMap::new();
        for (at, resource) in &track.referrals {
            let slot = first_referral.entry(*resource).or_insert(*at);
            *slot = (*slot).min(*at);
        }
        for (resource, referred_at) in first_referral {
            for (index, name) in instruments.iter().enumerate() {
                let Some(instrument) = library.get(name) else { continue };
                let index = index as u16;
                let of_instrument = track.measures.iter().filter(|(_, i, _)| *i == index);
                let baseline =
                    of_instrument.clone().filter(|(at, _, _)| *at <= referred_at).max_by_key(|(at, _, _)| *at);
                let follow_up = of_instrument.filter(|(at, _, _)| *at > referred_at).max_by_key(|(at, _, _)| *at);
                let (Some(&(_, _, before)), Some(&(_, _, after))) = (baseline, follow_up) else { continue };
                let (Some(before), Some(after)) = (
                    measure::result_with_change_value(instrument, before),
                    measure::result_with_change_value(instrument, after),
                ) else {
                    continue;
                };
                let Some(change) = compare(instrument, &before, &after) else { continue };
                tallies.entry((resource, index)).or_default().add(Counted {
                    case_at_start: change.baseline_case,
                    reliable_improvement: change.direction == Direction::ReliableImprovement,
                    reliable_deterioration: change.direction == Direction::ReliableDeterioration,
                    recovery: change.recovery,
                    reliable_recovery: change.reliable_recovery,
                });
            }
        }
    }
    let mut out: Vec<ResourceOutcome> = tallies
        .into_iter()
        .map(|((resource, instrument), t)| ResourceOutcome {
            resource: resources.get(resource as usize).cloned().unwrap_or_default(),
            instrument: instruments.get(usize::from(instrument)).cloned().unwrap_or_default(),
            with_follow_up: t.n,
            cases_at_baseline: t.cases,
            too_few: t.n < min_count,
            reliable_improvement: wilson(t.improved, t.n),
            reliable_deterioration: wilson(t.deteriorated, t.n),
            recovery: wilson(t.recovered, t.cases),
            reliable_recovery: wilson(t.reliably_recovered, t.cases),
        })
        .collect();
    out.sort_by(|a, b| a.resource.cmp(&b.resource).then(a.instrument.cmp(&b.instrument)));
    out
}

/// A client's paired measures: (encounter time, PHQ-9 value, GAD-7 value), in time order.
fn paired_measures(track: &ClientTrack, phq9: u16, gad7: u16) -> Vec<(i64, i64, i64)> {
    let mut out: Vec<(i64, i64, i64)> = track
        .measures
        .iter()
        .filter(|(_, i, _)| *i == phq9)
        .filter_map(|(at, _, depression)| {
            let (_, _, anxiety) = track.measures.iter().find(|(when, i, _)| when == at && *i == gad7)?;
            Some((*at, *depression, *anxiety))
        })
        .collect();
    out.sort_by_key(|(at, _, _)| *at);
    out
}

/// The paired outcome between two paired measures.
fn paired_between(
    (phq9, gad7): (&crate::instrument::Instrument, &crate::instrument::Instrument),
    start: (i64, i64, i64),
    end: (i64, i64, i64),
) -> Option<PairedOutcome> {
    let change = |instrument, before, after| {
        compare(
            instrument,
            &measure::result_with_change_value(instrument, before)?,
            &measure::result_with_change_value(instrument, after)?,
        )
    };
    Some(talking_therapies(&change(phq9, start.1, end.1)?, &change(gad7, start.2, end.2)?))
}

/// One client's outcome as the tallies count it (per instrument or paired).
#[derive(Clone, Copy)]
struct Counted {
    case_at_start: bool,
    reliable_improvement: bool,
    reliable_deterioration: bool,
    recovery: bool,
    reliable_recovery: bool,
}

impl From<&PairedOutcome> for Counted {
    fn from(o: &PairedOutcome) -> Self {
        Counted {
            case_at_start: o.case_at_start,
            reliable_improvement: o.reliable_improvement,
            reliable_deterioration: o.reliable_deterioration,
            recovery: o.recovery,
            reliable_recovery: o.reliable_recovery,
        }
    }
}

/// Clients counted towards outcome rates.
#[derive(Default)]
struct Tally {
    n: u64,
    cases: u64,
    improved: u64,
    deteriorated: u64,
    recovered: u64,
    reliably_recovered: u64,
}

impl Tally {
    fn add(&mut self, c: Counted) {
        self.n += 1;
        self.cases += u64::from(c.case_at_start);
        self.improved += u64::from(c.reliable_improvement);
        self.deteriorated += u64::from(c.reliable_deterioration);
        self.recovered += u64::from(c.recovery);
        self.reliably_recovered += u64::from(c.reliable_recovery);
    }

    fn paired(&self, resource: Option<String>, min_count: u64) -> PairedOutcomes {
        PairedOutcomes {
            resource,
            with_follow_up: self.n,
            cases_at_start: self.cases,
            too_few: self.n < min_count,
            reliable_improvement: wilson(self.improved, self.n),
            reliable_deterioration: wilson(self.deteriorated, self.n),
            recovery: wilson(self.recovered, self.cases),
            reliable_recovery: wilson(self.reliably_recovered, self.cases),
        }
    }
}

/// Every client's paired outcome (first paired encounter against last), then each resource's
/// referred clients (latest paired encounter at or before the first referral against the latest
/// after it). Empty when no client has two paired encounters.
pub(super) fn paired_outcomes(
    library: &Library,
    instruments: &[String],
    resources: &[String],
    clients: &HashMap<RecordId, ClientTrack>,
    min_count: u64,
) -> Vec<PairedOutcomes> {
    let index = |id: &str| instruments.iter().position(|n| n == id).and_then(|i| u16::try_from(i).ok());
    let (Some(phq9), Some(gad7), Some(phq9_file), Some(gad7_file)) =
        (index(PAIRED.0), index(PAIRED.1), library.get(PAIRED.0), library.get(PAIRED.1))
    else {
        return Vec::new();
    };
    let files = (phq9_file, gad7_file);
    let mut all = Tally::default();
    let mut by_resource: BTreeMap<u32, Tally> = BTreeMap::new();
    for track in clients.values() {
        let paired = paired_measures(track, phq9, gad7);
        if let (Some(&start), Some(&end)) = (paired.first(), paired.last())
            && paired.len() > 1
            && let Some(outcome) = paired_between(files, start, end)
        {
            all.add(Counted::from(&outcome));
        }
        let mut first_referral: BTreeMap<u32, i64> = BTreeMap::new();
        for (at, resource) in &track.referrals {
            let slot = first_referral.entry(*resource).or_insert(*at);
            *slot = (*slot).min(*at);
        }
        for (resource, referred_at) in first_referral {
            let before = paired.iter().rev().find(|(at, _, _)| *at <= referred_at);
            let after = paired.last().filter(|(at, _, _)| *at > referred_at);
            if let (Some(&start), Some(&end)) = (before, after)
                && let Some(outcome) = paired_between(files, start, end)
            {
                by_resource.entry(resource).or_default().add(Counted::from(&outcome));
            }
        }
    }
    if all.n == 0 && by_resource.is_empty() {
        return Vec::new();
    }
    let mut out = vec![all.paired(None, min_count)];
    let mut named: Vec<PairedOutcomes> = by_resource
        .into_iter()
        .map(|(resource, tally)| tally.paired(resources.get(resource as usize).cloned(), min_count))
        .collect();
    named.sort_by(|a, b| a.resource.cmp(&b.resource));
    out.extend(named);
    out
}
