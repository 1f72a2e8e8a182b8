//! The staff interface's plain shell (`triage --plain`, `TRIAGE_PLAIN=1`, `TERM=dumb`): the
//! same state, updates, effects, worker thread and owner as the full-screen interface
//! (`tui::shell`), but the terminal in raw mode on the main screen and text written line after
//! line by [`Speaker`]. Typed lines become the interface's actions ([`command`]); control keys
//! (quit, lock, language, queue) act at once, as they do full-screen. Nothing is written while
//! nobody types, except what the owner pushes (an alert) and the idle lock.

use std::collections::VecDeque;
use std::io::{self, IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::crossterm::terminal::size;
use zeroize::Zeroizing;

use super::page::Command;
use super::speech::plain;
use super::staff::{Speaker, command, help, secret};
use super::term::{Edit, LineEditor, enter_raw, leave_raw, say, wipe};
use crate::instrument::Library;
use crate::intake::care::Care;
use crate::tui::app::{Action, App, Deps};
use crate::tui::backend::Backend;
use crate::tui::keymap::{KeyContext, action_for};
use crate::tui::shell::{Options, now_ms, today};
use crate::tui::waiting;
use crate::tui::worker::{Reply, Worker};
use crate::ui::strings::Text;

/// How long to wait for a key before the clock ticks.
const TICK: Duration = Duration::from_millis(250);
/// The longest line taken: a reason or a note (the interface keeps 500 characters of either).
const LONGEST_LINE: usize = 600;

/// Runs the plain staff interface until the user quits or the terminal goes away. `dumb`: the
/// terminal is `TERM=dumb`, so not even the scrollback wipe is sent.
pub fn run(
    backend: &mut (dyn Backend + Send),
    library: &Library,
    care: &Care,
    options: Options,
    dumb: bool,
) -> io::Result<()> {
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        return Err(io::Error::other("the staff interface needs a terminal (run it in a console or `ssh -t`)"));
    }
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGHUP, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop))?;
    }
    let previous_hook = enter_raw("triage")?;
    let finished = Arc::new(AtomicBool::new(false));
    crate::shell::terminal::watchdog(Arc::clone(&stop), Arc::clone(&finished));
    let mut app = App::new(options.lang, now_ms());
    app.idle_lock_override_ms = options.idle_lock_seconds.map(|s| i64::from(s) * 1000);
    app.machine_zone.clone_from(&options.machine_zone);
    let today = today();
    let deps = Deps { library, care, today: &today };
    let mut shell = Plain {
        out: io::stdout(),
        speaker: Speaker::default(),
        editor: LineEditor::with_limit(LONGEST_LINE),
        pending: VecDeque::new(),
        typed: VecDeque::new(),
        said_signed_in: false,
        dumb,
    };
    let result = std::thread::scope(|scope| {
        let worker = Worker::start(scope, backend);
        shell.event_loop(&mut app, deps, &worker, &stop)
    });
    // What was said about clients does not stay on the terminal.
    let _ = shell.wipe();
    finished.store(true, Ordering::Relaxed);
    leave_raw(previous_hook);
    result
}

struct Plain {
    out: io::Stdout,
    speaker: Speaker,
    editor: LineEditor,
    /// Actions from typed lines, applied one after another once the owner has answered the
    /// effects of the one before (so each means what it means on the screen it lands on).
    pending: VecDeque<Action>,
    /// Lines typed while the owner was still answering, read once it has.
    typed: VecDeque<Zeroizing<String>>,
    /// Something was said while signed in and unlocked, since the last wipe.
    said_signed_in: bool,
    dumb: bool,
}

impl Plain {
    fn event_loop(&mut self, app: &mut App, deps: Deps, worker: &Worker, stop: &AtomicBool) -> io::Result<()> {
        say(&mut self.out, &[plain(Text::PlainStaffWelcome.get(app.lang)), plain(Text::PlainStaffKeys.get(app.lang))])?;
        let effects = app.start();
        waiting::sent(app, &effects, now_ms());
        worker.send(effects);
        let mut last_tick = Instant::now();
        while !app.quit && !stop.load(Ordering::Relaxed) {
            // A terminal that went away (SSH dropped without a SIGHUP reaching us): leave.
            if !io::stdin().is_terminal() {
                break;
            }
            for reply in worker.replies() {
                let effects = match reply {
                    Reply::Done(reply) => waiting::replied(app, reply, deps, now_ms()),
                    Reply::Background(action) => waiting::apply(app, action, deps, now_ms()),
                };
                worker.send(effects);
            }
            while !app.waiting.busy() && !app.quit {
                if let Some(action) = self.pending.pop_front() {
                    worker.send(waiting::apply(app, action, deps, now_ms()));
                } else if let Some(line) = self.typed.pop_front() {
                    self.speak(app, deps)?;
                    self.line(app, deps, &line)?;
                } else {
                    break;
                }
            }
            if last_tick.elapsed() >= TICK {
                last_tick = Instant::now();
                worker.send(waiting::tick(app, deps, now_ms()));
            }
            self.speak(app, deps)?;
            if !event::poll(if app.waiting.busy() { Duration::from_millis(20) } else { TICK })? {
                continue;
            }
            if let Event::Key(key) = event::read()?
                && key.kind != KeyEventKind::Release
            {
                app.last_activity_ms = now_ms();
                self.key(app, key)?;
            }
        }
        Ok(())
    }

    /// Says what is new; the lock coming down (or a session ending) wipes what was said first.
    fn speak(&mut self, app: &App, deps: Deps) -> io::Result<()> {
        let hidden = app.locked.is_some() || app.session.is_none();
        if hidden && self.said_signed_in {
            self.wipe()?;
        }
        let lines = self.speaker.update(app, deps);
        if !lines.is_empty() {
            self.said_signed_in |= !hidden;
            if !self.editor.is_empty() {
                // A line being typed is cut by the news; it is kept, and shown again after it.
                self.out.write_all(b"\r\n")?;
            }
            say(&mut self.out, &lines)?;
        }
        Ok(())
    }

    fn wipe(&mut self) -> io::Result<()> {
        self.speaker.forget();
        self.said_signed_in = false;
        let rows = size().map(|(_, rows)| rows).unwrap_or(24);
        wipe(&mut self.out, rows, self.dumb)
    }

    fn echo(&mut self, text: &str) -> io::Result<()> {
        if !text.is_empty() {
            self.out.write_all(text.as_bytes())?;
            self.out.flush()?;
        }
        Ok(())
    }

    /// One key: a control key acts at once, as full-screen; any other is typed into the line
    /// (a password without echo), and Enter hands the line to [`command`].
    fn key(&mut self, app: &mut App, key: KeyEvent) -> io::Result<()> {
        if key.modifiers.contains(KeyModifiers::CONTROL) {
            if let Some(action) = action_for(KeyContext::Menu, key) {
                self.editor.clear();
                self.echo("\r\n")?;
                self.pending.push_back(action);
            }
            return Ok(());
        }
        let edit = match key.code {
            KeyCode::Char(c) => Edit::Char(c),
            KeyCode::Backspace => Edit::Backspace,
            KeyCode::Enter => Edit::Enter,
            _ => return Ok(()),
        };
        let hidden = secret(app);
        let edited = self.editor.key(edit, hidden);
        match (&edited.line, hidden) {
            (Some(_), true) => self.echo("\r\n")?,
            (None, true) => {}
            (_, false) => self.echo(&edited.echo)?,
        }
        if let Some(line) = edited.line {
            self.typed.push_back(line);
        }
        Ok(())
    }

    /// A typed line, read on the screen in front.
    fn line(&mut self, app: &App, deps: Deps, line: &str) -> io::Result<()> {
        match command(app, deps, line) {
            Command::Keys(keys) => self.pending.extend(keys),
            Command::Repeat => {
                let lines = self.speaker.repeat(app, deps);
                say(&mut self.out, &lines)?;
            }
            Command::Help => {
                say(&mut self.out, &help(app, deps))?;
            }
            Command::Refused(text) => {
                say(&mut self.out, &[text])?;
            }
        }
        Ok(())
    }
}
