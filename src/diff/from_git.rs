//! Turns a libgit2 diff (tree↔tree, tree↔index, tree↔working tree) into [`FileChange`]s.

use std::collections::HashMap;
use std::path::Path;

use git2::{Delta, Diff, DiffFindOptions, DiffOptions, Patch, Repository, Tree};
use rayon::prelude::*;

use super::blobs::{Blobs, Kept};
use super::error::{Error, GitContext};
use super::model::{FileChange, FileStatus, Hunk, Line, LineKind, escape_path};
use super::text::{self, NewSide, ReadSides};

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
) -> Result<Converted, Error> {
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
) -> Result<Converted, Error> {
    let mut kept = Kept::default();
    let objects = new_side == NewSide::Objects;
    let (copies, note) = copy_budget(diff);
    let mut early = read_while_pairing(repo, diff, objects, copies, options.max_file_bytes)?;
    for (_, read) in early.values_mut() {
        if let Read::Settled(read, _) = read {
            kept.absorb(std::mem::take(read));
        }
    }
    let mut files = Vec::with_capacity(diff.deltas().len());
    let mut done = Vec::new();
    // Plain files rename detection paired (renames, copies): diffed side by side below.
    let mut paired = Vec::new();
    for index in 0..diff.deltas().len() {
        let delta = diff
            .get_delta(index)
            .expect("index is below deltas().len()");
        if delta.status() == Delta::Unmodified || delta.status() == Delta::Ignored {
            continue;
        }
        if objects && text::plain_blobs(&delta) {
            let change = file_change(&delta, None)?;
            match early.remove(&Identity::of(&change)) {
                Some(read) => done.push((files.len(), index, read)),
                None => paired.push((files.len(), index)),
            }
            files.push(change);
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
    let known = &kept;
    let read: Vec<_> = paired
        .par_iter()
        .map(|&(at, index)| {
            let mut change = files[at].clone();
            let outcome = read_and_settle(git_dir, &mut change, options.max_file_bytes, known);
            (at, index, (change, outcome))
        })
        .collect();
    for (at, index, (change, outcome)) in done.into_iter().chain(read) {
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
    Ok(Converted {
        files,
        blobs: kept.done(),
        notes: Vec::from_iter(note),
    })
}

/// A diff read from git: its files, the contents read for them, and caveats about how it
/// was read (for the report's notes).
pub(crate) struct Converted {
    pub files: Vec<FileChange>,
    pub blobs: Blobs,
    pub notes: Vec<String>,
}

/// Pairs of an added and a modified file above which copies are not looked for. libgit2
/// measures every such pair (every modified file is a possible copy source): about 4 µs a
/// pair, 57,000 pairs and half of a warm 746-file check that added 659 files. Above the
/// budget each copy counts as an added file, every line of it new; renames from deleted files
/// are still found, so an added file that a modified file's old version would have claimed as
/// its copy source may be read as a rename instead (git's default `-M` reading). Git's
/// `diff.renameLimit` is the same kind of bound.
const COPY_PAIRS: usize = 10_000;

/// Whether to look for copies among `diff`'s files, and the note that says so when not.
fn copy_budget(diff: &Diff<'_>) -> (bool, Option<String>) {
    let (mut added, mut modified) = (0_usize, 0_usize);
    for delta in diff.deltas().filter(text::plain_blobs) {
        match delta.status() {
            Delta::Added => added += 1,
            Delta::Modified => modified += 1,
            _ => {}
        }
    }
    let pairs = added.saturating_mul(modified);
    if pairs <= COPY_PAIRS {
        return (true, None);
    }
    let note = format!(
        "copies were not looked for: {added} added × {modified} modified files is {pairs} pairs, over the budget of {COPY_PAIRS}; a copied file counts as added"
    );
    (false, Some(note))
}

/// Finds renames, and copies with `copies`, in `diff` on this thread while the pool reads and
/// diffs every file whose sides are both blobs (with `objects`; none without): detection
/// pairs an added file with a deleted or modified one and leaves every other file as it was,
/// and on Crush's last eight commits (twelve 200 KB fixtures added, ten deleted) it took
/// 20–27 ms of one core before any file was read. What was read is returned by file, for the
/// files detection left alone; the bytes of those it paired serve their pair's diff.
fn read_while_pairing(
    repo: &Repository,
    diff: &mut Diff<'_>,
    objects: bool,
    copies: bool,
    max_file_bytes: u64,
) -> Result<HashMap<Identity, (FileChange, Read)>, Error> {
    let mut before = Vec::new();
    // On a pool thread (replay judges commits side by side) this thread would wait for the
    // pool it belongs to; the files are then read after detection, as paired ones are.
    if objects && rayon::current_thread_index().is_none() {
        for delta in diff.deltas() {
            if delta.status() != Delta::Unmodified
                && delta.status() != Delta::Ignored
                && text::plain_blobs(&delta)
            {
                before.push(file_change(&delta, None)?);
            }
        }
    }
    let mut find = DiffFindOptions::new();
    find.renames(true).copies(copies).rename_limit(2000);
    if before.is_empty() {
        diff.find_similar(Some(&mut find))
            .doing(|| "detecting renames".to_string())?;
        return Ok(HashMap::new());
    }
    let git_dir = repo.path();
    let (found, read) = std::thread::scope(|scope| {
        let reading = scope.spawn(|| {
            before
                .into_par_iter()
                .map(|mut change| {
                    let outcome =
                        read_and_settle(git_dir, &mut change, max_file_bytes, &Kept::default());
                    (Identity::of(&change), (change, outcome))
                })
                .collect::<HashMap<_, _>>()
        });
        let found = diff.find_similar(Some(&mut find));
        let read = reading
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (found, read)
    });
    found.doing(|| "detecting renames".to_string())?;
    Ok(read)
}

/// What names a file of a diff before and after rename detection: a file detection left alone
/// has the same status, paths, blobs and modes.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Identity {
    status: FileStatus,
    paths: (Option<String>, Option<String>),
    blobs: (Option<String>, Option<String>),
    modes: (Option<u32>, Option<u32>),
}

impl Identity {
    fn of(change: &FileChange) -> Identity {
        Identity {
            status: change.status,
            paths: (change.old_path.clone(), change.new_path.clone()),
            blobs: (change.old_blob.clone(), change.new_blob.clone()),
            modes: (change.old_mode, change.new_mode),
        }
    }
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
/// own handle on the repository at `git_dir` (a `Repository` serves one thread at a time);
/// a side `known` already holds is not read again. Blobs are read by their full ids, so any
/// handle that holds them reads the same bytes.
fn read_and_settle(
    git_dir: &Path,
    change: &mut FileChange,
    max_file_bytes: u64,
    known: &Kept,
) -> Read {
    let read = crate::git::with_thread_handle(git_dir, |repo| {
        let odb = repo.odb().ok()?;
        let mut kept = Kept::default();
        for id in [&change.old_blob, &change.new_blob].into_iter().flatten() {
            if let Some(bytes) = known.get(id) {
                kept.keep(id, bytes);
            }
        }
        // Diffed here, while this handle's blobs are alive (see `text::settle_read`).
        Some(
            match text::read_sides(repo, &odb, change, max_file_bytes, &mut kept)? {
                ReadSides::Oversized => Read::Oversized,
                ReadSides::Read(old, new) => {
                    let settled = text::settle_read(change, &old, &new);
                    Read::Settled(kept, settled)
                }
            },
        )
    });
    read.unwrap_or(Read::Unread)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree of `files` (flat paths) written to `repo`.
    fn tree<'r>(repo: &'r Repository, files: &[(&str, String)]) -> Tree<'r> {
        let mut builder = repo.treebuilder(None).expect("tree builder");
        for (path, content) in files {
            let blob = repo.blob(content.as_bytes()).expect("blob");
            builder.insert(path, blob, 0o100_644).expect("insert");
        }
        let id = builder.write().expect("write tree");
        repo.find_tree(id).expect("tree")
    }

    /// Files read while renames are detected (the calling thread is not the pool's) and files
    /// read after it (on a pool thread, as replay reads them) come out the same: a rename with
    /// its edit, a copy of a modified file, a modified, an added and a deleted file.
    #[test]
    fn read_while_pairing_or_after_gives_the_same_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = Repository::init(dir.path()).expect("init");
        let body = |tag: &str| module(tag, 60);
        let old = tree(
            &repo,
            &[
                ("moved.py", body("moved")),
                ("source.py", body("source")),
                ("kept.txt", "one\ntwo\n".to_string()),
                ("gone.txt", "bye\n".to_string()),
            ],
        );
        let new = tree(
            &repo,
            &[
                (
                    "renamed.py",
                    body("moved").replace("line 7 ", "line seven "),
                ),
                ("source.py", format!("{}extra\n", body("source"))),
                ("copy.py", body("source")),
                ("kept.txt", "one\n2\n".to_string()),
                ("fresh.txt", "hello\n".to_string()),
            ],
        );
        let options = FileOptions::default();
        let Converted {
            files: early,
            blobs: early_blobs,
            ..
        } = trees(&repo, Some(&old), Some(&new), options).expect("diff");
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("pool");
        let (path, ids) = (dir.path(), (old.id(), new.id()));
        let Converted {
            files: after,
            blobs: after_blobs,
            ..
        } = pool
            .install(|| {
                let repo = Repository::open(path).expect("open");
                let tree = |id| repo.find_tree(id).expect("tree");
                trees(&repo, Some(&tree(ids.0)), Some(&tree(ids.1)), options)
            })
            .expect("diff on the pool");
        assert_eq!(early, after);
        let statuses: Vec<(&str, FileStatus)> = early
            .iter()
            .map(|file| (file.path(), file.status))
            .collect();
        assert_eq!(
            statuses,
            [
                ("copy.py", FileStatus::Copied),
                ("fresh.txt", FileStatus::Added),
                ("gone.txt", FileStatus::Deleted),
                ("kept.txt", FileStatus::Modified),
                ("renamed.py", FileStatus::Renamed),
                ("source.py", FileStatus::Modified),
            ]
        );
        let renamed = early.iter().find(|file| file.path() == "renamed.py");
        assert!(renamed.is_some_and(|file| file.additions() == 1 && file.deletions() == 1));
        for file in &early {
            for id in [&file.old_blob, &file.new_blob].into_iter().flatten() {
                assert!(early_blobs.get(id).is_some(), "{}: {id} kept", file.path());
                assert_eq!(early_blobs.get(id), after_blobs.get(id));
            }
        }
    }

    /// A module of `lines` distinct lines named by `tag`: different tags share no line.
    fn module(tag: &str, lines: usize) -> String {
        (0..lines)
            .map(|n| format!("line {n} of the {tag} module"))
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    }

    /// `files` as [`tree`] takes them.
    fn borrowed(files: &[(String, String)]) -> Vec<(&str, String)> {
        files
            .iter()
            .map(|(path, text)| (path.as_str(), text.clone()))
            .collect()
    }

    /// Over the budget of pairs, a copy of a modified file counts as an added file and the
    /// change says why; a rename with an edit is still found. At the budget, the copy is.
    #[test]
    fn copies_are_not_looked_for_over_the_pair_budget() {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = Repository::init(dir.path()).expect("init");
        let body = |tag: &str| module(tag, 40);
        // `modified` files edited and `added` new ones, beside a copy and a rename.
        let change = |modified: usize, added: usize| {
            let mut old = vec![
                ("source.py".to_string(), body("source")),
                ("moved.py".to_string(), body("moved")),
            ];
            let mut new = vec![
                ("source.py".to_string(), body("source") + "one more\n"),
                ("copy.py".to_string(), body("source") + "a copy\n"),
                ("renamed.py".to_string(), body("moved") + "an edit\n"),
            ];
            for n in 0..modified {
                old.push((format!("m{n}.txt"), format!("{n}\n")));
                new.push((format!("m{n}.txt"), format!("{n} edited\n")));
            }
            new.extend((0..added).map(|n| (format!("a{n}.txt"), format!("new {n}\n"))));
            let (old, new) = (tree(&repo, &borrowed(&old)), tree(&repo, &borrowed(&new)));
            trees(&repo, Some(&old), Some(&new), FileOptions::default()).expect("diff")
        };
        let status = |read: &Converted, path: &str| {
            read.files
                .iter()
                .find(|file| file.path() == path)
                .map(|file| file.status)
        };
        // (1 + 99) modified × (2 + 98) added: exactly the budget.
        let within = change(99, 98);
        assert_eq!(status(&within, "copy.py"), Some(FileStatus::Copied));
        assert!(within.notes.is_empty(), "{:?}", within.notes);
        // (1 + 100) modified × (2 + 98) added: over it.
        let over = change(100, 98);
        assert_eq!(status(&over, "copy.py"), Some(FileStatus::Added));
        assert_eq!(status(&over, "renamed.py"), Some(FileStatus::Renamed));
        assert_eq!(
            over.notes,
            [
                "copies were not looked for: 100 added × 101 modified files is 10100 pairs, over the budget of 10000; a copied file counts as added"
            ]
        );
    }
}
