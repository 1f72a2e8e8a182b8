//! What triage needs to know about instruments, behind a small trait so that this module does
//! not depend on the instrument engine's internals, and the client's results as triage sees them.

use super::vocab::Severity;

/// A band of an instrument's default banding scheme.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BandInfo {
    pub id: String,
    pub label: String,
    /// The label in French (our own interface text in the instrument file; the English label
    /// where a file gives none).
    pub label_fr: String,
}

/// A flag an instrument can raise.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FlagInfo {
    pub id: String,
    pub severity: Severity,
    pub label: String,
}

/// Person context for cut-offs that depend on the person (AUDIT-C by sex, AUDIT over 65).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PersonContext {
    pub age: Option<u32>,
    pub sex: Option<Sex>,
}

/// Sex as recorded for cut-offs validated by sex: the instruments' own type.
pub use crate::instrument::Sex;

/// The facts about instruments that triage uses. The instrument library implements it; tests
/// use a small fake.
pub trait InstrumentFacts {
    /// Whether the library has this instrument.
    fn exists(&self, instrument: &str) -> bool;
    /// Short title for reasons ("PHQ-9"); the id when unknown.
    fn short_title(&self, instrument: &str) -> String;
    /// Smallest and largest possible total; `None` when the instrument has no total (ASQ).
    fn total_range(&self, instrument: &str) -> Option<(i64, i64)>;
    /// The bands of the default scheme, in order (empty when it has none).
    fn bands(&self, instrument: &str) -> Vec<BandInfo>;
    /// The band of a total in the default scheme.
    fn band_of(&self, instrument: &str, total: i64) -> Option<BandInfo>;
    /// Whether a total screens positive for this person; `None` when the instrument has no
    /// total-based positive screen.
    fn positive_at(&self, instrument: &str, total: i64, context: &PersonContext) -> Option<bool>;
    /// The flags this instrument can raise.
    fn flags(&self, instrument: &str) -> Vec<FlagInfo>;
    /// Every instrument id, sorted.
    fn instrument_ids(&self) -> Vec<String>;

    /// The severity of one flag.
    fn flag_severity(&self, instrument: &str, flag: &str) -> Option<Severity> {
        self.flags(instrument).into_iter().find(|f| f.id == flag).map(|f| f.severity)
    }
}

/// One flag that was raised.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RaisedFlag {
    pub instrument: String,
    pub id: String,
    pub severity: Severity,
    pub label: String,
}

/// One instrument's result as triage sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ScreenResult {
    pub instrument: String,
    /// Short title for reasons ("PHQ-9").
    pub title: String,
    pub total: Option<i64>,
    pub band: Option<BandInfo>,
    pub positive: Option<bool>,
    /// Screened positive, or a band above the instrument's lowest: the result shows a need.
    pub elevated: bool,
}

/// Results and flags of one encounter.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Results {
    pub results: Vec<ScreenResult>,
    pub flags: Vec<RaisedFlag>,
}

impl Results {
    pub fn result(&self, instrument: &str) -> Option<&ScreenResult> {
        self.results.iter().find(|r| r.instrument == instrument)
    }

    pub fn has_flag(&self, instrument: &str, flag: &str) -> bool {
        self.flags.iter().any(|f| f.instrument == instrument && f.id == flag)
    }

    pub fn has_critical_flag(&self) -> bool {
        self.flags.iter().any(|f| f.severity == Severity::Critical)
    }
}

/// A bad result or flag given on the command line (or by any caller).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("unknown instrument `{0}` (known: {1})")]
    UnknownInstrument(String, String),
    #[error("{title} total {total} is out of range: it must be between {min} and {max}")]
    OutOfRange { title: String, total: i64, min: i64, max: i64 },
    #[error("{0} has no total; give its result with --flag (e.g. --flag {1})")]
    NoTotal(String, String),
    #[error("{0} was given twice")]
    Duplicate(String),
    #[error("unknown flag `{0}`{1}")]
    UnknownFlag(String, String),
    #[error("flag `{0}` is defined by several instruments ({1}); write it as INSTRUMENT.FLAG")]
    AmbiguousFlag(String, String),
    #[error("`{0}` is not ID=TOTAL (e.g. phq9=17)")]
    BadResultSyntax(String),
}

fn clean(text: &str) -> String {
    crate::sanitize::terminal_text(text, false)
}

/// Parses "phq9=17" into its parts.
pub fn parse_result_arg(arg: &str) -> Result<(String, i64), InputError> {
    let (id, total) = arg.split_once('=').ok_or_else(|| InputError::BadResultSyntax(clean(arg)))?;
    let total: i64 = total.trim().parse().map_err(|_| InputError::BadResultSyntax(clean(arg)))?;
    let id = id.trim().to_ascii_lowercase();
    if id.is_empty() {
        return Err(InputError::BadResultSyntax(clean(arg)));
    }
    Ok((id, total))
}

/// Turns totals and flag names into results, using the instruments' own ranges, bands, cut-offs
/// and flags. A flag may be written `INSTRUMENT.FLAG` or just `FLAG` when only one instrument
/// defines it.
pub fn resolve_results(
    facts: &dyn InstrumentFacts,
    totals: &[(String, i64)],
    flags: &[String],
    context: &PersonContext,
) -> Result<Results, InputError> {
    let mut out = Results::default();
    for (id, total) in totals {
        if !facts.exists(id) {
            return Err(InputError::UnknownInstrument(clean(id), facts.instrument_ids().join(", ")));
        }
        let title = facts.short_title(id);
        if out.result(id).is_some() {
            return Err(InputError::Duplicate(title));
        }
        let Some((min, max)) = facts.total_range(id) else {
            let example = facts.flags(id).first().map_or_else(|| id.clone(), |f| format!("{id}.{}", f.id));
            return Err(InputError::NoTotal(title, example));
        };
        if *total < min || *total > max {
            return Err(InputError::OutOfRange { title, total: *total, min, max });
        }
        let band = facts.band_of(id, *total);
        let positive = facts.positive_at(id, *total, context);
        let lowest = facts.bands(id).into_iter().next();
        let above_lowest = matches!((&band, &lowest), (Some(b), Some(l)) if b.id != l.id);
        out.results.push(ScreenResult {
            instrument: id.clone(),
            title,
            total: Some(*total),
            band,
            positive,
            elevated: positive == Some(true) || above_lowest,
        });
    }
    for raw in flags {
        let raw_lower = raw.trim().to_ascii_lowercase();
        let (instrument, flag) = match raw_lower.split_once(['.', ':']) {
            Some((instrument, flag)) => {
                if !facts.exists(instrument) {
                    return Err(InputError::UnknownInstrument(clean(instrument), facts.instrument_ids().join(", ")));
                }
                (instrument.to_string(), flag.to_string())
            }
            None => {
                let owners: Vec<String> = facts
                    .instrument_ids()
                    .into_iter()
                    .filter(|i| facts.flags(i).iter().any(|f| f.id == raw_lower))
                    .collect();
                match owners.as_slice() {
                    [one] => (one.clone(), raw_lower.clone()),
                    [] => return Err(InputError::UnknownFlag(clean(raw), known_flags(facts))),
                    many => return Err(InputError::AmbiguousFlag(clean(raw), many.join(", "))),
                }
            }
        };
        let Some(info) = facts.flags(&instrument).into_iter().find(|f| f.id == flag) else {
            return Err(InputError::UnknownFlag(clean(raw), known_flags(facts)));
        };
        if out.has_flag(&instrument, &flag) {
            return Err(InputError::Duplicate(format!("flag {instrument}.{flag}")));
        }
        out.flags.push(RaisedFlag { instrument, id: info.id, severity: info.severity, label: info.label });
    }
    Ok(out)
}

fn known_flags(facts: &dyn InstrumentFacts) -> String {
    let all: Vec<String> = facts
        .instrument_ids()
        .into_iter()
        .flat_map(|i| facts.flags(&i).into_iter().map(move |f| format!("{i}.{}", f.id)))
        .collect();
    if all.is_empty() { String::new() } else { format!(" (known: {})", all.join(", ")) }
}

#[cfg(test)]
pub(crate) mod fake {
    //! A small instrument library for tests: PHQ-9, PHQ-2, GAD-7, GAD-2, WHO-5, K10, AUDIT-C, DAST-10 and ASQ with
    //! their published ranges, bands, cut-offs and flags.
    use super::*;

    pub struct FakeFacts;

    struct Spec {
        id: &'static str,
        title: &'static str,
        range: Option<(i64, i64)>,
        bands: &'static [(&'static str, &'static str, i64, i64)],
        cutoff: Option<i64>,
        flags: &'static [(&'static str, Severity, &'static str)],
    }

    const SPECS: &[Spec] = &[
        Spec {
            id: "asq",
            title: "ASQ",
            range: None,
            bands: &[],
            cutoff: None,
            flags: &[
                ("acute_positive", Severity::Critical, "Acute positive suicide risk screen"),
                ("non_acute_positive", Severity::Urgent, "Non-acute positive suicide risk screen"),
            ],
        },
        Spec {
            id: "audit",
            title: "AUDIT",
            range: Some((0, 40)),
            bands: &[
                ("zone_i", "Zone I", 0, 7),
                ("zone_ii", "Zone II", 8, 15),
                ("zone_iii", "Zone III", 16, 19),
                ("zone_iv", "Zone IV", 20, 40),
            ],
            cutoff: Some(8),
            flags: &[
                ("injury_or_concern_last_year", Severity::Warning, "AUDIT item 9 or 10 scored 4"),
                ("dependence_items", Severity::Warning, "AUDIT item 4, 5 or 6 scored 2 or more"),
            ],
        },
        Spec { id: "auditc", title: "AUDIT-C", range: Some((0, 12)), bands: &[], cutoff: Some(4), flags: &[] },
        Spec { id: "gad2", title: "GAD-2", range: Some((0, 6)), bands: &[], cutoff: Some(3), flags: &[] },
        Spec { id: "phq2", title: "PHQ-2", range: Some((0, 6)), bands: &[], cutoff: Some(3), flags: &[] },
        Spec {
            id: "dast10",
            title: "DAST-10",
            range: Some((0, 10)),
            bands: &[
                ("no_problems_reported", "No problems reported", 0, 0),
                ("low_level", "Low level", 1, 2),
                ("moderate_level", "Moderate level", 3, 5),
                ("substantial_level", "Substantial level", 6, 8),
                ("severe_level", "Severe level", 9, 10),
            ],
            cutoff: Some(3),
            flags: &[],
        },
        Spec {
            id: "gad7",
            title: "GAD-7",
            range: Some((0, 21)),
            bands: &[
                ("minimal", "Minimal", 0, 4),
                ("mild", "Mild", 5, 9),
                ("moderate", "Moderate", 10, 14),
                ("severe", "Severe", 15, 21),
            ],
            cutoff: Some(10),
            flags: &[],
        },
        Spec {
            id: "k6",
            title: "K6",
            range: Some((0, 24)),
            bands: &[
                ("below_moderate", "Below moderate", 0, 4),
                ("moderate_psychological_distress", "Moderate psychological distress", 5, 12),
                ("serious_psychological_distress", "Serious psychological distress", 13, 24),
            ],
            cutoff: Some(13),
            flags: &[],
        },
        Spec {
            id: "k10",
            title: "K10",
            range: Some((10, 50)),
            bands: &[
                ("low", "Low", 10, 15),
                ("moderate", "Moderate", 16, 21),
                ("high", "High", 22, 29),
                ("very_high", "Very high", 30, 50),
            ],
            cutoff: None,
            flags: &[],
        },
        Spec { id: "pcl5", title: "PCL-5", range: Some((0, 80)), bands: &[], cutoff: Some(33), flags: &[] },
        Spec { id: "pcptsd5", title: "PC-PTSD-5", range: Some((0, 5)), bands: &[], cutoff: Some(3), flags: &[] },
        Spec {
            id: "phq9",
            title: "PHQ-9",
            range: Some((0, 27)),
            bands: &[
                ("none_minimal", "None-minimal", 0, 4),
                ("mild", "Mild", 5, 9),
                ("moderate", "Moderate", 10, 14),
                ("moderately_severe", "Moderately severe", 15, 19),
                ("severe", "Severe", 20, 27),
            ],
            cutoff: Some(10),
            flags: &[("suicidal_ideation", Severity::Critical, "Thoughts of death or self-harm (item 9)")],
        },
        Spec { id: "who5", title: "WHO-5", range: Some((0, 25)), bands: &[], cutoff: None, flags: &[] },
    ];

    fn spec(id: &str) -> Option<&'static Spec> {
        SPECS.iter().find(|s| s.id == id)
    }

    impl InstrumentFacts for FakeFacts {
        fn exists(&self, instrument: &str) -> bool {
            spec(instrument).is_some()
        }
        fn short_title(&self, instrument: &str) -> String {
            spec(instrument).map_or_else(|| instrument.to_string(), |s| s.title.to_string())
        }
        fn total_range(&self, instrument: &str) -> Option<(i64, i64)> {
            spec(instrument)?.range
        }
        fn bands(&self, instrument: &str) -> Vec<BandInfo> {
            spec(instrument).map_or_else(Vec::new, |s| {
                s.bands
                    .iter()
                    .map(|b| BandInfo { id: b.0.to_string(), label: b.1.to_string(), label_fr: b.1.to_string() })
                    .collect()
            })
        }
        fn band_of(&self, instrument: &str, total: i64) -> Option<BandInfo> {
            let b = spec(instrument)?.bands.iter().find(|b| b.2 <= total && total <= b.3)?;
            Some(BandInfo { id: b.0.to_string(), label: b.1.to_string(), label_fr: b.1.to_string() })
        }
        fn positive_at(&self, instrument: &str, total: i64, context: &PersonContext) -> Option<bool> {
            let s = spec(instrument)?;
            if s.id == "who5" {
                // WHO-5 screens positive at a LOW raw score (<= 12: poor wellbeing).
                return Some(total <= 12);
            }
            let cutoff = if s.id == "auditc" && context.sex == Some(Sex::Female) { 3 } else { s.cutoff? };
            Some(total >= cutoff)
        }
        fn flags(&self, instrument: &str) -> Vec<FlagInfo> {
            spec(instrument).map_or_else(Vec::new, |s| {
                s.flags
                    .iter()
                    .map(|f| FlagInfo { id: f.0.to_string(), severity: f.1, label: f.2.to_string() })
                    .collect()
            })
        }
        fn instrument_ids(&self) -> Vec<String> {
            SPECS.iter().map(|s| s.id.to_string()).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fake::FakeFacts;
    use super::*;

    fn totals(list: &[(&str, i64)]) -> Vec<(String, i64)> {
        list.iter().map(|(i, t)| (i.to_string(), *t)).collect()
    }

    #[test]
    fn totals_become_bands_and_positive_screens() {
        let r = resolve_results(&FakeFacts, &totals(&[("phq9", 17)]), &[], &PersonContext::default()).unwrap();
        let phq = r.result("phq9").unwrap();
        assert_eq!(phq.band.as_ref().unwrap().id, "moderately_severe");
        assert_eq!(phq.positive, Some(true));
        assert_eq!(phq.title, "PHQ-9");
    }

    #[test]
    fn out_of_range_totals_are_refused_with_the_range() {
        let err = resolve_results(&FakeFacts, &totals(&[("phq9", 28)]), &[], &PersonContext::default()).unwrap_err();
        assert_eq!(err.to_string(), "PHQ-9 total 28 is out of range: it must be between 0 and 27");
        let err = resolve_results(&FakeFacts, &totals(&[("k10", 9)]), &[], &PersonContext::default()).unwrap_err();
        assert!(matches!(err, InputError::OutOfRange { min: 10, .. }));
    }

    #[test]
    fn unknown_instruments_and_flags_are_refused() {
        let err = resolve_results(&FakeFacts, &totals(&[("phq99", 3)]), &[], &PersonContext::default()).unwrap_err();
        assert!(err.to_string().starts_with("unknown instrument `phq99`"));
        let err = resolve_results(&FakeFacts, &[], &["nope".to_string()], &PersonContext::default()).unwrap_err();
        assert!(err.to_string().contains("phq9.suicidal_ideation"));
        let err = resolve_results(&FakeFacts, &[], &["gad7.suicidal_ideation".into()], &PersonContext::default())
            .unwrap_err();
        assert!(matches!(err, InputError::UnknownFlag(..)));
    }

    #[test]
    fn flags_resolve_with_or_without_their_instrument() {
        let r = resolve_results(
            &FakeFacts,
            &[],
            &["suicidal_ideation".into(), "ASQ.non_acute_positive".into()],
            &PersonContext::default(),
        )
        .unwrap();
        assert!(r.has_flag("phq9", "suicidal_ideation"));
        assert!(r.has_flag("asq", "non_acute_positive"));
        assert!(r.has_critical_flag());
    }

    #[test]
    fn instruments_without_a_total_take_flags_instead() {
        let err = resolve_results(&FakeFacts, &totals(&[("asq", 1)]), &[], &PersonContext::default()).unwrap_err();
        assert_eq!(err.to_string(), "ASQ has no total; give its result with --flag (e.g. --flag asq.acute_positive)");
    }

    #[test]
    fn duplicates_are_refused() {
        let err = resolve_results(&FakeFacts, &totals(&[("gad7", 3), ("gad7", 4)]), &[], &PersonContext::default())
            .unwrap_err();
        assert_eq!(err, InputError::Duplicate("GAD-7".into()));
    }

    #[test]
    fn result_arguments_parse() {
        assert_eq!(parse_result_arg("PHQ9=17").unwrap(), ("phq9".to_string(), 17));
        assert!(parse_result_arg("phq9").is_err());
        assert!(parse_result_arg("phq9=x").is_err());
        assert!(parse_result_arg("=3").is_err());
    }

    #[test]
    fn sex_specific_cutoffs_come_from_the_instrument() {
        let female = PersonContext { age: Some(30), sex: Some(Sex::Female) };
        let r = resolve_results(&FakeFacts, &totals(&[("auditc", 3)]), &[], &female).unwrap();
        assert_eq!(r.result("auditc").unwrap().positive, Some(true));
        let r = resolve_results(&FakeFacts, &totals(&[("auditc", 3)]), &[], &PersonContext::default()).unwrap();
        assert_eq!(r.result("auditc").unwrap().positive, Some(false));
    }
}
