//! One item per screen: published instructions, stem and timeframe, our own note, numbered
//! options (number keys answer and advance), progress, the saved state, follow-ups added, in
//! the client's language.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Wrap};

use crate::tui::paragraph::FastParagraph;

use crate::instrument::Lang;
use crate::instrument::model::{Instrument, Item};
use crate::tui::app::{App, SaveState};
use crate::tui::strings::{Text, fill};
use crate::tui::theme::Theme;
use crate::tui::view::{View, body_block, clean};

pub fn keys() -> Vec<(&'static str, Text)> {
    vec![("1-9", Text::KeyAnswer), ("Enter", Text::KeySubmit), ("←/Bksp", Text::KeyPrevItem), ("s", Text::KeySkip)]
}

/// The question's lines for an area of `width` x `height`: the published instructions (before
/// item 1 of some instruments), the stem, the item, and our own note (in the client's language,
/// marked as ours). When that does not fit, the blank lines go first, then the stem (on the
/// first item the instructions carry the time frame); if it still does not fit, the item and our
/// note come first so that the question itself is never cut off. Shared with the kiosk.
pub fn question_lines(
    (item, instrument): (&Item, &Instrument),
    (lang, client_lang): (Lang, Lang),
    (width, height): (u16, u16),
    theme: &Theme,
) -> Vec<Line<'static>> {
    let styled = |text: &str, style| text.lines().map(|line| Line::styled(clean(line), style)).collect::<Vec<_>>();
    let instructions = item.instructions.as_ref().map(|t| styled(t.get(lang), theme.muted)).unwrap_or_default();
    let stem = (instrument.stem.as_ref().filter(|_| item.use_stem))
        .map(|t| styled(t.get(lang), theme.muted))
        .unwrap_or_default();
    let question = styled(item.text.get(lang), theme.title);
    let hint = item.hint.as_ref().map_or_else(Vec::new, |hint| {
        styled(&format!("{} {}", Text::OurNote.get(client_lang), hint.get(client_lang)), theme.muted)
    });
    let join = |parts: &[&Vec<Line<'static>>], blank: bool| {
        let mut out: Vec<Line<'static>> = Vec::new();
        for part in parts.iter().filter(|p| !p.is_empty()) {
            if blank && !out.is_empty() {
                out.push(Line::raw(""));
            }
            out.extend(part.iter().filter(|line| blank || line.width() > 0).cloned());
        }
        out
    };
    let fits = |lines: &Vec<Line<'static>>| {
        FastParagraph::new(lines.clone()).wrap(Wrap { trim: false }).line_count(width) <= usize::from(height)
    };
    let candidates = [
        join(&[&instructions, &stem, &question, &hint], true),
        join(&[&instructions, &stem, &question, &hint], false),
        join(&[&instructions, &question, &hint], false),
    ];
    candidates.into_iter().find(fits).unwrap_or_else(|| join(&[&question, &hint, &instructions], false))
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, view: &View) {
    let Some(intake) = &app.intake else { return };
    let Some(instrument) = intake.flow.current_instrument(view.library) else { return };
    let client_lang = app.client_lang();
    let lang = if instrument.languages.contains(&client_lang) { client_lang } else { Lang::En };
    let (number, of) = intake.flow.instrument_progress();
    let title = format!(
        "{} · {} · {}",
        clean(&intake.client.name),
        clean(instrument.short_title.get(lang)),
        fill(Text::InstrumentOf, app.lang, &[("n", number.to_string()), ("total", of.to_string())])
    );
    let block = body_block(&title, view.theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let item_index = intake.flow.current_item();
    let item = &instrument.items[item_index];
    let (item_number, item_total) = intake.flow.item_progress(view.library);
    let mut note_lines = Vec::new();
    if let Some(added) = &intake.notice {
        let names: Vec<String> = added
            .iter()
            .map(|id| view.library.get(id).map_or(id.clone(), |i| clean(i.short_title.get(lang))))
            .collect();
        note_lines.push(Line::styled(
            format!("{} {}", Text::FollowUpAdded.get(app.lang), names.join(", ")),
            view.theme.warning,
        ));
    }
    if lang != client_lang {
        note_lines.push(Line::styled(Text::EnglishOnly.get(client_lang), view.theme.muted));
    }
    let notes_paragraph = FastParagraph::new(note_lines).wrap(Wrap { trim: true });
    // Beside published instructions the notes take only the rows they need (at most two), so
    // the instructions have room; elsewhere two rows, so the options stay in place.
    let note_rows = if item.instructions.is_some() { notes_paragraph.line_count(inner.width).min(2) as u16 } else { 2 };
    let [top, gauge_area, _, question, options, notes] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(2),
        Constraint::Length(instrument.options_of(item_index).len() as u16 + 1),
        Constraint::Length(note_rows),
    ])
    .areas(inner);

    let save = match &intake.save {
        SaveState::Saving => Span::styled(Text::Saving.get(app.lang), view.theme.muted),
        SaveState::Saved => Span::styled(format!("✓ {}", Text::Saved.get(app.lang)), view.theme.ok),
        SaveState::Failed(message) => {
            Span::styled(format!("✗ {}: {}", Text::NotSaved.get(app.lang), clean(message)), view.theme.critical)
        }
    };
    // An item shown without the stem (PHQ-9/GAD-7 difficulty, PC-PTSD-5 gate) is outside the
    // stem's time frame too.
    let timeframe =
        instrument.timeframe.as_ref().filter(|_| item.use_stem).map(|t| clean(t.get(lang))).unwrap_or_default();
    frame.render_widget(
        FastParagraph::new(Line::from(vec![Span::styled(timeframe, view.theme.muted), Span::raw("   "), save])),
        top,
    );

    let label = fill(Text::ItemOf, app.lang, &[("n", item_number.to_string()), ("total", item_total.to_string())]);
    let ratio = if item_total == 0 { 0.0 } else { (item_number as f64 / item_total as f64).clamp(0.0, 1.0) };
    frame.render_widget(Gauge::default().ratio(ratio).label(label).gauge_style(view.theme.gauge), gauge_area);

    let text = question_lines((item, instrument), (lang, client_lang), (question.width, question.height), view.theme);
    frame.render_widget(FastParagraph::new(text).wrap(Wrap { trim: false }), question);

    let chosen = intake.flow.current_answer(view.library);
    let option_lines: Vec<Line> = instrument
        .options_of(item_index)
        .iter()
        .enumerate()
        .map(|(position, option)| {
            let line = Line::from(vec![
                Span::styled(format!("  {}  ", position + 1), view.theme.key),
                Span::raw(clean(option.text.get(lang))),
            ]);
            if chosen == Some(position) { line.style(view.theme.selected) } else { line }
        })
        .collect();
    frame.render_widget(FastParagraph::new(option_lines), options);
    frame.set_cursor_position((options.x + 2, options.y + chosen.unwrap_or(0) as u16));

    frame.render_widget(notes_paragraph, notes);
}

#[cfg(test)]
mod tests {
    use crate::instrument::Lang;
    use crate::tui::app::{Action, Effect, Screen, update};
    use crate::tui::screens::fixtures;
    use crate::tui::view::test_support::{care, library, render};

    fn questionnaire(lang: Lang, positions: &[usize]) -> crate::tui::app::App {
        let mut app = fixtures::intake(lang, positions);
        app.lang = lang;
        app.screen = Screen::Questionnaire;
        app
    }

    #[test]
    fn questionnaire_snapshots_in_both_languages() {
        insta::assert_snapshot!("questionnaire_80x24_en", render(&questionnaire(Lang::En, &[1, 2, 0]), 80, 24));
        insta::assert_snapshot!("questionnaire_120x40_en", render(&questionnaire(Lang::En, &[1, 2, 0]), 120, 40));
        let french = render(&questionnaire(Lang::Fr, &[1, 2, 0]), 80, 24);
        assert!(french.contains("Question 4 sur 10"));
        insta::assert_snapshot!("questionnaire_80x24_fr", french);
        insta::assert_snapshot!("questionnaire_120x40_fr", render(&questionnaire(Lang::Fr, &[1, 2, 0]), 120, 40));
    }

    #[test]
    fn number_keys_answer_and_save_each_answer() {
        let mut app = questionnaire(Lang::En, &[]);
        let effects = update(&mut app, Action::Choose(2), library(), care(), "2026-11-25");
        let [Effect::SaveAnswer { answer, .. }] = &effects[..] else { panic!("{effects:?}") };
        assert_eq!((answer.item.as_str(), answer.position, answer.value), ("q1", 2, 2));
        assert!(render(&app, 80, 24).contains("Saving"));
        update(&mut app, Action::Saved(Ok(())), library(), care(), "2026-11-25");
        assert!(render(&app, 80, 24).contains("Saved"));
        // A key beyond the options does nothing.
        assert!(update(&mut app, Action::Choose(7), library(), care(), "2026-11-25").is_empty());
        update(&mut app, Action::Back, library(), care(), "2026-11-25");
        assert_eq!(app.intake.as_ref().map(|i| i.flow.current_item()), Some(0));
        // Enter confirms the answer already chosen.
        let effects = update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        assert_eq!(effects.len(), 1);
    }

    #[test]
    fn a_failed_save_is_shown_plainly() {
        let mut app = questionnaire(Lang::En, &[]);
        update(&mut app, Action::Choose(0), library(), care(), "2026-11-25");
        update(&mut app, Action::Saved(Err("the data directory is read-only".into())), library(), care(), "2026-11-25");
        insta::assert_snapshot!("questionnaire_not_saved_80x24", render(&app, 80, 24));
    }

    #[test]
    fn item_9_interrupts_at_once_with_the_crisis_protocol() {
        let mut app = questionnaire(Lang::En, &[0, 0, 0, 0, 0, 0, 0, 0]);
        let effects = update(&mut app, Action::Choose(1), library(), care(), "2026-11-25");
        assert!(matches!(effects[0], Effect::SaveAnswer { .. }), "the answer is saved first");
        assert!(matches!(&effects[1], Effect::RaiseFlag { flags, .. } if flags == &["phq9.suicidal_ideation"]));
        assert!(matches!(app.screen, Screen::Crisis(_)));
    }

    /// An intake of one instrument, after answering `positions`.
    fn only(instrument: &str, lang: Lang, positions: &[usize]) -> crate::tui::app::App {
        let mut app = questionnaire(lang, &[]);
        let mut flow = crate::tui::intake::IntakeFlow::new(
            library(),
            &[instrument.to_string()],
            crate::instrument::Context::default(),
        );
        for position in positions {
            flow.answer(library(), *position);
        }
        if let Some(intake) = app.intake.as_mut() {
            intake.flow = flow;
        }
        app
    }

    #[test]
    fn published_instructions_and_our_notes_are_shown_apart() {
        // DAST-10: the published directions (what counts as drug use, not alcohol) before item 1.
        let dast = render(&only("dast10", Lang::En, &[]), 120, 40);
        assert!(dast.contains("do not include alcoholic beverages"), "{dast}");
        assert!(dast.contains("Have you used drugs other than those required"), "{dast}");
        let small = render(&only("dast10", Lang::En, &[]), 80, 24);
        assert!(small.contains("Have you used drugs other than"), "the item stays visible at 80x24:\n{small}");
        insta::assert_snapshot!("questionnaire_dast10_item1_80x24", small);
        assert!(!render(&only("dast10", Lang::En, &[1]), 120, 40).contains("alcoholic beverages"), "item 1 only");
        // AUDIT-C: the Canadian standard drink as OUR note, in the client's language; no US drink.
        let auditc = render(&only("auditc", Lang::En, &[]), 120, 40);
        assert!(auditc.contains("Note from this service (not part of the questionnaire):"), "{auditc}");
        assert!(
            auditc.contains("standard drink is 17.05 mL or 13.45 g") && !auditc.contains("wine cooler"),
            "{auditc}"
        );
        let french = render(&only("auditc", Lang::Fr, &[]), 120, 40);
        assert!(french.contains("Note du service") && french.contains("verre standard contient"), "{french}");
        insta::assert_snapshot!("questionnaire_auditc_item1_80x24_fr", render(&only("auditc", Lang::Fr, &[]), 80, 24));
        // PCL-5: the published first sentence and our worst-event note.
        let pcl5 = render(&only("pcl5", Lang::En, &[]), 120, 40);
        assert!(pcl5.contains("Below is a list of problems") && pcl5.contains("worst event"), "{pcl5}");
        insta::assert_snapshot!("questionnaire_pcl5_item1_120x40", pcl5);
    }

    #[test]
    fn the_difficulty_item_has_no_frequency_stem_or_time_frame() {
        let phq9 = render(&only("phq9", Lang::En, &[0; 9]), 120, 40);
        assert!(phq9.contains("how difficult have these problems"), "{phq9}");
        assert!(!phq9.contains("Over the last 2 weeks") && !phq9.contains("Last 2 weeks"), "{phq9}");
        let gad7 = render(&only("gad7", Lang::En, &[0; 7]), 120, 40);
        assert!(gad7.contains("how difficult have these problems"), "{gad7}");
        assert!(!gad7.contains("Over the last 2 weeks"), "{gad7}");
        // Item 1 keeps both.
        assert!(render(&only("phq9", Lang::En, &[]), 120, 40).contains("Over the last 2 weeks"));
    }

    #[test]
    fn required_items_cannot_be_skipped() {
        let mut app = questionnaire(Lang::En, &[]);
        update(&mut app, Action::Letter('s'), library(), care(), "2026-11-25");
        assert!(app.status.as_ref().is_some_and(|(error, _)| *error));
        assert_eq!(app.intake.as_ref().map(|i| i.flow.current_item()), Some(0));
    }
}
