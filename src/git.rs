//! Git helpers that are not about diffs: opening a repository as git would (its loose
//! objects checked first, [`integrity`]), resolving revisions with shallow clones told apart
//! from typos, and the branch and id helpers every command uses.

mod commit_id;
mod integrity;

pub use commit_id::CommitId;

use std::path::Path;

use git2::{ErrorCode, Repository};

use crate::diff::{Error, GitContext};

/// Opens the repository as git would. libgit2 reads `GIT_DIR` only when given no start path,
/// so without `-C` (`dir` is `.`) the environment decides (`GIT_DIR`, `GIT_CEILING_DIRECTORIES`,
/// quarantine object directories during `pre-receive`); with `-C DIR` the search starts at DIR.
pub fn open_as_git(dir: &Path) -> Result<Repository, git2::Error> {
    if dir == Path::new(".") {
        Repository::open_from_env()
    } else {
        Repository::open_ext(
            dir,
            git2::RepositoryOpenFlags::FROM_ENV,
            std::iter::empty::<&std::ffi::OsStr>(),
        )
    }
}

/// Runs `work` with this thread's own handle on the repository at `git_dir` (a `Repository`
/// serves one thread at a time), opened on first use as git would open it ([`open_as_git`])
/// and kept for the thread's next use: the diff reads blobs and the domain step reads trees on
/// pool threads. `None` when it cannot be opened. Objects are read by id, so any handle on
/// the repository reads the same bytes; one that cannot find an object fails the read, and
/// callers fall back to the caller's own handle.
pub(crate) fn with_thread_handle<T>(
    git_dir: &Path,
    work: impl FnOnce(&Repository) -> Option<T>,
) -> Option<T> {
    thread_local! {
        static HANDLE: std::cell::RefCell<Option<(std::path::PathBuf, Repository)>> =
            const { std::cell::RefCell::new(None) };
    }
    HANDLE.with(|slot| {
        // Taken out while `work` runs: a pool thread waiting inside it may run another task
        // that asks for the handle, which then opens one of its own.
        let held = slot.borrow_mut().take().filter(|(dir, _)| dir == git_dir);
        let (dir, repo) = match held {
            Some(held) => held,
            None => (git_dir.to_path_buf(), open_as_git(git_dir).ok()?),
        };
        let result = work(&repo);
        *slot.borrow_mut() = Some((dir, repo));
        result
    })
}

/// [`open_as_git`], with errors users can act on ("not a repository" only when there is none),
/// and every loose object checked first, so a corrupt one is an error instead of a hang.
pub fn open(path: &Path) -> Result<Repository, Error> {
    let repo = open_as_git(path).map_err(|error| open_error(path, error))?;
    integrity::check_loose_objects(&repo)?;
    Ok(repo)
}

fn open_error(path: &Path, error: git2::Error) -> Error {
    if error.code() == ErrorCode::NotFound {
        return Error::NotARepository {
            path: path.to_path_buf(),
        };
    }
    // libgit2 reads `info/grafts` and `shallow` while opening; its class for them has no
    // git2 name, so the message tells them apart.
    if error.message().contains("graft")
        && let Ok(git_dir) = Repository::discover_path(path, std::iter::empty::<&std::ffi::OsStr>())
    {
        let grafts = git_dir.join("info").join("grafts");
        let file = if grafts.exists() {
            grafts
        } else {
            git_dir.join("shallow")
        };
        return Error::MalformedGrafts { file, error };
    }
    Error::OpenRepository {
        path: path.to_path_buf(),
        error,
    }
}

/// Resolves `spec` to a commit id. A missing object in a shallow clone is reported as such,
/// with the fetch command that fixes it.
pub fn resolve_commit(repo: &Repository, spec: &str) -> Result<CommitId, Error> {
    match repo
        .revparse_single(spec)
        .and_then(|object| object.peel_to_commit())
    {
        Ok(commit) => Ok(commit.id().into()),
        Err(error) if error.code() == ErrorCode::UnbornBranch => Err(Error::UnbornHead),
        Err(error) if spec == "HEAD" && error.code() == ErrorCode::NotFound && is_unborn(repo) => {
            Err(Error::UnbornHead)
        }
        Err(error)
            if matches!(
                error.code(),
                ErrorCode::NotFound | ErrorCode::InvalidSpec | ErrorCode::Ambiguous
            ) || error.class() == git2::ErrorClass::Odb =>
        {
            Err(missing(repo, spec))
        }
        Err(error) => Err(error).doing(|| format!("resolving `{spec}`")),
    }
}

/// The common ancestor of `base` and `head`, which is what a pull request diffs against.
pub fn merge_base(
    repo: &Repository,
    base: CommitId,
    head: CommitId,
    base_spec: &str,
) -> Result<CommitId, Error> {
    match repo.merge_base(base.oid(), head.oid()) {
        Ok(oid) => Ok(oid.into()),
        Err(error) if error.code() == ErrorCode::NotFound && repo.is_shallow() => {
            Err(Error::ShallowClone {
                spec: base_spec.to_string(),
            })
        }
        Err(error) => Err(error).doing(|| {
            format!(
                "finding the merge-base of `{base_spec}` and {head}: the histories are unrelated"
            )
        }),
    }
}

fn missing(repo: &Repository, spec: &str) -> Error {
    if repo.is_shallow() {
        Error::ShallowClone {
            spec: spec.to_string(),
        }
    } else {
        Error::UnknownRevision {
            spec: spec.to_string(),
        }
    }
}

/// True when `HEAD` names a branch that has no commits yet.
pub(crate) fn is_unborn(repo: &Repository) -> bool {
    matches!(repo.head(), Err(error) if error.code() == ErrorCode::UnbornBranch)
}

/// The current branch name (`main`), when `HEAD` is on a branch.
pub fn current_branch(repo: &Repository) -> Option<String> {
    let head = repo.head().ok()?;
    if !head.is_branch() {
        return None;
    }
    head.shorthand().ok().map(str::to_string)
}

/// Whether `text` is a full object id as git writes it: 40 (SHA-1) or 64 (SHA-256) hex digits.
pub(crate) fn is_oid(text: &str) -> bool {
    matches!(text.len(), 40 | 64) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether `text` is git's "no object" id (all zeros), as hooks and CI payloads write it.
pub(crate) fn is_zero_oid(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b == b'0')
}
