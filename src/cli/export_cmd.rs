//! `triage export` and `triage import` (admin only, audited by the owner). The owner decrypts
//! and pages the records out; this process writes them record by record (constant memory) to
//! files created with mode 0600, and shows progress on standard error when it is a terminal.
//! Nothing personal is written anywhere else (no temporary files, no logs). An export of
//! identifiable data says why (`--reason`, sealed into each page's audit entry by the owner), and
//! may be encrypted to age public keys (`--recipient`, `--recipients-file`).

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};

use super::common::{AuthArgs, DirArgs, Failure, Secrets, fail, session};
use crate::export::recipients::{self, Recipient};
use crate::export::{self, Contents, DeidKey, Record, csv, fhir, jsonl};
use crate::instrument::Library;
use crate::sanitize::terminal_text;
use crate::server::client::Client;
use crate::server::{Reply, Request};
use crate::store::{RecordId, now_ms};

/// Encounters per page asked of the owner (which also ends a page at 4 MiB of records).
const PAGE: usize = 500;
/// Records per import request.
const IMPORT_BATCH: usize = 1_000;

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

fn io_fail(what: &str, path: &Path, error: std::io::Error) -> Failure {
    Failure {
        code: "io",
        message: format!("cannot {what} {}: {error}", terminal_text(&path.display().to_string(), false)),
        exit: 1,
    }
}

/// How an export is made: de-identified or not, why, and to whom it is encrypted.
#[derive(Clone, Default)]
pub(crate) struct ExportOptions {
    /// CSV only: pseudonyms and shifted dates; the owner sends de-identified pages.
    pub deidentify: bool,
    /// Why the export is made (required unless `deidentify`): sent with every page.
    pub reason: Option<String>,
    /// When not empty, every file is age-encrypted to each of these keys.
    pub recipients: Vec<Recipient>,
}

impl ExportOptions {
    /// The options, checked before anything is asked of the owner: a reason unless
    /// de-identified, and every recipient key valid (a bad one named by position, or by
    /// `file:line:column` in a recipients file).
    pub(crate) fn new(
        deidentify: bool,
        reason: Option<String>,
        keys: &[String],
        keys_file: Option<&Path>,
    ) -> Result<ExportOptions, Failure> {
        let reason = reason.map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
        if reason.is_none() && !deidentify {
            return Err(fail(
                "invalid",
                "an export of identifiable data needs a reason: add `--reason TEXT` (why it is made; kept, sealed, in the audit log), or export a de-identified CSV with `--deidentify`",
            ));
        }
        let mut recipients = recipients::from_options(keys).map_err(|why| fail("invalid", why))?;
        if let Some(path) = keys_file {
            let text = std::fs::read_to_string(path).map_err(|e| io_fail("read the recipients file", path, e))?;
            let name = terminal_text(&path.display().to_string(), false);
            recipients.extend(recipients::from_file(&name, &text).map_err(|d| fail("invalid", d.to_string()))?);
        }
        let recipients = recipients::checked(recipients).map_err(|why| fail("invalid", why))?;
        Ok(ExportOptions { deidentify, reason, recipients })
    }
}

/// Where an export's bytes go: straight to its file, or through age encryption to its recipients.
enum Sink {
    Plain(BufWriter<File>),
    Sealed(age::stream::StreamWriter<BufWriter<File>>),
}

impl Sink {
    fn new(file: File, recipients: &[Recipient]) -> std::io::Result<Sink> {
        let writer = BufWriter::new(file);
        if recipients.is_empty() {
            return Ok(Sink::Plain(writer));
        }
        let encryptor = age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
            .map_err(std::io::Error::other)?;
        Ok(Sink::Sealed(encryptor.wrap_output(writer)?))
    }

    /// Ends the age stream (its last chunk and tag), giving back the file's writer.
    fn finish(self) -> std::io::Result<BufWriter<File>> {
        match self {
            Sink::Plain(writer) => Ok(writer),
            Sink::Sealed(stream) => stream.finish(),
        }
    }
}

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Plain(writer) => writer.write(bytes),
            Sink::Sealed(stream) => stream.write(bytes),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Plain(writer) => writer.flush(),
            Sink::Sealed(stream) => stream.flush(),
        }
    }
}

/// Creates a new file readable only by its owner, encrypted to `recipients` if any.
fn create_private(path: &Path, recipients: &[Recipient]) -> Result<Sink, Failure> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| io_fail("create", path, e))?;
    Sink::new(file, recipients).map_err(|e| io_fail("encrypt", path, e))
}

/// An export written under a temporary name beside its final one, and given the final name only
/// once complete and synced to disk: an export that fails part-way (a full disk) leaves nothing
/// under the final name, and its temporary file or directory is removed.
struct Staged {
    temp: PathBuf,
    out: PathBuf,
    done: bool,
}

impl Staged {
    fn new(out: &Path) -> Result<Staged, Failure> {
        if std::fs::symlink_metadata(out).is_ok() {
            return Err(io_fail("create", out, std::io::Error::from(std::io::ErrorKind::AlreadyExists)));
        }
        let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "export".into());
        let suffix = hex::encode(crate::store::crypto::random_bytes::<6>());
        let temp = out.with_file_name(format!(".{name}.{suffix}.partial"));
        Ok(Staged { temp, out: out.to_path_buf(), done: false })
    }

    /// A new file, readable only by its owner, encrypted to `recipients` if any.
    fn file(out: &Path, recipients: &[Recipient]) -> Result<(Staged, Sink), Failure> {
        let staged = Staged::new(out)?;
        let writer = create_private(&staged.temp, recipients)?;
        Ok((staged, writer))
    }

    /// A new directory (CSV: one file per instrument), readable only by its owner.
    fn directory(out: &Path) -> Result<Staged, Failure> {
        let staged = Staged::new(out)?;
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&staged.temp)
            .map_err(|e| io_fail("create the directory", out, e))?;
        Ok(staged)
    }

    /// Ends `sink` (an age stream's last chunk), flushes and syncs the file it writes.
    fn sync(&self, sink: Sink) -> Result<(), Failure> {
        let mut writer = sink.finish().map_err(|e| io_fail("write", &self.out, e))?;
        writer.flush().map_err(|e| io_fail("write", &self.out, e))?;
        writer.get_ref().sync_all().map_err(|e| io_fail("write", &self.out, e))
    }

    /// Gives the export its final name (a file by hard link, so nothing that appeared there
    /// meanwhile is replaced; a directory by rename after checking the name is still free).
    fn finish(mut self) -> Result<(), Failure> {
        let is_dir = self.temp.is_dir();
        if is_dir {
            if std::fs::symlink_metadata(&self.out).is_ok() {
                return Err(io_fail("create", &self.out, std::io::Error::from(std::io::ErrorKind::AlreadyExists)));
            }
            std::fs::rename(&self.temp, &self.out).map_err(|e| io_fail("create", &self.out, e))?;
        } else {
            std::fs::hard_link(&self.temp, &self.out).map_err(|e| io_fail("create", &self.out, e))?;
            let _ = std::fs::remove_file(&self.temp);
        }
        self.done = true;
        if let Some(parent) = self.out.parent().filter(|p| !p.as_os_str().is_empty())
            && let Ok(dir) = File::open(parent)
        {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.done {
            if self.temp.is_dir() {
                let _ = std::fs::remove_dir_all(&self.temp);
            } else {
                let _ = std::fs::remove_file(&self.temp);
            }
        }
    }
}

/// Who hears how far an export is.
pub(crate) enum ExportProgress<'a> {
    /// A line on stderr that counts up, when stderr is a terminal (`triage export`).
    Terminal,
    /// The number of encounters written so far, after each page (the staff interface).
    Tell(&'a mut dyn FnMut(u64)),
}

struct Progress<'a> {
    to: ExportProgress<'a>,
    done: u64,
}

impl<'a> Progress<'a> {
    fn new(to: ExportProgress<'a>) -> Self {
        Progress { to, done: 0 }
    }

    fn add(&mut self, n: usize) {
        self.done += n as u64;
        match &mut self.to {
            ExportProgress::Terminal if std::io::stderr().is_terminal() => {
                eprint!("\rexported {} encounters", self.done)
            }
            ExportProgress::Terminal => {}
            ExportProgress::Tell(tell) => tell(self.done),
        }
    }

    fn finish(&self) {
        if matches!(self.to, ExportProgress::Terminal) && std::io::stderr().is_terminal() {
            eprintln!();
        }
    }
}

type Outcome = Result<(serde_json::Value, String), Failure>;

fn execute(command: ExportCommand) -> Outcome {
    match command {
        ExportCommand::Export { format, out, deidentify, reason, recipient, recipients_file, dir, auth } => {
            // Checked before any password is read: a missing reason or a bad key is said at once.
            let options = ExportOptions::new(deidentify, reason, &recipient, recipients_file.as_deref())?;
            let mut client = session(&dir, &auth, &mut Secrets::new(auth.password_stdin))?;
            let (encounters, damaged) = write_export(&mut client, format, &out, &options, ExportProgress::Terminal)?;
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
            let reader = File::open(&file).map_err(|e| io_fail("open", &file, e))?;
            let mut client = session(&dir, &auth, &mut Secrets::new(auth.password_stdin))?;
            let summary = import(&mut client, BufReader::new(reader), &file)?;
            let human = format!(
                "imported {} clients, {} encounters and {} other records",
                summary.clients, summary.encounters, summary.children
            );
            Ok((serde_json::to_value(&summary).unwrap_or_default(), human))
        }
    }
}

/// Writes an export to `out` through a connection logged in as an admin (the CLI's `export` and
/// the staff interface's export screen): returns the encounters written and the unreadable
/// records left out. `progress` says where the count of encounters written goes: standard error
/// when it is a terminal (the CLI), or the staff interface's screen (it owns that terminal).
pub(crate) fn write_export(
    client: &mut Client,
    format: Format,
    out: &Path,
    options: &ExportOptions,
    progress: ExportProgress<'_>,
) -> Result<(u64, Vec<String>), Failure> {
    if options.deidentify && format != Format::Csv {
        return Err(fail("invalid", "--deidentify applies to --format csv only"));
    }
    // Ask once before creating anything, so a refusal (no reason, not an admin) leaves no file.
    let reason = options.reason.clone();
    if options.deidentify {
        let contents = Contents::AnswersDeidentified;
        client.request(Request::ExportEncounters { after: None, limit: 1, contents, reason })?;
    } else {
        client.request(Request::ExportClients { after: None, limit: 1, reason })?;
    }
    let library = Library::shipped();
    let progress = Progress::new(progress);
    match format {
        Format::Jsonl => export_jsonl(client, out, options, progress),
        Format::Csv => export_csv(client, &library, out, options, progress),
        Format::Fhir => export_fhir(client, &library, out, options, progress),
    }
}

/// Pages every encounter out of the owner with `contents`, calling `each` per item. A second
/// thread asks for the next page while this one writes the last, so the owner decrypts while
/// the file is written; at most three pages are held at once (constant memory).
fn for_each_encounter(
    client: &mut Client,
    contents: Contents,
    reason: Option<String>,
    mut progress: Progress<'_>,
    mut each: impl FnMut(&export::ExportItem) -> Result<(), Failure>,
) -> Result<(u64, Vec<String>), Failure> {
    let (pages, received) = std::sync::mpsc::sync_channel::<Result<Box<export::ExportPage>, Failure>>(1);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut after: Option<RecordId> = None;
            loop {
                let request = Request::ExportEncounters { after, limit: PAGE, contents, reason: reason.clone() };
                let page = match client.request(request) {
                    Ok(Reply::ExportEncounters(page)) => Ok(page),
                    Ok(_) => Err(fail("owner", "unexpected reply from the owner")),
                    Err(error) => Err(Failure::from(error)),
                };
                let next = page.as_ref().ok().and_then(|p| p.next);
                // A closed channel means the writer stopped (an error it reports itself).
                if pages.send(page).is_err() {
                    return;
                }
                match next {
                    Some(next) => after = Some(next),
                    None => return,
                }
            }
        });
        let mut damaged = Vec::new();
        for page in received {
            let page = page?;
            for item in &page.items {
                each(item)?;
            }
            damaged.extend(page.damaged.iter().cloned());
            damaged.extend(page.items.iter().flat_map(|i| i.detail.damaged.iter().cloned()));
            progress.add(page.items.len());
        }
        progress.finish();
        Ok((progress.done, damaged))
    })
}

fn for_each_client(
    client: &mut Client,
    reason: &Option<String>,
    mut each: impl FnMut(&crate::store::Client) -> Result<(), Failure>,
) -> Result<Vec<String>, Failure> {
    let mut after = None;
    let mut damaged = Vec::new();
    loop {
        let request = Request::ExportClients { after, limit: PAGE * 4, reason: reason.clone() };
        let Reply::ExportClients(page) = client.request(request)? else {
            return Err(fail("owner", "unexpected reply from the owner"));
        };
        for c in &page.clients {
            each(c)?;
        }
        damaged.extend(page.damaged);
        match page.next {
            Some(next) => after = Some(next),
            None => return Ok(damaged),
        }
    }
}

fn export_jsonl(
    client: &mut Client,
    out: &Path,
    options: &ExportOptions,
    progress: Progress<'_>,
) -> Result<(u64, Vec<String>), Failure> {
    let (staged, mut writer) = Staged::file(out, &options.recipients)?;
    let write = |w: &mut Sink, text: &str| w.write_all(text.as_bytes()).map_err(|e| io_fail("write", out, e));
    write(&mut writer, &jsonl::header_line())?;
    let reason = &options.reason;
    let mut damaged =
        for_each_client(client, reason, |c| write(&mut writer, &jsonl::line(&Record::Client(c.clone()))))?;
    let (count, more) = for_each_encounter(client, Contents::Records, reason.clone(), progress, |item| {
        for record in export::encounter_records(&item.detail) {
            write(&mut writer, &jsonl::line(&record))?;
        }
        Ok(())
    })?;
    damaged.extend(more);
    staged.sync(writer)?;
    staged.finish()?;
    Ok((count, damaged))
}

fn export_csv(
    client: &mut Client,
    library: &Library,
    out: &Path,
    options: &ExportOptions,
    progress: Progress<'_>,
) -> Result<(u64, Vec<String>), Failure> {
    let deid = options.deidentify;
    let staged = Staged::directory(out)?;
    let key = deid.then(|| DeidKey(crate::store::crypto::random_bytes::<32>()));
    let mut files: BTreeMap<String, Sink> = BTreeMap::new();
    let contents = if deid { Contents::AnswersDeidentified } else { Contents::AnswersWithClient };
    // Encrypted, each instrument's file is an age file of its own.
    let suffix = if options.recipients.is_empty() { "csv" } else { "csv.age" };
    let result = for_each_encounter(client, contents, options.reason.clone(), progress, |item| {
        let Some(client) = &item.client else { return Ok(()) };
        for (instrument, row) in csv::rows(library, client, &item.detail, key.as_ref()) {
            let path = staged.temp.join(format!("{instrument}.{suffix}"));
            let writer = match files.entry(instrument.clone()) {
                std::collections::btree_map::Entry::Occupied(entry) => entry.into_mut(),
                std::collections::btree_map::Entry::Vacant(entry) => {
                    let mut writer = create_private(&path, &options.recipients)?;
                    let Some(definition) = library.get(&instrument) else { continue };
                    writer
                        .write_all(csv::header(definition, deid).as_bytes())
                        .map_err(|e| io_fail("write", &path, e))?;
                    entry.insert(writer)
                }
            };
            writer.write_all(row.as_bytes()).map_err(|e| io_fail("write", &path, e))?;
        }
        Ok(())
    })?;
    for (_, writer) in files {
        staged.sync(writer)?;
    }
    staged.finish()?;
    Ok(result)
}

fn export_fhir(
    client: &mut Client,
    library: &Library,
    out: &Path,
    options: &ExportOptions,
    progress: Progress<'_>,
) -> Result<(u64, Vec<String>), Failure> {
    let (staged, mut writer) = Staged::file(out, &options.recipients)?;
    let write = |w: &mut Sink, text: &str| w.write_all(text.as_bytes()).map_err(|e| io_fail("write", out, e));
    let now = now_ms();
    write(&mut writer, &fhir::bundle_start(&export::uuid_for(&format!("bundle:{now}")), now))?;
    let mut first = true;
    let mut damaged = for_each_client(client, &options.reason, |c| {
        let text = fhir::entry(&fhir::patient(c), first);
        first = false;
        write(&mut writer, &text)
    })?;
    let mut used: BTreeSet<(String, String)> = BTreeSet::new();
    let (count, more) = for_each_encounter(client, Contents::Answers, options.reason.clone(), progress, |item| {
        for (instrument, resources) in fhir::encounter_resources(library, &item.detail) {
            used.insert((instrument.id.clone(), instrument.version.clone()));
            for resource in &resources {
                let text = fhir::entry(resource, first);
                first = false;
                write(&mut writer, &text)?;
            }
        }
        Ok(())
    })?;
    damaged.extend(more);
    for (id, _) in &used {
        if let Some(instrument) = library.get(id) {
            let text = fhir::entry(&fhir::questionnaire(instrument), first);
            first = false;
            write(&mut writer, &text)?;
        }
    }
    write(&mut writer, fhir::bundle_end())?;
    staged.sync(writer)?;
    staged.finish()?;
    Ok((count, damaged))
}

fn import(client: &mut Client, reader: impl BufRead, file: &Path) -> Result<export::ImportSummary, Failure> {
    let name = terminal_text(&file.display().to_string(), false);
    let bad = |e: jsonl::LineError| fail("invalid", format!("{name}: {e}"));
    let mut total = export::ImportSummary::default();
    let mut batch = Vec::with_capacity(IMPORT_BATCH);
    let mut send = |batch: &mut Vec<Record>, client: &mut Client| -> Result<(), Failure> {
        if batch.is_empty() {
            return Ok(());
        }
        let Reply::Imported(summary) = client.request(Request::ImportRecords { records: std::mem::take(batch) })?
        else {
            return Err(fail("owner", "unexpected reply from the owner"));
        };
        total.clients += summary.clients;
        total.encounters += summary.encounters;
        total.children += summary.children;
        Ok(())
    };
    let mut saw_header = false;
    for (index, line) in reader.lines().enumerate() {
        let number = index + 1;
        let line = line.map_err(|e| fail("io", format!("{name}: line {number}: {e}")))?;
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
            send(&mut batch, client)?;
        }
    }
    if !saw_header {
        return Err(fail("invalid", format!("{name} is empty: expected a triage JSON-lines export")));
    }
    send(&mut batch, client)?;
    Ok(total)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn an_export_that_stops_part_way_leaves_nothing_under_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("export.jsonl");
        {
            let (staged, mut writer) = Staged::file(&out, &[]).unwrap();
            writer.write_all(b"half an export").unwrap();
            drop(writer);
            drop(staged); // an error part-way: never finished
        }
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "nothing left behind: {left:?}");
        // A finished one is complete, synced, and readable by its owner only.
        let (staged, mut writer) = Staged::file(&out, &[]).unwrap();
        writer.write_all(b"a whole export\n").unwrap();
        staged.sync(writer).unwrap();
        staged.finish().unwrap();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "a whole export\n");
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left");
        // An existing name is never replaced.
        assert!(Staged::file(&out, &[]).is_err());
        // Encrypted the same way: under a temporary name until complete, then given its name.
        let identity = age::x25519::Identity::generate();
        let sealed = dir.path().join("export.jsonl.age");
        {
            let (staged, mut writer) = Staged::file(&sealed, &[identity.to_public()]).unwrap();
            writer.write_all(b"half an export").unwrap();
            drop((staged, writer)); // an error part-way
        }
        assert!(!sealed.exists() && std::fs::read_dir(dir.path()).unwrap().count() == 1, "nothing left behind");
        let (staged, mut writer) = Staged::file(&sealed, &[identity.to_public()]).unwrap();
        writer.write_all(b"a whole export\n").unwrap();
        assert!(!sealed.exists(), "not under its name before it is complete");
        staged.sync(writer).unwrap();
        staged.finish().unwrap();
        assert_eq!(std::fs::metadata(&sealed).unwrap().permissions().mode() & 0o777, 0o600);
        let bytes = std::fs::read(&sealed).unwrap();
        assert_eq!(age::decrypt(&identity, &bytes).unwrap(), b"a whole export\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2, "no temporary file left");
        std::fs::remove_file(&sealed).unwrap();
        let csv = dir.path().join("csv");
        let staged = Staged::directory(&csv).unwrap();
        std::fs::write(staged.temp.join("phq9.csv"), "x").unwrap();
        drop(staged);
        assert!(!csv.exists() && std::fs::read_dir(dir.path()).unwrap().count() == 1);
    }
}
