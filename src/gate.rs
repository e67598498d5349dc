//! The orchestrator: build the change, load the policy from the base, then run the stages in
//! order. One flat pipeline, [`evaluate`]: provenance and facts, points, the
//! decision; then the sign-off stage for changes bound to commits. The submodules differ only
//! in how they build change sets and combine verdicts: `check` (a range, the index, the
//! working tree, diff text), `push` (pre-push, pre-receive: worst ref wins) and `history`
//! (replay: a commit as it was judged then).

mod check;
mod past_commit;
mod push;

pub use check::{Request, check};
pub use past_commit::{commit, policy_at};
pub use push::{PushOutcome, RefOutcome, pre_push, pre_receive};

use std::path::PathBuf;

use git2::{Oid, Repository};

use crate::analyze::blast::cache::Cache;
use crate::analyze::blast::structure;
use crate::analyze::{self, Facts, Observer};
use crate::decide::{self, Verdict};
use crate::diff::{self, ChangeSet, ReadOptions};
use crate::exit::Exit;
use crate::git::CommitId;
use crate::policy::{self, Policy};
use crate::provenance::{self, Provenance};
use crate::score::{self, Score};
use crate::signoff::{self, Approvals, PlatformReview};
use crate::timings::{StepClock, Timings};
use crate::vocabulary::Decision;

/// Everything known about one judged change; reports render this.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// The change.
    pub change: ChangeSet,
    /// The policy that judged it.
    pub policy: Policy,
    /// Who wrote it.
    pub provenance: Provenance,
    /// What the analyzers found.
    pub facts: Facts,
    /// Points.
    pub score: Score,
    /// The decision.
    pub verdict: Verdict,
    /// Senior approvals, checked when the decision needed them (commit ranges and pushes).
    pub approvals: Option<Approvals>,
    /// How long each stage took, for `--verbose`.
    pub timings: Timings,
}

impl Evaluation {
    /// How the process should end for this evaluation alone: the decision, unless enough
    /// valid approvals (or break-glass approvals for a block) let it through.
    #[must_use]
    pub fn exit(&self) -> Exit {
        match &self.approvals {
            Some(approvals) if approvals.approved => Exit::Allow,
            _ => Exit::for_decision(self.verdict.decision),
        }
    }
}

/// Errors that stop the gate before it can judge.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading the change failed.
    #[error(transparent)]
    Diff(#[from] diff::Error),
    /// Loading the policy failed.
    #[error(transparent)]
    Policy(#[from] policy::Error),
}

/// Inputs shared by every way of judging.
#[derive(Debug, Clone, Default)]
pub struct Judging {
    /// An explicit policy file, instead of the base revision's.
    pub policy_file: Option<PathBuf>,
    /// `--ai-assisted yes|no`.
    pub declared: Option<bool>,
    /// The sign-off stage's inputs; `None` leaves the stage out (`blastgate approve` judges a
    /// change to sign it, not to check the approvals it already has; replay judges history).
    pub signoff: Option<SignoffInputs>,
    /// The day waivers are judged on; `None`: today (replay judges the past as of its day).
    pub as_of: Option<policy::Date>,
    /// Told how the analysis advances (a progress bar); `None` for nobody.
    pub observer: Option<std::sync::Arc<dyn Observer>>,
    /// Terraform plans read as evidence (`check --terraform-plan`).
    pub terraform_plans: Vec<analyze::domain::terraform::plan::Plan>,
}

/// What the sign-off stage reads besides the repository's notes.
#[derive(Debug, Clone, Default)]
pub struct SignoffInputs {
    /// Pull-request reviews from the platform (`--approvals FILE`).
    pub platform_reviews: Vec<PlatformReview>,
    /// Running in CI (`CI` is set): a missing notes ref is missing evidence, and says so.
    pub in_ci: bool,
}

/// The sign-off stage: for a change that needs review (or is blocked), read and check the
/// approvals in the repository's notes and from the platform.
fn check_approvals(repo: &Repository, evaluation: &mut Evaluation, judging: &Judging) {
    let decision = evaluation.verdict.decision;
    let Some(inputs) = &judging.signoff else {
        return;
    };
    if decision == Decision::Allow {
        return;
    }
    let approvals = signoff::review(
        repo,
        &evaluation.change,
        &evaluation.policy,
        decision,
        &inputs.platform_reviews,
        inputs.in_ci,
    );
    if approvals.approved {
        // "Needs sign-off from …" is done; the decision word and its reasons stay.
        evaluation.verdict.next_steps.clear();
    }
    evaluation.approvals = Some(approvals);
}

/// The flat pipeline: provenance and facts, then points, then the decision, every stage
/// timed. With a repository, files are analysed structurally and dependents are searched in
/// the tree the change starts from (its base, or `HEAD` when the change has no base commit).
#[must_use]
pub fn evaluate(
    change: ChangeSet,
    policy: Policy,
    judging: &Judging,
    repo: Option<&Repository>,
) -> Evaluation {
    let mut timings = Timings::default();
    let provenance = timings.time("provenance", || {
        provenance::detect(
            &change.commits,
            change.branch.as_deref(),
            &provenance::Options {
                declared: judging.declared,
                min_confidence: policy.provenance.min_confidence,
                extra_markers: &policy.provenance.markers,
                pull_request: change.ci.as_ref().and_then(|ci| ci.text.as_ref()),
                require_disclosure: policy.provenance.require_disclosure.as_deref(),
            },
        )
    });
    let mut options = analyze::Options::with_max_file_bytes(policy.limits.max_file_bytes);
    options.domain.terraform = analyze::domain::ExtraRows {
        stateful: policy.infrastructure.stateful_types.clone(),
        force_new: policy.infrastructure.force_new.clone(),
    };
    // commondir: linked worktrees of one repository share one cache.
    let cache = repo.map_or_else(Cache::disabled, |repo| Cache::open(repo.commondir()));
    let context = structure::Context {
        repo,
        search_tree: repo.and_then(|repo| search_tree(repo, &change)),
        workdir: repo.and_then(Repository::workdir),
        cache: &cache,
    };
    let steps = StepClock::new(judging.observer.as_deref());
    let mut facts = timings.time("analyze", || {
        analyze::analyze(&change, &context, &options, &steps)
    });
    // A provenance fact, so only `score` weighs it like any other (docs/design.md).
    facts.facts.extend(
        provenance
            .undisclosed
            .as_ref()
            .map(provenance::Undisclosed::fact),
    );
    // What the plans say replaces what the source analysis guessed about the same resources.
    analyze::domain::terraform::plan::reconcile(
        &mut facts.facts,
        &judging.terraform_plans,
        &options.domain.terraform,
    );
    steps.record_into(&mut timings);
    let (score, verdict) = std::thread::scope(|scope| {
        // Writing what the analysis derived to the cache is I/O the verdict does not wait
        // for: it goes on beside scoring (a cold 500-file check spent 17 ms on it alone).
        scope.spawn(|| cache.flush());
        let score = timings.time("score", || {
            let mut score = score::score(&facts, &policy);
            let today = judging.as_of.unwrap_or_else(policy::Date::today);
            score::waive::apply(&mut score, &change, &policy, today);
            score
        });
        let verdict = timings.time("decide", || decide::decide(&score, &provenance, &policy));
        (score, verdict)
    });
    timings.files = change.files.len();
    timings.bytes = change
        .files
        .iter()
        .flat_map(|file| &file.hunks)
        .flat_map(|hunk| &hunk.lines)
        .filter(|line| line.kind != diff::LineKind::Context)
        .map(|line| line.content.len() as u64 + 1)
        .sum();
    Evaluation {
        change,
        policy,
        provenance,
        facts,
        score,
        verdict,
        approvals: None,
        timings,
    }
}

/// The tree a change starts from: its base commit, else `HEAD` (diff text read in a clone).
fn search_tree(repo: &Repository, change: &ChangeSet) -> Option<Oid> {
    let commit = match &change.base {
        Some(base) => base.commit?.oid(), // `None`: the empty tree, nothing to depend on
        None => repo.head().ok()?.target()?,
    };
    repo.find_commit(commit).ok().map(|commit| commit.tree_id())
}

fn load_policy(
    repo: Option<&Repository>,
    base: Option<CommitId>,
    judging: &Judging,
) -> Result<Policy, Error> {
    if let Some(path) = &judging.policy_file {
        return Ok(policy::load_file(path)?);
    }
    Ok(match (repo, base) {
        (Some(repo), Some(base)) => policy::load_from_tree(repo, base.oid())?,
        _ => policy::builtin("default")?,
    })
}

fn read_options(policy: &Policy) -> ReadOptions {
    ReadOptions {
        files: diff::FileOptions {
            max_file_bytes: policy.limits.max_file_bytes,
        },
        notes_refs: provenance::NOTES_REFS
            .iter()
            .map(|r| (*r).to_string())
            .collect(),
        ..ReadOptions::default()
    }
}
