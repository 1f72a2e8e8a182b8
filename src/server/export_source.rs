//! The socket client as the export writer's source of pages (`export::ExportSource`).

use super::client::{Client, ClientError};
use super::{Reply, Request};
use crate::export::{ClientPage, Contents, ExportPage, ExportSource, ImportSummary, Record};
use crate::store::RecordId;

fn unexpected(asked: &str) -> ClientError {
    ClientError::Protocol(format!("not the reply to {asked}"))
}

impl ExportSource for Client {
    type Error = ClientError;

    fn export_clients(
        &mut self,
        after: Option<RecordId>,
        limit: usize,
        reason: Option<String>,
    ) -> Result<ClientPage, ClientError> {
        match self.request(Request::ExportClients { after, limit, reason })? {
            Reply::ExportClients(page) => Ok(page),
            _ => Err(unexpected("ExportClients")),
        }
    }

    fn export_encounters(
        &mut self,
        after: Option<RecordId>,
        limit: usize,
        contents: Contents,
        reason: Option<String>,
    ) -> Result<ExportPage, ClientError> {
        match self.request(Request::ExportEncounters { after, limit, contents, reason })? {
            Reply::ExportEncounters(page) => Ok(*page),
            _ => Err(unexpected("ExportEncounters")),
        }
    }

    fn import_records(&mut self, records: Vec<Record>) -> Result<ImportSummary, ClientError> {
        match self.request(Request::ImportRecords { records })? {
            Reply::Imported(summary) => Ok(summary),
            _ => Err(unexpected("ImportRecords")),
        }
    }
}
