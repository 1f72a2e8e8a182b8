//! `triage resources list|show|check` end to end.

use assert_cmd::Command;
use serde_json::Value;

fn triage() -> Command {
    Command::cargo_bin("triage").unwrap()
}

#[test]
fn check_passes_on_the_shipped_catalog_and_lists_stale_entries() {
    let output = triage().args(["resources", "check", "--today", "2026-11-25", "--json"]).output().unwrap();
    assert!(output.status.success());
    let v: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(v["errors"].as_array().unwrap().len(), 0);
    let warnings: Vec<String> =
        v["warnings"].as_array().unwrap().iter().map(|w| w["message"].as_str().unwrap().to_string()).collect();
    assert!(warnings.iter().any(|w| w.starts_with("`good2talk` is stale: last verified 2017-01")));
    assert!(warnings.iter().any(|w| w.starts_with("population `trans`")));
    // --strict fails on warnings; a generous limit leaves no stale entries.
    triage().args(["resources", "check", "--today", "2026-11-25", "--strict"]).assert().code(1);
    let output = triage()
        .args(["resources", "check", "--today", "2026-11-25", "--stale-days", "20000", "--json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(v["warnings"].as_array().unwrap().iter().all(|w| !w["message"].as_str().unwrap().contains("stale")));
}

#[test]
fn check_reports_bad_files_with_their_location() {
    let dir = tempfile::tempdir().unwrap();
    let shipped = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/resources/crisis.toml")).unwrap();
    let broken = shipped.replacen("phone = [\"1-800-668-6868\"]", "phone = [\"1-800-KIDS\"]", 1);
    std::fs::write(dir.path().join("crisis.toml"), &broken).unwrap();
    std::fs::write(dir.path().join("again.toml"), &shipped).unwrap();
    let output =
        triage().args(["resources", "check", "--today", "2026-11-25", "--resources"]).arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    let line = broken.lines().position(|l| l.contains("1-800-KIDS")).unwrap() + 1;
    assert!(
        text.contains(&format!("crisis.toml:{line}:10: phone `1-800-KIDS` is not a Canadian number format")),
        "{text}"
    );
    assert!(text.contains("duplicate id `crisis-988`"), "{text}");
}

#[test]
fn check_reports_ambiguous_population_rules_with_their_location() {
    let dir = tempfile::tempdir().unwrap();
    let shipped = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/resources/population.toml")).unwrap();
    let edits = [
        (
            r#"audience = { all_of = ["indigenous", "women"] }"#,
            r#"audience = { all_of = ["indigenous"], any_of = ["indigenous", "women"] }"#,
            r#""indigenous", "women"] }"#,
            "`indigenous` is named twice in `audience`",
        ),
        (
            r#"audience = { families_of = "veterans" }"#,
            r#"audience = { families_of = "veterans", any_of = ["families"] }"#,
            r#""veterans", any_of"#,
            "`audience.families_of` stands alone",
        ),
        (
            r#"audience = { all_of = ["students"] }"#,
            r#"populations = ["students"]"#,
            r#"["students"]"#,
            "`populations` is replaced by `audience`",
        ),
    ];
    let mut broken = shipped.clone();
    for (from, to, _, _) in &edits {
        assert!(broken.contains(from), "{from}");
        broken = broken.replacen(from, to, 1);
    }
    std::fs::write(dir.path().join("population.toml"), &broken).unwrap();
    let output =
        triage().args(["resources", "check", "--today", "2026-11-25", "--resources"]).arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    for (_, to, at, message) in &edits {
        let line = broken.lines().position(|l| l.contains(to)).unwrap() + 1;
        let column = broken.lines().nth(line - 1).unwrap().find(at).unwrap() + 1;
        assert!(
            text.contains(&format!("population.toml:{line}:{column}: {message}")),
            "{message} at {line}:{column}\n{text}"
        );
    }
    assert!(text.contains("3 errors"), "{text}");
}

#[test]
fn list_and_show() {
    let output = triage().args(["resources", "list", "--json"]).output().unwrap();
    assert!(output.status.success());
    let v: Value = serde_json::from_slice(&output.stdout).unwrap();
    let wtc = v.as_array().unwrap().iter().find(|r| r["id"] == "wellness-together-canada").unwrap();
    assert_eq!(wtc["status"], "defunct");

    let output = triage().args(["resources", "show", "qc-suicide"]).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("phone                  1-866-277-3553"), "{text}");
    assert!(text.contains("last_verified          2023-11"));
    assert!(text.contains("source                 InfoDimanche-535353-2022-10"));
    let output = triage().args(["resources", "show", "talk4healing"]).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("audience               all_of = indigenous, women"), "{text}");

    triage()
        .args(["resources", "show", "nope"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no resource `nope`"));
}

#[test]
fn catalog_text_is_sanitised_before_it_reaches_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let shipped = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/resources/crisis.toml")).unwrap();
    let hostile =
        shipped.replacen("name = { en = \"Kids Help Phone\"", "name = { en = \"Kids\\u001b[2J Help\\u202e Phone\"", 1);
    std::fs::write(dir.path().join("crisis.toml"), hostile).unwrap();
    let output = triage().args(["resources", "list", "--resources"]).arg(dir.path()).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("Kids[2J Help Phone"), "{text}");
    assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}'));
}

/// Issue 13: a French name no source gives is reported at its `file:line:column`, and so is a
/// `fr_source` that names nothing the entry cites; the shipped catalog has none.
#[test]
fn check_reports_french_names_without_a_source() {
    let dir = tempfile::tempdir().unwrap();
    let shipped = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/resources/crisis.toml")).unwrap();
    let broken = shipped
        .replacen(r#"fr = "Jeunesse, J'écoute", fr_source = "reference""#, r#"fr = "Jeunesse, J'écoute""#, 1)
        .replacen(r#"fr = "9-1-1", fr_source = "reference""#, r#"fr = "9-1-1", fr_source = "a-blog""#, 1);
    assert_ne!(broken, shipped);
    std::fs::write(dir.path().join("crisis.toml"), &broken).unwrap();
    let output =
        triage().args(["resources", "check", "--today", "2026-11-25", "--resources"]).arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    let position = |needle: &str| {
        let (index, line) = broken.lines().enumerate().find(|(_, l)| l.contains(needle)).unwrap();
        (index + 1, line.find(needle).unwrap() + 1)
    };
    let (line, column) = position(r#""Jeunesse, J'écoute""#);
    assert!(
        text.contains(&format!("crisis.toml:{line}:{column}: French name `Jeunesse, J'écoute` has no source")),
        "{text}"
    );
    let (line, column) = position(r#""a-blog""#);
    assert!(text.contains(&format!("crisis.toml:{line}:{column}: `fr_source` `a-blog` is not one of")), "{text}");
    let output = triage().args(["resources", "check", "--today", "2026-11-25", "--json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(v["errors"].as_array().unwrap().iter().all(|e| !e["message"].as_str().unwrap().contains("French")));
}
