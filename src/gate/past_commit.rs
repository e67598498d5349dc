//! Judging a commit of the past as it was judged then, for `blastgate replay`.

use git2::Repository;

use super::{Error, Evaluation, Judging, evaluate, load_policy, read_options};
use crate::calendar::Date;
use crate::diff::{self, RangeRequest};
use crate::git::CommitId;
use crate::policy::Policy;

/// Judges one commit as it would have been judged when it was made: the commit against its
/// first parent (`None`: a root commit, against the empty tree), by `policy` (see
/// [`policy_at`]), with provenance from the commits the change brings in. `blastgate replay`
/// calls this for every commit of a history.
pub fn commit(
    repo: &Repository,
    head: CommitId,
    parent: Option<CommitId>,
    policy: Policy,
) -> Result<Evaluation, Error> {
    let range = diff::resolve(repo, RangeRequest::Commit { id: head, parent })?;
    let change = diff::range(repo, &range, &read_options(&policy))?;
    // Waivers are judged as of the day the commit was made, not as of today.
    let made = change
        .commits
        .iter()
        .find(|commit| commit.id == head)
        .map(|commit| Date::from_unix_days(commit.committer.time.div_euclid(86_400)));
    let judging = Judging {
        as_of: made,
        ..Judging::default()
    };
    Ok(evaluate(change, policy, &judging, Some(repo)))
}

/// The policy that judged changes going into `base` at the time: `.blastgate.yaml` in its
/// tree (the built-in default without one, or without a base), or `judging`'s policy file.
pub fn policy_at(
    repo: &Repository,
    base: Option<CommitId>,
    judging: &Judging,
) -> Result<Policy, Error> {
    load_policy(Some(repo), base, judging)
}
