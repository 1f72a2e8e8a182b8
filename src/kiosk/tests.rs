//! The kiosk's pure core: lockdown keys, idle reset with an injected clock, the sealed
//! submission, crisis, check-in codes, a lost owner, quick exit; and snapshots of every screen.

use std::collections::VecDeque;
use std::sync::OnceLock;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use secrecy::{ExposeSecret, SecretString};

use super::app::*;
use super::backend::KioskBackend;
use super::keys::kiosk_key;
use super::shell::dispatch;
use super::view::{KioskView, draw};
use crate::instrument::{Lang, Library};
use crate::intake::care::Care;
use crate::store::RecordId;
use crate::store::ScoringContext;
use crate::store::crypto::OrgKeyPair;
use crate::store::kiosk::{KioskInfo, KioskIntake, SubmissionProgress};
use crate::ui::error::{BackendError, ErrorKind};
use crate::ui::strings::Text;
use crate::ui::theme::Theme;

const T0: i64 = 1_800_000_000_000;

pub(crate) fn library() -> &'static Library {
    static LIBRARY: OnceLock<Library> = OnceLock::new();
    LIBRARY.get_or_init(Library::shipped)
}

pub(crate) fn care() -> &'static Care {
    static CARE: OnceLock<Care> = OnceLock::new();
    CARE.get_or_init(|| Care::shipped(library()).expect("shipped catalog"))
}

fn keys() -> &'static OrgKeyPair {
    static KEYS: OnceLock<OrgKeyPair> = OnceLock::new();
    KEYS.get_or_init(OrgKeyPair::generate)
}

fn deps() -> Deps<'static> {
    Deps { library: library(), care: care() }
}

fn info(province: crate::store::Province, timeout_seconds: u32) -> KioskInfo {
    KioskInfo {
        organisation: "Clinique Test".into(),
        province,
        crisis_text: crate::store::Settings::default().crisis_text,
        crisis_text_fr: None,
        time_zone: None,
        submission_public_key: hex::encode(keys().public_key()),
        kiosk_timeout_seconds: timeout_seconds,
        pin_set: true,
        asq_mode: Default::default(),
    }
}

/// An owner in memory: records what it was sent; can be down.
struct Fake {
    up: bool,
    province: crate::store::Province,
    /// The organisation's `kiosk_timeout_seconds`.
    timeout_seconds: u32,
    submitted: Vec<(RecordId, Vec<u8>, bool, Option<RecordId>)>,
    /// The progress sent with each box, beside `submitted`.
    progress: Vec<SubmissionProgress>,
    /// Submission ids staff have claimed: further boxes are refused as claimed.
    claimed: Vec<RecordId>,
    redeem: VecDeque<Result<(RecordId, ScoringContext), RedeemError>>,
    pins: Vec<String>,
    /// The organisation's time zone (none: UTC).
    time_zone: Option<&'static str>,
}

impl Fake {
    fn new() -> Fake {
        Fake {
            up: true,
            province: crate::store::Province::Qc,
            timeout_seconds: 120,
            submitted: vec![],
            progress: vec![],
            claimed: vec![],
            redeem: VecDeque::new(),
            pins: vec![],
            time_zone: None,
        }
    }

    /// The last box received, opened.
    fn last(&self) -> KioskIntake {
        self.opened(self.submitted.len() - 1)
    }

    fn opened(&self, index: usize) -> KioskIntake {
        let plain = keys().unseal(&self.submitted[index].1).expect("opens with the organisation's key");
        serde_json::from_slice(&plain).expect("an intake")
    }
}

impl KioskBackend for Fake {
    fn connect(&mut self) -> Result<KioskInfo, BackendError> {
        if self.up {
            Ok(KioskInfo { time_zone: self.time_zone.map(String::from), ..info(self.province, self.timeout_seconds) })
        } else {
            Err(BackendError::new(ErrorKind::OwnerUnreachable, "no owner"))
        }
    }

    fn redeem(&mut self, _code: &str) -> Result<(RecordId, ScoringContext), RedeemError> {
        if !self.up {
            return Err(RedeemError::Unavailable(BackendError::new(ErrorKind::OwnerUnreachable, "no owner")));
        }
        self.redeem.pop_front().unwrap_or(Err(RedeemError::Refused))
    }

    fn submit(
        &mut self,
        id: RecordId,
        sealed: &[u8],
        critical: bool,
        checkin: Option<RecordId>,
        progress: SubmissionProgress,
    ) -> Result<(), SubmitError> {
        if !self.up {
            return Err(SubmitError::Failed(BackendError::new(ErrorKind::OwnerUnreachable, "no owner")));
        }
        if self.claimed.contains(&id) {
            return Err(SubmitError::Claimed);
        }
        // Like the owner: the same box again (or an older one) changes nothing.
        let last = self.submitted.iter().zip(&self.progress).rev().find(|((i, ..), _)| *i == id);
        if last.is_some_and(|(_, p)| p.seq >= progress.seq) {
            return Ok(());
        }
        self.submitted.push((id, sealed.to_vec(), critical, checkin));
        self.progress.push(progress);
        Ok(())
    }

    fn verify_pin(&mut self, pin: &SecretString) -> Result<(), PinError> {
        self.pins.push(pin.expose_secret().to_string());
        if !self.up {
            return Err(PinError::Unavailable(BackendError::new(ErrorKind::OwnerUnreachable, "no owner")));
        }
        if pin.expose_secret() == "246810" { Ok(()) } else { Err(PinError::Wrong) }
    }
}

struct Run {
    kiosk: Kiosk,
    fake: Fake,
    cleared: usize,
    exited: bool,
}

impl Run {
    fn new(fake: Fake) -> Run {
        let instruments = library().bundle("adult-core").expect("bundle").instruments.clone();
        let mut kiosk = Kiosk::new("adult-core", instruments, Lang::En, None, T0);
        let mut fake = fake;
        let mut run =
            Run { kiosk: Kiosk::new("x", vec![], Lang::En, None, T0), fake: Fake::new(), cleared: 0, exited: false };
        for effect in kiosk.start() {
            if let super::shell::Outcome::Reply(reply) = super::shell::perform(effect, &mut fake) {
                dispatch(&mut kiosk, reply, &deps(), &mut fake);
            }
        }
        run.kiosk = kiosk;
        run.fake = fake;
        run
    }

    fn act(&mut self, action: Action) {
        let (clear, exit) = dispatch(&mut self.kiosk, action, &deps(), &mut self.fake);
        self.cleared += usize::from(clear);
        self.exited |= exit;
    }

    fn key(&mut self, key: KioskKey) {
        self.act(Action::Key(key));
    }

    fn at(&mut self, ms: i64) {
        self.act(Action::Tick(T0 + ms));
    }

    fn digits(&mut self, digits: &[u8]) {
        for d in digits {
            self.key(KioskKey::Digit(*d));
        }
    }

    /// Welcome -> language -> no code -> consent -> age skipped.
    fn begin(&mut self, lang: u8) {
        self.begin_at_age(lang, None);
    }

    /// Welcome -> language -> no code -> consent -> the age typed (or skipped).
    fn begin_at_age(&mut self, lang: u8, age: Option<u32>) {
        self.digits(&[lang]);
        self.key(KioskKey::Enter);
        assert_eq!(self.kiosk.screen, Screen::Consent);
        self.digits(&[1]);
        assert!(matches!(self.kiosk.screen, Screen::Age { .. }), "{:?}", self.kiosk.screen);
        for c in age.map(|a| a.to_string()).unwrap_or_default().chars() {
            self.key(KioskKey::Digit(c as u8 - b'0'));
        }
        self.key(KioskKey::Enter);
        assert_eq!(self.kiosk.screen, Screen::Question);
    }

    fn current_item(&self) -> Option<(String, String)> {
        let client = self.kiosk.client.as_ref()?;
        let instrument = client.flow.current_instrument(library())?;
        Some((instrument.id.clone(), instrument.items[client.flow.current_item()].id.clone()))
    }

    fn render(&self, width: u16, height: u16) -> String {
        render(&self.kiosk, width, height)
    }
}

fn render(kiosk: &Kiosk, width: u16, height: u16) -> String {
    let theme = Theme::select(Some("default"), false);
    let view = KioskView { library: library(), theme: &theme };
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal.draw(|frame| draw(frame, kiosk, &view)).expect("draw");
    terminal.backend().to_string()
}

/// Every hostile key: controls, Alt, function keys, navigation, Esc, q.
fn hostile_keys() -> Vec<KeyEvent> {
    let mut keys = Vec::new();
    for c in ('a'..='z').chain(['\\', '[', ']', '^', '_', '@', '4', '5', '6', '7', '8']) {
        keys.push(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
        keys.push(KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT));
    }
    for n in 1..=12 {
        keys.push(KeyEvent::new(KeyCode::F(n), KeyModifiers::NONE));
        keys.push(KeyEvent::new(KeyCode::F(n), KeyModifiers::ALT));
    }
    for code in [
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Right,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Delete,
        KeyCode::Insert,
        KeyCode::Null,
        KeyCode::Char('q'),
        KeyCode::Char('Q'),
        KeyCode::Char('x'),
    ] {
        keys.push(KeyEvent::new(code, KeyModifiers::NONE));
    }
    keys
}

fn at_screen(name: &str) -> Run {
    at_screen_in(name, 1)
}

/// The kiosk at screen `name` for a client who chose language key `lang` (1 English, 2 French).
fn at_screen_in(name: &str, lang: u8) -> Run {
    let mut run = Run::new(Fake::new());
    match name {
        "welcome" => {}
        "code" => run.digits(&[lang]),
        "consent" => {
            run.digits(&[lang]);
            run.key(KioskKey::Enter);
        }
        "age" => {
            run.digits(&[lang]);
            run.key(KioskKey::Enter);
            run.digits(&[1]);
        }
        "question" => {
            run.begin(lang);
            run.digits(&[2]);
        }
        "crisis" => {
            run.begin(lang);
            run.digits(&[1, 1, 1, 1, 1, 1, 1, 1, 3]);
        }
        "thanks" => {
            run.begin(lang);
            finish_all(&mut run);
        }
        "support" => {
            run.begin(lang);
            // PHQ-9 items 1-8, then "Prefer not to answer" (5) on item 9.
            run.digits(&[1, 1, 1, 1, 1, 1, 1, 1, 5]);
        }
        "declined" => {
            run.digits(&[lang]);
            run.key(KioskKey::Enter);
            run.digits(&[2]);
        }
        "saving" => {
            run.fake.up = false;
            run.begin(lang);
            finish_all(&mut run);
        }
        other => panic!("no screen {other}"),
    }
    run
}

/// Answers every item with the first option (skipping optional items) until the end.
fn finish_all(run: &mut Run) {
    for _ in 0..200 {
        match run.kiosk.screen {
            // The first option everywhere, but "No" (2) to the ASQ, asked of everyone.
            Screen::Question if run.current_item().is_some_and(|(i, _)| i == "asq") => run.key(KioskKey::Digit(2)),
            Screen::Question => run.key(KioskKey::Digit(1)),
            // An urgent answer's support page: go on.
            Screen::Support => run.key(KioskKey::Enter),
            _ => return,
        }
    }
    panic!("the questionnaire did not end");
}

const SCREENS: [&str; 10] =
    ["welcome", "code", "consent", "age", "question", "crisis", "support", "thanks", "declined", "saving"];

#[test]
fn no_key_leads_out_of_the_kiosk() {
    for name in SCREENS {
        for event in hostile_keys() {
            let mut run = at_screen(name);
            let before = run.kiosk.screen.clone();
            let Some(key) = kiosk_key(event) else { continue };
            run.key(key);
            assert!(!run.exited, "{name}: {event:?} ended the kiosk");
            match key {
                KioskKey::QuickExit => assert_eq!(run.kiosk.screen, Screen::Neutral, "{name}: Esc or Ctrl-X"),
                KioskKey::Admin => assert!(matches!(run.kiosk.screen, Screen::Pin { .. }), "{name}: Ctrl-E"),
                // Letters type into the check-in code field; nothing else moves.
                KioskKey::Char(_) if name == "code" => assert!(matches!(run.kiosk.screen, Screen::Code { .. })),
                // Ctrl-H is Backspace: one step back inside the kiosk.
                KioskKey::Back => assert!(!matches!(run.kiosk.screen, Screen::Neutral | Screen::Pin { .. })),
                _ => assert_eq!(run.kiosk.screen, before, "{name}: {event:?} changed the screen"),
            }
        }
    }
}

#[test]
fn only_the_right_pin_ends_the_kiosk() {
    let mut run = at_screen("question");
    run.key(KioskKey::Admin);
    run.digits(&[1, 2, 3, 4, 5, 6]);
    assert!(!render(&run.kiosk, 80, 24).contains("123456"), "the PIN is never shown");
    run.key(KioskKey::Enter);
    assert!(matches!(&run.kiosk.screen, Screen::Pin { status: PinStatus::Wrong, .. }));
    assert!(!run.exited);
    // Enter with nothing typed goes back to the question, answers intact.
    run.key(KioskKey::Enter);
    assert_eq!(run.kiosk.screen, Screen::Question);
    assert_eq!(run.kiosk.client.as_ref().map(|c| c.answer_count()), Some(1));
    run.key(KioskKey::Admin);
    run.fake.up = false;
    run.digits(&[2, 4, 6, 8, 1, 0]);
    run.key(KioskKey::Enter);
    assert!(matches!(&run.kiosk.screen, Screen::Pin { status: PinStatus::Unavailable(_), .. }));
    assert!(!run.exited);
    // Why, worded by the kiosk in its language at draw time (the owner's message stays in logs).
    assert!(render(&run.kiosk, 100, 30).contains("the triage service cannot be reached."));
    let lang = std::mem::replace(&mut run.kiosk.lang, Lang::Fr);
    let french = render(&run.kiosk, 100, 30);
    assert!(french.contains("le service triage est injoignable.") && !french.contains("no owner"), "{french}");
    run.kiosk.lang = lang;
    run.fake.up = true;
    run.digits(&[2, 4, 6, 8, 1, 0]);
    run.key(KioskKey::Enter);
    assert!(run.exited);
    assert!(run.kiosk.client.is_none(), "answers are dropped before leaving");
    assert_eq!(run.fake.pins, ["123456", "246810", "246810"]);
    // A PIN prompt left alone goes back.
    let mut run = at_screen("consent");
    run.key(KioskKey::Admin);
    run.at(PIN_TIMEOUT_MS + 1);
    assert_eq!(run.kiosk.screen, Screen::Consent);
}

#[test]
fn the_idle_period_is_the_organisations_unless_fixed_on_the_command_line() {
    // The organisation's setting (here 300 s) replaces the 120 s used before the owner answers.
    let mut run = Run::new(Fake { timeout_seconds: 300, ..Fake::new() });
    assert_eq!(run.kiosk.idle_ms, 300_000);
    run.begin(1);
    run.at(299_000);
    assert_eq!(run.kiosk.screen, Screen::Question, "no reset before the organisation's period");
    assert_eq!(run.kiosk.countdown_secs(), Some(1));
    run.at(300_000);
    assert_eq!(run.kiosk.screen, Screen::Welcome);
    // A setting below the floor is raised to 10 s.
    let run = Run::new(Fake { timeout_seconds: 3, ..Fake::new() });
    assert_eq!(run.kiosk.idle_ms, MIN_IDLE_MS);
    // Before the owner has answered, the default applies.
    let waiting = Kiosk::new("x", vec![], Lang::En, None, T0);
    assert_eq!(waiting.idle_ms, DEFAULT_IDLE_MS);
    // `--idle-timeout` wins over the organisation's setting.
    let mut fixed = Kiosk::new("x", vec![], Lang::En, Some(45_000), T0);
    let mut fake = Fake { timeout_seconds: 300, ..Fake::new() };
    for effect in fixed.start() {
        if let super::shell::Outcome::Reply(reply) = super::shell::perform(effect, &mut fake) {
            dispatch(&mut fixed, reply, &deps(), &mut fake);
        }
    }
    assert!(fixed.info.is_some(), "connected");
    assert_eq!(fixed.idle_ms, 45_000);
}

#[test]
fn idle_reset_with_countdown_on_an_injected_clock() {
    let mut run = at_screen("question");
    assert_eq!(run.kiosk.countdown_secs(), None);
    run.at(DEFAULT_IDLE_MS - COUNTDOWN_MS - 1);
    assert_eq!(run.kiosk.countdown_secs(), None);
    assert!(!run.render(80, 24).contains("start over"));
    run.at(DEFAULT_IDLE_MS - 42_000);
    assert_eq!(run.kiosk.countdown_secs(), Some(42));
    let screen = run.render(80, 24);
    assert!(screen.contains("start over in 42 seconds"), "{screen}");
    // A key gives the full period again.
    run.kiosk.now_ms = T0 + DEFAULT_IDLE_MS - 42_000;
    run.key(KioskKey::Other);
    run.at(DEFAULT_IDLE_MS + 1_000);
    assert_eq!(run.kiosk.screen, Screen::Question);
    assert_eq!(run.kiosk.countdown_secs(), None);
    run.at(2 * DEFAULT_IDLE_MS - 42_000 - 50_000);
    assert_eq!(run.kiosk.countdown_secs(), Some(50));
    let cleared = run.cleared;
    run.at(2 * DEFAULT_IDLE_MS - 42_000);
    assert_eq!(run.kiosk.screen, Screen::Welcome);
    assert!(run.kiosk.client.is_none(), "the answers are gone");
    assert_eq!(run.cleared, cleared + 1, "screen and scrollback cleared");
    assert_eq!(run.kiosk.lang, Lang::En);
    // Each answer was sealed and sent as it was given: staff have the answers so far, marked
    // incomplete, with where the client stopped.
    let last = run.fake.last();
    assert!(!last.complete);
    assert!(!run.fake.progress.last().expect("a box").complete);
    assert!(!last.answers.is_empty());
    assert!(last.stopped_at.is_some());
    assert!(!run.render(80, 24).contains("interest"), "nothing of the client is drawn");
    // The welcome screen has nothing to reset.
    run.at(10 * DEFAULT_IDLE_MS);
    assert_eq!(run.cleared, cleared + 1);
}

#[test]
fn the_thank_you_page_gives_the_time_in_the_organisation_s_zone() {
    use crate::ui::clock::{Zone, clock_time};
    let regina = Zone::named("America/Regina").expect("zone");
    for lang in [1, 2] {
        let mut fake = Fake::new();
        fake.time_zone = Some("America/Regina");
        let mut run = Run::new(fake);
        run.begin(lang);
        finish_all(&mut run);
        assert_eq!(run.kiosk.screen, Screen::Thanks);
        let (screen, at) = (run.render(120, 40), run.kiosk.reference_ms);
        let local = clock_time(at, &regina, run.kiosk.lang);
        assert!(screen.contains(&local), "{local} in\n{screen}");
        assert!(!screen.contains(&clock_time(at, &Zone::utc(), run.kiosk.lang)), "not UTC:\n{screen}");
    }
}

#[test]
fn a_completed_questionnaire_is_sealed_and_the_kiosk_cannot_read_it_back() {
    let mut run = at_screen("thanks");
    assert_eq!(run.kiosk.screen, Screen::Thanks);
    assert!(run.kiosk.client.is_none(), "plaintext answers are dropped once sealed");
    assert!(run.kiosk.pending.is_none());
    // One box per answer under one id, numbered upwards; the last is the complete one.
    let last_index = run.fake.submitted.len() - 1;
    assert!(last_index > 0);
    let (id, sealed, critical, checkin) = run.fake.submitted[last_index].clone();
    assert!(run.fake.submitted.iter().all(|(i, ..)| *i == id));
    assert!(run.fake.progress.windows(2).all(|w| w[0].seq < w[1].seq));
    assert!(run.fake.progress[..last_index].iter().all(|p| !p.complete));
    assert!(run.fake.progress[last_index].complete);
    assert!(!critical);
    assert_eq!(checkin, None);
    // Only the organisation's private key opens it.
    assert!(OrgKeyPair::generate().unseal(&sealed).is_err());
    let intake = run.fake.last();
    assert!(intake.stopped_at.is_none());
    assert_eq!(intake.id, id);
    assert!(intake.complete);
    assert_eq!(intake.consent, crate::store::ConsentAnswer::Given);
    assert_eq!(intake.consent_version, CONSENT_VERSION);
    assert_eq!(intake.instruments, ["phq9", "asq", "gad7", "auditc", "dast10", "pcptsd5"], "the ASQ asked of everyone");
    assert!(intake.answers.iter().any(|a| a.instrument.id == "phq9" && a.item_id == "q9" && a.score == 0));
    assert!(intake.completed.contains(&"pcptsd5".to_string()));
    run.key(KioskKey::Enter);
    assert_eq!(run.kiosk.screen, Screen::Welcome);
    // The thank-you page also leaves by itself.
    let mut run = at_screen("thanks");
    let cleared = run.cleared;
    run.at(GOODBYE_MS + 10);
    assert_eq!((run.kiosk.screen.clone(), run.cleared), (Screen::Welcome, cleared + 1));
}

#[test]
fn item_9_shows_crisis_information_at_once_and_alerts_staff() {
    let mut run = Run::new(Fake::new());
    run.begin(2);
    run.digits(&[1, 1, 1, 1, 1, 1, 1, 1]);
    assert_eq!(run.fake.submitted.len(), 8, "each answer is sent as it is given");
    assert!(run.fake.submitted.iter().all(|s| !s.2));
    run.digits(&[2]);
    assert_eq!(run.kiosk.screen, Screen::Crisis, "on the answer itself");
    assert_eq!(run.fake.submitted.len(), 9, "sent in the same step");
    assert!(run.fake.submitted[8].2, "marked critical for the owner's alert");
    assert!(run.kiosk.alerted);
    let intake = run.fake.last();
    assert_eq!(intake.critical_flags, ["phq9.suicidal_ideation"]);
    assert!(!intake.complete);
    assert_eq!(intake.language, crate::store::Lang::Fr);
    let screen = run.render(80, 24);
    assert!(screen.contains("9-1-1") && screen.contains("9-8-8"), "{screen}");
    assert!(screen.contains("personnel de l'accueil"), "{screen}");
    assert!(screen.contains("Le personnel a été prévenu"), "{screen}");
    // Québec's own line comes from the catalog.
    assert!(
        run.kiosk.crisis_lines.iter().any(|l| l.contact.contains("1-866-277-3553")),
        "{:?}",
        run.kiosk.crisis_lines
    );
    for key in [KioskKey::Enter, KioskKey::Back, KioskKey::Digit(1), KioskKey::Char('q'), KioskKey::Other] {
        run.key(key);
        assert_eq!(run.kiosk.screen, Screen::Crisis);
    }
    // A person waiting for staff keeps the numbers: the crisis screen never resets on idle.
    let sent = run.fake.submitted.len();
    run.at(10 * DEFAULT_IDLE_MS);
    assert_eq!(run.kiosk.screen, Screen::Crisis);
    assert_eq!(run.kiosk.countdown_secs(), None);
    let screen = run.render(80, 24);
    assert!(screen.contains("9-8-8") && !screen.contains("recommencera"), "{screen}");
    assert_eq!(run.fake.submitted.len(), sent, "asking whether it was claimed stores nothing new");
    // It ends when a member of staff claims the submission.
    let id = run.fake.submitted[sent - 1].0;
    run.fake.claimed.push(id);
    run.at(10 * DEFAULT_IDLE_MS + CLAIM_POLL_MS + 1);
    assert_eq!(run.kiosk.screen, Screen::Welcome);
    assert!(run.kiosk.crisis_lines.is_empty());
}

#[test]
fn the_kiosk_pin_dismisses_the_crisis_screen_without_closing_the_kiosk() {
    let mut run = Run::new(Fake::new());
    run.begin(1);
    run.digits(&[1, 1, 1, 1, 1, 1, 1, 1, 4]);
    assert_eq!(run.kiosk.screen, Screen::Crisis);
    run.key(KioskKey::Admin);
    // The PIN prompt over the crisis screen does not reset either.
    run.at(10 * DEFAULT_IDLE_MS);
    run.at(10 * DEFAULT_IDLE_MS + PIN_TIMEOUT_MS + 1);
    assert_eq!(run.kiosk.screen, Screen::Crisis, "back to the crisis screen, not to Welcome");
    run.key(KioskKey::Admin);
    run.digits(&[2, 4, 6, 8, 1, 0]);
    run.key(KioskKey::Enter);
    assert_eq!(run.kiosk.screen, Screen::Welcome);
    assert!(!run.exited, "staff took over; the kiosk goes on");
}

#[test]
fn the_crisis_screen_shows_the_organisations_text_in_the_clients_language() {
    const EN: &str = "Please go to the front desk now: a counsellor will see you.";
    const FR: &str = "Allez tout de suite à l'accueil : une intervenante vous recevra.";
    // (language key, French text set, text expected, text absent)
    for (language, french, expected, absent) in [(2, true, FR, EN), (1, true, EN, FR), (2, false, EN, FR)] {
        let mut run = Run::new(Fake::new());
        let info = run.kiosk.info.as_mut().expect("the owner answered");
        info.crisis_text = EN.into();
        info.crisis_text_fr = french.then(|| FR.to_string());
        run.begin(language);
        run.digits(&[1, 1, 1, 1, 1, 1, 1, 1, 2]);
        assert_eq!(run.kiosk.screen, Screen::Crisis);
        let screen = run.render(120, 40);
        assert!(screen.contains(expected) && !screen.contains(absent), "{language} {french}\n{screen}");
        assert!(screen.contains("9-1-1"), "the crisis lines are still shown");
        // Only the organisation's English text shown to a French-speaking client says so.
        let note = Text::CrisisTextEnglishOnly.get(Lang::Fr);
        assert_eq!(screen.contains(note), language == 2 && !french, "{screen}");
    }
}

#[test]
fn an_organisation_without_its_own_crisis_text_shows_a_french_client_no_english() {
    let mut run = Run::new(Fake::new());
    let info = run.kiosk.info.as_mut().expect("the owner answered");
    assert_eq!((info.crisis_text.as_str(), info.crisis_text_fr.as_deref()), (crate::store::DEFAULT_CRISIS_TEXT, None));
    run.begin(2);
    run.digits(&[1, 1, 1, 1, 1, 1, 1, 1, 2]);
    assert_eq!(run.kiosk.screen, Screen::Crisis);
    let screen = run.render(120, 40);
    assert!(!screen.contains("crisis") && !screen.contains("Helpline"), "{screen}");
    assert!(!screen.contains(Text::CrisisTextEnglishOnly.get(Lang::Fr)), "the default is no English-only text");
    assert!(screen.contains("Ligne d'aide en cas de crise de suicide"), "{screen}");
}

#[test]
fn french_kiosk_screens_name_their_keys_and_contacts_in_french() {
    for name in SCREENS {
        let mut run = at_screen_in(name, 2);
        // The welcome screen is drawn in the last client's language.
        run.kiosk.lang = Lang::Fr;
        let screen = run.render(120, 40);
        for english in ["Enter", "text"] {
            let words = screen.split(|c: char| !c.is_alphanumeric());
            assert!(!words.clone().any(|word| word == english), "{name}: {english}\n{screen}");
        }
    }
}

#[test]
fn a_lost_owner_keeps_the_sealed_answers_and_retries_without_showing_them() {
    let mut run = at_screen("saving");
    assert_eq!(run.kiosk.screen, Screen::Saving);
    assert!(run.kiosk.client.is_none());
    assert!(matches!(run.kiosk.pending.as_ref().map(|p| &p.body), Some(Body::Sealed(_))));
    let screen = run.render(80, 24);
    assert!(screen.contains("trying again"), "{screen}");
    assert!(!screen.contains("interest"));
    // Keys, a reset and the next client all wait: the welcome screen does not come back yet.
    run.at(DEFAULT_IDLE_MS + 1);
    assert_eq!(run.kiosk.screen, Screen::Saving);
    run.digits(&[1]);
    assert_eq!(run.kiosk.screen, Screen::Saving);
    run.fake.up = true;
    run.at(DEFAULT_IDLE_MS + 2 * RETRY_MAX_MS);
    assert_eq!(run.fake.submitted.len(), 1);
    assert_eq!(run.kiosk.screen, Screen::Welcome, "after a reset, the next client starts fresh");
    // A kiosk that never reached its owner seals as soon as it does.
    let mut fake = Fake::new();
    fake.up = false;
    let mut run = Run::new(fake);
    assert!(run.kiosk.info.is_none());
    run.begin(1);
    finish_all(&mut run);
    assert!(matches!(run.kiosk.pending.as_ref().map(|p| &p.body), Some(Body::Plain(_))));
    run.fake.up = true;
    run.at(RETRY_MS + 1);
    assert_eq!(run.fake.submitted.len(), 1);
    assert_eq!(run.kiosk.screen, Screen::Thanks);
    assert!(run.fake.opened(0).complete);
}

#[test]
fn checkin_codes_are_checked_by_the_owner_and_travel_with_the_submission() {
    let mut run = Run::new(Fake::new());
    run.digits(&[1]);
    for c in "abcd".chars() {
        run.key(KioskKey::Char(c));
    }
    run.key(KioskKey::Enter);
    assert!(matches!(&run.kiosk.screen, Screen::Code { status: CodeStatus::Refused, .. }), "malformed");
    let id = RecordId::random();
    run.fake.redeem.push_back(Err(RedeemError::Refused));
    run.fake.redeem.push_back(Ok((id, ScoringContext::default())));
    for attempt in 0..2 {
        let _ = attempt;
        run.act(Action::Paste("acde-fghj\u{202e}\u{7}".into()));
        run.key(KioskKey::Enter);
    }
    assert_eq!(run.kiosk.screen, Screen::Consent);
    assert!(run.render(80, 24).contains("Code accepted"));
    run.digits(&[1]);
    run.digits(&[1, 1, 1, 1, 1, 1, 1, 1, 2]);
    assert_eq!(run.fake.submitted[0].3, Some(id));
    // Owner down: the code is skipped, not lost in a wait.
    let mut run = Run::new(Fake::new());
    run.digits(&[1]);
    run.fake.up = false;
    run.act(Action::Paste("ACDE-FGHJ".into()));
    run.key(KioskKey::Enter);
    assert!(matches!(&run.kiosk.screen, Screen::Code { status: CodeStatus::Unavailable, .. }));
    run.key(KioskKey::Enter);
    assert_eq!(run.kiosk.screen, Screen::Consent);
}

#[test]
fn quick_exit_blanks_the_screen_and_forgets_the_client() {
    let mut run = at_screen("question");
    run.digits(&[3, 2]);
    let before = run.render(80, 24);
    assert!(before.contains("Question 4 of 10"), "{before}");
    let cleared = run.cleared;
    run.key(KioskKey::QuickExit);
    assert_eq!(run.kiosk.screen, Screen::Neutral);
    assert!(run.kiosk.client.is_none());
    assert_eq!(run.cleared, cleared + 1);
    let neutral = run.render(80, 24);
    assert!(!neutral.contains("Clinique") && !neutral.contains("Question"), "{neutral}");
    run.key(KioskKey::Digit(1));
    assert_eq!(run.kiosk.screen, Screen::Welcome);
    // What was answered before leaving reached the owner, marked incomplete.
    let last = run.fake.last();
    assert!(!last.complete);
    assert!(last.answers.iter().any(|a| a.item_id == "q3"), "{:?}", last.stopped_at);
}

#[test]
fn declining_consent_records_nothing() {
    let mut run = at_screen("declined");
    assert_eq!(run.kiosk.screen, Screen::Declined);
    assert!(run.kiosk.client.is_none());
    run.key(KioskKey::Enter);
    assert_eq!(run.kiosk.screen, Screen::Welcome);
    assert!(run.fake.submitted.is_empty());
}

#[test]
fn optional_items_are_skipped_with_enter_and_back_goes_back() {
    let mut run = Run::new(Fake::new());
    run.begin(1);
    run.digits(&[1, 1, 1, 1, 1, 1, 1, 1, 1]);
    assert_eq!(run.current_item(), Some(("phq9".into(), "difficulty".into())));
    run.key(KioskKey::Back);
    assert_eq!(run.current_item(), Some(("phq9".into(), "q9".into())));
    run.key(KioskKey::Enter);
    run.key(KioskKey::Enter);
    // The organisation asks the ASQ of everyone (the default), right after the PHQ-9.
    assert_eq!(run.current_item().map(|(i, _)| i), Some("asq".into()));
    // A number beyond the options does nothing.
    run.key(KioskKey::Digit(9));
    assert_eq!(run.current_item(), Some(("asq".into(), "q1".into())));
}

#[test]
fn a_french_client_reads_phq9_in_french_without_the_question_its_french_form_lacks() {
    let mut run = Run::new(Fake::new());
    run.digits(&[2]); // Français
    run.key(KioskKey::Enter); // no code
    run.digits(&[1]); // consent
    run.key(KioskKey::Enter); // age: skipped
    let first = run.render(120, 40);
    assert!(first.contains("Peu d’intérêt ou de plaisir à faire des choses"), "{first}");
    assert!(first.contains("Jamais") && !first.contains("Not at all"), "{first}");
    assert!(!first.contains("pas encore offert"), "{first}");
    assert!(first.contains("sur 9"), "nine questions, not ten: {first}");
    // Items 1-9 "Jamais": the optional difficulty question, not on INSPQ's French form, is left
    // out of the French form (it is never scored), so no English question is read.
    run.digits(&[1, 1, 1, 1, 1, 1, 1, 1, 1]);
    assert_ne!(run.current_item(), Some(("phq9".into(), "difficulty".into())));
    let next = run.render(120, 40);
    assert!(!next.contains("If you checked off any problems"), "{next}");
    // GAD-7 has no French text in this service yet: it says so, truthfully.
    assert!(next.contains("pas encore offert en français dans ce service"), "{next}");
    assert!(!next.contains("validée"), "{next}");
}

#[test]
fn an_english_client_is_still_asked_the_difficulty_question() {
    let mut run = Run::new(Fake::new());
    run.digits(&[1]); // English
    run.key(KioskKey::Enter);
    run.digits(&[1]);
    run.key(KioskKey::Enter);
    run.digits(&[1, 1, 1, 1, 1, 1, 1, 1, 1]);
    assert_eq!(run.current_item(), Some(("phq9".into(), "difficulty".into())));
}

#[test]
fn snapshots_of_every_screen_in_both_languages() {
    for name in SCREENS.iter().copied().chain(["neutral", "pin", "risk_item"]) {
        for (lang, digit) in [("en", 1u8), ("fr", 2u8)] {
            let mut run = Run::new(Fake::new());
            match name {
                "welcome" => {}
                "neutral" => run.key(KioskKey::QuickExit),
                _ => {
                    run.digits(&[digit]);
                    match name {
                        "code" => run.act(Action::Paste("ACDE".into())),
                        "consent" => run.key(KioskKey::Enter),
                        "age" => {
                            run.key(KioskKey::Enter);
                            run.digits(&[1, 2, 0, 0]);
                            run.key(KioskKey::Enter);
                        }
                        "declined" => {
                            run.key(KioskKey::Enter);
                            run.digits(&[2]);
                        }
                        "question" | "crisis" | "support" | "risk_item" | "thanks" | "saving" | "pin" => {
                            run.key(KioskKey::Enter);
                            if name == "saving" {
                                run.fake.up = false;
                            }
                            run.digits(&[1]);
                            run.key(KioskKey::Enter); // age: skipped
                            match name {
                                "question" => {
                                    run.digits(&[2, 3]);
                                    run.at(DEFAULT_IDLE_MS - 30_000);
                                }
                                "crisis" => run.digits(&[1, 1, 1, 1, 1, 1, 1, 1, 4]),
                                "support" => run.digits(&[1, 1, 1, 1, 1, 1, 1, 1, 5]),
                                "risk_item" => run.digits(&[1, 1, 1, 1, 1, 1, 1, 1]),
                                "pin" => {
                                    run.key(KioskKey::Admin);
                                    run.digits(&[1, 2, 3]);
                                }
                                _ => finish_all(&mut run),
                            }
                        }
                        _ => {}
                    }
                }
            }
            for (width, height) in [(80, 24), (120, 40)] {
                // The reference comes from a random submission id.
                let mut screen = run.render(width, height);
                if let Some(reference) = &run.kiosk.reference {
                    screen = screen.replace(reference.as_str(), "DKTW");
                }
                insta::assert_snapshot!(format!("kiosk_{name}_{width}x{height}_{lang}"), screen);
            }
        }
    }
}

/// A kiosk giving only `instruments`.
fn run_with(instruments: &[&str]) -> Run {
    let mut run = Run::new(Fake::new());
    run.kiosk.instruments = instruments.iter().map(|i| i.to_string()).collect();
    run
}

#[test]
fn a_client_who_walks_away_before_item_9_still_reaches_staff_as_urgent() {
    let mut run = Run::new(Fake::new());
    run.begin(1);
    // PHQ-9 items 1-8 "Nearly every day" (24 of 27), then the client walks away.
    run.digits(&[4, 4, 4, 4, 4, 4, 4, 4]);
    assert_eq!(run.current_item(), Some(("phq9".into(), "q9".into())));
    run.at(DEFAULT_IDLE_MS + 1);
    assert_eq!(run.kiosk.screen, Screen::Welcome);
    assert!(run.kiosk.client.is_none());
    let last = run.fake.last();
    let progress = *run.fake.progress.last().expect("a box");
    assert!(!last.complete && !progress.complete, "marked incomplete");
    assert!(progress.urgent, "severe partial answers sit with the urgent ones");
    assert_eq!(last.stopped_at, Some(crate::store::kiosk::StopPoint { instrument: "phq9".into(), item: "q9".into() }));
    assert_eq!(last.answers.len(), 8);
    let phq9 = last.partial_totals.iter().find(|p| p.instrument == "phq9").expect("a partial total");
    assert_eq!((phq9.total, phq9.answered, phq9.items, phq9.severe), (24, 8, 9, true));
}

#[test]
fn mild_partial_answers_are_incomplete_but_not_urgent() {
    let mut run = Run::new(Fake::new());
    run.begin(1);
    run.digits(&[2, 1, 1]);
    run.key(KioskKey::QuickExit);
    assert_eq!(run.kiosk.screen, Screen::Neutral);
    let progress = *run.fake.progress.last().expect("a box");
    assert!(!progress.complete);
    assert!(!progress.urgent);
    assert!(!run.fake.submitted.last().expect("a box").2, "not critical");
}

#[test]
fn prefer_not_to_answer_item_9_is_a_risk_prompt() {
    let mut run = Run::new(Fake::new());
    run.begin(1);
    run.digits(&[1, 1, 1, 1, 1, 1, 1, 1]);
    let screen = run.render(80, 24);
    assert!(screen.contains("5  Prefer not to answer"), "{screen}");
    // Not offered where the item is not a risk item.
    run.key(KioskKey::Back);
    assert!(!run.render(80, 24).contains("Prefer not to answer"));
    run.digits(&[1]);
    run.digits(&[5]);
    assert_eq!(run.kiosk.screen, Screen::Support);
    let screen = run.render(80, 24);
    assert!(screen.contains("9-8-8") && screen.contains("9-1-1"), "{screen}");
    assert!(
        run.kiosk.crisis_lines.iter().any(|l| l.contact.contains("1-866-277-3553")),
        "{:?}",
        run.kiosk.crisis_lines
    );
    let last = run.fake.last();
    assert_eq!(last.urgent_flags, ["phq9.q9_declined"]);
    assert_eq!(last.declined_items, ["phq9.q9"]);
    assert!(!last.answers.iter().any(|a| a.item_id == "q9" && a.instrument.id == "phq9"), "never read as an answer");
    assert!(run.fake.progress.last().expect("a box").urgent);
    assert!(!run.fake.submitted.last().expect("a box").2, "urgent, not critical");
    // The questions go on.
    run.key(KioskKey::Enter);
    assert_eq!(run.kiosk.screen, Screen::Question);
    // The urgent flag stays with the submission to the end.
    finish_all(&mut run);
    let last = run.fake.last();
    assert!(last.complete);
    assert_eq!(last.urgent_flags, ["phq9.q9_declined"]);
    assert!(run.fake.progress.last().expect("a box").urgent);
}

#[test]
fn an_asq_yes_before_q5_is_urgent_even_if_the_client_leaves_at_once() {
    let mut run = run_with(&["asq"]);
    run.begin(1);
    // Q1 "Yes": the box sent on that answer is already urgent.
    run.digits(&[1]);
    assert_eq!(run.kiosk.screen, Screen::Question, "the ASQ asks all its questions first");
    let progress = *run.fake.progress.last().expect("a box");
    assert!(progress.urgent && !progress.complete);
    assert_eq!(run.fake.last().urgent_flags, ["asq.non_acute_positive"]);
    run.key(KioskKey::QuickExit);
    let progress = *run.fake.progress.last().expect("a box");
    assert!(progress.urgent && !progress.complete, "what was answered still reaches staff");
}

#[test]
fn a_non_acute_asq_shows_the_crisis_lines_when_it_is_done_and_goes_on() {
    let mut run = run_with(&["asq", "gad7"]);
    run.begin(1);
    // Q1 yes, Q2-Q4 no, Q5 no: non-acute positive.
    run.digits(&[1, 2, 2, 2]);
    assert_eq!(run.current_item(), Some(("asq".into(), "q5".into())));
    run.digits(&[2]);
    assert_eq!(run.kiosk.screen, Screen::Support);
    assert!(!run.fake.submitted.last().expect("a box").2);
    run.key(KioskKey::Enter);
    assert_eq!(run.current_item(), Some(("gad7".into(), "q1".into())));
}

#[test]
fn staff_claiming_a_submission_mid_flow_ends_the_clients_session() {
    let mut run = Run::new(Fake::new());
    run.begin(1);
    run.digits(&[1, 1]);
    let id = run.fake.submitted[0].0;
    run.fake.claimed.push(id);
    run.digits(&[1]);
    assert_eq!(run.kiosk.screen, Screen::Thanks);
    assert!(run.kiosk.client.is_none());
    assert!(run.kiosk.pending.is_none());
}

#[test]
fn published_instructions_and_our_notes_reach_the_kiosk_and_the_question_stays_visible() {
    let mut run = Run::new(Fake::new());
    run.begin(1);
    let mut seen_auditc_note = false;
    for _ in 0..200 {
        match run.current_item() {
            Some((i, q)) if i == "auditc" && q == "q1" => {
                let screen = run.render(80, 24);
                assert!(screen.contains("Note from this service") && screen.contains("standard drink"), "{screen}");
                assert!(!screen.contains("wine cooler"), "{screen}");
                seen_auditc_note = true;
                run.key(KioskKey::Digit(1));
            }
            Some((i, q)) if i == "dast10" && q == "q1" => break,
            Some((i, _)) if i == "asq" => run.key(KioskKey::Digit(2)),
            Some(_) if run.kiosk.screen == Screen::Question => run.key(KioskKey::Digit(1)),
            _ if run.kiosk.screen == Screen::Support => run.key(KioskKey::Enter),
            other => panic!("DAST-10 was not reached: {other:?} on {:?}", run.kiosk.screen),
        }
    }
    assert!(seen_auditc_note, "AUDIT-C item 1 was asked");
    let screen = run.render(80, 24);
    assert!(screen.contains("not including alcoholic"), "{screen}");
    assert!(screen.contains("Have you used drugs other than"), "the item stays visible:\n{screen}");
    assert!(screen.contains("2  No"), "{screen}");
}

#[test]
fn the_age_a_client_gives_chooses_the_youth_crisis_lines_and_reaches_scoring_and_staff() {
    let crisis_lines_at = |age: Option<u32>| {
        let mut run = Run::new(Fake::new());
        run.begin_at_age(1, age);
        let client = run.kiosk.client.as_ref().unwrap();
        assert_eq!(client.flow.context().age, age.map(i64::from), "scoring knows the age");
        assert_eq!(client.flow.context().sex, None, "the kiosk never asks sex");
        run.digits(&[1, 1, 1, 1, 1, 1, 1, 1, 3]);
        assert_eq!(run.kiosk.screen, Screen::Crisis);
        let lines: Vec<String> = run.kiosk.crisis_lines.iter().map(|l| l.name.clone()).collect();
        // The sealed submission carries the age for staff (and for the claimed encounter).
        assert_eq!(run.fake.last().scoring.age, age);
        lines
    };
    let youth = crisis_lines_at(Some(15));
    assert!(youth.iter().any(|n| n.contains("Kids Help Phone")), "{youth:?}");
    let adult = crisis_lines_at(Some(45));
    assert!(
        !adult.iter().any(|n| n.contains("Kids Help Phone")),
        "a line for ages 5-20 is not offered at 45: {adult:?}"
    );
    assert!(!adult.is_empty(), "the adult still gets the province's crisis lines: {adult:?}");
}

#[test]
fn an_age_out_of_range_is_asked_again_and_back_returns_to_consent() {
    let mut run = Run::new(Fake::new());
    run.digits(&[1]);
    run.key(KioskKey::Enter);
    run.digits(&[1]);
    run.digits(&[0]);
    run.key(KioskKey::Enter);
    assert_eq!(run.kiosk.screen, Screen::Age { input: String::new(), status: AgeStatus::OutOfRange });
    run.digits(&[9, 9, 9, 9]);
    assert_eq!(
        run.kiosk.screen,
        Screen::Age { input: "999".into(), status: AgeStatus::Typing },
        "three digits at most"
    );
    run.key(KioskKey::Enter);
    assert!(matches!(run.kiosk.screen, Screen::Age { status: AgeStatus::OutOfRange, .. }), "999 is over 120");
    run.key(KioskKey::Back);
    assert_eq!(run.kiosk.screen, Screen::Consent);
    assert!(run.kiosk.client.is_none(), "nothing started");
}

#[test]
fn a_check_in_codes_client_is_scored_with_their_sex_and_age_without_being_asked() {
    let mut run = Run::new(Fake::new());
    let known = ScoringContext { sex: Some(crate::instrument::Sex::Male), age: Some(70) };
    run.fake.redeem.push_back(Ok((RecordId::random(), known)));
    run.digits(&[1]);
    run.act(Action::Paste("ACDE-FGHJ".into()));
    run.key(KioskKey::Enter);
    assert_eq!(run.kiosk.screen, Screen::Consent);
    run.digits(&[1]);
    assert_eq!(run.kiosk.screen, Screen::Question, "no age question: the code's client gave it");
    let context = run.kiosk.client.as_ref().unwrap().flow.context().clone();
    assert_eq!((context.sex, context.age), (Some(crate::instrument::Sex::Male), Some(70)));
    // The AUDIT's over-65 cut-off (7) applies to this 70-year-old man.
    let audit = library().get("audit").unwrap();
    let answers: Vec<Option<usize>> = [1, 1, 1, 1, 1, 1, 1, 0, 0, 0].iter().map(|&p| Some(p)).collect();
    let scored = crate::instrument::score(audit, &answers, &context);
    assert_eq!(scored.total, Some(7));
    assert!(scored.positive, "over 65: positive at 7");
    assert!(
        !crate::instrument::score(audit, &answers, &ScoringContext { age: Some(40), ..known }.to_scoring()).positive
    );
}
