//! Stepped-care levels, resource catalog and matching (issue 4).
//!
//! Everything here is pure: no file, terminal or clock access. Callers read the files and pass
//! their text in, and pass "today" in (see `src/cli/triage_cmd.rs` for the thin shell).
//!
//! * [`facts`]: the [`InstrumentFacts`] trait (what triage needs from the instrument library)
//!   and the client's results;
//! * [`rules`]: the clinician-editable rules file that maps results to a suggested level;
//! * [`level`]: levels and the clinician's [`LevelDecision`] (suggestion + override);
//! * [`catalog`]: the resource catalog and its checks;
//! * [`matching`]: ranked, explained recommendations for one encounter.

pub mod catalog;
mod catalog_files;
pub mod date;
pub mod eligibility;
pub mod facts;
pub mod level;
pub mod library_facts;
pub mod matching;
pub mod rules;
pub mod vocab;
pub mod wording;

pub use catalog::{Catalog, Resource};
pub use date::Date;
pub use facts::{BandInfo, FlagInfo, InstrumentFacts, PersonContext, Results, ScreenResult};
pub use level::{Level, LevelDecision};
pub use matching::{ClientProfile, MatchLevel, MatchOutcome, match_resources};
pub use rules::RuleSet;
