//! One item per screen: published instructions, stem and timeframe, our own note, numbered
//! options (number keys answer and advance), progress, the saved state, follow-ups added, in
//! the client's language. Changing an answer that withdraws a risk flag staff acted on asks for
//! the reason first, on this screen; so does a clinician waiving a follow-up that stayed due.

use crate::tui::form::Field;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Wrap};

use crate::ui::paragraph::FastParagraph;
use crate::ui::question::question_lines;

use crate::auth::Operation;
use crate::instrument::{Lang, Library};
use crate::intake::IntakeFlow;
use crate::intake::Step;
use crate::intake::care::Care;
use crate::tui::app::{Action, App, CrisisState, Deps, Effect, Screen, results_screen};
use crate::tui::backend::SavedAnswer;
use crate::tui::backend::{BackendError, ClientInfo};
use crate::tui::keys::{self, Binding, Entry, Key, bind};
use crate::tui::view::{View, body_block, clean};
use crate::ui::strings::{Text, fill};

/// The longest reason kept (the store takes notes of up to 4,000 characters).
const REASON_MAX: usize = 500;

#[derive(Debug, Clone, PartialEq)]
pub enum SaveState {
    Saving,
    Saved,
    Failed(BackendError),
}

/// The encounter in progress.
#[derive(Debug, Clone, PartialEq)]
pub struct Intake {
    pub encounter: String,
    pub client: ClientInfo,
    pub flow: IntakeFlow,
    pub save: SaveState,
    /// Follow-ups just added, shown once.
    pub notice: Option<Vec<String>>,
    /// A reason is being typed: for changing a risk answer acted on, or waiving a follow-up.
    pub reason: Option<ReasonPrompt>,
    /// The decision on record when the encounter was opened, and the resources then picked:
    /// the results screen starts from them.
    pub stored: Option<crate::tui::backend::StoredDecision>,
    pub picked: Vec<String>,
}

impl Intake {
    pub fn new(encounter: String, client: ClientInfo, flow: IntakeFlow) -> Intake {
        Intake {
            encounter,
            client,
            flow,
            save: SaveState::Saved,
            notice: None,
            reason: None,
            stored: None,
            picked: Vec::new(),
        }
    }
}

/// What a reason is asked for on the questionnaire screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReasonFor {
    /// Giving `answer` (`None`: leaving it unanswered) withdraws these risk flags, acted on.
    ChangeAnswer { answer: Option<usize>, flags: Vec<String> },
    /// A clinician waives the follow-up on screen, due since a risk answer was changed.
    WaiveFollowUp,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReasonPrompt {
    pub purpose: ReasonFor,
    pub text: Field,
    /// The reason was left blank when Enter was pressed.
    pub blank: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    Answer,
    Next,
    Previous,
    Skip,
    Waive,
    /// Typing the reason.
    Type,
    SaveReason,
    KeepAnswer,
}

/// The keys of an item.
const ITEM_KEYS: &[Binding<Cmd>] = &[
    bind(&[Key::Digits], Cmd::Answer, Text::KeyAnswer),
    bind(&[Key::Enter], Cmd::Next, Text::KeySubmit),
    bind(&[Key::Previous], Cmd::Previous, Text::KeyPrevItem),
    bind(&[Key::Letter('s')], Cmd::Skip, Text::KeySkip),
    bind(&[Key::Letter('w')], Cmd::Waive, Text::KeyWaive).when(may_waive),
];

/// The keys while a reason is typed.
const REASON_KEYS: &[Binding<Cmd>] = &[
    bind(&[Key::Enter], Cmd::SaveReason, Text::KeySaveReason),
    bind(&[Key::Back], Cmd::KeepAnswer, Text::KeyKeepAnswer),
    bind(&[Key::Clear], Cmd::Type, Text::KeyClearReason),
    bind(&[Key::Text], Cmd::Type, Text::KeyTextEdit).help_only(),
];

fn table(app: &App) -> &'static [Binding<Cmd>] {
    if app.intake.as_ref().is_some_and(|i| i.reason.is_some()) { REASON_KEYS } else { ITEM_KEYS }
}

pub fn entries(app: &App, library: &Library) -> Vec<Entry> {
    keys::entries(table(app), app, library)
}

/// Whether the signed-in clinician may waive the follow-up on screen.
fn may_waive(app: &App, library: &Library) -> bool {
    keys::may(app, Operation::WaiveFollowUp)
        && app.intake.as_ref().is_some_and(|i| i.reason.is_none() && i.flow.current_is_waivable(library))
}

/// An encounter opened from the queue (or again after the lock): at consent, the next item, the
/// results, or first the crisis protocol for a critical answer nobody has acted on yet.
pub(crate) fn reopen(app: &mut App, state: crate::tui::backend::EncounterState, deps: Deps) {
    let library = deps.library;
    // A kiosk encounter claimed here is re-scored from its answers with this client's context.
    let context = crate::tui::app::scoring_context(&state.client, deps.today);
    let flow = IntakeFlow::restore_in(
        library,
        &state.instruments,
        context,
        &state.answers,
        &state.completed,
        state.risk.clone(),
        state.client.language.unwrap_or(Lang::En),
    );
    let consented = state.consent == Some(true);
    let mut intake = Intake::new(state.encounter, state.client, flow);
    (intake.stored, intake.picked) = (state.decision, state.picked);
    let unhandled = intake
        .flow
        .unhandled_critical(library)
        .map(|(instrument, flags)| (false, instrument, flags))
        .or_else(|| intake.flow.unhandled_urgent(library).map(|(instrument, flags)| (true, instrument, flags)));
    app.screen = match (consented, intake.flow.is_finished()) {
        (false, _) => Screen::Consent,
        (true, false) => Screen::Questionnaire,
        (true, true) => results_screen(&intake, library, deps.care, deps.today),
    };
    // A critical answer nobody has acted on yet (a kiosk submission, or an intake cut off at the
    // crisis screen) brings the crisis protocol up first; an urgent one, its brief suicide safety
    // assessment prompt.
    if let (true, Some((urgent, instrument, flags))) = (consented, unhandled) {
        app.screen = Screen::Crisis(CrisisState::new(urgent, instrument, flags));
    }
    app.intake = Some(intake);
}

/// Keys on the questionnaire.
pub fn update(app: &mut App, action: Action, library: &Library, care: &Care, today: &str) -> Vec<Effect> {
    // Only what the screen offers is done.
    if keys::lookup(table(app), app, library, &action).is_none() {
        return Vec::new();
    }
    let client_lang = app.client_lang();
    let user = app.session.as_ref().map(|s| s.user.clone()).unwrap_or_default();
    let Some(intake) = app.intake.as_mut() else { return Vec::new() };
    let Some(instrument) = intake.flow.current_instrument(library) else { return Vec::new() };
    let options = instrument.options_of(intake.flow.current_item()).len();
    let language = instrument.item_lang(intake.flow.current_item(), client_lang);
    let steps = if let Some(prompt) = intake.reason.as_mut() {
        match action {
            _ if prompt.text.edit_text(&action) => return Vec::new(),
            // The answer stays as it was.
            Action::Back => {
                intake.reason = None;
                return Vec::new();
            }
            Action::Submit if prompt.text.value.trim().is_empty() => {
                prompt.blank = true;
                return Vec::new();
            }
            Action::Submit => {
                let Some(prompt) = intake.reason.take() else { return Vec::new() };
                match prompt.purpose {
                    ReasonFor::ChangeAnswer { answer, .. } => {
                        intake.flow.change_with_reason(library, answer, &user, &prompt.text.value)
                    }
                    ReasonFor::WaiveFollowUp => intake.flow.waive_current(library, &prompt.text.value),
                }
            }
            _ => return Vec::new(),
        }
    } else {
        match action {
            Action::Choose(n) if n < options => intake.flow.answer(library, n),
            Action::Submit => match intake.flow.current_answer(library) {
                Some(position) => intake.flow.answer(library, position),
                None => return Vec::new(),
            },
            Action::Letter('s') => match intake.flow.skip(library) {
                Ok(steps) => steps,
                Err(_) => {
                    app.status = Some(crate::tui::app::Status::Warning(Text::CannotSkip));
                    return Vec::new();
                }
            },
            Action::Letter('w') => {
                intake.reason = Some(reason_prompt(ReasonFor::WaiveFollowUp));
                return Vec::new();
            }
            Action::Back => {
                intake.flow.back(library);
                intake.notice = None;
                return Vec::new();
            }
            _ => return Vec::new(),
        }
    };
    let (mut effects, crisis) = perform(intake, steps, language);
    if intake.flow.is_finished() {
        app.screen = results_screen(intake, library, care, today);
    }
    if let Some((urgent, instrument, flags)) = crisis {
        effects.push(Effect::RaiseFlag {
            encounter: intake.encounter.clone(),
            flags: flags.iter().map(|f| format!("{instrument}.{}", f.id)).collect(),
            urgent,
        });
        app.screen = Screen::Crisis(CrisisState::new(urgent, instrument, flags));
    }
    effects
}

fn reason_prompt(purpose: ReasonFor) -> ReasonPrompt {
    ReasonPrompt { purpose, text: Field::free_text(Text::ReasonLabel, REASON_MAX), blank: false }
}

type Interruption = (bool, String, Vec<crate::instrument::FlagHit>);

/// The effects of the flow's steps, in order, and the crisis screen to show, if any.
fn perform(intake: &mut Intake, steps: Vec<Step>, language: Lang) -> (Vec<Effect>, Option<Interruption>) {
    let mut effects = Vec::new();
    let mut crisis = None;
    intake.notice = None;
    for step in steps {
        match step {
            Step::Answered { instrument, version, item, position, value } => {
                intake.save = SaveState::Saving;
                effects.push(Effect::SaveAnswer {
                    encounter: intake.encounter.clone(),
                    answer: SavedAnswer { instrument, version, language, item, position, value },
                });
            }
            Step::Completed(result) => {
                effects.push(Effect::SaveResult { encounter: intake.encounter.clone(), result, language });
            }
            Step::Crisis { instrument, flags } => crisis = Some((false, instrument, flags)),
            // A brief suicide safety assessment is needed: the urgent variant of the crisis screen.
            Step::Urgent { instrument, flags } => crisis = Some((true, instrument, flags)),
            // Only the kiosk offers "prefer not to answer" (`IntakeFlow::decline`); at the staff
            // desk the worker asks the question in person.
            Step::Declined { .. } => {}
            Step::FollowUpsAdded(ids) => intake.notice = Some(ids),
            Step::Finished => {}
            Step::ReasonNeeded { answer, flags, .. } => {
                intake.reason = Some(reason_prompt(ReasonFor::ChangeAnswer { answer, flags }));
            }
            // Recorded before the answer that withdraws the flags, so the record never shows the
            // answer changed without its reason.
            Step::FlagsWithdrawn { flags, reason, .. } => effects.push(Effect::RecordCrisis {
                encounter: intake.encounter.clone(),
                flags,
                action: crate::store::CRISIS_ANSWER_CHANGED.to_string(),
                note: reason,
            }),
            Step::FollowUpWaived { instrument, reason } => effects.push(Effect::RecordCrisis {
                encounter: intake.encounter.clone(),
                flags: vec![instrument],
                action: crate::store::CRISIS_FOLLOW_UP_WAIVED.to_string(),
                note: reason,
            }),
        }
    }
    (effects, crisis)
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, view: &View) {
    let Some(intake) = &app.intake else { return };
    let Some(instrument) = intake.flow.current_instrument(view.library) else { return };
    let client_lang = app.client_lang();
    let lang = instrument.item_lang(intake.flow.current_item(), client_lang);
    let (number, of) = intake.flow.instrument_progress();
    let title = format!(
        "{} · {} · {}",
        clean(&intake.client.name),
        clean(instrument.short_title.get(lang)),
        fill(Text::InstrumentOf, app.lang, &[("n", number.to_string()), ("total", of.to_string())])
    );
    let block = body_block(&title, view.theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let item_index = intake.flow.current_item();
    let item = &instrument.items[item_index];
    let (item_number, item_total) = intake.flow.item_progress(view.library);
    let mut note_lines = Vec::new();
    if let Some(added) = &intake.notice {
        let names: Vec<String> = added
            .iter()
            .map(|id| view.library.get(id).map_or(id.clone(), |i| clean(i.short_title.get(lang))))
            .collect();
        note_lines.push(Line::styled(
            format!("{} {}", Text::FollowUpAdded.get(app.lang), names.join(", ")),
            view.theme.warning,
        ));
    }
    if intake.flow.current_is_waivable(view.library) {
        note_lines.push(Line::styled(Text::FollowUpStillDue.get(app.lang), view.theme.warning));
    }
    if lang != client_lang {
        let note =
            if instrument.languages.contains(&client_lang) { Text::EnglishOnlyItem } else { Text::EnglishOnlyStaff };
        note_lines.push(Line::styled(note.get(client_lang), view.theme.muted));
    }
    let notes_paragraph = FastParagraph::new(note_lines).wrap(Wrap { trim: true });
    // Beside published instructions the notes take only the rows they need (at most two), so
    // the instructions have room; elsewhere two rows, so the options stay in place.
    let note_rows = if item.instructions.is_some() { notes_paragraph.line_count(inner.width).min(2) as u16 } else { 2 };
    let [top, gauge_area, _, question, options, notes] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(2),
        Constraint::Length(instrument.options_of(item_index).len() as u16 + 1),
        Constraint::Length(note_rows),
    ])
    .areas(inner);

    let save = match &intake.save {
        SaveState::Saving => Span::styled(Text::Saving.get(app.lang), view.theme.muted),
        SaveState::Saved => Span::styled(format!("✓ {}", Text::Saved.get(app.lang)), view.theme.ok),
        SaveState::Failed(message) => Span::styled(
            format!(
                "✗ {} — {}",
                if message.kind.outcome_unknown() { Text::NotConfirmed } else { Text::NotSaved }.get(app.lang),
                clean(&message.render(app.lang))
            ),
            view.theme.critical,
        ),
    };
    // An item shown without the stem (PHQ-9/GAD-7 difficulty, PC-PTSD-5 gate) is outside the
    // stem's time frame too.
    let timeframe =
        instrument.timeframe.as_ref().filter(|_| item.use_stem).map(|t| clean(t.get(lang))).unwrap_or_default();
    frame.render_widget(
        FastParagraph::new(Line::from(vec![Span::styled(timeframe, view.theme.muted), Span::raw("   "), save])),
        top,
    );

    let label = fill(Text::ItemOf, app.lang, &[("n", item_number.to_string()), ("total", item_total.to_string())]);
    let ratio = if item_total == 0 { 0.0 } else { (item_number as f64 / item_total as f64).clamp(0.0, 1.0) };
    frame.render_widget(Gauge::default().ratio(ratio).label(label).gauge_style(view.theme.gauge), gauge_area);

    let text = question_lines((item, instrument), (lang, client_lang), (question.width, question.height), view.theme);
    frame.render_widget(FastParagraph::new(text).wrap(Wrap { trim: false }), question);

    let chosen = intake.flow.current_answer(view.library);
    let option_lines: Vec<Line> = instrument
        .options_of(item_index)
        .iter()
        .enumerate()
        .map(|(position, option)| {
            let line = Line::from(vec![
                Span::styled(format!("  {}  ", position + 1), view.theme.key),
                Span::raw(clean(option.text.get(lang))),
            ]);
            if chosen == Some(position) { view.theme.selected_line(line) } else { line }
        })
        .collect();
    if let Some(prompt) = &intake.reason {
        // The reason prompt takes the place of the options and notes until it is saved or left.
        let area = Rect { height: options.height + notes.height, ..options };
        let lines = reason_lines(prompt, instrument, lang, app.lang, view);
        frame.render_widget(FastParagraph::new(lines).wrap(Wrap { trim: false }), area);
        return;
    }
    frame.render_widget(FastParagraph::new(option_lines), options);
    frame.set_cursor_position((options.x + 2, options.y + chosen.unwrap_or(0) as u16));

    frame.render_widget(notes_paragraph, notes);
}

/// The reason prompt: what it is for (the flags a changed answer withdraws, by their labels),
/// the reason typed so far, and a word when it was left blank.
fn reason_lines(
    prompt: &ReasonPrompt,
    instrument: &crate::instrument::Instrument,
    lang: Lang,
    ui: Lang,
    view: &View,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    match &prompt.purpose {
        ReasonFor::ChangeAnswer { flags, .. } => {
            lines.push(Line::styled(Text::ReasonWithdrawTitle.get(ui), view.theme.critical));
            for key in flags {
                let id = key.split_once('.').map_or(key.as_str(), |(_, flag)| flag);
                let label =
                    instrument.flags.iter().find(|f| f.id == id).map_or(id.to_string(), |f| clean(f.label.get(lang)));
                lines.push(Line::styled(format!("  • {label}"), view.theme.warning));
            }
            lines.push(Line::raw(Text::ReasonWithdrawHelp.get(ui)));
        }
        ReasonFor::WaiveFollowUp => {
            lines.push(Line::styled(Text::ReasonWaiveTitle.get(ui), view.theme.warning));
            lines.push(Line::raw(Text::ReasonWaiveHelp.get(ui)));
        }
    }
    lines.push(Line::from(vec![
        Span::styled(format!("{} ", Text::ReasonLabel.get(ui)), view.theme.title),
        Span::styled(prompt.text.marked(), view.theme.input),
    ]));
    if prompt.blank {
        lines.push(Line::styled(Text::ReasonBlank.get(ui), view.theme.warning));
    }
    lines
}

#[cfg(test)]
mod tests {
    use crate::instrument::Lang;
    use crate::tui::app::{Action, Effect, Screen, update};
    use crate::tui::screens::fixtures;
    use crate::tui::view::test_support::{care, library, render};

    fn questionnaire(lang: Lang, positions: &[usize]) -> crate::tui::app::App {
        let mut app = fixtures::intake(lang, positions);
        app.lang = lang;
        app.screen = Screen::Questionnaire;
        app
    }

    #[test]
    fn questionnaire_snapshots_in_both_languages() {
        insta::assert_snapshot!("questionnaire_80x24_en", render(&questionnaire(Lang::En, &[1, 2, 0]), 80, 24));
        insta::assert_snapshot!("questionnaire_120x40_en", render(&questionnaire(Lang::En, &[1, 2, 0]), 120, 40));
        let french = render(&questionnaire(Lang::Fr, &[1, 2, 0]), 80, 24);
        assert!(french.contains("Question 4 sur 10"));
        insta::assert_snapshot!("questionnaire_80x24_fr", french);
        insta::assert_snapshot!("questionnaire_120x40_fr", render(&questionnaire(Lang::Fr, &[1, 2, 0]), 120, 40));
    }

    #[test]
    fn number_keys_answer_and_save_each_answer() {
        let mut app = questionnaire(Lang::En, &[]);
        let effects = update(&mut app, Action::Choose(2), library(), care(), "2026-11-25");
        let [Effect::SaveAnswer { answer, .. }] = &effects[..] else { panic!("{effects:?}") };
        assert_eq!((answer.item.as_str(), answer.position, answer.value), ("q1", 2, 2));
        assert!(render(&app, 80, 24).contains("Saving"));
        update(&mut app, Action::Saved(Ok(())), library(), care(), "2026-11-25");
        assert!(render(&app, 80, 24).contains("Saved"));
        // A key beyond the options does nothing.
        assert!(update(&mut app, Action::Choose(7), library(), care(), "2026-11-25").is_empty());
        update(&mut app, Action::Back, library(), care(), "2026-11-25");
        assert_eq!(app.intake.as_ref().map(|i| i.flow.current_item()), Some(0));
        // Enter confirms the answer already chosen.
        let effects = update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        assert_eq!(effects.len(), 1);
    }

    #[test]
    fn a_failed_save_is_shown_plainly() {
        let mut app = questionnaire(Lang::En, &[]);
        update(&mut app, Action::Choose(0), library(), care(), "2026-11-25");
        let refused = crate::tui::backend::BackendError::from_owner("read_only", "the data directory is read-only");
        update(&mut app, Action::Saved(Err(refused)), library(), care(), "2026-11-25");
        insta::assert_snapshot!("questionnaire_not_saved_80x24", render(&app, 80, 24));
    }

    #[test]
    fn item_9_interrupts_at_once_with_the_crisis_protocol() {
        let mut app = questionnaire(Lang::En, &[0, 0, 0, 0, 0, 0, 0, 0]);
        let effects = update(&mut app, Action::Choose(1), library(), care(), "2026-11-25");
        assert!(matches!(effects[0], Effect::SaveAnswer { .. }), "the answer is saved first");
        assert!(matches!(&effects[1], Effect::RaiseFlag { flags, .. } if flags == &["phq9.suicidal_ideation"]));
        assert!(matches!(app.screen, Screen::Crisis(_)));
    }

    /// An intake of one instrument, after answering `positions`.
    fn only(instrument: &str, lang: Lang, positions: &[usize]) -> crate::tui::app::App {
        let mut app = questionnaire(lang, &[]);
        let mut flow =
            crate::intake::IntakeFlow::new(library(), &[instrument.to_string()], crate::instrument::Context::default());
        for position in positions {
            flow.answer(library(), *position);
        }
        if let Some(intake) = app.intake.as_mut() {
            intake.flow = flow;
        }
        app
    }

    #[test]
    fn published_instructions_and_our_notes_are_shown_apart() {
        // DAST-10: the published directions (what counts as drug use, not alcohol) before item 1.
        let dast = render(&only("dast10", Lang::En, &[]), 120, 40);
        assert!(dast.contains("do not include alcoholic beverages"), "{dast}");
        assert!(dast.contains("Have you used drugs other than those required"), "{dast}");
        let small = render(&only("dast10", Lang::En, &[]), 80, 24);
        assert!(small.contains("Have you used drugs other than"), "the item stays visible at 80x24:\n{small}");
        insta::assert_snapshot!("questionnaire_dast10_item1_80x24", small);
        assert!(!render(&only("dast10", Lang::En, &[1]), 120, 40).contains("alcoholic beverages"), "item 1 only");
        // AUDIT-C: the Canadian standard drink as OUR note, in the client's language; no US drink.
        let auditc = render(&only("auditc", Lang::En, &[]), 120, 40);
        assert!(auditc.contains("Note from this service (not part of the questionnaire):"), "{auditc}");
        assert!(
            auditc.contains("standard drink is 17.05 mL or 13.45 g") && !auditc.contains("wine cooler"),
            "{auditc}"
        );
        let french = render(&only("auditc", Lang::Fr, &[]), 120, 40);
        assert!(french.contains("Note du service") && french.contains("verre standard contient"), "{french}");
        insta::assert_snapshot!("questionnaire_auditc_item1_80x24_fr", render(&only("auditc", Lang::Fr, &[]), 80, 24));
        // PCL-5: the published first sentence and our worst-event note.
        let pcl5 = render(&only("pcl5", Lang::En, &[]), 120, 40);
        assert!(pcl5.contains("Below is a list of problems") && pcl5.contains("worst event"), "{pcl5}");
        insta::assert_snapshot!("questionnaire_pcl5_item1_120x40", pcl5);
    }

    #[test]
    fn the_difficulty_item_has_no_frequency_stem_or_time_frame() {
        let phq9 = render(&only("phq9", Lang::En, &[0; 9]), 120, 40);
        assert!(phq9.contains("how difficult have these problems"), "{phq9}");
        assert!(!phq9.contains("Over the last 2 weeks") && !phq9.contains("Last 2 weeks"), "{phq9}");
        let gad7 = render(&only("gad7", Lang::En, &[0; 7]), 120, 40);
        assert!(gad7.contains("how difficult have these problems"), "{gad7}");
        assert!(!gad7.contains("Over the last 2 weeks"), "{gad7}");
        // Item 1 keeps both.
        assert!(render(&only("phq9", Lang::En, &[]), 120, 40).contains("Over the last 2 weeks"));
    }

    #[test]
    fn required_items_cannot_be_skipped() {
        let mut app = questionnaire(Lang::En, &[]);
        update(&mut app, Action::Letter('s'), library(), care(), "2026-11-25");
        assert!(app.status.as_ref().is_some_and(crate::tui::app::Status::is_error));
        assert_eq!(app.intake.as_ref().map(|i| i.flow.current_item()), Some(0));
    }

    /// Item 9 raised the crisis, the action was recorded, and the worker went back to item 9.
    fn back_at_item_9_acted_on(lang: Lang) -> crate::tui::app::App {
        let mut app = questionnaire(lang, &[0, 0, 0, 0, 0, 0, 0, 0]);
        update(&mut app, Action::Choose(1), library(), care(), "2026-11-25");
        update(&mut app, Action::Choose(1), library(), care(), "2026-11-25");
        let effects = update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        assert!(matches!(&effects[..], [Effect::RecordCrisis { .. }]), "{effects:?}");
        update(&mut app, Action::CrisisRecorded(Ok("09:12".into())), library(), care(), "2026-11-25");
        assert!(matches!(app.screen, Screen::Questionnaire));
        update(&mut app, Action::Back, library(), care(), "2026-11-25");
        app
    }

    #[test]
    fn changing_item_9_after_the_crisis_action_asks_for_a_reason_recorded_before_the_answer() {
        let mut app = back_at_item_9_acted_on(Lang::En);
        assert!(update(&mut app, Action::Choose(0), library(), care(), "2026-11-25").is_empty(), "nothing saved yet");
        let prompt = render(&app, 80, 24);
        assert!(prompt.contains("removes a risk flag that staff already acted on"), "{prompt}");
        assert!(prompt.contains("save the reason"), "the footer shows the prompt's keys:\n{prompt}");
        insta::assert_snapshot!("reason_prompt_80x24_en", prompt);
        insta::assert_snapshot!("reason_prompt_120x40_en", render(&app, 120, 40));
        // Digits are text now, not answers.
        for c in "mis-keyed 1".chars() {
            update(&mut app, Action::Input(c), library(), care(), "2026-11-25");
        }
        let effects = update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        assert!(
            matches!(&effects[0], Effect::RecordCrisis { action, note, flags, .. }
                if action == "answer_changed" && note == "mis-keyed 1" && flags == &["phq9.suicidal_ideation"]),
            "{effects:?}"
        );
        assert!(
            matches!(&effects[1], Effect::SaveAnswer { answer, .. } if answer.item == "q9" && answer.position == 0)
        );
        let change = &app.intake.as_ref().unwrap().flow.risk_changes()[0];
        assert_eq!((change.by.as_str(), change.reason.as_str()), ("amira", "mis-keyed 1"));
    }

    #[test]
    fn the_reason_prompt_in_french_and_a_blank_reason_refused() {
        let mut app = back_at_item_9_acted_on(Lang::Fr);
        update(&mut app, Action::Choose(0), library(), care(), "2026-11-25");
        assert!(update(&mut app, Action::Submit, library(), care(), "2026-11-25").is_empty());
        let french = render(&app, 80, 24);
        assert!(french.contains("Une raison est requise"), "{french}");
        insta::assert_snapshot!("reason_prompt_80x24_fr", french);
        insta::assert_snapshot!("reason_prompt_120x40_fr", render(&app, 120, 40));
        // Back keeps the first answer.
        update(&mut app, Action::Back, library(), care(), "2026-11-25");
        assert!(app.intake.as_ref().unwrap().reason.is_none());
        assert_eq!(app.intake.as_ref().unwrap().flow.current_answer(library()), Some(1));
    }

    #[test]
    fn only_a_clinician_is_offered_the_waiver() {
        let mut app = questionnaire(Lang::En, &[]);
        assert!(!super::entries(&app, library()).iter().any(|e| e.key == "w"));
        if let Some(session) = app.session.as_mut() {
            session.role = crate::auth::Role::Clinician;
        }
        // Nothing to waive on PHQ-9 item 1.
        assert!(!super::entries(&app, library()).iter().any(|e| e.key == "w"));
        assert!(update(&mut app, Action::Letter('w'), library(), care(), "2026-11-25").is_empty());
        assert!(app.intake.as_ref().unwrap().reason.is_none());
    }
}
