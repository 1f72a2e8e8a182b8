//! Reading one questionnaire file: TOML syntax, unknown keys, and every semantic check that can be
//! made inside the file. Checks across files (follow-ups, derived forms, cycles) are in `library`.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::expr::{self, Expr, Scope};
use super::model::*;
use crate::diagnostic::Diagnostic;

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

    let mut languages = Vec::new();
    for lang in raw.languages.get_ref() {
        match Lang::parse(lang.get_ref()) {
            Some(l) if languages.contains(&l) => {
                c.error(lang.span(), format!("language `{}` is listed twice", lang.get_ref()))
            }
            Some(l) => languages.push(l),
            None => c.error(lang.span(), format!("unknown language `{}` (use en or fr)", lang.get_ref())),
        }
    }
    if languages.is_empty() {
        c.error(raw.languages.span(), "an instrument needs at least one language");
        languages.push(Lang::En);
    }
    if !languages.contains(&Lang::Fr) && raw.language_note.is_none() {
        c.error(raw.languages.span(), "an instrument offered without French must say why in `language_note`");
    }
    match &raw.source.french_text_provenance {
        None if languages.contains(&Lang::Fr) => c.error(
            raw.languages.span(),
            "an instrument offered in French must cite its French text in `source.french_text_provenance`",
        ),
        Some(provenance) if !languages.contains(&Lang::Fr) => c.error(
            provenance.span(),
            "`source.french_text_provenance` is given but `fr` is not in this file's `languages`",
        ),
        _ => {}
    }

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

    // Option sets.
    let mut option_sets = Vec::new();
    for set in &raw.option_sets {
        c.identifier(&set.id, "option set id");
        if option_sets.iter().any(|s: &OptionSet| s.id == *set.id.get_ref()) {
            c.error(set.id.span(), format!("duplicate option set id `{}`", set.id.get_ref()));
        }
        if set.options.get_ref().is_empty() {
            c.error(set.options.span(), format!("option set `{}` has no options", set.id.get_ref()));
        }
        // Options asked only by English-only items are English only too.
        let mut users = raw.items.iter().filter(|item| item.options.get_ref() == set.id.get_ref()).peekable();
        let english_only_set =
            users.peek().is_some() && users.all(|item| item.english_only.as_ref().is_some_and(|e| *e.get_ref()));
        let set_languages: &[Lang] = if english_only_set { &[Lang::En] } else { &languages };
        let mut options: Vec<AnswerOption> = Vec::new();
        for option in set.options.get_ref() {
            c.identifier(&option.code, "option code");
            if options.iter().any(|o| o.code == *option.code.get_ref()) {
                c.error(option.code.span(), format!("duplicate option code `{}`", option.code.get_ref()));
            }
            if options.iter().any(|o| o.value == *option.value.get_ref()) {
                c.error(
                    option.value.span(),
                    format!(
                        "two options of `{}` share the value {}: a scored value must identify its option",
                        set.id.get_ref(),
                        option.value.get_ref()
                    ),
                );
            }
            let text = c.text(&option.text, set_languages, &format!("option `{}`", option.code.get_ref()));
            options.push(AnswerOption {
                code: option.code.get_ref().clone(),
                value: *option.value.get_ref(),
                text,
                loinc: option.loinc.clone(),
                keys: option.keys.clone(),
            });
        }
        option_sets.push(OptionSet { id: set.id.get_ref().clone(), options });
    }

    // Items (conditions are resolved after every item is known).
    let mut items: Vec<Item> = Vec::new();
    for item in &raw.items {
        c.identifier(&item.id, "item id");
        if items.iter().any(|i| i.id == *item.id.get_ref()) {
            c.error(item.id.span(), format!("duplicate item id `{}`", item.id.get_ref()));
        }
        let option_set = option_sets.iter().position(|s| s.id == *item.options.get_ref()).unwrap_or_else(|| {
            c.error(item.options.span(), format!("unknown option set `{}`", item.options.get_ref()));
            usize::MAX
        });
        let english_only = item.english_only.as_ref().is_some_and(|e| *e.get_ref());
        if let Some(flag) = item.english_only.as_ref().filter(|e| *e.get_ref())
            && (item.required.unwrap_or(true) || item.scored.unwrap_or(true))
        {
            c.error(
                flag.span(),
                format!(
                    "item `{}` is English only, which only an optional unscored item may be (set `required = false` and `scored = false`)",
                    item.id.get_ref()
                ),
            );
        }
        let item_languages: &[Lang] = if english_only { &[Lang::En] } else { &languages };
        let text = c.text(&item.text, item_languages, &format!("item `{}`", item.id.get_ref()));
        let instructions = item
            .instructions
            .as_ref()
            .map(|t| c.text(t, item_languages, &format!("item `{}` instructions", item.id.get_ref())));
        // Our own interface text is always in both languages, whatever the instrument offers.
        let hint = item.hint.as_ref().map(|t| c.our_text(t, &format!("item `{}` hint", item.id.get_ref())));
        items.push(Item {
            id: item.id.get_ref().clone(),
            text,
            option_set,
            loinc: item.loinc.clone(),
            required: item.required.unwrap_or(true),
            scored: item.scored.unwrap_or(true),
            enable_when: None,
            enable_when_text: item.enable_when.as_ref().map(|w| w.get_ref().clone()),
            if_skipped: item.if_skipped.as_ref().map(|v| *v.get_ref()),
            use_stem: item.use_stem.unwrap_or(true),
            suicide_question: item.suicide_question,
            english_only,
            instructions,
            hint,
        });
    }
    if items.is_empty() {
        c.error(raw.id.span(), "an instrument needs at least one item");
    }
    if !c.errors.is_empty() {
        // Later checks index option sets and items; stop before they see broken references.
        return Err(c.errors);
    }
    for (index, raw_item) in raw.items.iter().enumerate() {
        if let Some(when) = &raw_item.enable_when {
            let scope = InstrumentScope {
                items: &items,
                option_sets: &option_sets,
                visible_items: index,
                scores: &[],
                positive: false,
            };
            let parsed = c.condition(when, &scope);
            items[index].enable_when = parsed;
        }
        if let Some(skipped) = &raw_item.if_skipped
            && raw_item.enable_when.is_none()
        {
            c.error(skipped.span(), "`if_skipped` needs an `enable_when` condition");
        }
    }

    // Scores.
    let mut scores: Vec<Score> = Vec::new();
    for score in &raw.scores {
        c.identifier(&score.id, "score id");
        if scores.iter().any(|s| s.id == *score.id.get_ref()) || items.iter().any(|i| i.id == *score.id.get_ref()) {
            c.error(
                score.id.span(),
                format!("duplicate id `{}` (scores and items share one namespace)", score.id.get_ref()),
            );
        }
        let kind = match score.kind.as_ref().map(|k| k.get_ref().as_str()) {
            None if score.id.get_ref() == "total" => ScoreKind::Total,
            None | Some("subscale") => ScoreKind::Subscale,
            Some("total") => ScoreKind::Total,
            Some("derived") => ScoreKind::Derived,
            Some(other) => {
                let span = score.kind.as_ref().map_or(score.id.span(), |k| k.span());
                c.error(span, format!("unknown score kind `{other}` (total, subscale or derived)"));
                ScoreKind::Subscale
            }
        };
        if kind == ScoreKind::Total && scores.iter().any(|s| s.kind == ScoreKind::Total) {
            c.error(score.id.span(), "an instrument has at most one total");
        }
        let mut indices = Vec::new();
        for item in score.items.get_ref() {
            match items.iter().position(|i| i.id == *item.get_ref()) {
                Some(i) if indices.contains(&i) => {
                    c.error(item.span(), format!("item `{}` is counted twice", item.get_ref()))
                }
                Some(i) if !items[i].scored => {
                    c.error(item.span(), format!("item `{}` is marked `scored = false`", item.get_ref()))
                }
                Some(i) => indices.push(i),
                None => {
                    c.error(item.span(), format!("unknown item `{}` in score `{}`", item.get_ref(), score.id.get_ref()))
                }
            }
        }
        if score.items.get_ref().is_empty() {
            c.error(score.items.span(), "a score needs at least one item");
        }
        let multiplier = score.multiplier.unwrap_or(1);
        let offset = score.offset.unwrap_or(0);
        let (low, high) = indices.iter().fold((0, 0), |(low, high), &i| {
            let (l, h) = item_value_range(&items[i], &option_sets);
            (low + l, high + h)
        });
        let (a, b) = (low * multiplier + offset, high * multiplier + offset);
        let label = match &score.label {
            Some(label) => c.our_text(label, &format!("score `{}`", score.id.get_ref())),
            None => Text(Lang::ALL.iter().map(|l| (*l, score.id.get_ref().clone())).collect()),
        };
        scores.push(Score {
            id: score.id.get_ref().clone(),
            kind,
            items: indices,
            multiplier,
            offset,
            label,
            range: (a.min(b), a.max(b)),
        });
    }
    let score_names: Vec<String> = scores.iter().map(|s| s.id.clone()).collect();
    let full_scope = |positive| InstrumentScope {
        items: &items,
        option_sets: &option_sets,
        visible_items: items.len(),
        scores: &score_names,
        positive,
    };
    let find_score = |c: &mut Checker, name: &Spanned<String>| {
        let found = scores.iter().position(|s| s.id == *name.get_ref());
        if found.is_none() {
            c.error(name.span(), format!("unknown score `{}`", name.get_ref()));
        }
        found
    };

    // Band schemes.
    let mut band_schemes = Vec::new();
    let mut default_scheme = None;
    for scheme in &raw.band_schemes {
        c.identifier(&scheme.id, "band scheme id");
        if band_schemes.iter().any(|s: &BandScheme| s.id == *scheme.id.get_ref()) {
            c.error(scheme.id.span(), format!("duplicate band scheme id `{}`", scheme.id.get_ref()));
        }
        if scheme.default {
            if default_scheme.is_some() {
                c.error(scheme.id.span(), "only one band scheme may be the default");
            }
            default_scheme = Some(band_schemes.len());
        }
        let label = match &scheme.label {
            Some(label) => c.our_text(label, &format!("band scheme `{}`", scheme.id.get_ref())),
            None => Text(Lang::ALL.iter().map(|l| (*l, scheme.id.get_ref().clone())).collect()),
        };
        let mut bands: Vec<Band> = Vec::new();
        let score = match (&scheme.score, &scheme.bands, &scheme.rules) {
            (Some(score_name), Some(raw_bands), None) => {
                let score = find_score(&mut c, score_name);
                for band in raw_bands.get_ref() {
                    c.identifier(&band.id, "band id");
                    if bands.iter().any(|b| b.id == *band.id.get_ref()) {
                        c.error(band.id.span(), format!("duplicate band id `{}`", band.id.get_ref()));
                    }
                    if band.min.get_ref() > band.max.get_ref() {
                        c.error(
                            band.min.span(),
                            format!(
                                "band `{}` has min {} above max {}",
                                band.id.get_ref(),
                                band.min.get_ref(),
                                band.max.get_ref()
                            ),
                        );
                    }
                    let label = c.our_text(&band.label, &format!("band `{}`", band.id.get_ref()));
                    bands.push(Band {
                        id: band.id.get_ref().clone(),
                        label,
                        min: Some(*band.min.get_ref()),
                        max: Some(*band.max.get_ref()),
                        when: None,
                    });
                }
                if let Some(score) = score {
                    check_band_coverage(&mut c, raw_bands, scores[score].range, scheme.id.get_ref());
                }
                score
            }
            (None, None, Some(rules)) => {
                for (index, rule) in rules.get_ref().iter().enumerate() {
                    c.identifier(&rule.id, "band id");
                    if bands.iter().any(|b| b.id == *rule.id.get_ref()) {
                        c.error(rule.id.span(), format!("duplicate band id `{}`", rule.id.get_ref()));
                    }
                    let when = c.condition(&rule.when, &full_scope(false));
                    if index + 1 == rules.get_ref().len() && rule.when.get_ref().trim() != "true" {
                        c.error(rule.when.span(), "the last rule of a classification must be `when = \"true\"` so every answer set has a band");
                    }
                    let label = c.our_text(&rule.label, &format!("band `{}`", rule.id.get_ref()));
                    bands.push(Band { id: rule.id.get_ref().clone(), label, min: None, max: None, when });
                }
                None
            }
            _ => {
                c.error(scheme.id.span(), "a band scheme needs either `score` with `bands`, or `rules`");
                None
            }
        };
        band_schemes.push(BandScheme { id: scheme.id.get_ref().clone(), label, score, bands });
    }
    if default_scheme.is_none()
        && let Some(first) = raw.band_schemes.first()
    {
        c.error(first.id.span(), "one band scheme must be marked `default = true`");
    }

    // Positive screen.
    let positive = raw.positive.as_ref().and_then(|positive| {
        let p = positive.get_ref();
        match (&p.score, &p.cutoff, &p.when) {
            (Some(score_name), Some(cutoff), None) => {
                let score = find_score(&mut c, score_name)?;
                let (low, high) = scores[score].range;
                let in_range = |value: i64| (low..=high).contains(&value);
                if !in_range(*cutoff.get_ref()) {
                    c.error(
                        cutoff.span(),
                        format!("cut-off {} is outside the score's range {low} to {high}", cutoff.get_ref()),
                    );
                }
                let allowed = p.allowed_cutoffs.as_ref().map(|a| a.get_ref().clone()).unwrap_or_default();
                if let Some(raw_allowed) = &p.allowed_cutoffs
                    && (!allowed.contains(cutoff.get_ref()) || allowed.iter().any(|v| !in_range(*v)))
                {
                    c.error(
                        raw_allowed.span(),
                        "allowed_cutoffs must include `cutoff` and lie within the score's range",
                    );
                }
                let mut by_context = Vec::new();
                for rule in &p.by_context {
                    if !in_range(*rule.cutoff.get_ref()) {
                        c.error(
                            rule.cutoff.span(),
                            format!("cut-off {} is outside the score's range {low} to {high}", rule.cutoff.get_ref()),
                        );
                    }
                    if let Some(when) = c.condition(&rule.when, &full_scope(false)) {
                        by_context.push(ContextCutoff {
                            when,
                            when_text: rule.when.get_ref().clone(),
                            cutoff: *rule.cutoff.get_ref(),
                        });
                    }
                }
                Some(Positive::Cutoff { score, cutoff: *cutoff.get_ref(), allowed, by_context })
            }
            (None, None, Some(when)) => {
                if !p.by_context.is_empty() || p.allowed_cutoffs.is_some() {
                    c.error(positive.span(), "`by_context` and `allowed_cutoffs` apply only to a `cutoff`");
                }
                let expr = c.condition(when, &full_scope(false))?;
                Some(Positive::When { when: expr, text: when.get_ref().clone() })
            }
            _ => {
                c.error(positive.span(), "a positive screen needs either `score` with `cutoff`, or `when`");
                None
            }
        }
    });

    // Flags, follow-ups, derived forms, change.
    let mut references = Vec::new();
    let mut flags: Vec<Flag> = Vec::new();
    for flag in &raw.flags {
        c.identifier(&flag.id, "flag id");
        if flags.iter().any(|f| f.id == *flag.id.get_ref()) {
            c.error(flag.id.span(), format!("duplicate flag id `{}`", flag.id.get_ref()));
        }
        let severity = match flag.severity.get_ref().as_str() {
            "critical" => Severity::Critical,
            "urgent" => Severity::Urgent,
            "warning" => Severity::Warning,
            other => {
                c.error(flag.severity.span(), format!("unknown severity `{other}` (critical, urgent or warning)"));
                Severity::Warning
            }
        };
        let item = flag.item.as_ref().and_then(|item| {
            let found = items.iter().position(|i| i.id == *item.get_ref());
            if found.is_none() {
                c.error(item.span(), format!("unknown item `{}`", item.get_ref()));
            }
            found
        });
        if let Some(target) = &flag.follow_up {
            references.push(reference(&c, target, "follow-up"));
        }
        let label = c.our_text(&flag.label, &format!("flag `{}`", flag.id.get_ref()));
        if let Some(when) = c.condition(&flag.when, &full_scope(true)) {
            flags.push(Flag {
                id: flag.id.get_ref().clone(),
                severity,
                when,
                when_text: flag.when.get_ref().clone(),
                item,
                follow_up: flag.follow_up.as_ref().map(|f| f.get_ref().clone()),
                label,
            });
        }
    }
    let mut follow_ups = Vec::new();
    for follow_up in &raw.follow_ups {
        references.push(reference(&c, &follow_up.instrument, "follow-up"));
        if let Some(when) = c.condition(&follow_up.when, &full_scope(true)) {
            follow_ups.push(FollowUp {
                when,
                when_text: follow_up.when.get_ref().clone(),
                instrument: follow_up.instrument.get_ref().clone(),
            });
        }
    }
    let mut derived = Vec::new();
    for form in &raw.derived {
        let mut mapped = Vec::new();
        let mut reference = reference(&c, &form.instrument, "derived form");
        reference.value_offset = form.value_offset;
        for (own, theirs) in form.items.get_ref() {
            match items.iter().position(|i| i.id == *own.get_ref()) {
                Some(index) => {
                    mapped.push((index, theirs.get_ref().clone()));
                    let location = c.at(theirs.span(), "");
                    reference.derived_items.push((index, theirs.get_ref().clone(), location));
                }
                None => c.error(own.span(), format!("unknown item `{}`", own.get_ref())),
            }
        }
        if mapped.is_empty() {
            c.error(form.items.span(), "a derived form maps at least one item");
        }
        references.push(reference);
        derived.push(Derived {
            instrument: form.instrument.get_ref().clone(),
            items: mapped,
            value_offset: form.value_offset,
        });
    }
    let change = raw.change.as_ref().and_then(|change| {
        let score = find_score(&mut c, &change.score)?;
        if *change.reliable_change.get_ref() <= 0 {
            c.error(change.reliable_change.span(), "reliable_change must be a positive number of points");
        }
        Some(ChangeRule {
            score,
            caseness: change.caseness,
            reliable_change: *change.reliable_change.get_ref(),
            higher_is_better: change.higher_is_better,
            source: change.source.clone(),
        })
    });

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
