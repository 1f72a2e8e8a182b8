//! The one thread that owns the backend: it performs the effects the shell hands it, in the order
//! given, and sends each reply back over a channel the shell drains on every turn of its loop, so
//! the screen is drawn (and keys are read) while the owner works. Between effects it passes on the
//! owner's pushed notices, and an administration task's progress as it comes. What each effect
//! does stays in `shell::perform`: a new effect needs nothing here.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use super::admin_ops::AdminMsg;
use super::app::{Action, Effect};
use super::backend::Backend;

/// How often the pushed notices are looked at while no effect arrives.
const NOTICE_POLL: Duration = Duration::from_millis(250);

/// What the worker sends back.
#[derive(Debug)]
pub enum Reply {
    /// One effect done, with its reply if it has one.
    Done(Option<Action>),
    /// Not a reply: a notice, or a task's progress (no effect finished).
    Background(Action),
}

/// What the worker thread works with: the backend (a test gives a fake one).
pub trait Performer {
    /// Performs `effect`; `progress` takes what it reports before its reply.
    fn perform(&mut self, effect: Effect, progress: &mut dyn FnMut(Action)) -> Option<Action>;
    /// The owner's pushed notices since the last call.
    fn notices(&mut self) -> Vec<Action>;
}

impl Performer for &mut (dyn Backend + Send) {
    fn perform(&mut self, effect: Effect, progress: &mut dyn FnMut(Action)) -> Option<Action> {
        match effect {
            Effect::Admin(job) => {
                let mut tell = |done: u64| progress(Action::Admin(AdminMsg::Progress(done)));
                let result = super::admin_io::perform(job, *self, &mut tell);
                Some(Action::Admin(AdminMsg::Done(result)))
            }
            other => super::shell::perform(other, *self),
        }
    }

    fn notices(&mut self) -> Vec<Action> {
        Backend::notices(*self).into_iter().map(Action::Notice).collect()
    }
}

/// The shell's end of the worker.
pub struct Worker {
    effects: Sender<Effect>,
    replies: Receiver<Reply>,
}

impl Worker {
    /// Starts the worker in `scope` (it ends when the `Worker` is dropped and the effects handed
    /// to it are done).
    pub fn start<'scope, P: Performer + Send + 'scope>(
        scope: &'scope std::thread::Scope<'scope, '_>,
        mut performer: P,
    ) -> Worker {
        let (effects, inbox) = mpsc::channel::<Effect>();
        let (outbox, replies) = mpsc::channel();
        scope.spawn(move || {
            loop {
                match inbox.recv_timeout(NOTICE_POLL) {
                    Ok(effect) => {
                        let mut progress = |action| {
                            let _ = outbox.send(Reply::Background(action));
                        };
                        let reply = performer.perform(effect, &mut progress);
                        if outbox.send(Reply::Done(reply)).is_err() {
                            break;
                        }
                    }
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => break,
                }
                for notice in performer.notices() {
                    let _ = outbox.send(Reply::Background(notice));
                }
            }
        });
        Worker { effects, replies }
    }

    /// Hands `effects` to the worker, in order. A worker that has gone (it cannot, short of a
    /// panic in an effect) leaves them unanswered.
    pub fn send(&self, effects: Vec<Effect>) {
        for effect in effects {
            let _ = self.effects.send(effect);
        }
    }

    /// The replies that have come in, without waiting.
    pub fn replies(&self) -> Vec<Reply> {
        self.replies.try_iter().collect()
    }

    /// The next reply, waiting at most `timeout` (tests wait for one this way).
    pub fn next(&self, timeout: Duration) -> Option<Reply> {
        self.replies.recv_timeout(timeout).ok()
    }
}
