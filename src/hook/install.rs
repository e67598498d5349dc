//! `hook install` and `hook uninstall`: put the managed hook in place without losing the hook
//! that was there, and put that hook back afterwards.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::{Error, Location, locate, script};

/// What `install` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    /// Where the hook lives.
    pub location: Location,
    /// The binary the hook calls.
    pub binary: PathBuf,
    /// What happened to the hook that was there.
    pub previous: Previous,
}

/// The hook that was at the path before `install`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Previous {
    /// None.
    Nothing,
    /// A blastgate hook: rewritten in place (chaining, if any, kept).
    Managed,
    /// Someone else's hook, moved to `path`; it keeps running before blastgate.
    Chained {
        /// Where it is now.
        path: PathBuf,
    },
    /// Someone else's hook, replaced (`--force`) and kept at `path`.
    Replaced {
        /// The backup.
        path: PathBuf,
    },
}

/// What `uninstall` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removed {
    /// There was no blastgate hook (a foreign hook, if any, is left alone).
    NotInstalled {
        /// The hook path looked at.
        hook: PathBuf,
    },
    /// The blastgate hook is gone; `restored` names the hook put back in its place.
    Removed {
        /// The hook path.
        hook: PathBuf,
        /// The chained or backed-up hook that is the pre-push hook again.
        restored: Option<PathBuf>,
    },
}

impl Installed {
    /// What to tell the user.
    #[must_use]
    pub fn text(&self) -> String {
        let hook = self.location.hook();
        let what = match &self.previous {
            Previous::Nothing => String::new(),
            Previous::Managed => "  it was already installed: updated in place\n".to_string(),
            Previous::Chained { path } => format!(
                "  the existing hook moved to {} and still runs first\n",
                path.display()
            ),
            Previous::Replaced { path } => format!(
                "  the existing hook was replaced; backup: {}\n",
                path.display()
            ),
        };
        format!(
            "installed {} (calls {})\n{what}",
            hook.display(),
            self.binary.display()
        )
    }
}

impl Removed {
    /// What to tell the user.
    #[must_use]
    pub fn text(&self) -> String {
        match self {
            Self::NotInstalled { hook } => {
                format!("not installed: no blastgate hook at {}\n", hook.display())
            }
            Self::Removed {
                hook,
                restored: Some(from),
            } => format!(
                "removed {}; restored the previous hook from {}\n",
                hook.display(),
                from.display()
            ),
            Self::Removed {
                hook,
                restored: None,
            } => format!("removed {}\n", hook.display()),
        }
    }
}

/// Installs the pre-push hook in the repository containing `dir`. An existing foreign hook is
/// chained, or with `force` replaced and kept as a backup.
pub fn install(dir: &Path, force: bool) -> Result<Installed, Error> {
    let location = locate(dir)?;
    let binary = std::env::current_exe().map_err(Error::CurrentExe)?;
    std::fs::create_dir_all(&location.dir).map_err(|source| Error::NotWritable {
        path: location.dir.clone(),
        action: "creating the hooks directory".to_string(),
        source,
    })?;
    let hook = location.hook();
    // Write the new script next to its place first: if the directory is not writable, nothing
    // has been moved yet.
    let staged = location.dir.join("pre-push.blastgate-new");
    write_executable(&staged, &script::render(&binary))?;
    let previous = match move_previous(&location, force) {
        Ok(previous) => previous,
        Err(error) => {
            let _ = std::fs::remove_file(&staged);
            return Err(error);
        }
    };
    if let Err(source) = std::fs::rename(&staged, &hook) {
        // Put the previous hook back: a failed install must leave things as they were.
        if let Previous::Chained { path } | Previous::Replaced { path } = &previous {
            let _ = std::fs::rename(path, &hook);
        }
        let _ = std::fs::remove_file(&staged);
        return Err(Error::NotWritable {
            path: hook,
            action: "putting the hook in place".to_string(),
            source,
        });
    }
    Ok(Installed {
        location,
        binary,
        previous,
    })
}

/// Moves a foreign hook out of the way; a managed one is simply overwritten later.
fn move_previous(location: &Location, force: bool) -> Result<Previous, Error> {
    let hook = location.hook();
    match kind(&hook)? {
        HookFile::Missing => Ok(Previous::Nothing),
        HookFile::Managed => Ok(Previous::Managed),
        HookFile::Foreign => {
            // A symlink is moved as a link (rename does not follow it), so the chained hook
            // still points where it pointed, and uninstall puts the very same link back.
            let (target, previous) = if force {
                let path = location.backup();
                (path.clone(), Previous::Replaced { path })
            } else {
                let path = location.chained();
                (path.clone(), Previous::Chained { path })
            };
            if exists(&target) {
                return Err(Error::Occupied { path: target });
            }
            std::fs::rename(&hook, &target).map_err(|source| Error::NotWritable {
                path: hook.clone(),
                action: format!("moving the existing hook to {}", target.display()),
                source,
            })?;
            Ok(previous)
        }
    }
}

/// Removes the managed hook and puts back the chained hook, else the backup.
pub fn uninstall(dir: &Path) -> Result<Removed, Error> {
    let location = locate(dir)?;
    let hook = location.hook();
    if kind(&hook)? != HookFile::Managed {
        return Ok(Removed::NotInstalled { hook });
    }
    let restore = [location.chained(), location.backup()]
        .into_iter()
        .find(|path| exists(path));
    let result = match &restore {
        // rename replaces the managed hook in one step: there is never a moment without a hook.
        Some(previous) => std::fs::rename(previous, &hook),
        None => std::fs::remove_file(&hook),
    };
    result.map_err(|source| Error::NotWritable {
        path: hook.clone(),
        action: "removing the blastgate hook".to_string(),
        source,
    })?;
    Ok(Removed::Removed {
        hook,
        restored: restore,
    })
}

/// What is at a hook path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HookFile {
    /// Nothing.
    Missing,
    /// A script `install` wrote.
    Managed,
    /// Anything else, symlinks included (never followed to decide it is ours).
    Foreign,
}

pub(super) fn kind(path: &Path) -> Result<HookFile, Error> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(error) if error.kind() == ErrorKind::NotFound => return Ok(HookFile::Missing),
        Err(source) => {
            return Err(Error::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    if !meta.is_file() {
        return Ok(HookFile::Foreign);
    }
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(if script::is_managed(&String::from_utf8_lossy(&bytes)) {
        HookFile::Managed
    } else {
        HookFile::Foreign
    })
}

/// True for anything at `path`, dangling symlinks included.
pub(super) fn exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

fn write_executable(path: &Path, text: &str) -> Result<(), Error> {
    let not_writable = |source| Error::NotWritable {
        path: path.to_path_buf(),
        action: "writing the hook".to_string(),
        source,
    };
    std::fs::write(path, text).map_err(not_writable)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        // git ignores hooks that are not executable (with only a hint), so the mode matters.
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
            .map_err(not_writable)?;
    }
    Ok(())
}
