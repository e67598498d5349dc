//! A variable's default that shrinks a `count` or `for_each` elsewhere in its module: the
//! resource block is untouched, yet `apply` destroys its instances (`enabled = true` → `false`
//! under `count = var.enabled ? 1 : 0`, a list default emptied under `for_each`). Terraform
//! docs "The `count` Meta-Argument" / "The `for_each` Meta-Argument": instances are created and
//! destroyed to match the value; `fixtures/infra/terraform/variable-flip/` holds the plan
//! Terraform itself makes for such a change.
//!
//! The resources that use the variable are usually in files the change does not touch, so the
//! module's other files are read from the tree the change starts from.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::LazyLock;

use git2::{ObjectType, Oid, Repository};
use regex::Regex;

use super::model::{Block, Value};
use super::replacement::Tables;
use super::rules::type_of;
use super::{Parser, directory, finding};
use crate::analyze::Fact;
use crate::analyze::contents::FileContents;
use crate::signal::Signal;

/// How many instances an expression makes: a number, or keys.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Instances {
    Count(u64),
    Keys(BTreeSet<String>),
}

impl Instances {
    fn len(&self) -> u64 {
        match self {
            Self::Count(n) => *n,
            Self::Keys(keys) => keys.len() as u64,
        }
    }

    /// What `self` → `now` destroys, in words; `None` when nothing.
    fn lost(&self, now: &Self) -> Option<String> {
        match (self, now) {
            (Self::Keys(before), Self::Keys(after)) => {
                let gone: Vec<String> = before
                    .difference(after)
                    .map(|k| format!("\"{k}\""))
                    .collect();
                (!gone.is_empty()).then(|| format!("instances {}", gone.join(", ")))
            }
            _ if now.len() < self.len() => Some(format!(
                "{} of its {} instance(s)",
                self.len() - now.len(),
                self.len()
            )),
            _ => None,
        }
    }
}

/// `count`/`for_each` shapes evaluated with the variable's value; `{v}` is the variable.
/// Source: Terraform docs "Conditional Expressions", "length", "toset" (a `toset`/`tolist`
/// call is already unwrapped by the model).
static SHAPES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?P<len>length)\()?(?P<not>!)?var\.(?P<var>[A-Za-z_][A-Za-z0-9_-]*)\)?(?: \? (?P<yes>\d+) : (?P<no>\d+))?$")
        .expect("valid pattern (tested)")
});

/// The variable a `count`/`for_each` shape depends on.
fn variable_of(expression: &Value) -> Option<String> {
    let Value::Expr(text) = expression else {
        return None;
    };
    Some(SHAPES.captures(text)?.name("var")?.as_str().to_string())
}

fn truthy(value: &Value) -> Option<bool> {
    if value.is_true() {
        Some(true)
    } else if value.is_false() {
        Some(false)
    } else {
        None
    }
}

fn keys(value: &Value) -> Option<BTreeSet<String>> {
    match value {
        Value::List(items) => items.iter().map(|v| v.as_str().map(String::from)).collect(),
        Value::Map(entries) => Some(entries.iter().map(|(k, _)| k.clone()).collect()),
        Value::Null => Some(BTreeSet::new()),
        _ => None,
    }
}

/// The variable an expression's instances depend on, and the instances for a value of it.
fn evaluate(expression: &Value, meta: &str, value: &Value) -> Option<(String, Instances)> {
    let Value::Expr(text) = expression else {
        return None;
    };
    let shape = SHAPES.captures(text)?;
    let var = shape.name("var")?.as_str().to_string();
    let instances = match (shape.name("yes"), shape.name("no")) {
        (Some(yes), Some(no)) => {
            let chosen = truthy(value)? != shape.name("not").is_some();
            let n = if chosen { yes } else { no };
            Instances::Count(n.as_str().parse().ok()?)
        }
        _ if shape.name("not").is_some() => return None,
        _ if shape.name("len").is_some() => Instances::Count(keys(value)?.len() as u64),
        _ if meta == "for_each" => Instances::Keys(keys(value)?),
        _ => match value {
            Value::Num(n) => Instances::Count(n.parse().ok()?),
            _ => return None,
        },
    };
    Some((var, instances))
}

/// A changed default: before, after, and the file and line of the new one.
type Flip = (Value, Value, String, u32);

/// `variable` defaults of some blocks, by name.
fn defaults(blocks: &[Block]) -> BTreeMap<String, Value> {
    blocks
        .iter()
        .filter(|b| b.kind == "variable")
        .filter_map(|b| Some((b.labels.first()?.clone(), b.attr("default")?.clone())))
        .collect()
}

/// Facts for defaults changed in `changed` (old and new blocks, with the new file's path)
/// over the resources of `module` (the module's blocks after the change, with their files).
fn flips(
    changed: &BTreeMap<String, Flip>,
    module: &[(String, Block)],
    tables: &Tables,
) -> Vec<Fact> {
    let mut facts = Vec::new();
    for (file, block) in module {
        let (Some(address), true) = (block.address(), block.kind != "data") else {
            continue;
        };
        for meta in ["count", "for_each"] {
            let Some(expression) = block.attr(meta) else {
                continue;
            };
            let line = block.attr_entry(meta).map_or(block.line, |a| a.line);
            let Some(var) = variable_of(expression) else {
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
            let stateful =
                block.kind == "resource" && tables.stateful_kind(type_of(block)).is_some();
            let (signal, data_loss) = if stateful {
                (
                    Signal::StatefulResourceDestroyed,
                    ": data loss unless snapshotted",
                )
            } else {
                (Signal::ResourceDestroyed, "")
            };
            facts.push(finding(
                signal,
                var_file,
                *var_line,
                &address,
                format!(
                    "the default of var.{var} changes from {} to {}: {meta} of {address} ({file}:{line}) goes from {} to {}, destroying {lost}{data_loss}",
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
/// built from it…) that names a variable whose default became empty: it may destroy, said
/// at the lower signal so an unknown does not block on its own (as for re-keyed `for_each`).
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
            "the default of var.{var} changes from {} to {}: {meta} of {address} ({file}:{line}) uses it and may drop to zero, destroying its instances",
            before.show(),
            after.show()
        ),
    ))
}

/// Whether `text` refers to `var.<name>` (not a longer name that starts the same).
fn mentions(text: &str, name: &str) -> bool {
    let needle = format!("var.{name}");
    text.match_indices(&needle).any(|(at, _)| {
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

/// `resource-destroyed` / `stateful-resource-destroyed` for every resource whose `count` or
/// `for_each` a changed variable default shrinks. `tree` is the tree the change starts from
/// (the module's untouched files are the same in it as after the change).
#[must_use]
pub fn facts(
    contents: &[FileContents<'_>],
    repo: Option<&Repository>,
    tree: Option<Oid>,
    tables: &Tables,
    parser: Parser<'_>,
) -> Vec<Fact> {
    // A default can only change in a file that declares a variable; a change that touches none
    // (most do not) parses nothing here.
    let declares = |bytes: Option<&[u8]>| {
        bytes.is_some_and(|bytes| {
            bytes
                .split(|&b| b == b'\n')
                .any(|line| line.trim_ascii_start().starts_with(b"variable"))
        })
    };
    let may_change_a_default = contents.iter().any(|content| {
        content.file.new_path.as_deref().is_some_and(is_terraform)
            && (declares(content.old.bytes()) || declares(content.new.bytes()))
    });
    if !may_change_a_default {
        return Vec::new();
    }
    let mut changed: BTreeMap<&str, BTreeMap<String, Flip>> = BTreeMap::new();
    let mut after: BTreeMap<&str, Vec<(String, Block)>> = BTreeMap::new();
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
        let (before, now) = (defaults(&old), defaults(&new));
        for (name, value) in &now {
            if let Some(was) = before.get(name).filter(|was| *was != value) {
                let line = new
                    .iter()
                    .find(|b| b.kind == "variable" && b.labels.first() == Some(name))
                    .map_or(1, |b| b.attr_entry("default").map_or(b.line, |a| a.line));
                changed.entry(directory(path)).or_default().insert(
                    name.clone(),
                    (was.clone(), value.clone(), path.to_string(), line),
                );
            }
        }
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
    let mut facts = Vec::new();
    for (dir, variables) in &changed {
        let mut module = after.remove(dir).unwrap_or_default();
        if let (Some(repo), Some(tree)) = (repo, tree) {
            module.extend(siblings((repo, tree), dir, &touched, parser));
        }
        facts.extend(flips(variables, &module, tables));
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expr(text: &str) -> Value {
        Value::Expr(text.to_string())
    }

    /// The shapes evaluated, with values before and after a default flip.
    #[test]
    fn shapes() {
        let list =
            |items: &[&str]| Value::List(items.iter().map(|s| Value::Str((*s).into())).collect());
        let count = |n: u64| Some(("x".to_string(), Instances::Count(n)));
        assert_eq!(
            evaluate(&expr("var.x ? 1 : 0"), "count", &Value::Bool(false)),
            count(0)
        );
        assert_eq!(
            evaluate(&expr("!var.x ? 1 : 0"), "count", &Value::Bool(false)),
            count(1)
        );
        assert_eq!(
            evaluate(&expr("var.x"), "count", &Value::Num("3".into())),
            count(3)
        );
        assert_eq!(
            evaluate(&expr("length(var.x)"), "count", &list(&["a", "b"])),
            count(2)
        );
        assert_eq!(
            evaluate(&expr("var.x"), "for_each", &list(&["a"])),
            Some(("x".into(), Instances::Keys(["a".to_string()].into())))
        );
        assert_eq!(
            evaluate(&expr("var.x * 2"), "count", &Value::Num("1".into())),
            None
        );
        assert!(mentions("var.x == 0 ? 0 : 1", "x"));
        assert!(!mentions("var.xy ? 1 : 0", "x"));
        assert!(!mentions("module.var.x", "x"));
        assert_eq!(
            evaluate(&expr("local.x ? 1 : 0"), "count", &Value::Bool(true)),
            None
        );
    }

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
                "on".to_string(),
                (
                    Value::Bool(was),
                    Value::Bool(now),
                    "variables.tf".to_string(),
                    3,
                ),
            )])
        };
        let found = flips(&flip(true, false), &module, Tables::builtin());
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].signal, Signal::ResourceDestroyed);
        assert!(
            found[0].message.contains("may drop to zero"),
            "{}",
            found[0].message
        );
        assert!(flips(&flip(false, true), &module, Tables::builtin()).is_empty());
    }
}
