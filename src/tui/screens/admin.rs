//! Administration (admin role only; the owner enforces it too): users and roles, the audit log
//! with a filter and a chain check, and the tasks of `admin_tools` (store status, check-in codes,
//! backup, export, catalog and questionnaire checks), opened by their letters.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::instrument::Library;
use crate::store::AccountStatus;
use crate::tui::admin_ops::{Tool, ToolKind};
use crate::tui::app::{Action, App, Deps, Effect, Field, Form, Screen, Status};
use crate::tui::backend::{AuditCheck, AuditRow, UserRow};
use crate::tui::form::{self, FormCmd};
use crate::tui::keys::{self, Binding, Entry, Key, bind};
use crate::tui::list_window::{Window, cell, row};
use crate::tui::view::{View, body_block, clean, draw_form, draw_position_marker};
use crate::ui::strings::Text;

/// Administration: users and roles, the audit log, and the tasks of `admin_ops`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AdminState {
    pub users: Vec<UserRow>,
    pub selected: usize,
    /// The new-user form, while it is open.
    pub new_user: Option<Form>,
    /// The audit view, while it is open: recent entries, the filter, and whether it is being typed.
    pub audit: Option<AuditView>,
    /// A task (status, check-in codes, backup, export, checks), while it is open.
    pub tool: Option<crate::tui::admin_ops::Tool>,
    /// Check-in codes issued from this screen (the store keeps only their hash).
    pub issued: Vec<crate::tui::backend::IssuedCode>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuditView {
    pub entries: Vec<AuditRow>,
    pub filter: crate::tui::form::Field,
    pub typing: bool,
    pub check: Option<AuditCheck>,
    pub scroll: usize,
}

impl AuditView {
    /// Entries whose user, action or record contains the filter (case-insensitive).
    pub fn visible(&self) -> Vec<&AuditRow> {
        let needle = self.filter.value.trim().to_lowercase();
        self.entries
            .iter()
            .filter(|e| {
                needle.is_empty()
                    || e.user.to_lowercase().contains(&needle)
                    || e.action.to_lowercase().contains(&needle)
                    || e.record.to_lowercase().contains(&needle)
            })
            .collect()
    }
}

/// How many recent audit entries the audit view loads.
pub const AUDIT_VIEW_LIMIT: usize = 500;

/// The roles an administrator may give, for the new user's picker.
pub const ROLES: [(&str, Text); 4] = [
    ("intake", Text::RoleIntake),
    ("clinician", Text::RoleClinician),
    ("admin", Text::RoleAdmin),
    ("kiosk", Text::RoleKiosk),
];

fn new_user_form() -> Form {
    Form::new(vec![
        Field::text(Text::FieldUser),
        Field::text(Text::FieldDisplayName),
        Field::choice(Text::FieldRole, &ROLES).with("intake"),
        Field::secret(Text::FieldPassword),
        Field::secret(Text::FieldPasswordAgain),
    ])
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    Move,
    NewUser,
    Disable,
    Audit,
    Report,
    Reload,
    Tool(ToolKind),
    Filter,
    Verify,
    Users,
    Type,
    Done,
}

const USERS_KEYS: &[Binding<Cmd>] = &[
    bind(&[Key::Letter('n')], Cmd::NewUser, Text::KeyNewUser),
    bind(&[Key::Letter('d')], Cmd::Disable, Text::KeyDisable),
    bind(&[Key::Letter('a')], Cmd::Audit, Text::KeyAudit),
    bind(&[Key::Letter('s')], Cmd::Report, Text::KeyReport),
    bind(&[Key::Arrows], Cmd::Move, Text::KeyMove),
    bind(&[Key::Letter('r')], Cmd::Reload, Text::KeyReload).help_only(),
];

/// The tasks, by letter: in the help and on the users screen's last line.
macro_rules! tools {
    ($($kind:ident),*) => {
        &[$(bind(&[Key::Letter(ToolKind::$kind.letter())], Cmd::Tool(ToolKind::$kind), ToolKind::$kind.key_label()).help_only(),)*]
    };
}
const TOOL_KEYS: &[Binding<Cmd>] =
    tools!(Checkin, Backup, VerifyBackup, Export, KioskPin, Settings, Status, Resources, Instruments);

const AUDIT_KEYS: &[Binding<Cmd>] = &[
    bind(&[Key::Letter('/'), Key::Letter('f')], Cmd::Filter, Text::KeyFilter),
    bind(&[Key::Letter('v')], Cmd::Verify, Text::KeyVerify),
    bind(&[Key::Arrows], Cmd::Move, Text::KeyMove),
    bind(&[Key::Letter('u'), Key::Back], Cmd::Users, Text::KeyUsers),
    bind(&[Key::Letter('r')], Cmd::Reload, Text::KeyReload).help_only(),
];

const FILTER_KEYS: &[Binding<Cmd>] =
    &[bind(&[Key::Enter, Key::Back], Cmd::Done, Text::KeySubmit), bind(&[Key::Text], Cmd::Type, Text::KeyFilter)];

/// The audit view's filter box.
pub fn filter_field() -> crate::tui::form::Field {
    crate::tui::form::Field::free_text(Text::AuditFilterPrompt, 80)
}

/// What the columns of the users list and of the audit mean (the help's legend).
pub fn legend(state: &AdminState) -> &'static [Text] {
    match (&state.tool, &state.new_user, &state.audit) {
        (None, None, Some(_)) => &[Text::LegendAuditColumns],
        (None, None, None) => &[Text::LegendUsersColumns],
        _ => &[],
    }
}

pub fn entries(app: &App, library: &Library) -> Vec<Entry> {
    let Screen::Admin(state) = &app.screen else { return Vec::new() };
    match (&state.tool, &state.new_user, &state.audit) {
        (Some(tool), _, _) => super::admin_tools::entries(app, tool, library),
        (None, Some(_), _) => keys::entries(form::KEYS, app, library),
        (None, None, Some(audit)) => keys::entries(if audit.typing { FILTER_KEYS } else { AUDIT_KEYS }, app, library),
        (None, None, None) => {
            [keys::entries(USERS_KEYS, app, library), keys::entries(TOOL_KEYS, app, library)].concat()
        }
    }
}

/// Keys on the administration screen.
pub fn key(app: &mut App, action: Action, deps: Deps) -> Vec<Effect> {
    let library = deps.library;
    let (tool, new_user, audit) = match &app.screen {
        Screen::Admin(state) => {
            (state.tool.is_some(), state.new_user.is_some(), state.audit.as_ref().map(|a| a.typing))
        }
        _ => return Vec::new(),
    };
    if tool {
        let command = match &app.screen {
            Screen::Admin(state) => {
                state.tool.as_ref().and_then(|t| super::admin_tools::command(app, t, &action, library))
            }
            _ => None,
        };
        if let (Some(command), Screen::Admin(state)) = (command, &mut app.screen)
            && let Some(tool) = state.tool.as_mut()
            && super::admin_tools::run(tool, command, &action)
        {
            state.tool = None;
        }
        return Vec::new();
    }
    let command = if new_user {
        keys::lookup(form::KEYS, app, library, &action).map(|c| match c {
            FormCmd::Submit => Cmd::Done,
            FormCmd::Edit => Cmd::Type,
            FormCmd::Back => Cmd::Users,
        })
    } else {
        let table = match audit {
            Some(true) => FILTER_KEYS,
            Some(false) => AUDIT_KEYS,
            None => USERS_KEYS,
        };
        keys::lookup(table, app, library, &action)
            .or_else(|| keys::lookup(TOOL_KEYS, app, library, &action).filter(|_| audit.is_none()))
    };
    let (Some(command), Screen::Admin(state)) = (command, &mut app.screen) else { return Vec::new() };
    match (new_user, audit) {
        (true, _) => new_user_key(state, command, &action),
        (false, Some(_)) => audit_key(state, command, &action),
        (false, None) => users_key(state, command, &action),
    }
}

fn users_key(state: &mut AdminState, command: Cmd, action: &Action) -> Vec<Effect> {
    match command {
        Cmd::Move if *action == Action::Up => state.selected = state.selected.saturating_sub(1),
        Cmd::Move => state.selected = (state.selected + 1).min(state.users.len().saturating_sub(1)),
        Cmd::NewUser => state.new_user = Some(new_user_form()),
        Cmd::Disable => {
            if let Some(user) = state.users.get(state.selected) {
                return vec![Effect::SetUserActive { name: user.name.clone(), active: !user.active }];
            }
        }
        Cmd::Audit => return vec![Effect::LoadAudit],
        Cmd::Report => return vec![Effect::LoadReport],
        Cmd::Reload => return vec![Effect::LoadUsers],
        Cmd::Tool(kind) => state.tool = Some(Tool::open(kind)),
        _ => {}
    }
    Vec::new()
}

fn audit_key(state: &mut AdminState, command: Cmd, action: &Action) -> Vec<Effect> {
    let Some(audit) = state.audit.as_mut() else { return Vec::new() };
    match (command, action) {
        (Cmd::Done, _) => audit.typing = false,
        (Cmd::Type, action) => {
            audit.filter.edit_text(action);
        }
        (Cmd::Filter, _) => audit.typing = true,
        (Cmd::Verify, _) => return vec![Effect::VerifyAudit],
        (Cmd::Reload, _) => return vec![Effect::LoadAudit],
        (Cmd::Move, Action::Up) => audit.scroll = audit.scroll.saturating_sub(1),
        (Cmd::Move, _) => audit.scroll = (audit.scroll + 1).min(audit.visible().len().saturating_sub(1)),
        (Cmd::Users, _) => state.audit = None,
        _ => {}
    }
    if let Some(audit) = state.audit.as_mut().filter(|_| matches!(command, Cmd::Type | Cmd::Done)) {
        audit.scroll = 0;
    }
    Vec::new()
}

fn new_user_key(state: &mut AdminState, command: Cmd, action: &Action) -> Vec<Effect> {
    let Some(form) = state.new_user.as_mut() else { return Vec::new() };
    match command {
        Cmd::Users => state.new_user = None,
        Cmd::Type => {
            form.edit(action);
        }
        Cmd::Done => {
            for field in &mut form.fields {
                field.error = None;
            }
            let name = form.value(0).trim().to_string();
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')) {
                form.fields[0].error = Some(Text::Required);
            }
            let role = form.value(2).trim().to_lowercase();
            if !ROLES.iter().any(|(code, _)| *code == role) {
                form.fields[2].error = Some(Text::UnknownRole);
            }
            super::login::check_new_password(form, 3, 4);
            if form.first_error() {
                return Vec::new();
            }
            let display = form.value(1).trim();
            let display_name = if display.is_empty() { name.clone() } else { display.to_string() };
            form.take(4);
            return vec![Effect::AddUser { display_name, name, role, password: form.take(3) }];
        }
        _ => {}
    }
    Vec::new()
}

/// The owner's answers about users and the audit log.
pub fn reply(app: &mut App, action: Action, _: Deps) -> Vec<Effect> {
    let state = match &mut app.screen {
        Screen::Admin(state) => Some(state),
        _ => None,
    };
    match (action, state) {
        (Action::UsersLoaded(Ok(users)), Some(state)) => {
            state.selected = state.selected.min(users.len().saturating_sub(1));
            state.users = users;
        }
        (Action::UserSaved(Ok(name)), state) => {
            if let Some(state) = state {
                state.new_user = None;
            }
            app.status = Some(Status::Note(Text::UserAdded, Some(name)));
            return vec![Effect::LoadUsers];
        }
        (Action::AuditLoaded(Ok(entries)), Some(state)) => {
            let filter = state.audit.as_ref().map_or_else(filter_field, |a| a.filter.clone());
            state.audit = Some(AuditView { entries, filter, typing: false, check: None, scroll: 0 });
        }
        (Action::AuditChecked(Ok(check)), Some(state)) => {
            if let Some(audit) = state.audit.as_mut() {
                audit.check = Some(check);
            }
        }
        (Action::UsersLoaded(Err(message)), _)
        | (Action::UserSaved(Err(message)), _)
        | (Action::AuditLoaded(Err(message)), _)
        | (Action::AuditChecked(Err(message)), _) => app.status = Some(Status::Failed(message)),
        // Left before the answer came.
        (Action::UsersLoaded(Ok(_)) | Action::AuditLoaded(Ok(_)) | Action::AuditChecked(Ok(_)), None) => {}
        _ => {}
    }
    Vec::new()
}

/// The audit log: its filter, the chain check, and the window of entries with named columns.
fn draw_audit(frame: &mut Frame, area: Rect, app: &App, audit: &AuditView, view: &View) {
    let block = body_block(Text::AuditTitle.get(app.lang), view.theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines = vec![Line::from(vec![
        Span::raw(format!("{} ", Text::AuditFilterPrompt.get(app.lang))),
        Span::styled(audit.filter.shown().0, view.theme.input),
    ])];
    if let Some(check) = &audit.check {
        lines.push(match &check.first_bad {
            None => Line::styled(
                format!("{} {} {}", Text::AuditIntact.get(app.lang), check.entries, Text::Entries.get(app.lang)),
                view.theme.ok,
            ),
            Some((position, problem)) => Line::styled(
                format!("{} #{position}: {}", Text::AuditBroken.get(app.lang), clean(problem)),
                view.theme.critical,
            ),
        });
    }
    let visible = audit.visible();
    if visible.is_empty() {
        lines.push(Line::styled(Text::AuditEmpty.get(app.lang), view.theme.muted));
    }
    if !visible.is_empty() {
        let header = row(&[
            ("#", 6),
            (Text::ColumnTime.get(app.lang), 19),
            (Text::ColumnUser.get(app.lang), 10),
            (Text::ColumnAction.get(app.lang), 22),
            (Text::ColumnOutcome.get(app.lang), 8),
            (Text::ColumnOrigin.get(app.lang), 0),
        ]);
        lines.push(Line::styled(header, view.theme.muted));
    }
    let room = usize::from(inner.height).saturating_sub(lines.len());
    let window = Window::from(visible.len(), audit.scroll, room);
    for entry in &visible[window.range()] {
        let allowed = entry.outcome == crate::store::audit::Outcome::Allowed;
        let outcome_style = if allowed { view.theme.muted } else { view.theme.warning };
        lines.push(Line::from(vec![
            Span::styled(format!("{:>6} ", entry.seq), view.theme.muted),
            Span::raw(format!("{} ", cell(&crate::ui::clock::shown(&clean(&entry.time), app.zone(), app.lang), 19))),
            Span::styled(format!("{} ", cell(&clean(&entry.user), 10)), view.theme.title),
            Span::raw(format!("{} ", cell(&clean(&entry.action), 22))),
            Span::styled(format!("{} ", cell(outcome_word(entry.outcome, app.lang), 8)), outcome_style),
            Span::styled(clean(&entry.origin), view.theme.muted),
        ]));
    }
    if let Some(marker) = window.marker(app.lang) {
        draw_position_marker(frame, area, marker, view.theme);
    }
    frame.render_widget(Paragraph::new(lines), inner);
    if audit.typing {
        let x = inner.x
            + (unicode_width::UnicodeWidthStr::width(Text::AuditFilterPrompt.get(app.lang))
                + 1
                + audit.filter.shown().1) as u16;
        frame.set_cursor_position((x.min(inner.right().saturating_sub(1)), inner.y));
    }
}

/// An audit entry's outcome in the interface's language (the log stores the English name).
fn outcome_word(outcome: crate::store::audit::Outcome, lang: crate::instrument::Lang) -> &'static str {
    use crate::store::audit::Outcome;
    match outcome {
        Outcome::Allowed => Text::AuditOutcomeAllowed,
        Outcome::Denied => Text::AuditOutcomeDenied,
        Outcome::Failed => Text::AuditOutcomeFailed,
    }
    .get(lang)
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, state: &AdminState, view: &View) {
    if let Some(tool) = &state.tool {
        super::admin_tools::draw(frame, area, app, state, tool, view);
        return;
    }
    if let Some(form) = &state.new_user {
        let block = body_block(Text::NewUserTitle.get(app.lang), view.theme);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        draw_form(frame, inner, app.lang, form, view.theme);
        return;
    }
    if let Some(audit) = &state.audit {
        draw_audit(frame, area, app, audit, view);
        return;
    }
    let block = body_block(Text::AdminTitle.get(app.lang), view.theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // The tasks, by letter, on the last line (the footer has no room for them all).
    let mut tasks = vec![Span::styled(format!("{} ", Text::AdminTools.get(app.lang)), view.theme.muted)];
    for entry in keys::entries(TOOL_KEYS, app, view.library) {
        tasks.push(Span::styled(entry.key, view.theme.key));
        tasks.push(Span::raw(format!(" {}  ", entry.label.get(app.lang))));
    }
    let mut lines = Vec::new();
    // A one-person clinic: nobody here can run an intake yet, and the administrator cannot.
    if !state.users.iter().any(|user| user.active && matches!(user.role.as_str(), "clinician" | "intake")) {
        lines.push(Line::styled(Text::AdminCannotRunIntakes.get(app.lang), view.theme.warning));
    }
    lines.push(Line::from(tasks));
    let tasks = Paragraph::new(lines).wrap(Wrap { trim: true });
    let tasks_height = (tasks.line_count(inner.width) as u16).min(inner.height / 2);
    let inner = Rect { height: inner.height - tasks_height, ..inner };
    frame.render_widget(tasks, Rect { y: inner.bottom(), height: tasks_height, ..inner });
    if state.users.is_empty() {
        frame.render_widget(Paragraph::new(Text::NoUsers.get(app.lang)).style(view.theme.muted), inner);
        return;
    }
    let header = row(&[
        (Text::ColumnUser.get(app.lang), 16),
        (Text::ColumnName.get(app.lang), 24),
        (Text::ColumnRole.get(app.lang), 10),
        (Text::ColumnStatus.get(app.lang), 0),
    ]);
    let window = Window::around(state.users.len(), state.selected, usize::from(inner.height.saturating_sub(1)));
    let mut lines = vec![Line::styled(header, view.theme.muted)];
    lines.extend(state.users[window.range()].iter().enumerate().map(|(offset, user)| {
        let status = match (user.active, user.status) {
            (true, _) | (false, AccountStatus::Active) => Text::Active.get(app.lang),
            (false, AccountStatus::Disabled) => Text::Disabled.get(app.lang),
            // Too many failed sign-ins: `d` enables the account again (the CLI's `user enable`).
            (false, AccountStatus::LockedOut) => Text::AdminLockedOut.get(app.lang),
        };
        let line = Line::from(vec![
            Span::raw(format!("{} ", cell(&clean(&user.name), 16))),
            Span::raw(format!("{} ", cell(&clean(&user.display_name), 24))),
            Span::styled(format!("{} ", cell(&clean(&user.role), 10)), view.theme.title),
            Span::styled(status, if user.active { view.theme.ok } else { view.theme.warning }),
        ]);
        if window.first + offset == state.selected { view.theme.selected_line(line) } else { line }
    }));
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some(marker) = window.marker(app.lang) {
        draw_position_marker(frame, area, marker, view.theme);
    }
    let cursor = inner.y + 1 + (state.selected.saturating_sub(window.first) as u16).min(inner.height.saturating_sub(2));
    frame.set_cursor_position((inner.x, cursor));
}

#[cfg(test)]
mod tests {
    use crate::instrument::Lang;
    use crate::store::AccountStatus;
    use crate::store::audit::Outcome;
    use crate::tui::app::{Action, App, Effect, Screen, update};
    use crate::tui::backend::{AuditCheck, AuditRow, Session, UserRow};
    use crate::tui::view::test_support::{care, library, render};

    fn admin(lang: Lang) -> App {
        let mut app = crate::tui::demo::signed_in(lang);
        let effects = update(
            &mut app,
            Action::LoggedIn(Ok(Session { user: "root".into(), role: crate::auth::Role::Admin, password_reset: None })),
            library(),
            care(),
            "2026-11-25",
        );
        assert_eq!(
            effects,
            vec![Effect::LoadUsers, Effect::LoadOrganisation],
            "admins land on administration, not the clinical queue"
        );
        let users = vec![
            UserRow {
                name: "root".into(),
                display_name: "Site admin".into(),
                role: "admin".into(),
                active: true,
                status: AccountStatus::Active,
            },
            UserRow {
                name: "amira".into(),
                display_name: "Amira Haddad".into(),
                role: "intake".into(),
                active: true,
                status: AccountStatus::Active,
            },
            UserRow {
                name: "lee".into(),
                display_name: "Dr Lee".into(),
                role: "clinician".into(),
                active: false,
                status: AccountStatus::Disabled,
            },
            UserRow {
                name: "sam".into(),
                display_name: "Sam Okafor".into(),
                role: "intake".into(),
                active: false,
                status: AccountStatus::LockedOut,
            },
        ];
        update(&mut app, Action::UsersLoaded(Ok(users)), library(), care(), "2026-11-25");
        app
    }

    #[test]
    fn a_long_user_list_scrolls_with_the_selection_and_says_where_it_is() {
        let mut app = admin(Lang::En);
        let users = (0..50)
            .map(|n| UserRow {
                name: format!("worker{n:02}"),
                display_name: format!("Worker {n:02}"),
                role: "intake".into(),
                active: true,
                status: crate::store::AccountStatus::Active,
            })
            .collect();
        update(&mut app, Action::UsersLoaded(Ok(users)), library(), care(), "2026-11-25");
        for _ in 0..40 {
            update(&mut app, Action::Down, library(), care(), "2026-11-25");
        }
        let screen = render(&app, 80, 24);
        assert!(screen.contains("worker40") && !screen.contains("worker00"), "{screen}");
        assert!(screen.contains("–41 of 50"), "{screen}");
        let effects = update(&mut app, Action::Letter('d'), library(), care(), "2026-11-25");
        assert_eq!(effects, vec![Effect::SetUserActive { name: "worker40".into(), active: false }]);
    }

    fn row(seq: u64, user: &str, action: &str, outcome: Outcome) -> AuditRow {
        AuditRow {
            seq,
            time: "2026-11-25T09:00:00".into(),
            user: user.into(),
            role: "intake".into(),
            origin: "ssh:10.0.0.5:52000".into(),
            action: action.into(),
            record: String::new(),
            outcome,
        }
    }

    /// Issue 16, item 6: an administrator alone is told that the account cannot run intakes,
    /// and how to add one that can.
    #[test]
    fn an_administrator_alone_is_told_how_to_add_a_clinician() {
        let mut app = admin(Lang::En);
        if let Screen::Admin(state) = &mut app.screen {
            state.users.retain(|user| user.role == "admin");
        }
        let screen = render(&app, 80, 24);
        assert!(screen.contains("triage user add --role clinician NAME"), "{screen}");
        insta::assert_snapshot!("admin_alone_80x24", screen);
        let french = render(&App { lang: Lang::Fr, ..app }, 80, 24);
        assert!(french.contains("--role clinician NOM"), "{french}");
        insta::assert_snapshot!("admin_alone_80x24_fr", french);
    }

    #[test]
    fn users_screen_and_toggling_an_account() {
        let mut app = admin(Lang::En);
        insta::assert_snapshot!("admin_users_80x24", render(&app, 80, 24));
        insta::assert_snapshot!("admin_users_120x40_fr", render(&App { lang: Lang::Fr, ..app.clone() }, 120, 40));
        insta::assert_snapshot!("admin_users_80x24_fr", render(&App { lang: Lang::Fr, ..app.clone() }, 80, 24));
        update(&mut app, Action::Down, library(), care(), "2026-11-25");
        let effects = update(&mut app, Action::Letter('d'), library(), care(), "2026-11-25");
        assert_eq!(effects, vec![Effect::SetUserActive { name: "amira".into(), active: false }]);
        // The help lists every task's key, and fits at 80x24.
        let help = render(&App { help: true, ..app.clone() }, 80, 24);
        for key in
            ["check-in code", "check a backup", "kiosk PIN", "settings", "instruments check", "Press any key to close"]
        {
            assert!(help.contains(key), "{key} missing from the help:\n{help}");
        }
        insta::assert_snapshot!("admin_users_help_80x24", help);
        // A locked-out account is unlocked the same way.
        assert!(render(&app, 80, 24).contains("locked out: d unlocks"));
        update(&mut app, Action::Down, library(), care(), "2026-11-25");
        update(&mut app, Action::Down, library(), care(), "2026-11-25");
        let effects = update(&mut app, Action::Letter('d'), library(), care(), "2026-11-25");
        assert_eq!(effects, vec![Effect::SetUserActive { name: "sam".into(), active: true }]);
    }

    #[test]
    fn new_user_form_validates() {
        let mut app = admin(Lang::En);
        update(&mut app, Action::Letter('n'), library(), care(), "2026-11-25");
        for c in "sam".chars() {
            update(&mut app, Action::Input(c), library(), care(), "2026-11-25");
        }
        update(&mut app, Action::NextField, library(), care(), "2026-11-25");
        update(&mut app, Action::NextField, library(), care(), "2026-11-25");
        update(&mut app, Action::ClearField, library(), care(), "2026-11-25");
        for c in "nurse".chars() {
            update(&mut app, Action::Input(c), library(), care(), "2026-11-25");
        }
        assert!(update(&mut app, Action::Submit, library(), care(), "2026-11-25").is_empty());
        insta::assert_snapshot!("admin_new_user_errors_80x24", render(&app, 80, 24));
        let Screen::Admin(state) = &mut app.screen else { panic!() };
        let form = state.new_user.as_mut().unwrap();
        form.fields[2].value = zeroize::Zeroizing::new("clinician".into());
        form.fields[3].value = zeroize::Zeroizing::new("a long enough password".into());
        form.fields[4].value = zeroize::Zeroizing::new("a long enough password".into());
        let effects = update(&mut app, Action::Submit, library(), care(), "2026-11-25");
        assert!(
            matches!(&effects[..], [Effect::AddUser { name, role, display_name, .. }] if name == "sam" && role == "clinician" && display_name == "sam")
        );
    }

    #[test]
    fn audit_view_filters_and_reports_the_chain() {
        let mut app = admin(Lang::En);
        assert_eq!(update(&mut app, Action::Letter('a'), library(), care(), "2026-11-25"), vec![Effect::LoadAudit]);
        let entries = vec![
            row(3, "amira", "encounter.read", Outcome::Allowed),
            row(2, "lee", "login.failed", Outcome::Denied),
            row(1, "root", "account.create", Outcome::Allowed),
        ];
        update(&mut app, Action::AuditLoaded(Ok(entries)), library(), care(), "2026-11-25");
        update(
            &mut app,
            Action::AuditChecked(Ok(AuditCheck { entries: 3, first_bad: None })),
            library(),
            care(),
            "2026-11-25",
        );
        insta::assert_snapshot!("admin_audit_80x24", render(&app, 80, 24));
        // The outcome is worded in French, not shown as the log's English name.
        let french = render(&App { lang: Lang::Fr, ..app.clone() }, 80, 24);
        assert!(french.contains("autorisé") && french.contains("refusé"), "{french}");
        assert!(!french.contains("allowed") && !french.contains("denied"), "{french}");
        insta::assert_snapshot!("admin_audit_80x24_fr", french);
        update(&mut app, Action::Letter('/'), library(), care(), "2026-11-25");
        for c in "login".chars() {
            update(&mut app, Action::Input(c), library(), care(), "2026-11-25");
        }
        let screen = render(&app, 120, 40);
        assert!(screen.contains("login.failed") && !screen.contains("encounter.read"));
        insta::assert_snapshot!("admin_audit_filtered_120x40", screen);
        update(
            &mut app,
            Action::AuditChecked(Ok(AuditCheck { entries: 3, first_bad: Some((2, "hash mismatch".into())) })),
            library(),
            care(),
            "2026-11-25",
        );
        assert!(render(&app, 80, 24).contains("AUDIT CHAIN BROKEN at #2"));
    }
}
