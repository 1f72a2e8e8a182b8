//! `triage backup create|verify|restore`: encrypted, checksummed backups. Only `create` needs the
//! owner; `verify` reads the file alone and `restore` fills an empty directory no owner holds.

use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::common::{AuthArgs, DirArgs, Failure, Outcome, Secrets, data_dir, fail, session};
use crate::auth::detect_origin;
use crate::sanitize::terminal_text;
use crate::server::owner::OwnerLock;
use crate::store::backup::{self, Unlock};

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

fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map(|cwd| cwd.join(path)).unwrap_or_else(|_| path.to_path_buf())
    }
}

/// Runs a `backup` command.
pub(crate) fn run(action: BackupAction) -> Outcome {
    match action {
        BackupAction::Create { file, dir, auth } => {
            let mut secrets = Secrets::new(auth.password_stdin);
            let mut client = session(&dir, &auth, &mut secrets)?;
            let report = client.backup_create(absolute(&file))?;
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
