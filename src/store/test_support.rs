//! Hand-built records with known answers, for the store's tests and the layers above it (the
//! report's and the exports'), so none of the store's tests needs a layer above the store.

use super::summary::{EncounterSummary, SummaryTally};
use super::{
    Answer, Decision, Encounter, EncounterDetail, EncounterOrigin, EncounterStatus, InstrumentRef, Lang, RecordId,
    Referral, ReferralResource,
};

/// PHQ-9 answers summing to `total` (positions are scores for the PHQ-9), item 9 at `q9`.
pub(crate) fn phq9(encounter: RecordId, total: i64, q9: u32) -> Vec<Answer> {
    let mut left = total - i64::from(q9);
    (1..=9)
        .map(|i| {
            let position = if i == 9 {
                q9
            } else {
                let p = left.clamp(0, 3);
                left -= p;
                p as u32
            };
            answer(encounter, "phq9", i, position)
        })
        .collect()
}

/// The answer at `position` (its score: the PHQ-9's and GAD-7's positions are their scores) to
/// item `q{item}`.
pub(crate) fn answer(encounter: RecordId, instrument: &str, item: usize, position: u32) -> Answer {
    Answer {
        schema_version: 2,
        id: RecordId::random(),
        encounter_id: encounter,
        instrument: InstrumentRef { id: instrument.into(), version: "1".into(), language: Lang::En },
        item_id: format!("q{item}"),
        position,
        score: i64::from(position),
        free_text: None,
        answered_ms: 0,
        recorded_by: "t".into(),
    }
}

pub(crate) fn encounter(
    client: RecordId,
    at: i64,
    origin: EncounterOrigin,
    phq9_total: Option<i64>,
    level: Option<(&str, i64)>,
    chosen: &[&str],
) -> EncounterDetail {
    let id = RecordId::random();
    EncounterDetail {
        encounter: Encounter {
            schema_version: 2,
            id,
            client_id: client,
            origin,
            status: EncounterStatus::Reviewed,
            created_ms: at,
            updated_ms: at,
            created_by: "t".into(),
            instruments: vec!["phq9".into()],
            scoring: Default::default(),
            outcome: None,
            reopenings: Vec::new(),
        },
        crisis_actions: vec![],
        consents: vec![],
        answers: phq9_total.map(|t| phq9(id, t, 0)).unwrap_or_default(),
        results: vec![],
        decisions: level
            .map(|(level, decided)| {
                vec![Decision {
                    schema_version: 1,
                    id: RecordId::random(),
                    encounter_id: id,
                    suggested_level: level.into(),
                    rules_fired: vec![],
                    final_level: None,
                    override_reason: None,
                    decided_ms: decided,
                    decided_by: "t".into(),
                    lifted_exclusions: Vec::new(),
                    replaces: None,
                }]
            })
            .unwrap_or_default(),
        referrals: if chosen.is_empty() {
            vec![]
        } else {
            vec![Referral {
                schema_version: 1,
                id: RecordId::random(),
                encounter_id: id,
                resources: chosen
                    .iter()
                    .map(|r| ReferralResource { resource_id: r.to_string(), reasons: vec![], chosen: true })
                    .collect(),
                notes: None,
                recorded_ms: at,
                recorded_by: "t".into(),
                replaces: None,
            }]
        },
        damaged: vec![],
        version: 0,
    }
}

/// Every encounter a tally is handed, as a summary, sorted by encounter: what the service report
/// adds up, so two stores (or one store before and after a change) whose recorders are equal give
/// the same report.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct SummaryRecorder {
    pub summaries: Vec<EncounterSummary>,
    pub kiosk_received: Vec<(RecordId, i64)>,
    pub damaged: Vec<String>,
}

impl SummaryRecorder {
    /// The recorder in a canonical order (the store reads summaries in key order, records in
    /// another).
    pub fn sorted(mut self) -> Self {
        self.summaries.sort_by_key(|summary| summary.id);
        self.kiosk_received.sort();
        self.damaged.sort();
        self
    }
}

impl SummaryTally for SummaryRecorder {
    fn period(&self) -> (Option<i64>, Option<i64>) {
        (None, None)
    }
    fn kiosk_received(&mut self, encounter: RecordId, received_ms: i64) {
        self.kiosk_received.push((encounter, received_ms));
    }
    fn add_summary(&mut self, summary: &EncounterSummary<&str>) {
        self.summaries.push(summary.to_owned_summary());
    }
    fn add(&mut self, detail: &EncounterDetail) {
        self.summaries.push(EncounterSummary::from_detail(detail));
    }
    fn damaged(&mut self, records: Vec<String>) {
        self.damaged.extend(records);
    }
}
