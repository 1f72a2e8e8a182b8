//! How each language writes what the strings leave open: the colon before a value and the names
//! of keys on a keyboard of that language (clock times: `clock`). Re-exported by `strings`.

use crate::instrument::Lang;

/// What follows a label before its value: French puts a space before the colon.
pub fn colon(lang: Lang) -> &'static str {
    match lang {
        Lang::En => ": ",
        Lang::Fr => " : ",
    }
}

/// A key's name as a keyboard in `lang` prints it ("Enter" is "Entrée" on a Canadian French
/// keyboard). Key tables name keys in English; each word of a combination ("Esc/^B") is named.
pub fn key_name(key: &str, lang: Lang) -> std::borrow::Cow<'_, str> {
    if lang == Lang::En {
        return key.into();
    }
    let french = |word: &str| match word {
        "Enter" => "Entrée",
        "Space" => "Espace",
        "Esc" => "Échap",
        "Tab" => "Tab",
        "Home" => "Début",
        "End" => "Fin",
        "PgUp" => "PgPréc",
        "PgDn" => "PgSuiv",
        "Backspace" => "Retour arrière",
        _ => "",
    };
    let mut named = String::with_capacity(key.len() + 4);
    let mut word = String::new();
    let mut changed = false;
    let flush = |word: &mut String, named: &mut String, changed: &mut bool| {
        let french_word = french(word);
        if french_word.is_empty() {
            named.push_str(word);
        } else {
            *changed |= french_word != word.as_str();
            named.push_str(french_word);
        }
        word.clear();
    };
    for c in key.chars() {
        if c.is_ascii_alphabetic() {
            word.push(c);
        } else {
            flush(&mut word, &mut named, &mut changed);
            named.push(c);
        }
    }
    flush(&mut word, &mut named, &mut changed);
    if changed { named.into() } else { key.into() }
}
