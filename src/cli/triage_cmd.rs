//! `triage match` and `triage resources list|show|check`: the thin shell around the pure
//! `crate::triage` core. It reads files (or uses the copies embedded at build time), reads the
//! clock for "today", and prints text for people or JSON for machines.
//!
//! Data files: by default the catalog (`resources/*.toml`) and the rules
//! (`questionnaires/triage-rules.toml`) embedded in the binary at build time are used, so the
//! binary works from any directory; `--resources DIR` and `--rules FILE` read other copies.

use std::path::{Path, PathBuf};

/// Prints a line to stdout, ignoring a closed pipe (e.g. `triage match ... | head`).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::EXIT_CHECK_FAILED;
use super::common::{Failure, Table, bad_input, print_failure};
use crate::diagnostic::Diagnostic;
use crate::instrument::Library;
use crate::sanitize::terminal_text;
use crate::triage::catalog::{Catalog, Resource, SHIPPED_RULES};
use crate::triage::date::Date;
use crate::triage::facts::{PersonContext, Sex, parse_result_arg, resolve_results};
use crate::triage::level::{Level, LevelDecision};
use crate::triage::matching::{ClientProfile, LiftedExclusion, MatchLevel, MatchOutcome, match_resources_lifting};
use crate::triage::rules::RuleSet;
use crate::triage::vocab::{Criterion, Lang, Population, Province};
use crate::triage::wording::LevelReason;
use crate::ui::strings::{Text, fill};

#[derive(Debug, Subcommand)]
pub enum TriageCommand {
    /// Suggest a stepped-care level from results and match resources the client can reach.
    Match(MatchArgs),
    /// List, show or check the resource catalog.
    #[command(subcommand)]
    Resources(ResourcesCommand),
}

#[derive(Debug, Args)]
pub struct DataArgs {
    /// Read the catalog from this directory instead of the copy built into the binary.
    #[arg(long, value_name = "DIR")]
    pub resources: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct MatchArgs {
    /// Client's age in years.
    #[arg(long)]
    pub age: u32,
    /// Province or territory (AB BC MB NB NL NS NT NU ON PE QC SK YT).
    #[arg(long, value_parser = parse_province)]
    pub province: Province,
    /// Client's language.
    #[arg(long, value_parser = parse_lang)]
    pub lang: Lang,
    /// A population the client belongs to (youth, indigenous, 2slgbtq, trans, veterans,
    /// public-safety, perinatal, newcomers, students, black, muslim, families, women); repeatable.
    #[arg(long = "population", value_parser = parse_population)]
    pub populations: Vec<Population>,
    /// The client has no internet access.
    #[arg(long)]
    pub no_internet: bool,
    /// The client has no smartphone.
    #[arg(long)]
    pub no_smartphone: bool,
    /// The client can only use a voice phone.
    #[arg(long)]
    pub phone_only: bool,
    /// Only free services.
    #[arg(long)]
    pub free_only: bool,
    /// A result as INSTRUMENT=TOTAL (e.g. phq9=17); repeatable.
    #[arg(long = "result", value_name = "ID=TOTAL")]
    pub results: Vec<String>,
    /// A raised flag, as FLAG or INSTRUMENT.FLAG (e.g. suicidal_ideation, asq.acute_positive); repeatable.
    #[arg(long = "flag", value_name = "ID")]
    pub flags: Vec<String>,
    /// Sex, for cut-offs validated by sex (AUDIT-C).
    #[arg(long, value_parser = parse_sex)]
    pub sex: Option<Sex>,
    /// A clinician's level (crisis, 1-5) replacing the suggestion; needs --override-by and --override-reason.
    #[arg(long, value_parser = parse_level)]
    pub override_level: Option<Level>,
    #[arg(long, value_name = "CLINICIAN")]
    pub override_by: Option<String>,
    #[arg(long, value_name = "REASON")]
    pub override_reason: Option<String>,
    /// A clinician lifts one resource's exclusion for this client, with the reason (repeatable;
    /// needs --override-by; acute risk cannot be lifted), e.g.
    /// `bounceback:suicide-risk:ASQ negative, passive thoughts, safety plan`.
    #[arg(long = "lift-exclusion", value_name = "RESOURCE:CRITERION:REASON", value_parser = parse_lift)]
    pub lift_exclusions: Vec<LiftedExclusion>,
    /// Read the rules from this file instead of the copy built into the binary.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    #[command(flatten)]
    pub data: DataArgs,
    /// Also show why every other resource was left out.
    #[arg(long)]
    pub explain: bool,
    #[arg(long)]
    pub json: bool,
    /// The language of the output: `en` (the default) or `fr`. Levels, reasons and notes are
    /// written in it; `--lang` is the client's language, which decides the matching. JSON keeps
    /// its keys, and its `reasons`, `level_reasons` and `notes` follow this flag too.
    #[arg(long = "output-lang", value_parser = parse_output_lang, default_value = "en")]
    pub output_lang: UiLang,
}

/// The language of what this command prints.
pub type UiLang = crate::instrument::Lang;

#[derive(Debug, Subcommand)]
pub enum ResourcesCommand {
    /// Every catalog entry: id, status, levels, coverage, name.
    List {
        #[command(flatten)]
        data: DataArgs,
        #[arg(long)]
        json: bool,
    },
    /// One entry in full.
    Show {
        id: String,
        #[command(flatten)]
        data: DataArgs,
        #[arg(long)]
        json: bool,
    },
    /// Validate the catalog: formats, duplicate ids, missing fields; list stale entries and
    /// populations or provinces whose only crisis option is not 24/7.
    Check {
        #[command(flatten)]
        data: DataArgs,
        /// Entries not verified within this many days are listed as stale.
        #[arg(long, default_value_t = 365)]
        stale_days: u32,
        /// The date to check against (YYYY-MM-DD); default today.
        #[arg(long, value_parser = parse_date)]
        today: Option<Date>,
        /// Fail (exit 1) on warnings too.
        #[arg(long)]
        strict: bool,
        #[arg(long)]
        json: bool,
    },
}

fn parse_province(text: &str) -> Result<Province, String> {
    Province::parse(text).ok_or_else(|| Province::unknown(text))
}
fn parse_lang(text: &str) -> Result<Lang, String> {
    Lang::parse(text).ok_or_else(|| Lang::unknown(text))
}
fn parse_output_lang(text: &str) -> Result<UiLang, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "en" => Ok(UiLang::En),
        "fr" => Ok(UiLang::Fr),
        _ => Err(format!("unknown output language `{}`; expected en or fr", clean(text))),
    }
}
fn parse_population(text: &str) -> Result<Population, String> {
    Population::parse(text).ok_or_else(|| Population::unknown(text))
}
fn parse_level(text: &str) -> Result<Level, String> {
    Level::parse(text)
        .ok_or_else(|| format!("unknown level `{}`; expected crisis, 1, 2, 3, 4 or 5", terminal_text(text, false)))
}
fn parse_lift(text: &str) -> Result<LiftedExclusion, String> {
    let mut parts = text.splitn(3, ':');
    let (Some(resource), Some(criterion), Some(reason)) = (parts.next(), parts.next(), parts.next()) else {
        return Err("use RESOURCE:CRITERION:REASON, e.g. bounceback:suicide-risk:ASQ negative, safety plan".into());
    };
    let criterion = Criterion::parse(criterion).ok_or_else(|| Criterion::unknown(criterion))?;
    let lift = LiftedExclusion { resource: resource.trim().to_string(), criterion, reason: reason.trim().to_string() };
    if criterion == Criterion::AcuteRisk {
        return Err("an acute-risk exclusion cannot be lifted: acute risk is 9-1-1".into());
    }
    if !lift.is_valid() || lift.resource.is_empty() {
        return Err("a lifted exclusion needs a resource id and a reason".into());
    }
    Ok(lift)
}

pub(crate) fn parse_sex(text: &str) -> Result<Sex, String> {
    match text.to_ascii_lowercase().as_str() {
        "female" | "f" => Ok(Sex::Female),
        "male" | "m" => Ok(Sex::Male),
        _ => Err(format!("unknown sex `{}`; expected female or male", terminal_text(text, false))),
    }
}
fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("`{}` is not a date (YYYY-MM-DD)", terminal_text(text, false)))
}

/// Today from the system clock (the only clock read in triage; the core takes the date as input).
fn today() -> Date {
    let seconds = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    Date::from_days_from_epoch(i64::try_from(seconds / 86_400).unwrap_or(0))
}

fn print_diagnostics(list: &[Diagnostic], prefix: &str) {
    for d in list {
        eprintln!("{prefix}{}", terminal_text(&d.to_string(), false));
    }
}

/// Files with errors stop the command (exit 1): each problem on standard error, then `summary`;
/// under `--json`, one JSON error (`check_failed`) whose message lists the problems.
fn check_failed(json: bool, problems: &[Diagnostic], summary: &str) -> ExitCode {
    if json {
        let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
        let message = format!("{summary}:\n{}", lines.join("\n"));
        return print_failure(true, &Failure { code: "check_failed", message, exit: EXIT_CHECK_FAILED });
    }
    print_diagnostics(problems, "error: ");
    eprintln!("triage: {summary}");
    ExitCode::from(EXIT_CHECK_FAILED)
}

/// Reads the catalog files: the embedded copy, or every `*.toml` in `dir` (sorted by name).
fn read_rules_source(path: Option<&Path>) -> Result<(String, String), String> {
    match path {
        None => Ok((SHIPPED_RULES.0.to_string(), SHIPPED_RULES.1.to_string())),
        Some(p) => std::fs::read_to_string(p)
            .map(|t| (p.display().to_string(), t))
            .map_err(|e| format!("cannot read rules file {}: {e}", p.display())),
    }
}

/// Runs a triage subcommand.
pub fn run(command: TriageCommand) -> ExitCode {
    match command {
        TriageCommand::Match(args) => run_match(&args),
        TriageCommand::Resources(ResourcesCommand::List { data, json }) => run_list(&data, json),
        TriageCommand::Resources(ResourcesCommand::Show { id, data, json }) => run_show(&id, &data, json),
        TriageCommand::Resources(ResourcesCommand::Check { data, stale_days, today: day, strict, json }) => {
            run_check(&data, stale_days, day.unwrap_or_else(today), strict, json)
        }
    }
}

/// The catalog (built in, or `--resources DIR`) and its errors; shared with the staff
/// interface's resources check.
fn load_catalog(data: &DataArgs) -> Result<(Catalog, Vec<Diagnostic>), String> {
    Catalog::load(data.resources.as_deref())
}

fn run_match(args: &MatchArgs) -> ExitCode {
    if args.results.is_empty() && args.flags.is_empty() {
        return bad_input(args.json, "invalid", "give at least one --result ID=TOTAL or --flag ID");
    }
    if args.age > 130 {
        return bad_input(args.json, "invalid", format!("--age {} is not a plausible age", args.age));
    }
    let mut totals = Vec::new();
    for raw in &args.results {
        match parse_result_arg(raw) {
            Ok(t) => totals.push(t),
            Err(e) => return bad_input(args.json, "invalid", e.to_string()),
        }
    }
    let library = Library::shipped();
    let context = PersonContext { age: Some(args.age), sex: args.sex };
    let results = match resolve_results(&library, &totals, &args.flags, &context) {
        Ok(r) => r,
        Err(e) => return bad_input(args.json, "invalid", e.to_string()),
    };
    let (rules_file, rules_text) = match read_rules_source(args.rules.as_deref()) {
        Ok(x) => x,
        Err(e) => return bad_input(args.json, "invalid", e),
    };
    let rules = match RuleSet::parse(&rules_file, &rules_text, &library) {
        Ok(r) => r,
        Err(problems) => {
            return check_failed(args.json, &problems, "the rules file has errors; no level can be suggested");
        }
    };
    let (catalog, problems) = match load_catalog(&args.data) {
        Ok(x) => x,
        Err(e) => return bad_input(args.json, "invalid", e),
    };
    if !problems.is_empty() {
        return check_failed(args.json, &problems, "the resource catalog has errors; run `triage resources check`");
    }

    let suggestion = rules.suggest(&results);
    let decision = match &args.override_level {
        None => {
            if args.override_by.is_some() || args.override_reason.is_some() {
                return bad_input(args.json, "invalid", "--override-by and --override-reason need --override-level");
            }
            LevelDecision::accept(suggestion.level, english(&suggestion.reasons))
        }
        Some(level) => match LevelDecision::with_override(
            suggestion.level,
            english(&suggestion.reasons),
            *level,
            args.override_by.as_deref().unwrap_or(""),
            args.override_reason.as_deref().unwrap_or(""),
        ) {
            Ok(d) => d,
            Err(e) => return bad_input(args.json, "invalid", format!("{e} (--override-by, --override-reason)")),
        },
    };
    let profile = ClientProfile {
        age: Some(args.age),
        province: Some(args.province),
        language: args.lang,
        populations: args.populations.clone(),
        no_internet: args.no_internet,
        no_smartphone: args.no_smartphone,
        phone_only: args.phone_only,
        free_only: args.free_only,
    };
    let step_level = if decision.final_level == Level::Crisis { suggestion.step_level } else { decision.final_level };
    if !args.lift_exclusions.is_empty() && args.override_by.as_deref().is_none_or(|b| b.trim().is_empty()) {
        return bad_input(args.json, "invalid", "--lift-exclusion needs --override-by (the clinician who lifts it)");
    }
    for lift in &args.lift_exclusions {
        if !catalog.resources.iter().any(|r| r.id == lift.resource) {
            return bad_input(
                args.json,
                "invalid",
                format!("--lift-exclusion: no resource `{}` in the catalog", clean(&lift.resource)),
            );
        }
    }
    let level = MatchLevel { level: decision.final_level, step_level };
    let outcome = match_resources_lifting(&catalog, &rules, &profile, &results, level, &args.lift_exclusions);
    if args.json {
        let shown = Shown { lang: args.lang, out: args.output_lang, explain: args.explain };
        say!("{}", match_json(&decision, &suggestion.reasons, step_level, &outcome, shown));
    } else {
        let shown = Shown { lang: args.lang, out: args.output_lang, explain: args.explain };
        print_match_text(&decision, &suggestion.reasons, step_level, &outcome, shown);
    }
    ExitCode::SUCCESS
}

fn clean(text: &str) -> String {
    terminal_text(text, false)
}

/// The level reasons as the decision records them: in English, as every record has.
fn english(reasons: &[LevelReason]) -> Vec<String> {
    reasons.iter().map(ToString::to_string).collect()
}

/// How a match is shown: the client's language (resource names), the output's language, and
/// whether to explain what was left out.
#[derive(Clone, Copy)]
struct Shown {
    lang: Lang,
    out: UiLang,
    explain: bool,
}

fn resource_json(r: &Resource, lang: Lang) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert("id".into(), json!(clean(&r.id)));
    m.insert("name".into(), json!(clean(r.name(lang))));
    m.insert("phone".into(), json!(r.phone.first().map(|p| clean(p))));
    m.insert("text".into(), json!(r.text.first().map(|t| clean(t))));
    m.insert("text_keyword".into(), json!(r.text_keyword.as_deref().map(clean)));
    m.insert("url".into(), json!(r.url.as_deref().map(clean)));
    m.insert("hours".into(), json!(clean(r.hours.text())));
    m
}

fn match_json(
    decision: &LevelDecision,
    level_reasons: &[LevelReason],
    step: Level,
    outcome: &MatchOutcome<'_>,
    shown: Shown,
) -> Value {
    let Shown { lang, out, explain } = shown;
    let resources: Vec<Value> = outcome
        .recommendations
        .iter()
        .map(|rec| {
            let mut m = resource_json(rec.resource, lang);
            m.insert("role".into(), json!(rec.role));
            m.insert("reasons".into(), json!(rec.reasons.iter().map(|r| clean(&r.render(out))).collect::<Vec<_>>()));
            Value::Object(m)
        })
        .collect();
    let mut top = serde_json::Map::new();
    top.insert("level".into(), json!(decision.final_level));
    top.insert("suggested_level".into(), json!(decision.suggested));
    top.insert("step_level".into(), json!(step));
    top.insert("level_reasons".into(), json!(level_reasons.iter().map(|r| r.render(out)).collect::<Vec<_>>()));
    top.insert(
        "override".into(),
        match (&decision.override_by, &decision.override_reason) {
            (Some(by), Some(reason)) => json!({"by": clean(by), "reason": clean(reason)}),
            _ => Value::Null,
        },
    );
    top.insert("flagged".into(), json!(outcome.flagged));
    top.insert("resources".into(), Value::Array(resources));
    top.insert("notes".into(), json!(outcome.notes.iter().map(|n| n.render(out)).collect::<Vec<_>>()));
    if explain {
        let excluded: Vec<Value> = outcome
            .excluded
            .iter()
            .map(|e| {
                json!({
                    "id": clean(&e.resource.id),
                    "name": clean(e.resource.name(lang)),
                    "reasons": e.reasons_in(out).iter().map(|r| clean(r)).collect::<Vec<_>>(),
                })
            })
            .collect();
        top.insert("excluded".into(), Value::Array(excluded));
    }
    Value::Object(top)
}

fn contact_line(r: &Resource, out: UiLang) -> String {
    let mut parts = Vec::new();
    if !r.phone.is_empty() {
        parts.push(fill(Text::MatchCall, out, &[("numbers", r.phone.join(Text::MatchOr.get(out)))]));
    }
    if let Some(t) = r.text.first() {
        let text = crate::triage::wording::text_verb(out);
        parts.push(match (&r.text_keyword, out) {
            (Some(k), UiLang::En) => format!("{text} {k} to {t}"),
            (Some(k), UiLang::Fr) => format!("{text} {k} au {t}"),
            (None, _) => format!("{text} {t}"),
        });
    }
    if let Some(u) = &r.url {
        parts.push(u.clone());
    }
    parts.push(r.hours.text().to_string());
    clean(&parts.join(" | "))
}

fn print_match_text(
    decision: &LevelDecision,
    level_reasons: &[LevelReason],
    step: Level,
    outcome: &MatchOutcome<'_>,
    shown: Shown,
) {
    let Shown { lang, out, explain } = shown;
    let describe = |level: Level| crate::triage::wording::level_description(level, out).to_string();
    say!("{}", fill(Text::MatchLevelLine, out, &[("level", describe(decision.final_level))]));
    if decision.is_overridden() {
        say!(
            "{}",
            fill(
                Text::MatchOverridden,
                out,
                &[
                    ("by", clean(decision.override_by.as_deref().unwrap_or(""))),
                    ("reason", clean(decision.override_reason.as_deref().unwrap_or(""))),
                    ("suggested", describe(decision.suggested)),
                ],
            )
        );
    }
    if decision.final_level == Level::Crisis {
        say!("{}", fill(Text::MatchThen, out, &[("level", describe(step))]));
    }
    for reason in level_reasons {
        say!("  {} {}", Text::Because.get(out), clean(&reason.render(out)));
    }
    say!();
    say!("{}", Text::MatchRecommended.get(out));
    for (n, rec) in outcome.recommendations.iter().enumerate() {
        let role = match rec.role {
            crate::triage::matching::Role::Crisis => Text::MatchRoleCrisis.get(out),
            crate::triage::matching::Role::SafetyNet => Text::MatchRoleSafetyNet.get(out),
            crate::triage::matching::Role::Navigation => Text::MatchRoleNavigation.get(out),
            crate::triage::matching::Role::Care => "",
        };
        say!("{:>3}. {}{} ({})", n + 1, clean(rec.resource.name(lang)), role, clean(&rec.resource.id));
        say!("     {}", contact_line(rec.resource, out));
        for reason in &rec.reasons {
            say!("     - {}", clean(&reason.render(out)));
        }
    }
    for note in &outcome.notes {
        say!();
        say!("{}", fill(Text::MatchNote, out, &[("note", clean(&note.render(out)))]));
    }
    if explain {
        say!();
        say!("{}", Text::MatchLeftOut.get(out));
        for e in &outcome.excluded {
            let reasons: Vec<String> = e.reasons_in(out).iter().map(|r| clean(r)).collect();
            say!("  - {}: {}", clean(&e.resource.id), reasons.join("; "));
        }
    }
}

fn load_or_report(data: &DataArgs, json: bool) -> Result<(Catalog, Vec<Diagnostic>), ExitCode> {
    load_catalog(data).map_err(|message| bad_input(json, "invalid", message))
}

fn run_list(data: &DataArgs, json: bool) -> ExitCode {
    let (catalog, problems) = match load_or_report(data, json) {
        Ok(x) => x,
        Err(code) => return code,
    };
    print_diagnostics(&problems, "error: ");
    if json {
        let list: Vec<Value> = catalog
            .resources
            .iter()
            .map(|r| {
                let mut m = resource_json(r, Lang::En);
                m.insert("status".into(), json!(r.status));
                m.insert("levels".into(), json!(r.levels));
                m.insert("coverage".into(), json!(r.coverage_text()));
                Value::Object(m)
            })
            .collect();
        say!("{}", Value::Array(list));
    } else {
        let mut table = Table::new(&["ID", "STATUS", "LEVELS", "COVERAGE", "NAME"]);
        for r in &catalog.resources {
            let levels: Vec<&str> = r.levels.iter().map(|l| l.as_str()).collect();
            table.row([r.id.clone(), r.status.to_string(), levels.join(","), r.coverage_text(), r.name_en.clone()]);
        }
        say!("{}", table.render());
    }
    if problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(EXIT_CHECK_FAILED) }
}

fn run_show(id: &str, data: &DataArgs, json: bool) -> ExitCode {
    let (catalog, problems) = match load_or_report(data, json) {
        Ok(x) => x,
        Err(code) => return code,
    };
    print_diagnostics(&problems, "error: ");
    let Some(r) = catalog.get(id) else {
        return bad_input(
            json,
            "not_found",
            format!("no resource `{id}` in the catalog (see `triage resources list`)"),
        );
    };
    let words = |list: Vec<&str>| list.join(", ");
    let fields: Vec<(&str, Value)> = vec![
        ("id", json!(r.id)),
        ("name_en", json!(r.name_en)),
        ("name_fr", json!(r.name_fr)),
        ("organisation", json!(r.organisation)),
        ("url", json!(r.url)),
        ("phone", json!(r.phone)),
        ("phone_note", json!(r.phone_note)),
        ("text", json!(r.text)),
        ("text_keyword", json!(r.text_keyword)),
        ("hours", json!(r.hours.text())),
        ("languages", json!(r.languages)),
        ("cost", json!(r.cost)),
        ("modality", json!(words(r.modality.iter().map(|m| m.as_str()).collect()))),
        ("min_age", json!(r.min_age)),
        ("max_age", json!(r.max_age)),
        ("audience", json!(r.audience.as_ref().map(audience_text))),
        ("conditions", json!(words(r.conditions.iter().map(|c| c.as_str()).collect()))),
        ("coverage", json!(r.coverage_text())),
        ("needs_internet", json!(r.needs_internet)),
        ("needs_smartphone", json!(r.needs_smartphone)),
        ("delivered_by_phone", json!(r.delivered_by_phone)),
        ("levels", json!(r.levels)),
        ("exclusions", json!(words(r.exclusions.iter().map(|c| c.as_str()).collect()))),
        ("status", json!(r.status)),
        ("status_note", json!(r.status_note)),
        ("last_verified", json!(r.last_verified)),
        ("source", json!(r.source)),
        ("notes", json!(r.notes)),
        ("defined_at", json!(format!("{}:{}", r.file, r.line))),
    ];
    if json {
        let map: serde_json::Map<String, Value> = fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        // JSON escaping keeps control characters inert; sanitise anyway for terminals.
        say!("{}", clean(&Value::Object(map).to_string()));
    } else {
        for (key, value) in fields {
            let shown = match value {
                Value::Null => continue,
                Value::String(s) => s,
                Value::Array(items) => items
                    .iter()
                    .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join(", "),
                other => other.to_string(),
            };
            if !shown.is_empty() {
                say!("{key:<22} {}", clean(&shown));
            }
        }
    }
    ExitCode::SUCCESS
}

/// An audience as written in the files: "all_of = indigenous, women; serves_everyone".
fn audience_text(a: &crate::triage::catalog::Audience) -> String {
    let names = |list: &[Population]| list.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", ");
    let mut parts = Vec::new();
    if !a.all_of.is_empty() {
        parts.push(format!("all_of = {}", names(&a.all_of)));
    }
    if !a.any_of.is_empty() {
        parts.push(format!("any_of = {}", names(&a.any_of)));
    }
    if let Some(group) = a.families_of {
        parts.push(format!("families_of = {group}"));
    }
    if a.serves_everyone {
        parts.push("serves_everyone".to_string());
    }
    parts.join("; ")
}

fn run_check(data: &DataArgs, stale_days: u32, today: Date, strict: bool, json: bool) -> ExitCode {
    let (catalog, errors) = match load_or_report(data, json) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let warnings = catalog.warnings(today, stale_days);
    if json {
        say!(
            "{}",
            json!({
                "resources": catalog.resources.len(),
                "today": today,
                "stale_days": stale_days,
                "errors": errors,
                "warnings": warnings,
            })
        );
    } else {
        for e in &errors {
            say!("error: {}", clean(&e.to_string()));
        }
        for w in &warnings {
            say!("warning: {}", clean(&w.to_string()));
        }
        say!(
            "{} resources checked against {today}: {} errors, {} warnings",
            catalog.resources.len(),
            errors.len(),
            warnings.len()
        );
    }
    if !errors.is_empty() || (strict && !warnings.is_empty()) {
        ExitCode::from(EXIT_CHECK_FAILED)
    } else {
        ExitCode::SUCCESS
    }
}
