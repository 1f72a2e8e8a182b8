#![forbid(unsafe_code)]

use clap::Parser;

fn main() -> std::process::ExitCode {
    triage::cli::dispatch(triage::cli::Cli::parse())
}
