//! Report maths on hand-built records with known answers.

use super::*;
use crate::instrument::Library;
use crate::instrument::change::Direction;
pub(crate) use crate::store::test_support::encounter;
use crate::store::test_support::{answer, phq9};
use crate::store::{Answer, Client, ClientHistory, EncounterDetail, EncounterOrigin, InstrumentRef, Lang, RecordId};

fn lib() -> Library {
    Library::shipped()
}

fn client(id: RecordId) -> Client {
    Client {
        schema_version: 1,
        id,
        name: "T".into(),
        birth_date: None,
        province: Some(crate::store::Province::On),
        language: Lang::En,
        contact: None,
        access_needs: vec![],
        populations: vec![],
        synthetic: true,
        created_ms: 0,
        created_by: "t".into(),
        sex_for_scoring: None,
    }
}

fn history(encounters: Vec<EncounterDetail>) -> ClientHistory {
    let id = encounters.first().map(|e| e.encounter.client_id).unwrap_or_else(RecordId::random);
    ClientHistory { client: client(id), encounters, damaged: vec![] }
}

#[test]
fn client_outcome_at_reliable_change_and_caseness_boundaries() {
    let library = lib();
    let c = RecordId::random();
    let staff = EncounterOrigin::Staff;
    // 15 -> 9: drop of 6 (reliable), case -> not a case: reliable recovery.
    let h = history(vec![encounter(c, 1, staff, Some(15), None, &[]), encounter(c, 2, staff, Some(9), None, &[])]);
    let out = client_outcomes(&library, &h);
    let change = out[0].change.as_ref().unwrap();
    assert_eq!((change.baseline, change.latest, change.change), (15, 9, -6));
    assert_eq!(change.direction, Direction::ReliableImprovement);
    assert!(change.recovery && change.reliable_recovery);
    // 15 -> 10: drop of 5, still a case (caseness >= 10).
    let h = history(vec![encounter(c, 1, staff, Some(15), None, &[]), encounter(c, 2, staff, Some(10), None, &[])]);
    let change = client_outcomes(&library, &h)[0].change.clone().unwrap();
    assert_eq!(change.direction, Direction::NoReliableChange);
    assert!(change.latest_case && !change.recovery);
    // 10 -> 9: recovery without reliable change. Encounters given out of order.
    let h = history(vec![encounter(c, 9, staff, Some(9), None, &[]), encounter(c, 1, staff, Some(10), None, &[])]);
    let out = client_outcomes(&library, &h);
    let change = out[0].change.clone().unwrap();
    assert_eq!((change.baseline, change.latest), (10, 9));
    assert!(change.recovery && !change.reliable_recovery);
    assert_eq!(out[0].series, vec![(1, 10), (9, 9)]);
    // 3 -> 9: rise of 6 is reliable deterioration.
    let h = history(vec![encounter(c, 1, staff, Some(3), None, &[]), encounter(c, 2, staff, Some(9), None, &[])]);
    assert_eq!(client_outcomes(&library, &h)[0].change.clone().unwrap().direction, Direction::ReliableDeterioration);
    // One measure: no change.
    let h = history(vec![encounter(c, 1, staff, Some(12), None, &[])]);
    assert!(client_outcomes(&library, &h)[0].change.is_none());
}

#[test]
fn service_report_known_figures() {
    let library = lib();
    let minute = 60_000;
    let mut all = Vec::new();
    // 12 clients referred to "group" at baseline 15; 6 drop to 8 (reliable recovery), 3 to 11
    // (no reliable change), 3 rise to 21 (reliable deterioration).
    for n in 0..12 {
        let c = RecordId::random();
        all.push(encounter(
            c,
            1000,
            EncounterOrigin::Kiosk,
            Some(15),
            Some(("3", 1000 + (n + 1) * minute)),
            &["group"],
        ));
        let after = if n < 6 {
            8
        } else if n < 9 {
            11
        } else {
            21
        };
        all.push(encounter(c, 5000 * minute, EncounterOrigin::Staff, Some(after), Some(("2", 5000 * minute)), &[]));
    }
    // 3 clients referred to "app", all improve: too few to say.
    for _ in 0..3 {
        let c = RecordId::random();
        all.push(encounter(c, 2000, EncounterOrigin::Staff, Some(20), None, &["app"]));
        all.push(encounter(c, 9000 * minute, EncounterOrigin::Staff, Some(5), None, &[]));
    }
    let report = service_report(&library, Period::default(), &all);
    assert_eq!(report.intakes, 30);
    assert_eq!(
        report.by_origin,
        vec![Count { label: "staff".into(), count: 18 }, Count { label: "kiosk".into(), count: 12 }]
    );
    let levels: Vec<(&str, u64)> = report.by_level.iter().map(|c| (c.label.as_str(), c.count)).collect();
    assert_eq!(levels, [("2", 12), ("3", 12), ("undecided", 6)]);
    // Kiosk review times 1..12 minutes: median 6.5 min (rounded down to the ms), p90 = 11 min.
    assert_eq!(report.kiosk_review.reviewed, 12);
    assert_eq!(report.kiosk_review.median_ms, Some(6 * minute + minute / 2));
    assert_eq!(report.kiosk_review.p90_ms, Some(11 * minute));
    // Positive screens (>= 10): 12 x 15, 3 x 11, 3 x 21, 3 x 20 positive; 6 x 8, 3 x 5 not.
    let phq = report.positive_screens.iter().find(|s| s.instrument == "phq9").unwrap();
    assert_eq!((phq.screened, phq.positive.count), (30, 21));
    let group = report.outcomes_by_resource.iter().find(|o| o.resource == "group").unwrap();
    assert_eq!((group.with_follow_up, group.cases_at_baseline, group.too_few), (12, 12, false));
    assert_eq!(group.reliable_improvement.count, 6);
    assert_eq!(group.reliable_deterioration.count, 3);
    assert_eq!(group.recovery.count, 6);
    assert_eq!(group.reliable_recovery.count, 6);
    let w = wilson(6, 12);
    assert_eq!(group.recovery, w);
    let app = report.outcomes_by_resource.iter().find(|o| o.resource == "app").unwrap();
    assert!(app.too_few);
    assert!(render::service_text(&report, crate::instrument::Lang::En).contains("too few to say"));
    assert_eq!(report.referrals.iter().find(|r| r.resource == "group").map(|r| r.chosen), Some(12));

    // A period holding only the baseline encounters still finds the follow-ups after it.
    let period = Period { from_ms: Some(0), to_ms: Some(3000) };
    let report = service_report(&library, period, &all);
    assert_eq!(report.intakes, 15);
    assert_eq!(report.outcomes_by_resource.iter().find(|o| o.resource == "group").unwrap().with_follow_up, 12);
}

#[test]
fn stored_totals_are_used_only_without_answers() {
    let library = lib();
    let c = RecordId::random();
    let mut e = encounter(c, 1, EncounterOrigin::Staff, None, None, &[]);
    e.results.push(crate::store::ResultRecord {
        schema_version: 1,
        id: RecordId::random(),
        encounter_id: e.encounter.id,
        instrument: InstrumentRef { id: "phq9".into(), version: "1".into(), language: Lang::En },
        total: Some(12),
        subscales: Default::default(),
        band: "moderate".into(),
        flags: vec![],
        computed_ms: 1,
        recorded_by: "t".into(),
    });
    let m = measure::measures(&library, &e);
    assert_eq!(
        (m.len(), m[0].source, m[0].result.total, m[0].result.positive),
        (1, Source::StoredTotal, Some(12), true)
    );
    // With answers, the stored total (12) is ignored in favour of the re-scored one (4).
    e.answers = phq9(e.encounter.id, 4, 0);
    let m = measure::measures(&library, &e);
    assert_eq!((m.len(), m[0].source, m[0].result.total), (1, Source::Items, Some(4)));
}

#[test]
fn critical_item_counts_as_a_flag() {
    let library = lib();
    let c = RecordId::random();
    let mut e = encounter(c, 1, EncounterOrigin::Staff, None, None, &[]);
    e.answers = phq9(e.encounter.id, 2, 1);
    let report = service_report(&library, Period::default(), [&e]);
    assert_eq!(report.critical_encounters, 1);
    assert!(report.flags.iter().any(|f| f.critical && f.flag.starts_with("phq9.")), "{:?}", report.flags);
}

/// GAD-7 answers summing to `total` (positions are scores for the GAD-7).
fn gad7(encounter: RecordId, total: i64) -> Vec<Answer> {
    let mut left = total;
    (1..=7)
        .map(|i| {
            let position = left.clamp(0, 3);
            left -= position;
            answer(encounter, "gad7", i, position as u32)
        })
        .collect()
}

/// An encounter measuring the PHQ-9 and, when given, the GAD-7.
fn paired_encounter(client: RecordId, at: i64, phq9: i64, gad7_total: Option<i64>, chosen: &[&str]) -> EncounterDetail {
    let mut e = encounter(client, at, EncounterOrigin::Staff, Some(phq9), None, chosen);
    if let Some(total) = gad7_total {
        e.answers.extend(gad7(e.encounter.id, total));
    }
    e
}

#[test]
fn client_paired_outcome_uses_the_first_and_last_encounters_with_both() {
    let library = lib();
    let c = RecordId::random();
    // The first encounter has the PHQ-9 only; the paired start is the second. PHQ-9 12 -> 4
    // (down 8) and GAD-7 9 -> 5 (down 4): both reliable, below both cut-offs: reliable recovery.
    let h = history(vec![
        paired_encounter(c, 1, 20, None, &[]),
        paired_encounter(c, 2, 12, Some(9), &[]),
        paired_encounter(c, 3, 8, Some(7), &[]),
        paired_encounter(c, 4, 4, Some(5), &[]),
    ]);
    let p = client_paired_outcome(&library, &h).unwrap();
    assert_eq!((p.start_ms, p.end_ms, p.paired_encounters), (2, 4, 3));
    assert_eq!((p.phq9.baseline, p.phq9.latest, p.gad7.baseline, p.gad7.latest), (12, 4, 9, 5));
    assert!(p.outcome.case_at_start && p.outcome.recovery && p.outcome.reliable_recovery);
    let text = render::client_paired_text(Some(&p), crate::instrument::Lang::En);
    assert!(text.contains("recovery: yes") && text.contains("reliable recovery: yes"), "{text}");
    assert!(text.contains("PHQ-9 >= 10 or GAD-7 >= 8"), "{text}");

    // GAD-7 still a case at the end (8): no recovery although the PHQ-9 recovered.
    let h = history(vec![paired_encounter(c, 1, 15, Some(12), &[]), paired_encounter(c, 2, 5, Some(8), &[])]);
    let p = client_paired_outcome(&library, &h).unwrap();
    assert!(p.outcome.case_at_start && !p.outcome.recovery && p.outcome.reliable_improvement);

    // One paired encounter only: no outcome yet.
    let h = history(vec![paired_encounter(c, 1, 15, Some(12), &[]), paired_encounter(c, 2, 5, None, &[])]);
    assert_eq!(client_paired_outcome(&library, &h), None);
    assert!(render::client_paired_text(None, crate::instrument::Lang::En).contains("not yet"));
}

#[test]
fn service_report_counts_paired_outcomes_for_all_clients_and_by_resource() {
    let library = lib();
    let mut all = Vec::new();
    // 10 referred to "group": 4 reliable recovery, 3 recovery without reliable change (PHQ-9
    // 10 -> 9, GAD-7 8 -> 7), 2 reliable deterioration (GAD-7 up 4), 1 not a case at the start.
    let courses: [((i64, i64), (i64, i64)); 10] = [
        ((15, 5), (10, 4)),
        ((15, 5), (10, 4)),
        ((15, 5), (10, 4)),
        ((15, 5), (10, 4)),
        ((10, 9), (8, 7)),
        ((10, 9), (8, 7)),
        ((10, 9), (8, 7)),
        ((12, 12), (5, 9)),
        ((12, 12), (5, 9)),
        ((3, 2), (2, 1)),
    ];
    for ((p0, p1), (g0, g1)) in courses {
        let c = RecordId::random();
        all.push(paired_encounter(c, 1_000, p0, Some(g0), &["group"]));
        all.push(paired_encounter(c, 9_000, p1, Some(g1), &[]));
    }
    // Two clients not referred, one without a GAD-7 at the end (not paired twice).
    let c = RecordId::random();
    all.push(paired_encounter(c, 1_000, 20, Some(15), &[]));
    all.push(paired_encounter(c, 9_000, 4, Some(3), &[]));
    let c = RecordId::random();
    all.push(paired_encounter(c, 1_000, 20, Some(15), &[]));
    all.push(paired_encounter(c, 9_000, 4, None, &[]));

    let report = service_report(&library, Period::default(), &all);
    let everyone = &report.paired_outcomes[0];
    assert_eq!(everyone.resource, None);
    assert_eq!((everyone.with_follow_up, everyone.cases_at_start, everyone.too_few), (11, 10, false));
    assert_eq!(everyone.reliable_recovery, wilson(5, 10));
    assert_eq!(everyone.recovery, wilson(8, 10));
    assert_eq!(everyone.reliable_improvement.count, 5);
    assert_eq!(everyone.reliable_deterioration, wilson(2, 11));
    let group = report.paired_outcomes.iter().find(|o| o.resource.as_deref() == Some("group")).unwrap();
    assert_eq!((group.with_follow_up, group.cases_at_start), (10, 9));
    assert_eq!(group.recovery, wilson(7, 9));
    assert_eq!(group.reliable_recovery, wilson(4, 9));
    assert_eq!(group.reliable_deterioration, wilson(2, 10));
    let text = render::service_text(&report, crate::instrument::Lang::En);
    assert!(text.contains("NHS Talking Therapies outcomes, PHQ-9 and GAD-7 together"), "{text}");
    assert!(text.contains("  all clients: 11 with start and end, 10 cases at the start"), "{text}");
    let csv = render::service_csv(&report);
    assert!(csv.contains("paired_recovery,group,phq9+gad7,7,9,"), "{csv}");

    // No paired measures at all: nothing to report, and the text says so.
    let report =
        service_report(&library, Period::default(), [&encounter(c, 1, EncounterOrigin::Staff, Some(5), None, &[])]);
    assert!(report.paired_outcomes.is_empty());
    assert!(
        render::service_text(&report, crate::instrument::Lang::En)
            .contains("no client has the PHQ-9 and the GAD-7 at two encounters yet")
    );
}

#[test]
fn reports_score_the_audit_c_with_the_sex_the_encounter_was_scored_with() {
    let library = lib();
    let audit_c_of_3 = |sex: Option<crate::instrument::Sex>| {
        let mut e = encounter(RecordId::random(), 1, EncounterOrigin::Staff, None, None, &[]);
        e.encounter.scoring = crate::store::ScoringContext { sex, age: Some(40) };
        e.answers = (1..=3).map(|item| answer(e.encounter.id, "auditc", item, 1)).collect();
        e
    };
    let (man, woman, unknown) = (
        audit_c_of_3(Some(crate::instrument::Sex::Male)),
        audit_c_of_3(Some(crate::instrument::Sex::Female)),
        audit_c_of_3(None),
    );
    let positive = |e: &EncounterDetail| {
        let m = measure::measures(&library, e);
        assert_eq!(m[0].result.total, Some(3));
        m[0].result.positive
    };
    // AUDIT-C >= 4 for men, >= 3 for women, and for unknown sex the more sensitive 3.
    assert_eq!((positive(&man), positive(&woman), positive(&unknown)), (false, true, true));
    let report = service_report(&library, Period::default(), [&man, &woman, &unknown]);
    let audit_c = report.positive_screens.iter().find(|s| s.instrument == "auditc").unwrap();
    assert_eq!((audit_c.screened, audit_c.positive.count), (3, 2));
}
