//! Themes from `themes/*.toml` (embedded; a service may pass its own file). `NO_COLOR` selects the
//! monochrome theme, whose selection is reverse video so it stays visible without colour.

use std::collections::BTreeMap;

use ratatui::style::{Color, Modifier, Style};
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
        Ok(Theme {
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
        })
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
            critical: reversed,
            warning: bold,
            ok: Style::default(),
            gauge: reversed,
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

    #[test]
    fn bad_theme_files_name_the_problem() {
        let error = Theme::parse("t.toml", "name = \"x\"\n[styles]\nbase = { fg = \"orange\" }\n").unwrap_err();
        assert!(error.message.contains("orange"));
        let error = Theme::parse("t.toml", "name = \"x\"\n[styles]\nbase = { colour = \"red\" }\n").unwrap_err();
        assert_eq!(error.line, 3);
    }
}
