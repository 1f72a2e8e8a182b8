//! Instruments: the questionnaire model, loading and validation (file:line:column errors), the
//! condition language, and the scoring engine. Pure apart from `Library::load_dir`.

pub mod answers;
pub mod change;
pub mod date;
pub mod expr;
pub mod library;
pub mod load;
pub mod model;
pub mod score;

pub use answers::{AnswerError, parse_answer_list};
pub use change::{Change, Direction, PairedOutcome, compare, talking_therapies};
pub use expr::Sex;
pub use library::{AsqMode, Bundle, FileReport, Library};
pub use model::{Instrument, Lang, Severity};
pub use score::{Context, FlagHit, ScoreResult, age_on, score};
