//! How a question is laid out on screen, the same in the staff interface and the kiosk.

use ratatui::text::Line;
use ratatui::widgets::Wrap;

use crate::instrument::Lang;
use crate::instrument::model::{Instrument, Item};
use crate::sanitize::terminal_text;
use crate::ui::paragraph::FastParagraph;
use crate::ui::strings::Text;
use crate::ui::theme::Theme;

fn clean(text: &str) -> String {
    terminal_text(text, false)
}

/// The question's lines for an area of `width` x `height`: the published instructions (before
/// item 1 of some instruments), the stem, the item, and our own note (in the client's language,
/// marked as ours). When that does not fit, the blank lines go first, then the stem (on the
/// first item the instructions carry the time frame); if it still does not fit, the item and our
/// note come first so that the question itself is never cut off. Shared by the staff
/// interface and the kiosk.
pub fn question_lines(
    (item, instrument): (&Item, &Instrument),
    (lang, client_lang): (Lang, Lang),
    (width, height): (u16, u16),
    theme: &Theme,
) -> Vec<Line<'static>> {
    let styled = |text: &str, style| text.lines().map(|line| Line::styled(clean(line), style)).collect::<Vec<_>>();
    let instructions = item.instructions.as_ref().map(|t| styled(t.get(lang), theme.muted)).unwrap_or_default();
    let stem = (instrument.stem.as_ref().filter(|_| item.use_stem))
        .map(|t| styled(t.get(lang), theme.muted))
        .unwrap_or_default();
    let question = styled(item.text.get(lang), theme.title);
    let hint = item.hint.as_ref().map_or_else(Vec::new, |hint| {
        styled(&format!("{} {}", Text::OurNote.get(client_lang), hint.get(client_lang)), theme.muted)
    });
    let join = |parts: &[&Vec<Line<'static>>], blank: bool| {
        let mut out: Vec<Line<'static>> = Vec::new();
        for part in parts.iter().filter(|p| !p.is_empty()) {
            if blank && !out.is_empty() {
                out.push(Line::raw(""));
            }
            out.extend(part.iter().filter(|line| blank || line.width() > 0).cloned());
        }
        out
    };
    let fits = |lines: &Vec<Line<'static>>| {
        FastParagraph::new(lines.clone()).wrap(Wrap { trim: false }).line_count(width) <= usize::from(height)
    };
    let candidates = [
        join(&[&instructions, &stem, &question, &hint], true),
        join(&[&instructions, &stem, &question, &hint], false),
        join(&[&instructions, &question, &hint], false),
    ];
    candidates.into_iter().find(fits).unwrap_or_else(|| join(&[&question, &hint, &instructions], false))
}
