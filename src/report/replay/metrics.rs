//! The metrics section of the replay text report: one row per class and way of counting.

use std::fmt::Write as _;

use crate::score::number;

use crate::replay::metrics::{CONFIDENCE, Measure, RESAMPLES, SEED};
use crate::replay::{Replay, SHARES};

/// Appends the section to `out`.
pub fn section(out: &mut String, replay: &Replay) {
    let _ = writeln!(
        out,
        "\nMeasured against the labels (AUC with a {}% bootstrap interval, {RESAMPLES} resamples, seed {SEED:#x})",
        number(CONFIDENCE * 100.0)
    );
    let mut header = format!(
        "  {:<6} {:<7} {:>8} {:>9}",
        "class", "by", "total", "labelled"
    );
    for share in SHARES {
        let _ = write!(header, " {:>6}", format!("@{}", percent(*share)));
    }
    let _ = write!(
        header,
        "  {:<20} {:>9} {:>7}",
        "AUC [interval]", "precision", "recall"
    );
    out.push_str(&header);
    out.push('\n');
    for class in &replay.metrics.classes {
        for (by, measure) in [("commit", &class.by_commit), ("lines", &class.by_lines)] {
            row(out, class.name, by, measure);
        }
    }
    out.push_str(
        "  @N%: labelled commits caught gating the riskiest N% of commits (by lines: the riskiest per line, up to N% of changed lines)\n",
    );
    out.push_str(
        "  precision/recall: of the policy's review+block decisions (by lines: in lines)\n",
    );
}

fn row(out: &mut String, class: &str, by: &str, measure: &Measure) {
    let _ = write!(
        out,
        "  {class:<6} {by:<7} {:>8} {:>9}",
        measure.total, measure.labelled
    );
    for step in &measure.curve {
        let _ = write!(out, " {:>6}", optional(step.caught_share));
    }
    let auc = match (measure.auc, measure.auc_interval) {
        (Some(auc), Some([low, high])) => format!("{auc:.2} [{low:.2}, {high:.2}]"),
        (Some(auc), None) => format!("{auc:.2}"),
        _ => "-".to_string(),
    };
    let _ = writeln!(
        out,
        "  {auc:<20} {:>9} {:>7}",
        optional(measure.precision),
        optional(measure.recall)
    );
}

fn optional(share: Option<f64>) -> String {
    share.map_or_else(|| "-".to_string(), percent)
}

fn percent(share: f64) -> String {
    format!("{}%", number((share * 1000.0).round() / 10.0))
}
