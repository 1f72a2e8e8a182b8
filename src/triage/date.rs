//! Calendar dates without a clock: "today" is always passed in.

use std::fmt;

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
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day, has_day: true })
    }

    /// Parses `YYYY-MM-DD` or `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Date> {
        let parts: Vec<&str> = text.trim().split('-').collect();
        let number = |s: &str, len: usize| -> Option<u32> {
            if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) { s.parse().ok() } else { None }
        };
        match parts.as_slice() {
            [y, m] => {
                let year = i32::try_from(number(y, 4)?).ok()?;
                let mut date = Date::new(year, number(m, 2)?, 1)?;
                date.has_day = false;
                Some(date)
            }
            [y, m, d] => Date::new(i32::try_from(number(y, 4)?).ok()?, number(m, 2)?, number(d, 2)?),
            _ => None,
        }
    }

    /// Days since 1970-01-01 (proleptic Gregorian).
    pub fn days_from_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        later.days_from_epoch() - self.days_from_epoch()
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
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

impl Date {
    /// The date `days` after 1970-01-01 (the inverse of [`Date::days_from_epoch`]).
    pub fn from_days_from_epoch(days: i64) -> Date {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day, has_day: true }
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
