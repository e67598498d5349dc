//! The fit in the replay report (text and JSON), and the suggested policy fragment: YAML
//! that parses as a policy on its own (`version`, `tiers`, `weights`, `thresholds`), to be
//! read and merged by a person. blastgate never writes it into a policy.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::calendar::rfc3339;
use crate::escape::one_line;
use crate::score::number;

use crate::replay::Point;
use crate::replay::fit::{HeldOutRanking, MIN_SUPPORT};
use crate::replay::fit_replay::Fitted;

/// The fit as a JSON value for the replay report.
#[must_use]
pub fn json(fitted: &Fitted, history: &str) -> Value {
    match &fitted.fit {
        Ok(fit) => json!({
            "status": "fitted",
            "fit": fit,
            "calibration": fitted.calibration,
            "fragment": fragment(fitted, history),
        }),
        Err(error) => json!({"status": "refused", "reason": error.to_string()}),
    }
}

/// The fit section of the text report.
#[must_use]
pub fn text(fitted: &Fitted) -> String {
    let mut out = String::from("\nFitted weights (a suggestion; the policy is not changed)\n");
    let fit = match &fitted.fit {
        Ok(fit) => fit,
        Err(error) => {
            let _ = writeln!(out, "  refused: {error}");
            return out;
        }
    };
    let part = |name: &str, part: &crate::replay::fit::Part| {
        let sources: Vec<String> = part
            .sources
            .iter()
            .map(|(source, n)| format!("{} {n}", one_line(source)))
            .collect();
        format!(
            "  {name:<9} {} commits, {} to {}, {} labelled ({})\n",
            part.commits,
            date(part.from),
            date(part.to),
            part.labels,
            sources.join(", ")
        )
    };
    out.push_str(&part("trained", &fit.train));
    out.push_str(&part("held out", &fit.heldout));
    if fit.labels_from_the_future > 0 {
        let _ = writeln!(
            out,
            "  {} training commits were labelled only after the training part ends: left unlabelled there",
            fit.labels_from_the_future
        );
    }
    let _ = writeln!(
        out,
        "  held-out {:<17} {:>10} {:>10}",
        "", "policy now", "fitted"
    );
    let _ = writeln!(
        out,
        "  {:<26} {:>10} {:>10}",
        "AUC",
        auc(&fit.before),
        auc(&fit.after)
    );
    for (before, after) in fit.before.curve.iter().zip(&fit.after.curve) {
        let label = format!(
            "riskiest {} catches",
            percent(before.asked.unwrap_or(before.gated_share))
        );
        let _ = writeln!(
            out,
            "  {label:<26} {:>10} {:>10}",
            caught(before),
            caught(after)
        );
    }
    out.push_str("  weight                        now   fitted\n");
    for weight in &fit.weights {
        let _ = writeln!(
            out,
            "  {:<26} {:>6} {:>8}",
            weight.key.id(),
            number(weight.current),
            short(weight.suggested)
        );
    }
    for tier in &fit.multipliers {
        let _ = writeln!(
            out,
            "  tier {:<21} ×{:<5} ×{}",
            one_line(&tier.key),
            number(tier.current),
            short(tier.suggested)
        );
    }
    if !fit.tiers_fitted {
        out.push_str(
            "  tier multipliers: kept (findings in the `default` tier, the ×1 yardstick, predict nothing to compare the other tiers with)\n",
        );
    }
    match &fitted.calibration {
        Some(calibration) if calibration.ai_changes == 0 => {
            out.push_str("  no AI-assisted changes in this history: no thresholds to calibrate\n");
        }
        Some(calibration) => {
            let _ = writeln!(
                out,
                "  for at most {} of AI-assisted changes to seniors with the fitted weights: review {}, block {}",
                percent(calibration.target_load),
                calibration.review.map_or_else(|| "-".to_string(), short),
                calibration.block.map_or_else(|| "-".to_string(), short),
            );
        }
        None => {}
    }
    out
}

/// The suggested policy fragment; `None` when there is no fit.
#[must_use]
pub fn fragment(fitted: &Fitted, history: &str) -> Option<String> {
    let fit = fitted.fit.as_ref().ok()?;
    let policy = &fitted.policy;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Suggested by `blastgate replay --fit` on {}.",
        one_line(history)
    );
    out.push_str(
        "# A suggestion: read it, then merge what you accept into .blastgate.yaml by hand.\n",
    );
    let _ = writeln!(
        out,
        "# Trained on {} commits ({} labelled), evaluated on the newer {} ({} labelled):",
        fit.train.commits, fit.train.labels, fit.heldout.commits, fit.heldout.labels
    );
    let tenth = |evaluation: &HeldOutRanking| {
        evaluation
            .curve
            .iter()
            .find(|point| point.asked == Some(0.10))
            .map_or_else(|| "-".to_string(), caught)
    };
    let _ = writeln!(
        out,
        "# held-out AUC {} -> {}; riskiest 10% catches {} -> {}.",
        auc(&fit.before),
        auc(&fit.after),
        tenth(&fit.before),
        tenth(&fit.after)
    );
    out.push_str("version: 1\n");
    if !fit.multipliers.is_empty() && !policy.tiers.is_empty() {
        out.push_str("tiers:\n");
        for tier in &policy.tiers {
            let suggested = fit
                .multipliers
                .iter()
                .find(|m| m.key == tier.name)
                .map_or(tier.multiplier, |m| m.suggested);
            let _ = writeln!(out, "  - name: {}", quoted(&tier.name));
            let _ = writeln!(out, "    multiplier: {}", short(suggested));
            out.push_str("    paths:\n");
            for pattern in &tier.patterns {
                let _ = writeln!(out, "      - {}", quoted(pattern));
            }
        }
    }
    let _ = write!(
        out,
        "# Signals seen on fewer than {MIN_SUPPORT} training commits keep the policy's weight.\nweights:\n"
    );
    for (signal, current) in &policy.weights {
        let fitted = fit.weights.iter().find(|w| w.key == *signal);
        let weight = fitted.map_or(*current, |w| w.suggested);
        let note = if fitted.is_some() {
            ""
        } else {
            "  # not seen: kept"
        };
        let _ = writeln!(out, "  {}: {}{note}", signal.id(), short(weight));
    }
    let ai = policy.thresholds.ai;
    let (review, block, source) = match &fitted.calibration {
        Some(calibration) => (
            calibration.review.or(ai.review),
            calibration.block.or(ai.block),
            "calibrated on the fitted scores",
        ),
        None => (
            ai.review,
            ai.block,
            "the policy's lines (--calibrate proposes new ones)",
        ),
    };
    let _ = writeln!(out, "# Thresholds: {source}.\nthresholds:\n  ai:");
    line(&mut out, "review", review);
    line(
        &mut out,
        "block",
        block.map(|block| block.max(review.unwrap_or(0.0))),
    );
    let human = policy.thresholds.human;
    if human.review.is_some() || human.block.is_some() {
        out.push_str("  human:\n");
        line(&mut out, "review", human.review);
        line(&mut out, "block", human.block);
    }
    Some(out)
}

fn line(out: &mut String, key: &str, value: Option<f64>) {
    if let Some(value) = value {
        let _ = writeln!(out, "    {key}: {}", short(value));
    }
}

/// A YAML double-quoted scalar: JSON string syntax is a subset of it.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_string())
}

/// Four significant digits: fitted weights span several orders of magnitude.
fn short(value: f64) -> String {
    if value == 0.0 {
        return "0".to_string();
    }
    // Clamped to 0..=12 before the cast: a weight's magnitude is nowhere near either end.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let digits = (3.0 - value.abs().log10().floor()).clamp(0.0, 12.0) as usize;
    let text = format!("{value:.digits$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// The day of a committer time, `2026-01-31`.
fn date(seconds: i64) -> String {
    rfc3339(seconds).chars().take(10).collect()
}

fn auc(evaluation: &HeldOutRanking) -> String {
    evaluation
        .auc
        .map_or_else(|| "-".to_string(), |auc| format!("{auc:.3}"))
}

fn caught(point: &Point) -> String {
    point.caught_share.map_or_else(|| "-".to_string(), percent)
}

fn percent(share: f64) -> String {
    format!("{}%", number((share * 1000.0).round() / 10.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Small and large weights both keep their significant digits.
    #[test]
    fn short_keeps_four_significant_digits() {
        assert_eq!(short(0.0), "0");
        assert_eq!(short(0.000_123_456), "0.0001235");
        assert_eq!(short(12.345_67), "12.35");
        assert_eq!(short(1234.6), "1235");
        assert_eq!(short(2.0), "2");
    }
}
