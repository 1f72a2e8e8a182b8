//! Terminal keys to kiosk keys. Raw mode turns Ctrl-C, Ctrl-Z, Ctrl-\ and Ctrl-D into key events
//! rather than signals; every one of them, every other control, Alt or function key, and every
//! letter outside a text field, becomes [`KioskKey::Other`], which leads nowhere.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::app::KioskKey;

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
