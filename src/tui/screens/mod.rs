//! One file per screen: `draw` (a pure function of the state) and `keys` (for the footer and the
//! help), with snapshot tests at 80x24 and 120x40.

pub mod client;
pub mod consent;
pub mod crisis;
pub mod first_run;
pub mod home;
pub mod login;
pub mod questionnaire;
pub mod results;

#[cfg(test)]
pub mod fixtures {
    //! States for the snapshot tests.

    use crate::instrument::{Context, Lang};
    use crate::tui::app::{App, Intake, SaveState};
    use crate::tui::backend::{ClientInfo, OrgInfo, Session};
    use crate::tui::intake::IntakeFlow;
    use crate::tui::view::test_support::library;

    pub fn signed_in(lang: Lang) -> App {
        let mut app = App::new(lang, 0);
        app.session = Some(Session { user: "amira".into(), role: "intake".into() });
        app.org = Some(OrgInfo {
            name: "Harbour Community Health".into(),
            province: "NS".into(),
            language: Lang::En,
            crisis_text: "Stay with the client. Call the on-call clinician at extension 200.".into(),
            idle_lock_minutes: 10,
        });
        app
    }

    pub fn client(lang: Lang) -> ClientInfo {
        ClientInfo {
            id: "c1".into(),
            name: "Émilie Tremblay".into(),
            birth_date: Some("1990-04-02".into()),
            province: "QC".into(),
            language: Some(lang),
            populations: vec![],
            access_needs: vec!["no_internet".into()],
        }
    }

    /// Signed in with an adult-core intake, after answering `positions` in order.
    pub fn intake(lang: Lang, positions: &[usize]) -> App {
        let mut app = signed_in(lang);
        let library = library();
        let instruments = library.bundle("adult-core").map(|b| b.instruments.clone()).unwrap_or_default();
        let mut flow = IntakeFlow::new(library, &instruments, Context::default());
        for position in positions {
            flow.answer(library, *position);
        }
        app.intake = Some(Intake { encounter: "e1".into(), client: client(lang), flow, save: SaveState::Saved, notice: None });
        app
    }
}
