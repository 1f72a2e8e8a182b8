//! The staff interface read line by line (pure): what each screen says as plain text, what a
//! typed line means on it, and [`Speaker`], which says only what has not been said yet. Every
//! rule stays in [`crate::tui::app`]: a typed line becomes the actions the full-screen keys
//! would have sent (`tui::app::update`), so sign-in, the lock, saving, the crisis protocol and
//! alerts are the same code in both modes.

mod drawn;
mod forms;
mod intake;
mod queue;
mod results;

use crate::instrument::Library;
use crate::tui::app::{Action, App, Deps, Screen, screen_entries};
use crate::tui::form::{self, FieldKind};
use crate::tui::keys::Key;
use crate::ui::strings::{Text, fill};

use super::page::{Page, Said};
use super::speech::plain;

/// What a typed line asks of the staff interface.
pub type Command = super::page::Command<Action>;

/// The screen in front as text.
pub fn page(app: &App, deps: Deps) -> Page {
    if app.locked.is_some() {
        return forms::locked(app);
    }
    match &app.screen {
        Screen::Starting => Page::new("starting"),
        Screen::FirstRun(form) => forms::first_run(app, form),
        Screen::Recovery { key, .. } => forms::recovery(app, key),
        Screen::Login(form) => forms::login(app, form),
        Screen::ChangePassword(form) => forms::change_password(app, form),
        Screen::ClientForm(form) => forms::client(app, form),
        Screen::Home { entries, .. } => queue::home(app, entries, deps.library),
        Screen::Search(search) => queue::search(app, search, deps.library),
        Screen::Bundle(state) => intake::bundle(app, state, deps.library),
        Screen::Consent => intake::consent(app),
        Screen::Questionnaire => intake::question(app, deps.library),
        Screen::Crisis(crisis) => intake::crisis(app, crisis, deps),
        Screen::Results(state) => results::page(app, state, deps),
        Screen::History(_) | Screen::Report(_) | Screen::Admin(_) => drawn::page(app, deps),
    }
}

/// Whether the line being typed is a secret (a password): not echoed, and never a command.
pub fn secret(app: &App) -> bool {
    form::current(app).and_then(|form| form.fields.get(form.focus)).is_some_and(|field| field.kind == FieldKind::Secret)
}

/// What `line`, typed on the screen in front and ended with Enter, asks for.
pub fn command(app: &App, deps: Deps, line: &str) -> Command {
    let typed = line.trim();
    if !secret(app) {
        match typed {
            "r" | "R" => return Command::Repeat,
            "?" => return Command::Help,
            _ => {}
        }
    }
    if let Some(form) = &app.locked {
        return forms::command(form, line, app.lang);
    }
    match &app.screen {
        Screen::Starting => Command::Keys(Vec::new()),
        Screen::Recovery { .. } => Command::Keys(vec![Action::ClearField, Action::Paste(typed.into()), Action::Submit]),
        Screen::FirstRun(form) | Screen::Login(form) | Screen::ChangePassword(form) | Screen::ClientForm(form) => {
            forms::with_back(form, line, app.lang)
        }
        Screen::Home { entries, selected } => queue::home_command(app, entries.len(), *selected, typed),
        Screen::Search(search) => queue::search_command(app, search, typed),
        Screen::Bundle(state) => intake::bundle_command(state.bundles.len(), typed, app.lang),
        Screen::Consent => intake::consent_command(typed, app.lang),
        Screen::Questionnaire => intake::question_command(app, deps.library, typed),
        Screen::Crisis(crisis) => intake::crisis_command(crisis, typed, app.lang),
        Screen::Results(state) => results::command(state, typed, app.lang),
        Screen::History(_) | Screen::Report(_) | Screen::Admin(_) => drawn::command(app, line),
    }
}

/// The choices and every key of the screen in front, one a line.
pub fn help(app: &App, deps: Deps) -> Vec<String> {
    let lang = app.lang;
    let mut lines = page(app, deps).choices;
    if !lines.is_empty() {
        lines.push(plain(&fill(Text::PlainTypeChoice, lang, &[("n", lines.len().to_string())])));
    }
    for entry in screen_entries(app, deps.library) {
        if let Some(key) = entry.keys.iter().find_map(|k| key_word(*k, lang)) {
            lines.push(plain(&format!("{key}{}{}", crate::ui::strings::colon(lang), entry.label.get(lang))));
        }
    }
    lines.push(plain(Text::PlainStaffKeys.get(lang)));
    lines
}

/// A key as plain mode takes it: a letter typed and Enter, Enter alone, `b`, `?`, or a
/// control key. Keys plain mode has no use for (arrows, Tab, Space: lines replace them) are
/// not named.
fn key_word(key: Key, lang: crate::instrument::Lang) -> Option<String> {
    let control = |c: char| Some(fill(Text::PlainControl, lang, &[("key", c.to_string())]));
    match key {
        Key::Letter(c) => Some(c.to_string()),
        Key::Digit(d) => Some(d.to_string()),
        Key::Enter => Some(Text::KioskKeyEnter.get(lang).to_string()),
        Key::Back | Key::Previous => Some("b".into()),
        Key::Help => Some("?".into()),
        Key::Quit => control('Q'),
        Key::Language => control('L'),
        Key::Lock => control('X'),
        Key::SwitchUser => control('N'),
        Key::Queue => control('G'),
        Key::Dismiss => control('D'),
        Key::EditClient => control('E'),
        Key::History => control('O'),
        _ => None,
    }
}

/// The letter commands the screen in front offers, "n new intake, h history", for its prompt.
fn letters(app: &App, library: &Library) -> String {
    let lang = app.lang;
    screen_entries(app, library)
        .iter()
        .filter_map(|entry| {
            // `r` and `b` are plain mode's own (repeat, back): the screen's keys on them are
            // reached otherwise (the queue refreshes itself when something changes). A sign
            // (`/`) is named by the letter beside it, as it reads better.
            let letter = entry.keys.iter().find_map(|k| match k {
                Key::Letter(c) if c.is_alphanumeric() && !matches!(c, 'r' | 'b') => Some(*c),
                _ => None,
            })?;
            Some(format!("{letter} {}", entry.label.get(lang)))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A line that starts with a number: the number, and what follows it (trimmed).
fn leading_number(typed: &str) -> Option<(usize, &str)> {
    let digits = typed.find(|c: char| !c.is_ascii_digit()).unwrap_or(typed.len());
    if digits == 0 || digits > 4 {
        return None;
    }
    let number = typed[..digits].parse().ok()?;
    Some((number, typed[digits..].trim()))
}

/// Moves a selection from `from` to `to` with the arrows the list answers.
fn moves(from: usize, to: usize) -> Vec<Action> {
    if to >= from { vec![Action::Down; to - from] } else { vec![Action::Up; from - to] }
}

fn not_understood(lang: crate::instrument::Lang) -> Command {
    Command::Refused(plain(Text::PlainNotUnderstood.get(lang)))
}

/// Says each thing once: an alert as soon as it comes, the status line when it changes, the
/// owner being slow once, and the screen in front through [`Said`]; the crisis protocol before
/// anything else. Pure: the shell writes what it returns.
#[derive(Debug, Default)]
pub struct Speaker {
    said: Said,
    alert: Option<String>,
    status: Option<String>,
    slow: bool,
    lang: Option<crate::instrument::Lang>,
}

impl Speaker {
    /// What to say after the interface changed (or nothing).
    pub fn update(&mut self, app: &App, deps: Deps) -> Vec<String> {
        if self.lang != Some(app.lang) {
            // Another language: the screen is said again, whole, in it.
            self.said.forget();
            self.lang = Some(app.lang);
        }
        let mut news = Vec::new();
        let alert = app
            .alert
            .as_ref()
            .filter(|_| app.locked.is_none())
            .map(|alert| plain(&crate::tui::view::alert_text(app, alert)).trim().to_string());
        if alert != self.alert {
            news.extend(alert.clone());
            self.alert = alert;
        }
        let status = app.status.as_ref().map(|status| {
            let label = if status.is_error() { Text::ErrorLabel.get(app.lang) } else { "" };
            plain(&format!("{label}{}", status.render(app.lang)))
        });
        if status != self.status {
            news.extend(status.clone());
            self.status = status;
        }
        if app.waiting.slow && !self.slow {
            news.push(plain(Text::OwnerSlow.get(app.lang)));
        }
        self.slow = app.waiting.slow;
        let screen = self.said.update(page(app, deps), app.lang);
        if matches!(app.screen, Screen::Crisis(_)) && app.locked.is_none() {
            // The crisis protocol is read first, before any other news.
            return screen.into_iter().chain(news).collect();
        }
        news.into_iter().chain(screen).collect()
    }

    /// The screen in front again, whole.
    pub fn repeat(&mut self, app: &App, deps: Deps) -> Vec<String> {
        self.said.repeat(page(app, deps))
    }

    /// The terminal was wiped: everything is said afresh.
    pub fn forget(&mut self) {
        *self = Speaker::default();
    }
}

#[cfg(test)]
mod tests;
