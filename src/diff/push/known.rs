//! What the receiving side of a push already has: its refs and its default branch. A server
//! reads its own refs; a client asks the remote (`git ls-remote`), because remote-tracking refs
//! are local files anybody can move and must not make commits count as "already pushed".

use std::process::Command;

use git2::{ObjectType, Oid, Repository};

use super::super::error::{Error, GitContext};

/// Git config key naming the server's protected branch, for when `HEAD` cannot be trusted.
pub const DEFAULT_BRANCH_KEY: &str = "blastgate.defaultBranch";

/// The refs of the receiving side and its default branch.
#[derive(Debug, Clone)]
pub struct Known {
    /// Each ref and the commit it points at (tags peeled); only commits this repository has.
    pub tips: Vec<(String, Oid)>,
    /// The branch new refs are compared with.
    pub default: DefaultBranch,
}

impl Default for Known {
    fn default() -> Self {
        Self {
            tips: Vec::new(),
            default: DefaultBranch::Absent {
                why: "nothing is known of the receiving side".to_string(),
            },
        }
    }
}

/// The default branch, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DefaultBranch {
    /// Its full ref name and tip.
    Found {
        /// `refs/heads/main`.
        name: String,
        /// The commit it points at.
        tip: Oid,
    },
    /// Nothing to compare with (an empty server; a remote whose default tip this clone lacks).
    Absent {
        /// Why, for the report.
        why: String,
    },
    /// The server has branches but no trustworthy default: new refs cannot be judged, and the
    /// built-in policy must not stand in for the repository's own (fail closed).
    Missing {
        /// Why, for the error message.
        why: String,
    },
}

impl Known {
    /// The default branch's tip, when there is one.
    #[must_use]
    pub fn default_tip(&self) -> Option<Oid> {
        match &self.default {
            DefaultBranch::Found { tip, .. } => Some(*tip),
            _ => None,
        }
    }

    /// The name of a ref whose tip is `commit`, preferring the default branch.
    #[must_use]
    pub fn tip_named(&self, commit: Oid) -> Option<&str> {
        if let DefaultBranch::Found { name, tip } = &self.default
            && *tip == commit
        {
            return Some(name);
        }
        self.tips
            .iter()
            .find(|(_, tip)| *tip == commit)
            .map(|(name, _)| name.as_str())
    }
}

/// A server's own state while `pre-receive` runs (its refs are not updated yet). The default
/// branch is `configured` (`--default-branch`), else `blastgate.defaultBranch` from the
/// repository's config, else what `HEAD` points at.
pub fn server(repo: &Repository, configured: Option<&str>) -> Result<Known, Error> {
    let references = repo
        .references()
        .doing(|| "listing the server's refs".to_string())?;
    let tips: Vec<(String, Oid)> = references
        .flatten()
        .filter_map(|reference| {
            let name = reference.name().ok()?.to_string();
            let commit = reference.peel_to_commit().ok()?;
            Some((name, commit.id()))
        })
        .collect();
    let has_branches = tips.iter().any(|(name, _)| name.starts_with("refs/heads/"));
    let from_config = repo
        .config()
        .ok()
        .and_then(|config| config.get_string(DEFAULT_BRANCH_KEY).ok());
    let default = match configured.map(str::to_string).or(from_config) {
        Some(branch) => {
            let name = full_branch_name(&branch);
            match tips.iter().find(|(ref_name, _)| *ref_name == name) {
                Some((_, tip)) => DefaultBranch::Found { name, tip: *tip },
                None if !has_branches => DefaultBranch::Absent {
                    why: "the server has no branches yet".to_string(),
                },
                None => DefaultBranch::Missing {
                    why: format!(
                        "the configured default branch {name} does not exist on the server"
                    ),
                },
            }
        }
        None => match repo.head() {
            Ok(head) => match (head.name(), head.peel_to_commit()) {
                (Ok(name), Ok(commit)) => DefaultBranch::Found {
                    name: name.to_string(),
                    tip: commit.id(),
                },
                _ => DefaultBranch::Missing {
                    why: "the server's HEAD does not point at a commit".to_string(),
                },
            },
            Err(_) if !has_branches => DefaultBranch::Absent {
                why: "the server has no branches yet".to_string(),
            },
            Err(_) => DefaultBranch::Missing {
                why: format!(
                    "the server's HEAD points at {}, which does not exist",
                    head_target(repo)
                ),
            },
        },
    };
    Ok(Known { tips, default })
}

/// What `remote` advertises now, read with `git ls-remote --symref`: its refs whose commits
/// this clone has, and the branch its `HEAD` names.
pub fn advertised(repo: &Repository, remote: &str) -> Result<Known, Error> {
    let failed = |message: String| Error::RemoteRefs {
        remote: remote.to_string(),
        message,
    };
    if remote.starts_with('-') {
        return Err(failed("a remote name cannot start with `-`".to_string()));
    }
    // The hook's GIT_* variables describe this repository; --git-dir says the same explicitly.
    let output = Command::new("git")
        .arg("--git-dir")
        .arg(repo.path())
        .args(["ls-remote", "--symref", remote])
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_COMMON_DIR")
        // A hook has no one to answer a credential prompt: fail instead of waiting for one.
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|error| failed(format!("running git: {error}")))?;
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stderr);
        let first = said.lines().find(|line| !line.trim().is_empty());
        let said = first.unwrap_or("git ls-remote failed");
        return Err(failed(crate::escape::one_line(said).into_owned()));
    }
    let listing = parse_listing(&String::from_utf8_lossy(&output.stdout));
    let tips: Vec<(String, Oid)> = listing
        .refs
        .into_iter()
        .filter_map(|(name, oid)| {
            let object = repo.find_object(oid, None).ok()?;
            let commit = object.peel(ObjectType::Commit).ok()?;
            Some((name, commit.id()))
        })
        .collect();
    let default = match listing.head {
        Some(name) => match tips.iter().find(|(ref_name, _)| *ref_name == name) {
            Some((_, tip)) => DefaultBranch::Found { name, tip: *tip },
            None => DefaultBranch::Absent {
                why: format!(
                    "{remote}'s default branch {name} is not in this clone (git fetch {remote})"
                ),
            },
        },
        None => DefaultBranch::Absent {
            why: format!("{remote} names no default branch"),
        },
    };
    Ok(Known { tips, default })
}

/// `git ls-remote --symref` output: the branch `HEAD` names and every ref (peeled tags win).
#[derive(Debug, Default, PartialEq, Eq)]
struct Listing {
    head: Option<String>,
    refs: Vec<(String, Oid)>,
}

fn parse_listing(text: &str) -> Listing {
    let mut listing = Listing::default();
    for line in text.lines() {
        let Some((left, name)) = line.split_once('\t') else {
            continue;
        };
        if let Some(target) = left.strip_prefix("ref: ") {
            if name == "HEAD" {
                listing.head = Some(target.to_string());
            }
            continue;
        }
        let Ok(oid) = Oid::from_str(left) else {
            continue;
        };
        if name == "HEAD" {
            continue;
        }
        match name.strip_suffix("^{}") {
            Some(tag) => {
                if let Some(entry) = listing.refs.iter_mut().find(|(n, _)| n == tag) {
                    entry.1 = oid;
                }
            }
            None => listing.refs.push((name.to_string(), oid)),
        }
    }
    listing
}

fn full_branch_name(branch: &str) -> String {
    if branch.starts_with("refs/") {
        branch.to_string()
    } else {
        format!("refs/heads/{branch}")
    }
}

fn head_target(repo: &Repository) -> String {
    repo.find_reference("HEAD")
        .ok()
        .and_then(|head| head.symbolic_target().ok().flatten().map(str::to_string))
        .unwrap_or_else(|| "nothing".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The symref line names the default branch; peeled tags replace the tag object's id.
    #[test]
    fn parses_ls_remote_listing() {
        let (a, b, c) = ("a".repeat(40), "b".repeat(40), "c".repeat(40));
        let text = format!(
            "ref: refs/heads/main\tHEAD\n{a}\tHEAD\n{a}\trefs/heads/main\n{b}\trefs/tags/v1\n{c}\trefs/tags/v1^{{}}\n"
        );
        let listing = parse_listing(&text);
        assert_eq!(listing.head.as_deref(), Some("refs/heads/main"));
        let oid = |hex: &str| Oid::from_str(hex).expect("hex id");
        assert_eq!(
            listing.refs,
            [
                ("refs/heads/main".to_string(), oid(&a)),
                ("refs/tags/v1".to_string(), oid(&c)),
            ]
        );
    }
}
