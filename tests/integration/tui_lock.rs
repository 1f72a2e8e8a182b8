//! Issue 16, item 1: the lock screen let the wrong person in. Someone typed another account's
//! name and password at the lock of marie's session and saw her client under a header naming
//! marie. Unlocking now takes only the locking user's password (the owner refuses any other
//! name on a locked session, audited); "switch user" (Ctrl-N) ends the session and drops every
//! client detail before a fresh sign-in.

use secrecy::SecretString;
use triage::server::Reply;
use triage::server::client::{Client, ClientError, ConnectOptions};

use crate::support::{ADMIN, ADMIN_PW, CTRL_U, CTRL_X, ENTER, Env, TAB};

const MARIE: &str = "marie";
const MARIE_PW: &str = "marie password long";
const NAME: &str = "Quinn Lockscreen";
const CTRL_N: &str = "\x0e";
const BACK_TAB: &str = "\x1b[Z";

fn with_marie() -> Env {
    let env = Env::initialised();
    env.ok(
        &["user", "add", "--role", "intake", "--user", ADMIN, "--password-stdin", MARIE],
        &format!("{ADMIN_PW}\n{MARIE_PW}\n"),
    );
    env
}

#[test]
fn the_lock_opens_only_for_who_locked_it_and_switch_user_starts_afresh() {
    let env = with_marie();
    let mut tui = env.tui(&[], 80, 24);
    tui.login(MARIE, MARIE_PW);
    tui.start_intake(NAME);
    for item in 2..=10 {
        tui.step("1", &["PHQ-9", &format!("Item {item} of 10")]);
    }
    tui.step("1", &["ASQ", "Item 1 of 5"]);
    for item in 2..=4 {
        tui.step("2", &["ASQ", &format!("Item {item} of 5")]);
    }
    tui.step("2", &["GAD-7", "Item 1 of 8"]);
    let results = crate::tui_e2e::gad7_to_results_all_no(&mut tui, &[NAME]);
    // Item 6: the intake role is not offered a change of level, which only clinicians may make.
    assert!(!results.contains("change level"), "{results}");

    // Locked on the Results screen: the name of who locked, no client.
    let locked = tui.step(CTRL_X, &["Locked", "session of marie"]);
    assert!(!locked.contains(NAME), "{locked}");
    // Another account's name and password: there is no name to change, so it is only a wrong
    // password of marie's.
    tui.send(BACK_TAB);
    tui.send(CTRL_U);
    tui.send(ADMIN);
    tui.send(TAB);
    tui.send(ADMIN_PW);
    let refused = tui.step(ENTER, &["Error"]);
    assert!(refused.contains("Locked"), "{refused}");
    for hidden in [NAME, "Signed in as", "Suggested level"] {
        assert!(!refused.contains(hidden), "{hidden:?} is visible:\n{refused}");
    }

    // Switch user: a fresh sign-in; the admin sees no client detail, under the admin's name.
    let fresh = tui.step(CTRL_N, &["Sign in", "User name"]);
    assert!(!fresh.contains(NAME) && !fresh.contains("Locked"), "{fresh}");
    tui.send(ADMIN);
    tui.send(TAB);
    tui.send(ADMIN_PW);
    let admin = tui.step(ENTER, &["Signed in as admin"]);
    assert!(!admin.contains(NAME) && !admin.contains("Signed in as marie"), "{admin}");
    let actions: Vec<_> = env
        .audit()
        .iter()
        .filter_map(|e| Some((e["user"].as_str()?.to_string(), e["action"].as_str()?.to_string())))
        .collect();
    assert!(actions.contains(&(MARIE.into(), "session.locked".into())), "{actions:?}");
    assert!(actions.contains(&(MARIE.into(), "logout".into())), "{actions:?}");
}

fn refused_code(result: Result<Reply, ClientError>) -> String {
    match result {
        Err(ClientError::Owner { code, .. }) => code,
        other => panic!("not refused by the owner: {other:?}"),
    }
}

/// The owner's side: a client that skips the interface cannot unlock as someone else either.
#[test]
fn the_owner_refuses_another_name_on_a_locked_session_until_it_is_ended() {
    let env = with_marie();
    let password = |p: &str| SecretString::from(p.to_string());
    let mut client = Client::connect(&env.data, ConnectOptions::default()).expect("connect");
    client.login(MARIE, &password(MARIE_PW), "test").expect("marie signs in");
    client.lock().expect("lock");
    assert_eq!(refused_code(client.login(ADMIN, &password(ADMIN_PW), "test")), "unlock_other_user");
    // A wrong password of marie's ends nothing: the admin is still refused.
    assert_eq!(refused_code(client.login(MARIE, &password("not her password!!"), "test")), "bad_credentials");
    assert_eq!(refused_code(client.login(ADMIN, &password(ADMIN_PW), "test")), "unlock_other_user");
    // marie unlocks; locked again and ended, anyone may sign in.
    client.login(MARIE, &password(MARIE_PW), "test").expect("marie unlocks");
    client.lock().expect("lock");
    client.logout().expect("logout");
    client.login(ADMIN, &password(ADMIN_PW), "test").expect("a fresh sign-in after logout");
    let refusals =
        env.audit().iter().filter(|e| e["action"] == "denied.unlock_as_other_user" && e["user"] == MARIE).count();
    assert_eq!(refusals, 2);
}

/// Issue 16, item 6, at the CLI: a refusal says who can, not the owner's internal name for it,
/// and never tells an administrator to ask one.
#[test]
fn the_cli_words_a_refusal_for_people() {
    let env = with_marie();
    let refused = env.cli(&["report", "service", "--user", MARIE, "--password-stdin"], &format!("{MARIE_PW}\n"));
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("Only an administrator or a clinician can read service reports."), "{said}");
    assert!(!said.contains("read_reports") && !said.contains("Ask an administrator"), "{said}");
}
