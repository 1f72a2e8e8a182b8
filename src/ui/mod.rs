//! What the staff interface, the kiosk, the reports and the CLI say and how they look: the
//! bilingual strings every user-facing word goes through, the colour themes, the errors the
//! interfaces show, and the drawing both interfaces share (a question's layout, the fast
//! paragraph). It holds no state and does no IO beyond reading a theme file it is handed.

pub mod clock;
pub mod error;
pub mod paragraph;
pub mod question;
pub mod refusal;
pub mod strings;
pub mod theme;
pub mod typography;
