//! Tests on real repositories built in temp dirs. Sources are Python, the only language of
//! the stub extractor; where a rule needs reference kinds or enclosing definitions the stub
//! does not produce, the test plants the outline the real extractor would produce in the cache
//! (see `plant`), so the search logic is tested now and the extractor separately.

use std::path::Path;

use git2::{ObjectType, Oid, Repository};

use super::confirm::{self, Probe};
use super::*;
use crate::analyze::blast::syntax::{Definition, Outline, Reference, Visibility};
use crate::analyze::lang;

mod git;
mod rules;

fn python() -> &'static lang::Language {
    lang::by_name("python").expect("python is in the registry")
}

/// A repository in a temp dir whose index holds `files`; returns it with the written tree.
fn repo_with(files: &[(&str, &str)]) -> (tempfile::TempDir, Repository, Oid) {
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = Repository::init(dir.path()).expect("init");
    let tree = write_tree(&repo, files);
    (dir, repo, tree)
}

/// Replaces the working tree's files with `files` and writes them as a tree.
fn write_tree(repo: &Repository, files: &[(&str, &str)]) -> Oid {
    let root = repo.workdir().expect("non-bare").to_path_buf();
    let mut index = repo.index().expect("index");
    index.clear().expect("clear index");
    for (path, content) in files {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().expect("file in a dir")).expect("mkdir");
        if let Some(target) = content.strip_prefix("symlink:") {
            let _ = std::fs::remove_file(&full);
            std::os::unix::fs::symlink(target, &full).expect("symlink");
        } else {
            std::fs::write(&full, content).expect("write file");
        }
        index.add_path(Path::new(path)).expect("add");
    }
    index.write_tree().expect("write tree")
}

fn target(name: &str, defined_in: &str) -> Target {
    Target {
        name: name.to_string(),
        family: "python",
        kind: SymbolKind::Function,
        container: None,
        defined_in: defined_in.to_string(),
        follow_callers: true,
    }
}

fn search_all(
    repo: &Repository,
    tree: Oid,
    targets: &[Target],
    cache: &Cache,
) -> (Vec<Reach>, Scan) {
    search(repo, tree, targets, cache, &SearchOptions::default()).expect("search")
}

/// Stores `outline` as the cached outline of `content` read as Python.
fn plant(cache: &Cache, content: &str, outline: Outline) {
    let blob = Oid::hash_object(ObjectType::Blob, content.as_bytes()).expect("hash");
    cache.store(&blob.to_string(), python(), &Ok(outline));
}

fn function(name: &str, start_line: u32, end_line: u32) -> Definition {
    Definition {
        name: name.to_string(),
        kind: SymbolKind::Function,
        container: None,
        start_line,
        end_line,
        signature: format!("def {name}()"),
        visibility: Visibility::Public,
        body_hash: 0,
    }
}

fn reference(name: &str, line: u32, kind: ReferenceKind, enclosing: Option<&str>) -> Reference {
    Reference {
        name: name.to_string(),
        line,
        kind,
        enclosing: enclosing.map(str::to_string),
    }
}

fn outline(definitions: Vec<Definition>, references: Vec<Reference>) -> Outline {
    Outline {
        language: "python".to_string(),
        definitions,
        references,
        ..Outline::default()
    }
}

fn probe(name: &str, container: Option<&str>, defined_in: &str) -> Probe {
    Probe {
        name: name.to_string(),
        family: "python",
        container: container.map(str::to_string),
        defined_in: defined_in.to_string(),
        home: None,
    }
}

fn lines(hits: &[confirm::Hit]) -> Vec<u32> {
    hits.iter().map(|hit| hit.site.line).collect()
}
