//! Every shipped questionnaire file validates; every broken fixture is rejected with its message
//! at its file:line:column, and never takes the other instruments down with it.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use triage::instrument::model::{Instrument, Text};
use triage::instrument::{Lang, Library};

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

/// The French text of `text`, which a French instrument must have (non-empty, and not the
/// English copied over unless the two are the same proper name).
fn french<'a>(instrument: &Instrument, text: &'a Text, what: &str) -> &'a str {
    let fr = text.0.get(&Lang::Fr).map(String::as_str).unwrap_or_default();
    assert!(!fr.trim().is_empty(), "{}: {what} has no French text", instrument.id);
    fr
}

#[test]
fn every_french_instrument_has_french_for_every_item_option_instruction_stem_and_time_frame() {
    let library = Library::shipped();
    let mut french_ids = Vec::new();
    for instrument in library.instruments().filter(|i| i.languages.contains(&Lang::Fr)) {
        french_ids.push(instrument.id.as_str());
        let provenance = instrument.source.french_text_provenance.as_deref().unwrap_or_default();
        assert!(
            provenance.contains("http") && provenance.contains("seen 20"),
            "{}: French source not cited",
            instrument.id
        );
        french(instrument, &instrument.title, "title");
        french(instrument, &instrument.short_title, "short title");
        if let Some(stem) = &instrument.stem {
            french(instrument, stem, "stem");
        }
        if let Some(timeframe) = &instrument.timeframe {
            french(instrument, timeframe, "time frame");
        }
        for (index, item) in instrument.items.iter().enumerate() {
            if item.english_only {
                // Only an optional unscored question may lack French, and it says so in English only.
                assert!(!item.required && !item.scored, "{}: {} is English only but counts", instrument.id, item.id);
                assert!(!item.text.0.contains_key(&Lang::Fr), "{}: {} is English only", instrument.id, item.id);
                continue;
            }
            french(instrument, &item.text, &format!("item {}", item.id));
            if let Some(instructions) = &item.instructions {
                french(instrument, instructions, &format!("item {} instructions", item.id));
            }
            // Same options, same values, same order in both languages: the French text of each
            // option is distinct, so a French answer identifies exactly one scored value.
            let options = instrument.options_of(index);
            let mut seen = Vec::new();
            for option in options {
                let fr = french(instrument, &option.text, &format!("item {} option {}", item.id, option.code));
                assert!(
                    !option.text.0.get(&Lang::En).is_none_or(String::is_empty),
                    "{}: {}",
                    instrument.id,
                    option.code
                );
                assert!(!seen.contains(&fr), "{}: item {} has two options reading {fr:?}", instrument.id, item.id);
                seen.push(fr);
            }
        }
        assert_own_labels_have_french(instrument);
    }
    for expected in ["phq2", "phq9"] {
        assert!(french_ids.contains(&expected), "{expected} should be offered in French");
    }
}

#[test]
fn french_options_carry_the_values_of_the_published_french_form() {
    // INSPQ Questionnaire 2 (PHQ-9): each French column heading over its printed score.
    let inspq = [("Jamais", 0), ("Plusieurs jours", 1), ("Plus de sept jours", 2), ("Presque tous les jours", 3)];
    let library = Library::shipped();
    for id in ["phq9", "phq2"] {
        let Some(instrument) = library.get(id) else { panic!("{id} missing") };
        for (index, item) in instrument.items.iter().enumerate().filter(|(_, i)| i.scored) {
            let french: Vec<(&str, i64)> = instrument
                .options_of(index)
                .iter()
                .map(|o| (o.text.0.get(&Lang::Fr).map(String::as_str).unwrap_or_default(), o.value))
                .collect();
            assert_eq!(french, inspq, "{id} item {}", item.id);
            let english: Vec<i64> = instrument.options_of(index).iter().map(|o| o.value).collect();
            assert_eq!(english, [0, 1, 2, 3], "{id} item {}", item.id);
        }
    }
}

#[test]
fn short_forms_take_their_parents_french_items_word_for_word() {
    let library = Library::shipped();
    for parent in library.instruments() {
        for derived in &parent.derived {
            let Some(short) = library.get(&derived.instrument) else { continue };
            if !short.languages.contains(&Lang::Fr) {
                continue;
            }
            assert!(parent.languages.contains(&Lang::Fr), "{} is French but its parent {} is not", short.id, parent.id);
            assert_eq!(short.stem, parent.stem, "{}: stem differs from {}", short.id, parent.id);
            assert_eq!(short.timeframe, parent.timeframe, "{}: time frame differs from {}", short.id, parent.id);
            for (parent_item, short_item) in &derived.items {
                let Some(short_index) = short.item_index(short_item) else { panic!("{}: {short_item}", short.id) };
                assert_eq!(
                    short.items[short_index].text, parent.items[*parent_item].text,
                    "{}: {short_item} differs from {}",
                    short.id, parent.id
                );
            }
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

/// Band, score, scheme and flag labels and hints are this service's own interface text, so every
/// instrument has them in French, including those whose items are offered in English only; a
/// French client or staff member then reads French results even for an English-only instrument.
fn assert_own_labels_have_french(instrument: &Instrument) {
    for score in &instrument.scores {
        french(instrument, &score.label, &format!("score `{}` label", score.id));
    }
    for scheme in &instrument.band_schemes {
        french(instrument, &scheme.label, &format!("band scheme `{}` label", scheme.id));
        for band in &scheme.bands {
            french(instrument, &band.label, &format!("band `{}` label", band.id));
        }
    }
    for flag in &instrument.flags {
        french(instrument, &flag.label, &format!("flag `{}` label", flag.id));
    }
    for item in &instrument.items {
        if let Some(hint) = &item.hint {
            french(instrument, hint, &format!("item `{}` hint", item.id));
        }
    }
}

#[test]
fn every_instrument_has_french_for_its_own_labels_whatever_its_languages() {
    for instrument in Library::shipped().instruments() {
        assert_own_labels_have_french(instrument);
    }
}

#[test]
fn an_english_only_instrument_shows_its_own_labels_in_french_and_its_items_in_english() {
    let library = Library::shipped();
    let dast = library.get("dast10").expect("dast10");
    assert!(!dast.languages.contains(&Lang::Fr), "this test needs an English-only instrument");
    let scheme = &dast.band_schemes[dast.default_scheme.expect("default scheme")];
    assert_eq!(scheme.bands[0].label.get(Lang::Fr), "Aucun problème signalé");
    assert_eq!(scheme.bands[0].label.get(Lang::En), "No problems reported");
    assert_eq!(dast.item_lang(0, Lang::Fr), Lang::En);
    assert!(!dast.items[0].text.0.contains_key(&Lang::Fr), "no French item wording without a French source");
}
