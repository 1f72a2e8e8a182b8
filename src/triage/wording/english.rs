//! Reasons as English sentences: word for word what the records and the English interface
//! have always shown (also their `Display` and serialised form).

use super::names::{
    audience_words, conditions, cost_words, criterion_words, kind_of_care, level_description, level_phrase, risk_words,
    service_lang,
};
use super::{CrisisLineKind, Reason};
use crate::instrument::Lang;

pub(super) fn english(reason: &Reason) -> String {
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
