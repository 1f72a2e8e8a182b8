//! The owner's records as the interface holds them: alerts from pushed events, the risk record
//! of an encounter, the decision on record, queue entries and clients.

use super::KIOSK_PREFIX;
use crate::intake::{RiskChange, RiskRecord};
use crate::store::{EncounterOrigin, RecordId, format_time};
use crate::tui::backend::{Alert, AlertSource, AlertTier, ClientInfo, QueueEntry, StoredDecision};

/// The alert an event raises, if any: its tier, its source and its queue entry.
pub(super) fn alert_of(event: crate::server::Event) -> Option<Alert> {
    use crate::server::Event;
    let short = |id: &RecordId| id.to_string().chars().take(8).collect::<String>();
    let kiosk = |tier, id: RecordId, device: String| Alert {
        tier,
        source: AlertSource::Kiosk { device, reference: crate::store::kiosk::submission_reference(&id) },
        entry: format!("{KIOSK_PREFIX}{id}"),
    };
    let staff = |tier, encounter: RecordId| Alert {
        tier,
        source: AlertSource::Staff { reference: short(&encounter), name: None },
        entry: encounter.to_string(),
    };
    match event {
        Event::KioskCritical { id, device } => Some(kiosk(AlertTier::Critical, id, device)),
        Event::KioskUrgent { id, device } => Some(kiosk(AlertTier::Urgent, id, device)),
        Event::CriticalFlag { encounter } => Some(staff(AlertTier::Critical, encounter)),
        Event::UrgentFlag { encounter } => Some(staff(AlertTier::Urgent, encounter)),
        Event::KioskSubmission { .. } | Event::OwnerStopping => None,
    }
}

/// A backup report in the interface's terms (a backup written by the owner, or checked here).
/// What an encounter's crisis-action records say about its risk flags: the flags acted on (not
/// the records written when a flag fired), answers changed with their reason, follow-ups waived.
pub(super) fn risk_record(actions: &[crate::store::CrisisAction]) -> RiskRecord {
    use crate::store::{CRISIS_ANSWER_CHANGED, CRISIS_FLAG_RAISED, CRISIS_FOLLOW_UP_WAIVED, CRISIS_URGENT_RAISED};
    let mut risk = RiskRecord::default();
    for action in actions {
        match action.action.as_str() {
            CRISIS_FLAG_RAISED => {}
            CRISIS_URGENT_RAISED => risk.raised_urgent.extend(action.flags.iter().cloned()),
            CRISIS_ANSWER_CHANGED => {
                let instrument = action.flags.first().and_then(|f| f.split_once('.')).map(|(i, _)| i.to_string());
                risk.changes.push(RiskChange {
                    instrument: instrument.unwrap_or_default(),
                    flags: action.flags.clone(),
                    by: action.recorded_by.clone(),
                    reason: action.note.clone().unwrap_or_default(),
                });
            }
            CRISIS_FOLLOW_UP_WAIVED => risk.waived.extend(action.flags.iter().cloned()),
            _ => risk.handled.extend(action.flags.iter().cloned()),
        }
    }
    risk
}

/// A decision as the results screen shows it (none for a level this build does not know).
pub(super) fn stored_decision(decision: &crate::store::Decision) -> Option<StoredDecision> {
    let level = decision.final_level.as_deref().unwrap_or(&decision.suggested_level);
    Some(StoredDecision {
        level: crate::triage::Level::parse(level)?,
        override_reason: decision.override_reason.clone(),
        lifted: decision.lifted_exclusions.clone(),
        by: decision.decided_by.clone(),
        at: format_time(decision.decided_ms),
    })
}

pub(super) fn queue_entry(open: crate::store::OpenEncounter) -> QueueEntry {
    QueueEntry {
        encounter: open.encounter.id.to_string(),
        client: open.encounter.client_id.to_string(),
        client_name: open.client_name,
        kiosk: open.encounter.origin == EncounterOrigin::Kiosk,
        critical: open.critical,
        urgent: open.urgent,
        incomplete: false,
        updated: format_time(open.encounter.updated_ms),
        open_by: open.open_by,
    }
}

pub(super) fn client_info(client: &crate::store::Client) -> ClientInfo {
    ClientInfo {
        id: client.id.to_string(),
        name: client.name.clone(),
        birth_date: client.birth_date.clone(),
        province: client.province,
        language: Some(client.language),
        populations: client.populations.clone(),
        access_needs: client.access_needs.clone(),
        sex_for_scoring: client.sex_for_scoring,
    }
}
