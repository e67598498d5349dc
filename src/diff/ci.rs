//! What a CI platform says about the change it runs for: the base, the head and the pull
//! (merge) request number, from GitHub Actions' variables and event payload or GitLab CI's
//! predefined variables. A payload that should be there and is not, or cannot be read, is an
//! error: guessing a base instead could judge the wrong change and let it through.
//! The request's title and body are kept too: agents that open pull requests leave their
//! markers there (a Codex task link, Jules' footer), and provenance reads them.

use std::path::{Path, PathBuf};

use git2::Repository;
use serde::Serialize;
use serde_json::Value;

use super::base::{Env, RevisionChoice};
use super::error::Error;
use crate::git::{is_oid, is_zero_oid};

/// The CI platforms whose variables are understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Platform {
    /// GitHub Actions (`GITHUB_ACTIONS=true`).
    GithubActions,
    /// GitLab CI (`GITLAB_CI=true`).
    GitlabCi,
}

impl Platform {
    /// How the platform writes a request number: `PR #7`, `MR !7`.
    #[must_use]
    pub fn request_label(self, number: u64) -> String {
        match self {
            Self::GithubActions => format!("PR #{number}"),
            Self::GitlabCi => format!("MR !{number}"),
        }
    }

    /// The setting that makes the platform's checkout deep enough to hold the base.
    #[must_use]
    pub fn deep_checkout(self) -> &'static str {
        match self {
            Self::GithubActions => "set `fetch-depth: 0` on actions/checkout",
            Self::GitlabCi => "set the variable `GIT_DEPTH: 0` on the job",
        }
    }
}

/// The CI run a change is judged in, as reports show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CiRun {
    /// Which platform.
    pub platform: Platform,
    /// The pull request (GitHub) or merge request (GitLab) number, when the run is for one.
    pub pull_request: Option<u64>,
    /// The request's title and body, as the platform gave them (unescaped: printing them
    /// is the report's job). Not serialised: reports show only the markers found in them.
    #[serde(skip)]
    pub text: Option<RequestText>,
}

/// The title and body of a pull (merge) request, for provenance markers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestText {
    /// The title; `None` when the platform gave none.
    pub title: Option<String>,
    /// The body (GitHub) or description (GitLab); `None` when empty or absent.
    pub body: Option<String>,
}

impl RequestText {
    /// `None` when neither part has any text.
    fn new(title: Option<String>, body: Option<String>) -> Option<Self> {
        let keep = |text: Option<String>| text.filter(|t| !t.trim().is_empty());
        let text = Self {
            title: keep(title),
            body: keep(body),
        };
        (text.title.is_some() || text.body.is_some()).then_some(text)
    }
}

/// Everything detected about the CI run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ci {
    /// Platform and request number.
    pub run: CiRun,
    /// The base the platform names, when it names one.
    pub base: Option<RevisionChoice>,
    /// The head the platform names (a sha), when it names one.
    pub head: Option<RevisionChoice>,
}

/// Reads the CI platform's variables; `None` outside CI.
pub fn detect(env: Env<'_>) -> Result<Option<Ci>, Error> {
    if env("GITHUB_ACTIONS").as_deref() == Some("true") {
        return github(env).map(Some);
    }
    if env("GITLAB_CI").as_deref() == Some("true") {
        return Ok(Some(gitlab(env)));
    }
    Ok(None)
}

/// Where each GitHub event keeps its base, head and request number (JSON pointers).
struct EventShape {
    events: &'static [&'static str],
    base: &'static str,
    head: &'static str,
    number: Option<&'static str>,
}

const GITHUB_EVENTS: &[EventShape] = &[
    EventShape {
        events: &[
            "pull_request",
            "pull_request_target",
            "pull_request_review",
            "pull_request_review_comment",
        ],
        base: "/pull_request/base/sha",
        head: "/pull_request/head/sha",
        number: Some("/pull_request/number"),
    },
    EventShape {
        events: &["merge_group"],
        base: "/merge_group/base_sha",
        head: "/merge_group/head_sha",
        number: None, // in the head ref: gh-readonly-queue/main/pr-123-<sha>
    },
    EventShape {
        events: &["push"],
        base: "/before",
        head: "/after",
        number: None,
    },
];

fn github(env: Env<'_>) -> Result<Ci, Error> {
    let event = env("GITHUB_EVENT_NAME").unwrap_or_default();
    let shape = GITHUB_EVENTS
        .iter()
        .find(|shape| shape.events.contains(&event.as_str()));
    let path = env("GITHUB_EVENT_PATH").filter(|p| !p.is_empty());
    let mut ci = Ci {
        run: CiRun {
            platform: Platform::GithubActions,
            pull_request: None,
            text: None,
        },
        base: None,
        head: env("GITHUB_SHA")
            .filter(|sha| !sha.is_empty())
            .map(|sha| RevisionChoice {
                spec: sha,
                reason: "GitHub Actions GITHUB_SHA".to_string(),
            }),
    };
    // Events that are about a request cannot be judged without their payload.
    match (shape, path) {
        (Some(shape), Some(path)) => {
            let path = PathBuf::from(path);
            let payload = read_payload(&path)?;
            read_github_event(&mut ci, shape, &event, &path, &payload)?;
        }
        (Some(_), None) if event != "push" => {
            return Err(Error::CiPayload {
                path: PathBuf::from("$GITHUB_EVENT_PATH"),
                message: format!("not set, and the `{event}` event needs its payload"),
            });
        }
        _ => {}
    }
    if ci.base.is_none() {
        ci.base = env("GITHUB_BASE_REF")
            .filter(|r| !r.is_empty())
            .map(|base_ref| RevisionChoice {
                spec: format!("origin/{base_ref}"),
                reason: format!("GitHub Actions GITHUB_BASE_REF={base_ref}"),
            });
    }
    Ok(ci)
}

fn read_github_event(
    ci: &mut Ci,
    shape: &EventShape,
    event: &str,
    path: &Path,
    payload: &Value,
) -> Result<(), Error> {
    let bad = |message: String| Error::CiPayload {
        path: path.to_path_buf(),
        message,
    };
    let sha_at = |pointer: &str| -> Result<Option<String>, Error> {
        match payload.pointer(pointer) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(sha)) if is_oid(sha) => Ok(Some(sha.to_ascii_lowercase())),
            Some(other) => Err(bad(format!("`{pointer}` is not a commit sha: {other}"))),
        }
    };
    ci.run.pull_request = match shape.number {
        Some(pointer) => match payload.pointer(pointer) {
            Some(Value::Number(n)) if n.as_u64().is_some() => n.as_u64(),
            other => {
                return Err(bad(format!(
                    "`{event}` event has no number at `{pointer}` (found {})",
                    other.map_or_else(|| "nothing".to_string(), Value::to_string)
                )));
            }
        },
        None => payload
            .pointer("/merge_group/head_ref")
            .and_then(Value::as_str)
            .and_then(queue_request_number),
    };
    if event.starts_with("pull_request") {
        ci.run.text = request_text(payload, &bad)?;
    }
    let request = ci
        .run
        .pull_request
        .map(|n| format!(" of pull request #{n}"))
        .unwrap_or_default();
    match sha_at(shape.base)? {
        // A zero `before` is a new branch's first push: the default branch decides.
        Some(sha) if is_zero_oid(&sha) => {}
        Some(sha) => {
            ci.base = Some(RevisionChoice {
                spec: sha,
                reason: format!(
                    "GitHub Actions `{event}` event: base{request} from {}",
                    shape.base
                ),
            });
        }
        // A push payload without `before` is odd but harmless; a request without a base is not.
        None if event == "push" => {}
        None => return Err(bad(format!("`{event}` event has no `{}`", shape.base))),
    }
    if let Some(sha) = sha_at(shape.head)?.filter(|sha| !is_zero_oid(sha)) {
        ci.head = Some(RevisionChoice {
            spec: sha,
            reason: format!(
                "GitHub Actions `{event}` event: head{request} from {}",
                shape.head
            ),
        });
    }
    Ok(())
}

/// `pull_request.title` and `.body` of a request event: strings or null, anything else is
/// a payload the gate does not understand.
fn request_text(
    payload: &Value,
    bad: &dyn Fn(String) -> Error,
) -> Result<Option<RequestText>, Error> {
    let text_at = |pointer: &str| match payload.pointer(pointer) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(other) => Err(bad(format!(
            "`{pointer}` is not text (found {})",
            kind_of(other)
        ))),
    };
    Ok(RequestText::new(
        text_at("/pull_request/title")?,
        text_at("/pull_request/body")?,
    ))
}

/// A JSON value's kind, for messages (never the value: it may be long or hostile).
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The pull request number in a merge queue's branch name, `…/pr-123-<sha>`.
fn queue_request_number(head_ref: &str) -> Option<u64> {
    let rest = &head_ref[head_ref.rfind("/pr-")? + 4..];
    rest.split('-').next()?.parse().ok()
}

fn read_payload(path: &Path) -> Result<Value, Error> {
    let text = std::fs::read_to_string(path).map_err(|error| Error::CiPayload {
        path: path.to_path_buf(),
        message: format!("cannot read it ({error})"),
    })?;
    match serde_json::from_str(&text) {
        Ok(value @ Value::Object(_)) => Ok(value),
        Ok(_) => Err(Error::CiPayload {
            path: path.to_path_buf(),
            message: "not a JSON object".to_string(),
        }),
        Err(error) => Err(Error::CiPayload {
            path: path.to_path_buf(),
            message: format!("not valid JSON ({error})"),
        }),
    }
}

fn gitlab(env: Env<'_>) -> Ci {
    let valid = |name: &str| env(name).filter(|v| !v.is_empty() && !is_zero_oid(v));
    let base = [
        ("CI_MERGE_REQUEST_DIFF_BASE_SHA", "merge request diff base"),
        ("CI_COMMIT_BEFORE_SHA", "push: the previous tip"),
    ]
    .iter()
    .find_map(|(name, what)| {
        valid(name).map(|sha| RevisionChoice {
            spec: sha,
            reason: format!("GitLab CI {what}: {name}"),
        })
    })
    .or_else(|| {
        valid("CI_MERGE_REQUEST_TARGET_BRANCH_NAME").map(|branch| RevisionChoice {
            spec: format!("origin/{branch}"),
            reason: format!("GitLab CI merge request target branch: {branch}"),
        })
    });
    Ci {
        run: CiRun {
            platform: Platform::GitlabCi,
            pull_request: valid("CI_MERGE_REQUEST_IID").and_then(|iid| iid.parse().ok()),
            text: RequestText::new(
                env("CI_MERGE_REQUEST_TITLE"),
                env("CI_MERGE_REQUEST_DESCRIPTION"),
            ),
        },
        base,
        head: valid("CI_COMMIT_SHA").map(|sha| RevisionChoice {
            spec: sha,
            reason: "GitLab CI CI_COMMIT_SHA".to_string(),
        }),
    }
}

/// In CI, the platform's head (a pull request's tip) replaces the default `HEAD`, which may be
/// a merge commit or, for `pull_request_target`, the base branch. Only when neither end was
/// named: a user's `--base`/`--head` wins.
pub(super) fn head_override(
    ci: Option<&Ci>,
    base: Option<&str>,
    head: &str,
) -> Option<RevisionChoice> {
    ci?.head
        .clone()
        .filter(|_| base.is_none() && head == "HEAD")
}

/// The branch a change is on: the platform's source branch in CI, else the current branch
/// for `HEAD`, else the head as named.
pub(super) fn branch_name(repo: &Repository, head: &str, env: Env<'_>) -> Option<String> {
    env("GITHUB_HEAD_REF")
        .or_else(|| env("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"))
        .filter(|name| !name.is_empty())
        .or_else(|| {
            if head == "HEAD" {
                crate::git::current_branch(repo)
            } else {
                Some(head.to_string())
            }
        })
}

/// Turns "not in this shallow clone" into the platform's own fix when running in CI.
#[must_use]
pub fn explain_shallow(error: Error, ci: Option<&Ci>) -> Error {
    match (error, ci) {
        (Error::ShallowClone { spec }, Some(ci)) => Error::ShallowCiClone {
            spec,
            platform: ci.run.platform,
        },
        (error, _) => error,
    }
}

#[cfg(test)]
mod tests;
