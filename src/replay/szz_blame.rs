//! The blame half of SZZ: for each bug-fix commit, the lines it removed or changed are blamed
//! in its parent, and the commits that last touched them are labelled fix-inducing.
//!
//! Whitespace never counts: the fix's diff and every blame ignore it, so a re-indent is
//! neither a fix line nor a culprit. A commit the mechanical-change recogniser judges as a
//! reformat or comment-only edit of the file is passed over: the line is followed into that
//! commit's parent and blamed again (at most [`MAX_HOPS`] times). Blame stops at the replay's
//! oldest commit, so lines older than the range cost nothing and label nothing. Unless every
//! fix is wanted (`--szz-all-fixes`), files whose lines cannot hold a defect
//! ([`super::szz_scope::UNBLAMED_PATHS`]: documentation, lockfiles, tests) are not blamed at
//! all: a lockfile's hundreds of changed lines are the most expensive to blame.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use git2::{BlameOptions, Commit, Delta, DiffOptions, Oid, Patch, Repository};
use rayon::prelude::*;

use crate::analyze::mechanical;

use super::szz::{BlamedLine, Fix, FixInducing};

/// A fix touching more files than this is a refactoring or a merge of work, not a fix whose
/// lines say where the bug was (tangled changes): it is not blamed.
pub const MAX_FIX_FILES: usize = 50;

/// Mechanical commits followed past, per blamed line, before giving up on the line.
pub const MAX_HOPS: usize = 3;

/// Files larger than this are not blamed (generated data, vendored bundles).
const MAX_BLOB: usize = 1 << 20;

/// What blaming the fixes found.
#[derive(Debug, Default)]
pub struct Blamed {
    /// Labels with evidence, in the order of `fixes`.
    pub labels: Vec<FixInducing>,
    /// Fixes that could not be blamed (a git error), with the error.
    pub failed: Vec<(Oid, String)>,
    /// Lines the fixes changed in files out of scope, not blamed.
    pub out_of_scope: usize,
}

/// Blames every fix (in parallel, one repository handle per worker); `oldest` is where
/// blame stops, `window_days` how much older than its fix a labelled commit may be, and
/// `all_files` also blames files out of scope.
#[must_use]
pub fn blame_all(
    repo: &Repository,
    fixes: &[Fix],
    oldest: Option<Oid>,
    window_days: u32,
    all_files: bool,
) -> Blamed {
    let git_dir = repo.path().to_path_buf();
    let limits = Limits {
        oldest,
        window_days,
        all_files,
    };
    let results: Vec<(Oid, Result<Found, git2::Error>)> = fixes
        .par_iter()
        .map_init(
            || (Repository::open(&git_dir), HashMap::new()),
            |(repo, cache), fix| {
                let result = match repo {
                    Ok(repo) => cached_blame(repo, fix, limits, cache),
                    Err(error) => Err(git2::Error::from_str(error.message())),
                };
                (fix.oid, result)
            },
        )
        .collect();
    let mut blamed = Blamed::default();
    for (oid, result) in results {
        match result {
            Ok(found) => {
                blamed.out_of_scope += found.out_of_scope;
                blamed.labels.extend(found.labels);
            }
            Err(error) => blamed.failed.push((oid, error.message().to_string())),
        }
    }
    blamed
}

/// Whether a commit's edit of a path is mechanical, by (commit, path).
type Mechanical = HashMap<(Oid, String), bool>;

/// Where a fix's lines were blamed: culprit commits with their lines. It does not depend on
/// which sources recognised the fix.
type Culprits = BTreeMap<Oid, Vec<BlamedLine>>;

/// What limits a blame (and keys its cache entry).
#[derive(Debug, Clone, Copy)]
struct Limits {
    /// Where blame stops.
    oldest: Option<Oid>,
    /// How much older than its fix a labelled commit may be.
    window_days: u32,
    /// Blame files out of scope too.
    all_files: bool,
}

/// One fix's labels, and the lines it changed out of scope.
struct Found {
    labels: Vec<FixInducing>,
    out_of_scope: usize,
}

/// Bumped when blaming changes what it finds (the key also holds the crate version, since the
/// mechanical-change recogniser decides which commits are passed over). 3: that recogniser
/// parses without a time limit, so a busy machine no longer labels more commits.
const CACHE_VERSION: u32 = 3;

/// [`blame_fix`] through a cache under `<git_dir>/blastgate/szz/`, keyed by everything the
/// result depends on: the fix, the [`Limits`], the hop and size limits and the version. Blame
/// is most of a warm replay's time otherwise; a cache entry that cannot be read or written is
/// recomputed, never trusted half-way. A failure is kept too (in `<fix>.failed`, which older
/// builds never read), but only one the history itself causes (see [`lasting`]): commits with
/// an empty author e-mail in `netbox-community/netbox` failed 21 blames on every warm replay,
/// 52 of its 53 s.
fn cached_blame(
    repo: &Repository,
    fix: &Fix,
    limits: Limits,
    mechanical: &mut Mechanical,
) -> Result<Found, git2::Error> {
    let path = repo
        .path()
        .join("blastgate")
        .join("szz")
        .join(format!(
            "v{CACHE_VERSION}-{}-h{MAX_HOPS}-f{MAX_FIX_FILES}-w{}-o{}-{}",
            env!("CARGO_PKG_VERSION"),
            limits.window_days,
            limits
                .oldest
                .map_or_else(|| "root".to_string(), |oid| oid.to_string()),
            if limits.all_files { "all" } else { "scoped" }
        ))
        .join(fix.oid.to_string());
    let kept = std::fs::read(&path)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Cached>(&bytes).ok());
    let failed = path.with_extension("failed");
    if kept.is_none()
        && let Ok(message) = std::fs::read_to_string(&failed)
    {
        return Err(git2::Error::from_str(&message));
    }
    let (culprits, out_of_scope) = if let Some(kept) = kept {
        let culprits: Culprits = kept
            .culprits
            .into_iter()
            .filter_map(|entry| Some((Oid::from_str(&entry.commit).ok()?, entry.lines)))
            .collect();
        (culprits, kept.out_of_scope)
    } else {
        let (culprits, out_of_scope) = match blame_fix(repo, fix, limits, mechanical) {
            Ok(found) => found,
            Err(error) => {
                if lasting(&error)
                    && let Some(dir) = failed.parent()
                    && std::fs::create_dir_all(dir).is_ok()
                {
                    let _ = crate::analyze::blast::cache::write_atomically(
                        &failed,
                        error.message().as_bytes(),
                    );
                }
                return Err(error);
            }
        };
        let entry = Cached {
            culprits: culprits
                .iter()
                .map(|(commit, lines)| Culprit {
                    commit: commit.to_string(),
                    lines: lines.clone(),
                })
                .collect(),
            out_of_scope,
        };
        if let (Some(dir), Ok(bytes)) = (path.parent(), serde_json::to_vec(&entry))
            && std::fs::create_dir_all(dir).is_ok()
        {
            let _ = crate::analyze::blast::cache::write_atomically(&path, &bytes);
        }
        (culprits, out_of_scope)
    };
    let labels = culprits
        .into_iter()
        .map(|(culprit, lines)| FixInducing {
            commit: culprit,
            fix: fix.oid,
            fix_subject: fix.subject.clone(),
            sources: fix.sources.clone(),
            lines,
        })
        .collect();
    Ok(Found {
        labels,
        out_of_scope,
    })
}

/// Whether a blame failure comes from the objects' content, so blaming again gives it again:
/// libgit2 reports a malformed object (an author with an empty e-mail, say) as invalid
/// input. A missing object, an I/O or any other error is not kept: fetching the objects or
/// freeing the disk mends it, and the next replay blames again.
fn lasting(error: &git2::Error) -> bool {
    error.class() == git2::ErrorClass::Invalid && error.code() != git2::ErrorCode::NotFound
}

/// A cache entry: the culprits, and the lines out of scope.
#[derive(serde::Serialize, serde::Deserialize)]
struct Cached {
    culprits: Vec<Culprit>,
    out_of_scope: usize,
}

/// One culprit in a cache entry.
#[derive(serde::Serialize, serde::Deserialize)]
struct Culprit {
    commit: String,
    lines: Vec<BlamedLine>,
}

/// The culprits of `fix`'s removed or changed lines, and how many lines it changed in files
/// out of scope (not blamed).
fn blame_fix(
    repo: &Repository,
    fix: &Fix,
    limits: Limits,
    cache: &mut Mechanical,
) -> Result<(Culprits, usize), git2::Error> {
    let Limits { oldest, .. } = limits;
    let window = i64::from(limits.window_days) * 86_400;
    let commit = repo.find_commit(fix.oid)?;
    if commit.parent_count() != 1 {
        return Ok((Culprits::new(), 0));
    }
    let parent = commit.parent(0)?;
    let mut options = DiffOptions::new();
    options.ignore_whitespace(true).context_lines(0);
    let diff = repo.diff_tree_to_tree(
        Some(&parent.tree()?),
        Some(&commit.tree()?),
        Some(&mut options),
    )?;
    if diff.deltas().len() > MAX_FIX_FILES {
        return Ok((Culprits::new(), 0));
    }
    let mut out_of_scope = 0;
    let since = commit.committer().when().seconds() - window;
    let mut found: BTreeMap<Oid, Vec<BlamedLine>> = BTreeMap::new();
    for (index, delta) in diff.deltas().enumerate() {
        if delta.status() != Delta::Modified {
            continue;
        }
        let Some(path) = delta.old_file().path().and_then(Path::to_str) else {
            continue;
        };
        if !limits.all_files && super::szz_scope::unblamed_path(path).is_some() {
            out_of_scope += removed_lines(&diff, index)?.len();
            continue;
        }
        let (old, new) = (
            repo.find_blob(delta.old_file().id())?,
            repo.find_blob(delta.new_file().id())?,
        );
        if old.is_binary() || old.size() > MAX_BLOB || new.size() > MAX_BLOB {
            continue;
        }
        // A fix that only reformats a file says nothing about where the bug was.
        if mechanical::same_code_untimed(path, old.content(), new.content()).is_some() {
            continue;
        }
        let removed = removed_lines(&diff, index)?;
        let (Some(&first), Some(&last)) = (removed.first(), removed.last()) else {
            continue;
        };
        let blame = blame(repo, path, parent.id(), oldest, first, last)?;
        for line in removed {
            let Some(hunk) = blame.get_line(line) else {
                continue;
            };
            if hunk.is_boundary() {
                continue;
            }
            let at = hunk.orig_start_line() + (line - hunk.final_start_line());
            let orig_path = hunk
                .path()
                .and_then(Path::to_str)
                .unwrap_or(path)
                .to_string();
            let Some(culprit) =
                past_mechanical(repo, hunk.final_commit_id(), orig_path, at, oldest, cache)?
            else {
                continue;
            };
            if repo.find_commit(culprit)?.committer().when().seconds() < since {
                continue;
            }
            found.entry(culprit).or_default().push(BlamedLine {
                path: path.to_string(),
                line,
            });
        }
    }
    for lines in found.values_mut() {
        lines.sort();
        lines.dedup();
    }
    Ok((found, out_of_scope))
}

/// 1-based line numbers, in the old version, of the non-blank lines the fix removed or
/// changed (whitespace-only changes are not in the diff at all).
fn removed_lines(diff: &git2::Diff<'_>, index: usize) -> Result<Vec<usize>, git2::Error> {
    let Some(patch) = Patch::from_diff(diff, index)? else {
        return Ok(Vec::new());
    };
    let mut removed = Vec::new();
    for hunk in 0..patch.num_hunks() {
        for at in 0..patch.num_lines_in_hunk(hunk)? {
            let line = patch.line_in_hunk(hunk, at)?;
            if line.origin() != '-' || line.content().trim_ascii().is_empty() {
                continue;
            }
            if let Some(number) = line.old_lineno() {
                removed.push(number as usize);
            }
        }
    }
    removed.sort_unstable();
    Ok(removed)
}

fn blame<'r>(
    repo: &'r Repository,
    path: &str,
    newest: Oid,
    oldest: Option<Oid>,
    first: usize,
    last: usize,
) -> Result<git2::Blame<'r>, git2::Error> {
    let mut options = BlameOptions::new();
    options
        .newest_commit(newest)
        .ignore_whitespace(true)
        .min_line(first)
        .max_line(last);
    if let Some(oldest) = oldest {
        options.oldest_commit(oldest);
    }
    repo.blame_file(Path::new(path), Some(&mut options))
}

/// The commit behind line `line` of `path` as `commit` left it, passing over commits whose
/// edit of the file was mechanical; `None` when the line leads past the range or through
/// more than [`MAX_HOPS`] mechanical commits.
fn past_mechanical(
    repo: &Repository,
    mut commit: Oid,
    mut path: String,
    mut line: usize,
    oldest: Option<Oid>,
    cache: &mut Mechanical,
) -> Result<Option<Oid>, git2::Error> {
    for _ in 0..=MAX_HOPS {
        let current = repo.find_commit(commit)?;
        let Some((parent, old, new)) = versions(repo, &current, &path)? else {
            return Ok(Some(commit));
        };
        let key = (commit, path.clone());
        let is_mechanical = *cache.entry(key).or_insert_with(|| {
            // Parsed without a time limit, so bounded by size as the fix's own files are.
            old.len() <= MAX_BLOB
                && new.len() <= MAX_BLOB
                && mechanical::same_code_untimed(&path, &old, &new).is_some()
        });
        if !is_mechanical {
            return Ok(Some(commit));
        }
        let mapped = map_line(&old, &new, line)?;
        let blame = blame(repo, &path, parent, oldest, mapped, mapped)?;
        let Some(hunk) = blame.get_line(mapped) else {
            return Ok(None);
        };
        if hunk.is_boundary() {
            return Ok(None);
        }
        commit = hunk.final_commit_id();
        line = hunk.orig_start_line() + (mapped - hunk.final_start_line());
        if let Some(orig) = hunk.path().and_then(Path::to_str) {
            path = orig.to_string();
        }
    }
    Ok(None)
}

/// A commit's first parent, and a file's content there and in the commit.
type Versions = (Oid, Vec<u8>, Vec<u8>);

/// The first parent and both versions of `path` around `commit`; `None` for a root commit or
/// a file the commit added (then the commit wrote the line).
fn versions(
    repo: &Repository,
    commit: &Commit<'_>,
    path: &str,
) -> Result<Option<Versions>, git2::Error> {
    let Ok(parent) = commit.parent(0) else {
        return Ok(None);
    };
    let read = |tree: git2::Tree<'_>| -> Result<Option<Vec<u8>>, git2::Error> {
        match tree.get_path(Path::new(path)) {
            Ok(entry) => Ok(Some(repo.find_blob(entry.id())?.content().to_vec())),
            Err(error) if error.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    };
    let (Some(old), Some(new)) = (read(parent.tree()?)?, read(commit.tree()?)?) else {
        return Ok(None);
    };
    Ok(Some((parent.id(), old, new)))
}

/// Where 1-based line `line` of `new` came from in `old`: shifted past the hunks above it,
/// or, inside a rewritten hunk, the line at the same offset (clamped to the hunk).
fn map_line(old: &[u8], new: &[u8], line: usize) -> Result<usize, git2::Error> {
    let mut options = DiffOptions::new();
    options.ignore_whitespace(true).context_lines(0);
    let patch = Patch::from_buffers(old, None, new, None, Some(&mut options))?;
    let mut shift: isize = 0;
    for index in 0..patch.num_hunks() {
        let (hunk, _) = patch.hunk(index)?;
        let (old_start, old_lines) = (hunk.old_start() as usize, hunk.old_lines() as usize);
        let (new_start, new_lines) = (hunk.new_start() as usize, hunk.new_lines() as usize);
        // Git numbers a pure deletion (or insertion) after the line it follows.
        let new_end = new_start + new_lines.max(1);
        let old_end = old_start + old_lines.max(1);
        let before = if new_lines == 0 {
            line <= new_start
        } else {
            line < new_start
        };
        if before {
            break;
        }
        if line < new_end && new_lines > 0 {
            let offset = (line - new_start).min(old_lines.saturating_sub(1));
            return Ok((old_start + offset).max(1));
        }
        shift = old_end.cast_signed() - new_end.cast_signed();
    }
    Ok(line.saturating_add_signed(shift).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines below a hunk shift by what it added or removed; lines inside a rewritten hunk
    /// keep their offset, clamped to the old hunk.
    #[test]
    fn map_line_follows_hunks() {
        let old = b"a\nb\nc\nd\n";
        let new = b"x\ny\nz\na\nB\nc\nd\n";
        assert_eq!(map_line(old, new, 4).expect("diff"), 1); // `a` after 3 inserted lines
        assert_eq!(map_line(old, new, 5).expect("diff"), 2); // `B` rewrote `b`
        assert_eq!(map_line(old, new, 7).expect("diff"), 4);
        assert_eq!(map_line(old, old, 3).expect("diff"), 3);
        let shorter = b"a\nd\n"; // b and c deleted
        assert_eq!(map_line(old, shorter, 1).expect("diff"), 1);
        assert_eq!(map_line(old, shorter, 2).expect("diff"), 4);
    }
}
