//! `triage user add|list|disable|enable|passwd`: the accounts of the store.

use clap::Subcommand;
use secrecy::ExposeSecret;
use serde_json::json;

use super::common::{
    AuthArgs, DirArgs, Outcome, Secrets, Table, connect, data_dir, fail, reset_notice, session, sign_in,
};
use crate::auth::{Role, detect_origin};
use crate::sanitize::terminal_text;
use crate::store::{AccountStatus, NewAccount};

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

/// Runs a `user` command.
pub(crate) fn run(action: UserAction) -> Outcome {
    match action {
        UserAction::Add { name, role, display_name, dir, auth } => {
            // The name is checked before any password is read: a bad one is named at once.
            crate::store::sled_store::validate_username(&name)?;
            let mut secrets = Secrets::new(auth.password_stdin);
            let mut client = session(&dir, &auth, &mut secrets)?;
            let password = secrets.next(&format!("new password for {}", terminal_text(&name, false)))?;
            let account =
                NewAccount { username: name.clone(), display_name: display_name.unwrap_or_else(|| name.clone()), role };
            let summary = client.add_user(account, &password)?;
            Ok((
                serde_json::to_value(&summary).unwrap_or_default(),
                format!("added {} ({})", terminal_text(&summary.username, false), summary.role),
            ))
        }
        UserAction::List { dir, auth } => {
            let mut secrets = Secrets::new(auth.password_stdin);
            let mut client = session(&dir, &auth, &mut secrets)?;
            let accounts = client.list_users()?;
            let mut table = Table::new(&["USER", "ROLE", "STATUS", "PASSWORD HASH", "NOTE"]);
            for a in &accounts {
                let pending = a
                    .password_reset
                    .as_ref()
                    .map(|r| format!("password set by {} on {}; to be changed", r.by, r.date()))
                    .unwrap_or_default();
                table.row([
                    a.username.clone(),
                    a.role.to_string(),
                    a.status.as_str().to_string(),
                    a.hash_parameters.clone(),
                    pending,
                ]);
            }
            let human = table.render();
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
                client.recover(&key, &name, &password, &detect_origin())?;
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
            client.set_password(&name, &password)?;
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
    client.set_user_status(name, status)?;
    Ok((json!({"user": name, "status": status}), format!("{} is now {}", terminal_text(name, false), status.as_str())))
}
