//! Property tests over every shipped instrument: totals stay in range, sum scores are monotone in
//! each answer, risk flags ignore unrelated items, and the loader never panics.

use proptest::prelude::*;
use triage::instrument::{Context, Instrument, Library, Sex, score};

fn library() -> &'static Library {
    static LIBRARY: std::sync::OnceLock<Library> = std::sync::OnceLock::new();
    LIBRARY.get_or_init(Library::shipped)
}

/// An instrument index and, per item, a random choice: `None` or an option position seed.
fn instrument_and_answers() -> impl Strategy<Value = (usize, Vec<Option<usize>>, Option<Sex>, i64)> {
    let count = library().instruments().count();
    (
        0..count,
        proptest::collection::vec(proptest::option::weighted(0.9, 0usize..16), 40),
        proptest::option::of(prop_oneof![Just(Sex::Female), Just(Sex::Male)]),
        12i64..90,
    )
}

fn nth(index: usize) -> &'static Instrument {
    library().instruments().nth(index).unwrap()
}

fn fit(instrument: &Instrument, seeds: &[Option<usize>]) -> Vec<Option<usize>> {
    (0..instrument.items.len()).map(|i| seeds[i].map(|s| s % instrument.options_of(i).len())).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn totals_and_scores_stay_within_their_range((index, seeds, sex, age) in instrument_and_answers()) {
        let instrument = nth(index);
        let answers = fit(instrument, &seeds);
        let result = score(instrument, &answers, &Context { sex, age: Some(age), cutoff: None });
        for s in &instrument.scores {
            if let Some(value) = result.scores.get(&s.id) {
                prop_assert!((s.range.0..=s.range.1).contains(value), "{} {} = {} outside {:?}", instrument.id, s.id, value, s.range);
            }
        }
        if result.scorable {
            prop_assert!(result.missing.is_empty());
            if instrument.total_score().is_some() {
                prop_assert!(result.total.is_some());
            }
            if instrument.default_scheme.is_some() {
                prop_assert!(result.band.is_some(), "{}: scorable without a band", instrument.id);
            }
        } else {
            prop_assert!(!result.missing.is_empty());
            prop_assert!(result.total.is_none());
        }
    }

    /// What an incomplete answer set decides holds once the missing items are answered: a
    /// positive screen stays positive, and the band found is the final band or one of the bands
    /// left undetermined before it (never a lower one); flags already raised by the answers given
    /// stay raised unless a flag excluded by a higher, then undetermined, band (ASQ acute) is.
    #[test]
    fn what_partial_answers_decide_holds_once_completed((index, seeds, sex, age) in instrument_and_answers(), fill in proptest::collection::vec(0usize..16, 40)) {
        let instrument = nth(index);
        let answers = fit(instrument, &seeds);
        let context = Context { sex, age: Some(age), cutoff: None };
        let partial = score(instrument, &answers, &context);
        prop_assume!(!partial.scorable);
        let completed: Vec<Option<usize>> = answers
            .iter()
            .enumerate()
            .map(|(i, a)| a.or(Some(fill[i] % instrument.options_of(i).len())))
            .collect();
        let full = score(instrument, &completed, &context);
        prop_assert!(full.scorable, "{}: every item answered but not scorable", instrument.id);
        if partial.positive {
            prop_assert!(full.positive, "{}: positive from partial answers, negative once complete", instrument.id);
        }
        if let Some(band) = &partial.band {
            let final_band = full.band.clone().unwrap_or_default();
            prop_assert!(
                &final_band == band || partial.undetermined_bands.contains(&final_band),
                "{}: partial band {} (undetermined {:?}) but {} once complete", instrument.id, band, partial.undetermined_bands, final_band
            );
        }
    }

    #[test]
    fn sum_scores_are_monotone_in_each_answer((index, seeds, sex, age) in instrument_and_answers(), item_seed in 0usize..40) {
        let instrument = nth(index);
        let answers = fit(instrument, &seeds);
        let item = item_seed % instrument.items.len();
        let options = instrument.options_of(item);
        let (Some(current), Some(total)) = (answers[item], instrument.total_score()) else { return Ok(()) };
        let context = Context { sex, age: Some(age), cutoff: None };
        let before = score(instrument, &answers, &context);
        // Every option whose scored value is higher than the current one.
        for (position, option) in options.iter().enumerate() {
            if option.value <= options[current].value {
                continue;
            }
            let mut raised = answers.clone();
            raised[item] = Some(position);
            let after = score(instrument, &raised, &context);
            let id = &instrument.scores[total].id;
            if let (Some(b), Some(a)) = (before.scores.get(id), after.scores.get(id)) {
                prop_assert!(a >= b, "{}: raising {} lowered the total {} -> {}", instrument.id, instrument.items[item].id, b, a);
            }
        }
    }

    #[test]
    fn flags_do_not_depend_on_unrelated_items((index, seeds, sex, age) in instrument_and_answers(), item_seed in 0usize..40, new_seed in 0usize..16) {
        let instrument = nth(index);
        let answers = fit(instrument, &seeds);
        let item = item_seed % instrument.items.len();
        let mut changed = answers.clone();
        changed[item] = Some(new_seed % instrument.options_of(item).len());
        let context = Context { sex, age: Some(age), cutoff: None };
        let (before, after) = (score(instrument, &answers, &context), score(instrument, &changed, &context));
        for flag in &instrument.flags {
            if !flag.when.reads_only_items() {
                continue;
            }
            let mut read = Vec::new();
            flag.when.items(&mut read);
            // Items whose skip rules depend on the changed item are related too.
            let related = read.iter().any(|&r| r == item || instrument.items[r].enable_when.as_ref().is_some_and(|w| { let mut deps = Vec::new(); w.items(&mut deps); deps.contains(&item) }));
            if related {
                continue;
            }
            let fired = |r: &triage::instrument::ScoreResult| r.flags.iter().any(|f| f.id == flag.id);
            prop_assert_eq!(fired(&before), fired(&after), "{}: flag {} changed when unrelated item {} changed", instrument.id, flag.id, instrument.items[item].id);
        }
    }

    #[test]
    fn the_loader_never_panics_on_arbitrary_text(text in "\\PC{0,400}") {
        let _ = Library::from_sources(vec![("x.toml".to_string(), text)]);
    }

    #[test]
    fn the_loader_never_panics_on_damaged_shipped_files(file in 0usize..14, at in 0usize..10_000, byte in 0u8..128) {
        let sources = Library::shipped_sources();
        let (name, text) = &sources[file % sources.len()];
        let mut bytes = text.clone().into_bytes();
        let position = at % bytes.len();
        bytes[position] = byte;
        let damaged = String::from_utf8_lossy(&bytes).into_owned();
        let _ = Library::from_sources(vec![(name.clone(), damaged)]);
    }
}
