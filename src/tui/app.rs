//! Application state and `update`: an action in, state changed, effects out. No terminal, no
//! store, no clock: the shell performs effects and feeds their replies back as actions.

use zeroize::Zeroizing;

use super::backend::{
    AuditCheck, AuditRow, BackendError, BackendResult, ClientInfo, ClientMatches, EncounterState, HistoryData, OrgInfo,
    QueueEntry, SavedAnswer, Session, Setup, UserRow,
};
pub use crate::instrument::score::age_on;
use crate::instrument::{Context, FlagHit, Lang, Library, ScoreResult, Sex};
use crate::intake::IntakeFlow;
use crate::intake::care::{Care, Plan};
use crate::triage::Level;
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

pub const POPULATIONS: [(&str, Text); 6] = [
    ("youth", Text::PopYouth),
    ("indigenous", Text::PopIndigenous),
    ("2slgbtq", Text::Pop2slgbtq),
    ("veteran", Text::PopVeteran),
    ("perinatal", Text::PopPerinatal),
    ("newcomer", Text::PopNewcomer),
];
pub const ACCESS_NEEDS: [(&str, Text); 4] = [
    ("no_internet", Text::AccessNoInternet),
    ("no_smartphone", Text::AccessNoSmartphone),
    ("phone_only", Text::AccessPhoneOnly),
    ("free_only", Text::AccessFreeOnly),
];
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
pub enum Action {
    // Keys (through the keymap).
    Quit,
    Help,
    CloseHelp,
    ToggleLanguage,
    Lock,
    Back,
    NextField,
    PrevField,
    Submit,
    Input(char),
    DeleteChar,
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
    /// The signed-in account's own new password was set (after an administrator's reset).
    PasswordChanged(BackendResult<()>),
    HomeLoaded(BackendResult<(OrgInfo, Vec<QueueEntry>)>),
    /// The organisation alone (administrators, who have no queue): its idle lock applies.
    OrgLoaded(BackendResult<OrgInfo>),
    ClientCreated(BackendResult<ClientInfo>),
    /// Ctrl-E: edit the client in front (search results, history).
    EditClient,
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
    HistoryLoaded(BackendResult<HistoryData>),
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
    /// The administration tasks' go-ahead and replies (`admin_ops`).
    Admin(super::admin_ops::AdminMsg),
}

/// Work for the shell.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    CheckSetup,
    Initialize {
        setup: Setup,
        password: Zeroizing<String>,
    },
    Login {
        user: String,
        password: Zeroizing<String>,
    },
    /// Set the signed-in account's own new password.
    ChangeOwnPassword {
        password: Zeroizing<String>,
    },
    LoadHome,
    CreateClient(ClientInfo),
    /// Save changed details of an existing client (`id` set).
    UpdateClient(ClientInfo),
    StartEncounter {
        client: ClientInfo,
        instruments: Vec<String>,
    },
    RecordConsent {
        encounter: String,
        given: bool,
    },
    SaveAnswer {
        encounter: String,
        answer: SavedAnswer,
    },
    SaveResult {
        encounter: String,
        result: Box<ScoreResult>,
        language: Lang,
    },
    /// A critical flag fired: record it at once (it puts the encounter on top of every queue).
    /// `urgent`: an urgent flag instead (recorded as `urgent_raised`).
    RaiseFlag {
        encounter: String,
        flags: Vec<String>,
        urgent: bool,
    },
    RecordCrisis {
        encounter: String,
        flags: Vec<String>,
        action: String,
        note: String,
    },
    SaveDecision {
        encounter: String,
        suggested: String,
        reasons: Vec<String>,
        final_level: String,
        override_reason: Option<String>,
        /// Exclusions the clinician lifted, each with its reason (recorded with the decision).
        lifted: Vec<crate::triage::matching::LiftedExclusion>,
    },
    /// (resource id, reasons shown, chosen by the client)
    SaveReferral {
        encounter: String,
        resources: Vec<(String, Vec<String>, bool)>,
    },
    WriteSummary {
        file_name: String,
        text: String,
    },
    OpenEncounter(String),
    LoadHistory(String),
    LoadUsers,
    LoadOrganisation,
    AddUser {
        name: String,
        display_name: String,
        role: String,
        password: Zeroizing<String>,
    },
    SetUserActive {
        name: String,
        active: bool,
    },
    LoadAudit,
    VerifyAudit,
    LoadReport,
    /// Search the clients by name (the owner matches and audits them).
    SearchClients(String),
    /// Ring the terminal bell (a critical flag was raised elsewhere).
    Bell,
    /// Look up the client's name for the alert about this staff encounter.
    NameAlert(String),
    LockBackend,
    /// An administration task (`admin_ops`).
    Admin(super::admin_ops::Job),
    Quit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Secret,
    /// Tick boxes: (code, label).
    Checks(&'static [(&'static str, Text)]),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub label: Text,
    pub kind: FieldKind,
    pub value: Zeroizing<String>,
    pub checked: Vec<bool>,
    pub check_cursor: usize,
    pub error: Option<Text>,
    /// Longest value typing may make, in characters.
    pub max_chars: usize,
}

impl Field {
    pub fn text(label: Text) -> Field {
        Field {
            label,
            kind: FieldKind::Text,
            value: Zeroizing::new(String::new()),
            checked: Vec::new(),
            check_cursor: 0,
            error: None,
            max_chars: 200,
        }
    }
    pub fn secret(label: Text) -> Field {
        Field { kind: FieldKind::Secret, ..Field::text(label) }
    }
    pub fn checks(label: Text, choices: &'static [(&'static str, Text)]) -> Field {
        Field { kind: FieldKind::Checks(choices), checked: vec![false; choices.len()], ..Field::text(label) }
    }
    pub fn max_chars(mut self, max: usize) -> Field {
        self.max_chars = max;
        self
    }
    pub fn with(mut self, value: &str) -> Field {
        self.value = Zeroizing::new(value.to_string());
        self
    }
    pub fn checked_codes(&self) -> Vec<String> {
        match self.kind {
            FieldKind::Checks(choices) => choices
                .iter()
                .zip(&self.checked)
                .filter(|(_, c)| **c)
                .map(|((code, _), _)| (*code).to_string())
                .collect(),
            _ => Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub fields: Vec<Field>,
    pub focus: usize,
}

impl Form {
    pub fn new(fields: Vec<Field>) -> Form {
        Form { fields, focus: 0 }
    }
    pub fn value(&self, index: usize) -> &str {
        self.fields.get(index).map_or("", |f| f.value.as_str())
    }
    /// Moves a field's value out (a password being sent), leaving it empty: the form keeps no
    /// copy of what it sent.
    pub fn take(&mut self, index: usize) -> Zeroizing<String> {
        self.fields
            .get_mut(index)
            .map(|f| std::mem::replace(&mut f.value, Zeroizing::new(String::new())))
            .unwrap_or_default()
    }
    fn focused(&mut self) -> Option<&mut Field> {
        self.fields.get_mut(self.focus)
    }
    /// Applies an editing action; returns false when the action is not an edit.
    pub(crate) fn edit(&mut self, action: &Action) -> bool {
        let count = self.fields.len().max(1);
        match action {
            Action::NextField | Action::Down if !self.on_checks() || matches!(action, Action::NextField) => {
                self.focus = (self.focus + 1) % count
            }
            Action::PrevField | Action::Up if !self.on_checks() || matches!(action, Action::PrevField) => {
                self.focus = (self.focus + count - 1) % count
            }
            Action::Down => {
                if let Some(field) = self.focused() {
                    field.check_cursor = (field.check_cursor + 1) % field.checked.len().max(1);
                }
            }
            Action::Up => {
                if let Some(field) = self.focused() {
                    let len = field.checked.len().max(1);
                    field.check_cursor = (field.check_cursor + len - 1) % len;
                }
            }
            Action::Toggle if self.on_checks() => {
                if let Some(field) = self.focused() {
                    let cursor = field.check_cursor;
                    if let Some(value) = field.checked.get_mut(cursor) {
                        *value = !*value;
                    }
                }
            }
            Action::Input(c) | Action::Letter(c) if !self.on_checks() => {
                if let Some(field) = self.focused() {
                    if !c.is_control() && field.value.chars().count() < field.max_chars {
                        push_zeroized(&mut field.value, *c);
                    }
                    field.error = None;
                }
            }
            Action::Toggle => {
                if let Some(field) = self.focused() {
                    push_zeroized(&mut field.value, ' ');
                }
            }
            Action::DeleteChar => {
                if let Some(field) = self.focused() {
                    field.value.pop();
                }
            }
            Action::ClearField => {
                if let Some(field) = self.focused() {
                    field.value = Zeroizing::new(String::new());
                }
            }
            _ => return false,
        }
        true
    }
    fn on_checks(&self) -> bool {
        self.fields.get(self.focus).is_some_and(|f| matches!(f.kind, FieldKind::Checks(_)))
    }
    pub(crate) fn first_error(&mut self) -> bool {
        match self.fields.iter().position(|f| f.error.is_some()) {
            Some(index) => {
                self.focus = index;
                true
            }
            None => false,
        }
    }
}

/// Appends `c` without leaving a copy behind: a `String` that grows moves its bytes to a larger
/// buffer and frees the old one as it is, so the buffer is grown here instead, the old one
/// zeroized as it is dropped.
fn push_zeroized(value: &mut Zeroizing<String>, c: char) {
    if value.capacity() - value.len() < c.len_utf8() {
        let mut larger = Zeroizing::new(String::with_capacity((value.capacity() * 2).max(64)));
        larger.push_str(value);
        *value = larger;
    }
    value.push(c);
}

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
}

impl Intake {
    pub fn new(encounter: String, client: ClientInfo, flow: IntakeFlow) -> Intake {
        Intake { encounter, client, flow, save: SaveState::Saved, notice: None, reason: None }
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
    pub text: Zeroizing<String>,
    /// The reason was left blank when Enter was pressed.
    pub blank: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CrisisState {
    /// The urgent variant: a brief suicide safety assessment is needed before the person leaves.
    pub urgent: bool,
    pub instrument: String,
    pub flags: Vec<FlagHit>,
    pub action: Option<usize>,
    pub note: Zeroizing<String>,
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
            note: Zeroizing::new(String::new()),
            note_focus: false,
            recorded_at: None,
            error: None,
        }
    }
}

/// The results screen: the plan, the worker's decision and referral picks.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultsState {
    pub plan: Plan,
    pub cursor: usize,
    pub picked: Vec<bool>,
    /// Choosing another level: the level and the required reason.
    pub overriding: Option<(Level, String)>,
    pub decided: Option<Level>,
    pub summary: Option<String>,
    pub error: Option<Text>,
    /// The QR code of each matched resource's web address (by position in `plan.resources`),
    /// encoded once here because encoding costs several times a whole frame.
    pub qr_codes: Vec<Option<Vec<String>>>,
    /// The reason of the override saved last (kept so a later lift re-records the same level).
    pub decided_reason: Option<String>,
    /// Exclusions lifted in the decision saved last.
    pub lifted: Vec<crate::triage::matching::LiftedExclusion>,
    /// A clinician lifting an exclusion: which (`plan.liftable`), then the reason.
    pub lifting: Option<LiftPrompt>,
    /// The decision being saved: level, override reason, lifted exclusions.
    pub saving: Option<(Level, Option<String>, Vec<crate::triage::matching::LiftedExclusion>)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LiftPrompt {
    /// Index into `plan.liftable`, once chosen.
    pub choice: Option<usize>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    Starting,
    FirstRun(Form),
    Recovery {
        key: Zeroizing<String>,
        typed: String,
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
    History(Box<HistoryData>),
    Admin(Box<AdminState>),
    Report(Box<crate::report::ServiceReport>),
    Search(Box<SearchState>),
    /// Choosing the bundle for a new intake.
    Bundle(Box<super::screens::bundle::BundleState>),
}

/// Finding a client by name to start a new intake. The owner matches the query (every word in
/// the name, case-insensitive) and returns only the matches, by name, so that its audit entry
/// names exactly the clients shown here; nothing is asked for until a word is typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchState {
    pub query: String,
    /// The owner's matches for `query`.
    pub clients: Vec<ClientInfo>,
    /// More clients matched than the owner returns.
    pub more: bool,
    pub selected: usize,
}

impl SearchState {
    /// The query changed: the matches shown so far go, and the owner is asked for the new ones
    /// (a query of no words asks nothing and shows nobody).
    fn search(&mut self) -> Vec<Effect> {
        self.selected = 0;
        self.clients.clear();
        self.more = false;
        if self.query.split_whitespace().next().is_none() {
            return Vec::new();
        }
        vec![Effect::SearchClients(self.query.clone())]
    }
}

/// Editing an existing client on the client form.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientEdit {
    /// The client as it was when the form opened.
    pub client: ClientInfo,
    /// Where the worker came from (search results or history); shown again with the new values.
    pub back: Box<Screen>,
}

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
    pub tool: Option<super::admin_ops::Tool>,
    /// Check-in codes issued from this screen (the store keeps only their hash).
    pub issued: Vec<super::backend::IssuedCode>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuditView {
    pub entries: Vec<AuditRow>,
    pub filter: String,
    pub typing: bool,
    pub check: Option<AuditCheck>,
    pub scroll: usize,
}

impl AuditView {
    /// Entries whose user, action or record contains the filter (case-insensitive).
    pub fn visible(&self) -> Vec<&AuditRow> {
        let needle = self.filter.trim().to_lowercase();
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

fn new_user_form() -> Form {
    Form::new(vec![
        Field::text(Text::FieldUser),
        Field::text(Text::FieldDisplayName),
        Field::text(Text::FieldRole).with("intake"),
        Field::secret(Text::FieldPassword),
        Field::secret(Text::FieldPasswordAgain),
    ])
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
    pub idle_lock_ms: i64,
    /// A fixed idle-lock delay that replaces the organisation's setting (for kiosks and tests).
    pub idle_lock_override_ms: Option<i64>,
    pub size: (u16, u16),
    pub quit: bool,
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
            last_activity_ms: now_ms,
            idle_lock_ms: 10 * 60 * 1000,
            idle_lock_override_ms: None,
            size: (80, 24),
            quit: false,
        }
    }

    /// The effects to run first.
    pub fn start(&self) -> Vec<Effect> {
        vec![Effect::CheckSetup]
    }

    /// The client's language for questionnaire text, or the interface language.
    pub fn client_lang(&self) -> Lang {
        self.intake.as_ref().and_then(|i| i.client.language).unwrap_or(self.lang)
    }

    fn error(&mut self, error: BackendError) {
        self.status = Some(Status::Failed(error));
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

fn login_form(user: &str) -> Form {
    let mut form = Form::new(vec![Field::text(Text::FieldUser).with(user), Field::secret(Text::FieldPassword)]);
    if !user.is_empty() {
        form.focus = 1;
    }
    form
}

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
fn check_new_password(form: &mut Form, first: usize, second: usize) {
    if crate::auth::check_new_password(form.value(first)).is_err() {
        form.fields[first].error = Some(Text::PasswordTooShort);
    } else if form.value(first) != form.value(second) {
        form.fields[second].error = Some(Text::PasswordsDiffer);
    }
}

/// Where a signed-in session starts: administrators, who read no clinical content, on the
/// administration screen; staff on the queue.
fn land(app: &mut App) -> Vec<Effect> {
    if app.session.as_ref().is_some_and(|s| s.role == "admin") {
        app.screen = Screen::Admin(Box::default());
        // The organisation too, for its idle lock (the queue that brings it to staff holds
        // clinical content).
        return vec![Effect::LoadUsers, Effect::LoadOrganisation];
    }
    vec![Effect::LoadHome]
}

/// A session whose password an administrator set: the new-password step, nothing else.
fn ask_new_password(app: &mut App, session: Session) {
    app.session = Some(session);
    app.intake = None;
    app.editing = None;
    app.screen = Screen::ChangePassword(change_password_form());
}

fn first_run_form(lang: Lang) -> Form {
    Form::new(vec![
        Field::text(Text::FieldOrgName),
        Field::text(Text::FieldProvince),
        Field::text(Text::FieldDefaultLanguage).with(lang.code()),
        Field::text(Text::FieldAdminUser),
        Field::secret(Text::FieldPassword),
        Field::secret(Text::FieldPasswordAgain),
    ])
}

fn client_form(province: &str, lang: Lang) -> Form {
    client_form_with(&ClientInfo { province: province.to_string(), ..ClientInfo::default() }, lang)
}

/// The words the client form shows for a sex for scoring, in the interface language.
fn sex_word(sex: Option<Sex>, lang: Lang) -> &'static str {
    match sex {
        Some(Sex::Female) => Text::SexFemale.get(lang),
        Some(Sex::Male) => Text::SexMale.get(lang),
        None => "",
    }
}

/// The sex for scoring typed in the client form: the English or French word or its first
/// letter, in any case; blank is not given. Anything else is the field error to show.
pub fn parse_sex_for_scoring(text: &str) -> Result<Option<Sex>, Text> {
    match text.trim().to_lowercase().as_str() {
        "" => Ok(None),
        "female" | "f" | "femme" => Ok(Some(Sex::Female)),
        "male" | "m" | "homme" | "h" => Ok(Some(Sex::Male)),
        _ => Err(Text::UnknownSex),
    }
}

/// The client form filled with `client`'s details (ticked populations and access needs).
pub fn client_form_with(client: &ClientInfo, lang: Lang) -> Form {
    let checks = |label, choices: &'static [(&'static str, Text)], codes: &[String]| {
        let mut field = Field::checks(label, choices);
        field.checked = choices.iter().map(|(code, _)| codes.iter().any(|c| c == code)).collect();
        field
    };
    Form::new(vec![
        Field::text(Text::FieldName).with(&client.name),
        Field::text(Text::FieldBirthDate).with(client.birth_date.as_deref().unwrap_or("")),
        Field::text(Text::FieldProvince).with(&client.province),
        Field::text(Text::FieldClientLanguage).with(client.language.map_or("", |l| l.code())),
        checks(Text::FieldPopulations, &POPULATIONS, &client.populations),
        checks(Text::FieldAccess, &ACCESS_NEEDS, &client.access_needs),
        // Last, so that filling the form field by field stays as it was before it existed.
        Field::text(Text::FieldSexForScoring).with(sex_word(client.sex_for_scoring, lang)),
    ])
}

/// Opens the client form on `client`, remembering the screen in front to come back to.
fn open_client_edit(app: &mut App, client: ClientInfo) {
    let back = std::mem::replace(&mut app.screen, Screen::ClientForm(client_form_with(&client, app.lang)));
    app.editing = Some(ClientEdit { client, back: Box::new(back) });
}

/// What scoring needs to know about the client: their sex for scoring and their age today (from
/// the date of birth); unknown ones stay unknown, and the instruments say what that means.
pub fn scoring_context(client: &ClientInfo, today: &str) -> Context {
    Context {
        sex: client.sex_for_scoring,
        age: client.birth_date.as_deref().and_then(|b| age_on(b, today)),
        cutoff: None,
    }
}

/// The province code (upper case) and language of two form fields, each marked if unknown.
fn province_and_language(form: &mut Form, province: usize, language: usize) -> (String, Option<Lang>) {
    let code = form.value(province).trim().to_ascii_uppercase();
    if crate::triage::vocab::Province::parse(&code).is_none() {
        form.fields[province].error = Some(Text::UnknownProvince);
    }
    let lang = Lang::parse(form.value(language).trim());
    if lang.is_none() {
        form.fields[language].error = Some(Text::UnknownLanguage);
    }
    (code, lang)
}

/// The client form's values, checked as for a new client; marks the fields in error.
fn client_from_form(form: &mut Form, today: &str) -> Option<ClientInfo> {
    for field in &mut form.fields {
        field.error = None;
    }
    if form.value(0).trim().is_empty() {
        form.fields[0].error = Some(Text::Required);
    }
    let birth = form.value(1).trim().to_string();
    if !valid_birth_date(&birth, today) {
        form.fields[1].error = Some(Text::BadDate);
    }
    let (province, language) = province_and_language(form, 2, 3);
    let sex_for_scoring = parse_sex_for_scoring(form.value(6)).unwrap_or_else(|error| {
        form.fields[6].error = Some(error);
        None
    });
    if form.first_error() {
        return None;
    }
    Some(ClientInfo {
        id: String::new(),
        name: form.value(0).trim().to_string(),
        birth_date: (!birth.is_empty()).then_some(birth),
        province,
        language,
        populations: form.fields[4].checked_codes(),
        access_needs: form.fields[5].checked_codes(),
        sex_for_scoring,
    })
}

/// The edited details for `original`: its id, and any population or access-need code the form
/// cannot show (recorded elsewhere, e.g. at a kiosk) kept as it was.
fn edited_client(original: &ClientInfo, mut edited: ClientInfo) -> ClientInfo {
    let keep_unlisted = |codes: &mut Vec<String>, old: &[String], listed: &[(&str, Text)]| {
        codes.extend(old.iter().filter(|c| !listed.iter().any(|(code, _)| code == c)).cloned());
    };
    keep_unlisted(&mut edited.populations, &original.populations, &POPULATIONS);
    keep_unlisted(&mut edited.access_needs, &original.access_needs, &ACCESS_NEEDS);
    ClientInfo { id: original.id.clone(), ..edited }
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

/// Changes `app` for one action. `today` (YYYY-MM-DD) is passed in so this stays pure.
pub fn update(app: &mut App, action: Action, library: &Library, care: &Care, today: &str) -> Vec<Effect> {
    match &action {
        Action::Tick(now) => {
            let idle = *now - app.last_activity_ms >= app.idle_lock_ms;
            if idle && app.session.is_some() && app.locked.is_none() {
                return lock(app);
            }
            return Vec::new();
        }
        Action::Resize(w, h) => {
            app.size = (*w, *h);
            return Vec::new();
        }
        Action::AlertNamed { entry, name } => {
            // A name that cannot be read leaves the reference, which is enough to find it.
            if let (Some(alert), Ok(found)) = (app.alert.as_mut(), name)
                && alert.entry == *entry
                && let super::backend::AlertSource::Staff { name, .. } = &mut alert.source
            {
                *name = Some(found.clone());
            }
            return Vec::new();
        }
        Action::Notice(notice) => {
            let mut effects = Vec::new();
            // Administrators get no clinical alert; the worker's own flag does not alert them.
            let staff = app.session.as_ref().is_some_and(|s| s.role != "admin");
            if let (super::backend::Notice::Alert(alert), true) = (notice, staff) {
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
            return effects;
        }
        _ => {}
    }
    if matches!(action, Action::Quit) {
        app.quit = true;
        return vec![Effect::Quit];
    }
    if matches!(action, Action::ToggleLanguage) {
        app.lang = if app.lang == Lang::En { Lang::Fr } else { Lang::En };
        return Vec::new();
    }
    // The help overlay closes on any key (the keymap sends CloseHelp while it is open).
    if matches!(action, Action::CloseHelp) {
        app.help = false;
        return Vec::new();
    }
    if matches!(action, Action::Help) {
        app.help = true;
        return Vec::new();
    }

    // The idle lock takes every key until the password is given again.
    if let Some(form) = app.locked.as_mut() {
        return match action {
            Action::Submit => {
                let user = form.value(0).to_string();
                let password = form.take(1);
                vec![Effect::Login { user, password }]
            }
            Action::LoggedIn(Ok(session)) => {
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
            Action::LoggedIn(Err(message)) => {
                form.take(1);
                app.status = Some(Status::Failed(message));
                Vec::new()
            }
            other => {
                form.edit(&other);
                Vec::new()
            }
        };
    }

    match action {
        Action::SetupChecked(Ok(true)) => {
            app.screen = Screen::FirstRun(first_run_form(app.lang));
            Vec::new()
        }
        Action::SetupChecked(Ok(false)) => {
            app.screen = Screen::Login(login_form(""));
            Vec::new()
        }
        Action::SetupChecked(Err(message)) => {
            app.error(message);
            app.screen = Screen::Login(login_form(""));
            Vec::new()
        }
        Action::Initialized(Ok(key)) => {
            app.status = None;
            app.screen = Screen::Recovery { key: Zeroizing::new(key), typed: String::new() };
            Vec::new()
        }
        Action::Initialized(Err(message)) | Action::LoggedIn(Err(message)) => {
            app.error(message);
            if let Screen::Login(form) = &mut app.screen
                && let Some(field) = form.fields.get_mut(1)
            {
                field.value = Zeroizing::new(String::new());
            }
            Vec::new()
        }
        Action::LoggedIn(Ok(session)) => {
            app.status = None;
            if session.password_reset.is_some() {
                ask_new_password(app, session);
                return Vec::new();
            }
            app.session = Some(session);
            land(app)
        }
        Action::PasswordChanged(Ok(())) => {
            if let Some(session) = app.session.as_mut() {
                session.password_reset = None;
            }
            app.status = Some(Status::Note(Text::PasswordChanged, None));
            land(app)
        }
        Action::PasswordChanged(Err(message)) => {
            app.error(message);
            if let Screen::ChangePassword(form) = &mut app.screen {
                *form = change_password_form();
            }
            Vec::new()
        }
        Action::HomeLoaded(Ok((org, mut entries))) => {
            // Critical first, then the most recently updated: the order shown is the order chosen.
            // Critical, then urgent, then the rest; the latest change first within a tier.
            entries.sort_by(|a, b| {
                b.critical.cmp(&a.critical).then(b.urgent.cmp(&a.urgent)).then(b.updated.cmp(&a.updated))
            });
            app.idle_lock_ms = idle_lock_ms(app.idle_lock_override_ms, org.idle_lock_minutes);
            app.org = Some(org);
            let alerted = app.select_entry.take().and_then(|entry| entries.iter().position(|e| e.encounter == entry));
            let selected = match (&app.screen, alerted) {
                (_, Some(index)) => index,
                (Screen::Home { selected, .. }, None) => (*selected).min(entries.len().saturating_sub(1)),
                _ => 0,
            };
            app.screen = Screen::Home { entries, selected };
            Vec::new()
        }
        Action::OrgLoaded(Ok(org)) => {
            app.idle_lock_ms = idle_lock_ms(app.idle_lock_override_ms, org.idle_lock_minutes);
            app.org = Some(org);
            Vec::new()
        }
        Action::HomeLoaded(Err(message))
        | Action::OrgLoaded(Err(message))
        | Action::ClientCreated(Err(message))
        | Action::EncounterStarted(Err(message)) => {
            app.error(message);
            Vec::new()
        }
        Action::EncounterOpened(Err(message)) | Action::ConsentRecorded(Err(message)) => {
            app.error(message);
            Vec::new()
        }
        Action::ClientCreated(Ok(client)) => {
            app.screen = super::screens::bundle::open(client, library, today);
            Vec::new()
        }
        Action::ClientUpdated(Ok(client)) => {
            // Back where the edit started, showing the client as stored now.
            if let Some(edit) = app.editing.take() {
                let mut back = *edit.back;
                match &mut back {
                    Screen::Search(search) => {
                        for found in search.clients.iter_mut().filter(|c| c.id == client.id) {
                            *found = client.clone();
                        }
                        search.selected = search.clients.iter().position(|c| c.id == client.id).unwrap_or(0);
                    }
                    Screen::History(history) if history.client.id == client.id => history.client = client,
                    _ => {}
                }
                app.screen = back;
            }
            app.status = Some(Status::Note(Text::ClientSaved, None));
            Vec::new()
        }
        Action::ClientUpdated(Err(message)) => {
            app.error(message);
            Vec::new()
        }
        Action::EncounterStarted(Ok((encounter, client, instruments))) => {
            let context = scoring_context(&client, today);
            let flow = IntakeFlow::new_in(library, &instruments, context, client.language.unwrap_or(Lang::En));
            app.intake = Some(Intake::new(encounter, client, flow));
            app.status = None;
            app.screen = Screen::Consent;
            Vec::new()
        }
        Action::ConsentRecorded(Ok(given)) => {
            if given {
                app.screen = Screen::Questionnaire;
            } else {
                app.intake = None;
                app.status = Some(Status::Note(Text::ConsentDeclinedNote, None));
                app.screen = Screen::Home { entries: Vec::new(), selected: 0 };
                return vec![Effect::LoadHome];
            }
            Vec::new()
        }
        Action::EncounterOpened(Ok(state)) => {
            // A kiosk encounter claimed here is re-scored from its answers with this client's context.
            let context = scoring_context(&state.client, today);
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
            let intake = Intake::new(state.encounter, state.client, flow);
            let unhandled =
                intake.flow.unhandled_critical(library).map(|(instrument, flags)| (false, instrument, flags)).or_else(
                    || intake.flow.unhandled_urgent(library).map(|(instrument, flags)| (true, instrument, flags)),
                );
            app.screen = match (consented, intake.flow.is_finished()) {
                (false, _) => Screen::Consent,
                (true, false) => Screen::Questionnaire,
                (true, true) => results_screen(&intake, library, care, today),
            };
            // A critical answer nobody has acted on yet (a kiosk submission, or an intake cut off
            // at the crisis screen) brings the crisis protocol up first; an urgent one, its brief
            // suicide safety assessment prompt.
            if let (true, Some((urgent, instrument, flags))) = (consented, unhandled) {
                app.screen = Screen::Crisis(CrisisState::new(urgent, instrument, flags));
            }
            app.intake = Some(intake);
            Vec::new()
        }
        Action::Saved(result) => {
            if let Some(intake) = app.intake.as_mut() {
                intake.save = match result {
                    Ok(()) => SaveState::Saved,
                    Err(message) => SaveState::Failed(message),
                };
            }
            Vec::new()
        }
        Action::ReferralSaved(result) => {
            // Success needs no message of its own: the summary's path follows and is shown.
            if let Err(message) = result {
                app.error(message);
            }
            Vec::new()
        }
        Action::DecisionSaved(result) => {
            if let (Screen::Results(state), Some(intake)) = (&mut app.screen, app.intake.as_ref()) {
                match result {
                    Ok(()) => {
                        let saved = state.saving.take();
                        state.overriding = None;
                        let (level, reason, lifted) =
                            saved.unwrap_or((state.decided.unwrap_or(state.plan.suggested), None, Vec::new()));
                        let replanned = state.decided != Some(level) || state.lifted != lifted;
                        state.decided = Some(level);
                        state.decided_reason = reason;
                        state.lifted = lifted;
                        if replanned {
                            replan(state, intake, library, care, today);
                        }
                        app.status = Some(Status::Note(Text::DecisionSaved, None));
                    }
                    Err(message) => {
                        state.saving = None;
                        app.status = Some(Status::Failed(message));
                    }
                }
            }
            Vec::new()
        }
        Action::UsersLoaded(result) => {
            match (result, &mut app.screen) {
                (Ok(users), Screen::Admin(state)) => {
                    state.selected = state.selected.min(users.len().saturating_sub(1));
                    state.users = users;
                }
                (Err(message), _) => app.error(message),
                _ => {}
            }
            Vec::new()
        }
        Action::UserSaved(result) => match result {
            Ok(name) => {
                if let Screen::Admin(state) = &mut app.screen {
                    state.new_user = None;
                }
                app.status = Some(Status::Note(Text::UserAdded, Some(name)));
                vec![Effect::LoadUsers]
            }
            Err(message) => {
                app.error(message);
                Vec::new()
            }
        },
        Action::AuditLoaded(result) => {
            match (result, &mut app.screen) {
                (Ok(entries), Screen::Admin(state)) => {
                    let filter = state.audit.as_ref().map(|a| a.filter.clone()).unwrap_or_default();
                    state.audit = Some(AuditView { entries, filter, typing: false, check: None, scroll: 0 });
                }
                (Err(message), _) => app.error(message),
                _ => {}
            }
            Vec::new()
        }
        Action::AuditChecked(result) => {
            match (result, &mut app.screen) {
                (Ok(check), Screen::Admin(state)) => {
                    if let Some(audit) = state.audit.as_mut() {
                        audit.check = Some(check);
                    }
                }
                (Err(message), _) => app.error(message),
                _ => {}
            }
            Vec::new()
        }
        Action::ClientsFound { query, found } => {
            // An answer to an older query (typing went on) is left out.
            match (found, &mut app.screen) {
                (Ok(found), Screen::Search(search)) if search.query == query => {
                    search.clients = found.clients;
                    search.more = found.more;
                    search.selected = 0;
                }
                (Err(message), _) => app.error(message),
                _ => {}
            }
            Vec::new()
        }
        Action::ReportLoaded(Ok(report)) => {
            app.screen = Screen::Report(Box::new(report));
            Vec::new()
        }
        Action::ReportLoaded(Err(message)) => {
            app.error(message);
            Vec::new()
        }
        Action::HistoryLoaded(Ok(history)) => {
            app.screen = Screen::History(Box::new(history));
            Vec::new()
        }
        Action::HistoryLoaded(Err(message)) => {
            app.error(message);
            Vec::new()
        }
        Action::SummaryWritten(result) => {
            match result {
                Ok(path) => {
                    if let Screen::Results(state) = &mut app.screen {
                        state.summary = Some(path.clone());
                    }
                    app.status = Some(Status::Note(Text::SummarySaved, Some(path)));
                }
                Err(message) => app.error(message),
            }
            Vec::new()
        }
        Action::CrisisRecorded(result) => {
            let Screen::Crisis(crisis) = &mut app.screen else {
                // A changed risk answer's reason or a waiver, recorded from the questionnaire.
                if let Err(message) = result {
                    app.error(message);
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
                            results_screen(intake, library, care, today)
                        } else {
                            Screen::Questionnaire
                        };
                    }
                }
                Err(message) => crisis.error = Some(Status::Failed(message)),
            }
            Vec::new()
        }
        Action::Admin(msg) => super::admin_ops::on_msg(app, msg),
        key => {
            app.status = app.status.take().filter(Status::is_error);
            screen_key(app, key, library, care, today)
        }
    }
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
    let user = app.session.as_ref().map(|s| s.user.clone()).unwrap_or_default();
    app.locked = Some(login_form(&user));
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
            search.query.zeroize();
            search.clients.wipe();
            Screen::Search(Box::default())
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

fn screen_key(app: &mut App, action: Action, library: &Library, care: &Care, today: &str) -> Vec<Effect> {
    let clinician = app.session.as_ref().is_some_and(|s| s.role == "clinician");
    if matches!(action, Action::Lock) && app.session.is_some() {
        return lock(app);
    }
    if action == Action::DismissAlert {
        app.alert = None;
        return Vec::new();
    }
    if action == Action::GoToQueue {
        let staff = app.session.as_ref().is_some_and(|s| s.role != "admin");
        // The crisis screen cannot be left without recording what was done, nor the new
        // password step without choosing one.
        if !staff || matches!(app.screen, Screen::Crisis(_) | Screen::Starting | Screen::ChangePassword(_)) {
            return Vec::new();
        }
        // Every answer is saved as it is given: the intake can be resumed from the queue.
        app.intake = None;
        app.editing = None;
        app.select_entry = app.alert.as_ref().map(|a| a.entry.clone());
        app.screen = Screen::Home { entries: Vec::new(), selected: 0 };
        return vec![Effect::LoadHome];
    }
    let lang = app.lang;
    match &mut app.screen {
        Screen::Starting => Vec::new(),
        Screen::FirstRun(form) => {
            if action != Action::Submit {
                form.edit(&action);
                return Vec::new();
            }
            for field in &mut form.fields {
                field.error = None;
            }
            for index in [0, 3] {
                if form.value(index).trim().is_empty() {
                    form.fields[index].error = Some(Text::Required);
                }
            }
            let (province, language) = province_and_language(form, 1, 2);
            check_new_password(form, 4, 5);
            if form.first_error() {
                return Vec::new();
            }
            let setup = Setup {
                org_name: form.value(0).trim().to_string(),
                province,
                language: language.unwrap_or(lang),
                admin: form.value(3).trim().to_string(),
            };
            // Sent: the form keeps neither copy.
            form.take(5);
            vec![Effect::Initialize { setup, password: form.take(4) }]
        }
        Screen::Recovery { typed, .. } => {
            match action {
                Action::Input(c) | Action::Letter(c) => typed.push(c),
                Action::DeleteChar => {
                    typed.pop();
                }
                Action::Submit => {
                    let confirmed =
                        Lang::ALL.iter().any(|l| typed.trim().eq_ignore_ascii_case(Text::RecoveryWord.get(*l)));
                    if confirmed {
                        app.screen = Screen::Login(login_form(""));
                    }
                }
                _ => {}
            }
            Vec::new()
        }
        Screen::Login(form) => {
            if action == Action::Submit {
                if form.value(0).trim().is_empty() {
                    form.focus = 0;
                    return Vec::new();
                }
                return vec![Effect::Login { user: form.value(0).trim().to_string(), password: form.take(1) }];
            }
            form.edit(&action);
            Vec::new()
        }
        Screen::ChangePassword(form) => {
            if action != Action::Submit {
                form.edit(&action);
                return Vec::new();
            }
            for field in &mut form.fields {
                field.error = None;
            }
            check_new_password(form, 0, 1);
            if form.first_error() {
                return Vec::new();
            }
            vec![Effect::ChangeOwnPassword { password: Zeroizing::new(form.value(0).to_string()) }]
        }
        Screen::Home { entries, selected } => match action {
            Action::Up => {
                *selected = selected.saturating_sub(1);
                Vec::new()
            }
            Action::Down => {
                *selected = (*selected + 1).min(entries.len().saturating_sub(1));
                Vec::new()
            }
            Action::Letter('n') => {
                let province = app.org.as_ref().map(|o| o.province.clone()).unwrap_or_default();
                app.editing = None;
                app.screen = Screen::ClientForm(client_form(&province, app.lang));
                Vec::new()
            }
            Action::Letter('r') => vec![Effect::LoadHome],
            Action::Letter('s') => vec![Effect::LoadReport],
            Action::Letter('/') | Action::Letter('f') => {
                app.screen = Screen::Search(Box::default());
                Vec::new()
            }
            Action::Letter('h') => {
                entries.get(*selected).map(|e| vec![Effect::LoadHistory(e.client.clone())]).unwrap_or_default()
            }
            Action::Letter('q') => {
                app.quit = true;
                vec![Effect::Quit]
            }
            Action::Submit => {
                let Some(entry) = entries.get(*selected) else { return Vec::new() };
                // Opening the alerted entry is seeing the alert.
                if app.alert.as_ref().is_some_and(|a| a.entry == entry.encounter) {
                    app.alert = None;
                }
                vec![Effect::OpenEncounter(entry.encounter.clone())]
            }
            _ => Vec::new(),
        },
        Screen::ClientForm(form) => {
            if action == Action::Back {
                // Leaving an edit goes back where it started, unchanged.
                if let Some(edit) = app.editing.take() {
                    app.screen = *edit.back;
                    return Vec::new();
                }
                app.screen = Screen::Home { entries: Vec::new(), selected: 0 };
                return vec![Effect::LoadHome];
            }
            if action != Action::Submit {
                form.edit(&action);
                return Vec::new();
            }
            let Some(client) = client_from_form(form, today) else { return Vec::new() };
            match &app.editing {
                Some(edit) => vec![Effect::UpdateClient(edited_client(&edit.client, client))],
                None => vec![Effect::CreateClient(client)],
            }
        }
        Screen::Consent => {
            let Some(intake) = app.intake.as_ref() else { return Vec::new() };
            if action == Action::Back {
                // The encounter stays in progress and can be resumed from the queue.
                app.intake = None;
                app.screen = Screen::Home { entries: Vec::new(), selected: 0 };
                return vec![Effect::LoadHome];
            }
            let given = match action {
                Action::Letter('y' | 'o') | Action::Choose(0) => true,
                Action::Letter('n') | Action::Choose(1) => false,
                _ => return Vec::new(),
            };
            vec![Effect::RecordConsent { encounter: intake.encounter.clone(), given }]
        }
        Screen::Questionnaire => super::screens::questionnaire::update(app, action, library, care, today),
        Screen::Crisis(crisis) => {
            match action {
                Action::Choose(n) if n < crisis_actions(crisis.urgent).len() => crisis.action = Some(n),
                Action::Up => crisis.action = Some(crisis.action.map_or(0, |a| a.saturating_sub(1))),
                Action::Down => {
                    let last = crisis_actions(crisis.urgent).len() - 1;
                    crisis.action = Some(crisis.action.map_or(0, |a| (a + 1).min(last)))
                }
                Action::NextField | Action::PrevField => crisis.note_focus = !crisis.note_focus,
                Action::Input(c) if crisis.note_focus && crisis.note.chars().count() < 500 => crisis.note.push(c),
                Action::Toggle if crisis.note_focus => crisis.note.push(' '),
                Action::DeleteChar if crisis.note_focus => {
                    crisis.note.pop();
                }
                Action::Submit => {
                    let Some(index) = crisis.action else {
                        crisis.error = Some(Status::Warning(Text::CrisisRecord));
                        return Vec::new();
                    };
                    let Some(intake) = app.intake.as_ref() else { return Vec::new() };
                    return vec![Effect::RecordCrisis {
                        encounter: intake.encounter.clone(),
                        flags: crisis.flags.iter().map(|f| format!("{}.{}", crisis.instrument, f.id)).collect(),
                        action: crisis_actions(crisis.urgent).get(index).map_or("", |a| a.0).to_string(),
                        note: crisis.note.to_string(),
                    }];
                }
                // The crisis screen cannot be left without recording what was done.
                _ => {}
            }
            Vec::new()
        }
        Screen::Admin(state) => admin_key(state, action, lang),
        Screen::Bundle(_) => super::screens::bundle::update(app, action, library),
        Screen::Search(search) => match action {
            Action::Back => {
                app.screen = Screen::Home { entries: Vec::new(), selected: 0 };
                vec![Effect::LoadHome]
            }
            Action::Up => {
                search.selected = search.selected.saturating_sub(1);
                Vec::new()
            }
            Action::Down => {
                search.selected = (search.selected + 1).min(search.clients.len().saturating_sub(1));
                Vec::new()
            }
            Action::Input(c) | Action::Letter(c) if search.query.chars().count() < 80 && !c.is_control() => {
                search.query.push(c);
                search.search()
            }
            Action::Toggle if search.query.chars().count() < 80 => {
                // A space ends a word: the words, and so the matches, stay the same.
                search.query.push(' ');
                Vec::new()
            }
            Action::DeleteChar => {
                search.query.pop();
                search.search()
            }
            Action::ClearField => {
                search.query.clear();
                search.search()
            }
            Action::EditClient => {
                if let Some(client) = search.clients.get(search.selected).cloned() {
                    open_client_edit(app, client);
                }
                Vec::new()
            }
            Action::Submit => {
                if let Some(client) = search.clients.get(search.selected).cloned() {
                    app.screen = super::screens::bundle::open(client, library, today);
                }
                Vec::new()
            }
            _ => Vec::new(),
        },
        Screen::Report(_) => match action {
            Action::Back | Action::Letter('q') => {
                let admin = app.session.as_ref().is_some_and(|s| s.role == "admin");
                if admin {
                    app.screen = Screen::Admin(Box::default());
                    vec![Effect::LoadUsers]
                } else {
                    app.screen = Screen::Home { entries: Vec::new(), selected: 0 };
                    vec![Effect::LoadHome]
                }
            }
            _ => Vec::new(),
        },
        Screen::History(history) => match action {
            Action::Back | Action::Letter('q') => {
                app.screen = Screen::Home { entries: Vec::new(), selected: 0 };
                vec![Effect::LoadHome]
            }
            Action::Letter('e') | Action::EditClient => {
                let client = history.client.clone();
                open_client_edit(app, client);
                Vec::new()
            }
            _ => Vec::new(),
        },
        Screen::Results(state) => results_key(state, action, app.intake.as_ref(), (lang, clinician), today)
            .unwrap_or_else(|| {
                app.intake = None;
                app.screen = Screen::Home { entries: Vec::new(), selected: 0 };
                vec![Effect::LoadHome]
            }),
    }
}

/// The results screen for a finished flow, with its plan computed once.
pub(crate) fn results_screen(intake: &Intake, library: &Library, care: &Care, today: &str) -> Screen {
    let results: Vec<&ScoreResult> = intake.flow.results().collect();
    let plan = care.plan(library, &intake.client.care_client(today), &results, &[]);
    let picked = vec![false; plan.resources.len()];
    let qr_codes = plan.resources.iter().map(|r| r.url.as_deref().and_then(crate::tui::qr::lines)).collect();
    Screen::Results(Box::new(ResultsState {
        plan,
        cursor: 0,
        picked,
        overriding: None,
        decided: None,
        summary: None,
        error: None,
        qr_codes,
        decided_reason: None,
        lifted: Vec::new(),
        lifting: None,
        saving: None,
    }))
}

/// The plan again after a decision: matched at the final level, with the lifted exclusions;
/// the picks of resources still listed are kept.
fn replan(state: &mut ResultsState, intake: &Intake, library: &Library, care: &Care, today: &str) {
    let results: Vec<&ScoreResult> = intake.flow.results().collect();
    let decided = crate::intake::care::Decided { level: state.decided, lifted: state.lifted.clone() };
    let plan = care.plan_decided(library, &intake.client.care_client(today), &results, &[], &decided);
    let picked_ids: Vec<&str> =
        state.plan.resources.iter().zip(&state.picked).filter(|(_, p)| **p).map(|(r, _)| r.id.as_str()).collect();
    state.picked = plan.resources.iter().map(|r| picked_ids.contains(&r.id.as_str())).collect();
    state.qr_codes = plan.resources.iter().map(|r| r.url.as_deref().and_then(crate::tui::qr::lines)).collect();
    state.cursor = state.cursor.min(plan.resources.len().saturating_sub(1));
    state.plan = plan;
}

/// Keys on the results screen; `None` means the worker finished and goes home.
fn results_key(
    state: &mut ResultsState,
    action: Action,
    intake: Option<&Intake>,
    (lang, clinician): (Lang, bool),
    today: &str,
) -> Option<Vec<Effect>> {
    let intake = intake?;
    state.error = None;
    let save = |state: &mut ResultsState, level: Level, reason: Option<String>, lifted: Vec<_>| {
        state.saving = Some((level, reason.clone(), lifted.clone()));
        Effect::SaveDecision {
            encounter: intake.encounter.clone(),
            suggested: state.plan.suggested.as_str().to_string(),
            // The record keeps the reasons in English, as every record has.
            reasons: state.plan.reasons.iter().map(ToString::to_string).collect(),
            final_level: level.as_str().to_string(),
            override_reason: reason,
            lifted,
        }
    };
    if let Some(prompt) = state.lifting.as_mut() {
        match (prompt.choice, action) {
            (_, Action::Back) => state.lifting = None,
            (None, Action::Choose(n)) if n < state.plan.liftable.len() => prompt.choice = Some(n),
            (Some(_), Action::Input(c)) if prompt.reason.chars().count() < 300 => prompt.reason.push(c),
            (Some(_), Action::Toggle) => prompt.reason.push(' '),
            (Some(_), Action::DeleteChar) => {
                prompt.reason.pop();
            }
            (Some(choice), Action::Submit) => {
                if prompt.reason.trim().is_empty() {
                    state.error = Some(Text::LiftReasonNeeded);
                    return Some(Vec::new());
                }
                let Some(target) = state.plan.liftable.get(choice) else { return Some(Vec::new()) };
                let mut lifted = state.lifted.clone();
                lifted.push(crate::triage::matching::LiftedExclusion {
                    resource: target.resource.clone(),
                    criterion: target.criterion,
                    reason: prompt.reason.trim().to_string(),
                });
                state.lifting = None;
                // Recorded at once, as a new decision at the level already decided.
                let level = state.decided.unwrap_or(state.plan.suggested);
                let reason = state.decided_reason.clone();
                return Some(vec![save(state, level, reason, lifted)]);
            }
            _ => {}
        }
        return Some(Vec::new());
    }
    if let Some((level, reason)) = state.overriding.as_mut() {
        match action {
            Action::Up | Action::Down => {
                let index = Level::ALL.iter().position(|l| l == level).unwrap_or(0);
                let next =
                    if action == Action::Up { index + Level::ALL.len() - 1 } else { index + 1 } % Level::ALL.len();
                *level = Level::ALL[next];
            }
            Action::Input(c) | Action::Letter(c) if reason.chars().count() < 300 => reason.push(c),
            Action::Toggle => reason.push(' '),
            Action::DeleteChar => {
                reason.pop();
            }
            Action::Back => state.overriding = None,
            Action::Submit => {
                if reason.trim().is_empty() {
                    state.error = Some(Text::OverrideReason);
                    return Some(Vec::new());
                }
                let (level, reason) = (*level, Some(reason.trim().to_string()));
                let lifted = state.lifted.clone();
                return Some(vec![save(state, level, reason, lifted)]);
            }
            _ => {}
        }
        return Some(Vec::new());
    }
    let count = state.plan.resources.len();
    match action {
        Action::Up => state.cursor = state.cursor.saturating_sub(1),
        Action::Down => state.cursor = (state.cursor + 1).min(count.saturating_sub(1)),
        Action::Toggle | Action::Submit => {
            if let Some(pick) = state.picked.get_mut(state.cursor) {
                *pick = !*pick;
            }
        }
        Action::Letter('c') => {
            let (suggested, lifted) = (state.plan.suggested, state.lifted.clone());
            return Some(vec![save(state, suggested, None, lifted)]);
        }
        // A clinician lifts a flag-based exclusion, with a reason (issue 12).
        Action::Letter('x') if clinician && !state.plan.liftable.is_empty() => {
            state.lifting = Some(LiftPrompt::default());
        }
        Action::Letter('o') => state.overriding = Some((state.plan.suggested, String::new())),
        Action::Letter('p') => {
            if state.decided.is_none() {
                state.error = Some(Text::KeyConfirmLevel);
                return Some(Vec::new());
            }
            let client_lang = intake.client.language.unwrap_or(lang);
            let resources = state
                .plan
                .resources
                .iter()
                .zip(&state.picked)
                .map(|(r, picked)| (r.id.clone(), r.reasons.iter().map(ToString::to_string).collect(), *picked))
                .collect();
            let text = super::screens::results::summary_text(&state.plan, &state.picked, client_lang, today);
            let stamp: String = today.chars().filter(char::is_ascii_digit).collect();
            let file_name = format!("referral-{stamp}-{}.txt", &intake.encounter.chars().take(8).collect::<String>());
            return Some(vec![
                Effect::SaveReferral { encounter: intake.encounter.clone(), resources },
                Effect::WriteSummary { file_name, text },
            ]);
        }
        Action::Letter('f') | Action::Back => return None,
        _ => {}
    }
    Some(Vec::new())
}

/// Keys on the administration screen.
fn admin_key(state: &mut AdminState, action: Action, _lang: Lang) -> Vec<Effect> {
    if let Some(effects) = super::admin_ops::key(state, &action) {
        return effects;
    }
    if let Some(form) = state.new_user.as_mut() {
        match action {
            Action::Back => state.new_user = None,
            Action::Submit => {
                for field in &mut form.fields {
                    field.error = None;
                }
                let name = form.value(0).trim().to_string();
                if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')) {
                    form.fields[0].error = Some(Text::Required);
                }
                let role = form.value(2).trim().to_lowercase();
                if !["admin", "clinician", "intake", "kiosk"].contains(&role.as_str()) {
                    form.fields[2].error = Some(Text::UnknownRole);
                }
                check_new_password(form, 3, 4);
                if form.first_error() {
                    return Vec::new();
                }
                let display = form.value(1).trim();
                let display_name = if display.is_empty() { name.clone() } else { display.to_string() };
                form.take(4);
                return vec![Effect::AddUser { display_name, name, role, password: form.take(3) }];
            }
            other => {
                form.edit(&other);
            }
        }
        return Vec::new();
    }
    if let Some(audit) = state.audit.as_mut() {
        if audit.typing {
            match action {
                Action::Submit | Action::Back => audit.typing = false,
                Action::Input(c) | Action::Letter(c) if audit.filter.chars().count() < 80 => audit.filter.push(c),
                Action::Toggle => audit.filter.push(' '),
                Action::DeleteChar => {
                    audit.filter.pop();
                }
                Action::ClearField => audit.filter.clear(),
                _ => {}
            }
            audit.scroll = 0;
            return Vec::new();
        }
        match action {
            Action::Letter('/') | Action::Letter('f') => audit.typing = true,
            Action::Letter('v') => return vec![Effect::VerifyAudit],
            Action::Letter('r') => return vec![Effect::LoadAudit],
            Action::Down => audit.scroll = (audit.scroll + 1).min(audit.visible().len().saturating_sub(1)),
            Action::Up => audit.scroll = audit.scroll.saturating_sub(1),
            Action::Letter('u') | Action::Back => state.audit = None,
            _ => {}
        }
        return Vec::new();
    }
    match action {
        Action::Up => state.selected = state.selected.saturating_sub(1),
        Action::Down => state.selected = (state.selected + 1).min(state.users.len().saturating_sub(1)),
        Action::Letter('n') => state.new_user = Some(new_user_form()),
        Action::Letter('d') => {
            if let Some(user) = state.users.get(state.selected) {
                return vec![Effect::SetUserActive { name: user.name.clone(), active: !user.active }];
            }
        }
        Action::Letter('a') => return vec![Effect::LoadAudit],
        Action::Letter('s') => return vec![Effect::LoadReport],
        Action::Letter('r') => return vec![Effect::LoadUsers],
        _ => {}
    }
    Vec::new()
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
