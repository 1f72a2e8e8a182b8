//! The screens plain mode reads as the full-screen interface draws them: a client's history,
//! the service report and the administration screen hold tables and reports to be read, not
//! questions to be answered. Each is drawn into a tall, wide buffer with no colour, then read
//! row by row, box drawing left out; its keys are the full-screen screen's, typed as a letter
//! or a number and Enter, and its forms are read one field at a time.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::tui::app::{Action, App, Deps, Screen};
use crate::tui::form;
use crate::tui::keymap::KeyContext;
use crate::tui::view::{View, key_context};
use crate::ui::strings::{Text, fill};
use crate::ui::theme::Theme;

use super::{Command, letters, not_understood};
use crate::plain::page::Page;
use crate::plain::speech::plain;

/// Wide and tall enough that tables are not cut and lists need no scrolling.
const WIDTH: u16 = 120;
const HEIGHT: u16 = 200;

fn name(app: &App) -> &'static str {
    match &app.screen {
        Screen::History(_) => "history",
        Screen::Report(_) => "report",
        _ => "admin",
    }
}

/// The rows of the screen in front as drawn, without box drawing, empty rows left out.
fn drawn_rows(app: &App, deps: Deps) -> Vec<String> {
    let theme = Theme::select(Some("monochrome"), true);
    let view = View { library: deps.library, care: deps.care, theme: &theme, crisis_lines: &[] };
    let Ok(mut terminal) = Terminal::new(TestBackend::new(WIDTH, HEIGHT));
    let drew = terminal.draw(|frame| {
        let area = frame.area();
        match &app.screen {
            Screen::History(history) => crate::tui::screens::history::draw(frame, area, app, history, &view),
            Screen::Report(report) => crate::tui::screens::report::draw(frame, area, app, report, &view),
            Screen::Admin(state) => crate::tui::screens::admin::draw(frame, area, app, state, &view),
            _ => {}
        }
    });
    if drew.is_err() {
        return Vec::new();
    }
    let buffer = terminal.backend().buffer();
    (0..HEIGHT)
        .map(|y| (0..WIDTH).filter_map(|x| buffer.cell((x, y)).map(|c| c.symbol().to_string())).collect::<String>())
        .map(|row| plain(&row).split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|row| !row.is_empty())
        .collect()
}

pub fn page(app: &App, deps: Deps) -> Page {
    let lang = app.lang;
    if let Some(form) = form::current(app) {
        let mut page = super::forms::admin(app, form);
        page.key = format!("{}:{}", name(app), page.key);
        return page;
    }
    let mut page = Page::new(name(app));
    page.lines = drawn_rows(app, deps);
    page.tail.push(plain(Text::PlainReadOnly.get(lang)));
    let keys = letters(app, deps.library);
    if !keys.is_empty() {
        page.tail.push(plain(&fill(Text::PlainLettersOnly, lang, &[("keys", keys)])));
    }
    page
}

pub fn command(app: &App, line: &str) -> Command {
    let typed = line.trim();
    if let Some(form) = form::current(app) {
        return super::forms::with_back(form, line, app.lang);
    }
    if matches!(typed, "b" | "B") {
        return Command::Keys(vec![Action::Back]);
    }
    if key_context(app) == KeyContext::Form {
        // A filter or a note being typed in place.
        return Command::Keys(vec![Action::ClearField, Action::Paste(typed.to_string()), Action::Submit]);
    }
    if typed.is_empty() {
        return Command::Keys(vec![Action::Submit]);
    }
    if let Ok(number @ 1..=9) = typed.parse::<usize>() {
        return Command::Keys(vec![Action::Choose(number - 1)]);
    }
    let mut chars = typed.chars();
    match (chars.next(), chars.next()) {
        (Some(letter), None) => Command::Keys(vec![Action::Letter(letter.to_ascii_lowercase())]),
        _ => not_understood(app.lang),
    }
}
