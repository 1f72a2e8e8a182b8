#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Issue 17, "done when": a full kiosk screening in plain mode, on the real binary in a
//! pseudo-terminal with `TERM=dumb` (which chooses plain mode by itself), with a critical answer.
//! The output holds no escape byte and no box-drawing character; the crisis page comes first
//! after the answer, its numbers digit by digit; staff signed in elsewhere get the alert; the
//! crisis text read by espeak-ng reads numbers as digits and no symbol (`docs/plain-speech.sh`).

use std::path::Path;
use std::process::Command;

use crate::support;

use support::{ADMIN, ADMIN_PW, Env, NURSE, NURSE_PW, Tui};

const PIN: &str = "246810";

/// The plain kiosk on a dumb terminal: no `--plain` given.
fn plain_kiosk(env: &Env) -> Tui {
    Tui::spawn_in(env, &["kiosk"], &["--device", "pty-plain"], (100, 50), &[("TERM", "dumb")])
}

/// Types `line` and Enter, then waits for `text` in what is written after it.
pub(crate) fn answer(kiosk: &mut Tui, line: &str, text: &str) -> String {
    let from = kiosk.output().len();
    kiosk.send(&format!("{line}\r"));
    kiosk.wait_for_text_after(from, text)
}

/// Answers 4 (critical) and returns what is said after its echo, up to `last` (the rest of the
/// question before may still arrive after the answer is sent).
fn critical_answer(kiosk: &mut Tui, last: &str) -> String {
    let from = kiosk.output().len();
    kiosk.send("4\r");
    let written = format!("\r\n{}", kiosk.wait_for_text_after(from, last));
    written.split_once("\r\n4\r\n").map_or(written.clone(), |(_, after)| after.to_string())
}

/// Runs `docs/plain-speech.sh` on `text`: Ok, or why not; None when espeak-ng is missing.
pub(crate) fn speech_check(text: &str, lang: &str) -> Option<Result<(), String>> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("crisis.txt");
    std::fs::write(&file, text).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/plain-speech.sh");
    let out = Command::new("sh").arg(script).arg(&file).arg(lang).output().expect("run docs/plain-speech.sh");
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    match out.status.code() {
        Some(0) => Some(Ok(())),
        Some(77) => None,
        _ => Some(Err(said)),
    }
}

/// espeak-ng must be there on CI (`.ci/run` installs it); elsewhere its absence skips the check.
pub(crate) fn require_speech(result: Option<Result<(), String>>) {
    match result {
        Some(Ok(())) => {}
        Some(Err(why)) => panic!("the crisis text does not read well:\n{why}"),
        None if std::env::var("CI").is_ok_and(|v| v == "true") => panic!("espeak-ng is missing on CI"),
        None => eprintln!("SKIPPED: the speech check (espeak-ng is not installed: apt-get install espeak-ng)"),
    }
}

#[test]
fn a_plain_kiosk_screening_with_a_critical_answer_sends_no_escape_and_alerts_staff() {
    let env = Env::initialised_with("QC", "");
    env.ok(&["kiosk-pin", "--user", ADMIN, "--password-stdin"], &format!("{ADMIN_PW}\n{PIN}\n"));
    let mut staff = env.tui(&[], 100, 30);
    staff.login(NURSE, NURSE_PW);

    let mut kiosk = plain_kiosk(&env);
    kiosk.wait_for_text_after(0, "For English, type 1, then press Enter.");
    answer(&mut kiosk, "1", "Check-in code");
    answer(&mut kiosk, "", "Do you agree to answer the questions?");
    answer(&mut kiosk, "1", "How old are you?");
    // Each wait is for the last line of what is said, so that it has all arrived.
    let first = answer(&mut kiosk, "34", "4: Nearly every day");
    assert!(first.contains("Question 1 of") && first.contains("1: Not at all"), "numbered choices:\n{first}");
    // "r" repeats, "?" lists, a wrong number is named.
    assert!(answer(&mut kiosk, "r", "4: Nearly every day").contains("Question 1 of"));
    answer(&mut kiosk, "?", "r repeats the question");
    answer(&mut kiosk, "7", "7 is not one of the choices");
    for next in 2..=8 {
        let said = answer(&mut kiosk, "1", "The choices are the same as before, 1 to 4.");
        assert!(said.contains(&format!("Question {next} of")), "{said}");
        assert!(!said.contains("Not at all"), "the same choices are not said again:\n{said}");
    }
    // The risk item has one more choice: the list is said again, with it.
    let item9 = answer(&mut kiosk, "1", "5: Prefer not to answer");
    assert!(item9.contains("Question 9 of") && item9.contains("1: Not at all"), "{item9}");
    let from = kiosk.output().len();
    let crisis = critical_answer(&mut kiosk, "The staff have been told.");
    assert!(crisis.starts_with("Please speak to the staff at the desk now\r\n"), "read first:\n{crisis}");
    assert!(crisis.contains("call 9 1 1.") && crisis.contains("Call or text 9 8 8"), "{crisis}");
    assert!(crisis.contains("5 3 5 3 5 3"), "Quebec's line from the catalog, digit by digit:\n{crisis}");

    // Staff signed in elsewhere are alerted.
    staff.wait_for("CRITICAL ALERT");

    // The crisis page stays; the PIN over it is staff taking over: the kiosk wipes and starts
    // over, and a second PIN closes it.
    kiosk.send("\x05");
    kiosk.wait_for_text_after(from, "Enter the kiosk PIN");
    let after_crisis = kiosk.output().len();
    answer(&mut kiosk, PIN, "For English, type 1");
    let welcome = String::from_utf8_lossy(&kiosk.output()[after_crisis..]).into_owned();
    assert!(!welcome.contains("Question") && !welcome.contains("9 8 8"), "nothing of the client:\n{welcome}");
    kiosk.send("\x05");
    kiosk.wait_for_text_after(after_crisis, "Enter the kiosk PIN");
    kiosk.send(&format!("{PIN}\r"));
    assert!(kiosk.wait_exit(support::DEADLINE).is_some(), "the PIN closes the kiosk");

    let output = kiosk.output();
    let text = String::from_utf8_lossy(&output);
    assert!(!output.contains(&0x1b), "no escape byte at all on a dumb terminal:\n{text}");
    let boxes: Vec<char> = text.chars().filter(|c| ('\u{2500}'..='\u{257F}').contains(c)).collect();
    assert!(boxes.is_empty(), "box drawing {boxes:?}:\n{text}");
    assert!(text.contains("******"), "the PIN is echoed as stars");
    assert!(!text.contains(PIN), "the PIN never shows");

    let spoken: String = crisis.split("\r\n").filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n");
    eprintln!("the crisis page as said:\n{spoken}");
    require_speech(speech_check(&spoken, "en"));
}

#[test]
fn plain_mode_is_chosen_by_the_flag_and_by_triage_plain() {
    let env = Env::initialised();
    for (args, vars) in [
        (&["--plain"][..], &[("TERM", "xterm-256color")][..]),
        (&[][..], &[("TERM", "xterm-256color"), ("TRIAGE_PLAIN", "1")][..]),
    ] {
        let kiosk = Tui::spawn_in(&env, &["kiosk"], args, (100, 40), vars);
        let said = kiosk.wait_for_text_after(0, "For English, type 1, then press Enter.");
        assert!(!said.contains('\u{1b}'), "no escape before the first client's wipe:\n{said}");
    }
}

/// Issue 17: bytes sent per answered item, plain mode against the full-screen kiosk (80 x 24),
/// over PHQ-9 items 2 to 8 (the same choices each time; item 9 adds "prefer not to answer"). Printed for the README; plain
/// mode must stay under 300 bytes an item.
#[test]
fn plain_mode_sends_under_300_bytes_per_answered_item() {
    let env = Env::initialised();
    let mut plain = plain_kiosk(&env);
    plain.wait_for_text_after(0, "For English, type 1");
    answer(&mut plain, "1", "Check-in code");
    answer(&mut plain, "", "Do you agree");
    answer(&mut plain, "1", "How old are you?");
    answer(&mut plain, "34", "4: Nearly every day");
    let start = plain.output().len();
    for next in 2..=8 {
        let said = answer(&mut plain, "1", "The choices are the same as before, 1 to 4.");
        assert!(said.contains(&format!("Question {next} of")), "{said}");
    }
    let plain_per_item = (plain.output().len() - start) / 7;
    drop(plain);

    let mut full = env.kiosk(&["--device", "pty-full"], 80, 24);
    full.wait_for("Welcome");
    full.step("1", &["Check-in code"]);
    full.step("\r", &["Do you agree"]);
    full.step("1", &["How old are you"]);
    full.step("34\r", &["Question 1 of"]);
    let start = full.bytes_read();
    for next in 2..=8 {
        full.step("1", &[&format!("Question {next} of")]);
    }
    let full_per_item = (full.bytes_read() - start) / 7;
    eprintln!("bytes per answered item: plain {plain_per_item} B, full-screen {full_per_item} B (80 x 24)");
    assert!(plain_per_item < 300, "plain mode sends {plain_per_item} B per item");
    assert!(plain_per_item < full_per_item, "plain {plain_per_item} B, full-screen {full_per_item} B");
}

/// The same in French: the crisis page read first, its numbers digit by digit as espeak-ng's
/// French voice reads them, and no symbol read aloud.
#[test]
fn a_french_plain_crisis_page_reads_its_numbers_digit_by_digit() {
    let env = Env::initialised_with("QC", crate::kiosk_french::FRENCH_BUNDLE);
    env.ok(
        &["settings", "set", "--asq", "after-phq9-item9", "--user", ADMIN, "--password-stdin"],
        &format!("{ADMIN_PW}\n"),
    );
    let mut kiosk =
        Tui::spawn_in(&env, &["kiosk"], &["--plain", "--bundle", "phq9-fr"], (100, 50), &[("TERM", "xterm")]);
    kiosk.wait_for_text_after(0, "Pour le français, tapez 2, puis appuyez sur Entrée.");
    answer(&mut kiosk, "2", "Code d'accueil");
    answer(&mut kiosk, "", "Acceptez-vous de répondre aux questions ?");
    answer(&mut kiosk, "1", "Quel âge avez-vous ?");
    let first = answer(&mut kiosk, "34", "4 : Presque tous les jours");
    assert!(first.contains("Question 1 sur 9") && first.contains("1 : Jamais"), "French typography:\n{first}");
    for next in 2..=9 {
        answer(&mut kiosk, "1", &format!("Question {next} sur 9"));
    }
    kiosk.wait_for_text_after(0, "5 : Je préfère ne pas répondre");
    let crisis = critical_answer(&mut kiosk, "Le personnel a été prévenu.");
    assert!(crisis.starts_with("Veuillez parler au personnel de l'accueil maintenant\r\n"), "{crisis}");
    assert!(crisis.contains("composez le 9 1 1.") && crisis.contains("textez le 9 8 8"), "{crisis}");
    assert!(!kiosk.output().contains(&0x1b), "no escape before the first wipe, even with TERM=xterm");
    let spoken: String = crisis.split("\r\n").filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n");
    require_speech(speech_check(&spoken, "fr"));
}
