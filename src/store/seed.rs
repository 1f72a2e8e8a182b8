//! Synthetic clients and encounters for benchmarks and demos (`triage dev seed`).
//!
//! Every client is marked `synthetic`; the store refuses to seed once it holds real data.
//! Each client gets four encounters; each encounter a consent, a PHQ-9 result and a triage
//! decision; every tenth encounter also its nine item answers. Seeding writes in bulk without
//! `commit`, so it writes each encounter's report summary itself.

use super::error::Result;
use super::records::*;
use super::sled_store::{SeedWriter, SledStore};
use super::{SeedSummary, now_ms};
use crate::auth::Actor;
use crate::store::crypto::DataKey;
use crate::store::summary::{EncounterSummary, Saved};

const ENCOUNTERS_PER_CLIENT: usize = 4;
/// Writes per batch, each flushed before the next: sled holds a batch's dirty pages in memory
/// beyond its cache until they are flushed (20,000 unflushed writes per batch took the owner to
/// 1.7 GB with 100,000 encounters and a 16 MiB cache; 5,000 flushed, under 100 MB).
const BATCH: usize = 5_000;

pub(crate) fn generate(store: &SledStore, key: &DataKey, actor: &Actor, encounters: usize) -> Result<SeedSummary> {
    // Summaries must be current before more are added (a store seeded by an older build).
    store.ensure_summaries(key)?;
    let mut writer = SeedWriter::new(store, key);
    let instrument = InstrumentRef { id: "phq9".into(), version: "1".into(), language: Lang::En };
    let now = now_ms();
    let mut summary = SeedSummary { clients: 0, encounters: 0, answers: 0 };
    let mut client = None;
    for n in 0..encounters {
        if n % ENCOUNTERS_PER_CLIENT == 0 {
            let record = synthetic_client(n, summary.clients + 1, now, actor);
            writer.client(&record);
            client = Some((record.id, ScoringContext::of_client(&record, &super::date_of_ms(now))));
            summary.clients += 1;
        }
        let Some((client_id, scoring)) = client else { continue };
        let created = now - (encounters - n) as i64 * 60_000;
        let encounter = Encounter {
            schema_version: Kind::Encounter.current_version(),
            id: RecordId::random(),
            client_id,
            origin: if n % 3 == 0 { EncounterOrigin::Kiosk } else { EncounterOrigin::Staff },
            status: [
                EncounterStatus::InProgress,
                EncounterStatus::Submitted,
                EncounterStatus::Reviewed,
                EncounterStatus::Closed,
            ][n % 4],
            created_ms: created,
            updated_ms: created,
            created_by: actor.user().to_string(),
            instruments: vec!["phq9".into(), "gad7".into()],
            scoring,
            outcome: None,
            reopenings: Vec::new(),
        };
        writer.encounter(&encounter);
        let mut folded = EncounterSummary::new(&encounter);
        let seq = writer.next_seq()?;
        writer.child(
            Kind::Consent,
            &encounter.id,
            seq,
            &ConsentRecord {
                schema_version: 1,
                id: RecordId::random(),
                encounter_id: encounter.id,
                version: "2026-01".into(),
                answer: ConsentAnswer::Given,
                recorded_ms: created,
                recorded_by: actor.user().to_string(),
            },
        );
        let total = if n % 10 == 0 {
            let answered = seed_answers(&mut writer, &encounter, n, &instrument, actor, &mut folded)?;
            summary.answers += 9;
            answered
        } else {
            (n % 28) as i64
        };
        let result = ResultRecord {
            schema_version: 1,
            id: RecordId::random(),
            encounter_id: encounter.id,
            instrument: instrument.clone(),
            total: Some(total),
            subscales: Default::default(),
            band: if total >= 10 { "moderate".into() } else { "mild".into() },
            flags: Vec::new(),
            computed_ms: created,
            recorded_by: actor.user().to_string(),
        };
        writer.child(Kind::Result, &encounter.id, writer.next_seq()?, &result);
        folded.apply(Saved::Result(&result));
        let decision = Decision {
            schema_version: 1,
            id: RecordId::random(),
            encounter_id: encounter.id,
            suggested_level: format!("{}", 1 + total / 6),
            rules_fired: vec!["phq9-band".into()],
            final_level: None,
            override_reason: None,
            decided_ms: created,
            decided_by: actor.user().to_string(),
            lifted_exclusions: Vec::new(),
            replaces: None,
        };
        writer.child(Kind::Decision, &encounter.id, writer.next_seq()?, &decision);
        folded.apply(Saved::Decision(&decision));
        writer.summary(&folded);
        summary.encounters += 1;
        if writer.pending() >= BATCH {
            writer.write_out()?;
            store_flush(store)?;
        }
    }
    writer.write_out()?;
    store_flush(store)?;
    Ok(summary)
}

/// The `number`th synthetic client, made at the `n`th encounter: birth date, province and
/// language vary with `n`.
fn synthetic_client(n: usize, number: usize, now: i64, actor: &Actor) -> Client {
    let provinces = Province::ALL;
    Client {
        schema_version: 1,
        id: RecordId::random(),
        name: format!("Synthetic Client {number:06}"),
        birth_date: Some(format!("19{:02}-0{}-1{}", 40 + (n % 60), 1 + n % 9, n % 10)),
        province: Some(provinces[n % provinces.len()]),
        language: if n.is_multiple_of(5) { Lang::Fr } else { Lang::En },
        contact: None,
        access_needs: Vec::new(),
        populations: Vec::new(),
        sex_for_scoring: None,
        synthetic: true,
        created_ms: now,
        created_by: actor.user().to_string(),
    }
}

/// The nine PHQ-9 answers of the `n`th encounter, folded into its summary; returns their total.
fn seed_answers(
    writer: &mut SeedWriter<'_>,
    encounter: &Encounter,
    n: usize,
    instrument: &InstrumentRef,
    actor: &Actor,
    folded: &mut EncounterSummary,
) -> Result<i64> {
    let mut total = 0;
    for item in 0..9u32 {
        let position = (n as u32 + item) % 4;
        total += i64::from(position);
        let answer = Answer {
            schema_version: Kind::Answer.current_version(),
            id: RecordId::random(),
            encounter_id: encounter.id,
            instrument: instrument.clone(),
            item_id: format!("q{}", item + 1),
            position,
            score: i64::from(position),
            free_text: None,
            answered_ms: encounter.created_ms + i64::from(item) * 1000,
            recorded_by: actor.user().to_string(),
        };
        writer.child(Kind::Answer, &encounter.id, writer.next_seq()?, &answer);
        folded.apply(Saved::Answer(&answer));
    }
    Ok(total)
}

fn store_flush(store: &SledStore) -> Result<()> {
    use super::Store;
    store.flush()
}
