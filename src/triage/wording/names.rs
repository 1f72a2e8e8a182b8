//! The names of things in reasons, in English and French: risks, levels, conditions,
//! criteria, languages, costs and audiences.

use super::Risk;
use crate::instrument::Lang;
use crate::triage::catalog::Audience;
use crate::triage::level::Level;
use crate::triage::vocab::{Condition, Cost, Criterion, Lang as ServiceLang, Population};

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

pub(super) fn conditions(list: &[Condition], lang: Lang) -> String {
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

pub(super) fn service_lang(service: ServiceLang, lang: Lang) -> &'static str {
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
