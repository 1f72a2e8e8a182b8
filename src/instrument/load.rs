//! Reading one questionnaire file: TOML syntax, unknown keys, and every semantic check that can be
//! made inside the file. Checks across files (follow-ups, derived forms, cycles) are in `library`.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::expr::{self, Expr, Scope};
use super::model::*;
use crate::diagnostic::Diagnostic;

mod questions;
mod scoring;

type RawText = Spanned<BTreeMap<String, String>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstrument {
    id: Spanned<String>,
    version: Spanned<String>,
    languages: Spanned<Vec<Spanned<String>>>,
    language_note: Option<String>,
    population: Option<String>,
    title: RawText,
    short_title: Option<RawText>,
    stem: Option<RawText>,
    timeframe: Option<RawText>,
    source: RawSource,
    #[serde(default)]
    loinc: RawLoinc,
    option_sets: Vec<RawOptionSet>,
    items: Vec<RawItem>,
    #[serde(default)]
    scores: Vec<RawScore>,
    #[serde(default)]
    band_schemes: Vec<RawBandScheme>,
    positive: Option<Spanned<RawPositive>>,
    #[serde(default)]
    flags: Vec<RawFlag>,
    #[serde(default)]
    follow_ups: Vec<RawFollowUp>,
    #[serde(default)]
    derived: Vec<RawDerived>,
    change: Option<RawChange>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    citation: String,
    licence: String,
    url: Option<String>,
    text_provenance: Option<String>,
    /// Where the French instrument text comes from (publisher, title, address, date seen):
    /// required when the file declares `fr`.
    french_text_provenance: Option<Spanned<String>>,
    notes: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLoinc {
    panel: Option<String>,
    total: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOptionSet {
    id: Spanned<String>,
    options: Spanned<Vec<RawOption>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    code: Spanned<String>,
    value: Spanned<i64>,
    text: RawText,
    loinc: Option<String>,
    #[serde(default)]
    keys: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: Spanned<String>,
    options: Spanned<String>,
    text: RawText,
    loinc: Option<String>,
    required: Option<bool>,
    scored: Option<bool>,
    enable_when: Option<Spanned<String>>,
    if_skipped: Option<Spanned<i64>>,
    use_stem: Option<bool>,
    #[serde(default)]
    suicide_question: bool,
    instructions: Option<RawText>,
    hint: Option<RawText>,
    /// An optional, unscored item whose French wording the file's French source does not give
    /// (PHQ-9's difficulty question): it keeps its English text in a French instrument.
    english_only: Option<Spanned<bool>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScore {
    id: Spanned<String>,
    items: Spanned<Vec<Spanned<String>>>,
    multiplier: Option<i64>,
    offset: Option<i64>,
    label: Option<RawText>,
    kind: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBandScheme {
    id: Spanned<String>,
    score: Option<Spanned<String>>,
    #[serde(default)]
    default: bool,
    label: Option<RawText>,
    bands: Option<Spanned<Vec<RawBand>>>,
    rules: Option<Spanned<Vec<RawRule>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBand {
    id: Spanned<String>,
    min: Spanned<i64>,
    max: Spanned<i64>,
    label: RawText,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    when: Spanned<String>,
    label: RawText,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPositive {
    score: Option<Spanned<String>>,
    cutoff: Option<Spanned<i64>>,
    allowed_cutoffs: Option<Spanned<Vec<i64>>>,
    #[serde(default)]
    by_context: Vec<RawContextCutoff>,
    when: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContextCutoff {
    when: Spanned<String>,
    cutoff: Spanned<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFlag {
    id: Spanned<String>,
    severity: Spanned<String>,
    when: Spanned<String>,
    item: Option<Spanned<String>>,
    follow_up: Option<Spanned<String>>,
    label: RawText,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFollowUp {
    when: Spanned<String>,
    instrument: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDerived {
    instrument: Spanned<String>,
    items: Spanned<Vec<(Spanned<String>, Spanned<String>)>>,
    #[serde(default)]
    value_offset: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChange {
    score: Spanned<String>,
    caseness: i64,
    reliable_change: Spanned<i64>,
    #[serde(default)]
    higher_is_better: bool,
    source: String,
}

/// A reference to another instrument, checked once every file is loaded.
#[derive(Debug, Clone)]
pub struct Reference {
    pub target: String,
    pub what: &'static str,
    pub location: Diagnostic,
    /// For derived forms: (short form item id, location) pairs and the value offset.
    pub derived_items: Vec<(usize, String, Diagnostic)>,
    pub value_offset: i64,
}

/// One instrument file after its own checks.
pub struct LoadedFile {
    pub instrument: Instrument,
    pub references: Vec<Reference>,
}

/// Collects diagnostics for one file.
struct Checker<'a> {
    file: &'a str,
    source: &'a str,
    errors: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn at(&self, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::at_span(self.file, self.source, Some(span), message)
    }
    fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        let diagnostic = self.at(span, message);
        self.errors.push(diagnostic);
    }

    fn text(&mut self, raw: &RawText, languages: &[Lang], what: &str) -> Text {
        let mut text = BTreeMap::new();
        for (key, value) in raw.get_ref() {
            match Lang::parse(key) {
                Some(lang) if languages.contains(&lang) => {
                    if value.trim().is_empty() {
                        self.error(raw.span(), format!("{what}: the `{key}` text is empty"));
                    }
                    text.insert(lang, value.clone());
                }
                Some(_) => self.error(
                    raw.span(),
                    format!("{what} has `{key}` text but `{key}` is not in this file's `languages`"),
                ),
                None => self.error(raw.span(), format!("{what}: unknown language `{key}` (use en or fr)")),
            }
        }
        for lang in languages {
            if !text.contains_key(lang) {
                self.error(
                    raw.span(),
                    format!("{what} has no `{}` text, but the file declares that language", lang.code()),
                );
            }
        }
        Text(text)
    }

    /// Our own interface text (score, band and flag labels, hints): always English and French,
    /// whatever the instrument's languages, because it is ours to translate. Instrument wording
    /// (title, stem, time frame, items, instructions, options) goes through `text` instead and
    /// may be French only when the file declares `fr` and cites its French source.
    fn our_text(&mut self, raw: &RawText, what: &str) -> Text {
        let missing: Vec<&str> =
            Lang::ALL.iter().filter(|l| !raw.get_ref().contains_key(l.code())).map(|l| l.code()).collect();
        if !missing.is_empty() {
            self.error(
                raw.span(),
                format!("{what} is our own text and needs both `en` and `fr` (missing: {})", missing.join(", ")),
            );
            return Text::default();
        }
        self.text(raw, &Lang::ALL, what)
    }

    fn identifier(&mut self, id: &Spanned<String>, what: &str) {
        let valid = !id.get_ref().is_empty()
            && id.get_ref().chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid {
            self.error(id.span(), format!("{what} `{}` must be lower-case letters, digits or _", id.get_ref()));
        }
    }

    fn condition(&mut self, text: &Spanned<String>, scope: &dyn Scope) -> Option<Expr> {
        match expr::parse(text.get_ref(), scope) {
            Ok(expr) => Some(expr),
            Err(error) => {
                let offset = string_offset(self.source, text.span().start, error.offset);
                self.error(offset..offset, format!("in condition `{}`: {}", text.get_ref(), error.message));
                None
            }
        }
    }
}

/// Maps an offset inside a TOML string value to its byte offset in the file, allowing for the
/// opening quote(s) and backslash escapes.
fn string_offset(source: &str, value_start: usize, offset_in_value: usize) -> usize {
    let raw = source.get(value_start..).unwrap_or("");
    let (quote_len, basic) = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
        (3, raw.starts_with('"'))
    } else {
        (1, raw.starts_with('"'))
    };
    let mut remaining = offset_in_value;
    let mut chars = raw.char_indices().skip(quote_len).peekable();
    while let Some((index, c)) = chars.next() {
        if remaining == 0 {
            return value_start + index;
        }
        if basic && c == '\\' {
            if let Some((_, 'u')) = chars.peek() {
                (0..5).for_each(|_| {
                    chars.next();
                });
            } else if let Some((_, 'U')) = chars.peek() {
                (0..9).for_each(|_| {
                    chars.next();
                });
            } else {
                chars.next();
            }
        }
        remaining = remaining.saturating_sub(c.len_utf8().max(1));
    }
    value_start + raw.len()
}

/// Resolves names for conditions inside one instrument.
struct InstrumentScope<'a> {
    items: &'a [Item],
    option_sets: &'a [OptionSet],
    /// Items at or after this index are not visible (skip rules may look only backwards).
    visible_items: usize,
    scores: &'a [String],
    positive: bool,
}

impl Scope for InstrumentScope<'_> {
    fn item(&self, name: &str) -> Option<usize> {
        self.items[..self.visible_items].iter().position(|item| item.id == name)
    }
    fn item_has_code(&self, item: usize, code: &str) -> bool {
        self.option_sets[self.items[item].option_set].options.iter().any(|o| o.code == code)
    }
    fn item_has_value(&self, item: usize, value: i64) -> bool {
        self.option_sets[self.items[item].option_set].options.iter().any(|o| o.value == value)
            || self.items[item].if_skipped == Some(value)
    }
    fn item_range(&self, item: usize) -> (i64, i64) {
        item_value_range(&self.items[item], self.option_sets)
    }
    fn score(&self, name: &str) -> Option<usize> {
        self.scores.iter().position(|s| s == name)
    }
    fn allows_positive(&self) -> bool {
        self.positive
    }
}

fn item_value_range(item: &Item, option_sets: &[OptionSet]) -> (i64, i64) {
    let values = option_sets[item.option_set].options.iter().map(|o| o.value);
    let values: Vec<i64> = values.chain(item.if_skipped.filter(|_| item.enable_when.is_some())).collect();
    (values.iter().copied().min().unwrap_or(0), values.iter().copied().max().unwrap_or(0))
}

/// Loads and checks one instrument file. On failure, every problem found is returned.
pub fn load_instrument(file: &str, source: &str) -> Result<LoadedFile, Vec<Diagnostic>> {
    let raw: RawInstrument = toml::from_str(source).map_err(|e| vec![Diagnostic::from_toml(file, source, &e)])?;
    let mut c = Checker { file, source, errors: Vec::new() };

    c.identifier(&raw.id, "instrument id");
    if raw.id.get_ref().contains('_') {
        c.error(raw.id.span(), "instrument ids are lower case without punctuation (e.g. phq9)");
    }
    if raw.version.get_ref().trim().is_empty() {
        c.error(raw.version.span(), "version is empty");
    }

    let languages = questions::languages(&mut c, &raw);
    let title = c.text(&raw.title, &languages, "title");
    let short_title = match &raw.short_title {
        Some(t) => c.text(t, &languages, "short_title"),
        None => title.clone(),
    };
    let stem = raw.stem.as_ref().map(|t| c.text(t, &languages, "stem"));
    let timeframe = raw.timeframe.as_ref().map(|t| c.text(t, &languages, "timeframe"));
    if raw.source.citation.trim().is_empty() || raw.source.licence.trim().is_empty() {
        c.error(raw.id.span(), "source.citation and source.licence must both be given");
    }

    let option_sets = questions::option_sets(&mut c, &raw, &languages);

    let mut items = questions::items(&mut c, &raw, &languages, &option_sets);
    if items.is_empty() {
        c.error(raw.id.span(), "an instrument needs at least one item");
    }
    if !c.errors.is_empty() {
        // Later checks index option sets and items; stop before they see broken references.
        return Err(c.errors);
    }
    questions::conditions(&mut c, &raw, &mut items, &option_sets);

    let scores = scoring::scores(&mut c, &raw, &items, &option_sets);
    let known = scoring::Known::new(&items, &option_sets, &scores);

    let (band_schemes, default_scheme) = scoring::band_schemes(&mut c, &raw, &known);
    let positive = scoring::positive(&mut c, &raw, &known);

    // Flags, follow-ups, derived forms, change.
    let mut references = Vec::new();
    let flags = scoring::flags(&mut c, &raw, &known, &mut references);
    let follow_ups = scoring::follow_ups(&mut c, &raw, &known, &mut references);
    let derived = scoring::derived(&mut c, &raw, &known, &mut references);
    let change = scoring::change(&mut c, &raw, &known);

    if !c.errors.is_empty() {
        return Err(c.errors);
    }
    Ok(LoadedFile {
        instrument: Instrument {
            id: raw.id.into_inner(),
            version: raw.version.into_inner(),
            file: file.to_string(),
            languages,
            language_note: raw.language_note,
            population: raw.population,
            title,
            short_title,
            stem,
            timeframe,
            source: Source {
                citation: raw.source.citation,
                licence: raw.source.licence,
                url: raw.source.url,
                text_provenance: raw.source.text_provenance,
                french_text_provenance: raw.source.french_text_provenance.map(Spanned::into_inner),
                notes: raw.source.notes,
            },
            loinc: Loinc { panel: raw.loinc.panel, total: raw.loinc.total },
            option_sets,
            items,
            scores,
            band_schemes,
            default_scheme,
            positive,
            flags,
            follow_ups,
            derived,
            change,
        },
        references,
    })
}

fn reference(c: &Checker, target: &Spanned<String>, what: &'static str) -> Reference {
    Reference {
        target: target.get_ref().clone(),
        what,
        location: c.at(target.span(), ""),
        derived_items: Vec::new(),
        value_offset: 0,
    }
}

/// Bands must tile the score's range: no gap, no overlap, nothing outside.
fn check_band_coverage(c: &mut Checker, bands: &Spanned<Vec<RawBand>>, (low, high): (i64, i64), scheme: &str) {
    let mut sorted: Vec<&RawBand> = bands.get_ref().iter().collect();
    sorted.sort_by_key(|b| *b.min.get_ref());
    let Some(first) = sorted.first() else {
        c.error(bands.span(), format!("band scheme `{scheme}` has no bands"));
        return;
    };
    if *first.min.get_ref() != low {
        let problem = if *first.min.get_ref() < low { "starts below" } else { "leaves a gap at the start of" };
        c.error(first.min.span(), format!("band `{}` {problem} the score's range {low} to {high}", first.id.get_ref()));
    }
    for pair in sorted.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let (a_max, b_min) = (*a.max.get_ref(), *b.min.get_ref());
        if b_min <= a_max {
            c.error(
                b.min.span(),
                format!("band `{}` overlaps band `{}` ({} is in both)", b.id.get_ref(), a.id.get_ref(), b_min),
            );
        } else if b_min > a_max + 1 {
            c.error(
                b.min.span(),
                format!(
                    "gap between band `{}` and band `{}`: {} to {} is in no band",
                    a.id.get_ref(),
                    b.id.get_ref(),
                    a_max + 1,
                    b_min - 1
                ),
            );
        }
    }
    if let Some(last) = sorted.last()
        && *last.max.get_ref() != high
    {
        let problem = if *last.max.get_ref() > high { "goes above" } else { "stops short of the top of" };
        c.error(last.max.span(), format!("band `{}` {problem} the score's range {low} to {high}", last.id.get_ref()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_offsets_allow_for_quotes_and_escapes() {
        let source = r#"when = "q1 == \"yes\" and q9 > 0""#;
        let start = source.find('"').unwrap_or(0);
        // offset 12 in the value is the `a` of `and`
        let at = string_offset(source, start, 12);
        assert_eq!(&source[at..at + 3], "and");
    }
}
