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

use std::fmt;

use super::catalog::Audience;
use super::level::Level;
use super::vocab::{Condition, Cost, Criterion, Lang as ServiceLang, Population, Province, Severity};
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

fn english(reason: &Reason) -> String {
    match reason {
        Reason::EmergencyNow { risk } => {
            format!("acute risk ({}): call 9-1-1 now for immediate danger", risk_words(risk, Lang::En))
        }
        Reason::EmergencyIfDanger { risk } => {
            format!("{}: call 9-1-1 if there is immediate danger to life", risk_words(risk, Lang::En))
        }
        Reason::CrisisLine { risk, kind } => {
            let what = match kind {
                CrisisLineKind::Provincial(p) => format!("the crisis line for {} clients", p.code()),
                CrisisLineKind::National => "national 24/7 crisis line".to_string(),
                CrisisLineKind::Other => "24/7 crisis line".to_string(),
            };
            format!("{}: {what}", risk_words(risk, Lang::En))
        }
        Reason::PartTimeCrisisLine { risk, hours } => {
            format!("{}: not 24/7 ({hours}); use with a 24/7 line listed above", risk_words(risk, Lang::En))
        }
        Reason::ForShownNeeds(list) => format!("for {}, which the results show", conditions(list, Lang::En)),
        Reason::LineForOtherNeeds(list) => {
            format!("a line for {}: listed after the lines for suicide and distress", conditions(list, Lang::En))
        }
        Reason::Lifted { criterion, why, reason } => format!(
            "excludes clients with {} ({}): lifted by a clinician: {}",
            criterion_words(*criterion, Lang::En),
            why.render(Lang::En),
            reason.trim()
        ),
        Reason::ForAudience { audience, populations } => {
            format!("for {}", audience_words(audience, populations, Lang::En))
        }
        Reason::OfferedIn(service) => format!("offered in {}", service_lang(*service, Lang::En)),
        Reason::Cost(cost) => cost_words(*cost, Lang::En).to_string(),
        Reason::ReachableByPhone(number) => format!("reachable by phone: {number}"),
        Reason::DeliveredByPhone => "delivered by phone".to_string(),
        Reason::Text { keyword: Some(k), number } => format!("text {k} to {number} (plain SMS, no data needed)"),
        Reason::Text { keyword: None, number } => format!("text {number} (plain SMS, no data needed)"),
        Reason::Answers { need, conditions: list } => {
            format!("answers {}: {}", need.render(Lang::En), conditions(list, Lang::En))
        }
        Reason::GeneralSupport => "general mental health support".to_string(),
        Reason::FitsLevel(level) => {
            format!("fits {} ({})", level_phrase(*level, Lang::En), level_description(*level, Lang::En))
        }
        Reason::LighterStep { fitted, care } => {
            format!("{}: a lighter step toward {}", level_phrase(*fitted, Lang::En), level_phrase(*care, Lang::En))
        }
        Reason::AvailableIn(p) => format!("available in {}", p.code()),
        Reason::SafetyNet { for_population: true } => {
            "safety net: 24/7 line for this population if things get worse".to_string()
        }
        Reason::SafetyNet { for_population: false } => "safety net: 24/7 crisis line if things get worse".to_string(),
        Reason::Navigation { care, province } => format!(
            "navigation and intake line: helps find and reach {} ({}) {}",
            kind_of_care(*care, Lang::En),
            level_phrase(*care, Lang::En),
            province.map_or_else(|| "in Canada".to_string(), |p| format!("in {}", p.code()))
        ),
        Reason::NoCrisisLine => {
            "No 24/7 crisis line in the catalog reaches this client: call 9-1-1 for immediate danger.".to_string()
        }
        Reason::NoCareAtLevel { level, lighter_only, navigation_listed } => format!(
            "No service in the catalog offers {} care this client can reach{}: the service itself must arrange {} (its own clinicians or a referral).{}",
            level_phrase(*level, Lang::En),
            if *lighter_only { "; only lighter steps are listed" } else { "" },
            kind_of_care(*level, Lang::En),
            if *navigation_listed { " The navigation and intake lines listed can help find it locally." } else { "" }
        ),
        Reason::Unknown(fact) => fact.note(Lang::En),
        Reason::AsGiven(text) => text.clone(),
    }
}

fn french(reason: &Reason) -> String {
    match reason {
        Reason::EmergencyNow { risk } => format!(
            "risque aigu ({}) : composer le 9-1-1 maintenant en cas de danger immédiat",
            risk_words(risk, Lang::Fr)
        ),
        Reason::EmergencyIfDanger { risk } => {
            format!("{} : composer le 9-1-1 en cas de danger immédiat pour la vie", risk_words(risk, Lang::Fr))
        }
        Reason::CrisisLine { risk, kind } => {
            let what = match kind {
                CrisisLineKind::Provincial(p) => format!("la ligne de crise pour la clientèle de {}", p.code()),
                CrisisLineKind::National => "ligne de crise nationale 24 h sur 24, 7 jours sur 7".to_string(),
                CrisisLineKind::Other => "ligne de crise 24 h sur 24, 7 jours sur 7".to_string(),
            };
            format!("{} : {what}", risk_words(risk, Lang::Fr))
        }
        Reason::PartTimeCrisisLine { risk, hours } => format!(
            "{} : pas 24 h sur 24 ({hours}) ; à utiliser avec une ligne 24 h sur 24 indiquée plus haut",
            risk_words(risk, Lang::Fr)
        ),
        Reason::ForShownNeeds(list) => format!("pour {}, que les résultats montrent", conditions(list, Lang::Fr)),
        Reason::LineForOtherNeeds(list) => format!(
            "une ligne pour {} : placée après les lignes pour le suicide et la détresse",
            conditions(list, Lang::Fr)
        ),
        Reason::Lifted { criterion, why, reason } => format!(
            "exclut les personnes qui présentent {} ({}) : exclusion levée par l'équipe clinique : {}",
            criterion_words(*criterion, Lang::Fr),
            why.render(Lang::Fr),
            reason.trim()
        ),
        Reason::ForAudience { audience, populations } => {
            format!("pour {}", audience_words(audience, populations, Lang::Fr))
        }
        Reason::OfferedIn(service) => format!("offert en {}", service_lang(*service, Lang::Fr)),
        Reason::Cost(cost) => cost_words(*cost, Lang::Fr).to_string(),
        Reason::ReachableByPhone(number) => format!("joignable par téléphone : {number}"),
        Reason::DeliveredByPhone => "offert par téléphone".to_string(),
        Reason::Text { keyword: Some(k), number } => {
            format!("texto {k} au {number} (texto ordinaire, sans données mobiles)")
        }
        Reason::Text { keyword: None, number } => {
            format!("texto au {number} (texto ordinaire, sans données mobiles)")
        }
        Reason::Answers { need, conditions: list } => {
            format!("répond à {} : {}", need.render(Lang::Fr), conditions(list, Lang::Fr))
        }
        Reason::GeneralSupport => "soutien général en santé mentale".to_string(),
        Reason::FitsLevel(level) => format!(
            "convient à : {} ({})",
            level_phrase(*level, Lang::Fr),
            level_description(*level, Lang::Fr)
        ),
        Reason::LighterStep { fitted, care } => format!(
            "{} : une étape plus légère vers : {}",
            level_phrase(*fitted, Lang::Fr),
            level_phrase(*care, Lang::Fr)
        ),
        Reason::AvailableIn(p) => format!("offert dans la province ou le territoire : {}", p.code()),
        Reason::SafetyNet { for_population: true } => {
            "filet de sécurité : ligne 24 h sur 24 pour cette population si la situation s'aggrave".to_string()
        }
        Reason::SafetyNet { for_population: false } => {
            "filet de sécurité : ligne de crise 24 h sur 24 si la situation s'aggrave".to_string()
        }
        Reason::Navigation { care, province } => format!(
            "ligne d'orientation et d'accueil : aide à trouver et à joindre {} ({}) {}",
            kind_of_care(*care, Lang::Fr),
            level_phrase(*care, Lang::Fr),
            province.map_or_else(|| "au Canada".to_string(), |p| format!("dans la province ou le territoire ({})", p.code()))
        ),
        Reason::NoCrisisLine => "Aucune ligne de crise 24 h sur 24 du catalogue ne joint cette personne : composer le 9-1-1 en cas de danger immédiat.".to_string(),
        Reason::NoCareAtLevel { level, lighter_only, navigation_listed } => format!(
            "Aucun service du catalogue n'offre de soins de {} que cette personne peut joindre{} : le service doit lui-même organiser {} (ses propres cliniciennes et cliniciens ou une orientation).{}",
            level_phrase(*level, Lang::Fr),
            if *lighter_only { " ; seules des étapes plus légères sont indiquées" } else { "" },
            kind_of_care(*level, Lang::Fr),
            if *navigation_listed { " Les lignes d'orientation et d'accueil indiquées peuvent aider à les trouver localement." } else { "" }
        ),
        Reason::Unknown(fact) => fact.note(Lang::Fr),
        Reason::AsGiven(text) => text.clone(),
    }
}

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

/// "text" before a number to text ("text 686868"), "texto" in French.
pub fn text_verb(lang: Lang) -> &'static str {
    if lang == Lang::Fr { "texto" } else { "text" }
}

/// Why the crisis block came first, as words.
pub fn risk_words(risk: &Risk, lang: Lang) -> String {
    match (risk, lang) {
        (Risk::Critical(d), Lang::En) => format!("critical flag ({})", d.render(lang)),
        (Risk::Critical(d), Lang::Fr) => format!("signalement critique ({})", d.render(lang)),
        (Risk::Urgent(d), Lang::En) => format!("urgent flag ({})", d.render(lang)),
        (Risk::Urgent(d), Lang::Fr) => format!("signalement urgent ({})", d.render(lang)),
        (Risk::SuicideRisk(d), Lang::En) => format!("suicide risk ({})", d.render(lang)),
        (Risk::SuicideRisk(d), Lang::Fr) => format!("risque suicidaire ({})", d.render(lang)),
        (Risk::CrisisLevel, Lang::En) => "crisis level".to_string(),
        (Risk::CrisisLevel, Lang::Fr) => "niveau crise".to_string(),
    }
}

/// "level 4" or "crisis" ("niveau 4", "crise"), as used in reasons.
pub fn level_phrase(level: Level, lang: Lang) -> String {
    match (level, lang) {
        (Level::Crisis, Lang::En) => "crisis".to_string(),
        (Level::Crisis, Lang::Fr) => "crise".to_string(),
        (other, Lang::En) => format!("level {}", other.as_str()),
        (other, Lang::Fr) => format!("niveau {}", other.as_str()),
    }
}

/// A short description of a level for people ("4: individual therapy ...").
pub fn level_description(level: Level, lang: Lang) -> &'static str {
    match (level, lang) {
        (Level::Crisis, Lang::En) => "crisis: immediate response",
        (Level::One, Lang::En) => "1: information and self-help",
        (Level::Two, Lang::En) => "2: self-guided digital",
        (Level::Three, Lang::En) => "3: guided digital or group",
        (Level::Four, Lang::En) => "4: individual therapy or structured psychotherapy",
        (Level::Five, Lang::En) => "5: specialist or intensive care",
        (Level::Crisis, Lang::Fr) => "crise : intervention immédiate",
        (Level::One, Lang::Fr) => "1 : information et autogestion",
        (Level::Two, Lang::Fr) => "2 : outils numériques autonomes",
        (Level::Three, Lang::Fr) => "3 : soutien numérique accompagné ou en groupe",
        (Level::Four, Lang::Fr) => "4 : thérapie individuelle ou psychothérapie structurée",
        (Level::Five, Lang::Fr) => "5 : soins spécialisés ou intensifs",
    }
}

/// The care a level stands for, as in "the service must arrange ...".
pub fn kind_of_care(level: Level, lang: Lang) -> &'static str {
    match (level, lang) {
        (Level::Crisis, Lang::En) => "an immediate crisis response",
        (Level::One, Lang::En) => "information and self-help",
        (Level::Two, Lang::En) => "self-guided digital care",
        (Level::Three, Lang::En) => "guided digital or group care",
        (Level::Four, Lang::En) => "individual therapy or structured psychotherapy",
        (Level::Five, Lang::En) => "specialist or intensive care",
        (Level::Crisis, Lang::Fr) => "une intervention de crise immédiate",
        (Level::One, Lang::Fr) => "de l'information et de l'autogestion",
        (Level::Two, Lang::Fr) => "des outils numériques autonomes",
        (Level::Three, Lang::Fr) => "un soutien numérique accompagné ou en groupe",
        (Level::Four, Lang::Fr) => "une thérapie individuelle ou une psychothérapie structurée",
        (Level::Five, Lang::Fr) => "des soins spécialisés ou intensifs",
    }
}

/// A condition's name: its id in English ("substance-use", as reasons have always shown it).
pub fn condition_words(condition: Condition, lang: Lang) -> &'static str {
    match lang {
        Lang::En => condition.as_str(),
        Lang::Fr => match condition {
            Condition::Depression => "dépression",
            Condition::Anxiety => "anxiété",
            Condition::SubstanceUse => "consommation de substances",
            Condition::Gambling => "jeu",
            Condition::Trauma => "trauma",
            Condition::Eating => "alimentation",
            Condition::Suicide => "suicide",
            Condition::Distress => "détresse",
        },
    }
}

fn conditions(list: &[Condition], lang: Lang) -> String {
    list.iter().map(|c| condition_words(*c, lang)).collect::<Vec<_>>().join(", ")
}

/// An exclusion criterion as words.
pub fn criterion_words(criterion: Criterion, lang: Lang) -> &'static str {
    match (criterion, lang) {
        (Criterion::SuicideRisk, Lang::En) => "suicide risk",
        (Criterion::AcuteRisk, Lang::En) => "acute suicide risk",
        (Criterion::SubstanceUse, Lang::En) => "significant substance use",
        (Criterion::PsychosisMania, Lang::En) => "psychosis or mania",
        (Criterion::SuicideRisk, Lang::Fr) => "un risque suicidaire",
        (Criterion::AcuteRisk, Lang::Fr) => "un risque suicidaire aigu",
        (Criterion::SubstanceUse, Lang::Fr) => "une consommation importante de substances",
        (Criterion::PsychosisMania, Lang::Fr) => "une psychose ou une manie",
    }
}

fn service_lang(service: ServiceLang, lang: Lang) -> &'static str {
    match (service, lang) {
        (ServiceLang::En, Lang::En) => "English",
        (ServiceLang::Fr, Lang::En) => "French",
        (ServiceLang::En, Lang::Fr) => "anglais",
        (ServiceLang::Fr, Lang::Fr) => "français",
    }
}

pub fn cost_words(cost: Cost, lang: Lang) -> &'static str {
    match (cost, lang) {
        (Cost::Free, Lang::En) => "free",
        (Cost::FreeWhereFunded, Lang::En) => "free where a province or partner funds it",
        (Cost::Paid, Lang::En) => "cost: paid (or employer/insurance coverage)",
        (Cost::Free, Lang::Fr) => "gratuit",
        (Cost::FreeWhereFunded, Lang::Fr) => "gratuit là où une province ou un partenaire le finance",
        (Cost::Paid, Lang::Fr) => "coût : payant (ou couvert par l'employeur ou une assurance)",
    }
}

/// The group as a noun phrase ("Indigenous peoples"), for "for ..." reasons.
fn group_noun(p: Population, lang: Lang) -> &'static str {
    match lang {
        Lang::En => match p {
            Population::Youth => "youth",
            Population::Indigenous => "Indigenous peoples",
            Population::Lgbtq => "2SLGBTQ+ people",
            Population::Trans => "trans and gender-diverse people",
            Population::Veterans => "veterans",
            Population::PublicSafety => "public safety personnel",
            Population::Perinatal => "perinatal clients",
            Population::Newcomers => "newcomers",
            Population::Students => "students",
            Population::Black => "Black communities",
            Population::Muslim => "Muslim communities",
            Population::Families => "families",
            Population::Women => "women",
        },
        Lang::Fr => match p {
            Population::Youth => "les jeunes",
            Population::Indigenous => "les peuples autochtones",
            Population::Lgbtq => "les personnes 2ELGBTQ+",
            Population::Trans => "les personnes trans et de la diversité de genre",
            Population::Veterans => "les vétéranes et vétérans",
            Population::PublicSafety => "le personnel de la sécurité publique",
            Population::Perinatal => "la clientèle en période périnatale",
            Population::Newcomers => "les personnes nouvellement arrivées",
            Population::Students => "les étudiantes et étudiants",
            Population::Black => "les communautés noires",
            Population::Muslim => "les communautés musulmanes",
            Population::Families => "les familles",
            Population::Women => "les femmes",
        },
    }
}

/// The group as a word before another group ("Indigenous" in "Indigenous women"), where
/// English has one; in French, a complement after the group ("les femmes autochtones").
fn group_qualifier(p: Population, lang: Lang) -> Option<&'static str> {
    match (p, lang) {
        (Population::Indigenous, Lang::En) => Some("Indigenous"),
        (Population::Lgbtq, Lang::En) => Some("2SLGBTQ+"),
        (Population::Trans, Lang::En) => Some("trans"),
        (Population::Black, Lang::En) => Some("Black"),
        (Population::Muslim, Lang::En) => Some("Muslim"),
        (Population::Newcomers, Lang::En) => Some("newcomer"),
        (Population::Indigenous, Lang::Fr) => Some("autochtones"),
        (Population::Lgbtq, Lang::Fr) => Some("2ELGBTQ+"),
        (Population::Trans, Lang::Fr) => Some("trans"),
        (Population::Black, Lang::Fr) => Some("des communautés noires"),
        (Population::Muslim, Lang::Fr) => Some("des communautés musulmanes"),
        (Population::Newcomers, Lang::Fr) => Some("nouvellement arrivées"),
        _ => None,
    }
}

/// Who an audience is: "Indigenous women", "Black youth or families", "veterans and their
/// families"; for an audience of several alternatives, the one the client is in.
pub fn audience_words(audience: &Audience, populations: &[Population], lang: Lang) -> String {
    let (and, or) = match lang {
        Lang::En => (" and ", " or "),
        Lang::Fr => (" et ", " ou "),
    };
    if let Some(group) = audience.families_of {
        return match lang {
            Lang::En => format!("{} and their families", group_noun(group, lang)),
            Lang::Fr => format!("{} et leurs familles", group_noun(group, lang)),
        };
    }
    if audience.all_of.is_empty() {
        let named = audience.any_of.iter().find(|p| populations.contains(p)).or(audience.any_of.first());
        return named.map_or_else(String::new, |p| group_noun(*p, lang).to_string());
    }
    let mut qualifiers = Vec::new();
    let mut heads = Vec::new();
    for p in &audience.all_of {
        match group_qualifier(*p, lang) {
            Some(q) => qualifiers.push((*p, q)),
            None => heads.push(group_noun(*p, lang).to_string()),
        }
    }
    if !audience.any_of.is_empty() {
        heads.push(audience.any_of.iter().map(|p| group_noun(*p, lang)).collect::<Vec<_>>().join(or));
    }
    if heads.is_empty()
        && let Some((last, _)) = qualifiers.pop()
    {
        heads.push(group_noun(last, lang).to_string());
    }
    let head = heads.join(and);
    let words: Vec<&str> = qualifiers.iter().map(|(_, q)| *q).collect();
    match lang {
        Lang::En => words.into_iter().chain([head.as_str()]).collect::<Vec<_>>().join(" "),
        Lang::Fr => [head.as_str()].into_iter().chain(words).collect::<Vec<_>>().join(" "),
    }
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
