//! The shell side of the administration tasks (`admin_ops`): performs a [`Job`] through the
//! [`Backend`] (status, check-in code, backup, export, settings) or on files (the catalog and questionnaire
//! checks, which need no owner), with the same code as the matching CLI subcommands.

use std::path::{Path, PathBuf};

use super::admin_ops::{Findings, Job, Outcome};
use super::backend::{Backend, BackendError, BackendResult, ErrorKind};
use crate::diagnostic::Diagnostic;
use crate::server::client::ClientError;

/// Performs one administration job; a long one (an export) tells `progress` how far it is.
pub fn perform(job: Job, backend: &mut dyn Backend, progress: &mut dyn FnMut(u64)) -> BackendResult<Outcome> {
    match job {
        Job::OwnerStatus => backend.owner_status().map(Outcome::Status),
        Job::IssueCheckin { minutes, client } => {
            backend.issue_checkin(minutes, client.as_deref()).map(Outcome::Checkin)
        }
        Job::ListCheckins => backend.list_checkins().map(Outcome::Checkins),
        Job::RevokeCheckin { reference } => backend.revoke_checkin(&reference).map(Outcome::CheckinRevoked),
        Job::Backup { path } => backend.create_backup(&new_path(&path)?).map(Outcome::Backup),
        Job::VerifyBackup { path, user, password } => {
            // As `triage backup verify`: no owner, the account's own keyslot opens the backup.
            let password = secrecy::SecretString::from(password.to_string());
            let unlock = crate::store::backup::Unlock::Password { user: &user, password: &password };
            let report = crate::store::backup::verify(&resolve(&path)?, &unlock)
                .map_err(|e| BackendError::from(e).with_detail(&path))?;
            Ok(Outcome::BackupVerified(super::store_backend::backup_info(report)))
        }
        Job::Export { format, path, choice } => {
            backend.export(format, &resolve(&path)?, &choice, progress).map(Outcome::Export)
        }
        Job::SetKioskPin { pin } => backend.set_kiosk_pin(&pin).map(|()| Outcome::KioskPinSet),
        Job::LoadSettings => backend.settings().map(Outcome::SettingsLoaded),
        Job::SaveSettings(changes) => backend.update_settings(&changes).map(Outcome::SettingsSaved),
        Job::CheckResources { dir, stale_days } => check_resources(dir.as_deref(), stale_days).map(Outcome::Resources),
        Job::CheckInstruments { path } => Ok(Outcome::Instruments(check_instruments(path.as_deref()))),
    }
}

/// A typed path made absolute: `~/` is the home directory, a relative path is taken from the
/// directory triage was started in (where the owner, which may run elsewhere, can find it).
fn resolve(typed: &str) -> BackendResult<PathBuf> {
    let path = match typed.strip_prefix("~/") {
        Some(rest) => {
            let home = std::env::var_os("HOME").ok_or_else(|| {
                BackendError::new(ErrorKind::LocalFile, "HOME is not set: type the whole path").with_detail(typed)
            })?;
            Path::new(&home).join(rest)
        }
        None => PathBuf::from(typed),
    };
    if path.is_absolute() {
        return Ok(path);
    }
    let cwd = std::env::current_dir().map_err(|e| {
        BackendError::new(ErrorKind::LocalFile, format!("cannot tell the current directory: {e}")).with_detail(typed)
    })?;
    Ok(cwd.join(path))
}

/// A resolved path where nothing exists yet. The owner's backup would replace an existing file
/// (an older backup, say); here a backup only ever goes to a new one.
fn new_path(typed: &str) -> BackendResult<PathBuf> {
    let path = resolve(typed)?;
    if path.symlink_metadata().is_ok() {
        let log = format!("{} already exists: choose a new file name", path.display());
        return Err(BackendError::new(ErrorKind::FileExists, log).with_detail(path.display().to_string()));
    }
    Ok(path)
}

fn lines(list: &[Diagnostic]) -> Vec<String> {
    list.iter().map(ToString::to_string).collect()
}

/// `triage resources check [--resources DIR] --stale-days N`, against today.
fn check_resources(dir: Option<&str>, stale_days: u32) -> BackendResult<Findings> {
    let resources = dir.map(resolve).transpose()?;
    let (catalog, errors) = crate::triage::Catalog::load(resources.as_deref())
        .map_err(|e| BackendError::new(ErrorKind::LocalFile, e).with_detail(dir.unwrap_or_default()))?;
    let today = crate::triage::Date::from_days_from_epoch(super::shell::now_ms() / 86_400_000);
    let (stale, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) =
        catalog.warnings(today, stale_days).into_iter().partition(|w| w.message.contains(" is stale: "));
    Ok(Findings {
        checked: catalog.resources.len(),
        errors: lines(&errors),
        stale: lines(&stale),
        warnings: lines(&warnings),
        unavailable: 0,
    })
}

/// `triage instruments check [PATH]`.
fn check_instruments(path: Option<&str>) -> Findings {
    let paths: Vec<PathBuf> = path.map(PathBuf::from).into_iter().collect();
    let outcome = crate::instrument::library::check_library(&paths);
    let reports = if outcome.unreadable.is_empty() { &outcome.reports } else { &outcome.unreadable };
    Findings {
        checked: outcome.checked,
        errors: reports.iter().flat_map(|r| lines(&r.diagnostics)).collect(),
        stale: Vec::new(),
        warnings: Vec::new(),
        unavailable: outcome.reports.iter().filter(|r| r.unavailable).count(),
    }
}

/// An export failure as this interface says it: the owner's refusal as any other; a local
/// failure with the export's path (`out`, the name asked for) as its detail, a file that exists
/// or a full disk said as such.
pub(super) fn export_error(error: crate::export::ExportError<ClientError>, out: &Path) -> BackendError {
    use crate::export::ExportError;
    let log = error.to_string();
    match error {
        ExportError::Source(error) => BackendError::from(error),
        ExportError::Io { error, .. } => {
            let kind = match error.kind() {
                std::io::ErrorKind::AlreadyExists => ErrorKind::FileExists,
                std::io::ErrorKind::StorageFull => ErrorKind::DiskFull,
                _ => ErrorKind::Storage,
            };
            BackendError::new(kind, log).with_detail(out.display().to_string())
        }
        ExportError::NeedsReason => BackendError::new(ErrorKind::Invalid, log).with_detail("reason"),
        ExportError::DeidentifyNotCsv => BackendError::new(ErrorKind::Invalid, log).with_detail("deidentify"),
        ExportError::Recipients(_) | ExportError::RecipientsFile(_) => {
            BackendError::new(ErrorKind::Invalid, log).with_detail("recipients")
        }
        // The interface does not import; said as a file it could not read, should it ever.
        ExportError::ImportLine { .. } | ExportError::ImportRead { .. } | ExportError::EmptyImport { .. } => {
            BackendError::new(ErrorKind::LocalFile, log)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_catalog_and_library_check_clean() {
        let resources = check_resources(None, 100_000).expect("the built-in catalog loads");
        assert!(resources.checked > 10 && resources.errors.is_empty(), "{resources:?}");
        assert!(resources.stale.is_empty(), "nothing is stale with a 100,000-day limit");
        let instruments = check_instruments(None);
        assert!(instruments.checked >= 10 && instruments.errors.is_empty(), "{instruments:?}");
    }

    #[test]
    fn a_broken_questionnaire_file_is_reported_with_its_position() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("broken.toml");
        std::fs::write(&file, "id = \"broken\"\nversion = [\n").expect("write");
        let findings = check_instruments(file.to_str());
        assert_eq!(findings.checked, 1);
        let first = findings.errors.first().expect("an error");
        assert!(first.starts_with(&format!("{}:", file.display())) && first.contains(":2:"), "{first}");
        // A path that cannot be read is an error too, not a clean check.
        let missing = check_instruments(Some("/nonexistent/triage-check"));
        assert!(!missing.errors.is_empty());
    }

    #[test]
    fn stale_entries_are_told_apart_and_paths_are_made_absolute() {
        let resources = check_resources(None, 1).expect("loads");
        assert!(!resources.stale.is_empty() && resources.stale.iter().all(|s| s.contains("is stale")));
        assert!(resources.warnings.iter().all(|w| !w.contains("is stale")));
        assert!(check_resources(Some("/nonexistent/triage-catalog"), 365).is_err());
        assert!(resolve("backup.tbk").expect("cwd").is_absolute());
        assert_eq!(resolve("/srv/a").expect("absolute"), PathBuf::from("/srv/a"));
        let dir = tempfile::tempdir().expect("temp dir");
        let taken = dir.path().join("old.tbk");
        std::fs::write(&taken, "an older backup").expect("write");
        let refused = new_path(&taken.display().to_string()).expect_err("an existing file is refused");
        assert_eq!(refused.kind, ErrorKind::FileExists);
        assert_eq!(refused.detail, Some(taken.display().to_string()), "the path is shown after the sentence");
        assert!(new_path(&dir.path().join("new.tbk").display().to_string()).is_ok());
    }

    /// The export writer's typed errors become this interface's kinds (worded from
    /// `ui::strings`): a refusal as the owner's code, a local file by the path asked for.
    #[test]
    fn export_errors_become_the_interfaces_kinds() {
        use crate::export::{ExportError, IoStep};
        let out = Path::new("/tmp/export.jsonl");
        let exists = ExportError::io(
            IoStep::Create,
            Path::new("/tmp/.export.jsonl.0a.partial"),
            std::io::Error::from(std::io::ErrorKind::AlreadyExists),
        );
        let error = export_error(exists, out);
        assert_eq!((error.kind, error.detail.as_deref()), (ErrorKind::FileExists, Some("/tmp/export.jsonl")));
        let full = ExportError::io(IoStep::Write, out, std::io::Error::from(std::io::ErrorKind::StorageFull));
        assert_eq!(export_error(full, out).kind, ErrorKind::DiskFull);
        let other = ExportError::io(IoStep::Write, out, std::io::Error::other("bad sector"));
        assert_eq!(export_error(other, out).kind, ErrorKind::Storage);
        let refused = ExportError::Source(ClientError::Owner { code: "denied".into(), message: "no".into() });
        assert_eq!(export_error(refused, out).kind, ErrorKind::Denied);
        let error = export_error(ExportError::DeidentifyNotCsv, out);
        assert_eq!((error.kind, error.detail.as_deref()), (ErrorKind::Invalid, Some("deidentify")));
    }
}
