//! Matching one encounter over the whole shipped catalog (goal: under 50 µs), and the level
//! suggestion alone.

// A test or benchmark that cannot go on fails by panicking (Cargo.toml denies these elsewhere).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use triage::instrument::Library;
use triage::triage::catalog::{Catalog, SHIPPED, SHIPPED_RULES};
use triage::triage::facts::{PersonContext, resolve_results};
use triage::triage::matching::{ClientProfile, MatchLevel, match_resources};
use triage::triage::rules::RuleSet;
use triage::triage::vocab::{Lang, Population, Province};

fn bench(c: &mut Criterion) {
    let library = Library::shipped();
    let (catalog, problems) = Catalog::from_sources(SHIPPED.iter().copied());
    assert!(problems.is_empty());
    let rules = RuleSet::parse(SHIPPED_RULES.0, SHIPPED_RULES.1, &library).expect("shipped rules are valid");

    let flagged = resolve_results(
        &library,
        &[("phq9".to_string(), 22), ("gad7".to_string(), 16)],
        &["suicidal_ideation".to_string()],
        &PersonContext::default(),
    )
    .expect("valid results");
    let quebec = ClientProfile {
        age: Some(34),
        province: Some(Province::Qc),
        language: Lang::Fr,
        populations: vec![Population::Indigenous],
        no_internet: false,
        no_smartphone: false,
        phone_only: false,
        free_only: false,
    };
    let moderate =
        resolve_results(&library, &[("gad7".to_string(), 12)], &[], &PersonContext::default()).expect("valid results");
    let bc = ClientProfile { province: Some(Province::Bc), language: Lang::En, populations: vec![], ..quebec.clone() };

    c.bench_function("match flagged QC client over catalog", |b| {
        b.iter(|| {
            let s = rules.suggest(black_box(&flagged));
            let outcome = match_resources(
                &catalog,
                &rules,
                black_box(&quebec),
                &flagged,
                MatchLevel { level: s.level, step_level: s.step_level },
            );
            black_box(outcome.recommendations.len())
        })
    });
    c.bench_function("match moderate-anxiety BC client over catalog", |b| {
        b.iter(|| {
            let s = rules.suggest(black_box(&moderate));
            let outcome = match_resources(
                &catalog,
                &rules,
                black_box(&bc),
                &moderate,
                MatchLevel { level: s.level, step_level: s.step_level },
            );
            black_box(outcome.recommendations.len())
        })
    });
    c.bench_function("suggest level only", |b| b.iter(|| black_box(rules.suggest(black_box(&flagged)))));
}

criterion_group!(benches, bench);
criterion_main!(benches);
