//! The results read line by line: each instrument's score, the level and why, the decision on
//! record, and the matched resources numbered with their reasons; a resource's number picks
//! it, a letter is the screen's key, and a choice with its reason goes on one line
//! ("3 needs more support"). The lines are the full-screen results' own (`results_view`).

use ratatui::text::Line;

use crate::instrument::Lang;
use crate::triage::Level;
use crate::tui::app::{Action, App, Deps, ResultsState};
use crate::tui::screens::results::OUTCOMES;
use crate::tui::screens::results_view::{level_lines, level_text, result_lines};
use crate::tui::view::{View, clean};
use crate::ui::strings::{Text, fill};
use crate::ui::theme::Theme;

use super::{Command, leading_number, letters, moves};
use crate::plain::page::{Page, choice};
use crate::plain::speech::{plain, spoken_numbers};

/// A drawn line as plain text: its spans joined, the padding between columns one space.
fn text_of(line: &Line) -> String {
    let joined: String = line.spans.iter().map(|span| span.content.as_ref()).collect();
    plain(&joined).split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn page(app: &App, state: &ResultsState, deps: Deps) -> Page {
    let lang = app.lang;
    if let Some(preview) = &state.preview {
        let mut page = Page::new("summary-preview");
        for line in preview.text.lines().filter(|l| !l.trim().is_empty()) {
            page.spoken(line);
        }
        page.tail.push(plain(Text::PlainSummarySave.get(lang)));
        return page;
    }
    let Some(intake) = &app.intake else { return Page::new("results") };
    let theme = Theme::select(Some("monochrome"), true);
    let view = View { library: deps.library, care: deps.care, theme: &theme, crisis_lines: &[] };
    let mut page = Page::new("results");
    page.line(format!("{}, {}", Text::ResultsTitle.get(lang), clean(&intake.client.name)));
    page.lines.extend(result_lines(intake, app, &view).iter().map(text_of).filter(|l| !l.is_empty()));
    // The decision as it stands; a choice being made is said below, with its own numbers.
    let calm = ResultsState { overriding: None, lifting: None, finishing: None, ..state.clone() };
    page.lines.extend(level_lines(&calm, app, &view).iter().map(text_of).filter(|l| !l.is_empty()));
    page.line(Text::MatchedResources.get(lang));
    if state.plan.resources.is_empty() {
        page.line(Text::PlainNoResources.get(lang));
    }
    for (at, resource) in state.plan.resources.iter().enumerate() {
        let picked = state.picked.get(at).copied().unwrap_or(false);
        let mark = if picked { format!(" ({})", Text::PlainPicked.get(lang)) } else { String::new() };
        let parts: Vec<String> =
            [format!("{}{mark}", clean(&resource.name)), clean(&resource.contact), clean(&resource.hours)]
                .into_iter()
                .filter(|part| !part.trim().is_empty())
                .collect();
        page.lines.push(spoken_numbers(&choice(at + 1, &parts.join(", "), lang)));
        let reasons: Vec<String> = resource.reasons.iter().map(|r| clean(&r.render(lang))).collect();
        if !reasons.is_empty() {
            page.spoken(reasons.join("; "));
        }
    }
    mode_tail(app, state, deps, &mut page);
    page
}

/// What the screen asks now: the choice being made (level, exclusion, outcome), or its keys.
fn mode_tail(app: &App, state: &ResultsState, deps: Deps, page: &mut Page) {
    let lang = app.lang;
    if let Some((level, reason)) = &state.overriding {
        page.choices =
            Level::ALL.iter().enumerate().map(|(at, l)| choice(at + 1, level_text(*l).get(lang), lang)).collect();
        let chosen = format!(
            "{}{}{}",
            Text::FinalLevel.get(lang),
            crate::ui::strings::colon(lang),
            level_text(*level).get(lang)
        );
        page.tail.push(plain(&chosen));
        if !reason.value.trim().is_empty() {
            page.tail.push(plain(&format!("{} {}", Text::OverrideReason.get(lang), clean(&reason.value))));
        }
        page.tail.push(plain(Text::PlainLevelPrompt.get(lang)));
    } else if let Some(lifting) = &state.lifting {
        page.line(Text::LiftTitle.get(lang));
        page.choices = state
            .plan
            .liftable
            .iter()
            .enumerate()
            .map(|(at, l)| {
                let why = if lang == Lang::Fr { &l.why_fr } else { &l.why };
                choice(at + 1, &format!("{}: {}", clean(&l.name), clean(why)), lang)
            })
            .collect();
        let prompt = if lifting.choice.is_some() { Text::PlainTypeReason } else { Text::PlainLiftPrompt };
        page.tail.push(plain(prompt.get(lang)));
    } else if let Some(finishing) = &state.finishing {
        page.line(Text::FinishTitle.get(lang));
        page.choices =
            OUTCOMES.iter().enumerate().map(|(at, (_, text))| choice(at + 1, text.get(lang), lang)).collect();
        let prompt = if finishing.choice.is_some() { Text::PlainTypeReason } else { Text::PlainFinishPrompt };
        page.tail.push(plain(prompt.get(lang)));
    } else {
        if !state.plan.resources.is_empty() {
            page.tail.push(plain(Text::PlainResultsPick.get(lang)));
        }
        page.tail.push(plain(&fill(Text::PlainLettersOnly, lang, &[("keys", letters(app, deps.library))])));
    }
    if let Some(error) = state.error {
        page.tail.push(plain(error.get(lang)));
    }
}

/// A reason typed on its own, saved at once.
fn reason(typed: &str) -> Vec<Action> {
    vec![Action::ClearField, Action::Paste(typed.to_string()), Action::Submit]
}

/// "N" and, where the choice needs one, "N the reason", for a list of `count`.
fn numbered(typed: &str, count: usize, lang: Lang) -> Result<(usize, &str), Command> {
    leading_number(typed)
        .filter(|(n, _)| (1..=count).contains(n))
        .ok_or_else(|| Command::Refused(plain(&fill(Text::PlainNumberThenReason, lang, &[("n", count.to_string())]))))
}

pub fn command(state: &ResultsState, typed: &str, lang: Lang) -> Command {
    let back = matches!(typed, "b" | "B");
    if state.preview.is_some() {
        return match typed {
            "" => Command::Keys(vec![Action::Submit]),
            _ if back => Command::Keys(vec![Action::Back]),
            _ => super::not_understood(lang),
        };
    }
    if back && (state.overriding.is_some() || state.lifting.is_some() || state.finishing.is_some()) {
        return Command::Keys(vec![Action::Back]);
    }
    if let Some((level, _)) = &state.overriding {
        if leading_number(typed).is_none() {
            return Command::Keys(reason(typed));
        }
        let (number, why) = match numbered(typed, Level::ALL.len(), lang) {
            Ok(found) => found,
            Err(refused) => return refused,
        };
        // The level is chosen with the arrows, which go round the levels.
        let from = Level::ALL.iter().position(|l| l == level).unwrap_or(0);
        let mut keys = vec![Action::Down; (number - 1 + Level::ALL.len() - from) % Level::ALL.len()];
        if !why.is_empty() {
            keys.extend(reason(why));
        }
        return Command::Keys(keys);
    }
    if let Some(prompt) = state.lifting.as_ref().or(state.finishing.as_ref()) {
        if prompt.choice.is_some() {
            return Command::Keys(reason(typed));
        }
        let count = if state.lifting.is_some() { state.plan.liftable.len() } else { OUTCOMES.len() };
        let (number, why) = match numbered(typed, count, lang) {
            Ok(found) => found,
            Err(refused) => return refused,
        };
        let mut keys = vec![Action::Choose(number - 1)];
        let takes_reason = state.lifting.is_some()
            || OUTCOMES.get(number - 1).is_some_and(|(kind, _)| *kind == crate::store::OutcomeKind::NoReferralNeeded);
        if takes_reason && !why.is_empty() {
            keys.extend(reason(why));
        }
        return Command::Keys(keys);
    }
    if back {
        return Command::Keys(vec![Action::Back]);
    }
    if let Ok(number) = typed.parse::<usize>() {
        let count = state.plan.resources.len();
        if !(1..=count).contains(&number) {
            return super::intake::not_a_choice(typed, count, lang);
        }
        let mut keys = moves(state.cursor, number - 1);
        keys.push(Action::Toggle);
        return Command::Keys(keys);
    }
    let mut chars = typed.chars();
    match (chars.next(), chars.next()) {
        (Some(letter), None) => Command::Keys(vec![Action::Letter(letter.to_ascii_lowercase())]),
        (None, _) => Command::Keys(Vec::new()),
        _ => super::not_understood(lang),
    }
}
