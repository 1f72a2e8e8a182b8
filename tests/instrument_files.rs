//! Every shipped questionnaire file validates; every broken fixture is rejected with its message
//! at its file:line:column, and never takes the other instruments down with it.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use triage::instrument::Library;

const SHIPPED_IDS: [&str; 13] =
    ["asq", "audit", "auditc", "dast10", "gad2", "gad7", "k10", "k6", "pcl5", "pcptsd5", "phq2", "phq9", "who5"];

#[test]
fn every_shipped_file_validates() {
    let library = Library::shipped();
    let problems: Vec<String> =
        library.reports().iter().flat_map(|r| r.diagnostics.iter().map(ToString::to_string)).collect();
    assert!(problems.is_empty(), "shipped files have problems:\n{}", problems.join("\n"));
    let ids: Vec<&str> = library.instruments().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, SHIPPED_IDS);
    let core = library.bundle("adult-core").expect("adult-core bundle");
    assert_eq!(core.instruments, ["phq9", "gad7", "auditc", "dast10", "pcptsd5"]);
}

#[test]
fn every_shipped_file_cites_source_and_licence_and_explains_missing_french() {
    for instrument in Library::shipped().instruments() {
        assert!(instrument.source.citation.len() > 20, "{}: citation", instrument.id);
        assert!(instrument.source.licence.len() > 10, "{}: licence", instrument.id);
        if instrument.languages.len() < 2 {
            assert!(instrument.language_note.is_some(), "{}: English only without a note", instrument.id);
        }
    }
}

fn broken_fixtures() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (format!("broken/{}", p.file_name().unwrap().to_string_lossy()), std::fs::read_to_string(&p).unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn broken_files_are_reported_at_their_location_and_others_still_work() {
    let fixtures = broken_fixtures();
    assert!(fixtures.len() >= 15);
    let mut sources = Library::shipped_sources();
    sources.extend(fixtures.iter().cloned());
    let library = Library::from_sources(sources);
    for (file, text) in &fixtures {
        let expectation = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{file}: no expectation"));
        let mut parts = expectation.splitn(3, ':');
        let line: usize = parts.next().unwrap().parse().unwrap();
        let column: usize = parts.next().unwrap().parse().unwrap();
        let message = parts.next().unwrap().trim();
        let report = library.reports().iter().find(|r| &r.file == file).unwrap_or_else(|| panic!("{file}: accepted"));
        assert!(report.unavailable, "{file}: should make its instrument unavailable");
        assert!(
            report.diagnostics.iter().any(|d| d.line == line && d.column == column && d.message.contains(message)),
            "{file}: expected {line}:{column}: {message}\n got: {:?}",
            report.diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>()
        );
    }
    for id in SHIPPED_IDS {
        assert!(library.get(id).is_some(), "{id} was taken down by a broken file");
    }
}

#[test]
fn check_command_exits_1_with_every_error() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken");
    Command::cargo_bin("triage")
        .unwrap()
        .args(["instruments", "check"])
        .arg(dir.join("band_gap.toml"))
        .arg(dir.join("unknown_key.toml"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("band_gap.toml:40:24: gap between band `low` and band `high`"))
        .stdout(predicate::str::contains("unknown_key.toml:45:1: unknown field `cutof`"));
}

#[test]
fn check_command_passes_on_shipped_files() {
    Command::cargo_bin("triage")
        .unwrap()
        .args(["instruments", "check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("no problems"));
}

#[test]
fn a_garbage_file_is_an_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("garbage.toml");
    std::fs::write(&path, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    Command::cargo_bin("triage")
        .unwrap()
        .args(["instruments", "check"])
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("garbage.toml"));
}
