//! The kiosk's imperative shell: the terminal in raw mode on the alternate screen, the clock,
//! the effects against the owner, and the ways out — only an accepted PIN or SIGTERM/SIGHUP from
//! the system. SIGINT, SIGQUIT and SIGTSTP are ignored (raw mode already turns Ctrl-C, Ctrl-\ and
//! Ctrl-Z into keys, which lead nowhere). Every way out clears the screen and the scrollback.

use std::io::{self, IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste, Event};
use ratatui::crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::crossterm::{cursor, execute, queue};

use super::app::{Action, Deps, Effect, Kiosk, update};
use super::backend::KioskBackend;
use super::keys::kiosk_key;
use super::view::{KioskView, draw};
use crate::ui::theme::Theme;

/// How long to wait for a key before the clock ticks.
const TICK: Duration = Duration::from_millis(250);

/// What performing an effect asks of the shell.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    Reply(Action),
    Clear,
    Exit,
}

/// Performs one effect against the owner.
pub fn perform(effect: Effect, backend: &mut dyn KioskBackend) -> Outcome {
    match effect {
        Effect::Connect => Outcome::Reply(Action::Connected(backend.connect())),
        Effect::Redeem(code) => Outcome::Reply(Action::Redeemed(backend.redeem(&code))),
        Effect::Submit { id, sealed, critical, checkin, progress } => {
            let result = backend.submit(id, &sealed, critical, checkin, progress);
            Outcome::Reply(Action::Submitted { id, seq: progress.seq, result })
        }
        Effect::VerifyPin(typed) => Outcome::Reply(Action::PinChecked(backend.verify_pin(&typed.secret()))),
        Effect::ClearTerminal => Outcome::Clear,
        Effect::Exit => Outcome::Exit,
    }
}

/// Runs `action` and every effect it causes; returns (clear the terminal, exit).
pub fn dispatch(kiosk: &mut Kiosk, action: Action, deps: &Deps, backend: &mut dyn KioskBackend) -> (bool, bool) {
    let mut clear = false;
    let mut exit = false;
    let mut queue = vec![action];
    while let Some(action) = queue.pop() {
        for effect in update(kiosk, action, deps) {
            match perform(effect, backend) {
                Outcome::Reply(reply) => queue.push(reply),
                Outcome::Clear => clear = true,
                Outcome::Exit => exit = true,
            }
        }
    }
    (clear, exit)
}

/// Milliseconds since the epoch.
pub fn now_ms() -> i64 {
    crate::store::now_ms()
}

/// Clears the alternate screen and its scrollback, then the main screen and its scrollback
/// (`ESC[2J`, `ESC[3J` on both), so nothing of a client stays in the terminal's history.
pub fn wipe_terminal<W: Write>(out: &mut W) -> io::Result<()> {
    queue!(
        out,
        Clear(ClearType::All),
        Clear(ClearType::Purge),
        LeaveAlternateScreen,
        Clear(ClearType::All),
        Clear(ClearType::Purge),
        cursor::MoveTo(0, 0),
        EnterAlternateScreen,
        Clear(ClearType::All),
        Clear(ClearType::Purge),
    )?;
    out.flush()
}

fn restore_terminal() {
    let mut out = io::stdout();
    let _ = execute!(
        out,
        DisableBracketedPaste,
        Clear(ClearType::All),
        Clear(ClearType::Purge),
        LeaveAlternateScreen,
        Clear(ClearType::All),
        Clear(ClearType::Purge),
        cursor::MoveTo(0, 0),
        cursor::Show,
    );
    let _ = disable_raw_mode();
}

/// The kiosk's signals: SIGTERM and SIGHUP set the flag returned (the kiosk stops), SIGINT,
/// SIGQUIT and SIGTSTP are ignored. Shared with the plain, line-by-line kiosk.
pub fn lockdown_signals() -> io::Result<Arc<AtomicBool>> {
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(signal, Arc::clone(&stop))?;
    }
    // Replacing the default action with a flag nobody reads ignores these signals.
    let ignored = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGQUIT, signal_hook::consts::SIGTSTP] {
        signal_hook::flag::register(signal, Arc::clone(&ignored))?;
    }
    Ok(stop)
}

/// Runs the kiosk until the PIN is accepted or the system signals it to stop.
pub fn run(mut kiosk: Kiosk, backend: &mut dyn KioskBackend, deps: &Deps, theme: &Theme) -> io::Result<()> {
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        return Err(io::Error::other("the kiosk needs a terminal (run it in a console or `ssh -t`)"));
    }
    let stop = lockdown_signals()?;
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |_| {
        // No panic details: they could quote what was on screen.
        restore_terminal();
        let _ = writeln!(io::stderr(), "triage kiosk: stopped after an internal error");
    }));
    enable_raw_mode()?;
    let mut stdout = io::stdout();
    let setup =
        execute!(stdout, EnterAlternateScreen, EnableBracketedPaste, Clear(ClearType::All), Clear(ClearType::Purge));
    let result = setup.and_then(|()| {
        // Never `Terminal::clear`: ratatui 0.30 asks the terminal for the cursor position there,
        // and a console or link that does not answer within two seconds would stop the kiosk.
        let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        let finished = Arc::new(AtomicBool::new(false));
        crate::shell::terminal::watchdog(Arc::clone(&stop), Arc::clone(&finished));
        let result = event_loop(&mut terminal, &mut kiosk, backend, deps, theme, &stop);
        finished.store(true, Ordering::Relaxed);
        result
    });
    drop(kiosk);
    restore_terminal();
    std::panic::set_hook(previous_hook);
    result
}

fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<io::Stdout>>,
    kiosk: &mut Kiosk,
    backend: &mut dyn KioskBackend,
    deps: &Deps,
    theme: &Theme,
    stop: &AtomicBool,
) -> io::Result<()> {
    let view = KioskView { library: deps.library, theme };
    let size = terminal.size()?;
    kiosk.size = (size.width, size.height);
    let mut clear = false;
    let mut exit = false;
    for effect in kiosk.start() {
        if let Outcome::Reply(reply) = perform(effect, backend) {
            let (c, e) = dispatch(kiosk, reply, deps, backend);
            clear |= c;
            exit |= e;
        }
    }
    loop {
        if stop.load(Ordering::Relaxed) || exit {
            return Ok(());
        }
        // A terminal that went away (SSH dropped without a SIGHUP reaching us): leave.
        if !io::stdin().is_terminal() {
            return Ok(());
        }
        let (c, e) = dispatch(kiosk, Action::Tick(now_ms()), deps, backend);
        clear |= c;
        exit |= e;
        if clear {
            wipe_terminal(terminal.backend_mut())?;
            // The screen is blank now: a new terminal's empty buffers redraw every cell next.
            *terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
            clear = false;
        }
        if exit {
            return Ok(());
        }
        terminal.draw(|frame| draw(frame, kiosk, &view))?;
        if !event::poll(TICK)? {
            continue;
        }
        // Everything that has arrived, drawn once after: a paste typed as keys (no bracketed
        // paste over some SSH clients) costs one frame, not one per key, and a quick exit behind
        // it is handled at once (`batch_order`).
        let mut actions = Vec::new();
        loop {
            let action = match event::read()? {
                Event::Key(key) => kiosk_key(key).map(Action::Key),
                Event::Paste(text) => Some(Action::Paste(text)),
                Event::Resize(width, height) => {
                    terminal.autoresize()?;
                    Some(Action::Resize(width, height))
                }
                _ => None,
            };
            actions.extend(action);
            if actions.len() >= super::keys::INPUT_BATCH || !event::poll(Duration::ZERO)? {
                break;
            }
        }
        for action in super::keys::batch_order(actions) {
            kiosk.now_ms = now_ms();
            let (c, e) = dispatch(kiosk, action, deps, backend);
            clear |= c;
            exit |= e;
            if exit {
                break;
            }
        }
    }
}
