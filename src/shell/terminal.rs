//! The terminal both interfaces run in, seen from outside their event loops.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// When the terminal goes away (SSH dropped, window closed), crossterm's poll can spin inside
/// itself and never return to the loop. The watchdog notices the hang-up (the SIGHUP/SIGTERM flag
/// or a terminal that is no longer one), gives the loop a moment to leave by itself, then ends
/// the process. Every answer shown as saved was flushed by the owner, so nothing is lost; there is
/// no terminal left to restore. The staff interface and the kiosk run the same watchdog (the
/// kiosk's client has gone with the terminal, and its answers go with the process's memory).
pub fn watchdog(stop: Arc<AtomicBool>, finished: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        let mut since: Option<Instant> = None;
        loop {
            std::thread::sleep(Duration::from_millis(250));
            if finished.load(Ordering::Relaxed) {
                return;
            }
            let gone = stop.load(Ordering::Relaxed) || !std::io::stdin().is_terminal();
            match (gone, since) {
                (false, _) => since = None,
                (true, None) => since = Some(Instant::now()),
                (true, Some(at)) if at.elapsed() >= Duration::from_millis(1500) => std::process::exit(0),
                (true, Some(_)) => {}
            }
        }
    });
}
