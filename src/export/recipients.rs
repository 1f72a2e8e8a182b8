//! The age X25519 public keys an export is encrypted to (`triage export --recipient`,
//! `--recipients-file`, and the staff interface's export task). Pure: keys in, recipients or a
//! message that names the bad key out.

use crate::diagnostic::Diagnostic;
use crate::sanitize::terminal_text;

pub use age::x25519::Recipient;

/// The most recipients an export takes (each adds a small header stanza to every file).
pub const MAX_RECIPIENTS: usize = 32;

/// One age X25519 public key (`age1` and 58 more characters), or why it is not one.
pub fn parse_key(text: &str) -> Result<Recipient, String> {
    let key = text.trim();
    if key.starts_with("AGE-SECRET-KEY-") {
        return Err(
            "this is an age secret key (an identity), not a public key: give the `age1...` public key it prints with `age-keygen -y`, and keep the secret key to yourself"
                .into(),
        );
    }
    key.parse::<Recipient>().map_err(|why| {
        let shown: String = terminal_text(key, false).chars().take(16).collect();
        let more = if key.chars().count() > 16 { "..." } else { "" };
        format!("`{shown}{more}` is not an age X25519 public key ({why}): expected `age1` followed by 58 characters")
    })
}

/// The keys given with `--recipient`, each named by its position when it is bad.
pub fn from_options(keys: &[String]) -> Result<Vec<Recipient>, String> {
    keys.iter()
        .enumerate()
        .map(|(index, key)| parse_key(key).map_err(|why| format!("--recipient number {}: {why}", index + 1)))
        .collect()
}

/// The keys of a recipients file: one a line, `#` starts a comment, blank lines skipped. A bad
/// key is named `file:line:column`, its column that of the key's first character.
pub fn from_file(file: &str, text: &str) -> Result<Vec<Recipient>, Diagnostic> {
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let content = line.split('#').next().unwrap_or("");
        let key = content.trim();
        if key.is_empty() {
            continue;
        }
        let column = content.chars().take_while(|c| c.is_whitespace()).count() + 1;
        let at = |message: String| Diagnostic { file: file.to_string(), line: index + 1, column, message };
        if key.split_whitespace().count() > 1 {
            return Err(at("more than one key on this line: put one key on each line".into()));
        }
        out.push(parse_key(key).map_err(at)?);
    }
    if out.is_empty() {
        return Err(Diagnostic {
            file: file.to_string(),
            line: 1,
            column: 1,
            message: "no key in this file: write one age public key (`age1...`) on each line".into(),
        });
    }
    Ok(out)
}

/// Keys typed on one line (the staff interface's field), separated by spaces or commas; a bad
/// one is named by its position.
pub fn from_line(text: &str) -> Result<Vec<Recipient>, String> {
    let keys: Vec<String> =
        text.split(|c: char| c == ',' || c.is_whitespace()).filter(|k| !k.is_empty()).map(String::from).collect();
    from_options(&keys).map_err(|why| why.replacen("--recipient number", "key number", 1))
}

/// Every recipient at most once, and no more than [`MAX_RECIPIENTS`].
pub fn checked(mut recipients: Vec<Recipient>) -> Result<Vec<Recipient>, String> {
    let mut seen = std::collections::HashSet::new();
    recipients.retain(|r| seen.insert(r.to_string()));
    if recipients.len() > MAX_RECIPIENTS {
        return Err(format!("{} recipients: an export is encrypted to at most {MAX_RECIPIENTS}", recipients.len()));
    }
    Ok(recipients)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> String {
        age::x25519::Identity::generate().to_public().to_string()
    }

    #[test]
    fn good_keys_parse_and_bad_ones_are_named_by_position() {
        let (a, b) = (key(), key());
        assert_eq!(from_options(&[a.clone(), b.clone()]).unwrap().len(), 2);
        let error = from_options(&[a.clone(), "age1notakey".into()]).unwrap_err();
        assert!(error.starts_with("--recipient number 2: `age1notakey` is not an age X25519 public key"), "{error}");
        let secret = age::x25519::Identity::generate();
        let error = parse_key(age::secrecy::ExposeSecret::expose_secret(&secret.to_string())).unwrap_err();
        assert!(
            error.contains("secret key") && !error.contains("AGE-SECRET-KEY-1"),
            "the secret is not echoed: {error}"
        );
        let error = from_line(&format!("{a}, nope")).unwrap_err();
        assert!(error.starts_with("key number 2:"), "{error}");
        assert_eq!(from_line(&format!("{a} {b},{a}")).map(|r| checked(r).unwrap().len()), Ok(2));
    }

    #[test]
    fn a_recipients_file_names_its_bad_key_by_line_and_column() {
        let (a, b) = (key(), key());
        let text = format!("# the research team\n{a}\n\n  {b}  # Marie\n");
        assert_eq!(from_file("keys.txt", &text).unwrap().len(), 2);
        let text = format!("{a}\n# next\n   age1wrong\n");
        let error = from_file("keys.txt", &text).unwrap_err();
        assert_eq!((error.line, error.column), (3, 4));
        assert!(error.to_string().starts_with("keys.txt:3:4: `age1wrong` is not"), "{error}");
        assert_eq!(from_file("empty.txt", "# nobody\n").unwrap_err().line, 1);
        assert!(from_file("two.txt", &format!("{a} {b}\n")).unwrap_err().message.contains("one key on each line"));
    }
}
