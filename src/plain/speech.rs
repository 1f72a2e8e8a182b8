//! Text as a screen reader or a braille display should get it: phone numbers as single digits
//! ("9 8 8", so a speech synthesiser never says "nine hundred and eighty-eight"), and none of the
//! typographic marks the full-screen interfaces use as decoration (`·`, `…`, `•`, box drawing),
//! which some synthesisers read aloud by name.

use crate::sanitize::terminal_text;

/// `text` cleaned for a terminal, with the decoration marks replaced by plain punctuation.
pub fn plain(text: &str) -> String {
    // A paragraph's lines are one line here: joined by a space, not run together.
    let clean = terminal_text(&text.replace('\n', " "), false);
    let mut out = String::with_capacity(clean.len());
    for c in clean.chars() {
        match c {
            '·' | '•' | '|' => out.push(','),
            '…' => out.push_str("..."),
            '⌫' => out.push_str("Backspace"),
            // Marks a screen shows beside a word that already says it ("Level 2 ✓").
            '✓' | '✗' | '█' => {}
            '→' => out.push(','),
            '_' => out.push(' '),
            // Box drawing and block elements never reach plain output.
            '\u{2500}'..='\u{259F}' => {}
            _ => out.push(c),
        }
    }
    // "a , b" left by a replaced mark between spaces reads better as "a, b"; an arrow between
    // a finding and what follows from it ("GAD-7 7 -> level 2") and a slash between two
    // words ("9-1-1 / emergency services") read as a pause.
    out.replace(" / ", ", ").replace(" ,", ",").replace(" ->", ",").trim_end().to_string()
}

/// Every phone-like number in `text` written digit by digit: a run of digit groups joined by
/// `-`, `.` or a space, three digits or more in all. Groups of one digit are joined by spaces
/// ("9-8-8" is "9 8 8"), longer ones by a comma, a pause in speech ("1-866-277-3553" is
/// "1, 8 6 6, 2 7 7, 3 5 5 3"). Shorter numbers (a time, "24") are left as they are.
pub fn spoken_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() * 2);
    let mut at = 0;
    while at < chars.len() {
        if !chars[at].is_ascii_digit() || (at > 0 && chars[at - 1].is_alphanumeric()) {
            out.push(chars[at]);
            at += 1;
            continue;
        }
        let (groups, end) = digit_groups(&chars, at);
        let digits: usize = groups.iter().map(String::len).sum();
        let glued_after = chars.get(end).is_some_and(|c| c.is_alphanumeric());
        // A year ("since 2023") is said as a year.
        let year =
            groups.len() == 1 && groups[0].len() == 4 && (groups[0].starts_with("19") || groups[0].starts_with("20"));
        if digits < 3 || glued_after || year {
            out.extend(&chars[at..end]);
        } else {
            let spelled: Vec<String> = groups.iter().map(|g| spell(g)).collect();
            let joiner = if groups.iter().all(|g| g.len() == 1) { " " } else { ", " };
            out.push_str(&spelled.join(joiner));
        }
        at = end;
    }
    out
}

/// The digit groups starting at `start` and where they end.
fn digit_groups(chars: &[char], start: usize) -> (Vec<String>, usize) {
    let mut groups = Vec::new();
    let mut at = start;
    loop {
        let mut group = String::new();
        while let Some(c) = chars.get(at).filter(|c| c.is_ascii_digit()) {
            group.push(*c);
            at += 1;
        }
        groups.push(group);
        let joined = chars.get(at).is_some_and(|c| matches!(c, '-' | '.' | ' '))
            && chars.get(at + 1).is_some_and(char::is_ascii_digit);
        if !joined {
            return (groups, at);
        }
        at += 1;
    }
}

fn spell(group: &str) -> String {
    let digits: Vec<String> = group.chars().map(String::from).collect();
    digits.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_spelled_digit_by_digit() {
        assert_eq!(spoken_numbers("If you are in danger now, call 9-1-1."), "If you are in danger now, call 9 1 1.");
        assert_eq!(spoken_numbers("Call or text 9-8-8 at any time"), "Call or text 9 8 8 at any time");
        assert_eq!(spoken_numbers("988"), "9 8 8");
        assert_eq!(spoken_numbers("1-866-277-3553, text 535353"), "1, 8 6 6, 2 7 7, 3 5 5 3, text 5 3 5 3 5 3");
        assert_eq!(spoken_numbers("1 866 APPELLE"), "1, 8 6 6 APPELLE");
    }

    #[test]
    fn short_numbers_and_numbers_inside_words_are_left_alone() {
        assert_eq!(spoken_numbers("Question 3 of 9, at 17:05"), "Question 3 of 9, at 17:05");
        assert_eq!(spoken_numbers("24 hours"), "24 hours");
        assert_eq!(spoken_numbers("PHQ-9 and GAD-7"), "PHQ-9 and GAD-7");
        assert_eq!(spoken_numbers("T9-1-1"), "T9-1-1");
        assert_eq!(spoken_numbers("ab123x"), "ab123x");
        assert_eq!(spoken_numbers("hours seen in 2023, line 2023-4567"), "hours seen in 2023, line 2 0 2 3, 4 5 6 7");
    }

    #[test]
    fn decoration_marks_become_punctuation() {
        assert_eq!(plain("Part 1 of 2 · Question 3 of 9"), "Part 1 of 2, Question 3 of 9");
        assert_eq!(plain("Telling the staff…"), "Telling the staff...");
        assert_eq!(plain("a\x1b[31mb ─┐"), "a[31mb");
        assert_eq!(plain("Final level: 2 ✓"), "Final level: 2");
        assert_eq!(plain("GAD-7 7 -> level 2"), "GAD-7 7, level 2");
        assert_eq!(plain("First line.\nSecond line."), "First line. Second line.");
    }
}
