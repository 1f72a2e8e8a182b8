//! A write the owner refused because someone else changed the encounter since it was opened
//! (`ErrorKind::Stale`): nothing of it was saved, so the interface opens the intake again as it
//! is saved now and says why. Keys typed while that write was in flight were meant for a screen
//! that no longer holds, so they are dropped; later writes still in flight are refused the same
//! way (the connection's basis is unchanged until the intake is opened again) and ask for no
//! second reload. Pure: the shell performs the `OpenEncounter` effect.

use super::app::{Action, App, Effect, Status};
use crate::ui::error::{BackendError, ErrorKind};

/// The stale refusal in a reply to a write, if it is one.
pub(crate) fn stale(action: &Action) -> Option<&BackendError> {
    let error = match action {
        Action::Saved(Err(error))
        | Action::DecisionSaved(Err(error))
        | Action::ReferralSaved(Err(error))
        | Action::EncounterFinished(Err(error)) => error,
        Action::ConsentRecorded(Err(error)) | Action::CrisisRecorded(Err(error)) => error,
        _ => return None,
    };
    matches!(error.kind, ErrorKind::Stale | ErrorKind::Taken).then_some(error)
}

/// Opens the intake in hand again (once, however many writes were refused).
pub(crate) fn on_stale(app: &mut App, error: BackendError) -> Vec<Effect> {
    app.waiting.typed.clear();
    let Some(intake) = app.intake.as_ref() else {
        app.status = Some(Status::Failed(error));
        return Vec::new();
    };
    let first = app.reloading.is_none();
    app.reloading = Some(error);
    // Said once the intake is open again (a line left from before would be cleared with it).
    app.status = None;
    if first { vec![Effect::OpenEncounter(intake.encounter.clone())] } else { Vec::new() }
}

/// After `action` was routed: the intake opened again after a stale write says why.
pub(crate) fn after(app: &mut App, action_was_opened: Option<bool>) {
    match action_was_opened {
        Some(true) => {
            if let Some(error) = app.reloading.take() {
                app.status = Some(Status::Failed(error));
            }
        }
        Some(false) => app.reloading = None,
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::instrument::Lang;
    use crate::tui::app::{Action, Effect, Screen, Status, update};
    use crate::tui::screens::fixtures;
    use crate::tui::view::test_support::{care, library, render};
    use crate::ui::error::{BackendError, ErrorKind};

    fn stale() -> BackendError {
        BackendError::new(ErrorKind::Stale, "encounter e1 was changed by someone else")
    }

    #[test]
    fn a_stale_save_opens_the_intake_again_once_and_says_why() {
        let mut app = fixtures::intake(Lang::En, &[]);
        app.screen = Screen::Questionnaire;
        let effects = update(&mut app, Action::Saved(Err(stale())), library(), care(), "2026-11-25");
        assert_eq!(effects, vec![Effect::OpenEncounter("e1".into())]);
        // A second write refused the same way asks for no second reload.
        let again = update(&mut app, Action::Saved(Err(stale())), library(), care(), "2026-11-25");
        assert!(again.is_empty(), "{again:?}");
        let reopened = crate::tui::backend::EncounterState {
            encounter: "e1".into(),
            client: fixtures::client(Lang::En),
            instruments: library().bundle("adult-core").map(|b| b.instruments.clone()).unwrap_or_default(),
            consent: Some(true),
            answers: vec![("phq9".into(), "q1".into(), 1)],
            completed: Default::default(),
            risk: Default::default(),
            decision: None,
            picked: Vec::new(),
        };
        update(&mut app, Action::EncounterOpened(Ok(reopened)), library(), care(), "2026-11-25");
        assert!(matches!(&app.status, Some(Status::Failed(e)) if e.kind == ErrorKind::Stale), "{:?}", app.status);
        assert!(app.reloading.is_none());
        let screen = render(&app, 100, 30);
        assert!(screen.contains("someone else changed this intake since you opened it"), "{screen}");
        let french = crate::tui::app::App { lang: Lang::Fr, ..app.clone() };
        assert!(render(&french, 100, 30).contains("quelqu'un d'autre a modifié cette évaluation"));
    }

    #[test]
    fn a_save_refused_because_someone_took_the_intake_over_ends_at_the_queue_with_the_offer() {
        let mut app = fixtures::intake(Lang::En, &[]);
        app.screen = Screen::Questionnaire;
        let taken = BackendError::new(ErrorKind::Taken, "nurse took this encounter over");
        let effects = update(&mut app, Action::Saved(Err(taken)), library(), care(), "2026-11-25");
        assert_eq!(effects, vec![Effect::OpenEncounter("e1".into())]);
        let open_by = crate::store::OpenBy { user: "nurse".into(), since_ms: 0 };
        let held = Action::HeldElsewhere { encounter: "e1".into(), open_by };
        assert_eq!(update(&mut app, held, library(), care(), "2026-11-25"), vec![Effect::LoadHome]);
        let org = app.org.clone().unwrap();
        let entry = crate::tui::backend::QueueEntry {
            encounter: "e1".into(),
            client: "c1".into(),
            client_name: "Robin".into(),
            kiosk: false,
            critical: false,
            urgent: false,
            incomplete: false,
            updated: "2026-11-25 09:00".into(),
            open_by: None,
        };
        update(&mut app, Action::HomeLoaded(Ok((org, vec![entry]))), library(), care(), "2026-11-25");
        let screen = render(&app, 100, 30);
        assert!(screen.contains("someone else took this intake over"), "{screen}");
        assert!(screen.contains("Open by nurse since 20:00: t takes it over"), "{screen}");
    }

    #[test]
    fn any_other_failed_save_is_not_a_reload() {
        let mut app = fixtures::intake(Lang::En, &[]);
        app.screen = Screen::Questionnaire;
        let failed = BackendError::new(ErrorKind::DiskFull, "disk full");
        let effects = update(&mut app, Action::Saved(Err(failed)), library(), care(), "2026-11-25");
        assert!(effects.is_empty());
        assert!(app.reloading.is_none());
    }
}
