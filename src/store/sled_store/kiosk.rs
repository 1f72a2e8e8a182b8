//! Kiosk operations on the sled store: sessions' organisation facts, sealed submissions with
//! their key-free metadata, claiming a submission into an encounter, and the kiosk exit PIN.
//! Types and the design note: [`crate::store::kiosk`]; check-in codes: `checkin`.
//!
//! The PIN lives in the `meta` tree (checksummed, no personal data): `kiosk_pin`, an argon2id hash.

use secrecy::{ExposeSecret, SecretString};

use super::checkin::checkin_key;
use super::*;
use crate::store::kiosk::{
    Claim, KioskInfo, KioskIntake, SubmissionProgress, SubmissionSummary, SubmitChange, check_pin,
};

const META_KIOSK_PIN: &[u8] = b"kiosk_pin";

/// The kiosk exit PIN (argon2id) and its failure count for throttling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
struct StoredPin {
    hash: String,
    set_by: String,
    set_ms: i64,
    failures: u32,
    last_failure_ms: i64,
}

impl SledStore {
    pub(super) fn meta_write<R: Serialize>(key: Vec<u8>, value: &R) -> Write {
        let value = Self::meta_value(&key, value);
        Write { tree: T::Meta, key, value }
    }

    fn stored_submission(&self, id: &RecordId) -> Result<StoredSubmission> {
        self.get_plain(T::Kind(Kind::Submission), id.as_bytes(), "record")?
            .ok_or(StoreError::NotFound { kind: "submission", id: id.to_string() })
    }

    fn submission_write(id: &RecordId, stored: &StoredSubmission) -> Write {
        let tree = T::Kind(Kind::Submission);
        Write { tree, key: id.as_bytes().to_vec(), value: Self::plain_value(tree, id.as_bytes(), stored) }
    }

    /// What a kiosk needs: the organisation's name, province, crisis text, public key, timeout.
    pub fn kiosk_info(&self, actor: &Actor) -> Result<KioskInfo> {
        let org = self.organisation(actor)?;
        let pin_set = self.tree(T::Meta).contains_key(META_KIOSK_PIN).map_err(|e| self.sled_err(e))?;
        Ok(KioskInfo {
            organisation: org.name,
            province: org.province,
            crisis_text: org.settings.crisis_text,
            crisis_text_fr: org.settings.crisis_text_fr,
            submission_public_key: org.submission_public_key,
            kiosk_timeout_seconds: org.settings.kiosk_timeout_seconds,
            pin_set,
            asq_mode: org.settings.asq_mode,
            time_zone: org.settings.time_zone,
        })
    }

    /// Stores a sealed kiosk intake with its key-free metadata: `critical` (the kiosk's flag)
    /// and the redeemed check-in it belongs to, as one complete submission (a kiosk from before
    /// incremental sends). See [`SledStore::submit_kiosk_progress`].
    pub fn submit_kiosk(
        &self,
        actor: &Actor,
        id: &RecordId,
        sealed: &[u8],
        critical: bool,
        checkin: Option<RecordId>,
    ) -> Result<SubmitChange> {
        self.submit_kiosk_progress(actor, id, sealed, critical, checkin, None)
    }

    /// Stores a sealed kiosk box with its key-free metadata. Works while locked. A kiosk seals
    /// and sends the whole intake so far after every answer, under one submission id and a
    /// rising `progress.seq`, so whatever ends the flow (idle reset, quick exit, a dropped SSH
    /// link, a killed kiosk) leaves the last box here, marked incomplete until the complete
    /// one arrives. A newer box replaces the sealed content; `critical` never goes back to
    /// false (nothing undoes a risk signal). Sending a box again (a retry after a lost
    /// acknowledgement) or a late older one changes nothing. A claimed submission takes no
    /// more boxes ([`StoreError::Claimed`]: the kiosk learns that staff have the client).
    pub fn submit_kiosk_progress(
        &self,
        actor: &Actor,
        id: &RecordId,
        sealed: &[u8],
        critical: bool,
        checkin: Option<RecordId>,
        progress: Option<SubmissionProgress>,
    ) -> Result<SubmitChange> {
        self.authorize(actor, Operation::SubmitSealed, Some(id.to_string()), None)?;
        if sealed.len() > 4 * 1024 * 1024 {
            return Err(StoreError::Invalid { field: "submission", reason: "larger than 4 MiB".into() });
        }
        let progress = progress.unwrap_or(SubmissionProgress { seq: 0, complete: true, urgent: false });
        let sealed_hex = hex::encode(sealed);
        let tree = T::Kind(Kind::Submission);
        let _serial = self.exclusive_change();
        let now = now_ms();
        if let Some(mut existing) = self.get_plain::<StoredSubmission>(tree, id.as_bytes(), "record")? {
            if existing.claimed.is_some() {
                return Err(StoreError::Claimed { id: id.to_string() });
            }
            if existing.sealed == sealed_hex || (progress.seq < existing.seq && progress.seq > 0) {
                return Ok(SubmitChange::default());
            }
            if progress.seq <= existing.seq {
                return Err(StoreError::Refused {
                    what: "accept the submission",
                    reason: format!("submission {id} already exists"),
                });
            }
            let change = SubmitChange {
                created: false,
                became_critical: critical && !existing.critical,
                became_urgent: progress.urgent && !existing.urgent && !existing.critical && !critical,
                completed: progress.complete && existing.incomplete,
            };
            existing.sealed = sealed_hex;
            existing.seq = progress.seq;
            existing.critical |= critical;
            existing.urgent = progress.urgent;
            existing.incomplete = !progress.complete;
            existing.updated_ms = now;
            let client = match existing.checkin {
                Some(checkin) => self.load_checkin(&checkin)?.and_then(|c| c.client),
                None => None,
            };
            let action = match (change.became_critical, progress.complete) {
                (true, _) => "submission.update_critical",
                (false, true) => "submission.complete",
                (false, false) => "submission.update",
            };
            let writes = vec![Self::submission_write(id, &existing)];
            self.commit(actor, action, Some(id.to_string()), client, Outcome::Allowed, writes)?;
            return Ok(change);
        }
        let mut writes = Vec::new();
        let mut client = None;
        if let Some(checkin_id) = checkin {
            let mut stored = self.load_checkin(&checkin_id)?.ok_or(StoreError::Refused {
                what: "accept the submission",
                reason: "its check-in code is unknown".into(),
            })?;
            if stored.redeemed_ms.is_none() || stored.submission.is_some() {
                return Err(StoreError::Refused {
                    what: "accept the submission",
                    reason: "its check-in code was not redeemed or is already used by another submission".into(),
                });
            }
            stored.submission = Some(*id);
            client = stored.client;
            writes.push(Self::meta_write(checkin_key(&checkin_id), &stored));
        }
        let stored = StoredSubmission {
            schema_version: 1,
            received_ms: now,
            sealed: sealed_hex,
            critical,
            checkin,
            claimed: None,
            seq: progress.seq,
            incomplete: !progress.complete,
            urgent: progress.urgent,
            updated_ms: now,
        };
        writes.push(Self::submission_write(id, &stored));
        writes.push(Write {
            tree: T::Meta,
            key: META_REAL_DATA.to_vec(),
            value: Self::meta_value(META_REAL_DATA, &true),
        });
        let action = if critical { "submission.create_critical" } else { "submission.create" };
        self.commit(actor, action, Some(id.to_string()), client, Outcome::Allowed, writes)?;
        Ok(SubmitChange {
            created: true,
            became_critical: critical,
            became_urgent: progress.urgent && !critical,
            completed: progress.complete,
        })
    }

    /// Every kiosk submission with its key-free metadata, unclaimed first, critical first among
    /// them, then oldest first. Works while locked.
    pub fn list_kiosk_submissions(&self, actor: &Actor) -> Result<Vec<SubmissionSummary>> {
        self.authorize(actor, Operation::ReadSubmissions, None, None)?;
        self.commit(actor, "submission.list", None, None, Outcome::Allowed, Vec::new())?;
        let tree = T::Kind(Kind::Submission);
        let mut out = Vec::new();
        for item in self.tree(tree).iter() {
            let (k, v) = item.map_err(|e| self.sled_err(e))?;
            let id = RecordId::from_slice(&k).ok_or(StoreError::Damaged { kind: "submission", id: hex::encode(&k) })?;
            let stored = Self::decode_plain::<StoredSubmission>(tree, &k, "record", &v)?;
            let client = match stored.checkin {
                Some(checkin) => self.load_checkin(&checkin)?.and_then(|c| c.client),
                None => None,
            };
            out.push(SubmissionSummary {
                id,
                received_ms: stored.received_ms,
                critical: stored.critical,
                checked_in: stored.checkin.is_some(),
                urgent: stored.urgent,
                incomplete: stored.incomplete,
                updated_ms: if stored.updated_ms > 0 { stored.updated_ms } else { stored.received_ms },
                client,
                claimed: stored.claimed,
            });
        }
        // Unclaimed first; among them critical, then urgent (an incomplete one with severe
        // partial answers or any flag is urgent), then the rest; oldest first within a tier.
        out.sort_by(|a, b| {
            a.claimed
                .is_some()
                .cmp(&b.claimed.is_some())
                .then(b.critical.cmp(&a.critical))
                .then(b.urgent.cmp(&a.urgent))
                .then(a.received_ms.cmp(&b.received_ms))
        });
        Ok(out)
    }

    /// Opens a submission's sealed box. The stored record passed its checksum (`stored_submission`),
    /// so its box is the one the kiosk sent: one that does not open with the organisation's key,
    /// does not hold an intake, or holds another submission's, was not made by this service's
    /// kiosk ([`StoreError::Unverified`], audited as `submission.unverified` and left as it is
    /// for review), which is not damage to the store.
    fn open_intake(
        &self,
        actor: &Actor,
        key: &DataKey,
        id: &RecordId,
        stored: &StoredSubmission,
    ) -> Result<KioskIntake> {
        let keypair = self.org_keypair(key)?;
        let opened = hex::decode(&stored.sealed)
            .ok()
            .and_then(|sealed| keypair.unseal(&sealed).ok())
            .and_then(|plain| serde_json::from_slice::<KioskIntake>(&plain).ok())
            .filter(|intake| intake.id == *id);
        let Some(mut intake) = opened else {
            self.commit(actor, "submission.unverified", Some(id.to_string()), None, Outcome::Failed, Vec::new())?;
            return Err(StoreError::Unverified { id: id.to_string() });
        };
        if intake.schema_version < 2 {
            // A bare KioskSubmission: no bundle information.
            intake.schema_version = crate::store::kiosk::KIOSK_INTAKE_VERSION;
        }
        Ok(intake)
    }

    /// Opens a kiosk submission (the store must be unlocked by a staff login). Audited.
    pub fn open_kiosk_submission(&self, actor: &Actor, id: &RecordId) -> Result<KioskIntake> {
        self.authorize(actor, Operation::ReadSubmissions, Some(id.to_string()), None)?;
        let key = self.key()?;
        let stored = self.stored_submission(id)?;
        self.commit(actor, "submission.read", Some(id.to_string()), None, Outcome::Allowed, Vec::new())?;
        self.open_intake(actor, &key, id, &stored)
    }

    /// Turns a kiosk submission into a client (the check-in code's client, else a new one named
    /// `Kiosk <first 8 hex of the id>` in the organisation's province) and a kiosk-origin
    /// encounter holding the consent, every answer and, if the kiosk raised a critical flag, a
    /// `flag_raised` crisis record, all in one audited transaction. The encounter is `submitted`
    /// if the client finished, else `in_progress`. A submission is claimed once.
    pub fn claim_submission(&self, actor: &Actor, id: &RecordId) -> Result<(RecordId, Encounter)> {
        self.authorize(actor, Operation::ReadSubmissions, Some(id.to_string()), None)?;
        self.authorize(actor, Operation::StartEncounter, Some(id.to_string()), None)?;
        let key = self.key()?;
        // A kiosk may be sending its next box right now: the claim and that box must not both
        // read the unclaimed record and write it back.
        let _serial = self.exclusive_change();
        let mut stored = self.stored_submission(id)?;
        if let Some(claim) = &stored.claimed {
            return Err(StoreError::Refused {
                what: "claim the submission",
                reason: format!("{} already claimed it into encounter {}", claim.by, claim.encounter),
            });
        }
        let intake = self.open_intake(actor, &key, id, &stored)?;
        for answer in &intake.answers {
            validate_instrument(&answer.instrument)?;
            clean_text("item id", &answer.item_id, 64)?;
        }
        let now = now_ms();
        let by = actor.user().to_string();
        let mut writes = Vec::new();
        let (client_id, scoring) = self.claimed_client(&key, id, &stored, &intake, now, &by, &mut writes)?;
        let encounter = self.claimed_encounter(&key, client_id, scoring, &intake, now, &by, &mut writes)?;
        self.claimed_records(&key, &encounter, &intake, stored.critical, &mut writes)?;
        stored.claimed = Some(Claim { by, at_ms: now, client: client_id, encounter: encounter.id });
        writes.push(Self::submission_write(id, &stored));
        writes.push(Write {
            tree: T::Meta,
            key: META_REAL_DATA.to_vec(),
            value: Self::meta_value(META_REAL_DATA, &true),
        });
        self.commit(actor, "submission.claim", Some(id.to_string()), Some(client_id), Outcome::Allowed, writes)?;
        Ok((client_id, encounter))
    }

    /// The client a claim goes to, and the context its encounter is scored with: the check-in
    /// code's client (scored from its record), else a new client named `Kiosk <the submission's
    /// reference>` (`submission_reference`) in the organisation's province (scored as the kiosk was), whose write
    /// joins `writes`.
    #[allow(clippy::too_many_arguments)]
    fn claimed_client(
        &self,
        key: &DataKey,
        id: &RecordId,
        stored: &StoredSubmission,
        intake: &KioskIntake,
        now: i64,
        by: &str,
        writes: &mut Vec<Write>,
    ) -> Result<(RecordId, ScoringContext)> {
        let org: Organisation = self
            .get_plain(T::Kind(Kind::Organisation), ORG_KEY, "record")?
            .ok_or(StoreError::NotInitialised { path: self.dir.clone() })?;
        let checkin_client = match stored.checkin {
            Some(checkin) => self.load_checkin(&checkin)?.and_then(|c| c.client),
            None => None,
        };
        let known: Option<Client> = match checkin_client {
            Some(existing) => self.get_sealed(key, T::Kind(Kind::Client), existing.as_bytes())?,
            None => None,
        };
        if let Some(client) = known {
            return Ok((client.id, ScoringContext::of_client(&client, &crate::store::date_of_ms(now))));
        }
        let input = validate_client(&NewClient {
            name: format!("Kiosk {}", crate::store::kiosk::submission_reference(id)),
            birth_date: None,
            province: org.province,
            language: intake.language,
            contact: None,
            access_needs: vec![],
            populations: vec![],
            sex_for_scoring: None,
        })?;
        let client = Client {
            schema_version: 1,
            id: RecordId::random(),
            name: input.name,
            birth_date: None,
            province: Some(input.province),
            language: input.language,
            contact: None,
            access_needs: vec![],
            populations: vec![],
            sex_for_scoring: None,
            synthetic: false,
            created_ms: now,
            created_by: by.to_string(),
        };
        let tree = T::Kind(Kind::Client);
        writes.push(Write {
            tree,
            key: client.id.as_bytes().to_vec(),
            value: self.seal_record(key, tree, client.id.as_bytes(), &client),
        });
        Ok((client.id, intake.scoring))
    }

    /// The kiosk-origin encounter of a claim (`submitted` if the client finished, else
    /// `in_progress`), its writes (record, client index, queue index) joining `writes`.
    #[allow(clippy::too_many_arguments)]
    fn claimed_encounter(
        &self,
        key: &DataKey,
        client_id: RecordId,
        scoring: ScoringContext,
        intake: &KioskIntake,
        now: i64,
        by: &str,
        writes: &mut Vec<Write>,
    ) -> Result<Encounter> {
        let instruments =
            intake.instruments.iter().map(|i| clean_text("instrument id", i, 32)).collect::<Result<Vec<String>>>()?;
        let encounter = Encounter {
            schema_version: Kind::Encounter.current_version(),
            id: RecordId::random(),
            client_id,
            origin: EncounterOrigin::Kiosk,
            status: if intake.complete { EncounterStatus::Submitted } else { EncounterStatus::InProgress },
            created_ms: now,
            updated_ms: now,
            created_by: by.to_string(),
            instruments,
            scoring,
            outcome: None,
            reopenings: Vec::new(),
        };
        let tree = T::Kind(Kind::Encounter);
        writes.push(Write {
            tree,
            key: encounter.id.as_bytes().to_vec(),
            value: self.seal_record(key, tree, encounter.id.as_bytes(), &encounter),
        });
        let mut index = client_id.as_bytes().to_vec();
        index.extend_from_slice(encounter.id.as_bytes());
        writes.push(Write { tree: T::ClientEncounters, key: index, value: Vec::new() });
        writes.push(Self::open_index_write(&encounter));
        Ok(encounter)
    }

    /// The records a claim puts in its encounter, recorded by `kiosk`: the consent, every
    /// answer, and the kiosk's flags as `flag_raised` (critical; `kiosk.critical` when the
    /// kiosk said critical without naming a flag) and `urgent_raised` records, so the encounter
    /// is ranked by its tier and the staff flow asks for its action on opening.
    fn claimed_records(
        &self,
        key: &DataKey,
        encounter: &Encounter,
        intake: &KioskIntake,
        critical_seen: bool,
        writes: &mut Vec<Write>,
    ) -> Result<()> {
        let recorded_by = "kiosk".to_string();
        let consent = ConsentRecord {
            schema_version: 1,
            id: RecordId::random(),
            encounter_id: encounter.id,
            version: clean_text("consent version", &intake.consent_version, 64)?,
            answer: intake.consent,
            recorded_ms: intake.submitted_ms,
            recorded_by: recorded_by.clone(),
        };
        self.push_child(key, Kind::Consent, &encounter.id, &consent, writes)?;
        for answer in &intake.answers {
            let record = Answer {
                schema_version: Kind::Answer.current_version(),
                id: RecordId::random(),
                encounter_id: encounter.id,
                instrument: answer.instrument.clone(),
                item_id: answer.item_id.clone(),
                position: answer.position,
                score: answer.score,
                free_text: None,
                answered_ms: intake.submitted_ms,
                recorded_by: recorded_by.clone(),
            };
            self.push_child(key, Kind::Answer, &encounter.id, &record, writes)?;
        }
        let mut critical = intake.critical_flags.clone();
        if critical_seen && critical.is_empty() {
            critical.push("kiosk.critical".into());
        }
        for (flags, action, note) in [
            (&critical, CRISIS_FLAG_RAISED, "raised at the kiosk; the client was shown the crisis lines"),
            (
                &intake.urgent_flags,
                CRISIS_URGENT_RAISED,
                "urgent, raised at the kiosk; the client was shown the crisis lines",
            ),
        ] {
            if flags.is_empty() {
                continue;
            }
            let crisis = CrisisAction {
                schema_version: 1,
                id: RecordId::random(),
                encounter_id: encounter.id,
                flags: flags.iter().map(|f| clean_text("flag", f, 100)).collect::<Result<Vec<String>>>()?,
                action: action.into(),
                note: Some(note.into()),
                recorded_ms: intake.submitted_ms,
                recorded_by: recorded_by.clone(),
            };
            self.push_child(key, Kind::CrisisAction, &encounter.id, &crisis, writes)?;
        }
        Ok(())
    }

    fn push_child<R: Serialize>(
        &self,
        key: &DataKey,
        kind: Kind,
        encounter: &RecordId,
        record: &R,
        writes: &mut Vec<Write>,
    ) -> Result<()> {
        let tree = T::Kind(kind);
        let child = self.child_key(encounter)?;
        let value = self.seal_record(key, tree, &child, record);
        writes.push(Write { tree, key: child, value });
        Ok(())
    }

    /// Sets the kiosk exit PIN (6 to 12 digits), stored as an argon2id hash.
    pub fn set_kiosk_pin(&self, actor: &Actor, pin: &SecretString) -> Result<()> {
        self.authorize(actor, Operation::UpdateSettings, None, None)?;
        check_pin(pin.expose_secret()).map_err(|reason| StoreError::Invalid { field: "kiosk PIN", reason })?;
        let hash = auth::hash_password(pin.expose_secret().as_bytes(), self.kdf())
            .map_err(|e| StoreError::Invalid { field: "kiosk PIN", reason: e.to_string() })?;
        let stored =
            StoredPin { hash, set_by: actor.user().to_string(), set_ms: now_ms(), failures: 0, last_failure_ms: 0 };
        self.commit(
            actor,
            "kiosk.pin_set",
            None,
            None,
            Outcome::Allowed,
            vec![Self::meta_write(META_KIOSK_PIN.to_vec(), &stored)],
        )
    }

    /// Checks the kiosk exit PIN for a kiosk. Failures are counted and throttled like logins
    /// (never locked out: a locked kiosk could then only be ended by a signal).
    pub fn verify_kiosk_pin(&self, actor: &Actor, pin: &SecretString) -> Result<()> {
        self.authorize(actor, Operation::ExitKiosk, None, None)?;
        let Some(mut stored) = self.get_plain::<StoredPin>(T::Meta, META_KIOSK_PIN, "meta")? else {
            return Err(StoreError::Refused {
                what: "end the kiosk",
                reason: "no kiosk PIN is set: an administrator sets one with `triage kiosk-pin`".into(),
            });
        };
        let now = now_ms();
        let failures = stored.failures.min(auth::LOCKOUT_AT - 1);
        if let ThrottleVerdict::Wait { ms } = auth::throttle(failures, stored.last_failure_ms, now) {
            self.commit(actor, "kiosk.pin_throttled", None, None, Outcome::Denied, Vec::new())?;
            return Err(StoreError::Throttled { user: "the kiosk PIN".into(), wait_secs: (ms + 999) / 1000 });
        }
        let ok = auth::verify_password(pin.expose_secret().as_bytes(), &stored.hash)
            .map_err(|_| StoreError::Damaged { kind: "meta", id: "kiosk_pin".into() })?;
        if !ok {
            stored.failures = stored.failures.saturating_add(1);
            stored.last_failure_ms = now;
            let write = Self::meta_write(META_KIOSK_PIN.to_vec(), &stored);
            self.commit(actor, "kiosk.pin_failed", None, None, Outcome::Failed, vec![write])?;
            return Err(StoreError::BadCredentials);
        }
        let mut writes = Vec::new();
        if stored.failures != 0 {
            stored.failures = 0;
            writes.push(Self::meta_write(META_KIOSK_PIN.to_vec(), &stored));
        }
        self.commit(actor, "kiosk.exit", None, None, Outcome::Allowed, writes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::kiosk::{
        CHECKIN_REF_LEN, KIOSK_INTAKE_VERSION, checkin_hash, checkin_reference, normalise_checkin_code,
    };

    const ADMIN_PW: &str = "admin password long enough";

    fn pw(text: &str) -> SecretString {
        SecretString::from(text.to_string())
    }

    fn fresh() -> (tempfile::TempDir, SledStore, Actor) {
        let dir = tempfile::tempdir().unwrap();
        let store = SledStore::open(dir.path()).unwrap();
        let request = InitRequest {
            org: "Clinic".into(),
            province: crate::store::Province::Qc,
            admin: "admin".into(),
            insecure_test_kdf: true,
            time_zone: None,
        };
        store.initialize(&request, &pw(ADMIN_PW), "t").unwrap();
        let admin = store.login("admin", &pw(ADMIN_PW), "t").unwrap();
        (dir, store, admin)
    }

    fn kiosk() -> Actor {
        Actor::new("kiosk:test".into(), Role::Kiosk, "tty".into())
    }

    fn worker(store: &SledStore, admin: &Actor) -> Actor {
        let password = pw("ivy password long enough");
        let account = NewAccount { username: "ivy".into(), display_name: "Ivy".into(), role: Role::Intake };
        store.add_account(admin, &account, &password).unwrap();
        store.login("ivy", &password, "t").unwrap()
    }

    fn marie(store: &SledStore, actor: &Actor) -> RecordId {
        let client = NewClient {
            name: "Marie Roy".into(),
            birth_date: None,
            province: crate::store::Province::Qc,
            language: Lang::Fr,
            contact: None,
            access_needs: vec![],
            populations: vec![],
            sex_for_scoring: None,
        };
        store.create_client(actor, &client).unwrap()
    }

    fn intake(id: RecordId, flags: &[&str]) -> KioskIntake {
        KioskIntake {
            schema_version: KIOSK_INTAKE_VERSION,
            id,
            language: Lang::Fr,
            consent_version: "kiosk-1".into(),
            consent: ConsentAnswer::Given,
            client: None,
            answers: (1..=9)
                .map(|n| NewAnswer {
                    instrument: InstrumentRef { id: "phq9".into(), version: "1".into(), language: Lang::Fr },
                    item_id: format!("q{n}"),
                    position: u32::from(n == 9),
                    score: i64::from(n == 9),
                    free_text: None,
                })
                .collect(),
            submitted_ms: 42,
            bundle: Some("adult-core".into()),
            instruments: vec!["phq9".into(), "gad7".into()],
            completed: vec![],
            critical_flags: flags.iter().map(|f| f.to_string()).collect(),
            complete: false,
            stopped_at: None,
            urgent_flags: vec![],
            scoring: ScoringContext::default(),
            other_flags: vec![],
            declined_items: vec![],
            partial_totals: vec![],
        }
    }

    fn seal(store: &SledStore, intake: &KioskIntake) -> Vec<u8> {
        let key = store.kiosk_info(&kiosk()).unwrap().submission_public_key;
        let key: [u8; 32] = hex::decode(key).unwrap().try_into().unwrap();
        crypto::seal_to(&key, &serde_json::to_vec(intake).unwrap()).unwrap()
    }

    /// What a kiosk and failed sign-ins audit before any staff member has signed in since the
    /// owner started (no chain key yet) are the kinds `audit::may_be_written_locked` allows,
    /// and the first sign-in's keyed entry pins them: the chain verifies.
    #[test]
    fn entries_written_while_locked_are_the_allowed_kinds() {
        let (dir, store, admin) = fresh();
        store.set_kiosk_pin(&admin, &pw("246813")).unwrap();
        let sealed = seal(&store, &intake(RecordId::random(), &["phq9_item9"]));
        drop(store);
        std::thread::sleep(std::time::Duration::from_millis(50));
        let store = SledStore::open(dir.path()).unwrap();
        let before = store.lock_head_for_tests().count;
        let kiosk = kiosk();
        store.kiosk_info(&kiosk).unwrap();
        let progress = Some(SubmissionProgress { seq: 1, complete: false, urgent: true });
        store.submit_kiosk_progress(&kiosk, &RecordId::random(), &sealed, true, None, progress).unwrap();
        assert!(store.redeem_checkin(&kiosk, "ZZZZ-ZZZZ").is_err());
        assert!(store.verify_kiosk_pin(&kiosk, &pw("111111")).is_err());
        assert!(store.list_kiosk_submissions(&kiosk).is_err(), "a kiosk may not list submissions");
        assert!(store.login("nobody", &pw("wrong password here"), "t").is_err());
        assert!(store.login("admin", &pw("wrong password here"), "t").is_err());
        let admin = store.login("admin", &pw(ADMIN_PW), "t").unwrap();
        let entries = store.audit_list(&admin, &AuditFilter::default()).unwrap();
        let locked: Vec<&AuditEntry> = entries.iter().filter(|e| e.seq >= before && !e.keyed).collect();
        assert!(locked.len() >= 5, "{locked:?}");
        for entry in &locked {
            assert!(audit::may_be_written_locked(&entry.action), "{} was written plain", entry.action);
        }
        let report = store.audit_verify(&admin, None).unwrap();
        assert_eq!(report.first_bad, None);
    }

    /// Issue 14 (unclear errors): a forged box (not sealed to the organisation's key, not an
    /// intake, or another submission's) once made a claim say "record damaged ... restore from a
    /// backup". It is not damage: the claim says it could not be verified, imports nothing,
    /// audits the attempt and leaves the submission for review.
    #[test]
    fn a_forged_submission_is_not_imported_and_is_kept_for_review_not_called_damage() {
        let (_dir, store, admin) = fresh();
        let ivy = worker(&store, &admin);
        let stranger = OrgKeyPair::generate();
        let intake_of = |id| serde_json::to_vec(&intake(id, &["phq9.suicidal_ideation"])).unwrap();
        let other = RecordId::random();
        let forgeries: Vec<(RecordId, Vec<u8>)> = vec![
            (RecordId::random(), b"not a sealed box at all".to_vec()),
            {
                let id = RecordId::random();
                (id, crypto::seal_to(&stranger.public_key(), &intake_of(id)).unwrap())
            },
            (RecordId::random(), seal(&store, &intake(other, &[]))),
            {
                let key = store.kiosk_info(&kiosk()).unwrap().submission_public_key;
                let key: [u8; 32] = hex::decode(key).unwrap().try_into().unwrap();
                (RecordId::random(), crypto::seal_to(&key, b"{\"not\": \"an intake\"}").unwrap())
            },
        ];
        for (id, sealed) in &forgeries {
            store.submit_kiosk(&kiosk(), id, sealed, true, None).unwrap();
            let error = store.claim_submission(&ivy, id).unwrap_err();
            assert!(matches!(error, StoreError::Unverified { .. }), "{error:?}");
            let text = error.to_string();
            assert!(
                text.starts_with(&format!(
                    "kiosk submission {id} could not be verified as coming from this service's kiosk"
                )),
                "{text}"
            );
            assert!(text.contains("nothing was imported") && text.contains("kept unchanged for review"), "{text}");
            assert!(
                !text.contains("record damaged") && !text.contains("restore from") && !text.contains("backup restore"),
                "{text}"
            );
            assert_eq!(error.code(), "unverified");
            assert!(matches!(store.open_kiosk_submission(&ivy, id), Err(StoreError::Unverified { .. })));
        }
        // Kept, unclaimed, in the queue; nothing imported; every attempt audited.
        let listed = store.list_kiosk_submissions(&ivy).unwrap();
        assert_eq!(listed.iter().filter(|s| s.claimed.is_none()).count(), forgeries.len());
        assert!(store.open_encounters(&ivy).unwrap().is_empty(), "no encounter was made");
        let filter = AuditFilter { action: Some("submission.unverified".into()), ..Default::default() };
        let audited = store.audit_list(&admin, &filter).unwrap();
        assert_eq!(audited.len(), 2 * forgeries.len());
        assert!(audited.iter().all(|e| e.outcome == Outcome::Failed && e.user == "ivy"));
        assert_eq!(audited[0].record, Some(forgeries[0].0.to_string()));
    }

    #[test]
    fn a_submission_grows_box_by_box_keeps_its_risk_and_takes_no_box_after_its_claim() {
        let (_dir, store, admin) = fresh();
        let ivy = worker(&store, &admin);
        let id = RecordId::random();
        let progress = |seq, complete, urgent| Some(SubmissionProgress { seq, complete, urgent });
        let mut first = intake(id, &[]);
        first.answers.truncate(3);
        let change =
            store.submit_kiosk_progress(&kiosk(), &id, &seal(&store, &first), false, None, progress(1, false, false));
        assert_eq!(change.unwrap(), SubmitChange { created: true, ..SubmitChange::default() });
        let critical = intake(id, &["phq9.suicidal_ideation"]);
        let box2 = seal(&store, &critical);
        let change = store.submit_kiosk_progress(&kiosk(), &id, &box2, true, None, progress(2, false, true)).unwrap();
        assert!(change.became_critical && !change.became_urgent && !change.created);
        // A late retry of box 1 changes nothing, and a box can never clear `critical`.
        let late =
            store.submit_kiosk_progress(&kiosk(), &id, &seal(&store, &first), false, None, progress(1, false, false));
        assert_eq!(late.unwrap(), SubmitChange::default());
        let calm =
            store.submit_kiosk_progress(&kiosk(), &id, &seal(&store, &first), false, None, progress(3, false, false));
        assert!(!calm.unwrap().became_critical);
        let listed = store.list_kiosk_submissions(&ivy).unwrap();
        assert_eq!(listed.len(), 1);
        assert!(listed[0].critical && listed[0].incomplete);
        let opened = store.open_kiosk_submission(&ivy, &id).unwrap();
        assert_eq!(opened.answers.len(), 3, "the newest box is the one kept");
        store.claim_submission(&ivy, &id).unwrap();
        let after = store.submit_kiosk_progress(&kiosk(), &id, &box2, true, None, progress(4, true, false));
        assert!(matches!(after, Err(StoreError::Claimed { .. })), "{after:?}");
        let audit = store.audit_list(&admin, &AuditFilter { action: Some("submission.".into()), ..Default::default() });
        let actions: Vec<String> = audit.unwrap().into_iter().map(|e| e.action).collect();
        for expected in ["submission.create", "submission.update_critical", "submission.update", "submission.claim"] {
            assert!(actions.iter().any(|a| a == expected), "{expected} in {actions:?}");
        }
    }

    /// Kiosks typing one code at the same moment: exactly one is accepted.
    #[test]
    fn a_code_typed_at_several_kiosks_at_once_is_redeemed_once() {
        let (_dir, store, admin) = fresh();
        let ivy = worker(&store, &admin);
        for _ in 0..5 {
            let code = store.issue_checkin(&ivy, None, 60_000).unwrap();
            let start = std::sync::Barrier::new(6);
            let accepted = std::thread::scope(|scope| {
                let tries: Vec<_> = (0..6)
                    .map(|_| {
                        scope.spawn(|| {
                            start.wait();
                            store.redeem_checkin(&kiosk(), &code.code).is_ok()
                        })
                    })
                    .collect();
                tries.into_iter().map(|t| t.join()).filter(|joined| matches!(joined, Ok(true))).count()
            });
            assert_eq!(accepted, 1, "a single-use code was accepted {accepted} times");
        }
    }

    #[test]
    fn a_redeemed_code_tells_the_kiosk_its_clients_sex_for_scoring_and_age_and_nothing_else() {
        let (_dir, store, admin) = fresh();
        let ivy = worker(&store, &admin);
        let client = NewClient {
            name: "Léa Gagnon".into(),
            birth_date: Some("2011-03-04".into()),
            province: crate::store::Province::Qc,
            language: Lang::Fr,
            contact: None,
            access_needs: vec![],
            populations: vec![],
            sex_for_scoring: Some(Sex::Female),
        };
        let lea = store.create_client(&ivy, &client).unwrap();
        let code = store.issue_checkin(&ivy, Some(lea), 60_000).unwrap();
        let (_, scoring) = store.redeem_checkin(&kiosk(), &code.code).unwrap();
        let today = crate::store::date_of_ms(now_ms());
        let age = crate::instrument::age_on("2011-03-04", &today).and_then(|a| u32::try_from(a).ok());
        assert_eq!(scoring, ScoringContext { sex: Some(Sex::Female), age });
        assert!(age.is_some_and(|a| a >= 15));
        // What travels to the kiosk: no name, no date of birth.
        let reply = serde_json::to_string(&scoring).unwrap();
        assert!(!reply.contains("Léa") && !reply.contains("2011"), "{reply}");
    }

    #[test]
    fn encounters_keep_the_context_they_are_scored_with_from_the_client_or_the_kiosk() {
        let (_dir, store, admin) = fresh();
        let ivy = worker(&store, &admin);
        let mut new = NewClient {
            name: "Sam Roy".into(),
            birth_date: Some("1950-01-01".into()),
            province: crate::store::Province::Qc,
            language: Lang::Fr,
            contact: None,
            access_needs: vec![],
            populations: vec![],
            sex_for_scoring: Some(Sex::Male),
        };
        let sam = store.create_client(&ivy, &new).unwrap();
        let today = crate::store::date_of_ms(now_ms());
        let age = crate::instrument::age_on("1950-01-01", &today).and_then(|a| u32::try_from(a).ok());
        let staff = store.start_encounter(&ivy, &sam, EncounterOrigin::Staff).unwrap();
        assert_eq!(staff.scoring, ScoringContext { sex: Some(Sex::Male), age });
        // Claimed through the client's check-in code: the client's record, not the kiosk's.
        let code = store.issue_checkin(&ivy, Some(sam), 60_000).unwrap();
        let (checkin, _) = store.redeem_checkin(&kiosk(), &code.code).unwrap();
        let id = RecordId::random();
        let mut sent = intake(id, &[]);
        sent.scoring = ScoringContext { sex: None, age: Some(30) };
        store.submit_kiosk(&kiosk(), &id, &seal(&store, &sent), false, Some(checkin)).unwrap();
        let (_, claimed) = store.claim_submission(&ivy, &id).unwrap();
        assert_eq!(claimed.scoring, ScoringContext { sex: Some(Sex::Male), age });
        // Anonymous: the age the client gave at the kiosk.
        let other = RecordId::random();
        let mut anonymous = intake(other, &[]);
        anonymous.scoring = ScoringContext { sex: None, age: Some(16) };
        store.submit_kiosk(&kiosk(), &other, &seal(&store, &anonymous), false, None).unwrap();
        let (_, claimed) = store.claim_submission(&ivy, &other).unwrap();
        assert_eq!(claimed.scoring, ScoringContext { sex: None, age: Some(16) });
        new.birth_date = None;
        new.sex_for_scoring = None;
        let unknown = store.create_client(&ivy, &new).unwrap();
        let encounter = store.start_encounter(&ivy, &unknown, EncounterOrigin::Staff).unwrap();
        assert_eq!(encounter.scoring, ScoringContext::default());
    }

    #[test]
    fn checkin_codes_are_single_use_and_expire() {
        let (_dir, store, admin) = fresh();
        let ivy = worker(&store, &admin);
        let code = store.issue_checkin(&ivy, None, 60_000).unwrap();
        assert!(matches!(store.redeem_checkin(&ivy, &code.code), Err(StoreError::Denied { .. })));
        assert!(matches!(store.issue_checkin(&kiosk(), None, 60_000), Err(StoreError::Denied { .. })));
        let (id, scoring) = store.redeem_checkin(&kiosk(), &code.code.to_lowercase()).unwrap();
        assert_eq!((id, scoring), (code.id, ScoringContext::default()), "no client: nothing known");
        assert!(matches!(store.redeem_checkin(&kiosk(), &code.code), Err(StoreError::Refused { .. })));
        let short = store.issue_checkin(&ivy, None, 1).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert!(matches!(store.redeem_checkin(&kiosk(), &short.code), Err(StoreError::Refused { .. })));
        assert!(matches!(store.redeem_checkin(&kiosk(), "ACDE-FGHJ"), Err(StoreError::Refused { .. })));
        assert!(matches!(store.redeem_checkin(&kiosk(), "nonsense"), Err(StoreError::Refused { .. })));
        assert!(store.issue_checkin(&ivy, None, 25 * 3_600_000).is_err());
        assert!(matches!(store.issue_checkin(&ivy, Some(RecordId::random()), 1000), Err(StoreError::NotFound { .. })));
        let audit = store.audit_list(&admin, &AuditFilter { action: Some("checkin.".into()), ..Default::default() });
        let actions: Vec<String> = audit.unwrap().into_iter().map(|e| e.action).collect();
        for expected in ["checkin.issue", "checkin.redeem", "checkin.redeem_used", "checkin.redeem_expired"] {
            assert!(actions.iter().any(|a| a == expected), "{expected} in {actions:?}");
        }
    }

    #[test]
    fn outstanding_codes_are_listed_without_the_code_and_revoked_ones_never_redeem() {
        let (_dir, store, admin) = fresh();
        let ivy = worker(&store, &admin);
        let client = marie(&store, &ivy);
        let first = store.issue_checkin(&ivy, Some(client), 60_000).unwrap();
        // Issued in another millisecond, so "oldest first" decides the order (codes issued in
        // the same millisecond are ordered by reference, which is random).
        std::thread::sleep(std::time::Duration::from_millis(3));
        let second = store.issue_checkin(&admin, None, 60_000).unwrap();
        let used = store.issue_checkin(&ivy, None, 60_000).unwrap();
        let expired = store.issue_checkin(&ivy, None, 1).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5));
        store.redeem_checkin(&kiosk(), &used.code).unwrap();

        // Expired and redeemed codes are not listed; the rest are, oldest first, by reference.
        let listed = store.list_checkins(&admin).unwrap();
        let references: Vec<&str> = listed.iter().map(|c| c.reference.as_str()).collect();
        assert_eq!(references, [checkin_reference(&first.id), checkin_reference(&second.id)]);
        assert_eq!(listed[0].reference.len(), CHECKIN_REF_LEN);
        assert_eq!((listed[0].issued_by.as_str(), listed[0].for_client), ("ivy", true));
        assert_eq!((listed[1].issued_by.as_str(), listed[1].for_client), ("admin", false));
        assert_eq!(listed[0].expires_ms, first.expires_ms);
        let text = serde_json::to_string(&listed).unwrap();
        let normal = normalise_checkin_code(&first.code).unwrap();
        for secret in [first.code.as_str(), normal.as_str(), checkin_hash(&normal).as_str(), "Marie"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert_eq!(store.list_checkins(&ivy).unwrap(), listed);
        assert!(matches!(store.list_checkins(&kiosk()), Err(StoreError::Denied { .. })));
        assert!(matches!(store.revoke_checkin(&kiosk(), &listed[0].reference), Err(StoreError::Denied { .. })));

        // Revoked by reference (any case): gone from the list and refused at the kiosk.
        let reference = store.revoke_checkin(&ivy, &listed[0].reference.to_uppercase()).unwrap();
        assert_eq!(reference, listed[0].reference);
        assert!(matches!(store.redeem_checkin(&kiosk(), &first.code), Err(StoreError::Refused { .. })));
        // Revoked by the code itself, typed loosely.
        let typed = second.code.to_lowercase().replace('-', " ");
        assert_eq!(store.revoke_checkin(&admin, &typed).unwrap(), checkin_reference(&second.id));
        assert!(matches!(store.redeem_checkin(&kiosk(), &second.code), Err(StoreError::Refused { .. })));
        assert!(store.list_checkins(&admin).unwrap().is_empty());

        // Revoked, redeemed, expired, unknown and too-short references are refused.
        for typed in [
            listed[0].reference.clone(),
            checkin_reference(&used.id),
            checkin_reference(&expired.id),
            used.code.clone(),
            "0123abcd".to_string(),
            listed[1].reference[..4].to_string(),
            String::new(),
        ] {
            assert!(matches!(store.revoke_checkin(&admin, &typed), Err(StoreError::Refused { .. })), "{typed}");
        }

        let audit = store.audit_list(&admin, &AuditFilter { action: Some("checkin.".into()), ..Default::default() });
        let audit = audit.unwrap();
        let revokes: Vec<Option<&str>> =
            audit.iter().filter(|e| e.action == "checkin.revoke").map(|e| e.record.as_deref()).collect();
        assert_eq!(revokes, [Some(listed[0].reference.as_str()), Some(listed[1].reference.as_str())]);
        for action in ["checkin.list", "checkin.revoke_failed", "checkin.redeem_revoked"] {
            assert!(audit.iter().any(|e| e.action == action), "{action}");
        }
        let everything = serde_json::to_string(&audit).unwrap();
        for code in [&first.code, &second.code, &used.code] {
            assert!(!everything.contains(code.as_str()));
        }
    }

    #[test]
    fn a_critical_submission_with_a_checkin_is_claimed_into_the_clients_encounter() {
        let (_dir, store, admin) = fresh();
        let ivy = worker(&store, &admin);
        let client = marie(&store, &ivy);
        let code = store.issue_checkin(&ivy, Some(client), 60_000).unwrap();
        let (checkin, _) = store.redeem_checkin(&kiosk(), &code.code).unwrap();
        let id = RecordId::random();
        let sealed = seal(&store, &intake(id, &["phq9.suicidal_ideation"]));
        store.lock();
        // A locked owner takes it; the kiosk can neither list nor open it.
        store.submit_kiosk(&kiosk(), &id, &sealed, true, Some(checkin)).unwrap();
        store.submit_kiosk(&kiosk(), &id, &sealed, true, Some(checkin)).unwrap();
        assert!(matches!(store.list_kiosk_submissions(&kiosk()), Err(StoreError::Denied { .. })));
        assert!(matches!(store.open_kiosk_submission(&kiosk(), &id), Err(StoreError::Denied { .. })));
        let other = RecordId::random();
        let again = seal(&store, &intake(other, &[]));
        assert!(store.submit_kiosk(&kiosk(), &other, &again, false, Some(checkin)).is_err(), "a code serves one");
        store.submit_kiosk(&kiosk(), &other, &again, false, None).unwrap();
        let listed = store.list_kiosk_submissions(&ivy).unwrap();
        assert_eq!(listed.len(), 2);
        assert_eq!((listed[0].id, listed[0].critical, listed[0].client), (id, true, Some(client)));
        assert!(!listed[1].critical);
        assert!(matches!(store.claim_submission(&ivy, &id), Err(StoreError::Locked)));
        let ivy = store.login("ivy", &pw("ivy password long enough"), "t").unwrap();
        let (claimed_client, encounter) = store.claim_submission(&ivy, &id).unwrap();
        assert_eq!(claimed_client, client);
        assert_eq!((encounter.origin, encounter.status), (EncounterOrigin::Kiosk, EncounterStatus::InProgress));
        assert_eq!(encounter.instruments, ["phq9", "gad7"]);
        let detail = store.encounter(&ivy, &encounter.id).unwrap();
        assert_eq!(detail.answers.len(), 9);
        assert_eq!(detail.consents[0].answer, ConsentAnswer::Given);
        assert_eq!(detail.crisis_actions[0].flags, ["phq9.suicidal_ideation"]);
        let open = store.open_encounters(&ivy).unwrap();
        assert!(open[0].critical && open[0].encounter.id == encounter.id);
        assert!(matches!(store.claim_submission(&ivy, &id), Err(StoreError::Refused { .. })));
        let listed = store.list_kiosk_submissions(&ivy).unwrap();
        assert_eq!(listed[1].claimed.as_ref().map(|c| c.encounter), Some(encounter.id));
        // Without a check-in, the claim makes a new client.
        let (new_client, _) = store.claim_submission(&ivy, &other).unwrap();
        assert!(store.client(&ivy, &new_client).unwrap().name.starts_with("Kiosk "));
    }

    #[test]
    fn the_exit_pin_is_checked_and_throttled() {
        let (_dir, store, admin) = fresh();
        assert!(matches!(store.verify_kiosk_pin(&kiosk(), &pw("123456")), Err(StoreError::Refused { .. })));
        assert!(matches!(store.set_kiosk_pin(&admin, &pw("12ab")), Err(StoreError::Invalid { .. })));
        store.set_kiosk_pin(&admin, &pw("246810")).unwrap();
        assert!(store.kiosk_info(&kiosk()).unwrap().pin_set);
        assert!(matches!(store.verify_kiosk_pin(&admin, &pw("246810")), Err(StoreError::Denied { .. })));
        store.verify_kiosk_pin(&kiosk(), &pw("246810")).unwrap();
        for _ in 0..auth::THROTTLE_AFTER {
            assert!(matches!(store.verify_kiosk_pin(&kiosk(), &pw("000000")), Err(StoreError::BadCredentials)));
        }
        assert!(matches!(store.verify_kiosk_pin(&kiosk(), &pw("246810")), Err(StoreError::Throttled { .. })));
    }
}
