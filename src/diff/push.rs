//! git's pre-push protocol: one line per pushed ref on standard input,
//! `<local ref> <local oid> <remote ref> <remote oid>`, and what each line asks us to check.
//!
//! Zero oids (40 or 64 zeros, for SHA-1 and SHA-256 repositories) mean "nothing": a zero local
//! oid is a deletion, a zero remote oid a new ref. For a new ref only the commits that the remote
//! does not already have are checked (those not reachable from its remote-tracking refs).

use std::collections::HashSet;

use git2::{ObjectType, Oid, Repository};

use super::error::{Error, GitContext};
use super::model::Revision;
use super::read::End;
use super::repo::{is_oid, is_zero_oid};
use super::repo::{merge_base, short};

/// One line of pre-push input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushedRef {
    /// Local ref being pushed (`refs/heads/topic`, `refs/tags/v1`, or `(delete)`).
    pub local_ref: String,
    /// Object the local ref points at.
    pub local_oid: String,
    /// Ref updated on the remote.
    pub remote_ref: String,
    /// Object the remote ref points at now.
    pub remote_oid: String,
}

/// What one pushed ref needs.
#[derive(Debug, Clone)]
pub enum PushPlan {
    /// Nothing to judge, and why (deletion, already on the remote, not a commit).
    Nothing {
        /// The pushed ref.
        pushed: PushedRef,
        /// Why there is nothing to check.
        why: String,
    },
    /// Judge `base..head`, leaving out commits the remote already has.
    Check {
        /// The pushed ref.
        pushed: PushedRef,
        /// Where the new work starts (`oid: None` = the empty tree).
        base: End,
        /// The pushed commit.
        head: End,
        /// Commits the remote already has.
        exclude: Vec<Oid>,
    },
}

/// Parses the lines git writes to the hook's standard input.
pub fn parse(input: &str) -> Result<Vec<PushedRef>, Error> {
    let mut refs = Vec::new();
    for (index, line) in input.lines().enumerate() {
        let line_number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [local_ref, local_oid, remote_ref, remote_oid] = fields[..] else {
            return Err(Error::PushLine {
                line: line_number,
                message: format!("expected 4 fields, found {}", fields.len()),
            });
        };
        for oid in [local_oid, remote_oid] {
            if !is_oid(oid) {
                return Err(Error::PushLine {
                    line: line_number,
                    message: format!("`{oid}` is not a 40- or 64-digit object id"),
                });
            }
        }
        refs.push(PushedRef {
            local_ref: local_ref.to_string(),
            local_oid: local_oid.to_ascii_lowercase(),
            remote_ref: remote_ref.to_string(),
            remote_oid: remote_oid.to_ascii_lowercase(),
        });
    }
    Ok(refs)
}

/// Parses git's pre-receive input, `<old-oid> <new-oid> <ref-name>` per line, into the
/// pre-push shape: the ref is both local and remote, the new oid local, the old oid remote.
pub fn parse_receive(input: &str) -> Result<Vec<PushedRef>, Error> {
    let mut refs = Vec::new();
    for (index, line) in input.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let bad = |message: String| Error::PushLine {
            line: index + 1,
            message,
        };
        let [old, new, name] = fields[..] else {
            return Err(bad(format!("expected 3 fields, found {}", fields.len())));
        };
        if let Some(oid) = [old, new].into_iter().find(|oid| !is_oid(oid)) {
            return Err(bad(format!("`{oid}` is not a 40- or 64-digit object id")));
        }
        refs.push(PushedRef {
            local_ref: name.to_string(),
            local_oid: new.to_ascii_lowercase(),
            remote_ref: name.to_string(),
            remote_oid: old.to_ascii_lowercase(),
        });
    }
    Ok(refs)
}

/// Decides what to check for one ref received by a server: what the server already has is
/// every commit reachable from its refs (not yet updated while pre-receive runs).
pub fn plan_receive(repo: &Repository, pushed: PushedRef) -> Result<PushPlan, Error> {
    let references = repo
        .references()
        .doing(|| "listing the server's refs".to_string())?;
    let known = references
        .flatten()
        .filter_map(|reference| reference.peel_to_commit().ok().map(|c| c.id()))
        .collect();
    plan_against(repo, "the server", pushed, known)
}

/// Decides what to check for one pushed ref.
pub fn plan(repo: &Repository, remote: &str, pushed: PushedRef) -> Result<PushPlan, Error> {
    let known = remote_tracking_tips(repo, remote);
    plan_against(repo, remote, pushed, known)
}

/// Plans one ref given the commits the receiving side is known to have (`exclude`).
fn plan_against(
    repo: &Repository,
    remote: &str,
    pushed: PushedRef,
    mut exclude: Vec<Oid>,
) -> Result<PushPlan, Error> {
    if is_zero_oid(&pushed.local_oid) {
        return Ok(PushPlan::Nothing {
            why: format!("deletes {}: no new code", pushed.remote_ref),
            pushed,
        });
    }
    let local = parse_oid(&pushed.local_oid)?;
    let object = repo
        .find_object(local, None)
        .doing(|| format!("reading pushed object {local} for {}", pushed.local_ref))?;
    let Ok(head_commit) = object.peel(ObjectType::Commit) else {
        return Ok(PushPlan::Nothing {
            why: format!(
                "{} points at a {}, not a commit",
                pushed.local_ref,
                kind(&object)
            ),
            pushed,
        });
    };
    let head_oid = head_commit.id();

    let remote_tip = (!is_zero_oid(&pushed.remote_oid))
        .then(|| parse_oid(&pushed.remote_oid))
        .transpose()?
        .and_then(|oid| repo.find_commit(oid).ok().map(|_| oid));
    if let Some(remote_tip) = remote_tip {
        exclude.push(remote_tip);
        let base = merge_base(repo, remote_tip, head_oid, &pushed.remote_oid)?;
        if base == head_oid {
            return Ok(PushPlan::Nothing {
                why: format!(
                    "{} is already on {remote} {}",
                    short(head_oid),
                    pushed.remote_ref
                ),
                pushed,
            });
        }
        let reason = if base == remote_tip {
            format!("{remote} {} is at {}", pushed.remote_ref, short(remote_tip))
        } else {
            format!(
                "force push: merge-base of {remote} {} ({}) and the pushed commit",
                pushed.remote_ref,
                short(remote_tip)
            )
        };
        return Ok(check(pushed, Some(base), reason, head_oid, exclude));
    }

    let new_commits = unpushed(repo, head_oid, &exclude)?;
    if new_commits.is_empty() {
        return Ok(PushPlan::Nothing {
            why: format!(
                "every commit of {} is already on {remote}",
                pushed.local_ref
            ),
            pushed,
        });
    }
    let unknown_tip = if is_zero_oid(&pushed.remote_oid) {
        String::new()
    } else {
        format!(
            " (its tip {} is not in this clone)",
            &pushed.remote_oid[..12]
        )
    };
    let (base, reason) = match first_parent_boundary(repo, head_oid, &new_commits)? {
        Some(base) => (
            Some(base),
            format!(
                "new ref {}{unknown_tip}: its work starts after {}, the first commit {remote} already has",
                pushed.remote_ref,
                short(base)
            ),
        ),
        None => (
            None,
            format!(
                "new ref {}{unknown_tip}: no commit is on {remote} yet, compared with the empty tree",
                pushed.remote_ref
            ),
        ),
    };
    Ok(check(pushed, base, reason, head_oid, exclude))
}

fn check(
    pushed: PushedRef,
    base: Option<Oid>,
    reason: String,
    head: Oid,
    exclude: Vec<Oid>,
) -> PushPlan {
    PushPlan::Check {
        base: End {
            revision: Revision {
                spec: pushed.remote_ref.clone(),
                commit: base.map(|oid| oid.to_string()).unwrap_or_default(),
                reason,
            },
            oid: base,
        },
        head: End {
            revision: Revision {
                spec: pushed.local_ref.clone(),
                commit: head.to_string(),
                reason: "pushed commit".to_string(),
            },
            oid: Some(head),
        },
        exclude,
        pushed,
    }
}

fn parse_oid(text: &str) -> Result<Oid, Error> {
    Oid::from_str(text).doing(|| format!("parsing object id {text}"))
}

fn kind(object: &git2::Object<'_>) -> &'static str {
    object.kind().map_or("object", |kind| kind.str())
}

/// Tips of `refs/remotes/<remote>/*`: what the remote is known to have.
fn remote_tracking_tips(repo: &Repository, remote: &str) -> Vec<Oid> {
    let name = repo
        .find_remote(remote)
        .ok()
        .and_then(|r| r.name().ok().flatten().map(str::to_string))
        .or_else(|| remote_named_by_url(repo, remote));
    let Some(name) = name else { return Vec::new() };
    let Ok(references) = repo.references_glob(&format!("refs/remotes/{name}/*")) else {
        return Vec::new();
    };
    references
        .flatten()
        .filter_map(|reference| reference.peel_to_commit().ok().map(|c| c.id()))
        .collect()
}

/// git passes the URL as the remote name when pushing to a URL; map it back when a remote has it.
fn remote_named_by_url(repo: &Repository, url: &str) -> Option<String> {
    let remotes = repo.remotes().ok()?;
    remotes.iter().flatten().flatten().find_map(|name| {
        let remote = repo.find_remote(name).ok()?;
        (remote.url().ok()? == url).then(|| name.to_string())
    })
}

fn unpushed(repo: &Repository, head: Oid, exclude: &[Oid]) -> Result<HashSet<Oid>, Error> {
    let mut walk = repo
        .revwalk()
        .doing(|| "walking unpushed commits".to_string())?;
    walk.push(head)
        .doing(|| "walking unpushed commits".to_string())?;
    for oid in exclude {
        walk.hide(*oid)
            .doing(|| "walking unpushed commits".to_string())?;
    }
    walk.map(|oid| oid.doing(|| "walking unpushed commits".to_string()))
        .collect()
}

/// Follows first parents from `head` to the first commit the remote already has.
fn first_parent_boundary(
    repo: &Repository,
    head: Oid,
    new: &HashSet<Oid>,
) -> Result<Option<Oid>, Error> {
    let mut current = head;
    loop {
        if !new.contains(&current) {
            return Ok(Some(current));
        }
        let commit = repo
            .find_commit(current)
            .doing(|| format!("reading commit {current}"))?;
        match commit.parent_ids().next() {
            Some(parent) => current = parent,
            None => return Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Well-formed lines parse, including SHA-256 zero ids and blank lines.
    #[test]
    fn parses_sha1_and_sha256_lines() {
        let zero64 = "0".repeat(64);
        let input = format!(
            "refs/heads/a {} refs/heads/a {}\n\nrefs/heads/b {} refs/heads/b {zero64}\n",
            "a".repeat(40),
            "b".repeat(40),
            "c".repeat(64)
        );
        let refs = parse(&input).expect("valid input");
        assert_eq!(refs.len(), 2);
        assert!(is_zero_oid(&refs[1].remote_oid));
    }

    /// pre-receive lines map old to the remote side and new to the local side.
    #[test]
    fn parses_pre_receive_lines() {
        let input = format!("{} {} refs/heads/main\n", "a".repeat(40), "b".repeat(40));
        let refs = parse_receive(&input).expect("valid input");
        assert_eq!(refs[0].remote_oid, "a".repeat(40));
        assert_eq!(refs[0].local_oid, "b".repeat(40));
        assert_eq!(refs[0].local_ref, "refs/heads/main");
        let error = parse_receive("abc refs/heads/main\n").expect_err("two fields");
        assert!(error.to_string().contains("line 1"), "{error}");
    }

    /// Malformed lines are errors naming the line, never ignored.
    #[test]
    fn malformed_lines_name_the_line() {
        let input = format!("refs/heads/a {} refs/heads/a\n", "a".repeat(40));
        let error = parse(&input).expect_err("three fields");
        assert!(error.to_string().contains("line 1"), "{error}");
        let input = format!("x {} y 12345\n", "a".repeat(40));
        let error = parse(&input).expect_err("short oid");
        assert!(error.to_string().contains("`12345`"), "{error}");
    }
}
