//! The Markdown report, for pull-request comments and `$GITHUB_STEP_SUMMARY`: a decision
//! banner, why, the blast radius, the findings that made the score, the AI evidence, and who
//! can sign off with the command that reproduces the report. Long tables fold into
//! `<details>` so a comment stays short on the pull request's page.

use std::fmt::Write as _;

use crate::analyze::blast::symbols::ChangeKind;
use crate::diff::Origin;
use crate::escape::{markdown as text, markdown_code as code, terminal};
use crate::gate::{Evaluation, PushOutcome, RefOutcome};
use crate::score::number;
use crate::vocabulary::Decision;

use super::sarif::reported;

/// Findings listed; the JSON and SARIF reports have all of them.
const MAX_FINDINGS: usize = 15;
/// Rows shown before a table folds into `<details>`.
const FOLD_AFTER: usize = 5;

pub(super) fn check(evaluation: &Evaluation) -> String {
    let mut out = String::new();
    write_evaluation(&mut out, evaluation, "");
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
                write_evaluation(
                    &mut out,
                    evaluation,
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

fn write_evaluation(out: &mut String, evaluation: &Evaluation, which: &str) {
    let verdict = &evaluation.verdict;
    let thresholds = &verdict.thresholds;
    let approved = super::approval::status(evaluation.approvals.as_ref())
        .map(|status| format!(" ({status})"))
        .unwrap_or_default();
    let request = super::request_label(evaluation)
        .map(|label| format!(" · {label}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "### {} blastgate{which}: {}{request}{approved}\n",
        icon(verdict.decision),
        verdict.decision.as_str()
    );
    let _ = writeln!(
        out,
        "Score **{}** ({}; {} thresholds) · policy: {}\n",
        number(evaluation.score.total),
        thresholds.lines(),
        thresholds.class,
        text(&evaluation.policy.source.to_string())
    );
    if let Some(reformatted) = super::reformatted_label(evaluation) {
        let _ = writeln!(out, "{reformatted}: their lines are not counted.\n");
    }
    let _ = writeln!(out, "#### Why\n");
    for reason in &verdict.reasons {
        let _ = writeln!(out, "- {}", text(reason));
    }
    out.push('\n');
    if let Some(approvals) = &evaluation.approvals {
        let _ = writeln!(out, "#### Sign-off\n");
        let _ = writeln!(out, "**{}**\n", text(&super::approval::headline(approvals)));
        for (mark, line) in super::approval::lines(approvals) {
            let _ = writeln!(out, "- {} {}", mark.symbol(), text(&line));
        }
        out.push('\n');
    }
    write_blast(out, evaluation);
    write_findings(out, evaluation);
    write_waivers(out, evaluation);
    write_evidence(out, evaluation);
    write_next(out, evaluation);
    for note in &evaluation.change.notes {
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

fn write_blast(out: &mut String, evaluation: &Evaluation) {
    let blast = &evaluation.facts.blast;
    let symbols: Vec<_> = blast
        .symbols
        .iter()
        .filter(|s| !matches!(s.change.change, ChangeKind::Added | ChangeKind::Moved))
        .collect();
    let coverage = &blast.coverage;
    let _ = writeln!(out, "#### Blast radius\n");
    if !symbols.is_empty() {
        let summary = format!("{} changed symbols", symbols.len());
        let header = "| symbol | change | file:line | dependents | dangling |";
        open_table(out, symbols.len(), &summary, header);
        for impact in &symbols {
            let change = &impact.change;
            let _ = writeln!(
                out,
                "| {} {} | {} | {}:{} | {} ({}) | {} |",
                change.kind.as_str(),
                code(&change.qualified_name()),
                change.change.as_str(),
                text(&change.file),
                change.line,
                impact.dependent_files.len(),
                sites(impact.call_sites.len()),
                dangling(impact),
            );
        }
        close_table(out, symbols.len());
    }
    let _ = writeln!(
        out,
        "{} of {} changed files analysed structurally; references are matched by name \
         (approximate).\n",
        coverage.analysed, coverage.changed_files
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
fn dangling(impact: &crate::analyze::blast::structure::SymbolImpact) -> String {
    if impact.dangling.is_empty() {
        return "–".to_string();
    }
    let mut sites: Vec<String> = impact
        .dangling
        .iter()
        .take(3)
        .map(|site| format!("{}:{}", text(&site.path), site.line))
        .collect();
    if impact.dangling.len() > 3 {
        sites.push(format!("… {} more", impact.dangling.len() - 3));
    }
    sites.join(", ")
}

fn write_findings(out: &mut String, evaluation: &Evaluation) {
    let findings: Vec<_> = reported(evaluation).take(MAX_FINDINGS).collect();
    if findings.is_empty() {
        return;
    }
    let total = reported(evaluation).count();
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
fn write_waivers(out: &mut String, evaluation: &Evaluation) {
    let sentences = super::waivers::sentences(&evaluation.score.waivers);
    if sentences.is_empty() {
        return;
    }
    let _ = writeln!(out, "#### Waivers\n");
    for sentence in sentences {
        let _ = writeln!(out, "- {}", text(&sentence));
    }
    out.push('\n');
}

fn write_evidence(out: &mut String, evaluation: &Evaluation) {
    let provenance = &evaluation.provenance;
    let _ = writeln!(out, "#### AI evidence\n");
    for reason in &provenance.reasons {
        let _ = writeln!(out, "- {}", text(reason));
    }
    for evidence in &provenance.evidence {
        let counted = if evidence.counted {
            ""
        } else {
            ", not counted"
        };
        let _ = writeln!(
            out,
            "- {}: {} ({}, {}{counted})",
            evidence.location(),
            code(&evidence.marker),
            text(&evidence.tool),
            format!("{:?}", evidence.confidence).to_lowercase(),
        );
    }
    if provenance.reasons.is_empty() && provenance.evidence.is_empty() {
        out.push_str("- none found\n");
    }
    out.push('\n');
}

fn write_next(out: &mut String, evaluation: &Evaluation) {
    let _ = writeln!(out, "#### Next steps\n");
    for step in &evaluation.verdict.next_steps {
        let _ = writeln!(out, "- {}", text(step));
    }
    if let Some(command) = reproduce(evaluation) {
        let _ = writeln!(
            out,
            "- see this report locally:\n\n  ```sh\n  {command}\n  ```"
        );
    }
    out.push('\n');
}

/// The command that judges the same change again, when it can be named by commits.
fn reproduce(evaluation: &Evaluation) -> Option<String> {
    let change = &evaluation.change;
    match &change.origin {
        Origin::Range | Origin::Push { .. } => {
            let head = change.head.as_ref()?;
            // A push of a new root has the empty tree as its base: no commit to name.
            let base = change.base.as_ref()?.commit?;
            let head = head.commit?;
            Some(format!("blastgate check --base {base} --head {head}"))
        }
        Origin::Staged => Some("blastgate check --staged".to_string()),
        Origin::Worktree => Some("blastgate check --worktree".to_string()),
        Origin::DiffText { source } => Some(format!(
            "blastgate check --diff {}",
            crate::escape::one_line(source)
        )),
    }
}
