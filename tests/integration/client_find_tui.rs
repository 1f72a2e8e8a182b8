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
