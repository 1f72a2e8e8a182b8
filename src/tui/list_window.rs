//! The visible part of a list that is longer than its box, and the table columns lists are drawn
//! in: one rule for every list, so each scrolls the same way, shows where it is, and lines up by
//! display width (accents and wide characters included).

use std::ops::Range;

use unicode_width::UnicodeWidthChar;

use crate::instrument::Lang;
use crate::ui::strings::{Text, fill};

/// Which rows of a list of `total` are on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub first: usize,
    pub shown: usize,
    pub total: usize,
}

impl Window {
    /// The rows to show in `rows` lines so that `selected` is on screen: the list scrolls only
    /// when the selection would leave the box, and never leaves blank rows below its end.
    pub fn around(total: usize, selected: usize, rows: usize) -> Window {
        let rows = rows.max(1);
        let selected = selected.min(total.saturating_sub(1));
        let first = selected.saturating_sub(rows - 1).min(total.saturating_sub(rows));
        Window { first, shown: rows.min(total - first.min(total)), total }
    }

    /// As [`Window::around`] for a list read page by page with no selection: from `first`,
    /// kept inside the list.
    pub fn from(total: usize, first: usize, rows: usize) -> Window {
        let rows = rows.max(1);
        let first = first.min(total.saturating_sub(rows));
        Window { first, shown: rows.min(total - first.min(total)), total }
    }

    pub fn range(self) -> Range<usize> {
        self.first..self.first + self.shown
    }

    /// "12–20 of 143" when part of the list is out of sight; nothing when all of it shows.
    pub fn marker(self, lang: Lang) -> Option<String> {
        (self.shown < self.total).then(|| {
            fill(
                Text::ListPosition,
                lang,
                &[
                    ("first", (self.first + 1).to_string()),
                    ("last", (self.first + self.shown).to_string()),
                    ("total", self.total.to_string()),
                ],
            )
        })
    }
}

/// A screen's data with how far its list is scrolled, for lists read page by page with no
/// selection (a history, a report): `scroll` is the first item shown, kept inside the list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scrolled<T> {
    pub data: T,
    pub scroll: usize,
}

impl<T> Scrolled<T> {
    pub fn new(data: T) -> Scrolled<T> {
        Scrolled { data, scroll: 0 }
    }

    /// One item up or down in a list of `count` items.
    pub fn step(&mut self, up: bool, count: usize) {
        self.scroll = if up { self.scroll.saturating_sub(1) } else { (self.scroll + 1).min(count.saturating_sub(1)) };
    }
}

impl<T> std::ops::Deref for Scrolled<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.data
    }
}

impl<T> std::ops::DerefMut for Scrolled<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.data
    }
}

/// The window over items of the given heights (in rows) that fits `rows` from `first`, kept so
/// the list never ends above the bottom of its box: a history's blocks of different heights
/// scroll by the same rule and marker as a list of lines.
pub fn window_of_heights(heights: &[usize], first: usize, rows: usize) -> Window {
    let total = heights.len();
    // The first item from which the rest of the list fits.
    let mut last_first = total;
    let mut used = 0;
    while last_first > 0 && used + heights[last_first - 1] <= rows {
        last_first -= 1;
        used += heights[last_first];
    }
    let first = first.min(last_first.min(total.saturating_sub(1)));
    let mut shown = 0;
    let mut used = 0;
    for height in &heights[first.min(total)..] {
        if used + height > rows && shown > 0 {
            break;
        }
        used += height;
        shown += 1;
    }
    Window::from(total, first, shown)
}

/// `text` in exactly `width` terminal cells: cut with "…" when longer, padded when shorter.
pub fn cell(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    let total: usize = text.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        out.push_str(text);
        used = total;
    } else if width > 0 {
        for c in text.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > width - 1 {
                break;
            }
            out.push(c);
            used += w;
        }
        out.push('…');
        used += 1;
    }
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
    out
}

/// A row of cells, each `width` wide, one space apart (the last one is not padded).
pub fn row(cells: &[(&str, usize)]) -> String {
    let mut out = String::new();
    for (index, (text, width)) in cells.iter().enumerate() {
        if index > 0 {
            out.push(' ');
        }
        if index + 1 == cells.len() {
            out.push_str(text);
        } else {
            out.push_str(&cell(text, *width));
        }
    }
    out
}

/// `text` broken into rows of at most `width` terminal cells, at spaces where it can be (a word
/// longer than a row is cut), so a long reason is read whole rather than cut at the border.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut rows = Vec::new();
    let mut current = String::new();
    let mut used = 0;
    for word in text.split_whitespace() {
        let mut word_width: usize = word.chars().map(|c| c.width().unwrap_or(0)).sum();
        if used > 0 && used + 1 + word_width > width {
            rows.push(std::mem::take(&mut current));
            used = 0;
        }
        if used > 0 {
            current.push(' ');
            used += 1;
        }
        let mut rest = word;
        while word_width > width - used {
            let mut taken = 0;
            let mut split = rest.len();
            for (index, c) in rest.char_indices() {
                let w = c.width().unwrap_or(0);
                if used + taken + w > width {
                    split = index;
                    break;
                }
                taken += w;
            }
            if split == 0 {
                // One character wider than a row (日 in one cell): it takes a row of its own.
                split = rest.chars().next().map_or(rest.len(), char::len_utf8);
                taken = rest[..split].chars().map(|c| c.width().unwrap_or(0)).sum();
            }
            current.push_str(&rest[..split]);
            rows.push(std::mem::take(&mut current));
            used = 0;
            rest = &rest[split..];
            word_width -= taken;
        }
        current.push_str(rest);
        used += word_width;
    }
    if !current.is_empty() || rows.is_empty() {
        rows.push(current);
    }
    rows
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use unicode_width::UnicodeWidthStr;

    use super::*;

    #[test]
    fn a_short_list_shows_whole_and_says_nothing() {
        let window = Window::around(3, 2, 10);
        assert_eq!(window.range(), 0..3);
        assert_eq!(window.marker(Lang::En), None);
    }

    #[test]
    fn a_long_list_scrolls_with_the_selection_and_says_where_it_is() {
        let window = Window::around(143, 19, 9);
        assert_eq!(window.range(), 11..20);
        assert_eq!(window.marker(Lang::En).as_deref(), Some("12–20 of 143"));
        assert_eq!(window.marker(Lang::Fr).as_deref(), Some("12 à 20 sur 143"));
        assert_eq!(Window::from(143, 140, 9).range(), 134..143);
    }

    #[test]
    fn blocks_of_different_heights_scroll_by_the_same_rule() {
        let heights = [3, 3, 1, 1, 1, 3];
        assert_eq!(window_of_heights(&heights, 0, 7).range(), 0..3);
        assert_eq!(window_of_heights(&heights, 0, 7).marker(Lang::En).as_deref(), Some("1–3 of 6"));
        assert_eq!(window_of_heights(&heights, 2, 7).range(), 2..6);
        // Scrolled past where the end fits: the end is at the bottom, nothing blank below it.
        assert_eq!(window_of_heights(&heights, 5, 7).range(), 2..6);
        assert_eq!(window_of_heights(&heights, 0, 40).marker(Lang::En), None);
        // An item taller than the box is shown alone.
        assert_eq!(window_of_heights(&[9, 1], 0, 4).range(), 0..1);
        assert_eq!(window_of_heights(&[], 3, 4).range(), 0..0);
    }

    #[test]
    fn cells_line_up_by_display_width() {
        assert_eq!(cell("Élodie Côté", 12), "Élodie Côté ");
        assert_eq!(cell("Tremblay-Côté, Élodie", 10), "Tremblay-…");
        assert_eq!(cell("日本語", 5).width(), 5);
        assert_eq!(row(&[("a", 3), ("b", 2), ("end", 9)]), "a   b  end");
    }

    #[test]
    fn long_text_wraps_at_spaces_and_cuts_only_a_word_longer_than_a_row() {
        assert_eq!(
            wrap_words("offered because you are in Nova Scotia", 16),
            ["offered because", "you are in Nova", "Scotia"]
        );
        assert_eq!(
            wrap_words("https://example.org/a/very/long/path", 12),
            ["https://exam", "ple.org/a/ve", "ry/long/path"]
        );
        assert_eq!(wrap_words("", 10), [""]);
    }

    proptest! {
        #[test]
        fn wrapped_rows_fit_and_keep_every_word(text in "[a-zé日 ]{0,80}", width in 1usize..30) {
            let rows = wrap_words(&text, width);
            for row in &rows {
                let one_wide_character = row.chars().count() == 1;
                prop_assert!(row.width() <= width || one_wide_character, "{:?} wider than {}", row, width);
            }
            let joined: String = rows.concat().split_whitespace().collect();
            let original: String = text.split_whitespace().collect();
            prop_assert_eq!(joined, original);
        }

        #[test]
        fn the_selection_is_always_on_screen_and_rows_are_never_wasted(
            total in 0usize..500, selected in 0usize..600, rows in 0usize..60,
        ) {
            let window = Window::around(total, selected, rows);
            prop_assert!(window.range().end <= total);
            prop_assert_eq!(window.shown, rows.max(1).min(total));
            if total > 0 {
                prop_assert!(window.range().contains(&selected.min(total - 1)));
            }
        }

        #[test]
        fn a_cell_is_always_its_width(text in "\\PC{0,40}", width in 1usize..40) {
            let text: String = text.chars().filter(|c| c.width().is_some_and(|w| w > 0)).collect();
            prop_assert_eq!(cell(&text, width).width(), width);
        }
    }
}
