//! The form widget: text and secret fields edited at a cursor, tick boxes, and pickers (a choice
//! among fixed codes, cycled with ←→ or chosen by number or by typing its start).

use zeroize::Zeroizing;

use super::app::{Action, App, Screen};
use super::keys::{Binding, Key, bind};
use crate::instrument::Library;
use crate::ui::strings::Text;

/// What a form's keys do: the form's own action (sign in, save, run), an edit, or leaving it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormCmd {
    Submit,
    Edit,
    Back,
}

/// The keys of every form; Enter says what it does, Esc is offered where the form can be left.
pub const KEYS: &[Binding<FormCmd>] = &[
    bind(&[Key::Enter], FormCmd::Submit, Text::KeySave).when(|app, _| tool_form(app).is_some_and(|settings| settings)),
    bind(&[Key::Enter], FormCmd::Submit, Text::KeyRun).when(|app, _| tool_form(app).is_some_and(|settings| !settings)),
    bind(&[Key::Enter], FormCmd::Submit, Text::KeySubmit).when(|app, _| tool_form(app).is_none()),
    bind(&[Key::Tab, Key::Down], FormCmd::Edit, Text::KeyNextField),
    bind(&[Key::Up], FormCmd::Edit, Text::KeyPrevField).help_only(),
    bind(&[Key::Space], FormCmd::Edit, Text::KeyToggle)
        .when(|app, _| focused_is(app, |k| matches!(k, FieldKind::Checks(_)))),
    bind(&[Key::Pick], FormCmd::Edit, Text::KeyChoose)
        .when(|app, _| focused_is(app, |k| matches!(k, FieldKind::Choice(_)))),
    bind(&[Key::Text], FormCmd::Edit, Text::KeyTextEdit)
        .when(|app, _| focused_is(app, |k| matches!(k, FieldKind::Text | FieldKind::Secret)))
        .help_only(),
    bind(&[Key::Back], FormCmd::Back, Text::KeyBack).when(leavable),
];

/// The form in front, if any.
pub fn current(app: &App) -> Option<&Form> {
    if let Some(form) = &app.locked {
        return Some(form);
    }
    match &app.screen {
        Screen::FirstRun(form) | Screen::Login(form) | Screen::ChangePassword(form) | Screen::ClientForm(form) => {
            Some(form)
        }
        Screen::Admin(state) => match (&state.tool, &state.new_user) {
            (Some(tool), _) if tool.takes_text() => Some(&tool.form),
            (None, Some(form)) => Some(form),
            _ => None,
        },
        _ => None,
    }
}

/// An administration task's form is in front: `true` for the settings (Enter saves them).
fn tool_form(app: &App) -> Option<bool> {
    match (&app.screen, &app.locked) {
        (Screen::Admin(state), None) => state
            .tool
            .as_ref()
            .filter(|tool| tool.takes_text())
            .map(|tool| tool.kind == super::admin_ops::ToolKind::Settings),
        _ => None,
    }
}

fn focused_is(app: &App, kind: fn(FieldKind) -> bool) -> bool {
    current(app).and_then(Form::focused_kind).is_some_and(kind)
}

/// A form that can be left: a client's details, a new user, a task's form.
fn leavable(app: &App, _: &Library) -> bool {
    app.locked.is_none() && matches!(app.screen, Screen::ClientForm(_) | Screen::Admin(_))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Secret,
    /// Tick boxes: (code, label).
    Checks(&'static [(&'static str, Text)]),
    /// One of (code, label); the value is the chosen code, empty until one is chosen.
    Choice(&'static [(&'static str, Text)]),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub label: Text,
    pub kind: FieldKind,
    pub value: Zeroizing<String>,
    pub checked: Vec<bool>,
    pub check_cursor: usize,
    pub error: Option<Text>,
    /// Longest value typing may make, in characters.
    pub max_chars: usize,
    /// The cursor, as the number of characters after it: 0 is the end, so a value set from
    /// outside (settings read from the owner) is edited from its end.
    pub back: usize,
    /// What was typed on a picker so far, matched against the start of its codes.
    typed: String,
}

impl Field {
    pub fn text(label: Text) -> Field {
        Field {
            label,
            kind: FieldKind::Text,
            value: Zeroizing::new(String::new()),
            checked: Vec::new(),
            check_cursor: 0,
            error: None,
            max_chars: 200,
            back: 0,
            typed: String::new(),
        }
    }
    pub fn secret(label: Text) -> Field {
        Field { kind: FieldKind::Secret, ..Field::text(label) }
    }
    pub fn checks(label: Text, choices: &'static [(&'static str, Text)]) -> Field {
        Field { kind: FieldKind::Checks(choices), checked: vec![false; choices.len()], ..Field::text(label) }
    }
    pub fn choice(label: Text, choices: &'static [(&'static str, Text)]) -> Field {
        Field { kind: FieldKind::Choice(choices), ..Field::text(label) }
    }
    pub fn max_chars(mut self, max: usize) -> Field {
        self.max_chars = max;
        self
    }
    pub fn with(mut self, value: &str) -> Field {
        self.value = Zeroizing::new(value.to_string());
        self
    }
    pub fn checked_codes(&self) -> Vec<String> {
        match self.kind {
            FieldKind::Checks(choices) => choices
                .iter()
                .zip(&self.checked)
                .filter(|(_, c)| **c)
                .map(|((code, _), _)| (*code).to_string())
                .collect(),
            _ => Vec::new(),
        }
    }
    /// The cursor as a character index.
    pub fn cursor(&self) -> usize {
        let len = self.value.chars().count();
        len - self.back.min(len)
    }
    /// The byte offset of character `index`.
    fn byte(&self, index: usize) -> usize {
        self.value.char_indices().nth(index).map_or(self.value.len(), |(at, _)| at)
    }
    /// A free-text box outside a form (a note, a reason, a query): a text field of at most `max`
    /// characters, edited the same way.
    pub fn free_text(label: Text, max: usize) -> Field {
        Field::text(label).max_chars(max)
    }
    /// The value as it is drawn (line breaks as spaces, control characters left out), and the
    /// display width of what comes before the cursor: where the cursor is drawn.
    pub fn shown(&self) -> (String, usize) {
        use unicode_width::UnicodeWidthStr;
        let before: String = self.value.chars().take(self.cursor()).collect();
        let clean = |text: &str| crate::sanitize::terminal_text(&text.replace('\n', " "), false);
        (clean(&self.value), clean(&before).width())
    }
    /// The value as drawn with a block marking the cursor (for a box inside a paragraph, where
    /// the terminal's cursor cannot be placed).
    pub fn marked(&self) -> String {
        let clean = |text: String| crate::sanitize::terminal_text(&text.replace('\n', " "), false);
        let cursor = self.cursor();
        let (before, after) = (self.value.chars().take(cursor).collect(), self.value.chars().skip(cursor).collect());
        format!("{}█{}", clean(before), clean(after))
    }
    /// Empties the value (zeroized) and puts the cursor back at the start.
    pub fn clear(&mut self) {
        self.value = Zeroizing::new(String::new());
        self.back = 0;
    }
    /// Edits a text or secret field; false when the action is not a text edit.
    pub fn edit_text(&mut self, action: &Action) -> bool {
        let len = self.value.chars().count();
        let cursor = self.cursor();
        match action {
            Action::Input(c) | Action::Letter(c) => {
                if !c.is_control() && len < self.max_chars {
                    let at = self.byte(cursor);
                    insert_zeroized(&mut self.value, at, *c);
                }
                self.error = None;
            }
            Action::Toggle => {
                let at = self.byte(cursor);
                insert_zeroized(&mut self.value, at, ' ');
            }
            Action::Paste(text) => {
                let room = self.max_chars.saturating_sub(len);
                let mut at = self.byte(cursor);
                for c in text.chars().filter(|c| !c.is_control()).take(room) {
                    insert_zeroized(&mut self.value, at, c);
                    at += c.len_utf8();
                }
                self.error = None;
            }
            Action::DeleteChar if cursor > 0 => {
                let at = self.byte(cursor - 1);
                self.value.remove(at);
            }
            Action::DeleteForward if self.back.min(len) > 0 => {
                let at = self.byte(cursor);
                self.value.remove(at);
                self.back = self.back.min(len) - 1;
            }
            Action::DeleteWord => {
                let chars: Vec<char> = self.value.chars().take(cursor).collect();
                let spaces = chars.iter().rev().take_while(|c| c.is_whitespace()).count();
                let word = chars.iter().rev().skip(spaces).take_while(|c| !c.is_whitespace()).count();
                let (from, to) = (self.byte(cursor - spaces - word), self.byte(cursor));
                // `drain` moves the rest down in place: no copy is left in a freed buffer.
                self.value.drain(from..to);
            }
            Action::ClearField => {
                self.value = Zeroizing::new(String::new());
                self.back = 0;
            }
            Action::CursorLeft => self.back = (self.back.min(len) + 1).min(len),
            Action::CursorRight => self.back = self.back.min(len).saturating_sub(1),
            Action::CursorHome => self.back = len,
            Action::CursorEnd => self.back = 0,
            Action::DeleteChar | Action::DeleteForward => {}
            _ => return false,
        }
        true
    }
    /// Edits a picker: ←→ cycle, a number chooses, letters choose the first code they start.
    fn edit_choice(&mut self, choices: &[(&'static str, Text)], action: &Action) -> bool {
        let current = choices.iter().position(|(code, _)| *code == self.value.as_str());
        let count = choices.len().max(1);
        let chosen = match action {
            Action::CursorRight => Some(current.map_or(0, |i| (i + 1) % count)),
            Action::CursorLeft => Some(current.map_or(count - 1, |i| (i + count - 1) % count)),
            Action::Input(c) | Action::Letter(c) if c.is_ascii_digit() => {
                c.to_digit(10).and_then(|n| (n as usize).checked_sub(1)).filter(|n| *n < choices.len())
            }
            Action::Input(c) | Action::Letter(c) => {
                let c = c.to_ascii_lowercase();
                let longer = format!("{}{c}", self.typed);
                let starts = |prefix: &str| choices.iter().position(|(code, _)| code.starts_with(prefix));
                match starts(&longer) {
                    Some(index) => {
                        self.typed = longer;
                        Some(index)
                    }
                    None => {
                        self.typed = c.to_string();
                        starts(&self.typed)
                    }
                }
            }
            Action::ClearField | Action::DeleteChar => {
                self.value = Zeroizing::new(String::new());
                self.typed.clear();
                return true;
            }
            _ => return false,
        };
        if let Some(index) = chosen.and_then(|i| choices.get(i)) {
            self.value = Zeroizing::new(index.0.to_string());
            self.error = None;
        }
        if matches!(action, Action::CursorLeft | Action::CursorRight) {
            self.typed.clear();
        }
        true
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub fields: Vec<Field>,
    pub focus: usize,
}

impl Form {
    pub fn new(fields: Vec<Field>) -> Form {
        Form { fields, focus: 0 }
    }
    pub fn value(&self, index: usize) -> &str {
        self.fields.get(index).map_or("", |f| f.value.as_str())
    }
    /// Moves a field's value out (a password being sent), leaving it empty: the form keeps no
    /// copy of what it sent.
    pub fn take(&mut self, index: usize) -> Zeroizing<String> {
        self.fields
            .get_mut(index)
            .map(|f| {
                f.back = 0;
                std::mem::replace(&mut f.value, Zeroizing::new(String::new()))
            })
            .unwrap_or_default()
    }
    fn focused(&mut self) -> Option<&mut Field> {
        self.fields.get_mut(self.focus)
    }
    /// The kind of the focused field.
    pub fn focused_kind(&self) -> Option<FieldKind> {
        self.fields.get(self.focus).map(|f| f.kind)
    }
    /// Applies an editing action; returns false when the action is not an edit.
    pub(crate) fn edit(&mut self, action: &Action) -> bool {
        let count = self.fields.len().max(1);
        let on_checks = self.on_checks();
        match action {
            Action::NextField | Action::Down if !on_checks || matches!(action, Action::NextField) => {
                self.focus = (self.focus + 1) % count
            }
            Action::PrevField | Action::Up if !on_checks || matches!(action, Action::PrevField) => {
                self.focus = (self.focus + count - 1) % count
            }
            _ => {
                let Some(field) = self.focused() else { return false };
                return match field.kind {
                    FieldKind::Checks(_) => field.edit_checks(action),
                    FieldKind::Choice(choices) => field.edit_choice(choices, action),
                    FieldKind::Text | FieldKind::Secret => field.edit_text(action),
                };
            }
        }
        true
    }
    fn on_checks(&self) -> bool {
        matches!(self.focused_kind(), Some(FieldKind::Checks(_)))
    }
    pub(crate) fn first_error(&mut self) -> bool {
        match self.fields.iter().position(|f| f.error.is_some()) {
            Some(index) => {
                self.focus = index;
                true
            }
            None => false,
        }
    }
}

impl Field {
    /// ↑↓ move among the tick boxes, Space ticks.
    fn edit_checks(&mut self, action: &Action) -> bool {
        let len = self.checked.len().max(1);
        match action {
            Action::Down => self.check_cursor = (self.check_cursor + 1) % len,
            Action::Up => self.check_cursor = (self.check_cursor + len - 1) % len,
            Action::Toggle => {
                if let Some(value) = self.checked.get_mut(self.check_cursor) {
                    *value = !*value;
                }
            }
            _ => return false,
        }
        true
    }
}

/// Inserts `c` at byte `at` without leaving a copy behind: a `String` that grows moves its bytes
/// to a larger buffer and frees the old one as it is, so the buffer is grown here instead, the
/// old one zeroized as it is dropped.
fn insert_zeroized(value: &mut Zeroizing<String>, at: usize, c: char) {
    if value.capacity() - value.len() < c.len_utf8() {
        let mut larger = Zeroizing::new(String::with_capacity((value.capacity() * 2).max(64)));
        larger.push_str(value);
        *value = larger;
    }
    value.insert(at, c);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(form: &mut Form, text: &str) {
        for c in text.chars() {
            form.edit(&Action::Input(c));
        }
    }

    #[test]
    fn text_is_edited_at_the_cursor() {
        let mut form = Form::new(vec![Field::text(Text::FieldName)]);
        typed(&mut form, "Émile Roy");
        form.edit(&Action::CursorHome);
        form.edit(&Action::CursorRight);
        typed(&mut form, "x");
        assert_eq!(form.value(0), "Éxmile Roy");
        form.edit(&Action::DeleteChar);
        form.edit(&Action::DeleteForward);
        assert_eq!(form.value(0), "Éile Roy");
        form.edit(&Action::CursorEnd);
        form.edit(&Action::CursorLeft);
        form.edit(&Action::CursorLeft);
        form.edit(&Action::DeleteForward);
        assert_eq!(form.value(0), "Éile Ry");
        // Ctrl-W deletes the word before the cursor (and the spaces after it).
        form.edit(&Action::CursorEnd);
        form.edit(&Action::DeleteWord);
        assert_eq!(form.value(0), "Éile ");
        form.edit(&Action::DeleteWord);
        assert_eq!(form.value(0), "");
        // Nothing to delete, nowhere to go: no panic, nothing changes.
        for action in [Action::DeleteChar, Action::DeleteForward, Action::DeleteWord, Action::CursorLeft] {
            form.edit(&action);
        }
        assert_eq!((form.value(0), form.fields[0].cursor()), ("", 0));
    }

    #[test]
    fn a_value_set_from_outside_is_edited_from_its_end() {
        let mut form = Form::new(vec![Field::text(Text::FieldName)]);
        form.edit(&Action::CursorHome);
        form.fields[0].value = Zeroizing::new("10".into());
        form.fields[0].back = 0;
        typed(&mut form, "5");
        assert_eq!(form.value(0), "105");
    }

    #[test]
    fn a_picker_cycles_takes_a_number_or_the_start_of_a_code() {
        const CHOICES: [(&str, Text); 3] =
            [("admin", Text::RoleAdmin), ("clinician", Text::RoleClinician), ("intake", Text::RoleIntake)];
        let mut form = Form::new(vec![Field::choice(Text::FieldRole, &CHOICES)]);
        form.edit(&Action::CursorRight);
        assert_eq!(form.value(0), "admin");
        form.edit(&Action::CursorLeft);
        assert_eq!(form.value(0), "intake");
        typed(&mut form, "2");
        assert_eq!(form.value(0), "clinician");
        typed(&mut form, "in");
        assert_eq!(form.value(0), "intake");
        typed(&mut form, "clinician");
        assert_eq!(form.value(0), "clinician");
        typed(&mut form, "z9");
        assert_eq!(form.value(0), "clinician", "no code starts so, no such number");
        form.edit(&Action::ClearField);
        assert_eq!(form.value(0), "");
    }
}
