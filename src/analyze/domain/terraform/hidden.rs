//! Destroys that do not look like deletions, judged with the files the change leaves alone:
//!
//! - a `.tf` file moved into another directory leaves its module (another root module plans
//!   it as new), so its resources are destroyed where it was, unless the directory moved whole
//!   or the module left behind keeps the addresses (`moved`/`removed` blocks, another file);
//! - a local module (`source = "./modules/db"`) removed, emptied with `count = 0`, or pointed
//!   at another directory is judged by the module's own files: a database inside is a
//!   stateful destroy, not one anonymous `module.db`.
//!
//! Terraform docs: "Files and Directories" (a module is one directory), "Modules" (`source`
//! local paths start with `./` or `../`), "Refactoring" (`moved` blocks, module addresses).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use git2::{Oid, Repository};

use super::model::{Block, Value};
use super::replacement::Tables;
use super::rules::{is_none, type_of};
use super::tree_view::{Module, ModuleTrees, When, local_source};
use super::{Parser, directory, files, finding};
use crate::analyze::Fact;
use crate::analyze::contents::FileContents;
use crate::diff::FileStatus;
use crate::signal::Signal;

/// How many local modules deep a module's resources are read.
const MAX_DEPTH: u32 = 4;

/// Facts for files moved out of their module and for local modules removed, emptied or
/// re-pointed. `tree` is the tree the change starts from.
#[must_use]
pub fn facts(
    contents: &[FileContents<'_>],
    repo: Option<&Repository>,
    tree: Option<Oid>,
    tables: &Tables,
    parser: Parser<'_>,
) -> Vec<Fact> {
    let touches_terraform = contents.iter().any(|c| {
        [c.file.old_path.as_deref(), c.file.new_path.as_deref()]
            .into_iter()
            .flatten()
            .any(|p| files::loaded(p).is_some())
    });
    if !touches_terraform {
        return Vec::new();
    }
    let view = ModuleTrees::new(contents, repo, tree, parser);
    let mut facts = moved_out(contents, &view, tables);
    facts.extend(local_modules(contents, &view, tables));
    facts
}

/// ` (a database)` and `: data loss…` for a stateful type; the destroy signal.
fn destroy_of(tables: &Tables, resource_type: &str) -> (Signal, String, &'static str) {
    match tables.stateful_kind(resource_type) {
        Some(kind) => (
            Signal::StatefulResourceDestroyed,
            format!(" ({kind})"),
            ": data loss unless snapshotted",
        ),
        None => (Signal::ResourceDestroyed, String::new(), ""),
    }
}

/// Addresses a module's blocks keep, move away (`moved.from`) or forget (`removed`).
fn kept(blocks: &[(String, Block)]) -> HashSet<String> {
    let mut kept = HashSet::new();
    for (_, block) in blocks {
        if let Some(address) = block.address() {
            kept.insert(address);
        }
        if let ("moved" | "removed", Some(Value::Expr(from) | Value::Str(from))) =
            (block.kind.as_str(), block.attr("from"))
        {
            kept.insert(from.replace(' ', ""));
        }
    }
    kept
}

/// Files renamed into another directory while the one they left still has Terraform files.
fn moved_out(contents: &[FileContents<'_>], view: &ModuleTrees<'_>, tables: &Tables) -> Vec<Fact> {
    let mut facts = Vec::new();
    for content in contents {
        let file = content.file;
        let (Some(old), Some(new)) = (file.old_path.as_deref(), file.new_path.as_deref()) else {
            continue;
        };
        // A rename to a name Terraform does not load is judged by the analyzer itself.
        let moved = file.status == FileStatus::Renamed
            && directory(old) != directory(new)
            && files::loaded(old).is_some()
            && files::loaded(new).is_some();
        if !moved {
            continue;
        }
        let from = directory(old);
        let left = view.module(from, When::After);
        // The whole directory moved (a module folder renamed): its addresses go with it.
        if left.files == 0 {
            continue;
        }
        let Some(Ok(blocks)) = content.old.bytes().map(|b| view.parse(old, b)) else {
            continue;
        };
        let kept = kept(&left.blocks);
        let to = directory(new);
        let shown = |dir: &str| {
            if dir.is_empty() {
                "the root directory".to_string()
            } else {
                format!("{dir}/")
            }
        };
        for block in blocks.iter().filter(|b| b.kind != "data") {
            let Some(address) = block.address().filter(|a| !kept.contains(a)) else {
                continue;
            };
            let (signal, note, loss) = destroy_of(tables, type_of(block));
            let (signal, note, loss) = if block.kind == "module" {
                (
                    Signal::ResourceDestroyed,
                    " and every resource in it".to_string(),
                    "",
                )
            } else {
                (signal, note, loss)
            };
            facts.push(finding(
                signal,
                old,
                block.line,
                &address,
                format!(
                    "{old} moved to {new}: {} is another module, so apply in {} destroys {address}{note}{loss}; it is created again in {}",
                    shown(to),
                    shown(from),
                    shown(to)
                ),
            ));
            if block.kind == "module" {
                facts.extend(inside(
                    view,
                    tables,
                    from,
                    block,
                    old,
                    &address,
                    "moving it",
                ));
            }
        }
    }
    facts
}

/// Stateful resources inside a local module that a change destroys, as facts at the module
/// block (`why`: what the change does to it).
fn inside(
    view: &ModuleTrees<'_>,
    tables: &Tables,
    dir: &str,
    block: &Block,
    file: &str,
    address: &str,
    why: &str,
) -> Vec<Fact> {
    let Some(source) = block.attr("source").and_then(Value::as_str) else {
        return Vec::new();
    };
    let Some(module_dir) = local_source(dir, source) else {
        return Vec::new();
    };
    let mut found = BTreeMap::new();
    resources(view, When::Before, &module_dir, address, 0, &mut found);
    found
        .iter()
        .filter(|(_, ty)| tables.stateful_kind(ty).is_some())
        .map(|(inner, ty)| {
            let (signal, note, loss) = destroy_of(tables, ty);
            finding(
                signal,
                file,
                block.line,
                inner,
                format!("{why} destroys {inner}{note}, declared in {source}{loss}"),
            )
        })
        .collect()
}

/// Every resource address (with its type) a local module at `dir` declares, nested local
/// modules included, prefixed with the calling module's address.
fn resources(
    view: &ModuleTrees<'_>,
    when: When,
    dir: &str,
    prefix: &str,
    depth: u32,
    out: &mut BTreeMap<String, String>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let Module { blocks, .. } = view.module(dir, when);
    for (_, block) in &blocks {
        match (block.kind.as_str(), block.address()) {
            ("resource", Some(address)) => {
                out.insert(format!("{prefix}.{address}"), type_of(block).to_string());
            }
            ("module", Some(address)) => {
                if let Some(inner) = block
                    .attr("source")
                    .and_then(Value::as_str)
                    .and_then(|s| local_source(dir, s))
                {
                    resources(
                        view,
                        when,
                        &inner,
                        &format!("{prefix}.{address}"),
                        depth + 1,
                        out,
                    );
                }
            }
            _ => {}
        }
    }
}

/// Module blocks of the changed loaded files of one side, by directory and address.
type Calls = BTreeMap<(String, String), (String, Block)>;

fn calls(contents: &[FileContents<'_>], view: &ModuleTrees<'_>, when: When) -> Calls {
    let mut out = Calls::new();
    for content in contents {
        let (path, side) = match when {
            When::Before => (content.file.old_path.as_deref(), &content.old),
            When::After => (content.file.new_path.as_deref(), &content.new),
        };
        let Some(path) = path.filter(|p| files::loaded(p).is_some()) else {
            continue;
        };
        // Most changed files call no module: they are not parsed again here.
        let Some(Ok(blocks)) = side
            .bytes()
            .filter(|b| memchr::memmem::find(b, b"module").is_some())
            .map(|b| view.parse(path, b))
        else {
            continue;
        };
        for block in blocks {
            if let (true, Some(address)) = (block.kind == "module", block.address()) {
                out.insert(
                    (directory(path).to_string(), address),
                    (path.to_string(), block),
                );
            }
        }
    }
    out
}

/// Local modules removed (without a `moved` block), emptied, or given another `source`.
fn local_modules(
    contents: &[FileContents<'_>],
    view: &ModuleTrees<'_>,
    tables: &Tables,
) -> Vec<Fact> {
    let before = calls(contents, view, When::Before);
    if before.is_empty() {
        return Vec::new();
    }
    let after = calls(contents, view, When::After);
    // `moved { from = module.a }` anywhere in the new side of the changed files.
    let moved: HashSet<(String, String)> = contents
        .iter()
        .filter_map(|c| {
            let path = c.file.new_path.as_deref()?;
            files::loaded(path)?;
            let bytes = c.new.bytes()?;
            // `removed` contains it too.
            memchr::memmem::find(bytes, b"moved")?;
            let blocks = view.parse(path, bytes).ok()?;
            Some((directory(path).to_string(), blocks))
        })
        .flat_map(|(dir, blocks)| {
            kept(
                &blocks
                    .into_iter()
                    .map(|b| (String::new(), b))
                    .collect::<Vec<_>>(),
            )
            .into_iter()
            .map(move |a| (dir.clone(), a))
            .collect::<Vec<_>>()
        })
        .collect();
    let source_of = |block: &Block| {
        block
            .attr("source")
            .and_then(Value::as_str)
            .map(String::from)
    };
    let mut facts = Vec::new();
    for ((dir, address), (file, old)) in &before {
        let Some(old_source) = source_of(old) else {
            continue;
        };
        if local_source(dir, &old_source).is_none() {
            continue;
        }
        let key = (dir.clone(), address.clone());
        match after.get(&key) {
            None if moved.contains(&key) => {}
            None => {
                // A rename pairs with a new call of the same source: replaced, not destroyed.
                let renamed = after.iter().any(|(k, (_, b))| {
                    k.0 == *dir
                        && !before.contains_key(k)
                        && source_of(b) == Some(old_source.clone())
                });
                let mut found = inside(view, tables, dir, old, file, address, "removing it");
                if renamed {
                    for fact in &mut found {
                        fact.signal = Signal::StatefulResourceReplaced;
                        fact.message = format!(
                            "{address} renamed without a moved block: {} is destroyed and created again under the new name: data loss unless snapshotted",
                            fact.subject.clone().unwrap_or_default()
                        );
                    }
                }
                facts.extend(found);
            }
            Some((new_file, new)) => {
                let emptied = ["count", "for_each"].into_iter().any(|meta| {
                    new.attr(meta).is_some_and(|v| is_none(meta, v))
                        && !old.attr(meta).is_some_and(|v| is_none(meta, v))
                });
                if emptied {
                    let line = new.line;
                    let mut found =
                        inside(view, tables, dir, old, new_file, address, "emptying it");
                    for fact in &mut found {
                        fact.line = Some(line);
                    }
                    facts.extend(found);
                    continue;
                }
                let new_source = source_of(new).unwrap_or_default();
                if new_source != old_source {
                    facts.extend(repointed(
                        view,
                        tables,
                        dir,
                        address,
                        (&old_source, &new_source),
                        new_file,
                        new,
                    ));
                }
            }
        }
    }
    facts
}

/// A module call's `source` changed: what the old module declared and the new one does not
/// is destroyed (`moved` blocks inside the new module aside). A source that cannot be read
/// here (registry, git) may destroy everything: said at the lower signal, naming databases.
fn repointed(
    view: &ModuleTrees<'_>,
    tables: &Tables,
    dir: &str,
    address: &str,
    (old_source, new_source): (&str, &str),
    file: &str,
    block: &Block,
) -> Vec<Fact> {
    let Some(old_dir) = local_source(dir, old_source) else {
        return Vec::new();
    };
    let line = block.attr_entry("source").map_or(block.line, |a| a.line);
    let mut was = BTreeMap::new();
    resources(view, When::Before, &old_dir, address, 0, &mut was);
    let Some(new_dir) = local_source(dir, new_source) else {
        let stateful: Vec<&String> = was
            .iter()
            .filter(|(_, ty)| tables.stateful_kind(ty).is_some())
            .map(|(a, _)| a)
            .collect();
        let named = if stateful.is_empty() {
            String::new()
        } else {
            format!(
                ", including {}",
                stateful
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        return vec![finding(
            Signal::ResourceReplaced,
            file,
            line,
            address,
            format!(
                "source of {address} changes from {old_source} to {new_source}, which is not read here: every resource of the old module may be destroyed{named}"
            ),
        )];
    };
    let mut now = BTreeMap::new();
    resources(view, When::After, &new_dir, address, 0, &mut now);
    let moves: BTreeSet<String> = kept(&view.module(&new_dir, When::After).blocks)
        .into_iter()
        .map(|a| format!("{address}.{a}"))
        .collect();
    was.iter()
        .filter(|(a, _)| !now.contains_key(*a) && !moves.contains(*a))
        .map(|(inner, ty)| {
            let (signal, note, loss) = destroy_of(tables, ty);
            finding(
                signal,
                file,
                line,
                inner,
                format!(
                    "source of {address} changes from {old_source} to {new_source}, which does not declare it: destroys {inner}{note}{loss}"
                ),
            )
        })
        .collect()
}
