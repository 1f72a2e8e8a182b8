//! Loading and validating the questionnaire library, and scoring one instrument.
//! Goals (README): load + validate all shipped files < 5 ms; score one instrument < 2 µs.

// A test or benchmark that cannot go on fails by panicking (Cargo.toml denies these elsewhere).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use triage::instrument::{Context, Library, Sex, parse_answer_list, score};

fn bench(c: &mut Criterion) {
    let sources = Library::shipped_sources();
    c.bench_function("load and validate all shipped questionnaires", |b| {
        b.iter(|| Library::from_sources(black_box(sources.clone())))
    });

    let library = Library::shipped();
    let Some(phq9) = library.get("phq9") else { return };
    let Ok(answers) = parse_answer_list(phq9, "2,1,3,2,1,0,1,2,1") else { return };
    let context = Context { sex: Some(Sex::Female), age: Some(34), cutoff: None };
    c.bench_function("score phq9", |b| b.iter(|| score(black_box(phq9), black_box(&answers), black_box(&context))));
    c.bench_function("score phq9 with derived phq2", |b| {
        b.iter(|| library.score(black_box(phq9), black_box(&answers), black_box(&context)))
    });

    let Some(audit) = library.get("audit") else { return };
    let Ok(audit_answers) = parse_answer_list(audit, "3,2,1,1,0,2,1,0,2,4") else { return };
    c.bench_function("score audit (skip rules, subscales, sex cut-off)", |b| {
        b.iter(|| score(black_box(audit), black_box(&audit_answers), black_box(&context)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
