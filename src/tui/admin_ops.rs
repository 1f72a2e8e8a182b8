//! The administration screen's tasks beyond users and the audit log, each the interface's face
//! of a command-line subcommand: the store's lock status (`triage status`), kiosk check-in codes
//! (`triage checkin issue|list|revoke`), a backup (`triage backup create`), an export (`triage export`), the
//! organisation's settings (`triage settings set`), and the checks of the resource catalog
//! (`triage resources check`) and of the questionnaire library (`triage instruments check`).
//!
//! Pure, like `app`: keys and replies change a [`Tool`] and return effects. A task runs in two
//! steps so its "working" state is on screen before a long export or backup starts: Enter
//! *queues* a [`Job`]; the shell draws, sees [`queued`], sends [`AdminMsg::Run`], and performs the
//! job's effect; the reply comes back as [`AdminMsg::Done`].

use zeroize::Zeroizing;

use super::app::{App, Effect, Field, FieldKind, Form, Screen, Status};
use super::backend::{
    BackendError, BackupInfo, CheckinRow, ExportChoice, ExportFormat, ExportInfo, IssuedCode, OwnerInfo,
};
use crate::instrument::AsqMode;
use crate::store::settings::{CRISIS_TEXT_MAX, IDLE_LOCK_MINUTES, KIOSK_TIMEOUT_SECONDS};
use crate::store::{Settings, SettingsUpdate, SettingsUpdated};
use crate::ui::strings::Text;

/// Longest lifetime of a check-in code, in minutes (the owner enforces the same).
pub const CHECKIN_MAX_MINUTES: u32 = crate::store::kiosk::CHECKIN_MAX_MINUTES;
/// Default lifetime of a check-in code, in minutes.
pub const CHECKIN_DEFAULT_MINUTES: u32 = crate::store::kiosk::CHECKIN_DEFAULT_MINUTES;
/// Catalog entries not verified for this many days are listed as stale (as the CLI).
pub const STALE_DAYS_DEFAULT: u32 = 365;
const STALE_DAYS_MAX: u32 = 3650;
/// The longest export reason (the owner's limit: it is sealed into every page's audit entry).
pub const EXPORT_REASON_MAX: usize = 200;
/// Room for several age public keys (62 characters each) on the export form.
const EXPORT_RECIPIENTS_MAX: usize = 640;
/// The export form's option boxes.
pub const EXPORT_OPTIONS: [(&str, Text); 1] = [("deidentify", Text::AdminDeidentify)];
/// The ASQ setting as one tick box: ticked, the ASQ follows a PHQ-9 item 9 answer above "Not at
/// all"; not ticked (the default), it is asked of everyone (`AsqMode`).
pub const ASQ_OPTIONS: [(&str, Text); 1] = [("after-phq9-item9", Text::AdminAsqAfterItem9)];

/// Which task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolKind {
    Status,
    Checkin,
    Backup,
    VerifyBackup,
    Export,
    KioskPin,
    Settings,
    Resources,
    Instruments,
}

impl ToolKind {
    /// Every task, in the order the users screen lists them.
    pub const ALL: [ToolKind; 9] = [
        ToolKind::Checkin,
        ToolKind::Backup,
        ToolKind::VerifyBackup,
        ToolKind::Export,
        ToolKind::KioskPin,
        ToolKind::Settings,
        ToolKind::Status,
        ToolKind::Resources,
        ToolKind::Instruments,
    ];

    /// The key that opens the task from the users screen.
    pub const fn letter(self) -> char {
        match self {
            ToolKind::Checkin => 'c',
            ToolKind::Backup => 'b',
            ToolKind::VerifyBackup => 'v',
            ToolKind::Export => 'e',
            ToolKind::KioskPin => 'p',
            ToolKind::Settings => 'g',
            ToolKind::Status => 'o',
            ToolKind::Resources => 'k',
            ToolKind::Instruments => 'i',
        }
    }

    pub fn title(self) -> Text {
        match self {
            ToolKind::Status => Text::AdminStatusTitle,
            ToolKind::Checkin => Text::AdminCheckinTitle,
            ToolKind::Backup => Text::AdminBackupTitle,
            ToolKind::VerifyBackup => Text::AdminVerifyTitle,
            ToolKind::Export => Text::AdminExportTitle,
            ToolKind::KioskPin => Text::AdminPinTitle,
            ToolKind::Settings => Text::AdminSettingsTitle,
            ToolKind::Resources => Text::AdminResourcesTitle,
            ToolKind::Instruments => Text::AdminInstrumentsTitle,
        }
    }

    /// What the task does, and the command that does the same.
    pub fn intro(self) -> Text {
        match self {
            ToolKind::Status => Text::AdminStatusIntro,
            ToolKind::Checkin => Text::AdminCheckinIntro,
            ToolKind::Backup => Text::AdminBackupIntro,
            ToolKind::VerifyBackup => Text::AdminVerifyIntro,
            ToolKind::Export => Text::AdminExportIntro,
            ToolKind::KioskPin => Text::AdminPinIntro,
            ToolKind::Settings => Text::AdminSettingsIntro,
            ToolKind::Resources => Text::AdminResourcesIntro,
            ToolKind::Instruments => Text::AdminInstrumentsIntro,
        }
    }

    /// Its label in the footer and the help.
    pub const fn key_label(self) -> Text {
        match self {
            ToolKind::Status => Text::KeyAdminStatus,
            ToolKind::Checkin => Text::KeyAdminCheckin,
            ToolKind::Backup => Text::KeyAdminBackup,
            ToolKind::VerifyBackup => Text::KeyAdminVerifyBackup,
            ToolKind::Export => Text::KeyAdminExport,
            ToolKind::KioskPin => Text::KeyAdminKioskPin,
            ToolKind::Settings => Text::KeyAdminSettings,
            ToolKind::Resources => Text::KeyAdminResources,
            ToolKind::Instruments => Text::KeyAdminInstruments,
        }
    }

    fn form(self) -> Form {
        Form::new(match self {
            ToolKind::Status => Vec::new(),
            ToolKind::Checkin => vec![
                Field::text(Text::AdminFieldMinutes).with(&CHECKIN_DEFAULT_MINUTES.to_string()),
                Field::text(Text::AdminFieldClientId),
            ],
            ToolKind::Backup => vec![Field::text(Text::AdminFieldBackupPath)],
            ToolKind::VerifyBackup => {
                vec![Field::text(Text::AdminFieldBackupToCheck), Field::secret(Text::AdminFieldYourPassword)]
            }
            ToolKind::Export => vec![
                Field::text(Text::AdminFieldFormat).with("jsonl"),
                Field::text(Text::AdminFieldExportPath),
                Field::text(Text::AdminFieldReason).max_chars(EXPORT_REASON_MAX),
                Field::text(Text::AdminFieldRecipients).max_chars(EXPORT_RECIPIENTS_MAX),
                Field::checks(Text::AdminFieldOptions, &EXPORT_OPTIONS),
            ],
            ToolKind::KioskPin => vec![Field::secret(Text::AdminFieldPin), Field::secret(Text::AdminFieldPinAgain)],
            // Filled with the current settings when they arrive (`Job::LoadSettings`).
            ToolKind::Settings => vec![
                Field::text(Text::AdminFieldIdleLock),
                Field::text(Text::AdminFieldKioskTimeout),
                Field::text(Text::AdminFieldCrisisText).max_chars(CRISIS_TEXT_MAX),
                Field::text(Text::AdminFieldCrisisTextFr).max_chars(CRISIS_TEXT_MAX),
                Field::checks(Text::AdminFieldAsq, &ASQ_OPTIONS),
            ],
            ToolKind::Resources => vec![
                Field::text(Text::AdminFieldCatalogDir),
                Field::text(Text::AdminFieldStaleDays).with(&STALE_DAYS_DEFAULT.to_string()),
            ],
            ToolKind::Instruments => vec![Field::text(Text::AdminFieldInstrumentsPath)],
        })
    }

    /// What the task fetches as soon as it opens, before its form (if anything).
    fn first_job(self) -> Option<Job> {
        match self {
            ToolKind::Status => Some(Job::OwnerStatus),
            ToolKind::Settings => Some(Job::LoadSettings),
            ToolKind::Checkin => Some(Job::ListCheckins),
            _ => None,
        }
    }
}

/// Work for the shell ([`Effect::Admin`]). Paths are as typed; the shell resolves them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    OwnerStatus,
    IssueCheckin {
        minutes: u32,
        client: Option<String>,
    },
    /// The outstanding check-in codes (references, never the codes).
    ListCheckins,
    RevokeCheckin {
        reference: String,
    },
    Backup {
        path: String,
    },
    /// Checked here, with the signed-in account's password (`user` is filled in when it runs).
    VerifyBackup {
        path: String,
        user: String,
        password: Zeroizing<String>,
    },
    Export {
        format: ExportFormat,
        path: String,
        /// De-identified or not, the reason, the age keys to encrypt to.
        choice: ExportChoice,
    },
    SetKioskPin {
        pin: Zeroizing<String>,
    },
    /// The current settings, to fill the settings form.
    LoadSettings,
    /// Every setting of the form; the owner saves and audits those that differ.
    SaveSettings(SettingsUpdate),
    CheckResources {
        dir: Option<String>,
        stale_days: u32,
    },
    CheckInstruments {
        path: Option<String>,
    },
}

/// What a check found, as `file:line:column: message` lines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Findings {
    /// Resources or files checked.
    pub checked: usize,
    pub errors: Vec<String>,
    /// Catalog entries not verified within the limit.
    pub stale: Vec<String>,
    pub warnings: Vec<String>,
    /// Instruments that cannot be offered at all.
    pub unavailable: usize,
}

/// How serious one finding is, for its label and colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Stale,
    Warning,
}

impl Findings {
    /// Every finding in order: errors, stale entries, other warnings.
    pub fn lines(&self) -> Vec<(Severity, &str)> {
        self.errors
            .iter()
            .map(|l| (Severity::Error, l.as_str()))
            .chain(self.stale.iter().map(|l| (Severity::Stale, l.as_str())))
            .chain(self.warnings.iter().map(|l| (Severity::Warning, l.as_str())))
            .collect()
    }
}

/// A finished task's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Status(OwnerInfo),
    Checkin(IssuedCode),
    Checkins(Vec<CheckinRow>),
    /// The reference of the code revoked.
    CheckinRevoked(String),
    Backup(BackupInfo),
    BackupVerified(BackupInfo),
    Export(ExportInfo),
    KioskPinSet,
    SettingsLoaded(Settings),
    SettingsSaved(SettingsUpdated),
    Resources(Findings),
    Instruments(Findings),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// The form is open (text keys type into it).
    Editing,
    /// Waiting for the shell to draw this state and start the job.
    Queued(Job),
    /// The shell is performing the job.
    Working,
    Done(Box<Outcome>),
    Failed(BackendError),
}

/// One open task on the administration screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Tool {
    pub kind: ToolKind,
    pub form: Form,
    pub stage: Stage,
    /// First finding shown (checks).
    pub scroll: usize,
    /// The check-in task's outstanding codes (`None` until they arrive).
    pub codes: Option<Vec<CheckinRow>>,
    /// The code selected in `codes`.
    pub selected: usize,
    /// The reference of the code waiting for `y` to be revoked.
    pub confirm: Option<String>,
    /// The codes are being read again behind a result that stays on screen.
    reloading: bool,
    /// How many encounters the running export has written so far.
    pub progress: Option<u64>,
}

impl Tool {
    /// Opens a task: the status and the current settings are fetched at once, the others start
    /// with their form.
    pub fn open(kind: ToolKind) -> Tool {
        let stage = kind.first_job().map_or(Stage::Editing, Stage::Queued);
        Tool {
            kind,
            form: kind.form(),
            stage,
            scroll: 0,
            codes: None,
            selected: 0,
            confirm: None,
            reloading: false,
            progress: None,
        }
    }

    /// Puts the settings in the form (line breaks in a crisis text are kept in the value).
    fn fill_settings(&mut self, settings: &Settings) {
        let values = [
            settings.staff_idle_lock_minutes.to_string(),
            settings.kiosk_timeout_seconds.to_string(),
            settings.crisis_text.clone(),
            settings.crisis_text_fr.clone().unwrap_or_default(),
        ];
        for (field, value) in self.form.fields.iter_mut().zip(values) {
            field.value = Zeroizing::new(value);
            field.error = None;
        }
        if let Some(asq) = self.form.fields.get_mut(4) {
            asq.checked = vec![!settings.asq_mode.is_universal()];
        }
    }

    /// Printable keys are text (the form has focus).
    pub fn takes_text(&self) -> bool {
        self.stage == Stage::Editing
    }

    /// The job the form describes, or `None` with the errors marked on the form.
    pub(crate) fn job(&mut self) -> Option<Job> {
        let form = &mut self.form;
        for field in &mut form.fields {
            field.error = None;
        }
        let text = |form: &Form, index: usize| form.value(index).trim().to_string();
        let optional = |value: String| (!value.is_empty()).then_some(value);
        let job = match self.kind {
            ToolKind::Status => Some(Job::OwnerStatus),
            ToolKind::Checkin => {
                let minutes = whole_number(&text(form, 0), CHECKIN_MAX_MINUTES);
                if minutes.is_none() {
                    form.fields[0].error = Some(Text::AdminMinutesRange);
                }
                let client = text(form, 1).to_ascii_lowercase();
                let client_ok =
                    client.is_empty() || (client.len() == 32 && client.chars().all(|c| c.is_ascii_hexdigit()));
                if !client_ok {
                    form.fields[1].error = Some(Text::AdminBadClientId);
                }
                minutes.filter(|_| client_ok).map(|minutes| Job::IssueCheckin { minutes, client: optional(client) })
            }
            ToolKind::Backup => match optional(text(form, 0)) {
                Some(path) => Some(Job::Backup { path }),
                None => {
                    form.fields[0].error = Some(Text::Required);
                    None
                }
            },
            ToolKind::VerifyBackup => {
                let path = optional(text(form, 0));
                if path.is_none() {
                    form.fields[0].error = Some(Text::Required);
                }
                let password = Zeroizing::new(form.value(1).to_string());
                if password.is_empty() {
                    form.fields[1].error = Some(Text::Required);
                }
                path.filter(|_| !password.is_empty()).map(|path| Job::VerifyBackup {
                    path,
                    user: String::new(),
                    password,
                })
            }
            ToolKind::Export => {
                let format = match text(form, 0).to_ascii_lowercase().as_str() {
                    "jsonl" => Some(ExportFormat::Jsonl),
                    "csv" => Some(ExportFormat::Csv),
                    "fhir" => Some(ExportFormat::Fhir),
                    _ => None,
                };
                if format.is_none() {
                    form.fields[0].error = Some(Text::AdminUnknownFormat);
                }
                let path = optional(text(form, 1));
                if path.is_none() {
                    form.fields[1].error = Some(Text::Required);
                }
                let deidentify = form.fields[4].checked.first().copied().unwrap_or(false);
                // As the owner: an identifiable export says why.
                let reason = text(form, 2);
                if reason.is_empty() && !deidentify {
                    form.fields[2].error = Some(Text::AdminReasonRequired);
                }
                let recipients = text(form, 3);
                if crate::export::recipients::from_line(&recipients)
                    .and_then(crate::export::recipients::checked)
                    .is_err()
                {
                    form.fields[3].error = Some(Text::AdminBadRecipient);
                }
                if deidentify && format.is_some_and(|f| f != ExportFormat::Csv) {
                    form.fields[4].error = Some(Text::AdminDeidentifyCsvOnly);
                }
                let choice = ExportChoice { deidentify, reason, recipients };
                format.zip(path).map(|(format, path)| Job::Export { format, path, choice })
            }
            ToolKind::KioskPin => {
                let pin = Zeroizing::new(form.value(0).to_string());
                if crate::store::kiosk::check_pin(&pin).is_err() {
                    form.fields[0].error = Some(Text::AdminPinRule);
                } else if form.value(1) != pin.as_str() {
                    form.fields[1].error = Some(Text::AdminPinsDiffer);
                }
                Some(Job::SetKioskPin { pin })
            }
            ToolKind::Resources => {
                let stale_days = whole_number(&text(form, 1), STALE_DAYS_MAX);
                if stale_days.is_none() {
                    form.fields[1].error = Some(Text::AdminStaleDaysRange);
                }
                stale_days.map(|stale_days| Job::CheckResources { dir: optional(text(form, 0)), stale_days })
            }
            ToolKind::Settings => settings_job(form),
            ToolKind::Instruments => Some(Job::CheckInstruments { path: optional(text(form, 0)) }),
        };
        if form.first_error() {
            return None;
        }
        job
    }
}

/// A whole number from 1 to `max`.
fn whole_number(text: &str, max: u32) -> Option<u32> {
    text.parse::<u32>().ok().filter(|n| (1..=max).contains(n))
}

/// The settings form as a save, with the store's own check ([`crate::store::settings::validate`])
/// marking each refused field.
fn settings_job(form: &mut Form) -> Option<Job> {
    let number = |index: usize, range: &std::ops::RangeInclusive<u32>| {
        form.value(index).trim().parse::<u32>().ok().filter(|n| range.contains(n))
    };
    let minutes = number(0, &IDLE_LOCK_MINUTES);
    let seconds = number(1, &KIOSK_TIMEOUT_SECONDS);
    let english = form.value(2).trim().to_string();
    let french = Some(form.value(3).trim().to_string()).filter(|text| !text.is_empty());
    let errors = [
        (0, minutes.is_none().then_some(Text::AdminIdleLockRange)),
        (1, seconds.is_none().then_some(Text::AdminKioskTimeoutRange)),
        (2, english.is_empty().then_some(Text::Required)),
    ];
    for (index, error) in errors {
        form.fields[index].error = error;
    }
    let (minutes, seconds) = minutes.zip(seconds)?;
    let settings = Settings {
        staff_idle_lock_minutes: minutes,
        kiosk_timeout_seconds: seconds,
        crisis_text: english,
        crisis_text_fr: french,
        asq_mode: if form.fields.get(4).is_some_and(|f| f.checked.first() == Some(&true)) {
            AsqMode::AfterPhq9Item9
        } else {
            AsqMode::Universal
        },
        ..Settings::default()
    };
    if form.fields[2].error.is_none()
        && let Err(crate::store::StoreError::Invalid { field, .. }) = crate::store::settings::validate(&settings)
    {
        let index = if field == "French crisis text" { 3 } else { 2 };
        form.fields[index].error = Some(Text::AdminCrisisTextRule);
    }
    let Settings { staff_idle_lock_minutes, kiosk_timeout_seconds, crisis_text, crisis_text_fr, asq_mode, .. } =
        settings;
    Some(Job::SaveSettings(SettingsUpdate {
        staff_idle_lock_minutes: Some(staff_idle_lock_minutes),
        kiosk_timeout_seconds: Some(kiosk_timeout_seconds),
        crisis_text: Some(crisis_text),
        crisis_text_fr: Some(crisis_text_fr),
        asq_mode: Some(asq_mode),
        // Not on the form: kept as they are.
        ..SettingsUpdate::default()
    }))
}

/// The shell's go-ahead, and the job's reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminMsg {
    /// The queued state is on screen: start the job.
    Run,
    /// The running job has written this many encounters (exports).
    Progress(u64),
    Done(Result<Outcome, BackendError>),
}

/// Whether a job waits for the shell's [`AdminMsg::Run`] (checked after each frame is drawn).
pub fn queued(app: &App) -> bool {
    app.locked.is_none()
        && matches!(&app.screen, Screen::Admin(state)
            if state.tool.as_ref().is_some_and(|t| matches!(t.stage, Stage::Queued(_))))
}

/// The shell's go-ahead and the jobs' replies.
pub fn on_msg(app: &mut App, msg: AdminMsg) -> Vec<Effect> {
    let signed_in = app.session.as_ref().map(|s| s.user.clone()).unwrap_or_default();
    let tool = match &mut app.screen {
        Screen::Admin(state) => match state.tool.as_mut() {
            Some(tool) => Some((tool, &mut state.issued)),
            None => None,
        },
        _ => None,
    };
    let Some((tool, issued)) = tool else {
        // The task was left before its reply came: only a failure is worth saying.
        if let AdminMsg::Done(Err(message)) = msg {
            app.status = Some(Status::Failed(message));
        }
        return Vec::new();
    };
    match msg {
        AdminMsg::Progress(done) => {
            if tool.stage == Stage::Working {
                tool.progress = Some(done);
            }
        }
        AdminMsg::Run => {
            tool.progress = None;
            if let Stage::Queued(mut job) = std::mem::replace(&mut tool.stage, Stage::Working) {
                if let Job::VerifyBackup { user, .. } = &mut job {
                    *user = signed_in;
                }
                // A password or PIN has done its work once the job has it.
                for field in &mut tool.form.fields {
                    if field.kind == FieldKind::Secret {
                        field.value = Zeroizing::new(String::new());
                    }
                }
                return vec![Effect::Admin(job)];
            }
        }
        AdminMsg::Done(Ok(Outcome::Checkins(codes))) => {
            tool.selected = tool.selected.min(codes.len().saturating_sub(1));
            tool.codes = Some(codes.clone());
            if !std::mem::take(&mut tool.reloading) {
                tool.stage = Stage::Done(Box::new(Outcome::Checkins(codes)));
            }
        }
        // A failed reload leaves the result on screen and says why below.
        AdminMsg::Done(Err(message)) if tool.reloading => {
            tool.reloading = false;
            app.status = Some(Status::Failed(message));
        }
        AdminMsg::Done(Ok(Outcome::SettingsLoaded(settings))) => {
            tool.fill_settings(&settings);
            tool.stage = Stage::Editing;
            apply_settings(&mut app.idle_lock_ms, app.idle_lock_override_ms, &mut app.org, &settings);
        }
        AdminMsg::Done(result) => {
            tool.scroll = 0;
            if let Ok(Outcome::SettingsSaved(saved)) = &result {
                apply_settings(&mut app.idle_lock_ms, app.idle_lock_override_ms, &mut app.org, &saved.settings);
            }
            // Issuing or revoking a code changes the outstanding list: read it again.
            let reload = matches!(&result, Ok(Outcome::Checkin(_) | Outcome::CheckinRevoked(_)));
            tool.stage = match result {
                Ok(outcome) => {
                    if let Outcome::Checkin(code) = &outcome {
                        issued.push(code.clone());
                    }
                    Stage::Done(Box::new(outcome))
                }
                Err(message) => Stage::Failed(message),
            };
            if reload {
                tool.reloading = true;
                return vec![Effect::Admin(Job::ListCheckins)];
            }
        }
    }
    Vec::new()
}

/// The form's label for a setting the store names (`SettingsUpdated::changed`).
pub fn setting_label(name: &str) -> Option<Text> {
    match name {
        "staff_idle_lock_minutes" => Some(Text::AdminFieldIdleLock),
        "kiosk_timeout_seconds" => Some(Text::AdminFieldKioskTimeout),
        "crisis_text" => Some(Text::AdminFieldCrisisText),
        "crisis_text_fr" => Some(Text::AdminFieldCrisisTextFr),
        "asq_mode" => Some(Text::AdminFieldAsq),
        _ => None,
    }
}

/// The organisation's settings take effect in this session: the idle lock (unless
/// `--idle-lock-seconds` overrides it), the crisis texts and when the ASQ is asked.
fn apply_settings(
    idle_lock_ms: &mut i64,
    override_ms: Option<i64>,
    org: &mut Option<super::backend::OrgInfo>,
    settings: &Settings,
) {
    *idle_lock_ms = super::app::idle_lock_ms(override_ms, settings.staff_idle_lock_minutes);
    if let Some(org) = org {
        org.idle_lock_minutes = settings.staff_idle_lock_minutes;
        org.crisis_text = settings.crisis_text.clone();
        org.crisis_text_fr = settings.crisis_text_fr.clone();
        org.asq_mode = settings.asq_mode;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instrument::Lang;
    use crate::tui::app::{Action, update};
    use crate::tui::backend::{ErrorKind, Session};
    use crate::tui::view::test_support::{care, library};

    fn act(app: &mut App, action: Action) -> Vec<Effect> {
        update(app, action, library(), care(), "2026-11-25")
    }

    fn admin() -> App {
        let mut app = crate::tui::demo::signed_in(Lang::En);
        act(
            &mut app,
            Action::LoggedIn(Ok(Session { user: "root".into(), role: crate::auth::Role::Admin, password_reset: None })),
        );
        app
    }

    fn tool(app: &App) -> &Tool {
        match &app.screen {
            Screen::Admin(state) => state.tool.as_ref().expect("a task is open"),
            other => panic!("not on administration: {other:?}"),
        }
    }

    fn type_text(app: &mut App, text: &str) {
        for c in text.chars() {
            act(app, Action::Input(c));
        }
    }

    /// Runs what is queued (as the shell does after drawing) and answers with `reply`.
    fn run(app: &mut App, reply: Result<Outcome, BackendError>) -> Job {
        assert!(queued(app), "a job is queued");
        let effects = act(app, Action::Admin(AdminMsg::Run));
        let [Effect::Admin(job)] = effects.as_slice() else { panic!("one job: {effects:?}") };
        assert_eq!(tool(app).stage, Stage::Working);
        assert!(!queued(app), "started once");
        act(app, Action::Admin(AdminMsg::Done(reply)));
        job.clone()
    }

    #[test]
    fn each_task_opens_by_its_letter_and_closes_with_back() {
        for kind in ToolKind::ALL {
            let mut app = admin();
            let letter = kind.letter();
            assert!(act(&mut app, Action::Letter(letter)).is_empty());
            assert_eq!(tool(&app).kind, kind);
            // The status, the settings and the outstanding check-in codes are asked for at once;
            // the others wait for their form.
            let first = matches!(kind, ToolKind::Status | ToolKind::Settings | ToolKind::Checkin);
            assert_eq!(queued(&app), first, "{kind:?}");
            if queued(&app) {
                run(&mut app, Err(BackendError::new(ErrorKind::ConnectionLost, "owner gone")));
            }
            act(&mut app, Action::Back);
            let Screen::Admin(state) = &app.screen else { panic!() };
            assert!(state.tool.is_none(), "{kind:?} closes");
        }
    }

    #[test]
    fn checkin_validates_then_issues_and_keeps_the_codes_issued_here() {
        let mut app = admin();
        act(&mut app, Action::Letter('c'));
        assert_eq!(run(&mut app, Ok(Outcome::Checkins(Vec::new()))), Job::ListCheckins);
        act(&mut app, Action::Submit);
        assert_eq!(tool(&app).stage, Stage::Editing, "Enter opens the form");
        act(&mut app, Action::ClearField);
        type_text(&mut app, "0");
        act(&mut app, Action::NextField);
        type_text(&mut app, "not-an-id");
        act(&mut app, Action::Submit);
        assert!(!queued(&app));
        let form = &tool(&app).form;
        assert_eq!(form.fields[0].error, Some(Text::AdminMinutesRange));
        assert_eq!(form.fields[1].error, Some(Text::AdminBadClientId));
        assert_eq!(form.focus, 0, "focus goes to the first error");
        act(&mut app, Action::ClearField);
        type_text(&mut app, "30");
        act(&mut app, Action::NextField);
        act(&mut app, Action::ClearField);
        type_text(&mut app, "0123456789ABCDEF0123456789abcdef");
        act(&mut app, Action::Submit);
        let code = IssuedCode {
            code: "K7MX-4QRT".into(),
            expires: "2026-11-25T10:30:00Z".into(),
            client: Some("0123456789abcdef0123456789abcdef".into()),
        };
        let job = run(&mut app, Ok(Outcome::Checkin(code.clone())));
        assert_eq!(job, Job::IssueCheckin { minutes: 30, client: Some("0123456789abcdef0123456789abcdef".into()) });
        // Enter issues another; the list keeps both.
        act(&mut app, Action::Submit);
        assert_eq!(tool(&app).stage, Stage::Editing);
        act(&mut app, Action::Submit);
        run(&mut app, Ok(Outcome::Checkin(IssuedCode { code: "AAAA-CCCC".into(), ..code })));
        let Screen::Admin(state) = &app.screen else { panic!() };
        assert_eq!(state.issued.iter().map(|c| c.code.as_str()).collect::<Vec<_>>(), ["K7MX-4QRT", "AAAA-CCCC"]);
    }

    fn row(reference: &str) -> CheckinRow {
        CheckinRow {
            reference: reference.into(),
            issued: "2026-11-25T09:00:00Z".into(),
            expires: "2026-11-25T10:00:00Z".into(),
            issued_by: "ivy".into(),
            for_client: false,
        }
    }

    #[test]
    fn checkin_selects_and_revokes_only_after_y_and_reloads_after_each_change() {
        let mut app = admin();
        act(&mut app, Action::Letter('c'));
        // Nothing to revoke yet: x does nothing.
        run(&mut app, Ok(Outcome::Checkins(Vec::new())));
        act(&mut app, Action::Letter('x'));
        assert_eq!(tool(&app).confirm, None);
        act(&mut app, Action::Letter('r'));
        assert_eq!(run(&mut app, Ok(Outcome::Checkins(vec![row("aaaa1111"), row("bbbb2222")]))), Job::ListCheckins);
        assert_eq!(tool(&app).stage, Stage::Done(Box::new(Outcome::Checkins(vec![row("aaaa1111"), row("bbbb2222")]))));
        for (action, selected) in
            [(Action::Down, 1), (Action::Down, 1), (Action::Up, 0), (Action::Up, 0), (Action::Down, 1)]
        {
            act(&mut app, action);
            assert_eq!(tool(&app).selected, selected);
        }
        // n, Esc or Enter keeps the code, and the task stays open; other keys wait for an answer.
        act(&mut app, Action::Letter('x'));
        act(&mut app, Action::Letter('r'));
        assert_eq!(tool(&app).confirm.as_deref(), Some("bbbb2222"));
        act(&mut app, Action::Back);
        for cancel in [Action::Letter('n'), Action::Back, Action::Submit] {
            act(&mut app, Action::Letter('x'));
            assert_eq!(tool(&app).confirm.as_deref(), Some("bbbb2222"));
            act(&mut app, cancel);
            assert_eq!(tool(&app).confirm, None);
            assert!(!queued(&app));
            assert!(matches!(tool(&app).stage, Stage::Done(_)), "still on the list");
        }
        act(&mut app, Action::Letter('x'));
        act(&mut app, Action::Letter('y'));
        assert!(queued(&app));
        let effects = act(&mut app, Action::Admin(AdminMsg::Run));
        assert_eq!(effects, vec![Effect::Admin(Job::RevokeCheckin { reference: "bbbb2222".into() })]);
        let revoked = Outcome::CheckinRevoked("bbbb2222".into());
        let effects = act(&mut app, Action::Admin(AdminMsg::Done(Ok(revoked.clone()))));
        assert_eq!(effects, vec![Effect::Admin(Job::ListCheckins)], "the list is read again");
        act(&mut app, Action::Admin(AdminMsg::Done(Ok(Outcome::Checkins(vec![row("aaaa1111")])))));
        assert_eq!(tool(&app).stage, Stage::Done(Box::new(revoked.clone())), "the result stays on screen");
        assert_eq!((tool(&app).codes.as_ref().map(Vec::len), tool(&app).selected), (Some(1), 0));
        // Issuing reads the list again too; a failed reload keeps the result and says why.
        act(&mut app, Action::Submit);
        act(&mut app, Action::Submit);
        act(&mut app, Action::Admin(AdminMsg::Run));
        let code = IssuedCode { code: "K7MX-4QRT".into(), expires: "2026-11-25T10:30:00Z".into(), client: None };
        let effects = act(&mut app, Action::Admin(AdminMsg::Done(Ok(Outcome::Checkin(code.clone())))));
        assert_eq!(effects, vec![Effect::Admin(Job::ListCheckins)]);
        act(&mut app, Action::Admin(AdminMsg::Done(Err(BackendError::new(ErrorKind::ConnectionLost, "owner gone")))));
        assert_eq!(tool(&app).stage, Stage::Done(Box::new(Outcome::Checkin(code))));
        assert_eq!(app.status, Some(Status::Failed(BackendError::new(ErrorKind::ConnectionLost, "owner gone"))));
        // A failed revocation is shown as the task's failure; the list stays selectable.
        act(&mut app, Action::Letter('x'));
        act(&mut app, Action::Letter('y'));
        run(
            &mut app,
            Err(BackendError::from_owner("not_found", "no outstanding check-in code has this reference or code")),
        );
        assert!(matches!(tool(&app).stage, Stage::Failed(_)));
        act(&mut app, Action::Letter('x'));
        assert_eq!(tool(&app).confirm.as_deref(), Some("aaaa1111"));
    }

    #[test]
    fn export_checks_format_path_reason_keys_and_deidentify() {
        let mut app = admin();
        act(&mut app, Action::Letter('e'));
        act(&mut app, Action::ClearField);
        type_text(&mut app, "xml");
        act(&mut app, Action::Submit);
        let form = &tool(&app).form;
        assert_eq!(form.fields[0].error, Some(Text::AdminUnknownFormat));
        assert_eq!(form.fields[1].error, Some(Text::Required));
        assert_eq!(form.fields[2].error, Some(Text::AdminReasonRequired), "an identifiable export says why");
        // De-identification is for CSV only, and a key must be an age public key.
        act(&mut app, Action::ClearField);
        type_text(&mut app, "FHIR");
        act(&mut app, Action::NextField);
        type_text(&mut app, "out.json");
        act(&mut app, Action::NextField);
        type_text(&mut app, "transfer to the regional service");
        act(&mut app, Action::NextField);
        type_text(&mut app, "age1notakey");
        act(&mut app, Action::NextField);
        act(&mut app, Action::Toggle);
        act(&mut app, Action::Submit);
        let form = &tool(&app).form;
        assert_eq!(form.fields[2].error, None);
        assert_eq!(form.fields[3].error, Some(Text::AdminBadRecipient));
        assert_eq!(form.fields[4].error, Some(Text::AdminDeidentifyCsvOnly));
        assert_eq!(form.focus, 3, "the first field in error has the focus");
        assert!(!queued(&app));
        let key = age::x25519::Identity::generate().to_public().to_string();
        act(&mut app, Action::ClearField);
        type_text(&mut app, &key);
        act(&mut app, Action::NextField);
        act(&mut app, Action::Toggle);
        act(&mut app, Action::Submit);
        let done = ExportInfo { path: "/srv/out.json".into(), encounters: 12, damaged: vec![], encrypted_to: 0 };
        let job = run(&mut app, Ok(Outcome::Export(done.clone())));
        let choice = ExportChoice {
            deidentify: false,
            reason: "transfer to the regional service".into(),
            recipients: key.clone(),
        };
        assert_eq!(job, Job::Export { format: ExportFormat::Fhir, path: "out.json".into(), choice });
        assert_eq!(tool(&app).stage, Stage::Done(Box::new(Outcome::Export(done))));
        // A failure is shown, and `r` runs the same job again.
        act(&mut app, Action::Letter('r'));
        run(&mut app, Err(BackendError::from_owner("io", "cannot create /srv/out.json: File exists")));
        assert_eq!(
            tool(&app).stage,
            Stage::Failed(BackendError::new(ErrorKind::Storage, "cannot create /srv/out.json: File exists"))
        );
    }

    #[test]
    fn a_de_identified_csv_export_needs_no_reason() {
        let mut app = admin();
        act(&mut app, Action::Letter('e'));
        act(&mut app, Action::ClearField);
        type_text(&mut app, "csv");
        act(&mut app, Action::NextField);
        type_text(&mut app, "research");
        for _ in 0..3 {
            act(&mut app, Action::NextField);
        }
        act(&mut app, Action::Toggle);
        act(&mut app, Action::Submit);
        let job = run(&mut app, Err(BackendError::from_owner("io", "x")));
        let choice = ExportChoice { deidentify: true, reason: String::new(), recipients: String::new() };
        assert_eq!(job, Job::Export { format: ExportFormat::Csv, path: "research".into(), choice });
    }

    #[test]
    fn an_export_counts_up_while_it_runs_and_starts_from_nothing_again() {
        let mut app = admin();
        act(&mut app, Action::Letter('e'));
        act(&mut app, Action::NextField);
        type_text(&mut app, "out.jsonl");
        act(&mut app, Action::NextField);
        type_text(&mut app, "migration to the new server");
        // A count that arrives before the job runs (or after it ended) is not shown.
        act(&mut app, Action::Admin(AdminMsg::Progress(7)));
        assert_eq!(tool(&app).progress, None);
        act(&mut app, Action::Submit);
        assert!(queued(&app));
        act(&mut app, Action::Admin(AdminMsg::Run));
        for done in [500, 1000, 1200] {
            assert!(act(&mut app, Action::Admin(AdminMsg::Progress(done))).is_empty());
            assert_eq!(tool(&app).progress, Some(done));
        }
        let info = ExportInfo { path: "/srv/out.jsonl".into(), encounters: 1200, damaged: vec![], encrypted_to: 0 };
        act(&mut app, Action::Admin(AdminMsg::Done(Ok(Outcome::Export(info)))));
        act(&mut app, Action::Admin(AdminMsg::Progress(1300)));
        assert_eq!(tool(&app).progress, Some(1200), "a late count changes nothing once it is done");
        act(&mut app, Action::Letter('r'));
        act(&mut app, Action::Admin(AdminMsg::Run));
        assert_eq!(tool(&app).progress, None, "running again counts from nothing");
    }

    #[test]
    fn checks_scroll_their_findings_and_backup_needs_a_path() {
        let mut app = admin();
        act(&mut app, Action::Letter('k'));
        act(&mut app, Action::NextField);
        act(&mut app, Action::ClearField);
        type_text(&mut app, "90");
        act(&mut app, Action::Submit);
        let findings = Findings {
            checked: 40,
            errors: vec!["a.toml:1:1: e".into()],
            stale: vec!["a.toml:9:1: s".into()],
            warnings: vec!["a.toml:20:1: w".into()],
            unavailable: 0,
        };
        let job = run(&mut app, Ok(Outcome::Resources(findings)));
        assert_eq!(job, Job::CheckResources { dir: None, stale_days: 90 });
        for _ in 0..5 {
            act(&mut app, Action::Down);
        }
        assert_eq!(tool(&app).scroll, 2, "stops at the last finding");
        act(&mut app, Action::Up);
        assert_eq!(tool(&app).scroll, 1);
        act(&mut app, Action::Back);

        act(&mut app, Action::Letter('b'));
        act(&mut app, Action::Submit);
        assert_eq!(tool(&app).form.fields[0].error, Some(Text::Required));
        type_text(&mut app, "/srv/backup/today.tbk");
        act(&mut app, Action::Submit);
        let job = run(&mut app, Err(BackendError::from_owner("denied", "denied")));
        assert_eq!(job, Job::Backup { path: "/srv/backup/today.tbk".into() });
    }

    #[test]
    fn checking_a_backup_uses_the_signed_in_account_and_forgets_the_password() {
        let mut app = admin();
        act(&mut app, Action::Letter('v'));
        act(&mut app, Action::Submit);
        let form = &tool(&app).form;
        assert_eq!((form.fields[0].error, form.fields[1].error), (Some(Text::Required), Some(Text::Required)));
        type_text(&mut app, "nightly.tbk");
        act(&mut app, Action::NextField);
        type_text(&mut app, "the admin password");
        act(&mut app, Action::Submit);
        let effects = act(&mut app, Action::Admin(AdminMsg::Run));
        let expected = Job::VerifyBackup {
            path: "nightly.tbk".into(),
            user: "root".into(),
            password: Zeroizing::new("the admin password".into()),
        };
        assert_eq!(effects, vec![Effect::Admin(expected)]);
        assert_eq!(tool(&app).form.value(1), "", "the form no longer holds the password");
        // Running it again needs the password again.
        act(
            &mut app,
            Action::Admin(AdminMsg::Done(Err(BackendError::from_owner("bad_credentials", "wrong password")))),
        );
        act(&mut app, Action::Letter('r'));
        assert_eq!(tool(&app).stage, Stage::Editing);
        assert_eq!(tool(&app).form.fields[1].error, Some(Text::Required));
    }

    #[test]
    fn the_kiosk_pin_is_six_to_twelve_digits_typed_twice() {
        let mut app = admin();
        act(&mut app, Action::Letter('p'));
        type_text(&mut app, "12345");
        act(&mut app, Action::Submit);
        assert_eq!(tool(&app).form.fields[0].error, Some(Text::AdminPinRule));
        type_text(&mut app, "6");
        act(&mut app, Action::NextField);
        type_text(&mut app, "123465");
        act(&mut app, Action::Submit);
        assert_eq!(tool(&app).form.fields[1].error, Some(Text::AdminPinsDiffer));
        act(&mut app, Action::ClearField);
        type_text(&mut app, "123456");
        act(&mut app, Action::Submit);
        let job = run(&mut app, Ok(Outcome::KioskPinSet));
        assert_eq!(job, Job::SetKioskPin { pin: Zeroizing::new("123456".into()) });
        assert!(tool(&app).form.fields.iter().all(|f| f.value.is_empty()), "the PIN is not kept");
    }

    fn current() -> Settings {
        Settings {
            staff_idle_lock_minutes: 10,
            kiosk_timeout_seconds: 120,
            crisis_text: "Stay with the client.\nCall extension 200.".into(),
            crisis_text_fr: None,
            asq_mode: Default::default(),
            ..Settings::default()
        }
    }

    #[test]
    fn settings_load_into_the_form_validate_save_and_apply_the_idle_lock_at_once() {
        let mut app = admin();
        act(&mut app, Action::Letter('g'));
        assert_eq!(tool(&app).kind, ToolKind::Settings);
        // Nothing to type into before the current values arrive.
        assert!(!tool(&app).takes_text());
        let effects = act(&mut app, Action::Admin(AdminMsg::Run));
        assert_eq!(effects, vec![Effect::Admin(Job::LoadSettings)]);
        act(&mut app, Action::Admin(AdminMsg::Done(Ok(Outcome::SettingsLoaded(current())))));
        assert_eq!(tool(&app).stage, Stage::Editing);
        let values: Vec<&str> = (0..4).map(|i| tool(&app).form.value(i)).collect();
        assert_eq!(values, ["10", "120", "Stay with the client.\nCall extension 200.", ""]);

        // Out of range, not a number, an empty crisis text: each field says what it needs.
        act(&mut app, Action::ClearField);
        type_text(&mut app, "241");
        act(&mut app, Action::NextField);
        act(&mut app, Action::ClearField);
        type_text(&mut app, "2 min");
        act(&mut app, Action::NextField);
        act(&mut app, Action::ClearField);
        act(&mut app, Action::Submit);
        assert!(!queued(&app));
        let errors: Vec<Option<Text>> = tool(&app).form.fields.iter().map(|f| f.error).collect();
        assert_eq!(
            errors,
            [Some(Text::AdminIdleLockRange), Some(Text::AdminKioskTimeoutRange), Some(Text::Required), None, None]
        );
        assert_eq!(tool(&app).form.focus, 0, "focus goes to the first error");

        // The store's own check: a crisis text longer than 2000 characters is refused here.
        let form = &mut match &mut app.screen {
            Screen::Admin(state) => state.tool.as_mut().expect("open"),
            _ => panic!(),
        }
        .form;
        form.fields[0].value = Zeroizing::new("25".into());
        form.fields[1].value = Zeroizing::new("300".into());
        form.fields[2].value = Zeroizing::new("x".repeat(CRISIS_TEXT_MAX + 1));
        form.fields[3].value = Zeroizing::new("Restez avec la personne.".into());
        act(&mut app, Action::Submit);
        assert_eq!(tool(&app).form.fields[2].error, Some(Text::AdminCrisisTextRule));
        assert!(!queued(&app));

        // Typing stops at the store's limit, not at the 200 characters of other fields.
        assert_eq!(tool(&app).form.focus, 2, "on the refused text");
        act(&mut app, Action::ClearField);
        type_text(&mut app, &"y".repeat(CRISIS_TEXT_MAX + 5));
        assert_eq!(tool(&app).form.value(2).chars().count(), CRISIS_TEXT_MAX);
        act(&mut app, Action::ClearField);
        type_text(&mut app, "Call extension 200.");
        act(&mut app, Action::Submit);
        let saved = SettingsUpdated {
            changed: vec!["staff_idle_lock_minutes".into(), "kiosk_timeout_seconds".into()],
            settings: Settings {
                staff_idle_lock_minutes: 25,
                kiosk_timeout_seconds: 300,
                crisis_text: "Call extension 200.".into(),
                crisis_text_fr: Some("Restez avec la personne.".into()),
                asq_mode: Default::default(),
                ..Settings::default()
            },
        };
        let job = run(&mut app, Ok(Outcome::SettingsSaved(saved.clone())));
        let expected = SettingsUpdate {
            staff_idle_lock_minutes: Some(25),
            kiosk_timeout_seconds: Some(300),
            crisis_text: Some("Call extension 200.".into()),
            crisis_text_fr: Some(Some("Restez avec la personne.".into())),
            asq_mode: Some(AsqMode::Universal),
            ..SettingsUpdate::default()
        };
        assert_eq!(job, Job::SaveSettings(expected));
        // The new idle lock and crisis texts take effect in this session at once.
        assert_eq!(app.idle_lock_ms, 25 * 60 * 1000);
        let org = app.org.as_ref().expect("organisation");
        assert_eq!((org.idle_lock_minutes, org.crisis_text_fr.as_deref()), (25, Some("Restez avec la personne.")));

        // An empty French field removes the French text; `r` reads the settings again.
        act(&mut app, Action::Submit);
        assert_eq!(tool(&app).stage, Stage::Editing);
        while tool(&app).form.focus != 3 {
            act(&mut app, Action::NextField);
        }
        act(&mut app, Action::ClearField);
        act(&mut app, Action::Submit);
        let effects = act(&mut app, Action::Admin(AdminMsg::Run));
        let [Effect::Admin(Job::SaveSettings(changes))] = effects.as_slice() else { panic!("{effects:?}") };
        assert_eq!(changes.crisis_text_fr, Some(None));
        act(&mut app, Action::Admin(AdminMsg::Done(Err(BackendError::from_owner("denied", "denied: admin only")))));
        act(&mut app, Action::Letter('r'));
        assert_eq!(tool(&app).stage, Stage::Queued(Job::LoadSettings));

        // The ASQ tick box: loaded from the settings, and ticking it asks the ASQ only after
        // PHQ-9 item 9 (issue 11); the session's organisation follows at once.
        let mut loaded = saved.settings.clone();
        loaded.asq_mode = AsqMode::AfterPhq9Item9;
        run(&mut app, Ok(Outcome::SettingsLoaded(loaded.clone())));
        assert_eq!(tool(&app).form.fields[4].checked, [true]);
        while tool(&app).form.focus != 4 {
            act(&mut app, Action::NextField);
        }
        act(&mut app, Action::Toggle);
        act(&mut app, Action::Submit);
        loaded.asq_mode = AsqMode::Universal;
        let job = run(
            &mut app,
            Ok(Outcome::SettingsSaved(SettingsUpdated { settings: loaded, changed: vec!["asq_mode".into()] })),
        );
        let Job::SaveSettings(changes) = job else { panic!("{job:?}") };
        assert_eq!(changes.asq_mode, Some(AsqMode::Universal));
        assert_eq!(app.org.as_ref().map(|o| o.asq_mode), Some(AsqMode::Universal));
    }

    #[test]
    fn an_administrators_session_locks_after_the_organisations_delay() {
        let mut app = crate::tui::demo::signed_in(Lang::En);
        app.org = None;
        let effects = act(
            &mut app,
            Action::LoggedIn(Ok(Session { user: "root".into(), role: crate::auth::Role::Admin, password_reset: None })),
        );
        assert!(effects.contains(&Effect::LoadOrganisation), "{effects:?}");
        let mut org = crate::tui::demo::signed_in(Lang::En).org.expect("sample organisation");
        org.idle_lock_minutes = 3;
        act(&mut app, Action::OrgLoaded(Ok(org)));
        assert_eq!(app.idle_lock_ms, 3 * 60 * 1000);
        assert!(matches!(app.screen, Screen::Admin(_)), "still on administration");
        let start = app.last_activity_ms;
        act(&mut app, Action::Tick(start + 3 * 60 * 1000 - 1));
        assert!(app.locked.is_none());
        assert_eq!(act(&mut app, Action::Tick(start + 3 * 60 * 1000)), vec![Effect::LockBackend]);
        assert!(app.locked.is_some(), "locked after the organisation's 3 minutes, not the default 10");
    }

    #[test]
    fn an_idle_lock_override_wins_over_the_organisations_setting() {
        let mut app = admin();
        app.idle_lock_override_ms = Some(5_000);
        act(&mut app, Action::Letter('g'));
        act(&mut app, Action::Admin(AdminMsg::Run));
        let settings = Settings { staff_idle_lock_minutes: 30, ..current() };
        act(&mut app, Action::Admin(AdminMsg::Done(Ok(Outcome::SettingsLoaded(settings)))));
        assert_eq!(app.idle_lock_ms, 5_000);
        app.idle_lock_override_ms = None;
        act(&mut app, Action::Submit);
        run(&mut app, Ok(Outcome::SettingsSaved(SettingsUpdated { changed: vec![], settings: current() })));
        assert_eq!(app.idle_lock_ms, 10 * 60 * 1000);
    }

    #[test]
    fn a_reply_after_the_task_was_left_only_reports_a_failure() {
        let mut app = admin();
        act(&mut app, Action::Letter('o'));
        act(&mut app, Action::Admin(AdminMsg::Run));
        let Screen::Admin(state) = &mut app.screen else { panic!() };
        state.tool = None;
        act(&mut app, Action::Admin(AdminMsg::Done(Err(BackendError::new(ErrorKind::ConnectionLost, "owner gone")))));
        assert_eq!(app.status, Some(Status::Failed(BackendError::new(ErrorKind::ConnectionLost, "owner gone"))));
        // Nothing runs while the session is locked.
        act(&mut app, Action::Letter('o'));
        act(&mut app, Action::Lock);
        assert!(!queued(&app));
    }
}
