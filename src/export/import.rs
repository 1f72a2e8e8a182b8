//! Reading a JSON-lines export back (`triage import`): line by line, sent to the owner in
//! batches, so memory stays at one batch whatever the file's size.

use std::io::BufRead;
use std::path::Path;

use super::error::ExportError;
use super::{ExportSource, ImportSummary, Record, jsonl};

/// Records per import request.
const IMPORT_BATCH: usize = 1_000;

/// Imports the export `reader` reads (from `file`, which names it in errors) through `source`.
pub fn import<S: ExportSource>(
    source: &mut S,
    reader: impl BufRead,
    file: &Path,
) -> Result<ImportSummary, ExportError<S::Error>> {
    let bad = |error: jsonl::LineError| ExportError::ImportLine { file: file.to_path_buf(), error };
    let mut total = ImportSummary::default();
    let mut batch = Vec::with_capacity(IMPORT_BATCH);
    let mut send = |batch: &mut Vec<Record>, source: &mut S| -> Result<(), ExportError<S::Error>> {
        if batch.is_empty() {
            return Ok(());
        }
        let summary = source.import_records(std::mem::take(batch)).map_err(ExportError::Source)?;
        total.clients += summary.clients;
        total.encounters += summary.encounters;
        total.children += summary.children;
        Ok(())
    };
    let mut saw_header = false;
    for (index, line) in reader.lines().enumerate() {
        let number = index + 1;
        let line = line.map_err(|error| ExportError::ImportRead { file: file.to_path_buf(), line: number, error })?;
        if line.trim().is_empty() {
            continue;
        }
        if !saw_header {
            jsonl::parse_header(&line, number).map_err(bad)?;
            saw_header = true;
            continue;
        }
        batch.push(jsonl::parse_line(&line, number).map_err(bad)?);
        if batch.len() >= IMPORT_BATCH {
            send(&mut batch, source)?;
        }
    }
    if !saw_header {
        return Err(ExportError::EmptyImport { file: file.to_path_buf() });
    }
    send(&mut batch, source)?;
    Ok(total)
}
