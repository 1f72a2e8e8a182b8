//! The questionnaire flow of one encounter, pure: which instrument and item come next, skip
//! rules, follow-ups inserted when their rule fires, and critical flags caught on the answer that
//! raises them (not at the end of the instrument). A risk flag that was acted on is never undone
//! in silence: changing the answer that raised it needs a reason (`risk_change`).

pub mod care;
mod carry;
mod risk_change;

use std::collections::{BTreeMap, BTreeSet};

pub use risk_change::{RiskChange, RiskRecord};

use crate::instrument::{Context, FlagHit, Instrument, Lang, Library, ScoreResult, Severity, score};

/// What happened on an answer, for the shell to persist and show.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Persist this answer (position and scored value).
    Answered { instrument: String, version: String, item: String, position: usize, value: i64 },
    /// Critical flags not yet handled: stop and show the crisis protocol now.
    Crisis { instrument: String, flags: Vec<FlagHit> },
    /// Urgent flags not yet handled (a non-acute positive ASQ): staff act before the person
    /// leaves (the brief suicide safety assessment); the questionnaire may go on.
    Urgent { instrument: String, flags: Vec<FlagHit> },
    /// An instrument was completed; persist its result.
    Completed(Box<ScoreResult>),
    /// Follow-up instruments were added after the one just completed.
    FollowUpsAdded(Vec<String>),
    /// The client preferred not to answer a risk item (PHQ-9 item 9): it stays unanswered,
    /// never read as "no", and counts as a risk prompt (an urgent flag for staff).
    Declined { instrument: String, item: String },
    /// Every instrument is done.
    Finished,
    /// Nothing changed: this answer (`None`: leaving the item unanswered) would withdraw risk
    /// flags (`instrument.flag`) that staff already acted on. Ask for the reason, then call
    /// `IntakeFlow::change_with_reason`.
    ReasonNeeded { instrument: String, item: String, answer: Option<usize>, flags: Vec<String> },
    /// Risk flags acted on were withdrawn by a changed answer, for this reason: record it
    /// (before the answer itself) so the record keeps "raised, then changed".
    FlagsWithdrawn { instrument: String, item: String, flags: Vec<String>, reason: String },
    /// A clinician waived a follow-up that stayed due after its risk answer was changed.
    FollowUpWaived { instrument: String, reason: String },
}

/// Whether a flag names item `index` or reads it in its condition.
pub fn flag_reads_item(flag: &crate::instrument::model::Flag, index: usize) -> bool {
    let mut reads = Vec::new();
    flag.when.items(&mut reads);
    flag.item == Some(index) || reads.contains(&index)
}

/// The id of the urgent flag a declined risk item raises: `<item>_declined`.
pub fn declined_flag_id(item: &str) -> String {
    format!("{item}_declined")
}

#[derive(Debug, Clone, PartialEq)]
pub struct IntakeFlow {
    /// The bundle's instruments; follow-ups are inserted after the instrument that triggered them.
    base: Vec<String>,
    queue: Vec<String>,
    current: usize,
    item: usize,
    answers: BTreeMap<String, Vec<Option<usize>>>,
    results: BTreeMap<String, ScoreResult>,
    /// Critical flags (instrument.flag) already handled with a recorded crisis action.
    handled: BTreeSet<String>,
    /// Risk flags already put in front of the client (the kiosk's crisis and support screens):
    /// they do not interrupt again, but nobody acted on them, so changing them needs no reason.
    shown: BTreeSet<String>,
    /// Risk flags withdrawn by a changed answer, with who changed it and why (oldest first).
    changes: Vec<RiskChange>,
    /// Follow-ups that stay due after the risk answer that called for them was changed, by the
    /// instrument they follow; a clinician may waive them (`waived`).
    pinned: BTreeMap<String, Vec<String>>,
    waived: BTreeSet<String>,
    /// Urgent flags recorded as raised (see `RiskRecord::raised_urgent`).
    raised_urgent: BTreeSet<String>,
    context: Context,
    /// The language the questions are read in. A French form leaves out an optional, unscored
    /// item that its French source does not have (`english_only`: PHQ-9's difficulty question),
    /// as issue 13 allows, so a French client reads no English question.
    form_lang: Lang,
    finished: bool,
}

impl IntakeFlow {
    /// Starts a flow over the available instruments of `instruments` (unknown ids are dropped).
    pub fn new(library: &Library, instruments: &[String], context: Context) -> IntakeFlow {
        let base: Vec<String> = instruments.iter().filter(|id| library.get(id).is_some()).cloned().collect();
        let mut flow = IntakeFlow {
            queue: base.clone(),
            base,
            current: 0,
            item: 0,
            answers: BTreeMap::new(),
            results: BTreeMap::new(),
            handled: BTreeSet::new(),
            shown: BTreeSet::new(),
            changes: Vec::new(),
            pinned: BTreeMap::new(),
            waived: BTreeSet::new(),
            raised_urgent: BTreeSet::new(),
            context,
            form_lang: Lang::En,
            finished: false,
        };
        flow.finished = flow.queue.is_empty();
        flow.item = flow.first_enabled(library, 0).unwrap_or(0);
        flow
    }

    /// [`new`](Self::new) for a client reading the questions in `lang`.
    pub fn new_in(library: &Library, instruments: &[String], context: Context, lang: Lang) -> IntakeFlow {
        let mut flow = IntakeFlow::new(library, instruments, context);
        flow.form_lang = lang;
        flow.item = flow.first_enabled(library, 0).unwrap_or(0);
        flow
    }

    /// Rebuilds a flow from saved answers (instrument, item id, option position) in the order they
    /// were saved, the instruments whose results were saved, and the risk record (flags already
    /// handled, answers changed with a reason, follow-ups waived). The flow continues at the
    /// first unanswered item of the first unfinished instrument.
    pub fn restore(
        library: &Library,
        instruments: &[String],
        context: Context,
        saved: &[(String, String, usize)],
        completed: &BTreeSet<String>,
        risk: RiskRecord,
    ) -> IntakeFlow {
        IntakeFlow::restore_in(library, instruments, context, saved, completed, risk, Lang::En)
    }

    /// [`restore`](Self::restore) for a client reading the questions in `lang`.
    pub fn restore_in(
        library: &Library,
        instruments: &[String],
        context: Context,
        saved: &[(String, String, usize)],
        completed: &BTreeSet<String>,
        risk: RiskRecord,
        lang: Lang,
    ) -> IntakeFlow {
        let mut flow = IntakeFlow::new_in(library, instruments, context, lang);
        flow.restore_risk(library, risk);
        for (instrument_id, item_id, position) in saved {
            let Some(instrument) = library.get(instrument_id) else { continue };
            let Some(index) = instrument.item_index(item_id) else { continue };
            if *position >= instrument.options_of(index).len() {
                continue;
            }
            let answers =
                flow.answers.entry(instrument_id.clone()).or_insert_with(|| vec![None; instrument.items.len()]);
            answers[index] = Some(*position);
        }
        // An instrument is done when its result was saved, when every asked item is answered, or
        // when every asked required item is answered and answers to another instrument were saved
        // after it (a kiosk submission saves no results; an optional last item may be unanswered).
        let last_saved = |id: &str| saved.iter().rposition(|(i, _, _)| i == id);
        let moved_on = |id: &str| last_saved(id).is_some_and(|last| saved[last + 1..].iter().any(|(i, _, _)| i != id));
        loop {
            let before = flow.queue.clone();
            for id in &before {
                let Some(instrument) = library.get(id) else { continue };
                let answers = flow.answers_of(instrument);
                let enabled = flow.enabled(instrument);
                let answered = |i: usize| answers.get(i).copied().flatten().is_some();
                let all_asked = !answers.is_empty() && (0..instrument.items.len()).all(|i| !enabled[i] || answered(i));
                let all_required = !answers.is_empty()
                    && instrument
                        .items
                        .iter()
                        .enumerate()
                        .all(|(i, item)| !enabled[i] || !item.required || answered(i));
                let done = completed.contains(id) || all_asked || (all_required && moved_on(id));
                if done && !flow.results.contains_key(id) {
                    let result = library.score(instrument, flow.answers_of(instrument), &flow.context);
                    flow.results.insert(id.clone(), result);
                }
            }
            flow.rebuild_queue();
            if flow.queue == before {
                break;
            }
        }
        match flow.queue.iter().position(|id| !flow.results.contains_key(id)) {
            Some(current) => {
                flow.current = current;
                let instrument = library.get(&flow.queue[current]);
                flow.item = instrument
                    .and_then(|i| {
                        let enabled = flow.enabled(i);
                        let answers = flow.answers_of(i);
                        (0..i.items.len()).find(|&x| enabled[x] && answers.get(x).copied().flatten().is_none())
                    })
                    .or_else(|| flow.first_enabled(library, current))
                    .unwrap_or(0);
            }
            None => {
                flow.current = flow.queue.len().saturating_sub(1);
                flow.finished = true;
            }
        }
        flow
    }

    fn answers_of(&self, instrument: &Instrument) -> &[Option<usize>] {
        self.answers.get(&instrument.id).map_or(&[], Vec::as_slice)
    }

    fn rebuild_queue(&mut self) {
        struct Due<'a> {
            results: &'a BTreeMap<String, ScoreResult>,
            pinned: &'a BTreeMap<String, Vec<String>>,
            waived: &'a BTreeSet<String>,
        }
        fn push(id: &str, due: &Due, queue: &mut Vec<String>) {
            if queue.iter().any(|q| q == id) {
                return;
            }
            queue.push(id.to_string());
            if let Some(result) = due.results.get(id) {
                // A follow-up stays due after its risk answer changed, unless a clinician waived it.
                let pinned = due.pinned.get(id).into_iter().flatten().filter(|f| !due.waived.contains(*f));
                for follow_up in result.follow_ups.iter().chain(pinned) {
                    push(follow_up, due, queue);
                }
            }
        }
        let due = Due { results: &self.results, pinned: &self.pinned, waived: &self.waived };
        let mut queue = Vec::new();
        for id in &self.base {
            push(id, &due, &mut queue);
        }
        self.queue = queue;
    }

    fn enabled(&self, instrument: &Instrument) -> Vec<bool> {
        let mut answers = self.answers_of(instrument).to_vec();
        answers.resize(instrument.items.len(), None);
        let mut enabled = crate::instrument::score::enabled_items(instrument, &answers);
        if self.form_lang == Lang::Fr && instrument.languages.contains(&Lang::Fr) {
            for (shown, item) in enabled.iter_mut().zip(&instrument.items) {
                // Only an optional item the loader allows to lack French (never a scored one).
                if item.english_only && !item.required {
                    *shown = false;
                }
            }
        }
        enabled
    }

    fn first_enabled(&self, library: &Library, queue_index: usize) -> Option<usize> {
        let instrument = library.get(self.queue.get(queue_index)?)?;
        self.enabled(instrument).iter().position(|e| *e)
    }

    pub fn is_finished(&self) -> bool {
        self.finished
    }

    pub fn queue(&self) -> &[String] {
        &self.queue
    }

    /// (instrument index, instrument count) for "Questionnaire 2 of 5".
    pub fn instrument_progress(&self) -> (usize, usize) {
        (self.current + 1, self.queue.len())
    }

    pub fn current_instrument<'a>(&self, library: &'a Library) -> Option<&'a Instrument> {
        if self.finished {
            return None;
        }
        library.get(self.queue.get(self.current)?)
    }

    pub fn current_item(&self) -> usize {
        self.item
    }

    /// The option position already chosen for the current item, if any.
    pub fn current_answer(&self, library: &Library) -> Option<usize> {
        let instrument = self.current_instrument(library)?;
        self.answers_of(instrument).get(self.item).copied().flatten()
    }

    /// (item number among the items that will be asked, how many will be asked). An item whose
    /// skip rule waits on an unanswered item counts as asked until that answer decides it.
    pub fn item_progress(&self, library: &Library) -> (usize, usize) {
        let Some(instrument) = self.current_instrument(library) else { return (0, 0) };
        let answers = self.answers_of(instrument);
        let mut enabled = self.enabled(instrument);
        for index in 0..enabled.len() {
            if enabled[index] {
                continue;
            }
            // Skip rules read only earlier items, so their estimates are already settled.
            enabled[index] = instrument.items[index].enable_when.as_ref().is_some_and(|condition| {
                let mut reads = Vec::new();
                condition.items(&mut reads);
                reads.iter().any(|&r| r < index && enabled[r] && answers.get(r).copied().flatten().is_none())
            });
        }
        let number = enabled.iter().take(self.item + 1).filter(|e| **e).count();
        (number.max(1), enabled.iter().filter(|e| **e).count())
    }

    pub fn results(&self) -> impl Iterator<Item = &ScoreResult> {
        self.queue.iter().filter_map(|id| self.results.get(id))
    }

    /// Each instrument with answers so far and its answers (option positions), in queue order.
    pub fn answered(&self) -> impl Iterator<Item = (&str, &[Option<usize>])> {
        self.queue.iter().filter_map(|id| self.answers.get(id).map(|a| (id.as_str(), a.as_slice())))
    }

    pub fn context(&self) -> &Context {
        &self.context
    }

    /// Critical flags in the answers so far that no recorded crisis action has handled (a kiosk
    /// submission or an intake interrupted before the action was recorded).
    pub fn unhandled_critical(&self, library: &Library) -> Option<(String, Vec<FlagHit>)> {
        self.queue.iter().find_map(|id| {
            let instrument = library.get(id)?;
            let answers = self.answers.get(id)?;
            let flags: Vec<FlagHit> = score(instrument, answers, &self.context)
                .flags
                .into_iter()
                .filter(|f| f.severity == Severity::Critical && !self.handled.contains(&format!("{id}.{}", f.id)))
                .collect();
            (!flags.is_empty()).then(|| (id.clone(), flags))
        })
    }

    /// Marks critical flags as handled once the crisis action is recorded.
    pub fn mark_handled(&mut self, instrument: &str, flags: &[FlagHit]) {
        for flag in flags {
            self.handled.insert(format!("{instrument}.{}", flag.id));
        }
    }

    /// Marks risk flags as shown to the client (the kiosk), so they do not interrupt again.
    pub fn mark_shown(&mut self, instrument: &str, flags: &[FlagHit]) {
        for flag in flags {
            self.shown.insert(format!("{instrument}.{}", flag.id));
        }
    }

    fn interrupted_for(&self, key: &str) -> bool {
        self.handled.contains(key) || self.shown.contains(key)
    }

    /// Answers the current item with the option at `position` and moves on, unless the answer
    /// would withdraw a risk flag already acted on (then `Step::ReasonNeeded`, nothing changed).
    pub fn answer(&mut self, library: &Library, position: usize) -> Vec<Step> {
        if let Some(needed) = self.reason_needed(library, Some(position)) {
            return vec![needed];
        }
        self.apply_answer(library, position)
    }

    fn apply_answer(&mut self, library: &Library, position: usize) -> Vec<Step> {
        let Some(instrument) = self.current_instrument(library) else { return Vec::new() };
        let Some(option) = instrument.options_of(self.item).get(position) else { return Vec::new() };
        let item_count = instrument.items.len();
        let answers = self.answers.entry(instrument.id.clone()).or_insert_with(|| vec![None; item_count]);
        answers[self.item] = Some(position);
        let mut steps = vec![Step::Answered {
            instrument: instrument.id.clone(),
            version: instrument.version.clone(),
            item: instrument.items[self.item].id.clone(),
            position,
            value: option.value,
        }];
        // Risk flags are checked on every answer, with the answers so far.
        let partial = score(instrument, self.answers_of(instrument), &self.context);
        let new_critical: Vec<FlagHit> = partial
            .flags
            .iter()
            .filter(|f| {
                f.severity == Severity::Critical && !self.interrupted_for(&format!("{}.{}", instrument.id, f.id))
            })
            .cloned()
            .collect();
        let new_urgent: Vec<FlagHit> = partial
            .flags
            .iter()
            .filter(|f| f.severity == Severity::Urgent && !self.interrupted_for(&format!("{}.{}", instrument.id, f.id)))
            .cloned()
            .collect();
        if !new_critical.is_empty() {
            steps.push(Step::Crisis { instrument: instrument.id.clone(), flags: new_critical });
        } else if !new_urgent.is_empty() {
            steps.push(Step::Urgent { instrument: instrument.id.clone(), flags: new_urgent });
        }
        steps.extend(self.advance(library));
        steps
    }

    /// Moves past an optional item without answering it (clearing an earlier answer to it, which
    /// needs a reason when that answer raised a risk flag already acted on).
    pub fn skip(&mut self, library: &Library) -> Result<Vec<Step>, SkipRefused> {
        let Some(instrument) = self.current_instrument(library) else { return Ok(Vec::new()) };
        if instrument.items[self.item].required {
            return Err(SkipRefused);
        }
        if let Some(needed) = self.reason_needed(library, None) {
            return Ok(vec![needed]);
        }
        Ok(self.apply_skip(library))
    }

    fn apply_skip(&mut self, library: &Library) -> Vec<Step> {
        let Some(instrument) = self.current_instrument(library) else { return Vec::new() };
        if let Some(answers) = self.answers.get_mut(&instrument.id) {
            answers[self.item] = None;
        }
        self.advance(library)
    }

    fn advance(&mut self, library: &Library) -> Vec<Step> {
        let Some(instrument) = self.current_instrument(library) else { return Vec::new() };
        let enabled = self.enabled(instrument);
        if let Some(next) = (self.item + 1..instrument.items.len()).find(|&i| enabled[i]) {
            self.item = next;
            return Vec::new();
        }
        // The instrument is complete.
        let result = library.score(instrument, self.answers_of(instrument), &self.context);
        let id = instrument.id.clone();
        let before: Vec<String> = self.queue.clone();
        self.results.insert(id.clone(), result.clone());
        self.rebuild_queue();
        let added: Vec<String> = self.queue.iter().filter(|q| !before.contains(q)).cloned().collect();
        let mut steps = vec![Step::Completed(Box::new(result))];
        if !added.is_empty() {
            steps.push(Step::FollowUpsAdded(added));
        }
        self.current = self.queue.iter().position(|q| *q == id).map_or(self.queue.len(), |p| p + 1);
        steps.extend(self.enter_current(library));
        steps
    }

    /// Starts the instrument at `current` (with the answers it shares word for word with an
    /// earlier one: `carry`), or finishes the flow when none is left there.
    fn enter_current(&mut self, library: &Library) -> Vec<Step> {
        match self.queue.get(self.current).cloned() {
            Some(id) => {
                // A follow-up that was already answered earlier resumes at its first enabled item.
                self.results.remove(&id);
                self.item = self.first_enabled(library, self.current).unwrap_or(0);
                self.carry_forward(library)
            }
            None => {
                self.finished = true;
                self.current = self.queue.len().saturating_sub(1);
                vec![Step::Finished]
            }
        }
    }

    /// Whether the current item is a risk item that needs a "prefer not to answer" choice: a
    /// critical or urgent flag reads it (PHQ-9 item 9) and its options have no way to decline
    /// (the ASQ has its own "Declined to answer", which its rules already count as positive).
    pub fn current_item_is_risk(&self, library: &Library) -> bool {
        let Some(instrument) = self.current_instrument(library) else { return false };
        let item = self.item;
        let read_by_risk_flag =
            instrument.flags.iter().any(|flag| flag.severity >= Severity::Urgent && flag_reads_item(flag, item));
        read_by_risk_flag && !instrument.options_of(item).iter().any(|o| o.code == "declined")
    }

    /// The client prefers not to answer the current risk item: it is left unanswered (any
    /// earlier answer to it is cleared) and the flow moves on, even past a required item.
    /// Returns `Step::Declined` and the steps of moving on; nothing for an item that is not a
    /// risk item.
    pub fn decline(&mut self, library: &Library) -> Vec<Step> {
        if !self.current_item_is_risk(library) {
            return Vec::new();
        }
        let Some(instrument) = self.current_instrument(library) else { return Vec::new() };
        let item_count = instrument.items.len();
        let step = Step::Declined { instrument: instrument.id.clone(), item: instrument.items[self.item].id.clone() };
        let answers = self.answers.entry(instrument.id.clone()).or_insert_with(|| vec![None; item_count]);
        answers[self.item] = None;
        let mut steps = vec![step];
        steps.extend(self.advance(library));
        steps
    }

    /// Goes back one asked item, into the previous instrument if needed.
    pub fn back(&mut self, library: &Library) {
        if self.finished {
            self.finished = false;
            if let Some(id) = self.queue.get(self.current).cloned() {
                self.results.remove(&id);
            }
            if let Some(instrument) = self.current_instrument(library) {
                let enabled = self.enabled(instrument);
                self.item = enabled.iter().rposition(|e| *e).unwrap_or(0);
            }
            return;
        }
        let Some(instrument) = self.current_instrument(library) else { return };
        let enabled = self.enabled(instrument);
        if let Some(previous) = (0..self.item).rev().find(|&i| enabled[i]) {
            self.item = previous;
            return;
        }
        if self.current == 0 {
            return;
        }
        self.current -= 1;
        if let Some(id) = self.queue.get(self.current).cloned() {
            self.results.remove(&id);
        }
        self.rebuild_queue();
        if let Some(instrument) = self.current_instrument(library) {
            let enabled = self.enabled(instrument);
            self.item = enabled.iter().rposition(|e| *e).unwrap_or(0);
        }
    }
}

/// Answers are personal health information: wipe them from memory when the flow is dropped
/// (a kiosk forgets each client this way).
impl Drop for IntakeFlow {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        for answers in self.answers.values_mut() {
            answers.zeroize();
        }
    }
}

/// A required item cannot be skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SkipRefused;

#[cfg(test)]
mod tests;
