//! `blastgate replay`: arguments, the progress line, and output.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};

use crate::exit::Exit;
use crate::gate::Judging;
use crate::git::CommitId;
use crate::progress::Progress;
use crate::replay::{self, LabelSource, Options, Selection, Shard, shard, szz};
use crate::report;

/// Judge every commit of a history as the policy would have then, and compare with what was
/// later reverted or hot-fixed.
#[derive(Debug, Args)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "each bool is a command-line flag"
)]
pub(super) struct ReplayArgs {
    /// The history: `A..B` (commits reachable from B and not from A), or one revision for
    /// all its history. Default: all of HEAD's history.
    #[arg(long, value_name = "A..B", conflicts_with = "last")]
    range: Option<String>,
    /// The newest N commits reachable from HEAD.
    #[arg(long, value_name = "N")]
    last: Option<usize>,
    /// Judge the first-parent chain (each merge as the change it brought in) instead of
    /// every non-merge commit.
    #[arg(long)]
    first_parent: bool,
    /// Judge with this policy file instead of `.blastgate.yaml` from each commit's parent.
    #[arg(long, value_name = "FILE", global = true)]
    policy: Option<PathBuf>,
    /// Suggest AI review and block thresholds that meet --target-load (never edits the policy).
    #[arg(long, global = true)]
    calibrate: bool,
    /// Most share of AI-assisted changes that should need senior sign-off, for --calibrate.
    #[arg(long, value_name = "F", default_value_t = 0.10, value_parser = share, global = true)]
    target_load: f64,
    /// Bug-fix commits whose removed or changed lines are blamed to label the commits that
    /// introduced them (SZZ), by how the message says it is a fix.
    #[arg(
        long,
        value_enum,
        value_name = "LIST",
        value_delimiter = ',',
        default_value = "reference,conventional,keywords"
    )]
    fix_sources: Vec<FixSourceArg>,
    /// Label only commits at most DAYS older than the fix that blames them.
    #[arg(long, value_name = "DAYS", default_value_t = szz::WINDOW_DAYS)]
    szz_window: u32,
    /// Do not count a revert made by the commit's own author within MINUTES (an experiment
    /// undone, not an incident).
    #[arg(long, value_name = "MINUTES")]
    drop_quick_reverts: Option<u32>,
    /// Blame every recognised fix and every line it changed: also fixes of typos, lint, docs,
    /// tests, CI and dependency updates, and lines in documentation, lockfiles and tests.
    #[arg(long)]
    szz_all_fixes: bool,
    /// Which commits behind one fix's lines are labelled: all of them, only the newest
    /// (R-SZZ) or only the largest (L-SZZ; favours large commits by construction).
    #[arg(long, value_enum, value_name = "WHICH", default_value_t = szz::Pick::All)]
    szz_pick: szz::Pick,
    /// Fit per-signal weights and tier multipliers to the later-reverted commits (trained on
    /// the older part, evaluated on the newer); prints a suggested policy fragment, never edits
    /// the policy. Refuses (exit 2) with fewer than 10 labelled commits to train on or 5 to test.
    #[arg(long, global = true)]
    fit: bool,
    /// Write the suggested policy fragment of --fit to FILE instead of the report.
    #[arg(long, value_name = "FILE", requires = "fit", global = true)]
    fit_out: Option<PathBuf>,
    /// Share of the newest commits --fit holds out for evaluation.
    #[arg(long, value_name = "F", default_value_t = replay::fit::HOLDOUT, value_parser = share, requires = "fit", global = true)]
    holdout: f64,
    /// Report format.
    #[arg(long, value_enum, default_value_t = ReplayFormat::Text, global = true)]
    format: ReplayFormat,
    /// Print nothing (exit code only).
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE", global = true)]
    output: Option<PathBuf>,
    /// Judge only slice K of N (every N-th commit of the history, from the K-th) and write a
    /// shard file for `blastgate replay merge` instead of a report.
    #[arg(long, value_name = "K/N", conflicts_with_all = ["format", "calibrate", "fit"])]
    shard: Option<Shard>,
    #[command(subcommand)]
    command: Option<ReplayCommand>,
}

#[derive(Debug, Subcommand)]
enum ReplayCommand {
    /// Combine the shard files of `replay --shard K/N` runs (all N of them) into the report an
    /// unsharded run gives; takes the report options (--format, -o, --calibrate).
    Merge {
        /// The shard files, in any order.
        #[arg(required = true, value_name = "SHARD.json")]
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReplayFormat {
    /// Tables for people.
    Text,
    /// One JSON document.
    Json,
    /// One self-contained HTML page with inline SVG charts (no network).
    Html,
}

/// `--fix-sources` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FixSourceArg {
    /// A `Fixes:`/`Closes:` trailer or a `fixes #N` reference.
    Reference,
    /// A conventional-commit `fix:` subject.
    Conventional,
    /// A fix keyword in the subject (fix, bug, crash, regression…).
    Keywords,
    /// No SZZ labels: reverts and named fixes only.
    None,
}

fn share(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if value > 0.0 && value <= 1.0 => Ok(value),
        _ => Err(format!(
            "`{text}` is not a share between 0 and 1 (e.g. 0.10)"
        )),
    }
}

/// Runs the replay; a report, so it exits 0 whatever it finds.
pub(super) fn run(dir: &Path, args: &ReplayArgs) -> anyhow::Result<Exit> {
    if let Some(ReplayCommand::Merge { files }) = &args.command {
        return merge(dir, files, args);
    }
    let selection = match (args.range.clone(), args.last) {
        (_, Some(count)) => Selection::Last(count),
        (Some(range), None) => Selection::Range(range),
        (None, None) => Selection::Range("HEAD".to_string()),
    };
    let options = Options {
        selection,
        first_parent: args.first_parent,
        judging: Judging {
            policy_file: args.policy.clone(),
            ..Judging::default()
        },
        calibrate: args.calibrate.then_some(args.target_load),
        shard: args.shard,
        labels: szz::Options {
            fix_sources: args
                .fix_sources
                .iter()
                .filter_map(|source| match source {
                    FixSourceArg::Reference => Some(LabelSource::Reference),
                    FixSourceArg::Conventional => Some(LabelSource::Conventional),
                    FixSourceArg::Keywords => Some(LabelSource::Keywords),
                    FixSourceArg::None => None,
                })
                .collect(),
            window_days: args.szz_window,
            quick_revert_minutes: args.drop_quick_reverts,
            all_fixes: args.szz_all_fixes,
            pick: args.szz_pick,
        },
        fit: args.fit.then(|| fit_options(args)),
    };
    let show_progress =
        !args.quiet && args.format == ReplayFormat::Text && std::io::stderr().is_terminal();
    let bar = Progress::new("replaying", show_progress);
    let progress = |done: usize, total: usize| bar.show(done as u64, total as u64);
    let replay = replay::run(dir, &options, &progress)?;
    bar.finish();
    emit(&replay, args)
}

/// `replay merge FILES`: the shards' report, as an unsharded run would have printed it.
fn merge(dir: &Path, files: &[PathBuf], args: &ReplayArgs) -> anyhow::Result<Exit> {
    if args.range.is_some()
        || args.last.is_some()
        || args.first_parent
        || (args.policy.is_some() && !args.fit)
        || args.shard.is_some()
    {
        anyhow::bail!(
            "`replay merge` takes shard files and report options (--format, -o, --calibrate, --fit and its --policy) only; \
             give --range, --last, --first-parent, --policy and --shard to the `replay --shard K/N` runs"
        );
    }
    let mut texts = Vec::with_capacity(files.len());
    for path in files {
        let text = std::fs::read_to_string(path).map_err(|error| {
            anyhow::anyhow!(
                "cannot read shard file {}: {error}; pass the files `blastgate replay --shard K/N` wrote",
                path.display()
            )
        })?;
        texts.push((path.display().to_string(), text));
    }
    let calibrate = args.calibrate.then_some(args.target_load);
    let mut replay = shard::merge(&texts, calibrate)?;
    if args.fit {
        // The fit starts from the policy at the newest judged commit, as in a whole run: the
        // one place `replay merge` needs the repository.
        let newest = replay.judged.first().map(|change| change.oid);
        let policy = crate::git::open(dir)
            .map_err(crate::gate::Error::from)
            .and_then(|repo| {
                let judging = Judging {
                    policy_file: args.policy.clone(),
                    ..Judging::default()
                };
                crate::gate::policy_at(&repo, newest.map(CommitId::from), &judging)
            })
            .map_err(|error| {
                anyhow::anyhow!(
                    "replay merge --fit reads the policy at the newest judged commit from the repository in {}: {error}; run it inside the replayed repository",
                    dir.display()
                )
            })?;
        replay::fit_replay::attach(&mut replay, &fit_options(args), policy, calibrate);
    }
    emit(&replay, args)
}

fn fit_options(args: &ReplayArgs) -> replay::fit::Options {
    replay::fit::Options {
        holdout: args.holdout,
        ..replay::fit::Options::default()
    }
}

/// Writes the report (or a sharded run's shard file), and the fit's policy fragment.
fn emit(replay: &replay::Replay, args: &ReplayArgs) -> anyhow::Result<Exit> {
    // A fit asked for and refused is an error: no fragment, nothing written, exit 2.
    if let Some(Err(error)) = replay.fitted.as_ref().map(|fitted| &fitted.fit) {
        anyhow::bail!("{error}");
    }
    let fragment = replay
        .fitted
        .as_ref()
        .and_then(|fitted| report::replay::fragment(fitted, &replay.history));
    if let (Some(path), Some(fragment)) = (&args.fit_out, &fragment) {
        super::write_report_file(path, fragment)?;
    }
    if args.quiet {
        return Ok(Exit::Allow);
    }
    let mut text = match (shard::file(replay), args.format) {
        (Some(file), _) => file,
        (None, ReplayFormat::Text) => report::replay::text(replay),
        (None, ReplayFormat::Json) => report::replay::json(replay),
        (None, ReplayFormat::Html) => report::replay::html::html(replay, &fitted_weights(replay)),
    };
    // Without --fit-out the fragment follows the text report (JSON carries it as a field).
    if let (ReplayFormat::Text, None, Some(fragment), None) =
        (args.format, &args.fit_out, &fragment, &replay.shard)
    {
        text.push_str("\nSuggested policy fragment\n");
        text.push_str(fragment);
    }
    match &args.output {
        Some(path) => super::write_report_file(path, &text)?,
        None => super::write_stdout(&text)?,
    }
    Ok(Exit::Allow)
}

/// The fitted signal weights, strongest first, for the HTML page (empty without a fit).
fn fitted_weights(replay: &replay::Replay) -> Vec<(String, f64)> {
    let Some(Ok(fit)) = replay.fitted.as_ref().map(|fitted| &fitted.fit) else {
        return Vec::new();
    };
    fit.weights
        .iter()
        .map(|weight| (weight.key.id().to_string(), weight.suggested))
        .collect()
}
