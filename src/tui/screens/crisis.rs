//! The crisis interrupt: the organisation's own protocol text, the crisis lines for this client
//! (9-1-1 first for acute risk), and a required record of what was done.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Wrap;

use crate::instrument::Lang;
use crate::ui::paragraph::FastParagraph;

use crate::tui::form::Field;

use crate::instrument::FlagHit;
use crate::tui::app::{Action, App, Deps, Effect, Screen, Status, results_screen};
use crate::tui::keys::{self, Binding, Entry, Key, bind};
use crate::tui::view::{View, clean};
use crate::ui::strings::Text;

pub const CRISIS_ACTIONS: [(&str, Text); 4] = [
    ("called_911", Text::CrisisAction1),
    ("crisis_line", Text::CrisisAction2),
    ("clinician_present", Text::CrisisAction3),
    ("safety_plan", Text::CrisisAction4),
];
/// What can be recorded for an urgent flag (a non-acute positive ASQ): a brief suicide safety
/// assessment before the person leaves. The same record as a crisis action.
pub const URGENT_ACTIONS: [(&str, Text); 4] = [
    ("bssa_done", Text::UrgentAction1),
    ("bssa_booked", Text::UrgentAction2),
    ("safety_plan", Text::CrisisAction4),
    ("crisis_line", Text::CrisisAction2),
];

/// The actions the crisis screen offers: the crisis protocol's, or the urgent variant's.
pub fn crisis_actions(urgent: bool) -> &'static [(&'static str, Text)] {
    if urgent { &URGENT_ACTIONS } else { &CRISIS_ACTIONS }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CrisisState {
    /// The urgent variant: a brief suicide safety assessment is needed before the person leaves.
    pub urgent: bool,
    pub instrument: String,
    pub flags: Vec<FlagHit>,
    pub action: Option<usize>,
    pub note: Field,
    /// The note field has focus (Tab moves between the actions and the note).
    pub note_focus: bool,
    pub recorded_at: Option<String>,
    pub error: Option<Status>,
}

impl CrisisState {
    /// The crisis screen (`urgent`: its brief suicide safety assessment variant) for `flags`
    /// of `instrument`, nothing recorded yet.
    pub fn new(urgent: bool, instrument: String, flags: Vec<FlagHit>) -> CrisisState {
        CrisisState {
            urgent,
            instrument,
            flags,
            action: None,
            note: Field::free_text(Text::CrisisNote, 500),
            note_focus: false,
            recorded_at: None,
            error: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    Choose,
    Move,
    Note,
    Type,
    Record,
}

const KEYS: &[Binding<Cmd>] = &[
    bind(&[Key::Numbers(4)], Cmd::Choose, Text::KeyChoose).when(|app, _| !note_focus(app)),
    bind(&[Key::Tab], Cmd::Note, Text::CrisisNote),
    bind(&[Key::Enter], Cmd::Record, Text::KeyRecord),
    bind(&[Key::Arrows], Cmd::Move, Text::KeyMove).help_only(),
    bind(&[Key::Text], Cmd::Type, Text::KeyTextEdit).when(|app, _| note_focus(app)).help_only(),
];

fn note_focus(app: &App) -> bool {
    matches!(&app.screen, Screen::Crisis(crisis) if crisis.note_focus)
}

pub fn entries(app: &App, library: &crate::instrument::Library) -> Vec<Entry> {
    keys::entries(KEYS, app, library)
}

/// Keys on the crisis screen: it cannot be left without recording what was done.
pub fn key(app: &mut App, action: Action, deps: Deps) -> Vec<Effect> {
    let command = keys::lookup(KEYS, app, deps.library, &action);
    let Screen::Crisis(crisis) = &mut app.screen else { return Vec::new() };
    let count = crisis_actions(crisis.urgent).len();
    match (command, action) {
        (Some(Cmd::Choose), Action::Choose(n)) if n < count => crisis.action = Some(n),
        (Some(Cmd::Move), Action::Up) => crisis.action = Some(crisis.action.map_or(0, |a| a.saturating_sub(1))),
        (Some(Cmd::Move), _) => crisis.action = Some(crisis.action.map_or(0, |a| (a + 1).min(count - 1))),
        (Some(Cmd::Note), _) => crisis.note_focus = !crisis.note_focus,
        (Some(Cmd::Type), action) => {
            crisis.note.edit_text(&action);
        }
        (Some(Cmd::Record), _) => {
            let Some(index) = crisis.action else {
                crisis.error = Some(Status::Warning(Text::CrisisRecord));
                return Vec::new();
            };
            let Some(intake) = app.intake.as_ref() else { return Vec::new() };
            return vec![Effect::RecordCrisis {
                encounter: intake.encounter.clone(),
                flags: crisis.flags.iter().map(|f| format!("{}.{}", crisis.instrument, f.id)).collect(),
                action: crisis_actions(crisis.urgent).get(index).map_or("", |a| a.0).to_string(),
                note: crisis.note.value.to_string(),
            }];
        }
        _ => {}
    }
    Vec::new()
}

/// The owner's answer to a recorded crisis action (or to a changed risk answer's reason or a
/// waiver, recorded from the questionnaire).
pub fn reply(app: &mut App, action: Action, deps: Deps) -> Vec<Effect> {
    let Action::CrisisRecorded(result) = action else { return Vec::new() };
    let Screen::Crisis(crisis) = &mut app.screen else {
        if let Err(message) = result {
            app.status = Some(Status::Failed(message));
        }
        return Vec::new();
    };
    match result {
        Ok(at) => {
            crisis.recorded_at = Some(at);
            let (instrument, flags) = (crisis.instrument.clone(), crisis.flags.clone());
            if let Some(intake) = app.intake.as_mut() {
                intake.flow.mark_handled(&instrument, &flags);
                app.screen = if intake.flow.is_finished() {
                    results_screen(intake, deps.library, deps.care, deps.today)
                } else {
                    Screen::Questionnaire
                };
            }
        }
        Err(message) => crisis.error = Some(Status::Failed(message)),
    }
    Vec::new()
}

/// What a raised flag is, in the client's language: the instrument's label for it, or, for a
/// risk item the client preferred not to answer at the kiosk, that they did not answer it.
pub fn flag_label(
    instrument: Option<&crate::instrument::Instrument>,
    flag: &FlagHit,
    client_lang: Lang,
    lang: Lang,
) -> String {
    instrument
        .and_then(|i| i.flags.iter().find(|f| f.id == flag.id))
        .map(|f| clean(f.label.get(client_lang)))
        .or_else(|| {
            let item = flag.id.strip_suffix("_declined")?;
            Some(crate::ui::strings::fill(Text::FlagDeclined, lang, &[("item", clean(item))]))
        })
        .unwrap_or_else(|| clean(&flag.id))
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, crisis: &CrisisState, view: &View) {
    let lang = app.lang;
    let client_lang = app.client_lang();
    let instrument = view.library.get(&crisis.instrument);
    let (title, because, style) = if crisis.urgent {
        (Text::UrgentTitle, Text::UrgentBecause, view.theme.warning)
    } else {
        (Text::CrisisTitle, Text::CrisisBecause, view.theme.critical)
    };
    let actions = crisis_actions(crisis.urgent);
    let mut lines = vec![Line::styled(format!(" {} ", title.get(lang)), style), Line::raw("")];
    for flag in &crisis.flags {
        let label = flag_label(instrument, flag, client_lang, lang);
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", because.get(lang)), view.theme.warning),
            Span::raw(label),
        ]));
    }
    if crisis.urgent {
        lines.push(Line::styled(Text::UrgentIntro.get(lang), view.theme.title));
    }
    // The organisation's own text: the French one for a French-speaking client when it is set,
    // the French default while the English is the default, else the English one, said to be so.
    let own = app.org.as_ref().map(|org| {
        crate::store::crisis_text_choice(&org.crisis_text, org.crisis_text_fr.as_deref(), client_lang == Lang::Fr)
    });
    if let Some(own) = own
        && !own.text.trim().is_empty()
    {
        lines.push(Line::raw(""));
        if own.english_only {
            lines.push(Line::styled(Text::CrisisTextEnglishOnly.get(Lang::Fr), view.theme.muted));
        }
        for line in own.text.lines() {
            lines.push(Line::styled(clean(line), view.theme.title));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(Text::CrisisResources.get(lang), view.theme.title));
    for resource in view.crisis_lines {
        lines.push(Line::from(vec![
            Span::styled(format!("  {} ", clean(&resource.contact)), view.theme.key),
            Span::raw(format!("{} ({})", clean(&resource.name), clean(&resource.hours))),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(Text::CrisisRecord.get(lang), view.theme.title));
    for (index, (_, text)) in actions.iter().enumerate() {
        let line =
            Line::from(vec![Span::styled(format!("  {}  ", index + 1), view.theme.key), Span::raw(text.get(lang))]);
        lines.push(if crisis.action == Some(index) { view.theme.selected_line(line) } else { line });
    }
    lines.push(Line::from(vec![
        Span::raw(format!("{} ", Text::CrisisNote.get(lang))),
        Span::styled(crisis.note.shown().0, view.theme.input),
    ]));
    if let Some(error) = &crisis.error {
        lines.push(Line::styled(clean(&error.render(lang)), view.theme.warning));
    }
    let paragraph = FastParagraph::new(lines).wrap(Wrap { trim: false });
    let used = (paragraph.line_count(area.width) as u16).min(area.height);
    frame.render_widget(paragraph, area);
    let note_row = area.y + used.saturating_sub(if crisis.error.is_some() { 2 } else { 1 });
    if !crisis.note_focus {
        let action_row = note_row.saturating_sub((actions.len() - crisis.action.unwrap_or(0)) as u16);
        frame.set_cursor_position((area.x + 2, action_row.min(area.bottom().saturating_sub(1))));
        return;
    }
    let note_col =
        area.x + (unicode_width::UnicodeWidthStr::width(Text::CrisisNote.get(lang)) + 1 + crisis.note.shown().1) as u16;
    frame.set_cursor_position((
        note_col.min(area.right().saturating_sub(1)),
        note_row.min(area.bottom().saturating_sub(1)),
    ));
}

#[cfg(test)]
mod tests {
    use crate::instrument::Lang;
    use crate::tui::app::{Action, Effect, Screen, update};
    use crate::tui::screens::fixtures;
    use crate::tui::view::test_support::{care, library, render};

    fn crisis(lang: Lang) -> crate::tui::app::App {
        let mut app = fixtures::intake(lang, &[0, 0, 0, 0, 0, 0, 0, 0]);
        app.lang = lang;
        app.screen = Screen::Questionnaire;
        update(&mut app, Action::Choose(2), library(), care(), "2026-11-25");
        app
    }

    #[test]
    fn crisis_snapshots_in_both_languages() {
        let screen = render(&crisis(Lang::En), 80, 24);
        assert!(screen.contains("CRISIS PROTOCOL"));
        assert!(screen.find("9-1-1").unwrap() < screen.find("9-8-8").unwrap());
        insta::assert_snapshot!("crisis_80x24_en", screen);
        insta::assert_snapshot!("crisis_120x40_en", render(&crisis(Lang::En), 120, 40));
        insta::assert_snapshot!("crisis_80x24_fr", render(&crisis(Lang::Fr), 80, 24));
        insta::assert_snapshot!("crisis_120x40_fr", render(&crisis(Lang::Fr), 120, 40));
    }

    #[test]
    fn a_french_speaking_client_sees_the_organisations_french_text_when_it_is_set() {
        let french = "Restez avec la personne. Appelez le clinicien de garde au poste 200.";
        let english = "Stay with the client. Call the on-call clinician at extension 200.";
        // The worker's interface is in English; the client speaks French.
        let mut app = crisis(Lang::Fr);
        app.lang = Lang::En;
        let screen = render(&app, 120, 40);
        assert!(screen.contains(english), "no French text set: the English one\n{screen}");
        if let Some(org) = app.org.as_mut() {
            org.crisis_text_fr = Some(french.into());
        }
        let screen = render(&app, 120, 40);
        assert!(screen.contains(french) && !screen.contains(english), "{screen}");
        assert!(screen.contains("CRISIS PROTOCOL"), "the worker's own language for the rest");
        // An English-speaking client sees the English text even when a French one is set.
        let mut app = crisis(Lang::En);
        if let Some(org) = app.org.as_mut() {
            org.crisis_text_fr = Some(french.into());
        }
        let screen = render(&app, 120, 40);
        assert!(screen.contains(english) && !screen.contains(french), "{screen}");
    }

    #[test]
    fn the_crisis_cannot_be_left_without_recording_an_action() {
        let mut app = crisis(Lang::En);
        for action in [Action::Back, Action::Submit] {
            update(&mut app, action, library(), care(), "2026-11-25");
            assert!(matches!(app.screen, Screen::Crisis(_)));
        }
        update(&mut app, Action::Choose(2), library(), care(), "2026-11-25");
        update(&mut app, Action::NextField, library(), care(), "2026-11-25");
        for c in "on-call MD".chars() {
            update(&mut app, Action::Input(c), library(), care(), "2026-11-25");
        }
        let effects = update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        let [Effect::RecordCrisis { action, note, flags, .. }] = &effects[..] else { panic!("{effects:?}") };
        assert_eq!((action.as_str(), note.as_str()), ("clinician_present", "on-call MD"));
        assert_eq!(flags, &vec!["phq9.suicidal_ideation".to_string()]);
        update(&mut app, Action::CrisisRecorded(Ok("2026-11-25 10:42".into())), library(), care(), "2026-11-25");
        assert!(matches!(app.screen, Screen::Questionnaire), "the intake goes on after the record");
    }
}

#[cfg(test)]
mod urgent_tests {
    use crate::instrument::Lang;
    use crate::tui::app::{Action, Effect, Screen, update};
    use crate::tui::screens::fixtures;
    use crate::tui::view::test_support::{care, library, render};

    /// PHQ-9 item 9 positive (crisis recorded), then the ASQ: yes to q1, no to q2-q4, until
    /// the urgent prompt; returns the app and every effect seen.
    fn urgent(lang: Lang) -> (crate::tui::app::App, Vec<Effect>) {
        let mut app = fixtures::intake(lang, &[0, 0, 0, 0, 0, 0, 0, 0]);
        app.lang = lang;
        app.screen = Screen::Questionnaire;
        let key = |app: &mut crate::tui::app::App, action| update(app, action, library(), care(), "2026-11-25");
        key(&mut app, Action::Choose(1));
        key(&mut app, Action::Choose(0));
        key(&mut app, Action::Submit);
        key(&mut app, Action::CrisisRecorded(Ok("10:42".into())));
        let mut effects = Vec::new();
        for position in [0, 0, 1, 1, 1, 1] {
            if matches!(&app.screen, Screen::Crisis(c) if c.urgent) {
                break;
            }
            effects.extend(key(&mut app, Action::Choose(position)));
        }
        (app, effects)
    }

    #[test]
    fn a_non_acute_positive_asq_asks_for_a_recorded_safety_assessment() {
        let (mut app, effects) = urgent(Lang::En);
        let Screen::Crisis(crisis) = &app.screen else { panic!("{:?}", app.screen) };
        assert!(crisis.urgent, "{crisis:?}");
        assert!(
            effects.iter().any(|e| matches!(e, Effect::RaiseFlag { urgent: true, flags, .. }
                if flags == &["asq.non_acute_positive"])),
            "the urgent flag is written at once: {effects:?}"
        );
        let screen = render(&app, 80, 24);
        assert!(screen.contains("brief suicide safety assessment"), "{screen}");
        insta::assert_snapshot!("urgent_80x24_en", screen);
        insta::assert_snapshot!("urgent_120x40_en", render(&app, 120, 40));
        insta::assert_snapshot!("urgent_80x24_fr", render(&urgent(Lang::Fr).0, 80, 24));
        insta::assert_snapshot!("urgent_120x40_fr", render(&urgent(Lang::Fr).0, 120, 40));
        // It cannot be left without a recorded action, the queue key included.
        for action in [Action::Back, Action::Submit, Action::GoToQueue] {
            update(&mut app, action, library(), care(), "2026-11-25");
            assert!(matches!(app.screen, Screen::Crisis(_)));
        }
        update(&mut app, Action::Choose(0), library(), care(), "2026-11-25");
        let effects = update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        let [Effect::RecordCrisis { action, flags, .. }] = &effects[..] else { panic!("{effects:?}") };
        assert_eq!((action.as_str(), flags.as_slice()), ("bssa_done", &["asq.non_acute_positive".to_string()][..]));
        update(&mut app, Action::CrisisRecorded(Ok("10:50".into())), library(), care(), "2026-11-25");
        assert!(!matches!(app.screen, Screen::Crisis(_)), "the intake goes on once it is recorded");
    }
}

#[cfg(test)]
mod resume_tests {
    use std::collections::BTreeSet;

    use crate::instrument::Lang;
    use crate::tui::app::{Action, Screen, update};
    use crate::tui::backend::EncounterState;
    use crate::tui::screens::fixtures;
    use crate::tui::view::test_support::{care, library};

    fn state(handled: &[&str]) -> EncounterState {
        let mut answers: Vec<(String, String, usize)> =
            (1..=8).map(|i| ("phq9".to_string(), format!("q{i}"), 0)).collect();
        answers.push(("phq9".into(), "q9".into(), 2));
        EncounterState {
            encounter: "e9".into(),
            client: fixtures::client(Lang::En),
            instruments: vec!["phq9".into(), "gad7".into()],
            consent: Some(true),
            answers,
            completed: BTreeSet::new(),
            risk: crate::intake::RiskRecord {
                handled: handled.iter().map(|h| h.to_string()).collect(),
                ..Default::default()
            },
            decision: None,
            picked: Vec::new(),
        }
    }

    #[test]
    fn an_unrecorded_crisis_comes_back_first_on_resume() {
        let mut app = fixtures::signed_in(Lang::En);
        update(&mut app, Action::EncounterOpened(Ok(state(&[]))), library(), care(), "2026-11-25");
        assert!(matches!(app.screen, Screen::Crisis(_)), "{:?}", app.screen);
        let mut app = fixtures::signed_in(Lang::En);
        update(
            &mut app,
            Action::EncounterOpened(Ok(state(&["phq9.suicidal_ideation"]))),
            library(),
            care(),
            "2026-11-25",
        );
        assert!(matches!(app.screen, Screen::Questionnaire));
    }

    #[test]
    fn an_unrecorded_urgent_flag_brings_the_assessment_prompt_first_on_resume() {
        // A kiosk client's non-acute positive ASQ: Q1 yes, Q2-4 no, Q5 no.
        let asq: Vec<(String, String, usize)> = [("q1", 0), ("q2", 1), ("q3", 1), ("q4", 1), ("q5", 1)]
            .iter()
            .map(|(i, p)| ("asq".into(), i.to_string(), *p))
            .collect();
        let mut opened = state(&[]);
        opened.answers = asq;
        opened.instruments = vec!["asq".into(), "gad7".into()];
        let mut app = fixtures::signed_in(Lang::En);
        update(&mut app, Action::EncounterOpened(Ok(opened.clone())), library(), care(), "2026-11-25");
        assert!(
            matches!(&app.screen, Screen::Crisis(c) if c.urgent && c.flags[0].id == "non_acute_positive"),
            "{:?}",
            app.screen
        );
        // Once acted on, it does not come back.
        opened.risk.handled.insert("asq.non_acute_positive".into());
        let mut app = fixtures::signed_in(Lang::En);
        update(&mut app, Action::EncounterOpened(Ok(opened)), library(), care(), "2026-11-25");
        assert!(!matches!(app.screen, Screen::Crisis(_)), "{:?}", app.screen);
    }

    #[test]
    fn a_risk_item_declined_at_the_kiosk_asks_for_an_action_on_opening() {
        let mut opened = state(&[]);
        opened.answers.pop(); // item 9 declined: unanswered
        opened.risk.raised_urgent.insert("phq9.q9_declined".into());
        let mut app = fixtures::signed_in(Lang::En);
        update(&mut app, Action::EncounterOpened(Ok(opened)), library(), care(), "2026-11-25");
        assert!(matches!(&app.screen, Screen::Crisis(c) if c.urgent), "{:?}", app.screen);
        let screen = crate::tui::view::test_support::render(&app, 100, 30);
        assert!(screen.contains("the client preferred not to answer risk question q9"), "{screen}");
    }
}
