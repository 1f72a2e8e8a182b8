//! The take-away summary can be handed over (issue 16, item 7): a preview first; an empty pick
//! list refused with a hint; the file in the organisation's summary directory (0700, files
//! 0600), never in the interface's working directory; saving again writes a new version; every
//! summary carries the crisis lines and the organisation's name and telephone, and no client
//! name.

use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use crate::support::{self, ADMIN, ADMIN_PW, ENTER, Env, NURSE, NURSE_PW, ORG, SPACE, files_starting};

const PHONE: &str = "902-555-0142";

/// PHQ-9 "Not at all" throughout, the ASQ "No", then GAD-7 and the rest: the results.
fn all_no_to_results(tui: &mut support::Tui) -> String {
    for item in 2..=10 {
        tui.step("1", &["PHQ-9", &format!("Item {item} of 10")]);
    }
    tui.step("1", &["ASQ", "Item 1 of 5"]);
    for item in 2..=4 {
        tui.step("2", &["ASQ", &format!("Item {item} of 5")]);
    }
    tui.step("2", &["GAD-7", "Item 1 of 8"]);
    for item in 2..=8 {
        tui.step("1", &["GAD-7", &format!("Item {item} of 8")]);
    }
    tui.step("1", &["AUDIT-C", "Item 1 of 3"]);
    tui.step("1", &["DAST-10", "Item 1 of 10"]);
    for item in 2..=10 {
        tui.step("2", &["DAST-10", &format!("Item {item} of 10")]);
    }
    tui.step("2", &["PC-PTSD-5", "Item 1 of"]);
    tui.step("2", &["Results", "Suggested level"])
}

/// Waits until `dir` holds `n` summaries, each written in full; their paths.
fn summaries(dir: &std::path::Path, n: usize, tui: &support::Tui) -> Vec<std::path::PathBuf> {
    let start = Instant::now();
    loop {
        let found = files_starting(dir, "referral-");
        if found.len() >= n && found.iter().all(|f| std::fs::metadata(f).is_ok_and(|m| m.len() > 0)) {
            return found;
        }
        assert!(start.elapsed() < support::DEADLINE, "{n} summaries not in {}:\n{}", dir.display(), tui.screen());
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_summary_is_previewed_refused_without_a_pick_and_saved_again_as_a_new_version() {
    const NAME: &str = "Sasha Handover";
    let env = Env::initialised();
    env.ok(
        &["settings", "set", "--contact-phone", PHONE, "--user", ADMIN, "--password-stdin"],
        &format!("{ADMIN_PW}\n"),
    );
    let mut tui = env.tui(&[], 100, 30);
    tui.login(NURSE, NURSE_PW);
    tui.start_intake(NAME);
    all_no_to_results(&mut tui);
    tui.step("c", &["Final level"]);

    // Nothing ticked: refused with the way on, and nothing written.
    tui.step("p", &["Tick at least one resource with Space"]);
    assert!(files_starting(&env.data.join("summaries"), "referral-").is_empty());

    // Ticked: the preview shows the summary as it will be written; Esc or ^B leaves it unsaved.
    tui.send(SPACE);
    tui.wait_for("[x]");
    let preview = tui.step("p", &["preview", "9-1-1", PHONE]);
    assert!(!preview.contains(NAME), "{preview}");
    tui.step("\x1b", &["Matched resources"]);
    assert!(files_starting(&env.data.join("summaries"), "referral-").is_empty());

    // Saved twice: two versions, no error, nothing in the interface's working directory.
    tui.step("p", &["preview"]);
    tui.send(ENTER);
    let dir = env.data.join("summaries");
    let first = summaries(&dir, 1, &tui);
    tui.wait_for("Referral summary saved to");
    tui.step("p", &["preview"]);
    tui.send(ENTER);
    let both = summaries(&dir, 2, &tui);
    assert_eq!(both.len(), 2, "{both:?}");
    assert!(both.contains(&first[0]), "the first version is kept: {both:?}");
    let screen = tui.wait_for("Referral summary saved to");
    assert!(!screen.contains("exists"), "{screen}");
    assert!(files_starting(&env.cwd, "referral-").is_empty(), "nothing in the working directory");

    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    for file in &both {
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        assert!(name.ends_with("-v1.txt") || name.ends_with("-v2.txt"), "{name}");
        assert_eq!(mode(file), 0o600, "{name}");
        let text = std::fs::read_to_string(file).unwrap();
        for wanted in [ORG, PHONE, "9-1-1", "9-8-8"] {
            assert!(text.contains(wanted), "{wanted:?} missing from {name}:\n{text}");
        }
        for private in ["Sasha", "Handover", "1990-04-02", "PHQ"] {
            assert!(!text.contains(private), "{private:?} in {name}:\n{text}");
        }
    }
}
