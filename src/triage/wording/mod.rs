//! The triage core's part of the strings layer: every sentence that matching says to a person
//! (why a resource is recommended, the notes a clinician must read) and the names of the levels,
//! in English and in French side by side.
//!
//! Matching stores [`Reason`]s, which are data (ids, numbers, the words of a result); a reason
//! becomes a sentence only when someone reads it, in the language they read. This keeps the
//! wording out of the matching loop, and keeps the core free of the interface (`tui`): the
//! interface passes its language in. English is also the `Display` form, word for word what the
//! records and the English interface have always shown.
//!
//! French typography follows the interface strings: a space before `:` `;` `?` `!`; phone
//! numbers such as 9-8-8 and 9-1-1 are written as in English; "texto" for an SMS text.

mod english;
mod evidence;
mod french;
mod names;

use std::fmt;

use english::english;
pub use evidence::{BandWords, Evidence, LevelReason, StepUp, flag_words, severity_words};
use french::french;
pub use names::{
    audience_words, condition_words, cost_words, criterion_words, kind_of_care, level_description, level_phrase,
    risk_words, text_verb,
};

use super::catalog::Audience;
use super::level::Level;
use super::vocab::{Condition, Cost, Criterion, Lang as ServiceLang, Population, Province};
use crate::instrument::Lang;

/// Why the crisis block came first, as the crisis reasons name it. The detail is the words of
/// the result that put the client there ("PHQ-9 suicidal ideation").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Risk {
    Critical(Evidence),
    Urgent(Evidence),
    SuicideRisk(Evidence),
    CrisisLevel,
}

/// What kind of 24/7 crisis line a line is for this client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrisisLineKind {
    /// The primary crisis line of the client's province or territory.
    Provincial(Province),
    /// The national primary line (9-8-8).
    National,
    /// Another 24/7 line.
    Other,
}

/// One reason a resource is recommended, or one note for the clinician, as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// 9-1-1 for acute risk.
    EmergencyNow {
        risk: Risk,
    },
    /// 9-1-1 when the risk is not acute.
    EmergencyIfDanger {
        risk: Risk,
    },
    /// A 24/7 crisis line.
    CrisisLine {
        risk: Risk,
        kind: CrisisLineKind,
    },
    /// A crisis line that is not 24/7, with its hours as the catalog gives them.
    PartTimeCrisisLine {
        risk: Risk,
        hours: String,
    },
    /// A crisis line for needs the results show.
    ForShownNeeds(Vec<Condition>),
    /// A crisis line for one need only, listed after the general lines.
    LineForOtherNeeds(Vec<Condition>),
    /// A flag-based exclusion a clinician lifted, with the result and the clinician's reason.
    Lifted {
        criterion: Criterion,
        why: Evidence,
        reason: String,
    },
    /// A resource for this group.
    ForAudience {
        audience: Audience,
        populations: Vec<Population>,
    },
    OfferedIn(ServiceLang),
    Cost(Cost),
    ReachableByPhone(String),
    DeliveredByPhone,
    Text {
        keyword: Option<String>,
        number: String,
    },
    /// The resource answers a need the results show ("PHQ-9 17, moderately severe").
    Answers {
        need: Evidence,
        conditions: Vec<Condition>,
    },
    GeneralSupport,
    FitsLevel(Level),
    LighterStep {
        fitted: Level,
        care: Level,
    },
    AvailableIn(Province),
    SafetyNet {
        for_population: bool,
    },
    /// A navigation or intake line; `province` is `None` for a national line.
    Navigation {
        care: Level,
        province: Option<Province>,
    },
    /// Note: no 24/7 crisis line reaches the client.
    NoCrisisLine,
    /// Note: no service offers care at the level (`lighter_only`: only lighter steps are listed).
    NoCareAtLevel {
        level: Level,
        lighter_only: bool,
        navigation_listed: bool,
    },
    /// Note: a fact matching needed is not known (what it leaves out).
    Unknown(super::eligibility::Unknown),
    /// A note from outside matching, shown as it came (an error while reading the results).
    AsGiven(String),
}

impl Reason {
    /// The reason as a sentence in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        if lang == Lang::Fr { french(self) } else { english(self) }
    }

    /// Whether the reason names a result the resource answers (not just general support).
    pub fn is_specific_answer(&self) -> bool {
        matches!(self, Reason::Answers { .. })
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&english(self))
    }
}

impl serde::Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&english(self))
    }
}

/// Every reason in `lang`.
pub fn render_all(reasons: &[Reason], lang: Lang) -> Vec<String> {
    reasons.iter().map(|r| r.render(lang)).collect()
}
#[cfg(test)]
mod tests {
    use super::*;

    fn every_reason() -> Vec<Reason> {
        let raised = |flag: &str| Evidence::Raised { title: "PHQ-9".into(), flag: flag.into() };
        let risk = Risk::Critical(raised("suicidal_ideation"));
        let audience = Audience {
            all_of: vec![Population::Indigenous, Population::Women],
            any_of: vec![],
            families_of: None,
            serves_everyone: false,
        };
        vec![
            Reason::EmergencyNow { risk: risk.clone() },
            Reason::EmergencyIfDanger { risk: Risk::Urgent(raised("non_acute_positive")) },
            Reason::CrisisLine {
                risk: Risk::SuicideRisk(Evidence::Flag { title: "PHQ-9".into(), flag: "suicidal_ideation".into() }),
                kind: CrisisLineKind::Provincial(Province::Qc),
            },
            Reason::CrisisLine { risk: Risk::CrisisLevel, kind: CrisisLineKind::National },
            Reason::CrisisLine { risk: risk.clone(), kind: CrisisLineKind::Other },
            Reason::PartTimeCrisisLine { risk: risk.clone(), hours: "18 h-2 h".into() },
            Reason::ForShownNeeds(vec![Condition::SubstanceUse]),
            Reason::LineForOtherNeeds(vec![Condition::SubstanceUse, Condition::Gambling]),
            Reason::Lifted {
                criterion: Criterion::SuicideRisk,
                why: Evidence::Result { title: "ASQ".into(), total: None, band: None, positive: Some(true) },
                reason: "plan".into(),
            },
            Reason::ForAudience { audience, populations: vec![Population::Indigenous, Population::Women] },
            Reason::OfferedIn(ServiceLang::Fr),
            Reason::OfferedIn(ServiceLang::En),
            Reason::Cost(Cost::Free),
            Reason::Cost(Cost::FreeWhereFunded),
            Reason::Cost(Cost::Paid),
            Reason::ReachableByPhone("1-866-277-3553".into()),
            Reason::DeliveredByPhone,
            Reason::Text { keyword: Some("CONNECT".into()), number: "686868".into() },
            Reason::Text { keyword: None, number: "535353".into() },
            Reason::Answers {
                need: Evidence::Result { title: "PHQ-9".into(), total: Some(17), band: None, positive: Some(false) },
                conditions: vec![Condition::Depression],
            },
            Reason::GeneralSupport,
            Reason::FitsLevel(Level::Four),
            Reason::LighterStep { fitted: Level::Two, care: Level::Four },
            Reason::AvailableIn(Province::On),
            Reason::SafetyNet { for_population: true },
            Reason::SafetyNet { for_population: false },
            Reason::Navigation { care: Level::Four, province: Some(Province::On) },
            Reason::Navigation { care: Level::Three, province: None },
            Reason::NoCrisisLine,
            Reason::NoCareAtLevel { level: Level::Four, lighter_only: true, navigation_listed: true },
            Reason::NoCareAtLevel { level: Level::Five, lighter_only: false, navigation_listed: false },
        ]
    }

    /// English words that must never be left in a French reason (the data in a reason, such as
    /// the instrument title or a flag's id, is chosen in the sample to carry none of them).
    const ENGLISH_WORDS: &[&str] = &[
        " the ",
        " for ",
        " and ",
        " with ",
        " call ",
        " free",
        "offered",
        "reachable",
        "level ",
        "text ",
        "crisis line",
        "safety net",
        "lighter",
        "answers",
        "support",
        "available",
        "clients",
        "people",
        "women",
        "English",
        "French",
        " SMS",
        "no data",
        "lifted",
    ];

    #[test]
    fn every_reason_reads_in_both_languages_and_french_has_no_english_left() {
        for reason in every_reason() {
            let en = reason.render(Lang::En);
            let fr = reason.render(Lang::Fr);
            assert!(!en.trim().is_empty() && !fr.trim().is_empty(), "{reason:?}");
            assert_ne!(en, fr, "{reason:?}");
            assert_eq!(en, reason.to_string());
            for word in ENGLISH_WORDS {
                assert!(!fr.contains(word), "{word:?} in French: {fr}");
            }
            // French typography: a space before every colon and semicolon.
            for (i, c) in fr.char_indices() {
                if matches!(c, ':' | ';' | '?' | '!') {
                    assert_eq!(fr[..i].chars().last(), Some(' '), "no space before {c:?} in {fr}");
                }
            }
        }
    }

    #[test]
    fn english_wording_is_what_the_records_have_always_said() {
        let table: &[(Reason, &str)] = &[
            (Reason::OfferedIn(ServiceLang::Fr), "offered in French"),
            (Reason::Cost(Cost::Free), "free"),
            (Reason::Text { keyword: None, number: "535353".into() }, "text 535353 (plain SMS, no data needed)"),
            (Reason::ReachableByPhone("9-8-8".into()), "reachable by phone: 9-8-8"),
            (Reason::FitsLevel(Level::Four), "fits level 4 (4: individual therapy or structured psychotherapy)"),
            (
                Reason::CrisisLine {
                    risk: Risk::Critical(Evidence::Raised { title: "PHQ-9".into(), flag: "suicidal_ideation".into() }),
                    kind: CrisisLineKind::Provincial(Province::Qc),
                },
                "critical flag (PHQ-9 suicidal ideation): the crisis line for QC clients",
            ),
        ];
        for (reason, english) in table {
            assert_eq!(reason.render(Lang::En), *english);
        }
    }

    #[test]
    fn french_wording_samples() {
        let table: &[(Reason, &str)] = &[
            (Reason::OfferedIn(ServiceLang::Fr), "offert en français"),
            (Reason::Cost(Cost::Free), "gratuit"),
            (
                Reason::Text { keyword: None, number: "535353".into() },
                "texto au 535353 (texto ordinaire, sans données mobiles)",
            ),
            (Reason::ReachableByPhone("9-8-8".into()), "joignable par téléphone : 9-8-8"),
        ];
        for (reason, french) in table {
            assert_eq!(reason.render(Lang::Fr), *french);
        }
    }

    #[test]
    fn level_names_exist_in_both_languages() {
        for level in Level::ALL {
            for lang in [Lang::En, Lang::Fr] {
                assert!(!level_description(level, lang).is_empty());
                assert!(!kind_of_care(level, lang).is_empty());
                assert!(!level_phrase(level, lang).is_empty());
            }
            assert_ne!(level_description(level, Lang::En), level_description(level, Lang::Fr));
        }
        assert_eq!(level_phrase(Level::Three, Lang::Fr), "niveau 3");
    }

    #[test]
    fn audiences_read_naturally() {
        let audience = |all_of: Vec<Population>, any_of: Vec<Population>, families_of| Audience {
            all_of,
            any_of,
            families_of,
            serves_everyone: false,
        };
        let women = audience(vec![Population::Indigenous, Population::Women], vec![], None);
        assert_eq!(audience_words(&women, &[], Lang::En), "Indigenous women");
        assert_eq!(audience_words(&women, &[], Lang::Fr), "les femmes autochtones");
        let vets = audience(vec![], vec![], Some(Population::Veterans));
        assert_eq!(audience_words(&vets, &[], Lang::Fr), "les vétéranes et vétérans et leurs familles");
    }
}
