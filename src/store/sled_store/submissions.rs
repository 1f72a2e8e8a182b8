//! Sealed kiosk submissions as the `Store` trait has them: the organisation's public key, a
//! sealed box stored while locked, and listing and opening them. The kiosk's incremental sends
//! and claims are in `kiosk`.

use super::*;

pub(super) fn submission_public_key(store: &SledStore, actor: &Actor) -> Result<[u8; 32]> {
    let org = store.organisation(actor)?;
    hex::decode(&org.submission_public_key)
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok())
        .ok_or(StoreError::Damaged { kind: "organisation", id: "org".into() })
}

pub(super) fn submit_sealed(store: &SledStore, actor: &Actor, id: &RecordId, sealed: &[u8]) -> Result<()> {
    store.authorize(actor, Operation::SubmitSealed, Some(id.to_string()), None)?;
    if sealed.len() > 4 * 1024 * 1024 {
        return Err(StoreError::Invalid { field: "submission", reason: "larger than 4 MiB".into() });
    }
    let tree = T::Kind(Kind::Submission);
    if store.tree(tree).contains_key(id.as_bytes()).map_err(|e| store.sled_err(e))? {
        return Err(StoreError::Refused {
            what: "accept the submission",
            reason: format!("submission {id} already exists"),
        });
    }
    let stored = StoredSubmission {
        schema_version: 1,
        received_ms: now_ms(),
        sealed: hex::encode(sealed),
        critical: false,
        checkin: None,
        claimed: None,
        seq: 0,
        incomplete: false,
        urgent: false,
        updated_ms: 0,
    };
    let writes = vec![
        Write { tree, key: id.as_bytes().to_vec(), value: SledStore::plain_value(tree, id.as_bytes(), &stored) },
        Write { tree: T::Meta, key: META_REAL_DATA.to_vec(), value: SledStore::meta_value(META_REAL_DATA, &true) },
    ];
    store.commit(actor, "submission.create", Some(id.to_string()), None, Outcome::Allowed, writes)
}

pub(super) fn list_submissions(store: &SledStore, actor: &Actor) -> Result<Vec<(RecordId, i64)>> {
    store.authorize(actor, Operation::ReadSubmissions, None, None)?;
    store.commit(actor, "submission.list", None, None, Outcome::Allowed, Vec::new())?;
    let tree = T::Kind(Kind::Submission);
    let mut out = Vec::new();
    for item in store.tree(tree).iter() {
        let (k, v) = item.map_err(|e| store.sled_err(e))?;
        let id = RecordId::from_slice(&k).ok_or(StoreError::Damaged { kind: "submission", id: hex::encode(&k) })?;
        let received =
            SledStore::decode_plain::<StoredSubmission>(tree, &k, "record", &v).map(|s| s.received_ms).unwrap_or(-1);
        out.push((id, received));
    }
    out.sort_by_key(|(_, t)| *t);
    Ok(out)
}

pub(super) fn open_submission(store: &SledStore, actor: &Actor, id: &RecordId) -> Result<KioskSubmission> {
    store.authorize(actor, Operation::ReadSubmissions, Some(id.to_string()), None)?;
    let key = store.key()?;
    let tree = T::Kind(Kind::Submission);
    let stored: StoredSubmission = store
        .get_plain(tree, id.as_bytes(), "record")?
        .ok_or(StoreError::NotFound { kind: "submission", id: id.to_string() })?;
    store.commit(actor, "submission.read", Some(id.to_string()), None, Outcome::Allowed, Vec::new())?;
    let damaged = || StoreError::Damaged { kind: "submission", id: id.to_string() };
    let sealed = hex::decode(&stored.sealed).map_err(|_| damaged())?;
    let plain = store.org_keypair(&key)?.unseal(&sealed).map_err(|_| damaged())?;
    let submission: KioskSubmission = serde_json::from_slice(&plain).map_err(|_| damaged())?;
    if submission.id != *id {
        return Err(damaged());
    }
    Ok(submission)
}
