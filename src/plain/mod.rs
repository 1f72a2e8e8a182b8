//! Plain, line-by-line mode (issue 17) for screen readers, braille displays and slow links: the
//! same flows as the full-screen interfaces, said as plain sequential text. One line per prompt,
//! numbered choices answered with a number and Enter, no cursor addressing, no colour, no box
//! drawing, nothing said twice. A thin shell over the same cores: [`kiosk`] reads the kiosk's
//! state ([`crate::kiosk::app`]) and turns typed lines into its keys, [`staff`] does the same
//! over the staff interface's state ([`crate::tui::app`]); the strings are the
//! interfaces' own (`ui::strings`), phone numbers written digit by digit for speech ([`speech`]).

pub mod kiosk;
pub mod kiosk_shell;
pub mod page;
pub mod speech;
pub mod staff;
pub mod staff_shell;
pub mod term;

/// Whether plain mode is wanted: `--plain`, `TRIAGE_PLAIN=1`, or a terminal that calls itself
/// `dumb` (which could not show the full-screen interface anyway).
pub fn wanted(flag: bool) -> bool {
    flag || std::env::var("TRIAGE_PLAIN").is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true")) || dumb_terminal()
}

/// `TERM=dumb`: not even the one escape plain mode may send ([`term::SCROLLBACK_WIPE`]).
pub fn dumb_terminal() -> bool {
    std::env::var("TERM").is_ok_and(|t| t == "dumb")
}
