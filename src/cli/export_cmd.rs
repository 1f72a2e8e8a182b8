//! `triage export` and `triage import` (admin only, audited by the owner): the arguments and
//! what is printed. The owner decrypts and pages the records out; `export::write_export` writes
//! them record by record (constant memory) to files created with mode 0600, and this command
//! shows its progress on standard error when it is a terminal. An export of
//! identifiable data says why (`--reason`, sealed into each page's audit entry by the owner), and
//! may be encrypted to age public keys (`--recipient`, `--recipients-file`).

use std::fs::File;
use std::io::{BufReader, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};

use super::common::{AuthArgs, DirArgs, Failure, Secrets, fail, session};
use crate::export::{self, ExportError, ExportOptions, IoStep, Written};
use crate::sanitize::terminal_text;
use crate::server::client::ClientError;

/// The export's format (`export::Format`, as the command line names it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// JSON lines of every record, decrypted (for migration; `triage import` reads it back).
    Jsonl,
    /// One CSV file per instrument, item level, in the `--out` directory.
    Csv,
    /// A FHIR R4 Bundle (Patient, Questionnaire, QuestionnaireResponse, Observation).
    Fhir,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Export every record (admin; audited). Files are created with mode 0600.
    Export {
        #[arg(long, value_enum)]
        format: Format,
        /// The file to create (a directory for `--format csv`); it must not exist.
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// CSV only: drop identifiers (a per-export pseudonym instead) and shift each client's
        /// dates by their own whole number of days.
        #[arg(long)]
        deidentify: bool,
        /// Why this export is made: required unless `--deidentify`. The owner refuses an
        /// identifiable export without one and keeps it, sealed, in each page's audit entry.
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
        /// Encrypt the export to this age public key (`age1...`; repeatable): each file written
        /// is then an age file that only the holders of the matching secret keys can open.
        #[arg(long, value_name = "AGE_PUBLIC_KEY")]
        recipient: Vec<String>,
        /// Encrypt to the age public keys in this file: one a line, `#` starts a comment.
        #[arg(long, value_name = "PATH")]
        recipients_file: Option<PathBuf>,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// Import a JSON-lines export into this data directory (admin; audited). Ids are kept;
    /// a client or encounter already stored is refused.
    Import {
        /// The `.jsonl` file written by `triage export --format jsonl`.
        file: PathBuf,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
}

pub fn run(command: ExportCommand) -> ExitCode {
    let json = match &command {
        ExportCommand::Export { dir, .. } | ExportCommand::Import { dir, .. } => dir.json,
    };
    match execute(command) {
        Ok((value, human)) => {
            if json {
                println!("{value}");
            } else {
                println!("{human}");
            }
            ExitCode::SUCCESS
        }
        Err(failure) => {
            let message = terminal_text(&failure.message, false);
            if json {
                println!("{}", serde_json::json!({ "error": { "code": failure.code, "message": message } }));
            }
            eprintln!("triage: {message}");
            ExitCode::from(failure.exit)
        }
    }
}

/// An export or import failure as the terminal says it: the owner's code for a refusal, `io`
/// for a local file, `invalid` for a bad option or file.
impl From<ExportError<ClientError>> for Failure {
    fn from(error: ExportError<ClientError>) -> Self {
        let message = error.to_string();
        match error {
            ExportError::Source(error) => Failure::from(error),
            ExportError::Io { .. } => Failure { code: "io", message, exit: 1 },
            ExportError::ImportRead { .. } => fail("io", message),
            ExportError::NeedsReason
            | ExportError::DeidentifyNotCsv
            | ExportError::Recipients(_)
            | ExportError::RecipientsFile(_)
            | ExportError::ImportLine { .. }
            | ExportError::EmptyImport { .. } => fail("invalid", message),
        }
    }
}

impl From<Format> for export::Format {
    fn from(format: Format) -> Self {
        match format {
            Format::Jsonl => export::Format::Jsonl,
            Format::Csv => export::Format::Csv,
            Format::Fhir => export::Format::Fhir,
        }
    }
}

type Outcome = Result<(serde_json::Value, String), Failure>;

fn execute(command: ExportCommand) -> Outcome {
    match command {
        ExportCommand::Export { format, out, deidentify, reason, recipient, recipients_file, dir, auth } => {
            // Checked before any password is read: a missing reason or a bad key is said at once.
            let options =
                ExportOptions::new::<ClientError>(deidentify, reason, &recipient, recipients_file.as_deref())?;
            let mut client = session(&dir, &auth, &mut Secrets::new(auth.password_stdin))?;
            // A line on standard error that counts up, when it is a terminal.
            let terminal = std::io::stderr().is_terminal();
            let mut counted = false;
            let mut progress = |done: u64| {
                if terminal {
                    eprint!("\rexported {done} encounters");
                    counted = true;
                }
            };
            let written = export::write_export(&mut client, format.into(), &out, &options, &mut progress);
            if counted {
                eprintln!();
            }
            let Written { encounters, damaged } = written?;
            let path = terminal_text(&out.display().to_string(), false);
            let mut human = format!("exported {encounters} encounters to {path}");
            let sealed_to = options.recipients.len();
            if sealed_to > 0 {
                let plural = if sealed_to == 1 { "" } else { "s" };
                human.push_str(&format!(" (age-encrypted to {sealed_to} recipient{plural})"));
            }
            if !damaged.is_empty() {
                human
                    .push_str(&format!("\nunreadable records left out: {}", terminal_text(&damaged.join(", "), false)));
            }
            Ok((
                serde_json::json!({ "encounters": encounters, "out": out, "damaged": damaged, "encrypted_to": sealed_to }),
                human,
            ))
        }
        ExportCommand::Import { file, dir, auth } => {
            let reader = File::open(&file).map_err(|e| ExportError::<ClientError>::io(IoStep::Open, &file, e))?;
            let mut client = session(&dir, &auth, &mut Secrets::new(auth.password_stdin))?;
            let summary = export::import(&mut client, BufReader::new(reader), &file)?;
            let human = format!(
                "imported {} clients, {} encounters and {} other records",
                summary.clients, summary.encounters, summary.children
            );
            Ok((serde_json::to_value(&summary).unwrap_or_default(), human))
        }
    }
}
