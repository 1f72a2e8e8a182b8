//! Themes from `themes/*.toml` (embedded; a service may pass its own file). `NO_COLOR` selects the
//! monochrome theme, whose selection is reverse video so it stays visible without colour.

use std::collections::BTreeMap;

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use serde::Deserialize;

use crate::diagnostic::Diagnostic;

pub const SHIPPED: &[(&str, &str)] = &[
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    ("high-contrast", include_str!("../../themes/high-contrast.toml")),
    ("monochrome", include_str!("../../themes/monochrome.toml")),
];

/// Styles by role. Screens ask for a role, never a colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    pub base: Style,
    pub title: Style,
    pub border: Style,
    pub muted: Style,
    pub selected: Style,
    pub input: Style,
    pub key: Style,
    pub critical: Style,
    pub warning: Style,
    pub ok: Style,
    pub gauge: Style,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTheme {
    name: String,
    styles: BTreeMap<String, RawStyle>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStyle {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    modifiers: Vec<String>,
}

const ROLES: [&str; 11] =
    ["base", "title", "border", "muted", "selected", "input", "key", "critical", "warning", "ok", "gauge"];

fn color(name: &str) -> Option<Color> {
    Some(match name {
        "reset" => Color::Reset,
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" => Color::Gray,
        "dark_gray" => Color::DarkGray,
        "light_red" => Color::LightRed,
        "light_green" => Color::LightGreen,
        "light_yellow" => Color::LightYellow,
        "light_blue" => Color::LightBlue,
        "light_magenta" => Color::LightMagenta,
        "light_cyan" => Color::LightCyan,
        "white" => Color::White,
        _ => return None,
    })
}

fn modifier(name: &str) -> Option<Modifier> {
    Some(match name {
        "bold" => Modifier::BOLD,
        "dim" => Modifier::DIM,
        "italic" => Modifier::ITALIC,
        "underlined" => Modifier::UNDERLINED,
        "reversed" => Modifier::REVERSED,
        _ => return None,
    })
}

impl Theme {
    /// Parses a theme file; errors name file:line:column.
    pub fn parse(file: &str, source: &str) -> Result<Theme, Diagnostic> {
        let raw: RawTheme = toml::from_str(source).map_err(|e| Diagnostic::from_toml(file, source, &e))?;
        let at = |message: String| Diagnostic { file: file.to_string(), line: 1, column: 1, message };
        let mut styles = BTreeMap::new();
        for (role, raw_style) in &raw.styles {
            if !ROLES.contains(&role.as_str()) {
                return Err(at(format!("unknown style role `{role}`; roles are {}", ROLES.join(", "))));
            }
            let mut style = Style::default();
            if let Some(fg) = &raw_style.fg {
                style = style
                    .fg(color(fg)
                        .ok_or_else(|| at(format!("{role}: unknown colour `{fg}` (use the 16 ANSI names)")))?);
            }
            if let Some(bg) = &raw_style.bg {
                style = style.bg(color(bg).ok_or_else(|| at(format!("{role}: unknown colour `{bg}`")))?);
            }
            for name in &raw_style.modifiers {
                style =
                    style.add_modifier(modifier(name).ok_or_else(|| at(format!("{role}: unknown modifier `{name}`")))?);
            }
            styles.insert(role.as_str(), style);
        }
        if let Some(missing) = ROLES.iter().find(|r| !styles.contains_key(**r)) {
            return Err(at(format!("style role `{missing}` is missing")));
        }
        let get = |role: &str| styles.get(role).copied().unwrap_or_default();
        let theme = Theme {
            name: raw.name,
            base: get("base"),
            title: get("title"),
            border: get("border"),
            muted: get("muted"),
            selected: get("selected"),
            input: get("input"),
            key: get("key"),
            critical: get("critical"),
            warning: get("warning"),
            ok: get("ok"),
            gauge: get("gauge"),
        };
        theme.check_legible().map_err(at)?;
        Ok(theme)
    }

    /// What makes a theme usable, whoever wrote it: no role's text is drawn in its own background
    /// colour; the selection and a critical badge differ by more than colour (reverse video, bold
    /// or underline), as does the selection from plain text; and the gauge is not reversed, which
    /// would draw its filled part as empty and its empty part as filled.
    fn check_legible(&self) -> Result<(), String> {
        for (role, style) in self.roles() {
            if style.fg.is_some() && style.fg == style.bg {
                return Err(format!("{role}: its text colour is its background colour, so it cannot be read"));
            }
            if role != "critical" && style.fg.is_some() && style.fg == self.selected.bg && self.selected.fg.is_none() {
                return Err(format!("{role}: its text colour is the selection's background colour"));
            }
        }
        let shown = Modifier::REVERSED | Modifier::BOLD | Modifier::UNDERLINED;
        if !self.selected.add_modifier.intersects(shown) {
            return Err("selected: needs reversed, bold or underlined, so the selection shows without colour".into());
        }
        if self.selected.add_modifier & shown == self.critical.add_modifier & shown {
            return Err(
                "critical: needs other modifiers than `selected`, so a critical badge and the selection differ without colour"
                    .into(),
            );
        }
        if self.gauge.add_modifier.contains(Modifier::REVERSED) {
            return Err("gauge: reversed would draw the filled part as empty; give it a colour or no style".into());
        }
        Ok(())
    }

    fn roles(&self) -> [(&'static str, Style); 11] {
        [
            ("base", self.base),
            ("title", self.title),
            ("border", self.border),
            ("muted", self.muted),
            ("selected", self.selected),
            ("input", self.input),
            ("key", self.key),
            ("critical", self.critical),
            ("warning", self.warning),
            ("ok", self.ok),
            ("gauge", self.gauge),
        ]
    }

    /// A selected row: the selection's style over every part of it, so a coloured part (a key
    /// number, a muted date) cannot vanish into the highlight. A critical badge keeps its own
    /// style, which [`Theme::parse`] checked differs from the selection without colour.
    pub fn selected_line<'a>(&self, mut line: Line<'a>) -> Line<'a> {
        for span in &mut line.spans {
            if span.style != self.critical {
                span.style = span.style.patch(self.selected);
            }
        }
        line.style(self.selected)
    }

    /// A shipped theme by name.
    pub fn shipped(name: &str) -> Option<Theme> {
        SHIPPED
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(n, text)| Theme::parse(&format!("themes/{n}.toml"), text).ok())
    }

    /// The theme to use: `NO_COLOR` (any value) forces monochrome; otherwise the named theme or
    /// the default one.
    pub fn select(requested: Option<&str>, no_color: bool) -> Theme {
        let name = if no_color { "monochrome" } else { requested.unwrap_or("default") };
        Theme::shipped(name).or_else(|| Theme::shipped("default")).unwrap_or_else(Theme::fallback)
    }

    /// Used only if the embedded files could not be parsed (a build error, caught by tests).
    fn fallback() -> Theme {
        let bold = Style::default().add_modifier(Modifier::BOLD);
        let reversed = Style::default().add_modifier(Modifier::REVERSED);
        Theme {
            name: "fallback".into(),
            base: Style::default(),
            title: bold,
            border: Style::default(),
            muted: Style::default(),
            selected: reversed,
            input: Style::default().add_modifier(Modifier::UNDERLINED),
            key: bold,
            critical: bold.add_modifier(Modifier::UNDERLINED),
            warning: bold,
            ok: Style::default(),
            gauge: Style::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_theme_parses() {
        for (name, text) in SHIPPED {
            let theme = Theme::parse(name, text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(theme.name, *name);
        }
    }

    #[test]
    fn no_color_selects_monochrome_with_a_visible_selection() {
        let theme = Theme::select(Some("default"), true);
        assert_eq!(theme.name, "monochrome");
        assert!(theme.selected.add_modifier.contains(Modifier::REVERSED));
        assert_eq!(theme.selected.fg, None);
        assert_eq!(theme.critical.bg, None);
    }

    /// What a cell looks like on a terminal: its text and background colours after reverse video.
    fn seen(style: Style) -> (Option<Color>, Option<Color>) {
        if style.add_modifier.contains(Modifier::REVERSED) { (style.bg, style.fg) } else { (style.fg, style.bg) }
    }

    #[test]
    fn every_part_of_a_selected_row_stays_readable_in_every_shipped_theme() {
        use ratatui::text::Span;
        for (name, _) in SHIPPED {
            let theme = Theme::shipped(name).unwrap();
            let parts = theme.roles().map(|(role, style)| Span::styled(role, style));
            let line = theme.selected_line(Line::from(parts.to_vec()));
            for span in &line.spans {
                let style = line.style.patch(span.style);
                let (text, background) = seen(style);
                assert!(text.is_none() || text != background, "{name}: `{}` is invisible when selected", span.content);
                if span.content != "critical" {
                    assert_eq!(style.add_modifier & theme.selected.add_modifier, theme.selected.add_modifier);
                }
            }
        }
    }

    #[test]
    fn the_selection_and_a_critical_badge_differ_without_colour_in_every_shipped_theme() {
        let shown = Modifier::REVERSED | Modifier::BOLD | Modifier::UNDERLINED;
        for (name, _) in SHIPPED {
            let theme = Theme::shipped(name).unwrap();
            assert_ne!(theme.selected.add_modifier & shown, theme.critical.add_modifier & shown, "{name}");
            assert!(theme.selected.add_modifier.intersects(shown), "{name}");
        }
    }

    #[test]
    fn the_gauge_fills_from_the_left_in_every_shipped_theme() {
        use ratatui::buffer::Buffer;
        use ratatui::layout::Rect;
        use ratatui::widgets::{Gauge, Widget};
        for (name, _) in SHIPPED {
            let theme = Theme::shipped(name).unwrap();
            let area = Rect::new(0, 0, 40, 1);
            let mut buffer = Buffer::empty(area);
            Gauge::default().ratio(0.25).label("").gauge_style(theme.gauge).render(area, &mut buffer);
            // A cell looks filled when it holds a full block, or a blank drawn in reverse video.
            let filled: Vec<bool> = (0..40)
                .map(|x| {
                    let cell = &buffer[(x, 0)];
                    (cell.symbol() == "█") != cell.modifier.contains(Modifier::REVERSED)
                })
                .collect();
            let expected: Vec<bool> = (0..40).map(|x| x < 10).collect();
            assert_eq!(filled, expected, "{name}");
        }
    }

    #[test]
    fn a_theme_that_would_hide_text_or_meaning_is_refused() {
        let theme = |styles: &str| {
            let mut text = String::from("name = \"x\"\n[styles]\n");
            for role in ROLES {
                let custom = styles.lines().find(|l| l.starts_with(&format!("{role} =")));
                text.push_str(&custom.map_or(format!("{role} = {{}}"), str::to_string));
                text.push('\n');
            }
            text
        };
        let fine = theme("selected = { modifiers = [\"reversed\"] }\ncritical = { modifiers = [\"bold\"] }");
        assert!(Theme::parse("t.toml", &fine).is_ok());
        for (styles, complaint) in [
            ("selected = { modifiers = [\"bold\"] }\ncritical = { modifiers = [\"bold\"] }", "critical"),
            ("selected = {}", "selected"),
            (
                "selected = { bg = \"cyan\", modifiers = [\"bold\"] }\nkey = { fg = \"cyan\" }\ncritical = { modifiers = [\"underlined\"] }",
                "key",
            ),
            ("muted = { fg = \"red\", bg = \"red\" }\nselected = { modifiers = [\"reversed\"] }", "muted"),
            (
                "gauge = { modifiers = [\"reversed\"] }\nselected = { modifiers = [\"reversed\"] }\ncritical = { modifiers = [\"bold\"] }",
                "gauge",
            ),
        ] {
            let error = Theme::parse("t.toml", &theme(styles)).unwrap_err();
            assert!(error.message.starts_with(complaint), "{styles}: {}", error.message);
        }
    }

    #[test]
    fn bad_theme_files_name_the_problem() {
        let error = Theme::parse("t.toml", "name = \"x\"\n[styles]\nbase = { fg = \"orange\" }\n").unwrap_err();
        assert!(error.message.contains("orange"));
        let error = Theme::parse("t.toml", "name = \"x\"\n[styles]\nbase = { colour = \"red\" }\n").unwrap_err();
        assert_eq!(error.line, 3);
    }
}
