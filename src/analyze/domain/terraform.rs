//! Terraform / `OpenTofu`: what `apply` would do to real infrastructure, read from the HCL of
//! both sides of the change.
//!
//! Terraform addresses resources per module (a directory), not per file, so the analyzer
//! gathers the blocks of every changed `.tf`/`.tofu` file (HCL or JSON syntax) of a directory
//! on each side and compares the two module views: a resource moved between two files of one
//! module is neither destroyed nor created, and a `moved {}` block anywhere in the module covers
//! a rename. A file renamed to a name Terraform does not load is read on its old side only
//! ([`files`]). Files that do not parse (templated with Jinja, say) are read line by line
//! instead, and say so. What needs the module's untouched files (a file moved to another
//! module, a local module's body) is judged in [`tree_facts`].

mod expiry;
mod fallback;
pub(crate) mod files;
mod hidden;
mod iam_indirect;
mod instances;
mod json;
mod kept;
mod merged;
mod model;
pub mod plan;
mod protection;
pub mod replacement;
mod rules;
mod scan;
mod security;
mod tree_view;
mod variables;

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use super::{Analysis, Analyzer, LineLevel, Pass, Settings, Versions};
use crate::analyze::Fact;
use crate::diff::FileStatus;
use crate::signal::Signal;

#[allow(unused_imports, reason = "for the policy to extend the tables")]
pub use replacement::{ExtraRows, Tables};

pub use kept::Parser;

/// See the module docs.
pub struct Terraform;

const NAME: &str = "terraform";

/// A top-level block and the file it is in.
#[derive(Debug, Clone)]
struct Entry {
    file: String,
    block: model::Block,
}

/// One directory's blocks before and after the change (changed files only).
#[derive(Debug, Default)]
struct Module {
    old: Vec<Entry>,
    new: Vec<Entry>,
    /// Addresses whose headers appear in the new side of files that did not parse: a block
    /// moved into such a file is not reported destroyed from the file it left.
    unparsed_new: HashSet<String>,
    /// Files renamed to a name Terraform does not load (`main.tf` → `main.tf.disabled`), old
    /// path to new: why their blocks are gone.
    renamed_away: HashMap<String, String>,
    /// Whether override files are merged into the blocks they override ([`merged`]). When
    /// not, the lifecycle rules leave their blocks alone: they are no resources of their own.
    merged: bool,
}

impl Analyzer for Terraform {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self, path: &str, _content: &[u8]) -> bool {
        // Also a name renamed out of the loaded set: its old side is what the module loses.
        files::terraform_like(path)
    }

    fn analyze(&self, versions: &Versions<'_>) -> Analysis {
        self.analyze_all(std::slice::from_ref(versions))
    }

    fn analyze_all(&self, files: &[Versions<'_>]) -> Analysis {
        analyze_with_tables(files, Tables::builtin(), Parser::uncached())
    }

    fn analyze_all_in(&self, files: &[Versions<'_>], pass: &Pass<'_>) -> Analysis {
        let extra = &pass.settings.terraform;
        let parser = Parser::kept_in(pass.cache);
        if extra.stateful.is_empty() && extra.force_new.is_empty() {
            return analyze_with_tables(files, Tables::builtin(), parser);
        }
        analyze_with_tables(files, &Tables::with_extra(Some(extra)), parser)
    }
}

/// Destroys judged with the files the change leaves alone (a file moved out of its module, a
/// local module removed or re-pointed: see `hidden.rs`), variable defaults that shrink a
/// `count`/`for_each` (see `variables.rs`), override files and `.tofu` files hiding `.tf`
/// files (see `merged.rs`). `tree` is the tree the change starts from.
#[must_use]
pub fn tree_facts(
    contents: &[crate::analyze::contents::FileContents<'_>],
    repo: Option<&git2::Repository>,
    tree: Option<git2::Oid>,
    settings: &Settings,
    parser: Parser<'_>,
) -> Vec<Fact> {
    let extra = &settings.terraform;
    let tables = if extra.stateful.is_empty() && extra.force_new.is_empty() {
        std::borrow::Cow::Borrowed(Tables::builtin())
    } else {
        std::borrow::Cow::Owned(Tables::with_extra(Some(extra)))
    };
    let mut facts = hidden::facts(contents, repo, tree, &tables, parser);
    facts.extend(variables::facts(contents, repo, tree, &tables, parser));
    let special = contents
        .iter()
        .flat_map(|c| [c.file.old_path.as_deref(), c.file.new_path.as_deref()])
        .flatten()
        .any(|path| files::is_override(path) || files::shadows(path));
    if special {
        let view = tree_view::ModuleTrees::new(contents, repo, tree, parser);
        facts.extend(merged::facts(contents, &view, &tables));
    }
    facts
}

/// The analysis with explicit tables: what [`Terraform`] runs with the built-in tables, and
/// what a caller with a policy's extra rows ([`Tables::with_extra`]) runs instead.
pub fn analyze_with_tables(
    files: &[Versions<'_>],
    tables: &Tables,
    parser: Parser<'_>,
) -> Analysis {
    let mut analysis = Analysis::default();
    let mut modules: BTreeMap<String, Module> = BTreeMap::new();
    // A file renamed into another directory is compared with itself there (a module folder
    // renamed with its `source` updated keeps every address); whether the module it left
    // loses its resources needs that module's other files ([`tree_facts`]).
    let module_of = |file: &crate::diff::FileChange, path: &str, old: bool| {
        let moved_to = file
            .new_path
            .as_deref()
            .filter(|_| old && file.status == FileStatus::Renamed);
        directory(moved_to.unwrap_or(path)).to_string()
    };
    // Reading each file is its own work, side by side: a warm check whose mechanical
    // comparison came from the cache has no parsed tree to reuse here.
    let read: Vec<_> = files
        .par_iter()
        .map(|versions| {
            let file = versions.file;
            // A copy's source still exists unchanged: only the new file is part of the change.
            let old = if file.status == FileStatus::Copied {
                Ok(Vec::new())
            } else {
                side(parser, file.old_path.as_deref(), versions.old)
            };
            (old, side(parser, file.new_path.as_deref(), versions.new))
        })
        .collect();
    for (versions, (old, new)) in files.iter().zip(read) {
        let file = versions.file;
        if let (Some(from), Some(to)) = (file.old_path.as_ref(), file.new_path.as_ref())
            && files::loaded(from).is_some()
            && files::loaded(to).is_none()
        {
            modules
                .entry(module_of(file, from, true))
                .or_default()
                .renamed_away
                .insert(from.clone(), to.clone());
        }
        match (old, new) {
            (Ok(old), Ok(new)) => {
                for (path, blocks, into_new) in
                    [(&file.old_path, old, false), (&file.new_path, new, true)]
                {
                    let Some(path) = path.as_ref().filter(|_| !blocks.is_empty()) else {
                        continue;
                    };
                    let module = modules.entry(module_of(file, path, !into_new)).or_default();
                    let entries = blocks.into_iter().map(|block| Entry {
                        file: path.clone(),
                        block,
                    });
                    if into_new {
                        module.new.extend(entries);
                    } else {
                        module.old.extend(entries);
                    }
                }
            }
            (Err(reason), _) | (_, Err(reason)) => {
                analysis.facts.extend(fallback::facts(versions, tables));
                if let (Some(path), Some(new)) = (&file.new_path, versions.new) {
                    modules
                        .entry(module_of(file, path, false))
                        .or_default()
                        .unparsed_new
                        .extend(fallback::headers(new));
                }
                analysis.fallbacks.push(LineLevel {
                    file: file.path().to_string(),
                    analyzer: NAME,
                    reason,
                });
            }
        }
    }
    for module in modules.values() {
        analysis.facts.extend(rules::lifecycle(module, tables));
        analysis.facts.extend(security::facts(module));
        analysis.facts.extend(expiry::facts(module));
    }
    analysis
}

/// The blocks of one side of a file: none when the side does not exist, or when Terraform
/// does not load it (`main.tf.disabled`). A side that exists but was not read (over the size
/// limit, no repository for diff text) cannot be compared: treating it as empty would report
/// every resource in it destroyed.
fn side(
    parser: Parser<'_>,
    path: Option<&str>,
    content: Option<&[u8]>,
) -> Result<Vec<model::Block>, String> {
    match (path, content) {
        (Some(path), _) if files::loaded(path).is_none() => Ok(Vec::new()),
        (Some(path), Some(content)) => parser.blocks(path, content),
        (Some(_), None) => {
            Err("contents not available (over the size limit, or no repository)".to_string())
        }
        (None, _) => Ok(Vec::new()),
    }
}

/// A loaded Terraform file's top-level blocks, in HCL or JSON syntax by its name.
fn parse_file(path: &str, content: &[u8]) -> Result<Vec<model::Block>, String> {
    match files::loaded(path) {
        Some(files::Notation::Json) => json::parse(content),
        Some(files::Notation::Hcl) => model::parse(path, content),
        None => Err("not a file Terraform loads".to_string()),
    }
}

/// The module a file belongs to: its directory.
fn directory(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// A fact at `file:line` about `subject`.
fn finding(signal: Signal, file: &str, line: u32, subject: &str, message: String) -> Fact {
    Fact {
        signal,
        file: Some(file.to_string()),
        line: Some(line),
        quantity: 1.0,
        message,
        related: Vec::new(),
        subject: Some(subject.to_string()),
    }
}

#[cfg(test)]
mod edge_tests;
#[cfg(test)]
mod hidden_tests;
#[cfg(test)]
mod oracle_tests;
#[cfg(test)]
mod tests;
