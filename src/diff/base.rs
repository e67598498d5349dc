//! Choosing a base when `--base` is not given: the CI platform's own idea of the base first,
//! then the upstream branch, then the remote's default branch. The reason is kept for the
//! report, so nobody has to guess what the change was compared with.

use std::path::PathBuf;

use git2::{BranchType, Repository};

use super::error::Error;

/// Reads an environment variable; the process environment in production, a map in tests.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// A base revision to resolve, and why it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseChoice {
    /// A revision spec (`origin/main`, a sha).
    pub spec: String,
    /// Why, in words, for the report.
    pub reason: String,
}

/// Picks the base for `head_spec` from the environment and the repository.
pub fn choose(repo: &Repository, head_spec: &str, env: Env<'_>) -> Result<BaseChoice, Error> {
    if let Some(choice) = github(env)? {
        return Ok(choice);
    }
    if let Some(choice) = gitlab(env) {
        return Ok(choice);
    }
    if let Some(choice) = upstream(repo) {
        return Ok(choice);
    }
    if let Some(choice) = default_branch(repo) {
        return Ok(choice);
    }
    Err(Error::NoBase {
        head: head_spec.to_string(),
        why: "no CI variables, no upstream branch and no remote default branch".to_string(),
    })
}

fn is_zero_oid(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b == b'0')
}

fn github(env: Env<'_>) -> Result<Option<BaseChoice>, Error> {
    if env("GITHUB_ACTIONS").as_deref() != Some("true") {
        return Ok(None);
    }
    let event = env("GITHUB_EVENT_NAME").unwrap_or_default();
    if let Some(path) = env("GITHUB_EVENT_PATH").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        let payload = read_payload(&path)?;
        let pointer = match event.as_str() {
            "pull_request"
            | "pull_request_target"
            | "pull_request_review"
            | "pull_request_review_comment" => Some("/pull_request/base/sha"),
            "merge_group" => Some("/merge_group/base_sha"),
            "push" => Some("/before"),
            _ => None,
        };
        if let Some(pointer) = pointer {
            let sha = payload.pointer(pointer).and_then(serde_json::Value::as_str);
            match sha {
                Some(sha) if !is_zero_oid(sha) => {
                    let number = payload
                        .pointer("/pull_request/number")
                        .and_then(serde_json::Value::as_u64)
                        .map(|n| format!(" of pull request #{n}"))
                        .unwrap_or_default();
                    return Ok(Some(BaseChoice {
                        spec: sha.to_string(),
                        reason: format!(
                            "GitHub Actions `{event}` event: base{number} from {pointer}"
                        ),
                    }));
                }
                None if event != "push" => {
                    return Err(Error::CiPayload {
                        path,
                        message: format!("`{event}` event has no `{pointer}`"),
                    });
                }
                // A zero sha is a new branch's first push; a push payload without `before`
                // is odd but harmless: fall through to the base ref / default branch.
                _ => {}
            }
        }
    }
    Ok(env("GITHUB_BASE_REF")
        .filter(|r| !r.is_empty())
        .map(|base_ref| BaseChoice {
            spec: format!("origin/{base_ref}"),
            reason: format!("GitHub Actions GITHUB_BASE_REF={base_ref}"),
        }))
}

fn read_payload(path: &PathBuf) -> Result<serde_json::Value, Error> {
    let text = std::fs::read_to_string(path).map_err(|error| Error::CiPayload {
        path: path.clone(),
        message: format!("cannot read it ({error})"),
    })?;
    serde_json::from_str(&text).map_err(|error| Error::CiPayload {
        path: path.clone(),
        message: format!("not valid JSON ({error})"),
    })
}

fn gitlab(env: Env<'_>) -> Option<BaseChoice> {
    if env("GITLAB_CI").as_deref() != Some("true") {
        return None;
    }
    let valid = |value: Option<String>| value.filter(|v| !v.is_empty() && !is_zero_oid(v));
    if let Some(sha) = valid(env("CI_MERGE_REQUEST_DIFF_BASE_SHA")) {
        return Some(BaseChoice {
            spec: sha,
            reason: "GitLab CI merge request: CI_MERGE_REQUEST_DIFF_BASE_SHA".to_string(),
        });
    }
    valid(env("CI_COMMIT_BEFORE_SHA")).map(|sha| BaseChoice {
        spec: sha,
        reason: "GitLab CI push: CI_COMMIT_BEFORE_SHA".to_string(),
    })
}

fn upstream(repo: &Repository) -> Option<BaseChoice> {
    let head = repo.head().ok()?;
    if !head.is_branch() {
        return None;
    }
    let name = head.shorthand().ok()?.to_string();
    let branch = repo.find_branch(&name, BranchType::Local).ok()?;
    let upstream = branch.upstream().ok()?;
    let upstream_name = upstream.name().ok()??.to_string();
    Some(BaseChoice {
        reason: format!("merge-base with {upstream_name}, the upstream of {name}"),
        spec: upstream_name,
    })
}

fn default_branch(repo: &Repository) -> Option<BaseChoice> {
    let remotes = repo.remotes().ok()?;
    let remote = if remotes.iter().flatten().flatten().any(|r| r == "origin") {
        "origin".to_string()
    } else {
        remotes.iter().flatten().flatten().next()?.to_string()
    };
    if let Ok(reference) = repo.find_reference(&format!("refs/remotes/{remote}/HEAD"))
        && let Ok(Some(target)) = reference.symbolic_target()
    {
        let spec = target.trim_start_matches("refs/remotes/").to_string();
        return Some(BaseChoice {
            reason: format!("merge-base with {spec}, the default branch of {remote}"),
            spec,
        });
    }
    ["main", "master"].iter().find_map(|name| {
        let spec = format!("{remote}/{name}");
        repo.find_reference(&format!("refs/remotes/{spec}")).ok()?;
        Some(BaseChoice {
            reason: format!("merge-base with {spec} ({remote} has no HEAD; {name} exists)"),
            spec,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        move |key| map.get(key).cloned()
    }

    /// GitLab merge-request pipelines name their diff base; pushes fall back to the previous tip.
    #[test]
    fn gitlab_variables_pick_the_base() {
        let env = env_of(&[
            ("GITLAB_CI", "true"),
            ("CI_MERGE_REQUEST_DIFF_BASE_SHA", "abc123"),
        ]);
        assert_eq!(gitlab(&env).map(|c| c.spec), Some("abc123".to_string()));
        let zero = "0".repeat(40);
        let env = env_of(&[("GITLAB_CI", "true"), ("CI_COMMIT_BEFORE_SHA", &zero)]);
        assert_eq!(gitlab(&env), None);
    }

    /// Without the event payload, `GITHUB_BASE_REF` names the branch on the default remote.
    #[test]
    fn github_base_ref_without_payload() {
        let env = env_of(&[("GITHUB_ACTIONS", "true"), ("GITHUB_BASE_REF", "main")]);
        let choice = github(&env)
            .expect("no payload to read")
            .expect("base ref set");
        assert_eq!(choice.spec, "origin/main");
    }

    /// A malformed payload is an error, never a silent fallback.
    #[test]
    fn github_malformed_payload_is_an_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("event.json");
        std::fs::write(&path, "{not json").expect("write payload");
        let path_text = path.to_string_lossy().into_owned();
        let env = env_of(&[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("GITHUB_EVENT_PATH", &path_text),
        ]);
        assert!(matches!(github(&env), Err(Error::CiPayload { .. })));
    }
}
