//! A failure the interfaces show, as data: the owner's language-neutral error code (or a local
//! failure) as a kind both interfaces word in the current language at draw time
//! ([`BackendError::render`]); the owner's English message is kept for logs only. The owner's
//! failures become these in `crate::shell::owner_error`.

use crate::instrument::Lang;
use crate::ui::strings::Text;

/// What went wrong, in terms the interface can say in either language. Built from the owner's
/// language-neutral `WireError.code` ([`ErrorKind::from_code`]) or from a local failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    WrongCredentials,
    Throttled,
    LockedOut,
    AccountDisabled,
    SessionEnded,
    /// An administrator set this account's password: a new one must be chosen first.
    PasswordChangeRequired,
    NotLoggedIn,
    /// A sign-in as someone else on a session another user locked.
    UnlockOtherUser,
    StoreLocked,
    Denied,
    NotFound,
    Claimed,
    /// A write based on an encounter someone else has changed since it was opened: nothing was
    /// written, and the interface opens the encounter again.
    Stale,
    /// A write to an intake someone else took over: nothing was written; it is opened again.
    Taken,
    /// A kiosk submission that could not be verified as this service's kiosk's: not imported,
    /// kept for review (not damage to restore from a backup).
    Unverified,
    AlreadyInitialised,
    NotInitialised,
    Invalid,
    Refused,
    OwnerBusy,
    OwnerUnreachable,
    ConnectionLost,
    VersionMismatch,
    DiskFull,
    ReadOnly,
    Damaged,
    /// The database lost changes that were confirmed as saved (the audit witness says so).
    AuditLoss,
    NewerSchema,
    ForeignDirectory,
    OwnerRunning,
    Storage,
    BadBackup,
    /// A file the interface was asked to write already exists.
    FileExists,
    /// A file or setting the interface itself reads is wrong (a catalog, a path).
    LocalFile,
    /// The take-away summary's folder cannot be created or written (an administrator sets it).
    SummaryFolder,
    /// The owner answered with something this interface did not expect.
    Protocol,
    /// A code this interface does not know (a newer owner): still said in a translated sentence.
    Unknown,
}

impl ErrorKind {
    /// Whether a save that failed this way may still have been written: the disk failed part-way
    /// or the connection dropped before the answer came back. Such a save is "not confirmed",
    /// never "not saved".
    pub fn outcome_unknown(self) -> bool {
        matches!(self, ErrorKind::DiskFull | ErrorKind::Storage | ErrorKind::ConnectionLost | ErrorKind::Protocol)
    }

    /// Every kind, for tests that each one has a sentence in both languages.
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::WrongCredentials,
        ErrorKind::Throttled,
        ErrorKind::LockedOut,
        ErrorKind::AccountDisabled,
        ErrorKind::SessionEnded,
        ErrorKind::PasswordChangeRequired,
        ErrorKind::NotLoggedIn,
        ErrorKind::UnlockOtherUser,
        ErrorKind::StoreLocked,
        ErrorKind::Denied,
        ErrorKind::NotFound,
        ErrorKind::Claimed,
        ErrorKind::Stale,
        ErrorKind::Taken,
        ErrorKind::Unverified,
        ErrorKind::AlreadyInitialised,
        ErrorKind::NotInitialised,
        ErrorKind::Invalid,
        ErrorKind::Refused,
        ErrorKind::OwnerBusy,
        ErrorKind::OwnerUnreachable,
        ErrorKind::ConnectionLost,
        ErrorKind::VersionMismatch,
        ErrorKind::DiskFull,
        ErrorKind::ReadOnly,
        ErrorKind::Damaged,
        ErrorKind::AuditLoss,
        ErrorKind::NewerSchema,
        ErrorKind::ForeignDirectory,
        ErrorKind::OwnerRunning,
        ErrorKind::Storage,
        ErrorKind::BadBackup,
        ErrorKind::FileExists,
        ErrorKind::LocalFile,
        ErrorKind::SummaryFolder,
        ErrorKind::Protocol,
        ErrorKind::Unknown,
    ];

    /// The kind for an owner's error code (`StoreError::code`, and the owner's own `denied`,
    /// `invalid`, `busy`, `not_logged_in`).
    pub fn from_code(code: &str) -> ErrorKind {
        match code {
            "bad_credentials" => ErrorKind::WrongCredentials,
            "throttled" => ErrorKind::Throttled,
            "locked_out" => ErrorKind::LockedOut,
            "disabled" => ErrorKind::AccountDisabled,
            "session_ended" => ErrorKind::SessionEnded,
            "password_change_required" => ErrorKind::PasswordChangeRequired,
            "not_logged_in" => ErrorKind::NotLoggedIn,
            "unlock_other_user" => ErrorKind::UnlockOtherUser,
            "locked" => ErrorKind::StoreLocked,
            "denied" => ErrorKind::Denied,
            "not_found" => ErrorKind::NotFound,
            "claimed" => ErrorKind::Claimed,
            "stale" => ErrorKind::Stale,
            "taken" => ErrorKind::Taken,
            "unverified" => ErrorKind::Unverified,
            "already_initialised" => ErrorKind::AlreadyInitialised,
            "not_initialised" => ErrorKind::NotInitialised,
            "invalid" => ErrorKind::Invalid,
            "refused" => ErrorKind::Refused,
            "busy" => ErrorKind::OwnerBusy,
            "disk_full" => ErrorKind::DiskFull,
            "read_only" => ErrorKind::ReadOnly,
            "damaged" | "corrupt" => ErrorKind::Damaged,
            "audit_loss" => ErrorKind::AuditLoss,
            "newer_schema" => ErrorKind::NewerSchema,
            "foreign" => ErrorKind::ForeignDirectory,
            "owner_running" => ErrorKind::OwnerRunning,
            "storage" | "io" => ErrorKind::Storage,
            "bad_backup" => ErrorKind::BadBackup,
            _ => ErrorKind::Unknown,
        }
    }

    /// The sentence that says it (no final full stop: a detail may follow).
    pub fn text(self) -> Text {
        match self {
            ErrorKind::WrongCredentials => Text::ErrWrongCredentials,
            ErrorKind::Throttled => Text::ErrThrottled,
            ErrorKind::LockedOut => Text::ErrLockedOut,
            ErrorKind::AccountDisabled => Text::ErrAccountDisabled,
            ErrorKind::SessionEnded => Text::ErrSessionEnded,
            ErrorKind::PasswordChangeRequired => Text::ErrPasswordChangeRequired,
            ErrorKind::NotLoggedIn => Text::ErrNotLoggedIn,
            ErrorKind::UnlockOtherUser => Text::ErrUnlockOtherUser,
            ErrorKind::StoreLocked => Text::ErrStoreLocked,
            ErrorKind::Denied => Text::ErrDenied,
            ErrorKind::NotFound => Text::ErrNotFound,
            ErrorKind::Claimed => Text::ErrClaimed,
            ErrorKind::Stale => Text::ErrStale,
            ErrorKind::Taken => Text::ErrTaken,
            ErrorKind::Unverified => Text::ErrUnverified,
            ErrorKind::AlreadyInitialised => Text::ErrAlreadyInitialised,
            ErrorKind::NotInitialised => Text::ErrNotInitialised,
            ErrorKind::Invalid => Text::ErrInvalid,
            ErrorKind::Refused => Text::ErrRefused,
            ErrorKind::OwnerBusy => Text::ErrOwnerBusy,
            ErrorKind::OwnerUnreachable => Text::ErrOwnerUnreachable,
            ErrorKind::ConnectionLost => Text::ErrConnectionLost,
            ErrorKind::VersionMismatch => Text::ErrVersionMismatch,
            ErrorKind::DiskFull => Text::ErrDiskFull,
            ErrorKind::ReadOnly => Text::ErrReadOnly,
            ErrorKind::Damaged => Text::ErrDamaged,
            ErrorKind::AuditLoss => Text::ErrAuditLoss,
            ErrorKind::NewerSchema => Text::ErrNewerSchema,
            ErrorKind::ForeignDirectory => Text::ErrForeignDirectory,
            ErrorKind::OwnerRunning => Text::ErrOwnerRunning,
            ErrorKind::Storage => Text::ErrStorage,
            ErrorKind::BadBackup => Text::ErrBadBackup,
            ErrorKind::FileExists => Text::ErrFileExists,
            ErrorKind::LocalFile => Text::ErrLocalFile,
            ErrorKind::SummaryFolder => Text::SummaryDirUnwritable,
            ErrorKind::Protocol => Text::ErrProtocol,
            ErrorKind::Unknown => Text::ErrUnknown,
        }
    }
}

/// The longest owner or local detail shown after the sentence.
const DETAIL_MAX_CHARS: usize = 120;

/// A failure the interface can show: its kind, an optional detail that is not prose (a field
/// name, a path, a file:line:column, a number of seconds), and the English message for logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendError {
    pub kind: ErrorKind,
    pub detail: Option<String>,
    /// The owner's (or the local) English message: for logs and the CLI, never drawn.
    pub log: String,
    /// A refused operation, worded for people (who may do it) in place of the kind's sentence.
    pub refusal: Option<crate::ui::refusal::Refusal>,
}

impl BackendError {
    pub fn new(kind: ErrorKind, log: impl Into<String>) -> BackendError {
        BackendError { kind, detail: None, log: log.into(), refusal: None }
    }

    /// The same failure with `detail` shown after the sentence (control characters and any
    /// excess length removed).
    pub fn with_detail(mut self, detail: impl AsRef<str>) -> BackendError {
        let clean: String =
            crate::sanitize::terminal_text(detail.as_ref(), false).chars().take(DETAIL_MAX_CHARS).collect();
        let clean = clean.trim().to_string();
        self.detail = (!clean.is_empty()).then_some(clean);
        self
    }

    /// A refusal sent by the owner: its kind from `code`, and from its English `message` only
    /// the parts that are not prose (the field of an invalid entry, the seconds to wait).
    pub fn from_owner(code: &str, message: &str) -> BackendError {
        let kind = ErrorKind::from_code(code);
        let error = BackendError::new(kind, message);
        let detail = match kind {
            ErrorKind::Invalid => message
                .strip_prefix("invalid ")
                .and_then(|rest| rest.split_once(':'))
                .map(|(field, _)| field.to_string())
                .filter(|field| field.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))),
            // Which record: "record damaged: client 0a1b…. Other records …".
            ErrorKind::Damaged => ["record damaged: ", "record unreadable: "]
                .iter()
                .find_map(|prefix| message.strip_prefix(prefix))
                .and_then(|rest| rest.split_once(". "))
                .map(|(what, _)| what.to_string()),
            // The submission's reference, as the queue shows it (its first 8 hex digits).
            ErrorKind::Unverified => message
                .strip_prefix("kiosk submission ")
                .map(|rest| rest.chars().take_while(char::is_ascii_hexdigit).take(8).collect::<String>())
                .filter(|reference| !reference.is_empty()),
            ErrorKind::Throttled => message
                .split_once("wait ")
                .and_then(|(_, rest)| rest.split_whitespace().next())
                .filter(|n| n.parse::<u64>().is_ok())
                .map(|n| format!("{n} s")),
            _ => None,
        };
        match detail {
            Some(detail) => error.with_detail(detail),
            None => error,
        }
    }

    /// The sentence in `lang`, then the detail, with a final full stop.
    pub fn render(&self, lang: Lang) -> String {
        if let Some(refusal) = self.refusal {
            return format!("{}.", refusal.sentence(lang));
        }
        let sentence = self.kind.text().get(lang);
        match &self.detail {
            Some(detail) => format!("{sentence} ({detail})."),
            None => format!("{sentence}."),
        }
    }
}

impl std::fmt::Display for BackendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.log)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_code_still_says_a_translated_sentence() {
        let error = BackendError::from_owner("from_a_newer_owner", "something new went wrong");
        assert_eq!(error.kind, ErrorKind::Unknown);
        assert_eq!(error.render(Lang::Fr), "le service triage a refusé la demande.");
        assert_eq!(error.render(Lang::En), "the triage service refused the request.");
        assert_eq!(error.log, "something new went wrong", "the owner's message is kept for logs");
    }

    #[test]
    fn every_kind_reads_in_french_and_differs_from_the_english() {
        for kind in ErrorKind::ALL {
            let (en, fr) = (kind.text().get(Lang::En), kind.text().get(Lang::Fr));
            assert!(!fr.is_empty() && fr != en, "{kind:?}");
            assert!(!fr.ends_with('.') && !en.ends_with('.'), "{kind:?}: the full stop comes after a detail");
            // French typography: a space before a colon or a semicolon.
            for (i, c) in fr.char_indices().filter(|(_, c)| matches!(c, ':' | ';')) {
                assert!(fr[..i].ends_with(' '), "{kind:?}: no space before {c:?} in {fr:?}");
            }
        }
        let sentences: std::collections::BTreeSet<&str> =
            ErrorKind::ALL.iter().map(|k| k.text().get(Lang::Fr)).collect();
        assert_eq!(sentences.len(), ErrorKind::ALL.len(), "each kind says something of its own");
    }

    #[test]
    fn french_rendering_of_the_login_refusals() {
        let wrong = BackendError::from_owner("bad_credentials", "wrong user name or password");
        assert_eq!(wrong.render(Lang::Fr), "nom d'utilisateur ou mot de passe incorrect.");
        let throttled =
            BackendError::from_owner("throttled", "too many failed logins for amira: wait 30 s before trying again");
        assert_eq!(throttled.render(Lang::Fr), "trop de connexions échouées : attendez avant de réessayer (30 s).");
        assert!(!throttled.render(Lang::Fr).contains("amira"), "only the number is taken from the owner's message");
        let ended = BackendError::from_owner("session_ended", "the session of amira has ended");
        assert!(ended.render(Lang::Fr).starts_with("votre session a pris fin"));
    }

    #[test]
    fn only_a_field_name_is_taken_from_an_invalid_entry() {
        let invalid = BackendError::from_owner("invalid", "invalid name: too long");
        assert_eq!(invalid.detail.as_deref(), Some("name"));
        assert_eq!(invalid.render(Lang::Fr), "la saisie a été refusée, car elle n'est pas valide (name).");
        // Prose is not a field name: nothing of it is shown.
        let prose = BackendError::from_owner("invalid", "invalid recovery key: it has 24 words");
        assert_eq!(prose.detail, None);
        let other = BackendError::from_owner("invalid", "the sealed box is not hex");
        assert_eq!(other.detail, None);
    }

    #[test]
    fn a_detail_is_cleaned_and_shortened() {
        let error = BackendError::new(ErrorKind::FileExists, "exists")
            .with_detail(format!("/srv/x\u{1b}[2J{}", "y".repeat(300)));
        let detail = error.detail.clone().unwrap_or_default();
        assert!(!detail.contains('\u{1b}') && detail.chars().count() <= DETAIL_MAX_CHARS, "{detail}");
        assert_eq!(BackendError::new(ErrorKind::LocalFile, "x").with_detail("  ").detail, None);
    }
}
