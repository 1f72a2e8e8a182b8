//! Command line: clap definitions and dispatch. Each area owns one file with its own
//! subcommand enum, flattened into [`Command`].

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod audit_cmd;
pub mod backup_cmd;
pub mod client_cmd;
pub mod common;
pub mod dev_cmd;
pub mod export_cmd;
pub mod instruments_cmd;
pub mod kiosk_cmd;
pub mod report_cmd;
pub mod settings_cmd;
pub mod store_cmd;
pub mod triage_cmd;
pub mod tui_cmd;
pub mod user_cmd;

/// Exit code for bad input (unknown instrument, wrong answers, bad arguments).
pub const EXIT_BAD_INPUT: u8 = 2;
/// Exit code for a check that found problems.
pub const EXIT_CHECK_FAILED: u8 = 1;

#[derive(Debug, Parser)]
#[command(name = "triage", version, about = "Screening, triage and matching for e-mental health intake")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub tui: tui_cmd::TuiArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    #[command(flatten)]
    Instruments(instruments_cmd::InstrumentCommand),
    #[command(flatten)]
    Kiosk(kiosk_cmd::KioskCommand),
    #[command(flatten)]
    Report(report_cmd::ReportCommand),
    #[command(flatten)]
    Export(export_cmd::ExportCommand),
    #[command(flatten)]
    Settings(settings_cmd::SettingsCommand),
    #[command(flatten)]
    Store(store_cmd::StoreCommand),
    #[command(flatten)]
    Triage(triage_cmd::TriageCommand),
}

/// Runs a parsed command line.
pub fn dispatch(cli: Cli) -> ExitCode {
    match cli.command {
        Some(Command::Instruments(command)) => instruments_cmd::run(command),
        Some(Command::Kiosk(command)) => kiosk_cmd::run(command),
        Some(Command::Report(command)) => report_cmd::run(command),
        Some(Command::Export(command)) => export_cmd::run(command),
        Some(Command::Settings(command)) => settings_cmd::run(command),
        Some(Command::Store(command)) => store_cmd::run(command),
        Some(Command::Triage(command)) => triage_cmd::run(command),
        None => tui_cmd::run(cli.tui),
    }
}
