//! Calibration: AI thresholds that would have kept senior review to a target share of
//! AI-assisted changes on this history, and what they would have caught. Suggestions only:
//! the policy file is never touched.

use serde::Serialize;

use crate::vocabulary::Decision;

use super::curve::share;
use super::judge::Judged;

/// Share of AI-assisted changes the suggested block line leaves above it.
pub const BLOCK_SHARE: f64 = 0.01;

/// The suggestion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    /// The review load asked for: at most this share of AI-assisted changes to seniors.
    pub target_load: f64,
    /// AI-assisted changes in the replay.
    pub ai_changes: usize,
    /// AI-assisted changes that hard rules send to review or block whatever the thresholds.
    pub forced_by_rules: usize,
    /// Suggested `thresholds.ai.review`; `None` when no line meets the target (the rules
    /// alone exceed it, or the history is too small for the target to allow one change).
    pub review: Option<f64>,
    /// Suggested `thresholds.ai.block`: the line only the top 1% of AI-assisted changes
    /// reach, or the current line when the history is too small for a 1% tail; `None`
    /// without AI-assisted changes.
    pub block: Option<f64>,
    /// Share of AI-assisted changes held (review or block) with the suggestion.
    pub load: f64,
    /// Later-reverted commits held with the suggestion (human ones as they were judged).
    pub caught: usize,
    /// Later-reverted commits in the replay.
    pub reverted: usize,
}

/// Suggests thresholds for `target_load`. `reverted[i]` says whether `judged[i]` was later
/// reverted or fixed.
#[must_use]
pub fn calibrate(judged: &[Judged], reverted: &[bool], target_load: f64) -> Calibration {
    let ai: Vec<&Judged> = judged.iter().filter(|change| change.ai).collect();
    let forced = |change: &Judged| change.rule_decision.is_some_and(|d| d >= Decision::Review);
    let forced_by_rules = ai.iter().filter(|change| forced(change)).count();
    let free: Vec<f64> = ai
        .iter()
        .filter(|change| !forced(change))
        .map(|change| change.score)
        .collect();
    let allowed = floor_count(target_load, ai.len());
    let review = lowest_line(&free, allowed.checked_sub(forced_by_rules));
    // The newest AI-assisted change was judged by the policy in force now.
    let current_block = ai.first().and_then(|change| change.block_line);
    let all: Vec<f64> = ai.iter().map(|change| change.score).collect();
    let block = lowest_line(&all, Some(floor_count(BLOCK_SHARE, ai.len())))
        .filter(|_| floor_count(BLOCK_SHARE, ai.len()) > 0)
        .map(|line| line.max(review.unwrap_or(0.0)))
        .or(current_block);
    let held = |change: &Judged| {
        if !change.ai {
            return change.decision != Decision::Allow;
        }
        forced(change)
            || block.is_some_and(|line| change.score >= line)
            || review.is_some_and(|line| change.score >= line)
    };
    let held_ai = ai.iter().filter(|change| held(change)).count();
    let reverted_changes: Vec<&Judged> = judged
        .iter()
        .zip(reverted)
        .filter_map(|(change, reverted)| reverted.then_some(change))
        .collect();
    Calibration {
        target_load,
        ai_changes: ai.len(),
        forced_by_rules,
        review,
        block,
        load: share(held_ai, ai.len()).unwrap_or(0.0),
        caught: reverted_changes
            .iter()
            .filter(|change| held(change))
            .count(),
        reverted: reverted_changes.len(),
    }
}

/// Most changes a share may hold: rounded down, so the target is never exceeded.
fn floor_count(fraction: f64, total: usize) -> usize {
    // Clamped to [0, total] before the cast, so it cannot truncate or wrap.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let count = (fraction * total as f64 + 1e-9)
        .floor()
        .clamp(0.0, total as f64) as usize;
    count
}

/// The lowest score line that at most `allowed` of `scores` reach; `None` when even the
/// highest score is shared by more than `allowed` (or `allowed` is `None` or 0).
fn lowest_line(scores: &[f64], allowed: Option<usize>) -> Option<f64> {
    let allowed = allowed.filter(|allowed| *allowed > 0)?;
    let mut sorted = scores.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let mut line = None;
    for (index, score) in sorted.iter().enumerate() {
        let last_of_group = sorted.get(index + 1).is_none_or(|next| next < score);
        if !last_of_group {
            continue;
        }
        if index + 1 > allowed {
            break;
        }
        line = Some(*score);
    }
    // A line at 0 would hold every change, however few the scores.
    line.filter(|line| *line > 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lowest line that keeps the count at or under the allowance; ties move it up.
    #[test]
    fn lowest_line_respects_the_allowance_and_ties() {
        let scores = [50.0, 40.0, 40.0, 10.0, 5.0, 0.0];
        assert_eq!(lowest_line(&scores, Some(1)), Some(50.0));
        assert_eq!(lowest_line(&scores, Some(2)), Some(50.0)); // 40 is shared: 3 would reach it
        assert_eq!(lowest_line(&scores, Some(3)), Some(40.0));
        assert_eq!(lowest_line(&scores, Some(5)), Some(5.0));
        assert_eq!(lowest_line(&scores, Some(6)), None); // only 0 would do, and 0 holds everything
        assert_eq!(lowest_line(&scores, Some(0)), None);
        assert_eq!(lowest_line(&scores, None), None);
    }

    /// Without AI-assisted changes there is nothing to suggest, not an infinite line.
    #[test]
    fn no_ai_changes_no_suggestion() {
        let calibration = calibrate(&[], &[], 0.10);
        assert_eq!((calibration.review, calibration.block), (None, None));
        assert_eq!(calibration.ai_changes, 0);
    }

    /// Shares round down.
    #[test]
    fn floor_count_never_exceeds_the_share() {
        assert_eq!(floor_count(0.10, 25), 2);
        assert_eq!(floor_count(0.10, 10), 1);
        assert_eq!(floor_count(0.01, 99), 0);
    }
}
