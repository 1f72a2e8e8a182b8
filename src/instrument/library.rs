//! The set of instruments and bundles a service offers, checked across files: duplicate ids,
//! follow-ups and derived forms that point nowhere, and follow-up cycles. A broken file makes only
//! its own instrument unavailable; everything else keeps working.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::load::{LoadedFile, Reference, load_instrument};
use super::model::{Instrument, Lang, Text};
use super::score::{Answers, Context, ScoreResult, score};
use crate::diagnostic::Diagnostic;

/// The files shipped in `questionnaires/`, embedded at build time.
const SHIPPED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/shipped_questionnaires.rs"));

/// Files in `questionnaires/` that are not instruments.
pub const BUNDLES_FILE: &str = "bundles.toml";
/// Read by the triage module, not here.
pub const TRIAGE_RULES_FILE: &str = "triage-rules.toml";

/// A named list of instruments given together (e.g. `adult-core`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bundle {
    pub id: String,
    pub instruments: Vec<String>,
    pub label: Text,
    /// A risk screen asks about suicide directly on every path (checked at load) and may be
    /// given on the kiosk; a bundle that is not is for staff only.
    pub risk_screen: bool,
}

/// When the ASQ is asked (an organisation setting; the store keeps it, the library applies it).
/// NIMH validated the ASQ as a universal screen; PHQ-9 item 9 alone misses people at risk
/// (docs/clinical-safety.md).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum AsqMode {
    /// In every risk-screen bundle, for everyone (staff and kiosk).
    #[default]
    Universal,
    /// Only as PHQ-9 item 9's follow-up (item 9 >= 1).
    #[value(name = "after-phq9-item9")]
    #[serde(rename = "after-phq9-item9")]
    AfterPhq9Item9,
}

impl AsqMode {
    pub fn is_universal(&self) -> bool {
        *self == AsqMode::Universal
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AsqMode::Universal => "universal",
            AsqMode::AfterPhq9Item9 => "after-phq9-item9",
        }
    }
}

/// The ASQ's instrument id.
pub const ASQ: &str = "asq";
/// PHQ-9's instrument id (the ASQ goes right after it in universal mode).
pub const PHQ9: &str = "phq9";

/// A file that could not be used, or that has problems.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileReport {
    pub file: String,
    pub instrument: Option<String>,
    /// True when the file's instrument cannot be offered at all.
    pub unavailable: bool,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Clone, Default)]
pub struct Library {
    instruments: BTreeMap<String, Instrument>,
    bundles: Vec<Bundle>,
    reports: Vec<FileReport>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBundles {
    bundles: Vec<RawBundle>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBundle {
    id: Spanned<String>,
    instruments: Vec<Spanned<String>>,
    label: Spanned<BTreeMap<String, String>>,
    /// Required: a missing key is an error on the bundle.
    risk_screen: Option<Spanned<bool>>,
}

impl Library {
    /// The instruments shipped with triage, or those in `$TRIAGE_QUESTIONNAIRES_DIR` when set.
    pub fn shipped() -> Library {
        match std::env::var_os("TRIAGE_QUESTIONNAIRES_DIR") {
            Some(dir) => Library::load_dir(Path::new(&dir)),
            None => Library::from_sources(SHIPPED.iter().map(|(name, text)| (name.to_string(), text.to_string()))),
        }
    }

    /// The embedded shipped files, as (file name, text).
    pub fn shipped_sources() -> Vec<(String, String)> {
        SHIPPED.iter().map(|(name, text)| (name.to_string(), text.to_string())).collect()
    }

    /// Loads every `*.toml` file in `dir`. An unreadable directory or file is reported, not fatal.
    pub fn load_dir(dir: &Path) -> Library {
        let (sources, mut unreadable) = read_sources(&[dir.to_path_buf()]);
        let mut library = Library::from_sources(sources);
        library.reports.append(&mut unreadable);
        library
    }

    /// Builds a library from (file name, text) pairs. Pure.
    pub fn from_sources(sources: impl IntoIterator<Item = (String, String)>) -> Library {
        let mut sources: Vec<(String, String)> = sources.into_iter().collect();
        sources.sort();
        let mut library = Library::default();
        let mut loaded: Vec<(LoadedFile, String)> = Vec::new();
        let mut bundle_source = None;
        for (file, text) in &sources {
            let name = Path::new(file).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if name == TRIAGE_RULES_FILE {
                continue;
            }
            if name == BUNDLES_FILE {
                bundle_source = Some((file, text));
                continue;
            }
            match load_instrument(file, text) {
                Ok(file_loaded) => {
                    let id = file_loaded.instrument.id.clone();
                    if let Some((_, other)) = loaded.iter().find(|(l, _)| l.instrument.id == id) {
                        library.reports.push(FileReport {
                            file: file.clone(),
                            instrument: Some(id.clone()),
                            unavailable: true,
                            diagnostics: vec![Diagnostic::at_span(
                                file,
                                text,
                                Some(0..0),
                                format!("duplicate instrument id `{id}`: {other} already defines it"),
                            )],
                        });
                    } else {
                        loaded.push((file_loaded, file.clone()));
                    }
                }
                Err(diagnostics) => library.reports.push(FileReport {
                    file: file.clone(),
                    instrument: guess_id(text),
                    unavailable: true,
                    diagnostics,
                }),
            }
        }
        library.cross_check(loaded);
        if let Some((file, text)) = bundle_source {
            library.load_bundles(file, text);
        }
        library
    }

    fn cross_check(&mut self, loaded: Vec<(LoadedFile, String)>) {
        let ids: Vec<String> = loaded.iter().map(|(l, _)| l.instrument.id.clone()).collect();
        let mut problems: BTreeMap<String, (bool, Vec<Diagnostic>)> = BTreeMap::new();
        let by_id: BTreeMap<&str, &Instrument> =
            loaded.iter().map(|(l, _)| (l.instrument.id.as_str(), &l.instrument)).collect();
        for (file, _) in &loaded {
            for reference in &file.references {
                let Some(target) = by_id.get(reference.target.as_str()) else {
                    let known = self.reports.iter().any(|r| r.instrument.as_deref() == Some(reference.target.as_str()));
                    let message = if known {
                        format!(
                            "{} `{}` is unavailable because its own file has errors",
                            reference.what, reference.target
                        )
                    } else {
                        format!(
                            "unknown instrument `{}` in {} (known: {})",
                            reference.target,
                            reference.what,
                            ids.join(", ")
                        )
                    };
                    let entry = problems.entry(file.instrument.id.clone()).or_default();
                    entry.0 |= !known;
                    entry.1.push(located(&reference.location, message));
                    continue;
                };
                if !reference.derived_items.is_empty() {
                    check_derived(&file.instrument, target, reference, &mut problems);
                }
            }
        }
        // Follow-up cycles would make an intake loop; every instrument on a cycle is unavailable.
        for (file, _) in &loaded {
            if let Some(path) = follow_up_cycle(&file.instrument.id, &by_id) {
                let entry = problems.entry(file.instrument.id.clone()).or_default();
                entry.0 = true;
                let location = file.references.iter().find(|r| r.what == "follow-up" && path.get(1) == Some(&r.target));
                let message = format!("follow-up cycle: {}", path.join(" -> "));
                entry.1.push(match location {
                    Some(r) => located(&r.location, message),
                    None => Diagnostic { file: file.instrument.file.clone(), line: 1, column: 1, message },
                });
            }
        }
        for (file, name) in loaded {
            let id = file.instrument.id.clone();
            match problems.remove(&id) {
                Some((unavailable, diagnostics)) => {
                    self.reports.push(FileReport {
                        file: name,
                        instrument: Some(id.clone()),
                        unavailable,
                        diagnostics,
                    });
                    if !unavailable {
                        self.instruments.insert(id, file.instrument);
                    }
                }
                None => {
                    self.instruments.insert(id, file.instrument);
                }
            }
        }
    }

    fn load_bundles(&mut self, file: &str, text: &str) {
        let raw: RawBundles = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(error) => {
                self.reports.push(FileReport {
                    file: file.into(),
                    instrument: None,
                    unavailable: true,
                    diagnostics: vec![Diagnostic::from_toml(file, text, &error)],
                });
                return;
            }
        };
        let mut diagnostics = Vec::new();
        for bundle in raw.bundles {
            let mut ok = true;
            if self.bundles.iter().any(|b| b.id == *bundle.id.get_ref()) {
                diagnostics.push(Diagnostic::at_span(
                    file,
                    text,
                    Some(bundle.id.span()),
                    format!("duplicate bundle id `{}`", bundle.id.get_ref()),
                ));
                ok = false;
            }
            for id in &bundle.instruments {
                if !self.instruments.contains_key(id.get_ref()) {
                    diagnostics.push(Diagnostic::at_span(
                        file,
                        text,
                        Some(id.span()),
                        format!(
                            "bundle `{}`: instrument `{}` is unknown or unavailable",
                            bundle.id.get_ref(),
                            id.get_ref()
                        ),
                    ));
                    ok = false;
                }
            }
            let risk_screen = match &bundle.risk_screen {
                Some(flag) => *flag.get_ref(),
                None => {
                    diagnostics.push(Diagnostic::at_span(
                        file,
                        text,
                        Some(bundle.id.span()),
                        format!(
                            "bundle `{}` must say whether it is a risk screen: `risk_screen = true` (asks about suicide directly; kiosk and staff) or `risk_screen = false` (staff only)",
                            bundle.id.get_ref()
                        ),
                    ));
                    ok = false;
                    false
                }
            };
            // Every path through a risk screen asks directly: an instrument of the bundle's own
            // list (follow-ups are conditional) with an always-asked suicide question.
            if risk_screen
                && ok
                && !bundle
                    .instruments
                    .iter()
                    .filter_map(|id| self.instruments.get(id.get_ref()))
                    .any(Instrument::asks_about_suicide_directly)
            {
                let span = bundle.risk_screen.as_ref().map_or(bundle.id.span(), Spanned::span);
                diagnostics.push(Diagnostic::at_span(
                    file,
                    text,
                    Some(span),
                    format!(
                        "bundle `{}` is a risk screen but can end without a direct suicide question: add an instrument that always asks one (asq, or phq9 for item 9), or set `risk_screen = false` (staff only)",
                        bundle.id.get_ref()
                    ),
                ));
                ok = false;
            }
            let mut label = BTreeMap::new();
            for (key, value) in bundle.label.get_ref() {
                match Lang::parse(key) {
                    Some(lang) => {
                        label.insert(lang, value.clone());
                    }
                    None => diagnostics.push(Diagnostic::at_span(
                        file,
                        text,
                        Some(bundle.label.span()),
                        format!("unknown language `{key}`"),
                    )),
                }
            }
            for lang in Lang::ALL {
                if !label.contains_key(&lang) {
                    diagnostics.push(Diagnostic::at_span(
                        file,
                        text,
                        Some(bundle.label.span()),
                        format!("bundle `{}` needs a `{}` label", bundle.id.get_ref(), lang.code()),
                    ));
                }
            }
            if ok {
                self.bundles.push(Bundle {
                    id: bundle.id.into_inner(),
                    instruments: bundle.instruments.into_iter().map(Spanned::into_inner).collect(),
                    label: Text(label),
                    risk_screen,
                });
            }
        }
        if !diagnostics.is_empty() {
            self.reports.push(FileReport { file: file.into(), instrument: None, unavailable: false, diagnostics });
        }
    }

    pub fn get(&self, id: &str) -> Option<&Instrument> {
        self.instruments.get(id)
    }

    pub fn instruments(&self) -> impl Iterator<Item = &Instrument> {
        self.instruments.values()
    }

    pub fn bundles(&self) -> &[Bundle] {
        &self.bundles
    }

    pub fn bundle(&self, id: &str) -> Option<&Bundle> {
        self.bundles.iter().find(|b| b.id == id)
    }

    /// The instruments an intake flow starts with, for a bundle's list, whether the bundle is a
    /// risk screen and the organisation's `asq_mode`. Universal mode adds the ASQ to a risk
    /// screen (right after PHQ-9 when the bundle has it, otherwise at the end) unless it is
    /// already there or the ASQ is not available here; a PHQ-9 item 9 answer then does not add
    /// it a second time (the flow's queue skips follow-ups already queued or done). After-item-9
    /// mode and staff-only bundles keep the list unchanged. Pure; used by staff and kiosk.
    pub fn screening_instruments(&self, bundle_instruments: &[String], risk_screen: bool, asq: AsqMode) -> Vec<String> {
        let mut list = bundle_instruments.to_vec();
        if asq == AsqMode::Universal && risk_screen && self.get(ASQ).is_some() && !list.iter().any(|i| i == ASQ) {
            match list.iter().position(|i| i == PHQ9) {
                Some(at) => list.insert(at + 1, ASQ.to_string()),
                None => list.push(ASQ.to_string()),
            }
        }
        list
    }

    /// Files with problems (errors; `unavailable` when the instrument cannot be offered).
    pub fn reports(&self) -> &[FileReport] {
        &self.reports
    }

    /// Why an instrument id is not available, if a file tried to define it.
    pub fn unavailable_reason(&self, id: &str) -> Option<&FileReport> {
        self.reports.iter().find(|r| r.unavailable && r.instrument.as_deref() == Some(id))
    }

    /// Scores an instrument with its derived short forms.
    pub fn score(&self, instrument: &Instrument, answers: &Answers, context: &Context) -> ScoreResult {
        let mut result = score(instrument, answers, context);
        let enabled = super::score::enabled_items(instrument, answers);
        for form in &instrument.derived {
            let Some(short) = self.get(&form.instrument) else {
                continue;
            };
            let mut short_answers = vec![None; short.items.len()];
            // Valid only when every mapped item was actually answered (not imputed by a skip).
            let valid = form.items.iter().all(|(own, theirs)| {
                let value = answers
                    .get(*own)
                    .copied()
                    .flatten()
                    .filter(|_| enabled[*own])
                    .and_then(|p| instrument.options_of(*own).get(p))
                    .map(|o| o.value + form.value_offset);
                let target = short.item_index(theirs);
                match (value, target) {
                    (Some(value), Some(target)) => match short.options_of(target).iter().position(|o| o.value == value)
                    {
                        Some(position) => {
                            short_answers[target] = Some(position);
                            true
                        }
                        None => false,
                    },
                    _ => false,
                }
            });
            if valid {
                let mut short_result = score(short, &short_answers, context);
                // The parent is already being given: a short form's "give the full form" is moot.
                short_result.follow_ups.retain(|f| *f != instrument.id);
                result.derived.insert(short.id.clone(), short_result);
            }
        }
        result
    }
}

fn located(location: &Diagnostic, message: String) -> Diagnostic {
    Diagnostic { message, ..location.clone() }
}

/// The short form's items must exist and every value of the parent item (plus the offset) must
/// be a value of the short form's item.
fn check_derived(
    parent: &Instrument,
    short: &Instrument,
    reference: &Reference,
    problems: &mut BTreeMap<String, (bool, Vec<Diagnostic>)>,
) {
    for (own, theirs, location) in &reference.derived_items {
        let message = match short.item_index(theirs) {
            None => Some(format!("`{theirs}` is not an item of `{}`", short.id)),
            Some(target) => {
                let targets: Vec<i64> = short.options_of(target).iter().map(|o| o.value).collect();
                parent
                    .options_of(*own)
                    .iter()
                    .map(|o| o.value + reference.value_offset)
                    .find(|v| !targets.contains(v))
                    .map(|v| {
                        format!(
                            "value {v} of `{}` (after value_offset {}) is not a value of `{}` item `{theirs}`",
                            parent.items[*own].id, reference.value_offset, short.id
                        )
                    })
            }
        };
        if let Some(message) = message {
            let entry = problems.entry(parent.id.clone()).or_default();
            entry.0 = true;
            entry.1.push(located(location, message));
        }
    }
}

/// A follow-up path that returns to `start`, if any.
fn follow_up_cycle(start: &str, by_id: &BTreeMap<&str, &Instrument>) -> Option<Vec<String>> {
    fn visit(current: &str, start: &str, by_id: &BTreeMap<&str, &Instrument>, path: &mut Vec<String>) -> bool {
        let Some(instrument) = by_id.get(current) else {
            return false;
        };
        for next in instrument.follow_up_targets() {
            if next == start {
                path.push(next.to_string());
                return true;
            }
            if path.iter().any(|p| p == next) {
                continue;
            }
            path.push(next.to_string());
            if visit(next, start, by_id, path) {
                return true;
            }
            path.pop();
        }
        false
    }
    let mut path = vec![start.to_string()];
    visit(start, start, by_id, &mut path).then_some(path)
}

fn guess_id(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("id")?.trim_start().strip_prefix('=')?;
        Some(rest.trim().trim_matches('"').to_string())
    })
}

/// Reads `*.toml` files from files and directories; unreadable ones become reports.
pub fn read_sources(paths: &[PathBuf]) -> (Vec<(String, String)>, Vec<FileReport>) {
    let mut sources = Vec::new();
    let mut reports = Vec::new();
    let mut unreadable = |path: &Path, error: std::io::Error| {
        reports.push(FileReport {
            file: path.display().to_string(),
            instrument: None,
            unavailable: true,
            diagnostics: vec![Diagnostic {
                file: path.display().to_string(),
                line: 1,
                column: 1,
                message: format!("cannot read: {error}"),
            }],
        });
    };
    for path in paths {
        if path.is_dir() {
            match std::fs::read_dir(path) {
                Ok(entries) => {
                    let mut files: Vec<PathBuf> = entries
                        .filter_map(Result::ok)
                        .map(|e| e.path())
                        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                        .collect();
                    files.sort();
                    for file in files {
                        match std::fs::read_to_string(&file) {
                            Ok(text) => sources.push((file.display().to_string(), text)),
                            Err(error) => unreadable(&file, error),
                        }
                    }
                }
                Err(error) => unreadable(path, error),
            }
        } else {
            match std::fs::read_to_string(path) {
                Ok(text) => sources.push((path.display().to_string(), text)),
                Err(error) => unreadable(path, error),
            }
        }
    }
    (sources, reports)
}

/// What a check of questionnaire files found (`triage instruments check`, the staff
/// interface's questionnaire check).
#[derive(Debug)]
pub struct CheckOutcome {
    /// How many files were checked.
    pub checked: usize,
    /// Files with problems (only the given files, when some were given).
    pub reports: Vec<FileReport>,
    /// Given paths that could not be read (nothing else was checked then).
    pub unreadable: Vec<FileReport>,
}

/// Checks the questionnaire library (`paths` empty), or the given files and directories in the
/// company of the shipped files (so references resolve), replacing shipped files of the same
/// name. Shared by the CLI and the staff interface's administration screen.
pub fn check_library(paths: &[PathBuf]) -> CheckOutcome {
    let (library, checked_files) = if paths.is_empty() {
        (Library::shipped(), None)
    } else {
        let (given, unreadable) = read_sources(paths);
        if !unreadable.is_empty() {
            return CheckOutcome { checked: 0, reports: Vec::new(), unreadable };
        }
        let names: Vec<String> = given.iter().map(|(f, _)| file_name(f)).collect();
        let mut sources: Vec<(String, String)> =
            Library::shipped_sources().into_iter().filter(|(f, _)| !names.contains(&file_name(f))).collect();
        let given_files: Vec<String> = given.iter().map(|(f, _)| f.clone()).collect();
        sources.extend(given);
        (Library::from_sources(sources), Some(given_files))
    };
    let reports: Vec<FileReport> = library
        .reports()
        .iter()
        .filter(|r| checked_files.as_ref().is_none_or(|files| files.contains(&r.file)))
        .cloned()
        .collect();
    let checked = checked_files.as_ref().map_or(library.instruments().count() + reports.len(), Vec::len);
    CheckOutcome { checked, reports, unreadable: Vec::new() }
}

fn file_name(path: &str) -> String {
    std::path::Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped instruments with `bundles` as the bundles file.
    fn with_bundles(bundles: &str) -> Library {
        let sources = Library::shipped_sources().into_iter().filter(|(name, _)| name != BUNDLES_FILE);
        Library::from_sources(sources.chain([(BUNDLES_FILE.to_string(), bundles.to_string())]))
    }

    fn bundle_diagnostics(library: &Library) -> Vec<Diagnostic> {
        library.reports().iter().filter(|r| r.file == BUNDLES_FILE).flat_map(|r| r.diagnostics.clone()).collect()
    }

    const LABEL: &str = "label = { en = \"Test\", fr = \"Test\" }\n";

    #[test]
    fn a_risk_screen_with_only_a_short_form_or_k10_is_refused_at_its_line_and_column() {
        for instrument in ["phq2", "k10"] {
            let text =
                format!("[[bundles]]\nid = \"t\"\ninstruments = [\"{instrument}\"]\nrisk_screen = true\n{LABEL}");
            let library = with_bundles(&text);
            assert!(library.bundle("t").is_none(), "{instrument}");
            let diagnostics = bundle_diagnostics(&library);
            assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
            assert_eq!((diagnostics[0].line, diagnostics[0].column), (4, 15), "{diagnostics:?}");
            assert!(diagnostics[0].message.contains("without a direct suicide question"));
        }
    }

    #[test]
    fn a_risk_screen_with_the_asq_or_phq9_loads() {
        let text = format!(
            "[[bundles]]\nid = \"a\"\ninstruments = [\"phq2\", \"asq\"]\nrisk_screen = true\n{LABEL}\n[[bundles]]\nid = \"b\"\ninstruments = [\"phq9\"]\nrisk_screen = true\n{LABEL}"
        );
        let library = with_bundles(&text);
        assert!(bundle_diagnostics(&library).is_empty());
        assert!(library.bundle("a").is_some_and(|b| b.risk_screen));
        assert!(library.bundle("b").is_some_and(|b| b.risk_screen));
    }

    #[test]
    fn a_staff_only_bundle_needs_no_suicide_question_and_risk_screen_is_required() {
        let text = format!(
            "[[bundles]]\nid = \"s\"\ninstruments = [\"who5\"]\nrisk_screen = false\n{LABEL}\n[[bundles]]\nid = \"m\"\ninstruments = [\"asq\"]\n{LABEL}"
        );
        let library = with_bundles(&text);
        assert!(library.bundle("s").is_some_and(|b| !b.risk_screen));
        assert!(library.bundle("m").is_none());
        let diagnostics = bundle_diagnostics(&library);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!((diagnostics[0].line, diagnostics[0].column), (8, 6));
        assert!(diagnostics[0].message.contains("risk_screen"));
    }

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn universal_mode_adds_the_asq_after_phq9_or_at_the_end_once() {
        let library = Library::shipped();
        let core = ids(&["phq9", "gad7", "k6"]);
        assert_eq!(library.screening_instruments(&core, true, AsqMode::Universal), ids(&["phq9", "asq", "gad7", "k6"]));
        assert_eq!(library.screening_instruments(&ids(&["k10"]), true, AsqMode::Universal), ids(&["k10", "asq"]));
        let with_asq = ids(&["who5", "asq"]);
        assert_eq!(library.screening_instruments(&with_asq, true, AsqMode::Universal), with_asq);
        assert_eq!(library.screening_instruments(&core, true, AsqMode::AfterPhq9Item9), core);
        assert_eq!(library.screening_instruments(&ids(&["who5"]), false, AsqMode::Universal), ids(&["who5"]));
    }

    #[test]
    fn asq_mode_reads_and_writes_its_setting_names() {
        assert_eq!(AsqMode::default(), AsqMode::Universal);
        for mode in [AsqMode::Universal, AsqMode::AfterPhq9Item9] {
            assert_eq!(serde_json::to_value(mode).ok(), Some(serde_json::json!(mode.as_str())));
        }
    }

    #[test]
    fn every_shipped_bundle_is_a_risk_screen_that_loads() {
        let library = Library::shipped();
        assert!(bundle_diagnostics(&library).is_empty(), "{:?}", bundle_diagnostics(&library));
        let ids: Vec<&str> = library.bundles().iter().filter(|b| b.risk_screen).map(|b| b.id.as_str()).collect();
        assert_eq!(ids, ["adult-core", "adult-brief", "distress", "wellbeing", "youth-core"]);
    }
}
