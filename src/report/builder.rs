//! Building a service report one encounter at a time.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use super::measure::{self, Source};
use super::outcomes::{outcomes, paired_outcomes};
use super::stats::{self, wilson};
use super::{
    Count, DEFAULT_MIN_COUNT, EncounterSummary, FlagCount, MAX_WEEKS, Period, ReferralCount, ReviewTimes, ScreenCount,
    ServiceReport, WeekCount,
};
use crate::instrument::Library;
use crate::store::{EncounterDetail, EncounterOrigin, RecordId};

const WEEK_MS: i64 = 7 * 24 * 60 * 60 * 1000;
/// 1970-01-01 was a Thursday: shift so weeks start on Monday.
const MONDAY_SHIFT_MS: i64 = 3 * 24 * 60 * 60 * 1000;

#[derive(Default)]
pub(super) struct ClientTrack {
    /// (encounter time, instrument index, change-rule value)
    pub(super) measures: Vec<(i64, u16, i64)>,
    /// (referral encounter time, resource index)
    pub(super) referrals: Vec<(i64, u32)>,
}

/// Accumulates a [`ServiceReport`] one encounter at a time, so the owner can stream the store
/// through it. Memory grows with the number of clients (a few numbers each), not encounters.
pub struct ReportBuilder<'a> {
    library: &'a Library,
    pub(super) period: Period,
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
