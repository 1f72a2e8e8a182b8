//! The kiosk's state and its pure `update(state, action) -> effects`. Time comes in only through
//! [`Action::Tick`], so the idle reset and countdown are tested with an injected clock.
//!
//! Lockdown lives here: no key leads out of the kiosk. Only [`Effect::Exit`] ends it, and only a
//! PIN the owner accepted produces it. The current client's answers are held in [`ClientSession`]
//! (its questionnaire flow, dropped at the reset); each answer is sealed at once, only the
//! ciphertext waits in [`Pending`] until the owner has it (the serialised plaintext before the
//! key is known is zeroized), and nothing of one client is ever drawn for the next.

use secrecy::SecretString;
use zeroize::{Zeroize, Zeroizing};

use super::submission::{is_urgent, snapshot};
use crate::instrument::{FlagHit, Lang, Library, Severity};
use crate::intake::care::{Care, CareClient};
use crate::intake::{IntakeFlow, Step, declined_flag_id, flag_reads_item};
use crate::store::kiosk::{KioskInfo, KioskIntake, SubmissionProgress};
use crate::store::{RecordId, ScoringContext};
use crate::triage::vocab::Province;
use crate::ui::error::BackendError;

/// Version of the consent text the kiosk shows (recorded with each submission).
pub const CONSENT_VERSION: &str = "kiosk-2026-01";
/// Idle period before the kiosk starts over, until the organisation's setting is known.
pub const DEFAULT_IDLE_MS: i64 = 120_000;
/// The shortest idle period, whatever is configured.
pub const MIN_IDLE_MS: i64 = 10_000;
/// The countdown shows for the last minute.
pub const COUNTDOWN_MS: i64 = 60_000;
/// The thank-you and "that is fine" pages return to the welcome screen after this long.
pub const GOODBYE_MS: i64 = 20_000;
/// A PIN prompt left alone goes back after this long.
pub const PIN_TIMEOUT_MS: i64 = 30_000;
/// First delay before retrying the owner; doubles up to [`RETRY_MAX_MS`].
pub const RETRY_MS: i64 = 2_000;
pub const RETRY_MAX_MS: i64 = 30_000;
/// While the crisis screen waits for staff, the kiosk asks the owner this often whether its
/// submission was claimed (a claim dismisses the screen).
pub const CLAIM_POLL_MS: i64 = 3_000;
/// Longest check-in code or PIN typed.
const MAX_TYPED: usize = 16;

/// A key as the kiosk understands it. Everything not listed is [`KioskKey::Other`]: it counts as
/// presence (it resets the idle timer) and does nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KioskKey {
    Digit(u8),
    /// A printable character (check-in codes).
    Char(char),
    Enter,
    /// Backspace, Ctrl-H or Left: previous question, or delete a typed character.
    Back,
    /// Esc or Ctrl-X: blank the screen to a neutral page at once and forget the client.
    QuickExit,
    /// Ctrl-E: the staff PIN prompt.
    Admin,
    Other,
}

/// A secret typed at the kiosk (PIN): zeroized on drop, never printed.
#[derive(Clone, Default)]
pub struct Typed(Zeroizing<String>);

impl Typed {
    pub fn len(&self) -> usize {
        self.0.chars().count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn push(&mut self, c: char) {
        if self.len() < MAX_TYPED {
            self.0.push(c);
        }
    }

    fn pop(&mut self) {
        self.0.pop();
    }

    pub fn secret(&self) -> SecretString {
        SecretString::from(self.0.as_str().to_string())
    }
}

impl std::fmt::Debug for Typed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Typed(<{} characters>)", self.len())
    }
}

impl PartialEq for Typed {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeStatus {
    Typing,
    Checking,
    Refused,
    Unavailable,
}

/// The optional age question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgeStatus {
    Typing,
    /// Not a whole number of years from 1 to 120.
    OutOfRange,
}

/// The oldest age the kiosk takes (any older is a typing slip).
pub const MAX_AGE: u32 = 120;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinStatus {
    Typing,
    Checking,
    Wrong,
    /// The owner could not check it (its message, for staff).
    Unavailable(BackendError),
}

/// What is on screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    /// Language choice; no client yet.
    Welcome,
    /// Optional check-in code.
    Code {
        input: String,
        status: CodeStatus,
    },
    Consent,
    /// The client's age, optional (skipped when a check-in code's client gave it): it chooses
    /// the crisis lines meant for their age (youth lines under 18) and the instruments' age
    /// rules (the AUDIT's over-65 cut-off).
    Age {
        input: String,
        status: AgeStatus,
    },
    /// Consent declined: nothing recorded.
    Declined,
    /// One item per screen.
    Question,
    /// A critical answer: crisis information, at once. It never resets on idle: it stays, with
    /// the numbers, until staff dismiss it (the kiosk PIN, or claiming the submission), or the
    /// client takes the quick exit.
    Crisis,
    /// An urgent answer (a non-acute positive ASQ, a declined risk item): the crisis lines and
    /// word that the staff know, then the questions go on.
    Support,
    /// Waiting for the owner to take the sealed answers (no client content shown).
    Saving,
    Thanks,
    /// Quick exit: a neutral page.
    Neutral,
    /// Staff PIN prompt over the screen it came from.
    Pin {
        input: Typed,
        status: PinStatus,
        previous: Box<Screen>,
    },
}

/// The client at the kiosk now. Dropped at the reset, with the questionnaire flow that holds
/// the answers (option positions); each box sealed for the owner is built from that flow.
pub struct ClientSession {
    pub id: RecordId,
    pub lang: Lang,
    pub checkin: Option<RecordId>,
    /// What scoring knows of the client (the age they gave, or the check-in code's client).
    pub scoring: ScoringContext,
    pub flow: IntakeFlow,
    pub completed: Vec<String>,
    pub critical: Vec<String>,
    /// `instrument.flag` of urgent flags raised (kept if the answer is changed afterwards).
    pub urgent: Vec<String>,
    /// `instrument.item` of risk items the client preferred not to answer.
    pub declined: Vec<String>,
    /// The number of the last box sealed for this client.
    pub seq: u32,
    /// Urgent flags of the instrument being answered: the support page shows when it is done
    /// (the ASQ asks all its questions, and an acute answer to Q5 brings the crisis screen).
    pub support_due: Vec<(String, FlagHit)>,
}

impl std::fmt::Debug for ClientSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ClientSession({}, {} answers)", self.id, self.answer_count())
    }
}

impl ClientSession {
    /// The items answered now (a declined or skipped item has no answer).
    pub fn answer_count(&self) -> usize {
        self.flow.answered().map(|(_, given)| given.iter().flatten().count()).sum()
    }
}

/// A crisis line shown at the kiosk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KioskLine {
    pub name: String,
    pub contact: String,
    pub hours: String,
}

/// What waits to be delivered to the owner.
pub enum Body {
    /// The sealed box: only ciphertext stays in memory.
    Sealed(Vec<u8>),
    /// No public key yet (the owner was never reached): the serialised answers, zeroized on drop,
    /// sealed as soon as the key arrives.
    Plain(Zeroizing<Vec<u8>>),
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Body::Sealed(sealed) => write!(f, "Sealed({} bytes)", sealed.len()),
            Body::Plain(_) => f.write_str("Plain(<redacted>)"),
        }
    }
}

#[derive(Debug)]
pub struct Pending {
    pub id: RecordId,
    pub body: Body,
    pub critical: bool,
    pub checkin: Option<RecordId>,
    pub in_flight: bool,
    pub next_try_ms: i64,
    pub delay_ms: i64,
    /// Show the thank-you page once delivered (a completed questionnaire).
    pub thanks: bool,
    pub progress: SubmissionProgress,
}

/// The crisis submission, delivered, kept while the crisis screen waits for staff: sending the
/// same box again changes nothing at the owner and answers "claimed" once staff claimed it.
#[derive(Debug, Clone, PartialEq)]
pub struct Watch {
    pub id: RecordId,
    pub sealed: Vec<u8>,
    pub checkin: Option<RecordId>,
    pub progress: SubmissionProgress,
    pub next_ms: i64,
    pub in_flight: bool,
}

/// The kiosk.
#[derive(Debug)]
pub struct Kiosk {
    pub default_lang: Lang,
    pub lang: Lang,
    pub screen: Screen,
    pub bundle: String,
    /// The instruments the flow starts with: the bundle's, with the ASQ added when the
    /// organisation asks it of everyone (`asq_mode`, known once the owner answers).
    pub instruments: Vec<String>,
    /// The bundle's own list (kiosk bundles are risk screens: `triage kiosk` refuses others).
    pub bundle_instruments: Vec<String>,
    pub info: Option<KioskInfo>,
    pub connecting: bool,
    pub next_connect_ms: i64,
    pub client: Option<ClientSession>,
    /// A redeemed check-in before the session starts.
    pub checkin: Option<RecordId>,
    /// The sex for scoring and age of the check-in code's client (the owner sends these, never
    /// a name or a date of birth).
    pub checkin_scoring: Option<ScoringContext>,
    pub pending: Option<Pending>,
    /// The crisis submission reached the owner (staff were alerted).
    pub alerted: bool,
    /// The delivered crisis submission, until staff claim it.
    pub watch: Option<Watch>,
    /// The short reference of the current or last submission, to show at the desk (the first
    /// 8 hex digits of its id, as the staff queue names it: "Kiosk 1a2b3c4d").
    pub reference: Option<String>,
    pub crisis_lines: Vec<KioskLine>,
    pub now_ms: i64,
    pub last_activity_ms: i64,
    pub screen_since_ms: i64,
    /// The idle period in force: `--idle-timeout` when given, else the organisation's
    /// `kiosk_timeout_seconds` once the owner has told it ([`DEFAULT_IDLE_MS`] until then).
    pub idle_ms: i64,
    /// Set by `--idle-timeout`: the organisation's setting does not replace it.
    pub idle_fixed: bool,
    pub size: (u16, u16),
}

/// Things to do outside.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Open a kiosk session with the owner.
    Connect,
    Redeem(String),
    Submit {
        id: RecordId,
        sealed: Vec<u8>,
        critical: bool,
        checkin: Option<RecordId>,
        progress: SubmissionProgress,
    },
    VerifyPin(Typed),
    /// Clear the screen and the scrollback.
    ClearTerminal,
    /// The PIN was accepted: wipe and leave.
    Exit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedeemError {
    Refused,
    Unavailable(BackendError),
}

/// Why a box was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitError {
    /// Staff have claimed the submission: they have the client's answers.
    Claimed,
    /// The owner could not be reached or refused (its message, for staff).
    Failed(BackendError),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinError {
    Wrong,
    Unavailable(BackendError),
}

/// Inputs.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Key(KioskKey),
    /// Bracketed paste (only check-in codes take it).
    Paste(String),
    /// The clock (milliseconds since the epoch).
    Tick(i64),
    Resize(u16, u16),
    Connected(Result<KioskInfo, BackendError>),
    Redeemed(Result<(RecordId, ScoringContext), RedeemError>),
    Submitted {
        id: RecordId,
        seq: u32,
        result: Result<(), SubmitError>,
    },
    PinChecked(Result<(), PinError>),
}

/// What `update` reads besides the state.
pub struct Deps<'a> {
    pub library: &'a Library,
    pub care: &'a Care,
}

impl Kiosk {
    /// `idle_ms`: a fixed idle period (`--idle-timeout`), or `None` for the organisation's.
    pub fn new(bundle: &str, instruments: Vec<String>, lang: Lang, idle_ms: Option<i64>, now_ms: i64) -> Kiosk {
        Kiosk {
            default_lang: lang,
            lang,
            screen: Screen::Welcome,
            bundle: bundle.to_string(),
            bundle_instruments: instruments.clone(),
            instruments,
            info: None,
            connecting: false,
            next_connect_ms: now_ms,
            client: None,
            checkin: None,
            checkin_scoring: None,
            pending: None,
            alerted: false,
            watch: None,
            reference: None,
            crisis_lines: Vec::new(),
            now_ms,
            last_activity_ms: now_ms,
            screen_since_ms: now_ms,
            idle_ms: idle_ms.unwrap_or(DEFAULT_IDLE_MS).max(MIN_IDLE_MS),
            idle_fixed: idle_ms.is_some(),
            size: (80, 24),
        }
    }

    /// Effects to run at start: reach the owner.
    pub fn start(&mut self) -> Vec<Effect> {
        self.connecting = true;
        vec![Effect::Connect]
    }

    /// Seconds left before the idle reset, when the countdown shows.
    pub fn countdown_secs(&self) -> Option<i64> {
        if !self.resets_when_idle() || matches!(self.screen, Screen::Thanks | Screen::Declined) {
            return None;
        }
        let left = self.idle_ms - (self.now_ms - self.last_activity_ms);
        (left <= COUNTDOWN_MS).then(|| (left.max(0) + 999) / 1000)
    }

    /// A screen that holds or shows something of the current client. The crisis screen (and
    /// the PIN prompt over it) never resets: a person waiting for staff keeps the numbers.
    fn resets_when_idle(&self) -> bool {
        let crisis = match &self.screen {
            Screen::Crisis => true,
            Screen::Pin { previous, .. } => matches!(**previous, Screen::Crisis),
            _ => false,
        };
        if crisis {
            return false;
        }
        !matches!(self.screen, Screen::Welcome | Screen::Neutral | Screen::Saving)
            || self.lang != self.default_lang
            || self.client.is_some()
            || self.pending.as_ref().is_some_and(|p| p.thanks)
    }

    fn go(&mut self, screen: Screen) {
        self.screen = screen;
        self.screen_since_ms = self.now_ms;
    }

    /// Forgets the client (its flow and answers dropped) and starts over at the welcome screen, or
    /// at the neutral saving page while a sealed submission still waits for the owner.
    fn reset(&mut self, effects: &mut Vec<Effect>) {
        self.client = None;
        self.checkin = None;
        self.checkin_scoring = None;
        self.crisis_lines.clear();
        self.alerted = false;
        self.watch = None;
        self.reference = None;
        self.lang = self.default_lang;
        if let Some(pending) = self.pending.as_mut() {
            // The client has gone: no thank-you page for the next person.
            pending.thanks = false;
        }
        let next = if self.pending.is_some() { Screen::Saving } else { Screen::Welcome };
        self.go(next);
        effects.push(Effect::ClearTerminal);
    }

    /// Blanks the screen at once and forgets the client. The last box sealed for them (every
    /// answer is sealed as it is given) still goes to the owner, marked incomplete, so staff
    /// learn of what was answered; nothing new is sealed here, so leaving stays instant.
    fn quick_exit(&mut self, effects: &mut Vec<Effect>) {
        self.client = None;
        self.checkin = None;
        self.checkin_scoring = None;
        self.crisis_lines.clear();
        self.alerted = false;
        self.watch = None;
        self.reference = None;
        self.lang = self.default_lang;
        if let Some(pending) = self.pending.as_mut() {
            pending.thanks = false;
        }
        self.go(Screen::Neutral);
        effects.push(Effect::ClearTerminal);
    }
}

/// Applies one action.
pub fn update(kiosk: &mut Kiosk, action: Action, deps: &Deps) -> Vec<Effect> {
    let mut effects = Vec::new();
    match action {
        Action::Tick(now) => tick(kiosk, now, &mut effects),
        Action::Resize(width, height) => kiosk.size = (width, height),
        Action::Key(key) => {
            kiosk.last_activity_ms = kiosk.now_ms;
            on_key(kiosk, key, deps, &mut effects);
        }
        Action::Paste(text) => {
            kiosk.last_activity_ms = kiosk.now_ms;
            if let Screen::Code { input, status } = &mut kiosk.screen {
                for c in text.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(MAX_TYPED) {
                    if input.chars().count() < MAX_TYPED {
                        input.push(c.to_ascii_uppercase());
                    }
                }
                *status = CodeStatus::Typing;
            }
        }
        Action::Connected(result) => {
            kiosk.connecting = false;
            match result {
                Ok(info) => {
                    if !kiosk.idle_fixed {
                        kiosk.idle_ms = (i64::from(info.kiosk_timeout_seconds) * 1000).max(MIN_IDLE_MS);
                    }
                    kiosk.instruments =
                        deps.library.screening_instruments(&kiosk.bundle_instruments, true, info.asq_mode);
                    kiosk.info = Some(info);
                    seal_waiting(kiosk);
                    try_send(kiosk, &mut effects);
                }
                Err(_) => kiosk.next_connect_ms = kiosk.now_ms + RETRY_MS,
            }
        }
        Action::Redeemed(result) => {
            if let Screen::Code { input, status } = &mut kiosk.screen {
                input.zeroize();
                match result {
                    Ok((id, scoring)) => {
                        kiosk.checkin = Some(id);
                        kiosk.checkin_scoring = Some(scoring);
                        kiosk.go(Screen::Consent);
                    }
                    Err(RedeemError::Refused) => *status = CodeStatus::Refused,
                    Err(RedeemError::Unavailable(_)) => *status = CodeStatus::Unavailable,
                }
            }
        }
        Action::Submitted { id, seq, result } => delivered(kiosk, id, seq, result, &mut effects),
        Action::PinChecked(result) => {
            if let Screen::Pin { input, status, previous } = &mut kiosk.screen {
                *input = Typed::default();
                let previous = previous.clone();
                match result {
                    // Over the crisis screen the PIN is staff taking over: the screen is dismissed
                    // and the kiosk starts over (a second PIN closes the kiosk).
                    Ok(()) if matches!(previous.as_ref(), Screen::Crisis) => kiosk.reset(&mut effects),
                    Ok(()) => {
                        kiosk.client = None;
                        effects.push(Effect::ClearTerminal);
                        effects.push(Effect::Exit);
                    }
                    Err(PinError::Wrong) => *status = PinStatus::Wrong,
                    Err(PinError::Unavailable(message)) => *status = PinStatus::Unavailable(message),
                }
            }
        }
    }
    effects
}

fn tick(kiosk: &mut Kiosk, now: i64, effects: &mut Vec<Effect>) {
    kiosk.now_ms = now;
    if kiosk.info.is_none() && !kiosk.connecting && now >= kiosk.next_connect_ms {
        kiosk.connecting = true;
        effects.push(Effect::Connect);
    }
    try_send(kiosk, effects);
    poll_claim(kiosk, effects);
    let idle = now - kiosk.last_activity_ms;
    match &kiosk.screen {
        Screen::Pin { previous, .. } if idle >= PIN_TIMEOUT_MS => {
            let previous = (**previous).clone();
            kiosk.go(previous);
        }
        Screen::Thanks | Screen::Declined if now - kiosk.screen_since_ms >= GOODBYE_MS => kiosk.reset(effects),
        _ if kiosk.resets_when_idle() && idle >= kiosk.idle_ms => {
            kiosk.last_activity_ms = now;
            kiosk.reset(effects);
        }
        _ => {}
    }
}

fn on_key(kiosk: &mut Kiosk, key: KioskKey, deps: &Deps, effects: &mut Vec<Effect>) {
    match key {
        KioskKey::QuickExit => return kiosk.quick_exit(effects),
        KioskKey::Admin => {
            if !matches!(kiosk.screen, Screen::Pin { .. }) {
                let previous = Box::new(kiosk.screen.clone());
                kiosk.go(Screen::Pin { input: Typed::default(), status: PinStatus::Typing, previous });
            }
            return;
        }
        _ => {}
    }
    match &mut kiosk.screen {
        Screen::Neutral => {
            kiosk.go(if kiosk.pending.is_some() { Screen::Saving } else { Screen::Welcome });
            effects.push(Effect::ClearTerminal);
        }
        Screen::Welcome => {
            let lang = match key {
                KioskKey::Digit(1) => Lang::En,
                KioskKey::Digit(2) => Lang::Fr,
                _ => return,
            };
            kiosk.lang = lang;
            kiosk.go(Screen::Code { input: String::new(), status: CodeStatus::Typing });
        }
        Screen::Code { input, status } => match key {
            _ if *status == CodeStatus::Checking => {}
            KioskKey::Digit(d) if input.chars().count() < MAX_TYPED => {
                input.push(char::from(b'0' + d));
                *status = CodeStatus::Typing;
            }
            KioskKey::Char(c) if (c.is_ascii_alphanumeric() || c == '-') && input.chars().count() < MAX_TYPED => {
                input.push(c.to_ascii_uppercase());
                *status = CodeStatus::Typing;
            }
            KioskKey::Back if input.is_empty() => kiosk.go(Screen::Welcome),
            KioskKey::Back => {
                input.pop();
            }
            KioskKey::Enter if input.trim().is_empty() => kiosk.go(Screen::Consent),
            KioskKey::Enter => match crate::store::kiosk::normalise_checkin_code(input) {
                Some(code) => {
                    *status = CodeStatus::Checking;
                    effects.push(Effect::Redeem(code));
                }
                None => {
                    input.zeroize();
                    *status = CodeStatus::Refused;
                }
            },
            _ => {}
        },
        Screen::Consent => match key {
            KioskKey::Digit(1) => match kiosk.checkin_scoring {
                // The check-in code's client: their recorded sex and age.
                Some(scoring) => begin(kiosk, scoring, deps, effects),
                None => kiosk.go(Screen::Age { input: String::new(), status: AgeStatus::Typing }),
            },
            KioskKey::Digit(2) => {
                kiosk.checkin = None;
                kiosk.go(Screen::Declined);
            }
            KioskKey::Back => kiosk.go(Screen::Code { input: String::new(), status: CodeStatus::Typing }),
            _ => {}
        },
        Screen::Age { input, status } => match key {
            KioskKey::Digit(d) if input.len() < 3 => {
                input.push(char::from(b'0' + d));
                *status = AgeStatus::Typing;
            }
            KioskKey::Back if input.is_empty() => kiosk.go(Screen::Consent),
            KioskKey::Back => {
                input.pop();
                *status = AgeStatus::Typing;
            }
            // Nothing typed: the age stays unknown (the instruments' rules for that apply).
            KioskKey::Enter if input.is_empty() => begin(kiosk, ScoringContext::default(), deps, effects),
            KioskKey::Enter => match input.parse::<u32>() {
                Ok(age) if (1..=MAX_AGE).contains(&age) => {
                    begin(kiosk, ScoringContext { sex: None, age: Some(age) }, deps, effects)
                }
                _ => {
                    input.clear();
                    *status = AgeStatus::OutOfRange;
                }
            },
            _ => {}
        },
        Screen::Question => question_key(kiosk, key, deps, effects),
        Screen::Thanks | Screen::Declined => {
            if key == KioskKey::Enter {
                kiosk.reset(effects);
            }
        }
        Screen::Support => {
            if matches!(key, KioskKey::Enter | KioskKey::Digit(1)) {
                kiosk.go(Screen::Question);
                if kiosk.client.as_ref().is_some_and(|c| c.flow.is_finished()) {
                    finish(kiosk, true, deps, effects);
                }
            }
        }
        Screen::Crisis | Screen::Saving => {}
        Screen::Pin { input, status, previous } => match key {
            _ if *status == PinStatus::Checking => {}
            KioskKey::Digit(d) => {
                input.push(char::from(b'0' + d));
                *status = PinStatus::Typing;
            }
            KioskKey::Back => input.pop(),
            KioskKey::Enter if input.is_empty() => {
                let previous = (**previous).clone();
                kiosk.go(previous);
            }
            KioskKey::Enter => {
                *status = PinStatus::Checking;
                let typed = std::mem::take(input);
                effects.push(Effect::VerifyPin(typed));
            }
            _ => {}
        },
    }
}

fn question_key(kiosk: &mut Kiosk, key: KioskKey, deps: &Deps, effects: &mut Vec<Effect>) {
    let Some(client) = kiosk.client.as_mut() else {
        kiosk.reset(effects);
        return;
    };
    let library = deps.library;
    let steps = match key {
        KioskKey::Digit(d) if d >= 1 => {
            let Some(instrument) = client.flow.current_instrument(library) else { return };
            let count = instrument.options_of(client.flow.current_item()).len();
            if usize::from(d) == count + 1 && client.flow.current_item_is_risk(library) {
                // "Prefer not to answer", offered under every risk item.
                client.flow.decline(library)
            } else if usize::from(d) > count {
                return;
            } else {
                client.flow.answer(library, usize::from(d) - 1)
            }
        }
        KioskKey::Enter => {
            if let Some(position) = client.flow.current_answer(library) {
                client.flow.answer(library, position)
            } else {
                match client.flow.skip(library) {
                    Ok(steps) => steps,
                    Err(_) => return,
                }
            }
        }
        KioskKey::Back => {
            client.flow.back(library);
            return;
        }
        _ => return,
    };
    let mut crisis: Vec<(String, FlagHit)> = Vec::new();
    let mut urgent: Vec<(String, FlagHit)> = Vec::new();
    let mut finished = false;
    let mut support = false;
    for step in steps {
        match step {
            // The flow holds the answer; the box sent below is built from it.
            Step::Answered { .. } => {}
            Step::Crisis { instrument, flags } => {
                for flag in &flags {
                    push_once(&mut client.critical, format!("{instrument}.{}", flag.id));
                }
                client.flow.mark_shown(&instrument, &flags);
                crisis.extend(flags.into_iter().map(|f| (instrument.clone(), f)));
            }
            Step::Urgent { instrument, flags } => {
                for flag in &flags {
                    push_once(&mut client.urgent, format!("{instrument}.{}", flag.id));
                }
                client.flow.mark_shown(&instrument, &flags);
                client.support_due.extend(flags.into_iter().map(|f| (instrument.clone(), f)));
            }
            Step::Declined { instrument, item } => {
                support = true;
                push_once(&mut client.declined, format!("{instrument}.{item}"));
                push_once(&mut client.urgent, format!("{instrument}.{}", declined_flag_id(&item)));
                // The crisis lines are those of the risk the item asks about (PHQ-9 item 9:
                // suicidal ideation), as if it had been endorsed.
                if let Some(asked) = library.get(&instrument) {
                    let index = asked.item_index(&item);
                    urgent.extend(
                        asked
                            .flags
                            .iter()
                            .filter(|f| f.severity >= Severity::Urgent && index.is_some_and(|i| flag_reads_item(f, i)))
                            .map(|f| {
                                let hit = FlagHit { id: f.id.clone(), severity: f.severity, item: Some(item.clone()) };
                                (instrument.clone(), hit)
                            }),
                    );
                }
            }
            Step::Completed(result) => {
                push_once(&mut client.completed, result.instrument.clone());
                support |= !client.support_due.is_empty();
                urgent.append(&mut client.support_due);
            }
            Step::FollowUpsAdded(_) => {}
            Step::Finished => finished = true,
            // Only staff act on a flag (`mark_handled`); the kiosk only shows it (`mark_shown`),
            // so changing an answer here never needs a reason, and the flags already sent stay
            // in the submission (`critical` and `urgent` are never cleared).
            Step::ReasonNeeded { .. } | Step::FlagsWithdrawn { .. } | Step::FollowUpWaived { .. } => {}
        }
    }
    if !crisis.is_empty() {
        kiosk.crisis_lines = crisis_lines(kiosk, deps, &crisis);
        kiosk.alerted = false;
        kiosk.go(Screen::Crisis);
        finish(kiosk, false, deps, effects);
    } else if finished && !support {
        finish(kiosk, true, deps, effects);
    } else {
        // Every answer is sealed and sent as it is given, so whatever ends the flow now leaves
        // the answers so far with staff, marked incomplete.
        send_progress(kiosk, deps, effects);
        if support {
            kiosk.crisis_lines = crisis_lines(kiosk, deps, &urgent);
            kiosk.go(Screen::Support);
        }
    }
}

fn push_once(list: &mut Vec<String>, name: String) {
    if !list.contains(&name) {
        list.push(name);
    }
}

/// Starts the client's session after consent, scoring with what is known of them. The kiosk
/// never asks sex: unknown sex takes the instruments' more sensitive cut-off, and staff re-score
/// a claimed submission with the client's record.
fn begin(kiosk: &mut Kiosk, scoring: ScoringContext, deps: &Deps, effects: &mut Vec<Effect>) {
    let flow = IntakeFlow::new_in(deps.library, &kiosk.instruments, scoring.to_scoring(), kiosk.lang);
    kiosk.checkin_scoring = None;
    kiosk.client = Some(ClientSession {
        id: RecordId::random(),
        lang: kiosk.lang,
        checkin: kiosk.checkin.take(),
        scoring,
        flow,
        completed: Vec::new(),
        critical: Vec::new(),
        urgent: Vec::new(),
        declined: Vec::new(),
        seq: 0,
        support_due: Vec::new(),
    });
    kiosk.go(Screen::Question);
    if kiosk.client.as_ref().is_some_and(|c| c.flow.is_finished()) {
        finish(kiosk, true, deps, effects);
    }
}

/// The province's crisis lines from the catalog for these flags (9-1-1 and 9-8-8 are on the
/// screen anyway).
fn crisis_lines(kiosk: &Kiosk, deps: &Deps, flags: &[(String, FlagHit)]) -> Vec<KioskLine> {
    let Some(info) = &kiosk.info else { return Vec::new() };
    let scoring = kiosk.client.as_ref().map(|c| c.scoring).unwrap_or_default();
    // What the client told the kiosk: their age (or the check-in code's client's); the
    // organisation's province. An unknown age or province stays unknown.
    let client = CareClient::told(scoring.age, Province::parse(&info.province), kiosk.lang, scoring.sex);
    deps.care
        .crisis_lines(deps.library, &client, &[], flags)
        .into_iter()
        .map(|r| KioskLine { name: r.name, contact: r.contact, hours: r.hours })
        .collect()
}

/// Seals `intake` (or keeps it for sealing once the key is known) as the submission waiting
/// for the owner, replacing an older box of the same client.
fn queue_box(kiosk: &mut Kiosk, intake: KioskIntake, seq: u32, checkin: Option<RecordId>, thanks: bool) {
    let progress = SubmissionProgress { seq, complete: intake.complete, urgent: is_urgent(&intake) };
    let critical = !intake.critical_flags.is_empty();
    let plain = Zeroizing::new(serde_json::to_vec(&intake).unwrap_or_default());
    let id = intake.id;
    drop(intake);
    kiosk.reference = Some(id.to_string().chars().take(8).collect());
    kiosk.pending = Some(Pending {
        id,
        body: Body::Plain(plain),
        critical,
        checkin,
        in_flight: false,
        next_try_ms: kiosk.now_ms,
        delay_ms: RETRY_MS,
        thanks,
        progress,
    });
    seal_waiting(kiosk);
}

/// Seals the answers so far and sends them (the client goes on answering).
fn send_progress(kiosk: &mut Kiosk, deps: &Deps, effects: &mut Vec<Effect>) {
    let Some(client) = kiosk.client.as_mut() else { return };
    client.seq = client.seq.saturating_add(1);
    let (seq, checkin) = (client.seq, client.checkin);
    let Some(client) = kiosk.client.as_ref() else { return };
    let intake = snapshot(kiosk, client, false, deps.library);
    queue_box(kiosk, intake, seq, checkin, false);
    try_send(kiosk, effects);
}

/// Seals what the client gave (completed or stopped at a crisis), forgets the plaintext, and
/// queues the box for the owner.
fn finish(kiosk: &mut Kiosk, complete: bool, deps: &Deps, effects: &mut Vec<Effect>) {
    let Some(mut client) = kiosk.client.take() else { return };
    client.seq = client.seq.saturating_add(1);
    let intake = snapshot(kiosk, &client, complete, deps.library);
    let (seq, checkin) = (client.seq, client.checkin);
    drop(client);
    queue_box(kiosk, intake, seq, checkin, complete);
    if complete {
        // The thank-you page keeps the province's crisis lines in small print: the lines a
        // critical answer to this bundle's risk question would bring.
        let risk: Vec<(String, FlagHit)> = kiosk
            .instruments
            .iter()
            .filter_map(|id| deps.library.get(id))
            .flat_map(|i| i.flags.iter().map(move |f| (i, f)))
            .find(|(_, f)| f.severity == Severity::Critical)
            .map(|(i, f)| (i.id.clone(), FlagHit { id: f.id.clone(), severity: f.severity, item: None }))
            .into_iter()
            .collect();
        kiosk.crisis_lines = crisis_lines(kiosk, deps, &risk);
        kiosk.go(Screen::Saving);
    }
    try_send(kiosk, effects);
}

/// Seals a plaintext body as soon as the organisation's key is known.
fn seal_waiting(kiosk: &mut Kiosk) {
    let Some(key) = kiosk
        .info
        .as_ref()
        .and_then(|i| hex::decode(&i.submission_public_key).ok().and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok()))
    else {
        return;
    };
    if let Some(pending) = kiosk.pending.as_mut()
        && let Body::Plain(plain) = &pending.body
        && let Ok(sealed) = crate::store::crypto::seal_to(&key, plain)
    {
        pending.body = Body::Sealed(sealed);
    }
}

fn try_send(kiosk: &mut Kiosk, effects: &mut Vec<Effect>) {
    let now = kiosk.now_ms;
    let Some(pending) = kiosk.pending.as_mut() else { return };
    if pending.in_flight || now < pending.next_try_ms {
        return;
    }
    if let Body::Sealed(sealed) = &pending.body {
        pending.in_flight = true;
        effects.push(Effect::Submit {
            id: pending.id,
            sealed: sealed.clone(),
            critical: pending.critical,
            checkin: pending.checkin,
            progress: pending.progress,
        });
    } else if kiosk.info.is_none() && !kiosk.connecting {
        kiosk.connecting = true;
        effects.push(Effect::Connect);
    }
}

/// On the crisis screen, once its submission is delivered: asks now and then whether staff
/// claimed it, by sending the same box again (the owner keeps it unchanged, or answers that
/// it was claimed).
fn poll_claim(kiosk: &mut Kiosk, effects: &mut Vec<Effect>) {
    if kiosk.screen != Screen::Crisis || kiosk.pending.is_some() {
        return;
    }
    let now = kiosk.now_ms;
    let Some(watch) = kiosk.watch.as_mut() else { return };
    if watch.in_flight || now < watch.next_ms {
        return;
    }
    watch.in_flight = true;
    effects.push(Effect::Submit {
        id: watch.id,
        sealed: watch.sealed.clone(),
        critical: true,
        checkin: watch.checkin,
        progress: watch.progress,
    });
}

fn delivered(kiosk: &mut Kiosk, id: RecordId, seq: u32, result: Result<(), SubmitError>, effects: &mut Vec<Effect>) {
    if let Some(watch) = kiosk.watch.as_mut()
        && watch.id == id
        && watch.progress.seq == seq
        && kiosk.pending.is_none()
    {
        watch.in_flight = false;
        watch.next_ms = kiosk.now_ms + CLAIM_POLL_MS;
        if result == Err(SubmitError::Claimed) && kiosk.screen == Screen::Crisis {
            // A member of staff has the client's answers: the crisis screen has done its work.
            kiosk.reset(effects);
        }
        return;
    }
    let Some(pending) = kiosk.pending.as_mut() else { return };
    if pending.id != id || pending.progress.seq != seq {
        // The reply to an older box: a newer one waits and goes next.
        pending.in_flight = false;
        return;
    }
    pending.in_flight = false;
    match result {
        Ok(()) => {
            let Some(pending) = kiosk.pending.take() else { return };
            match kiosk.screen {
                Screen::Crisis if pending.critical => {
                    kiosk.alerted = true;
                    if let Body::Sealed(sealed) = pending.body {
                        kiosk.watch = Some(Watch {
                            id: pending.id,
                            sealed,
                            checkin: pending.checkin,
                            progress: pending.progress,
                            next_ms: kiosk.now_ms + CLAIM_POLL_MS,
                            in_flight: false,
                        });
                    }
                }
                Screen::Saving if pending.thanks => kiosk.go(Screen::Thanks),
                Screen::Saving => {
                    kiosk.go(Screen::Welcome);
                    effects.push(Effect::ClearTerminal);
                }
                _ => {}
            }
        }
        Err(SubmitError::Claimed) => {
            // Staff claimed the submission while the client was still here: they have the
            // answers. The client's session ends with the thank-you page.
            let thanks = pending.thanks;
            kiosk.pending = None;
            match kiosk.screen {
                Screen::Crisis => kiosk.reset(effects),
                Screen::Saving if !thanks => {
                    kiosk.go(Screen::Welcome);
                    effects.push(Effect::ClearTerminal);
                }
                Screen::Welcome | Screen::Neutral | Screen::Pin { .. } => {}
                _ => {
                    kiosk.client = None;
                    kiosk.go(Screen::Thanks);
                }
            }
        }
        Err(SubmitError::Failed(_)) => {
            pending.next_try_ms = kiosk.now_ms + pending.delay_ms;
            pending.delay_ms = (pending.delay_ms * 2).min(RETRY_MAX_MS);
        }
    }
}
