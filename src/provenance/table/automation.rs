//! Rows for dependency and CI bots (ai-markers.md §4): automation, never AI.
//!
//! Identities are matched on the bot's login, not on its numeric id (41898282 is both
//! `github-actions[bot]` and claude-code-action's default `bot_id`). Only the author is
//! checked: a bot that merely commits a person's change (the committer) did not write it.
//! A bot's own identity is `High`; body blocks the bot writes are `Medium`; subjects and
//! branch names a person could also write are `Low`, so that a human commit titled
//! "Bump serde from 1 to 2" does not pass as automation by default.
//! The GitHub web-flow committer `GitHub <noreply@github.com>` is neutral and has no row.
//! Only identity rows can make a change automation (`rules`); trailer, message and branch
//! rows are text anyone can type, recorded as evidence but never deciding (issue 12).

use super::Row;
use crate::provenance::marker::Confidence::{High, Low, Medium};
use crate::provenance::marker::Field::{AuthorEmail, AuthorName, Branch, Message, Trailer};
use crate::provenance::marker::MarkerKind::Automation;

/// Dependency and CI bots.
pub(super) static ROWS: &[Row] = &[
    Row {
        tool: "Dependabot",
        field: AuthorEmail,
        pattern: r"(?i)^\d+\+dependabot\[bot\]@users\.noreply\.github\.com$",
        confidence: High,
        kind: Automation,
        source: "ai-markers.md §4: Dependabot author email",
        example: "49699333+dependabot[bot]@users.noreply.github.com",
    },
    Row {
        tool: "Dependabot",
        field: Trailer,
        pattern: r"(?i)^signed-off-by:\s*dependabot\[bot\]\s*<support@github\.com>",
        confidence: High,
        kind: Automation,
        source: "ai-markers.md §4: Dependabot sign-off",
        example: "Signed-off-by: dependabot[bot] <support@github.com>",
    },
    Row {
        tool: "Dependabot",
        field: Message,
        pattern: r"(?m)^updated-dependencies:",
        confidence: Medium,
        kind: Automation,
        source: "ai-markers.md §4: Dependabot body block",
        example: "Bump serde\n\n---\nupdated-dependencies:\n- dependency-name: serde\n",
    },
    Row {
        tool: "Dependabot",
        field: Message,
        pattern: r"\A(Build\(deps\): )?Bump \S+ from \S+ to \S+",
        confidence: Low,
        kind: Automation,
        source: "ai-markers.md §4: Dependabot subject",
        example: "Bump serde from 1.0.1 to 1.0.2",
    },
    Row {
        tool: "Dependabot",
        field: Branch,
        pattern: r"^dependabot/",
        confidence: Low,
        kind: Automation,
        source: "ai-markers.md §4: Dependabot branch",
        example: "dependabot/cargo/serde-1.0.2",
    },
    Row {
        tool: "Renovate",
        field: AuthorEmail,
        pattern: r"(?i)^\d+\+renovate\[bot\]@users\.noreply\.github\.com$",
        confidence: High,
        kind: Automation,
        source: "ai-markers.md §4: Renovate author email",
        example: "29139614+renovate[bot]@users.noreply.github.com",
    },
    Row {
        tool: "Renovate",
        field: AuthorEmail,
        pattern: r"(?i)^bot@renovateapp\.com$",
        confidence: High,
        kind: Automation,
        source: "ai-markers.md §4: Mend's hosted Renovate app, `Mend Renovate <bot@renovateapp.com>` (GoogleCloudPlatform/microservices-demo 34ffea9)",
        example: "bot@renovateapp.com",
    },
    Row {
        tool: "Renovate",
        field: Message,
        pattern: r"\A(Update dependency \S+|chore\(deps\): update )",
        confidence: Low,
        kind: Automation,
        source: "ai-markers.md §4: Renovate subjects",
        example: "chore(deps): update rust crate serde to v1.0.2",
    },
    Row {
        tool: "Renovate",
        field: Branch,
        pattern: r"^renovate/",
        confidence: Low,
        kind: Automation,
        source: "ai-markers.md §4: Renovate branch",
        example: "renovate/serde-1.x",
    },
    Row {
        tool: "GitHub Actions",
        field: AuthorEmail,
        pattern: r"(?i)^(\d+\+)?github-actions\[bot\]@users\.noreply\.github\.com$",
        confidence: High,
        kind: Automation,
        source: "ai-markers.md §4: github-actions[bot] (login, not id 41898282)",
        example: "41898282+github-actions[bot]@users.noreply.github.com",
    },
    Row {
        tool: "pre-commit.ci",
        field: AuthorEmail,
        pattern: r"(?i)^\d+\+pre-commit-ci\[bot\]@users\.noreply\.github\.com$",
        confidence: High,
        kind: Automation,
        source: "ai-markers.md §4: pre-commit.ci author email",
        example: "66853113+pre-commit-ci[bot]@users.noreply.github.com",
    },
    Row {
        tool: "pre-commit.ci",
        field: Message,
        pattern: r"\A\[pre-commit\.ci\] ",
        confidence: Low,
        kind: Automation,
        source: "ai-markers.md §4: pre-commit.ci subject",
        example: "[pre-commit.ci] auto fixes from pre-commit.com hooks",
    },
    Row {
        tool: "pre-commit.ci",
        field: Branch,
        pattern: r"^pre-commit-ci-update-config$",
        confidence: Low,
        kind: Automation,
        source: "ai-markers.md §4: pre-commit.ci branch",
        example: "pre-commit-ci-update-config",
    },
    // CodeQL and friends. Its Autofix co-author trailer is AI and lives in tools.rs.
    Row {
        tool: "GitHub bots",
        field: AuthorEmail,
        pattern: r"(?i)^\d+\+(allcontributors|mergify|github-advanced-security)\[bot\]@users\.noreply\.github\.com$",
        confidence: High,
        kind: Automation,
        source: "ai-markers.md §4: allcontributors[bot], mergify[bot], github-advanced-security[bot]",
        example: "37929162+mergify[bot]@users.noreply.github.com",
    },
    // These bots are known by name in the source table, not by a noreply address.
    Row {
        tool: "Release and image bots",
        field: AuthorName,
        pattern: r"(?i)^(semantic-release-bot|imgbot|imgbotapp|snyk-bot)$",
        confidence: Medium,
        kind: Automation,
        source: "ai-markers.md §4: semantic-release-bot, imgbot/ImgBotApp, snyk-bot",
        example: "ImgBotApp",
    },
    Row {
        tool: "Snyk",
        field: Branch,
        pattern: r"^snyk-fix-",
        confidence: Low,
        kind: Automation,
        source: "ai-markers.md §4: snyk-bot branch",
        example: "snyk-fix-0123abcd",
    },
];
