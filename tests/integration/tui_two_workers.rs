#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Issue 16, item 4, on the real binary in two PTYs: two staff interfaces on one intake. The
//! second opener is told who has it open, takes it over, and the first's next answer is refused:
//! its screen says why and is back at the queue with the offer to take the intake over again.

use crate::support;

use support::{ADMIN, ADMIN_PW, ENTER, Env, NURSE, NURSE_PW};

#[test]
fn the_second_opener_is_warned_takes_over_and_the_first_s_next_answer_is_refused() {
    const CLEO: &str = "cleo";
    const CLEO_PW: &str = "cleo password long enough";
    const NAME: &str = "Robin Two-Workers";
    let env = Env::initialised();
    env.ok(
        &["user", "add", "--role", "intake", "--user", ADMIN, "--password-stdin", CLEO],
        &format!("{ADMIN_PW}\n{CLEO_PW}\n"),
    );
    let mut first = env.tui(&[], 100, 30);
    first.login(CLEO, CLEO_PW);
    first.start_intake(NAME);
    first.step("1", &["Item 2 of 10"]);

    let mut second = env.tui(&[], 100, 30);
    let queue = second.login(NURSE, NURSE_PW);
    let queue = if queue.contains("open by cleo") { queue } else { second.wait_for_all(&[NAME, "open by cleo"]) };
    assert!(queue.contains("since "), "the queue says since when:\n{queue}");
    second.step(ENTER, &["Open by cleo since", "t takes it over"]);
    second.step("t", &["PHQ-9", "Item 2 of 10"]);

    // The first's next answer is refused, and its screen says why, back at the queue.
    let refused = first.step("2", &["someone else took this intake over", "Open by nurse since"]);
    assert!(!refused.contains("✓ Saved"), "{refused}");
    // The one who holds it goes on: its answer is saved.
    second.step("1", &["Item 3 of 10"]);
    let takes = env.audit().iter().filter(|e| e["action"] == "encounter.take_over" && e["user"] == NURSE).count();
    assert_eq!(takes, 1, "the take-over is audited");
}
