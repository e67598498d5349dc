//! What the fit learns from: each judged commit's facts turned into *saturated units* per
//! signal and tier, i.e. the points every finding would earn at weight 1 and tier multiplier 1,
//! through the policy's own repetition curve but without its caps.
//!
//! Why this shape: without caps, the scorer is linear in the weights and in the multipliers
//! (the repetition curve ranks one signal's findings by points, which a common factor does not
//! reorder), so a commit's score under any weights `w` and multipliers `m` is
//! `Σ w[signal] × m[tier] × units[signal, tier]`. A fitted weight is then a policy weight, not
//! a model parameter that would need translating.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::analyze::Facts;
use crate::policy::Policy;
use crate::score;
use crate::signal::Signal;

/// The tier of findings not about one file (e.g. a policy-wide provenance finding).
pub const WHOLE_CHANGE: &str = "";

/// Saturated units of one signal in one tier, for one commit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Units {
    /// The finding id.
    pub signal: Signal,
    /// The tier of the file the findings were on ([`WHOLE_CHANGE`] for none).
    pub tier: String,
    /// Points at weight 1 and multiplier 1, summed over the findings.
    pub units: f64,
}

/// Saturated units of `facts` under `policy`'s repetition curve (caps lifted, every weight
/// and multiplier 1), in signal then tier order; zero rows left out.
#[must_use]
pub fn units(facts: &Facts, policy: &Policy) -> Vec<Units> {
    let mut unit_policy = policy.clone();
    for weight in unit_policy.weights.values_mut() {
        *weight = 1.0;
    }
    for tier in &mut unit_policy.tiers {
        tier.multiplier = 1.0;
    }
    unit_policy.scoring.per_file_cap = f64::INFINITY;
    unit_policy.scoring.per_signal_cap = f64::INFINITY;
    let scored = score::score(facts, &unit_policy);
    let mut sums: BTreeMap<(Signal, String), f64> = BTreeMap::new();
    for contribution in &scored.contributions {
        let tier = contribution.file.as_deref().map_or_else(
            || WHOLE_CHANGE.to_string(),
            |path| policy.tier(path).name.clone(),
        );
        *sums.entry((contribution.signal, tier)).or_default() += contribution.points;
    }
    sums.into_iter()
        .filter(|(_, units)| *units > 0.0)
        .map(|((signal, tier), units)| Units {
            signal,
            tier,
            units,
        })
        .collect()
}

/// The tier multipliers of `policy`, by name (the implicit `default` tier and
/// [`WHOLE_CHANGE`] at 1).
#[must_use]
pub fn multipliers(policy: &Policy) -> BTreeMap<String, f64> {
    let mut table: BTreeMap<String, f64> = policy
        .tiers
        .iter()
        .map(|tier| (tier.name.clone(), tier.multiplier))
        .collect();
    table.entry("default".to_string()).or_insert(1.0);
    table.insert(WHOLE_CHANGE.to_string(), 1.0);
    table
}
