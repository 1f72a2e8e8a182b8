//! The self-serve kiosk (`triage kiosk`, issue 6): a client alone at a locked-down terminal
//! chooses a language, may give a check-in code, consents, answers the bundle's questionnaires one
//! item per screen with number keys, and is thanked. A critical answer shows crisis information
//! at once and alerts staff through the owner. Answers live only in memory until sealed to the
//! organisation's public key; the kiosk cannot read back what it wrote.
//!
//! Elm-style like the staff interface: [`keys`] maps terminal keys, [`app::update`] is pure (the
//! clock comes in as [`app::Action::Tick`]), [`view::draw`] is a pure function of the state, and
//! [`shell`] performs the effects against [`backend::KioskBackend`].

pub mod app;
pub mod backend;
pub mod keys;
pub mod shell;
pub mod submission;
pub mod view;

#[cfg(test)]
pub(crate) mod tests;
