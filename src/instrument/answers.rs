//! Scripted answers (`--answers 1,2,-,y`): scored values in item order, `y`/`n` (or any option
//! code) for coded items, `-` for an item not asked or not answered.

use std::fmt;

use super::model::Instrument;
use super::score::enabled_items;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerError {
    Count { instrument: String, given: usize, minimum: usize, maximum: usize, item_ids: String },
    Value { item: String, position: usize, given: String, allowed: String },
    Skipped { item: String, position: usize, given: String, condition: String },
}

impl fmt::Display for AnswerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnswerError::Count { instrument, given, minimum, maximum, item_ids } => {
                let expected = if minimum == maximum { minimum.to_string() } else { format!("{minimum} to {maximum}") };
                write!(f, "{instrument} takes {expected} answers ({item_ids}), but {given} were given")
            }
            AnswerError::Value { item, position, given, allowed } => {
                write!(
                    f,
                    "item {item} (answer {position}): `{given}` is not allowed; allowed: {allowed}, or - if not answered"
                )
            }
            AnswerError::Skipped { item, position, given, condition } => write!(
                f,
                "item {item} (answer {position}): `{given}` was given, but the item is not asked unless `{condition}`; give - instead"
            ),
        }
    }
}

/// The accepted spellings of an item's answers, for error messages.
pub fn allowed_answers(instrument: &Instrument, item: usize) -> String {
    let options = instrument.options_of(item);
    options
        .iter()
        .map(|o| match o.keys.first() {
            Some(key) => format!("{key} ({})", o.code),
            None => o.value.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Finds the option an answer token names: its scored value, its code or one of its keys.
pub fn option_for_token(instrument: &Instrument, item: usize, token: &str) -> Option<usize> {
    let options = instrument.options_of(item);
    let lower = token.to_ascii_lowercase();
    if let Ok(value) = lower.parse::<i64>() {
        return options.iter().position(|o| o.value == value);
    }
    options.iter().position(|o| o.code == lower || o.keys.iter().any(|k| k.eq_ignore_ascii_case(&lower)))
}

/// Parses a comma-separated answer list into option positions, one per item.
pub fn parse_answer_list(instrument: &Instrument, list: &str) -> Result<Vec<Option<usize>>, AnswerError> {
    let tokens: Vec<&str> = if list.trim().is_empty() { Vec::new() } else { list.split(',').map(str::trim).collect() };
    let minimum = instrument.minimum_answer_count();
    let maximum = instrument.items.len();
    if tokens.len() < minimum || tokens.len() > maximum {
        return Err(AnswerError::Count {
            instrument: instrument.id.clone(),
            given: tokens.len(),
            minimum,
            maximum,
            item_ids: instrument.items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>().join(","),
        });
    }
    let mut answers = vec![None; maximum];
    for (index, token) in tokens.iter().enumerate() {
        if token.is_empty() || *token == "-" {
            continue;
        }
        let position = option_for_token(instrument, index, token).ok_or_else(|| AnswerError::Value {
            item: instrument.items[index].id.clone(),
            position: index + 1,
            given: (*token).to_string(),
            allowed: allowed_answers(instrument, index),
        })?;
        answers[index] = Some(position);
    }
    // An answer to a skipped item is accepted only when it equals the value the skip imposes.
    let enabled = enabled_items(instrument, &answers);
    for (index, item) in instrument.items.iter().enumerate() {
        let Some(position) = answers[index] else {
            continue;
        };
        if enabled[index] {
            continue;
        }
        let value = instrument.options_of(index)[position].value;
        if item.if_skipped == Some(value) {
            answers[index] = None;
        } else {
            return Err(AnswerError::Skipped {
                item: item.id.clone(),
                position: index + 1,
                given: tokens[index].to_string(),
                condition: item.enable_when_text.clone().unwrap_or_default(),
            });
        }
    }
    Ok(answers)
}
