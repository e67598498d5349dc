//! Submodule bumps judged by what they change inside the submodule.
//!
//! A gitlink diff shows one line (`Subproject commit a → b`), but the bump brings in every
//! change between the two commits. When both commits are readable (in the repository itself,
//! or in the submodule's own repository under `.git/modules/` or its checkout), the
//! submodule's own diff is analysed like any other change, its paths prefixed with the
//! submodule's. When they are not (a server's bare repository, a clone without
//! `--recurse-submodules`), the bump is `submodule-unanalysed`: unknown code in the change,
//! which the default policy's hard rules treat as the worst case.

use git2::{Oid, Repository};

use super::blast::structure;
use super::{Fact, Observer, Options};
use crate::diff::{self, ChangeSet, FileChange, MODE_GITLINK, Range, Revision};
use crate::git::CommitId;
use crate::short_id::short;
use crate::signal::Signal;

/// Submodules inside submodules are followed this deep; deeper bumps are unanalysed.
pub(super) const MAX_DEPTH: u32 = 2;

/// Commits read per submodule range: only files are judged, provenance is the superproject's.
const COMMIT_LIMIT: usize = 1;

/// How the bump of one submodule is judged.
enum Bump {
    /// Both commits are readable: analyse `old..new` in the submodule's repository (`None`:
    /// the superproject's own, whose object database holds them).
    Readable(Option<Repository>, Option<Oid>, Oid),
    /// A commit is missing; the reason says which.
    Unreadable(String),
}

/// Facts for every submodule whose pointer moves to a commit (additions included).
pub(super) fn facts(
    change: &ChangeSet,
    context: &structure::Context<'_>,
    options: &Options,
    depth: u32,
) -> Vec<Fact> {
    let mut facts = Vec::new();
    for file in change
        .files
        .iter()
        .filter(|f| f.new_mode == Some(MODE_GITLINK))
    {
        let Some(path) = file.new_path.as_deref() else {
            continue;
        };
        let bump = if depth >= MAX_DEPTH {
            Bump::Unreadable(format!("submodules are followed {MAX_DEPTH} levels deep"))
        } else {
            locate(context.repo, file, path)
        };
        match bump {
            Bump::Readable(own, old, new) => match own
                .as_ref()
                .or(context.repo)
                .ok_or_else(|| "no repository".to_string())
                .and_then(|repo| inner(repo, old, new, options, context, depth))
            {
                Ok(inner) => facts.extend(inner.into_iter().map(|fact| prefixed(fact, path))),
                Err(reason) => facts.push(unanalysed(file, path, &reason)),
            },
            Bump::Unreadable(reason) => facts.push(unanalysed(file, path, &reason)),
        }
    }
    facts
}

fn unanalysed(file: &FileChange, path: &str, reason: &str) -> Fact {
    Fact {
        signal: Signal::SubmoduleUnanalysed,
        file: Some(path.to_string()),
        line: None,
        quantity: 1.0,
        message: format!(
            "the submodule now points at {}, whose changes could not be analysed ({reason}): unknown code enters with this change",
            file.new_blob.as_deref().map_or("?", short)
        ),
        related: Vec::new(),
        subject: Some(path.to_string()),
    }
}

/// Where the submodule's commits can be read, if anywhere.
fn locate(repo: Option<&Repository>, file: &FileChange, path: &str) -> Bump {
    let Some(repo) = repo else {
        return Bump::Unreadable("no repository".to_string());
    };
    let oid = |id: Option<&str>| {
        id.and_then(|id| Oid::from_str(id).ok())
            .filter(|o| !o.is_zero())
    };
    let Some(new) = oid(file.new_blob.as_deref()) else {
        return Bump::Unreadable("the new commit id is not a full object id".to_string());
    };
    // An added submodule (or a file turned into one) is compared with nothing.
    let old = if file.old_mode == Some(MODE_GITLINK) {
        match oid(file.old_blob.as_deref()) {
            Some(old) => Some(old),
            None => return Bump::Unreadable("the old commit id is not a full object id".into()),
        }
    } else {
        None
    };
    let has = |candidate: &Repository| {
        candidate.find_commit(new).is_ok() && old.is_none_or(|o| candidate.find_commit(o).is_ok())
    };
    // The superproject itself first: opened again, it would lose a push's quarantine.
    if has(repo) {
        return Bump::Readable(None, old, new);
    }
    let candidates = [
        repo.find_submodule(path).ok().and_then(|s| s.open().ok()),
        Repository::open(repo.commondir().join("modules").join(path)).ok(),
    ];
    for candidate in candidates.into_iter().flatten() {
        if has(&candidate) {
            return Bump::Readable(Some(candidate), old, new);
        }
    }
    Bump::Unreadable(format!(
        "commit {} is not in this repository or the submodule's",
        short(&new.to_string())
    ))
}

/// The facts of the submodule's own change `old..new`.
fn inner(
    repo: &Repository,
    old: Option<Oid>,
    new: Oid,
    options: &Options,
    context: &structure::Context<'_>,
    depth: u32,
) -> Result<Vec<Fact>, String> {
    let reason = || "submodule pointer".to_string();
    let base = Revision {
        spec: old.map_or_else(String::new, |o| o.to_string()),
        commit: old.map(CommitId::from),
        reason: reason(),
    };
    let range = Range::new(base, new.into(), new.to_string(), reason());
    let read = diff::ReadOptions {
        files: diff::FileOptions {
            max_file_bytes: options.max_file_bytes,
        },
        notes_refs: Vec::new(),
        commit_limit: COMMIT_LIMIT,
    };
    let change = diff::range(repo, &range, &read).map_err(|error| error.to_string())?;
    let search_tree = old
        .and_then(|o| repo.find_commit(o).ok())
        .map(|c| c.tree_id());
    let inner_context = structure::Context {
        repo: Some(repo),
        search_tree,
        workdir: None,
        cache: context.cache,
    };
    let facts = super::analyze_at(&change, &inner_context, options, &Quiet, depth + 1);
    Ok(facts.facts)
}

/// The submodule's paths seen from the superproject.
fn prefixed(mut fact: Fact, path: &str) -> Fact {
    let join = |inner: &str| format!("{path}/{inner}");
    fact.file = Some(fact.file.as_deref().map_or_else(|| path.to_string(), join));
    fact.related = fact.related.iter().map(|r| join(r)).collect();
    fact.message = format!("in submodule {path}: {}", fact.message);
    fact
}

/// Progress of a submodule's analysis is part of its superproject's step, not its own.
#[derive(Debug)]
struct Quiet;

impl Observer for Quiet {
    fn begin(&self, _files: usize) {}
    fn step_done(&self, _step: &'static str, _took: std::time::Duration) {}
}
