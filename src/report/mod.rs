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

mod builder;
mod client;
mod from_store;
pub mod measure;
mod model;
mod outcomes;
pub mod render;
pub mod stats;

pub use crate::store::summary::{self, EncounterSummary, SUMMARY_VERSION};
pub use builder::{ReportBuilder, service_report};
pub use client::{InstrumentOutcome, PAIRED, PairedCourse, client_outcomes, client_paired_outcome};
pub use measure::{Measure, Source};
pub use model::{
    Count, FlagCount, PairedOutcomes, Period, ReferralCount, ResourceOutcome, ReviewTimes, ScreenCount, ServiceReport,
    WeekCount,
};
pub use stats::{Rate, wilson};

/// Below this many clients with a follow-up, a rate is reported as "too few to say".
pub const DEFAULT_MIN_COUNT: u64 = 10;
/// The sparkline keeps at most this many most recent weeks.
pub const MAX_WEEKS: usize = 104;

#[cfg(test)]
mod tests;

#[cfg(test)]
pub(crate) mod tests_support {
    pub(crate) use crate::store::test_support::encounter;
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
            province: Some(crate::store::Province::On),
            language: Lang::En,
            contact: None,
            access_needs: vec![],
            populations: vec![],
            synthetic: false,
            created_ms: 0,
            created_by: "t".into(),
            sex_for_scoring: None,
        };
        let detail = encounter(id, 1_700_000_000_000, EncounterOrigin::Staff, Some(total), None, &[]);
        (client, detail)
    }
}
