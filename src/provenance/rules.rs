//! The rules that turn evidence into [`Authorship`], each explaining itself in a sentence.

use std::collections::HashSet;

use super::marker::MarkerKind;
use super::{Evidence, Options};
use crate::diff::Commit;
use crate::vocabulary::Authorship;

/// The decision rules, in order; each one that applies explains itself in a sentence.
pub(super) fn decide(
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
