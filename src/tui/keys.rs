//! Keys as data. Each screen declares a table of bindings (keys, command, label, when it is
//! offered); the same table drives the screen's dispatch, its footer and its help overlay, so
//! what a screen does on a key and what it says it does cannot drift apart. A key no offered
//! binding matches does nothing.

use super::app::{Action, App};
use crate::auth::{Operation, Role, allowed};
use crate::instrument::Library;
use crate::ui::strings::Text;

/// A key as the tables name it: one or more actions of the keymap, and its name on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A letter command (letters are commands outside text fields).
    Letter(char),
    /// The number keys 1-9 (`Action::Choose`).
    Digits,
    /// The number keys 1 to n.
    Numbers(usize),
    /// One number key.
    Digit(usize),
    /// ← or Backspace outside text fields (and Esc, Ctrl-B): one step back.
    Previous,
    Enter,
    /// Esc, Ctrl-B (and ← or Backspace outside text fields).
    Back,
    Space,
    /// Tab and Shift-Tab.
    Tab,
    Up,
    Down,
    /// ↑ or ↓.
    Arrows,
    /// Ctrl-E: edit the client in front.
    EditClient,
    /// Ctrl-O: the selected client's history (where letters are text).
    History,
    /// Ctrl-U: empty the field.
    Clear,
    /// Typing in a text field, with ←→, Home/End, Backspace/Delete and Ctrl-W at the cursor.
    Text,
    /// ←→ on a picker.
    Pick,
    /// Typing a note or a query (Backspace deletes, Ctrl-U empties).
    Typing,
    // Keys of every screen (`GLOBAL`).
    Help,
    Language,
    Lock,
    /// Ctrl-N on the lock screen: end the session and sign in afresh.
    SwitchUser,
    Queue,
    Dismiss,
    Quit,
}

impl Key {
    /// Whether `action` is this key.
    pub fn matches(self, action: &Action) -> bool {
        match self {
            Key::Letter(c) => *action == Action::Letter(c),
            Key::Digits => matches!(action, Action::Choose(_)),
            Key::Numbers(n) => matches!(action, Action::Choose(i) if *i < n),
            Key::Digit(d) => *action == Action::Choose(d.wrapping_sub(1)),
            Key::Previous => *action == Action::Back,
            Key::Enter => *action == Action::Submit,
            Key::Back => *action == Action::Back,
            Key::Space => *action == Action::Toggle,
            Key::Tab => matches!(action, Action::NextField | Action::PrevField),
            Key::Up => *action == Action::Up,
            Key::Down => *action == Action::Down,
            Key::Arrows => matches!(action, Action::Up | Action::Down),
            Key::EditClient => *action == Action::EditClient,
            Key::History => *action == Action::OpenHistory,
            Key::Clear => *action == Action::ClearField,
            Key::Text => matches!(
                action,
                Action::Input(_)
                    | Action::Paste(_)
                    | Action::Toggle
                    | Action::DeleteChar
                    | Action::DeleteForward
                    | Action::DeleteWord
                    | Action::ClearField
                    | Action::CursorLeft
                    | Action::CursorRight
                    | Action::CursorHome
                    | Action::CursorEnd
            ),
            Key::Pick => matches!(
                action,
                Action::CursorLeft | Action::CursorRight | Action::Input(_) | Action::DeleteChar | Action::ClearField
            ),
            Key::Typing => {
                matches!(
                    action,
                    Action::Input(_) | Action::Paste(_) | Action::Toggle | Action::DeleteChar | Action::ClearField
                )
            }
            Key::Help => *action == Action::Help,
            Key::Language => *action == Action::ToggleLanguage,
            Key::Lock => *action == Action::Lock,
            Key::SwitchUser => *action == Action::SwitchUser,
            Key::Queue => *action == Action::GoToQueue,
            Key::Dismiss => *action == Action::DismissAlert,
            Key::Quit => *action == Action::Quit,
        }
    }

    /// The key's name on screen (English; `strings::key_name` words it in French).
    pub fn name(self) -> String {
        match self {
            Key::Letter(c) => c.to_string(),
            Key::Digits => "1-9".into(),
            Key::Numbers(n) => format!("1-{n}"),
            Key::Digit(d) => d.to_string(),
            Key::Previous => "←/Bksp".into(),
            Key::Enter => "Enter".into(),
            Key::Back => "Esc/^B".into(),
            Key::Space => "Space".into(),
            Key::Tab => "Tab".into(),
            Key::Up => "↑".into(),
            Key::Down => "↓".into(),
            Key::Arrows => "↑↓".into(),
            Key::EditClient => "^E".into(),
            Key::History => "^O".into(),
            Key::Clear => "^U".into(),
            Key::Text => "←→ Home End ^W".into(),
            Key::Pick => "←→/1-9".into(),
            Key::Typing => "Bksp ^U".into(),
            Key::Help => "?/^K".into(),
            Key::Language => "^L".into(),
            Key::Lock => "^X".into(),
            Key::SwitchUser => "^N".into(),
            Key::Queue => "^G".into(),
            Key::Dismiss => "^D".into(),
            Key::Quit => "^Q".into(),
        }
    }
}

/// When a binding is offered, from the state and the questionnaires.
pub type When = fn(&App, &Library) -> bool;

/// One line of a screen's key table.
#[derive(Debug, Clone, Copy)]
pub struct Binding<C: Copy> {
    pub keys: &'static [Key],
    pub cmd: C,
    pub label: Text,
    /// When it is offered (a role, a state); a binding not offered is neither done nor shown.
    pub when: When,
    /// Shown in the footer as well as the help (the footer has room for the main keys only).
    pub footer: bool,
}

/// Offered everywhere the table is.
pub fn always(_: &App, _: &Library) -> bool {
    true
}

/// A binding shown in the footer and the help.
pub const fn bind<C: Copy>(keys: &'static [Key], cmd: C, label: Text) -> Binding<C> {
    Binding { keys, cmd, label, when: always, footer: true }
}

impl<C: Copy> Binding<C> {
    /// Only when `when` holds.
    pub const fn when(self, when: When) -> Binding<C> {
        Binding { when, ..self }
    }
    /// In the help only.
    pub const fn help_only(self) -> Binding<C> {
        Binding { footer: false, ..self }
    }
}

/// The command of the first offered binding `action` matches.
pub fn lookup<C: Copy>(table: &[Binding<C>], app: &App, library: &Library, action: &Action) -> Option<C> {
    table.iter().find(|b| (b.when)(app, library) && b.keys.iter().any(|k| k.matches(action))).map(|b| b.cmd)
}

/// A binding as the footer and the help show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub label: Text,
    pub footer: bool,
    /// The keys it answers, for the tests that walk every screen.
    pub keys: &'static [Key],
}

/// The offered bindings of `table`, as shown.
pub fn entries<C: Copy>(table: &[Binding<C>], app: &App, library: &Library) -> Vec<Entry> {
    table
        .iter()
        .filter(|b| (b.when)(app, library))
        .map(|b| Entry { key: joined(b.keys), label: b.label, footer: b.footer, keys: b.keys })
        .collect()
}

/// The footer's entries that fit in `width` columns, each drawn as "key label" and two spaces,
/// in table order. When some do not fit, the help key (which lists them all) is kept, last,
/// and the others fill the room left before it: the footer shows every key, or the way to see
/// every key.
pub fn footer_fit(entries: &[Entry], lang: crate::instrument::Lang, width: usize) -> Vec<&Entry> {
    use unicode_width::UnicodeWidthStr;
    let piece = |e: &Entry| crate::ui::strings::key_name(&e.key, lang).width() + e.label.get(lang).width() + 3;
    let footer: Vec<&Entry> = entries.iter().filter(|e| e.footer).collect();
    if footer.iter().map(|e| piece(e)).sum::<usize>() <= width {
        return footer;
    }
    let help = footer.iter().copied().find(|e| e.keys.contains(&Key::Help));
    let mut room = width.saturating_sub(help.map_or(0, piece));
    let mut shown = Vec::new();
    for entry in footer.iter().copied().filter(|e| !e.keys.contains(&Key::Help)) {
        if piece(entry) > room {
            break;
        }
        room -= piece(entry);
        shown.push(entry);
    }
    shown.extend(help);
    shown
}

/// Several keys of one binding: "y/1", or "/ f" when a key is itself a slash.
fn joined(keys: &[Key]) -> String {
    let names: Vec<String> = keys.iter().map(|k| k.name()).collect();
    let separator = if names.iter().any(|n| n == "/") { " " } else { "/" };
    names.join(separator)
}

/// The signed-in role, if any.
pub fn role(app: &App) -> Option<Role> {
    app.session.as_ref().map(|s| s.role)
}

/// Whether the signed-in role may do `operation`.
pub fn may(app: &App, operation: Operation) -> bool {
    role(app).is_some_and(|role| allowed(role, operation))
}

/// Signed in as staff (not an administrator, who reads no clinical content).
pub fn staff(app: &App) -> bool {
    role(app).is_some_and(|role| role != Role::Admin)
}

/// What every screen's keys end with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Global {
    Queue,
    Dismiss,
    Help,
    Language,
    Lock,
    Quit,
}

/// Keys of every screen, after its own.
pub const GLOBAL: &[Binding<Global>] = &[
    bind(&[Key::Queue], Global::Queue, Text::KeyQueue).when(queue_offered),
    bind(&[Key::Dismiss], Global::Dismiss, Text::KeyDismissAlert).when(alert_shown).help_only(),
    bind(&[Key::Help], Global::Help, Text::KeyHelp),
    bind(&[Key::Language], Global::Language, Text::KeyLanguage),
    bind(&[Key::Lock], Global::Lock, Text::KeyLock).when(signed_in),
    bind(&[Key::Quit], Global::Quit, Text::KeyQuit),
];

fn signed_in(app: &App, _: &Library) -> bool {
    app.session.is_some() && app.locked.is_none()
}

fn alert_shown(app: &App, _: &Library) -> bool {
    app.alert.is_some() && app.locked.is_none()
}

/// Ctrl-G: staff, not locked, away from the queue, and not on a screen that cannot be left
/// (the crisis protocol until an action is recorded, the new-password step).
fn queue_offered(app: &App, _: &Library) -> bool {
    use super::app::Screen;
    let stays =
        matches!(app.screen, Screen::Home { .. } | Screen::Crisis(_) | Screen::Starting | Screen::ChangePassword(_));
    staff(app) && app.locked.is_none() && !stays
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_binding_not_offered_is_neither_done_nor_shown() {
        #[derive(Debug, Clone, Copy, PartialEq)]
        enum Cmd {
            A,
            B,
        }
        fn never(_: &App, _: &Library) -> bool {
            false
        }
        let table = [
            bind(&[Key::Letter('a')], Cmd::A, Text::KeyHelp).when(never),
            bind(&[Key::Letter('a')], Cmd::B, Text::KeyQuit),
        ];
        let app = App::new(crate::instrument::Lang::En, 0);
        let library = crate::tui::view::test_support::library();
        assert_eq!(lookup(&table, &app, library, &Action::Letter('a')), Some(Cmd::B));
        assert_eq!(entries(&table, &app, library).len(), 1);
        assert_eq!(lookup(&table, &app, library, &Action::Letter('b')), None);
    }

    #[test]
    fn keys_of_one_binding_are_joined_readably() {
        assert_eq!(joined(&[Key::Letter('y'), Key::Digits]), "y/1-9");
        assert_eq!(joined(&[Key::Letter('/'), Key::Letter('f')]), "/ f");
    }

    /// Every screen and mode the interface has, as the walk below visits them.
    fn every_screen() -> Vec<(&'static str, App)> {
        use crate::tui::admin_ops::{Tool, ToolKind};
        use crate::tui::app::{AdminState, AuditView, CrisisState, Screen, update};
        use crate::tui::backend::{Alert, AlertSource, AlertTier, HistoryData, QueueEntry, UserRow};
        use crate::tui::demo;
        use crate::tui::view::test_support::{care, library};
        let lang = crate::instrument::Lang::En;
        let step = |mut app: App, action| {
            update(&mut app, action, library(), care(), "2026-11-25");
            app
        };
        let with = |screen: Screen| App { screen, ..demo::signed_in(lang) };
        let entry = QueueEntry {
            encounter: "e1".into(),
            client: "c1".into(),
            client_name: "Émilie Tremblay".into(),
            kiosk: false,
            critical: true,
            urgent: false,
            incomplete: false,
            updated: "2026-11-25 10:00".into(),
            open_by: None,
        };
        let mut screens = vec![
            ("starting", App::new(lang, 0)),
            ("first run", step(App::new(lang, 0), Action::SetupChecked(Ok(true)))),
            ("recovery", step(App::new(lang, 0), Action::Initialized(Ok("ABCD".into())))),
            ("login", step(App::new(lang, 0), Action::SetupChecked(Ok(false)))),
            ("new password", with(Screen::ChangePassword(crate::tui::screens::login::change_password_form()))),
            ("queue", with(Screen::Home { entries: vec![entry], selected: 0 })),
            ("empty queue", with(Screen::Home { entries: Vec::new(), selected: 0 })),
            ("client", step(with(Screen::Home { entries: Vec::new(), selected: 0 }), Action::Letter('n'))),
            ("client edit", demo::editing_client(lang)),
            ("consent", App { screen: Screen::Consent, ..demo::intake(library(), lang, &[]) }),
            ("questionnaire", App { screen: Screen::Questionnaire, ..demo::intake(library(), lang, &[]) }),
            (
                "crisis",
                App {
                    screen: Screen::Crisis(CrisisState::new(false, "phq9".into(), Vec::new())),
                    ..demo::intake(library(), lang, &[])
                },
            ),
            (
                "history",
                with(Screen::History(Box::new(crate::tui::list_window::Scrolled::new(HistoryData {
                    client: demo::client(lang),
                    encounters: vec![],
                })))),
            ),
            (
                "report",
                with(Screen::Report(Box::new(crate::tui::list_window::Scrolled::new(
                    crate::tui::screens::report::tests::report(),
                )))),
            ),
            ("search", with(Screen::Search(Box::default()))),
            ("bundle", with(crate::tui::screens::bundle::open(demo::client(lang), library(), "2026-11-25"))),
        ];
        // The client form on its language picker and on its tick boxes.
        for (name, focus) in [("client language", 3), ("client populations", 4)] {
            let mut app = step(with(Screen::Home { entries: Vec::new(), selected: 0 }), Action::Letter('n'));
            if let Screen::ClientForm(form) = &mut app.screen {
                form.focus = focus;
            }
            screens.push((name, app));
        }
        let intake = demo::intake(library(), lang, &[]);
        let results = crate::tui::app::results_screen(intake.intake.as_ref().unwrap(), library(), care(), "2026-11-25");
        screens.push(("results", App { screen: results.clone(), ..intake.clone() }));
        let mut clinician = App { screen: results, ..intake.clone() };
        clinician.session.as_mut().unwrap().role = Role::Clinician;
        screens.push(("results, clinician", clinician.clone()));
        screens.push(("override", step(clinician, Action::Letter('o'))));
        let mut crisis_note = screens.iter().find(|(n, _)| *n == "crisis").unwrap().1.clone();
        crisis_note = step(crisis_note, Action::NextField);
        screens.push(("crisis note", crisis_note));
        let mut admin = App::new(lang, 0);
        admin.session =
            Some(crate::tui::backend::Session { user: "root".into(), role: Role::Admin, password_reset: None });
        let users = vec![UserRow {
            name: "amira".into(),
            display_name: "Amira".into(),
            role: "intake".into(),
            active: true,
            status: crate::store::AccountStatus::Active,
        }];
        let admin_state = AdminState { users, ..AdminState::default() };
        screens.push(("admin", App { screen: Screen::Admin(Box::new(admin_state.clone())), ..admin.clone() }));
        screens.push((
            "new user",
            step(App { screen: Screen::Admin(Box::new(admin_state.clone())), ..admin.clone() }, Action::Letter('n')),
        ));
        let audit = AuditView {
            entries: Vec::new(),
            filter: crate::tui::screens::admin::filter_field(),
            typing: false,
            check: None,
            scroll: 0,
        };
        let audit_state = AdminState { audit: Some(audit.clone()), ..admin_state.clone() };
        screens.push(("audit", App { screen: Screen::Admin(Box::new(audit_state)), ..admin.clone() }));
        let typing = AdminState { audit: Some(AuditView { typing: true, ..audit }), ..admin_state.clone() };
        screens.push(("audit filter", App { screen: Screen::Admin(Box::new(typing)), ..admin.clone() }));
        for kind in ToolKind::ALL {
            let tool = AdminState { tool: Some(Tool::open(kind)), ..admin_state.clone() };
            screens.push(("task", App { screen: Screen::Admin(Box::new(tool)), ..admin.clone() }));
        }
        let mut locked = demo::signed_in(lang);
        locked.locked = Some(crate::tui::screens::login::login_form("amira"));
        screens.push(("locked", locked));
        let mut alerted = with(Screen::Search(Box::default()));
        alerted.alert = Some(Alert {
            tier: AlertTier::Critical,
            source: AlertSource::Kiosk { device: "lobby".into(), reference: "abcd1234".into() },
            entry: "e9".into(),
        });
        screens.push(("alert", alerted));
        screens
    }

    /// Every key a terminal can send that the keymap knows.
    fn every_key() -> Vec<ratatui::crossterm::event::KeyEvent> {
        use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        let plain = |code| KeyEvent::new(code, KeyModifiers::NONE);
        let mut keys: Vec<KeyEvent> = (' '..='~').map(|c| plain(KeyCode::Char(c))).collect();
        keys.extend(
            [
                KeyCode::Enter,
                KeyCode::Esc,
                KeyCode::Tab,
                KeyCode::BackTab,
                KeyCode::Up,
                KeyCode::Down,
                KeyCode::Left,
                KeyCode::Right,
                KeyCode::Home,
                KeyCode::End,
                KeyCode::Backspace,
                KeyCode::Delete,
                KeyCode::F(1),
            ]
            .map(plain),
        );
        keys.extend(('a'..='z').map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)));
        keys
    }

    /// The footer and the help cannot drift from what a screen does: on every screen, a key that
    /// no shown entry names changes nothing and asks for nothing, and every shown entry names a
    /// key the screen receives.
    #[test]
    fn every_screen_does_what_its_footer_and_help_say_and_nothing_else() {
        use crate::tui::app::{screen_entries, update};
        use crate::tui::view::test_support::{care, library};
        for (name, app) in every_screen() {
            let context = crate::tui::view::key_context(&app);
            let shown = screen_entries(&app, library());
            let actions: Vec<Action> =
                every_key().into_iter().filter_map(|key| crate::tui::keymap::action_for(context, key)).collect();
            for action in &actions {
                let named = shown.iter().any(|entry| entry.keys.iter().any(|k| k.matches(action)));
                if named {
                    continue;
                }
                let mut after = app.clone();
                let effects = update(&mut after, action.clone(), library(), care(), "2026-11-25");
                assert!(effects.is_empty() && after == app, "{name}: {action:?} is not shown but does something");
            }
            for entry in &shown {
                assert!(
                    actions.iter().any(|action| entry.keys.iter().any(|k| k.matches(action))),
                    "{name}: {:?} ({:?}) is shown but no key reaches it",
                    entry.key,
                    entry.label
                );
            }
        }
    }

    /// Issue 16: on every screen, in both languages, at 80 and 120 columns, the footer shows every
    /// key or the help key that lists them.
    #[test]
    fn every_footer_shows_every_key_or_the_help_that_lists_them() {
        use crate::tui::view::test_support::library;
        for (name, app) in every_screen() {
            for lang in crate::instrument::Lang::ALL {
                let app = App { lang, ..app.clone() };
                let entries = crate::tui::app::screen_entries(&app, library());
                let footer = entries.iter().filter(|e| e.footer).count();
                for width in [80, 120] {
                    let shown = footer_fit(&entries, lang, width);
                    let help = shown.iter().any(|e| e.keys.contains(&Key::Help));
                    assert!(shown.len() == footer || help, "{name} in {lang:?} at {width}: {shown:?}");
                }
            }
        }
    }

    /// What the footer and the help say is read from the tables: no screen writes a key label of
    /// its own any more.
    #[test]
    fn no_key_label_is_written_by_hand() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/tui");
        let mut files = vec![format!("{dir}/view.rs"), format!("{dir}/admin_ops.rs")];
        let screens = std::fs::read_dir(format!("{dir}/screens")).unwrap();
        files.extend(
            screens.map(|e| e.unwrap().path()).filter(|p| p.is_file()).map(|p| p.to_string_lossy().into_owned()),
        );
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            assert!(!text.contains("(&'static str, Text)>"), "{file}: a hand-written key list");
            assert!(!text.contains("\", Text::Key"), "{file}: a hand-written key label");
        }
    }
}
