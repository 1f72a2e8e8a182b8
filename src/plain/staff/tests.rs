//! The staff interface read line by line, on the interface's own states: typed lines become
//! the actions the full-screen keys send, and the speaker says each thing once, the crisis
//! protocol first.

use super::*;
use crate::instrument::Lang;
use crate::tui::app::{Effect, Status, update};
use crate::tui::backend::QueueEntry;
use crate::tui::screens::fixtures;
use crate::tui::view::test_support::{care, library};

const TODAY: &str = "2026-11-25";

fn deps() -> Deps<'static> {
    Deps { library: library(), care: care(), today: TODAY }
}

/// Applies what `line` asks for, as the shell does; returns the effects.
fn typed(app: &mut App, line: &str) -> Vec<Effect> {
    let Command::Keys(keys) = command(app, deps(), line) else { panic!("{line:?} is not keys here") };
    keys.into_iter().flat_map(|key| update(app, key, library(), care(), TODAY)).collect()
}

fn entry(name: &str, critical: bool) -> QueueEntry {
    QueueEntry {
        encounter: name.to_lowercase(),
        client: format!("c-{name}"),
        client_name: name.into(),
        kiosk: false,
        critical,
        urgent: false,
        incomplete: false,
        updated: "2026-11-25T09:10:00Z".into(),
        open_by: None,
    }
}

fn queue(lang: Lang, entries: Vec<QueueEntry>) -> App {
    let mut app = fixtures::signed_in(lang);
    let org = app.org.clone().unwrap();
    app.screen = Screen::Home { entries: Vec::new(), selected: 0 };
    update(&mut app, Action::HomeLoaded(Ok((org, entries))), library(), care(), TODAY);
    app
}

#[test]
fn a_queue_line_opens_an_entry_and_a_letter_with_a_number_acts_on_that_entry() {
    let app = queue(Lang::En, vec![entry("Ana", false), entry("Ben", true), entry("Cy", false)]);
    let said = Speaker::default().update(&app, deps());
    // Critical first, as the queue sorts it; times as clock times in the organisation's zone
    // (Halifax), which do not change as time passes.
    assert!(said.contains(&"1: CRITICAL, Ben, in progress, 2026-11-25 05:10".to_string()), "{said:#?}");
    assert_eq!(command(&app, deps(), "2"), Command::Keys(vec![Action::Down, Action::Submit]));
    assert_eq!(command(&app, deps(), "h 3"), Command::Keys(vec![Action::Down, Action::Down, Action::Letter('h')]));
    assert_eq!(command(&app, deps(), "n"), Command::Keys(vec![Action::Letter('n')]));
    assert!(matches!(command(&app, deps(), "4"), Command::Refused(text) if text.contains("1 to 3")));
    assert_eq!(command(&app, deps(), "r"), Command::Repeat);
    assert_eq!(command(&app, deps(), "?"), Command::Help);
    let letters = said.last().unwrap();
    assert!(letters.contains("n new intake") && !letters.contains("r refresh"), "r is plain mode's repeat: {letters}");
    assert!(letters.contains("h history, f search clients"), "a letter, not a sign: {letters}");
}

#[test]
fn an_unchanged_queue_says_nothing_and_a_new_entry_only_its_lines() {
    let mut app = queue(Lang::Fr, vec![entry("Ana", false)]);
    let mut speaker = Speaker::default();
    let first = speaker.update(&app, deps());
    assert!(first.iter().any(|l| l.starts_with("Lettres : n nouvel accueil")), "{first:#?}");
    let later = app.now_ms + 3_600_000;
    app.last_activity_ms = later;
    update(&mut app, Action::Tick(later), library(), care(), TODAY);
    assert!(speaker.update(&app, deps()).is_empty(), "an hour later, nothing new to say");
    let org = app.org.clone().unwrap();
    update(
        &mut app,
        Action::HomeLoaded(Ok((org, vec![entry("Ana", false), entry("Zoé", false)]))),
        library(),
        care(),
        TODAY,
    );
    let news = speaker.update(&app, deps());
    assert_eq!(news, ["Accueils dans la liste : 2.", "2 : Zoé, en cours, 2026-11-25 5 h 10"]);
}

#[test]
fn the_crisis_protocol_is_read_first_with_its_lines_digit_by_digit() {
    let mut app = fixtures::intake(Lang::En, &[0, 0, 0, 0, 0, 0, 0, 0]);
    app.screen = Screen::Questionnaire;
    let mut speaker = Speaker::default();
    speaker.update(&app, deps());
    let effects = typed(&mut app, "4");
    assert!(effects.iter().any(|e| matches!(e, Effect::RaiseFlag { .. })), "the flag is raised at once: {effects:?}");
    app.status = Some(Status::Note(Text::DecisionSaved, None));
    let said = speaker.update(&app, deps());
    assert_eq!(said[0], Text::CrisisTitle.get(Lang::En), "{said:#?}");
    assert_eq!(said.last(), Some(&"Decision saved".to_string()), "other news after it");
    let spoken = said.join("\n");
    assert!(spoken.contains("9 8 8") && !spoken.contains("988"), "{spoken}");
    // "3 a note": the action and its note, recorded at once.
    let recorded = typed(&mut app, "3 on-call clinician with the client");
    let [Effect::RecordCrisis { action, note, .. }] = &recorded[..] else { panic!("{recorded:?}") };
    assert_eq!((action.as_str(), note.as_str()), ("clinician_present", "on-call clinician with the client"));
    assert!(matches!(command(&app, deps(), "x"), Command::Refused(_)), "nothing else leaves the protocol");
}

#[test]
fn a_password_is_typed_character_by_character_and_never_read_as_a_command() {
    let mut app = App::new(Lang::En, 0);
    update(&mut app, Action::SetupChecked(Ok(false)), library(), care(), TODAY);
    typed(&mut app, "nurse");
    assert!(secret(&app), "the password field is in front");
    let Command::Keys(keys) = command(&app, deps(), "r") else { panic!("r is a password here") };
    assert_eq!(keys, [Action::ClearField, Action::Input('r'), Action::Submit]);
    let effects = typed(&mut app, "a long password");
    let [Effect::Login { user, password }] = &effects[..] else { panic!("{effects:?}") };
    assert_eq!((user.as_str(), password.as_str()), ("nurse", "a long password"));
}

#[test]
fn a_question_takes_its_number_and_enter_alone_keeps_the_answer() {
    let mut app = fixtures::intake(Lang::Fr, &[]);
    app.screen = Screen::Questionnaire;
    let said = Speaker::default().update(&app, deps());
    assert!(said.iter().any(|l| l == "1 : Jamais"), "the French instrument's own options: {said:#?}");
    assert!(matches!(command(&app, deps(), "5"), Command::Refused(t) if t.contains("5 ne fait pas partie des choix")));
    let effects = typed(&mut app, "2");
    assert!(matches!(&effects[..], [Effect::SaveAnswer { answer, .. }] if answer.position == 1), "{effects:?}");
    typed(&mut app, "b");
    assert!(Speaker::default().update(&app, deps()).iter().any(|l| l.contains("Réponse actuelle : 2")));
    assert!(matches!(&typed(&mut app, "")[..], [Effect::SaveAnswer { answer, .. }] if answer.position == 1));
}
