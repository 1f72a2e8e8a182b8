//! Clients, encounters and what is recorded in them: answers, results, decisions, referrals,
//! crisis actions, histories, and sealed submissions.

use super::requests::{Answer, Context, Unanswered};
use super::wire;
use crate::server::WireError;
use crate::server::{Event, Reply, Request};
use crate::store::{NewCrisisAction, RecordId, Store};

/// Answers the request if it is one of this area's; passes any other on. A write to an
/// encounter runs through `SledStore::based_on`: checked against the version it was based on
/// when it carries one (`BasedOn`), and in any case one at a time with the checked ones.
pub(super) fn answer(cx: &mut Context<'_>, request: Request) -> Answer {
    match request {
        Request::BasedOn { encounter, version, request } => based_on(cx, encounter, Some(version), *request),
        request => match request.encounter_written() {
            Some(encounter) => based_on(cx, encounter, None, request),
            None => answer_now(cx, request),
        },
    }
}

/// A write to `encounter`, refused as stale unless the encounter is still at `version`.
fn based_on(cx: &mut Context<'_>, encounter: RecordId, version: Option<u64>, request: Request) -> Answer {
    if request.encounter_written() != Some(encounter) {
        return Err(Unanswered::Refused(WireError {
            code: "invalid".into(),
            message: "a versioned request must be a write to the encounter it names".into(),
        }));
    }
    let shared = std::sync::Arc::clone(cx.shared);
    let actor = cx.actor.clone();
    // Someone who took the encounter over holds it: the one who lost it learns it here.
    if let Some(other) = shared.holders.elsewhere(&encounter, cx.connection, actor.user()) {
        let _ = shared.store.record_audit(&actor, "encounter.write_held_elsewhere", Some(encounter.to_string()));
        return Err(Unanswered::Refused(WireError {
            code: "taken".into(),
            message: format!("{} took this encounter over: nothing was written; open it again", other.user),
        }));
    }
    let (answer, after) =
        shared.store.based_on(&actor, &encounter, version, || answer_now(cx, request)).map_err(wire)?;
    let reply = answer?;
    Ok(match version {
        Some(_) => Reply::BasedOn { version: after, reply: Box::new(reply) },
        None => reply,
    })
}

/// Answers the request as it is.
fn answer_now(cx: &mut Context<'_>, request: Request) -> Answer {
    let store = &cx.shared.store;
    let actor = &cx.actor;
    let reply = match request {
        Request::CreateClient { client } => Reply::Id(store.create_client(actor, &client).map_err(wire)?),
        Request::GetClient { id } => Reply::Client(store.client(actor, &id).map_err(wire)?),
        Request::UpdateClient { id, changes } => {
            Reply::ClientUpdated(store.update_client(actor, &id, &changes).map_err(wire)?)
        }
        Request::ListClients => {
            let (clients, damaged) = store.list_clients(actor).map_err(wire)?;
            Reply::Clients { clients, damaged }
        }
        Request::SearchClients { query } => Reply::ClientSearch(store.search_clients(actor, &query).map_err(wire)?),
        Request::StartEncounter { client, origin, instruments } => {
            Reply::Encounter(store.start_encounter_with(actor, &client, origin, &instruments).map_err(wire)?)
        }
        Request::OpenEncounters => {
            let mut open = store.open_encounters(actor).map_err(wire)?;
            for entry in &mut open {
                entry.open_by = cx.shared.holders.of(&entry.encounter.id);
            }
            Reply::OpenEncounters(open)
        }
        Request::OpenFor { encounter, take_over } => {
            cx.require(crate::auth::Operation::ReadEncounter)?;
            let opened = cx.shared.holders.open(encounter, cx.connection, actor.user(), take_over);
            match opened {
                super::holders::Opened::Held => Reply::OpenBy(None),
                super::holders::Opened::HeldElsewhere(other) => Reply::OpenBy(Some(other)),
                super::holders::Opened::TakenFrom(other) => {
                    let record = Some(format!("{encounter} from {}", other.user));
                    store.record_audit(actor, "encounter.take_over", record).map_err(wire)?;
                    Reply::OpenBy(None)
                }
            }
        }
        Request::Release { encounter } => {
            cx.shared.holders.release(&encounter, cx.connection);
            Reply::Done
        }
        Request::ClosedEncounters => Reply::OpenEncounters(store.closed_encounters(actor).map_err(wire)?),
        Request::FinishEncounter { id, outcome, reason } => {
            Reply::Encounter(store.finish_encounter(actor, &id, outcome, reason.as_deref()).map_err(wire)?)
        }
        Request::ReopenEncounter { id, reason } => {
            Reply::Encounter(store.reopen_encounter(actor, &id, &reason).map_err(wire)?)
        }
        Request::RecordCrisisAction { encounter, flags, action, note } => {
            let raised = action == crate::store::CRISIS_FLAG_RAISED;
            let urgent = action == crate::store::CRISIS_URGENT_RAISED;
            let crisis = NewCrisisAction { flags, action, note: Some(note) };
            let saved = store.record_crisis_action(actor, &encounter, &crisis).map_err(wire)?;
            // Other staff hear of a critical answer the moment it is given.
            if raised {
                cx.shared.broadcast(Event::CriticalFlag { encounter });
            } else if urgent {
                cx.shared.broadcast(Event::UrgentFlag { encounter });
            }
            Reply::CrisisAction(saved)
        }
        Request::GetEncounter { id } => Reply::Detail(store.encounter(actor, &id).map_err(wire)?),
        Request::SetEncounterStatus { id, status } => {
            Reply::Encounter(store.set_encounter_status(actor, &id, status).map_err(wire)?)
        }
        Request::RecordConsent { encounter, version, answer } => {
            Reply::Consent(store.record_consent(actor, &encounter, &version, answer).map_err(wire)?)
        }
        Request::SaveAnswer { encounter, answer } => {
            Reply::Answer(store.save_answer(actor, &encounter, &answer).map_err(wire)?)
        }
        Request::SaveResult { encounter, result } => {
            let saved = store.save_result(actor, &encounter, &result).map_err(wire)?;
            if saved.flags.iter().any(|f| f.critical) {
                cx.shared.broadcast(Event::CriticalFlag { encounter });
            }
            Reply::Result(saved)
        }
        Request::SaveDecision { encounter, decision } => {
            Reply::Decision(store.save_decision(actor, &encounter, &decision).map_err(wire)?)
        }
        Request::SaveReferral { encounter, referral } => {
            Reply::Referral(store.save_referral(actor, &encounter, &referral).map_err(wire)?)
        }
        Request::ClientHistory { client } => Reply::History(store.client_history(actor, &client).map_err(wire)?),
        Request::SubmissionKey => Reply::SubmissionKey(hex::encode(store.submission_public_key(actor).map_err(wire)?)),
        Request::SubmitSealed { id, sealed_hex } => {
            let sealed = hex::decode(&sealed_hex).map_err(|_| WireError {
                code: "invalid".into(),
                message: "the sealed submission is not hex".into(),
            })?;
            store.submit_sealed(actor, &id, &sealed).map_err(wire)?;
            cx.shared.broadcast(Event::KioskSubmission { id });
            Reply::Done
        }
        Request::ListSubmissions => Reply::Submissions(store.list_submissions(actor).map_err(wire)?),
        Request::OpenSubmission { id } => Reply::Submission(store.open_submission(actor, &id).map_err(wire)?),
        other => return Err(Unanswered::NotHere(Box::new(other))),
    };
    Ok(reply)
}
