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
pub mod fit_replay;
mod judge;
mod load;
pub mod metrics;
pub mod shard;
pub mod szz;
mod szz_blame;
mod szz_pick;
pub mod szz_scope;
mod verdicts;
mod walk;

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use git2::Oid;

pub use calibrate::{BLOCK_SHARE, Calibration, calibrate};
pub use curve::{Curve, Entry, Point, SHARES, curve, share};
pub use fit_features::Units;
pub use fit_replay::Fitted;
pub use judge::{Judged, Unjudged};
pub use load::{Bucket, Load, load};
pub use metrics::Metrics;
pub use shard::Shard;
pub use szz::{Label, LabelSource, Labels};
pub use walk::Selection;

use crate::analyze::recently_reverted::reverts;
use crate::diff;
use crate::gate::{self, Judging};

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
    /// Judge only this deterministic slice of the history (`--shard K/N`).
    pub shard: Option<Shard>,
    /// How commits are labelled (bug-fix sources, window, quick reverts).
    pub labels: szz::Options,
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
    pub kind: reverts::Undo,
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
    /// Every label on a judged commit (reverts, named fixes, fix-inducing), by commit.
    pub labels: Vec<Label>,
    /// How many labels each source gave, and the fix-inducing evidence.
    pub labelling: Labels,
    /// Curve, AUC and precision/recall by class, by commit and by changed lines.
    pub metrics: Metrics,
    /// Fitted weights, when asked for.
    pub fitted: Option<Fitted>,
    /// Wall-clock seconds for the whole replay (a merged replay: the shards' sum).
    pub seconds: f64,
    /// `replay.review_minutes` of the policy in force at the newest commit; `None` when that
    /// policy could not be read (the capacity picture then says so).
    pub review_minutes: Option<f64>,
    /// Where a sharded run's commits sit in the whole history; `None` for a whole run.
    pub shard: Option<shard::Placement>,
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
    #[error("{what}: {error}")]
    Git {
        /// What was being done.
        what: &'static str,
        /// libgit2's error, quoted in the message.
        error: git2::Error,
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
        move |error| Error::Git { what, error }
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
    let repo = crate::git::open(dir)?;
    let history = describe(&options.selection, options.first_parent);
    let walked = walk::walk(&repo, &options.selection, options.first_parent)?;
    if walked.units.is_empty() {
        return Err(Error::Empty { history });
    }
    let (links, truth) = label(&repo, &walked, &options.labels)?;
    let by_target = reverts::by_target(&links);
    // The policy in force at the newest commit: its review minutes for the capacity picture,
    // and the starting point of a fit (which cannot do without it; the report can).
    let newest_policy = gate::policy_at(&repo, Some(walked.units[0].oid.into()), &options.judging);
    let review_minutes = newest_policy
        .as_ref()
        .ok()
        .map(|policy| policy.replay.review_minutes);
    // A shard judges its slice of the walk; reverts were looked for in the whole range above.
    let positions = shard::positions(walked.units.len(), options.shard);
    let units: Vec<walk::Unit> = positions
        .iter()
        .map(|&position| walked.units[position].clone())
        .collect();
    let fit_policy = match &options.fit {
        Some(_) => Some(newest_policy.map_err(|error| Error::FitPolicy(Box::new(error)))?),
        None => None,
    };
    // A shard carries the fit's inputs, so that `replay merge --fit` can fit the whole range.
    let with_units = options.fit.is_some() || options.shard.is_some();
    let verdicts =
        verdicts::Verdicts::open(&repo, options.judging.policy_file.as_deref(), with_units);
    let results = judge::judge_all(
        &repo,
        &units,
        &options.judging,
        with_units,
        &verdicts,
        progress,
    );

    let mut judged = Vec::new();
    let mut unjudged = Vec::new();
    let mut undone = Vec::new();
    let (mut judged_at, mut unjudged_at) = (Vec::new(), Vec::new());
    for ((unit, result), position) in units.iter().zip(results).zip(positions) {
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
                judged_at.push(position);
            }
            Err(failed) => {
                unjudged.push(failed);
                unjudged_at.push(position);
            }
        }
    }
    let mut replay = summarise(
        Parts {
            history,
            first_parent: options.first_parent,
            judged,
            unjudged,
            merges_skipped: walked.merges_skipped,
            undone,
            seconds: started.elapsed().as_secs_f64(),
            review_minutes,
            labels: truth.labels,
            labelling: truth.summary,
        },
        options.calibrate,
    );
    if let (Some(fit_options), Some(policy)) = (&options.fit, fit_policy) {
        fit_replay::attach(&mut replay, fit_options, policy, options.calibrate);
    }
    replay.shard = options.shard.map(|slice| shard::Placement {
        shard: slice,
        units: walked.units.len(),
        fingerprint: shard::fingerprint(&walked.units),
        judged_at,
        unjudged_at,
    });
    Ok(replay)
}

/// What judging produced, before the curves, load and calibration are worked out.
#[derive(Debug, Clone)]
pub(crate) struct Parts {
    history: String,
    first_parent: bool,
    judged: Vec<Judged>,
    unjudged: Vec<Unjudged>,
    merges_skipped: usize,
    undone: Vec<Undone>,
    seconds: f64,
    review_minutes: Option<f64>,
    labels: Vec<Label>,
    labelling: Labels,
}

/// The ground truth of the walk: the reverts and named fixes, and the labels from them and
/// (with fix sources) from SZZ.
fn label(
    repo: &git2::Repository,
    walked: &walk::History,
    options: &szz::Options,
) -> Result<(Vec<reverts::Link>, szz::Truth), Error> {
    let mut links = {
        let messages: Vec<reverts::Message<'_>> = walked
            .messages
            .iter()
            .map(|(id, text)| reverts::Message { id, text })
            .collect();
        reverts::find(&messages)
    };
    let quick_reverts = szz::drop_quick_reverts(repo, &mut links, options.quick_revert_minutes)?;
    // The labels cover every unit of the walk, so each shard finds the same ground truth as
    // an unsharded run. Blame stops at the parent of the oldest unit: older lines label
    // nothing.
    let members: Vec<(Oid, &[Oid])> = walked
        .units
        .iter()
        .map(|unit| (unit.oid, unit.members.as_slice()))
        .collect();
    let oldest = walked.units.last().and_then(|unit| unit.parent);
    let truth = szz::ground_truth(
        repo,
        &walked.messages,
        &links,
        &members,
        oldest,
        options,
        quick_reverts,
    );
    Ok((links, truth))
}

/// The curves, load and calibration of judged commits: one function for a whole run and for
/// merged shards, so both give the same report.
fn summarise(parts: Parts, calibrate_for: Option<f64>) -> Replay {
    let Parts {
        history,
        first_parent,
        judged,
        unjudged,
        merges_skipped,
        undone,
        seconds,
        review_minutes,
        labels,
        labelling,
    } = parts;
    let reverted: Vec<bool> = judged
        .iter()
        .map(|change| !szz::sources_of(&labels, change.oid).is_empty())
        .collect();
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
    Replay {
        fitted: None,
        history,
        first_parent,
        curve: curve(&entries(true)),
        curve_without_history: curve(&entries(false)),
        load: load(&judged),
        calibration: calibrate_for.map(|target| calibrate(&judged, &reverted, target)),
        metrics: metrics::measure(&judged, &reverted),
        labels,
        labelling,
        judged,
        unjudged,
        merges_skipped,
        undone,
        seconds,
        review_minutes,
        shard: None,
    }
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
