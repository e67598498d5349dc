//! Matching markers against a commit's trailers, identities, message and notes, the gated
//! branch name and the pull request's title and body; the decision itself is in `rules`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::marker::{Confidence, Field, Marker, MarkerKind};
use super::{Evidence, Options, Provenance, disclosure, rules, table, trace};
use crate::diff::Commit;
use crate::git::CommitId;

/// Longest matched text kept in a report; a git-ai note match can span many lines.
const MAX_MARKER_CHARS: usize = 120;

/// GitHub's merge subject records the PR's branch, which is otherwise lost after a merge
/// (ai-markers.md, field `BR`).
static MERGE_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^Merge pull request #\d+ from [^/\s]+/(\S+)")
        .expect("a fixed, tested pattern compiles")
});

/// Finds AI and automation markers in `commits` and the gated `branch`, and decides who
/// wrote the change.
///
/// Commits are read through their trailers (pre-parsed, last paragraph only, so a
/// trailer-looking line quoted in a body is not one), identities, full message and notes.
/// `branch` may be a ref (`refs/heads/claude/x`) or a plain name.
#[must_use]
pub fn detect(commits: &[Commit], branch: Option<&str>, options: &Options<'_>) -> Provenance {
    let markers: Vec<&Marker> = table::builtin()
        .iter()
        .chain(options.extra_markers)
        .collect();
    let mut found = Vec::new();
    if let Some(branch) = branch {
        scan(
            &markers,
            None,
            Field::Branch,
            branch,
            options.min_confidence,
            &mut found,
        );
    }
    if let Some(request) = options.pull_request {
        let parts = [
            (Field::PullRequestTitle, &request.title),
            (Field::PullRequestBody, &request.body),
        ];
        for (field, text) in parts {
            if let Some(text) = text {
                scan(
                    &markers,
                    None,
                    field,
                    text,
                    options.min_confidence,
                    &mut found,
                );
            }
        }
    }
    for commit in commits {
        for (field, value) in values(commit) {
            let id = Some(commit.id);
            scan(
                &markers,
                id,
                field,
                &value,
                options.min_confidence,
                &mut found,
            );
        }
        scan_loose_co_authors(&markers, commit, options.min_confidence, &mut found);
        for note in &commit.notes {
            if let Some(record) = trace::find(&note.text) {
                found.push(Evidence {
                    commit: Some(commit.id),
                    field: Field::Note,
                    tool: "Agent Trace".to_owned(),
                    marker: shorten(&record.marker),
                    // A structured record written by the agent's own hook (§7.10).
                    confidence: Confidence::High,
                    kind: MarkerKind::Ai,
                    counted: Confidence::High >= options.min_confidence,
                });
            }
        }
    }
    let evidence = dedup(found);
    let (authorship, reasons) = rules::decide(commits, options, &evidence);
    let undisclosed = options
        .require_disclosure
        .and_then(|trailer| disclosure::check(commits, &evidence, trailer));
    Provenance {
        authorship,
        declared: options.declared,
        evidence,
        reasons,
        undisclosed,
    }
}

/// `Co-Authored-By:` lines outside the trailer block (agents and people paste them
/// mid-message, or a blank line cuts them off the last paragraph). Such a line counts when
/// it names a known AI identity by its exact address, as the trailer rows match it, but at
/// most `Medium`: outside the trailer block it could also be quoted. A line that is also a
/// parsed trailer is left to the trailer scan. Prose that merely names a tool has no
/// `Co-Authored-By:` key at a line start and is never read here.
fn scan_loose_co_authors(
    markers: &[&Marker],
    commit: &Commit,
    min_confidence: Confidence,
    found: &mut Vec<Evidence>,
) {
    let trailer_lines: Vec<String> = commit
        .trailers
        .iter()
        .map(|t| trailer_line(&t.key, &t.value))
        .collect();
    let co_author_rows: Vec<&Marker> = markers
        .iter()
        .copied()
        .filter(|m| m.field == Field::Trailer && m.kind == MarkerKind::Ai)
        .collect();
    for line in commit.message.lines().skip(1) {
        let Some((key, value)) = line.trim().split_once(':') else {
            continue;
        };
        if !key.trim().eq_ignore_ascii_case("co-authored-by") {
            continue;
        }
        let line = trailer_line(key, value);
        if trailer_lines.contains(&line) {
            continue;
        }
        let lowered = crate::pattern::fold(&line);
        let matches = co_author_rows.iter().filter_map(|marker| {
            let text = marker.find_in(&line, &lowered)?;
            let confidence = marker.confidence.min(Confidence::Medium);
            Some(Evidence {
                commit: Some(commit.id),
                field: Field::Message,
                tool: marker.tool.clone(),
                marker: shorten(text),
                confidence,
                kind: marker.kind,
                counted: confidence >= min_confidence,
            })
        });
        found.extend(strongest_only(matches.collect()));
    }
}

/// A trailer as the table rows read it: `Key: value`, trimmed.
fn trailer_line(key: &str, value: &str) -> String {
    format!("{}: {}", key.trim(), value.trim())
}

/// Every value of `commit` a marker may read, each with its field.
fn values(commit: &Commit) -> Vec<(Field, Cow<'_, str>)> {
    // Trailers first: they are the tools' canonical records, so among equally strong
    // evidence the reason quotes a trailer rather than a message line.
    let mut values: Vec<(Field, Cow<'_, str>)> = commit
        .trailers
        .iter()
        .map(|trailer| {
            let line = trailer_line(&trailer.key, &trailer.value);
            (Field::Trailer, Cow::Owned(line))
        })
        .collect();
    values.extend([
        (
            Field::AuthorEmail,
            Cow::Borrowed(commit.author.email.as_str()),
        ),
        (
            Field::AuthorName,
            Cow::Borrowed(commit.author.name.as_str()),
        ),
        (
            Field::CommitterEmail,
            Cow::Borrowed(commit.committer.email.as_str()),
        ),
        (
            Field::CommitterName,
            Cow::Borrowed(commit.committer.name.as_str()),
        ),
        (Field::Message, Cow::Borrowed(commit.message.as_str())),
    ]);
    for note in &commit.notes {
        values.push((Field::Note, Cow::Borrowed(note.text.as_str())));
    }
    if let Some(branch) = MERGE_SUBJECT
        .captures(commit.summary())
        .and_then(|c| c.get(1))
    {
        values.push((Field::Branch, Cow::Borrowed(branch.as_str())));
    }
    values
}

/// Applies every marker for `field` to one raw value and records what matched.
fn scan(
    markers: &[&Marker],
    commit: Option<CommitId>,
    field: Field,
    raw: &str,
    min_confidence: Confidence,
    found: &mut Vec<Evidence>,
) {
    let value = field.normalize(raw);
    let lowered = crate::pattern::fold(&value);
    let mut matches = Vec::new();
    for marker in markers.iter().filter(|marker| marker.field == field) {
        if let Some(text) = marker.find_in(&value, &lowered) {
            matches.push(Evidence {
                commit,
                field,
                tool: marker.tool.clone(),
                marker: shorten(text),
                confidence: marker.confidence,
                kind: marker.kind,
                counted: marker.confidence >= min_confidence,
            });
        }
    }
    // A message, note or request body can hold markers of several tools; other fields are
    // one line, so one fact.
    match field {
        Field::Message | Field::Note | Field::PullRequestTitle | Field::PullRequestBody => {
            found.extend(matches);
        }
        _ => found.extend(strongest_only(matches)),
    }
}

/// Collapses whitespace (notes span lines) and cuts to [`MAX_MARKER_CHARS`].
fn shorten(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= MAX_MARKER_CHARS {
        return collapsed;
    }
    let mut cut: String = collapsed.chars().take(MAX_MARKER_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// One piece of evidence per commit, field and tool, keeping the strongest: the kernel
/// `Assisted-by` row and the generic one both match one trailer, which is one fact.
fn dedup(found: Vec<Evidence>) -> Vec<Evidence> {
    let mut kept: Vec<Evidence> = Vec::with_capacity(found.len());
    let mut index: HashMap<(Option<CommitId>, Field, String), usize> = HashMap::new();
    for evidence in found {
        let key = (evidence.commit, evidence.field, evidence.tool.clone());
        match index.get(&key) {
            Some(&at) if evidence.confidence > kept[at].confidence => kept[at] = evidence,
            Some(_) => {}
            None => {
                index.insert(key, kept.len());
                kept.push(evidence);
            }
        }
    }
    kept
}

/// Keeps the strongest of `matches` (the first among equals: tools come first in the
/// table), all read from one single-line value. One trailer line or identity is one fact,
/// even when a tool's own row and a generic row (Crush's `Assisted-by`, an agent app's
/// address) both match it; the stronger row names it.
fn strongest_only(matches: Vec<Evidence>) -> Option<Evidence> {
    matches.into_iter().reduce(|best, e| {
        if e.confidence > best.confidence {
            e
        } else {
            best
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::Pattern;
    use crate::provenance::marker::MarkerKind;
    use crate::provenance::test_support::{authored, commit, noted, who};
    use crate::vocabulary::Authorship;

    const GIT_AI_NOTE: &str = "src/lib.rs\n  s_0123456789abcd::t_0123456789abcd 1-12\n  \
        h_0123456789abcd 13-20\n---\n{\n  \"schema_version\": \"authorship/3.0.0\",\n  \
        \"base_commit_sha\": \"abc\",\n  \"prompts\": {}\n}\n";
    const GIT_AI_HUMAN_NOTE: &str = "src/lib.rs\n  h_0123456789abcd 1-20\n---\n{\n  \
        \"schema_version\": \"authorship/3.0.0\",\n  \"humans\": {}\n}\n";

    fn run(commits: &[Commit]) -> Provenance {
        detect(commits, None, &Options::default())
    }

    fn ai_evidence(provenance: &Provenance) -> Vec<&Evidence> {
        provenance
            .evidence
            .iter()
            .filter(|e| e.kind == MarkerKind::Ai)
            .collect()
    }

    /// A description, a commit, and the tool and field expected to be found in it.
    type Case = (&'static str, Commit, &'static str, Field);

    fn assert_ai(cases: Vec<Case>) {
        for (what, commit, tool, field) in cases {
            let provenance = run(std::slice::from_ref(&commit));
            assert_eq!(
                provenance.authorship,
                Authorship::Ai,
                "{what}: {:?}",
                provenance.reasons
            );
            assert!(
                ai_evidence(&provenance).iter().any(|e| e.tool == tool
                    && e.field == field
                    && e.counted
                    && e.commit == Some(commit.id)),
                "{what}: {:?}",
                provenance.evidence
            );
        }
    }

    /// Real markers left by AI tools make the change `Ai`, naming the tool and field.
    #[test]
    fn real_tool_markers_are_ai() {
        assert_ai(vec![
            (
                "Claude Code trailer",
                commit(
                    "a1",
                    "Fix parser\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\n\
                     Co-Authored-By: Claude <noreply@anthropic.com>\n",
                    &[("Co-Authored-By", "Claude <noreply@anthropic.com>")],
                ),
                "Claude Code",
                Field::Trailer,
            ),
            (
                "Claude Code message line",
                commit(
                    "a2",
                    "Fix parser\n\n🤖 Generated with [Claude Code](https://claude.ai/code)\n",
                    &[],
                ),
                "Claude Code",
                Field::Message,
            ),
            (
                "Copilot coding agent author, web-flow committer",
                Commit {
                    committer: who("GitHub", "noreply@github.com"),
                    ..authored(
                        "a3",
                        "Add tests",
                        "Copilot",
                        "198982749+Copilot@users.noreply.github.com",
                    )
                },
                "GitHub Copilot coding agent",
                Field::AuthorEmail,
            ),
            (
                "Cursor co-author",
                commit(
                    "a4",
                    "Refactor",
                    &[("Co-authored-by", "Cursor <cursoragent@cursor.com>")],
                ),
                "Cursor",
                Field::Trailer,
            ),
            (
                "aider author name",
                Commit {
                    author: who("Paul Gauthier (aider)", "paul@aider.chat"),
                    committer: who("Paul Gauthier (aider)", "paul@aider.chat"),
                    ..commit("a5", "Use correct token type", &[])
                },
                "Aider",
                Field::AuthorName,
            ),
            (
                "Codex co-author",
                commit(
                    "a6",
                    "Tidy",
                    &[("Co-authored-by", "Codex <noreply@openai.com>")],
                ),
                "OpenAI Codex",
                Field::Trailer,
            ),
        ]);
    }

    /// Project declaration trailers and git-ai notes make the change `Ai`.
    #[test]
    fn declarations_and_notes_are_ai() {
        assert_ai(vec![
            (
                "Linux kernel Assisted-by",
                commit(
                    "a7",
                    "mm: fix",
                    &[("Assisted-by", "Claude:claude-3-opus coccinelle")],
                ),
                "Assisted-by declaration",
                Field::Trailer,
            ),
            (
                "ASF Generated-by",
                commit("a8", "Add docs", &[("Generated-by", "ChatGPT")]),
                "Generated-by",
                Field::Trailer,
            ),
            (
                "git-ai note",
                noted("a9", GIT_AI_NOTE),
                "git-ai",
                Field::Note,
            ),
        ]);
    }

    /// Names, prose, lookalike emails, quoted lines and non-AI trailers are not evidence.
    #[test]
    fn lookalikes_are_not_ai() {
        let quoted = "Document attribution\n\nClaude Code adds a line like \
                      `Co-Authored-By: Claude <noreply@anthropic.com>`, which we now strip.\n\n\
                      Signed-off-by: Jane Doe <jane@example.org>\n";
        let cases: Vec<(&str, Commit)> = vec![
            (
                "prose Copilot",
                commit("b1", "Fix bug Copilot suggested", &[]),
            ),
            (
                "prose Claude",
                commit("b2", "Tidy\n\nthanks Claude for the review", &[]),
            ),
            (
                "person named Claude",
                authored("b3", "Fix", "Claude Martin", "claude.martin@example.org"),
            ),
            (
                "co-author named Claude",
                commit(
                    "b4",
                    "Fix",
                    &[("Co-authored-by", "Claude Dupont <claude@dupont.fr>")],
                ),
            ),
            (
                "Anthropic employee",
                authored("b5", "Fix", "Jane", "jane@anthropic.com"),
            ),
            (
                "claimed claude@anthropic.com",
                authored("b6", "Fix", "Claude", "claude@anthropic.com"),
            ),
            (
                "privacy email",
                authored(
                    "b7",
                    "Fix",
                    "someone",
                    "12345+someone@users.noreply.github.com",
                ),
            ),
            (
                "quoted trailer in body",
                commit(
                    "b8",
                    quoted,
                    &[("Signed-off-by", "Jane Doe <jane@example.org>")],
                ),
            ),
            (
                "Replit deployment",
                commit("b9", "Deploy", &[("Replit-Commit-Author", "Deployment")]),
            ),
            ("human-only git-ai note", noted("b10", GIT_AI_HUMAN_NOTE)),
            (
                "ad-hoc AI-Assisted: false",
                commit("b11", "Fix", &[("AI-Assisted", "false")]),
            ),
            (
                "GitHub web-flow committer",
                Commit {
                    committer: who("GitHub", "noreply@github.com"),
                    ..commit("b12", "Merge", &[])
                },
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
            assert!(
                ai_evidence(&provenance).is_empty(),
                "{what}: {:?}",
                provenance.evidence
            );
        }
    }

    /// github-actions[bot] is automation, matched by login, and never AI.
    #[test]
    fn github_actions_is_automation_not_ai() {
        let bot = authored(
            "c1",
            "Update generated docs",
            "github-actions[bot]",
            "41898282+github-actions[bot]@users.noreply.github.com",
        );
        let provenance = run(&[bot]);
        assert_eq!(provenance.authorship, Authorship::Automation);
        assert!(ai_evidence(&provenance).is_empty());
        assert_eq!(provenance.evidence[0].tool, "GitHub Actions");
    }

    /// A branch prefix alone is Low evidence: recorded (with no commit id) but not counted
    /// at the default minimum, so the change stays `Unknown`.
    #[test]
    fn branch_prefix_alone_is_low_and_not_counted() {
        let provenance = detect(
            &[],
            Some("refs/heads/claude/issue-123-20250101-1234"),
            &Options::default(),
        );
        assert_eq!(provenance.authorship, Authorship::Unknown);
        let evidence = &provenance.evidence[0];
        assert_eq!((evidence.commit, evidence.field), (None, Field::Branch));
        assert_eq!(
            (evidence.confidence, evidence.counted),
            (Confidence::Low, false)
        );
        assert_eq!(evidence.marker, "claude/");
        assert!(provenance.reasons.iter().any(|r| r.contains("not counted")));
    }

    /// The branch recorded in a GitHub merge subject is read as branch evidence of that commit.
    #[test]
    fn merge_subject_branch_is_branch_evidence() {
        let merge = commit(
            "d1",
            "Merge pull request #127 from Emu-L8r/copilot/fix-727bd4fe",
            &[],
        );
        let provenance = run(std::slice::from_ref(&merge));
        let evidence = &provenance.evidence[0];
        assert_eq!(evidence.field, Field::Branch);
        assert_eq!(evidence.commit, Some(merge.id));
        assert_eq!(evidence.tool, "GitHub Copilot coding agent");
    }

    /// One trailer matched by two rows of one tool, or repeated, is one piece of evidence,
    /// and the stronger row wins (kernel form High over generic Medium).
    #[test]
    fn identical_evidence_is_deduplicated_keeping_the_strongest() {
        let twice = commit(
            "e1",
            "mm: fix",
            &[
                ("Assisted-by", "Claude:claude-3-opus"),
                ("Assisted-by", "Claude:claude-3-opus"),
            ],
        );
        let provenance = run(&[twice]);
        assert_eq!(provenance.evidence.len(), 1, "{:?}", provenance.evidence);
        assert_eq!(provenance.evidence[0].confidence, Confidence::High);
    }

    /// Policy markers are applied like built-in ones and carry the policy's tool name;
    /// email markers still have to match the whole (lowercased) address.
    #[test]
    fn extra_markers_from_the_policy_apply() {
        let extra = [Marker {
            tool: "Acme internal agent".to_owned(),
            field: Field::AuthorEmail,
            pattern: Pattern::compiled(
                Regex::new(r"agent@acme\.example").expect("test pattern compiles"),
            ),
            confidence: Confidence::High,
            kind: MarkerKind::Ai,
            source: "policy".to_owned(),
        }];
        let options = Options {
            extra_markers: &extra,
            ..Options::default()
        };
        let ours = authored("f1", "Fix", "Agent", "Agent@ACME.example");
        let lookalike = authored("f2", "Fix", "Bob", "not-agent@acme.example");
        assert_eq!(detect(&[ours], None, &options).authorship, Authorship::Ai);
        assert_eq!(
            detect(&[lookalike], None, &options).authorship,
            Authorship::Unknown
        );
        let provenance = detect(
            &[authored("f3", "Fix", "Agent", "agent@acme.example")],
            None,
            &options,
        );
        assert_eq!(provenance.evidence[0].tool, "Acme internal agent");
    }

    /// Matched text is whitespace-collapsed and cut to 120 characters.
    #[test]
    fn marker_text_is_short() {
        let provenance = run(&[noted("g1", GIT_AI_NOTE)]);
        let text = &provenance.evidence[0].marker;
        assert!(
            text.chars().count() <= MAX_MARKER_CHARS && !text.contains('\n'),
            "{text}"
        );
        assert_eq!(shorten(&"a ".repeat(200)).chars().count(), MAX_MARKER_CHARS);
    }
}
