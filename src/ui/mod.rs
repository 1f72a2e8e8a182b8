//! What the staff interface, the kiosk, the reports and the CLI say and how they look: the
//! bilingual strings every user-facing word goes through, and the colour themes. It holds no
//! state and does no IO beyond reading a theme file it is handed.

pub mod strings;
pub mod theme;
