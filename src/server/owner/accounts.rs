//! The organisation and its accounts: settings, users, their status and passwords.

use super::requests::{Answer, Context, Unanswered};
use super::wire;
use crate::server::{Reply, Request};
use crate::store::Store;

/// Answers the request if it is one of this area's; passes any other on.
pub(super) fn answer(cx: &mut Context<'_>, request: Request) -> Answer {
    let store = &cx.shared.store;
    let actor = &cx.actor;
    let reply = match request {
        Request::Organisation => Reply::Organisation(store.organisation(actor).map_err(wire)?),
        Request::AddUser { account, password } => {
            Reply::Account(store.add_account(actor, &account, &password.0).map_err(wire)?)
        }
        Request::ListUsers => Reply::Accounts(store.list_accounts(actor).map_err(wire)?),
        Request::SetUserStatus { user, status } => {
            store.set_account_status(actor, &user, status).map_err(wire)?;
            Reply::Done
        }
        Request::SetPassword { user, password } if user == actor.user() => {
            // This session goes on with the new password; the account's other sessions end.
            cx.session.actor = Some(store.change_own_password(actor, &password.0).map_err(wire)?);
            Reply::Done
        }
        Request::SetPassword { user, password } => {
            store.set_password(actor, &user, &password.0).map_err(wire)?;
            Reply::Done
        }
        Request::UpdateSettings { changes } => {
            Reply::SettingsUpdated(store.update_settings(actor, &changes).map_err(wire)?)
        }
        other => return Err(Unanswered::NotHere(Box::new(other))),
    };
    Ok(reply)
}
