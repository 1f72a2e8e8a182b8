//! The append-only, hash-chained audit log.
//!
//! Entry `n` stores the SHA-256 of entry `n - 1` and its own SHA-256 over every other field, and
//! sits under the big-endian key `n`. The store's metadata keeps the head (last sequence number
//! and hash), so a truncated tail is detected too. No API edits or deletes an entry.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::records::RecordId;

/// Hash of the (non-existent) entry before the first.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Allowed, denied, or failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Allowed,
    Denied,
    Failed,
}

/// One audit entry. Holds no personal health information: ids are opaque.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub schema_version: u32,
    pub seq: u64,
    pub time_ms: i64,
    pub user: String,
    pub role: String,
    pub origin: String,
    pub action: String,
    pub record: Option<String>,
    pub client: Option<RecordId>,
    /// The other clients this access showed or moved: a queue's, an export page's, an import
    /// batch's. Empty (and absent from older entries, and from their hash) for most entries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clients: Vec<RecordId>,
    /// The reason given for this access (an export of identifiable data), sealed under the data
    /// key (hex): free text typed by a person may name someone, so it is never stored in clear.
    /// Covered by the hash; absent from other entries, and from their hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_sealed: Option<String>,
    /// The reason opened for reading (`audit list`); never stored, not covered by the hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub outcome: Outcome,
    pub prev_hash: String,
    pub hash: String,
}

/// The fields an entry's hash covers (everything but the hash itself), in a fixed order.
#[derive(Serialize)]
struct Hashed<'a> {
    schema_version: u32,
    seq: u64,
    time_ms: i64,
    user: &'a str,
    role: &'a str,
    origin: &'a str,
    action: &'a str,
    record: &'a Option<String>,
    client: &'a Option<RecordId>,
    // Left out when empty, so that entries written before the field existed keep their hash.
    #[serde(skip_serializing_if = "<[RecordId]>::is_empty")]
    clients: &'a [RecordId],
    #[serde(skip_serializing_if = "Option::is_none")]
    reason_sealed: &'a Option<String>,
    outcome: Outcome,
    prev_hash: &'a str,
}

impl AuditEntry {
    /// The hash this entry should carry.
    pub fn compute_hash(&self) -> String {
        let hashed = Hashed {
            schema_version: self.schema_version,
            seq: self.seq,
            time_ms: self.time_ms,
            user: &self.user,
            role: &self.role,
            origin: &self.origin,
            action: &self.action,
            record: &self.record,
            client: &self.client,
            clients: &self.clients,
            reason_sealed: &self.reason_sealed,
            outcome: self.outcome,
            prev_hash: &self.prev_hash,
        };
        let bytes = serde_json::to_vec(&hashed).unwrap_or_default();
        hex::encode(Sha256::digest(&bytes))
    }
}

/// The head of the chain, kept in the store's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditHead {
    /// Number of entries.
    pub count: u64,
    /// Hash of the last entry (or [`GENESIS`]).
    pub hash: String,
}

impl Default for AuditHead {
    fn default() -> Self {
        AuditHead { count: 0, hash: GENESIS.into() }
    }
}

/// The result of `triage audit verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyReport {
    pub entries_checked: u64,
    pub head_hash: String,
    /// The first bad position and why, if any.
    pub first_bad: Option<BadEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadEntry {
    pub position: u64,
    pub problem: String,
}

/// Checks a chain given as (key, decoded entry or damage) in key order, against the recorded
/// head and, optionally, a head hash the administrator kept elsewhere.
pub fn verify<I>(entries: I, recorded_head: &AuditHead, expect_head: Option<&str>) -> VerifyReport
where
    I: IntoIterator<Item = (u64, Option<AuditEntry>)>,
{
    let mut previous = GENESIS.to_string();
    let mut position = 0u64;
    let bad = |position: u64, problem: String, checked: u64, head: &str| VerifyReport {
        entries_checked: checked,
        head_hash: head.to_string(),
        first_bad: Some(BadEntry { position, problem }),
    };
    for (key, entry) in entries {
        if key != position {
            return bad(
                position,
                format!("entry {position} is missing (next stored entry is {key})"),
                position,
                &previous,
            );
        }
        let Some(entry) = entry else {
            return bad(position, format!("entry {position} is damaged and cannot be read"), position, &previous);
        };
        if entry.seq != position {
            return bad(
                position,
                format!("entry {position} holds sequence number {} (entries reordered)", entry.seq),
                position,
                &previous,
            );
        }
        if entry.prev_hash != previous {
            return bad(
                position,
                format!(
                    "entry {position} does not follow entry {} (removed, reordered or changed)",
                    position.wrapping_sub(1)
                ),
                position,
                &previous,
            );
        }
        if entry.compute_hash() != entry.hash {
            return bad(position, format!("entry {position} was changed after it was written"), position, &previous);
        }
        previous = entry.hash;
        position += 1;
    }
    if recorded_head.count > position {
        return bad(
            position,
            format!("the log ends at entry {position} but {} entries were written (truncated)", recorded_head.count),
            position,
            &previous,
        );
    }
    if recorded_head.count == position && recorded_head.hash != previous {
        return bad(
            position.saturating_sub(1),
            "the last entry does not match the recorded head (changed)".into(),
            position,
            &previous,
        );
    }
    if let Some(expected) = expect_head
        && expected != previous
    {
        return bad(
            position,
            "the head hash does not match the one given (entries changed or truncated)".into(),
            position,
            &previous,
        );
    }
    VerifyReport { entries_checked: position, head_hash: previous, first_bad: None }
}

/// Filters for `triage audit list`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub user: Option<String>,
    pub client: Option<RecordId>,
    /// Prefix of the action (e.g. `client.` or `login`).
    pub action: Option<String>,
    pub since_ms: Option<i64>,
    pub until_ms: Option<i64>,
    pub limit: Option<usize>,
}

impl AuditFilter {
    pub fn matches(&self, entry: &AuditEntry) -> bool {
        self.user.as_ref().is_none_or(|u| &entry.user == u)
            && self.client.as_ref().is_none_or(|c| entry.client.as_ref() == Some(c) || entry.clients.contains(c))
            && self.action.as_ref().is_none_or(|a| entry.action.starts_with(a.as_str()))
            && self.since_ms.is_none_or(|t| entry.time_ms >= t)
            && self.until_ms.is_none_or(|t| entry.time_ms <= t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An entry's hash as it was computed before `clients` existed.
    #[derive(Serialize)]
    struct HashedBeforeClients<'a> {
        schema_version: u32,
        seq: u64,
        time_ms: i64,
        user: &'a str,
        role: &'a str,
        origin: &'a str,
        action: &'a str,
        record: &'a Option<String>,
        client: &'a Option<RecordId>,
        outcome: Outcome,
        prev_hash: &'a str,
    }

    #[test]
    fn entries_without_other_clients_keep_the_hash_they_were_written_with() {
        let (entries, _) = chain(1);
        let Some(entry) = entries[0].1.clone() else { panic!("an entry") };
        let old = HashedBeforeClients {
            schema_version: entry.schema_version,
            seq: entry.seq,
            time_ms: entry.time_ms,
            user: &entry.user,
            role: &entry.role,
            origin: &entry.origin,
            action: &entry.action,
            record: &entry.record,
            client: &entry.client,
            outcome: entry.outcome,
            prev_hash: &entry.prev_hash,
        };
        let old_hash = hex::encode(Sha256::digest(serde_json::to_vec(&old).unwrap()));
        assert_eq!(entry.compute_hash(), old_hash);
        // An old entry read back has no other clients and verifies.
        let mut stored = serde_json::to_value(&entry).unwrap();
        stored.as_object_mut().unwrap().remove("clients");
        let read: AuditEntry = serde_json::from_value(stored).unwrap();
        assert!(read.clients.is_empty() && read.compute_hash() == read.hash);
        // The other clients are covered by the hash, and a filter by client finds them.
        let someone = RecordId::random();
        let mut shown = entry.clone();
        shown.clients = vec![someone];
        assert_ne!(shown.compute_hash(), entry.hash);
        assert!(AuditFilter { client: Some(someone), ..Default::default() }.matches(&shown));
        assert!(!AuditFilter { client: Some(someone), ..Default::default() }.matches(&entry));
        // A sealed reason is covered by the hash; the opened one (for reading) is not.
        let mut reasoned = entry.clone();
        reasoned.reason_sealed = Some("00ff".into());
        assert_ne!(reasoned.compute_hash(), entry.hash);
        let mut opened = entry.clone();
        opened.reason = Some("court order".into());
        assert_eq!(opened.compute_hash(), entry.hash);
    }

    fn chain(n: u64) -> (Vec<(u64, Option<AuditEntry>)>, AuditHead) {
        let mut previous = GENESIS.to_string();
        let mut out = Vec::new();
        for seq in 0..n {
            let mut entry = AuditEntry {
                schema_version: 1,
                seq,
                time_ms: seq as i64,
                user: format!("u{}", seq % 3),
                role: "intake".into(),
                origin: "tty:/dev/pts/1".into(),
                action: "client.read".into(),
                record: Some(format!("r{seq}")),
                client: None,
                clients: Vec::new(),
                reason_sealed: None,
                reason: None,
                outcome: Outcome::Allowed,
                prev_hash: previous.clone(),
                hash: String::new(),
            };
            entry.hash = entry.compute_hash();
            previous = entry.hash.clone();
            out.push((seq, Some(entry)));
        }
        (out, AuditHead { count: n, hash: previous })
    }

    #[test]
    fn an_intact_chain_verifies() {
        let (entries, head) = chain(10);
        let report = verify(entries, &head, Some(&head.hash.clone()));
        assert_eq!(report.first_bad, None);
        assert_eq!(report.entries_checked, 10);
    }

    #[test]
    fn tampering_is_found_at_the_first_bad_entry() {
        let (entries, head) = chain(10);
        let mut changed = entries.clone();
        if let Some(entry) = changed[4].1.as_mut() {
            entry.user = "mallory".into();
        }
        assert_eq!(verify(changed, &head, None).first_bad.unwrap().position, 4);

        let mut removed = entries.clone();
        removed.remove(6);
        assert_eq!(verify(removed, &head, None).first_bad.unwrap().position, 6);

        let mut swapped = entries.clone();
        let (a, b) = (swapped[2].1.clone(), swapped[3].1.clone());
        swapped[2].1 = b;
        swapped[3].1 = a;
        assert_eq!(verify(swapped, &head, None).first_bad.unwrap().position, 2);

        let truncated: Vec<_> = entries.iter().take(7).cloned().collect();
        assert_eq!(verify(truncated.clone(), &head, None).first_bad.unwrap().position, 7);
        // Truncation together with a rewritten head is still caught by a head kept elsewhere.
        let (_, short_head) = chain(7);
        assert!(verify(truncated, &short_head, Some(&head.hash)).first_bad.is_some());

        let mut damaged = entries;
        damaged[8].1 = None;
        assert_eq!(verify(damaged, &head, None).first_bad.unwrap().position, 8);
    }

    proptest! {
        #[test]
        fn any_single_field_change_is_detected(n in 1u64..20, at in any::<prop::sample::Index>(), text in "[a-z]{1,8}") {
            let (mut entries, head) = chain(n);
            let index = at.index(entries.len());
            if let Some(entry) = entries[index].1.as_mut() {
                entry.action = format!("{}{}", entry.action, text);
            }
            prop_assert_eq!(verify(entries, &head, None).first_bad.map(|b| b.position), Some(index as u64));
        }
    }
}
