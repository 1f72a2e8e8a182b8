//! Waiting on the owner without freezing the screen. The shell hands every effect to one worker
//! thread (`worker`) and goes on drawing; this module is the pure part: which effects are in
//! flight and what the screen says about them (a spinner, "Saving…", "Signing in…", and "The
//! owner is slow to answer…" after [`SLOW_MS`] without a reply), and the keys typed meanwhile,
//! kept in order and applied once every reply is in. Adding an effect needs nothing here: one
//! not named in [`wait_of`] waits quietly (nothing shown until the owner is slow).

use ratatui::crossterm::event::KeyEvent;

use super::app::{Action, App, Deps, Effect, update};
use crate::instrument::Lang;
use crate::ui::strings::Text;

/// A reply this late is shown as the owner being slow.
pub const SLOW_MS: i64 = 2000;
/// One spinner frame.
const FRAME_MS: i64 = 100;
const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/// What the screen says while an effect waits; a higher one wins when several are in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Wait {
    /// A load: nothing shown until the owner is slow.
    #[default]
    Quiet,
    Saving,
    SettingUp,
    SigningIn,
}

/// What an effect waits as.
pub fn wait_of(effect: &Effect) -> Wait {
    match effect {
        Effect::Login { .. } | Effect::ChangeOwnPassword { .. } => Wait::SigningIn,
        Effect::Initialize { .. } => Wait::SettingUp,
        Effect::CheckDuplicates(_)
        | Effect::CreateClient(_)
        | Effect::UpdateClient(_)
        | Effect::StartEncounter { .. }
        | Effect::RecordConsent { .. }
        | Effect::SaveAnswer { .. }
        | Effect::SaveResult { .. }
        | Effect::RaiseFlag { .. }
        | Effect::RecordCrisis { .. }
        | Effect::SaveDecision { .. }
        | Effect::SaveReferral { .. }
        | Effect::WriteSummary { .. }
        | Effect::AddUser { .. }
        | Effect::SetUserActive { .. } => Wait::Saving,
        _ => Wait::Quiet,
    }
}

/// The effects in flight and the keys typed meanwhile (part of [`App`], so drawing stays a
/// function of the state).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Waiting {
    /// Effects handed to the worker and not answered yet.
    pub in_flight: usize,
    pub wait: Wait,
    /// When the last reply came (or the first effect left): the slow clock starts there.
    pub since_ms: i64,
    /// The spinner's frame, moved on by the clock while waiting.
    pub frame: usize,
    pub slow: bool,
    /// Keys typed while waiting, in order, read by the keymap once they are applied (so they
    /// mean what they mean on the screen the reply leads to).
    pub typed: Vec<KeyEvent>,
}

impl Waiting {
    pub fn busy(&self) -> bool {
        self.in_flight > 0
    }

    /// The line the status row shows while waiting, if any.
    pub fn line(&self, lang: Lang) -> Option<String> {
        if !self.busy() {
            return None;
        }
        let label = match self.wait {
            Wait::Quiet => None,
            Wait::Saving => Some(Text::Saving),
            Wait::SettingUp => Some(Text::SettingUp),
            Wait::SigningIn => Some(Text::SigningIn),
        };
        let spinner = SPINNER[self.frame % SPINNER.len()];
        match (label, self.slow) {
            (None, false) => None,
            (None, true) => Some(format!("{spinner} {}", Text::OwnerSlow.get(lang))),
            (Some(label), false) => Some(format!("{spinner} {}", label.get(lang))),
            (Some(label), true) => Some(format!("{spinner} {} {}", label.get(lang), Text::OwnerSlow.get(lang))),
        }
    }
}

/// Applies `action` and counts the effects it causes as in flight; returns them for the worker.
pub fn apply(app: &mut App, action: Action, deps: Deps, now_ms: i64) -> Vec<Effect> {
    let effects = update(app, action, deps.library, deps.care, deps.today);
    sent(app, &effects, now_ms);
    effects
}

/// Counts `effects` as handed to the worker.
pub fn sent(app: &mut App, effects: &[Effect], now_ms: i64) {
    if effects.is_empty() {
        return;
    }
    let waiting = &mut app.waiting;
    if !waiting.busy() {
        *waiting = Waiting { typed: std::mem::take(&mut waiting.typed), since_ms: now_ms, ..Waiting::default() };
    }
    waiting.in_flight += effects.len();
    waiting.wait = effects.iter().map(wait_of).fold(waiting.wait, Ord::max);
}

/// A key: applied now, or kept for after the replies while effects are in flight.
pub fn key(app: &mut App, key: KeyEvent, deps: Deps, now_ms: i64) -> Vec<Effect> {
    if app.waiting.busy() || !app.waiting.typed.is_empty() {
        app.waiting.typed.push(key);
        return Vec::new();
    }
    match super::keymap::action_for(super::view::key_context(app), key) {
        Some(action) => apply(app, action, deps, now_ms),
        None => Vec::new(),
    }
}

/// The clock: the spinner and the slow notice move on while waiting; the idle lock waits for the
/// replies (a session is not locked between a save and its answer).
pub fn tick(app: &mut App, deps: Deps, now_ms: i64) -> Vec<Effect> {
    if app.waiting.busy() {
        let waited = (now_ms - app.waiting.since_ms).max(0);
        app.waiting.frame = usize::try_from(waited / FRAME_MS).unwrap_or(0);
        app.waiting.slow = waited >= SLOW_MS;
        return Vec::new();
    }
    apply(app, Action::Tick(now_ms), deps, now_ms)
}

/// One effect done, with its reply if it has one; once none is left in flight the keys typed
/// meanwhile are applied in order (those after a key that starts new effects wait again).
pub fn replied(app: &mut App, reply: Option<Action>, deps: Deps, now_ms: i64) -> Vec<Effect> {
    let waiting = &mut app.waiting;
    waiting.in_flight = waiting.in_flight.saturating_sub(1);
    waiting.since_ms = now_ms;
    waiting.slow = false;
    let mut effects = match reply {
        Some(action) => apply(app, action, deps, now_ms),
        None => Vec::new(),
    };
    while !app.waiting.busy() && !app.waiting.typed.is_empty() {
        let key = app.waiting.typed.remove(0);
        if let Some(action) = super::keymap::action_for(super::view::key_context(app), key) {
            effects.extend(apply(app, action, deps, now_ms));
        }
    }
    if !app.waiting.busy() {
        app.waiting = Waiting::default();
    }
    effects
}

#[cfg(test)]
#[path = "waiting_tests.rs"]
mod tests;
