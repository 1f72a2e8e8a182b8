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

/// Text folded for matching a person's name: lowercase, accents and other combining marks
/// taken off (Unicode NFD), and the letters that are two in other spellings written as two
/// (œ oe, æ ae, ß ss, ø o, ł l, đ d, ı i), so that "elodie cote" finds "Élodie Tremblay-Côté".
/// Character by character, so the result never depends on a neighbour and folding it again
/// changes nothing.
pub fn fold(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    let mut folded = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase).nfd().filter(|&c| !is_combining_mark(c)) {
        match c {
            'œ' => folded.push_str("oe"),
            'æ' => folded.push_str("ae"),
            'ß' => folded.push_str("ss"),
            'ø' => folded.push('o'),
            'ł' => folded.push('l'),
            'đ' | 'ð' => folded.push('d'),
            'ı' => folded.push('i'),
            // A letter whose lowercase decomposes again (rare): folded once more.
            c if c.is_uppercase() => folded.extend(c.to_lowercase().nfd().filter(|&c| !is_combining_mark(c))),
            c => folded.push(c),
        }
    }
    folded
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn folding_takes_off_case_accents_and_ligatures() {
        assert_eq!(fold("Élodie Tremblay-Côté"), "elodie tremblay-cote");
        assert_eq!(fold("ŒUVRE Lætitia Straße Øyvind Łukasz"), "oeuvre laetitia strasse oyvind lukasz");
        assert_eq!(fold("E\u{301}LODIE"), "elodie", "a decomposed accent too");
        assert_eq!(fold("山田 Ωmega"), "山田 ωmega", "letters without accents are kept");
    }

    proptest! {
        #[test]
        fn folding_is_idempotent(text in "\\PC{0,24}") {
            let once = fold(&text);
            prop_assert_eq!(fold(&once), once);
        }

        #[test]
        fn folding_ignores_case_and_accents(word in "[a-zA-Z]{1,12}", marks in proptest::collection::vec(0usize..5, 12)) {
            // The same word in any case with accents added anywhere folds to the word in lowercase.
            const MARKS: [char; 5] = ['\u{301}', '\u{300}', '\u{302}', '\u{308}', '\u{327}'];
            let accented: String = word
                .chars()
                .zip(marks.iter().cycle())
                .flat_map(|(c, &m)| [c.to_ascii_uppercase(), MARKS[m]])
                .collect();
            let composed: String = unicode_normalization::UnicodeNormalization::nfc(accented.as_str()).collect();
            prop_assert_eq!(fold(&composed), word.to_ascii_lowercase());
            prop_assert_eq!(fold(&accented), fold(&word.to_ascii_uppercase()));
        }
    }

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
