//! `triage report client ID` and `triage report service`: outcomes per client (computed here
//! from the client's history, which the owner audits) and the service report (computed inside
//! the owner over every record; only aggregate figures leave it).

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::common::{AuthArgs, DirArgs, Failure, Secrets, fail, print_failure, session};
use crate::instrument::{Lang, Library};
use crate::report::{self, Period, render};
use crate::sanitize::terminal_text;
use crate::store::{RecordId, parse_time};

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Outcomes per client and service reports.
    Report {
        #[command(subcommand)]
        what: ReportWhat,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportWhat {
    /// Baseline against latest for each instrument a client answered: change, reliable
    /// improvement or deterioration, caseness, recovery, reliable recovery; and the NHS Talking
    /// Therapies outcome on the paired PHQ-9 and GAD-7.
    Client {
        /// The client's id (32 hex digits).
        id: String,
        /// The language of the printed report (`en` or `fr`); JSON keys and ids stay the same.
        #[arg(long, default_value = "en", value_name = "en|fr", value_parser = report_lang)]
        lang: Lang,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// Intakes, flags, review times, positive screens, referrals and outcomes by resource.
    Service(ServiceArgs),
}

#[derive(Debug, Args)]
pub struct ServiceArgs {
    /// First day (YYYY-MM-DD) or time (RFC 3339) of the period.
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Last day of the period (a plain date is included whole) or an end time (excluded).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Print CSV (`section,label,instrument,count,of,rate,low,high,too_few`).
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
    /// The language of the printed report (`en` or `fr`); CSV and JSON stay language-neutral.
    #[arg(long, default_value = "en", value_name = "en|fr", value_parser = report_lang)]
    pub lang: Lang,
    #[command(flatten)]
    pub dir: DirArgs,
    #[command(flatten)]
    pub auth: AuthArgs,
}

/// `--lang`: the printed report's language.
fn report_lang(text: &str) -> Result<Lang, String> {
    Lang::parse(text).ok_or_else(|| format!("unknown report language `{text}`; use en or fr"))
}

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Parses `--from` / `--to`; a plain `--to` date includes that whole day.
pub fn period(from: Option<&str>, to: Option<&str>) -> Result<Period, String> {
    let parse = |flag: &str, text: &str| {
        parse_time(text)
            .ok_or_else(|| format!("{flag} `{}`: expected YYYY-MM-DD or an RFC 3339 time", terminal_text(text, false)))
    };
    let from_ms = from.map(|t| parse("--from", t)).transpose()?;
    let to_ms = match to {
        Some(text) => {
            let at = parse("--to", text)?;
            Some(if text.trim().len() == 10 { at + DAY_MS } else { at })
        }
        None => None,
    };
    if let (Some(f), Some(t)) = (from_ms, to_ms)
        && f >= t
    {
        return Err("--from must be before --to".into());
    }
    Ok(Period { from_ms, to_ms })
}

pub fn run(command: ReportCommand) -> ExitCode {
    let ReportCommand::Report { what } = command;
    let json = match &what {
        ReportWhat::Client { dir, .. } => dir.json,
        ReportWhat::Service(args) => args.dir.json,
    };
    match execute(what) {
        Ok(text) => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
            ExitCode::SUCCESS
        }
        Err(failure) => print_failure(json, &failure),
    }
}

fn execute(what: ReportWhat) -> Result<String, Failure> {
    match what {
        ReportWhat::Client { id, lang, dir, auth } => {
            let id: RecordId = id.parse().map_err(|e: String| fail("invalid", e))?;
            let mut client = session(&dir, &auth, &mut Secrets::new(auth.password_stdin))?;
            let history = client.client_history(id)?;
            let library = Library::shipped();
            let outcomes = report::client_outcomes(&library, &history);
            let paired = report::client_paired_outcome(&library, &history);
            if dir.json {
                let value = serde_json::json!({ "client": id, "outcomes": outcomes, "talking_therapies": paired });
                return Ok(format!("{value}\n"));
            }
            Ok(format!(
                "{}\n{}\n{}",
                render::client_heading(&id.to_string(), lang),
                render::client_text(&outcomes, lang),
                render::client_paired_text(paired.as_ref(), lang)
            ))
        }
        ReportWhat::Service(args) => {
            let period =
                period(args.from.as_deref(), args.to.as_deref()).map_err(|message| fail("invalid", message))?;
            let mut client = session(&args.dir, &args.auth, &mut Secrets::new(args.auth.password_stdin))?;
            let report = client.service_report(period)?;
            if args.dir.json {
                return Ok(format!("{}\n", serde_json::to_string(&report).unwrap_or_default()));
            }
            if args.csv {
                return Ok(render::service_csv(&report));
            }
            Ok(render::service_text(&report, args.lang))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_include_the_whole_last_day() {
        let p = period(Some("2026-01-01"), Some("2026-01-31")).unwrap();
        assert_eq!(p.to_ms.unwrap() - p.from_ms.unwrap(), 31 * DAY_MS);
        assert!(period(Some("2026-02-01"), Some("2026-01-01")).is_err());
        assert!(period(Some("yesterday"), None).unwrap_err().contains("--from"));
        assert_eq!(period(None, None).unwrap(), Period::default());
    }
}
