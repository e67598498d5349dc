//! Rows for agents and identities added in issue 11 (ai-markers.md §7), with the same
//! confidence mapping as `tools.rs`: an identity the tool owns (its noreply address, its
//! `<id>+<login>` form) is `High`; free text a person could write or quote is `Medium`.
//!
//! The last rows are generic: the GitHub App logins of coding agents as author, committer or
//! co-author. They are `Medium` (some logins are known only from lists), and come last so
//! that a tool's own, stronger row names the evidence when both match the same text.

use super::Row;
use crate::provenance::marker::Confidence::{High, Medium};
use crate::provenance::marker::Field::{AuthorEmail, CommitterEmail, Message, Trailer};
use crate::provenance::marker::MarkerKind::Ai;

/// Agents added in issue 11, then the generic agent-app identities.
pub(super) static ROWS: &[Row] = &[
    // --- Crush (Charm) -------------------------------------------------------------------
    // The default `trailer_style` is `assisted-by`, naming the model "via Crush".
    Row {
        tool: "Crush",
        field: Trailer,
        pattern: r"(?i)^assisted-by:[^<\n]*\bvia crush\s*<crush@charm\.land>\s*$",
        confidence: High,
        kind: Ai,
        source: "ai-markers.md §7.1 (D/V): charmbracelet/crush README `attribution.trailer_style`",
        example: "Assisted-by: Claude Sonnet 4.5 via Crush <crush@charm.land>",
    },
    Row {
        tool: "Crush",
        field: Trailer,
        // By address: Crush's own history signs it `Charm Crush` (charmbracelet/crush 83945ff).
        pattern: r"(?i)^co-authored-by:[^<\n]*<crush@charm\.land>\s*$",
        confidence: High,
        kind: Ai,
        source: "ai-markers.md §7.1 (D): charmbracelet/crush `trailer_style: co-authored-by`",
        example: "Co-Authored-By: Charm Crush <crush@charm.land>",
    },
    Row {
        tool: "Crush",
        field: Message,
        pattern: r"(?m)^(💘 )?Generated with Crush[ \t]*$",
        confidence: High,
        kind: Ai,
        source: "ai-markers.md §7.1 (D/V): charmbracelet/crush README `generated_with` (default true)",
        example: "Add inbox\n\n💘 Generated with Crush\n\nAssisted-by: GLM-5 via Crush <crush@charm.land>\n",
    },
    // --- GitHub Copilot CLI session ------------------------------------------------------
    Row {
        tool: "GitHub Copilot CLI",
        field: Trailer,
        pattern: r"(?i)^copilot-session:\s*[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\s*$",
        confidence: High,
        kind: Ai,
        source: "ai-markers.md §7.2 (V): `Copilot-Session:` next to the 223556219+Copilot co-author in public commits",
        example: "Copilot-Session: f886cd42-d3af-4244-92ca-f284082ce74a",
    },
    // --- Kiro (AWS) ------------------------------------------------------------------------
    Row {
        tool: "Kiro",
        field: AuthorEmail,
        pattern: r"(?i)^\d+\+kiro-agent(\[bot\])?@users\.noreply\.github\.com$",
        confidence: High,
        kind: Ai,
        source: "ai-markers.md §7.3 (V): `Kiro Agent <244629292+kiro-agent@…>`, `245459735+kiro-agent[bot]@…`",
        example: "244629292+kiro-agent@users.noreply.github.com",
    },
    Row {
        tool: "Kiro",
        field: CommitterEmail,
        pattern: r"(?i)^\d+\+kiro-agent(\[bot\])?@users\.noreply\.github\.com$",
        confidence: High,
        kind: Ai,
        source: "ai-markers.md §7.3 (V): GIT_COMMITTER_EMAIL set to the Kiro Agent identity",
        example: "245459735+kiro-agent[bot]@users.noreply.github.com",
    },
    Row {
        tool: "Kiro",
        field: Trailer,
        pattern: r"(?i)^co-authored-by:[^<\n]*<\d+\+kiro-agent(\[bot\])?@users\.noreply\.github\.com>",
        confidence: High,
        kind: Ai,
        source: "ai-markers.md §7.3 (V): `Co-authored-by: Kiro Agent <244629292+kiro-agent@…>`",
        example: "Co-authored-by: Kiro Agent <244629292+kiro-agent@users.noreply.github.com>",
    },
    // --- JetBrains Junie (GitHub) ---------------------------------------------------------
    // Junie commits as itself and adds the person who triggered it as co-author: that
    // person is a human and no row matches them.
    Row {
        tool: "JetBrains Junie",
        field: AuthorEmail,
        pattern: r"(?i)^\d+\+junie-agent@users\.noreply\.github\.com$",
        confidence: High,
        kind: Ai,
        source: "ai-markers.md §7.4 (V): `junie-agent` (id 247260674) noreply identity",
        example: "247260674+junie-agent@users.noreply.github.com",
    },
    Row {
        tool: "JetBrains Junie",
        field: CommitterEmail,
        pattern: r"(?i)^\d+\+junie-agent@users\.noreply\.github\.com$",
        confidence: High,
        kind: Ai,
        source: "ai-markers.md §7.4 (V): `junie-agent` (id 247260674) noreply identity",
        example: "247260674+junie-agent@users.noreply.github.com",
    },
    // --- Warp (Oz) --------------------------------------------------------------------------
    Row {
        tool: "Warp",
        field: Trailer,
        pattern: r"(?i)^co-authored-by:\s*oz\s*<oz-agent@warp\.dev>\s*$",
        confidence: High,
        kind: Ai,
        source: "ai-markers.md §7.5 (V): `Co-Authored-By: Oz <oz-agent@warp.dev>` in public commits",
        example: "Co-Authored-By: Oz <oz-agent@warp.dev>",
    },
    Row {
        tool: "Warp",
        field: AuthorEmail,
        pattern: r"(?i)^oz-agent@warp\.dev$",
        confidence: High,
        kind: Ai,
        source: "ai-markers.md §7.5 (V): Warp's agent address",
        example: "oz-agent@warp.dev",
    },
    // --- Mistral Vibe -----------------------------------------------------------------------
    Row {
        tool: "Mistral Vibe",
        field: Trailer,
        pattern: r"(?i)^co-authored-by:[^<\n]*<vibe@mistral\.ai>\s*$",
        confidence: High,
        kind: Ai,
        source: "ai-markers.md §7.6 (V): `Co-Authored-By: Mistral Vibe <vibe@mistral.ai>`",
        example: "Co-Authored-By: Mistral Vibe <vibe@mistral.ai>",
    },
    Row {
        tool: "Mistral Vibe",
        field: AuthorEmail,
        pattern: r"(?i)^vibe@mistral\.ai$",
        confidence: High,
        kind: Ai,
        source: "ai-markers.md §7.6 (V): Mistral Vibe's address",
        example: "vibe@mistral.ai",
    },
    Row {
        tool: "Mistral Vibe",
        field: Message,
        pattern: r"(?m)^\*?Generated by Mistral Vibe\.?\*?[ \t]*$",
        confidence: Medium,
        kind: Ai,
        source: "ai-markers.md §7.6 (V): `Generated by Mistral Vibe.` line before the co-author",
        example: "Pin actions\n\nGenerated by Mistral Vibe.\nCo-Authored-By: Mistral Vibe <vibe@mistral.ai>\n",
    },
    // --- Prompt-style messages ----------------------------------------------------------------
    // Medium (§7.7): the subject is the prompt given to a tool. A person can write
    // "Ask Claude to …" too, but prose that merely names a tool does not start this way.
    Row {
        tool: "Prompt-style subject",
        field: Message,
        pattern: r"\A(?i:ask|asked|tell|told|instruct|prompt)[ \t]+(?i:claude( code)?|codex|copilot|cursor|gemini|chatgpt|devin|jules|aider|amp|junie|kiro|the (ai|agent|assistant)|ai)[ \t]+to[ \t]+\S",
        confidence: Medium,
        kind: Ai,
        source: "ai-markers.md §7.7 (I): prompts used as commit subjects (issue 11)",
        example: "Ask Claude to add retries to the fetcher",
    },
    Row {
        tool: "Prompt-style body",
        field: Message,
        pattern: r"\A[^\n]*\n[ \t]*\n(?i:prompt):[ \t]*\S",
        confidence: Medium,
        kind: Ai,
        source: "ai-markers.md §7.7 (I): a body that starts with the prompt (issue 11)",
        example: "Add retries\n\nPrompt: add retries with backoff to the fetcher\n",
    },
    // --- Generic coding-agent GitHub Apps ----------------------------------------------------
    Row {
        tool: "AI agent app",
        field: AuthorEmail,
        pattern: AGENT_APP_EMAIL,
        confidence: Medium,
        kind: Ai,
        source: "ai-markers.md §7.8 (V/I): coding-agent app logins as commit authors",
        example: "161369871+google-labs-jules[bot]@users.noreply.github.com",
    },
    Row {
        tool: "AI agent app",
        field: CommitterEmail,
        pattern: AGENT_APP_EMAIL,
        confidence: Medium,
        kind: Ai,
        source: "ai-markers.md §7.8 (V/I): coding-agent app logins as committers",
        example: "209825114+claude[bot]@users.noreply.github.com",
    },
    Row {
        tool: "AI agent app",
        field: Trailer,
        pattern: AGENT_APP_CO_AUTHOR,
        confidence: Medium,
        kind: Ai,
        source: "ai-markers.md §7.8 (V/I): coding-agent app logins as co-authors",
        example: "Co-authored-by: claude[bot] <209825114+claude[bot]@users.noreply.github.com>",
    },
];

/// The `<id>+<login>[bot]` address of a coding agent's GitHub App (§7.8). Logins only:
/// ids are shared (41898282 is also github-actions[bot]).
const AGENT_APP_EMAIL: &str = r"(?i)^\d+\+(claude|claude-code-action|anthropic-claude|copilot-swe-agent|devin-ai-integration|google-labs-jules|chatgpt-codex-connector|openai-codex|cursor|kiro-agent|factory-droid|gemini-code-assist|gemini-cli|amazon-q-developer|sourcegraph-cody|sweep-ai|jetbrains-ai|opencode-agent|openhands-ai|codegen-sh|roomote|cline|windsurf-bot)\[bot\]@users\.noreply\.github\.com$";

/// The same identities as a `Co-authored-by:` trailer.
const AGENT_APP_CO_AUTHOR: &str = r"(?i)^co-authored-by:[^<\n]*<\d+\+(claude|claude-code-action|anthropic-claude|copilot-swe-agent|devin-ai-integration|google-labs-jules|chatgpt-codex-connector|openai-codex|cursor|kiro-agent|factory-droid|gemini-code-assist|gemini-cli|amazon-q-developer|sourcegraph-cody|sweep-ai|jetbrains-ai|opencode-agent|openhands-ai|codegen-sh|roomote|cline|windsurf-bot)\[bot\]@users\.noreply\.github\.com>";
