//! The encryption envelope, keyslots and sealed kiosk submissions.
//!
//! Nothing here invents cryptography: records are sealed with XChaCha20-Poly1305 (random 192-bit
//! nonces) under a random 256-bit data key, with the record's tree, key and field bound as
//! associated data; the data key is wrapped (again XChaCha20-Poly1305) by keys derived with
//! argon2id from staff passwords, or with SHA-256 from the high-entropy recovery key (LUKS-style
//! keyslots); kiosk submissions are libsodium-compatible sealed boxes (`crypto_box`) to the
//! organisation's X25519 public key. Secrets are zeroized on drop and never Debug-printed.

use std::ops::Range;

use chacha20poly1305::aead::{Aead, AeadCore, AeadInPlace, KeyInit, OsRng, Payload, rand_core::RngCore};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, Zeroizing};

/// First byte of every stored value written by triage.
pub const MAGIC: u8 = 0x54; // 'T'
/// Envelope format version.
pub const ENVELOPE_VERSION: u8 = 1;
const KIND_SEALED_AEAD: u8 = 1;
const KIND_CHECKSUMMED: u8 = 2;
const NONCE_LEN: usize = 24;
const HEADER_LEN: usize = 3;
const CHECKSUM_LEN: usize = 16;
const TAG_LEN: usize = 16;

/// Why an envelope could not be opened. Carries no secret and no plaintext.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error("value is too short or does not start with a triage envelope header")]
    Malformed,
    #[error("value uses envelope version {0}, which this build does not read")]
    UnknownVersion(u8),
    #[error("value is of envelope kind {found}, expected {expected}")]
    WrongKind { found: u8, expected: u8 },
    #[error("authentication failed: the value was changed, moved, or belongs to another key")]
    Authentication,
}

/// Fills a buffer from the operating system's random generator.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    OsRng.fill_bytes(&mut out);
    out
}

/// The random 256-bit key that encrypts every record. Zeroized on drop; Debug shows nothing.
#[derive(Clone)]
pub struct DataKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

impl DataKey {
    /// A fresh random data key.
    pub fn generate() -> Self {
        DataKey(Zeroizing::new(random_bytes::<32>()))
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new((&*self.0).into())
    }

    /// Encrypts `plaintext` bound to `aad`. Output: header, 24-byte nonce, ciphertext + tag.
    pub fn seal(&self, aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
        seal_with(&self.cipher(), aad, plaintext)
    }

    /// Decrypts a value made by [`DataKey::seal`] with the same `aad`.
    pub fn open(&self, aad: &[u8], value: &[u8]) -> Result<Zeroizing<Vec<u8>>, EnvelopeError> {
        open_with(&self.cipher(), aad, value)
    }

    /// Decrypts like [`DataKey::open`], appending the plaintext to `out` instead of allocating
    /// (for reading many records into one zeroized buffer). `out` must have room for the
    /// value's length, so it never reallocates and leaves a copy behind; it is unchanged on error.
    pub fn open_into(&self, aad: &[u8], value: &[u8], out: &mut Vec<u8>) -> Result<Range<usize>, EnvelopeError> {
        let body = check_header(value, KIND_SEALED_AEAD)?;
        if body.len() < NONCE_LEN + TAG_LEN {
            return Err(EnvelopeError::Malformed);
        }
        let (nonce, sealed) = body.split_at(NONCE_LEN);
        let (ciphertext, tag) = sealed.split_at(sealed.len() - TAG_LEN);
        if out.capacity() - out.len() < ciphertext.len() {
            return Err(EnvelopeError::Malformed);
        }
        let start = out.len();
        out.extend_from_slice(ciphertext);
        // The tag is checked before anything is decrypted: on failure the bytes are ciphertext.
        match self.cipher().decrypt_in_place_detached(
            XNonce::from_slice(nonce),
            aad,
            &mut out[start..],
            chacha20poly1305::Tag::from_slice(tag),
        ) {
            Ok(()) => Ok(start..out.len()),
            Err(_) => {
                out.truncate(start);
                Err(EnvelopeError::Authentication)
            }
        }
    }

    /// A short fingerprint (not secret-revealing) that tells two keys apart in tests and
    /// keyslot digests: SHA-256 over a domain label and the key, first 8 bytes.
    pub fn fingerprint(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(b"triage data key fingerprint v1");
        hasher.update(self.0.as_slice());
        hex::encode(&hasher.finalize()[..8])
    }

    /// A key derived from the data key for one purpose (for example the backup body).
    pub fn derive(&self, label: &str) -> DataKey {
        let mut hasher = Sha256::new();
        hasher.update(b"triage derived key v1\0");
        hasher.update(label.as_bytes());
        hasher.update([0u8]);
        hasher.update(self.0.as_slice());
        let mut out = [0u8; 32];
        out.copy_from_slice(&hasher.finalize());
        let key = DataKey(Zeroizing::new(out));
        out.zeroize();
        key
    }
}

/// The key the audit chain's hashes are computed with: HMAC-SHA-256 under a key derived from
/// the data key, so that someone who can write the store's files, but holds no staff password
/// and no recovery key, cannot rewrite a chain that verifies. It reveals nothing of the data
/// key (a one-way derivation), so the owner may keep it after the store locks.
#[derive(Clone)]
pub struct ChainKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChainKey(<redacted>)")
    }
}

impl ChainKey {
    /// The chain key of the store whose data key is `key`.
    pub fn of(key: &DataKey) -> ChainKey {
        ChainKey(key.derive("audit chain").0)
    }

    /// HMAC-SHA-256 of `bytes`, in hex.
    pub fn mac_hex(&self, bytes: &[u8]) -> String {
        use hmac::Mac;
        // HMAC takes a key of any length, so this cannot fail for 32 bytes.
        match <hmac::Hmac<Sha256> as hmac::Mac>::new_from_slice(self.0.as_ref()) {
            Ok(mut mac) => {
                mac.update(bytes);
                hex::encode(mac.finalize().into_bytes())
            }
            Err(_) => String::new(),
        }
    }
}

fn seal_with(cipher: &XChaCha20Poly1305, aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    // Encryption with a valid key and nonce only fails for inputs larger than the cipher's
    // counter space (256 GiB), which no record approaches; an empty ciphertext would then fail
    // to open and be reported as damaged rather than accepted.
    let ciphertext = cipher.encrypt(&nonce, Payload { msg: plaintext, aad }).unwrap_or_default();
    let mut out = Vec::with_capacity(HEADER_LEN + NONCE_LEN + ciphertext.len());
    out.extend_from_slice(&[MAGIC, ENVELOPE_VERSION, KIND_SEALED_AEAD]);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ciphertext);
    out
}

fn check_header(value: &[u8], expected: u8) -> Result<&[u8], EnvelopeError> {
    if value.len() < HEADER_LEN || value[0] != MAGIC {
        return Err(EnvelopeError::Malformed);
    }
    if value[1] != ENVELOPE_VERSION {
        return Err(EnvelopeError::UnknownVersion(value[1]));
    }
    if value[2] != expected {
        return Err(EnvelopeError::WrongKind { found: value[2], expected });
    }
    Ok(&value[HEADER_LEN..])
}

fn open_with(cipher: &XChaCha20Poly1305, aad: &[u8], value: &[u8]) -> Result<Zeroizing<Vec<u8>>, EnvelopeError> {
    let body = check_header(value, KIND_SEALED_AEAD)?;
    if body.len() < NONCE_LEN + 16 {
        return Err(EnvelopeError::Malformed);
    }
    let (nonce, ciphertext) = body.split_at(NONCE_LEN);
    cipher
        .decrypt(XNonce::from_slice(nonce), Payload { msg: ciphertext, aad })
        .map(Zeroizing::new)
        .map_err(|_| EnvelopeError::Authentication)
}

/// Wraps a value that holds no personal information (accounts, audit entries, settings) with a
/// checksum bound to its location, so damage and moved values are detected while the store is
/// locked. This is an integrity check against accidents, not against an attacker with write
/// access (who could recompute it); the audit chain covers deliberate edits.
pub fn checksummed(aad: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + CHECKSUM_LEN + payload.len());
    out.extend_from_slice(&[MAGIC, ENVELOPE_VERSION, KIND_CHECKSUMMED]);
    out.extend_from_slice(&checksum(aad, payload));
    out.extend_from_slice(payload);
    out
}

fn checksum(aad: &[u8], payload: &[u8]) -> [u8; CHECKSUM_LEN] {
    let mut hasher = Sha256::new();
    hasher.update((aad.len() as u64).to_be_bytes());
    hasher.update(aad);
    hasher.update(payload);
    let mut out = [0u8; CHECKSUM_LEN];
    out.copy_from_slice(&hasher.finalize()[..CHECKSUM_LEN]);
    out
}

/// Opens a value made by [`checksummed`].
pub fn open_checksummed<'a>(aad: &[u8], value: &'a [u8]) -> Result<&'a [u8], EnvelopeError> {
    let body = check_header(value, KIND_CHECKSUMMED)?;
    if body.len() < CHECKSUM_LEN {
        return Err(EnvelopeError::Malformed);
    }
    let (sum, payload) = body.split_at(CHECKSUM_LEN);
    if sum != checksum(aad, payload) {
        return Err(EnvelopeError::Authentication);
    }
    Ok(payload)
}

/// argon2id cost parameters (defined with password hashing, in `auth`).
pub use crate::auth::KdfParams;

/// Why a keyslot could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyslotError {
    #[error("the password or recovery key does not open this keyslot")]
    WrongSecret,
    #[error("the keyslot's key-derivation parameters are invalid")]
    BadParameters,
    #[error("the keyslot is damaged")]
    Damaged,
}

/// How a keyslot's wrapping key is derived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SlotKdf {
    /// argon2id over a staff password.
    Password { params: KdfParams },
    /// SHA-256 over the 256-bit recovery key (high entropy; no stretching needed).
    Recovery,
}

/// The data key wrapped by a key derived from one secret (LUKS-style keyslot). Holds no secret in
/// the clear: only salt, parameters and the wrapped key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Keyslot {
    pub kdf: SlotKdf,
    /// Hex salt.
    pub salt: String,
    /// Hex envelope of the data key.
    pub wrapped: String,
}

const SLOT_AAD: &[u8] = b"triage keyslot v1";

fn wrapping_key(kdf: &SlotKdf, secret: &[u8], salt: &[u8]) -> Result<DataKey, KeyslotError> {
    let mut out = Zeroizing::new([0u8; 32]);
    match kdf {
        SlotKdf::Password { params } => {
            params
                .argon2()
                .ok_or(KeyslotError::BadParameters)?
                .hash_password_into(secret, salt, out.as_mut())
                .map_err(|_| KeyslotError::BadParameters)?;
        }
        SlotKdf::Recovery => {
            let mut hasher = Sha256::new();
            hasher.update(b"triage recovery wrapping key v1\0");
            hasher.update(salt);
            hasher.update(secret);
            out.copy_from_slice(&hasher.finalize());
        }
    }
    Ok(DataKey(out))
}

impl Keyslot {
    /// Wraps `key` under `secret`.
    pub fn create(key: &DataKey, kdf: SlotKdf, secret: &[u8]) -> Result<Keyslot, KeyslotError> {
        let salt = random_bytes::<16>();
        let wrapping = wrapping_key(&kdf, secret, &salt)?;
        let wrapped = wrapping.seal(SLOT_AAD, key.0.as_ref());
        Ok(Keyslot { kdf, salt: hex::encode(salt), wrapped: hex::encode(wrapped) })
    }

    /// Unwraps the data key with `secret`.
    pub fn open(&self, secret: &[u8]) -> Result<DataKey, KeyslotError> {
        let salt = hex::decode(&self.salt).map_err(|_| KeyslotError::Damaged)?;
        let wrapped = hex::decode(&self.wrapped).map_err(|_| KeyslotError::Damaged)?;
        let wrapping = wrapping_key(&self.kdf, secret, &salt)?;
        let plain = wrapping.open(SLOT_AAD, &wrapped).map_err(|error| match error {
            EnvelopeError::Authentication => KeyslotError::WrongSecret,
            _ => KeyslotError::Damaged,
        })?;
        if plain.len() != 32 {
            return Err(KeyslotError::Damaged);
        }
        let mut bytes = Zeroizing::new([0u8; 32]);
        bytes.copy_from_slice(&plain);
        Ok(DataKey(bytes))
    }
}

/// The recovery key shown once at set-up: 256 random bits, written as 8 groups of 8 hex digits.
pub struct RecoveryKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryKey(<redacted>)")
    }
}

impl RecoveryKey {
    pub fn generate() -> Self {
        RecoveryKey(Zeroizing::new(random_bytes::<32>()))
    }

    /// Parses the printed form (hex digits; spaces and dashes ignored).
    pub fn parse(text: &str) -> Option<Self> {
        let digits: Zeroizing<String> = Zeroizing::new(text.chars().filter(|c| c.is_ascii_hexdigit()).collect());
        let bytes = Zeroizing::new(hex::decode(digits.as_bytes()).ok()?);
        if bytes.len() != 32 {
            return None;
        }
        let mut key = Zeroizing::new([0u8; 32]);
        key.copy_from_slice(&bytes);
        Some(RecoveryKey(key))
    }

    /// The printed form. The caller must show it once and drop it.
    pub fn display_secret(&self) -> Zeroizing<String> {
        let hex = Zeroizing::new(hex::encode(self.0.as_slice()));
        let mut out = String::with_capacity(72);
        for (index, chunk) in hex.as_bytes().chunks(8).enumerate() {
            if index > 0 {
                out.push('-');
            }
            out.extend(chunk.iter().map(|b| char::from(*b)));
        }
        Zeroizing::new(out)
    }

    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_ref()
    }
}

/// The organisation's key pair for sealed kiosk submissions.
pub struct OrgKeyPair {
    secret: crypto_box::SecretKey,
}

impl std::fmt::Debug for OrgKeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OrgKeyPair(<redacted>)")
    }
}

impl OrgKeyPair {
    pub fn generate() -> Self {
        OrgKeyPair { secret: crypto_box::SecretKey::generate(&mut OsRng) }
    }

    pub fn from_secret_bytes(bytes: &[u8]) -> Option<Self> {
        let array: [u8; 32] = bytes.try_into().ok()?;
        Some(OrgKeyPair { secret: crypto_box::SecretKey::from_bytes(array) })
    }

    /// The secret key's bytes, for storing encrypted under the data key.
    pub fn secret_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.secret.to_bytes())
    }

    pub fn public_key(&self) -> [u8; 32] {
        self.secret.public_key().to_bytes()
    }

    /// Opens a sealed box made by [`seal_to`] for this key pair.
    pub fn unseal(&self, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, EnvelopeError> {
        self.secret.unseal(sealed).map(Zeroizing::new).map_err(|_| EnvelopeError::Authentication)
    }
}

/// Seals `plaintext` to an organisation public key (anonymous sender; only the holder of the
/// secret key can open it).
pub fn seal_to(public_key: &[u8; 32], plaintext: &[u8]) -> Result<Vec<u8>, EnvelopeError> {
    crypto_box::PublicKey::from_bytes(*public_key)
        .seal(&mut OsRng, plaintext)
        .map_err(|_| EnvelopeError::Authentication)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn seal_open_round_trip_and_aad_binding() {
        let key = DataKey::generate();
        let sealed = key.seal(b"clients\0abc\0record", b"hello");
        assert_eq!(key.open(b"clients\0abc\0record", &sealed).unwrap().as_slice(), b"hello");
        assert_eq!(key.open(b"clients\0abd\0record", &sealed), Err(EnvelopeError::Authentication));
        assert_eq!(DataKey::generate().open(b"clients\0abc\0record", &sealed), Err(EnvelopeError::Authentication));
    }

    proptest! {
        #[test]
        fn open_into_appends_what_open_returns(plain in proptest::collection::vec(any::<u8>(), 0..300), before in proptest::collection::vec(any::<u8>(), 0..40)) {
            let key = DataKey::generate();
            let sealed = key.seal(b"aad", &plain);
            let mut out = Vec::with_capacity(before.len() + sealed.len());
            out.extend_from_slice(&before);
            let range = key.open_into(b"aad", &sealed, &mut out).unwrap();
            let opened = key.open(b"aad", &sealed).unwrap();
            prop_assert_eq!(&out[range.clone()], opened.as_slice());
            prop_assert_eq!(&out[..range.start], before.as_slice());
            // Another aad, a changed byte, or too little room: refused, and `out` is unchanged.
            let mut tampered = sealed.clone();
            let at = tampered.len() - 1 - (plain.len() % 16);
            tampered[at] ^= 1;
            let mut again = before.clone();
            again.reserve(sealed.len());
            prop_assert_eq!(key.open_into(b"other", &sealed, &mut again), Err(EnvelopeError::Authentication));
            prop_assert_eq!(key.open_into(b"aad", &tampered, &mut again), Err(EnvelopeError::Authentication));
            prop_assert_eq!(&again, &before);
            let mut small = Vec::with_capacity(plain.len().saturating_sub(1));
            prop_assert_eq!(key.open_into(b"aad", &sealed, &mut small).is_err(), !plain.is_empty());
        }
    }

    #[test]
    fn nonces_do_not_repeat() {
        let key = DataKey::generate();
        let mut seen = std::collections::HashSet::new();
        for _ in 0..20_000 {
            let sealed = key.seal(b"a", b"b");
            assert!(seen.insert(sealed[HEADER_LEN..HEADER_LEN + NONCE_LEN].to_vec()));
        }
    }

    #[test]
    fn secrets_never_debug_print() {
        let key = DataKey::generate();
        let recovery = RecoveryKey::generate();
        let printed = format!("{key:?} {recovery:?} {:?}", OrgKeyPair::generate());
        assert!(!printed.contains(&hex::encode(key.0.as_slice())));
        assert!(!printed.contains(recovery.display_secret().as_str()));
        assert!(printed.contains("redacted"));
    }

    #[test]
    fn keyslots_open_only_with_their_secret() {
        let key = DataKey::generate();
        let slot =
            Keyslot::create(&key, SlotKdf::Password { params: KdfParams::INSECURE_TEST }, b"correct horse").unwrap();
        assert_eq!(slot.open(b"correct horse").unwrap().fingerprint(), key.fingerprint());
        assert_eq!(slot.open(b"wrong").unwrap_err(), KeyslotError::WrongSecret);
        let recovery = RecoveryKey::generate();
        let rslot = Keyslot::create(&key, SlotKdf::Recovery, recovery.as_bytes()).unwrap();
        let reparsed = RecoveryKey::parse(&recovery.display_secret()).unwrap();
        assert_eq!(rslot.open(reparsed.as_bytes()).unwrap().fingerprint(), key.fingerprint());
        assert_eq!(rslot.open(RecoveryKey::generate().as_bytes()).unwrap_err(), KeyslotError::WrongSecret);
    }

    #[test]
    fn sealed_boxes_open_only_with_the_org_key() {
        let org = OrgKeyPair::generate();
        let sealed = seal_to(&org.public_key(), b"answers").unwrap();
        assert_eq!(org.unseal(&sealed).unwrap().as_slice(), b"answers");
        assert!(OrgKeyPair::generate().unseal(&sealed).is_err());
        let restored = OrgKeyPair::from_secret_bytes(org.secret_bytes().as_ref()).unwrap();
        assert_eq!(restored.unseal(&sealed).unwrap().as_slice(), b"answers");
    }

    #[test]
    fn production_parameters_meet_the_floor() {
        assert!(KdfParams::PRODUCTION.meets_production_floor());
        assert!(!KdfParams::INSECURE_TEST.meets_production_floor());
    }

    proptest! {
        #[test]
        fn envelope_round_trips(aad in proptest::collection::vec(any::<u8>(), 0..64), msg in proptest::collection::vec(any::<u8>(), 0..512)) {
            let key = DataKey::generate();
            let sealed = key.seal(&aad, &msg);
            let opened = key.open(&aad, &sealed).unwrap();
            prop_assert_eq!(opened.as_slice(), msg.as_slice());
            let sum = checksummed(&aad, &msg);
            prop_assert_eq!(open_checksummed(&aad, &sum).unwrap(), msg.as_slice());
        }

        #[test]
        fn damaged_envelopes_are_rejected_without_panic(msg in proptest::collection::vec(any::<u8>(), 0..256), index in any::<usize>(), flip in 1u8..=255) {
            let key = DataKey::generate();
            let mut sealed = key.seal(b"aad", &msg);
            let at = index % sealed.len();
            sealed[at] ^= flip;
            prop_assert!(key.open(b"aad", &sealed).is_err());
            let mut sum = checksummed(b"aad", &msg);
            let at = index % sum.len();
            sum[at] ^= flip;
            prop_assert!(open_checksummed(b"aad", &sum).is_err());
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..128)) {
            let key = DataKey::generate();
            let _ = key.open(b"x", &bytes);
            let _ = open_checksummed(b"x", &bytes);
            let _ = OrgKeyPair::generate().unseal(&bytes);
        }
    }
}
