//! The queue and the client search, as numbered lines: an entry's number opens it, a letter is
//! the queue's own key, and a letter and a number act on that entry ("h 2": its history).

use crate::instrument::Library;
use crate::tui::app::{Action, App, SearchState};
use crate::tui::backend::{ClientInfo, QueueEntry};
use crate::tui::view::clean;
use crate::ui::clock::{clock_time, parse_rfc3339};
use crate::ui::strings::{Text, fill};

use super::{Command, leading_number, letters, moves, not_understood};
use crate::plain::page::{Page, choice};
use crate::plain::speech::plain;

/// One entry: its mark, the client, where it stands, and when it last changed or who has it
/// open. Times are clock times, not "12 min ago", so that an idle queue says nothing new.
fn entry_line(app: &App, entry: &QueueEntry) -> String {
    let lang = app.lang;
    let mut parts = Vec::new();
    if entry.critical {
        parts.push(Text::QueueCritical.get(lang).to_string());
    } else if entry.urgent {
        parts.push(Text::QueueUrgent.get(lang).to_string());
    }
    parts.push(clean(&entry.client_name));
    let kind = match (entry.kiosk, entry.incomplete) {
        _ if app.show_closed => Text::QueueFinished,
        (true, true) => Text::QueueIncomplete,
        (true, false) => Text::QueueKiosk,
        (false, _) => Text::QueueInProgress,
    };
    match &entry.open_by {
        Some(open_by) => {
            let time = clock_time(open_by.since_ms, app.zone(), lang);
            parts.push(Text::OpenByUser.get(lang).replace("{user}", &clean(&open_by.user)));
            parts.push(Text::OpenSince.get(lang).replace("{time}", &time));
        }
        None => {
            parts.push(kind.get(lang).to_string());
            let updated = clean(&entry.updated);
            parts.push(
                parse_rfc3339(&updated)
                    .map_or(updated.clone(), |_| crate::ui::clock::shown(&updated, app.zone(), lang)),
            );
        }
    }
    parts.join(", ")
}

pub fn home(app: &App, entries: &[QueueEntry], library: &Library) -> Page {
    let lang = app.lang;
    let mut page = Page::new(if app.show_closed { "closed" } else { "queue" });
    page.line(if app.show_closed { Text::ClosedTitle } else { Text::HomeTitle }.get(lang));
    if entries.is_empty() {
        page.line(Text::QueueEmpty.get(lang));
    } else {
        page.line(fill(Text::PlainQueueCount, lang, &[("n", entries.len().to_string())]));
        for (at, entry) in entries.iter().enumerate() {
            page.lines.push(choice(at + 1, &entry_line(app, entry), lang));
        }
    }
    if app.reopening.is_some() {
        page.key.push_str(":reopening");
        page.tail.push(plain(Text::ReopenReasonLabel.get(lang)));
        page.tail.push(plain(Text::PlainTypeReason.get(lang)));
        return page;
    }
    if let Some((_, open_by)) = &app.held {
        let time = clock_time(open_by.since_ms, app.zone(), lang);
        let held = format!(
            "{} {}.",
            Text::OpenByUser.get(lang).replace("{user}", &clean(&open_by.user)),
            Text::OpenSince.get(lang).replace("{time}", &time)
        );
        page.tail.push(plain(&held));
        page.tail.push(plain(Text::PlainTakeOver.get(lang)));
        return page;
    }
    if !entries.is_empty() {
        page.tail.push(plain(if app.show_closed { Text::PlainReopenEntry } else { Text::PlainOpenEntry }.get(lang)));
    }
    page.tail.push(plain(&fill(Text::PlainLetters, lang, &[("keys", letters(app, library))])));
    page
}

/// A line on the queue: an entry's number (open it), a letter (the queue's key), a letter and
/// a number (the key on that entry); the reason for reopening; take over or leave.
pub fn home_command(app: &App, count: usize, selected: usize, typed: &str) -> Command {
    let lang = app.lang;
    if app.reopening.is_some() {
        return match typed {
            "b" | "B" => Command::Keys(vec![Action::Back]),
            _ => Command::Keys(vec![Action::ClearField, Action::Paste(typed.to_string()), Action::Submit]),
        };
    }
    if app.held.is_some() {
        match typed {
            "t" | "T" => return Command::Keys(vec![Action::Letter('t')]),
            "b" | "B" => return Command::Keys(vec![Action::Back]),
            _ => {}
        }
    }
    if typed.is_empty() {
        return Command::Keys(Vec::new());
    }
    if let Some((number, rest)) = leading_number(typed) {
        if !rest.is_empty() || number == 0 || number > count {
            return super::intake::not_a_choice(typed, count, lang);
        }
        let mut keys = moves(selected, number - 1);
        keys.push(Action::Submit);
        return Command::Keys(keys);
    }
    let mut chars = typed.chars();
    let Some(letter) = chars.next().map(|c| c.to_ascii_lowercase()) else { return Command::Keys(Vec::new()) };
    let rest = chars.as_str().trim();
    let mut keys = Vec::new();
    if !rest.is_empty() {
        match rest.parse::<usize>() {
            Ok(number) if (1..=count).contains(&number) => keys = moves(selected, number - 1),
            _ => return not_understood(lang),
        }
    }
    keys.push(Action::Letter(letter));
    Command::Keys(keys)
}

fn client_line(client: &ClientInfo) -> String {
    match &client.birth_date {
        Some(born) => format!("{}, {}", clean(&client.name), clean(born)),
        None => clean(&client.name),
    }
}

pub fn search(app: &App, search: &SearchState, library: &Library) -> Page {
    let lang = app.lang;
    let adding = search.adding.is_some();
    let mut page = Page::new(if adding { "duplicates" } else { "search" });
    if adding {
        page.line(Text::DuplicateTitle.get(lang));
        page.line(Text::DuplicateNote.get(lang));
    } else {
        page.line(Text::SearchTitle.get(lang));
        let query = clean(&search.query.value);
        if !query.trim().is_empty() {
            page.line(format!("{} {query}", Text::SearchPrompt.get(lang)));
        }
    }
    let searched = !search.query.value.trim().is_empty() && !app.waiting.busy();
    if !search.clients.is_empty() {
        page.line(fill(Text::PlainSearchFound, lang, &[("n", search.clients.len().to_string())]));
    } else if searched && !adding {
        page.line(Text::PlainSearchNone.get(lang));
    }
    for (at, client) in search.clients.iter().enumerate() {
        page.lines.push(choice(at + 1, &client_line(client), lang));
    }
    if search.more {
        page.line(Text::PlainSearchMore.get(lang));
    }
    if adding {
        page.tail.push(plain(Text::PlainDuplicatePick.get(lang)));
    } else {
        page.tail.push(plain(Text::PlainSearchType.get(lang)));
        let keys = letters(app, library);
        if !keys.is_empty() {
            page.tail.push(plain(&fill(Text::PlainLettersOnly, lang, &[("keys", keys)])));
        }
    }
    page
}

/// A line on the search: a client's number starts an intake for them, "h" or "e" and a number
/// opens their history or their details, anything else is the name searched for.
pub fn search_command(app: &App, search: &SearchState, typed: &str) -> Command {
    let count = search.clients.len();
    let pick = |number: usize, then: Action| {
        let mut keys = moves(search.selected, number - 1);
        keys.push(then);
        Command::Keys(keys)
    };
    if matches!(typed, "b" | "B") {
        return Command::Keys(vec![Action::Back]);
    }
    if let Ok(number) = typed.parse::<usize>()
        && (1..=count).contains(&number)
    {
        return pick(number, Action::Submit);
    }
    let mut words = typed.split_whitespace();
    if let (Some(letter @ ("h" | "H" | "e" | "E")), Some(Ok(number)), None) =
        (words.next(), words.next().map(str::parse::<usize>), words.next())
        && (1..=count).contains(&number)
    {
        let then = if letter.eq_ignore_ascii_case("h") { Action::OpenHistory } else { Action::EditClient };
        return pick(number, then);
    }
    if search.adding.is_some() {
        return match typed {
            "a" | "A" => Command::Keys(vec![Action::Letter('a')]),
            _ => not_understood(app.lang),
        };
    }
    if typed.is_empty() {
        return Command::Keys(Vec::new());
    }
    Command::Keys(vec![Action::ClearField, Action::Paste(typed.to_string())])
}
