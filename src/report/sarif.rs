//! The SARIF 2.1.0 report, for code-scanning uploads and editors.
//!
//! One rule per finding id (every id in the catalogue, so a rule list never depends on the
//! change), one result per finding that carries points or matched a policy rule, located at
//! its repository-relative file and line. The level of each result says how much that finding
//! had to do with the decision; see [`severity`] for the mapping, which the GitHub and
//! Markdown reports share.
//!
//! A push is one run per judged ref (runs carry the ref names in their `properties` and
//! `automationDetails`), so a code-scanning view can tell the refs apart; when no ref needed
//! judging there is one run with no results, because consumers expect at least one.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::exit::Exit;
use crate::gate::{Evaluation, PushOutcome, RefOutcome};
use crate::score::{Contribution, number};
use crate::signal::Signal;
use crate::vocabulary::Decision;

/// The schema URL every SARIF 2.1.0 log names.
const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// How much one finding had to do with the decision, as a decision word.
///
/// The larger of what the score alone reached (block line, review line, neither) and what a
/// policy rule matching this finding demands, capped at the decision actually taken: a
/// finding cannot be more severe than the verdict it fed. SARIF and GitHub map `block` to
/// error, `review` to warning and `allow` to note/notice.
pub(super) fn severity(evaluation: &Evaluation, contribution: &Contribution) -> Decision {
    let verdict = &evaluation.verdict;
    let total = evaluation.score.total;
    let by_score = if verdict.thresholds.block.is_some_and(|block| total >= block) {
        Decision::Block
    } else if verdict
        .thresholds
        .review
        .is_some_and(|review| total >= review)
    {
        Decision::Review
    } else {
        Decision::Allow
    };
    by_score
        .max(rule_decision(evaluation, contribution).unwrap_or(Decision::Allow))
        .min(verdict.decision)
}

/// The strongest decision of a policy rule that matches this finding, if any does.
fn rule_decision(evaluation: &Evaluation, contribution: &Contribution) -> Option<Decision> {
    let classes = evaluation
        .policy
        .rule_classes(evaluation.provenance.authorship);
    evaluation
        .policy
        .rules
        .iter()
        .filter(|rule| contribution.triggers(rule, &classes))
        .map(|rule| rule.decision)
        .max()
}

/// The findings every machine format reports: points, or a matched rule (a zero-weight
/// finding can still block through a rule, and then it must show), or a waiver (so the
/// waiver stays visible where the finding would have been).
pub(super) fn reported(evaluation: &Evaluation) -> impl Iterator<Item = &Contribution> {
    evaluation.score.contributions.iter().filter(|c| {
        c.points > 0.0 || c.waived_by.is_some() || rule_decision(evaluation, c).is_some()
    })
}

/// A waived finding is an externally suppressed result, unless a rule the waiver cannot
/// lift still fires on it: then it still counts and is not hidden.
fn suppressions(evaluation: &Evaluation, contribution: &Contribution) -> Option<Value> {
    let waived = contribution.waived_by.as_ref()?;
    if rule_decision(evaluation, contribution).is_some() {
        return None;
    }
    Some(json!([{
        "kind": "external",
        "status": "accepted",
        "justification": format!(
            "waiver #{} by {} until {}: {}",
            waived.waiver, waived.owner, waived.expires, waived.reason
        ),
    }]))
}

/// The one-line message of a finding: what was seen, its points and how they were computed.
pub(super) fn message(contribution: &Contribution) -> String {
    // `number` rounds to two decimals, so compare what is printed, not the float.
    let points = number(contribution.points);
    let unit = if points == "1" { "point" } else { "points" };
    let mut text = format!(
        "{} ({points} {unit}: {})",
        contribution.message, contribution.arithmetic
    );
    if let Some(subject) = &contribution.subject {
        let _ = write!(text, " [subject: {subject}]");
    }
    text
}

fn level(decision: Decision) -> &'static str {
    match decision {
        Decision::Block => "error",
        Decision::Review => "warning",
        Decision::Allow => "note",
    }
}

/// `dangling-reference` → `DanglingReference`: SARIF rule names are identifier-like.
fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// Every signal as a rule. The default level comes from the policy: error when a rule
/// blocks on the id, warning when one asks for review, note when the id only adds points.
fn rules(evaluation: &Evaluation) -> Vec<Value> {
    Signal::ALL
        .iter()
        .map(|signal| {
            let default = evaluation
                .policy
                .rules
                .iter()
                .filter(|rule| rule.signals.contains(signal))
                .map(|rule| rule.decision)
                .max()
                .unwrap_or(Decision::Allow);
            json!({
                "id": signal.id(),
                "name": pascal_case(signal.id()),
                "shortDescription": { "text": signal.about() },
                "fullDescription": { "text": format!("{} Counted per {}.", signal.about(), signal.unit()) },
                "help": { "text": format!("{} Points are this finding's count × its policy weight × the file tier's multiplier.", signal.about()) },
                "defaultConfiguration": { "level": level(default) },
            })
        })
        .collect()
}

fn result(evaluation: &Evaluation, contribution: &Contribution) -> Value {
    let severity = severity(evaluation, contribution);
    let mut result = json!({
        "ruleId": contribution.signal.id(),
        "level": level(severity),
        "message": { "text": crate::escape::one_line(&message(contribution)) },
        "properties": {
            "points": contribution.points,
            "arithmetic": contribution.arithmetic,
            "subject": contribution.subject,
            "fingerprint": contribution.fingerprint,
            "severity": severity,
            "decision": evaluation.verdict.decision,
        },
    });
    // Lets code scanning track a result across runs by content, as waivers do.
    if let Some(fingerprint) = &contribution.fingerprint {
        result["partialFingerprints"] = json!({ "blastgateContent/v1": fingerprint });
    }
    if let Some(suppressions) = suppressions(evaluation, contribution) {
        result["suppressions"] = suppressions;
    }
    if let Some(file) = &contribution.file {
        let mut physical = json!({
            "artifactLocation": { "uri": file, "uriBaseId": "%SRCROOT%" },
        });
        // SARIF lines start at 1; a finding without a line is located at the file only.
        if let Some(line) = contribution.line.filter(|line| *line >= 1) {
            physical["region"] = json!({ "startLine": line });
        }
        result["locations"] = json!([{ "physicalLocation": physical }]);
    }
    result
}

fn run(evaluation: &Evaluation, extra: Option<(&str, &str)>) -> Value {
    let verdict = &evaluation.verdict;
    let change = &evaluation.change;
    let mut properties = json!({
        "decision": verdict.decision,
        "score": evaluation.score.total,
        "thresholds": verdict.thresholds,
        "aiAssisted": verdict.treated_as_ai,
        "reasons": verdict.reasons,
        "nextSteps": verdict.next_steps,
        "base": change.base.as_ref().map(|revision| &revision.commit),
        "head": change.head.as_ref().map(|revision| &revision.commit),
        "policySha256": evaluation.policy.sha256,
    });
    let mut run = json!({
        "tool": { "driver": driver(evaluation) },
        "invocations": [invocation(evaluation.exit())],
        "originalUriBaseIds": { "%SRCROOT%": { "description": { "text": "The repository's working tree root." } } },
        "results": reported(evaluation).map(|c| result(evaluation, c)).collect::<Vec<_>>(),
    });
    if let Some((local_ref, remote_ref)) = extra {
        properties["localRef"] = json!(local_ref);
        properties["remoteRef"] = json!(remote_ref);
        run["automationDetails"] = json!({ "id": format!("blastgate/pre-push/{remote_ref}") });
    }
    if let Some(approvals) = &evaluation.approvals {
        properties["approval"] = json!(approvals);
    }
    run["properties"] = properties;
    run
}

fn driver(evaluation: &Evaluation) -> Value {
    json!({
        "name": "blastgate",
        "version": env!("CARGO_PKG_VERSION"),
        "rules": rules(evaluation),
    })
}

fn invocation(exit: Exit) -> Value {
    // The gate ran to a decision; `block` and `review` are outcomes, not failures.
    json!({ "executionSuccessful": true, "exitCode": exit.code() })
}

fn log(runs: &[Value]) -> String {
    let log = json!({ "$schema": SCHEMA, "version": "2.1.0", "runs": runs });
    let mut text = serde_json::to_string_pretty(&log).expect("JSON values serialise infallibly");
    text.push('\n');
    text
}

pub(super) fn check(evaluation: &Evaluation) -> String {
    log(&[run(evaluation, None)])
}

pub(super) fn push(outcome: &PushOutcome) -> String {
    let mut runs: Vec<Value> = outcome
        .refs
        .iter()
        .filter_map(|entry| match entry {
            RefOutcome::Judged { pushed, evaluation } => Some(run(
                evaluation,
                Some((&pushed.local_ref, &pushed.remote_ref)),
            )),
            RefOutcome::Nothing { .. } => None,
        })
        .collect();
    if runs.is_empty() {
        runs.push(json!({
            "tool": { "driver": { "name": "blastgate", "version": env!("CARGO_PKG_VERSION") } },
            "invocations": [invocation(Exit::Allow)],
            "results": [],
            "properties": { "decision": Decision::Allow },
        }));
    }
    log(&runs)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rule names are the ids in `PascalCase`.
    #[test]
    fn pascal_case_of_ids() {
        assert_eq!(pascal_case("dangling-reference"), "DanglingReference");
        assert_eq!(pascal_case("non-utf8-path"), "NonUtf8Path");
    }
}
