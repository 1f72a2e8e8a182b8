//! Reasons as French sentences (French typography: a space before `:` `;` `?` `!`).

use super::names::{
    audience_words, conditions, cost_words, criterion_words, kind_of_care, level_description, level_phrase, risk_words,
    service_lang,
};
use super::{CrisisLineKind, Reason};
use crate::instrument::Lang;

pub(super) fn french(reason: &Reason) -> String {
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
