//! Dependents search: where the rest of a tree refers to symbols a change touched.
//!
//! Three steps, one file each:
//! - `scan`: list the tree's blobs, keep the target's language family, and pick those that
//!   hold a name as a whole word: from each blob's word set (`words`, kept in the [`Cache`])
//!   when it has one, else by one Aho-Corasick automaton for every name at once over its
//!   bytes. It leaves a few candidate files out of thousands, and a warm scan reads no blob.
//! - `confirm`: outline each candidate (through the per-blob [`Cache`], in parallel) and keep
//!   the references that are code (not comments or strings) and plausibly the target (family,
//!   container and shadowing rules, see `confirm`); a candidate's bytes are read only when
//!   what it needs is not cached.
//! - `reach`: from the definitions that enclose the direct sites, search again for their
//!   callers, level by level up to a depth, and count the files reached.
//!
//! Names resolve within their namespace (`namespace`: Go packages, Python and JS modules, Rust
//! modules, Java/Kotlin packages, C# namespaces); elsewhere, and for methods, resolution is by
//! name. Where a rule must guess, it guesses towards fewer dependents (a gate that cries wolf
//! gets switched off), except where the language cannot decide (wildcard or dynamic imports):
//! those files count, and are listed as undecided.

mod confirm;
pub mod namespace;
mod reach;
mod scan;
mod words;

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::analyze::blast::cache::Cache;
use crate::analyze::blast::outline::Budget;
use crate::analyze::blast::syntax::{Outline, ReferenceKind, SymbolKind};

/// A symbol whose dependents are wanted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The symbol's name as written at use sites.
    pub name: String,
    /// Language family of the defining file (`Language::family`); only that family is searched.
    pub family: &'static str,
    /// What the symbol is.
    pub kind: SymbolKind,
    /// Enclosing class, impl or module for methods and nested items.
    pub container: Option<String>,
    /// Path of the file that defined it.
    pub defined_in: String,
    /// Whether callers of the definitions around its uses are searched too (up to the depth):
    /// not for a definition that only moved, whose question is who still uses the old place.
    pub follow_callers: bool,
}

/// One confirmed use of a target.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Site {
    /// File path in the tree.
    pub path: String,
    /// Line (1-based).
    pub line: u32,
    /// How the name is used there.
    pub kind: ReferenceKind,
    /// Name of the definition containing the use, if any.
    pub enclosing: Option<String>,
}

/// What one target reaches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reach {
    /// Confirmed uses, sorted by path then line; at most `max_sites_per_target`.
    pub direct_sites: Vec<Site>,
    /// Files with at least one confirmed use (all of them, even past the site bound), sorted.
    pub direct_files: Vec<String>,
    /// Files reached through callers of callers (depth 2 ..= `max_depth`) that are not direct,
    /// sorted.
    pub transitive_files: Vec<String>,
    /// Direct files counted only because a wildcard or dynamic import could bring the name
    /// in (the language cannot decide from the file), sorted.
    pub undecided_files: Vec<String>,
    /// Direct files that import the name only from an enclosing module, which may re-export
    /// it, sorted.
    pub reexported_files: Vec<String>,
    /// A bound was hit: sites per target, names per level, or depth with callers left to follow.
    pub truncated: bool,
}

/// Knobs of one search.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// Deepest level followed; 1 is direct uses only.
    pub max_depth: u32,
    /// Most direct sites kept per target.
    pub max_sites_per_target: usize,
    /// Per-file analysis limits (size, parse time).
    pub budget: Budget,
    /// Paths left out of the search, e.g. files whose own change is analysed separately.
    pub skip_paths: Vec<String>,
}

impl Default for SearchOptions {
    fn default() -> Self {
        Self {
            max_depth: 3,
            max_sites_per_target: 200,
            budget: Budget::default(),
            skip_paths: Vec::new(),
        }
    }
}

/// Figures of one search, summed over its levels: for `--verbose` and the benchmark.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    /// Blobs whose bytes were scanned.
    pub files: usize,
    /// Bytes scanned.
    pub bytes: u64,
    /// Blobs read out of git; the others were answered by their word sets in the cache.
    pub read: usize,
    /// Blobs where a name matched as a whole word.
    pub candidates: usize,
    /// Candidates outlined by parsing (cache misses).
    pub parsed: usize,
    /// Candidates whose outline came from the cache.
    pub cached: usize,
    /// Candidates whose text rules out every name (namespace, container): not parsed.
    pub ruled_out: usize,
    /// Candidates that could not be outlined (timeout, parse errors): text matches left
    /// unconfirmed, so not counted as dependents.
    pub unconfirmed: usize,
    /// Wall time of the whole search.
    pub elapsed: Duration,
}

/// How blobs are read from the object database during the byte scan.
///
/// `git2::Repository` is `Send` but not `Sync`, so blobs are either read on the calling thread
/// or by workers that each open their own handle. Across benchmark runs on the shared 2-core
/// machine neither won consistently (each was ahead in some runs, by up to 30%): reading packed
/// blobs is most of the scan, and it scales poorly with threads (likely because libgit2 guards
/// its pack windows with a process-wide lock). [`search`] therefore reads on one thread, which
/// needs no extra handles; parsing is what runs in parallel. Both stay so the
/// benchmark can keep comparing on bigger machines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// Read and scan every blob on the calling thread.
    OneThread,
    /// Split the blobs among rayon workers, each with its own repository handle.
    PerWorker,
}

/// Failures of the search: only git failures, named with what was being read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The tree to search could not be walked.
    #[error("could not list the files of tree {tree}")]
    Tree {
        /// The tree.
        tree: git2::Oid,
        /// Why.
        #[source]
        source: git2::Error,
    },
    /// A blob in the tree could not be read.
    #[error("could not read {path} (blob {blob})")]
    Blob {
        /// Path in the tree.
        path: String,
        /// Its blob id.
        blob: git2::Oid,
        /// Why.
        #[source]
        source: git2::Error,
    },
    /// A reading thread could not open its own handle on the repository.
    #[error("could not open the repository at {path} for a reading thread")]
    Open {
        /// The git directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: git2::Error,
    },
}

/// Whether a use of `target`'s name in the file at `path` (outlined as `outline`) may be the
/// target, by the rules the search applies to every candidate: a method or nested item only
/// where its container is named, a free symbol not where the file defines its own top-level
/// namesake without importing it. For files the search does not read (the change's own).
#[must_use]
pub fn may_use(outline: &Outline, path: &str, target: &Target) -> bool {
    confirm::may_use(outline, path, target)
}

/// Searches `tree` for uses of each target; one [`Reach`] per target, in the same order.
pub fn search(
    repo: &git2::Repository,
    tree: git2::Oid,
    targets: &[Target],
    cache: &Cache,
    options: &SearchOptions,
) -> Result<(Vec<Reach>, Scan), Error> {
    search_with(repo, tree, targets, cache, options, Reading::OneThread)
}

/// [`search`] with an explicit way of reading blobs (the benchmark compares them).
pub fn search_with(
    repo: &git2::Repository,
    tree: git2::Oid,
    targets: &[Target],
    cache: &Cache,
    options: &SearchOptions,
    reading: Reading,
) -> Result<(Vec<Reach>, Scan), Error> {
    let started = Instant::now();
    let mut figures = Scan::default();
    if targets.is_empty() {
        return Ok((Vec::new(), figures));
    }
    let skip: HashSet<&str> = options.skip_paths.iter().map(String::as_str).collect();
    let entries = scan::list(repo, tree, &skip)?;
    let mut seen = scan::Seen::default();
    let mut level = |probes: &[confirm::Probe], figures: &mut Scan| {
        let (mut files, mut bytes) = (0, 0);
        let scan = |found: &mut dyn FnMut(scan::Candidate)| {
            (files, bytes) = scan::scan(
                repo,
                &entries,
                probes,
                &options.budget,
                reading,
                (&mut seen, cache),
                found,
            )?;
            Ok(())
        };
        // Blobs the scan left unread and confirming needed after all.
        let mut read_later = 0;
        let confirmed = confirm::confirm(scan, probes, cache, &options.budget, |unread| {
            read_later += 1;
            scan::read_blob(repo, &unread.path, unread.oid)
        })?;
        seen.read.set(seen.read.get() + read_later);
        figures.files += files;
        figures.bytes += bytes;
        // Every candidate is parsed, found in the cache, or ruled out from its text.
        figures.candidates += confirmed.parsed + confirmed.cached + confirmed.ruled_out;
        figures.parsed += confirmed.parsed;
        figures.cached += confirmed.cached;
        figures.ruled_out += confirmed.ruled_out;
        figures.unconfirmed += confirmed.unconfirmed;
        Ok(confirmed.hits)
    };
    // Free targets defined in one file share its home: read it once.
    let mut homes_by_file: HashMap<(&str, &str), Option<namespace::Home>> = HashMap::new();
    let mut homes = Vec::with_capacity(targets.len());
    for target in targets {
        let file = (target.family, target.defined_in.as_str());
        let home = if target.container.is_some() {
            None
        } else if let Some(home) = homes_by_file.get(&file) {
            home.clone()
        } else {
            let home = home_of(repo, &entries, target, cache)?;
            homes_by_file.insert(file, home.clone());
            home
        };
        homes.push(home);
    }
    let reaches = reach::reach(targets, homes, options, |probes| {
        level(probes, &mut figures)
    })?;
    figures.read = seen.read.get();
    figures.elapsed = started.elapsed();
    Ok((reaches, figures))
}

/// The namespace of a free target's defining file, read from the searched tree (from its path
/// alone when the file is not there); `None` for methods, languages without a namespace row,
/// and namespaces a C# `global using` opens to every file. The file's scope is kept in `cache`
/// by blob, as the search keeps its candidates'.
fn home_of(
    repo: &git2::Repository,
    entries: &[scan::Entry],
    target: &Target,
    cache: &Cache,
) -> Result<Option<namespace::Home>, Error> {
    if target.container.is_some() || namespace::row(target.family).is_none() {
        return Ok(None);
    }
    let read = |entry: &scan::Entry| scan::read_blob(repo, &entry.path, entry.oid);
    let scope = match entries.iter().find(|entry| entry.path == target.defined_in) {
        Some(entry) => {
            let bytes = OnceCell::new();
            let mut failed = None;
            let scope = namespace::scope_kept(
                target.family,
                &entry.path,
                entry.oid,
                || match read(entry) {
                    Ok(read) => Some(bytes.get_or_init(|| read).as_slice()),
                    Err(error) => {
                        failed = Some(error);
                        None
                    }
                },
                cache,
            );
            if let Some(error) = failed {
                return Err(error);
            }
            scope
        }
        None => namespace::scope(target.family, &target.defined_in, &[]),
    };
    let Some(home) = scope.map(|scope| scope.home) else {
        return Ok(None);
    };
    if target.family == "csharp" {
        for entry in entries
            .iter()
            .filter(|entry| entry.language.is_some_and(|l| l.family == "csharp"))
        {
            if namespace::imported_everywhere(target.family, &home, &entry.path, &read(entry)?) {
                return Ok(None);
            }
        }
    }
    Ok(Some(home))
}

#[cfg(test)]
mod tests;
