//! Lifecycle rules over one module's old and new blocks: what `terraform apply` would destroy
//! or recreate (removed blocks, renames without `moved`, `count`/`for_each` re-keying,
//! replacement-forcing attributes) and which destroy protections the change weakens.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::model::{Block, Value};
use super::replacement::Tables;
use super::{Entry, Module, files, finding, protection};
use crate::analyze::Fact;
use crate::signal::Signal;

/// Addressable top-level blocks of one side, by address. Unless the module's override files
/// are merged, their blocks are not resources of their own: `merged.rs` judges them.
fn by_address(entries: &[Entry], merged: bool) -> HashMap<String, &Entry> {
    entries
        .iter()
        .filter(|entry| merged || !files::is_override(&entry.file))
        .filter_map(|entry| Some((entry.block.address()?, entry)))
        .collect()
}

/// `moved { from = X, to = Y }` pairs and addresses a `removed { lifecycle { destroy = false } }`
/// block forgets without destroying, from the module's new files.
fn moves_and_forgets(entries: &[Entry]) -> (HashMap<String, String>, HashSet<String>) {
    let mut moves = HashMap::new();
    let mut forgets = HashSet::new();
    let address = |block: &Block, name: &str| match block.attr(name) {
        Some(Value::Expr(text) | Value::Str(text)) => Some(text.replace(' ', "")),
        _ => None,
    };
    for entry in entries {
        let block = &entry.block;
        match block.kind.as_str() {
            "moved" => {
                if let (Some(from), Some(to)) = (address(block, "from"), address(block, "to")) {
                    moves.insert(from, to);
                }
            }
            "removed" => {
                let keeps = block
                    .children("lifecycle")
                    .any(|l| l.attr("destroy").is_some_and(Value::is_false));
                if let (Some(from), true) = (address(block, "from"), keeps) {
                    forgets.insert(from);
                }
            }
            _ => {}
        }
    }
    (moves, forgets)
}

/// The resource type of an address's block, or `module` for modules.
pub(super) fn type_of(block: &Block) -> &str {
    match block.kind.as_str() {
        "module" => "module",
        _ => block.labels.first().map_or("", String::as_str),
    }
}

/// ` (a database)` for stateful types.
fn kind_note(tables: &Tables, block: &Block) -> String {
    if block.kind != "resource" {
        return String::new();
    }
    tables
        .stateful_kind(type_of(block))
        .map_or_else(String::new, |kind| format!(" ({kind})"))
}

/// The destroy and replace signals for a block (stateful or not) and the loss clause.
fn signals(tables: &Tables, block: &Block) -> (Signal, Signal, &'static str) {
    let stateful = block.kind == "resource" && tables.stateful_kind(type_of(block)).is_some();
    if stateful {
        (
            Signal::StatefulResourceDestroyed,
            Signal::StatefulResourceReplaced,
            ": data loss unless snapshotted",
        )
    } else {
        (Signal::ResourceDestroyed, Signal::ResourceReplaced, "")
    }
}

/// Destroyed and renamed blocks, then changes to blocks present on both sides.
pub fn lifecycle(module: &Module, tables: &Tables) -> Vec<Fact> {
    let old = by_address(&module.old, module.merged);
    let new = by_address(&module.new, module.merged);
    let (moves, forgets) = moves_and_forgets(&module.new);
    let move_targets: HashSet<&String> = moves.values().collect();
    let mut facts = Vec::new();
    let mut pairs: Vec<(&Entry, &Entry)> = Vec::new();
    let mut renamed_to: HashSet<String> = HashSet::new();

    let mut removed: Vec<(&String, &&Entry)> =
        old.iter().filter(|(a, _)| !new.contains_key(*a)).collect();
    removed.sort_by_key(|(_, e)| (e.file.clone(), e.block.line));
    let mut added: Vec<(&String, &&Entry)> = new
        .iter()
        .filter(|(a, _)| !old.contains_key(*a) && !move_targets.contains(a))
        .collect();
    added.sort_by_key(|(_, e)| (e.file.clone(), e.block.line));

    for (address, entry) in removed {
        if forgets.contains(address) || module.unparsed_new.contains(address) {
            continue;
        }
        if let Some(target) = moves.get(address) {
            if let Some(to) = new.get(target) {
                pairs.push((entry, to));
            }
            continue;
        }
        let block = &entry.block;
        let (destroyed, replaced, loss) = signals(tables, block);
        let note = kind_note(tables, block);
        // The new block of the same type that keeps most of the old one's arguments is the
        // likeliest rename; ties go to the first in file order.
        let rename = added
            .iter()
            .filter(|(a, e)| {
                !renamed_to.contains(*a)
                    && e.block.kind == block.kind
                    && type_of(&e.block) == type_of(block)
            })
            .rev()
            .max_by_key(|(_, e)| {
                block
                    .attrs
                    .iter()
                    .filter(|attr| e.block.attr(&attr.name) == Some(&attr.value))
                    .count()
            });
        match (rename, block.kind.as_str()) {
            // A renamed data source is read again under its new name: nothing is destroyed.
            (Some((to, _)), "data") => {
                renamed_to.insert((*to).clone());
            }
            (Some((to, to_entry)), kind) => {
                renamed_to.insert((*to).clone());
                let message = if kind == "module" {
                    format!(
                        "destroys every resource in {address} and creates them again under {to}; add a moved block to rename it"
                    )
                } else {
                    format!(
                        "destroys {address}{note} and creates {to}{loss}; add a moved block to rename it"
                    )
                };
                facts.push(finding(
                    replaced,
                    &to_entry.file,
                    to_entry.block.line,
                    address,
                    message,
                ));
            }
            (None, kind) => {
                let message = match kind {
                    "module" => format!("destroys {address} and every resource in it"),
                    "data" => format!("removes {address}; anything that reads it stops resolving"),
                    _ => format!("destroys {address}{note}{loss}"),
                };
                let message = why_gone(module, &entry.file, message);
                facts.push(finding(
                    destroyed,
                    &entry.file,
                    block.line,
                    address,
                    message,
                ));
            }
        }
    }
    for (address, entry) in &old {
        if let Some(to) = new.get(address) {
            pairs.push((entry, to));
        }
    }
    pairs.sort_by_key(|(_, to)| (to.file.clone(), to.block.line));
    for (before, after) in pairs {
        facts.extend(
            emptied(tables, before, after).or_else(|| rekeyed(tables, &moves, before, after)),
        );
        facts.extend(forced(tables, before, after));
        facts.extend(triggered(tables, before, after));
        facts.extend(protection::weakened(before, after));
    }
    facts
}

/// A removal's message, saying so when the block's file was renamed to a name Terraform does
/// not load (the block itself is unchanged, so the reader would not see why it is gone).
fn why_gone(module: &Module, file: &str, message: String) -> String {
    match module.renamed_away.get(file) {
        Some(to) => format!("{file} renamed to {to}, a name Terraform does not load: {message}"),
        None => message,
    }
}

/// Literal `for_each` keys: a set (list of strings) or a map's keys.
fn keys(value: &Value) -> Option<BTreeSet<String>> {
    match value {
        Value::List(items) => items.iter().map(|v| v.as_str().map(String::from)).collect(),
        Value::Map(entries) => Some(entries.iter().map(|(k, _)| k.clone()).collect()),
        _ => None,
    }
}

/// `count` ↔ `for_each` switches and `for_each` key changes: re-keyed instances are destroyed.
/// Instances re-keyed by `moved` blocks (`from = X[0]`, `to = X["a"]`) are not destroyed.
fn rekeyed(
    tables: &Tables,
    moves: &HashMap<String, String>,
    before: &Entry,
    after: &Entry,
) -> Option<Fact> {
    let (old, new) = (&before.block, &after.block);
    if old.kind != "resource" && old.kind != "module" {
        return None;
    }
    let address = old.address()?;
    let (_, replaced, loss) = signals(tables, old);
    let note = kind_note(tables, old);
    let line = |name: &str| new.attr_entry(name).map_or(new.line, |a| a.line);
    let switch = match (
        old.attr("count"),
        old.attr("for_each"),
        new.attr("count"),
        new.attr("for_each"),
    ) {
        (Some(_), None, None, Some(_)) => Some(("count", "for_each")),
        (None, Some(_), Some(_), None) => Some(("for_each", "count")),
        // count ↔ no count is an implied move (X ↔ X[0]); for_each has no such move.
        (None, None, None, Some(_)) => Some(("a single instance", "for_each")),
        (None, Some(_), None, None) => Some(("for_each", "a single instance")),
        _ => None,
    };
    let moved_instance = |key: &str| moves.contains_key(&format!("{address}[{key}]"));
    let any_moved = moves
        .keys()
        .any(|from| from.starts_with(&format!("{address}[")))
        || moves.contains_key(&address);
    if let Some((from, to)) = switch.filter(|_| !any_moved) {
        let message = format!(
            "switching {address}{note} from {from} to {to} re-keys its instances: each is destroyed and created again{loss}"
        );
        return Some(finding(replaced, &after.file, line(to), &address, message));
    }
    if let (Some(Value::Num(before)), Some(Value::Num(now))) =
        (old.attr("count"), new.attr("count"))
    {
        let (Ok(before), Ok(now)) = (before.parse::<u64>(), now.parse::<u64>()) else {
            return None;
        };
        if now >= before {
            return None;
        }
        let (destroyed, _, _) = signals(tables, old);
        let gone = if before - now == 1 {
            format!("{address}[{now}]")
        } else {
            format!("{address}[{now}] to [{}]", before - 1)
        };
        let message =
            format!("count of {address}{note} drops from {before} to {now}: destroys {gone}{loss}");
        return Some(finding(
            destroyed,
            &after.file,
            line("count"),
            &address,
            message,
        ));
    }
    let (Some(old_keys), Some(new_keys)) = (old.attr("for_each"), new.attr("for_each")) else {
        return None;
    };
    if old_keys == new_keys {
        return None;
    }
    match (keys(old_keys), keys(new_keys)) {
        (Some(old_keys), Some(new_keys)) => {
            let gone: Vec<&String> = old_keys
                .difference(&new_keys)
                .filter(|key| !moved_instance(&format!("\"{key}\"")))
                .collect();
            if gone.is_empty() {
                return None;
            }
            let gone = gone
                .iter()
                .map(|k| format!("\"{k}\""))
                .collect::<Vec<_>>()
                .join(", ");
            let message = format!(
                "for_each of {address}{note} no longer has {gone}: those instances are destroyed{loss}"
            );
            Some(finding(
                replaced,
                &after.file,
                line("for_each"),
                &address,
                message,
            ))
        }
        // Not visible statically: say what may happen, at the lower (non-stateful) signal so
        // an unknown does not block on its own.
        _ => Some(finding(
            Signal::ResourceReplaced,
            &after.file,
            line("for_each"),
            &address,
            format!(
                "for_each of {address}{note} changed from {} to {}: instances may re-key and be destroyed",
                old_keys.show(),
                new_keys.show()
            ),
        )),
    }
}

/// Whether a `count`/`for_each` value is literally nothing: `0`, `[]`, `{}`, `toset([])`.
pub(super) fn is_none(meta: &str, value: &Value) -> bool {
    match (meta, value) {
        ("count", Value::Num(n)) => n.parse::<f64>().is_ok_and(|n| n == 0.0),
        ("for_each", Value::List(items)) => items.is_empty(),
        ("for_each", Value::Map(entries)) => entries.is_empty(),
        _ => false,
    }
}

/// `count = 0` or an empty `for_each` where there were instances (no meta-argument, another
/// value, an expression): `apply` destroys every instance, though the block is still there.
/// Terraform docs, "The `count` Meta-Argument" and "The `for_each` Meta-Argument": instances are
/// created and destroyed to match the value; `fixtures/infra/terraform/oracle/` holds the
/// plans Terraform makes for these.
fn emptied(tables: &Tables, before: &Entry, after: &Entry) -> Option<Fact> {
    let (old, new) = (&before.block, &after.block);
    if old.kind != "resource" && old.kind != "module" {
        return None;
    }
    let (meta, value) = ["count", "for_each"]
        .into_iter()
        .find_map(|meta| Some((meta, new.attr_entry(meta)?)))
        .filter(|(meta, attr)| is_none(meta, &attr.value))?;
    let was_none = ["count", "for_each"]
        .into_iter()
        .any(|meta| old.attr(meta).is_some_and(|v| is_none(meta, v)));
    if was_none {
        return None;
    }
    let address = old.address()?;
    let (destroyed, _, loss) = signals(tables, old);
    let note = kind_note(tables, old);
    let what = if old.kind == "module" {
        format!("destroys every resource in {address}")
    } else {
        format!("destroys every instance of {address}{note}{loss}")
    };
    let message = format!("{meta} = {} {what}", value.value.show());
    Some(finding(
        destroyed,
        &after.file,
        value.line,
        &address,
        message,
    ))
}

/// Whether a block holds an expression anywhere (its value is not known statically).
fn has_expr(block: &Block) -> bool {
    block
        .attrs
        .iter()
        .any(|a| matches!(a.value, Value::Expr(_)))
        || block.blocks.iter().any(has_expr)
}

/// The nested blocks of type `name`, each as its arguments and blocks without line numbers
/// (moving a block is no change).
fn nested(block: &Block, name: &str) -> Vec<String> {
    fn shape(block: &Block) -> String {
        let attrs: Vec<String> = block
            .attrs
            .iter()
            .map(|a| format!("{}={:?}", a.name, a.value))
            .collect();
        let blocks: Vec<String> = block.blocks.iter().map(shape).collect();
        format!(
            "{}{:?}{{{}|{}}}",
            block.kind,
            block.labels,
            attrs.join(","),
            blocks.join(",")
        )
    }
    let mut shapes: Vec<String> = block.children(name).map(shape).collect();
    // Set-typed blocks: order does not matter.
    shapes.sort();
    shapes
}

/// `lifecycle { replace_triggered_by = [...] }` given new references: `apply` replaces the
/// resource whenever one of them changes (Terraform docs, "The lifecycle Meta-Argument").
fn triggered(tables: &Tables, before: &Entry, after: &Entry) -> Option<Fact> {
    let (old, new) = (&before.block, &after.block);
    if old.kind != "resource" {
        return None;
    }
    let triggers = |block: &Block| -> Vec<String> {
        match block
            .children("lifecycle")
            .find_map(|l| l.attr("replace_triggered_by"))
        {
            Some(Value::List(items)) => items.iter().map(Value::show).collect(),
            Some(other) => vec![other.show()],
            None => Vec::new(),
        }
    };
    let was = triggers(old);
    let added: Vec<String> = triggers(new)
        .into_iter()
        .filter(|t| !was.contains(t))
        .collect();
    if added.is_empty() {
        return None;
    }
    let address = old.address()?;
    let (_, replaced, loss) = signals(tables, new);
    let note = kind_note(tables, new);
    let line = new
        .children("lifecycle")
        .find_map(|l| l.attr_entry("replace_triggered_by"))
        .map_or(new.line, |a| a.line);
    Some(finding(
        replaced,
        &after.file,
        line,
        &address,
        format!(
            "replace_triggered_by {} added: apply destroys {address}{note} and creates a new one whenever that changes{loss}",
            added.join(", ")
        ),
    ))
}

/// Replacement-forcing attributes that changed.
fn forced(tables: &Tables, before: &Entry, after: &Entry) -> Option<Fact> {
    let (old, new) = (&before.block, &after.block);
    if old.kind != "resource" || type_of(old) != type_of(new) {
        return None;
    }
    // A row's name is an argument or a nested block type (`local_secondary_index`).
    let changed: Vec<&String> = tables
        .force_new(type_of(new))
        .iter()
        .filter(|name| old.attr(name) != new.attr(name) || nested(old, name) != nested(new, name))
        .collect();
    // Certain only when both sides are literals. An expression may evaluate to the same value
    // (`"prod-db"` → `local.db_name`), and dropping an optional+computed argument keeps the
    // value in state: those may replace, and are reported at the lower signal.
    let literal = |value: Option<&Value>| value.is_some_and(|v| !matches!(v, Value::Expr(_)));
    let literal_blocks = |block: &Block, name: &str| {
        block.children(name).next().is_some() && !block.children(name).any(has_expr)
    };
    let certain: Vec<&&String> = changed
        .iter()
        .filter(|name| {
            (literal(old.attr(name)) && literal(new.attr(name)))
                || (literal_blocks(old, name) && literal_blocks(new, name))
        })
        .collect();
    let first = certain.first().copied().or(changed.first())?;
    let address = old.address()?;
    // An argument newer providers rename in place (an RDS instance's identifier), changed
    // alone: a replacement only with an older provider.
    let since = changed
        .iter()
        .map(|name| super::replacement::in_place_since(type_of(new), name))
        .collect::<Option<Vec<_>>>()
        .and_then(|since| since.first().copied());
    let (_, replaced, loss) = signals(tables, new);
    let note = kind_note(tables, new);
    let what = match (old.attr(first), new.attr(first)) {
        (Some(from), Some(to)) => format!("{first} from {} to {}", from.show(), to.show()),
        (None, Some(to)) => format!("{first} (set to {})", to.show()),
        (Some(from), None) => format!("{first} (was {})", from.show()),
        (None, None) => (*first).clone(),
    };
    let more = if changed.len() > 1 {
        format!(" and {} more", changed.len() - 1)
    } else {
        String::new()
    };
    let line = new.attr_entry(first).map_or(new.line, |a| a.line);
    let (signal, message) = if let Some(since) = since {
        (
            Signal::ResourceReplaced,
            format!(
                "changing {what}{more} updates {address}{note} in place from {since} (a reboot and a new endpoint), but forces replacement with an older provider{loss}"
            ),
        )
    } else if certain.is_empty() {
        (
            Signal::ResourceReplaced,
            format!(
                "changing {what}{more} may force replacement of {address}{note} if the value differs"
            ),
        )
    } else {
        (
            replaced,
            format!(
                "changing {what}{more} forces replacement: destroys {address}{note} and creates a new one{loss}"
            ),
        )
    };
    Some(finding(signal, &after.file, line, &address, message))
}
