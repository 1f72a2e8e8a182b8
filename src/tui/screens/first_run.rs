//! First run: create the organisation and the first admin; then the recovery key, shown once.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Wrap;

use crate::tui::paragraph::FastParagraph;

use crate::tui::app::{App, Form};
use crate::tui::view::{View, body_block, draw_form};
use crate::ui::strings::Text;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, form: &Form, view: &View) {
    let block = body_block(Text::FirstRunTitle.get(app.lang), view.theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let intro = FastParagraph::new(Text::FirstRunIntro.get(app.lang)).style(view.theme.muted).wrap(Wrap { trim: true });
    let intro_height = (intro.line_count(inner.width) as u16).min(inner.height);
    frame.render_widget(intro, Rect { height: intro_height, ..inner });
    let rest = Rect { y: inner.y + intro_height + 1, height: inner.height.saturating_sub(intro_height + 1), ..inner };
    draw_form(frame, rest, app.lang, form, view.theme);
}

pub fn draw_recovery(frame: &mut Frame, area: Rect, app: &App, key: &str, typed: &str, view: &View) {
    let block = body_block(Text::RecoveryTitle.get(app.lang), view.theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines = vec![
        Line::raw(Text::RecoveryIntro.get(app.lang)),
        Line::raw(""),
        Line::styled(format!("    {key}"), view.theme.title),
        Line::raw(""),
        Line::raw(Text::RecoveryConfirm.get(app.lang)),
        Line::styled(format!("  > {typed}"), view.theme.input),
    ];
    let paragraph = FastParagraph::new(lines).wrap(Wrap { trim: false });
    let used = paragraph.line_count(inner.width) as u16;
    frame.render_widget(paragraph, inner);
    let x = inner.x + 4 + unicode_width::UnicodeWidthStr::width(typed) as u16;
    frame.set_cursor_position((
        x.min(inner.right().saturating_sub(1)),
        (inner.y + used.saturating_sub(1)).min(inner.bottom().saturating_sub(1)),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instrument::Lang;
    use crate::tui::app::{Action, Screen, update};
    use crate::tui::view::test_support::{care, library, render};

    fn first_run(lang: Lang) -> App {
        let mut app = App::new(lang, 0);
        update(&mut app, Action::SetupChecked(Ok(true)), library(), care(), "2026-11-25");
        for c in "Harbour Community Health".chars() {
            update(&mut app, Action::Input(c), library(), care(), "2026-11-25");
        }
        app
    }

    #[test]
    fn first_run_snapshots() {
        let app = first_run(Lang::En);
        insta::assert_snapshot!("first_run_80x24_en", render(&app, 80, 24));
        insta::assert_snapshot!("first_run_120x40_fr", render(&first_run(Lang::Fr), 120, 40));
        insta::assert_snapshot!("first_run_80x24_fr", render(&first_run(Lang::Fr), 80, 24));
    }

    #[test]
    fn validation_names_every_bad_field() {
        let mut app = first_run(Lang::En);
        let effects = update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        assert!(effects.is_empty());
        let Screen::FirstRun(form) = &app.screen else { panic!() };
        assert_eq!(form.fields[1].error, Some(Text::UnknownProvince));
        assert_eq!(form.fields[3].error, Some(Text::Required));
        assert_eq!(form.fields[4].error, Some(Text::PasswordTooShort));
        assert_eq!(form.focus, 1, "focus moves to the first bad field");
        insta::assert_snapshot!("first_run_errors_80x24", render(&app, 80, 24));
    }

    #[test]
    fn recovery_key_is_shown_once_and_must_be_acknowledged() {
        let mut app = App::new(Lang::En, 0);
        update(&mut app, Action::Initialized(Ok("ABCD-EFGH-IJKL-MNOP".into())), library(), care(), "2026-11-25");
        insta::assert_snapshot!("recovery_80x24", render(&app, 80, 24));
        update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        assert!(matches!(app.screen, Screen::Recovery { .. }), "Enter alone does not skip it");
        for c in "yes".chars() {
            update(&mut app, Action::Input(c), library(), care(), "2026-11-25");
        }
        update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        assert!(matches!(app.screen, Screen::Login(_)));
        insta::assert_snapshot!(
            "recovery_120x40",
            render(
                &App {
                    screen: Screen::Recovery { key: zeroize::Zeroizing::new("ABCD-EFGH".into()), typed: "OU".into() },
                    ..App::new(Lang::Fr, 0)
                },
                120,
                40
            )
        );
    }
}
