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

mod delivery;
mod input;

use crate::instrument::{FlagHit, Lang, Library};
use crate::intake::IntakeFlow;
use crate::intake::care::Care;
use crate::store::kiosk::{KioskInfo, SubmissionProgress};
use crate::store::{RecordId, ScoringContext};
use crate::ui::error::BackendError;
use delivery::{delivered, poll_claim, seal_waiting, try_send};
use input::on_key;

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
    /// The short reference of the current or last submission, to show at the desk (four
    /// letters, `store::kiosk::submission_reference`, as the staff queue names it: "Kiosk DKTW").
    pub reference: Option<String>,
    /// When that submission's last box was made (the time the thank-you page gives).
    pub reference_ms: i64,
    /// The organisation's time zone, for the times the kiosk shows (UTC until the owner answers).
    pub zone: crate::ui::clock::Zone,
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
            reference_ms: now_ms,
            zone: crate::ui::clock::Zone::utc(),
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
                    kiosk.zone = crate::ui::clock::Zone::of_setting(info.time_zone.as_deref());
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
