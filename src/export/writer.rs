//! The export writer (`triage export` and the staff interface's export task): pages the records
//! out of an [`ExportSource`] and writes them record by record (constant memory) to files created
//! with mode 0600, under a temporary name until complete, age-encrypted to the export's
//! recipients if it has any. Nothing personal is written anywhere else (no temporary files in
//! other places, no logs).

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use super::error::{ExportError, IoStep};
use super::recipients::{self, Recipient};
use super::{Contents, DeidKey, ExportItem, ExportSource, Record, csv, fhir, jsonl};
use crate::instrument::Library;
use crate::sanitize::terminal_text;
use crate::store::{RecordId, now_ms};

/// Encounters per page asked of the owner (which also ends a page at 4 MiB of records).
const PAGE: usize = 500;

/// A source the writer can ask for pages on a second thread while it writes.
pub trait Paged: ExportSource<Error: Send> + Send {}
impl<S: ExportSource<Error: Send> + Send> Paged for S {}

/// An export's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON lines of every record, decrypted (for migration; an import reads it back).
    Jsonl,
    /// One CSV file per instrument, item level, in the output directory.
    Csv,
    /// A FHIR R4 Bundle (Patient, Questionnaire, QuestionnaireResponse, Observation).
    Fhir,
}

/// How an export is made: de-identified or not, why, and to whom it is encrypted.
#[derive(Clone, Default)]
pub struct ExportOptions {
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
    pub fn new<E>(
        deidentify: bool,
        reason: Option<String>,
        keys: &[String],
        keys_file: Option<&Path>,
    ) -> Result<ExportOptions, ExportError<E>> {
        let reason = reason.map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
        if reason.is_none() && !deidentify {
            return Err(ExportError::NeedsReason);
        }
        let mut recipients = recipients::from_options(keys).map_err(ExportError::Recipients)?;
        if let Some(path) = keys_file {
            let text = std::fs::read_to_string(path).map_err(|e| ExportError::io(IoStep::ReadRecipients, path, e))?;
            let name = terminal_text(&path.display().to_string(), false);
            recipients.extend(recipients::from_file(&name, &text).map_err(ExportError::RecipientsFile)?);
        }
        let recipients = recipients::checked(recipients).map_err(ExportError::Recipients)?;
        Ok(ExportOptions { deidentify, reason, recipients })
    }
}

/// What an export wrote: the encounters, and the unreadable records it left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    pub encounters: u64,
    pub damaged: Vec<String>,
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
fn create_private<E>(path: &Path, recipients: &[Recipient]) -> Result<Sink, ExportError<E>> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| ExportError::io(IoStep::Create, path, e))?;
    Sink::new(file, recipients).map_err(|e| ExportError::io(IoStep::Encrypt, path, e))
}

fn write_text<E>(sink: &mut Sink, text: &str, path: &Path) -> Result<(), ExportError<E>> {
    sink.write_all(text.as_bytes()).map_err(|e| ExportError::io(IoStep::Write, path, e))
}

/// An export written under a temporary name beside its final one, and given the final name only
/// once complete and synced to disk: an export that fails part-way (a full disk) leaves nothing
/// under the final name, and its temporary file or directory is removed.
struct Staged {
    temp: PathBuf,
    out: PathBuf,
    done: bool,
}

fn exists<E>(out: &Path) -> ExportError<E> {
    ExportError::io(IoStep::Create, out, std::io::Error::from(std::io::ErrorKind::AlreadyExists))
}

impl Staged {
    fn new<E>(out: &Path) -> Result<Staged, ExportError<E>> {
        if std::fs::symlink_metadata(out).is_ok() {
            return Err(exists(out));
        }
        let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "export".into());
        let suffix = hex::encode(crate::store::crypto::random_bytes::<6>());
        let temp = out.with_file_name(format!(".{name}.{suffix}.partial"));
        Ok(Staged { temp, out: out.to_path_buf(), done: false })
    }

    /// A new file, readable only by its owner, encrypted to `recipients` if any.
    fn file<E>(out: &Path, recipients: &[Recipient]) -> Result<(Staged, Sink), ExportError<E>> {
        let staged = Staged::new(out)?;
        let writer = create_private(&staged.temp, recipients)?;
        Ok((staged, writer))
    }

    /// A new directory (CSV: one file per instrument), readable only by its owner.
    fn directory<E>(out: &Path) -> Result<Staged, ExportError<E>> {
        let staged = Staged::new(out)?;
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&staged.temp)
            .map_err(|e| ExportError::io(IoStep::CreateDirectory, out, e))?;
        Ok(staged)
    }

    /// Ends `sink` (an age stream's last chunk), flushes and syncs the file it writes.
    fn sync<E>(&self, sink: Sink) -> Result<(), ExportError<E>> {
        let failed = |e| ExportError::io(IoStep::Write, &self.out, e);
        let mut writer = sink.finish().map_err(failed)?;
        writer.flush().map_err(failed)?;
        writer.get_ref().sync_all().map_err(failed)
    }

    /// Gives the export its final name (a file by hard link, so nothing that appeared there
    /// meanwhile is replaced; a directory by rename after checking the name is still free).
    fn finish<E>(mut self) -> Result<(), ExportError<E>> {
        let failed = |e| ExportError::io(IoStep::Create, &self.out, e);
        if self.temp.is_dir() {
            if std::fs::symlink_metadata(&self.out).is_ok() {
                return Err(exists(&self.out));
            }
            std::fs::rename(&self.temp, &self.out).map_err(failed)?;
        } else {
            std::fs::hard_link(&self.temp, &self.out).map_err(failed)?;
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

/// Writes an export to `out` from `source` (a connection signed in as an admin): returns the
/// encounters written and the unreadable records left out. `progress` hears the number of
/// encounters written so far after each page (the CLI counts on standard error, the staff
/// interface on its screen).
pub fn write_export<S: Paged>(
    source: &mut S,
    format: Format,
    out: &Path,
    options: &ExportOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<Written, ExportError<S::Error>> {
    if options.deidentify && format != Format::Csv {
        return Err(ExportError::DeidentifyNotCsv);
    }
    // Ask once before creating anything, so a refusal (no reason, not an admin) leaves no file.
    let reason = options.reason.clone();
    if options.deidentify {
        source.export_encounters(None, 1, Contents::AnswersDeidentified, reason).map_err(ExportError::Source)?;
    } else {
        source.export_clients(None, 1, reason).map_err(ExportError::Source)?;
    }
    let library = Library::shipped();
    match format {
        Format::Jsonl => export_jsonl(source, out, options, progress),
        Format::Csv => export_csv(source, &library, out, options, progress),
        Format::Fhir => export_fhir(source, &library, out, options, progress),
    }
}

/// Pages every encounter out of the owner with `contents`, calling `each` per item. A second
/// thread asks for the next page while this one writes the last, so the owner decrypts while
/// the file is written; at most three pages are held at once (constant memory).
fn for_each_encounter<S: Paged>(
    source: &mut S,
    contents: Contents,
    reason: Option<String>,
    progress: &mut dyn FnMut(u64),
    mut each: impl FnMut(&ExportItem) -> Result<(), ExportError<S::Error>>,
) -> Result<Written, ExportError<S::Error>> {
    let (pages, received) = std::sync::mpsc::sync_channel::<Result<super::ExportPage, S::Error>>(1);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut after: Option<RecordId> = None;
            loop {
                let page = source.export_encounters(after, PAGE, contents, reason.clone());
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
        let mut written = Written::default();
        for page in received {
            let page = page.map_err(ExportError::Source)?;
            for item in &page.items {
                each(item)?;
            }
            written.damaged.extend(page.damaged.iter().cloned());
            written.damaged.extend(page.items.iter().flat_map(|i| i.detail.damaged.iter().cloned()));
            written.encounters += page.items.len() as u64;
            progress(written.encounters);
        }
        Ok(written)
    })
}

fn for_each_client<S: ExportSource>(
    source: &mut S,
    reason: &Option<String>,
    mut each: impl FnMut(&crate::store::Client) -> Result<(), ExportError<S::Error>>,
) -> Result<Vec<String>, ExportError<S::Error>> {
    let mut after = None;
    let mut damaged = Vec::new();
    loop {
        let page = source.export_clients(after, PAGE * 4, reason.clone()).map_err(ExportError::Source)?;
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

fn export_jsonl<S: Paged>(
    source: &mut S,
    out: &Path,
    options: &ExportOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<Written, ExportError<S::Error>> {
    let (staged, mut writer) = Staged::file(out, &options.recipients)?;
    write_text(&mut writer, &jsonl::header_line(), out)?;
    let reason = &options.reason;
    let damaged =
        for_each_client(source, reason, |c| write_text(&mut writer, &jsonl::line(&Record::Client(c.clone())), out))?;
    let mut written = for_each_encounter(source, Contents::Records, reason.clone(), progress, |item| {
        for record in super::encounter_records(&item.detail) {
            write_text(&mut writer, &jsonl::line(&record), out)?;
        }
        Ok(())
    })?;
    written.damaged.splice(0..0, damaged);
    staged.sync(writer)?;
    staged.finish()?;
    Ok(written)
}

fn export_csv<S: Paged>(
    source: &mut S,
    library: &Library,
    out: &Path,
    options: &ExportOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<Written, ExportError<S::Error>> {
    let deid = options.deidentify;
    let staged = Staged::directory(out)?;
    let key = deid.then(|| DeidKey(crate::store::crypto::random_bytes::<32>()));
    let mut files: BTreeMap<String, Sink> = BTreeMap::new();
    let contents = if deid { Contents::AnswersDeidentified } else { Contents::AnswersWithClient };
    // Encrypted, each instrument's file is an age file of its own.
    let suffix = if options.recipients.is_empty() { "csv" } else { "csv.age" };
    let written = for_each_encounter(source, contents, options.reason.clone(), progress, |item| {
        let Some(client) = &item.client else { return Ok(()) };
        for (instrument, row) in csv::rows(library, client, &item.detail, key.as_ref()) {
            let path = staged.temp.join(format!("{instrument}.{suffix}"));
            let writer = match files.entry(instrument.clone()) {
                std::collections::btree_map::Entry::Occupied(entry) => entry.into_mut(),
                std::collections::btree_map::Entry::Vacant(entry) => {
                    let mut writer = create_private(&path, &options.recipients)?;
                    let Some(definition) = library.get(&instrument) else { continue };
                    write_text(&mut writer, &csv::header(definition, deid), &path)?;
                    entry.insert(writer)
                }
            };
            write_text(writer, &row, &path)?;
        }
        Ok(())
    })?;
    for (_, writer) in files {
        staged.sync(writer)?;
    }
    staged.finish()?;
    Ok(written)
}

fn export_fhir<S: Paged>(
    source: &mut S,
    library: &Library,
    out: &Path,
    options: &ExportOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<Written, ExportError<S::Error>> {
    let (staged, mut writer) = Staged::file(out, &options.recipients)?;
    let now = now_ms();
    write_text(&mut writer, &fhir::bundle_start(&super::uuid_for(&format!("bundle:{now}")), now), out)?;
    let mut first = true;
    let damaged = for_each_client(source, &options.reason, |c| {
        let text = fhir::entry(&fhir::patient(c), first);
        first = false;
        write_text(&mut writer, &text, out)
    })?;
    let mut used: BTreeSet<(String, String)> = BTreeSet::new();
    let mut written = for_each_encounter(source, Contents::Answers, options.reason.clone(), progress, |item| {
        for (instrument, resources) in fhir::encounter_resources(library, &item.detail) {
            used.insert((instrument.id.clone(), instrument.version.clone()));
            for resource in &resources {
                let text = fhir::entry(resource, first);
                first = false;
                write_text(&mut writer, &text, out)?;
            }
        }
        Ok(())
    })?;
    written.damaged.splice(0..0, damaged);
    for (id, _) in &used {
        if let Some(instrument) = library.get(id) {
            let text = fhir::entry(&fhir::questionnaire(instrument), first);
            first = false;
            write_text(&mut writer, &text, out)?;
        }
    }
    write_text(&mut writer, fhir::bundle_end(), out)?;
    staged.sync(writer)?;
    staged.finish()?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    type Error = ExportError<std::convert::Infallible>;

    #[test]
    fn an_export_that_stops_part_way_leaves_nothing_under_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("export.jsonl");
        {
            let (staged, mut writer) = Staged::file::<std::convert::Infallible>(&out, &[]).unwrap();
            writer.write_all(b"half an export").unwrap();
            drop(writer);
            drop(staged); // an error part-way: never finished
        }
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "nothing left behind: {left:?}");
        // A finished one is complete, synced, and readable by its owner only.
        let (staged, mut writer) = Staged::file::<std::convert::Infallible>(&out, &[]).unwrap();
        writer.write_all(b"a whole export\n").unwrap();
        staged.sync::<std::convert::Infallible>(writer).unwrap();
        staged.finish::<std::convert::Infallible>().unwrap();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "a whole export\n");
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left");
        // An existing name is never replaced, and the error says which step failed on which file.
        let refused: Error = Staged::file(&out, &[]).err().unwrap();
        assert!(matches!(&refused, ExportError::Io { step: IoStep::Create, path, error }
            if path == &out && error.kind() == std::io::ErrorKind::AlreadyExists));
        // Encrypted the same way: under a temporary name until complete, then given its name.
        let identity = age::x25519::Identity::generate();
        let sealed = dir.path().join("export.jsonl.age");
        {
            let (staged, mut writer) =
                Staged::file::<std::convert::Infallible>(&sealed, &[identity.to_public()]).unwrap();
            writer.write_all(b"half an export").unwrap();
            drop((staged, writer)); // an error part-way
        }
        assert!(!sealed.exists() && std::fs::read_dir(dir.path()).unwrap().count() == 1, "nothing left behind");
        let (staged, mut writer) = Staged::file::<std::convert::Infallible>(&sealed, &[identity.to_public()]).unwrap();
        writer.write_all(b"a whole export\n").unwrap();
        assert!(!sealed.exists(), "not under its name before it is complete");
        staged.sync::<std::convert::Infallible>(writer).unwrap();
        staged.finish::<std::convert::Infallible>().unwrap();
        assert_eq!(std::fs::metadata(&sealed).unwrap().permissions().mode() & 0o777, 0o600);
        let bytes = std::fs::read(&sealed).unwrap();
        assert_eq!(age::decrypt(&identity, &bytes).unwrap(), b"a whole export\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2, "no temporary file left");
        std::fs::remove_file(&sealed).unwrap();
        let csv = dir.path().join("csv");
        let staged = Staged::directory::<std::convert::Infallible>(&csv).unwrap();
        std::fs::write(staged.temp.join("phq9.csv"), "x").unwrap();
        drop(staged);
        assert!(!csv.exists() && std::fs::read_dir(dir.path()).unwrap().count() == 1);
    }

    #[test]
    fn options_need_a_reason_unless_deidentified_and_name_a_bad_key() {
        assert!(matches!(
            ExportOptions::new::<std::convert::Infallible>(false, Some("  ".into()), &[], None),
            Err(ExportError::NeedsReason)
        ));
        assert!(ExportOptions::new::<std::convert::Infallible>(true, None, &[], None).is_ok());
        let bad =
            ExportOptions::new::<std::convert::Infallible>(false, Some("audit".into()), &["age1nope".into()], None)
                .err()
                .unwrap();
        assert!(matches!(&bad, ExportError::Recipients(why) if why.starts_with("--recipient number 1")), "{bad}");
    }
}
