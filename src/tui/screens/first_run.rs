//! First run: create the organisation and the first admin; then the recovery key, shown once.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Wrap;

use crate::ui::paragraph::FastParagraph;

use crate::instrument::{Lang, Library};
use crate::tui::app::{Action, App, Deps, Effect, Field, Form, Screen};
use crate::tui::backend::Setup;
use crate::tui::form::{self, FormCmd};
use crate::tui::keys::{self, Binding, Entry, Key, bind};
use crate::tui::view::{View, body_block, draw_form};
use crate::ui::strings::Text;

/// The set-up form; the time zone is prefilled with `zone`, the machine's (read by the shell).
pub(crate) fn first_run_form(lang: Lang, zone: &str) -> Form {
    Form::new(vec![
        Field::text(Text::FieldOrgName),
        Field::text(Text::FieldProvince),
        Field::choice(Text::FieldDefaultLanguage, &super::client::LANGUAGES).with(lang.code()),
        Field::text(Text::FieldTimeZone).with(zone),
        Field::text(Text::FieldAdminUser),
        Field::secret(Text::FieldPassword),
        Field::secret(Text::FieldPasswordAgain),
    ])
}

/// The recovery key's acknowledgement: the word typed, then Enter.
const RECOVERY_KEYS: &[Binding<FormCmd>] = &[
    bind(&[Key::Enter], FormCmd::Submit, Text::KeySubmit),
    bind(&[Key::Text], FormCmd::Edit, Text::KeyTextEdit).help_only(),
];

/// The box the recovery key's confirmation word is typed in.
pub fn recovery_field() -> Field {
    Field::free_text(Text::RecoveryConfirm, 40)
}

pub fn entries(app: &App, library: &Library) -> Vec<Entry> {
    match app.screen {
        Screen::Recovery { .. } => keys::entries(RECOVERY_KEYS, app, library),
        _ => keys::entries(form::KEYS, app, library),
    }
}

/// Keys on the set-up form and the recovery key.
pub fn key(app: &mut App, action: Action, deps: Deps) -> Vec<Effect> {
    let lang = app.lang;
    let table = if matches!(app.screen, Screen::Recovery { .. }) { RECOVERY_KEYS } else { form::KEYS };
    let command = keys::lookup(table, app, deps.library, &action);
    match (&mut app.screen, command) {
        (Screen::Recovery { typed, .. }, Some(FormCmd::Edit)) => {
            typed.edit_text(&action);
        }
        (Screen::Recovery { typed, .. }, Some(FormCmd::Submit)) => {
            let confirmed =
                Lang::ALL.iter().any(|l| typed.value.trim().eq_ignore_ascii_case(Text::RecoveryWord.get(*l)));
            if confirmed {
                app.screen = Screen::Login(super::login::login_form(""));
            }
        }
        (Screen::FirstRun(form), Some(FormCmd::Edit)) => {
            form.edit(&action);
        }
        (Screen::FirstRun(form), Some(FormCmd::Submit)) => return submit(form, lang),
        _ => {}
    }
    Vec::new()
}

fn submit(form: &mut Form, lang: Lang) -> Vec<Effect> {
    for field in &mut form.fields {
        field.error = None;
    }
    for index in [0, 4] {
        if form.value(index).trim().is_empty() {
            form.fields[index].error = Some(Text::Required);
        }
    }
    let (province, language) = super::client::province_and_language(form, 1, 2);
    let zone = zone_field(form, 3);
    super::login::check_new_password(form, 5, 6);
    if form.first_error() {
        return Vec::new();
    }
    let (Some(province), Some(time_zone)) = (province, zone) else { return Vec::new() };
    let setup = Setup {
        org_name: form.value(0).trim().to_string(),
        province,
        language: language.unwrap_or(lang),
        admin: form.value(4).trim().to_string(),
        time_zone,
    };
    // Sent: the form keeps neither copy.
    form.take(6);
    vec![Effect::Initialize { setup, password: form.take(5) }]
}

/// The time zone typed in field `index` as the tz database spells it, or the field marked.
pub(crate) fn zone_field(form: &mut Form, index: usize) -> Option<String> {
    let zone = crate::ui::clock::Zone::named(form.value(index)).map(|zone| zone.name().to_string());
    if zone.is_none() {
        form.fields[index].error = Some(Text::UnknownTimeZone);
    }
    zone
}

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

pub fn draw_recovery(frame: &mut Frame, area: Rect, app: &App, key: &str, typed: &Field, view: &View) {
    let (shown, before) = typed.shown();
    let block = body_block(Text::RecoveryTitle.get(app.lang), view.theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines = vec![
        Line::raw(Text::RecoveryIntro.get(app.lang)),
        Line::raw(""),
        Line::styled(format!("    {key}"), view.theme.title),
        Line::raw(""),
        // The account just made cannot run intakes: a one-person clinic needs a second one.
        Line::styled(Text::AdminCannotRunIntakes.get(app.lang), view.theme.warning),
        Line::raw(""),
        Line::raw(Text::RecoveryConfirm.get(app.lang)),
        Line::styled(format!("  > {shown}"), view.theme.input),
    ];
    let paragraph = FastParagraph::new(lines).wrap(Wrap { trim: false });
    let used = paragraph.line_count(inner.width) as u16;
    frame.render_widget(paragraph, inner);
    let x = inner.x + 4 + before as u16;
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
        assert_eq!(form.fields[3].error, None, "the machine's zone is proposed");
        assert_eq!(form.fields[4].error, Some(Text::Required));
        assert_eq!(form.fields[5].error, Some(Text::PasswordTooShort));
        assert_eq!(form.focus, 1, "focus moves to the first bad field");
        insta::assert_snapshot!("first_run_errors_80x24", render(&app, 80, 24));
    }

    #[test]
    fn the_time_zone_is_prefilled_with_the_machines_checked_and_sent() {
        let mut app = App { machine_zone: "America/Regina".into(), ..App::new(Lang::Fr, 0) };
        update(&mut app, Action::SetupChecked(Ok(true)), library(), care(), "2026-11-25");
        let Screen::FirstRun(form) = &mut app.screen else { panic!() };
        assert_eq!(form.value(3), "America/Regina");
        for (index, value) in [(0, "Clinic"), (1, "SK"), (3, "Mars/Olympus"), (4, "admin")] {
            form.fields[index].value = zeroize::Zeroizing::new(value.into());
        }
        for index in [5, 6] {
            form.fields[index].value = zeroize::Zeroizing::new("a long enough password".into());
        }
        assert!(update(&mut app, Action::Submit, library(), care(), "2026-11-25").is_empty());
        let Screen::FirstRun(form) = &mut app.screen else { panic!() };
        assert_eq!(form.fields[3].error, Some(Text::UnknownTimeZone));
        insta::assert_snapshot!("first_run_bad_zone_80x24_fr", render(&app, 80, 24));
        let Screen::FirstRun(form) = &mut app.screen else { panic!() };
        form.fields[3].value = zeroize::Zeroizing::new("america/st_johns".into());
        let effects = update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        let [Effect::Initialize { setup, .. }] = effects.as_slice() else { panic!("{effects:?}") };
        assert_eq!(setup.time_zone, "America/St_Johns");
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
                    screen: Screen::Recovery {
                        key: zeroize::Zeroizing::new("ABCD-EFGH".into()),
                        typed: recovery_field().with("OU")
                    },
                    ..App::new(Lang::Fr, 0)
                },
                120,
                40
            )
        );
    }
}
