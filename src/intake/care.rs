//! From an encounter's results to a care plan: the suggested level with the rules that fired, and
//! matched resources with their reasons (crisis lines first when a flag is raised). Pure: the
//! catalog and rules are loaded once by the shell. Both interfaces use it, each giving the
//! client as a [`CareClient`] (the staff interface from the client's record, the kiosk from what
//! the client told it); a fact that is not known stays unknown ([`crate::triage::eligibility`]).

use crate::instrument::{FlagHit, Library, ScoreResult, Severity, Sex};
use crate::triage::catalog::{SHIPPED, SHIPPED_RULES};
use crate::triage::facts::{PersonContext, resolve_results};
use crate::triage::matching::{LiftedExclusion, MatchLevel, Role, match_resources_lifting};
use crate::triage::vocab::Criterion;
use crate::triage::vocab::{Lang as TriageLang, Province};
use crate::triage::wording::{LevelReason, Reason};
use crate::triage::{Catalog, ClientProfile, Level, RuleSet};

/// What the care plan knows of the client: who they are and what they can reach, as matching
/// reads it (an age or province that is not known is `None`, never a default), and the sex for
/// the cut-offs validated by sex (`None`: the instruments' more sensitive cut-off).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CareClient {
    pub profile: ClientProfile,
    pub sex: Option<Sex>,
}

impl CareClient {
    /// A client known only by what they told (the kiosk's): their age and province when known,
    /// their language, no group and no access need.
    pub fn told(age: Option<u32>, province: Option<Province>, lang: crate::instrument::Lang, sex: Option<Sex>) -> Self {
        let profile = ClientProfile {
            age,
            province,
            language: TriageLang::from(lang),
            populations: Vec::new(),
            no_internet: false,
            no_smartphone: false,
            phone_only: false,
            free_only: false,
        };
        CareClient { profile, sex }
    }
}

/// A resource as the interface shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedResource {
    pub id: String,
    pub name: String,
    pub contact: String,
    pub hours: String,
    pub url: Option<String>,
    /// Why, as data: the screen writes them in its language ([`Reason::render`]).
    pub reasons: Vec<Reason>,
    pub crisis: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub suggested: Level,
    /// The rules that fired, as data.
    pub reasons: Vec<LevelReason>,
    pub resources: Vec<PlannedResource>,
    pub notes: Vec<Reason>,
    /// Resources left out only by a flag-based exclusion a clinician may lift (not acute risk).
    pub liftable: Vec<Liftable>,
}

/// A resource a flag-based exclusion keeps out, which a clinician may lift with a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Liftable {
    pub resource: String,
    pub name: String,
    pub criterion: Criterion,
    /// Why the exclusion applies ("excludes clients with suicide risk (...)").
    pub why: String,
    /// The same in French, for a French interface.
    pub why_fr: String,
}

/// What a clinician decided that changes the plan: the final level (matching follows it) and
/// the exclusions they lifted, each with its reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decided {
    pub level: Option<Level>,
    pub lifted: Vec<LiftedExclusion>,
}

/// The catalog and the level rules.
pub struct Care {
    catalog: Catalog,
    rules: RuleSet,
}

impl Care {
    /// The shipped catalog and rules; an error names every problem (the app refuses to suggest
    /// levels from a broken rules file rather than silently under-triage).
    pub fn shipped(library: &Library) -> Result<Care, String> {
        let rules = RuleSet::parse(SHIPPED_RULES.0, SHIPPED_RULES.1, library)
            .map_err(|problems| problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))?;
        let (catalog, problems) = Catalog::from_sources(SHIPPED.iter().copied());
        if !problems.is_empty() {
            return Err(problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"));
        }
        Ok(Care { catalog, rules })
    }

    /// The plan for a client and the results so far (and any critical flags being handled).
    pub fn plan(
        &self,
        library: &Library,
        client: &CareClient,
        results: &[&ScoreResult],
        extra_flags: &[(String, FlagHit)],
    ) -> Plan {
        self.plan_decided(library, client, results, extra_flags, &Decided::default())
    }

    /// The crisis lines of the plan, in its order, for a crisis screen.
    pub fn crisis_lines(
        &self,
        library: &Library,
        client: &CareClient,
        results: &[&ScoreResult],
        extra_flags: &[(String, FlagHit)],
    ) -> Vec<PlannedResource> {
        self.plan(library, client, results, extra_flags).resources.into_iter().filter(|r| r.crisis).collect()
    }

    /// The plan at the level a clinician decided (matching follows the final level, as
    /// `triage match` does), with the exclusions they lifted.
    pub fn plan_decided(
        &self,
        library: &Library,
        client: &CareClient,
        results: &[&ScoreResult],
        extra_flags: &[(String, FlagHit)],
        decided: &Decided,
    ) -> Plan {
        let context = PersonContext { age: client.profile.age, sex: client.sex };
        let totals: Vec<(String, i64)> =
            results.iter().filter(|r| r.scorable).filter_map(|r| Some((r.instrument.clone(), r.total?))).collect();
        let mut flags: Vec<String> =
            results.iter().flat_map(|r| r.flags.iter().map(move |f| format!("{}.{}", r.instrument, f.id))).collect();
        for (instrument, flag) in extra_flags {
            let name = format!("{instrument}.{}", flag.id);
            if !flags.contains(&name) {
                flags.push(name);
            }
        }
        let resolved = match resolve_results(library, &totals, &flags, &context) {
            Ok(resolved) => resolved,
            Err(error) => {
                // Only flags then: a crisis is never hidden because a total could not be read.
                let critical: Vec<String> = flags
                    .iter()
                    .filter(|f| {
                        let (i, id) = f.split_once('.').unwrap_or(("", f));
                        library
                            .get(i)
                            .is_some_and(|x| x.flags.iter().any(|g| g.id == id && g.severity == Severity::Critical))
                    })
                    .cloned()
                    .collect();
                let mut plan = self.plan_from(
                    resolve_results(library, &[], &critical, &context).unwrap_or_default(),
                    &client.profile,
                    decided,
                );
                plan.notes.push(Reason::AsGiven(error.to_string()));
                return plan;
            }
        };
        self.plan_from(resolved, &client.profile, decided)
    }

    fn plan_from(&self, results: crate::triage::Results, profile: &ClientProfile, decided: &Decided) -> Plan {
        let suggestion = self.rules.suggest(&results);
        let level = match decided.level {
            None => MatchLevel { level: suggestion.level, step_level: suggestion.step_level },
            Some(Level::Crisis) => MatchLevel { level: Level::Crisis, step_level: suggestion.step_level },
            Some(level) => MatchLevel { level, step_level: level },
        };
        let outcome = match_resources_lifting(&self.catalog, &self.rules, profile, &results, level, &decided.lifted);
        let criteria = self.rules.criteria_met(&results);
        let lang = profile.language;
        // The contact line goes to the client too (the take-away summary, the kiosk).
        let client_lang = match lang {
            TriageLang::Fr => crate::instrument::Lang::Fr,
            TriageLang::En => crate::instrument::Lang::En,
        };
        let liftable = outcome
            .excluded
            .iter()
            .flat_map(|e| {
                let exclusions = &e.resource.exclusions;
                criteria.iter().filter(move |(c, _)| *c != Criterion::AcuteRisk && exclusions.contains(c)).filter_map(
                    move |(c, _)| {
                        let english = e.reasons();
                        let at = english.iter().position(|r| r.starts_with("excludes clients with"))?;
                        let why = english.get(at)?.clone();
                        // Both lists come from the same checks, in the same order.
                        let why_fr =
                            e.reasons_in(crate::instrument::Lang::Fr).get(at).cloned().unwrap_or_else(|| why.clone());
                        Some(Liftable {
                            resource: e.resource.id.clone(),
                            name: e.resource.name(lang).to_string(),
                            criterion: *c,
                            why,
                            why_fr,
                        })
                    },
                )
            })
            .collect();
        let resources = outcome
            .recommendations
            .iter()
            .map(|r| PlannedResource {
                id: r.resource.id.clone(),
                name: r.resource.name(lang).to_string(),
                contact: contact(r.resource, client_lang),
                hours: r.resource.hours.text().to_string(),
                url: r.resource.url.clone(),
                reasons: r.reasons.clone(),
                crisis: r.role == Role::Crisis,
            })
            .collect();
        Plan { suggested: suggestion.level, reasons: suggestion.reasons, resources, notes: outcome.notes, liftable }
    }
}

fn contact(resource: &crate::triage::Resource, lang: crate::instrument::Lang) -> String {
    let mut parts = Vec::new();
    if let Some(phone) = resource.phone.first() {
        parts.push(phone.clone());
    }
    if let Some(text) = resource.text.first() {
        let keyword = resource.text_keyword.as_deref().map(|k| format!(" ({k})")).unwrap_or_default();
        parts.push(format!("{} {text}{keyword}", crate::triage::wording::text_verb(lang)));
    }
    if parts.is_empty()
        && let Some(url) = &resource.url
    {
        parts.push(url.clone());
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::catalog::Coverage;
    use crate::triage::eligibility::Unknown;
    use crate::triage::vocab::{Population, Province};

    fn client(province: &str, lang: TriageLang, populations: &[&str], access: &[&str]) -> CareClient {
        let has = |need: &str| access.contains(&need);
        let profile = ClientProfile {
            age: Some(36),
            province: Province::parse(province),
            language: lang,
            populations: populations.iter().filter_map(|p| Population::parse(p)).collect(),
            no_internet: has("no_internet"),
            no_smartphone: has("no_smartphone"),
            phone_only: has("phone_only"),
            free_only: has("free_only"),
        };
        CareClient { profile, sex: None }
    }

    fn phq9(positions: &[usize]) -> ScoreResult {
        let library = Library::shipped();
        let instrument = library.get("phq9").unwrap();
        let answers: Vec<Option<usize>> = positions.iter().map(|p| Some(*p)).collect();
        library.score(instrument, &answers, &Default::default())
    }

    #[test]
    fn item_9_puts_crisis_lines_first_with_quebecs_own_line() {
        let library = Library::shipped();
        let care = Care::shipped(&library).unwrap();
        let result = phq9(&[2, 2, 2, 2, 2, 2, 2, 2, 1, 0]);
        let plan = care.plan(&library, &client("QC", TriageLang::Fr, &[], &[]), &[&result], &[]);
        assert_eq!(plan.suggested, Level::Crisis);
        assert!(plan.resources[0].crisis, "{:?}", plan.resources);
        assert!(
            plan.resources.iter().any(|r| r.contact.contains("1-866-277-3553") || r.contact.contains("APPELLE")),
            "{:?}",
            plan.resources
        );
        assert!(plan.resources.iter().all(|r| !r.reasons.is_empty()));
    }

    /// Issue 12: the staff results screen of a francophone client with no population listed
    /// Trans Lifeline (English only, weekday hours) second.
    #[test]
    fn a_client_outside_a_population_never_sees_its_lines_on_the_results_screen() {
        let library = Library::shipped();
        let care = Care::shipped(&library).unwrap();
        for result in [phq9(&[0, 1, 0, 1, 0, 0, 0, 0, 0, 0]), phq9(&[2, 2, 2, 2, 2, 2, 2, 2, 1, 0])] {
            let plan = care.plan(&library, &client("ON", TriageLang::Fr, &[], &[]), &[&result], &[]);
            let ids: Vec<&str> = plan.resources.iter().map(|r| r.id.as_str()).collect();
            for id in ["trans-lifeline", "lgbt-youthline", "black-youth-helpline", "talk4healing", "vac-assistance"] {
                assert!(!ids.contains(&id), "{id} in {ids:?}");
            }
            let plan = care.plan(&library, &client("ON", TriageLang::Fr, &["trans"], &[]), &[&result], &[]);
            assert!(plan.resources.iter().any(|r| r.id == "trans-lifeline"), "{:?}", plan.resources);
        }
    }

    #[test]
    fn mild_results_get_a_level_and_resources_with_reasons() {
        let library = Library::shipped();
        let care = Care::shipped(&library).unwrap();
        let result = phq9(&[1, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
        let plan = care.plan(&library, &client("ON", TriageLang::En, &[], &["no_internet"]), &[&result], &[]);
        assert_ne!(plan.suggested, Level::Crisis);
        assert!(!plan.reasons.is_empty());
        assert!(!plan.resources.is_empty());
    }

    /// What the plan lists for a client, and the catalog entries behind it.
    fn listed<'c>(care: &'c Care, plan: &Plan) -> Vec<&'c crate::triage::Resource> {
        plan.resources.iter().filter_map(|r| care.catalog.resources.iter().find(|c| c.id == r.id)).collect()
    }

    /// Issue 15: a province that is not known is never read as Alberta (the first province).
    #[test]
    fn an_unknown_province_lists_only_what_every_province_has_and_says_so() {
        let library = Library::shipped();
        let care = Care::shipped(&library).unwrap();
        for result in [phq9(&[1, 1, 1, 1, 1, 1, 0, 0, 0, 0]), phq9(&[2, 2, 2, 2, 2, 2, 2, 2, 1, 0])] {
            let mut unknown = client("", TriageLang::En, &[], &[]);
            unknown.profile.province = None;
            let plan = care.plan(&library, &unknown, &[&result], &[]);
            let listed = listed(&care, &plan);
            assert!(!listed.is_empty());
            for resource in &listed {
                assert!(matches!(resource.coverage, Coverage::National), "{} is not national", resource.id);
            }
            assert!(plan.notes.contains(&Reason::Unknown(Unknown::Province)), "{:?}", plan.notes);
            assert!(!plan.notes.contains(&Reason::Unknown(Unknown::Age)), "{:?}", plan.notes);
            let alberta = care.plan(&library, &client("AB", TriageLang::En, &[], &[]), &[&result], &[]);
            assert_ne!(plan.resources, alberta.resources, "an unknown province is not Alberta");
        }
        // A crisis keeps the national line first, and 9-1-1.
        let crisis = phq9(&[2, 2, 2, 2, 2, 2, 2, 2, 1, 0]);
        let mut unknown = client("", TriageLang::En, &[], &[]);
        unknown.profile.province = None;
        let ids: Vec<String> =
            care.crisis_lines(&library, &unknown, &[&crisis], &[]).into_iter().map(|r| r.id).collect();
        assert_eq!(ids.first().map(String::as_str), Some("crisis-988"), "{ids:?}");
        assert!(ids.iter().any(|id| id == "emergency-911"), "{ids:?}");
    }

    /// Issue 15: an age that is not known is never read as 18.
    #[test]
    fn an_unknown_age_leaves_out_every_resource_for_an_age_range_and_says_so() {
        let library = Library::shipped();
        let care = Care::shipped(&library).unwrap();
        let result = phq9(&[1, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
        let mut unknown = client("ON", TriageLang::En, &["youth"], &[]);
        unknown.profile.age = None;
        let plan = care.plan(&library, &unknown, &[&result], &[]);
        for resource in listed(&care, &plan) {
            assert!(resource.min_age.is_none() && resource.max_age.is_none(), "{} has an age range", resource.id);
        }
        assert!(plan.notes.contains(&Reason::Unknown(Unknown::Age)), "{:?}", plan.notes);
        let french = plan.notes.iter().map(|n| n.render(crate::instrument::Lang::Fr)).collect::<Vec<_>>().join(" ");
        assert!(french.contains("L'âge de la personne n'est pas connu"), "{french}");
        let mut adult = unknown.clone();
        adult.profile.age = Some(18);
        let at_18 = care.plan(&library, &adult, &[&result], &[]);
        assert!(listed(&care, &at_18).iter().any(|r| r.min_age.is_some() || r.max_age.is_some()), "the test needs one");
    }
}
