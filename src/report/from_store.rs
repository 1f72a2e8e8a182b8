//! The service report over the store's encounter summaries: the store hands each summary (or an
//! unreadable one's records) to a [`ReportBuilder`] through [`SummaryTally`], so the store knows
//! nothing of the report, and the report needs no account of who asks.

use super::{Period, ReportBuilder, ServiceReport};
use crate::instrument::Library;
use crate::store::summary::{EncounterSummary, SummaryTally};
use crate::store::{EncounterDetail, RecordId};

impl SummaryTally for ReportBuilder<'_> {
    fn period(&self) -> (Option<i64>, Option<i64>) {
        (self.period.from_ms, self.period.to_ms)
    }

    fn kiosk_received(&mut self, encounter: RecordId, received_ms: i64) {
        ReportBuilder::kiosk_received(self, encounter, received_ms);
    }

    fn add_summary(&mut self, summary: &EncounterSummary<&str>) {
        ReportBuilder::add_summary(self, summary);
    }

    fn add(&mut self, detail: &EncounterDetail) {
        ReportBuilder::add(self, detail);
    }

    fn damaged(&mut self, records: Vec<String>) {
        ReportBuilder::damaged(self, records);
    }
}

impl ServiceReport {
    /// The service report over `period`, with the shipped questionnaires, from what `read`
    /// hands over: the owner passes `SledStore::tally_summaries` (clinician or admin; audited by
    /// the store; aggregate only).
    pub fn stored(
        period: Period,
        read: impl FnOnce(&mut dyn SummaryTally) -> crate::store::Result<()>,
    ) -> crate::store::Result<ServiceReport> {
        let library = Library::shipped();
        let mut builder = ReportBuilder::new(&library, period);
        read(&mut builder)?;
        Ok(builder.finish())
    }
}
