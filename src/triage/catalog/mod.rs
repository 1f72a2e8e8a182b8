//! The resource catalog (`resources/*.toml`; format in `resources/README.md`): loading and
//! validation from text (pure), and the checks behind `triage resources check`.
//!
//! * `doc`: a file as written, with spans; `load`: files to a [`Catalog`] (TOML errors, duplicate
//!   ids); `validate`: one entry checked concern by concern (`audience`: who it is for) and
//!   turned into a [`Resource`] (`model`); `warnings`: `triage resources check`.

mod audience;
mod doc;
mod load;
mod model;
mod validate;
mod warnings;

pub use model::{Audience, Coverage, Hours, Resource};
pub use validate::{valid_phone, valid_text_number};

/// Where a check reports a problem: the span it points at and the message.
type Report<'a> = dyn FnMut(std::ops::Range<usize>, String) + 'a;

/// All loaded entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    pub resources: Vec<Resource>,
}

impl Catalog {
    pub fn get(&self, id: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.id == id)
    }
}

#[cfg(test)]
pub(crate) mod tests;

/// The catalog files shipped with triage, embedded at build time so the binary works from any
/// directory: (path relative to the crate, text). A test checks this list matches `resources/`.
pub const SHIPPED: &[(&str, &str)] = &[
    ("resources/crisis.toml", include_str!("../../../resources/crisis.toml")),
    ("resources/population.toml", include_str!("../../../resources/population.toml")),
    ("resources/provincial.toml", include_str!("../../../resources/provincial.toml")),
    ("resources/digital.toml", include_str!("../../../resources/digital.toml")),
    ("resources/substance.toml", include_str!("../../../resources/substance.toml")),
    ("resources/information.toml", include_str!("../../../resources/information.toml")),
    ("resources/defunct.toml", include_str!("../../../resources/defunct.toml")),
];

/// The shipped rules file, embedded at build time: (path relative to the crate, text).
pub const SHIPPED_RULES: (&str, &str) =
    ("questionnaires/triage-rules.toml", include_str!("../../../questionnaires/triage-rules.toml"));

#[cfg(test)]
mod shipped_tests {
    use super::*;
    use crate::triage::date::Date;
    use crate::triage::vocab::Status;

    #[test]
    fn the_embedded_list_is_every_file_in_resources() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/resources");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| format!("resources/{}", e.unwrap().file_name().to_string_lossy()))
            .filter(|n| n.ends_with(".toml"))
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = SHIPPED.iter().map(|(n, _)| n.to_string()).collect();
        embedded.sort();
        assert_eq!(on_disk, embedded);
    }

    #[test]
    fn the_shipped_catalog_is_valid_and_keeps_defunct_and_unverified_entries() {
        let (catalog, problems) = Catalog::from_sources(SHIPPED.iter().copied());
        assert!(problems.is_empty(), "{}", problems.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"));
        for id in ["emergency-911", "crisis-988", "qc-suicide", "khp", "hope-for-wellness", "vac-assistance"] {
            assert_eq!(catalog.get(id).map(|r| r.status), Some(Status::Active), "{id}");
        }
        for id in ["wellness-together-canada", "pocketwell", "talk-suicide-canada", "yukon-distress-line"] {
            assert_eq!(catalog.get(id).map(|r| r.status), Some(Status::Defunct), "{id}");
        }
        for id in ["mindshift-cbt", "interligne", "nb-chimo", "nu-kamatsiaqtut"] {
            assert_eq!(catalog.get(id).map(|r| r.status), Some(Status::Unverified), "{id}");
        }
        let qc = catalog.get("qc-suicide").unwrap();
        assert_eq!(qc.phone, vec!["1-866-277-3553"]);
        assert!(qc.text.contains(&"535353".to_string()));
        assert!(!catalog.get("trans-lifeline").unwrap().hours.is_24_7());
    }

    #[test]
    fn check_lists_stale_entries_and_the_part_time_population_line() {
        let (catalog, _) = Catalog::from_sources(SHIPPED.iter().copied());
        let today = Date::parse("2026-11-25").unwrap();
        let warnings: Vec<String> = catalog.warnings(today, 365).iter().map(|w| w.message.clone()).collect();
        assert!(warnings.iter().any(|w| w.starts_with("`good2talk` is stale")));
        assert!(!warnings.iter().any(|w| w.starts_with("`wellness-together-canada` is stale")));
        assert!(warnings.iter().any(|w| w.starts_with("population `trans`")), "{warnings:?}");
        assert!(
            warnings.iter().any(|w| w.starts_with("NL: its only provincial crisis line (nl-crisis)")),
            "{warnings:?}"
        );
    }
}
