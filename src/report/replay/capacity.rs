//! The capacity picture's numbers: changes sent to senior review per ISO week, split by tier
//! and by AI-assisted or human, and the senior hours they cost at the policy's
//! `replay.review_minutes`.
//!
//! A week with commits but no review is a zero, and a week without commits between two busy
//! ones is shown too: a plan built on the busy weeks alone would overstate the load.

use std::collections::BTreeMap;

use crate::calendar::iso_week;
use crate::vocabulary::Decision;

use crate::replay::Judged;

/// One stack of the weekly bars: a tier, AI-assisted or human.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Series {
    /// The tier (the highest-multiplier tier among the change's files).
    pub tier: String,
    /// Judged as AI-assisted.
    pub ai: bool,
}

/// One ISO week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Week {
    /// `2026-W01`.
    pub name: String,
    /// Reviews per entry of [`Capacity::series`].
    pub reviews: Vec<usize>,
}

impl Week {
    /// Reviews in the week, every series together.
    #[must_use]
    pub fn total(&self) -> usize {
        self.reviews.iter().sum()
    }
}

/// Review load over the replayed weeks.
#[derive(Debug, Clone, PartialEq)]
pub struct Capacity {
    /// The stacks, tiers by name, AI-assisted before human; only those with a review.
    pub series: Vec<Series>,
    /// Every ISO week from the oldest to the newest judged commit, oldest first.
    pub weeks: Vec<Week>,
    /// Minutes one review costs; `None` when the policy could not be read.
    pub review_minutes: Option<f64>,
}

impl Capacity {
    /// All reviews.
    #[must_use]
    pub fn reviews(&self) -> usize {
        self.weeks.iter().map(Week::total).sum()
    }

    /// Mean reviews per week.
    #[must_use]
    pub fn mean(&self) -> f64 {
        if self.weeks.is_empty() {
            return 0.0;
        }
        self.reviews() as f64 / self.weeks.len() as f64
    }

    /// The busiest week (the first of equals).
    #[must_use]
    pub fn peak(&self) -> Option<&Week> {
        self.weeks.iter().rev().max_by_key(|week| week.total())
    }

    /// Senior hours `reviews` cost.
    #[must_use]
    pub fn hours(&self, reviews: f64) -> Option<f64> {
        self.review_minutes.map(|minutes| reviews * minutes / 60.0)
    }
}

const WEEK_SECONDS: i64 = 7 * 86_400;

/// Counts the `review` decisions of `judged` per week and series.
#[must_use]
pub fn capacity(judged: &[Judged], review_minutes: Option<f64>) -> Capacity {
    let mut counts: BTreeMap<(String, Series), usize> = BTreeMap::new();
    for change in judged.iter().filter(|c| c.decision == Decision::Review) {
        let series = Series {
            tier: change.tier.clone(),
            ai: change.ai,
        };
        *counts.entry((iso_week(change.time), series)).or_default() += 1;
    }
    let mut series: Vec<Series> = counts.keys().map(|(_, series)| series.clone()).collect();
    // Tiers by name, AI-assisted first within a tier.
    series.sort_by(|a, b| a.tier.cmp(&b.tier).then(b.ai.cmp(&a.ai)));
    series.dedup();
    let weeks = week_names(judged)
        .into_iter()
        .map(|name| Week {
            reviews: series
                .iter()
                .map(|one| {
                    counts
                        .get(&(name.clone(), one.clone()))
                        .copied()
                        .unwrap_or(0)
                })
                .collect(),
            name,
        })
        .collect();
    Capacity {
        series,
        weeks,
        review_minutes,
    }
}

/// Every ISO week from the oldest to the newest commit time, oldest first.
fn week_names(judged: &[Judged]) -> Vec<String> {
    let times = judged.iter().map(|change| change.time);
    let (Some(oldest), Some(newest)) = (times.clone().min(), times.max()) else {
        return Vec::new();
    };
    let mut names: Vec<String> = Vec::new();
    let mut at = oldest;
    loop {
        let name = iso_week(at.min(newest));
        if names.last() != Some(&name) {
            names.push(name);
        }
        if at >= newest {
            break;
        }
        at = at.saturating_add(WEEK_SECONDS);
    }
    names
}

#[cfg(test)]
mod tests {
    use git2::Oid;

    use super::*;
    use crate::vocabulary::Authorship;

    fn change(time: i64, decision: Decision, tier: &str, ai: bool) -> Judged {
        Judged {
            oid: Oid::ZERO_SHA1,
            summary: String::new(),
            time,
            score: 0.0,
            decision,
            score_without_history: 0.0,
            decision_without_history: decision,
            ai,
            authorship: Authorship::Human,
            rule_decision: None,
            block_line: None,
            tier: tier.to_string(),
            seconds: 0.0,
            lines: 0,
            units: Vec::new(),
        }
    }

    /// 2026-01-05 is the Monday of 2026-W02.
    const MONDAY_W02: i64 = 1_767_571_200;

    /// Reviews land in their week and series; a quiet week between is a zero; hours follow
    /// the minutes per review.
    #[test]
    fn weeks_series_and_hours() {
        let judged = [
            change(MONDAY_W02 + 3_600, Decision::Review, "critical", true),
            change(MONDAY_W02 + 7_200, Decision::Review, "critical", false),
            change(MONDAY_W02 + 8_000, Decision::Allow, "default", true),
            change(
                MONDAY_W02 + 2 * WEEK_SECONDS,
                Decision::Review,
                "default",
                true,
            ),
            change(
                MONDAY_W02 + 2 * WEEK_SECONDS,
                Decision::Review,
                "critical",
                true,
            ),
        ];
        let capacity = capacity(&judged, Some(30.0));
        let names: Vec<&str> = capacity.weeks.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(names, ["2026-W02", "2026-W03", "2026-W04"]);
        let series: Vec<(&str, bool)> = capacity
            .series
            .iter()
            .map(|s| (s.tier.as_str(), s.ai))
            .collect();
        assert_eq!(
            series,
            [("critical", true), ("critical", false), ("default", true)]
        );
        assert_eq!(capacity.weeks[0].reviews, [1, 1, 0]);
        assert_eq!(capacity.weeks[1].reviews, [0, 0, 0]);
        assert_eq!(capacity.weeks[2].reviews, [1, 0, 1]);
        assert_eq!(capacity.reviews(), 4);
        assert!((capacity.mean() - 4.0 / 3.0).abs() < 1e-12);
        assert_eq!(capacity.peak().map(|w| w.name.as_str()), Some("2026-W02"));
        assert_eq!(capacity.hours(capacity.mean()), Some(4.0 / 3.0 * 0.5));
        assert_eq!(super::capacity(&judged, None).hours(1.0), None);
    }

    /// No commits: no weeks, no peak, a mean of zero.
    #[test]
    fn empty_history() {
        let capacity = capacity(&[], Some(30.0));
        assert!(capacity.weeks.is_empty());
        assert_eq!(capacity.peak(), None);
        assert!(capacity.mean().abs() < f64::EPSILON);
    }
}
