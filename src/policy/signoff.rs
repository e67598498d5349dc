//! The `signoff` section: how many signed approvals a change needs per tier, how long they
//! stay valid, and whether a block can be overridden by several seniors (break-glass).

use std::collections::BTreeMap;

use serde_saphyr::Spanned;

use super::Tier;
use super::raw::RawSignoff;
use super::validate::Checker;

/// The checked `signoff` section.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signoff {
    /// Valid approvals needed per tier name; tiers left out need 1.
    pub approvals: BTreeMap<String, usize>,
    /// Approvals older than this do not count.
    pub max_age: Option<MaxAge>,
    /// Valid break-glass approvals that let a `block` through; `None`: never.
    pub break_glass: Option<usize>,
}

impl Signoff {
    /// Approvals a change touching files in `tiers` needs: the largest count over them (1
    /// when the change has no files in a listed tier).
    #[must_use]
    pub fn required<'a>(&self, tiers: impl IntoIterator<Item = &'a str>) -> usize {
        tiers
            .into_iter()
            .map(|tier| self.approvals.get(tier).copied().unwrap_or(1))
            .max()
            .unwrap_or_else(|| self.approvals.get("default").copied().unwrap_or(1))
    }
}

/// A maximum age, as written and in seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaxAge {
    /// As written, e.g. `30d`.
    pub text: String,
    /// The same in seconds.
    pub seconds: i64,
}

/// Parses `30d`, `12h`, `90m`: a positive whole number and one unit.
#[must_use]
pub fn parse_age(text: &str) -> Option<i64> {
    let text = text.trim();
    let unit = text.chars().last()?;
    let per_unit = match unit {
        'd' => 86_400,
        'h' => 3_600,
        'm' => 60,
        _ => return None,
    };
    let count: i64 = text[..text.len() - 1].parse().ok().filter(|n| *n > 0)?;
    count.checked_mul(per_unit)
}

impl Checker<'_> {
    /// Counts at least 1 for known tiers; `max_age` parses; break-glass needs two seniors or more.
    pub(super) fn signoff(&mut self, raw: RawSignoff, tiers: &[Tier]) -> Signoff {
        let mut signoff = Signoff::default();
        if let Some(approvals) = raw.approvals {
            for (tier, count) in &approvals.value {
                if tier != "default" && !tiers.iter().any(|t| &t.name == tier) {
                    let known: Vec<&str> = std::iter::once("default")
                        .chain(tiers.iter().map(|t| t.name.as_str()))
                        .collect();
                    self.at(
                        &approvals,
                        format!(
                            "`signoff.approvals`: unknown tier `{tier}` (tiers: {})",
                            known.join(", ")
                        ),
                    );
                }
                if *count == 0 {
                    self.at(
                        &approvals,
                        format!("`signoff.approvals.{tier}` must be at least 1; lower the tier's weight instead"),
                    );
                }
                signoff.approvals.insert(tier.clone(), *count as usize);
            }
        }
        if let Some(max_age) = raw.max_age {
            signoff.max_age = self.max_age(&max_age);
        }
        if let Some(break_glass) = raw.break_glass {
            if break_glass.approvals.value < 2 {
                self.at(
                    &break_glass.approvals,
                    "`signoff.break_glass.approvals` must be at least 2: one senior alone cannot override a block",
                );
            }
            signoff.break_glass = Some(break_glass.approvals.value as usize);
        }
        signoff
    }

    fn max_age(&mut self, raw: &Spanned<String>) -> Option<MaxAge> {
        let Some(seconds) = parse_age(&raw.value) else {
            self.at(
                raw,
                format!(
                    "`signoff.max_age` `{}` is not an age; write a number and d, h or m (e.g. `30d`)",
                    raw.value
                ),
            );
            return None;
        };
        Some(MaxAge {
            text: raw.value.trim().to_owned(),
            seconds,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Error, Source, parse};

    /// The diagnostics of a minimal policy with `extra` appended, as `line:column: message`.
    fn problems(extra: &str) -> Vec<String> {
        let text = format!(
            "version: 1\nthresholds:\n  ai: {{review: 25, block: 400}}\n  human: {{block: 600}}\ntiers:\n  - {{name: critical, multiplier: 2, paths: [\"src/auth/**\"]}}\n{extra}"
        );
        match parse(
            &text,
            Source::File {
                path: "p.yaml".into(),
            },
        ) {
            Ok(_) => Vec::new(),
            Err(Error::Invalid { diagnostics, .. }) => diagnostics
                .iter()
                .map(|d| format!("{}:{}: {}", d.line, d.column, d.message))
                .collect(),
            Err(other) => vec![other.to_string()],
        }
    }

    /// A valid section is read; each mistake is reported at its value.
    #[test]
    fn signoff_section_is_validated() {
        assert!(problems("signoff:\n  approvals: {default: 1, critical: 2}\n  max_age: 30d\n  break_glass: {approvals: 2}\n").is_empty());
        let cases = [
            (
                "signoff:\n  approvals: {nope: 2}\n",
                "8:14: `signoff.approvals`: unknown tier `nope` (tiers: default, critical)",
            ),
            (
                "signoff:\n  approvals: {critical: 0}\n",
                "`signoff.approvals.critical` must be at least 1",
            ),
            (
                "signoff:\n  max_age: soon\n",
                "8:12: `signoff.max_age` `soon` is not an age",
            ),
            (
                "signoff:\n  break_glass: {approvals: 1}\n",
                "must be at least 2",
            ),
            ("signoff:\n  quorum: 2\n", "quorum"),
            (
                "seniors:\n  - {name: A, email: a@example.com, signing_key: \"hunter2\"}\n",
                "neither an SSH public key",
            ),
        ];
        for (extra, expected) in cases {
            let found = problems(extra);
            assert!(
                found.iter().any(|p| p.contains(expected)),
                "{extra:?}: expected {expected:?} in {found:?}"
            );
        }
    }

    /// Ages are a positive number and one unit; anything else is refused.
    #[test]
    fn ages_parse_or_are_refused() {
        let cases = [
            ("30d", Some(30 * 86_400)),
            ("12h", Some(12 * 3_600)),
            ("90m", Some(5_400)),
            (" 1d ", Some(86_400)),
            ("0d", None),
            ("-1d", None),
            ("d", None),
            ("30", None),
            ("30s", None),
            ("1.5d", None),
            ("", None),
            ("99999999999999999999d", None),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_age(text), expected, "{text:?}");
        }
    }

    /// The largest count over the change's tiers wins; unlisted tiers need one.
    #[test]
    fn required_is_the_largest_count_over_the_tiers() {
        let signoff = Signoff {
            approvals: BTreeMap::from([("critical".to_owned(), 2), ("default".to_owned(), 1)]),
            ..Signoff::default()
        };
        assert_eq!(signoff.required(["default", "critical"]), 2);
        assert_eq!(signoff.required(["docs"]), 1);
        assert_eq!(signoff.required([]), 1);
    }
}
