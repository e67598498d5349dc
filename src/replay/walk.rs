//! Which commits a replay judges: the range, `--last N` or the whole history, each commit
//! judged against its first parent; with `--first-parent`, the first-parent chain (merges
//! stand for the commits they brought in).

use git2::{Oid, Repository, Sort};

use super::Error;

/// Which history to replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// `A..B`: reachable from B, not from A. Without `..`, everything reachable from it.
    Range(String),
    /// The newest N commits reachable from `HEAD`.
    Last(usize),
}

/// One change to judge.
#[derive(Debug, Clone)]
pub struct Unit {
    /// The commit.
    pub oid: Oid,
    /// Its first parent; `None` for a root commit (judged against the empty tree).
    pub parent: Option<Oid>,
    /// The commits this change stands for: itself, plus for a merge on the first-parent
    /// chain the commits it brought in. A revert of any of them counts against the unit.
    pub members: Vec<Oid>,
    /// Committer time, seconds since the epoch.
    pub time: i64,
    /// First line of the message.
    pub summary: String,
}

/// What the walk found.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// Changes to judge, newest first.
    pub units: Vec<Unit>,
    /// Every commit in the range (merges and side branches included), newest first, with its
    /// message: where reverts and fixes are looked for.
    pub messages: Vec<(String, String)>,
    /// Merge commits left out (only `--first-parent` judges merges).
    pub merges_skipped: usize,
}

/// Walks `selection` in `repo`.
pub fn walk(
    repo: &Repository,
    selection: &Selection,
    first_parent: bool,
) -> Result<History, Error> {
    let (head, hide, limit) = ends(repo, selection)?;
    let mut history = History::default();
    let mut chain = revwalk(repo, head, hide, first_parent)?;
    let mut merges = Vec::new();
    for oid in chain.by_ref() {
        if history.units.len() + history.merges_skipped == limit {
            break;
        }
        let oid = oid.map_err(Error::git("walking the history"))?;
        let commit = repo
            .find_commit(oid)
            .map_err(Error::git("reading a commit"))?;
        if !first_parent {
            // This walk already sees every commit of the range: keep its message here rather
            // than walking the range a second time below.
            history
                .messages
                .push((oid.to_string(), message_of(&commit)));
        }
        if commit.parent_count() > 1 && !first_parent {
            history.merges_skipped += 1;
            continue;
        }
        if commit.parent_count() > 1 {
            merges.push(history.units.len());
        }
        history.units.push(Unit {
            oid,
            parent: commit.parent_id(0).ok(),
            members: vec![oid],
            time: commit.committer().when().seconds(),
            summary: String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default())
                .into_owned(),
        });
    }
    for index in merges {
        let unit = &mut history.units[index];
        let brought = revwalk(repo, unit.oid, unit.parent, false)?;
        unit.members = brought
            .collect::<Result<_, _>>()
            .map_err(Error::git("walking a merge"))?;
    }
    if first_parent {
        // Reverts can sit anywhere in the range, also on the side branches the first-parent
        // walk skipped; with `--last N`, down to the oldest judged commit.
        let oldest = history.units.last().map(|unit| unit.oid);
        for oid in revwalk(repo, head, hide, false)? {
            let oid = oid.map_err(Error::git("walking the history"))?;
            let commit = repo
                .find_commit(oid)
                .map_err(Error::git("reading a commit"))?;
            history
                .messages
                .push((oid.to_string(), message_of(&commit)));
            if Some(oid) == oldest && limit != usize::MAX {
                break;
            }
        }
    }
    Ok(history)
}

fn message_of(commit: &git2::Commit<'_>) -> String {
    String::from_utf8_lossy(commit.message_raw_bytes()).into_owned()
}

/// The head to walk from, what to hide, and how many commits to take.
fn ends(repo: &Repository, selection: &Selection) -> Result<(Oid, Option<Oid>, usize), Error> {
    match selection {
        Selection::Last(count) => Ok((
            crate::git::resolve_commit(repo, "HEAD")?.oid(),
            None,
            *count,
        )),
        Selection::Range(spec) => match spec.split_once("..") {
            Some((base, head)) if !head.starts_with('.') => {
                let head =
                    crate::git::resolve_commit(repo, if head.is_empty() { "HEAD" } else { head })?
                        .oid();
                let base =
                    crate::git::resolve_commit(repo, if base.is_empty() { "HEAD" } else { base })?
                        .oid();
                Ok((head, Some(base), usize::MAX))
            }
            Some(_) => Err(Error::BadRange { spec: spec.clone() }),
            None => Ok((
                crate::git::resolve_commit(repo, spec)?.oid(),
                None,
                usize::MAX,
            )),
        },
    }
}

fn revwalk(
    repo: &Repository,
    head: Oid,
    hide: Option<Oid>,
    first_parent: bool,
) -> Result<git2::Revwalk<'_>, Error> {
    let mut walk = repo.revwalk().map_err(Error::git("walking the history"))?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)
        .map_err(Error::git("walking the history"))?;
    if first_parent {
        walk.simplify_first_parent()
            .map_err(Error::git("walking the history"))?;
    }
    walk.push(head).map_err(Error::git("walking the history"))?;
    if let Some(hide) = hide {
        walk.hide(hide).map_err(Error::git("walking the history"))?;
    }
    Ok(walk)
}
