//! Turns a libgit2 diff (tree↔tree, tree↔index, tree↔working tree) into [`FileChange`]s.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use git2::{Delta, Diff, DiffFindOptions, DiffOptions, Patch, Repository, Tree};
use rayon::prelude::*;

use super::blobs::{Blobs, Kept};
use super::error::{Error, GitContext};
use super::model::{FileChange, FileStatus, Hunk, Line, LineKind, escape_path};
use super::text::{self, NewSide, Sides};

/// Knobs for reading a diff from a repository.
#[derive(Debug, Clone, Copy)]
pub struct FileOptions {
    /// Blobs larger than this are not loaded for line diffs (libgit2 then treats them as
    /// binary); the analyzer reports them as oversized from their recorded size.
    pub max_file_bytes: u64,
}

impl Default for FileOptions {
    fn default() -> Self {
        Self {
            // The default policy's `limits.max_file_bytes` (a policy test keeps them equal).
            max_file_bytes: 1024 * 1024,
        }
    }
}

/// Diff options shared by every source, so all of them see renames, type changes and
/// submodules the same way.
pub(crate) fn diff_options(options: FileOptions) -> DiffOptions {
    let mut opts = DiffOptions::new();
    opts.include_typechange(true)
        .ignore_submodules(false)
        .context_lines(3)
        .max_size(i64::try_from(options.max_file_bytes).unwrap_or(i64::MAX));
    opts
}

/// Diff between two trees (`None` is the empty tree).
pub(crate) fn trees(
    repo: &Repository,
    old: Option<&Tree<'_>>,
    new: Option<&Tree<'_>>,
    options: FileOptions,
) -> Result<(Vec<FileChange>, Blobs), Error> {
    let mut diff = repo
        .diff_tree_to_tree(old, new, Some(&mut diff_options(options)))
        .doing(|| "diffing the base and head trees".to_string())?;
    convert(repo, &mut diff, options, NewSide::Objects)
}

/// Converts a diff, finding renames and copies first. Whether a file is text is then settled
/// by its bytes ([`text`]), not by libgit2's attribute-driven guess; the blobs read for that
/// are returned with the files.
///
/// When both sides of a file are blobs in the object database, they are read once and diffed
/// from their bytes, the files of the change side by side, each thread reading through its own
/// handle on the repository; libgit2 diffing from the diff read each blob again, one file at a
/// time, and was a quarter of a warm 49-file check, and reading them all on this thread before
/// diffing was 15 ms of typescript-sdk's 49-file diff. A working tree's side, a link, a
/// submodule or an unreadable blob keeps libgit2's diff.
pub(crate) fn convert(
    repo: &Repository,
    diff: &mut Diff<'_>,
    options: FileOptions,
    new_side: NewSide,
) -> Result<(Vec<FileChange>, Blobs), Error> {
    let mut kept = Kept::default();
    let mut find = DiffFindOptions::new();
    find.renames(true).copies(true).rename_limit(2000);
    diff.find_similar(Some(&mut find))
        .doing(|| "detecting renames".to_string())?;
    let mut files = Vec::with_capacity(diff.deltas().len());
    // Files whose sides are both blobs: read and diffed side by side after the loop.
    let mut plain = Vec::new();
    for index in 0..diff.deltas().len() {
        let delta = diff
            .get_delta(index)
            .expect("index is below deltas().len()");
        if delta.status() == Delta::Unmodified || delta.status() == Delta::Ignored {
            continue;
        }
        if new_side == NewSide::Objects && text::plain_blobs(&delta) {
            plain.push((files.len(), index));
            files.push(file_change(&delta, None)?);
            continue;
        }
        files.push(from_patch(
            repo,
            diff,
            index,
            (options, new_side),
            &mut kept,
        )?);
    }
    let git_dir = repo.path();
    let read: Vec<_> = plain
        .par_iter()
        .map(|&(at, _)| {
            let mut change = files[at].clone();
            let outcome = read_and_settle(git_dir, &mut change, options.max_file_bytes);
            (change, outcome)
        })
        .collect();
    for (&(at, index), (change, outcome)) in plain.iter().zip(read) {
        files[at] = match outcome {
            Read::Oversized => change,
            Read::Settled(read, settled) => {
                let mut change = change;
                kept.absorb(read);
                text::apply(&mut change, settled?, true, &mut kept);
                change
            }
            // A side this thread could not read: libgit2 diffs the file, and says why.
            Read::Unread => from_patch(repo, diff, index, (options, new_side), &mut kept)?,
        };
    }
    files.sort_by(|a, b| a.path().cmp(b.path()));
    Ok((files, kept.done()))
}

/// What [`read_and_settle`] made of a file whose sides are both blobs.
enum Read {
    /// A side is over the size limit: binary, never inflated.
    Oversized,
    /// Both sides read (kept here) and settled.
    Settled(Kept, Result<text::Settled, Error>),
    /// A side could not be read on this thread.
    Unread,
}

/// Reads `change`'s sides and diffs them, on whichever thread runs it, through that thread's
/// own handle on the repository at `git_dir` (a `Repository` serves one thread at a time).
/// Blobs are read by their full ids, so any handle that holds them reads the same bytes.
fn read_and_settle(git_dir: &Path, change: &mut FileChange, max_file_bytes: u64) -> Read {
    let read = with_handle(git_dir, |repo| {
        let odb = repo.odb().ok()?;
        let mut kept = Kept::default();
        let sides = text::read_sides(repo, &odb, change, max_file_bytes, &mut kept)?;
        Some((sides, kept))
    });
    match read {
        None => Read::Unread,
        Some((Sides::Oversized, _)) => Read::Oversized,
        Some((Sides::Read(old, new), kept)) => {
            Read::Settled(kept, text::settle_read(change, &old, &new))
        }
    }
}

/// Runs `work` with this thread's handle on the repository at `git_dir`, opened on first use
/// as git would open it ([`crate::git::open_as_git`]) and kept for the thread's next files;
/// `None` when it cannot be opened.
fn with_handle<T>(git_dir: &Path, work: impl FnOnce(&Repository) -> Option<T>) -> Option<T> {
    thread_local! {
        static HANDLE: RefCell<Option<(PathBuf, Repository)>> = const { RefCell::new(None) };
    }
    HANDLE.with(|handle| {
        let mut handle = handle.borrow_mut();
        if handle.as_ref().is_none_or(|(dir, _)| dir != git_dir) {
            *handle = crate::git::open_as_git(git_dir)
                .ok()
                .map(|repo| (git_dir.to_path_buf(), repo));
        }
        work(&handle.as_ref()?.1)
    })
}

/// A file libgit2 diffs (a link, a submodule, a type change, a working-tree side, or a blob
/// that could not be read ahead), settled by its bytes afterwards.
fn from_patch(
    repo: &Repository,
    diff: &Diff<'_>,
    index: usize,
    (options, new_side): (FileOptions, NewSide),
    kept: &mut Kept,
) -> Result<FileChange, Error> {
    let patch =
        Patch::from_diff(diff, index).doing(|| "reading a changed file's content".to_string())?;
    let delta = diff
        .get_delta(index)
        .expect("index is below deltas().len()");
    let mut change = file_change(&delta, patch.as_ref())?;
    text::settle(repo, &mut change, (options.max_file_bytes, new_side), kept)?;
    Ok(change)
}

fn file_change(
    delta: &git2::DiffDelta<'_>,
    patch: Option<&Patch<'_>>,
) -> Result<FileChange, Error> {
    let status = match delta.status() {
        Delta::Added | Delta::Untracked => FileStatus::Added,
        Delta::Deleted => FileStatus::Deleted,
        Delta::Renamed => FileStatus::Renamed,
        Delta::Copied => FileStatus::Copied,
        Delta::Typechange => FileStatus::TypeChanged,
        _ => FileStatus::Modified,
    };
    let old = delta.old_file();
    let new = delta.new_file();
    let (old_path, old_escaped) = side_path(old.path_bytes());
    let (new_path, new_escaped) = side_path(new.path_bytes());
    let exists_old = status != FileStatus::Added;
    let exists_new = status != FileStatus::Deleted;

    let mut change = FileChange::new(
        status,
        old_path.filter(|_| exists_old),
        new_path.filter(|_| exists_new),
    );
    change.non_utf8_path = old_escaped || new_escaped;
    if exists_old {
        change.old_blob = Some(old.id().to_string());
        change.old_mode = Some(u32::from(old.mode()));
        change.old_size = Some(old.size());
    }
    if exists_new {
        change.new_blob = Some(new.id().to_string());
        change.new_mode = Some(u32::from(new.mode()));
        change.new_size = Some(new.size());
    }
    change.binary = delta.flags().is_binary();
    if matches!(status, FileStatus::Renamed | FileStatus::Copied) {
        change.similarity = Some(similarity(patch));
    }
    if let Some(patch) = patch
        && !change.binary
    {
        change.hunks = hunks(patch)?;
    }
    Ok(change)
}

fn side_path(bytes: Option<&[u8]>) -> (Option<String>, bool) {
    match bytes {
        Some(bytes) => {
            let (text, escaped) = escape_path(bytes);
            (Some(text), escaped)
        }
        None => (None, false),
    }
}

/// libgit2 does not expose the similarity score of a rename through `DiffDelta`; estimate it
/// from the line stats the way git's `similarity index` reads: unchanged share of the file.
pub(super) fn similarity(patch: Option<&Patch<'_>>) -> u8 {
    let Some(patch) = patch else { return 100 };
    let Ok((context, additions, deletions)) = patch.line_stats() else {
        return 100;
    };
    if additions == 0 && deletions == 0 {
        return 100;
    }
    let total = (context + additions.max(deletions)).max(1);
    u8::try_from(context * 100 / total).unwrap_or(100)
}

pub(super) fn hunks(patch: &Patch<'_>) -> Result<Vec<Hunk>, Error> {
    let mut hunks = Vec::with_capacity(patch.num_hunks());
    for hunk_index in 0..patch.num_hunks() {
        let (header, line_count) = patch
            .hunk(hunk_index)
            .doing(|| "reading a hunk".to_string())?;
        let mut lines = Vec::with_capacity(line_count);
        for line_index in 0..line_count {
            let line = patch
                .line_in_hunk(hunk_index, line_index)
                .doing(|| "reading a hunk line".to_string())?;
            let kind = match line.origin() {
                '+' => LineKind::Added,
                '-' => LineKind::Removed,
                ' ' => LineKind::Context,
                // '=', '>', '<' mark end-of-file newline changes, not content.
                _ => continue,
            };
            lines.push(Line {
                kind,
                old_line: line.old_lineno(),
                new_line: line.new_lineno(),
                content: content_text(line.content()),
            });
        }
        hunks.push(Hunk {
            old_start: header.old_start(),
            old_lines: header.old_lines(),
            new_start: header.new_start(),
            new_lines: header.new_lines(),
            lines,
        });
    }
    Ok(hunks)
}

/// Line text without its terminator (`\n` or `\r\n`), invalid UTF-8 replaced.
fn content_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    String::from_utf8_lossy(bytes).into_owned()
}
