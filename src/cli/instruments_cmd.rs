//! `triage instruments list|show|check` and `triage score`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::json;

use super::{EXIT_BAD_INPUT, EXIT_CHECK_FAILED};
use crate::instrument::library::read_sources;
use crate::instrument::{Context, FileReport, Instrument, Lang, Library, ScoreResult, Sex, parse_answer_list};
use crate::sanitize::terminal_text;

#[derive(Debug, Subcommand)]
pub enum InstrumentCommand {
    /// List, show or check the questionnaire library.
    #[command(subcommand)]
    Instruments(InstrumentsAction),
    /// Score one instrument from a scripted answer list.
    Score(ScoreArgs),
}

#[derive(Debug, Subcommand)]
pub enum InstrumentsAction {
    /// Every available instrument: id, title, items, languages, licence.
    List {
        #[arg(long)]
        json: bool,
    },
    /// One instrument in full: items, options, scores, bands, flags.
    Show {
        id: String,
        #[arg(long, default_value = "en", value_parser = parse_lang)]
        lang: Lang,
        #[arg(long)]
        json: bool,
    },
    /// Validate the shipped questionnaire files, or the given files and directories.
    Check {
        paths: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Instrument id (phq9, gad7, asq, k10, audit, ...).
    pub id: String,
    /// Comma-separated answers in item order: scored values, y/n for yes/no items, - for not asked.
    #[arg(long, allow_hyphen_values = true)]
    pub answers: String,
    #[arg(long, value_parser = parse_sex)]
    pub sex: Option<Sex>,
    #[arg(long)]
    pub age: Option<u16>,
    /// An alternative cut-off the instrument allows (PC-PTSD-5: 3 or 4).
    #[arg(long)]
    pub cutoff: Option<i64>,
    #[arg(long, default_value = "en", value_parser = parse_lang)]
    pub lang: Lang,
    #[arg(long)]
    pub json: bool,
}

fn parse_lang(text: &str) -> Result<Lang, String> {
    Lang::parse(text).ok_or_else(|| format!("unknown language `{text}`; use en or fr"))
}

fn parse_sex(text: &str) -> Result<Sex, String> {
    Sex::parse(text).ok_or_else(|| format!("unknown sex `{text}`; use female or male"))
}

pub fn run(command: InstrumentCommand) -> ExitCode {
    match command {
        InstrumentCommand::Instruments(InstrumentsAction::List { json }) => list(&Library::shipped(), json),
        InstrumentCommand::Instruments(InstrumentsAction::Show { id, lang, json }) => {
            show(&Library::shipped(), &id, lang, json)
        }
        InstrumentCommand::Instruments(InstrumentsAction::Check { paths, json }) => check(&paths, json),
        InstrumentCommand::Score(args) => score(&Library::shipped(), &args),
    }
}

fn bad_input(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("triage: {message}");
    ExitCode::from(EXIT_BAD_INPUT)
}

fn clean(text: &str) -> String {
    terminal_text(text, false)
}

/// Looks up an instrument, explaining why it is missing or unavailable.
fn find<'a>(library: &'a Library, id: &str) -> Result<&'a Instrument, String> {
    if let Some(instrument) = library.get(id) {
        return Ok(instrument);
    }
    if let Some(report) = library.unavailable_reason(id) {
        let reasons: Vec<String> = report.diagnostics.iter().map(ToString::to_string).collect();
        return Err(format!("instrument `{}` is unavailable: {}", clean(id), reasons.join("; ")));
    }
    let known: Vec<&str> = library.instruments().map(|i| i.id.as_str()).collect();
    Err(format!("unknown instrument `{}`; available: {}", clean(id), known.join(", ")))
}

fn list(library: &Library, json: bool) -> ExitCode {
    if json {
        let rows: Vec<_> = library
            .instruments()
            .map(|i| {
                json!({
                    "id": i.id, "version": i.version, "title": i.title.get(Lang::En),
                    "items": i.items.len(), "languages": i.languages, "licence": i.source.licence,
                })
            })
            .collect();
        println!("{}", json!({ "instruments": rows, "unavailable": unavailable_json(library) }));
    } else {
        println!("{:<9} {:<5} {:<8} {:<46} LICENCE", "ID", "ITEMS", "LANGS", "TITLE");
        for i in library.instruments() {
            let langs: Vec<&str> = i.languages.iter().map(|l| l.code()).collect();
            println!(
                "{:<9} {:<5} {:<8} {:<46} {}",
                i.id,
                i.items.len(),
                langs.join(","),
                truncate(&clean(i.title.get(Lang::En)), 46),
                truncate(&clean(&i.source.licence), 60)
            );
        }
        for report in library.reports().iter().filter(|r| r.unavailable) {
            let first = report.diagnostics.first().map(ToString::to_string).unwrap_or_default();
            println!("{:<9} unavailable: {}", report.instrument.as_deref().unwrap_or("?"), clean(&first));
        }
    }
    ExitCode::SUCCESS
}

fn unavailable_json(library: &Library) -> serde_json::Value {
    json!(library.reports().iter().filter(|r| r.unavailable).collect::<Vec<_>>())
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut short: String = text.chars().take(width.saturating_sub(1)).collect();
        short.push('…');
        short
    }
}

fn show(library: &Library, id: &str, lang: Lang, json: bool) -> ExitCode {
    let instrument = match find(library, id) {
        Ok(instrument) => instrument,
        Err(message) => return bad_input(message),
    };
    if json {
        println!("{}", serde_json::to_string_pretty(instrument).unwrap_or_default());
        return ExitCode::SUCCESS;
    }
    let i = instrument;
    println!("{} ({} v{})", clean(i.title.get(lang)), i.id, clean(&i.version));
    if !i.languages.contains(&lang) {
        println!("Offered in English only: {}", clean(i.language_note.as_deref().unwrap_or("")));
    }
    if let Some(stem) = &i.stem {
        println!("\n{}", clean(stem.get(lang)));
    }
    if let Some(timeframe) = &i.timeframe {
        println!("Timeframe: {}", clean(timeframe.get(lang)));
    }
    println!();
    for (index, item) in i.items.iter().enumerate() {
        let mut notes = Vec::new();
        if !item.required {
            notes.push("optional".to_string());
        }
        if !item.scored {
            notes.push("not scored".to_string());
        }
        if !item.use_stem {
            notes.push("shown without the stem".to_string());
        }
        if item.english_only && i.languages.contains(&Lang::Fr) {
            notes.push("English only: not in the French source".to_string());
        }
        if let Some(condition) = &item.enable_when_text {
            let imputed = item.if_skipped.map(|v| format!(", else scored {v}")).unwrap_or_default();
            notes.push(format!("asked if {}{imputed}", clean(condition)));
        }
        let notes = if notes.is_empty() { String::new() } else { format!("  [{}]", notes.join("; ")) };
        if let Some(instructions) = &item.instructions {
            println!("    Instructions (instrument text):");
            for line in instructions.get(lang).lines().filter(|line| !line.trim().is_empty()) {
                println!("      {}", clean(line));
            }
        }
        println!("{:>2}. {} {}{}", index + 1, item.id, clean(item.text.get(lang)), notes);
        if let Some(hint) = &item.hint {
            println!("      Our note (not instrument text): {}", clean(hint.get(lang)));
        }
        let options: Vec<String> =
            i.options_of(index).iter().map(|o| format!("{} = {}", clean(o.text.get(lang)), o.value)).collect();
        println!("      {}", options.join(" · "));
    }
    for score in &i.scores {
        let items: Vec<&str> = score.items.iter().map(|&x| i.items[x].id.as_str()).collect();
        let times = if score.multiplier != 1 { format!(" x{}", score.multiplier) } else { String::new() };
        println!("\nScore {} ({}..{}): sum of {}{times}", score.id, score.range.0, score.range.1, items.join(", "));
    }
    for scheme in &i.band_schemes {
        let bands: Vec<String> = scheme
            .bands
            .iter()
            .map(|b| match (b.min, b.max) {
                (Some(min), Some(max)) => format!("{min}-{max} {}", clean(b.label.get(lang))),
                _ => clean(b.label.get(lang)),
            })
            .collect();
        println!("Bands {}: {}", scheme.id, bands.join(" · "));
    }
    if let Some(positive) = &i.positive {
        match positive {
            crate::instrument::model::Positive::Cutoff { cutoff, allowed, by_context, .. } => {
                let context: Vec<String> =
                    by_context.iter().map(|c| format!("{} if {}", c.cutoff, clean(&c.when_text))).collect();
                let allowed =
                    if allowed.is_empty() { String::new() } else { format!(" (a service may choose {allowed:?})") };
                let context = if context.is_empty() { String::new() } else { format!("; {}", context.join("; ")) };
                println!("Positive screen: >= {cutoff}{context}{allowed}");
            }
            crate::instrument::model::Positive::When { text, .. } => {
                println!("Positive screen: {}", clean(text))
            }
        }
    }
    for flag in &i.flags {
        let follow = flag.follow_up.as_deref().map(|f| format!(" -> {f}")).unwrap_or_default();
        println!(
            "Flag {} [{}] when {}{follow}: {}",
            flag.id,
            flag.severity.as_str(),
            clean(&flag.when_text),
            clean(flag.label.get(lang))
        );
    }
    for follow_up in &i.follow_ups {
        println!("Follow-up {} when {}", follow_up.instrument, clean(&follow_up.when_text));
    }
    println!("\nSource: {}", clean(&i.source.citation));
    println!("Licence: {}", clean(&i.source.licence));
    if let Some(french) = &i.source.french_text_provenance {
        println!("French text: {}", clean(french));
    }
    ExitCode::SUCCESS
}

/// What `instruments check` found.
pub(crate) struct CheckOutcome {
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
pub(crate) fn check_library(paths: &[PathBuf]) -> CheckOutcome {
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

fn check(paths: &[PathBuf], json: bool) -> ExitCode {
    let CheckOutcome { checked, reports, unreadable } = check_library(paths);
    if !unreadable.is_empty() {
        for report in &unreadable {
            eprintln!("{}", report.diagnostics.first().map(ToString::to_string).unwrap_or_default());
        }
        return ExitCode::from(EXIT_CHECK_FAILED);
    }
    if json {
        println!("{}", json!({ "ok": reports.is_empty(), "files_checked": checked, "problems": reports }));
    } else {
        for report in &reports {
            for diagnostic in &report.diagnostics {
                println!("{}", clean(&diagnostic.to_string()));
            }
        }
        if reports.is_empty() {
            println!("{checked} files checked, no problems");
        } else {
            let errors: usize = reports.iter().map(|r| r.diagnostics.len()).sum();
            let unavailable = reports.iter().filter(|r| r.unavailable).count();
            println!(
                "{} in {}; {} unavailable",
                plural(errors, "problem"),
                plural(reports.len(), "file"),
                plural(unavailable, "instrument")
            );
        }
    }
    if reports.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(EXIT_CHECK_FAILED) }
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 { format!("1 {noun}") } else { format!("{count} {noun}s") }
}

fn file_name(path: &str) -> String {
    std::path::Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn score(library: &Library, args: &ScoreArgs) -> ExitCode {
    let instrument = match find(library, &args.id) {
        Ok(instrument) => instrument,
        Err(message) => return bad_input(message),
    };
    let answers = match parse_answer_list(instrument, &args.answers) {
        Ok(answers) => answers,
        Err(error) => return bad_input(error),
    };
    if let Some(cutoff) = args.cutoff {
        let allowed = match &instrument.positive {
            Some(crate::instrument::model::Positive::Cutoff { allowed, .. }) => allowed.clone(),
            _ => Vec::new(),
        };
        if !allowed.contains(&cutoff) {
            return bad_input(format!("{} does not allow a cut-off of {cutoff}; allowed: {allowed:?}", instrument.id));
        }
    }
    let context = Context { sex: args.sex, age: args.age.map(i64::from), cutoff: args.cutoff };
    let result = library.score(instrument, &answers, &context);
    if args.json {
        println!("{}", result_json(&result));
    } else {
        print_result(library, instrument, &result, args.lang);
    }
    ExitCode::SUCCESS
}

/// The documented JSON shape of a result.
pub fn result_json(result: &ScoreResult) -> serde_json::Value {
    let subscales: serde_json::Map<String, serde_json::Value> =
        result.scores.iter().filter(|(id, _)| id.as_str() != "total").map(|(id, v)| (id.clone(), json!(v))).collect();
    let derived: serde_json::Map<String, serde_json::Value> =
        result.derived.iter().map(|(id, r)| (id.clone(), result_json(r))).collect();
    json!({
        "instrument": result.instrument,
        "version": result.version,
        "total": result.total,
        "band": result.band,
        "bands": result.bands,
        "undetermined_bands": result.undetermined_bands,
        "positive": result.positive,
        "cutoff": result.cutoff,
        "subscales": subscales,
        "flags": result.flags,
        "follow_ups": result.follow_ups,
        "scorable": result.scorable,
        "missing": result.missing,
        "skipped": result.skipped,
        "derived": derived,
    })
}

fn print_result(library: &Library, instrument: &Instrument, result: &ScoreResult, lang: Lang) {
    println!("{} ({} v{})", clean(instrument.title.get(lang)), instrument.id, clean(&instrument.version));
    if !result.scorable {
        println!("Not scorable: missing required items {}", result.missing.join(", "));
    }
    if let Some(total) = result.total {
        let range = instrument.total_range().map(|(a, b)| format!(" (range {a}-{b})")).unwrap_or_default();
        println!("Total: {total}{range}");
    }
    for score in &instrument.scores {
        if let (Some(value), true) = (result.scores.get(&score.id), score.id != "total") {
            println!("  {}: {value}", clean(score.label.get(lang)));
        }
    }
    for (index, scheme) in instrument.band_schemes.iter().enumerate() {
        if let Some(band_id) = result.bands.get(&scheme.id) {
            let label =
                scheme.bands.iter().find(|b| &b.id == band_id).map(|b| clean(b.label.get(lang))).unwrap_or_default();
            let default = if instrument.default_scheme == Some(index) { "" } else { " (alternative scheme)" };
            println!("Band: {label} [{}]{default}", clean(scheme.label.get(lang)));
        }
    }
    if let Some(scheme) = instrument.default_scheme.and_then(|s| instrument.band_schemes.get(s)) {
        for band_id in &result.undetermined_bands {
            let label =
                scheme.bands.iter().find(|b| &b.id == band_id).map(|b| clean(b.label.get(lang))).unwrap_or_default();
            println!("Not decided (missing {}): {label} [{band_id}]", result.missing.join(", "));
        }
    }
    if result.scorable {
        let cutoff = result.cutoff.map(|c| format!(" (cut-off {c})")).unwrap_or_default();
        println!("Positive screen: {}{cutoff}", if result.positive { "yes" } else { "no" });
    } else if result.positive {
        println!("Positive screen: yes, from the answers given (missing {})", result.missing.join(", "));
    }
    for hit in &result.flags {
        let label =
            instrument.flags.iter().find(|f| f.id == hit.id).map(|f| clean(f.label.get(lang))).unwrap_or_default();
        let item = hit.item.as_deref().map(|i| format!(" (item {i})")).unwrap_or_default();
        println!("{} {}{item}: {label}", hit.severity.as_str().to_uppercase(), hit.id);
    }
    if !result.follow_ups.is_empty() {
        println!("Follow-up due: {}", result.follow_ups.join(", "));
    }
    for (id, derived) in &result.derived {
        let title = library.get(id).map(|i| clean(i.short_title.get(lang))).unwrap_or_else(|| id.clone());
        let total = derived.total.map(|t| t.to_string()).unwrap_or_else(|| "-".into());
        println!("Derived {title}: {total}{}", if derived.positive { ", positive" } else { "" });
    }
}
