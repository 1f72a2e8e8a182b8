//! Exports (issue 7): JSON lines of every record (with a matching import), CSV per instrument
//! (item level, formula-injection safe, optionally de-identified) and a FHIR R4 Bundle. Pure
//! serialisers over records, and the writer (`writer`) that pages through an [`ExportSource`]
//! (the owner) and writes record by record; the CLI and the staff interface both call it.

pub mod csv;
pub mod error;
pub mod fhir;
mod import;
pub mod jsonl;
pub mod recipients;
mod source;
pub mod writer;

pub use error::{ExportError, IoStep};
pub use import::import;
pub use source::ExportSource;
pub use writer::{ExportOptions, Format, Written, write_export};

use sha2::{Digest, Sha256};

use crate::instrument::{Instrument, Lang};
// The page types are the store's (it writes them); the export builds on them.
pub use crate::store::pages::{ClientPage, Contents, ExportItem, ExportPage, ImportSummary, Record};
use crate::store::{EncounterDetail, RecordId};

/// Every record of an encounter: the encounter, then its children in stored order.
pub fn encounter_records(detail: &EncounterDetail) -> Vec<Record> {
    let mut out = vec![Record::Encounter(detail.encounter.clone())];
    out.extend(detail.consents.iter().cloned().map(Record::Consent));
    out.extend(detail.answers.iter().cloned().map(Record::Answer));
    out.extend(detail.results.iter().cloned().map(Record::Result));
    out.extend(detail.decisions.iter().cloned().map(Record::Decision));
    out.extend(detail.referrals.iter().cloned().map(Record::Referral));
    out.extend(detail.crisis_actions.iter().cloned().map(Record::CrisisAction));
    out
}

/// The language each item of `instrument` was shown in when it was answered (its current
/// answer's recorded language), `None` for an item not answered in `detail`.
pub fn item_languages(instrument: &Instrument, detail: &EncounterDetail) -> Vec<Option<Lang>> {
    let mut languages = vec![None; instrument.items.len()];
    for answer in detail.current_answers().into_iter().filter(|a| a.instrument.id == instrument.id) {
        if let Some(index) = instrument.item_index(&answer.item_id) {
            languages[index] = Some(answer.instrument.language);
        }
    }
    languages
}

/// The language an instrument was answered in, in an encounter: French if any of its current
/// answers was given in French. An English-only item of a French instrument (PHQ-9's unscored
/// difficulty question) is recorded in English, so one English answer does not make the whole
/// questionnaire English; an instrument answered entirely in English is English.
pub fn answered_language(instrument: &Instrument, detail: &EncounterDetail) -> Lang {
    if item_languages(instrument, detail).contains(&Some(Lang::Fr)) { Lang::Fr } else { Lang::En }
}

/// The BCP-47 tag of a language as answered in this service: Canadian French and Canadian
/// English (`fr-CA`, `en-CA`, both in FHIR's common-languages value set). The French wording
/// is the Quebec INSPQ text, so `fr-CA` says which French a reader is looking at.
pub fn bcp47(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en-CA",
        Lang::Fr => "fr-CA",
    }
}

/// A secret for one de-identified export: pseudonyms and date shifts are keyed by it, so they
/// are stable within the export and unlinkable across exports. Never written out.
#[derive(Clone)]
pub struct DeidKey(pub [u8; 32]);

impl std::fmt::Debug for DeidKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeidKey(<redacted>)")
    }
}

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// Dates are shifted by a whole number of days in -MAX_SHIFT_DAYS..=MAX_SHIFT_DAYS.
pub const MAX_SHIFT_DAYS: i64 = 182;

impl DeidKey {
    fn digest(&self, label: &str, id: &RecordId) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(self.0);
        hasher.update(label.as_bytes());
        hasher.update(id.as_bytes());
        hasher.finalize().into()
    }

    /// A pseudonym for a record id (16 hex digits).
    pub fn pseudonym(&self, id: &RecordId) -> String {
        hex::encode(&self.digest("pseudonym", id)[..8])
    }

    /// The date shift for one client, in milliseconds (whole days).
    pub fn shift_ms(&self, client: &RecordId) -> i64 {
        let d = self.digest("shift", client);
        let raw = i64::from(u16::from_be_bytes([d[0], d[1]]));
        (raw % (2 * MAX_SHIFT_DAYS + 1) - MAX_SHIFT_DAYS) * DAY_MS
    }
}

/// A UUID (as FHIR wants for `urn:uuid:` references) from 16 bytes.
pub fn uuid(bytes: &[u8; 16]) -> String {
    let mut b = *bytes;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// A stable UUID for a name (questionnaires, responses): the first 16 bytes of its SHA-256.
pub fn uuid_for(name: &str) -> String {
    let digest: [u8; 32] = Sha256::digest(name.as_bytes()).into();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deid_is_stable_per_key_and_differs_across_keys() {
        let id = RecordId([7; 16]);
        let a = DeidKey([1; 32]);
        let b = DeidKey([2; 32]);
        assert_eq!(a.pseudonym(&id), a.pseudonym(&id));
        assert_ne!(a.pseudonym(&id), b.pseudonym(&id));
        for key in [&a, &b] {
            let shift = key.shift_ms(&id);
            assert_eq!(shift % DAY_MS, 0);
            assert!(shift.abs() <= MAX_SHIFT_DAYS * DAY_MS);
        }
    }

    #[test]
    fn uuids_have_the_version_and_variant_bits() {
        let u = uuid(&[0xff; 16]);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
    }
}
