//! Closed vocabularies shared by the catalog, the rules file and the command line. Each word
//! has one spelling in files and on the command line; an unknown word is an error that lists
//! the known ones.

use std::fmt;

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal, { $($variant:ident => $text:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// What the vocabulary names, for error messages.
            pub const WHAT: &'static str = $what;

            /// The spelling used in files, on the command line and in JSON.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the file spelling (or a documented alias); case-insensitive.
            pub fn parse(text: &str) -> Option<Self> {
                let lower = text.trim().to_ascii_lowercase();
                match lower.as_str() {
                    $($text $(| $alias)* => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// "unknown province `XX`; expected one of: AB, BC, ..."
            pub fn unknown(text: &str) -> String {
                let known: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                format!("unknown {} `{}`; expected one of: {}", $what,
                    crate::sanitize::terminal_text(text, false), known.join(", "))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                $name::parse(&text).ok_or_else(|| serde::de::Error::custom($name::unknown(&text)))
            }
        }
    };
}

vocabulary!(
    /// Canadian provinces and territories (postal abbreviations).
    Province, "province or territory", {
        Ab => "ab", Bc => "bc", Mb => "mb", Nb => "nb", Nl => "nl", Ns => "ns", Nt => "nt",
        Nu => "nu", On => "on", Pe => "pe", Qc => "qc", Sk => "sk", Yt => "yt",
    }
);

impl From<crate::instrument::Lang> for Lang {
    /// The language of a service, for a client who speaks `lang`.
    fn from(lang: crate::instrument::Lang) -> Lang {
        match lang {
            crate::instrument::Lang::En => Lang::En,
            crate::instrument::Lang::Fr => Lang::Fr,
        }
    }
}

impl Province {
    /// Upper-case code as people write it ("QC").
    pub fn code(self) -> String {
        self.as_str().to_ascii_uppercase()
    }
}

vocabulary!(
    /// Groups a service is designed for, or a client belongs to.
    Population, "population", {
        Youth => "youth",
        Indigenous => "indigenous" | "first-nations" | "inuit" | "metis",
        Lgbtq => "2slgbtq" | "2slgbtq+" | "lgbtq" | "lgbtq+",
        Trans => "trans" | "gender-diverse",
        Veterans => "veterans" | "veteran",
        PublicSafety => "public-safety" | "first-responders" | "first-responder",
        Perinatal => "perinatal",
        Newcomers => "newcomers" | "newcomer",
        Students => "students" | "student",
        Black => "black",
        Muslim => "muslim",
        Families => "families" | "parents",
        Women => "women",
    }
);

vocabulary!(
    /// What a service helps with; instruments' results answer some of these.
    Condition, "condition", {
        Depression => "depression",
        Anxiety => "anxiety",
        SubstanceUse => "substance-use",
        Gambling => "gambling",
        Trauma => "trauma",
        Eating => "eating",
        Suicide => "suicide",
        Distress => "distress",
    }
);

vocabulary!(
    /// Reasons a service cannot take a client (a service's exclusion criteria); the rules file
    /// says which results put a client under each.
    Criterion, "exclusion criterion", {
        SuicideRisk => "suicide-risk",
        AcuteRisk => "acute-risk",
        SubstanceUse => "substance-use",
        PsychosisMania => "psychosis-mania",
    }
);

vocabulary!(
    /// How a service is delivered.
    Modality, "modality", {
        Phone => "phone", Text => "text", Chat => "chat", App => "app", Web => "web",
        SelfGuided => "self-guided", GuidedIcbt => "guided-icbt", Coaching => "coaching",
        PeerSupport => "peer-support", PeerCommunity => "peer-community", InPerson => "in-person",
        Video => "video", Group => "group", Therapy => "therapy", Navigation => "navigation",
        Information => "information",
    }
);

vocabulary!(
    /// What a service costs the client.
    Cost, "cost", {
        Free => "free",
        FreeWhereFunded => "free-where-funded",
        Paid => "paid",
    }
);

vocabulary!(
    /// Whether a service may be offered: only `active` entries are ever shown to clients.
    Status, "status", {
        Active => "active",
        Defunct => "defunct",
        Unverified => "unverified",
    }
);

vocabulary!(
    /// Client language (the app's two languages).
    Lang, "language", { En => "en", Fr => "fr" }
);

vocabulary!(
    /// Severity of an instrument flag.
    Severity, "flag severity", { Critical => "critical", Urgent => "urgent", Warning => "warning" }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_spellings_and_aliases_case_insensitively() {
        assert_eq!(Province::parse("QC"), Some(Province::Qc));
        assert_eq!(Population::parse("First-Responders"), Some(Population::PublicSafety));
        assert_eq!(Population::parse("2SLGBTQ+"), Some(Population::Lgbtq));
        assert_eq!(Province::parse("XX"), None);
    }

    #[test]
    fn unknown_words_list_the_known_ones_and_are_sanitised() {
        let message = Province::unknown("X\u{1b}[2J");
        assert!(message.starts_with("unknown province or territory `X[2J`"));
        assert!(message.contains("qc"));
    }

    #[test]
    fn every_spelling_round_trips() {
        for p in Population::ALL {
            assert_eq!(Population::parse(p.as_str()), Some(*p));
        }
        for c in Condition::ALL {
            assert_eq!(Condition::parse(c.as_str()), Some(*c));
        }
    }
}
