//! The owner's failures (a store error in this process, a client error over the socket) as the
//! interfaces' [`BackendError`]: the kind from the owner's language-neutral code, and from its
//! English message only the parts that are not prose.

use crate::auth::{Operation, Role, allowed};
use crate::instrument::Lang;
use crate::ui::error::{BackendError, ErrorKind};
use crate::ui::refusal::{Refusal, Who};

impl From<crate::store::StoreError> for BackendError {
    fn from(error: crate::store::StoreError) -> Self {
        owner_refusal(error.code(), &error.to_string())
    }
}

/// Who may do `operation`, from the policy table.
pub fn who_may(operation: Operation) -> Who {
    let may = |role| allowed(role, operation);
    match (may(Role::Admin), may(Role::Clinician), may(Role::Intake), may(Role::Kiosk)) {
        (true, false, false, false) => Who::Admin,
        (false, true, false, false) => Who::Clinician,
        (true, true, false, false) => Who::AdminOrClinician,
        (false, true, true, false) => Who::ClinicianOrIntake,
        (true, true, true, false) => Who::Staff,
        (false, false, false, true) => Who::Kiosk,
        _ => Who::Other,
    }
}

/// The refusal of the operation an owner's `denied` message names (`StoreError::Denied`: "… may
/// not NAME"), worded for people.
pub fn refusal(message: &str) -> Option<Refusal> {
    let name = message.rsplit_once("may not ")?.1.split_whitespace().next()?;
    let operation = Operation::ALL.into_iter().find(|op| op.name() == name)?;
    Refusal::of(operation.name(), who_may(operation))
}

/// The English sentence the CLI says for an owner's refusal `message`, if it names an operation.
pub fn refusal_in_english(message: &str) -> Option<String> {
    refusal(message).map(|refusal| format!("{}.", refusal.sentence(Lang::En)))
}

/// An owner's failure as the interfaces' error: a refused operation worded for people.
fn owner_refusal(code: &str, message: &str) -> BackendError {
    let mut error = BackendError::from_owner(code, message);
    if error.kind == ErrorKind::Denied {
        error.refusal = refusal(message);
    }
    error
}

impl From<crate::server::client::ClientError> for BackendError {
    fn from(error: crate::server::client::ClientError) -> Self {
        use crate::server::client::ClientError;
        let log = error.to_string();
        match error {
            ClientError::Owner { code, message } => owner_refusal(&code, &message),
            ClientError::NoOwner { .. } => BackendError::new(ErrorKind::OwnerUnreachable, log),
            ClientError::Disconnected { .. } => BackendError::new(ErrorKind::ConnectionLost, log),
            ClientError::VersionMismatch { .. } => BackendError::new(ErrorKind::VersionMismatch, log),
            ClientError::Protocol(_) => BackendError::new(ErrorKind::Protocol, log),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 16, item 6: "permission denied: the intake role may not override_decision. Ask an
    /// administrator" named an internal operation and the wrong person to ask. Each refused
    /// operation now says who can, in both languages, and no administrator is told to ask one.
    #[test]
    fn every_refused_operation_says_who_can_in_both_languages() {
        use crate::store::StoreError;
        let denied = |role, operation| BackendError::from(StoreError::Denied { role, operation });
        let override_level = denied(Role::Intake, Operation::OverrideDecision);
        assert_eq!(override_level.render(Lang::En), "Only a clinician can change the level.");
        assert_eq!(override_level.render(Lang::Fr), "Seules les personnes cliniciennes peuvent changer le niveau.");
        let over_the_wire = BackendError::from(crate::server::client::ClientError::Owner {
            code: "denied".into(),
            message: StoreError::Denied { role: Role::Clinician, operation: Operation::ExportData }.to_string(),
        });
        assert_eq!(over_the_wire.render(Lang::En), "Only an administrator can export records.");
        assert_eq!(
            over_the_wire.render(Lang::Fr),
            "Seules les personnes administratrices peuvent exporter des dossiers."
        );
        for operation in Operation::ALL {
            for role in Role::ALL.into_iter().filter(|role| !allowed(*role, operation)) {
                let error = denied(role, operation);
                assert!(error.refusal.is_some(), "{operation} has no wording");
                for lang in Lang::ALL {
                    let said = error.render(lang);
                    assert!(!said.contains(operation.name()) && !said.contains('_'), "{said}");
                    if role == Role::Admin {
                        assert!(!said.contains("administrator") && !said.contains("administratrice"), "{said}");
                    }
                }
            }
            let message = StoreError::Denied { role: Role::Kiosk, operation }.to_string();
            assert!(refusal_in_english(&message).is_some_and(|s| !s.contains(operation.name())), "{message}");
        }
    }

    /// One of every store error: their codes are what the owner sends besides its own.
    fn every_store_error() -> Vec<crate::store::StoreError> {
        use crate::store::StoreError;
        let path = std::path::PathBuf::from("/srv/triage");
        let errors = vec![
            StoreError::Damaged { kind: "client", id: "x".into() },
            StoreError::NewerSchema { kind: "client", id: "x".into(), found: 9, supported: 1 },
            StoreError::Locked,
            StoreError::NotFound { kind: "client", id: "x".into() },
            StoreError::NoAccount { user: "x".into() },
            StoreError::Denied { role: crate::auth::Role::Intake, operation: crate::auth::Operation::ReadReports },
            StoreError::BadCredentials,
            StoreError::Throttled { user: "a".into(), wait_secs: 5 },
            StoreError::LockedOut { user: "a".into() },
            StoreError::Disabled { user: "a".into() },
            StoreError::SessionEnded { user: "a".into() },
            StoreError::PasswordChangeRequired { user: "a".into(), by: "root".into(), on: "2026-11-25".into() },
            StoreError::AlreadyInitialised { path: path.clone() },
            StoreError::NotInitialised { path: path.clone() },
            StoreError::Foreign { path: path.clone() },
            StoreError::Corrupt { path: path.clone(), detail: "x".into() },
            StoreError::AuditLoss { path: path.clone(), detail: "x".into() },
            StoreError::Unreadable { what: "client ab".into(), at: String::new() },
            StoreError::DiskFull { path: path.clone() },
            StoreError::ReadOnly { path: path.clone() },
            StoreError::OwnerRunning { path: path.clone(), pid: String::new() },
            StoreError::Storage { path: path.clone(), detail: "x".into() },
            StoreError::Io { what: "read", path: path.clone(), source: std::io::Error::other("x") },
            StoreError::Invalid { field: "name", reason: "too long".into() },
            StoreError::BadBackup { path, reason: "x".into() },
            StoreError::Refused { what: "restore", reason: "x".into() },
            StoreError::Claimed { id: "x".into() },
            StoreError::Stale { encounter: "x".into(), based_on: 1, current: 2 },
            StoreError::Unverified { id: "0a1b2c3d4e5f".into() },
        ];
        // A new variant fails to compile here until it is added above (and given a kind).
        for error in &errors {
            match error {
                StoreError::Damaged { .. }
                | StoreError::NewerSchema { .. }
                | StoreError::Locked
                | StoreError::NotFound { .. }
                | StoreError::NoAccount { .. }
                | StoreError::Denied { .. }
                | StoreError::BadCredentials
                | StoreError::Throttled { .. }
                | StoreError::LockedOut { .. }
                | StoreError::Disabled { .. }
                | StoreError::SessionEnded { .. }
                | StoreError::PasswordChangeRequired { .. }
                | StoreError::AlreadyInitialised { .. }
                | StoreError::NotInitialised { .. }
                | StoreError::Foreign { .. }
                | StoreError::Corrupt { .. }
                | StoreError::AuditLoss { .. }
                | StoreError::Unreadable { .. }
                | StoreError::DiskFull { .. }
                | StoreError::ReadOnly { .. }
                | StoreError::OwnerRunning { .. }
                | StoreError::Storage { .. }
                | StoreError::Io { .. }
                | StoreError::Invalid { .. }
                | StoreError::BadBackup { .. }
                | StoreError::Refused { .. }
                | StoreError::Claimed { .. }
                | StoreError::Stale { .. }
                | StoreError::Unverified { .. } => {}
            }
        }
        errors
    }

    #[test]
    fn every_code_the_owner_sends_has_a_kind_of_its_own() {
        for error in every_store_error() {
            let code = error.code();
            assert_ne!(ErrorKind::from_code(code), ErrorKind::Unknown, "{code}");
            assert_ne!(BackendError::from(error).kind, ErrorKind::Unknown, "{code}");
        }
        // The owner's own codes (`server::owner`), and the handshake's.
        for code in ["denied", "invalid", "busy", "not_logged_in", "taken"] {
            assert_ne!(ErrorKind::from_code(code), ErrorKind::Unknown, "{code}");
        }
        assert_eq!(ErrorKind::from_code("bad_credentials"), ErrorKind::WrongCredentials);
        assert_eq!(ErrorKind::from_code("corrupt"), ErrorKind::Damaged);
        assert_eq!(ErrorKind::from_code("busy"), ErrorKind::OwnerBusy);
        assert_eq!(ErrorKind::from_code("not_logged_in"), ErrorKind::NotLoggedIn);
    }

    #[test]
    fn a_damaged_or_unreadable_record_is_named_after_the_sentence() {
        use crate::store::StoreError;
        let unreadable = StoreError::Unreadable { what: "client 0a1b".into(), at: " (file offset 9)".into() };
        assert_eq!(
            BackendError::from(unreadable).render(Lang::En),
            "a record is damaged: restore it from a backup or tell an administrator (client 0a1b)."
        );
        let damaged = BackendError::from(StoreError::Damaged { kind: "answer", id: "0a1b-3".into() });
        assert_eq!(damaged.detail.as_deref(), Some("answer 0a1b-3"));
    }

    /// Issue 14 (unclear errors): claiming a forged kiosk submission said "a record is damaged:
    /// restore it from a backup", sending staff to restore a store that was not damaged.
    #[test]
    fn an_unverified_submission_is_not_called_damage_and_asks_for_no_restore() {
        let error = BackendError::from(crate::store::StoreError::Unverified { id: "0a1b2c3d4e5f6a7b".into() });
        assert_eq!(error.kind, ErrorKind::Unverified);
        for lang in [Lang::En, Lang::Fr] {
            let text = error.render(lang);
            assert!(text.ends_with("(0a1b2c3d)."), "{text}");
            assert_ne!(text, BackendError::new(ErrorKind::Damaged, "").render(lang));
        }
        let en = error.render(Lang::En);
        assert!(en.contains("could not be verified as coming from this service's kiosk"), "{en}");
        assert!(en.contains("was not imported") && en.contains("kept for review"), "{en}");
        assert!(en.contains("no backup needs restoring"), "{en}");
        let fr = error.render(Lang::Fr);
        assert!(fr.contains("n'a pas pu être vérifiée") && fr.contains("aucune sauvegarde"), "{fr}");
    }

    #[test]
    fn client_failures_map_to_connection_kinds() {
        use crate::server::client::ClientError;
        let dir = std::path::PathBuf::from("/srv/triage");
        let gone = BackendError::from(ClientError::NoOwner { dir: dir.clone(), detail: "refused".into() });
        assert_eq!(gone.kind, ErrorKind::OwnerUnreachable);
        let lost = BackendError::from(ClientError::Disconnected { dir, detail: "eof".into() });
        assert_eq!(lost.kind, ErrorKind::ConnectionLost);
        assert_eq!(lost.render(Lang::Fr), "la connexion au service triage a été perdue : réessayez.");
        let owner =
            BackendError::from(ClientError::Owner { code: "denied".into(), message: "permission denied".into() });
        assert_eq!(owner.kind, ErrorKind::Denied);
        assert_eq!(BackendError::from(ClientError::Protocol("x".into())).kind, ErrorKind::Protocol);
    }
}
