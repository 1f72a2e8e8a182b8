//! Results: the state, key tables and replies of the results screen: confirm or override the
//! level (reason required), lift an exclusion, pick referrals, preview and save the take-away
//! summary, and finish with an outcome. Drawing is in `results_view`.

use crate::auth::Operation;
use crate::instrument::{Library, ScoreResult};
use crate::intake::care::{Care, Plan};
use crate::triage::Level;
use crate::triage::matching::LiftedExclusion;
use crate::tui::app::{Action, App, Deps, Effect, Intake, Screen, Status, go_home};
use crate::tui::form::Field;
use crate::tui::keys::{self, Binding, Entry, Key, bind};
use crate::ui::strings::Text;

/// The results screen: the plan, the worker's decision and referral picks.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultsState {
    pub plan: Plan,
    pub cursor: usize,
    pub picked: Vec<bool>,
    /// Choosing another level: the level and the required reason.
    pub overriding: Option<(Level, Field)>,
    pub decided: Option<Level>,
    pub summary: Option<String>,
    pub error: Option<Text>,
    /// The QR code of each matched resource's web address (by position in `plan.resources`),
    /// encoded once here because encoding costs several times a whole frame.
    pub qr_codes: Vec<Option<Vec<String>>>,
    /// The reason of the override saved last (kept so a later lift re-records the same level).
    pub decided_reason: Option<String>,
    /// Exclusions lifted in the decision saved last.
    pub lifted: Vec<crate::triage::matching::LiftedExclusion>,
    /// A clinician lifting an exclusion: which (`plan.liftable`), then the reason.
    pub lifting: Option<LiftPrompt>,
    /// Finishing the intake: the outcome chosen (1 referred, 2 declined, 3 no referral needed),
    /// then, for the last, the reason.
    pub finishing: Option<LiftPrompt>,
    /// The decision being saved: level, override reason, lifted exclusions.
    pub saving: Option<(Level, Option<String>, Vec<crate::triage::matching::LiftedExclusion>)>,
    /// Who decided and when, for the decision on record when the encounter was opened (until
    /// another is saved here).
    pub decided_by: Option<(String, String)>,
    /// The take-away summary as it will be saved, shown before it is.
    pub preview: Option<super::summary::Preview>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LiftPrompt {
    /// Index into `plan.liftable`, once chosen.
    pub choice: Option<usize>,
    pub reason: Field,
}

/// A reason box of the results screen (an override's, a lift's).
fn reason_field() -> Field {
    Field::free_text(Text::OverrideReason, 300)
}

/// The results screen for a finished flow, with its plan computed once; an encounter opened
/// again starts from the decision on record and the resources then picked.
pub fn results_screen(intake: &Intake, library: &Library, care: &Care, today: &str) -> Screen {
    let results: Vec<&ScoreResult> = intake.flow.results().collect();
    let plan = care.plan(library, &intake.client.care_client(today), &results, &[]);
    let picked = vec![false; plan.resources.len()];
    let qr_codes = plan.resources.iter().map(|r| r.url.as_deref().and_then(crate::tui::qr::lines)).collect();
    let mut state = ResultsState {
        plan,
        cursor: 0,
        picked,
        overriding: None,
        decided: None,
        summary: None,
        error: None,
        qr_codes,
        decided_reason: None,
        lifted: Vec::new(),
        lifting: None,
        saving: None,
        decided_by: None,
        preview: None,
        finishing: None,
    };
    if let Some(stored) = &intake.stored {
        state.decided = Some(stored.level);
        state.decided_reason = stored.override_reason.clone();
        state.lifted = stored.lifted.clone();
        state.decided_by = Some((stored.by.clone(), stored.at.clone()));
        replan(&mut state, intake, library, care, today);
    }
    state.picked = state.plan.resources.iter().map(|r| intake.picked.contains(&r.id)).collect();
    Screen::Results(Box::new(state))
}

/// The plan again after a decision: matched at the final level, with the lifted exclusions;
/// the picks of resources still listed are kept.
fn replan(state: &mut ResultsState, intake: &Intake, library: &Library, care: &Care, today: &str) {
    let results: Vec<&ScoreResult> = intake.flow.results().collect();
    let decided = crate::intake::care::Decided { level: state.decided, lifted: state.lifted.clone() };
    let plan = care.plan_decided(library, &intake.client.care_client(today), &results, &[], &decided);
    let picked_ids: Vec<&str> =
        state.plan.resources.iter().zip(&state.picked).filter(|(_, p)| **p).map(|(r, _)| r.id.as_str()).collect();
    state.picked = plan.resources.iter().map(|r| picked_ids.contains(&r.id.as_str())).collect();
    state.qr_codes = plan.resources.iter().map(|r| r.url.as_deref().and_then(crate::tui::qr::lines)).collect();
    state.cursor = state.cursor.min(plan.resources.len().saturating_sub(1));
    state.plan = plan;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    Move,
    Pick,
    Confirm,
    Override,
    Lift,
    Summary,
    Finish,
    /// Back to the queue; the intake stays open.
    Leave,
    /// In the override and the lift: choose, type the reason, save it, or leave it.
    Choose,
    Type,
    Save,
    Cancel,
    /// In the summary's preview.
    Scroll,
}

const KEYS: &[Binding<Cmd>] = &[
    bind(&[Key::Letter('c')], Cmd::Confirm, Text::KeyConfirmLevel),
    bind(&[Key::Letter('o')], Cmd::Override, Text::KeyOverride)
        .when(|app, _| keys::may(app, Operation::OverrideDecision)),
    bind(&[Key::Space, Key::Enter], Cmd::Pick, Text::KeyPick),
    bind(&[Key::Letter('p')], Cmd::Summary, Text::KeySummary),
    bind(&[Key::Letter('f')], Cmd::Finish, Text::KeyFinish),
    bind(&[Key::Back], Cmd::Leave, Text::KeyBack),
    bind(&[Key::Letter('x')], Cmd::Lift, Text::KeyLiftExclusion).when(may_lift),
    bind(&[Key::Arrows], Cmd::Move, Text::KeyMove).help_only(),
];

const OVERRIDE_KEYS: &[Binding<Cmd>] = &[
    bind(&[Key::Arrows], Cmd::Choose, Text::KeyOverride),
    bind(&[Key::Enter], Cmd::Save, Text::KeySubmit),
    bind(&[Key::Back], Cmd::Cancel, Text::KeyBack),
    bind(&[Key::Text], Cmd::Type, Text::KeyTextEdit).help_only(),
];

const PREVIEW_KEYS: &[Binding<Cmd>] = &[
    bind(&[Key::Enter], Cmd::Save, Text::KeySaveSummary),
    bind(&[Key::Arrows], Cmd::Scroll, Text::KeyScrollText),
    bind(&[Key::Back], Cmd::Cancel, Text::KeyBack),
];

const LIFT_CHOICE_KEYS: &[Binding<Cmd>] =
    &[bind(&[Key::Digits], Cmd::Choose, Text::KeyChoose), bind(&[Key::Back], Cmd::Cancel, Text::KeyBack)];

const LIFT_REASON_KEYS: &[Binding<Cmd>] = &[
    bind(&[Key::Enter], Cmd::Save, Text::KeySubmit),
    bind(&[Key::Back], Cmd::Cancel, Text::KeyBack),
    bind(&[Key::Text], Cmd::Type, Text::KeyTextEdit).help_only(),
];

/// What the marks on the results screen mean (the help's legend).
pub const LEGEND: &[Text] = &[Text::LegendCritical, Text::LegendResultsMarks];

/// A clinician lifts a flag-based exclusion, with a reason (issue 12).
fn may_lift(app: &App, _: &crate::instrument::Library) -> bool {
    keys::may(app, Operation::OverrideDecision)
        && matches!(&app.screen, Screen::Results(state) if !state.plan.liftable.is_empty())
}

fn table(app: &App) -> &'static [Binding<Cmd>] {
    let Screen::Results(state) = &app.screen else { return KEYS };
    if state.preview.is_some() {
        return PREVIEW_KEYS;
    }
    match state.finishing.as_ref().map(|f| f.choice) {
        Some(None) => return LIFT_CHOICE_KEYS,
        Some(Some(_)) => return LIFT_REASON_KEYS,
        None => {}
    }
    match (&state.overriding, state.lifting.as_ref().map(|l| l.choice)) {
        (Some(_), _) => OVERRIDE_KEYS,
        (None, Some(None)) => LIFT_CHOICE_KEYS,
        (None, Some(Some(_))) => LIFT_REASON_KEYS,
        (None, None) => KEYS,
    }
}

pub fn entries(app: &App, library: &crate::instrument::Library) -> Vec<Entry> {
    keys::entries(table(app), app, library)
}

/// Keys on the results screen.
pub fn key(app: &mut App, action: Action, deps: Deps) -> Vec<Effect> {
    let Some(command) = keys::lookup(table(app), app, deps.library, &action) else { return Vec::new() };
    let (Screen::Results(state), Some(intake)) = (&mut app.screen, app.intake.as_ref()) else { return Vec::new() };
    state.error = None;
    let client = super::summary::Client { intake, org: app.org.as_ref(), today: deps.today };
    let step = Step { intake };
    let done = if state.preview.is_some() {
        let up = (command == Cmd::Scroll).then_some(action == Action::Up);
        let saving = (command == Cmd::Save).then_some(&client);
        Some(super::summary::key(state, up, saving, command == Cmd::Cancel))
    } else if state.finishing.is_some() {
        return finish_key(state, command, action, &step);
    } else if command == Cmd::Summary && state.lifting.is_none() && state.overriding.is_none() {
        super::summary::open(state, &client, app.lang, deps);
        Some(Vec::new())
    } else if state.lifting.is_some() {
        lift_key(state, command, action, &step)
    } else if state.overriding.is_some() {
        override_key(state, command, action, &step)
    } else {
        main_key(state, command, action, &step)
    };
    done.unwrap_or_else(|| {
        // The worker finished: home.
        app.intake = None;
        go_home(app)
    })
}

/// What a key on the results screen needs besides the state.
struct Step<'a> {
    intake: &'a Intake,
}

impl Step<'_> {
    /// Saves the decision: `level`, the override's reason, the lifted exclusions.
    fn save(
        &self,
        state: &mut ResultsState,
        level: Level,
        reason: Option<String>,
        lifted: Vec<LiftedExclusion>,
    ) -> Effect {
        state.saving = Some((level, reason.clone(), lifted.clone()));
        Effect::SaveDecision {
            encounter: self.intake.encounter.clone(),
            suggested: state.plan.suggested.as_str().to_string(),
            // The record keeps the reasons in English, as every record has.
            reasons: state.plan.reasons.iter().map(ToString::to_string).collect(),
            final_level: level.as_str().to_string(),
            override_reason: reason,
            lifted,
        }
    }
}

/// The outcomes offered when finishing, in order (chosen by number).
pub const OUTCOMES: [(crate::store::OutcomeKind, Text); 3] = [
    (crate::store::OutcomeKind::Referred, Text::OutcomeReferred),
    (crate::store::OutcomeKind::Declined, Text::OutcomeDeclined),
    (crate::store::OutcomeKind::NoReferralNeeded, Text::OutcomeNoReferral),
];

/// Finishing: the outcome, then the reason when no referral is needed. Referred saves the
/// referral picked on screen before the encounter is closed.
fn finish_key(state: &mut ResultsState, command: Cmd, action: Action, step: &Step) -> Vec<Effect> {
    use crate::store::OutcomeKind;
    let Some(prompt) = state.finishing.as_mut() else { return Vec::new() };
    let finish =
        |outcome, reason| Effect::FinishEncounter { encounter: step.intake.encounter.clone(), outcome, reason };
    match (prompt.choice, command, action) {
        (_, Cmd::Cancel, _) => state.finishing = None,
        (None, Cmd::Choose, Action::Choose(n)) => match OUTCOMES.get(n).map(|(kind, _)| *kind) {
            Some(OutcomeKind::Referred) if !state.picked.iter().any(|p| *p) => {
                state.error = Some(Text::FinishNeedsPicks);
                state.finishing = None;
            }
            Some(OutcomeKind::Referred) => {
                return vec![
                    Effect::SaveReferral { encounter: step.intake.encounter.clone(), resources: picks(state) },
                    finish(OutcomeKind::Referred, None),
                ];
            }
            Some(OutcomeKind::Declined) => return vec![finish(OutcomeKind::Declined, None)],
            Some(OutcomeKind::NoReferralNeeded) => prompt.choice = Some(n),
            None => {}
        },
        (Some(_), Cmd::Type, action) => {
            prompt.reason.edit_text(&action);
        }
        (Some(_), Cmd::Save, _) if prompt.reason.value.trim().is_empty() => {
            state.error = Some(Text::FinishReasonNeeded)
        }
        (Some(_), Cmd::Save, _) => {
            return vec![finish(OutcomeKind::NoReferralNeeded, Some(prompt.reason.value.trim().to_string()))];
        }
        _ => {}
    }
    Vec::new()
}

/// Each resource on screen with its reasons and whether it was picked, for the referral record.
fn picks(state: &ResultsState) -> Vec<(String, Vec<String>, bool)> {
    state
        .plan
        .resources
        .iter()
        .zip(&state.picked)
        .map(|(r, picked)| (r.id.clone(), r.reasons.iter().map(ToString::to_string).collect(), *picked))
        .collect()
}

/// Lifting an exclusion: which one, then the reason.
fn lift_key(state: &mut ResultsState, command: Cmd, action: Action, step: &Step) -> Option<Vec<Effect>> {
    let prompt = state.lifting.as_mut()?;
    match (prompt.choice, command, action) {
        (_, Cmd::Cancel, _) => state.lifting = None,
        (None, Cmd::Choose, Action::Choose(n)) if n < state.plan.liftable.len() => prompt.choice = Some(n),
        (Some(_), Cmd::Type, action) => {
            prompt.reason.edit_text(&action);
        }
        (Some(choice), Cmd::Save, _) => {
            if prompt.reason.value.trim().is_empty() {
                state.error = Some(Text::LiftReasonNeeded);
                return Some(Vec::new());
            }
            let target = state.plan.liftable.get(choice)?;
            let mut lifted = state.lifted.clone();
            lifted.push(LiftedExclusion {
                resource: target.resource.clone(),
                criterion: target.criterion,
                reason: prompt.reason.value.trim().to_string(),
            });
            state.lifting = None;
            // Recorded at once, as a new decision at the level already decided.
            let level = state.decided.unwrap_or(state.plan.suggested);
            let reason = state.decided_reason.clone();
            return Some(vec![step.save(state, level, reason, lifted)]);
        }
        _ => {}
    }
    Some(Vec::new())
}

/// Choosing another level, with the reason.
fn override_key(state: &mut ResultsState, command: Cmd, action: Action, step: &Step) -> Option<Vec<Effect>> {
    let (level, reason) = state.overriding.as_mut()?;
    match (command, action) {
        (Cmd::Choose, action) => {
            let index = Level::ALL.iter().position(|l| l == level).unwrap_or(0);
            let next = if action == Action::Up { index + Level::ALL.len() - 1 } else { index + 1 } % Level::ALL.len();
            *level = Level::ALL[next];
        }
        (Cmd::Type, action) => {
            reason.edit_text(&action);
        }
        (Cmd::Cancel, _) => state.overriding = None,
        (Cmd::Save, _) => {
            if reason.value.trim().is_empty() {
                state.error = Some(Text::OverrideReason);
                return Some(Vec::new());
            }
            let (level, reason) = (*level, Some(reason.value.trim().to_string()));
            let lifted = state.lifted.clone();
            return Some(vec![step.save(state, level, reason, lifted)]);
        }
        _ => {}
    }
    Some(Vec::new())
}

/// The plan itself: move, pick, confirm, override, lift, summary; `None` when finished.
fn main_key(state: &mut ResultsState, command: Cmd, action: Action, step: &Step) -> Option<Vec<Effect>> {
    let count = state.plan.resources.len();
    match command {
        Cmd::Move if action == Action::Up => state.cursor = state.cursor.saturating_sub(1),
        Cmd::Move => state.cursor = (state.cursor + 1).min(count.saturating_sub(1)),
        Cmd::Pick => {
            if let Some(pick) = state.picked.get_mut(state.cursor) {
                *pick = !*pick;
            }
        }
        // A level already decided (here or on record) stands: confirming records nothing over
        // it; changing it is `o`.
        Cmd::Confirm if state.decided.is_some() => state.error = Some(Text::AlreadyDecided),
        Cmd::Confirm => {
            let (suggested, lifted) = (state.plan.suggested, state.lifted.clone());
            return Some(vec![step.save(state, suggested, None, lifted)]);
        }
        Cmd::Lift => state.lifting = Some(LiftPrompt { choice: None, reason: reason_field() }),
        Cmd::Override => state.overriding = Some((state.decided.unwrap_or(state.plan.suggested), reason_field())),
        Cmd::Finish => state.finishing = Some(LiftPrompt { choice: None, reason: reason_field() }),
        Cmd::Leave => return None,
        Cmd::Choose | Cmd::Type | Cmd::Save | Cmd::Cancel | Cmd::Scroll | Cmd::Summary => {}
    }
    Some(Vec::new())
}

/// The owner's answers to the decision, the referral and the summary file.
pub fn reply(app: &mut App, action: Action, deps: Deps) -> Vec<Effect> {
    match action {
        Action::DecisionSaved(result) => {
            if let (Screen::Results(state), Some(intake)) = (&mut app.screen, app.intake.as_ref()) {
                match result {
                    Ok(()) => {
                        let saved = state.saving.take();
                        state.overriding = None;
                        let (level, reason, lifted) =
                            saved.unwrap_or((state.decided.unwrap_or(state.plan.suggested), None, Vec::new()));
                        let replanned = state.decided != Some(level) || state.lifted != lifted;
                        state.decided = Some(level);
                        state.decided_by = None;
                        state.decided_reason = reason;
                        state.lifted = lifted;
                        if replanned {
                            replan(state, intake, deps.library, deps.care, deps.today);
                        }
                        app.status = Some(Status::Note(Text::DecisionSaved, None));
                    }
                    Err(message) => {
                        state.saving = None;
                        app.status = Some(Status::Failed(message));
                    }
                }
            }
        }
        // Success needs no message of its own: the summary's path follows and is shown.
        Action::ReferralSaved(Err(message)) => app.status = Some(Status::Failed(message)),
        Action::ReferralSaved(Ok(())) => {}
        Action::SummaryWritten(Ok(path)) => {
            if let Screen::Results(state) = &mut app.screen {
                state.summary = Some(path.clone());
            }
            app.status = Some(Status::Note(Text::SummarySaved, Some(path)));
        }
        Action::SummaryWritten(Err(message)) => app.status = Some(Status::Failed(message)),
        Action::EncounterFinished(Ok(())) => {
            app.intake = None;
            app.status = Some(Status::Note(Text::IntakeFinished, None));
            return go_home(app);
        }
        Action::EncounterFinished(Err(message)) => {
            if let Screen::Results(state) = &mut app.screen {
                state.finishing = None;
            }
            app.status = Some(Status::Failed(message));
        }
        _ => {}
    }
    Vec::new()
}

pub use super::results_view::{draw, level_text, risk_change_lines};

#[cfg(test)]
mod tests {
    use crate::instrument::Lang;
    use crate::triage::Level;
    use crate::tui::app::{Action, Effect, Screen, update};
    use crate::tui::screens::fixtures;
    use crate::tui::view::test_support::{care, library, render};
    use crate::ui::strings::Text;

    /// From PHQ-9's difficulty item on: the ASQ negative, GAD-7, AUDIT-C, DAST-10, PC-PTSD-5.
    fn after_item_9() -> Vec<usize> {
        let mut answers = vec![1]; // PHQ-9 difficulty
        answers.extend([1, 1, 1, 1]); // ASQ: no to q1-q4
        answers.extend([2, 1, 2, 1, 1, 2, 1, 0]); // GAD-7
        answers.push(0); // AUDIT-C: never (WHO skip: questions 2 and 3 are not asked)
        answers.extend([1; 10]); // DAST-10: no
        answers.push(1); // PC-PTSD-5: no exposure
        answers
    }

    /// PHQ-9 with item 9 positive, the ASQ negative, then GAD-7, AUDIT-C, DAST-10, PC-PTSD-5.
    fn finished(lang: Lang) -> crate::tui::app::App {
        let mut app = fixtures::intake(lang, &[]);
        app.lang = lang;
        app.screen = Screen::Questionnaire;
        let mut answers = vec![2, 2, 1, 2, 1, 1, 1, 0, 1];
        answers.extend(after_item_9());
        for position in answers {
            update(&mut app, Action::Choose(position), library(), care(), "2026-11-25");
            if let Screen::Crisis(_) = app.screen {
                update(&mut app, Action::Choose(2), library(), care(), "2026-11-25");
                update(&mut app, Action::Submit, library(), care(), "2026-11-25");
                update(&mut app, Action::CrisisRecorded(Ok("10:42".into())), library(), care(), "2026-11-25");
            }
        }
        app
    }

    /// As `finished`, but PHQ-9 item 9 changed to "Not at all" after the crisis action, with a
    /// reason (issue 11, item 5).
    fn finished_after_a_changed_item_9(lang: Lang) -> crate::tui::app::App {
        let mut app = fixtures::intake(lang, &[]);
        app.lang = lang;
        app.screen = Screen::Questionnaire;
        let step = |app: &mut crate::tui::app::App, action| update(app, action, library(), care(), "2026-11-25");
        for position in [2, 2, 1, 2, 1, 1, 1, 0, 1] {
            step(&mut app, Action::Choose(position));
        }
        step(&mut app, Action::Choose(2));
        step(&mut app, Action::Submit);
        step(&mut app, Action::CrisisRecorded(Ok("10:42".into())));
        step(&mut app, Action::Back);
        step(&mut app, Action::Choose(0));
        for c in "mis-keyed; the client said not at all".chars() {
            step(&mut app, Action::Input(c));
        }
        step(&mut app, Action::Submit);
        for position in after_item_9() {
            step(&mut app, Action::Choose(position));
        }
        app
    }

    #[test]
    fn a_flag_withdrawn_by_a_changed_answer_stays_on_the_results_with_who_and_why() {
        for (lang, text) in [
            (Lang::En, "CRITICAL suicidal_ideation: raised, then changed by amira:"),
            (Lang::Fr, "CRITICAL suicidal_ideation: signalé, puis modifié par amira"),
        ] {
            let app = finished_after_a_changed_item_9(lang);
            assert!(matches!(app.screen, Screen::Results(_)), "{:?}", app.screen);
            let screen = render(&app, 80, 24);
            assert!(screen.contains(text), "{screen}");
            let name = if lang == Lang::En { "en" } else { "fr" };
            insta::assert_snapshot!(format!("results_risk_changed_80x24_{name}"), screen);
            insta::assert_snapshot!(format!("results_risk_changed_120x40_{name}"), render(&app, 120, 40));
        }
    }

    #[test]
    fn each_resource_shows_all_its_reasons_and_the_list_follows_the_selection() {
        let mut app = finished(Lang::En);
        let screen = render(&app, 80, 24);
        assert!(screen.contains("(plain SMS, no data needed)"), "the reasons wrap, not cut:\n{screen}");
        assert!(screen.contains("1–2 of 4"), "{screen}");
        for _ in 0..3 {
            update(&mut app, Action::Down, library(), care(), "2026-11-25");
        }
        let screen = render(&app, 80, 24);
        assert!(
            screen.contains("[ ] 9-1-1 emergency services") && screen.contains("danger to life; offered in English"),
            "{screen}"
        );
        assert!(screen.contains(" of 4 "), "{screen}");
    }

    #[test]
    fn results_snapshots_in_both_languages() {
        let app = finished(Lang::En);
        let Screen::Results(state) = &app.screen else { panic!("{:?}", app.screen) };
        assert_eq!(state.plan.suggested, Level::Crisis);
        assert!(state.plan.resources[0].crisis);
        let screen = render(&app, 80, 24);
        assert!(screen.contains("CRITICAL"));
        insta::assert_snapshot!("results_80x24_en", screen);
        let large = render(&app, 120, 40);
        assert!(large.contains('▀') || large.contains('▄'), "a QR code is drawn where there is room");
        assert!(!screen.contains('▀'), "no QR code at 80x24");
        insta::assert_snapshot!("results_120x40_en", large);
        insta::assert_snapshot!("results_80x24_fr", render(&finished(Lang::Fr), 80, 24));
        insta::assert_snapshot!("results_120x40_fr", render(&finished(Lang::Fr), 120, 40));
    }

    #[test]
    fn override_needs_a_reason_and_keeps_both_levels() {
        let mut app = finished(Lang::En);
        // An intake worker is neither offered `o` nor can use it: overriding is a clinician's.
        update(&mut app, Action::Letter('o'), library(), care(), "2026-11-25");
        assert!(matches!(&app.screen, Screen::Results(state) if state.overriding.is_none()));
        assert!(!super::entries(&app, library()).iter().any(|e| e.key == "o"));
        app.session.as_mut().unwrap().role = crate::auth::Role::Clinician;
        assert!(super::entries(&app, library()).iter().any(|e| e.key == "o"));
        update(&mut app, Action::Letter('o'), library(), care(), "2026-11-25");
        update(&mut app, Action::Down, library(), care(), "2026-11-25");
        assert!(update(&mut app, Action::Submit, library(), care(), "2026-11-25").is_empty(), "no reason, no save");
        for c in "seen by on-call MD, safe".chars() {
            update(&mut app, Action::Input(c), library(), care(), "2026-11-25");
        }
        insta::assert_snapshot!("results_override_80x24", render(&app, 80, 24));
        let effects = update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        let [Effect::SaveDecision { suggested, final_level, override_reason, .. }] = &effects[..] else {
            panic!("{effects:?}")
        };
        assert_eq!((suggested.as_str(), final_level.as_str()), ("crisis", "1"));
        assert_eq!(override_reason.as_deref(), Some("seen by on-call MD, safe"));
        update(&mut app, Action::DecisionSaved(Ok(())), library(), care(), "2026-11-25");
        let Screen::Results(state) = &app.screen else { panic!() };
        assert_eq!(state.decided, Some(Level::One));
    }

    #[test]
    fn referral_summary_after_a_decision() {
        let mut app = finished(Lang::Fr);
        assert!(update(&mut app, Action::Letter('p'), library(), care(), "2026-11-25").is_empty(), "decide first");
        update(&mut app, Action::Letter('c'), library(), care(), "2026-11-25");
        update(&mut app, Action::DecisionSaved(Ok(())), library(), care(), "2026-11-25");
        // Nothing ticked: refused with the way on (issue 16, item 7).
        assert!(update(&mut app, Action::Letter('p'), library(), care(), "2026-11-25").is_empty());
        let Screen::Results(state) = &app.screen else { panic!() };
        assert_eq!((state.error, state.preview.is_none()), (Some(Text::SummaryPickFirst), true));
        update(&mut app, Action::Toggle, library(), care(), "2026-11-25");
        // A preview first; Enter saves it.
        assert!(update(&mut app, Action::Letter('p'), library(), care(), "2026-11-25").is_empty());
        let screen = render(&app, 120, 40);
        assert!(screen.contains("aperçu") && screen.contains("9-1-1"), "{screen}");
        let effects = update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        let [Effect::SaveReferral { resources, .. }, Effect::WriteSummary { text, .. }] = &effects[..] else {
            panic!("{effects:?}")
        };
        assert!(resources[0].2, "the first resource was picked");
        assert!(text.starts_with("Résumé d'orientation"));
        assert!(!text.contains("Émilie"), "the summary names no client");
        assert!(!text.contains("PHQ"), "the summary holds no scores");
        // Replies come back newest first; whatever the order, the path stays on screen.
        update(
            &mut app,
            Action::SummaryWritten(Ok("/tmp/referral-20261125-e1.txt".into())),
            library(),
            care(),
            "2026-11-25",
        );
        update(&mut app, Action::ReferralSaved(Ok(())), library(), care(), "2026-11-25");
        let screen = render(&app, 120, 40);
        assert!(screen.contains("/tmp/referral-20261125-e1.txt"), "{screen}");
    }

    #[test]
    fn a_clinician_overrides_the_level_and_lifts_a_flag_based_exclusion_with_a_reason() {
        let mut app = finished(Lang::En);
        if let Some(session) = app.session.as_mut() {
            session.role = crate::auth::Role::Clinician;
        }
        if let Some(intake) = app.intake.as_mut() {
            intake.client.province = Some(crate::store::Province::Bc);
        }
        let step = |app: &mut crate::tui::app::App, action| update(app, action, library(), care(), "2026-11-25");
        // Override the crisis suggestion to level 3 (ASQ negative: passive thoughts).
        step(&mut app, Action::Letter('o'));
        while !matches!(&app.screen, Screen::Results(s) if s.overriding.as_ref().is_some_and(|o| o.0 == Level::Three)) {
            step(&mut app, Action::Down);
        }
        for c in "ASQ negative".chars() {
            step(&mut app, Action::Input(c));
        }
        let effects = step(&mut app, Action::Submit);
        assert!(
            matches!(&effects[..], [Effect::SaveDecision { final_level, .. }] if final_level == "3"),
            "{effects:?}"
        );
        step(&mut app, Action::DecisionSaved(Ok(())));
        let Screen::Results(state) = &app.screen else { panic!() };
        let liftable: Vec<&str> = state.plan.liftable.iter().map(|l| l.resource.as_str()).collect();
        assert!(
            liftable.contains(&"bounceback"),
            "matched at level 3, BounceBack is held back by item 9: {liftable:?}"
        );
        let index = liftable.iter().position(|id| *id == "bounceback").unwrap();
        assert!(super::entries(&app, library()).iter().any(|e| e.key == "x"), "the footer offers the lift");
        step(&mut app, Action::Letter('x'));
        step(&mut app, Action::Choose(index));
        assert!(step(&mut app, Action::Submit).is_empty(), "a reason is needed");
        for c in "passive thoughts, safety plan".chars() {
            step(&mut app, Action::Input(c));
        }
        let effects = step(&mut app, Action::Submit);
        let [Effect::SaveDecision { final_level, override_reason, lifted, .. }] = &effects[..] else {
            panic!("{effects:?}")
        };
        assert_eq!((final_level.as_str(), override_reason.as_deref()), ("3", Some("ASQ negative")));
        assert_eq!(lifted[0].resource, "bounceback");
        step(&mut app, Action::DecisionSaved(Ok(())));
        let Screen::Results(state) = &app.screen else { panic!() };
        let bounce = state.plan.resources.iter().find(|r| r.id == "bounceback").expect("offered once lifted");
        assert!(
            bounce
                .reasons
                .iter()
                .any(|r| r.to_string().ends_with("lifted by a clinician: passive thoughts, safety plan"))
        );
        // An intake worker is not offered the lift.
        app.session.as_mut().unwrap().role = crate::auth::Role::Intake;
        assert!(!super::entries(&app, library()).iter().any(|e| e.key == "x"));
    }
}
