//! `triage` with no subcommand: the staff terminal interface on a data directory.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::instrument::{Lang, Library};
use crate::intake::care::Care;
use crate::sanitize::terminal_text;
use crate::server::default_data_dir;
use crate::tui::shell::{self, Options};
use crate::tui::store_backend::StoreBackend;

#[derive(Debug, Args)]
pub struct TuiArgs {
    /// The data directory (default: the XDG data directory, e.g. ~/.local/share/triage).
    #[arg(long, env = "TRIAGE_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Colour theme: default, light, high-contrast or monochrome (NO_COLOR forces monochrome).
    #[arg(long, env = "TRIAGE_THEME", value_name = "NAME")]
    pub theme: Option<String>,
    /// Interface language at start (Ctrl-L switches at any time).
    #[arg(long, value_name = "en|fr", value_parser = parse_lang)]
    pub lang: Option<Lang>,
    /// Lock an idle session after this many seconds instead of the organisation's setting.
    #[arg(long, env = "TRIAGE_IDLE_LOCK_SECONDS", value_name = "SECONDS")]
    pub idle_lock_seconds: Option<u32>,
    /// Plain, line-by-line text for screen readers, braille displays and slow links (also
    /// TRIAGE_PLAIN=1, and chosen by itself when TERM=dumb).
    #[arg(long)]
    pub plain: bool,
}

fn parse_lang(text: &str) -> Result<Lang, String> {
    Lang::parse(text).ok_or_else(|| format!("unknown language `{text}`; use en or fr"))
}

fn fail(message: impl AsRef<str>) -> ExitCode {
    eprintln!("triage: {}", terminal_text(message.as_ref(), true));
    ExitCode::FAILURE
}

pub fn run(args: TuiArgs) -> ExitCode {
    if let Some(theme) = &args.theme
        && crate::ui::theme::Theme::shipped(theme).is_none()
    {
        return fail(format!("unknown theme `{theme}`; use default, light, high-contrast or monochrome"));
    }
    let Some(dir) = args.data_dir.or_else(default_data_dir) else {
        return fail("no data directory: pass --data-dir DIR or set TRIAGE_DATA_DIR");
    };
    let library = Library::shipped();
    for report in library.reports().iter().filter(|r| r.unavailable) {
        let first = report.diagnostics.first().map(ToString::to_string).unwrap_or_default();
        eprintln!(
            "triage: warning: {} is unavailable: {first}",
            report.instrument.as_deref().unwrap_or("an instrument")
        );
    }
    let care = match Care::shipped(&library) {
        Ok(care) => care,
        Err(problems) => return fail(format!("the triage rules or resource catalog have errors:\n{problems}")),
    };
    let mut backend = match StoreBackend::connect(&dir) {
        Ok(backend) => backend,
        Err(message) => return fail(message),
    };
    let lang = args
        .lang
        .or_else(|| std::env::var("LANG").ok().filter(|l| l.starts_with("fr")).map(|_| Lang::Fr))
        .unwrap_or(Lang::En);
    let options = Options {
        theme: args.theme,
        lang,
        idle_lock_seconds: args.idle_lock_seconds,
        machine_zone: super::common::machine_zone().name().to_string(),
    };
    let ran = if crate::plain::wanted(args.plain) {
        crate::plain::staff_shell::run(&mut backend, &library, &care, options, crate::plain::dumb_terminal())
    } else {
        shell::run(&mut backend, &library, &care, options)
    };
    match ran {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(format!("terminal error: {error}")),
    }
}
