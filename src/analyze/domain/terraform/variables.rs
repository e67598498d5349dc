//! A variable's default or a local's value that shrinks a `count` or `for_each` elsewhere in
//! its module: the resource block is untouched, yet `apply` destroys its instances
//! (`enabled = true` → `false` under `count = var.enabled ? 1 : 0`, a list emptied or re-keyed
//! under `for_each = toset(local.envs)`), and a `count`/`for_each` rewritten to a smaller value
//! than it had (`? 1 : 0` → `? 0 : 1`, `length([])`, a literal in place of a local). Terraform
//! docs "The `count` Meta-Argument" / "The `for_each` Meta-Argument": instances are created and
//! destroyed to match the value; `fixtures/infra/terraform/variable-flip/` and the oracle cases
//! `locals-*` hold the plans Terraform itself makes for such changes.
//!
//! The resources that use the value are usually in files the change does not touch, so the
//! module's other files are read from the tree the change starts from.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use git2::{ObjectType, Oid, Repository};

use super::instances::{evaluate, evaluate_in, reference_of, values};
use super::model::{Block, Value};
use super::replacement::Tables;
use super::rules::{is_none, type_of};
use super::{Parser, directory, finding};
use crate::analyze::Fact;
use crate::analyze::contents::FileContents;
use crate::signal::Signal;

/// A changed default or local: before, after, and the file and line of the new one.
type Flip = (Value, Value, String, u32);

/// Where `reference` (`var.x`, `local.x`) gets its value in `blocks`: the default's or the
/// local's line.
fn line_of(blocks: &[Block], reference: &str) -> Option<u32> {
    let (kind, name) = reference.split_once('.')?;
    blocks.iter().find_map(|b| match (kind, b.kind.as_str()) {
        ("var", "variable") if b.labels.first().map(String::as_str) == Some(name) => {
            Some(b.attr_entry("default").map_or(b.line, |a| a.line))
        }
        ("local", "locals") => b.attr_entry(name).map(|a| a.line),
        _ => None,
    })
}

/// How a changed value is named in messages.
fn named(reference: &str) -> String {
    if reference.starts_with("var.") {
        format!("the default of {reference}")
    } else {
        reference.to_string()
    }
}

/// The destroy signal for a block and the loss clause.
fn destroy_signal(block: &Block, tables: &Tables) -> (Signal, &'static str) {
    if block.kind == "resource" && tables.stateful_kind(type_of(block)).is_some() {
        (
            Signal::StatefulResourceDestroyed,
            ": data loss unless snapshotted",
        )
    } else {
        (Signal::ResourceDestroyed, "")
    }
}

/// Facts for defaults and locals changed in `changed` over the resources of `module` (the
/// module's blocks after the change, with their files), except those in `rewritten`.
fn flips(
    changed: &BTreeMap<String, Flip>,
    module: &[(String, Block)],
    rewritten: &HashSet<String>,
    tables: &Tables,
) -> Vec<Fact> {
    let mut facts = Vec::new();
    for (file, block) in module {
        let (Some(address), true) = (block.address(), block.kind != "data") else {
            continue;
        };
        if rewritten.contains(&address) {
            continue;
        }
        for meta in ["count", "for_each"] {
            let Some(expression) = block.attr(meta) else {
                continue;
            };
            let line = block.attr_entry(meta).map_or(block.line, |a| a.line);
            let Some(var) = reference_of(expression) else {
                facts.extend(unevaluated(changed, expression, meta, &address, file, line));
                continue;
            };
            let Some((before, after, var_file, var_line)) = changed.get(&var) else {
                continue;
            };
            let (Some((_, was)), Some((_, now))) = (
                evaluate(expression, meta, before),
                evaluate(expression, meta, after),
            ) else {
                continue;
            };
            let Some(lost) = was.lost(&now) else {
                continue;
            };
            let (signal, data_loss) = destroy_signal(block, tables);
            facts.push(finding(
                signal,
                var_file,
                *var_line,
                &address,
                format!(
                    "{} changes from {} to {}: {meta} of {address} ({file}:{line}) goes from {} to {}, destroying {lost}{data_loss}",
                    named(&var),
                    before.show(),
                    after.show(),
                    was.len(),
                    now.len()
                ),
            ));
        }
    }
    facts
}

/// A file Terraform loads (`.tf`, `.tofu`, their JSON forms), as the analyzer reads them.
fn is_terraform(path: &str) -> bool {
    super::files::loaded(path).is_some()
}

/// Whether a value leaves nothing to count: `false`, `0`, `""`, `[]`, `{}`, `null`.
fn empty(value: &Value) -> bool {
    match value {
        Value::Bool(b) => !b,
        Value::Num(n) => n.parse::<f64>().is_ok_and(|n| n == 0.0),
        Value::Str(s) => s.is_empty() || s == "false" || s == "0",
        Value::List(items) => items.is_empty(),
        Value::Map(entries) => entries.is_empty(),
        Value::Null => true,
        Value::Expr(_) => false,
    }
}

/// A `count`/`for_each` of a shape not evaluated here (`var.n == 0 ? 0 : 1`, `local.x`
/// built from it…) that names a variable or local whose value became empty: it may destroy,
/// said at the lower signal so an unknown does not block on its own (as for re-keyed
/// `for_each`).
fn unevaluated(
    changed: &BTreeMap<String, Flip>,
    expression: &Value,
    meta: &str,
    address: &str,
    file: &str,
    line: u32,
) -> Option<Fact> {
    let Value::Expr(text) = expression else {
        return None;
    };
    let (var, (before, after, var_file, var_line)) = changed
        .iter()
        .find(|(name, (was, now, ..))| empty(now) && !empty(was) && mentions(text, name))?;
    Some(finding(
        Signal::ResourceDestroyed,
        var_file,
        *var_line,
        address,
        format!(
            "{} changes from {} to {}: {meta} of {address} ({file}:{line}) uses it and may drop to zero, destroying its instances",
            named(var),
            before.show(),
            after.show()
        ),
    ))
}

/// Whether `text` refers to `reference` (`var.x`; not a longer name that starts the same).
fn mentions(text: &str, reference: &str) -> bool {
    let needle = reference;
    text.match_indices(needle).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + needle.len()..].chars().next();
        let word =
            |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        !(word(after) || word(before) || before == Some('.'))
    })
}

/// Every Terraform file of a directory in `tree`, except `skip`, parsed.
fn siblings(
    (repo, tree): (&Repository, Oid),
    dir: &str,
    skip: &HashSet<&str>,
    parser: Parser<'_>,
) -> Vec<(String, Block)> {
    let Ok(root) = repo.find_tree(tree) else {
        return Vec::new();
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
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in &folder {
        let Ok(name) = entry.name() else { continue };
        let path = if dir.is_empty() {
            name.to_string()
        } else {
            format!("{dir}/{name}")
        };
        if !is_terraform(name)
            || skip.contains(path.as_str())
            || entry.kind() != Some(ObjectType::Blob)
        {
            continue;
        }
        let Ok(blob) = repo.find_blob(entry.id()) else {
            continue;
        };
        if let Ok(blocks) = parser.blocks(&path, blob.content()) {
            out.extend(blocks.into_iter().map(|b| (path.clone(), b)));
        }
    }
    out
}

/// A `count`/`for_each` rewritten in a changed file to fewer instances than it had, one side
/// at least an expression (two literals are the lifecycle rules' own: `rekeyed`, `emptied`):
/// each side evaluated with the module's values on that side. Also returns every address whose
/// `count`/`for_each` text changed, which [`flips`] leaves to this.
fn rewritten(
    before: &[(String, Block)],
    after: &[(String, Block)],
    (was_values, now_values): (&Values, &Values),
    tables: &Tables,
) -> (Vec<Fact>, HashSet<String>) {
    let old_blocks: HashMap<String, &Block> = before
        .iter()
        .filter_map(|(_, b)| Some((b.address()?, b)))
        .collect();
    let mut facts = Vec::new();
    let mut changed = HashSet::new();
    for (file, new) in after.iter().filter(|(_, b)| b.kind != "data") {
        let (Some(address), true) = (
            new.address(),
            new.kind == "resource" || new.kind == "module",
        ) else {
            continue;
        };
        let Some(old) = old_blocks.get(&address) else {
            continue;
        };
        for meta in ["count", "for_each"] {
            let (was, now) = (old.attr(meta), new.attr(meta));
            if was == now {
                continue;
            }
            changed.insert(address.clone());
            let expression = |v: Option<&Value>| matches!(v, Some(Value::Expr(_)));
            // Dropped, emptied with a literal, two literals, or a count ↔ for_each switch:
            // the lifecycle rules say what those do.
            let Some(now) = now.filter(|v| !is_none(meta, v)) else {
                continue;
            };
            let switch = match meta {
                "count" => old.attr("for_each").is_some(),
                _ => was.is_none(),
            };
            if switch || !(expression(was) || expression(Some(now))) {
                continue;
            }
            let (Some(from), Some(to)) = (
                evaluate_in(was, meta, was_values),
                evaluate_in(Some(now), meta, now_values),
            ) else {
                continue;
            };
            let Some(lost) = from.lost(&to) else {
                continue;
            };
            let (signal, data_loss) = destroy_signal(new, tables);
            let line = new.attr_entry(meta).map_or(new.line, |a| a.line);
            let was_text = was.map_or_else(|| "absent".to_string(), Value::show);
            facts.push(finding(
                signal,
                file,
                line,
                &address,
                format!(
                    "{meta} of {address} changes from {was_text} ({}) to {} ({}): destroys {lost}{data_loss}",
                    from.len(),
                    now.show(),
                    to.len()
                ),
            ));
        }
    }
    (facts, changed)
}

/// Variable defaults and locals, by reference (`var.x`, `local.x`).
type Values = BTreeMap<String, Value>;

/// `resource-destroyed` / `stateful-resource-destroyed` for every resource whose `count` or
/// `for_each` a changed variable default or local shrinks, or that is rewritten to fewer
/// instances. `tree` is the tree the change starts from (the module's untouched files are the
/// same in it as after the change).
#[must_use]
pub fn facts(
    contents: &[FileContents<'_>],
    repo: Option<&Repository>,
    tree: Option<Oid>,
    tables: &Tables,
    parser: Parser<'_>,
) -> Vec<Fact> {
    // A value changes only in a file that declares a variable or locals, and a count or
    // for_each only where one is written; a change that touches none (most do not) parses
    // nothing here.
    let declares = |bytes: Option<&[u8]>| {
        bytes.is_some_and(|bytes| {
            bytes.split(|&b| b == b'\n').any(|line| {
                let line = line.trim_ascii_start();
                [&b"variable"[..], b"locals", b"count", b"for_each"]
                    .iter()
                    .any(|word| line.starts_with(word))
            })
        })
    };
    let may_change = contents.iter().any(|content| {
        content.file.new_path.as_deref().is_some_and(is_terraform)
            && (declares(content.old.bytes()) || declares(content.new.bytes()))
    });
    if !may_change {
        return Vec::new();
    }
    let mut changed: BTreeMap<&str, BTreeMap<String, Flip>> = BTreeMap::new();
    let mut after: BTreeMap<&str, Vec<(String, Block)>> = BTreeMap::new();
    let mut before: BTreeMap<&str, Vec<(String, Block)>> = BTreeMap::new();
    for content in contents {
        let file = content.file;
        let Some(path) = file.new_path.as_deref().filter(|p| is_terraform(p)) else {
            continue;
        };
        let Some(Ok(new)) = content.new.bytes().map(|b| parser.blocks(path, b)) else {
            continue;
        };
        let old = content
            .old
            .bytes()
            .zip(file.old_path.as_deref())
            .and_then(|(b, p)| parser.blocks(p, b).ok())
            .unwrap_or_default();
        let (was, now) = (values(&old), values(&new));
        for (name, value) in &now {
            if let Some(was) = was.get(name).filter(|was| *was != value) {
                let line = line_of(&new, name).unwrap_or(1);
                changed.entry(directory(path)).or_default().insert(
                    name.clone(),
                    (was.clone(), value.clone(), path.to_string(), line),
                );
            }
        }
        let old_path = file.old_path.clone().unwrap_or_default();
        before
            .entry(directory(path))
            .or_default()
            .extend(old.into_iter().map(|b| (old_path.clone(), b)));
        after
            .entry(directory(path))
            .or_default()
            .extend(new.into_iter().map(|b| (path.to_string(), b)));
    }
    let touched: HashSet<&str> = contents
        .iter()
        .flat_map(|c| [c.file.old_path.as_deref(), c.file.new_path.as_deref()])
        .flatten()
        .collect();
    let meta_changed = |dir: &&str| {
        let was = before.get(dir).map_or(&[][..], Vec::as_slice);
        let now = after.get(dir).map_or(&[][..], Vec::as_slice);
        !rewritten(was, now, (&Values::new(), &Values::new()), tables)
            .1
            .is_empty()
    };
    let dirs: BTreeSet<&str> = after
        .keys()
        .filter(|dir| changed.contains_key(*dir) || meta_changed(dir))
        .copied()
        .collect();
    let mut facts = Vec::new();
    for dir in dirs {
        let others = match (repo, tree) {
            (Some(repo), Some(tree)) => siblings((repo, tree), dir, &touched, parser),
            _ => Vec::new(),
        };
        let was_blocks = before.remove(dir).unwrap_or_default();
        let mut module = after.remove(dir).unwrap_or_default();
        let was_values = values(was_blocks.iter().chain(&others).map(|(_, b)| b));
        let now_values = values(module.iter().chain(&others).map(|(_, b)| b));
        let (found, rewrites) = rewritten(&was_blocks, &module, (&was_values, &now_values), tables);
        facts.extend(found);
        module.extend(others);
        if let Some(variables) = changed.get(dir) {
            facts.extend(flips(variables, &module, &rewrites, tables));
        }
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Terraform's own plan for `fixtures/infra/terraform/variable-flip` (made by its
    /// `make_plan.sh`) deletes exactly the instances the analyzer says the new defaults
    /// destroy; the instance the flip creates (`kept`) is not reported.
    #[test]
    fn agrees_with_terraform_plan() {
        use crate::diff::{FileChange, FileStatus};
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/infra/terraform/variable-flip"
        );
        let read = |path: &str| std::fs::read(format!("{dir}/{path}")).expect("fixture");
        let plan: serde_json::Value =
            serde_json::from_slice(&read("plan.json")).expect("plan JSON");
        let mut deleted: BTreeSet<String> = BTreeSet::new();
        for change in plan["resource_changes"].as_array().expect("changes") {
            if change["actions"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x == "delete"))
            {
                let address = change["address"].as_str().expect("address");
                deleted.insert(address.split('[').next().unwrap_or(address).to_string());
            }
        }
        let variables = FileChange::new(
            FileStatus::Modified,
            Some("infra/variables.tf".into()),
            Some("infra/variables.tf".into()),
        );
        let main = FileChange::new(
            FileStatus::Modified,
            Some("infra/main.tf".into()),
            Some("infra/main.tf".into()),
        );
        let side = |bytes: Vec<u8>| crate::analyze::contents::Content::Bytes(bytes.into());
        let contents = [
            FileContents {
                file: &variables,
                old: side(read("before/variables.tf")),
                new: side(read("after/variables.tf")),
            },
            FileContents {
                file: &main,
                old: side(read("main.tf")),
                new: side(read("main.tf")),
            },
        ];
        let found = facts(&contents, None, None, Tables::builtin(), Parser::uncached());
        let reported: BTreeSet<String> = found.iter().filter_map(|f| f.subject.clone()).collect();
        assert_eq!(reported, deleted, "{found:#?}");
        assert!(found.iter().all(|f| f.signal == Signal::ResourceDestroyed));
        let worker = found
            .iter()
            .find(|f| f.subject.as_deref() == Some("terraform_data.worker"))
            .expect("worker");
        assert!(worker.message.contains("from 3 to 1"), "{}", worker.message);
        assert_eq!(worker.file.as_deref(), Some("infra/variables.tf"));
    }

    /// A shape the evaluator does not know still reports a possible destroy, at the lower
    /// signal, when the default it names became empty; a default that became non-empty does
    /// not.
    #[test]
    fn unknown_shapes_may_destroy() {
        let module = super::super::parse_file(
            "main.tf",
            b"resource \"aws_db_instance\" \"db\" {\n  count = var.on == true ? 1 : 0\n}\n",
        )
        .expect("parses");
        let module: Vec<(String, Block)> = module
            .into_iter()
            .map(|b| ("main.tf".to_string(), b))
            .collect();
        let flip = |was: bool, now: bool| {
            BTreeMap::from([(
                "var.on".to_string(),
                (
                    Value::Bool(was),
                    Value::Bool(now),
                    "variables.tf".to_string(),
                    3,
                ),
            )])
        };
        let found = flips(
            &flip(true, false),
            &module,
            &HashSet::new(),
            Tables::builtin(),
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].signal, Signal::ResourceDestroyed);
        assert!(
            found[0].message.contains("may drop to zero"),
            "{}",
            found[0].message
        );
        assert!(
            flips(
                &flip(false, true),
                &module,
                &HashSet::new(),
                Tables::builtin()
            )
            .is_empty()
        );
    }
}
