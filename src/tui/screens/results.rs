//! Results: each instrument's total, band, positive screen and flags, in the order given.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::instrument::{Lang, Severity};
use crate::tui::app::App;
use crate::tui::strings::Text;
use crate::tui::view::{View, body_block, clean};

pub fn keys() -> Vec<(&'static str, Text)> {
    vec![("f", Text::KeyFinish), ("Esc/^B", Text::KeyBack)]
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, view: &View) {
    let Some(intake) = &app.intake else { return };
    let title = format!("{} · {}", Text::ResultsTitle.get(app.lang), clean(&intake.client.name));
    let block = body_block(&title, view.theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let client_lang = app.client_lang();
    let mut lines = Vec::new();
    for result in intake.flow.results() {
        let Some(instrument) = view.library.get(&result.instrument) else { continue };
        let lang = if instrument.languages.contains(&client_lang) { client_lang } else { Lang::En };
        let name = clean(instrument.short_title.get(lang));
        let mut spans = vec![Span::styled(format!("{name:<11}"), view.theme.title)];
        if !result.scorable {
            spans.push(Span::styled(format!("{} {}", Text::NotScorable.get(app.lang), result.missing.join(", ")), view.theme.warning));
        } else {
            if let (Some(total), Some((low, high))) = (result.total, instrument.total_range()) {
                spans.push(Span::raw(format!("{total:>3} ({low}-{high})  ")));
            }
            let band = instrument.default_scheme.and_then(|scheme| {
                let band_id = result.band.as_ref()?;
                instrument.band_schemes[scheme].bands.iter().find(|b| &b.id == band_id).map(|b| clean(b.label.get(lang)))
            });
            if let Some(band) = band {
                spans.push(Span::raw(format!("{band}  ")));
            }
            if result.positive {
                spans.push(Span::styled(Text::Positive.get(app.lang), view.theme.warning));
            }
        }
        lines.push(Line::from(spans));
        for flag in &result.flags {
            let label = instrument.flags.iter().find(|f| f.id == flag.id).map(|f| clean(f.label.get(lang))).unwrap_or_default();
            let style = if flag.severity == Severity::Critical { view.theme.critical } else { view.theme.warning };
            lines.push(Line::from(vec![Span::raw("           "), Span::styled(format!(" {} ", flag.severity.as_str().to_uppercase()), style), Span::raw(format!(" {label}"))]));
        }
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

#[cfg(test)]
mod tests {
    use crate::instrument::Lang;
    use crate::tui::app::Screen;
    use crate::tui::screens::fixtures;
    use crate::tui::view::test_support::render;

    /// PHQ-9 with item 9 positive, GAD-7 moderate, AUDIT-C, DAST-10 and PC-PTSD-5 negative.
    fn finished(lang: Lang) -> crate::tui::app::App {
        let mut positions = vec![2, 2, 1, 2, 1, 1, 1, 0, 1, 1];
        positions.extend([2, 1, 2, 1, 1, 2, 1, 0]);
        positions.extend([0, 0, 0]);
        // ASQ follows PHQ-9 item 9: all "no" (position 1) for q1-q4, so no acuity question.
        let mut with_asq = positions[..10].to_vec();
        with_asq.extend([1, 1, 1, 1]);
        with_asq.extend(&positions[10..]);
        with_asq.extend([1; 10]);
        with_asq.push(1);
        let mut app = fixtures::intake(lang, &with_asq);
        app.lang = lang;
        app.screen = Screen::Results;
        app
    }

    #[test]
    fn results_snapshots_in_both_languages() {
        let app = finished(Lang::En);
        assert!(app.intake.as_ref().unwrap().flow.is_finished());
        let screen = render(&app, 80, 24);
        assert!(screen.contains("CRITICAL"));
        insta::assert_snapshot!("results_80x24_en", screen);
        insta::assert_snapshot!("results_120x40_en", render(&app, 120, 40));
        insta::assert_snapshot!("results_80x24_fr", render(&finished(Lang::Fr), 80, 24));
        insta::assert_snapshot!("results_120x40_fr", render(&finished(Lang::Fr), 120, 40));
    }
}
