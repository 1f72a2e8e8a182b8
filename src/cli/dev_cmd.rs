//! `triage dev seed` and the hidden durability writer the crash tests drive.

use std::io::Write;

use clap::Subcommand;
use serde_json::json;

use super::common::{AuthArgs, DirArgs, Outcome, Secrets, data_dir, fail, session};
use crate::server::owner::OwnerLock;
use crate::store::{InstrumentRef, Lang, NewAnswer, NewClient, RecordId, SledStore, Store, StoreError};

#[derive(Debug, Subcommand)]
pub enum DevAction {
    /// Fill a store with synthetic clients and encounters (refuses a store with real data).
    Seed {
        #[arg(long)]
        encounters: usize,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// Test harness: owns the store directly, prints what it holds, then saves answers and
    /// prints an acknowledgement after each durable save.
    #[command(hide = true)]
    DurabilityWriter {
        #[arg(long)]
        count: Option<u64>,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
}

/// Runs a `dev` command.
pub(crate) fn run(action: DevAction) -> Outcome {
    match action {
        DevAction::Seed { encounters, dir, auth } => {
            let mut secrets = Secrets::new(auth.password_stdin);
            let mut client = session(&dir, &auth, &mut secrets)?;
            let summary = client.seed(encounters)?;
            Ok((
                serde_json::to_value(&summary).unwrap_or_default(),
                format!(
                    "seeded {} synthetic clients, {} encounters, {} answers",
                    summary.clients, summary.encounters, summary.answers
                ),
            ))
        }
        DevAction::DurabilityWriter { count, dir, auth } => durability_writer(&dir, &auth, count),
    }
}

/// Owns the store directly (no owner may run), reports every stored answer of its encounter as
/// `HAVE id item position score`, prints `READY`, then saves answers, printing
/// `ACK id item position score` only after each save returned (after flush).
fn durability_writer(dir: &DirArgs, auth: &AuthArgs, count: Option<u64>) -> Outcome {
    let path = data_dir(dir)?;
    let user = auth.user.clone().ok_or_else(|| fail("input", "needs --user"))?;
    let password = Secrets::new(auth.password_stdin).next("password")?;
    let _lock = OwnerLock::acquire(&path)?;
    let store = SledStore::open(&path)?;
    let actor = store.login(&user, &password, "durability-writer")?;
    let marker = path.join("durability-encounter");
    let encounter = match std::fs::read_to_string(&marker) {
        Ok(text) => text.trim().parse::<RecordId>().map_err(|e| fail("input", e))?,
        Err(_) => {
            let client = store.create_client(
                &actor,
                &NewClient {
                    name: "Durability Test".into(),
                    birth_date: None,
                    province: crate::store::Province::On,
                    language: Lang::En,
                    contact: None,
                    access_needs: vec![],
                    populations: vec![],
                    sex_for_scoring: None,
                },
            )?;
            let encounter = store.start_encounter(&actor, &client, crate::store::EncounterOrigin::Staff)?.id;
            let tmp = path.join("durability-encounter.tmp");
            std::fs::write(&tmp, encounter.to_string()).map_err(|e| StoreError::from_io("write", &tmp, e))?;
            std::fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(|e| StoreError::from_io("sync", &tmp, e))?;
            std::fs::rename(&tmp, &marker).map_err(|e| StoreError::from_io("rename", &marker, e))?;
            std::fs::File::open(&path).and_then(|f| f.sync_all()).map_err(|e| StoreError::from_io("sync", &path, e))?;
            encounter
        }
    };
    let mut out = std::io::stdout().lock();
    let (answers, damaged) = store.answers_unaudited(&encounter)?;
    for answer in &answers {
        let _ = writeln!(out, "HAVE {} {} {} {}", answer.id, answer.item_id, answer.position, answer.score);
    }
    for record in &damaged {
        let _ = writeln!(out, "DAMAGED {record}");
    }
    let _ = writeln!(out, "READY");
    let _ = out.flush();
    let instrument = InstrumentRef { id: "phq9".into(), version: "1".into(), language: Lang::En };
    let mut n = answers.len() as u64;
    let limit = count.map(|c| n + c);
    while limit.is_none_or(|l| n < l) {
        let entropy = crate::store::crypto::random_bytes::<2>();
        let answer = NewAnswer {
            instrument: instrument.clone(),
            item_id: format!("q{}", n % 9 + 1),
            position: u32::from(entropy[0] % 4),
            score: i64::from(entropy[1] % 4),
            free_text: None,
        };
        let saved = store.save_answer(&actor, &encounter, &answer)?;
        let _ = writeln!(out, "ACK {} {} {} {}", saved.id, saved.item_id, saved.position, saved.score);
        let _ = out.flush();
        n += 1;
    }
    Ok((json!({"answers": n}), String::new()))
}
