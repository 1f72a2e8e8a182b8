//! The questionnaire flow of one encounter, pure: which instrument and item come next, skip
//! rules, follow-ups inserted when their rule fires, and critical flags caught on the answer that
//! raises them (not at the end of the instrument).

use std::collections::{BTreeMap, BTreeSet};

use crate::instrument::{Context, FlagHit, Instrument, Library, ScoreResult, Severity, score};

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
    context: Context,
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
            context,
            finished: false,
        };
        flow.finished = flow.queue.is_empty();
        flow.item = flow.first_enabled(library, 0).unwrap_or(0);
        flow
    }

    /// Rebuilds a flow from saved answers (instrument, item id, option position) in the order they
    /// were saved, the instruments whose results were saved, and the critical flags already
    /// handled. The flow continues at the first unanswered item of the first unfinished instrument.
    pub fn restore(
        library: &Library,
        instruments: &[String],
        context: Context,
        saved: &[(String, String, usize)],
        completed: &BTreeSet<String>,
        handled: BTreeSet<String>,
    ) -> IntakeFlow {
        let mut flow = IntakeFlow::new(library, instruments, context);
        flow.handled = handled;
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
                        let enabled = crate::instrument::score::enabled_items(i, flow.answers_of(i));
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
        fn push(id: &str, results: &BTreeMap<String, ScoreResult>, queue: &mut Vec<String>) {
            if queue.iter().any(|q| q == id) {
                return;
            }
            queue.push(id.to_string());
            if let Some(result) = results.get(id) {
                for follow_up in &result.follow_ups {
                    push(follow_up, results, queue);
                }
            }
        }
        let mut queue = Vec::new();
        for id in &self.base {
            push(id, &self.results, &mut queue);
        }
        self.queue = queue;
    }

    fn enabled(&self, instrument: &Instrument) -> Vec<bool> {
        let mut answers = self.answers_of(instrument).to_vec();
        answers.resize(instrument.items.len(), None);
        crate::instrument::score::enabled_items(instrument, &answers)
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

    /// Answers the current item with the option at `position` and moves on.
    pub fn answer(&mut self, library: &Library, position: usize) -> Vec<Step> {
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
                f.severity == Severity::Critical && !self.handled.contains(&format!("{}.{}", instrument.id, f.id))
            })
            .cloned()
            .collect();
        let new_urgent: Vec<FlagHit> = partial
            .flags
            .iter()
            .filter(|f| {
                f.severity == Severity::Urgent && !self.handled.contains(&format!("{}.{}", instrument.id, f.id))
            })
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

    /// Moves past an optional item without answering it.
    pub fn skip(&mut self, library: &Library) -> Result<Vec<Step>, SkipRefused> {
        let Some(instrument) = self.current_instrument(library) else { return Ok(Vec::new()) };
        if instrument.items[self.item].required {
            return Err(SkipRefused);
        }
        if let Some(answers) = self.answers.get_mut(&instrument.id) {
            answers[self.item] = None;
        }
        Ok(self.advance(library))
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
        match self.queue.get(self.current) {
            Some(_) => {
                // A follow-up that was already answered earlier resumes at its first enabled item.
                self.results.remove(&self.queue[self.current].clone());
                self.item = self.first_enabled(library, self.current).unwrap_or(0);
            }
            None => {
                self.finished = true;
                self.current = self.queue.len().saturating_sub(1);
                steps.push(Step::Finished);
            }
        }
        steps
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
mod tests {
    use super::*;

    fn library() -> Library {
        Library::shipped()
    }

    fn answer_all(flow: &mut IntakeFlow, library: &Library, positions: &[usize]) -> Vec<Step> {
        positions.iter().flat_map(|p| flow.answer(library, *p)).collect()
    }

    #[test]
    fn phq9_item_9_interrupts_on_that_answer_and_adds_the_asq() {
        let library = library();
        let mut flow = IntakeFlow::new(&library, &["phq9".into(), "gad7".into()], Context::default());
        let steps = answer_all(&mut flow, &library, &[0, 0, 0, 0, 0, 0, 0, 0]);
        assert!(!steps.iter().any(|s| matches!(s, Step::Crisis { .. })));
        let steps = flow.answer(&library, 1);
        assert!(
            matches!(&steps[1], Step::Crisis { instrument, flags } if instrument == "phq9" && flags[0].id == "suicidal_ideation")
        );
        // The unscored difficulty item comes next; completing PHQ-9 inserts the ASQ before GAD-7.
        let steps = flow.answer(&library, 0);
        assert!(steps.iter().any(|s| matches!(s, Step::FollowUpsAdded(ids) if ids == &["asq"])));
        assert_eq!(flow.queue(), ["phq9", "asq", "gad7"]);
        assert_eq!(flow.current_instrument(&library).map(|i| i.id.as_str()), Some("asq"));
    }

    #[test]
    fn a_handled_flag_does_not_interrupt_again() {
        let library = library();
        let mut flow = IntakeFlow::new(&library, &["phq9".into()], Context::default());
        let steps = answer_all(&mut flow, &library, &[0, 0, 0, 0, 0, 0, 0, 0, 2]);
        let Some(Step::Crisis { flags, .. }) = steps.iter().find(|s| matches!(s, Step::Crisis { .. })) else {
            panic!()
        };
        flow.mark_handled("phq9", &flags.clone());
        flow.back(&library);
        let steps = flow.answer(&library, 3);
        assert!(!steps.iter().any(|s| matches!(s, Step::Crisis { .. })));
    }

    #[test]
    fn skip_rules_are_followed_and_progress_counts_asked_items() {
        let library = library();
        let mut flow = IntakeFlow::new(&library, &["audit".into()], Context::default());
        assert_eq!(flow.item_progress(&library), (1, 10));
        flow.answer(&library, 0); // never drinks: skip to item 9
        let audit = library.get("audit").unwrap();
        assert_eq!(audit.items[flow.current_item()].id, "q9");
        assert_eq!(flow.item_progress(&library), (2, 3));
        flow.back(&library);
        assert_eq!(audit.items[flow.current_item()].id, "q1");
    }

    #[test]
    fn required_items_cannot_be_skipped_but_optional_ones_can() {
        let library = library();
        let mut flow = IntakeFlow::new(&library, &["phq9".into()], Context::default());
        assert_eq!(flow.skip(&library), Err(SkipRefused));
        answer_all(&mut flow, &library, &[0; 9]);
        let steps = flow.skip(&library).unwrap();
        assert!(steps.iter().any(|s| matches!(s, Step::Finished)));
        assert!(flow.is_finished());
        assert_eq!(flow.results().next().and_then(|r| r.total), Some(0));
    }

    /// Issue 11: in universal mode the ASQ is in the starting list right after PHQ-9, and a
    /// PHQ-9 item 9 answer (whose follow-up is the ASQ) does not queue it a second time.
    #[test]
    fn universal_asq_is_asked_once_when_phq9_item_9_also_calls_for_it() {
        let library = library();
        let bundle = library.bundle("adult-core").unwrap();
        let start = library.screening_instruments(
            &bundle.instruments,
            bundle.risk_screen,
            crate::instrument::AsqMode::Universal,
        );
        assert_eq!(start, ["phq9", "asq", "gad7", "auditc", "dast10", "pcptsd5"]);
        let mut flow = IntakeFlow::new(&library, &start, Context::default());
        answer_all(&mut flow, &library, &[0, 0, 0, 0, 0, 0, 0, 0, 2, 0]);
        assert_eq!(flow.queue().iter().filter(|id| *id == "asq").count(), 1, "{:?}", flow.queue());
        assert_eq!(flow.current_instrument(&library).map(|i| i.id.as_str()), Some("asq"));
        let unchanged = library.screening_instruments(
            &bundle.instruments,
            bundle.risk_screen,
            crate::instrument::AsqMode::AfterPhq9Item9,
        );
        assert_eq!(unchanged, bundle.instruments);
    }

    #[test]
    fn positive_screen_adds_its_follow_up_and_back_removes_it() {
        let library = library();
        let mut flow = IntakeFlow::new(&library, &["auditc".into(), "dast10".into()], Context::default());
        answer_all(&mut flow, &library, &[2, 1, 1]);
        assert_eq!(flow.queue(), ["auditc", "audit", "dast10"]);
        flow.back(&library);
        flow.back(&library);
        assert_eq!(flow.queue(), ["auditc", "dast10"]);
    }

    #[test]
    fn a_complete_kiosk_submission_restores_as_finished_with_its_flag_unhandled() {
        let library = library();
        let base = vec!["phq9".to_string()];
        let saved: Vec<(String, String, usize)> =
            (1..=9).map(|i| ("phq9".to_string(), format!("q{i}"), usize::from(i == 9))).collect();
        let restored =
            IntakeFlow::restore(&library, &base, Context::default(), &saved, &BTreeSet::new(), BTreeSet::new());
        // The optional difficulty item is still to come, so PHQ-9 continues there.
        let phq9 = library.get("phq9").unwrap();
        assert_eq!(restored.current_instrument(&library).map(|i| i.id.as_str()), Some("phq9"));
        assert_eq!(phq9.items[restored.current_item()].id, "difficulty");
        // Once another instrument's answers follow, PHQ-9 counts as done (difficulty skipped).
        let mut moved = saved.clone();
        moved.push(("asq".into(), "q1".into(), 1));
        let done = IntakeFlow::restore(&library, &base, Context::default(), &moved, &BTreeSet::new(), BTreeSet::new());
        assert_eq!(done.queue(), ["phq9", "asq"]);
        assert_eq!(done.current_instrument(&library).map(|i| i.id.as_str()), Some("asq"));
        let (instrument, flags) = restored.unhandled_critical(&library).unwrap();
        assert_eq!((instrument.as_str(), flags[0].id.as_str()), ("phq9", "suicidal_ideation"));
        let handled = BTreeSet::from(["phq9.suicidal_ideation".to_string()]);
        let restored = IntakeFlow::restore(&library, &base, Context::default(), &saved, &BTreeSet::new(), handled);
        assert!(restored.unhandled_critical(&library).is_none());
    }

    #[test]
    fn only_a_risk_item_can_be_declined_and_it_stays_unanswered() {
        let library = library();
        let base = vec!["phq9".to_string(), "asq".to_string()];
        let mut flow = IntakeFlow::new(&library, &base, Context::default());
        assert!(!flow.current_item_is_risk(&library));
        assert!(flow.decline(&library).is_empty(), "item 1 is not a risk item");
        for _ in 0..8 {
            flow.answer(&library, 0);
        }
        assert!(flow.current_item_is_risk(&library), "PHQ-9 item 9");
        flow.answer(&library, 2);
        flow.back(&library);
        let steps = flow.decline(&library);
        assert_eq!(steps[0], Step::Declined { instrument: "phq9".into(), item: "q9".into() });
        assert!(!steps.iter().any(|s| matches!(s, Step::Crisis { .. })));
        let phq9 = library.get("phq9").unwrap();
        let answers = flow.answered().find(|(id, _)| *id == "phq9").map(|(_, a)| a.to_vec()).unwrap();
        assert_eq!(answers[phq9.item_index("q9").unwrap()], None, "the earlier answer is cleared, never read as no");
        // The ASQ has its own "Declined to answer": no extra choice there.
        while flow.current_instrument(&library).is_some_and(|i| i.id == "phq9") {
            flow.skip(&library).unwrap();
        }
        assert_eq!(flow.current_instrument(&library).map(|i| i.id.as_str()), Some("asq"));
        assert!(!flow.current_item_is_risk(&library));
    }

    #[test]
    fn restore_continues_exactly_where_it_stopped() {
        let library = library();
        let base = vec!["phq9".to_string(), "gad7".to_string()];
        let mut flow = IntakeFlow::new(&library, &base, Context::default());
        let mut saved = Vec::new();
        let mut completed = BTreeSet::new();
        for position in [1, 1, 0, 2, 0, 0, 1, 0, 0, 0, 2, 1] {
            for step in flow.answer(&library, position) {
                match step {
                    Step::Answered { instrument, item, position, .. } => saved.push((instrument, item, position)),
                    Step::Completed(result) => {
                        completed.insert(result.instrument.clone());
                    }
                    _ => {}
                }
            }
        }
        let restored = IntakeFlow::restore(&library, &base, Context::default(), &saved, &completed, BTreeSet::new());
        assert_eq!(restored.queue(), flow.queue());
        assert_eq!(restored.instrument_progress(), flow.instrument_progress());
        assert_eq!(restored.current_item(), flow.current_item());
        assert_eq!(restored.current_instrument(&library).map(|i| &i.id), Some(&"gad7".to_string()));
    }
}
