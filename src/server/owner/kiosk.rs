//! Kiosks and their check-in codes: redeeming and issuing codes, kiosk submissions and their
//! claiming, the exit PIN.

use super::requests::{Answer, Context, Unanswered};
use super::wire;
use crate::server::WireError;
use crate::server::{Event, Reply, Request};
use std::time::{Duration, Instant};

/// Answers the request if it is one of this area's; passes any other on.
pub(super) fn answer(cx: &mut Context<'_>, request: Request) -> Answer {
    let store = &cx.shared.store;
    let actor = &cx.actor;
    let reply = match request {
        Request::RedeemCheckin { code } => {
            let device = actor.user().to_string();
            let limited =
                cx.shared.checkin_guesses.lock().unwrap_or_else(|p| p.into_inner()).allowed(&device, Instant::now());
            if let Err(message) = limited {
                // Not even checked: a guesser learns nothing. The client goes on without a code.
                store.record_event(actor, "checkin.redeem_limited").map_err(wire)?;
                return Err(WireError { code: "busy".into(), message }.into());
            }
            match store.redeem_checkin(actor, &code) {
                Ok((id, scoring)) => Reply::CheckinRedeemed(id, scoring),
                Err(error) => {
                    if matches!(error, crate::store::StoreError::Refused { .. }) {
                        cx.shared
                            .checkin_guesses
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .wrong(&device, Instant::now());
                        // Slows guessing further: one wrong code a second per connection.
                        std::thread::sleep(Duration::from_secs(1));
                    }
                    return Err(wire(error).into());
                }
            }
        }
        Request::SubmitKiosk { id, sealed_hex, critical, checkin, progress } => {
            cx.session.kiosk_rate.check(id, Instant::now())?;
            let sealed = hex::decode(&sealed_hex).map_err(|_| WireError {
                code: "invalid".into(),
                message: "the sealed submission is not hex".into(),
            })?;
            let change = store.submit_kiosk_progress(actor, &id, &sealed, critical, checkin, progress).map_err(wire)?;
            // Staff hear of a new submission, a finished one, and a rise in tier; the boxes in
            // between (one per answer) change only what claiming will open.
            if change.created || change.completed || change.became_critical || change.became_urgent {
                cx.shared.broadcast(Event::KioskSubmission { id });
            }
            let device = actor.user().trim_start_matches("kiosk:").to_string();
            if change.became_critical {
                cx.shared.broadcast(Event::KioskCritical { id, device });
            } else if change.became_urgent {
                cx.shared.broadcast(Event::KioskUrgent { id, device });
            }
            Reply::Done
        }
        Request::VerifyKioskPin { pin } => {
            match store.verify_kiosk_pin(actor, &pin.0) {
                Ok(()) => {}
                Err(error) => {
                    if matches!(error, crate::store::StoreError::BadCredentials) {
                        std::thread::sleep(Duration::from_secs(1));
                    }
                    return Err(wire(error).into());
                }
            }
            Reply::Done
        }
        Request::IssueCheckin { client, minutes } => {
            let ttl = i64::from(minutes.max(1)) * 60_000;
            Reply::Checkin(store.issue_checkin(actor, client, ttl).map_err(wire)?)
        }
        Request::ListCheckins => Reply::Checkins(store.list_checkins(actor).map_err(wire)?),
        Request::RevokeCheckin { reference } => {
            Reply::CheckinRevoked(store.revoke_checkin(actor, &reference).map_err(wire)?)
        }
        Request::ListKioskSubmissions => Reply::KioskSubmissions(store.list_kiosk_submissions(actor).map_err(wire)?),
        Request::OpenKioskSubmission { id } => {
            Reply::KioskIntake(Box::new(store.open_kiosk_submission(actor, &id).map_err(wire)?))
        }
        Request::ClaimSubmission { id } => {
            let (client, encounter) = store.claim_submission(actor, &id).map_err(wire)?;
            Reply::Claimed { client, encounter }
        }
        Request::SetKioskPin { pin } => {
            store.set_kiosk_pin(actor, &pin.0).map_err(wire)?;
            Reply::Done
        }
        other => return Err(Unanswered::NotHere(Box::new(other))),
    };
    Ok(reply)
}
