//! The encounter and the report summary decrypted last, kept beside their sealed bytes.
//!
//! Answers come one at a time for one encounter, and each save reads that encounter and its
//! summary again. A read whose stored bytes are the very bytes decrypted last (same record id,
//! same sealed value, nonce included) takes the decoded record from here instead of decrypting
//! and decoding it again. The check is against what is stored, so nothing here can go stale: any
//! change to the record changes its bytes. Cleared when the store locks.

use crate::store::records::{Encounter, RecordId};
use crate::store::summary::EncounterSummary;

#[derive(Default)]
pub(super) struct Recent {
    encounter: Option<(Vec<u8>, Encounter)>,
    summary: Option<(Vec<u8>, EncounterSummary)>,
}

impl Recent {
    pub(super) fn encounter(&self, id: &RecordId, sealed: &[u8]) -> Option<Encounter> {
        self.encounter.as_ref().filter(|(bytes, e)| e.id == *id && bytes == sealed).map(|(_, e)| e.clone())
    }

    pub(super) fn keep_encounter(&mut self, sealed: &[u8], encounter: &Encounter) {
        self.encounter = Some((sealed.to_vec(), encounter.clone()));
    }

    pub(super) fn summary(&self, id: &[u8], sealed: &[u8]) -> Option<EncounterSummary> {
        self.summary.as_ref().filter(|(bytes, s)| s.id.as_bytes() == id && bytes == sealed).map(|(_, s)| s.clone())
    }

    pub(super) fn keep_summary(&mut self, sealed: &[u8], summary: &EncounterSummary) {
        self.summary = Some((sealed.to_vec(), summary.clone()));
    }

    pub(super) fn clear(&mut self) {
        *self = Recent::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::EncounterOrigin;
    use crate::store::records::EncounterStatus;

    fn encounter(id: u8) -> Encounter {
        Encounter {
            schema_version: 1,
            id: RecordId([id; 16]),
            client_id: RecordId([9; 16]),
            origin: EncounterOrigin::Staff,
            status: EncounterStatus::InProgress,
            created_ms: 1,
            updated_ms: 1,
            created_by: "ivy".into(),
            instruments: vec![],
            scoring: Default::default(),
            outcome: None,
            reopenings: Vec::new(),
        }
    }

    #[test]
    fn only_the_same_record_with_the_same_bytes_is_a_hit() {
        let mut recent = Recent::default();
        recent.keep_encounter(b"sealed one", &encounter(1));
        assert_eq!(recent.encounter(&RecordId([1; 16]), b"sealed one"), Some(encounter(1)));
        assert_eq!(recent.encounter(&RecordId([1; 16]), b"sealed two"), None, "changed since");
        assert_eq!(recent.encounter(&RecordId([2; 16]), b"sealed one"), None, "bytes copied to another id");
        let summary = EncounterSummary::new(&encounter(1));
        recent.keep_summary(b"summary one", &summary);
        assert_eq!(recent.summary(&[1; 16], b"summary one"), Some(summary));
        assert_eq!(recent.summary(&[1; 16], b"summary two"), None);
        assert_eq!(recent.summary(&[2; 16], b"summary one"), None);
        recent.clear();
        assert_eq!(recent.encounter(&RecordId([1; 16]), b"sealed one"), None);
        assert_eq!(recent.summary(&[1; 16], b"summary one"), None);
    }
}
