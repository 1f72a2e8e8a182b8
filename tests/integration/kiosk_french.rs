//! Issue 13, "done when": a kiosk run in French, end to end on the real binary in a
//! pseudo-terminal, shows no English word outside proper names. Two clients on a kiosk of a
//! Quebec organisation giving a bundle of French instruments only (PHQ-9, a risk screen): the
//! first answers item 9 "Presque tous les jours" and reaches the crisis screen; the second
//! answers "Jamais" throughout and reaches the thank-you screen. Every screen drawn on the way is
//! read for English marker words.

use crate::support;

use support::{ADMIN, ADMIN_PW, ENTER, Env, Tui};

/// A risk-screen bundle of the instruments that have validated French text.
pub(crate) const FRENCH_BUNDLE: &str = "\n[[bundles]]\nid = \"phq9-fr\"\ninstruments = [\"phq9\"]\nrisk_screen = true\nlabel = { en = \"PHQ-9\", fr = \"PHQ-9\" }\n";

/// Words of English interface text that French has no use for (checked as whole words, case
/// kept: "Question" and "question" are French too, so they are not here).
const ENGLISH_MARKERS: &[&str] = &[
    "the",
    "The",
    "and",
    "you",
    "You",
    "your",
    "Your",
    "Press",
    "press",
    "Next",
    "Back",
    "back",
    "Thank",
    "thank",
    "answer",
    "answers",
    "Answer",
    "crisis",
    "Crisis",
    "help",
    "Help",
    "Not at all",
    "Several days",
    "Nearly every day",
    "Enter",
    "text",
    "Welcome",
    "please",
    "Please",
    "Yes",
    "No",
    "of",
    "is",
    "are",
    "to",
    "call",
    "Call",
    "now",
    "staff",
    "Saving",
    "quick exit",
    "continue",
    "skip",
    "previous",
    "Check-in",
];

/// Proper names that may stand in French text as they are.
const PROPER_NAMES: &[&str] =
    &[support::ORG, "PHQ-9", "9-8-8", "9-1-1", "Kids Help Phone", "Talk Suicide", "Info-Social"];

/// The English marker words on `screen`, once the proper names are taken out.
fn english_words(screen: &str) -> Vec<&'static str> {
    let mut text = screen.to_string();
    for name in PROPER_NAMES {
        text = text.replace(name, " ");
    }
    let words: Vec<&str> = text.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\'')).collect();
    ENGLISH_MARKERS
        .iter()
        .copied()
        .filter(|marker| {
            let parts: Vec<&str> = marker.split(' ').collect();
            words.windows(parts.len()).any(|window| window == parts.as_slice())
        })
        .collect()
}

/// Types `keys`, waits for `texts`, and checks the screen for English.
fn step(kiosk: &mut Tui, keys: &str, texts: &[&str]) -> String {
    let screen = kiosk.step(keys, texts);
    let english = english_words(&screen);
    assert!(english.is_empty(), "English words {english:?} after {keys:?}:\n{screen}");
    screen
}

/// A French-speaking client up to PHQ-9's first item: language, no check-in code, consent, age.
pub(crate) fn begin_in_french(kiosk: &mut Tui) {
    let welcome = kiosk.wait_for("Appuyez sur 2 pour le français");
    // The welcome screen offers both languages, each in its own words; only the French line is read.
    assert!(welcome.contains("Press 1 for English"), "{welcome}");
    step(kiosk, "2", &["Code d'accueil", "Entrée"]);
    step(kiosk, ENTER, &["Acceptez-vous de répondre aux questions ?"]);
    step(kiosk, "1", &["Quel âge avez-vous ?"]);
    step(kiosk, "34\r", &["Question 1 sur 9", "Jamais", "Plusieurs jours"]);
}

#[test]
fn a_french_kiosk_run_shows_no_english_outside_proper_names() {
    let env = Env::initialised_with("QC", FRENCH_BUNDLE);
    // The ASQ (English only today) only as item 9's follow-up, so that the second client meets none.
    env.ok(
        &["settings", "set", "--asq", "after-phq9-item9", "--user", ADMIN, "--password-stdin"],
        &format!("{ADMIN_PW}\n"),
    );

    // The first client: item 9 "Presque tous les jours" is critical; the crisis screen stays.
    let mut kiosk = env.kiosk(&["--device", "pty-fr", "--bundle", "phq9-fr"], 100, 40);
    begin_in_french(&mut kiosk);
    for next in 2..=9 {
        step(&mut kiosk, "1", &[&format!("Question {next} sur 9")]);
    }
    let crisis = step(&mut kiosk, "4", &["Veuillez parler au personnel", "Le personnel a été prévenu"]);
    assert!(crisis.contains("Ligne d'aide en cas de crise de suicide"), "{crisis}");
    assert!(crisis.contains("texto 535353"), "the Quebec line's text number in French:\n{crisis}");
    drop(kiosk);

    // The second client: "Jamais" throughout, then thanks. PHQ-9's optional, unscored
    // difficulty question has no validated French wording, so the French form leaves it out:
    // every screen of the run is French.
    let mut kiosk = env.kiosk(&["--device", "pty-fr", "--bundle", "phq9-fr"], 100, 40);
    begin_in_french(&mut kiosk);
    for next in 2..=9 {
        step(&mut kiosk, "1", &[&format!("Question {next} sur 9")]);
    }
    let thanks = step(&mut kiosk, "1", &["Merci", "Vos réponses ont été transmises"]);
    assert!(thanks.contains("appelez ou textez le 9-8-8"), "{thanks}");
}

#[test]
fn the_check_finds_english_and_lets_proper_names_through() {
    assert_eq!(english_words("Thank you: Press Enter."), vec!["you", "Press", "Thank", "Enter"]);
    assert_eq!(english_words("1  Not at all"), vec!["Not at all"]);
    assert_eq!(english_words("Jeunesse, J'écoute (Kids Help Phone) · 9-8-8"), Vec::<&str>::new());
    assert_eq!(english_words("Question 2 sur 10 · question précédente · Entrée"), Vec::<&str>::new());
}
