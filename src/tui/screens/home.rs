//! Home: the queue (critical first and highlighted), new intake, open an encounter.

use crate::ui::paragraph::FastParagraph;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::auth::Operation;
use crate::instrument::Library;
use crate::tui::app::{Action, App, Deps, Effect, Screen, Status, idle_lock_ms};
use crate::tui::backend::QueueEntry;
use crate::tui::keys::{self, Binding, Entry, Key, bind};
use crate::tui::list_window::{Window, row};
use crate::tui::view::{View, body_block, clean, draw_position_marker};
use crate::ui::strings::Text;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    New,
    Resume,
    History,
    /// A kiosk check-in code for the selected entry's client (as from their history).
    Checkin,
    Move,
    Search,
    Report,
    Refresh,
    Quit,
    /// The finished intakes, or the queue again.
    ToggleClosed,
    /// Reopening the selected finished intake: start, type the reason, save, or leave.
    Reopen,
    Type,
    Save,
    Cancel,
    /// Take over the intake someone else has open (offered after trying to open it).
    TakeOver,
}

const KEYS: &[Binding<Cmd>] = &[
    bind(&[Key::Letter('t')], Cmd::TakeOver, Text::KeyTakeOver).when(|app, _| app.held.is_some()),
    bind(&[Key::Back], Cmd::Cancel, Text::KeyBack).when(|app, _| app.held.is_some()),
    bind(&[Key::Letter('n')], Cmd::New, Text::KeyNewIntake).when(|app, _| keys::may(app, Operation::CreateClient)),
    bind(&[Key::Enter], Cmd::Resume, Text::KeyResume).when(|app, _| !app.show_closed),
    bind(&[Key::Enter], Cmd::Reopen, Text::KeyReopen)
        .when(|app, _| app.show_closed && keys::may(app, Operation::ReopenEncounter)),
    bind(&[Key::Letter('h')], Cmd::History, Text::KeyHistory),
    bind(&[Key::Letter('/'), Key::Letter('f')], Cmd::Search, Text::KeySearch)
        .when(|app, _| keys::may(app, Operation::ListClients)),
    bind(&[Key::Letter('c')], Cmd::Checkin, Text::KeyCheckinCode).when(super::history::may_issue_checkin),
    // The arrows move as in every list; the footer keeps room for the queue's own keys.
    bind(&[Key::Arrows], Cmd::Move, Text::KeyMove).help_only(),
    bind(&[Key::Letter('s')], Cmd::Report, Text::KeyReport).when(|app, _| keys::may(app, Operation::ReadReports)),
    bind(&[Key::Letter('r')], Cmd::Refresh, Text::KeyRefresh),
    bind(&[Key::Letter('q')], Cmd::Quit, Text::KeyQuit),
    bind(&[Key::Letter('v')], Cmd::ToggleClosed, Text::KeyShowClosed).when(|app, _| !app.show_closed),
    bind(&[Key::Letter('v')], Cmd::ToggleClosed, Text::KeyShowQueue).when(|app, _| app.show_closed),
];

/// Typing the reason for reopening a finished intake.
const REOPEN_KEYS: &[Binding<Cmd>] = &[
    bind(&[Key::Enter], Cmd::Save, Text::KeySubmit),
    bind(&[Key::Back], Cmd::Cancel, Text::KeyBack),
    bind(&[Key::Typing], Cmd::Type, Text::KeyTyping).help_only(),
];

fn table(app: &App) -> &'static [Binding<Cmd>] {
    if app.reopening.is_some() { REOPEN_KEYS } else { KEYS }
}

/// What the queue's marks and columns mean (the help's legend).
pub const LEGEND: &[Text] = &[Text::LegendCritical, Text::LegendUrgent, Text::LegendQueueColumns];

pub fn entries(app: &App, library: &Library) -> Vec<Entry> {
    keys::entries(table(app), app, library)
}

/// Keys on the queue.
pub fn key(app: &mut App, action: Action, deps: Deps) -> Vec<Effect> {
    let command = keys::lookup(table(app), app, deps.library, &action);
    let Screen::Home { entries, selected } = &mut app.screen else { return Vec::new() };
    if let Some(reason) = app.reopening.as_mut() {
        match (command, action) {
            (Some(Cmd::Type), Action::Input(c)) if reason.chars().count() < 300 => reason.push(c),
            (Some(Cmd::Type), Action::Paste(text)) => {
                let room = 300usize.saturating_sub(reason.chars().count());
                reason.extend(text.chars().filter(|c| !c.is_control()).take(room));
            }
            (Some(Cmd::Type), Action::Toggle) => reason.push(' '),
            (Some(Cmd::Type), Action::DeleteChar) => {
                reason.pop();
            }
            (Some(Cmd::Type), Action::ClearField) => reason.clear(),
            (Some(Cmd::Cancel), _) => app.reopening = None,
            (Some(Cmd::Save), _) if reason.trim().is_empty() => {
                app.status = Some(Status::Note(Text::ReopenReasonNeeded, None));
            }
            (Some(Cmd::Save), _) => {
                let Some(entry) = entries.get(*selected) else { return Vec::new() };
                let reason = reason.trim().to_string();
                app.reopening = None;
                return vec![Effect::ReopenEncounter { encounter: entry.encounter.clone(), reason }];
            }
            _ => {}
        }
        return Vec::new();
    }
    // Trying to open another entry, or leaving, puts the offer away.
    let held = app.held.take();
    match command {
        Some(Cmd::TakeOver) => return held.map(|(encounter, _)| vec![Effect::TakeOver(encounter)]).unwrap_or_default(),
        Some(Cmd::ToggleClosed) if app.show_closed => return vec![Effect::LoadHome],
        Some(Cmd::ToggleClosed) => return vec![Effect::LoadClosed],
        Some(Cmd::Reopen) if !entries.is_empty() => app.reopening = Some(String::new()),
        Some(Cmd::Reopen | Cmd::Type | Cmd::Save | Cmd::Cancel) => {}
        _ if command.is_none() && held.is_some() => app.held = held,
        Some(Cmd::Move) if action == Action::Up => *selected = selected.saturating_sub(1),
        Some(Cmd::Move) => *selected = (*selected + 1).min(entries.len().saturating_sub(1)),
        Some(Cmd::New) => {
            let province = app.org.as_ref().map(|o| o.province);
            app.editing = None;
            app.screen = Screen::ClientForm(super::client::client_form(province, app.lang));
        }
        Some(Cmd::Refresh) if app.show_closed => return vec![Effect::LoadClosed],
        Some(Cmd::Refresh) => return vec![Effect::LoadHome],
        Some(Cmd::Report) => return vec![Effect::LoadReport],
        Some(Cmd::Search) => app.screen = Screen::Search(Box::default()),
        Some(Cmd::History) => {
            return entries.get(*selected).map(|e| vec![Effect::LoadHistory(e.client.clone())]).unwrap_or_default();
        }
        Some(Cmd::Checkin) => {
            let Some(client) = entries.get(*selected).map(|e| e.client.clone()) else { return Vec::new() };
            return super::history::issue_checkin(app, &client);
        }
        Some(Cmd::Quit) => {
            app.quit = true;
            return vec![Effect::Quit];
        }
        Some(Cmd::Resume) => {
            let Some(entry) = entries.get(*selected) else { return Vec::new() };
            // Opening the alerted entry is seeing the alert.
            if app.alert.as_ref().is_some_and(|a| a.entry == entry.encounter) {
                app.alert = None;
            }
            return vec![Effect::OpenEncounter(entry.encounter.clone())];
        }
        None => {}
    }
    Vec::new()
}

/// The queue and the organisation, the service report and a client's history, as they arrive.
pub fn reply(app: &mut App, action: Action, _: Deps) -> Vec<Effect> {
    match action {
        Action::HeldElsewhere { encounter, open_by } => {
            // Refused on a write and opened again: why it was refused comes first.
            if let Some(error) = app.reloading.take() {
                app.status = Some(Status::Failed(error));
            }
            app.held = Some((encounter, open_by));
            if !matches!(app.screen, Screen::Home { .. }) {
                // At the queue at once (filled when it loads), so the line above goes with it.
                app.intake = None;
                app.screen = Screen::Home { entries: Vec::new(), selected: 0 };
                return vec![Effect::LoadHome];
            }
        }
        Action::HomeLoaded(Ok((org, mut entries))) => {
            // Critical, then urgent, then the rest; the latest change first within a tier: the
            // order shown is the order chosen.
            entries.sort_by(|a, b| {
                b.critical.cmp(&a.critical).then(b.urgent.cmp(&a.urgent)).then(b.updated.cmp(&a.updated))
            });
            app.idle_lock_ms = idle_lock_ms(app.idle_lock_override_ms, org.idle_lock_minutes);
            app.org = Some(org);
            let alerted = app.select_entry.take().and_then(|entry| entries.iter().position(|e| e.encounter == entry));
            let selected = match (&app.screen, alerted) {
                (_, Some(index)) => index,
                (Screen::Home { selected, .. }, None) => (*selected).min(entries.len().saturating_sub(1)),
                _ => 0,
            };
            app.screen = Screen::Home { entries, selected };
            (app.show_closed, app.reopening) = (false, None);
        }
        Action::ClosedLoaded(Ok(entries)) => {
            // Newest first, as the owner lists them.
            app.screen = Screen::Home { entries, selected: 0 };
            (app.show_closed, app.reopening) = (true, None);
        }
        Action::OrgLoaded(Ok(org)) => {
            app.idle_lock_ms = idle_lock_ms(app.idle_lock_override_ms, org.idle_lock_minutes);
            app.org = Some(org);
        }
        Action::ReportLoaded(Ok(report)) => {
            app.screen = Screen::Report(Box::new(crate::tui::list_window::Scrolled::new(report)))
        }
        Action::HistoryLoaded(Ok(history)) => {
            app.screen = Screen::History(Box::new(crate::tui::list_window::Scrolled::new(history)))
        }
        Action::HomeLoaded(Err(message))
        | Action::OrgLoaded(Err(message))
        | Action::ReportLoaded(Err(message))
        | Action::HistoryLoaded(Err(message))
        | Action::ClosedLoaded(Err(message)) => app.status = Some(Status::Failed(message)),
        _ => {}
    }
    Vec::new()
}

/// "open by cleo since 10:42" (or the take-over offer), the time as the interface shows times.
fn open_by_text(text: Text, open_by: &crate::store::OpenBy, app: &App) -> String {
    let time = crate::ui::clock::clock_time(open_by.since_ms, app.zone(), app.lang);
    text.get(app.lang).replace("{user}", &clean(&open_by.user)).replace("{time}", &time)
}

/// The entry's status and last change, or who has it open now ("open by cleo", "since 10:42").
fn status_and_time(entry: &QueueEntry, kind: Text, app: &App) -> (String, String) {
    match &entry.open_by {
        Some(open_by) => (open_by_text(Text::OpenByUser, open_by, app), open_by_text(Text::OpenSince, open_by, app)),
        None => (kind.get(app.lang).to_string(), updated(entry, app)),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, entries: &[QueueEntry], selected: usize, view: &View) {
    let title = if app.show_closed { Text::ClosedTitle } else { Text::HomeTitle };
    let block = body_block(title.get(app.lang), view.theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if entries.is_empty() {
        frame.render_widget(FastParagraph::new(Text::QueueEmpty.get(app.lang)).style(view.theme.muted), inner);
        return;
    }
    // A header row, then the window of the queue that keeps the selected entry on screen.
    let inner = match (&app.reopening, &app.held) {
        (None, Some((_, open_by))) => {
            let prompt = Rect { y: inner.bottom().saturating_sub(1), height: 1.min(inner.height), ..inner };
            let text = open_by_text(Text::HeldElsewhere, open_by, app);
            frame.render_widget(FastParagraph::new(vec![Line::styled(text, view.theme.warning)]), prompt);
            Rect { height: inner.height.saturating_sub(1), ..inner }
        }
        (Some(reason), _) => {
            let prompt = Rect { y: inner.bottom().saturating_sub(1), height: 1.min(inner.height), ..inner };
            let line = Line::from(vec![
                Span::raw(format!("{} ", Text::ReopenReasonLabel.get(app.lang))),
                Span::styled(format!("{}█", clean(reason)), view.theme.input),
            ]);
            frame.render_widget(FastParagraph::new(vec![line]), prompt);
            Rect { height: inner.height.saturating_sub(1), ..inner }
        }
        (None, None) => inner,
    };
    let rows = usize::from(inner.height.saturating_sub(1));
    let window = Window::around(entries.len(), selected, rows);
    let badge_width = [Text::QueueCritical, Text::QueueUrgent]
        .iter()
        .map(|t| unicode_width::UnicodeWidthStr::width(t.get(app.lang)) + 3)
        .max()
        .unwrap_or(0);
    let header = row(&[
        ("", badge_width.saturating_sub(1)),
        (Text::ColumnClient.get(app.lang), 28),
        (Text::ColumnStatus.get(app.lang), 18),
        (Text::ColumnUpdated.get(app.lang), 0),
    ]);
    let mut lines = vec![Line::styled(header, view.theme.muted)];
    lines.extend(entries[window.range()].iter().enumerate().map(|(offset, entry)| {
        let kind = match (entry.kiosk, entry.incomplete) {
            _ if app.show_closed => Text::QueueFinished,
            (true, true) => Text::QueueIncomplete,
            (true, false) => Text::QueueKiosk,
            (false, _) => Text::QueueInProgress,
        };
        let badge = if entry.critical {
            Some((Text::QueueCritical, view.theme.critical))
        } else if entry.urgent {
            Some((Text::QueueUrgent, view.theme.warning))
        } else {
            None
        };
        let mut spans = Vec::new();
        let badge_text = badge.map_or(String::new(), |(text, _)| format!(" {} ", text.get(app.lang)));
        let pad = badge_width.saturating_sub(unicode_width::UnicodeWidthStr::width(badge_text.as_str()));
        if let Some((_, style)) = badge {
            spans.push(Span::styled(badge_text, style));
        }
        spans.push(Span::raw(" ".repeat(pad)));
        let (status, time) = status_and_time(entry, kind, app);
        spans.push(Span::raw(row(&[(&clean(&entry.client_name), 28), (&status, 18), (&time, 0)])));
        let line = Line::from(spans);
        if window.first + offset == selected { view.theme.selected_line(line) } else { line }
    }));
    frame.render_widget(FastParagraph::new(lines), inner);
    if let Some(marker) = window.marker(app.lang) {
        draw_position_marker(frame, area, marker, view.theme);
    }
    let cursor_row = inner.y + 1 + (selected.saturating_sub(window.first) as u16).min(inner.height.saturating_sub(2));
    frame.set_cursor_position((inner.x, cursor_row));
}

/// When the entry last changed, relative to the clock in the organisation's time zone ("12 min
/// ago", "yesterday 14:05"); a time the owner did not give as RFC 3339, as it is.
fn updated(entry: &QueueEntry, app: &App) -> String {
    let text = clean(&entry.updated);
    crate::ui::clock::parse_rfc3339(&text)
        .map_or(text, |then| crate::ui::clock::relative(app.now_ms, then, app.zone(), app.lang))
}

#[cfg(test)]
mod tests {
    use crate::instrument::Lang;
    use crate::tui::app::{Action, Effect, Screen, update};
    use crate::tui::backend::QueueEntry;
    use crate::tui::screens::fixtures;
    use crate::tui::view::test_support::{care, library, render};

    /// An entry last changed at `updated` ("2026-11-25 09:10", UTC; the owner sends RFC 3339).
    fn entry(name: &str, kiosk: bool, critical: bool, updated: &str) -> QueueEntry {
        QueueEntry {
            urgent: false,
            incomplete: false,
            encounter: name.to_lowercase(),
            client: format!("c-{name}"),
            client_name: name.into(),
            kiosk,
            critical,
            updated: format!("{}:00Z", updated.replace(' ', "T")),
            open_by: None,
        }
    }

    #[test]
    fn the_queue_says_how_long_ago_each_entry_changed_in_the_organisation_s_zone() {
        let mut app = fixtures::signed_in(Lang::En);
        let mut org = app.org.clone().unwrap();
        org.zone = crate::ui::clock::Zone::named("America/Regina").unwrap();
        // The clock: 2026-11-25 12:00 UTC, 06:00 in Regina (UTC-6).
        (app.now_ms, app.last_activity_ms) = (1_795_608_000_000, 1_795_608_000_000);
        let entries = vec![
            entry("Ann Now", false, false, "2026-11-25 12:00"),
            entry("Bo Minutes", false, false, "2026-11-25 11:48"),
            entry("Cy Hours", false, false, "2026-11-25 06:00"),
            entry("Di Yesterday", false, false, "2026-11-25 05:30"),
            entry("Ed Earlier", false, false, "2026-11-23 09:00"),
        ];
        update(&mut app, Action::HomeLoaded(Ok((org, entries))), library(), care(), "2026-11-25");
        let line = |screen: &str, name: &str| screen.lines().find(|l| l.contains(name)).unwrap().to_string();
        let screen = render(&app, 100, 24);
        for (name, when) in [
            ("Ann Now", "just now"),
            ("Bo Minutes", "12 min ago"),
            ("Cy Hours", "6 h ago"),
            ("Di Yesterday", "yesterday 23:30"),
            ("Ed Earlier", "2026-11-23"),
        ] {
            assert!(line(&screen, name).contains(when), "{name}: {when}\n{screen}");
        }
        // A clock on the next tick moves them on; French says it as French does.
        update(&mut app, Action::Tick(1_795_608_000_000 + 60_000), library(), care(), "2026-11-25");
        let screen = render(&crate::tui::app::App { lang: Lang::Fr, ..app.clone() }, 100, 24);
        for (name, when) in
            [("Ann Now", "il y a 1 min"), ("Bo Minutes", "il y a 13 min"), ("Di Yesterday", "hier à 23 h 30")]
        {
            assert!(line(&screen, name).contains(when), "{name}: {when}\n{screen}");
        }
    }

    /// Issue 16, item 4: the queue says who has an entry open; opening one someone else has open
    /// offers to take it over (t), and Esc or ^B leaves it.
    #[test]
    fn an_entry_open_elsewhere_says_by_whom_and_offers_to_take_it_over() {
        let mut app = fixtures::signed_in(Lang::En);
        let org = app.org.clone().unwrap();
        // 10:42 UTC, shown in the organisation's zone (the demo organisation: Halifax, UTC-4).
        let cleo = crate::store::OpenBy { user: "cleo".into(), since_ms: (10 * 60 + 42) * 60_000 };
        let held = QueueEntry { open_by: Some(cleo.clone()), ..entry("Jordan Lee", false, false, "2026-11-25 09:10") };
        update(&mut app, Action::HomeLoaded(Ok((org, vec![held]))), library(), care(), "2026-11-25");
        let queue = render(&app, 80, 24);
        let row = queue.lines().find(|l| l.contains("Jordan Lee")).unwrap_or_default();
        assert!(row.contains("open by cleo") && row.contains("since 06:42"), "{queue}");
        let french = render(&crate::tui::app::App { lang: Lang::Fr, ..app.clone() }, 80, 24);
        let row = french.lines().find(|l| l.contains("Jordan Lee")).unwrap_or_default();
        assert!(row.contains("ouverte par cleo") && row.contains("depuis 6 h 42"), "{french}");

        let effects = update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        assert_eq!(effects, vec![Effect::OpenEncounter("jordan lee".into())]);
        let offer = Action::HeldElsewhere { encounter: "jordan lee".into(), open_by: cleo };
        update(&mut app, offer.clone(), library(), care(), "2026-11-25");
        let screen = render(&app, 80, 24);
        assert!(screen.contains("Open by cleo since 06:42: t takes it over, Esc or ^B leaves it"), "{screen}");
        assert!(screen.contains("take over"), "the footer offers the key:\n{screen}");
        let effects = update(&mut app, Action::Letter('t'), library(), care(), "2026-11-25");
        assert_eq!(effects, vec![Effect::TakeOver("jordan lee".into())]);
        assert!(app.held.is_none());
        // Esc or ^B leaves it; `t` then does nothing.
        update(&mut app, offer, library(), care(), "2026-11-25");
        update(&mut app, Action::Back, library(), care(), "2026-11-25");
        assert!(app.held.is_none());
        assert!(update(&mut app, Action::Letter('t'), library(), care(), "2026-11-25").is_empty());
    }

    #[test]
    fn critical_entries_come_first() {
        let mut app = fixtures::signed_in(Lang::En);
        let org = app.org.clone().unwrap();
        let entries = vec![
            entry("Jordan Lee", false, false, "2026-11-25 09:10"),
            entry("Kiosk client 4F2A", true, true, "2026-11-25 09:05"),
            entry("Sam Okafor", false, false, "2026-11-25 09:20"),
        ];
        update(&mut app, Action::HomeLoaded(Ok((org, entries))), library(), care(), "2026-11-25");
        let screen = render(&app, 80, 24);
        let critical = screen.find("CRITICAL").unwrap();
        assert!(critical < screen.find("Sam Okafor").unwrap());
        insta::assert_snapshot!("home_80x24", screen);
        insta::assert_snapshot!(
            "home_120x40_fr",
            render(&crate::tui::app::App { lang: Lang::Fr, ..app.clone() }, 120, 40)
        );
        // The French footer at 80 columns: the queue's keys, then the help that lists them all.
        insta::assert_snapshot!(
            "home_80x24_fr",
            render(&crate::tui::app::App { lang: Lang::Fr, ..app.clone() }, 80, 24)
        );
        let effects = update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        assert_eq!(effects, vec![Effect::OpenEncounter("kiosk client 4f2a".into())]);
    }

    #[test]
    fn an_incomplete_kiosk_submission_with_severe_answers_sits_with_the_urgent_ones() {
        let mut app = fixtures::signed_in(Lang::En);
        let org = app.org.clone().unwrap();
        let stopped =
            QueueEntry { urgent: true, incomplete: true, ..entry("Kiosk 7c1e0a2b", true, false, "2026-11-25 09:01") };
        let entries = vec![
            entry("Jordan Lee", false, false, "2026-11-25 09:30"),
            stopped,
            entry("Kiosk 1a2b3c4d", true, true, "2026-11-25 09:00"),
        ];
        update(&mut app, Action::HomeLoaded(Ok((org, entries))), library(), care(), "2026-11-25");
        let screen = render(&app, 80, 24);
        let (critical, urgent, routine) =
            (screen.find("CRITICAL").unwrap(), screen.find("URGENT").unwrap(), screen.find("Jordan Lee").unwrap());
        assert!(critical < urgent && urgent < routine, "{screen}");
        assert!(screen.contains("kiosk, unfinished"), "{screen}");
        insta::assert_snapshot!("home_incomplete_80x24", screen);
        insta::assert_snapshot!(
            "home_incomplete_120x40_fr",
            render(&crate::tui::app::App { lang: Lang::Fr, ..app.clone() }, 120, 40)
        );
        // Claiming opens it like any other (the selection starts on the critical entry).
        update(&mut app, Action::Down, library(), care(), "2026-11-25");
        let effects = update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        assert_eq!(effects, vec![Effect::OpenEncounter("kiosk 7c1e0a2b".into())]);
    }

    #[test]
    fn the_queue_scrolls_to_keep_the_selection_on_screen() {
        let mut app = fixtures::signed_in(Lang::En);
        let org = app.org.clone().unwrap();
        let entries = (0..40).map(|n| entry(&format!("Client {n:02}"), false, false, "2026-11-25 09:00")).collect();
        update(&mut app, Action::HomeLoaded(Ok((org, entries))), library(), care(), "2026-11-25");
        for _ in 0..30 {
            update(&mut app, Action::Down, library(), care(), "2026-11-25");
        }
        let screen = render(&app, 80, 24);
        assert!(screen.contains("Client 30"), "{screen}");
        assert!(!screen.contains("Client 00"), "{screen}");
        assert!(screen.contains("–31 of 40"), "the position shows: {screen}");
        assert!(screen.contains("Client   "), "the columns are named: {screen}");
        let effects = update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        assert_eq!(effects, vec![Effect::OpenEncounter("client 30".into())]);
    }

    /// Issue 16, item 8: `c` on the queue issues a kiosk check-in code for the selected entry's
    /// client, as `c` on their history does; a kiosk submission nobody claimed has no client.
    #[test]
    fn c_on_the_queue_issues_a_check_in_code_for_the_selected_client() {
        let mut app = fixtures::signed_in(Lang::En);
        let org = app.org.clone().unwrap();
        let unclaimed = QueueEntry { client: String::new(), ..entry("Kiosk 7c1e", true, false, "2026-11-25 09:30") };
        let entries = vec![entry("Jordan Lee", false, false, "2026-11-25 09:10"), unclaimed];
        update(&mut app, Action::HomeLoaded(Ok((org, entries))), library(), care(), "2026-11-25");
        assert!(render(&app, 120, 24).contains("c check-in code"), "{}", render(&app, 120, 24));
        let effects = update(&mut app, Action::Letter('c'), library(), care(), "2026-11-25");
        assert!(effects.is_empty(), "{effects:?}");
        assert!(render(&app, 80, 24).contains("check-in code is for a client"), "{}", render(&app, 80, 24));
        update(&mut app, Action::Down, library(), care(), "2026-11-25");
        let effects = update(&mut app, Action::Letter('c'), library(), care(), "2026-11-25");
        assert_eq!(effects, vec![Effect::IssueCheckinFor("c-Jordan Lee".into())]);
        let code = crate::tui::backend::IssuedCode {
            code: "K7Q2-M9XD".into(),
            expires: "2026-11-25T10:10:00Z".into(),
            client: Some("c-Jordan Lee".into()),
        };
        update(&mut app, Action::CheckinIssued(Ok(code)), library(), care(), "2026-11-25");
        assert!(render(&app, 80, 24).contains("K7Q2-M9XD"), "{}", render(&app, 80, 24));
    }

    #[test]
    fn empty_queue_and_new_intake() {
        let mut app = fixtures::signed_in(Lang::En);
        let org = app.org.clone().unwrap();
        update(&mut app, Action::HomeLoaded(Ok((org, vec![]))), library(), care(), "2026-11-25");
        insta::assert_snapshot!("home_empty_80x24", render(&app, 80, 24));
        update(&mut app, Action::Letter('n'), library(), care(), "2026-11-25");
        assert!(matches!(app.screen, Screen::ClientForm(_)));
    }
}

#[cfg(test)]
mod notice_tests {
    use crate::instrument::Lang;
    use crate::tui::app::{Action, Effect, Screen, update};
    use crate::tui::backend::{Alert, AlertSource, AlertTier, Notice, QueueEntry};
    use crate::tui::screens::fixtures;
    use crate::tui::view::test_support::{care, library, render};

    fn kiosk_alert(tier: AlertTier) -> Alert {
        Alert {
            tier,
            source: AlertSource::Kiosk { device: "lobby-1".into(), reference: "1a2b3c4d".into() },
            entry: "kiosk:1a2b3c4d00000000".into(),
        }
    }

    fn key(app: &mut crate::tui::app::App, action: Action) -> Vec<Effect> {
        update(app, action, library(), care(), "2026-11-25")
    }

    #[test]
    fn a_pushed_alert_rings_shows_a_banner_and_refreshes_the_queue_on_screen() {
        let mut app = fixtures::signed_in(Lang::En);
        app.screen = Screen::Home { entries: Vec::new(), selected: 0 };
        let effects = key(&mut app, Action::Notice(Notice::Alert(kiosk_alert(AlertTier::Critical))));
        assert_eq!(effects, vec![Effect::Bell, Effect::LoadHome]);
        assert!(app.status.is_none(), "an alert is not an error on the status line");
        // Elsewhere (mid-intake) the bell rings and the banner shows; the intake is not disturbed.
        app.screen = Screen::Questionnaire;
        assert!(key(&mut app, Action::Notice(Notice::KioskSubmission)).is_empty());
        assert_eq!(key(&mut app, Action::Notice(Notice::Alert(kiosk_alert(AlertTier::Critical)))), vec![Effect::Bell]);
        assert!(matches!(app.screen, Screen::Questionnaire));
        // An urgent alert does not hide a critical one.
        key(&mut app, Action::Notice(Notice::Alert(kiosk_alert(AlertTier::Urgent))));
        assert_eq!(app.alert.as_ref().map(|a| a.tier), Some(AlertTier::Critical));
        key(&mut app, Action::DismissAlert);
        assert!(app.alert.is_none());
    }

    #[test]
    fn admins_and_the_worker_who_raised_the_flag_get_no_alert() {
        let mut app = fixtures::signed_in(Lang::En);
        if let Some(session) = app.session.as_mut() {
            session.role = crate::auth::Role::Admin;
        }
        app.screen = Screen::Admin(Box::default());
        assert!(key(&mut app, Action::Notice(Notice::Alert(kiosk_alert(AlertTier::Critical)))).is_empty());
        assert!(app.alert.is_none());
        let mut app = fixtures::intake(Lang::En, &[]);
        app.screen = Screen::Questionnaire;
        let own = Alert {
            tier: AlertTier::Critical,
            source: AlertSource::Staff { reference: "e1".into(), name: None },
            entry: "e1".into(),
        };
        assert!(key(&mut app, Action::Notice(Notice::Alert(own))).is_empty());
        assert!(app.alert.is_none());
    }

    #[test]
    fn ctrl_g_goes_from_a_questionnaire_to_the_queue_with_the_alerted_entry_selected() {
        let mut app = fixtures::intake(Lang::En, &[1, 2]);
        app.screen = Screen::Questionnaire;
        key(&mut app, Action::Notice(Notice::Alert(kiosk_alert(AlertTier::Critical))));
        let banner = render(&app, 80, 24);
        assert!(banner.contains("CRITICAL ALERT · kiosk lobby-1, submission 1a2b3c4d"), "{banner}");
        insta::assert_snapshot!("alert_banner_questionnaire_80x24_en", banner);
        insta::assert_snapshot!("alert_banner_questionnaire_120x40_en", render(&app, 120, 40));
        // Ctrl-L: the banner changes language with the rest.
        key(&mut app, Action::ToggleLanguage);
        let french = render(&app, 80, 24);
        assert!(french.contains("ALERTE CRITIQUE · borne lobby-1, soumission 1a2b3c4d"), "{french}");
        insta::assert_snapshot!("alert_banner_questionnaire_80x24_fr", french);
        insta::assert_snapshot!("alert_banner_questionnaire_120x40_fr", render(&app, 120, 40));
        key(&mut app, Action::ToggleLanguage);
        assert_eq!(key(&mut app, Action::GoToQueue), vec![Effect::LoadHome]);
        assert!(app.intake.is_none(), "the intake stays in the queue, saved");
        let org = app.org.clone().unwrap();
        let entry = |id: &str, name: &str, critical| QueueEntry {
            encounter: id.into(),
            client: String::new(),
            client_name: name.into(),
            kiosk: id.starts_with("kiosk:"),
            critical,
            urgent: false,
            incomplete: false,
            updated: "2026-11-25 09:00".into(),
            open_by: None,
        };
        let entries = vec![
            entry("e9", "Jordan Lee", true),
            entry("kiosk:1a2b3c4d00000000", "Kiosk 1a2b3c4d", true),
            entry("e1", "Émilie Tremblay", false),
        ];
        key(&mut app, Action::HomeLoaded(Ok((org, entries))));
        assert!(matches!(app.screen, Screen::Home { selected: 1, .. }), "{:?}", app.screen);
        let effects = key(&mut app, Action::Submit);
        assert_eq!(effects, vec![Effect::OpenEncounter("kiosk:1a2b3c4d00000000".into())]);
        assert!(app.alert.is_none(), "opening the alerted entry is seeing it");
    }

    #[test]
    fn the_crisis_screen_cannot_be_left_for_the_queue() {
        let mut app = fixtures::intake(Lang::En, &[0, 0, 0, 0, 0, 0, 0, 0]);
        app.screen = Screen::Questionnaire;
        key(&mut app, Action::Choose(2));
        assert!(matches!(app.screen, Screen::Crisis(_)));
        assert!(key(&mut app, Action::GoToQueue).is_empty());
        assert!(matches!(app.screen, Screen::Crisis(_)));
    }

    #[test]
    fn an_alert_about_a_staff_intake_elsewhere_names_the_client_once_looked_up() {
        let mut app = fixtures::intake(Lang::En, &[1, 2]);
        app.screen = Screen::Questionnaire;
        let elsewhere = Alert {
            tier: AlertTier::Urgent,
            source: AlertSource::Staff { reference: "e7000000".into(), name: None },
            entry: "e7".into(),
        };
        let effects = key(&mut app, Action::Notice(Notice::Alert(elsewhere)));
        assert!(effects.contains(&Effect::NameAlert("e7".into())), "{effects:?}");
        assert!(render(&app, 80, 24).contains("an intake elsewhere (e7000000)"));
        // A reply about another entry changes nothing; the right one names the client.
        key(&mut app, Action::AlertNamed { entry: "e8".into(), name: Ok("Someone Else".into()) });
        key(&mut app, Action::AlertNamed { entry: "e7".into(), name: Ok("Jordan Lee".into()) });
        let banner = render(&app, 80, 24);
        assert!(banner.contains("intake of Jordan Lee (e7000000)"), "{banner}");
        assert!(!banner.contains("Someone Else"));
    }
}
