//! `blastgate replay`: arguments, the progress line, and output.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use crate::exit::Exit;
use crate::gate::Judging;
use crate::progress::Progress;
use crate::replay::{self, Options, Selection, report};

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
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Suggest AI review and block thresholds that meet --target-load (never edits the policy).
    #[arg(long)]
    calibrate: bool,
    /// Most share of AI-assisted changes that should need senior sign-off, for --calibrate.
    #[arg(long, value_name = "F", default_value_t = 0.10, value_parser = share)]
    target_load: f64,
    /// Fit per-signal weights and tier multipliers to the later-reverted commits (trained on
    /// the older part, evaluated on the newer); prints a suggested policy fragment, never edits
    /// the policy. Refuses (exit 2) with fewer than 10 labelled commits to train on or 5 to test.
    #[arg(long)]
    fit: bool,
    /// Write the suggested policy fragment of --fit to FILE instead of the report.
    #[arg(long, value_name = "FILE", requires = "fit")]
    fit_out: Option<PathBuf>,
    /// Share of the newest commits --fit holds out for evaluation.
    #[arg(long, value_name = "F", default_value_t = replay::fit::HOLDOUT, value_parser = share, requires = "fit")]
    holdout: f64,
    /// Report format.
    #[arg(long, value_enum, default_value_t = ReplayFormat::Text)]
    format: ReplayFormat,
    /// Print nothing (exit code only).
    #[arg(short, long)]
    quiet: bool,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReplayFormat {
    /// Tables for people.
    Text,
    /// One JSON document.
    Json,
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
pub(super) fn run(dir: &Path, args: ReplayArgs) -> anyhow::Result<Exit> {
    let selection = match (args.range, args.last) {
        (_, Some(count)) => Selection::Last(count),
        (Some(range), None) => Selection::Range(range),
        (None, None) => Selection::Range("HEAD".to_string()),
    };
    let options = Options {
        selection,
        first_parent: args.first_parent,
        judging: Judging {
            policy_file: args.policy,
            ..Judging::default()
        },
        calibrate: args.calibrate.then_some(args.target_load),
        fit: args.fit.then(|| replay::fit::Options {
            holdout: args.holdout,
            ..replay::fit::Options::default()
        }),
    };
    let show_progress =
        !args.quiet && args.format == ReplayFormat::Text && std::io::stderr().is_terminal();
    // A replay reads every blob of every judged tree many times over; re-hashing each read
    // object (libgit2's default, which git itself does not do outside fsck) was over a third
    // of its CPU time. A process-wide switch, so it is thrown here, at the edge, for a process
    // that only replays (a report, not a gate).
    git2::opts::strict_hash_verification(false);
    let bar = Progress::new("replaying", show_progress);
    let progress = |done: usize, total: usize| bar.show(done as u64, total as u64);
    let replay = replay::run(dir, &options, &progress)?;
    bar.finish();
    // A fit asked for and refused is an error: no fragment, nothing written, exit 2.
    if let Some(Err(error)) = replay.fitted.as_ref().map(|fitted| &fitted.fit) {
        anyhow::bail!("{error}");
    }
    if let (Some(path), Some(fitted)) = (&args.fit_out, &replay.fitted) {
        let fragment = replay::fit_report::fragment(fitted, &replay.history)
            .expect("a fit that was not refused has a fragment");
        super::write_report_file(path, &fragment)?;
    }
    if args.quiet {
        return Ok(Exit::Allow);
    }
    let mut text = match args.format {
        ReplayFormat::Text => report::text(&replay),
        ReplayFormat::Json => report::json(&replay),
    };
    // Without --fit-out the fragment follows the text report (JSON carries it as a field).
    if let (ReplayFormat::Text, None, Some(fragment)) = (
        args.format,
        &args.fit_out,
        replay
            .fitted
            .as_ref()
            .and_then(|fitted| replay::fit_report::fragment(fitted, &replay.history)),
    ) {
        {
            text.push_str(
                "
Suggested policy fragment
",
            );
            text.push_str(&fragment);
        }
    }
    match &args.output {
        Some(path) => super::write_report_file(path, &text)?,
        None => super::write_stdout(&text)?,
    }
    Ok(Exit::Allow)
}
