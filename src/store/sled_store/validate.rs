//! Checks on what a new record holds: user names, text limits and characters, dates of birth,
//! clients and instrument references (also applied to imported records: `import_check`). A
//! province or population needs no check here: its type admits only the valid ones.

use super::*;

/// Checks a new account's user name (lower-case letters, digits, `.`, `_`, `-`; 1 to 64).
pub fn validate_username(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid {
            field: "user name",
            reason: "use 1 to 64 characters: lower-case letters a-z, digits, `.`, `_` or `-`".into(),
        })
    }
}

// The longest text each kind of field takes: one set of limits for a new record and for an
// imported one (`import_check`).
pub(in crate::store) const LONG_TEXT: usize = 4000;
pub(in crate::store) const REASON_TEXT: usize = 2000;
pub(in crate::store) const SHORT_TEXT: usize = 200;
pub(in crate::store) const LABEL_TEXT: usize = 100;
pub(in crate::store) const ID_TEXT: usize = 64;
pub(in crate::store) const INSTRUMENT_ID_TEXT: usize = 32;

/// Accepts text without control or direction-changing characters, up to `max` characters.
pub(in crate::store) fn clean_text(field: &'static str, text: &str, max: usize) -> Result<String> {
    if text.chars().count() > max {
        return Err(StoreError::Invalid { field, reason: format!("longer than {max} characters") });
    }
    if crate::sanitize::terminal_text(text, true) != text {
        return Err(StoreError::Invalid { field, reason: "contains control or invisible direction characters".into() });
    }
    Ok(text.to_string())
}

fn validate_birth_date(date: &str) -> Result<String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(date.trim(), &format)
        .map(|_| date.trim().to_string())
        .map_err(|_| StoreError::Invalid { field: "birth date", reason: "use YYYY-MM-DD".into() })
}

pub(super) fn validate_client(input: &NewClient) -> Result<NewClient> {
    let name = clean_text("name", input.name.trim(), SHORT_TEXT)?;
    if name.is_empty() {
        return Err(StoreError::Invalid { field: "name", reason: "must not be empty".into() });
    }
    Ok(NewClient {
        name,
        birth_date: input.birth_date.as_deref().map(validate_birth_date).transpose()?,
        province: input.province,
        language: input.language,
        contact: input.contact.as_deref().map(|c| clean_text("contact", c, SHORT_TEXT)).transpose()?,
        access_needs: input
            .access_needs
            .iter()
            .map(|s| clean_text("access need", s, LABEL_TEXT))
            .collect::<Result<_>>()?,
        populations: input.populations.clone(),
        sex_for_scoring: input.sex_for_scoring,
    })
}

pub(super) fn validate_instrument(instrument: &InstrumentRef) -> Result<()> {
    for (field, value) in [("instrument id", &instrument.id), ("instrument version", &instrument.version)] {
        if value.is_empty()
            || value.len() > 64
            || !value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err(StoreError::Invalid { field, reason: "use 1 to 64 letters, digits, `.`, `_` or `-`".into() });
        }
    }
    Ok(())
}
