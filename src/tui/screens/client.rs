//! A new client: minimal identifiers, language, province, date of birth, populations, access needs.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::tui::app::{App, Form};
use crate::tui::strings::Text;
use crate::tui::view::{View, body_block, draw_form};

pub fn keys() -> Vec<(&'static str, Text)> {
    vec![("Enter", Text::KeySubmit), ("Tab", Text::KeyNextField), ("Space", Text::KeyToggle), ("Esc/^B", Text::KeyBack)]
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, form: &Form, view: &View) {
    let block = body_block(Text::ClientTitle.get(app.lang), view.theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    draw_form(frame, inner, app.lang, form, view.theme);
}

#[cfg(test)]
mod tests {
    use crate::instrument::Lang;
    use crate::tui::app::{Action, Effect, Screen, update};
    use crate::tui::screens::fixtures;
    use crate::tui::strings::Text;
    use crate::tui::view::test_support::{care, library, render};

    fn typed(app: &mut crate::tui::app::App, text: &str) {
        for c in text.chars() {
            update(app, Action::Input(c), library(), care(), "2026-11-25");
        }
    }

    #[test]
    fn client_form_validates_and_creates() {
        let mut app = fixtures::signed_in(Lang::En);
        app.screen = Screen::Home { entries: Vec::new(), selected: 0 };
        update(&mut app, Action::Letter('n'), library(), care(), "2026-11-25");
        insta::assert_snapshot!("client_empty_80x24", render(&app, 80, 24));
        typed(&mut app, "Émilie Tremblay 山田");
        update(&mut app, Action::NextField, library(), care(), "2026-11-25");
        typed(&mut app, "2031-02-30");
        update(&mut app, Action::NextField, library(), care(), "2026-11-25");
        update(&mut app, Action::ClearField, library(), care(), "2026-11-25");
        typed(&mut app, "qc");
        update(&mut app, Action::NextField, library(), care(), "2026-11-25");
        typed(&mut app, "fr");
        update(&mut app, Action::NextField, library(), care(), "2026-11-25");
        update(&mut app, Action::Down, library(), care(), "2026-11-25");
        update(&mut app, Action::Toggle, library(), care(), "2026-11-25");
        let effects = update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        assert!(effects.is_empty());
        let Screen::ClientForm(form) = &app.screen else { panic!("{:?}", app.screen) };
        assert_eq!(form.fields[1].error, Some(Text::BadDate));
        insta::assert_snapshot!(
            "client_errors_120x40_fr",
            render(&crate::tui::app::App { lang: Lang::Fr, ..app.clone() }, 120, 40)
        );
        update(&mut app, Action::ClearField, library(), care(), "2026-11-25");
        typed(&mut app, "1990-04-02");
        let effects = update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        let [Effect::CreateClient(client)] = &effects[..] else { panic!("{effects:?}") };
        assert_eq!(client.province, "QC");
        assert_eq!(client.language, Some(Lang::Fr));
        assert_eq!(client.populations, vec!["indigenous".to_string()]);
        assert_eq!(client.birth_date.as_deref(), Some("1990-04-02"));
    }
}
