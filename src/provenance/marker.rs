//! What an AI-assistance marker is: a pattern applied to one field of a commit.

use std::borrow::Cow;

use crate::pattern::Pattern;
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
    /// The pull (merge) request's title, from the CI platform's event payload.
    PullRequestTitle,
    /// The pull (merge) request's body (description), from the CI platform's event payload.
    PullRequestBody,
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
            Self::PullRequestTitle => "pull-request-title",
            Self::PullRequestBody => "pull-request-body",
        }
    }

    /// Where a marker found outside any commit was read, in words for reports: the gated
    /// branch name or the pull request's title or body.
    #[must_use]
    pub fn place(self) -> &'static str {
        match self {
            Self::PullRequestTitle => "pull request title",
            Self::PullRequestBody => "pull request body",
            _ => "branch",
        }
    }

    /// Puts a raw value in the shape this field's patterns expect.
    ///
    /// Emails are lowercased, because git keeps whatever case the user typed and the
    /// tables are written in lowercase. Branches lose `refs/heads/`, because tools name
    /// their branches (`claude/…`), not their refs. Other fields are used as they are.
    #[must_use]
    pub fn normalize(self, raw: &str) -> Cow<'_, str> {
        match self {
            Self::AuthorEmail | Self::CommitterEmail => Cow::Owned(raw.trim().to_lowercase()),
            Self::Branch => Cow::Borrowed(raw.strip_prefix("refs/heads/").unwrap_or(raw)),
            _ => Cow::Borrowed(raw),
        }
    }

    /// True for the author and committer identities, which a commit message cannot set:
    /// only these can make a change automation (a bot's trailer or subject can be typed
    /// by anyone, so it would let text downgrade a change, issue 12).
    #[must_use]
    pub fn is_identity(self) -> bool {
        matches!(
            self,
            Self::AuthorEmail | Self::AuthorName | Self::CommitterEmail | Self::CommitterName
        )
    }

    /// True for the email fields, whose patterns must match the whole address.
    #[must_use]
    pub fn is_email(self) -> bool {
        matches!(self, Self::AuthorEmail | Self::CommitterEmail)
    }
}

/// How much a marker can be trusted on its own. Ordered from weakest to strongest.
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
pub enum Confidence {
    /// Corroboration only (branch prefixes, subjects a human could write).
    Low,
    /// Documented by the tool but not seen in real commits, or easily mimicked.
    Medium,
    /// The tool's own default identity or trailer, seen in real commits.
    High,
}

impl Confidence {
    /// The lowercase word used in policies and reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }
}

impl std::fmt::Display for Confidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a match says about the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MarkerKind {
    /// Generative AI assistance.
    Ai,
    /// Dependency or CI automation, which is not AI.
    Automation,
}

impl MarkerKind {
    /// The lowercase word used in reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ai => "ai",
            Self::Automation => "automation",
        }
    }
}

/// One row of the marker table: a compiled pattern for one field.
#[derive(Debug, Clone)]
pub struct Marker {
    /// The tool this marker identifies, e.g. "Claude Code".
    pub tool: String,
    /// Which field the pattern is applied to.
    pub field: Field,
    /// The pattern, compiled on first need.
    pub pattern: Pattern,
    /// How far the marker can be trusted alone.
    pub confidence: Confidence,
    /// AI or automation.
    pub kind: MarkerKind,
    /// Where the marker was documented or seen (for the report and for maintainers).
    pub source: String,
}

impl Marker {
    /// The text this marker matches in `value`, a value already passed through
    /// [`Field::normalize`] for this marker's field; `lowered` is [`fold`](crate::pattern::fold)`(value)`.
    ///
    /// For email fields the match must cover the whole address: `claude@anthropic.com` or
    /// `x-roomote@roocode.com` must not pass for a tool's address just because a pattern
    /// (perhaps an unanchored one from a policy) finds a tail of it.
    #[must_use]
    pub fn find_in<'t>(&self, value: &'t str, lowered: &str) -> Option<&'t str> {
        let found = self.pattern.find(value, lowered)?;
        if self.field.is_email() && (found.start() != 0 || found.end() != value.len()) {
            return None;
        }
        Some(found.as_str())
    }
}
