//! Set-up and administration commands for the store: `serve`, `stop`, `status`, `init`, `user`,
//! `client`, `audit`, `backup`, `dev`. Every command except `serve`, `backup verify|restore` and
//! the hidden durability writer talks to the owner of the data directory (starting one if none
//! runs). Passwords come from the terminal (not echoed) or, with `--password-stdin`, from
//! standard input, one per line. Every command takes `--json`.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

use crate::auth::{Role, detect_origin};
use crate::sanitize::terminal_text;
use crate::server::client::{Client, ClientError, ConnectOptions, EXIT_OWNER_RUNNING};
use crate::server::owner::{Owner, OwnerConfig, OwnerLock};
use crate::server::{Password, Reply, Request, default_data_dir};
use crate::store::backup::{self, Unlock};
use crate::store::sled_store::WitnessCheck;
use crate::store::{
    AccountStatus, AuditFilter, ClientUpdate, InitRequest, InstrumentRef, Lang, NewAccount, NewAnswer, NewClient,
    PasswordReset, RecordId, Sex, SledStore, Store, StoreError, format_time, parse_time,
};

/// Where the data directory is and how to print.
#[derive(Debug, Clone, Args)]
pub struct DirArgs {
    /// Data directory (default: `$XDG_DATA_HOME/triage` or `~/.local/share/triage`).
    #[arg(long, env = "TRIAGE_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print machine-readable JSON.
    #[arg(long)]
    pub json: bool,
}

/// Who is asking.
#[derive(Debug, Clone, Args)]
pub struct AuthArgs {
    /// Account to authenticate as.
    #[arg(long, env = "TRIAGE_USER", value_name = "NAME")]
    pub user: Option<String>,
    /// Read the password (and any new password, on the next line) from standard input.
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Own a data directory in the foreground (for a systemd unit); other `triage` processes use it.
    Serve {
        #[command(flatten)]
        dir: DirArgs,
        /// Exit after this many seconds with no client connected (default: never).
        #[arg(long, value_name = "SECS")]
        idle_timeout: Option<u64>,
    },
    /// Ask the owner of a data directory to flush and exit.
    Stop {
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// Show the owner and store status (no login needed; no personal data).
    Status {
        #[command(flatten)]
        dir: DirArgs,
    },
    /// First run: create the organisation, its keys and the admin account.
    Init {
        #[command(flatten)]
        dir: DirArgs,
        /// Organisation name.
        #[arg(long)]
        org: String,
        /// Two-letter province or territory code.
        #[arg(long, value_name = "XX")]
        province: String,
        /// Name of the first admin account.
        #[arg(long, value_name = "USER")]
        admin: String,
        /// Read the admin password from standard input.
        #[arg(long)]
        password_stdin: bool,
        /// Use weak key derivation (automated tests only; recorded in the store and reported).
        #[arg(long, hide = true)]
        insecure_test_kdf: bool,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Manage clients.
    Client {
        #[command(subcommand)]
        action: ClientAction,
    },
    /// Check and list the audit log.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Create, verify and restore encrypted backups.
    Backup {
        #[command(subcommand)]
        action: BackupAction,
    },
    /// Developer tools.
    Dev {
        #[command(subcommand)]
        action: DevAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Add an account; its password is asked for (or read from the next stdin line).
    Add {
        name: String,
        #[arg(long, value_enum)]
        role: Role,
        #[arg(long)]
        display_name: Option<String>,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// List accounts.
    List {
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// Disable an account.
    Disable {
        name: String,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// Enable a disabled or locked-out account.
    Enable {
        name: String,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// Set a new password (your own, or anyone's as admin). With `--recovery-key-stdin`, the
    /// recovery key replaces the login (first stdin line), the new password follows.
    Passwd {
        name: String,
        #[arg(long)]
        recovery_key_stdin: bool,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum ClientAction {
    /// Add a client and print the new client's id.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, value_name = "XX")]
        province: String,
        #[arg(long, value_enum)]
        lang: Lang,
        /// YYYY-MM-DD.
        #[arg(long)]
        birth_date: Option<String>,
        /// Sex for scoring (female or male), for the cut-offs validated by sex (AUDIT, AUDIT-C).
        /// Left out, the more sensitive (women's) cut-off applies.
        #[arg(long, value_parser = super::triage_cmd::parse_sex)]
        sex: Option<Sex>,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// Change a client: only the options given are changed. Prints the fields that changed.
    Edit {
        /// The client's id (32 hex digits).
        id: RecordId,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, value_name = "XX")]
        province: Option<String>,
        #[arg(long, value_enum)]
        lang: Option<Lang>,
        /// YYYY-MM-DD.
        #[arg(long, conflicts_with = "no_birth_date")]
        birth_date: Option<String>,
        /// Remove the date of birth.
        #[arg(long)]
        no_birth_date: bool,
        /// Sex for scoring (female or male), for the cut-offs validated by sex (AUDIT, AUDIT-C).
        #[arg(long, value_parser = super::triage_cmd::parse_sex, conflicts_with = "no_sex")]
        sex: Option<Sex>,
        /// Remove the sex for scoring (the more sensitive, women's, cut-off then applies).
        #[arg(long)]
        no_sex: bool,
        /// Replace the populations, comma-separated (youth, indigenous, 2slgbtq, veteran,
        /// perinatal, newcomer); an empty value removes them all.
        #[arg(long, value_name = "LIST", value_delimiter = ',')]
        populations: Option<Vec<String>>,
        /// Replace the access needs, comma-separated (no_internet, no_smartphone, phone_only,
        /// free_only); an empty value removes them all.
        #[arg(long, value_name = "LIST", value_delimiter = ',')]
        access_needs: Option<Vec<String>>,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditAction {
    /// Check the hash chain; names the first bad entry.
    Verify {
        /// A head hash kept elsewhere (from an earlier verify), to detect a truncated tail.
        #[arg(long)]
        expect_head: Option<String>,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// Open, as it is, a store whose database lost changes confirmed as saved (when no backup
    /// can be restored): the loss and the reason are recorded in the audit log. Run with no
    /// owner running; an admin's password is asked for.
    AcceptLoss {
        /// Why the store is opened without restoring a backup (recorded).
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// List entries, filtered.
    List {
        /// Only entries by this user.
        #[arg(long, value_name = "USER")]
        by: Option<String>,
        /// Only entries about this client id.
        #[arg(long, value_name = "ID")]
        client: Option<RecordId>,
        /// Only actions starting with this (e.g. `login`, `client.`).
        #[arg(long)]
        action: Option<String>,
        /// From this time (RFC 3339 or YYYY-MM-DD).
        #[arg(long)]
        since: Option<String>,
        /// Until this time (RFC 3339 or YYYY-MM-DD).
        #[arg(long)]
        until: Option<String>,
        /// At most this many (the latest).
        #[arg(long)]
        limit: Option<usize>,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum BackupAction {
    /// Write a consistent, encrypted, checksummed backup while others keep working.
    Create {
        file: PathBuf,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// Check a backup's checksum, decryption, records and audit chain (no owner needed).
    Verify {
        file: PathBuf,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// Fill an empty data directory from a backup.
    Restore {
        file: PathBuf,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum DevAction {
    /// Fill a store with synthetic clients and encounters (refuses a store with real data).
    Seed {
        #[arg(long)]
        encounters: usize,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// Test harness: owns the store directly, prints what it holds, then saves answers and
    /// prints an acknowledgement after each durable save.
    #[command(hide = true)]
    DurabilityWriter {
        #[arg(long)]
        count: Option<u64>,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
}

/// A failure with its exit code.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) exit: u8,
}

impl From<ClientError> for Failure {
    fn from(error: ClientError) -> Self {
        let code = error.code().unwrap_or("owner").to_string();
        let exit = match code.as_str() {
            "invalid" => super::EXIT_BAD_INPUT,
            _ => 1,
        };
        Failure { code: leak_code(&code), message: error.to_string(), exit }
    }
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Self {
        let exit = match &error {
            StoreError::Invalid { .. } => super::EXIT_BAD_INPUT,
            StoreError::OwnerRunning { .. } => EXIT_OWNER_RUNNING as u8,
            _ => 1,
        };
        Failure { code: error.code(), message: error.to_string(), exit }
    }
}

fn leak_code(code: &str) -> &'static str {
    const KNOWN: [&str; 27] = [
        "password_change_required",
        "session_ended",
        "damaged",
        "newer_schema",
        "locked",
        "not_found",
        "denied",
        "bad_credentials",
        "throttled",
        "locked_out",
        "disabled",
        "already_initialised",
        "not_initialised",
        "foreign",
        "corrupt",
        "audit_loss",
        "disk_full",
        "read_only",
        "owner_running",
        "storage",
        "io",
        "invalid",
        "bad_backup",
        "refused",
        "not_logged_in",
        "owner",
        "input",
    ];
    KNOWN.iter().find(|k| **k == code).copied().unwrap_or("owner")
}

pub(crate) fn fail(code: &'static str, message: impl Into<String>) -> Failure {
    Failure { code, message: message.into(), exit: super::EXIT_BAD_INPUT }
}

pub(crate) type Outcome = Result<(serde_json::Value, String), Failure>;

/// Runs a store command.
pub fn run(command: StoreCommand) -> ExitCode {
    let json = wants_json(&command);
    print_outcome(json, execute(command))
}

/// Prints a command's JSON value or its text, or its failure (sanitised, also as JSON with
/// `--json`), and gives its exit code.
pub(crate) fn print_outcome(json: bool, outcome: Outcome) -> ExitCode {
    match outcome {
        Ok((value, human)) => {
            let mut out = std::io::stdout().lock();
            let _ = if json {
                writeln!(out, "{value}")
            } else if human.is_empty() {
                Ok(())
            } else {
                writeln!(out, "{human}")
            };
            ExitCode::SUCCESS
        }
        Err(failure) => {
            let message = terminal_text(&failure.message, false);
            if json {
                println!("{}", json!({ "error": { "code": failure.code, "message": message } }));
            }
            eprintln!("triage: {message}");
            ExitCode::from(failure.exit)
        }
    }
}

fn wants_json(command: &StoreCommand) -> bool {
    match command {
        StoreCommand::Serve { dir, .. }
        | StoreCommand::Stop { dir, .. }
        | StoreCommand::Status { dir }
        | StoreCommand::Init { dir, .. } => dir.json,
        StoreCommand::User { action } => match action {
            UserAction::Add { dir, .. }
            | UserAction::List { dir, .. }
            | UserAction::Disable { dir, .. }
            | UserAction::Enable { dir, .. }
            | UserAction::Passwd { dir, .. } => dir.json,
        },
        StoreCommand::Client { action: ClientAction::Add { dir, .. } | ClientAction::Edit { dir, .. } } => dir.json,
        StoreCommand::Audit { action } => match action {
            AuditAction::Verify { dir, .. } | AuditAction::List { dir, .. } | AuditAction::AcceptLoss { dir, .. } => {
                dir.json
            }
        },
        StoreCommand::Backup { action } => match action {
            BackupAction::Create { dir, .. } | BackupAction::Restore { dir, .. } | BackupAction::Verify { dir, .. } => {
                dir.json
            }
        },
        StoreCommand::Dev { action } => match action {
            DevAction::Seed { dir, .. } | DevAction::DurabilityWriter { dir, .. } => dir.json,
        },
    }
}

pub(crate) fn data_dir(args: &DirArgs) -> Result<PathBuf, Failure> {
    let dir = args
        .data_dir
        .clone()
        .or_else(default_data_dir)
        .ok_or_else(|| fail("input", "no data directory: pass `--data-dir DIR` or set TRIAGE_DATA_DIR"))?;
    Ok(if dir.is_absolute() { dir } else { std::env::current_dir().map(|cwd| cwd.join(&dir)).unwrap_or(dir) })
}

/// Reads secrets: from stdin lines with `--password-stdin`, else from the terminal unechoed.
pub(crate) struct Secrets {
    from_stdin: bool,
    lines: Option<std::io::StdinLock<'static>>,
}

impl Secrets {
    pub(crate) fn new(from_stdin: bool) -> Self {
        Secrets { from_stdin, lines: None }
    }

    fn next(&mut self, prompt: &str) -> Result<SecretString, Failure> {
        if self.from_stdin {
            let lines = self.lines.get_or_insert_with(|| std::io::stdin().lock());
            let mut line = zeroize::Zeroizing::new(String::new());
            let read =
                lines.read_line(&mut line).map_err(|e| fail("input", format!("cannot read standard input: {e}")))?;
            if read == 0 {
                return Err(fail("input", format!("standard input ended before the {prompt}")));
            }
            let trimmed = line.trim_end_matches(['\n', '\r']);
            return Ok(SecretString::from(trimmed.to_string()));
        }
        read_from_terminal(prompt)
    }
}

pub(crate) fn read_from_terminal(prompt: &str) -> Result<SecretString, Failure> {
    use ratatui::crossterm::terminal;
    use std::io::Read;
    let mut tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(|_| fail("input", format!("no terminal to ask for the {prompt}: use --password-stdin")))?;
    let _ = write!(tty, "{prompt}: ");
    let _ = tty.flush();
    terminal::enable_raw_mode().map_err(|e| fail("input", format!("cannot turn off echo: {e}")))?;
    let mut buffer = zeroize::Zeroizing::new(Vec::new());
    let mut byte = [0u8; 1];
    let outcome = loop {
        match tty.read(&mut byte) {
            Ok(0) => break Ok(()),
            Ok(_) => match byte[0] {
                b'\r' | b'\n' => break Ok(()),
                3 => break Err(fail("input", "cancelled")),
                127 | 8 => {
                    // Remove the last UTF-8 character.
                    while let Some(last) = buffer.pop() {
                        if last & 0xC0 != 0x80 {
                            break;
                        }
                    }
                }
                other => buffer.push(other),
            },
            Err(e) => break Err(fail("input", format!("cannot read the terminal: {e}"))),
        }
    };
    let _ = terminal::disable_raw_mode();
    let _ = write!(tty, "\r\n");
    outcome?;
    let text = String::from_utf8(buffer.to_vec()).map_err(|_| fail("input", "the password is not valid UTF-8"))?;
    Ok(SecretString::from(text))
}

fn connect(dir: &Path, autostart: bool) -> Result<Client, Failure> {
    Ok(Client::connect(dir, ConnectOptions { autostart, ..ConnectOptions::default() })?)
}

/// Connects and logs in as `--user`. If an administrator set the account's password, a new one
/// is chosen first: asked for on the terminal, or, with `--password-stdin`, the command stops and
/// says how to set it (`triage user passwd`).
pub(crate) fn session(dir_args: &DirArgs, auth: &AuthArgs, secrets: &mut Secrets) -> Result<Client, Failure> {
    let (mut client, user, reset) = sign_in(dir_args, auth, secrets)?;
    if let Some(reset) = reset {
        choose_new_password(&mut client, &user, &reset, secrets)?;
    }
    Ok(client)
}

/// Connects and logs in as `--user`; also says whether an administrator's reset is pending.
fn sign_in(
    dir_args: &DirArgs,
    auth: &AuthArgs,
    secrets: &mut Secrets,
) -> Result<(Client, String, Option<PasswordReset>), Failure> {
    let dir = data_dir(dir_args)?;
    let user = auth.user.clone().ok_or_else(|| fail("input", "this command needs `--user NAME` (or TRIAGE_USER)"))?;
    let password = secrets.next(&format!("password for {}", terminal_text(&user, false)))?;
    let mut client = connect(&dir, true)?;
    let reset = match client.login(&user, &password, &detect_origin())? {
        Reply::LoggedIn { password_reset, .. } => password_reset,
        _ => None,
    };
    Ok((client, user, reset))
}

/// What the user is told of an administrator's reset of their password.
fn reset_notice(user: &str, reset: &PasswordReset) -> String {
    format!(
        "the password of {} was reset by {} on {}: choose a new one before anything else (only you will know it)",
        terminal_text(user, false),
        terminal_text(&reset.by, false),
        reset.date()
    )
}

/// After an administrator's reset: the new password, asked twice on the terminal and set, so the
/// command goes on; with `--password-stdin` (no one to ask), the command stops and says how.
fn choose_new_password(
    client: &mut Client,
    user: &str,
    reset: &PasswordReset,
    secrets: &mut Secrets,
) -> Result<(), Failure> {
    let name = terminal_text(user, false);
    if secrets.from_stdin {
        return Err(Failure {
            code: "password_change_required",
            message: format!(
                "{}: run `triage user passwd {name} --user {name}` (current password, then the new one), or sign in to the staff interface",
                reset_notice(user, reset)
            ),
            exit: 1,
        });
    }
    eprintln!("triage: {}", reset_notice(user, reset));
    let new = secrets.next(&format!("new password for {name}"))?;
    let again = secrets.next("the same password again")?;
    if again.expose_secret() != new.expose_secret() {
        return Err(fail("input", "the two passwords differ; the password was not changed and nothing else was done"));
    }
    client.change_own_password(&new)?;
    eprintln!("triage: new password set for {name}");
    Ok(())
}

fn execute(command: StoreCommand) -> Outcome {
    match command {
        StoreCommand::Serve { dir, idle_timeout } => serve(&dir, idle_timeout),
        StoreCommand::Stop { dir, auth } => {
            let path = data_dir(&dir)?;
            let mut secrets = Secrets::new(auth.password_stdin);
            let mut client =
                match Client::connect(&path, ConnectOptions { autostart: false, ..ConnectOptions::default() }) {
                    Ok(client) => client,
                    Err(ClientError::NoOwner { .. }) => {
                        return Ok((
                            json!({"stopped": false, "running": false}),
                            "no owner is running for this data directory".into(),
                        ));
                    }
                    Err(other) => return Err(other.into()),
                };
            let user =
                auth.user.clone().ok_or_else(|| fail("input", "this command needs `--user NAME` (or TRIAGE_USER)"))?;
            let password = secrets.next(&format!("password for {}", terminal_text(&user, false)))?;
            client.login(&user, &password, &detect_origin())?;
            let pid = client.owner_pid();
            client.stop(Duration::from_secs(30))?;
            Ok((json!({"stopped": true, "owner_pid": pid}), format!("the owner (process {pid}) flushed and exited")))
        }
        StoreCommand::Status { dir } => {
            let path = data_dir(&dir)?;
            let mut client = connect(&path, true)?;
            let Reply::Status(status) = client.request(Request::Status)? else {
                return Err(fail("owner", "unexpected reply"));
            };
            let human = format!(
                "owner: process {}\ndata directory: {}\ninitialised: {}\nunlocked: {}\norganisation: {}\naudit entries: {}{}",
                status.owner_pid,
                terminal_text(&status.data_dir.display().to_string(), false),
                status.store.initialised,
                status.store.unlocked,
                terminal_text(status.store.organisation.as_deref().unwrap_or("-"), false),
                status.store.audit_entries,
                if status.store.insecure_test_kdf {
                    "\nWARNING: initialised with insecure test key derivation"
                } else {
                    ""
                }
            );
            Ok((serde_json::to_value(&status).unwrap_or_default(), human))
        }
        StoreCommand::Init { dir, org, province, admin, password_stdin, insecure_test_kdf } => {
            let path = data_dir(&dir)?;
            let mut secrets = Secrets::new(password_stdin);
            let password = secrets.next(&format!("new password for {}", terminal_text(&admin, false)))?;
            if !password_stdin {
                let again = secrets.next("the same password again")?;
                if again.expose_secret() != password.expose_secret() {
                    return Err(fail("input", "the two passwords differ; nothing was changed"));
                }
            }
            let mut client = connect(&path, true)?;
            let request = InitRequest { org, province, admin, insecure_test_kdf };
            let Reply::RecoveryKey(key) = client.request(Request::Init { request, password: Password(password) })?
            else {
                return Err(fail("owner", "unexpected reply"));
            };
            let key = zeroize::Zeroizing::new(key.0.expose_secret().to_string());
            Ok((
                json!({"initialised": true, "data_dir": path, "recovery_key": key.as_str()}),
                format!(
                    "initialised {}\n\nRECOVERY KEY (shown once; print it and keep it offline, apart from this machine):\n\n    {}\n\nWithout it, forgotten passwords mean lost data.",
                    terminal_text(&path.display().to_string(), false),
                    key.as_str()
                ),
            ))
        }
        StoreCommand::User { action } => user(action),
        StoreCommand::Client { action: ClientAction::Add { name, province, lang, birth_date, sex, dir, auth } } => {
            let mut secrets = Secrets::new(auth.password_stdin);
            let mut client = session(&dir, &auth, &mut secrets)?;
            let new = NewClient {
                name,
                birth_date,
                province,
                language: lang,
                contact: None,
                access_needs: vec![],
                populations: vec![],
                sex_for_scoring: sex,
            };
            let Reply::Id(id) = client.request(Request::CreateClient { client: new })? else {
                return Err(fail("owner", "unexpected reply"));
            };
            Ok((json!({"id": id}), id.to_string()))
        }
        StoreCommand::Client {
            action:
                ClientAction::Edit {
                    id,
                    name,
                    province,
                    lang,
                    birth_date,
                    no_birth_date,
                    sex,
                    no_sex,
                    populations,
                    access_needs,
                    dir,
                    auth,
                },
        } => {
            let list = |values: Option<Vec<String>>| {
                values.map(|v| v.into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
            };
            let changes = ClientUpdate {
                name,
                birth_date: if no_birth_date { Some(None) } else { birth_date.map(Some) },
                province,
                language: lang,
                contact: None,
                populations: list(populations),
                access_needs: list(access_needs),
                sex_for_scoring: if no_sex { Some(None) } else { sex.map(Some) },
            };
            if changes == ClientUpdate::default() {
                return Err(fail(
                    "input",
                    "nothing to change: give at least one of --name, --province, --lang, --birth-date, --no-birth-date, --sex, --no-sex, --populations, --access-needs",
                ));
            }
            let mut secrets = Secrets::new(auth.password_stdin);
            let mut client = session(&dir, &auth, &mut secrets)?;
            let updated = client.update_client(id, changes)?;
            let text = if updated.changed.is_empty() {
                format!("{id}: no change")
            } else {
                format!("{id}: changed {}", updated.changed.join(", "))
            };
            Ok((json!({"id": id, "changed": updated.changed}), text))
        }
        StoreCommand::Audit { action } => audit(action),
        StoreCommand::Backup { action } => backup_command(action),
        StoreCommand::Dev { action } => dev(action),
    }
}

fn serve(dir: &DirArgs, idle_timeout: Option<u64>) -> Outcome {
    crate::server::owner::with_one_malloc_pool();
    let path = data_dir(dir)?;
    let config =
        OwnerConfig { dir: path.clone(), idle_timeout: idle_timeout.filter(|s| *s > 0).map(Duration::from_secs) };
    let owner = Owner::start(&config)?;
    eprintln!(
        "triage: owner of {} (process {}) is serving",
        terminal_text(&path.display().to_string(), false),
        std::process::id()
    );
    owner.run()?;
    Ok((json!({"stopped": true}), "triage: owner stopped".into()))
}

fn user(action: UserAction) -> Outcome {
    match action {
        UserAction::Add { name, role, display_name, dir, auth } => {
            // The name is checked before any password is read: a bad one is named at once.
            crate::store::sled_store::validate_username(&name)?;
            let mut secrets = Secrets::new(auth.password_stdin);
            let mut client = session(&dir, &auth, &mut secrets)?;
            let password = secrets.next(&format!("new password for {}", terminal_text(&name, false)))?;
            let account =
                NewAccount { username: name.clone(), display_name: display_name.unwrap_or_else(|| name.clone()), role };
            let Reply::Account(summary) = client.request(Request::AddUser { account, password: Password(password) })?
            else {
                return Err(fail("owner", "unexpected reply"));
            };
            Ok((
                serde_json::to_value(&summary).unwrap_or_default(),
                format!("added {} ({})", terminal_text(&summary.username, false), summary.role),
            ))
        }
        UserAction::List { dir, auth } => {
            let mut secrets = Secrets::new(auth.password_stdin);
            let mut client = session(&dir, &auth, &mut secrets)?;
            let Reply::Accounts(accounts) = client.request(Request::ListUsers)? else {
                return Err(fail("owner", "unexpected reply"));
            };
            let human = accounts
                .iter()
                .map(|a| {
                    let pending = a
                        .password_reset
                        .as_ref()
                        .map(|r| {
                            format!(" (password set by {} on {}; to be changed)", terminal_text(&r.by, false), r.date())
                        })
                        .unwrap_or_default();
                    format!(
                        "{:<20} {:<10} {:<11} {}{pending}",
                        terminal_text(&a.username, false),
                        a.role,
                        a.status.as_str(),
                        a.hash_parameters
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            Ok((serde_json::to_value(&accounts).unwrap_or_default(), human))
        }
        UserAction::Disable { name, dir, auth } => set_status(&name, &dir, &auth, AccountStatus::Disabled),
        UserAction::Enable { name, dir, auth } => set_status(&name, &dir, &auth, AccountStatus::Active),
        UserAction::Passwd { name, recovery_key_stdin, dir, auth } => {
            if recovery_key_stdin {
                let path = data_dir(&dir)?;
                let mut secrets = Secrets::new(true);
                let key = secrets.next("recovery key")?;
                let password = secrets.next(&format!("new password for {}", terminal_text(&name, false)))?;
                let mut client = connect(&path, true)?;
                client.request(Request::Recover {
                    recovery_key: Password(key),
                    user: name.clone(),
                    new_password: Password(password),
                    origin: detect_origin(),
                })?;
                return Ok((
                    json!({"password_changed": name}),
                    format!("new password set for {}", terminal_text(&name, false)),
                ));
            }
            let mut secrets = Secrets::new(auth.password_stdin);
            if auth.user.as_deref() == Some(name.as_str()) {
                // One's own password: this is also the way on after an administrator's reset.
                let (mut client, _, reset) = sign_in(&dir, &auth, &mut secrets)?;
                if let Some(reset) = &reset {
                    eprintln!("triage: {}", reset_notice(&name, reset));
                }
                let password = secrets.next(&format!("new password for {}", terminal_text(&name, false)))?;
                if !auth.password_stdin {
                    let again = secrets.next("the same password again")?;
                    if again.expose_secret() != password.expose_secret() {
                        return Err(fail("input", "the two passwords differ; nothing was changed"));
                    }
                }
                client.change_own_password(&password)?;
                return Ok((
                    json!({"password_changed": name}),
                    format!("new password set for {}", terminal_text(&name, false)),
                ));
            }
            let mut client = session(&dir, &auth, &mut secrets)?;
            let password = secrets.next(&format!("new password for {}", terminal_text(&name, false)))?;
            client.request(Request::SetPassword { user: name.clone(), password: Password(password) })?;
            let human = format!(
                "new password set for {0}: a staff account must choose a new one at its next sign-in, and its user is told that you set it",
                terminal_text(&name, false)
            );
            Ok((json!({"password_changed": name, "change_required": true}), human))
        }
    }
}

fn set_status(name: &str, dir: &DirArgs, auth: &AuthArgs, status: AccountStatus) -> Outcome {
    let mut secrets = Secrets::new(auth.password_stdin);
    let mut client = session(dir, auth, &mut secrets)?;
    client.request(Request::SetUserStatus { user: name.to_string(), status })?;
    Ok((
        json!({"user": name, "status": status}),
        format!("{} is now {}", terminal_text(name, false), format!("{status:?}").to_lowercase()),
    ))
}

fn audit(action: AuditAction) -> Outcome {
    match action {
        AuditAction::AcceptLoss { reason, dir, auth } => {
            let path = data_dir(&dir)?;
            if reason.trim().is_empty() {
                return Err(fail(
                    "input",
                    "`--reason` is empty: say why the store is opened without restoring a backup",
                ));
            }
            let user = auth.user.clone().ok_or_else(|| fail("input", "this command needs `--user NAME` (an admin)"))?;
            let password =
                Secrets::new(auth.password_stdin).next(&format!("password for {}", terminal_text(&user, false)))?;
            let _lock = OwnerLock::acquire(&path)?;
            let (store, loss) = SledStore::open_checking(&path, WitnessCheck::AcceptLoss)?;
            let Some(loss) = loss else {
                return Ok((
                    serde_json::json!({ "loss": null }),
                    "nothing is missing: the store opens as it is, and nothing was recorded".into(),
                ));
            };
            let actor = store.login(&user, &password, &detect_origin())?;
            store.accept_loss(&actor, &loss, &reason)?;
            Ok((
                serde_json::json!({ "loss": loss }),
                format!("opened as it is; recorded in the audit log: {}", terminal_text(&loss, false)),
            ))
        }
        AuditAction::Verify { expect_head, dir, auth } => {
            let mut secrets = Secrets::new(auth.password_stdin);
            let mut client = session(&dir, &auth, &mut secrets)?;
            let Reply::Verify(report) = client.request(Request::AuditVerify { expect_head })? else {
                return Err(fail("owner", "unexpected reply"));
            };
            let value = serde_json::to_value(&report).unwrap_or_default();
            let keyed = match report.keyed_from {
                Some(0) => " (every entry keyed)".to_string(),
                Some(first) => {
                    format!(" (entries {first} onwards keyed; the {first} before them predate keyed hashes)")
                }
                None => " (no entry keyed yet)".to_string(),
            };
            match &report.first_bad {
                None => Ok((
                    value,
                    format!("audit log intact: {} entries{keyed}; head {}", report.entries_checked, report.head_hash),
                )),
                Some(bad) => {
                    if dir.json {
                        println!("{value}");
                    }
                    Err(Failure {
                        code: "damaged",
                        message: format!("audit log check failed at entry {}: {}", bad.position, bad.problem),
                        exit: super::EXIT_CHECK_FAILED,
                    })
                }
            }
        }
        AuditAction::List { by, client: about, action, since, until, limit, dir, auth } => {
            let time = |label: &str, text: Option<String>| -> Result<Option<i64>, Failure> {
                text.map(|t| {
                    parse_time(&t).ok_or_else(|| {
                        fail("input", format!("--{label}: use RFC 3339 (2026-01-31T09:00:00Z) or YYYY-MM-DD"))
                    })
                })
                .transpose()
            };
            let filter = AuditFilter {
                user: by,
                client: about,
                action,
                since_ms: time("since", since)?,
                until_ms: time("until", until)?,
                limit,
            };
            let mut secrets = Secrets::new(auth.password_stdin);
            let mut client = session(&dir, &auth, &mut secrets)?;
            let (entries, damaged) = match client.request(Request::AuditList { filter })? {
                Reply::Audit(entries) => (entries, Vec::new()),
                Reply::AuditDamaged { entries, damaged } => (entries, damaged),
                _ => return Err(fail("owner", "unexpected reply")),
            };
            if !damaged.is_empty() {
                // The list is still printed; the damage is said apart, numbered as `verify` does.
                let numbers: Vec<String> = damaged.iter().map(u64::to_string).collect();
                eprintln!(
                    "triage: {} audit entr{} cannot be read (number {}): run `triage audit verify`, and restore from a backup if it names them",
                    damaged.len(),
                    if damaged.len() == 1 { "y" } else { "ies" },
                    numbers.join(", ")
                );
            }
            let human = entries
                .iter()
                .map(|e| {
                    // An export's reason, opened by the owner from its sealed form.
                    let reason = e
                        .reason
                        .as_deref()
                        .map(|r| format!(" reason: {}", terminal_text(r, false)))
                        .unwrap_or_default();
                    format!(
                        "{:>6} {} {:<12} {:<9} {:<24} {:<22} {:<8} {}{reason}",
                        e.seq,
                        format_time(e.time_ms),
                        terminal_text(&e.user, false),
                        e.role,
                        terminal_text(&e.origin, false),
                        terminal_text(&e.action, false),
                        e.outcome.as_str(),
                        terminal_text(e.record.as_deref().unwrap_or("-"), false)
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            Ok((serde_json::to_value(&entries).unwrap_or_default(), human))
        }
    }
}

fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map(|cwd| cwd.join(path)).unwrap_or_else(|_| path.to_path_buf())
    }
}

fn backup_command(action: BackupAction) -> Outcome {
    match action {
        BackupAction::Create { file, dir, auth } => {
            let mut secrets = Secrets::new(auth.password_stdin);
            let mut client = session(&dir, &auth, &mut secrets)?;
            let Reply::Backup(report) = client.request(Request::BackupCreate { path: absolute(&file) })? else {
                return Err(fail("owner", "unexpected reply"));
            };
            Ok((
                serde_json::to_value(&report).unwrap_or_default(),
                format!("backup written: {} entries, sha256 {}", report.entries, report.sha256),
            ))
        }
        BackupAction::Verify { file, dir: _, auth } => {
            let mut secrets = Secrets::new(auth.password_stdin);
            let user = auth.user.clone().ok_or_else(|| fail("input", "this command needs `--user NAME`"))?;
            let password = secrets.next(&format!("password for {}", terminal_text(&user, false)))?;
            let report = backup::verify(&file, &Unlock::Password { user: &user, password: &password })?;
            let value = serde_json::to_value(&report).unwrap_or_default();
            if report.damaged.is_empty() && report.audit.first_bad.is_none() {
                Ok((
                    value,
                    format!(
                        "backup is intact: {} entries, {} encrypted records, {} audit entries, sha256 {}",
                        report.entries, report.records_checked, report.audit.entries_checked, report.sha256
                    ),
                ))
            } else {
                Err(Failure {
                    code: "bad_backup",
                    message: format!(
                        "backup check failed: damaged: {}; audit: {}",
                        report.damaged.join(", "),
                        report.audit.first_bad.map(|b| b.problem).unwrap_or_else(|| "intact".into())
                    ),
                    exit: super::EXIT_CHECK_FAILED,
                })
            }
        }
        BackupAction::Restore { file, dir, auth } => {
            let path = data_dir(&dir)?;
            let mut secrets = Secrets::new(auth.password_stdin);
            let user = auth.user.clone().ok_or_else(|| fail("input", "this command needs `--user NAME`"))?;
            let password = secrets.next(&format!("password for {}", terminal_text(&user, false)))?;
            let _lock = OwnerLock::acquire(&path)?;
            let report = backup::restore(
                &file,
                &path,
                &Unlock::Password { user: &user, password: &password },
                &detect_origin(),
            )?;
            Ok((
                serde_json::to_value(&report).unwrap_or_default(),
                format!(
                    "restored {} entries into {}",
                    report.entries,
                    terminal_text(&path.display().to_string(), false)
                ),
            ))
        }
    }
}

fn dev(action: DevAction) -> Outcome {
    match action {
        DevAction::Seed { encounters, dir, auth } => {
            let mut secrets = Secrets::new(auth.password_stdin);
            let mut client = session(&dir, &auth, &mut secrets)?;
            let Reply::Seed(summary) = client.request(Request::Seed { encounters })? else {
                return Err(fail("owner", "unexpected reply"));
            };
            Ok((
                serde_json::to_value(&summary).unwrap_or_default(),
                format!(
                    "seeded {} synthetic clients, {} encounters, {} answers",
                    summary.clients, summary.encounters, summary.answers
                ),
            ))
        }
        DevAction::DurabilityWriter { count, dir, auth } => durability_writer(&dir, &auth, count),
    }
}

/// Owns the store directly (no owner may run), reports every stored answer of its encounter as
/// `HAVE id item position score`, prints `READY`, then saves answers, printing
/// `ACK id item position score` only after each save returned (after flush).
fn durability_writer(dir: &DirArgs, auth: &AuthArgs, count: Option<u64>) -> Outcome {
    let path = data_dir(dir)?;
    let user = auth.user.clone().ok_or_else(|| fail("input", "needs --user"))?;
    let password = Secrets::new(auth.password_stdin).next("password")?;
    let _lock = OwnerLock::acquire(&path)?;
    let store = SledStore::open(&path)?;
    let actor = store.login(&user, &password, "durability-writer")?;
    let marker = path.join("durability-encounter");
    let encounter = match std::fs::read_to_string(&marker) {
        Ok(text) => text.trim().parse::<RecordId>().map_err(|e| fail("input", e))?,
        Err(_) => {
            let client = store.create_client(
                &actor,
                &NewClient {
                    name: "Durability Test".into(),
                    birth_date: None,
                    province: "ON".into(),
                    language: Lang::En,
                    contact: None,
                    access_needs: vec![],
                    populations: vec![],
                    sex_for_scoring: None,
                },
            )?;
            let encounter = store.start_encounter(&actor, &client, crate::store::EncounterOrigin::Staff)?.id;
            let tmp = path.join("durability-encounter.tmp");
            std::fs::write(&tmp, encounter.to_string()).map_err(|e| StoreError::from_io("write", &tmp, e))?;
            std::fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(|e| StoreError::from_io("sync", &tmp, e))?;
            std::fs::rename(&tmp, &marker).map_err(|e| StoreError::from_io("rename", &marker, e))?;
            std::fs::File::open(&path).and_then(|f| f.sync_all()).map_err(|e| StoreError::from_io("sync", &path, e))?;
            encounter
        }
    };
    let mut out = std::io::stdout().lock();
    let (answers, damaged) = store.answers_unaudited(&encounter)?;
    for answer in &answers {
        let _ = writeln!(out, "HAVE {} {} {} {}", answer.id, answer.item_id, answer.position, answer.score);
    }
    for record in &damaged {
        let _ = writeln!(out, "DAMAGED {record}");
    }
    let _ = writeln!(out, "READY");
    let _ = out.flush();
    let instrument = InstrumentRef { id: "phq9".into(), version: "1".into(), language: Lang::En };
    let mut n = answers.len() as u64;
    let limit = count.map(|c| n + c);
    while limit.is_none_or(|l| n < l) {
        let entropy = crate::store::crypto::random_bytes::<2>();
        let answer = NewAnswer {
            instrument: instrument.clone(),
            item_id: format!("q{}", n % 9 + 1),
            position: u32::from(entropy[0] % 4),
            score: i64::from(entropy[1] % 4),
            free_text: None,
        };
        let saved = store.save_answer(&actor, &encounter, &answer)?;
        let _ = writeln!(out, "ACK {} {} {} {}", saved.id, saved.item_id, saved.position, saved.score);
        let _ = out.flush();
        n += 1;
    }
    Ok((json!({"answers": n}), String::new()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::RecoveryKey;

    #[test]
    fn recovery_keys_parse_from_the_printed_form() {
        let key = RecoveryKey::generate();
        assert!(RecoveryKey::parse(&key.display_secret()).is_some());
        assert!(RecoveryKey::parse("not a key").is_none());
    }

    #[test]
    fn error_codes_map_to_known_static_codes() {
        assert_eq!(leak_code("denied"), "denied");
        assert_eq!(leak_code("something new"), "owner");
    }
}
