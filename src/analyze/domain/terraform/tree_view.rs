//! A module directory as Terraform sees it before or after the change: the loaded files of the
//! tree the change starts from, with the change's own files laid over it. The analyzer proper
//! sees only changed files; judging a file moved out of a module, or a local module's body,
//! needs the files the change leaves alone.

use std::collections::{BTreeMap, BTreeSet};

use git2::{ObjectType, Oid, Repository};

use super::model::Block;
use super::{Parser, directory, files};
use crate::analyze::contents::FileContents;

/// At most this many files are read from one directory: a module is a handful of files, and a
/// vendored tree of thousands must not stall the gate.
const MAX_FILES: usize = 200;

/// Which side of the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// The tree the change starts from.
    Before,
    /// The tree the change leads to.
    After,
}

/// The blocks of one module directory.
#[derive(Debug, Default)]
pub struct Module {
    /// Blocks with the file they are in.
    pub blocks: Vec<(String, Block)>,
    /// Loaded files of the directory: parsed or not.
    pub files: usize,
    /// Loaded files that could not be read or parsed.
    pub unreadable: usize,
    /// The loaded files' paths (an empty `.tofu` file still hides its `.tf` twin).
    pub paths: BTreeSet<String>,
}

/// The base tree and the change, to read module directories from.
pub struct ModuleTrees<'a> {
    contents: &'a [FileContents<'a>],
    repo: Option<&'a Repository>,
    tree: Option<Oid>,
    parser: Parser<'a>,
}

impl<'a> ModuleTrees<'a> {
    /// A view over `tree` in `repo` (either may be absent: then only the change is seen),
    /// parsing with `parser`.
    pub fn new(
        contents: &'a [FileContents<'a>],
        repo: Option<&'a Repository>,
        tree: Option<Oid>,
        parser: Parser<'a>,
    ) -> Self {
        Self {
            contents,
            repo,
            tree,
            parser,
        }
    }

    /// The blocks of the loaded Terraform file `path` with content `bytes`.
    pub fn parse(&self, path: &str, bytes: &[u8]) -> Result<Vec<Block>, String> {
        self.parser.blocks(path, bytes)
    }

    /// The loaded Terraform files of `dir` on one side, parsed.
    pub fn module(&self, dir: &str, when: When) -> Module {
        let mut sources = self.base_files(dir);
        for content in self.contents {
            let file = content.file;
            let (path, side) = match when {
                When::Before => (file.old_path.as_deref(), &content.old),
                When::After => (file.new_path.as_deref(), &content.new),
            };
            // After the change, a path it deleted or renamed away is gone.
            if let (When::After, Some(old)) = (when, file.old_path.as_deref()) {
                sources.remove(old);
            }
            if let Some(path) = path.filter(|p| directory(p) == dir && files::loaded(p).is_some()) {
                sources.insert(path.to_string(), side.bytes().map(<[u8]>::to_vec));
            }
        }
        let mut module = Module {
            files: sources.len(),
            paths: sources.keys().cloned().collect(),
            ..Module::default()
        };
        for (path, bytes) in sources.into_iter().take(MAX_FILES) {
            match bytes.map(|bytes| self.parse(&path, &bytes)) {
                Some(Ok(blocks)) => module
                    .blocks
                    .extend(blocks.into_iter().map(|b| (path.clone(), b))),
                _ => module.unreadable += 1,
            }
        }
        module
    }

    /// The loaded files of `dir` in the base tree, with their contents (`None`: unreadable).
    fn base_files(&self, dir: &str) -> BTreeMap<String, Option<Vec<u8>>> {
        let mut out = BTreeMap::new();
        let (Some(repo), Some(tree)) = (self.repo, self.tree) else {
            return out;
        };
        let Ok(root) = repo.find_tree(tree) else {
            return out;
        };
        let folder = if dir.is_empty() {
            Some(root)
        } else {
            root.get_path(std::path::Path::new(dir))
                .ok()
                .and_then(|entry| entry.to_object(repo).ok())
                .and_then(|object| object.into_tree().ok())
        };
        let Some(folder) = folder else {
            return out;
        };
        for entry in &folder {
            let Ok(name) = entry.name() else { continue };
            if files::loaded(name).is_none() || entry.kind() != Some(ObjectType::Blob) {
                continue;
            }
            let path = if dir.is_empty() {
                name.to_string()
            } else {
                format!("{dir}/{name}")
            };
            let bytes = repo
                .find_blob(entry.id())
                .ok()
                .map(|b| b.content().to_vec());
            out.insert(path, bytes);
        }
        out
    }
}

/// The directory a local module `source` (`./modules/db`, `../shared`) names from `dir`, or
/// `None` for a registry, git or URL source (or one that climbs out of the repository).
#[must_use]
pub fn local_source(dir: &str, source: &str) -> Option<String> {
    if !(source.starts_with("./") || source.starts_with("../")) {
        return None;
    }
    crate::analyze::domain::repo_path::join(dir, source)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Local sources resolve against the calling directory; others are not local.
    #[test]
    fn local_sources() {
        let cases = [
            ("infra", "./modules/db", Some("infra/modules/db")),
            ("", "./modules/db/", Some("modules/db")),
            ("envs/prod", "../../modules/db", Some("modules/db")),
            ("", "../outside", None),
            ("infra", "terraform-aws-modules/rds/aws", None),
            ("infra", "git::https://example.com/db.git", None),
        ];
        for (dir, source, expected) in cases {
            assert_eq!(
                local_source(dir, source).as_deref(),
                expected,
                "{dir} {source}"
            );
        }
    }
}
