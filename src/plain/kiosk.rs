//! The kiosk read line by line (pure): what each kiosk screen says as plain text, what a typed
//! line means on it, and [`Speaker`], which says only what has not been said yet. The state and
//! every rule stay in [`crate::kiosk::app`]: a typed line becomes the kiosk keys the full-screen
//! kiosk would have had, so lockdown, sealing, crisis and idle reset are the same code.

use crate::instrument::{Instrument, Lang, Library};
use crate::kiosk::app::{AgeStatus, Body, CodeStatus, Kiosk, KioskKey, PinStatus, RETRY_MS, Screen};
use crate::kiosk::view::{contact_in, own_crisis_text, provincial};
use crate::ui::strings::{Text, clock_time, fill};

pub use super::page::{Page, choice};

/// What a typed line asks of the kiosk.
pub type Command = super::page::Command<KioskKey>;
use super::page::Said;
use super::speech::plain;

/// The current screen as text.
pub fn page(kiosk: &Kiosk, library: &Library) -> Page {
    let lang = kiosk.lang;
    match &kiosk.screen {
        Screen::Welcome => welcome(),
        Screen::Code { status, .. } => {
            let mut page = Page::new("code");
            page.line(Text::KioskCodeTitle.get(lang));
            page.line(Text::KioskCodePrompt.get(lang));
            let status = match status {
                CodeStatus::Typing => None,
                CodeStatus::Checking => Some(Text::KioskCodeChecking),
                CodeStatus::Refused => Some(Text::KioskCodeRefused),
                CodeStatus::Unavailable => Some(Text::KioskCodeUnavailable),
            };
            page.tail.extend(status.map(|s| plain(s.get(lang))));
            page
        }
        Screen::Consent => consent(kiosk),
        Screen::Age { status, .. } => {
            let mut page = Page::new("age");
            for text in [Text::KioskAgeTitle, Text::KioskAgePrompt, Text::KioskAgeWhy] {
                page.line(text.get(lang));
            }
            if *status == AgeStatus::OutOfRange {
                page.tail.push(plain(Text::KioskAgeOutOfRange.get(lang)));
            }
            page
        }
        Screen::Declined => {
            let mut page = Page::new("declined");
            for text in [Text::KioskDeclinedTitle, Text::KioskDeclinedBody, Text::PlainEnterFinish] {
                page.line(text.get(lang));
            }
            page
        }
        Screen::Question => question(kiosk, library),
        Screen::Support => {
            let mut page = Page::new("support");
            page.line(Text::KioskSupportTitle.get(lang));
            page.line(Text::KioskSupportBody.get(lang));
            page.spoken(Text::KioskCrisis988.get(lang));
            page.spoken(Text::KioskCrisis911.get(lang));
            province_lines(&mut page, kiosk);
            page.line(Text::PlainEnterContinue.get(lang));
            page
        }
        Screen::Crisis => crisis(kiosk),
        Screen::Saving => {
            let mut page = Page::new("saving");
            let retrying =
                kiosk.pending.as_ref().is_some_and(|p| p.delay_ms > RETRY_MS || matches!(p.body, Body::Plain(_)));
            page.line(Text::KioskSavingTitle.get(lang));
            page.line(if retrying { Text::KioskSavingBody } else { Text::Saving }.get(lang));
            page
        }
        Screen::Thanks => thanks(kiosk),
        Screen::Neutral => {
            let mut page = Page::new("neutral");
            page.line(Text::KioskNeutralTitle.get(lang));
            page.line(Text::KioskNeutralBody.get(lang));
            page
        }
        Screen::Pin { status, .. } => {
            let mut page = Page::new("pin");
            page.line(Text::KioskPinTitle.get(lang));
            page.line(Text::KioskPinPrompt.get(lang));
            let status = match status {
                PinStatus::Typing => None,
                PinStatus::Checking => Some(Text::KioskPinChecking.get(lang).to_string()),
                PinStatus::Wrong => Some(Text::KioskPinWrong.get(lang).to_string()),
                PinStatus::Unavailable(message) => {
                    Some(format!("{} {}", Text::KioskPinUnavailable.get(lang), message.render(lang)))
                }
            };
            page.tail.extend(status.map(|s| plain(&s)));
            page
        }
    }
}

/// The language choice, in both languages.
fn welcome() -> Page {
    let mut page = Page::new("welcome");
    for lang in Lang::ALL {
        page.line(Text::KioskWelcome.get(lang));
        page.line(Text::KioskIntro.get(lang));
    }
    page.choices = vec![
        choice(1, Text::LanguageName.get(Lang::En), Lang::En),
        choice(2, Text::LanguageName.get(Lang::Fr), Lang::Fr),
    ];
    page.tail = vec![plain(Text::PlainChooseLanguage.get(Lang::En)), plain(Text::PlainChooseLanguage.get(Lang::Fr))];
    page
}

fn consent(kiosk: &Kiosk) -> Page {
    let lang = kiosk.lang;
    let mut page = Page::new("consent");
    if kiosk.checkin.is_some() {
        page.line(Text::KioskCodeAccepted.get(lang));
    }
    for text in [Text::ConsentTitle, Text::ConsentBody, Text::KioskConsentKiosk, Text::KioskConsentQuestion] {
        page.line(text.get(lang));
    }
    page.choices =
        vec![choice(1, Text::KioskConsentYes.get(lang), lang), choice(2, Text::KioskConsentNo.get(lang), lang)];
    page.tail.push(plain(&fill(Text::PlainTypeChoice, lang, &[("n", "2".into())])));
    // Said once before the questions: how to answer them.
    page.tail.push(plain(Text::PlainKeys.get(lang)));
    page
}

/// The number of choices of the question in front (one more under a risk item: "prefer not to
/// answer").
fn choice_count(kiosk: &Kiosk, library: &Library) -> Option<usize> {
    let client = kiosk.client.as_ref()?;
    let instrument: &Instrument = client.flow.current_instrument(library)?;
    Some(
        instrument.options_of(client.flow.current_item()).len()
            + usize::from(client.flow.current_item_is_risk(library)),
    )
}

fn question(kiosk: &Kiosk, library: &Library) -> Page {
    let ui = kiosk.lang;
    let Some(client) = &kiosk.client else { return Page::new("question") };
    let Some(instrument) = client.flow.current_instrument(library) else { return Page::new("question") };
    let index = client.flow.current_item();
    let item = &instrument.items[index];
    let lang = instrument.item_lang(index, client.lang);
    let mut page = Page::new(format!("question:{}:{}", instrument.id, item.id));
    let (part, parts) = client.flow.instrument_progress();
    if parts > 1 {
        page.once.push(plain(&fill(Text::KioskPart, ui, &[("n", part.to_string()), ("total", parts.to_string())])));
    }
    if lang != client.lang {
        let note = if instrument.languages.contains(&client.lang) { Text::EnglishOnlyItem } else { Text::EnglishOnly };
        page.once.push(plain(note.get(client.lang)));
    }
    page.once.extend(item.instructions.as_ref().map(|t| plain(t.get(lang))));
    if item.use_stem {
        page.once.extend(instrument.timeframe.as_ref().map(|t| plain(t.get(lang))));
        page.once.extend(instrument.stem.as_ref().map(|t| plain(t.get(lang))));
    }
    let (number, total) = client.flow.item_progress(library);
    page.line(fill(Text::KioskQuestion, ui, &[("n", number.to_string()), ("total", total.to_string())]));
    for text in item.text.get(lang).lines() {
        page.line(text);
    }
    if let Some(hint) = &item.hint {
        page.line(format!("{} {}", Text::OurNote.get(client.lang), hint.get(client.lang)));
    }
    let options = instrument.options_of(index);
    page.choices = options.iter().enumerate().map(|(at, o)| choice(at + 1, o.text.get(lang), lang)).collect();
    if client.flow.current_item_is_risk(library) {
        page.choices.push(choice(options.len() + 1, Text::KioskPreferNot.get(ui), ui));
    }
    page.once.push(plain(&fill(Text::PlainTypeChoice, ui, &[("n", page.choices.len().to_string())])));
    if let Some(position) = client.flow.current_answer(library) {
        page.tail.push(plain(&fill(Text::PlainEnterKeeps, ui, &[("n", (position + 1).to_string())])));
    } else if !item.required {
        page.tail.push(plain(Text::PlainEnterSkips.get(ui)));
    }
    page
}

/// A critical answer: the crisis lines first, digit by digit, while staff are alerted.
fn crisis(kiosk: &Kiosk) -> Page {
    let lang = kiosk.lang;
    let mut page = Page::new("crisis");
    page.line(Text::KioskCrisisTitle.get(lang));
    page.spoken(Text::KioskCrisis911.get(lang));
    page.spoken(Text::KioskCrisis988.get(lang));
    province_lines(&mut page, kiosk);
    page.line(Text::KioskCrisisBody.get(lang));
    if let Some(own) = own_crisis_text(kiosk) {
        if own.english_only {
            page.line(Text::CrisisTextEnglishOnly.get(lang));
        }
        for text in own.text.lines().filter(|l| !l.trim().is_empty()) {
            page.spoken(text);
        }
    }
    page.line(Text::KioskCrisisWaiting.get(lang));
    if let Some(reference) = &kiosk.reference {
        page.line(fill(Text::KioskReference, lang, &[("reference", reference.clone())]));
    }
    let status = if kiosk.alerted { Text::KioskCrisisAlerted } else { Text::KioskCrisisAlerting };
    page.tail.push(plain(status.get(lang)));
    page
}

fn thanks(kiosk: &Kiosk) -> Page {
    let lang = kiosk.lang;
    let mut page = Page::new("thanks");
    page.line(Text::KioskThanksTitle.get(lang));
    page.line(Text::KioskThanksBody.get(lang));
    if let Some(reference) = &kiosk.reference {
        let time = clock_time(kiosk.reference_ms, &kiosk.zone, lang);
        page.line(fill(Text::KioskReferenceAt, lang, &[("reference", reference.clone()), ("time", time)]));
    }
    page.spoken(Text::KioskThanksLines.get(lang));
    province_lines(&mut page, kiosk);
    page.line(Text::PlainEnterFinish.get(lang));
    page
}

/// The province's crisis lines, one a line: number (digit by digit), name, hours.
fn province_lines(page: &mut Page, kiosk: &Kiosk) {
    let lang = kiosk.lang;
    let lines: Vec<_> = provincial(kiosk).collect();
    if lines.is_empty() {
        return;
    }
    page.line(Text::KioskCrisisLines.get(lang));
    for line in lines {
        let hours =
            if line.hours.trim() == "24/7" { Text::PlainAnyTime.get(lang).to_string() } else { line.hours.clone() };
        page.spoken(format!("{}, {}, {}.", contact_in(&line.contact, lang), line.name, hours));
    }
}

/// What `line`, typed on the screen in front and ended with Enter, asks for.
pub fn command(kiosk: &Kiosk, library: &Library, line: &str) -> Command {
    let lang = kiosk.lang;
    let typed = line.trim();
    match typed {
        "r" | "R" => return Command::Repeat,
        "?" => return Command::Help,
        "b" | "B" if !matches!(kiosk.screen, Screen::Crisis | Screen::Saving | Screen::Pin { .. }) => {
            return Command::Keys(vec![KioskKey::Back]);
        }
        _ => {}
    }
    let digits = |limit: usize| {
        (typed.len() <= limit && typed.chars().all(|c| c.is_ascii_digit()))
            .then(|| typed.bytes().map(|b| KioskKey::Digit(b - b'0')).chain([KioskKey::Enter]).collect::<Vec<_>>())
    };
    let not_understood = || Command::Refused(plain(Text::PlainNotUnderstood.get(lang)));
    match &kiosk.screen {
        Screen::Welcome | Screen::Consent => match typed {
            "1" => Command::Keys(vec![KioskKey::Digit(1)]),
            "2" => Command::Keys(vec![KioskKey::Digit(2)]),
            _ => not_understood(),
        },
        Screen::Code { .. } => {
            let mut keys: Vec<KioskKey> = typed
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                .map(|c| if c.is_ascii_digit() { KioskKey::Digit(c as u8 - b'0') } else { KioskKey::Char(c) })
                .collect();
            keys.push(KioskKey::Enter);
            Command::Keys(keys)
        }
        Screen::Age { .. } => {
            digits(3).map_or_else(|| Command::Refused(plain(Text::KioskAgeOutOfRange.get(lang))), Command::Keys)
        }
        Screen::Pin { .. } => {
            digits(32).map_or_else(|| Command::Refused(plain(Text::KioskPinWrong.get(lang))), Command::Keys)
        }
        Screen::Question => {
            let Some(count) = choice_count(kiosk, library) else { return Command::Keys(Vec::new()) };
            if typed.is_empty() {
                return Command::Keys(vec![KioskKey::Enter]);
            }
            match typed.parse::<u8>() {
                Ok(n) if n >= 1 && usize::from(n) <= count => Command::Keys(vec![KioskKey::Digit(n)]),
                _ => Command::Refused(plain(&fill(
                    Text::PlainNotAChoice,
                    lang,
                    &[("answer", typed.chars().take(8).collect()), ("n", count.to_string())],
                ))),
            }
        }
        Screen::Support => Command::Keys(vec![KioskKey::Enter]),
        Screen::Thanks | Screen::Declined => Command::Keys(vec![KioskKey::Enter]),
        Screen::Crisis | Screen::Saving => Command::Refused(plain(Text::KioskCrisisWaiting.get(lang))),
        Screen::Neutral => Command::Keys(vec![KioskKey::Other]),
    }
}

/// The choices and keys of the page in front.
pub fn help(kiosk: &Kiosk, library: &Library) -> Vec<String> {
    let lang = kiosk.lang;
    let mut lines = page(kiosk, library).choices;
    if !lines.is_empty() {
        lines.push(plain(&fill(Text::PlainTypeChoice, lang, &[("n", lines.len().to_string())])));
    }
    lines.push(plain(Text::PlainKeys.get(lang)));
    lines
}

/// Says each thing once ([`Said`]), and the idle warning once when the countdown starts. Pure:
/// the shell writes what it returns.
#[derive(Debug, Default)]
pub struct Speaker {
    said: Said,
    warned: bool,
}

impl Speaker {
    /// What to say after the kiosk changed (or nothing).
    pub fn update(&mut self, kiosk: &Kiosk, library: &Library) -> Vec<String> {
        let mut out = self.said.update(page(kiosk, library), kiosk.lang);
        match kiosk.countdown_secs() {
            Some(secs) if !self.warned => {
                self.warned = true;
                out.push(plain(&fill(Text::KioskIdle, kiosk.lang, &[("secs", secs.to_string())])));
            }
            Some(_) => {}
            None => self.warned = false,
        }
        out
    }

    /// The page in front again, whole.
    pub fn repeat(&mut self, kiosk: &Kiosk, library: &Library) -> Vec<String> {
        self.said.repeat(page(kiosk, library))
    }

    /// The terminal was wiped: the next page is said whole, context included.
    pub fn forget(&mut self) {
        *self = Speaker::default();
    }
}

#[cfg(test)]
mod tests;
