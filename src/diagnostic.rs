//! File-located error messages (`file:line:column: message`) shared by every TOML loader.

use std::fmt;
use std::ops::Range;

/// One problem found in a data file, located by line and column (both 1-based).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl Diagnostic {
    /// Builds a diagnostic from a byte span into `source`.
    pub fn at_span(file: &str, source: &str, span: Option<Range<usize>>, message: impl Into<String>) -> Self {
        let (line, column) = span.map_or((1, 1), |s| line_column(source, s.start));
        Diagnostic { file: file.to_string(), line, column, message: message.into() }
    }

    /// Turns a `toml` parse or deserialisation error into a located diagnostic.
    pub fn from_toml(file: &str, source: &str, error: &toml::de::Error) -> Self {
        Diagnostic::at_span(file, source, error.span(), error.message().trim().to_string())
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
    }
}

/// 1-based line and column (in characters) of a byte offset; offsets past the end clamp to it.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = source[line_start..offset].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        assert_eq!(line_column(text, 9), (2, 3));
        assert_eq!(line_column(text, 999), (3, 1));
    }

    #[test]
    fn toml_errors_carry_their_location() {
        let source = "id = \"x\"\nversion = \n";
        let error = toml::from_str::<toml::Table>(source).unwrap_err();
        let diagnostic = Diagnostic::from_toml("f.toml", source, &error);
        assert_eq!(diagnostic.line, 2);
        assert!(diagnostic.to_string().starts_with("f.toml:2:"));
    }
}
