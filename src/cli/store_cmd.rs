//! Set-up and administration commands for the store: `serve`, `stop`, `status`, `init` here, and
//! the groups `user`, `client`, `audit`, `backup`, `dev` (one file each). Every command except
//! `serve`, `backup verify|restore` and the hidden durability writer talks to the owner of the
//! data directory (starting one if none runs). Passwords come from the terminal (not echoed) or,
//! with `--password-stdin`, from standard input, one per line. Every command takes `--json`.

use std::process::ExitCode;
use std::time::Duration;

use clap::Subcommand;
use secrecy::ExposeSecret;
use serde_json::json;

use super::audit_cmd::AuditAction;
use super::backup_cmd::BackupAction;
use super::client_cmd::ClientAction;
use super::common::{AuthArgs, DirArgs, Outcome, Secrets, connect, data_dir, fail, print_outcome};
use super::dev_cmd::DevAction;
use super::user_cmd::UserAction;
use crate::auth::detect_origin;
use crate::sanitize::terminal_text;
use crate::server::client::{Client, ClientError, ConnectOptions};
use crate::server::owner::{Owner, OwnerConfig};
use crate::store::InitRequest;

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
        #[arg(long, value_name = "XX", value_parser = crate::store::records::vocab_codes::parse_province)]
        province: crate::store::Province,
        /// Name of the first admin account.
        #[arg(long, value_name = "USER")]
        admin: String,
        /// The organisation's time zone, an IANA name such as America/Regina (default: the
        /// machine's, from TZ or /etc/localtime, else UTC; `triage settings set --time-zone`
        /// changes it later).
        #[arg(long, value_name = "NAME")]
        time_zone: Option<String>,
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

/// Runs a store command.
pub fn run(command: StoreCommand) -> ExitCode {
    let json = wants_json(&command);
    print_outcome(json, execute(command))
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
        StoreCommand::Client {
            action: ClientAction::Add { dir, .. } | ClientAction::Edit { dir, .. } | ClientAction::Find { dir, .. },
        } => dir.json,
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

fn execute(command: StoreCommand) -> Outcome {
    match command {
        StoreCommand::Serve { dir, idle_timeout } => serve(&dir, idle_timeout),
        StoreCommand::Stop { dir, auth } => stop(&dir, &auth),
        StoreCommand::Status { dir } => status(&dir),
        StoreCommand::Init { dir, org, province, admin, time_zone, password_stdin, insecure_test_kdf } => {
            let time_zone = init_zone(time_zone)?;
            init(
                &dir,
                InitRequest { org, province, admin, insecure_test_kdf, time_zone: Some(time_zone) },
                password_stdin,
            )
        }
        StoreCommand::User { action } => super::user_cmd::run(action),
        StoreCommand::Client { action } => super::client_cmd::run(action),
        StoreCommand::Audit { action } => super::audit_cmd::run(action),
        StoreCommand::Backup { action } => super::backup_cmd::run(action),
        StoreCommand::Dev { action } => super::dev_cmd::run(action),
    }
}

/// Asks the owner to flush and exit (none running is not a failure).
fn stop(dir: &DirArgs, auth: &AuthArgs) -> Outcome {
    let path = data_dir(dir)?;
    let mut secrets = Secrets::new(auth.password_stdin);
    let mut client = match Client::connect(&path, ConnectOptions { autostart: false, ..ConnectOptions::default() }) {
        Ok(client) => client,
        Err(ClientError::NoOwner { .. }) => {
            return Ok((
                json!({"stopped": false, "running": false}),
                "no owner is running for this data directory".into(),
            ));
        }
        Err(other) => return Err(other.into()),
    };
    let user = auth.user.clone().ok_or_else(|| fail("input", "this command needs `--user NAME` (or TRIAGE_USER)"))?;
    let password = secrets.next(&format!("password for {}", terminal_text(&user, false)))?;
    client.login(&user, &password, &detect_origin())?;
    let pid = client.owner_pid();
    client.stop(Duration::from_secs(30))?;
    Ok((json!({"stopped": true, "owner_pid": pid}), format!("the owner (process {pid}) flushed and exited")))
}

/// The owner's and the store's status (no login).
fn status(dir: &DirArgs) -> Outcome {
    let path = data_dir(dir)?;
    let mut client = connect(&path, true)?;
    let status = client.status()?;
    let warnings = open_directories(&status.data_dir);
    let mut human = format!(
        "owner: process {}\ndata directory: {}\ninitialised: {}\nunlocked: {}\norganisation: {}\naudit entries: {}{}",
        status.owner_pid,
        terminal_text(&status.data_dir.display().to_string(), false),
        status.store.initialised,
        status.store.unlocked,
        terminal_text(status.store.organisation.as_deref().unwrap_or("-"), false),
        status.store.audit_entries,
        if status.store.insecure_test_kdf { "\nWARNING: initialised with insecure test key derivation" } else { "" }
    );
    for warning in &warnings {
        human.push_str(&format!("\nWARNING: {}", terminal_text(warning, false)));
    }
    let mut value = serde_json::to_value(&status).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.insert("warnings".into(), json!(warnings));
    }
    Ok((value, human))
}

/// Warnings about the data directory and `db/` being open to others (issue 16, item 9): the
/// data directory may let its group pass through (0710, so staff reach the socket) but not read
/// or write; `db/` must be 0700. Each names the path, its mode and the fix.
fn open_directories(data_dir: &std::path::Path) -> Vec<String> {
    use std::os::unix::fs::PermissionsExt;
    let db = data_dir.join("db");
    [(data_dir.to_path_buf(), 0o067), (db, 0o077)]
        .into_iter()
        .filter_map(|(path, forbidden)| {
            let mode = std::fs::metadata(&path).ok()?.permissions().mode() & 0o777;
            permission_warning(&path.display().to_string(), mode, forbidden)
        })
        .collect()
}

/// The warning for `path` with `mode` when it has any of the `forbidden` permission bits.
fn permission_warning(path: &str, mode: u32, forbidden: u32) -> Option<String> {
    let who = match (mode & 0o070 & forbidden != 0, mode & 0o007 != 0) {
        (_, true) => "everyone on this machine",
        (true, false) => "its group",
        (false, false) => return None,
    };
    Some(format!("{path} is open to {who} (mode {mode:o}); make it private with: chmod 700 {path}"))
}

/// The zone `init` gives the organisation: the one named (checked before anything is asked or
/// created), else the machine's.
fn init_zone(named: Option<String>) -> Result<String, super::common::Failure> {
    match named {
        Some(name) => crate::store::settings::zone_name(&name).map_err(|error| match error {
            crate::store::StoreError::Invalid { reason, .. } => fail("input", format!("--time-zone: {reason}")),
            other => fail("input", format!("--time-zone: {other}")),
        }),
        None => Ok(super::common::machine_zone().name().to_string()),
    }
}

/// First run: the organisation, its keys and the admin account; prints the recovery key once.
fn init(dir: &DirArgs, request: InitRequest, password_stdin: bool) -> Outcome {
    let path = data_dir(dir)?;
    let mut secrets = Secrets::new(password_stdin);
    let password = secrets.next(&format!("new password for {}", terminal_text(&request.admin, false)))?;
    if !password_stdin {
        let again = secrets.next("the same password again")?;
        if again.expose_secret() != password.expose_secret() {
            return Err(fail("input", "the two passwords differ; nothing was changed"));
        }
    }
    let zone = request.time_zone.clone().unwrap_or_else(|| crate::ui::clock::UTC_NAME.to_string());
    let mut client = connect(&path, true)?;
    let key = client.init(request, &password)?;
    let key = zeroize::Zeroizing::new(key.expose_secret().to_string());
    Ok((
        json!({"initialised": true, "data_dir": path, "recovery_key": key.as_str(), "time_zone": zone}),
        format!(
            "initialised {}\ntime zone: {zone} (change it with `triage settings set --time-zone NAME`)\n\nRECOVERY KEY (shown once; print it and keep it offline, apart from this machine):\n\n    {}\n\nWithout it, forgotten passwords mean lost data.",
            terminal_text(&path.display().to_string(), false),
            key.as_str()
        ),
    ))
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

#[cfg(test)]
mod tests {
    use crate::store::RecoveryKey;

    #[test]
    fn the_data_directory_may_let_its_group_pass_through_but_db_may_not() {
        use super::permission_warning;
        assert_eq!(permission_warning("/d", 0o710, 0o067), None);
        assert_eq!(permission_warning("/d", 0o700, 0o067), None);
        assert_eq!(permission_warning("/d/db", 0o700, 0o077), None);
        assert!(permission_warning("/d/db", 0o710, 0o077).is_some_and(|w| w.contains("its group")));
        assert!(permission_warning("/d", 0o750, 0o067).is_some_and(|w| w.contains("mode 750")));
        let world = permission_warning("/d", 0o701, 0o067).unwrap_or_default();
        assert!(world.contains("everyone") && world.ends_with("chmod 700 /d"), "{world}");
    }

    #[test]
    fn recovery_keys_parse_from_the_printed_form() {
        let key = RecoveryKey::generate();
        assert!(RecoveryKey::parse(&key.display_secret()).is_some());
        assert!(RecoveryKey::parse("not a key").is_none());
    }
}
