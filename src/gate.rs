//! The orchestrator: build the change, load the policy from the base, then run the stages in
//! order. `check` and `pre-push` differ only in how they build their change sets.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use git2::{Oid, Repository};

use crate::analyze::cache::Cache;
use crate::analyze::{self, Facts, Observer, structure};
use crate::decide::{self, Verdict};
use crate::diff::{self, ChangeSet, End, Env, Origin, PushPlan, PushedRef, ReadOptions, Revision};
use crate::exit::Exit;
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

/// What `check` should read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `base..head`; without a base, one is chosen from CI variables or upstream.
    Range {
        /// Explicit base, if given.
        base: Option<String>,
        /// Head revision.
        head: String,
    },
    /// The index against `HEAD`.
    Staged,
    /// The working tree against `HEAD`.
    Worktree,
    /// Unified-diff text from a file or `-`.
    DiffText(String),
}

/// Inputs shared by every way of judging.
#[derive(Debug, Clone, Default)]
pub struct Judging {
    /// An explicit policy file, instead of the base revision's.
    pub policy_file: Option<PathBuf>,
    /// `--ai-assisted yes|no`.
    pub declared: Option<bool>,
    /// Pull-request reviews from the platform (`--approvals FILE`).
    pub platform_reviews: Vec<PlatformReview>,
    /// Running in CI (`CI` is set): a missing notes ref is missing evidence, and says so.
    pub in_ci: bool,
    /// Told how the analysis advances (a progress bar); `None` for nobody.
    pub observer: Option<std::sync::Arc<dyn Observer>>,
}

/// Judges one change for `blastgate check`.
pub fn check(
    dir: &Path,
    target: &Target,
    judging: &Judging,
    env: Env<'_>,
) -> Result<Evaluation, Error> {
    let mut timings = Timings::default();
    let (change, policy, repo) = match target {
        Target::DiffText(source) => {
            // Diff text needs no repository; when there is one, its HEAD holds the policy and
            // its objects give the analyzers both versions of each file.
            let repo = diff::open(dir).ok();
            let head = repo
                .as_ref()
                .and_then(|repo| diff::resolve_commit(repo, "HEAD").ok());
            let policy = timings.time("policy", || load_policy(repo.as_ref(), head, judging))?;
            let change = timings.time("diff", || diff::text(source))?;
            (change, policy, repo)
        }
        Target::Range { base, head } => {
            let repo = diff::open(dir)?;
            let (change, policy) = range(&repo, base.as_deref(), head, judging, env, &mut timings)?;
            (change, policy, Some(repo))
        }
        Target::Staged | Target::Worktree => {
            let repo = diff::open(dir)?;
            // Before the first commit there is no HEAD, and so no policy but the built-in one.
            let head = diff::resolve_commit(&repo, "HEAD").ok();
            let policy = timings.time("policy", || load_policy(Some(&repo), head, judging))?;
            let options = read_options(&policy);
            let change = timings.time("diff", || {
                if *target == Target::Staged {
                    diff::staged(&repo, &options)
                } else {
                    diff::worktree(&repo, &options)
                }
            })?;
            (change, policy, Some(repo))
        }
    };
    let mut evaluation = evaluate_observed(change, policy, judging, repo.as_ref());
    timings.merge(&evaluation.timings);
    evaluation.timings = timings;
    // Approvals are bound to commits: staged, working-tree and diff-text changes have none.
    if let (Target::Range { .. }, Some(repo)) = (target, &repo) {
        let started = std::time::Instant::now();
        check_approvals(repo, &mut evaluation, judging);
        evaluation.timings.record("signoff", started.elapsed());
    }
    Ok(evaluation)
}

fn range(
    repo: &Repository,
    base: Option<&str>,
    head: &str,
    judging: &Judging,
    env: Env<'_>,
    timings: &mut Timings,
) -> Result<(ChangeSet, Policy), Error> {
    let started = std::time::Instant::now();
    let ci = diff::detect_ci(env)?;
    let explain = |error| diff::explain_shallow(error, ci.as_ref());
    // In CI, the platform's head (a pull request's tip) replaces the default `HEAD`, which
    // may be a merge commit or, for `pull_request_target`, the base branch.
    let ci_head = ci
        .as_ref()
        .and_then(|ci| ci.head.clone())
        .filter(|_| base.is_none() && head == "HEAD");
    let (head_spec, head_reason) = ci_head.map_or_else(
        || (head.to_string(), "the head of the range".to_string()),
        |choice| (choice.spec, choice.reason),
    );
    let head_oid = diff::resolve_commit(repo, &head_spec).map_err(explain)?;
    let choice = match base {
        Some(spec) => diff::BaseChoice {
            spec: spec.to_string(),
            reason: "given with --base".to_string(),
        },
        None => diff::choose_base(repo, head, ci.as_ref())?,
    };
    let base_oid = diff::resolve_commit(repo, &choice.spec).map_err(explain)?;
    let merge_base = diff::merge_base(repo, base_oid, head_oid, &choice.spec).map_err(explain)?;
    let mut reason = choice.reason;
    if merge_base != base_oid {
        let _ = write!(
            reason,
            "; diffed from the merge-base {}",
            diff::short(merge_base)
        );
    }
    timings.record("diff", started.elapsed());
    // The policy comes from the base the change is going into, never from the change itself.
    let policy = timings.time("policy", || {
        load_policy(Some(repo), Some(base_oid), judging)
    })?;
    let started = std::time::Instant::now();
    let base_end = End {
        revision: Revision {
            spec: choice.spec,
            commit: merge_base.to_string(),
            reason,
        },
        oid: Some(merge_base),
    };
    let head_end = End {
        revision: Revision {
            spec: head_spec,
            commit: head_oid.to_string(),
            reason: head_reason,
        },
        oid: Some(head_oid),
    };
    let mut change = diff::range(
        repo,
        &base_end,
        &head_end,
        &[],
        Origin::Range,
        &read_options(&policy),
    )?;
    change.branch = branch_name(repo, head, env);
    change.ci = ci.map(|ci| ci.run);
    timings.record("diff", started.elapsed());
    Ok((change, policy))
}

fn branch_name(repo: &Repository, head: &str, env: Env<'_>) -> Option<String> {
    env("GITHUB_HEAD_REF")
        .or_else(|| env("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"))
        .filter(|name| !name.is_empty())
        .or_else(|| {
            if head == "HEAD" {
                diff::current_branch(repo)
            } else {
                Some(head.to_string())
            }
        })
}

/// One pushed ref and what became of it.
#[derive(Debug, Clone)]
pub enum RefOutcome {
    /// Nothing to judge (deletion, already on the remote, not a commit).
    Nothing {
        /// The pushed ref.
        pushed: PushedRef,
        /// Why.
        why: String,
    },
    /// Judged.
    Judged {
        /// The pushed ref.
        pushed: PushedRef,
        /// The evaluation.
        evaluation: Box<Evaluation>,
    },
}

/// All refs of one push.
#[derive(Debug, Clone, Default)]
pub struct PushOutcome {
    /// One entry per input line.
    pub refs: Vec<RefOutcome>,
}

impl PushOutcome {
    /// The worst decision over all refs (`allow` when nothing needed judging).
    #[must_use]
    pub fn decision(&self) -> Decision {
        self.refs
            .iter()
            .filter_map(|outcome| match outcome {
                RefOutcome::Judged { evaluation, .. } => Some(evaluation.verdict.decision),
                RefOutcome::Nothing { .. } => None,
            })
            .max()
            .unwrap_or(Decision::Allow)
    }

    /// How the process should end: the worst exit over the judged refs, each with its approvals.
    #[must_use]
    pub fn exit(&self) -> Exit {
        self.refs
            .iter()
            .filter_map(|outcome| match outcome {
                RefOutcome::Judged { evaluation, .. } => Some(evaluation.exit()),
                RefOutcome::Nothing { .. } => None,
            })
            .fold(Exit::Allow, Exit::worse)
    }
}

/// Judges each ref of a push (git's pre-push protocol on `input`); worst decision wins.
pub fn pre_push(
    dir: &Path,
    remote: &str,
    input: &str,
    judging: &Judging,
) -> Result<PushOutcome, Error> {
    let repo = diff::open(dir)?;
    let mut outcome = PushOutcome::default();
    for pushed in diff::parse_push(input)? {
        let plan = diff::plan_push(&repo, remote, pushed)?;
        // The policy of the side being pushed to: the merge-base with its tip.
        let policy_at = match &plan {
            PushPlan::Check { base, .. } => base.oid,
            PushPlan::Nothing { .. } => None,
        };
        outcome
            .refs
            .push(judge_plan(&repo, plan, policy_at, judging)?);
    }
    Ok(outcome)
}

/// Judges each ref a server receives (git's pre-receive protocol on `input`) in the repository
/// at `dir`; worst decision wins. Run from the hook, the repository is opened from git's
/// environment, so objects still in the push quarantine are visible. Each ref is judged with
/// the policy of the branch it updates (its current tip), a new ref with the default branch's.
pub fn pre_receive(dir: &Path, input: &str, judging: &Judging) -> Result<PushOutcome, Error> {
    let repo = diff::open(dir)?;
    // Before the first push the default branch is unborn: the built-in policy judges.
    let default_tip = diff::resolve_commit(&repo, "HEAD").ok();
    let mut outcome = PushOutcome::default();
    for pushed in diff::parse_receive(input)? {
        let old_tip = Oid::from_str(&pushed.remote_oid)
            .ok()
            .filter(|oid| !oid.is_zero() && repo.find_commit(*oid).is_ok());
        let plan = diff::plan_receive(&repo, pushed)?;
        outcome
            .refs
            .push(judge_plan(&repo, plan, old_tip.or(default_tip), judging)?);
    }
    Ok(outcome)
}

/// Judges one planned ref, with the policy from the tree of `policy_at`.
fn judge_plan(
    repo: &Repository,
    plan: PushPlan,
    policy_at: Option<Oid>,
    judging: &Judging,
) -> Result<RefOutcome, Error> {
    let (pushed, base, head, exclude) = match plan {
        PushPlan::Nothing { pushed, why } => return Ok(RefOutcome::Nothing { pushed, why }),
        PushPlan::Check {
            pushed,
            base,
            head,
            exclude,
        } => (pushed, base, head, exclude),
    };
    let mut timings = Timings::default();
    let policy = timings.time("policy", || load_policy(Some(repo), policy_at, judging))?;
    let origin = Origin::Push {
        local_ref: pushed.local_ref.clone(),
        remote_ref: pushed.remote_ref.clone(),
    };
    let options = read_options(&policy);
    let mut change = timings.time("diff", || {
        diff::range(repo, &base, &head, &exclude, origin, &options)
    })?;
    change.branch = Some(
        pushed
            .local_ref
            .trim_start_matches("refs/heads/")
            .to_string(),
    );
    let mut evaluation = Box::new(evaluate_observed(change, policy, judging, Some(repo)));
    timings.merge(&evaluation.timings);
    evaluation.timings = timings;
    let started = std::time::Instant::now();
    check_approvals(repo, &mut evaluation, judging);
    evaluation.timings.record("signoff", started.elapsed());
    Ok(RefOutcome::Judged { pushed, evaluation })
}

/// The sign-off stage: for a change that needs review (or is blocked), read and check the
/// approvals in the repository's notes and from the platform.
fn check_approvals(repo: &Repository, evaluation: &mut Evaluation, judging: &Judging) {
    let decision = evaluation.verdict.decision;
    if decision == Decision::Allow {
        return;
    }
    let approvals = signoff::review(
        repo,
        &evaluation.change,
        &evaluation.policy,
        decision,
        &judging.platform_reviews,
        judging.in_ci,
    );
    if approvals.approved {
        // "Needs sign-off from …" is done; the decision word and its reasons stay.
        evaluation.verdict.next_steps.clear();
    }
    evaluation.approvals = Some(approvals);
}

/// Judges one commit as it would have been judged when it was made: the commit against its
/// first parent (`None`: a root commit, against the empty tree), by `policy` (see
/// [`policy_at`]), with provenance from the commits the change brings in. `blastgate replay`
/// calls this for every commit of a history.
pub fn commit(
    repo: &Repository,
    head: Oid,
    parent: Option<Oid>,
    policy: Policy,
) -> Result<Evaluation, Error> {
    let end = |oid: Option<Oid>, reason: &str| End {
        revision: Revision {
            spec: oid.map_or_else(|| "the empty tree".to_string(), |oid| oid.to_string()),
            commit: oid.map(|oid| oid.to_string()).unwrap_or_default(),
            reason: reason.to_string(),
        },
        oid,
    };
    let base = end(
        parent,
        "the judged commit's first parent (a root's is the empty tree)",
    );
    let head = end(Some(head), "the judged commit");
    let change = diff::range(
        repo,
        &base,
        &head,
        &[],
        Origin::Range,
        &read_options(&policy),
    )?;
    Ok(evaluate(change, policy, None, Some(repo)))
}

/// The policy that judged changes going into `base` at the time: `.blastgate.yaml` in its
/// tree (the built-in default without one, or without a base), or `judging`'s policy file.
pub fn policy_at(repo: &Repository, base: Option<Oid>, judging: &Judging) -> Result<Policy, Error> {
    load_policy(Some(repo), base, judging)
}

/// The flat pipeline: provenance and facts, then points, then the decision. With a
/// repository, files are analysed structurally and dependents are searched in the tree the
/// change starts from (its base, or `HEAD` when the change has no base commit).
#[must_use]
pub fn evaluate(
    change: ChangeSet,
    policy: Policy,
    declared: Option<bool>,
    repo: Option<&Repository>,
) -> Evaluation {
    let judging = Judging {
        declared,
        ..Judging::default()
    };
    evaluate_observed(change, policy, &judging, repo)
}

/// [`evaluate`] with the judging inputs: the declaration and who watches the analysis.
/// Every stage is timed.
#[must_use]
pub fn evaluate_observed(
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
    let facts = timings.time("analyze", || {
        analyze::analyze_observed(&change, &context, &options, &steps)
    });
    steps.record_into(&mut timings);
    let score = timings.time("score", || {
        let mut score = score::score(&facts, &policy);
        score::apply_waivers(&mut score, &change, &policy, policy::Date::today());
        score
    });
    let verdict = timings.time("decide", || decide::decide(&score, &provenance, &policy));
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
        Some(base) if base.commit.is_empty() => return None, // the empty tree: nothing to depend on
        Some(base) => Oid::from_str(&base.commit).ok()?,
        None => repo.head().ok()?.target()?,
    };
    repo.find_commit(commit).ok().map(|commit| commit.tree_id())
}

fn load_policy(
    repo: Option<&Repository>,
    base: Option<Oid>,
    judging: &Judging,
) -> Result<Policy, Error> {
    if let Some(path) = &judging.policy_file {
        return Ok(policy::load_file(path)?);
    }
    Ok(match (repo, base) {
        (Some(repo), Some(base)) => policy::load_from_tree(repo, base)?,
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
