//! Application state and the routing between screens: an action in, state changed, effects out.
//! Each screen (`screens/`) owns its state, its keys (a table: `keys`) and its replies; this file
//! holds the messages, the screen in front and what every screen shares. No terminal, no store,
//! no clock: the shell performs effects and feeds their replies back as actions.

use zeroize::Zeroizing;

use super::backend::{
    AuditCheck, AuditRow, BackendError, BackendResult, ClientInfo, ClientMatches, EncounterState, HistoryData, OrgInfo,
    QueueEntry, Session, UserRow,
};
pub use super::form::{Field, FieldKind, Form};
use super::keys;
pub use super::screens::admin::{AUDIT_VIEW_LIMIT, AdminState, AuditView};
pub use super::screens::client::{
    ACCESS_NEEDS, ClientEdit, POPULATIONS, client_form_with, parse_sex_for_scoring, scoring_context,
};
pub use super::screens::crisis::{CRISIS_ACTIONS, CrisisState, URGENT_ACTIONS, crisis_actions};
pub use super::screens::questionnaire::{Intake, ReasonFor, ReasonPrompt, SaveState};
pub use super::screens::results::{LiftPrompt, ResultsState, results_screen};
pub use super::screens::search::SearchState;
use crate::instrument::{Lang, Library};
use crate::intake::care::Care;
use crate::ui::strings::Text;

/// The consent text's version, recorded with every consent answer.
pub const CONSENT_VERSION: &str = "2026-11-v1";
/// The bundle a staff intake offers first to an adult (`screens::bundle`).
pub const DEFAULT_BUNDLE: &str = "adult-core";

/// The instruments an encounter starts with: `bundle`'s, with the ASQ added as the
/// organisation's `asq_mode` says (`Library::screening_instruments`, shared with the kiosk).
pub(crate) fn start_instruments(library: &Library, bundle: &str, org: Option<&OrgInfo>) -> Vec<String> {
    let asq = org.map_or_else(crate::instrument::AsqMode::default, |org| org.asq_mode);
    library
        .bundle(bundle)
        .map(|b| library.screening_instruments(&b.instruments, b.risk_screen, asq))
        .unwrap_or_default()
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    // Keys (through the keymap).
    Quit,
    Help,
    CloseHelp,
    ToggleLanguage,
    Lock,
    /// Ctrl-N: end the locked session and sign in as someone else.
    SwitchUser,
    Back,
    NextField,
    PrevField,
    Submit,
    Input(char),
    /// Text put in the focused field at once (a line typed in plain mode, where every character
    /// as its own action would ask the owner again at each one, as a search does). Never a
    /// secret: those come character by character, each zeroized where it lands.
    Paste(String),
    /// Backspace: the character before the cursor.
    DeleteChar,
    /// Delete: the character at the cursor.
    DeleteForward,
    /// Ctrl-W: the word before the cursor.
    DeleteWord,
    CursorLeft,
    CursorRight,
    CursorHome,
    CursorEnd,
    ClearField,
    Toggle,
    Up,
    Down,
    /// A number key: 0 is the key "1".
    Choose(usize),
    /// A letter command outside text fields.
    Letter(char),
    // Terminal, clock and the owner's pushed notices.
    Resize(u16, u16),
    Tick(i64),
    Notice(super::backend::Notice),
    // Replies to effects.
    SetupChecked(BackendResult<bool>),
    Initialized(BackendResult<String>),
    LoggedIn(BackendResult<Session>),
    /// The owner ended the session ("switch user").
    LoggedOut(BackendResult<()>),
    /// The signed-in account's own new password was set (after an administrator's reset).
    PasswordChanged(BackendResult<()>),
    HomeLoaded(BackendResult<(OrgInfo, Vec<QueueEntry>)>),
    /// The organisation alone (administrators, who have no queue): its idle lock applies.
    OrgLoaded(BackendResult<OrgInfo>),
    /// The clients a new client may be already (none: it is created).
    DuplicatesChecked {
        client: ClientInfo,
        found: BackendResult<Vec<ClientInfo>>,
    },
    ClientCreated(BackendResult<ClientInfo>),
    /// Ctrl-E: edit the client in front (search results, history).
    EditClient,
    /// Ctrl-O: the history of the client selected in search results.
    OpenHistory,
    /// Ctrl-G: to the queue from any staff screen (the intake is saved on every answer).
    GoToQueue,
    /// Ctrl-D: dismiss the alert banner.
    DismissAlert,
    ClientUpdated(BackendResult<ClientInfo>),
    /// The encounter's id, its client and the instruments it was started with.
    EncounterStarted(BackendResult<(String, ClientInfo, Vec<String>)>),
    ConsentRecorded(BackendResult<bool>),
    Saved(BackendResult<()>),
    CrisisRecorded(BackendResult<String>),
    EncounterOpened(BackendResult<EncounterState>),
    /// The encounter asked for is open in another staff interface: not opened here.
    HeldElsewhere {
        encounter: String,
        open_by: crate::store::OpenBy,
    },
    HistoryLoaded(BackendResult<HistoryData>),
    /// The owner issued a check-in code for the client whose history is shown.
    CheckinIssued(BackendResult<crate::tui::backend::IssuedCode>),
    /// The client's name for the alert about encounter `entry`.
    AlertNamed {
        entry: String,
        name: BackendResult<String>,
    },
    UsersLoaded(BackendResult<Vec<UserRow>>),
    ReportLoaded(BackendResult<crate::report::ServiceReport>),
    /// The owner's answer to a client search for `query`.
    ClientsFound {
        query: String,
        found: BackendResult<ClientMatches>,
    },
    UserSaved(BackendResult<String>),
    AuditLoaded(BackendResult<Vec<AuditRow>>),
    AuditChecked(BackendResult<AuditCheck>),
    DecisionSaved(BackendResult<()>),
    ReferralSaved(BackendResult<()>),
    SummaryWritten(BackendResult<String>),
    /// The intake was finished (closed with its outcome).
    EncounterFinished(BackendResult<()>),
    /// The finished intakes, for the queue's "show finished".
    ClosedLoaded(BackendResult<Vec<QueueEntry>>),
    /// The administration tasks' go-ahead and replies (`admin_ops`).
    Admin(super::admin_ops::AdminMsg),
}

pub use super::effect::Effect;

#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    Starting,
    FirstRun(Form),
    Recovery {
        key: Zeroizing<String>,
        typed: Field,
    },
    Login(Form),
    /// An administrator set this account's password: a new one is chosen before anything else
    /// (who and when are in `App::session`).
    ChangePassword(Form),
    Home {
        entries: Vec<QueueEntry>,
        selected: usize,
    },
    ClientForm(Form),
    Consent,
    Questionnaire,
    Crisis(CrisisState),
    Results(Box<ResultsState>),
    History(Box<crate::tui::list_window::Scrolled<HistoryData>>),
    Admin(Box<AdminState>),
    Report(Box<crate::tui::list_window::Scrolled<crate::report::ServiceReport>>),
    Search(Box<SearchState>),
    /// Choosing the bundle for a new intake.
    Bundle(Box<super::screens::bundle::BundleState>),
}

/// The whole interface state.
#[derive(Debug, Clone, PartialEq)]
pub struct App {
    pub lang: Lang,
    pub screen: Screen,
    pub session: Option<Session>,
    pub org: Option<OrgInfo>,
    pub intake: Option<Intake>,
    /// The client whose details the client form is editing, and the screen to go back to.
    pub editing: Option<ClientEdit>,
    /// The idle lock: client details are hidden until the password is given again.
    pub locked: Option<Form>,
    /// What to load again once unlocked, in place of the client details dropped on locking
    /// ([`lock`]).
    pub on_unlock: Vec<Effect>,
    pub help: bool,
    pub status: Option<Status>,
    /// A critical or urgent flag raised elsewhere, shown as a banner until seen.
    pub alert: Option<super::backend::Alert>,
    /// The queue entry to select when the queue next loads (the alerted one).
    pub select_entry: Option<String>,
    pub last_activity_ms: i64,
    /// The clock at the last tick, for the times shown relative to now ("12 min ago").
    pub now_ms: i64,
    pub idle_lock_ms: i64,
    /// A fixed idle-lock delay that replaces the organisation's setting (for kiosks and tests).
    pub idle_lock_override_ms: Option<i64>,
    pub size: (u16, u16),
    /// The effects the owner has not answered yet and the keys typed meanwhile.
    pub waiting: super::waiting::Waiting,
    pub quit: bool,
    /// The queue shows the finished intakes instead (on request).
    pub show_closed: bool,
    /// A clinician reopening the selected finished intake: the reason being typed.
    pub reopening: Option<String>,
    /// A write was refused as stale: the intake is being opened again (`reload`).
    pub reloading: Option<BackendError>,
    /// An encounter someone else has open, offered to take over (`t`) on the queue.
    pub held: Option<(String, crate::store::OpenBy)>,
    /// The machine's time zone (read by the shell), proposed on the set-up form.
    pub machine_zone: String,
}

impl App {
    pub fn new(lang: Lang, now_ms: i64) -> App {
        App {
            lang,
            screen: Screen::Starting,
            session: None,
            org: None,
            intake: None,
            editing: None,
            locked: None,
            on_unlock: Vec::new(),
            help: false,
            status: None,
            alert: None,
            select_entry: None,
            show_closed: false,
            reopening: None,
            reloading: None,
            held: None,
            machine_zone: crate::ui::clock::UTC_NAME.to_string(),
            last_activity_ms: now_ms,
            now_ms,
            idle_lock_ms: 10 * 60 * 1000,
            idle_lock_override_ms: None,
            size: (80, 24),
            waiting: super::waiting::Waiting::default(),
            quit: false,
        }
    }

    /// The effects to run first.
    pub fn start(&self) -> Vec<Effect> {
        vec![Effect::CheckSetup]
    }

    /// The organisation's time zone (UTC until it is known).
    pub fn zone(&self) -> &crate::ui::clock::Zone {
        self.org.as_ref().map_or(&crate::ui::clock::UTC, |org| &org.zone)
    }

    /// The client's language for questionnaire text, or the interface language.
    pub fn client_lang(&self) -> Lang {
        self.intake.as_ref().and_then(|i| i.client.language).unwrap_or(self.lang)
    }
}

/// The status line as data, worded in the current language when drawn (so the language toggle
/// re-words it).
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// A note after something went well, followed by a value if any (a user name, a path).
    Note(Text, Option<String>),
    /// A refusal the interface words itself (a key that cannot be used here).
    Warning(Text),
    /// A failure from the data layer.
    Failed(BackendError),
}

impl Status {
    pub fn is_error(&self) -> bool {
        !matches!(self, Status::Note(..))
    }

    /// The line in `lang`, without its "Error:" label.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            Status::Note(text, None) | Status::Warning(text) => text.get(lang).to_string(),
            Status::Note(text, Some(value)) => format!("{} {value}", text.get(lang)),
            Status::Failed(error) => error.render(lang),
        }
    }
}

/// Where a signed-in session starts: administrators, who read no clinical content, on the
/// administration screen; staff on the queue.
pub(crate) fn land(app: &mut App) -> Vec<Effect> {
    if keys::role(app) == Some(crate::auth::Role::Admin) {
        app.screen = Screen::Admin(Box::default());
        // The organisation too, for its idle lock (the queue that brings it to staff holds
        // clinical content).
        return vec![Effect::LoadUsers, Effect::LoadOrganisation];
    }
    vec![Effect::LoadHome]
}

/// A session whose password an administrator set: the new-password step, nothing else.
pub(crate) fn ask_new_password(app: &mut App, session: Session) {
    app.session = Some(session);
    app.intake = None;
    app.editing = None;
    app.screen = Screen::ChangePassword(super::screens::login::change_password_form());
}

/// The idle lock delay: the organisation's minutes, or `--idle-lock-seconds` when that is
/// shorter. A local override may only shorten the organisation's delay, never switch the lock
/// off (`TRIAGE_IDLE_LOCK_SECONDS=4294967295` used to).
pub(crate) fn idle_lock_ms(override_ms: Option<i64>, minutes: u32) -> i64 {
    let organisation = i64::from(minutes.max(1)) * 60 * 1000;
    override_ms.map_or(organisation, |local| local.clamp(1000, organisation))
}

/// A real calendar date, not after `today` (both YYYY-MM-DD).
pub fn valid_birth_date(text: &str, today: &str) -> bool {
    crate::instrument::date::is_birth_date(text, today)
}

/// What the screens' updates need besides the state: the library, the care plan and today
/// (YYYY-MM-DD), passed in so that `update` stays pure.
#[derive(Clone, Copy)]
pub struct Deps<'a> {
    pub library: &'a Library,
    pub care: &'a Care,
    pub today: &'a str,
}

/// Changes `app` for one action. `today` (YYYY-MM-DD) is passed in so this stays pure.
///
/// A status line belongs to the screen that raised it: one left standing when the screen changes
/// goes (one raised by the change itself, such as "Client saved", stays, and so does one raised
/// while signing in, for the screen the session starts on).
pub fn update(app: &mut App, action: Action, library: &Library, care: &Care, today: &str) -> Vec<Effect> {
    let screen = std::mem::discriminant(&app.screen);
    // What is said while signing in ("New password set.") is for the first screen after it.
    let signing_in = matches!(app.screen, Screen::Starting | Screen::Login(_) | Screen::ChangePassword(_));
    let status = app.status.clone();
    let effects = route(app, action, Deps { library, care, today });
    if std::mem::discriminant(&app.screen) != screen && !signing_in && status.is_some() && app.status == status {
        app.status = None;
    }
    effects
}

fn route(app: &mut App, action: Action, deps: Deps) -> Vec<Effect> {
    if let Some(effects) = background(app, &action) {
        return effects;
    }
    // The help overlay closes on any key (the keymap sends CloseHelp while it is open).
    if action == Action::CloseHelp {
        app.help = false;
        return Vec::new();
    }
    if let Some(global) = keys::lookup(keys::GLOBAL, app, deps.library, &action) {
        return global_key(app, global);
    }
    // The idle lock takes every key until the password is given again.
    if app.locked.is_some() {
        return super::screens::login::locked(app, action, deps);
    }
    if let Some(error) = super::reload::stale(&action) {
        return super::reload::on_stale(app, error.clone());
    }
    if let Some(reply) = replies_of(&action) {
        let opened = match &action {
            Action::EncounterOpened(result) => Some(result.is_ok()),
            _ => None,
        };
        let effects = reply(app, action, deps);
        super::reload::after(app, opened);
        return effects;
    }
    app.status = app.status.take().filter(Status::is_error);
    screen_key(app, action, deps)
}

/// A screen's handler of the owner's replies.
type Reply = fn(&mut App, Action, Deps) -> Vec<Effect>;

/// The screen that takes the owner's reply `action`, if it is a reply.
fn replies_of(action: &Action) -> Option<Reply> {
    use super::screens::*;
    Some(match action {
        Action::SetupChecked(_)
        | Action::Initialized(_)
        | Action::LoggedIn(_)
        | Action::LoggedOut(_)
        | Action::PasswordChanged(_) => login::reply,
        Action::HomeLoaded(_)
        | Action::OrgLoaded(_)
        | Action::ReportLoaded(_)
        | Action::HistoryLoaded(_)
        | Action::ClosedLoaded(_)
        | Action::HeldElsewhere { .. } => home::reply,
        Action::ClientCreated(_) | Action::ClientUpdated(_) | Action::DuplicatesChecked { .. } => client::reply,
        Action::CheckinIssued(_) => history::reply,
        Action::EncounterStarted(_) | Action::ConsentRecorded(_) | Action::EncounterOpened(_) | Action::Saved(_) => {
            consent::reply
        }
        Action::CrisisRecorded(_) => crisis::reply,
        Action::DecisionSaved(_)
        | Action::ReferralSaved(_)
        | Action::SummaryWritten(_)
        | Action::EncounterFinished(_) => results::reply,
        Action::UsersLoaded(_) | Action::UserSaved(_) | Action::AuditLoaded(_) | Action::AuditChecked(_) => {
            admin::reply
        }
        Action::ClientsFound { .. } => search::reply,
        Action::Admin(_) => |app, action, _| match action {
            Action::Admin(msg) => super::admin_ops::on_msg(app, msg),
            _ => Vec::new(),
        },
        _ => return None,
    })
}

/// The clock, the terminal and the owner's pushed notices.
fn background(app: &mut App, action: &Action) -> Option<Vec<Effect>> {
    match action {
        Action::Tick(now) => {
            app.now_ms = *now;
            let idle = *now - app.last_activity_ms >= app.idle_lock_ms;
            if idle && app.session.is_some() && app.locked.is_none() {
                return Some(lock(app));
            }
            Some(Vec::new())
        }
        Action::Resize(w, h) => {
            app.size = (*w, *h);
            Some(Vec::new())
        }
        Action::AlertNamed { entry, name } => {
            // A name that cannot be read leaves the reference, which is enough to find it.
            if let (Some(alert), Ok(found)) = (app.alert.as_mut(), name)
                && alert.entry == *entry
                && let super::backend::AlertSource::Staff { name, .. } = &mut alert.source
            {
                *name = Some(found.clone());
            }
            Some(Vec::new())
        }
        Action::Notice(notice) => Some(on_notice(app, notice)),
        _ => None,
    }
}

fn on_notice(app: &mut App, notice: &super::backend::Notice) -> Vec<Effect> {
    let mut effects = Vec::new();
    // Administrators get no clinical alert; the worker's own flag does not alert them.
    if let (super::backend::Notice::Alert(alert), true) = (notice, keys::staff(app)) {
        let own = app.intake.as_ref().is_some_and(|i| i.encounter == alert.entry);
        if !own {
            effects.push(Effect::Bell);
            // A critical alert is not replaced by an urgent one.
            if app.alert.as_ref().is_none_or(|shown| shown.tier <= alert.tier) {
                if matches!(alert.source, super::backend::AlertSource::Staff { name: None, .. }) {
                    effects.push(Effect::NameAlert(alert.entry.clone()));
                }
                app.alert = Some(alert.clone());
                if matches!(app.screen, Screen::Home { .. }) {
                    app.select_entry = Some(alert.entry.clone());
                }
            }
        }
    }
    // The queue is refreshed at once when it is on screen (not while locked).
    if matches!(app.screen, Screen::Home { .. }) && app.locked.is_none() && app.session.is_some() {
        effects.push(Effect::LoadHome);
    }
    effects
}

/// The keys of every screen (`keys::GLOBAL`).
fn global_key(app: &mut App, key: keys::Global) -> Vec<Effect> {
    match key {
        keys::Global::Quit => {
            app.quit = true;
            vec![Effect::Quit]
        }
        keys::Global::Language => {
            app.lang = if app.lang == Lang::En { Lang::Fr } else { Lang::En };
            Vec::new()
        }
        keys::Global::Help => {
            app.help = true;
            Vec::new()
        }
        keys::Global::Lock => lock(app),
        keys::Global::Dismiss => {
            app.alert = None;
            Vec::new()
        }
        keys::Global::Queue => {
            // Every answer is saved as it is given: the intake can be resumed from the queue.
            app.intake = None;
            app.editing = None;
            app.select_entry = app.alert.as_ref().map(|a| a.entry.clone());
            go_home(app)
        }
    }
}

/// To the queue, which is read again.
pub(crate) fn go_home(app: &mut App) -> Vec<Effect> {
    app.screen = Screen::Home { entries: Vec::new(), selected: 0 };
    vec![Effect::LoadHome]
}

/// Locks the session (Ctrl-X or the idle lock). The lock screen draws no client detail, and the
/// client details that can be loaded again are dropped as well, with what reloads them kept in
/// `on_unlock`: the queue, the search (its query and matches), a client's history, an alert's
/// client name, and an intake with nothing unsaved on the consent or questionnaire screen
/// (reopened from the store, at the next unanswered item, on unlock). What cannot be loaded
/// again without losing work stays: a client form being filled, the bundle choice, an intake
/// with a save in doubt, a reason or notice on screen, the crisis screen (its action and note
/// are not recorded yet) and the results screen (its decision and picks).
fn lock(app: &mut App) -> Vec<Effect> {
    app.locked = Some(super::screens::login::unlock_form());
    app.help = false;
    use super::backend::Wipe;
    use zeroize::Zeroize;
    let mut reload = Vec::new();
    if let Some(alert) = app.alert.as_mut()
        && let super::backend::AlertSource::Staff { name, .. } = &mut alert.source
        && let Some(mut shown) = name.take()
    {
        shown.zeroize();
        reload.push(Effect::NameAlert(alert.entry.clone()));
    }
    let settled =
        |intake: &Intake| intake.save == SaveState::Saved && intake.reason.is_none() && intake.notice.is_none();
    let screen = std::mem::replace(&mut app.screen, Screen::Starting);
    app.screen = match screen {
        Screen::Home { mut entries, selected } => {
            entries.wipe();
            reload.push(Effect::LoadHome);
            Screen::Home { entries, selected }
        }
        Screen::Search(mut search) => {
            search.query.value.zeroize();
            search.clients.wipe();
            // Warned of a possible duplicate: back on the form (kept, as a form is), the matches gone.
            match search.adding.take() {
                Some(mut adding) => {
                    adding.client.wipe();
                    Screen::ClientForm(adding.form)
                }
                None => Screen::Search(Box::default()),
            }
        }
        Screen::History(mut history) => {
            reload.push(Effect::LoadHistory(history.client.id.clone()));
            history.wipe();
            Screen::Starting
        }
        Screen::Consent | Screen::Questionnaire
            if app.intake.as_ref().is_some_and(settled) && app.editing.is_none() =>
        {
            if let Some(mut intake) = app.intake.take() {
                reload.push(Effect::OpenEncounter(std::mem::take(&mut intake.encounter)));
                intake.client.wipe();
            }
            Screen::Starting
        }
        kept => kept,
    };
    app.on_unlock = reload;
    vec![Effect::LockBackend]
}

fn screen_key(app: &mut App, action: Action, deps: Deps) -> Vec<Effect> {
    use super::screens::*;
    let key = match &app.screen {
        Screen::Starting => return Vec::new(),
        Screen::FirstRun(_) | Screen::Recovery { .. } => first_run::key,
        Screen::Login(_) | Screen::ChangePassword(_) => login::key,
        Screen::Home { .. } => home::key,
        Screen::ClientForm(_) => client::key,
        Screen::Consent => consent::key,
        Screen::Questionnaire => {
            return questionnaire::update(app, action, deps.library, deps.care, deps.today);
        }
        Screen::Crisis(_) => crisis::key,
        Screen::Results(_) => results::key,
        Screen::History(_) => history::key,
        Screen::Admin(_) => admin::key,
        Screen::Report(_) => report::key,
        Screen::Search(_) => search::key,
        Screen::Bundle(_) => bundle::key,
    };
    key(app, action, deps)
}

/// The keys the screen in front offers, from its table, then those of every screen: what the
/// footer and the help show is what the screen does.
pub fn screen_entries(app: &App, library: &Library) -> Vec<keys::Entry> {
    use super::screens::*;
    let entries = if app.locked.is_some() {
        login::locked_entries
    } else {
        match &app.screen {
            Screen::Starting => |_: &App, _: &Library| Vec::new(),
            Screen::FirstRun(_) | Screen::Recovery { .. } => first_run::entries,
            Screen::Login(_) | Screen::ChangePassword(_) => login::entries,
            Screen::Home { .. } => home::entries,
            Screen::ClientForm(_) => client::entries,
            Screen::Consent => consent::entries,
            Screen::Questionnaire => questionnaire::entries,
            Screen::Crisis(_) => crisis::entries,
            Screen::Results(_) => results::entries,
            Screen::History(_) => history::entries,
            Screen::Admin(_) => admin::entries,
            Screen::Report(_) => report::entries,
            Screen::Search(_) => search::entries,
            Screen::Bundle(_) => bundle::entries,
        }
    };
    let mut entries = entries(app, library);
    entries.extend(keys::entries(keys::GLOBAL, app, library));
    entries
}

/// What the marks and columns of the screen in front mean, for the help.
pub fn legend(app: &App) -> &'static [Text] {
    match (&app.screen, &app.locked) {
        (_, Some(_)) => &[],
        (Screen::Home { .. }, None) => super::screens::home::LEGEND,
        (Screen::Results(_), None) => super::screens::results::LEGEND,
        (Screen::Admin(state), None) => super::screens::admin::legend(state),
        _ => &[],
    }
}

#[cfg(test)]
mod idle_lock_tests {
    use super::idle_lock_ms;

    #[test]
    fn a_local_override_only_shortens_the_organisations_idle_lock() {
        assert_eq!(idle_lock_ms(None, 10), 600_000);
        assert_eq!(idle_lock_ms(Some(30_000), 10), 30_000, "shorter: taken");
        // TRIAGE_IDLE_LOCK_SECONDS=4294967295 no longer switches the lock off.
        assert_eq!(idle_lock_ms(Some(4_294_967_295_000), 10), 600_000);
        assert_eq!(idle_lock_ms(Some(0), 10), 1000, "never below a second");
    }
}

#[cfg(test)]
mod status_tests {
    use super::*;
    use crate::tui::view::test_support::{care, library};

    fn act(app: &mut App, action: Action) -> Vec<Effect> {
        update(app, action, library(), care(), "2026-11-25")
    }

    #[test]
    fn a_status_belongs_to_the_screen_that_raised_it() {
        let mut app = crate::tui::demo::signed_in(Lang::En);
        app.screen = Screen::Home { entries: Vec::new(), selected: 0 };
        let failure = BackendError::new(super::super::backend::ErrorKind::OwnerBusy, "busy");
        act(&mut app, Action::HomeLoaded(Err(failure.clone())));
        assert_eq!(app.status, Some(Status::Failed(failure.clone())));
        // It stays while its screen does (an error outlives the keys pressed there)...
        act(&mut app, Action::Down);
        assert!(app.status.is_some());
        // ...and goes with it.
        act(&mut app, Action::Letter('n'));
        assert!(matches!(app.screen, Screen::ClientForm(_)));
        assert_eq!(app.status, None);
        // A status raised by the change of screen itself is the new screen's.
        app.editing = Some(ClientEdit {
            client: crate::tui::demo::client(Lang::En),
            back: Box::new(Screen::Search(Box::default())),
        });
        act(&mut app, Action::ClientUpdated(Ok(crate::tui::demo::client(Lang::En))));
        assert!(matches!(app.screen, Screen::Search(_)));
        assert_eq!(app.status, Some(Status::Note(Text::ClientSaved, None)));
        act(&mut app, Action::Back);
        assert_eq!(app.status, None);
    }

    #[test]
    fn what_is_said_while_signing_in_is_for_the_first_screen_after_it() {
        let mut app = crate::tui::demo::signed_in(Lang::En);
        app.screen = Screen::ChangePassword(super::super::screens::login::change_password_form());
        assert_eq!(act(&mut app, Action::PasswordChanged(Ok(()))), vec![Effect::LoadHome]);
        let org = app.org.clone().unwrap();
        act(&mut app, Action::HomeLoaded(Ok((org, Vec::new()))));
        assert!(matches!(app.screen, Screen::Home { .. }));
        assert_eq!(app.status, Some(Status::Note(Text::PasswordChanged, None)));
    }
}
