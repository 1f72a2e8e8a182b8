//! Typed store errors. Each names what went wrong, where, and what to do; none carries personal
//! health information or key material.

use std::path::PathBuf;

/// Everything a store operation can report.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "record damaged: {kind} {id}. Other records are still readable; restore this record from a backup (`triage backup verify` then `triage backup restore` into a new data directory) or report it to an administrator"
    )]
    Damaged { kind: &'static str, id: String },

    /// sled could not read the page that holds a record (its bytes on disk are damaged): the
    /// store is open, only what that page holds is out of reach.
    #[error(
        "record unreadable: {what}. The database file is damaged where it is kept{at}; the store is still open and records elsewhere stay readable, but others kept beside it may not be. Restore from the latest backup (`triage backup verify FILE`, then `triage backup restore FILE --data-dir NEW_DIR`) or report it to an administrator"
    )]
    Unreadable { what: String, at: String },

    #[error(
        "{kind} {id} was written by a newer version of triage (schema {found}; this build reads up to {supported}). Upgrade triage before opening this data directory"
    )]
    NewerSchema { kind: &'static str, id: String, found: u32, supported: u32 },

    #[error("the store is locked: log in as a staff member (admin, clinician or intake) to unlock it")]
    Locked,

    #[error("no {kind} with id {id}")]
    NotFound { kind: &'static str, id: String },

    #[error("no account is named {user}: `triage user list` shows the accounts")]
    NoAccount { user: String },

    /// For logs: the interfaces and the CLI word it for people from `operation`
    /// (`crate::shell::owner_error::refusal`), naming who may do it.
    #[error("permission denied: the {role} role may not {operation}")]
    Denied { role: crate::auth::Role, operation: crate::auth::Operation },

    #[error("wrong user name or password")]
    BadCredentials,

    #[error("too many failed logins for {user}: wait {wait_secs} s before trying again")]
    Throttled { user: String, wait_secs: i64 },

    #[error(
        "account {user} is locked after repeated failed logins: an administrator must reset its password with `triage user passwd {user}`"
    )]
    LockedOut { user: String },

    #[error("account {user} is disabled: an administrator can enable it with `triage user enable {user}`")]
    Disabled { user: String },

    #[error(
        "the session of {user} has ended: the account was disabled, or its password or role changed; sign in again"
    )]
    SessionEnded { user: String },

    #[error(
        "the password of {user} was set by {by} on {on}: choose a new one before anything else, with `triage user passwd {user} --user {user}` or at the staff interface's sign-in"
    )]
    PasswordChangeRequired { user: String, by: String, on: String },

    #[error("the data directory {path} is already initialised; use it as it is, or choose another `--data-dir`")]
    AlreadyInitialised { path: PathBuf },

    #[error(
        "the data directory {path} is not initialised: run `triage init --org NAME --province XX --admin USER --password-stdin` first"
    )]
    NotInitialised { path: PathBuf },

    #[error(
        "{path} is not a triage data directory (it holds other data). Choose an empty directory or the right `--data-dir`; nothing was changed"
    )]
    Foreign { path: PathBuf },

    #[error(
        "the database in {path} is damaged and cannot be opened ({detail}). Nothing was changed: move the directory aside and restore the latest backup with `triage backup restore FILE --data-dir NEW_DIR`"
    )]
    Corrupt { path: PathBuf, detail: String },

    #[error(
        "the database in {path} has lost changes that were confirmed as saved: {detail}. Nothing was changed. Restore the latest backup into a new data directory (`triage backup restore FILE --data-dir NEW_DIR`); if no backup can be used, `triage audit accept-loss --data-dir {path} --user ADMIN --reason TEXT` opens it as it is and records the loss in the audit log"
    )]
    AuditLoss { path: PathBuf, detail: String },

    #[error(
        "the disk holding {path} is full: this change could not be confirmed as saved (everything confirmed before is intact). Free some space, then check whether it is there before you retry"
    )]
    DiskFull { path: PathBuf },

    #[error(
        "{path} is read-only or not writable by this user: nothing was saved. Check the directory's permissions and the mount"
    )]
    ReadOnly { path: PathBuf },

    #[error(
        "another triage owner already holds the data directory {path}{pid}. Use it through that owner (any `triage` command connects to it), or stop it with `triage stop`"
    )]
    OwnerRunning { path: PathBuf, pid: String },

    #[error(
        "storage error in {path}: {detail}. This change could not be confirmed as saved: check whether it is there before you retry, and if the error persists check the disk"
    )]
    Storage { path: PathBuf, detail: String },

    #[error("cannot {what} {path}: {source}")]
    Io { what: &'static str, path: PathBuf, source: std::io::Error },

    #[error("invalid {field}: {reason}")]
    Invalid { field: &'static str, reason: String },

    #[error("the backup {path} is not valid: {reason}")]
    BadBackup { path: PathBuf, reason: String },

    #[error("the store refuses to {what}: {reason}")]
    Refused { what: &'static str, reason: String },

    #[error("kiosk submission {id} was claimed by staff: it takes no more answers")]
    Claimed { id: String },

    /// A write based on a version of an encounter that someone else has changed since: nothing
    /// of it was written (see `sled_store::versions`).
    #[error(
        "encounter {encounter} was changed by someone else since it was read (version {based_on}, now {current}): nothing was written; open it again to see what is saved"
    )]
    Stale { encounter: String, based_on: u64, current: u64 },

    /// A kiosk submission whose sealed box does not open with the organisation's key (or opens
    /// to another submission): not made by this service's kiosk, so not imported. The store
    /// itself is not damaged.
    #[error(
        "kiosk submission {id} could not be verified as coming from this service's kiosk (its sealed box does not open with the organisation's key, or belongs to another submission), so nothing was imported. It is kept unchanged for review and the attempt is in the audit log (`triage audit list --action submission.unverified`); tell an administrator. The store is not damaged: no backup needs restoring"
    )]
    Unverified { id: String },
}

/// Short machine-readable code for an error (used on the wire and in `--json` output).
impl StoreError {
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Damaged { .. } | StoreError::Unreadable { .. } => "damaged",
            StoreError::NewerSchema { .. } => "newer_schema",
            StoreError::Locked => "locked",
            StoreError::NotFound { .. } | StoreError::NoAccount { .. } => "not_found",
            StoreError::Denied { .. } => "denied",
            StoreError::BadCredentials => "bad_credentials",
            StoreError::Throttled { .. } => "throttled",
            StoreError::LockedOut { .. } => "locked_out",
            StoreError::Disabled { .. } => "disabled",
            StoreError::SessionEnded { .. } => "session_ended",
            StoreError::PasswordChangeRequired { .. } => "password_change_required",
            StoreError::AlreadyInitialised { .. } => "already_initialised",
            StoreError::NotInitialised { .. } => "not_initialised",
            StoreError::Foreign { .. } => "foreign",
            StoreError::Corrupt { .. } => "corrupt",
            StoreError::AuditLoss { .. } => "audit_loss",
            StoreError::DiskFull { .. } => "disk_full",
            StoreError::ReadOnly { .. } => "read_only",
            StoreError::OwnerRunning { .. } => "owner_running",
            StoreError::Storage { .. } => "storage",
            StoreError::Io { .. } => "io",
            StoreError::Invalid { .. } => "invalid",
            StoreError::BadBackup { .. } => "bad_backup",
            StoreError::Refused { .. } => "refused",
            StoreError::Claimed { .. } => "claimed",
            StoreError::Stale { .. } => "stale",
            StoreError::Unverified { .. } => "unverified",
        }
    }

    /// Maps an I/O error to the most specific variant.
    pub fn from_io(what: &'static str, path: &std::path::Path, source: std::io::Error) -> StoreError {
        let path = path.to_path_buf();
        match source.raw_os_error() {
            // ENOSPC, and EDQUOT (the user's quota): either way no room is left.
            Some(28) | Some(122) => StoreError::DiskFull { path },
            Some(30) | Some(13) | Some(1) => StoreError::ReadOnly { path },
            _ => match source.kind() {
                std::io::ErrorKind::StorageFull => StoreError::DiskFull { path },
                std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied => {
                    StoreError::ReadOnly { path }
                }
                _ => StoreError::Io { what, path, source },
            },
        }
    }

    /// Maps a sled error met while the store is open: damage sled finds in a page it reads
    /// is that page unreadable, not a database that cannot be opened. `what` names the record
    /// (or the tree) being read.
    pub fn from_sled_read(path: &std::path::Path, error: sled::Error, what: impl FnOnce() -> String) -> StoreError {
        match error {
            sled::Error::Corruption { at, .. } => {
                let at = at
                    .map(|ptr| match ptr {
                        sled::DiskPtr::Inline(offset) | sled::DiskPtr::Blob(offset, _) => {
                            format!(" (file offset {offset})")
                        }
                    })
                    .unwrap_or_default();
                StoreError::Unreadable { what: what(), at }
            }
            other => StoreError::from_sled(path, other),
        }
    }

    /// Maps a sled error.
    pub fn from_sled(path: &std::path::Path, error: sled::Error) -> StoreError {
        match error {
            sled::Error::Io(io) => match StoreError::from_io("write to", path, io) {
                // sled's own I/O error text is a debug dump; name the kind and the OS code.
                StoreError::Io { source, .. } => StoreError::Storage {
                    path: path.to_path_buf(),
                    detail: match source.raw_os_error() {
                        Some(code) => format!("{} (OS error {code})", source.kind()),
                        None => source.kind().to_string(),
                    },
                },
                specific => specific,
            },
            sled::Error::Corruption { .. } => {
                StoreError::Corrupt { path: path.to_path_buf(), detail: "sled reported corruption".into() }
            }
            other => StoreError::Storage { path: path.to_path_buf(), detail: other.to_string() },
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_map_to_clear_variants() {
        let path = std::path::Path::new("/data");
        assert_eq!(StoreError::from_io("write", path, std::io::Error::from_raw_os_error(28)).code(), "disk_full");
        assert_eq!(StoreError::from_io("write", path, std::io::Error::from_raw_os_error(30)).code(), "read_only");
        assert_eq!(StoreError::from_io("write", path, std::io::Error::from_raw_os_error(122)).code(), "disk_full");
        let too_large = StoreError::from_sled(path, sled::Error::Io(std::io::Error::from_raw_os_error(27)));
        assert_eq!(too_large.code(), "storage");
        assert!(too_large.to_string().contains("could not be confirmed as saved"), "{too_large}");
        assert!(too_large.to_string().contains("OS error 27"), "{too_large}");
        let damaged = StoreError::Damaged { kind: "answer", id: "ab".into() };
        assert!(damaged.to_string().starts_with("record damaged: answer ab"));
    }
}
