//! The change sources: a commit range, the index, the working tree and unified-diff text.

use std::io::Read as _;
use std::path::Path;

use git2::{Oid, Repository};

use super::commits;
use super::error::{Error, GitContext};
use super::from_git::{self, diff_options};
use super::model::{ChangeSet, Origin, Revision};
use super::range::Range;
use super::text::NewSide;
use super::unified;
use crate::git::{CommitId, current_branch, is_unborn};

pub use super::from_git::FileOptions;

/// What to read besides file content.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Content limits for files.
    pub files: FileOptions,
    /// Notes refs whose notes are attached to each commit (e.g. `refs/notes/ai`).
    pub notes_refs: Vec<String>,
    /// Most commits read from one range; beyond it the change is judged on its files and a
    /// caveat says the commit list was cut.
    pub commit_limit: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            files: FileOptions::default(),
            notes_refs: Vec::new(),
            commit_limit: 10_000,
        }
    }
}

/// Reads `range`: files changed between its two trees and the commits on its head that are
/// neither on its base nor on any of its excluded commits (commits the remote already has).
pub fn range(repo: &Repository, range: &Range, options: &ReadOptions) -> Result<ChangeSet, Error> {
    let base = range.base().commit;
    let base_tree = match base {
        Some(id) => Some(tree_of(repo, id)?),
        None => None,
    };
    let head_tree = tree_of(repo, range.head_id())?;
    let from_git::Converted {
        files,
        blobs,
        mut notes,
    } = from_git::trees(repo, base_tree.as_ref(), Some(&head_tree), options.files)?;

    let hide: Vec<Oid> = match &range.walk_hides {
        Some(hides) => hides.iter().map(|id| id.oid()).collect(),
        None => range
            .exclude
            .iter()
            .chain(base.as_ref())
            .map(|id| id.oid())
            .collect(),
    };
    let notes_refs: Vec<&str> = options.notes_refs.iter().map(String::as_str).collect();
    let (commits, truncated) = commits::walk(
        repo,
        range.head_id().oid(),
        &hide,
        &notes_refs,
        options.commit_limit,
    )?;
    if truncated {
        notes.push(format!(
            "only the newest {} commits were read for provenance",
            options.commit_limit
        ));
    }
    Ok(ChangeSet {
        origin: range.origin.clone(),
        base: Some(range.base().clone()),
        head: Some(range.head().clone()),
        branch: range.branch.clone(),
        files,
        commits,
        commits_truncated: truncated,
        notes,
        ci: range.ci.clone(),
        blobs,
    })
}

/// Reads the index against `HEAD` (against the empty tree before the first commit).
pub fn staged(repo: &Repository, options: &ReadOptions) -> Result<ChangeSet, Error> {
    require_worktree(repo, "--staged")?;
    let head_tree = head_tree(repo)?;
    let index = repo.index().doing(|| "reading the index".to_string())?;
    let mut diff = repo
        .diff_tree_to_index(
            head_tree.as_ref(),
            Some(&index),
            Some(&mut diff_options(options.files)),
        )
        .doing(|| "diffing the index against HEAD".to_string())?;
    Ok(local_change(
        repo,
        Origin::Staged,
        from_git::convert(repo, &mut diff, options.files, NewSide::Objects)?,
        head_tree.is_none(),
    ))
}

/// Reads the working tree (tracked changes and untracked, not ignored, files) against `HEAD`.
/// Untracked files are included because an assistant's new files are part of the work even
/// before `git add`.
pub fn worktree(repo: &Repository, options: &ReadOptions) -> Result<ChangeSet, Error> {
    require_worktree(repo, "--worktree")?;
    let head_tree = head_tree(repo)?;
    let mut opts = diff_options(options.files);
    opts.include_untracked(true)
        .recurse_untracked_dirs(true)
        .show_untracked_content(true);
    let mut diff = repo
        .diff_tree_to_workdir_with_index(head_tree.as_ref(), Some(&mut opts))
        .doing(|| "diffing the working tree against HEAD".to_string())?;
    Ok(local_change(
        repo,
        Origin::Worktree,
        from_git::convert(repo, &mut diff, options.files, NewSide::Workdir)?,
        head_tree.is_none(),
    ))
}

/// Reads unified-diff text from a file, or from standard input when `source` is `-`.
pub fn text(source: &str) -> Result<ChangeSet, Error> {
    let mut bytes = Vec::new();
    let read = if source == "-" {
        std::io::stdin().lock().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(Path::new(source)).map(|content| bytes = content)
    };
    read.map_err(|error| Error::ReadDiff {
        source_name: source.to_string(),
        error,
    })?;
    let files = unified::parse(&bytes).map_err(|error| Error::DiffText {
        source_name: source.to_string(),
        error,
    })?;
    Ok(ChangeSet {
        origin: Origin::DiffText {
            source: source.to_string(),
        },
        files,
        ..ChangeSet::default()
    })
}

fn local_change(
    repo: &Repository,
    origin: Origin,
    read: from_git::Converted,
    unborn: bool,
) -> ChangeSet {
    let from_git::Converted {
        files,
        blobs,
        mut notes,
    } = read;
    if unborn {
        notes.push("HEAD has no commits yet: compared against the empty tree".to_string());
    }
    let head = repo.head().ok().and_then(|head| head.target());
    ChangeSet {
        origin,
        base: head.map(|oid| Revision {
            spec: "HEAD".to_string(),
            commit: Some(oid.into()),
            reason: "local changes are compared with HEAD".to_string(),
        }),
        head: None,
        branch: current_branch(repo),
        files,
        notes,
        blobs,
        ..ChangeSet::default()
    }
}

fn require_worktree(repo: &Repository, what: &'static str) -> Result<(), Error> {
    if repo.is_bare() {
        return Err(Error::BareRepository {
            what,
            path: repo.path().to_path_buf(),
        });
    }
    Ok(())
}

fn head_tree(repo: &Repository) -> Result<Option<git2::Tree<'_>>, Error> {
    if is_unborn(repo) {
        return Ok(None);
    }
    let commit = repo
        .head()
        .and_then(|head| head.peel_to_commit())
        .doing(|| "reading HEAD".to_string())?;
    commit
        .tree()
        .map(Some)
        .doing(|| "reading HEAD's tree".to_string())
}

fn tree_of(repo: &Repository, id: CommitId) -> Result<git2::Tree<'_>, Error> {
    repo.find_commit(id.oid())
        .and_then(|commit| commit.tree())
        .doing(|| format!("reading the tree of {id}"))
}
