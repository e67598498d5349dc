//! `replay --fit`: per-signal weights and tier multipliers learned from the repository's own
//! history, by L2-regularised logistic regression of the labels on the replayed facts.
//!
//! Trained on the older part of the range and evaluated on the newer, held-out part: a label
//! on a training commit counts only if it was already known when the training part ends
//! (a revert made later is the future). The weights are fitted on each signal's saturated
//! units ([`super::fit_features`]), so they are policy weights as they stand; they are scaled
//! so that the training commits score on average what the current policy gave them, which
//! keeps them comparable with the current thresholds. A suggestion: the policy is never edited.
//!
//! Labels come through [`FitLabel`], one optional label per judged commit with its source, so
//! any labeller (reverts and hot fixes today, fix-inducing commits from an SZZ analysis) plugs
//! in without the fit knowing how they were found.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::signal::Signal;

use super::curve::{Entry, Point, curve};
use super::fit_features::{Units, WHOLE_CHANGE};
use super::fit_logistic::{self, Model};
use super::judge::Judged;
use crate::vocabulary::Decision;

/// Fewest labelled commits the training part needs before a fit is attempted.
pub const MIN_TRAIN_LABELS: usize = 10;
/// Fewest training commits a signal must fire on to get a fitted weight. A signal seen on two
/// commits that both happened to be labelled separates them perfectly, and the regression
/// answers with its largest weight (Crush: two such signals came out on top); below this it
/// keeps the policy's weight.
pub const MIN_SUPPORT: usize = 5;
/// Fewest labelled commits the held-out part needs for its evaluation to mean anything.
pub const MIN_HELDOUT_LABELS: usize = 5;
/// Default share of the newest commits held out for evaluation.
pub const HOLDOUT: f64 = 0.3;
/// Lowest multiplier suggested for a tier (a policy needs one above 0).
pub const MIN_MULTIPLIER: f64 = 0.05;

/// Why a judged commit counts as one that went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FitLabel {
    /// Where the label comes from (`revert`, `fix`, `szz`…), counted in the report.
    pub source: String,
    /// When the evidence appeared (committer time of the revert or fix, seconds since the
    /// epoch); `None`: known from the start.
    pub known_at: Option<i64>,
}

/// Fit settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Share of the newest commits held out for evaluation.
    pub holdout: f64,
    /// The regression's settings.
    pub regression: fit_logistic::Options,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            holdout: HOLDOUT,
            regression: fit_logistic::Options::default(),
        }
    }
}

/// What the fit needs from the policy in force now.
#[derive(Debug, Clone, PartialEq)]
pub struct Current {
    /// Weight of every signal.
    pub weights: BTreeMap<Signal, f64>,
    /// Multiplier of every tier by name (`default` at 1).
    pub multipliers: BTreeMap<String, f64>,
}

/// One part of the split.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Part {
    /// Commits in it.
    pub commits: usize,
    /// Labelled commits in it that the fit used.
    pub labels: usize,
    /// Labels by source.
    pub sources: BTreeMap<String, usize>,
    /// Committer time of its oldest and newest commit.
    pub from: i64,
    /// See `from`.
    pub to: i64,
}

/// How well one way of scoring ranks the held-out commits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeldOutRanking {
    /// The gating curve (5 … 50%).
    pub curve: Vec<Point>,
    /// Area under the ROC curve (ties count half); `None` without both classes.
    pub auc: Option<f64>,
}

/// A suggested weight or multiplier next to the current one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggested<K> {
    /// The signal or tier.
    pub key: K,
    /// What the policy has now.
    pub current: f64,
    /// What the fit suggests.
    pub suggested: f64,
}

/// The result of a fit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fit {
    /// The older part, trained on.
    pub train: Part,
    /// The newer part, evaluated on.
    pub heldout: Part,
    /// Whether tier multipliers were fitted (they are not when findings in the `default`
    /// tier, the ×1 yardstick, predict nothing to compare the other tiers with).
    pub tiers_fitted: bool,
    /// Training commits whose label only appeared after the training part ends: left
    /// unlabelled there, since the fit may not see the future.
    pub labels_from_the_future: usize,
    /// Weights of the signals seen in the training part, largest suggestion first.
    pub weights: Vec<Suggested<Signal>>,
    /// Multipliers of the tiers seen in the training part (none when they could not be
    /// fitted, e.g. no finding in the `default` tier to compare with).
    pub multipliers: Vec<Suggested<String>>,
    /// The held-out part scored by the current policy.
    pub before: HeldOutRanking,
    /// The held-out part scored with the suggestion.
    pub after: HeldOutRanking,
    /// Every judged commit's score with the suggestion (caps aside), in replay order.
    #[serde(skip)]
    pub scores: Vec<f64>,
}

/// Why there is no fit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Too few labelled commits in one part.
    #[error(
        "too few labelled commits to fit weights: {found} in the {part} part, at least {needed} needed; replay a longer history (--last N) or add labels"
    )]
    TooFewLabels {
        /// `training` or `held-out`.
        part: &'static str,
        /// Labels there.
        found: usize,
        /// The minimum.
        needed: usize,
    },
    /// Nothing in the training part separates labelled commits from the rest.
    #[error(
        "no signal predicts the labels in the training part: every fitted weight is 0; the policy's weights stay as they are"
    )]
    NothingPredicts,
}

/// Fits weights and multipliers to `labels` (one per `judged` commit, newest first).
///
/// # Errors
/// [`Error::TooFewLabels`] below [`MIN_TRAIN_LABELS`] / [`MIN_HELDOUT_LABELS`];
/// [`Error::NothingPredicts`] when every coefficient comes out 0.
pub fn fit(
    judged: &[Judged],
    labels: &[Option<FitLabel>],
    current: &Current,
    options: &Options,
) -> Result<Fit, Error> {
    let (train, heldout) = split(judged, options.holdout);
    let split_time = train.last().map_or(i64::MIN, |&i| judged[i].time);
    let known = |i: usize, in_training: bool| {
        labels
            .get(i)
            .and_then(Option::as_ref)
            .filter(|label| !in_training || label.known_at.is_none_or(|time| time <= split_time))
    };
    let train_labels: Vec<bool> = train.iter().map(|&i| known(i, true).is_some()).collect();
    let heldout_labels: Vec<bool> = heldout.iter().map(|&i| known(i, false).is_some()).collect();
    let part = |indices: &[usize], in_training: bool| {
        let mut sources = BTreeMap::new();
        for &i in indices {
            if let Some(label) = known(i, in_training) {
                *sources.entry(label.source.clone()).or_insert(0) += 1;
            }
        }
        Part {
            commits: indices.len(),
            labels: sources.values().sum(),
            sources,
            from: indices.first().map_or(0, |&i| judged[i].time),
            to: indices.last().map_or(0, |&i| judged[i].time),
        }
    };
    let train_part = part(&train, true);
    let heldout_part = part(&heldout, false);
    for (name, found, needed) in [
        ("training", train_part.labels, MIN_TRAIN_LABELS),
        ("held-out", heldout_part.labels, MIN_HELDOUT_LABELS),
    ] {
        if found < needed {
            return Err(Error::TooFewLabels {
                part: name,
                found,
                needed,
            });
        }
    }
    let labels_from_the_future = train
        .iter()
        .filter(|&&i| labels.get(i).is_some_and(Option::is_some) && known(i, true).is_none())
        .count();

    let Learned {
        weights: fitted,
        multipliers,
        tiers_fitted,
        tiers,
    } = learn(judged, &train, &train_labels, current, options)?;
    // Signals without a fitted weight (rare in training, or unseen) score at the policy's.
    let mut scoring = current.weights.clone();
    scoring.extend(fitted.iter().map(|(signal, weight)| (*signal, *weight)));
    let scores: Vec<f64> = judged
        .iter()
        .map(|change| points(&change.units, &scoring, &multipliers))
        .collect();

    let mut weights: Vec<Suggested<Signal>> = fitted
        .iter()
        .map(|(signal, suggested)| Suggested {
            key: *signal,
            current: current.weights.get(signal).copied().unwrap_or(0.0),
            suggested: *suggested,
        })
        .collect();
    weights.sort_by(|a, b| b.suggested.total_cmp(&a.suggested));
    let multipliers: Vec<Suggested<String>> = tiers
        .iter()
        // `default` is the yardstick (×1 in every policy), the whole change has no tier.
        .filter(|tier| tiers_fitted && !matches!(tier.as_str(), WHOLE_CHANGE | "default"))
        .map(|tier| Suggested {
            key: tier.clone(),
            current: current.multipliers.get(tier).copied().unwrap_or(1.0),
            suggested: multipliers.get(tier).copied().unwrap_or(1.0),
        })
        .collect();
    let evaluate = |score: &dyn Fn(usize) -> f64| {
        let entries: Vec<Entry> = heldout
            .iter()
            .zip(&heldout_labels)
            .map(|(&i, &reverted)| Entry {
                score: score(i),
                decision: Decision::Allow,
                reverted,
            })
            .collect();
        HeldOutRanking {
            curve: curve(&ranked_newest_first(&entries)).points,
            auc: auc(&entries),
        }
    };
    Ok(Fit {
        train: train_part,
        heldout: heldout_part,
        tiers_fitted,
        labels_from_the_future,
        weights,
        multipliers,
        before: evaluate(&|i| judged[i].score),
        after: evaluate(&|i| scores[i]),
        scores,
    })
}

/// What the regression settled on, in policy units.
struct Learned {
    weights: BTreeMap<Signal, f64>,
    multipliers: BTreeMap<String, f64>,
    tiers_fitted: bool,
    tiers: Vec<String>,
}

/// Fits the `train` commits (indices into `judged`) against `train_labels`.
fn learn(
    judged: &[Judged],
    train: &[usize],
    train_labels: &[bool],
    current: &Current,
    options: &Options,
) -> Result<Learned, Error> {
    let signals: Vec<Signal> = seen(train, judged, |units| units.signal)
        .into_iter()
        .filter(|signal| {
            train
                .iter()
                .filter(|&&i| judged[i].units.iter().any(|u| u.signal == *signal))
                .count()
                >= MIN_SUPPORT
        })
        .collect();
    let tiers = seen(train, judged, |units| units.tier.clone());
    let train_units: Vec<&[Units]> = train.iter().map(|&i| judged[i].units.as_slice()).collect();

    // Weights with today's multipliers, then multipliers with those weights, then the
    // weights again with the new multipliers: a fixed two-and-a-half rounds, so the result
    // does not depend on when a loop happened to stop.
    let first = fit_weights(
        &train_units,
        train_labels,
        &signals,
        &current.multipliers,
        options,
    );
    let fitted_tiers = fit_multipliers(
        &train_units,
        train_labels,
        &tiers,
        &signals,
        &first,
        options,
    );
    let multipliers = fitted_tiers
        .clone()
        .unwrap_or_else(|| current.multipliers.clone());
    let model = fit_weights(&train_units, train_labels, &signals, &multipliers, options);
    if model.coefficients.iter().all(|beta| *beta == 0.0) {
        return Err(Error::NothingPredicts);
    }
    let raw: BTreeMap<Signal, f64> = signals
        .iter()
        .copied()
        .zip(model.coefficients.iter().copied())
        .collect();
    let raw_score = |units: &[Units]| points(units, &raw, &multipliers);
    // Same mean score on the training part as today: the thresholds keep their meaning.
    let mean_now = mean(train.iter().map(|&i| judged[i].score));
    let mean_raw = mean(train_units.iter().map(|units| raw_score(units)));
    let scale = if mean_raw > 0.0 && mean_now > 0.0 {
        mean_now / mean_raw
    } else {
        1.0
    };
    let fitted: BTreeMap<Signal, f64> = raw.iter().map(|(s, beta)| (*s, beta * scale)).collect();

    Ok(Learned {
        weights: fitted,
        multipliers,
        tiers_fitted: fitted_tiers.is_some(),
        tiers,
    })
}

/// Indices of the training (older) and held-out (newer) commits, each oldest first. Judged
/// commits come newest first; committer times can be out of order, so they are sorted,
/// ties kept in walk order.
fn split(judged: &[Judged], holdout: f64) -> (Vec<usize>, Vec<usize>) {
    let mut order: Vec<usize> = (0..judged.len()).rev().collect();
    order.sort_by_key(|&i| judged[i].time);
    let held = super::curve::top(holdout, order.len());
    let newer = order.split_off(order.len() - held);
    (order, newer)
}

/// Held-out entries back in newest-first order, as the replay's own curve ranks ties.
fn ranked_newest_first(entries: &[Entry]) -> Vec<Entry> {
    entries.iter().rev().copied().collect()
}

/// The distinct keys the training commits' units have, sorted.
fn seen<K: Ord + Clone>(train: &[usize], judged: &[Judged], key: impl Fn(&Units) -> K) -> Vec<K> {
    let mut keys: Vec<K> = train
        .iter()
        .flat_map(|&i| judged[i].units.iter().map(&key))
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// One column per signal: its units across tiers, each tier at `multipliers`.
fn fit_weights(
    train: &[&[Units]],
    labels: &[bool],
    signals: &[Signal],
    multipliers: &BTreeMap<String, f64>,
    options: &Options,
) -> Model {
    let rows: Vec<Vec<f64>> = train
        .iter()
        .map(|units| {
            signals
                .iter()
                .map(|signal| {
                    units
                        .iter()
                        .filter(|u| u.signal == *signal)
                        .map(|u| u.units * multiplier(multipliers, &u.tier))
                        .sum()
                })
                .collect()
        })
        .collect();
    fit_logistic::fit(&rows, labels, &options.regression)
}

/// One column per tier: its units at the `model`'s weights. Multipliers come out relative to
/// the `default` tier (×1 in every policy); `None` when that tier got no weight to compare with.
fn fit_multipliers(
    train: &[&[Units]],
    labels: &[bool],
    tiers: &[String],
    signals: &[Signal],
    model: &Model,
    options: &Options,
) -> Option<BTreeMap<String, f64>> {
    let weight = |signal: Signal| {
        signals
            .iter()
            .position(|s| *s == signal)
            .map_or(0.0, |index| model.coefficients[index])
    };
    let rows: Vec<Vec<f64>> = train
        .iter()
        .map(|units| {
            tiers
                .iter()
                .map(|tier| {
                    units
                        .iter()
                        .filter(|u| &u.tier == tier)
                        .map(|u| u.units * weight(u.signal))
                        .sum()
                })
                .collect()
        })
        .collect();
    let tier_model = fit_logistic::fit(&rows, labels, &options.regression);
    let default = tiers
        .iter()
        .position(|tier| tier == "default")
        .map(|index| tier_model.coefficients[index])
        .filter(|gamma| *gamma > 0.0)?;
    let mut table: BTreeMap<String, f64> = tiers
        .iter()
        .zip(&tier_model.coefficients)
        .map(|(tier, gamma)| (tier.clone(), (gamma / default).max(MIN_MULTIPLIER)))
        .collect();
    table.insert(WHOLE_CHANGE.to_string(), 1.0);
    Some(table)
}

/// A commit's score under `weights` and `multipliers`, caps aside.
fn points(
    units: &[Units],
    weights: &BTreeMap<Signal, f64>,
    multipliers: &BTreeMap<String, f64>,
) -> f64 {
    units
        .iter()
        .map(|u| {
            weights.get(&u.signal).copied().unwrap_or(0.0)
                * u.units
                * multiplier(multipliers, &u.tier)
        })
        .sum()
}

fn multiplier(multipliers: &BTreeMap<String, f64>, tier: &str) -> f64 {
    multipliers.get(tier).copied().unwrap_or(1.0)
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, count) = values.fold((0.0, 0_usize), |(sum, count), v| (sum + v, count + 1));
    if count == 0 { 0.0 } else { sum / count as f64 }
}

/// ROC AUC by the rank-sum: the chance that a labelled commit outscores an unlabelled one,
/// ties counting half.
#[must_use]
pub fn auc(entries: &[Entry]) -> Option<f64> {
    let positives: Vec<f64> = entries
        .iter()
        .filter(|e| e.reverted)
        .map(|e| e.score)
        .collect();
    let mut negatives: Vec<f64> = entries
        .iter()
        .filter(|e| !e.reverted)
        .map(|e| e.score)
        .collect();
    if positives.is_empty() || negatives.is_empty() {
        return None;
    }
    negatives.sort_by(f64::total_cmp);
    let mut wins = 0.0;
    for score in &positives {
        let below = negatives.partition_point(|n| n < score);
        let not_above = negatives.partition_point(|n| n <= score);
        wins += below as f64 + (not_above - below) as f64 / 2.0;
    }
    Some(wins / (positives.len() as f64 * negatives.len() as f64))
}

#[cfg(test)]
mod tests {
    use git2::Oid;

    use super::*;
    use crate::vocabulary::Authorship;

    /// A judged commit at `time` with `units` of `signal` in the default tier.
    fn change(time: i64, signal: Signal, units: f64) -> Judged {
        Judged {
            oid: Oid::ZERO_SHA1,
            summary: String::new(),
            time,
            score: units,
            decision: Decision::Allow,
            score_without_history: units,
            decision_without_history: Decision::Allow,
            ai: false,
            authorship: Authorship::Unknown,
            rule_decision: None,
            block_line: None,
            tier: "default".to_string(),
            seconds: 0.0,
            lines: 0,
            units: vec![
                Units {
                    signal,
                    tier: "default".to_string(),
                    units,
                },
                Units {
                    signal: Signal::LinesAdded,
                    tier: "default".to_string(),
                    units: f64::from(u8::try_from(time % 7).unwrap_or(0)),
                },
            ],
        }
    }

    fn current() -> Current {
        Current {
            weights: BTreeMap::new(),
            multipliers: BTreeMap::from([("default".to_string(), 1.0)]),
        }
    }

    /// 100 commits, newest first; every fifth has a binary file and is labelled, known
    /// `delay` seconds later.
    fn history(delay: i64) -> (Vec<Judged>, Vec<Option<FitLabel>>) {
        let mut judged = Vec::new();
        let mut labels = Vec::new();
        for time in (0..100_i64).rev() {
            let risky = time % 5 == 0;
            let units = if risky { 1.0 } else { 0.0 };
            judged.push(change(time, Signal::BinaryFile, units));
            labels.push(risky.then(|| FitLabel {
                source: "revert".to_string(),
                known_at: Some(time + delay),
            }));
        }
        (judged, labels)
    }

    /// The older 70 commits train, the newer 30 are held out; the labelled signal gets the
    /// top weight and the held-out ranking is perfect.
    #[test]
    fn trains_on_the_older_part_and_finds_the_signal() {
        let (judged, labels) = history(0);
        let fit = fit(&judged, &labels, &current(), &Options::default()).expect("fits");
        assert_eq!((fit.train.commits, fit.heldout.commits), (70, 30));
        assert_eq!((fit.train.from, fit.train.to), (0, 69));
        assert_eq!((fit.train.labels, fit.heldout.labels), (14, 6));
        assert_eq!(fit.weights[0].key, Signal::BinaryFile);
        assert_eq!(fit.after.auc, Some(1.0));
        assert_eq!(fit.scores.len(), 100);
    }

    /// A signal on two training commits that both happen to be labelled separates them
    /// perfectly; below the support floor it gets no fitted weight and scores at the policy's.
    #[test]
    fn rare_signals_keep_the_policy_weight() {
        let (mut judged, labels) = history(0);
        // Commits at times 10 and 20 (labelled, in training) also hold a secret exposure.
        for commit in &mut judged {
            if commit.time == 10 || commit.time == 20 {
                commit.units.push(Units {
                    signal: Signal::SecretsExposed,
                    tier: "default".to_string(),
                    units: 1.0,
                });
            }
        }
        let mut now = current();
        now.weights.insert(Signal::SecretsExposed, 40.0);
        let fit = fit(&judged, &labels, &now, &Options::default()).expect("fits");
        assert!(
            fit.weights.iter().all(|w| w.key != Signal::SecretsExposed),
            "{:?}",
            fit.weights
        );
        assert_eq!(fit.weights[0].key, Signal::BinaryFile);
        let at = |time: i64| {
            let i = judged.iter().position(|c| c.time == time).expect("commit");
            fit.scores[i]
        };
        assert!(
            (at(10) - at(15) - 40.0).abs() < 1e-9,
            "{} {}",
            at(10),
            at(15)
        );
    }

    /// A tier whose findings predict the labels better than the `default` tier's gets a
    /// multiplier above 1, and the weights are fitted with it.
    #[test]
    fn a_predictive_tier_gets_a_higher_multiplier() {
        let mut judged = Vec::new();
        let mut labels = Vec::new();
        for time in (0..100_i64).rev() {
            let risky = time % 5 == 0;
            let mut commit = change(time, Signal::LinesAdded, 0.0);
            let varied = f64::from(u8::try_from(time % 4).unwrap_or(0));
            let (default, critical) = if risky { (2.0, 2.0) } else { (varied, 0.0) };
            commit.units = vec![
                Units {
                    signal: Signal::LinesAdded,
                    tier: "critical".to_string(),
                    units: critical + if time % 7 == 0 { 1.0 } else { 0.0 },
                },
                Units {
                    signal: Signal::LinesAdded,
                    tier: "default".to_string(),
                    units: default,
                },
            ];
            judged.push(commit);
            labels.push(risky.then(|| FitLabel {
                source: "revert".to_string(),
                known_at: None,
            }));
        }
        let mut now = current();
        now.multipliers.insert("critical".to_string(), 1.0);
        let fit = fit(&judged, &labels, &now, &Options::default()).expect("fits");
        assert!(fit.tiers_fitted);
        assert_eq!(fit.multipliers.len(), 1, "{:?}", fit.multipliers);
        assert_eq!(fit.multipliers[0].key, "critical");
        assert!(fit.multipliers[0].suggested > 2.0, "{:?}", fit.multipliers);
    }

    /// Labels that appear only after the training part ends are not trained on: with a
    /// 40-second delay the last 8 training labels are the future, and too few remain.
    #[test]
    fn labels_from_the_future_are_not_trained_on() {
        let (judged, labels) = history(40);
        let error = fit(&judged, &labels, &current(), &Options::default()).expect_err("refuses");
        assert_eq!(
            error,
            Error::TooFewLabels {
                part: "training",
                found: 6,
                needed: MIN_TRAIN_LABELS
            }
        );
        let (judged, labels) = history(5);
        let fit = fit(&judged, &labels, &current(), &Options::default()).expect("fits");
        assert_eq!(fit.labels_from_the_future, 1);
        assert_eq!(fit.train.labels, 13);
    }

    fn entry(score: f64, reverted: bool) -> Entry {
        Entry {
            score,
            decision: Decision::Allow,
            reverted,
        }
    }

    /// Perfect ranking is 1, inverted 0, all tied ½.
    #[test]
    fn auc_counts_pairs_and_ties() {
        let perfect = [entry(3.0, true), entry(1.0, false), entry(2.0, false)];
        assert_eq!(auc(&perfect), Some(1.0));
        let inverted = [entry(0.0, true), entry(1.0, false)];
        assert_eq!(auc(&inverted), Some(0.0));
        let tied = [entry(1.0, true), entry(1.0, false), entry(1.0, false)];
        assert_eq!(auc(&tied), Some(0.5));
        assert_eq!(auc(&[entry(1.0, false)]), None);
    }
}
