#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Issue 16, item 3: finishing an intake finishes it (the real binary in a PTY): an outcome is
//! picked, the encounter leaves the queue, the finished ones show on request, and a clinician
//! reopens one with a reason.

use crate::support;
use crate::tui_reopen::{phq9_env, phq9_to_results};

use support::{ADMIN, ADMIN_PW, CTRL_B, ENTER, Env, NURSE, NURSE_PW, SPACE};

fn audited(env: &Env, user: &str, action: &str) -> usize {
    env.audit().iter().filter(|e| e["user"] == user && e["action"] == action).count()
}

fn queue_without(tui: &mut support::Tui, name: &str) -> String {
    tui.wait_until(&format!("the queue without {name}"), |s| s.contains("Queue") && !s.contains(name))
}

#[test]
fn finishing_records_the_outcome_and_a_clinician_reopens_with_a_reason() {
    let env = phq9_env();
    let mut tui = env.tui(&[], 100, 30);
    tui.login(NURSE, NURSE_PW);

    // Declined: the picker, not free text; the encounter leaves the queue.
    phq9_to_results(&mut tui, "Avery Declined");
    tui.step("f", &["Finish the intake", "The client declined the referrals", "No referral needed"]);
    tui.send("2");
    queue_without(&mut tui, "Avery Declined");

    // Back is back: the intake stays in the queue. No referral needed takes a typed reason.
    phq9_to_results(&mut tui, "Blair Noneneeded");
    tui.step(CTRL_B, &["Queue", "Blair Noneneeded"]);
    tui.step(ENTER, &["Results", "Blair Noneneeded"]);
    tui.step("f", &["Finish the intake"]);
    tui.step("3", &["Why no referral is needed:"]);
    tui.step(ENTER, &["Type why no referral is needed."]);
    tui.send("Already seeing a psychologist");
    tui.send(ENTER);
    queue_without(&mut tui, "Blair Noneneeded");

    // Referred: to the resources picked (nothing picked is refused with a hint).
    phq9_to_results(&mut tui, "Casey Referred");
    tui.step("c", &["Final level: 1 Information and self-help"]);
    tui.step("f", &["Finish the intake"]);
    tui.step("1", &["Pick the referrals first"]);
    tui.step(SPACE, &["[x]"]);
    tui.step("f", &["Finish the intake"]);
    tui.send("1");
    queue_without(&mut tui, "Casey Referred");
    assert_eq!(audited(&env, NURSE, "encounter.finish"), 3);

    // The finished intakes on request, newest first; a clinician reopens one with a reason.
    let closed = tui.step("v", &["Finished intakes", "Avery Declined", "Blair Noneneeded", "Casey Referred"]);
    assert!(closed.contains("reopen"), "the clinician is offered reopening:\n{closed}");
    tui.step(ENTER, &["Reason for reopening:"]);
    tui.send("Client called back about the referral");
    tui.step(ENTER, &["Results", "Casey Referred"]);
    assert_eq!(audited(&env, NURSE, "encounter.reopen"), 1);
    tui.step(CTRL_B, &["Queue", "Casey Referred"]);
    let queue = tui.screen();
    assert!(!queue.contains("Avery Declined") && !queue.contains("Blair Noneneeded"), "{queue}");
    tui.send(support::CTRL_Q);
    tui.wait_exit(support::DEADLINE).expect("the interface quits on Ctrl-Q");

    // An intake worker sees the finished intakes but is not offered reopening.
    env.ok(
        &["user", "add", "--role", "intake", "--user", ADMIN, "--password-stdin", "ivy"],
        &format!("{ADMIN_PW}\nivy password long\n"),
    );
    let mut tui = env.tui(&[], 100, 30);
    tui.login("ivy", "ivy password long");
    let closed = tui.step("v", &["Finished intakes", "Avery Declined"]);
    assert!(!closed.contains("reopen"), "{closed}");
    tui.send(ENTER);
    tui.step("v", &["Queue", "Casey Referred"]);
    assert_eq!(audited(&env, "ivy", "encounter.reopen"), 0);
}

/// Issue 16: the summary saved with `p` records the referral; finishing as referred with the
/// same picks records nothing more (one `referral.create`), and the intake is finished.
#[test]
fn finishing_as_referred_after_saving_the_summary_records_the_referral_once() {
    let env = phq9_env();
    let mut tui = env.tui(&[], 100, 30);
    tui.login(NURSE, NURSE_PW);
    phq9_to_results(&mut tui, "Dana Saved");
    tui.step("c", &["Final level: 1 Information and self-help"]);
    tui.step(SPACE, &["[x]"]);
    tui.step("p", &["preview"]);
    tui.step(ENTER, &["Referral summary saved to"]);
    assert_eq!(audited(&env, NURSE, "referral.create"), 1);
    tui.step("f", &["Finish the intake"]);
    tui.send("1");
    queue_without(&mut tui, "Dana Saved");
    assert_eq!(audited(&env, NURSE, "encounter.finish"), 1);
    assert_eq!(audited(&env, NURSE, "referral.create"), 1, "the same picks are the referral on record");
}
