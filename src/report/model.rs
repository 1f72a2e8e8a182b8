//! The service report as data: the period it covers and every figure it shows.

use serde::{Deserialize, Serialize};

use super::stats::Rate;

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
