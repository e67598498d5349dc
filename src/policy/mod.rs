//! The YAML policy: tiers, weights, thresholds, rules, seniors; read from the base revision.
