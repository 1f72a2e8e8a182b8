//! Sample states of the interface, for snapshot tests and the rendering benchmarks. They use a
//! fictional organisation and client; nothing here is stored.

use crate::instrument::{Context, Lang, Library};

use super::app::{App, ClientEdit, Intake, Screen, SearchState, client_form_with};
use super::backend::{ClientInfo, OrgInfo, Session};
use crate::intake::IntakeFlow;

pub fn signed_in(lang: Lang) -> App {
    let mut app = App::new(lang, 0);
    app.session = Some(Session { user: "amira".into(), role: crate::auth::Role::Intake, password_reset: None });
    app.org = Some(OrgInfo {
        name: "Harbour Community Health".into(),
        province: crate::store::Province::Ns,
        language: Lang::En,
        crisis_text: "Stay with the client. Call the on-call clinician at extension 200.".into(),
        crisis_text_fr: None,
        idle_lock_minutes: 10,
        asq_mode: Default::default(),
        contact_phone: Some("902-555-0100".into()),
        summary_dir: "/var/lib/triage/summaries".into(),
        zone: crate::ui::clock::Zone::named("America/Halifax").unwrap_or_default(),
    });
    // 2026-11-25 12:00 UTC, 08:00 in Halifax: the sample queue's times are a few hours before.
    app.now_ms = 1_795_608_000_000;
    app
}

pub fn client(lang: Lang) -> ClientInfo {
    ClientInfo {
        id: "c1".into(),
        name: "Émilie Tremblay".into(),
        birth_date: Some("1990-04-02".into()),
        province: Some(crate::store::Province::Qc),
        language: Some(lang),
        populations: vec![],
        access_needs: vec!["no_internet".into()],
        sex_for_scoring: Some(crate::instrument::Sex::Female),
    }
}

/// Editing the sample client's details, opened from the search results (which it returns to).
pub fn editing_client(lang: Lang) -> App {
    let mut app = signed_in(lang);
    let client = client(lang);
    app.screen = Screen::ClientForm(client_form_with(&client, lang));
    let query = client.name.split_whitespace().next().unwrap_or_default().to_string();
    let mut search = SearchState { clients: vec![client.clone()], ..SearchState::default() };
    search.query.value = zeroize::Zeroizing::new(query);
    app.editing = Some(ClientEdit { client, back: Box::new(Screen::Search(Box::new(search))) });
    app
}

/// Signed in with an adult-core intake, after answering `positions` in order.
pub fn intake(library: &Library, lang: Lang, positions: &[usize]) -> App {
    let mut app = signed_in(lang);
    let instruments = library.bundle("adult-core").map(|b| b.instruments.clone()).unwrap_or_default();
    let mut flow = IntakeFlow::new(library, &instruments, Context::default());
    for position in positions {
        flow.answer(library, *position);
    }
    app.intake = Some(Intake::new("e1".into(), client(lang), flow));
    app
}
