//! `triage completions SHELL` and `triage man` through the real binary: generated from the clap
//! definitions, so they name the commands this binary has.

use assert_cmd::Command;

fn stdout_of(args: &[&str]) -> String {
    let output = Command::cargo_bin("triage").unwrap().args(args).output().unwrap();
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn completions_name_real_subcommands_in_every_shell() {
    let bash = stdout_of(&["completions", "bash"]);
    assert!(bash.contains("complete ") && bash.contains("triage"), "{bash}");
    for subcommand in ["submissions", "audit", "completions"] {
        assert!(bash.contains(subcommand), "bash completions lack `{subcommand}`");
    }
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let script = stdout_of(&["completions", shell]);
        assert!(script.contains("kiosk-pin"), "{shell} completions lack `kiosk-pin`");
    }
    let unknown = Command::cargo_bin("triage").unwrap().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn the_man_page_is_roff_and_lists_the_subcommands() {
    let page = stdout_of(&["man"]);
    // roff's two-line apostrophe preamble (`.ie \n(.g .ds Aq ...`, `.el ...`), then the header.
    let header = page.lines().find(|l| !l.starts_with(".ie ") && !l.starts_with(".el ")).unwrap_or_default();
    assert!(header.starts_with(".TH triage 1 "), "{}", &page[..page.len().min(200)]);
    assert!(page.contains(".SH SUBCOMMANDS"), "no subcommands section");
    for subcommand in ["audit", "submissions", "completions", "man"] {
        assert!(page.contains(&format!("triage\\-{subcommand}")), "the page does not list `{subcommand}`");
    }
}

#[test]
fn man_out_writes_one_page_per_command_without_hidden_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let said = stdout_of(&["man", "--out", out.to_str().unwrap()]);
    assert!(said.starts_with("wrote "), "{said}");
    let names: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    for page in ["triage.1", "triage-user-add.1", "triage-audit-list.1", "triage-completions.1"] {
        assert!(names.iter().any(|n| n == page), "no {page} in {names:?}");
    }
    assert!(!names.iter().any(|n| n.contains("durability")), "a hidden command has a page: {names:?}");
    let user_add = std::fs::read_to_string(out.join("triage-user-add.1")).unwrap();
    assert!(user_add.contains(".TH triage-user-add 1") && user_add.contains("\\-\\-role"), "{user_add}");
}
