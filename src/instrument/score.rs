//! The scoring engine: from an instrument, the answers and the person's context to a result.
//! Pure: no IO, no clock, no allocation beyond the result itself.

use std::collections::BTreeMap;

use serde::Serialize;

use super::expr::{Facts, Sex};
use super::model::{Instrument, Positive, Severity};

/// Who is being scored, for cut-offs that depend on the person, and the service's choices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    pub sex: Option<Sex>,
    pub age: Option<i64>,
    /// A cut-off chosen by the service from the instrument's `allowed_cutoffs` (PC-PTSD-5: 3 or 4).
    pub cutoff: Option<i64>,
}

impl Context {
    /// The context of a person of `sex` born on `birth_date`, on the day `on` (both YYYY-MM-DD):
    /// their age that day; unknown ones stay unknown, and the instruments say what that means.
    pub fn of_person(sex: Option<Sex>, birth_date: Option<&str>, on: &str) -> Context {
        Context { sex, age: birth_date.and_then(|birth| age_on(birth, on)), cutoff: None }
    }
}

pub use super::date::age_on;

/// The answer given to each item, as an index into the item's options (`None`: not answered).
pub type Answers = [Option<usize>];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlagHit {
    pub id: String,
    pub severity: Severity,
    pub item: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScoreResult {
    pub instrument: String,
    pub version: String,
    pub scorable: bool,
    /// Required items that were asked but not answered.
    pub missing: Vec<String>,
    pub total: Option<i64>,
    /// Every score that could be computed, by id (the total included).
    pub scores: BTreeMap<String, i64>,
    /// Band id in the default scheme.
    pub band: Option<String>,
    /// Band id per scheme.
    pub bands: BTreeMap<String, String>,
    /// Bands of a rule scheme that come before the band found (or could be the band) but depend
    /// on a missing item: not decided, so never read as "no" (ASQ with Q5 missing: acute unknown).
    pub undetermined_bands: Vec<String>,
    pub positive: bool,
    /// The cut-off applied, when the positive screen is a cut-off.
    pub cutoff: Option<i64>,
    pub flags: Vec<FlagHit>,
    pub follow_ups: Vec<String>,
    /// Items not asked because of a skip rule.
    pub skipped: Vec<String>,
    /// Short forms scored from these answers (PHQ-2 inside PHQ-9), where valid.
    pub derived: BTreeMap<String, ScoreResult>,
}

impl ScoreResult {
    pub fn has_critical_flag(&self) -> bool {
        self.flags.iter().any(|f| f.severity == Severity::Critical)
    }
}

struct State<'a> {
    codes: Vec<Option<&'a str>>,
    values: Vec<Option<i64>>,
    scores: Vec<Option<i64>>,
    positive: bool,
    context: &'a Context,
    /// Asked, required and not answered (set once the missing items are known).
    missing: Vec<bool>,
}

impl Facts for State<'_> {
    fn item_value(&self, item: usize) -> Option<i64> {
        self.values.get(item).copied().flatten()
    }
    fn item_code(&self, item: usize) -> Option<&str> {
        self.codes.get(item).copied().flatten()
    }
    fn score(&self, score: usize) -> Option<i64> {
        self.scores.get(score).copied().flatten()
    }
    fn positive(&self) -> bool {
        self.positive
    }
    fn sex(&self) -> Option<Sex> {
        self.context.sex
    }
    fn age(&self) -> Option<i64> {
        self.context.age
    }
    fn item_missing(&self, item: usize) -> bool {
        self.missing.get(item).copied().unwrap_or(false)
    }
}

/// Which items are asked, given the answers so far (skip rules look only at earlier items).
pub fn enabled_items(instrument: &Instrument, answers: &Answers) -> Vec<bool> {
    let no_context = Context::default();
    let state = resolve(instrument, answers, &no_context);
    state.1
}

fn resolve<'a>(instrument: &'a Instrument, answers: &Answers, context: &'a Context) -> (State<'a>, Vec<bool>) {
    let count = instrument.items.len();
    let mut state = State {
        codes: vec![None; count],
        values: vec![None; count],
        scores: vec![None; instrument.scores.len()],
        positive: false,
        context,
        missing: vec![false; count],
    };
    let mut enabled = vec![true; count];
    for (index, item) in instrument.items.iter().enumerate() {
        let asked = item.enable_when.as_ref().is_none_or(|condition| condition.eval(&state));
        enabled[index] = asked;
        if asked {
            let chosen =
                answers.get(index).copied().flatten().and_then(|position| instrument.options_of(index).get(position));
            if let Some(option) = chosen {
                state.codes[index] = Some(option.code.as_str());
                state.values[index] = Some(option.value);
            }
        } else {
            state.values[index] = item.if_skipped;
        }
    }
    (state, enabled)
}

/// Scores one instrument (without its derived short forms; see `Library::score`).
pub fn score(instrument: &Instrument, answers: &Answers, context: &Context) -> ScoreResult {
    let (mut state, enabled) = resolve(instrument, answers, context);
    let missing: Vec<String> = instrument
        .items
        .iter()
        .enumerate()
        .filter(|(i, item)| enabled[*i] && item.required && state.codes[*i].is_none())
        .map(|(_, item)| item.id.clone())
        .collect();
    let skipped =
        instrument.items.iter().enumerate().filter(|(i, _)| !enabled[*i]).map(|(_, item)| item.id.clone()).collect();
    let scorable = missing.is_empty();
    for (index, item) in instrument.items.iter().enumerate() {
        state.missing[index] = enabled[index] && item.required && state.codes[index].is_none();
        // Skipped by a rule that a missing answer could change: its value is unknown too.
        if !enabled[index] && item.enable_when.as_ref().is_some_and(|w| w.eval_known(&state).is_none()) {
            state.missing[index] = true;
        }
    }

    for (index, score) in instrument.scores.iter().enumerate() {
        let sum = score.items.iter().try_fold(0i64, |acc, &item| Some(acc + state.values[item]?));
        state.scores[index] = sum.map(|s| s * score.multiplier + score.offset);
    }
    let total_index = instrument.total_score();
    let total = total_index.and_then(|i| state.scores[i]).filter(|_| scorable);

    let (bands, band, undetermined_bands) =
        if scorable { bands(instrument, &state) } else { decided_bands(instrument, &state) };

    let cutoff = positive_screen(instrument, &mut state, context, scorable);

    // Risk flags do not depend on the total being scorable: a lone positive risk item counts.
    let (flags, follow_ups) = flags_and_follow_ups(instrument, &state);

    let scores = instrument
        .scores
        .iter()
        .zip(&state.scores)
        .filter_map(|(score, value)| value.map(|v| (score.id.clone(), v)))
        .filter(|_| scorable)
        .collect();

    ScoreResult {
        instrument: instrument.id.clone(),
        version: instrument.version.clone(),
        scorable,
        missing,
        total,
        scores,
        band,
        bands,
        undetermined_bands,
        positive: state.positive,
        cutoff,
        flags,
        follow_ups,
        skipped,
        derived: BTreeMap::new(),
    }
}

/// The bands of a result that is not scorable: for rule schemes, the band the given answers
/// decide, and (for the default scheme) the rules before it that a missing item leaves open.
fn decided_bands(
    instrument: &Instrument,
    state: &State<'_>,
) -> (BTreeMap<String, String>, Option<String>, Vec<String>) {
    let mut bands = BTreeMap::new();
    let mut band = None;
    let mut undetermined_bands = Vec::new();
    for (index, scheme) in instrument.band_schemes.iter().enumerate() {
        if scheme.score.is_some() {
            continue;
        }
        let mut open = Vec::new();
        let hit = scheme.bands.iter().find(|b| match b.when.as_ref().and_then(|w| w.eval_known(state)) {
            Some(holds) => holds,
            None => {
                open.push(b.id.clone());
                false
            }
        });
        // The catch-all last rule (the lowest band, e.g. "negative") is never concluded
        // while a rule above it is undetermined.
        let is_last = |b: &&super::model::Band| scheme.bands.last().is_some_and(|last| last.id == b.id);
        let hit = hit.filter(|b| open.is_empty() || !is_last(b));
        if let Some(hit) = hit {
            if instrument.default_scheme == Some(index) {
                band = Some(hit.id.clone());
            }
            bands.insert(scheme.id.clone(), hit.id.clone());
        }
        if instrument.default_scheme == Some(index) {
            undetermined_bands = open;
        }
    }
    (bands, band, undetermined_bands)
}

/// The bands of a scorable result, in every scheme, and the default scheme's.
fn bands(instrument: &Instrument, state: &State<'_>) -> (BTreeMap<String, String>, Option<String>, Vec<String>) {
    let mut bands = BTreeMap::new();
    let mut band = None;
    for (index, scheme) in instrument.band_schemes.iter().enumerate() {
        let hit = match scheme.score {
            Some(score) => state.scores[score].and_then(|value| instrument.band_for(index, value)),
            None => scheme.bands.iter().find(|b| b.when.as_ref().is_some_and(|w| w.eval(state))),
        };
        if let Some(hit) = hit {
            if instrument.default_scheme == Some(index) {
                band = Some(hit.id.clone());
            }
            bands.insert(scheme.id.clone(), hit.id.clone());
        }
    }
    (bands, band, Vec::new())
}

/// Sets `state.positive`; returns the cut-off used, if the screen is a cut-off on a score.
fn positive_screen(instrument: &Instrument, state: &mut State<'_>, context: &Context, scorable: bool) -> Option<i64> {
    let mut cutoff = None;
    if scorable {
        state.positive = match &instrument.positive {
            Some(Positive::Cutoff { score, cutoff: default, allowed, by_context }) => {
                let chosen = context
                    .cutoff
                    .filter(|c| allowed.contains(c))
                    .or_else(|| by_context.iter().find(|rule| rule.when.eval(&*state)).map(|rule| rule.cutoff))
                    .unwrap_or(*default);
                cutoff = Some(chosen);
                state.scores[*score].is_some_and(|value| value >= chosen)
            }
            Some(Positive::When { when, .. }) => when.eval(&*state),
            None => false,
        };
    } else if let Some(Positive::When { when, .. }) = &instrument.positive {
        // A positive screen the given answers already decide (ASQ: a Yes to Q1-4 with Q5
        // missing) is positive; one that depends on a missing item stays not positive, and the
        // result is not scorable, so it is never read as a negative screen.
        state.positive = when.eval_known(&*state) == Some(true);
    }
    cutoff
}

/// The flags raised and the follow-ups due, each follow-up once, flags' first.
fn flags_and_follow_ups(instrument: &Instrument, state: &State<'_>) -> (Vec<FlagHit>, Vec<String>) {
    let mut flags = Vec::new();
    let mut follow_ups: Vec<String> = Vec::new();
    for flag in &instrument.flags {
        if flag.when.eval(state) {
            flags.push(FlagHit {
                id: flag.id.clone(),
                severity: flag.severity,
                item: flag.item.map(|i| instrument.items[i].id.clone()),
            });
            if let Some(target) = &flag.follow_up
                && !follow_ups.contains(target)
            {
                follow_ups.push(target.clone());
            }
        }
    }
    for rule in &instrument.follow_ups {
        if rule.when.eval(state) && !follow_ups.contains(&rule.instrument) {
            follow_ups.push(rule.instrument.clone());
        }
    }
    (flags, follow_ups)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instrument::Library;
    use crate::instrument::answers::parse_answer_list;

    fn asq(answers: &str) -> ScoreResult {
        let library = Library::shipped();
        let Some(instrument) = library.get("asq") else { panic!("asq is shipped") };
        let answers = parse_answer_list(instrument, answers).unwrap_or_else(|e| panic!("{e}"));
        score(instrument, &answers, &Context::default())
    }

    #[test]
    fn asq_yes_with_q5_missing_is_non_acute_positive_with_acuity_undecided() {
        let result = asq("n,n,n,y,-");
        assert!(!result.scorable);
        assert_eq!(result.missing, ["q5"]);
        assert!(result.positive);
        assert_eq!(result.band.as_deref(), Some("non_acute_positive"));
        assert_eq!(result.undetermined_bands, ["acute_positive"]);
        let flags: Vec<&str> = result.flags.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(flags, ["non_acute_positive"]);
    }

    /// The positive screen of `id` with `answers` for a person of `sex` and `age`.
    fn positive(id: &str, answers: &str, sex: Option<Sex>, age: Option<i64>) -> (bool, Option<i64>) {
        let library = Library::shipped();
        let Some(instrument) = library.get(id) else { panic!("{id} is shipped") };
        let answers = parse_answer_list(instrument, answers).unwrap_or_else(|e| panic!("{e}"));
        let result = score(instrument, &answers, &Context { sex, age, cutoff: None });
        (result.positive, result.cutoff)
    }

    /// One rule for both instruments validated by sex: unknown sex takes the more sensitive
    /// (women's) cut-off, AUDIT 7 and AUDIT-C 3 (instruments.md 2.8, 2.9).
    #[test]
    fn unknown_sex_takes_the_womens_cut_off_on_the_audit_and_the_audit_c() {
        // AUDIT total 7: items 1-3 = 2, 2, 1; 4-8 = 0, 0, 1, 1, 0; 9-10 = 0.
        let audit_7 = "2,2,1,0,0,1,1,0,0,0";
        for (sex, age, expected) in [
            (None, None, (true, Some(7))),
            (None, Some(40), (true, Some(7))),
            (Some(Sex::Female), Some(40), (true, Some(7))),
            (Some(Sex::Male), Some(40), (false, Some(8))),
            (Some(Sex::Male), None, (false, Some(8))),
            (Some(Sex::Male), Some(66), (true, Some(7))),
            (Some(Sex::Male), Some(65), (false, Some(8))),
        ] {
            assert_eq!(positive("audit", audit_7, sex, age), expected, "AUDIT 7, {sex:?}, age {age:?}");
        }
        // AUDIT-C total 3.
        let auditc_3 = "1,1,1";
        for (sex, expected) in
            [(None, (true, Some(3))), (Some(Sex::Female), (true, Some(3))), (Some(Sex::Male), (false, Some(4)))]
        {
            assert_eq!(positive("auditc", auditc_3, sex, Some(40)), expected, "AUDIT-C 3, {sex:?}");
        }
    }

    #[test]
    fn complete_asq_results_are_unchanged() {
        let negative = asq("n,n,n,n,-");
        assert!(negative.scorable && !negative.positive);
        assert_eq!(negative.band.as_deref(), Some("negative"));
        assert!(negative.undetermined_bands.is_empty());
        let acute = asq("n,n,n,y,y");
        assert_eq!(acute.band.as_deref(), Some("acute_positive"));
        assert!(acute.has_critical_flag());
    }
}
