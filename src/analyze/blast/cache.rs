//! Per-blob cache of outlines under the git directory (and, in the same packs, what other
//! analyses derive from file contents: [`derived`]).
//!
//! A blob id names immutable content, so what is derived from it (definitions, references)
//! never goes stale; only the extraction code can change, and an entry's key holds the build's
//! identity ([`crate::build`]), so a rebuilt or upgraded binary never reads an outline an older
//! one extracted (a hand-bumped version number was forgotten once: a grammar role table
//! changed and warm checks kept the old outlines). `ANALYZER_VERSION` names the directory.
//! Entries live in pack files under `<git_dir>/blastgate/cache/v<N>/` ([`pack`]): a run
//! reads the packs' indexes when it opens the cache, keeps what it computes in memory, and
//! writes it as one new pack when it is flushed or dropped. Past [`MAX_PACKS`] packs the
//! smallest are merged, so a long history of runs stays a handful of files and no pack is
//! rewritten more than about log(runs) times.
//!
//! Safety without locks: a pack is written to a temporary file and renamed into place, so a
//! reader sees either no pack or a complete one; two runs that race write two packs with the
//! same entries. Merging writes the merged pack before deleting its parts, and a part another
//! run already merged and deleted is skipped. A corrupt entry or pack (torn disk, bit rot)
//! fails its checksum or index and is a miss; the recomputed entry goes into the next pack,
//! which is newer and wins. A cache that cannot be created (read-only repository) is
//! disabled, never an error: it only saves time.

mod codec;
pub(crate) mod derived;
mod pack;

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::analyze::blast::outline::{self, Budget};
use crate::analyze::blast::syntax::{Outline, Unanalysed};
use crate::analyze::lang::Language;
use pack::Pack;

/// Bump when the entry encoding changes: old packs then sit in a sibling `v<N>` directory that
/// can be deleted (a change of the extraction code alone is covered by the build identity in
/// every key).
/// Version 2: entries in pack files instead of one file per blob. Version 3: JavaScript's and
/// TypeScript's `export { a } from "./m"` imports `a`.
pub const ANALYZER_VERSION: u32 = 3;

/// Packs kept before the smallest are merged.
const MAX_PACKS: usize = 16;
/// How many of the smallest packs one merge combines.
const MERGED_AT_ONCE: usize = 8;

/// How a cached outline was found: read from the cache, or computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// Read from a valid cache entry.
    Cached,
    /// Computed by parsing the blob (and stored, when the cache is enabled).
    Computed,
}

/// How much of an outline a reader asks for. Making a string of every reference was most of
/// reading a cached outline, and most readers ask about a few names; a hit and a miss answer
/// alike.
#[derive(Debug, Clone, Copy)]
pub enum Ask<'k> {
    /// All of it.
    Whole,
    /// Every definition, signatures included, and the references by these names only: what
    /// the structural analysis reads of a changed file (its references only by the names of
    /// definitions the change may have removed or renamed).
    ReferencesTo(&'k HashSet<&'k str>),
    /// What a dependents search reads: the references by these names, the definitions it asks
    /// about (`sieve` says which), no signatures.
    Sieved(&'k HashSet<&'k str>),
}

/// The per-blob outline cache of one repository; cheap to share between threads.
#[derive(Debug)]
pub struct Cache {
    /// `None` when disabled.
    store: Option<Store>,
}

/// The packs of an enabled cache and what this run added.
#[derive(Debug)]
struct Store {
    dir: PathBuf,
    /// The packs found at opening, oldest first.
    packs: Vec<Pack>,
    /// Where each entry of the packs is; a newer pack's entry replaces an older one's.
    index: pack::Index,
    /// Entries computed by this run, by name, not yet written.
    pending: Mutex<HashMap<String, Vec<u8>>>,
}

/// Makes temporary and pack file names unique among the threads of this process; the process
/// id makes them unique among processes.
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
        if fs::create_dir_all(&dir).is_err() {
            return Cache::disabled();
        }
        let packs: Vec<Pack> = pack::list(&dir)
            .iter()
            .filter_map(|path| Pack::open(path))
            .collect();
        let index = pack::Index::of(&packs);
        Cache {
            store: Some(Store {
                dir,
                packs,
                index,
                pending: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// A cache that stores nothing: every lookup computes.
    #[must_use]
    pub fn disabled() -> Cache {
        Cache { store: None }
    }

    /// Whether entries are read and written.
    #[must_use]
    pub fn is_enabled(&self) -> bool {
        self.store.is_some()
    }

    /// The outline of blob `blob_id` (hex) read as `language`, as much of it as `ask` asks: from
    /// the cache, or computed from `bytes()` with `budget` and stored whole. `bytes` is called
    /// only on a miss; `None` from it means the content is unavailable.
    pub fn outline(
        &self,
        blob_id: &str,
        language: &'static Language,
        bytes: impl FnOnce() -> Option<Vec<u8>>,
        budget: &Budget,
        ask: Ask<'_>,
    ) -> Result<Outline, Unanalysed> {
        self.lookup(blob_id, language, bytes, budget, ask).0
    }

    /// Stores the outline `compute` gives of blob `blob_id` read as `language`, unless an entry
    /// is there already: a changed file's version that another analyzer parsed is outlined
    /// from that tree, so the structural step finds it here instead of parsing it again.
    /// `compute` is not called when the cache is disabled or has the entry; `None` from it
    /// stores nothing.
    pub fn prime(
        &self,
        blob_id: &str,
        language: &'static Language,
        compute: impl FnOnce() -> Option<Result<Outline, Unanalysed>>,
    ) {
        let Some(store) = &self.store else {
            return;
        };
        let Some(name) = Cache::name(blob_id, language) else {
            return;
        };
        let pending = store
            .pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .contains_key(&name);
        if pending || store.index.find(&store.packs, &name).is_some() {
            return;
        }
        if let Some(result) = compute().filter(worth_storing) {
            self.keep(name, codec::encode(&key(blob_id, language), &result));
        }
    }

    /// The whole outline, also saying whether the entry was a hit (for the scan figures).
    pub fn outline_traced(
        &self,
        blob_id: &str,
        language: &'static Language,
        bytes: impl FnOnce() -> Option<Vec<u8>>,
        budget: &Budget,
    ) -> (Result<Outline, Unanalysed>, Lookup) {
        self.lookup(blob_id, language, bytes, budget, Ask::Whole)
    }

    /// [`Cache::outline_traced`] for a dependents search that asks about the names in `keep`
    /// only ([`Ask::Sieved`]).
    pub fn outline_sieved(
        &self,
        blob_id: &str,
        language: &'static Language,
        bytes: impl FnOnce() -> Option<Vec<u8>>,
        budget: &Budget,
        keep: &HashSet<&str>,
    ) -> (Result<Outline, Unanalysed>, Lookup) {
        self.lookup(blob_id, language, bytes, budget, Ask::Sieved(keep))
    }

    fn lookup(
        &self,
        blob_id: &str,
        language: &'static Language,
        bytes: impl FnOnce() -> Option<Vec<u8>>,
        budget: &Budget,
        ask: Ask<'_>,
    ) -> (Result<Outline, Unanalysed>, Lookup) {
        let key = key(blob_id, language);
        if let Some(found) = self.load(blob_id, language, &key, ask) {
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
        let result = match (result, ask) {
            (Ok(outline), Ask::Sieved(keep)) => Ok(sieve(outline, keep)),
            (Ok(mut outline), Ask::ReferencesTo(names)) => {
                outline
                    .references
                    .retain(|reference| names.contains(reference.name.as_str()));
                Ok(outline)
            }
            (result, _) => result,
        };
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

    /// Writes what this run computed as one pack, then merges the smallest packs if there are
    /// too many. Called on drop; calling it earlier makes the entries visible to other runs.
    /// Best effort: a full or read-only disk leaves the cache as it was.
    pub fn flush(&self) {
        let Some(store) = &self.store else {
            return;
        };
        let pending = std::mem::take(
            &mut *store
                .pending
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        if !pending.is_empty() && pack::write(&store.dir, &pending).is_ok() {
            compact(&store.dir);
        }
    }

    /// The name of an entry: the blob id and the language, if the blob id looks like one.
    fn name(blob_id: &str, language: &Language) -> Option<String> {
        // Only hex ids are stored: names stay short and plain.
        (blob_id.len() >= 3 && blob_id.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| format!("{blob_id}.{}", language.name))
    }

    fn load(
        &self,
        blob_id: &str,
        language: &Language,
        key: &str,
        ask: Ask<'_>,
    ) -> Option<Result<Outline, Unanalysed>> {
        let bytes = self.raw(&Cache::name(blob_id, language)?)?;
        codec::decode(key, &bytes, ask)
    }

    /// The entry named `name`: kept by this run, else read from its pack.
    fn raw(&self, name: &str) -> Option<Vec<u8>> {
        let store = self.store.as_ref()?;
        let pending = store
            .pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(name)
            .cloned();
        if pending.is_some() {
            return pending;
        }
        let (pack, entry) = store.index.find(&store.packs, name)?;
        pack.read(&entry)
    }

    /// Keeps `entry` under `name`, to be written when the cache is flushed.
    fn keep(&self, name: String, entry: Vec<u8>) {
        if let Some(store) = &self.store {
            store
                .pending
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(name, entry);
        }
    }

    fn store_keyed(
        &self,
        blob_id: &str,
        language: &Language,
        key: &str,
        result: &Result<Outline, Unanalysed>,
    ) {
        if let Some(name) = Cache::name(blob_id, language) {
            self.keep(name, codec::encode(key, result));
        }
    }

    /// The pack files of the cache directory, oldest first (for tests that corrupt them).
    #[cfg(test)]
    pub(crate) fn pack_paths(&self) -> Vec<PathBuf> {
        self.store
            .as_ref()
            .map(|store| pack::list(&store.dir))
            .unwrap_or_default()
    }
}

impl Drop for Cache {
    fn drop(&mut self) {
        self.flush();
    }
}

/// Merges the [`MERGED_AT_ONCE`] smallest packs of `dir` into one when it holds more than
/// [`MAX_PACKS`]. The merged pack is written before its parts are deleted; a part that cannot
/// be opened (another run merged it first) is left out and left alone.
///
/// The merged pack is the newest file, so it would win over every pack it did not absorb:
/// an entry of a part that a newer, unmerged pack replaced (a result of another build under
/// the same name) is dropped rather than brought back.
fn compact(dir: &Path) {
    let paths = pack::list(dir);
    if paths.len() <= MAX_PACKS {
        return;
    }
    // Oldest first, as `open` reads them.
    let packs: Vec<Pack> = paths.iter().filter_map(|path| Pack::open(path)).collect();
    let mut newest: HashMap<&[u8], usize> = HashMap::new();
    for (at, pack) in packs.iter().enumerate() {
        for entry in &pack.entries {
            newest.insert(pack.name(entry), at);
        }
    }
    let mut parts: Vec<usize> = (0..packs.len()).collect();
    parts.sort_by_key(|&at| packs[at].size);
    parts.truncate(MERGED_AT_ONCE);
    let mut merged: HashMap<String, Vec<u8>> = HashMap::new();
    for &at in &parts {
        let pack = &packs[at];
        for entry in &pack.entries {
            let name = pack.name(entry);
            if newest.get(name) == Some(&at)
                && let Ok(name) = std::str::from_utf8(name)
                && let Some(bytes) = pack.read(entry)
            {
                merged.insert(name.to_string(), bytes);
            }
        }
    }
    if pack::write(dir, &merged).is_ok() {
        for &at in &parts {
            let _ = fs::remove_file(&packs[at].path);
        }
    }
}

/// `outline` as [`codec::decode`] reads it back with `keep`: the references by the asked
/// names; of the definitions, those named as asked, those a kept reference names as its
/// enclosing one, and those spanning a kept reference that names none (what a search asks of
/// them: namesakes, containers, and the definition around each use); no signatures.
fn sieve(mut outline: Outline, keep: &HashSet<&str>) -> Outline {
    outline
        .references
        .retain(|reference| keep.contains(reference.name.as_str()));
    let enclosing: HashSet<&str> = outline
        .references
        .iter()
        .filter_map(|reference| reference.enclosing.as_deref())
        .collect();
    let unnamed_lines: Vec<u32> = outline
        .references
        .iter()
        .filter(|reference| reference.enclosing.is_none())
        .map(|reference| reference.line)
        .collect();
    outline.definitions.retain(|definition| {
        keep.contains(definition.name.as_str())
            || enclosing.contains(definition.name.as_str())
            || unnamed_lines
                .iter()
                .any(|&line| definition.start_line <= line && line <= definition.end_line)
    });
    for definition in &mut outline.definitions {
        definition.signature.clear();
    }
    outline
}

/// Everything that decides an entry's content besides the budget (budget-dependent results
/// are not stored, see [`worth_storing`]).
fn key(blob_id: &str, language: &Language) -> String {
    format!("{blob_id}:{}:{}", language.name, crate::build::IDENTITY)
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
    write_atomically_with(path, |file| file.write_all(bytes))
}

/// [`write_atomically`], the content written by `write` (buffered), so a large file need not
/// be built in memory first.
pub(crate) fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
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
        .and_then(|file| {
            let mut out = std::io::BufWriter::new(file);
            write(&mut out)?;
            out.flush()
        })
        .and_then(|()| fs::rename(&temp, path));
    if written.is_err() {
        // Best effort: a leftover temp file is harmless, it is never looked up.
        let _ = fs::remove_file(&temp);
    }
    written
}

#[cfg(test)]
mod tests;
