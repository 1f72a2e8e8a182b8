//! JSON lines: a header line, then one record per line (clients first, then each encounter
//! followed by its records). Decrypted: for migration between installations.

use serde::{Deserialize, Serialize};

use super::Record;

/// The first line of an export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
}

pub const FORMAT: &str = "triage-records";
pub const VERSION: u32 = 1;

pub fn header_line() -> String {
    let header = Header { format: FORMAT.into(), version: VERSION };
    format!("{}\n", serde_json::to_string(&header).unwrap_or_default())
}

/// One record as a line (with the newline).
pub fn line(record: &Record) -> String {
    // Serialising these plain records (strings, numbers, string-keyed maps) cannot fail.
    format!("{}\n", escape_invisible(&serde_json::to_string(record).unwrap_or_default()))
}

/// serde_json writes C1 controls, direction overrides and line/paragraph separators as they
/// are; a terminal or an editor showing the export would act on them. They can only occur
/// inside JSON strings (all JSON syntax is ASCII), so each is written as its `\uXXXX` escape:
/// the same JSON value, nothing invisible in the file.
fn escape_invisible(json: &str) -> String {
    let risky = |c: char| matches!(c, '\u{80}'..='\u{9f}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}');
    if !json.chars().any(risky) {
        return json.to_string();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if risky(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Why a line could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("line {line}: not a triage export header (expected format `{FORMAT}` version {VERSION}): {detail}")]
    Header { line: usize, detail: String },
    #[error("line {line}: not a record: {detail}")]
    Record { line: usize, detail: String },
}

/// Checks the header line.
pub fn parse_header(text: &str, line: usize) -> Result<(), LineError> {
    let header: Header = serde_json::from_str(text).map_err(|e| LineError::Header { line, detail: e.to_string() })?;
    if header.format != FORMAT || header.version != VERSION {
        return Err(LineError::Header {
            line,
            detail: format!(
                "found `{}` version {}",
                crate::sanitize::terminal_text(&header.format, false),
                header.version
            ),
        });
    }
    Ok(())
}

/// Parses one record line.
pub fn parse_line(text: &str, line: usize) -> Result<Record, LineError> {
    serde_json::from_str(text).map_err(|e| LineError::Record { line, detail: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Client, Lang, RecordId};

    #[test]
    fn invisible_and_direction_characters_are_escaped_and_read_back_the_same() {
        let value = serde_json::json!({ "name": "Ada\u{202e}evil\u{85}\u{2028}x", "plain": "é" });
        let escaped = escape_invisible(&serde_json::to_string(&value).unwrap());
        assert!(escaped.chars().all(|c| !matches!(c, '\u{80}'..='\u{9f}' | '\u{2028}' | '\u{202e}')), "{escaped}");
        assert!(escaped.contains("\\u202e") && escaped.contains("\\u0085") && escaped.contains('é'));
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn a_record_round_trips_through_a_line() {
        let record = Record::Client(Client {
            schema_version: 1,
            id: RecordId([3; 16]),
            name: "Zoë \"Z\" =1+1".into(),
            birth_date: Some("1990-01-02".into()),
            province: Some(crate::store::Province::Qc),
            language: Lang::Fr,
            contact: None,
            access_needs: vec!["phone only".into()],
            populations: vec![],
            synthetic: false,
            created_ms: 5,
            created_by: "ivy".into(),
            sex_for_scoring: None,
        });
        let text = line(&record);
        assert!(text.ends_with('\n') && !text.trim_end().contains('\n'));
        assert_eq!(parse_line(text.trim_end(), 2), Ok(record));
        assert!(parse_header(header_line().trim_end(), 1).is_ok());
        assert!(matches!(parse_header("{\"format\":\"x\",\"version\":1}", 1), Err(LineError::Header { line: 1, .. })));
        assert!(matches!(parse_line("{}", 9), Err(LineError::Record { line: 9, .. })));
    }

    #[test]
    fn answer_and_result_lines_carry_the_language_each_instrument_was_answered_in() {
        let (_, mut detail) = crate::report::tests_support::phq9_encounter("Ann", "1980-01-01", 12);
        for answer in &mut detail.answers {
            answer.instrument.language = Lang::Fr;
        }
        let lines: Vec<String> = crate::export::encounter_records(&detail).iter().map(line).collect();
        let answers: Vec<&String> = lines.iter().filter(|l| l.starts_with("{\"kind\":\"answer\"")).collect();
        assert!(!answers.is_empty());
        for answer in answers {
            let value: serde_json::Value = serde_json::from_str(answer).unwrap();
            assert_eq!(value["record"]["instrument"]["language"], "fr", "{answer}");
        }
    }
}
