//! QR codes for resource web addresses, drawn with half blocks (two modules per character row)
//! so a client can scan a link from the screen. Pure.

use qrcode::{Color, EcLevel, QrCode};

/// Modules of light margin around the code (scanners need a quiet zone).
const QUIET: usize = 2;

/// The code for `text` as lines of `█▀▄ ` (dark = block), or `None` if it cannot be encoded.
pub fn lines(text: &str) -> Option<Vec<String>> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::L).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let size = width + 2 * QUIET;
    let dark = |x: usize, y: usize| -> bool {
        if x < QUIET || y < QUIET || x >= width + QUIET || y >= width + QUIET {
            return false;
        }
        colors[(y - QUIET) * width + (x - QUIET)] == Color::Dark
    };
    let mut out = Vec::with_capacity(size.div_ceil(2));
    for row in (0..size).step_by(2) {
        let line: String = (0..size)
            .map(|x| match (dark(x, row), dark(x, row + 1)) {
                (true, true) => '█',
                (true, false) => '▀',
                (false, true) => '▄',
                (false, false) => ' ',
            })
            .collect();
        out.push(line);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_web_address_becomes_a_square_of_half_blocks() {
        let lines = lines("https://988.ca").unwrap();
        let width = lines[0].chars().count();
        // Version 1 is 21 modules; with the quiet zone 25 columns and 13 rows.
        assert_eq!(width, 25);
        assert_eq!(lines.len(), 13);
        assert!(lines.iter().all(|l| l.chars().count() == width));
        // The quiet zone is blank and the finder pattern's corner is dark.
        assert!(lines[0].chars().all(|c| c == ' '));
        assert_eq!(lines[1].chars().nth(2), Some('█'));
    }

    #[test]
    fn longer_addresses_grow_the_code() {
        let short = lines("https://988.ca").unwrap();
        let long = lines("https://www.hopeforwellness.ca/home.html?lang=en&utm_source=triage").unwrap();
        assert!(long.len() > short.len());
    }
}
