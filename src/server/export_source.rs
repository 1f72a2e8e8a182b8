//! The socket client as the export writer's source of pages (`export::ExportSource`): each
//! method is the typed client's request of the same name (inherent methods, which `Client::`
//! names before the trait's), so a wrong reply is refused in one place, `typed.rs`.

use super::client::{Client, ClientError};
use crate::export::{ClientPage, Contents, ExportPage, ExportSource, ImportSummary, Record};
use crate::store::RecordId;

impl ExportSource for Client {
    type Error = ClientError;

    fn export_clients(
        &mut self,
        after: Option<RecordId>,
        limit: usize,
        reason: Option<String>,
    ) -> Result<ClientPage, ClientError> {
        Client::export_clients(self, after, limit, reason)
    }

    fn export_encounters(
        &mut self,
        after: Option<RecordId>,
        limit: usize,
        contents: Contents,
        reason: Option<String>,
    ) -> Result<ExportPage, ClientError> {
        Client::export_encounters(self, after, limit, contents, reason)
    }

    fn import_records(&mut self, records: Vec<Record>) -> Result<ImportSummary, ClientError> {
        Client::import_records(self, records)
    }
}
