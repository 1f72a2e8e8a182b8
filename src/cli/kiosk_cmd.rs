//! The kiosk and its administration: `kiosk` (the self-serve terminal), `checkin issue|list|revoke`,
//! `kiosk-pin`, and `submissions list|claim`. Output from the owner is sanitised; `--json` gives
//! machine-readable output.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::json;

use super::common::{AuthArgs, DirArgs, Outcome, Secrets, Table, fail, print_outcome, session};
use crate::auth::detect_origin;
use crate::instrument::{Lang, Library};
use crate::intake::care::Care;
use crate::kiosk::app::{Deps, Kiosk};
use crate::kiosk::backend::OwnerBackend;
use crate::sanitize::terminal_text;
use crate::server::default_data_dir;
use crate::store::kiosk::{CHECKIN_DEFAULT_MINUTES, CHECKIN_MAX_MINUTES, CheckinSummary, SubmissionSummary};
use crate::store::{RecordId, format_time};
use crate::ui::theme::Theme;

#[derive(Debug, Args)]
pub struct KioskArgs {
    /// The bundle of questionnaires to give.
    #[arg(long, default_value = "adult-core", value_name = "ID")]
    pub bundle: String,
    /// The data directory (default: the XDG data directory, e.g. ~/.local/share/triage).
    #[arg(long, env = "TRIAGE_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Language of the first screen and after each reset.
    #[arg(long, value_name = "en|fr", value_parser = parse_lang)]
    pub lang: Option<Lang>,
    /// Start over after this many seconds without a key (default: the organisation's
    /// `kiosk_timeout_seconds`; at least 10).
    #[arg(long, value_name = "SECS")]
    pub idle_timeout: Option<u32>,
    /// A name for this kiosk in the audit log (letters, digits, `-`, `_`, `.`).
    #[arg(long, default_value = "kiosk", value_name = "NAME")]
    pub device: String,
    /// Colour theme: default, light, high-contrast or monochrome (NO_COLOR forces monochrome).
    #[arg(long, env = "TRIAGE_THEME", value_name = "NAME")]
    pub theme: Option<String>,
    /// Plain, line-by-line mode for screen readers, braille displays and slow links: numbered
    /// choices answered with a number and Enter, no cursor movement, colour or box drawing.
    /// Also chosen by TRIAGE_PLAIN=1, and by TERM=dumb.
    #[arg(long)]
    pub plain: bool,
}

#[derive(Debug, Subcommand)]
pub enum KioskCommand {
    /// Run the self-serve kiosk on this terminal. No key leaves it: only the kiosk PIN (Ctrl-E)
    /// or SIGTERM/SIGHUP end it. The client's command (SSH_ORIGINAL_COMMAND) is never read.
    Kiosk(KioskArgs),
    /// Single-use check-in codes for the kiosk.
    Checkin {
        #[command(subcommand)]
        action: CheckinAction,
    },
    /// Set the kiosk exit PIN (6 to 12 digits; from the terminal, or the next stdin line).
    KioskPin {
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// Kiosk submissions: list them (critical first), claim one into a client and encounter.
    Submissions {
        #[command(subcommand)]
        action: SubmissionAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum CheckinAction {
    /// Issue a code; give it to the client for the kiosk.
    Issue {
        /// Link the kiosk answers to this existing client.
        #[arg(long, value_name = "ID")]
        client: Option<RecordId>,
        /// Minutes until it expires (default 60, at most 1440).
        #[arg(long, default_value_t = CHECKIN_DEFAULT_MINUTES)]
        minutes: u32,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// List the outstanding codes (not redeemed, revoked or expired): each one's reference,
    /// issue and expiry times, issuer, and whether it is for a client. The codes themselves are
    /// not stored, so never shown again.
    List {
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// Revoke an outstanding code so that no kiosk accepts it.
    Revoke {
        /// Its reference from `triage checkin list` (8 hex digits or more), or the code itself.
        #[arg(value_name = "REF")]
        reference: String,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum SubmissionAction {
    /// List kiosk submissions: unclaimed first, critical on top (works while locked).
    List {
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// Claim one: creates (or uses the check-in's) client and a kiosk encounter with its answers.
    Claim {
        id: RecordId,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
}

fn parse_lang(text: &str) -> Result<Lang, String> {
    Lang::parse(text).ok_or_else(|| format!("unknown language `{text}`; use en or fr"))
}

/// Runs a kiosk command.
pub fn run(command: KioskCommand) -> ExitCode {
    match command {
        KioskCommand::Kiosk(args) => kiosk(&args),
        KioskCommand::Checkin { action } => {
            let json = match &action {
                CheckinAction::Issue { dir, .. }
                | CheckinAction::List { dir, .. }
                | CheckinAction::Revoke { dir, .. } => dir.json,
            };
            print_outcome(json, checkin(action))
        }
        KioskCommand::KioskPin { dir, auth } => print_outcome(dir.json, kiosk_pin(&dir, &auth)),
        KioskCommand::Submissions { action } => {
            let json = match &action {
                SubmissionAction::List { dir, .. } | SubmissionAction::Claim { dir, .. } => dir.json,
            };
            print_outcome(json, submissions(action))
        }
    }
}

fn kiosk(args: &KioskArgs) -> ExitCode {
    let error = |message: String| {
        eprintln!("triage: {}", terminal_text(&message, true));
        ExitCode::FAILURE
    };
    if let Some(theme) = &args.theme
        && Theme::shipped(theme).is_none()
    {
        return error(format!("unknown theme `{theme}`; use default, light, high-contrast or monochrome"));
    }
    let Some(dir) = args.data_dir.clone().or_else(default_data_dir) else {
        return error("no data directory: pass --data-dir DIR or set TRIAGE_DATA_DIR".into());
    };
    let library = Library::shipped();
    let Some(bundle) = library.bundle(&args.bundle) else {
        let known: Vec<&str> = library.bundles().iter().map(|b| b.id.as_str()).collect();
        return error(format!("unknown bundle `{}`; use one of: {}", args.bundle, known.join(", ")));
    };
    if !bundle.risk_screen {
        return error(format!(
            "bundle `{}` is not a risk screen (it does not ask every client about suicide directly): staff only, never on the kiosk",
            bundle.id
        ));
    }
    let instruments = bundle.instruments.clone();
    let care = match Care::shipped(&library) {
        Ok(care) => care,
        Err(problems) => return error(format!("the triage rules or resource catalog have errors:\n{problems}")),
    };
    let idle_ms = args.idle_timeout.map(|secs| i64::from(secs) * 1000);
    let lang = args.lang.unwrap_or(Lang::En);
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme = Theme::select(args.theme.as_deref(), no_color);
    let state = Kiosk::new(&args.bundle, instruments, lang, idle_ms, crate::store::now_ms());
    let mut backend = OwnerBackend::new(dir, args.device.clone(), detect_origin());
    let deps = Deps { library: &library, care: &care };
    let ran = if crate::plain::wanted(args.plain) {
        crate::plain::kiosk_shell::run(state, &mut backend, &deps, crate::plain::dumb_terminal())
    } else {
        crate::kiosk::shell::run(state, &mut backend, &deps, &theme)
    };
    match ran {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => error(format!("kiosk: {e}")),
    }
}

fn checkin(action: CheckinAction) -> Outcome {
    match action {
        CheckinAction::Issue { client, minutes, dir, auth } => {
            if minutes == 0 || minutes > CHECKIN_MAX_MINUTES {
                return Err(fail("invalid", format!("--minutes: use 1 to {CHECKIN_MAX_MINUTES}")));
            }
            let mut secrets = Secrets::new(auth.password_stdin);
            let code = session(&dir, &auth, &mut secrets)?.issue_checkin(client, minutes)?;
            let human = format!(
                "check-in code: {}\nvalid until {} (single use){}",
                code.code,
                format_time(code.expires_ms),
                code.client.map(|c| format!("\nfor client {c}")).unwrap_or_default()
            );
            Ok((serde_json::to_value(&code).unwrap_or_default(), human))
        }
        CheckinAction::List { dir, auth } => {
            let mut secrets = Secrets::new(auth.password_stdin);
            let list = session(&dir, &auth, &mut secrets)?.list_checkins()?;
            let human = checkins_text(&list);
            Ok((serde_json::to_value(&list).unwrap_or_default(), human))
        }
        CheckinAction::Revoke { reference, dir, auth } => {
            let mut secrets = Secrets::new(auth.password_stdin);
            let revoked = session(&dir, &auth, &mut secrets)?.revoke_checkin(&reference)?;
            let human = format!("revoked check-in code {}", terminal_text(&revoked, false));
            Ok((json!({ "revoked": revoked }), human))
        }
    }
}

fn kiosk_pin(dir: &DirArgs, auth: &AuthArgs) -> Outcome {
    let mut secrets = Secrets::new(auth.password_stdin);
    let mut owner = session(dir, auth, &mut secrets)?;
    let pin = secrets.next("new kiosk PIN (6 to 12 digits)")?;
    owner.set_kiosk_pin(&pin)?;
    Ok((json!({"kiosk_pin_set": true}), "kiosk PIN set".into()))
}

fn submissions(action: SubmissionAction) -> Outcome {
    match action {
        SubmissionAction::List { dir, auth } => {
            let mut secrets = Secrets::new(auth.password_stdin);
            let list = session(&dir, &auth, &mut secrets)?.list_kiosk_submissions()?;
            let human = submissions_text(&list);
            Ok((serde_json::to_value(&list).unwrap_or_default(), human))
        }
        SubmissionAction::Claim { id, dir, auth } => {
            let mut secrets = Secrets::new(auth.password_stdin);
            let (client, encounter) = session(&dir, &auth, &mut secrets)?.claim_submission(id)?;
            Ok((
                json!({"client": client, "encounter": encounter}),
                format!("claimed into client {client}, encounter {}", encounter.id),
            ))
        }
    }
}

/// The outstanding check-in codes, one line each under a header.
fn checkins_text(list: &[CheckinSummary]) -> String {
    if list.is_empty() {
        return "no outstanding check-in codes".to_string();
    }
    let mut table = Table::new(&["REF", "ISSUED", "EXPIRES", "CLIENT", "ISSUED BY"]);
    for c in list {
        table.row([
            c.reference.clone(),
            format_time(c.issued_ms),
            format_time(c.expires_ms),
            (if c.for_client { "yes" } else { "no" }).to_string(),
            c.issued_by.clone(),
        ]);
    }
    table.render()
}

/// The kiosk submissions, one line each under a header: critical and urgent ones marked, then
/// whether unfinished or checked in, and who claimed it (or `waiting`).
fn submissions_text(list: &[SubmissionSummary]) -> String {
    if list.is_empty() {
        return "no kiosk submissions".to_string();
    }
    let mut table = Table::new(&["SUBMISSION", "RECEIVED", "TIER", "STATE", "CLAIM"]);
    for s in list {
        let tier = if s.critical {
            "CRITICAL"
        } else if s.urgent {
            "URGENT"
        } else {
            ""
        };
        let state: Vec<&str> = [(s.incomplete, "unfinished"), (s.checked_in, "checked-in")]
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, w)| *w)
            .collect();
        let claim = s
            .claimed
            .as_ref()
            .map(|c| format!("claimed by {} into encounter {}", c.by, c.encounter))
            .unwrap_or_else(|| "waiting".into());
        table.row([s.id.to_string(), format_time(s.received_ms), tier.to_string(), state.join(" "), claim]);
    }
    table.render()
}
