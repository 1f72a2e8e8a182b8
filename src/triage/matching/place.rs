//! Where one resource goes in one match: the crisis block, care at the client's level,
//! navigation, the safety net, or left out, with the reasons it carries.

use super::super::catalog::{Catalog, Coverage, Resource};
use super::super::facts::Results;
use super::super::level::Level;
use super::super::rules::{Need, RuleSet};
use super::super::vocab::{Cost, Criterion, Population};
use super::super::wording::{CrisisLineKind, Evidence, Reason, Risk};
use super::{
    Candidate, ClientProfile, LeftOut, LiftedExclusion, MatchLevel, answers_specifically, crisis_fit,
    has_provincial_primary, is_blocked, is_navigation_line, is_primary, relevance,
};

/// What one encounter's results and level say, for every resource alike.
pub(super) struct Situation<'r> {
    pub(super) populations: Vec<Population>,
    pub(super) criteria: Vec<(Criterion, Evidence)>,
    pub(super) needs: Vec<Need>,
    pub(super) acute: bool,
    /// A critical or urgent flag, the crisis level, a suicide-risk criterion or acute risk: the
    /// crisis block comes first.
    pub(super) flagged: bool,
    pub(super) risk: Risk,
    pub(super) care_level: Level,
    pub(super) offered: &'r [Level],
}

impl<'r> Situation<'r> {
    pub(super) fn of(rules: &'r RuleSet, profile: &ClientProfile, results: &Results, level: MatchLevel) -> Self {
        let populations = profile.effective_populations();
        let criteria = rules.criteria_met(results);
        let needs = rules.needs(results);
        let acute = rules.is_acute(results) || criteria.iter().any(|(c, _)| *c == Criterion::AcuteRisk);
        let flag_phrases = |severity: super::super::vocab::Severity| -> Vec<Evidence> {
            results
                .flags
                .iter()
                .filter(|f| f.severity == severity)
                .map(|f| Evidence::Raised { title: super::title(results, &f.instrument), flag: f.id.clone() })
                .collect()
        };
        let critical = flag_phrases(super::super::vocab::Severity::Critical);
        // An urgent flag (a non-acute positive ASQ) also puts the crisis lines first: NIMH shows
        // crisis resources on every positive suicide screen.
        let urgent = flag_phrases(super::super::vocab::Severity::Urgent);
        let suicide_risk = criteria.iter().find(|(c, _)| *c == Criterion::SuicideRisk);
        let flagged = !critical.is_empty()
            || !urgent.is_empty()
            || level.level == Level::Crisis
            || suicide_risk.is_some()
            || acute;
        let risk = if let Some(first) = critical.first() {
            Risk::Critical(first.clone())
        } else if let Some(first) = urgent.first() {
            Risk::Urgent(first.clone())
        } else if let Some((_, why)) = suicide_risk {
            Risk::SuicideRisk(why.clone())
        } else {
            Risk::CrisisLevel
        };
        let care_level = if level.level == Level::Crisis { level.step_level } else { level.level };
        let offered = rules.offered_levels(care_level);
        Situation { populations, criteria, needs, acute, flagged, risk, care_level, offered }
    }
}

/// The block a resource goes to, or why it is left out.
pub(super) enum Placement<'a> {
    Crisis(Candidate<'a>),
    Care(Candidate<'a>),
    Navigation(Candidate<'a>),
    SafetyNet(Candidate<'a>),
    Out(LeftOut),
}

/// One resource as this client meets it.
struct Seen<'a, 'l> {
    resource: &'a Resource,
    lifts: &'l [&'l LiftedExclusion],
    speaks: bool,
    language_rank: i64,
    designed_for: bool,
}

/// Where `resource` goes for this client (`lifts`: the exclusions of it a clinician lifted).
pub(super) fn place<'a>(
    catalog: &Catalog,
    resource: &'a Resource,
    profile: &ClientProfile,
    s: &Situation<'_>,
    lifts: &[&LiftedExclusion],
) -> Placement<'a> {
    if is_blocked(resource, profile, &s.populations, &s.criteria, lifts) {
        return Placement::Out(LeftOut::Blocked);
    }
    let speaks = resource.speaks(profile.language);
    let language_rank = if speaks { 0 } else { 1 };
    // Only a client in the audience gets here for a restricted resource (see
    // `hard_blockers`); for one open to everyone this says whether it is designed for them.
    let designed_for = resource.is_designed_for(&s.populations);
    let seen = Seen { resource, lifts, speaks, language_rank, designed_for };
    if resource.is_crisis() && s.flagged {
        return Placement::Crisis(seen.crisis(profile, s));
    }
    // Care at the client's level.
    let fit = resource.levels.iter().filter_map(|l| s.offered.iter().position(|o| o == l)).min();
    let relevance = relevance(resource, &s.needs);
    match (fit, &relevance) {
        (Some(position), Some(answers)) => Placement::Care(seen.care(profile, s, position, answers)),
        _ => seen.otherwise(catalog, profile, s, fit, relevance.as_ref()),
    }
}

impl<'a> Seen<'a, '_> {
    /// The reasons every recommendation carries; built only for those recommended.
    fn shared(&self, profile: &ClientProfile, s: &Situation<'_>) -> Vec<Reason> {
        let Seen { resource, lifts, speaks, designed_for, .. } = *self;
        let mut shared = Vec::new();
        for (criterion, why) in &s.criteria {
            if let Some(lift) = lifts.iter().find(|l| l.criterion == *criterion)
                && resource.exclusions.contains(criterion)
            {
                shared.push(Reason::Lifted {
                    criterion: *criterion,
                    why: why.clone(),
                    reason: lift.reason.trim().to_string(),
                });
            }
        }
        if let Some(audience) = resource.audience.as_ref().filter(|_| designed_for) {
            shared.push(Reason::ForAudience { audience: audience.clone(), populations: s.populations.clone() });
        }
        if speaks {
            shared.push(Reason::OfferedIn(profile.language));
        }
        shared.push(Reason::Cost(resource.cost));
        if let Some(number) = resource.phone.first() {
            shared.push(Reason::ReachableByPhone(number.clone()));
        } else if resource.delivered_by_phone {
            shared.push(Reason::DeliveredByPhone);
        }
        if let Some(number) = resource.text.first()
            && !profile.phone_only
        {
            shared.push(Reason::Text { keyword: resource.text_keyword.clone(), number: number.clone() });
        }
        shared
    }

    /// A crisis line for a flagged client, ranked by urgency, fit, province and language.
    fn crisis(&self, profile: &ClientProfile, s: &Situation<'_>) -> Candidate<'a> {
        let Seen { resource, language_rank, designed_for, .. } = *self;
        let primary = is_primary(resource, profile.province);
        // 9-1-1 first for s.acute s.risk, then the 24/7 lines, 9-1-1 (not s.acute), and last the
        // lines that are not 24/7, which never stand alone.
        let band = if resource.emergency && s.acute {
            0
        } else if !resource.hours.is_24_7() {
            3
        } else if resource.emergency {
            2
        } else {
            1
        };
        let tier = match primary {
            Some(true) => 1,
            Some(false) => 2,
            None if designed_for => 3,
            None => 4,
        };
        let mut reasons = Vec::new();
        if resource.emergency {
            if s.acute {
                reasons.push(Reason::EmergencyNow { risk: s.risk.clone() });
            } else {
                reasons.push(Reason::EmergencyIfDanger { risk: s.risk.clone() });
            }
        } else if resource.hours.is_24_7() {
            let kind = match primary {
                Some(true) => profile.province.map_or(CrisisLineKind::Other, CrisisLineKind::Provincial),
                Some(false) => CrisisLineKind::National,
                None => CrisisLineKind::Other,
            };
            reasons.push(Reason::CrisisLine { risk: s.risk.clone(), kind });
        } else {
            reasons.push(Reason::PartTimeCrisisLine { risk: s.risk.clone(), hours: resource.hours.text().to_string() });
        }
        let fit = crisis_fit(resource, &s.needs);
        let answered = fit.answered.len() as i64;
        match fit.rank {
            1 => reasons.push(Reason::ForShownNeeds(fit.answered)),
            2 => reasons.push(Reason::LineForOtherNeeds(resource.conditions.clone())),
            _ => {}
        }
        reasons.extend(self.shared(profile, s));
        let key = [band, fit.rank, tier, language_rank, -answered];
        Candidate { resource, reasons, key }
    }

    /// Care that fits the client's level (`position` in the levels offered) and needs.
    fn care(&self, profile: &ClientProfile, s: &Situation<'_>, position: usize, answers: &[Reason]) -> Candidate<'a> {
        let Seen { resource, language_rank, designed_for, .. } = *self;
        let mut reasons = answers.to_vec();
        let fitted = s.offered[position];
        if position == 0 {
            reasons.push(Reason::FitsLevel(s.care_level));
        } else {
            reasons.push(Reason::LighterStep { fitted, care: s.care_level });
        }
        if let (Coverage::Provinces(_), Some(province)) = (&resource.coverage, profile.province) {
            reasons.push(Reason::AvailableIn(province));
        }
        reasons.extend(self.shared(profile, s));
        let specific = answers_specifically(answers);
        let mut score: i64 = if position == 0 { 100 } else { 50 };
        score += if specific { 30 } else { 10 };
        score += if designed_for { 40 } else { 0 };
        if matches!(resource.coverage, Coverage::Provinces(_)) {
            score += 5;
        }
        if resource.reachable_by_phone() && (profile.no_internet || profile.no_smartphone || profile.phone_only) {
            score += 20;
        }
        if resource.cost == Cost::Free {
            score += 5;
        }
        Candidate { resource, reasons, key: [language_rank, -score, 0, 0, 0] }
    }

    /// A resource that is not care for this client: a safety-net line, a navigation line, or
    /// left out.
    fn otherwise(
        &self,
        catalog: &Catalog,
        profile: &ClientProfile,
        s: &Situation<'_>,
        fit: Option<usize>,
        relevance: Option<&Vec<Reason>>,
    ) -> Placement<'a> {
        let Seen { resource, language_rank, designed_for, .. } = *self;
        let safety_net = resource.is_crisis()
            && resource.hours.is_24_7()
            && !resource.emergency
            && (is_primary(resource, profile.province) == Some(true)
                || (is_primary(resource, profile.province) == Some(false)
                    && !has_provincial_primary(catalog, profile.province))
                || designed_for);
        if safety_net {
            let mut reasons = vec![Reason::SafetyNet { for_population: designed_for }];
            reasons.extend(self.shared(profile, s));
            // Population lines first (Kids Help Phone for youth, Hope for Wellness for
            // Indigenous clients), then the client's primary crisis line.
            let tier = if designed_for { 0 } else { 1 };
            return Placement::SafetyNet(Candidate { resource, reasons, key: [tier, language_rank, 0, 0, 0] });
        }
        if let Some(answers) = relevance.as_ref().filter(|_| is_navigation_line(resource)) {
            let province = match resource.coverage {
                Coverage::Provinces(_) => profile.province,
                Coverage::National => None,
            };
            let mut reasons = vec![Reason::Navigation { care: s.care_level, province }];
            reasons.extend(answers.iter().cloned());
            reasons.extend(self.shared(profile, s));
            // Provincial lines first: they know the local services and their intake.
            let mut score: i64 = if matches!(resource.coverage, Coverage::Provinces(_)) { 20 } else { 0 };
            score += if answers_specifically(answers) { 30 } else { 0 };
            score += if designed_for { 40 } else { 0 };
            score += if resource.hours.is_24_7() { 10 } else { 0 };
            return Placement::Navigation(Candidate { resource, reasons, key: [language_rank, -score, 0, 0, 0] });
        }
        let crisis_only = resource.is_crisis() && !resource.levels.iter().any(|l| s.offered.contains(l));
        let why = LeftOut::NotOffered {
            crisis_only,
            level_misfit: !crisis_only && fit.is_none(),
            irrelevant: relevance.is_none(),
        };
        Placement::Out(why)
    }
}
