//! A catalog file as written, with the spans of the values the checks point at.

use serde::Deserialize;
use toml::Spanned;

use crate::triage::level::Level;
use crate::triage::vocab::{Condition, Cost, Criterion, Modality, Population, Status};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileDoc {
    #[serde(default)]
    pub(super) resources: Vec<Spanned<ResourceDoc>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NameDoc {
    pub(super) en: Spanned<String>,
    pub(super) fr: Option<Spanned<String>>,
    /// Where the French name was seen (resources/README.md): one of the entry's `source`
    /// keys, an `https://` page, or `reference` (the entry's own `name_fr` line or heading in
    /// the reference the catalog is built from, which records French names only where a source
    /// gives them). Required with `fr`: a French name no source gives is not shipped.
    pub(super) fr_source: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ResourceDoc {
    pub(super) id: Spanned<String>,
    pub(super) name: NameDoc,
    pub(super) organisation: Spanned<String>,
    pub(super) url: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) phone: Vec<Spanned<String>>,
    pub(super) phone_note: Option<String>,
    #[serde(default)]
    pub(super) text: Vec<Spanned<String>>,
    pub(super) text_keyword: Option<String>,
    pub(super) hours: Spanned<String>,
    pub(super) languages: Vec<Spanned<String>>,
    pub(super) cost: Cost,
    pub(super) modality: Vec<Modality>,
    pub(super) min_age: Option<u32>,
    pub(super) max_age: Option<u32>,
    pub(super) audience: Option<Spanned<AudienceDoc>>,
    /// Replaced by `audience`; read only to say so where it is.
    pub(super) populations: Option<Spanned<toml::Value>>,
    /// Replaced by `audience`; read only to say so where it is.
    pub(super) only_for_populations: Option<Spanned<toml::Value>>,
    pub(super) conditions: Vec<Condition>,
    pub(super) coverage: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) national_for: Vec<Population>,
    pub(super) needs_internet: bool,
    pub(super) needs_smartphone: bool,
    #[serde(default)]
    pub(super) delivered_by_phone: bool,
    #[serde(default)]
    pub(super) emergency: bool,
    #[serde(default)]
    pub(super) primary_for: Vec<Spanned<String>>,
    pub(super) levels: Spanned<Vec<Level>>,
    #[serde(default)]
    pub(super) exclusions: Vec<Criterion>,
    pub(super) status: Status,
    pub(super) status_note: Option<Spanned<String>>,
    pub(super) last_verified: Spanned<String>,
    pub(super) source: Spanned<Vec<String>>,
    pub(super) notes: Option<String>,
}

/// `audience = { ... }` as written; see `resources/README.md`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AudienceDoc {
    pub(super) all_of: Option<Spanned<Vec<Spanned<Population>>>>,
    pub(super) any_of: Option<Spanned<Vec<Spanned<Population>>>>,
    pub(super) families_of: Option<Spanned<Population>>,
    pub(super) serves_everyone: Option<Spanned<bool>>,
}
