//! The one keymap: terminal keys to named actions, by the kind of screen in front. Every action
//! has a plain key; Esc, Alt and F-keys are only ever alternatives.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::app::Action;

/// What kind of input the focused screen takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyContext {
    /// A text field has focus: printable keys are text.
    Form,
    /// Lists and menus: letters are commands.
    Menu,
    /// A questionnaire item: digits answer.
    Question,
    /// The help overlay: any key closes it.
    Help,
}

/// Maps a key to an action in `context`; `None` for keys that do nothing there.
pub fn action_for(context: KeyContext, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if context == KeyContext::Help {
        return Some(Action::CloseHelp);
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl {
        return match key.code {
            KeyCode::Char('q') | KeyCode::Char('c') => Some(Action::Quit),
            KeyCode::Char('l') => Some(Action::ToggleLanguage),
            KeyCode::Char('k') => Some(Action::Help),
            KeyCode::Char('x') => Some(Action::Lock),
            KeyCode::Char('n') => Some(Action::SwitchUser),
            KeyCode::Char('b') => Some(Action::Back),
            KeyCode::Char('u') => Some(Action::ClearField),
            KeyCode::Char('w') => Some(Action::DeleteWord),
            KeyCode::Char('e') => Some(Action::EditClient),
            KeyCode::Char('o') => Some(Action::OpenHistory),
            KeyCode::Char('g') => Some(Action::GoToQueue),
            KeyCode::Char('d') => Some(Action::DismissAlert),
            _ => None,
        };
    }
    let common = match key.code {
        KeyCode::Esc => Some(Action::Back),
        KeyCode::F(1) => Some(Action::Help),
        KeyCode::Enter => Some(Action::Submit),
        KeyCode::Tab => Some(Action::NextField),
        KeyCode::BackTab => Some(Action::PrevField),
        KeyCode::Up => Some(Action::Up),
        KeyCode::Down => Some(Action::Down),
        _ => None,
    };
    if common.is_some() {
        return common;
    }
    match context {
        KeyContext::Form => match key.code {
            KeyCode::Backspace => Some(Action::DeleteChar),
            KeyCode::Delete => Some(Action::DeleteForward),
            KeyCode::Left => Some(Action::CursorLeft),
            KeyCode::Right => Some(Action::CursorRight),
            KeyCode::Home => Some(Action::CursorHome),
            KeyCode::End => Some(Action::CursorEnd),
            KeyCode::Char(' ') => Some(Action::Toggle),
            KeyCode::Char(c) => Some(Action::Input(c)),
            _ => None,
        },
        KeyContext::Menu | KeyContext::Question => match key.code {
            KeyCode::Char(c @ '1'..='9') => Some(Action::Choose(c as usize - '1' as usize)),
            KeyCode::Char('?') => Some(Action::Help),
            KeyCode::Left | KeyCode::Backspace => Some(Action::Back),
            KeyCode::Right => Some(Action::Submit),
            KeyCode::Char(' ') => Some(Action::Toggle),
            KeyCode::Char(c) => Some(Action::Letter(c.to_ascii_lowercase())),
            _ => None,
        },
        KeyContext::Help => Some(Action::CloseHelp),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn digits_answer_questions_but_are_text_in_forms() {
        assert_eq!(action_for(KeyContext::Question, key(KeyCode::Char('3'))), Some(Action::Choose(2)));
        assert_eq!(action_for(KeyContext::Form, key(KeyCode::Char('3'))), Some(Action::Input('3')));
    }

    #[test]
    fn every_escape_has_a_plain_alternative() {
        // Back: Esc, or Ctrl-B, or Left/Backspace outside forms.
        assert_eq!(action_for(KeyContext::Form, key(KeyCode::Esc)), Some(Action::Back));
        assert_eq!(
            action_for(KeyContext::Form, KeyEvent::new(KeyCode::Char('b'), KeyModifiers::CONTROL)),
            Some(Action::Back)
        );
        assert_eq!(action_for(KeyContext::Question, key(KeyCode::Left)), Some(Action::Back));
        // Help: F1, or ? outside forms, or Ctrl-K anywhere.
        assert_eq!(action_for(KeyContext::Menu, key(KeyCode::Char('?'))), Some(Action::Help));
        assert_eq!(
            action_for(KeyContext::Form, KeyEvent::new(KeyCode::Char('k'), KeyModifiers::CONTROL)),
            Some(Action::Help)
        );
    }

    #[test]
    fn ctrl_e_edits_a_client_even_where_letters_are_text() {
        let ctrl_e = KeyEvent::new(KeyCode::Char('e'), KeyModifiers::CONTROL);
        for context in [KeyContext::Form, KeyContext::Menu] {
            assert_eq!(action_for(context, ctrl_e), Some(Action::EditClient));
        }
        assert_eq!(action_for(KeyContext::Form, key(KeyCode::Char('e'))), Some(Action::Input('e')));
    }

    #[test]
    fn ctrl_g_goes_to_the_queue_and_ctrl_d_dismisses_an_alert_from_any_context() {
        let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        for context in [KeyContext::Form, KeyContext::Menu, KeyContext::Question] {
            assert_eq!(action_for(context, ctrl('g')), Some(Action::GoToQueue));
            assert_eq!(action_for(context, ctrl('d')), Some(Action::DismissAlert));
        }
    }

    #[test]
    fn text_fields_take_cursor_keys_and_ctrl_w() {
        let form = |code| action_for(KeyContext::Form, key(code));
        assert_eq!(form(KeyCode::Left), Some(Action::CursorLeft));
        assert_eq!(form(KeyCode::Right), Some(Action::CursorRight));
        assert_eq!(form(KeyCode::Home), Some(Action::CursorHome));
        assert_eq!(form(KeyCode::End), Some(Action::CursorEnd));
        assert_eq!(form(KeyCode::Delete), Some(Action::DeleteForward));
        let ctrl_w = KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL);
        assert_eq!(action_for(KeyContext::Form, ctrl_w), Some(Action::DeleteWord));
        // Outside text fields ← is still back.
        assert_eq!(action_for(KeyContext::Menu, key(KeyCode::Left)), Some(Action::Back));
    }

    #[test]
    fn key_releases_are_ignored() {
        let mut release = key(KeyCode::Char('1'));
        release.kind = KeyEventKind::Release;
        assert_eq!(action_for(KeyContext::Question, release), None);
    }
}
