//! A risk flag that staff acted on is never undone in silence. Changing (or clearing) the answer
//! that raised it stops at `Step::ReasonNeeded`; the change goes through only with a reason,
//! which the flow keeps beside the answers ("raised, then changed by NAME: reason") and hands to
//! the shell to record. A follow-up the withdrawn flag called for (PHQ-9 item 9 -> ASQ) stays due
//! until a clinician waives it, with a reason too. Pure, like the rest of the flow.

use std::collections::BTreeSet;

use super::{IntakeFlow, Step};
use crate::instrument::{FlagHit, Instrument, Library, Severity, score};

/// Risk flags withdrawn by a changed answer: which, who changed the answer, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskChange {
    pub instrument: String,
    /// `instrument.flag` of each flag withdrawn.
    pub flags: Vec<String>,
    /// The user name of the person who changed the answer.
    pub by: String,
    pub reason: String,
}

/// What the record says about an encounter's risk flags, for resuming it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RiskRecord {
    /// `instrument.flag` of the flags staff acted on (a recorded crisis action).
    pub handled: BTreeSet<String>,
    /// Answers changed with a reason, oldest first.
    pub changes: Vec<RiskChange>,
    /// Follow-up instruments a clinician waived.
    pub waived: BTreeSet<String>,
    /// `instrument.flag` of urgent flags recorded as raised (`urgent_raised`), including those
    /// the answers cannot show again (a risk item the client declined at the kiosk).
    pub raised_urgent: BTreeSet<String>,
}

impl IntakeFlow {
    pub(super) fn restore_risk(&mut self, library: &Library, risk: RiskRecord) {
        self.handled = risk.handled;
        self.waived = risk.waived;
        self.raised_urgent = risk.raised_urgent;
        for change in risk.changes {
            self.pin_follow_ups(library, &change.instrument, &change.flags);
            self.changes.push(change);
        }
    }

    /// Risk flags (critical or urgent) that staff acted on and that `answer` to the current item
    /// (`None`: unanswered) would withdraw, as `instrument.flag`. A flag that gives way to one at
    /// least as serious (the ASQ's non-acute positive becoming acute on Q5) is not withdrawn:
    /// the signal only rises.
    fn withdrawn_by(&self, library: &Library, answer: Option<usize>) -> Vec<String> {
        let Some(instrument) = self.current_instrument(library) else { return Vec::new() };
        let mut answers = self.answers_of(instrument).to_vec();
        answers.resize(instrument.items.len(), None);
        let raised = |answers: &[Option<usize>]| -> Vec<(String, Severity)> {
            score(instrument, answers, &self.context)
                .flags
                .into_iter()
                .filter(|f| f.severity >= Severity::Urgent)
                .map(|f| (format!("{}.{}", instrument.id, f.id), f.severity))
                .collect()
        };
        // Every flag acted on that still stands: raised now, or given way to one at least as
        // serious (the ASQ's non-acute positive under an acute one). An answer that takes the
        // acute one away may take both: each must be withdrawn by name, with the reason.
        let raised_before = raised(&answers);
        let highest_before = raised_before.iter().map(|(_, severity)| *severity).max();
        let prefix = format!("{}.", instrument.id);
        let before: Vec<(String, Severity)> = self
            .handled
            .iter()
            .filter_map(|key| {
                let id = key.strip_prefix(&prefix)?;
                let severity = instrument.flags.iter().find(|f| f.id == id)?.severity;
                Some((key.clone(), severity))
            })
            .filter(|(key, severity)| {
                *severity >= Severity::Urgent
                    && (raised_before.iter().any(|(k, _)| k == key)
                        || highest_before.is_some_and(|highest| highest >= *severity))
            })
            .collect();
        if before.is_empty() {
            return Vec::new();
        }
        answers[self.item] = answer;
        let after = raised(&answers);
        let highest_after = after.iter().map(|(_, severity)| *severity).max();
        before
            .into_iter()
            .filter(|(key, severity)| {
                !after.iter().any(|(k, _)| k == key) && highest_after.is_none_or(|highest| highest < *severity)
            })
            .map(|(key, _)| key)
            .collect()
    }

    pub(super) fn reason_needed(&self, library: &Library, answer: Option<usize>) -> Option<Step> {
        let flags = self.withdrawn_by(library, answer);
        if flags.is_empty() {
            return None;
        }
        let instrument = self.current_instrument(library)?;
        Some(Step::ReasonNeeded {
            instrument: instrument.id.clone(),
            item: instrument.items[self.item].id.clone(),
            answer,
            flags,
        })
    }

    /// Gives `answer` (`None`: leaves the item unanswered) to the current item although it
    /// withdraws a risk flag acted on, because `by` gave `reason`. Returns `Step::FlagsWithdrawn`
    /// (to record first) and the steps of answering. A blank reason changes nothing.
    pub fn change_with_reason(
        &mut self,
        library: &Library,
        answer: Option<usize>,
        by: &str,
        reason: &str,
    ) -> Vec<Step> {
        let reason = reason.trim();
        if reason.is_empty() {
            return self.reason_needed(library, answer).into_iter().collect();
        }
        let flags = self.withdrawn_by(library, answer);
        let mut steps = Vec::new();
        if let Some(instrument) = self.current_instrument(library).filter(|_| !flags.is_empty()) {
            let (instrument, item) = (instrument.id.clone(), instrument.items[self.item].id.clone());
            self.pin_follow_ups(library, &instrument, &flags);
            self.changes.push(RiskChange {
                instrument: instrument.clone(),
                flags: flags.clone(),
                by: by.to_string(),
                reason: reason.to_string(),
            });
            steps.push(Step::FlagsWithdrawn { instrument, item, flags, reason: reason.to_string() });
        }
        steps.extend(match answer {
            Some(position) => self.apply_answer(library, position),
            None => self.apply_skip(library),
        });
        steps
    }

    /// The follow-ups that withdrawn `flags` of `instrument` called for stay due.
    fn pin_follow_ups(&mut self, library: &Library, instrument: &str, flags: &[String]) {
        let Some(definition) = library.get(instrument) else { return };
        let targets = flag_follow_ups(definition, flags);
        let pinned = self.pinned.entry(instrument.to_string()).or_default();
        for target in targets {
            if !pinned.contains(&target) {
                pinned.push(target);
            }
        }
        self.rebuild_queue();
    }

    /// Urgent flags nobody has acted on yet (a kiosk submission's non-acute positive ASQ or
    /// declined risk item, or an intake cut off at the urgent prompt): raised by the answers, or
    /// recorded as raised, and neither handled nor withdrawn with a reason. By instrument, the
    /// first one with any.
    pub fn unhandled_urgent(&self, library: &Library) -> Option<(String, Vec<FlagHit>)> {
        let withdrawn = |key: &str| self.changes.iter().any(|c| c.flags.iter().any(|f| f == key));
        let open = |key: &str| !self.handled.contains(key) && !withdrawn(key);
        self.queue.iter().find_map(|id| {
            let mut flags: Vec<FlagHit> = match (library.get(id), self.answers.get(id)) {
                (Some(instrument), Some(answers)) => score(instrument, answers, &self.context)
                    .flags
                    .into_iter()
                    .filter(|f| f.severity == Severity::Urgent && open(&format!("{id}.{}", f.id)))
                    .collect(),
                _ => Vec::new(),
            };
            for key in &self.raised_urgent {
                if let Some(flag) = key.strip_prefix(&format!("{id}."))
                    && open(key)
                    && !flags.iter().any(|f| f.id == flag)
                {
                    let item = flag.strip_suffix("_declined").map(str::to_string);
                    flags.push(FlagHit { id: flag.to_string(), severity: Severity::Urgent, item });
                }
            }
            (!flags.is_empty()).then(|| (id.clone(), flags))
        })
    }

    /// Risk flags withdrawn so far, with who and why.
    pub fn risk_changes(&self) -> &[RiskChange] {
        &self.changes
    }

    /// Whether the current instrument is due only because a risk answer was changed (nothing
    /// else calls for it), so a clinician may waive it.
    pub fn current_is_waivable(&self, library: &Library) -> bool {
        let Some(current) = self.current_instrument(library) else { return false };
        let id = &current.id;
        let pinned = self.pinned.values().any(|p| p.contains(id)) && !self.waived.contains(id);
        let called_for = self.base.contains(id) || self.results.values().any(|r| r.follow_ups.contains(id));
        pinned && !called_for
    }

    /// A clinician waives the current follow-up (see `current_is_waivable`) for `reason`: it
    /// leaves the queue and the flow moves on. Returns `Step::FollowUpWaived` to record (and
    /// `Step::Finished` when nothing is left); nothing if it cannot be waived or the reason is
    /// blank.
    pub fn waive_current(&mut self, library: &Library, reason: &str) -> Vec<Step> {
        let reason = reason.trim();
        if reason.is_empty() || !self.current_is_waivable(library) {
            return Vec::new();
        }
        let Some(id) = self.queue.get(self.current).cloned() else { return Vec::new() };
        self.waived.insert(id.clone());
        self.rebuild_queue();
        let mut steps = vec![Step::FollowUpWaived { instrument: id, reason: reason.to_string() }];
        // What followed the waived one now stands where it stood.
        steps.extend(self.enter_current(library));
        steps
    }
}

/// The follow-up instruments that `flags` (`instrument.flag`) of `instrument` call for.
fn flag_follow_ups(instrument: &Instrument, flags: &[String]) -> Vec<String> {
    instrument
        .flags
        .iter()
        .filter(|f| flags.iter().any(|key| key.strip_prefix(&format!("{}.", instrument.id)) == Some(f.id.as_str())))
        .filter_map(|f| f.follow_up.clone())
        .collect()
}
