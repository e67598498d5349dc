//! Waivers: a false alarm silenced accountably. Each waiver names one finding id on one
//! file, tied to a symbol (it holds while that symbol fires that finding) or to a fingerprint
//! of the changed content that fired (it ends with any edit to it), or both, with an owner, a
//! reason and an expiry date.

use serde::Serialize;

use crate::signal::Signal;

use super::raw::RawWaiver;
use super::validate::Checker;
use crate::calendar::Date;

/// How a finding fingerprint is written: `sha256:` and 64 lowercase hex digits.
use crate::digest::PREFIX;

/// One checked waiver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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

/// Whether `text` is `sha256:` followed by 64 lowercase hex digits.
fn is_fingerprint(text: &str) -> bool {
    text.strip_prefix(PREFIX).is_some_and(|hex| {
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
        // Then the inherited hard rules: two block rules, the review rule on credentials in
        // test code, twice a review and a block rule, then the review rule on undisclosed AI.
        assert_eq!(
            waivable,
            [
                true, false, true, false, false, true, true, false, true, false, true
            ]
        );
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
