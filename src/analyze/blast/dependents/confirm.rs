//! Confirm: parse candidates and keep the references that plausibly are the target.
//!
//! The outline already leaves out comments and strings, so what remains is deciding which
//! same-named identifiers are the target. Rules, each choosing to under-count:
//! - Family: only files of the target's language family (done by the scan).
//! - Definition lines: a name on the line where the same file defines that name is a
//!   definition, not a use (the target's own, or an unrelated namesake).
//! - Container: a method (target with a container) counts only in its defining file or in
//!   files that mention the container by name (reference, import or definition). This drops
//!   `other.save()` on an unrelated type. It is stricter than checking member accesses only:
//!   a bare `save(...)` in a file that never names the class is not this method either. In
//!   languages whose imports never name methods, a file that imports the name uses what it
//!   imported (`IMPORTS_NAME_NO_METHOD`).
//! - Shadowing: a free symbol does not count in another file that defines its own top-level
//!   namesake and does not import the name; that file's uses resolve to its own.
//! - Namespace: a free symbol counts only in files that can see it by the language's lookup
//!   rules (same package, an import, a qualified path; see `namespace`).

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;

use super::namespace::{self, FileScope, Home, Resolution};
use super::scan::Candidate;
use super::words::{Name, Words};
use super::{Error, Site, Target};
use crate::analyze::blast::cache::{Cache, Lookup};
use crate::analyze::blast::outline::Budget;
use crate::analyze::blast::syntax::{Definition, Outline, ReferenceKind, Unanalysed};

/// A name searched for at one level: a target, or an enclosing definition at a deeper level.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct Probe {
    pub(super) name: String,
    pub(super) family: &'static str,
    pub(super) container: Option<String>,
    pub(super) defined_in: String,
    /// Namespace of the defining file, for free symbols of languages with a namespace row.
    pub(super) home: Option<Home>,
}

/// The definition around a use: what the next level searches for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct Enclosing {
    pub(super) name: String,
    pub(super) container: Option<String>,
}

/// One confirmed use of probe number `probe`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Hit {
    pub(super) probe: usize,
    pub(super) site: Site,
    pub(super) enclosing: Option<Enclosing>,
    /// Namespace of the file of the use (the home of the enclosing definition).
    pub(super) home: Option<Home>,
    /// Counted only because a wildcard or dynamic import could bring the name in.
    pub(super) undecided: bool,
    /// The file imports the name only from an enclosing module that may re-export it.
    pub(super) reexported: bool,
}

/// Hits of one level and how the outlines were obtained.
#[derive(Debug, Default)]
pub(super) struct Confirmed {
    pub(super) hits: Vec<Hit>,
    pub(super) parsed: usize,
    pub(super) cached: usize,
    /// Candidates whose text already rules out every probe: never parsed.
    pub(super) ruled_out: usize,
    pub(super) unconfirmed: usize,
}

/// How many candidates one confirming job takes: enough that a warm search (outlines from the
/// cache, microseconds each) is not all job overhead, few enough that the pool starts parsing
/// while the scan is still reading blobs.
const BATCH: usize = 8;

/// Outlines the candidates `scan` hands over (through the cache) and matches them against
/// `probes`. The scan reads blobs on this thread (through one repository handle) while the
/// pool confirms what it has found so far: a cold search spent its first level's scan with
/// the pool idle. A candidate the scan did not read is first confirmed from what the cache
/// holds; if that needs its bytes after all (a miss, or a qualified use to look for), `read`
/// fetches them on this thread and it is confirmed again. Hits come in the scan's order.
pub(super) fn confirm(
    scan: impl FnOnce(&mut dyn FnMut(Candidate)) -> Result<(), Error>,
    probes: &[Probe],
    cache: &Cache,
    budget: &Budget,
    mut read: impl FnMut(&Candidate) -> Result<Vec<u8>, Error>,
) -> Result<Confirmed, Error> {
    let done: Mutex<Vec<(usize, Candidate, Option<Outcome>)>> = Mutex::new(Vec::new());
    rayon::in_place_scope(|jobs| {
        let done = &done;
        let send = |batch: Vec<(usize, Candidate)>| {
            jobs.spawn(move |_| {
                let confirmed: Vec<_> = batch
                    .into_iter()
                    .map(|(at, candidate)| {
                        let outcome = confirm_one(&candidate, probes, cache, budget);
                        (at, candidate, outcome)
                    })
                    .collect();
                done.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .extend(confirmed);
            });
        };
        let mut batch = Vec::with_capacity(BATCH);
        let mut next = 0;
        let scanned = scan(&mut |candidate| {
            batch.push((next, candidate));
            next += 1;
            if batch.len() == BATCH {
                send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
            }
        });
        if !batch.is_empty() {
            send(batch);
        }
        scanned
    })?;
    let mut done = done.into_inner().unwrap_or_else(PoisonError::into_inner);
    done.sort_unstable_by_key(|(at, ..)| *at);
    let (mut candidates, mut outcomes): (Vec<Candidate>, Vec<Option<Outcome>>) = done
        .into_iter()
        .map(|(_, candidate, outcome)| (candidate, outcome))
        .unzip();
    let unread: Vec<usize> = (0..candidates.len())
        .filter(|&at| outcomes[at].is_none())
        .collect();
    for &at in &unread {
        let bytes = read(&candidates[at])?;
        candidates[at].bytes = Some(bytes);
    }
    let again: Vec<(usize, Option<Outcome>)> = unread
        .par_iter()
        .map(|&at| (at, confirm_one(&candidates[at], probes, cache, budget)))
        .collect();
    for (at, outcome) in again {
        outcomes[at] = outcome;
    }
    let mut confirmed = Confirmed::default();
    // With the bytes at hand every candidate has an outcome.
    for (hits, origin, analysed) in outcomes.into_iter().flatten() {
        match origin {
            Some(Lookup::Cached) => confirmed.cached += 1,
            Some(Lookup::Computed) => confirmed.parsed += 1,
            None => confirmed.ruled_out += 1,
        }
        if !analysed {
            confirmed.unconfirmed += 1;
        }
        confirmed.hits.extend(hits);
    }
    Ok(confirmed)
}

/// One candidate's hits, how its outline was had (`None`: ruled out from the text, not
/// outlined) and whether it could be analysed; `None` if that needed bytes it does not have.
type Outcome = (Vec<Hit>, Option<Lookup>, bool);

fn confirm_one<'c>(
    candidate: &'c Candidate,
    probes: &[Probe],
    cache: &Cache,
    budget: &Budget,
) -> Option<Outcome> {
    let Candidate {
        path,
        oid,
        language,
        probes: relevant,
        ..
    } = candidate;
    let contents = Contents {
        bytes: candidate.bytes.as_deref(),
        asked: Cell::new(false),
    };
    let bytes = || contents.get();
    // Read for every file of a language with namespaces: the next level's probes (the
    // definitions around these uses) take their home from it.
    let scope = namespace::scope_kept(language.family, path, *oid, || contents.try_get(), cache);
    let text = Text {
        path,
        family: language.family,
        words: candidate.words.as_deref(),
        bytes: &bytes,
        scope: scope.as_ref(),
    };
    let relevant = plausible(&text, probes, relevant.clone());
    let outcome = if relevant.is_empty() {
        (Vec::new(), None, true)
    } else {
        // `hits` asks the outline about these names only (uses, imports, top-level
        // namesakes, containers) and about the definitions around the uses it keeps.
        let names: HashSet<&str> = relevant
            .iter()
            .flat_map(|&index| {
                let probe = &probes[index];
                std::iter::once(probe.name.as_str()).chain(probe.container.as_deref())
            })
            .collect();
        let (outline, origin) = cache.outline_sieved(
            &oid.to_string(),
            language,
            || contents.try_get().map(<[u8]>::to_vec),
            budget,
            &names,
        );
        let origin = Some(origin);
        match outline {
            Ok(outline) => {
                let file = File {
                    path,
                    family: language.family,
                    outline: &outline,
                    scope: scope
                        .as_ref()
                        .map(|scope| (scope, &bytes as &dyn Fn() -> &'c [u8])),
                };
                (hits(&file, probes, &relevant), origin, true)
            }
            Err(Unanalysed::Generated { .. }) => (Vec::new(), origin, true),
            Err(_) => (Vec::new(), origin, false),
        }
    };
    (!contents.asked.get()).then_some(outcome)
}

/// A candidate's bytes as `confirm_one` reads them: when it has none, asking marks the
/// attempt as needing them (its outcome is then thrown away and made again with them).
struct Contents<'a> {
    bytes: Option<&'a [u8]>,
    asked: Cell<bool>,
}

impl<'a> Contents<'a> {
    /// The bytes, or none, and the attempt marked as needing them.
    fn try_get(&self) -> Option<&'a [u8]> {
        if self.bytes.is_none() {
            self.asked.set(true);
        }
        self.bytes
    }

    /// [`Contents::try_get`] where an answer must be given: an empty text stands in.
    fn get(&self) -> &'a [u8] {
        self.try_get().unwrap_or_default()
    }
}

/// One candidate file before it is parsed: what `plausible` reads.
struct Text<'a, 'c> {
    path: &'a str,
    family: &'a str,
    /// The file's word set, when the scan had one.
    words: Option<&'a Words>,
    /// The file's bytes (asked only when needed).
    bytes: &'a dyn Fn() -> &'c [u8],
    scope: Option<&'a FileScope>,
}

/// The `relevant` probes that the rules of `hits` could still admit, judged from the text
/// alone: the namespace rule needs only the file's imports, and the container rule's names
/// are words of the file. Parsing is most of a cold search, and common names (`send`, `new`)
/// match in files that cannot see the target; those are not parsed at all. The shadowing rule
/// needs the outline and stays in `hits`.
fn plausible(text: &Text<'_, '_>, probes: &[Probe], relevant: Vec<usize>) -> Vec<usize> {
    relevant
        .into_iter()
        .filter(|&index| {
            let probe = &probes[index];
            if probe.family != text.family {
                return false;
            }
            if text.path != probe.defined_in
                && let Some(container) = &probe.container
                && !text.mentions(container)
            {
                return false;
            }
            match (&probe.home, text.scope) {
                (Some(home), Some(scope)) => {
                    namespace::resolve(
                        text.family,
                        home,
                        &probe.defined_in,
                        &probe.name,
                        text.path,
                        (scope, text.bytes),
                    ) != Resolution::Unrelated
                }
                _ => true,
            }
        })
        .collect()
}

impl Text<'_, '_> {
    /// Whether the file mentions `name` as a whole word: from its word set when the set can
    /// tell (a hash collision only keeps a probe the outline then rules out), else from its
    /// bytes.
    fn mentions(&self, name: &str) -> bool {
        match self.words.and_then(|words| words.may_hold(Name::new(name))) {
            Some(held) => held,
            None => mentions((self.bytes)(), name),
        }
    }
}

/// Whether `name` occurs in `bytes` as a whole word, as the outline of those bytes would have
/// to name it. A name that is not one identifier (`Outer.Inner`) is not looked for: `true`.
fn mentions(bytes: &[u8], name: &str) -> bool {
    if name.is_empty() || !name.bytes().all(super::scan::is_word_byte) {
        return true;
    }
    memchr::memmem::find_iter(bytes, name.as_bytes()).any(|at| {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(at + name.len()).copied();
        !before.is_some_and(super::scan::is_word_byte)
            && !after.is_some_and(super::scan::is_word_byte)
    })
}

/// One candidate file as `hits` reads it.
pub(super) struct File<'a, 'c> {
    pub(super) path: &'a str,
    pub(super) family: &'a str,
    pub(super) outline: &'a Outline,
    /// Its namespace and imports, when some probe needs them, and the bytes they were read
    /// from (asked only when needed).
    pub(super) scope: Option<(&'a FileScope, &'a dyn Fn() -> &'c [u8])>,
}

/// The uses of the `relevant` probes in one file's outline, by the rules in the module header.
/// One hit per probe and line; when a line uses the name several ways, the most specific kind
/// wins (call, type, import, member, then other).
pub(super) fn hits(file: &File<'_, '_>, probes: &[Probe], relevant: &[usize]) -> Vec<Hit> {
    let (path, outline) = (file.path, file.outline);
    let names = FileNames::new(outline);
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut undecided: HashSet<usize> = HashSet::new();
    let mut reexported: HashSet<usize> = HashSet::new();
    for &index in relevant {
        let probe = &probes[index];
        if probe.family != file.family || !names.admits(path, probe) {
            continue;
        }
        let resolution = match (&probe.home, file.scope) {
            (Some(home), Some(scope)) => namespace::resolve(
                file.family,
                home,
                &probe.defined_in,
                &probe.name,
                path,
                scope,
            ),
            _ => Resolution::Resolved,
        };
        match resolution {
            Resolution::Unrelated => continue,
            Resolution::Undecided => {
                undecided.insert(index);
            }
            Resolution::Reexported => {
                reexported.insert(index);
            }
            Resolution::Resolved => {}
        }
        by_name.entry(&probe.name).or_default().push(index);
    }
    if by_name.is_empty() {
        return Vec::new();
    }
    let mut best: HashMap<(usize, u32), Hit> = HashMap::new();
    for reference in &outline.references {
        let Some(indexes) = by_name.get(reference.name.as_str()) else {
            continue;
        };
        if defines_at(outline, &reference.name, reference.line) {
            continue;
        }
        let around = enclosing(outline, reference.enclosing.as_deref(), reference.line);
        for &probe in indexes {
            let hit = Hit {
                probe,
                site: Site {
                    path: path.to_string(),
                    line: reference.line,
                    kind: reference.kind,
                    enclosing: around.as_ref().map(|e| e.name.clone()),
                },
                enclosing: around.clone(),
                home: file.scope.map(|(scope, _)| scope.home.clone()),
                undecided: undecided.contains(&probe),
                reexported: reexported.contains(&probe),
            };
            best.entry((probe, reference.line))
                .and_modify(|kept| {
                    // ReferenceKind is ordered from most to least specific.
                    if hit.site.kind < kept.site.kind {
                        *kept = hit.clone();
                    }
                })
                .or_insert(hit);
        }
    }
    let mut hits: Vec<Hit> = best.into_values().collect();
    hits.sort_by_key(|hit| (hit.probe, hit.site.line));
    hits
}

/// Families whose imports bind a module's own names (functions, classes, constants), never a
/// method: a file that imports a method's name uses that binding, not the method (cline's
/// `export { captureWorkspaceInitError } from "./core-events"` is not a use of a removed
/// `TelemetryService.captureWorkspaceInitError`). Java's `import static`, C#'s `using static`,
/// PHP's `use function` and Kotlin's and Scala's member imports can name methods; Ruby and
/// Swift are not read for imports here.
const IMPORTS_NAME_NO_METHOD: &[(&str, &str)] = &[
    (
        "javascript",
        "ECMAScript modules: import and export bind a module's exported bindings (ECMA-262 §16.2)",
    ),
    (
        "python",
        "The import system: `from m import n` binds an attribute of module m (Python reference §5)",
    ),
    (
        "go",
        "Import declarations name packages; methods are reached through a value (Go spec)",
    ),
    (
        "rust",
        "`use` paths name items; associated functions cannot be imported (Rust reference, use declarations)",
    ),
];

/// Whether uses of `target`'s name in the file at `path` may be `target` at all: the container
/// and shadowing rules every candidate meets ([`FileNames::admits`]), for one file outside the
/// search (a changed file's new version).
pub(super) fn may_use(outline: &Outline, path: &str, target: &Target) -> bool {
    let probe = Probe {
        name: target.name.clone(),
        family: target.family,
        container: target.container.clone(),
        defined_in: target.defined_in.clone(),
        home: None,
    };
    FileNames::new(outline).admits(path, &probe)
}

/// The names a file mentions, defines at top level and imports: built once per file so the
/// container and shadowing rules cost a lookup per probe, not a pass over the references. A
/// sieved outline already holds only the asked names' uses and the definitions around them.
struct FileNames<'o> {
    mentioned: HashSet<&'o str>,
    top_level: HashSet<&'o str>,
    imported: HashSet<&'o str>,
}

impl<'o> FileNames<'o> {
    fn new(outline: &'o Outline) -> FileNames<'o> {
        let mut names = FileNames {
            mentioned: HashSet::new(),
            top_level: HashSet::new(),
            imported: HashSet::new(),
        };
        for reference in &outline.references {
            names.mentioned.insert(&reference.name);
            if reference.kind == ReferenceKind::Import {
                names.imported.insert(&reference.name);
            }
        }
        for definition in &outline.definitions {
            names.mentioned.insert(&definition.name);
            if definition.container.is_none() {
                names.top_level.insert(&definition.name);
            }
        }
        names
    }

    /// The container and shadowing rules: may uses of `probe` in this file count at all?
    fn admits(&self, path: &str, probe: &Probe) -> bool {
        if path == probe.defined_in {
            return true;
        }
        let name = probe.name.as_str();
        if let Some(container) = &probe.container {
            let imports_a_namesake = self.imported.contains(name)
                && IMPORTS_NAME_NO_METHOD
                    .iter()
                    .any(|(family, _)| *family == probe.family);
            return self.mentioned.contains(container.as_str()) && !imports_a_namesake;
        }
        !self.top_level.contains(name) || self.imported.contains(name)
    }
}

/// Whether the file defines `name` on `line` (so the name there is a definition).
fn defines_at(outline: &Outline, name: &str, line: u32) -> bool {
    outline
        .definitions
        .iter()
        .any(|d| d.start_line == line && d.name == name)
}

/// The definition around `line`: the innermost definition named `name` that spans the line
/// (which gives its container), else the innermost definition spanning the line when the
/// extractor did not name one, else just the name.
fn enclosing(outline: &Outline, name: Option<&str>, line: u32) -> Option<Enclosing> {
    let spans = |d: &&Definition| d.start_line <= line && line <= d.end_line;
    let innermost = |d: &&Definition| d.end_line.saturating_sub(d.start_line);
    let found = outline
        .definitions
        .iter()
        .filter(spans)
        .filter(|d| name.is_none_or(|name| d.name == name))
        .min_by_key(innermost);
    match (found, name) {
        (Some(definition), _) => Some(Enclosing {
            name: definition.name.clone(),
            container: definition.container.clone(),
        }),
        (None, Some(name)) => Some(Enclosing {
            name: name.to_string(),
            container: None,
        }),
        (None, None) => None,
    }
}
