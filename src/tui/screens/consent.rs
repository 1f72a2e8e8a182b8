//! Consent: the versioned text in the client's language; given or declined is recorded, and no
//! questionnaire starts without it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Wrap;

use crate::ui::paragraph::FastParagraph;

use crate::instrument::{Lang, Library};
use crate::intake::IntakeFlow;
use crate::tui::app::{
    Action, App, CONSENT_VERSION, Deps, Effect, Intake, SaveState, Screen, Status, go_home, scoring_context,
};
use crate::tui::keys::{self, Binding, Entry, Key, bind};
use crate::tui::view::{View, body_block, clean};
use crate::ui::strings::Text;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    Given,
    Declined,
    Back,
}

const KEYS: &[Binding<Cmd>] = &[
    bind(&[Key::Letter('y'), Key::Letter('o'), Key::Digit(1)], Cmd::Given, Text::ConsentGiven),
    bind(&[Key::Letter('n'), Key::Digit(2)], Cmd::Declined, Text::ConsentDeclined),
    bind(&[Key::Back], Cmd::Back, Text::KeyBack),
];

pub fn entries(app: &App, library: &Library) -> Vec<Entry> {
    keys::entries(KEYS, app, library)
}

/// Keys on the consent question.
pub fn key(app: &mut App, action: Action, deps: Deps) -> Vec<Effect> {
    let Some(intake) = app.intake.as_ref() else { return Vec::new() };
    let given = match keys::lookup(KEYS, app, deps.library, &action) {
        Some(Cmd::Given) => true,
        Some(Cmd::Declined) => false,
        Some(Cmd::Back) => {
            // The encounter stays in progress and can be resumed from the queue.
            app.intake = None;
            return go_home(app);
        }
        None => return Vec::new(),
    };
    vec![Effect::RecordConsent { encounter: intake.encounter.clone(), given }]
}

/// The owner's answers that start or reopen an intake: the encounter, consent, each save.
pub fn reply(app: &mut App, action: Action, deps: Deps) -> Vec<Effect> {
    match action {
        Action::EncounterStarted(Ok((encounter, client, instruments))) => {
            let context = scoring_context(&client, deps.today);
            let flow = IntakeFlow::new_in(deps.library, &instruments, context, client.language.unwrap_or(Lang::En));
            app.intake = Some(Intake::new(encounter, client, flow));
            app.status = None;
            app.screen = Screen::Consent;
        }
        Action::ConsentRecorded(Ok(true)) => app.screen = Screen::Questionnaire,
        Action::ConsentRecorded(Ok(false)) => {
            app.intake = None;
            app.status = Some(Status::Note(Text::ConsentDeclinedNote, None));
            return go_home(app);
        }
        Action::EncounterOpened(Ok(state)) => super::questionnaire::reopen(app, state, deps),
        Action::Saved(result) => {
            if let Some(intake) = app.intake.as_mut() {
                intake.save = match result {
                    Ok(()) => SaveState::Saved,
                    Err(message) => SaveState::Failed(message),
                };
            }
        }
        Action::EncounterStarted(Err(message))
        | Action::ConsentRecorded(Err(message))
        | Action::EncounterOpened(Err(message)) => app.status = Some(Status::Failed(message)),
        _ => {}
    }
    Vec::new()
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
