//! Makes text that came from a user or a file safe to print on a terminal or in an export.

/// Removes control characters (C0, DEL, C1), bidirectional overrides and isolates, and
/// zero-width characters, which could move the cursor, recolour or hide text on a terminal,
/// or reorder what a reader sees. Newlines and tabs are kept only if `keep_newlines`.
pub fn terminal_text(input: &str, keep_newlines: bool) -> String {
    input
        .chars()
        .filter(|&c| {
            if keep_newlines && (c == '\n' || c == '\t') {
                return true;
            }
            !is_unsafe_for_terminal(c)
        })
        .collect()
}

fn is_unsafe_for_terminal(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}'   // zero-width space/joiners, LRM, RLM
            | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}' // bidi isolates
            | '\u{FEFF}'              // zero-width no-break space (BOM)
            | '\u{061C}'              // Arabic letter mark
        )
}

/// Escapes a CSV cell against formula injection: a cell starting with `=`, `+`, `-`, `@`, tab or
/// carriage return is prefixed with a single quote, after terminal sanitising.
pub fn csv_cell(input: &str) -> String {
    let clean = terminal_text(input, false);
    match clean.chars().next() {
        Some('=' | '+' | '-' | '@') => format!("'{clean}"),
        _ => clean,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_escape_sequences_bidi_and_zero_width() {
        let hostile = "Ann\u{1b}[2J\u{202E}eve\u{200B}\u{7}";
        assert_eq!(terminal_text(hostile, false), "Ann[2Jeve");
    }

    #[test]
    fn keeps_accents_and_wide_characters() {
        assert_eq!(terminal_text("Émilie 山田", false), "Émilie 山田");
    }

    #[test]
    fn newlines_only_when_asked() {
        assert_eq!(terminal_text("a\nb", true), "a\nb");
        assert_eq!(terminal_text("a\nb", false), "ab");
    }

    #[test]
    fn csv_formula_cells_are_neutralised() {
        assert_eq!(csv_cell("=1+1"), "'=1+1");
        assert_eq!(csv_cell("-2"), "'-2");
        assert_eq!(csv_cell("@SUM"), "'@SUM");
        assert_eq!(csv_cell("plain"), "plain");
    }
}
