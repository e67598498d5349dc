//! GitLab CI: jobs with credentials newly run for merge requests from forks, and `include:`s
//! of configuration at a moving ref.
//!
//! Sources: GitLab "Merge request pipelines", use with forked projects (a parent-project
//! member can run a fork's merge request pipeline in the parent project, where the fork's code
//! runs with the parent's variables and runners:
//! <https://docs.gitlab.com/ci/pipelines/merge_request_pipelines/#use-with-forked-projects>);
//! "CI/CD YAML syntax reference" for `rules`, `only`, `include`
//! (<https://docs.gitlab.com/ci/yaml/>); "Use CI/CD configuration from other files"
//! (<https://docs.gitlab.com/ci/yaml/includes/>: a remote or project include at a branch
//! changes when that branch does).

use std::collections::HashSet;

use super::super::tree::Node;
use super::super::{Versions, fact};
use crate::analyze::Fact;
use crate::signal::Signal;

const FORK_DOCS: &str =
    "https://docs.gitlab.com/ci/pipelines/merge_request_pipelines/#use-with-forked-projects";

/// Words in a variable's name that say it holds a credential.
const SECRET_WORDS: &[&str] = &[
    "TOKEN",
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "PRIVATE_KEY",
    "API_KEY",
    "ACCESS_KEY",
    "CREDENTIAL",
    "AUTH",
];

/// Predefined variables GitLab sets for every job (not project settings).
const PREDEFINED: &[&str] = &["CI_", "GITLAB_"];

const SCRIPTS: &[&str] = &["before_script", "script", "after_script"];

/// `include:` entries that pull configuration from outside at a branch or tag.
pub(super) fn includes(versions: &Versions<'_>, file: &str, old: &Node, new: &Node) -> Vec<Fact> {
    let before: HashSet<String> = moving_includes(old).into_iter().map(|(r, _)| r).collect();
    moving_includes(new)
        .into_iter()
        .filter(|(reference, _)| !before.contains(reference))
        .map(|(reference, line)| {
            fact(
                versions,
                Signal::PipelineIncludeUnpinned,
                Some(line),
                format!("{file}#include"),
                format!("{file} includes {reference}, not a commit sha: whoever moves that ref changes this pipeline, and what runs next to its variables, without a commit here"),
            )
        })
        .collect()
}

/// (what is included and at which ref, line) for every include not pinned to a commit.
fn moving_includes(doc: &Node) -> Vec<(String, u32)> {
    let Some(include) = doc.get("include") else {
        return Vec::new();
    };
    let items = if include.items().is_empty() {
        std::slice::from_ref(include)
    } else {
        include.items()
    };
    let mut out = Vec::new();
    for item in items {
        let text = |key: &str| item.get(key).and_then(Node::as_str);
        let (reference, pinned) = if let Some(url) = item.as_str() {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                continue; // a local file
            }
            (format!("remote `{url}`"), has_sha(url))
        } else if let Some(url) = text("remote") {
            (format!("remote `{url}`"), has_sha(url))
        } else if let Some(project) = text("project") {
            let at = text("ref").unwrap_or("its default branch");
            (format!("project `{project}` at `{at}`"), is_sha(at))
        } else if let Some(component) = text("component") {
            let version = component.rsplit_once('@').map_or("", |(_, v)| v);
            (format!("component `{component}`"), is_sha(version))
        } else {
            continue; // `local:` or a GitLab-maintained `template:`
        };
        if !pinned {
            out.push((reference, item.line));
        }
    }
    out
}

fn is_sha(text: &str) -> bool {
    text.len() == 40 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A URL with a 40-hex path segment or query value (`/-/raw/<sha>/ci.yml`).
fn has_sha(url: &str) -> bool {
    url.split(['/', '?', '&', '=', '@']).any(is_sha)
}

/// A job that now runs in merge request pipelines a fork can start and reads credentials it
/// did not read there before.
pub(super) fn job(
    versions: &Versions<'_>,
    subject: &str,
    job: &Node,
    before: Option<&Node>,
    docs: (&Node, &Node),
) -> Vec<Fact> {
    let (old_doc, new_doc) = docs;
    if !runs_for_forks(new_doc, job) {
        return Vec::new();
    }
    let old = before
        .filter(|b| runs_for_forks(old_doc, b))
        .map(|b| credentials(old_doc, b))
        .unwrap_or_default();
    let reached: Vec<String> = credentials(new_doc, job)
        .into_iter()
        .filter(|c| !old.contains(c))
        .collect();
    if reached.is_empty() {
        return Vec::new();
    }
    // The job's own rules, else the workflow rules that now admit merge requests.
    let line = ["rules", "only"]
        .iter()
        .find_map(|key| job.get(key))
        .or(new_doc.at(&["workflow", "rules"]))
        .map_or(job.line, |n| n.line);
    vec![fact(
        versions,
        Signal::ForkPipelineCredentials,
        Some(line),
        subject,
        format!(
            "{subject} runs in merge request pipelines, including a fork's run in this project, and reads {}: the fork's code runs next to them; limit it with `$CI_MERGE_REQUEST_SOURCE_PROJECT_ID == $CI_PROJECT_ID` or protected branches (source: {FORK_DOCS})",
            reached.join(", ")
        ),
    )]
}

/// A job's own key, or the first template it `extends` that sets it (bounded depth).
fn resolved<'a>(doc: &'a Node, job: &'a Node, key: &str, depth: u8) -> Option<&'a Node> {
    if let Some(value) = job.get(key) {
        return Some(value);
    }
    if depth == 0 {
        return None;
    }
    let parents = job.get("extends").map(Node::scalars).unwrap_or_default();
    parents
        .into_iter()
        .rev()
        .find_map(|name| resolved(doc, doc.get(name)?, key, depth - 1))
}

/// Whether the job runs in a merge request pipeline from a fork.
fn runs_for_forks(doc: &Node, job: &Node) -> bool {
    let workflow = doc.at(&["workflow", "rules"]);
    let pipelines = match workflow {
        Some(rules) => rules_admit(rules),
        // Without workflow rules, MR pipelines exist when some job asks for them.
        None => doc.canonical().contains("merge_request"),
    };
    if !pipelines {
        return false;
    }
    if let Some(rules) = resolved(doc, job, "rules", 3) {
        return rules_admit(rules);
    }
    if let Some(only) = resolved(doc, job, "only", 3) {
        let refs = only.get("refs").unwrap_or(only).scalars();
        let except = resolved(doc, job, "except", 3).map(|e| e.get("refs").unwrap_or(e).scalars());
        return refs.contains(&"merge_requests")
            && !except.is_some_and(|e| e.contains(&"merge_requests"));
    }
    // A job without rules runs in every pipeline `workflow: rules` creates; without them it
    // defaults to branch and tag pipelines.
    workflow.is_some()
}

/// First matching rule wins: does a fork's merge request pipeline get past these rules?
fn rules_admit(rules: &Node) -> bool {
    for rule in rules.items() {
        let condition = rule.get("if").and_then(Node::as_str);
        let never = rule.get("when").and_then(Node::as_str) == Some("never");
        if never {
            if condition.is_some_and(always_fork_mr) {
                return false;
            }
            continue;
        }
        if condition.is_none_or(|c| c.split("||").any(may_be_fork_mr)) {
            return true;
        }
    }
    false
}

fn squeeze(condition: &str) -> String {
    condition
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '"' | '\'' | '{' | '}'))
        .collect()
}

/// A condition that holds in every fork merge request pipeline.
fn always_fork_mr(condition: &str) -> bool {
    let c = squeeze(condition);
    c == "$CI_PIPELINE_SOURCE==merge_request_event"
        || c == "$CI_MERGE_REQUEST_SOURCE_PROJECT_ID!=$CI_PROJECT_ID"
        || c == "$CI_MERGE_REQUEST_SOURCE_PROJECT_PATH!=$CI_PROJECT_PATH"
}

/// A conjunction that can hold in a fork merge request pipeline: not limited to the same
/// project, protected refs, branch or tag pipelines, or another pipeline source.
fn may_be_fork_mr(conjunction: &str) -> bool {
    let c = squeeze(conjunction);
    let same_project = [
        "SOURCE_PROJECT_ID==$CI_PROJECT_ID",
        "SOURCE_PROJECT_PATH==$CI_PROJECT_PATH",
        "$CI_PROJECT_ID==$CI_MERGE_REQUEST_SOURCE_PROJECT_ID",
        "$CI_PROJECT_PATH==$CI_MERGE_REQUEST_SOURCE_PROJECT_PATH",
    ];
    let protected = c.contains("$CI_COMMIT_REF_PROTECTED==true");
    // Branch and tag variables are not set in merge request pipelines.
    let branch_only = ["$CI_COMMIT_BRANCH", "$CI_COMMIT_TAG"]
        .iter()
        .any(|v| c.contains(v) && !c.contains(&format!("{v}==null")));
    let other_source = c.contains("$CI_PIPELINE_SOURCE==")
        && !c.contains("$CI_PIPELINE_SOURCE==merge_request_event")
        || c.contains("$CI_PIPELINE_SOURCE!=merge_request_event");
    !(same_project.iter().any(|g| c.contains(g)) || protected || branch_only || other_source)
}

/// Credentials a job reads: secret-named variables its scripts use (not defined in the file,
/// so they come from project or group settings), `secrets:`, `id_tokens:`, its environment.
fn credentials(doc: &Node, job: &Node) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["secrets", "id_tokens"] {
        if let Some(node) = resolved(doc, job, key, 3) {
            out.extend(node.entries().iter().map(|e| format!("{key}: {}", e.key)));
        }
    }
    if let Some(env) = resolved(doc, job, "environment", 3) {
        let name = env
            .as_str()
            .or_else(|| env.get("name")?.as_str())
            .unwrap_or("?");
        out.push(format!("environment `{name}`"));
    }
    let defined = |scope: Option<&Node>, name: &str| {
        scope
            .and_then(|s| s.get("variables"))
            .is_some_and(|v| v.get(name).is_some())
    };
    let default = doc.get("default");
    for field in SCRIPTS {
        let Some(node) = resolved(doc, job, field, 3).or(default.and_then(|d| d.get(field))) else {
            continue;
        };
        let lines = if node.items().is_empty() {
            vec![node]
        } else {
            node.items().iter().collect()
        };
        for text in lines.into_iter().filter_map(Node::as_str) {
            for name in variables(text) {
                let secret = SECRET_WORDS.iter().any(|w| name.contains(w))
                    && !PREDEFINED.iter().any(|p| name.starts_with(p));
                let entry = format!("${name}");
                if secret
                    && !defined(Some(job), &name)
                    && !defined(Some(doc), &name)
                    && !out.contains(&entry)
                {
                    out.push(entry);
                }
            }
        }
    }
    out
}

/// `$NAME` and `${NAME}` references in a script line.
fn variables(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        let tail = rest[at + 1..].trim_start_matches('{');
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(tail.len());
        if end > 0 {
            out.push(tail[..end].to_string());
        }
        rest = &tail[end..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Which `rules: if:` conditions a fork's merge request pipeline gets past.
    #[test]
    fn fork_conditions() {
        for (condition, fork) in [
            ("$CI_PIPELINE_SOURCE == \"merge_request_event\"", true),
            ("$CI_MERGE_REQUEST_IID", true),
            ("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", false),
            ("$CI_COMMIT_TAG", false),
            ("$CI_PIPELINE_SOURCE == 'schedule'", false),
            ("$CI_COMMIT_REF_PROTECTED == \"true\"", false),
            (
                "$CI_PIPELINE_SOURCE == \"merge_request_event\" && $CI_MERGE_REQUEST_SOURCE_PROJECT_ID == $CI_PROJECT_ID",
                false,
            ),
            (
                "$CI_MERGE_REQUEST_SOURCE_PROJECT_PATH != $CI_PROJECT_PATH",
                true,
            ),
        ] {
            assert_eq!(may_be_fork_mr(condition), fork, "{condition}");
        }
    }

    /// Includes at a commit are pinned; branches, tags and default branches move.
    #[test]
    fn include_pinning() {
        let sha = "0123456789abcdef0123456789abcdef01234567";
        assert!(has_sha(&format!(
            "https://gitlab.com/g/p/-/raw/{sha}/ci.yml"
        )));
        assert!(!has_sha("https://gitlab.com/g/p/-/raw/main/ci.yml"));
        assert!(is_sha(sha));
        assert!(!is_sha("v1.2.3"));
        assert_eq!(
            variables("curl -H \"$AUTH_TOKEN\" ${DEPLOY_KEY}/x $"),
            ["AUTH_TOKEN", "DEPLOY_KEY"]
        );
    }
}
