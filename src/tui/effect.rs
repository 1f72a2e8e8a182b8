//! The work a screen asks the shell for (`Effect`): owner requests, files, terminal changes. The
//! shell performs each on its worker thread and feeds the reply back as an `Action`.

use zeroize::Zeroizing;

use super::backend::{ClientInfo, SavedAnswer, Setup};
use crate::instrument::{Lang, ScoreResult};

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
    /// Before creating a client: the clients they may be already (`Action::DuplicatesChecked`).
    CheckDuplicates(ClientInfo),
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
    /// The take-away summary: written in `dir` as the next free version of its name.
    WriteSummary {
        dir: std::path::PathBuf,
        /// The encounter's short reference and the date, for the file name.
        reference: String,
        today: String,
        text: String,
    },
    OpenEncounter(String),
    /// Opens the encounter someone else has open, taking it over (audited).
    TakeOver(String),
    /// Finishes the intake with its outcome (and the reason "no referral needed" requires).
    FinishEncounter {
        encounter: String,
        outcome: crate::store::OutcomeKind,
        reason: Option<String>,
    },
    /// The finished intakes instead of the queue.
    LoadClosed,
    /// Opens a finished intake again (a clinician, with the reason), then opens it.
    ReopenEncounter {
        encounter: String,
        reason: String,
    },
    LoadHistory(String),
    /// A kiosk check-in code for this client (from their history).
    IssueCheckinFor(String),
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
    /// Ends the session at the owner ("switch user").
    Logout,
    /// An administration task (`admin_ops`).
    Admin(super::admin_ops::Job),
    Quit,
}
