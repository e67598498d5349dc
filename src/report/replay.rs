//! The replay report: a table for people, and JSON (`schema_version` 1) for programs.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::escape::{one_line, terminal};
use crate::score::number;
use crate::vocabulary::Decision;

use crate::replay::{Calibration, Curve, Point, Replay};

mod capacity;
mod chart;
mod fit;
pub mod html;
mod labels;
mod metrics;

pub use fit::fragment;

/// Version of the replay JSON shape; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// The report as JSON.
///
/// # Panics
/// Never: a `serde_json::Value` always serializes.
#[must_use]
pub fn json(replay: &Replay) -> String {
    let commit = |index: usize| &replay.judged[index];
    let value = json!({
        "schema_version": SCHEMA_VERSION,
        "type": "replay",
        "history": replay.history,
        "first_parent": replay.first_parent,
        "commits": replay.judged.len(),
        "merges_skipped": replay.merges_skipped,
        "seconds": round(replay.seconds),
        "commits_per_second": round(rate(replay)),
        "decisions": {
            "allow": count(replay, Decision::Allow),
            "review": count(replay, Decision::Review),
            "block": count(replay, Decision::Block),
        },
        "load": replay.load,
        "curve": {
            "history_on": replay.curve,
            "history_off": replay.curve_without_history,
        },
        "reverted": replay.undone.iter().map(|undone| {
            let change = commit(undone.index);
            json!({
                "commit": change.oid.to_string(),
                "subject": change.summary,
                "decision": change.decision,
                "score": change.score,
                "score_without_history": change.score_without_history,
                "kind": undone.kind,
                "by": undone.by,
            })
        }).collect::<Vec<Value>>(),
        "slowest": replay.slowest().into_iter().map(|index| {
            let change = commit(index);
            json!({
                "commit": change.oid.to_string(),
                "subject": change.summary,
                "seconds": round(change.seconds),
            })
        }).collect::<Vec<Value>>(),
        "judged": replay.judged.iter().map(|change| json!({
            "commit": change.oid.to_string(),
            "subject": change.summary,
            "decision": change.decision,
            "decision_without_history": change.decision_without_history,
            "score": change.score,
            "score_without_history": change.score_without_history,
            "ai_assisted": change.ai,
            "authorship": change.authorship,
            "tier": change.tier,
            "lines": change.lines,
            "labels": crate::replay::szz::sources_of(&replay.labels, change.oid),
            "seconds": round(change.seconds),
        })).collect::<Vec<Value>>(),
        "unjudged": replay.unjudged.iter().map(|failed| json!({
            "commit": failed.oid.to_string(),
            "subject": failed.summary,
            "error": failed.error,
        })).collect::<Vec<Value>>(),
        "calibration": replay.calibration,
        "labels": replay.labelling,
        "metrics": replay.metrics,
        "fit": replay.fitted.as_ref().map(|fitted| fit::json(fitted, &replay.history)),
    });
    let mut text = serde_json::to_string_pretty(&value).expect("JSON values always serialize");
    text.push('\n');
    text
}

/// The report as text tables.
#[must_use]
pub fn text(replay: &Replay) -> String {
    let mut out = String::new();
    let judged = replay.judged.len();
    let _ = writeln!(out, "blastgate replay: {}", one_line(&replay.history));
    let _ = write!(
        out,
        "judged {judged} commits in {:.1} s ({:.1} commits/s)",
        replay.seconds,
        rate(replay)
    );
    if replay.merges_skipped > 0 {
        let _ = write!(
            out,
            "; {} merges skipped (--first-parent judges them)",
            replay.merges_skipped
        );
    }
    out.push('\n');
    for failed in &replay.unjudged {
        let _ = writeln!(
            out,
            "could not judge {} \"{}\": {}",
            crate::short_id::short(&failed.oid.to_string()),
            one_line(&failed.summary),
            one_line(&failed.error)
        );
    }

    out.push_str("\nDecisions\n");
    for decision in [Decision::Allow, Decision::Review, Decision::Block] {
        let n = count(replay, decision);
        let _ = writeln!(
            out,
            "  {:<7} {n:>6}  {}",
            decision.as_str(),
            percent(n, judged)
        );
    }
    load_section(&mut out, replay);
    labels::section(&mut out, replay);
    curve_section(&mut out, replay);
    metrics::section(&mut out, replay);
    undone_section(&mut out, replay);

    out.push_str("\nSlowest commits\n");
    let slowest = replay.slowest();
    let ids: Vec<String> = slowest
        .iter()
        .map(|&index| replay.judged[index].oid.to_string())
        .collect();
    let width = crate::short_id::width(&ids.iter().map(String::as_str).collect::<Vec<_>>());
    for (index, id) in slowest.into_iter().zip(&ids) {
        let change = &replay.judged[index];
        let _ = writeln!(
            out,
            "  {}  {:>7.3} s  {}",
            crate::short_id::cut(id, width),
            change.seconds,
            one_line(&change.summary)
        );
    }
    if let Some(calibration) = &replay.calibration {
        calibration_section(&mut out, calibration);
    }
    if let Some(fitted) = &replay.fitted {
        out.push_str(&fit::text(fitted));
    }
    // Padded columns leave trailing spaces; nobody wants them in a pasted report.
    let text = out.lines().fold(String::new(), |mut text, line| {
        text.push_str(line.trim_end());
        text.push('\n');
        text
    });
    terminal(&text, false)
}

fn calibration_section(out: &mut String, calibration: &Calibration) {
    out.push_str("\nCalibration (a suggestion; the policy is not changed)\n");
    let Some(block) = calibration.block else {
        out.push_str("  no AI-assisted changes in this history: nothing to calibrate\n");
        return;
    };
    let _ = writeln!(
        out,
        "  target: at most {} of {} AI-assisted changes to seniors; hard rules alone hold {}",
        percent_of(calibration.target_load),
        calibration.ai_changes,
        calibration.forced_by_rules
    );
    match calibration.review {
        Some(line) => {
            let _ = writeln!(out, "  thresholds.ai.review: {}", number(line));
        }
        None => out.push_str(
            "  thresholds.ai.review: no line meets the target on this history (too few AI-assisted changes, or the rules alone exceed it)\n",
        ),
    }
    let _ = writeln!(out, "  thresholds.ai.block:  {}", number(block));
    let _ = writeln!(
        out,
        "  with these: {} of AI-assisted changes held; {}",
        percent_of(calibration.load),
        caught(calibration.caught, calibration.reverted)
    );
}

fn load_section(out: &mut String, replay: &Replay) {
    let load = &replay.load;
    let _ = writeln!(
        out,
        "\nReview load: {} of {} AI-assisted changes needed senior sign-off",
        load.review, load.ai_changes
    );
    if load.ai_changes == 0 {
        return;
    }
    let _ = writeln!(out, "  {:<12} {:>6} {:>7}", "week", "ai", "review");
    for week in &load.weeks {
        let _ = writeln!(
            out,
            "  {:<12} {:>6} {:>7}",
            week.name, week.ai_changes, week.review
        );
    }
    let _ = writeln!(out, "  {:<12} {:>6} {:>7}", "tier", "ai", "review");
    for tier in &load.tiers {
        let _ = writeln!(
            out,
            "  {:<12} {:>6} {:>7}",
            one_line(&tier.name),
            tier.ai_changes,
            tier.review
        );
    }
}

fn curve_section(out: &mut String, replay: &Replay) {
    let (on, off) = (&replay.curve, &replay.curve_without_history);
    let _ = writeln!(
        out,
        "\nGating curve: {} of {} commits were later reverted, hot-fixed or fix-inducing",
        on.reverted, on.commits
    );
    if on.reverted == 0 {
        out.push_str(
            "  no later-reverted commits in this history: nothing to measure the gate against\n",
        );
        return;
    }
    let _ = writeln!(
        out,
        "  {:<24} {:>8}  {:<22} {:<22}",
        "gated", "commits", "history signal: on", "history signal: off"
    );
    for (with, without) in on.points.iter().zip(&off.points) {
        let label = format!(
            "riskiest {}",
            percent_of(with.asked.unwrap_or(with.gated_share))
        );
        row(out, &label, with, without);
    }
    let label = "policy (review+block)";
    let _ = writeln!(
        out,
        "  {:<24} {:>8}  {:<22} {:<22}",
        label,
        format!("{}/{}", on.policy.gated, off.policy.gated),
        caught_point(&on.policy),
        caught_point(&off.policy)
    );
    if let Some(tenth) = on.points.iter().find(|point| point.asked == Some(0.10)) {
        let _ = writeln!(
            out,
            "  gating the riskiest 10% of commits would have caught {} of the later-reverted ones",
            tenth
                .caught_share
                .map_or_else(|| "none".to_string(), percent_of)
        );
    }
    sentence_for_policy(out, on);
}

fn sentence_for_policy(out: &mut String, on: &Curve) {
    let _ = writeln!(
        out,
        "  the policy held {} of commits and caught {}",
        percent_of(on.policy.gated_share),
        on.policy
            .caught_share
            .map_or_else(|| "none".to_string(), percent_of)
    );
}

fn row(out: &mut String, label: &str, with: &Point, without: &Point) {
    let _ = writeln!(
        out,
        "  {:<24} {:>8}  {:<22} {:<22}",
        label,
        with.gated,
        caught_point(with),
        caught_point(without)
    );
}

fn undone_section(out: &mut String, replay: &Replay) {
    if replay.undone.is_empty() {
        return;
    }
    out.push_str("\nLater-reverted commits\n");
    let _ = writeln!(
        out,
        "  {:<12}  {:<8} {:>8}  {:<21}  subject",
        "commit", "decision", "score", "undone by"
    );
    for undone in &replay.undone {
        let change = &replay.judged[undone.index];
        let (commit, by) = crate::short_id::pair(&change.oid.to_string(), &undone.by);
        let _ = writeln!(
            out,
            "  {commit}  {:<8} {:>8}  {:<8} {by}  {}",
            change.decision.as_str(),
            number(change.score),
            undone.kind.as_str(),
            one_line(&change.summary)
        );
    }
}

fn caught_point(point: &Point) -> String {
    match point.caught_share {
        Some(share) => format!("{} caught ({})", point.caught, percent_of(share)),
        None => "-".to_string(),
    }
}

fn caught(caught: usize, reverted: usize) -> String {
    if reverted == 0 {
        return "no later-reverted commits to catch".to_string();
    }
    format!(
        "{caught} of {reverted} later-reverted commits caught ({})",
        percent(caught, reverted)
    )
}

fn count(replay: &Replay, decision: Decision) -> usize {
    replay
        .judged
        .iter()
        .filter(|change| change.decision == decision)
        .count()
}

fn rate(replay: &Replay) -> f64 {
    if replay.seconds > 0.0 {
        replay.judged.len() as f64 / replay.seconds
    } else {
        0.0
    }
}

fn percent(part: usize, whole: usize) -> String {
    crate::replay::share(part, whole).map_or_else(|| "-".to_string(), percent_of)
}

fn percent_of(share: f64) -> String {
    format!("{}%", number((share * 1000.0).round() / 10.0))
}

fn round(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}
