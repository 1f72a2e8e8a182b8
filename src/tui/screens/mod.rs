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
