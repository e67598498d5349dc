//! GitHub Actions: token permissions, `pull_request_target` checkouts of untrusted code,
//! secrets handed to code nobody pinned, third-party actions by tag, and new deploy jobs.
//!
//! Rules follow GitHub's "Security hardening for GitHub Actions" guide (pin actions to a full
//! commit sha; least-privilege `GITHUB_TOKEN`) and GitHub Security Lab's "Preventing pwn
//! requests" (`pull_request_target` + checkout of the PR head runs untrusted code with secrets).

use std::collections::HashSet;

use super::super::tree::{self, Node};
use super::super::{Analysis, Analyzer, Versions, fact};
use super::{documents, file_name, pipes_to_shell};
use crate::analyze::Fact;
use crate::analyze::lang::config_for_path;
use crate::analyze::run_by::{Route, RunFile};
use crate::diff::FileStatus;
use crate::signal::Signal;

/// See the module docs.
pub struct GithubActions;

/// Expressions in a checkout's `ref:` that name the pull request's own code.
const HEAD_REFS: &[&str] = &[
    "github.event.pull_request.head.sha",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.merge_commit_sha",
    "github.head_ref",
    "refs/pull/",
];

impl Analyzer for GithubActions {
    fn name(&self) -> &'static str {
        "github-actions"
    }

    fn wants(&self, path: &str, _content: &[u8]) -> bool {
        let name = path.rsplit('/').next().unwrap_or(path);
        let action = name == "action.yml" || name == "action.yaml";
        action
            || (path.contains(".github/workflows/")
                && config_for_path(path).is_some_and(|language| language.name == "yaml"))
    }

    fn wants_run_by(&self, entry: &RunFile) -> bool {
        // A reusable workflow pulled in by `uses: ./…` (local actions are wanted by name).
        entry.kind == Route::Pipeline && entry.path.contains(".github/")
    }

    fn analyze(&self, versions: &Versions<'_>) -> Analysis {
        let (old, new) = match documents(versions, "github-actions") {
            Ok((old, new)) => (composite_as_job(old), composite_as_job(new)),
            Err(mut fallback) => {
                fallback.facts = line_level(versions);
                return fallback;
            }
        };
        let file = file_name(versions);
        let mut facts = permissions(versions, file, &old, &new);
        facts.extend(super::access::workflow_facts(versions, file, &old, &new));
        let empty = Vec::new();
        let old_jobs = old.get("jobs").map_or(&empty[..], Node::entries);
        for job in new.get("jobs").map_or(&empty[..], Node::entries) {
            let before = old_jobs.iter().find(|j| j.key == job.key).map(|j| &j.value);
            let subject = format!("{file}#{}", job.key);
            let ctx = Job {
                versions,
                subject: &subject,
                new: &new,
                old: &old,
            };
            facts.extend(ctx.compare(&job.value, before, job.line));
        }
        Analysis {
            facts,
            fallbacks: Vec::new(),
        }
    }
}

/// A composite action (`runs: steps:`) read as a workflow with one job named `runs`, so its
/// steps are checked like a workflow's (unpinned actions, secrets, downloads piped to a shell).
fn composite_as_job(doc: Node) -> Node {
    if doc.get("jobs").is_some() {
        return doc;
    }
    let Some(runs) = doc.get("runs").filter(|runs| runs.get("steps").is_some()) else {
        return doc;
    };
    let job = |key: &str, value: Node| tree::Entry {
        key: key.to_string(),
        line: value.line,
        value,
    };
    let jobs = Node {
        value: tree::Value::Map(vec![job("runs", runs.clone())]),
        line: runs.line,
        tag: None,
    };
    Node {
        value: tree::Value::Map(vec![job("jobs", jobs)]),
        line: doc.line,
        tag: None,
    }
}

/// One job's context: both workflows and its subject.
pub(super) struct Job<'a> {
    pub(super) versions: &'a Versions<'a>,
    pub(super) subject: &'a str,
    pub(super) new: &'a Node,
    pub(super) old: &'a Node,
}

impl Job<'_> {
    pub(super) fn fact(&self, signal: Signal, line: u32, message: String) -> Fact {
        fact(self.versions, signal, Some(line), self.subject, message)
    }

    fn compare(&self, job: &Node, before: Option<&Node>, line: u32) -> Vec<Fact> {
        let mut facts = Vec::new();
        let untrusted = untrusted_checkout(self.new, job);
        let was_untrusted = before.and_then(|b| untrusted_checkout(self.old, b));
        if let Some(at) = untrusted
            && was_untrusted.is_none()
        {
            facts.push(self.fact(Signal::UntrustedCheckout, at.line, format!("{} checks out the pull request's code under pull_request_target: that code runs with the repository's secrets and write token", self.subject)));
        }
        let old_exposed = before
            .map(|b| exposures(b, was_untrusted.is_some()))
            .unwrap_or_default();
        for (key, line, why) in exposures(job, untrusted.is_some()) {
            if !old_exposed.iter().any(|(k, ..)| *k == key) {
                facts.push(self.fact(
                    Signal::SecretsExposed,
                    line,
                    format!(
                        "secrets passed to {key}, {why}: they can be read by code nobody reviewed"
                    ),
                ));
            }
        }
        let old_uses: HashSet<&str> = before
            .map(uses)
            .unwrap_or_default()
            .into_iter()
            .map(|(u, _)| u)
            .collect();
        for (reference, line) in uses(job) {
            if unpinned(reference) && !old_uses.contains(reference) {
                facts.push(self.fact(Signal::ActionUnpinned, line, format!("{reference} is not pinned to a commit sha: its owner can change what runs here")));
            }
        }
        let old_runs: HashSet<String> = before
            .map(runs)
            .unwrap_or_default()
            .into_iter()
            .map(|(r, _)| r)
            .collect();
        for (command, line) in runs(job) {
            if pipes_to_shell(&command) && !old_runs.contains(&command) {
                facts.push(self.fact(
                    Signal::PipeToShell,
                    line,
                    format!(
                        "{} pipes a download into a shell: the script is not reviewed",
                        self.subject
                    ),
                ));
            }
        }
        facts.extend(super::access::compare(self, job, before, line));
        if before.is_none() && deploys(self.subject, job) {
            facts.push(self.fact(
                Signal::DeployJobAdded,
                line,
                format!("new job {} deploys or releases", self.subject),
            ));
        }
        facts
    }
}

/// `permissions:` as GitHub reads it: absent (repository default), one level for all scopes,
/// or per scope (scopes left out are `none`).
#[derive(Clone, Copy)]
enum Perms<'a> {
    Absent,
    All(bool),
    Scopes(&'a Node),
}

impl<'a> Perms<'a> {
    fn of(node: Option<&'a Node>) -> Self {
        match node {
            None => Perms::Absent,
            Some(node) if node.entries().is_empty() => {
                Perms::All(node.as_str().is_some_and(|s| s.starts_with("write")))
            }
            Some(node) => Perms::Scopes(node),
        }
    }

    /// Whether `scope` can write; `None` when unknown (repository default).
    fn writes(self, scope: &str) -> Option<bool> {
        match self {
            Perms::Absent => None,
            Perms::All(write) => Some(write),
            Perms::Scopes(node) => Some(node.get(scope).and_then(Node::as_str) == Some("write")),
        }
    }

    /// What `self` grants that `old` did not: `write-all`, or scopes now `write`.
    fn widened_from(self, old: Perms<'_>) -> Vec<String> {
        match self {
            Perms::All(true) if !matches!(old, Perms::All(true)) => vec!["write-all".into()],
            Perms::Scopes(node) => node
                .entries()
                .iter()
                .filter(|e| e.value.as_str() == Some("write") && old.writes(&e.key) == Some(false))
                .map(|e| format!("{}: write", e.key))
                .collect(),
            _ => Vec::new(),
        }
    }
}

fn permissions(versions: &Versions<'_>, file: &str, old: &Node, new: &Node) -> Vec<Fact> {
    let mut facts = Vec::new();
    let (old_top, new_top) = (old.get("permissions"), new.get("permissions"));
    // A deleted workflow runs no more: its permissions go with it.
    let deleted = versions.file.status == FileStatus::Deleted;
    if let (Some(was), None, false) = (old_top, new_top, deleted) {
        facts.push(fact(versions, Signal::WorkflowPermissionsWidened, Some(was.line), file, format!("top-level permissions removed (was line {}): the token falls back to the repository default, which can be write-all", was.line)));
    }
    let widened = Perms::of(new_top).widened_from(Perms::of(old_top));
    if let Some(node) = new_top.filter(|_| !widened.is_empty()) {
        facts.push(fact(
            versions,
            Signal::WorkflowPermissionsWidened,
            Some(node.line),
            file,
            format!("workflow token widened to {}", widened.join(", ")),
        ));
    }
    let empty = Vec::new();
    for job in new.get("jobs").map_or(&empty[..], Node::entries) {
        let was = old
            .at(&["jobs", &job.key])
            .and_then(|j| j.get("permissions"));
        let now = job.value.get("permissions");
        // A job that drops its own block falls back to the workflow's (or the default).
        let (node, widened) = match (now, was) {
            (Some(node), _) => (
                node,
                Perms::of(Some(node)).widened_from(Perms::of(was.or(old_top))),
            ),
            (None, Some(was)) => match new_top {
                Some(top) => (top, Perms::of(Some(top)).widened_from(Perms::of(Some(was)))),
                None => (was, vec!["the repository default".to_string()]),
            },
            (None, None) => continue,
        };
        if !widened.is_empty() {
            let subject = format!("{file}#{}", job.key);
            facts.push(fact(
                versions,
                Signal::WorkflowPermissionsWidened,
                Some(node.line),
                &subject,
                format!("{subject} token widened to {}", widened.join(", ")),
            ));
        }
    }
    facts
}

/// The checkout step's `ref:` that brings in the PR's code, when the workflow runs on
/// `pull_request_target`.
fn untrusted_checkout<'a>(workflow: &Node, job: &'a Node) -> Option<&'a Node> {
    let on = workflow.get("on")?;
    let triggered =
        on.scalars().contains(&"pull_request_target") || on.get("pull_request_target").is_some();
    if !triggered {
        return None;
    }
    steps(job).iter().find_map(|step| {
        let action = step.get("uses").and_then(Node::as_str)?;
        let reference = step.at(&["with", "ref"])?;
        let text = reference.as_str()?;
        (action.starts_with("actions/checkout") && HEAD_REFS.iter().any(|r| text.contains(r)))
            .then_some(reference)
    })
}

fn steps(job: &Node) -> &[Node] {
    job.get("steps").map(Node::items).unwrap_or_default()
}

/// Steps that receive `${{ secrets.* }}` and run untrusted or unpinned code: (step, line, why).
fn exposures(job: &Node, untrusted: bool) -> Vec<(String, u32, &'static str)> {
    let job_env = job
        .get("env")
        .is_some_and(|env| env.canonical().contains("secrets."));
    let mut out = Vec::new();
    for step in steps(job) {
        let given = ["env", "with"]
            .iter()
            .filter_map(|field| step.get(field))
            .any(|node| node.canonical().contains("secrets."));
        let action = step.get("uses").and_then(Node::as_str);
        let why = match action {
            Some(action) if given && unpinned(action) => "an action not pinned to a commit",
            None if untrusted && (given || job_env) => "a run step next to the pull request's code",
            _ => continue,
        };
        // Named by what does not move when lines shift: name, id, action, or the command.
        let run = step
            .get("run")
            .and_then(Node::as_str)
            .and_then(|r| r.lines().next());
        let name = step.get("name").or(step.get("id")).and_then(Node::as_str);
        let Some(key) = name.or(action).or(run).map(|k| format!("`{}`", k.trim())) else {
            continue;
        };
        out.push((key, step.line, why));
    }
    out
}

/// Every `uses:` of a job (its steps, or the job itself for a reusable workflow).
fn uses(job: &Node) -> Vec<(&str, u32)> {
    let own = job.get("uses").into_iter();
    own.chain(steps(job).iter().filter_map(|s| s.get("uses")))
        .filter_map(|node| Some((node.as_str()?, node.line)))
        .collect()
}

/// Every line of every `run:` of a job, with the step's line.
fn runs(job: &Node) -> Vec<(String, u32)> {
    steps(job)
        .iter()
        .filter_map(|step| step.get("run"))
        .flat_map(|run| {
            let text = run.as_str().unwrap_or_default();
            text.lines()
                .map(|l| (l.trim().to_string(), run.line))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A third-party action or reusable workflow not pinned to a 40-hex commit.
/// `actions/*` and `github/*` are GitHub's own; `./…` is this repository.
fn unpinned(reference: &str) -> bool {
    if ["actions/", "github/", "./"]
        .iter()
        .any(|p| reference.starts_with(p))
    {
        return false;
    }
    if let Some(image) = reference.strip_prefix("docker://") {
        return !image.contains("@sha256:");
    }
    let version = reference.rsplit_once('@').map_or("", |(_, v)| v);
    !(version.len() == 40 && version.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A job that deploys or releases, by its id or name, or a production-like environment.
fn deploys(subject: &str, job: &Node) -> bool {
    let words = ["deploy", "release", "publish"];
    let id = subject
        .rsplit('#')
        .next()
        .unwrap_or_default()
        .to_lowercase();
    let name = job
        .get("name")
        .and_then(Node::as_str)
        .unwrap_or_default()
        .to_lowercase();
    let environment = job
        .get("environment")
        .and_then(|e| e.as_str().or_else(|| e.get("name")?.as_str()));
    let production = environment.is_some_and(|e| {
        let e = e.to_lowercase();
        e.starts_with("prod") || e == "live"
    });
    production || words.iter().any(|w| id.contains(w) || name.contains(w))
}

/// Added lines of a workflow that is not YAML: unpinned `uses:` and `write-all`.
fn line_level(versions: &Versions<'_>) -> Vec<Fact> {
    let file = file_name(versions);
    let mut facts = Vec::new();
    for (line, content) in tree::added_lines(versions.file) {
        let content = content.trim().trim_start_matches("- ");
        if let Some(reference) = content
            .strip_prefix("uses:")
            .map(|r| r.trim().trim_matches(['"', '\'']))
            && unpinned(reference)
        {
            facts.push(fact(
                versions,
                Signal::ActionUnpinned,
                Some(line),
                file,
                format!("{reference} is not pinned to a commit sha (line-level)"),
            ));
        }
        if content.contains("write-all") {
            facts.push(fact(
                versions,
                Signal::WorkflowPermissionsWidened,
                Some(line),
                file,
                "token set to write-all (line-level)",
            ));
        }
    }
    facts
}

#[cfg(test)]
pub(super) fn is_unpinned(reference: &str) -> bool {
    unpinned(reference)
}
