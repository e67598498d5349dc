//! Pushes: every ref of a client-side pre-push or a server-side pre-receive is judged on its
//! own, with the policy of the side it goes into; the worst outcome wins.

use std::path::Path;

use git2::Repository;

use super::{Error, Evaluation, Judging, check_approvals, evaluate, load_policy, read_options};
use crate::diff::{self, Known, PushPlan, PushedRef};
use crate::exit::Exit;
use crate::timings::Timings;
use crate::vocabulary::Decision;

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

/// Judges each ref of a push (git's pre-push protocol on `input`); worst decision wins. A new
/// ref makes the gate ask the remote what it has (`git ls-remote`): remote-tracking refs are
/// local files and never make a commit count as already pushed.
pub fn pre_push(
    dir: &Path,
    remote: &str,
    input: &str,
    judging: &Judging,
) -> Result<PushOutcome, Error> {
    let repo = crate::git::open(dir)?;
    let refs = diff::push::parse(input)?;
    let known = if refs.iter().any(|pushed| diff::needs_known(&repo, pushed)) {
        diff::advertised(&repo, remote)?
    } else {
        Known::default()
    };
    let mut outcome = PushOutcome::default();
    for pushed in refs {
        let mut plan = diff::push::plan(&repo, remote, pushed, &known)?;
        // The policy of the side being pushed to, as on the server (the plan's `into`: the
        // ref's tip on the remote, else the remote's default branch). A new ref's base may be
        // another ref's tip (a scratch branch anyone can push): it supplies the policy only
        // when the remote names neither.
        if let PushPlan::Check { range, .. } = &mut plan {
            range.into = range.into.or(range.base().commit);
        }
        outcome.refs.push(judge_plan(&repo, plan, judging)?);
    }
    Ok(outcome)
}

/// Judges each ref a server receives (git's pre-receive protocol on `input`) in the repository
/// at `dir`; worst decision wins. Run from the hook, the repository is opened from git's
/// environment, so objects still in the push quarantine are visible. Each ref is judged with
/// the policy of the branch it updates (its current tip), a new ref with the default branch's:
/// `default_branch`, else `blastgate.defaultBranch`, else `HEAD`. When none of them names an
/// existing branch on a server that has branches, a new ref is an error, never judged by the
/// built-in policy.
pub fn pre_receive(
    dir: &Path,
    input: &str,
    default_branch: Option<&str>,
    judging: &Judging,
) -> Result<PushOutcome, Error> {
    let repo = crate::git::open(dir)?;
    let known = diff::push::server(&repo, default_branch)?;
    let mut outcome = PushOutcome::default();
    for pushed in diff::push::parse_receive(input)? {
        // Before the first push there is no branch, so no `into`: the built-in policy judges.
        let plan = diff::push::plan(&repo, "the server", pushed, &known)?;
        outcome.refs.push(judge_plan(&repo, plan, judging)?);
    }
    Ok(outcome)
}

/// Judges one planned ref, with the policy from the tree of the range's `into`.
fn judge_plan(repo: &Repository, plan: PushPlan, judging: &Judging) -> Result<RefOutcome, Error> {
    let (pushed, range) = match plan {
        PushPlan::Nothing { pushed, why } => return Ok(RefOutcome::Nothing { pushed, why }),
        PushPlan::Check { pushed, range } => (pushed, range),
    };
    let mut timings = Timings::default();
    let policy = timings.time("policy", || load_policy(Some(repo), range.into, judging))?;
    let options = read_options(&policy);
    let change = timings.time("diff", || diff::range(repo, &range, &options))?;
    let mut evaluation = Box::new(evaluate(change, policy, judging, Some(repo)));
    timings.merge(&evaluation.timings);
    evaluation.timings = timings;
    let started = std::time::Instant::now();
    check_approvals(repo, &mut evaluation, judging);
    evaluation.timings.record("signoff", started.elapsed());
    Ok(RefOutcome::Judged { pushed, evaluation })
}
