//! The human report. A benign change gets one line (and its notes); anything else gets the
//! decision, why, the AI evidence, the points that made the score, and what would change the
//! outcome.

mod blast;

use std::fmt::Write as _;

use owo_colors::OwoColorize as _;

use crate::diff::{Origin, Revision};
use crate::escape::{one_line, terminal};
use crate::gate::{Evaluation, PushOutcome, RefOutcome};
use crate::score::number;
use crate::vocabulary::Decision;

use super::Style;
use super::approval::SignoffState;
use super::view::{Reproduce, View, Who};

/// Findings listed in the text report; the JSON report has all of them.
const MAX_FINDINGS: usize = 12;
/// AI markers listed; the JSON report has all of them.
const MAX_MARKERS: usize = 8;

pub(super) fn check(evaluation: &Evaluation, style: Style) -> String {
    let mut out = String::new();
    write_view(&mut out, &View::of(evaluation), style, "");
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
                let view = View::of(evaluation);
                write_view(
                    &mut out,
                    &view,
                    style,
                    &format!("{}: ", one_line(&pushed.remote_ref)),
                );
                // A hook's output is cut short in a terminal; say how to see everything.
                if let (
                    Decision::Review | Decision::Block,
                    Some(Reproduce::Commits { base, head }),
                ) = (view.headline.decision, &view.reproduce)
                {
                    let _ = writeln!(
                        out,
                        "  full report: blastgate check --base {base} --head {head} --format json"
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

fn write_view(out: &mut String, view: &View<'_>, style: Style, prefix: &str) {
    let headline = &view.headline;
    let decision = headline.decision;
    let files = headline.files;
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
        number(headline.score),
        who(headline.who),
        if files == 1 { "" } else { "s" }
    );
    if let Some(request) = &headline.request {
        let _ = write!(summary, " · {request}");
    }
    if let Some(reformatted) = &headline.reformatted {
        let _ = write!(summary, " · {reformatted}");
    }
    if headline.benign {
        // Quiet: one line with the score and the line it stayed under.
        let limit = match headline.thresholds.review {
            Some(review) => format!("review at {}", number(review)),
            None => headline.thresholds.lines(),
        };
        let _ = writeln!(
            out,
            "{prefix}{} · {summary} · {limit}",
            paint(decision, style)
        );
        write_waivers(out, view, style);
        write_notes(out, view);
        return;
    }
    let approved = view
        .sign_off
        .as_ref()
        .and_then(|sign_off| sign_off.state.status())
        .map(|status| format!(" · {status}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{prefix}{} · {summary}{approved}",
        paint(decision, style)
    );
    write_context(out, view, style);
    section(out, "why", style);
    for reason in view.reasons {
        let _ = writeln!(out, "  • {}", one_line(reason));
    }
    write_approvals(out, view, style);
    write_evidence(out, view, style);
    blast::write(out, view, style);
    write_points(out, view, style);
    write_waivers(out, view, style);
    if !view.next_steps.is_empty() {
        section(out, "next", style);
        for step in view.next_steps {
            let _ = writeln!(out, "  → {}", one_line(step));
        }
    }
    write_notes(out, view);
}

/// What the reading left out (copies not looked for, commits not read): shown under a benign
/// one-liner too, since an allow that did not see everything must say so.
fn write_notes(out: &mut String, view: &View<'_>) {
    for note in view.notes {
        let _ = writeln!(out, "  note: {}", one_line(note));
    }
}

/// Only when a waiver applied, expired or went stale: a benign change stays one line.
fn write_waivers(out: &mut String, view: &View<'_>, style: Style) {
    if !view.waivers.is_empty() {
        section(out, "waivers", style);
        for sentence in &view.waivers {
            let _ = writeln!(out, "  • {}", one_line(sentence));
        }
    }
}

fn write_approvals(out: &mut String, view: &View<'_>, style: Style) {
    let Some(sign_off) = &view.sign_off else {
        return;
    };
    section(out, "sign-off", style);
    let headline = one_line(&sign_off.headline).into_owned();
    let headline = match (style.color, sign_off.state) {
        (true, SignoffState::Approved | SignoffState::BreakGlass) => {
            headline.green().bold().to_string()
        }
        (true, SignoffState::Missing) => headline.yellow().bold().to_string(),
        (false, _) => headline,
    };
    let _ = writeln!(out, "  {headline}");
    for (mark, line) in &sign_off.lines {
        let _ = writeln!(out, "  {} {}", mark.symbol(), one_line(line));
    }
}

fn who(who: Who) -> &'static str {
    match who {
        Who::Ai => "AI-assisted",
        Who::Human => "human",
        Who::Automation => "automation",
        Who::UnattributedAsAi => "unattributed, treated as AI-assisted",
        Who::UnattributedAsHuman => "unattributed, treated as human",
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

fn write_context(out: &mut String, view: &View<'_>, style: Style) {
    let subject = &view.subject;
    // Base and head are shown one above the other: never as the same short id.
    let [base_id, head_id] = [subject.base, subject.head].map(|revision| {
        revision
            .and_then(|revision| revision.commit)
            .map(|id| id.to_string())
            .unwrap_or_default()
    });
    let width = crate::short_id::width(&[&base_id, &head_id]);
    let cut = |revision: &Revision| match revision.commit {
        Some(id) => crate::short_id::cut(&id.to_string(), width),
        None => "empty tree".to_string(),
    };
    let revision = |label: &str, revision: &Revision| {
        let commit = cut(revision);
        format!(
            "  {label:<7}{} {commit} {}",
            one_line(&revision.spec),
            dim(&format!("({})", one_line(&revision.reason)), style)
        )
    };
    match subject.origin {
        Origin::DiffText { source } => {
            let _ = writeln!(
                out,
                "  {:<7}unified diff from {}",
                "change",
                one_line(source)
            );
        }
        Origin::Staged | Origin::Worktree => {
            let what = if *subject.origin == Origin::Staged {
                "staged changes"
            } else {
                "working tree"
            };
            let _ = writeln!(out, "  {:<7}{what} against HEAD", "change");
        }
        Origin::Range | Origin::Push { .. } => {
            if let Some(base) = subject.base {
                let _ = writeln!(out, "{}", revision("base", base));
            }
            if let Some(head) = subject.head {
                let _ = writeln!(out, "  {:<7}{} {}", "head", one_line(&head.spec), cut(head));
            }
        }
    }
    let sha256 = subject.policy_sha256;
    let _ = writeln!(
        out,
        "  {:<7}{} {}",
        "policy",
        one_line(&subject.policy_source),
        dim(
            &format!("sha256 {}", &sha256[..sha256.len().min(16)]),
            style
        )
    );
}

/// Only when a marker was found or the authorship was declared.
fn write_evidence(out: &mut String, view: &View<'_>, style: Style) {
    let evidence = &view.evidence;
    if evidence.markers.is_empty() && evidence.declared.is_none() {
        return;
    }
    section(out, "AI evidence", style);
    for reason in evidence.reasons {
        let _ = writeln!(out, "  • {}", one_line(reason));
    }
    for marker in evidence.markers.iter().take(MAX_MARKERS) {
        let counted = if marker.counted { "" } else { ", not counted" };
        let _ = writeln!(
            out,
            "  {}: {} {}",
            marker.location,
            one_line(marker.marker),
            dim(
                &format!(
                    "({}, {}{counted})",
                    one_line(marker.tool),
                    marker.confidence
                )
                .to_lowercase(),
                style
            )
        );
    }
    if evidence.markers.len() > MAX_MARKERS {
        let _ = writeln!(
            out,
            "  … {} more in --format json",
            evidence.markers.len() - MAX_MARKERS
        );
    }
}

/// Findings worth a line: the largest ones that carry points, up to [`MAX_FINDINGS`], leaving
/// out those under 1% of the total (they are summed in one line; the JSON report lists every
/// one). Zero-point findings (waived, or only matched by a rule) are for Markdown and GitHub.
fn write_points(out: &mut String, view: &View<'_>, style: Style) {
    let total = view.headline.score;
    let scoring: Vec<_> = view
        .findings
        .iter()
        .map(|finding| finding.contribution)
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
    if let Some(note) = &view.scoring_note {
        let _ = writeln!(
            out,
            "  {:>8}  {}",
            "",
            dim(&format!("scoring: {note}"), style)
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
