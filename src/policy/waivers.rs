//! Waivers: a false alarm silenced accountably. Each waiver names one finding id on one
//! file, tied to a symbol or to a fingerprint of the lines that fired, with an owner, a
//! reason and an expiry date; it applies only while that content is unchanged.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Serialize, Serializer};

use crate::signal::Signal;

use super::raw::RawWaiver;
use super::validate::Checker;

/// How a finding fingerprint is written: `sha256:` and 64 lowercase hex digits.
pub const FINGERPRINT_PREFIX: &str = "sha256:";

/// One checked waiver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Waiver {
    /// 1-based position in the policy's `waivers` list, for reports.
    pub number: usize,
    /// Line of the policy file the entry starts on, so a report says where to remove it.
    pub policy_line: u64,
    /// The finding id it silences.
    pub finding: Signal,
    /// Repository-relative path of the finding.
    pub file: String,
    /// The finding's subject (symbol, resource, …) it is tied to, if any.
    pub symbol: Option<String>,
    /// The finding fingerprint it is tied to (`sha256:…`), if any.
    pub fingerprint: Option<String>,
    /// Who answers for it.
    pub owner: String,
    /// Why the finding is a false alarm.
    pub reason: String,
    /// Last day it applies (UTC).
    pub expires: Date,
}

impl Waiver {
    /// Whether the waiver no longer applies on `today`: it is good through its expiry day.
    #[must_use]
    pub fn is_expired(&self, today: Date) -> bool {
        today > self.expires
    }
}

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

    /// Today in UTC, from the system clock (a clock before 1970 reads as 1970-01-01).
    #[must_use]
    pub fn today() -> Self {
        let seconds = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs());
        Self::from_unix_days(i64::try_from(seconds / 86_400).unwrap_or(i64::MAX))
    }
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

/// Whether `text` is `sha256:` followed by 64 lowercase hex digits.
fn is_fingerprint(text: &str) -> bool {
    text.strip_prefix(FINGERPRINT_PREFIX).is_some_and(|hex| {
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

impl Checker<'_> {
    /// Waivers: a known finding id, a repository-relative file, a symbol or fingerprint to
    /// tie it to content, an owner, a reason and a real expiry date.
    pub(super) fn waivers(&mut self, raw: Vec<RawWaiver>) -> Vec<Waiver> {
        let mut waivers = Vec::with_capacity(raw.len());
        for (index, waiver) in raw.into_iter().enumerate() {
            let number = index + 1;
            let finding = self.signal(&waiver.finding);
            let file = waiver.file.value.trim().to_owned();
            if file.is_empty() {
                self.at(&waiver.file, format!("waiver #{number}: `file` is empty"));
            } else if file.starts_with('/') || file.starts_with("./") || file.contains('\\') {
                self.at(
                    &waiver.file,
                    format!("waiver #{number}: `file` must be a repository-relative path with `/` separators, e.g. `src/app.rs`"),
                );
            }
            if let Some(symbol) = &waiver.symbol
                && symbol.value.trim().is_empty()
            {
                self.at(symbol, format!("waiver #{number}: `symbol` is empty"));
            }
            if let Some(fingerprint) = &waiver.fingerprint
                && !is_fingerprint(&fingerprint.value)
            {
                self.at(
                    fingerprint,
                    format!("waiver #{number}: `fingerprint` must be `sha256:` and 64 lowercase hex digits, copied from a finding's `fingerprint` in --format json"),
                );
            }
            if waiver.symbol.is_none() && waiver.fingerprint.is_none() {
                self.at(
                    &waiver.finding,
                    format!("waiver #{number} needs `symbol`, `fingerprint` or both: a waiver for a whole file would outlive the content it was about"),
                );
            }
            if waiver.owner.value.trim().is_empty() {
                self.at(&waiver.owner, format!("waiver #{number}: `owner` is empty"));
            }
            if waiver.reason.value.trim().is_empty() {
                self.at(
                    &waiver.reason,
                    format!("waiver #{number}: `reason` is empty"),
                );
            }
            let expires = Date::parse(waiver.expires.value.trim());
            if expires.is_none() {
                self.at(
                    &waiver.expires,
                    format!(
                        "waiver #{number}: `expires: {}` is not a date; write YYYY-MM-DD, e.g. 2026-12-31",
                        waiver.expires.value
                    ),
                );
            }
            if let (Some(finding), Some(expires)) = (finding, expires) {
                waivers.push(Waiver {
                    number,
                    policy_line: waiver.finding.referenced.line(),
                    finding,
                    file,
                    symbol: waiver.symbol.map(|s| s.value.trim().to_owned()),
                    fingerprint: waiver.fingerprint.map(|f| f.value),
                    owner: waiver.owner.value.trim().to_owned(),
                    reason: waiver.reason.value.trim().to_owned(),
                    expires,
                });
            }
        }
        waivers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

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
        assert_eq!(date("2999-12-31").to_string(), "2999-12-31");
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
        // Consecutive days never repeat or go backwards over four centuries.
        let mut previous = Date::from_unix_days(-1);
        for days in 0..146_097 {
            let next = Date::from_unix_days(days);
            assert!(next > previous, "{previous} then {next}");
            assert_eq!(Date::parse(&next.to_string()), Some(next));
            previous = next;
        }
    }

    /// A waiver holds through its expiry day and lapses the day after.
    #[test]
    fn expiry_is_inclusive() {
        let waiver = Waiver {
            number: 1,
            policy_line: 1,
            finding: Signal::CiChanged,
            file: "a".into(),
            symbol: Some("s".into()),
            fingerprint: None,
            owner: "o".into(),
            reason: "r".into(),
            expires: date("2026-06-30"),
        };
        assert!(!waiver.is_expired(date("2026-01-01")));
        assert!(!waiver.is_expired(date("2026-06-30")));
        assert!(waiver.is_expired(date("2026-07-01")));
        assert!(waiver.is_expired(date("2027-01-01")));
    }

    /// Fingerprints are exactly what reports print.
    #[test]
    fn fingerprint_shape() {
        let hex = "0123456789abcdef".repeat(4);
        assert!(is_fingerprint(&format!("sha256:{hex}")));
        assert!(!is_fingerprint(&hex));
        assert!(!is_fingerprint(&format!("sha256:{}", hex.to_uppercase())));
        assert!(!is_fingerprint(&format!("sha256:{}", &hex[1..])));
    }

    const MINIMAL: &str =
        "version: 1\nthresholds:\n  ai: {review: 25, block: 400}\n  human: {block: 600}\n";

    fn parse(yaml: &str) -> Result<super::super::Policy, super::super::Error> {
        super::super::parse(
            yaml,
            super::super::Source::File {
                path: "p.yaml".into(),
            },
        )
    }

    /// A complete waiver is read as written; `waivable` defaults by the rule's decision.
    #[test]
    fn waivers_and_waivable_are_read() {
        let yaml = format!(
            "{MINIMAL}rules:\n  - {{id: a, decision: review, signals: [ci-changed], reason: r}}\n  \
             - {{id: b, decision: block, signals: [ci-changed], reason: r}}\n  \
             - {{id: c, decision: block, signals: [ci-changed], reason: r, waivable: true}}\n\
             waivers:\n  - finding: ci-changed\n    file: .github/workflows/ci.yml\n    \
             symbol: build\n    owner: ops@example.com\n    reason: ' reviewed '\n    expires: 2999-12-31\n"
        );
        let policy = parse(&yaml).unwrap();
        let waivable: Vec<bool> = policy.rules.iter().map(|r| r.waivable).collect();
        assert_eq!(waivable, [true, false, true]);
        let waiver = &policy.waivers[0];
        assert_eq!((waiver.number, waiver.policy_line), (1, 10));
        assert_eq!(waiver.finding, Signal::CiChanged);
        assert_eq!(waiver.symbol.as_deref(), Some("build"));
        assert_eq!(waiver.reason, "reviewed");
        assert_eq!(waiver.expires, date("2999-12-31"));
    }

    /// Every waiver mistake is located at the value at fault.
    #[test]
    fn waiver_problems_are_located() {
        let entry = |body: &str| format!("{MINIMAL}waivers:\n  - {{{body}}}\n");
        let good = "file: a.tf, symbol: s, owner: o, reason: r, expires: 2999-12-31";
        // (entry, message, the text the diagnostic must point at)
        let cases = [
            (
                entry(&format!("finding: ci-change, {good}")),
                "unknown signal `ci-change`",
                "ci-change,",
            ),
            (
                entry("finding: ci-changed, file: a.tf, owner: o, reason: r, expires: 2999-12-31"),
                "needs `symbol`, `fingerprint` or both: a waiver for a whole file",
                "ci-changed",
            ),
            (
                entry(&format!(
                    "finding: ci-changed, {}",
                    good.replace("2999-12-31", "2999-02-30")
                )),
                "`expires: 2999-02-30` is not a date",
                "2999-02-30",
            ),
            (
                entry(&format!(
                    "finding: ci-changed, {}",
                    good.replace("owner: o", "owner: ''")
                )),
                "`owner` is empty",
                "''",
            ),
            (
                entry(&format!(
                    "finding: ci-changed, {}",
                    good.replace("reason: r", "reason: ' '")
                )),
                "`reason` is empty",
                "' '",
            ),
            (
                entry(&format!(
                    "finding: ci-changed, {}",
                    good.replace("a.tf", "/a.tf")
                )),
                "repository-relative",
                "/a.tf",
            ),
            (
                entry(&format!("finding: ci-changed, fingerprint: abc, {good}")),
                "`fingerprint` must be `sha256:`",
                "abc",
            ),
        ];
        for (yaml, expected, at) in cases {
            let Err(super::super::Error::Invalid { diagnostics, .. }) = parse(&yaml) else {
                panic!("expected diagnostics for {yaml}");
            };
            let hit = diagnostics.iter().find(|d| d.message.contains(expected));
            let Some(hit) = hit else {
                panic!("no {expected:?} in {diagnostics:#?}");
            };
            let entry_line = yaml.lines().nth(5).unwrap();
            let column = entry_line.find(at).unwrap() + 1;
            assert_eq!(
                (hit.line, hit.column),
                (6, column as u64),
                "{expected}: {hit}"
            );
        }
        // Missing required keys stop the typed pass with a located error.
        let Err(super::super::Error::Invalid { diagnostics, .. }) = parse(&entry(
            "finding: ci-changed, file: a.tf, symbol: s, reason: r, expires: 2999-12-31",
        )) else {
            panic!("a waiver without owner parsed");
        };
        assert!(diagnostics[0].message.contains("owner"), "{diagnostics:#?}");
        assert_eq!(diagnostics[0].line, 6);
    }
}
