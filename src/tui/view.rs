//! Drawing: a pure function of the state. Shared pieces (header, status, footer, forms, help)
//! live here; each screen has its own file under `screens/`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::app::{App, FieldKind, Form, Screen};
use super::backend::{Alert, AlertSource, AlertTier};
use super::keymap::KeyContext;
use super::screens;
use crate::instrument::{Lang, Library};
use crate::sanitize::terminal_text;
use crate::ui::paragraph::FastParagraph;
use crate::ui::strings::{Text, fill};
use crate::ui::theme::Theme;

/// A crisis line to show, already chosen for the client (province, language, populations).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrisisLine {
    pub name: String,
    pub contact: String,
    pub hours: String,
}

/// The crisis lines to show on the crisis screen, for the client in front (none elsewhere).
pub fn crisis_lines_for(
    app: &super::app::App,
    care: &crate::intake::care::Care,
    library: &Library,
    today: &str,
) -> Vec<CrisisLine> {
    let (super::app::Screen::Crisis(crisis), Some(intake)) = (&app.screen, &app.intake) else { return Vec::new() };
    let results: Vec<&crate::instrument::ScoreResult> = intake.flow.results().collect();
    let extra: Vec<(String, crate::instrument::FlagHit)> =
        crisis.flags.iter().map(|f| (crisis.instrument.clone(), f.clone())).collect();
    care.crisis_lines(library, &intake.client.care_client(today), &results, &extra)
        .into_iter()
        .map(|r| CrisisLine { name: r.name, contact: r.contact, hours: r.hours })
        .collect()
}

/// What drawing needs besides the state.
pub struct View<'a> {
    pub library: &'a Library,
    pub care: &'a crate::intake::care::Care,
    pub theme: &'a Theme,
    /// Crisis lines for the current client, first one first (9-1-1 for acute risk).
    pub crisis_lines: &'a [CrisisLine],
}

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Text from users or files, made safe for the terminal.
pub fn clean(text: &str) -> String {
    terminal_text(text, false)
}

/// The input context of what is on screen, for the keymap.
pub fn key_context(app: &App) -> KeyContext {
    if app.help {
        return KeyContext::Help;
    }
    if app.locked.is_some() {
        return KeyContext::Form;
    }
    match &app.screen {
        Screen::FirstRun(form) | Screen::Login(form) | Screen::ClientForm(form) | Screen::ChangePassword(form) => {
            let _ = form;
            KeyContext::Form
        }
        Screen::Crisis(crisis) if !crisis.note_focus => KeyContext::Menu,
        Screen::Admin(state)
            if state.new_user.is_some()
                || state.audit.as_ref().is_some_and(|a| a.typing)
                || state.tool.as_ref().is_some_and(|t| t.takes_text()) =>
        {
            KeyContext::Form
        }
        Screen::Admin(_) => KeyContext::Menu,
        // Warned of a possible duplicate, letters are commands (`a` adds anyway).
        Screen::Search(search) if search.adding.is_some() => KeyContext::Menu,
        Screen::Search(_) => KeyContext::Form,
        Screen::Recovery { .. } | Screen::Crisis(_) => KeyContext::Form,
        Screen::Questionnaire if app.intake.as_ref().is_some_and(|i| i.reason.is_some()) => KeyContext::Form,
        Screen::Questionnaire => KeyContext::Question,
        Screen::Results(state) if state.overriding.is_some() => KeyContext::Form,
        Screen::Results(state) if state.lifting.as_ref().is_some_and(|l| l.choice.is_some()) => KeyContext::Form,
        Screen::Results(state) if state.finishing.as_ref().is_some_and(|f| f.choice.is_some()) => KeyContext::Form,
        Screen::Home { .. } if app.reopening.is_some() => KeyContext::Form,
        Screen::Starting
        | Screen::Home { .. }
        | Screen::Consent
        | Screen::Bundle(_)
        | Screen::Results(_)
        | Screen::History(_)
        | Screen::Report(_) => KeyContext::Menu,
    }
}

/// Draws the whole interface.
pub fn draw(frame: &mut Frame, app: &App, view: &View) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let message =
            FastParagraph::new(Text::TooSmall.get(app.lang)).wrap(Wrap { trim: true }).style(view.theme.warning);
        frame.render_widget(message, area);
        return;
    }
    // An alert has a row of its own under the header, hidden while the session is locked.
    let banner_rows = u16::from(app.alert.is_some() && app.locked.is_none());
    let [header, banner, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(banner_rows),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(frame, header, app, view);
    if let (Some(alert), true) = (&app.alert, banner_rows > 0) {
        let style = if alert.tier == AlertTier::Critical { view.theme.critical } else { view.theme.warning };
        frame.render_widget(FastParagraph::new(alert_text(app, alert)).style(style), banner);
    }
    if app.locked.is_some() {
        screens::login::draw_locked(frame, body, app, view);
    } else {
        match &app.screen {
            Screen::Starting => {}
            Screen::FirstRun(form) => screens::first_run::draw(frame, body, app, form, view),
            Screen::Recovery { key, typed } => screens::first_run::draw_recovery(frame, body, app, key, typed, view),
            Screen::Login(form) => screens::login::draw(frame, body, app, form, view),
            Screen::ChangePassword(form) => screens::login::draw_change(frame, body, app, form, view),
            Screen::Home { entries, selected } => screens::home::draw(frame, body, app, entries, *selected, view),
            Screen::ClientForm(form) => screens::client::draw(frame, body, app, form, view),
            Screen::Consent => screens::consent::draw(frame, body, app, view),
            Screen::Questionnaire => screens::questionnaire::draw(frame, body, app, view),
            Screen::Crisis(crisis) => screens::crisis::draw(frame, body, app, crisis, view),
            Screen::Results(state) => screens::results::draw(frame, body, app, state, view),
            Screen::History(history) => screens::history::draw(frame, body, app, history, view),
            Screen::Admin(state) => screens::admin::draw(frame, body, app, state, view),
            Screen::Report(report) => screens::report::draw(frame, body, app, report, view),
            Screen::Search(search) => screens::search::draw(frame, body, app, search, view),
            Screen::Bundle(state) => screens::bundle::draw(frame, body, app, state, view),
        }
    }
    // While the owner works, the status row says so (the status line is back with the reply).
    if let Some(line) = app.waiting.line(app.lang) {
        frame.render_widget(FastParagraph::new(line).style(view.theme.muted), status);
    } else if let Some(line) = &app.status {
        // Worded now, in the current language: a language toggle re-words a standing message.
        let error = line.is_error();
        let style = if error { view.theme.warning } else { view.theme.ok };
        let prefix = if error { Text::ErrorLabel.get(app.lang) } else { "" };
        frame.render_widget(
            FastParagraph::new(format!("{prefix}{}", clean(&line.render(app.lang)))).style(style),
            status,
        );
    }
    draw_footer(frame, footer, app, view);
    if app.help {
        draw_help(frame, body, app, view);
    }
}

/// An alert's banner text in the interface's language: tier, source, keys.
pub fn alert_text(app: &App, alert: &Alert) -> String {
    let lang = app.lang;
    let tier = match alert.tier {
        AlertTier::Critical => Text::AlertCritical,
        AlertTier::Urgent => Text::AlertUrgent,
    };
    let source = match &alert.source {
        AlertSource::Kiosk { device, reference } => {
            fill(Text::AlertKiosk, lang, &[("device", clean(device)), ("ref", clean(reference))])
        }
        AlertSource::Staff { reference, name } => {
            // The client's name once looked up, or from the queue on screen.
            let listed = match &app.screen {
                Screen::Home { entries, .. } => {
                    entries.iter().find(|e| e.encounter == alert.entry).map(|e| clean(&e.client_name))
                }
                _ => None,
            };
            let name = name.as_deref().map(clean).or(listed);
            match name {
                Some(name) => fill(Text::AlertStaff, lang, &[("name", name), ("ref", clean(reference))]),
                None => fill(Text::AlertStaffUnknown, lang, &[("ref", clean(reference))]),
            }
        }
    };
    format!(" {} · {source} · {} ", tier.get(lang), Text::AlertKeys.get(lang))
}

fn draw_header(frame: &mut Frame, area: Rect, app: &App, view: &View) {
    let mut spans = vec![Span::styled(format!(" {} ", Text::AppName.get(app.lang)), view.theme.title)];
    if let Some(org) = &app.org {
        spans.push(Span::styled(format!("· {} ", clean(&org.name)), view.theme.muted));
    }
    if let (Some(session), None) = (&app.session, &app.locked) {
        spans.push(Span::styled(
            format!("· {} {} ({}) ", Text::SignedInAs.get(app.lang), clean(&session.user), session.role.name()),
            view.theme.muted,
        ));
    }
    spans.push(Span::styled(format!("· {}", Text::LanguageName.get(app.lang)), view.theme.muted));
    frame.render_widget(FastParagraph::new(Line::from(spans)), area);
}

fn draw_footer(frame: &mut Frame, area: Rect, app: &App, view: &View) {
    let mut spans = Vec::new();
    let entries = super::app::screen_entries(app, view.library);
    for entry in super::keys::footer_fit(&entries, app.lang, usize::from(area.width)) {
        let key = crate::ui::strings::key_name(&entry.key, app.lang);
        let label = entry.label.get(app.lang);
        spans.push(Span::styled(key.into_owned(), view.theme.key));
        spans.push(Span::raw(format!(" {label}  ")));
    }
    frame.render_widget(FastParagraph::new(Line::from(spans)), area);
}

fn draw_help(frame: &mut Frame, area: Rect, app: &App, view: &View) {
    // Every key of the screen, from its table, then what its marks and columns mean.
    let keys = super::app::screen_entries(app, view.library);
    let legend = super::app::legend(app);
    let legend_rows = if legend.is_empty() { 0 } else { legend.len() + 2 };
    // Two columns when one does not fit the height (the administration screen's many tasks).
    let columns = if (keys.len() + legend_rows) as u16 + 4 > area.height { 2 } else { 1 };
    let rows = keys.len().div_ceil(columns);
    let width = area.width.min(if columns == 2 { 78 } else { 64 });
    let height = ((rows + legend_rows) as u16 + 4).min(area.height);
    let popup = Rect { x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width, height };
    // Room for a description in the left column: its share of the width less the key and gaps.
    let room = (usize::from(width.saturating_sub(2)) / columns).saturating_sub(12);
    let mut lines: Vec<Line> = (0..rows)
        .map(|row| {
            let mut spans = Vec::new();
            for column in 0..columns {
                let Some(entry) = keys.get(column * rows + row) else { continue };
                let key = crate::ui::strings::key_name(&entry.key, app.lang);
                spans.push(Span::styled(format!("{key:>9}  "), view.theme.key));
                let text = entry.label.get(app.lang);
                spans.push(Span::raw(if column + 1 < columns {
                    let short: String = text.chars().take(room).collect();
                    format!("{short:<room$} ")
                } else {
                    text.to_string()
                }));
            }
            Line::from(spans)
        })
        .collect();
    if !legend.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::styled(Text::HelpLegend.get(app.lang), view.theme.title));
        lines.extend(legend.iter().map(|text| Line::raw(format!("  {}", text.get(app.lang)))));
    }
    lines.push(Line::from(""));
    lines.push(Line::styled(Text::HelpClose.get(app.lang), view.theme.muted));
    frame.render_widget(Clear, popup);
    let block = Block::bordered().title(Text::HelpTitle.get(app.lang)).border_style(view.theme.border);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

/// Draws a form: label and value on one line each, errors beside labels (a label and error too
/// long for the width wrap onto the next lines); the real cursor on the focused text field.
/// Returns the height used.
pub fn draw_form(frame: &mut Frame, area: Rect, lang: Lang, form: &Form, theme: &Theme) -> u16 {
    let mut y = area.y;
    let bottom = area.y + area.height;
    for (index, field) in form.fields.iter().enumerate() {
        if y + 1 >= bottom {
            break;
        }
        let focused = index == form.focus;
        let mut label = vec![Span::styled(field.label.get(lang), if focused { theme.title } else { Style::default() })];
        if let Some(error) = field.error {
            label.push(Span::styled(format!("  ({})", error.get(lang)), theme.warning));
        }
        let label = FastParagraph::new(Line::from(label)).wrap(Wrap { trim: true });
        let height = (label.line_count(area.width).max(1) as u16).min(bottom.saturating_sub(y + 1));
        frame.render_widget(label, Rect { y, height, ..area });
        y += height;
        match field.kind {
            FieldKind::Checks(choices) => {
                let mut spans = vec![Span::raw("  ")];
                for (choice, ((_, text), checked)) in choices.iter().zip(&field.checked).enumerate() {
                    let mark = if *checked { "[x] " } else { "[ ] " };
                    let style = if focused && choice == field.check_cursor { theme.selected } else { Style::default() };
                    spans.push(Span::styled(format!("{mark}{}", text.get(lang)), style));
                    spans.push(Span::raw("  "));
                }
                let paragraph = FastParagraph::new(Line::from(spans)).wrap(Wrap { trim: true });
                let lines = paragraph.line_count(area.width).max(1) as u16;
                let height = lines.min(bottom.saturating_sub(y));
                frame.render_widget(paragraph, Rect { y, height, ..area });
                y += height;
            }
            FieldKind::Choice(choices) => {
                // Every choice, numbered, the chosen one marked (not by colour alone).
                let mut spans = vec![Span::raw("  ")];
                for (number, (code, text)) in choices.iter().enumerate() {
                    let chosen = field.value.as_str() == *code;
                    let mark = if chosen { "(•)" } else { "( )" };
                    let style = if chosen && focused { theme.selected } else { Style::default() };
                    spans.push(Span::styled(format!("{} {mark} {}", number + 1, text.get(lang)), style));
                    spans.push(Span::raw("  "));
                }
                frame.render_widget(FastParagraph::new(Line::from(spans)), Rect { y, height: 1, ..area });
                y += 1;
            }
            FieldKind::Text | FieldKind::Secret => {
                let shown = match field.kind {
                    FieldKind::Secret => "•".repeat(field.value.chars().count()),
                    // A line break (kept in a multi-line value such as a crisis text) shows as a space.
                    _ => clean(&field.value.replace('\n', " ")),
                };
                let prefix = "  > ";
                let style = if focused { theme.input } else { theme.muted };
                frame.render_widget(
                    FastParagraph::new(Line::from(vec![Span::raw(prefix), Span::styled(shown.clone(), style)])),
                    Rect { y, height: 1, ..area },
                );
                if focused {
                    // The cursor where editing happens: after the characters before it.
                    let before: String = shown.chars().take(field.cursor()).collect();
                    let x = area.x + (prefix.width() + before.width()) as u16;
                    frame.set_cursor_position(Position::new(x.min(area.x + area.width.saturating_sub(1)), y));
                }
                y += 1;
            }
        }
    }
    y - area.y
}

/// A titled block for a screen's body.
pub fn body_block<'a>(title: &'a str, theme: &Theme) -> Block<'a> {
    Block::bordered().title(Span::styled(format!(" {title} "), theme.title)).border_style(theme.border)
}

/// Where a scrolled list is ("12–20 of 143"), on the bottom border of the box drawn in `area`,
/// inside its corners.
pub fn draw_position_marker(frame: &mut Frame, area: Rect, marker: String, theme: &Theme) {
    let border = Rect { x: area.x + 1, width: area.width.saturating_sub(2), ..area };
    let marker = Block::new().title_bottom(Line::styled(format!(" {marker} "), theme.muted).right_aligned());
    frame.render_widget(marker, border);
}

#[cfg(test)]
pub mod test_support {
    //! Rendering helpers for the screens' snapshot tests.

    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;

    pub fn library() -> &'static Library {
        static LIBRARY: std::sync::OnceLock<Library> = std::sync::OnceLock::new();
        LIBRARY.get_or_init(Library::shipped)
    }

    pub fn care() -> &'static crate::intake::care::Care {
        static CARE: std::sync::OnceLock<crate::intake::care::Care> = std::sync::OnceLock::new();
        CARE.get_or_init(|| crate::intake::care::Care::shipped(library()).expect("shipped catalog and rules load"))
    }

    pub fn crisis_lines() -> Vec<CrisisLine> {
        vec![
            CrisisLine { name: "9-1-1 Emergency".into(), contact: "Call 9-1-1".into(), hours: "24/7".into() },
            CrisisLine {
                name: "9-8-8 Suicide Crisis Helpline".into(),
                contact: "Call or text 9-8-8".into(),
                hours: "24/7".into(),
            },
        ]
    }

    /// Renders `app` at `width` x `height` and returns the screen as text.
    pub fn render(app: &App, width: u16, height: u16) -> String {
        render_with_library(app, library(), width, height)
    }

    /// As [`render`], with another instrument library (bundles of a test's own).
    pub fn render_with_library(app: &App, library: &Library, width: u16, height: u16) -> String {
        let theme = Theme::select(Some("default"), false);
        let lines = crisis_lines();
        let view = View { library, care: care(), theme: &theme, crisis_lines: &lines };
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal.draw(|frame| draw(frame, app, &view)).unwrap();
        terminal.backend().to_string()
    }

    /// Types `text` into the client search, the owner answering each search from `clients` as
    /// it does (`store::sled_store::client_matches`, by name, at most `CLIENT_SEARCH_LIMIT`).
    pub fn search_for(app: &mut App, text: &str, clients: &[crate::tui::backend::ClientInfo]) {
        use crate::tui::app::{Action, Effect, update};
        for c in text.chars() {
            let key = if c == ' ' { Action::Toggle } else { Action::Input(c) };
            for effect in update(app, key, library(), care(), "2026-11-25") {
                let Effect::SearchClients(query) = effect else { continue };
                let mut found: Vec<_> = clients
                    .iter()
                    .filter(|c| crate::store::sled_store::client_matches(&c.name, c.birth_date.as_deref(), &query))
                    .cloned()
                    .collect();
                found.sort_by_key(|c| crate::sanitize::fold(&c.name));
                let more = found.len() > crate::store::sled_store::CLIENT_SEARCH_LIMIT;
                found.truncate(crate::store::sled_store::CLIENT_SEARCH_LIMIT);
                let found = Ok(crate::tui::backend::ClientMatches { clients: found, more });
                update(app, Action::ClientsFound { query, found }, library(), care(), "2026-11-25");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::render;
    use super::*;

    /// Every kind of screen, drawn at sizes from 1x1 to 300x100 in both languages: no panic,
    /// and from 80x24 up the screen is drawn rather than the request to enlarge.
    #[test]
    fn every_screen_draws_at_every_size() {
        use crate::tui::app::{Action, Screen, update};
        use crate::tui::view::test_support::{care, library};
        let today = "2026-11-25";
        let mut states = Vec::new();
        for lang in [Lang::En, Lang::Fr] {
            states.push(App::new(lang, 0));
            let mut home = crate::tui::demo::signed_in(lang);
            let org = home.org.clone();
            let entries = (0..60)
                .map(|n| crate::tui::backend::QueueEntry {
                    encounter: format!("{n:032x}"),
                    client: format!("c{n}"),
                    client_name: format!("Zoë Nguyễn 田中 {n}"),
                    kiosk: n % 3 == 0,
                    critical: n < 2,
                    urgent: n % 7 == 2,
                    incomplete: n % 6 == 3,
                    updated: "2026-11-25T09:00:00Z".into(),
                    open_by: None,
                })
                .collect();
            if let Some(org) = org {
                update(&mut home, Action::HomeLoaded(Ok((org, entries))), library(), care(), today);
            }
            states.push(home.clone());
            let mut form = home.clone();
            update(&mut form, Action::Letter('n'), library(), care(), today);
            states.push(form);
            states.push(crate::tui::demo::editing_client(lang));
            let mut admin = crate::tui::demo::signed_in(lang);
            admin.screen = Screen::Admin(Box::default());
            states.push(admin);
            let mut consent = crate::tui::demo::intake(library(), lang, &[]);
            consent.screen = Screen::Consent;
            states.push(consent);
            let mut questionnaire = crate::tui::demo::intake(library(), lang, &[1, 2, 0]);
            questionnaire.screen = Screen::Questionnaire;
            states.push(questionnaire.clone());
            questionnaire.help = true;
            states.push(questionnaire);
            let mut crisis = crate::tui::demo::intake(library(), lang, &[0; 8]);
            crisis.screen = Screen::Questionnaire;
            update(&mut crisis, Action::Choose(1), library(), care(), today);
            states.push(crisis);
            let mut results = crate::tui::demo::intake(library(), lang, &[]);
            results.screen = Screen::Questionnaire;
            let mut answers = vec![2, 2, 1, 2, 1, 1, 1, 0, 0, 1];
            answers.extend([2, 1, 2, 1, 1, 2, 1, 0, 0, 0, 0]);
            answers.extend([1; 11]);
            for position in answers {
                update(&mut results, Action::Choose(position), library(), care(), today);
            }
            states.push(results);
        }
        for app in &states {
            for width in [1, 2, 7, 39, 40, 79, 80, 81, 120, 200, 300] {
                for height in [1, 2, 5, 23, 24, 25, 40, 100] {
                    let screen = render(app, width, height);
                    if width >= 80 && height >= 24 && !matches!(app.screen, Screen::Starting) {
                        assert!(!screen.contains("enlarge") && !screen.contains("agrandir"), "{width}x{height}");
                    }
                }
            }
        }
    }

    #[test]
    fn small_windows_ask_to_be_enlarged_and_never_panic() {
        let app = App::new(Lang::En, 0);
        for (w, h) in [(1, 1), (2, 1), (10, 3), (79, 24), (80, 23), (300, 100), (80, 24)] {
            let screen = render(&app, w, h);
            if w >= 80 && h >= 24 {
                assert!(!screen.contains("enlarge"));
            } else if w >= 40 {
                assert!(screen.contains("enlarge"), "{w}x{h}");
            }
        }
    }
}
