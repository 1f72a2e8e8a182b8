//! A stand-in for ratatui's `Paragraph` (no block, no scrolling) that draws exactly the same
//! cells, faster. ratatui splits every span into grapheme clusters and measures each one; on the
//! text-heavy screens (the queue, the crisis protocol, results) that made a frame cost 2-3x a bare
//! ratatui frame at 80x24. Most lines here are Latin text in which every character is its own
//! grapheme and one cell wide, so such a line is laid out character by character; any other line
//! (emoji, combining marks, wide scripts) is handed to ratatui's `Paragraph` unchanged. The tests
//! compare both renderers cell by cell, styles included.

use std::collections::VecDeque;

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Text};
use ratatui::widgets::{Paragraph, Widget, Wrap};

/// Characters that are always a grapheme cluster of their own and one cell wide: printable
/// ASCII, Latin-1 and Latin Extended letters and symbols, and the common general punctuation
/// (dashes, quotes, ellipsis, bullet), arrows, box drawing and block elements, check and cross
/// marks. None of them is a control, a combining mark, a joiner or an
/// emoji, so no neighbour can merge with them. NBSP and the soft hyphen are left out because
/// ratatui treats them specially.
fn one_cell(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{A1}'..='\u{AC}' | '\u{AE}'..='\u{2FF}' | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{203B}' | '\u{203D}'..='\u{2047}' | '\u{2190}'..='\u{21FF}' | '\u{2500}'..='\u{259F}' | '\u{2713}' | '\u{2717}')
}

fn simple(line: &Line) -> bool {
    line.spans.iter().all(|span| span.content.chars().all(one_cell))
}

/// A paragraph of lines, optionally word-wrapped, drawn like ratatui's `Paragraph`.
#[derive(Debug, Clone, Default)]
pub struct FastParagraph<'a> {
    text: Text<'a>,
    style: Style,
    wrap: Option<Wrap>,
}

impl<'a> FastParagraph<'a> {
    pub fn new<T: Into<Text<'a>>>(text: T) -> Self {
        FastParagraph { text: text.into(), style: Style::default(), wrap: None }
    }

    pub fn style<S: Into<Style>>(mut self, style: S) -> Self {
        self.style = style.into();
        self
    }

    pub fn wrap(mut self, wrap: Wrap) -> Self {
        self.wrap = Some(wrap);
        self
    }

    /// The number of rows the paragraph takes at `width`, as `Paragraph::line_count`.
    pub fn line_count(&self, width: u16) -> usize {
        if width == 0 {
            return 0;
        }
        let Some(wrap) = self.wrap else { return self.text.lines.len() };
        let mut rows = Vec::new();
        self.text
            .lines
            .iter()
            .map(|line| {
                if simple(line) {
                    wrap_simple(&styled_chars(line, Style::default()), width, wrap.trim, &mut rows);
                    std::mem::take(&mut rows).len()
                } else {
                    Paragraph::new(line.clone()).wrap(wrap).line_count(width)
                }
            })
            .sum()
    }

    fn alignment(&self, line: &Line) -> Alignment {
        line.alignment.or(self.text.alignment).unwrap_or(Alignment::Left)
    }
}

impl Widget for FastParagraph<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        Widget::render(&self, area, buf);
    }
}

impl Widget for &FastParagraph<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        // Patching cells with the empty style changes nothing; skipping it saves a pass.
        if self.style != Style::default() {
            buf.set_style(area, self.style);
        }
        if area.is_empty() {
            return;
        }
        let mut y = area.top();
        let mut rows = Vec::new();
        for line in &self.text.lines {
            if y >= area.bottom() {
                break;
            }
            let alignment = self.alignment(line);
            if !simple(line) {
                // ratatui lays out this line on its own; its rows follow the ones above.
                let text = Text { lines: vec![line.clone()], style: self.text.style, alignment: None };
                let mut paragraph = Paragraph::new(text);
                let mut used = 1;
                if let Some(wrap) = self.wrap {
                    paragraph = paragraph.wrap(wrap);
                    used = paragraph.line_count(area.width) as u16;
                }
                let height = used.min(area.bottom() - y);
                render_clipped(paragraph.alignment(alignment), Rect { y, height, ..area }, buf);
                y += height;
                continue;
            }
            match self.wrap {
                None => {
                    draw_truncated(buf, area, y, line, self.text.style, alignment);
                    y += 1;
                }
                Some(wrap) => {
                    wrap_simple(&styled_chars(line, self.text.style), area.width, wrap.trim, &mut rows);
                    for row in rows.drain(..) {
                        if y >= area.bottom() {
                            break;
                        }
                        draw_row(buf, area, y, &row, alignment);
                        y += 1;
                    }
                }
            }
        }
    }
}

/// Draws a ratatui paragraph into `target`, dropping anything it writes past the target's right
/// edge: ratatui 0.30's word wrapper can put a wide character (中, 🙂) one cell past an area two
/// cells wide, which panics when that cell is off the buffer. It draws on a copy of the target's
/// cells with room to spare, and only the target's cells are copied back.
fn render_clipped(paragraph: Paragraph<'_>, target: Rect, buf: &mut Buffer) {
    let target = target.intersection(buf.area);
    if target.is_empty() {
        return;
    }
    let mut scratch = Buffer::empty(Rect { width: target.width.saturating_add(4), ..target });
    copy_cells(buf, &mut scratch, target);
    paragraph.render(target, &mut scratch);
    copy_cells(&scratch, buf, target);
}

/// Copies the cells of `area` that both buffers hold.
fn copy_cells(from: &Buffer, to: &mut Buffer, area: Rect) {
    for position in area.positions() {
        if let (Some(cell), Some(slot)) = (from.cell(position), to.cell_mut(position)) {
            *slot = cell.clone();
        }
    }
}

/// The characters of a one-cell line with their final styles (base, then line, then span).
fn styled_chars(line: &Line, base: Style) -> Vec<(char, Style)> {
    let line_style = base.patch(line.style);
    let mut chars = Vec::with_capacity(line.spans.iter().map(|span| span.content.len()).sum());
    for span in &line.spans {
        let style = line_style.patch(span.style);
        chars.extend(span.content.chars().map(|c| (c, style)));
    }
    chars
}

/// One line of one-cell characters cut at the area's width, written straight into the cells
/// (the hot path of every list and status line).
fn draw_truncated(buf: &mut Buffer, area: Rect, y: u16, line: &Line, base: Style, alignment: Alignment) {
    let width = usize::from(area.width);
    let offset = match alignment {
        Alignment::Left => 0,
        _ => {
            let shown = line.spans.iter().map(|span| span.content.chars().count()).sum::<usize>().min(width) as u16;
            if alignment == Alignment::Center {
                (area.width / 2).saturating_sub(shown / 2)
            } else {
                area.width.saturating_sub(shown)
            }
        }
    };
    let line_style = base.patch(line.style);
    // `area` lies inside the buffer (the caller intersected them), so the row's cells are one
    // contiguous run of the buffer's content.
    let Some(start) = row_start(buf, area.left() + offset, y) else { return };
    let room = usize::from(area.width.saturating_sub(offset));
    let mut cells = buf.content[start..].iter_mut().take(room);
    for span in &line.spans {
        let style = line_style.patch(span.style);
        for c in span.content.chars() {
            let Some(cell) = cells.next() else { return };
            cell.set_char(c).set_style(style);
        }
    }
}

/// The index in the buffer's content of the cell at (x, y), if the buffer holds it.
fn row_start(buf: &Buffer, x: u16, y: u16) -> Option<usize> {
    buf.area.contains(Position::new(x, y)).then(|| buf.index_of(x, y))
}

fn draw_row(buf: &mut Buffer, area: Rect, y: u16, row: &[(char, Style)], alignment: Alignment) {
    let width = row.len() as u16;
    let offset = match alignment {
        Alignment::Left => 0,
        Alignment::Center => (area.width / 2).saturating_sub(width / 2),
        Alignment::Right => area.width.saturating_sub(width),
    };
    let Some(start) = row_start(buf, area.left() + offset, y) else { return };
    let room = usize::from(area.width.saturating_sub(offset));
    for (cell, (c, style)) in buf.content[start..].iter_mut().take(room).zip(row) {
        cell.set_char(*c).set_style(*style);
    }
}

/// Word-wraps one line of one-cell characters into rows of at most `width`, breaking where
/// ratatui's word wrapper breaks (so both renderers agree): words move whole to the next row
/// unless longer than a row; with `trim`, whitespace at the start of a wrapped row is dropped.
fn wrap_simple(chars: &[(char, Style)], width: u16, trim: bool, rows: &mut Vec<Vec<(char, Style)>>) {
    let width = usize::from(width);
    let produced = rows.len();
    let mut row: Vec<(char, Style)> = Vec::new();
    let mut word: Vec<(char, Style)> = Vec::new();
    let mut gap: VecDeque<(char, Style)> = VecDeque::new();
    let mut after_word = false;
    for &(c, style) in chars {
        let space = c == ' ';
        let leading = row.is_empty();
        let word_ends = after_word && space;
        let overflows = leading
            && if trim { word.len() + 1 > width || gap.len() + 1 > width } else { word.len() + gap.len() + 1 > width };
        if word_ends || overflows {
            if !leading || !trim {
                row.extend(gap.drain(..));
            }
            row.append(&mut word);
            gap.clear();
        }
        if row.len() >= width || row.len() + gap.len() + word.len() >= width {
            let mut room = width.saturating_sub(row.len());
            rows.push(std::mem::take(&mut row));
            while room > 0 && gap.pop_front().is_some() {
                room -= 1;
            }
            if space && gap.is_empty() {
                continue;
            }
        }
        if space {
            gap.push_back((c, style));
        } else {
            word.push((c, style));
        }
        after_word = !space;
    }
    if trim && row.is_empty() && word.is_empty() && !gap.is_empty() {
        rows.push(Vec::new());
    }
    if !row.is_empty() || !trim {
        row.extend(gap.drain(..));
    }
    row.append(&mut word);
    if !row.is_empty() {
        rows.push(row);
    }
    if rows.len() == produced {
        rows.push(Vec::new());
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use ratatui::style::{Color, Modifier};
    use ratatui::text::Span;

    use super::*;

    fn both(text: Text<'static>, style: Style, wrap: Option<bool>, width: u16, height: u16) -> (Buffer, Buffer) {
        let area = Rect::new(0, 0, width, height);
        let mut ours = Buffer::empty(area);
        let mut theirs = Buffer::empty(area);
        let mut fast = FastParagraph::new(text.clone()).style(style);
        let mut reference = Paragraph::new(text).style(style);
        if let Some(trim) = wrap {
            fast = fast.wrap(Wrap { trim });
            reference = reference.wrap(Wrap { trim });
            assert_eq!(fast.line_count(width), reference.line_count(width), "line count at width {width}");
        }
        let target = Rect::new(0, 1.min(height), width, height.saturating_sub(1));
        fast.render(target, &mut ours);
        // ratatui may write one wide character past a two-cell area (and panic at the buffer's
        // edge): draw it with room to spare and compare the area's cells only.
        let mut roomy = Buffer::empty(Rect { width: width + 4, ..area });
        reference.render(target, &mut roomy);
        copy_cells(&roomy, &mut theirs, area);
        (ours, theirs)
    }

    #[test]
    fn a_wide_character_wrapped_at_the_buffer_edge_stays_inside() {
        // ratatui 0.30 alone panics here (found by the property test below on CI).
        for text in ["aaa中文", "a🙂🙂", " 中文"] {
            let (ours, theirs) = both(Text::from(Line::from(text)), Style::default(), Some(false), 2, 4);
            assert_eq!(ours, theirs, "{text}");
        }
    }

    #[test]
    fn every_one_cell_character_is_one_grapheme_of_width_one() {
        use unicode_width::UnicodeWidthChar;
        for c in (0..=0x2800u32).filter_map(char::from_u32).filter(|c| one_cell(*c)) {
            assert_eq!(c.width(), Some(1), "{c:?}");
            let text = format!("{c}{c}");
            assert_eq!(unicode_segmentation::UnicodeSegmentation::graphemes(text.as_str(), true).count(), 2, "{c:?}");
            assert!(!c.is_control() && (c == ' ' || !c.is_whitespace()), "{c:?}");
        }
    }

    #[test]
    fn the_queue_and_a_wrapped_protocol_match_ratatui() {
        let queue = Text::from(vec![
            Line::from(vec![Span::styled(" CRITICAL ", Style::new().fg(Color::Red)), Span::raw(" Élise Côté  kiosk")])
                .style(Style::new().add_modifier(Modifier::REVERSED)),
            Line::from("Jordan Lee — in progress…"),
            Line::from("emoji 🙂 and e\u{301} fall back"),
        ]);
        let (ours, theirs) = both(queue.clone(), Style::new().fg(Color::Gray), None, 30, 5);
        assert_eq!(ours, theirs);
        for trim in [false, true] {
            let (ours, theirs) = both(queue.clone(), Style::default(), Some(trim), 9, 12);
            assert_eq!(ours, theirs, "trim {trim}");
        }
    }

    fn arb_text() -> impl Strategy<Value = Text<'static>> {
        let piece = prop_oneof![
            8 => "[a-z ]{0,12}",
            2 => "[ ]{1,6}",
            1 => "[A-Za-zéàç’«» ↑↓█✓-]{0,8}",
            1 => "[a-z]{0,3}(🙂|e\u{301}|中文|\u{A0}|\t)?",
        ];
        let span = (piece, 0u8..4).prop_map(|(content, colour)| {
            let style = match colour {
                0 => Style::default(),
                1 => Style::new().fg(Color::Red),
                2 => Style::new().bg(Color::Blue).add_modifier(Modifier::BOLD),
                _ => Style::new().add_modifier(Modifier::REVERSED),
            };
            Span::styled(content, style)
        });
        let line = (prop::collection::vec(span, 0..4), any::<bool>(), 0u8..3).prop_map(|(spans, styled, align)| {
            let line = Line::from(spans);
            let line = if styled { line.style(Style::new().fg(Color::Green)) } else { line };
            match align {
                0 => line,
                1 => line.alignment(Alignment::Center),
                _ => line.alignment(Alignment::Right),
            }
        });
        prop::collection::vec(line, 0..6).prop_map(Text::from)
    }

    proptest! {
        #[test]
        fn draws_the_same_cells_as_ratatui(
            text in arb_text(),
            wrap in prop_oneof![Just(None), Just(Some(false)), Just(Some(true))],
            width in 0u16..24,
            height in 0u16..14,
        ) {
            let (ours, theirs) = both(text, Style::new().fg(Color::Yellow), wrap, width, height);
            prop_assert_eq!(ours, theirs);
        }
    }
}
