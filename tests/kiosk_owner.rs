//! The kiosk against a real owner (in this process, on a temporary data directory): a kiosk
//! session needs no password and stays a kiosk; the sealed round trip (the kiosk cannot read back
//! what it wrote, staff can once the store is unlocked); check-in codes are single use and expire;
//! staff are alerted within a second of a critical submission; a claim makes an encounter.

use std::time::{Duration, Instant};

use secrecy::SecretString;
use triage::kiosk::backend::{KioskBackend, OwnerBackend};
use triage::server::client::{Client, ConnectOptions};
use triage::server::owner::{Owner, OwnerConfig, OwnerHandle};
use triage::server::{Event, Password, Reply, Request};
use triage::store::kiosk::{KIOSK_INTAKE_VERSION, KioskIntake};
use triage::store::{ConsentAnswer, InitRequest, InstrumentRef, Lang, NewAccount, NewAnswer, RecordId};

const ADMIN_PW: &str = "admin password long enough";
const IVY_PW: &str = "ivy password long enough";

struct Running {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    handle: OwnerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.handle.stop();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn pw(text: &str) -> SecretString {
    SecretString::from(text.to_string())
}

fn no_autostart() -> ConnectOptions {
    ConnectOptions { autostart: false, ..ConnectOptions::default() }
}

/// An initialised data directory with an admin and an intake worker, served in this process.
fn owner() -> Running {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("data");
    let owner = Owner::start(&OwnerConfig { dir: path.clone(), idle_timeout: None }).expect("owner starts");
    let handle = owner.handle();
    let thread = std::thread::spawn(move || {
        let _ = owner.run();
    });
    let running = Running { _dir: dir, path, handle, thread: Some(thread) };
    let mut admin = Client::connect(&running.path, no_autostart()).expect("connect");
    let request = InitRequest {
        org: "Test Clinic".into(),
        province: "ON".into(),
        admin: "admin".into(),
        insecure_test_kdf: true,
    };
    admin.request(Request::Init { request, password: Password::from(ADMIN_PW) }).expect("init");
    admin.login("admin", &pw(ADMIN_PW), "test").expect("admin login");
    let account = NewAccount { username: "ivy".into(), display_name: "Ivy".into(), role: triage::auth::Role::Intake };
    admin.request(Request::AddUser { account, password: Password::from(IVY_PW) }).expect("add ivy");
    admin.request(Request::SetKioskPin { pin: Password::from("246810") }).expect("pin");
    running
}

fn staff(running: &Running) -> Client {
    let mut client = Client::connect(&running.path, no_autostart()).expect("connect");
    client.login("ivy", &pw(IVY_PW), "test").expect("ivy login");
    client
}

fn intake(id: RecordId, item9: u32) -> KioskIntake {
    KioskIntake {
        schema_version: KIOSK_INTAKE_VERSION,
        id,
        language: Lang::En,
        consent_version: "kiosk-2026-01".into(),
        consent: ConsentAnswer::Given,
        client: None,
        answers: (1..=9)
            .map(|n| NewAnswer {
                instrument: InstrumentRef { id: "phq9".into(), version: "1".into(), language: Lang::En },
                item_id: format!("q{n}"),
                position: if n == 9 { item9 } else { 0 },
                score: if n == 9 { i64::from(item9) } else { 0 },
                free_text: None,
            })
            .collect(),
        submitted_ms: 1,
        bundle: Some("adult-core".into()),
        instruments: vec!["phq9".into()],
        completed: vec![],
        critical_flags: if item9 > 0 { vec!["phq9.suicidal_ideation".into()] } else { vec![] },
        complete: item9 == 0,
    }
}

fn seal(public_hex: &str, intake: &KioskIntake) -> Vec<u8> {
    let key: [u8; 32] = hex::decode(public_hex).expect("hex").try_into().expect("32 bytes");
    triage::store::crypto::seal_to(&key, &serde_json::to_vec(intake).expect("json")).expect("seal")
}

#[test]
fn the_sealed_round_trip_and_a_kiosk_that_cannot_read_back() {
    let running = owner();
    let mut kiosk = OwnerBackend::new(running.path.clone(), "lobby-1".into(), "tty:/dev/tty1".into());
    let info = kiosk.connect().expect("a kiosk session needs no password");
    assert_eq!(info.organisation, "Test Clinic");
    assert!(info.pin_set);
    let id = RecordId::random();
    let sealed = seal(&info.submission_public_key, &intake(id, 0));
    kiosk.submit(id, &sealed, false, None).expect("submitted");
    kiosk.submit(id, &sealed, false, None).expect("a retry of the same box is accepted once");

    // The kiosk's own connection can read nothing and can never log in.
    let mut raw = Client::connect(&running.path, no_autostart()).expect("connect");
    raw.kiosk_session("lobby-2", "test").expect("kiosk session");
    for request in [
        Request::ListKioskSubmissions,
        Request::OpenKioskSubmission { id },
        Request::OpenSubmission { id },
        Request::ListSubmissions,
        Request::ListClients,
        Request::OpenEncounters,
        Request::Subscribe,
    ] {
        let error = raw.request(request.clone()).expect_err("a kiosk reads nothing");
        assert_eq!(error.code(), Some("denied"), "{request:?}");
    }
    let error = raw
        .request(Request::Login { user: "ivy".into(), password: Password::from(IVY_PW), origin: "x".into() })
        .expect_err("a kiosk session stays a kiosk");
    assert_eq!(error.code(), Some("denied"));

    let mut ivy = staff(&running);
    let Reply::KioskSubmissions(list) = ivy.request(Request::ListKioskSubmissions).expect("list") else { panic!() };
    assert_eq!(list.len(), 1);
    assert!(!list[0].critical);
    let Reply::KioskIntake(opened) = ivy.request(Request::OpenKioskSubmission { id }).expect("open") else { panic!() };
    assert_eq!(*opened, intake(id, 0));
}

#[test]
fn checkin_codes_are_single_use_and_expire_through_the_owner() {
    let running = owner();
    let mut ivy = staff(&running);
    let Reply::Checkin(code) = ivy.request(Request::IssueCheckin { client: None, minutes: 5 }).expect("issue") else {
        panic!()
    };
    let mut kiosk = OwnerBackend::new(running.path.clone(), "lobby".into(), "test".into());
    let info = kiosk.connect().expect("kiosk");
    let checkin = kiosk.redeem(&code.code).expect("first use");
    assert_eq!(checkin, code.id);
    assert_eq!(kiosk.redeem(&code.code), Err(triage::kiosk::app::RedeemError::Refused), "single use");
    let id = RecordId::random();
    kiosk.submit(id, &seal(&info.submission_public_key, &intake(id, 0)), false, Some(checkin)).expect("submit");
    let Reply::KioskSubmissions(list) = ivy.request(Request::ListKioskSubmissions).expect("list") else { panic!() };
    assert!(list[0].checked_in);
    // Minutes are whole; an expired code is tested in the store with a 1 ms lifetime. Here: a
    // staff member cannot redeem, and a kiosk cannot issue.
    assert_eq!(ivy.request(Request::RedeemCheckin { code: code.code.clone() }).unwrap_err().code(), Some("denied"));
    let mut raw = Client::connect(&running.path, no_autostart()).expect("connect");
    raw.kiosk_session("lobby", "test").expect("kiosk");
    assert_eq!(raw.request(Request::IssueCheckin { client: None, minutes: 5 }).unwrap_err().code(), Some("denied"));
}

#[test]
fn staff_hear_of_a_critical_submission_within_a_second_and_claim_it() {
    let running = owner();
    let mut listener = staff(&running);
    listener.subscribe().expect("subscribe");
    let mut kiosk = OwnerBackend::new(running.path.clone(), "lobby".into(), "test".into());
    let info = kiosk.connect().expect("kiosk");
    let id = RecordId::random();
    let started = Instant::now();
    kiosk.submit(id, &seal(&info.submission_public_key, &intake(id, 2)), true, None).expect("submit");
    assert_eq!(listener.next_event(Duration::from_secs(1)).expect("event"), Some(Event::KioskSubmission { id }));
    let event = listener.next_event(Duration::from_secs(1)).expect("event");
    assert!(
        matches!(&event, Some(Event::KioskCritical { id: alerted, device }) if *alerted == id && !device.is_empty()),
        "{event:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
    let mut ivy = staff(&running);
    let Reply::KioskSubmissions(list) = ivy.request(Request::ListKioskSubmissions).expect("list") else { panic!() };
    assert!(list[0].critical);
    let Reply::Claimed { client, encounter } = ivy.request(Request::ClaimSubmission { id }).expect("claim") else {
        panic!()
    };
    let Reply::Detail(detail) = ivy.request(Request::GetEncounter { id: encounter.id }).expect("detail") else {
        panic!()
    };
    assert_eq!(detail.encounter.client_id, client);
    assert_eq!(detail.answers.len(), 9);
    assert_eq!(detail.crisis_actions[0].flags, ["phq9.suicidal_ideation"]);
    let Reply::OpenEncounters(queue) = ivy.request(Request::OpenEncounters).expect("queue") else { panic!() };
    assert!(queue[0].critical && queue[0].encounter.id == encounter.id, "flagged on top");
    assert_eq!(ivy.request(Request::ClaimSubmission { id }).unwrap_err().code(), Some("refused"), "claimed once");
}

#[test]
fn the_exit_pin_is_checked_by_the_owner() {
    let running = owner();
    let mut kiosk = OwnerBackend::new(running.path.clone(), "lobby".into(), "test".into());
    kiosk.connect().expect("kiosk");
    assert_eq!(kiosk.verify_pin(&pw("111111")), Err(triage::kiosk::app::PinError::Wrong));
    assert_eq!(kiosk.verify_pin(&pw("246810")), Ok(()));
}
