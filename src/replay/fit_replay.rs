//! `replay --fit` inside a replay: labels from what the replay found, the policy in force at
//! the newest commit as the starting point, and (with `--calibrate`) thresholds calibrated on
//! the fitted scores.

use git2::{Oid, Repository};

use crate::gate::{self, Judging};
use crate::policy::Policy;

use super::Undone;
use super::calibrate::{Calibration, calibrate};
use super::fit::{self, Current, Fit, Label};
use super::fit_features::multipliers;
use super::judge::Judged;

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

/// Labels from later reverts and hot fixes, each known from its undoing commit's time.
#[must_use]
pub fn revert_labels(
    repo: &Repository,
    judged: &[Judged],
    undone: &[Undone],
) -> Vec<Option<Label>> {
    let mut labels = vec![None; judged.len()];
    for entry in undone {
        let known_at = Oid::from_str(&entry.by)
            .and_then(|oid| repo.find_commit(oid))
            // An undoing commit that cannot be read is dated at the newest commit: the
            // latest moment the replay knows, so it never leaks into training too early.
            .map_or_else(
                |_| judged.first().map_or(i64::MAX, |change| change.time),
                |commit| commit.time().seconds(),
            );
        labels[entry.index] = Some(Label {
            source: entry.kind.as_str().to_string(),
            known_at: Some(known_at),
        });
    }
    labels
}

/// Fits `judged` against `labels`, starting from the policy at the newest judged commit.
///
/// # Errors
/// When that policy cannot be loaded (it judged the commit, so this is a repository error).
pub fn run(
    repo: &Repository,
    judged: &[Judged],
    labels: &[Option<Label>],
    judging: &Judging,
    options: &fit::Options,
    calibrate_to: Option<f64>,
) -> Result<Fitted, gate::Error> {
    let newest = judged.first().map(|change| change.oid);
    let policy = gate::policy_at(repo, newest, judging)?;
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
    Ok(Fitted {
        fit,
        policy,
        calibration,
    })
}
