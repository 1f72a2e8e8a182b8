//! Times as people read them: in the organisation's time zone, written as each language writes
//! them ("17:05", "17 h 05"), and how long ago something changed ("12 min ago", "hier à 14 h 05").
//! Pure: the caller hands in the zone and the clock's reading; nothing here reads a clock or a
//! file. The zone's rules come from the tz database bundled into the binary (`jiff`), so a kiosk
//! without `/usr/share/zoneinfo` shows the same times; `jiff` only turns an instant into the
//! zone's offset, and the calendar arithmetic stays on `time`, the crate's one date library.

use crate::instrument::Lang;
use crate::ui::strings::{Text, fill};

/// The name stored when an organisation has set no time zone.
pub const UTC_NAME: &str = "UTC";

/// A time zone of the bundled tz database, by its IANA name ("America/Toronto").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone(jiff::tz::TimeZone);

/// UTC, for whoever holds no zone yet.
pub static UTC: Zone = Zone(jiff::tz::TimeZone::UTC);

impl Default for Zone {
    fn default() -> Self {
        Zone::utc()
    }
}

impl Zone {
    pub fn utc() -> Zone {
        Zone(jiff::tz::TimeZone::UTC)
    }

    /// The zone of that IANA name (letter case aside), or `None` when the database has none.
    pub fn named(name: &str) -> Option<Zone> {
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        jiff::tz::db().get(name).ok().map(Zone)
    }

    /// The zone an organisation set, UTC when it set none or one this build does not know.
    pub fn of_setting(name: Option<&str>) -> Zone {
        name.and_then(Zone::named).unwrap_or_default()
    }

    /// The database's spelling of the zone's name ("america/regina" is "America/Regina").
    pub fn name(&self) -> &str {
        self.0.iana_name().unwrap_or(UTC_NAME)
    }

    /// Seconds the zone is ahead of UTC at the instant `ms` (negative west of Greenwich).
    pub fn offset_seconds(&self, ms: i64) -> i32 {
        jiff::Timestamp::from_millisecond(ms).map_or(0, |at| self.0.to_offset(at).seconds())
    }

    /// The local date and time at `ms`, as `time` holds them.
    fn local(&self, ms: i64) -> time::OffsetDateTime {
        let utc = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        let offset = time::UtcOffset::from_whole_seconds(self.offset_seconds(ms)).unwrap_or(time::UtcOffset::UTC);
        utc.to_offset(offset)
    }
}

/// The zone to propose for a new organisation from what the machine says: `tz` (the `TZ`
/// variable: "America/Regina", ":America/Regina" or a path under `zoneinfo/`) when it names a
/// zone, else `link` (the target of `/etc/localtime`) after its last `zoneinfo/`, else UTC.
/// Pure: the shell reads both and hands them in.
pub fn proposed_zone(tz: Option<&str>, link: Option<&str>) -> Zone {
    let from_tz = tz.map(|tz| tz.trim().trim_start_matches(':')).and_then(|tz| {
        let name = tz.rsplit_once("zoneinfo/").map_or(tz, |(_, name)| name);
        Zone::named(name)
    });
    let from_link = || link.and_then(|link| link.rsplit_once("zoneinfo/")).and_then(|(_, name)| Zone::named(name));
    from_tz.or_else(from_link).unwrap_or_default()
}

/// The hour and minute at `ms` in `zone` as `lang` writes them: "17:05" in English, "17 h 05"
/// in French.
pub fn clock_time(ms: i64, zone: &Zone, lang: Lang) -> String {
    let local = zone.local(ms);
    let (hour, minute) = (local.hour(), local.minute());
    match lang {
        Lang::En => format!("{hour:02}:{minute:02}"),
        Lang::Fr => format!("{hour} h {minute:02}"),
    }
}

/// The date at `ms` in `zone`, `YYYY-MM-DD` in both languages.
pub fn date(ms: i64, zone: &Zone) -> String {
    let date = zone.local(ms).date();
    format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}

/// The date and the time at `ms` in `zone`: "2026-11-25 17:05", "2026-11-25 17 h 05".
pub fn date_time(ms: i64, zone: &Zone, lang: Lang) -> String {
    format!("{} {}", date(ms, zone), clock_time(ms, zone, lang))
}

/// The instant of an RFC 3339 time ("2026-11-25T09:00:00Z", as the owner's replies give times).
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let at = time::OffsetDateTime::parse(text.trim(), &time::format_description::well_known::Rfc3339).ok()?;
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).ok()
}

/// An RFC 3339 time from the owner as [`date_time`] in `zone`; text that is not one, as it is.
pub fn shown(rfc3339: &str, zone: &Zone, lang: Lang) -> String {
    parse_rfc3339(rfc3339).map_or_else(|| rfc3339.to_string(), |ms| date_time(ms, zone, lang))
}

/// How long before `now` something happened, as the queue says it. Ordered from the newest to
/// the oldest, so an older time never reads as more recent than a newer one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ago {
    /// More than a minute ahead of `now`: shown as its date and time, never as "ago".
    Ahead,
    /// Less than a minute ago, or a moment ahead of the clock (another machine's clock).
    JustNow,
    /// 1 to 59 whole minutes ago.
    Minutes(i64),
    /// An hour or more ago, earlier the same day in the zone: whole hours.
    Hours(i64),
    /// The day before, in the zone: shown with its clock time.
    Yesterday,
    /// Earlier than yesterday: shown as its date.
    Earlier,
}

/// A minute ahead of the clock still reads as "just now": clocks of two machines differ a little.
const AHEAD_TOLERANCE_MS: i64 = 60_000;

/// Where `then` falls before `now` in `zone` (days are the zone's, so midnight and daylight
/// saving are the zone's).
pub fn ago(now: i64, then: i64, zone: &Zone) -> Ago {
    let elapsed = now.saturating_sub(then);
    if elapsed < -AHEAD_TOLERANCE_MS {
        return Ago::Ahead;
    }
    if elapsed < 60_000 {
        return Ago::JustNow;
    }
    if elapsed < 3_600_000 {
        return Ago::Minutes(elapsed / 60_000);
    }
    let (today, day) = (zone.local(now).date(), zone.local(then).date());
    if day == today {
        Ago::Hours(elapsed / 3_600_000)
    } else if today.previous_day() == Some(day) {
        Ago::Yesterday
    } else {
        Ago::Earlier
    }
}

/// `then` relative to `now` in `lang`: "just now", "12 min ago", "3 h ago", "yesterday 14:05",
/// then the date; in French "à l'instant", "il y a 12 min", "il y a 3 h", "hier à 14 h 05".
pub fn relative(now: i64, then: i64, zone: &Zone, lang: Lang) -> String {
    match ago(now, then, zone) {
        Ago::JustNow => Text::TimeJustNow.get(lang).to_string(),
        Ago::Minutes(n) => fill(Text::TimeMinutesAgo, lang, &[("n", n.to_string())]),
        Ago::Hours(n) => fill(Text::TimeHoursAgo, lang, &[("n", n.to_string())]),
        Ago::Yesterday => fill(Text::TimeYesterday, lang, &[("time", clock_time(then, zone, lang))]),
        Ago::Earlier => date(then, zone),
        Ago::Ahead => date_time(then, zone, lang),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_proposed_zone_is_tz_then_the_localtime_link_then_utc() {
        let chosen = |tz: Option<&str>, link: Option<&str>| proposed_zone(tz, link).name().to_string();
        let link = Some("/usr/share/zoneinfo/America/Regina");
        assert_eq!(chosen(Some("America/Halifax"), link), "America/Halifax");
        assert_eq!(chosen(Some(":America/St_Johns"), None), "America/St_Johns");
        assert_eq!(chosen(Some("/usr/share/zoneinfo/Europe/Paris"), None), "Europe/Paris");
        assert_eq!(chosen(Some("Mars/Olympus"), link), "America/Regina", "a TZ naming no zone is passed over");
        assert_eq!(chosen(Some(""), Some("../usr/share/zoneinfo/America/Toronto")), "America/Toronto");
        assert_eq!(chosen(None, link), "America/Regina");
        assert_eq!(chosen(None, Some("/etc/some/file")), UTC_NAME, "a link outside zoneinfo names nothing");
        assert_eq!(chosen(None, Some("/usr/share/zoneinfo/Nowhere/Land")), UTC_NAME);
        assert_eq!(chosen(None, None), UTC_NAME);
    }

    /// Milliseconds of a UTC date and time.
    fn utc(y: i32, mo: u8, d: u8, h: u8, mi: u8) -> i64 {
        let month = time::Month::try_from(mo).unwrap();
        let date = time::Date::from_calendar_date(y, month, d).unwrap();
        let at = date.with_hms(h, mi, 0).unwrap().assume_utc();
        i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap()
    }

    fn zone(name: &str) -> Zone {
        Zone::named(name).unwrap()
    }

    #[test]
    fn names_are_the_databases_and_unknown_ones_are_none() {
        assert_eq!(zone("america/regina").name(), "America/Regina");
        assert_eq!(zone("UTC").name(), "UTC");
        assert_eq!(Zone::utc().name(), "UTC");
        assert_eq!(Zone::named("Mars/Olympus_Mons"), None);
        assert_eq!(Zone::named(" "), None);
        assert_eq!(Zone::of_setting(None), Zone::utc());
        assert_eq!(Zone::of_setting(Some("Nowhere/At_All")), Zone::utc());
    }

    #[test]
    fn times_follow_the_zone_across_daylight_saving() {
        let toronto = zone("America/Toronto");
        // Summer: UTC-4; winter: UTC-5.
        assert_eq!(clock_time(utc(2026, 7, 1, 21, 5), &toronto, Lang::En), "17:05");
        assert_eq!(clock_time(utc(2026, 12, 1, 22, 5), &toronto, Lang::En), "17:05");
        assert_eq!(clock_time(utc(2026, 12, 1, 22, 5), &toronto, Lang::Fr), "17 h 05");
        // 2026-03-08: 02:00 EST becomes 03:00 EDT (07:00 UTC).
        assert_eq!(clock_time(utc(2026, 3, 8, 6, 59), &toronto, Lang::En), "01:59");
        assert_eq!(clock_time(utc(2026, 3, 8, 7, 0), &toronto, Lang::En), "03:00");
        // 2026-11-01: 02:00 EDT becomes 01:00 EST (06:00 UTC); 01:30 happens twice.
        assert_eq!(clock_time(utc(2026, 11, 1, 5, 30), &toronto, Lang::En), "01:30");
        assert_eq!(clock_time(utc(2026, 11, 1, 6, 30), &toronto, Lang::En), "01:30");
        // Regina keeps UTC-6 all year.
        assert_eq!(clock_time(utc(2026, 7, 1, 23, 5), &zone("America/Regina"), Lang::En), "17:05");
        assert_eq!(clock_time(utc(2026, 12, 1, 23, 5), &zone("America/Regina"), Lang::En), "17:05");
    }

    #[test]
    fn st_johns_is_half_an_hour_off_and_dates_are_local() {
        let st_johns = zone("America/St_Johns");
        // Winter: UTC-3:30.
        assert_eq!(st_johns.offset_seconds(utc(2026, 12, 1, 0, 0)), -(3 * 3600 + 1800));
        assert_eq!(clock_time(utc(2026, 12, 1, 2, 0), &st_johns, Lang::Fr), "22 h 30");
        assert_eq!(date(utc(2026, 12, 1, 2, 0), &st_johns), "2026-11-30");
        assert_eq!(date_time(utc(2026, 12, 1, 2, 0), &st_johns, Lang::En), "2026-11-30 22:30");
        assert_eq!(date_time(utc(2026, 12, 1, 2, 0), &Zone::utc(), Lang::Fr), "2026-12-01 2 h 00");
    }

    #[test]
    fn the_owners_times_are_shown_in_the_zone() {
        let regina = zone("America/Regina");
        assert_eq!(parse_rfc3339("2026-12-01T23:05:00Z"), Some(utc(2026, 12, 1, 23, 5)));
        assert_eq!(shown("2026-12-01T23:05:00.250Z", &regina, Lang::Fr), "2026-12-01 17 h 05");
        assert_eq!(shown("2026-12-02T01:05:00Z", &regina, Lang::En), "2026-12-01 19:05");
        assert_eq!(shown("soon", &regina, Lang::En), "soon");
    }

    #[test]
    fn relative_times_at_their_boundaries() {
        let toronto = zone("America/Toronto");
        let now = utc(2026, 12, 1, 20, 0); // 15:00 in Toronto
        let at = |seconds: i64| relative(now, now - seconds * 1000, &toronto, Lang::En);
        assert_eq!(at(0), "just now");
        assert_eq!(at(59), "just now");
        assert_eq!(at(60), "1 min ago");
        assert_eq!(at(59 * 60 + 59), "59 min ago");
        assert_eq!(at(60 * 60), "1 h ago");
        assert_eq!(at(15 * 3600 - 1), "14 h ago"); // 00:00:01 today
        assert_eq!(at(15 * 3600), "15 h ago"); // midnight is today
        assert_eq!(at(15 * 3600 + 1), "yesterday 23:59");
        assert_eq!(at(39 * 3600), "yesterday 00:00");
        assert_eq!(at(39 * 3600 + 60), "2026-11-29");
        let fr = |seconds: i64| relative(now, now - seconds * 1000, &toronto, Lang::Fr);
        assert_eq!(fr(30), "à l'instant");
        assert_eq!(fr(12 * 60), "il y a 12 min");
        assert_eq!(fr(3 * 3600), "il y a 3 h");
        assert_eq!(fr(15 * 3600 + 55 * 60), "hier à 23 h 05");
        // A moment ahead (another machine's clock) is "just now"; further ahead, its date and time.
        assert_eq!(at(-30), "just now");
        assert_eq!(at(-3600), "2026-12-01 16:00");
    }

    #[test]
    fn midnight_is_the_zones_midnight() {
        // 00:30 in Toronto is 05:30 UTC: 40 minutes before is yesterday in Toronto only.
        let now = utc(2026, 12, 2, 5, 30);
        assert_eq!(relative(now, now - 40 * 60_000, &zone("America/Toronto"), Lang::En), "40 min ago");
        let two_hours = now - 2 * 3_600_000;
        assert_eq!(relative(now, two_hours, &zone("America/Toronto"), Lang::En), "yesterday 22:30");
        assert_eq!(relative(now, two_hours, &Zone::utc(), Lang::En), "2 h ago");
    }

    #[test]
    fn the_day_daylight_saving_starts_has_23_hours() {
        let toronto = zone("America/Toronto");
        // 2026-03-08 at 23:00 EDT (03:00 UTC on the 9th): local midnight was 05:00 UTC, 22 h ago.
        let now = utc(2026, 3, 9, 3, 0);
        assert_eq!(relative(now, utc(2026, 3, 8, 5, 0), &toronto, Lang::En), "22 h ago");
        assert_eq!(relative(now, utc(2026, 3, 8, 4, 59), &toronto, Lang::En), "yesterday 23:59");
        // An hour before the change and an hour after it are two hours apart on the clock.
        assert_eq!(relative(utc(2026, 3, 8, 8, 0), utc(2026, 3, 8, 6, 0), &toronto, Lang::En), "2 h ago");
        assert_eq!(clock_time(utc(2026, 3, 8, 6, 0), &toronto, Lang::En), "01:00");
        assert_eq!(clock_time(utc(2026, 3, 8, 8, 0), &toronto, Lang::En), "04:00");
    }

    fn zones() -> impl Strategy<Value = Zone> {
        prop_oneof![
            Just(Zone::utc()),
            Just(zone("America/Toronto")),
            Just(zone("America/St_Johns")),
            Just(zone("America/Regina")),
            Just(zone("Australia/Lord_Howe")),
        ]
    }

    proptest! {
        #[test]
        fn a_time_ahead_of_the_clock_never_reads_as_ago(
            now in 0i64..4_000_000_000_000,
            ahead in 1i64..100_000_000_000,
            zone in zones(),
        ) {
            for lang in Lang::ALL {
                let text = relative(now, now + ahead, &zone, lang);
                prop_assert!(!text.contains("ago") && !text.contains("il y a") && !text.contains("hier"), "{text}");
            }
        }

        #[test]
        fn an_older_time_never_reads_as_more_recent(
            now in 0i64..4_000_000_000_000,
            a in -100_000_000i64..1_000_000_000,
            b in -100_000_000i64..1_000_000_000,
            zone in zones(),
        ) {
            let (newer, older) = (now - a.min(b), now - a.max(b));
            prop_assert!(ago(now, older, &zone) >= ago(now, newer, &zone));
        }
    }
}
