//! Editing a client on the sled store: the changes are merged into the stored record, validated
//! exactly as a new client is, sealed again under the data key and written with one audit entry
//! (`client.update`) whose record names the client id and the fields that changed, never their
//! old or new values.

use super::*;

/// The names of the fields that differ between two versions of a client, in form order.
fn changed_fields(before: &Client, after: &Client) -> Vec<String> {
    let mut changed = Vec::new();
    let mut check = |name: &str, differs: bool| {
        if differs {
            changed.push(name.to_string());
        }
    };
    check("name", before.name != after.name);
    check("birth_date", before.birth_date != after.birth_date);
    check("province", before.province != after.province);
    check("language", before.language != after.language);
    check("contact", before.contact != after.contact);
    check("populations", before.populations != after.populations);
    check("access_needs", before.access_needs != after.access_needs);
    check("sex_for_scoring", before.sex_for_scoring != after.sex_for_scoring);
    changed
}

/// The client as it would be with `changes` applied (not yet validated).
fn merged(current: &Client, changes: &ClientUpdate) -> NewClient {
    NewClient {
        name: changes.name.clone().unwrap_or_else(|| current.name.clone()),
        birth_date: changes.birth_date.clone().unwrap_or_else(|| current.birth_date.clone()),
        province: changes.province.clone().unwrap_or_else(|| current.province.clone()),
        language: changes.language.unwrap_or(current.language),
        contact: changes.contact.clone().unwrap_or_else(|| current.contact.clone()),
        access_needs: changes.access_needs.clone().unwrap_or_else(|| current.access_needs.clone()),
        populations: changes.populations.clone().unwrap_or_else(|| current.populations.clone()),
        sex_for_scoring: changes.sex_for_scoring.unwrap_or(current.sex_for_scoring),
    }
}

impl SledStore {
    /// [`Store::update_client`]: policy-checked, validated like a new client, audited with the
    /// changed field names. Nothing is written when nothing changed (the attempt is audited).
    pub(super) fn update_client_record(
        &self,
        actor: &Actor,
        id: &RecordId,
        changes: &ClientUpdate,
    ) -> Result<ClientUpdated> {
        self.authorize(actor, Operation::UpdateClient, Some(id.to_string()), Some(*id))?;
        let key = self.key()?;
        let _serial = self.exclusive_change();
        let tree = T::Kind(Kind::Client);
        let current: Client = self
            .get_sealed(&key, tree, id.as_bytes())?
            .ok_or(StoreError::NotFound { kind: "client", id: id.to_string() })?;
        // Destructured, so a field added to `NewClient` cannot be silently left out of an edit.
        let NewClient { name, birth_date, province, language, contact, access_needs, populations, sex_for_scoring } =
            validate_client(&merged(&current, changes))?;
        let record = Client {
            schema_version: Kind::Client.current_version(),
            name,
            birth_date,
            province,
            language,
            contact,
            access_needs,
            populations,
            sex_for_scoring,
            ..current.clone()
        };
        let changed = changed_fields(&current, &record);
        let (label, writes) = if changed.is_empty() {
            (format!("{id} (no change)"), Vec::new())
        } else {
            let value = self.seal_record(&key, tree, id.as_bytes(), &record);
            (format!("{id} {}", changed.join(",")), vec![Write { tree, key: id.as_bytes().to_vec(), value }])
        };
        self.commit(actor, "client.update", Some(label), Some(*id), Outcome::Allowed, writes)?;
        let readable = auth::allowed(actor.role(), Operation::ReadClient);
        Ok(ClientUpdated { id: *id, changed, client: readable.then_some(record) })
    }
}
