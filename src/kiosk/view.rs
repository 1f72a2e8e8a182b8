//! Drawing the kiosk: a pure function of its state. Plain words, one question per screen,
//! numbered answers, the keys on the last line, and the idle countdown above them. Text from the
//! organisation or the questionnaire files is passed through `terminal_text`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::app::{AgeStatus, Body, CodeStatus, Kiosk, PinStatus, RETRY_MS, Screen, Typed};
use crate::instrument::{Lang, Library};
use crate::sanitize::terminal_text;
use crate::store::{DEFAULT_CRISIS_TEXT, DEFAULT_CRISIS_TEXT_FR};
use crate::ui::question::question_lines;
use crate::ui::strings::{Text, fill};
use crate::ui::theme::Theme;

/// What drawing needs besides the state.
pub struct KioskView<'a> {
    pub library: &'a Library,
    pub theme: &'a Theme,
}

fn clean(text: &str) -> String {
    terminal_text(text, false)
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, kiosk: &Kiosk, view: &KioskView) {
    let area = frame.area();
    let theme = view.theme;
    frame.render_widget(Block::default().style(theme.base), area);
    if area.width < 40 || area.height < 12 {
        let text = Paragraph::new(Text::TooSmall.get(kiosk.lang)).wrap(Wrap { trim: true });
        frame.render_widget(text, area);
        return;
    }
    let countdown = kiosk.countdown_secs();
    let [header, body, notice, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(5),
        Constraint::Length(if countdown.is_some() { 2 } else { 0 }),
        Constraint::Length(1),
    ])
    .areas(area);
    if kiosk.screen != Screen::Neutral {
        let name = kiosk.info.as_ref().map(|i| clean(&i.organisation)).unwrap_or_default();
        frame.render_widget(Paragraph::new(Line::styled(format!(" {name}"), theme.muted)), header);
    }
    draw_body(frame, body, kiosk, view);
    if let Some(secs) = countdown {
        let text = fill(Text::KioskIdle, kiosk.lang, &[("secs", secs.to_string())]);
        frame.render_widget(Paragraph::new(Line::styled(text, theme.warning)).wrap(Wrap { trim: true }), notice);
    }
    let keys = keys(kiosk, view);
    let mut spans = Vec::new();
    for (index, (key, text)) in keys.iter().enumerate() {
        if index > 0 {
            spans.push(Span::styled("  ·  ", theme.muted));
        }
        spans.push(Span::styled(key.clone(), theme.key));
        spans.push(Span::raw(format!(" {text}")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), footer);
}

fn keys(kiosk: &Kiosk, view: &KioskView) -> Vec<(String, String)> {
    let lang = kiosk.lang;
    let quick = ("Esc/^X".to_string(), Text::KioskKeyQuickExit.get(lang).to_string());
    let back = ("⌫".to_string(), Text::KioskKeyPrevious.get(lang).to_string());
    let enter = Text::KioskKeyEnter.get(lang).to_string();
    match &kiosk.screen {
        Screen::Welcome => vec![
            ("1".into(), Text::LanguageName.get(Lang::En).into()),
            ("2".into(), Text::LanguageName.get(Lang::Fr).into()),
            quick,
        ],
        Screen::Code { .. } => vec![
            ("A-Z 0-9".into(), Text::KioskKeyType.get(lang).into()),
            (enter.clone(), Text::KioskKeyContinue.get(lang).into()),
            quick,
        ],
        Screen::Age { .. } => vec![
            ("0-9".into(), Text::KioskKeyTypeAge.get(lang).into()),
            (enter.clone(), Text::KioskKeyContinue.get(lang).into()),
            ("⌫".into(), Text::KeyBack.get(lang).into()),
            quick,
        ],
        Screen::Consent => vec![
            ("1".into(), Text::KeyYes.get(lang).into()),
            ("2".into(), Text::KeyNo.get(lang).into()),
            ("⌫".into(), Text::KeyBack.get(lang).into()),
            quick,
        ],
        Screen::Question => {
            let mut keys = Vec::new();
            if let Some(client) = &kiosk.client
                && let Some(instrument) = client.flow.current_instrument(view.library)
            {
                let item = client.flow.current_item();
                let mut count = instrument.options_of(item).len();
                if client.flow.current_item_is_risk(view.library) {
                    count += 1;
                }
                keys.push((format!("1-{count}"), Text::KeyAnswer.get(lang).to_string()));
                if client.flow.current_answer(view.library).is_some() {
                    keys.push((enter.clone(), Text::KioskKeyContinue.get(lang).into()));
                } else if !instrument.items[item].required {
                    keys.push((enter.clone(), Text::KioskKeySkip.get(lang).into()));
                }
            }
            keys.push(back);
            keys.push(quick);
            keys
        }
        Screen::Thanks | Screen::Declined => vec![(enter.clone(), Text::KeyFinish.get(lang).into()), quick],
        Screen::Pin { .. } => vec![(format!("0-9 {enter}"), Text::KeySubmit.get(lang).into())],
        Screen::Support => vec![(enter.clone(), Text::KioskSupportContinue.get(lang).into()), quick],
        Screen::Crisis | Screen::Saving => vec![quick],
        Screen::Neutral => Vec::new(),
    }
}

fn block<'a>(title: &str, style: Style, theme: &Theme) -> Block<'a> {
    Block::bordered().title(Span::styled(format!(" {title} "), style)).border_style(theme.border)
}

fn paragraph<'a>(lines: Vec<Line<'a>>, title: &str, style: Style, theme: &Theme) -> Paragraph<'a> {
    Paragraph::new(lines).wrap(Wrap { trim: false }).block(block(title, style, theme))
}

fn draw_body(frame: &mut Frame, area: Rect, kiosk: &Kiosk, view: &KioskView) {
    let theme = view.theme;
    let body = match &kiosk.screen {
        Screen::Welcome => welcome(theme),
        Screen::Code { input, status } => code(kiosk, theme, input, status),
        Screen::Consent => consent(kiosk, theme),
        Screen::Age { input, status } => age(kiosk, theme, input, status),
        Screen::Declined => declined(kiosk, theme),
        Screen::Question => return draw_question(frame, area, kiosk, view),
        Screen::Support => support(kiosk, theme),
        Screen::Crisis => crisis(kiosk, theme),
        Screen::Saving => saving(kiosk, theme),
        Screen::Thanks => thanks(kiosk, theme),
        Screen::Neutral => neutral(kiosk, theme),
        Screen::Pin { input, status, .. } => pin(kiosk, theme, input, status),
    };
    frame.render_widget(body, area);
}

/// A page under a title in the kiosk's language.
fn titled(kiosk: &Kiosk, theme: &Theme, lines: Vec<Line<'static>>, title: Text) -> Paragraph<'static> {
    paragraph(lines, title.get(kiosk.lang), theme.title, theme)
}

/// The language choice, in both languages.
fn welcome(theme: &Theme) -> Paragraph<'static> {
    let title = format!("{} · {}", Text::KioskWelcome.get(Lang::En), Text::KioskWelcome.get(Lang::Fr));
    let lines = vec![
        Line::raw(""),
        Line::raw(Text::KioskIntro.get(Lang::En)),
        Line::raw(""),
        Line::raw(Text::KioskIntro.get(Lang::Fr)),
        Line::raw(""),
        option_line(1, Text::LanguageName.get(Lang::En), false, theme),
        option_line(2, Text::LanguageName.get(Lang::Fr), false, theme),
        Line::raw(""),
        Line::styled(Text::KioskChooseLanguage.get(Lang::En), theme.muted),
        Line::styled(Text::KioskChooseLanguage.get(Lang::Fr), theme.muted),
    ];
    paragraph(lines, &title, theme.title, theme)
}

/// The optional check-in code as typed, and what the owner said of it.
fn code(kiosk: &Kiosk, theme: &Theme, input: &str, status: &CodeStatus) -> Paragraph<'static> {
    let lang = kiosk.lang;
    let mut lines = vec![
        Line::raw(""),
        Line::raw(Text::KioskCodePrompt.get(lang)),
        Line::raw(""),
        Line::from(vec![Span::raw("  > "), Span::styled(format!("{input}_"), theme.input)]),
        Line::raw(""),
    ];
    let status = match status {
        CodeStatus::Typing => None,
        CodeStatus::Checking => Some((Text::KioskCodeChecking, theme.muted)),
        CodeStatus::Refused => Some((Text::KioskCodeRefused, theme.warning)),
        CodeStatus::Unavailable => Some((Text::KioskCodeUnavailable, theme.warning)),
    };
    if let Some((text, style)) = status {
        lines.push(Line::styled(text.get(lang), style));
    }
    titled(kiosk, theme, lines, Text::KioskCodeTitle)
}

/// The consent text and its question.
fn consent(kiosk: &Kiosk, theme: &Theme) -> Paragraph<'static> {
    let lang = kiosk.lang;
    let mut lines = vec![Line::raw("")];
    if kiosk.checkin.is_some() {
        lines.push(Line::styled(Text::KioskCodeAccepted.get(lang), theme.ok));
        lines.push(Line::raw(""));
    }
    lines.extend([
        Line::raw(Text::ConsentBody.get(lang)),
        Line::raw(""),
        Line::raw(Text::KioskConsentKiosk.get(lang)),
        Line::raw(""),
        Line::styled(Text::KioskConsentQuestion.get(lang), theme.title),
        option_line(1, Text::KioskConsentYes.get(lang), false, theme),
        option_line(2, Text::KioskConsentNo.get(lang), false, theme),
    ]);
    titled(kiosk, theme, lines, Text::ConsentTitle)
}

/// The optional age question.
fn age(kiosk: &Kiosk, theme: &Theme, input: &str, status: &AgeStatus) -> Paragraph<'static> {
    let lang = kiosk.lang;
    let mut lines = vec![
        Line::raw(""),
        Line::raw(Text::KioskAgePrompt.get(lang)),
        Line::raw(""),
        Line::styled(Text::KioskAgeWhy.get(lang), theme.muted),
        Line::raw(""),
        Line::from(vec![Span::raw("  > "), Span::styled(format!("{input}_"), theme.input)]),
        Line::raw(""),
    ];
    if *status == AgeStatus::OutOfRange {
        lines.push(Line::styled(Text::KioskAgeOutOfRange.get(lang), theme.warning));
    }
    titled(kiosk, theme, lines, Text::KioskAgeTitle)
}

/// Consent declined: nothing was recorded.
fn declined(kiosk: &Kiosk, theme: &Theme) -> Paragraph<'static> {
    let lang = kiosk.lang;
    let lines = vec![Line::raw(""), Line::raw(Text::KioskDeclinedBody.get(lang))];
    titled(kiosk, theme, lines, Text::KioskDeclinedTitle)
}

/// An urgent answer: the crisis lines, then the questions go on.
fn support(kiosk: &Kiosk, theme: &Theme) -> Paragraph<'static> {
    let lang = kiosk.lang;
    let mut lines = vec![
        Line::raw(""),
        Line::raw(Text::KioskSupportBody.get(lang)),
        Line::raw(""),
        Line::styled(Text::KioskCrisis988.get(lang), theme.title),
        Line::styled(Text::KioskCrisis911.get(lang), theme.critical),
    ];
    province_lines(&mut lines, kiosk, theme);
    titled(kiosk, theme, lines, Text::KioskSupportTitle)
}

/// A critical answer: the crisis lines and the organisation's own text, while staff are alerted.
fn crisis(kiosk: &Kiosk, theme: &Theme) -> Paragraph<'static> {
    let lang = kiosk.lang;
    let mut lines = vec![
        Line::raw(""),
        Line::raw(Text::KioskCrisisBody.get(lang)),
        Line::raw(""),
        Line::styled(Text::KioskCrisis911.get(lang), theme.critical),
        Line::styled(Text::KioskCrisis988.get(lang), theme.title),
    ];
    province_lines(&mut lines, kiosk, theme);
    if let Some(own) = own_crisis_text(kiosk) {
        lines.push(Line::raw(""));
        if own.english_only {
            lines.push(Line::styled(Text::CrisisTextEnglishOnly.get(lang), theme.muted));
        }
        for text in own.text.lines() {
            lines.push(Line::raw(clean(text)));
        }
    }
    lines.push(Line::raw(""));
    let (status, style) =
        if kiosk.alerted { (Text::KioskCrisisAlerted, theme.ok) } else { (Text::KioskCrisisAlerting, theme.muted) };
    lines.push(Line::styled(status.get(lang), style));
    lines.push(Line::raw(Text::KioskCrisisWaiting.get(lang)));
    if let Some(reference) = &kiosk.reference {
        lines.push(Line::styled(fill(Text::KioskReference, lang, &[("reference", reference.clone())]), theme.key));
    }
    paragraph(lines, Text::KioskCrisisTitle.get(lang), theme.critical, theme)
}

/// Waiting for the owner to take the sealed answers.
fn saving(kiosk: &Kiosk, theme: &Theme) -> Paragraph<'static> {
    let lang = kiosk.lang;
    let retrying = kiosk.pending.as_ref().is_some_and(|p| p.delay_ms > RETRY_MS || matches!(p.body, Body::Plain(_)));
    let text = if retrying { Text::KioskSavingBody } else { Text::Saving };
    titled(kiosk, theme, vec![Line::raw(""), Line::raw(text.get(lang))], Text::KioskSavingTitle)
}

/// The thank-you page, with the crisis lines in small print.
fn thanks(kiosk: &Kiosk, theme: &Theme) -> Paragraph<'static> {
    let lang = kiosk.lang;
    let mut lines = vec![Line::raw(""), Line::raw(Text::KioskThanksBody.get(lang))];
    if let Some(reference) = &kiosk.reference {
        lines.push(Line::raw(""));
        let time = crate::ui::strings::clock_time(kiosk.reference_ms, &kiosk.zone, lang);
        let text = fill(Text::KioskReferenceAt, lang, &[("reference", reference.clone()), ("time", time)]);
        lines.push(Line::styled(text, theme.key));
    }
    // In small print: the lines are there for anyone who needs them later.
    lines.push(Line::raw(""));
    lines.push(Line::styled(Text::KioskThanksLines.get(lang), theme.muted));
    for line in provincial(kiosk) {
        lines.push(Line::styled(
            format!("{} {} ({})", contact_in(&line.contact, lang), clean(&line.name), clean(&line.hours)),
            theme.muted,
        ));
    }
    titled(kiosk, theme, lines, Text::KioskThanksTitle)
}

/// The quick exit's neutral page.
fn neutral(kiosk: &Kiosk, theme: &Theme) -> Paragraph<'static> {
    let lang = kiosk.lang;
    let lines = vec![Line::raw(""), Line::raw(Text::KioskNeutralBody.get(lang))];
    titled(kiosk, theme, lines, Text::KioskNeutralTitle)
}

/// The staff PIN prompt (the digits shown as dots).
fn pin(kiosk: &Kiosk, theme: &Theme, input: &Typed, status: &PinStatus) -> Paragraph<'static> {
    let lang = kiosk.lang;
    let mut lines = vec![
        Line::raw(""),
        Line::raw(Text::KioskPinPrompt.get(lang)),
        Line::raw(""),
        Line::from(vec![Span::raw("  > "), Span::styled(format!("{}_", "•".repeat(input.len())), theme.input)]),
        Line::raw(""),
    ];
    match status {
        PinStatus::Typing => {}
        PinStatus::Checking => lines.push(Line::styled(Text::KioskPinChecking.get(lang), theme.muted)),
        PinStatus::Wrong => lines.push(Line::styled(Text::KioskPinWrong.get(lang), theme.warning)),
        PinStatus::Unavailable(message) => lines.push(Line::styled(
            format!("{} {}", Text::KioskPinUnavailable.get(lang), clean(&message.render(lang))),
            theme.warning,
        )),
    }
    titled(kiosk, theme, lines, Text::KioskPinTitle)
}

/// The organisation's own crisis text, in French for a French-speaking client when it is set;
/// none when it is empty or one of the default texts (they only repeat the lines above it).
pub fn own_crisis_text(kiosk: &Kiosk) -> Option<crate::store::CrisisText<'_>> {
    let info = kiosk.info.as_ref()?;
    let own =
        crate::store::crisis_text_choice(&info.crisis_text, info.crisis_text_fr.as_deref(), kiosk.lang == Lang::Fr);
    (!own.text.trim().is_empty() && own.text != DEFAULT_CRISIS_TEXT && own.text != DEFAULT_CRISIS_TEXT_FR)
        .then_some(own)
}

/// The province's crisis lines (9-1-1 and 9-8-8 have lines of their own on every page).
pub fn provincial(kiosk: &Kiosk) -> impl Iterator<Item = &super::app::KioskLine> {
    kiosk
        .crisis_lines
        .iter()
        .filter(|l| !l.contact.contains("9-1-1") && !l.contact.contains("9-8-8") && !l.contact.contains("988"))
}

fn province_lines(lines: &mut Vec<Line<'static>>, kiosk: &Kiosk, theme: &Theme) {
    let mut province = provincial(kiosk).peekable();
    if province.peek().is_none() {
        return;
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(Text::KioskCrisisLines.get(kiosk.lang), theme.title));
    for line in province {
        lines.push(Line::from(vec![
            Span::styled(format!("  {} ", contact_in(&line.contact, kiosk.lang)), theme.key),
            Span::raw(format!("{} ({})", clean(&line.name), clean(&line.hours))),
        ]));
    }
}

/// A catalog contact in the client's language: its words ("text 535353") are ours, its numbers
/// are not translated.
pub fn contact_in(contact: &str, lang: Lang) -> String {
    let contact = clean(contact);
    let english = Text::KioskContactText.get(Lang::En);
    let ours = Text::KioskContactText.get(lang);
    contact
        .split(' ')
        .map(|word| if word.eq_ignore_ascii_case(english) { ours } else { word })
        .collect::<Vec<_>>()
        .join(" ")
}

fn option_line(number: usize, text: &str, chosen: bool, theme: &Theme) -> Line<'static> {
    let line = Line::from(vec![Span::styled(format!("  {number}  "), theme.key), Span::raw(clean(text))]);
    if chosen { theme.selected_line(line) } else { line }
}

fn draw_question(frame: &mut Frame, area: Rect, kiosk: &Kiosk, view: &KioskView) {
    let theme = view.theme;
    let ui = kiosk.lang;
    let Some(client) = &kiosk.client else { return };
    let Some(instrument) = client.flow.current_instrument(view.library) else { return };
    let lang = instrument.item_lang(client.flow.current_item(), client.lang);
    let (part, parts) = client.flow.instrument_progress();
    let (number, total) = client.flow.item_progress(view.library);
    let title = format!(
        "{} · {}",
        fill(Text::KioskPart, ui, &[("n", part.to_string()), ("total", parts.to_string())]),
        fill(Text::KioskQuestion, ui, &[("n", number.to_string()), ("total", total.to_string())])
    );
    let item_index = client.flow.current_item();
    let item = &instrument.items[item_index];
    let mut lines = Vec::new();
    // An item shown without the stem is outside the stem's time frame too.
    if let Some(timeframe) = instrument.timeframe.as_ref().filter(|_| item.use_stem) {
        lines.push(Line::styled(clean(timeframe.get(lang)), theme.muted));
    }
    // What is left for the question once the border, the time frame, the options and the
    // footer are drawn.
    let options_rows =
        instrument.options_of(item_index).len() + 1 + usize::from(client.flow.current_item_is_risk(view.library));
    let footer_rows = 2 + usize::from(lang != client.lang);
    let used = lines.len() + options_rows + footer_rows + 2;
    let height = u16::try_from(usize::from(area.height).saturating_sub(used)).unwrap_or(0);
    let width = area.width.saturating_sub(2);
    lines.extend(question_lines((item, instrument), (lang, client.lang), (width, height), theme));
    lines.push(Line::raw(""));
    let chosen = client.flow.current_answer(view.library);
    let options = instrument.options_of(item_index);
    for (position, option) in options.iter().enumerate() {
        lines.push(option_line(position + 1, option.text.get(lang), chosen == Some(position), theme));
    }
    if client.flow.current_item_is_risk(view.library) {
        // Our own choice beside the instrument's options, in the client's language.
        lines.push(option_line(options.len() + 1, Text::KioskPreferNot.get(ui), false, theme));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(Text::KioskPressNumber.get(ui), theme.muted));
    if lang != client.lang {
        let note = if instrument.languages.contains(&client.lang) { Text::EnglishOnlyItem } else { Text::EnglishOnly };
        lines.push(Line::styled(note.get(client.lang), theme.muted));
    }
    frame.render_widget(paragraph(lines, &title, theme.title, theme), area);
}
