//! The judged trees as discovery reads them: base and head, with the change's own contents
//! laid over them (the head of a staged or working-tree change is the base plus those).

use std::path::Path;

use git2::{ObjectType, Oid, Repository, Tree};

use super::{FileContents, MAX_BYTES};

/// One side of a file as discovery finds it.
pub(super) enum SideSource<'c> {
    /// A changed file's own content.
    Changed(&'c [u8]),
    /// A blob of the base or head tree.
    Blob(Oid),
}

/// The two judged trees, with the change's own contents laid over them.
pub(super) struct Trees<'a> {
    pub repo: Option<&'a Repository>,
    pub base: Option<Tree<'a>>,
    pub head: Option<Tree<'a>>,
    pub contents: &'a [FileContents<'a>],
}

impl Trees<'_> {
    /// What `path` holds on each side where it is a file: the change's own content, or a blob
    /// of a tree (read only when what is derived from it is not cached).
    pub(super) fn sides(&self, path: &str) -> Vec<SideSource<'_>> {
        [false, true]
            .into_iter()
            .filter_map(|head| self.side(path, head))
            .collect()
    }

    fn side(&self, path: &str, head: bool) -> Option<SideSource<'_>> {
        for contents in self.contents {
            let (at, side) = if head {
                (contents.file.new_path.as_deref(), &contents.new)
            } else {
                (contents.file.old_path.as_deref(), &contents.old)
            };
            if at == Some(path) {
                return side.bytes().map(SideSource::Changed);
            }
            // Gone from the head side (deleted or renamed away).
            if head && contents.file.old_path.as_deref() == Some(path) {
                return None;
            }
        }
        let tree = if head {
            self.head.as_ref().or(self.base.as_ref())
        } else {
            self.base.as_ref()
        }?;
        let entry = tree.get_path(Path::new(path)).ok()?;
        (entry.kind() == Some(ObjectType::Blob)).then(|| SideSource::Blob(entry.id()))
    }

    /// The content of blob `oid`, unless it is over [`MAX_BYTES`] (or unreadable).
    pub(super) fn blob(&self, oid: Oid) -> Option<Vec<u8>> {
        let blob = self.repo?.find_blob(oid).ok()?;
        (blob.size() <= MAX_BYTES).then(|| blob.content().to_vec())
    }

    /// Whether `path` is one of the change's files (either side).
    pub(super) fn is_changed(&self, path: &str) -> bool {
        self.contents.iter().any(|c| {
            c.file.new_path.as_deref() == Some(path) || c.file.old_path.as_deref() == Some(path)
        })
    }

    /// Whether `path` is a file on either side.
    pub(super) fn is_file(&self, path: &str) -> bool {
        self.is_changed(path) || self.kind(path) == Some(ObjectType::Blob)
    }

    /// Whether `path` is a directory on either side.
    pub(super) fn is_dir(&self, path: &str) -> bool {
        let prefix = format!("{path}/");
        self.kind(path) == Some(ObjectType::Tree)
            || self
                .contents
                .iter()
                .any(|c| c.file.path().starts_with(&prefix))
    }

    fn kind(&self, path: &str) -> Option<ObjectType> {
        [self.base.as_ref(), self.head.as_ref()]
            .into_iter()
            .flatten()
            .find_map(|tree| tree.get_path(Path::new(path)).ok()?.kind())
    }

    /// Files under `dir` on either side (and changed ones), bounded.
    pub(super) fn files_under(&self, dir: &str, limit: usize) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        for tree in [self.base.as_ref(), self.head.as_ref()]
            .into_iter()
            .flatten()
        {
            let sub = if dir.is_empty() {
                Some(tree.clone())
            } else {
                tree.get_path(Path::new(dir))
                    .ok()
                    .and_then(|e| e.to_object(self.repo?).ok()?.into_tree().ok())
            };
            if let (Some(sub), Some(repo)) = (sub, self.repo) {
                walk(repo, &sub, &prefix, dir.is_empty(), limit, &mut out);
            }
        }
        for contents in self.contents {
            for path in [&contents.file.old_path, &contents.file.new_path]
                .into_iter()
                .flatten()
            {
                if path.starts_with(&prefix) && !out.contains(path) {
                    out.push(path.clone());
                }
            }
        }
        out
    }
}

/// Blob paths under `tree` (prefixed), down to any depth, or only the top level.
fn walk(
    repo: &Repository,
    tree: &Tree<'_>,
    prefix: &str,
    top_only: bool,
    limit: usize,
    out: &mut Vec<String>,
) {
    for entry in tree {
        if out.len() >= limit {
            return;
        }
        let Ok(name) = entry.name() else { continue };
        let path = format!("{prefix}{name}");
        match entry.kind() {
            Some(ObjectType::Blob) if !out.contains(&path) => out.push(path),
            Some(ObjectType::Tree) if !top_only => {
                if let Ok(sub) = entry.to_object(repo).and_then(|o| o.peel_to_tree()) {
                    walk(repo, &sub, &format!("{path}/"), false, limit, out);
                }
            }
            _ => {}
        }
    }
}
