//! Matching one client's profile, results and level against the catalog: a ranked list in which
//! every resource carries its reasons, and every other entry the reasons it was left out.
//!
//! Safety rules, in order of precedence:
//! * a flagged client (critical flag, crisis level, or a suicide-risk criterion) gets the crisis
//!   block first: 9-1-1 first for acute risk, then the client's primary 24/7 crisis line
//!   (Quebec's own line in QC, 988 elsewhere), population lines (Kids Help Phone for youth, Hope
//!   for Wellness for Indigenous clients...), other 24/7 lines, and only then lines that are not
//!   24/7, which never stand alone;
//! * defunct and unverified entries are never returned; exclusion criteria are honoured;
//! * a client without internet is never given an internet-only resource; phone-only clients
//!   only get services reachable by phone;
//! * within each block, services in the client's language come first.

use super::catalog::{Catalog, Coverage, Resource};
use super::facts::Results;
use super::level::Level;
use super::rules::{Need, RuleSet};
use super::vocab::{Condition, Cost, Criterion, Lang, Population, Province, Status};

/// Who the client is and what they can reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientProfile {
    pub age: u32,
    pub province: Province,
    pub language: Lang,
    pub populations: Vec<Population>,
    pub no_internet: bool,
    pub no_smartphone: bool,
    pub phone_only: bool,
    pub free_only: bool,
}

impl ClientProfile {
    /// Declared populations, plus youth for anyone under 18.
    pub fn effective_populations(&self) -> Vec<Population> {
        let mut list = self.populations.clone();
        if self.age < 18 && !list.contains(&Population::Youth) {
            list.push(Population::Youth);
        }
        list
    }
}

/// Which part of the list a recommendation belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Crisis response, first for a flagged client.
    Crisis,
    /// Care at the client's level.
    Care,
    /// A 24/7 line to keep at hand, for clients who are not flagged.
    SafetyNet,
}

/// One recommended resource with its reasons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recommendation<'a> {
    pub resource: &'a Resource,
    pub role: Role,
    pub reasons: Vec<String>,
}

/// One entry left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion<'a> {
    pub resource: &'a Resource,
    pub reasons: Vec<String>,
}

/// The result of matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchOutcome<'a> {
    pub recommendations: Vec<Recommendation<'a>>,
    pub excluded: Vec<Exclusion<'a>>,
    /// Things a clinician must know (e.g. no service in the catalog fits the level).
    pub notes: Vec<String>,
    /// Whether the crisis block came first.
    pub flagged: bool,
}

/// The level the match is for: the final level (after any override), and the level of care
/// to offer beyond crisis response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchLevel {
    pub level: Level,
    pub step_level: Level,
}

struct Candidate<'a> {
    resource: &'a Resource,
    reasons: Vec<String>,
    key: (u8, i64),
}

fn lang_name(lang: &str) -> &str {
    match lang {
        "en" => "English",
        "fr" => "French",
        other => other,
    }
}

/// Matches one encounter over the whole catalog.
pub fn match_resources<'a>(
    catalog: &'a Catalog,
    rules: &RuleSet,
    profile: &ClientProfile,
    results: &Results,
    level: MatchLevel,
) -> MatchOutcome<'a> {
    let populations = profile.effective_populations();
    let criteria = rules.criteria_met(results);
    let needs = rules.needs(results);
    let acute = rules.is_acute(results) || criteria.iter().any(|(c, _)| *c == Criterion::AcuteRisk);
    let critical: Vec<String> = results
        .flags
        .iter()
        .filter(|f| f.severity == super::vocab::Severity::Critical)
        .map(|f| format!("{} {}", title(results, &f.instrument), f.label.to_lowercase()))
        .collect();
    let suicide_risk = criteria.iter().find(|(c, _)| *c == Criterion::SuicideRisk);
    let flagged = !critical.is_empty() || level.level == Level::Crisis || suicide_risk.is_some() || acute;
    let risk_phrase = if let Some(first) = critical.first() {
        format!("critical flag ({first})")
    } else if let Some((_, why)) = suicide_risk {
        format!("suicide risk ({why})")
    } else {
        "crisis level".to_string()
    };
    let care_level = if level.level == Level::Crisis { level.step_level } else { level.level };
    let offered = rules.offered_levels(care_level);

    let mut crisis: Vec<Candidate<'a>> = Vec::new();
    let mut care: Vec<Candidate<'a>> = Vec::new();
    let mut net: Vec<Candidate<'a>> = Vec::new();
    let mut excluded: Vec<Exclusion<'a>> = Vec::new();

    for resource in &catalog.resources {
        let blockers = hard_blockers(resource, profile, &populations, &criteria);
        if !blockers.is_empty() {
            excluded.push(Exclusion { resource, reasons: blockers });
            continue;
        }
        let speaks = resource.speaks(profile.language);
        let population_match: Vec<Population> =
            resource.populations.iter().copied().filter(|p| populations.contains(p)).collect();
        let mut shared = Vec::new();
        if let Some(p) = population_match.first() {
            shared.push(format!("for {}", population_phrase(*p)));
        }
        if speaks {
            shared.push(format!("offered in {}", lang_name(profile.language.as_str())));
        }
        if resource.cost == Cost::Free {
            shared.push("free".to_string());
        }
        if let Some(number) = resource.phone.first() {
            shared.push(format!("reachable by phone: {number}"));
        } else if resource.delivered_by_phone {
            shared.push("delivered by phone".to_string());
        }
        if let Some(number) = resource.text.first()
            && !profile.phone_only
        {
            shared.push(match &resource.text_keyword {
                Some(k) => format!("text {k} to {number} (plain SMS, no data needed)"),
                None => format!("text {number} (plain SMS, no data needed)"),
            });
        }

        if resource.is_crisis() && flagged {
            let primary = is_primary(resource, profile.province);
            let tier: u8 = if resource.emergency && acute {
                0
            } else if !resource.hours.is_24_7() {
                6
            } else if resource.emergency {
                5
            } else if primary == Some(true) {
                1
            } else if primary == Some(false) {
                2
            } else if !population_match.is_empty() {
                3
            } else {
                4
            };
            let mut reasons = Vec::new();
            if resource.emergency {
                if acute {
                    reasons.push(format!("acute risk ({risk_phrase}): call 9-1-1 now for immediate danger"));
                } else {
                    reasons.push(format!("{risk_phrase}: call 9-1-1 if there is immediate danger to life"));
                }
            } else if resource.hours.is_24_7() {
                let what = match primary {
                    Some(true) => format!("the crisis line for {} clients", profile.province.code()),
                    Some(false) => "national 24/7 crisis line".to_string(),
                    None => "24/7 crisis line".to_string(),
                };
                reasons.push(format!("{risk_phrase}: {what}"));
            } else {
                reasons.push(format!(
                    "{risk_phrase}: not 24/7 ({}); use with a 24/7 line listed above",
                    resource.hours.text()
                ));
            }
            reasons.extend(shared);
            let key = (tier, if speaks { 0 } else { 1 });
            crisis.push(Candidate { resource, reasons, key });
            continue;
        }

        // Care at the client's level.
        let fit = resource.levels.iter().filter_map(|l| offered.iter().position(|o| o == l)).min();
        let relevance = relevance(resource, &needs);
        match (fit, &relevance) {
            (Some(position), Some(answers)) => {
                let mut reasons = answers.clone();
                let fitted = offered[position];
                if position == 0 {
                    reasons.push(format!("fits {} ({})", care_level.phrase(), care_level.description()));
                } else {
                    reasons.push(format!("{}: a lighter step toward {}", fitted.phrase(), care_level.phrase()));
                }
                if let Coverage::Provinces(_) = resource.coverage {
                    reasons.push(format!("available in {}", profile.province.code()));
                }
                reasons.extend(shared);
                let specific = relevance.as_ref().is_some_and(|r| r.iter().any(|x| x.starts_with("answers")));
                let mut score: i64 = if position == 0 { 100 } else { 50 };
                score += if specific { 30 } else { 10 };
                score += if population_match.is_empty() { 0 } else { 40 };
                if matches!(resource.coverage, Coverage::Provinces(_)) {
                    score += 5;
                }
                if resource.reachable_by_phone() && (profile.no_internet || profile.no_smartphone || profile.phone_only) {
                    score += 20;
                }
                if resource.cost == Cost::Free {
                    score += 5;
                }
                care.push(Candidate { resource, reasons, key: (if speaks { 0 } else { 1 }, -score) });
            }
            _ => {
                let safety_net = resource.is_crisis()
                    && resource.hours.is_24_7()
                    && !resource.emergency
                    && (is_primary(resource, profile.province) == Some(true)
                        || (is_primary(resource, profile.province) == Some(false) && !has_provincial_primary(catalog, profile.province))
                        || !population_match.is_empty());
                if safety_net {
                    let mut reasons = vec![if population_match.is_empty() {
                        "safety net: 24/7 crisis line if things get worse".to_string()
                    } else {
                        "safety net: 24/7 line for this population if things get worse".to_string()
                    }];
                    reasons.extend(shared);
                    let tier = if population_match.is_empty() { 0 } else { 1 };
                    net.push(Candidate { resource, reasons, key: (tier, if speaks { 0 } else { 1 }) });
                    continue;
                }
                let mut reasons = Vec::new();
                if resource.is_crisis() && !resource.levels.iter().any(|l| offered.contains(l)) {
                    reasons.push("crisis service: listed first when risk is flagged".to_string());
                } else if fit.is_none() {
                    let levels: Vec<&str> = resource.levels.iter().map(|l| l.as_str()).collect();
                    let wanted: Vec<&str> = offered.iter().map(|l| l.as_str()).collect();
                    reasons.push(format!(
                        "level {} does not fit {} (offered: {})",
                        levels.join("/"),
                        care_level.phrase(),
                        wanted.join(", ")
                    ));
                }
                if relevance.is_none() {
                    let helps: Vec<&str> = resource.conditions.iter().map(|c| c.as_str()).collect();
                    let shown: Vec<&str> =
                        needs.iter().flat_map(|n| n.conditions.iter().map(|c| c.as_str())).collect();
                    reasons.push(format!(
                        "helps with {}; the results show {}",
                        helps.join(", "),
                        if shown.is_empty() { "no specific need".to_string() } else { shown.join(", ") }
                    ));
                }
                excluded.push(Exclusion { resource, reasons });
            }
        }
    }

    crisis.sort_by(|a, b| a.key.cmp(&b.key).then_with(|| a.resource.id.cmp(&b.resource.id)));
    care.sort_by(|a, b| a.key.cmp(&b.key).then_with(|| a.resource.id.cmp(&b.resource.id)));
    net.sort_by(|a, b| a.key.cmp(&b.key).then_with(|| a.resource.id.cmp(&b.resource.id)));

    let mut notes = Vec::new();
    if flagged && !crisis.iter().any(|c| c.resource.hours.is_24_7()) {
        // Never let a part-time line stand alone.
        for c in crisis.drain(..) {
            excluded.push(Exclusion {
                resource: c.resource,
                reasons: vec!["not 24/7 and no 24/7 crisis line could be listed with it".to_string()],
            });
        }
        notes.push("No 24/7 crisis line in the catalog reaches this client: call 9-1-1 for immediate danger.".into());
    }
    if care.is_empty() {
        notes.push(format!(
            "No service in the catalog offers {} care this client can reach; a clinician must arrange it.",
            care_level.phrase()
        ));
    } else if !care.iter().any(|c| c.resource.levels.contains(&offered[0])) {
        notes.push(format!(
            "No service in the catalog offers {} care this client can reach; only lighter steps are listed.",
            care_level.phrase()
        ));
    }

    let mut recommendations = Vec::new();
    let push = |list: Vec<Candidate<'a>>, role: Role, out: &mut Vec<Recommendation<'a>>| {
        for c in list {
            if !out.iter().any(|r: &Recommendation<'_>| r.resource.id == c.resource.id) {
                out.push(Recommendation { resource: c.resource, role, reasons: c.reasons });
            }
        }
    };
    if flagged {
        push(crisis, Role::Crisis, &mut recommendations);
    }
    push(care, Role::Care, &mut recommendations);
    if !flagged {
        push(net, Role::SafetyNet, &mut recommendations);
    }
    excluded.sort_by(|a, b| a.resource.id.cmp(&b.resource.id));
    MatchOutcome { recommendations, excluded, notes, flagged }
}

fn title(results: &Results, instrument: &str) -> String {
    results.result(instrument).map_or_else(|| instrument.to_uppercase(), |r| r.title.clone())
}

fn population_phrase(p: Population) -> &'static str {
    match p {
        Population::Youth => "youth",
        Population::Indigenous => "Indigenous peoples",
        Population::Lgbtq => "2SLGBTQ+ people",
        Population::Trans => "trans and gender-diverse people",
        Population::Veterans => "veterans and their families",
        Population::PublicSafety => "public safety personnel",
        Population::Perinatal => "perinatal clients",
        Population::Newcomers => "newcomers",
        Population::Students => "students",
        Population::Black => "Black communities",
        Population::Muslim => "Muslim communities",
        Population::Families => "families",
        Population::Women => "women",
    }
}

/// `Some(true)`: the primary crisis line for this province; `Some(false)`: the national primary
/// line; `None`: not a primary line here.
fn is_primary(resource: &Resource, province: Province) -> Option<bool> {
    match &resource.primary_for {
        Some(Coverage::Provinces(list)) if list.contains(&province) => Some(true),
        Some(Coverage::National) => Some(false),
        _ => None,
    }
}

fn has_provincial_primary(catalog: &Catalog, province: Province) -> bool {
    catalog.resources.iter().any(|r| {
        r.is_offerable() && matches!(&r.primary_for, Some(Coverage::Provinces(list)) if list.contains(&province))
    })
}

/// Why a resource answers the client's needs, or `None` when it does not.
fn relevance(resource: &Resource, needs: &[Need]) -> Option<Vec<String>> {
    let mut answers = Vec::new();
    for need in needs {
        let matched: Vec<&str> =
            need.conditions.iter().filter(|c| resource.conditions.contains(c)).map(|c| c.as_str()).collect();
        if !matched.is_empty() {
            answers.push(format!("answers {}: {}", need.phrase, matched.join(", ")));
        }
    }
    if answers.is_empty() && resource.conditions.contains(&Condition::Distress) {
        answers.push("general mental health support".to_string());
    }
    if answers.is_empty() { None } else { Some(answers) }
}

/// Reasons a resource can never be offered to this client, whatever the level.
fn hard_blockers(
    resource: &Resource,
    profile: &ClientProfile,
    populations: &[Population],
    criteria: &[(Criterion, String)],
) -> Vec<String> {
    let mut out = Vec::new();
    match resource.status {
        Status::Active => {}
        Status::Defunct => out.push(format!(
            "defunct: {}",
            resource.status_note.as_deref().unwrap_or("no longer operating")
        )),
        Status::Unverified => out.push(format!(
            "not verified, not shown to clients: {}",
            resource.status_note.as_deref().unwrap_or("status unconfirmed")
        )),
    }
    if !resource.covers(profile.province, populations) {
        out.push(format!("not available in {} (covers {})", profile.province.code(), resource.coverage_text()));
    }
    let too_young = resource.min_age.is_some_and(|m| profile.age < m);
    let too_old = resource.max_age.is_some_and(|m| profile.age > m);
    if too_young || too_old {
        out.push(format!(
            "for ages {}-{}; client is {}",
            resource.min_age.map_or_else(|| "0".into(), |m| m.to_string()),
            resource.max_age.map_or_else(|| "any".into(), |m| m.to_string()),
            profile.age
        ));
    }
    if resource.only_for_populations && !resource.populations.iter().any(|p| populations.contains(p)) {
        let names: Vec<&str> = resource.populations.iter().map(|p| population_phrase(*p)).collect();
        out.push(format!("only for {}", names.join(", ")));
    }
    if profile.no_internet && resource.needs_internet {
        out.push("needs internet; the client has no internet access".to_string());
    }
    if profile.no_smartphone && resource.needs_smartphone {
        out.push("needs a smartphone app; the client has no smartphone".to_string());
    }
    if profile.phone_only && !resource.reachable_by_phone() {
        out.push("cannot be reached by a phone call; the client uses the phone only".to_string());
    }
    if profile.free_only && resource.cost != Cost::Free {
        out.push(format!("cost is {}; the client needs free services", resource.cost));
    }
    for (criterion, why) in criteria {
        if resource.exclusions.contains(criterion) {
            out.push(format!("excludes clients with {} ({why})", criterion_phrase(*criterion)));
        }
    }
    out
}

fn criterion_phrase(c: Criterion) -> &'static str {
    match c {
        Criterion::SuicideRisk => "suicide risk",
        Criterion::AcuteRisk => "acute suicide risk",
        Criterion::SubstanceUse => "significant substance use",
        Criterion::PsychosisMania => "psychosis or mania",
    }
}
