//! git's pre-push protocol: one line per pushed ref on standard input,
//! `<local ref> <local oid> <remote ref> <remote oid>`, and what each line asks us to check.
//!
//! Zero oids (40 or 64 zeros, for SHA-1 and SHA-256 repositories) mean "nothing": a zero local
//! oid is a deletion, a zero remote oid a new ref. git's pre-receive lines map onto the same
//! shape. What the receiving side already has comes from [`known`]; where the judged work
//! starts, from [`reach`].

mod known;
mod reach;

pub use known::{DEFAULT_BRANCH_KEY, DefaultBranch, Known, advertised, server};

use git2::{ObjectType, Oid, Repository};

use super::error::{Error, GitContext};
use super::model::{Origin, Revision};
use super::range::Range;
use crate::git::{CommitId, is_oid, is_zero_oid};
use reach::ChangeStart;

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
    /// Judge the range: from where the new work starts (perhaps the empty tree) to the pushed
    /// commit, leaving out commits the receiving side already has.
    Check {
        /// The pushed ref.
        pushed: PushedRef,
        /// What to judge.
        range: Box<Range>,
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

/// Decides what to check for one pushed ref, given what the receiving side (`side`, for
/// reasons: a remote's name or "the server") already has.
///
/// A ref update is judged over every commit it makes newly reachable (`old..new`), whatever
/// other refs already hold them: parking a change on a scratch branch does not make it judged.
/// A new ref is judged from its merge-base with the default branch (see the `reach` module).
pub fn plan(
    repo: &Repository,
    side: &str,
    pushed: PushedRef,
    known: &Known,
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
    let head = head_commit.id();
    let old = old_tip(repo, &pushed)?;
    let start = match old {
        Some(old) => reach::update(repo, side, &pushed.remote_ref, old, head)?,
        None => reach::new_ref(repo, side, &pushed, head, known)?,
    };
    // The side's policy judges: the ref's own tip there, else its default branch.
    let into = old.or(known.default_tip());
    Ok(match start {
        ChangeStart::AlreadyThere(why) => PushPlan::Nothing { pushed, why },
        ChangeStart::From {
            base,
            reason,
            exclude,
        } => check(pushed, base, reason, head, exclude, into),
        ChangeStart::MovedBack {
            old,
            parents,
            reason,
        } => {
            let mut plan = check(pushed, Some(old), reason, head, Vec::new(), into);
            if let PushPlan::Check { range, .. } = &mut plan {
                range.walk_hides = Some(parents.into_iter().map(CommitId::from).collect());
            }
            plan
        }
    })
}

/// Whether planning `pushed` needs to know the receiving side's refs: a new ref, or one whose
/// current tip this repository does not have.
#[must_use]
pub fn needs_known(repo: &Repository, pushed: &PushedRef) -> bool {
    !is_zero_oid(&pushed.local_oid) && !matches!(old_tip(repo, pushed), Ok(Some(_)))
}

/// The ref's current tip on the receiving side, when it exists and this repository has it.
fn old_tip(repo: &Repository, pushed: &PushedRef) -> Result<Option<Oid>, Error> {
    if is_zero_oid(&pushed.remote_oid) {
        return Ok(None);
    }
    let oid = parse_oid(&pushed.remote_oid)?;
    Ok(repo.find_commit(oid).ok().map(|_| oid))
}

fn check(
    pushed: PushedRef,
    base: Option<Oid>,
    reason: String,
    head: Oid,
    exclude: Vec<Oid>,
    into: Option<Oid>,
) -> PushPlan {
    let base = Revision {
        spec: pushed.remote_ref.clone(),
        commit: base.map(CommitId::from),
        reason,
    };
    let mut range = Range::new(
        base,
        head.into(),
        pushed.local_ref.clone(),
        "pushed commit".to_string(),
    );
    range.exclude = exclude.into_iter().map(CommitId::from).collect();
    range.origin = Origin::Push {
        local_ref: pushed.local_ref.clone(),
        remote_ref: pushed.remote_ref.clone(),
    };
    range.into = into.map(CommitId::from);
    range.branch = Some(
        pushed
            .local_ref
            .trim_start_matches("refs/heads/")
            .to_string(),
    );
    PushPlan::Check {
        pushed,
        range: Box::new(range),
    }
}

fn parse_oid(text: &str) -> Result<Oid, Error> {
    Oid::from_str(text).doing(|| format!("parsing object id {text}"))
}

fn kind(object: &git2::Object<'_>) -> &'static str {
    object.kind().map_or("object", |kind| kind.str())
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
