//! Stepped-care levels and the clinician's decision (suggested level, reasons, override).

use std::fmt;

/// A Stepped Care 2.0 level. `Crisis` outranks every numbered level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// 1 information and self-help.
    One,
    /// 2 self-guided digital.
    Two,
    /// 3 guided digital or group.
    Three,
    /// 4 individual therapy or structured psychotherapy.
    Four,
    /// 5 specialist or intensive.
    Five,
    /// Immediate crisis response.
    Crisis,
}

impl Level {
    pub const ALL: [Level; 6] = [Level::Crisis, Level::One, Level::Two, Level::Three, Level::Four, Level::Five];

    fn rank(self) -> u8 {
        match self {
            Level::One => 1,
            Level::Two => 2,
            Level::Three => 3,
            Level::Four => 4,
            Level::Five => 5,
            Level::Crisis => 6,
        }
    }

    /// The spelling in files and JSON: "crisis", "1" ... "5".
    pub fn as_str(self) -> &'static str {
        match self {
            Level::One => "1",
            Level::Two => "2",
            Level::Three => "3",
            Level::Four => "4",
            Level::Five => "5",
            Level::Crisis => "crisis",
        }
    }

    /// Parses "crisis" or "1".."5" (also "level 3", "L3").
    pub fn parse(text: &str) -> Option<Level> {
        let lower = text.trim().to_ascii_lowercase();
        let digits = lower.trim_start_matches("level").trim_start_matches('l').trim();
        match digits {
            "crisis" => Some(Level::Crisis),
            "1" => Some(Level::One),
            "2" => Some(Level::Two),
            "3" => Some(Level::Three),
            "4" => Some(Level::Four),
            "5" => Some(Level::Five),
            _ if lower == "crisis" => Some(Level::Crisis),
            _ => None,
        }
    }

    /// A short description for people, in English ([`super::wording::level_description`]
    /// has both languages).
    pub fn description(self) -> &'static str {
        super::wording::level_description(self, crate::instrument::Lang::En)
    }

    /// The care the level stands for, as in "the service must arrange ...", in English.
    pub fn kind_of_care(self) -> &'static str {
        super::wording::kind_of_care(self, crate::instrument::Lang::En)
    }

    /// "level 4" or "crisis", as used in reasons, in English.
    pub fn phrase(self) -> String {
        super::wording::level_phrase(self, crate::instrument::Lang::En)
    }
}

impl PartialOrd for Level {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Level {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Level {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Level {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Level::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown level `{}`; expected one of: crisis, 1, 2, 3, 4, 5",
                crate::sanitize::terminal_text(&text, false)
            ))
        })
    }
}

/// Why a level override was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OverrideError {
    #[error("a level override needs a reason")]
    MissingReason,
    #[error("a level override needs the name of the clinician who made it")]
    MissingClinician,
}

/// The suggested level with the rules that fired, and the level finally chosen. When a clinician
/// overrides the suggestion, who did it and why are kept beside the suggestion, never instead.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LevelDecision {
    pub suggested: Level,
    pub reasons: Vec<String>,
    pub final_level: Level,
    pub override_by: Option<String>,
    pub override_reason: Option<String>,
}

impl LevelDecision {
    /// Accepts the suggestion as the final level.
    pub fn accept(suggested: Level, reasons: Vec<String>) -> Self {
        LevelDecision { suggested, reasons, final_level: suggested, override_by: None, override_reason: None }
    }

    /// A clinician's override. Refused without a clinician or a reason (blank text counts as none).
    pub fn with_override(
        suggested: Level,
        reasons: Vec<String>,
        final_level: Level,
        clinician: &str,
        reason: &str,
    ) -> Result<Self, OverrideError> {
        if clinician.trim().is_empty() {
            return Err(OverrideError::MissingClinician);
        }
        if reason.trim().is_empty() {
            return Err(OverrideError::MissingReason);
        }
        Ok(LevelDecision {
            suggested,
            reasons,
            final_level,
            override_by: Some(clinician.trim().to_string()),
            override_reason: Some(reason.trim().to_string()),
        })
    }

    /// Whether the final level differs from, or was set over, the suggestion.
    pub fn is_overridden(&self) -> bool {
        self.override_by.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crisis_outranks_every_numbered_level() {
        let mut levels = Level::ALL.to_vec();
        levels.sort();
        assert_eq!(levels.first(), Some(&Level::One));
        assert_eq!(levels.last(), Some(&Level::Crisis));
        assert!(Level::Five < Level::Crisis);
    }

    #[test]
    fn parses_level_spellings() {
        assert_eq!(Level::parse("3"), Some(Level::Three));
        assert_eq!(Level::parse("Level 4"), Some(Level::Four));
        assert_eq!(Level::parse("CRISIS"), Some(Level::Crisis));
        assert_eq!(Level::parse("6"), None);
        for level in Level::ALL {
            assert_eq!(Level::parse(level.as_str()), Some(level));
        }
    }

    #[test]
    fn override_requires_a_reason_and_keeps_the_suggestion() {
        let reasons = vec!["PHQ-9 17, moderately severe -> level 4".to_string()];
        assert_eq!(
            LevelDecision::with_override(Level::Four, reasons.clone(), Level::Three, "Dr A", "  "),
            Err(OverrideError::MissingReason)
        );
        assert_eq!(
            LevelDecision::with_override(Level::Four, reasons.clone(), Level::Three, "", "waitlist"),
            Err(OverrideError::MissingClinician)
        );
        let decision =
            LevelDecision::with_override(Level::Four, reasons.clone(), Level::Three, "Dr A", "client prefers group")
                .unwrap();
        assert_eq!(decision.suggested, Level::Four);
        assert_eq!(decision.final_level, Level::Three);
        assert_eq!(decision.reasons, reasons);
        assert_eq!(decision.override_reason.as_deref(), Some("client prefers group"));
        assert!(decision.is_overridden());
        assert!(!LevelDecision::accept(Level::Two, vec![]).is_overridden());
    }
}
