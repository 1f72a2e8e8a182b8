#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Issue 17, "done when": a full staff intake in plain mode (`triage` on a dumb terminal, which
//! chooses plain mode by itself), on the real binary in a pseudo-terminal, with a critical
//! answer. The output holds no escape byte and no box-drawing character; the password is never
//! echoed; the crisis protocol is read first after the answer, its numbers digit by digit; a
//! colleague's full-screen queue gets the alert; the intake ends with a referral and leaves the
//! queue; nothing is written while nobody types.

use std::time::{Duration, Instant};

use crate::support;

use support::{ADMIN, ADMIN_PW, Env, NURSE, NURSE_PW, Tui};

const CLEO_PW: &str = "cleo's own long password";

/// The staff interface in plain mode on a dumb terminal: no `--plain` given.
fn plain_staff(env: &Env) -> Tui {
    Tui::spawn_in(env, &[], &[], (100, 50), &[("TERM", "dumb")])
}

use crate::plain_kiosk::answer;

/// Answers `line` on a question and waits for the next question or the results.
fn next_item(staff: &mut Tui, line: &str) -> String {
    let from = staff.output().len();
    staff.send(&format!("{line}\r"));
    let start = Instant::now();
    loop {
        let said = String::from_utf8_lossy(&staff.output()[from..]).into_owned();
        let whole = |text: &str| said.contains(text) && said.ends_with("\r\n");
        let choices = said.contains("1: ") || said.contains("The choices are the same as before");
        if whole("Letters: c confirm level") || (choices && said.ends_with("\r\n") && said.contains("\r\nItem ")) {
            return said;
        }
        assert!(start.elapsed() < support::DEADLINE, "no next question after {line:?}:\n{said}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_plain_staff_intake_with_a_critical_answer_reads_the_crisis_first_and_alerts_colleagues() {
    let env = Env::initialised();
    env.ok(
        &["user", "add", "--role", "intake", "--user", ADMIN, "--password-stdin", "cleo"],
        &format!("{ADMIN_PW}\n{CLEO_PW}\n"),
    );
    let mut colleague = env.tui(&[], 100, 30);
    colleague.login("cleo", CLEO_PW);

    let mut staff = plain_staff(&env);
    staff.wait_for_text_after(0, "User name:");
    answer(&mut staff, NURSE, "Password:");
    let queue = answer(&mut staff, NURSE_PW, "Letters: n new intake");
    assert!(queue.contains("Queue"), "{queue}");
    // One prompt per field; Enter alone keeps the organisation's province.
    answer(&mut staff, "n", "Name:");
    answer(&mut staff, "Pat Plain", "Date of birth");
    let province = answer(&mut staff, "1990-04-02", "Press Enter alone to keep it.");
    assert!(province.contains("Now: NS"), "{province}");
    answer(&mut staff, "", "2: Français");
    answer(&mut staff, "1", "6: Newcomer");
    answer(&mut staff, "", "Access needs:");
    answer(&mut staff, "", "Sex for scoring");
    let bundles = answer(&mut staff, "", "press Enter alone to start with: Adult core.");
    assert!(bundles.contains("1: Adult core: PHQ-9, ASQ"), "{bundles}");
    answer(&mut staff, "", "Type a number from 1 to 2, then press Enter.");
    let first = answer(&mut staff, "1", "4: Nearly every day");
    assert!(first.contains("PHQ-9, Questionnaire 1 of 6") && first.contains("Item 1 of 10"), "{first}");
    assert!(answer(&mut staff, "r", "4: Nearly every day").contains("Little interest or pleasure"));
    answer(&mut staff, "7", "7 is not one of the choices");

    // Items 2 to 8, each with the same choices: the bytes per answered item.
    let start = staff.output().len();
    for next in 2..=8 {
        let said = answer(&mut staff, "1", "The choices are the same as before, 1 to 4.");
        assert!(said.contains(&format!("Item {next} of 10")), "{said}");
    }
    let per_item = (staff.output().len() - start) / 7;
    eprintln!("plain staff interface: {per_item} bytes per answered item");
    assert!(per_item < 300, "{per_item} B per item");
    let item9 = answer(&mut staff, "1", "The choices are the same as before, 1 to 4.");
    assert!(item9.contains("Item 9 of 10"), "{item9}");

    // Nothing is written while nobody types.
    let idle = staff.output().len();
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(staff.output().len(), idle, "written while idle:\n{}", String::from_utf8_lossy(&staff.output()[idle..]));

    // The critical answer: the crisis protocol, read first.
    let from = staff.output().len();
    staff.send("4\r");
    let said = staff.wait_for_text_after(from, "then press Enter. For example: 3 clinician with the client.");
    let crisis = said.split_once("4\r\n").map_or(said.as_str(), |(_, after)| after);
    assert!(crisis.starts_with("CRISIS PROTOCOL"), "read first:\n{crisis}");
    assert!(crisis.contains("9 8 8") && crisis.contains("9 1 1"), "digit by digit:\n{crisis}");
    assert!(crisis.contains("1, 8 8 8, 4 2 9, 8 1 6 7"), "Nova Scotia's line:\n{crisis}");
    colleague.wait_for("CRITICAL");
    answer(&mut staff, "9", "Start with the number of what was done, from 1 to 4.");
    answer(&mut staff, "3 clinician with the client", "Item 10 of 10");

    // The rest of the intake, then the results with numbered resources and their reasons.
    let mut results = next_item(&mut staff, "2");
    while !results.contains("Matched resources") {
        results = next_item(&mut staff, "2");
    }
    assert!(results.contains("Suggested level: Crisis"), "{results}");
    assert!(results.contains("1: 9 8 8"), "numbered, digit by digit:\n{results}");
    let picked = answer(&mut staff, "4", "(picked)");
    assert!(!picked.contains("Matched resources"), "only what changed is said:\n{picked}");
    answer(&mut staff, "c", "Decision saved");
    answer(&mut staff, "f", "Type the number of the outcome");
    let done = answer(&mut staff, "1", "Letters: n new intake");
    let (_, queue) = done.split_once("Intake finished").unwrap_or_else(|| panic!("finished:\n{done}"));
    assert!(queue.contains("Queue") && !queue.contains("Pat Plain"), "off the queue:\n{queue}");

    // Control Q quits; the terminal is wiped of what was said (the wipe itself needs an
    // escape, so a dumb terminal only gets blank lines).
    staff.send("\x11");
    assert!(staff.wait_exit(support::DEADLINE).is_some(), "Control Q quits");
    let output = staff.output();
    let text = String::from_utf8_lossy(&output);
    assert!(!output.contains(&0x1b), "no escape byte at all on a dumb terminal:\n{text}");
    let boxes: Vec<char> = text.chars().filter(|c| ('\u{2500}'..='\u{257F}').contains(c)).collect();
    assert!(boxes.is_empty(), "box drawing {boxes:?}:\n{text}");
    assert!(!text.contains(NURSE_PW), "the password is never echoed");

    let spoken: String = crisis.split("\r\n").filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n");
    crate::plain_kiosk::require_speech(crate::plain_kiosk::speech_check(&spoken, "en"));
}

#[test]
fn the_lock_wipes_what_was_said_and_opens_only_for_who_locked_it() {
    let env = Env::initialised();
    let mut staff = Tui::spawn_in(&env, &[], &["--plain", "--lang", "fr"], (100, 40), &[("TERM", "xterm")]);
    staff.wait_for_text_after(0, "Nom d'utilisateur :");
    answer(&mut staff, NURSE, "Mot de passe :");
    answer(&mut staff, NURSE_PW, "Lettres : n nouvel accueil");
    answer(&mut staff, "n", "Nom :");
    answer(&mut staff, "Élodie Tremblay-Côté", "Date de naissance");
    let locked_at = staff.output().len();
    staff.send("\x18");
    let lock = staff.wait_for_text_after(locked_at, "Mot de passe :");
    assert!(lock.contains("\x1b[3J"), "the scrollback is wiped on a terminal that can");
    assert!(!lock.contains("Élodie"), "{lock}");
    assert!(lock.contains(NURSE), "the lock names who locked it:\n{lock}");
    answer(&mut staff, "wrong password for nurse", "Erreur");
    let back = answer(&mut staff, NURSE_PW, "Date de naissance");
    assert!(!back.contains(NURSE_PW));
    staff.send("\x11");
    assert!(staff.wait_exit(support::DEADLINE).is_some());
}
