//! The Markdown report, for pull-request comments and `$GITHUB_STEP_SUMMARY`: a decision
//! banner, why, the blast radius, the findings that made the score, the AI evidence, and who
//! can sign off with the command that reproduces the report. Long tables fold into
//! `<details>` so a comment stays short on the pull request's page.

use std::fmt::Write as _;

use crate::escape::{markdown as text, markdown_code as code, one_line, terminal};
use crate::gate::{Evaluation, PushOutcome, RefOutcome};
use crate::score::number;
use crate::vocabulary::Decision;

use super::view::{Reproduce, View};

/// Findings listed; the JSON and SARIF reports have all of them.
const MAX_FINDINGS: usize = 15;
/// Rows shown before a table folds into `<details>`.
const FOLD_AFTER: usize = 5;

pub(super) fn check(evaluation: &Evaluation) -> String {
    let mut out = String::new();
    write_view(&mut out, &View::of(evaluation), "");
    terminal(&out, false)
}

pub(super) fn push(outcome: &PushOutcome) -> String {
    let mut out = String::new();
    if outcome.refs.len() > 1 {
        let decision = outcome.decision();
        let _ = writeln!(
            out,
            "## {} blastgate push: {} (worst of {} refs)\n",
            icon(decision),
            decision.as_str(),
            outcome.refs.len()
        );
    }
    for entry in &outcome.refs {
        match entry {
            RefOutcome::Nothing { pushed, why } => {
                let _ = writeln!(
                    out,
                    "### {}: nothing to check\n\n{}\n",
                    code(&pushed.remote_ref),
                    text(why)
                );
            }
            RefOutcome::Judged { pushed, evaluation } => {
                write_view(
                    &mut out,
                    &View::of(evaluation),
                    &format!(" {}", code(&pushed.remote_ref)),
                );
            }
        }
    }
    terminal(&out, false)
}

fn icon(decision: Decision) -> &'static str {
    match decision {
        Decision::Allow => "✅",
        Decision::Review => "⚠️",
        Decision::Block => "⛔",
    }
}

fn write_view(out: &mut String, view: &View<'_>, which: &str) {
    let headline = &view.headline;
    let thresholds = headline.thresholds;
    let approved = view
        .sign_off
        .as_ref()
        .and_then(|sign_off| sign_off.state.status())
        .map(|status| format!(" ({status})"))
        .unwrap_or_default();
    let request = headline
        .request
        .as_ref()
        .map(|label| format!(" · {label}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "### {} blastgate{which}: {}{request}{approved}\n",
        icon(headline.decision),
        headline.decision.as_str()
    );
    let _ = writeln!(
        out,
        "Score **{}** ({}; {} thresholds) · policy: {}\n",
        number(headline.score),
        thresholds.lines(),
        thresholds.class,
        text(&view.subject.policy_source)
    );
    if let Some(reformatted) = &headline.reformatted {
        let _ = writeln!(out, "{reformatted}: their lines are not counted.\n");
    }
    let _ = writeln!(out, "#### Why\n");
    for reason in view.reasons {
        let _ = writeln!(out, "- {}", text(reason));
    }
    out.push('\n');
    if let Some(sign_off) = &view.sign_off {
        let _ = writeln!(out, "#### Sign-off\n");
        let _ = writeln!(out, "**{}**\n", text(&sign_off.headline));
        for (mark, line) in &sign_off.lines {
            let _ = writeln!(out, "- {} {}", mark.symbol(), text(line));
        }
        out.push('\n');
    }
    write_blast(out, view);
    write_findings(out, view);
    write_waivers(out, view);
    write_evidence(out, view);
    write_next(out, view);
    for note in view.notes {
        let _ = writeln!(out, "> note: {}\n", text(note));
    }
}

/// Opens a table, folded into `<details>` when it is long.
fn open_table(out: &mut String, rows: usize, summary: &str, header: &str) {
    if rows > FOLD_AFTER {
        let _ = writeln!(out, "<details><summary>{summary}</summary>\n");
    }
    let columns = header.matches('|').count() - 1;
    let _ = writeln!(out, "{header}\n{}|", "|---".repeat(columns));
}

fn close_table(out: &mut String, rows: usize) {
    out.push('\n');
    if rows > FOLD_AFTER {
        out.push_str("</details>\n\n");
    }
}

/// Every changed symbol, folded when long; the text report lists only the risky ones.
fn write_blast(out: &mut String, view: &View<'_>) {
    let blast = &view.blast;
    let _ = writeln!(out, "#### Blast radius\n");
    if !blast.rows.is_empty() {
        let summary = format!("{} changed symbols", blast.rows.len());
        let header = "| symbol | change | file:line | dependents | dangling |";
        open_table(out, blast.rows.len(), &summary, header);
        for row in &blast.rows {
            let symbol = row.symbol;
            let _ = writeln!(
                out,
                "| {} {} | {} | {}:{} | {} ({}) | {} |",
                symbol.kind.as_str(),
                code(&symbol.qualified_name()),
                symbol.change.as_str(),
                text(&symbol.file),
                symbol.line,
                row.dependent_files,
                sites(row.call_sites.len()),
                dangling(row.dangling),
            );
        }
        close_table(out, blast.rows.len());
    }
    let _ = writeln!(
        out,
        "{} of {} changed files analysed structurally; references are matched by name \
         (approximate).\n",
        blast.analysed, blast.changed_files
    );
}

/// `1 site`, `3 sites`.
fn sites(count: usize) -> String {
    if count == 1 {
        "1 site".to_string()
    } else {
        format!("{count} sites")
    }
}

/// `src/a.py:1, src/a.py:5` for the first dangling sites, or `–`.
fn dangling(dangling: &[crate::analyze::blast::dependents::Site]) -> String {
    if dangling.is_empty() {
        return "–".to_string();
    }
    let mut sites: Vec<String> = dangling
        .iter()
        .take(3)
        .map(|site| format!("{}:{}", text(&site.path), site.line))
        .collect();
    if dangling.len() > 3 {
        sites.push(format!("… {} more", dangling.len() - 3));
    }
    sites.join(", ")
}

fn write_findings(out: &mut String, view: &View<'_>) {
    let findings: Vec<_> = view.findings.iter().take(MAX_FINDINGS).collect();
    if findings.is_empty() {
        return;
    }
    let total = view.findings.len();
    let _ = writeln!(out, "#### Findings\n");
    let summary = if total > findings.len() {
        format!("top {} of {total} findings by points", findings.len())
    } else {
        format!("{total} findings")
    };
    open_table(
        out,
        findings.len(),
        &summary,
        "| points | id | location | message | arithmetic |",
    );
    for finding in &findings {
        let finding = finding.contribution;
        let location = match (&finding.file, finding.line) {
            (Some(file), Some(line)) => format!("{}:{line}", text(file)),
            (Some(file), None) => text(file),
            (None, _) => "–".to_string(),
        };
        let waived = finding
            .waived_by
            .as_ref()
            .map(|by| format!(" (waived by waiver #{})", by.waiver))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| {} | {} | {location} | {}{waived} | {} |",
            number(finding.points),
            finding.signal.id(),
            text(&finding.message),
            text(&finding.arithmetic)
        );
    }
    close_table(out, findings.len());
}

/// Only when a waiver applied, expired or went stale.
fn write_waivers(out: &mut String, view: &View<'_>) {
    if view.waivers.is_empty() {
        return;
    }
    let _ = writeln!(out, "#### Waivers\n");
    for sentence in &view.waivers {
        let _ = writeln!(out, "- {}", text(sentence));
    }
    out.push('\n');
}

/// Always shown, every marker: a comment has room, and "none found" is worth saying.
fn write_evidence(out: &mut String, view: &View<'_>) {
    let evidence = &view.evidence;
    let _ = writeln!(out, "#### AI evidence\n");
    for reason in evidence.reasons {
        let _ = writeln!(out, "- {}", text(reason));
    }
    for marker in &evidence.markers {
        let counted = if marker.counted { "" } else { ", not counted" };
        let _ = writeln!(
            out,
            "- {}: {} ({}, {}{counted})",
            marker.location,
            code(marker.marker),
            text(marker.tool),
            marker.confidence,
        );
    }
    if evidence.reasons.is_empty() && evidence.markers.is_empty() {
        out.push_str("- none found\n");
    }
    out.push('\n');
}

fn write_next(out: &mut String, view: &View<'_>) {
    let _ = writeln!(out, "#### Next steps\n");
    for step in view.next_steps {
        let _ = writeln!(out, "- {}", text(step));
    }
    if let Some(reproduce) = &view.reproduce {
        let _ = writeln!(
            out,
            "- see this report locally:\n\n  ```sh\n  {}\n  ```",
            command(reproduce)
        );
    }
    out.push('\n');
}

/// The command line, inside a code block: the diff's file name on one line.
fn command(reproduce: &Reproduce<'_>) -> String {
    match reproduce {
        Reproduce::Commits { base, head } => {
            format!("blastgate check --base {base} --head {head}")
        }
        Reproduce::Staged => "blastgate check --staged".to_string(),
        Reproduce::Worktree => "blastgate check --worktree".to_string(),
        Reproduce::Diff { source } => format!("blastgate check --diff {}", one_line(source)),
    }
}
