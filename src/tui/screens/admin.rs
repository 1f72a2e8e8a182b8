//! Administration (admin role only; the owner enforces it too): users and roles, the audit log
//! with a filter and a chain check, and the tasks of `admin_tools` (store status, check-in codes,
//! backup, export, catalog and questionnaire checks), opened by their letters.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::store::AccountStatus;
use crate::tui::admin_ops::ToolKind;
use crate::tui::app::{AdminState, App};
use crate::tui::view::{View, body_block, clean, draw_form};
use crate::ui::strings::Text;

pub fn keys(state: &AdminState) -> Vec<(&'static str, Text)> {
    if let Some(tool) = &state.tool {
        return super::admin_tools::keys(tool);
    }
    if state.new_user.is_some() {
        return vec![("Enter", Text::KeySubmit), ("Tab", Text::KeyNextField), ("Esc/^B", Text::KeyBack)];
    }
    if let Some(audit) = &state.audit {
        if audit.typing {
            return vec![("Enter", Text::KeySubmit), ("^U", Text::KeyFilter)];
        }
        return vec![("/", Text::KeyFilter), ("v", Text::KeyVerify), ("↑↓", Text::KeyMove), ("u", Text::KeyUsers)];
    }
    let mut keys = vec![
        ("n", Text::KeyNewUser),
        ("d", Text::KeyDisable),
        ("a", Text::KeyAudit),
        ("s", Text::KeyReport),
        ("↑↓", Text::KeyMove),
    ];
    keys.extend(ToolKind::ALL.map(|kind| (kind.key(), kind.key_label())));
    keys
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
        let block = body_block(Text::AuditTitle.get(app.lang), view.theme);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let mut lines = vec![Line::from(vec![
            Span::raw(format!("{} ", Text::AuditFilterPrompt.get(app.lang))),
            Span::styled(clean(&audit.filter), view.theme.input),
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
        let room = usize::from(inner.height).saturating_sub(lines.len());
        for entry in visible.iter().skip(audit.scroll).take(room) {
            let allowed = entry.outcome == crate::store::audit::Outcome::Allowed;
            let outcome_style = if allowed { view.theme.muted } else { view.theme.warning };
            lines.push(Line::from(vec![
                Span::styled(format!("{:>6} ", entry.seq), view.theme.muted),
                Span::raw(format!("{} ", entry.time.chars().take(19).collect::<String>())),
                Span::styled(format!("{:<10} ", clean(&entry.user)), view.theme.title),
                Span::raw(format!("{:<22} ", clean(&entry.action))),
                Span::styled(format!("{:<8} ", entry.outcome.as_str()), outcome_style),
                Span::styled(clean(&entry.origin), view.theme.muted),
            ]));
        }
        frame.render_widget(Paragraph::new(lines), inner);
        if audit.typing {
            let x = inner.x
                + (unicode_width::UnicodeWidthStr::width(Text::AuditFilterPrompt.get(app.lang))
                    + 1
                    + unicode_width::UnicodeWidthStr::width(audit.filter.as_str())) as u16;
            frame.set_cursor_position((x.min(inner.right().saturating_sub(1)), inner.y));
        }
        return;
    }
    let block = body_block(Text::AdminTitle.get(app.lang), view.theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // The tasks, by letter, on the last line (the footer has no room for them all).
    let mut tasks = vec![Span::styled(format!("{} ", Text::AdminTools.get(app.lang)), view.theme.muted)];
    for kind in ToolKind::ALL {
        tasks.push(Span::styled(kind.key(), view.theme.key));
        tasks.push(Span::raw(format!(" {}  ", kind.key_label().get(app.lang))));
    }
    let tasks = Paragraph::new(Line::from(tasks)).wrap(Wrap { trim: true });
    let tasks_height = (tasks.line_count(inner.width) as u16).min(inner.height / 2);
    let inner = Rect { height: inner.height - tasks_height, ..inner };
    frame.render_widget(tasks, Rect { y: inner.bottom(), height: tasks_height, ..inner });
    if state.users.is_empty() {
        frame.render_widget(Paragraph::new(Text::NoUsers.get(app.lang)).style(view.theme.muted), inner);
        return;
    }
    let lines: Vec<Line> = state
        .users
        .iter()
        .enumerate()
        .take(usize::from(inner.height))
        .map(|(index, user)| {
            let status = match (user.active, user.status) {
                (true, _) | (false, AccountStatus::Active) => Text::Active.get(app.lang),
                (false, AccountStatus::Disabled) => Text::Disabled.get(app.lang),
                // Too many failed sign-ins: `d` enables the account again (the CLI's `user enable`).
                (false, AccountStatus::LockedOut) => Text::AdminLockedOut.get(app.lang),
            };
            let line = Line::from(vec![
                Span::raw(format!("{:<16} ", clean(&user.name))),
                Span::raw(format!("{:<24} ", clean(&user.display_name))),
                Span::styled(format!("{:<10} ", clean(&user.role)), view.theme.title),
                Span::styled(status, if user.active { view.theme.ok } else { view.theme.warning }),
            ]);
            if index == state.selected { line.style(view.theme.selected) } else { line }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
    frame.set_cursor_position((inner.x, inner.y + (state.selected as u16).min(inner.height.saturating_sub(1))));
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
            Action::LoggedIn(Ok(Session { user: "root".into(), role: "admin".into(), password_reset: None })),
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
