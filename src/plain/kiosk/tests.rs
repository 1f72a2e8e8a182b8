//! The plain kiosk's pure part: pages said once, typed lines as kiosk keys, the crisis page
//! first with its numbers digit by digit, the idle warning once, no escape or box character.

use secrecy::SecretString;

use super::*;
use crate::kiosk::app::{Action, Deps, PinError, RedeemError, SubmitError};
use crate::kiosk::backend::KioskBackend;
use crate::kiosk::shell::dispatch;
use crate::kiosk::tests::{care, library};
use crate::store::crypto::OrgKeyPair;
use crate::store::kiosk::{KioskInfo, SubmissionProgress};
use crate::store::{RecordId, ScoringContext};
use crate::ui::error::BackendError;

const T0: i64 = 1_800_000_000_000;

/// An owner that takes every box.
struct Owner {
    key: OrgKeyPair,
}

impl KioskBackend for Owner {
    fn connect(&mut self) -> Result<KioskInfo, BackendError> {
        Ok(KioskInfo {
            organisation: "Clinique Test".into(),
            province: crate::triage::vocab::Province::Qc,
            crisis_text: crate::store::Settings::default().crisis_text,
            crisis_text_fr: None,
            submission_public_key: hex::encode(self.key.public_key()),
            kiosk_timeout_seconds: 120,
            pin_set: true,
            asq_mode: Default::default(),
            time_zone: None,
        })
    }

    fn redeem(&mut self, _code: &str) -> Result<(RecordId, ScoringContext), RedeemError> {
        Err(RedeemError::Refused)
    }

    fn submit(
        &mut self,
        _id: RecordId,
        _sealed: &[u8],
        _critical: bool,
        _checkin: Option<RecordId>,
        _progress: SubmissionProgress,
    ) -> Result<(), SubmitError> {
        Ok(())
    }

    fn verify_pin(&mut self, _pin: &SecretString) -> Result<(), PinError> {
        Err(PinError::Wrong)
    }
}

/// A connected kiosk giving the adult-core bundle, a speaker, and what it said at start.
struct Run {
    kiosk: Kiosk,
    owner: Owner,
    speaker: Speaker,
}

impl Run {
    fn new() -> (Run, Vec<String>) {
        let instruments = library().bundle("adult-core").expect("bundle").instruments.clone();
        let kiosk = Kiosk::new("adult-core", instruments, Lang::En, None, T0);
        let mut run = Run { kiosk, owner: Owner { key: OrgKeyPair::generate() }, speaker: Speaker::default() };
        let deps = Deps { library: library(), care: care() };
        let info = run.owner.connect();
        let _ = run.kiosk.start();
        dispatch(&mut run.kiosk, Action::Connected(info), &deps, &mut run.owner);
        let said = run.speaker.update(&run.kiosk, library());
        (run, said)
    }

    /// Types `line` and Enter; returns what is said after it.
    fn line(&mut self, line: &str) -> Vec<String> {
        let deps = Deps { library: library(), care: care() };
        match command(&self.kiosk, library(), line) {
            Command::Keys(keys) => {
                for key in keys {
                    dispatch(&mut self.kiosk, Action::Key(key), &deps, &mut self.owner);
                }
                self.speaker.update(&self.kiosk, library())
            }
            Command::Repeat => self.speaker.repeat(&self.kiosk, library()),
            Command::Help => help(&self.kiosk, library()),
            Command::Refused(text) => vec![text],
        }
    }

    fn tick(&mut self, ms: i64) -> Vec<String> {
        let deps = Deps { library: library(), care: care() };
        dispatch(&mut self.kiosk, Action::Tick(T0 + ms), &deps, &mut self.owner);
        self.speaker.update(&self.kiosk, library())
    }

    /// Welcome, English, no code, consent, no age: PHQ-9's first item.
    fn begin(&mut self) -> Vec<String> {
        self.line("1");
        self.line("");
        self.line("1");
        self.line("")
    }
}

fn joined(lines: &[String]) -> String {
    lines.join("\n")
}

#[test]
fn the_welcome_is_said_in_both_languages_with_numbered_choices() {
    let (_, said) = Run::new();
    let text = joined(&said);
    assert!(text.contains("Welcome") && text.contains("Bienvenue"), "{text}");
    assert!(said.contains(&"1: English".to_string()) && said.contains(&"2 : Français".to_string()), "{text}");
    assert!(text.contains("For English, type 1, then press Enter."), "{text}");
}

#[test]
fn a_question_is_said_once_and_the_next_says_only_what_is_new() {
    let (mut run, _) = Run::new();
    let first = run.begin();
    let text = joined(&first);
    assert!(text.contains("Question 1 of"), "{text}");
    assert!(first.contains(&"1: Not at all".to_string()), "{text}");
    assert!(text.contains("Type a number from 1 to 4, then press Enter."), "{text}");
    let timeframe = first.iter().find(|l| l.contains("2 weeks")).cloned().expect("PHQ-9's time frame");

    let second = run.line("1");
    let text = joined(&second);
    assert!(text.contains("Question 2 of"), "{text}");
    assert!(text.contains("The choices are the same as before, 1 to 4."), "{text}");
    assert!(!second.contains(&timeframe), "the time frame is not said again:\n{text}");
    assert!(!text.contains("Not at all"), "the same choices are not listed again:\n{text}");

    // Repeating says the whole question, choices included; going back says the first again.
    let again = joined(&run.line("r"));
    assert!(again.contains("Question 2 of") && again.contains("1: Not at all"), "{again}");
    let back = joined(&run.line("b"));
    assert!(back.contains("Question 1 of") && back.contains("Your answer now: 1."), "{back}");
}

#[test]
fn typed_lines_become_the_keys_the_full_kiosk_takes() {
    let (mut run, _) = Run::new();
    let lib = library();
    assert_eq!(command(&run.kiosk, lib, "2"), Command::Keys(vec![KioskKey::Digit(2)]));
    assert!(matches!(command(&run.kiosk, lib, "3"), Command::Refused(_)));
    assert_eq!(command(&run.kiosk, lib, "?"), Command::Help);
    assert_eq!(command(&run.kiosk, lib, " r "), Command::Repeat);
    run.begin();
    assert_eq!(command(&run.kiosk, lib, "4"), Command::Keys(vec![KioskKey::Digit(4)]));
    assert_eq!(command(&run.kiosk, lib, ""), Command::Keys(vec![KioskKey::Enter]));
    assert_eq!(command(&run.kiosk, lib, "b"), Command::Keys(vec![KioskKey::Back]));
    let Command::Refused(text) = command(&run.kiosk, lib, "5") else { panic!("5 is not a PHQ-9 choice") };
    assert_eq!(text, "5 is not one of the choices. Type a number from 1 to 4, then press Enter.");
    let help = joined(&help(&run.kiosk, lib));
    assert!(help.contains("4: Nearly every day") && help.contains("r repeats the question"), "{help}");
}

#[test]
fn the_age_and_a_code_are_typed_as_a_line() {
    let (mut run, _) = Run::new();
    run.line("1");
    let lib = library();
    let keys = command(&run.kiosk, lib, "ab-12");
    let expected =
        [KioskKey::Char('a'), KioskKey::Char('b'), KioskKey::Char('-'), KioskKey::Digit(1), KioskKey::Digit(2)];
    assert_eq!(keys, Command::Keys(expected.into_iter().chain([KioskKey::Enter]).collect()));
    run.line("");
    run.line("1");
    assert_eq!(
        command(&run.kiosk, lib, "34"),
        Command::Keys(vec![KioskKey::Digit(3), KioskKey::Digit(4), KioskKey::Enter])
    );
    assert!(matches!(command(&run.kiosk, lib, "old"), Command::Refused(_)));
}

#[test]
fn a_critical_answer_is_followed_by_the_crisis_page_first_with_numbers_digit_by_digit() {
    let (mut run, _) = Run::new();
    run.begin();
    for _ in 0..8 {
        run.line("1");
    }
    let said = run.line("4");
    assert_eq!(run.kiosk.screen, Screen::Crisis);
    assert_eq!(said[0], "Please speak to the staff at the desk now", "the crisis page is read first");
    let text = joined(&said);
    assert!(text.contains("call 9 1 1."), "{text}");
    assert!(text.contains("Call or text 9 8 8 at any time"), "{text}");
    // Quebec's line from the catalog, its numbers spelled and its hours in words.
    assert!(text.contains("5 3 5 3 5 3"), "{text}");
    assert!(text.contains("at any time, day or night"), "{text}");
    assert!(!text.contains("9-8-8") && !text.contains("24/7") && !text.contains('·'), "{text}");
    assert!(text.contains("The staff have been told."), "{text}");
    // Nothing more is said while the page waits for staff.
    assert_eq!(run.tick(3_500), Vec::<String>::new());
    let again = run.line("1");
    assert_eq!(again, vec!["Please stay here: this screen stays until a member of staff comes.".to_string()]);
}

#[test]
fn the_idle_warning_is_said_once_before_the_reset() {
    let (mut run, _) = Run::new();
    run.begin();
    assert_eq!(run.tick(30_000), Vec::<String>::new(), "nothing while idle");
    let warning = run.tick(61_000);
    assert_eq!(warning.len(), 1, "{warning:?}");
    assert!(warning[0].starts_with("Are you still there? This screen will start over in"), "{warning:?}");
    assert_eq!(run.tick(62_000), Vec::<String>::new(), "said once, not counted down");
    let reset = joined(&run.tick(121_000));
    assert!(reset.contains("Welcome"), "{reset}");
}

#[test]
fn no_page_holds_an_escape_or_a_box_drawing_character() {
    let (mut run, mut said) = Run::new();
    for line in ["1", "", "1", "", "1", "1", "1", "1", "1", "1", "1", "1", "4", "?"] {
        said.extend(run.line(line));
    }
    let text = joined(&said);
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(!text.chars().any(|c| ('\u{2500}'..='\u{257F}').contains(&c)), "{text}");
}
