//! The commits a change spans and why those: every command that judges commits resolves what
//! it was asked into one [`Range`] — `check` and `approve` with [`resolve`], `pre-push` and
//! `pre-receive` through the push plan ([`super::push::plan`]), `replay` with [`resolve`] per
//! commit — and reads it with [`super::range`].

use std::fmt::Write as _;

use git2::Repository;

use super::base::{self, Env, RevisionChoice};
use super::ci::{self, CiRun};
use super::error::Error;
use super::model::{Origin, Revision};
use crate::git::{self, CommitId};

/// A resolved range: `base..head`, without the commits the receiving side already has.
#[derive(Debug, Clone)]
pub struct Range {
    base: Revision,
    head: Revision,
    head_id: CommitId,
    /// Commits left out of the commit walk: the receiving side already has them.
    pub exclude: Vec<CommitId>,
    /// When set, the commit walk hides these instead of the base and [`Self::exclude`]: a ref
    /// moved back is diffed from the tip it leaves (what it loses is part of the change), while
    /// the commits it is judged as are those of the state it moves to.
    pub walk_hides: Option<Vec<CommitId>>,
    /// Which command's request this is, as reports show it.
    pub origin: Origin,
    /// The tip of what the change goes into, when known: the base as given (before the
    /// merge-base), a pushed ref's current tip, the receiving side's default branch, or a
    /// replayed commit's parent. Its policy judges the change.
    pub into: Option<CommitId>,
    /// The branch the change is on, when there is one.
    pub branch: Option<String>,
    /// The CI run the change is judged in.
    pub ci: Option<CiRun>,
}

impl Range {
    /// `base..head`, where `base.commit` is `None` for the empty tree.
    #[must_use]
    pub fn new(base: Revision, head: CommitId, head_spec: String, head_reason: String) -> Self {
        Self {
            base,
            head: Revision {
                spec: head_spec,
                commit: Some(head),
                reason: head_reason,
            },
            head_id: head,
            exclude: Vec::new(),
            walk_hides: None,
            origin: Origin::Range,
            into: None,
            branch: None,
            ci: None,
        }
    }

    /// Where the change starts, as reports show it.
    #[must_use]
    pub fn base(&self) -> &Revision {
        &self.base
    }

    /// The judged commit, as reports show it.
    #[must_use]
    pub fn head(&self) -> &Revision {
        &self.head
    }

    /// The judged commit.
    #[must_use]
    pub fn head_id(&self) -> CommitId {
        self.head_id
    }
}

/// What a command asks to judge.
#[derive(Clone, Copy)]
pub enum RangeRequest<'a> {
    /// `check` and `approve`: `base..head` by name. Without a base: the CI platform's, else the
    /// upstream branch's, else the remote default branch's merge-base with the head. In CI the
    /// platform's head (a pull request's tip) replaces the default `HEAD`.
    Revisions {
        /// `--base`, when given.
        base: Option<&'a str>,
        /// `--head` (`HEAD` by default).
        head: &'a str,
        /// The environment CI variables are read from.
        env: Env<'a>,
    },
    /// `replay`: one commit of the past against its first parent (a root against the empty
    /// tree).
    Commit {
        /// The judged commit.
        id: CommitId,
        /// Its first parent.
        parent: Option<CommitId>,
    },
}

/// Resolves `request` in `repo`. A revision that does not resolve, or a shallow clone that
/// lacks the base, is an error naming it (and, in CI, the checkout setting that fixes it).
pub fn resolve(repo: &Repository, request: RangeRequest<'_>) -> Result<Range, Error> {
    match request {
        RangeRequest::Revisions { base, head, env } => revisions(repo, base, head, env),
        RangeRequest::Commit { id, parent } => Ok(commit(id, parent)),
    }
}

fn revisions(
    repo: &Repository,
    base: Option<&str>,
    head: &str,
    env: Env<'_>,
) -> Result<Range, Error> {
    let ci = ci::detect(env)?;
    let explain = |error| ci::explain_shallow(error, ci.as_ref());
    let head_choice =
        ci::head_override(ci.as_ref(), base, head).unwrap_or_else(|| RevisionChoice {
            spec: head.to_string(),
            reason: "the head of the range".to_string(),
        });
    let head_id = git::resolve_commit(repo, &head_choice.spec).map_err(explain)?;
    let choice = match base {
        Some(spec) => RevisionChoice {
            spec: spec.to_string(),
            reason: "given with --base".to_string(),
        },
        None => base::choose(repo, head, ci.as_ref())?,
    };
    let base_id = git::resolve_commit(repo, &choice.spec).map_err(explain)?;
    let merge_base = git::merge_base(repo, base_id, head_id, &choice.spec).map_err(explain)?;
    let mut reason = choice.reason;
    if merge_base != base_id {
        let _ = write!(
            reason,
            "; diffed from the merge-base {}",
            merge_base.short()
        );
    }
    let base = Revision {
        spec: choice.spec,
        commit: Some(merge_base),
        reason,
    };
    let mut range = Range::new(base, head_id, head_choice.spec, head_choice.reason);
    range.into = Some(base_id);
    range.branch = ci::branch_name(repo, head, env);
    range.ci = ci.map(|ci| ci.run);
    Ok(range)
}

fn commit(id: CommitId, parent: Option<CommitId>) -> Range {
    let base = Revision {
        spec: parent.map_or_else(|| "the empty tree".to_string(), |id| id.to_string()),
        commit: parent,
        reason: "the judged commit's first parent (a root's is the empty tree)".to_string(),
    };
    let mut range = Range::new(base, id, id.to_string(), "the judged commit".to_string());
    range.into = parent;
    range
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit(repo: &Repository, message: &str, parents: &[&git2::Commit<'_>]) -> CommitId {
        let signature = git2::Signature::new("T", "t@example.org", &git2::Time::new(0, 0))
            .expect("a signature");
        let tree = repo
            .find_tree(
                repo.treebuilder(None)
                    .and_then(|b| b.write())
                    .expect("tree"),
            )
            .expect("the empty tree");
        repo.commit(
            Some("HEAD"),
            &signature,
            &signature,
            message,
            &tree,
            parents,
        )
        .expect("a commit")
        .into()
    }

    /// A root is judged against the empty tree; a later commit against its parent, whose
    /// policy judges it.
    #[test]
    fn a_commit_is_judged_against_its_parent() {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = Repository::init(dir.path()).expect("a repository");
        let root = commit(&repo, "root", &[]);
        let root_commit = repo.find_commit(root.oid()).expect("the root");
        let child = commit(&repo, "child", &[&root_commit]);

        let range = resolve(
            &repo,
            RangeRequest::Commit {
                id: root,
                parent: None,
            },
        )
        .expect("root");
        assert_eq!(range.base().commit, None);
        assert_eq!(range.base().spec, "the empty tree");
        assert_eq!((range.head_id(), range.into), (root, None));

        let request = RangeRequest::Commit {
            id: child,
            parent: Some(root),
        };
        let range = resolve(&repo, request).expect("child");
        assert_eq!(range.base().commit, Some(root));
        assert_eq!(range.head().commit, Some(child));
        assert_eq!(range.into, Some(root));
    }

    /// `--base` names what the change goes into; the diff starts at the merge-base, and the
    /// reason says so. An unknown revision is an error naming it.
    #[test]
    fn named_revisions_diff_from_the_merge_base() {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = Repository::init(dir.path()).expect("a repository");
        let root = commit(&repo, "root", &[]);
        let root_commit = repo.find_commit(root.oid()).expect("the root");
        let main = commit(&repo, "main", &[&root_commit]);
        repo.set_head_detached(root.oid()).expect("detach");
        let topic = commit(&repo, "topic", &[&root_commit]);
        let no_env = |_: &str| None;
        let (base, head) = (main.to_string(), topic.to_string());
        let request = RangeRequest::Revisions {
            base: Some(&base),
            head: &head,
            env: &no_env,
        };
        let range = resolve(&repo, request).expect("resolves");
        assert_eq!(range.into, Some(main));
        assert_eq!(range.base().commit, Some(root));
        assert!(
            range.base().reason.contains(&root.short()),
            "{:?}",
            range.base()
        );
        assert_eq!(range.head_id(), topic);

        let request = RangeRequest::Revisions {
            base: Some("no-such-branch"),
            head: "HEAD",
            env: &no_env,
        };
        let error = resolve(&repo, request).expect_err("unknown base");
        assert!(error.to_string().contains("no-such-branch"), "{error}");
    }
}
