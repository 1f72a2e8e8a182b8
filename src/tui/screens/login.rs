//! Sign in (which also unlocks the owner), and the idle lock that hides every client detail.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Wrap;

use crate::tui::paragraph::FastParagraph;

use crate::tui::app::{App, Form};
use crate::tui::strings::Text;
use crate::tui::view::{View, body_block, draw_form};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, form: &Form, view: &View) {
    let width = area.width.min(60);
    let box_area = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + area.height.saturating_sub(8) / 2,
        width,
        height: area.height.min(8),
    };
    let block = body_block(Text::LoginTitle.get(app.lang), view.theme);
    let inner = block.inner(box_area);
    frame.render_widget(block, box_area);
    draw_form(
        frame,
        Rect { y: inner.y + 1, height: inner.height.saturating_sub(1), ..inner },
        app.lang,
        form,
        view.theme,
    );
}

pub fn draw_locked(frame: &mut Frame, area: Rect, app: &App, view: &View) {
    let Some(form) = &app.locked else { return };
    let width = area.width.min(64);
    let box_area = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + area.height.saturating_sub(10) / 2,
        width,
        height: area.height.min(10),
    };
    let block = body_block(Text::LockedTitle.get(app.lang), view.theme);
    let inner = block.inner(box_area);
    frame.render_widget(block, box_area);
    let intro = FastParagraph::new(Text::LockedIntro.get(app.lang)).style(view.theme.muted).wrap(Wrap { trim: true });
    let height = (intro.line_count(inner.width) as u16).min(inner.height);
    frame.render_widget(intro, Rect { height, ..inner });
    draw_form(
        frame,
        Rect { y: inner.y + height + 1, height: inner.height.saturating_sub(height + 1), ..inner },
        app.lang,
        form,
        view.theme,
    );
}

#[cfg(test)]
mod tests {
    use crate::instrument::Lang;
    use crate::tui::app::{Action, App, Effect, Screen, update};
    use crate::tui::screens::fixtures;
    use crate::tui::view::test_support::{care, library, render};

    #[test]
    fn login_snapshots_and_submit() {
        let mut app = App::new(Lang::En, 0);
        update(&mut app, Action::SetupChecked(Ok(false)), library(), care(), "2026-11-25");
        for c in "amira".chars() {
            update(&mut app, Action::Input(c), library(), care(), "2026-11-25");
        }
        update(&mut app, Action::NextField, library(), care(), "2026-11-25");
        for c in "secret".chars() {
            update(&mut app, Action::Input(c), library(), care(), "2026-11-25");
        }
        let screen = render(&app, 80, 24);
        assert!(!screen.contains("secret"), "passwords are never drawn");
        insta::assert_snapshot!("login_80x24", screen);
        let effects = update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        assert!(matches!(&effects[..], [Effect::Login { user, .. }] if user == "amira"));
        let refused = crate::tui::backend::BackendError::from_owner("bad_credentials", "wrong user name or password");
        update(&mut app, Action::LoggedIn(Err(refused)), library(), care(), "2026-11-25");
        let Screen::Login(form) = &app.screen else { panic!() };
        assert!(form.value(1).is_empty(), "a failed password is cleared");
        insta::assert_snapshot!("login_failed_80x24_fr", render(&App { lang: Lang::Fr, ..app.clone() }, 80, 24));
        insta::assert_snapshot!("login_failed_120x40_fr", render(&App { lang: Lang::Fr, ..app }, 120, 40));
    }

    /// A refused login, raised in English: toggling the language re-words the standing error,
    /// which is kept as data, not as the English sentence.
    #[test]
    fn a_login_error_raised_in_english_is_redrawn_in_french_after_the_toggle() {
        let mut app = App::new(Lang::En, 0);
        update(&mut app, Action::SetupChecked(Ok(false)), library(), care(), "2026-11-25");
        let refused = crate::tui::backend::BackendError::from_owner("bad_credentials", "wrong user name or password");
        update(&mut app, Action::LoggedIn(Err(refused)), library(), care(), "2026-11-25");
        assert!(render(&app, 80, 24).contains("Error: wrong user name or password."));
        update(&mut app, Action::ToggleLanguage, library(), care(), "2026-11-25");
        assert_eq!(app.lang, Lang::Fr);
        let screen = render(&app, 80, 24);
        assert!(screen.contains("Erreur : nom d'utilisateur ou mot de passe incorrect."), "{screen}");
        assert!(!screen.contains("wrong user name"), "{screen}");
        insta::assert_snapshot!("login_failed_after_toggle_80x24_fr", screen);
    }

    #[test]
    fn idle_lock_hides_client_details_until_the_password_is_given() {
        let mut app = fixtures::intake(Lang::En, &[1, 2]);
        app.screen = Screen::Questionnaire;
        app.last_activity_ms = 0;
        let effects = update(&mut app, Action::Tick(9 * 60 * 1000), library(), care(), "2026-11-25");
        assert!(effects.is_empty() && app.locked.is_none(), "not idle yet");
        let effects = update(&mut app, Action::Tick(10 * 60 * 1000), library(), care(), "2026-11-25");
        assert_eq!(effects, vec![Effect::LockBackend]);
        let screen = render(&app, 80, 24);
        assert!(!screen.contains("Émilie") && !screen.contains("interest"), "{screen}");
        insta::assert_snapshot!("locked_80x24", screen);
        insta::assert_snapshot!("locked_120x40", render(&app, 120, 40));
        // Keys go to the password field, not the questionnaire.
        update(&mut app, Action::Choose(2), library(), care(), "2026-11-25");
        update(
            &mut app,
            Action::LoggedIn(Ok(crate::tui::backend::Session { user: "amira".into(), role: "intake".into() })),
            library(),
            care(),
            "2026-11-25",
        );
        assert!(app.locked.is_none());
        assert_eq!(app.intake.as_ref().map(|i| i.flow.current_item()), Some(2), "nothing was answered while locked");
    }
}
