//! The intake itself, read line by line: the bundle, consent, one question at a time (the
//! client's language, the instrument's wording as published) and the crisis protocol, read
//! first on the answer that raised it with its crisis lines digit by digit.

use crate::instrument::{Lang, Library};
use crate::tui::app::{Action, App, CrisisState, Deps, crisis_actions, start_instruments};
use crate::tui::screens::bundle::BundleState;
use crate::tui::screens::questionnaire::ReasonFor;
use crate::tui::view::{clean, crisis_lines_for};
use crate::ui::strings::{Text, fill};

use super::{Command, leading_number};
use crate::plain::page::{Page, choice};
use crate::plain::speech::{plain, spoken_numbers};

/// "{answer} is not one of the choices" for a line on a list of `count`.
pub(super) fn not_a_choice(typed: &str, count: usize, lang: Lang) -> Command {
    let answer = typed.chars().take(8).collect();
    Command::Refused(plain(&fill(Text::PlainNotAChoice, lang, &[("answer", answer), ("n", count.to_string())])))
}

/// A number from 1 to `count` typed alone.
fn number_in(typed: &str, count: usize) -> Option<usize> {
    typed.parse::<usize>().ok().filter(|n| (1..=count).contains(n))
}

pub fn bundle(app: &App, state: &BundleState, library: &Library) -> Page {
    let lang = app.lang;
    let mut page = Page::new("bundle");
    page.line(format!("{}, {}", Text::BundleTitle.get(lang), clean(&state.client.name)));
    page.line(Text::BundleIntro.get(lang));
    for (at, id) in state.bundles.iter().enumerate() {
        let Some(bundle) = library.bundle(id) else { continue };
        let names: Vec<String> = start_instruments(library, id, app.org.as_ref())
            .iter()
            .map(|i| library.get(i).map_or_else(|| clean(i), |x| clean(x.short_title.get(lang))))
            .collect();
        let mut text = format!("{}: {}", clean(bundle.label.get(lang)), names.join(", "));
        if !bundle.risk_screen {
            text = format!("{text}. {}", Text::BundleNoRiskScreen.get(lang));
        }
        page.choices.push(choice(at + 1, &text, lang));
    }
    if let Some(bundle) = state.bundles.get(state.selected).and_then(|id| library.bundle(id)) {
        let label = clean(bundle.label.get(lang));
        page.tail.push(plain(&fill(Text::PlainBundleEnter, lang, &[("bundle", label)])));
    }
    page
}

pub fn bundle_command(count: usize, typed: &str, lang: Lang) -> Command {
    match typed {
        "" => Command::Keys(vec![Action::Submit]),
        "b" | "B" => Command::Keys(vec![Action::Back]),
        _ => match number_in(typed, count) {
            Some(n) => Command::Keys(vec![Action::Choose(n - 1), Action::Submit]),
            None => not_a_choice(typed, count, lang),
        },
    }
}

pub fn consent(app: &App) -> Page {
    let lang = app.lang;
    let mut page = Page::new("consent");
    page.line(Text::ConsentTitle.get(lang));
    if let Some(intake) = &app.intake {
        page.line(clean(&intake.client.name));
    }
    page.line(Text::ConsentBody.get(app.client_lang()));
    page.line(Text::ConsentQuestion.get(lang));
    page.choices =
        vec![choice(1, Text::ConsentGiven.get(lang), lang), choice(2, Text::ConsentDeclined.get(lang), lang)];
    page.tail.push(plain(&fill(Text::PlainTypeChoice, lang, &[("n", "2".into())])));
    page
}

pub fn consent_command(typed: &str, lang: Lang) -> Command {
    match typed {
        "1" => Command::Keys(vec![Action::Choose(0)]),
        "2" => Command::Keys(vec![Action::Choose(1)]),
        "b" | "B" => Command::Keys(vec![Action::Back]),
        _ => not_a_choice(typed, 2, lang),
    }
}

/// The item in front: the instrument's context once, the item and its options, what is
/// answered already, and the reason prompt when a changed answer needs one.
pub fn question(app: &App, library: &Library) -> Page {
    let ui = app.lang;
    let Some(intake) = &app.intake else { return Page::new("question") };
    let Some(instrument) = intake.flow.current_instrument(library) else { return Page::new("question") };
    let client_lang = app.client_lang();
    let index = intake.flow.current_item();
    let item = &instrument.items[index];
    let lang = instrument.item_lang(index, client_lang);
    let mut page = Page::new(format!("question:{}:{}", instrument.id, item.id));
    let (number, of) = intake.flow.instrument_progress();
    let progress = fill(Text::InstrumentOf, ui, &[("n", number.to_string()), ("total", of.to_string())]);
    page.once.push(plain(&format!("{}, {progress}", clean(instrument.short_title.get(lang)))));
    if lang != client_lang {
        let note =
            if instrument.languages.contains(&client_lang) { Text::EnglishOnlyItem } else { Text::EnglishOnlyStaff };
        page.once.push(plain(note.get(client_lang)));
    }
    page.once.extend(item.instructions.as_ref().map(|t| plain(t.get(lang))));
    if item.use_stem {
        page.once.extend(instrument.timeframe.as_ref().map(|t| plain(t.get(lang))));
        page.once.extend(instrument.stem.as_ref().map(|t| plain(t.get(lang))));
    }
    page.once.push(plain(Text::PlainQuestionKeys.get(ui)));
    let (item_number, item_total) = intake.flow.item_progress(library);
    page.line(fill(Text::ItemOf, ui, &[("n", item_number.to_string()), ("total", item_total.to_string())]));
    for text in item.text.get(lang).lines() {
        page.line(text);
    }
    if let Some(hint) = &item.hint {
        page.line(format!("{} {}", Text::OurNote.get(client_lang), hint.get(client_lang)));
    }
    if let Some(added) = &intake.notice {
        let names: Vec<String> =
            added.iter().map(|id| library.get(id).map_or(id.clone(), |i| clean(i.short_title.get(lang)))).collect();
        page.line(format!("{} {}", Text::FollowUpAdded.get(ui), names.join(", ")));
    }
    if intake.flow.current_is_waivable(library) {
        page.line(Text::FollowUpStillDue.get(ui));
    }
    let options = instrument.options_of(index);
    page.choices = options.iter().enumerate().map(|(at, o)| choice(at + 1, o.text.get(lang), lang)).collect();
    if let Some(position) = intake.flow.current_answer(library) {
        page.tail.push(plain(&fill(Text::PlainAnswerNow, ui, &[("n", (position + 1).to_string())])));
    }
    if let crate::tui::app::SaveState::Failed(error) = &intake.save {
        let state = if error.kind.outcome_unknown() { Text::NotConfirmed } else { Text::NotSaved };
        page.tail.push(plain(&format!("{}: {}", state.get(ui), error.render(ui))));
    }
    if let Some(prompt) = &intake.reason {
        page.key.push_str(":reason");
        match &prompt.purpose {
            ReasonFor::ChangeAnswer { flags, .. } => {
                page.tail.push(plain(Text::ReasonWithdrawTitle.get(ui)));
                for key in flags {
                    let id = key.split_once('.').map_or(key.as_str(), |(_, flag)| flag);
                    let label = instrument
                        .flags
                        .iter()
                        .find(|f| f.id == id)
                        .map_or(id.to_string(), |f| clean(f.label.get(lang)));
                    page.tail.push(plain(&label));
                }
                page.tail.push(plain(Text::ReasonWithdrawHelp.get(ui)));
            }
            ReasonFor::WaiveFollowUp => {
                page.tail.push(plain(Text::ReasonWaiveTitle.get(ui)));
                page.tail.push(plain(Text::ReasonWaiveHelp.get(ui)));
            }
        }
        page.tail.push(plain(Text::PlainReasonKeeps.get(ui)));
        if prompt.blank {
            page.tail.push(plain(Text::ReasonBlank.get(ui)));
        }
    }
    page
}

pub fn question_command(app: &App, library: &Library, typed: &str) -> Command {
    let lang = app.lang;
    let Some(intake) = &app.intake else { return Command::Keys(Vec::new()) };
    if intake.reason.is_some() {
        return match typed {
            "b" | "B" => Command::Keys(vec![Action::Back]),
            "" => Command::Keys(vec![Action::Submit]),
            _ => Command::Keys(vec![Action::ClearField, Action::Paste(typed.to_string()), Action::Submit]),
        };
    }
    let count = intake.flow.current_instrument(library).map_or(0, |i| i.options_of(intake.flow.current_item()).len());
    match typed {
        "" => Command::Keys(vec![Action::Submit]),
        "b" | "B" => Command::Keys(vec![Action::Back]),
        "s" | "S" => Command::Keys(vec![Action::Letter('s')]),
        "w" | "W" => Command::Keys(vec![Action::Letter('w')]),
        _ => match number_in(typed, count) {
            Some(n) => Command::Keys(vec![Action::Choose(n - 1)]),
            None => not_a_choice(typed, count, lang),
        },
    }
}

/// The crisis protocol: why, the organisation's own text, the crisis lines for this client
/// digit by digit (9-1-1 first for acute risk), and what to record.
pub fn crisis(app: &App, crisis: &CrisisState, deps: Deps) -> Page {
    let lang = app.lang;
    let client_lang = app.client_lang();
    let mut page = Page::new(format!("crisis:{}", crisis.urgent));
    let (title, because) =
        if crisis.urgent { (Text::UrgentTitle, Text::UrgentBecause) } else { (Text::CrisisTitle, Text::CrisisBecause) };
    page.line(title.get(lang));
    let instrument = deps.library.get(&crisis.instrument);
    for flag in &crisis.flags {
        let label = crate::tui::screens::crisis::flag_label(instrument, flag, client_lang, lang);
        page.line(format!("{} {label}", because.get(lang)));
    }
    if crisis.urgent {
        page.line(Text::UrgentIntro.get(lang));
    }
    page.line(Text::CrisisResources.get(lang));
    for line in crisis_lines_for(app, deps.care, deps.library, deps.today) {
        let hours =
            if line.hours.trim() == "24/7" { Text::PlainAnyTime.get(lang).to_string() } else { clean(&line.hours) };
        page.spoken(format!("{}, {}, {hours}.", clean(&line.contact), clean(&line.name)));
    }
    let own = app.org.as_ref().map(|org| {
        crate::store::crisis_text_choice(&org.crisis_text, org.crisis_text_fr.as_deref(), client_lang == Lang::Fr)
    });
    if let Some(own) = own.filter(|own| !own.text.trim().is_empty()) {
        if own.english_only {
            page.line(Text::CrisisTextEnglishOnly.get(Lang::Fr));
        }
        for text in own.text.lines().filter(|l| !l.trim().is_empty()) {
            page.spoken(clean(text));
        }
    }
    page.line(Text::CrisisRecord.get(lang));
    let actions = crisis_actions(crisis.urgent);
    page.choices = actions
        .iter()
        .enumerate()
        .map(|(at, (_, text))| spoken_numbers(&choice(at + 1, text.get(lang), lang)))
        .collect();
    if let Some(error) = &crisis.error {
        page.tail.push(plain(&error.render(lang)));
    }
    page.tail.push(plain(Text::PlainCrisisPrompt.get(lang)));
    page
}

/// "3" or "3 a note": the action done, with its note, recorded at once.
pub fn crisis_command(crisis: &CrisisState, typed: &str, lang: Lang) -> Command {
    let count = crisis_actions(crisis.urgent).len();
    let Some((number, note)) = leading_number(typed).filter(|(n, _)| (1..=count).contains(n)) else {
        return Command::Refused(plain(&fill(Text::PlainCrisisNumber, lang, &[("n", count.to_string())])));
    };
    let mut keys = Vec::new();
    if crisis.note_focus {
        // Tab goes back to the actions.
        keys.push(Action::NextField);
    }
    keys.push(Action::Choose(number - 1));
    keys.extend([Action::NextField, Action::ClearField]);
    if !note.is_empty() {
        keys.push(Action::Paste(note.to_string()));
    }
    keys.push(Action::Submit);
    Command::Keys(keys)
}
