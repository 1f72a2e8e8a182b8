//! Outcomes per client and service reports (issue 7). Pure: the functions here take records
//! and the instrument library and return plain data structures that the CLI prints and the TUI
//! draws; the owner feeds them from the store (`SledStore::service_report`).
//!
//! Definitions (NHS Talking Therapies, `instruments.md`): an instrument's change rule gives the
//! caseness threshold and the reliable-change threshold; `instrument::compare` applies them.
//! Baseline is a client's first measure of an instrument and latest their last one. Results are
//! always re-scored from item answers; a stored total is used only when an encounter has no item
//! answers for that instrument (counted in `measures_from_stored_totals`).
//!
//! Beside the per-instrument figures, the patient-level NHS Talking Therapies outcome on the
//! paired PHQ-9 and GAD-7 (`instrument::talking_therapies`): a client's start and end are the
//! first and last encounters in which BOTH were measured.

mod from_store;
pub mod measure;
pub mod render;
pub mod stats;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::instrument::Library;
use crate::instrument::change::{Change, Direction, PairedOutcome, compare, talking_therapies};
pub use crate::store::summary::{self, EncounterSummary, SUMMARY_VERSION};
use crate::store::{ClientHistory, EncounterDetail, EncounterOrigin, RecordId};
pub use measure::{Measure, Source};
pub use stats::{Rate, wilson};

/// Below this many clients with a follow-up, a rate is reported as "too few to say".
pub const DEFAULT_MIN_COUNT: u64 = 10;

const WEEK_MS: i64 = 7 * 24 * 60 * 60 * 1000;
/// 1970-01-01 was a Thursday: shift so weeks start on Monday.
const MONDAY_SHIFT_MS: i64 = 3 * 24 * 60 * 60 * 1000;
/// The sparkline keeps at most this many most recent weeks.
pub const MAX_WEEKS: usize = 104;

// ---- outcomes per client ------------------------------------------------------------------

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

// ---- service report -----------------------------------------------------------------------

/// The period a report covers: encounters created at or after `from_ms` and before `to_ms`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
}

impl Period {
    pub fn contains(&self, ms: i64) -> bool {
        self.from_ms.is_none_or(|f| ms >= f) && self.to_ms.is_none_or(|t| ms < t)
    }
}

/// A labelled count (one bar of a bar chart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub label: String,
    pub count: u64,
}

/// Encounters in which a flag was raised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlagCount {
    /// `instrument.flag`.
    pub flag: String,
    pub critical: bool,
    pub encounters: u64,
}

/// Time from a kiosk submission to the first staff triage decision on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewTimes {
    /// Kiosk intakes with a staff decision.
    pub reviewed: u64,
    /// Kiosk intakes with no staff decision yet.
    pub awaiting: u64,
    pub median_ms: Option<i64>,
    pub p90_ms: Option<i64>,
}

/// Positive screens of one instrument.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScreenCount {
    pub instrument: String,
    /// Encounters in which it was scored.
    pub screened: u64,
    pub positive: Rate,
}

/// Referrals to one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralCount {
    pub resource: String,
    pub offered: u64,
    pub chosen: u64,
}

/// Outcomes of clients referred to one resource, measured by one instrument.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceOutcome {
    pub resource: String,
    pub instrument: String,
    /// Clients with a measure at or before the referral and one after it.
    pub with_follow_up: u64,
    /// Of those, how many were a case at baseline (the denominator of recovery).
    pub cases_at_baseline: u64,
    /// Fewer than the minimum count: the rates are shown but must not be read.
    pub too_few: bool,
    pub reliable_improvement: Rate,
    pub reliable_deterioration: Rate,
    /// Of the cases at baseline.
    pub recovery: Rate,
    /// Of the cases at baseline.
    pub reliable_recovery: Rate,
}

/// NHS Talking Therapies outcomes on the paired PHQ-9 and GAD-7, for every client or for the
/// clients referred to one resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairedOutcomes {
    /// `None`: every client with two paired encounters (first against last); a resource: its
    /// referred clients, the latest paired encounter at or before the first referral against
    /// the latest after it (as for the per-instrument figures).
    pub resource: Option<String>,
    /// Clients with a paired start and a paired end.
    pub with_follow_up: u64,
    /// Of those, a case on either measure at the start (the denominator of recovery).
    pub cases_at_start: u64,
    /// Fewer than the minimum count: the rates are shown but must not be read.
    pub too_few: bool,
    pub reliable_improvement: Rate,
    pub reliable_deterioration: Rate,
    /// Of the cases at the start.
    pub recovery: Rate,
    /// Of the cases at the start.
    pub reliable_recovery: Rate,
}

/// Intakes per week (Monday start), for a sparkline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekCount {
    pub week_start_ms: i64,
    pub count: u64,
}

/// Everything the service report shows. Every list is sorted for display (largest first, then
/// by name); `by_origin`, `by_level`, `referrals` and `weekly_intakes` are ready for bar charts
/// and sparklines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceReport {
    pub period: Period,
    pub intakes: u64,
    pub by_origin: Vec<Count>,
    /// Final level if set, else the suggested level of the latest decision; `undecided` if none.
    pub by_level: Vec<Count>,
    pub flags: Vec<FlagCount>,
    /// Encounters with any critical flag or recorded crisis action.
    pub critical_encounters: u64,
    pub kiosk_review: ReviewTimes,
    pub positive_screens: Vec<ScreenCount>,
    pub referrals: Vec<ReferralCount>,
    pub outcomes_by_resource: Vec<ResourceOutcome>,
    /// NHS Talking Therapies paired PHQ-9 + GAD-7 outcomes: every client first, then by resource.
    #[serde(default)]
    pub paired_outcomes: Vec<PairedOutcomes>,
    pub min_count: u64,
    pub weekly_intakes: Vec<WeekCount>,
    /// Measures that used a stored total because the encounter had no item answers.
    pub measures_from_stored_totals: u64,
    /// Records that could not be read (by id); the rest are counted.
    pub damaged: Vec<String>,
}

#[derive(Default)]
struct ClientTrack {
    /// (encounter time, instrument index, change-rule value)
    measures: Vec<(i64, u16, i64)>,
    /// (referral encounter time, resource index)
    referrals: Vec<(i64, u32)>,
}

/// Accumulates a [`ServiceReport`] one encounter at a time, so the owner can stream the store
/// through it. Memory grows with the number of clients (a few numbers each), not encounters.
pub struct ReportBuilder<'a> {
    library: &'a Library,
    period: Period,
    min_count: u64,
    kiosk_received: HashMap<RecordId, i64>,
    intakes: u64,
    by_origin: BTreeMap<&'static str, u64>,
    by_level: BTreeMap<String, u64>,
    /// Encounters raising each flag: [as a warning, as critical].
    flags: BTreeMap<String, [u64; 2]>,
    critical_encounters: u64,
    review_ms: Vec<i64>,
    awaiting: u64,
    screens: BTreeMap<String, (u64, u64)>,
    referrals: BTreeMap<String, (u64, u64)>,
    weeks: BTreeMap<i64, u64>,
    from_stored: u64,
    damaged: Vec<String>,
    instruments: Vec<String>,
    resources: Vec<String>,
    clients: HashMap<RecordId, ClientTrack>,
}

impl<'a> ReportBuilder<'a> {
    pub fn new(library: &'a Library, period: Period) -> Self {
        ReportBuilder {
            library,
            period,
            min_count: DEFAULT_MIN_COUNT,
            kiosk_received: HashMap::new(),
            intakes: 0,
            by_origin: BTreeMap::new(),
            by_level: BTreeMap::new(),
            flags: BTreeMap::new(),
            critical_encounters: 0,
            review_ms: Vec::new(),
            awaiting: 0,
            screens: BTreeMap::new(),
            referrals: BTreeMap::new(),
            weeks: BTreeMap::new(),
            from_stored: 0,
            damaged: Vec::new(),
            instruments: Vec::new(),
            resources: Vec::new(),
            clients: HashMap::new(),
        }
    }

    /// Rates with fewer clients than this are marked "too few to say".
    pub fn min_count(mut self, min_count: u64) -> Self {
        self.min_count = min_count.max(1);
        self
    }

    /// When a kiosk submission claimed into `encounter` arrived (the start of its review time;
    /// otherwise the encounter's creation time is used).
    pub fn kiosk_received(&mut self, encounter: RecordId, received_ms: i64) {
        self.kiosk_received.insert(encounter, received_ms);
    }

    /// Records that could not be read.
    pub fn damaged(&mut self, records: impl IntoIterator<Item = String>) {
        self.damaged.extend(records);
    }

    fn intern(list: &mut Vec<String>, name: &str) -> usize {
        match list.iter().position(|n| n == name) {
            Some(at) => at,
            None => {
                list.push(name.to_string());
                list.len() - 1
            }
        }
    }

    /// Adds one encounter with everything stored for it.
    pub fn add(&mut self, detail: &EncounterDetail) {
        self.add_summary(&EncounterSummary::from_detail(detail));
    }

    /// Adds one encounter from its summary (what the owner keeps for each encounter), owned or
    /// borrowing its text from stored bytes.
    pub fn add_summary<S: AsRef<str>>(&mut self, summary: &EncounterSummary<S>) {
        self.damaged.extend(summary.damaged.iter().map(|record| record.as_ref().to_string()));
        let at = summary.created_ms;
        let in_period = self.period.contains(at);
        let facts = measure::summary_facts(self.library, summary);
        // Every measure feeds outcomes, whatever the period: a follow-up may fall after it.
        let track = self.clients.entry(summary.client_id).or_default();
        for fact in &facts {
            if let Some(value) = fact.change_value {
                let index = Self::intern(&mut self.instruments, &fact.instrument.id);
                track.measures.push((at, index as u16, value));
            }
        }
        if !in_period {
            return;
        }
        for (resource, _) in summary.referrals.iter().filter(|(_, chosen)| *chosen) {
            let index = Self::intern(&mut self.resources, resource.as_ref());
            track.referrals.push((at, index as u32));
        }
        self.intakes += 1;
        let origin = match summary.origin {
            EncounterOrigin::Staff => "staff",
            EncounterOrigin::Kiosk => "kiosk",
        };
        *self.by_origin.entry(origin).or_default() += 1;
        update(&mut self.by_level, summary.level(), |n| *n += 1);
        let week = (at + MONDAY_SHIFT_MS).div_euclid(WEEK_MS) * WEEK_MS - MONDAY_SHIFT_MS;
        *self.weeks.entry(week).or_default() += 1;

        let mut seen: Vec<(Cow<'_, str>, bool)> = Vec::new();
        for fact in &facts {
            if fact.source == Source::StoredTotal {
                self.from_stored += 1;
            }
            update(&mut self.screens, &fact.instrument.id, |(screened, positive)| {
                *screened += 1;
                *positive += u64::from(fact.positive);
            });
            for (flag, critical) in &fact.flags {
                let name = if flag.contains('.') {
                    Cow::Borrowed(flag.as_ref())
                } else {
                    Cow::Owned(format!("{}.{flag}", fact.instrument.id))
                };
                if !seen.iter().any(|(f, _)| *f == name) {
                    seen.push((name, *critical));
                }
            }
        }
        let critical = summary.crisis || seen.iter().any(|(_, c)| *c);
        if critical {
            self.critical_encounters += 1;
        }
        for (flag, critical) in seen {
            update(&mut self.flags, &flag, |counts| counts[usize::from(critical)] += 1);
        }

        if summary.origin == EncounterOrigin::Kiosk {
            let start = self.kiosk_received.get(&summary.id).copied().unwrap_or(at);
            match summary.first_decision_ms {
                Some(reviewed) => self.review_ms.push((reviewed - start).max(0)),
                None => self.awaiting += 1,
            }
        }

        for (resource, chosen) in &summary.referrals {
            update(&mut self.referrals, resource.as_ref(), |(offered, picked)| {
                *offered += 1;
                *picked += u64::from(*chosen);
            });
        }
    }

    /// The finished report.
    pub fn finish(mut self) -> ServiceReport {
        self.review_ms.sort_unstable();
        let kiosk_review = ReviewTimes {
            reviewed: self.review_ms.len() as u64,
            awaiting: self.awaiting,
            median_ms: stats::median(&self.review_ms),
            p90_ms: stats::percentile(&self.review_ms, 90),
        };
        let counts = |map: BTreeMap<String, u64>| {
            let mut list: Vec<Count> = map.into_iter().map(|(label, count)| Count { label, count }).collect();
            list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
            list
        };
        let by_origin = self.by_origin.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        let mut flags: Vec<FlagCount> = (self.flags.into_iter())
            .flat_map(|(flag, counts)| {
                [(false, counts[0]), (true, counts[1])]
                    .into_iter()
                    .filter(|(_, encounters)| *encounters > 0)
                    .map(move |(critical, encounters)| FlagCount { flag: flag.clone(), critical, encounters })
            })
            .collect();
        flags.sort_by(|a, b| {
            b.critical.cmp(&a.critical).then(b.encounters.cmp(&a.encounters)).then(a.flag.cmp(&b.flag))
        });
        let positive_screens = self
            .screens
            .into_iter()
            .map(|(instrument, (screened, positive))| ScreenCount {
                instrument,
                screened,
                positive: wilson(positive, screened),
            })
            .collect();
        let mut referrals: Vec<ReferralCount> = self
            .referrals
            .into_iter()
            .map(|(resource, (offered, chosen))| ReferralCount { resource, offered, chosen })
            .collect();
        referrals
            .sort_by(|a, b| b.chosen.cmp(&a.chosen).then(b.offered.cmp(&a.offered)).then(a.resource.cmp(&b.resource)));
        let outcomes_by_resource =
            outcomes(self.library, &self.instruments, &self.resources, &self.clients, self.min_count);
        let paired_outcomes =
            paired_outcomes(self.library, &self.instruments, &self.resources, &self.clients, self.min_count);
        let mut weekly_intakes = Vec::new();
        if let (Some((&first, _)), Some((&last, _))) = (self.weeks.first_key_value(), self.weeks.last_key_value()) {
            let start = first.max(last - (MAX_WEEKS as i64 - 1) * WEEK_MS);
            let mut week = start;
            while week <= last {
                weekly_intakes
                    .push(WeekCount { week_start_ms: week, count: self.weeks.get(&week).copied().unwrap_or(0) });
                week += WEEK_MS;
            }
        }
        self.damaged.sort();
        self.damaged.dedup();
        ServiceReport {
            period: self.period,
            intakes: self.intakes,
            by_origin: counts(by_origin),
            by_level: counts(self.by_level),
            flags,
            critical_encounters: self.critical_encounters,
            kiosk_review,
            positive_screens,
            referrals,
            outcomes_by_resource,
            paired_outcomes,
            min_count: self.min_count,
            weekly_intakes,
            measures_from_stored_totals: self.from_stored,
            damaged: self.damaged,
        }
    }
}

/// Changes the value under `key`, copying the key only the first time it is seen.
fn update<V: Default>(map: &mut BTreeMap<String, V>, key: &str, change: impl FnOnce(&mut V)) {
    match map.get_mut(key) {
        Some(value) => change(value),
        None => {
            let mut value = V::default();
            change(&mut value);
            map.insert(key.to_string(), value);
        }
    }
}

/// For each (resource, instrument): clients referred to the resource with a measure at or
/// before their first referral to it (the latest such is the baseline) and one after it (the
/// latest is the follow-up).
fn outcomes(
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
fn paired_outcomes(
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

/// Builds a service report from encounters (any order).
pub fn service_report<'e>(
    library: &Library,
    period: Period,
    encounters: impl IntoIterator<Item = &'e EncounterDetail>,
) -> ServiceReport {
    let mut builder = ReportBuilder::new(library, period);
    for detail in encounters {
        builder.add(detail);
    }
    builder.finish()
}

#[cfg(test)]
mod tests;

#[cfg(test)]
pub(crate) mod tests_support {
    pub(crate) use super::tests::encounter;
    use crate::store::{Client, EncounterDetail, EncounterOrigin, Lang, RecordId};

    /// A client named `name` (birth date `birth_date`) with one staff encounter whose PHQ-9
    /// answers sum to `total`.
    pub fn phq9_encounter(name: &str, birth_date: &str, total: i64) -> (Client, EncounterDetail) {
        let id = RecordId::random();
        let client = Client {
            schema_version: 1,
            id,
            name: name.into(),
            birth_date: Some(birth_date.into()),
            province: "ON".into(),
            language: Lang::En,
            contact: None,
            access_needs: vec![],
            populations: vec![],
            synthetic: false,
            created_ms: 0,
            created_by: "t".into(),
            sex_for_scoring: None,
        };
        let detail = super::tests::encounter(id, 1_700_000_000_000, EncounterOrigin::Staff, Some(total), None, &[]);
        (client, detail)
    }
}
