//! Clinical records on the sled store: clients, encounters and the records of an encounter
//! (consents, answers, results, decisions, crisis actions, referrals), the staff queue and a
//! client's history. The `Store` operations are functions the one `impl Store` calls; editing,
//! listing and searching clients are in `clients`.

use super::*;

impl SledStore {
    pub(super) fn child_key(&self, encounter: &RecordId) -> Result<Vec<u8>> {
        let seq = self.db.generate_id().map_err(|e| self.sled_err(e))?;
        let mut key = Vec::with_capacity(24);
        key.extend_from_slice(encounter.as_bytes());
        key.extend_from_slice(&seq.to_be_bytes());
        Ok(key)
    }

    pub(super) fn children<R: DeserializeOwned>(
        &self,
        key: &DataKey,
        tree: T,
        encounter: &RecordId,
        damaged: &mut Vec<String>,
    ) -> Result<Vec<R>> {
        let mut out = Vec::new();
        for item in self.tree(tree).scan_prefix(encounter.as_bytes()) {
            let (k, v) = item.map_err(|e| self.sled_err(e))?;
            match self.open_record(key, tree, &k, &v) {
                Ok(record) => out.push(record),
                Err(StoreError::Damaged { kind, id }) | Err(StoreError::NewerSchema { kind, id, .. }) => {
                    damaged.push(format!("{kind} {id}"))
                }
                Err(other) => return Err(other),
            }
        }
        Ok(out)
    }

    pub(super) fn load_encounter(&self, key: &DataKey, id: &RecordId) -> Result<Encounter> {
        let tree = T::Kind(Kind::Encounter);
        let sealed = (self.tree(tree).get(id.as_bytes()).map_err(|e| self.sled_err(e))?)
            .ok_or(StoreError::NotFound { kind: "encounter", id: id.to_string() })?;
        if let Some(encounter) = self.recent().encounter(id, &sealed) {
            return Ok(encounter);
        }
        let encounter: Encounter = self.open_record(key, tree, id.as_bytes(), &sealed)?;
        self.recent().keep_encounter(&sealed, &encounter);
        Ok(encounter)
    }

    pub(super) fn recent(&self) -> MutexGuard<'_, recent::Recent> {
        self.recent.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(super) fn detail(&self, key: &DataKey, encounter: Encounter) -> Result<EncounterDetail> {
        let mut damaged = Vec::new();
        let id = encounter.id;
        Ok(EncounterDetail {
            consents: self.children(key, T::Kind(Kind::Consent), &id, &mut damaged)?,
            answers: self.children(key, T::Kind(Kind::Answer), &id, &mut damaged)?,
            results: self.children(key, T::Kind(Kind::Result), &id, &mut damaged)?,
            decisions: self.children(key, T::Kind(Kind::Decision), &id, &mut damaged)?,
            referrals: self.children(key, T::Kind(Kind::Referral), &id, &mut damaged)?,
            crisis_actions: self.children(key, T::Kind(Kind::CrisisAction), &id, &mut damaged)?,
            encounter,
            damaged,
            version: self.encounter_version(&id)?,
        })
    }

    /// Saves one record belonging to an encounter, with its audit entry.
    pub(super) fn save_child<R: Serialize>(
        &self,
        actor: &Actor,
        operation: Operation,
        kind: Kind,
        encounter_id: &RecordId,
        make: impl FnOnce(RecordId) -> R,
    ) -> Result<R> {
        let encounter_label = encounter_id.to_string();
        self.authorize(actor, operation, Some(encounter_label.clone()), None)?;
        let key = self.key()?;
        let encounter = self.load_encounter(&key, encounter_id)?;
        if encounter.status == EncounterStatus::Closed {
            return Err(StoreError::Refused {
                what: "change a closed encounter",
                reason: format!("encounter {encounter_id} is closed"),
            });
        }
        let record = make(RecordId::random());
        let tree = T::Kind(kind);
        let child = self.child_key(encounter_id)?;
        let value = self.seal_record(&key, tree, &child, &record);
        self.commit(
            actor,
            &format!("{}.create", kind.name()),
            Some(key_label(&child)),
            Some(encounter.client_id),
            Outcome::Allowed,
            vec![Write { tree, key: child, value }],
        )?;
        Ok(record)
    }

    /// For the durability test harness: every answer of an encounter, in saved order, without
    /// auditing (the harness opens the store directly, never through the owner).
    pub fn answers_unaudited(&self, encounter: &RecordId) -> Result<(Vec<Answer>, Vec<String>)> {
        let key = self.key()?;
        let mut damaged = Vec::new();
        let answers = self.children(&key, T::Kind(Kind::Answer), encounter, &mut damaged)?;
        Ok((answers, damaged))
    }
}

pub(super) fn create_client(store: &SledStore, actor: &Actor, client: &NewClient) -> Result<RecordId> {
    store.authorize(actor, Operation::CreateClient, None, None)?;
    let key = store.key()?;
    let input = validate_client(client)?;
    let id = RecordId::random();
    let record = Client {
        schema_version: 1,
        id,
        name: input.name,
        birth_date: input.birth_date,
        province: Some(input.province),
        language: input.language,
        contact: input.contact,
        access_needs: input.access_needs,
        populations: input.populations,
        sex_for_scoring: input.sex_for_scoring,
        synthetic: false,
        created_ms: now_ms(),
        created_by: actor.user().to_string(),
    };
    let tree = T::Kind(Kind::Client);
    let writes = vec![
        Write { tree, key: id.as_bytes().to_vec(), value: store.seal_record(&key, tree, id.as_bytes(), &record) },
        Write { tree: T::Meta, key: META_REAL_DATA.to_vec(), value: SledStore::meta_value(META_REAL_DATA, &true) },
    ];
    store.commit(actor, "client.create", Some(id.to_string()), Some(id), Outcome::Allowed, writes)?;
    Ok(id)
}

pub(super) fn client(store: &SledStore, actor: &Actor, id: &RecordId) -> Result<Client> {
    store.authorize(actor, Operation::ReadClient, Some(id.to_string()), Some(*id))?;
    let key = store.key()?;
    store.commit(actor, "client.read", Some(id.to_string()), Some(*id), Outcome::Allowed, Vec::new())?;
    store
        .get_sealed(&key, T::Kind(Kind::Client), id.as_bytes())?
        .ok_or(StoreError::NotFound { kind: "client", id: id.to_string() })
}

pub(super) fn start_encounter_with(
    store: &SledStore,
    actor: &Actor,
    client_id: &RecordId,
    origin: EncounterOrigin,
    instruments: &[String],
) -> Result<Encounter> {
    let instruments = instruments
        .iter()
        .map(|i| clean_text("instrument id", i, INSTRUMENT_ID_TEXT))
        .collect::<Result<Vec<String>>>()?;
    store.authorize(actor, Operation::StartEncounter, Some(client_id.to_string()), Some(*client_id))?;
    let key = store.key()?;
    let client: Client = store
        .get_sealed(&key, T::Kind(Kind::Client), client_id.as_bytes())?
        .ok_or(StoreError::NotFound { kind: "client", id: client_id.to_string() })?;
    let now = now_ms();
    let encounter = Encounter {
        scoring: ScoringContext::of_client(&client, &crate::store::date_of_ms(now)),
        outcome: None,
        reopenings: Vec::new(),
        schema_version: Kind::Encounter.current_version(),
        id: RecordId::random(),
        client_id: *client_id,
        origin,
        status: EncounterStatus::InProgress,
        created_ms: now,
        updated_ms: now,
        created_by: actor.user().to_string(),
        instruments,
    };
    let tree = T::Kind(Kind::Encounter);
    let mut index = client_id.as_bytes().to_vec();
    index.extend_from_slice(encounter.id.as_bytes());
    let writes = vec![
        Write {
            tree,
            key: encounter.id.as_bytes().to_vec(),
            value: store.seal_record(&key, tree, encounter.id.as_bytes(), &encounter),
        },
        Write { tree: T::ClientEncounters, key: index, value: Vec::new() },
        SledStore::open_index_write(&encounter),
    ];
    store.commit(
        actor,
        "encounter.create",
        Some(encounter.id.to_string()),
        Some(*client_id),
        Outcome::Allowed,
        writes,
    )?;
    Ok(encounter)
}

pub(super) fn encounter(store: &SledStore, actor: &Actor, id: &RecordId) -> Result<EncounterDetail> {
    store.authorize(actor, Operation::ReadEncounter, Some(id.to_string()), None)?;
    let key = store.key()?;
    let encounter = store.load_encounter(&key, id)?;
    store.commit(
        actor,
        "encounter.read",
        Some(id.to_string()),
        Some(encounter.client_id),
        Outcome::Allowed,
        Vec::new(),
    )?;
    store.detail(&key, encounter)
}

pub(super) fn set_encounter_status(
    store: &SledStore,
    actor: &Actor,
    id: &RecordId,
    status: EncounterStatus,
) -> Result<Encounter> {
    store.authorize(actor, Operation::UpdateEncounterStatus, Some(id.to_string()), None)?;
    let key = store.key()?;
    let mut encounter = store.load_encounter(&key, id)?;
    // Reopening a finished intake takes a clinician and a reason: `reopen_encounter`.
    if encounter.status == EncounterStatus::Closed {
        return Err(StoreError::Refused {
            what: "change a finished intake",
            reason: "a clinician reopens it with a reason".into(),
        });
    }
    if !encounter.status.may_become(status) {
        return Err(StoreError::Refused {
            what: "change the encounter status",
            reason: format!("{:?} cannot become {:?}", encounter.status, status),
        });
    }
    encounter.status = status;
    encounter.updated_ms = now_ms();
    let tree = T::Kind(Kind::Encounter);
    let value = store.seal_record(&key, tree, id.as_bytes(), &encounter);
    store.commit(
        actor,
        "encounter.status",
        Some(id.to_string()),
        Some(encounter.client_id),
        Outcome::Allowed,
        vec![Write { tree, key: id.as_bytes().to_vec(), value }, SledStore::open_index_write(&encounter)],
    )?;
    Ok(encounter)
}

pub(super) fn record_consent(
    store: &SledStore,
    actor: &Actor,
    encounter: &RecordId,
    version: &str,
    answer: ConsentAnswer,
) -> Result<ConsentRecord> {
    let version = clean_text("consent version", version, ID_TEXT)?;
    store.save_child(actor, Operation::RecordConsent, Kind::Consent, encounter, |id| ConsentRecord {
        schema_version: 1,
        id,
        encounter_id: *encounter,
        version,
        answer,
        recorded_ms: now_ms(),
        recorded_by: actor.user().to_string(),
    })
}

pub(super) fn save_answer(
    store: &SledStore,
    actor: &Actor,
    encounter: &RecordId,
    answer: &NewAnswer,
) -> Result<Answer> {
    validate_instrument(&answer.instrument)?;
    let item_id = clean_text("item id", &answer.item_id, ID_TEXT)?;
    let free_text = answer.free_text.as_deref().map(|t| clean_text("free text", t, LONG_TEXT)).transpose()?;
    store.save_child(actor, Operation::SaveAnswer, Kind::Answer, encounter, |id| Answer {
        schema_version: Kind::Answer.current_version(),
        id,
        encounter_id: *encounter,
        instrument: answer.instrument.clone(),
        item_id,
        position: answer.position,
        score: answer.score,
        free_text,
        answered_ms: now_ms(),
        recorded_by: actor.user().to_string(),
    })
}

pub(super) fn save_result(
    store: &SledStore,
    actor: &Actor,
    encounter: &RecordId,
    result: &NewResult,
) -> Result<ResultRecord> {
    validate_instrument(&result.instrument)?;
    let band = clean_text("band", &result.band, SHORT_TEXT)?;
    store.save_child(actor, Operation::SaveResult, Kind::Result, encounter, |id| ResultRecord {
        schema_version: 1,
        id,
        encounter_id: *encounter,
        instrument: result.instrument.clone(),
        total: result.total,
        subscales: result.subscales.clone(),
        band,
        flags: result.flags.clone(),
        computed_ms: now_ms(),
        recorded_by: actor.user().to_string(),
    })
}

pub(super) fn save_decision(
    store: &SledStore,
    actor: &Actor,
    encounter: &RecordId,
    decision: &NewDecision,
) -> Result<Decision> {
    let overrides = decision.final_level.as_ref().is_some_and(|f| *f != decision.suggested_level);
    if overrides {
        store.authorize(actor, Operation::OverrideDecision, Some(encounter.to_string()), None)?;
        if decision.override_reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
            return Err(StoreError::Invalid {
                field: "override reason",
                reason: "a reason is required when the final level differs from the suggested one".into(),
            });
        }
    }
    let reason =
        decision.override_reason.as_deref().map(|r| clean_text("override reason", r, LONG_TEXT)).transpose()?;
    // Lifting an exclusion is a clinician's decision, with a reason; acute risk is never lifted.
    if !decision.lifted_exclusions.is_empty() {
        store.authorize(actor, Operation::OverrideDecision, Some(encounter.to_string()), None)?;
    }
    let mut lifted = Vec::with_capacity(decision.lifted_exclusions.len());
    for lift in &decision.lifted_exclusions {
        if !lift.is_valid() {
            return Err(StoreError::Invalid {
                field: "lifted exclusion",
                reason: "a lifted exclusion needs a reason, and acute risk cannot be lifted".into(),
            });
        }
        lifted.push(crate::triage::matching::LiftedExclusion {
            resource: clean_text("lifted exclusion", &lift.resource, LABEL_TEXT)?,
            criterion: lift.criterion,
            reason: clean_text("lifted exclusion reason", lift.reason.trim(), REASON_TEXT)?,
        });
    }
    // The new decision names the one it replaces: the encounter's latest, read once the role
    // may record decisions.
    store.authorize(actor, Operation::RecordDecision, Some(encounter.to_string()), None)?;
    let key = store.key()?;
    let mut damaged = Vec::new();
    let earlier: Vec<Decision> = store.children(&key, T::Kind(Kind::Decision), encounter, &mut damaged)?;
    let replaces = earlier.last().map(|d| d.id);
    store.save_child(actor, Operation::RecordDecision, Kind::Decision, encounter, |id| Decision {
        schema_version: 1,
        id,
        encounter_id: *encounter,
        suggested_level: decision.suggested_level.clone(),
        rules_fired: decision.rules_fired.clone(),
        final_level: decision.final_level.clone(),
        override_reason: reason,
        decided_ms: now_ms(),
        decided_by: actor.user().to_string(),
        lifted_exclusions: lifted,
        replaces,
    })
}

pub(super) fn record_crisis_action(
    store: &SledStore,
    actor: &Actor,
    encounter: &RecordId,
    crisis: &NewCrisisAction,
) -> Result<CrisisAction> {
    let action = clean_text("crisis action", &crisis.action, SHORT_TEXT)?;
    // Waiving a follow-up is a clinician's decision, checked like every other operation.
    if action == CRISIS_FOLLOW_UP_WAIVED {
        store.authorize(actor, Operation::WaiveFollowUp, Some(encounter.to_string()), None)?;
    }
    let note = crisis
        .note
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .map(|n| clean_text("note", n, LONG_TEXT))
        .transpose()?;
    // Nothing undoes a risk signal without a recorded reason.
    if note.is_none() && (action == CRISIS_ANSWER_CHANGED || action == CRISIS_FOLLOW_UP_WAIVED) {
        return Err(StoreError::Invalid { field: "note", reason: format!("a reason is required for {action}") });
    }
    let flags = crisis.flags.iter().map(|f| clean_text("flag", f, LABEL_TEXT)).collect::<Result<Vec<String>>>()?;
    store.save_child(actor, Operation::RecordCrisisAction, Kind::CrisisAction, encounter, |id| CrisisAction {
        schema_version: 1,
        id,
        encounter_id: *encounter,
        flags,
        action,
        note,
        recorded_ms: now_ms(),
        recorded_by: actor.user().to_string(),
    })
}

pub(super) fn open_encounters(store: &SledStore, actor: &Actor) -> Result<Vec<OpenEncounter>> {
    store.authorize(actor, Operation::ReadEncounter, None, None)?;
    store.authorize(actor, Operation::ListClients, None, None)?;
    let key = store.key()?;
    // Flagged encounters are the ones with a crisis record (written the moment a flag fires,
    // and by a kiosk claim): their ids are the keys' prefix, no decryption.
    let mut flagged = std::collections::HashSet::new();
    for item in store.tree(T::Kind(Kind::CrisisAction)).iter().keys() {
        let k = item.map_err(|e| store.sled_err(e))?;
        if let Some(id) = k.get(..16).and_then(RecordId::from_slice) {
            flagged.insert(id);
        }
    }
    // Every flagged one, then the most recent: a queue is for work in hand, not an archive.
    // Chosen from the index, so only the listed encounters are decrypted; the tier of a
    // flagged one (critical or urgent) comes from its own few crisis records.
    let mut chosen: Vec<(Tier, i64, RecordId)> = Vec::new();
    for (id, updated) in store.open_encounter_ids(&key)? {
        let tier = if flagged.contains(&id) { store.risk_tier(&key, &id)? } else { Tier::None };
        chosen.push((tier, updated, id));
    }
    chosen.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    let keep = chosen.iter().filter(|(t, _, _)| *t != Tier::None).count().max(OPEN_QUEUE_LIMIT);
    chosen.truncate(keep);
    // Already in queue order: the index holds the same `updated_ms` as the records.
    let tree = T::Kind(Kind::Encounter);
    let mut open = Vec::with_capacity(chosen.len());
    for (tier, _, id) in chosen {
        // A damaged encounter is skipped here; opening it reports the damage by id.
        let Ok(Some(encounter)) = store.get_sealed::<Encounter>(&key, tree, id.as_bytes()) else { continue };
        if !open_index::is_open(encounter.status) {
            continue;
        }
        let client_name = client_name(store, &key, &encounter);
        let (critical, urgent) = (tier == Tier::Critical, tier == Tier::Urgent);
        open.push(OpenEncounter { encounter, client_name, critical, urgent, open_by: None });
    }
    // Audited once the queue is known, naming every client it shows; nothing is returned
    // unless the entry is written.
    let shown = distinct(open.iter().map(|o| o.encounter.client_id));
    store.commit_showing(actor, "encounter.list_open", None, None, shown, None, Outcome::Allowed, Vec::new())?;
    Ok(open)
}

/// The name of an encounter's client for a queue entry, or its id when it cannot be read.
pub(super) fn client_name(store: &SledStore, key: &DataKey, encounter: &Encounter) -> String {
    store
        .get_sealed::<Client>(key, T::Kind(Kind::Client), encounter.client_id.as_bytes())
        .ok()
        .flatten()
        .map_or_else(|| format!("client {}", encounter.client_id), |c| c.name)
}

pub(super) fn save_referral(
    store: &SledStore,
    actor: &Actor,
    encounter: &RecordId,
    referral: &NewReferral,
) -> Result<Referral> {
    let notes = referral.notes.as_deref().map(|n| clean_text("notes", n, LONG_TEXT)).transpose()?;
    // The same picks saved again (the summary saved, then the intake finished as referred) are
    // the referral on record, not a new one; a changed pick names the one it replaces.
    store.authorize(actor, Operation::RecordReferral, Some(encounter.to_string()), None)?;
    let key = store.key()?;
    let mut damaged = Vec::new();
    let earlier: Vec<Referral> = store.children(&key, T::Kind(Kind::Referral), encounter, &mut damaged)?;
    if let Some(latest) = earlier.last().filter(|r| r.resources == referral.resources && r.notes == notes)
        && store.load_encounter(&key, encounter)?.status != EncounterStatus::Closed
    {
        return Ok(latest.clone());
    }
    let replaces = earlier.last().map(|r| r.id);
    store.save_child(actor, Operation::RecordReferral, Kind::Referral, encounter, |id| Referral {
        schema_version: 1,
        id,
        encounter_id: *encounter,
        resources: referral.resources.clone(),
        notes,
        recorded_ms: now_ms(),
        recorded_by: actor.user().to_string(),
        replaces,
    })
}

pub(super) fn client_history(store: &SledStore, actor: &Actor, client_id: &RecordId) -> Result<ClientHistory> {
    store.authorize(actor, Operation::ReadClient, Some(client_id.to_string()), Some(*client_id))?;
    store.authorize(actor, Operation::ReadEncounter, Some(client_id.to_string()), Some(*client_id))?;
    let key = store.key()?;
    store.commit(
        actor,
        "client.history",
        Some(client_id.to_string()),
        Some(*client_id),
        Outcome::Allowed,
        Vec::new(),
    )?;
    let client: Client = store
        .get_sealed(&key, T::Kind(Kind::Client), client_id.as_bytes())?
        .ok_or(StoreError::NotFound { kind: "client", id: client_id.to_string() })?;
    let mut encounters = Vec::new();
    let mut damaged = Vec::new();
    for item in store.tree(T::ClientEncounters).scan_prefix(client_id.as_bytes()) {
        let (k, _) = item.map_err(|e| store.sled_err(e))?;
        let Some(encounter_id) = RecordId::from_slice(&k[16..]) else {
            damaged.push(format!("client_encounters {}", hex::encode(&k)));
            continue;
        };
        match store.load_encounter(&key, &encounter_id) {
            Ok(encounter) => encounters.push(store.detail(&key, encounter)?),
            Err(StoreError::Damaged { kind, id }) | Err(StoreError::NewerSchema { kind, id, .. }) => {
                damaged.push(format!("{kind} {id}"))
            }
            Err(other) => return Err(other),
        }
    }
    encounters.sort_by_key(|e| e.encounter.created_ms);
    Ok(ClientHistory { client, encounters, damaged })
}

/// The ids in their first order, each once.
pub(super) fn distinct(ids: impl Iterator<Item = RecordId>) -> Vec<RecordId> {
    let mut seen = std::collections::HashSet::new();
    ids.filter(|id| seen.insert(*id)).collect()
}
