//! Judging a commit of the past as it was judged then, for `blastgate replay`.

use git2::{Oid, Repository};

use super::{Error, Evaluation, Judging, evaluate, load_policy, read_options};
use crate::calendar::Date;
use crate::diff::{self, End, Origin, Revision};
use crate::policy::Policy;

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
    let judged = end(Some(head), "the judged commit");
    let change = diff::range(
        repo,
        &base,
        &judged,
        &[],
        Origin::Range,
        &read_options(&policy),
    )?;
    // Waivers are judged as of the day the commit was made, not as of today.
    let made = change
        .commits
        .iter()
        .find(|commit| commit.id == head.to_string())
        .map(|commit| Date::from_unix_days(commit.committer.time.div_euclid(86_400)));
    let judging = Judging {
        as_of: made,
        ..Judging::default()
    };
    Ok(evaluate(change, policy, &judging, Some(repo)))
}

/// The policy that judged changes going into `base` at the time: `.blastgate.yaml` in its
/// tree (the built-in default without one, or without a base), or `judging`'s policy file.
pub fn policy_at(repo: &Repository, base: Option<Oid>, judging: &Judging) -> Result<Policy, Error> {
    load_policy(Some(repo), base, judging)
}
