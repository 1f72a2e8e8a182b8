//! Results: each instrument's total, band and flags; the suggested level with the rules that
//! fired; matched resources with their reasons; confirm or override (reason required), pick
//! referrals, and save a referral summary in the client's language.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Wrap;

use crate::tui::paragraph::FastParagraph;

use crate::instrument::{Lang, Severity};
use crate::intake::care::Plan;
use crate::triage::Level;
use crate::triage::wording::flag_words;
use crate::tui::app::{App, ResultsState};
use crate::tui::view::{View, body_block, clean};
use crate::ui::strings::Text;

pub fn keys(app: &App, state: &ResultsState) -> Vec<(&'static str, Text)> {
    if state.overriding.is_some() {
        return vec![("↑↓", Text::KeyOverride), ("Enter", Text::KeySubmit), ("Esc/^B", Text::KeyBack)];
    }
    match state.lifting.as_ref().map(|l| l.choice) {
        Some(None) => return vec![("1-9", Text::KeyChoose), ("Esc/^B", Text::KeyBack)],
        Some(Some(_)) => return vec![("Enter", Text::KeySubmit), ("Esc/^B", Text::KeyBack)],
        None => {}
    }
    let mut keys = vec![
        ("c", Text::KeyConfirmLevel),
        ("o", Text::KeyOverride),
        ("Space", Text::KeyPick),
        ("p", Text::KeySummary),
        ("f", Text::KeyFinish),
    ];
    if app.session.as_ref().is_some_and(|s| s.role == "clinician") && !state.plan.liftable.is_empty() {
        keys.push(("x", Text::KeyLiftExclusion));
    }
    keys
}

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

/// The take-away summary: the chosen resources (all of them if none was picked) with how to
/// reach them, in the client's language. It names no client and no score, so the file on its
/// own discloses nothing about the person.
pub fn summary_text(plan: &Plan, picked: &[bool], lang: Lang, today: &str) -> String {
    let mut out = format!("{}\n{} {today}\n\n", Text::SummaryTitle.get(lang), Text::SummaryFor.get(lang));
    let any_picked = picked.iter().any(|p| *p);
    for (resource, chosen) in plan.resources.iter().zip(picked) {
        if any_picked && !chosen {
            continue;
        }
        out.push_str(&format!(
            "* {}\n  {}\n  {}\n",
            clean(&resource.name),
            clean(&resource.contact),
            clean(&resource.hours)
        ));
        if let Some(url) = &resource.url {
            out.push_str(&format!("  {}\n", clean(url)));
        }
        out.push('\n');
    }
    out
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, state: &ResultsState, view: &View) {
    let Some(intake) = &app.intake else { return };
    let title = format!("{} · {}", Text::ResultsTitle.get(app.lang), clean(&intake.client.name));
    let block = body_block(&title, view.theme);
    let mut inner = block.inner(area);
    frame.render_widget(block, area);
    let client_lang = app.client_lang();

    // Where the terminal is big enough, a QR code of the selected resource's web address.
    let qr = state.qr_codes.get(state.cursor).and_then(Option::as_ref);
    if let Some(qr) = qr.filter(|q| {
        let width = q.first().map_or(0, |l| l.chars().count()) as u16;
        inner.width >= 70 + width && inner.height >= q.len() as u16 + 2
    }) {
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
        inner.width -= width + 1;
    }

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
            Span::styled(clean(reason), view.theme.input),
        ]));
    } else if let Some(decided) = state.decided {
        level_lines.push(Line::from(vec![
            Span::styled(
                format!("{}{}", Text::FinalLevel.get(app.lang), crate::ui::strings::colon(app.lang)),
                view.theme.title,
            ),
            Span::styled(format!("{} ✓", level_text(decided).get(app.lang)), view.theme.ok),
        ]));
    }
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
            level_lines.push(if lifting.choice == Some(index) { line.style(view.theme.selected) } else { line });
        }
        if lifting.choice.is_some() {
            level_lines.push(Line::from(vec![
                Span::raw(format!("{} ", Text::LiftReasonLabel.get(app.lang))),
                Span::styled(format!("{}█", clean(&lifting.reason)), view.theme.input),
            ]));
        }
    }
    if let Some(error) = state.error {
        level_lines.push(Line::styled(error.get(app.lang), view.theme.warning));
    }
    if let Some(path) = &state.summary {
        level_lines.push(Line::styled(format!("{} {}", Text::SummarySaved.get(app.lang), clean(path)), view.theme.ok));
    }

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

    let mut resource_lines = vec![Line::styled(Text::MatchedResources.get(app.lang), view.theme.title)];
    let visible = usize::from(resources_area.height.saturating_sub(1)) / 2;
    let start = state.cursor.saturating_sub(visible.saturating_sub(1));
    for (index, resource) in state.plan.resources.iter().enumerate().skip(start).take(visible.max(1)) {
        let mark = if state.picked.get(index).copied().unwrap_or(false) { "[x]" } else { "[ ]" };
        let style = if resource.crisis { view.theme.warning } else { view.theme.base };
        let line = Line::from(vec![
            Span::raw(format!("{mark} ")),
            Span::styled(clean(&resource.name), style),
            Span::styled(format!("  {} · {}", clean(&resource.contact), clean(&resource.hours)), view.theme.muted),
        ]);
        resource_lines.push(if index == state.cursor && state.overriding.is_none() {
            line.style(view.theme.selected)
        } else {
            line
        });
        let reasons: Vec<String> = resource.reasons.iter().map(|r| clean(&r.render(app.lang))).collect();
        resource_lines.push(Line::styled(format!("    {}", reasons.join("; ")), view.theme.muted));
    }
    frame.render_widget(FastParagraph::new(resource_lines), resources_area);
    let cursor_row = resources_area.y + 1 + ((state.cursor - start) as u16) * 2;
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

#[cfg(test)]
mod tests {
    use crate::instrument::Lang;
    use crate::triage::Level;
    use crate::tui::app::{Action, Effect, Screen, update};
    use crate::tui::screens::fixtures;
    use crate::tui::view::test_support::{care, library, render};

    /// From PHQ-9's difficulty item on: the ASQ negative, GAD-7, AUDIT-C, DAST-10, PC-PTSD-5.
    fn after_item_9() -> Vec<usize> {
        let mut answers = vec![1]; // PHQ-9 difficulty
        answers.extend([1, 1, 1, 1]); // ASQ: no to q1-q4
        answers.extend([2, 1, 2, 1, 1, 2, 1, 0]); // GAD-7
        answers.push(0); // AUDIT-C: never (WHO skip: questions 2 and 3 are not asked)
        answers.extend([1; 10]); // DAST-10: no
        answers.push(1); // PC-PTSD-5: no exposure
        answers
    }

    /// PHQ-9 with item 9 positive, the ASQ negative, then GAD-7, AUDIT-C, DAST-10, PC-PTSD-5.
    fn finished(lang: Lang) -> crate::tui::app::App {
        let mut app = fixtures::intake(lang, &[]);
        app.lang = lang;
        app.screen = Screen::Questionnaire;
        let mut answers = vec![2, 2, 1, 2, 1, 1, 1, 0, 1];
        answers.extend(after_item_9());
        for position in answers {
            update(&mut app, Action::Choose(position), library(), care(), "2026-11-25");
            if let Screen::Crisis(_) = app.screen {
                update(&mut app, Action::Choose(2), library(), care(), "2026-11-25");
                update(&mut app, Action::Submit, library(), care(), "2026-11-25");
                update(&mut app, Action::CrisisRecorded(Ok("10:42".into())), library(), care(), "2026-11-25");
            }
        }
        app
    }

    /// As `finished`, but PHQ-9 item 9 changed to "Not at all" after the crisis action, with a
    /// reason (issue 11, item 5).
    fn finished_after_a_changed_item_9(lang: Lang) -> crate::tui::app::App {
        let mut app = fixtures::intake(lang, &[]);
        app.lang = lang;
        app.screen = Screen::Questionnaire;
        let step = |app: &mut crate::tui::app::App, action| update(app, action, library(), care(), "2026-11-25");
        for position in [2, 2, 1, 2, 1, 1, 1, 0, 1] {
            step(&mut app, Action::Choose(position));
        }
        step(&mut app, Action::Choose(2));
        step(&mut app, Action::Submit);
        step(&mut app, Action::CrisisRecorded(Ok("10:42".into())));
        step(&mut app, Action::Back);
        step(&mut app, Action::Choose(0));
        for c in "mis-keyed; the client said not at all".chars() {
            step(&mut app, Action::Input(c));
        }
        step(&mut app, Action::Submit);
        for position in after_item_9() {
            step(&mut app, Action::Choose(position));
        }
        app
    }

    #[test]
    fn a_flag_withdrawn_by_a_changed_answer_stays_on_the_results_with_who_and_why() {
        for (lang, text) in [
            (Lang::En, "CRITICAL suicidal_ideation: raised, then changed by amira:"),
            (Lang::Fr, "CRITICAL suicidal_ideation: signalé, puis modifié par amira"),
        ] {
            let app = finished_after_a_changed_item_9(lang);
            assert!(matches!(app.screen, Screen::Results(_)), "{:?}", app.screen);
            let screen = render(&app, 80, 24);
            assert!(screen.contains(text), "{screen}");
            let name = if lang == Lang::En { "en" } else { "fr" };
            insta::assert_snapshot!(format!("results_risk_changed_80x24_{name}"), screen);
            insta::assert_snapshot!(format!("results_risk_changed_120x40_{name}"), render(&app, 120, 40));
        }
    }

    #[test]
    fn results_snapshots_in_both_languages() {
        let app = finished(Lang::En);
        let Screen::Results(state) = &app.screen else { panic!("{:?}", app.screen) };
        assert_eq!(state.plan.suggested, Level::Crisis);
        assert!(state.plan.resources[0].crisis);
        let screen = render(&app, 80, 24);
        assert!(screen.contains("CRITICAL"));
        insta::assert_snapshot!("results_80x24_en", screen);
        let large = render(&app, 120, 40);
        assert!(large.contains('▀') || large.contains('▄'), "a QR code is drawn where there is room");
        assert!(!screen.contains('▀'), "no QR code at 80x24");
        insta::assert_snapshot!("results_120x40_en", large);
        insta::assert_snapshot!("results_80x24_fr", render(&finished(Lang::Fr), 80, 24));
        insta::assert_snapshot!("results_120x40_fr", render(&finished(Lang::Fr), 120, 40));
    }

    #[test]
    fn override_needs_a_reason_and_keeps_both_levels() {
        let mut app = finished(Lang::En);
        update(&mut app, Action::Letter('o'), library(), care(), "2026-11-25");
        update(&mut app, Action::Down, library(), care(), "2026-11-25");
        assert!(update(&mut app, Action::Submit, library(), care(), "2026-11-25").is_empty(), "no reason, no save");
        for c in "seen by on-call MD, safe".chars() {
            update(&mut app, Action::Input(c), library(), care(), "2026-11-25");
        }
        insta::assert_snapshot!("results_override_80x24", render(&app, 80, 24));
        let effects = update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        let [Effect::SaveDecision { suggested, final_level, override_reason, .. }] = &effects[..] else {
            panic!("{effects:?}")
        };
        assert_eq!((suggested.as_str(), final_level.as_str()), ("crisis", "1"));
        assert_eq!(override_reason.as_deref(), Some("seen by on-call MD, safe"));
        update(&mut app, Action::DecisionSaved(Ok(())), library(), care(), "2026-11-25");
        let Screen::Results(state) = &app.screen else { panic!() };
        assert_eq!(state.decided, Some(Level::One));
    }

    #[test]
    fn referral_summary_after_a_decision() {
        let mut app = finished(Lang::Fr);
        assert!(update(&mut app, Action::Letter('p'), library(), care(), "2026-11-25").is_empty(), "decide first");
        update(&mut app, Action::Letter('c'), library(), care(), "2026-11-25");
        update(&mut app, Action::DecisionSaved(Ok(())), library(), care(), "2026-11-25");
        update(&mut app, Action::Toggle, library(), care(), "2026-11-25");
        let effects = update(&mut app, Action::Letter('p'), library(), care(), "2026-11-25");
        let [Effect::SaveReferral { resources, .. }, Effect::WriteSummary { text, .. }] = &effects[..] else {
            panic!("{effects:?}")
        };
        assert!(resources[0].2, "the first resource was picked");
        assert!(text.starts_with("Résumé d'orientation"));
        assert!(!text.contains("Émilie"), "the summary names no client");
        assert!(!text.contains("PHQ"), "the summary holds no scores");
        // Replies come back newest first; whatever the order, the path stays on screen.
        update(
            &mut app,
            Action::SummaryWritten(Ok("/tmp/referral-20261125-e1.txt".into())),
            library(),
            care(),
            "2026-11-25",
        );
        update(&mut app, Action::ReferralSaved(Ok(())), library(), care(), "2026-11-25");
        let screen = render(&app, 120, 40);
        assert!(screen.contains("/tmp/referral-20261125-e1.txt"), "{screen}");
    }

    #[test]
    fn a_clinician_overrides_the_level_and_lifts_a_flag_based_exclusion_with_a_reason() {
        let mut app = finished(Lang::En);
        if let Some(session) = app.session.as_mut() {
            session.role = "clinician".into();
        }
        if let Some(intake) = app.intake.as_mut() {
            intake.client.province = "BC".into();
        }
        let step = |app: &mut crate::tui::app::App, action| update(app, action, library(), care(), "2026-11-25");
        // Override the crisis suggestion to level 3 (ASQ negative: passive thoughts).
        step(&mut app, Action::Letter('o'));
        while !matches!(&app.screen, Screen::Results(s) if s.overriding.as_ref().is_some_and(|o| o.0 == Level::Three)) {
            step(&mut app, Action::Down);
        }
        for c in "ASQ negative".chars() {
            step(&mut app, Action::Input(c));
        }
        let effects = step(&mut app, Action::Submit);
        assert!(
            matches!(&effects[..], [Effect::SaveDecision { final_level, .. }] if final_level == "3"),
            "{effects:?}"
        );
        step(&mut app, Action::DecisionSaved(Ok(())));
        let Screen::Results(state) = &app.screen else { panic!() };
        let liftable: Vec<&str> = state.plan.liftable.iter().map(|l| l.resource.as_str()).collect();
        assert!(
            liftable.contains(&"bounceback"),
            "matched at level 3, BounceBack is held back by item 9: {liftable:?}"
        );
        let index = liftable.iter().position(|id| *id == "bounceback").unwrap();
        assert!(super::keys(&app, state).iter().any(|(k, _)| *k == "x"), "the footer offers the lift");
        step(&mut app, Action::Letter('x'));
        step(&mut app, Action::Choose(index));
        assert!(step(&mut app, Action::Submit).is_empty(), "a reason is needed");
        for c in "passive thoughts, safety plan".chars() {
            step(&mut app, Action::Input(c));
        }
        let effects = step(&mut app, Action::Submit);
        let [Effect::SaveDecision { final_level, override_reason, lifted, .. }] = &effects[..] else {
            panic!("{effects:?}")
        };
        assert_eq!((final_level.as_str(), override_reason.as_deref()), ("3", Some("ASQ negative")));
        assert_eq!(lifted[0].resource, "bounceback");
        step(&mut app, Action::DecisionSaved(Ok(())));
        let Screen::Results(state) = &app.screen else { panic!() };
        let bounce = state.plan.resources.iter().find(|r| r.id == "bounceback").expect("offered once lifted");
        assert!(
            bounce
                .reasons
                .iter()
                .any(|r| r.to_string().ends_with("lifted by a clinician: passive thoughts, safety plan"))
        );
        // An intake worker is not offered the lift.
        app.session.as_mut().unwrap().role = "intake".into();
        let Screen::Results(state) = &app.screen else { panic!() };
        assert!(!super::keys(&app, state).iter().any(|(k, _)| *k == "x"));
    }
}
