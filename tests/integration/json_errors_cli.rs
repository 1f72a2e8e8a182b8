//! Under `--json`, a failure is one JSON object on standard output,
//! `{"error": {"code": ..., "message": ...}}`, with a nonzero exit code, for every kind of
//! command: those that need no owner, those that do (refused before any owner is asked), and a
//! command line clap itself refuses.

use assert_cmd::Command;
use serde_json::Value;

/// Runs `triage ARGS --json` and returns its exit code and its one JSON object.
fn json_failure(args: &[&str], data: &std::path::Path) -> (i32, Value) {
    let output = Command::cargo_bin("triage")
        .unwrap()
        .args(args)
        .arg("--json")
        .env("TRIAGE_DATA_DIR", data)
        .env_remove("TRIAGE_USER")
        .write_stdin("")
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let mut lines = stdout.lines();
    let value: Value = serde_json::from_str(lines.next().unwrap_or_default())
        .unwrap_or_else(|e| panic!("{args:?}: stdout is not JSON ({e}): {stdout:?}"));
    assert_eq!(lines.next(), None, "{args:?}: more than one line on stdout: {stdout}");
    let code = output.status.code().unwrap();
    assert_ne!(code, 0, "{args:?} succeeded");
    let error = &value["error"];
    assert!(error["code"].as_str().is_some_and(|c| !c.is_empty()), "{args:?}: no code in {value}");
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "{args:?}: no message in {value}");
    (code, value)
}

fn code_of(value: &Value) -> &str {
    value["error"]["code"].as_str().unwrap()
}

#[test]
fn failures_under_json_are_one_json_object() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let id = "0123456789abcdef0123456789abcdef";
    let cases: &[(&[&str], &str, i32)] = &[
        // No owner needed.
        (&["score", "nosuch", "--answers", "1"], "not_found", 2),
        (&["score", "phq9", "--answers", "9,9"], "invalid", 2),
        (&["instruments", "show", "nosuch"], "not_found", 2),
        (&["match", "--age", "200", "--province", "ON", "--lang", "en", "--result", "phq9=5"], "invalid", 2),
        (&["match", "--age", "30", "--province", "ON", "--lang", "en"], "invalid", 2),
        (&["resources", "show", "nosuch"], "not_found", 2),
        (&["resources", "list", "--resources", "/nonexistent/catalog"], "invalid", 2),
        // Refused by clap: an unknown value, a missing argument.
        (&["score", "phq9", "--answers", "0", "--lang", "xx"], "usage", 2),
        (&["user", "add", "someone", "--role", "wizard"], "usage", 2),
        (&["audit", "list", "--limit", "many"], "usage", 2),
        // Commands of the owner, refused before any owner is asked.
        (&["user", "list"], "input", 2),
        (&["audit", "list", "--since", "yesterday", "--user", "admin"], "input", 2),
        (&["settings", "set", "--user", "admin"], "invalid", 2),
        (&["report", "service", "--from", "yesterday", "--user", "admin"], "invalid", 2),
        (&["checkin", "issue", "--minutes", "0", "--user", "admin"], "invalid", 2),
        (&["client", "edit", id, "--user", "admin"], "input", 2),
    ];
    for (args, code, exit) in cases {
        let (status, value) = json_failure(args, data);
        assert_eq!((code_of(&value), status), (*code, *exit), "{args:?}: {value}");
    }
    // Nothing was started or written for any of them.
    assert_eq!(std::fs::read_dir(data).unwrap().count(), 0);
}

#[test]
fn help_and_version_stay_text_under_json() {
    let output = Command::cargo_bin("triage").unwrap().args(["score", "--help", "--json"]).output().unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("Usage:"));
}
