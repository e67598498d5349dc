//! Plain SQL migrations, parsed with the configuration SQL grammar: which statements drop data,
//! write every row, or change the schema under running code.
//!
//! Reverse sections (dbmate `-- migrate:down`, goose `-- +goose Down`) are not read: they run
//! only on rollback. Templated SQL (Jinja, dbt) does not parse; the caller reads it line by line.

use std::sync::LazyLock;

use regex::Regex;
use tree_sitter::Node;

use super::{Finding, tautology};
use crate::analyze::lang::{config_for_path, parse_config};
use crate::signal::Signal;

/// Tools whose SQL files hold both directions, with the markers that open the forward and the
/// reverse section. Sources: dbmate README ("-- migrate:up" / "-- migrate:down"), goose docs
/// "SQL migrations" ("-- +goose Up" / "-- +goose Down"). Lower case; matched case-insensitively.
const SECTIONED: &[(&str, &str, &str)] = &[
    ("dbmate", "-- migrate:up", "-- migrate:down"),
    ("goose", "-- +goose up", "-- +goose down"),
];

/// Whether a file's tool reads section markers at all: Flyway (`V1__x.sql`) and Prisma
/// (`prisma/migrations/*/migration.sql`) run the whole file, whatever its comments say.
pub(super) fn markers_apply(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let flyway = name.starts_with('V') && name.contains("__");
    !flyway && !path.to_ascii_lowercase().contains("prisma/migrations/")
}

/// The tool whose format a file is in: the one whose forward marker comes first. A file is
/// only ever in one format, so another tool's markers are plain comments in it.
fn tool(source: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    source.lines().find_map(|line| {
        let lower = line.trim().to_ascii_lowercase();
        SECTIONED.iter().find(|(_, up, _)| lower.starts_with(up))
    })
}

/// Why a SQL file cannot be parsed, for the line-level fallback.
pub(super) fn unparsable_reason(source: &str) -> Option<&'static str> {
    if source.contains("{{") || source.contains("{%") {
        return Some("templated SQL (Jinja/dbt `{{ }}`/`{% %}`) does not parse; read line by line");
    }
    None
}

/// The 1-based lines that belong to reverse sections: only in a file of a sectioned tool's
/// format, and only after that tool's forward marker (a reverse marker before it would hide
/// statements the tool runs).
pub(super) fn reverse_lines(source: &str, markers: bool) -> Vec<bool> {
    let tool = tool(source).filter(|_| markers);
    let (mut reverse, mut opened) = (false, false);
    let mut lines = vec![false];
    for line in source.lines() {
        if let Some((_, up, down)) = tool {
            let lower = line.trim().to_ascii_lowercase();
            if lower.starts_with(up) {
                (reverse, opened) = (false, true);
            } else if opened && lower.starts_with(down) {
                reverse = true;
            }
        }
        lines.push(reverse);
    }
    lines
}

/// Findings in the forward part of `source`, with `line_offset` added to every line (for SQL
/// embedded in a framework migration). `markers`: whether section markers are read at all
/// (see [`markers_apply`]; SQL embedded in code has none). `Err` carries the reason the SQL
/// could not be parsed.
pub(super) fn findings(
    source: &str,
    line_offset: u32,
    markers: bool,
) -> Result<Vec<Finding>, String> {
    if let Some(reason) = unparsable_reason(source) {
        return Err(reason.to_string());
    }
    let language = config_for_path("migration.sql").ok_or("no SQL grammar registered")?;
    let tree = parse_config(language, source.as_bytes()).ok_or("the SQL parser gave up")?;
    let reverse = reverse_lines(source, markers);
    let mut out = Vec::new();
    let root = tree.root_node();
    let mut cursor = root.walk();
    for statement in root.named_children(&mut cursor) {
        if statement.kind() != "statement" || statement.has_error() {
            continue;
        }
        let row = statement.start_position().row;
        let line = u32::try_from(row + 1).unwrap_or(u32::MAX);
        if reverse.get(row + 1).copied().unwrap_or(false) {
            continue;
        }
        for (signal, subject, what) in classify(statement, source) {
            out.push(Finding {
                signal,
                subject,
                line: line.saturating_add(line_offset),
                what,
                key: normalise(&source[statement.byte_range()]),
            });
        }
    }
    if root.has_error() && out.is_empty() {
        return Err("the SQL does not parse with the grammar (dialect or syntax error)".into());
    }
    Ok(out)
}

/// Whitespace-collapsed, lower-case text: the identity of a statement across versions.
pub(super) fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase()
}

fn text<'s>(node: Node<'_>, source: &'s str) -> &'s str {
    &source[node.byte_range()]
}

fn child_of_kind<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).find(|c| c.kind() == kind)
}

fn children_of_kind<'t>(node: Node<'t>, kind: &str) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| c.kind() == kind)
        .collect()
}

/// (signal, subject, consequence) for one statement.
fn classify(statement: Node<'_>, source: &str) -> Vec<(Signal, String, String)> {
    let mut out = Vec::new();
    let name = |node: Option<Node<'_>>| {
        node.map_or_else(|| "?".to_string(), |n| text(n, source).to_string())
    };
    if child_of_kind(statement, "keyword_truncate").is_some() {
        for table in children_of_kind(statement, "object_reference") {
            out.push(drops(text(table, source), "TRUNCATE deletes every row"));
        }
    }
    if let (Some(_), Some(from)) = (
        child_of_kind(statement, "delete"),
        child_of_kind(statement, "from"),
    ) && let Some(how) = unbounded(child_of_kind(from, "where"), source)
    {
        let table = name(child_of_kind(from, "object_reference"));
        out.push((
            Signal::MigrationUnboundedWrite,
            table,
            format!("DELETE {how} deletes every row"),
        ));
    }
    let mut cursor = statement.walk();
    for node in statement.named_children(&mut cursor) {
        match node.kind() {
            "drop_table" => {
                for table in children_of_kind(node, "object_reference") {
                    out.push(drops(
                        text(table, source),
                        "DROP TABLE deletes the table and its rows",
                    ));
                }
            }
            "drop_schema" | "drop_database" => {
                let what = if node.kind() == "drop_schema" {
                    "schema"
                } else {
                    "database"
                };
                let target = child_of_kind(node, "identifier")
                    .or_else(|| child_of_kind(node, "object_reference"));
                out.push(drops(
                    &name(target),
                    &format!(
                        "DROP {} deletes every table in it",
                        what.to_ascii_uppercase()
                    ),
                ));
            }
            "drop_index" => {
                let index = child_of_kind(node, "identifier")
                    .or_else(|| child_of_kind(node, "object_reference"));
                out.push((
                    Signal::MigrationAltersSchema,
                    name(index),
                    "DROP INDEX: queries that used it slow down or lock".into(),
                ));
            }
            "update" => {
                let Some(how) = unbounded(child_of_kind(node, "where"), source) else {
                    continue;
                };
                let table = child_of_kind(node, "relation")
                    .and_then(|r| child_of_kind(r, "object_reference"))
                    .or_else(|| child_of_kind(node, "object_reference"));
                out.push((
                    Signal::MigrationUnboundedWrite,
                    name(table),
                    format!("UPDATE {how} rewrites every row"),
                ));
            }
            "alter_table" => alter_table(node, source, &mut out),
            _ => {}
        }
    }
    out
}

/// How a write is unbounded: no `WHERE`, or one that holds for every row; `None` when bounded.
fn unbounded(condition: Option<Node<'_>>, source: &str) -> Option<String> {
    let Some(condition) = condition else {
        return Some("without WHERE".to_string());
    };
    let text = text(condition, source).trim();
    // The node starts with the keyword itself.
    let predicate = text
        .get(5..)
        .filter(|_| text[..5].eq_ignore_ascii_case("where"))?;
    tautology::always_true(predicate).then(|| {
        let shown = normalise(predicate);
        format!("with WHERE {shown} (true for every row)")
    })
}

fn drops(subject: &str, what: &str) -> (Signal, String, String) {
    (
        Signal::MigrationDropsData,
        subject.to_string(),
        what.to_string(),
    )
}

/// The actions of one `ALTER TABLE`.
fn alter_table(node: Node<'_>, source: &str, out: &mut Vec<(Signal, String, String)>) {
    let table = child_of_kind(node, "object_reference").map_or("?", |t| text(t, source));
    let column = |action: Node<'_>| {
        child_of_kind(action, "identifier")
            .or_else(|| {
                child_of_kind(action, "column_definition")
                    .and_then(|d| child_of_kind(d, "identifier"))
            })
            .map_or_else(
                || table.to_string(),
                |c| format!("{table}.{}", text(c, source)),
            )
    };
    let mut cursor = node.walk();
    for action in node.named_children(&mut cursor) {
        match action.kind() {
            "drop_column" => out.push(drops(
                &column(action),
                "DROP COLUMN deletes the column's data",
            )),
            "alter_column" if child_of_kind(action, "keyword_type").is_some() => out.push((
                Signal::MigrationAltersSchema,
                column(action),
                "column type changes: rewrites the table and can break readers".into(),
            )),
            "modify_column" | "change_column" => out.push((
                Signal::MigrationAltersSchema,
                column(action),
                "column definition changes: rewrites the table and can break readers".into(),
            )),
            "rename_column" => out.push((
                Signal::MigrationAltersSchema,
                column(action),
                "column renamed: running code still uses the old name".into(),
            )),
            "rename_object" => out.push((
                Signal::MigrationAltersSchema,
                table.to_string(),
                "table renamed: running code still uses the old name".into(),
            )),
            _ => {}
        }
    }
}

/// Destructive statements recognised on single lines, for templated or unparsable SQL.
static LINE_LEVEL: LazyLock<Vec<(Regex, Signal, &'static str)>> = LazyLock::new(|| {
    [
        (
            r"(?i)\bdrop\s+(?:table|schema|database)\s+(?:if\s+exists\s+)?(\S+)",
            Signal::MigrationDropsData,
            "drops data (read line by line)",
        ),
        (
            r"(?i)\btruncate\s+(?:table\s+)?(\S+)",
            Signal::MigrationDropsData,
            "TRUNCATE deletes every row (read line by line)",
        ),
        (
            r"(?i)\balter\s+table\s+(\S+)\s+drop\s+(?:column\s+)?",
            Signal::MigrationDropsData,
            "drops a column (read line by line)",
        ),
        (
            r"(?i)\bdrop\s+index\s+(?:if\s+exists\s+)?(\S+)",
            Signal::MigrationAltersSchema,
            "drops an index (read line by line)",
        ),
    ]
    .into_iter()
    .map(|(pattern, signal, what)| {
        (
            Regex::new(pattern).expect("the line-level table holds valid patterns (tested)"),
            signal,
            what,
        )
    })
    .collect()
});

/// Findings on one line of text that could not be parsed.
pub(super) fn line_level(line_text: &str, line: u32) -> Vec<Finding> {
    LINE_LEVEL
        .iter()
        .filter_map(|(regex, signal, what)| {
            let captures = regex.captures(line_text)?;
            Some(Finding {
                signal: *signal,
                subject: captures.get(1).map_or("?", |m| m.as_str()).to_string(),
                line,
                what: (*what).to_string(),
                key: normalise(line_text),
            })
        })
        .collect()
}
