//! Bulk reads and writes for reports, exports and imports (issue 7). Everything here runs inside
//! the owner: records are decrypted only here, every call is checked against the policy table
//! and audited, and exports are paged so neither side holds the whole store.

use std::ops::Bound;

use super::*;
use crate::store::format_time;
use crate::store::pages::{ClientPage, Contents, ExportItem, ExportPage, ImportSummary, Record};
use crate::store::summary::{self, SummaryTally};

/// The largest page an export may ask for.
pub const MAX_PAGE: usize = 2_000;
/// A page ends once its stored records reach this many bytes, far below the frame limit.
const PAGE_BYTES: usize = 4 * 1024 * 1024;
/// Summaries handed from the reading thread to the adding one at a time.
const REPORT_BATCH: usize = 1_024;

/// Summaries as the report's reading thread hands them on: their plaintexts in one buffer
/// (zeroized when dropped; one allocation per batch, freed by the other thread), and each key
/// with its range in it, or `None` if it did not decrypt.
struct Decrypted {
    plain: zeroize::Zeroizing<Vec<u8>>,
    entries: Vec<(sled::IVec, Option<std::ops::Range<usize>>)>,
}

impl Decrypted {
    fn new() -> Self {
        Decrypted {
            plain: zeroize::Zeroizing::new(Vec::with_capacity(REPORT_BATCH * 512)),
            entries: Vec::with_capacity(REPORT_BATCH),
        }
    }

    /// Decrypts one sealed value onto the end of the buffer. The buffer never grows in place (a
    /// reallocation would leave the old copy unzeroized): a larger one takes its content and the
    /// old one is zeroized.
    fn open(&mut self, key: &DataKey, aad: &[u8], value: &[u8]) -> Option<std::ops::Range<usize>> {
        if self.plain.capacity() - self.plain.len() < value.len() {
            let size = (self.plain.len() + value.len()).max(self.plain.capacity() * 2);
            let mut grown = zeroize::Zeroizing::new(Vec::with_capacity(size));
            grown.extend_from_slice(&self.plain);
            self.plain = grown;
        }
        key.open_into(aad, value, &mut self.plain).ok()
    }
}

fn after_bound(after: &Option<RecordId>) -> (Bound<Vec<u8>>, Bound<Vec<u8>>) {
    match after {
        Some(id) => (Bound::Excluded(id.as_bytes().to_vec()), Bound::Unbounded),
        None => (Bound::Unbounded, Bound::Unbounded),
    }
}

/// Walks encounters in id order and the chosen child trees alongside in one pass each (child
/// keys are `encounter id ‖ sequence`, so they sort with their encounter): one sequential scan
/// per tree instead of a prefix scan per encounter and tree. Trees not chosen are not read.
pub(super) struct Walk<'a> {
    store: &'a SledStore,
    key: &'a DataKey,
    encounters: sled::Iter,
    children: Vec<(Kind, std::iter::Peekable<sled::Iter>)>,
    /// Stored bytes of the encounters returned so far.
    pub(super) bytes: usize,
}

/// One encounter from a [`Walk`]: its id, and its detail or the label of the damaged record.
type Walked = (RecordId, std::result::Result<EncounterDetail, String>);

impl<'a> Walk<'a> {
    /// Every child tree.
    pub(super) fn new(store: &'a SledStore, key: &'a DataKey, after: &Option<RecordId>) -> Walk<'a> {
        Walk::of(store, key, after, Contents::All.kinds())
    }

    /// Only the child trees in `kinds` (the detail's other lists stay empty).
    pub(super) fn of(store: &'a SledStore, key: &'a DataKey, after: &Option<RecordId>, kinds: &[Kind]) -> Walk<'a> {
        let children = kinds
            .iter()
            .map(|kind| {
                let start = match after {
                    // Past every child of `after` (sequence numbers are 8 bytes).
                    Some(id) => {
                        let mut bound = id.as_bytes().to_vec();
                        bound.extend_from_slice(&[0xff; 8]);
                        Bound::Excluded(bound)
                    }
                    None => Bound::Unbounded,
                };
                (*kind, store.tree(T::Kind(*kind)).range::<Vec<u8>, _>((start, Bound::Unbounded)).peekable())
            })
            .collect();
        let encounters = store.tree(T::Kind(Kind::Encounter)).range(after_bound(after));
        Walk { store, key, encounters, children, bytes: 0 }
    }

    /// The next encounter: its id, and its detail or the label of the damaged record.
    pub(super) fn next_detail(&mut self) -> Result<Option<Walked>> {
        let Some(item) = self.encounters.next() else { return Ok(None) };
        let (k, v) = item.map_err(|e| self.store.sled_err(e))?;
        let id = RecordId::from_slice(&k).unwrap_or(RecordId([0; 16]));
        self.bytes += v.len();
        let mut damaged = Vec::new();
        let mut raw: Vec<(Kind, Vec<(sled::IVec, sled::IVec)>)> = Vec::with_capacity(self.children.len());
        for (kind, iter) in self.children.iter_mut() {
            let mut mine = Vec::new();
            loop {
                let prefix = match iter.peek() {
                    Some(Ok((ck, _))) => ck.get(..16).map(<[u8]>::to_vec).unwrap_or_default(),
                    Some(Err(_)) => {
                        if let Some(Err(e)) = iter.next() {
                            return Err(self.store.sled_err(e));
                        }
                        continue;
                    }
                    None => break,
                };
                match prefix.as_slice().cmp(k.as_ref()) {
                    // A child of an encounter that is gone: skip it.
                    std::cmp::Ordering::Less => {
                        iter.next();
                    }
                    std::cmp::Ordering::Equal => {
                        if let Some(Ok(pair)) = iter.next() {
                            self.bytes += pair.1.len();
                            mine.push(pair);
                        }
                    }
                    std::cmp::Ordering::Greater => break,
                }
            }
            raw.push((*kind, mine));
        }
        let encounter = match self.store.open_record::<Encounter>(self.key, T::Kind(Kind::Encounter), &k, &v) {
            Ok(encounter) => encounter,
            Err(StoreError::Damaged { kind, id: label }) | Err(StoreError::NewerSchema { kind, id: label, .. }) => {
                return Ok(Some((id, Err(format!("{kind} {label}")))));
            }
            Err(other) => return Err(other),
        };
        fn open_all<R: DeserializeOwned>(
            store: &SledStore,
            key: &DataKey,
            kind: Kind,
            raw: &[(Kind, Vec<(sled::IVec, sled::IVec)>)],
            damaged: &mut Vec<String>,
        ) -> Result<Vec<R>> {
            let Some((_, pairs)) = raw.iter().find(|(k, _)| *k == kind) else { return Ok(Vec::new()) };
            let mut out = Vec::with_capacity(pairs.len());
            for (k, v) in pairs {
                match store.open_record(key, T::Kind(kind), k, v) {
                    Ok(record) => out.push(record),
                    Err(StoreError::Damaged { kind, id }) | Err(StoreError::NewerSchema { kind, id, .. }) => {
                        damaged.push(format!("{kind} {id}"))
                    }
                    Err(other) => return Err(other),
                }
            }
            Ok(out)
        }
        let (store, key) = (self.store, self.key);
        let detail = EncounterDetail {
            consents: open_all(store, key, Kind::Consent, &raw, &mut damaged)?,
            answers: open_all(store, key, Kind::Answer, &raw, &mut damaged)?,
            results: open_all(store, key, Kind::Result, &raw, &mut damaged)?,
            decisions: open_all(store, key, Kind::Decision, &raw, &mut damaged)?,
            referrals: open_all(store, key, Kind::Referral, &raw, &mut damaged)?,
            crisis_actions: open_all(store, key, Kind::CrisisAction, &raw, &mut damaged)?,
            encounter,
            damaged,
            version: 0,
        };
        Ok(Some((id, Ok(detail))))
    }
}

/// What a de-identified export page tells of a client: its opaque id (the CSV replaces it by a
/// pseudonym keyed in the exporting process), its language and sex for scoring, and its age on
/// the day of the encounter as a made-up date of birth (the first of that month, that many years
/// before), so that scoring by age is unchanged. Never its name, contact, date of birth,
/// province, populations, access needs, or who recorded it.
pub(crate) fn deidentified_client(client: &Client, on_ms: i64) -> Client {
    let day: String = format_time(on_ms).chars().take(10).collect();
    let birth_date = client
        .birth_date
        .as_deref()
        .and_then(|birth| crate::instrument::score::age_on(birth, &day))
        .and_then(|age| Some(format!("{:04}-{}-01", day.get(..4)?.parse::<i64>().ok()? - age, day.get(5..7)?)));
    Client {
        name: String::new(),
        birth_date,
        province: None,
        contact: None,
        access_needs: Vec::new(),
        populations: Vec::new(),
        created_ms: 0,
        created_by: String::new(),
        ..client.clone()
    }
}

/// An encounter's detail for a de-identified page: the answers without free text or staff names.
fn deidentified_detail(mut detail: EncounterDetail) -> EncounterDetail {
    detail.encounter.created_by = String::new();
    for answer in &mut detail.answers {
        answer.free_text = None;
        answer.recorded_by = String::new();
    }
    detail
}

impl SledStore {
    /// The reason given for an export page, checked: a page that can identify a person is
    /// refused without one (and the refusal audited), so no client of the socket skips it.
    /// A reason is a short text (`SHORT_TEXT`), without control or direction characters; it is
    /// sealed into the page's audit entry.
    fn export_reason(
        &self,
        actor: &Actor,
        action: &str,
        identifiable: bool,
        reason: Option<&str>,
    ) -> Result<Option<String>> {
        let given = reason.map(str::trim).filter(|r| !r.is_empty());
        match given {
            Some(reason) => clean_text("export reason", reason, SHORT_TEXT).map(Some),
            None if identifiable => {
                self.commit(actor, action, Some("no reason given".into()), None, Outcome::Denied, Vec::new())?;
                Err(StoreError::Invalid {
                    field: "export reason",
                    reason: "an export of identifiable data needs a reason: say why with `--reason TEXT` (it is kept, sealed, in the audit log); only a de-identified CSV export goes without one".into(),
                })
            }
            None => Ok(None),
        }
    }

    /// Clients in id order after `after` (admin export; audited per page, with `reason`, which
    /// it needs: clients are identifiable).
    pub fn export_clients(
        &self,
        actor: &Actor,
        after: Option<RecordId>,
        limit: usize,
        reason: Option<&str>,
    ) -> Result<ClientPage> {
        self.authorize(actor, Operation::ExportData, None, None)?;
        let reason = self.export_reason(actor, "export.clients", true, reason)?;
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
        self.commit_showing(
            actor,
            "export.clients",
            Some(format!("{} clients", page.clients.len())),
            None,
            page.clients.iter().map(|c| c.id).collect(),
            reason.as_deref(),
            Outcome::Allowed,
            Vec::new(),
        )?;
        Ok(page)
    }

    /// Encounters in id order after `after`, each with everything stored for it and its client
    /// (admin export; audited per page with `reason`).
    pub fn export_encounters(
        &self,
        actor: &Actor,
        after: Option<RecordId>,
        limit: usize,
        reason: Option<&str>,
    ) -> Result<ExportPage> {
        self.export_encounters_with(actor, after, limit, Contents::All, reason)
    }

    /// Encounters in id order after `after` with what `contents` asks for (admin export;
    /// audited per page). Only the trees an export needs are read and decrypted. Every page but
    /// a de-identified one (`Contents::identifiable`) needs a `reason`, sealed into its entry.
    pub fn export_encounters_with(
        &self,
        actor: &Actor,
        after: Option<RecordId>,
        limit: usize,
        contents: Contents,
        reason: Option<&str>,
    ) -> Result<ExportPage> {
        self.authorize(actor, Operation::ExportData, None, None)?;
        let reason = self.export_reason(actor, "export.encounters", contents.identifiable(), reason)?;
        let key = self.key()?;
        let limit = limit.clamp(1, MAX_PAGE);
        // No total: sled counts a tree by reading all of it.
        let mut page = ExportPage { items: Vec::new(), next: None, damaged: Vec::new() };
        let mut walk = Walk::of(self, &key, &after, contents.kinds());
        let mut taken = 0;
        let mut last = None;
        loop {
            let full = taken == limit || walk.bytes >= PAGE_BYTES;
            let Some((id, detail)) = walk.next_detail()? else { break };
            if full {
                // `id` starts the next page.
                page.next = last;
                break;
            }
            taken += 1;
            last = Some(id);
            let detail = match detail {
                Ok(detail) => detail,
                Err(label) => {
                    page.damaged.push(label);
                    continue;
                }
            };
            if !contents.client() {
                page.items.push(ExportItem { client: None, detail });
                continue;
            }
            let client_id = detail.encounter.client_id;
            match self.get_sealed::<Client>(&key, T::Kind(Kind::Client), client_id.as_bytes()) {
                Ok(Some(client)) if !contents.identifiable() => {
                    let client = deidentified_client(&client, detail.encounter.created_ms);
                    page.items.push(ExportItem { client: Some(client), detail: deidentified_detail(detail) })
                }
                Ok(Some(client)) => page.items.push(ExportItem { client: Some(client), detail }),
                Ok(None) => page.damaged.push(format!("client {client_id} (missing)")),
                Err(StoreError::Damaged { kind, id }) | Err(StoreError::NewerSchema { kind, id, .. }) => {
                    page.damaged.push(format!("{kind} {id}"))
                }
                Err(other) => return Err(other),
            }
        }
        self.commit_showing(
            actor,
            "export.encounters",
            Some(format!(
                "{} encounters{}",
                page.items.len(),
                if contents.identifiable() { "" } else { " (de-identified)" }
            )),
            None,
            super::distinct(page.items.iter().map(|item| item.detail.encounter.client_id)),
            reason.as_deref(),
            Outcome::Allowed,
            Vec::new(),
        )?;
        Ok(page)
    }

    /// Writes exported records back with their ids (migration into another data directory).
    /// Refuses a client or encounter whose id is already stored, and any record that fails the
    /// checks a new one of its kind gets (`import_check`). Children keep their order; every
    /// record names the importing account as its author.
    pub fn import_records(&self, actor: &Actor, records: &[Record]) -> Result<ImportSummary> {
        self.authorize(actor, Operation::ImportData, None, None)?;
        let key = self.key()?;
        let mut writes = Vec::with_capacity(records.len() + 1);
        let mut summary = ImportSummary::default();
        let mut real = false;
        let exists = |tree: T, id: &RecordId| self.tree(tree).contains_key(id.as_bytes()).map_err(|e| self.sled_err(e));
        for record in records {
            // The checks a new record of its kind gets, and the importer as its author.
            let record = &super::import_check::checked(actor, record)?;
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
                    writes.push(Self::open_index_write(encounter));
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
        let moved = super::distinct(records.iter().filter_map(|record| match record {
            Record::Client(client) => Some(client.id),
            Record::Encounter(encounter) => Some(encounter.client_id),
            _ => None,
        }));
        self.commit_showing(
            actor,
            "import.batch",
            Some(format!("{} records", records.len())),
            None,
            moved,
            None,
            Outcome::Allowed,
            writes,
        )?;
        Ok(summary)
    }

    fn import_child<R: Serialize>(&self, key: &DataKey, kind: Kind, encounter: &RecordId, record: &R) -> Result<Write> {
        let tree = T::Kind(kind);
        let child = self.child_key(encounter)?;
        let value = self.seal_record(key, tree, &child, record);
        Ok(Write { tree, key: child, value })
    }

    /// Hands every encounter's summary to `builder`, for the service report over its period
    /// (clinician or admin; audited; aggregate only): `report::stored_service_report` builds the
    /// report with this.
    pub fn tally_summaries(&self, actor: &Actor, builder: &mut dyn SummaryTally) -> Result<()> {
        self.authorize(actor, Operation::ReadReports, None, None)?;
        let key = self.key()?;
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
        // One summary per encounter, kept with its records (see `summary`). A second thread
        // reads, decrypts and decodes them while this one adds them up.
        self.ensure_summaries(&key)?;
        let (batches, received) = std::sync::mpsc::sync_channel::<Result<Decrypted>>(4);
        let reading = &key;
        std::thread::scope(|scope| {
            // The sender moves into the reading thread, so the adding loop ends when it does.
            scope.spawn(move || {
                let key = reading;
                let mut batch = Decrypted::new();
                let mut aad = Vec::new();
                for item in self.tree(T::Summary).iter() {
                    let (k, v) = match item {
                        Ok(pair) => pair,
                        Err(error) => {
                            let _ = batches.send(Err(self.sled_err(error)));
                            return;
                        }
                    };
                    aad_into(&mut aad, T::Summary, &k, "record");
                    let range = batch.open(key, &aad, &v);
                    batch.entries.push((k, range));
                    // A closed channel means the adding side stopped on an error of its own.
                    if batch.entries.len() == REPORT_BATCH
                        && batches.send(Ok(std::mem::replace(&mut batch, Decrypted::new()))).is_err()
                    {
                        return;
                    }
                }
                let _ = batches.send(Ok(batch));
            });
            for batch in received {
                let batch = batch?;
                for (k, range) in &batch.entries {
                    let plain = range.clone().and_then(|r| batch.plain.get(r));
                    match plain.and_then(|plain| summary::decode(k, plain)) {
                        Some(summary) => builder.add_summary(&summary),
                        // Unreadable: count the encounter from its records, naming damaged ones.
                        None => match self.get_sealed::<Encounter>(&key, T::Kind(Kind::Encounter), k) {
                            Ok(Some(encounter)) => builder.add(&self.detail(&key, encounter)?),
                            Ok(None) => {}
                            Err(StoreError::Damaged { kind, id }) | Err(StoreError::NewerSchema { kind, id, .. }) => {
                                builder.damaged(vec![format!("{kind} {id}")])
                            }
                            Err(other) => return Err(other),
                        },
                    }
                }
            }
            Ok(())
        })?;
        let label = match builder.period() {
            (None, None) => "all time".to_string(),
            (from, to) => format!(
                "{} to {}",
                from.map(super::super::format_time).unwrap_or_default(),
                to.map(super::super::format_time).unwrap_or_default()
            ),
        };
        self.commit(actor, "report.service", Some(label), None, Outcome::Allowed, Vec::new())?;
        Ok(())
    }
}
