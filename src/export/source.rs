//! Where an export's pages come from and an import's records go: the owner, through a
//! connection signed in as an administrator. The socket client implements it (in `server`), so
//! the writer here needs nothing of the server layer.

use super::{ClientPage, Contents, ExportPage, ImportSummary, Record};
use crate::store::RecordId;

/// The owner's export and import requests, as the writer asks them.
pub trait ExportSource {
    /// The owner's refusal or a lost connection.
    type Error;

    /// Up to `limit` clients after `after` (`reason`: why, sealed into the page's audit entry).
    fn export_clients(
        &mut self,
        after: Option<RecordId>,
        limit: usize,
        reason: Option<String>,
    ) -> Result<ClientPage, Self::Error>;

    /// Up to `limit` encounters after `after` with `contents` (the owner also ends a page at
    /// 4 MiB of records).
    fn export_encounters(
        &mut self,
        after: Option<RecordId>,
        limit: usize,
        contents: Contents,
        reason: Option<String>,
    ) -> Result<ExportPage, Self::Error>;

    /// Stores one batch of imported records.
    fn import_records(&mut self, records: Vec<Record>) -> Result<ImportSummary, Self::Error>;
}
