//! The records and pages the store hands out for export and takes in for import: the export
//! module writes them in its formats, the owner sends them as they are. One record's JSON form
//! (`kind` and `record`) is that of the JSON-lines export, so these shapes must not change.

use serde::{Deserialize, Serialize};

use super::{
    Answer, Client, ConsentRecord, CrisisAction, Decision, Encounter, EncounterDetail, Kind, RecordId, Referral,
    ResultRecord,
};

/// One stored record, as exported and imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "record", rename_all = "snake_case")]
pub enum Record {
    Client(Client),
    Encounter(Encounter),
    Consent(ConsentRecord),
    Answer(Answer),
    Result(ResultRecord),
    Decision(Decision),
    Referral(Referral),
    CrisisAction(CrisisAction),
}

impl Record {
    pub fn kind(&self) -> &'static str {
        match self {
            Record::Client(_) => "client",
            Record::Encounter(_) => "encounter",
            Record::Consent(_) => "consent",
            Record::Answer(_) => "answer",
            Record::Result(_) => "result",
            Record::Decision(_) => "decision",
            Record::Referral(_) => "referral",
            Record::CrisisAction(_) => "crisis_action",
        }
    }
}

/// An encounter with its client, as the owner pages them out for export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportItem {
    /// `None` unless the export asked for clients with encounters ([`Contents::client`]).
    pub client: Option<Client>,
    pub detail: EncounterDetail,
}

/// What an export page carries with each encounter: the owner reads and decrypts only that.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Contents {
    /// Every record and the client.
    #[default]
    All,
    /// Every record, no client (JSON lines writes the clients first, on their own).
    Records,
    /// The item answers and the client (CSV).
    AnswersWithClient,
    /// The item answers only (FHIR: Patients are written from the clients on their own).
    Answers,
    /// The item answers and a de-identified client (the de-identified CSV): the client's id,
    /// sex for scoring and age on the day, never a name, contact or date of birth; no free text
    /// and no staff names. The only pages the owner gives without a reason.
    AnswersDeidentified,
}

impl Contents {
    /// Whether each encounter comes with its client.
    pub fn client(self) -> bool {
        matches!(self, Contents::All | Contents::AnswersWithClient | Contents::AnswersDeidentified)
    }

    /// Whether a page of these contents can identify a person, and so needs a reason.
    pub fn identifiable(self) -> bool {
        !matches!(self, Contents::AnswersDeidentified)
    }

    /// The child record kinds each encounter comes with.
    pub fn kinds(self) -> &'static [Kind] {
        const ALL: [Kind; 6] =
            [Kind::Consent, Kind::Answer, Kind::Result, Kind::Decision, Kind::Referral, Kind::CrisisAction];
        match self {
            Contents::All | Contents::Records => &ALL,
            Contents::AnswersWithClient | Contents::Answers | Contents::AnswersDeidentified => &[Kind::Answer],
        }
    }
}

/// One page of encounters for export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportPage {
    pub items: Vec<ExportItem>,
    /// Pass as `after` for the next page; `None` at the end.
    pub next: Option<RecordId>,
    /// Records that could not be read.
    pub damaged: Vec<String>,
}

/// One page of clients for export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientPage {
    pub clients: Vec<Client>,
    pub next: Option<RecordId>,
    pub damaged: Vec<String>,
}

/// What an import wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub clients: u64,
    pub encounters: u64,
    pub children: u64,
}
