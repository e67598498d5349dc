//! Liquibase changelogs (XML or YAML), read line by line: the change types are plain tags or
//! keys, and a changelog mixes many change sets with their `rollback` blocks.

use std::sync::LazyLock;

use regex::Regex;

use super::{DestructiveStatement, sql};
use crate::signal::Signal;

/// Liquibase change types that drop data or change the schema, from the Liquibase docs
/// "Change Types" (`dropTable`, `dropColumn`, `renameColumn`, `renameTable`,
/// `modifyDataType`, `dropIndex`; and the locking ones, [`LOCKING`]).
static LIQUIBASE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(dropTable|dropColumn|renameColumn|renameTable|modifyDataType|dropIndex|createIndex|addForeignKeyConstraint|addNotNullConstraint|addUniqueConstraint)\b")
        .expect("valid pattern (tested)")
});
/// Change types that compile to a table-locking statement (Liquibase docs "Change Types"; the
/// `validate: false` attribute adds the constraint `NOT VALID`), with the lock row they hit.
const LOCKING: &[(&str, &str)] = &[
    ("createIndex", "CREATE INDEX without CONCURRENTLY"),
    ("addForeignKeyConstraint", "foreign key without NOT VALID"),
    ("addNotNullConstraint", "SET NOT NULL"),
    (
        "addUniqueConstraint",
        "UNIQUE or PRIMARY KEY constraint built in place",
    ),
];
static NOT_VALIDATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"validate\s*[:=]\s*["']?false"#).expect("valid pattern (tested)")
});
static TABLE_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"tableName\s*[:=]\s*["']?([\w.]+)"#).expect("valid pattern (tested)")
});

/// Line-level findings in a Liquibase changelog, outside `rollback` blocks.
pub(super) fn findings(source: &str) -> Vec<DestructiveStatement> {
    let lines: Vec<&str> = source.lines().collect();
    let mut out = Vec::new();
    let mut xml_rollback = false;
    let mut yaml_rollback: Option<usize> = None;
    for (i, text) in lines.iter().enumerate() {
        let indent = text.len() - text.trim_start().len();
        if yaml_rollback.is_some_and(|at| indent <= at && !text.trim().is_empty()) {
            yaml_rollback = None;
        }
        if text.contains("<rollback") {
            xml_rollback = true;
        }
        if text
            .trim_start()
            .trim_start_matches("- ")
            .starts_with("rollback:")
        {
            yaml_rollback = Some(indent);
        }
        if !xml_rollback && yaml_rollback.is_none() {
            out.extend(line(&lines, i));
        }
        if text.contains("</rollback>") || text.contains("<rollback/>") {
            xml_rollback = false;
        }
    }
    out
}

pub(super) fn line(lines: &[&str], i: usize) -> Option<DestructiveStatement> {
    // A closing tag (`</createIndex>`) ends a change already counted at its opening.
    if lines[i].trim_start().starts_with("</") {
        return None;
    }
    let change = LIQUIBASE.captures(lines[i])?.get(1)?.as_str();
    // The table is on this line (XML attribute) or one of the next few (YAML keys).
    let nearby = &lines[i..lines.len().min(i + 6)];
    let table = nearby
        .iter()
        .find_map(|l| TABLE_NAME.captures(l).and_then(|c| c.get(1)))
        .map_or("?", |m| m.as_str());
    // This change's own lines: up to the next change (or its XML closing tag).
    let own = &nearby[..nearby
        .iter()
        .skip(1)
        .position(|l| LIQUIBASE.is_match(l))
        .map_or(nearby.len(), |n| n + 1)];
    let (signal, lock) = match LOCKING.iter().find(|(c, _)| *c == change) {
        Some(_) if own.iter().any(|l| NOT_VALIDATED.is_match(l)) => return None,
        Some((_, shape)) => (Signal::MigrationLocksTable, super::locks::describe(shape)),
        None if matches!(change, "dropTable" | "dropColumn") => (Signal::MigrationDropsData, None),
        None => (Signal::MigrationAltersSchema, None),
    };
    Some(DestructiveStatement {
        signal,
        subject: table.to_string(),
        line: u32::try_from(i + 1).unwrap_or(u32::MAX),
        what: match lock {
            Some(lock) => format!("Liquibase {change}: {lock} (read line by line)"),
            None => format!("Liquibase {change} (read line by line)"),
        },
        key: format!("{}|{table}", sql::normalise(lines[i])),
    })
}
