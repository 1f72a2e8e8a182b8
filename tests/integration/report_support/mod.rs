//! A small data set with known answers, made through the owner (shared by the report and export
//! tests).
#![allow(dead_code)]

use std::path::Path;

use super::store_common::{IVY_PW, client};
use triage::server::{Reply, Request};
use triage::store::{
    EncounterOrigin, InstrumentRef, Lang, NewAnswer, NewClient, NewDecision, NewReferral, RecordId, ReferralResource,
};

/// PHQ-9 positions summing to `total` (item 9 kept at 0).
fn phq9(total: i64) -> Vec<NewAnswer> {
    summing("phq9", 8, 9, total)
}

/// GAD-7 positions summing to `total`.
fn gad7(total: i64) -> Vec<NewAnswer> {
    summing("gad7", 7, 7, total)
}

/// Answers to items 1..=`items` (positions 0-3 are the scores) summing to `total` over the first
/// `scored` items; the rest stay at 0.
fn summing(instrument: &str, scored: usize, items: usize, total: i64) -> Vec<NewAnswer> {
    let mut left = total;
    (1..=items)
        .map(|i| {
            let position = if i > scored { 0 } else { left.clamp(0, 3) };
            left -= position;
            NewAnswer {
                instrument: InstrumentRef { id: instrument.into(), version: "1.0".into(), language: Lang::En },
                item_id: format!("q{i}"),
                position: position as u32,
                score: position,
                free_text: None,
            }
        })
        .collect()
}

/// Saves one encounter with PHQ-9 and GAD-7 answers (the NHS Talking Therapies pair).
pub fn paired_encounter(c: &mut triage::server::client::Client, client: RecordId, phq9_total: i64, gad7_total: i64) {
    let instruments = vec!["phq9".into(), "gad7".into()];
    let Reply::Encounter(e) =
        c.request(Request::StartEncounter { client, origin: EncounterOrigin::Staff, instruments }).unwrap()
    else {
        panic!("encounter")
    };
    for answer in phq9(phq9_total).into_iter().chain(gad7(gad7_total)) {
        c.request(Request::SaveAnswer { encounter: e.id, answer }).unwrap();
    }
}

/// Saves one encounter with PHQ-9 answers, a decision and (optionally) a chosen referral.
pub fn encounter(
    c: &mut triage::server::client::Client,
    client: RecordId,
    total: i64,
    level: &str,
    refer: Option<&str>,
) {
    let Reply::Encounter(e) = c
        .request(Request::StartEncounter { client, origin: EncounterOrigin::Staff, instruments: vec!["phq9".into()] })
        .unwrap()
    else {
        panic!("encounter")
    };
    for answer in phq9(total) {
        c.request(Request::SaveAnswer { encounter: e.id, answer }).unwrap();
    }
    let decision = NewDecision {
        suggested_level: level.into(),
        rules_fired: vec![],
        final_level: None,
        override_reason: None,
        lifted_exclusions: vec![],
    };
    c.request(Request::SaveDecision { encounter: e.id, decision }).unwrap();
    if let Some(resource) = refer {
        let referral = NewReferral {
            resources: vec![ReferralResource { resource_id: resource.into(), reasons: vec![], chosen: true }],
            notes: None,
        };
        c.request(Request::SaveReferral { encounter: e.id, referral }).unwrap();
    }
}

/// 12 clients referred to `group-cbt` at PHQ-9 15, followed up at 8 (6 clients: reliable
/// recovery), 11 (3: no reliable change) and 21 (3: reliable deterioration). The first client's
/// name is a spreadsheet formula. Returns the client ids.
pub fn populate(dir: &Path) -> Vec<RecordId> {
    let mut c = client(dir, "ivy", IVY_PW);
    let mut ids = Vec::new();
    for n in 0..12 {
        let name = if n == 0 { "=HYPERLINK(\"http://evil.example\",\"x\")".to_string() } else { format!("Client {n}") };
        let new = NewClient {
            name,
            birth_date: Some("1980-02-03".into()),
            province: triage::store::Province::On,
            language: Lang::En,
            contact: None,
            access_needs: vec![],
            populations: vec![],
            sex_for_scoring: None,
        };
        let Reply::Id(id) = c.request(Request::CreateClient { client: new }).unwrap() else { panic!("client") };
        encounter(&mut c, id, 15, "3", Some("group-cbt"));
        let after = if n < 6 {
            8
        } else if n < 9 {
            11
        } else {
            21
        };
        encounter(&mut c, id, after, "2", None);
        ids.push(id);
    }
    ids
}
