//! Keys, screen by screen: each screen's handler reads the kiosk key and changes the state or
//! asks for effects. The quick exit and the staff PIN prompt come first, on every screen.

use zeroize::Zeroize;

use super::delivery::{begin, crisis_lines, finish, send_progress};
use super::{AgeStatus, CodeStatus, Deps, Effect, Kiosk, KioskKey, MAX_AGE, MAX_TYPED, PinStatus, Screen, Typed};
use crate::instrument::{FlagHit, Lang, Severity};
use crate::intake::{Step, declined_flag_id, flag_reads_item};
use crate::store::ScoringContext;

/// One key on the screen in front: the quick exit and the staff PIN prompt on every screen, then
/// the screen's own keys.
pub(super) fn on_key(kiosk: &mut Kiosk, key: KioskKey, deps: &Deps, effects: &mut Vec<Effect>) {
    match key {
        KioskKey::QuickExit => return kiosk.quick_exit(effects),
        KioskKey::Admin => {
            if !matches!(kiosk.screen, Screen::Pin { .. }) {
                let previous = Box::new(kiosk.screen.clone());
                kiosk.go(Screen::Pin { input: Typed::default(), status: PinStatus::Typing, previous });
            }
            return;
        }
        _ => {}
    }
    match &kiosk.screen {
        Screen::Neutral => neutral_key(kiosk, effects),
        Screen::Welcome => welcome_key(kiosk, key),
        Screen::Code { .. } => code_key(kiosk, key, effects),
        Screen::Consent => consent_key(kiosk, key, deps, effects),
        Screen::Age { .. } => age_key(kiosk, key, deps, effects),
        Screen::Question => question_key(kiosk, key, deps, effects),
        Screen::Thanks | Screen::Declined => {
            if key == KioskKey::Enter {
                kiosk.reset(effects);
            }
        }
        Screen::Support => support_key(kiosk, key, deps, effects),
        Screen::Crisis | Screen::Saving => {}
        Screen::Pin { .. } => pin_key(kiosk, key, effects),
    }
}

/// Any key leaves the quick exit's neutral page for a clean screen.
fn neutral_key(kiosk: &mut Kiosk, effects: &mut Vec<Effect>) {
    kiosk.go(if kiosk.pending.is_some() { Screen::Saving } else { Screen::Welcome });
    effects.push(Effect::ClearTerminal);
}

/// 1 English, 2 French.
fn welcome_key(kiosk: &mut Kiosk, key: KioskKey) {
    let lang = match key {
        KioskKey::Digit(1) => Lang::En,
        KioskKey::Digit(2) => Lang::Fr,
        _ => return,
    };
    kiosk.lang = lang;
    kiosk.go(Screen::Code { input: String::new(), status: CodeStatus::Typing });
}

/// Typing a check-in code; Enter with none goes on without one.
fn code_key(kiosk: &mut Kiosk, key: KioskKey, effects: &mut Vec<Effect>) {
    let Screen::Code { input, status } = &mut kiosk.screen else { return };
    match key {
        _ if *status == CodeStatus::Checking => {}
        KioskKey::Digit(d) if input.chars().count() < MAX_TYPED => {
            input.push(char::from(b'0' + d));
            *status = CodeStatus::Typing;
        }
        KioskKey::Char(c) if (c.is_ascii_alphanumeric() || c == '-') && input.chars().count() < MAX_TYPED => {
            input.push(c.to_ascii_uppercase());
            *status = CodeStatus::Typing;
        }
        KioskKey::Back if input.is_empty() => kiosk.go(Screen::Welcome),
        KioskKey::Back => {
            input.pop();
        }
        KioskKey::Enter if input.trim().is_empty() => kiosk.go(Screen::Consent),
        KioskKey::Enter => match crate::store::kiosk::normalise_checkin_code(input) {
            Some(code) => {
                *status = CodeStatus::Checking;
                effects.push(Effect::Redeem(code));
            }
            None => {
                input.zeroize();
                *status = CodeStatus::Refused;
            }
        },
        _ => {}
    }
}

/// 1 consents, 2 declines.
fn consent_key(kiosk: &mut Kiosk, key: KioskKey, deps: &Deps, effects: &mut Vec<Effect>) {
    match key {
        KioskKey::Digit(1) => match kiosk.checkin_scoring {
            // The check-in code's client: their recorded sex and age.
            Some(scoring) => begin(kiosk, scoring, deps, effects),
            None => kiosk.go(Screen::Age { input: String::new(), status: AgeStatus::Typing }),
        },
        KioskKey::Digit(2) => {
            kiosk.checkin = None;
            kiosk.go(Screen::Declined);
        }
        KioskKey::Back => kiosk.go(Screen::Code { input: String::new(), status: CodeStatus::Typing }),
        _ => {}
    }
}

/// Typing the age, or Enter with none to leave it unknown.
fn age_key(kiosk: &mut Kiosk, key: KioskKey, deps: &Deps, effects: &mut Vec<Effect>) {
    let Screen::Age { input, status } = &mut kiosk.screen else { return };
    match key {
        KioskKey::Digit(d) if input.len() < 3 => {
            input.push(char::from(b'0' + d));
            *status = AgeStatus::Typing;
        }
        KioskKey::Back if input.is_empty() => kiosk.go(Screen::Consent),
        KioskKey::Back => {
            input.pop();
            *status = AgeStatus::Typing;
        }
        // Nothing typed: the age stays unknown (the instruments' rules for that apply).
        KioskKey::Enter if input.is_empty() => begin(kiosk, ScoringContext::default(), deps, effects),
        KioskKey::Enter => match input.parse::<u32>() {
            Ok(age) if (1..=MAX_AGE).contains(&age) => {
                begin(kiosk, ScoringContext { sex: None, age: Some(age) }, deps, effects)
            }
            _ => {
                input.clear();
                *status = AgeStatus::OutOfRange;
            }
        },
        _ => {}
    }
}

/// Enter or 1 goes back to the questions (or finishes, if none is left).
fn support_key(kiosk: &mut Kiosk, key: KioskKey, deps: &Deps, effects: &mut Vec<Effect>) {
    if matches!(key, KioskKey::Enter | KioskKey::Digit(1)) {
        kiosk.go(Screen::Question);
        if kiosk.client.as_ref().is_some_and(|c| c.flow.is_finished()) {
            finish(kiosk, true, deps, effects);
        }
    }
}

/// Typing the staff PIN; Enter with none goes back to the screen it came from.
fn pin_key(kiosk: &mut Kiosk, key: KioskKey, effects: &mut Vec<Effect>) {
    let Screen::Pin { input, status, previous } = &mut kiosk.screen else { return };
    match key {
        _ if *status == PinStatus::Checking => {}
        KioskKey::Digit(d) => {
            input.push(char::from(b'0' + d));
            *status = PinStatus::Typing;
        }
        KioskKey::Back => input.pop(),
        KioskKey::Enter if input.is_empty() => {
            let previous = (**previous).clone();
            kiosk.go(previous);
        }
        KioskKey::Enter => {
            *status = PinStatus::Checking;
            let typed = std::mem::take(input);
            effects.push(Effect::VerifyPin(typed));
        }
        _ => {}
    }
}

/// A number answers (one past the options: "prefer not to answer" under a risk item), Enter
/// keeps the answer given or skips, Back goes to the previous question.
fn question_key(kiosk: &mut Kiosk, key: KioskKey, deps: &Deps, effects: &mut Vec<Effect>) {
    let Some(client) = kiosk.client.as_mut() else {
        kiosk.reset(effects);
        return;
    };
    let library = deps.library;
    let steps = match key {
        KioskKey::Digit(d) if d >= 1 => {
            let Some(instrument) = client.flow.current_instrument(library) else { return };
            let count = instrument.options_of(client.flow.current_item()).len();
            if usize::from(d) == count + 1 && client.flow.current_item_is_risk(library) {
                // "Prefer not to answer", offered under every risk item.
                client.flow.decline(library)
            } else if usize::from(d) > count {
                return;
            } else {
                client.flow.answer(library, usize::from(d) - 1)
            }
        }
        KioskKey::Enter => {
            if let Some(position) = client.flow.current_answer(library) {
                client.flow.answer(library, position)
            } else {
                match client.flow.skip(library) {
                    Ok(steps) => steps,
                    Err(_) => return,
                }
            }
        }
        KioskKey::Back => {
            client.flow.back(library);
            return;
        }
        _ => return,
    };
    let mut crisis: Vec<(String, FlagHit)> = Vec::new();
    let mut urgent: Vec<(String, FlagHit)> = Vec::new();
    let mut finished = false;
    let mut support = false;
    for step in steps {
        match step {
            // The flow holds the answer; the box sent below is built from it.
            Step::Answered { .. } => {}
            Step::Crisis { instrument, flags } => {
                for flag in &flags {
                    push_once(&mut client.critical, format!("{instrument}.{}", flag.id));
                }
                client.flow.mark_shown(&instrument, &flags);
                crisis.extend(flags.into_iter().map(|f| (instrument.clone(), f)));
            }
            Step::Urgent { instrument, flags } => {
                for flag in &flags {
                    push_once(&mut client.urgent, format!("{instrument}.{}", flag.id));
                }
                client.flow.mark_shown(&instrument, &flags);
                client.support_due.extend(flags.into_iter().map(|f| (instrument.clone(), f)));
            }
            Step::Declined { instrument, item } => {
                support = true;
                push_once(&mut client.declined, format!("{instrument}.{item}"));
                push_once(&mut client.urgent, format!("{instrument}.{}", declined_flag_id(&item)));
                // The crisis lines are those of the risk the item asks about (PHQ-9 item 9:
                // suicidal ideation), as if it had been endorsed.
                if let Some(asked) = library.get(&instrument) {
                    let index = asked.item_index(&item);
                    urgent.extend(
                        asked
                            .flags
                            .iter()
                            .filter(|f| f.severity >= Severity::Urgent && index.is_some_and(|i| flag_reads_item(f, i)))
                            .map(|f| {
                                let hit = FlagHit { id: f.id.clone(), severity: f.severity, item: Some(item.clone()) };
                                (instrument.clone(), hit)
                            }),
                    );
                }
            }
            Step::Completed(result) => {
                push_once(&mut client.completed, result.instrument.clone());
                support |= !client.support_due.is_empty();
                urgent.append(&mut client.support_due);
            }
            Step::FollowUpsAdded(_) => {}
            Step::Finished => finished = true,
            // Only staff act on a flag (`mark_handled`); the kiosk only shows it (`mark_shown`),
            // so changing an answer here never needs a reason, and the flags already sent stay
            // in the submission (`critical` and `urgent` are never cleared).
            Step::ReasonNeeded { .. } | Step::FlagsWithdrawn { .. } | Step::FollowUpWaived { .. } => {}
        }
    }
    if !crisis.is_empty() {
        kiosk.crisis_lines = crisis_lines(kiosk, deps, &crisis);
        kiosk.alerted = false;
        kiosk.go(Screen::Crisis);
        finish(kiosk, false, deps, effects);
    } else if finished && !support {
        finish(kiosk, true, deps, effects);
    } else {
        // Every answer is sealed and sent as it is given, so whatever ends the flow now leaves
        // the answers so far with staff, marked incomplete.
        send_progress(kiosk, deps, effects);
        if support {
            kiosk.crisis_lines = crisis_lines(kiosk, deps, &urgent);
            kiosk.go(Screen::Support);
        }
    }
}

fn push_once(list: &mut Vec<String>, name: String) {
    if !list.contains(&name) {
        list.push(name);
    }
}
