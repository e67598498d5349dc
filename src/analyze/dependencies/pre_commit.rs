//! pre-commit: the hook repositories of `.pre-commit-config.yaml`, each pinned by its `rev:`
//! (a tag, or a commit sha with the tag in a trailing `# frozen: v1.2.3` comment, as
//! `pre-commit autoupdate --freeze`, Renovate and pre-commit.ci write it). `repo: local` and
//! `repo: meta` hooks live in this repository and are not third-party code.

use super::model::{Dep, Manifest, number};
use super::version::{Bare, is_sha, lowest};

/// The key that pins a hook repository.
const REV: &str = "rev:";

/// Reads the `repo:`/`rev:` pairs of a configuration's `repos:` list, in either order within
/// an entry.
#[allow(
    clippy::unnecessary_wraps,
    reason = "every reader in the format table has one signature"
)]
pub fn config(text: &str) -> Result<Manifest, String> {
    let mut manifest = Manifest::default();
    let mut repo: Option<String> = None;
    let mut rev: Option<(String, usize)> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim_start();
        let item = line.strip_prefix('-').map(str::trim_start);
        let line = item.unwrap_or(line);
        let is_repo = line.starts_with("repo:");
        // A list item keyed by `repo:` or `rev:` starts the next repository's entry.
        if item.is_some() && (is_repo || line.starts_with(REV)) {
            repo = None;
            rev = None;
        }
        if let Some(value) = line.strip_prefix("repo:") {
            let value = unquoted(value.split(" #").next().unwrap_or(value));
            repo = (value != "local" && value != "meta").then(|| repo_name(value));
        } else if let Some(value) = line.strip_prefix(REV) {
            rev = Some((requirement(value), index));
        }
        if let (Some(name), Some((requirement, at))) = (&repo, &rev) {
            manifest.push(Dep::new(name.clone(), requirement.clone(), number(*at)));
            rev = None;
        }
    }
    Ok(manifest)
}

/// Whether `line` only pins a hook repository: `rev:` with a commit sha or a version tag.
/// A change whose every line is one moves pins, the way a dependency bump does; a branch name
/// is no pin.
#[must_use]
pub fn is_rev_pin(line: &str) -> bool {
    let line = line.trim_start();
    let line = line.strip_prefix('-').map_or(line, str::trim_start);
    let Some(value) = line.strip_prefix(REV) else {
        return false;
    };
    let reference = unquoted(value.split('#').next().unwrap_or(value));
    !reference.is_empty() && (is_sha(reference) || lowest(reference, Bare::Tag).is_some())
}

/// A `rev:` value as the version reading expects it: the ref unquoted, then its comment
/// (`<sha> # frozen: v1.2.3`).
fn requirement(value: &str) -> String {
    match value.split_once('#') {
        Some((reference, comment)) => format!("{} # {}", unquoted(reference), comment.trim()),
        None => unquoted(value).to_string(),
    }
}

/// A YAML scalar without its quotes.
fn unquoted(value: &str) -> &str {
    value.trim().trim_matches(['"', '\''])
}

/// A repository URL as one name: `…/ruff-pre-commit`, `…/ruff-pre-commit.git` and a trailing
/// slash are the same repository.
fn repo_name(url: &str) -> String {
    let url = url.trim_end_matches('/');
    url.strip_suffix(".git").unwrap_or(url).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pinned_repositories_in_either_order() {
        let text = "repos:\n-   repo: https://github.com/pre-commit/pre-commit-hooks\n    rev: v4.5.0  # keep\n    hooks:\n    -   id: check-yaml\n- rev: \"65dbdb59d2f2d9c3bdc343c566821ad3319ddaa3\" # frozen: v0.16.3\n  repo: 'https://github.com/astral-sh/ruff-pre-commit.git'\n  hooks:\n  - id: ruff\n- repo: local\n  hooks:\n  - id: lint\n    entry: ./lint.sh\n";
        let deps: Vec<(String, String, Option<u32>)> = config(text)
            .expect("reads")
            .deps
            .into_iter()
            .map(|dep| (dep.name, dep.requirement, dep.line))
            .collect();
        assert_eq!(
            deps,
            [
                (
                    "https://github.com/pre-commit/pre-commit-hooks".to_string(),
                    "v4.5.0 # keep".to_string(),
                    Some(3)
                ),
                (
                    "https://github.com/astral-sh/ruff-pre-commit".to_string(),
                    "65dbdb59d2f2d9c3bdc343c566821ad3319ddaa3 # frozen: v0.16.3".to_string(),
                    Some(6)
                ),
            ]
        );
    }

    #[test]
    fn pins_are_shas_and_version_tags() {
        for pin in [
            "    rev: v0.16.3",
            "    rev: 65dbdb59d2f2d9c3bdc343c566821ad3319ddaa3 # frozen: v0.16.3",
            "- rev: '24.1.0'",
            "  rev: \"v1\"",
        ] {
            assert!(is_rev_pin(pin), "{pin}");
        }
        for other in [
            "    rev: main",
            "    rev: ",
            "    rev: HEAD # v1.0",
            "    repo: https://github.com/x/y",
            "    entry: rev: v1",
            "      - id: ruff",
        ] {
            assert!(!is_rev_pin(other), "{other}");
        }
    }
}
