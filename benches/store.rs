//! Store benchmarks (issue 3). Goals: durable answer save through the owner, encrypted and
//! audited: p50 <= 300 µs, p99 <= 1 ms, at most 3x a raw sled insert+flush of the same size
//! measured in the same run; owner round trip <= 100 µs; open with 100,000 encounters <= 300 ms;
//! loading one client's history <= 5 ms. Also measured: the staff queue read at sign-in.
//!
//! Criterion reports means and medians; the percentiles (p50, p99) of the save and the raw flush
//! are measured per call beside it and printed as `store-percentiles: ...`.

// A test or benchmark that cannot go on fails by panicking (Cargo.toml denies these elsewhere).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use secrecy::SecretString;
use triage::auth::Role;
use triage::server::client::{Client, ConnectOptions};
use triage::server::owner::{Owner, OwnerConfig};
use triage::server::{Reply, Request};
use triage::store::{
    EncounterOrigin, InitRequest, InstrumentRef, Lang, NewAccount, NewAnswer, NewClient, SledStore, Store,
};

const ADMIN_PW: &str = "benchmark admin password";
const IVY_PW: &str = "benchmark intake password";

fn pw(text: &str) -> SecretString {
    SecretString::from(text.to_string())
}

fn answer(n: u32) -> NewAnswer {
    NewAnswer {
        instrument: InstrumentRef { id: "phq9".into(), version: "1".into(), language: Lang::En },
        item_id: format!("q{}", n % 9 + 1),
        position: n % 4,
        score: i64::from(n % 4),
        free_text: None,
    }
}

fn init_store(dir: &Path) {
    let store = SledStore::open(dir).expect("open");
    let request = InitRequest {
        org: "Bench".into(),
        province: triage::store::Province::On,
        admin: "admin".into(),
        insecure_test_kdf: true,
        time_zone: None,
    };
    store.initialize(&request, &pw(ADMIN_PW), "bench").expect("init");
    let admin = store.login("admin", &pw(ADMIN_PW), "bench").expect("login");
    store
        .add_account(
            &admin,
            &NewAccount { username: "ivy".into(), display_name: "Ivy".into(), role: Role::Intake },
            &pw(IVY_PW),
        )
        .expect("account");
}

struct Running {
    client: Client,
    encounter: triage::store::RecordId,
    stop: triage::server::owner::OwnerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop.stop();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn running_owner() -> Running {
    let dir = tempfile::tempdir().expect("tempdir");
    init_store(dir.path());
    let owner = Owner::start(&OwnerConfig { dir: dir.path().to_path_buf(), idle_timeout: None }).expect("owner");
    let stop = owner.handle();
    let thread = std::thread::spawn(move || {
        let _ = owner.run();
    });
    let mut client =
        Client::connect(dir.path(), ConnectOptions { autostart: false, ..Default::default() }).expect("connect");
    client.login("ivy", &pw(IVY_PW), "bench").expect("login");
    let person = NewClient {
        name: "Bench Person".into(),
        birth_date: None,
        province: triage::store::Province::On,
        language: Lang::En,
        contact: None,
        access_needs: vec![],
        populations: vec![],
        sex_for_scoring: None,
    };
    let Ok(Reply::Id(id)) = client.request(Request::CreateClient { client: person }) else { panic!("create client") };
    let Ok(Reply::Encounter(encounter)) =
        client.request(Request::StartEncounter { client: id, origin: EncounterOrigin::Staff, instruments: vec![] })
    else {
        panic!("encounter")
    };
    Running { client, encounter: encounter.id, stop, thread: Some(thread), _dir: dir }
}

/// Size of one stored (encrypted) answer value, for the raw comparison.
fn stored_answer_size() -> usize {
    let dir = tempfile::tempdir().expect("tempdir");
    init_store(dir.path());
    let store = SledStore::open(dir.path()).expect("open");
    let ivy = store.login("ivy", &pw(IVY_PW), "bench").expect("login");
    let person = store
        .create_client(
            &ivy,
            &NewClient {
                name: "P".into(),
                birth_date: None,
                province: triage::store::Province::On,
                language: Lang::En,
                contact: None,
                access_needs: vec![],
                populations: vec![],
                sex_for_scoring: None,
            },
        )
        .expect("client");
    let encounter = store.start_encounter(&ivy, &person, EncounterOrigin::Staff).expect("encounter");
    store.save_answer(&ivy, &encounter.id, &answer(1)).expect("save");
    let (answers, _) = store.answers_unaudited(&encounter.id).expect("answers");
    let plain = serde_json::to_vec(&answers[0]).expect("json").len();
    plain + 3 + 24 + 16
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn percentiles() {
    let size = stored_answer_size();
    let raw_dir = tempfile::tempdir().expect("tempdir");
    let db = sled::Config::new().path(raw_dir.path()).open().expect("raw sled");
    let value = vec![0x5Au8; size];
    let mut owner = running_owner();
    let mut raw = Vec::new();
    let mut save = Vec::new();
    for n in 0..2000u32 {
        let start = Instant::now();
        db.insert(n.to_be_bytes(), value.as_slice()).expect("insert");
        db.flush().expect("flush");
        raw.push(start.elapsed());
        let start = Instant::now();
        owner.client.request(Request::SaveAnswer { encounter: owner.encounter, answer: answer(n) }).expect("save");
        save.push(start.elapsed());
    }
    raw.sort();
    save.sort();
    let (raw50, raw99, save50, save99) =
        (percentile(&raw, 0.5), percentile(&raw, 0.99), percentile(&save, 0.5), percentile(&save, 0.99));
    println!(
        "store-percentiles: value {size} B; raw sled insert+flush p50 {raw50:?} p99 {raw99:?}; save through owner (encrypted, audited, flushed) p50 {save50:?} p99 {save99:?}; ratio p50 {:.2}x p99 {:.2}x",
        save50.as_secs_f64() / raw50.as_secs_f64(),
        save99.as_secs_f64() / raw99.as_secs_f64()
    );
}

fn save_and_round_trip(c: &mut Criterion) {
    let size = stored_answer_size();
    let raw_dir = tempfile::tempdir().expect("tempdir");
    let db = sled::Config::new().path(raw_dir.path()).open().expect("raw sled");
    let value = vec![0x5Au8; size];
    let mut n = 0u32;
    c.bench_function("raw sled insert+flush (answer-sized value)", |b| {
        b.iter(|| {
            n = n.wrapping_add(1);
            db.insert(n.to_be_bytes(), value.as_slice()).expect("insert");
            db.flush().expect("flush")
        })
    });
    let mut owner = running_owner();
    let encounter = owner.encounter;
    c.bench_function("durable answer save through the owner", |b| {
        b.iter(|| {
            n = n.wrapping_add(1);
            owner.client.request(Request::SaveAnswer { encounter, answer: answer(n) }).expect("save")
        })
    });
    c.bench_function("owner round trip (ping)", |b| b.iter(|| owner.client.request(Request::Ping).expect("ping")));
}

fn open_and_history(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    init_store(dir.path());
    let person = {
        let store = SledStore::open(dir.path()).expect("open");
        let admin = store.login("admin", &pw(ADMIN_PW), "bench").expect("login");
        let started = Instant::now();
        let summary = store.seed_synthetic(&admin, 100_000).expect("seed");
        println!(
            "seeded {} encounters ({} clients, {} answers) in {:?}",
            summary.encounters,
            summary.clients,
            summary.answers,
            started.elapsed()
        );
        let ivy = store.login("ivy", &pw(IVY_PW), "bench").expect("login");
        let (clients, _) = store.list_clients(&ivy).expect("clients");
        clients[clients.len() / 2].id
    };
    let mut group = c.benchmark_group("store");
    group.sample_size(10);
    group.bench_function("open with 100,000 encounters", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                let start = Instant::now();
                let store = SledStore::open(dir.path()).expect("open");
                total += start.elapsed();
                drop(store);
                // sled asks not to reopen a database in rapid succession.
                std::thread::sleep(Duration::from_millis(50));
            }
            total
        })
    });
    let store = SledStore::open(dir.path()).expect("open");
    let ivy = store.login("ivy", &pw(IVY_PW), "bench").expect("login");
    group.sample_size(50);
    group.bench_function("load one client's history (4 encounters, audited)", |b| {
        b.iter(|| store.client_history(&ivy, &person).expect("history"))
    });
    let open = store.open_encounters(&ivy).expect("queue").len();
    println!("the staff queue lists {open} open encounters of 100,000");
    group.bench_function("staff queue (open encounters, audited) with 100,000 encounters", |b| {
        b.iter(|| store.open_encounters(&ivy).expect("queue"))
    });
    group.finish();
}

criterion_group!(benches, save_and_round_trip, open_and_history);

fn main() {
    percentiles();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
