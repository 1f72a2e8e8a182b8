//! `triage instruments list|show|check` and `triage score`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::json;

use super::EXIT_CHECK_FAILED;
use super::common::{Failure, Table, bad_input, print_failure};
use crate::instrument::library::{CheckOutcome, check_library};
use crate::instrument::{Context, Instrument, Lang, Library, ScoreResult, Sex, parse_answer_list};
use crate::sanitize::terminal_text;
use crate::ui::strings::{Text, fill};

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
        let mut table = Table::new(&["ID", "ITEMS", "LANGS", "TITLE", "LICENCE"]).right(1);
        for i in library.instruments() {
            // Space-separated (`en fr`): every language the file has validated text for.
            let langs: Vec<&str> = i.languages.iter().map(|l| l.code()).collect();
            table.row([
                i.id.clone(),
                i.items.len().to_string(),
                langs.join(" "),
                truncate(&clean(i.title.get(Lang::En)), 46),
                truncate(&clean(&i.source.licence), 60),
            ]);
        }
        // A closed pipe (`triage instruments list | head`) is not an error.
        let _ = writeln!(std::io::stdout().lock(), "{}", table.render());
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
        Err(message) => return bad_input(json, "not_found", message),
    };
    if json {
        println!("{}", serde_json::to_string_pretty(instrument).unwrap_or_default());
        return ExitCode::SUCCESS;
    }
    let i = instrument;
    let say = |text: Text, values: &[(&str, String)]| fill(text, lang, values);
    println!("{} ({} v{})", clean(i.title.get(lang)), i.id, clean(&i.version));
    if !i.languages.contains(&lang) {
        match lang {
            Lang::En => {
                println!(
                    "{}",
                    say(Text::CliOfferedEnglishOnly, &[("note", clean(i.language_note.as_deref().unwrap_or("")))])
                )
            }
            // The file's note is English; the interface says the truth in the reader's language.
            Lang::Fr => println!("{}", Text::EnglishOnlyStaff.get(lang)),
        }
    }
    if let Some(stem) = &i.stem {
        println!("\n{}", clean(stem.get(lang)));
    }
    if let Some(timeframe) = &i.timeframe {
        println!("{}", say(Text::CliTimeframe, &[("text", clean(timeframe.get(lang)))]));
    }
    println!();
    show_items(i, lang);
    show_rules(i, lang);
    println!("\n{}", say(Text::CliSource, &[("text", clean(&i.source.citation))]));
    println!("{}", say(Text::CliLicence, &[("text", clean(&i.source.licence))]));
    if let Some(french) = &i.source.french_text_provenance {
        println!("{}", say(Text::CliFrenchText, &[("text", clean(french))]));
    }
    ExitCode::SUCCESS
}

/// The items of `show`: instructions, text, notes and options, numbered.
fn show_items(i: &Instrument, lang: Lang) {
    let say = |text: Text, values: &[(&str, String)]| fill(text, lang, values);
    // Instrument text in `lang` only where the file has it (English-only items stay English).
    let shown = |item: usize| i.item_lang(item, lang);
    for (index, item) in i.items.iter().enumerate() {
        let mut notes = Vec::new();
        if !item.required {
            notes.push(Text::CliOptional.get(lang).to_string());
        }
        if !item.scored {
            notes.push(Text::CliNotScored.get(lang).to_string());
        }
        if !item.use_stem {
            notes.push(Text::CliWithoutStem.get(lang).to_string());
        }
        if item.english_only && i.languages.contains(&Lang::Fr) {
            notes.push(Text::CliItemEnglishOnly.get(lang).to_string());
        }
        if let Some(condition) = &item.enable_when_text {
            let imputed =
                item.if_skipped.map(|v| say(Text::CliElseScored, &[("value", v.to_string())])).unwrap_or_default();
            notes.push(say(Text::CliAskedIf, &[("condition", clean(condition)), ("imputed", imputed)]));
        }
        let notes = if notes.is_empty() { String::new() } else { format!("  [{}]", notes.join("; ")) };
        if let Some(instructions) = &item.instructions {
            println!("    {}", Text::CliInstructions.get(lang));
            for line in instructions.get(shown(index)).lines().filter(|line| !line.trim().is_empty()) {
                println!("      {}", clean(line));
            }
        }
        println!("{:>2}. {} {}{}", index + 1, item.id, clean(item.text.get(shown(index))), notes);
        if let Some(hint) = &item.hint {
            println!("      {}", say(Text::CliOurNote, &[("text", clean(hint.get(lang)))]));
        }
        let options: Vec<String> =
            i.options_of(index).iter().map(|o| format!("{} = {}", clean(o.text.get(shown(index))), o.value)).collect();
        println!("      {}", options.join(" · "));
    }
}

/// The rules of `show`: scores, bands, the positive screen, flags and follow-ups.
fn show_rules(i: &Instrument, lang: Lang) {
    let say = |text: Text, values: &[(&str, String)]| fill(text, lang, values);
    for score in &i.scores {
        let items: Vec<&str> = score.items.iter().map(|&x| i.items[x].id.as_str()).collect();
        let times = if score.multiplier != 1 { format!(" x{}", score.multiplier) } else { String::new() };
        let rule = say(
            Text::CliScoreRule,
            &[
                ("id", score.id.clone()),
                ("min", score.range.0.to_string()),
                ("max", score.range.1.to_string()),
                ("items", items.join(", ")),
                ("times", times),
            ],
        );
        println!("\n{rule}");
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
        println!("{}", say(Text::CliBands, &[("id", scheme.id.clone()), ("bands", bands.join(" · "))]));
    }
    if let Some(positive) = &i.positive {
        match positive {
            crate::instrument::model::Positive::Cutoff { cutoff, allowed, by_context, .. } => {
                let context: Vec<String> = by_context
                    .iter()
                    .map(|c| {
                        say(Text::CliCutoffIf, &[("cutoff", c.cutoff.to_string()), ("condition", clean(&c.when_text))])
                    })
                    .collect();
                let allowed = if allowed.is_empty() {
                    String::new()
                } else {
                    say(Text::CliCutoffAllowed, &[("allowed", format!("{allowed:?}"))])
                };
                let context = if context.is_empty() { String::new() } else { format!("; {}", context.join("; ")) };
                println!(
                    "{}",
                    say(
                        Text::CliPositiveCutoff,
                        &[("cutoff", cutoff.to_string()), ("context", context), ("allowed", allowed)]
                    )
                );
            }
            crate::instrument::model::Positive::When { text, .. } => {
                println!("{}", say(Text::CliPositiveWhen, &[("rule", clean(text))]))
            }
        }
    }
    for flag in &i.flags {
        let follow = flag.follow_up.as_deref().map(|f| format!(" -> {f}")).unwrap_or_default();
        let line = say(
            Text::CliFlagRule,
            &[
                ("id", flag.id.clone()),
                ("severity", flag.severity.as_str().to_string()),
                ("condition", clean(&flag.when_text)),
                ("follow", follow),
                ("label", clean(flag.label.get(lang))),
            ],
        );
        println!("{line}");
    }
    for follow_up in &i.follow_ups {
        let condition = clean(&follow_up.when_text);
        println!(
            "{}",
            say(Text::CliFollowUpRule, &[("instrument", follow_up.instrument.clone()), ("condition", condition)])
        );
    }
}

fn check(paths: &[PathBuf], json: bool) -> ExitCode {
    let CheckOutcome { checked, reports, unreadable } = check_library(paths);
    if !unreadable.is_empty() {
        let problems: Vec<String> =
            unreadable.iter().map(|r| r.diagnostics.first().map(ToString::to_string).unwrap_or_default()).collect();
        if json {
            let failure = Failure { code: "unreadable", message: problems.join("; "), exit: EXIT_CHECK_FAILED };
            return print_failure(json, &failure);
        }
        for problem in &problems {
            eprintln!("{problem}");
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

fn score(library: &Library, args: &ScoreArgs) -> ExitCode {
    let instrument = match find(library, &args.id) {
        Ok(instrument) => instrument,
        Err(message) => return bad_input(args.json, "not_found", message),
    };
    let answers = match parse_answer_list(instrument, &args.answers) {
        Ok(answers) => answers,
        Err(error) => return bad_input(args.json, "invalid", error.to_string()),
    };
    if let Some(cutoff) = args.cutoff {
        let allowed = match &instrument.positive {
            Some(crate::instrument::model::Positive::Cutoff { allowed, .. }) => allowed.clone(),
            _ => Vec::new(),
        };
        if !allowed.contains(&cutoff) {
            return bad_input(
                args.json,
                "invalid",
                format!("{} does not allow a cut-off of {cutoff}; allowed: {allowed:?}", instrument.id),
            );
        }
    }
    let context = Context { sex: args.sex, age: args.age.map(i64::from), cutoff: args.cutoff };
    let result = library.score(instrument, &answers, &context);
    if args.json {
        let mut value = result_json(&result);
        value["language"] = json!(args.lang.code());
        value["labels"] = labels_json(instrument, &result, args.lang);
        println!("{value}");
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

/// The result's labels in `lang`, keyed by the language-neutral ids of [`result_json`]: the
/// instrument's title, each score, each band scheme's chosen band and each flag raised.
fn labels_json(instrument: &Instrument, result: &ScoreResult, lang: Lang) -> serde_json::Value {
    let scores: serde_json::Map<String, serde_json::Value> = instrument
        .scores
        .iter()
        .filter(|s| result.scores.contains_key(&s.id))
        .map(|s| (s.id.clone(), json!(s.label.get(lang))))
        .collect();
    let bands: serde_json::Map<String, serde_json::Value> = instrument
        .band_schemes
        .iter()
        .filter_map(|scheme| {
            let band = scheme.bands.iter().find(|b| result.bands.get(&scheme.id) == Some(&b.id))?;
            Some((scheme.id.clone(), json!({ "scheme": scheme.label.get(lang), "band": band.label.get(lang) })))
        })
        .collect();
    let flags: serde_json::Map<String, serde_json::Value> = result
        .flags
        .iter()
        .filter_map(|hit| instrument.flags.iter().find(|f| f.id == hit.id))
        .map(|f| (f.id.clone(), json!(f.label.get(lang))))
        .collect();
    json!({ "title": instrument.title.get(lang), "scores": scores, "bands": bands, "flags": flags })
}

fn severity_text(severity: crate::instrument::Severity) -> Text {
    match severity {
        crate::instrument::Severity::Critical => Text::CliSeverityCritical,
        crate::instrument::Severity::Urgent => Text::CliSeverityUrgent,
        crate::instrument::Severity::Warning => Text::CliSeverityWarning,
    }
}

/// A result in `lang`: labels from the instrument file's own fields in that language, our
/// words around them from the strings module.
fn print_result(library: &Library, instrument: &Instrument, result: &ScoreResult, lang: Lang) {
    let say = |text: Text, values: &[(&str, String)]| fill(text, lang, values);
    let missing = result.missing.join(", ");
    println!("{} ({} v{})", clean(instrument.title.get(lang)), instrument.id, clean(&instrument.version));
    if !result.scorable {
        println!("{}", say(Text::CliNotScorable, &[("items", missing.clone())]));
    }
    if let Some(total) = result.total {
        let range = instrument
            .total_range()
            .map(|(a, b)| say(Text::CliRange, &[("min", a.to_string()), ("max", b.to_string())]))
            .unwrap_or_default();
        println!("{}", say(Text::CliTotal, &[("total", total.to_string()), ("range", range)]));
    }
    for score in &instrument.scores {
        if let (Some(value), true) = (result.scores.get(&score.id), score.id != "total") {
            println!(
                "{}",
                say(Text::CliSubscore, &[("label", clean(score.label.get(lang))), ("value", value.to_string())])
            );
        }
    }
    for (index, scheme) in instrument.band_schemes.iter().enumerate() {
        if let Some(band_id) = result.bands.get(&scheme.id) {
            let label =
                scheme.bands.iter().find(|b| &b.id == band_id).map(|b| clean(b.label.get(lang))).unwrap_or_default();
            let alternative = if instrument.default_scheme == Some(index) {
                String::new()
            } else {
                Text::CliAlternativeScheme.get(lang).to_string()
            };
            let scheme = clean(scheme.label.get(lang));
            println!("{}", say(Text::CliBand, &[("label", label), ("scheme", scheme), ("alternative", alternative)]));
        }
    }
    if let Some(scheme) = instrument.default_scheme.and_then(|s| instrument.band_schemes.get(s)) {
        for band_id in &result.undetermined_bands {
            let label =
                scheme.bands.iter().find(|b| &b.id == band_id).map(|b| clean(b.label.get(lang))).unwrap_or_default();
            let values = [("items", missing.clone()), ("label", label), ("band", band_id.clone())];
            println!("{}", say(Text::CliBandUndecided, &values));
        }
    }
    if result.scorable {
        let cutoff = result.cutoff.map(|c| say(Text::CliCutoff, &[("cutoff", c.to_string())])).unwrap_or_default();
        let answer = if result.positive { Text::CliYes } else { Text::CliNo };
        println!("{}", say(Text::CliPositive, &[("answer", answer.get(lang).to_string()), ("cutoff", cutoff)]));
    } else if result.positive {
        println!("{}", say(Text::CliPositiveSoFar, &[("items", missing.clone())]));
    }
    for hit in &result.flags {
        let label =
            instrument.flags.iter().find(|f| f.id == hit.id).map(|f| clean(f.label.get(lang))).unwrap_or_default();
        let item = hit.item.as_deref().map(|i| say(Text::CliFlagItem, &[("item", i.to_string())])).unwrap_or_default();
        let severity = severity_text(hit.severity).get(lang).to_string();
        println!(
            "{}",
            say(Text::CliFlagHit, &[("severity", severity), ("id", hit.id.clone()), ("item", item), ("label", label)])
        );
    }
    if !result.follow_ups.is_empty() {
        println!("{}", say(Text::CliFollowUpDue, &[("instruments", result.follow_ups.join(", "))]));
    }
    for (id, derived) in &result.derived {
        let title = library.get(id).map(|i| clean(i.short_title.get(lang))).unwrap_or_else(|| id.clone());
        let total = derived.total.map(|t| t.to_string()).unwrap_or_else(|| "-".into());
        let positive = if derived.positive { Text::CliDerivedPositive.get(lang).to_string() } else { String::new() };
        println!("{}", say(Text::CliDerived, &[("title", title), ("total", total), ("positive", positive)]));
    }
}
