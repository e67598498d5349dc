//! The human report. A benign change gets one line; anything else gets the decision, why,
//! the AI evidence, the points that made the score, and what would change the outcome.

use std::fmt::Write as _;

use owo_colors::OwoColorize as _;

use crate::analyze::blast::symbols::ChangeKind;
use crate::diff::{Origin, Revision};
use crate::escape::{one_line, terminal};
use crate::gate::{Evaluation, PushOutcome, RefOutcome};
use crate::score::number;
use crate::vocabulary::Decision;

use super::Style;

/// Findings listed in the text report; the JSON report has all of them.
const MAX_FINDINGS: usize = 12;

pub(super) fn check(evaluation: &Evaluation, style: Style) -> String {
    let mut out = String::new();
    write_evaluation(&mut out, evaluation, style, "");
    terminal(&out, style.color)
}

pub(super) fn push(outcome: &PushOutcome, style: Style) -> String {
    let mut out = String::new();
    for entry in &outcome.refs {
        match entry {
            RefOutcome::Nothing { pushed, why } => {
                let _ = writeln!(
                    out,
                    "{}: nothing to check: {}",
                    one_line(&pushed.remote_ref),
                    one_line(why)
                );
            }
            RefOutcome::Judged { pushed, evaluation } => {
                write_evaluation(
                    &mut out,
                    evaluation,
                    style,
                    &format!("{}: ", one_line(&pushed.remote_ref)),
                );
                // A hook's output is cut short in a terminal; say how to see everything.
                let (base, head) = (&evaluation.change.base, &evaluation.change.head);
                if let (Decision::Review | Decision::Block, Some(base), Some(head)) =
                    (evaluation.verdict.decision, base, head)
                    && let (Some(base), Some(head)) = (base.commit, head.commit)
                {
                    let _ = writeln!(
                        out,
                        "  full report: blastgate check --base {base} --head {head} --format json",
                    );
                }
            }
        }
    }
    if outcome.refs.len() > 1 {
        let decision = outcome.decision();
        let _ = writeln!(
            out,
            "push: {} (worst of {} refs)",
            paint(decision, style),
            outcome.refs.len()
        );
    }
    terminal(&out, style.color)
}

fn paint(decision: Decision, style: Style) -> String {
    let word = decision.as_str();
    if !style.color {
        return word.to_string();
    }
    match decision {
        Decision::Allow => word.green().bold().to_string(),
        Decision::Review => word.yellow().bold().to_string(),
        Decision::Block => word.red().bold().to_string(),
    }
}

fn dim(text: &str, style: Style) -> String {
    if style.color {
        text.dimmed().to_string()
    } else {
        text.to_string()
    }
}

fn write_evaluation(out: &mut String, evaluation: &Evaluation, style: Style, prefix: &str) {
    let Evaluation {
        change,
        verdict,
        score,
        ..
    } = evaluation;
    let decision = verdict.decision;
    let files = change.files.len();
    if files == 0 {
        let _ = writeln!(
            out,
            "{prefix}{}: nothing to check: the change has no files",
            paint(decision, style)
        );
        return;
    }
    let mut summary = format!(
        "score {} · {} · {files} file{}",
        number(score.total),
        who(evaluation),
        if files == 1 { "" } else { "s" }
    );
    if let Some(request) = super::request_label(evaluation) {
        let _ = write!(summary, " · {request}");
    }
    if let Some(reformatted) = super::reformatted_label(evaluation) {
        let _ = write!(summary, " · {reformatted}");
    }
    if decision == Decision::Allow && verdict.rule_hits.is_empty() {
        // Quiet: one line with the score and the line it stayed under.
        let limit = match verdict.thresholds.review {
            Some(review) => format!("review at {}", number(review)),
            None => verdict.thresholds.lines(),
        };
        let _ = writeln!(
            out,
            "{prefix}{} · {summary} · {limit}",
            paint(decision, style)
        );
        write_waivers(out, evaluation, style);
        return;
    }
    let approved = super::approval::status(evaluation.approvals.as_ref())
        .map(|status| format!(" · {status}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{prefix}{} · {summary}{approved}",
        paint(decision, style)
    );
    write_context(out, evaluation, style);
    section(out, "why", style);
    for reason in &verdict.reasons {
        let _ = writeln!(out, "  • {}", one_line(reason));
    }
    write_approvals(out, evaluation, style);
    write_evidence(out, evaluation, style);
    write_blast(out, evaluation, style);
    write_points(out, evaluation, style);
    write_waivers(out, evaluation, style);
    if !verdict.next_steps.is_empty() {
        section(out, "next", style);
        for step in &verdict.next_steps {
            let _ = writeln!(out, "  → {}", one_line(step));
        }
    }
    for note in &change.notes {
        let _ = writeln!(out, "  note: {}", one_line(note));
    }
}

/// Only when a waiver applied, expired or went stale: a benign change stays one line.
fn write_waivers(out: &mut String, evaluation: &Evaluation, style: Style) {
    let sentences = super::waivers::sentences(&evaluation.score.waivers);
    if !sentences.is_empty() {
        section(out, "waivers", style);
        for sentence in sentences {
            let _ = writeln!(out, "  • {}", one_line(&sentence));
        }
    }
}

fn write_approvals(out: &mut String, evaluation: &Evaluation, style: Style) {
    let Some(approvals) = &evaluation.approvals else {
        return;
    };
    section(out, "sign-off", style);
    let headline = one_line(&super::approval::headline(approvals)).into_owned();
    let headline = match (style.color, approvals.approved) {
        (true, true) => headline.green().bold().to_string(),
        (true, false) => headline.yellow().bold().to_string(),
        (false, _) => headline,
    };
    let _ = writeln!(out, "  {headline}");
    for (mark, line) in super::approval::lines(approvals) {
        let _ = writeln!(out, "  {} {}", mark.symbol(), one_line(&line));
    }
}

fn who(evaluation: &Evaluation) -> String {
    let authorship = evaluation.provenance.authorship;
    match (authorship.as_str(), evaluation.verdict.treated_as_ai) {
        ("ai", _) => "AI-assisted".to_string(),
        ("unknown", true) => "unattributed, treated as AI-assisted".to_string(),
        ("unknown", false) => "unattributed, treated as human".to_string(),
        (other, _) => other.to_string(),
    }
}

fn section(out: &mut String, title: &str, style: Style) {
    let title = if style.color {
        title.bold().to_string()
    } else {
        title.to_string()
    };
    let _ = writeln!(out, "{title}");
}

fn write_context(out: &mut String, evaluation: &Evaluation, style: Style) {
    let change = &evaluation.change;
    // Base and head are shown one above the other: never as the same short id.
    let [base_id, head_id] = [&change.base, &change.head].map(|revision| {
        revision
            .as_ref()
            .and_then(|revision| revision.commit)
            .map(|id| id.to_string())
            .unwrap_or_default()
    });
    let width = crate::short_id::width(&[&base_id, &head_id]);
    let revision = |label: &str, revision: &Revision| {
        let commit = if revision.commit.is_none() {
            "empty tree".to_string()
        } else {
            crate::short_id::cut(&base_id, width)
        };
        format!(
            "  {label:<7}{} {commit} {}",
            one_line(&revision.spec),
            dim(&format!("({})", one_line(&revision.reason)), style)
        )
    };
    match &change.origin {
        Origin::DiffText { source } => {
            let _ = writeln!(
                out,
                "  {:<7}unified diff from {}",
                "change",
                one_line(source)
            );
        }
        Origin::Staged | Origin::Worktree => {
            let what = if change.origin == Origin::Staged {
                "staged changes"
            } else {
                "working tree"
            };
            let _ = writeln!(out, "  {:<7}{what} against HEAD", "change");
        }
        Origin::Range | Origin::Push { .. } => {
            if let Some(base) = &change.base {
                let _ = writeln!(out, "{}", revision("base", base));
            }
            if let Some(head) = &change.head {
                let _ = writeln!(
                    out,
                    "  {:<7}{} {}",
                    "head",
                    one_line(&head.spec),
                    crate::short_id::cut(&head_id, width)
                );
            }
        }
    }
    let policy = &evaluation.policy;
    let _ = writeln!(
        out,
        "  {:<7}{} {}",
        "policy",
        one_line(&policy.source.to_string()),
        dim(
            &format!("sha256 {}", &policy.sha256[..policy.sha256.len().min(16)]),
            style
        )
    );
}

fn write_evidence(out: &mut String, evaluation: &Evaluation, style: Style) {
    let provenance = &evaluation.provenance;
    if provenance.evidence.is_empty() && provenance.declared.is_none() {
        return;
    }
    section(out, "AI evidence", style);
    for reason in &provenance.reasons {
        let _ = writeln!(out, "  • {}", one_line(reason));
    }
    for evidence in provenance.evidence.iter().take(8) {
        let counted = if evidence.counted {
            ""
        } else {
            ", not counted"
        };
        let _ = writeln!(
            out,
            "  {}: {} {}",
            evidence.location(),
            one_line(&evidence.marker),
            dim(
                &format!(
                    "({}, {:?}{counted})",
                    one_line(&evidence.tool),
                    evidence.confidence
                )
                .to_lowercase(),
                style
            )
        );
    }
    if provenance.evidence.len() > 8 {
        let _ = writeln!(
            out,
            "  … {} more in --format json",
            provenance.evidence.len() - 8
        );
    }
}

/// Symbols listed in the blast-radius section; the JSON report has all of them.
const MAX_SYMBOLS: usize = 8;

/// Changed symbols that matter (not additions or moves), with dependents and call sites.
fn write_blast(out: &mut String, evaluation: &Evaluation, style: Style) {
    let blast = &evaluation.facts.blast;
    let mut risky: Vec<_> = blast
        .symbols
        .iter()
        .filter(|s| !matches!(s.change.change, ChangeKind::Added | ChangeKind::Moved))
        .filter(|s| s.change.was_exposed() || !s.dangling.is_empty())
        .collect();
    // What breaks first: dangling references, then the widest reach.
    risky.sort_by_key(|s| {
        (
            std::cmp::Reverse(s.dangling.len()),
            std::cmp::Reverse(s.dependent_files.len()),
        )
    });
    let gaps = blast
        .coverage
        .not_analysed
        .iter()
        .filter(|gap| gap.counted_as_risk)
        .count();
    if risky.is_empty() && gaps == 0 {
        return;
    }
    section(out, "blast radius", style);
    for impact in risky.iter().take(MAX_SYMBOLS) {
        let change = &impact.change;
        let mut line = format!(
            "  {} {} `{}` {} ({}:{})",
            change.visibility_word(),
            change.kind.as_str(),
            one_line(&change.qualified_name()),
            change.change.as_str(),
            one_line(&change.file),
            change.line
        );
        if !impact.dependent_files.is_empty() {
            let _ = write!(
                line,
                ": {}, {}",
                plural(impact.dependent_files.len(), "dependent file"),
                plural(impact.call_sites.len(), "site")
            );
        }
        if !impact.transitive_files.is_empty() {
            let _ = write!(
                line,
                ", {} more through callers",
                impact.transitive_files.len()
            );
        }
        let _ = writeln!(out, "{line}");
        for site in impact.dangling.iter().take(3) {
            let _ = writeln!(
                out,
                "    ✗ still used at {}:{}",
                one_line(&site.path),
                site.line
            );
        }
        let other_sites = impact
            .call_sites
            .iter()
            .filter(|site| !impact.dangling.contains(site));
        for site in other_sites.take(3) {
            let _ = writeln!(
                out,
                "    {}",
                dim(
                    &format!("used at {}:{}", one_line(&site.path), site.line),
                    style
                )
            );
        }
    }
    if risky.len() > MAX_SYMBOLS {
        let _ = writeln!(
            out,
            "  … {} more symbols in --format json",
            risky.len() - MAX_SYMBOLS
        );
    }
    let coverage = &blast.coverage;
    let _ = writeln!(
        out,
        "  {}",
        dim(
            &format!(
                "{} of {} changed files analysed structurally; references matched by name (approximate)",
                coverage.analysed, coverage.changed_files
            ),
            style
        )
    );
}

/// `1 site`, `3 sites`.
fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// Findings worth a line: the largest ones, up to [`MAX_FINDINGS`], leaving out those under
/// 1% of the total (they are summed in one line; the JSON report lists every one).
fn write_points(out: &mut String, evaluation: &Evaluation, style: Style) {
    let total = evaluation.score.total;
    let scoring: Vec<_> = evaluation
        .score
        .contributions
        .iter()
        .filter(|c| c.points > 0.0)
        .collect();
    if scoring.is_empty() {
        return;
    }
    section(out, "points", style);
    let shown: Vec<_> = scoring
        .iter()
        .take(MAX_FINDINGS)
        .take_while(|c| c.points >= total * 0.01)
        .collect();
    let width = shown.iter().map(|c| c.signal.id().len()).max().unwrap_or(0);
    for contribution in &shown {
        let location = match (&contribution.file, contribution.line) {
            (Some(file), Some(line)) => format!("{}:{line}", one_line(file)),
            (Some(file), None) => one_line(file).into_owned(),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "  {:>8}  {:<width$}  {location}: {} {}",
            format!("+{}", number(contribution.points)),
            contribution.signal.id(),
            one_line(&contribution.message),
            dim(&format!("[{}]", contribution.arithmetic), style),
        );
    }
    // Say once how saturated points were computed, when any were (their factors are inline).
    if scoring
        .iter()
        .any(|c| c.arithmetic.contains("(repeat ") || c.arithmetic.contains(" cap "))
    {
        let _ = writeln!(
            out,
            "  {:>8}  {}",
            "",
            dim(
                &format!("scoring: {}", evaluation.policy.scoring.describe()),
                style
            )
        );
    }
    if scoring.len() > shown.len() {
        let rest: f64 = scoring.iter().skip(shown.len()).map(|c| c.points).sum();
        let count = scoring.len() - shown.len();
        let _ = writeln!(
            out,
            "  {:>8}  {count} smaller finding{} (--format json lists them)",
            format!("+{}", number(rest)),
            if count == 1 { "" } else { "s" }
        );
    }
}
