//! Terminal keys to kiosk keys. Raw mode turns Ctrl-C, Ctrl-Z, Ctrl-\ and Ctrl-D into key events
//! rather than signals; every one of them, every other control, Alt or function key, and every
//! letter outside a text field, becomes [`KioskKey::Other`], which leads nowhere.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::app::{Action, KioskKey};

/// Most input events the shell takes in one go before it draws again.
pub const INPUT_BATCH: usize = 4096;

/// The order in which to handle the input that arrived together: a quick exit first and alone,
/// so that a long paste or a held key queued before it never delays leaving (the input behind
/// it is the client's and is dropped with the screen); otherwise everything, in order.
pub fn batch_order(actions: Vec<Action>) -> Vec<Action> {
    match actions.iter().position(|a| matches!(a, Action::Key(KioskKey::QuickExit))) {
        Some(_) => vec![Action::Key(KioskKey::QuickExit)],
        None => actions,
    }
}

/// The kiosk key for a terminal key event (`None` for key releases).
pub fn kiosk_key(event: KeyEvent) -> Option<KioskKey> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    let modifiers = event.modifiers;
    let ctrl = modifiers.contains(KeyModifiers::CONTROL);
    let other_modifier =
        modifiers.intersects(KeyModifiers::ALT | KeyModifiers::SUPER | KeyModifiers::HYPER | KeyModifiers::META);
    Some(match event.code {
        KeyCode::Esc if !ctrl && !other_modifier => KioskKey::QuickExit,
        // A second quick-exit key for terminals and SSH clients where Esc is slow or swallowed.
        KeyCode::Char('x' | 'X') if ctrl && !other_modifier => KioskKey::QuickExit,
        KeyCode::Char('e' | 'E') if ctrl && !other_modifier => KioskKey::Admin,
        // Some terminals send Backspace as ^H.
        KeyCode::Char('h') if ctrl && !other_modifier => KioskKey::Back,
        _ if ctrl || other_modifier => KioskKey::Other,
        KeyCode::Char(c) if c.is_ascii_digit() => KioskKey::Digit(c as u8 - b'0'),
        KeyCode::Char(c) if !c.is_control() => KioskKey::Char(c),
        KeyCode::Enter => KioskKey::Enter,
        KeyCode::Backspace | KeyCode::Left => KioskKey::Back,
        _ => KioskKey::Other,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_quick_exit_behind_a_long_paste_goes_first_and_alone() {
        let mut typed: Vec<Action> = (0..30_000).map(|_| Action::Key(KioskKey::Digit(1))).collect();
        typed.push(Action::Key(KioskKey::QuickExit));
        typed.push(Action::Key(KioskKey::Digit(2)));
        let ordered = batch_order(typed);
        assert_eq!(ordered.len(), 1);
        assert!(matches!(ordered[0], Action::Key(KioskKey::QuickExit)));
        let plain = vec![Action::Key(KioskKey::Digit(1)), Action::Key(KioskKey::Enter)];
        assert_eq!(batch_order(plain).len(), 2, "without a quick exit, everything in order");
    }

    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn control_alt_and_function_keys_lead_nowhere() {
        for c in ('a'..='z').chain('0'..='9').chain(['\\', '[', ']', '^', '_', ' ']) {
            let expected = match c {
                'e' => KioskKey::Admin,
                'h' => KioskKey::Back,
                'x' => KioskKey::QuickExit,
                _ => KioskKey::Other,
            };
            assert_eq!(kiosk_key(key(KeyCode::Char(c), KeyModifiers::CONTROL)), Some(expected), "Ctrl-{c}");
            assert_eq!(kiosk_key(key(KeyCode::Char(c), KeyModifiers::ALT)), Some(KioskKey::Other), "Alt-{c}");
        }
        for n in 1..=24 {
            assert_eq!(kiosk_key(key(KeyCode::F(n), KeyModifiers::NONE)), Some(KioskKey::Other), "F{n}");
        }
        assert_eq!(kiosk_key(key(KeyCode::Esc, KeyModifiers::NONE)), Some(KioskKey::QuickExit));
        assert_eq!(kiosk_key(key(KeyCode::Char('q'), KeyModifiers::NONE)), Some(KioskKey::Char('q')));
        assert_eq!(kiosk_key(key(KeyCode::Char('3'), KeyModifiers::NONE)), Some(KioskKey::Digit(3)));
        let mut release = key(KeyCode::Char('1'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(kiosk_key(release), None);
    }
}
