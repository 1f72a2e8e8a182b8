//! End-to-end tests of the staff interface: the real `triage` binary in a pseudo-terminal
//! (portable-pty), its screen read through a terminal emulator (vt100), its data in a temporary
//! directory set up through the CLI, its owner stopped at the end of every test (even a failed
//! one), and the audit log read back through the CLI.
//!
//! Nothing here waits a fixed time: every step waits for the text it expects, with a deadline
//! (`support::DEADLINE`) only so that a broken build fails instead of hanging.

use crate::support;

use std::time::{Duration, Instant};

use support::{ADMIN, ADMIN_PW, CTRL_Q, CTRL_U, CTRL_X, ENTER, Env, NURSE, NURSE_PW, SPACE, TAB, files_starting};

/// The audit entries of one encounter (its records are the encounter id or `id-N`) by `user`.
fn encounter_actions(env: &Env, user: &str, encounter_prefix: &str) -> Vec<String> {
    env.audit()
        .iter()
        .filter(|e| e["user"] == user)
        .filter(|e| e["record"].as_str().is_some_and(|r| r.starts_with(encounter_prefix)))
        .filter_map(|e| e["action"].as_str().map(str::to_string))
        .collect()
}

fn count(actions: &[String], action: &str) -> usize {
    actions.iter().filter(|a| *a == action).count()
}

/// The screen lines from the one holding `header` on.
fn lines_after<'a>(screen: &'a str, header: &str) -> Vec<&'a str> {
    screen.lines().skip_while(|l| !l.contains(header)).skip(1).collect()
}

/// The encounter id of the first audit record of `action` by `user` (the record names it).
fn first_encounter_of(env: &Env, user: &str, action: &str) -> String {
    let entries = env.audit();
    let record = entries
        .iter()
        .find(|e| e["user"] == user && e["action"] == action)
        .and_then(|e| e["record"].as_str())
        .unwrap_or_else(|| panic!("no {action} by {user} in the audit log: {entries:?}"));
    record.split('-').next().unwrap_or(record).to_string()
}

#[test]
fn crisis_intake_from_item_9_to_the_saved_referral_summary() {
    const NAME: &str = "Rowan Testclient";
    let env = Env::initialised();
    let mut tui = env.tui(&[], 80, 24);
    tui.login(NURSE, NURSE_PW);
    tui.start_intake(NAME);

    // PHQ-9 items 1-8: "Several days".
    for item in 2..=9 {
        tui.step("2", &["PHQ-9", &format!("Item {item} of 10")]);
    }
    tui.wait_for("better off dead or of hurting yourself");
    // Item 9 above "Not at all": the crisis protocol at once, with crisis lines.
    let crisis = tui.step("2", &["CRISIS PROTOCOL", "Record what was done"]);
    assert!(crisis.contains("Critical answer:"), "{crisis}");
    assert!(
        crisis.contains("9-8-8") && crisis.contains("Suicide Crisis Helpline"),
        "a crisis line is shown:\n{crisis}"
    );
    // Record "connected with a crisis line" with a note; back to PHQ-9's last item.
    tui.send("2");
    tui.send(TAB);
    tui.send("Connected to 9-8-8 by phone");
    tui.step(ENTER, &["PHQ-9", "Item 10 of 10", "how difficult have these problems"]);
    assert!(!tui.screen().contains("CRISIS PROTOCOL"));

    // The ASQ follows the PHQ-9: asked of everyone (the default), so item 9 does not add it twice.
    let asq = tui.step("2", &["ASQ", "Questionnaire 2 of 6", "Item 1 of 5"]);
    assert!(!asq.contains("Follow-up added: ASQ"), "{asq}");
    assert!(asq.contains("have you wished you were dead"), "{asq}");
    // A yes is a non-acute positive so far: the brief suicide safety assessment prompt, which
    // needs a recorded action before the questionnaire goes on (issue 11, item 4).
    tui.step("1", &["URGENT: brief suicide safety assessment needed", "Record what was done"]);
    tui.send("1");
    tui.step(ENTER, &["ASQ", "Item 2 of 5"]);
    tui.step("2", &["ASQ", "Item 3 of 5"]);
    tui.step("2", &["ASQ", "Item 4 of 5"]);
    // A yes on items 1-4 asks item 5 (acuity).
    tui.step("2", &["ASQ", "Item 5 of 5", "thoughts of killing yourself right now"]);
    // Item 5 yes: the crisis protocol again, 9-1-1 first.
    let acute = tui.step("1", &["CRISIS PROTOCOL", "Crisis resources for this client"]);
    let resources = lines_after(&acute, "Crisis resources for this client");
    assert!(resources.first().is_some_and(|line| line.contains("9-1-1")), "9-1-1 comes first for acute risk:\n{acute}");
    tui.send("1");
    tui.step(ENTER, &["GAD-7", "Questionnaire 3 of 6", "Item 1 of 8"]);

    // GAD-7 (7 items and the difficulty item) and the rest, "Not at all" / "No" throughout.
    let results = gad7_to_results_all_no(&mut tui, &["Suggested level: Crisis: immediate help"]);
    assert!(results.contains(NAME), "{results}");
    assert!(results.contains("Matched resources"), "{results}");

    // Confirm the level, pick the first resource, save the referral summary.
    tui.step("c", &["Final level: Crisis: immediate help"]);
    let picked = tui.step(SPACE, &["[x]"]);
    let chosen: String = picked
        .lines()
        .find_map(|l| l.split("[x] ").nth(1))
        .and_then(|rest| rest.split("  ").next())
        .map(|s| s.trim().to_string())
        .expect("the picked resource's name");
    assert!(!chosen.is_empty());
    // A preview first, then Enter saves it (issue 16, item 7).
    tui.step("p", &["preview"]);
    tui.send(ENTER);
    let start = Instant::now();
    let summary = loop {
        if let Some(file) = files_starting(&env.data.join("summaries"), "referral-").first()
            && let Ok(text) = std::fs::read_to_string(file)
            && !text.is_empty()
        {
            break file.clone();
        }
        assert!(start.elapsed() < support::DEADLINE, "no referral summary in {}:\n{}", env.cwd.display(), tui.screen());
        std::thread::sleep(Duration::from_millis(20));
    };
    // referral-YYYYMMDD-XXXXXXXX-v1.txt, the X being the encounter id's first eight characters.
    let file_name = summary.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
    let parts: Vec<&str> = file_name.trim_end_matches(".txt").split('-').collect();
    assert!(file_name.ends_with(".txt") && parts.len() == 4 && parts[3] == "v1", "{file_name}");
    assert!(parts[1].len() == 8 && parts[1].chars().all(|c| c.is_ascii_digit()), "{file_name}");
    assert!(parts[2].len() == 8 && parts[2].chars().all(|c| c.is_ascii_hexdigit()), "{file_name}");
    let text = std::fs::read_to_string(&summary).expect("read the summary");
    assert!(text.contains(&chosen), "the summary holds the picked resource {chosen:?}:\n{text}");
    for private in ["Rowan", "Testclient", "1990-04-02", "PHQ"] {
        assert!(!text.contains(private), "the summary must not contain {private:?}:\n{text}");
    }
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&summary).expect("summary metadata").permissions().mode();
        assert_eq!(mode & 0o077, 0, "the summary is readable by its owner only: {mode:o}");
    }

    // Finish with the outcome "referred" (the referral is saved again with it): the encounter
    // leaves the queue.
    tui.step("f", &["Finish the intake", "Referred to the resources picked"]);
    tui.send("1");
    tui.wait_until("the queue without the finished encounter", |s| s.contains("Queue") && !s.contains(NAME));
    tui.send(CTRL_Q);
    let status = tui.wait_exit(support::DEADLINE).expect("the interface quits on Ctrl-Q");
    assert!(status.success(), "{status:?}");

    // The audit log, read back through the CLI, holds every step of this encounter.
    let prefix = parts[2];
    let encounter = first_encounter_of(&env, NURSE, "encounter.create");
    assert!(encounter.starts_with(prefix), "summary {file_name} vs encounter {encounter}");
    let actions = encounter_actions(&env, NURSE, &encounter);
    assert_eq!(count(&actions, "consent.create"), 1, "{actions:?}");
    // PHQ-9 10, ASQ 5, GAD-7 8, AUDIT-C 1 ("Never": the WHO skip leaves out 2 and 3), DAST-10
    // 10, PC-PTSD-5 1.
    assert_eq!(count(&actions, "answer.create"), 35, "{actions:?}");
    assert_eq!(count(&actions, "result.create"), 6, "{actions:?}");
    assert!(count(&actions, "crisis_action.create") >= 2, "both crisis actions are recorded: {actions:?}");
    assert_eq!(count(&actions, "decision.create"), 1, "{actions:?}");
    // The summary saved the picks; finishing as referred with the same picks records no more.
    assert_eq!(count(&actions, "referral.create"), 1, "{actions:?}");
    assert_eq!(count(&actions, "encounter.finish"), 1, "{actions:?}");
    let verify =
        env.cli(&["audit", "verify", "--user", "admin", "--password-stdin"], &format!("{}\n", support::ADMIN_PW));
    assert!(verify.status.success(), "audit verify: {}", String::from_utf8_lossy(&verify.stdout));
}

#[test]
fn an_intake_killed_mid_questionnaire_resumes_at_the_next_item() {
    const NAME: &str = "Jordan Resume";
    let env = Env::initialised();
    {
        let mut tui = env.tui(&[], 80, 24);
        tui.login(NURSE, NURSE_PW);
        tui.start_intake(NAME);
        for item in 2..=9 {
            tui.step("1", &["PHQ-9", &format!("Item {item} of 10")]);
        }
        tui.step("3", &["CRISIS PROTOCOL"]);
        tui.send("3");
        tui.step(ENTER, &["PHQ-9", "Item 10 of 10"]);
        tui.step("1", &["ASQ", "Item 1 of 5"]);
        // The answer is on screen as saved once the next item shows.
        tui.step("2", &["ASQ", "Item 2 of 5", "Saved"]);
        tui.signal("KILL");
        let status = tui.wait_exit(support::DEADLINE).expect("SIGKILL ends the interface");
        assert!(!status.success());
    }

    let mut tui = env.tui(&[], 80, 24);
    tui.login(NURSE, NURSE_PW);
    tui.wait_for(NAME);
    // Another intake, started later and not critical, left at the consent screen.
    tui.step("n", &["New client"]);
    tui.send("Casey Later");
    tui.send(TAB);
    tui.send("1985-12-31");
    tui.send(TAB);
    tui.send(TAB);
    tui.send("en");
    tui.step(ENTER, &["What to screen with", "Adult core"]);
    tui.step(ENTER, &["Does the client consent?"]);
    let home = tui.step("\x02", &["Queue", NAME, "Casey Later"]);
    let row_of = |name: &str| home.lines().position(|l| l.contains(name)).unwrap_or(usize::MAX);
    assert!(row_of(NAME) < row_of("Casey Later"), "the critical encounter comes first:\n{home}");
    let critical_row = home.lines().nth(row_of(NAME)).unwrap_or_default();
    assert!(critical_row.contains("CRITICAL"), "{home}");
    assert!(!home.lines().nth(row_of("Casey Later")).unwrap_or_default().contains("CRITICAL"), "{home}");

    // Enter resumes exactly where it stopped: ASQ item 2.
    let resumed = tui.step(ENTER, &[NAME, "ASQ", "Item 2 of 5"]);
    assert!(resumed.contains("you or your family would be better"), "{resumed}");
    assert!(!resumed.contains("CRISIS PROTOCOL"), "the recorded crisis is not asked again:\n{resumed}");
    tui.step("2", &["ASQ", "Item 3 of 5"]);

    // Ctrl-X locks at once and hides the client.
    let locked = tui.step(CTRL_X, &["Locked"]);
    assert!(!locked.contains(NAME), "{locked}");
    tui.send(CTRL_Q);
    tui.wait_exit(support::DEADLINE).expect("the interface quits on Ctrl-Q");
}

#[test]
fn the_idle_lock_hides_the_client_until_the_password_is_given() {
    const NAME: &str = "Morgan Idle";
    let env = Env::initialised();
    let mut tui = env.tui(&["--idle-lock-seconds", "2"], 80, 24);
    tui.login(NURSE, NURSE_PW);
    tui.start_intake(NAME);
    tui.step("2", &[NAME, "Item 2 of 10", "Feeling down"]);
    // No key: the lock comes by itself.
    let locked = tui.wait_for_all(&["Locked", "Client details are hidden"]);
    for hidden in [NAME, "Morgan", "Feeling down", "PHQ-9", "Signed in as"] {
        assert!(!locked.contains(hidden), "{hidden:?} is visible while locked:\n{locked}");
    }
    // A wrong password keeps it locked.
    tui.send("not the password");
    let refused = tui.step(ENTER, &["Error"]);
    assert!(refused.contains("Locked") && !refused.contains(NAME), "{refused}");
    // The right one brings the questionnaire back where it was.
    let mark = tui.mark();
    tui.send(NURSE_PW);
    tui.send(ENTER);
    let back = tui.wait_seen(mark, &[NAME, "Item 2 of 10", "Feeling down"]);
    assert!(!back.contains("Locked"), "{back}");
    // Idle again: locked again.
    let again = tui.wait_until("the idle lock to come back", |s| s.contains("Locked") && !s.contains(NAME));
    assert!(!again.contains("Feeling down"));
}

/// Regression: `IntakeFlow::restore` once counted an instrument as done when every required item
/// was answered, so an intake stopped at PHQ-9's optional, unscored difficulty item resumed at the
/// next instrument instead of that item.
#[test]
fn an_intake_killed_at_the_optional_last_item_resumes_on_it() {
    const NAME: &str = "Lee Difficulty";
    let env = Env::initialised();
    {
        let mut tui = env.tui(&[], 80, 24);
        tui.login(NURSE, NURSE_PW);
        tui.start_intake(NAME);
        for item in 2..=10 {
            tui.step("1", &["PHQ-9", &format!("Item {item} of 10")]);
        }
        // The owner has the answers once the last one shows as saved (the interface saves from a
        // worker thread, so the screen moves on before the reply).
        tui.wait_for_all(&["Item 10 of 10", "Saved"]);
        tui.signal("KILL");
        tui.wait_exit(support::DEADLINE).expect("SIGKILL ends the interface");
    }
    let mut tui = env.tui(&[], 80, 24);
    tui.login(NURSE, NURSE_PW);
    tui.wait_for(NAME);
    tui.send(ENTER);
    let resumed = tui.wait_until("the resumed encounter", |s| s.contains(NAME) && s.contains("Item "));
    assert!(resumed.contains("PHQ-9") && resumed.contains("Item 10 of 10"), "{resumed}");
}

/// Signs in, starts an intake and leaves it at `answers` answered items (0: the consent screen).
fn intake_at(env: &Env, name: &str, answers: usize) -> support::Tui {
    let mut tui = env.tui(&[], 80, 24);
    tui.login(NURSE, NURSE_PW);
    if answers == 0 {
        tui.step("n", &["New client"]);
        tui.send(name);
        tui.send(TAB);
        tui.send("1990-04-02");
        tui.send(TAB);
        tui.send(CTRL_U);
        tui.send("QC");
        tui.send(TAB);
        tui.send("en");
        tui.step(ENTER, &["What to screen with"]);
        tui.step(ENTER, &["Does the client consent?"]);
        return tui;
    }
    tui.start_intake(name);
    for item in 2..=answers + 1 {
        tui.step("2", &["PHQ-9", &format!("Item {item} of 10")]);
    }
    tui
}

/// `signal` ends the interface promptly and cleanly: main screen back, cursor visible, exit 0.
fn ends_cleanly_on(tui: &mut support::Tui, signal: &str) {
    assert!(tui.with_screen(|s| s.alternate_screen()), "the interface runs in the alternate screen");
    tui.signal(signal);
    let status = tui
        .wait_exit(Duration::from_secs(10))
        .unwrap_or_else(|| panic!("SIG{signal} did not end the interface; the screen is:\n{}", tui.screen()));
    assert!(status.success(), "SIG{signal}: {status:?}");
    let (alternate, hidden) = tui.with_screen(|s| (s.alternate_screen(), s.hide_cursor()));
    assert!(!alternate, "SIG{signal} left the terminal in the alternate screen");
    assert!(!hidden, "SIG{signal} left the cursor hidden");
}

#[test]
fn sighup_restores_the_terminal_and_loses_no_answer() {
    const NAME: &str = "Taylor Hangup";
    let env = Env::initialised();
    let mut tui = intake_at(&env, NAME, 3);
    ends_cleanly_on(&mut tui, "HUP");
    drop(tui);

    let encounter = first_encounter_of(&env, NURSE, "encounter.create");
    assert_eq!(count(&encounter_actions(&env, NURSE, &encounter), "answer.create"), 3);
    let mut tui = env.tui(&[], 80, 24);
    tui.login(NURSE, NURSE_PW);
    tui.wait_for(NAME);
    let resumed = tui.step(ENTER, &[NAME, "PHQ-9", "Item 4 of 10"]);
    assert!(resumed.contains("Feeling tired or having little energy"), "{resumed}");
}

/// Regression: when the terminal itself goes away (SSH dropped, terminal window or tmux session
/// closed), crossterm's poll loops on `read() == 0` and never returns, so the SIGHUP flag and the
/// `is_terminal` check in the event loop were never reached and the process stayed, spinning a
/// core (the shell's watchdog now ends it).
#[test]
fn a_hung_up_terminal_ends_the_interface_and_loses_no_answer() {
    const NAME: &str = "Sam Hangup";
    let env = Env::initialised();
    let mut tui = intake_at(&env, NAME, 2);
    // Ctrl-L switches the language: a redraw that lets the test's reader go before the hang-up.
    tui.hang_up("\x0c");
    let status = tui.wait_exit(Duration::from_secs(10));
    assert!(status.is_some(), "the interface is still running 10 s after its terminal hung up");
    let encounter = first_encounter_of(&env, NURSE, "encounter.create");
    assert_eq!(count(&encounter_actions(&env, NURSE, &encounter), "answer.create"), 2);
}

/// Regression (a CI run left one behind, spinning a core): the kiosk had no watchdog, so a kiosk
/// whose terminal went away (the SSH link dropped) stayed in crossterm's poll forever.
#[test]
fn a_hung_up_terminal_ends_the_kiosk() {
    let env = Env::initialised();
    let mut kiosk = env.kiosk(&["--device", "pty-test"], 80, 24);
    kiosk.wait_for("Welcome");
    // 1 chooses English: a redraw that lets the test's reader go before the hang-up.
    kiosk.hang_up("1");
    let status = kiosk.wait_exit(Duration::from_secs(10));
    assert!(status.is_some(), "the kiosk is still running 10 s after its terminal hung up");
}

#[test]
fn sigterm_restores_the_terminal_and_keeps_the_encounter() {
    const NAME: &str = "Avery Terminate";
    let env = Env::initialised();
    let mut tui = intake_at(&env, NAME, 0);
    // The consent screen draws no cursor: the exit must show it again.
    assert!(tui.with_screen(|s| s.hide_cursor()), "the consent screen hides the cursor");
    ends_cleanly_on(&mut tui, "TERM");
    drop(tui);

    let mut tui = env.tui(&[], 80, 24);
    tui.login(NURSE, NURSE_PW);
    tui.wait_for(NAME);
    tui.step(ENTER, &[NAME, "Does the client consent?"]);
    tui.step("1", &[NAME, "PHQ-9", "Item 1 of 10"]);
}

#[test]
fn a_small_window_asks_to_be_enlarged_and_redraws_when_it_is() {
    const NAME: &str = "Riley Resize";
    let env = Env::initialised();
    let mut tui = intake_at(&env, NAME, 1);
    for (cols, rows) in [(70, 20), (79, 24), (80, 23)] {
        tui.resize(cols, rows);
        let small = tui.wait_for("Please enlarge the window");
        assert!(!small.contains(NAME), "{cols}x{rows}:\n{small}");
    }
    tui.resize(100, 30);
    let big = tui.wait_until("the questionnaire at 100x30", |s| {
        s.contains(NAME) && s.contains("Item 2 of 10") && !s.contains("enlarge")
    });
    assert!(big.contains("Feeling down"), "{big}");
    // The frame fills the new size: the body's border reaches the last column and row 28.
    let (corner, bottom) = tui.with_screen(|s| {
        (s.cell(1, 99).map(|c| c.contents().to_string()), s.cell(27, 0).map(|c| c.contents().to_string()))
    });
    assert_eq!(corner.as_deref(), Some("┐"), "{big}");
    assert_eq!(bottom.as_deref(), Some("└"), "{big}");
    // And it still answers.
    tui.step("2", &[NAME, "Item 3 of 10"]);
}

/// Regression: an encounter left on the crisis screen before the action was recorded resumed at
/// the next item instead of the crisis protocol.
#[test]
fn an_intake_killed_on_the_crisis_screen_resumes_on_the_crisis_screen() {
    const NAME: &str = "Kim Crisis";
    let env = Env::initialised();
    {
        let mut tui = env.tui(&[], 80, 24);
        tui.login(NURSE, NURSE_PW);
        tui.start_intake(NAME);
        for item in 2..=9 {
            tui.step("1", &["PHQ-9", &format!("Item {item} of 10")]);
        }
        tui.step("3", &["CRISIS PROTOCOL"]);
        // The crisis screen shows on the answer; the owner has it once the status row no longer
        // says "Saving…" (the save runs on the worker thread). Killed before that, the answer
        // itself would be gone, which is not what this test is about.
        tui.wait_until("the critical answer saved", |s| s.contains("CRISIS PROTOCOL") && !s.contains("Saving"));
        tui.signal("KILL");
        tui.wait_exit(support::DEADLINE).expect("SIGKILL ends the interface");
    }
    let mut tui = env.tui(&[], 80, 24);
    tui.login(NURSE, NURSE_PW);
    tui.wait_for_all(&["CRITICAL", NAME]);
    tui.send(ENTER);
    let resumed = tui.wait_until("the resumed encounter", |s| s.contains("CRISIS PROTOCOL") || s.contains("Item "));
    assert!(resumed.contains("CRISIS PROTOCOL"), "the unrecorded crisis must be shown first:\n{resumed}");
}

/// Editing a client from the search results: Ctrl-E opens their details, a bad value is refused
/// on the form, the saved values show in the results at once, and the new intake started from
/// there runs in the edited language. The audit names the changed fields, not their values.
#[test]
fn a_client_edited_from_the_search_starts_an_intake_with_the_new_details() {
    const CTRL_E: &str = "\x05";
    let env = Env::initialised();
    let id = env.ok(
        &[
            "client",
            "add",
            "--name",
            "Jo Editclient",
            "--province",
            "QC",
            "--lang",
            "fr",
            "--birth-date",
            "1985-05-06",
            "--user",
            NURSE,
            "--password-stdin",
        ],
        &format!("{NURSE_PW}\n"),
    );
    let id = id.trim().to_string();
    let mut tui = env.tui(&[], 80, 24);
    tui.login(NURSE, NURSE_PW);
    tui.step("/", &["Find a client"]);
    tui.step("jo edit", &["Jo Editclient", "1985-05-06  QC    fr"]);
    // The language is a picker: Français chosen.
    tui.step(CTRL_E, &["Edit client · Jo Editclient", "> QC", "2 (•) Français"]);
    tui.send(TAB);
    tui.send(TAB);
    tui.send(CTRL_U);
    tui.send("ZZ");
    tui.step(ENTER, &["unknown province or territory"]);
    tui.send(CTRL_U);
    tui.send("on");
    tui.send(TAB);
    tui.send(CTRL_U);
    tui.send("en");
    let saved = tui.step(ENTER, &["Find a client", "Client details saved."]);
    assert!(saved.contains("1985-05-06  ON    en"), "{saved}");
    // The intake from here is in the client's new language.
    tui.step(ENTER, &["What to screen with", "Jo Editclient"]);
    let consent = tui.step(ENTER, &["Does the client consent?", "Jo Editclient"]);
    assert!(consent.contains("This service asks") && !consent.contains("Ce service"), "{consent}");
    tui.step("1", &["PHQ-9", "Item 1 of 10", "Little interest or pleasure"]);

    let updates: Vec<String> = env
        .audit()
        .iter()
        .filter(|e| e["action"] == "client.update" && e["user"] == NURSE)
        .filter_map(|e| e["record"].as_str().map(str::to_string))
        .collect();
    assert_eq!(updates, vec![format!("{id} province,language")]);
    tui.send(CTRL_Q);
    tui.wait_exit(support::DEADLINE).expect("Ctrl-Q ends the interface");
}

/// Issue 14, item 7: the search on screen is the owner's. `triage audit list --client ID` names
/// the worker's search for the client shown, and no search names a client it did not show.
#[test]
fn the_audit_names_the_clients_a_search_showed_and_only_those() {
    let env = Env::initialised();
    let add = |name: &str| {
        let args =
            ["client", "add", "--name", name, "--province", "ON", "--lang", "en", "--user", NURSE, "--password-stdin"];
        env.ok(&args, &format!("{NURSE_PW}\n")).trim().to_string()
    };
    let (shown, other) = (add("Jo Searchedfor"), add("Pat Elsewhere"));
    let mut tui = env.tui(&[], 80, 24);
    tui.login(NURSE, NURSE_PW);
    let empty = tui.step("/", &["Find a client", "Type part of the name"]);
    assert!(!empty.contains("Jo Searchedfor") && !empty.contains("Pat Elsewhere"), "{empty}");
    let found = tui.step("jo sea", &["Jo Searchedfor"]);
    assert!(!found.contains("Pat Elsewhere"), "{found}");
    tui.send(CTRL_Q);
    tui.wait_exit(support::DEADLINE).expect("Ctrl-Q ends the interface");

    let searches_of = |client: &str| -> Vec<serde_json::Value> {
        let text = env.ok(
            &[
                "audit",
                "list",
                "--client",
                client,
                "--action",
                "client.search",
                "--json",
                "--user",
                ADMIN,
                "--password-stdin",
            ],
            &format!("{ADMIN_PW}\n"),
        );
        serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("audit list --json: {e}\n{text}"))
    };
    let named = searches_of(&shown);
    assert!(!named.is_empty(), "no client.search names {shown}");
    assert!(named.iter().all(|e| e["user"] == NURSE), "{named:?}");
    assert!(searches_of(&other).is_empty(), "a search named a client it did not show");
    // The query (part of a name) is not in the audit log.
    let all = serde_json::to_string(&env.audit()).unwrap_or_default();
    assert!(!all.contains("jo sea") && !all.contains("Searchedfor"), "{all}");
}

/// Issue 6: every admin task is a screen as well as a command. An admin signs in, sees the
/// store unlocked, issues a check-in code, writes a backup and an export where the interface was
/// started, changes the organisation's settings, and runs the catalog and questionnaire checks;
/// the owner audited what it did.
#[test]
fn an_admin_runs_the_administration_tasks_from_the_interface() {
    use support::{ADMIN, ADMIN_PW};
    const BACK: &str = "\x02"; // Ctrl-B
    let env = Env::initialised();
    let mut tui = env.tui(&[], 100, 30);
    tui.wait_for_all(&["Sign in", "User name"]);
    tui.send(ADMIN);
    tui.send(TAB);
    tui.send(ADMIN_PW);
    tui.step(ENTER, &["Administration: users and roles", "Tasks:", "check-in code"]);

    let status = tui.step("o", &["Store status and lock", "Store: UNLOCKED", "Audit entries:"]);
    assert!(status.contains(&env.data.display().to_string()), "{status}");
    tui.step(BACK, &["Administration: users and roles"]);

    tui.step("c", &["Kiosk check-in codes", "Outstanding codes", "None."]);
    tui.step(ENTER, &["Valid for (minutes"]);
    let issued = tui.step(ENTER, &["Check-in code:", "single use", "client: no  by admin"]);
    let code = issued
        .lines()
        .find_map(|l| l.split("Check-in code: ").nth(1))
        .map(|rest| rest.chars().take(9).collect::<String>())
        .unwrap_or_default();
    assert!(code.len() == 9 && code.chars().nth(4) == Some('-'), "no code in:\n{issued}");
    // The outstanding code is listed by reference and revoked after a confirmation.
    tui.step("x", &["Revoke code", "y: revoke"]);
    tui.step("y", &["revoked: no kiosk accepts it now", "None."]);
    tui.step(BACK, &["Administration: users and roles"]);

    tui.step("b", &["Backup", "Backup file"]);
    tui.send("nightly.tbk");
    tui.step(ENTER, &["Backup written:", "nightly.tbk", "sha256"]);
    let backup = env.cwd.join("nightly.tbk");
    assert!(backup.is_file(), "the backup is where the interface was started");
    env.ok(
        &["backup", "verify", &backup.display().to_string(), "--user", ADMIN, "--password-stdin"],
        &format!("{ADMIN_PW}\n"),
    );
    // The same path again: refused, and said so.
    tui.step("r", &["It did not work:", "already exists"]);
    tui.step(BACK, &["Administration: users and roles"]);
    // Checked with the admin's own password, as `triage backup verify` does.
    tui.step("v", &["Check a backup", "Your password"]);
    tui.send("nightly.tbk");
    tui.send(TAB);
    tui.send(ADMIN_PW);
    let checked = tui.step(ENTER, &["Backup intact:", "encrypted records opened"]);
    assert!(!checked.contains(ADMIN_PW));
    tui.step(BACK, &["Administration: users and roles"]);

    tui.step("e", &["Export every record", "Format (jsonl, csv or fhir)", "Reason for this export"]);
    tui.send(TAB);
    tui.send("all.jsonl");
    tui.step(ENTER, &["(required: say why)"]);
    tui.send("yearly archive");
    tui.step(ENTER, &["Exported 0 encounters to", "all.jsonl"]);
    let export = std::fs::read_to_string(env.cwd.join("all.jsonl")).expect("the export file");
    assert!(export.lines().count() >= 1, "the export has its header line");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(env.cwd.join("all.jsonl")).expect("metadata").permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "only the admin's account can read the export");
    tui.step(BACK, &["Administration: users and roles"]);

    tui.step("p", &["Kiosk exit PIN", "New kiosk exit PIN"]);
    tui.send("246810");
    tui.send(TAB);
    tui.send("246810");
    tui.step(ENTER, &["Kiosk exit PIN set"]);
    tui.step(BACK, &["Administration: users and roles"]);

    // The organisation's settings: filled from the owner, saved by it, read back by the CLI.
    tui.step("g", &["Organisation settings", "> 10", "> 120"]);
    tui.send("\x15"); // Ctrl-U empties the field
    tui.send("25");
    for _ in 0..3 {
        tui.send(TAB);
    }
    tui.send("Restez avec la personne.");
    tui.step(ENTER, &["Settings saved. Changed:", "Crisis protocol in French"]);
    let shown = env.ok(&["settings", "show", "--json", "--user", ADMIN, "--password-stdin"], &format!("{ADMIN_PW}\n"));
    let shown: serde_json::Value = serde_json::from_str(shown.trim()).expect("JSON");
    assert_eq!(
        (&shown["staff_idle_lock_minutes"], &shown["crisis_text_fr"]),
        (&25.into(), &"Restez avec la personne.".into())
    );
    tui.step(BACK, &["Administration: users and roles"]);

    tui.step("k", &["Resource catalog check", "Stale when not verified"]);
    tui.step(ENTER, &["resources checked: errors 0"]);
    tui.step(BACK, &["Administration: users and roles"]);
    tui.step("i", &["Questionnaire library check"]);
    tui.step(ENTER, &["files checked: problems 0"]);
    tui.send(CTRL_Q);
    assert!(tui.wait_exit(Duration::from_secs(10)).is_some(), "the interface quits");

    let actions: Vec<String> = env
        .audit()
        .iter()
        .filter(|e| e["user"] == ADMIN)
        .filter_map(|e| e["action"].as_str().map(str::to_string))
        .collect();
    for expected in
        ["checkin.issue", "checkin.list", "checkin.revoke", "backup.create", "kiosk.pin_set", "settings.update"]
    {
        assert!(actions.iter().any(|a| a == expected), "{expected} not audited: {actions:?}");
    }
    assert!(actions.iter().any(|a| a.contains("export")), "the export is audited: {actions:?}");
}

/// Issue 11, path 1, on the real binary: a kiosk client answers PHQ-9 items 1-8 "Nearly every
/// day" and then the link drops (the terminal hangs up). Before, nothing reached staff; now the
/// answers so far are an incomplete, urgent submission.
#[test]
fn a_kiosk_client_who_stops_part_way_leaves_an_urgent_unfinished_submission() {
    let env = Env::initialised();
    let mut kiosk = env.kiosk(&["--device", "pty-test", "--bundle", "adult-core"], 80, 24);
    kiosk.wait_for("Welcome");
    kiosk.step("1", &["Check-in code"]);
    kiosk.step("\r", &["Do you agree"]);
    kiosk.step("1", &["How old are you"]);
    kiosk.step("34\r", &["Question 1 of"]);
    for next in 2..=9 {
        kiosk.step("4", &[&format!("Question {next} of")]);
    }
    kiosk.wait_for("5  Prefer not to answer");
    kiosk.hang_up("\x7f");
    assert!(kiosk.wait_exit(Duration::from_secs(10)).is_some(), "the kiosk ended with its terminal");
    let listed = env.ok(&["submissions", "list", "--user", NURSE, "--password-stdin"], &format!("{NURSE_PW}\n"));
    let line = listed.lines().find(|l| l.contains("waiting")).unwrap_or_else(|| panic!("no submission: {listed}"));
    assert!(line.contains("URGENT") && line.contains("unfinished"), "{listed}");
}

/// Issue 11, item 6: a critical flag raised in another worker's intake reaches a worker in a
/// questionnaire as a banner naming its tier and source (not an error on the status line);
/// Ctrl-G goes to the queue, where the banner names the client, and Enter opens the alerted
/// entry (the crisis protocol, no action being recorded yet). An administrator signed in at the
/// same time gets no banner, and the worker who raised the flag is not alerted by it.
#[test]
fn a_critical_flag_raised_elsewhere_is_a_banner_and_ctrl_g_leads_to_it() {
    use support::{ADMIN, ADMIN_PW};
    const CTRL_G: &str = "\x07";
    const WORKER: &str = "Pat Waiting";
    const OTHER: &str = "Robin Elsewhere";
    let env = Env::initialised();
    let mut admin = env.tui(&[], 80, 24);
    admin.wait_for_all(&["Sign in", "User name"]);
    admin.send(ADMIN);
    admin.send(TAB);
    admin.send(ADMIN_PW);
    admin.step(ENTER, &["Administration: users and roles"]);

    let mut worker = env.tui(&[], 80, 24);
    worker.login(NURSE, NURSE_PW);
    worker.start_intake(WORKER);
    worker.step("2", &["PHQ-9", "Item 2 of 10"]);

    let mut other = env.tui(&[], 80, 24);
    other.login(NURSE, NURSE_PW);
    other.start_intake(OTHER);
    for item in 2..=9 {
        other.step("1", &["PHQ-9", &format!("Item {item} of 10")]);
    }
    other.step("3", &["CRISIS PROTOCOL"]);

    // The banner names the client (looked up once the alert arrives; issue 11, item 6).
    let banner = worker.wait_for_all(&["CRITICAL ALERT", &format!("intake of {OTHER}"), "^G queue"]);
    assert!(!banner.contains("Error:"), "an alert is not an error:\n{banner}");
    assert!(banner.contains("Item 2 of 10"), "the questionnaire stays on screen:\n{banner}");
    // The worker who raised the flag is not alerted by their own intake.
    assert!(!other.screen().contains("ALERT"), "{}", other.screen());
    // Ctrl-L changes the banner's language with the rest.
    worker.step("\x0c", &["ALERTE CRITIQUE", &format!("évaluation de {OTHER}")]);
    worker.step("\x0c", &["CRITICAL ALERT"]);

    let queue = worker.step(CTRL_G, &["Queue", OTHER, WORKER, &format!("intake of {OTHER}")]);
    assert!(queue.contains("CRITICAL"), "{queue}");
    let opened = worker.step(ENTER, &["CRISIS PROTOCOL"]);
    assert!(!opened.contains("CRITICAL ALERT"), "opening the alerted entry is seeing it:\n{opened}");

    // The administrator heard nothing: redraw (Ctrl-L) and look.
    let screen = admin.step("\x0c", &["Administration : utilisateurs et rôles"]);
    assert!(!screen.contains("ALERT") && !screen.contains("ALERTE"), "{screen}");
}

/// From GAD-7's first item to the results: GAD-7 "Not at all", AUDIT-C "Never" (negative: no
/// full AUDIT; questions 2 and 3 are skipped), DAST-10 all "No", PC-PTSD-5 no exposure. Returns the screen once it holds `expect`.
pub(crate) fn gad7_to_results_all_no(tui: &mut support::Tui, expect: &[&str]) -> String {
    for item in 2..=8 {
        tui.step("1", &["GAD-7", &format!("Item {item} of 8")]);
    }
    tui.step("1", &["AUDIT-C", "Item 1 of 3"]);
    tui.step("1", &["DAST-10", "Item 1 of 10"]);
    for item in 2..=10 {
        tui.step("2", &["DAST-10", &format!("Item {item} of 10")]);
    }
    tui.step("2", &["PC-PTSD-5", "Item 1 of"]);
    let mut wanted = vec!["Results"];
    wanted.extend_from_slice(expect);
    tui.step("2", &wanted)
}

/// Issue 11, item 5: PHQ-9 items 1-8 "Not at all", item 9 "Several days", the crisis protocol
/// with "connected with a crisis line" recorded; then back to item 9.
fn item_9_acted_on_then_back(tui: &mut support::Tui, name: &str) {
    tui.start_intake(name);
    for item in 2..=9 {
        tui.step("1", &["PHQ-9", &format!("Item {item} of 10")]);
    }
    tui.step("2", &["CRISIS PROTOCOL", "Record what was done"]);
    tui.send("2");
    tui.step(ENTER, &["PHQ-9", "Item 10 of 10"]);
    tui.step(support::LEFT, &["PHQ-9", "Item 9 of 10", "better off dead"]);
}

/// Issue 11, item 5: changing the answer that raised a critical flag, after the crisis action was
/// recorded, asks for a reason; the reason is recorded (and audited) before the new answer, and
/// the results and the client's history keep showing the flag, raised then changed, by whom and
/// why. The queue still ranks the encounter critical.
#[test]
fn a_critical_answer_changed_after_the_crisis_action_needs_a_reason_that_stays_on_record() {
    const NAME: &str = "Sasha Changedanswer";
    let env = Env::initialised();
    let mut tui = env.tui(&[], 100, 30);
    tui.login(NURSE, NURSE_PW);
    item_9_acted_on_then_back(&mut tui, NAME);
    // "Not at all" would withdraw the flag: nothing is saved until a reason is given.
    let prompt = tui.step("1", &["removes a risk flag that staff already acted on", "Reason:"]);
    assert!(prompt.contains("Suicidal ideation") || prompt.contains("suicid"), "the flag is named:\n{prompt}");
    tui.step(ENTER, &["A reason is needed"]);
    // Cancelling keeps the first answer.
    tui.send(support::CTRL_B);
    tui.wait_until("the reason prompt gone", |s| s.contains("Item 9 of 10") && !s.contains("Reason:"));
    tui.step("1", &["Reason:"]);
    tui.send("mis-keyed, the client said not at all");
    tui.step(ENTER, &["PHQ-9", "Item 10 of 10"]);
    // The rest of the intake: "Not at all" / "No" / "Never" throughout.
    tui.step("1", &["ASQ", "Item 1 of 5"]);
    for item in 2..=4 {
        tui.step("2", &["ASQ", &format!("Item {item} of")]);
    }
    tui.step("2", &["GAD-7", "Item 1 of 8"]);
    let results = gad7_to_results_all_no(&mut tui, &["raised, then changed by nurse: mis-keyed, the client"]);
    assert!(results.contains("CRITICAL"), "the withdrawn flag keeps its severity:\n{results}");

    // The queue still ranks it critical, and the history keeps the change.
    tui.step(support::CTRL_G, &["Queue", NAME]);
    let queue = tui.screen();
    let row = queue.lines().find(|l| l.contains(NAME)).unwrap_or_default();
    assert!(row.contains("CRITICAL"), "{queue}");
    tui.step("h", &["History", "raised, then changed by nurse: mis-keyed"]);
    tui.send(CTRL_Q);
    tui.wait_exit(support::DEADLINE).expect("the interface quits on Ctrl-Q");

    let encounter = first_encounter_of(&env, NURSE, "encounter.create");
    let entries: Vec<serde_json::Value> = env
        .audit()
        .into_iter()
        .filter(|e| e["user"] == NURSE && e["record"].as_str().is_some_and(|r| r.starts_with(&encounter)))
        .collect();
    let actions: Vec<&str> = entries.iter().filter_map(|e| e["action"].as_str()).collect();
    // flag_raised, the crisis action, and the change's reason.
    assert_eq!(count(&actions.iter().map(|a| a.to_string()).collect::<Vec<_>>(), "crisis_action.create"), 3);
    // The reason's record comes before the answer that withdrew the flag.
    let last_crisis = actions.iter().rposition(|a| *a == "crisis_action.create").unwrap_or(0);
    assert!(
        actions[last_crisis + 1..].contains(&"answer.update") || actions[last_crisis + 1..].contains(&"answer.create"),
        "{actions:?}"
    );
}

/// Issue 11, item 5: where the ASQ follows PHQ-9 item 9 (the organisation's setting), changing
/// item 9 after the crisis action keeps the ASQ due; only a clinician waives it, with a reason.
#[test]
fn the_asq_item_9_called_for_stays_due_after_the_change_until_a_clinician_waives_it() {
    const NAME: &str = "Robin Followupdue";
    let env = Env::initialised();
    env.ok(
        &["settings", "set", "--asq", "after-phq9-item9", "--user", support::ADMIN, "--password-stdin"],
        &format!("{}\n", support::ADMIN_PW),
    );
    let mut tui = env.tui(&[], 100, 30);
    tui.login(NURSE, NURSE_PW);
    // Five questionnaires: the ASQ is not in the bundle, only item 9's follow-up.
    tui.start_intake_of(NAME, 5);
    for item in 2..=9 {
        tui.step("1", &["PHQ-9", &format!("Item {item} of 10")]);
    }
    tui.step("2", &["CRISIS PROTOCOL", "Record what was done"]);
    tui.send("2");
    tui.step(ENTER, &["PHQ-9", "Item 10 of 10"]);
    tui.step(support::LEFT, &["PHQ-9", "Item 9 of 10"]);
    tui.step("1", &["Reason:"]);
    tui.send("mis-keyed");
    tui.step(ENTER, &["PHQ-9", "Item 10 of 10"]);
    // The ASQ is still added, and can be waived by this clinician only with a reason.
    let asq = tui.step("1", &["ASQ", "Item 1 of 5", "Still due"]);
    assert!(asq.contains("waive follow-up"), "the footer offers the waiver:\n{asq}");
    tui.step("w", &["Waive this follow-up?", "Reason:"]);
    tui.step(ENTER, &["A reason is needed"]);
    tui.send("ASQ negative at this morning's clinic visit");
    tui.step(ENTER, &["GAD-7", "Item 1 of 8"]);
    tui.send(CTRL_Q);
    tui.wait_exit(support::DEADLINE).expect("the interface quits on Ctrl-Q");
    let encounter = first_encounter_of(&env, NURSE, "encounter.create");
    let actions = encounter_actions(&env, NURSE, &encounter);
    // flag_raised, the crisis action, the change's reason, the waiver.
    assert_eq!(count(&actions, "crisis_action.create"), 4, "{actions:?}");
}

/// The worker chooses the bundle before consent; a client under 18 gets the youth bundle by
/// default (issue 12, item 4), and the intake asks what that bundle holds.
#[test]
fn a_client_under_18_is_offered_the_youth_bundle_first() {
    let env = Env::initialised();
    let mut tui = env.tui(&[], 80, 24);
    tui.login(NURSE, NURSE_PW);
    tui.step("n", &["New client", "Date of birth"]);
    tui.send("Sam Youngclient");
    tui.send(TAB);
    tui.send("2011-06-01");
    tui.send(TAB);
    tui.send(CTRL_U);
    tui.send("ON");
    tui.send(TAB);
    tui.send("en");
    let choice = tui.step(ENTER, &["What to screen with", "Enter starts the intake with: Youth core (12-17)"]);
    assert!(choice.contains("Adult core"), "the other bundles stay on offer:\n{choice}");
    tui.step(ENTER, &["Consent", "Does the client consent?"]);
    // Youth core: PHQ-9, the ASQ (asked of everyone), GAD-7, K6.
    tui.step("1", &["PHQ-9", "Questionnaire 1 of 4", "Item 1 of 10"]);
    tui.send(CTRL_Q);
    tui.wait_exit(support::DEADLINE).expect("the interface quits on Ctrl-Q");
}

/// Issue 14, item 6: a password an administrator set is replaced by its user at the next
/// sign-in. The CLI at a terminal says who set it and when and asks for a new one, then the
/// command goes on; the staff interface goes to its "choose a new password" step, then to the
/// queue once the owner has set it.
#[test]
fn a_password_set_by_the_admin_is_replaced_at_the_next_sign_in() {
    use support::{ADMIN, ADMIN_PW, Tui};
    let env = Env::initialised();
    let reset = |password: &str| {
        env.ok(&["user", "passwd", NURSE, "--user", ADMIN, "--password-stdin"], &format!("{ADMIN_PW}\n{password}\n"))
    };
    reset("set by the admin for nurse");
    let args = ["--name", "Pat Doe", "--province", "NS", "--lang", "en", "--user", NURSE];
    let mut cli = Tui::spawn(&env, &["client", "add"], &args, 120, 30);
    cli.wait_for_output("password for nurse:");
    cli.send("set by the admin for nurse\r");
    cli.wait_for_output("the password of nurse was reset by admin on");
    cli.wait_for_output("new password for nurse:");
    cli.send("nurse chose this one herself\r");
    cli.wait_for_output("the same password again:");
    cli.send("nurse chose this one herself\r");
    let done = cli.wait_for_output("new password set for nurse");
    let id = cli.wait_for_output_where("the new client's id", |screen| {
        screen.lines().any(|l| l.trim().len() == 32 && l.trim().chars().all(|c| c.is_ascii_hexdigit()))
    });
    assert!(!done.contains("herself") && !id.contains("herself"), "the password is never echoed");

    reset("set again by the admin");
    let mut tui = env.tui(&[], 100, 30);
    tui.wait_for_all(&["Sign in", "User name"]);
    tui.send(NURSE);
    tui.send(TAB);
    tui.send("set again by the admin");
    tui.step(ENTER, &["Choose a new password", "Your password was reset by admin on", "New password again"]);
    tui.send("too short");
    tui.step(ENTER, &["at least 15 characters"]);
    tui.send(CTRL_U);
    tui.send("the nurse's own choice");
    tui.send(TAB);
    tui.send("the nurse's own choice");
    tui.step(ENTER, &["New password set.", "Queue"]);
    env.ok(
        &[
            "client",
            "add",
            "--name",
            "Sam Roe",
            "--province",
            "NS",
            "--lang",
            "en",
            "--user",
            NURSE,
            "--password-stdin",
        ],
        "the nurse's own choice\n",
    );
}
