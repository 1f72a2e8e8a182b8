//! The administration tasks (`admin_ops`): the store's lock status, kiosk check-in codes,
//! backup, export, the organisation's settings, and the resource catalog and questionnaire checks. Each shows what it does and
//! the command that does the same, its form, then its result.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::instrument::Library;
use crate::tui::admin_ops::{Findings, Job, Outcome, Severity, Stage, Tool, ToolKind, setting_label};
use crate::tui::app::{Action, AdminState, App, Screen};
use crate::tui::backend::{CheckinRow, IssuedCode, OwnerInfo};
use crate::tui::form::{self, FormCmd};
use crate::tui::keys::{self, Binding, Entry, Key, bind};
use crate::tui::list_window::Window;
use crate::tui::view::{View, body_block, clean, draw_form, draw_position_marker};
use crate::ui::paragraph::FastParagraph;
use crate::ui::strings::{Text, fill};
use crate::ui::theme::Theme;

/// What a key does in a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    Form(FormCmd),
    Again,
    Edit,
    Move,
    Revoke,
    Confirm,
    Keep,
    Leave,
}

/// The task in front, if any.
fn tool(app: &App) -> Option<&Tool> {
    match &app.screen {
        Screen::Admin(state) => state.tool.as_ref(),
        _ => None,
    }
}

fn kind_is(app: &App, kinds: &[ToolKind]) -> bool {
    tool(app).is_some_and(|t| kinds.contains(&t.kind))
}

fn has_codes(app: &App, _: &Library) -> bool {
    tool(app).and_then(|t| t.codes.as_ref()).is_some_and(|codes| !codes.is_empty())
}

/// A result on screen (status, backup, export, PIN, checks).
const DONE_KEYS: &[Binding<Cmd>] = &[
    bind(&[Key::Enter, Key::Letter('e')], Cmd::Edit, Text::KeyEdit).when(|app, _| !kind_is(app, &[ToolKind::Status])),
    bind(&[Key::Letter('r')], Cmd::Again, Text::KeyRefresh).when(|app, _| kind_is(app, &[ToolKind::Status])),
    bind(&[Key::Letter('r')], Cmd::Again, Text::KeyRunAgain).when(|app, _| !kind_is(app, &[ToolKind::Status])),
    bind(&[Key::Arrows], Cmd::Move, Text::KeyMove)
        .when(|app, _| kind_is(app, &[ToolKind::Resources, ToolKind::Instruments])),
    bind(&[Key::Back], Cmd::Leave, Text::KeyBack),
];

/// The settings, read from the owner.
const SETTINGS_KEYS: &[Binding<Cmd>] = &[
    bind(&[Key::Enter, Key::Letter('e')], Cmd::Edit, Text::KeyChange),
    bind(&[Key::Letter('r')], Cmd::Again, Text::KeyReload),
    bind(&[Key::Back], Cmd::Leave, Text::KeyBack),
];

/// The check-in codes: issue another, select, revoke (after `y`), read the list again.
const CHECKIN_KEYS: &[Binding<Cmd>] = &[
    bind(&[Key::Enter, Key::Letter('e')], Cmd::Edit, Text::KeyAnotherCode),
    bind(&[Key::Arrows], Cmd::Move, Text::KeyMove).when(has_codes),
    bind(&[Key::Letter('x')], Cmd::Revoke, Text::KeyRevoke).when(has_codes),
    bind(&[Key::Letter('r')], Cmd::Again, Text::KeyReload),
    bind(&[Key::Back], Cmd::Leave, Text::KeyBack),
];

const CONFIRM_KEYS: &[Binding<Cmd>] = &[
    bind(&[Key::Letter('y')], Cmd::Confirm, Text::KeyRevoke),
    bind(&[Key::Letter('n'), Key::Back, Key::Enter], Cmd::Keep, Text::KeyKeepCode),
];

fn table(tool: &Tool) -> &'static [Binding<Cmd>] {
    match &tool.stage {
        Stage::Editing | Stage::Queued(_) | Stage::Working => &[],
        Stage::Done(_) | Stage::Failed(_) => match tool.kind {
            ToolKind::Checkin if tool.confirm.is_some() => CONFIRM_KEYS,
            ToolKind::Checkin => CHECKIN_KEYS,
            ToolKind::Settings => SETTINGS_KEYS,
            _ => DONE_KEYS,
        },
    }
}

/// The keys of the task in front (its form's after Enter, while it is open).
pub fn entries(app: &App, tool: &Tool, library: &Library) -> Vec<Entry> {
    match tool.stage {
        Stage::Editing => keys::entries(form::KEYS, app, library),
        _ => keys::entries(table(tool), app, library),
    }
}

/// What `action` does in the task in front, if it does anything.
pub fn command(app: &App, tool: &Tool, action: &Action, library: &Library) -> Option<Cmd> {
    match tool.stage {
        Stage::Editing => keys::lookup(form::KEYS, app, library, action).map(Cmd::Form),
        _ => keys::lookup(table(tool), app, library, action),
    }
}

/// Does `command` in the task; true when it is left.
pub fn run(tool: &mut Tool, command: Cmd, action: &Action) -> bool {
    match command {
        Cmd::Form(FormCmd::Back) | Cmd::Leave => return true,
        Cmd::Form(FormCmd::Submit) => {
            if let Some(job) = tool.job() {
                tool.stage = Stage::Queued(job);
            }
        }
        Cmd::Form(FormCmd::Edit) => {
            tool.form.edit(action);
        }
        Cmd::Move => {
            let count = match (&tool.stage, &tool.codes) {
                (_, Some(codes)) if tool.kind == ToolKind::Checkin => codes.len(),
                (Stage::Done(outcome), _) => match outcome.as_ref() {
                    Outcome::Resources(findings) | Outcome::Instruments(findings) => findings.lines().len(),
                    _ => 0,
                },
                _ => 0,
            };
            let position = if tool.kind == ToolKind::Checkin { &mut tool.selected } else { &mut tool.scroll };
            *position = if *action == Action::Up {
                position.saturating_sub(1)
            } else {
                (*position + 1).min(count.saturating_sub(1))
            };
        }
        Cmd::Revoke => {
            tool.confirm = tool.codes.as_ref().and_then(|codes| codes.get(tool.selected)).map(|c| c.reference.clone());
        }
        Cmd::Confirm => {
            if let Some(reference) = tool.confirm.take() {
                tool.stage = Stage::Queued(Job::RevokeCheckin { reference });
            }
        }
        Cmd::Keep => tool.confirm = None,
        Cmd::Edit => tool.stage = Stage::Editing,
        // The settings and the codes are read again from the owner; the others run again.
        Cmd::Again => {
            tool.scroll = 0;
            tool.stage = match tool.kind {
                ToolKind::Settings => Stage::Queued(Job::LoadSettings),
                ToolKind::Checkin => Stage::Queued(Job::ListCheckins),
                _ => tool.job().map_or(Stage::Editing, Stage::Queued),
            };
        }
    }
    false
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, state: &AdminState, tool: &Tool, view: &View) {
    let lang = app.lang;
    let theme = view.theme;
    let block = body_block(tool.kind.title().get(lang), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let intro = Paragraph::new(tool.kind.intro().get(lang)).style(theme.muted).wrap(Wrap { trim: true });
    let intro_height = (intro.line_count(inner.width) as u16).min(inner.height);
    frame.render_widget(intro, Rect { height: intro_height, ..inner });
    let top = (intro_height + 1).min(inner.height);
    let rest = Rect { y: inner.y + top, height: inner.height - top, ..inner };

    let mut lines: Vec<Line> = Vec::new();
    let mut marker = None;
    match &tool.stage {
        Stage::Editing => {
            draw_editing(frame, rest, app, state, tool, theme);
            return;
        }
        Stage::Queued(_) | Stage::Working => {
            lines.push(Line::styled(Text::AdminWorking.get(lang), theme.title));
            if let Some(done) = tool.progress {
                lines.push(Line::raw(fill(Text::AdminExporting, lang, &[("n", done.to_string())])));
            }
        }
        Stage::Failed(message) => {
            lines.push(Line::styled(Text::AdminFailed.get(lang), theme.critical));
            lines.push(Line::styled(clean(&message.render(lang)), theme.warning));
        }
        Stage::Done(outcome) => done_lines(outcome, rest, (app, state, tool, theme), &mut lines, &mut marker),
    }
    if tool.kind == ToolKind::Checkin && !lines.is_empty() {
        lines.push(Line::raw(""));
    }
    if tool.kind == ToolKind::Checkin {
        let room = usize::from(rest.height).saturating_sub(lines.len());
        lines.extend(outstanding_lines(tool, room, app, theme));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), rest);
    if let Some(marker) = marker {
        draw_position_marker(frame, area, marker, theme);
    }
}

/// The task's form, with the codes issued here below it (check-in) or the crisis texts in full
/// (settings).
fn draw_editing(frame: &mut Frame, rest: Rect, app: &App, state: &AdminState, tool: &Tool, theme: &Theme) {
    let lang = app.lang;
    let used = draw_form(frame, rest, lang, &tool.form, theme);
    let below = (used + 1).min(rest.height);
    let area = Rect { y: rest.y + below, height: rest.height - below, ..rest };
    if tool.kind == ToolKind::Checkin {
        frame.render_widget(Paragraph::new(issued_lines(&state.issued, app, theme)), area);
    }
    if tool.kind == ToolKind::Settings {
        // The crisis texts in full, as the crisis screens will show them (a field shows
        // one line).
        let mut preview = Vec::new();
        for (label, index) in [(Text::AdminFieldCrisisText, 2), (Text::AdminFieldCrisisTextFr, 3)] {
            preview.push(Line::styled(label.get(lang), theme.muted));
            for line in tool.form.value(index).lines() {
                preview.push(Line::raw(format!("  {}", clean(line))));
            }
        }
        frame.render_widget(FastParagraph::new(preview).wrap(Wrap { trim: false }), area);
    }
}

/// What a finished task says, after `lines`; a scrolled list's marker into `marker`.
fn done_lines<'a>(
    outcome: &'a Outcome,
    rest: Rect,
    (app, state, tool, theme): (&App, &'a AdminState, &Tool, &Theme),
    lines: &mut Vec<Line<'a>>,
    marker: &mut Option<String>,
) {
    let lang = app.lang;
    match outcome {
        Outcome::Status(status) => lines.extend(status_lines(status, app, theme)),
        Outcome::Checkin(code) => {
            lines.push(Line::from(vec![
                Span::raw(format!("{} ", Text::AdminCheckinCode.get(lang))),
                Span::styled(clean(&code.code), theme.title),
            ]));
            lines.push(Line::raw(fill(Text::AdminValidUntil, lang, &[("time", short_time(&code.expires, app))])));
            if let Some(client) = &code.client {
                lines.push(Line::raw(format!("{} {}", Text::AdminForClient.get(lang), clean(client))));
            }
            lines.push(Line::raw(""));
            // The code just issued is above; the list holds the earlier ones.
            let earlier = &state.issued[..state.issued.len().saturating_sub(1)];
            lines.extend(issued_lines(earlier, app, theme));
        }
        // The outstanding list below is the result.
        Outcome::Checkins(_) => {}
        Outcome::CheckinRevoked(reference) => {
            lines.push(Line::styled(fill(Text::AdminRevoked, lang, &[("ref", clean(reference))]), theme.ok));
        }
        Outcome::Backup(backup) => {
            lines.push(Line::styled(
                format!("{} {}", Text::AdminBackupWritten.get(lang), clean(&backup.path)),
                theme.ok,
            ));
            lines.push(Line::raw(format!(
                "{} {} · sha256 {}",
                backup.entries,
                Text::Entries.get(lang),
                clean(&backup.sha256)
            )));
            lines.extend(left_out(&backup.damaged, app, theme));
        }
        Outcome::BackupVerified(backup) => {
            let intact = backup.damaged.is_empty() && backup.audit_problem.is_none();
            let (verdict, style) =
                if intact { (Text::AdminBackupIntact, theme.ok) } else { (Text::AdminBackupDamaged, theme.critical) };
            lines.push(Line::styled(format!("{} {}", verdict.get(lang), clean(&backup.path)), style));
            let counts = [
                ("entries", backup.entries.to_string()),
                ("records", backup.records_checked.to_string()),
                ("audit", backup.audit_entries.to_string()),
            ];
            lines.push(Line::raw(fill(Text::AdminBackupCounts, lang, &counts)));
            lines.push(Line::raw(format!("sha256 {}", clean(&backup.sha256))));
            if let Some(problem) = &backup.audit_problem {
                lines.push(Line::styled(format!("{} {}", Text::AuditBroken.get(lang), clean(problem)), theme.critical));
            }
            lines.extend(left_out(&backup.damaged, app, theme));
        }
        Outcome::Export(export) => {
            let said = fill(Text::AdminExported, lang, &[("n", export.encounters.to_string())]);
            lines.push(Line::styled(format!("{said} {}", clean(&export.path)), theme.ok));
            if export.encrypted_to > 0 {
                let sealed = fill(Text::AdminExportedEncrypted, lang, &[("n", export.encrypted_to.to_string())]);
                lines.push(Line::styled(sealed, theme.ok));
            }
            lines.extend(left_out(&export.damaged, app, theme));
        }
        Outcome::KioskPinSet => lines.push(Line::styled(Text::AdminPinSet.get(lang), theme.ok)),
        // Loading the settings fills the form; it ends in no result of its own.
        Outcome::SettingsLoaded(_) => {}
        Outcome::SettingsSaved(saved) => {
            if saved.changed.is_empty() {
                lines.push(Line::styled(Text::AdminSettingsUnchanged.get(lang), theme.ok));
            } else {
                lines.push(Line::styled(Text::AdminSettingsSaved.get(lang), theme.ok));
                for name in &saved.changed {
                    let label = setting_label(name).map_or_else(|| clean(name), |text| text.get(lang).to_string());
                    lines.push(Line::raw(format!("  {label}")));
                }
            }
            lines.push(Line::raw(""));
            lines.push(Line::styled(Text::AdminSettingsApplied.get(lang), theme.muted));
        }
        Outcome::Resources(findings) | Outcome::Instruments(findings) => {
            let text = match outcome {
                Outcome::Resources(_) => Text::AdminResourcesSummary,
                _ => Text::AdminInstrumentsSummary,
            };
            let counts = [
                ("n", findings.checked),
                ("errors", findings.errors.len()),
                ("stale", findings.stale.len()),
                ("warnings", findings.warnings.len()),
                ("unavailable", findings.unavailable),
            ];
            let summary = fill(text, lang, &counts.map(|(name, count)| (name, count.to_string())));
            let room = usize::from(rest.height).saturating_sub(lines.len() + 1);
            let (found, window) = findings_lines(summary, findings, tool.scroll, room, app, theme);
            lines.extend(found);
            *marker = window.and_then(|window| window.marker(lang));
        }
    }
}

/// The outstanding codes in `room` lines, the selected one marked and kept in view, and the
/// revocation's question when one waits for `y`.
fn outstanding_lines<'a>(tool: &Tool, room: usize, app: &App, theme: &Theme) -> Vec<Line<'a>> {
    let lang = app.lang;
    let Some(codes) = &tool.codes else { return Vec::new() };
    let mut lines = Vec::new();
    if let Some(reference) = &tool.confirm {
        lines.push(Line::styled(fill(Text::AdminRevokeConfirm, lang, &[("ref", clean(reference))]), theme.warning));
    }
    lines.push(Line::styled(Text::AdminOutstanding.get(lang), theme.muted));
    if codes.is_empty() {
        lines.push(Line::raw(Text::AdminNoOutstanding.get(lang)));
        return lines;
    }
    let rows = room.saturating_sub(lines.len()).max(1);
    let first = tool.selected.saturating_sub(rows - 1);
    for (index, code) in codes.iter().enumerate().skip(first).take(rows) {
        let line = outstanding_row(code, app);
        if index == tool.selected {
            lines.push(Line::styled(format!("▸ {line}"), theme.selected));
        } else {
            lines.push(Line::raw(format!("  {line}")));
        }
    }
    lines
}

fn outstanding_row(code: &CheckinRow, app: &App) -> String {
    let client = if code.for_client { Text::AdminClientYes } else { Text::AdminClientNo };
    let by: String = clean(&code.issued_by).chars().take(16).collect();
    let values = [
        ("ref", clean(&code.reference)),
        ("issued", short_time(&code.issued, app)),
        ("expires", short_time(&code.expires, app)),
        ("client", client.get(app.lang).to_string()),
        ("by", by),
    ];
    fill(Text::AdminOutstandingRow, app.lang, &values)
}

fn status_lines<'a>(status: &OwnerInfo, app: &App, theme: &Theme) -> Vec<Line<'a>> {
    let lang = app.lang;
    let (lock, style) = match (status.initialised, status.unlocked) {
        (false, _) => (Text::AdminNotInitialised, theme.warning),
        (true, true) => (Text::AdminUnlocked, theme.ok),
        (true, false) => (Text::AdminLocked, theme.warning),
    };
    let field = |label: Text, value: String| {
        Line::from(vec![Span::styled(format!("{} ", label.get(lang)), theme.muted), Span::raw(value)])
    };
    let mut lines = vec![
        Line::styled(lock.get(lang), style),
        Line::raw(""),
        field(Text::AdminOrganisation, clean(status.organisation.as_deref().unwrap_or("-"))),
        field(Text::AdminOwnerProcess, format!("{} (triage {})", status.pid, clean(&status.version))),
        field(Text::AdminDataDirectory, clean(&status.data_dir)),
        field(Text::AdminConnections, status.connections.to_string()),
        field(Text::AdminAuditEntries, status.audit_entries.to_string()),
    ];
    if status.insecure_test_kdf {
        lines.push(Line::styled(Text::AdminInsecureKdf.get(lang), theme.critical));
    }
    lines
}

/// `2026-11-25T10:30:00.123Z` as `2026-11-25 10:30` in the organisation's time zone (and as
/// French writes times); anything else as it is.
fn short_time(rfc3339: &str, app: &App) -> String {
    crate::ui::clock::shown(&clean(rfc3339), app.zone(), app.lang)
}

fn issued_lines<'a>(issued: &[IssuedCode], app: &App, theme: &Theme) -> Vec<Line<'a>> {
    if issued.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![Line::styled(Text::AdminIssuedHere.get(app.lang), theme.muted)];
    // Newest first.
    for code in issued.iter().rev() {
        let mut detail = fill(Text::AdminUntil, app.lang, &[("time", short_time(&code.expires, app))]);
        if let Some(client) = &code.client {
            let short: String = clean(client).chars().take(8).collect();
            detail.push_str(&format!(" · {} {short}…", Text::AdminForClient.get(app.lang)));
        }
        lines
            .push(Line::from(vec![Span::styled(format!("  {}  ", clean(&code.code)), theme.title), Span::raw(detail)]));
    }
    lines
}

fn left_out<'a>(damaged: &[String], app: &App, theme: &Theme) -> Vec<Line<'a>> {
    if damaged.is_empty() {
        return Vec::new();
    }
    let list: Vec<String> = damaged.iter().map(|d| clean(d)).collect();
    vec![Line::styled(format!("{} {}", Text::AdminLeftOut.get(app.lang), list.join(", ")), theme.warning)]
}

/// The checks' summary and the findings that fit in `room` rows from `scroll`, with the window
/// they are (the list scrolls and says where it is, as every list does).
fn findings_lines<'a>(
    summary: String,
    findings: &Findings,
    scroll: usize,
    room: usize,
    app: &App,
    theme: &Theme,
) -> (Vec<Line<'a>>, Option<Window>) {
    let all = findings.lines();
    let style = if findings.errors.is_empty() { theme.ok } else { theme.critical };
    let mut lines = vec![Line::styled(summary, style)];
    if all.is_empty() {
        lines.push(Line::styled(Text::AdminNoProblems.get(app.lang), theme.ok));
        return (lines, None);
    }
    let window = Window::from(all.len(), scroll, room);
    for &(severity, text) in &all[window.range()] {
        let (label, label_style): (Text, Style) = match severity {
            Severity::Error => (Text::AdminError, theme.critical),
            Severity::Stale => (Text::AdminStale, theme.warning),
            Severity::Warning => (Text::AdminWarning, theme.warning),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", label.get(app.lang)), label_style),
            Span::raw(clean(text)),
        ]));
    }
    (lines, Some(window))
}

#[cfg(test)]
mod tests {
    use crate::instrument::Lang;
    use crate::tui::admin_ops::{AdminMsg, Findings, Outcome};
    use crate::tui::app::{Action, App, update};
    use crate::tui::backend::{BackupInfo, CheckinRow, ExportInfo, IssuedCode, OwnerInfo, Session};
    use crate::tui::view::test_support::{care, library, render};

    fn act(app: &mut App, action: Action) {
        update(app, action, library(), care(), "2026-11-25");
    }

    /// Signed in as an admin with the task of `letter` open; `reply` answers its job if given.
    fn task(letter: char, reply: Option<Result<Outcome, crate::tui::backend::BackendError>>) -> App {
        let mut app = crate::tui::demo::signed_in(Lang::En);
        act(
            &mut app,
            Action::LoggedIn(Ok(Session { user: "root".into(), role: crate::auth::Role::Admin, password_reset: None })),
        );
        act(&mut app, Action::Letter(letter));
        if let Some(reply) = reply {
            act(&mut app, Action::Submit);
            act(&mut app, Action::Admin(AdminMsg::Run));
            act(&mut app, Action::Admin(AdminMsg::Done(reply)));
        }
        app
    }

    fn both(name: &str, app: &App) {
        insta::assert_snapshot!(format!("{name}_80x24"), render(app, 80, 24));
        insta::assert_snapshot!(format!("{name}_120x40_fr"), render(&App { lang: Lang::Fr, ..app.clone() }, 120, 40));
        insta::assert_snapshot!(format!("{name}_80x24_fr"), render(&App { lang: Lang::Fr, ..app.clone() }, 80, 24));
    }

    fn status(unlocked: bool) -> OwnerInfo {
        OwnerInfo {
            pid: 4242,
            data_dir: "/var/lib/triage".into(),
            version: "0.1.0".into(),
            connections: 3,
            initialised: true,
            unlocked,
            organisation: Some("Harbour Community Health".into()),
            audit_entries: 1234,
            insecure_test_kdf: false,
        }
    }

    #[test]
    fn store_status_shows_the_lock() {
        let mut app = task('o', None);
        assert!(render(&app, 80, 24).contains("Working"));
        act(&mut app, Action::Admin(AdminMsg::Run));
        act(&mut app, Action::Admin(AdminMsg::Done(Ok(Outcome::Status(status(true))))));
        let screen = render(&app, 80, 24);
        assert!(screen.contains("Store: UNLOCKED") && screen.contains("4242"), "{screen}");
        both("admin_status", &app);
        act(&mut app, Action::Letter('r'));
        act(&mut app, Action::Admin(AdminMsg::Run));
        act(&mut app, Action::Admin(AdminMsg::Done(Ok(Outcome::Status(status(false))))));
        assert!(render(&app, 80, 24).contains("Store: LOCKED"));
    }

    fn outstanding() -> Vec<CheckinRow> {
        let row = |reference: &str, hour: u32, by: &str, for_client: bool| CheckinRow {
            reference: reference.into(),
            issued: format!("2026-11-25T{hour:02}:05:00.120Z"),
            expires: format!("2026-11-25T{:02}:05:00.120Z", hour + 1),
            issued_by: by.into(),
            for_client,
        };
        vec![row("3f9a0c1e", 9, "ivy", true), row("b07d22aa", 10, "root", false)]
    }

    #[test]
    fn checkin_lists_outstanding_codes_and_asks_before_revoking() {
        let mut app = task('c', None);
        assert!(render(&app, 80, 24).contains("Working"), "the list is read when the task opens");
        act(&mut app, Action::Admin(AdminMsg::Run));
        act(&mut app, Action::Admin(AdminMsg::Done(Ok(Outcome::Checkins(outstanding())))));
        let screen = render(&app, 80, 24);
        assert!(screen.contains("▸ 3f9a0c1e  2026-11-25 05:05 → 2026-11-25 06:05  client: yes  by ivy"), "{screen}");
        assert!(screen.contains("  b07d22aa  2026-11-25 06:05 → 2026-11-25 07:05  client: no  by root"));
        both("admin_checkin_list", &app);
        act(&mut app, Action::Down);
        act(&mut app, Action::Letter('x'));
        let screen = render(&app, 80, 24);
        assert!(screen.contains("Revoke code b07d22aa?") && screen.contains("▸ b07d22aa"), "{screen}");
        both("admin_checkin_revoke", &app);
        act(&mut app, Action::Letter('y'));
        act(&mut app, Action::Admin(AdminMsg::Run));
        act(&mut app, Action::Admin(AdminMsg::Done(Ok(Outcome::CheckinRevoked("b07d22aa".into())))));
        act(&mut app, Action::Admin(AdminMsg::Done(Ok(Outcome::Checkins(outstanding()[..1].to_vec())))));
        let screen = render(&app, 80, 24);
        assert!(screen.contains("Code b07d22aa revoked") && screen.contains("▸ 3f9a0c1e"), "{screen}");
        assert!(!screen.contains("b07d22aa  2026"), "{screen}");
        act(&mut app, Action::Admin(AdminMsg::Done(Ok(Outcome::Checkins(Vec::new())))));
        both("admin_checkin_none", &app);
    }

    #[test]
    fn checkin_form_and_issued_code() {
        let mut app = task('c', None);
        act(&mut app, Action::Admin(AdminMsg::Run));
        act(&mut app, Action::Admin(AdminMsg::Done(Ok(Outcome::Checkins(Vec::new())))));
        act(&mut app, Action::Submit);
        both("admin_checkin_form", &app);
        let code = IssuedCode {
            code: "K7MX-4QRT".into(),
            expires: "2026-11-25T10:30:00Z".into(),
            client: Some("0123456789abcdef0123456789abcdef".into()),
        };
        let app = task('c', Some(Ok(Outcome::Checkin(code))));
        let screen = render(&app, 80, 24);
        assert!(screen.contains("Check-in code: K7MX-4QRT") && screen.contains("valid until 2026-11-25 06:30"));
        assert!(!screen.contains("Codes issued here"), "the first code is not listed twice");
        // A second code: the first moves to the list of codes issued here.
        let mut app = app;
        act(&mut app, Action::Submit);
        let form = render(&app, 80, 24);
        assert!(form.contains("Codes issued here") && form.contains("K7MX-4QRT  until 2026-11-25 06:30"));
        act(&mut app, Action::Submit);
        act(&mut app, Action::Admin(AdminMsg::Run));
        let second = IssuedCode { code: "AAAA-CCCC".into(), expires: "2026-11-25T11:00:00.250Z".into(), client: None };
        act(&mut app, Action::Admin(AdminMsg::Done(Ok(Outcome::Checkin(second)))));
        act(&mut app, Action::Admin(AdminMsg::Done(Ok(Outcome::Checkins(outstanding())))));
        both("admin_checkin_issued", &app);
    }

    #[test]
    fn backup_and_export_results() {
        let backup = BackupInfo {
            path: "/srv/backup/triage-2026-11-25.tbk".into(),
            entries: 5120,
            records_checked: 4800,
            sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
            damaged: vec![],
            audit_entries: 310,
            audit_problem: None,
        };
        both("admin_backup_done", &task('b', Some(Ok(Outcome::Backup(backup.clone())))));
        // Checking a backup: intact, or what is wrong with it.
        both("admin_backup_verified", &task('v', Some(Ok(Outcome::BackupVerified(backup.clone())))));
        let broken = BackupInfo {
            damaged: vec!["encounter 77aa".into()],
            audit_problem: Some("entry 12: hash mismatch".into()),
            ..backup
        };
        let screen = render(&task('v', Some(Ok(Outcome::BackupVerified(broken)))), 80, 24);
        assert!(screen.contains("BACKUP DAMAGED:") && screen.contains("AUDIT CHAIN BROKEN at entry 12"), "{screen}");
        assert!(screen.contains("Unreadable records left out: encounter 77aa"));
        both("admin_export_form", &task('e', None));
        // No reason and a bad key: each said after its field, short enough for 80 columns.
        let mut refused = task('e', None);
        act(&mut refused, Action::NextField);
        for c in "all.jsonl".chars() {
            act(&mut refused, Action::Input(c));
        }
        act(&mut refused, Action::NextField);
        act(&mut refused, Action::NextField);
        for c in "age1nope".chars() {
            act(&mut refused, Action::Input(c));
        }
        act(&mut refused, Action::Submit);
        let screen = render(&refused, 80, 24);
        assert!(screen.contains("(required: say why)") && screen.contains("(not an age1… public key)"), "{screen}");
        both("admin_export_refused", &refused);
        let export = ExportInfo {
            path: "/srv/export/all.jsonl".into(),
            encounters: 812,
            damaged: vec!["encounter 3f2a".into()],
            encrypted_to: 2,
        };
        // While it runs, the count of encounters written so far.
        let mut running = task('e', None);
        act(&mut running, Action::NextField);
        for c in "all.jsonl".chars() {
            act(&mut running, Action::Input(c));
        }
        act(&mut running, Action::NextField);
        for c in "transfer to the regional service".chars() {
            act(&mut running, Action::Input(c));
        }
        act(&mut running, Action::Submit);
        act(&mut running, Action::Admin(AdminMsg::Run));
        act(&mut running, Action::Admin(AdminMsg::Progress(41_500)));
        both("admin_export_running", &running);
        assert!(render(&running, 80, 24).contains("41500 encounters written so far."));
        let screen = render(&task('e', Some(Ok(Outcome::Export(export)))), 80, 24);
        assert!(screen.contains("Exported 812 encounters to /srv/export/all.jsonl"), "{screen}");
        assert!(screen.contains("Unreadable records left out: encounter 3f2a"));
        assert!(screen.contains("Encrypted with age to 2 public key(s)"), "{screen}");
        let pin = task('p', None);
        assert!(render(&pin, 80, 24).contains("New kiosk exit PIN"));
        both("admin_kiosk_pin_form", &pin);
        let exists = crate::tui::backend::BackendError::new(
            crate::tui::backend::ErrorKind::FileExists,
            "/srv/x already exists: choose a new file name",
        )
        .with_detail("/srv/x\u{1b}[2J");
        let failed = task('e', Some(Err(exists)));
        let screen = render(&failed, 80, 24);
        assert!(screen.contains("It did not work:") && screen.contains("already exists") && !screen.contains('\u{1b}'));
        insta::assert_snapshot!("admin_export_failed_80x24", screen);
    }

    #[test]
    fn settings_form_and_saved() {
        let settings = crate::store::Settings {
            staff_idle_lock_minutes: 15,
            kiosk_timeout_seconds: 120,
            crisis_text: "Stay with the client.\nCall the on-call clinician at extension 200.".into(),
            crisis_text_fr: Some("Restez avec la personne.\nAppelez le clinicien de garde au poste 200.".into()),
            asq_mode: Default::default(),
            contact_phone: None,
            summary_dir: None,
            time_zone: None,
        };
        let mut app = task('g', None);
        assert!(render(&app, 80, 24).contains("Working"), "the current settings are fetched first");
        act(&mut app, Action::Admin(AdminMsg::Run));
        act(&mut app, Action::Admin(AdminMsg::Done(Ok(Outcome::SettingsLoaded(settings.clone())))));
        let screen = render(&app, 80, 24);
        assert!(screen.contains("Staff idle lock (minutes, 1 to 240)") && screen.contains("> 15"), "{screen}");
        assert!(screen.contains("  Call the on-call clinician at extension 200."), "the text in full\n{screen}");
        both("admin_settings_form", &app);
        // A refused value is marked on its field.
        act(&mut app, Action::ClearField);
        act(&mut app, Action::Submit);
        assert!(render(&app, 80, 24).contains("(a whole number from 1 to 240)"));
        act(&mut app, Action::Input('9'));
        act(&mut app, Action::Submit);
        act(&mut app, Action::Admin(AdminMsg::Run));
        let saved = crate::store::SettingsUpdated {
            changed: vec!["staff_idle_lock_minutes".into(), "crisis_text_fr".into()],
            settings: crate::store::Settings { staff_idle_lock_minutes: 9, ..settings },
        };
        act(&mut app, Action::Admin(AdminMsg::Done(Ok(Outcome::SettingsSaved(saved)))));
        let screen = render(&app, 80, 24);
        assert!(
            screen.contains("Settings saved. Changed:") && screen.contains("Crisis protocol in French"),
            "{screen}"
        );
        both("admin_settings_saved", &app);
    }

    #[test]
    fn check_findings_are_labelled_and_scroll() {
        let findings = Findings {
            checked: 62,
            errors: vec!["resources/national.toml:14:1: `kids-help` has no name".into()],
            stale: vec!["resources/on.toml:88:1: `connex-on` is stale: last verified 2024-01-10 (685 days ago; limit 365)".into()],
            warnings: vec!["resources/nu.toml:3:1: NU: its only provincial crisis line (nu-kamatsiaqtut) is not known to be 24/7; 988 and 9-1-1 remain the 24/7 options".into()],
            unavailable: 0,
        };
        let mut app = task('k', Some(Ok(Outcome::Resources(findings))));
        let screen = render(&app, 80, 24);
        assert!(screen.contains("62 resources checked: errors 1, stale 1, other warnings 1"), "{screen}");
        assert!(screen.contains("error: resources/national.toml:14:1"));
        both("admin_resources_done", &app);
        // All of them fit: nothing scrolls and no marker is drawn.
        act(&mut app, Action::Down);
        let screen = render(&app, 80, 24);
        assert!(screen.contains("error: resources/national.toml") && !screen.contains(" of 3 "), "{screen}");
        // A long list scrolls by the list rule and says where it is.
        let many = Findings {
            checked: 90,
            warnings: (1..=40).map(|n| format!("resources/on.toml:{n}:1: warning number {n}")).collect(),
            ..Findings::default()
        };
        let mut app = task('k', Some(Ok(Outcome::Resources(many))));
        for _ in 0..5 {
            act(&mut app, Action::Down);
        }
        let screen = render(&app, 80, 24);
        assert!(screen.contains("warning number 6") && !screen.contains("warning number 5 "), "{screen}");
        assert!(screen.contains("6–") && screen.contains(" of 40"), "{screen}");
        both("admin_resources_scrolled", &app);
        let clean = Findings { checked: 13, ..Findings::default() };
        let app = task('i', Some(Ok(Outcome::Instruments(clean))));
        let screen = render(&app, 80, 24);
        assert!(screen.contains("13 files checked: problems 0") && screen.contains("No problems found."));
        both("admin_instruments_done", &app);
    }
}
