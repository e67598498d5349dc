//! GitHub Actions workflow commands: each finding becomes an annotation on its file and line,
//! so it shows inline on the pull request's diff, and a last line states the decision.
//!
//! Levels follow [`super::sarif::severity`]: `error` for block-relevant findings, `warning`
//! for review-relevant ones, `notice` otherwise. An allowed change is only its summary
//! notice, as the text report gives a benign change one line: annotating every small
//! point of an allowed change would bury the ones that matter on other pull requests.

use std::fmt::Write as _;

use crate::escape::{github_data as data, github_property as property, one_line};
use crate::gate::{Evaluation, PushOutcome, RefOutcome};
use crate::score::number;
use crate::vocabulary::Decision;

use super::approval::SignoffState;
use super::sarif::message;
use super::view::View;

/// The workflow command for a level.
fn command(decision: Decision) -> &'static str {
    match decision {
        Decision::Block => "error",
        Decision::Review => "warning",
        Decision::Allow => "notice",
    }
}

pub(super) fn check(evaluation: &Evaluation) -> String {
    let mut out = String::new();
    write_view(&mut out, &View::of(evaluation), "");
    out
}

pub(super) fn push(outcome: &PushOutcome) -> String {
    let mut out = String::new();
    for entry in &outcome.refs {
        match entry {
            RefOutcome::Nothing { pushed, why } => {
                let _ = writeln!(
                    out,
                    "::notice::{}",
                    data(&format!(
                        "blastgate {}: nothing to check: {}",
                        one_line(&pushed.remote_ref),
                        one_line(why)
                    ))
                );
            }
            RefOutcome::Judged { pushed, evaluation } => {
                let which = format!(" {}", one_line(&pushed.remote_ref));
                write_view(&mut out, &View::of(evaluation), &which);
            }
        }
    }
    if outcome.refs.len() > 1 {
        let decision = outcome.decision();
        let _ = writeln!(
            out,
            "::{}::blastgate push: {} (worst of {} refs)",
            command(decision),
            decision.as_str(),
            outcome.refs.len()
        );
    }
    out
}

fn write_view(out: &mut String, view: &View<'_>, which: &str) {
    let headline = &view.headline;
    if headline.decision != Decision::Allow {
        for finding in &view.findings {
            let contribution = finding.contribution;
            let level = command(finding.severity);
            let mut properties = Vec::new();
            if let Some(file) = &contribution.file {
                properties.push(format!("file={}", property(file)));
                if let Some(line) = contribution.line.filter(|line| *line >= 1) {
                    properties.push(format!("line={line}"));
                }
            }
            properties.push(format!("title={}", property(contribution.signal.id())));
            let _ = writeln!(
                out,
                "::{level} {}::{}",
                properties.join(","),
                data(&one_line(&message(contribution)))
            );
        }
    }
    let mut summary = format!(
        "blastgate{which}: {} (score {}; {})",
        headline.decision.as_str(),
        number(headline.score),
        headline.thresholds.lines()
    );
    for reason in view.reasons {
        let _ = write!(summary, "\n- {}", one_line(reason));
    }
    if let Some(sign_off) = &view.sign_off {
        let _ = write!(summary, "\nsign-off: {}", one_line(&sign_off.headline));
        for (mark, line) in &sign_off.lines {
            let _ = write!(summary, "\n{} {}", mark.symbol(), one_line(line));
        }
    }
    for step in view.next_steps {
        let _ = write!(summary, "\n→ {}", one_line(step));
    }
    // An approved change is no longer a warning on the run; a break-glass override stays one.
    let level = match view.sign_off.as_ref().map(|sign_off| sign_off.state) {
        Some(SignoffState::Approved) => "notice",
        Some(SignoffState::BreakGlass) => "warning",
        Some(SignoffState::Missing) | None => command(headline.decision),
    };
    let _ = writeln!(out, "::{level}::{}", data(&summary));
}
