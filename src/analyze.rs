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
    let mut contents = contents::read(
        change,
        context.repo,
        context.workdir,
        options.max_file_bytes,
    );
    lap(STEPS[0]);
    let mechanical = mechanical::judge(&contents, context.cache);
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
    // Infrastructure, pipelines and migrations over the size limit are still text to read.
    let profiled = domain::opaque::Profiles::default();
    domain::opaque::read_oversized_risky(
        &mut contents,
        domain::opaque::Blobs {
            repo: context.repo,
            workdir: context.workdir,
            max_file_bytes: options.max_file_bytes,
            run_by: &run_by::RunBy::default(),
            cache: context.cache,
            profiled: &profiled,
        },
    );
    // CI and hook files are also those a workflow, hook or setup script runs.
    let run_by = run_by::discover(
        change,
        &contents,
        (context.repo, context.search_tree),
        context.cache,
    );
    facts.extend(run_by.facts(change));
    let pass = domain::Pass {
        settings: &options.domain,
        cache: context.cache,
    };
    let (domain_facts, line_level) = domain::analyze(&contents, &pass, &run_by);
    facts.extend(mechanical::keep_domain(&mechanical, domain_facts));
    facts.extend(domain::opaque::facts(
        &contents,
        domain::opaque::Blobs {
            repo: context.repo,
            workdir: context.workdir,
            max_file_bytes: options.max_file_bytes,
            run_by: &run_by,
            cache: context.cache,
            profiled: &profiled,
        },
    ));
    facts.extend(domain::terraform::tree_facts(
        &contents,
        context.repo,
        context.search_tree,
        &options.domain,
        domain::terraform::Parser::kept_in(context.cache),
    ));
    blast.coverage.line_level = line_level;
    lap(STEPS[2]);
    (facts, blast)
}
