//! One typed method per request: each sends its request and returns the reply it asked for, so
//! callers never match on a reply they did not ask for. A reply of another kind is a
//! [`ClientError::Protocol`] naming the request and the reply (never their contents), made in
//! one place: [`wrong_reply`].

use secrecy::SecretString;

use super::{Client, ClientError};
use crate::server::{OwnerStatus, Password, Reply, Request};
use crate::store::backup::BackupReport;
use crate::store::kiosk::{CheckinCode, KioskIntake, SubmissionProgress, SubmissionSummary};
use crate::store::{
    AccountStatus, AccountSummary, Answer, AuditEntry, AuditFilter, Client as ClientRecord, ClientHistory,
    ClientSearch, ConsentAnswer, ConsentRecord, CrisisAction, Decision, Encounter, EncounterDetail, EncounterOrigin,
    EncounterStatus, InitRequest, KioskSubmission, NewAccount, NewAnswer, NewClient, NewDecision, NewReferral,
    NewResult, OpenEncounter, Organisation, OutcomeKind, RecordId, Referral, ResultRecord, ScoringContext, SeedSummary,
    VerifyReport,
};

/// The error for a reply of another kind than the request asks for.
pub(super) fn wrong_reply(asked: &'static str, reply: &Reply) -> ClientError {
    ClientError::Protocol(format!("`{}` in answer to `{asked}`", reply.name()))
}

/// Sends a request and takes apart the one reply it asks for; any other is [`wrong_reply`].
macro_rules! ask {
    ($client:expr, $request:expr, $reply:pat => $value:expr) => {{
        let request = $request;
        let asked = request.name();
        match $client.request(request)? {
            $reply => Ok($value),
            other => Err(wrong_reply(asked, &other)),
        }
    }};
}
pub(super) use ask;

/// A session signed in: who, with which role, and whether an administrator set its password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    pub user: String,
    pub role: crate::auth::Role,
    /// An administrator set this account's password: only `SetPassword` for itself is allowed
    /// until it chooses a new one.
    pub password_reset: Option<crate::store::PasswordReset>,
}

impl SignedIn {
    /// The session a `LoggedIn` reply describes.
    pub(super) fn from_reply(asked: &'static str, reply: Reply) -> Result<SignedIn, ClientError> {
        match reply {
            Reply::LoggedIn { user, role, password_reset } => Ok(SignedIn { user, role, password_reset }),
            other => Err(wrong_reply(asked, &other)),
        }
    }
}

fn secret(value: &SecretString) -> Password {
    Password(value.clone())
}

impl Client {
    /// Tells the owner the interface is locked: until this connection's user signs in again,
    /// it refuses a sign-in as anyone else.
    pub fn lock(&mut self) -> Result<(), ClientError> {
        ask!(self, Request::Lock, Reply::Done => ())
    }

    /// Ends the session ("switch user"): the owner forgets it, and so does this connection (the
    /// password kept for reconnects is dropped, zeroized once no listener holds it).
    pub fn logout(&mut self) -> Result<(), ClientError> {
        self.credentials = None;
        ask!(self, Request::Logout, Reply::Done => ())
    }

    /// Checks that the owner answers.
    pub fn ping(&mut self) -> Result<(), ClientError> {
        ask!(self, Request::Ping, Reply::Pong => ())
    }

    /// The owner's and its store's status (no personal data).
    pub fn status(&mut self) -> Result<OwnerStatus, ClientError> {
        ask!(self, Request::Status, Reply::Status(status) => status)
    }

    /// Sets up the store; returns the recovery key to show once.
    pub fn init(&mut self, request: InitRequest, password: &SecretString) -> Result<SecretString, ClientError> {
        ask!(self, Request::Init { request, password: secret(password) }, Reply::RecoveryKey(key) => key.0)
    }

    /// Signs in with the recovery key, setting a new password (not kept for reconnects).
    pub fn recover(
        &mut self,
        recovery_key: &SecretString,
        user: &str,
        new_password: &SecretString,
        origin: &str,
    ) -> Result<SignedIn, ClientError> {
        let request = Request::Recover {
            recovery_key: secret(recovery_key),
            user: user.into(),
            new_password: secret(new_password),
            origin: origin.into(),
        };
        let asked = request.name();
        SignedIn::from_reply(asked, self.request(request)?)
    }

    /// The organisation: its name, province and settings.
    pub fn organisation(&mut self) -> Result<Organisation, ClientError> {
        ask!(self, Request::Organisation, Reply::Organisation(org) => org)
    }

    pub fn add_user(&mut self, account: NewAccount, password: &SecretString) -> Result<AccountSummary, ClientError> {
        ask!(self, Request::AddUser { account, password: secret(password) }, Reply::Account(account) => account)
    }

    pub fn list_users(&mut self) -> Result<Vec<AccountSummary>, ClientError> {
        ask!(self, Request::ListUsers, Reply::Accounts(accounts) => accounts)
    }

    pub fn set_user_status(&mut self, user: &str, status: AccountStatus) -> Result<(), ClientError> {
        ask!(self, Request::SetUserStatus { user: user.into(), status }, Reply::Done => ())
    }

    /// Sets another account's password (an administrator's reset). For this session's own
    /// account, [`change_own_password`](Client::change_own_password) keeps it for reconnects.
    pub fn set_password(&mut self, user: &str, password: &SecretString) -> Result<(), ClientError> {
        ask!(self, Request::SetPassword { user: user.into(), password: secret(password) }, Reply::Done => ())
    }

    pub fn create_client(&mut self, client: NewClient) -> Result<RecordId, ClientError> {
        ask!(self, Request::CreateClient { client }, Reply::Id(id) => id)
    }

    pub fn get_client(&mut self, id: RecordId) -> Result<ClientRecord, ClientError> {
        ask!(self, Request::GetClient { id }, Reply::Client(client) => client)
    }

    /// Every client, and the records that could not be read.
    pub fn list_clients(&mut self) -> Result<(Vec<ClientRecord>, Vec<String>), ClientError> {
        ask!(self, Request::ListClients, Reply::Clients { clients, damaged } => (clients, damaged))
    }

    pub fn search_clients(&mut self, query: &str) -> Result<ClientSearch, ClientError> {
        ask!(self, Request::SearchClients { query: query.into() }, Reply::ClientSearch(found) => found)
    }

    pub fn start_encounter(
        &mut self,
        client: RecordId,
        origin: EncounterOrigin,
        instruments: Vec<String>,
    ) -> Result<Encounter, ClientError> {
        ask!(self, Request::StartEncounter { client, origin, instruments }, Reply::Encounter(encounter) => encounter)
    }

    pub fn open_encounters(&mut self) -> Result<Vec<OpenEncounter>, ClientError> {
        ask!(self, Request::OpenEncounters, Reply::OpenEncounters(list) => list)
    }

    pub fn closed_encounters(&mut self) -> Result<Vec<OpenEncounter>, ClientError> {
        ask!(self, Request::ClosedEncounters, Reply::OpenEncounters(list) => list)
    }

    pub fn finish_encounter(
        &mut self,
        id: RecordId,
        outcome: OutcomeKind,
        reason: Option<String>,
    ) -> Result<Encounter, ClientError> {
        ask!(self, Request::FinishEncounter { id, outcome, reason }, Reply::Encounter(encounter) => encounter)
    }

    pub fn reopen_encounter(&mut self, id: RecordId, reason: String) -> Result<Encounter, ClientError> {
        ask!(self, Request::ReopenEncounter { id, reason }, Reply::Encounter(encounter) => encounter)
    }

    pub fn record_crisis_action(
        &mut self,
        encounter: RecordId,
        flags: Vec<String>,
        action: String,
        note: String,
    ) -> Result<CrisisAction, ClientError> {
        let request = Request::RecordCrisisAction { encounter, flags, action, note };
        ask!(self, request, Reply::CrisisAction(record) => record)
    }

    /// Holds `encounter` for this connection; answers who else holds it when it was not taken.
    pub fn open_for(
        &mut self,
        encounter: RecordId,
        take_over: bool,
    ) -> Result<Option<crate::store::OpenBy>, ClientError> {
        ask!(self, Request::OpenFor { encounter, take_over }, Reply::OpenBy(other) => other)
    }

    /// Lets go of `encounter`.
    pub fn release(&mut self, encounter: RecordId) -> Result<(), ClientError> {
        ask!(self, Request::Release { encounter }, Reply::Done => ())
    }

    pub fn get_encounter(&mut self, id: RecordId) -> Result<EncounterDetail, ClientError> {
        ask!(self, Request::GetEncounter { id }, Reply::Detail(detail) => detail)
    }

    pub fn set_encounter_status(&mut self, id: RecordId, status: EncounterStatus) -> Result<Encounter, ClientError> {
        ask!(self, Request::SetEncounterStatus { id, status }, Reply::Encounter(encounter) => encounter)
    }

    pub fn record_consent(
        &mut self,
        encounter: RecordId,
        version: &str,
        answer: ConsentAnswer,
    ) -> Result<ConsentRecord, ClientError> {
        let request = Request::RecordConsent { encounter, version: version.into(), answer };
        ask!(self, request, Reply::Consent(record) => record)
    }

    pub fn save_answer(&mut self, encounter: RecordId, answer: NewAnswer) -> Result<Answer, ClientError> {
        ask!(self, Request::SaveAnswer { encounter, answer }, Reply::Answer(saved) => saved)
    }

    pub fn save_result(&mut self, encounter: RecordId, result: NewResult) -> Result<ResultRecord, ClientError> {
        ask!(self, Request::SaveResult { encounter, result }, Reply::Result(saved) => saved)
    }

    pub fn save_decision(&mut self, encounter: RecordId, decision: NewDecision) -> Result<Decision, ClientError> {
        ask!(self, Request::SaveDecision { encounter, decision }, Reply::Decision(saved) => saved)
    }

    pub fn save_referral(&mut self, encounter: RecordId, referral: NewReferral) -> Result<Referral, ClientError> {
        ask!(self, Request::SaveReferral { encounter, referral }, Reply::Referral(saved) => saved)
    }

    pub fn client_history(&mut self, client: RecordId) -> Result<ClientHistory, ClientError> {
        ask!(self, Request::ClientHistory { client }, Reply::History(history) => history)
    }

    /// The public key kiosk submissions are sealed to, in hex.
    pub fn submission_key(&mut self) -> Result<String, ClientError> {
        ask!(self, Request::SubmissionKey, Reply::SubmissionKey(key) => key)
    }

    pub fn submit_sealed(&mut self, id: RecordId, sealed_hex: String) -> Result<(), ClientError> {
        ask!(self, Request::SubmitSealed { id, sealed_hex }, Reply::Done => ())
    }

    /// The sealed submissions: (id, received at in ms).
    pub fn list_submissions(&mut self) -> Result<Vec<(RecordId, i64)>, ClientError> {
        ask!(self, Request::ListSubmissions, Reply::Submissions(list) => list)
    }

    pub fn open_submission(&mut self, id: RecordId) -> Result<KioskSubmission, ClientError> {
        ask!(self, Request::OpenSubmission { id }, Reply::Submission(submission) => submission)
    }

    /// The audit entries the filter selects, and the sequence numbers of those that could not
    /// be read (empty when none is damaged).
    pub fn audit_list(&mut self, filter: AuditFilter) -> Result<(Vec<AuditEntry>, Vec<u64>), ClientError> {
        let request = Request::AuditList { filter };
        let asked = request.name();
        match self.request(request)? {
            Reply::Audit(entries) => Ok((entries, Vec::new())),
            Reply::AuditDamaged { entries, damaged } => Ok((entries, damaged)),
            other => Err(wrong_reply(asked, &other)),
        }
    }

    pub fn audit_verify(&mut self, expect_head: Option<String>) -> Result<VerifyReport, ClientError> {
        ask!(self, Request::AuditVerify { expect_head }, Reply::Verify(report) => report)
    }

    pub fn backup_create(&mut self, path: std::path::PathBuf) -> Result<BackupReport, ClientError> {
        ask!(self, Request::BackupCreate { path }, Reply::Backup(report) => report)
    }

    pub fn seed(&mut self, encounters: usize) -> Result<SeedSummary, ClientError> {
        ask!(self, Request::Seed { encounters }, Reply::Seed(summary) => summary)
    }

    /// Kiosk: redeems a check-in code; returns its id and its client's scoring context.
    pub fn redeem_checkin(&mut self, code: &str) -> Result<(RecordId, ScoringContext), ClientError> {
        ask!(self, Request::RedeemCheckin { code: code.into() }, Reply::CheckinRedeemed(id, scoring) => (id, scoring))
    }

    /// Kiosk: stores a sealed intake (the newest box of a submission).
    pub fn submit_kiosk(
        &mut self,
        id: RecordId,
        sealed_hex: String,
        critical: bool,
        checkin: Option<RecordId>,
        progress: Option<SubmissionProgress>,
    ) -> Result<(), ClientError> {
        let request = Request::SubmitKiosk { id, sealed_hex, critical, checkin, progress };
        ask!(self, request, Reply::Done => ())
    }

    /// Kiosk: checks the exit PIN.
    pub fn verify_kiosk_pin(&mut self, pin: &SecretString) -> Result<(), ClientError> {
        ask!(self, Request::VerifyKioskPin { pin: secret(pin) }, Reply::Done => ())
    }

    pub fn issue_checkin(&mut self, client: Option<RecordId>, minutes: u32) -> Result<CheckinCode, ClientError> {
        ask!(self, Request::IssueCheckin { client, minutes }, Reply::Checkin(code) => code)
    }

    pub fn list_kiosk_submissions(&mut self) -> Result<Vec<SubmissionSummary>, ClientError> {
        ask!(self, Request::ListKioskSubmissions, Reply::KioskSubmissions(list) => list)
    }

    pub fn open_kiosk_submission(&mut self, id: RecordId) -> Result<KioskIntake, ClientError> {
        ask!(self, Request::OpenKioskSubmission { id }, Reply::KioskIntake(intake) => *intake)
    }

    /// Turns a kiosk submission into a client and an encounter.
    pub fn claim_submission(&mut self, id: RecordId) -> Result<(RecordId, Encounter), ClientError> {
        ask!(self, Request::ClaimSubmission { id }, Reply::Claimed { client, encounter } => (client, encounter))
    }

    pub fn set_kiosk_pin(&mut self, pin: &SecretString) -> Result<(), ClientError> {
        ask!(self, Request::SetKioskPin { pin: secret(pin) }, Reply::Done => ())
    }

    pub fn service_report(
        &mut self,
        period: crate::report::Period,
    ) -> Result<crate::report::ServiceReport, ClientError> {
        ask!(self, Request::ServiceReport { period }, Reply::ServiceReport(report) => *report)
    }

    pub fn export_clients(
        &mut self,
        after: Option<RecordId>,
        limit: usize,
        reason: Option<String>,
    ) -> Result<crate::export::ClientPage, ClientError> {
        ask!(self, Request::ExportClients { after, limit, reason }, Reply::ExportClients(page) => page)
    }

    pub fn export_encounters(
        &mut self,
        after: Option<RecordId>,
        limit: usize,
        contents: crate::export::Contents,
        reason: Option<String>,
    ) -> Result<crate::export::ExportPage, ClientError> {
        let request = Request::ExportEncounters { after, limit, contents, reason };
        ask!(self, request, Reply::ExportEncounters(page) => *page)
    }

    pub fn import_records(
        &mut self,
        records: Vec<crate::export::Record>,
    ) -> Result<crate::export::ImportSummary, ClientError> {
        ask!(self, Request::ImportRecords { records }, Reply::Imported(summary) => summary)
    }
}

impl Request {
    /// The request's name on the wire (its `op`), for messages that must not show its contents.
    pub fn name(&self) -> &'static str {
        match self {
            Request::Ping => "ping",
            Request::Status => "status",
            Request::Init { .. } => "init",
            Request::Login { .. } => "login",
            Request::Lock => "lock",
            Request::Logout => "logout",
            Request::Recover { .. } => "recover",
            Request::Organisation => "organisation",
            Request::AddUser { .. } => "add_user",
            Request::ListUsers => "list_users",
            Request::SetUserStatus { .. } => "set_user_status",
            Request::SetPassword { .. } => "set_password",
            Request::CreateClient { .. } => "create_client",
            Request::GetClient { .. } => "get_client",
            Request::UpdateClient { .. } => "update_client",
            Request::ListClients => "list_clients",
            Request::SearchClients { .. } => "search_clients",
            Request::StartEncounter { .. } => "start_encounter",
            Request::OpenEncounters => "open_encounters",
            Request::ClosedEncounters => "closed_encounters",
            Request::FinishEncounter { .. } => "finish_encounter",
            Request::ReopenEncounter { .. } => "reopen_encounter",
            Request::RecordCrisisAction { .. } => "record_crisis_action",
            Request::GetEncounter { .. } => "get_encounter",
            Request::BasedOn { .. } => "based_on",
            Request::OpenFor { .. } => "open_for",
            Request::Release { .. } => "release",
            Request::SetEncounterStatus { .. } => "set_encounter_status",
            Request::RecordConsent { .. } => "record_consent",
            Request::SaveAnswer { .. } => "save_answer",
            Request::SaveResult { .. } => "save_result",
            Request::SaveDecision { .. } => "save_decision",
            Request::SaveReferral { .. } => "save_referral",
            Request::ClientHistory { .. } => "client_history",
            Request::SubmissionKey => "submission_key",
            Request::SubmitSealed { .. } => "submit_sealed",
            Request::ListSubmissions => "list_submissions",
            Request::OpenSubmission { .. } => "open_submission",
            Request::AuditList { .. } => "audit_list",
            Request::AuditVerify { .. } => "audit_verify",
            Request::BackupCreate { .. } => "backup_create",
            Request::Seed { .. } => "seed",
            Request::Subscribe => "subscribe",
            Request::Stop => "stop",
            Request::KioskSession { .. } => "kiosk_session",
            Request::RedeemCheckin { .. } => "redeem_checkin",
            Request::SubmitKiosk { .. } => "submit_kiosk",
            Request::VerifyKioskPin { .. } => "verify_kiosk_pin",
            Request::IssueCheckin { .. } => "issue_checkin",
            Request::ListCheckins => "list_checkins",
            Request::RevokeCheckin { .. } => "revoke_checkin",
            Request::ListKioskSubmissions => "list_kiosk_submissions",
            Request::OpenKioskSubmission { .. } => "open_kiosk_submission",
            Request::ClaimSubmission { .. } => "claim_submission",
            Request::SetKioskPin { .. } => "set_kiosk_pin",
            Request::UpdateSettings { .. } => "update_settings",
            Request::ServiceReport { .. } => "service_report",
            Request::ExportClients { .. } => "export_clients",
            Request::ExportEncounters { .. } => "export_encounters",
            Request::ImportRecords { .. } => "import_records",
        }
    }
}

impl Reply {
    /// The reply's name on the wire (its `reply` tag), for messages that must not show its
    /// contents.
    pub fn name(&self) -> &'static str {
        match self {
            Reply::Pong => "pong",
            Reply::Done => "done",
            Reply::Status(..) => "status",
            Reply::RecoveryKey(..) => "recovery_key",
            Reply::LoggedIn { .. } => "logged_in",
            Reply::Organisation(..) => "organisation",
            Reply::Account(..) => "account",
            Reply::Accounts(..) => "accounts",
            Reply::Id(..) => "id",
            Reply::Client(..) => "client",
            Reply::Clients { .. } => "clients",
            Reply::ClientSearch(..) => "client_search",
            Reply::ClientUpdated(..) => "client_updated",
            Reply::SettingsUpdated(..) => "settings_updated",
            Reply::Encounter(..) => "encounter",
            Reply::OpenEncounters(..) => "open_encounters",
            Reply::CrisisAction(..) => "crisis_action",
            Reply::Detail(..) => "detail",
            Reply::BasedOn { .. } => "based_on",
            Reply::OpenBy(..) => "open_by",
            Reply::Consent(..) => "consent",
            Reply::Answer(..) => "answer",
            Reply::Result(..) => "result",
            Reply::Decision(..) => "decision",
            Reply::Referral(..) => "referral",
            Reply::History(..) => "history",
            Reply::SubmissionKey(..) => "submission_key",
            Reply::Submissions(..) => "submissions",
            Reply::Submission(..) => "submission",
            Reply::Audit(..) => "audit",
            Reply::AuditDamaged { .. } => "audit_damaged",
            Reply::Verify(..) => "verify",
            Reply::Backup(..) => "backup",
            Reply::Seed(..) => "seed",
            Reply::KioskInfo(..) => "kiosk_info",
            Reply::CheckinRedeemed(..) => "checkin_redeemed",
            Reply::Checkin(..) => "checkin",
            Reply::Checkins(..) => "checkins",
            Reply::CheckinRevoked(..) => "checkin_revoked",
            Reply::KioskSubmissions(..) => "kiosk_submissions",
            Reply::KioskIntake(..) => "kiosk_intake",
            Reply::Claimed { .. } => "claimed",
            Reply::ServiceReport(..) => "service_report",
            Reply::ExportClients(..) => "export_clients",
            Reply::ExportEncounters(..) => "export_encounters",
            Reply::Imported(..) => "imported",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names are the wire's: a request's `op`, a reply's `reply` tag.
    #[test]
    fn names_are_the_wire_tags() {
        let wire = |value: serde_json::Value, key: &str| value[key].as_str().map(str::to_string);
        for request in [Request::Ping, Request::ListKioskSubmissions, Request::GetClient { id: RecordId::random() }] {
            assert_eq!(wire(serde_json::to_value(&request).unwrap(), "op").as_deref(), Some(request.name()));
        }
        for reply in
            [Reply::Pong, Reply::CheckinRevoked("r".into()), Reply::Clients { clients: vec![], damaged: vec![] }]
        {
            assert_eq!(wire(serde_json::to_value(&reply).unwrap(), "reply").as_deref(), Some(reply.name()));
        }
    }

    /// A reply of another kind is a protocol error naming both kinds and nothing of the reply.
    #[test]
    fn a_wrong_reply_names_the_request_and_the_reply_but_not_its_contents() {
        let error = wrong_reply("get_client", &Reply::CheckinRevoked("private reference".into()));
        assert!(matches!(error, ClientError::Protocol(_)), "{error:?}");
        let text = error.to_string();
        assert!(text.contains("`checkin_revoked` in answer to `get_client`"), "{text}");
        assert!(!text.contains("private"), "{text}");
        let signed_in = SignedIn::from_reply("login", Reply::Done).unwrap_err().to_string();
        assert!(signed_in.contains("`done` in answer to `login`"), "{signed_in}");
    }
}
