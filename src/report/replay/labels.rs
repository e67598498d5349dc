//! The labels section of the replay text report: how many labels each source gave, the rules
//! behind the bug-fix sources, and the fix-inducing commits with their evidence.

use std::fmt::Write as _;

use crate::escape::one_line;

use crate::replay::Replay;
use crate::replay::szz::{LabelSource, Labels, SOURCES};

/// Fix-inducing commits listed in text; the JSON report has them all.
pub const LISTED: usize = 20;

/// Unblamed fixes whose error the text shows (JSON has more).
const UNBLAMED_LISTED: usize = 3;

/// Blamed lines shown per fix-inducing commit in text.
const LINES: usize = 4;

/// Appends the section to `out`.
pub fn section(out: &mut String, replay: &Replay) {
    let labels = &replay.labelling;
    // The metrics' `all` class counts the labelled commits among the judged ones.
    let judged_labelled = replay
        .metrics
        .classes
        .first()
        .map_or(0, |all| all.by_commit.labelled);
    let _ = write!(
        out,
        "\nLabels: {judged_labelled} of {} judged commits labelled",
        replay.judged.len()
    );
    // Labels also fall on commits that could not be judged; the metrics leave those out.
    if labels.labelled != judged_labelled {
        let _ = write!(
            out,
            " ({} in the range, with commits that could not be judged)",
            labels.labelled
        );
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "  {:<13} {:>8} {:>6}  rule",
        "source", "commits", "fixes"
    );
    let count = |source: LabelSource| labels.per_source.get(&source).copied().unwrap_or(0);
    for (source, rule) in [
        (LabelSource::Revert, "`git revert` of the commit"),
        (LabelSource::NamedFix, "a later fix naming the commit's sha"),
    ] {
        let _ = writeln!(
            out,
            "  {:<13} {:>8} {:>6}  {rule}",
            source.as_str(),
            count(source),
            "-"
        );
    }
    for row in SOURCES {
        let enabled = labels.fix_sources.contains(&row.source);
        let fixes = labels.fixes.get(&row.source).copied().unwrap_or(0);
        let _ = writeln!(
            out,
            "  {:<13} {:>8} {:>6}  {}{}",
            row.source.as_str(),
            count(row.source),
            fixes,
            row.rule,
            if enabled { "" } else { " (off: --fix-sources)" }
        );
    }
    let _ = writeln!(
        out,
        "  fix-inducing: lines a fix removed or changed, blamed in its parent, within {} days; whitespace and mechanical edits passed over ({:.1} s)",
        labels.window_days, labels.seconds
    );
    choices(out, labels);
    if labels.unblamed > 0 {
        let _ = writeln!(
            out,
            "  {} bug-fix commits could not be blamed (git error); their lines label nothing",
            labels.unblamed
        );
        // The first few causes: often one missing object explains them all.
        for unblamed in labels.unblamed_fixes.iter().take(UNBLAMED_LISTED) {
            let _ = writeln!(
                out,
                "    {}: {}",
                crate::git::CommitId::from(unblamed.fix).short(),
                one_line(&unblamed.error)
            );
        }
    }
    evidence(out, replay);
}

/// The labelling choices that narrowed or widened the labels: the scope filters, the pick
/// per fix and the quick reverts.
fn choices(out: &mut String, labels: &Labels) {
    if labels.all_fixes {
        out.push_str("  every recognised fix and every changed line blamed (--szz-all-fixes)\n");
    } else {
        let _ = writeln!(
            out,
            "  passed over: {} fixes that are not of behaviour (typos, lint, docs, tests, CI, dependency updates) and {} changed lines in documentation, lockfiles and tests (--szz-all-fixes blames them)",
            labels.not_defects, labels.lines_out_of_scope
        );
    }
    if let Some(which) = labels.pick.chosen() {
        let _ = writeln!(
            out,
            "  only the {which} commit behind each fix labelled (--szz-pick {}); {} other (fix, blamed commit) pairs passed over",
            labels.pick.as_str(),
            labels.not_picked
        );
    }
    match labels.quick_revert_minutes {
        Some(minutes) => {
            let _ = writeln!(
                out,
                "  {} reverts by the commit's own author within {minutes} minutes not counted",
                labels.quick_reverts_dropped
            );
        }
        None => out.push_str(
            "  quick reverts by the commit's own author counted (--drop-quick-reverts MINUTES leaves them out)\n",
        ),
    }
}

fn evidence(out: &mut String, replay: &Replay) {
    let found = &replay.labelling.fix_inducing;
    if found.is_empty() {
        return;
    }
    out.push_str("\nFix-inducing commits\n");
    let _ = writeln!(
        out,
        "  {:<12}  {:<12}  {:<22}  lines",
        "commit", "fixed by", "sources"
    );
    for label in found.iter().take(LISTED) {
        let (commit, fix) =
            crate::short_id::pair(&label.commit.to_string(), &label.fix.to_string());
        let sources: Vec<&str> = label.sources.iter().map(|source| source.as_str()).collect();
        let mut lines: Vec<String> = label
            .lines
            .iter()
            .take(LINES)
            .map(|line| format!("{}:{}", one_line(&line.path), line.line))
            .collect();
        if label.lines.len() > LINES {
            lines.push(format!("(+{} more)", label.lines.len() - LINES));
        }
        let _ = writeln!(
            out,
            "  {commit:<12}  {fix:<12}  {:<22}  {}",
            sources.join(","),
            lines.join(" ")
        );
    }
    if found.len() > LISTED {
        let _ = writeln!(
            out,
            "  … {} more (all of them in --format json)",
            found.len() - LISTED
        );
    }
}
