//! Record types, their schema versions and the migrations from each earlier version.
//!
//! Every record is serialised with serde_json and carries `schema_version`. Reading a record
//! parses it into a JSON value, applies the migrations from its version up to the current one,
//! then decodes it; a record from a newer build is refused with a clear error rather than
//! misread.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

mod codec;
pub(crate) mod vocab_codes;
#[cfg(test)]
use codec::migrate_one;
pub use codec::{DecodeError, Kind, RecordId, decode, encode};

/// Provinces are stored as their two-letter code ([`Province::code`]), populations as the codes
/// the staff interface writes (`vocab_codes`): the crate's one list of each.
pub use crate::triage::vocab::{Population, Province};

pub use crate::instrument::Sex;
/// Language of a client or questionnaire: the one language type of the crate.
pub use crate::instrument::model::Lang;

/// Organisation and settings (singleton; readable while locked, holds no personal data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub schema_version: u32,
    pub name: String,
    #[serde(with = "vocab_codes::province")]
    pub province: Province,
    pub settings: Settings,
    /// Hex X25519 public key for sealed kiosk submissions.
    pub submission_public_key: String,
    pub created_ms: i64,
    /// True if the store was initialised with insecure test key-derivation parameters.
    pub insecure_test_kdf: bool,
}

/// Settings an administrator can change (`triage settings set`; checked by
/// [`super::settings::validate`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub staff_idle_lock_minutes: u32,
    pub kiosk_timeout_seconds: u32,
    /// The organisation's crisis protocol, shown first on the crisis screens.
    pub crisis_text: String,
    /// The same in French, for French-speaking clients; without it they see `crisis_text`.
    /// Optional and left out when unset, so organisation records written before it read as they
    /// are (no schema version change).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crisis_text_fr: Option<String>,
    /// When the ASQ is asked (default universal). Left out when universal, so records written
    /// before it read as universal and are written exactly as before.
    #[serde(default, skip_serializing_if = "crate::instrument::AsqMode::is_universal")]
    pub asq_mode: crate::instrument::AsqMode,
    /// Where the staff interface writes take-away summaries (an absolute path); unset: the
    /// `summaries` directory inside the data directory. Optional and left out when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary_dir: Option<String>,
    /// The organisation's telephone number, printed on every take-away summary beside its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_phone: Option<String>,
    /// The organisation's time zone, an IANA name ("America/Regina"): every time shown to people
    /// is in it. Unset: UTC. Optional and left out when unset, like the settings above.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
}

/// The crisis text of an organisation that has not written its own.
pub const DEFAULT_CRISIS_TEXT: &str = "If you are in crisis call or text 9-8-8 (Suicide Crisis Helpline) or call 911.";

/// The same in French, for a French-speaking client while the English text is the default (the
/// helpline under its official French name).
pub const DEFAULT_CRISIS_TEXT_FR: &str =
    "Si vous êtes en crise, appelez ou textez le 9-8-8 (Ligne d'aide en cas de crise de suicide) ou composez le 911.";

impl Default for Settings {
    fn default() -> Self {
        Settings {
            staff_idle_lock_minutes: 10,
            kiosk_timeout_seconds: 120,
            crisis_text: DEFAULT_CRISIS_TEXT.into(),
            // Left unset: a French-speaking client is shown `DEFAULT_CRISIS_TEXT_FR` while the
            // English text is the default (see `crisis_text_for`), and stores written before
            // the French default read the same way.
            crisis_text_fr: None,
            asq_mode: crate::instrument::AsqMode::Universal,
            summary_dir: None,
            contact_phone: None,
            time_zone: None,
        }
    }
}

impl Settings {
    /// The crisis text for a client: the French one for a French-speaking client when it is set.
    pub fn crisis_text_for(&self, french: bool) -> &str {
        crisis_text_for(&self.crisis_text, self.crisis_text_fr.as_deref(), french)
    }
}

/// The crisis text to show: `french` when the client speaks French and it is set, else the French
/// default when `english` is still the default, else `english`.
pub fn crisis_text_for<'a>(english: &'a str, french: Option<&'a str>, wants_french: bool) -> &'a str {
    crisis_text_choice(english, french, wants_french).text
}

/// The crisis text chosen for a client, and whether it is the organisation's English text shown
/// to a French-speaking client (the screen then says so).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CrisisText<'a> {
    pub text: &'a str,
    pub english_only: bool,
}

/// See [`crisis_text_for`].
pub fn crisis_text_choice<'a>(english: &'a str, french: Option<&'a str>, wants_french: bool) -> CrisisText<'a> {
    match french {
        _ if !wants_french => CrisisText { text: english, english_only: false },
        Some(text) => CrisisText { text, english_only: false },
        None if english == DEFAULT_CRISIS_TEXT => CrisisText { text: DEFAULT_CRISIS_TEXT_FR, english_only: false },
        None => CrisisText { text: english, english_only: !english.trim().is_empty() },
    }
}

/// Changes to the settings: each field given replaces the stored value, each left out keeps it;
/// `crisis_text_fr` may be given as `null` to remove the French text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_idle_lock_minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kiosk_timeout_seconds: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crisis_text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    pub crisis_text_fr: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asq_mode: Option<crate::instrument::AsqMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary_dir: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
}

impl SettingsUpdate {
    pub fn is_empty(&self) -> bool {
        *self == SettingsUpdate::default()
    }
}

/// What a settings update did: the names of the settings that changed, and the settings now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsUpdated {
    pub changed: Vec<String>,
    pub settings: Settings,
}

/// A client (encrypted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Client {
    pub schema_version: u32,
    pub id: RecordId,
    pub name: String,
    pub birth_date: Option<String>,
    /// Always known for a stored client (a new one must give it); `None` only on a de-identified
    /// export page, which blanks it (written as `""`, as before).
    #[serde(with = "vocab_codes::blank_province")]
    pub province: Option<Province>,
    pub language: Lang,
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub access_needs: Vec<String>,
    #[serde(default, with = "vocab_codes::populations")]
    pub populations: Vec<Population>,
    /// The sex the client gave for instruments whose cut-offs were validated by sex (AUDIT,
    /// AUDIT-C); `None` when not given, and then the more sensitive cut-off applies.
    #[serde(default)]
    pub sex_for_scoring: Option<Sex>,
    /// Made by `triage dev seed`.
    #[serde(default)]
    pub synthetic: bool,
    pub created_ms: i64,
    pub created_by: String,
}

/// Input for a new client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewClient {
    pub name: String,
    pub birth_date: Option<String>,
    #[serde(with = "vocab_codes::province")]
    pub province: Province,
    pub language: Lang,
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub access_needs: Vec<String>,
    #[serde(default, with = "vocab_codes::populations")]
    pub populations: Vec<Population>,
    #[serde(default)]
    pub sex_for_scoring: Option<Sex>,
}

/// Changes to a client: each field given (`Some`) replaces the stored value, each field left
/// out keeps it. `birth_date`, `contact` and `sex_for_scoring` may be given as `null` to remove
/// them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    pub birth_date: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "vocab_codes::given_province")]
    pub province: Option<Province>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Lang>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    pub contact: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_needs: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "vocab_codes::given_populations")]
    pub populations: Option<Vec<Population>>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    pub sex_for_scoring: Option<Option<Sex>>,
}

/// A field that is present decodes to `Some`, even when its value is `null` (`Some(None)`: remove).
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

/// What an update did: the names of the fields whose value changed (never their values), and
/// the client as stored now for roles that may read client records (`None` for the others).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientUpdated {
    pub id: RecordId,
    pub changed: Vec<String>,
    pub client: Option<Client>,
}

/// What a client search found: the matching clients (by name, at most
/// [`CLIENT_SEARCH_LIMIT`](crate::store::sled_store::CLIENT_SEARCH_LIMIT)), whether more matched
/// than were returned, and the labels of records that could not be read (and so not matched).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ClientSearch {
    pub clients: Vec<Client>,
    pub more: bool,
    pub damaged: Vec<String>,
}

/// Where an encounter was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EncounterOrigin {
    Staff,
    Kiosk,
}

/// Encounter life cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EncounterStatus {
    InProgress,
    Submitted,
    Reviewed,
    Closed,
}

impl EncounterStatus {
    /// Allowed transitions: forward one step or straight to closed; a closed encounter only back
    /// to in progress, which is reopening it (a clinician, with a reason: `reopen_encounter`).
    pub fn may_become(self, next: EncounterStatus) -> bool {
        use EncounterStatus::*;
        matches!(
            (self, next),
            (InProgress, Submitted)
                | (Submitted, Reviewed)
                | (Reviewed, Closed)
                | (InProgress | Submitted, Closed)
                | (Closed, InProgress)
        )
    }
}

/// How an intake was finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// Referred to the resources picked in the encounter's latest referral.
    Referred,
    /// The client declined the referrals offered.
    Declined,
    /// No referral was needed; the reason is required.
    NoReferralNeeded,
}

/// The outcome recorded when an intake is finished (closed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncounterOutcome {
    pub kind: OutcomeKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub recorded_ms: i64,
    pub recorded_by: String,
}

/// A closed encounter opened again: by whom, when, why, and the outcome it had.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reopening {
    pub reason: String,
    pub reopened_ms: i64,
    pub reopened_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<EncounterOutcome>,
}

/// An encounter (encrypted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Encounter {
    pub schema_version: u32,
    pub id: RecordId,
    pub client_id: RecordId,
    pub origin: EncounterOrigin,
    pub status: EncounterStatus,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub created_by: String,
    /// The instruments the encounter started with (its bundle); follow-ups come from the answers.
    #[serde(default)]
    pub instruments: Vec<String>,
    /// What scoring knew about the person when the encounter started (reports re-score with
    /// it). Encounters from before it was kept have none: unknown, the instruments' rule.
    #[serde(default)]
    pub scoring: ScoringContext,
    /// How the intake was finished; none while open, and for encounters closed before outcomes
    /// were recorded (left out then, so those records are written as before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<EncounterOutcome>,
    /// Each time the encounter was opened again after it was finished.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reopenings: Vec<Reopening>,
}

/// The person's context for scoring an encounter: their sex for scoring and their age in whole
/// years on the day it started. Either may be unknown; the instruments say what that means
/// (AUDIT and AUDIT-C: the more sensitive cut-off). No name, no date of birth: a kiosk may hold
/// this for the client in front of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ScoringContext {
    #[serde(default)]
    pub sex: Option<Sex>,
    #[serde(default)]
    pub age: Option<u32>,
}

impl ScoringContext {
    /// The context of `client` on the day `on` (YYYY-MM-DD).
    pub fn of_client(client: &Client, on: &str) -> ScoringContext {
        let age = client.birth_date.as_deref().and_then(|birth| crate::instrument::age_on(birth, on));
        ScoringContext { sex: client.sex_for_scoring, age: age.and_then(|a| u32::try_from(a).ok()) }
    }

    /// What the instruments' scoring takes.
    pub fn to_scoring(self) -> crate::instrument::Context {
        crate::instrument::Context { sex: self.sex, age: self.age.map(i64::from), cutoff: None }
    }
}

/// A consent answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentAnswer {
    Given,
    Refused,
    Withdrawn,
}

/// A consent record (encrypted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRecord {
    pub schema_version: u32,
    pub id: RecordId,
    pub encounter_id: RecordId,
    /// Version of the consent text shown.
    pub version: String,
    pub answer: ConsentAnswer,
    pub recorded_ms: i64,
    pub recorded_by: String,
}

/// Which questionnaire definition an answer or result belongs to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct InstrumentRef {
    pub id: String,
    pub version: String,
    pub language: Lang,
}

/// One item's answer (encrypted). The latest answer per (instrument, item) is the current one;
/// earlier ones are kept as history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub schema_version: u32,
    pub id: RecordId,
    pub encounter_id: RecordId,
    pub instrument: InstrumentRef,
    pub item_id: String,
    /// Position of the chosen option (0-based) as shown.
    pub position: u32,
    /// The value this answer scores.
    pub score: i64,
    #[serde(default)]
    pub free_text: Option<String>,
    pub answered_ms: i64,
    pub recorded_by: String,
}

/// Input for an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAnswer {
    pub instrument: InstrumentRef,
    pub item_id: String,
    pub position: u32,
    pub score: i64,
    #[serde(default)]
    pub free_text: Option<String>,
}

/// A flag raised by a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    pub code: String,
    pub critical: bool,
}

/// The crisis-action record written the moment a critical flag fires, before staff act on it.
pub const CRISIS_FLAG_RAISED: &str = "flag_raised";
/// The crisis-action record written the moment an urgent flag fires (a non-acute positive ASQ):
/// staff must act before the person leaves.
pub const CRISIS_URGENT_RAISED: &str = "urgent_raised";
/// The crisis-action record of a changed answer that withdrew risk flags staff had acted on:
/// the flags withdrawn, and the reason (required) as the note.
pub const CRISIS_ANSWER_CHANGED: &str = "answer_changed";
/// The crisis-action record of a clinician waiving a follow-up that stayed due after its risk
/// answer was changed: the follow-up instrument as the flag, and the reason (required).
pub const CRISIS_FOLLOW_UP_WAIVED: &str = "follow_up_waived";

/// What was done when a critical flag fired (encrypted): the flags, the action and a note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrisisAction {
    pub schema_version: u32,
    pub id: RecordId,
    pub encounter_id: RecordId,
    /// `instrument.flag` of each critical flag handled.
    pub flags: Vec<String>,
    pub action: String,
    pub note: Option<String>,
    pub recorded_ms: i64,
    pub recorded_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCrisisAction {
    pub flags: Vec<String>,
    pub action: String,
    pub note: Option<String>,
}

/// An encounter waiting for staff, for the queue (no clinical content beyond the flag).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenEncounter {
    pub encounter: Encounter,
    /// Who has it open in a staff interface now, if anyone (the owner's, in memory: never stored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_by: Option<OpenBy>,
    pub client_name: String,
    /// A critical flag was raised (a `flag_raised` record, or a crisis record of a store from
    /// before the urgent tier).
    pub critical: bool,
    /// Only urgent flags were raised (`urgent_raised` records): ranked after the critical ones.
    #[serde(default)]
    pub urgent: bool,
}

/// A staff member who has an encounter open, and since when (ms since the epoch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenBy {
    pub user: String,
    pub since_ms: i64,
}

/// A scored result (encrypted). Always stored beside the item answers it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultRecord {
    pub schema_version: u32,
    pub id: RecordId,
    pub encounter_id: RecordId,
    pub instrument: InstrumentRef,
    /// `None` for instruments without a total (ASQ) or results that were not scorable.
    pub total: Option<i64>,
    pub subscales: BTreeMap<String, i64>,
    pub band: String,
    pub flags: Vec<Flag>,
    pub computed_ms: i64,
    pub recorded_by: String,
}

/// Input for a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewResult {
    pub instrument: InstrumentRef,
    pub total: Option<i64>,
    #[serde(default)]
    pub subscales: BTreeMap<String, i64>,
    pub band: String,
    #[serde(default)]
    pub flags: Vec<Flag>,
}

/// A triage decision (encrypted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub schema_version: u32,
    pub id: RecordId,
    pub encounter_id: RecordId,
    pub suggested_level: String,
    pub rules_fired: Vec<String>,
    pub final_level: Option<String>,
    pub override_reason: Option<String>,
    pub decided_ms: i64,
    pub decided_by: String,
    /// Flag-based exclusions the clinician lifted for this client, each with its reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lifted_exclusions: Vec<crate::triage::matching::LiftedExclusion>,
    /// The encounter's decision this one replaces (its latest when this one was saved), so the
    /// history shows the chain. Left out for the first decision: older records read unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<RecordId>,
}

/// Input for a triage decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDecision {
    pub suggested_level: String,
    pub rules_fired: Vec<String>,
    pub final_level: Option<String>,
    pub override_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lifted_exclusions: Vec<crate::triage::matching::LiftedExclusion>,
}

/// One resource offered in a referral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralResource {
    pub resource_id: String,
    pub reasons: Vec<String>,
    pub chosen: bool,
}

/// A referral (encrypted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    pub schema_version: u32,
    pub id: RecordId,
    pub encounter_id: RecordId,
    pub resources: Vec<ReferralResource>,
    pub notes: Option<String>,
    pub recorded_ms: i64,
    pub recorded_by: String,
    /// The encounter's referral this one replaces (its latest when this one was saved with other
    /// picks). Left out for the first referral: older records read unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<RecordId>,
}

/// Input for a referral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewReferral {
    pub resources: Vec<ReferralResource>,
    pub notes: Option<String>,
}

/// What a kiosk submits: sealed to the organisation's public key before it leaves the kiosk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KioskSubmission {
    pub schema_version: u32,
    /// Chosen by the kiosk; bound inside the sealed box and checked when it is opened.
    pub id: RecordId,
    pub language: Lang,
    pub consent_version: String,
    pub consent: ConsentAnswer,
    pub client: Option<NewClient>,
    pub answers: Vec<NewAnswer>,
    pub submitted_ms: i64,
}

/// Everything stored for one encounter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncounterDetail {
    pub encounter: Encounter,
    /// What staff did when a critical flag interrupted the intake.
    #[serde(default)]
    pub crisis_actions: Vec<CrisisAction>,
    pub consents: Vec<ConsentRecord>,
    /// Every answer in the order saved (history included).
    pub answers: Vec<Answer>,
    pub results: Vec<ResultRecord>,
    pub decisions: Vec<Decision>,
    pub referrals: Vec<Referral>,
    /// Records of this encounter that could not be read (the rest are shown).
    #[serde(default)]
    pub damaged: Vec<String>,
    /// The encounter's version when read (see `sled_store::versions`): a write based on it is
    /// refused once someone else changed the encounter. 0 where no version was read (exports).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub version: u64,
}

fn is_zero(version: &u64) -> bool {
    *version == 0
}

impl EncounterDetail {
    /// The current answer per (instrument, item): the latest saved.
    pub fn current_answers(&self) -> Vec<&Answer> {
        // Answers are stored in save order; keep each item's last, ordered by when it was saved.
        let mut latest: BTreeMap<(&InstrumentRef, &str), usize> = BTreeMap::new();
        for (index, answer) in self.answers.iter().enumerate() {
            latest.insert((&answer.instrument, answer.item_id.as_str()), index);
        }
        let mut order: Vec<usize> = latest.into_values().collect();
        order.sort_unstable();
        order.into_iter().map(|index| &self.answers[index]).collect()
    }
}

/// One client's record and history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientHistory {
    pub client: Client,
    pub encounters: Vec<EncounterDetail>,
    /// Records that could not be read (the rest are shown).
    pub damaged: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn encounter_v1_migrates() {
        let id = RecordId::random();
        let client = RecordId::random();
        for (old, new) in [("open", EncounterStatus::InProgress), ("done", EncounterStatus::Closed)] {
            let v1 = json!({"schema_version": 1, "id": id, "client_id": client, "status": old,
                "created_ms": 1, "updated_ms": 2, "created_by": "ann"});
            let encounter: Encounter = decode(Kind::Encounter, v1.to_string().as_bytes()).unwrap();
            assert_eq!(encounter.schema_version, 2);
            assert_eq!(encounter.origin, EncounterOrigin::Staff);
            assert_eq!(encounter.status, new);
        }
        let missing = json!({"schema_version": 1, "id": id, "client_id": client, "created_ms": 1, "updated_ms": 2, "created_by": "a"});
        assert_eq!(decode::<Encounter>(Kind::Encounter, missing.to_string().as_bytes()), Err(DecodeError::Damaged));
    }

    #[test]
    fn answer_v1_migrates() {
        let v1 = json!({"schema_version": 1, "id": RecordId::random(), "encounter_id": RecordId::random(),
            "instrument": {"id": "phq9", "version": "1", "language": "en"}, "item_id": "q9", "choice": 2,
            "answered_ms": 5, "recorded_by": "kiosk"});
        let answer: Answer = decode(Kind::Answer, v1.to_string().as_bytes()).unwrap();
        assert_eq!((answer.position, answer.score, answer.schema_version), (2, 2, 2));
    }

    #[test]
    fn a_french_speaking_client_gets_the_french_default_until_the_organisation_writes_its_own() {
        let default = Settings::default();
        assert_eq!(default.crisis_text_for(true), DEFAULT_CRISIS_TEXT_FR);
        assert_eq!(default.crisis_text_for(false), DEFAULT_CRISIS_TEXT);
        assert!(DEFAULT_CRISIS_TEXT_FR.contains("Ligne d'aide en cas de crise de suicide"));
        // The organisation's own English text, with no French: shown as it is, and said to be English.
        let own = "Call extension 200.";
        assert_eq!(crisis_text_choice(own, None, true), CrisisText { text: own, english_only: true });
        assert_eq!(crisis_text_choice(own, None, false), CrisisText { text: own, english_only: false });
        // Its own French text wins over both defaults.
        let french = "Composez le poste 200.";
        assert_eq!(crisis_text_for(DEFAULT_CRISIS_TEXT, Some(french), true), french);
        assert_eq!(crisis_text_for(DEFAULT_CRISIS_TEXT, Some(french), false), DEFAULT_CRISIS_TEXT);
    }

    #[test]
    fn an_organisation_written_before_the_french_crisis_text_still_reads() {
        let stored = json!({"schema_version": 1, "name": "North Clinic", "province": "ON",
            "settings": {"staff_idle_lock_minutes": 10, "kiosk_timeout_seconds": 180, "crisis_text": "Call 9-8-8."},
            "submission_public_key": "00", "created_ms": 1, "insecure_test_kdf": false});
        let org: Organisation = decode(Kind::Organisation, &serde_json::to_vec(&stored).unwrap()).unwrap();
        assert_eq!(org.settings.crisis_text_fr, None);
        assert_eq!(org.settings.asq_mode, crate::instrument::AsqMode::Universal);
        assert_eq!(org.settings.kiosk_timeout_seconds, 180, "a stored value is kept, not the new default");
        // Unset, it is left out, so the record is written exactly as before.
        assert_eq!(serde_json::to_value(&org).unwrap(), stored);
    }

    #[test]
    fn current_versions_decode_unchanged_and_newer_is_refused() {
        let org = Organisation {
            schema_version: 1,
            name: "Clinic".into(),
            province: Province::On,
            settings: Settings::default(),
            submission_public_key: "00".into(),
            created_ms: 0,
            insecure_test_kdf: false,
        };
        assert_eq!(decode::<Organisation>(Kind::Organisation, &encode(&org)).unwrap(), org);
        let mut newer = serde_json::to_value(&org).unwrap();
        newer["schema_version"] = 9.into();
        assert_eq!(
            decode::<Organisation>(Kind::Organisation, newer.to_string().as_bytes()),
            Err(DecodeError::Newer { found: 9, supported: 1 })
        );
        assert_eq!(decode::<Organisation>(Kind::Organisation, b"\xff\x00"), Err(DecodeError::Damaged));
    }

    #[test]
    fn every_kind_has_a_version_and_migrations_cover_each_earlier_one() {
        for kind in Kind::ALL {
            for from in 1..kind.current_version() {
                // A migration exists for every earlier version: given a minimal object of that
                // version it either migrates or reports damage; it never panics or is missing.
                let sample = match (kind, from) {
                    (Kind::Encounter, 1) => json!({"status": "open"}),
                    (Kind::Answer, 1) => json!({"choice": 1}),
                    _ => panic!("no migration sample for {kind} v{from}"),
                };
                assert!(migrate_one(kind, from, sample).is_some(), "{kind} v{from}");
            }
        }
    }

    #[test]
    fn record_ids_read_back_and_malformed_ones_are_refused() {
        let id = RecordId::random();
        let text = serde_json::to_string(&id).unwrap();
        assert_eq!(serde_json::from_str::<RecordId>(&text).unwrap(), id);
        assert_eq!(serde_json::from_value::<RecordId>(json!(id.to_string())).unwrap(), id);
        for bad in ["\"abc\"", "\"zz000000000000000000000000000000\"", "7", &format!("\"{id}00\"")] {
            assert!(serde_json::from_str::<RecordId>(bad).is_err(), "{bad}");
        }
    }

    /// A client as written before provinces and populations were typed reads back, and is
    /// written again byte for byte; other spellings read; an unknown province is damage, not a guess,
    /// and a stored word that is no population is passed over.
    #[test]
    fn a_client_written_before_typed_provinces_reads_and_writes_the_same_form() {
        let old = r#"{"schema_version":1,"id":"00000000000000000000000000000001","name":"Ada","birth_date":null,"province":"QC","language":"fr","contact":null,"access_needs":["phone_only"],"populations":["veteran","2slgbtq","newcomer"],"sex_for_scoring":null,"synthetic":false,"created_ms":5,"created_by":"ivy"}"#;
        let client: Client = decode(Kind::Client, old.as_bytes()).unwrap();
        assert_eq!(client.province, Some(Province::Qc));
        assert_eq!(client.populations, [Population::Veterans, Population::Lgbtq, Population::Newcomers]);
        assert_eq!(String::from_utf8(encode(&client)).unwrap(), old);
        let other = old.replace(r#""QC""#, r#""qc""#).replace(r#""veteran""#, r#""Veterans""#);
        assert_eq!(decode::<Client>(Kind::Client, other.as_bytes()), Ok(client));
        let bad = old.replace(r#""QC""#, r#""XX""#);
        assert_eq!(decode::<Client>(Kind::Client, bad.as_bytes()), Err(DecodeError::Damaged), "{bad}");
        let rural = old.replace(r#""veteran""#, r#""rural""#);
        let kept = decode::<Client>(Kind::Client, rural.as_bytes()).map(|c| c.populations);
        assert_eq!(kept, Ok(vec![Population::Lgbtq, Population::Newcomers]));
    }

    proptest::proptest! {
        #[test]
        fn clients_round_trip_with_any_province_and_populations(
            province in proptest::option::weighted(0.9, proptest::sample::select(Province::ALL.to_vec())),
            populations in proptest::collection::vec(proptest::sample::select(Population::ALL.to_vec()), 0..6),
        ) {
            let client = Client {
                schema_version: 1,
                id: RecordId::random(),
                name: "P".into(),
                birth_date: None,
                province,
                language: Lang::En,
                contact: None,
                access_needs: vec![],
                populations,
                sex_for_scoring: None,
                synthetic: false,
                created_ms: 0,
                created_by: "ivy".into(),
            };
            let bytes = encode(&client);
            let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            let code = province.map(Province::code).unwrap_or_default();
            proptest::prop_assert_eq!(value["province"].as_str(), Some(code.as_str()));
            proptest::prop_assert_eq!(decode::<Client>(Kind::Client, &bytes).unwrap(), client);
        }
    }

    #[test]
    fn status_transitions() {
        use EncounterStatus::*;
        assert!(InProgress.may_become(Submitted));
        assert!(Submitted.may_become(Reviewed));
        assert!(Reviewed.may_become(Closed));
        // Reopening a finished intake (a clinician, with a reason: `reopen_encounter`).
        assert!(Closed.may_become(InProgress));
        assert!(!Closed.may_become(Submitted) && !Closed.may_become(Reviewed));
        assert!(!Reviewed.may_become(Submitted));
    }
}
