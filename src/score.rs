//! Turns facts into points: `quantity × weight × tier multiplier`, one contribution per fact,
//! then saturated by the policy's `scoring` curve and caps, each carrying its arithmetic so
//! every point of the total can be explained. Then [`waive::apply`] fingerprints each
//! finding, lifts the ones the policy waives and saturates the rest again.

mod fingerprint;
mod saturate;
pub(crate) mod waive;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::analyze::Facts;
use crate::policy::{Policy, Rule, Tier};
use crate::signal::Signal;
use crate::vocabulary::Authorship;

pub use saturate::{Basis, cumulative};
pub use waive::{WaivedBy, WaiverUse, Waivers};

use saturate::Related;

/// Points from one fact.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    /// The finding id.
    pub signal: Signal,
    /// File the points are about.
    pub file: Option<String>,
    /// Line the points are about.
    pub line: Option<u32>,
    /// What inside the file: symbol, resource, table, job or image.
    pub subject: Option<String>,
    /// Points added to the total.
    pub points: f64,
    /// What was observed.
    pub message: String,
    /// How the points were computed, e.g. `40 line × 0.1 × critical ×3`, with the
    /// repetition factor and any cap, e.g. `… × 0.42 (repeat 9 of 12 file-touched, log past 5)`.
    pub arithmetic: String,
    /// Content fingerprint a waiver can be tied to (`sha256:…`); see [`waive::apply`].
    pub fingerprint: Option<String>,
    /// The waiver that lifted this finding; its points are then 0.
    pub waived_by: Option<WaivedBy>,
    /// The points before the curve and the caps, so they can be worked out again once
    /// waivers have lifted some findings.
    #[serde(skip)]
    pub basis: Basis,
}

impl Contribution {
    /// Whether this finding, in a change of the authorship `classes`, makes `rule` fire: the rule matches
    /// it and no waiver lifts it (a waived finding still fires a rule that is not `waivable`).
    #[must_use]
    pub fn triggers(&self, rule: &Rule, classes: &[Authorship]) -> bool {
        let lifted = rule.waivable && self.waived_by.is_some();
        !lifted && rule.matches(self.signal, self.file.as_deref(), classes)
    }
}

/// The total and its parts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Score {
    /// Sum of all contributions, rounded to two decimals.
    pub total: f64,
    /// Contributions, largest first; zero-point ones are kept so rules can still match them.
    pub contributions: Vec<Contribution>,
    /// The tier each changed file fell into.
    pub tiers: BTreeMap<String, String>,
    /// Dependent files that sit in tiers weighted above ×1.
    pub critical_dependents: BTreeSet<String>,
    /// What the policy's waivers did (filled by [`waive::apply`]).
    pub waivers: Waivers,
}

/// Weighs every fact with the policy, then saturates the points (see [`saturate`]).
#[must_use]
pub fn score(facts: &Facts, policy: &Policy) -> Score {
    let mut tiers = BTreeMap::new();
    let mut critical_dependents = BTreeSet::new();
    let mut tier_of = TierOf::new(policy);
    let mut contributions: Vec<Contribution> = facts
        .facts
        .iter()
        .map(|fact| {
            let weight = policy.weight(fact.signal);
            let (multiplier, tier_text) = match fact.file.as_deref() {
                Some(path) => {
                    let tier = tier_of.get(path);
                    tiers.insert(path.to_string(), tier.name.clone());
                    (
                        tier.multiplier,
                        format!(" × {} ×{}", tier.name, number(tier.multiplier)),
                    )
                }
                None => (1.0, String::new()),
            };
            let weight_text = format!(" × {}{tier_text}", number(weight));
            let basis = if fact.related.is_empty() {
                Basis::units(
                    fact.signal.unit(),
                    fact.quantity,
                    weight * multiplier,
                    weight_text,
                    &policy.scoring,
                )
            } else {
                let related = related(&fact.related, &mut tier_of, &mut critical_dependents)
                    .into_iter()
                    .map(|mut related| {
                        related.points *= weight * multiplier;
                        related
                    })
                    .collect();
                Basis::related(related, weight_text)
            };
            Contribution {
                signal: fact.signal,
                file: fact.file.clone(),
                line: fact.line,
                subject: fact.subject.clone(),
                points: 0.0,
                message: fact.message.clone(),
                arithmetic: String::new(),
                fingerprint: None,
                waived_by: None,
                basis,
            }
        })
        .collect();
    saturate::saturate(&mut contributions, policy);
    contributions.sort_by(|a, b| b.points.total_cmp(&a.points));
    let total = round(contributions.iter().map(|c| c.points).sum());
    Score {
        total,
        contributions,
        tiers,
        critical_dependents,
        waivers: Waivers::default(),
    }
}

/// Each related file counts with its own tier's multiplier: twelve dependents in tests weigh
/// less than two in the payment code. Files in tiers above ×1 are remembered as critical.
/// A path listed twice counts once.
fn related<'f>(
    related: &'f [String],
    tier_of: &mut TierOf<'_, 'f>,
    critical: &mut BTreeSet<String>,
) -> Vec<Related> {
    let mut seen = BTreeSet::new();
    related
        .iter()
        .filter(|path| seen.insert(path.as_str()))
        .map(|path| {
            let tier = tier_of.get(path);
            if tier.multiplier > 1.0 {
                critical.insert(path.clone());
            }
            Related {
                path: path.clone(),
                tier: tier.name.clone(),
                multiplier: tier.multiplier,
                points: tier.multiplier,
            }
        })
        .collect()
}

/// The policy's tier of each path, remembered for one scoring: a 500-file change asked the
/// tier globs about the same few thousand paths twelve thousand times.
struct TierOf<'p, 'f> {
    policy: &'p Policy,
    known: HashMap<&'f str, &'p Tier>,
}

impl<'p, 'f> TierOf<'p, 'f> {
    fn new(policy: &'p Policy) -> Self {
        Self {
            policy,
            known: HashMap::new(),
        }
    }

    fn get(&mut self, path: &'f str) -> &'p Tier {
        let policy = self.policy;
        self.known.entry(path).or_insert_with(|| policy.tier(path))
    }
}

fn round(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// Formats a number without a trailing `.0` (`3`, `0.2`, `12.5`).
///
/// Every finding's arithmetic prints a few numbers, and `format!("{:.2}")` took a quarter of
/// scoring a 500-file change; a positive number below 10^10 is spelled from its whole
/// hundredths instead, which gives the same text (a test compares the two).
#[must_use]
pub fn number(value: f64) -> String {
    let hundredths = (value * 100.0).round();
    if !(hundredths > 0.0 && hundredths < 1e12) {
        return formatted(value);
    }
    // In range and whole: the conversion is exact.
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a positive whole number below 10^12"
    )]
    let hundredths = hundredths as u64;
    let (whole, fraction) = (hundredths / 100, hundredths % 100);
    match fraction {
        0 => whole.to_string(),
        _ if fraction % 10 == 0 => format!("{whole}.{}", fraction / 10),
        _ => format!("{whole}.{fraction:02}"),
    }
}

/// [`number`] through the float formatter.
fn formatted(value: f64) -> String {
    let text = format!("{:.2}", round(value));
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Numbers print without noise.
    #[test]
    fn numbers_read_naturally() {
        assert_eq!(number(3.0), "3");
        assert_eq!(number(0.2), "0.2");
        assert_eq!(number(12.345), "12.35");
        assert_eq!(number(0.0), "0");
    }

    /// The spelling from hundredths is the float formatter's, on every hundredth and
    /// thousandth up to 1,000, around the range's ends and on values no finding has.
    #[test]
    fn numbers_spell_as_the_formatter_does() {
        let mut values: Vec<f64> = (-2_000..1_000_000).map(|i| f64::from(i) / 1000.0).collect();
        values.extend([
            0.005,
            0.015,
            0.125,
            2.675,
            1e-9,
            99.995,
            9_999_999_999.99,
            1e10,
            1e11,
            3.5e12,
            -0.0,
            -0.004,
            -1.5,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
        ]);
        for value in values {
            assert_eq!(number(value), formatted(value), "{value}");
        }
    }
}
