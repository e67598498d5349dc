//! Plain SQL migrations, parsed with the configuration SQL grammar: which statements drop data,
//! write every row, or change the schema under running code.
//!
//! Reverse sections (dbmate `-- migrate:down`, goose `-- +goose Down`) are not read: they run
//! only on rollback. Statements inside transaction blocks and `DO` blocks are read; templated
//! SQL (Go templates, Jinja, dbt) is read with its template tags masked.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use tree_sitter::{Node, Parser};

use super::{DestructiveStatement, locks, plpgsql, split, tautology, template};
use crate::analyze::lang::config_for_path;
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

/// What reading one SQL text found.
#[derive(Debug, Default)]
pub(super) struct Read {
    pub(super) found: Vec<DestructiveStatement>,
    /// Lines of statements the grammar could not parse, read whole by pattern instead.
    pub(super) unparsed: Vec<u32>,
}

/// Findings in the forward part of `source`, with `line_offset` added to every line (for SQL
/// embedded in a framework migration). `path`: the migration file, for section markers (see
/// [`markers_apply`]) and the dialect; `None` for SQL embedded in code. Template expressions
/// are masked first ([`template`]), then the text is split into statements ([`split`]) and each
/// statement is parsed on its own. `Err` carries the reason the statements could not be told
/// apart (an unterminated string): the caller then reads the added lines.
pub(super) fn findings(source: &str, line_offset: u32, path: Option<&str>) -> Result<Read, String> {
    let masked = template::mask(source);
    let dialect = locks::dialect(path, &masked);
    let split = split::split(&masked, dialect.backslash_escapes()).map_err(|e| e.to_string())?;
    let language = config_for_path("migration.sql").ok_or("no SQL grammar registered")?;
    let mut parser = Parser::new();
    parser
        .set_language(&(language.grammar)())
        .map_err(|e| e.to_string())?;
    let reverse = reverse_lines(source, path.is_some_and(markers_apply));
    let mut reader = Reader {
        source,
        masked: &masked,
        dialect,
        parser,
        line_offset,
        newlines: memchr::memchr_iter(b'\n', masked.as_bytes()).collect(),
        created: Vec::new(),
        read: Read::default(),
    };
    for range in split.statements {
        let row = reader.row(range.start);
        if reverse.get(row + 1).copied().unwrap_or(false) {
            continue;
        }
        let code = &split.code[range.clone()];
        reader.statement(range, code);
    }
    Ok(reader.read)
}

/// Reads the statements of one text.
struct Reader<'s> {
    source: &'s str,
    /// `source` with template tags masked: same length, what is parsed.
    masked: &'s str,
    dialect: locks::SqlDialect,
    parser: Parser,
    line_offset: u32,
    /// Byte offsets of the newlines of `masked`, for line numbers in one search.
    newlines: Vec<usize>,
    /// Tables created so far in this text (their locks are instant).
    created: Vec<String>,
    read: Read,
}

impl<'s> Reader<'s> {
    /// 0-based row of a byte offset.
    fn row(&self, at: usize) -> usize {
        self.newlines.partition_point(|n| *n < at)
    }

    fn line(&self, at: usize) -> u32 {
        u32::try_from(self.row(at) + 1)
            .unwrap_or(u32::MAX)
            .saturating_add(self.line_offset)
    }

    /// The original text of a range, else its masked text (a range ending inside a masked
    /// template tag that spans lines).
    fn original(&self, range: Range<usize>) -> &'s str {
        let (source, masked) = (self.source, self.masked);
        source.get(range.clone()).unwrap_or(&masked[range])
    }

    /// One statement of the text at `range`, with its code.
    fn statement(&mut self, range: Range<usize>, code: &str) {
        if plpgsql::is_transaction_control(code) {
            return;
        }
        if let Some(body) = plpgsql::do_body(code) {
            self.do_block(range.start + body.start..range.start + body.end);
            return;
        }
        self.sql(range, code);
    }

    /// The statements of a `DO` block's body.
    fn do_block(&mut self, body: Range<usize>) {
        let masked: &'s str = self.masked;
        let Ok(split) = split::split(&masked[body.clone()], false) else {
            self.read.unparsed.push(self.line(body.start));
            return;
        };
        for inner in split.statements {
            let code = &split.code[inner.clone()];
            let at = body.start + inner.start..body.start + inner.end;
            match plpgsql::body_statement(code, &masked[at.clone()]) {
                plpgsql::Body::Sql(skip) => self.sql(at.start + skip..at.end, &code[skip..]),
                plpgsql::Body::Execute(sql) => {
                    let offset = self.line(at.start) - 1;
                    match findings(&sql, offset, None) {
                        Ok(read) => {
                            self.read.found.extend(read.found);
                            self.read.unparsed.extend(read.unparsed);
                        }
                        Err(_) => self.read.unparsed.push(offset + 1),
                    }
                }
                // Fail closed: a statement that cannot be read is judged as the worst a
                // migration statement does.
                plpgsql::Body::Dynamic(skip) => self.read.found.push(DestructiveStatement {
                    signal: Signal::MigrationDropsData,
                    subject: "dynamic SQL".to_string(),
                    line: self.line(at.start + skip),
                    what: "EXECUTE runs a statement built at run time; what it does cannot be read, so it is judged as a drop".to_string(),
                    key: normalise(self.original(at)),
                }),
                plpgsql::Body::Other => {}
            }
        }
    }

    /// One SQL statement: its locks (by pattern on its code), then what the grammar reads in
    /// it, or the statement-level patterns when the grammar cannot parse it.
    fn sql(&mut self, range: Range<usize>, code: &str) {
        let line = self.line(range.start);
        let original = self.original(range.clone());
        let key = normalise(original);
        let mut out = Vec::new();
        for lock in locks::locks(code, self.dialect, &self.created) {
            let part = |r: Range<usize>| original.get(r.clone()).unwrap_or(&code[r]).to_string();
            let subject = match lock.column {
                Some(column) => format!("{}.{}", part(lock.table), part(column)),
                None => part(lock.table),
            };
            out.push((Signal::MigrationLocksTable, subject, lock.what));
        }
        self.created.extend(locks::created_table(code));
        let masked: &'s str = self.masked;
        let tree = self.parser.parse(&masked[range.clone()], None);
        match tree {
            Some(tree) if !tree.root_node().has_error() => {
                let root = tree.root_node();
                let mut cursor = root.walk();
                for statement in root.named_children(&mut cursor) {
                    if statement.kind() == "statement" {
                        out.extend(classify(statement, original));
                    }
                }
            }
            // A routine the grammar does not know (MySQL procedure bodies) changes nothing now.
            _ if split::is_routine(code) => {}
            _ => {
                self.read.unparsed.push(line);
                let mut whole = original.split_whitespace().collect::<Vec<_>>().join(" ");
                whole.push(';');
                out.extend(pattern_level(&whole, line).into_iter().map(|f| {
                    (
                        f.signal,
                        f.subject,
                        f.what.replace("line by line", "by pattern"),
                    )
                }));
            }
        }
        self.read
            .found
            .extend(
                out.into_iter()
                    .map(|(signal, subject, what)| DestructiveStatement {
                        signal,
                        subject,
                        line,
                        what,
                        key: key.clone(),
                    }),
            );
    }
}

/// Whitespace-collapsed, lower-case text: the identity of a statement across versions.
pub(super) fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase()
}

/// A node's text; `?` when the node ends inside a masked template tag that spans lines.
fn text<'s>(node: Node<'_>, source: &'s str) -> &'s str {
    source.get(node.byte_range()).unwrap_or("?")
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
            // A data-modifying CTE (`WITH gone AS (DELETE FROM t …) SELECT …`) runs its
            // statement whether or not the outer query reads it (PostgreSQL docs "WITH
            // Queries", 7.8.4).
            "cte" => {
                if let Some(inner) = child_of_kind(node, "statement") {
                    out.extend(classify(inner, source));
                }
            }
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

/// One statement shape recognised by pattern, for templated or unparsable SQL.
struct Pattern {
    /// Group 1 is the subject; group 2, when present, is the text that `bounded` reads.
    regex: Regex,
    signal: Signal,
    what: &'static str,
    /// A match whose group 2 holds this is bounded (a `WHERE`): no finding.
    bounded: Option<Regex>,
}

/// (pattern, signal, consequence, bounded-by, source). Each pattern reads one line, or one
/// whole statement with its whitespace collapsed and its `;` restored.
const PATTERNS: &[(&str, Signal, &str, Option<&str>, &str)] = &[
    (
        r"(?i)\bdrop\s+(?:table|schema|database)\s+(?:if\s+exists\s+)?([^\s;]+)",
        Signal::MigrationDropsData,
        "drops data (read line by line)",
        None,
        "https://www.postgresql.org/docs/current/sql-droptable.html",
    ),
    (
        r"(?i)\btruncate\s+(?:table\s+)?([^\s;]+)",
        Signal::MigrationDropsData,
        "TRUNCATE deletes every row (read line by line)",
        None,
        "https://www.postgresql.org/docs/current/sql-truncate.html",
    ),
    (
        r"(?i)\balter\s+table\s+([^\s;]+)\s+drop\s+(?:column\s+)?",
        Signal::MigrationDropsData,
        "drops a column (read line by line)",
        None,
        "https://www.postgresql.org/docs/current/sql-altertable.html",
    ),
    (
        r"(?i)\bdrop\s+index\s+(?:if\s+exists\s+)?([^\s;]+)",
        Signal::MigrationAltersSchema,
        "drops an index (read line by line)",
        None,
        "https://www.postgresql.org/docs/current/sql-dropindex.html",
    ),
    // Drops every object the role owns in the database, tables and their rows included.
    (
        r"(?i)\bdrop\s+owned\s+by\s+([^\s;,]+)",
        Signal::MigrationDropsData,
        "DROP OWNED BY drops every table the role owns (read line by line)",
        None,
        "https://www.postgresql.org/docs/current/sql-drop-owned.html",
    ),
    // A whole DELETE up to its `;` (the grammar cannot parse `USING` or an alias without AS):
    // without WHERE it deletes every row, whatever it joins.
    (
        r"(?i)\bdelete\s+from\s+(?:only\s+)?([^\s;]+)([^;]*);",
        Signal::MigrationUnboundedWrite,
        "DELETE without WHERE deletes every row (read line by line)",
        Some(r"(?i)\bwhere\b"),
        "https://www.postgresql.org/docs/current/sql-delete.html",
    ),
];

/// [`PATTERNS`], compiled.
static LINE_LEVEL: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    PATTERNS
        .iter()
        .map(|(pattern, signal, what, bounded, _source)| Pattern {
            regex: Regex::new(pattern).expect("the pattern table holds valid patterns (tested)"),
            signal: *signal,
            what,
            bounded: bounded
                .map(|b| Regex::new(b).expect("the pattern table holds valid patterns (tested)")),
        })
        .collect()
});

/// Findings on one line of text that could not be parsed.
pub(super) fn line_level(line_text: &str, line: u32) -> Vec<DestructiveStatement> {
    pattern_level(line_text, line)
}

/// Findings in one line or one whole statement (whitespace collapsed) by pattern.
fn pattern_level(line_text: &str, line: u32) -> Vec<DestructiveStatement> {
    let mut found = Vec::new();
    for pattern in LINE_LEVEL.iter() {
        for captures in pattern.regex.captures_iter(line_text) {
            let bounded = pattern.bounded.as_ref().is_some_and(|b| {
                captures
                    .get(2)
                    .is_some_and(|rest| b.is_match(rest.as_str()))
            });
            if bounded {
                continue;
            }
            found.push(DestructiveStatement {
                signal: pattern.signal,
                subject: captures.get(1).map_or("?", |m| m.as_str()).to_string(),
                line,
                what: pattern.what.to_string(),
                key: normalise(line_text),
            });
        }
    }
    found
}
