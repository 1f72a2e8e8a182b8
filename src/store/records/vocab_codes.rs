//! How provinces and populations are spelled in stored records and on the wire: the forms written
//! before they were typed, so no record changes and no migration is needed. A province is its
//! upper-case code (`"ON"`); a population is the code the staff interface has always written
//! (`"veteran"`, `"2slgbtq"`, `"newcomer"`, the vocabulary's own spelling for the others).
//! Reading is tolerant of case and of the vocabulary's aliases; a value that is none of them is an
//! error (the record then reads as damaged, named by its kind and id), never a guess.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serializer};

use crate::triage::vocab::{Population, Province};

/// Every province or territory code, upper case, for error messages ("AB, BC, ...").
pub fn province_codes() -> String {
    Province::ALL.iter().map(|p| p.code()).collect::<Vec<_>>().join(", ")
}

/// A client's province as people read it ("ON"), blank when it is not known.
pub fn province_text(province: Option<Province>) -> String {
    province.map(Province::code).unwrap_or_default()
}

/// `text` read as a province or territory (any case, surrounding spaces ignored), or an error
/// naming the valid codes.
pub fn parse_province(text: &str) -> Result<Province, String> {
    Province::parse(text).ok_or_else(|| unknown(Province::WHAT, text, &province_codes()))
}

/// "unknown province or territory `XX`; use one of AB, BC, ..." (the value made safe to show).
fn unknown(what: &str, text: &str, codes: &str) -> String {
    format!("unknown {what} `{}`; use one of {codes}", crate::sanitize::terminal_text(text, false))
}

/// The spelling a population is stored under.
pub fn population_code(population: Population) -> &'static str {
    match population {
        Population::Lgbtq => "2slgbtq",
        Population::Veterans => "veteran",
        Population::Newcomers => "newcomer",
        other => other.as_str(),
    }
}

/// Every population's stored spelling, for error messages.
pub fn population_codes() -> String {
    Population::ALL.iter().map(|p| population_code(*p)).collect::<Vec<_>>().join(", ")
}

/// `text` read as a population (any case, the vocabulary's aliases), or an error naming the valid
/// codes.
pub fn parse_population(text: &str) -> Result<Population, String> {
    Population::parse(text).ok_or_else(|| unknown(Population::WHAT, text, &population_codes()))
}

/// A province as its upper-case code.
pub mod province {
    use super::*;

    pub fn serialize<S: Serializer>(province: &Province, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&province.code())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Province, D::Error> {
        let text = String::deserialize(d)?;
        parse_province(&text).map_err(|message| D::Error::custom(format!("province: {message}")))
    }
}

/// A province that may be blank (a de-identified client): `None` is the empty string, as before.
pub mod blank_province {
    use super::*;

    pub fn serialize<S: Serializer>(province: &Option<Province>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&province.map(Province::code).unwrap_or_default())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Province>, D::Error> {
        let text = String::deserialize(d)?;
        if text.trim().is_empty() {
            return Ok(None);
        }
        parse_province(&text).map(Some).map_err(|message| D::Error::custom(format!("province: {message}")))
    }
}

/// A province given or not (a change): `Some` is its code; the field is left out when `None`.
pub mod given_province {
    use super::*;

    pub fn serialize<S: Serializer>(province: &Option<Province>, s: S) -> Result<S::Ok, S::Error> {
        match province {
            Some(p) => s.serialize_some(&p.code()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Province>, D::Error> {
        super::province::deserialize(d).map(Some)
    }
}

fn read_populations<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Population>, D::Error> {
    let texts = Vec::<String>::deserialize(d)?;
    texts
        .iter()
        .map(|text| parse_population(text).map_err(|message| D::Error::custom(format!("populations: {message}"))))
        .collect()
}

/// Stored populations: before they were typed, `client edit --populations` and imports took any
/// word, so a stored record may hold one that is no population. Such a word never took part in
/// matching (matching knew only the vocabulary), so it is passed over on reading rather than making
/// the whole client record unreadable, which would lose far more than the word.
fn read_stored_populations<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Population>, D::Error> {
    let texts = Vec::<String>::deserialize(d)?;
    Ok(texts.iter().filter_map(|text| Population::parse(text)).collect())
}

/// Populations as their stored codes, in the order given.
pub mod populations {
    use super::*;

    pub fn serialize<S: Serializer>(list: &[Population], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(list.iter().map(|p| population_code(*p)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Population>, D::Error> {
        read_stored_populations(d)
    }
}

/// Populations given or not (a change): left out when `None`.
pub mod given_populations {
    use super::*;

    pub fn serialize<S: Serializer>(list: &Option<Vec<Population>>, s: S) -> Result<S::Ok, S::Error> {
        match list {
            Some(list) => s.serialize_some(&list.iter().map(|p| population_code(*p)).collect::<Vec<_>>()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<Population>>, D::Error> {
        read_populations(d).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Sample {
        #[serde(with = "province")]
        province: Province,
        #[serde(with = "blank_province")]
        blank: Option<Province>,
        #[serde(with = "populations")]
        populations: Vec<Population>,
    }

    #[derive(Debug, serde::Deserialize)]
    struct Given {
        #[serde(with = "given_populations")]
        #[allow(dead_code)]
        populations: Option<Vec<Population>>,
    }

    fn read(json: &str) -> Result<Sample, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn old_forms_read_in_any_case_and_with_aliases() {
        let sample =
            read(r#"{"province": "on", "blank": " Qc ", "populations": ["Veterans", "2SLGBTQ+", "first-responders"]}"#);
        assert_eq!(
            sample,
            Ok(Sample {
                province: Province::On,
                blank: Some(Province::Qc),
                populations: vec![Population::Veterans, Population::Lgbtq, Population::PublicSafety],
            })
        );
        assert_eq!(read(r#"{"province": "YT", "blank": "", "populations": []}"#).map(|s| s.blank), Ok(None));
    }

    #[test]
    fn the_written_form_is_the_one_written_before() {
        let sample = Sample {
            province: Province::Nl,
            blank: None,
            populations: vec![Population::Youth, Population::Veterans, Population::Newcomers, Population::Lgbtq],
        };
        assert_eq!(
            serde_json::to_string(&sample).unwrap(),
            r#"{"province":"NL","blank":"","populations":["youth","veteran","newcomer","2slgbtq"]}"#
        );
        // The staff interface's codes, as it has always written them, read back unchanged.
        for code in ["youth", "indigenous", "2slgbtq", "veteran", "perinatal", "newcomer"] {
            let population = Population::parse(code).unwrap();
            assert_eq!(population_code(population), code);
        }
        for population in Population::ALL {
            assert_eq!(Population::parse(population_code(*population)), Some(*population));
        }
    }

    #[test]
    fn an_unknown_value_is_an_error_naming_the_field_and_the_valid_codes() {
        let province = read(r#"{"province": "XX", "blank": "", "populations": []}"#).unwrap_err();
        assert!(province.starts_with("province: unknown province or territory `XX`; use one of AB, BC,"), "{province}");
        assert!(province.contains("SK, YT"), "{province}");
        let blank = read(r#"{"province": "ON", "blank": "Alberta", "populations": []}"#).unwrap_err();
        assert!(blank.contains("unknown province or territory `Alberta`"), "{blank}");
        let given = serde_json::from_str::<Given>(r#"{"populations": ["youth", "rural"]}"#).unwrap_err().to_string();
        assert!(given.starts_with("populations: unknown population `rural`; use one of youth,"), "{given}");
        assert!(given.contains("veteran") && given.contains("2slgbtq"), "{given}");
    }

    /// A stored word that is no population (once accepted by the command line) is passed over,
    /// so the client's record stays readable.
    #[test]
    fn a_stored_word_that_is_no_population_is_passed_over() {
        let read = read(r#"{"province": "ON", "blank": "", "populations": ["youth", "rural"]}"#).unwrap();
        assert_eq!(read.populations, [Population::Youth]);
    }
}
