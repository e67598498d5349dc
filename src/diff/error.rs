//! Why a change could not be read. Every message names the revision or path at fault and,
//! where there is one, the command that fixes it.

use std::path::PathBuf;

/// Errors of the `diff` stage.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No repository at or above the directory.
    #[error("{}: not a git repository (or any parent directory); run blastgate inside a clone or pass -C DIR", path.display())]
    NotARepository {
        /// Where the search started.
        path: PathBuf,
    },
    /// A repository that exists but cannot be opened (a malformed file in its git directory).
    #[error("{}: the repository cannot be opened ({error}); fix the file it names, or run `git fsck`", path.display())]
    OpenRepository {
        /// Where the search started.
        path: PathBuf,
        /// The libgit2 error, quoted in the message (so not also a source).
        error: git2::Error,
    },
    /// A grafts file that libgit2 cannot parse.
    #[error("{}: malformed ({error}); fix or remove it (`git replace --graft` is what replaces grafts)", file.display())]
    MalformedGrafts {
        /// `info/grafts` (or `shallow`) in the git directory.
        file: PathBuf,
        /// The libgit2 error, with the line, quoted in the message.
        error: git2::Error,
    },
    /// A loose object that does not decode: libgit2 would hang or fail on it.
    #[error("object {id} is corrupt: {why} ({}); restore it from another clone (`git fetch`), or run `git fsck`", path.display())]
    CorruptObject {
        /// The object id.
        id: String,
        /// Its file.
        path: PathBuf,
        /// What is wrong with it.
        why: String,
    },
    /// A revision that does not resolve.
    #[error(
        "unknown revision `{spec}`: check the name, or fetch it first (`git fetch origin {spec}`)"
    )]
    UnknownRevision {
        /// What was asked for.
        spec: String,
    },
    /// A revision that is missing because the clone is shallow.
    #[error(
        "revision `{spec}` is not in this shallow clone; fetch it with `git fetch --unshallow origin` \
         (in GitHub Actions set `fetch-depth: 0` on actions/checkout)"
    )]
    ShallowClone {
        /// What was asked for.
        spec: String,
    },
    /// A revision that is missing because the CI platform's checkout is shallow.
    #[error(
        "revision `{spec}` is not in this shallow clone: {fix} (or run `git fetch --unshallow origin` before blastgate)",
        fix = platform.deep_checkout()
    )]
    ShallowCiClone {
        /// What was asked for.
        spec: String,
        /// The CI platform, whose checkout setting fixes it.
        platform: super::ci::Platform,
    },
    /// `HEAD` points at a branch without commits.
    #[error(
        "HEAD has no commits yet (unborn branch); commit first, or check staged changes with --staged"
    )]
    UnbornHead,
    /// The command needs a working tree and the repository is bare.
    #[error("{what} needs a working tree, but {} is a bare repository; pass --base and --head instead", path.display())]
    BareRepository {
        /// The option that needed it.
        what: &'static str,
        /// The repository.
        path: PathBuf,
    },
    /// No base was given and none could be chosen from the environment.
    #[error("cannot choose a base for {head}: {why}; pass --base REV")]
    NoBase {
        /// The head being checked.
        head: String,
        /// What was tried.
        why: String,
    },
    /// A CI event payload that cannot be read.
    #[error("CI event payload {}: {message}; fix the workflow or pass --base REV", path.display())]
    CiPayload {
        /// The payload file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// Malformed unified diff text.
    #[error("{source_name}: {error}")]
    DiffText {
        /// File name or `-`.
        source_name: String,
        /// Where and why parsing failed, quoted in the message (so not also a source).
        error: super::unified::ParseError,
    },
    /// The diff text could not be read.
    #[error("{source_name}: cannot read the diff: {error}")]
    ReadDiff {
        /// File name or `-`.
        source_name: String,
        /// The I/O failure, quoted in the message (so not also a source).
        error: std::io::Error,
    },
    /// Malformed pre-push input.
    #[error(
        "pre-push input line {line}: {message}; git sends `<local ref> <local oid> <remote ref> <remote oid>`"
    )]
    PushLine {
        /// 1-based line number on standard input.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A new ref arrived and the server has no branch to judge it against.
    #[error(
        "cannot judge new ref {reference}: {why}; name the protected branch with `git config {key} <branch>` in the server repository (or `blastgate pre-receive --default-branch <branch>`), or point HEAD at it with `git symbolic-ref HEAD refs/heads/<branch>`",
        key = super::push::DEFAULT_BRANCH_KEY
    )]
    DefaultBranch {
        /// The ref being created.
        reference: String,
        /// What is wrong with the default branch.
        why: String,
    },
    /// The remote's refs could not be listed, so nothing can count as already pushed.
    #[error(
        "cannot list the refs of remote `{remote}` to see what it already has: {message}; check that `git ls-remote {remote}` works"
    )]
    RemoteRefs {
        /// The remote name or URL git passed.
        remote: String,
        /// What went wrong.
        message: String,
    },
    /// Any other libgit2 failure, with what was being done.
    #[error("{doing}: {error}")]
    Git {
        /// What the gate was doing.
        doing: String,
        /// The libgit2 error, quoted in the message.
        error: git2::Error,
    },
}

/// Attaches what was being done to a libgit2 error.
pub(crate) trait GitContext<T> {
    fn doing(self, what: impl FnOnce() -> String) -> Result<T, Error>;
}

impl<T> GitContext<T> for Result<T, git2::Error> {
    fn doing(self, what: impl FnOnce() -> String) -> Result<T, Error> {
        self.map_err(|error| Error::Git {
            doing: what(),
            error,
        })
    }
}
