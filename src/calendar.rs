//! The calendar, without a date-time dependency: `YYYY-MM-DD` dates (waiver expiry), RFC 3339
//! timestamps (approval records) and ISO weeks (replay's review load), all in UTC and all on
//! one day-count conversion (Howard Hinnant's `civil_from_days` / `days_from_civil`).

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Serialize, Serializer};

/// A calendar date (proleptic Gregorian), ordered chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Year, e.g. 2026.
    pub year: i32,
    /// Month, 1–12.
    pub month: u8,
    /// Day of the month, 1–31.
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD` exactly (four-digit year, real day of that month).
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        let shape_ok = bytes.len() == 10
            && bytes[4] == b'-'
            && bytes[7] == b'-'
            && [0, 1, 2, 3, 5, 6, 8, 9]
                .iter()
                .all(|&i| bytes[i].is_ascii_digit());
        if !shape_ok {
            return None;
        }
        let year: i32 = text[..4].parse().ok()?;
        let month: u8 = text[5..7].parse().ok()?;
        let day: u8 = text[8..].parse().ok()?;
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Self { year, month, day })
    }

    /// The date `days` days after 1970-01-01 (negative: before), after Howard Hinnant's
    /// `civil_from_days`: count in 400-year eras starting on 1 March, so leap days fall last.
    #[must_use]
    pub fn from_unix_days(days: i64) -> Self {
        let shifted = days + 719_468; // days from 0000-03-01 to 1970-01-01
        let era = shifted.div_euclid(146_097);
        let day_of_era = shifted.rem_euclid(146_097);
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_from_march = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
        let month = if month_from_march < 10 {
            month_from_march + 3
        } else {
            month_from_march - 9
        };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        Self {
            year: i32::try_from(year).unwrap_or(i32::MAX),
            month: u8::try_from(month).unwrap_or(1),
            day: u8::try_from(day).unwrap_or(1),
        }
    }

    /// Days from 1970-01-01 to this date (negative: before), Hinnant's `days_from_civil`.
    #[must_use]
    pub fn to_unix_days(self) -> i64 {
        let (month, day) = (i64::from(self.month), i64::from(self.day));
        let year = i64::from(self.year) - i64::from(month <= 2);
        let era = year.div_euclid(400);
        let year_of_era = year.rem_euclid(400);
        let month_from_march = if month > 2 { month - 3 } else { month + 9 };
        let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// Today in UTC, from the system clock (a clock before 1970 reads as 1970-01-01).
    #[must_use]
    pub fn today() -> Self {
        Self::from_unix_days(now().div_euclid(86_400))
    }
}

/// Seconds since the epoch, from the system clock (a clock before 1970 reads as 0).
#[must_use]
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
        })
}

/// `seconds` since the epoch as RFC 3339 UTC (`2026-01-01T00:00:00Z`).
#[must_use]
pub fn rfc3339(seconds: i64) -> String {
    let date = Date::from_unix_days(seconds.div_euclid(86_400));
    let rest = seconds.rem_euclid(86_400);
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339 in UTC, as [`rfc3339`] writes it and GitHub's API
/// returns it) to seconds since the epoch; `None` for anything else or an impossible date.
#[must_use]
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let (date, time) = text.strip_suffix('Z')?.split_once('T')?;
    let date = Date::parse(date)?;
    let mut parts = time.split(':');
    let mut part = |max: i64| -> Option<i64> {
        let digits = parts
            .next()
            .filter(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))?;
        digits.parse().ok().filter(|value| *value <= max)
    };
    let (hour, minute, second) = (part(23)?, part(59)?, part(60)?);
    if parts.next().is_some() {
        return None;
    }
    Some(date.to_unix_days() * 86_400 + hour * 3_600 + minute * 60 + second)
}

/// The ISO 8601 week of a UTC timestamp, as `YYYY-Www` (weeks start on Monday; week 1 holds
/// the year's first Thursday, so early January can belong to the previous year's last week).
#[must_use]
pub fn iso_week(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    // 1970-01-01 was a Thursday: Monday = 0.
    let weekday = (days + 3).rem_euclid(7);
    let thursday = days - weekday + 3;
    let year = Date::from_unix_days(thursday).year;
    let new_year = Date {
        year,
        month: 1,
        day: 1,
    };
    let ordinal = thursday - new_year.to_unix_days();
    format!("{year}-W{:02}", ordinal / 7 + 1)
}

/// Days in `month` of `year`, leap years included.
fn days_in_month(year: i32, month: u8) -> u8 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// In the JSON report's schema a date is `YYYY-MM-DD`.
impl schemars::JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "date" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only real `YYYY-MM-DD` dates parse; leap days follow the Gregorian rules.
    #[test]
    fn dates_parse_strictly() {
        assert_eq!(
            Date::parse("2026-02-28"),
            Some(Date {
                year: 2026,
                month: 2,
                day: 28
            })
        );
        for bad in [
            "2026-02-29",
            "1900-02-29",
            "2026-13-01",
            "2026-04-31",
            "2026-1-01",
            "26-01-01",
            "2026/01/01",
            "2026-01-00",
            "",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert!(Date::parse("2000-02-29").is_some());
        assert!(Date::parse("2024-02-29").is_some());
        assert_eq!(Date::parse("2999-12-31").unwrap().to_string(), "2999-12-31");
    }

    /// Day counts map to the calendar across epochs, leap days and centuries.
    #[test]
    fn days_since_epoch_become_dates() {
        let cases = [
            (0, "1970-01-01"),
            (-1, "1969-12-31"),
            (59, "1970-03-01"),
            (10_957, "2000-01-01"),
            (11_016, "2000-02-29"),
            (19_782, "2024-02-29"),
            (20_454, "2026-01-01"),
            (-719_468, "0000-03-01"),
        ];
        for (days, expected) in cases {
            assert_eq!(Date::from_unix_days(days).to_string(), expected, "{days}");
        }
        // Consecutive days never repeat or go backwards over four centuries, and round-trip.
        let mut previous = Date::from_unix_days(-1);
        for days in 0..146_097 {
            let next = Date::from_unix_days(days);
            assert!(next > previous, "{previous} then {next}");
            assert_eq!(Date::parse(&next.to_string()), Some(next));
            assert_eq!(next.to_unix_days(), days);
            previous = next;
        }
        for days in [-800_000, -1, 2_932_896] {
            assert_eq!(Date::from_unix_days(days).to_unix_days(), days);
        }
    }

    /// Timestamps come out as RFC 3339 UTC.
    #[test]
    fn rfc3339_timestamps() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_767_225_600), "2026-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400 + 3_661), "2000-02-29T01:01:01Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
    }

    /// RFC 3339 timestamps read back what `rfc3339` writes; impossible dates are refused.
    #[test]
    fn rfc3339_round_trips() {
        for seconds in [0, 951_782_400 + 3_661, 1_767_225_599, -1] {
            assert_eq!(parse_rfc3339(&rfc3339(seconds)), Some(seconds));
        }
        for bad in [
            "2026-02-31T00:00:00Z",
            "2026-01-01T24:00:00Z",
            "2026-01-01T00:00:00",
            "2026-01-01 00:00:00Z",
            "2026-01-01T00:00Z",
            "2026-01-01T00:00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-01-01T00:00:00+01:00",
            "yesterday",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    /// Weeks at year boundaries, checked against `date -d … +%G-W%V`.
    #[test]
    fn iso_weeks_at_year_boundaries() {
        let cases = [
            ("2021-01-03", "2020-W53"), // a Sunday
            ("2021-01-04", "2021-W01"), // a Monday
            ("2024-12-30", "2025-W01"),
            ("2026-01-01", "2026-W01"),
            ("2026-12-31", "2026-W53"),
            ("1969-12-29", "1970-W01"),
        ];
        for (day, expected) in cases {
            let days = Date::parse(day).unwrap().to_unix_days();
            assert_eq!(iso_week(days * 86_400 + 3_600), expected, "{day}");
        }
    }
}
