//! Editing a client on the sled store: the changes are merged into the stored record, validated
//! exactly as a new client is, sealed again under the data key and written with one audit entry
//! (`client.update`) whose record names the client id and the fields that changed, never their
//! old or new values. Listing and searching clients: the search is matched here, after
//! decryption, so that the audit entry names exactly the clients a worker was shown.

use super::*;

/// The most clients one search returns (`Store::search_clients`): a worker looking for one
/// person types more of the name rather than reading a long list, and an access names few
/// clients in the audit.
pub const CLIENT_SEARCH_LIMIT: usize = 50;

/// Whether every word of `query` is in the client's name or date of birth, case and accents
/// folded (`sanitize::fold`: "elodie cote" finds "Élodie Tremblay-Côté"; "1990-04" or "1990"
/// finds a date of birth). A query of no words matches everyone; the search asks for at least
/// one.
pub fn client_matches(name: &str, birth_date: Option<&str>, query: &str) -> bool {
    let name = crate::sanitize::fold(name);
    let birth_date = birth_date.unwrap_or_default();
    query.split_whitespace().all(|word| {
        let word = crate::sanitize::fold(word);
        name.contains(word.as_str()) || birth_date.contains(word.as_str())
    })
}

/// Whether a client being added may be `existing` already: the same name once folded, or the
/// same date of birth and a word of the name in common (folded: "Elodie Cote" and
/// "Élodie Tremblay-Côté" born the same day).
pub fn possible_duplicate(name: &str, birth_date: Option<&str>, existing: &Client) -> bool {
    possible_duplicate_of(name, birth_date, &existing.name, existing.birth_date.as_deref())
}

/// [`possible_duplicate`] on an existing client's name and date of birth (as an interface holds
/// them).
pub fn possible_duplicate_of(
    name: &str,
    birth_date: Option<&str>,
    existing_name: &str,
    existing_birth_date: Option<&str>,
) -> bool {
    let (name, other) = (crate::sanitize::fold(name), crate::sanitize::fold(existing_name));
    let words = |text: &str| {
        text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect::<Vec<_>>()
    };
    if words(&name) == words(&other) {
        return true;
    }
    let same_birth = birth_date.is_some() && birth_date == existing_birth_date;
    same_birth && words(&name).iter().any(|w| words(&other).contains(w))
}

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
fn merged(current: &Client, changes: &ClientUpdate) -> Result<NewClient> {
    Ok(NewClient {
        name: changes.name.clone().unwrap_or_else(|| current.name.clone()),
        birth_date: changes.birth_date.clone().unwrap_or_else(|| current.birth_date.clone()),
        province: changes.province.or(current.province).ok_or_else(missing_province)?,
        language: changes.language.unwrap_or(current.language),
        contact: changes.contact.clone().unwrap_or_else(|| current.contact.clone()),
        access_needs: changes.access_needs.clone().unwrap_or_else(|| current.access_needs.clone()),
        populations: changes.populations.clone().unwrap_or_else(|| current.populations.clone()),
        sex_for_scoring: changes.sex_for_scoring.unwrap_or(current.sex_for_scoring),
    })
}

/// A client must have a province or territory (only a de-identified export page blanks it).
pub(super) fn missing_province() -> StoreError {
    StoreError::Invalid {
        field: "province",
        reason: format!("give one of {}", crate::store::records::vocab_codes::province_codes()),
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
            validate_client(&merged(&current, changes)?)?;
        let record = Client {
            schema_version: Kind::Client.current_version(),
            name,
            birth_date,
            province: Some(province),
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

    /// Every readable client, oldest first, and the labels of the damaged ones.
    fn read_clients(&self, key: &DataKey) -> Result<(Vec<Client>, Vec<String>)> {
        let tree = T::Kind(Kind::Client);
        let mut clients = Vec::new();
        let mut damaged = Vec::new();
        let mut last: Option<sled::IVec> = None;
        for item in self.tree(tree).iter() {
            let (k, v) = item.map_err(|e| {
                self.sled_read_err(e, || match &last {
                    Some(last) => format!("the client records after {}", record_label(tree, last)),
                    None => "the first client records".into(),
                })
            })?;
            match self.open_record::<Client>(key, tree, &k, &v) {
                Ok(client) => clients.push(client),
                Err(StoreError::Damaged { kind, id }) | Err(StoreError::NewerSchema { kind, id, .. }) => {
                    damaged.push(format!("{kind} {id}"))
                }
                Err(other) => return Err(other),
            }
            last = Some(k);
        }
        clients.sort_by_key(|c| c.created_ms);
        Ok((clients, damaged))
    }

    /// [`Store::list_clients`]: audited once the list is known, naming every client returned;
    /// nothing is returned unless the entry is written.
    pub(super) fn list_client_records(&self, actor: &Actor) -> Result<(Vec<Client>, Vec<String>)> {
        self.authorize(actor, Operation::ListClients, None, None)?;
        let key = self.key()?;
        let (clients, damaged) = self.read_clients(&key)?;
        let shown = clients.iter().map(|c| c.id).collect();
        self.commit_showing(actor, "client.list", None, None, shown, None, Outcome::Allowed, Vec::new())?;
        Ok((clients, damaged))
    }

    /// [`Store::search_clients`]: matched after decryption ([`client_matches`]), in memory only,
    /// at most [`CLIENT_SEARCH_LIMIT`] by name, audited (`client.search`) naming exactly the clients returned. The query is
    /// part of a name, so it is never written to the audit log.
    pub(super) fn search_client_records(&self, actor: &Actor, query: &str) -> Result<ClientSearch> {
        let query = clean_text("query", query, SHORT_TEXT)?;
        self.authorize(actor, Operation::ListClients, None, None)?;
        let key = self.key()?;
        // No words match nobody: an empty search is not a list of everyone.
        let (mut found, damaged) =
            if query.split_whitespace().next().is_none() { (Vec::new(), Vec::new()) } else { self.read_clients(&key)? };
        found.retain(|c| client_matches(&c.name, c.birth_date.as_deref(), &query));
        found.sort_by_cached_key(|c| crate::sanitize::fold(&c.name));
        let more = found.len() > CLIENT_SEARCH_LIMIT;
        found.truncate(CLIENT_SEARCH_LIMIT);
        let shown = found.iter().map(|c| c.id).collect();
        self.commit_showing(actor, "client.search", None, None, shown, None, Outcome::Allowed, Vec::new())?;
        Ok(ClientSearch { clients: found, more, damaged })
    }
}

#[cfg(test)]
mod tests {
    use crate::auth::Role;
    use crate::store::Store;
    use crate::store::tests::{fresh, new_client, staff};

    #[test]
    fn a_search_ignores_case_and_accents_and_finds_a_date_of_birth() {
        let (_dir, store, admin) = fresh();
        let intake = staff(&store, &admin, "ivy", Role::Intake);
        let elodie = store.create_client(&intake, &new_client("Élodie Tremblay-Côté")).unwrap();
        let other = crate::store::NewClient { birth_date: Some("1975-12-31".into()), ..new_client("Luc Œuvray") };
        let luc = store.create_client(&intake, &other).unwrap();
        let found = |query: &str| -> Vec<_> {
            store.search_clients(&intake, query).unwrap().clients.iter().map(|c| c.id).collect()
        };
        assert_eq!(found("elodie"), [elodie]);
        assert_eq!(found("COTE"), [elodie]);
        assert_eq!(found("ÉLODIE côte"), [elodie], "accents in the query are folded too");
        assert_eq!(found("oeuvray"), [luc], "œ is found as oe");
        assert_eq!(found("1975-12"), [luc], "by date of birth");
        assert_eq!(found("luc 1975"), [luc], "a name and a year together");
        assert_eq!(found("elodie 1975"), Vec::<crate::store::RecordId>::new(), "every word must match");
    }
}
