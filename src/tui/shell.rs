//! The imperative shell: the terminal, the event loop, effects performed against the backend,
//! and a clean exit on quit, panic, SIGHUP (SSH disconnect) and SIGTERM. Every answer is saved
//! (flushed by the owner) before it is acknowledged, so an abrupt end loses nothing.

use std::io::{self, IsTerminal};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ratatui::crossterm::event::{self, Event, KeyEventKind};

use super::admin_ops::{self, AdminMsg};
use super::app::{Action, App, Deps, Effect};
use super::backend::Backend;
use super::view::{self, View};
use super::waiting;
use super::worker::{Reply, Worker};
use crate::instrument::{Lang, Library};
use crate::intake::care::Care;
use crate::ui::theme::Theme;

/// How often the idle lock is checked when no key arrives.
const TICK: Duration = Duration::from_millis(500);
/// How often the replies are looked at and the spinner moves while the owner works.
const BUSY_TICK: Duration = Duration::from_millis(20);

pub struct Options {
    pub theme: Option<String>,
    pub lang: Lang,
    /// Replaces the organisation's idle-lock delay.
    pub idle_lock_seconds: Option<u32>,
    /// The machine's time zone, proposed on the set-up form.
    pub machine_zone: String,
}

pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Today's date (UTC), YYYY-MM-DD.
pub fn today() -> String {
    let days = now_ms() / 86_400_000;
    crate::triage::Date::from_days_from_epoch(days).to_string()
}

/// Performs one effect; returns the reply to feed back into `update`.
pub fn perform(effect: Effect, backend: &mut dyn Backend) -> Option<Action> {
    Some(match effect {
        Effect::CheckSetup => Action::SetupChecked(backend.needs_setup()),
        Effect::Initialize { setup, password } => Action::Initialized(backend.initialize(&setup, &password)),
        Effect::Login { user, password } => Action::LoggedIn(backend.login(&user, &password)),
        Effect::ChangeOwnPassword { password } => Action::PasswordChanged(backend.change_own_password(&password)),
        Effect::LoadHome => Action::HomeLoaded(backend.organisation().and_then(|org| Ok((org, backend.queue()?)))),
        Effect::CheckDuplicates(client) => {
            Action::DuplicatesChecked { found: backend.possible_duplicates(&client), client }
        }
        Effect::CreateClient(client) => Action::ClientCreated(backend.create_client(&client)),
        Effect::UpdateClient(client) => Action::ClientUpdated(backend.update_client(&client)),
        Effect::StartEncounter { client, instruments } => {
            Action::EncounterStarted(backend.start_encounter(&client, &instruments).map(|id| (id, client, instruments)))
        }
        Effect::RecordConsent { encounter, given } => Action::ConsentRecorded(
            backend.record_consent(&encounter, super::app::CONSENT_VERSION, given).map(|()| given),
        ),
        Effect::SaveAnswer { encounter, answer } => Action::Saved(backend.save_answer(&encounter, &answer)),
        Effect::SaveResult { encounter, result, language } => {
            Action::Saved(backend.save_result(&encounter, &result, language))
        }
        Effect::RecordCrisis { encounter, flags, action, note } => {
            Action::CrisisRecorded(backend.record_crisis_action(&encounter, &flags, &action, &note))
        }
        Effect::RaiseFlag { encounter, flags, urgent } => {
            let raised = if urgent { crate::store::CRISIS_URGENT_RAISED } else { crate::store::CRISIS_FLAG_RAISED };
            Action::Saved(backend.record_crisis_action(&encounter, &flags, raised, "").map(|_| ()))
        }
        Effect::SaveDecision { encounter, suggested, reasons, final_level, override_reason, lifted } => {
            Action::DecisionSaved(backend.save_decision(
                &encounter,
                &suggested,
                &reasons,
                &final_level,
                override_reason.as_deref(),
                &lifted,
            ))
        }
        Effect::SaveReferral { encounter, resources } => {
            Action::ReferralSaved(backend.save_referral(&encounter, &resources))
        }
        Effect::WriteSummary { dir, reference, today, text } => {
            Action::SummaryWritten(write_summary(&dir, &reference, &today, &text))
        }
        Effect::OpenEncounter(id) => match backend.hold(&id, false) {
            Ok(Some(open_by)) => Action::HeldElsewhere { encounter: id, open_by },
            Ok(None) => Action::EncounterOpened(backend.open_encounter(&id)),
            Err(error) => Action::EncounterOpened(Err(error)),
        },
        Effect::TakeOver(id) => {
            Action::EncounterOpened(backend.hold(&id, true).and_then(|_| backend.open_encounter(&id)))
        }
        Effect::FinishEncounter { encounter, outcome, reason } => {
            Action::EncounterFinished(backend.finish_encounter(&encounter, outcome, reason.as_deref()))
        }
        Effect::LoadClosed => Action::ClosedLoaded(backend.closed_queue()),
        Effect::ReopenEncounter { encounter, reason } => Action::EncounterOpened(
            backend.reopen_encounter(&encounter, &reason).and_then(|()| backend.open_encounter(&encounter)),
        ),
        Effect::LoadHistory(client) => Action::HistoryLoaded(backend.history(&client)),
        Effect::IssueCheckinFor(client) => Action::CheckinIssued(
            // The 60 minutes `CheckinIssuedFor` tells the worker.
            backend.issue_checkin(crate::store::kiosk::CHECKIN_DEFAULT_MINUTES, Some(&client)),
        ),
        Effect::LoadUsers => Action::UsersLoaded(backend.list_users()),
        Effect::LoadOrganisation => Action::OrgLoaded(backend.organisation()),
        Effect::AddUser { name, display_name, role, password } => {
            Action::UserSaved(backend.add_user(&name, &display_name, &role, &password).map(|()| name))
        }
        Effect::SetUserActive { name, active } => {
            Action::UsersLoaded(backend.set_user_active(&name, active).and_then(|()| backend.list_users()))
        }
        Effect::LoadAudit => Action::AuditLoaded(backend.audit_recent(super::app::AUDIT_VIEW_LIMIT)),
        Effect::VerifyAudit => Action::AuditChecked(backend.audit_verify()),
        Effect::LoadReport => Action::ReportLoaded(backend.service_report()),
        Effect::SearchClients(query) => {
            let found = backend.search_clients(&query);
            Action::ClientsFound { query, found }
        }
        Effect::Admin(job) => Action::Admin(AdminMsg::Done(super::admin_io::perform(job, backend, &mut |_| {}))),
        Effect::Logout => Action::LoggedOut(backend.logout()),
        Effect::LockBackend => {
            backend.lock();
            return None;
        }
        Effect::NameAlert(entry) => {
            let name = backend.client_name_of(&entry);
            Action::AlertNamed { entry, name }
        }
        Effect::Bell => {
            use std::io::Write;
            let mut out = std::io::stdout();
            let _ = out.write_all(b"\x07").and_then(|()| out.flush());
            return None;
        }
        Effect::Quit => return None,
    })
}

/// The most versions of one encounter's summary on one day.
const SUMMARY_VERSIONS: u32 = 999;

/// The referral summary is for the client to take away: plain text in the organisation's
/// summary directory (created 0700), a file 0600 under the next free version of its name, so
/// saving again never fails on an earlier copy and never overwrites it.
fn write_summary(
    dir: &std::path::Path,
    reference: &str,
    today: &str,
    text: &str,
) -> super::backend::BackendResult<String> {
    use super::backend::{BackendError, ErrorKind};
    use std::io::Write;
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    let folder = |e: std::io::Error| {
        BackendError::new(ErrorKind::SummaryFolder, format!("cannot write in {}: {e}", dir.display()))
            .with_detail(dir.display().to_string())
    };
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir).map_err(folder)?;
    for version in 1..=SUMMARY_VERSIONS {
        let path = dir.join(super::screens::summary::file_name(reference, today, version));
        let mut file = match std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(folder(e)),
        };
        let failed = |e: std::io::Error| {
            BackendError::new(ErrorKind::LocalFile, format!("cannot write {}: {e}", path.display()))
                .with_detail(path.display().to_string())
        };
        file.write_all(text.as_bytes()).and_then(|()| file.sync_all()).map_err(failed)?;
        return Ok(path.display().to_string());
    }
    Err(BackendError::new(ErrorKind::FileExists, format!("{SUMMARY_VERSIONS} versions in {}", dir.display()))
        .with_detail(dir.display().to_string()))
}

/// Draws one frame of `app`: the pure view, given this day's crisis lines.
fn draw_app(
    terminal: &mut ratatui::DefaultTerminal,
    app: &App,
    library: &Library,
    care: &Care,
    theme: &Theme,
    today: &str,
) -> io::Result<()> {
    let crisis_lines = super::view::crisis_lines_for(app, care, library, today);
    let view = View { library, care, theme, crisis_lines: &crisis_lines };
    terminal.draw(|frame| view::draw(frame, app, &view)).map(|_| ())
}

/// Runs the interface until the user quits or the terminal goes away.
pub fn run(backend: &mut (dyn Backend + Send), library: &Library, care: &Care, options: Options) -> io::Result<()> {
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGHUP, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop))?;
    }
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme = Theme::select(options.theme.as_deref(), no_color);
    // ratatui::init enters raw mode and the alternate screen and installs a panic hook that
    // restores the terminal before the panic message is printed.
    let mut terminal = ratatui::init();
    let finished = Arc::new(AtomicBool::new(false));
    crate::shell::terminal::watchdog(Arc::clone(&stop), Arc::clone(&finished));
    let result = event_loop(&mut terminal, backend, library, care, &theme, &options, &stop);
    finished.store(true, Ordering::Relaxed);
    ratatui::restore();
    result
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    backend: &mut (dyn Backend + Send),
    library: &Library,
    care: &Care,
    theme: &Theme,
    options: &Options,
    stop: &AtomicBool,
) -> io::Result<()> {
    let mut app = App::new(options.lang, now_ms());
    app.idle_lock_override_ms = options.idle_lock_seconds.map(|s| i64::from(s) * 1000);
    app.machine_zone.clone_from(&options.machine_zone);
    let today = today();
    let deps = Deps { library, care, today: &today };
    let size = terminal.size()?;
    app.size = (size.width, size.height);
    std::thread::scope(|scope| {
        let worker = Worker::start(scope, backend);
        let effects = app.start();
        waiting::sent(&mut app, &effects, now_ms());
        worker.send(effects);
        let mut drawn: Option<App> = None;
        let mut last_tick = Instant::now();
        while !app.quit && !stop.load(Ordering::Relaxed) {
            // A hung-up terminal (SSH dropped without SIGHUP reaching us) can make crossterm's
            // poll return at once forever; leave instead of spinning. Everything shown as saved
            // is saved.
            if !std::io::stdin().is_terminal() {
                break;
            }
            // Redraw only when something changed.
            if drawn.as_ref() != Some(&app) {
                draw_app(terminal, &app, library, care, theme, &today)?;
                drawn = Some(app.clone());
                // A long administration task starts once its "working" state is on screen; its
                // progress comes back from the worker and is drawn as it comes.
                if admin_ops::queued(&app) && !app.waiting.busy() {
                    worker.send(waiting::apply(&mut app, Action::Admin(AdminMsg::Run), deps, now_ms()));
                    continue;
                }
            }
            // While the owner works the loop turns faster, to take its reply and move the spinner.
            let turn = if app.waiting.busy() { BUSY_TICK } else { TICK };
            // A vanished terminal makes poll fail: leave instead of spinning.
            if event::poll(turn.saturating_sub(last_tick.elapsed()))? {
                match event::read()? {
                    Event::Key(key) if key.kind != KeyEventKind::Release => {
                        app.last_activity_ms = now_ms();
                        worker.send(waiting::key(&mut app, key, deps, now_ms()));
                    }
                    Event::Resize(width, height) => {
                        worker.send(waiting::apply(&mut app, Action::Resize(width, height), deps, now_ms()));
                        terminal.autoresize()?;
                        drawn = None;
                    }
                    _ => {}
                }
            }
            for reply in worker.replies() {
                let effects = match reply {
                    Reply::Done(reply) => waiting::replied(&mut app, reply, deps, now_ms()),
                    Reply::Background(action) => waiting::apply(&mut app, action, deps, now_ms()),
                };
                worker.send(effects);
            }
            if last_tick.elapsed() >= turn {
                last_tick = Instant::now();
                worker.send(waiting::tick(&mut app, deps, now_ms()));
            }
        }
        Ok(())
    })
}
