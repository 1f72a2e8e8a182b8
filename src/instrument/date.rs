//! Calendar days, on the `time` crate: the one date implementation the core, the store and the
//! interfaces share (a day is `YYYY-MM-DD`, "today" is always passed in). Nothing here reads a
//! clock.

use time::{Date, Month};

/// 1970-01-01 as a Julian day number.
const EPOCH_JULIAN_DAY: i64 = 2_440_588;

/// The day a `YYYY-MM-DD` text names (four-digit year, two-digit month and day, a real day of
/// the proleptic Gregorian calendar), or `None`. Nothing is trimmed: callers trim what they read.
pub fn parse_day(text: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year repr:full]-[month]-[day]");
    // `time` reads a sign or more digits in a year; a day in this app is exactly ten characters.
    if text.len() != 10 || !text.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Date::parse(text, &format).ok()
}

/// The first of the month a `YYYY-MM` text names, or `None`.
pub fn parse_month(text: &str) -> Option<Date> {
    let (year, month) = text.split_once('-')?;
    if year.len() != 4 || month.len() != 2 || !text.bytes().filter(|b| *b != b'-').all(|b| b.is_ascii_digit()) {
        return None;
    }
    let month = Month::try_from(month.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(year.parse().ok()?, month, 1).ok()
}

/// Whole years between a birth date and today (both `YYYY-MM-DD`); `None` when either is not a
/// real day or the birth date is after today.
pub fn age_on(birth: &str, today: &str) -> Option<i64> {
    let (birth, today) = (parse_day(birth)?, parse_day(today)?);
    let mut age = i64::from(today.year()) - i64::from(birth.year());
    if (today.month() as u8, today.day()) < (birth.month() as u8, birth.day()) {
        age -= 1;
    }
    (age >= 0).then_some(age)
}

/// Whether `text` is a date of birth a form may take: a real day (`YYYY-MM-DD`) from 1900 to
/// 2100, not after `today`.
pub fn is_birth_date(text: &str, today: &str) -> bool {
    let (Some(day), Some(today)) = (parse_day(text), parse_day(today)) else { return false };
    (1900..=2100).contains(&day.year()) && day <= today
}

/// Days since 1970-01-01 (negative before).
pub fn days_from_epoch(day: Date) -> i64 {
    i64::from(day.to_julian_day()) - EPOCH_JULIAN_DAY
}

/// The day `days` after 1970-01-01, clamped to the days `time` can hold (years -9999 to 9999).
pub fn from_days_from_epoch(days: i64) -> Date {
    let julian = EPOCH_JULIAN_DAY.saturating_add(days);
    let julian = julian.clamp(i64::from(Date::MIN.to_julian_day()), i64::from(Date::MAX.to_julian_day()));
    // In range by the clamp.
    i32::try_from(julian).ok().and_then(|j| Date::from_julian_day(j).ok()).unwrap_or(Date::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn days_are_read_strictly() {
        assert!(parse_day("2024-02-29").is_some());
        for bad in [
            "2023-02-29",
            "1990-13-45",
            "1990-1-01",
            "90-01-01",
            "+1990-01-01",
            "19900-01-01",
            "",
            "2024-02-29x",
            " 2024-02-29",
        ] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
        assert_eq!(parse_month("2025-09"), Date::from_calendar_date(2025, Month::September, 1).ok());
        for bad in ["2025-13", "2025-9", "25-09", "2025-09-01", "2025-+9"] {
            assert_eq!(parse_month(bad), None, "{bad}");
        }
    }

    #[test]
    fn ages_count_whole_years_and_refuse_what_is_not_a_day() {
        assert_eq!(age_on("2010-11-26", "2026-11-25"), Some(15));
        assert_eq!(age_on("2010-11-25", "2026-11-25"), Some(16));
        assert_eq!(age_on("2008-02-29", "2026-02-28"), Some(17));
        assert_eq!(age_on("2008-02-29", "2026-03-01"), Some(18));
        assert_eq!(age_on("2026-11-26", "2026-11-25"), None);
        assert_eq!(age_on("1990-13-45", "2026-11-25"), None);
        assert_eq!(age_on("1990-01-01", "today"), None);
    }

    /// The age a person would tell: years since the birth year, less one before the birthday.
    fn reference_age(birth: (i32, u8, u8), today: (i32, u8, u8)) -> i64 {
        let mut age = i64::from(today.0 - birth.0);
        if (today.1, today.2) < (birth.1, birth.2) {
            age -= 1;
        }
        age
    }

    proptest! {
        #[test]
        fn age_on_agrees_with_counting_birthdays(birth in 0i64..60_000, later in 0i64..40_000) {
            let (b, t) = (from_days_from_epoch(birth - 20_000), from_days_from_epoch(birth - 20_000 + later));
            let text = |d: Date| format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day());
            let expected = reference_age((b.year(), b.month() as u8, b.day()), (t.year(), t.month() as u8, t.day()));
            prop_assert_eq!(age_on(&text(b), &text(t)), Some(expected));
            prop_assert_eq!(parse_day(&text(b)), Some(b));
        }

        #[test]
        fn days_round_trip(days in -700_000i64..700_000) {
            prop_assert_eq!(days_from_epoch(from_days_from_epoch(days)), days);
        }
    }

    /// The form's check as it was written by hand before (issue 15), without the signs it let
    /// through ("2000-+1-01").
    fn reference_birth_date(text: &str, today: &str) -> bool {
        let parts: Vec<&str> = text.split('-').collect();
        let [y, m, d] = parts.as_slice() else { return false };
        if !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) || y.len() != 4 || m.len() != 2 || d.len() != 2
        {
            return false;
        }
        let (Ok(year), Ok(month), Ok(day)) = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>()) else {
            return false;
        };
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        (1900..=2100).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days[(month - 1) as usize]
            && text <= today
    }

    #[test]
    fn a_birth_date_is_a_real_day_in_range_and_not_after_today() {
        assert!(is_birth_date("2000-02-29", "2026-11-25"));
        assert!(is_birth_date("2026-11-25", "2026-11-25"));
        for bad in ["2026-11-26", "1899-12-31", "2001-02-29", "2000-+1-01", "2000-1-01", " 2000-01-01", "2000/01/01"] {
            assert!(!is_birth_date(bad, "2026-11-25"), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn the_birth_date_check_agrees_with_the_calendar_by_hand(y in 1890i32..2110, m in 0u32..14, d in 0u32..33) {
            let text = format!("{y:04}-{m:02}-{d:02}");
            prop_assert_eq!(is_birth_date(&text, "2026-11-25"), reference_birth_date(&text, "2026-11-25"), "{}", text);
        }
    }

    #[test]
    fn days_from_epoch_counts_from_1970() {
        assert_eq!(parse_day("1970-01-01").map(days_from_epoch), Some(0));
        assert_eq!(from_days_from_epoch(20_417).to_string(), "2025-11-25");
    }
}
