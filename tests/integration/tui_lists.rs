//! Long lists in the real interface: a queue and a search result list longer than the screen
//! scroll with the selection and say where they are, at 80x24 in a pseudo-terminal.

use crate::support;

use support::{ADMIN, ADMIN_PW, DOWN, Env, NURSE, NURSE_PW};

/// The position marker on the screen ("12–20 of 143"), as (first, last, total).
fn position(screen: &str) -> Option<(usize, usize, usize)> {
    screen.lines().find_map(|line| {
        let (range, rest) = line.split_once(" of ")?;
        let range = range.rsplit(' ').next()?;
        let (first, last) = range.split_once('–')?;
        let total: String = rest.chars().take_while(char::is_ascii_digit).collect();
        Some((first.parse().ok()?, last.parse().ok()?, total.parse().ok()?))
    })
}

#[test]
fn a_long_queue_and_a_long_search_result_list_scroll_and_say_where_they_are() {
    let env = Env::initialised();
    // 240 synthetic encounters: half of them wait in the queue, and 60 clients share a name.
    env.ok(&["dev", "seed", "--encounters", "240", "--user", ADMIN, "--password-stdin"], &format!("{ADMIN_PW}\n"));
    let mut tui = env.tui(&[], 80, 24);
    let queue = tui.login(NURSE, NURSE_PW);
    let (first, last, total) = position(&queue).unwrap_or_else(|| panic!("no position marker:\n{queue}"));
    assert_eq!(first, 1, "{queue}");
    assert!(total > last && last >= 10, "{queue}");
    let top_entry = queue.lines().nth(3).unwrap_or_default().to_string();

    tui.send(&DOWN.repeat(last + 5));
    // Each key moves the selection one row; the list follows once it reaches the last row.
    let scrolled =
        tui.wait_until("the queue scrolled by six rows", |screen| position(screen) == Some((7, last + 6, total)));
    assert!(!scrolled.contains(top_entry.trim_matches('│').trim()), "{scrolled}");

    tui.send("/");
    tui.wait_for("Search by name");
    tui.send("synthetic");
    let found = tui.wait_until("the matches", |screen| position(screen).is_some());
    let (first, shown, total) = position(&found).unwrap();
    assert_eq!((first, total), (1, 50), "the owner returns 50 matches at most:\n{found}");
    tui.send(&DOWN.repeat(45));
    let scrolled = tui.wait_until("the matches scrolled to the 46th", |screen| {
        position(screen).is_some_and(|(_, l, t)| (l, t) == (46, 50))
    });
    assert!(shown < 46 && scrolled.contains("Synthetic Client"), "{scrolled}");
}
