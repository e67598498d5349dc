//! What the CLI says on stderr besides the report: a progress bar while a long analysis runs,
//! and with `--verbose` how long each stage took.

use std::io::{IsTerminal as _, Write as _};
use std::sync::Arc;

use anyhow::Context as _;

use super::{JudgingArgs, OutputArgs};
use crate::gate::Judging;
use crate::progress::Progress;
use crate::report::Format;
use crate::timings::Timings;

/// The judging inputs, with a progress bar that draws only for people: stderr is a
/// terminal, not `-q`, and the report is text.
pub(super) fn judging(
    args: JudgingArgs,
    output: &OutputArgs,
) -> anyhow::Result<(Judging, Arc<Progress>)> {
    let wanted = !output.quiet && output.format == Format::Text && std::io::stderr().is_terminal();
    let progress = Arc::new(Progress::new("analysing", wanted));
    let mut judging = args.load()?;
    judging.observer = Some(progress.clone());
    Ok((judging, progress))
}

/// `--verbose`: stage timings on stderr, after the report (never with `-q`).
pub(super) fn show_timings(
    verbose: bool,
    output: &OutputArgs,
    timings: &Timings,
) -> anyhow::Result<()> {
    if !verbose || output.quiet {
        return Ok(());
    }
    let mut stderr = std::io::stderr().lock();
    match stderr.write_all(timings.render().as_bytes()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(error).context("writing the timings")
        }
        _ => Ok(()),
    }
}
