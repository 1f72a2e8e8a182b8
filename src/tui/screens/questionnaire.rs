//! One item per screen: stem and timeframe, numbered options (number keys answer and advance),
//! progress, the saved state, follow-ups added, in the client's language.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Wrap};

use crate::tui::paragraph::FastParagraph;

use crate::instrument::Lang;
use crate::tui::app::{App, SaveState};
use crate::tui::strings::{Text, fill};
use crate::tui::view::{View, body_block, clean};

pub fn keys() -> Vec<(&'static str, Text)> {
    vec![("1-9", Text::KeyAnswer), ("Enter", Text::KeySubmit), ("←/Bksp", Text::KeyPrevItem), ("s", Text::KeySkip)]
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
    let [top, gauge_area, _, question, options, notes] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(2),
        Constraint::Length(instrument.options_of(item_index).len() as u16 + 1),
        Constraint::Length(2),
    ])
    .areas(inner);

    let save = match &intake.save {
        SaveState::Saving => Span::styled(Text::Saving.get(app.lang), view.theme.muted),
        SaveState::Saved => Span::styled(format!("✓ {}", Text::Saved.get(app.lang)), view.theme.ok),
        SaveState::Failed(message) => {
            Span::styled(format!("✗ {}: {}", Text::NotSaved.get(app.lang), clean(message)), view.theme.critical)
        }
    };
    let timeframe = instrument.timeframe.as_ref().map(|t| clean(t.get(lang))).unwrap_or_default();
    frame.render_widget(
        FastParagraph::new(Line::from(vec![Span::styled(timeframe, view.theme.muted), Span::raw("   "), save])),
        top,
    );

    let label = fill(Text::ItemOf, app.lang, &[("n", item_number.to_string()), ("total", item_total.to_string())]);
    let ratio = if item_total == 0 { 0.0 } else { (item_number as f64 / item_total as f64).clamp(0.0, 1.0) };
    frame.render_widget(Gauge::default().ratio(ratio).label(label).gauge_style(view.theme.gauge), gauge_area);

    let mut text = Vec::new();
    if item.use_stem
        && let Some(stem) = &instrument.stem
    {
        text.push(Line::styled(clean(stem.get(lang)), view.theme.muted));
        text.push(Line::raw(""));
    }
    for line in item.text.get(lang).lines() {
        text.push(Line::styled(clean(line), view.theme.title));
    }
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
    frame.render_widget(FastParagraph::new(note_lines).wrap(Wrap { trim: true }), notes);
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

    #[test]
    fn required_items_cannot_be_skipped() {
        let mut app = questionnaire(Lang::En, &[]);
        update(&mut app, Action::Letter('s'), library(), care(), "2026-11-25");
        assert!(app.status.as_ref().is_some_and(|(error, _)| *error));
        assert_eq!(app.intake.as_ref().map(|i| i.flow.current_item()), Some(0));
    }
}
