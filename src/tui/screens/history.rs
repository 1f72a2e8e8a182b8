//! History: the client's details (editable with `e`), their encounters over time, a sparkline
//! per instrument, and reliable improvement, deterioration and recovery marked (NHS Talking
//! Therapies rules), per instrument and for the paired PHQ-9 and GAD-7 together.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline};

use crate::instrument::change::{Change, Direction, PairedOutcome, compare, talking_therapies};
use crate::instrument::{Lang, Library, ScoreResult};
use crate::tui::app::{ACCESS_NEEDS, Action, App, Deps, Effect, POPULATIONS, Screen, Status, go_home};
use crate::tui::backend::{ClientInfo, HistoryData};
use crate::tui::keys::{self, Binding, Entry, Key, bind};
use crate::tui::list_window::{Scrolled, window_of_heights};
use crate::tui::view::{View, body_block, clean, draw_position_marker};
use crate::ui::strings::Text;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    Edit,
    Checkin,
    Move,
    Back,
}

const KEYS: &[Binding<Cmd>] = &[
    bind(&[Key::Letter('e'), Key::EditClient], Cmd::Edit, Text::KeyEditClient)
        .when(|app, _| keys::may(app, crate::auth::Operation::UpdateClient)),
    bind(&[Key::Letter('c')], Cmd::Checkin, Text::KeyCheckinCode).when(may_issue_checkin),
    bind(&[Key::Back, Key::Letter('q')], Cmd::Back, Text::KeyBack),
    bind(&[Key::Arrows], Cmd::Move, Text::KeyMove).help_only(),
];

pub fn entries(app: &App, library: &Library) -> Vec<Entry> {
    keys::entries(KEYS, app, library)
}

/// Keys on a client's history.
pub fn key(app: &mut App, action: Action, deps: Deps) -> Vec<Effect> {
    let Screen::History(history) = &app.screen else { return Vec::new() };
    match keys::lookup(KEYS, app, deps.library, &action) {
        Some(Cmd::Back) => go_home(app),
        Some(Cmd::Move) => {
            let count = part_count(deps.library, history);
            if let Screen::History(history) = &mut app.screen {
                history.step(action == Action::Up, count);
            }
            Vec::new()
        }
        Some(Cmd::Edit) => {
            let client = history.client.clone();
            super::client::open_client_edit(app, client);
            Vec::new()
        }
        Some(Cmd::Checkin) => {
            let client = history.client.id.clone();
            issue_checkin(app, &client)
        }
        None => Vec::new(),
    }
}

/// Whether the role may issue a kiosk check-in code (`c` here and on the queue).
pub(crate) fn may_issue_checkin(app: &App, _: &Library) -> bool {
    keys::may(app, crate::auth::Operation::IssueCheckin)
}

/// A kiosk check-in code for the client `client_id` (from their history or their queue entry):
/// tied to them, so the kiosk links the answers to them and nobody types an id. The owner's
/// answer comes back to [`reply`]. A kiosk submission nobody has claimed has no client yet.
pub(crate) fn issue_checkin(app: &mut App, client_id: &str) -> Vec<Effect> {
    if client_id.is_empty() {
        app.status = Some(Status::Note(Text::CheckinNeedsClient, None));
        return Vec::new();
    }
    vec![Effect::IssueCheckinFor(client_id.to_string())]
}

/// The owner's check-in code for the client: shown on the status line to give to them.
pub fn reply(app: &mut App, action: Action, _: Deps) -> Vec<Effect> {
    let Action::CheckinIssued(issued) = action else { return Vec::new() };
    app.status = Some(match issued {
        Ok(code) => Status::Note(Text::CheckinIssuedFor, Some(code.code)),
        Err(message) => Status::Failed(message),
    });
    Vec::new()
}

/// The client's details on one line: date of birth, province, language, populations, access
/// needs and sex for scoring (codes the interface does not know are shown as stored, made safe).
pub fn details(client: &ClientInfo, lang: Lang) -> String {
    let populations: Vec<String> = client
        .populations
        .iter()
        .map(|p| crate::store::records::vocab_codes::population_code(*p).to_string())
        .collect();
    let labels = |codes: &[String], known: &[(&str, Text)], none: Text| {
        if codes.is_empty() {
            return none.get(lang).to_string();
        }
        let named = codes.iter().map(|code| match known.iter().find(|(k, _)| k == code) {
            Some((_, text)) => text.get(lang).to_string(),
            None => clean(code),
        });
        named.collect::<Vec<_>>().join(", ")
    };
    let separator = Text::LabelSeparator.get(lang);
    let sex = match client.sex_for_scoring {
        Some(crate::instrument::Sex::Female) => Text::SexFemale,
        Some(crate::instrument::Sex::Male) => Text::SexMale,
        None => Text::DetailsSexNotGiven,
    };
    format!(
        "{} · {} · {} · {}{separator}{} · {}{separator}{} · {}{separator}{}",
        clean(client.birth_date.as_deref().unwrap_or("-")),
        crate::store::records::vocab_codes::province_text(client.province),
        client.language.map_or("-", |l| match l {
            Lang::En => Text::ClientLanguageEn.get(lang),
            Lang::Fr => Text::ClientLanguageFr.get(lang),
        }),
        Text::FieldPopulations.get(lang),
        labels(&populations, &POPULATIONS, Text::ClientPopulationsNone),
        Text::FieldAccess.get(lang),
        labels(&client.access_needs, &ACCESS_NEEDS, Text::ClientDetailsNone),
        Text::DetailsSexForScoring.get(lang),
        sex.get(lang),
    )
}

/// One instrument's totals over time, and the change from the first to the last.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub instrument: String,
    pub points: Vec<(String, i64)>,
    pub change: Option<Change>,
}

/// Each instrument answered in an encounter, re-scored from its answers (scorable ones only).
fn encounter_results(
    library: &Library,
    client: &ClientInfo,
    encounter: &crate::tui::backend::PastEncounter,
) -> Vec<(String, ScoreResult)> {
    // The client's context as it was on the encounter's day (their age then).
    let context = crate::tui::app::scoring_context(client, &encounter.date);
    let mut answered: Vec<&str> = Vec::new();
    for (instrument, _, _) in &encounter.answers {
        if !answered.contains(&instrument.as_str()) {
            answered.push(instrument);
        }
    }
    let mut out = Vec::new();
    for id in answered {
        let Some(instrument) = library.get(id) else { continue };
        let mut answers = vec![None; instrument.items.len()];
        for (_, item, position) in encounter.answers.iter().filter(|(i, _, _)| i == id) {
            if let Some(index) = instrument.item_index(item) {
                answers[index] = Some(*position);
            }
        }
        let result = library.score(instrument, &answers, &context);
        if result.total.is_some() {
            out.push((id.to_string(), result));
        }
    }
    out
}

/// Re-scores every encounter from its answers and gathers the totals per instrument.
pub fn series(library: &Library, history: &HistoryData) -> Vec<Series> {
    let mut by_instrument: Vec<(String, Vec<(String, ScoreResult)>)> = Vec::new();
    for encounter in &history.encounters {
        for (id, result) in encounter_results(library, &history.client, encounter) {
            match by_instrument.iter_mut().find(|(i, _)| *i == id) {
                Some((_, list)) => list.push((encounter.date.clone(), result)),
                None => by_instrument.push((id, vec![(encounter.date.clone(), result)])),
            }
        }
    }
    by_instrument
        .into_iter()
        .map(|(id, results)| {
            let change = match (library.get(&id), results.first(), results.last()) {
                (Some(instrument), Some((_, first)), Some((_, last))) if results.len() > 1 => {
                    compare(instrument, first, last)
                }
                _ => None,
            };
            let points = results.iter().filter_map(|(date, r)| Some((date.clone(), r.total?))).collect();
            Series { instrument: id, points, change }
        })
        .collect()
}

/// The NHS Talking Therapies outcome over the first and last encounters in which both the
/// PHQ-9 and the GAD-7 were scored: (start date, end date, outcome); `None` with fewer than two.
pub fn paired(library: &Library, history: &HistoryData) -> Option<(String, String, PairedOutcome)> {
    let (phq9, gad7) = (library.get("phq9")?, library.get("gad7")?);
    let both: Vec<(String, ScoreResult, ScoreResult)> = history
        .encounters
        .iter()
        .filter_map(|encounter| {
            let results = encounter_results(library, &history.client, encounter);
            let of = |id: &str| results.iter().find(|(i, _)| i == id).map(|(_, r)| r.clone());
            Some((encounter.date.clone(), of("phq9")?, of("gad7")?))
        })
        .collect();
    let (Some((start, phq9_start, gad7_start)), Some((end, phq9_end, gad7_end))) = (both.first(), both.last()) else {
        return None;
    };
    if both.len() < 2 {
        return None;
    }
    let depression = compare(phq9, phq9_start, phq9_end)?;
    let anxiety = compare(gad7, gad7_start, gad7_end)?;
    Some((start.clone(), end.clone(), talking_therapies(&depression, &anxiety)))
}

/// The paired outcome in words, most telling first, each with its style.
fn paired_words(outcome: &PairedOutcome, lang: Lang, view: &View) -> Vec<Span<'static>> {
    let mut words = Vec::new();
    let mut push = |text: Text, style| words.push(Span::styled(format!("  {}", text.get(lang)), style));
    if outcome.case_at_start {
        push(Text::PairedCaseAtStart, view.theme.muted);
        if outcome.reliable_recovery {
            push(Text::ReliableRecovery, view.theme.ok);
        } else if outcome.recovery {
            push(Text::Recovery, view.theme.ok);
        } else {
            push(Text::PairedNotRecovered, view.theme.muted);
        }
    } else {
        push(Text::PairedNotCaseAtStart, view.theme.muted);
    }
    // Reliable recovery already says the change was a reliable improvement.
    if outcome.reliable_deterioration {
        push(Text::ReliableDeterioration, view.theme.critical);
    } else if outcome.reliable_improvement && !outcome.reliable_recovery {
        push(Text::ReliableImprovement, view.theme.ok);
    } else if !outcome.reliable_improvement {
        push(Text::NoReliableChange, view.theme.muted);
    }
    words
}

/// One block of the history as drawn, and the unit it scrolls by: the paired outcome, one
/// instrument's totals and sparkline, or one withdrawn risk flag (dated, with who and why).
enum Part<'a> {
    Paired(String, String, PairedOutcome),
    Series(&'a Series),
    RiskChange(Line<'static>),
}

impl Part<'_> {
    /// Rows it takes in a box `width` wide (a blank row after the paired outcome and each series).
    fn height(&self, width: usize) -> usize {
        match self {
            Part::Paired(..) | Part::Series(_) => 3,
            Part::RiskChange(line) => line.width().div_ceil(width.max(1)).max(1),
        }
    }
}

/// How many parts the history has, for the keys to scroll within them.
fn part_count(library: &Library, history: &HistoryData) -> usize {
    let flags: usize = history.encounters.iter().flat_map(|e| &e.risk_changes).map(|c| c.flags.len()).sum();
    usize::from(paired(library, history).is_some()) + series(library, history).len() + flags
}

fn parts<'a>(all: &'a [Series], history: &HistoryData, app: &App, view: &View) -> Vec<Part<'a>> {
    let mut parts = Vec::new();
    if let Some((start, end, outcome)) = paired(view.library, history) {
        parts.push(Part::Paired(start, end, outcome));
    }
    parts.extend(all.iter().map(Part::Series));
    // Risk flags withdrawn by a changed answer stay in the history, dated, with who and why.
    let client_lang = history.client.language.unwrap_or(app.lang);
    for encounter in &history.encounters {
        for change in &encounter.risk_changes {
            let lines =
                crate::tui::screens::results::risk_change_lines(change, view.library, client_lang, app.lang, view);
            for line in lines {
                let mut spans = vec![Span::styled(format!("{} ", encounter.date), view.theme.muted)];
                spans.extend(line.spans);
                parts.push(Part::RiskChange(Line::from(spans).style(view.theme.warning)));
            }
        }
    }
    parts
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, history: &Scrolled<HistoryData>, view: &View) {
    let title = format!("{} · {}", Text::HistoryTitle.get(app.lang), clean(&history.client.name));
    let block = body_block(&title, view.theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(Paragraph::new(details(&history.client, app.lang)), Rect { height: 1, ..inner });
    let inner = Rect { y: inner.y + 2, height: inner.height.saturating_sub(2), ..inner };
    let all = series(view.library, history);
    if all.is_empty() {
        frame.render_widget(Paragraph::new(Text::HistoryEmpty.get(app.lang)).style(view.theme.muted), inner);
        return;
    }
    let parts = parts(&all, history, app, view);
    let heights: Vec<usize> = parts.iter().map(|part| part.height(usize::from(inner.width))).collect();
    let window = window_of_heights(&heights, history.scroll, usize::from(inner.height));
    let mut y = inner.y;
    for (part, height) in parts[window.range()].iter().zip(&heights[window.range()]) {
        if y >= inner.bottom() {
            break;
        }
        let rows = (*height as u16).min(inner.bottom() - y);
        let room = Rect { y, height: rows, ..inner };
        match part {
            Part::Paired(start, end, outcome) => draw_paired(frame, room, (start, end, outcome), app, view),
            Part::Series(series) => draw_series(frame, room, series, app, view),
            // The reason may be long: it wraps onto the rows it needs, as far as they go.
            Part::RiskChange(line) => frame.render_widget(
                Paragraph::new(line.clone()).wrap(ratatui::widgets::Wrap { trim: true }),
                Rect { height: rows, ..room },
            ),
        }
        y += rows;
    }
    if let Some(marker) = window.marker(app.lang) {
        draw_position_marker(frame, area, marker, view.theme);
    }
}

/// The PHQ-9 and GAD-7 outcome together and the dates it spans, in the first two rows of `room`.
fn draw_paired(
    frame: &mut Frame,
    room: Rect,
    (start, end, outcome): (&str, &str, &PairedOutcome),
    app: &App,
    view: &View,
) {
    let mut spans = vec![Span::styled("PHQ-9+GAD-7", view.theme.title)];
    spans.extend(paired_words(outcome, app.lang, view));
    frame.render_widget(Paragraph::new(Line::from(spans)), Rect { height: 1, ..room });
    if room.height < 2 {
        return;
    }
    let dates = format!("{} · {} … {}", Text::PairedTitle.get(app.lang), clean(start), clean(end));
    frame.render_widget(
        Paragraph::new(dates).style(view.theme.muted),
        Rect { x: room.x + 11, y: room.y + 1, width: room.width.saturating_sub(11), height: 1 },
    );
}

/// One instrument's totals, change and recovery, with its sparkline and dates below.
fn draw_series(frame: &mut Frame, room: Rect, series: &Series, app: &App, view: &View) {
    let name =
        view.library.get(&series.instrument).map_or(series.instrument.clone(), |i| clean(i.short_title.get(Lang::En)));
    let totals: Vec<String> = series.points.iter().map(|(_, t)| t.to_string()).collect();
    let mut spans = vec![Span::styled(format!("{name:<10} "), view.theme.title), Span::raw(totals.join(" → "))];
    if let Some(change) = &series.change {
        let (text, style) = match change.direction {
            Direction::ReliableImprovement => (Text::ReliableImprovement, view.theme.ok),
            Direction::ReliableDeterioration => (Text::ReliableDeterioration, view.theme.critical),
            Direction::NoReliableChange => (Text::HistoryTitle, view.theme.muted),
        };
        if change.direction != Direction::NoReliableChange {
            spans.push(Span::styled(format!("  {} ({:+})", text.get(app.lang), change.change), style));
        }
        if change.recovery {
            spans.push(Span::styled(format!("  {}", Text::Recovery.get(app.lang)), view.theme.ok));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), Rect { height: 1, ..room });
    if room.height < 2 {
        return;
    }
    let (x, y) = (room.x, room.y + 1);
    let data: Vec<u64> = series.points.iter().map(|(_, t)| u64::try_from(*t).unwrap_or(0)).collect();
    let range = view.library.get(&series.instrument).and_then(|i| i.total_range()).map_or(1, |(_, high)| high.max(1));
    let width = (data.len() as u16).min(room.width.saturating_sub(11));
    frame.render_widget(
        Sparkline::default().data(&data).max(u64::try_from(range).unwrap_or(1)).style(view.theme.gauge),
        Rect { x: x + 11, y, width, height: 1 },
    );
    let dates = format!(
        "{} … {}",
        series.points.first().map_or("", |p| p.0.as_str()),
        series.points.last().map_or("", |p| p.0.as_str())
    );
    if room.width > 11 + width + 2 + dates.len() as u16 {
        frame.render_widget(
            Paragraph::new(dates).style(view.theme.muted),
            Rect { x: x + 13 + width, y, width: room.width - 13 - width, height: 1 },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::vocab::Population;
    use crate::tui::app::Screen;
    use crate::tui::backend::PastEncounter;
    use crate::tui::screens::fixtures;
    use crate::tui::view::test_support::{library, render};

    fn phq9(date: &str, positions: [usize; 9]) -> PastEncounter {
        PastEncounter {
            risk_changes: Vec::new(),
            date: date.into(),
            answers: positions
                .iter()
                .enumerate()
                .map(|(i, p)| ("phq9".to_string(), format!("q{}", i + 1), *p))
                .collect(),
        }
    }

    fn gad7(date: &str, positions: [usize; 7]) -> PastEncounter {
        PastEncounter {
            risk_changes: Vec::new(),
            date: date.into(),
            answers: positions
                .iter()
                .enumerate()
                .map(|(i, p)| ("gad7".to_string(), format!("q{}", i + 1), *p))
                .collect(),
        }
    }

    /// One encounter in which both were answered.
    fn both(first: PastEncounter, second: PastEncounter) -> PastEncounter {
        PastEncounter {
            date: first.date,
            answers: first.answers.into_iter().chain(second.answers).collect(),
            risk_changes: Vec::new(),
        }
    }

    fn history() -> HistoryData {
        HistoryData {
            client: fixtures::client(Lang::En),
            encounters: vec![
                both(phq9("2026-09-01", [2, 2, 2, 2, 2, 2, 2, 1, 0]), gad7("2026-09-01", [2, 2, 1, 1, 1, 1, 1])),
                both(phq9("2026-10-01", [2, 1, 1, 1, 1, 1, 1, 0, 0]), gad7("2026-10-01", [3, 3, 2, 2, 2, 2, 1])),
                phq9("2026-11-01", [1, 1, 1, 1, 1, 0, 0, 0, 0]),
            ],
        }
    }

    #[test]
    fn the_paired_outcome_uses_the_first_and_last_encounters_with_both() {
        // PHQ-9 15 -> 8 (reliable improvement) but GAD-7 9 -> 15 (reliable deterioration, still
        // a case): not recovered, and deterioration wins over improvement.
        let (start, end, outcome) = paired(library(), &history()).unwrap();
        assert_eq!((start.as_str(), end.as_str()), ("2026-09-01", "2026-10-01"));
        assert!(outcome.case_at_start && !outcome.recovery);
        assert!(outcome.reliable_deterioration && !outcome.reliable_improvement);

        let mut recovered = history();
        recovered.encounters[1] =
            both(phq9("2026-10-01", [1, 1, 1, 1, 1, 0, 0, 0, 0]), gad7("2026-10-01", [1, 1, 1, 0, 0, 0, 0]));
        let (_, _, outcome) = paired(library(), &recovered).unwrap();
        assert!(outcome.recovery && outcome.reliable_improvement && outcome.reliable_recovery);

        let mut single = history();
        single.encounters.truncate(1);
        assert_eq!(paired(library(), &single), None, "one paired encounter has no outcome yet");
    }

    #[test]
    fn reliable_improvement_and_recovery_are_marked() {
        let all = series(library(), &history());
        let phq9 = all.iter().find(|s| s.instrument == "phq9").unwrap();
        assert_eq!(phq9.points.iter().map(|p| p.1).collect::<Vec<_>>(), vec![15, 8, 5]);
        let change = phq9.change.as_ref().unwrap();
        assert_eq!(change.direction, Direction::ReliableImprovement);
        assert!(change.recovery && change.reliable_recovery);
        let gad7 = all.iter().find(|s| s.instrument == "gad7").unwrap();
        assert_eq!(gad7.change.as_ref().unwrap().direction, Direction::ReliableDeterioration);
    }

    #[test]
    fn history_snapshots() {
        let mut app = fixtures::signed_in(Lang::En);
        app.screen = Screen::History(Box::new(Scrolled::new(history())));
        insta::assert_snapshot!("history_80x24", render(&app, 80, 24));
        app.lang = Lang::Fr;
        let french = render(&app, 120, 40);
        // The client's language is named in French ("anglais"), not by its English name.
        assert!(french.contains("· anglais ·") && !french.contains("English ·"), "{french}");
        insta::assert_snapshot!("history_120x40_fr", french);
        app.lang = Lang::Fr;
        insta::assert_snapshot!("history_80x24_fr", render(&app, 80, 24));
        app.lang = Lang::En;
        insta::assert_snapshot!("history_120x40", render(&app, 120, 40));
        app.lang = Lang::En;
        app.screen = Screen::History(Box::new(Scrolled::new(HistoryData {
            client: fixtures::client(Lang::En),
            encounters: vec![],
        })));
        assert!(render(&app, 80, 24).contains("No earlier"));
    }

    /// Two years of monthly PHQ-9s, each with a withdrawn suicide-item flag: more than a screen.
    fn long_history() -> HistoryData {
        let mut long = history();
        for month in 0..24 {
            let mut encounter = phq9(&format!("{}-{:02}-15", 2027 + month / 12, month % 12 + 1), [1; 9]);
            encounter.risk_changes.push(crate::intake::RiskChange {
                instrument: "phq9".into(),
                flags: vec!["phq9.suicide_item".into()],
                by: "mlee".into(),
                reason: format!("answer corrected with the client, visit {}", month + 1),
            });
            long.encounters.push(encounter);
        }
        long
    }

    #[test]
    fn a_long_history_scrolls_and_says_where_it_is() {
        use crate::tui::app::update;
        use crate::tui::view::test_support::care;
        let mut app = fixtures::signed_in(Lang::En);
        app.screen = Screen::History(Box::new(Scrolled::new(long_history())));
        let Screen::History(shown) = &app.screen else { unreachable!() };
        // The paired outcome, two series and 24 withdrawn flags.
        let count = part_count(library(), shown);
        assert_eq!(count, 27);
        let first = render(&app, 80, 24);
        assert!(first.contains("PHQ-9+GAD-7") && first.contains(" of 27 "), "{first}");
        insta::assert_snapshot!("history_long_80x24", first);
        for _ in 0..10 {
            update(&mut app, Action::Down, library(), care(), "2026-11-25");
        }
        let scrolled = render(&app, 80, 24);
        assert!(!scrolled.contains("PHQ-9+GAD-7") && scrolled.contains("11–"), "{scrolled}");
        insta::assert_snapshot!("history_long_80x24_scrolled", scrolled);
        app.lang = Lang::Fr;
        insta::assert_snapshot!("history_long_80x24_scrolled_fr", render(&app, 80, 24));
        insta::assert_snapshot!("history_long_120x40_fr", render(&app, 120, 40));
        app.lang = Lang::En;
        insta::assert_snapshot!("history_long_120x40", render(&app, 120, 40));
        // At the end the last flag is on the last row, and Down goes no further than the list.
        for _ in 0..40 {
            update(&mut app, Action::Down, library(), care(), "2026-11-25");
        }
        let Screen::History(shown) = &app.screen else { unreachable!() };
        assert_eq!(shown.scroll, count - 1);
        assert!(render(&app, 80, 24).contains("visit 24"));
    }

    #[test]
    fn e_edits_the_client_and_the_history_shows_the_new_details() {
        use crate::tui::app::{Action, Effect, update};
        use crate::tui::view::test_support::care;
        let mut app = fixtures::signed_in(Lang::En);
        app.screen = Screen::History(Box::new(Scrolled::new(history())));
        let key = |app: &mut App, action| update(app, action, library(), care(), "2026-11-25");
        assert!(key(&mut app, Action::Letter('e')).is_empty());
        assert!(matches!(app.screen, Screen::ClientForm(_)), "{:?}", app.screen);
        key(&mut app, Action::ClearField);
        for c in "Émilie Roy".chars() {
            key(&mut app, Action::Input(c));
        }
        let effects = key(&mut app, Action::Submit);
        let [Effect::UpdateClient(client)] = &effects[..] else { panic!("{effects:?}") };
        let saved = ClientInfo {
            province: Some(crate::triage::vocab::Province::Nb),
            populations: vec![Population::Newcomers, Population::Trans],
            ..client.clone()
        };
        key(&mut app, Action::ClientUpdated(Ok(saved)));
        let Screen::History(shown) = &app.screen else { panic!("{:?}", app.screen) };
        assert_eq!((shown.client.name.as_str(), shown.encounters.len()), ("Émilie Roy", 3));
        let screen = render(&app, 80, 24);
        assert!(screen.contains("History · Émilie Roy"), "{screen}");
        // A population the form does not list is shown by its code.
        assert!(screen.contains("1990-04-02 · NB · English · Populations: Newcomer, trans"), "{screen}");
        assert!(
            details(&shown.client, Lang::Fr)
                .contains("Populations : Nouvel arrivant, trans · Besoins d'accès : Pas d'Internet")
        );
        // Back from the history still goes to the queue.
        assert_eq!(key(&mut app, Action::Back), vec![Effect::LoadHome]);
    }
}
