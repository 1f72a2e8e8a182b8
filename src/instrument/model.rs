//! The validated instrument model. Every value here has passed the loader's checks, so the
//! scoring engine can index without re-checking.

use std::collections::BTreeMap;

use serde::Serialize;

use super::expr::Expr;

/// A language the interface, the instruments and the clients' records may be in (stored as
/// `en` / `fr`; `--lang en|fr` on the command line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Fr,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "en" => Some(Lang::En),
            "fr" => Some(Lang::Fr),
            _ => None,
        }
    }
}

/// Text in each of the instrument's languages (validated: exactly those languages).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Text(pub BTreeMap<Lang, String>);

impl Text {
    /// The text in `lang`, or in English when the instrument is not offered in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        self.0
            .get(&lang)
            .or_else(|| self.0.get(&Lang::En))
            .or_else(|| self.0.values().next())
            .map_or("", String::as_str)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerOption {
    pub code: String,
    pub value: i64,
    pub text: Text,
    pub loinc: Option<String>,
    pub keys: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptionSet {
    pub id: String,
    pub options: Vec<AnswerOption>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub id: String,
    pub text: Text,
    /// Index into [`Instrument::option_sets`].
    pub option_set: usize,
    pub loinc: Option<String>,
    pub required: bool,
    pub scored: bool,
    #[serde(skip)]
    pub enable_when: Option<Expr>,
    pub enable_when_text: Option<String>,
    pub if_skipped: Option<i64>,
    /// Whether the instrument's stem is shown above this item (false for a gate question that
    /// carries its own timeframe, like PC-PTSD-5's lifetime exposure question).
    pub use_stem: bool,
    /// Our metadata, not instrument text: the item asks about suicide directly (PHQ-9 item 9,
    /// ASQ Q1-4). A risk-screen bundle must ask one such item on every path.
    pub suicide_question: bool,
    /// An optional unscored item whose French wording the French source does not give: its
    /// text (and its options') is English only, and it is shown in English with a note.
    pub english_only: bool,
    /// Instrument text: the published instructions shown above this item (DAST-10 and PCL-5
    /// before item 1), verbatim, in the instrument's languages.
    pub instructions: Option<Text>,
    /// Our interface text, not the instrument's: a note shown with this item and marked as ours
    /// (the Canadian standard drink), always in English and French.
    pub hint: Option<Text>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ScoreKind {
    Total,
    Subscale,
    Derived,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    pub id: String,
    pub kind: ScoreKind,
    pub items: Vec<usize>,
    pub multiplier: i64,
    pub offset: i64,
    pub label: Text,
    /// Smallest and largest possible value.
    pub range: (i64, i64),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Band {
    pub id: String,
    pub label: Text,
    /// Inclusive limits for numeric schemes.
    pub min: Option<i64>,
    pub max: Option<i64>,
    #[serde(skip)]
    pub when: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BandScheme {
    pub id: String,
    pub label: Text,
    /// The score banded (numeric schemes); rule schemes classify by conditions.
    pub score: Option<usize>,
    pub bands: Vec<Band>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContextCutoff {
    #[serde(skip)]
    pub when: Expr,
    pub when_text: String,
    pub cutoff: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Positive {
    /// Positive when `score >= cutoff` (the first matching context rule replaces the cut-off).
    Cutoff { score: usize, cutoff: i64, allowed: Vec<i64>, by_context: Vec<ContextCutoff> },
    /// Positive when the condition holds.
    When {
        #[serde(skip)]
        when: Expr,
        text: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Clinician review.
    Warning,
    /// Act before the person leaves (a non-acute positive suicide screen, a declined risk item):
    /// staff are alerted as for a critical flag and the crisis lines are shown, without the full
    /// stop of the crisis protocol.
    Urgent,
    /// Interrupt now with the crisis protocol.
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Urgent => "urgent",
            Severity::Critical => "critical",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flag {
    pub id: String,
    pub severity: Severity,
    #[serde(skip)]
    pub when: Expr,
    pub when_text: String,
    pub item: Option<usize>,
    pub follow_up: Option<String>,
    pub label: Text,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FollowUp {
    #[serde(skip)]
    pub when: Expr,
    pub when_text: String,
    pub instrument: String,
}

/// A short form scored from this instrument's answers (PHQ-2 from PHQ-9).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Derived {
    pub instrument: String,
    /// (this instrument's item index, the short form's item id)
    pub items: Vec<(usize, String)>,
    pub value_offset: i64,
}

/// Thresholds for measuring change between two administrations (NHS Talking Therapies style).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeRule {
    pub score: usize,
    /// A score at or above this is a "case" (or at or below when lower is worse).
    pub caseness: i64,
    /// The smallest change that counts as reliable.
    pub reliable_change: i64,
    pub higher_is_better: bool,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    pub citation: String,
    pub licence: String,
    pub url: Option<String>,
    pub text_provenance: Option<String>,
    /// Where the French instrument text comes from (publisher, title, address, date seen).
    pub french_text_provenance: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Loinc {
    pub panel: Option<String>,
    pub total: Option<String>,
}

/// A validated instrument.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Instrument {
    pub id: String,
    pub version: String,
    pub file: String,
    pub languages: Vec<Lang>,
    pub language_note: Option<String>,
    pub population: Option<String>,
    pub title: Text,
    pub short_title: Text,
    pub stem: Option<Text>,
    pub timeframe: Option<Text>,
    pub source: Source,
    pub loinc: Loinc,
    pub option_sets: Vec<OptionSet>,
    pub items: Vec<Item>,
    pub scores: Vec<Score>,
    pub band_schemes: Vec<BandScheme>,
    /// Index of the default band scheme, if any.
    pub default_scheme: Option<usize>,
    pub positive: Option<Positive>,
    pub flags: Vec<Flag>,
    pub follow_ups: Vec<FollowUp>,
    pub derived: Vec<Derived>,
    pub change: Option<ChangeRule>,
}

impl Instrument {
    pub fn item_index(&self, id: &str) -> Option<usize> {
        self.items.iter().position(|item| item.id == id)
    }

    pub fn options_of(&self, item: usize) -> &[AnswerOption] {
        &self.option_sets[self.items[item].option_set].options
    }

    /// The language item `item` is shown in for a client who reads `wanted`: `wanted` when the
    /// instrument is offered in it and the item is not English only, English otherwise.
    pub fn item_lang(&self, item: usize, wanted: Lang) -> Lang {
        let english_only = self.items.get(item).is_some_and(|i| i.english_only);
        if self.languages.contains(&wanted) && !english_only { wanted } else { Lang::En }
    }

    /// Index of the score named `total`, if the instrument has one.
    pub fn total_score(&self) -> Option<usize> {
        self.scores.iter().position(|s| s.kind == ScoreKind::Total)
    }

    /// The possible range of the total.
    pub fn total_range(&self) -> Option<(i64, i64)> {
        self.total_score().map(|s| self.scores[s].range)
    }

    /// The number of items a scripted answer list must give: up to the last required or
    /// scored item; trailing optional unscored items may be left out.
    pub fn minimum_answer_count(&self) -> usize {
        self.items.iter().rposition(|item| item.required || item.scored).map_or(0, |i| i + 1)
    }

    /// Whether the instrument asks about suicide directly whenever it is given: an item marked
    /// `suicide_question` with no skip rule.
    pub fn asks_about_suicide_directly(&self) -> bool {
        self.items.iter().any(|item| item.suicide_question && item.enable_when.is_none())
    }

    /// Follow-up instruments this instrument can trigger.
    pub fn follow_up_targets(&self) -> impl Iterator<Item = &str> {
        self.flags
            .iter()
            .filter_map(|f| f.follow_up.as_deref())
            .chain(self.follow_ups.iter().map(|f| f.instrument.as_str()))
    }

    /// The band of `value` in a numeric scheme.
    pub fn band_for(&self, scheme: usize, value: i64) -> Option<&Band> {
        self.band_schemes.get(scheme)?.bands.iter().find(|band| match (band.min, band.max) {
            (Some(min), Some(max)) => (min..=max).contains(&value),
            _ => false,
        })
    }
}
