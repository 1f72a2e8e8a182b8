#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The kiosk and the desk can find each other (issue 16, item 8), on the real binary in
//! pseudo-terminals: the thank-you screen gives a short reference and the time, and the staff
//! queue names the submission by the same reference; an intake worker issues a check-in code
//! tied to a client from the client's history or the queue, without typing an id.

use crate::kiosk_french::{FRENCH_BUNDLE, begin_in_french};
use crate::support;

use support::{ADMIN, ADMIN_PW, Env, NURSE, NURSE_PW};

/// The letters a reference is made of (`store::kiosk::SUBMISSION_REF_ALPHABET`).
const REFERENCE_LETTERS: &str = "BCDFGHJKMNPQRTVWXZ";

#[test]
fn the_thank_you_reference_is_the_one_the_staff_queue_shows() {
    let env = Env::initialised_with("QC", FRENCH_BUNDLE);
    env.ok(
        &["settings", "set", "--asq", "after-phq9-item9", "--user", ADMIN, "--password-stdin"],
        &format!("{ADMIN_PW}\n"),
    );
    let mut kiosk = env.kiosk(&["--device", "pty-desk", "--bundle", "phq9-fr"], 100, 40);
    begin_in_french(&mut kiosk);
    for next in 2..=9 {
        kiosk.step("1", &[&format!("Question {next} sur 9")]);
    }
    let thanks = kiosk.step("1", &["Merci", "Votre référence pour l'accueil : "]);
    let line = thanks.lines().find(|l| l.contains("Votre référence")).unwrap_or_default();
    let reference: String = line.split(" : ").nth(1).unwrap_or_default().chars().take(4).collect();
    assert_eq!(reference.chars().count(), 4, "{thanks}");
    assert!(reference.chars().all(|c| REFERENCE_LETTERS.contains(c)), "four consonants: {reference}\n{thanks}");
    // The time it was sent, as French writes it ("17 h 05").
    let time = line.split("envoyée à ").nth(1).unwrap_or_default();
    assert!(time.contains(" h ") && time.contains("UTC"), "{thanks}");
    drop(kiosk);

    let mut tui = env.tui(&[], 80, 24);
    let queue = tui.login(NURSE, NURSE_PW);
    let queue = if queue.contains(&reference) { queue } else { tui.wait_for(&format!("Kiosk {reference}")) };
    assert!(queue.contains(&format!("Kiosk {reference}")), "the queue names the same reference:\n{queue}");
}

#[test]
fn an_intake_worker_issues_a_check_in_code_from_a_clients_history() {
    const IVY: &str = "ivy";
    const IVY_PW: &str = "ivy password long enough";
    let env = Env::initialised();
    env.ok(
        &["user", "add", "--role", "intake", "--user", ADMIN, "--password-stdin", IVY],
        &format!("{ADMIN_PW}\n{IVY_PW}\n"),
    );
    let args = ["client", "add", "--name", "Noor Haddad", "--province", "ns", "--lang", "en", "--user", IVY];
    let mut args = args.to_vec();
    args.push("--password-stdin");
    let id = env.ok(&args, &format!("{IVY_PW}\n")).trim().to_string();

    let mut tui = env.tui(&[], 80, 24);
    tui.login(IVY, IVY_PW);
    tui.step("/", &["Find a client"]);
    tui.step("noor", &["Noor Haddad"]);
    let history = tui.step("\x0f", &["History · Noor Haddad"]);
    assert!(!history.contains(&id), "no id to copy:\n{history}");
    issues_a_code_for_the_client(&env, &mut tui, IVY, IVY_PW);
}

/// `c` issues a code: shown on screen, held by the owner for the client, issued by `user`, audited.
fn issues_a_code_for_the_client(env: &Env, tui: &mut support::Tui, user: &str, password: &str) {
    let issued = tui.step("c", &["Kiosk check-in code for this client (valid for 60 minutes):"]);
    let code = issued
        .lines()
        .find_map(|l| l.split("(valid for 60 minutes): ").nth(1))
        .map(|rest| rest.split_whitespace().next().unwrap_or_default().to_string())
        .unwrap_or_default();
    assert!(code.len() >= 8, "the code is shown:\n{issued}");

    // The owner holds it for this client, issued by this worker.
    let listed = env.ok(&["checkin", "list", "--json", "--user", user, "--password-stdin"], &format!("{password}\n"));
    let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
    let codes = listed.as_array().unwrap();
    assert_eq!(codes.len(), 1, "{listed}");
    assert_eq!(codes[0]["for_client"], true, "{listed}");
    assert_eq!(codes[0]["issued_by"], user, "{listed}");
    let issued_for = env
        .audit()
        .into_iter()
        .filter(|e| e["action"].as_str().is_some_and(|a| a.contains("checkin")) && e["user"] == user)
        .count();
    assert!(issued_for >= 1, "the issue is audited");
}

/// Issue 16, item 8: the same `c` on the queue, for the selected entry's client.
#[test]
fn a_check_in_code_is_issued_from_the_queue_for_the_selected_client() {
    let env = Env::initialised();
    let mut tui = env.tui(&[], 100, 30);
    tui.login(NURSE, NURSE_PW);
    tui.start_intake("Noor Queue");
    tui.step(support::CTRL_G, &["Queue", "Noor Queue"]);
    issues_a_code_for_the_client(&env, &mut tui, NURSE, NURSE_PW);
}
