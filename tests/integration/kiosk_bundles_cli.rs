//! Issue 11: a bundle that is not a risk screen (does not ask every client about suicide
//! directly) is for staff only: `triage kiosk --bundle` refuses it before opening the terminal.

use assert_cmd::Command;
use predicates::prelude::*;

/// A copy of the shipped questionnaires with one extra staff-only bundle.
fn questionnaires_with_staff_only_bundle(root: &std::path::Path) -> std::path::PathBuf {
    let dir = root.join("questionnaires");
    std::fs::create_dir_all(&dir).unwrap();
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("questionnaires");
    for entry in std::fs::read_dir(shipped).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    let mut bundles = std::fs::read_to_string(dir.join("bundles.toml")).unwrap();
    bundles.push_str(
        "\n[[bundles]]\nid = \"wellbeing-staff\"\ninstruments = [\"who5\"]\nrisk_screen = false\nlabel = { en = \"Well-being only\", fr = \"Bien-être seulement\" }\n",
    );
    std::fs::write(dir.join("bundles.toml"), bundles).unwrap();
    dir
}

#[test]
fn the_kiosk_refuses_a_bundle_that_is_not_a_risk_screen() {
    let root = tempfile::tempdir().unwrap();
    let questionnaires = questionnaires_with_staff_only_bundle(root.path());
    Command::cargo_bin("triage")
        .unwrap()
        .env_clear()
        .env("HOME", root.path())
        .env("TRIAGE_QUESTIONNAIRES_DIR", &questionnaires)
        .args(["kiosk", "--bundle", "wellbeing-staff", "--device", "lobby", "--data-dir"])
        .arg(root.path().join("data"))
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .failure()
        .stderr(predicate::str::contains("`wellbeing-staff` is not a risk screen"))
        .stderr(predicate::str::contains("never on the kiosk"));
}
