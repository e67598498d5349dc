//! Dependency manifests, lockfiles, GitHub Actions `uses:` and pre-commit's hook repositories
//! read for what they bring in: a package added or removed, a major bump, a downgrade, a
//! loosened pin, code from git, a URL or a path instead of the registry, a new install-time
//! script.
//!
//! One fact per package and kind of change, never one per line. A lockfile that changed while
//! no manifest of its ecosystem changed in its directory (or below it: workspaces) is one
//! `lockfile-refreshed` fact (mechanical); lockfiles are still read, where their format is
//! known, for packages that moved off the registry or gained an install script. A manifest that
//! cannot be parsed is an `unanalysable-file` fact, never silence. Vendored copies
//! (`node_modules/`, `vendor/`) are not manifests of this project and are left to the rest of
//! the analysis.
//!
//! Each ecosystem reader is one file; `formats::FORMATS` is the table of file names, with
//! the format's documentation as the source of each row.

mod actions;
mod cargo;
mod compare;
mod dotnet;
mod formats;
mod go;
mod jvm;
mod model;
mod npm;
mod php;
pub mod pre_commit;
mod python;
mod ruby;
pub mod version;
mod xml;

use crate::analyze::domain::{Analysis, Analyzer, LineLevel, Versions, fact};
use crate::diff::{Line, LineKind};
use crate::signal::Signal;

use formats::{DependencyFormat, FormatReader, ReadLockfile, ReadManifest, format_of};
use model::{Locked, Manifest};
use version::Bare;

/// Whether `path` is a lockfile of a known ecosystem (written by its package manager).
#[must_use]
pub fn is_lockfile(path: &str) -> bool {
    format_of(path).is_some_and(|format| matches!(format.reader, FormatReader::Lockfile(_)))
}

/// Whether `path` is a lockfile this analysis reads package by package: what it changes is
/// one fact per package, so its lines are not counted as volume too.
#[must_use]
pub fn lockfile_read_per_package(path: &str) -> bool {
    format_of(path).is_some_and(|format| matches!(format.reader, FormatReader::Lockfile(Some(_))))
}

/// See the module docs.
pub struct Dependencies;

impl Analyzer for Dependencies {
    fn name(&self) -> &'static str {
        "dependencies"
    }

    fn wants(&self, path: &str, _content: &[u8]) -> bool {
        format_of(path).is_some()
    }

    fn reads_a_risky_kind(&self) -> bool {
        // A manifest over the size limit is an oversized file, not the worst case of a kind.
        false
    }

    fn analyze(&self, versions: &Versions<'_>) -> Analysis {
        self.analyze_all(std::slice::from_ref(versions))
    }

    fn analyze_all(&self, files: &[Versions<'_>]) -> Analysis {
        let mut analysis = Analysis::default();
        for versions in files {
            let Some(format) = format_of(versions.file.path()) else {
                continue;
            };
            match format.reader {
                FormatReader::Manifest(read, bare) => {
                    analysis.extend(manifest(versions, format, read, bare));
                }
                FormatReader::Lockfile(read) => {
                    let refreshed = !manifest_changed_beside(versions.file.path(), format, files);
                    analysis.facts.extend(lockfile(versions, read, refreshed));
                }
            }
        }
        analysis
    }
}

/// Whether a manifest of `lock`'s ecosystem changed in the lockfile's directory or below it.
fn manifest_changed_beside(
    lockfile: &str,
    lock: &DependencyFormat,
    files: &[Versions<'_>],
) -> bool {
    let dir = lockfile.rsplit_once('/').map_or("", |(dir, _)| dir);
    files.iter().any(|other| {
        let path = other.file.path();
        let inside = dir.is_empty()
            || path
                .strip_prefix(dir)
                .is_some_and(|rest| rest.starts_with('/'));
        inside
            && format_of(path).is_some_and(|format| {
                format.ecosystem == lock.ecosystem
                    && matches!(format.reader, FormatReader::Manifest(..))
            })
    })
}

/// Text of one side, or why it cannot be read.
fn text(bytes: Option<&[u8]>) -> Result<&str, String> {
    match bytes {
        None => Ok(""),
        Some(bytes) => std::str::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string()),
    }
}

/// The facts of one manifest's change, or one `unanalysable-file` fact saying why there are none.
fn manifest(
    versions: &Versions<'_>,
    format: &DependencyFormat,
    read: ReadManifest,
    bare: Bare,
) -> Analysis {
    let ecosystem = format.ecosystem;
    let parse = |side: Option<&[u8]>| -> Result<Manifest, String> {
        match side {
            None => Ok(Manifest::default()),
            Some(_) => read(text(side)?),
        }
    };
    let sides = match versions.content_missing() {
        Some(why) if format.one_line_per_dependency() => {
            return changed_lines(versions, ecosystem, read, bare, why);
        }
        Some(why) => Err(why.to_string()),
        None => parse(versions.old).and_then(|old| Ok((old, parse(versions.new)?))),
    };
    let facts = match sides {
        Ok((old, new)) => compare::manifests(versions, ecosystem, bare, &old, &new),
        Err(reason) => vec![unreadable(versions, ecosystem, &reason)],
    };
    Analysis {
        facts,
        fallbacks: Vec::new(),
    }
}

fn unreadable(versions: &Versions<'_>, ecosystem: &str, reason: &str) -> crate::analyze::Fact {
    fact(
        versions,
        Signal::UnanalysableFile,
        None,
        versions.file.path(),
        format!(
            "{ecosystem} manifest could not be read ({reason}): its dependency changes are not judged"
        ),
    )
}

/// Without file contents: the removed and the added lines read as an old and a new manifest.
/// Facts point at the added line they come from.
fn changed_lines(
    versions: &Versions<'_>,
    ecosystem: &str,
    read: ReadManifest,
    bare: Bare,
    why: &str,
) -> Analysis {
    let lines = |kind: LineKind| -> Vec<&Line> {
        let hunks = versions.file.hunks.iter();
        hunks
            .flat_map(|hunk| &hunk.lines)
            .filter(|line| line.kind == kind)
            .collect()
    };
    let (removed, added) = (lines(LineKind::Removed), lines(LineKind::Added));
    let join = |lines: &[&Line]| -> String {
        lines.iter().fold(String::new(), |mut text, line| {
            text.push_str(&line.content);
            text.push('\n');
            text
        })
    };
    let fallbacks = vec![LineLevel {
        file: versions.file.path().to_string(),
        analyzer: "dependencies",
        reason: why.to_string(),
    }];
    let facts = match (read(&join(&removed)), read(&join(&added))) {
        (Ok(old), Ok(new)) => {
            let mut facts = compare::manifests(versions, ecosystem, bare, &old, &new);
            for fact in &mut facts {
                let index = fact.line.and_then(|n| usize::try_from(n).ok());
                fact.line = index.and_then(|n| added.get(n.checked_sub(1)?)?.new_line);
            }
            facts
        }
        (Err(reason), _) | (_, Err(reason)) => vec![unreadable(versions, ecosystem, &reason)],
    };
    Analysis { facts, fallbacks }
}

/// The facts of one lockfile's change: per-package facts where the format is read here, and
/// the refresh fact when no manifest changed beside it.
fn lockfile(
    versions: &Versions<'_>,
    read: Option<ReadLockfile>,
    refreshed: bool,
) -> Vec<crate::analyze::Fact> {
    let parsed = match (read, versions.content_missing()) {
        (None, _) => Err("format not read per package".to_string()),
        (Some(_), Some(why)) => Err(why.to_string()),
        (Some(read), None) => {
            let side = |bytes: Option<&[u8]>| -> Result<Vec<Locked>, String> {
                match bytes {
                    None => Ok(Vec::new()),
                    Some(_) => read(text(bytes)?),
                }
            };
            side(versions.old).and_then(|old| Ok((old, side(versions.new)?)))
        }
    };
    let (mut facts, summary) = match &parsed {
        Ok((old, new)) => compare::lockfiles(versions, old, new),
        Err(reason) => (Vec::new(), reason.clone()),
    };
    // Content over the size limit is already an `oversized-file`; a broken lockfile is not.
    if read.is_some()
        && versions.content_missing().is_none()
        && let Err(reason) = &parsed
    {
        facts.push(fact(
            versions,
            Signal::UnanalysableFile,
            None,
            versions.file.path(),
            format!("lockfile could not be read ({reason}): packages moved to git, URLs or paths are not judged"),
        ));
    }
    if refreshed {
        facts.push(fact(
            versions,
            Signal::LockfileRefreshed,
            None,
            versions.file.path(),
            format!(
                "lockfile {} without a manifest change ({summary}): mechanical",
                if versions.file.new_path.is_none() {
                    "removed"
                } else {
                    "regenerated"
                }
            ),
        ));
    }
    facts
}

#[cfg(test)]
mod tests;
