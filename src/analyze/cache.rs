//! Per-blob cache of outlines under the git directory.
//!
//! A blob id names immutable content, so what is derived from it (definitions, references)
//! never goes stale; only the extraction code can change, which `ANALYZER_VERSION` covers.
//! Entries live in `<git_dir>/blastgate/cache/v<N>/<2 hex>/<38 hex>.<language>`, fanned out
//! like git's loose objects so no directory grows past a few hundred entries.
//!
//! Safety without locks: an entry is written to a temporary file in the same directory and
//! renamed into place, so a reader sees either no entry or a complete one, and two runs that
//! race write the same bytes. A corrupt or truncated entry (torn disk, old format, bit rot)
//! fails its checksum or decoding, is ignored and rewritten. A cache that cannot be created
//! (read-only repository) is disabled, never an error: it only saves time.
//!
//! Costs measured by the benchmark on the 2-core VM: a hit is ~15 µs (read and decode), a
//! miss ~0.2 ms of parsing plus 0.5–1 ms of creating the entry file, which dominates cold runs
//! of large changes. One pack file per run would remove most of that; not done yet.

mod codec;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::lang::Language;
use super::outline::{self, Budget};
use super::syntax::{Outline, Unanalysed};

/// Bump when outline extraction or the entry encoding changes: old entries are then simply
/// never looked up again (they sit in a sibling `v<N>` directory that can be deleted).
pub const ANALYZER_VERSION: u32 = 1;

/// How a cached outline was found: read from the cache, or computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// Read from a valid cache entry.
    Cached,
    /// Computed by parsing the blob (and stored, when the cache is enabled).
    Computed,
}

/// The per-blob outline cache of one repository; cheap to share between threads.
#[derive(Debug)]
pub struct Cache {
    /// `None` when disabled.
    dir: Option<PathBuf>,
    /// Cleared after the first failed write, so a full or read-only disk costs one attempt.
    writable: AtomicBool,
}

/// Makes temporary file names unique among the threads of this process; the process id makes
/// them unique among processes.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl Cache {
    /// The cache of the repository whose git directory is `git_dir` (for a linked worktree,
    /// pass the common directory so worktrees share entries). Disabled if its directory cannot
    /// be created.
    #[must_use]
    pub fn open(git_dir: &Path) -> Cache {
        let dir = git_dir
            .join("blastgate")
            .join("cache")
            .join(format!("v{ANALYZER_VERSION}"));
        match fs::create_dir_all(&dir) {
            Ok(()) => Cache {
                dir: Some(dir),
                writable: AtomicBool::new(true),
            },
            Err(_) => Cache::disabled(),
        }
    }

    /// A cache that stores nothing: every lookup computes.
    #[must_use]
    pub fn disabled() -> Cache {
        Cache {
            dir: None,
            writable: AtomicBool::new(false),
        }
    }

    /// Whether entries are read and written.
    #[must_use]
    pub fn is_enabled(&self) -> bool {
        self.dir.is_some()
    }

    /// The outline of blob `blob_id` (hex) read as `language`: from the cache, or computed
    /// from `bytes()` with `budget` and stored. `bytes` is called only on a miss; `None` from
    /// it means the content is unavailable.
    pub fn outline(
        &self,
        blob_id: &str,
        language: &'static Language,
        bytes: impl FnOnce() -> Option<Vec<u8>>,
        budget: &Budget,
    ) -> Result<Outline, Unanalysed> {
        self.outline_traced(blob_id, language, bytes, budget).0
    }

    /// [`Cache::outline`], also saying whether the entry was a hit (for the scan figures).
    pub fn outline_traced(
        &self,
        blob_id: &str,
        language: &'static Language,
        bytes: impl FnOnce() -> Option<Vec<u8>>,
        budget: &Budget,
    ) -> (Result<Outline, Unanalysed>, Lookup) {
        let key = key(blob_id, language);
        if let Some(found) = self.load(blob_id, language, &key) {
            return (found, Lookup::Cached);
        }
        let Some(source) = bytes() else {
            return (Err(Unanalysed::NoContent), Lookup::Computed);
        };
        // `outline` turns a panic in the extractor into `Failed` itself.
        let result = outline::outline(language, &source, budget);
        if worth_storing(&result) {
            self.store_keyed(blob_id, language, &key, &result);
        }
        (result, Lookup::Computed)
    }

    /// Writes an entry directly; tests use it to plant outlines with reference kinds and
    /// enclosing definitions the stub extractor does not produce yet.
    #[cfg(test)]
    pub(crate) fn store(
        &self,
        blob_id: &str,
        language: &'static Language,
        result: &Result<Outline, Unanalysed>,
    ) {
        self.store_keyed(blob_id, language, &key(blob_id, language), result);
    }

    /// The entry's file, if the cache is enabled and the blob id looks like one.
    fn path(&self, blob_id: &str, language: &Language) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        // Only hex ids become file names: nothing in a blob id can then escape the directory.
        if blob_id.len() < 3 || !blob_id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let (fan, rest) = blob_id.split_at(2);
        Some(dir.join(fan).join(format!("{rest}.{}", language.name)))
    }

    fn load(
        &self,
        blob_id: &str,
        language: &Language,
        key: &str,
    ) -> Option<Result<Outline, Unanalysed>> {
        let bytes = fs::read(self.path(blob_id, language)?).ok()?;
        codec::decode(key, &bytes)
    }

    fn store_keyed(
        &self,
        blob_id: &str,
        language: &Language,
        key: &str,
        result: &Result<Outline, Unanalysed>,
    ) {
        if !self.writable.load(Ordering::Relaxed) {
            return;
        }
        let Some(path) = self.path(blob_id, language) else {
            return;
        };
        if write_atomically(&path, &codec::encode(key, result)).is_err() {
            self.writable.store(false, Ordering::Relaxed);
        }
    }
}

/// Everything that decides an entry's content besides the budget (budget-dependent results
/// are not stored, see [`worth_storing`]).
fn key(blob_id: &str, language: &Language) -> String {
    format!("{blob_id}:{}:{ANALYZER_VERSION}", language.name)
}

/// Results that depend only on the blob and the extractor. A timeout depends on the machine's
/// load, and the size and error-share limits come from the policy's budget, which the key does
/// not include; those are recomputed each time (a size check is free, and error-heavy files
/// are rare).
fn worth_storing(result: &Result<Outline, Unanalysed>) -> bool {
    !matches!(
        result,
        Err(Unanalysed::Timeout { .. }
            | Unanalysed::TooLarge { .. }
            | Unanalysed::TooManyErrors { .. }
            | Unanalysed::NoContent)
    )
}

/// Temp file in the target's directory (same file system, so the rename is atomic), then
/// rename over whatever is there.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("cache entry without a directory"))?;
    match fs::create_dir(dir) {
        Err(error) if error.kind() != std::io::ErrorKind::AlreadyExists => return Err(error),
        _ => {}
    }
    let temp = dir.join(format!(
        ".tmp-{}-{}",
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = fs::File::create(&temp)
        .and_then(|mut file| file.write_all(bytes))
        .and_then(|()| fs::rename(&temp, path));
    if written.is_err() {
        // Best effort: a leftover temp file is harmless, it is never looked up.
        let _ = fs::remove_file(&temp);
    }
    written
}

#[cfg(test)]
mod tests;
