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
    let Some(Step::Crisis { flags, .. }) = steps.iter().find(|s| matches!(s, Step::Crisis { .. })) else { panic!() };
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
    let start =
        library.screening_instruments(&bundle.instruments, bundle.risk_screen, crate::instrument::AsqMode::Universal);
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
    // The AUDIT starts at question 4 (1-3 carried from the AUDIT-C); back walks through the
    // carried answers, then into the AUDIT-C, which takes the follow-up away.
    for _ in 0..3 {
        flow.back(&library);
        assert_eq!(flow.current_instrument(&library).map(|i| i.id.as_str()), Some("audit"));
    }
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
        IntakeFlow::restore(&library, &base, Context::default(), &saved, &BTreeSet::new(), RiskRecord::default());
    // The optional difficulty item is still to come, so PHQ-9 continues there.
    let phq9 = library.get("phq9").unwrap();
    assert_eq!(restored.current_instrument(&library).map(|i| i.id.as_str()), Some("phq9"));
    assert_eq!(phq9.items[restored.current_item()].id, "difficulty");
    // Once another instrument's answers follow, PHQ-9 counts as done (difficulty skipped).
    let mut moved = saved.clone();
    moved.push(("asq".into(), "q1".into(), 1));
    let done =
        IntakeFlow::restore(&library, &base, Context::default(), &moved, &BTreeSet::new(), RiskRecord::default());
    assert_eq!(done.queue(), ["phq9", "asq"]);
    assert_eq!(done.current_instrument(&library).map(|i| i.id.as_str()), Some("asq"));
    let (instrument, flags) = restored.unhandled_critical(&library).unwrap();
    assert_eq!((instrument.as_str(), flags[0].id.as_str()), ("phq9", "suicidal_ideation"));
    let handled = BTreeSet::from(["phq9.suicidal_ideation".to_string()]);
    let restored = IntakeFlow::restore(
        &library,
        &base,
        Context::default(),
        &saved,
        &BTreeSet::new(),
        RiskRecord { handled, ..Default::default() },
    );
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
    let restored = IntakeFlow::restore(&library, &base, Context::default(), &saved, &completed, RiskRecord::default());
    assert_eq!(restored.queue(), flow.queue());
    assert_eq!(restored.instrument_progress(), flow.instrument_progress());
    assert_eq!(restored.current_item(), flow.current_item());
    assert_eq!(restored.current_instrument(&library).map(|i| &i.id), Some(&"gad7".to_string()));
}

/// PHQ-9 items 1-8 "not at all", item 9 "several days" (the crisis), the crisis action recorded,
/// then back from the difficulty item to item 9.
fn phq9_item9_acted_on(library: &Library, instruments: &[&str]) -> IntakeFlow {
    let ids: Vec<String> = instruments.iter().map(|i| i.to_string()).collect();
    let mut flow = IntakeFlow::new(library, &ids, Context::default());
    let steps = answer_all(&mut flow, library, &[0, 0, 0, 0, 0, 0, 0, 0, 1]);
    let Some(Step::Crisis { instrument, flags }) = steps.into_iter().find(|s| matches!(s, Step::Crisis { .. })) else {
        panic!("item 9 raises the crisis")
    };
    flow.mark_handled(&instrument, &flags);
    flow.back(library);
    assert_eq!(library.get("phq9").unwrap().items[flow.current_item()].id, "q9");
    flow
}

#[test]
fn changing_a_risk_answer_that_was_acted_on_needs_a_reason() {
    let library = library();
    let mut flow = phq9_item9_acted_on(&library, &["phq9", "gad7"]);
    let before = flow.clone();
    let steps = flow.answer(&library, 0);
    assert_eq!(
        steps,
        [Step::ReasonNeeded {
            instrument: "phq9".into(),
            item: "q9".into(),
            answer: Some(0),
            flags: vec!["phq9.suicidal_ideation".into()],
        }]
    );
    assert_eq!(flow, before, "nothing changes until the reason is given");
    // A blank reason is no reason.
    assert!(matches!(flow.change_with_reason(&library, Some(0), "marie", "   ")[..], [Step::ReasonNeeded { .. }]));
    assert_eq!(flow, before);
    let steps = flow.change_with_reason(&library, Some(0), "marie", "mis-keyed: the client said not at all");
    assert!(
        matches!(&steps[0], Step::FlagsWithdrawn { flags, reason, .. }
            if flags == &["phq9.suicidal_ideation"] && reason == "mis-keyed: the client said not at all"),
        "the reason is recorded before the answer: {steps:?}"
    );
    assert!(matches!(&steps[1], Step::Answered { item, position: 0, .. } if item == "q9"));
    assert_eq!(
        flow.risk_changes(),
        [RiskChange {
            instrument: "phq9".into(),
            flags: vec!["phq9.suicidal_ideation".into()],
            by: "marie".into(),
            reason: "mis-keyed: the client said not at all".into(),
        }]
    );
}

#[test]
fn a_flag_that_gives_way_to_a_more_serious_one_needs_no_reason() {
    let library = library();
    let mut flow = IntakeFlow::new(&library, &["asq".into()], Context::default());
    // Q1 yes: non-acute positive so far (urgent), acted on.
    let steps = flow.answer(&library, 0);
    let Some(Step::Urgent { instrument, flags }) = steps.into_iter().find(|s| matches!(s, Step::Urgent { .. })) else {
        panic!("Q1 yes is urgent")
    };
    flow.mark_handled(&instrument, &flags);
    for _ in 2..=4 {
        flow.answer(&library, 1);
    }
    // Q5 yes: acute. The urgent flag gives way to the critical one, and the crisis comes at once.
    let steps = flow.answer(&library, 0);
    assert!(matches!(&steps[0], Step::Answered { item, .. } if item == "q5"), "{steps:?}");
    assert!(steps.iter().any(|s| matches!(s, Step::Crisis { .. })), "{steps:?}");
}

#[test]
fn an_answer_that_keeps_the_flag_needs_no_reason() {
    let library = library();
    let mut flow = phq9_item9_acted_on(&library, &["phq9"]);
    // "Nearly every day" still raises the flag already acted on: no reason, no new crisis.
    let steps = flow.answer(&library, 3);
    assert!(matches!(&steps[0], Step::Answered { position: 3, .. }), "{steps:?}");
    assert!(!steps.iter().any(|s| matches!(s, Step::ReasonNeeded { .. } | Step::Crisis { .. })));
    assert!(flow.risk_changes().is_empty());
}

#[test]
fn a_flag_only_shown_at_the_kiosk_can_be_changed_without_a_reason() {
    let library = library();
    let mut flow = IntakeFlow::new(&library, &["phq9".into()], Context::default());
    let steps = answer_all(&mut flow, &library, &[0, 0, 0, 0, 0, 0, 0, 0, 1]);
    let Some(Step::Crisis { instrument, flags }) = steps.into_iter().find(|s| matches!(s, Step::Crisis { .. })) else {
        panic!()
    };
    flow.mark_shown(&instrument, &flags);
    flow.back(&library);
    assert!(matches!(flow.answer(&library, 0)[0], Step::Answered { .. }));
}

#[test]
fn the_follow_up_a_changed_risk_answer_called_for_stays_due_until_a_clinician_waives_it() {
    let library = library();
    // PHQ-9 item 9 calls for the ASQ (the organisation asks it only after item 9).
    let mut flow = phq9_item9_acted_on(&library, &["phq9", "gad7"]);
    flow.change_with_reason(&library, Some(0), "marie", "mis-keyed");
    let steps = flow.answer(&library, 0); // the difficulty item completes PHQ-9
    assert!(steps.iter().any(|s| matches!(s, Step::FollowUpsAdded(ids) if ids == &["asq"])), "{steps:?}");
    assert_eq!(flow.queue(), ["phq9", "asq", "gad7"]);
    assert!(flow.current_is_waivable(&library));
    assert!(flow.waive_current(&library, "  ").is_empty(), "a waiver needs a reason");
    let steps = flow.waive_current(&library, "ASQ negative this morning at the clinic");
    assert_eq!(
        steps,
        [Step::FollowUpWaived { instrument: "asq".into(), reason: "ASQ negative this morning at the clinic".into() }]
    );
    assert_eq!(flow.queue(), ["phq9", "gad7"]);
    assert_eq!(flow.current_instrument(&library).map(|i| i.id.as_str()), Some("gad7"));
    // Going back over PHQ-9 does not bring the waived ASQ back.
    flow.back(&library);
    flow.answer(&library, 0);
    assert_eq!(flow.queue(), ["phq9", "gad7"]);
}

#[test]
fn a_follow_up_in_the_bundle_itself_is_not_waivable() {
    let library = library();
    let mut flow = phq9_item9_acted_on(&library, &["phq9", "asq", "gad7"]);
    flow.change_with_reason(&library, Some(0), "marie", "mis-keyed");
    flow.answer(&library, 0);
    assert_eq!(flow.current_instrument(&library).map(|i| i.id.as_str()), Some("asq"));
    assert!(!flow.current_is_waivable(&library));
}

#[test]
fn a_resumed_flow_keeps_the_change_and_the_follow_up_due() {
    let library = library();
    let base = vec!["phq9".to_string(), "gad7".to_string()];
    let mut saved: Vec<(String, String, usize)> = (1..=9).map(|i| ("phq9".into(), format!("q{i}"), 0)).collect();
    saved.push(("phq9".into(), "q10".into(), 0));
    let change = RiskChange {
        instrument: "phq9".into(),
        flags: vec!["phq9.suicidal_ideation".into()],
        by: "marie".into(),
        reason: "mis-keyed".into(),
    };
    let risk = RiskRecord {
        handled: BTreeSet::from(["phq9.suicidal_ideation".to_string()]),
        changes: vec![change.clone()],
        ..Default::default()
    };
    let completed = BTreeSet::from(["phq9".to_string()]);
    let restored = IntakeFlow::restore(&library, &base, Context::default(), &saved, &completed, risk.clone());
    assert_eq!(restored.risk_changes(), [change]);
    assert_eq!(restored.queue(), ["phq9", "asq", "gad7"]);
    assert_eq!(restored.current_instrument(&library).map(|i| i.id.as_str()), Some("asq"));
    let waived = RiskRecord { waived: BTreeSet::from(["asq".to_string()]), ..risk };
    let restored = IntakeFlow::restore(&library, &base, Context::default(), &saved, &completed, waived);
    assert_eq!(restored.queue(), ["phq9", "gad7"]);
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    #[derive(Debug, Clone)]
    enum Move {
        Answer(usize),
        Back,
        Skip,
        ChangeWithReason(usize),
    }

    fn moves() -> impl Strategy<Value = Vec<Move>> {
        let one = prop_oneof![
            4 => (0usize..4).prop_map(Move::Answer),
            2 => Just(Move::Back),
            1 => Just(Move::Skip),
            1 => (0usize..4).prop_map(Move::ChangeWithReason),
        ];
        proptest::collection::vec(one, 0..60)
    }

    proptest! {
        /// Whatever the worker does, a risk flag acted on is either still raised by the answers
        /// or withdrawn with a reason on record: never gone in silence.
        #[test]
        fn a_flag_acted_on_is_raised_or_withdrawn_with_a_reason(moves in moves()) {
            let library = Library::shipped();
            let base: Vec<String> = ["phq9", "asq", "gad7"].iter().map(|s| s.to_string()).collect();
            let mut flow = IntakeFlow::new(&library, &base, Context::default());
            let mut acted_on: BTreeSet<String> = BTreeSet::new();
            for step in moves {
                let steps = match step {
                    Move::Answer(p) => flow.answer(&library, p),
                    Move::Back => {
                        flow.back(&library);
                        Vec::new()
                    }
                    Move::Skip => flow.skip(&library).unwrap_or_default(),
                    Move::ChangeWithReason(p) => flow.change_with_reason(&library, Some(p), "marie", "reason"),
                };
                for step in steps {
                    if let Step::Crisis { instrument, flags } | Step::Urgent { instrument, flags } = step {
                        acted_on.extend(flags.iter().map(|f| format!("{instrument}.{}", f.id)));
                        flow.mark_handled(&instrument, &flags);
                    }
                }
                for key in &acted_on {
                    let (instrument_id, flag) = key.split_once('.').unwrap();
                    let instrument = library.get(instrument_id).unwrap();
                    let answers = flow.answers.get(instrument_id).cloned().unwrap_or_default();
                    let flags = score(instrument, &answers, &flow.context).flags;
                    let severity = instrument.flags.iter().find(|f| f.id == flag).unwrap().severity;
                    let raised = flags.iter().any(|f| f.id == flag);
                    // Given way to a flag at least as serious (non-acute -> acute ASQ).
                    let risen = flags.iter().any(|f| f.severity >= severity);
                    let withdrawn = flow.risk_changes().iter().any(|c| c.flags.contains(key) && !c.reason.is_empty());
                    prop_assert!(raised || risen || withdrawn, "{key} vanished without a reason");
                }
            }
        }
    }
}

#[test]
fn a_follow_up_takes_the_answers_given_in_the_same_words_and_asks_the_rest() {
    let library = library();
    let mut flow = IntakeFlow::new(&library, &["phq2".into(), "gad2".into()], Context::default());
    flow.answer(&library, 2);
    let steps = flow.answer(&library, 3); // PHQ-2 = 5: positive, the PHQ-9 follows
    assert!(steps.iter().any(|s| matches!(s, Step::FollowUpsAdded(ids) if ids == &["phq9"])), "{steps:?}");
    // PHQ-9 items 1 and 2 are PHQ-2's, word for word: saved as answered, and item 3 is next.
    let carried: Vec<(&str, usize)> = steps
        .iter()
        .filter_map(|s| match s {
            Step::Answered { instrument, item, position, .. } if instrument == "phq9" => {
                Some((item.as_str(), *position))
            }
            _ => None,
        })
        .collect();
    assert_eq!(carried, [("q1", 2), ("q2", 3)]);
    let phq9 = library.get("phq9").unwrap();
    assert_eq!(phq9.items[flow.current_item()].id, "q3");
    assert_eq!(flow.item_progress(&library).0, 3, "shown as item 3: the first two are answered");
    // Changeable: back goes to item 2, already answered, and another answer replaces it.
    flow.back(&library);
    assert_eq!(phq9.items[flow.current_item()].id, "q2");
    assert_eq!(flow.current_answer(&library), Some(3));
    let steps = flow.answer(&library, 1);
    assert!(
        matches!(&steps[0], Step::Answered { instrument, item, position: 1, .. } if instrument == "phq9" && item == "q2")
    );
}

#[test]
fn a_positive_audit_c_carries_its_three_answers_into_the_audit() {
    let library = library();
    let mut flow = IntakeFlow::new(&library, &["auditc".into()], Context::default());
    let mut steps = Vec::new();
    for position in [2, 1, 1] {
        steps = flow.answer(&library, position);
    }
    assert!(steps.iter().any(|s| matches!(s, Step::FollowUpsAdded(ids) if ids == &["audit"])), "{steps:?}");
    // The AUDIT-C is the AUDIT's questions 1-3 in the WHO words: all three are carried, and
    // the AUDIT goes on at question 4 (its own skip rules still apply to what follows).
    let carried: Vec<(&str, usize)> = steps
        .iter()
        .filter_map(|s| match s {
            Step::Answered { instrument, item, position, .. } if instrument == "audit" => {
                Some((item.as_str(), *position))
            }
            _ => None,
        })
        .collect();
    assert_eq!(carried, [("q1", 2), ("q2", 1), ("q3", 1)]);
    let audit = library.get("audit").unwrap();
    assert_eq!(audit.items[flow.current_item()].id, "q4");
}

#[test]
fn taking_back_the_yes_under_an_acute_asq_withdraws_both_flags_acted_on_by_name() {
    let library = Library::shipped();
    let base: Vec<String> = ["asq", "gad7"].iter().map(|s| s.to_string()).collect();
    let mut flow = IntakeFlow::new(&library, &base, Context::default());
    let (yes, no) = (0, 1);
    let act = |flow: &mut IntakeFlow, steps: Vec<Step>| {
        for step in steps {
            if let Step::Crisis { instrument, flags } | Step::Urgent { instrument, flags } = step {
                flow.mark_handled(&instrument, &flags);
            }
        }
    };
    for answer in [yes, no, no, no, yes] {
        let steps = flow.answer(&library, answer);
        act(&mut flow, steps);
    }
    assert!(flow.handled.contains("asq.non_acute_positive") && flow.handled.contains("asq.acute_positive"));
    while !(flow.current_instrument(&library).is_some_and(|i| i.id == "asq") && flow.current_item() == 0) {
        flow.back(&library);
    }
    // Q1 now No: the ASQ is negative, so the acute flag and the non-acute one beneath it both go.
    let Some(Step::ReasonNeeded { flags, .. }) = flow.answer(&library, no).into_iter().next() else {
        panic!("a reason is needed")
    };
    assert_eq!(flags, ["asq.acute_positive", "asq.non_acute_positive"]);
    let steps = flow.change_with_reason(&library, Some(no), "marie", "misread the question");
    let withdrawn: Vec<&String> = steps
        .iter()
        .flat_map(|s| if let Step::FlagsWithdrawn { flags, .. } = s { flags.iter().collect() } else { vec![] })
        .collect();
    assert_eq!(withdrawn, ["asq.acute_positive", "asq.non_acute_positive"]);
}
