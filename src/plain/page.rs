//! What both plain shells say, and the memory that keeps them from saying it twice (pure). A
//! [`Page`] is one screen as text; [`Said`] remembers what was said since the terminal was last
//! wiped, so a new page is said whole (its context and choices only when they are new) and a
//! page that changed in place says only its changed lines.

use crate::instrument::Lang;
use crate::ui::strings::{Text, colon, fill};

use super::speech::{plain, spoken_numbers};

/// One screen as text. `key` names what is shown (a screen, one question, one form field);
/// lines of the same page already said are not said again.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Page {
    pub key: String,
    /// Context said once until the terminal is wiped (an instrument's time frame and stem,
    /// "Part 1 of 2", the answering instructions).
    pub once: Vec<String>,
    pub lines: Vec<String>,
    /// The numbered choices, said when they differ from the last ones said.
    pub choices: Vec<String>,
    pub tail: Vec<String>,
}

impl Page {
    pub fn new(key: impl Into<String>) -> Page {
        Page { key: key.into(), ..Page::default() }
    }

    pub fn line(&mut self, text: impl AsRef<str>) {
        self.lines.push(plain(text.as_ref()));
    }

    /// A line with phone numbers written digit by digit.
    pub fn spoken(&mut self, text: impl AsRef<str>) {
        self.lines.push(spoken_numbers(&plain(text.as_ref())));
    }

    /// The page whole, as "r" says it again.
    pub fn whole(&self) -> Vec<String> {
        let mut out = self.once.clone();
        out.extend(self.lines.iter().cloned());
        out.extend(self.choices.iter().cloned());
        out.extend(self.tail.iter().cloned());
        out
    }
}

/// What a typed line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command<K> {
    /// Keys (or actions) for the interface, in order (none: nothing to do).
    Keys(Vec<K>),
    /// Say the page again, whole.
    Repeat,
    /// List the choices and keys.
    Help,
    /// Not something this page takes: say this.
    Refused(String),
}

/// A numbered choice as the language writes it ("1: Not at all", "1 : Pas du tout").
pub fn choice(number: usize, text: &str, lang: Lang) -> String {
    format!("{number}{}{}", colon(lang), plain(text))
}

/// What was said since the last wipe.
#[derive(Debug, Default)]
pub struct Said {
    last: Option<Page>,
    said_once: Vec<String>,
    choices: Vec<String>,
}

impl Said {
    /// What to say now that `next` is in front: a new page whole (context not said since the
    /// wipe, choices unless they are the last ones said), the same page only its new lines.
    pub fn update(&mut self, next: Page, lang: Lang) -> Vec<String> {
        let mut out = Vec::new();
        match &self.last {
            Some(last) if last.key == next.key => {
                let old: Vec<&String> = last.lines.iter().chain(&last.tail).collect();
                out.extend(next.lines.iter().filter(|l| !old.contains(l)).cloned());
                // Choices that came up on the page (a list to choose from) are said with it.
                if !next.choices.is_empty() && next.choices != self.choices {
                    out.extend(next.choices.iter().cloned());
                    self.choices.clone_from(&next.choices);
                }
                out.extend(next.tail.iter().filter(|l| !old.contains(l)).cloned());
            }
            _ => {
                out.extend(next.once.iter().filter(|l| !self.said_once.contains(l)).cloned());
                self.said_once.extend(next.once.iter().cloned());
                out.extend(next.lines.iter().cloned());
                if next.choices != self.choices {
                    out.extend(next.choices.iter().cloned());
                } else if !next.choices.is_empty() {
                    let n = next.choices.len().to_string();
                    out.push(plain(&fill(Text::PlainChoicesAsBefore, lang, &[("n", n)])));
                }
                if !next.choices.is_empty() {
                    self.choices.clone_from(&next.choices);
                }
                out.extend(next.tail.iter().cloned());
            }
        }
        self.last = Some(next);
        out
    }

    /// `page` again, whole.
    pub fn repeat(&mut self, page: Page) -> Vec<String> {
        let out = page.whole();
        self.last = Some(page);
        out
    }

    /// The terminal was wiped: the next page is said whole, context included.
    pub fn forget(&mut self) {
        *self = Said::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(key: &str, lines: &[&str], choices: &[&str]) -> Page {
        Page {
            key: key.into(),
            once: vec!["context".into()],
            lines: lines.iter().map(|l| l.to_string()).collect(),
            choices: choices.iter().map(|l| l.to_string()).collect(),
            tail: Vec::new(),
        }
    }

    #[test]
    fn a_new_page_is_said_whole_and_a_changed_one_only_by_its_new_lines() {
        let mut said = Said::default();
        let first = said.update(page("a", &["one"], &["1: yes", "2: no"]), Lang::En);
        assert_eq!(first, ["context", "one", "1: yes", "2: no"]);
        assert!(said.update(page("a", &["one"], &["1: yes", "2: no"]), Lang::En).is_empty(), "nothing new");
        assert_eq!(said.update(page("a", &["one", "two"], &[]), Lang::En), ["two"]);
        let next = said.update(page("b", &["three"], &["1: yes", "2: no"]), Lang::En);
        assert_eq!(next, ["three", "The choices are the same as before, 1 to 2."], "context and choices once");
        said.forget();
        assert_eq!(said.update(page("b", &["three"], &[]), Lang::En), ["context", "three"]);
    }
}
