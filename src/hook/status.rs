//! `hook status`: is the gate active, which binary does it call, does it chain.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::install::{HookFile, exists, kind};
use super::{Error, Location, locate, script};

/// Whether pushes from this repository go through blastgate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// The managed hook is there and git will run it.
    Active,
    /// The managed hook is there but git will not run it (not executable).
    Inactive,
    /// No managed hook at the path git uses.
    NotInstalled,
}

impl State {
    /// The word `status` prints first.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Inactive => "inactive",
            Self::NotInstalled => "not installed",
        }
    }
}

/// Everything `status` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The verdict.
    pub state: State,
    /// Where git looks for the hook.
    pub location: Location,
    /// A hook that is not ours sits at the path.
    pub foreign: bool,
    /// The hook file is executable.
    pub executable: bool,
    /// The binary the managed hook calls, and whether it exists.
    pub binary: Option<(String, bool)>,
    /// The chained hook, and whether it is executable (if not, the hook runs it with `sh`).
    pub chained: Option<(PathBuf, bool)>,
}

/// Inspects the hook of the repository containing `dir`.
pub fn status(dir: &Path) -> Result<Status, Error> {
    let location = locate(dir)?;
    let hook = location.hook();
    let found = kind(&hook)?;
    let executable = is_executable(&hook);
    let binary = if found == HookFile::Managed {
        std::fs::read_to_string(&hook)
            .ok()
            .and_then(|text| script::binary(&text))
            .map(|path| {
                let present = is_executable(Path::new(&path));
                (path, present)
            })
    } else {
        None
    };
    let chained_path = location.chained();
    let chained = (found == HookFile::Managed && exists(&chained_path)).then(|| {
        let runs = is_executable(&chained_path);
        (chained_path, runs)
    });
    let state = match found {
        HookFile::Managed if executable => State::Active,
        HookFile::Managed => State::Inactive,
        HookFile::Missing | HookFile::Foreign => State::NotInstalled,
    };
    Ok(Status {
        state,
        location,
        foreign: found == HookFile::Foreign,
        executable,
        binary,
        chained,
    })
}

impl Status {
    /// The report: the state word first, then one fact per line.
    #[must_use]
    pub fn text(&self) -> String {
        let hook = self.location.hook();
        let mut out = format!(
            "{}: pre-push hook {}\n",
            self.state.as_str(),
            hook.display()
        );
        let _ = writeln!(
            out,
            "  hooks  {} ({})",
            self.location.dir.display(),
            self.location.source
        );
        if self.foreign {
            let _ = writeln!(
                out,
                "  hook   another hook is there; `blastgate hook install` chains to it"
            );
        }
        if self.state == State::NotInstalled {
            return out;
        }
        if !self.executable {
            let _ = writeln!(
                out,
                "  hook   not executable: git skips it; run `blastgate hook install` again"
            );
        }
        match &self.binary {
            Some((path, true)) => {
                let _ = writeln!(out, "  calls  {path}");
            }
            Some((path, false)) => {
                let _ = writeln!(
                    out,
                    "  calls  {path} (missing: falls back to `blastgate` on PATH)"
                );
            }
            None => {
                let _ = writeln!(out, "  calls  `blastgate` on PATH");
            }
        }
        match &self.chained {
            Some((path, true)) => {
                let _ = writeln!(out, "  chains {} (runs first)", path.display());
            }
            Some((path, false)) => {
                let _ = writeln!(
                    out,
                    "  chains {} (runs first, with sh: it is not executable)",
                    path.display()
                );
            }
            None => {
                let _ = writeln!(out, "  chains nothing");
            }
        }
        out
    }
}

fn is_executable(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}
