//! Saturation: the policy's `scoring` section turned into factors on each contribution, so
//! the score measures risk rather than size (issue 11).
//!
//! Three steps, each written into the contribution's `arithmetic`:
//! 1. repetition: the units of one signal in a change (findings, or distinct dependent files)
//!    are ranked by points, largest first; under `repeat: log` the first `full` count in full
//!    and the k-th after them weighs `full × ln(k/(k−1))`, so that n equal units total
//!    `full × (1 + ln(n/full))` ([`cumulative`]). A file's changed lines saturate the same way
//!    past `lines_full`.
//! 2. the per-signal cap scales a signal's contributions down to it;
//! 3. the per-file cap scales one file's contributions down to it.
//!
//! A dependent file counts once per signal and change, for the largest finding that reaches
//! it: ten changed symbols used by the same file are one dependent, not ten.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::policy::{Policy, Repeat, Scoring};
use crate::signal::Signal;

use super::{Contribution, number, round};

/// What a contribution's points are made of before the curve and the caps.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Basis {
    /// Points per unit (weight × tier multipliers × saturated lines), for findings without
    /// related files.
    value: f64,
    /// How many units the finding counts for (`site`s, `resource`s…; 1 for lines).
    count: f64,
    /// The units as shown, e.g. `1 file`, `3000 line (counted as 742, log past 200)`.
    units_text: String,
    /// Related files (dependents), each with its tier's name and multiplier and its points.
    related: Vec<Related>,
    /// The weight × file tier text, e.g. ` × 0.1 × critical ×3`.
    weight_text: String,
}

/// One related file of a finding.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Related {
    /// Its path.
    pub path: String,
    /// Its tier's name.
    pub tier: String,
    /// Its tier's multiplier.
    pub multiplier: f64,
    /// Points it is worth (weight × its multiplier × the finding's file multiplier).
    pub points: f64,
}

impl Basis {
    /// A finding of `quantity` units of `unit`, each worth `per_unit` points.
    pub(crate) fn units(
        unit: &str,
        quantity: f64,
        per_unit: f64,
        weight_text: String,
        scoring: &Scoring,
    ) -> Self {
        if unit == "line" {
            // One finding per file; its lines saturate on their own before the ranking.
            let counted = match scoring.repeat {
                Repeat::Log => cumulative(quantity, scoring.lines_full),
                Repeat::Linear => quantity,
            };
            let mut units_text = format!("{} {unit}", number(quantity));
            if counted < quantity {
                let _ = write!(
                    units_text,
                    " (counted as {}, log past {})",
                    number(counted),
                    number(scoring.lines_full)
                );
            }
            return Self {
                value: counted * per_unit,
                count: 1.0,
                units_text,
                related: Vec::new(),
                weight_text,
            };
        }
        Self {
            value: per_unit,
            count: quantity,
            units_text: format!("{} {unit}", number(quantity)),
            related: Vec::new(),
            weight_text,
        }
    }

    /// A finding about related files, each worth its own points.
    pub(super) fn related(related: Vec<Related>, weight_text: String) -> Self {
        Self {
            value: 0.0,
            count: 0.0,
            units_text: String::new(),
            related,
            weight_text,
        }
    }

    /// Points before saturation.
    pub(super) fn raw(&self) -> f64 {
        if self.related.is_empty() {
            self.value * self.count
        } else {
            self.related.iter().map(|related| related.points).sum()
        }
    }
}

/// Weight of the first `n` units under the log curve that is flat up to `full`:
/// `n` up to `full`, then `full × (1 + ln(n/full))`. Continuous, so fractional `n` works.
#[must_use]
pub fn cumulative(n: f64, full: f64) -> f64 {
    if n <= full {
        n
    } else {
        full * (1.0 + (n / full).ln())
    }
}

/// One unit competing in a signal's ranking.
struct Unit {
    /// Index of the contribution it belongs to.
    owner: usize,
    /// Points of one unit.
    value: f64,
    /// Units it stands for.
    count: f64,
}

/// Sets every contribution's points from its basis: curve, then caps. Waived findings keep
/// their points at 0 and take no place in the ranking.
pub(super) fn saturate(contributions: &mut [Contribution], policy: &Policy) {
    let scoring = &policy.scoring;
    let signals: BTreeSet<Signal> = contributions.iter().map(|c| c.signal).collect();
    let mut texts: Vec<String> = vec![String::new(); contributions.len()];
    for signal in signals {
        let members: Vec<usize> = (0..contributions.len())
            .filter(|&i| contributions[i].signal == signal && contributions[i].waived_by.is_none())
            .collect();
        repeat(contributions, &members, scoring, &mut texts);
        let total: f64 = members.iter().map(|&i| contributions[i].points).sum();
        cap(
            contributions,
            &members,
            total,
            scoring.per_signal_cap,
            "signal",
            &mut texts,
        );
    }
    let mut by_file: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, contribution) in contributions.iter().enumerate() {
        if let (Some(file), None) = (&contribution.file, &contribution.waived_by) {
            by_file.entry(file.clone()).or_default().push(i);
        }
    }
    for members in by_file.values() {
        let total: f64 = members.iter().map(|&i| contributions[i].points).sum();
        cap(
            contributions,
            members,
            total,
            scoring.per_file_cap,
            "file",
            &mut texts,
        );
    }
    for (contribution, text) in contributions.iter_mut().zip(texts) {
        if contribution.waived_by.is_none() {
            contribution.points = round(contribution.points);
            contribution.arithmetic = text;
        }
    }
}

/// Ranks the units of one signal's contributions and gives each its share of the curve.
fn repeat(
    contributions: &mut [Contribution],
    members: &[usize],
    scoring: &Scoring,
    texts: &mut [String],
) {
    let Some(&first) = members.first() else {
        return;
    };
    // Largest findings first, so the one that matters most counts in full; a dependent file
    // goes to the largest finding that reaches it.
    let mut order = members.to_vec();
    order.sort_by(|&a, &b| {
        let (a_raw, b_raw) = (contributions[a].basis.raw(), contributions[b].basis.raw());
        b_raw.total_cmp(&a_raw).then(a.cmp(&b))
    });
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut units: Vec<Unit> = Vec::new();
    let mut counted: BTreeMap<usize, Counted> = BTreeMap::new();
    for &owner in &order {
        let basis = &contributions[owner].basis;
        if basis.related.is_empty() {
            units.push(Unit {
                owner,
                value: basis.value,
                count: basis.count,
            });
            continue;
        }
        let entry = counted.entry(owner).or_default();
        for related in &basis.related {
            if seen.insert(related.path.as_str()) {
                units.push(Unit {
                    owner,
                    value: related.points,
                    count: 1.0,
                });
                let tier = entry
                    .tiers
                    .entry(related.tier.clone())
                    .or_insert((0, related.multiplier));
                tier.0 += 1;
            } else {
                entry.elsewhere += 1;
            }
        }
    }
    units.sort_by(|a, b| b.value.total_cmp(&a.value));
    let total_units: f64 = units.iter().map(|unit| unit.count).sum();
    let mut raw = vec![0.0; contributions.len()];
    let mut points = vec![0.0; contributions.len()];
    let mut places: BTreeMap<usize, (f64, f64)> = BTreeMap::new();
    let mut position = 0.0;
    for unit in &units {
        let weight = match scoring.repeat {
            Repeat::Log => {
                cumulative(position + unit.count, scoring.full) - cumulative(position, scoring.full)
            }
            Repeat::Linear => unit.count,
        };
        raw[unit.owner] += unit.value * unit.count;
        points[unit.owner] += unit.value * weight;
        let place = places
            .entry(unit.owner)
            .or_insert((position + 1.0, position + unit.count));
        place.1 = position + unit.count;
        position += unit.count;
    }
    let signal = contributions[first].signal;
    for &i in members {
        let contribution = &mut contributions[i];
        let mut text = match counted.get(&i) {
            Some(counted) => counted.text(),
            None => contribution.basis.units_text.clone(),
        };
        text.push_str(&contribution.basis.weight_text);
        if let Some(&(first, last)) = places.get(&i)
            && raw[i] > 0.0
            && (points[i] - raw[i]).abs() > 1e-9
        {
            let place = if (last - first).abs() < 1e-9 {
                number(first)
            } else {
                format!("{}–{}", number(first), number(last))
            };
            let _ = write!(
                text,
                " × {} (repeat {place} of {} {signal}, log past {})",
                factor(points[i] / raw[i]),
                number(total_units),
                number(scoring.full)
            );
        }
        contribution.points = points[i];
        texts[i] = text;
    }
}

/// Scales `members` down so that together they add at most `limit` points.
fn cap(
    contributions: &mut [Contribution],
    members: &[usize],
    total: f64,
    limit: f64,
    what: &str,
    texts: &mut [String],
) {
    if total <= limit {
        return;
    }
    let scale = limit / total;
    for &i in members {
        contributions[i].points *= scale;
        let _ = write!(
            texts[i],
            " × {} ({what} cap {}: {} → {})",
            factor(scale),
            number(limit),
            number(total),
            number(limit)
        );
    }
}

/// The related files a finding counts, by tier, and how many an earlier finding counted.
#[derive(Default)]
struct Counted {
    /// Tier name → (files, multiplier).
    tiers: BTreeMap<String, (usize, f64)>,
    /// Files already counted for a larger finding of the same signal.
    elsewhere: usize,
}

impl Counted {
    /// `(2 critical ×3 + 10 default ×1; 4 counted above)`.
    fn text(&self) -> String {
        let parts: Vec<String> = self
            .tiers
            .iter()
            .map(|(name, (count, multiplier))| format!("{count} {name} ×{}", number(*multiplier)))
            .collect();
        let mut text = if parts.is_empty() {
            "(0 files".to_string()
        } else {
            format!("({}", parts.join(" + "))
        };
        if self.elsewhere > 0 {
            let _ = write!(text, "; {} counted above", self.elsewhere);
        }
        text.push(')');
        text
    }
}

/// A factor with enough digits to be read: `0.42`, `0.057`.
fn factor(value: f64) -> String {
    if value >= 0.1 {
        number(value)
    } else {
        let text = format!("{value:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{Fact, Facts};
    use crate::policy::{Source, builtin, parse};
    use crate::score::score;

    fn fact(signal: Signal, file: &str, quantity: f64, related: &[&str]) -> Fact {
        Fact {
            signal,
            file: Some(file.to_owned()),
            line: Some(1),
            quantity,
            message: String::new(),
            related: related.iter().map(|r| (*r).to_owned()).collect(),
            subject: None,
        }
    }

    fn facts(facts: Vec<Fact>) -> Facts {
        Facts {
            facts,
            ..Facts::default()
        }
    }

    fn policy(scoring: &str) -> Policy {
        let text = format!("version: 1\nthresholds:\n  ai: {{review: 25, block: 400}}\n{scoring}");
        parse(
            &text,
            Source::BuiltIn {
                template: "test".into(),
            },
        )
        .unwrap()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 0.01
    }

    /// The curve is flat up to `full`, then logarithmic, and continuous.
    #[test]
    fn cumulative_curve() {
        let table = [
            (0.0, 0.0),
            (1.0, 1.0),
            (5.0, 5.0),
            (10.0, 5.0 * (1.0 + 2f64.ln())),
            (93.0, 5.0 * (1.0 + 18.6f64.ln())),
        ];
        for (n, expected) in table {
            assert!(close(cumulative(n, 5.0), expected), "{n}");
        }
        assert!(cumulative(5.000_001, 5.0) - 5.0 < 1e-5);
    }

    /// 93 similar findings score like 19.6 of them under the default curve, not 93; the last
    /// one's arithmetic says where it stood.
    #[test]
    fn ninety_three_findings_saturate() {
        let many: Vec<Fact> = (0..93)
            .map(|i| fact(Signal::PublicBodyChanged, &format!("src/f{i}.py"), 1.0, &[]))
            .collect();
        let policy = builtin("default").unwrap();
        let scored = score(&facts(many), &policy);
        let one = policy.weight(Signal::PublicBodyChanged);
        assert!(
            close(scored.total, one * 5.0 * (1.0 + 18.6f64.ln())),
            "{}",
            scored.total
        );
        assert!(scored.total < 93.0 * one / 4.0);
        let last = scored.contributions.last().unwrap();
        assert!(
            last.arithmetic
                .ends_with("× 0.054 (repeat 93 of 93 public-body-changed, log past 5)"),
            "{}",
            last.arithmetic
        );
        assert_eq!(
            scored.contributions[0].arithmetic,
            "1 symbol × 1 × default ×1"
        );
    }

    /// `repeat: linear` is the plain sum.
    #[test]
    fn linear_is_a_plain_sum() {
        let many: Vec<Fact> = (0..12)
            .map(|i| fact(Signal::PublicBodyChanged, &format!("f{i}.py"), 1.0, &[]))
            .collect();
        let scored = score(&facts(many), &policy("scoring: {repeat: linear}\n"));
        assert!(close(scored.total, 12.0));
    }

    /// The largest finding counts in full whatever the order of the facts.
    #[test]
    fn largest_counts_first() {
        let mut list: Vec<Fact> = (0..6)
            .map(|i| fact(Signal::CiChanged, &format!("src/f{i}.py"), 1.0, &[]))
            .collect();
        list.push(fact(
            Signal::CiChanged,
            ".github/workflows/ci.yml",
            1.0,
            &[],
        ));
        let policy = policy(
            "tiers:\n  - {name: critical, multiplier: 3, paths: [\".github/**\"]}\nscoring: {full: 1}\n",
        );
        let scored = score(&facts(list), &policy);
        assert!(
            close(scored.contributions[0].points, 45.0),
            "{:?}",
            scored.contributions[0]
        );
        assert_eq!(
            scored.contributions[0].file.as_deref(),
            Some(".github/workflows/ci.yml")
        );
    }

    /// A long file's lines saturate past `lines_full`; a short one's do not.
    #[test]
    fn line_volume_saturates() {
        let policy = builtin("default").unwrap();
        let scored = score(
            &facts(vec![
                fact(Signal::LinesAdded, "src/big.py", 3000.0, &[]),
                fact(Signal::LinesDeleted, "src/small.py", 40.0, &[]),
            ]),
            &policy,
        );
        let big = &scored.contributions[0];
        let counted = 200.0 * (1.0 + 15f64.ln());
        assert!(close(big.points, counted * 0.1), "{}", big.points);
        assert_eq!(
            big.arithmetic,
            "3000 line (counted as 741.61, log past 200) × 0.1 × default ×1"
        );
        assert_eq!(
            scored.contributions[1].arithmetic,
            "40 line × 0.1 × default ×1"
        );
    }

    /// The per-signal cap scales a signal down; the per-file cap one file; both are shown.
    #[test]
    fn caps_bound_a_signal_and_a_file() {
        let policy = policy("scoring:\n  repeat: linear\n  caps: {per_signal: 20, per_file: 12}\n");
        let list: Vec<Fact> = (0..4)
            .map(|i| fact(Signal::FileDeleted, &format!("f{i}.py"), 1.0, &[]))
            .chain([fact(Signal::DanglingReference, "g.py", 1.0, &[])])
            .collect();
        let scored = score(&facts(list), &policy);
        let deleted: f64 = scored
            .contributions
            .iter()
            .filter(|c| c.signal == Signal::FileDeleted)
            .map(|c| c.points)
            .sum();
        assert!(close(deleted, 16.0), "{deleted}");
        let dangling = &scored.contributions[0];
        assert!(close(dangling.points, 12.0));
        assert!(
            dangling
                .arithmetic
                .ends_with("× 0.67 (signal cap 20: 30 → 20) × 0.6 (file cap 12: 20 → 12)"),
            "{}",
            dangling.arithmetic
        );
    }

    /// A dependent file counts once per change, for the largest finding that reaches it.
    #[test]
    fn dependents_count_distinct_files() {
        let scored = score(
            &facts(vec![
                fact(
                    Signal::Dependents,
                    "src/a.py",
                    3.0,
                    &["x.py", "y.py", "z.py"],
                ),
                fact(
                    Signal::Dependents,
                    "src/b.py",
                    2.0,
                    &["x.py", "w.py", "w.py"],
                ),
            ]),
            &builtin("default").unwrap(),
        );
        assert!(close(scored.total, 4.0), "{}", scored.total);
        let second = &scored.contributions[1];
        assert_eq!(
            second.arithmetic,
            "(1 default ×1; 1 counted above) × 1 × default ×1"
        );
    }
}
