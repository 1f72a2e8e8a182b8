#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Finding a client in the real interface (issue 16, item 5): "cote" finds
//! "Élodie Tremblay-Côté" whatever the accents, and Ctrl-O opens the history of a client who has
//! no open intake (so none in the queue).

use crate::support;

use support::{Env, NURSE, NURSE_PW};

/// Ctrl-O: the selected search result's history.
const CTRL_O: &str = "\x0f";

#[test]
fn searching_cote_finds_elodie_and_opens_her_history() {
    let env = Env::initialised();
    let add = |name: &str, birth: &str| {
        let args =
            ["client", "add", "--name", name, "--province", "qc", "--lang", "fr", "--birth-date", birth, "--user"];
        let mut args = args.to_vec();
        args.extend([NURSE, "--password-stdin"]);
        env.ok(&args, &format!("{NURSE_PW}\n"));
    };
    add("Élodie Tremblay-Côté", "1991-07-14");
    add("Marc Roy", "1980-02-03");
    let mut tui = env.tui(&[], 80, 24);
    let home = tui.login(NURSE, NURSE_PW);
    assert!(!home.contains("Élodie"), "no open intake, so not in the queue:\n{home}");
    tui.step("/", &["Find a client"]);
    tui.send("cote");
    // Each letter is a search: the answer to the whole query lists her and not Marc Roy.
    let found = tui.wait_until("the matches for cote", |s| {
        s.contains("name: cote") && s.contains("Élodie Tremblay-Côté") && !s.contains("Marc Roy")
    });
    assert!(found.contains("1991-07-14"), "{found}");
    let history = tui.step(CTRL_O, &["History · Élodie Tremblay-Côté"]);
    assert!(history.contains("1991-07-14"), "the client's details:\n{history}");
}

/// Issue 16, item 5: adding "Elodie Cote" born the day "Élodie Tremblay-Côté" was warns first,
/// showing her as a search would; Esc goes back to the form; `a` adds the new client anyway.
/// The look-up is audited as searches are, and only `a` creates a client.
#[test]
fn adding_a_possible_duplicate_warns_and_adds_only_when_asked() {
    use support::{CTRL_U, ENTER, TAB};
    let env = Env::initialised();
    let args = ["client", "add", "--name", "Élodie Tremblay-Côté", "--province", "qc", "--lang", "fr"];
    let mut args = args.to_vec();
    args.extend(["--birth-date", "1991-07-14", "--user", NURSE, "--password-stdin"]);
    env.ok(&args, &format!("{NURSE_PW}\n"));
    let created = || env.audit().iter().filter(|e| e["action"] == "client.create").count();
    let mut tui = env.tui(&[], 80, 24);
    tui.login(NURSE, NURSE_PW);
    tui.step("n", &["New client", "Date of birth"]);
    tui.send("Elodie Cote");
    tui.send(TAB);
    tui.send("1991-07-14");
    tui.send(TAB);
    tui.send(CTRL_U);
    tui.send("QC");
    tui.send(TAB);
    tui.send("fr");
    let warned = tui.step(ENTER, &["may be on record already", "Élodie Tremblay-Côté", "a add anyway"]);
    assert!(warned.contains("1991-07-14"), "{warned}");
    assert_eq!(created(), 1, "nothing is added on the warning");
    assert!(env.audit().iter().any(|e| e["action"] == "client.search" && e["user"] == NURSE), "the look-up is audited");
    tui.step("\x1b", &["New client", "Elodie Cote"]);
    tui.step(ENTER, &["may be on record already"]);
    tui.step("a", &["What to screen with"]);
    assert_eq!(created(), 2, "added anyway");
}
