//! From an encounter's results to a care plan: the suggested level with the rules that fired, and
//! matched resources with their reasons (crisis lines first when a flag is raised). Pure: the
//! catalog and rules are loaded once by the shell.

use crate::instrument::{FlagHit, Library, ScoreResult, Severity};
use crate::triage::catalog::{SHIPPED, SHIPPED_RULES};
use crate::triage::facts::{PersonContext, resolve_results};
use crate::triage::matching::{LiftedExclusion, MatchLevel, Role, match_resources_lifting};
use crate::triage::vocab::Criterion;
use crate::triage::vocab::{Lang as TriageLang, Population, Province};
use crate::triage::wording::{LevelReason, Reason};
use crate::triage::{Catalog, ClientProfile, Level, RuleSet};

use super::app::{App, Screen, age_on};
use super::backend::ClientInfo;
use super::view::CrisisLine;

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
        client: &ClientInfo,
        results: &[&ScoreResult],
        extra_flags: &[(String, FlagHit)],
        today: &str,
    ) -> Plan {
        self.plan_decided(library, client, results, extra_flags, today, &Decided::default())
    }

    /// The plan at the level a clinician decided (matching follows the final level, as
    /// `triage match` does), with the exclusions they lifted.
    pub fn plan_decided(
        &self,
        library: &Library,
        client: &ClientInfo,
        results: &[&ScoreResult],
        extra_flags: &[(String, FlagHit)],
        today: &str,
        decided: &Decided,
    ) -> Plan {
        let age = client.birth_date.as_deref().and_then(|b| age_on(b, today));
        self.plan_at_age(library, client, age, results, extra_flags, decided)
    }

    /// The plan for a client whose age (in whole years) is known without a date of birth: the
    /// kiosk's client, who gave only their age.
    pub fn plan_at_age(
        &self,
        library: &Library,
        client: &ClientInfo,
        age: Option<i64>,
        results: &[&ScoreResult],
        extra_flags: &[(String, FlagHit)],
        decided: &Decided,
    ) -> Plan {
        let context = PersonContext { age: age.and_then(|a| u32::try_from(a).ok()), sex: client.sex_for_scoring };
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
                    client,
                    age,
                    decided,
                );
                plan.notes.push(Reason::AsGiven(error.to_string()));
                return plan;
            }
        };
        self.plan_from(resolved, client, age, decided)
    }

    fn plan_from(
        &self,
        results: crate::triage::Results,
        client: &ClientInfo,
        age: Option<i64>,
        decided: &Decided,
    ) -> Plan {
        let suggestion = self.rules.suggest(&results);
        let profile = ClientProfile {
            age: age.and_then(|a| u32::try_from(a).ok()).unwrap_or(18),
            province: Province::parse(&client.province).unwrap_or(Province::ALL[0]),
            language: match client.language {
                Some(crate::instrument::Lang::Fr) => TriageLang::Fr,
                _ => TriageLang::En,
            },
            populations: client.populations.iter().filter_map(|p| Population::parse(p)).collect(),
            no_internet: client.access_needs.iter().any(|a| a == "no_internet"),
            no_smartphone: client.access_needs.iter().any(|a| a == "no_smartphone"),
            phone_only: client.access_needs.iter().any(|a| a == "phone_only"),
            free_only: client.access_needs.iter().any(|a| a == "free_only"),
        };
        let level = match decided.level {
            None => MatchLevel { level: suggestion.level, step_level: suggestion.step_level },
            Some(Level::Crisis) => MatchLevel { level: Level::Crisis, step_level: suggestion.step_level },
            Some(level) => MatchLevel { level, step_level: level },
        };
        let outcome = match_resources_lifting(&self.catalog, &self.rules, &profile, &results, level, &decided.lifted);
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

    /// The crisis lines to show on the crisis screen, for the client in front.
    pub fn crisis_lines_for(&self, app: &App, library: &Library, today: &str) -> Vec<CrisisLine> {
        let (Screen::Crisis(crisis), Some(intake)) = (&app.screen, &app.intake) else { return Vec::new() };
        let results: Vec<&ScoreResult> = intake.flow.results().collect();
        let extra: Vec<(String, FlagHit)> =
            crisis.flags.iter().map(|f| (crisis.instrument.clone(), f.clone())).collect();
        self.plan(library, &intake.client, &results, &extra, today)
            .resources
            .into_iter()
            .filter(|r| r.crisis)
            .map(|r| CrisisLine { name: r.name, contact: r.contact, hours: r.hours })
            .collect()
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
    use crate::instrument::Lang;

    fn client(province: &str, lang: Lang, populations: &[&str], access: &[&str]) -> ClientInfo {
        ClientInfo {
            id: "c".into(),
            name: "Test".into(),
            birth_date: Some("1990-01-01".into()),
            province: province.into(),
            language: Some(lang),
            populations: populations.iter().map(|p| p.to_string()).collect(),
            access_needs: access.iter().map(|a| a.to_string()).collect(),
            sex_for_scoring: None,
        }
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
        let plan = care.plan(&library, &client("QC", Lang::Fr, &[], &[]), &[&result], &[], "2026-11-25");
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
            let plan = care.plan(&library, &client("ON", Lang::Fr, &[], &[]), &[&result], &[], "2026-11-25");
            let ids: Vec<&str> = plan.resources.iter().map(|r| r.id.as_str()).collect();
            for id in ["trans-lifeline", "lgbt-youthline", "black-youth-helpline", "talk4healing", "vac-assistance"] {
                assert!(!ids.contains(&id), "{id} in {ids:?}");
            }
            let plan = care.plan(&library, &client("ON", Lang::Fr, &["trans"], &[]), &[&result], &[], "2026-11-25");
            assert!(plan.resources.iter().any(|r| r.id == "trans-lifeline"), "{:?}", plan.resources);
        }
    }

    #[test]
    fn mild_results_get_a_level_and_resources_with_reasons() {
        let library = Library::shipped();
        let care = Care::shipped(&library).unwrap();
        let result = phq9(&[1, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
        let plan = care.plan(&library, &client("ON", Lang::En, &[], &["no_internet"]), &[&result], &[], "2026-11-25");
        assert_ne!(plan.suggested, Level::Crisis);
        assert!(!plan.reasons.is_empty());
        assert!(!plan.resources.is_empty());
    }
}
