//! Rows for explicit disclosure (ai-markers.md §2) and AI-authorship notes (§3).
//!
//! Confidence mapping: these are D (documented by a project policy or a tool's spec).
//! A trailer key that only exists to disclose AI (`Co-authored-by-AI`, the kernel's
//! `Assisted-by: AGENT:MODEL` form) and git-ai's structured note are `High`. A key other
//! tools or people may also use (`Generated-by: protoc`, `Assisted-by: Jane`) is `Medium`,
//! and so are the ad-hoc `AI-…:` keys (I), which a person writes on purpose.

use super::Row;
use crate::provenance::marker::Confidence::{High, Medium};
use crate::provenance::marker::Field::{Note, Trailer};
use crate::provenance::marker::MarkerKind::Ai;

/// Declaration trailers and AI-authorship notes.
pub(super) static ROWS: &[Row] = &[
    Row {
        tool: "Assisted-by declaration",
        field: Trailer,
        pattern: r"(?i)^assisted-by:\s*[^:\s]+:\S+(\s+\S+)*\s*$",
        confidence: High,
        kind: Ai,
        source: "ai-markers.md §2 (D): torvalds/linux Documentation/process/coding-assistants.rst",
        example: "Assisted-by: Claude:claude-3-opus coccinelle sparse",
    },
    // Same tool name as the kernel row on purpose: one trailer is one piece of evidence,
    // and deduplication keeps the stronger of the two.
    Row {
        tool: "Assisted-by declaration",
        field: Trailer,
        pattern: r"(?i)^assisted-by:\s*\S",
        confidence: Medium,
        kind: Ai,
        source: "ai-markers.md §2 (D): Fedora AI-Assisted Contributions Policy; OpenStack Nova AI attribution trailers",
        example: "Assisted-by: generic LLM chatbot",
    },
    Row {
        tool: "Generated-by",
        field: Trailer,
        pattern: r"(?i)^generated-by:\s*\S",
        confidence: Medium,
        kind: Ai,
        source: "ai-markers.md §2 (D): apache.org/legal/generative-tooling.html; OpenStack Nova",
        example: "Generated-By: ChatGPT gpt-4o",
    },
    Row {
        tool: "Co-authored-by-AI",
        field: Trailer,
        pattern: r"(?i)^co-authored-by-ai:\s*\S",
        confidence: High,
        kind: Ai,
        source: "ai-markers.md §2 (D): OpenLiberty GENAI_GUIDELINES.md",
        example: "Co-authored-by-AI: IBM Bob (granite)",
    },
    // `AI-Assisted` is matched on a yes value only: `AI-Assisted: false` is a person
    // saying the opposite.
    Row {
        tool: "AI-Assisted",
        field: Trailer,
        pattern: r"(?i)^ai-assisted:\s*(true|yes|y|1)\s*$",
        confidence: Medium,
        kind: Ai,
        source: "ai-markers.md §2 (I): ad-hoc; block/aittributor PR #15",
        example: "Ai-assisted: true",
    },
    Row {
        tool: "AI-Agent",
        field: Trailer,
        pattern: r"(?i)^ai-(agent|tool|model):\s*\S",
        confidence: Medium,
        kind: Ai,
        source: "ai-markers.md §2 (I): ad-hoc AI-Agent / AI-Tool / AI-Model trailers",
        example: "AI-Agent: claude-code",
    },
    // git-ai: the note needs an attestation line with an AI key (`s_…::t_…` or the legacy
    // 16-hex form), then the `---` separator, then the authorship schema. Requiring the AI
    // key is what keeps a human-only note (all `h_` keys) from matching.
    Row {
        tool: "git-ai",
        field: Note,
        pattern: r#"(?ms)^[ \t]+(s_[0-9a-f]{14}::t_[0-9a-f]{14}|[0-9a-f]{16})[ \t].*?^---$.*?"schema_version"\s*:\s*"authorship/"#,
        confidence: High,
        kind: Ai,
        source: "ai-markers.md §3 (D): git-ai src/git/refs.rs, authorship_log_serialization.rs, specs/git_ai_standard_v3.0.0.md",
        example: "src/lib.rs\n  s_0123456789abcd::t_0123456789abcd 1-12,20\n---\n{\n  \"schema_version\": \"authorship/3.0.0\",\n  \"base_commit_sha\": \"abc\"\n}\n",
    },
];
