//! `blastgate replay`: the policy judged on every commit of a history, as it would have run
//! at the time, against what actually happened later (reverts and hot fixes).
//!
//! Another way of building change sets and combining verdicts: each commit goes through
//! [`crate::gate::commit`] (the commit against its first parent, the policy of the parent's
//! tree), in parallel. The results become the decision counts, the review load, the gating
//! curve (with and without the history-aware signal), the slowest commits and, on request,
//! a threshold calibration. A report, never a gate: nothing is blocked and nothing is edited.

mod calibrate;
mod curve;
pub mod fit;
mod fit_features;
pub mod fit_logistic;
mod fit_replay;
pub mod fit_report;
mod judge;
mod load;
pub mod report;
mod walk;

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use git2::Oid;

pub use calibrate::{BLOCK_SHARE, Calibration, calibrate};
pub use curve::{Curve, Entry, Point, SHARES, curve};
pub use fit_features::Units;
pub use fit_replay::Fitted;
pub use judge::{Judged, Unjudged};
pub use load::{Bucket, Load, load};
pub use walk::Selection;

use crate::analyze::history::reverts;
use crate::diff;
use crate::gate::Judging;

/// How many of the slowest commits the report lists.
pub const SLOWEST: usize = 5;

/// What to replay and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// The history.
    pub selection: Selection,
    /// Judge the first-parent chain (merges included) instead of every non-merge commit.
    pub first_parent: bool,
    /// Policy file override.
    pub judging: Judging,
    /// Also suggest thresholds for this review load (share of AI-assisted changes).
    pub calibrate: Option<f64>,
    /// Fit weights to the labels (`--fit`).
    pub fit: Option<fit::Options>,
}

/// A judged commit that was later undone.
#[derive(Debug, Clone)]
pub struct Undone {
    /// Index into [`Replay::judged`].
    pub index: usize,
    /// The commit that undid it (full id).
    pub by: String,
    /// Reverted or fixed.
    pub kind: reverts::Kind,
}

/// Everything a replay found.
#[derive(Debug, Clone)]
pub struct Replay {
    /// What was replayed, in words (`the last 200 commits of HEAD`).
    pub history: String,
    /// `--first-parent` was given.
    pub first_parent: bool,
    /// Judged commits, newest first.
    pub judged: Vec<Judged>,
    /// Commits that could not be judged (e.g. an invalid policy at the time).
    pub unjudged: Vec<Unjudged>,
    /// Merge commits left out (without `--first-parent`).
    pub merges_skipped: usize,
    /// Judged commits that were later reverted or hot-fixed, newest first.
    pub undone: Vec<Undone>,
    /// The gating curve with every signal.
    pub curve: Curve,
    /// The gating curve without the history-aware signal.
    pub curve_without_history: Curve,
    /// Review load.
    pub load: Load,
    /// Threshold suggestion, when asked for.
    pub calibration: Option<Calibration>,
    /// Fitted weights, when asked for.
    pub fitted: Option<Fitted>,
    /// Wall-clock seconds for the whole replay.
    pub seconds: f64,
}

impl Replay {
    /// Indices into [`Replay::judged`] of the slowest evaluations, slowest first.
    #[must_use]
    pub fn slowest(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.judged.len()).collect();
        order.sort_by(|a, b| self.judged[*b].seconds.total_cmp(&self.judged[*a].seconds));
        order.truncate(SLOWEST);
        order
    }
}

/// Errors that stop a replay before it can start.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Opening the repository or resolving a revision failed.
    #[error(transparent)]
    Diff(#[from] diff::Error),
    /// Walking the history failed.
    #[error("{what}: {source}")]
    Git {
        /// What was being done.
        what: &'static str,
        /// libgit2's error.
        source: git2::Error,
    },
    /// A `--range` that is not `A..B` (or one revision).
    #[error("--range `{spec}` is not a range: give `A..B` (two dots) or one revision")]
    BadRange {
        /// As given.
        spec: String,
    },
    /// The policy the fit starts from could not be loaded.
    #[error("loading the policy at the newest commit for --fit")]
    FitPolicy(#[source] Box<crate::gate::Error>),
    /// Nothing to judge.
    #[error("{history} has no commits to judge")]
    Empty {
        /// The history, in words.
        history: String,
    },
}

impl Error {
    fn git(what: &'static str) -> impl Fn(git2::Error) -> Error {
        move |source| Error::Git { what, source }
    }
}

/// Replays the history `options` selects in the repository at `dir`; `progress(done, total)`
/// is called as commits are judged.
pub fn run(
    dir: &Path,
    options: &Options,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Replay, Error> {
    let started = Instant::now();
    let repo = diff::open(dir)?;
    let history = describe(&options.selection, options.first_parent);
    let walked = walk::walk(&repo, &options.selection, options.first_parent)?;
    if walked.units.is_empty() {
        return Err(Error::Empty { history });
    }
    let links = {
        let messages: Vec<reverts::Message<'_>> = walked
            .messages
            .iter()
            .map(|(id, text)| reverts::Message { id, text })
            .collect();
        reverts::find(&messages)
    };
    let by_target = reverts::by_target(&links);
    let results = judge::judge_all(
        &repo,
        &walked.units,
        &options.judging,
        options.fit.is_some(),
        progress,
    );

    let mut judged = Vec::new();
    let mut unjudged = Vec::new();
    let mut undone = Vec::new();
    for (unit, result) in walked.units.iter().zip(results) {
        match result {
            Ok(done) => {
                if let Some(link) = first_link(&unit.members, &by_target) {
                    undone.push(Undone {
                        index: judged.len(),
                        by: link.by.clone(),
                        kind: link.kind,
                    });
                }
                judged.push(done);
            }
            Err(failed) => unjudged.push(failed),
        }
    }
    let mut reverted = vec![false; judged.len()];
    for entry in &undone {
        reverted[entry.index] = true;
    }
    let entries = |with_history: bool| -> Vec<Entry> {
        judged
            .iter()
            .zip(&reverted)
            .map(|(change, reverted)| Entry {
                score: if with_history {
                    change.score
                } else {
                    change.score_without_history
                },
                decision: if with_history {
                    change.decision
                } else {
                    change.decision_without_history
                },
                reverted: *reverted,
            })
            .collect()
    };
    let fitted = match &options.fit {
        Some(fit_options) => {
            let labels = fit_replay::revert_labels(&repo, &judged, &undone);
            Some(
                fit_replay::run(
                    &repo,
                    &judged,
                    &labels,
                    &options.judging,
                    fit_options,
                    options.calibrate,
                )
                .map_err(|error| Error::FitPolicy(Box::new(error)))?,
            )
        }
        None => None,
    };
    Ok(Replay {
        fitted,
        history,
        first_parent: options.first_parent,
        curve: curve(&entries(true)),
        curve_without_history: curve(&entries(false)),
        load: load(&judged),
        calibration: options
            .calibrate
            .map(|target| calibrate(&judged, &reverted, target)),
        judged,
        unjudged,
        merges_skipped: walked.merges_skipped,
        undone,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The newest revert or fix of any of `members`.
fn first_link<'a>(
    members: &[Oid],
    by_target: &HashMap<&str, &'a reverts::Link>,
) -> Option<&'a reverts::Link> {
    members
        .iter()
        .find_map(|oid| by_target.get(oid.to_string().as_str()).copied())
}

fn describe(selection: &Selection, first_parent: bool) -> String {
    let what = if first_parent {
        "first-parent commits"
    } else {
        "commits"
    };
    match selection {
        Selection::Last(count) => format!("the last {count} {what} of HEAD"),
        Selection::Range(spec) => format!("the {what} of {spec}"),
    }
}
