//! The requests answered before sign-in: the owner's status, setting up the store, signing in
//! (with a password or the recovery key), opening a kiosk session.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::requests::{Answer, Unanswered};
use super::{Session, Shared, end_session, init_refusal, peer_origin, test_kdf_allowed, wire};
use crate::auth::{self, Actor};
use crate::server::{OwnerStatus, PROTOCOL_VERSION, Password, Reply, Request, WireError};
use crate::store::Store;

/// Answers a request that needs no signed-in session; passes any other on.
pub(super) fn answer(shared: &Arc<Shared>, session: &mut Session, request: Request) -> Answer {
    let store = &shared.store;
    match request {
        Request::Ping => Ok(Reply::Pong),
        Request::Status => Ok(Reply::Status(OwnerStatus {
            owner_pid: std::process::id(),
            data_dir: shared.dir.clone(),
            protocol: PROTOCOL_VERSION,
            version: env!("CARGO_PKG_VERSION").into(),
            clients: shared.connections.load(Ordering::SeqCst),
            store: store.status().map_err(wire)?,
        })),
        Request::Init { request, password } => {
            let owner_uid = rustix::process::geteuid().as_raw();
            if let Some(refused) =
                init_refusal(session.peer_uid, owner_uid, request.insecure_test_kdf, test_kdf_allowed())
            {
                // The refusal stands even if it cannot be audited (a store not yet set up).
                let _ = store.record_event(&Actor::system("owner"), "store.init_refused");
                return Err(refused.into());
            }
            let origin = session.actor.as_ref().map(|a| a.origin().to_string()).unwrap_or_else(|| "local".into());
            let recovery = store.initialize(&request, &password.0, &origin).map_err(wire)?;
            let shown = recovery.display_secret();
            Ok(Reply::RecoveryKey(Password::from(shown.as_str())))
        }
        Request::KioskSession { device, origin } => {
            end_session(shared, session);
            let device: String = crate::sanitize::terminal_text(&device, false)
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                .take(32)
                .collect();
            let actor =
                Actor::new(format!("kiosk:{device}"), auth::Role::Kiosk, peer_origin(session.peer_uid, &origin));
            store.record_event(&actor, "kiosk.session").map_err(wire)?;
            let info = store.kiosk_info(&actor).map_err(wire)?;
            session.kiosk = true;
            session.actor = Some(actor);
            Ok(Reply::KioskInfo(info))
        }
        // A store that must be opened again cannot audit a sign-in, so its own Unix user may
        // stop it without one (the owner exits after such a failure anyway).
        Request::Stop if store.must_reopen() && session.peer_uid == rustix::process::geteuid().as_raw() => {
            Ok(Reply::Done)
        }
        Request::Lock => {
            let actor = session.actor.clone().ok_or_else(not_logged_in)?;
            store.record_event(&actor, "session.locked").map_err(wire)?;
            session.locked_by = Some(actor);
            Ok(Reply::Done)
        }
        Request::Logout => {
            if let Some(actor) = session.locked_by.take().or_else(|| session.actor.clone()) {
                store.record_event(&actor, "logout").map_err(wire)?;
            }
            end_session(shared, session);
            Ok(Reply::Done)
        }
        // A locked session opens only for who locked it: not another name, not the recovery key.
        Request::Login { user, .. }
            if session.locked_by.as_ref().is_some_and(|locked| locked.user() != user.as_str()) =>
        {
            Err(other_user_refused(store, session))
        }
        Request::Recover { .. } if session.locked_by.is_some() => Err(other_user_refused(store, session)),
        Request::Login { user, password, origin } => {
            end_session(shared, session);
            let actor = store.login(&user, &password.0, &peer_origin(session.peer_uid, &origin)).map_err(wire)?;
            let password_reset = store.check_session(&actor).map_err(wire)?;
            if actor.role().holds_keyslot() {
                session.staff = true;
                shared.staff_sessions.fetch_add(1, Ordering::SeqCst);
            }
            let reply = Reply::LoggedIn { user: actor.user().to_string(), role: actor.role(), password_reset };
            session.actor = Some(actor);
            session.locked_by = None;
            Ok(reply)
        }
        Request::Recover { recovery_key, user, new_password, origin } => {
            use secrecy::ExposeSecret;
            let key = crate::store::RecoveryKey::parse(recovery_key.0.expose_secret()).ok_or(WireError {
                code: "invalid".into(),
                message: "invalid recovery key: expected 64 hex digits (dashes allowed)".into(),
            })?;
            end_session(shared, session);
            let actor =
                store.recover(&key, &user, &new_password.0, &peer_origin(session.peer_uid, &origin)).map_err(wire)?;
            if actor.role().holds_keyslot() {
                session.staff = true;
                shared.staff_sessions.fetch_add(1, Ordering::SeqCst);
            }
            let reply = Reply::LoggedIn { user: actor.user().to_string(), role: actor.role(), password_reset: None };
            session.actor = Some(actor);
            Ok(reply)
        }
        other => Err(Unanswered::NotHere(Box::new(other))),
    }
}

/// The refusal of a sign-in as someone else on a locked session, audited as its locking user.
fn other_user_refused(store: &crate::store::SledStore, session: &Session) -> Unanswered {
    let Some(locked) = &session.locked_by else { return not_logged_in() };
    if let Err(unaudited) = store.record_event(locked, "denied.unlock_as_other_user") {
        return Unanswered::Refused(wire(unaudited));
    }
    let name = locked.user();
    Unanswered::Refused(WireError {
        code: "unlock_other_user".into(),
        message: format!(
            "this session is locked by {name}: only {name} can unlock it; to sign in as someone else, end it first (switch user)"
        ),
    })
}

fn not_logged_in() -> Unanswered {
    Unanswered::Refused(WireError { code: "not_logged_in".into(), message: "log in first (`--user NAME`)".into() })
}
