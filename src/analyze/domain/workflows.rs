//! Delivery pipelines: GitHub Actions workflows (here) and GitLab CI (in [`gitlab`]). They run
//! with the repository's credentials, so what matters is who gets the token, which code runs
//! next to secrets, and what is deployed.
//!
//! Subjects are `file#job` (`deploy.yml#deploy`).

mod access;
mod contexts;
mod github;
mod gitlab;
mod gitlab_access;

use super::tree::{self, Node};
use super::{Analysis, LineLevel, Versions};

pub use github::GithubActions;
pub use gitlab::GitlabCi;

/// True when a shell command runs a downloaded script unreviewed (see [`super::shell`]).
fn pipes_to_shell(command: &str) -> bool {
    super::shell::runs_download(command)
}

/// The subject prefix: the workflow's file name.
fn file_name<'a>(versions: &Versions<'a>) -> &'a str {
    let path = versions.file.path();
    path.rsplit('/').next().unwrap_or(path)
}

/// Both sides' first document, or a fallback saying why the new one is not YAML.
fn documents(versions: &Versions<'_>, analyzer: &'static str) -> Result<(Node, Node), Analysis> {
    if let Some(reason) = versions.content_missing() {
        return Err(Analysis {
            facts: Vec::new(),
            fallbacks: vec![LineLevel {
                file: versions.file.path().to_string(),
                analyzer,
                reason: reason.to_string(),
            }],
        });
    }
    let read = |content: Option<&[u8]>| -> Result<Node, String> {
        match content {
            None => Ok(empty()),
            Some(bytes) => Ok(tree::parse(bytes)?.into_iter().next().unwrap_or_else(empty)),
        }
    };
    match (read(versions.old), read(versions.new)) {
        (Ok(old), Ok(new)) => Ok((old, new)),
        (Err(reason), _) | (_, Err(reason)) => Err(Analysis {
            facts: Vec::new(),
            fallbacks: vec![LineLevel {
                file: versions.file.path().to_string(),
                analyzer,
                reason,
            }],
        }),
    }
}

fn empty() -> Node {
    Node {
        value: tree::Value::Map(Vec::new()),
        line: 1,
        tag: None,
    }
}

#[cfg(test)]
mod tests;
