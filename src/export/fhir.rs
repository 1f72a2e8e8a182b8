//! FHIR R4: a `collection` Bundle of Patient (pseudonymous: the opaque record id, no name, no
//! birth date, no contact), Questionnaire (one per instrument and version), QuestionnaireResponse
//! (LOINC-coded items and answers where codes exist) and Observation (totals, LOINC-coded where
//! codes exist). Resources are built here as JSON values; the CLI streams them into the Bundle
//! one entry at a time ([`bundle_start`], [`entry`], [`bundle_end`]).

use serde_json::{Value, json};

use super::{answered_language, bcp47, item_languages, uuid, uuid_for};
use crate::instrument::{Context, Instrument, Lang, Library};
use crate::report::measure::answers_for;
use crate::store::{Client, EncounterDetail, RecordId, format_time};

pub const LOINC: &str = "http://loinc.org";
/// Local code systems for items, options and scores without LOINC codes.
pub const LOCAL: &str = "urn:triage";
const ORDINAL: &str = "http://hl7.org/fhir/StructureDefinition/ordinalValue";

/// The canonical URL of an instrument's Questionnaire (version separate, as `url|version`).
pub fn questionnaire_url(instrument: &str) -> String {
    format!("{LOCAL}:questionnaire:{instrument}")
}

pub fn patient_uuid(client: &RecordId) -> String {
    uuid(client.as_bytes())
}

fn response_uuid(encounter: &RecordId, instrument: &str) -> String {
    uuid_for(&format!("response:{encounter}:{instrument}"))
}

fn observation_uuid(encounter: &RecordId, instrument: &str) -> String {
    uuid_for(&format!("observation:{encounter}:{instrument}"))
}

pub fn questionnaire_uuid(instrument: &str, version: &str) -> String {
    uuid_for(&format!("questionnaire:{instrument}|{version}"))
}

/// The opening of the Bundle (up to the first entry).
pub fn bundle_start(bundle_id: &str, timestamp_ms: i64) -> String {
    format!(
        "{{\"resourceType\":\"Bundle\",\"id\":{},\"type\":\"collection\",\"timestamp\":{},\"entry\":[\n",
        Value::from(bundle_id),
        Value::from(format_time(timestamp_ms))
    )
}

/// One entry; `first` is false for every entry after the first (a comma goes before it).
pub fn entry(resource: &Value, first: bool) -> String {
    let id = resource.get("id").and_then(Value::as_str).unwrap_or_default();
    let entry = json!({ "fullUrl": format!("urn:uuid:{id}"), "resource": resource });
    format!("{}{}\n", if first { "" } else { "," }, entry)
}

pub fn bundle_end() -> &'static str {
    "]}\n"
}

/// A pseudonymous Patient: only the opaque record id.
pub fn patient(client: &Client) -> Value {
    json!({
        "resourceType": "Patient",
        "id": patient_uuid(&client.id),
        "identifier": [{ "system": format!("{LOCAL}:client"), "value": client.id.to_string() }],
    })
}

fn coding(system: &str, code: &str, display: &str) -> Value {
    json!({ "system": system, "code": code, "display": display })
}

/// An option as a coding, its display in `lang` (the language it was shown in).
fn option_coding(instrument: &Instrument, item: usize, position: usize, lang: Lang) -> Option<Value> {
    let option = instrument.options_of(item).get(position)?;
    let display = option.text.get(lang);
    let mut value = match &option.loinc {
        Some(code) => coding(LOINC, code, display),
        None => coding(&format!("{LOCAL}:option:{}", instrument.id), &option.code, display),
    };
    value["extension"] = json!([{ "url": ORDINAL, "valueDecimal": option.value }]);
    Some(value)
}

/// A Questionnaire for an instrument (English text).
pub fn questionnaire(instrument: &Instrument) -> Value {
    let items: Vec<Value> = instrument
        .items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let mut value = json!({
                "linkId": item.id,
                "text": item.text.get(Lang::En),
                "type": "choice",
                "required": item.required,
                "answerOption": (0..instrument.options_of(index).len())
                    .filter_map(|p| option_coding(instrument, index, p, Lang::En))
                    .map(|c| json!({ "valueCoding": c }))
                    .collect::<Vec<_>>(),
            });
            if let Some(code) = &item.loinc {
                value["code"] = json!([coding(LOINC, code, item.text.get(Lang::En))]);
            }
            value
        })
        .collect();
    let mut value = json!({
        "resourceType": "Questionnaire",
        "id": questionnaire_uuid(&instrument.id, &instrument.version),
        "url": questionnaire_url(&instrument.id),
        "version": instrument.version,
        "name": instrument.id.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_uppercase(),
        "title": instrument.title.get(Lang::En),
        "status": "active",
        "item": items,
    });
    if let Some(panel) = &instrument.loinc.panel {
        value["code"] = json!([coding(LOINC, panel, instrument.title.get(Lang::En))]);
    }
    value
}

/// The QuestionnaireResponse and total Observation for each instrument answered in an
/// encounter (re-scored from the item answers), with each instrument used.
pub fn encounter_resources<'l>(library: &'l Library, detail: &EncounterDetail) -> Vec<(&'l Instrument, Vec<Value>)> {
    let mut out = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    let encounter = &detail.encounter;
    let subject = json!({ "reference": format!("urn:uuid:{}", patient_uuid(&encounter.client_id)) });
    let authored = format_time(encounter.created_ms);
    for answer in &detail.answers {
        let id = answer.instrument.id.as_str();
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let Some(instrument) = library.get(id) else { continue };
        let Some(answers) = answers_for(instrument, detail) else { continue };
        let languages = item_languages(instrument, detail);
        let items: Vec<Value> = answers
            .iter()
            .zip(&languages)
            .enumerate()
            .filter_map(|(index, (position, shown_in))| {
                // Each item carries the text the client read and the answer as it was shown.
                let shown_in = shown_in.unwrap_or(Lang::En);
                let coding = option_coding(instrument, index, (*position)?, shown_in)?;
                let item = &instrument.items[index];
                let mut value = json!({
                    "linkId": item.id,
                    "text": item.text.get(shown_in),
                    "answer": [{ "valueCoding": coding }],
                });
                if let Some(code) = &item.loinc {
                    value["definition"] = Value::from(format!("{LOINC}/{code}"));
                }
                Some(value)
            })
            .collect();
        let response_id = response_uuid(&encounter.id, id);
        let response = json!({
            "resourceType": "QuestionnaireResponse",
            "id": response_id,
            "language": bcp47(answered_language(instrument, detail)),
            "questionnaire": format!("{}|{}", questionnaire_url(id), instrument.version),
            "status": "completed",
            "subject": subject,
            "authored": authored,
            "item": items,
        });
        let mut resources = vec![response];
        let result = library.score(instrument, &answers, &Context::default());
        if let (Some(total), Some(score)) = (result.total, instrument.total_score()) {
            let label =
                format!("{} {}", instrument.short_title.get(Lang::En), instrument.scores[score].label.get(Lang::En));
            let code = match &instrument.loinc.total {
                Some(code) => coding(LOINC, code, &label),
                None => coding(&format!("{LOCAL}:score"), &format!("{id}.{}", instrument.scores[score].id), &label),
            };
            let mut observation = json!({
                "resourceType": "Observation",
                "id": observation_uuid(&encounter.id, id),
                "status": "final",
                "category": [{ "coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                    "code": "survey",
                }]}],
                "code": { "coding": [code], "text": label },
                "subject": subject,
                "effectiveDateTime": authored,
                "valueInteger": total,
                "derivedFrom": [{ "reference": format!("urn:uuid:{response_id}") }],
            });
            if let Some(band) = &result.band {
                observation["interpretation"] = json!([{ "text": band }]);
            }
            resources.push(observation);
        }
        out.push((instrument, resources));
    }
    out
}

/// Reads a QuestionnaireResponse back into option positions for `instrument` (by item linkId
/// and answer code), for checking that an export re-scores to the same totals.
pub fn read_response(instrument: &Instrument, response: &Value) -> Result<Vec<Option<usize>>, String> {
    let mut answers = vec![None; instrument.items.len()];
    let items = response.get("item").and_then(Value::as_array).ok_or("the response has no items")?;
    for item in items {
        let link = item.get("linkId").and_then(Value::as_str).ok_or("an item has no linkId")?;
        let index = instrument.item_index(link).ok_or_else(|| format!("unknown item {link}"))?;
        let code = item
            .pointer("/answer/0/valueCoding/code")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("item {link} has no coded answer"))?;
        let position = instrument
            .options_of(index)
            .iter()
            .position(|o| o.loinc.as_deref() == Some(code) || (o.loinc.is_none() && o.code == code))
            .ok_or_else(|| format!("item {link}: unknown answer code {code}"))?;
        answers[index] = Some(position);
    }
    Ok(answers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests_support::phq9_encounter;

    #[test]
    fn response_reads_back_to_the_same_score_and_codes_are_loinc() {
        let library = Library::shipped();
        let (client, detail) = phq9_encounter("Ann", "1980-01-01", 14);
        let resources = encounter_resources(&library, &detail);
        assert_eq!(resources.len(), 1);
        let (instrument, values) = &resources[0];
        let response = &values[0];
        assert_eq!(response.pointer("/item/0/answer/0/valueCoding/system"), Some(&Value::from(LOINC)));
        assert_eq!(values[1].pointer("/code/coding/0/code"), Some(&Value::from("44261-6")));
        assert_eq!(values[1]["valueInteger"], 14);
        let answers = read_response(instrument, response).unwrap();
        assert_eq!(library.score(instrument, &answers, &Context::default()).total, Some(14));
        let patient = patient(&client);
        let text = patient.to_string();
        assert!(!text.contains("Ann") && !text.contains("1980"));
        assert_eq!(questionnaire(instrument)["code"][0]["code"], "44249-1");
        let start = bundle_start("b", 0);
        let whole = format!("{start}{}{}{}", entry(&patient, true), entry(response, false), bundle_end());
        let parsed: Value = serde_json::from_str(&whole).unwrap();
        assert_eq!(parsed["entry"].as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn a_response_answered_in_french_says_so_and_carries_the_french_text_shown() {
        let library = Library::shipped();
        let (_, mut detail) = phq9_encounter("Ann", "1980-01-01", 14);
        for answer in &mut detail.answers {
            answer.instrument.language = Lang::Fr;
        }
        let resources = encounter_resources(&library, &detail);
        let (instrument, values) = &resources[0];
        let response = &values[0];
        assert_eq!(response["language"], "fr-CA");
        let first = &response["item"][0];
        assert_eq!(first["text"], instrument.items[0].text.get(Lang::Fr));
        let position = read_response(instrument, response).unwrap()[0].unwrap();
        assert_eq!(first["answer"][0]["valueCoding"]["display"], instrument.options_of(0)[position].text.get(Lang::Fr));
        assert_ne!(instrument.items[0].text.get(Lang::Fr), instrument.items[0].text.get(Lang::En));
    }

    #[test]
    fn a_response_answered_in_english_is_en_ca_with_english_text() {
        let library = Library::shipped();
        let (_, detail) = phq9_encounter("Ann", "1980-01-01", 14);
        let resources = encounter_resources(&library, &detail);
        let (instrument, values) = &resources[0];
        assert_eq!(values[0]["language"], "en-CA");
        assert_eq!(values[0]["item"][0]["text"], instrument.items[0].text.get(Lang::En));
    }
}
