//! Rows for pull-request markers (ai-markers.md §8): what cloud agents write into the pull
//! request they open, read from the CI event payload. The commits of such a request often
//! carry nothing (the agent's branch is squashed by a person), so the request is the record.
//!
//! All `Medium`: the PR body is text its author controls and could quote; it can raise
//! suspicion of AI use (docs/design.md, trust boundaries), and nothing here can lower it.

use super::Row;
use crate::provenance::marker::Confidence::Medium;
use crate::provenance::marker::Field::PullRequestBody;
use crate::provenance::marker::MarkerKind::Ai;

/// Pull-request body markers.
pub(super) static ROWS: &[Row] = &[
    Row {
        tool: "OpenAI Codex",
        field: PullRequestBody,
        pattern: r"https://chatgpt\.com/codex/tasks/task_?[a-z0-9_]{8,}",
        confidence: Medium,
        kind: Ai,
        source: "ai-markers.md §8 (V): Codex cloud PR footer; astral-sh/uv PR #14731",
        example: "Closes #14724\n\nhttps://chatgpt.com/codex/tasks/task_e_687a53ba646c8331baa4140c5b2bec70\n",
    },
    Row {
        tool: "Google Jules",
        field: PullRequestBody,
        pattern: r"PR created automatically by Jules for task \[\d+\]\(https://jules\.google\.com/task/\d+\)",
        confidence: Medium,
        kind: Ai,
        source: "ai-markers.md §8 (V): Jules PR footer in public PR archives",
        example: "---\n*PR created automatically by Jules for task [10568282859807385424](https://jules.google.com/task/10568282859807385424) started by @arii*",
    },
    Row {
        tool: "Claude Code",
        field: PullRequestBody,
        pattern: r"(?m)(^(🤖 )?Generated with \[Claude Code\]\(https://(claude\.ai/code|claude\.com/claude-code)\)|https://claude\.ai/code/session_[A-Za-z0-9]+)",
        confidence: Medium,
        kind: Ai,
        source: "ai-markers.md §8 (V): Claude Code on the web PR body (attribution line, session link)",
        example: "## Summary\n- fix\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\nhttps://claude.ai/code/session_01Vu1EKWdpNoMpEwFQ2pVyNU\n",
    },
    Row {
        tool: "GitHub Copilot coding agent",
        field: PullRequestBody,
        pattern: r"<!-- START COPILOT (CODING AGENT (SUFFIX|TIPS)|ORIGINAL PROMPT) -->",
        confidence: Medium,
        kind: Ai,
        source: "ai-markers.md §8 (V): Copilot coding agent PR body comments, kept in squash commits",
        example: "- Fixes #10595\n\n<!-- START COPILOT CODING AGENT SUFFIX -->\n",
    },
    Row {
        tool: "Cursor",
        field: PullRequestBody,
        pattern: r"Made with \[Cursor\]\(https://cursor\.com\)|cursor\.com/agents/bc-[0-9a-f-]{36}",
        confidence: Medium,
        kind: Ai,
        source: "ai-markers.md §1 (V, PR text): getsentry/sentry-docs #16597; superdurable/dex #310",
        example: "Made with [Cursor](https://cursor.com)",
    },
];
