//! Structural analysis of a change: outline each changed file in a supported language, classify
//! its symbol changes, and find who depends on the risky ones.
//!
//! The dependents search runs once, over the tree the change starts from (the base, or `HEAD`
//! for local changes). That one scan answers both questions the issue asks: *reach* is every
//! reference found there; *dangling* references are those in files the change did not touch
//! (identical at head), plus references in the new versions of changed files, which are
//! already outlined. Both respect the language's namespaces where it has a row in
//! `dependents::namespace`: a file that cannot see the symbol is neither. When the name is
//! still defined where its callers look for it, a reference is not called dangling; a name
//! re-added with another signature in the same namespace is a signature change.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use git2::{Oid, Repository};
use rayon::prelude::*;
use serde::Serialize;

use crate::analyze::blast::cache::{Ask, Cache};
use crate::analyze::blast::dependents::namespace::{self, FileScope, Home, Resolution};
use crate::analyze::blast::dependents::{self, Reach, Scan, SearchOptions, Site, Target};
use crate::analyze::blast::outline::{self, Budget};
use crate::analyze::blast::symbols::{self, ChangeKind, SymbolChange};
use crate::analyze::blast::syntax::{Outline, SymbolKind, Unanalysed, Visibility};
use crate::analyze::contents::{Content, FileContents, Parsed};
use crate::analyze::lang::{self, Language};
use crate::diff::{ChangeSet, FileChange};

mod dangling;

use dangling::dangling;

/// What structural analysis reads besides the change.
pub struct Context<'r> {
    /// The repository, when there is one.
    pub repo: Option<&'r Repository>,
    /// The tree searched for dependents: the base, or `HEAD` for local changes.
    pub search_tree: Option<Oid>,
    /// The working tree, when the new side of the change lives there (`--worktree`).
    pub workdir: Option<&'r Path>,
    /// Per-blob outline cache.
    pub cache: &'r Cache,
}

/// Knobs for structural analysis.
#[derive(Debug, Clone)]
pub struct Options {
    /// Per-file parse limits.
    pub budget: Budget,
    /// How far the transitive reach goes.
    pub max_depth: u32,
    /// Call sites kept per symbol.
    pub max_sites: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            budget: Budget::default(),
            max_depth: 3,
            max_sites: 200,
        }
    }
}

/// One symbol change with its dependents.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SymbolImpact {
    /// The change itself.
    #[serde(flatten)]
    pub change: SymbolChange,
    /// Other files that refer to the symbol (at the base).
    pub dependent_files: Vec<String>,
    /// Where they refer to it.
    pub call_sites: Vec<Site>,
    /// Files reached through the enclosing definitions of those call sites.
    pub transitive_files: Vec<String>,
    /// References that still use a removed or renamed name after the change.
    pub dangling: Vec<Site>,
    /// Dependent files counted only because a wildcard or dynamic import could bring the name
    /// in: the language cannot decide from the file, so they count (fail closed).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub undecided_files: Vec<String>,
    /// A search bound was hit; the counts are lower bounds.
    pub truncated: bool,
}

/// A changed file that was not analysed structurally, and why.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct NotAnalysed {
    /// The file.
    pub file: String,
    /// Why (`reason` plus its details, flattened into this record).
    #[serde(flatten)]
    pub reason: Unanalysed,
    /// Whether the gap itself was counted as risk (`unanalysable-file`).
    pub counted_as_risk: bool,
}

/// How much of the change was analysed structurally.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Coverage {
    /// Files in the change.
    pub changed_files: usize,
    /// Files outlined (both sides, where they exist).
    pub analysed: usize,
    /// The others, with reasons.
    pub not_analysed: Vec<NotAnalysed>,
    /// Files a domain analyzer could not parse and read line by line instead.
    pub line_level: Vec<crate::analyze::domain::LineLevel>,
}

/// The structural findings of a change.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BlastRadius {
    /// Symbol changes with their dependents.
    pub symbols: Vec<SymbolImpact>,
    /// What was and was not analysed.
    pub coverage: Coverage,
    /// Files whose edit was whitespace or comments only.
    pub cosmetic_files: Vec<String>,
    /// Figures from the dependents search, when one ran.
    #[serde(skip)]
    pub scan: Option<Scan>,
}

/// One changed file prepared for outlining: both its sides, or one of them when a rename took
/// it to another language.
struct Job<'a> {
    file: &'a FileChange,
    language: &'static Language,
    /// The paths of the sides outlined here.
    old_path: Option<&'a str>,
    new_path: Option<&'a str>,
    old: Option<(String, Vec<u8>)>,
    new: Option<(String, Vec<u8>)>,
}

/// Runs structural analysis over the change, whose file contents were read once by the caller.
#[must_use]
pub fn analyze(
    change: &ChangeSet,
    contents: &[FileContents<'_>],
    context: &Context<'_>,
    options: &Options,
) -> BlastRadius {
    let mut blast = BlastRadius {
        coverage: Coverage {
            changed_files: change.files.len(),
            ..Coverage::default()
        },
        ..BlastRadius::default()
    };
    let jobs = prepare(contents, &mut blast.coverage);

    let outlined = outline_sides(&jobs, context, options);

    let mut changes = Vec::new();
    let mut carried = Vec::new();
    let mut new_outlines: HashMap<String, (&'static Language, Outline)> = HashMap::new();
    for (job, (old, new)) in jobs.iter().zip(outlined) {
        let Some(path) = job.new_path.or(job.old_path).map(str::to_string) else {
            continue;
        };
        let failure = [&old, &new]
            .into_iter()
            .flatten()
            .find_map(|result| result.as_ref().err().cloned());
        if let Some(reason) = failure {
            let counted_as_risk = counts_as_risk(&reason);
            blast.coverage.not_analysed.push(NotAnalysed {
                file: path,
                reason,
                counted_as_risk,
            });
            continue;
        }
        blast.coverage.analysed += 1;
        let old = old.and_then(Result::ok);
        let new = new.and_then(Result::ok);
        if let (Some(old), Some(new)) = (&old, &new)
            && old.token_hash == new.token_hash
            && (job.file.additions() + job.file.deletions()) > 0
        {
            blast.cosmetic_files.push(path.clone());
        }
        let old_path = job.old_path.unwrap_or(&path);
        // A copy is a new file: its source still exists, so nothing in it was removed.
        let copied = job.file.status == crate::diff::FileStatus::Copied;
        changes.extend(symbols::classify(
            &path,
            old_path,
            old.as_ref().filter(|_| !copied),
            new.as_ref(),
        ));
        if let (Some(old), Some(new), false) = (&old, &new, copied || old_path == path) {
            carried.extend(symbols::carried(&path, old_path, old, new));
        }
        if let Some(new) = new {
            new_outlines.insert(path, (job.language, new));
        }
    }
    crate::analyze::mechanical::pair_moves(&mut changes, &new_outlines);

    let families: HashMap<String, &'static str> = jobs
        .iter()
        .flat_map(|job| {
            [job.old_path, job.new_path]
                .into_iter()
                .flatten()
                .map(move |path| (path.to_string(), job.language.family))
        })
        .collect();
    let spaces = Namespaces::of(&jobs, context.cache);
    symbols::detect_reused_names(&mut changes, |gone, added| {
        families.get(&gone.file) == families.get(&added.file) && spaces.related(gone, added)
    });
    // What a renamed file took to another namespace is kept only where a use still dangles.
    let provisional = changes.len();
    changes.extend(
        carried
            .into_iter()
            .filter(|moved| spaces.moved_away(moved, &families)),
    );

    let touched_paths: HashSet<&str> = change
        .files
        .iter()
        .flat_map(|file| [file.old_path.as_deref(), file.new_path.as_deref()])
        .flatten()
        .collect();
    let removed_types: HashSet<(String, String)> = changes
        .iter()
        .filter(|change| change.change == ChangeKind::Removed && is_type(change.kind))
        .map(|change| (change.file.clone(), change.name.clone()))
        .collect();
    let names = Names::of(&new_outlines);
    let seen = Seen {
        families: &families,
        touched_paths: &touched_paths,
        new_outlines: &new_outlines,
        names: &names,
        spaces: &spaces,
        removed_types: &removed_types,
    };
    impacts(changes, provisional, &seen, context, options, &mut blast);
    blast
}

/// Outlines of both sides of every job, in parallel, old sides first; a panic in one file is
/// that file's failure. The old sides' references are never read; of the new sides', only
/// those by a name an old side defines (or defines something in) are: the uses of a removed
/// or renamed name, and the imports of a moved one's.
fn outline_sides(
    jobs: &[Job<'_>],
    context: &Context<'_>,
    options: &Options,
) -> Vec<(Option<OutlineResult>, Option<OutlineResult>)> {
    let outline = |job: &Job<'_>, side: &Option<(String, Vec<u8>)>, ask: Ask<'_>| {
        side.as_ref().map(|(blob, bytes)| {
            context.cache.outline(
                blob,
                job.language,
                || Some(bytes.clone()),
                &options.budget,
                ask,
            )
        })
    };
    let none = HashSet::new();
    let olds: Vec<_> = jobs
        .par_iter()
        .map(|job| outline(job, &job.old, Ask::ReferencesTo(&none)))
        .collect();
    let old_names: HashSet<&str> = olds
        .iter()
        .flat_map(|old| old.iter().flatten())
        .flat_map(|old| &old.definitions)
        .flat_map(|definition| {
            std::iter::once(definition.name.as_str()).chain(definition.container.as_deref())
        })
        .collect();
    let news: Vec<_> = jobs
        .par_iter()
        .map(|job| outline(job, &job.new, Ask::ReferencesTo(&old_names)))
        .collect();
    olds.into_iter().zip(news).collect()
}

/// One side's outline, or why it has none.
type OutlineResult = Result<Outline, Unanalysed>;

/// Namespaces of the changed files, for the languages that have them: homes of the old
/// versions, scopes (home and imports) of the new ones, with the bytes they were read from.
struct Namespaces<'j> {
    old_homes: HashMap<String, Home>,
    new_scopes: HashMap<String, (&'static str, FileScope, &'j [u8])>,
}

impl<'j> Namespaces<'j> {
    /// Reads each side's scope through the cache (kept by family, path and blob, like a
    /// candidate's), in parallel: read anew on every check, the changed files' imports were a
    /// tenth of a warm 49-file check's time.
    fn of(jobs: &'j [Job<'_>], cache: &Cache) -> Namespaces<'j> {
        let read: Vec<_> = jobs
            .par_iter()
            .map(|job| {
                let family = job.language.family;
                (
                    family,
                    side_scope(family, job.old_path, job.old.as_ref(), cache),
                    side_scope(family, job.new_path, job.new.as_ref(), cache),
                )
            })
            .collect();
        let mut spaces = Namespaces {
            old_homes: HashMap::new(),
            new_scopes: HashMap::new(),
        };
        for (family, old, new) in read {
            if let Some((path, scope, _)) = old {
                spaces.old_homes.insert(path, scope.home);
            }
            if let Some((path, scope, bytes)) = new {
                spaces.new_scopes.insert(path, (family, scope, bytes));
            }
        }
        spaces
    }

    /// The namespace `path` had before the change (after it, for files the change added).
    fn home_before(&self, path: &str) -> Option<&Home> {
        self.old_homes
            .get(path)
            .or_else(|| self.new_scopes.get(path).map(|(_, scope, _)| &scope.home))
    }

    /// Whether a name leaving `gone`'s file and defined again in `added`'s file is the same
    /// name to its callers: same family, and the same namespace where the language has them.
    fn related(&self, gone: &SymbolChange, added: &SymbolChange) -> bool {
        let Some((family, scope, _)) = self.new_scopes.get(&added.file) else {
            // No namespace row (or no content): the old name-based view.
            return true;
        };
        self.home_before(&gone.file)
            .is_some_and(|home| namespace::same_namespace(family, home, &scope.home))
    }

    /// How the new version of `path` sees `change`'s name at the home it had.
    fn resolves(&self, change: &SymbolChange, path: &str) -> Resolution {
        let home_file = change.file_before();
        let (Some((family, scope, bytes)), Some(home)) =
            (self.new_scopes.get(path), self.home_before(home_file))
        else {
            return Resolution::Resolved;
        };
        // A file's own uses of a name are its own definition's, wherever the file was before.
        if change.container.is_some() || path == change.file {
            return Resolution::Resolved;
        }
        namespace::resolve(
            family,
            home,
            home_file,
            change.name_before(),
            path,
            (scope, &|| *bytes),
        )
    }

    /// Whether the file at `path` would find a moved definition at its new home as well: an
    /// import written from an unknown root (`from lib import f`, Python and JS) can name both
    /// places. The file's text is its new version when the change touched it, else what
    /// `base_file` reads; unreadable, it is not found there. Found only maybe (a wildcard or
    /// dynamic import) counts when the old place was only maybe too (`undecided_before`): a
    /// file that imported the old module by name still does.
    fn found_at_new_home(
        &self,
        moved: &SymbolChange,
        (path, undecided_before): (&str, bool),
        base_file: &dyn Fn(&str) -> Option<Vec<u8>>,
    ) -> bool {
        let Some((family, new_home)) = self
            .new_scopes
            .get(&moved.file)
            .map(|(family, scope, _)| (*family, &scope.home))
        else {
            return false;
        };
        let resolves = |scope: &FileScope, bytes: &[u8]| {
            let found = namespace::resolve(
                family,
                new_home,
                &moved.file,
                &moved.name,
                path,
                (scope, &|| bytes),
            );
            match found {
                Resolution::Unrelated => false,
                Resolution::Undecided => undecided_before,
                Resolution::Resolved | Resolution::Reexported => true,
            }
        };
        if let Some((_, scope, bytes)) = self.new_scopes.get(path) {
            return resolves(scope, bytes);
        }
        base_file(path).is_some_and(|bytes| {
            namespace::scope(family, path, &bytes).is_some_and(|scope| resolves(&scope, &bytes))
        })
    }

    /// Whether a moved definition left the namespace its users imported it from.
    fn moved_away(&self, moved: &SymbolChange, families: &HashMap<String, &'static str>) -> bool {
        let (Some(family), Some(before), Some((_, after, _))) = (
            families.get(&moved.file),
            self.home_before(moved.file_before()),
            self.new_scopes.get(&moved.file),
        ) else {
            return false;
        };
        moved.change == ChangeKind::Moved
            && moved.container.is_none()
            && namespace::moved_away(family, before, &after.home)
    }
}

/// The scope of one side of a changed file (path, blob id and bytes), with its path and bytes.
fn side_scope<'j>(
    family: &str,
    path: Option<&str>,
    side: Option<&'j (String, Vec<u8>)>,
    cache: &Cache,
) -> Option<(String, FileScope, &'j [u8])> {
    let (path, (blob, bytes)) = (path?, side?);
    let id = Some(blob.as_str())
        .filter(|blob| crate::git::is_oid(blob) && !crate::git::is_zero_oid(blob))
        .and_then(|blob| Oid::from_str(blob).ok());
    let scope = match id {
        Some(oid) => namespace::scope_kept(family, path, oid, || Some(bytes.as_slice()), cache),
        // No full id to key it by (diff text gives abbreviated ones): read it from the bytes.
        None => namespace::scope(family, path, bytes),
    }?;
    Some((path.to_string(), scope, bytes.as_slice()))
}

/// What the impact step reads about the change besides the symbol changes.
struct Seen<'a> {
    families: &'a HashMap<String, &'static str>,
    touched_paths: &'a HashSet<&'a str>,
    new_outlines: &'a HashMap<String, (&'static Language, Outline)>,
    /// Which of those define or use each name.
    names: &'a Names<'a>,
    spaces: &'a Namespaces<'a>,
    /// (file, name) of every class, struct or interface the change removed.
    removed_types: &'a HashSet<(String, String)>,
}

/// The new versions of the changed files that define a name, and those that use it, by name:
/// the dangling check asks per symbol, and a renamed package carries thousands of them.
#[derive(Default)]
struct Names<'a> {
    defined: HashMap<&'a str, Vec<&'a str>>,
    used: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> Names<'a> {
    fn of(outlines: &'a HashMap<String, (&'static Language, Outline)>) -> Self {
        let mut names = Names::default();
        for (path, (_, outline)) in outlines {
            let add = |index: &mut HashMap<&'a str, Vec<&'a str>>, name: &'a str| {
                let paths = index.entry(name).or_default();
                if paths.last() != Some(&path.as_str()) {
                    paths.push(path);
                }
            };
            for definition in &outline.definitions {
                add(&mut names.defined, &definition.name);
            }
            for reference in &outline.references {
                add(&mut names.used, &reference.name);
            }
        }
        names
    }

    /// The files defining `name` (or using it), each once.
    fn defining(&self, name: &str) -> &[&'a str] {
        self.defined.get(name).map_or(&[], Vec::as_slice)
    }

    fn using(&self, name: &str) -> &[&'a str] {
        self.used.get(name).map_or(&[], Vec::as_slice)
    }
}

fn is_type(kind: SymbolKind) -> bool {
    matches!(
        kind,
        SymbolKind::Class | SymbolKind::Struct | SymbolKind::Interface | SymbolKind::Trait
    )
}

/// Picks a language for each changed file whose contents were read; records the ones skipped.
/// A file renamed into another language family (`billing.py` → `billing.py.bak`), or to or
/// from a declarations-only file, is two jobs: the old file is deleted as code, the new one
/// added.
fn prepare<'a>(contents: &[FileContents<'a>], coverage: &mut Coverage) -> Vec<Job<'a>> {
    let mut jobs = Vec::new();
    for entry in contents {
        let file = entry.file;
        let (old_path, new_path) = (file.old_path.as_deref(), file.new_path.as_deref());
        let halves = if changes_family(entry) {
            vec![(old_path, None), (None, new_path)]
        } else {
            vec![(old_path, new_path)]
        };
        for (old_path, new_path) in halves {
            let language = match outlined_at(entry, old_path, new_path) {
                None => continue,
                Some(Err(reason)) => {
                    coverage.not_analysed.push(NotAnalysed {
                        file: new_path.or(old_path).unwrap_or(file.path()).to_string(),
                        counted_as_risk: counts_as_risk(&reason),
                        reason,
                    });
                    continue;
                }
                Some(Ok(language)) => language,
            };
            // A side this job does not outline is left out.
            let side = |path: Option<&str>, blob: &Option<String>, side: &Content| {
                path.and(blob.clone()).zip(side.bytes().map(<[u8]>::to_vec))
            };
            jobs.push(Job {
                file,
                language,
                old_path,
                new_path,
                old: side(old_path, &file.old_blob, &entry.old),
                new: side(new_path, &file.new_blob, &entry.new),
            });
        }
    }
    jobs
}

/// Whether a renamed file's two paths are in different language families (or one in none),
/// or one of them only declares types (`billing.py` → `billing.pyi`): either way the code of
/// the old file is gone.
fn changes_family(entry: &FileContents<'_>) -> bool {
    let file = entry.file;
    let (Some(old_path), Some(new_path)) = (file.old_path.as_deref(), file.new_path.as_deref())
    else {
        return false;
    };
    let family = |path: &str, side: &Content| {
        let first_line = side
            .bytes()
            .unwrap_or_default()
            .split(|b| *b == b'\n')
            .next();
        let family = lang::for_path(path, first_line.unwrap_or_default()).map(|l| l.family);
        (family, lang::declares_only(path))
    };
    old_path != new_path && family(old_path, &entry.old) != family(new_path, &entry.new)
}

/// The language a changed file is outlined in, or why it is not; `None` for files with facts
/// of their own and nothing to outline (binary, oversized, submodule or symlink).
fn outlined_in(entry: &FileContents<'_>) -> Option<Result<&'static Language, Unanalysed>> {
    let file = entry.file;
    outlined_at(entry, file.old_path.as_deref(), file.new_path.as_deref())
}

/// [`outlined_in`] for the sides at `old_path` and `new_path` (`None`: that side is not read).
fn outlined_at(
    entry: &FileContents<'_>,
    old_path: Option<&str>,
    new_path: Option<&str>,
) -> Option<Result<&'static Language, Unanalysed>> {
    let sides = [(old_path, &entry.old), (new_path, &entry.new)];
    let read = || {
        sides
            .iter()
            .filter(|(path, _)| path.is_some())
            .map(|(_, side)| *side)
    };
    if read().any(|side| *side == Content::Skipped) {
        return None;
    }
    let path = new_path.or(old_path).unwrap_or(entry.file.path());
    let sample = read().rev().find_map(Content::bytes).unwrap_or_default();
    let first_line = sample.split(|b| *b == b'\n').next().unwrap_or_default();
    let Some(language) = lang::for_path(path, first_line) else {
        return Some(Err(Unanalysed::UnsupportedLanguage));
    };
    if let Some(why) = outline::looks_generated(path, sample) {
        return Some(Err(Unanalysed::Generated { why }));
    }
    if read().any(|side| *side == Content::Unavailable) {
        return Some(Err(Unanalysed::NoContent));
    }
    Some(Ok(language))
}

/// Outlines a changed file's version into the cache from the tree another analyzer parsed it
/// into (the mechanical comparison reads every file edited in place first), when this step
/// outlines that file in that grammar: it then finds the outline cached instead of parsing
/// the version again.
pub fn prime(parsed: &Parsed<'_>, cache: &Cache, options: &Options) {
    if !cache.is_enabled() {
        return;
    }
    let Some(Ok(language)) = outlined_in(parsed.file) else {
        return;
    };
    if language.name != parsed.grammar {
        return;
    }
    cache.prime(parsed.blob, language, || {
        outline::outline_parsed(language, parsed.source, parsed.tree, &options.budget)
    });
}

/// Gaps that hide code we should have read count as risk; unsupported or generated files do
/// not (their lines are already counted, and docs or lockfiles are not code to outline).
fn counts_as_risk(reason: &Unanalysed) -> bool {
    !matches!(
        reason,
        Unanalysed::UnsupportedLanguage | Unanalysed::Generated { .. } | Unanalysed::Binary
    )
}

fn is_target(change: &SymbolChange) -> bool {
    match change.change {
        ChangeKind::Removed
        | ChangeKind::Renamed
        | ChangeKind::SignatureChanged
        | ChangeKind::VisibilityReduced
        | ChangeKind::Moved => change.was_exposed(),
        ChangeKind::BodyChanged => change.visibility == Visibility::Public,
        ChangeKind::Added => false,
    }
}

/// What the dependents search looks for about `change`, if it is searched for.
fn target_of(change: &SymbolChange, families: &HashMap<String, &'static str>) -> Option<Target> {
    if !is_target(change) {
        return None;
    }
    let defined_in = change.file_before().to_string();
    Some(Target {
        name: change.name_before().to_string(),
        family: families.get(&change.file).copied()?,
        kind: change.kind,
        container: change.container.clone(),
        defined_in,
        follow_callers: change.change != ChangeKind::Moved,
    })
}

/// Searches the dependents of `changes` and records each with them. Changes from index
/// `provisional` on are moves a renamed file made, kept only where a use still dangles.
fn impacts(
    changes: Vec<SymbolChange>,
    provisional: usize,
    seen: &Seen<'_>,
    context: &Context<'_>,
    options: &Options,
    blast: &mut BlastRadius,
) {
    // A move within its namespace leaves every use where it was.
    let searched = |change: &SymbolChange| {
        change.change != ChangeKind::Moved || seen.spaces.moved_away(change, seen.families)
    };
    let targets: Vec<(usize, Target)> = changes
        .iter()
        .enumerate()
        .filter(|(_, change)| searched(change))
        .filter_map(|(index, change)| Some((index, target_of(change, seen.families)?)))
        .collect();
    let mut reaches: HashMap<usize, Reach> = HashMap::new();
    if let (Some(repo), Some(tree), false) = (context.repo, context.search_tree, targets.is_empty())
    {
        let only: Vec<Target> = targets.iter().map(|(_, target)| target.clone()).collect();
        let search = SearchOptions {
            max_depth: options.max_depth,
            max_sites_per_target: options.max_sites,
            budget: options.budget.clone(),
            skip_paths: Vec::new(),
        };
        match dependents::search(repo, tree, &only, context.cache, &search) {
            Ok((found, figures)) => {
                blast.scan = Some(figures);
                reaches = targets.iter().map(|(index, _)| *index).zip(found).collect();
            }
            // Fail closed: the reach of these symbols is unknown, and that counts as risk.
            Err(error) => {
                let files: BTreeSet<&str> = only.iter().map(|t| t.defined_in.as_str()).collect();
                for file in files {
                    blast.coverage.not_analysed.push(NotAnalysed {
                        file: file.to_string(),
                        reason: Unanalysed::Failed {
                            message: format!("dependents search failed: {error}"),
                        },
                        counted_as_risk: true,
                    });
                }
            }
        }
    }

    // A file the change left alone, as the search read it: read once, however many moved
    // definitions it still imports from their old place.
    let base_tree = context
        .repo
        .zip(context.search_tree)
        .and_then(|(repo, tree)| Some((repo, repo.find_tree(tree).ok()?)));
    let read: RefCell<HashMap<String, Option<Vec<u8>>>> = RefCell::default();
    let base_file = |path: &str| -> Option<Vec<u8>> {
        let mut read = read.borrow_mut();
        let bytes = read.entry(path.to_string()).or_insert_with(|| {
            let (repo, tree) = base_tree.as_ref()?;
            let entry = tree.get_path(Path::new(path)).ok()?;
            Some(repo.find_blob(entry.id()).ok()?.content().to_vec())
        });
        bytes.clone()
    };
    blast.symbols = changes
        .into_iter()
        .enumerate()
        .filter_map(|(index, change)| {
            let mut reach = reaches.remove(&index).unwrap_or_default();
            let dangling = dangling(&change, &reach, seen, &base_file);
            if index >= provisional && dangling.is_empty() {
                return None;
            }
            // A move changes no behaviour: its users matter only where they still dangle.
            if change.change == ChangeKind::Moved {
                reach = Reach::default();
            }
            let own_files: BTreeSet<&str> =
                [Some(change.file.as_str()), change.old_file.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect();
            let call_sites: Vec<Site> = reach
                .direct_sites
                .iter()
                .filter(|site| !own_files.contains(site.path.as_str()))
                .cloned()
                .collect();
            let dependent_files: Vec<String> = reach
                .direct_files
                .iter()
                .filter(|file| !own_files.contains(file.as_str()))
                .cloned()
                .collect();
            let undecided_files = reach
                .undecided_files
                .iter()
                .filter(|file| !own_files.contains(file.as_str()))
                .cloned()
                .collect();
            Some(SymbolImpact {
                undecided_files,
                dependent_files,
                call_sites,
                transitive_files: reach.transitive_files,
                dangling,
                truncated: reach.truncated,
                change,
            })
        })
        .collect();
}
