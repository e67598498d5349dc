//! A module as Terraform and `OpenTofu` load it, where that differs from reading its files one by
//! one:
//!
//! - an override file (`override.tf`, `db_override.tf`, their JSON and `.tofu` forms) is merged
//!   into the blocks with the same header in the module's other files: its arguments replace
//!   theirs, its nested blocks replace theirs of the same type, `lifecycle` merges argument by
//!   argument, `locals` merge name by name. A change to an override file is a change to the
//!   blocks it overrides, so `count = 0` in a new `override.tf` destroys the resource;
//! - `OpenTofu` loads `db.tofu` instead of `db.tf` (and `db.tofu.json` instead of `db.tf.json`):
//!   a `.tofu` file added next to a `.tf` file removes that file's blocks for `OpenTofu` users,
//!   and puts its own in their place.
//!
//! Both need the module's untouched files, so they are judged here with the base tree.
//! Sources: Terraform docs, "Override Files"
//! (developer.hashicorp.com/terraform/language/files/override); `OpenTofu` docs, "Files and
//! Directories" (opentofu.org/docs/language/files/: "files with .tofu extension" take
//! precedence over the `.tf` file of the same name).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::model::Block;
use super::replacement::Tables;
use super::tree_view::{ModuleTrees, When};
use super::{Entry, Module, directory, files, rules};
use crate::analyze::Fact;
use crate::analyze::contents::FileContents;

/// Destroys and replacements that override files and `.tofu` shadows cause in the directories
/// the change touches them in.
#[must_use]
pub fn facts(contents: &[FileContents<'_>], view: &ModuleTrees<'_>, tables: &Tables) -> Vec<Fact> {
    let mut overridden: BTreeSet<&str> = BTreeSet::new();
    let mut tofu: BTreeSet<&str> = BTreeSet::new();
    for path in contents
        .iter()
        .flat_map(|c| [c.file.old_path.as_deref(), c.file.new_path.as_deref()])
        .flatten()
        .filter(|p| files::loaded(p).is_some())
    {
        if files::is_override(path) {
            overridden.insert(directory(path));
        }
        if files::shadows(path) {
            tofu.insert(directory(path));
        }
    }
    let mut facts = Vec::new();
    for dir in overridden.union(&tofu) {
        let before = view.module(dir, When::Before);
        let after = view.module(dir, When::After);
        if overridden.contains(dir) {
            facts.extend(overrides(&before.blocks, &after.blocks, tables));
        }
        if tofu.contains(dir) {
            facts.extend(shadowed(
                (before.blocks, before.paths),
                (after.blocks, after.paths),
                tables,
            ));
        }
    }
    facts
}

/// What the change to a directory's override files does to the merged blocks they override.
fn overrides(before: &[(String, Block)], after: &[(String, Block)], tables: &Tables) -> Vec<Fact> {
    let (old, old_touched) = merge(before);
    let (new, new_touched) = merge(after);
    let touched: BTreeSet<String> = old_touched.into_iter().chain(new_touched).collect();
    compare(old, new, tables)
        .into_iter()
        .filter(|fact| fact.subject.as_ref().is_some_and(|s| touched.contains(s)))
        .collect()
}

/// What `OpenTofu` loses when a `.tofu` file starts to shadow a `.tf` file: the `.tf` file's
/// blocks, except those the `.tofu` file declares again.
fn shadowed(before: Side, after: Side, tables: &Tables) -> Vec<Fact> {
    let (before, was_hidden) = tofu_view(before);
    let (after, hidden) = tofu_view(after);
    // Addresses of files newly hidden, with the file and the one hiding it.
    let mut lost: HashMap<String, (String, String)> = HashMap::new();
    for (tf, by) in hidden
        .iter()
        .filter(|(tf, _)| !was_hidden.contains_key(*tf))
    {
        for (_, block) in before.iter().filter(|(file, _)| file == tf) {
            if let Some(address) = block.address() {
                lost.insert(address, (tf.clone(), by.clone()));
            }
        }
    }
    if lost.is_empty() {
        return Vec::new();
    }
    let (old, _) = merge(&before);
    let (new, _) = merge(&after);
    compare(old, new, tables)
        .into_iter()
        .filter_map(|mut fact| {
            let (tf, by) = lost.get(fact.subject.as_deref()?)?;
            fact.message = format!("OpenTofu loads {by} instead of {tf}: {}", fact.message);
            Some(fact)
        })
        .collect()
}

/// One side of a directory: its blocks with their files, and its loaded files (an empty file
/// hides its `.tf` twin too).
type Side = (Vec<(String, Block)>, BTreeSet<String>);

/// The blocks `OpenTofu` loads: without the `.tf` files a `.tofu` file of the same name hides,
/// and those files with the file hiding each.
fn tofu_view((blocks, present): Side) -> (Vec<(String, Block)>, BTreeMap<String, String>) {
    let hidden: BTreeMap<String, String> = present
        .iter()
        .filter_map(|file| Some((file.clone(), files::shadow_of(file)?)))
        .filter(|(_, by)| present.contains(by))
        .collect();
    let kept = blocks
        .into_iter()
        .filter(|(file, _)| !hidden.contains_key(file))
        .collect();
    (kept, hidden)
}

/// The lifecycle rules over two merged views of one module.
fn compare(old: Vec<(String, Block)>, new: Vec<(String, Block)>, tables: &Tables) -> Vec<Fact> {
    let entries = |blocks: Vec<(String, Block)>| {
        blocks
            .into_iter()
            .map(|(file, block)| Entry { file, block })
            .collect()
    };
    let module = Module {
        old: entries(old),
        new: entries(new),
        merged: true,
        ..Module::default()
    };
    rules::lifecycle(&module, tables)
}

/// A block and the file it is in.
type Located = (String, Block);

/// The header override blocks are matched by: type and labels.
fn header(block: &Block) -> (String, Vec<String>) {
    (block.kind.clone(), block.labels.clone())
}

/// A module's blocks with its override files merged in, in Terraform's order (override files
/// by name, blocks in file order), and the addresses override blocks touched. A merged block
/// is attributed to the override file that last changed it: that is where its new values are.
fn merge(blocks: &[(String, Block)]) -> (Vec<(String, Block)>, BTreeSet<String>) {
    let (mut overrides, primary): (Vec<&Located>, Vec<&Located>) = blocks
        .iter()
        .partition(|(file, _)| files::is_override(file));
    // Stable: blocks of one file keep their order.
    overrides.sort_by(|a, b| a.0.cmp(&b.0));
    let mut merged: Vec<(String, Block)> = primary.into_iter().cloned().collect();
    let mut touched = BTreeSet::new();
    for (file, over) in overrides {
        if over.kind == "locals" {
            // Merged name by name into whichever `locals` block defines each.
            for attr in &over.attrs {
                let target = merged.iter_mut().find_map(|(_, b)| {
                    (b.kind == "locals")
                        .then(|| b.attrs.iter_mut().find(|a| a.name == attr.name))
                        .flatten()
                });
                if let Some(target) = target {
                    *target = attr.clone();
                }
            }
            continue;
        }
        if let Some(address) = over.address() {
            touched.insert(address);
        }
        let key = header(over);
        // An override block with nothing to override is an error in Terraform: not merged.
        if let Some((target_file, target)) = merged.iter_mut().find(|(_, b)| header(b) == key) {
            merge_block(target, over);
            target_file.clone_from(file);
        }
    }
    (merged, touched)
}

/// Terraform's merge of one override block into its original.
fn merge_block(target: &mut Block, over: &Block) {
    for attr in &over.attrs {
        match target.attrs.iter_mut().find(|a| a.name == attr.name) {
            Some(existing) => *existing = attr.clone(),
            None => target.attrs.push(attr.clone()),
        }
    }
    let kinds: BTreeSet<&str> = over.blocks.iter().map(|b| b.kind.as_str()).collect();
    for kind in kinds {
        let mut replacing = over.blocks.iter().filter(|b| b.kind == kind);
        if kind == "lifecycle" {
            // Merged argument by argument.
            for nested in replacing {
                match target.blocks.iter_mut().find(|b| b.kind == kind) {
                    Some(existing) => merge_block(existing, nested),
                    None => target.blocks.push(nested.clone()),
                }
            }
            continue;
        }
        target.blocks.retain(|b| b.kind != kind);
        target.blocks.extend(replacing.by_ref().cloned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signal::Signal;

    fn blocks(files: &[(&str, &str)]) -> Vec<(String, Block)> {
        files
            .iter()
            .flat_map(|(path, text)| {
                super::super::parse_file(path, text.as_bytes())
                    .expect("parses")
                    .into_iter()
                    .map(|b| ((*path).to_string(), b))
            })
            .collect()
    }

    const DB: &str = "resource \"aws_db_instance\" \"db\" {\n  identifier = \"prod-db\"\n  engine     = \"postgres\"\n  lifecycle {\n    prevent_destroy = false\n    ignore_changes  = [tags]\n  }\n}\n";

    /// Arguments replace, `lifecycle` merges argument by argument, other nested blocks replace
    /// all of their type; the merged block is attributed to the override file.
    #[test]
    fn merges_like_terraform() {
        let over = "resource \"aws_db_instance\" \"db\" {\n  identifier = \"prod-db-v2\"\n  lifecycle {\n    create_before_destroy = true\n  }\n}\n";
        let (merged, touched) = merge(&blocks(&[("db.tf", DB), ("db_override.tf", over)]));
        assert_eq!(merged.len(), 1);
        let (file, block) = &merged[0];
        assert_eq!(file, "db_override.tf");
        assert_eq!(
            block.attr("identifier").and_then(|v| v.as_str()),
            Some("prod-db-v2")
        );
        assert_eq!(
            block.attr("engine").and_then(|v| v.as_str()),
            Some("postgres")
        );
        let lifecycle = block.children("lifecycle").next().expect("lifecycle");
        assert!(lifecycle.attr("ignore_changes").is_some());
        assert!(lifecycle.attr("create_before_destroy").is_some());
        assert!(touched.contains("aws_db_instance.db"));
    }

    /// A new override file setting `engine` replaces the database; one setting `count = 0`
    /// destroys it; one that sets an argument to the value it has changes nothing.
    #[test]
    fn new_override_files_are_judged_by_what_they_merge_into() {
        let base = blocks(&[("db.tf", DB)]);
        let with = |name: &str, text: &str| {
            let mut after = base.clone();
            after.extend(blocks(&[(name, text)]));
            overrides(&base, &after, Tables::builtin())
        };
        let replaced = with(
            "db_override.tf",
            "resource \"aws_db_instance\" \"db\" {\n  engine = \"mysql\"\n}\n",
        );
        assert_eq!(replaced.len(), 1, "{replaced:#?}");
        assert_eq!(replaced[0].signal, Signal::StatefulResourceReplaced);
        assert_eq!(replaced[0].file.as_deref(), Some("db_override.tf"));
        let destroyed = with(
            "override.tf",
            "resource \"aws_db_instance\" \"db\" {\n  count = 0\n}\n",
        );
        assert_eq!(destroyed.len(), 1, "{destroyed:#?}");
        assert_eq!(destroyed[0].signal, Signal::StatefulResourceDestroyed);
        let json = with(
            "override.tf.json",
            "{\"resource\":{\"aws_db_instance\":{\"db\":{\"count\":0}}}}\n",
        );
        assert_eq!(json.len(), 1, "{json:#?}");
        let same = with(
            "override.tf",
            "resource \"aws_db_instance\" \"db\" {\n  identifier = \"prod-db\"\n}\n",
        );
        assert!(same.is_empty(), "{same:#?}");
    }

    /// A `.tofu` file next to a `.tf` file hides it from `OpenTofu`: its resources are gone
    /// unless the `.tofu` file declares them again.
    #[test]
    fn tofu_file_hides_its_tf_twin() {
        let base = blocks(&[("db.tf", DB)]);
        let names = |names: &[&str]| names.iter().map(ToString::to_string).collect();
        let with = |text: &str| {
            let mut after = base.clone();
            after.extend(blocks(&[("db.tofu", text)]));
            shadowed(
                (base.clone(), names(&["db.tf"])),
                (after, names(&["db.tf", "db.tofu"])),
                Tables::builtin(),
            )
        };
        let lost = with("# moved to opentofu\n");
        assert_eq!(lost.len(), 1, "{lost:#?}");
        assert_eq!(lost[0].signal, Signal::StatefulResourceDestroyed);
        assert!(
            lost[0]
                .message
                .starts_with("OpenTofu loads db.tofu instead of db.tf"),
            "{}",
            lost[0].message
        );
        assert!(with(DB).is_empty());
    }
}
