//! `triage settings show` and `triage settings set`: the organisation's staff idle lock, kiosk
//! timeout and crisis protocol texts (English, and optionally French). Any account may read them;
//! only an administrator may change them, and the owner audits which settings changed. Text from
//! the store is sanitised before it is printed.

use std::process::ExitCode;

use clap::Subcommand;
use serde_json::json;

use super::common::{AuthArgs, DirArgs, Outcome, Secrets, fail, print_outcome, session};
use crate::instrument::AsqMode;
use crate::sanitize::terminal_text;
use crate::store::settings::{IDLE_LOCK_MINUTES, KIOSK_TIMEOUT_SECONDS, zone_name};
use crate::store::{Settings, SettingsUpdate};
use crate::ui::clock::UTC_NAME;

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// The organisation's settings: staff idle lock, kiosk timeout, crisis protocol texts.
    Settings {
        #[command(subcommand)]
        action: SettingsAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum SettingsAction {
    /// Show the settings (any account).
    Show {
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// Change the settings given (admin only); the others are kept. Prints which changed.
    Set {
        /// Minutes without a key before the staff interface locks (1 to 240).
        #[arg(long, value_name = "N")]
        idle_lock_minutes: Option<u32>,
        /// Seconds without a key before a kiosk wipes its answers and starts over (30 to 3600).
        #[arg(long, value_name = "N")]
        kiosk_timeout_seconds: Option<u32>,
        /// The organisation's crisis protocol, shown first on the crisis screens.
        #[arg(long, value_name = "TEXT")]
        crisis_text: Option<String>,
        /// The crisis protocol in French, for French-speaking clients.
        #[arg(long, value_name = "TEXT", conflicts_with = "no_crisis_text_fr")]
        crisis_text_fr: Option<String>,
        /// Remove the French text (French-speaking clients then see the English one).
        #[arg(long)]
        no_crisis_text_fr: bool,
        /// When the ASQ is asked: `universal` (every risk-screen bundle, the default) or
        /// `after-phq9-item9` (only as PHQ-9 item 9's follow-up). See docs/clinical-safety.md.
        #[arg(long, value_name = "universal|after-phq9-item9")]
        asq: Option<AsqMode>,
        #[command(flatten)]
        summary: OrganisationArgs,
        #[command(flatten)]
        dir: DirArgs,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// List the time zone names `set --time-zone` accepts (the tz database built into triage).
    TimeZones {
        /// `--json` prints them as a JSON array (no data directory is read).
        #[command(flatten)]
        dir: DirArgs,
    },
}

/// What every take-away summary carries, where the staff interface writes it, and the time zone
/// of every time shown to people.
#[derive(Debug, Default, clap::Args)]
pub struct OrganisationArgs {
    /// Where the staff interface writes take-away summaries (an absolute path, created 0700;
    /// default: `summaries` in the data directory).
    #[arg(long, value_name = "PATH")]
    summary_dir: Option<String>,
    /// The organisation's telephone number, printed on every take-away summary.
    #[arg(long, value_name = "TEXT")]
    contact_phone: Option<String>,
    /// The organisation's time zone, an IANA name such as America/Toronto, America/Regina or
    /// America/St_Johns (`triage settings time-zones` lists them); times shown to people are in
    /// it, machine formats (JSON, CSV, FHIR) stay in UTC. Unset: UTC.
    #[arg(long, value_name = "NAME")]
    time_zone: Option<String>,
}

/// Runs a settings command.
pub fn run(command: SettingsCommand) -> ExitCode {
    let SettingsCommand::Settings { action } = command;
    let json = match &action {
        SettingsAction::Show { dir, .. } | SettingsAction::Set { dir, .. } | SettingsAction::TimeZones { dir } => {
            dir.json
        }
    };
    print_outcome(json, execute(action))
}

/// The changes the options ask for, checked against the ranges before anyone logs in (the owner
/// checks everything again).
pub fn changes(
    idle_lock_minutes: Option<u32>,
    kiosk_timeout_seconds: Option<u32>,
    crisis_text: Option<String>,
    crisis_text_fr: Option<String>,
    no_crisis_text_fr: bool,
    asq: Option<AsqMode>,
    summary: OrganisationArgs,
) -> Result<SettingsUpdate, String> {
    let range = |flag: &str, value: Option<u32>, range: &std::ops::RangeInclusive<u32>, unit: &str| match value {
        Some(n) if !range.contains(&n) => Err(format!("{flag} {n}: use {} to {} {unit}", range.start(), range.end())),
        _ => Ok(()),
    };
    range("--idle-lock-minutes", idle_lock_minutes, &IDLE_LOCK_MINUTES, "minutes")?;
    range("--kiosk-timeout-seconds", kiosk_timeout_seconds, &KIOSK_TIMEOUT_SECONDS, "seconds")?;
    let time_zone = summary
        .time_zone
        .map(|name| {
            zone_name(&name).map_err(|error| match error {
                crate::store::StoreError::Invalid { reason, .. } => format!("--time-zone: {reason}"),
                other => format!("--time-zone: {other}"),
            })
        })
        .transpose()?;
    let changes = SettingsUpdate {
        staff_idle_lock_minutes: idle_lock_minutes,
        kiosk_timeout_seconds,
        crisis_text,
        crisis_text_fr: if no_crisis_text_fr { Some(None) } else { crisis_text_fr.map(Some) },
        asq_mode: asq,
        summary_dir: summary.summary_dir,
        contact_phone: summary.contact_phone,
        time_zone,
    };
    if changes.is_empty() {
        return Err("nothing to change: give --idle-lock-minutes, --kiosk-timeout-seconds, --crisis-text, \
                    --crisis-text-fr, --no-crisis-text-fr, --asq, --summary-dir, --contact-phone or --time-zone"
            .into());
    }
    Ok(changes)
}

/// The settings as JSON (the French text is `null` when unset).
fn settings_json(settings: &Settings) -> serde_json::Value {
    json!({
        "staff_idle_lock_minutes": settings.staff_idle_lock_minutes,
        "kiosk_timeout_seconds": settings.kiosk_timeout_seconds,
        "crisis_text": settings.crisis_text,
        "crisis_text_fr": settings.crisis_text_fr,
        "asq_mode": settings.asq_mode.as_str(),
        "summary_dir": settings.summary_dir,
        "contact_phone": settings.contact_phone,
        "time_zone": settings.time_zone.as_deref().unwrap_or(UTC_NAME),
    })
}

/// A stored text for the terminal: sanitised, continuation lines indented under the first.
fn block(text: &str) -> String {
    terminal_text(text, true).replace('\t', " ").lines().collect::<Vec<_>>().join("\n    ")
}

/// The settings for people.
pub fn settings_text(settings: &Settings) -> String {
    let french = match &settings.crisis_text_fr {
        Some(text) => block(text),
        None => "(not set: French-speaking clients see the English text)".into(),
    };
    format!(
        "staff idle lock: {} minutes\nkiosk timeout: {} seconds\nASQ: {}\ncrisis text:\n    {}\ncrisis text, French:\n    {french}\nsummary directory: {}\ncontact phone: {}\ntime zone: {}",
        settings.staff_idle_lock_minutes,
        settings.kiosk_timeout_seconds,
        settings.asq_mode.as_str(),
        block(&settings.crisis_text),
        settings.summary_dir.as_deref().map_or("(not set: summaries in the data directory)".into(), block),
        settings.contact_phone.as_deref().map_or("(not set)".into(), block),
        settings.time_zone.as_deref().map_or(format!("{UTC_NAME} (not set)"), block),
    )
}

fn execute(action: SettingsAction) -> Outcome {
    match action {
        SettingsAction::TimeZones { .. } => {
            let names: Vec<String> = jiff::tz::db().available().map(|name| name.to_string()).collect();
            Ok((json!(names), names.join("\n")))
        }
        SettingsAction::Show { dir, auth } => {
            let mut client = session(&dir, &auth, &mut Secrets::new(auth.password_stdin))?;
            let settings = client.settings()?;
            Ok((settings_json(&settings), settings_text(&settings)))
        }
        SettingsAction::Set {
            idle_lock_minutes,
            kiosk_timeout_seconds,
            crisis_text,
            crisis_text_fr,
            no_crisis_text_fr,
            asq,
            summary,
            dir,
            auth,
        } => {
            let changes = changes(
                idle_lock_minutes,
                kiosk_timeout_seconds,
                crisis_text,
                crisis_text_fr,
                no_crisis_text_fr,
                asq,
                summary,
            )
            .map_err(|message| fail("invalid", message))?;
            let mut client = session(&dir, &auth, &mut Secrets::new(auth.password_stdin))?;
            let updated = client.update_settings(changes)?;
            let human = if updated.changed.is_empty() {
                "no change".to_string()
            } else {
                format!("changed {}\n\n{}", updated.changed.join(", "), settings_text(&updated.settings))
            };
            Ok((json!({"changed": updated.changed, "settings": settings_json(&updated.settings)}), human))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_become_changes_and_out_of_range_values_name_their_option() {
        let none = changes(None, None, None, None, false, None, OrganisationArgs::default());
        assert!(none.is_err_and(|m| m.starts_with("nothing to change")));
        let error = changes(Some(0), None, None, None, false, None, OrganisationArgs::default()).unwrap_err();
        assert_eq!(error, "--idle-lock-minutes 0: use 1 to 240 minutes");
        let error = changes(None, Some(3601), None, None, false, None, OrganisationArgs::default()).unwrap_err();
        assert_eq!(error, "--kiosk-timeout-seconds 3601: use 30 to 3600 seconds");
        let set =
            changes(Some(20), None, None, Some("Appelez".into()), false, None, OrganisationArgs::default()).unwrap();
        assert_eq!((set.staff_idle_lock_minutes, set.crisis_text_fr), (Some(20), Some(Some("Appelez".into()))));
        assert_eq!(
            changes(None, None, None, None, true, None, OrganisationArgs::default()).unwrap().crisis_text_fr,
            Some(None)
        );
        let phone = OrganisationArgs { contact_phone: Some("902-555-0100".into()), ..Default::default() };
        let set = changes(None, None, None, None, false, None, phone).unwrap();
        assert_eq!((set.contact_phone.as_deref(), set.summary_dir), (Some("902-555-0100"), None));
        let zone = OrganisationArgs { time_zone: Some("america/regina".into()), ..Default::default() };
        let set = changes(None, None, None, None, false, None, zone).unwrap();
        assert_eq!(set.time_zone.as_deref(), Some("America/Regina"));
        let zone = OrganisationArgs { time_zone: Some("Canada/Atlantis".into()), ..Default::default() };
        let error = changes(None, None, None, None, false, None, zone).unwrap_err();
        assert!(error.starts_with("--time-zone: \"Canada/Atlantis\" is not a time zone name"), "{error}");
    }

    #[test]
    fn stored_text_is_sanitised_and_indented() {
        let settings = Settings {
            crisis_text: "Call 200.\nThen stay.\u{1b}[2J".into(),
            crisis_text_fr: Some("Appelez\u{202e} le 200.".into()),
            ..Settings::default()
        };
        let text = settings_text(&settings);
        assert!(text.contains("crisis text:\n    Call 200.\n    Then stay.[2J"), "{text}");
        assert!(text.contains("    Appelez le 200."), "{text}");
        assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}'));
        assert!(settings_text(&Settings::default()).contains("(not set"));
    }
}
