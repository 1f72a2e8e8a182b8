//! The words of a result (bands, totals, flags) and why a level was suggested.

use std::fmt;

use super::names::level_phrase;
use crate::instrument::Lang;
use crate::triage::level::Level;
use crate::triage::vocab::Severity;

/// A band's label in English and French (first letter lowered), as reasons show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BandWords {
    pub en: String,
    pub fr: String,
}

impl BandWords {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Fr => &self.fr,
        }
    }
}

/// The words of a result, as reasons name it: data from the results (titles, totals, band
/// labels as the instrument gives them, flag ids), worded only when read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    /// "PHQ-9 17, moderately severe", "ASQ, positive screen". `band` is the band's label as
    /// reasons show it (first letter lowered).
    Result { title: String, total: Option<i64>, band: Option<BandWords>, positive: Option<bool> },
    /// An instrument with no result, by id.
    Instrument(String),
    /// "PHQ-9 flag: suicidal ideation" (a rule's condition).
    Flag { title: String, flag: String },
    /// "PHQ-9 suicidal ideation" (a flag that was raised).
    Raised { title: String, flag: String },
    /// "critical flag (PHQ-9 suicidal ideation)": any flag of a severity.
    AnyFlag { severity: Severity, raised: Vec<(String, String)> },
    /// "AUDIT-C given" / "not given".
    Given { title: String, given: bool },
}

impl Evidence {
    pub fn render(&self, lang: Lang) -> String {
        match self {
            Evidence::Result { title, total, band, positive } => {
                let mut phrase = title.clone();
                if let Some(total) = total {
                    phrase.push_str(&format!(" {total}"));
                }
                if let Some(band) = band {
                    phrase.push_str(&format!(", {}", band.get(lang)));
                } else if let Some(positive) = positive {
                    phrase.push_str(match (positive, lang) {
                        (true, Lang::En) => ", positive screen",
                        (false, Lang::En) => ", negative screen",
                        (true, Lang::Fr) => ", dépistage positif",
                        (false, Lang::Fr) => ", dépistage négatif",
                    });
                }
                phrase
            }
            Evidence::Instrument(id) => id.clone(),
            Evidence::Flag { title, flag } => match lang {
                Lang::En => format!("{title} flag: {}", flag_words(flag, lang)),
                Lang::Fr => format!("{title}, signalement : {}", flag_words(flag, lang)),
            },
            Evidence::Raised { title, flag } => format!("{title} {}", flag_words(flag, lang)),
            Evidence::AnyFlag { severity, raised } => {
                let names: Vec<String> = raised.iter().map(|(t, f)| format!("{t} {}", flag_words(f, lang))).collect();
                match lang {
                    Lang::En => format!("{severity} flag ({})", names.join(", ")),
                    Lang::Fr => format!("signalement {} ({})", severity_words(*severity, lang), names.join(", ")),
                }
            }
            Evidence::Given { title, given } => match (given, lang) {
                (true, Lang::En) => format!("{title} given"),
                (false, Lang::En) => format!("{title} not given"),
                (true, Lang::Fr) => format!("{title} administré"),
                (false, Lang::Fr) => format!("{title} non administré"),
            },
        }
    }
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

/// A flag id as words: `suicidal_ideation` -> "suicidal ideation" in English (as reasons have
/// always shown it); in French, our own words for the flags the shipped instruments raise, and
/// the id's words for any other.
pub fn flag_words(id: &str, lang: Lang) -> String {
    let french = match id {
        "suicidal_ideation" => Some("idées suicidaires"),
        "acute_positive" => Some("positif aigu"),
        "non_acute_positive" => Some("positif non aigu"),
        "dependence_items" => Some("questions de dépendance"),
        "injury_or_concern_last_year" => Some("blessure ou inquiétude dans la dernière année"),
        "points_from_q1_only" => Some("points de la question 1 seulement"),
        _ => None,
    };
    match (lang, french) {
        (Lang::Fr, Some(words)) => words.to_string(),
        _ => id.replace(['_', '-'], " "),
    }
}

/// A flag severity as words.
pub fn severity_words(severity: Severity, lang: Lang) -> &'static str {
    match (severity, lang) {
        (Severity::Critical, Lang::En) => "critical",
        (Severity::Urgent, Lang::En) => "urgent",
        (Severity::Warning, Lang::En) => "warning",
        (Severity::Critical, Lang::Fr) => "critique",
        (Severity::Urgent, Lang::Fr) => "urgent",
        (Severity::Warning, Lang::Fr) => "avertissement",
    }
}

/// Why a level was suggested: one rule that fired, a critical flag, or the default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LevelReason {
    /// "PHQ-9 17, moderately severe -> level 4"; `step_up` for a WHO step-up rule.
    Fired { parts: Vec<Evidence>, step_up: Option<StepUp>, level: Level },
    /// "PHQ-9 flag: suicidal ideation (critical) -> crisis".
    CriticalFlag { title: String, flag: String },
    /// "no rule fired -> level 1 (default)".
    Default(Level),
}

/// Which band a step-up rule stepped to (WHO AUDIT manual: "the next highest level of
/// intervention").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepUp {
    /// The result now; `None` when its band is unknown (then `title` names the instrument).
    pub now: Option<Evidence>,
    pub title: String,
    /// The next band's label (first letter lowered); `None` when already the highest band.
    pub next_band: Option<BandWords>,
}

impl LevelReason {
    pub fn render(&self, lang: Lang) -> String {
        match self {
            LevelReason::Fired { parts, step_up, level } => {
                let and = if lang == Lang::Fr { " et " } else { " and " };
                let parts: Vec<String> = parts.iter().map(|p| p.render(lang)).collect();
                let why = step_up.as_ref().map_or_else(String::new, |s| step_up_words(s, lang));
                format!("{}{why} -> {}", parts.join(and), level_phrase(*level, lang))
            }
            LevelReason::CriticalFlag { title, flag } => match lang {
                Lang::En => format!("{title} flag: {} (critical) -> crisis", flag_words(flag, lang)),
                Lang::Fr => format!("{title}, signalement : {} (critique) -> crise", flag_words(flag, lang)),
            },
            LevelReason::Default(level) => match lang {
                Lang::En => format!("no rule fired -> {} (default)", level_phrase(*level, lang)),
                Lang::Fr => format!("aucune règle déclenchée -> {} (par défaut)", level_phrase(*level, lang)),
            },
        }
    }
}

fn step_up_words(step: &StepUp, lang: Lang) -> String {
    let now = step.now.as_ref().map_or_else(
        || match lang {
            Lang::En => format!("{} band unknown, taken as the lowest", step.title),
            Lang::Fr => format!("{} : catégorie inconnue, considérée comme la plus basse", step.title),
        },
        |e| e.render(lang),
    );
    match (&step.next_band, lang) {
        (None, Lang::En) => format!(" with {now} (WHO: next highest level of intervention; already the highest band)"),
        (Some(band), Lang::En) => format!(" with {now} (WHO: next highest level of intervention, {})", band.en),
        (None, Lang::Fr) => format!(
            " avec {now} (OMS : niveau d'intervention immédiatement supérieur ; déjà la catégorie la plus haute)"
        ),
        (Some(band), Lang::Fr) => {
            format!(" avec {now} (OMS : niveau d'intervention immédiatement supérieur, {})", band.fr)
        }
    }
}

impl fmt::Display for LevelReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

impl serde::Serialize for LevelReason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.render(Lang::En))
    }
}
