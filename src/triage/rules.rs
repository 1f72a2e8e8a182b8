//! The clinician-editable rules that map results to a suggested stepped-care level
//! (`questionnaires/triage-rules.toml`; its header comments document the format), and their evaluation.
//!
//! Parsing and checking are pure: the caller reads the file and passes its text in.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::facts::{BandInfo, InstrumentFacts, Results};
use super::level::Level;
use super::vocab::{Condition, Criterion, Severity};
use super::wording::{Evidence, LevelReason, StepUp};
use crate::diagnostic::Diagnostic;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesDoc {
    version: Spanned<String>,
    default_level: Level,
    #[serde(default)]
    safety: SafetyDoc,
    #[serde(default)]
    conditions: BTreeMap<Spanned<String>, Vec<Condition>>,
    #[serde(default)]
    not_a_need: BTreeMap<Spanned<String>, Vec<Spanned<WhenDoc>>>,
    offer: BTreeMap<Spanned<String>, Vec<Level>>,
    #[serde(default)]
    criteria: Vec<CriterionDoc>,
    #[serde(default)]
    rules: Vec<RuleDoc>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SafetyDoc {
    #[serde(default)]
    acute: Vec<Spanned<WhenDoc>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CriterionDoc {
    id: Criterion,
    any: Vec<Spanned<WhenDoc>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleDoc {
    id: Spanned<String>,
    level: Option<Level>,
    /// Instead of `level`: the level the rules give the instrument's next band (WHO AUDIT:
    /// "the next highest level of intervention").
    step_up: Option<Spanned<String>>,
    all: Vec<Spanned<WhenDoc>>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WhenDoc {
    instrument: Option<Spanned<String>>,
    bands: Option<Vec<Spanned<String>>>,
    positive: Option<bool>,
    flag: Option<Spanned<String>>,
    min_total: Option<i64>,
    max_total: Option<i64>,
    given: Option<bool>,
    flag_severity: Option<Severity>,
}

/// One condition of a rule, checked against the results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    /// The instrument's band is one of these.
    Band { instrument: String, bands: Vec<String> },
    /// The instrument screened positive (or negative).
    Positive { instrument: String, positive: bool },
    /// The instrument raised this flag.
    Flag { instrument: String, flag: String },
    /// The instrument's total is within these bounds (inclusive).
    Total { instrument: String, min: Option<i64>, max: Option<i64> },
    /// Any instrument raised a flag of this severity.
    AnyFlag { severity: Severity },
    /// The instrument has a result (or has none): a short form's rule yields to its parent's.
    /// `title` is the instrument's short title, kept for reasons (a result that is absent
    /// cannot name it).
    Given { instrument: String, given: bool, title: String },
}

/// A rule: when all conditions hold, the client's level is at least `level`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub id: String,
    pub level: RuleLevel,
    pub all: Vec<When>,
    pub note: Option<String>,
}

/// The level a rule suggests when it fires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleLevel {
    /// This level.
    Fixed(Level),
    /// The level the band rules give this instrument's next band up (its own band's level at
    /// the top band). The WHO AUDIT manual's "next highest level of intervention" (Babor 2001).
    NextBandOf { instrument: String, bands: Vec<BandInfo> },
}

/// A validated rules file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSet {
    pub version: String,
    pub default_level: Level,
    /// Conditions under which 9-1-1 comes first.
    pub acute: Vec<When>,
    /// Which conditions each instrument's results answer.
    pub conditions: BTreeMap<String, Vec<Condition>>,
    /// Results of an instrument that show no need although above its lowest band (any
    /// condition holds), e.g. a DAST-10 total of 1.
    pub not_a_need: BTreeMap<String, Vec<When>>,
    /// Resource levels offered for each suggested level, most fitting first.
    pub offer: BTreeMap<Level, Vec<Level>>,
    /// Exclusion criteria a client meets, and when.
    pub criteria: Vec<(Criterion, Vec<When>)>,
    pub rules: Vec<Rule>,
}

/// The suggested level with every reason for it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Suggestion {
    pub level: Level,
    /// The level of care once any crisis is dealt with (equal to `level` when not crisis).
    pub step_level: Level,
    /// The rules that fired, e.g. "PHQ-9 17, moderately severe -> level 4", as data.
    pub reasons: Vec<LevelReason>,
    /// Ids of the rules that fired, in the order of `reasons` (engine reasons have none).
    pub fired: Vec<String>,
}

impl Suggestion {
    /// The reasons as sentences in `lang`.
    pub fn reasons_in(&self, lang: crate::instrument::Lang) -> Vec<String> {
        self.reasons.iter().map(|r| r.render(lang)).collect()
    }
}

impl RuleSet {
    /// Parses and checks a rules file against the instruments. Every problem is reported with
    /// its file, line and column; the rule set is only returned when there is none.
    pub fn parse(file: &str, source: &str, facts: &dyn InstrumentFacts) -> Result<RuleSet, Vec<Diagnostic>> {
        let doc: RulesDoc = toml::from_str(source).map_err(|e| vec![Diagnostic::from_toml(file, source, &e)])?;
        let mut p = Parser { file, source, facts, problems: Vec::new() };
        if doc.version.get_ref().trim().is_empty() {
            p.at(Some(doc.version.span()), "`version` must not be empty");
        }
        let conditions = p.conditions(doc.conditions);
        let offer = p.offer(doc.offer);
        let not_a_need = p.not_a_need(doc.not_a_need);
        let acute = p.whens(doc.safety.acute);
        let criteria = p.criteria(doc.criteria);
        let rules = p.rules(doc.rules);
        if p.problems.is_empty() {
            Ok(RuleSet {
                version: doc.version.into_inner(),
                default_level: doc.default_level,
                acute,
                conditions,
                not_a_need,
                offer,
                criteria,
                rules,
            })
        } else {
            Err(p.problems)
        }
    }

    /// Suggests a level for these results: the highest level of any rule that fired, the default
    /// level when none did, and crisis whenever a critical flag is present.
    pub fn suggest(&self, results: &Results) -> Suggestion {
        let mut fired: Vec<(&Rule, Level, LevelReason)> = self
            .rules
            .iter()
            .filter(|rule| rule.all.iter().all(|w| holds(w, results)))
            .map(|rule| {
                let parts: Vec<Evidence> = rule.all.iter().map(|w| describe(w, results)).collect();
                let (level, step_up) = self.level_of(rule, results);
                (rule, level, LevelReason::Fired { parts, step_up, level })
            })
            .collect();
        // Highest level first, then file order (the sort is stable).
        fired.sort_by_key(|(_, level, _)| std::cmp::Reverse(*level));

        let step_level =
            fired.iter().map(|(_, l, _)| *l).filter(|l| *l != Level::Crisis).max().unwrap_or(self.default_level);
        let mut reasons = Vec::new();
        let mut ids = Vec::new();
        let critical: Vec<_> = results.flags.iter().filter(|f| f.severity == Severity::Critical).collect();
        for flag in &critical {
            reasons
                .push(LevelReason::CriticalFlag { title: title_of(&flag.instrument, results), flag: flag.id.clone() });
            ids.push(format!("critical-flag:{}.{}", flag.instrument, flag.id));
        }
        for (rule, _, reason) in &fired {
            reasons.push(reason.clone());
            ids.push(rule.id.clone());
        }
        let level = if !critical.is_empty() {
            Level::Crisis
        } else if let Some((_, level, _)) = fired.first() {
            *level
        } else {
            reasons.push(LevelReason::Default(self.default_level));
            ids.push("default".to_string());
            self.default_level
        };
        let step_level = if level == Level::Crisis { step_level } else { level };
        Suggestion { level, step_level, reasons, fired: ids }
    }

    /// The level a fired rule gives, and for a step-up rule which band it stepped to
    /// (", WHO: next zone's intervention, Zone III ...").
    fn level_of(&self, rule: &Rule, results: &Results) -> (Level, Option<StepUp>) {
        match &rule.level {
            RuleLevel::Fixed(level) => (*level, None),
            RuleLevel::NextBandOf { instrument, bands } => self.next_band_level(instrument, bands, results),
        }
    }

    /// The level of the band above the instrument's current one (an unknown band counts as the
    /// lowest: the flag alone is known). At the top band, the top band's own level.
    fn next_band_level(&self, instrument: &str, bands: &[BandInfo], results: &Results) -> (Level, Option<StepUp>) {
        let current = results
            .result(instrument)
            .and_then(|r| r.band.as_ref())
            .and_then(|band| bands.iter().position(|b| b.id == band.id))
            .unwrap_or(0);
        let next = (current + 1).min(bands.len().saturating_sub(1));
        let Some(target) = bands.get(next) else { return (self.default_level, None) };
        let level = self.band_level(instrument, &target.id);
        let now = results.result(instrument).filter(|r| r.band.is_some()).map(result_phrase);
        let next_band = if next == current && bands.len() > 1 { None } else { Some(band_words(target)) };
        (level, Some(StepUp { now, title: title_of(instrument, results), next_band }))
    }

    /// The level the band rules (rules whose only condition is this instrument's band) give a
    /// band; the default level when none names it.
    fn band_level(&self, instrument: &str, band: &str) -> Level {
        self.rules
            .iter()
            .filter_map(|rule| match (&rule.level, rule.all.as_slice()) {
                (RuleLevel::Fixed(level), [When::Band { instrument: i, bands }])
                    if i == instrument && bands.iter().any(|b| b == band) =>
                {
                    Some(*level)
                }
                _ => None,
            })
            .max()
            .unwrap_or(self.default_level)
    }

    /// Whether any acute-risk condition holds (9-1-1 comes first).
    pub fn is_acute(&self, results: &Results) -> bool {
        self.acute.iter().any(|w| holds(w, results))
    }

    /// The exclusion criteria this client meets, each with the result that put them there.
    pub fn criteria_met(&self, results: &Results) -> Vec<(Criterion, Evidence)> {
        self.criteria
            .iter()
            .filter_map(|(criterion, any)| {
                any.iter().find(|w| holds(w, results)).map(|w| (*criterion, describe(w, results)))
            })
            .collect()
    }

    /// Resource levels to offer for a client's level, most fitting first.
    pub fn offered_levels(&self, level: Level) -> &[Level] {
        self.offer.get(&level).map_or(&[], |v| v.as_slice())
    }

    /// The conditions each result answers, with the phrase that explains it ("PHQ-9 17,
    /// moderately severe"). Only results that matter count: positive screens, bands above the
    /// lowest, or results with a flag.
    pub fn needs(&self, results: &Results) -> Vec<Need> {
        let mut out = Vec::new();
        for result in &results.results {
            let Some(conditions) = self.conditions.get(&result.instrument) else { continue };
            let flagged = results.flags.iter().any(|f| f.instrument == result.instrument);
            let excused =
                self.not_a_need.get(&result.instrument).is_some_and(|any| any.iter().any(|w| holds(w, results)));
            if (result.elevated && !excused) || flagged {
                out.push(Need { phrase: result_phrase(result), conditions: conditions.clone() });
            }
        }
        for flag in &results.flags {
            if results.result(&flag.instrument).is_some() {
                continue;
            }
            if let Some(conditions) = self.conditions.get(&flag.instrument) {
                out.push(Need {
                    phrase: Evidence::Raised { title: title_of(&flag.instrument, results), flag: flag.id.clone() },
                    conditions: conditions.clone(),
                });
            }
        }
        out
    }
}

/// A need the results show: which conditions, and the phrase for reasons.
/// The checks of one rules file, step by step in the file's order of sections; every problem
/// is kept with its place.
struct Parser<'a> {
    file: &'a str,
    source: &'a str,
    facts: &'a dyn InstrumentFacts,
    problems: Vec<Diagnostic>,
}

impl Parser<'_> {
    fn at(&mut self, span: Option<Range<usize>>, message: impl Into<String>) {
        self.problems.push(Diagnostic::at_span(self.file, self.source, span, message));
    }

    /// The conditions that hold, each checked against the instruments.
    fn whens(&mut self, list: Vec<Spanned<WhenDoc>>) -> Vec<When> {
        let mut out = Vec::new();
        for when in list {
            if let Some(w) = check_when(when, self.facts, &mut self.problems, self.file, self.source) {
                out.push(w);
            }
        }
        out
    }

    /// `[conditions]`: known instruments, each answering at least one condition.
    fn conditions(&mut self, doc: BTreeMap<Spanned<String>, Vec<Condition>>) -> BTreeMap<String, Vec<Condition>> {
        let mut conditions = BTreeMap::new();
        for (instrument, list) in doc {
            if !self.facts.exists(instrument.get_ref()) {
                self.at(Some(instrument.span()), unknown_instrument(instrument.get_ref(), self.facts));
            } else if list.is_empty() {
                self.at(
                    Some(instrument.span()),
                    format!("conditions for `{}` must not be empty", instrument.get_ref()),
                );
            }
            conditions.insert(instrument.into_inner(), list);
        }
        conditions
    }

    /// `[offer]`: resource levels for every level, under known level names.
    fn offer(&mut self, doc: BTreeMap<Spanned<String>, Vec<Level>>) -> BTreeMap<Level, Vec<Level>> {
        let mut offer = BTreeMap::new();
        for (key, levels) in doc {
            match Level::parse(key.get_ref()) {
                None => self.at(
                    Some(key.span()),
                    format!("unknown level `{}` in [offer]; expected crisis, 1, 2, 3, 4 or 5", key.get_ref()),
                ),
                Some(level) if levels.is_empty() => self.at(
                    Some(key.span()),
                    format!("[offer] for {} must list at least one resource level", level.phrase()),
                ),
                Some(level) => {
                    offer.insert(level, levels);
                }
            }
        }
        for level in Level::ALL {
            if !offer.contains_key(&level) {
                self.at(None, format!("[offer] has no entry for {}", level.phrase()));
            }
        }
        offer
    }

    /// `[not_a_need]`: results of known instruments that show no need.
    fn not_a_need(&mut self, doc: BTreeMap<Spanned<String>, Vec<Spanned<WhenDoc>>>) -> BTreeMap<String, Vec<When>> {
        let mut not_a_need = BTreeMap::new();
        for (instrument, list) in doc {
            if !self.facts.exists(instrument.get_ref()) {
                self.at(Some(instrument.span()), unknown_instrument(instrument.get_ref(), self.facts));
                continue;
            }
            let checked = self.whens(list);
            not_a_need.insert(instrument.into_inner(), checked);
        }
        not_a_need
    }

    /// `[[criteria]]`: each criterion defined once.
    fn criteria(&mut self, doc: Vec<CriterionDoc>) -> Vec<(Criterion, Vec<When>)> {
        let mut criteria: Vec<(Criterion, Vec<When>)> = Vec::new();
        for c in doc {
            if criteria.iter().any(|(id, _)| *id == c.id) {
                self.at(None, format!("criterion `{}` is defined twice", c.id));
            }
            let list = self.whens(c.any);
            criteria.push((c.id, list));
        }
        criteria
    }

    /// `[[rules]]`: unique ids, conditions, and a level or a step-up.
    fn rules(&mut self, doc: Vec<RuleDoc>) -> Vec<Rule> {
        let mut rules: Vec<Rule> = Vec::new();
        for r in doc {
            let id = r.id.get_ref().trim().to_string();
            if id.is_empty() {
                self.at(Some(r.id.span()), "rule `id` must not be empty");
            } else if rules.iter().any(|other| other.id == id) {
                self.at(Some(r.id.span()), format!("rule id `{id}` is used twice"));
            }
            if r.all.is_empty() {
                self.at(Some(r.id.span()), format!("rule `{id}` has no conditions (`all` is empty)"));
            }
            let all = self.whens(r.all);
            if let Some(level) = self.rule_level(&id, r.id.span(), r.level, r.step_up) {
                rules.push(Rule { id, level, all, note: r.note });
            }
        }
        rules
    }

    /// A rule's `level`, or its `step_up` through a known instrument's bands; exactly one.
    fn rule_level(
        &mut self,
        id: &str,
        id_span: Range<usize>,
        level: Option<Level>,
        step_up: Option<Spanned<String>>,
    ) -> Option<RuleLevel> {
        let facts = self.facts;
        match (level, step_up) {
            (Some(level), None) => Some(RuleLevel::Fixed(level)),
            (None, Some(instrument)) if !facts.exists(instrument.get_ref()) => {
                self.at(Some(instrument.span()), unknown_instrument(instrument.get_ref(), facts));
                None
            }
            (None, Some(instrument)) if facts.bands(instrument.get_ref()).is_empty() => {
                self.at(
                    Some(instrument.span()),
                    format!("`step_up`: {} has no bands to step up through", facts.short_title(instrument.get_ref())),
                );
                None
            }
            (None, Some(instrument)) => Some(RuleLevel::NextBandOf {
                bands: facts.bands(instrument.get_ref()),
                instrument: instrument.into_inner(),
            }),
            _ => {
                self.at(Some(id_span), format!("rule `{id}` needs exactly one of `level` or `step_up`"));
                None
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    pub phrase: Evidence,
    pub conditions: Vec<Condition>,
}

/// "Moderately severe" -> "moderately severe", but "Zone IV" stays as it is.
/// A band's label in both languages, as reasons show it.
fn band_words(band: &BandInfo) -> super::wording::BandWords {
    super::wording::BandWords { en: lower_first(&band.label), fr: lower_first(&band.label_fr) }
}

fn lower_first(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() && !label.contains(" I") => {
            first.to_lowercase().chain(label.chars().skip(1)).collect()
        }
        _ => label.to_string(),
    }
}

/// A flag id as words in English: `suicidal_ideation` -> "suicidal ideation".
pub fn flag_phrase(id: &str) -> String {
    super::wording::flag_words(id, crate::instrument::Lang::En)
}

fn title_of(instrument: &str, results: &Results) -> String {
    results.result(instrument).map_or_else(|| instrument.to_uppercase(), |r| r.title.clone())
}

fn result_phrase(result: &super::facts::ScreenResult) -> Evidence {
    Evidence::Result {
        title: result.title.clone(),
        total: result.total,
        band: result.band.as_ref().map(band_words),
        positive: result.positive,
    }
}

fn holds(when: &When, results: &Results) -> bool {
    match when {
        When::Band { instrument, bands } => {
            results.result(instrument).and_then(|r| r.band.as_ref()).is_some_and(|b| bands.contains(&b.id))
        }
        When::Positive { instrument, positive } => {
            results.result(instrument).and_then(|r| r.positive) == Some(*positive)
        }
        When::Flag { instrument, flag } => results.has_flag(instrument, flag),
        When::Total { instrument, min, max } => results
            .result(instrument)
            .and_then(|r| r.total)
            .is_some_and(|t| min.is_none_or(|m| t >= m) && max.is_none_or(|m| t <= m)),
        When::AnyFlag { severity } => results.flags.iter().any(|f| f.severity == *severity),
        When::Given { instrument, given, .. } => results.result(instrument).is_some() == *given,
    }
}

fn describe(when: &When, results: &Results) -> Evidence {
    match when {
        When::Band { instrument, .. } | When::Positive { instrument, .. } | When::Total { instrument, .. } => {
            results.result(instrument).map_or_else(|| Evidence::Instrument(instrument.clone()), result_phrase)
        }
        When::Flag { instrument, flag } => Evidence::Flag { title: title_of(instrument, results), flag: flag.clone() },
        When::AnyFlag { severity } => Evidence::AnyFlag {
            severity: *severity,
            raised: results
                .flags
                .iter()
                .filter(|f| f.severity == *severity)
                .map(|f| (title_of(&f.instrument, results), f.id.clone()))
                .collect(),
        },
        When::Given { given, title, .. } => Evidence::Given { title: title.clone(), given: *given },
    }
}

fn unknown_instrument(id: &str, facts: &dyn InstrumentFacts) -> String {
    format!(
        "unknown instrument `{}` (known: {})",
        crate::sanitize::terminal_text(id, false),
        facts.instrument_ids().join(", ")
    )
}

fn check_when(
    when: Spanned<WhenDoc>,
    facts: &dyn InstrumentFacts,
    problems: &mut Vec<Diagnostic>,
    file: &str,
    source: &str,
) -> Option<When> {
    let span = when.span();
    let w = when.into_inner();
    let mut fail = |span: std::ops::Range<usize>, message: String| {
        problems.push(Diagnostic::at_span(file, source, Some(span), message));
        None
    };
    let tests = [
        w.bands.is_some(),
        w.positive.is_some(),
        w.flag.is_some(),
        w.min_total.is_some() || w.max_total.is_some(),
        w.given.is_some(),
    ]
    .iter()
    .filter(|t| **t)
    .count();
    if let Some(severity) = w.flag_severity {
        if w.instrument.is_some() || tests > 0 {
            return fail(span, "`flag_severity` stands alone: it matches a flag of any instrument".into());
        }
        return Some(When::AnyFlag { severity });
    }
    let Some(instrument) = w.instrument else {
        return fail(span, "a condition needs `instrument` (or `flag_severity`)".into());
    };
    let id = instrument.get_ref().clone();
    if !facts.exists(&id) {
        return fail(instrument.span(), unknown_instrument(&id, facts));
    }
    if tests != 1 {
        return fail(
            span,
            "a condition needs exactly one of `bands`, `positive`, `flag`, `given`, or `min_total`/`max_total`".into(),
        );
    }
    if let Some(bands) = w.bands {
        let known = facts.bands(&id);
        if bands.is_empty() {
            return fail(span, "`bands` must not be empty".into());
        }
        for band in &bands {
            if !known.iter().any(|k| k.id == *band.get_ref()) {
                let names: Vec<&str> = known.iter().map(|k| k.id.as_str()).collect();
                return fail(
                    band.span(),
                    format!(
                        "{} has no band `{}` (bands: {})",
                        facts.short_title(&id),
                        band.get_ref(),
                        names.join(", ")
                    ),
                );
            }
        }
        return Some(When::Band { instrument: id, bands: bands.into_iter().map(Spanned::into_inner).collect() });
    }
    if let Some(positive) = w.positive {
        return Some(When::Positive { instrument: id, positive });
    }
    if let Some(given) = w.given {
        return Some(When::Given { title: facts.short_title(&id), instrument: id, given });
    }
    if let Some(flag) = w.flag {
        if facts.flag_severity(&id, flag.get_ref()).is_none() {
            let names: Vec<String> = facts.flags(&id).into_iter().map(|f| f.id).collect();
            return fail(
                flag.span(),
                format!("{} has no flag `{}` (flags: {})", facts.short_title(&id), flag.get_ref(), names.join(", ")),
            );
        }
        return Some(When::Flag { instrument: id, flag: flag.into_inner() });
    }
    let Some((low, high)) = facts.total_range(&id) else {
        return fail(span, format!("{} has no total", facts.short_title(&id)));
    };
    for bound in [w.min_total, w.max_total].into_iter().flatten() {
        if bound < low || bound > high {
            return fail(
                span,
                format!("{} totals run from {low} to {high}; {bound} is outside", facts.short_title(&id)),
            );
        }
    }
    if let (Some(min), Some(max)) = (w.min_total, w.max_total)
        && min > max
    {
        return fail(span, format!("`min_total` {min} is above `max_total` {max}"));
    }
    Some(When::Total { instrument: id, min: w.min_total, max: w.max_total })
}

#[cfg(test)]
mod tests {
    use super::super::facts::fake::FakeFacts;
    use super::super::facts::{PersonContext, resolve_results};
    use super::*;
    use crate::instrument::Lang as UiLang;

    const SHIPPED: &str = include_str!("../../questionnaires/triage-rules.toml");

    fn shipped() -> RuleSet {
        RuleSet::parse("triage-rules.toml", SHIPPED, &FakeFacts).unwrap()
    }

    fn results(totals: &[(&str, i64)], flags: &[&str]) -> Results {
        let totals: Vec<(String, i64)> = totals.iter().map(|(i, t)| (i.to_string(), *t)).collect();
        let flags: Vec<String> = flags.iter().map(|f| f.to_string()).collect();
        resolve_results(&FakeFacts, &totals, &flags, &PersonContext::default()).unwrap()
    }

    #[test]
    fn the_shipped_rules_are_valid() {
        let rules = shipped();
        assert!(!rules.rules.is_empty());
        assert_eq!(rules.offered_levels(Level::Crisis), &[Level::Crisis]);
    }

    #[test]
    fn a_band_rule_gives_its_level_and_the_reason() {
        let s = shipped().suggest(&results(&[("phq9", 17)], &[]));
        assert_eq!(s.level, Level::Four);
        assert_eq!(
            s.reasons_in(UiLang::En).first().map(String::as_str),
            Some("PHQ-9 17, moderately severe -> level 4")
        );
    }

    #[test]
    fn the_highest_level_wins_and_every_fired_rule_is_listed() {
        let s = shipped().suggest(&results(&[("phq9", 7), ("gad7", 16)], &[]));
        assert_eq!(s.level, Level::Four);
        assert!(
            s.reasons_in(UiLang::En).iter().any(|r| r.starts_with("PHQ-9 7, mild")),
            "{:?}",
            s.reasons_in(UiLang::En)
        );
        assert!(
            s.reasons_in(UiLang::En).iter().any(|r| r.starts_with("GAD-7 16, severe")),
            "{:?}",
            s.reasons_in(UiLang::En)
        );
    }

    #[test]
    fn any_critical_flag_makes_it_crisis_whatever_else() {
        let s = shipped().suggest(&results(&[("phq9", 2)], &["suicidal_ideation"]));
        assert_eq!(s.level, Level::Crisis);
        assert_eq!(s.reasons_in(UiLang::En)[0], "PHQ-9 flag: suicidal ideation (critical) -> crisis");
        assert_eq!(s.step_level, Level::One);
    }

    #[test]
    fn no_rule_gives_the_default_level_with_a_reason() {
        let s = shipped().suggest(&results(&[("phq9", 2)], &[]));
        assert_eq!(s.level, shipped().default_level);
        assert!(s.reasons_in(UiLang::En)[0].starts_with("no rule fired"));
    }

    #[test]
    fn combinations_need_every_condition() {
        let source = r#"
version = "t"
default_level = "1"
[offer]
crisis = ["crisis"]
"1" = ["1"]
"2" = ["2"]
"3" = ["3"]
"4" = ["4"]
"5" = ["5"]
[[rules]]
id = "both"
level = "4"
all = [ { instrument = "phq9", bands = ["moderate"] }, { instrument = "gad7", min_total = 10 } ]
"#;
        let rules = RuleSet::parse("t.toml", source, &FakeFacts).unwrap();
        assert_eq!(rules.suggest(&results(&[("phq9", 12)], &[])).level, Level::One);
        let s = rules.suggest(&results(&[("phq9", 12), ("gad7", 11)], &[]));
        assert_eq!(s.level, Level::Four);
        assert_eq!(s.reasons_in(UiLang::En), vec!["PHQ-9 12, moderate and GAD-7 11, moderate -> level 4".to_string()]);
    }

    #[test]
    fn errors_name_the_file_line_and_column() {
        let source = "version = \"t\"\ndefault_level = \"1\"\n[offer]\ncrisis = [\"crisis\"]\n\"1\" = [\"1\"]\n\"2\" = [\"2\"]\n\"3\" = [\"3\"]\n\"4\" = [\"4\"]\n\"5\" = [\"5\"]\n[[rules]]\nid = \"x\"\nlevel = \"4\"\nall = [ { instrument = \"phq9\", bands = [\"moderat\"] } ]\n";
        let errors = RuleSet::parse("r.toml", source, &FakeFacts).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 13);
        assert!(errors[0].message.contains("PHQ-9 has no band `moderat`"), "{}", errors[0]);

        let errors = RuleSet::parse("r.toml", &source.replace("phq9", "phq10"), &FakeFacts).unwrap_err();
        assert!(errors[0].message.starts_with("unknown instrument `phq10`"));

        let errors =
            RuleSet::parse("r.toml", &source.replace("level = \"4\"", "level = \"7\""), &FakeFacts).unwrap_err();
        assert!(errors[0].message.contains("unknown level `7`"), "{}", errors[0]);
        assert_eq!(errors[0].line, 12);

        let errors =
            RuleSet::parse("r.toml", &source.replace("id = \"x\"", "id = \"x\"\ncolour = 1"), &FakeFacts).unwrap_err();
        assert!(errors[0].message.contains("unknown field `colour`"), "{}", errors[0]);
    }

    #[test]
    fn missing_offer_levels_are_reported() {
        let source = "version = \"t\"\ndefault_level = \"1\"\n[offer]\ncrisis = [\"crisis\"]\n";
        let errors = RuleSet::parse("r.toml", source, &FakeFacts).unwrap_err();
        assert_eq!(errors.len(), 5);
        assert!(errors[0].message.contains("no entry for level 1"));
    }

    #[test]
    fn criteria_and_acute_risk_come_from_the_file() {
        let rules = shipped();
        let r = results(&[("phq9", 22)], &["suicidal_ideation"]);
        let met = rules.criteria_met(&r);
        assert!(met.iter().any(|(c, _)| *c == Criterion::SuicideRisk));
        assert!(!rules.is_acute(&r));
        assert!(rules.is_acute(&results(&[], &["asq.acute_positive"])));
    }

    #[test]
    fn needs_come_from_results_that_matter() {
        let rules = shipped();
        let needs = rules.needs(&results(&[("phq9", 3), ("gad7", 12)], &[]));
        assert_eq!(needs.len(), 1);
        assert_eq!(needs[0].phrase.to_string(), "GAD-7 12, moderate");
        assert_eq!(needs[0].conditions, vec![Condition::Anxiety]);
    }

    #[test]
    fn audit_flags_move_the_client_to_the_next_zones_level() {
        // (AUDIT total, flag, expected level): WHO "next highest level of intervention".
        let cases: &[(i64, &str, Level)] = &[
            (6, "audit.injury_or_concern_last_year", Level::Two),
            (6, "audit.dependence_items", Level::Two),
            (0, "audit.injury_or_concern_last_year", Level::Two),
            (8, "audit.injury_or_concern_last_year", Level::Three),
            (15, "audit.dependence_items", Level::Three),
            (16, "audit.injury_or_concern_last_year", Level::Five),
            (19, "audit.dependence_items", Level::Five),
            (20, "audit.injury_or_concern_last_year", Level::Five),
            (40, "audit.dependence_items", Level::Five),
        ];
        let rules = shipped();
        for (total, flag, expected) in cases {
            let s = rules.suggest(&results(&[("audit", *total)], &[flag]));
            assert_eq!(s.level, *expected, "AUDIT {total} with {flag}: {:?}", s.reasons_in(UiLang::En));
            assert!(
                s.reasons_in(UiLang::En).iter().any(|r| r.contains("next highest level of intervention")),
                "AUDIT {total} with {flag}: {:?}",
                s.reasons_in(UiLang::En)
            );
        }
        let without = rules.suggest(&results(&[("audit", 6)], &[]));
        assert_eq!(without.level, Level::One);
    }

    #[test]
    fn the_audit_step_up_reason_names_the_zone_it_came_from_and_went_to() {
        let s = shipped().suggest(&results(&[("audit", 6)], &["audit.injury_or_concern_last_year"]));
        assert_eq!(
            s.reasons_in(UiLang::En)[0],
            "AUDIT flag: injury or concern last year with AUDIT 6, Zone I (WHO: next highest level of \
             intervention, Zone II) -> level 2"
        );
        let top = shipped().suggest(&results(&[("audit", 25)], &["audit.dependence_items"]));
        assert!(
            top.reasons_in(UiLang::En).iter().any(|r| r.contains("already the highest band")),
            "{:?}",
            top.reasons_in(UiLang::En)
        );
    }

    #[test]
    fn an_audit_flag_without_a_total_steps_up_from_the_lowest_zone() {
        let s = shipped().suggest(&results(&[], &["audit.injury_or_concern_last_year"]));
        assert_eq!(s.level, Level::Two);
        assert!(
            s.reasons_in(UiLang::En)[0].contains("AUDIT band unknown, taken as the lowest"),
            "{:?}",
            s.reasons_in(UiLang::En)
        );
    }

    #[test]
    fn a_rule_needs_a_level_or_a_step_up_and_the_step_up_needs_bands() {
        let head = "version = \"t\"\ndefault_level = \"1\"\n[offer]\ncrisis = [\"crisis\"]\n\"1\" = [\"1\"]\n\"2\" = [\"2\"]\n\"3\" = [\"3\"]\n\"4\" = [\"4\"]\n\"5\" = [\"5\"]\n";
        let both = format!(
            "{head}[[rules]]\nid = \"x\"\nlevel = \"2\"\nstep_up = \"audit\"\nall = [ {{ instrument = \"audit\", flag = \"dependence_items\" }} ]\n"
        );
        let errors = RuleSet::parse("r.toml", &both, &FakeFacts).unwrap_err();
        assert!(errors[0].message.contains("exactly one of `level` or `step_up`"), "{}", errors[0]);
        let no_bands = both.replace("level = \"2\"\n", "").replace("step_up = \"audit\"", "step_up = \"auditc\"");
        let errors = RuleSet::parse("r.toml", &no_bands, &FakeFacts).unwrap_err();
        assert!(errors[0].message.contains("AUDIT-C has no bands"), "{}", errors[0]);
    }

    #[test]
    fn short_screens_feed_the_rules_until_their_full_instrument_is_given() {
        // (results, expected level, rule that must fire or "default").
        type Case = (&'static [(&'static str, i64)], Level, &'static str);
        let cases: &[Case] = &[
            (&[("phq2", 5)], Level::Three, "phq2-positive"),
            (&[("phq2", 3)], Level::Three, "phq2-positive"),
            (&[("phq2", 2)], Level::One, "default"),
            (&[("gad2", 3)], Level::Three, "gad2-positive"),
            (&[("gad2", 2)], Level::One, "default"),
            (&[("who5", 12)], Level::Two, "who5-poor-wellbeing"),
            (&[("who5", 8)], Level::Two, "who5-poor-wellbeing"),
            (&[("who5", 7)], Level::Three, "who5-likely-depression"),
            (&[("who5", 13)], Level::One, "default"),
            // The full instrument decides once given: PHQ-9 mild stays level 2.
            (&[("phq2", 4), ("phq9", 7)], Level::Two, "phq9-mild"),
            (&[("gad2", 4), ("gad7", 3)], Level::One, "default"),
            (&[("who5", 5), ("phq9", 3)], Level::One, "default"),
        ];
        let rules = shipped();
        for (totals, expected, rule) in cases {
            let s = rules.suggest(&results(totals, &[]));
            assert_eq!(s.level, *expected, "{totals:?}: {:?}", s.reasons_in(UiLang::En));
            assert!(s.fired.iter().any(|f| f == rule), "{totals:?}: {:?}", s.fired);
        }
    }

    #[test]
    fn a_dast10_total_of_one_is_not_a_substance_use_need() {
        let rules = shipped();
        assert!(rules.needs(&results(&[("dast10", 1)], &[])).is_empty());
        let two = rules.needs(&results(&[("dast10", 2)], &[]));
        assert_eq!(two.len(), 1);
        assert_eq!(two[0].conditions, vec![Condition::SubstanceUse]);
        assert_eq!(rules.suggest(&results(&[("dast10", 1)], &[])).level, Level::One);
    }

    proptest::proptest! {
        /// An AUDIT flag never lowers the level, and raises it to exactly the next zone's level
        /// (the same zone's at zone IV), whatever the total.
        #[test]
        fn an_audit_flag_moves_exactly_one_zone_up(total in 0i64..=40, injury in proptest::bool::ANY) {
            let rules = shipped();
            let flag = if injury { "audit.injury_or_concern_last_year" } else { "audit.dependence_items" };
            let plain = rules.suggest(&results(&[("audit", total)], &[])).level;
            let flagged = rules.suggest(&results(&[("audit", total)], &[flag])).level;
            let zone_of = |t: i64| match t { 0..=7 => 0, 8..=15 => 1, 16..=19 => 2, _ => 3 };
            let zone_level = [Level::One, Level::Two, Level::Three, Level::Five];
            let zone = zone_of(total);
            proptest::prop_assert_eq!(plain, zone_level[zone]);
            proptest::prop_assert_eq!(flagged, zone_level[(zone + 1).min(3)]);
            proptest::prop_assert!(flagged >= plain);
        }
    }
}
