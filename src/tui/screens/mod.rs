//! One file per screen: `draw` (a pure function of the state) and `keys` (for the footer and the
//! help), with snapshot tests at 80x24 and 120x40.

pub mod admin;
pub mod admin_tools;
pub mod bundle;
pub mod client;
pub mod consent;
pub mod crisis;
pub mod first_run;
pub mod history;
pub mod home;
pub mod login;
pub mod questionnaire;
pub mod report;
pub mod results;
pub mod results_view;
pub mod search;
pub mod summary;

#[cfg(test)]
pub mod fixtures {
    //! States for the snapshot tests.

    use crate::instrument::Lang;
    use crate::tui::app::App;
    use crate::tui::view::test_support::library;

    pub fn signed_in(lang: Lang) -> App {
        crate::tui::demo::signed_in(lang)
    }

    pub fn client(lang: Lang) -> crate::tui::backend::ClientInfo {
        crate::tui::demo::client(lang)
    }

    /// Signed in with an adult-core intake, after answering `positions` in order.
    pub fn intake(lang: Lang, positions: &[usize]) -> App {
        crate::tui::demo::intake(library(), lang, positions)
    }
}

#[cfg(test)]
mod text_box_tests {
    //! The free-text boxes outside forms edit at a cursor, as form fields do.

    use super::fixtures;
    use crate::instrument::Lang;
    use crate::tui::app::{Action, App, CrisisState, Effect, Screen, update};
    use crate::tui::view::test_support::{care, library};

    fn act(app: &mut App, actions: &[Action]) -> Vec<Effect> {
        actions.iter().flat_map(|a| update(app, a.clone(), library(), care(), "2026-11-25")).collect()
    }

    fn typed(text: &str) -> Vec<Action> {
        text.chars().map(|c| if c == ' ' { Action::Toggle } else { Action::Input(c) }).collect()
    }

    #[test]
    fn the_crisis_note_edits_at_the_cursor() {
        let mut app = fixtures::intake(Lang::En, &[]);
        let mut crisis = CrisisState::new(false, "phq9".into(), Vec::new());
        crisis.note_focus = true;
        app.screen = Screen::Crisis(crisis);
        act(&mut app, &typed("on call MD"));
        act(&mut app, &[Action::CursorHome, Action::CursorRight, Action::CursorRight, Action::Input('-')]);
        act(&mut app, &[Action::DeleteForward, Action::CursorEnd, Action::DeleteWord, Action::Input('X')]);
        let Screen::Crisis(crisis) = &app.screen else { panic!("left the crisis screen") };
        assert_eq!(crisis.note.value.as_str(), "on-call X");
        assert_eq!(crisis.note.cursor(), 9);
    }

    #[test]
    fn the_search_query_edits_at_the_cursor_and_searches_when_its_words_change() {
        let mut app = fixtures::signed_in(Lang::En);
        app.screen = Screen::Search(Box::default());
        act(&mut app, &typed("sam lee"));
        let effects = act(&mut app, &[Action::CursorLeft, Action::CursorLeft, Action::CursorLeft, Action::DeleteChar]);
        assert_eq!(effects, vec![Effect::SearchClients("samlee".into())]);
        let effects = act(&mut app, &[Action::Toggle]);
        assert_eq!(effects, vec![Effect::SearchClients("sam lee".into())], "a space inside a word splits it");
        assert_eq!(act(&mut app, &[Action::CursorEnd, Action::Toggle]), Vec::new(), "one at the end does not");
        let Screen::Search(search) = &app.screen else { panic!("left the search") };
        assert_eq!(search.query.value.as_str(), "sam lee ");
    }
}
