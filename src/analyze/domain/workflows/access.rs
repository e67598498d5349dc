//! GitHub Actions: what lets an outsider run code next to a job's credentials.
//!
//! - template injection: an attacker-controllable `${{ … }}` ([`super::contexts`]) expanded in
//!   a `run:` script or an `actions/github-script` `script:`;
//! - a privileged trigger (`pull_request_target`, `workflow_run`, `issue_comment`) judged with
//!   what the job reaches: secrets, environments, `id-token: write`, a write token. No
//!   checkout of the pull request is needed for that to matter: injection, caches and actions
//!   that read the event all run with those credentials;
//! - `ACTIONS_ALLOW_UNSECURE_COMMANDS`, `secrets: inherit`, and self-hosted runners on
//!   triggers a fork can start.
//!
//! Each is reported only when the change introduces it (the old workflow did not have it).

use std::collections::HashSet;

use super::super::tree::Node;
use super::super::{Versions, fact};
use super::contexts::{self, Untrusted};
use super::github::Job;
use crate::analyze::Fact;
use crate::signal::Signal;

/// A trigger whose runs get the base repository's secrets and token while something an
/// outsider wrote (a fork's pull request, a comment, a run made for a fork) starts them.
struct Trigger {
    name: &'static str,
    who: &'static str,
    source: &'static str,
}

const PWN_REQUESTS: &str =
    "https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/";

/// The privileged triggers. Sources: GitHub Security Lab "Keeping your GitHub Actions and
/// workflows secure" part 1 (`pull_request_target`, `workflow_run`) and part 2
/// (`issue_comment`); zizmor's `dangerous-triggers` audit.
const PRIVILEGED: &[Trigger] = &[
    Trigger {
        name: "pull_request_target",
        who: "anyone who opens a pull request from a fork",
        source: PWN_REQUESTS,
    },
    Trigger {
        name: "workflow_run",
        who: "a run another workflow made for a fork's pull request",
        source: PWN_REQUESTS,
    },
    Trigger {
        name: "issue_comment",
        who: "anyone who can comment on an issue or pull request",
        source: "https://securitylab.github.com/resources/github-actions-untrusted-input/",
    },
];

/// Triggers a fork's pull request (or an outsider's comment) can start: a self-hosted runner
/// on them runs outsiders' code on the organisation's machine. Sources: GitHub "Secure use
/// reference", hardening for self-hosted runners
/// (<https://docs.github.com/en/actions/reference/security/secure-use>); zizmor
/// `self-hosted-runner` (<https://docs.zizmor.sh/audits/#self-hosted-runner>).
const FORK_TRIGGERS: &[&str] = &[
    "pull_request",
    "pull_request_target",
    "pull_request_review",
    "pull_request_review_comment",
    "issue_comment",
    "workflow_run",
];

/// Re-enables `set-env`/`add-path`: anything printed to the log can set the environment.
/// Source: <https://github.blog/changelog/2020-10-01-github-actions-deprecating-set-env-and-add-path-commands/>,
/// zizmor `insecure-commands` (<https://docs.zizmor.sh/audits/#insecure-commands>).
const UNSECURE: &str = "ACTIONS_ALLOW_UNSECURE_COMMANDS";

/// Input types whose value cannot carry text (`choice` is one of the listed options).
const SAFE_INPUT_TYPES: &[&str] = &["boolean", "number", "choice", "environment"];

/// The workflow's triggers, however `on:` is written.
pub(super) fn triggers(workflow: &Node) -> Vec<&str> {
    let Some(on) = workflow.get("on") else {
        return Vec::new();
    };
    let mut out = on.scalars();
    out.extend(on.entries().iter().map(|e| e.key.as_str()));
    out
}

fn privileged(workflow: &Node) -> Vec<&'static Trigger> {
    let on = triggers(workflow);
    PRIVILEGED.iter().filter(|t| on.contains(&t.name)).collect()
}

/// Workflow-level facts: `ACTIONS_ALLOW_UNSECURE_COMMANDS` in the top-level `env:`.
pub(super) fn workflow_facts(
    versions: &Versions<'_>,
    file: &str,
    old: &Node,
    new: &Node,
) -> Vec<Fact> {
    match (unsecure_env(new), unsecure_env(old)) {
        (Some(line), None) => vec![fact(
            versions,
            Signal::UnsecureCommandsEnabled,
            Some(line),
            file,
            format!(
                "{file} sets {UNSECURE} for every job: anything a step prints to the log can set environment variables and PATH"
            ),
        )],
        _ => Vec::new(),
    }
}

/// What a job of the new workflow introduces, compared with the same job before.
pub(super) fn compare(ctx: &Job<'_>, job: &Node, before: Option<&Node>, line: u32) -> Vec<Fact> {
    let mut facts = injections_added(ctx, job, before);
    facts.extend(privileged_reach(ctx, job, before, line));
    if let Some(at) = unsecure_in_job(job)
        && before.and_then(unsecure_in_job).is_none()
    {
        facts.push(ctx.fact(Signal::UnsecureCommandsEnabled, at, format!("{} sets {UNSECURE}: anything a step prints to the log can set environment variables and PATH", ctx.subject)));
    }
    if let Some(node) = job.get("secrets").filter(|s| s.as_str() == Some("inherit"))
        && before.and_then(|b| b.get("secrets")?.as_str()) != Some("inherit")
    {
        let callee = job
            .get("uses")
            .and_then(Node::as_str)
            .unwrap_or("a reusable workflow");
        facts.push(ctx.fact(Signal::SecretsInherited, node.line, format!("{} passes every secret of the repository to {callee} (secrets: inherit): pass the ones it needs by name", ctx.subject)));
    }
    let fork_now = forkable(ctx.new);
    let was_exposed = before.and_then(self_hosted).is_some() && !forkable(ctx.old).is_empty();
    if let Some((label, at)) = self_hosted(job).filter(|_| !fork_now.is_empty())
        && !was_exposed
    {
        facts.push(ctx.fact(Signal::SelfHostedForkRunner, at, format!("{} runs on a self-hosted runner (`{label}`) on {}: in a public repository a fork's pull request runs its code on that machine", ctx.subject, fork_now.join(", "))));
    }
    facts
}

fn forkable(workflow: &Node) -> Vec<&str> {
    let on = triggers(workflow);
    FORK_TRIGGERS
        .iter()
        .copied()
        .filter(|t| on.contains(t))
        .collect()
}

/// Attacker-controllable contexts newly expanded into the job's scripts.
fn injections_added(ctx: &Job<'_>, job: &Node, before: Option<&Node>) -> Vec<Fact> {
    let old: HashSet<String> = before
        .map(|b| injections(ctx.old, b))
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.path)
        .collect();
    let mut seen = HashSet::new();
    let mut facts = Vec::new();
    for found in injections(ctx.new, job) {
        if old.contains(&found.path) || !seen.insert(found.path.clone()) {
            continue;
        }
        let line = line_of(ctx.versions, found.line, found.expression);
        facts.push(ctx.fact(
            Signal::WorkflowTemplateInjection,
            line,
            format!(
                "`{} is expanded into the {} of {}: whoever writes it can run code with the job's token and secrets; pass it through `env:` and read the variable (`$VAR`, `process.env`) instead (source: {})",
                found.path, found.sink, ctx.subject, found.row.source
            ),
        ));
    }
    facts
}

struct Injection<'a> {
    path: String,
    expression: &'a str,
    sink: &'static str,
    line: u32,
    row: &'static Untrusted,
}

/// Every attacker-controllable context in the job's `run:` scripts and github-script
/// `script:`s, in step order; `env.X` and `matrix.X` count when `X` is set from one.
fn injections<'a>(workflow: &Node, job: &'a Node) -> Vec<Injection<'a>> {
    let typed = typed_inputs(workflow);
    let mut out = Vec::new();
    for step in job.get("steps").map(Node::items).unwrap_or_default() {
        let action = step.get("uses").and_then(Node::as_str).unwrap_or_default();
        let (node, sink) = if let Some(run) = step.get("run") {
            (run, "run script")
        } else if action.starts_with("actions/github-script@") {
            let Some(script) = step.at(&["with", "script"]) else {
                continue;
            };
            (script, "github-script script")
        } else {
            continue;
        };
        let Some(text) = node.as_str() else { continue };
        // The nearest `env:` wins: the step's, the job's, the workflow's.
        let scopes = [step, job, workflow];
        for (expression, body) in contexts::expressions(text) {
            for path in contexts::paths(body) {
                let indirect = if let Some(name) = path.strip_prefix("env.") {
                    Some(env_values(&scopes, name))
                } else {
                    path.strip_prefix("matrix.")
                        .map(|name| matrix_values(job, name))
                };
                let found = match indirect {
                    Some(values) => source_of(&values, &typed)
                        .map(|(from, row)| (format!("{path}` (set from `{from}`)"), row)),
                    None => untrusted(&path, body, &typed).map(|row| (format!("{path}`"), row)),
                };
                if let Some((path, row)) = found {
                    out.push(Injection {
                        path,
                        expression,
                        sink,
                        line: node.line,
                        row,
                    });
                }
            }
        }
    }
    out
}

/// The table row `path` reads, unless it is an input typed to carry no text. An object that
/// holds a row (`github.event.pull_request`) counts when dumped whole with `toJSON`.
fn untrusted(path: &str, body: &str, typed: &HashSet<String>) -> Option<&'static Untrusted> {
    let input = path
        .strip_prefix("inputs.")
        .or(path.strip_prefix("github.event.inputs."));
    if input.is_some_and(|name| typed.contains(name)) {
        return None;
    }
    let squeezed: String = body
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    let dumped = squeezed.contains(&format!("tojson({path})"));
    contexts::untrusted(path, dumped)
}

/// The value of an `env:` variable in the nearest scope that sets it.
fn env_values<'a>(scopes: &[&'a Node], name: &str) -> Vec<&'a str> {
    scopes
        .iter()
        .find_map(|scope| {
            let env = scope.get("env")?;
            let entry = env
                .entries()
                .iter()
                .find(|e| e.key.eq_ignore_ascii_case(name))?;
            Some(vec![entry.value.as_str().unwrap_or_default()])
        })
        .unwrap_or_default()
}

/// Every value a matrix dimension takes, `include:` entries too.
fn matrix_values<'a>(job: &'a Node, name: &str) -> Vec<&'a str> {
    let Some(matrix) = job.at(&["strategy", "matrix"]) else {
        return Vec::new();
    };
    let includes = matrix.get("include").map(Node::items).unwrap_or_default();
    let mut out = Vec::new();
    for value in matrix
        .get(name)
        .into_iter()
        .chain(includes.iter().filter_map(|i| i.get(name)))
    {
        out.extend(value.scalars());
    }
    out
}

/// The attacker-controllable context one of `values` is set from.
fn source_of(values: &[&str], typed: &HashSet<String>) -> Option<(String, &'static Untrusted)> {
    values.iter().find_map(|value| {
        contexts::expressions(value)
            .into_iter()
            .find_map(|(_, body)| {
                contexts::paths(body)
                    .into_iter()
                    .find_map(|path| Some((path.clone(), untrusted(&path, body, typed)?)))
            })
    })
}

/// Inputs declared only with a type that cannot carry text (lower case).
fn typed_inputs(workflow: &Node) -> HashSet<String> {
    let mut safe = HashSet::new();
    let mut text = HashSet::new();
    let declared = ["workflow_dispatch", "workflow_call"]
        .iter()
        .filter_map(|t| workflow.at(&["on", t, "inputs"]))
        .chain(workflow.get("inputs"));
    for inputs in declared {
        for input in inputs.entries() {
            let kind = input
                .value
                .get("type")
                .and_then(Node::as_str)
                .unwrap_or("string");
            let set = if SAFE_INPUT_TYPES.contains(&kind) {
                &mut safe
            } else {
                &mut text
            };
            set.insert(input.key.to_ascii_lowercase());
        }
    }
    safe.retain(|name| !text.contains(name));
    safe
}

/// The first line at or after `from` that holds `needle` (the node's line otherwise).
fn line_of(versions: &Versions<'_>, from: u32, needle: &str) -> u32 {
    let text = String::from_utf8_lossy(versions.new.unwrap_or_default());
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1) as usize)
        .find(|(_, l)| l.contains(needle))
        .and_then(|(i, _)| u32::try_from(i + 1).ok())
        .unwrap_or(from)
}

/// A job under a privileged trigger that now reaches credentials it did not reach before
/// (all of them when the trigger itself is new).
fn privileged_reach(ctx: &Job<'_>, job: &Node, before: Option<&Node>, line: u32) -> Vec<Fact> {
    let now = privileged(ctx.new);
    if now.is_empty() {
        return Vec::new();
    }
    let was = privileged(ctx.old);
    let added = now.iter().any(|t| !was.iter().any(|w| w.name == t.name));
    let old_reach = match before {
        Some(b) if !added => reach(ctx.old, b),
        _ => Vec::new(),
    };
    let reached: Vec<String> = reach(ctx.new, job)
        .into_iter()
        .filter(|r| !old_reach.contains(r))
        .collect();
    if reached.is_empty() {
        return Vec::new();
    }
    let at = if added {
        ctx.new.get("on").map_or(line, |on| on.line)
    } else {
        line
    };
    let who: Vec<String> = now
        .iter()
        .map(|t| format!("{} ({})", t.name, t.who))
        .collect();
    let sources: Vec<&str> = now.iter().map(|t| t.source).collect();
    vec![ctx.fact(
        Signal::PrivilegedTrigger,
        at,
        format!(
            "{} runs on {} and reaches {}: code or text from outside the repository decides what runs next to them (source: {})",
            ctx.subject,
            who.join(", "),
            reached.join(", "),
            sources.join(", ")
        ),
    )]
}

/// What a job's credentials are: secrets by name, every secret, its environment,
/// `id-token: write` and write scopes of its token.
fn reach(workflow: &Node, job: &Node) -> Vec<String> {
    let mut out = Vec::new();
    if job.get("secrets").and_then(Node::as_str) == Some("inherit") {
        out.push("every secret (secrets: inherit)".to_string());
    }
    let text = job.canonical();
    for (_, body) in contexts::expressions(&text) {
        for path in contexts::paths(body) {
            let entry = match path.strip_prefix("secrets.") {
                Some(name) if name != "github_token" => {
                    format!("secrets.{}", name.to_ascii_uppercase())
                }
                None if path == "secrets" => "every secret (toJSON(secrets))".to_string(),
                _ => continue,
            };
            if !out.contains(&entry) {
                out.push(entry);
            }
        }
    }
    if let Some(env) = job.get("environment") {
        let name = env
            .as_str()
            .or_else(|| env.get("name")?.as_str())
            .unwrap_or("?");
        out.push(format!("environment `{name}`"));
    }
    match job.get("permissions").or(workflow.get("permissions")) {
        None => out.push(
            "the default GITHUB_TOKEN (write unless the repository restricts it)".to_string(),
        ),
        Some(perms) if perms.as_str() == Some("write-all") => {
            out.push("a write-all token".to_string());
        }
        Some(perms) => out.extend(
            perms
                .entries()
                .iter()
                .filter(|e| e.value.as_str() == Some("write"))
                .map(|e| format!("{}: write", e.key)),
        ),
    }
    out
}

/// The line of an enabled `ACTIONS_ALLOW_UNSECURE_COMMANDS` in an `env:` map.
fn enabled_in(env: Option<&Node>) -> Option<u32> {
    let entry = env?.entries().iter().find(|e| e.key == UNSECURE)?;
    let value = entry
        .value
        .as_str()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    (!matches!(value.as_str(), "" | "false" | "0")).then_some(entry.line)
}

fn unsecure_env(workflow: &Node) -> Option<u32> {
    enabled_in(workflow.get("env"))
}

/// In the job's `env:`, a step's `env:`, or a script that writes it to `$GITHUB_ENV`.
fn unsecure_in_job(job: &Node) -> Option<u32> {
    let steps = job.get("steps").map(Node::items).unwrap_or_default();
    enabled_in(job.get("env")).or_else(|| {
        steps.iter().find_map(|step| {
            enabled_in(step.get("env")).or_else(|| {
                let run = step.get("run")?;
                let text = run.as_str()?.to_ascii_uppercase();
                text.contains(&format!("{UNSECURE}=TRUE"))
                    .then_some(run.line)
            })
        })
    })
}

/// The `self-hosted` label of a job's `runs-on`, with matrix values expanded.
fn self_hosted(job: &Node) -> Option<(String, u32)> {
    let runs_on = job.get("runs-on")?;
    let mut labels: Vec<&str> = runs_on.scalars();
    if let Some(listed) = runs_on.get("labels") {
        labels.extend(listed.scalars());
    }
    let matrix = job.at(&["strategy", "matrix"]);
    let mut expanded = Vec::new();
    for label in &labels {
        for (_, body) in contexts::expressions(label) {
            let Some(key) = body.trim().strip_prefix("matrix.") else {
                continue;
            };
            let Some(matrix) = matrix else { continue };
            let includes = matrix.get("include").map(Node::items).unwrap_or_default();
            for value in matrix
                .get(key)
                .into_iter()
                .chain(includes.iter().filter_map(|i| i.get(key)))
            {
                // A matrix value is a label or a list of labels.
                expanded.extend(value.scalars());
                expanded.extend(value.items().iter().flat_map(Node::scalars));
            }
        }
    }
    labels.extend(expanded);
    labels
        .into_iter()
        .find(|l| l.eq_ignore_ascii_case("self-hosted"))
        .map(|l| (l.to_string(), runs_on.line))
}
