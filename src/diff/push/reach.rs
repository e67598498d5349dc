//! Where the work a pushed ref makes reachable starts: the base its change is judged from,
//! and why. Commits are never skipped because some other ref already holds them; only the
//! tip of an existing ref counts as judged, since a gate judges a ref's tip, not every
//! commit on the way to it.

use std::collections::HashMap;

use git2::{ErrorCode, Oid, Repository};

use super::super::error::{Error, GitContext};
use super::PushedRef;
use super::known::{DefaultBranch, Known};
use crate::git::CommitId;

/// Where a pushed ref's change starts.
pub(super) enum ChangeStart {
    /// Nothing to judge, and why.
    AlreadyThere(String),
    /// Judge `base..head` (`None`: the empty tree), hiding `exclude` from the commit walk.
    From {
        base: Option<Oid>,
        reason: String,
        exclude: Vec<Oid>,
    },
    /// A ref moved back to `head`, an ancestor of its tip `old`: judge the trees `old..head`
    /// (what the ref loses), as the commit `head` (hiding its `parents` from the walk).
    MovedBack {
        old: Oid,
        parents: Vec<Oid>,
        reason: String,
    },
}

/// An existing ref moves from `old` to `head`: every commit reachable from `head` and not from
/// `old` is new to this ref, whatever other refs hold. The trees are compared with `old`, the
/// state the ref leaves, even when the push rewrites or rewinds history: a force push that drops
/// a commit removes what that commit added, and the merge-base would not show it.
pub(super) fn update(
    repo: &Repository,
    side: &str,
    name: &str,
    old: Oid,
    head: Oid,
) -> Result<ChangeStart, Error> {
    if old == head {
        return Ok(ChangeStart::AlreadyThere(format!(
            "{} is already on {side} {name}",
            CommitId::from(head).short()
        )));
    }
    let from = |base: Oid, reason: String| ChangeStart::From {
        base: Some(base),
        reason,
        exclude: vec![old],
    };
    Ok(match related_base(repo, old, head)? {
        // Moving back exposes an older state that may never have been a judged tip (a change
        // and its revert pushed together, then the ref reset to the change), and drops what
        // the commits after it added: the trees from `old`, the commit as `head`'s own.
        Some(base) if base == head => {
            let parents = repo
                .find_commit(head)
                .doing(|| format!("reading commit {head}"))?
                .parent_ids()
                .collect();
            let (old_short, head_short) =
                crate::short_id::pair(&old.to_string(), &head.to_string());
            ChangeStart::MovedBack {
                old,
                parents,
                reason: format!(
                    "{name} moves back from {old_short} to {head_short} on {side}: compared with {old_short}, judged as the commit {head_short}"
                ),
            }
        }
        Some(base) if base == old => from(
            base,
            format!("{side} {name} is at {}", CommitId::from(old).short()),
        ),
        Some(_) => from(
            old,
            format!(
                "force push: compared with the tip of {name} on {side} ({}), whose commits the push drops",
                CommitId::from(old).short()
            ),
        ),
        None => from(
            old,
            format!(
                "force push: shares no history with {side} {name} ({}); compared with that tip",
                CommitId::from(old).short()
            ),
        ),
    })
}

/// A new ref (or one whose tip this repository lacks): judged from its merge-base with the
/// default branch (found through the whole graph, not the first-parent chain, so a merge onto
/// a fresh root still has its base), or from a ref's tip between the two; without a default
/// branch to start from, from the closest ref tip it descends from; failing that (unrelated
/// history), against the empty tree. A commit that is on the receiving side but no ref's tip
/// was only ever judged inside a range, so it is judged on its own.
pub(super) fn new_ref(
    repo: &Repository,
    side: &str,
    pushed: &PushedRef,
    head: Oid,
    known: &Known,
) -> Result<ChangeStart, Error> {
    if let Some(tip_of) = known.tip_named(head) {
        return Ok(ChangeStart::AlreadyThere(format!(
            "{} is already on {side} as the tip of {tip_of}",
            CommitId::from(head).short()
        )));
    }
    let label = label(pushed);
    let mut why_no_default = None;
    match &known.default {
        DefaultBranch::Missing { why } => {
            return Err(Error::DefaultBranch {
                reference: pushed.remote_ref.clone(),
                why: why.clone(),
            });
        }
        DefaultBranch::Found { name, tip } => {
            if let Some(base) = related_base(repo, *tip, head)? {
                if base != head
                    && let Some((tip_of, tip)) =
                        judged_tip_since(repo, head, Some(base), &known.tips)?
                {
                    return Ok(from_tip(&label, side, &tip_of, tip));
                }
                let role = format!("{name}, the default branch");
                return from_base(repo, &label, side, head, base, &role);
            }
        }
        DefaultBranch::Absent { why } => why_no_default = Some(why.as_str()),
    }
    // No default branch to start from: the closest ref tip `head` descends from. A merge-base
    // inside another ref's history is no start: that commit was never judged as a state.
    if let Some((tip_of, tip)) = judged_tip_since(repo, head, None, &known.tips)? {
        return Ok(from_tip(&label, side, &tip_of, tip));
    }
    // A history that shares nothing with the receiving side (a first push, an orphan branch
    // such as gh-pages): everything in it is new, and judged as added.
    let why = why_no_default.map_or_else(String::new, |why| format!("; {why}"));
    Ok(ChangeStart::From {
        base: None,
        reason: format!(
            "{label}: shares no history with {side}{why}; compared with the empty tree"
        ),
        exclude: Vec::new(),
    })
}

fn label(pushed: &PushedRef) -> String {
    if super::is_zero_oid(&pushed.remote_oid) {
        format!("new ref {}", pushed.remote_ref)
    } else {
        let tip = crate::short_id::short(&pushed.remote_oid);
        format!(
            "new ref {} (its tip {tip} is not in this clone)",
            pushed.remote_ref
        )
    }
}

fn from_tip(label: &str, side: &str, tip_of: &str, tip: Oid) -> ChangeStart {
    ChangeStart::From {
        base: Some(tip),
        reason: format!(
            "{label}: its work starts at {}, the tip of {tip_of} on {side}",
            CommitId::from(tip).short()
        ),
        exclude: Vec::new(),
    }
}

fn from_base(
    repo: &Repository,
    label: &str,
    side: &str,
    head: Oid,
    base: Oid,
    role: &str,
) -> Result<ChangeStart, Error> {
    if base == head {
        return on_its_own(
            repo,
            head,
            format!(
                "{label}: {} is on {role}, but no ref of {side} ends there; judged on its own, from its first parent",
                CommitId::from(head).short()
            ),
        );
    }
    Ok(ChangeStart::From {
        base: Some(base),
        reason: format!(
            "{label}: its work starts at {}, its merge-base with {role}",
            CommitId::from(base).short()
        ),
        exclude: Vec::new(),
    })
}

/// Most commits searched for a ref tip below a new ref; past it, the start found without a
/// tip stays (more is judged, never less).
const TIP_SEARCH_LIMIT: usize = 10_000;

/// Of the refs whose tip is an ancestor of `head` (after `base`, when given: a branch started
/// from another branch already on the receiving side), the one closest to `head`. Only a tip
/// counts: it was judged as the state of its ref, while a commit inside a range never was.
fn judged_tip_since(
    repo: &Repository,
    head: Oid,
    base: Option<Oid>,
    tips: &[(String, Oid)],
) -> Result<Option<(String, Oid)>, Error> {
    let walking = || format!("walking the ancestors of {head}");
    let mut walk = repo.revwalk().doing(walking)?;
    walk.push(head).doing(walking)?;
    if let Some(base) = base {
        walk.hide(base).doing(walking)?;
    }
    let by_tip: HashMap<Oid, &str> = tips
        .iter()
        .map(|(name, tip)| (*tip, name.as_str()))
        .collect();
    let mut best: Option<(usize, String, Oid)> = None;
    for oid in walk.take(TIP_SEARCH_LIMIT) {
        let oid = oid.doing(walking)?;
        let Some(name) = by_tip.get(&oid) else {
            continue;
        };
        let (ahead, _) = repo
            .graph_ahead_behind(head, oid)
            .doing(|| format!("counting commits between {oid} and {head}"))?;
        if best.as_ref().is_none_or(|(fewest, ..)| ahead < *fewest) {
            best = Some((ahead, (*name).to_string(), oid));
        }
    }
    Ok(best.map(|(_, name, tip)| (name, tip)))
}

/// `head` judged as the change it makes to its first parent (a root commit: to the empty tree).
fn on_its_own(repo: &Repository, head: Oid, reason: String) -> Result<ChangeStart, Error> {
    let commit = repo
        .find_commit(head)
        .doing(|| format!("reading commit {head}"))?;
    Ok(ChangeStart::From {
        base: commit.parent_ids().next(),
        reason,
        exclude: Vec::new(),
    })
}

/// The merge-base of `a` and `b`; `None` when the histories are unrelated.
fn related_base(repo: &Repository, a: Oid, b: Oid) -> Result<Option<Oid>, Error> {
    match repo.merge_base(a, b) {
        Ok(base) => Ok(Some(base)),
        Err(error) if error.code() == ErrorCode::NotFound && repo.is_shallow() => {
            Err(Error::ShallowClone {
                spec: a.to_string(),
            })
        }
        Err(error) if error.code() == ErrorCode::NotFound => Ok(None),
        Err(error) => Err(error).doing(|| format!("finding the merge-base of {a} and {b}")),
    }
}
