//! Review load: how many AI-assisted changes would have needed a senior's sign-off, per ISO
//! week and per tier (the tier with the highest multiplier among a change's files), so a team
//! can see how many reviewers the policy asks it to staff.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::vocabulary::Decision;

use super::judge::Judged;

/// AI-assisted changes and how many of them needed review, for one bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Bucket {
    /// The ISO week (`2026-W01`) or the tier name.
    pub name: String,
    /// AI-assisted changes in the bucket.
    pub ai_changes: usize,
    /// Of those, how many needed senior sign-off (decision `review`).
    pub review: usize,
}

/// Review load over the whole replay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Load {
    /// AI-assisted changes (judged with the AI thresholds).
    pub ai_changes: usize,
    /// Of those, how many needed senior sign-off.
    pub review: usize,
    /// Per ISO week, oldest first.
    pub weeks: Vec<Bucket>,
    /// Per tier, by name.
    pub tiers: Vec<Bucket>,
}

/// Counts the load of `judged`.
#[must_use]
pub fn load(judged: &[Judged]) -> Load {
    let mut weeks: BTreeMap<String, Bucket> = BTreeMap::new();
    let mut tiers: BTreeMap<String, Bucket> = BTreeMap::new();
    let mut total = Bucket::default();
    for change in judged.iter().filter(|change| change.ai) {
        let review = usize::from(change.decision == Decision::Review);
        for (map, name) in [
            (&mut weeks, iso_week(change.time)),
            (&mut tiers, change.tier.clone()),
        ] {
            let bucket = map.entry(name.clone()).or_insert_with(|| Bucket {
                name,
                ..Bucket::default()
            });
            bucket.ai_changes += 1;
            bucket.review += review;
        }
        total.ai_changes += 1;
        total.review += review;
    }
    Load {
        ai_changes: total.ai_changes,
        review: total.review,
        weeks: weeks.into_values().collect(),
        tiers: tiers.into_values().collect(),
    }
}

/// The ISO 8601 week of a UTC timestamp, as `YYYY-Www` (weeks start on Monday; week 1 holds
/// the year's first Thursday, so early January can belong to the previous year's last week).
#[must_use]
pub fn iso_week(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    // 1970-01-01 was a Thursday: Monday = 0.
    let weekday = (days + 3).rem_euclid(7);
    let thursday = days - weekday + 3;
    let (year, _, _) = civil_from_days(thursday);
    let ordinal = thursday - days_from_civil(year, 1, 1);
    format!("{year}-W{:02}", ordinal / 7 + 1)
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// (year, month, day) to days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dates at year boundaries, checked against `date -d … +%G-W%V`.
    #[test]
    fn iso_weeks_at_year_boundaries() {
        let cases = [
            ("1970-01-01", 0, "1970-W01"),
            (
                "2021-01-03 (Sunday)",
                days_from_civil(2021, 1, 3),
                "2020-W53",
            ),
            (
                "2021-01-04 (Monday)",
                days_from_civil(2021, 1, 4),
                "2021-W01",
            ),
            (
                "2024-12-30 (Monday)",
                days_from_civil(2024, 12, 30),
                "2025-W01",
            ),
            (
                "2026-01-01 (Thursday)",
                days_from_civil(2026, 1, 1),
                "2026-W01",
            ),
            (
                "2026-12-31 (Thursday)",
                days_from_civil(2026, 12, 31),
                "2026-W53",
            ),
            (
                "1969-12-29 (Monday)",
                days_from_civil(1969, 12, 29),
                "1970-W01",
            ),
        ];
        for (label, days, expected) in cases {
            assert_eq!(iso_week(days * 86_400 + 3_600), expected, "{label}");
        }
    }

    /// The calendar conversion round-trips.
    #[test]
    fn civil_days_round_trip() {
        for days in [-800_000, -1, 0, 59, 10_957, 20_454, 2_932_896] {
            let (year, month, day) = civil_from_days(days);
            assert_eq!(days_from_civil(year, month, day), days);
        }
    }
}
