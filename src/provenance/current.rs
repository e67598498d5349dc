//! Unit tests of the markers added in issue 11 ("provenance is current and honest"): each
//! new marker on a real-shaped commit, and the traps that must stay human or unknown.

use super::marker::{Confidence, Field, MarkerKind};
use super::test_support::{authored, commit, noted, who};
use super::{Evidence, Options, Provenance, detect};
use crate::diff::{Commit, Note, RequestText};
use crate::vocabulary::Authorship;

fn run(commits: &[Commit]) -> Provenance {
    detect(commits, None, &Options::default())
}

fn counted_ai(provenance: &Provenance) -> Vec<&Evidence> {
    provenance
        .evidence
        .iter()
        .filter(|e| e.kind == MarkerKind::Ai && e.counted)
        .collect()
}

/// A commit whose committer (only) is `name <email>`.
fn committed(id: &str, name: &str, email: &str) -> Commit {
    Commit {
        committer: who(name, email),
        ..commit(id, "Change things", &[])
    }
}

/// A description, a commit, and the tool, field and confidence expected in it.
type Case = (&'static str, Commit, &'static str, Field, Confidence);

/// Each case's commit is AI, with counted evidence of its tool, field and confidence.
fn assert_ai(cases: Vec<Case>) {
    for (what, commit, tool, field, confidence) in cases {
        let provenance = run(std::slice::from_ref(&commit));
        assert_eq!(
            provenance.authorship,
            Authorship::Ai,
            "{what}: {:?}",
            provenance.evidence
        );
        let found = counted_ai(&provenance);
        assert!(
            found.iter().any(|e| e.tool == tool
                && e.field == field
                && e.confidence == confidence
                && e.commit == Some(commit.id)),
            "{what}: {found:?}"
        );
    }
}

/// Each new trailer marker (and Crush's message line) makes its commit AI, naming the tool,
/// the field and the confidence.
#[test]
fn trailer_markers_are_ai() {
    let crush_body =
        "Add inbox\n\n💘 Generated with Crush\n\nAssisted-by: GLM-5 via Crush <crush@charm.land>\n";
    assert_ai(vec![
        (
            "Crush Assisted-by",
            commit(
                "n1",
                crush_body,
                &[("Assisted-by", "GLM-5 via Crush <crush@charm.land>")],
            ),
            "Crush",
            Field::Trailer,
            Confidence::High,
        ),
        (
            "Crush generated line",
            commit("n2", crush_body, &[]),
            "Crush",
            Field::Message,
            Confidence::High,
        ),
        (
            "Crush co-author",
            commit(
                "n3",
                "Fix",
                &[("Co-Authored-By", "Crush <crush@charm.land>")],
            ),
            "Crush",
            Field::Trailer,
            Confidence::High,
        ),
        (
            "Crush co-author as Crush's own history signs it (charmbracelet/crush 83945ff)",
            commit(
                "n3b",
                "Fix",
                &[("Co-Authored-By", "Charm Crush <crush@charm.land>")],
            ),
            "Crush",
            Field::Trailer,
            Confidence::High,
        ),
        (
            "Copilot App co-author",
            commit(
                "n4",
                "Fix",
                &[(
                    "Co-authored-by",
                    "Copilot App <223556219+Copilot@users.noreply.github.com>",
                )],
            ),
            "GitHub Copilot CLI",
            Field::Trailer,
            Confidence::High,
        ),
        (
            "Copilot-Session",
            commit(
                "n5",
                "Fix",
                &[("Copilot-Session", "f886cd42-d3af-4244-92ca-f284082ce74a")],
            ),
            "GitHub Copilot CLI",
            Field::Trailer,
            Confidence::High,
        ),
        (
            "Agent-Logs-Url",
            commit(
                "n6",
                "Fix",
                &[(
                    "Agent-Logs-Url",
                    "https://github.com/xhluca/bm25s/sessions/31474705-aa",
                )],
            ),
            "GitHub Copilot coding agent",
            Field::Trailer,
            Confidence::High,
        ),
    ]);
}

/// Agent identities (author, committer, co-author) make their commit AI.
#[test]
fn identity_markers_are_ai() {
    assert_ai(vec![
        (
            "Kiro author",
            authored(
                "n7",
                "Spec",
                "Kiro Agent",
                "244629292+kiro-agent@users.noreply.github.com",
            ),
            "Kiro",
            Field::AuthorEmail,
            Confidence::High,
        ),
        (
            "Kiro bot committer",
            committed(
                "n8",
                "kiro-agent[bot]",
                "245459735+kiro-agent[bot]@users.noreply.github.com",
            ),
            "Kiro",
            Field::CommitterEmail,
            Confidence::High,
        ),
        (
            "Junie author",
            authored(
                "n9",
                "Fix",
                "junie-agent",
                "247260674+junie-agent@users.noreply.github.com",
            ),
            "JetBrains Junie",
            Field::AuthorEmail,
            Confidence::High,
        ),
        (
            "Warp Oz",
            commit(
                "n10",
                "Fix",
                &[("Co-Authored-By", "Oz <oz-agent@warp.dev>")],
            ),
            "Warp",
            Field::Trailer,
            Confidence::High,
        ),
        (
            "Mistral Vibe",
            commit(
                "n11",
                "Fix",
                &[("Co-Authored-By", "Mistral Vibe <vibe@mistral.ai>")],
            ),
            "Mistral Vibe",
            Field::Trailer,
            Confidence::High,
        ),
        (
            "claude[bot] co-author",
            commit(
                "n12",
                "Fix",
                &[(
                    "Co-authored-by",
                    "claude[bot] <209825114+claude[bot]@users.noreply.github.com>",
                )],
            ),
            "AI agent app",
            Field::Trailer,
            Confidence::Medium,
        ),
        (
            "claude[bot] committer",
            committed(
                "n13",
                "claude[bot]",
                "41898282+claude[bot]@users.noreply.github.com",
            ),
            "Claude GitHub App",
            Field::CommitterEmail,
            Confidence::High,
        ),
        (
            "Jules committer",
            committed(
                "n14",
                "google-labs-jules[bot]",
                "161369871+google-labs-jules[bot]@users.noreply.github.com",
            ),
            "AI agent app",
            Field::CommitterEmail,
            Confidence::Medium,
        ),
    ]);
}

/// Prompt-style messages, co-author lines outside the trailer block, git-ai v3 notes and
/// Agent Trace records make their commit AI.
#[test]
fn message_and_note_markers_are_ai() {
    assert_ai(vec![
        (
            "prompt-style subject",
            commit("n15", "Ask Claude to add retries to the fetcher", &[]),
            "Prompt-style subject",
            Field::Message,
            Confidence::Medium,
        ),
        (
            "body starting Prompt:",
            commit(
                "n16",
                "Add retries\n\nPrompt: add retries with backoff to the fetcher\n",
                &[],
            ),
            "Prompt-style body",
            Field::Message,
            Confidence::Medium,
        ),
        (
            "mid-message co-author",
            commit(
                "n17",
                "Fix parser\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n\nTested on 3.12.\n",
                &[],
            ),
            "Claude Code",
            Field::Message,
            Confidence::Medium,
        ),
        (
            "git-ai v3 sessions note",
            noted(
                "n18",
                "src/main.rs\n  s_c9883b05a2487d::t_9f8e7d6c5b4a32 1-10\n  h_31dce776f88375 11-12\n---\n{\n  \"schema_version\": \"authorship/3.0.0\",\n  \"base_commit_sha\": \"abc\",\n  \"humans\": {\"h_31dce776f88375\": {\"author\": \"Jane\"}},\n  \"sessions\": {\"s_c9883b05a2487d\": {\"agent_id\": {\"tool\": \"claude\"}}}\n}\n",
            ),
            "git-ai",
            Field::Note,
            Confidence::High,
        ),
        (
            "Agent Trace note",
            Commit {
                notes: vec![Note {
                    notes_ref: super::AGENT_TRACE_NOTES_REF.to_owned(),
                    text: r#"{"version":"0.1.0","id":"550e8400-e29b-41d4-a716-446655440000","timestamp":"2026-01-25T10:00:00Z","files":[{"path":"src/app.ts","conversations":[{"contributor":{"type":"ai"},"ranges":[{"start_line":1,"end_line":50}]}]}]}"#.to_owned(),
                }],
                ..commit("n19", "Add app", &[])
            },
            "Agent Trace",
            Field::Note,
            Confidence::High,
        ),
    ]);
}

/// The traps: a committer-only `(aider)`, the human Junie names as co-author, prose and
/// mid-line mentions, a co-author line with an unknown address, a subject that asks a
/// person named Claude, and a human-only git-ai v3 note all leave the change unknown.
#[test]
fn traps_stay_unknown() {
    let cases: Vec<(&str, Commit)> = vec![
        (
            "aider committer only",
            committed("t1", "Jane Doe (aider)", "jane@example.org"),
        ),
        (
            "prose naming tools",
            commit(
                "t2",
                "Tidy parser\n\nClaude and Copilot both suggested this; we asked Claude to explain it.\n",
                &[],
            ),
        ),
        (
            "mid-line co-author quote",
            commit(
                "t3",
                "Strip attribution\n\nTools add `Co-Authored-By: Claude <noreply@anthropic.com>` to messages.\n",
                &[],
            ),
        ),
        (
            "co-author line with a person's address",
            commit(
                "t4",
                "Pair work\n\nCo-Authored-By: Claude Dupont <claude@dupont.fr>\n\nMore notes.\n",
                &[],
            ),
        ),
        (
            "asking a person",
            commit("t5", "Ask Claude Martin to review the schema", &[]),
        ),
        (
            "prompt mentioned later",
            commit(
                "t6",
                "Add CLI\n\nThe --prompt: flag sets the prompt.\n",
                &[],
            ),
        ),
        (
            "human-only git-ai v3 note",
            noted(
                "t7",
                "src/lib.rs\n  h_0123456789abcd 1-20\n---\n{\n  \"schema_version\": \"authorship/3.0.0\",\n  \"humans\": {\"h_0123456789abcd\": {\"author\": \"Jane\"}},\n  \"sessions\": {}\n}\n",
            ),
        ),
    ];
    for (what, commit) in cases {
        let provenance = run(std::slice::from_ref(&commit));
        assert_eq!(
            provenance.authorship,
            Authorship::Unknown,
            "{what}: {:?}",
            provenance.evidence
        );
        assert!(counted_ai(&provenance).is_empty(), "{what}");
    }
    // The committer-only suffix is still shown, as uncounted evidence, with its reason.
    let aider = run(&[committed("t1", "Jane Doe (aider)", "jane@example.org")]);
    assert_eq!(aider.evidence[0].confidence, Confidence::Low);
    assert!(!aider.evidence[0].counted);
    // A human-only note is not proof of a human either.
    let human_note = run(&[noted(
        "t7",
        "src/lib.rs\n  h_0123456789abcd 1-20\n---\n{\"schema_version\": \"authorship/3.0.0\"}\n",
    )]);
    assert!(
        human_note
            .reasons
            .iter()
            .any(|r| r.contains("not proof of a human")),
        "{:?}",
        human_note.reasons
    );
}

/// Junie commits as itself and names the person who triggered it as co-author: only the
/// Junie identity is evidence, never that person's trailer.
#[test]
fn junie_co_author_is_the_human() {
    let junie = Commit {
        trailers: vec![crate::diff::Trailer {
            key: "Co-authored-by".to_owned(),
            value: "Jane Doe <1234+jane@users.noreply.github.com>".to_owned(),
        }],
        ..authored(
            "j1",
            "Fix flaky test",
            "junie-agent",
            "247260674+junie-agent@users.noreply.github.com",
        )
    };
    let provenance = run(&[junie]);
    assert_eq!(provenance.authorship, Authorship::Ai);
    assert!(
        provenance
            .evidence
            .iter()
            .all(|e| e.tool == "JetBrains Junie" && e.field.is_identity()),
        "{:?}",
        provenance.evidence
    );
}

/// Crush's `Assisted-by` matches Crush's own row and the generic declaration row: one
/// piece of evidence, named Crush, at Crush's confidence.
#[test]
fn shared_text_is_one_piece_of_evidence() {
    let crush = commit(
        "d1",
        "Fix",
        &[("Assisted-by", "GLM-5 via Crush <crush@charm.land>")],
    );
    let provenance = run(&[crush]);
    assert_eq!(provenance.evidence.len(), 1, "{:?}", provenance.evidence);
    assert_eq!(provenance.evidence[0].tool, "Crush");
    assert_eq!(provenance.evidence[0].confidence, Confidence::High);
}

/// Pull-request text is read for agents' markers and reported with its place; a body that
/// merely mentions a tool is not evidence.
#[test]
fn pull_request_text_is_read() {
    let codex = RequestText {
        title: Some("Fix uv_build upper bound".to_owned()),
        body: Some(
            "Closes #1\n\nhttps://chatgpt.com/codex/tasks/task_e_687a53ba646c8331baa4140c5b2bec70\n"
                .to_owned(),
        ),
    };
    let options = Options {
        pull_request: Some(&codex),
        ..Options::default()
    };
    let provenance = detect(&[commit("p1", "Fix", &[])], None, &options);
    assert_eq!(provenance.authorship, Authorship::Ai);
    let evidence = &provenance.evidence[0];
    assert_eq!(
        (evidence.commit, evidence.field, evidence.tool.as_str()),
        (None, Field::PullRequestBody, "OpenAI Codex")
    );
    assert_eq!(evidence.location(), "pull request body");
    assert!(
        provenance.reasons[0].contains("in the pull request body"),
        "{:?}",
        provenance.reasons
    );
    let prose = RequestText {
        title: Some("Ask for review".to_owned()),
        body: Some("We compared this with what Codex and Jules produce.".to_owned()),
    };
    let options = Options {
        pull_request: Some(&prose),
        ..Options::default()
    };
    let provenance = detect(&[commit("p2", "Fix", &[])], None, &options);
    assert_eq!(provenance.authorship, Authorship::Unknown);
}
