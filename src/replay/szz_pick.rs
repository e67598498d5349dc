//! Which of the commits behind one fix's lines are labelled.
//!
//! A fix often changes lines that several commits last touched, and not all of them put the
//! bug there: one wrote the faulty line, another only renamed a variable next to it. Da Costa
//! et al., "A framework for evaluating the results of the SZZ approach for identifying
//! bug-introducing changes" (TSE 2017), name two refinements that keep one commit per fix:
//! *R-SZZ* the most recent (the last change before the fix is the likeliest culprit) and
//! *L-SZZ* the largest (the commit that changed the most lines). Both label fewer commits,
//! and L-SZZ favours large commits by construction, which flatters any score that grows with
//! size; replay therefore keeps every commit by default and shows which rule labelled a
//! report.

use std::collections::HashMap;

use git2::{DiffFindOptions, Oid, Repository};
use serde::{Deserialize, Serialize};

use super::szz::FixInducing;

/// `--szz-pick`: which commits behind one fix are labelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Pick {
    /// Every commit that last touched a blamed line (SZZ as Śliwerski et al. describe it).
    #[default]
    All,
    /// Only the newest of them by committer time (R-SZZ).
    Latest,
    /// Only the one that added and removed the most lines against its first parent (L-SZZ).
    Largest,
}

impl Pick {
    /// The option's value, as the report names it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Latest => "latest",
            Self::Largest => "largest",
        }
    }

    /// Which commit behind a fix is labelled, for the reports: `None` when all of them are.
    #[must_use]
    pub fn chosen(self) -> Option<&'static str> {
        match self {
            Self::All => None,
            Self::Latest => Some("newest"),
            Self::Largest => Some("largest"),
        }
    }
}

/// Keeps, per fix, the labels `pick` chooses from `evidence` (each label on its judged
/// commit); returns them in their original order and how many were passed over. Ties go to
/// the newer commit, then to the larger commit id, so the same history gives the same labels.
#[must_use]
pub fn choose(
    repo: &Repository,
    evidence: Vec<FixInducing>,
    pick: Pick,
    commit_time: &dyn Fn(Oid) -> i64,
) -> (Vec<FixInducing>, usize) {
    if pick == Pick::All {
        return (evidence, 0);
    }
    let mut sizes: HashMap<Oid, usize> = HashMap::new();
    let mut size = |commit: Oid| {
        *sizes
            .entry(commit)
            .or_insert_with(|| changed_lines(repo, commit))
    };
    // The rank of each label within its fix: the chosen one ranks highest.
    let mut best: HashMap<Oid, (usize, i64, Oid)> = HashMap::new();
    for label in &evidence {
        let time = commit_time(label.commit);
        let rank = match pick {
            Pick::Largest => (size(label.commit), time, label.commit),
            Pick::Latest | Pick::All => (0, time, label.commit),
        };
        best.entry(label.fix)
            .and_modify(|current| *current = (*current).max(rank))
            .or_insert(rank);
    }
    let before = evidence.len();
    let kept: Vec<FixInducing> = evidence
        .into_iter()
        .filter(|label| best.get(&label.fix).map(|rank| rank.2) == Some(label.commit))
        .collect();
    let passed_over = before - kept.len();
    (kept, passed_over)
}

/// Lines added plus removed by `commit` against its first parent (the empty tree for a
/// root), renames followed as `git diff --stat -M` does; 0 when it cannot be read, so an
/// unreadable commit is never the one chosen for its size.
fn changed_lines(repo: &Repository, commit: Oid) -> usize {
    let lines = || -> Result<usize, git2::Error> {
        let commit = repo.find_commit(commit)?;
        let parent = match commit.parent(0) {
            Ok(parent) => Some(parent.tree()?),
            Err(_) => None,
        };
        let mut diff = repo.diff_tree_to_tree(parent.as_ref(), Some(&commit.tree()?), None)?;
        diff.find_similar(Some(DiffFindOptions::new().renames(true)))?;
        let stats = diff.stats()?;
        Ok(stats.insertions() + stats.deletions())
    };
    lines().unwrap_or(0)
}
