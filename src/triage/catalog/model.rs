//! The validated catalog entry and what it says about a client: who it is for, when it is
//! open, where it is offered.

use crate::triage::date::Date;
use crate::triage::level::Level;
use crate::triage::vocab::{Condition, Cost, Criterion, Lang, Modality, Population, Province, Status};

/// Who a population-specific resource is for. A resource without one is for everyone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audience {
    /// The client belongs to every one of these ("Indigenous women": indigenous and women)...
    pub all_of: Vec<Population>,
    /// ...and, when not empty, to at least one of these.
    pub any_of: Vec<Population>,
    /// "For veterans, including their families": the client declares veterans (a family member
    /// declares veterans and families); `families` alone never qualifies.
    pub families_of: Option<Population>,
    /// Designed for the groups above but open to anyone: only then may a client outside them
    /// be offered it.
    pub serves_everyone: bool,
}

impl Audience {
    /// Whether a client with these populations belongs to the audience.
    pub fn includes(&self, populations: &[Population]) -> bool {
        self.all_of.iter().all(|p| populations.contains(p))
            && (self.any_of.is_empty() || self.any_of.iter().any(|p| populations.contains(p)))
            && self.families_of.is_none_or(|p| populations.contains(&p))
    }

    /// Every population the audience names.
    pub fn named(&self) -> impl Iterator<Item = Population> + '_ {
        self.all_of.iter().chain(&self.any_of).copied().chain(self.families_of)
    }

    /// Whether family members can be in it (through `families_of` or a listed `families`).
    pub fn admits_families(&self) -> bool {
        self.families_of.is_some() || self.named().any(|p| p == Population::Families)
    }
}

/// Opening hours as the source states them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hours {
    /// Around the clock, every day.
    Always,
    /// Limited hours, as text ("Mon–Fri 10:00–18:00 PT").
    Times(String),
    /// The source does not confirm the hours; never treated as 24/7.
    Unverified,
}

impl Hours {
    pub fn is_24_7(&self) -> bool {
        matches!(self, Hours::Always)
    }

    pub fn text(&self) -> &str {
        match self {
            Hours::Always => "24/7",
            Hours::Times(t) => t,
            Hours::Unverified => "hours not verified",
        }
    }
}

/// Where a service is available.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Coverage {
    National,
    Provinces(Vec<Province>),
}

/// One validated catalog entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub id: String,
    pub name_en: String,
    pub name_fr: Option<String>,
    pub organisation: String,
    pub url: Option<String>,
    pub phone: Vec<String>,
    pub phone_note: Option<String>,
    pub text: Vec<String>,
    pub text_keyword: Option<String>,
    pub hours: Hours,
    pub languages: Vec<String>,
    pub cost: Cost,
    pub modality: Vec<Modality>,
    pub min_age: Option<u32>,
    pub max_age: Option<u32>,
    /// Who it is for; `None`: everyone.
    pub audience: Option<Audience>,
    pub conditions: Vec<Condition>,
    pub coverage: Coverage,
    pub national_for: Vec<Population>,
    pub needs_internet: bool,
    pub needs_smartphone: bool,
    pub delivered_by_phone: bool,
    /// Emergency services (9-1-1): first for acute risk.
    pub emergency: bool,
    /// Where this is THE crisis line to give first (`national`, or provinces where it replaces it).
    pub primary_for: Option<Coverage>,
    pub levels: Vec<Level>,
    pub exclusions: Vec<Criterion>,
    pub status: Status,
    pub status_note: Option<String>,
    pub last_verified: Date,
    pub source: Vec<String>,
    pub notes: Option<String>,
    /// Where the entry is, for messages.
    pub file: String,
    pub line: usize,
}

impl Resource {
    /// The name in the client's language, falling back to English.
    pub fn name(&self, lang: Lang) -> &str {
        match (lang, &self.name_fr) {
            (Lang::Fr, Some(fr)) => fr,
            _ => &self.name_en,
        }
    }

    pub fn speaks(&self, lang: Lang) -> bool {
        self.languages.iter().any(|l| l == lang.as_str())
    }

    pub fn is_crisis(&self) -> bool {
        self.levels.contains(&Level::Crisis)
    }

    /// Can be reached by a voice call, or is delivered by phone.
    pub fn reachable_by_phone(&self) -> bool {
        !self.phone.is_empty() || self.delivered_by_phone
    }

    pub fn covers(&self, province: Province, populations: &[Population]) -> bool {
        match &self.coverage {
            Coverage::National => true,
            Coverage::Provinces(list) => {
                list.contains(&province) || self.national_for.iter().any(|p| populations.contains(p))
            }
        }
    }

    /// Where it is offered, for people ("national", "BC, ON").
    pub fn coverage_text(&self) -> String {
        match &self.coverage {
            Coverage::National => "national".to_string(),
            // One string, not one per province: this runs for every entry a client is outside.
            Coverage::Provinces(list) => {
                let mut text = String::with_capacity(list.len() * 4);
                for (n, province) in list.iter().enumerate() {
                    if n > 0 {
                        text.push_str(", ");
                    }
                    text.extend(province.as_str().chars().map(|c| c.to_ascii_uppercase()));
                }
                text
            }
        }
    }

    /// Whether it may be offered to a client with these populations: open to everyone, or the
    /// client is in its audience.
    pub fn is_open_to(&self, populations: &[Population]) -> bool {
        self.audience.as_ref().is_none_or(|a| a.serves_everyone || a.includes(populations))
    }

    /// Whether it is designed for a group the client belongs to.
    pub fn is_designed_for(&self, populations: &[Population]) -> bool {
        self.audience.as_ref().is_some_and(|a| a.includes(populations))
    }

    /// Whether only its audience may be offered it.
    pub fn is_restricted(&self) -> bool {
        self.audience.as_ref().is_some_and(|a| !a.serves_everyone)
    }

    /// Only active entries may ever be shown to clients.
    pub fn is_offerable(&self) -> bool {
        self.status == Status::Active
    }
}
