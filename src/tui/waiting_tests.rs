use std::sync::mpsc;
use std::time::Duration;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::tui::app::Screen;
use crate::tui::view::test_support::{care, library, render};
use crate::tui::worker::{Performer, Reply, Worker};

const TODAY: &str = "2026-11-25";

fn deps() -> Deps<'static> {
    Deps { library: library(), care: care(), today: TODAY }
}

fn press(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

fn enter() -> KeyEvent {
    KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)
}

/// A slow owner: signing in waits until the test lets it answer; the queue is empty.
struct SlowOwner {
    release: mpsc::Receiver<()>,
    performed: mpsc::Sender<String>,
}

impl Performer for SlowOwner {
    fn perform(&mut self, effect: Effect, _progress: &mut dyn FnMut(Action)) -> Option<Action> {
        let signed_in = crate::tui::demo::signed_in(Lang::En);
        let _ = self.performed.send(format!("{effect:?}").chars().take_while(|c| c.is_alphanumeric()).collect());
        match effect {
            Effect::Login { .. } => {
                let _ = self.release.recv();
                signed_in.session.map(|session| Action::LoggedIn(Ok(session)))
            }
            Effect::LoadHome => signed_in.org.map(|org| Action::HomeLoaded(Ok((org, Vec::new())))),
            _ => None,
        }
    }

    fn notices(&mut self) -> Vec<Action> {
        Vec::new()
    }
}

/// The next effect's reply from the worker (skipping notices), fed to the app.
fn next_reply(app: &mut App, worker: &Worker, now: i64) -> Vec<Effect> {
    loop {
        match worker.next(Duration::from_secs(30)) {
            Some(Reply::Done(reply)) => return replied(app, reply, deps(), now),
            Some(Reply::Background(action)) => {
                apply(app, action, deps(), now);
            }
            None => panic!("the worker did not answer"),
        }
    }
}

#[test]
fn keys_typed_while_signing_in_are_kept_and_applied_in_order_after_the_reply() {
    let mut app = App::new(Lang::En, 0);
    apply(&mut app, Action::SetupChecked(Ok(false)), deps(), 0);
    for c in "amira".chars() {
        assert!(key(&mut app, press(c), deps(), 0).is_empty());
    }
    apply(&mut app, Action::NextField, deps(), 0);
    for c in "pw".chars() {
        key(&mut app, press(c), deps(), 0);
    }
    let (release, released) = mpsc::channel();
    let (performed, seen) = mpsc::channel();
    std::thread::scope(|scope| {
        let worker = Worker::start(scope, SlowOwner { release: released, performed });
        let effects = key(&mut app, enter(), deps(), 1000);
        assert!(matches!(effects[..], [Effect::Login { .. }]));
        worker.send(effects);
        assert_eq!(seen.recv_timeout(Duration::from_secs(30)).ok().as_deref(), Some("Login"));
        // Signing in: the screen says so, and what is typed now is kept, not applied.
        assert!(app.waiting.busy());
        assert!(render(&app, 80, 24).contains("Signing in…"));
        for c in ['n', 'A', 'b'] {
            assert!(key(&mut app, press(c), deps(), 1200).is_empty());
        }
        assert_eq!(app.waiting.typed.len(), 3);
        assert!(matches!(app.screen, Screen::Login(_)), "nothing applied yet");
        // No reply after two seconds: the owner is slow, and the spinner has moved.
        let frame = app.waiting.frame;
        tick(&mut app, deps(), 1000 + SLOW_MS);
        assert!(app.waiting.slow && app.waiting.frame != frame);
        assert!(render(&app, 80, 24).contains("Signing in… The owner is slow to answer…"));
        // The reply: the queue is loaded (still waiting, the keys still kept)...
        let _ = release.send(());
        let effects = next_reply(&mut app, &worker, 3500);
        assert_eq!(effects, vec![Effect::LoadHome]);
        assert!(!app.waiting.slow, "a reply came");
        worker.send(effects);
        assert_eq!(app.waiting.typed.len(), 3);
        // ...then the keys, in order, on the screen the replies led to: a new intake, "Ab".
        let effects = next_reply(&mut app, &worker, 3600);
        assert!(effects.is_empty(), "{effects:?}");
        let Screen::ClientForm(form) = &app.screen else { panic!("not the client form: {:?}", app.screen) };
        assert_eq!(form.value(0), "Ab");
        assert_eq!(app.waiting, Waiting::default());
        assert!(!render(&app, 80, 24).contains('…'));
    });
}

#[test]
fn a_key_that_starts_a_save_holds_the_keys_after_it_until_its_reply() {
    let mut app = crate::tui::demo::editing_client(Lang::En);
    app.waiting.in_flight = 1;
    app.waiting.wait = Wait::Quiet;
    for k in [enter(), press('x')] {
        key(&mut app, k, deps(), 0);
    }
    // The first reply lets Enter through: it saves the client, and 'x' waits for that save.
    let effects = replied(&mut app, None, deps(), 10);
    assert!(matches!(effects[..], [Effect::UpdateClient(_)]), "{effects:?}");
    assert_eq!(app.waiting.typed, vec![press('x')]);
    assert_eq!(app.waiting.wait, Wait::Saving);
    insta::assert_snapshot!("client_saving_80x24", render(&app, 80, 24));
}

#[test]
fn loads_wait_quietly_until_the_owner_is_slow() {
    assert_eq!(wait_of(&Effect::LoadHome), Wait::Quiet);
    assert_eq!(wait_of(&Effect::SearchClients("a".into())), Wait::Quiet);
    let mut app = crate::tui::demo::signed_in(Lang::Fr);
    sent(&mut app, &[Effect::LoadHome], 0);
    assert_eq!(app.waiting.line(Lang::Fr), None);
    tick(&mut app, deps(), SLOW_MS);
    assert_eq!(app.waiting.line(Lang::Fr).as_deref(), Some("⠋ Le propriétaire tarde à répondre…"));
    // The idle lock waits for the reply.
    app.idle_lock_ms = 1;
    tick(&mut app, deps(), 10 * SLOW_MS);
    assert!(app.locked.is_none());
    replied(&mut app, None, deps(), 10 * SLOW_MS);
    tick(&mut app, deps(), 11 * SLOW_MS);
    assert!(app.locked.is_some());
}
