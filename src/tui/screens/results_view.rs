//! Drawing the results screen: each instrument's total, band and flags, the level with its
//! reasons and the decision on record, the lift and finish prompts, and the resources with their
//! reasons (wrapped) in a window that follows the cursor. Pure: a function of the state.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Wrap;

use super::results::{OUTCOMES, ResultsState};
use crate::instrument::{Lang, Severity};
use crate::triage::Level;
use crate::triage::wording::flag_words;
use crate::tui::app::{App, Intake};
use crate::tui::list_window::{Window, wrap_words};
use crate::tui::view::{View, body_block, clean, draw_position_marker};
use crate::ui::paragraph::FastParagraph;
use crate::ui::strings::Text;

/// A flag's severity as the results screen shows it: "CRITICAL", "CRITIQUE".
fn severity_word(severity: Severity, lang: Lang) -> String {
    let severity = match severity {
        Severity::Critical => crate::triage::vocab::Severity::Critical,
        Severity::Urgent => crate::triage::vocab::Severity::Urgent,
        Severity::Warning => crate::triage::vocab::Severity::Warning,
    };
    crate::triage::wording::severity_words(severity, lang).to_uppercase()
}

pub fn level_text(level: Level) -> Text {
    match level {
        Level::Crisis => Text::LevelCrisis,
        Level::One => Text::Level1,
        Level::Two => Text::Level2,
        Level::Three => Text::Level3,
        Level::Four => Text::Level4,
        Level::Five => Text::Level5,
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, state: &ResultsState, view: &View) {
    let Some(intake) = &app.intake else { return };
    if let Some(preview) = &state.preview {
        return super::summary::draw(frame, area, preview, app.lang, view);
    }
    let title = format!("{} · {}", Text::ResultsTitle.get(app.lang), clean(&intake.client.name));
    let block = body_block(&title, view.theme);
    let mut inner = block.inner(area);
    frame.render_widget(block, area);
    inner.width -= draw_qr(frame, inner, state, view);
    let result_lines = result_lines(intake, app, view);
    let level_lines = level_lines(state, app, view);

    // A withdrawn flag's line carries a reason of any length: it wraps, and is counted wrapped.
    let width = usize::from(inner.width.max(1));
    let result_rows: usize = result_lines.iter().map(|l| l.width().div_ceil(width).max(1)).sum();
    let result_height = (result_rows as u16).min(inner.height / 3);
    let level_height = (level_lines.len() as u16).min(inner.height / 3);
    let [results_area, level_area, _, resources_area] = Layout::vertical([
        Constraint::Length(result_height),
        Constraint::Length(level_height),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    frame.render_widget(FastParagraph::new(result_lines).wrap(Wrap { trim: false }), results_area);
    frame.render_widget(FastParagraph::new(level_lines).wrap(Wrap { trim: true }), level_area);

    draw_resources(frame, area, resources_area, app, state, view);
}

/// Where the terminal is big enough, a QR code of the selected resource's web address at the
/// right of `inner`; the columns it took (none when it does not fit).
fn draw_qr(frame: &mut Frame, inner: Rect, state: &ResultsState, view: &View) -> u16 {
    let qr = state.qr_codes.get(state.cursor).and_then(Option::as_ref);
    let Some(qr) = qr.filter(|q| {
        let width = q.first().map_or(0, |l| l.chars().count()) as u16;
        inner.width >= 70 + width && inner.height >= q.len() as u16 + 2
    }) else {
        return 0;
    };
    let width = qr.first().map_or(0, |l| l.chars().count()) as u16;
    let panel = Rect { x: inner.right() - width, y: inner.y, width, height: qr.len() as u16 + 1 };
    // Dark modules on a light ground whatever the theme, so phones can read it.
    let style = if view.theme.name == "monochrome" {
        view.theme.base
    } else {
        ratatui::style::Style::default().fg(ratatui::style::Color::Black).bg(ratatui::style::Color::White)
    };
    let mut lines: Vec<Line> = qr.iter().map(|l| Line::styled(l.as_str(), style)).collect();
    if let Some(url) = state.plan.resources.get(state.cursor).and_then(|r| r.url.as_deref()) {
        lines.push(Line::styled(clean(url), view.theme.muted));
    }
    frame.render_widget(FastParagraph::new(lines), panel);
    width + 1
}

/// Each instrument's total, band and flags, after the withdrawn risk flags.
pub(crate) fn result_lines<'a>(intake: &'a Intake, app: &App, view: &View) -> Vec<Line<'a>> {
    let client_lang = app.client_lang();
    // A risk flag withdrawn by a changed answer is still shown, with who changed it and why,
    // first, so that no window size hides it.
    let mut result_lines: Vec<Line> = intake
        .flow
        .risk_changes()
        .iter()
        .flat_map(|change| risk_change_lines(change, view.library, client_lang, app.lang, view))
        .collect();
    for result in intake.flow.results() {
        let Some(instrument) = view.library.get(&result.instrument) else { continue };
        let lang = if instrument.languages.contains(&client_lang) { client_lang } else { Lang::En };
        let mut spans =
            vec![Span::styled(format!("{:<10} ", clean(instrument.short_title.get(lang))), view.theme.title)];
        if !result.scorable {
            spans.push(Span::styled(
                format!("{} {}", Text::NotScorable.get(app.lang), result.missing.join(", ")),
                view.theme.warning,
            ));
        } else {
            if let (Some(total), Some((low, high))) = (result.total, instrument.total_range()) {
                spans.push(Span::raw(format!("{total:>3} ({low}-{high}) ")));
            }
            let band = instrument.default_scheme.and_then(|scheme| {
                let band_id = result.band.as_ref()?;
                instrument.band_schemes[scheme]
                    .bands
                    .iter()
                    .find(|b| &b.id == band_id)
                    // Band labels are our own text, in French for every instrument, even one
                    // whose items are English only.
                    .map(|b| clean(b.label.get(client_lang)))
            });
            if let Some(band) = band {
                spans.push(Span::raw(format!("{band} ")));
            }
            if result.positive {
                spans.push(Span::styled(Text::Positive.get(app.lang), view.theme.warning));
            }
        }
        for flag in &result.flags {
            let style = if flag.severity == Severity::Critical { view.theme.critical } else { view.theme.warning };
            spans.push(Span::raw(" "));
            // In English the flag's id, as the screen has always shown it; in French, its words.
            let name = if app.lang == Lang::Fr { flag_words(&flag.id, app.lang) } else { flag.id.clone() };
            let words = format!(" {} {name} ", severity_word(flag.severity, app.lang));
            spans.push(Span::styled(words, style));
        }
        result_lines.push(Line::from(spans));
    }

    result_lines
}

/// The suggested and final levels, why, the override and lifting in progress, and what was saved.
pub(crate) fn level_lines<'a>(state: &'a ResultsState, app: &App, view: &View) -> Vec<Line<'a>> {
    // Finishing takes the place of the levels, so the outcomes always fit.
    if state.finishing.is_some() {
        let mut lines = finish_lines(state, app, view);
        lines.extend(state.error.map(|error| Line::styled(error.get(app.lang), view.theme.warning)));
        return lines;
    }
    let mut level_lines = Vec::new();
    let suggested = level_text(state.plan.suggested).get(app.lang);
    level_lines.push(Line::from(vec![
        Span::styled(
            format!("{}{}", Text::SuggestedLevel.get(app.lang), crate::ui::strings::colon(app.lang)),
            view.theme.title,
        ),
        Span::styled(
            suggested,
            if state.plan.suggested == Level::Crisis { view.theme.critical } else { view.theme.base },
        ),
    ]));
    for reason in state.plan.reasons.iter().take(3) {
        level_lines.push(Line::styled(
            format!("  {} {}", Text::Because.get(app.lang), clean(&reason.render(app.lang))),
            view.theme.muted,
        ));
    }
    if let Some((level, reason)) = &state.overriding {
        level_lines.push(Line::from(vec![
            Span::styled(
                format!("{}{}", Text::FinalLevel.get(app.lang), crate::ui::strings::colon(app.lang)),
                view.theme.title,
            ),
            Span::styled(level_text(*level).get(app.lang), view.theme.selected),
        ]));
        level_lines.push(Line::from(vec![
            Span::raw(format!("{} ", Text::OverrideReason.get(app.lang))),
            Span::styled(reason.marked(), view.theme.input),
        ]));
    } else if let Some(decided) = state.decided {
        level_lines.push(Line::from(vec![
            Span::styled(
                format!("{}{}", Text::FinalLevel.get(app.lang), crate::ui::strings::colon(app.lang)),
                view.theme.title,
            ),
            Span::styled(format!("{} ✓", level_text(decided).get(app.lang)), view.theme.ok),
        ]));
        if let Some(reason) = &state.decided_reason {
            level_lines.push(Line::styled(
                format!(
                    "  {}{}{}",
                    Text::DecisionReason.get(app.lang),
                    crate::ui::strings::colon(app.lang),
                    clean(reason)
                ),
                view.theme.muted,
            ));
        }
        if let Some((by, at)) = &state.decided_by {
            level_lines.push(Line::styled(
                format!(
                    "  {} {} · {}",
                    Text::DecidedBy.get(app.lang),
                    clean(by),
                    crate::ui::clock::shown(&clean(at), app.zone(), app.lang)
                ),
                view.theme.muted,
            ));
        }
    }
    level_lines.extend(lift_lines(state, app, view));
    if let Some(error) = state.error {
        level_lines.push(Line::styled(error.get(app.lang), view.theme.warning));
    }
    if let Some(path) = &state.summary {
        level_lines.push(Line::styled(format!("{} {}", Text::SummarySaved.get(app.lang), clean(path)), view.theme.ok));
    }

    level_lines
}

/// An exclusion being lifted: the choices, and the reason being typed.
fn lift_lines<'a>(state: &'a ResultsState, app: &App, view: &View) -> Vec<Line<'a>> {
    let mut level_lines = Vec::new();
    if let Some(lifting) = &state.lifting {
        level_lines.push(Line::styled(Text::LiftTitle.get(app.lang), view.theme.title));
        for (index, liftable) in state.plan.liftable.iter().enumerate() {
            let line = Line::from(vec![
                Span::styled(format!("  {}  ", index + 1), view.theme.key),
                Span::raw(format!(
                    "{}: {}",
                    clean(&liftable.name),
                    clean(if app.lang == Lang::Fr { &liftable.why_fr } else { &liftable.why })
                )),
            ]);
            level_lines.push(if lifting.choice == Some(index) { view.theme.selected_line(line) } else { line });
        }
        if lifting.choice.is_some() {
            level_lines.push(Line::from(vec![
                Span::raw(format!("{} ", Text::LiftReasonLabel.get(app.lang))),
                Span::styled(lifting.reason.marked(), view.theme.input),
            ]));
        }
    }
    level_lines
}

/// Finishing: the outcomes, and the reason being typed.
fn finish_lines<'a>(state: &'a ResultsState, app: &App, view: &View) -> Vec<Line<'a>> {
    let Some(finishing) = &state.finishing else { return Vec::new() };
    let mut lines = vec![Line::styled(Text::FinishTitle.get(app.lang), view.theme.title)];
    for (index, (_, text)) in OUTCOMES.iter().enumerate() {
        let line =
            Line::from(vec![Span::styled(format!("  {}  ", index + 1), view.theme.key), Span::raw(text.get(app.lang))]);
        lines.push(if finishing.choice == Some(index) { view.theme.selected_line(line) } else { line });
    }
    if finishing.choice.is_some() {
        lines.push(Line::from(vec![
            Span::raw(format!("{} ", Text::FinishReasonLabel.get(app.lang))),
            Span::styled(finishing.reason.marked(), view.theme.input),
        ]));
    }
    lines
}

/// The matched resources in `resources_area`, the position marker on the border of `area`.
fn draw_resources(frame: &mut Frame, area: Rect, resources_area: Rect, app: &App, state: &ResultsState, view: &View) {
    // Each resource is its line and its reasons, wrapped whole under it; the list scrolls by
    // resource so that the selected one shows with all of its reasons.
    let reason_width = usize::from(resources_area.width.saturating_sub(4));
    let blocks: Vec<Vec<Line>> = state
        .plan
        .resources
        .iter()
        .enumerate()
        .map(|(index, resource)| {
            let mark = if state.picked.get(index).copied().unwrap_or(false) { "[x]" } else { "[ ]" };
            let style = if resource.crisis { view.theme.warning } else { view.theme.base };
            let line = Line::from(vec![
                Span::raw(format!("{mark} ")),
                Span::styled(clean(&resource.name), style),
                Span::styled(format!("  {} · {}", clean(&resource.contact), clean(&resource.hours)), view.theme.muted),
            ]);
            let mut block = vec![if index == state.cursor && state.overriding.is_none() {
                view.theme.selected_line(line)
            } else {
                line
            }];
            let reasons: Vec<String> = resource.reasons.iter().map(|r| clean(&r.render(app.lang))).collect();
            block.extend(
                wrap_words(&reasons.join("; "), reason_width)
                    .into_iter()
                    .map(|row| Line::styled(format!("    {row}"), view.theme.muted)),
            );
            block
        })
        .collect();
    let room = usize::from(resources_area.height.saturating_sub(1));
    let (start, shown) = resource_window(&blocks, state.cursor, room);
    let mut resource_lines = vec![Line::styled(Text::MatchedResources.get(app.lang), view.theme.title)];
    let mut cursor_row = resources_area.y + 1;
    for (index, block) in blocks.iter().enumerate().skip(start).take(shown) {
        if index < state.cursor {
            cursor_row += block.len() as u16;
        }
        resource_lines.extend(block.iter().cloned());
    }
    let window = Window { first: start, shown, total: blocks.len() };
    if let Some(marker) = window.marker(app.lang) {
        draw_position_marker(frame, area, marker, view.theme);
    }
    frame.render_widget(FastParagraph::new(resource_lines), resources_area);
    if state.overriding.is_none() && cursor_row < resources_area.bottom() {
        frame.set_cursor_position((resources_area.x, cursor_row));
    }
}

/// "PHQ-9 CRITICAL <flag>: raised, then changed by NAME: reason", one line per flag withdrawn.
pub fn risk_change_lines(
    change: &crate::intake::RiskChange,
    library: &crate::instrument::Library,
    client_lang: Lang,
    ui: Lang,
    view: &View,
) -> Vec<Line<'static>> {
    let instrument = library.get(&change.instrument);
    let lang = instrument.filter(|i| i.languages.contains(&client_lang)).map_or(Lang::En, |_| client_lang);
    let title = instrument.map_or(change.instrument.clone(), |i| clean(i.short_title.get(lang)));
    let by = crate::ui::strings::fill(
        Text::RiskChangedBy,
        ui,
        &[("name", clean(&change.by)), ("reason", clean(&change.reason))],
    );
    change
        .flags
        .iter()
        .map(|key| {
            let id = key.split_once('.').map_or(key.as_str(), |(_, flag)| flag);
            let flag = instrument.and_then(|i| i.flags.iter().find(|f| f.id == id));
            let severity = flag.map_or("", |f| f.severity.as_str()).to_uppercase();
            // The flag's id, as the results show a raised flag; its label is too long for a line.
            Line::styled(format!("{title:<10} {severity} {}: {by}", clean(id)), view.theme.warning)
        })
        .collect()
}

/// The first resource to show and how many fit in `room` rows: the selected one whole on screen
/// (or as much of it as the room holds), with as many whole ones before it as fit, then those
/// after it, as every list here scrolls (the selection stays on screen; no state is kept).
fn resource_window(blocks: &[Vec<Line>], cursor: usize, room: usize) -> (usize, usize) {
    let cursor = cursor.min(blocks.len().saturating_sub(1));
    let mut start = cursor;
    let mut used = blocks.get(cursor).map_or(0, Vec::len);
    while start > 0 && used + blocks[start - 1].len() <= room {
        start -= 1;
        used += blocks[start].len();
    }
    // Then those after it while their first line fits (the last one may be cut at the border).
    let mut end = cursor + 1;
    while end < blocks.len() && used < room {
        used += blocks[end].len();
        end += 1;
    }
    (start, (end - start).max(usize::from(!blocks.is_empty())))
}
