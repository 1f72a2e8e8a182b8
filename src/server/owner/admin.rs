//! Administration: the audit log, backups, seeding, events, stopping the owner, the service
//! report, exports and imports.

use super::requests::{Answer, Context, Unanswered};
use super::wire;
use crate::auth::{self, Operation};
use crate::server::{Reply, Request};
use crate::store::{Store, backup};

/// Answers the request if it is one of this area's; passes any other on.
pub(super) fn answer(cx: &mut Context<'_>, request: Request) -> Answer {
    let store = &cx.shared.store;
    let actor = &cx.actor;
    let reply = match request {
        Request::AuditList { filter } => match store.audit_listing(actor, &filter).map_err(wire)? {
            (entries, damaged) if damaged.is_empty() => Reply::Audit(entries),
            (entries, damaged) => Reply::AuditDamaged { entries, damaged },
        },
        Request::AuditVerify { expect_head } => {
            Reply::Verify(store.audit_verify(actor, expect_head.as_deref()).map_err(wire)?)
        }
        Request::BackupCreate { path } => Reply::Backup(backup::create(store, actor, &path).map_err(wire)?),
        Request::Seed { encounters } => Reply::Seed(store.seed_synthetic(actor, encounters).map_err(wire)?),
        Request::Subscribe => {
            cx.require(Operation::SubscribeEvents)?;
            // An administrator's subscription hears only that the owner is stopping: alerts and
            // submissions are clinical.
            let clinical = actor.role() != auth::Role::Admin;
            cx.shared.subscribers.lock().unwrap_or_else(|p| p.into_inner()).push((
                cx.connection,
                clinical,
                cx.writer.clone(),
            ));
            Reply::Done
        }
        Request::Stop => {
            cx.require(Operation::StopOwner)?;
            let audited = store.record_event(actor, "owner.stop_requested");
            // A store that cannot write can still be stopped; that is the way to recover it.
            if !store.must_reopen() {
                audited.map_err(wire)?;
            }
            Reply::Done
        }
        Request::ServiceReport { period } => {
            let report = crate::report::ServiceReport::stored(period, |t| store.tally_summaries(actor, t));
            Reply::ServiceReport(Box::new(report.map_err(wire)?))
        }
        Request::ExportClients { after, limit, reason } => {
            Reply::ExportClients(store.export_clients(actor, after, limit, reason.as_deref()).map_err(wire)?)
        }
        Request::ExportEncounters { after, limit, contents, reason } => Reply::ExportEncounters(Box::new(
            store.export_encounters_with(actor, after, limit, contents, reason.as_deref()).map_err(wire)?,
        )),
        Request::ImportRecords { records } => Reply::Imported(store.import_records(actor, &records).map_err(wire)?),

        other => return Err(Unanswered::NotHere(Box::new(other))),
    };
    Ok(reply)
}
