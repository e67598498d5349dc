//! `blastgate check`: a commit range (base chosen from CI, upstream or the default branch),
//! the index, the working tree or diff text, judged as one change.

use std::path::Path;

use git2::Repository;

use super::{Error, Evaluation, Judging, check_approvals, evaluate, load_policy, read_options};
use crate::diff::{self, ChangeSet, Env, RangeRequest};
use crate::policy::Policy;
use crate::timings::Timings;

/// What `check` should read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
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

/// Judges one change for `blastgate check`.
pub fn check(
    dir: &Path,
    request: &Request,
    judging: &Judging,
    env: Env<'_>,
) -> Result<Evaluation, Error> {
    let mut timings = Timings::default();
    let (change, policy, repo) = match request {
        Request::DiffText(source) => {
            // Diff text needs no repository; when there is one, its HEAD holds the policy and
            // its objects give the analyzers both versions of each file.
            // Only "no repository here" means there is none; a corrupt one is an error, never a
            // silent switch to the built-in policy.
            let repo = match crate::git::open(dir) {
                Ok(repo) => Some(repo),
                Err(diff::Error::NotARepository { .. }) => None,
                Err(error) => return Err(error.into()),
            };
            let head = repo
                .as_ref()
                .and_then(|repo| crate::git::resolve_commit(repo, "HEAD").ok());
            let policy = timings.time("policy", || load_policy(repo.as_ref(), head, judging))?;
            let change = timings.time("diff", || diff::text(source))?;
            (change, policy, repo)
        }
        Request::Range { base, head } => {
            let repo = crate::git::open(dir)?;
            let (change, policy) = range(&repo, base.as_deref(), head, judging, env, &mut timings)?;
            (change, policy, Some(repo))
        }
        Request::Staged | Request::Worktree => {
            let repo = crate::git::open(dir)?;
            // Before the first commit there is no HEAD, and so no policy but the built-in one.
            let head = crate::git::resolve_commit(&repo, "HEAD").ok();
            let policy = timings.time("policy", || load_policy(Some(&repo), head, judging))?;
            let options = read_options(&policy);
            let change = timings.time("diff", || {
                if *request == Request::Staged {
                    diff::staged(&repo, &options)
                } else {
                    diff::worktree(&repo, &options)
                }
            })?;
            (change, policy, Some(repo))
        }
    };
    let mut evaluation = evaluate(change, policy, judging, repo.as_ref());
    timings.merge(&evaluation.timings);
    evaluation.timings = timings;
    // Approvals are bound to commits: staged, working-tree and diff-text changes have none.
    if let (Request::Range { .. }, Some(repo)) = (request, &repo) {
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
    let request = RangeRequest::Revisions { base, head, env };
    let range = timings.time("diff", || diff::resolve(repo, request))?;
    // The policy comes from the base the change is going into, never from the change itself.
    let policy = timings.time("policy", || load_policy(Some(repo), range.into, judging))?;
    let change = timings.time("diff", || diff::range(repo, &range, &read_options(&policy)))?;
    Ok((change, policy))
}
