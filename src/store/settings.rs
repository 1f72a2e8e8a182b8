//! The organisation's settings: what an administrator may set and how a change is merged,
//! checked and described. Pure: [`Store::update_settings`](super::Store::update_settings) reads
//! the stored settings, calls [`apply`], and writes the result with one `settings.update` audit
//! entry naming the settings that changed (never the crisis texts themselves).

use std::ops::RangeInclusive;

use super::error::{Result, StoreError};
use super::records::{Settings, SettingsUpdate};

/// Minutes of inactivity before the staff interface locks.
pub const IDLE_LOCK_MINUTES: RangeInclusive<u32> = 1..=240;
/// Seconds without a key before a kiosk wipes its answers and starts over.
pub const KIOSK_TIMEOUT_SECONDS: RangeInclusive<u32> = 30..=3600;
/// Longest crisis text, in characters (each language).
pub const CRISIS_TEXT_MAX: usize = 2000;

/// Serialises read-merge-write of the settings in the owner, so two administrators changing
/// different settings at the same time both keep their change.
pub(crate) static SETTINGS_UPDATES: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn within(field: &'static str, value: u32, range: &RangeInclusive<u32>, unit: &str) -> Result<u32> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(StoreError::Invalid { field, reason: format!("use {} to {} {unit}", range.start(), range.end()) })
    }
}

fn crisis_text(field: &'static str, text: &str) -> Result<String> {
    let text = super::sled_store::clean_text(field, text.trim(), CRISIS_TEXT_MAX)?;
    if text.is_empty() {
        return Err(StoreError::Invalid { field, reason: "must not be empty".into() });
    }
    Ok(text)
}

/// Checks settings and returns them tidied (crisis texts trimmed): the idle lock within
/// [`IDLE_LOCK_MINUTES`], the kiosk timeout within [`KIOSK_TIMEOUT_SECONDS`], crisis texts not
/// empty, at most [`CRISIS_TEXT_MAX`] characters, without control or invisible direction
/// characters (line breaks are allowed).
pub fn validate(settings: &Settings) -> Result<Settings> {
    // Destructured, so a setting added to `Settings` cannot be left unchecked.
    let Settings {
        staff_idle_lock_minutes,
        kiosk_timeout_seconds,
        crisis_text: english,
        crisis_text_fr,
        asq_mode,
        summary_dir,
        contact_phone,
        time_zone,
    } = settings;
    Ok(Settings {
        staff_idle_lock_minutes: within("staff idle lock", *staff_idle_lock_minutes, &IDLE_LOCK_MINUTES, "minutes")?,
        kiosk_timeout_seconds: within("kiosk timeout", *kiosk_timeout_seconds, &KIOSK_TIMEOUT_SECONDS, "seconds")?,
        crisis_text: crisis_text("crisis text", english)?,
        crisis_text_fr: crisis_text_fr.as_deref().map(|text| crisis_text("French crisis text", text)).transpose()?,
        asq_mode: *asq_mode,
        summary_dir: summary_dir.as_deref().map(summary_directory).transpose()?,
        contact_phone: contact_phone
            .as_deref()
            .map(|phone| one_line("contact phone", phone, CONTACT_PHONE_MAX))
            .transpose()?
            .filter(|phone| !phone.is_empty()),
        time_zone: time_zone.as_deref().map(zone_name).transpose()?,
    })
}

/// A time zone's IANA name as the bundled tz database spells it ("america/regina" is
/// "America/Regina"); a name it does not hold is refused with where to find the names.
pub fn zone_name(name: &str) -> Result<String> {
    let name = one_line("time zone", name, 100)?;
    match jiff::tz::db().get(&name) {
        Ok(zone) => Ok(zone.iana_name().unwrap_or(&name).to_string()),
        Err(_) => Err(StoreError::Invalid {
            field: "time zone",
            reason: format!(
                "\"{name}\" is not a time zone name: use an IANA name such as America/Toronto, \
                 America/Regina or America/St_Johns (`triage settings time-zones` lists them all)"
            ),
        }),
    }
}

/// `text` trimmed, on one line, at most `max` characters, without control characters.
fn one_line(field: &'static str, text: &str, max: usize) -> Result<String> {
    if text.contains(['\n', '\r']) {
        return Err(StoreError::Invalid { field, reason: "must be on one line".into() });
    }
    super::sled_store::clean_text(field, text.trim(), max)
}

/// Longest contact telephone, in characters.
pub const CONTACT_PHONE_MAX: usize = 100;

/// The summary directory: an absolute path, without control characters.
fn summary_directory(path: &str) -> Result<String> {
    let path = one_line("summary directory", path, 1000)?;
    if !path.starts_with('/') {
        return Err(StoreError::Invalid { field: "summary directory", reason: "must be an absolute path".into() });
    }
    Ok(path)
}

/// The settings as they would be with `changes` applied (not yet checked).
pub fn merged(current: &Settings, changes: &SettingsUpdate) -> Settings {
    Settings {
        staff_idle_lock_minutes: changes.staff_idle_lock_minutes.unwrap_or(current.staff_idle_lock_minutes),
        kiosk_timeout_seconds: changes.kiosk_timeout_seconds.unwrap_or(current.kiosk_timeout_seconds),
        crisis_text: changes.crisis_text.clone().unwrap_or_else(|| current.crisis_text.clone()),
        crisis_text_fr: changes.crisis_text_fr.clone().unwrap_or_else(|| current.crisis_text_fr.clone()),
        asq_mode: changes.asq_mode.unwrap_or(current.asq_mode),
        summary_dir: changes.summary_dir.clone().or_else(|| current.summary_dir.clone()),
        contact_phone: changes.contact_phone.clone().or_else(|| current.contact_phone.clone()),
        time_zone: changes.time_zone.clone().or_else(|| current.time_zone.clone()),
    }
}

/// The names of the settings that differ, in a fixed order.
pub fn changed_fields(before: &Settings, after: &Settings) -> Vec<String> {
    [
        ("staff_idle_lock_minutes", before.staff_idle_lock_minutes != after.staff_idle_lock_minutes),
        ("kiosk_timeout_seconds", before.kiosk_timeout_seconds != after.kiosk_timeout_seconds),
        ("crisis_text", before.crisis_text != after.crisis_text),
        ("crisis_text_fr", before.crisis_text_fr != after.crisis_text_fr),
        ("asq_mode", before.asq_mode != after.asq_mode),
        ("summary_dir", before.summary_dir != after.summary_dir),
        ("contact_phone", before.contact_phone != after.contact_phone),
        ("time_zone", before.time_zone != after.time_zone),
    ]
    .into_iter()
    .filter(|(_, differs)| *differs)
    .map(|(name, _)| name.to_string())
    .collect()
}

/// Applies `changes` to `current`: the checked settings and the names of those that changed.
pub fn apply(current: &Settings, changes: &SettingsUpdate) -> Result<(Settings, Vec<String>)> {
    let next = validate(&merged(current, changes))?;
    let changed = changed_fields(current, &next);
    Ok((next, changed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(result: Result<Settings>) -> &'static str {
        match result {
            Err(StoreError::Invalid { field, .. }) => field,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn the_defaults_are_valid_and_the_kiosk_waits_120_seconds() {
        let defaults = Settings::default();
        assert_eq!(validate(&defaults).ok(), Some(defaults.clone()));
        assert_eq!(defaults.kiosk_timeout_seconds, 120);
    }

    #[test]
    fn ranges_texts_and_characters_are_checked() {
        let base = Settings::default();
        let with = |change: &dyn Fn(&mut Settings)| {
            let mut settings = base.clone();
            change(&mut settings);
            validate(&settings)
        };
        assert_eq!(field_of(with(&|s| s.staff_idle_lock_minutes = 0)), "staff idle lock");
        assert_eq!(field_of(with(&|s| s.staff_idle_lock_minutes = 241)), "staff idle lock");
        assert!(with(&|s| s.staff_idle_lock_minutes = 240).is_ok());
        assert!(with(&|s| s.staff_idle_lock_minutes = 1).is_ok());
        assert_eq!(field_of(with(&|s| s.kiosk_timeout_seconds = 29)), "kiosk timeout");
        assert_eq!(field_of(with(&|s| s.kiosk_timeout_seconds = 3601)), "kiosk timeout");
        assert!(with(&|s| s.kiosk_timeout_seconds = 30).is_ok());
        assert!(with(&|s| s.kiosk_timeout_seconds = 3600).is_ok());
        assert_eq!(field_of(with(&|s| s.crisis_text = " \n ".into())), "crisis text");
        assert_eq!(field_of(with(&|s| s.crisis_text = "Call\u{1b}[2J us".into())), "crisis text");
        assert_eq!(field_of(with(&|s| s.crisis_text = "x".repeat(CRISIS_TEXT_MAX + 1))), "crisis text");
        assert!(with(&|s| s.crisis_text = "é".repeat(CRISIS_TEXT_MAX)).is_ok());
        assert_eq!(field_of(with(&|s| s.crisis_text_fr = Some(String::new()))), "French crisis text");
        assert_eq!(field_of(with(&|s| s.crisis_text_fr = Some("Appelez\u{202e}".into()))), "French crisis text");
        // Line breaks are kept; surrounding blanks are trimmed.
        let tidy = with(&|s| s.crisis_text_fr = Some("  Restez avec la personne.\nAppelez le 200. ".into()));
        assert_eq!(tidy.ok().and_then(|s| s.crisis_text_fr), Some("Restez avec la personne.\nAppelez le 200.".into()));
    }

    #[test]
    fn a_time_zone_is_a_name_of_the_tz_database_spelled_as_it_spells_it() {
        let set = |name: &str| {
            apply(&Settings::default(), &SettingsUpdate { time_zone: Some(name.into()), ..Default::default() })
        };
        let (next, changed) = set(" america/st_johns ").expect("valid");
        assert_eq!((next.time_zone.as_deref(), changed), (Some("America/St_Johns"), vec!["time_zone".to_string()]));
        assert_eq!(set("UTC").ok().and_then(|(s, _)| s.time_zone).as_deref(), Some("UTC"));
        for bad in ["Mars/Olympus_Mons", "", "EST5EDT\n", "../../etc/passwd"] {
            let Err(StoreError::Invalid { field, reason }) = set(bad) else { panic!("{bad:?} accepted") };
            assert_eq!(field, "time zone", "{bad:?}");
            assert!(bad.contains('\n') || reason.contains("America/Toronto"), "{reason}");
        }
        // Stores from before the setting read as UTC.
        let old: Settings = serde_json::from_value(serde_json::json!({
            "staff_idle_lock_minutes": 10, "kiosk_timeout_seconds": 120, "crisis_text": "Call."
        }))
        .expect("old settings");
        assert_eq!(old.time_zone, None);
    }

    #[test]
    fn apply_merges_only_what_is_given_and_names_what_changed() {
        let current = Settings { crisis_text_fr: Some("Appelez le 9-8-8.".into()), ..Settings::default() };
        let changes = SettingsUpdate {
            staff_idle_lock_minutes: Some(15),
            crisis_text: Some(current.crisis_text.clone()),
            ..Default::default()
        };
        let (next, changed) = apply(&current, &changes).expect("valid");
        assert_eq!(changed, ["staff_idle_lock_minutes"]);
        assert_eq!((next.staff_idle_lock_minutes, next.kiosk_timeout_seconds), (15, 120));
        assert_eq!(next.crisis_text_fr.as_deref(), Some("Appelez le 9-8-8."));
        // `Some(None)` removes the French text; `None` keeps it.
        let removed =
            SettingsUpdate { crisis_text_fr: Some(None), kiosk_timeout_seconds: Some(60), ..Default::default() };
        let (next, changed) = apply(&current, &removed).expect("valid");
        assert_eq!(
            (next.crisis_text_fr, changed),
            (None, vec!["kiosk_timeout_seconds".into(), "crisis_text_fr".into()])
        );
        assert_eq!(apply(&current, &SettingsUpdate::default()).map(|(_, c)| c).ok(), Some(vec![]));
        assert!(apply(&current, &SettingsUpdate { kiosk_timeout_seconds: Some(5), ..Default::default() }).is_err());
    }

    #[test]
    fn the_french_text_is_for_french_speaking_clients_when_it_is_set() {
        let mut settings = Settings::default();
        // Until the organisation writes its own, the default French text.
        assert_eq!(settings.crisis_text_for(true), crate::store::DEFAULT_CRISIS_TEXT_FR);
        settings.crisis_text_fr = Some("Appelez le 9-8-8.".into());
        assert_eq!(settings.crisis_text_for(true), "Appelez le 9-8-8.");
        assert_eq!(settings.crisis_text_for(false), settings.crisis_text);
    }

    #[test]
    fn a_settings_update_reads_a_null_french_text_as_remove() {
        let remove: SettingsUpdate = serde_json::from_str(r#"{"crisis_text_fr": null}"#).expect("json");
        assert_eq!(remove.crisis_text_fr, Some(None));
        let keep: SettingsUpdate = serde_json::from_str("{}").expect("json");
        assert!(keep.is_empty());
    }
}
