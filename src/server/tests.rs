//! Owner and protocol tests with an in-process owner.

use std::time::Duration;

use secrecy::SecretString;

use super::client::{Client, ConnectOptions};
use super::owner::{Owner, OwnerConfig};
use super::*;
use crate::store::{InitRequest, Lang};

fn pw(text: &str) -> SecretString {
    SecretString::from(text.to_string())
}

fn start(dir: &std::path::Path) -> (owner::OwnerHandle, std::thread::JoinHandle<Result<(), crate::store::StoreError>>) {
    let owner = Owner::start(&OwnerConfig { dir: dir.to_path_buf(), idle_timeout: None }).unwrap();
    let handle = owner.handle();
    (handle, std::thread::spawn(move || owner.run()))
}

fn no_autostart() -> ConnectOptions {
    ConnectOptions { autostart: false, ..ConnectOptions::default() }
}

#[test]
fn frames_round_trip_and_oversize_is_refused() {
    let mut buffer = Vec::new();
    write_frame(&mut buffer, &Hello { protocol: 1, version: "x".into() }).unwrap();
    let hello: Hello = read_frame(&mut buffer.as_slice()).unwrap().unwrap();
    assert_eq!(hello.protocol, 1);
    let mut huge = ((MAX_FRAME + 1) as u32).to_be_bytes().to_vec();
    huge.extend_from_slice(b"{}");
    assert!(read_frame::<_, Hello>(&mut huge.as_slice()).is_err());
    assert!(read_frame::<_, Hello>(&mut &b""[..]).unwrap().is_none());
    assert!(read_frame::<_, Hello>(&mut &b"\x00\x00\x00\x02{x"[..]).is_err());
}

/// A request holding a password is written into a buffer of its exact size (no growing buffer
/// leaves a copy behind), and reads back the same as any frame.
#[test]
fn a_frame_with_a_secret_is_the_same_frame_written_without_growing() {
    let login = Request::Login { user: "a".into(), password: Password::from("hunter2-hunter2"), origin: "t".into() };
    assert!(login.holds_secret() && !Request::ListClients.holds_secret());
    let (mut plain, mut secret) = (Vec::new(), Vec::new());
    write_frame(&mut plain, &RequestFrame { id: 7, request: login.clone() }).unwrap();
    write_secret_frame(&mut secret, &RequestFrame { id: 7, request: login }).unwrap();
    assert_eq!(plain, secret);
    let back: RequestFrame = read_frame(&mut secret.as_slice()).unwrap().unwrap();
    assert!(matches!(back.request, Request::Login { user, .. } if user == "a"));
}

#[test]
fn passwords_never_debug_print() {
    let request = Request::Login { user: "a".into(), password: Password::from("hunter2-hunter2"), origin: "t".into() };
    assert!(!format!("{request:?}").contains("hunter2"));
}

#[test]
fn a_second_owner_is_refused_and_the_socket_is_0660() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let (handle, thread) = start(dir.path());
    let mode = std::fs::metadata(socket_path(dir.path())).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o660);
    let error = Owner::start(&OwnerConfig { dir: dir.path().to_path_buf(), idle_timeout: None }).err().unwrap();
    assert_eq!(error.code(), "owner_running");
    assert!(error.to_string().contains(&std::process::id().to_string()));
    handle.stop();
    thread.join().unwrap().unwrap();
}

#[test]
fn another_protocol_version_gets_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let (handle, thread) = start(dir.path());
    let mut stream = std::os::unix::net::UnixStream::connect(socket_path(dir.path())).unwrap();
    write_frame(&mut stream, &Hello { protocol: 999, version: "9.9.9".into() }).unwrap();
    match read_frame::<_, ServerFrame>(&mut stream).unwrap().unwrap() {
        ServerFrame::VersionMismatch { message, .. } => {
            assert!(
                message.contains("protocol 1")
                    && message.contains("protocol 999")
                    && message.contains("same triage version"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    handle.stop();
    thread.join().unwrap().unwrap();
}

#[test]
fn requests_need_a_login_and_events_reach_subscribers() {
    let dir = tempfile::tempdir().unwrap();
    let (handle, thread) = start(dir.path());
    let mut admin = Client::connect(dir.path(), no_autostart()).unwrap();
    let init = InitRequest {
        org: "Clinic".into(),
        province: crate::store::Province::Bc,
        admin: "admin".into(),
        insecure_test_kdf: true,
        time_zone: None,
    };
    assert!(matches!(
        admin.request(Request::Init { request: init, password: Password::from("admin password long enough") }).unwrap(),
        Reply::RecoveryKey(_)
    ));
    assert_eq!(admin.request(Request::ListUsers).unwrap_err().code(), Some("not_logged_in"));
    admin.login("admin", &pw("admin password long enough"), "test").unwrap();
    for (name, role) in [("ivy", crate::auth::Role::Intake), ("kiosk1", crate::auth::Role::Kiosk)] {
        let account = crate::store::NewAccount { username: name.into(), display_name: name.into(), role };
        admin
            .request(Request::AddUser {
                account,
                password: Password::from(format!("{name} password long enough").as_str()),
            })
            .unwrap();
    }
    let mut staff = Client::connect(dir.path(), no_autostart()).unwrap();
    staff.login("ivy", &pw("ivy password long enough"), "tty:/dev/pts/1").unwrap();
    staff.subscribe().unwrap();
    // An administrator reads no clinical content: its subscription hears no alert.
    let mut listening_admin = Client::connect(dir.path(), no_autostart()).unwrap();
    listening_admin.login("admin", &pw("admin password long enough"), "test").unwrap();
    listening_admin.subscribe().unwrap();

    let mut kiosk = Client::connect(dir.path(), no_autostart()).unwrap();
    kiosk.login("kiosk1", &pw("kiosk1 password long enough"), "kiosk").unwrap();
    assert_eq!(kiosk.request(Request::Subscribe).unwrap_err().code(), Some("denied"));
    assert_eq!(kiosk.request(Request::ListClients).unwrap_err().code(), Some("denied"));
    let Reply::SubmissionKey(key) = kiosk.request(Request::SubmissionKey).unwrap() else { panic!() };
    let key: [u8; 32] = hex::decode(key).unwrap().try_into().unwrap();
    let submission = crate::store::KioskSubmission {
        schema_version: 1,
        id: crate::store::RecordId::random(),
        language: Lang::En,
        consent_version: "1".into(),
        consent: crate::store::ConsentAnswer::Given,
        client: None,
        answers: vec![],
        submitted_ms: 0,
    };
    let sealed = crate::store::crypto::seal_to(&key, &serde_json::to_vec(&submission).unwrap()).unwrap();
    kiosk.request(Request::SubmitSealed { id: submission.id, sealed_hex: hex::encode(sealed) }).unwrap();
    assert_eq!(staff.next_event(Duration::from_secs(5)).unwrap(), Some(Event::KioskSubmission { id: submission.id }));
    let Reply::Submission(opened) = staff.request(Request::OpenSubmission { id: submission.id }).unwrap() else {
        panic!()
    };
    assert_eq!(opened, submission);

    // A critical flag is pushed too.
    let Reply::Id(client) = staff
        .request(Request::CreateClient {
            client: crate::store::NewClient {
                name: "X".into(),
                birth_date: None,
                province: crate::store::Province::Bc,
                language: Lang::En,
                contact: None,
                access_needs: vec![],
                populations: vec![],
                sex_for_scoring: None,
            },
        })
        .unwrap()
    else {
        panic!()
    };
    let Reply::Encounter(encounter) = staff
        .request(Request::StartEncounter { client, origin: crate::store::EncounterOrigin::Staff, instruments: vec![] })
        .unwrap()
    else {
        panic!()
    };
    let result = crate::store::NewResult {
        instrument: crate::store::InstrumentRef { id: "phq9".into(), version: "1".into(), language: Lang::En },
        total: Some(20),
        subscales: Default::default(),
        band: "severe".into(),
        flags: vec![crate::store::Flag { code: "item9".into(), critical: true }],
    };
    staff.request(Request::SaveResult { encounter: encounter.id, result }).unwrap();
    assert_eq!(
        staff.next_event(Duration::from_secs(5)).unwrap(),
        Some(Event::CriticalFlag { encounter: encounter.id })
    );
    // An urgent flag recorded at once is pushed as such.
    staff
        .request(Request::RecordCrisisAction {
            encounter: encounter.id,
            flags: vec!["asq.non_acute_positive".into()],
            action: crate::store::CRISIS_URGENT_RAISED.into(),
            note: String::new(),
        })
        .unwrap();
    assert_eq!(staff.next_event(Duration::from_secs(5)).unwrap(), Some(Event::UrgentFlag { encounter: encounter.id }));
    assert_eq!(listening_admin.next_event(Duration::from_millis(300)).unwrap(), None, "no clinical event for an admin");
    drop(listening_admin);

    // The last staff session leaving locks the owner again.
    drop(staff);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while handle.store().is_unlocked_public() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    // The admin session is still open, so it stays unlocked until that one leaves as well.
    assert!(handle.store().is_unlocked_public());
    drop(admin);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while handle.store().is_unlocked_public() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(!handle.store().is_unlocked_public());
    handle.stop();
    thread.join().unwrap().unwrap();
}

#[test]
fn an_idle_owner_exits() {
    let dir = tempfile::tempdir().unwrap();
    let owner =
        Owner::start(&OwnerConfig { dir: dir.path().to_path_buf(), idle_timeout: Some(Duration::from_millis(200)) })
            .unwrap();
    let started = std::time::Instant::now();
    owner.run().unwrap();
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert!(!socket_path(dir.path()).exists());
}

type Running =
    (tempfile::TempDir, owner::OwnerHandle, std::thread::JoinHandle<Result<(), crate::store::StoreError>>, Client);

/// An owner on a new store, with the admin signed in.
fn initialised_owner() -> Running {
    let dir = tempfile::tempdir().unwrap();
    let (handle, thread) = start(dir.path());
    let mut admin = Client::connect(dir.path(), no_autostart()).unwrap();
    let init = InitRequest {
        org: "Clinic".into(),
        province: crate::store::Province::Bc,
        admin: "admin".into(),
        insecure_test_kdf: true,
        time_zone: None,
    };
    admin.request(Request::Init { request: init, password: Password::from("admin password long enough") }).unwrap();
    admin.login("admin", &pw("admin password long enough"), "test").unwrap();
    (dir, handle, thread, admin)
}

/// Issue 14, items 1-3, through the owner's socket: parallel wrong passwords are counted exactly
/// (the account locks, the rest are refused without a check); disabling an account or resetting
/// its password ends its open sessions; a password typed as a user name never reaches the audit.
#[test]
fn parallel_logins_are_counted_sessions_end_on_disable_and_reset_and_typed_names_stay_out_of_the_audit() {
    let (dir, handle, thread, mut admin) = initialised_owner();
    for name in ["ivy", "max"] {
        let account = crate::store::NewAccount {
            username: name.into(),
            display_name: name.into(),
            role: crate::auth::Role::Intake,
        };
        let password = Password::from(format!("{name} password long enough").as_str());
        admin.request(Request::AddUser { account, password }).unwrap();
    }

    // 1. Twenty wrong passwords at once for max: each attempt sees the failures before it, so
    // once the throttle starts the rest are refused without a password check.
    let attempts: Vec<_> = (0..20)
        .map(|i| {
            let dir = dir.path().to_path_buf();
            std::thread::spawn(move || {
                let mut client = Client::connect(&dir, no_autostart()).unwrap();
                let wrong = pw(&format!("wrong password number {i}"));
                client.login("max", &wrong, "test").err().and_then(|e| e.code().map(str::to_string))
            })
        })
        .collect();
    let codes: Vec<String> = attempts.into_iter().map(|t| t.join().unwrap().unwrap_or_default()).collect();
    let checked = codes.iter().filter(|c| *c == "bad_credentials").count();
    assert!(checked <= crate::auth::THROTTLE_AFTER as usize + 1, "{checked} of 20 checked: {codes:?}");
    assert!(codes.iter().all(|c| ["bad_credentials", "throttled", "locked_out"].contains(&c.as_str())), "{codes:?}");

    // 2. ivy's open session ends when the account is disabled, and again after a reset.
    let mut ivy = Client::connect(dir.path(), no_autostart()).unwrap();
    ivy.login("ivy", &pw("ivy password long enough"), "test").unwrap();
    assert!(ivy.request(Request::ListClients).is_ok());
    admin
        .request(Request::SetUserStatus { user: "ivy".into(), status: crate::store::AccountStatus::Disabled })
        .unwrap();
    assert_eq!(ivy.request(Request::ListClients).unwrap_err().code(), Some("session_ended"));
    assert_eq!(ivy.request(Request::ListClients).unwrap_err().code(), Some("not_logged_in"), "the session is gone");
    admin.request(Request::SetUserStatus { user: "ivy".into(), status: crate::store::AccountStatus::Active }).unwrap();
    ivy.login("ivy", &pw("ivy password long enough"), "test").unwrap();
    admin
        .request(Request::SetPassword { user: "ivy".into(), password: Password::from("a new password for ivy") })
        .unwrap();
    assert_eq!(ivy.request(Request::ListClients).unwrap_err().code(), Some("session_ended"));
    ivy.login("ivy", &pw("a new password for ivy"), "test").unwrap();
    assert_eq!(ivy.request(Request::ListClients).unwrap_err().code(), Some("password_change_required"));
    ivy.change_own_password(&pw("a password only ivy knows")).unwrap();
    assert!(ivy.request(Request::ListClients).is_ok(), "the new password opens a new session");

    // 3. A password typed into the user-name field: never in the audit log, twice the same mark.
    let typed = "Correct Horse Battery 42";
    for _ in 0..2 {
        let mut stray = Client::connect(dir.path(), no_autostart()).unwrap();
        assert!(stray.login(typed, &pw("whatever"), "test").is_err());
    }
    let Reply::Audit(entries) = admin.request(Request::AuditList { filter: Default::default() }).unwrap() else {
        panic!()
    };
    let text = serde_json::to_string(&entries).unwrap();
    assert!(!text.contains("Correct Horse") && !text.contains("Battery"), "the typed text leaked into the audit");
    let unknown: Vec<&str> = entries
        .iter()
        .filter(|e| e.action == "login.failed" && e.user.starts_with("unknown:"))
        .map(|e| e.user.as_str())
        .collect();
    assert_eq!(unknown.len(), 2, "{unknown:?}");
    // Whatever a program claims, the audit names the Unix user the kernel reports for it.
    let uid = rustix::process::geteuid().as_raw();
    assert!(
        entries.iter().filter(|e| e.action.starts_with("login")).all(|e| e.origin == format!("uid {uid}; claims test")),
        "{:?}",
        entries.iter().map(|e| &e.origin).collect::<Vec<_>>()
    );
    assert_eq!(unknown[0], unknown[1], "the same typed name gets the same mark");

    handle.stop();
    thread.join().unwrap().unwrap();
}

/// Issue 14, item 8: a subscriber that stops reading fills its socket; the owner must neither
/// wedge the requests that raise events nor starve the other subscribers, and still stops.
#[test]
fn a_subscriber_that_stops_reading_wedges_nothing() {
    let (dir, handle, thread, mut admin) = initialised_owner();
    for (name, role) in [("ivy", crate::auth::Role::Intake), ("kiosk1", crate::auth::Role::Kiosk)] {
        let account = crate::store::NewAccount { username: name.into(), display_name: name.into(), role };
        let password = Password::from(format!("{name} password long enough").as_str());
        admin.request(Request::AddUser { account, password }).unwrap();
    }
    let subscriber = || {
        let mut client = Client::connect(dir.path(), no_autostart()).unwrap();
        client.login("ivy", &pw("ivy password long enough"), "test").unwrap();
        client.subscribe().unwrap();
        client
    };
    let _stalled = subscriber(); // never reads again
    let mut listening = subscriber();
    const EVENTS: usize = 3000; // far more than a socket buffer holds
    let heard = std::thread::spawn(move || {
        let mut heard = 0;
        while heard < EVENTS {
            match listening.next_event(Duration::from_secs(30)) {
                Ok(Some(Event::KioskSubmission { .. })) => heard += 1,
                Ok(Some(_)) => {}
                _ => break,
            }
        }
        heard
    });
    let (done, finished) = std::sync::mpsc::channel();
    let kiosk_dir = dir.path().to_path_buf();
    std::thread::spawn(move || {
        let mut kiosk = Client::connect(&kiosk_dir, no_autostart()).unwrap();
        kiosk.login("kiosk1", &pw("kiosk1 password long enough"), "kiosk").unwrap();
        let Ok(Reply::SubmissionKey(key)) = kiosk.request(Request::SubmissionKey) else { return };
        let key: [u8; 32] = hex::decode(key).unwrap().try_into().unwrap();
        for _ in 0..EVENTS {
            let id = crate::store::RecordId::random();
            let sealed = crate::store::crypto::seal_to(&key, b"{}").unwrap();
            if kiosk.request(Request::SubmitSealed { id, sealed_hex: hex::encode(sealed) }).is_err() {
                return;
            }
        }
        let _ = done.send(());
    });
    // A deadline only so that a wedged owner fails the test instead of hanging it.
    assert!(finished.recv_timeout(Duration::from_secs(300)).is_ok(), "submissions wedged behind a stalled subscriber");
    assert_eq!(heard.join().unwrap(), EVENTS, "the reading subscriber heard every event");
    handle.stop();
    thread.join().unwrap().unwrap();
}

/// Issue 14, item 9: a connection that has not signed in may send only small frames, a frame
/// that has begun must end in time (however slowly it trickles), and the owner caps the
/// connections of one Unix user.
#[test]
fn frames_before_sign_in_are_small_a_begun_frame_must_end_in_time_and_connections_are_capped() {
    use std::io::{Read as _, Write as _};
    use std::os::unix::net::UnixStream;
    use std::time::Instant;

    // A frame that begins and stalls, or trickles a byte at a time, is given up at the deadline.
    let (mut owner_side, mut client_side) = UnixStream::pair().unwrap();
    client_side.write_all(&100u32.to_be_bytes()).unwrap();
    client_side.write_all(b"{\"protocol\"").unwrap();
    let started = Instant::now();
    let stalled = owner::read_request::<Hello>(&mut owner_side, 1024, Duration::from_millis(200));
    assert_eq!(stalled.unwrap_err().kind(), std::io::ErrorKind::WouldBlock, "a timed-out read");
    assert!(started.elapsed() < Duration::from_secs(5));
    let (mut owner_side, mut client_side) = UnixStream::pair().unwrap();
    let trickle = std::thread::spawn(move || {
        let _ = client_side.write_all(&100u32.to_be_bytes());
        for _ in 0..40 {
            if client_side.write_all(b" ").is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    let started = Instant::now();
    let slow = owner::read_request::<Hello>(&mut owner_side, 1024, Duration::from_millis(300));
    assert!(slow.is_err(), "{slow:?}");
    assert!(started.elapsed() < Duration::from_millis(1500), "one deadline for the frame, not one per byte");
    drop(owner_side);
    trickle.join().unwrap();
    // A header over the connection's limit is refused before any of its body is read.
    let (mut owner_side, mut client_side) = UnixStream::pair().unwrap();
    client_side.write_all(&(16u32 * 1024 * 1024).to_be_bytes()).unwrap();
    let refused = owner::read_request::<Hello>(&mut owner_side, owner::PRE_LOGIN_FRAME, Duration::from_secs(5));
    assert_eq!(refused.unwrap_err().kind(), std::io::ErrorKind::InvalidData);

    let dir = tempfile::tempdir().unwrap();
    let (handle, thread) = start(dir.path());
    let hello = |stream: &mut UnixStream| {
        write_frame(stream, &Hello { protocol: PROTOCOL_VERSION, version: "t".into() }).unwrap();
        read_frame::<_, ServerFrame>(stream).unwrap()
    };
    // Before sign-in, a 1 MiB frame (under the 16 MiB limit for signed-in staff) closes the
    // connection at once: the owner never reads it.
    let mut early = UnixStream::connect(socket_path(dir.path())).unwrap();
    assert!(matches!(hello(&mut early), Some(ServerFrame::Welcome { .. })));
    early.write_all(&(1024u32 * 1024).to_be_bytes()).unwrap();
    early.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut byte = [0u8; 1];
    assert_eq!(early.read(&mut byte).unwrap(), 0, "closed by the owner");
    // Connections of this Unix user up to the cap are served; the next one is told why not.
    let mut open = Vec::new();
    for _ in 0..owner::MAX_CONNECTIONS_PER_USER {
        let mut stream = UnixStream::connect(socket_path(dir.path())).unwrap();
        assert!(matches!(hello(&mut stream), Some(ServerFrame::Welcome { .. })));
        open.push(stream);
    }
    let mut over = UnixStream::connect(socket_path(dir.path())).unwrap();
    match hello(&mut over) {
        Some(ServerFrame::Busy { message }) => assert!(message.contains("per Unix user"), "{message}"),
        other => panic!("{other:?}"),
    }
    // One closed, one more is served.
    drop(open.pop());
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let mut again = UnixStream::connect(socket_path(dir.path())).unwrap();
        if matches!(hello(&mut again), Some(ServerFrame::Welcome { .. })) {
            break;
        }
        assert!(Instant::now() < deadline, "a freed place is never given again");
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(open);
    handle.stop();
    thread.join().unwrap().unwrap();
}

/// An intake account `ivy` and one client (with a date of birth and a contact) whose encounter
/// has one answer carrying free text: what an export shows.
fn one_client_with_an_answer(dir: &std::path::Path, admin: &mut Client) -> crate::store::RecordId {
    let account = crate::store::NewAccount {
        username: "ivy".into(),
        display_name: "Ivy".into(),
        role: crate::auth::Role::Intake,
    };
    admin.request(Request::AddUser { account, password: Password::from("ivy password long enough") }).unwrap();
    let mut ivy = Client::connect(dir, no_autostart()).unwrap();
    ivy.login("ivy", &pw("ivy password long enough"), "test").unwrap();
    let client = crate::store::NewClient {
        name: "Marie Tremblay".into(),
        birth_date: Some("1950-06-15".into()),
        province: crate::store::Province::Qc,
        language: Lang::Fr,
        contact: Some("514-555-0100".into()),
        access_needs: vec![],
        populations: vec![],
        sex_for_scoring: None,
    };
    let Reply::Id(id) = ivy.request(Request::CreateClient { client }).unwrap() else { panic!() };
    let origin = crate::store::EncounterOrigin::Staff;
    let Reply::Encounter(encounter) =
        ivy.request(Request::StartEncounter { client: id, origin, instruments: vec![] }).unwrap()
    else {
        panic!()
    };
    let answer = crate::store::NewAnswer {
        instrument: crate::store::InstrumentRef { id: "phq9".into(), version: "1".into(), language: Lang::Fr },
        item_id: "q1".into(),
        position: 1,
        score: 1,
        free_text: Some("je vis chez ma fille Julie".into()),
    };
    ivy.request(Request::SaveAnswer { encounter: encounter.id, answer }).unwrap();
    id
}

/// Issue 14, item 6: an export page that can identify a person is refused without a reason, by
/// the owner itself (a raw socket client cannot skip it), and the refusal is audited; a
/// de-identified page goes without one and carries no name, contact, date of birth or free
/// text; a reason given is sealed into the page's audit entry, shown by `audit list`, and never
/// written in clear to the data directory.
#[test]
fn an_identifiable_export_page_needs_a_reason_which_the_audit_keeps_sealed() {
    use crate::export::Contents;
    let (dir, handle, thread, mut admin) = initialised_owner();
    let client_id = one_client_with_an_answer(dir.path(), &mut admin);
    let refused = admin.request(Request::ExportClients { after: None, limit: 10, reason: None }).unwrap_err();
    assert_eq!(refused.code(), Some("invalid"));
    assert!(refused.to_string().contains("--reason"), "{refused}");
    let blank = Some("   ".to_string());
    assert_eq!(
        admin.request(Request::ExportClients { after: None, limit: 10, reason: blank }).unwrap_err().code(),
        Some("invalid")
    );
    for contents in [Contents::All, Contents::Records, Contents::AnswersWithClient, Contents::Answers] {
        let request = Request::ExportEncounters { after: None, limit: 10, contents, reason: None };
        assert_eq!(admin.request(request).unwrap_err().code(), Some("invalid"), "{contents:?}");
    }
    let escape = Some("court\u{1b}[2J order".to_string());
    let request = Request::ExportEncounters { after: None, limit: 10, contents: Contents::All, reason: escape };
    assert_eq!(admin.request(request).unwrap_err().code(), Some("invalid"), "control characters are refused");

    // De-identified: no reason needed, nothing that names the person.
    let request =
        Request::ExportEncounters { after: None, limit: 10, contents: Contents::AnswersDeidentified, reason: None };
    let Reply::ExportEncounters(page) = admin.request(request).unwrap() else { panic!() };
    let item = &page.items[0];
    let shown = item.client.as_ref().unwrap();
    let text = serde_json::to_string(&page).unwrap();
    for identifying in ["Marie", "Tremblay", "514-555", "1950-06-15", "Julie", "\"ivy\""] {
        assert!(!text.contains(identifying), "{identifying} in a de-identified page: {text}");
    }
    let day: String = crate::store::format_time(item.detail.encounter.created_ms).chars().take(10).collect();
    let age = |birth: &str| crate::instrument::score::age_on(birth, &day);
    assert_eq!(age(shown.birth_date.as_deref().unwrap()), age("1950-06-15"), "the age on the day is kept");
    assert_eq!(item.detail.answers.len(), 1);

    // With a reason: served, and the reason kept sealed in each page's entry.
    let reason = Some("transfer to the regional service (agreement 17)".to_string());
    let Reply::ExportClients(clients) =
        admin.request(Request::ExportClients { after: None, limit: 10, reason: reason.clone() }).unwrap()
    else {
        panic!()
    };
    assert_eq!(clients.clients[0].name, "Marie Tremblay");
    let request = Request::ExportEncounters { after: None, limit: 10, contents: Contents::All, reason };
    assert!(matches!(admin.request(request).unwrap(), Reply::ExportEncounters(_)));
    let filter = crate::store::AuditFilter { action: Some("export.".into()), ..Default::default() };
    let Reply::Audit(entries) = admin.request(Request::AuditList { filter }).unwrap() else { panic!() };
    let reasons: Vec<(&str, Option<&str>, Option<&str>)> =
        entries.iter().map(|e| (e.action.as_str(), e.record.as_deref(), e.reason.as_deref())).collect();
    let given = Some("transfer to the regional service (agreement 17)");
    assert!(
        reasons.contains(&("export.clients", Some("no reason given"), None)),
        "the refusal is audited: {reasons:?}"
    );
    assert!(reasons.contains(&("export.clients", Some("1 clients"), given)), "{reasons:?}");
    assert!(reasons.contains(&("export.encounters", Some("1 encounters"), given)), "{reasons:?}");
    assert!(reasons.contains(&("export.encounters", Some("1 encounters (de-identified)"), None)), "{reasons:?}");
    let exported = entries.iter().find(|e| e.reason.is_some()).unwrap();
    assert!(exported.clients.contains(&client_id) && exported.reason_sealed.is_some());
    handle.stop();
    thread.join().unwrap().unwrap();
    // The reason is nowhere in clear on disk.
    let mut pending = vec![dir.path().to_path_buf()];
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            pending.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else {
            let bytes = std::fs::read(&path).unwrap();
            assert!(!bytes.windows(8).any(|w| w == b"regional"), "the reason is in clear in {}", path.display());
        }
    }
}

/// Issue 14, item 6: a password an administrator sets for a staff account opens a session that
/// may only choose a new password (every other request refused with `password_change_required`,
/// and audited), told at sign-in who set it and when; the user's own choice, which may not be
/// the administrator's, ends that and the session goes on. A kiosk account is not held.
#[test]
fn a_password_an_admin_set_must_be_replaced_before_anything_else() {
    let (dir, handle, thread, mut admin) = initialised_owner();
    for (name, role) in [("ivy", crate::auth::Role::Intake), ("kiosk1", crate::auth::Role::Kiosk)] {
        let account = crate::store::NewAccount { username: name.into(), display_name: name.into(), role };
        let password = Password::from(format!("{name} password long enough").as_str());
        admin.request(Request::AddUser { account, password }).unwrap();
    }
    let set_by_admin = "a password the admin chose";
    for user in ["ivy", "kiosk1"] {
        admin.request(Request::SetPassword { user: user.into(), password: Password::from(set_by_admin) }).unwrap();
    }
    let Reply::Accounts(accounts) = admin.request(Request::ListUsers).unwrap() else { panic!() };
    let pending = |name: &str| accounts.iter().find(|a| a.username == name).and_then(|a| a.password_reset.clone());
    assert_eq!(pending("ivy").map(|r| r.by), Some("admin".into()));
    assert_eq!(pending("kiosk1"), None, "a kiosk account has no user to choose one");

    let mut ivy = Client::connect(dir.path(), no_autostart()).unwrap();
    let Reply::LoggedIn { password_reset, .. } = ivy.login("ivy", &pw(set_by_admin), "test").unwrap() else { panic!() };
    let reset = password_reset.expect("the sign-in says the password was set by an administrator");
    assert_eq!(reset.by, "admin");
    assert_eq!(reset.date(), crate::store::format_time(crate::store::now_ms()).chars().take(10).collect::<String>());
    for request in [
        Request::ListClients,
        Request::Subscribe,
        Request::Organisation,
        Request::SetPassword { user: "kiosk1".into(), password: Password::from("someone else's password") },
    ] {
        let refused = ivy.request(request).unwrap_err();
        assert_eq!(refused.code(), Some("password_change_required"));
        assert!(refused.to_string().contains("set by admin on"), "{refused}");
    }
    // The administrator's own password will not do; another one does, and the session goes on.
    let same = ivy.change_own_password(&pw(set_by_admin)).unwrap_err();
    assert_eq!(same.code(), Some("invalid"));
    ivy.change_own_password(&pw("ivy's very own new password")).unwrap();
    assert!(ivy.request(Request::ListClients).is_ok(), "the same session goes on with the new password");
    let mut again = Client::connect(dir.path(), no_autostart()).unwrap();
    let Reply::LoggedIn { password_reset, .. } = again.login("ivy", &pw("ivy's very own new password"), "t").unwrap()
    else {
        panic!()
    };
    assert_eq!(password_reset, None);
    assert_eq!(again.login("ivy", &pw(set_by_admin), "t").unwrap_err().code(), Some("bad_credentials"));
    let mut kiosk = Client::connect(dir.path(), no_autostart()).unwrap();
    let Reply::LoggedIn { password_reset, .. } = kiosk.login("kiosk1", &pw(set_by_admin), "t").unwrap() else {
        panic!()
    };
    assert_eq!(password_reset, None);

    let filter = crate::store::AuditFilter::default();
    let Reply::Audit(entries) = admin.request(Request::AuditList { filter }).unwrap() else { panic!() };
    let seen = |user: &str, action: &str| entries.iter().filter(|e| e.user == user && e.action == action).count();
    assert_eq!(seen("admin", "account.password_reset"), 2);
    assert_eq!(seen("ivy", "login.password_change_required"), 1);
    assert_eq!(seen("ivy", "denied.password_change_required"), 4);
    assert_eq!(seen("ivy", "account.password_changed"), 1);
    handle.stop();
    thread.join().unwrap().unwrap();
}

/// Issue 15 (typed boundaries): every request has a typed method on the client that returns the
/// reply it asks for, so a caller matches on no reply; a refusal stays the owner's code.
#[test]
fn the_typed_client_returns_each_requests_own_reply() {
    use crate::store::{AccountStatus, ConsentAnswer, EncounterOrigin, EncounterStatus, NewAccount, NewClient};
    let dir = tempfile::tempdir().unwrap();
    let (handle, thread) = start(dir.path());
    let mut admin = Client::connect(dir.path(), no_autostart()).unwrap();
    admin.ping().unwrap();
    assert!(!admin.status().unwrap().store.initialised);
    let init = InitRequest {
        org: "Clinic".into(),
        province: crate::store::Province::Bc,
        admin: "admin".into(),
        insecure_test_kdf: true,
        time_zone: None,
    };
    let key = admin.init(init, &pw("admin password long enough")).unwrap();
    assert!(!secrecy::ExposeSecret::expose_secret(&key).is_empty());
    assert_eq!(admin.list_users().unwrap_err().code(), Some("not_logged_in"));
    let signed_in = admin.sign_in("admin", &pw("admin password long enough"), "test").unwrap();
    assert_eq!((signed_in.user.as_str(), signed_in.role), ("admin", crate::auth::Role::Admin));
    assert_eq!(admin.organisation().unwrap().name, "Clinic");
    let account = NewAccount { username: "ivy".into(), display_name: "Ivy".into(), role: crate::auth::Role::Intake };
    assert_eq!(admin.add_user(account, &pw("ivy password long enough")).unwrap().username, "ivy");
    assert_eq!(admin.list_users().unwrap().len(), 2);
    admin.set_user_status("ivy", AccountStatus::Active).unwrap();
    assert_eq!(admin.audit_verify(None).unwrap().first_bad, None);
    let (entries, damaged) = admin.audit_list(crate::store::AuditFilter::default()).unwrap();
    assert!(!entries.is_empty() && damaged.is_empty());

    let mut ivy = Client::connect(dir.path(), no_autostart()).unwrap();
    ivy.sign_in("ivy", &pw("ivy password long enough"), "test").unwrap();
    let new = NewClient {
        name: "Ana Typed".into(),
        birth_date: None,
        province: crate::store::Province::Bc,
        language: Lang::En,
        contact: None,
        access_needs: vec![],
        populations: vec![],
        sex_for_scoring: None,
    };
    let id = ivy.create_client(new).unwrap();
    assert_eq!(ivy.get_client(id).unwrap().name, "Ana Typed");
    assert_eq!(ivy.search_clients("typed").unwrap().clients.len(), 1);
    let encounter = ivy.start_encounter(id, EncounterOrigin::Staff, vec![]).unwrap();
    ivy.record_consent(encounter.id, "v1", ConsentAnswer::Given).unwrap();
    assert_eq!(ivy.get_encounter(encounter.id).unwrap().consents.len(), 1);
    assert!(ivy.open_encounters().unwrap().iter().any(|open| open.encounter.id == encounter.id));
    let closed = ivy.set_encounter_status(encounter.id, EncounterStatus::Closed).unwrap();
    assert_eq!(closed.status, EncounterStatus::Closed);
    assert_eq!(ivy.client_history(id).unwrap().encounters.len(), 1);
    let code = ivy.issue_checkin(Some(id), 5).unwrap();
    assert_eq!(ivy.list_checkins().unwrap().len(), 1);
    ivy.revoke_checkin(&code.code).unwrap();
    assert!(ivy.list_checkins().unwrap().is_empty());
    // A refusal is the owner's code, not a wrong reply.
    assert_eq!(ivy.list_users().unwrap_err().code(), Some("denied"));
    drop((admin, ivy));
    handle.stop();
    thread.join().unwrap().unwrap();
}
