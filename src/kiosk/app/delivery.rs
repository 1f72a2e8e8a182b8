//! The client's session and its sealed boxes: starting the session after consent, sealing the
//! answers as they come, sending them to the owner with retries, and what the owner answered.

use zeroize::Zeroizing;

use super::super::submission::{is_urgent, snapshot};
use super::{
    Body, CLAIM_POLL_MS, ClientSession, Deps, Effect, Kiosk, KioskLine, Pending, RETRY_MAX_MS, RETRY_MS, Screen,
    SubmitError, Watch,
};
use crate::instrument::{FlagHit, Severity};
use crate::intake::IntakeFlow;
use crate::intake::care::CareClient;
use crate::store::kiosk::{KioskIntake, SubmissionProgress};
use crate::store::{RecordId, ScoringContext};

/// Starts the client's session after consent, scoring with what is known of them. The kiosk
/// never asks sex: unknown sex takes the instruments' more sensitive cut-off, and staff re-score
/// a claimed submission with the client's record.
pub(super) fn begin(kiosk: &mut Kiosk, scoring: ScoringContext, deps: &Deps, effects: &mut Vec<Effect>) {
    let flow = IntakeFlow::new_in(deps.library, &kiosk.instruments, scoring.to_scoring(), kiosk.lang);
    kiosk.checkin_scoring = None;
    kiosk.client = Some(ClientSession {
        id: RecordId::random(),
        lang: kiosk.lang,
        checkin: kiosk.checkin.take(),
        scoring,
        flow,
        completed: Vec::new(),
        critical: Vec::new(),
        urgent: Vec::new(),
        declined: Vec::new(),
        seq: 0,
        support_due: Vec::new(),
    });
    kiosk.go(Screen::Question);
    if kiosk.client.as_ref().is_some_and(|c| c.flow.is_finished()) {
        finish(kiosk, true, deps, effects);
    }
}

/// The province's crisis lines from the catalog for these flags (9-1-1 and 9-8-8 are on the
/// screen anyway).
pub(super) fn crisis_lines(kiosk: &Kiosk, deps: &Deps, flags: &[(String, FlagHit)]) -> Vec<KioskLine> {
    let Some(info) = &kiosk.info else { return Vec::new() };
    let scoring = kiosk.client.as_ref().map(|c| c.scoring).unwrap_or_default();
    // What the client told the kiosk: their age (or the check-in code's client's); the
    // organisation's province. An unknown age or province stays unknown.
    let client = CareClient::told(scoring.age, Some(info.province), kiosk.lang, scoring.sex);
    deps.care
        .crisis_lines(deps.library, &client, &[], flags)
        .into_iter()
        .map(|r| KioskLine { name: r.name, contact: r.contact, hours: r.hours })
        .collect()
}

/// Seals `intake` (or keeps it for sealing once the key is known) as the submission waiting
/// for the owner, replacing an older box of the same client.
fn queue_box(kiosk: &mut Kiosk, intake: KioskIntake, seq: u32, checkin: Option<RecordId>, thanks: bool) {
    let progress = SubmissionProgress { seq, complete: intake.complete, urgent: is_urgent(&intake) };
    let critical = !intake.critical_flags.is_empty();
    let plain = Zeroizing::new(serde_json::to_vec(&intake).unwrap_or_default());
    let id = intake.id;
    drop(intake);
    kiosk.reference = Some(crate::store::kiosk::submission_reference(&id));
    kiosk.reference_ms = kiosk.now_ms;
    kiosk.pending = Some(Pending {
        id,
        body: Body::Plain(plain),
        critical,
        checkin,
        in_flight: false,
        next_try_ms: kiosk.now_ms,
        delay_ms: RETRY_MS,
        thanks,
        progress,
    });
    seal_waiting(kiosk);
}

/// Seals the answers so far and sends them (the client goes on answering).
pub(super) fn send_progress(kiosk: &mut Kiosk, deps: &Deps, effects: &mut Vec<Effect>) {
    let Some(client) = kiosk.client.as_mut() else { return };
    client.seq = client.seq.saturating_add(1);
    let (seq, checkin) = (client.seq, client.checkin);
    let Some(client) = kiosk.client.as_ref() else { return };
    let intake = snapshot(kiosk, client, false, deps.library);
    queue_box(kiosk, intake, seq, checkin, false);
    try_send(kiosk, effects);
}

/// Seals what the client gave (completed or stopped at a crisis), forgets the plaintext, and
/// queues the box for the owner.
pub(super) fn finish(kiosk: &mut Kiosk, complete: bool, deps: &Deps, effects: &mut Vec<Effect>) {
    let Some(mut client) = kiosk.client.take() else { return };
    client.seq = client.seq.saturating_add(1);
    let intake = snapshot(kiosk, &client, complete, deps.library);
    let (seq, checkin) = (client.seq, client.checkin);
    drop(client);
    queue_box(kiosk, intake, seq, checkin, complete);
    if complete {
        // The thank-you page keeps the province's crisis lines in small print: the lines a
        // critical answer to this bundle's risk question would bring.
        let risk: Vec<(String, FlagHit)> = kiosk
            .instruments
            .iter()
            .filter_map(|id| deps.library.get(id))
            .flat_map(|i| i.flags.iter().map(move |f| (i, f)))
            .find(|(_, f)| f.severity == Severity::Critical)
            .map(|(i, f)| (i.id.clone(), FlagHit { id: f.id.clone(), severity: f.severity, item: None }))
            .into_iter()
            .collect();
        kiosk.crisis_lines = crisis_lines(kiosk, deps, &risk);
        kiosk.go(Screen::Saving);
    }
    try_send(kiosk, effects);
}

/// Seals a plaintext body as soon as the organisation's key is known.
pub(super) fn seal_waiting(kiosk: &mut Kiosk) {
    let Some(key) = kiosk
        .info
        .as_ref()
        .and_then(|i| hex::decode(&i.submission_public_key).ok().and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok()))
    else {
        return;
    };
    if let Some(pending) = kiosk.pending.as_mut()
        && let Body::Plain(plain) = &pending.body
        && let Ok(sealed) = crate::store::crypto::seal_to(&key, plain)
    {
        pending.body = Body::Sealed(sealed);
    }
}

pub(super) fn try_send(kiosk: &mut Kiosk, effects: &mut Vec<Effect>) {
    let now = kiosk.now_ms;
    let Some(pending) = kiosk.pending.as_mut() else { return };
    if pending.in_flight || now < pending.next_try_ms {
        return;
    }
    if let Body::Sealed(sealed) = &pending.body {
        pending.in_flight = true;
        effects.push(Effect::Submit {
            id: pending.id,
            sealed: sealed.clone(),
            critical: pending.critical,
            checkin: pending.checkin,
            progress: pending.progress,
        });
    } else if kiosk.info.is_none() && !kiosk.connecting {
        kiosk.connecting = true;
        effects.push(Effect::Connect);
    }
}

/// On the crisis screen, once its submission is delivered: asks now and then whether staff
/// claimed it, by sending the same box again (the owner keeps it unchanged, or answers that
/// it was claimed).
pub(super) fn poll_claim(kiosk: &mut Kiosk, effects: &mut Vec<Effect>) {
    if kiosk.screen != Screen::Crisis || kiosk.pending.is_some() {
        return;
    }
    let now = kiosk.now_ms;
    let Some(watch) = kiosk.watch.as_mut() else { return };
    if watch.in_flight || now < watch.next_ms {
        return;
    }
    watch.in_flight = true;
    effects.push(Effect::Submit {
        id: watch.id,
        sealed: watch.sealed.clone(),
        critical: true,
        checkin: watch.checkin,
        progress: watch.progress,
    });
}

pub(super) fn delivered(
    kiosk: &mut Kiosk,
    id: RecordId,
    seq: u32,
    result: Result<(), SubmitError>,
    effects: &mut Vec<Effect>,
) {
    if let Some(watch) = kiosk.watch.as_mut()
        && watch.id == id
        && watch.progress.seq == seq
        && kiosk.pending.is_none()
    {
        watch.in_flight = false;
        watch.next_ms = kiosk.now_ms + CLAIM_POLL_MS;
        if result == Err(SubmitError::Claimed) && kiosk.screen == Screen::Crisis {
            // A member of staff has the client's answers: the crisis screen has done its work.
            kiosk.reset(effects);
        }
        return;
    }
    let Some(pending) = kiosk.pending.as_mut() else { return };
    if pending.id != id || pending.progress.seq != seq {
        // The reply to an older box: a newer one waits and goes next.
        pending.in_flight = false;
        return;
    }
    pending.in_flight = false;
    match result {
        Ok(()) => {
            let Some(pending) = kiosk.pending.take() else { return };
            match kiosk.screen {
                Screen::Crisis if pending.critical => {
                    kiosk.alerted = true;
                    if let Body::Sealed(sealed) = pending.body {
                        kiosk.watch = Some(Watch {
                            id: pending.id,
                            sealed,
                            checkin: pending.checkin,
                            progress: pending.progress,
                            next_ms: kiosk.now_ms + CLAIM_POLL_MS,
                            in_flight: false,
                        });
                    }
                }
                Screen::Saving if pending.thanks => kiosk.go(Screen::Thanks),
                Screen::Saving => {
                    kiosk.go(Screen::Welcome);
                    effects.push(Effect::ClearTerminal);
                }
                _ => {}
            }
        }
        Err(SubmitError::Claimed) => {
            // Staff claimed the submission while the client was still here: they have the
            // answers. The client's session ends with the thank-you page.
            let thanks = pending.thanks;
            kiosk.pending = None;
            match kiosk.screen {
                Screen::Crisis => kiosk.reset(effects),
                Screen::Saving if !thanks => {
                    kiosk.go(Screen::Welcome);
                    effects.push(Effect::ClearTerminal);
                }
                Screen::Welcome | Screen::Neutral | Screen::Pin { .. } => {}
                _ => {
                    kiosk.client = None;
                    kiosk.go(Screen::Thanks);
                }
            }
        }
        Err(SubmitError::Failed(_)) => {
            pending.next_try_ms = kiosk.now_ms + pending.delay_ms;
            pending.delay_ms = (pending.delay_ms * 2).min(RETRY_MAX_MS);
        }
    }
}
