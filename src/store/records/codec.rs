//! Record identity and stored form: [`RecordId`], the [`Kind`]s with their schema versions, and
//! the versioned encoding (`encode`, `decode`) with the migrations from each earlier version.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A random, opaque 128-bit record id (shown as 32 hex digits). Holds no personal data.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordId(pub [u8; 16]);

impl RecordId {
    pub fn random() -> Self {
        RecordId(crate::store::crypto::random_bytes::<16>())
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        bytes.try_into().ok().map(RecordId)
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RecordId({self})")
    }
}

impl std::str::FromStr for RecordId {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let mut bytes = [0u8; 16];
        hex::decode_to_slice(text.trim(), &mut bytes).map_err(|_| {
            format!("`{}` is not a record id (32 hex digits)", crate::sanitize::terminal_text(text, false))
        })?;
        Ok(RecordId(bytes))
    }
}

impl Serialize for RecordId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for RecordId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// Reads the hex text in place (no copy of it is made).
        struct Hex;
        impl serde::de::Visitor<'_> for Hex {
            type Value = RecordId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a record id (32 hex digits)")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<RecordId, E> {
                text.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Hex)
    }
}

/// The record kinds, one sled tree each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Organisation,
    Account,
    Client,
    Encounter,
    Consent,
    Answer,
    Result,
    Decision,
    Referral,
    Submission,
    Audit,
    CrisisAction,
}

impl Kind {
    pub const ALL: [Kind; 12] = [
        Kind::Organisation,
        Kind::Account,
        Kind::Client,
        Kind::Encounter,
        Kind::Consent,
        Kind::Answer,
        Kind::Result,
        Kind::Decision,
        Kind::Referral,
        Kind::Submission,
        Kind::Audit,
        Kind::CrisisAction,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Organisation => "organisation",
            Kind::Account => "account",
            Kind::Client => "client",
            Kind::Encounter => "encounter",
            Kind::Consent => "consent",
            Kind::Answer => "answer",
            Kind::Result => "result",
            Kind::Decision => "decision",
            Kind::Referral => "referral",
            Kind::Submission => "submission",
            Kind::Audit => "audit",
            Kind::CrisisAction => "crisis_action",
        }
    }

    /// The schema version this build writes.
    pub fn current_version(self) -> u32 {
        match self {
            Kind::Encounter | Kind::Answer => 2,
            _ => 1,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a stored payload could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The bytes are not a record of this kind.
    Damaged,
    /// Written by a newer build.
    Newer { found: u32, supported: u32 },
}

/// Serialises a record (its `schema_version` field must be the current one).
pub fn encode<T: Serialize>(record: &T) -> Vec<u8> {
    // Serialising these plain data structs (strings, numbers, maps with string keys) cannot fail.
    serde_json::to_vec(record).unwrap_or_default()
}

/// Just the version of a stored payload (the other fields are skipped, not built).
#[derive(Deserialize)]
struct Versioned {
    schema_version: u32,
}

/// Parses, migrates and decodes a stored payload of `kind`. A payload of the current version
/// is decoded straight from its bytes; only older ones go through a JSON value to migrate.
pub fn decode<T: serde::de::DeserializeOwned>(kind: Kind, bytes: &[u8]) -> Result<T, DecodeError> {
    if let Ok(Versioned { schema_version }) = serde_json::from_slice::<Versioned>(bytes)
        && schema_version == kind.current_version()
    {
        return serde_json::from_slice(bytes).map_err(|_| DecodeError::Damaged);
    }
    let mut value: serde_json::Value = serde_json::from_slice(bytes).map_err(|_| DecodeError::Damaged)?;
    let version = value
        .get("schema_version")
        .and_then(serde_json::Value::as_u64)
        .and_then(|v| u32::try_from(v).ok())
        .ok_or(DecodeError::Damaged)?;
    let supported = kind.current_version();
    if version > supported {
        return Err(DecodeError::Newer { found: version, supported });
    }
    let mut at = version;
    while at < supported {
        value = migrate_one(kind, at, value).ok_or(DecodeError::Damaged)?;
        at += 1;
        if let Some(object) = value.as_object_mut() {
            object.insert("schema_version".into(), at.into());
        }
    }
    serde_json::from_value(value).map_err(|_| DecodeError::Damaged)
}

/// Migrates a record of `kind` from version `from` to `from + 1`.
pub(super) fn migrate_one(kind: Kind, from: u32, mut value: serde_json::Value) -> Option<serde_json::Value> {
    let object = value.as_object_mut()?;
    match (kind, from) {
        // Encounter v1 had no origin (every encounter was started by staff) and used the status
        // names "open" and "done".
        (Kind::Encounter, 1) => {
            object.entry("origin").or_insert_with(|| "staff".into());
            let status = match object.get("status").and_then(|s| s.as_str()) {
                Some("open") => "in_progress",
                Some("done") => "closed",
                Some(other) => other,
                None => return None,
            }
            .to_string();
            object.insert("status".into(), status.into());
        }
        // Answer v1 called the answer position `choice` and had no scored value apart from it
        // (every v1 instrument scored the position itself).
        (Kind::Answer, 1) => {
            let choice = object.remove("choice")?;
            object.entry("score").or_insert_with(|| choice.clone());
            object.insert("position".into(), choice);
        }
        _ => return None,
    }
    Some(value)
}
