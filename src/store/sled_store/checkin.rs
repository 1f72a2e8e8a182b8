//! Check-in codes on the sled store: issued for a known client or none, redeemed once at a
//! kiosk, listed by reference and revoked. They live in the `meta` tree (checksummed, no personal
//! data): `checkin/<id>` holds a [`StoredCheckin`] with the code's SHA-256, never the code.

use super::*;
use crate::store::kiosk::{
    CHECKIN_MAX_MINUTES, CHECKIN_REF_LEN, CheckinCode, CheckinSummary, checkin_hash, checkin_reference,
    new_checkin_code, normalise_checkin_code,
};

const CHECKIN_PREFIX: &[u8] = b"checkin/";

/// A check-in code as stored: its hash, never the code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub(super) struct StoredCheckin {
    pub(super) id: RecordId,
    pub(super) hash: String,
    pub(super) created_ms: i64,
    pub(super) expires_ms: i64,
    pub(super) issued_by: String,
    pub(super) client: Option<RecordId>,
    pub(super) redeemed_ms: Option<i64>,
    pub(super) submission: Option<RecordId>,
    /// Revoked by staff before it was redeemed: never redeemable. Absent in codes stored before
    /// revocation existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) revoked: Option<Revocation>,
}

/// Who revoked a check-in code, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub(super) struct Revocation {
    by: String,
    at_ms: i64,
}

impl StoredCheckin {
    /// Not redeemed, not revoked, not expired at `now`.
    fn outstanding(&self, now: i64) -> bool {
        self.redeemed_ms.is_none() && self.revoked.is_none() && now < self.expires_ms
    }
}

pub(super) fn checkin_key(id: &RecordId) -> Vec<u8> {
    let mut key = CHECKIN_PREFIX.to_vec();
    key.extend_from_slice(id.to_string().as_bytes());
    key
}

impl SledStore {
    pub(super) fn load_checkin(&self, id: &RecordId) -> Result<Option<StoredCheckin>> {
        self.get_plain(T::Meta, &checkin_key(id), "meta")
    }

    /// Issues a single-use check-in code valid for `ttl_ms` (1 ms to 24 h), optionally for a
    /// known client. The code is returned once; only its hash is stored.
    pub fn issue_checkin(&self, actor: &Actor, client: Option<RecordId>, ttl_ms: i64) -> Result<CheckinCode> {
        self.authorize(actor, Operation::IssueCheckin, client.map(|c| c.to_string()), client)?;
        if ttl_ms <= 0 || ttl_ms > i64::from(CHECKIN_MAX_MINUTES) * 60_000 {
            return Err(StoreError::Invalid {
                field: "check-in lifetime",
                reason: format!("use at most {CHECKIN_MAX_MINUTES} minutes"),
            });
        }
        if let Some(client) = client
            && !self.tree(T::Kind(Kind::Client)).contains_key(client.as_bytes()).map_err(|e| self.sled_err(e))?
        {
            return Err(StoreError::NotFound { kind: "client", id: client.to_string() });
        }
        let code = new_checkin_code();
        let normal = normalise_checkin_code(&code).unwrap_or_default();
        let now = now_ms();
        let stored = StoredCheckin {
            id: RecordId::random(),
            hash: checkin_hash(&normal),
            created_ms: now,
            expires_ms: now.saturating_add(ttl_ms),
            issued_by: actor.user().to_string(),
            client,
            redeemed_ms: None,
            submission: None,
            revoked: None,
        };
        self.commit(
            actor,
            "checkin.issue",
            Some(stored.id.to_string()),
            client,
            Outcome::Allowed,
            vec![Self::meta_write(checkin_key(&stored.id), &stored)],
        )?;
        Ok(CheckinCode { id: stored.id, code, expires_ms: stored.expires_ms, client })
    }

    /// Redeems a code at a kiosk: marks it used and returns its id, which the kiosk sends with
    /// its submission, and its client's context for scoring (sex for scoring and age today;
    /// nothing that names them). Unknown, used and expired codes get the same answer (audited
    /// apart).
    pub fn redeem_checkin(&self, actor: &Actor, typed: &str) -> Result<(RecordId, ScoringContext)> {
        self.authorize(actor, Operation::RedeemCheckin, None, None)?;
        let refused = || StoreError::Refused {
            what: "accept the check-in code",
            reason: "it is unknown, used or expired".into(),
        };
        let Some(normal) = normalise_checkin_code(typed) else {
            self.commit(actor, "checkin.redeem_failed", Some("malformed".into()), None, Outcome::Failed, vec![])?;
            return Err(refused());
        };
        let hash = checkin_hash(&normal);
        let _serial = self.exclusive_change();
        let mut found = None;
        for item in self.tree(T::Meta).scan_prefix(CHECKIN_PREFIX) {
            let (k, v) = item.map_err(|e| self.sled_err(e))?;
            let Ok(stored) = Self::decode_plain::<StoredCheckin>(T::Meta, &k, "meta", &v) else { continue };
            if stored.hash == hash {
                found = Some(stored);
                break;
            }
        }
        let Some(mut stored) = found else {
            self.commit(actor, "checkin.redeem_failed", Some("unknown".into()), None, Outcome::Failed, vec![])?;
            return Err(refused());
        };
        let now = now_ms();
        let problem = if stored.redeemed_ms.is_some() {
            Some("checkin.redeem_used")
        } else if stored.revoked.is_some() {
            Some("checkin.redeem_revoked")
        } else if now >= stored.expires_ms {
            Some("checkin.redeem_expired")
        } else {
            None
        };
        if let Some(action) = problem {
            self.commit(actor, action, Some(stored.id.to_string()), stored.client, Outcome::Failed, vec![])?;
            return Err(refused());
        }
        stored.redeemed_ms = Some(now);
        let write = Self::meta_write(checkin_key(&stored.id), &stored);
        self.commit(
            actor,
            "checkin.redeem",
            Some(stored.id.to_string()),
            stored.client,
            Outcome::Allowed,
            vec![write],
        )?;
        let scoring = match stored.client {
            Some(client) => match self
                .key()
                .and_then(|key| self.get_sealed::<Client>(&key, T::Kind(Kind::Client), client.as_bytes()))
            {
                Ok(Some(client)) => ScoringContext::of_client(&client, &crate::store::date_of_ms(now)),
                // Used up either way: a damaged or removed client record leaves the context
                // unknown (the instruments' rule for that), never a refused client.
                _ => ScoringContext::default(),
            },
            None => ScoringContext::default(),
        };
        Ok((stored.id, scoring))
    }

    /// Every check-in code, skipping (without failing) one whose record is damaged, like
    /// redemption does.
    pub(super) fn all_checkins(&self) -> Result<Vec<StoredCheckin>> {
        let mut out = Vec::new();
        for item in self.tree(T::Meta).scan_prefix(CHECKIN_PREFIX) {
            let (k, v) = item.map_err(|e| self.sled_err(e))?;
            if let Ok(stored) = Self::decode_plain::<StoredCheckin>(T::Meta, &k, "meta", &v) {
                out.push(stored);
            }
        }
        Ok(out)
    }

    /// The outstanding check-in codes (not redeemed, revoked or expired), oldest first: each
    /// with its reference, never the code or its hash, and whether it names a client, never
    /// which. Same roles as issuing; audited.
    pub fn list_checkins(&self, actor: &Actor) -> Result<Vec<CheckinSummary>> {
        self.authorize(actor, Operation::ListCheckins, None, None)?;
        let now = now_ms();
        let mut out: Vec<CheckinSummary> = self
            .all_checkins()?
            .into_iter()
            .filter(|c| c.outstanding(now))
            .map(|c| CheckinSummary {
                reference: checkin_reference(&c.id),
                issued_ms: c.created_ms,
                expires_ms: c.expires_ms,
                issued_by: c.issued_by,
                for_client: c.client.is_some(),
            })
            .collect();
        out.sort_by(|a, b| a.issued_ms.cmp(&b.issued_ms).then_with(|| a.reference.cmp(&b.reference)));
        self.commit(actor, "checkin.list", None, None, Outcome::Allowed, Vec::new())?;
        Ok(out)
    }

    /// Revokes an outstanding check-in code, named by its reference (at least
    /// [`CHECKIN_REF_LEN`] hex digits of its record id) or by the code itself (hashed as
    /// redemption does). A revoked code is never redeemable. Returns the reference; the audit
    /// entry names only the reference. A text matching no outstanding code, or more than one,
    /// is refused (audited without the text, which may be a code).
    pub fn revoke_checkin(&self, actor: &Actor, typed: &str) -> Result<String> {
        self.authorize(actor, Operation::RevokeCheckin, None, None)?;
        let typed = typed.trim();
        let prefix = typed.to_ascii_lowercase();
        let by_reference =
            (CHECKIN_REF_LEN..=32).contains(&prefix.len()) && prefix.bytes().all(|b| b.is_ascii_hexdigit());
        let hash = normalise_checkin_code(typed).map(|normal| checkin_hash(&normal));
        let _serial = self.exclusive_change();
        let now = now_ms();
        let mut matches: Vec<StoredCheckin> = self
            .all_checkins()?
            .into_iter()
            .filter(|c| c.outstanding(now))
            .filter(|c| {
                (by_reference && c.id.to_string().starts_with(&prefix)) || hash.as_deref() == Some(c.hash.as_str())
            })
            .collect();
        if matches.len() != 1 {
            let (label, reason) = if matches.is_empty() {
                ("unknown", "no outstanding check-in code has this reference or code".to_string())
            } else {
                ("ambiguous", "more than one outstanding code starts with it: give more of the reference".to_string())
            };
            self.commit(actor, "checkin.revoke_failed", Some(label.into()), None, Outcome::Failed, vec![])?;
            return Err(StoreError::Refused { what: "revoke the check-in code", reason });
        }
        let mut stored = matches.remove(0);
        let reference = checkin_reference(&stored.id);
        stored.revoked = Some(Revocation { by: actor.user().to_string(), at_ms: now });
        let write = Self::meta_write(checkin_key(&stored.id), &stored);
        self.commit(actor, "checkin.revoke", Some(reference.clone()), None, Outcome::Allowed, vec![write])?;
        Ok(reference)
    }
}
