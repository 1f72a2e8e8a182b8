//! What an import may bring in: every imported record passes the checks a new record of its kind
//! gets (the same validation and text cleaning, the same limits), and names the importing
//! account as its author. An export file is only a claim: it could say anything, written by
//! anyone, so what it says of who recorded a record is kept as a claim beside the importer.

use super::*;
use crate::export::Record;

/// The author an imported record carries: the account that imported it, then what the file says.
pub(super) fn imported_author(actor: &Actor, claimed: &str) -> String {
    let claimed: String = crate::sanitize::terminal_text(claimed, false).chars().take(64).collect();
    if claimed.trim().is_empty() {
        format!("{} (imported)", actor.user())
    } else {
        format!("{} (imported; the file says {claimed})", actor.user())
    }
}

/// `record` checked and cleaned as a new record of its kind would be, authored by `actor`.
/// An error names the record and what is wrong with it.
pub(super) fn checked(actor: &Actor, record: &Record) -> Result<Record> {
    let (kind, id) = identity(record);
    checked_fields(actor, record).map_err(|error| StoreError::Refused {
        what: "import the records",
        reason: format!("{kind} {id}: {error}. Nothing was imported"),
    })
}

fn identity(record: &Record) -> (&'static str, RecordId) {
    match record {
        Record::Client(r) => ("client", r.id),
        Record::Encounter(r) => ("encounter", r.id),
        Record::Consent(r) => ("consent", r.id),
        Record::Answer(r) => ("answer", r.id),
        Record::Result(r) => ("result", r.id),
        Record::Decision(r) => ("decision", r.id),
        Record::Referral(r) => ("referral", r.id),
        Record::CrisisAction(r) => ("crisis action", r.id),
    }
}

fn optional(field: &'static str, text: &Option<String>, max: usize) -> Result<Option<String>> {
    text.as_deref().map(|t| clean_text(field, t, max)).transpose()
}

fn all(field: &'static str, texts: &[String], max: usize) -> Result<Vec<String>> {
    texts.iter().map(|t| clean_text(field, t, max)).collect()
}

fn checked_fields(actor: &Actor, record: &Record) -> Result<Record> {
    Ok(match record {
        Record::Client(client) => {
            let input = validate_client(&NewClient {
                name: client.name.clone(),
                birth_date: client.birth_date.clone(),
                province: client.province.clone(),
                language: client.language,
                contact: client.contact.clone(),
                access_needs: client.access_needs.clone(),
                populations: client.populations.clone(),
                sex_for_scoring: client.sex_for_scoring,
            })?;
            Record::Client(Client {
                name: input.name,
                birth_date: input.birth_date,
                province: input.province,
                contact: input.contact,
                access_needs: input.access_needs,
                populations: input.populations,
                created_by: imported_author(actor, &client.created_by),
                ..client.clone()
            })
        }
        Record::Encounter(encounter) => Record::Encounter(Encounter {
            instruments: all("instrument id", &encounter.instruments, 32)?,
            created_by: imported_author(actor, &encounter.created_by),
            ..encounter.clone()
        }),
        Record::Consent(consent) => Record::Consent(ConsentRecord {
            version: clean_text("consent version", &consent.version, 64)?,
            recorded_by: imported_author(actor, &consent.recorded_by),
            ..consent.clone()
        }),
        Record::Answer(answer) => {
            validate_instrument(&answer.instrument)?;
            Record::Answer(Answer {
                item_id: clean_text("item id", &answer.item_id, 64)?,
                free_text: optional("free text", &answer.free_text, 4000)?,
                recorded_by: imported_author(actor, &answer.recorded_by),
                ..answer.clone()
            })
        }
        Record::Result(result) => {
            validate_instrument(&result.instrument)?;
            let flags = result
                .flags
                .iter()
                .map(|f| Ok(Flag { code: clean_text("flag", &f.code, 100)?, critical: f.critical }))
                .collect::<Result<Vec<Flag>>>()?;
            let subscales = result
                .subscales
                .iter()
                .map(|(name, value)| Ok((clean_text("subscale", name, 64)?, *value)))
                .collect::<Result<_>>()?;
            Record::Result(ResultRecord {
                band: clean_text("band", &result.band, 200)?,
                flags,
                subscales,
                recorded_by: imported_author(actor, &result.recorded_by),
                ..result.clone()
            })
        }
        Record::Decision(decision) => {
            let lifted_exclusions = decision
                .lifted_exclusions
                .iter()
                .map(|lift| {
                    Ok(crate::triage::matching::LiftedExclusion {
                        resource: clean_text("lifted exclusion", &lift.resource, 100)?,
                        criterion: lift.criterion,
                        reason: clean_text("lifted exclusion reason", lift.reason.trim(), 2000)?,
                    })
                })
                .collect::<Result<_>>()?;
            Record::Decision(Decision {
                suggested_level: clean_text("suggested level", &decision.suggested_level, 64)?,
                rules_fired: all("rule", &decision.rules_fired, 200)?,
                final_level: optional("final level", &decision.final_level, 64)?,
                override_reason: optional("override reason", &decision.override_reason, 4000)?,
                lifted_exclusions,
                decided_by: imported_author(actor, &decision.decided_by),
                ..decision.clone()
            })
        }
        Record::Referral(referral) => {
            let resources = referral
                .resources
                .iter()
                .map(|r| {
                    Ok(ReferralResource {
                        resource_id: clean_text("resource id", &r.resource_id, 100)?,
                        reasons: all("reason", &r.reasons, 400)?,
                        chosen: r.chosen,
                    })
                })
                .collect::<Result<_>>()?;
            Record::Referral(Referral {
                resources,
                notes: optional("notes", &referral.notes, 4000)?,
                recorded_by: imported_author(actor, &referral.recorded_by),
                ..referral.clone()
            })
        }
        Record::CrisisAction(crisis) => Record::CrisisAction(CrisisAction {
            flags: all("flag", &crisis.flags, 100)?,
            action: clean_text("crisis action", &crisis.action, 200)?,
            note: optional("note", &crisis.note, 4000)?,
            recorded_by: imported_author(actor, &crisis.recorded_by),
            ..crisis.clone()
        }),
    })
}
