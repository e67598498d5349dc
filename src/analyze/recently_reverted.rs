//! History-aware risk: files that commits later reverted or hot-fixed had changed, among the
//! [`WINDOW_COMMITS`] commits before the change's base. The gate learns from past outages:
//! code that was recently rolled back is where the next rollback is likeliest.
//!
//! Only the base's ancestors are read, so `blastgate replay` judging an old commit never
//! sees what came after it. Revert and fix detection ([`reverts`]) is shared with replay. The
//! result depends only on the base commit and the detector, so a complete window is cached per
//! base under `<git_dir>/blastgate/history/` and the pre-push hook stays instant; a window cut
//! short (a walk error, a shallow clone's boundary) is never cached, so it is read again once
//! the history is there.

pub mod reverts;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use git2::{Oid, Repository, Sort};

use crate::diff::ChangeSet;
use crate::git::CommitId;
use crate::signal::Signal;

use super::Fact;
use super::blast::cache::write_atomically;
use reverts::{Message, Undo};

/// How many commits before the base are searched for reverts and fixes.
pub const WINDOW_COMMITS: usize = 500;

/// A file changed by a commit that was later undone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    /// The file the undone commit changed.
    pub path: String,
    /// Reverted or fixed.
    pub kind: Undo,
    /// The undone commit.
    pub target: Oid,
    /// The commit that undid it.
    pub by: Oid,
    /// The undone commit's subject.
    pub subject: String,
}

/// One `recently-reverted` fact per changed file that a recently undone commit changed.
#[must_use]
pub fn facts(change: &ChangeSet, repo: Option<&Repository>) -> Vec<Fact> {
    let Some(repo) = repo else {
        return Vec::new();
    };
    let Some(base) = change
        .base
        .as_ref()
        .and_then(|base| base.commit)
        .map(CommitId::oid)
    else {
        return Vec::new();
    };
    let incidents = cached(repo, base);
    if incidents.is_empty() {
        return Vec::new();
    }
    // The newest incident per path: the list is newest first.
    let mut by_path: BTreeMap<&str, &Incident> = BTreeMap::new();
    for incident in incidents.iter().rev() {
        by_path.insert(incident.path.as_str(), incident);
    }
    change
        .files
        .iter()
        .filter_map(|file| {
            let incident = [file.new_path.as_deref(), file.old_path.as_deref()]
                .into_iter()
                .flatten()
                .find_map(|path| by_path.get(path))?;
            Some(Fact {
                signal: Signal::RecentlyReverted,
                file: Some(file.path().to_string()),
                line: file.first_changed_line(),
                quantity: 1.0,
                message: format!(
                    "{} changed it in \"{}\", {} later by {}",
                    CommitId::from(incident.target).short(),
                    incident.subject,
                    incident.kind.as_str(),
                    CommitId::from(incident.by).short(),
                ),
                related: Vec::new(),
                subject: None,
            })
        })
        .collect()
}

/// The incidents before `base`, from the cache or computed and, when the window was read in
/// full, stored. A cache that cannot be read or written only costs time.
fn cached(repo: &Repository, base: Oid) -> Vec<Incident> {
    let path = cache_path(repo.commondir(), base);
    if let Some(incidents) = std::fs::read_to_string(&path)
        .ok()
        .and_then(|text| decode(&text))
    {
        return incidents;
    }
    let window = incidents(repo, base);
    if window.complete
        && path
            .parent()
            .is_some_and(|dir| std::fs::create_dir_all(dir).is_ok())
    {
        let _ = write_atomically(&path, encode(&window.incidents).as_bytes());
    }
    window.incidents
}

/// Keyed by the window, the build (what the detector finds is the build's code: a rebuilt
/// binary never reads an older detector's window) and the base.
fn cache_path(git_dir: &Path, base: Oid) -> PathBuf {
    let build = crate::build::IDENTITY.replace(' ', "-");
    git_dir
        .join("blastgate")
        .join("history")
        .join(format!("v1-{WINDOW_COMMITS}-{build}"))
        .join(base.to_string())
}

/// What a walk of the window found, and whether it read all of it.
#[derive(Debug, Default)]
pub struct Window {
    /// Files of undone commits, newest first.
    pub incidents: Vec<Incident>,
    /// The whole window was read: [`WINDOW_COMMITS`] commits, or back to the first commit of
    /// a clone that is not shallow, without an error.
    pub complete: bool,
}

/// Walks the window before `base` (side branches included: a revert merged from a branch
/// counts) and lists the files of every undone commit.
#[must_use]
pub fn incidents(repo: &Repository, base: Oid) -> Window {
    let Ok(mut walk) = repo.revwalk() else {
        return Window::default();
    };
    // Time order is incremental; topological order would first walk the whole history, which
    // on a large repository costs more than the window itself.
    if walk.set_sorting(Sort::TIME).is_err() || walk.push(base).is_err() {
        return Window::default();
    }
    let mut complete = true;
    let mut commits: Vec<(String, String)> = Vec::new();
    for step in walk.take(WINDOW_COMMITS) {
        let Some(commit) = step.ok().and_then(|oid| repo.find_commit(oid).ok()) else {
            complete = false;
            continue;
        };
        let message = String::from_utf8_lossy(commit.message_raw_bytes()).into_owned();
        commits.push((commit.id().to_string(), message));
    }
    // A short walk is the whole history, unless a shallow clone's boundary ended it.
    complete &= commits.len() == WINDOW_COMMITS || !repo.is_shallow();
    let messages: Vec<Message<'_>> = commits
        .iter()
        .map(|(id, text)| Message { id, text })
        .collect();
    let mut found = Vec::new();
    for link in reverts::find(&messages) {
        let subject = commits
            .iter()
            .find(|(id, _)| *id == link.target)
            .and_then(|(_, text)| text.lines().next())
            .unwrap_or_default()
            .to_string();
        let (Ok(target), Ok(by)) = (Oid::from_str(&link.target), Oid::from_str(&link.by)) else {
            complete = false;
            continue;
        };
        if link.kind == Undo::Fix && merges(repo, by, target) {
            continue;
        }
        let Some(paths) = changed_paths(repo, target, link.kind) else {
            complete = false;
            continue;
        };
        for path in paths {
            found.push(Incident {
                path,
                kind: link.kind,
                target,
                by,
                subject: subject.clone(),
            });
        }
    }
    Window {
        incidents: found,
        complete,
    }
}

/// Whether `by` is a merge that brings `target` in as a parent other than its first: a pull
/// request's merge naming its own head ("Written for commit <sha>") names the work it merges,
/// not a commit it fixes.
fn merges(repo: &Repository, by: Oid, target: Oid) -> bool {
    repo.find_commit(by)
        .is_ok_and(|commit| commit.parent_ids().skip(1).any(|parent| parent == target))
}

/// Paths a commit changed against its first parent (names only, no content is read);
/// `None` when the commit or its trees cannot be read. A merge named by a fix changed nothing
/// of its own: against its first parent it is all the merged side brought (for "Merge main
/// into topic", all of main), which a revert undoes (`git revert -m 1`) but a fix does not.
fn changed_paths(repo: &Repository, id: Oid, kind: Undo) -> Option<Vec<String>> {
    let commit = repo.find_commit(id).ok()?;
    if kind == Undo::Fix && commit.parent_count() > 1 {
        return Some(Vec::new());
    }
    let old = match commit.parent_count() {
        0 => None,
        _ => Some(commit.parent(0).ok()?.tree().ok()?),
    };
    let new = commit.tree().ok()?;
    let diff = repo
        .diff_tree_to_tree(old.as_ref(), Some(&new), None)
        .ok()?;
    Some(
        diff.deltas()
            .flat_map(|delta| [delta.old_file().path(), delta.new_file().path()])
            .flatten()
            .filter_map(|path| path.to_str().map(str::to_string))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect(),
    )
}

/// One incident per line, tab-separated; the first line is a format marker.
fn encode(incidents: &[Incident]) -> String {
    let mut text = String::from("blastgate-history 1\n");
    for incident in incidents {
        let clean = |field: &str| field.replace(['\t', '\n'], " ");
        let _ = writeln!(
            text,
            "{}\t{}\t{}\t{}\t{}",
            clean(&incident.path),
            incident.kind.as_str(),
            incident.target,
            incident.by,
            clean(&incident.subject)
        );
    }
    text
}

/// `None` for anything but a complete entry, which is then recomputed.
fn decode(text: &str) -> Option<Vec<Incident>> {
    let mut lines = text.lines();
    if lines.next()? != "blastgate-history 1" || !text.ends_with('\n') {
        return None;
    }
    lines
        .map(|line| {
            let mut fields = line.split('\t');
            let path = fields.next()?.to_string();
            let kind = match fields.next()? {
                "reverted" => Undo::Revert,
                "fixed" => Undo::Fix,
                _ => return None,
            };
            Some(Incident {
                path,
                kind,
                target: Oid::from_str(fields.next()?).ok()?,
                by: Oid::from_str(fields.next()?).ok()?,
                subject: fields.next()?.to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Entries survive the cache format, tabs in subjects included; torn entries are refused.
    #[test]
    fn cache_entries_round_trip_and_torn_ones_are_refused() {
        let incidents = vec![Incident {
            path: "src/app.py".to_string(),
            kind: Undo::Fix,
            target: Oid::from_str(&"a".repeat(40)).unwrap(),
            by: Oid::from_str(&"b".repeat(40)).unwrap(),
            subject: "Add\tcache".to_string(),
        }];
        let text = encode(&incidents);
        let back = decode(&text).expect("a complete entry decodes");
        assert_eq!(back[0].subject, "Add cache");
        assert_eq!(back[0].kind, Undo::Fix);
        assert_eq!(back[0].path, "src/app.py");
        assert!(decode(&text[..text.len() - 1]).is_none());
        assert!(decode("something else\n").is_none());
        // A damaged id is refused, never sliced.
        let damaged = text.replace(&"a".repeat(40), "ééééééééé");
        assert!(decode(&damaged).is_none());
    }
}
