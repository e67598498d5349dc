//! Facts about a change: what it touches and how, never how bad that is.
//!
//! Each analyzer turns a [`ChangeSet`] into [`Fact`]s tagged with a [`Signal`]; only `score`
//! weighs them. At this stage the analysis is file-level: sizes, kinds of files and which
//! sensitive classes of path (the gate's policy, git hooks, CI) a change touches.

pub mod blast;
pub mod contents;
pub mod dependencies;
pub mod domain;
mod files;
pub mod lang;
pub mod mechanical;
pub(crate) mod path_class;
pub mod recently_reverted;
pub mod run_by;
pub mod security;
mod submodules;

use serde::Serialize;

use crate::diff::ChangeSet;
use crate::signal::Signal;
use blast::{impact, structure};

pub use path_class::{PathClass, classify};

/// One observation about the change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fact {
    /// What kind of observation (the finding id).
    pub signal: Signal,
    /// The file it is about, when it is about one.
    pub file: Option<String>,
    /// The line it is about, when known.
    pub line: Option<u32>,
    /// How many units of the signal (lines, files, dependents…).
    pub quantity: f64,
    /// What was observed, in words ("40 lines added").
    pub message: String,
    /// Other files this fact is about (the dependents of a changed symbol): the score weighs
    /// each by its own tier, so a change used by critical code counts for more.
    pub related: Vec<String>,
    /// What the fact is about inside the file: a symbol, resource address, table, job or
    /// image (`aws_db_instance.main`, `users.email`, `deploy`).
    pub subject: Option<String>,
}

/// Analysis knobs that come from the policy.
#[derive(Debug, Clone)]
pub struct Options {
    /// Files larger than this are not analysed; they are reported as oversized.
    pub max_file_bytes: u64,
    /// Structural analysis limits.
    pub structure: structure::Options,
    /// The policy's additions to the domain analyzers' tables.
    pub domain: domain::Settings,
}

impl Options {
    /// Options with the policy's size limit and default structural limits.
    #[must_use]
    pub fn with_max_file_bytes(max_file_bytes: u64) -> Self {
        let mut structure = structure::Options::default();
        structure.budget.max_bytes = max_file_bytes;
        Self {
            max_file_bytes,
            structure,
            domain: domain::Settings::default(),
        }
    }
}

/// Everything the analyzers found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facts {
    /// Observations, in file order.
    pub facts: Vec<Fact>,
    /// Structural findings.
    pub blast: structure::BlastRadius,
}

/// The steps of [`analyze`], in order, as [`Observer::step_done`] names them.
pub const STEPS: [&str; 4] = ["contents", "structure", "domain", "history"];

/// Told how an analysis advances, so a caller can show progress or time the steps without
/// this stage knowing about terminals or clocks on screens.
pub trait Observer: Send + Sync + std::fmt::Debug {
    /// The analysis of `files` files starts; [`STEPS`] steps will follow.
    fn begin(&self, files: usize);
    /// `step` (one of [`STEPS`]) covered every file and took `took`.
    fn step_done(&self, step: &'static str, took: std::time::Duration);
}

/// Runs every analyzer over the change, telling `observer` when each step is done. Without a
/// repository, code files have no content to outline; coverage says so and the gap counts as
/// risk.
#[must_use]
pub fn analyze(
    change: &ChangeSet,
    context: &structure::Context<'_>,
    options: &Options,
    observer: &dyn Observer,
) -> Facts {
    analyze_at(change, context, options, observer, 0)
}

/// [`analyze`] of a change `depth` submodules deep (0: the change itself).
fn analyze_at(
    change: &ChangeSet,
    context: &structure::Context<'_>,
    options: &Options,
    observer: &dyn Observer,
    depth: u32,
) -> Facts {
    observer.begin(change.files.len());
    // The history window is read on another thread, from its own repository handle, while the
    // files are analysed: it is mostly inflating commit objects, one core's work (120–160 ms
    // per check on NetBox) that would otherwise come after the analysis.
    let git_dir = context.repo.map(|repo| repo.path().to_path_buf());
    std::thread::scope(|scope| {
        let history = scope.spawn(|| {
            let own = crate::git::open_as_git(git_dir.as_deref()?).ok()?;
            Some(recently_reverted::facts(change, Some(&own)))
        });
        let mut clock = std::time::Instant::now();
        let mut lap = |step: &'static str| {
            observer.step_done(step, clock.elapsed());
            clock = std::time::Instant::now();
        };
        let (mut facts, blast) = analyze_files(change, context, options, &mut lap);
        let history = history
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            // A handle that could not be opened again: read the window here.
            .unwrap_or_else(|| recently_reverted::facts(change, context.repo));
        facts.extend(history);
        facts.extend(submodules::facts(change, context, options, depth));
        lap(STEPS[3]);
        Facts { facts, blast }
    })
}

/// Steps 0–2 of [`analyze_at`] ([`STEPS`]): the files' contents, their structure and mechanical
/// edits, and the domain analyzers; `lap` is told as each step ends.
///
/// The mechanical comparison comes first: it parses every file edited in place, and the
/// outline and the security constructs of each version it parses are made from its tree then
/// (kept in the cache, where the structure and the domain analyzers find them), so a cold
/// check parses each version of a file edited in place once. The domain analyzers read
/// neither the structure nor the mechanical edits, so they run beside the structure as a task
/// of the thread pool, on their own copy of the contents (files of a risky kind over the size
/// limit are read into it; the bytes are shared) through the pool thread's
/// repository handle (a handle serves one thread at a time; the diff opened it): a warm check
/// used 1.2–1.5 of the two cores, the structural step's levels leaving the second one idle.
/// On a pool thread (replay judges commits side by side), or if that handle cannot be opened
/// or lacks an object this thread's handle holds, they run after the structure on this thread
/// instead.
fn analyze_files(
    change: &ChangeSet,
    context: &structure::Context<'_>,
    options: &Options,
    lap: &mut dyn FnMut(&'static str),
) -> (Vec<Fact>, structure::BlastRadius) {
    let mut facts: Vec<Fact> = change
        .files
        .iter()
        .flat_map(|file| files::facts(file, options))
        .collect();
    let contents = contents::read(
        change,
        context.repo,
        context.workdir,
        options.max_file_bytes,
    );
    lap(STEPS[0]);
    let shared = (context.workdir, context.search_tree, context.cache);
    let git_dir = context.repo.map(|repo| repo.path().to_path_buf());
    let beside = rayon::current_thread_index().is_none();
    let expected = if beside {
        objects_read(change, context)
    } else {
        Vec::new()
    };
    let read_along = |parsed: &contents::Parsed<'_>| {
        structure::prime(parsed, context.cache, &options.structure);
        security::prime(parsed, context.cache);
    };
    let mechanical = mechanical::judge(&contents, context.cache, &read_along);
    let found = std::sync::Mutex::new(None);
    let mut blast = rayon::in_place_scope(|scope| {
        if beside {
            scope.spawn(|_| {
                let step = |repo: Option<&git2::Repository>| {
                    domain_step(change, contents.clone(), repo, shared, options)
                };
                let done = match git_dir.as_deref() {
                    Some(dir) => crate::git::with_thread_handle(dir, |repo| {
                        // A handle that misses an object this one reads would judge less.
                        let odb = repo.odb().ok()?;
                        expected
                            .iter()
                            .all(|&id| odb.exists(id))
                            .then(|| step(Some(repo)))
                    }),
                    None => Some(step(None)),
                };
                *found
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = done;
            });
        }
        let mut blast = structure::analyze(change, &contents, context, &options.structure);
        mechanical::prune_blast(&mechanical, &mut blast);
        let codemods = mechanical::Codemods::group(&mechanical.renames);
        codemods.prune(&mut blast);
        mechanical::mark(&mut facts, change, &mechanical);
        codemods.mark(&mut facts);
        mechanical::discount_moved_lines(&mut facts, change, &blast);
        mechanical::generated_trees(&mut facts, &contents);
        facts.extend(impact::facts(&blast));
        lap(STEPS[1]);
        blast
    });
    let found = found
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let found =
        found.unwrap_or_else(|| domain_step(change, contents, context.repo, shared, options));
    facts.extend(found.run_by);
    facts.extend(mechanical::keep_domain(&mechanical, found.analyzers));
    facts.extend(found.opaque);
    facts.extend(found.terraform);
    facts.extend(found.helm_values);
    blast.coverage.line_level = found.line_level;
    lap(STEPS[2]);
    (facts, blast)
}

/// The objects step 2 starts from that `context`'s repository holds: the searched tree, the
/// head commit, and every changed blob. Another handle on the repository must hold them all to
/// be used instead (trees and blobs under them are then in the same object store).
fn objects_read(change: &ChangeSet, context: &structure::Context<'_>) -> Vec<git2::Oid> {
    let Some(odb) = context.repo.and_then(|repo| repo.odb().ok()) else {
        return Vec::new();
    };
    let head = change.head.as_ref().and_then(|head| head.commit);
    let blobs = change
        .files
        .iter()
        .flat_map(|file| [&file.old_blob, &file.new_blob])
        .flatten()
        .filter_map(|id| git2::Oid::from_str(id).ok());
    context
        .search_tree
        .into_iter()
        .chain(head.map(crate::git::CommitId::oid))
        .chain(blobs)
        .filter(|&id| odb.exists(id))
        .collect()
}

/// What step 2 found, in the order the facts are listed.
struct DomainFound {
    /// CI and hook files found by what runs them.
    run_by: Vec<Fact>,
    /// The domain analyzers' facts (before mechanical edits are taken out).
    analyzers: Vec<Fact>,
    /// Files the analyzers read line by line.
    line_level: Vec<domain::LineLevel>,
    /// Files no analyzer could read.
    opaque: Vec<Fact>,
    /// Terraform facts across the files of a module.
    terraform: Vec<Fact>,
    /// Helm charts' values turning off what their unchanged templates render.
    helm_values: Vec<Fact>,
}

/// Step 2 of [`analyze_at`]: infrastructure, pipelines, migrations and secrets, reading
/// `contents` (files of a risky kind over the size limit are read into it) through `repo`.
fn domain_step(
    change: &ChangeSet,
    mut contents: Vec<contents::FileContents<'_>>,
    repo: Option<&git2::Repository>,
    (workdir, search_tree, cache): (
        Option<&std::path::Path>,
        Option<git2::Oid>,
        &blast::cache::Cache,
    ),
    options: &Options,
) -> DomainFound {
    // Infrastructure, pipelines and migrations over the size limit are still text to read.
    let profiled = domain::opaque::Profiles::default();
    domain::opaque::read_oversized_risky(
        &mut contents,
        domain::opaque::BlobReader {
            repo,
            workdir,
            max_file_bytes: options.max_file_bytes,
            run_by: &run_by::RunBy::default(),
            cache,
            profiled: &profiled,
        },
    );
    // CI and hook files are also those a workflow, hook or setup script runs.
    let run_by = run_by::discover(change, &contents, (repo, search_tree), cache);
    let pass = domain::Pass {
        settings: &options.domain,
        cache,
    };
    let (analyzers, line_level) = domain::analyze(&contents, &pass, &run_by);
    let blobs = domain::opaque::BlobReader {
        repo,
        workdir,
        max_file_bytes: options.max_file_bytes,
        run_by: &run_by,
        cache,
        profiled: &profiled,
    };
    let mut opaque = domain::opaque::facts(&contents, blobs);
    opaque.extend(domain::opaque::links::facts(&contents, blobs, search_tree));
    let terraform = domain::terraform::tree_facts(
        &contents,
        repo,
        search_tree,
        &options.domain,
        domain::terraform::Parser::kept_in(cache),
    );
    let helm_values = domain::kubernetes::values::facts(&contents, repo, search_tree);
    DomainFound {
        run_by: run_by.facts(change),
        analyzers,
        line_level,
        opaque,
        terraform,
        helm_values,
    }
}
