//! `triage completions SHELL` and `triage man`: shell completions and manual pages generated from
//! the clap definitions, so they always name the commands and options this binary has.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Subcommand};
use clap_complete::Shell;

use super::common::{Failure, print_failure};
use crate::sanitize::terminal_text;

#[derive(Debug, Subcommand)]
pub enum DocsCommand {
    /// Print a completion script for a shell, e.g.
    /// `triage completions bash > ~/.local/share/bash-completion/completions/triage`.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the manual page (roff) on standard output, e.g. `triage man | man -l -`; with
    /// `--out DIR`, write one page per command instead (triage.1, triage-user-add.1, ...).
    Man {
        /// Write the pages into this directory (created if missing).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

/// Runs `completions` or `man`.
pub fn run(command: DocsCommand) -> ExitCode {
    let outcome = match command {
        DocsCommand::Completions { shell } => completions(shell),
        DocsCommand::Man { out: None } => man_page(),
        DocsCommand::Man { out: Some(dir) } => man_pages(&dir),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => print_failure(false, &failure),
    }
}

/// The completion script, written whole (a closed pipe is not an error).
fn completions(shell: Shell) -> Result<(), Failure> {
    let mut command = super::Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "triage", &mut script);
    let _ = std::io::stdout().lock().write_all(&script);
    Ok(())
}

/// The top-level manual page: options, and every command with its summary.
fn man_page() -> Result<(), Failure> {
    let mut page = Vec::new();
    clap_mangen::Man::new(super::Cli::command()).render(&mut page).map_err(|e| Failure {
        code: "io",
        message: format!("cannot render the manual page: {e}"),
        exit: 1,
    })?;
    let _ = std::io::stdout().lock().write_all(&page);
    Ok(())
}

/// One page per command (hidden ones left out) in `dir`, and the number written.
fn man_pages(dir: &Path) -> Result<(), Failure> {
    let shown = terminal_text(&dir.display().to_string(), false);
    let io =
        |what: &str, e: std::io::Error| Failure { code: "io", message: format!("cannot {what} {shown}: {e}"), exit: 1 };
    std::fs::create_dir_all(dir).map_err(|e| io("create", e))?;
    clap_mangen::generate_to(super::Cli::command(), dir).map_err(|e| io("write the manual pages into", e))?;
    let written = std::fs::read_dir(dir)
        .map_err(|e| io("read", e))?
        .flatten()
        .filter(|entry| entry.path().extension().is_some_and(|e| e == "1"))
        .count();
    let _ = writeln!(std::io::stdout().lock(), "wrote {written} manual pages into {shown}");
    Ok(())
}
