//! Review load: how many AI-assisted changes would have needed a senior's sign-off, per ISO
//! week and per tier (the tier with the highest multiplier among a change's files), so a team
//! can see how many reviewers the policy asks it to staff.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::calendar::iso_week;
use crate::vocabulary::Decision;

use super::judge::Judged;

/// AI-assisted changes and how many of them needed review, for one bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Bucket {
    /// The ISO week (`2026-W01`) or the tier name.
    pub name: String,
    /// AI-assisted changes in the bucket.
    pub ai_changes: usize,
    /// Of those, how many needed senior sign-off (decision `review`).
    pub review: usize,
}

/// Review load over the whole replay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Load {
    /// AI-assisted changes (judged with the AI thresholds).
    pub ai_changes: usize,
    /// Of those, how many needed senior sign-off.
    pub review: usize,
    /// Per ISO week, oldest first.
    pub weeks: Vec<Bucket>,
    /// Per tier, by name.
    pub tiers: Vec<Bucket>,
}

/// Counts the load of `judged`.
#[must_use]
pub fn load(judged: &[Judged]) -> Load {
    let mut weeks: BTreeMap<String, Bucket> = BTreeMap::new();
    let mut tiers: BTreeMap<String, Bucket> = BTreeMap::new();
    let mut total = Bucket::default();
    for change in judged.iter().filter(|change| change.ai) {
        let review = usize::from(change.decision == Decision::Review);
        for (map, name) in [
            (&mut weeks, iso_week(change.time)),
            (&mut tiers, change.tier.clone()),
        ] {
            let bucket = map.entry(name.clone()).or_insert_with(|| Bucket {
                name,
                ..Bucket::default()
            });
            bucket.ai_changes += 1;
            bucket.review += review;
        }
        total.ai_changes += 1;
        total.review += review;
    }
    Load {
        ai_changes: total.ai_changes,
        review: total.review,
        weeks: weeks.into_values().collect(),
        tiers: tiers.into_values().collect(),
    }
}
