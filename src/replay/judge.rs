//! Judging every commit of a history, in parallel, each as the gate would have judged it then.
//!
//! One repository handle per worker thread (libgit2 handles are not shared between threads);
//! policies are parsed once per distinct `.blastgate.yaml` blob; the per-blob analysis cache
//! is shared through the git directory as for `check`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use git2::{Oid, Repository};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::analyze::{Fact, Facts};
use crate::decide;
use crate::gate::{self, Evaluation, Judging};
use crate::git::CommitId;
use crate::policy::{self, Policy};
use crate::score;
use crate::signal::Signal;
use crate::vocabulary::{Authorship, Decision};

use super::fit_features::{self, Units};
use super::verdicts::Verdicts;
use super::walk::Unit;

/// One judged commit, reduced to what the replay reports need (and what a shard file
/// carries to `replay merge`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Judged {
    /// The commit.
    #[serde(with = "super::shard::oid")]
    pub oid: Oid,
    /// First line of its message.
    pub summary: String,
    /// Committer time, seconds since the epoch.
    pub time: i64,
    /// Score with every signal.
    pub score: f64,
    /// The decision with every signal.
    pub decision: Decision,
    /// Score without the history-aware signal (`recently-reverted`).
    pub score_without_history: f64,
    /// The decision without the history-aware signal.
    pub decision_without_history: Decision,
    /// Judged with the AI thresholds.
    pub ai: bool,
    /// Who provenance says wrote it (`ai` may also come from the policy's `unattributed`).
    pub authorship: Authorship,
    /// The hardest decision a hard rule forced, if any.
    pub rule_decision: Option<Decision>,
    /// The block line of the class it was judged in.
    pub block_line: Option<f64>,
    /// The tier with the highest multiplier among its files (`default` when none matched).
    pub tier: String,
    /// Seconds the evaluation took.
    pub seconds: f64,
    /// Lines added plus lines deleted: the review effort, for effort-aware metrics.
    pub lines: usize,
    /// Saturated units per signal and tier, for `--fit` (empty without it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<Units>,
}

/// A commit that could not be judged, and why.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Unjudged {
    /// The commit.
    #[serde(with = "super::shard::oid")]
    pub oid: Oid,
    /// First line of its message.
    pub summary: String,
    /// The error, in one line.
    pub error: String,
}

/// Judges every unit, or takes its judgement from `verdicts`; `progress(done, total)` is
/// called after each one (from worker threads).
pub fn judge_all(
    repo: &Repository,
    units: &[Unit],
    judging: &Judging,
    with_units: bool,
    verdicts: &Verdicts,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Vec<Result<Judged, Unjudged>> {
    let done = AtomicUsize::new(0);
    let git_dir = repo.path().to_path_buf();
    units
        .par_iter()
        .map_init(
            || (Repository::open(&git_dir), HashMap::new()),
            |(repo, policies), unit| {
                let result = match repo {
                    Ok(repo) => kept_or_judged(repo, unit, judging, with_units, verdicts, policies),
                    Err(error) => Err(error.message().to_string()),
                };
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, units.len());
                result.map_err(|error| Unjudged {
                    oid: unit.oid,
                    summary: unit.summary.clone(),
                    error,
                })
            },
        )
        .collect()
}

/// Policies by the blob id of `.blastgate.yaml` in the parent's tree (`None`: no file there).
type Policies = HashMap<Option<Oid>, Policy>;

/// The kept judgement of `unit`, or a new one (then kept).
fn kept_or_judged(
    repo: &Repository,
    unit: &Unit,
    judging: &Judging,
    with_units: bool,
    verdicts: &Verdicts,
    policies: &mut Policies,
) -> Result<Judged, String> {
    let blob = policy_blob(repo, unit.parent, judging)?;
    if let Some(kept) = verdicts.get(unit, blob) {
        return Ok(kept);
    }
    let judged = judge(repo, unit, judging, with_units, blob, policies)?;
    verdicts.put(unit, blob, &judged);
    Ok(judged)
}

fn judge(
    repo: &Repository,
    unit: &Unit,
    judging: &Judging,
    with_units: bool,
    blob: Option<Oid>,
    policies: &mut Policies,
) -> Result<Judged, String> {
    let started = Instant::now();
    let policy = policy_for(repo, unit.parent, judging, blob, policies)?;
    let evaluation = gate::commit(
        repo,
        unit.oid.into(),
        unit.parent.map(CommitId::from),
        policy,
    )
    .map_err(|error| error.to_string())?;
    let (score_without_history, decision_without_history) = without_history(&evaluation, unit);
    Ok(Judged {
        oid: unit.oid,
        summary: unit.summary.clone(),
        time: unit.time,
        score: evaluation.score.total,
        decision: evaluation.verdict.decision,
        score_without_history,
        decision_without_history,
        ai: evaluation.verdict.treated_as_ai,
        authorship: evaluation.provenance.authorship,
        rule_decision: evaluation
            .verdict
            .rule_hits
            .iter()
            .map(|hit| hit.decision)
            .max(),
        block_line: evaluation.verdict.thresholds.block,
        tier: top_tier(&evaluation),
        seconds: started.elapsed().as_secs_f64(),
        lines: evaluation
            .change
            .files
            .iter()
            .map(|file| file.additions() + file.deletions())
            .sum(),
        units: if with_units {
            fit_features::units(&evaluation.facts, &evaluation.policy)
        } else {
            Vec::new()
        },
    })
}

/// The blob of `.blastgate.yaml` in the parent's tree: which policy judges the unit (`None`
/// with `--policy FILE`, for a root commit, or when the tree has none).
fn policy_blob(
    repo: &Repository,
    parent: Option<Oid>,
    judging: &Judging,
) -> Result<Option<Oid>, String> {
    Ok(match (&judging.policy_file, parent) {
        (None, Some(parent)) => repo
            .find_commit(parent)
            .and_then(|commit| commit.tree())
            .map_err(|error| error.message().to_string())?
            .get_name(policy::FILE_NAME)
            .map(|entry| entry.id()),
        _ => None,
    })
}

fn policy_for(
    repo: &Repository,
    parent: Option<Oid>,
    judging: &Judging,
    blob: Option<Oid>,
    policies: &mut Policies,
) -> Result<Policy, String> {
    if let Some(policy) = policies.get(&blob) {
        return Ok(policy.clone());
    }
    let policy = gate::policy_at(repo, parent.map(CommitId::from), judging)
        .map_err(|error| error.to_string())?;
    policies.insert(blob, policy.clone());
    Ok(policy)
}

/// The score and decision the commit would have had without the history-aware signal.
/// Scored again without those facts: saturation and caps make the total more than a sum.
/// Waivers are judged as of the day the commit was made, as [`gate::commit`] judges them.
fn without_history(evaluation: &Evaluation, unit: &Unit) -> (f64, Decision) {
    let (history, rest): (Vec<&Fact>, Vec<&Fact>) = evaluation
        .facts
        .facts
        .iter()
        .partition(|fact| fact.signal == Signal::RecentlyReverted);
    if history.is_empty() {
        return (evaluation.score.total, evaluation.verdict.decision);
    }
    let facts = Facts {
        facts: rest.into_iter().cloned().collect(),
        ..Facts::default()
    };
    let mut score = score::score(&facts, &evaluation.policy);
    let made = policy::Date::from_unix_days(unit.time.div_euclid(86_400));
    score::waive::apply(&mut score, &evaluation.change, &evaluation.policy, made);
    let verdict = decide::decide(&score, &evaluation.provenance, &evaluation.policy);
    (score.total, verdict.decision)
}

fn top_tier(evaluation: &Evaluation) -> String {
    evaluation
        .change
        .files
        .iter()
        .map(|file| evaluation.policy.tier(file.path()))
        .max_by(|a, b| a.multiplier.total_cmp(&b.multiplier))
        .map_or_else(|| "default".to_string(), |tier| tier.name.clone())
}
