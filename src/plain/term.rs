//! The terminal in plain mode: lines written one after another, each ended with CR LF (raw mode
//! turns off the terminal's own newline translation), never a cursor movement, a colour or a
//! redraw; typed characters echoed as a terminal in line mode would, and collected into lines.
//! Raw mode still matters: the quick exit and the staff keys act at once, without Enter, and
//! Ctrl-C, Ctrl-Z or Ctrl-\ reach the program as keys rather than signals.

use std::io::{self, Write};

use zeroize::Zeroizing;

/// The one escape sequence plain mode may send: "erase the saved lines" (ED 3, `ESC [ 3 J`), the
/// same scrollback wipe the full-screen kiosk sends, without its cursor moves and screen
/// switches. Never sent to a terminal that calls itself `dumb`: it would show it as text.
pub const SCROLLBACK_WIPE: &[u8] = b"\x1b[3J";

/// Longest line the kiosk takes (a check-in code or an answer is far shorter).
const MAX_LINE: usize = 64;

/// Raw mode for a plain shell, with a panic hook that gives the terminal back and says only that
/// it stopped (a panic's details could quote what a client said); the hook it replaced, to put
/// back with [`leave_raw`].
pub fn enter_raw(who: &'static str) -> io::Result<PanicHook> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |_| {
        let _ = ratatui::crossterm::terminal::disable_raw_mode();
        let _ = writeln!(io::stderr(), "{who}: stopped after an internal error");
    }));
    ratatui::crossterm::terminal::enable_raw_mode()?;
    Ok(previous)
}

/// The panic hook [`enter_raw`] replaced.
pub type PanicHook = Box<dyn Fn(&std::panic::PanicHookInfo<'_>) + Sync + Send + 'static>;

/// Leaves raw mode and puts the panic hook back.
pub fn leave_raw(previous: PanicHook) {
    let _ = ratatui::crossterm::terminal::disable_raw_mode();
    std::panic::set_hook(previous);
}

/// Writes `lines`, each ended with CR LF, and flushes; returns the bytes written.
pub fn say<W: Write>(out: &mut W, lines: &[String]) -> io::Result<usize> {
    let mut written = 0;
    for line in lines {
        out.write_all(line.as_bytes())?;
        out.write_all(b"\r\n")?;
        written += line.len() + 2;
    }
    out.flush()?;
    Ok(written)
}

/// Ends what a client left on the terminal: enough blank lines to push it off the screen, then,
/// unless the terminal is `dumb`, [`SCROLLBACK_WIPE`] so that it cannot be scrolled back to
/// either. A dumb terminal has no such command: run it with its scrollback off
/// (`docs/deployment.md`).
pub fn wipe<W: Write>(out: &mut W, rows: u16, dumb: bool) -> io::Result<()> {
    for _ in 0..rows.max(1) {
        out.write_all(b"\r\n")?;
    }
    if !dumb {
        out.write_all(SCROLLBACK_WIPE)?;
    }
    out.flush()
}

/// A key as the line editor sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Char(char),
    Backspace,
    Enter,
}

/// The line being typed, zeroized when dropped or taken (it may be a PIN or a password).
pub struct LineEditor {
    line: Zeroizing<String>,
    /// Longest line taken, in characters.
    limit: usize,
}

impl Default for LineEditor {
    fn default() -> LineEditor {
        LineEditor::with_limit(MAX_LINE)
    }
}

impl std::fmt::Debug for LineEditor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LineEditor(<{} characters>)", self.line.chars().count())
    }
}

/// What a key did to the line: the bytes to echo, and the line when Enter ended it.
#[derive(Debug, PartialEq, Eq)]
pub struct Edited {
    pub echo: String,
    pub line: Option<Zeroizing<String>>,
}

impl LineEditor {
    /// An editor that takes lines of up to `limit` characters (a reason, a note).
    pub fn with_limit(limit: usize) -> LineEditor {
        LineEditor { line: Zeroizing::new(String::new()), limit }
    }

    /// Applies `key`; `secret` echoes `*` for each character (the kiosk PIN).
    pub fn key(&mut self, key: Edit, secret: bool) -> Edited {
        let mut echo = String::new();
        let mut line = None;
        match key {
            Edit::Char(c) if !c.is_control() && self.line.chars().count() < self.limit => {
                self.line.push(c);
                echo.push(if secret { '*' } else { c });
            }
            Edit::Char(_) => {}
            // Backspace, space, backspace: what a terminal in line mode echoes (no escape).
            Edit::Backspace => {
                if self.line.pop().is_some() {
                    echo.push_str("\u{8} \u{8}");
                }
            }
            Edit::Enter => {
                echo.push_str("\r\n");
                line = Some(std::mem::take(&mut self.line));
            }
        }
        Edited { echo, line }
    }

    pub fn is_empty(&self) -> bool {
        self.line.is_empty()
    }

    /// Forgets the line (the client left, or the screen changed under it).
    pub fn clear(&mut self) {
        self.line = Zeroizing::new(String::new());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_with_cr_lf_and_nothing_else_is_added() {
        let mut out = Vec::new();
        let written = say(&mut out, &["Welcome".into(), "1: English".into()]).unwrap();
        assert_eq!(out, b"Welcome\r\n1: English\r\n");
        assert_eq!(written, out.len());
    }

    #[test]
    fn the_wipe_is_blank_lines_and_one_scrollback_erase_except_on_a_dumb_terminal() {
        let mut out = Vec::new();
        wipe(&mut out, 3, false).unwrap();
        assert_eq!(out, b"\r\n\r\n\r\n\x1b[3J");
        let mut dumb = Vec::new();
        wipe(&mut dumb, 3, true).unwrap();
        assert_eq!(dumb, b"\r\n\r\n\r\n", "no escape at all for TERM=dumb");
    }

    #[test]
    fn typing_echoes_like_a_line_mode_terminal_and_a_pin_as_stars() {
        let mut editor = LineEditor::default();
        assert_eq!(editor.key(Edit::Char('1'), false).echo, "1");
        assert_eq!(editor.key(Edit::Char('2'), false).echo, "2");
        assert_eq!(editor.key(Edit::Backspace, false).echo, "\u{8} \u{8}");
        let done = editor.key(Edit::Enter, false);
        assert_eq!(done.echo, "\r\n");
        assert_eq!(done.line.as_deref().map(String::as_str), Some("1"));
        assert!(editor.is_empty());
        assert_eq!(editor.key(Edit::Backspace, false).echo, "", "nothing to erase");
        assert_eq!(editor.key(Edit::Char('4'), true).echo, "*");
        assert_eq!(editor.key(Edit::Char('\u{1b}'), false).echo, "", "no control character is echoed");
    }
}
