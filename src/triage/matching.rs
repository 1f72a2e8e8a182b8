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
//! * a resource with an `audience` goes only to clients in it, in every block, unless it says
//!   it serves everyone (then the audience only ranks it higher for its own groups);
//! * within the crisis block, lines that fit the risk (suicide, distress) come before lines
//!   for one need only (substance use, gambling): the reference's safety notes give 9-1-1 for
//!   immediate danger and 9-8-8 "for suicidal thoughts or acute distress"
//!   (`shared/reference/resources.md`, "Safety notes for the app" 1-3);
//! * navigation and intake lines (811, 211, ConnexOntario...) are offered at every level: with
//!   the care at levels 1-2, as their own block above level 2, where the notes say what the
//!   service itself must arrange. The reference describes them as nurse triage and
//!   navigation (811), information and referral to publicly funded services (ConnexOntario,
//!   211) and intake (NS Mental Health and Addictions intake), not as level-1 care only
//!   (sections C, F, G);
//! * a client without internet is never given an internet-only resource; phone-only clients
//!   only get services reachable by phone;
//! * within each block, services in the client's language come first.

use std::sync::Arc;

use super::catalog::{Catalog, Coverage, Resource};
use super::eligibility::{Unknown, blockers, hard_blockers, is_blocked};
use super::facts::Results;
use super::level::Level;
use super::rules::{Need, RuleSet};
use super::vocab::{Condition, Criterion, Lang, Modality, Population, Province};
use super::wording::{Evidence, Reason};
use crate::instrument::Lang as UiLang;

mod place;

use place::{Placement, Situation};

/// Who the client is and what they can reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientProfile {
    pub age: Option<u32>,
    pub province: Option<Province>,
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
        if self.age.is_some_and(|age| age < 18) && !list.contains(&Population::Youth) {
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
    /// A navigation or intake line that helps find and arrange care the catalog cannot list
    /// at the client's level.
    Navigation,
    /// A 24/7 line to keep at hand, for clients who are not flagged.
    SafetyNet,
}

/// One recommended resource with its reasons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recommendation<'a> {
    pub resource: &'a Resource,
    pub role: Role,
    /// Why, as data: [`Reason::render`] writes them in the reader's language.
    pub reasons: Vec<Reason>,
}

impl Recommendation<'_> {
    /// The reasons as sentences in `lang`.
    pub fn reasons_in(&self, lang: crate::instrument::Lang) -> Vec<String> {
        super::wording::render_all(&self.reasons, lang)
    }
}

/// One entry left out, and why. Why is kept as data and written out only when read
/// ([`Exclusion::reasons`]): a match leaves out a hundred or so resources, and writing every
/// sentence on every match cost more than the match itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion<'a> {
    pub resource: &'a Resource,
    why: LeftOut,
    context: Arc<LeftOutContext>,
}

/// Why a resource was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LeftOut {
    /// Never for this client, whatever the level ([`hard_blockers`]).
    Blocked,
    /// Not offered at this level or not for these needs.
    NotOffered { crisis_only: bool, level_misfit: bool, irrelevant: bool },
    /// A part-time crisis line, with no 24/7 line to list beside it.
    NotAlone,
}

/// What the sentences of the exclusions of one match read from.
#[derive(Debug, PartialEq, Eq)]
struct LeftOutContext {
    profile: ClientProfile,
    populations: Vec<Population>,
    criteria: Vec<(Criterion, Evidence)>,
    lifted: Vec<LiftedExclusion>,
    offered: Vec<Level>,
    care_level: Level,
    /// The conditions the results show, in the needs' order.
    shown: Vec<Condition>,
}

impl Exclusion<'_> {
    /// Why the resource was left out, as sentences in English (never empty).
    pub fn reasons(&self) -> Vec<String> {
        self.reasons_in(UiLang::En)
    }

    /// Why the resource was left out, as sentences in `lang` (never empty).
    pub fn reasons_in(&self, lang: UiLang) -> Vec<String> {
        let context = &*self.context;
        if lang == UiLang::Fr {
            return match self.why {
                LeftOut::Blocked => {
                    let lifts = lifts_for(&context.lifted, self.resource);
                    let mut out = Vec::new();
                    blockers(
                        self.resource,
                        &context.profile,
                        &context.populations,
                        &context.criteria,
                        &lifts,
                        &mut |r| out.push(r(lang)),
                    );
                    out
                }
                LeftOut::NotAlone => {
                    vec![
                        "pas 24 h sur 24, et aucune ligne de crise 24 h sur 24 n'a pu être indiquée avec elle"
                            .to_string(),
                    ]
                }
                LeftOut::NotOffered { crisis_only, level_misfit, irrelevant } => {
                    let mut reasons = Vec::new();
                    if crisis_only {
                        reasons.push("service de crise : indiqué en premier quand un risque est signalé".to_string());
                    } else if level_misfit {
                        let levels: Vec<&str> = self.resource.levels.iter().map(|l| l.as_str()).collect();
                        let wanted: Vec<&str> = context.offered.iter().map(|l| l.as_str()).collect();
                        reasons.push(format!(
                            "niveau {} ne convient pas à : {} (offerts : {})",
                            levels.join("/"),
                            super::wording::level_phrase(context.care_level, lang),
                            wanted.join(", ")
                        ));
                    }
                    if irrelevant {
                        let helps: Vec<&str> = self
                            .resource
                            .conditions
                            .iter()
                            .map(|c| super::wording::condition_words(*c, lang))
                            .collect();
                        let shown = if context.shown.is_empty() {
                            "aucun besoin précis".to_string()
                        } else {
                            context
                                .shown
                                .iter()
                                .map(|c| super::wording::condition_words(*c, lang))
                                .collect::<Vec<_>>()
                                .join(", ")
                        };
                        reasons.push(format!("aide pour : {} ; les résultats montrent : {shown}", helps.join(", ")));
                    }
                    reasons
                }
            };
        }
        match self.why {
            LeftOut::Blocked => {
                let lifts = lifts_for(&context.lifted, self.resource);
                hard_blockers(self.resource, &context.profile, &context.populations, &context.criteria, &lifts)
            }
            LeftOut::NotAlone => vec!["not 24/7 and no 24/7 crisis line could be listed with it".to_string()],
            LeftOut::NotOffered { crisis_only, level_misfit, irrelevant } => {
                let resource = self.resource;
                let mut reasons = Vec::new();
                if crisis_only {
                    reasons.push("crisis service: listed first when risk is flagged".to_string());
                } else if level_misfit {
                    let levels: Vec<&str> = resource.levels.iter().map(|l| l.as_str()).collect();
                    let wanted: Vec<&str> = context.offered.iter().map(|l| l.as_str()).collect();
                    reasons.push(format!(
                        "level {} does not fit {} (offered: {})",
                        levels.join("/"),
                        context.care_level.phrase(),
                        wanted.join(", ")
                    ));
                }
                if irrelevant {
                    let helps: Vec<&str> = resource.conditions.iter().map(|c| c.as_str()).collect();
                    let shown = if context.shown.is_empty() {
                        "no specific need".to_string()
                    } else {
                        context.shown.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
                    };
                    reasons.push(format!("helps with {}; the results show {shown}", helps.join(", ")));
                }
                reasons
            }
        }
    }
}

/// The valid lifts a clinician gave for `resource`.
fn lifts_for<'l>(lifted: &'l [LiftedExclusion], resource: &Resource) -> Vec<&'l LiftedExclusion> {
    lifted.iter().filter(|l| l.resource == resource.id && l.is_valid()).collect()
}

/// The result of matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchOutcome<'a> {
    pub recommendations: Vec<Recommendation<'a>>,
    pub excluded: Vec<Exclusion<'a>>,
    /// Things a clinician must know (e.g. no service in the catalog fits the level).
    pub notes: Vec<Reason>,
    /// Whether the crisis block came first.
    pub flagged: bool,
}

impl MatchOutcome<'_> {
    /// The notes as sentences in `lang`.
    pub fn notes_in(&self, lang: crate::instrument::Lang) -> Vec<String> {
        super::wording::render_all(&self.notes, lang)
    }
}

/// The level the match is for: the final level (after any override), and the level of care
/// to offer beyond crisis response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchLevel {
    pub level: Level,
    pub step_level: Level,
}

/// A clinician lifted one flag-based exclusion of one resource for this client, with a reason
/// (e.g. BounceBack excludes any PHQ-9 item 9 >= 1; "ASQ negative, passive thoughts, safety
/// plan"). An acute-risk exclusion cannot be lifted: acute risk is 9-1-1, not a referral.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LiftedExclusion {
    pub resource: String,
    pub criterion: Criterion,
    pub reason: String,
}

impl LiftedExclusion {
    /// Whether this lift may apply: not acute risk, and a reason given.
    pub fn is_valid(&self) -> bool {
        self.criterion != Criterion::AcuteRisk && !self.reason.trim().is_empty()
    }
}

struct Candidate<'a> {
    resource: &'a Resource,
    reasons: Vec<Reason>,
    /// Sort key within the block, smallest first; ties go by id.
    key: [i64; 5],
}

/// Matches one encounter over the whole catalog.
pub fn match_resources<'a>(
    catalog: &'a Catalog,
    rules: &RuleSet,
    profile: &ClientProfile,
    results: &Results,
    level: MatchLevel,
) -> MatchOutcome<'a> {
    match_resources_lifting(catalog, rules, profile, results, level, &[])
}

/// As [`match_resources`], with exclusions a clinician lifted: a lifted exclusion no longer
/// keeps the resource out, and the resource's reasons say which exclusion was lifted and why
/// (shown by `--explain` and on the results screen). Invalid lifts (acute risk, no reason)
/// change nothing.
pub fn match_resources_lifting<'a>(
    catalog: &'a Catalog,
    rules: &RuleSet,
    profile: &ClientProfile,
    results: &Results,
    level: MatchLevel,
    lifted: &[LiftedExclusion],
) -> MatchOutcome<'a> {
    let situation = Situation::of(rules, profile, results, level);
    let Situation { populations, criteria, needs, flagged, care_level, offered, .. } = &situation;
    let (flagged, care_level) = (*flagged, *care_level);

    let mut crisis: Vec<Candidate<'a>> = Vec::new();
    let mut care: Vec<Candidate<'a>> = Vec::new();
    let mut navigation: Vec<Candidate<'a>> = Vec::new();
    let mut net: Vec<Candidate<'a>> = Vec::new();
    let mut excluded: Vec<Exclusion<'a>> = Vec::new();
    let context = Arc::new(LeftOutContext {
        profile: profile.clone(),
        populations: populations.clone(),
        criteria: criteria.clone(),
        lifted: lifted.to_vec(),
        offered: offered.to_vec(),
        care_level,
        shown: needs.iter().flat_map(|n| n.conditions.iter().copied()).collect(),
    });
    let left_out = |resource: &'a Resource, why: LeftOut| Exclusion { resource, why, context: context.clone() };

    for resource in &catalog.resources {
        let lifts = lifts_for(lifted, resource);
        match place::place(catalog, resource, profile, &situation, &lifts) {
            Placement::Crisis(candidate) => crisis.push(candidate),
            Placement::Care(candidate) => care.push(candidate),
            Placement::Navigation(candidate) => navigation.push(candidate),
            Placement::SafetyNet(candidate) => net.push(candidate),
            Placement::Out(why) => excluded.push(left_out(resource, why)),
        }
    }

    for list in [&mut crisis, &mut care, &mut navigation, &mut net] {
        list.sort_by(|a, b| a.key.cmp(&b.key).then_with(|| a.resource.id.cmp(&b.resource.id)));
    }

    let mut notes: Vec<Reason> = Unknown::of(profile).into_iter().map(Reason::Unknown).collect();
    if flagged && !crisis.iter().any(|c| c.resource.hours.is_24_7()) {
        // Never let a part-time line stand alone.
        for c in crisis.drain(..) {
            excluded.push(left_out(c.resource, LeftOut::NotAlone));
        }
        notes.push(Reason::NoCrisisLine);
    }
    let navigation_listed = !navigation.is_empty();
    if care.is_empty() {
        notes.push(Reason::NoCareAtLevel { level: care_level, lighter_only: false, navigation_listed });
    } else if !care.iter().any(|c| c.resource.levels.contains(&offered[0])) {
        notes.push(Reason::NoCareAtLevel { level: care_level, lighter_only: true, navigation_listed });
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
    push(navigation, Role::Navigation, &mut recommendations);
    if !flagged {
        push(net, Role::SafetyNet, &mut recommendations);
    }
    excluded.sort_by(|a, b| a.resource.id.cmp(&b.resource.id));
    MatchOutcome { recommendations, excluded, notes, flagged }
}

fn title(results: &Results, instrument: &str) -> String {
    results.result(instrument).map_or_else(|| instrument.to_uppercase(), |r| r.title.clone())
}

/// `Some(true)`: the primary crisis line for this province; `Some(false)`: the national primary
/// line; `None`: not a primary line here.
fn is_primary(resource: &Resource, province: Option<Province>) -> Option<bool> {
    match &resource.primary_for {
        Some(Coverage::Provinces(list)) if province.is_some_and(|p| list.contains(&p)) => Some(true),
        Some(Coverage::National) => Some(false),
        _ => None,
    }
}

fn has_provincial_primary(catalog: &Catalog, province: Option<Province>) -> bool {
    catalog.resources.iter().any(|r| {
        r.is_offerable()
            && matches!(&r.primary_for, Some(Coverage::Provinces(list)) if province.is_some_and(|p| list.contains(&p)))
    })
}

/// How well a crisis line fits the client's risk and results.
struct CrisisFit {
    /// 0: a line for suicide or distress (what puts a client in the crisis block); 1: a line
    /// for another need the results show (substance use, gambling...); 2: neither.
    rank: i64,
    /// The conditions of the results it answers.
    answered: Vec<Condition>,
}

fn crisis_fit(resource: &Resource, needs: &[Need]) -> CrisisFit {
    let answered: Vec<Condition> = Condition::ALL
        .iter()
        .filter(|c| resource.conditions.contains(c) && needs.iter().any(|n| n.conditions.contains(c)))
        .copied()
        .collect();
    let for_the_risk = resource.conditions.iter().any(|c| matches!(c, Condition::Suicide | Condition::Distress));
    let rank = if for_the_risk {
        0
    } else if !answered.is_empty() {
        1
    } else {
        2
    };
    CrisisFit { rank, answered }
}

/// Whether the reasons from [`relevance`] name a result, not just general support.
fn answers_specifically(answers: &[Reason]) -> bool {
    answers.iter().any(Reason::is_specific_answer)
}

/// A phone line whose job is to find and arrange services (811, 211, ConnexOntario, intake).
fn is_navigation_line(resource: &Resource) -> bool {
    resource.modality.contains(&Modality::Navigation) && !resource.phone.is_empty() && !resource.emergency
}

/// Why a resource answers the client's needs, or `None` when it does not.
fn relevance(resource: &Resource, needs: &[Need]) -> Option<Vec<Reason>> {
    let mut answers = Vec::new();
    for need in needs {
        let matched: Vec<Condition> =
            need.conditions.iter().filter(|c| resource.conditions.contains(c)).copied().collect();
        if !matched.is_empty() {
            answers.push(Reason::Answers { need: need.phrase.clone(), conditions: matched });
        }
    }
    if answers.is_empty() && resource.conditions.contains(&Condition::Distress) {
        answers.push(Reason::GeneralSupport);
    }
    if answers.is_empty() { None } else { Some(answers) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instrument::Lang as UiLang;
    use crate::triage::catalog::{SHIPPED, SHIPPED_RULES};
    use crate::triage::facts::fake::FakeFacts;
    use crate::triage::facts::{PersonContext, resolve_results};
    use crate::triage::vocab::Severity;
    use proptest::prelude::*;

    fn catalog() -> Catalog {
        let (catalog, problems) = Catalog::from_sources(SHIPPED.iter().copied());
        assert!(problems.is_empty(), "{problems:?}");
        catalog
    }

    fn rules() -> RuleSet {
        RuleSet::parse(SHIPPED_RULES.0, SHIPPED_RULES.1, &FakeFacts).unwrap()
    }

    fn profile(age: u32, province: Province, language: Lang, populations: &[Population]) -> ClientProfile {
        ClientProfile {
            age: Some(age),
            province: Some(province),
            language,
            populations: populations.to_vec(),
            no_internet: false,
            no_smartphone: false,
            phone_only: false,
            free_only: false,
        }
    }

    fn run<'a>(
        catalog: &'a Catalog,
        profile: &ClientProfile,
        totals: &[(&str, i64)],
        flags: &[&str],
    ) -> (Level, MatchOutcome<'a>) {
        let totals: Vec<(String, i64)> = totals.iter().map(|(i, t)| (i.to_string(), *t)).collect();
        let flags: Vec<String> = flags.iter().map(|f| f.to_string()).collect();
        let (_, level, outcome) = resolve_and_match(catalog, &rules(), profile, &totals, &flags);
        (level, outcome)
    }

    /// Resolves the results, suggests a level and matches at it.
    fn resolve_and_match<'a>(
        catalog: &'a Catalog,
        rules: &RuleSet,
        profile: &ClientProfile,
        totals: &[(String, i64)],
        flags: &[String],
    ) -> (Results, Level, MatchOutcome<'a>) {
        let results = resolve_results(&FakeFacts, totals, flags, &PersonContext::default()).unwrap();
        let s = rules.suggest(&results);
        let outcome =
            match_resources(catalog, rules, profile, &results, MatchLevel { level: s.level, step_level: s.step_level });
        (results, s.level, outcome)
    }

    fn ids<'a>(outcome: &'a MatchOutcome<'_>) -> Vec<&'a str> {
        outcome.recommendations.iter().map(|r| r.resource.id.as_str()).collect()
    }

    #[test]
    fn quebec_francophone_with_item_9_gets_the_quebec_line_first_in_french() {
        let catalog = catalog();
        let p = profile(34, Province::Qc, Lang::Fr, &[]);
        let (level, outcome) = run(&catalog, &p, &[("phq9", 22)], &["suicidal_ideation"]);
        assert_eq!(level, Level::Crisis);
        assert_eq!(&ids(&outcome)[..2], &["qc-suicide", "crisis-988"]);
        let first = &outcome.recommendations[0];
        assert_eq!(
            first.reasons_in(UiLang::En)[0],
            "critical flag (PHQ-9 suicidal ideation): the crisis line for QC clients"
        );
        assert!(first.reasons_in(UiLang::En).contains(&"offered in French".to_string()));
        // The same reasons for a French reader: "offert en français", "texto", no English left.
        let french = first.reasons_in(UiLang::Fr);
        assert!(french.contains(&"offert en français".to_string()), "{french:?}");
        assert!(
            french.contains(
                &"signalement critique (PHQ-9 idées suicidaires) : la ligne de crise pour la clientèle de QC"
                    .to_string()
            ),
            "{french:?}"
        );
        assert!(french.iter().any(|r| r.starts_with("texto ")), "{french:?}");
        assert!(
            french.iter().all(|r| !r.contains("offered") && !r.contains("free") && !r.contains(" SMS")),
            "{french:?}"
        );
        assert!(ids(&outcome).contains(&"emergency-911"));
        let bounce = outcome.excluded.iter().find(|e| e.resource.id == "bounceback").unwrap();
        assert!(
            bounce.reasons().iter().any(|r| r.starts_with("excludes clients with suicide risk")),
            "{:?}",
            bounce.reasons()
        );
    }

    #[test]
    fn a_clinician_lifts_a_flag_based_exclusion_with_a_reason_but_never_an_acute_one() {
        let catalog = catalog();
        let rules = rules();
        let p = profile(40, Province::Bc, Lang::En, &[]);
        let totals = vec![("phq9".to_string(), 12)];
        let results =
            resolve_results(&FakeFacts, &totals, &["suicidal_ideation".to_string()], &PersonContext::default())
                .unwrap();
        // The clinician's decision: level 3 after a negative ASQ (passive thoughts, safety plan).
        let level = MatchLevel { level: Level::Three, step_level: Level::Three };
        let without = match_resources(&catalog, &rules, &p, &results, level);
        let excluded = without.excluded.iter().find(|e| e.resource.id == "bounceback").unwrap();
        assert!(excluded.reasons().iter().any(|r| r.starts_with("excludes clients with suicide risk")));
        let lift = |criterion, reason: &str| LiftedExclusion {
            resource: "bounceback".into(),
            criterion,
            reason: reason.into(),
        };
        let reason = "ASQ negative, passive thoughts, safety plan";
        let lifted = [lift(Criterion::SuicideRisk, reason)];
        let with = match_resources_lifting(&catalog, &rules, &p, &results, level, &lifted);
        let offered = with.recommendations.iter().find(|r| r.resource.id == "bounceback");
        let offered = offered.unwrap_or_else(|| panic!("lifted, BounceBack is offered: {:?}", with.excluded));
        assert!(
            offered
                .reasons_in(UiLang::En)
                .iter()
                .any(|r| r.contains("excludes clients with suicide risk") && r.ends_with(reason)),
            "the exclusion and its lifting both show: {:?}",
            offered.reasons_in(UiLang::En)
        );
        // Another resource's exclusion is untouched; a lift without a reason changes nothing.
        for lifts in [vec![lift(Criterion::SuicideRisk, "  ")], vec![lift(Criterion::SubstanceUse, reason)]] {
            let outcome = match_resources_lifting(&catalog, &rules, &p, &results, level, &lifts);
            assert!(outcome.excluded.iter().any(|e| e.resource.id == "bounceback"));
        }
        assert!(!lift(Criterion::AcuteRisk, reason).is_valid(), "acute risk is never lifted");
    }

    #[test]
    fn acute_risk_puts_9_1_1_first() {
        let catalog = catalog();
        let p = profile(16, Province::On, Lang::En, &[]);
        let (_, outcome) = run(&catalog, &p, &[], &["asq.acute_positive"]);
        assert_eq!(ids(&outcome)[0], "emergency-911");
        assert!(outcome.recommendations[0].reasons_in(UiLang::En)[0].starts_with("acute risk"));
        assert_eq!(ids(&outcome)[1], "crisis-988");
        assert!(ids(&outcome).contains(&"khp"));
    }

    #[test]
    fn a_part_time_line_never_stands_alone_or_first() {
        let catalog = catalog();
        let p = profile(25, Province::On, Lang::En, &[Population::Trans]);
        let (_, outcome) = run(&catalog, &p, &[("phq9", 15)], &["suicidal_ideation"]);
        let list = ids(&outcome);
        let lifeline = list.iter().position(|id| *id == "trans-lifeline").unwrap();
        let first_24_7 = outcome.recommendations.iter().position(|r| r.resource.hours.is_24_7()).unwrap();
        assert!(first_24_7 < lifeline);
        assert!(outcome.recommendations[lifeline].reasons_in(UiLang::En)[0].contains("not 24/7"));
    }

    #[test]
    fn youth_and_indigenous_clients_get_their_lines_even_when_not_flagged() {
        let catalog = catalog();
        let (_, outcome) = run(&catalog, &profile(15, Province::Nu, Lang::En, &[]), &[("phq9", 12)], &[]);
        assert!(ids(&outcome).contains(&"khp"));
        let (_, outcome) =
            run(&catalog, &profile(40, Province::Mb, Lang::En, &[Population::Indigenous]), &[("phq9", 12)], &[]);
        assert!(ids(&outcome).contains(&"hope-for-wellness"));
        assert_eq!(ids(&outcome)[0], "strongest-families");
    }

    #[test]
    fn french_speakers_get_french_capable_services_first() {
        let catalog = catalog();
        let (_, outcome) = run(&catalog, &profile(30, Province::On, Lang::Fr, &[]), &[("gad7", 16)], &[]);
        let care: Vec<_> = outcome.recommendations.iter().filter(|r| r.role == Role::Care).collect();
        let first_english_only = care.iter().position(|r| !r.resource.speaks(Lang::Fr));
        let last_french = care.iter().rposition(|r| r.resource.speaks(Lang::Fr));
        if let (Some(en), Some(fr)) = (first_english_only, last_french) {
            assert!(fr < en, "{:?}", ids(&outcome));
        }
        assert_eq!(care[0].resource.id, "osp");
    }

    #[test]
    fn no_internet_and_phone_only_are_honoured() {
        let catalog = catalog();
        let mut p = profile(30, Province::Ns, Lang::En, &[]);
        p.no_internet = true;
        let (_, outcome) = run(&catalog, &p, &[("phq9", 6)], &[]);
        assert!(outcome.recommendations.iter().all(|r| !r.resource.needs_internet));
        assert!(outcome.excluded.iter().any(|e| e.resource.id == "ns-emh"
            && e.reasons().contains(&"needs internet; the client has no internet access".to_string())));
        // The same reasons in French, one for one.
        let ns = outcome.excluded.iter().find(|e| e.resource.id == "ns-emh").unwrap();
        assert_eq!(ns.reasons_in(UiLang::Fr).len(), ns.reasons().len());
        assert!(
            ns.reasons_in(UiLang::Fr).contains(&"demande Internet ; la personne n'a pas accès à Internet".to_string())
        );
        assert!(outcome.excluded.iter().all(|e| !e.reasons_in(UiLang::Fr).is_empty()));
        p.phone_only = true;
        let (_, outcome) = run(&catalog, &p, &[("phq9", 6)], &[]);
        assert!(outcome.recommendations.iter().all(|r| r.resource.reachable_by_phone()));
    }

    #[test]
    fn free_only_leaves_out_paid_services() {
        let catalog = catalog();
        let mut p = profile(30, Province::On, Lang::En, &[]);
        p.free_only = true;
        let (_, outcome) = run(&catalog, &p, &[("phq9", 12)], &[]);
        assert!(outcome.recommendations.iter().all(|r| r.resource.cost == crate::triage::vocab::Cost::Free));
        assert!(outcome.excluded.iter().any(|e| e.resource.id == "mindbeacon"));
    }

    fn role_of(outcome: &MatchOutcome<'_>, id: &str) -> Option<Role> {
        outcome.recommendations.iter().find(|r| r.resource.id == id).map(|r| r.role)
    }

    fn reasons_left_out(outcome: &MatchOutcome<'_>, id: &str) -> Vec<String> {
        outcome.excluded.iter().find(|e| e.resource.id == id).map_or_else(Vec::new, |e| e.reasons())
    }

    /// The cases seen in issue 12: population-specific resources went to clients outside
    /// their population. (client, results, flags, ids never offered, ids offered)
    #[test]
    fn population_specific_resources_go_only_to_their_populations() {
        use Population::*;
        type Case<'c> = (ClientProfile, &'c [(&'c str, i64)], &'c [&'c str], &'c [&'c str], &'c [&'c str]);
        let cases: &[Case] = &[
            // A "families" client is not a veteran's family, nor perinatal.
            (
                profile(45, Province::On, Lang::En, &[Families]),
                &[("phq9", 16)],
                &["suicidal_ideation"],
                &["vac-assistance"],
                &["emergency-911", "crisis-988"],
            ),
            (profile(35, Province::Bc, Lang::En, &[Families]), &[("phq9", 12)], &[], &["pppss", "vac-assistance"], &[]),
            (profile(35, Province::Bc, Lang::En, &[Perinatal, Families]), &[("phq9", 12)], &[], &[], &["pppss"]),
            (
                profile(45, Province::On, Lang::En, &[Veterans, Families]),
                &[("phq9", 16)],
                &["suicidal_ideation"],
                &[],
                &["vac-assistance"],
            ),
            // Talk4Healing is for Indigenous women: neither a woman nor an Indigenous man.
            (
                profile(30, Province::On, Lang::En, &[Women]),
                &[("phq9", 16)],
                &["suicidal_ideation"],
                &["talk4healing"],
                &[],
            ),
            (
                profile(30, Province::On, Lang::En, &[Indigenous]),
                &[("phq9", 16)],
                &["suicidal_ideation"],
                &["talk4healing"],
                &["hope-for-wellness"],
            ),
            (
                profile(30, Province::On, Lang::En, &[Indigenous, Women]),
                &[("phq9", 16)],
                &["suicidal_ideation"],
                &[],
                &["talk4healing", "hope-for-wellness"],
            ),
            // A 15-year-old with no declared population.
            (
                profile(15, Province::On, Lang::En, &[]),
                &[("phq9", 6)],
                &[],
                &["lgbt-youthline", "black-youth-helpline", "trans-lifeline"],
                &["khp"],
            ),
            (
                profile(15, Province::On, Lang::En, &[]),
                &[("phq9", 16)],
                &["suicidal_ideation"],
                &["lgbt-youthline", "black-youth-helpline", "trans-lifeline"],
                &["khp"],
            ),
            (
                profile(15, Province::On, Lang::En, &[Lgbtq]),
                &[("phq9", 6)],
                &[],
                &["trans-lifeline"],
                &["lgbt-youthline"],
            ),
            (profile(15, Province::On, Lang::En, &[Trans]), &[("phq9", 6)], &[], &[], &["lgbt-youthline"]),
            (profile(15, Province::On, Lang::En, &[Black]), &[("phq9", 6)], &[], &[], &["black-youth-helpline"]),
            // A 40-year-old at level 1, and a francophone with no population.
            (
                profile(40, Province::On, Lang::En, &[]),
                &[("phq9", 3)],
                &[],
                &["trans-lifeline", "black-youth-helpline"],
                &[],
            ),
            (profile(40, Province::On, Lang::Fr, &[]), &[("phq9", 3)], &[], &["trans-lifeline"], &[]),
            (profile(40, Province::On, Lang::Fr, &[]), &[("gad7", 16)], &[], &["trans-lifeline"], &[]),
            (profile(40, Province::On, Lang::En, &[Black]), &[("phq9", 3)], &[], &["black-youth-helpline"], &[]),
        ];
        for (n, (p, totals, flags, never, offered)) in cases.iter().enumerate() {
            let catalog = catalog();
            let (_, outcome) = run(&catalog, p, totals, flags);
            for id in *never {
                assert_eq!(role_of(&outcome, id), None, "case {n}: {id} offered: {:?}", ids(&outcome));
                assert!(
                    reasons_left_out(&outcome, id).iter().any(|r| r.starts_with("only for ")),
                    "case {n}: {id}: {:?}",
                    reasons_left_out(&outcome, id)
                );
            }
            for id in *offered {
                assert!(role_of(&outcome, id).is_some(), "case {n}: {id} missing: {:?}", ids(&outcome));
            }
        }
    }

    #[test]
    fn audience_reasons_name_the_group() {
        use Population::*;
        let catalog = catalog();
        let reasons = |p: ClientProfile, id: &str| -> Vec<String> {
            let (_, outcome) = run(&catalog, &p, &[("phq9", 16)], &["suicidal_ideation"]);
            outcome
                .recommendations
                .iter()
                .find(|r| r.resource.id == id)
                .map(|r| r.reasons_in(UiLang::En).clone())
                .unwrap_or_default()
        };
        let t4h = reasons(profile(30, Province::On, Lang::En, &[Indigenous, Women]), "talk4healing");
        assert!(t4h.contains(&"for Indigenous women".to_string()), "{t4h:?}");
        let vac = reasons(profile(60, Province::Ns, Lang::En, &[Veterans, Families]), "vac-assistance");
        assert!(vac.contains(&"for veterans and their families".to_string()), "{vac:?}");
        let (_, outcome) = run(&catalog, &profile(15, Province::Mb, Lang::En, &[Black]), &[("phq9", 6)], &[]);
        let byh = outcome.recommendations.iter().find(|r| r.resource.id == "black-youth-helpline").unwrap();
        assert!(
            byh.reasons_in(UiLang::En).contains(&"for Black youth or families".to_string()),
            "{:?}",
            byh.reasons_in(UiLang::En)
        );
        let left_out = reasons_left_out(&outcome, "talk4healing");
        assert!(left_out.iter().any(|r| r.starts_with("not available in MB")), "{left_out:?}");
        let (_, outcome) =
            run(&catalog, &profile(30, Province::On, Lang::En, &[Women]), &[("phq9", 16)], &["suicidal_ideation"]);
        assert_eq!(
            reasons_left_out(&outcome, "talk4healing"),
            ["only for Indigenous women; the client is not in that group"]
        );
    }

    #[test]
    fn crisis_lines_are_ordered_by_fit_to_the_results() {
        let catalog = catalog();
        let p = profile(30, Province::Ab, Lang::En, &[]);
        let (_, outcome) = run(&catalog, &p, &[("phq9", 16)], &["suicidal_ideation"]);
        let list = ids(&outcome);
        let position = |id: &str| list.iter().position(|x| *x == id).unwrap_or_else(|| panic!("{id}: {list:?}"));
        assert_eq!(&list[..2], ["crisis-988", "ab-mh-helpline"], "{list:?}");
        assert!(position("ab-mh-helpline") < position("ab-addiction-helpline"));
        let addiction = &outcome.recommendations[position("ab-addiction-helpline")];
        assert!(
            addiction
                .reasons_in(UiLang::En)
                .iter()
                .any(|r| r == "a line for substance-use, gambling: listed after the lines for suicide and distress"),
            "{:?}",
            addiction.reasons_in(UiLang::En)
        );
        // With a substance need the addiction line says so, still after the suicide lines.
        let (_, outcome) = run(&catalog, &p, &[("phq9", 16), ("dast10", 7)], &["suicidal_ideation"]);
        let addiction = outcome.recommendations.iter().find(|r| r.resource.id == "ab-addiction-helpline").unwrap();
        assert!(
            addiction.reasons_in(UiLang::En).iter().any(|r| r == "for substance-use, which the results show"),
            "{:?}",
            addiction.reasons_in(UiLang::En)
        );
        // Acute risk: 9-1-1 first.
        let (_, outcome) = run(&catalog, &p, &[], &["asq.acute_positive"]);
        assert_eq!(ids(&outcome)[0], "emergency-911");
    }

    #[test]
    fn navigation_lines_are_offered_at_every_level_and_notes_say_what_the_service_arranges() {
        let catalog = catalog();
        for (province, totals, line) in [
            (Province::On, &[("phq9", 22)][..], "health811-on"),
            (Province::On, &[("phq9", 17)][..], "connexontario"),
            (Province::Mb, &[("phq9", 17)][..], "info-211"),
            (Province::Bc, &[("gad7", 12)][..], "healthlinkbc-811"),
            (Province::Nu, &[("phq9", 12)][..], "crisis-988"),
        ] {
            let (level, outcome) = run(&catalog, &profile(40, province, Lang::En, &[]), totals, &[]);
            assert!(role_of(&outcome, line).is_some(), "{province:?} {level:?}: {:?}", ids(&outcome));
            if line != "crisis-988" {
                assert_eq!(role_of(&outcome, line), Some(Role::Navigation), "{province:?} {level:?}");
                let rec = outcome.recommendations.iter().find(|r| r.resource.id == line).unwrap();
                assert!(
                    rec.reasons_in(UiLang::En)[0].starts_with("navigation and intake line: helps find and reach "),
                    "{:?}",
                    rec.reasons_in(UiLang::En)
                );
            }
        }
        // Nunavut has no navigation line in the catalog: the note says what the service must do.
        let mut free_in_nunavut = profile(40, Province::Nu, Lang::En, &[]);
        free_in_nunavut.free_only = true;
        let (_, outcome) = run(&catalog, &free_in_nunavut, &[("phq9", 17)], &[]);
        assert!(
            outcome
                .notes_in(UiLang::En)
                .iter()
                .any(|n| n.contains("the service itself must arrange individual therapy or structured psychotherapy")),
            "{:?}",
            outcome.notes_in(UiLang::En)
        );
        // At levels 1-2 the navigation lines are part of the care.
        let (_, outcome) = run(&catalog, &profile(40, Province::On, Lang::En, &[]), &[("phq9", 7)], &[]);
        assert_eq!(role_of(&outcome, "health811-on"), Some(Role::Care));
    }

    fn arb_profile() -> impl Strategy<Value = ClientProfile> {
        (
            proptest::option::weighted(0.9, 0u32..100),
            proptest::option::weighted(0.9, proptest::sample::select(Province::ALL.to_vec())),
            proptest::sample::select(Lang::ALL.to_vec()),
            proptest::sample::subsequence(Population::ALL.to_vec(), 0..5),
            any::<[bool; 4]>(),
        )
            .prop_map(|(age, province, language, populations, access)| ClientProfile {
                age,
                province,
                language,
                populations,
                no_internet: access[0],
                no_smartphone: access[1],
                phone_only: access[2],
                free_only: access[3],
            })
    }

    fn arb_results() -> impl Strategy<Value = (Vec<(String, i64)>, Vec<String>)> {
        let totals = proptest::collection::vec(
            prop_oneof![
                (0i64..=27).prop_map(|t| ("phq9".to_string(), t)),
                (0i64..=21).prop_map(|t| ("gad7".to_string(), t)),
                (10i64..=50).prop_map(|t| ("k10".to_string(), t)),
                (0i64..=10).prop_map(|t| ("dast10".to_string(), t)),
                (0i64..=40).prop_map(|t| ("audit".to_string(), t)),
                (0i64..=12).prop_map(|t| ("auditc".to_string(), t)),
            ],
            0..4,
        )
        .prop_map(|mut v| {
            v.sort();
            v.dedup_by(|a, b| a.0 == b.0);
            v
        });
        let flags = proptest::sample::subsequence(
            vec![
                "phq9.suicidal_ideation".to_string(),
                "asq.acute_positive".to_string(),
                "asq.non_acute_positive".to_string(),
                "audit.dependence_items".to_string(),
            ],
            0..3,
        );
        (totals, flags)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn safety_properties_hold_for_any_client((p, (totals, flags)) in (arb_profile(), arb_results())) {
            let catalog = catalog();
            let rules = rules();
            let (results, level, outcome) = resolve_and_match(&catalog, &rules, &p, &totals, &flags);

            // A flagged client always gets a 24/7 crisis line first.
            if results.flags.iter().any(|f| f.severity == Severity::Critical) {
                prop_assert_eq!(level, Level::Crisis);
                let first = &outcome.recommendations[0];
                prop_assert!(first.resource.is_crisis() && first.resource.hours.is_24_7(), "first: {}", first.resource.id);
            }
            for rec in &outcome.recommendations {
                // No defunct or unverified resource is ever returned.
                prop_assert_eq!(rec.resource.status, crate::triage::vocab::Status::Active, "{}", &rec.resource.id);
                // Every returned resource has at least one reason.
                prop_assert!(!rec.reasons_in(UiLang::En).is_empty());
                // Access needs, coverage, age and exclusion criteria are honoured.
                prop_assert!(!(p.no_internet && rec.resource.needs_internet));
                prop_assert!(!(p.no_smartphone && rec.resource.needs_smartphone));
                prop_assert!(!p.phone_only || rec.resource.reachable_by_phone());
                prop_assert!(!p.free_only || rec.resource.cost == crate::triage::vocab::Cost::Free);
                match p.province {
                    Some(province) => prop_assert!(rec.resource.covers(province, &p.effective_populations())),
                    // Not known: only what does not depend on it.
                    None => prop_assert!(
                        matches!(rec.resource.coverage, Coverage::National)
                            || rec.resource.national_for.iter().any(|g| p.effective_populations().contains(g)),
                        "{} with the province unknown", &rec.resource.id
                    ),
                }
                match p.age {
                    Some(age) => prop_assert!(rec.resource.min_age.is_none_or(|m| age >= m) && rec.resource.max_age.is_none_or(|m| age <= m)),
                    None => prop_assert!(rec.resource.min_age.is_none() && rec.resource.max_age.is_none(), "{} with the age unknown", &rec.resource.id),
                }
                for (criterion, _) in rules.criteria_met(&results) {
                    prop_assert!(!rec.resource.exclusions.contains(&criterion));
                }
            }
            // Every entry is either recommended once or left out with a reason.
            prop_assert_eq!(outcome.recommendations.len() + outcome.excluded.len(), catalog.resources.len());
            prop_assert!(outcome.excluded.iter().all(|e| !e.reasons().is_empty()));
            // A resource restricted to an audience never reaches a client outside it, in any
            // block (stated from the audience fields, not through the matcher's own helpers).
            let populations = p.effective_populations();
            for rec in &outcome.recommendations {
                if let Some(audience) = rec.resource.audience.as_ref().filter(|a| !a.serves_everyone) {
                    prop_assert!(audience.all_of.iter().all(|x| populations.contains(x)), "{} to {:?}", &rec.resource.id, &populations);
                    prop_assert!(audience.any_of.is_empty() || audience.any_of.iter().any(|x| populations.contains(x)), "{} to {:?}", &rec.resource.id, &populations);
                    prop_assert!(audience.families_of.is_none_or(|g| populations.contains(&g)), "{} to {:?}", &rec.resource.id, &populations);
                }
            }
            // A part-time crisis line is never before the first 24/7 one.
            if outcome.flagged {
                let first_part_time = outcome.recommendations.iter().position(|r| r.role == Role::Crisis && !r.resource.hours.is_24_7());
                let first_24_7 = outcome.recommendations.iter().position(|r| r.resource.hours.is_24_7());
                if let Some(pt) = first_part_time {
                    prop_assert!(first_24_7.is_some_and(|f| f < pt));
                }
            }
        }

        #[test]
        fn crisis_lines_are_ordered_by_fit((p, (totals, flags)) in (arb_profile(), arb_results())) {
            let catalog = catalog();
            let rules = rules();
            let (results, _, outcome) = resolve_and_match(&catalog, &rules, &p, &totals, &flags);
            let crisis: Vec<&Resource> =
                outcome.recommendations.iter().filter(|r| r.role == Role::Crisis).map(|r| r.resource).collect();
            let acute = rules.is_acute(&results) || rules.criteria_met(&results).iter().any(|(c, _)| *c == Criterion::AcuteRisk);
            // 9-1-1 first when the risk is acute.
            if acute {
                prop_assert!(crisis.first().is_some_and(|r| r.emergency), "{:?}", crisis.iter().map(|r| &r.id).collect::<Vec<_>>());
            }
            // A line only for substance use or gambling never comes before a 24/7 line for
            // suicide or distress unless the results show a substance need.
            let substance_need = rules.needs(&results).iter().any(|n| n.conditions.iter().any(|c| matches!(c, Condition::SubstanceUse | Condition::Gambling)));
            let substance_only = |r: &Resource| r.conditions.iter().all(|c| matches!(c, Condition::SubstanceUse | Condition::Gambling));
            let general = |r: &Resource| !r.emergency && r.hours.is_24_7() && r.conditions.iter().any(|c| matches!(c, Condition::Suicide | Condition::Distress));
            if !substance_need {
                for (i, line) in crisis.iter().enumerate() {
                    if substance_only(line) {
                        prop_assert!(crisis[i + 1..].iter().all(|later| !general(later)), "{} before a general line: {:?}", &line.id, crisis.iter().map(|r| &r.id).collect::<Vec<_>>());
                    }
                }
            }
        }
    }
}
