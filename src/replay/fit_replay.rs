//! `replay --fit` inside a replay: labels from what the replay found, the policy in force at
//! the newest commit as the starting point, and (with `--calibrate`) thresholds calibrated on
//! the fitted scores.

use crate::policy::Policy;

use super::calibrate::{Calibration, calibrate};
use super::fit::{self, Current, Fit, FitLabel};
use super::fit_features::multipliers;
use super::judge::Judged;
use super::{Replay, szz};

/// A fit and what it was measured against.
#[derive(Debug, Clone)]
pub struct Fitted {
    /// The fit, or why there is none.
    pub fit: Result<Fit, fit::Error>,
    /// The policy in force at the newest judged commit: the one the suggestion amends.
    pub policy: Policy,
    /// Thresholds for the target load on the fitted scores, when asked for.
    pub calibration: Option<Calibration>,
}

/// The fit's label per judged commit, from the replay's labels (reverts, named fixes,
/// SZZ fix-inducing): the earliest evidence counts, and it is known from that commit's time.
#[must_use]
pub fn labels(judged: &[Judged], labels: &[szz::Label]) -> Vec<Option<FitLabel>> {
    judged
        .iter()
        .map(|change| {
            szz::labels_of(labels, change.oid)
                .iter()
                .min_by_key(|label| label.known_at)
                .map(|label| FitLabel {
                    source: label.source.as_str().to_string(),
                    known_at: Some(label.known_at),
                })
        })
        .collect()
}

/// Fits `replay`'s judged commits against its labels, starting from `policy` (the policy in
/// force at the newest judged commit), and puts the result in `replay.fitted`. Shared by a
/// whole run and by `replay merge`, so both fit the same inputs.
pub fn attach(
    replay: &mut Replay,
    options: &fit::Options,
    policy: Policy,
    calibrate_to: Option<f64>,
) {
    let labels = labels(&replay.judged, &replay.labels);
    replay.fitted = Some(run(&replay.judged, &labels, policy, options, calibrate_to));
}

/// Fits `judged` against `labels`, starting from `policy`.
fn run(
    judged: &[Judged],
    labels: &[Option<FitLabel>],
    policy: Policy,
    options: &fit::Options,
    calibrate_to: Option<f64>,
) -> Fitted {
    let current = Current {
        weights: policy.weights.clone(),
        multipliers: multipliers(&policy),
    };
    let fit = fit::fit(judged, labels, &current, options);
    let calibration = match (&fit, calibrate_to) {
        (Ok(fit), Some(target)) => {
            let rescored: Vec<Judged> = judged
                .iter()
                .zip(&fit.scores)
                .map(|(change, score)| Judged {
                    score: *score,
                    block_line: None,
                    ..change.clone()
                })
                .collect();
            let flags: Vec<bool> = labels.iter().map(Option::is_some).collect();
            Some(calibrate(&rescored, &flags, target))
        }
        _ => None,
    };
    Fitted {
        fit,
        policy,
        calibration,
    }
}
