//! What an AI-assistance marker is: a pattern applied to one field of a commit.

use regex::Regex;
use serde::{Deserialize, Serialize};

/// The part of a commit (or the gated ref) a marker is matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Field {
    /// One trailer line, `Key: value`, from the message's trailer block.
    Trailer,
    /// The whole commit message (patterns use `(?m)` to anchor at line starts).
    Message,
    /// The author's email, lowercased, matched as a whole.
    AuthorEmail,
    /// The author's name.
    AuthorName,
    /// The committer's email, lowercased, matched as a whole.
    CommitterEmail,
    /// The committer's name.
    CommitterName,
    /// The branch or ref being gated.
    Branch,
    /// A git note attached to the commit (e.g. git-ai's `refs/notes/ai`).
    Note,
}

impl Field {
    /// The kebab-case word used in policies and reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trailer => "trailer",
            Self::Message => "message",
            Self::AuthorEmail => "author-email",
            Self::AuthorName => "author-name",
            Self::CommitterEmail => "committer-email",
            Self::CommitterName => "committer-name",
            Self::Branch => "branch",
            Self::Note => "note",
        }
    }
}

/// How much a marker can be trusted on its own. Ordered from weakest to strongest.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Corroboration only (branch prefixes, subjects a human could write).
    Low,
    /// Documented by the tool but not seen in real commits, or easily mimicked.
    Medium,
    /// The tool's own default identity or trailer, seen in real commits.
    High,
}

/// What a match says about the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MarkerKind {
    /// Generative AI assistance.
    Ai,
    /// Dependency or CI automation, which is not AI.
    Automation,
}

/// One row of the marker table: a compiled pattern for one field.
#[derive(Debug, Clone)]
pub struct Marker {
    /// The tool this marker identifies, e.g. "Claude Code".
    pub tool: String,
    /// Which field the pattern is applied to.
    pub field: Field,
    /// The compiled pattern.
    pub pattern: Regex,
    /// How far the marker can be trusted alone.
    pub confidence: Confidence,
    /// AI or automation.
    pub kind: MarkerKind,
    /// Where the marker was documented or seen (for the report and for maintainers).
    pub source: String,
}
