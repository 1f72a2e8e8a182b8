//! Calendar dates without a clock: "today" is always passed in. The calendar is the `time`
//! crate's, through [`crate::instrument::date`] (the crate's one date implementation).

use std::fmt;

use crate::instrument::date;

/// A calendar date. Files may give `YYYY-MM-DD` or `YYYY-MM` (read as the first of the month,
/// the earliest the month allows, so staleness is never understated).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    /// Whether the day was given (false for `YYYY-MM`).
    pub has_day: bool,
}

impl Date {
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let month = time::Month::try_from(u8::try_from(month).ok()?).ok()?;
        Some(Date::from(time::Date::from_calendar_date(year, month, u8::try_from(day).ok()?).ok()?))
    }

    /// Parses `YYYY-MM-DD` or `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        if let Some(day) = date::parse_day(text) {
            return Some(Date::from(day));
        }
        let first = date::parse_month(text)?;
        Some(Date { has_day: false, ..Date::from(first) })
    }

    /// Days since 1970-01-01 (proleptic Gregorian).
    pub fn days_from_epoch(self) -> i64 {
        let month = u8::try_from(self.month).ok().and_then(|m| time::Month::try_from(m).ok());
        let day = month.and_then(|m| time::Date::from_calendar_date(self.year, m, u8::try_from(self.day).ok()?).ok());
        // Every `Date` is made from a real day ([`Date::new`], [`Date::parse`]).
        day.map_or(0, date::days_from_epoch)
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        later.days_from_epoch() - self.days_from_epoch()
    }

    /// The date `days` after 1970-01-01 (the inverse of [`Date::days_from_epoch`]).
    pub fn from_days_from_epoch(days: i64) -> Date {
        Date::from(date::from_days_from_epoch(days))
    }
}

impl From<time::Date> for Date {
    fn from(day: time::Date) -> Date {
        Date { year: day.year(), month: u32::from(u8::from(day.month())), day: u32::from(day.day()), has_day: true }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.has_day {
            write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
        } else {
            write!(f, "{:04}-{:02}", self.year, self.month)
        }
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_days_and_months() {
        assert_eq!(Date::parse("2025-09").map(|d| (d.year, d.month, d.day, d.has_day)), Some((2025, 9, 1, false)));
        assert_eq!(Date::parse("2024-02-29").map(|d| d.day), Some(29));
        assert_eq!(Date::parse("2023-02-29"), None);
        assert_eq!(Date::parse("2025-13"), None);
        assert_eq!(Date::parse("25-01-01"), None);
        assert_eq!(Date::parse("2025-1-01"), None);
        assert_eq!(Date::parse("2025-09").map(|d| d.to_string()).as_deref(), Some("2025-09"));
    }

    #[test]
    fn counts_days() {
        let a = Date::parse("1970-01-01").unwrap();
        assert_eq!(a.days_from_epoch(), 0);
        let today = Date::parse("2026-11-25").unwrap();
        assert_eq!(Date::parse("2025-11-25").unwrap().days_until(today), 365);
        assert_eq!(Date::parse("2024-11-25").unwrap().days_until(today), 730);
    }

    proptest! {
        #[test]
        fn consecutive_days_are_one_apart(year in 1900i32..2200, month in 1u32..=12, day in 1u32..=27) {
            let d = Date::new(year, month, day).unwrap();
            let next = Date::new(year, month, day + 1).unwrap();
            prop_assert_eq!(d.days_until(next), 1);
        }
    }
}

#[cfg(test)]
mod inverse_tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn days_round_trip(days in -100_000i64..200_000) {
            prop_assert_eq!(Date::from_days_from_epoch(days).days_from_epoch(), days);
        }
    }
}
