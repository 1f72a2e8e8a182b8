//! [`InstrumentFacts`] for the instrument library, so `triage match` uses the shipped
//! instruments' own ranges, bands, cut-offs and flags. Only the library's public model is read.

use super::facts::{BandInfo, FlagInfo, InstrumentFacts, PersonContext};
use super::vocab::Severity;
use crate::instrument::expr::{Facts, Sex};
use crate::instrument::model::{Lang, Positive};
use crate::instrument::{Instrument, Library};

/// Expression facts for a total alone: the total score, the person's sex and age; no items.
struct TotalOnly {
    total_index: usize,
    total: i64,
    sex: Option<Sex>,
    age: Option<i64>,
}

impl Facts for TotalOnly {
    fn item_value(&self, _item: usize) -> Option<i64> {
        None
    }
    fn item_code(&self, _item: usize) -> Option<&str> {
        None
    }
    fn score(&self, score: usize) -> Option<i64> {
        (score == self.total_index).then_some(self.total)
    }
    fn positive(&self) -> bool {
        false
    }
    fn sex(&self) -> Option<Sex> {
        self.sex
    }
    fn age(&self) -> Option<i64> {
        self.age
    }
}

fn default_bands(instrument: &Instrument) -> Vec<BandInfo> {
    instrument.default_scheme.and_then(|i| instrument.band_schemes.get(i)).map_or_else(Vec::new, |scheme| {
        scheme
            .bands
            .iter()
            .map(|b| BandInfo {
                id: b.id.clone(),
                label: b.label.get(Lang::En).to_string(),
                label_fr: b.label.get(Lang::Fr).to_string(),
            })
            .collect()
    })
}

impl InstrumentFacts for Library {
    fn exists(&self, instrument: &str) -> bool {
        self.get(instrument).is_some()
    }

    fn short_title(&self, instrument: &str) -> String {
        self.get(instrument).map_or_else(|| instrument.to_string(), |i| i.short_title.get(Lang::En).to_string())
    }

    fn total_range(&self, instrument: &str) -> Option<(i64, i64)> {
        self.get(instrument)?.total_range()
    }

    fn bands(&self, instrument: &str) -> Vec<BandInfo> {
        self.get(instrument).map_or_else(Vec::new, default_bands)
    }

    fn band_of(&self, instrument: &str, total: i64) -> Option<BandInfo> {
        let i = self.get(instrument)?;
        let scheme_index = i.default_scheme?;
        let scheme = i.band_schemes.get(scheme_index)?;
        // Only schemes that band the total can be read from a total.
        if scheme.score != i.total_score() {
            return None;
        }
        let band = i.band_for(scheme_index, total)?;
        Some(BandInfo {
            id: band.id.clone(),
            label: band.label.get(Lang::En).to_string(),
            label_fr: band.label.get(Lang::Fr).to_string(),
        })
    }

    fn positive_at(&self, instrument: &str, total: i64, context: &PersonContext) -> Option<bool> {
        let i = self.get(instrument)?;
        let total_index = i.total_score()?;
        let facts = TotalOnly { total_index, total, sex: context.sex, age: context.age.map(i64::from) };
        match i.positive.as_ref()? {
            Positive::Cutoff { score, cutoff, by_context, .. } => {
                if *score != total_index {
                    return None;
                }
                let chosen = by_context.iter().find(|rule| rule.when.eval(&facts)).map_or(*cutoff, |rule| rule.cutoff);
                Some(total >= chosen)
            }
            Positive::When { when, .. } => {
                // Only conditions on the total (e.g. WHO-5 `total <= 12`) can be judged from it.
                if when.reads_only_items() { None } else { Some(when.eval(&facts)) }
            }
        }
    }

    fn flags(&self, instrument: &str) -> Vec<FlagInfo> {
        self.get(instrument).map_or_else(Vec::new, |i| {
            i.flags
                .iter()
                .map(|f| FlagInfo {
                    id: f.id.clone(),
                    severity: match f.severity {
                        crate::instrument::Severity::Critical => Severity::Critical,
                        crate::instrument::Severity::Urgent => Severity::Urgent,
                        crate::instrument::Severity::Warning => Severity::Warning,
                    },
                    label: f.label.get(Lang::En).to_string(),
                })
                .collect()
        })
    }

    fn instrument_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.instruments().map(|i| i.id.clone()).collect();
        ids.sort();
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::facts::{PersonContext, resolve_results};
    use crate::triage::rules::RuleSet;

    #[test]
    fn the_shipped_library_answers_the_facts_triage_needs() {
        let library = Library::shipped();
        assert!(library.exists("phq9"));
        assert_eq!(library.short_title("phq9"), "PHQ-9");
        assert_eq!(library.total_range("phq9"), Some((0, 27)));
        assert_eq!(library.band_of("phq9", 17).map(|b| b.id), Some("moderately_severe".to_string()));
        assert_eq!(library.positive_at("phq9", 10, &PersonContext::default()), Some(true));
        assert_eq!(library.positive_at("phq9", 9, &PersonContext::default()), Some(false));
        assert_eq!(library.flag_severity("phq9", "suicidal_ideation"), Some(Severity::Critical));
        assert_eq!(library.flag_severity("asq", "acute_positive"), Some(Severity::Critical));
        assert_eq!(library.total_range("asq"), None);
        assert_eq!(library.positive_at("who5", 12, &PersonContext::default()), Some(true));
        assert_eq!(library.positive_at("who5", 13, &PersonContext::default()), Some(false));
    }

    #[test]
    fn sex_specific_cutoffs_follow_the_instrument_file() {
        let library = Library::shipped();
        let female = PersonContext { age: Some(40), sex: Some(Sex::Female) };
        let male = PersonContext { age: Some(40), sex: Some(Sex::Male) };
        assert_eq!(library.positive_at("auditc", 3, &female), Some(true));
        assert_eq!(library.positive_at("auditc", 3, &male), Some(false));
    }

    #[test]
    fn the_shipped_rules_are_valid_against_the_shipped_library() {
        let library = Library::shipped();
        let source = include_str!("../../questionnaires/triage-rules.toml");
        let rules = RuleSet::parse("questionnaires/triage-rules.toml", source, &library)
            .unwrap_or_else(|e| panic!("{}", e.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n")));
        let results = resolve_results(&library, &[("phq9".to_string(), 17)], &[], &PersonContext::default()).unwrap();
        let suggestion = rules.suggest(&results);
        assert_eq!(suggestion.reasons[0].to_string(), "PHQ-9 17, moderately severe -> level 4");
    }
}
