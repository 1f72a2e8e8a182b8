#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Issue 16, item 2: a reopened encounter shows what was decided (the real binary in a PTY).

use crate::support;

use support::{ADMIN, ADMIN_PW, CTRL_B, DOWN, ENTER, Env, NURSE, NURSE_PW, SPACE, TAB};

/// A bundle of the PHQ-9 alone, so an intake reaches the results in ten answers.
pub const PHQ9_BUNDLE: &str = "\n[[bundles]]\nid = \"phq9-only\"\ninstruments = [\"phq9\"]\nrisk_screen = true\nlabel = { en = \"PHQ-9 only\", fr = \"PHQ-9 seul\" }\n";

/// An organisation whose staff can give the PHQ-9 alone, the ASQ only after item 9.
pub fn phq9_env() -> Env {
    let env = Env::initialised_with("NS", PHQ9_BUNDLE);
    env.ok(
        &["settings", "set", "--asq", "after-phq9-item9", "--user", ADMIN, "--password-stdin"],
        &format!("{ADMIN_PW}\n"),
    );
    env
}

/// From the queue: a new client `name`, the PHQ-9 alone, every item "Not at all": the results.
pub fn phq9_to_results(tui: &mut support::Tui, name: &str) -> String {
    tui.step("n", &["New client", "Date of birth"]);
    tui.send(name);
    tui.send(TAB);
    tui.send("1990-04-02");
    tui.send(TAB);
    tui.send(TAB);
    tui.send("en");
    let bundles = tui.step(ENTER, &["What to screen with", "PHQ-9 only"]);
    let digit = bundles
        .lines()
        .find(|l| l.contains("PHQ-9 only"))
        .and_then(|l| l.split_whitespace().find(|w| w.chars().all(|c| c.is_ascii_digit())))
        .unwrap_or_else(|| panic!("the bundle's number:\n{bundles}"))
        .to_string();
    tui.send(&digit);
    tui.step(ENTER, &["Consent", "Does the client consent?"]);
    tui.step("1", &["PHQ-9", "Item 1 of 10"]);
    for item in 2..=10 {
        tui.step("1", &["PHQ-9", &format!("Item {item} of 10")]);
    }
    tui.step("1", &["Results", "Suggested level: 1 Information and self-help"])
}

fn decisions(env: &Env) -> usize {
    env.audit().iter().filter(|e| e["action"] == "decision.create" && e["outcome"] != "denied").count()
}

/// A clinician overrides the level to 2 with a reason and picks a referral; reopened, the
/// results show the final level, the reason, who decided, and the pick; `c` records nothing
/// over the override, and changing the level again records a second decision.
#[test]
fn a_reopened_encounter_shows_the_stored_decision_and_picks() {
    const NAME: &str = "Robin Reopened";
    const REASON: &str = "Prefers an app to start";
    let env = phq9_env();
    let mut tui = env.tui(&[], 100, 30);
    tui.login(NURSE, NURSE_PW);
    phq9_to_results(&mut tui, NAME);
    tui.step("o", &["Reason for the override"]);
    tui.send(DOWN);
    tui.send(REASON);
    tui.step(ENTER, &["Final level: 2 Self-guided digital"]);
    let picked = tui.step(SPACE, &["[x]"]);
    let chosen: String = picked
        .lines()
        .find_map(|l| l.split("[x] ").nth(1))
        .and_then(|rest| rest.split("  ").next())
        .map(|s| s.trim().to_string())
        .expect("the picked resource's name");
    // The summary is previewed, then saved (which records the referral).
    tui.step("p", &["preview"]);
    tui.step(ENTER, &["Referral summary saved to"]);
    assert_eq!(decisions(&env), 1);

    tui.step(CTRL_B, &["Queue", NAME]);
    let reopened = tui.step(ENTER, &["Results", "Final level: 2 Self-guided digital", REASON]);
    assert!(reopened.contains(NURSE), "who decided is shown:\n{reopened}");
    assert!(reopened.contains(&format!("[x] {chosen}")), "the pick is restored:\n{reopened}");

    // `c` keeps the clinician's decision: nothing is recorded over it at the suggested level.
    let confirmed = tui.step("c", &["Final level: 2 Self-guided digital", "already decided"]);
    assert!(!confirmed.contains("Final level: 1"), "{confirmed}");
    assert_eq!(decisions(&env), 1, "c on a stored decision records nothing new");

    // Changing it again records a new decision.
    tui.step("o", &["Reason for the override"]);
    tui.send(DOWN);
    tui.send("Needs more support");
    tui.step(ENTER, &["Final level: 3 Guided digital or group", "Decision saved"]);
    assert_eq!(decisions(&env), 2);
}
