//! What the kiosk and the staff side exchange through the store (issue 6): the sealed intake a
//! kiosk writes, the key-free metadata the owner keeps beside it, check-in codes and the kiosk
//! exit PIN. The methods live on [`super::SledStore`] (`sled_store/kiosk.rs`).
//!
//! Design:
//! - A kiosk seals a [`KioskIntake`] to the organisation's public key; the owner stores the box
//!   without opening it. Beside it, unsealed, the owner records three things that identify no
//!   one: when it arrived, whether the kiosk reported a **critical** flag (so staff see it on top
//!   of the queue while the store is still locked), and which check-in code, if any, it came with.
//! - A check-in code is a short single-use code a staff member issues (optionally for a known
//!   client); it expires. The owner keeps only its SHA-256, never the code.
//! - Claiming opens the box (the store must be unlocked) and turns it into a client (the
//!   check-in's client, else a new one) and a kiosk-origin encounter with the consent, answers and
//!   a `flag_raised` crisis record, in one audited transaction.

use serde::{Deserialize, Serialize};

use super::records::{ConsentAnswer, Lang, NewAnswer, NewClient, RecordId, ScoringContext};

/// Schema version of [`KioskIntake`] (1 was the bare [`super::KioskSubmission`]).
pub const KIOSK_INTAKE_VERSION: u32 = 2;

/// The sealed content of a kiosk submission. A superset of [`super::KioskSubmission`] (the new
/// fields default), so `open_submission` still reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KioskIntake {
    pub schema_version: u32,
    /// Chosen by the kiosk; bound inside the sealed box and checked when it is opened.
    pub id: RecordId,
    pub language: Lang,
    pub consent_version: String,
    pub consent: ConsentAnswer,
    #[serde(default)]
    pub client: Option<NewClient>,
    pub answers: Vec<NewAnswer>,
    pub submitted_ms: i64,
    /// The bundle the kiosk gave (e.g. `adult-core`).
    #[serde(default)]
    pub bundle: Option<String>,
    /// The bundle's instruments, for the encounter.
    #[serde(default)]
    pub instruments: Vec<String>,
    /// Instruments the client finished.
    #[serde(default)]
    pub completed: Vec<String>,
    /// `instrument.flag` of every critical flag raised.
    #[serde(default)]
    pub critical_flags: Vec<String>,
    /// The client reached the end (false: stopped part-way, at a crisis screen or by leaving).
    #[serde(default)]
    pub complete: bool,
    /// Where the client was when this box was sealed: the next question to answer (none when
    /// complete). Each answer is sealed and sent as it is given, so the last box received says
    /// where a client who walked away stopped.
    #[serde(default)]
    pub stopped_at: Option<StopPoint>,
    /// `instrument.flag` of every urgent flag raised (a non-acute positive ASQ, a declined risk
    /// item), kept even if the answer was changed afterwards.
    #[serde(default)]
    pub urgent_flags: Vec<String>,
    /// `instrument.flag` of the other flags raised so far (clinician review).
    #[serde(default)]
    pub other_flags: Vec<String>,
    /// `instrument.item` of risk items the client preferred not to answer.
    #[serde(default)]
    pub declined_items: Vec<String>,
    /// The totals so far of instruments answered in part.
    #[serde(default)]
    pub partial_totals: Vec<PartialTotal>,
    /// What the kiosk scored with: the age the client gave (optional), or the sex and age of
    /// the check-in code's client. A claim into a known client uses that client's record.
    #[serde(default)]
    pub scoring: ScoringContext,
}

/// The next question when a kiosk box was sealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StopPoint {
    pub instrument: String,
    pub item: String,
}

/// An instrument's total over the items answered so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartialTotal {
    pub instrument: String,
    pub total: i64,
    pub answered: u32,
    pub items: u32,
    /// The total already reaches the instrument's highest band (PHQ-9 >= 20 after 8 items).
    pub severe: bool,
}

/// Key-free facts a kiosk sends beside each sealed box of an intake in progress. A kiosk from
/// before incremental sends sends none: its one box is the complete submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionProgress {
    /// Counts up with every box of one submission; a box with a lower or equal number than the
    /// stored one is a late retry and changes nothing.
    pub seq: u32,
    pub complete: bool,
    /// An urgent flag, a declined risk item, or (while incomplete) any flag or severe partial
    /// answers: the submission sits with the urgent ones in the staff queue.
    pub urgent: bool,
}

/// What a kiosk box changed, for the owner's alerts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SubmitChange {
    /// The first box of the submission.
    pub created: bool,
    /// Critical now and not before.
    pub became_critical: bool,
    /// Urgent now and neither urgent nor critical before.
    pub became_urgent: bool,
    /// Complete now and not before.
    pub completed: bool,
}

/// Who claimed a submission, into what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    pub by: String,
    pub at_ms: i64,
    pub client: RecordId,
    pub encounter: RecordId,
}

/// A kiosk submission as the staff queue lists it (readable while the store is locked; holds no
/// personal data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionSummary {
    pub id: RecordId,
    pub received_ms: i64,
    /// The kiosk reported a critical flag (recorded by the owner at submit time).
    pub critical: bool,
    /// Came with a check-in code.
    pub checked_in: bool,
    /// Urgent (see [`SubmissionProgress::urgent`]).
    #[serde(default)]
    pub urgent: bool,
    /// The client stopped part-way (walked away, quick exit, a crisis, or still answering).
    #[serde(default)]
    pub incomplete: bool,
    /// When the last box arrived.
    #[serde(default)]
    pub updated_ms: i64,
    /// The client the check-in code was issued for, if any.
    pub client: Option<RecordId>,
    pub claimed: Option<Claim>,
}

/// A newly issued check-in code (the code is shown once; the store keeps only its hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckinCode {
    pub id: RecordId,
    pub code: String,
    pub expires_ms: i64,
    pub client: Option<RecordId>,
}

/// An outstanding check-in code (not redeemed, revoked or expired) as staff list it: neither the
/// code nor its hash, and only whether it was issued for a client, never who.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckinSummary {
    /// The first [`CHECKIN_REF_LEN`] hex digits of the code's record id: names the code to
    /// revoke it and reveals nothing of the code.
    pub reference: String,
    pub issued_ms: i64,
    pub expires_ms: i64,
    pub issued_by: String,
    /// Issued for a known client.
    pub for_client: bool,
}

/// Hex digits of a code's record id that make its reference.
pub const CHECKIN_REF_LEN: usize = 8;

/// A check-in code's reference: the first [`CHECKIN_REF_LEN`] hex digits of its record id.
pub fn checkin_reference(id: &RecordId) -> String {
    id.to_string().chars().take(CHECKIN_REF_LEN).collect()
}

/// The letters of a submission's reference: consonants only (no vowel, so no word can form)
/// without the ones easily misread or misheard (no I, L, O, S, Y; no 0/1/5).
pub const SUBMISSION_REF_ALPHABET: &[u8] = b"BCDFGHJKMNPQRTVWXZ";
/// Letters in a submission's reference.
pub const SUBMISSION_REF_LEN: usize = 4;

/// A kiosk submission's short reference, which the thank-you screen gives the client and the
/// staff queue names the submission by ("Kiosk DKTW"): [`SUBMISSION_REF_LEN`] letters of
/// [`SUBMISSION_REF_ALPHABET`] derived from its id (random), so the kiosk and the owner agree
/// without storing it. 18^4 (about 105,000) references and the time shown beside them keep two
/// waiting submissions apart.
pub fn submission_reference(id: &RecordId) -> String {
    let mut number = u64::from_be_bytes([id.0[0], id.0[1], id.0[2], id.0[3], id.0[4], id.0[5], id.0[6], id.0[7]]);
    let base = SUBMISSION_REF_ALPHABET.len() as u64;
    (0..SUBMISSION_REF_LEN)
        .map(|_| {
            let letter = SUBMISSION_REF_ALPHABET[(number % base) as usize];
            number /= base;
            char::from(letter)
        })
        .collect()
}

/// What a kiosk needs from the owner (no personal data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KioskInfo {
    pub organisation: String,
    #[serde(with = "crate::store::records::vocab_codes::province")]
    pub province: crate::triage::vocab::Province,
    pub crisis_text: String,
    /// The crisis text for French-speaking clients, when the organisation has set one.
    #[serde(default)]
    pub crisis_text_fr: Option<String>,
    /// Hex X25519 public key for sealing.
    pub submission_public_key: String,
    pub kiosk_timeout_seconds: u32,
    /// An exit PIN has been set (`triage kiosk-pin`).
    pub pin_set: bool,
    /// When the ASQ is asked (organisation setting); owners from before it send none: universal.
    #[serde(default)]
    pub asq_mode: crate::instrument::AsqMode,
    /// The organisation's time zone (IANA name); owners from before it send none: UTC.
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// Default lifetime of a check-in code.
pub const CHECKIN_DEFAULT_MINUTES: u32 = 60;
/// Longest lifetime of a check-in code.
pub const CHECKIN_MAX_MINUTES: u32 = 24 * 60;
/// Letters and digits a check-in code uses: no 0/O, 1/I/L, 2/Z, 5/S, 8/B.
pub const CHECKIN_ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTUVWXY34679";
/// Characters in a code (shown as `XXXX-XXXX`): 25^8, about 37 bits.
pub const CHECKIN_LEN: usize = 8;

/// A fresh random code, `XXXX-XXXX`.
pub fn new_checkin_code() -> String {
    let bytes = super::crypto::random_bytes::<32>();
    let mut out = String::with_capacity(CHECKIN_LEN + 1);
    let mut taken = 0;
    let limit = 256 - (256 % CHECKIN_ALPHABET.len());
    for byte in bytes {
        // Rejection sampling keeps every letter equally likely.
        if usize::from(byte) >= limit {
            continue;
        }
        if taken == CHECKIN_LEN / 2 {
            out.push('-');
        }
        out.push(char::from(CHECKIN_ALPHABET[usize::from(byte) % CHECKIN_ALPHABET.len()]));
        taken += 1;
        if taken == CHECKIN_LEN {
            return out;
        }
    }
    // 32 random bytes almost never hold fewer than 8 usable ones; draw again if they do.
    new_checkin_code()
}

/// The canonical form of what someone typed: upper case, without spaces or dashes. `None` if it
/// cannot be a code.
pub fn normalise_checkin_code(typed: &str) -> Option<String> {
    let code: String = typed.chars().filter(|c| !matches!(c, ' ' | '-')).map(|c| c.to_ascii_uppercase()).collect();
    let valid = code.len() == CHECKIN_LEN && code.bytes().all(|b| CHECKIN_ALPHABET.contains(&b));
    valid.then_some(code)
}

/// What the store keeps of a code: its SHA-256 (hex).
pub fn checkin_hash(normalised: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(format!("triage-checkin/v1\0{normalised}").as_bytes()))
}

/// A kiosk exit PIN: 6 to 12 digits.
pub fn check_pin(pin: &str) -> Result<(), String> {
    let ok = (6..=12).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit());
    if ok { Ok(()) } else { Err("use 6 to 12 digits".into()) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_submission_reference_is_four_consonants_from_the_id() {
        let id = super::RecordId([7; 16]);
        let reference = super::submission_reference(&id);
        assert_eq!(reference, super::submission_reference(&id), "the same id, the same reference");
        assert_eq!(reference.len(), 4);
        assert!(reference.bytes().all(|b| super::SUBMISSION_REF_ALPHABET.contains(&b)), "{reference}");
        assert!(!reference.contains(['A', 'E', 'I', 'O', 'U', 'Y']), "no vowel: {reference}");
        assert_ne!(super::submission_reference(&super::RecordId([8; 16])), reference);
    }

    use super::*;

    #[test]
    fn codes_use_the_alphabet_and_normalise() {
        for _ in 0..200 {
            let code = new_checkin_code();
            assert_eq!(code.len(), CHECKIN_LEN + 1);
            assert_eq!(&code[4..5], "-");
            let normal = normalise_checkin_code(&code).unwrap();
            assert_eq!(normalise_checkin_code(&code.to_lowercase()), Some(normal.clone()));
            assert_eq!(normalise_checkin_code(&format!(" {normal} ")), Some(normal));
        }
        assert_eq!(normalise_checkin_code("0000-0000"), None);
        assert_eq!(normalise_checkin_code("ACDE"), None);
        assert_ne!(checkin_hash("ACDEFGHJ"), checkin_hash("ACDEFGHK"));
    }

    #[test]
    fn pins_are_six_to_twelve_digits() {
        assert!(check_pin("123456").is_ok());
        assert!(check_pin("12345").is_err());
        assert!(check_pin("12345a").is_err());
        assert!(check_pin(&"1".repeat(13)).is_err());
    }

    #[test]
    fn an_intake_opens_as_a_bare_submission() {
        let intake = KioskIntake {
            schema_version: KIOSK_INTAKE_VERSION,
            id: RecordId::random(),
            language: Lang::Fr,
            consent_version: "kiosk-1".into(),
            consent: ConsentAnswer::Given,
            client: None,
            answers: vec![],
            submitted_ms: 5,
            bundle: Some("adult-core".into()),
            instruments: vec!["phq9".into()],
            completed: vec![],
            critical_flags: vec!["phq9.suicidal_ideation".into()],
            complete: false,
            stopped_at: None,
            urgent_flags: vec![],
            scoring: ScoringContext::default(),
            other_flags: vec![],
            declined_items: vec![],
            partial_totals: vec![],
        };
        let bare: super::super::KioskSubmission =
            serde_json::from_slice(&serde_json::to_vec(&intake).unwrap()).unwrap();
        assert_eq!(bare.id, intake.id);
        assert_eq!(bare.language, Lang::Fr);
    }
}
