//! Every piece of interface text, in English and French. Screens never hold literal text: they ask
//! for a [`Text`] in the current language, so switching language takes effect on the next frame.
//! Instrument wording is not here: it comes from the questionnaire files, exactly as published.

use crate::instrument::Lang;

macro_rules! strings {
    ([] $($key:ident => $en:expr, $fr:expr;)*) => {
        /// A piece of interface text.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Text { $($key,)* }

        impl Text {
            pub const ALL: &'static [Text] = &[$(Text::$key,)*];

            /// The text in `lang`.
            pub fn get(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Text::$key, Lang::En) => $en, (Text::$key, Lang::Fr) => $fr,)*
                }
            }
        }
    };
}

// The table is split by area, one file each; every part is a macro that appends its entries and
// hands them on, and the last (`strings!`) builds the one `Text` enum, so call sites see one table.
#[macro_use]
mod general;
#[macro_use]
mod intake;
#[macro_use]
mod results;
#[macro_use]
mod admin;
#[macro_use]
mod reports;
#[macro_use]
mod kiosk;
#[macro_use]
mod cli;
#[macro_use]
mod plain;

general_strings!([
    intake_strings,
    results_strings,
    admin_strings,
    reports_strings,
    kiosk_strings,
    cli_strings,
    plain_strings,
    strings
]);

pub use super::clock::clock_time;
pub use super::typography::{colon, key_name};

/// `text` with `{name}` placeholders replaced.
pub fn fill(text: Text, lang: Lang, values: &[(&str, String)]) -> String {
    let mut out = text.get(lang).to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_exists_in_both_languages() {
        for text in Text::ALL {
            for lang in Lang::ALL {
                assert!(!text.get(lang).trim().is_empty(), "{text:?} is empty in {lang:?}");
            }
        }
    }

    #[test]
    fn placeholders_match_between_languages() {
        for text in Text::ALL {
            let holes = |s: &str| s.matches('{').count();
            assert_eq!(holes(text.get(Lang::En)), holes(text.get(Lang::Fr)), "{text:?}");
        }
    }

    /// Where French typography wants a space before `:` `?` `!` `;` and no ASCII double quote;
    /// URLs (`://`), times (`9:00`) and `{placeholder}` contents are not sentences.
    fn typography_faults(french: &str) -> Vec<String> {
        let chars: Vec<char> = french.chars().collect();
        let mut faults = Vec::new();
        for (at, &mark) in chars.iter().enumerate() {
            let before = at.checked_sub(1).and_then(|i| chars.get(i)).copied();
            let after = chars.get(at + 1).copied();
            let glued = before.is_some_and(|c| c.is_alphanumeric() || matches!(c, ')' | '»' | '.' | '\''));
            let url = mark == ':' && after == Some('/');
            let time =
                mark == ':' && before.is_some_and(|c| c.is_ascii_digit()) && after.is_some_and(|c| c.is_ascii_digit());
            if matches!(mark, ':' | '?' | '!' | ';') && glued && !url && !time {
                faults.push(format!("no space before « {mark} » at {at}"));
            }
            if mark == '"' {
                faults.push(format!("ASCII double quote at {at}: use « »"));
            }
        }
        faults
    }

    #[test]
    fn french_strings_follow_french_typography() {
        for text in Text::ALL {
            let faults = typography_faults(text.get(Lang::Fr));
            assert!(faults.is_empty(), "{text:?} « {} »: {faults:?}", text.get(Lang::Fr));
        }
    }

    #[test]
    fn the_typography_check_finds_what_it_is_meant_to() {
        assert_eq!(typography_faults("Aide : touches ; d'accord ? oui !"), Vec::<String>::new());
        assert_eq!(typography_faults("à 9:00, voir https://www.inspq.qc.ca"), Vec::<String>::new());
        assert_eq!(typography_faults("Erreur: non").len(), 1);
        assert_eq!(typography_faults("Lever ce suivi?").len(), 1);
        assert_eq!(typography_faults("fin; suite!").len(), 2);
        assert_eq!(typography_faults("le mot \"borne\"").len(), 2);
    }

    #[test]
    fn keys_are_named_as_a_french_keyboard_prints_them() {
        assert_eq!(key_name("Enter", Lang::Fr), "Entrée");
        assert_eq!(key_name("Esc/^B", Lang::Fr), "Échap/^B");
        assert_eq!(key_name("S-Tab/↑", Lang::Fr), "S-Tab/↑");
        assert_eq!(key_name("Space", Lang::Fr), "Espace");
        assert_eq!(key_name("^E", Lang::Fr), "^E");
        assert_eq!(key_name("r", Lang::Fr), "r");
        assert_eq!(key_name("Enter", Lang::En), "Enter");
        assert_eq!(format!("Niveau{}3", colon(Lang::Fr)), "Niveau : 3");
    }

    #[test]
    fn fill_replaces_placeholders() {
        let filled = fill(Text::ItemOf, Lang::Fr, &[("n", "4".into()), ("total", "9".into())]);
        assert_eq!(filled, "Question 4 sur 9");
    }
}
