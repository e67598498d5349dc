//! Matching markers against commits, and the rules that turn evidence into [`Authorship`].

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use super::marker::{Confidence, Field, Marker, MarkerKind};
use super::{Evidence, Options, Provenance, table};
use crate::diff::Commit;
use crate::vocabulary::Authorship;

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
    for commit in commits {
        for (field, value) in values(commit) {
            let id = Some(commit.id.as_str());
            scan(
                &markers,
                id,
                field,
                &value,
                options.min_confidence,
                &mut found,
            );
        }
    }
    let evidence = dedup(found);
    let (authorship, reasons) = decide(commits, options, &evidence);
    Provenance {
        authorship,
        declared: options.declared,
        evidence,
        reasons,
    }
}

/// Every value of `commit` a marker may read, each with its field.
fn values(commit: &Commit) -> Vec<(Field, Cow<'_, str>)> {
    let mut values = vec![
        (Field::Message, Cow::Borrowed(commit.message.as_str())),
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
    ];
    for trailer in &commit.trailers {
        let line = format!("{}: {}", trailer.key.trim(), trailer.value.trim());
        values.push((Field::Trailer, Cow::Owned(line)));
    }
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
    commit: Option<&str>,
    field: Field,
    raw: &str,
    min_confidence: Confidence,
    found: &mut Vec<Evidence>,
) {
    let value = field.normalize(raw);
    for marker in markers.iter().filter(|marker| marker.field == field) {
        if let Some(text) = marker.find_in(&value) {
            found.push(Evidence {
                commit: commit.map(str::to_owned),
                field,
                tool: marker.tool.clone(),
                marker: shorten(text),
                confidence: marker.confidence,
                kind: marker.kind,
                counted: marker.confidence >= min_confidence,
            });
        }
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
    let mut index: HashMap<(Option<String>, Field, String), usize> = HashMap::new();
    for evidence in found {
        let key = (
            evidence.commit.clone(),
            evidence.field,
            evidence.tool.clone(),
        );
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

/// The decision rules, in order; each one that applies explains itself in a sentence.
fn decide(
    commits: &[Commit],
    options: &Options<'_>,
    evidence: &[Evidence],
) -> (Authorship, Vec<String>) {
    let min = options.min_confidence;
    let mut reasons = Vec::new();
    let ai: Vec<&Evidence> = evidence
        .iter()
        .filter(|e| e.counted && e.kind == MarkerKind::Ai)
        .collect();
    let authorship = if let Some(strongest) = strongest(&ai) {
        let ai_commits: HashSet<&str> = ai.iter().filter_map(|e| e.commit.as_deref()).collect();
        reasons.push(format!(
            "AI-assisted: {} marker(s) at or above {min} confidence in {} of {} commit(s); \
             the strongest is {}.",
            ai.len(),
            ai_commits.len(),
            commits.len(),
            describe(strongest)
        ));
        match options.declared {
            // Evidence wins: a declaration is a claim, a tool's trailer is a record.
            Some(false) => reasons.push(format!(
                "The declaration \"not AI-assisted\" is overridden by {}.",
                describe(strongest)
            )),
            Some(true) => reasons.push("The change is also declared AI-assisted.".to_owned()),
            None => {}
        }
        Authorship::Ai
    } else if options.declared == Some(true) {
        reasons.push("Declared AI-assisted.".to_owned());
        Authorship::Ai
    } else if options.declared == Some(false) {
        reasons.push(format!(
            "Declared not AI-assisted, and no AI marker at or above {min} confidence contradicts it."
        ));
        Authorship::Human
    } else if commits.is_empty() {
        reasons.push(
            "No commits to read (index, working tree or diff text) and no declaration, \
             so authorship is unknown."
                .to_owned(),
        );
        Authorship::Unknown
    } else if let Some(tools) = automation_tools(commits, evidence) {
        reasons.push(format!(
            "Every one of the {} commit(s) carries an automation marker ({tools}) and none \
             an AI marker.",
            commits.len()
        ));
        Authorship::Automation
    } else {
        // Every tool can turn attribution off (ai-markers.md §5.5), so silence is not "human".
        reasons.push(format!(
            "No AI marker at or above {min} confidence in {} commit(s) and no declaration, \
             so authorship is unknown.",
            commits.len()
        ));
        Authorship::Unknown
    };
    if let Some(weak) = evidence.iter().find(|e| !e.counted) {
        let count = evidence.iter().filter(|e| !e.counted).count();
        reasons.push(format!(
            "{count} marker(s) below {min} confidence were recorded but not counted, e.g. {}.",
            describe(weak)
        ));
    }
    (authorship, reasons)
}

/// The strongest piece of evidence, the first one among equals.
fn strongest<'e>(evidence: &[&'e Evidence]) -> Option<&'e Evidence> {
    evidence.iter().copied().reduce(|best, e| {
        if e.confidence > best.confidence {
            e
        } else {
            best
        }
    })
}

/// The automation tools when every commit carries counted automation evidence.
fn automation_tools(commits: &[Commit], evidence: &[Evidence]) -> Option<String> {
    let automated = |commit: &Commit| {
        evidence.iter().any(|e| {
            e.counted && e.kind == MarkerKind::Automation && e.commit.as_deref() == Some(&commit.id)
        })
    };
    if !commits.iter().all(automated) {
        return None;
    }
    let mut tools: Vec<&str> = evidence
        .iter()
        .filter(|e| e.counted && e.kind == MarkerKind::Automation)
        .map(|e| e.tool.as_str())
        .collect();
    tools.dedup();
    Some(tools.join(", "))
}

/// "Claude Code trailer `…` in commit 0123456789ab (high confidence)".
fn describe(evidence: &Evidence) -> String {
    let place = match &evidence.commit {
        Some(id) => format!("commit {}", &id[..id.len().min(12)]),
        None => "the gated branch name".to_owned(),
    };
    format!(
        "{} {} `{}` in {place} ({} confidence)",
        evidence.tool,
        evidence.field.as_str(),
        evidence.marker,
        evidence.confidence
    )
}
