//! Why an export or an import failed, as data: the CLI words it for the terminal, the staff
//! interface maps it to its own error kinds (worded in the interface's language).

use std::path::PathBuf;

use crate::diagnostic::Diagnostic;

use super::jsonl::LineError;

/// What was being done to a file when it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IoStep {
    Create,
    CreateDirectory,
    Write,
    Encrypt,
    Open,
    ReadRecipients,
}

impl IoStep {
    /// The verb phrase of a message ("cannot create …").
    pub fn as_str(self) -> &'static str {
        match self {
            IoStep::Create => "create",
            IoStep::CreateDirectory => "create the directory",
            IoStep::Write => "write",
            IoStep::Encrypt => "encrypt",
            IoStep::Open => "open",
            IoStep::ReadRecipients => "read the recipients file",
        }
    }
}

/// An export or import failure. `E` is the error of the [`super::ExportSource`] (the owner's
/// refusal or a lost connection), kept as it is so the caller can translate it as it does any.
#[derive(Debug, thiserror::Error)]
pub enum ExportError<E> {
    /// The owner refused a page or a batch, or could not be reached.
    #[error("{0}")]
    Source(E),
    /// A local file could not be created, written or read.
    #[error("cannot {} {}: {error}", step.as_str(), path.display())]
    Io { step: IoStep, path: PathBuf, error: std::io::Error },
    /// An identifiable export was asked for without a reason.
    #[error(
        "an export of identifiable data needs a reason: add `--reason TEXT` (why it is made; kept, sealed, in the audit log), or export a de-identified CSV with `--deidentify`"
    )]
    NeedsReason,
    /// De-identification was asked of a format other than CSV.
    #[error("--deidentify applies to --format csv only")]
    DeidentifyNotCsv,
    /// A recipient key is not one (named by its position).
    #[error("{0}")]
    Recipients(String),
    /// A recipients file holds a bad key (named `file:line:column`).
    #[error("{0}")]
    RecipientsFile(Diagnostic),
    /// A line of an import is not a triage export's header or record.
    #[error("{}: {error}", file.display())]
    ImportLine { file: PathBuf, error: LineError },
    /// A line of an import could not be read.
    #[error("{}: line {line}: {error}", file.display())]
    ImportRead { file: PathBuf, line: usize, error: std::io::Error },
    /// The import file holds no header.
    #[error("{} is empty: expected a triage JSON-lines export", file.display())]
    EmptyImport { file: PathBuf },
}

impl<E> ExportError<E> {
    pub(crate) fn io(step: IoStep, path: &std::path::Path, error: std::io::Error) -> Self {
        ExportError::Io { step, path: path.to_path_buf(), error }
    }
}
