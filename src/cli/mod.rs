//! Command line: clap definitions and dispatch. Each area owns one file with its own
//! subcommand enum, flattened into [`Command`].

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod audit_cmd;
pub mod backup_cmd;
pub mod client_cmd;
pub mod common;
pub mod dev_cmd;
pub mod docs_cmd;
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
    #[command(flatten)]
    Docs(docs_cmd::DocsCommand),
}

/// Parses this process's command line and runs it. A command line clap refuses is worded by
/// clap, or, when it asks for `--json`, reported as one JSON error (code `usage`, exit 2).
pub fn run_command_line() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    match Cli::try_parse_from(&args) {
        Ok(cli) => dispatch(cli),
        Err(error) => refused(&error, asks_for_json(&args)),
    }
}

/// Whether the command line asks for JSON (`--json` before any `--`).
fn asks_for_json(args: &[OsString]) -> bool {
    args.iter().skip(1).take_while(|a| *a != "--").any(|a| a == "--json")
}

/// A command line clap refused, or `--help` and `--version`, which clap also reports as errors.
fn refused(error: &clap::Error, json: bool) -> ExitCode {
    use clap::error::ErrorKind;
    let informational = matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if !json || informational {
        let _ = error.print();
        return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(EXIT_BAD_INPUT));
    }
    // clap's first paragraph ("error: ..."), without the usage and the hint that follow.
    let rendered = error.render().to_string();
    let first = rendered.split("\n\n").next().unwrap_or_default();
    let message = first.trim().strip_prefix("error: ").unwrap_or(first.trim()).to_string();
    common::print_failure(true, &common::Failure { code: "usage", message, exit: EXIT_BAD_INPUT })
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
        Some(Command::Docs(command)) => docs_cmd::run(command),
        None => tui_cmd::run(cli.tui),
    }
}
