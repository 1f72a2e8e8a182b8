//! The owner's answer to one request: those that need no sign-in first (`session`), then the
//! account checks every other request passes, then the area that answers it (`accounts`,
//! `clinical`, `kiosk`, `admin`).

use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex};

use super::{Session, Shared, end_session, wire};
use super::{accounts, admin, clinical, kiosk, session};
use crate::auth::{self, Actor, Operation};
use crate::server::{Reply, Request, WireError};
use crate::store::StoreError;

/// What a signed-in request is answered with: the connection, its session and who it is.
pub(super) struct Context<'a> {
    pub(super) shared: &'a Arc<Shared>,
    pub(super) session: &'a mut Session,
    pub(super) connection: u64,
    pub(super) writer: &'a Arc<Mutex<UnixStream>>,
    pub(super) actor: Actor,
}

impl Context<'_> {
    /// Refuses (and audits the refusal) unless the actor's role may do `operation`.
    pub(super) fn require(&self, operation: Operation) -> Result<(), WireError> {
        if auth::allowed(self.actor.role(), operation) {
            return Ok(());
        }
        let _ = self.shared.store.record_event(&self.actor, &format!("denied.{}", operation.name()));
        Err(wire(StoreError::Denied { role: self.actor.role(), operation }))
    }
}

/// Why an area gave no reply: the owner refused the request, or it is another area's.
pub(super) enum Unanswered {
    Refused(WireError),
    NotHere(Box<Request>),
}

impl From<WireError> for Unanswered {
    fn from(error: WireError) -> Self {
        Unanswered::Refused(error)
    }
}

/// An area's answer (`?` on a `WireError` refuses).
pub(super) type Answer = Result<Reply, Unanswered>;

/// The areas that answer signed-in requests, each passing on the requests that are not its own.
const AREAS: [fn(&mut Context<'_>, Request) -> Answer; 4] =
    [accounts::answer, clinical::answer, kiosk::answer, admin::answer];

pub(super) fn handle(
    shared: &Arc<Shared>,
    session: &mut Session,
    connection: u64,
    writer: &Arc<Mutex<UnixStream>>,
    request: Request,
) -> Result<Reply, WireError> {
    let store = &shared.store;
    if session.kiosk && matches!(request, Request::Login { .. } | Request::Recover { .. } | Request::Init { .. }) {
        return Err(WireError {
            code: "denied".into(),
            message: "this connection is a kiosk session: it cannot log in or set up the store".into(),
        });
    }
    let mut request = match session::answer(shared, session, request) {
        Ok(reply) => return Ok(reply),
        Err(Unanswered::Refused(error)) => return Err(error),
        Err(Unanswered::NotHere(request)) => *request,
    };
    let Some(actor) = session.actor.clone() else {
        return Err(WireError { code: "not_logged_in".into(), message: "log in first (`--user NAME`)".into() });
    };
    // Every request re-checks the account: disabling it, or resetting its password, ends its
    // open sessions at once.
    let pending_reset = match store.check_session(&actor) {
        Ok(pending) => pending,
        Err(ended) => {
            end_session(shared, session);
            return Err(wire(ended));
        }
    };
    // A password an administrator set lets its account choose a new one, and nothing else:
    // whoever set it cannot use the account unseen, and its user learns of the reset.
    if let Some(reset) = &pending_reset
        && !matches!(&request, Request::SetPassword { user, .. } if user == actor.user())
    {
        return Err(wire(store.refuse_until_changed(&actor, reset)));
    }
    let mut cx = Context { shared, session, connection, writer, actor };
    for area in AREAS {
        request = match area(&mut cx, request) {
            Ok(reply) => return Ok(reply),
            Err(Unanswered::Refused(error)) => return Err(error),
            Err(Unanswered::NotHere(request)) => *request,
        };
    }
    // Only the requests answered before sign-in are left (they never get here).
    Ok(Reply::Done)
}
