//! Choosing a base when `--base` is not given: the CI platform's own idea of the base first,
//! then the upstream branch, then the remote's default branch. The reason is kept for the
//! report, so nobody has to guess what the change was compared with.

use git2::{BranchType, Repository};

use super::ci::Ci;
use super::error::Error;

/// Reads an environment variable; the process environment in production, a map in tests.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// A revision to resolve (a base, or a CI platform's head), and why it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionChoice {
    /// A revision spec (`origin/main`, a sha).
    pub spec: String,
    /// Why, in words, for the report.
    pub reason: String,
}

/// Picks the base for `head_spec`: the CI platform's (see `diff::ci`), else the upstream
/// branch, else the remote's default branch.
pub fn choose(
    repo: &Repository,
    head_spec: &str,
    ci: Option<&Ci>,
) -> Result<RevisionChoice, Error> {
    if let Some(choice) = ci.and_then(|ci| ci.base.clone()) {
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

fn upstream(repo: &Repository) -> Option<RevisionChoice> {
    let head = repo.head().ok()?;
    if !head.is_branch() {
        return None;
    }
    let name = head.shorthand().ok()?.to_string();
    let branch = repo.find_branch(&name, BranchType::Local).ok()?;
    let upstream = branch.upstream().ok()?;
    let upstream_name = upstream.name().ok()??.to_string();
    Some(RevisionChoice {
        reason: format!("merge-base with {upstream_name}, the upstream of {name}"),
        spec: upstream_name,
    })
}

fn default_branch(repo: &Repository) -> Option<RevisionChoice> {
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
        return Some(RevisionChoice {
            reason: format!("merge-base with {spec}, the default branch of {remote}"),
            spec,
        });
    }
    ["main", "master"].iter().find_map(|name| {
        let spec = format!("{remote}/{name}");
        repo.find_reference(&format!("refs/remotes/{spec}")).ok()?;
        Some(RevisionChoice {
            reason: format!("merge-base with {spec} ({remote} has no HEAD; {name} exists)"),
            spec,
        })
    })
}
