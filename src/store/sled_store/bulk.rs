//! Bulk reads and writes for reports, exports and imports (issue 7). Everything here runs inside
//! the owner: records are decrypted only here, every call is checked against the policy table
//! and audited, and exports are paged so neither side holds the whole store.

use std::ops::Bound;

use super::*;
use crate::export::{ClientPage, ExportItem, ExportPage, ImportSummary, Record};
use crate::instrument::Library;
use crate::report::{Period, ReportBuilder, ServiceReport};

/// The largest page an export may ask for.
pub const MAX_PAGE: usize = 2_000;

fn after_bound(after: &Option<RecordId>) -> (Bound<Vec<u8>>, Bound<Vec<u8>>) {
    match after {
        Some(id) => (Bound::Excluded(id.as_bytes().to_vec()), Bound::Unbounded),
        None => (Bound::Unbounded, Bound::Unbounded),
    }
}

impl SledStore {
    /// Clients in id order after `after` (admin export; audited per page).
    pub fn export_clients(&self, actor: &Actor, after: Option<RecordId>, limit: usize) -> Result<ClientPage> {
        self.authorize(actor, Operation::ExportData, None, None)?;
        let key = self.key()?;
        let tree = T::Kind(Kind::Client);
        let mut page = ClientPage { clients: Vec::new(), next: None, damaged: Vec::new() };
        let limit = limit.clamp(1, MAX_PAGE);
        let mut last = None;
        for item in self.tree(tree).range(after_bound(&after)) {
            let (k, v) = item.map_err(|e| self.sled_err(e))?;
            if page.clients.len() + page.damaged.len() >= limit {
                page.next = last;
                break;
            }
            last = RecordId::from_slice(&k);
            match self.open_record::<Client>(&key, tree, &k, &v) {
                Ok(client) => page.clients.push(client),
                Err(StoreError::Damaged { kind, id }) | Err(StoreError::NewerSchema { kind, id, .. }) => {
                    page.damaged.push(format!("{kind} {id}"))
                }
                Err(other) => return Err(other),
            }
        }
        self.commit(
            actor,
            "export.clients",
            Some(format!("{} clients", page.clients.len())),
            None,
            Outcome::Allowed,
            Vec::new(),
        )?;
        Ok(page)
    }

    /// Encounters in id order after `after`, each with everything stored for it and its client
    /// (admin export; audited per page).
    pub fn export_encounters(&self, actor: &Actor, after: Option<RecordId>, limit: usize) -> Result<ExportPage> {
        self.authorize(actor, Operation::ExportData, None, None)?;
        let key = self.key()?;
        let tree = T::Kind(Kind::Encounter);
        let limit = limit.clamp(1, MAX_PAGE);
        let total = if after.is_none() { Some(self.tree(tree).len() as u64) } else { None };
        let mut page = ExportPage { items: Vec::new(), next: None, total, damaged: Vec::new() };
        let mut last = None;
        for (taken, item) in self.tree(tree).range(after_bound(&after)).enumerate() {
            let (k, v) = item.map_err(|e| self.sled_err(e))?;
            if taken >= limit {
                page.next = last;
                break;
            }
            last = RecordId::from_slice(&k);
            let encounter = match self.open_record::<Encounter>(&key, tree, &k, &v) {
                Ok(encounter) => encounter,
                Err(StoreError::Damaged { kind, id }) | Err(StoreError::NewerSchema { kind, id, .. }) => {
                    page.damaged.push(format!("{kind} {id}"));
                    continue;
                }
                Err(other) => return Err(other),
            };
            let client = match self.get_sealed::<Client>(&key, T::Kind(Kind::Client), encounter.client_id.as_bytes()) {
                Ok(Some(client)) => client,
                Ok(None) => {
                    page.damaged.push(format!("client {} (missing)", encounter.client_id));
                    continue;
                }
                Err(StoreError::Damaged { kind, id }) | Err(StoreError::NewerSchema { kind, id, .. }) => {
                    page.damaged.push(format!("{kind} {id}"));
                    continue;
                }
                Err(other) => return Err(other),
            };
            let detail = self.detail(&key, encounter)?;
            page.items.push(ExportItem { client, detail });
        }
        self.commit(
            actor,
            "export.encounters",
            Some(format!("{} encounters", page.items.len())),
            None,
            Outcome::Allowed,
            Vec::new(),
        )?;
        Ok(page)
    }

    /// Writes exported records back with their ids (migration into another data directory).
    /// Refuses a client or encounter whose id is already stored. Children keep their order.
    pub fn import_records(&self, actor: &Actor, records: &[Record]) -> Result<ImportSummary> {
        self.authorize(actor, Operation::ImportData, None, None)?;
        let key = self.key()?;
        let mut writes = Vec::with_capacity(records.len() + 1);
        let mut summary = ImportSummary::default();
        let mut real = false;
        let exists = |tree: T, id: &RecordId| self.tree(tree).contains_key(id.as_bytes()).map_err(|e| self.sled_err(e));
        for record in records {
            match record {
                Record::Client(client) => {
                    let tree = T::Kind(Kind::Client);
                    if exists(tree, &client.id)? {
                        return Err(StoreError::Refused {
                            what: "import the records",
                            reason: format!("client {} is already stored", client.id),
                        });
                    }
                    real |= !client.synthetic;
                    let value = self.seal_record(&key, tree, client.id.as_bytes(), client);
                    writes.push(Write { tree, key: client.id.as_bytes().to_vec(), value });
                    summary.clients += 1;
                }
                Record::Encounter(encounter) => {
                    let tree = T::Kind(Kind::Encounter);
                    if exists(tree, &encounter.id)? {
                        return Err(StoreError::Refused {
                            what: "import the records",
                            reason: format!("encounter {} is already stored", encounter.id),
                        });
                    }
                    let value = self.seal_record(&key, tree, encounter.id.as_bytes(), encounter);
                    writes.push(Write { tree, key: encounter.id.as_bytes().to_vec(), value });
                    let mut index = encounter.client_id.as_bytes().to_vec();
                    index.extend_from_slice(encounter.id.as_bytes());
                    writes.push(Write { tree: T::ClientEncounters, key: index, value: Vec::new() });
                    summary.encounters += 1;
                }
                Record::Consent(r) => writes.push(self.import_child(&key, Kind::Consent, &r.encounter_id, r)?),
                Record::Answer(r) => writes.push(self.import_child(&key, Kind::Answer, &r.encounter_id, r)?),
                Record::Result(r) => writes.push(self.import_child(&key, Kind::Result, &r.encounter_id, r)?),
                Record::Decision(r) => writes.push(self.import_child(&key, Kind::Decision, &r.encounter_id, r)?),
                Record::Referral(r) => writes.push(self.import_child(&key, Kind::Referral, &r.encounter_id, r)?),
                Record::CrisisAction(r) => {
                    writes.push(self.import_child(&key, Kind::CrisisAction, &r.encounter_id, r)?)
                }
            }
            if !matches!(record, Record::Client(_) | Record::Encounter(_)) {
                summary.children += 1;
            }
        }
        if real {
            writes.push(Write {
                tree: T::Meta,
                key: META_REAL_DATA.to_vec(),
                value: Self::meta_value(META_REAL_DATA, &true),
            });
        }
        self.commit(actor, "import.batch", Some(format!("{} records", records.len())), None, Outcome::Allowed, writes)?;
        Ok(summary)
    }

    fn import_child<R: Serialize>(&self, key: &DataKey, kind: Kind, encounter: &RecordId, record: &R) -> Result<Write> {
        let tree = T::Kind(kind);
        let child = self.child_key(encounter)?;
        let value = self.seal_record(key, tree, &child, record);
        Ok(Write { tree, key: child, value })
    }

    /// The service report over every encounter (clinician or admin; audited; aggregate only).
    pub fn service_report(&self, actor: &Actor, library: &Library, period: Period) -> Result<ServiceReport> {
        self.authorize(actor, Operation::ReadReports, None, None)?;
        let key = self.key()?;
        let mut builder = ReportBuilder::new(library, period);
        let submissions = T::Kind(Kind::Submission);
        for item in self.tree(submissions).iter() {
            let (k, v) = item.map_err(|e| self.sled_err(e))?;
            // Submission metadata holds no personal data; a damaged one only loses its timing.
            if let Ok(stored) = Self::decode_plain::<StoredSubmission>(submissions, &k, "record", &v)
                && let Some(claim) = stored.claimed
            {
                builder.kiosk_received(claim.encounter, stored.received_ms);
            }
        }
        let tree = T::Kind(Kind::Encounter);
        for item in self.tree(tree).iter() {
            let (k, v) = item.map_err(|e| self.sled_err(e))?;
            match self.open_record::<Encounter>(&key, tree, &k, &v) {
                Ok(encounter) => builder.add(&self.detail(&key, encounter)?),
                Err(StoreError::Damaged { kind, id }) | Err(StoreError::NewerSchema { kind, id, .. }) => {
                    builder.damaged([format!("{kind} {id}")])
                }
                Err(other) => return Err(other),
            }
        }
        let label = match (period.from_ms, period.to_ms) {
            (None, None) => "all time".to_string(),
            (from, to) => format!(
                "{} to {}",
                from.map(super::super::format_time).unwrap_or_default(),
                to.map(super::super::format_time).unwrap_or_default()
            ),
        };
        self.commit(actor, "report.service", Some(label), None, Outcome::Allowed, Vec::new())?;
        Ok(builder.finish())
    }
}
