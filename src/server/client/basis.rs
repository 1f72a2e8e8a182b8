//! The encounter a connection works on and the version of it the connection last saw: every
//! write to that encounter goes out as [`Request::BasedOn`] with that version, and the version
//! the owner answers with (after the write) becomes the next basis. The owner refuses a write
//! based on a version someone else has moved on from (`stale`); opening the encounter again
//! gives the current version (`EncounterDetail::version`) to base on.

use super::Client;
use crate::server::{Reply, Request};
use crate::store::RecordId;

impl Client {
    /// Bases the writes to `encounter` from now on on `version` (what was just read), until
    /// another encounter is opened.
    pub fn base_on(&mut self, encounter: RecordId, version: u64) {
        self.basis = Some((encounter, version));
    }

    /// The encounter in hand and the version its next write is based on.
    pub fn basis(&self) -> Option<(RecordId, u64)> {
        self.basis
    }

    /// Stops basing writes on any version (the encounter was left).
    pub fn clear_basis(&mut self) {
        self.basis = None;
    }

    /// `request`, wrapped with its version when it writes to the encounter in hand.
    pub(super) fn based(&self, request: Request) -> Request {
        match (self.basis, request.encounter_written()) {
            (Some((encounter, version)), Some(written)) if encounter == written => {
                Request::BasedOn { encounter, version, request: Box::new(request) }
            }
            _ => request,
        }
    }

    /// The reply inside a `BasedOn` reply; its version becomes the basis.
    pub(super) fn take_version(&mut self, reply: Reply) -> Reply {
        match reply {
            Reply::BasedOn { version, reply } => {
                if let Some(basis) = self.basis.as_mut() {
                    basis.1 = version;
                }
                *reply
            }
            other => other,
        }
    }
}

impl Request {
    /// The encounter this request changes, if it is a write to an existing encounter (its
    /// records, its status, finishing or reopening it).
    pub fn encounter_written(&self) -> Option<RecordId> {
        match self {
            Request::RecordConsent { encounter, .. }
            | Request::SaveAnswer { encounter, .. }
            | Request::SaveResult { encounter, .. }
            | Request::SaveDecision { encounter, .. }
            | Request::SaveReferral { encounter, .. }
            | Request::RecordCrisisAction { encounter, .. } => Some(*encounter),
            Request::SetEncounterStatus { id, .. }
            | Request::FinishEncounter { id, .. }
            | Request::ReopenEncounter { id, .. } => Some(*id),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{EncounterStatus, InstrumentRef, Lang, NewAnswer};

    #[test]
    fn the_writes_to_an_encounter_are_known_and_a_read_is_not_one() {
        let (mine, other) = (RecordId::random(), RecordId::random());
        let answer = NewAnswer {
            instrument: InstrumentRef { id: "phq9".into(), version: "1".into(), language: Lang::En },
            item_id: "phq9_4".into(),
            position: 1,
            score: 1,
            free_text: None,
        };
        let write = Request::SaveAnswer { encounter: mine, answer };
        let status = Request::SetEncounterStatus { id: mine, status: EncounterStatus::Submitted };
        assert_eq!(write.encounter_written(), Some(mine));
        assert_eq!(status.encounter_written(), Some(mine));
        assert_eq!(Request::GetEncounter { id: mine }.encounter_written(), None, "a read is not a write");
        let elsewhere = Request::SetEncounterStatus { id: other, status: EncounterStatus::Submitted };
        assert_eq!(elsewhere.encounter_written(), Some(other));
    }
}
