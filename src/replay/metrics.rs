//! Measured as the field measures: the gating curve, ROC AUC with a bootstrap confidence
//! interval, and precision/recall of the policy's own decisions, for all commits and for
//! AI-assisted and human ones apart, each counted by commit and by changed lines.
//!
//! "By changed lines" is the effort-aware view of just-in-time defect prediction (Kamei et
//! al., "A large-scale empirical study of just-in-time quality assurance", TSE 2013): the
//! gate's budget is a share of the lines to review rather than of the commits, and a big
//! commit costs what it takes to read. There the curve ranks by score per changed line and
//! counts the labelled commits caught within the line budget; the AUC weighs every commit by
//! its lines; precision and recall count lines. The bootstrap resamples commits with a fixed seed, so a report is reproducible.

use serde::Serialize;

use crate::vocabulary::Decision;

use super::curve::{SHARES, share, top};
use super::judge::Judged;

/// Bootstrap resamples behind each confidence interval.
pub const RESAMPLES: usize = 1000;

/// The bootstrap's seed: fixed, so the same history gives the same interval.
pub const SEED: u64 = 0x5EED_0000_0000_0014;

/// The confidence interval's level.
pub const CONFIDENCE: f64 = 0.95;

/// Every class, both ways of counting.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Metrics {
    /// `all`, `ai` (judged with the AI thresholds), `human` (the rest).
    pub classes: Vec<CommitClass>,
}

/// One class of commits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommitClass {
    /// `all`, `ai` or `human`.
    pub name: &'static str,
    /// Counted per commit.
    pub by_commit: Measure,
    /// Counted per changed line (lines added plus deleted).
    pub by_lines: Measure,
}

/// The measures for one class and one way of counting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measure {
    /// Commits, or changed lines.
    pub total: usize,
    /// Labelled commits, or their changed lines.
    pub labelled: usize,
    /// Gating the riskiest share of the commits (or of the lines), one step per share.
    pub curve: Vec<Step>,
    /// Area under the ROC curve of the score against the labels; `None` without both
    /// labelled and unlabelled commits.
    pub auc: Option<f64>,
    /// Its bootstrap interval at [`CONFIDENCE`]; `None` when too few resamples had both.
    pub auc_interval: Option<[f64; 2]>,
    /// Of what the policy held (review or block), the share labelled.
    pub precision: Option<f64>,
    /// Of what was labelled, the share the policy held.
    pub recall: Option<f64>,
}

/// One step of a curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// The share asked for.
    pub asked: f64,
    /// Commits gated from the top of the ranking.
    pub gated: usize,
    /// The share of the total (commits or lines) they are.
    pub cost_share: f64,
    /// Labelled commits among them.
    pub caught: usize,
    /// `caught` / labelled commits.
    pub caught_share: Option<f64>,
}

/// One commit as the metrics see it.
#[derive(Debug, Clone, Copy)]
struct Item {
    score: f64,
    held: bool,
    labelled: bool,
    lines: usize,
}

/// Measures `judged` against `labelled` (one flag per judged commit, same order).
#[must_use]
pub fn measure(judged: &[Judged], labelled: &[bool]) -> Metrics {
    let items: Vec<(bool, Item)> = judged
        .iter()
        .zip(labelled)
        .map(|(change, labelled)| {
            let item = Item {
                score: change.score,
                held: change.decision != Decision::Allow,
                labelled: *labelled,
                lines: change.lines,
            };
            (change.ai, item)
        })
        .collect();
    let class = |name: &'static str, keep: &dyn Fn(bool) -> bool| {
        let chosen: Vec<Item> = items
            .iter()
            .filter(|(ai, _)| keep(*ai))
            .map(|(_, item)| *item)
            .collect();
        CommitClass {
            name,
            by_commit: one(&chosen, |_| 1, false),
            by_lines: one(&chosen, |item| item.lines, true),
        }
    };
    Metrics {
        classes: vec![
            class("all", &|_| true),
            class("ai", &|ai| ai),
            class("human", &|ai| !ai),
        ],
    }
}

fn one(items: &[Item], weight: fn(&Item) -> usize, by_lines: bool) -> Measure {
    let total: usize = items.iter().map(weight).sum();
    let labelled_weight: usize = items.iter().filter(|i| i.labelled).map(weight).sum();
    let held_weight: usize = items.iter().filter(|i| i.held).map(weight).sum();
    let hits: usize = items
        .iter()
        .filter(|i| i.held && i.labelled)
        .map(weight)
        .sum();
    let weights: Vec<f64> = items.iter().map(|item| weight(item) as f64).collect();
    let mut ascending: Vec<usize> = (0..items.len()).collect();
    ascending.sort_by(|a, b| items[*a].score.total_cmp(&items[*b].score));
    let auc = auc(items, &ascending, &weights);
    Measure {
        total,
        labelled: labelled_weight,
        curve: curve(items, weight, total, by_lines),
        auc,
        auc_interval: auc.and_then(|_| interval(items, &ascending, &weights)),
        precision: share(hits, held_weight),
        recall: share(hits, labelled_weight),
    }
}

/// The longest prefix of the ranking whose cost stays within each share of `total`. By
/// commit the ranking is by score; by lines it is by score per changed line, as effort-aware
/// JIT models rank (Kamei et al. 2013), so a small risky change comes before a huge one.
/// Ties keep history order (newest first).
fn curve(items: &[Item], weight: fn(&Item) -> usize, total: usize, by_lines: bool) -> Vec<Step> {
    let labelled = items.iter().filter(|item| item.labelled).count();
    let key = |item: &Item| {
        if by_lines {
            item.score / item.lines.max(1) as f64
        } else {
            item.score
        }
    };
    let mut ranked: Vec<&Item> = items.iter().collect();
    ranked.sort_by(|a, b| key(b).total_cmp(&key(a)));
    SHARES
        .iter()
        .map(|asked| {
            let budget = top(*asked, total);
            let (mut spent, mut gated, mut caught) = (0, 0, 0);
            for item in &ranked {
                if spent + weight(item) > budget {
                    break;
                }
                spent += weight(item);
                gated += 1;
                caught += usize::from(item.labelled);
            }
            Step {
                asked: *asked,
                gated,
                cost_share: share(spent, total).unwrap_or(0.0),
                caught,
                caught_share: share(caught, labelled),
            }
        })
        .collect()
}

/// Weighted ROC AUC (Mann-Whitney): the chance a labelled commit outscores an unlabelled one,
/// ties counting half, each pair weighted by both commits' weights. `ascending` orders the
/// items by score.
fn auc(items: &[Item], ascending: &[usize], weights: &[f64]) -> Option<f64> {
    let (mut below, mut area, mut positive) = (0.0, 0.0, 0.0);
    let mut start = 0;
    while start < ascending.len() {
        let score = items[ascending[start]].score;
        let end = start
            + ascending[start..]
                .iter()
                .take_while(|i| items[**i].score.total_cmp(&score).is_eq())
                .count();
        let (mut tie_positive, mut tie_negative) = (0.0, 0.0);
        for &i in &ascending[start..end] {
            if items[i].labelled {
                tie_positive += weights[i];
            } else {
                tie_negative += weights[i];
            }
        }
        area += tie_positive * (below + 0.5 * tie_negative);
        below += tie_negative;
        positive += tie_positive;
        start = end;
    }
    (positive > 0.0 && below > 0.0).then(|| area / (positive * below))
}

/// Percentile bootstrap: resample the commits with replacement [`RESAMPLES`] times (as a
/// multiplicity per commit, so the score order is sorted once) and take the middle
/// [`CONFIDENCE`] of the resampled AUCs.
fn interval(items: &[Item], ascending: &[usize], weights: &[f64]) -> Option<[f64; 2]> {
    let mut random = SplitMix64(SEED);
    let mut samples = Vec::with_capacity(RESAMPLES);
    let mut counts = vec![0.0; items.len()];
    for _ in 0..RESAMPLES {
        counts.fill(0.0);
        for _ in 0..items.len() {
            counts[random.below(items.len())] += 1.0;
        }
        let resampled: Vec<f64> = weights.iter().zip(&counts).map(|(w, c)| w * c).collect();
        if let Some(value) = auc(items, ascending, &resampled) {
            samples.push(value);
        }
    }
    // Fewer than half the resamples had both classes: the interval would describe luck.
    if samples.len() * 2 < RESAMPLES {
        return None;
    }
    samples.sort_by(f64::total_cmp);
    let tail = (1.0 - CONFIDENCE) / 2.0;
    Some([quantile(&samples, tail), quantile(&samples, 1.0 - tail)])
}

/// The nearest-rank quantile of sorted `values`.
fn quantile(values: &[f64], q: f64) -> f64 {
    let last = values.len().saturating_sub(1);
    // In [0, last] by construction.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let index = ((q * last as f64).round() as usize).min(last);
    values[index]
}

/// `SplitMix64` (Steele, Lea & Flood, OOPSLA 2014): small, fast, and the same on every machine.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; the bias is below 2^-40 for any history).
    fn below(&mut self, n: usize) -> usize {
        // The product's high half is < n.
        #[allow(clippy::cast_possible_truncation)]
        let index = ((u128::from(self.next()) * n as u128) >> 64) as usize;
        index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(score: f64, held: bool, labelled: bool, lines: usize) -> Item {
        Item {
            score,
            held,
            labelled,
            lines,
        }
    }

    /// AUC by hand: 2 labelled × 3 unlabelled = 6 pairs; (9 > all) = 3, (4 > 1, 2; = 4) = 2.5.
    #[test]
    fn auc_counts_pairs_and_half_ties() {
        let items = [
            item(9.0, false, true, 1),
            item(4.0, false, true, 1),
            item(4.0, false, false, 1),
            item(2.0, false, false, 1),
            item(1.0, false, false, 1),
        ];
        let mut ascending: Vec<usize> = (0..items.len()).collect();
        ascending.sort_by(|a, b| items[*a].score.total_cmp(&items[*b].score));
        let value = auc(&items, &ascending, &[1.0; 5]).expect("both classes");
        assert!((value - 5.5 / 6.0).abs() < 1e-12, "{value}");
        assert_eq!(auc(&items[..2], &[1, 0], &[1.0; 2]), None);
    }

    /// A perfect ranking has AUC 1 and an interval at 1; the interval is the same twice and
    /// contains the estimate on a noisy ranking.
    #[test]
    fn bootstrap_interval_is_deterministic_and_brackets_the_estimate() {
        let perfect: Vec<Item> = (0..40)
            .map(|i| item(f64::from(i), false, i >= 30, 1))
            .collect();
        let measure = one(&perfect, |_| 1, false);
        assert_eq!(measure.auc, Some(1.0));
        assert_eq!(measure.auc_interval, Some([1.0, 1.0]));
        let noisy: Vec<Item> = (0..60)
            .map(|i| item(f64::from(i % 17), false, i % 3 == 0 || i % 17 > 12, 1))
            .collect();
        let first = one(&noisy, |_| 1, false);
        let second = one(&noisy, |_| 1, false);
        assert_eq!(first, second);
        let (auc, [low, high]) = (
            first.auc.expect("both classes"),
            first.auc_interval.expect("enough resamples"),
        );
        assert!(
            low <= auc && auc <= high && low < high,
            "{low} {auc} {high}"
        );
    }

    /// By lines, the budget is a share of the lines and the ranking is by score per line:
    /// the big risky commit comes last. Precision and recall count lines.
    #[test]
    fn by_lines_spends_a_line_budget() {
        let items = [
            item(50.0, true, true, 90), // riskiest, 90 of 100 lines
            item(40.0, true, false, 5), // held, not labelled
            item(30.0, false, true, 3), // labelled, allowed
            item(10.0, false, false, 2),
        ];
        let lines = one(&items, |item| item.lines, true);
        let steps: Vec<(usize, usize)> = lines.curve.iter().map(|s| (s.gated, s.caught)).collect();
        // Per line: 30/3 = 10, 40/5 = 8, 10/2 = 5, 50/90 = 0.6. 5% of 100 lines: the 3-line
        // commit; 10% and up: 3 + 5 + 2 lines; 90 more never fit in 50.
        assert_eq!(steps, [(1, 1), (3, 1), (3, 1), (3, 1), (3, 1)]);
        assert_eq!(lines.precision, Some(90.0 / 95.0));
        assert_eq!(lines.recall, Some(90.0 / 93.0));
        let commits = one(&items, |_| 1, false);
        let steps: Vec<(usize, usize)> =
            commits.curve.iter().map(|s| (s.gated, s.caught)).collect();
        assert_eq!(steps, [(1, 1), (1, 1), (1, 1), (2, 1), (2, 1)]);
        assert_eq!((commits.precision, commits.recall), (Some(0.5), Some(0.5)));
    }
}
