//! Candidate pick: which blobs of a tree contain one of the names as a whole word.
//!
//! Each blob's word set (kept in the cache) answers which names it may hold; a blob without
//! one is read and searched with one automaton for all names. This is the pre-filter that
//! keeps parsing to a handful of files, so it has to run near the speed of reading the blobs.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, MatchKind};
use git2::{ObjectType, Oid, Repository, TreeWalkMode, TreeWalkResult};
use rayon::prelude::*;

use super::confirm::Probe;
use super::words::{Name, Words};
use super::{Error, Reading};
use crate::analyze::blast::cache::Cache;
use crate::analyze::blast::outline::{Budget, generated_by_path, looks_generated};
use crate::analyze::lang::{self, Language};

/// A blob of the tree that might be source code.
#[derive(Debug)]
pub(super) struct Entry {
    pub(super) path: String,
    pub(super) oid: Oid,
    /// `None` for a file without an extension, whose language only its shebang can tell.
    pub(super) language: Option<&'static Language>,
}

/// A blob where at least one name matched as a whole word.
#[derive(Debug)]
pub(super) struct Candidate {
    pub(super) path: String,
    pub(super) oid: Oid,
    pub(super) language: &'static Language,
    /// The blob's size in bytes.
    pub(super) size: u64,
    /// The content, when the scan read it (so a cache miss does not read it again); a warm
    /// scan that picked the blob by its word set leaves it to `confirm` to ask for.
    pub(super) bytes: Option<Vec<u8>>,
    /// The blob's word set, when it had one: answers the container rule without the bytes.
    pub(super) words: Option<Arc<Words>>,
    /// Indexes of the probes whose name matched (and whose family is the blob's), sorted.
    pub(super) probes: Vec<usize>,
}

/// Every regular file of `tree` whose language is known or may be known from a shebang,
/// minus `skip`. Submodules (commits) and symlinks are not content of this tree.
pub(super) fn list(
    repo: &Repository,
    tree: Oid,
    skip: &HashSet<&str>,
) -> Result<Vec<Entry>, Error> {
    let wrap = |source| Error::Tree { tree, source };
    let tree = repo.find_tree(tree).map_err(wrap)?;
    let mut entries = Vec::new();
    tree.walk(TreeWalkMode::PreOrder, |root, entry| {
        // 0o120000 is a symlink; its blob is a path, not code.
        if entry.kind() != Some(ObjectType::Blob) || entry.filemode() == 0o120_000 {
            return TreeWalkResult::Ok;
        }
        // Non-UTF-8 names cannot be reported as paths anyway; no language matches them.
        let Ok(name) = entry.name() else {
            return TreeWalkResult::Ok;
        };
        let path = format!("{root}{name}");
        if skip.contains(path.as_str()) {
            return TreeWalkResult::Ok;
        }
        let language = lang::for_path(&path, b"");
        if language.is_some() || !name.contains('.') {
            entries.push(Entry {
                path,
                oid: entry.id(),
                language,
            });
        }
        TreeWalkResult::Ok
    })
    .map_err(wrap)?;
    Ok(entries)
}

/// The names to look for, each with the probes that want it.
struct Needles<'p> {
    names: Vec<&'p str>,
    /// Built on first need: a warm search answers from word sets and never asks it.
    automaton: OnceLock<AhoCorasick>,
    /// Per pattern, the indexes of the probes with that name.
    wanted_by: Vec<Vec<usize>>,
    /// Per family, the hashes a word set holds for the names some probe of that family wants,
    /// sorted, with their patterns; `None` when one of them is not one word. A blob is asked
    /// only about its own family's names.
    by_family: HashMap<&'static str, Option<Vec<(u32, usize)>>>,
    probes: &'p [Probe],
    all_families: HashSet<&'static str>,
}

impl<'p> Needles<'p> {
    fn new(probes: &'p [Probe]) -> Needles<'p> {
        let mut names: Vec<&str> = Vec::new();
        let mut wanted_by: Vec<Vec<usize>> = Vec::new();
        let mut index_of: HashMap<&str, usize> = HashMap::new();
        // An empty name would match everywhere and mean nothing.
        for (at, probe) in probes
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.name.is_empty())
        {
            let index = *index_of.entry(&probe.name).or_insert_with(|| {
                names.push(&probe.name);
                wanted_by.push(Vec::new());
                names.len() - 1
            });
            wanted_by[index].push(at);
        }
        let all_families = probes.iter().map(|probe| probe.family).collect();
        let mut by_family: HashMap<&'static str, Option<Vec<(u32, usize)>>> = HashMap::new();
        for (pattern, wanted) in wanted_by.iter().enumerate() {
            let hash = Name::new(names[pattern]).hash();
            for &probe in wanted {
                let names = by_family
                    .entry(probes[probe].family)
                    .or_insert_with(|| Some(Vec::new()));
                match (names.as_mut(), hash) {
                    (Some(names), Some(hash)) => names.push((hash, pattern)),
                    _ => *names = None,
                }
            }
        }
        for names in by_family.values_mut().flatten() {
            names.sort_unstable();
            names.dedup();
        }
        Needles {
            names,
            automaton: OnceLock::new(),
            wanted_by,
            by_family,
            probes,
            all_families,
        }
    }

    /// Leftmost-longest over identifier-only names finds every whole-word occurrence without
    /// overlapping search: a word start cannot lie strictly inside another match (that match
    /// would contain a non-word byte), and at one start the longest match is the only one that
    /// can end on a boundary.
    fn automaton(&self) -> &AhoCorasick {
        self.automaton.get_or_init(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&self.names)
                .expect("names are literals well under the automaton's size limits")
        })
    }

    /// [`Needles::found_in`] answered from a word set: the probes of family `family` whose
    /// name the set may hold, sorted; `None` when the set cannot answer (the blob was too big
    /// to hash, or one of the family's names is not one word), so the bytes must be searched.
    fn held_by(&self, words: &Words, family: &str) -> Option<Vec<usize>> {
        let Some(names) = self.by_family.get(family) else {
            return Some(Vec::new());
        };
        let (hashes, names) = (words.hashes()?, names.as_ref()?);
        let mut patterns = shared(hashes, names);
        patterns.sort_unstable();
        patterns.dedup();
        let mut found: Vec<usize> = patterns
            .into_iter()
            .flat_map(|pattern| &self.wanted_by[pattern])
            .copied()
            .filter(|&p| self.probes[p].family == family)
            .collect();
        found.sort_unstable();
        found.dedup();
        Some(found)
    }

    /// The probes of family `family` whose name occurs in `bytes` as a whole word, sorted.
    fn found_in(&self, bytes: &[u8], family: &str) -> Vec<usize> {
        let mut found = Vec::new();
        for hit in self.automaton().find_iter(bytes) {
            let before = hit.start().checked_sub(1).map(|at| bytes[at]);
            let after = bytes.get(hit.end()).copied();
            if before.is_some_and(is_word_byte) || after.is_some_and(is_word_byte) {
                continue;
            }
            let wanted = &self.wanted_by[hit.pattern().as_usize()];
            found.extend(wanted.iter().filter(|&&p| self.probes[p].family == family));
        }
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// The patterns of `names` (sorted by hash) whose hash is in `hashes` (sorted): a merge of
/// the two lists, or binary searches of the shorter in the longer when one is much shorter (a
/// blob's words are hundreds, a search's names from one to thousands).
fn shared(hashes: &[u32], names: &[(u32, usize)]) -> Vec<usize> {
    const FAR_SHORTER: usize = 16;
    if names.len() * FAR_SHORTER < hashes.len() {
        return names
            .iter()
            .filter(|(hash, _)| hashes.binary_search(hash).is_ok())
            .map(|&(_, pattern)| pattern)
            .collect();
    }
    if hashes.len() * FAR_SHORTER < names.len() {
        return hashes
            .iter()
            .flat_map(|hash| {
                let from = names.partition_point(|(name, _)| name < hash);
                names[from..]
                    .iter()
                    .take_while(move |(name, _)| name == hash)
                    .map(|&(_, pattern)| pattern)
            })
            .collect();
    }
    let mut found = Vec::new();
    let (mut at_hash, mut at_name) = (0, 0);
    while at_hash < hashes.len() && at_name < names.len() {
        match hashes[at_hash].cmp(&names[at_name].0) {
            std::cmp::Ordering::Less => at_hash += 1,
            std::cmp::Ordering::Greater => at_name += 1,
            std::cmp::Ordering::Equal => {
                found.push(names[at_name].1);
                at_name += 1;
            }
        }
    }
    found
}

/// Bytes that continue an identifier. Bytes of multi-byte UTF-8 count as word bytes: `éfoo`
/// is not a use of `foo` in languages with Unicode identifiers, and in the others it is not
/// code at all.
pub(super) fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$' || byte >= 0x80
}

/// What the levels of one search share about each blob: its word set, from the cache or made
/// when the blob was first read. A blob is read only when its set cannot answer, so a warm
/// search reads almost no blob: candidates are picked from their sets, and `confirm` asks for
/// the bytes of the few whose analysis is not cached.
#[derive(Default)]
pub(super) struct Seen {
    words: HashMap<Oid, Arc<Words>>,
    /// Blobs read out of git on this thread (for the figures).
    pub(super) read: Cell<usize>,
}

impl Seen {
    /// [`examine`] of `entry`, from its word set where the set can answer.
    fn examine(
        &mut self,
        repo: &Repository,
        cache: &Cache,
        entry: &Entry,
        needles: &Needles,
        budget: &Budget,
    ) -> Result<Outcome, Error> {
        let read = || {
            self.read.set(self.read.get() + 1);
            read_blob(repo, &entry.path, entry.oid)
        };
        // Whose language only the first line tells: read every time (rare, and small).
        let Some(language) = entry.language else {
            return Ok(examine(&read()?, entry, needles, budget));
        };
        let mut bytes = None;
        let words = if let Some(words) = self.words.get(&entry.oid) {
            Arc::clone(words)
        } else {
            let (words, read_now) = Words::of_blob(entry.oid, cache, read)?;
            bytes = read_now;
            let words = Arc::new(words);
            self.words.insert(entry.oid, Arc::clone(&words));
            words
        };
        if words.size > budget.max_bytes {
            return Ok(Outcome::Skipped);
        }
        let Some(probes) = needles.held_by(&words, language.family) else {
            let bytes = match bytes {
                Some(bytes) => bytes,
                None => read()?,
            };
            return Ok(examine(&bytes, entry, needles, budget));
        };
        if probes.is_empty()
            || generated_by_path(&entry.path).is_some()
            || words.generated.is_some()
        {
            return Ok(Outcome::Scanned(words.size));
        }
        Ok(Outcome::Candidate(Candidate {
            path: entry.path.clone(),
            oid: entry.oid,
            language,
            size: words.size,
            bytes,
            words: Some(words),
            probes,
        }))
    }
}

/// The content of blob `oid` at `path`.
pub(super) fn read_blob(repo: &Repository, path: &str, oid: Oid) -> Result<Vec<u8>, Error> {
    let blob = repo.find_blob(oid).map_err(|source| Error::Blob {
        path: path.to_string(),
        blob: oid,
        source,
    })?;
    Ok(blob.content().to_vec())
}

/// Reads each entry of a wanted family and hands `found` each one where a name matches as a
/// word, in the entries' order, as soon as it is found (so confirming it can start while the
/// scan goes on). Returns the number of blobs scanned and their bytes. On one thread, blobs
/// are read through `seen`, shared by the levels of one search, and the word sets it holds or
/// finds in `cache` spare reading blobs that hold none of the names.
pub(super) fn scan(
    repo: &Repository,
    entries: &[Entry],
    probes: &[Probe],
    budget: &Budget,
    reading: Reading,
    (seen, cache): (&mut Seen, &Cache),
    found: &mut dyn FnMut(Candidate),
) -> Result<(usize, u64), Error> {
    if probes.is_empty() {
        return Ok((0, 0));
    }
    let needles = Needles::new(probes);
    let wanted: Vec<&Entry> = entries
        .iter()
        .filter(|entry| {
            entry
                .language
                .is_none_or(|language| needles.all_families.contains(language.family))
        })
        .collect();
    let mut files = 0;
    let mut bytes = 0;
    let mut tally = |outcome| match outcome {
        Outcome::Skipped => {}
        Outcome::Scanned(size) => {
            files += 1;
            bytes += size;
        }
        Outcome::Candidate(candidate) => {
            files += 1;
            bytes += candidate.size;
            found(candidate);
        }
    };
    match reading {
        Reading::OneThread => {
            for entry in wanted {
                tally(seen.examine(repo, cache, entry, &needles, budget)?);
            }
        }
        Reading::PerWorker => {
            seen.read.set(seen.read.get() + wanted.len());
            // A few chunks per thread balance uneven blob sizes; each chunk pays one open.
            let chunk = wanted
                .len()
                .div_ceil(rayon::current_num_threads() * 4)
                .max(64);
            // The handle itself is not `Sync`; only its path crosses threads.
            let git_dir = repo.path();
            let chunks: Vec<Vec<Outcome>> = wanted
                .par_chunks(chunk)
                .map(|part| {
                    let own = Repository::open(git_dir).map_err(|source| Error::Open {
                        path: git_dir.to_path_buf(),
                        source,
                    })?;
                    part.iter()
                        .map(|entry| {
                            let blob = own.find_blob(entry.oid).map_err(|source| Error::Blob {
                                path: entry.path.clone(),
                                blob: entry.oid,
                                source,
                            })?;
                            Ok(examine(blob.content(), entry, &needles, budget))
                        })
                        .collect()
                })
                .collect::<Result<_, _>>()?;
            chunks.into_iter().flatten().for_each(&mut tally);
        }
    }
    Ok((files, bytes))
}

enum Outcome {
    /// Not scanned: too large, or no language of a wanted family.
    Skipped,
    /// Scanned, no name matched (the size in bytes).
    Scanned(u64),
    Candidate(Candidate),
}

fn examine(bytes: &[u8], entry: &Entry, needles: &Needles, budget: &Budget) -> Outcome {
    if bytes.len() as u64 > budget.max_bytes {
        return Outcome::Skipped;
    }
    let language = if let Some(language) = entry.language {
        language
    } else {
        let first_line = &bytes[..memchr::memchr(b'\n', bytes).unwrap_or(bytes.len())];
        match lang::for_path(&entry.path, first_line) {
            Some(language) if needles.all_families.contains(language.family) => language,
            _ => return Outcome::Skipped,
        }
    };
    let probes = needles.found_in(bytes, language.family);
    if probes.is_empty() {
        return Outcome::Scanned(bytes.len() as u64);
    }
    // Checked only on candidates: generated-file detection may look at the content.
    if looks_generated(&entry.path, bytes).is_some() {
        return Outcome::Scanned(bytes.len() as u64);
    }
    Outcome::Candidate(Candidate {
        path: entry.path.clone(),
        oid: entry.oid,
        language,
        size: bytes.len() as u64,
        bytes: Some(bytes.to_vec()),
        words: None,
        probes,
    })
}

#[cfg(test)]
mod tests {
    use super::shared;

    /// Every way of intersecting (binary searches either way, merge) finds exactly the
    /// patterns whose hash the blob holds, duplicates and all, at any ratio of lengths.
    #[test]
    fn shared_hashes_are_found_whichever_list_is_shorter() {
        let hashes_of = |count: u32, step: u32| (0..count).map(|i| i * step).collect::<Vec<_>>();
        for (hash_count, name_count) in [(1, 1), (3, 200), (200, 3), (40, 40), (500, 17)] {
            let hashes = hashes_of(hash_count, 3);
            // Names on the multiples of 2, two patterns to each; the hashes are multiples of 3.
            let mut names: Vec<(u32, usize)> = (0..name_count)
                .flat_map(|i| [(i * 2, 2 * i as usize), (i * 2, 2 * i as usize + 1)])
                .collect();
            names.sort_unstable();
            let mut expected: Vec<usize> = names
                .iter()
                .filter(|(hash, _)| hashes.contains(hash))
                .map(|&(_, pattern)| pattern)
                .collect();
            expected.sort_unstable();
            let mut found = shared(&hashes, &names);
            found.sort_unstable();
            assert_eq!(found, expected, "{hash_count} hashes, {name_count} names");
            assert!(!expected.is_empty(), "the case shares a hash");
        }
    }
}
