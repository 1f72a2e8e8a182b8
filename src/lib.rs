//! triage: screening questionnaires, scoring, stepped-care triage and resource matching for
//! e-mental health intake, with an encrypted embedded store and a terminal interface.
#![forbid(unsafe_code)]

pub mod auth;
pub mod cli;
pub mod diagnostic;
pub mod export;
pub mod instrument;
pub mod intake;
pub mod kiosk;
pub mod plain;
pub mod report;
pub mod sanitize;
pub mod server;
pub mod shell;
pub mod store;
pub mod triage;
pub mod tui;
pub mod ui;
