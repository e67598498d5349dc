//! The gating curve: if the gate had held back the riskiest X% of commits (by score), what
//! share of the commits later reverted or hot-fixed would it have caught?

use serde::Serialize;

use crate::vocabulary::Decision;

/// Shares of all commits gated, from the top of the score ranking.
pub const SHARES: &[f64] = &[0.05, 0.10, 0.20, 0.30, 0.50];

/// One row: gate `gated` commits, catch `caught` of the later-reverted ones.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    /// The share of commits this row gates from the top of the ranking; `None` for the
    /// policy's own row.
    pub asked: Option<f64>,
    /// Share of all judged commits gated (for the policy row: the share it actually gated).
    pub gated_share: f64,
    /// How many commits that is.
    pub gated: usize,
    /// Later-reverted commits among them.
    pub caught: usize,
    /// `caught` / all later-reverted commits; `None` when there were none.
    pub caught_share: Option<f64>,
}

/// The whole curve for one way of scoring.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Curve {
    /// One point per entry of [`SHARES`].
    pub points: Vec<Point>,
    /// What the policy itself gated (review or block) and caught.
    pub policy: Point,
    /// Later-reverted commits among the judged ones.
    pub reverted: usize,
    /// Judged commits.
    pub commits: usize,
}

/// One judged commit as the curve sees it.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// Its score.
    pub score: f64,
    /// Its decision.
    pub decision: Decision,
    /// Whether it was later reverted or hot-fixed.
    pub reverted: bool,
}

/// Ranks `entries` by score, highest first; ties keep their order in `entries` (newest
/// first), so the curve is deterministic.
#[must_use]
pub fn curve(entries: &[Entry]) -> Curve {
    let reverted = entries.iter().filter(|entry| entry.reverted).count();
    let mut ranked: Vec<&Entry> = entries.iter().collect();
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score));
    let point = |asked: Option<f64>, gated: usize, caught: usize| Point {
        asked,
        gated_share: share(gated, entries.len()).unwrap_or(0.0),
        gated,
        caught,
        caught_share: share(caught, reverted),
    };
    let points = SHARES
        .iter()
        .map(|fraction| {
            let gated = top(*fraction, entries.len());
            let caught = ranked[..gated]
                .iter()
                .filter(|entry| entry.reverted)
                .count();
            point(Some(*fraction), gated, caught)
        })
        .collect();
    let held = entries
        .iter()
        .filter(|entry| entry.decision != Decision::Allow);
    let policy = point(
        None,
        held.clone().count(),
        held.filter(|entry| entry.reverted).count(),
    );
    Curve {
        points,
        policy,
        reverted,
        commits: entries.len(),
    }
}

/// How many of `total` commits the top `fraction` is: rounded up, so a small history still
/// gates at least one commit at 5%.
#[must_use]
pub fn top(fraction: f64, total: usize) -> usize {
    let exact = fraction * total as f64;
    // Clamped to [0, total] before the cast, so it cannot truncate or wrap.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let count = (exact - 1e-9).ceil().clamp(0.0, total as f64) as usize;
    count
}

/// `part / whole`, `None` for an empty whole.
#[must_use]
pub fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(score: f64, decision: Decision, reverted: bool) -> Entry {
        Entry {
            score,
            decision,
            reverted,
        }
    }

    /// Twenty commits, two of the three reverted ones in the top two: 10% catches 2 of 3.
    #[test]
    fn top_shares_count_reverted_commits_among_the_highest_scores() {
        let mut entries: Vec<Entry> = (0..20)
            .map(|i| entry(f64::from(i), Decision::Allow, false))
            .collect();
        entries[19] = entry(100.0, Decision::Block, true);
        entries[18] = entry(90.0, Decision::Review, true);
        entries[3] = entry(3.0, Decision::Allow, true);
        let curve = curve(&entries);
        assert_eq!(curve.reverted, 3);
        let rows: Vec<(usize, usize)> = curve.points.iter().map(|p| (p.gated, p.caught)).collect();
        // 5% of 20 = 1, 10% = 2, 20% = 4, 30% = 6, 50% = 10; the third reverted one scores 3.
        assert_eq!(rows, [(1, 1), (2, 2), (4, 2), (6, 2), (10, 2)]);
        assert_eq!(curve.points[1].caught_share, Some(2.0 / 3.0));
        assert_eq!((curve.policy.gated, curve.policy.caught), (2, 2));
        assert!((curve.policy.gated_share - 0.1).abs() < 1e-12);
    }

    /// Shares round up, never past the total; an empty history has no catch rate.
    #[test]
    fn top_rounds_up_and_empty_history_has_no_rate() {
        assert_eq!(top(0.05, 7), 1);
        assert_eq!(top(0.10, 20), 2);
        assert_eq!(top(0.5, 3), 2);
        assert_eq!(top(0.3, 0), 0);
        let empty = curve(&[]);
        assert_eq!(empty.points[0].caught_share, None);
        assert_eq!(empty.policy.gated, 0);
    }
}
