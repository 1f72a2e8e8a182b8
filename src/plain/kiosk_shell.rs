//! The plain kiosk's shell: the same kiosk state, keys, effects and owner as the full-screen
//! kiosk ([`crate::kiosk::shell::dispatch`]), the same signals and watchdog, but the terminal in
//! raw mode on the main screen (no alternate screen, no bracketed paste) and text written line
//! after line by [`Speaker`]. Nothing is written while nobody types, except the idle warning.

use std::io::{self, IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ratatui::crossterm::event::{self, Event};
use ratatui::crossterm::terminal::size;

use super::kiosk::{Command, Speaker, command, help};
use super::term::{Edit, LineEditor, enter_raw, leave_raw, say, wipe};
use crate::kiosk::app::{Action, Deps, Kiosk, KioskKey, Screen};
use crate::kiosk::backend::KioskBackend;
use crate::kiosk::keys::kiosk_key;
use crate::kiosk::shell::{Outcome, dispatch, lockdown_signals, now_ms, perform};

/// How long to wait for a key before the clock ticks.
const TICK: Duration = Duration::from_millis(250);

/// Runs the plain kiosk until the PIN is accepted or the system signals it to stop. `dumb`: the
/// terminal is `TERM=dumb`, so not even the scrollback wipe is sent.
pub fn run(mut kiosk: Kiosk, backend: &mut dyn KioskBackend, deps: &Deps, dumb: bool) -> io::Result<()> {
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        return Err(io::Error::other("the kiosk needs a terminal (run it in a console or `ssh -t`)"));
    }
    let stop = lockdown_signals()?;
    let previous_hook = enter_raw("triage kiosk")?;
    let finished = Arc::new(AtomicBool::new(false));
    crate::shell::terminal::watchdog(Arc::clone(&stop), Arc::clone(&finished));
    let mut shell = Plain { out: io::stdout(), speaker: Speaker::default(), editor: LineEditor::default(), dumb };
    let result = shell.event_loop(&mut kiosk, backend, deps, &stop);
    finished.store(true, Ordering::Relaxed);
    drop(kiosk);
    leave_raw(previous_hook);
    result
}

struct Plain {
    out: io::Stdout,
    speaker: Speaker,
    editor: LineEditor,
    dumb: bool,
}

impl Plain {
    fn event_loop(
        &mut self,
        kiosk: &mut Kiosk,
        backend: &mut dyn KioskBackend,
        deps: &Deps,
        stop: &AtomicBool,
    ) -> io::Result<()> {
        for effect in kiosk.start() {
            if let Outcome::Reply(reply) = perform(effect, backend)
                && self.run(kiosk, reply, deps, backend)?
            {
                return Ok(());
            }
        }
        self.speak(kiosk, deps)?;
        loop {
            if stop.load(Ordering::Relaxed) {
                return self.wipe();
            }
            // A terminal that went away (SSH dropped without a SIGHUP reaching us): leave.
            if !io::stdin().is_terminal() {
                return Ok(());
            }
            if self.run(kiosk, Action::Tick(now_ms()), deps, backend)? {
                return Ok(());
            }
            if !event::poll(TICK)? {
                continue;
            }
            let exit = match event::read()? {
                Event::Key(key) => match kiosk_key(key) {
                    Some(key) => self.key(kiosk, key, deps, backend)?,
                    None => false,
                },
                Event::Resize(width, height) => self.run(kiosk, Action::Resize(width, height), deps, backend)?,
                _ => false,
            };
            if exit {
                return Ok(());
            }
        }
    }

    /// Runs `action` and its effects, wipes the terminal when the kiosk asks, then says what is
    /// new. True when the kiosk is to close.
    fn run(
        &mut self,
        kiosk: &mut Kiosk,
        action: Action,
        deps: &Deps,
        backend: &mut dyn KioskBackend,
    ) -> io::Result<bool> {
        let (clear, exit) = dispatch(kiosk, action, deps, backend);
        if clear {
            self.wipe()?;
        }
        if exit {
            return Ok(true);
        }
        self.speak(kiosk, deps)?;
        Ok(false)
    }

    fn wipe(&mut self) -> io::Result<()> {
        self.speaker.forget();
        self.editor.clear();
        let rows = size().map(|(_, rows)| rows).unwrap_or(24);
        wipe(&mut self.out, rows, self.dumb)
    }

    fn speak(&mut self, kiosk: &Kiosk, deps: &Deps) -> io::Result<()> {
        let lines = self.speaker.update(kiosk, deps.library);
        if !lines.is_empty() {
            say(&mut self.out, &lines)?;
        }
        Ok(())
    }

    fn echo(&mut self, text: &str) -> io::Result<()> {
        if !text.is_empty() {
            self.out.write_all(text.as_bytes())?;
            self.out.flush()?;
        }
        Ok(())
    }

    /// One key: the quick exit and the staff PIN at once; on the quick exit's neutral page any key
    /// leaves; otherwise the key is typed into the line (and counts as presence), and Enter hands
    /// the line to [`command`].
    fn key(
        &mut self,
        kiosk: &mut Kiosk,
        key: KioskKey,
        deps: &Deps,
        backend: &mut dyn KioskBackend,
    ) -> io::Result<bool> {
        kiosk.now_ms = now_ms();
        if matches!(key, KioskKey::QuickExit | KioskKey::Admin) || kiosk.screen == Screen::Neutral {
            if !self.editor.is_empty() {
                self.echo("\r\n")?;
            }
            self.editor.clear();
            return self.run(kiosk, Action::Key(key), deps, backend);
        }
        let edit = match key {
            KioskKey::Digit(d) => Edit::Char(char::from(b'0' + d)),
            KioskKey::Char(c) => Edit::Char(c),
            KioskKey::Back => Edit::Backspace,
            KioskKey::Enter => Edit::Enter,
            KioskKey::Other | KioskKey::QuickExit | KioskKey::Admin => {
                // Presence only: it keeps the idle reset away and does nothing else.
                return self.run(kiosk, Action::Key(KioskKey::Other), deps, backend);
            }
        };
        let secret = matches!(kiosk.screen, Screen::Pin { .. });
        let edited = self.editor.key(edit, secret);
        self.echo(&edited.echo)?;
        let Some(line) = edited.line else {
            return self.run(kiosk, Action::Key(KioskKey::Other), deps, backend);
        };
        match command(kiosk, deps.library, &line) {
            Command::Keys(keys) => {
                if keys.is_empty() {
                    return self.run(kiosk, Action::Key(KioskKey::Other), deps, backend);
                }
                for key in keys {
                    if self.run(kiosk, Action::Key(key), deps, backend)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Command::Repeat => {
                let lines = self.speaker.repeat(kiosk, deps.library);
                say(&mut self.out, &lines)?;
                self.run(kiosk, Action::Key(KioskKey::Other), deps, backend)
            }
            Command::Help => {
                say(&mut self.out, &help(kiosk, deps.library))?;
                self.run(kiosk, Action::Key(KioskKey::Other), deps, backend)
            }
            Command::Refused(text) => {
                say(&mut self.out, &[text])?;
                self.run(kiosk, Action::Key(KioskKey::Other), deps, backend)
            }
        }
    }
}
