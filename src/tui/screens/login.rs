//! Sign in (which also unlocks the owner), and the idle lock that hides every client detail.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Wrap;

use crate::ui::paragraph::FastParagraph;

use zeroize::Zeroizing;

use crate::tui::app::{Action, App, Deps, Effect, Field, Form, Screen, Status, ask_new_password, land};
use crate::tui::form::{self, FormCmd};
use crate::tui::keys::{self, Entry};
use crate::tui::view::{View, body_block, clean, draw_form};
use crate::ui::strings::{Text, fill};

pub(crate) fn login_form(user: &str) -> Form {
    let mut form = Form::new(vec![Field::text(Text::FieldUser).with(user), Field::secret(Text::FieldPassword)]);
    if !user.is_empty() {
        form.focus = 1;
    }
    form
}

/// The lock screen's form: the password of the user who locked, nothing else (the name is shown
/// above it and cannot be changed; another user signs in through "switch user").
pub(crate) fn unlock_form() -> Form {
    Form::new(vec![Field::secret(Text::FieldPassword)])
}

/// What the lock screen does besides its form: end the session for someone else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockCmd {
    SwitchUser,
}

pub const LOCK_KEYS: &[keys::Binding<LockCmd>] =
    &[keys::bind(&[keys::Key::SwitchUser], LockCmd::SwitchUser, Text::KeySwitchUser)];

/// The new password, twice.
pub(crate) fn change_password_form() -> Form {
    let most = crate::auth::MAX_PASSWORD_CHARS;
    Form::new(vec![
        Field::secret(Text::FieldNewPassword).max_chars(most),
        Field::secret(Text::FieldNewPasswordAgain).max_chars(most),
    ])
}

/// Marks a new password and its repetition (`first`, `second` in `form`) if they break the
/// store's rule (`auth::check_new_password`) or differ.
pub(crate) fn check_new_password(form: &mut Form, first: usize, second: usize) {
    if crate::auth::check_new_password(form.value(first)).is_err() {
        form.fields[first].error = Some(Text::PasswordTooShort);
    } else if form.value(first) != form.value(second) {
        form.fields[second].error = Some(Text::PasswordsDiffer);
    }
}

/// The keys of the sign-in, new-password and lock forms.
pub fn entries(app: &App, library: &crate::instrument::Library) -> Vec<Entry> {
    keys::entries(form::KEYS, app, library)
}

/// The keys of the lock screen: its form's, then "switch user".
pub fn locked_entries(app: &App, library: &crate::instrument::Library) -> Vec<Entry> {
    let mut entries = keys::entries(form::KEYS, app, library);
    entries.extend(keys::entries(LOCK_KEYS, app, library));
    entries
}

/// Keys on the sign-in and new-password forms.
pub fn key(app: &mut App, action: Action, deps: Deps) -> Vec<Effect> {
    let command = keys::lookup(form::KEYS, app, deps.library, &action);
    match (&mut app.screen, command) {
        (Screen::Login(form), Some(FormCmd::Submit)) => {
            if form.value(0).trim().is_empty() {
                form.focus = 0;
                return Vec::new();
            }
            vec![Effect::Login { user: form.value(0).trim().to_string(), password: form.take(1) }]
        }
        (Screen::ChangePassword(form), Some(FormCmd::Submit)) => {
            for field in &mut form.fields {
                field.error = None;
            }
            check_new_password(form, 0, 1);
            if form.first_error() {
                return Vec::new();
            }
            vec![Effect::ChangeOwnPassword { password: Zeroizing::new(form.value(0).to_string()) }]
        }
        (Screen::Login(form) | Screen::ChangePassword(form), Some(FormCmd::Edit)) => {
            form.edit(&action);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// The idle lock: the password again, and the replies to it.
pub fn locked(app: &mut App, action: Action, deps: Deps) -> Vec<Effect> {
    if keys::lookup(LOCK_KEYS, app, deps.library, &action) == Some(LockCmd::SwitchUser) {
        return switch_user(app);
    }
    let command = keys::lookup(form::KEYS, app, deps.library, &action);
    let user = app.session.as_ref().map(|s| s.user.clone());
    let Some(form) = app.locked.as_mut() else { return Vec::new() };
    match (action, command) {
        // Only the user who locked: the name is the session's, never typed.
        (_, Some(FormCmd::Submit)) => match user {
            Some(user) => vec![Effect::Login { user, password: form.take(0) }],
            None => switch_user(app),
        },
        (Action::LoggedIn(Ok(session)), _) => {
            app.locked = None;
            app.status = None;
            if session.password_reset.is_some() {
                // A new screen replaces the one the lock kept, so nothing is reloaded.
                app.on_unlock.clear();
                ask_new_password(app, session);
                Vec::new()
            } else {
                std::mem::take(&mut app.on_unlock)
            }
        }
        (Action::LoggedIn(Err(message)), _) => {
            form.take(0);
            app.status = Some(Status::Failed(message));
            Vec::new()
        }
        (other, Some(FormCmd::Edit)) => {
            form.edit(&other);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// "Switch user" on the lock screen: every client detail held is dropped (what holds a name or
/// answers is wiped first), the owner ends the session, and a fresh sign-in is shown. Only the
/// language, the terminal's size and a local idle-lock delay are kept.
fn switch_user(app: &mut App) -> Vec<Effect> {
    use crate::tui::backend::Wipe;
    if let Some(mut intake) = app.intake.take() {
        intake.client.wipe();
    }
    if let Some(mut editing) = app.editing.take() {
        editing.client.wipe();
    }
    if let Screen::Home { entries, .. } = &mut app.screen {
        entries.wipe();
    }
    let mut fresh = App::new(app.lang, app.last_activity_ms);
    fresh.size = app.size;
    fresh.idle_lock_override_ms = app.idle_lock_override_ms;
    fresh.screen = Screen::Login(login_form(""));
    *app = fresh;
    vec![Effect::Logout]
}

/// The owner's answers about setting up and signing in.
pub fn reply(app: &mut App, action: Action, _: Deps) -> Vec<Effect> {
    match action {
        Action::SetupChecked(Ok(true)) => {
            app.screen = Screen::FirstRun(super::first_run::first_run_form(app.lang, &app.machine_zone))
        }
        Action::SetupChecked(Ok(false)) => app.screen = Screen::Login(login_form("")),
        Action::SetupChecked(Err(message)) => {
            app.status = Some(Status::Failed(message));
            app.screen = Screen::Login(login_form(""));
        }
        Action::Initialized(Ok(key)) => {
            app.status = None;
            app.screen = Screen::Recovery { key: Zeroizing::new(key), typed: super::first_run::recovery_field() };
        }
        Action::Initialized(Err(message)) | Action::LoggedIn(Err(message)) => {
            app.status = Some(Status::Failed(message));
            if let Screen::Login(form) = &mut app.screen
                && let Some(field) = form.fields.get_mut(1)
            {
                field.value = Zeroizing::new(String::new());
            }
        }
        Action::LoggedIn(Ok(session)) => {
            app.status = None;
            if session.password_reset.is_some() {
                ask_new_password(app, session);
                return Vec::new();
            }
            app.session = Some(session);
            return land(app);
        }
        // The sign-in form is already in front; a session the owner could not end is said.
        Action::LoggedOut(Ok(())) => {}
        Action::LoggedOut(Err(message)) => app.status = Some(Status::Failed(message)),
        Action::PasswordChanged(Ok(())) => {
            if let Some(session) = app.session.as_mut() {
                session.password_reset = None;
            }
            app.status = Some(Status::Note(Text::PasswordChanged, None));
            return land(app);
        }
        Action::PasswordChanged(Err(message)) => {
            app.status = Some(Status::Failed(message));
            if let Screen::ChangePassword(form) = &mut app.screen {
                *form = change_password_form();
            }
        }
        _ => {}
    }
    Vec::new()
}

/// A box of `width` x `height` centred in `area`, titled, with an optional intro above `form`.
struct Boxed<'a> {
    title: Text,
    intro: Option<(String, ratatui::style::Style)>,
    width: u16,
    height: u16,
    form: &'a Form,
}

fn draw_boxed(frame: &mut Frame, area: Rect, app: &App, boxed: Boxed<'_>, view: &View) {
    let width = area.width.min(boxed.width);
    let box_area = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + area.height.saturating_sub(boxed.height) / 2,
        width,
        height: area.height.min(boxed.height),
    };
    let block = body_block(boxed.title.get(app.lang), view.theme);
    let inner = block.inner(box_area);
    frame.render_widget(block, box_area);
    let mut height = 0;
    if let Some((text, style)) = boxed.intro {
        let intro = FastParagraph::new(text).style(style).wrap(Wrap { trim: true });
        height = (intro.line_count(inner.width) as u16).min(inner.height);
        frame.render_widget(intro, Rect { height, ..inner });
    }
    draw_form(
        frame,
        Rect { y: inner.y + height + 1, height: inner.height.saturating_sub(height + 1), ..inner },
        app.lang,
        boxed.form,
        view.theme,
    );
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, form: &Form, view: &View) {
    let boxed = Boxed { title: Text::LoginTitle, intro: None, width: 60, height: 8, form };
    draw_boxed(frame, area, app, boxed, view);
}

/// The new-password step after an administrator's reset: who reset it and when, then the new
/// password twice.
pub fn draw_change(frame: &mut Frame, area: Rect, app: &App, form: &Form, view: &View) {
    let reset = app.session.as_ref().and_then(|s| s.password_reset.as_ref());
    let (by, date) = reset.map_or((String::new(), String::new()), |r| (clean(&r.by), clean(&r.date)));
    let notice = fill(Text::PasswordResetNotice, app.lang, &[("by", by), ("date", date)]);
    let intro = Some((notice, view.theme.warning));
    let boxed = Boxed { title: Text::ChangePasswordTitle, intro, width: 66, height: 12, form };
    draw_boxed(frame, area, app, boxed, view);
}

pub fn draw_locked(frame: &mut Frame, area: Rect, app: &App, view: &View) {
    let Some(form) = &app.locked else { return };
    let user = app.session.as_ref().map(|s| clean(&s.user)).unwrap_or_default();
    let intro = Some((fill(Text::LockedIntro, app.lang, &[("user", user)]), view.theme.muted));
    let boxed = Boxed { title: Text::LockedTitle, intro, width: 64, height: 10, form };
    draw_boxed(frame, area, app, boxed, view);
}

#[cfg(test)]
mod tests {
    use crate::instrument::Lang;
    use crate::tui::app::{Action, App, Effect, Screen, update};
    use crate::tui::screens::fixtures;
    use crate::tui::view::test_support::{care, library, render};
    use crate::ui::strings::Text;

    #[test]
    fn login_snapshots_and_submit() {
        let mut app = App::new(Lang::En, 0);
        update(&mut app, Action::SetupChecked(Ok(false)), library(), care(), "2026-11-25");
        for c in "amira".chars() {
            update(&mut app, Action::Input(c), library(), care(), "2026-11-25");
        }
        update(&mut app, Action::NextField, library(), care(), "2026-11-25");
        for c in "secret".chars() {
            update(&mut app, Action::Input(c), library(), care(), "2026-11-25");
        }
        let screen = render(&app, 80, 24);
        assert!(!screen.contains("secret"), "passwords are never drawn");
        insta::assert_snapshot!("login_80x24", screen);
        let effects = update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        assert!(matches!(&effects[..], [Effect::Login { user, .. }] if user == "amira"));
        let refused = crate::tui::backend::BackendError::from_owner("bad_credentials", "wrong user name or password");
        update(&mut app, Action::LoggedIn(Err(refused)), library(), care(), "2026-11-25");
        let Screen::Login(form) = &app.screen else { panic!() };
        assert!(form.value(1).is_empty(), "a failed password is cleared");
        insta::assert_snapshot!("login_failed_80x24_fr", render(&App { lang: Lang::Fr, ..app.clone() }, 80, 24));
        insta::assert_snapshot!("login_failed_120x40_fr", render(&App { lang: Lang::Fr, ..app }, 120, 40));
    }

    /// A refused login, raised in English: toggling the language re-words the standing error,
    /// which is kept as data, not as the English sentence.
    #[test]
    fn a_login_error_raised_in_english_is_redrawn_in_french_after_the_toggle() {
        let mut app = App::new(Lang::En, 0);
        update(&mut app, Action::SetupChecked(Ok(false)), library(), care(), "2026-11-25");
        let refused = crate::tui::backend::BackendError::from_owner("bad_credentials", "wrong user name or password");
        update(&mut app, Action::LoggedIn(Err(refused)), library(), care(), "2026-11-25");
        assert!(render(&app, 80, 24).contains("Error: wrong user name or password."));
        update(&mut app, Action::ToggleLanguage, library(), care(), "2026-11-25");
        assert_eq!(app.lang, Lang::Fr);
        let screen = render(&app, 80, 24);
        assert!(screen.contains("Erreur : nom d'utilisateur ou mot de passe incorrect."), "{screen}");
        assert!(!screen.contains("wrong user name"), "{screen}");
        insta::assert_snapshot!("login_failed_after_toggle_80x24_fr", screen);
    }

    #[test]
    fn idle_lock_hides_client_details_until_the_password_is_given() {
        let mut app = fixtures::intake(Lang::En, &[1, 2]);
        app.screen = Screen::Questionnaire;
        app.last_activity_ms = 0;
        let effects = update(&mut app, Action::Tick(9 * 60 * 1000), library(), care(), "2026-11-25");
        assert!(effects.is_empty() && app.locked.is_none(), "not idle yet");
        let effects = update(&mut app, Action::Tick(10 * 60 * 1000), library(), care(), "2026-11-25");
        assert_eq!(effects, vec![Effect::LockBackend]);
        let screen = render(&app, 80, 24);
        assert!(!screen.contains("Émilie") && !screen.contains("interest"), "{screen}");
        insta::assert_snapshot!("locked_80x24", screen);
        insta::assert_snapshot!("locked_120x40", render(&app, 120, 40));
        // Keys go to the password field, not the questionnaire.
        update(&mut app, Action::Choose(2), library(), care(), "2026-11-25");
        let reopen = unlock(&mut app);
        assert!(app.locked.is_none());
        // The intake (all saved) was dropped on locking and is reopened from the store.
        assert_eq!(reopen, vec![Effect::OpenEncounter("e1".into())]);
        update(&mut app, Action::EncounterOpened(Ok(saved_intake(&[1, 2]))), library(), care(), "2026-11-25");
        assert!(matches!(app.screen, Screen::Questionnaire), "{:?}", app.screen);
        assert_eq!(app.intake.as_ref().map(|i| i.flow.current_item()), Some(2), "nothing was answered while locked");
    }

    fn unlock(app: &mut App) -> Vec<Effect> {
        let session = crate::tui::backend::Session {
            user: "amira".into(),
            role: crate::auth::Role::Intake,
            password_reset: None,
        };
        update(app, Action::LoggedIn(Ok(session)), library(), care(), "2026-11-25")
    }

    fn lock(app: &mut App) {
        assert_eq!(update(app, Action::Lock, library(), care(), "2026-11-25"), vec![Effect::LockBackend]);
        assert!(app.locked.is_some());
    }

    /// The sample intake as the store gives it back: PHQ-9 answered with `positions`.
    fn saved_intake(positions: &[usize]) -> crate::tui::backend::EncounterState {
        crate::tui::backend::EncounterState {
            encounter: "e1".into(),
            client: fixtures::client(Lang::En),
            instruments: library().bundle("adult-core").map(|b| b.instruments.clone()).unwrap_or_default(),
            consent: Some(true),
            answers: positions.iter().enumerate().map(|(i, p)| ("phq9".into(), format!("q{}", i + 1), *p)).collect(),
            completed: Default::default(),
            risk: Default::default(),
            decision: None,
            picked: Vec::new(),
        }
    }

    /// Issue 14 (smaller list): the interface kept the client data in memory while locked. Locking
    /// drops the client details that can be loaded again (the state holds no client name) and
    /// names what reloads them on unlock.
    #[test]
    fn locking_drops_the_client_details_the_screens_held_and_unlocking_reloads_them() {
        use crate::tui::backend::{Alert, AlertSource, AlertTier, HistoryData, QueueEntry};
        let client = fixtures::client(Lang::En);
        let name = client.name.clone();
        let holds_client = |app: &App| {
            let state = format!("{app:?}");
            state.contains(&name) || state.contains("Tremblay") || state.contains("1990-04-02")
        };

        // The queue, and the client name of an alert.
        let mut app = fixtures::signed_in(Lang::En);
        let entry = QueueEntry {
            encounter: "e1".into(),
            client: client.id.clone(),
            client_name: name.clone(),
            kiosk: false,
            critical: true,
            urgent: false,
            incomplete: false,
            updated: "2026-11-25 09:00".into(),
            open_by: None,
        };
        app.screen = Screen::Home { entries: vec![entry], selected: 0 };
        app.alert = Some(Alert {
            tier: AlertTier::Critical,
            source: AlertSource::Staff { reference: "e2".into(), name: Some(name.clone()) },
            entry: "e2".into(),
        });
        assert!(holds_client(&app));
        lock(&mut app);
        assert!(!holds_client(&app), "{app:?}");
        assert_eq!(unlock(&mut app), vec![Effect::NameAlert("e2".into()), Effect::LoadHome]);

        // The search: its matches and its query (part of a name).
        let mut app = fixtures::signed_in(Lang::En);
        app.screen = Screen::Search(Box::default());
        crate::tui::view::test_support::search_for(&mut app, "trem", std::slice::from_ref(&client));
        assert!(holds_client(&app));
        lock(&mut app);
        assert!(!holds_client(&app) && !format!("{app:?}").contains("trem"), "{app:?}");
        assert_eq!(unlock(&mut app), vec![]);
        assert_eq!(app.screen, Screen::Search(Box::default()), "an empty search: the query is typed again");

        // A client's history, loaded again by id.
        let mut app = fixtures::signed_in(Lang::En);
        app.screen = Screen::History(Box::new(crate::tui::list_window::Scrolled::new(HistoryData {
            client: client.clone(),
            encounters: vec![],
        })));
        lock(&mut app);
        assert!(!holds_client(&app), "{app:?}");
        assert_eq!(unlock(&mut app), vec![Effect::LoadHistory(client.id.clone())]);

        // An intake with everything saved: reopened from the store.
        let mut app = fixtures::intake(Lang::En, &[1, 2]);
        app.screen = Screen::Questionnaire;
        lock(&mut app);
        assert!(!holds_client(&app) && app.intake.is_none(), "{app:?}");
        assert_eq!(unlock(&mut app), vec![Effect::OpenEncounter("e1".into())]);
    }

    /// What cannot be loaded again without losing work stays while locked (the lock screen
    /// draws none of it): an intake whose last save is in doubt, the crisis screen (its action
    /// is not recorded yet).
    #[test]
    fn locking_keeps_unsaved_work_and_draws_none_of_it() {
        let mut app = fixtures::intake(Lang::En, &[1, 2]);
        app.screen = Screen::Questionnaire;
        if let Some(intake) = app.intake.as_mut() {
            intake.save = crate::tui::app::SaveState::Saving;
        }
        lock(&mut app);
        assert!(app.intake.is_some() && matches!(app.screen, Screen::Questionnaire));
        let screen = render(&app, 80, 24);
        assert!(!screen.contains("Émilie") && !screen.contains("Tremblay") && !screen.contains("interest"), "{screen}");
        assert_eq!(unlock(&mut app), vec![], "nothing to reload: it was kept");
    }

    /// Every value held by a form of `app` (the screen's and the lock's).
    fn form_values(app: &App) -> Vec<String> {
        let mut forms = Vec::new();
        if let Screen::Login(form) | Screen::FirstRun(form) = &app.screen {
            forms.push(form);
        }
        forms.extend(app.locked.as_ref());
        forms.iter().flat_map(|f| f.fields.iter().map(|field| field.value.as_str().to_string())).collect()
    }

    /// Issue 14 (smaller list): the password stayed in the sign-in form (and the lock form)
    /// after it was sent. A form hands its password over and keeps no copy.
    #[test]
    fn no_form_keeps_a_password_once_it_is_sent() {
        const TYPED: &str = "correct horse battery";
        let typed = |app: &mut App, text: &str| {
            for c in text.chars() {
                update(app, if c == ' ' { Action::Toggle } else { Action::Input(c) }, library(), care(), "2026-11-25");
            }
        };
        let mut app = App::new(Lang::En, 0);
        update(&mut app, Action::SetupChecked(Ok(false)), library(), care(), "2026-11-25");
        typed(&mut app, "amira");
        update(&mut app, Action::NextField, library(), care(), "2026-11-25");
        typed(&mut app, TYPED);
        assert!(form_values(&app).iter().any(|v| v == TYPED), "the check sees a password in a form");
        let effects = update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        assert!(matches!(&effects[..], [Effect::Login { password, .. }] if password.as_str() == TYPED));
        assert_eq!(form_values(&app), ["amira", ""], "sent, and not kept");
        unlock(&mut app);

        // The lock screen's form.
        lock(&mut app);
        typed(&mut app, "wrong one");
        assert!(form_values(&app).iter().any(|v| v == "wrong one"));
        let effects = update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        assert!(matches!(&effects[..], [Effect::Login { password, .. }] if password.as_str() == "wrong one"));
        assert!(!form_values(&app).iter().any(|v| v.contains("wrong")), "{:?}", form_values(&app));

        // First run: the password and its confirmation.
        let mut app = App::new(Lang::En, 0);
        update(&mut app, Action::SetupChecked(Ok(true)), library(), care(), "2026-11-25");
        for (index, text) in ["Clinic", "ON", "en", "America/Toronto", "admin", TYPED, TYPED].iter().enumerate() {
            if index > 0 {
                update(&mut app, Action::NextField, library(), care(), "2026-11-25");
            }
            update(&mut app, Action::ClearField, library(), care(), "2026-11-25");
            typed(&mut app, text);
        }
        assert_eq!(form_values(&app).iter().filter(|v| *v == TYPED).count(), 2);
        let effects = update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        assert!(
            matches!(&effects[..], [Effect::Initialize { password, .. }] if password.as_str() == TYPED),
            "{effects:?}"
        );
        assert!(!form_values(&app).iter().any(|v| v == TYPED), "{:?}", form_values(&app));
    }

    #[test]
    fn a_typed_value_grows_past_any_first_buffer() {
        let mut form =
            crate::tui::app::Form::new(vec![crate::tui::app::Field::secret(crate::ui::strings::Text::FieldPassword)]);
        let long: String = (0..150).map(|i| char::from(b'a' + (i % 26) as u8)).chain("é€".chars()).collect();
        for c in long.chars() {
            form.edit(&Action::Input(c));
        }
        assert_eq!(form.value(0), long);
    }

    fn reset_session() -> crate::tui::backend::Session {
        let notice = crate::tui::backend::ResetNotice { by: "root".into(), date: "2026-11-24".into() };
        crate::tui::backend::Session {
            user: "amira".into(),
            role: crate::auth::Role::Intake,
            password_reset: Some(notice),
        }
    }

    fn type_text(app: &mut App, text: &str) {
        for c in text.chars() {
            update(app, Action::Input(c), library(), care(), "2026-11-25");
        }
    }

    /// Issue 14, item 6: signing in with a password an administrator set goes to a step that
    /// says who set it and when and asks for a new one twice; nothing else is reachable, and the
    /// interface goes on once the owner has set it.
    #[test]
    fn a_password_set_by_an_administrator_is_replaced_before_anything_else() {
        let act = |app: &mut App, action: Action| update(app, action, library(), care(), "2026-11-25");
        let mut app = App::new(Lang::En, 0);
        act(&mut app, Action::SetupChecked(Ok(false)));
        let effects = act(&mut app, Action::LoggedIn(Ok(reset_session())));
        assert!(effects.is_empty(), "nothing is loaded: the owner refuses everything but the change");
        assert!(matches!(app.screen, Screen::ChangePassword(_)));
        assert!(act(&mut app, Action::GoToQueue).is_empty() && matches!(app.screen, Screen::ChangePassword(_)));
        // The store's rule (15 characters), then the same twice.
        type_text(&mut app, "too short");
        act(&mut app, Action::Submit);
        let Screen::ChangePassword(form) = &app.screen else { panic!() };
        assert_eq!(form.fields[0].error, Some(Text::PasswordTooShort));
        act(&mut app, Action::ClearField);
        type_text(&mut app, "my own long password");
        act(&mut app, Action::NextField);
        type_text(&mut app, "my own long passw0rd");
        assert!(act(&mut app, Action::Submit).is_empty());
        let Screen::ChangePassword(form) = &app.screen else { panic!() };
        assert_eq!((form.fields[1].error, form.focus), (Some(Text::PasswordsDiffer), 1));
        act(&mut app, Action::ClearField);
        type_text(&mut app, "my own long password");
        let screen = render(&app, 80, 24);
        assert!(screen.contains("Your password was reset by root on 2026-11-24."), "{screen}");
        assert!(!screen.contains("my own long"), "passwords are never drawn");
        insta::assert_snapshot!("change_password_80x24", screen);
        insta::assert_snapshot!("change_password_120x40", render(&app, 120, 40));
        let french = App { lang: Lang::Fr, ..app.clone() };
        assert!(render(&french, 80, 24).contains("réinitialisé par root le 2026-11-24"));
        insta::assert_snapshot!("change_password_80x24_fr", render(&french, 80, 24));
        insta::assert_snapshot!("change_password_120x40_fr", render(&french, 120, 40));
        let effects = act(&mut app, Action::Submit);
        assert_eq!(
            effects,
            vec![Effect::ChangeOwnPassword { password: zeroize::Zeroizing::new("my own long password".into()) }]
        );
        // Refused (the administrator's own password, say): said, and typed again from nothing.
        let refused = crate::tui::backend::BackendError::from_owner("invalid", "invalid password: choose another");
        act(&mut app, Action::PasswordChanged(Err(refused)));
        let Screen::ChangePassword(form) = &app.screen else { panic!() };
        assert!(form.value(0).is_empty() && form.value(1).is_empty());
        assert!(app.status.as_ref().is_some_and(|s| s.is_error()));
        // Set: the reset is over and the worker lands on the queue.
        assert_eq!(act(&mut app, Action::PasswordChanged(Ok(()))), vec![Effect::LoadHome]);
        assert_eq!(app.session.as_ref().and_then(|s| s.password_reset.clone()), None);
        assert!(render(&app, 80, 24).contains("New password set."));
        // Unlocking the idle lock with such a password goes to the same step.
        app.locked = Some(crate::tui::app::Form::new(Vec::new()));
        act(&mut app, Action::LoggedIn(Ok(reset_session())));
        assert!(app.locked.is_none() && matches!(app.screen, Screen::ChangePassword(_)));
    }
}
