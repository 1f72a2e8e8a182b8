//! Consent: the versioned text in the client's language; given or declined is recorded, and no
//! questionnaire starts without it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Wrap;

use crate::tui::paragraph::FastParagraph;

use crate::tui::app::{App, CONSENT_VERSION};
use crate::tui::view::{View, body_block, clean};
use crate::ui::strings::Text;

pub fn keys() -> Vec<(&'static str, Text)> {
    vec![("y/1", Text::ConsentGiven), ("n/2", Text::ConsentDeclined), ("Esc/^B", Text::KeyBack)]
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, view: &View) {
    let client_lang = app.client_lang();
    let title = format!("{} · {}", Text::ConsentTitle.get(app.lang), CONSENT_VERSION);
    let block = body_block(&title, view.theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let name = app.intake.as_ref().map(|i| clean(&i.client.name)).unwrap_or_default();
    let lines = vec![
        Line::styled(name, view.theme.title),
        Line::raw(""),
        Line::raw(Text::ConsentBody.get(client_lang)),
        Line::raw(""),
        Line::styled(Text::ConsentQuestion.get(app.lang), view.theme.title),
        Line::from(vec![Span::styled("  1 ", view.theme.key), Span::raw(Text::ConsentGiven.get(app.lang))]),
        Line::from(vec![Span::styled("  2 ", view.theme.key), Span::raw(Text::ConsentDeclined.get(app.lang))]),
    ];
    frame.render_widget(FastParagraph::new(lines).wrap(Wrap { trim: false }), inner);
}

#[cfg(test)]
mod tests {
    use crate::instrument::Lang;
    use crate::tui::app::{Action, Effect, Screen, update};
    use crate::tui::screens::fixtures;
    use crate::tui::view::test_support::{care, library, render};

    #[test]
    fn consent_in_the_clients_language_gates_the_questionnaire() {
        let mut app = fixtures::intake(Lang::Fr, &[]);
        app.lang = Lang::En;
        app.screen = Screen::Consent;
        let screen = render(&app, 80, 24);
        assert!(screen.contains("Ce service pose"), "consent text is in the client's language");
        insta::assert_snapshot!("consent_80x24", screen);
        insta::assert_snapshot!("consent_120x40", render(&app, 120, 40));
        // The whole screen in French: a French-speaking worker with a French-speaking client.
        let french = crate::tui::app::App { lang: Lang::Fr, ..app.clone() };
        insta::assert_snapshot!("consent_80x24_fr", render(&french, 80, 24));
        insta::assert_snapshot!("consent_120x40_fr", render(&french, 120, 40));
        assert!(update(&mut app, Action::Letter('x'), library(), care(), "2026-11-25").is_empty());
        let effects = update(&mut app, Action::Choose(0), library(), care(), "2026-11-25");
        assert_eq!(effects, vec![Effect::RecordConsent { encounter: "e1".into(), given: true }]);
        assert!(matches!(app.screen, Screen::Consent), "nothing starts before consent is saved");
        update(&mut app, Action::ConsentRecorded(Ok(true)), library(), care(), "2026-11-25");
        assert!(matches!(app.screen, Screen::Questionnaire));
    }

    #[test]
    fn declined_consent_ends_the_intake() {
        let mut app = fixtures::intake(Lang::En, &[]);
        app.screen = Screen::Consent;
        update(&mut app, Action::Letter('n'), library(), care(), "2026-11-25");
        let effects = update(&mut app, Action::ConsentRecorded(Ok(false)), library(), care(), "2026-11-25");
        assert_eq!(effects, vec![Effect::LoadHome]);
        assert!(app.intake.is_none());
    }
}
