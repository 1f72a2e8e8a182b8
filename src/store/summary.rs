//! What the service report needs of one encounter, in one small record. Pure.
//!
//! The store keeps one [`EncounterSummary`] per encounter (encrypted, beside the encounter) and
//! folds every record saved for the encounter into it ([`EncounterSummary::apply`]), so the
//! service report reads one record per encounter instead of every answer, result, decision and
//! referral. [`EncounterSummary::from_detail`] folds a whole stored encounter the same way; the
//! report's figures come from summaries only, so a summary kept up to date record by record and
//! one built from the records give the same figures by construction.
//!
//! A summary is derived data: one written by another version ([`SUMMARY_VERSION`]) is not
//! migrated field by field but rebuilt from the encounter's records.

use serde::{Deserialize, Serialize};

use crate::store::ScoringContext;

use crate::store::{
    Answer, CrisisAction, Decision, Encounter, EncounterDetail, EncounterOrigin, RecordId, Referral, ResultRecord,
};

/// The summary layout this build reads and writes (2: postcard, ids as bytes; 1 was JSON).
pub const SUMMARY_VERSION: u32 = 3;

// Every text field is of type `S`: `String` when a summary is built and kept up to date, `&str`
// when the report reads a stored one, borrowing from the decrypted bytes (no copy is made).

/// The current item answers of one instrument in one encounter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstrumentAnswers<S = String> {
    /// The instrument's id (any version or language: the latest answer to an item wins).
    pub instrument: S,
    /// (item id, option position) of the latest answer to each item, in the order first answered.
    pub items: Vec<(S, u32)>,
}

/// The latest stored result of one instrument (used only when it has no item answers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredResult<S = String> {
    pub instrument: S,
    pub total: Option<i64>,
    /// (flag code, critical) as stored.
    pub flags: Vec<(S, bool)>,
}

/// One encounter as the service report sees it (encrypted at rest like the records it sums up).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncounterSummary<S = String> {
    pub schema_version: u32,
    #[serde(with = "id_bytes")]
    pub id: RecordId,
    #[serde(with = "id_bytes")]
    pub client_id: RecordId,
    pub origin: EncounterOrigin,
    pub created_ms: i64,
    /// Instruments in the order first answered, each with its current answers.
    pub answers: Vec<InstrumentAnswers<S>>,
    /// Instruments in the order first stored, each with its latest stored result.
    pub results: Vec<StoredResult<S>>,
    /// (decision time, level) of the latest decision (the later saved on equal times); the level
    /// is the final level if set, else the suggested one.
    pub latest_decision: Option<(i64, S)>,
    /// When the first decision was made (ends a kiosk intake's review time).
    pub first_decision_ms: Option<i64>,
    /// Every resource of every referral in the order saved: (resource id, chosen).
    pub referrals: Vec<(S, bool)>,
    /// A crisis action was recorded.
    pub crisis: bool,
    /// Records of the encounter that could not be read when the summary was built.
    pub damaged: Vec<S>,
    /// The person's context the encounter is scored with (from its encounter record).
    pub scoring: ScoringContext,
}

/// What adds summaries up (the service report's builder): the store reads every summary, and
/// the records of an encounter whose summary it cannot read, and hands them over one by one, so
/// the store needs nothing of the report.
pub trait SummaryTally {
    /// The period the tally covers (from, before), as the audit entry names it.
    fn period(&self) -> (Option<i64>, Option<i64>);
    /// A kiosk submission for `encounter` arrived at `received_ms` (its review time starts).
    fn kiosk_received(&mut self, encounter: RecordId, received_ms: i64);
    /// One encounter, from its stored summary (its text borrowed from the decrypted bytes).
    fn add_summary(&mut self, summary: &EncounterSummary<&str>);
    /// One encounter, from its records (its summary was unreadable).
    fn add(&mut self, detail: &EncounterDetail);
    /// Records that could not be read, named (`kind id`).
    fn damaged(&mut self, records: Vec<String>);
}

/// A summary as stored: postcard bytes (compact, and readable without copying its text).
pub fn encode(summary: &EncounterSummary) -> Vec<u8> {
    // Serialising plain data to a growable buffer cannot fail; an empty value would be read
    // back as unreadable and rebuilt from the records.
    postcard::to_stdvec(summary).unwrap_or_default()
}

/// A stored summary, borrowing its text from `bytes`, if it decodes, has this build's layout
/// and belongs to encounter `id`.
pub fn decode<'a>(id: &[u8], bytes: &'a [u8]) -> Option<EncounterSummary<&'a str>> {
    let summary: EncounterSummary<&'a str> = postcard::from_bytes(bytes).ok()?;
    (summary.schema_version == SUMMARY_VERSION && summary.id.as_bytes().as_slice() == id).then_some(summary)
}

/// Record ids as their 16 bytes (the records' own JSON form is 32 hex digits).
mod id_bytes {
    use serde::{Deserializer, Serializer, de};

    use crate::store::RecordId;

    pub fn serialize<S: Serializer>(id: &RecordId, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(id.as_bytes())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<RecordId, D::Error> {
        struct Bytes;
        impl de::Visitor<'_> for Bytes {
            type Value = RecordId;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a record id (16 bytes)")
            }
            fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<RecordId, E> {
                RecordId::from_slice(bytes).ok_or_else(|| E::invalid_length(bytes.len(), &self))
            }
        }
        deserializer.deserialize_bytes(Bytes)
    }
}

impl<S: AsRef<str>> EncounterSummary<S> {
    /// The level counted for the encounter: the latest decision's, or `undecided`.
    pub fn level(&self) -> &str {
        self.latest_decision.as_ref().map_or("undecided", |(_, level)| level.as_ref())
    }

    /// An owned copy (for a summary about to be updated).
    pub fn to_owned_summary(&self) -> EncounterSummary {
        let text = |s: &S| s.as_ref().to_string();
        EncounterSummary {
            schema_version: self.schema_version,
            id: self.id,
            client_id: self.client_id,
            origin: self.origin,
            created_ms: self.created_ms,
            answers: (self.answers.iter())
                .map(|a| InstrumentAnswers {
                    instrument: text(&a.instrument),
                    items: a.items.iter().map(|(item, position)| (text(item), *position)).collect(),
                })
                .collect(),
            results: (self.results.iter())
                .map(|r| StoredResult {
                    instrument: text(&r.instrument),
                    total: r.total,
                    flags: r.flags.iter().map(|(flag, critical)| (text(flag), *critical)).collect(),
                })
                .collect(),
            latest_decision: self.latest_decision.as_ref().map(|(at, level)| (*at, text(level))),
            first_decision_ms: self.first_decision_ms,
            referrals: self.referrals.iter().map(|(resource, chosen)| (text(resource), *chosen)).collect(),
            crisis: self.crisis,
            damaged: self.damaged.iter().map(text).collect(),
            scoring: self.scoring,
        }
    }
}

/// One record of an encounter, as [`EncounterSummary::apply`] takes it.
#[derive(Debug, Clone, Copy)]
pub enum Saved<'a> {
    Encounter(&'a Encounter),
    Answer(&'a Answer),
    Result(&'a ResultRecord),
    Decision(&'a Decision),
    Referral(&'a Referral),
    CrisisAction(&'a CrisisAction),
}

impl EncounterSummary {
    /// The summary of an encounter with no other records yet.
    pub fn new(encounter: &Encounter) -> Self {
        EncounterSummary {
            schema_version: SUMMARY_VERSION,
            id: encounter.id,
            client_id: encounter.client_id,
            origin: encounter.origin,
            created_ms: encounter.created_ms,
            answers: Vec::new(),
            results: Vec::new(),
            latest_decision: None,
            first_decision_ms: None,
            referrals: Vec::new(),
            crisis: false,
            damaged: Vec::new(),
            scoring: encounter.scoring,
        }
    }

    /// Folds everything stored for an encounter, each kind in the order saved.
    pub fn from_detail(detail: &EncounterDetail) -> Self {
        let mut summary = EncounterSummary::new(&detail.encounter);
        summary.damaged = detail.damaged.clone();
        let saved = (detail.answers.iter().map(Saved::Answer))
            .chain(detail.results.iter().map(Saved::Result))
            .chain(detail.decisions.iter().map(Saved::Decision))
            .chain(detail.referrals.iter().map(Saved::Referral))
            .chain(detail.crisis_actions.iter().map(Saved::CrisisAction));
        for record in saved {
            summary.apply(record);
        }
        summary
    }

    /// Folds in one record saved after everything already in the summary.
    pub fn apply(&mut self, record: Saved<'_>) {
        match record {
            // An encounter record changes only its status and times after creation.
            Saved::Encounter(encounter) => {
                self.client_id = encounter.client_id;
                self.origin = encounter.origin;
                self.created_ms = encounter.created_ms;
                self.scoring = encounter.scoring;
            }
            Saved::Answer(answer) => {
                let at = match self.answers.iter().position(|a| a.instrument == answer.instrument.id) {
                    Some(at) => at,
                    None => {
                        self.answers
                            .push(InstrumentAnswers { instrument: answer.instrument.id.clone(), items: vec![] });
                        self.answers.len() - 1
                    }
                };
                let items = &mut self.answers[at].items;
                match items.iter_mut().find(|(item, _)| *item == answer.item_id) {
                    Some(slot) => slot.1 = answer.position,
                    None => items.push((answer.item_id.clone(), answer.position)),
                }
            }
            Saved::Result(result) => {
                let stored = StoredResult {
                    instrument: result.instrument.id.clone(),
                    total: result.total,
                    flags: result.flags.iter().map(|f| (f.code.clone(), f.critical)).collect(),
                };
                match self.results.iter_mut().find(|r| r.instrument == stored.instrument) {
                    Some(slot) => *slot = stored,
                    None => self.results.push(stored),
                }
            }
            Saved::Decision(decision) => {
                let at = decision.decided_ms;
                if self.latest_decision.as_ref().is_none_or(|(latest, _)| at >= *latest) {
                    let level = decision.final_level.clone().unwrap_or_else(|| decision.suggested_level.clone());
                    self.latest_decision = Some((at, level));
                }
                self.first_decision_ms = Some(self.first_decision_ms.map_or(at, |first| first.min(at)));
            }
            Saved::Referral(referral) => {
                self.referrals.extend(referral.resources.iter().map(|r| (r.resource_id.clone(), r.chosen)));
            }
            Saved::CrisisAction(_) => self.crisis = true,
        }
    }
}

#[cfg(test)]
pub(crate) use tests::any_summary;

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::store::test_support::encounter;
    use crate::store::{Decision, Flag, InstrumentRef, Lang};

    fn decision(encounter: RecordId, at: i64, suggested: &str, final_level: Option<&str>) -> Decision {
        Decision {
            schema_version: 1,
            id: RecordId::random(),
            encounter_id: encounter,
            suggested_level: suggested.into(),
            rules_fired: vec![],
            final_level: final_level.map(String::from),
            override_reason: None,
            decided_ms: at,
            decided_by: "t".into(),
            lifted_exclusions: Vec::new(),
            replaces: None,
        }
    }

    #[test]
    fn record_by_record_equals_built_from_the_detail() {
        let mut detail = encounter(RecordId::random(), 1_000, EncounterOrigin::Kiosk, Some(12), None, &["a", "b"]);
        if let Some(referral) = detail.referrals.first_mut() {
            referral.resources[1].chosen = false;
        }
        let id = detail.encounter.id;
        // A changed answer, a second instrument's stored result, decisions out of time order
        // with a tie (the later saved wins), and a crisis action.
        let mut changed = detail.answers[0].clone();
        changed.position = 0;
        detail.answers.push(changed);
        let gad = InstrumentRef { id: "gad7".into(), version: "1".into(), language: Lang::Fr };
        let mut result = detail.results.first().cloned().unwrap_or_else(|| ResultRecord {
            schema_version: 1,
            id: RecordId::random(),
            encounter_id: id,
            instrument: gad.clone(),
            total: None,
            subscales: Default::default(),
            band: String::new(),
            flags: vec![],
            computed_ms: 0,
            recorded_by: "t".into(),
        });
        result.instrument = gad;
        result.total = Some(9);
        result.flags = vec![Flag { code: "gad7.x".into(), critical: false }];
        detail.results.push(result);
        detail.decisions =
            vec![decision(id, 50, "2", None), decision(id, 20, "1", None), decision(id, 50, "2", Some("3"))];
        detail.crisis_actions.push(CrisisAction {
            schema_version: 1,
            id: RecordId::random(),
            encounter_id: id,
            flags: vec!["phq9.q9".into()],
            action: "called".into(),
            note: None,
            recorded_ms: 2,
            recorded_by: "t".into(),
        });
        let built = EncounterSummary::from_detail(&detail);
        let mut folded = EncounterSummary::new(&detail.encounter);
        let mut saved: Vec<Saved<'_>> = vec![];
        saved.extend(detail.decisions.iter().map(Saved::Decision));
        saved.extend(detail.answers.iter().map(Saved::Answer));
        saved.extend(detail.crisis_actions.iter().map(Saved::CrisisAction));
        saved.extend(detail.referrals.iter().map(Saved::Referral));
        saved.extend(detail.results.iter().map(Saved::Result));
        saved.push(Saved::Encounter(&detail.encounter));
        for record in saved {
            folded.apply(record);
        }
        assert_eq!(folded, built, "kinds fold independently, so their interleaving does not matter");
        assert_eq!(built.level(), "3");
        assert_eq!(built.first_decision_ms, Some(20));
        assert!(built.crisis);
        assert_eq!(built.answers[0].items.len(), 9);
        assert_eq!(built.answers[0].items[0].1, 0, "the latest answer to an item is the current one");
        assert_eq!(built.referrals, vec![("a".to_string(), true), ("b".to_string(), false)]);
        assert_eq!(built.results.iter().find(|r| r.instrument == "gad7").and_then(|r| r.total), Some(9));
    }

    /// Any summary: instruments of the library (and one it does not know), answers to their
    /// items (and to an unknown item), stored totals with flags, decisions and referrals.
    pub(crate) fn any_summary() -> impl Strategy<Value = EncounterSummary> {
        let instruments: Vec<(String, Vec<String>)> = crate::instrument::Library::shipped()
            .instruments()
            .map(|i| (i.id.clone(), i.items.iter().map(|item| item.id.clone()).chain(["nope".into()]).collect()))
            .chain([("unknown".to_string(), vec!["q1".to_string()])])
            .collect();
        let answered = proptest::sample::select(instruments.clone()).prop_flat_map(|(id, items)| {
            proptest::collection::vec((proptest::sample::select(items), 0u32..6), 0..12)
                .prop_map(move |items| InstrumentAnswers { instrument: id.clone(), items })
        });
        let ids: Vec<String> = instruments.iter().map(|(id, _)| id.clone()).collect();
        let flag = (proptest::sample::select(vec!["q9".to_string(), "phq9.q9".into(), "x".into()]), any::<bool>());
        let stored =
            (proptest::sample::select(ids), proptest::option::of(-5i64..80), proptest::collection::vec(flag, 0..3))
                .prop_map(|(instrument, total, flags)| StoredResult { instrument, total, flags });
        let text = "[a-z0-9 .-]{0,12}";
        (
            (any::<[u8; 16]>(), any::<[u8; 16]>(), any::<bool>(), any::<i64>()),
            proptest::collection::vec(answered, 0..3),
            proptest::collection::vec(stored, 0..3),
            (proptest::option::of((any::<i64>(), text)), proptest::option::of(any::<i64>())),
            (
                proptest::collection::vec((text, any::<bool>()), 0..4),
                any::<bool>(),
                proptest::collection::vec(text, 0..2),
            ),
        )
            .prop_map(
                |(
                    (id, client, kiosk, created_ms),
                    answers,
                    results,
                    (latest_decision, first_decision_ms),
                    (referrals, crisis, damaged),
                )| {
                    EncounterSummary {
                        schema_version: SUMMARY_VERSION,
                        id: RecordId::from_slice(&id).unwrap_or_else(RecordId::random),
                        client_id: RecordId::from_slice(&client).unwrap_or_else(RecordId::random),
                        origin: if kiosk { EncounterOrigin::Kiosk } else { EncounterOrigin::Staff },
                        created_ms,
                        answers,
                        results,
                        latest_decision,
                        first_decision_ms,
                        referrals,
                        crisis,
                        damaged,
                        scoring: ScoringContext::default(),
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn a_stored_summary_reads_back_equal_and_only_as_its_own(summary in any_summary()) {
            let bytes = encode(&summary);
            let other_id = RecordId::random();
            let read = decode(summary.id.as_bytes(), &bytes);
            prop_assert_eq!(read.as_ref().map(|s| s.to_owned_summary()), Some(summary.clone()));
            prop_assert_eq!(read.map(|s| s.level().to_string()), Some(summary.level().to_string()));
            // Another encounter's id, another layout, cut short or padded: not read.
            prop_assert!(decode(other_id.as_bytes(), &bytes).is_none());
            let mut other = summary.clone();
            other.schema_version = SUMMARY_VERSION - 1;
            prop_assert!(decode(summary.id.as_bytes(), &encode(&other)).is_none());
            prop_assert!(decode(summary.id.as_bytes(), &bytes[..bytes.len() - 1]).is_none());
            let json = br#"{"schema_version":1}"#;
            prop_assert!(decode(summary.id.as_bytes(), json).is_none());
        }
    }

    #[test]
    fn no_decision_is_undecided() {
        let detail = encounter(RecordId::random(), 0, EncounterOrigin::Staff, None, None, &[]);
        let summary = EncounterSummary::from_detail(&detail);
        assert_eq!(summary.level(), "undecided");
        assert_eq!(summary.first_decision_ms, None);
        assert!(!summary.crisis);
    }
}
