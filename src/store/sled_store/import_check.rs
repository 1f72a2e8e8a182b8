//! What an import may bring in: every imported record passes the checks a new record of its kind
//! gets (the same validation and text cleaning, the same limits), and names the importing
//! account as its author. An export file is only a claim: it could say anything, written by
//! anyone, so what it says of who recorded a record is kept as a claim beside the importer.

use super::*;
use crate::store::pages::Record;

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

/// An imported outcome as a finish records it: its reason cleaned, required when no referral
/// was needed (`finish::finish_encounter`).
fn outcome(actor: &Actor, outcome: &EncounterOutcome) -> Result<EncounterOutcome> {
    let reason = outcome.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    let reason = reason.map(|r| clean_text("outcome reason", r, REASON_TEXT)).transpose()?;
    if outcome.kind == OutcomeKind::NoReferralNeeded && reason.is_none() {
        return Err(StoreError::Invalid {
            field: "outcome reason",
            reason: "a reason is required when no referral is needed".into(),
        });
    }
    Ok(EncounterOutcome { reason, recorded_by: imported_author(actor, &outcome.recorded_by), ..outcome.clone() })
}

/// An imported reopening as a clinician records it: a reason, cleaned; the outcome it had, checked.
fn reopening(actor: &Actor, reopening: &Reopening) -> Result<Reopening> {
    let reason = reopening.reason.trim();
    if reason.is_empty() {
        return Err(StoreError::Invalid {
            field: "reopening reason",
            reason: "a reason is required to reopen an intake".into(),
        });
    }
    Ok(Reopening {
        reason: clean_text("reopening reason", reason, REASON_TEXT)?,
        reopened_ms: reopening.reopened_ms,
        reopened_by: imported_author(actor, &reopening.reopened_by),
        outcome: reopening.outcome.as_ref().map(|o| outcome(actor, o)).transpose()?,
    })
}

fn checked_fields(actor: &Actor, record: &Record) -> Result<Record> {
    Ok(match record {
        Record::Client(client) => {
            let input = validate_client(&NewClient {
                name: client.name.clone(),
                birth_date: client.birth_date.clone(),
                province: client.province.ok_or_else(super::clients::missing_province)?,
                language: client.language,
                contact: client.contact.clone(),
                access_needs: client.access_needs.clone(),
                populations: client.populations.clone(),
                sex_for_scoring: client.sex_for_scoring,
            })?;
            Record::Client(Client {
                name: input.name,
                birth_date: input.birth_date,
                province: Some(input.province),
                contact: input.contact,
                access_needs: input.access_needs,
                populations: input.populations,
                created_by: imported_author(actor, &client.created_by),
                ..client.clone()
            })
        }
        Record::Encounter(encounter) => Record::Encounter(Encounter {
            instruments: all("instrument id", &encounter.instruments, INSTRUMENT_ID_TEXT)?,
            created_by: imported_author(actor, &encounter.created_by),
            outcome: encounter.outcome.as_ref().map(|o| outcome(actor, o)).transpose()?,
            reopenings: encounter.reopenings.iter().map(|r| reopening(actor, r)).collect::<Result<_>>()?,
            ..encounter.clone()
        }),
        Record::Consent(consent) => Record::Consent(ConsentRecord {
            version: clean_text("consent version", &consent.version, ID_TEXT)?,
            recorded_by: imported_author(actor, &consent.recorded_by),
            ..consent.clone()
        }),
        Record::Answer(answer) => {
            validate_instrument(&answer.instrument)?;
            Record::Answer(Answer {
                item_id: clean_text("item id", &answer.item_id, ID_TEXT)?,
                free_text: optional("free text", &answer.free_text, LONG_TEXT)?,
                recorded_by: imported_author(actor, &answer.recorded_by),
                ..answer.clone()
            })
        }
        Record::Result(result) => {
            validate_instrument(&result.instrument)?;
            let flags = result
                .flags
                .iter()
                .map(|f| Ok(Flag { code: clean_text("flag", &f.code, LABEL_TEXT)?, critical: f.critical }))
                .collect::<Result<Vec<Flag>>>()?;
            let subscales = result
                .subscales
                .iter()
                .map(|(name, value)| Ok((clean_text("subscale", name, ID_TEXT)?, *value)))
                .collect::<Result<_>>()?;
            Record::Result(ResultRecord {
                band: clean_text("band", &result.band, SHORT_TEXT)?,
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
                        resource: clean_text("lifted exclusion", &lift.resource, LABEL_TEXT)?,
                        criterion: lift.criterion,
                        reason: clean_text("lifted exclusion reason", lift.reason.trim(), REASON_TEXT)?,
                    })
                })
                .collect::<Result<_>>()?;
            Record::Decision(Decision {
                suggested_level: clean_text("suggested level", &decision.suggested_level, ID_TEXT)?,
                rules_fired: all("rule", &decision.rules_fired, SHORT_TEXT)?,
                final_level: optional("final level", &decision.final_level, ID_TEXT)?,
                override_reason: optional("override reason", &decision.override_reason, LONG_TEXT)?,
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
                        resource_id: clean_text("resource id", &r.resource_id, LABEL_TEXT)?,
                        reasons: all("reason", &r.reasons, 400)?,
                        chosen: r.chosen,
                    })
                })
                .collect::<Result<_>>()?;
            Record::Referral(Referral {
                resources,
                notes: optional("notes", &referral.notes, LONG_TEXT)?,
                recorded_by: imported_author(actor, &referral.recorded_by),
                ..referral.clone()
            })
        }
        Record::CrisisAction(crisis) => Record::CrisisAction(CrisisAction {
            flags: all("flag", &crisis.flags, LABEL_TEXT)?,
            action: clean_text("crisis action", &crisis.action, SHORT_TEXT)?,
            note: optional("note", &crisis.note, LONG_TEXT)?,
            recorded_by: imported_author(actor, &crisis.recorded_by),
            ..crisis.clone()
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::fresh;

    fn outcome(kind: OutcomeKind, reason: Option<&str>) -> EncounterOutcome {
        EncounterOutcome { kind, reason: reason.map(str::to_string), recorded_ms: 1, recorded_by: "ivy".into() }
    }

    fn reopening(reason: &str) -> Reopening {
        Reopening {
            reason: reason.into(),
            reopened_ms: 2,
            reopened_by: "cleo".into(),
            outcome: Some(outcome(OutcomeKind::Declined, None)),
        }
    }

    fn refused(actor: &Actor, encounter: Encounter) -> String {
        match checked(actor, &Record::Encounter(encounter)) {
            Err(error) => error.to_string(),
            Ok(record) => format!("accepted: {record:?}"),
        }
    }

    /// Issue 16, item 3: an imported encounter's outcome and reopening reasons get the checks a
    /// finish or a reopening gives them (no control characters, the reason length, a reason
    /// when no referral was needed or the intake was reopened), and their authors are the
    /// importer's claim like every other author.
    #[test]
    fn an_imported_outcome_and_reopening_are_checked_like_a_finish_and_a_reopening() {
        let (_dir, _store, admin) = fresh();
        let encounter = Encounter {
            schema_version: 1,
            id: RecordId::random(),
            client_id: RecordId::random(),
            origin: EncounterOrigin::Staff,
            status: EncounterStatus::Closed,
            created_ms: 0,
            updated_ms: 3,
            created_by: "ivy".into(),
            instruments: vec![],
            scoring: ScoringContext::default(),
            outcome: Some(outcome(OutcomeKind::NoReferralNeeded, Some("Already in care"))),
            reopenings: vec![reopening("Client came back")],
        };

        let escape = Encounter {
            outcome: Some(outcome(OutcomeKind::NoReferralNeeded, Some("in care\u{1b}[2J"))),
            ..encounter.clone()
        };
        let error = refused(&admin, escape);
        assert!(error.contains(&format!("encounter {}", encounter.id)) && error.contains("control"), "{error}");
        let long = Encounter {
            outcome: Some(outcome(OutcomeKind::NoReferralNeeded, Some(&"x".repeat(REASON_TEXT + 1)))),
            ..encounter.clone()
        };
        assert!(refused(&admin, long).contains(&format!("longer than {REASON_TEXT}")));
        let missing =
            Encounter { outcome: Some(outcome(OutcomeKind::NoReferralNeeded, Some("  "))), ..encounter.clone() };
        assert!(refused(&admin, missing).contains("reason is required"));
        let escape = Encounter { reopenings: vec![reopening("came\u{202e}back")], ..encounter.clone() };
        assert!(refused(&admin, escape).contains("control"));
        let blank = Encounter { reopenings: vec![reopening(" ")], ..encounter.clone() };
        assert!(refused(&admin, blank).contains("reason is required"));
        let mut earlier = reopening("Client came back");
        earlier.outcome = Some(outcome(OutcomeKind::NoReferralNeeded, Some("bad\u{7}")));
        let nested = Encounter { reopenings: vec![earlier], ..encounter.clone() };
        assert!(refused(&admin, nested).contains("control"));

        let Ok(Record::Encounter(clean)) = checked(&admin, &Record::Encounter(encounter.clone())) else {
            panic!("a clean encounter is accepted")
        };
        let kept = clean.outcome.as_ref().and_then(|o| o.reason.as_deref());
        assert_eq!(kept, Some("Already in care"));
        assert_eq!(clean.outcome.map(|o| o.recorded_by).as_deref(), Some("admin (imported; the file says ivy)"));
        assert_eq!(clean.reopenings[0].reason, "Client came back");
        assert_eq!(clean.reopenings[0].reopened_by, "admin (imported; the file says cleo)");
    }
}
