//! Candidate pick: which blobs of a tree contain one of the names as a whole word.
//!
//! One automaton for all names, one pass over each blob. This is the pre-filter that keeps
//! parsing to a handful of files, so it has to run near the speed of reading the blobs.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use aho_corasick::{AhoCorasick, MatchKind};
use git2::{ObjectType, Oid, Repository, TreeWalkMode, TreeWalkResult};
use rayon::prelude::*;

use super::confirm::Probe;
use super::{Error, Reading};
use crate::analyze::blast::outline::{Budget, looks_generated};
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
    /// Kept so a cache miss does not read the blob a second time.
    pub(super) bytes: Vec<u8>,
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
    automaton: AhoCorasick,
    /// Per pattern, the indexes of the probes with that name.
    wanted_by: Vec<Vec<usize>>,
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
        // Leftmost-longest over identifier-only names finds every whole-word occurrence
        // without overlapping search: a word start cannot lie strictly inside another match
        // (that match would contain a non-word byte), and at one start the longest match is
        // the only one that can end on a boundary.
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&names)
            .expect("names are literals well under the automaton's size limits");
        let all_families = probes.iter().map(|probe| probe.family).collect();
        Needles {
            automaton,
            wanted_by,
            probes,
            all_families,
        }
    }

    /// The probes of family `family` whose name occurs in `bytes` as a whole word, sorted.
    fn found_in(&self, bytes: &[u8], family: &str) -> Vec<usize> {
        let mut found = Vec::new();
        for hit in self.automaton.find_iter(bytes) {
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

/// Bytes that continue an identifier. Bytes of multi-byte UTF-8 count as word bytes: `éfoo`
/// is not a use of `foo` in languages with Unicode identifiers, and in the others it is not
/// code at all.
pub(super) fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$' || byte >= 0x80
}

/// Blob contents kept from one level of a search to the next. Every level scans the same
/// files, and inflating them from the pack is most of a scan; past [`Kept::LIMIT`] bytes the
/// rest is read again instead, so a huge tree does not stay in memory.
#[derive(Default)]
pub(super) struct Kept {
    blobs: HashMap<Oid, Vec<u8>>,
    held: usize,
}

impl Kept {
    const LIMIT: usize = 32 << 20;

    /// The bytes of `entry`, from memory or read (and kept while there is room).
    fn bytes<'k>(&'k mut self, repo: &Repository, entry: &Entry) -> Result<Cow<'k, [u8]>, Error> {
        if self.blobs.contains_key(&entry.oid) {
            return Ok(Cow::Borrowed(&self.blobs[&entry.oid]));
        }
        let blob = repo.find_blob(entry.oid).map_err(|source| Error::Blob {
            path: entry.path.clone(),
            blob: entry.oid,
            source,
        })?;
        let bytes = blob.content();
        if self.held + bytes.len() > Self::LIMIT {
            return Ok(Cow::Owned(bytes.to_vec()));
        }
        self.held += bytes.len();
        Ok(Cow::Borrowed(
            self.blobs
                .entry(entry.oid)
                .or_insert_with(|| bytes.to_vec()),
        ))
    }
}

/// Reads each entry of a wanted family and keeps those where a name matches as a word.
/// Returns the candidates, the number of blobs scanned and their bytes. On one thread, blobs
/// are read through `kept`, shared by the levels of one search.
pub(super) fn scan(
    repo: &Repository,
    entries: &[Entry],
    probes: &[Probe],
    budget: &Budget,
    reading: Reading,
    kept: &mut Kept,
) -> Result<(Vec<Candidate>, usize, u64), Error> {
    if probes.is_empty() {
        return Ok((Vec::new(), 0, 0));
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
    let outcomes: Vec<Outcome> = match reading {
        Reading::OneThread => wanted
            .iter()
            .map(|entry| Ok(examine(&kept.bytes(repo, entry)?, entry, &needles, budget)))
            .collect::<Result<_, _>>()?,
        Reading::PerWorker => {
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
            chunks.into_iter().flatten().collect()
        }
    };
    let mut files = 0;
    let mut bytes = 0;
    let mut candidates = Vec::new();
    for outcome in outcomes {
        match outcome {
            Outcome::Skipped => {}
            Outcome::Scanned(size) => {
                files += 1;
                bytes += size;
            }
            Outcome::Candidate(candidate) => {
                files += 1;
                bytes += candidate.bytes.len() as u64;
                candidates.push(candidate);
            }
        }
    }
    Ok((candidates, files, bytes))
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
        bytes: bytes.to_vec(),
        probes,
    })
}
