//! Words shared by every stage: the three decisions and who wrote a change.

use serde::{Deserialize, Serialize};

/// The gate's answer. Ordered from mildest to worst, so `max` combines verdicts.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// The change may go ahead.
    Allow,
    /// The change needs senior sign-off before it goes ahead.
    Review,
    /// The change must not go ahead as it is.
    Block,
}

impl Decision {
    /// The word used everywhere: `allow`, `review` or `block`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "allow",
            Self::Review => "review",
            Self::Block => "block",
        }
    }
}

impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who produced a change, as far as the evidence shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Authorship {
    /// At least one AI-assistance marker, or declared AI-assisted.
    Ai,
    /// Declared as written without AI assistance.
    Human,
    /// Only dependency or CI bots (dependabot, renovate, github-actions).
    Automation,
    /// No evidence either way; the policy decides how to treat it.
    Unknown,
}

impl Authorship {
    /// The word used in policies and reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ai => "ai",
            Self::Human => "human",
            Self::Automation => "automation",
            Self::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for Authorship {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
