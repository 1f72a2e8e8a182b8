//! Which resources can never be offered to one client, whatever the level, and why: status,
//! coverage, age range, audience, access needs, cost and flag-based exclusions. A fact of the
//! client that is not known (an age or a province that was not given or could not be read) is
//! never guessed: a resource whose eligibility depends on it is left out, with that reason, and
//! the match carries a note that says what is unknown ([`Unknown`]).

use super::catalog::{Coverage, Resource};
use super::matching::{ClientProfile, LiftedExclusion};
use super::vocab::{Cost, Criterion, Population, Status};
use super::wording::Evidence;
use crate::instrument::Lang as UiLang;

/// Reasons a resource can never be offered to this client, whatever the level.
pub(super) fn hard_blockers(
    resource: &Resource,
    profile: &ClientProfile,
    populations: &[Population],
    criteria: &[(Criterion, Evidence)],
    lifted: &[&LiftedExclusion],
) -> Vec<String> {
    let mut out = Vec::new();
    blockers(resource, profile, populations, criteria, lifted, &mut |reason| out.push(reason(UiLang::En)));
    out
}

/// Whether [`hard_blockers`] has any reason, without writing one (the same checks).
pub(super) fn is_blocked(
    resource: &Resource,
    profile: &ClientProfile,
    populations: &[Population],
    criteria: &[(Criterion, Evidence)],
    lifted: &[&LiftedExclusion],
) -> bool {
    let mut blocked = false;
    blockers(resource, profile, populations, criteria, lifted, &mut |_| blocked = true);
    blocked
}

/// A reason left out, as a function that writes it in a language.
type Wording<'a> = dyn Fn(UiLang) -> String + 'a;

/// Calls `out` with each reason a resource can never be offered to this client, as a
/// function that writes the sentence (called only by those who read it).
pub(super) fn blockers(
    resource: &Resource,
    profile: &ClientProfile,
    populations: &[Population],
    criteria: &[(Criterion, Evidence)],
    lifted: &[&LiftedExclusion],
    out: &mut dyn FnMut(&Wording),
) {
    let fr = |lang: UiLang| lang == UiLang::Fr;
    match resource.status {
        Status::Active => {}
        // The status note is the catalog's own text, as it stands.
        Status::Defunct => out(&|lang| match (fr(lang), resource.status_note.as_deref()) {
            (false, note) => format!("defunct: {}", note.unwrap_or("no longer operating")),
            (true, Some(note)) => format!("fermé : {note}"),
            (true, None) => "fermé : n'est plus en activité".to_string(),
        }),
        Status::Unverified => out(&|lang| match (fr(lang), resource.status_note.as_deref()) {
            (false, note) => format!("not verified, not shown to clients: {}", note.unwrap_or("status unconfirmed")),
            (true, Some(note)) => format!("non vérifié, jamais montré à la clientèle : {note}"),
            (true, None) => "non vérifié, jamais montré à la clientèle : statut non confirmé".to_string(),
        }),
    }
    where_and_age(resource, profile, populations, out);
    if let Some(audience) = &resource.audience
        && !resource.is_open_to(populations)
    {
        out(&|lang| {
            let who = super::wording::audience_words(audience, populations, lang);
            if fr(lang) {
                format!("seulement pour {who} ; la personne ne fait pas partie de ce groupe")
            } else {
                format!("only for {who}; the client is not in that group")
            }
        });
    }
    if profile.no_internet && resource.needs_internet {
        out(&|lang| {
            if fr(lang) {
                "demande Internet ; la personne n'a pas accès à Internet"
            } else {
                "needs internet; the client has no internet access"
            }
            .to_string()
        });
    }
    if profile.no_smartphone && resource.needs_smartphone {
        out(&|lang| {
            if fr(lang) {
                "demande une application mobile ; la personne n'a pas de téléphone intelligent"
            } else {
                "needs a smartphone app; the client has no smartphone"
            }
            .to_string()
        });
    }
    if profile.phone_only && !resource.reachable_by_phone() {
        out(&|lang| {
            if fr(lang) {
                "ne peut pas être joint par un appel ; la personne utilise le téléphone seulement"
            } else {
                "cannot be reached by a phone call; the client uses the phone only"
            }
            .to_string()
        });
    }
    if profile.free_only && resource.cost != Cost::Free {
        out(&|lang| {
            if fr(lang) {
                format!(
                    "{} ; la personne a besoin de services gratuits",
                    super::wording::cost_words(resource.cost, lang)
                )
            } else {
                format!("cost is {}; the client needs free services", resource.cost)
            }
        });
    }
    for (criterion, why) in criteria {
        if resource.exclusions.contains(criterion) && !lifted.iter().any(|l| l.criterion == *criterion) {
            out(&|lang| {
                let what = super::wording::criterion_words(*criterion, lang);
                if fr(lang) {
                    format!("exclut les personnes qui présentent {what} ({})", why.render(lang))
                } else {
                    format!("excludes clients with {what} ({why})")
                }
            });
        }
    }
}

/// The province and age checks of [`blockers`]: a fact that is not known leaves out a resource
/// whose eligibility depends on it.
fn where_and_age(
    resource: &Resource,
    profile: &ClientProfile,
    populations: &[Population],
    out: &mut dyn FnMut(&Wording),
) {
    let fr = |lang: UiLang| lang == UiLang::Fr;
    match profile.province {
        Some(province) if !resource.covers(province, populations) => out(&|lang| {
            if fr(lang) {
                format!("non offert dans : {} (couvre : {})", province.code(), resource.coverage_text())
            } else {
                format!("not available in {} (covers {})", province.code(), resource.coverage_text())
            }
        }),
        // Offered only in some provinces, and the client's is not known: never a guess.
        None if matches!(resource.coverage, Coverage::Provinces(_))
            && !resource.national_for.iter().any(|p| populations.contains(p)) =>
        {
            out(&|lang| {
                if fr(lang) {
                    format!(
                        "offert seulement dans : {} ; la province ou le territoire de la personne n'est pas connu",
                        resource.coverage_text()
                    )
                } else {
                    format!("only in {}; the client's province or territory is not known", resource.coverage_text())
                }
            });
        }
        _ => {}
    }
    let min = resource.min_age.map_or_else(|| "0".into(), |m| m.to_string());
    match profile.age {
        Some(age) if resource.min_age.is_some_and(|m| age < m) || resource.max_age.is_some_and(|m| age > m) => {
            out(&|lang| {
                if fr(lang) {
                    let max = resource.max_age.map_or_else(|| "sans limite".into(), |m| m.to_string());
                    format!("pour les {min} à {max} ans ; la personne a {age} ans")
                } else {
                    let max = resource.max_age.map_or_else(|| "any".into(), |m| m.to_string());
                    format!("for ages {min}-{max}; client is {age}")
                }
            });
        }
        // An age range, and the client's age is not known: never a guess.
        None if resource.min_age.is_some() || resource.max_age.is_some() => out(&|lang| {
            if fr(lang) {
                let max = resource.max_age.map_or_else(|| "sans limite".into(), |m| m.to_string());
                format!("pour les {min} à {max} ans ; l'âge de la personne n'est pas connu")
            } else {
                let max = resource.max_age.map_or_else(|| "any".into(), |m| m.to_string());
                format!("for ages {min}-{max}; the client's age is not known")
            }
        }),
        _ => {}
    }
}

/// A fact of the client that matching needed and did not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unknown {
    Age,
    Province,
}

impl Unknown {
    /// The unknown facts of a profile, for the match's notes.
    pub fn of(profile: &ClientProfile) -> Vec<Unknown> {
        let mut out = Vec::new();
        if profile.age.is_none() {
            out.push(Unknown::Age);
        }
        if profile.province.is_none() {
            out.push(Unknown::Province);
        }
        out
    }

    /// The note that says what is unknown and what it leaves out.
    pub fn note(self, lang: UiLang) -> String {
        match (self, lang) {
            (Unknown::Age, UiLang::En) => "The client's age is not known: services for an age range are left out \
                 until a date of birth or an age is recorded."
                .to_string(),
            (Unknown::Age, UiLang::Fr) => "L'âge de la personne n'est pas connu : les services réservés à une \
                 tranche d'âge sont écartés tant qu'une date de naissance ou un âge n'est pas inscrit."
                .to_string(),
            (Unknown::Province, UiLang::En) => "The client's province or territory is not known: services offered \
                 only in some provinces are left out, and no provincial crisis line is named, until it is recorded."
                .to_string(),
            (Unknown::Province, UiLang::Fr) => "La province ou le territoire de la personne n'est pas connu : les \
                 services offerts seulement dans certaines provinces sont écartés, et aucune ligne de crise \
                 provinciale n'est nommée, tant qu'il n'est pas inscrit."
                .to_string(),
        }
    }
}
