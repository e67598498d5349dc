//! Hook management: install, remove and inspect the client-side pre-push hook that runs
//! `blastgate pre-push`.
//!
//! The hooks directory is the one git itself uses: `core.hooksPath` when set (relative paths are
//! relative to the work tree root, as git resolves them for hooks), else `<commondir>/hooks`, so
//! every linked worktree shares one hook. An existing hook is never overwritten silently: by
//! default it is moved aside and chained (it keeps running first), `--force` replaces it and keeps
//! a backup, and `uninstall` puts back whatever was there.

mod install;
mod script;
mod status;

use std::path::{Path, PathBuf};

pub use install::{Installed, Previous, Removed, install, uninstall};
pub use status::{State, Status, status};

/// Name of the hook file git runs before a push.
pub const HOOK_NAME: &str = "pre-push";
/// Where an existing hook is moved when blastgate chains to it.
pub const CHAINED_NAME: &str = "pre-push.blastgate-chained";
/// Where an existing hook is kept when `--force` replaces it.
pub const BACKUP_NAME: &str = "pre-push.blastgate-backup";

/// Errors of hook management; each names the path at fault.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No repository at or above the directory.
    #[error("{} is not in a git repository", path.display())]
    NotARepository {
        /// Where we looked.
        path: PathBuf,
    },
    /// A bare repository has no client-side push: servers gate with `pre-receive`.
    #[error(
        "{} is a bare repository: nobody pushes from it; on a server use `blastgate pre-receive` as its pre-receive hook",
        path.display()
    )]
    Bare {
        /// The repository.
        path: PathBuf,
    },
    /// Reading the repository configuration failed.
    #[error("reading the configuration of {}", path.display())]
    Config {
        /// The repository.
        path: PathBuf,
        /// What git2 said.
        #[source]
        source: git2::Error,
    },
    /// The hooks directory (or a file in it) cannot be written.
    #[error("cannot write {}: {action}", path.display())]
    NotWritable {
        /// The path.
        path: PathBuf,
        /// What we were doing.
        action: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A file that must be created already exists and belongs to someone else.
    #[error("{} already exists; move it away first so nothing is lost", path.display())]
    Occupied {
        /// The path.
        path: PathBuf,
    },
    /// Reading a file failed.
    #[error("cannot read {}", path.display())]
    Read {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The path of the running binary is unknown, so the hook could not name it.
    #[error("cannot find the path of the running blastgate binary")]
    CurrentExe(#[source] std::io::Error),
}

/// Where the hook lives for one repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The hooks directory git uses.
    pub dir: PathBuf,
    /// Why this directory (`core.hooksPath` or the default).
    pub source: String,
}

impl Location {
    /// The pre-push hook file.
    #[must_use]
    pub fn hook(&self) -> PathBuf {
        self.dir.join(HOOK_NAME)
    }

    /// Where a chained hook is kept.
    #[must_use]
    pub fn chained(&self) -> PathBuf {
        self.dir.join(CHAINED_NAME)
    }

    /// Where a replaced hook is kept.
    #[must_use]
    pub fn backup(&self) -> PathBuf {
        self.dir.join(BACKUP_NAME)
    }
}

/// Resolves the hooks directory of the repository containing `dir`, honouring `GIT_DIR` and
/// friends (git sets them when it runs hooks and aliases).
pub fn locate(dir: &Path) -> Result<Location, Error> {
    let repo = crate::git::open_as_git(dir).map_err(|_| Error::NotARepository {
        path: dir.to_path_buf(),
    })?;
    let Some(workdir) = repo.workdir() else {
        return Err(Error::Bare {
            path: repo.path().to_path_buf(),
        });
    };
    let config = repo.config().map_err(|source| Error::Config {
        path: repo.path().to_path_buf(),
        source,
    })?;
    // get_path expands `~/`; a missing key is the common case, not an error.
    match config.get_path("core.hooksPath") {
        Ok(path) => Ok(Location {
            dir: workdir.join(path),
            source: "core.hooksPath".to_string(),
        }),
        Err(error) if error.code() == git2::ErrorCode::NotFound => Ok(Location {
            dir: repo.commondir().join("hooks"),
            source: "default hooks directory".to_string(),
        }),
        Err(source) => Err(Error::Config {
            path: repo.path().to_path_buf(),
            source,
        }),
    }
}
