//! CSV per instrument, item level: one row per encounter that answered the instrument, with
//! each item's answer code and scored value, re-scored totals and band. Every cell goes through
//! `sanitize::csv_cell` (formula injection: = + - @ tab CR) and is quoted when needed.
//! De-identified: no client id, name, birth date or encounter id; a keyed pseudonym instead,
//! and every date shifted by the client's own whole-day offset.

use super::DeidKey;
use crate::instrument::{Context, Instrument, Library};
use crate::report::measure::answers_for;
use crate::report::render::quote;
use crate::sanitize::csv_cell;
use crate::store::{Client, EncounterDetail, EncounterOrigin, format_time};

fn line(cells: impl IntoIterator<Item = String>) -> String {
    let cells: Vec<String> = cells.into_iter().map(|c| quote(&csv_cell(&c))).collect();
    format!("{}\n", cells.join(","))
}

/// The header row of an instrument's file.
pub fn header(instrument: &Instrument, deid: bool) -> String {
    let mut cells: Vec<String> = if deid {
        vec!["client_pseudonym".into(), "date_shifted".into()]
    } else {
        vec!["client_id".into(), "name".into(), "birth_date".into(), "encounter_id".into(), "date".into()]
    };
    cells.extend(["origin", "instrument", "version", "language"].map(String::from));
    for item in &instrument.items {
        cells.push(format!("{}_code", item.id));
        cells.push(format!("{}_value", item.id));
    }
    cells.extend(["total", "band", "positive"].map(String::from));
    line(cells)
}

/// The rows of one encounter: (instrument id, row) for each instrument answered in it.
pub fn rows(
    library: &Library,
    client: &Client,
    detail: &EncounterDetail,
    deid: Option<&DeidKey>,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for answer in &detail.answers {
        let id = answer.instrument.id.as_str();
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let Some(instrument) = library.get(id) else { continue };
        let Some(answers) = answers_for(instrument, detail) else { continue };
        let at = detail.encounter.created_ms;
        // Positive as for this client on the day (sex for scoring, age then).
        let day: String = format_time(at).chars().take(10).collect();
        let context = Context::of_person(client.sex_for_scoring, client.birth_date.as_deref(), &day);
        let result = library.score(instrument, &answers, &context);
        let mut cells: Vec<String> = match deid {
            Some(key) => {
                let shifted = format_time(at + key.shift_ms(&client.id));
                vec![key.pseudonym(&client.id), shifted.chars().take(10).collect()]
            }
            None => vec![
                client.id.to_string(),
                client.name.clone(),
                client.birth_date.clone().unwrap_or_default(),
                detail.encounter.id.to_string(),
                format_time(at),
            ],
        };
        let origin = match detail.encounter.origin {
            EncounterOrigin::Staff => "staff",
            EncounterOrigin::Kiosk => "kiosk",
        };
        // The language the client answered in (recorded with each answer), not the interface's.
        let language = super::answered_language(instrument, detail).code().to_string();
        cells.extend([origin.into(), instrument.id.clone(), instrument.version.clone(), language]);
        for (index, position) in answers.iter().enumerate() {
            match position.and_then(|p| instrument.options_of(index).get(p)) {
                Some(option) => {
                    cells.push(option.code.clone());
                    cells.push(option.value.to_string());
                }
                None => {
                    cells.push(String::new());
                    cells.push(String::new());
                }
            }
        }
        cells.push(result.total.map(|t| t.to_string()).unwrap_or_default());
        cells.push(result.band.clone().unwrap_or_default());
        cells.push(if result.positive { "yes".into() } else { "no".into() });
        out.push((instrument.id.clone(), line(cells)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests_support::phq9_encounter;

    #[test]
    fn formula_cells_are_escaped_and_deid_drops_identifiers() {
        let library = Library::shipped();
        let (client, detail) = phq9_encounter("=HYPERLINK(\"http://x\",\"y\")", "-1+2", 12);
        let instrument = library.get("phq9").unwrap();
        let rows = rows(&library, &client, &detail, None);
        assert_eq!(rows.len(), 1);
        let row = &rows[0].1;
        assert!(row.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""), "{row}");
        assert!(row.contains(",'-1+2,"), "{row}");
        assert!(row.contains(",12,moderate,yes"), "{row}");
        assert_eq!(header(instrument, false).trim_end().split(',').count(), 5 + 4 + 2 * 10 + 3);
        let key = DeidKey([9; 32]);
        let rows = super::rows(&library, &client, &detail, Some(&key));
        let row = &rows[0].1;
        assert!(!row.contains("HYPERLINK") && !row.contains(&client.id.to_string()));
        assert!(!row.contains(&detail.encounter.id.to_string()) && !row.contains("1980-"));
        assert!(row.starts_with(&key.pseudonym(&client.id)));
        assert!(header(instrument, true).starts_with("client_pseudonym,date_shifted,origin"));
    }

    #[test]
    fn the_language_column_is_the_language_answered_in_not_the_clients_interface() {
        let library = Library::shipped();
        let (client, mut detail) = phq9_encounter("Ann", "1980-01-01", 12);
        assert_eq!(client.language, crate::instrument::Lang::En);
        let english = rows(&library, &client, &detail, None);
        assert!(english[0].1.contains(",phq9,1.0,en,"), "{}", english[0].1);
        for answer in &mut detail.answers {
            answer.instrument.language = crate::instrument::Lang::Fr;
        }
        let french = rows(&library, &client, &detail, None);
        assert!(french[0].1.contains(",phq9,1.0,fr,"), "{}", french[0].1);
    }
}
