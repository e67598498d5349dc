//! Is the change AI-assisted? Evidence from trailers, identities, branch names and notes.
//!
//! The stage reads commits (and the gated branch name), matches them against a table of
//! markers that AI tools and bots leave behind, and decides [`Authorship`]. It never looks
//! at the diff: markers quoted in code, docs or tests are not evidence (ai-markers.md §5.7).
//! Absence of markers is not evidence of a human either (§5.5), which is why a change with
//! no marker and no declaration is `Unknown` and the policy decides what that means.

#[cfg(test)]
mod current;
mod detect;
mod disclosure;
pub mod marker;
mod rules;
mod table;
#[cfg(test)]
mod test_support;
mod trace;

use serde::Serialize;

pub use detect::detect;
pub use disclosure::Undisclosed;
pub use marker::{Confidence, Field, Marker, MarkerKind};

use crate::diff::RequestText;
use crate::git::CommitId;
use crate::vocabulary::Authorship;

/// Where git-ai keeps its line-level attribution (ai-markers.md §3).
pub const GIT_AI_NOTES_REF: &str = "refs/notes/ai";

/// Where a repository keeps Agent Trace records as notes. The specification leaves storage
/// open (cursor/agent-trace README, FAQ); this is the ref blastgate reads them from.
pub const AGENT_TRACE_NOTES_REF: &str = "refs/notes/agent-trace";

/// Notes refs whose notes the change sources attach to commits for the `note` field.
pub const NOTES_REFS: &[&str] = &[GIT_AI_NOTES_REF, AGENT_TRACE_NOTES_REF];

/// Knobs for [`detect()`].
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// What the author declared (`--ai yes|no`, or a PR checkbox); `None` when silent.
    pub declared: Option<bool>,
    /// Evidence below this confidence is reported but does not decide anything.
    pub min_confidence: Confidence,
    /// Markers from the policy, applied exactly like the built-in ones.
    pub extra_markers: &'a [Marker],
    /// The pull request's title and body, when judged in CI for one.
    pub pull_request: Option<&'a RequestText>,
    /// The trailer key the policy requires on AI-assisted commits (`Assisted-by`).
    pub require_disclosure: Option<&'a str>,
}

impl Default for Options<'_> {
    /// No declaration, `Medium` minimum (branch prefixes alone do not count), no extras.
    fn default() -> Self {
        Self {
            declared: None,
            min_confidence: Confidence::Medium,
            extra_markers: &[],
            pull_request: None,
            require_disclosure: None,
        }
    }
}

/// The stage's answer: who wrote the change, and why we think so.
#[derive(Debug, Clone, Serialize)]
pub struct Provenance {
    /// The decision.
    pub authorship: Authorship,
    /// The declaration that was given, if any.
    pub declared: Option<bool>,
    /// Every marker found, counted or not, deduplicated per commit, field and tool.
    pub evidence: Vec<Evidence>,
    /// Sentences explaining the decision, in the order the rules were applied.
    pub reasons: Vec<String>,
    /// AI evidence without the disclosure the policy requires; `None` when nothing is
    /// missing or the policy requires none.
    pub undisclosed: Option<Undisclosed>,
}

/// One marker found in one commit (or in the gated branch name, or the pull request).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Evidence {
    /// Full commit id; `None` when the marker is in the gated branch name or the pull
    /// request's title or body (`field` says which).
    pub commit: Option<CommitId>,
    /// Where in the commit it was found.
    pub field: Field,
    /// The tool (or policy) the marker identifies.
    pub tool: String,
    /// The matched text, whitespace collapsed, at most 120 characters.
    pub marker: String,
    /// How far this marker can be trusted.
    pub confidence: Confidence,
    /// AI or automation.
    pub kind: MarkerKind,
    /// Whether the confidence reached `min_confidence`, so the evidence took part in the decision.
    pub counted: bool,
}

impl Evidence {
    /// Where the marker was found, for reports: `0123456789ab trailer`, `branch branch`,
    /// `pull request body`.
    #[must_use]
    pub fn location(&self) -> String {
        match (&self.commit, self.field) {
            (Some(id), field) => format!("{} {}", id.short(), field.as_str()),
            (None, field @ marker::Field::Branch) => format!("branch {}", field.as_str()),
            (None, field) => field.place().to_owned(),
        }
    }
}
