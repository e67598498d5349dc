//! Migrations that lock a table: statements that take a lock blocking writes (or reads) for as
//! long as they scan, validate or rewrite the table. On a large table that is an outage even
//! though nothing is dropped. One table, a row per statement shape and dialect, with the lock,
//! the safe alternative and the source.
//!
//! Rows match a statement's code (comments and string contents blanked, see
//! [`super::split`]), whole, whatever its line breaks. A table created earlier in the same
//! file is empty, so its locks are instant: rows on it do not fire (as squawk does).

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// SQL dialect of a migration, for the rows whose locks differ by engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SqlDialect {
    Postgres,
    MySql,
    Sqlite,
    /// Schema changes are online (CockroachDB docs, "Online Schema Changes"): no row applies.
    Cockroach,
}

impl SqlDialect {
    /// Whether `\` escapes a quote in every string literal (MySQL manual, "String Literals").
    pub(super) fn backslash_escapes(self) -> bool {
        self == Self::MySql
    }
}

/// What tells a dialect, first match wins; PostgreSQL (squawk's dialect) when nothing does.
/// Path words are the directory or file names projects use; content markers are syntax only
/// that engine accepts (each engine's reference manual).
const DIALECT_MARKERS: &[(SqlDialect, &str)] = &[
    (SqlDialect::Cockroach, r"(?i)cockroach|crdb"),
    (SqlDialect::Sqlite, r"(?i)sqlite"),
    (SqlDialect::MySql, r"(?i)mysql|mariadb"),
];
const CONTENT_MARKERS: &[(SqlDialect, &str)] = &[
    (
        SqlDialect::Cockroach,
        r"(?i)\bcrdb_internal\b|\binterleave\s+in\s+parent\b|\bstoring\s*\(|\bunique_rowid\s*\(|\bsql_safe_updates\b",
    ),
    (
        SqlDialect::Sqlite,
        r"(?i)\bautoincrement\b|\bpragma\s|\bwithout\s+rowid\b",
    ),
    (
        SqlDialect::MySql,
        r"(?im)`|\bengine\s*=|\bauto_increment\b|\bunsigned\b|\b(?:modify|change)\s+column\b|^\s*delimiter\s",
    ),
];

static DIALECTS: LazyLock<Vec<(bool, SqlDialect, Regex)>> = LazyLock::new(|| {
    let on = |from_path| {
        move |(dialect, pattern): &(SqlDialect, &str)| {
            let regex = Regex::new(pattern).expect("valid dialect markers (tested)");
            (from_path, *dialect, regex)
        }
    };
    DIALECT_MARKERS
        .iter()
        .map(on(true))
        .chain(CONTENT_MARKERS.iter().map(on(false)))
        .collect()
});

/// The dialect of a migration at `path` (if known) with `source`.
pub(super) fn dialect(path: Option<&str>, source: &str) -> SqlDialect {
    DIALECTS
        .iter()
        .find(|(from_path, _, regex)| match (from_path, path) {
            (true, Some(path)) => regex.is_match(path),
            (true, None) => false,
            (false, _) => regex.is_match(source),
        })
        .map_or(SqlDialect::Postgres, |(_, dialect, _)| *dialect)
}

/// One statement shape that locks a table.
struct Row {
    /// Short name of the shape, shown in the message.
    shape: &'static str,
    dialect: SqlDialect,
    /// Matches the statement's code; group `t` is the table, `c` the column if any.
    pattern: &'static str,
    /// The safe spelling of the same statement, when the statement uses it.
    unless: Option<&'static str>,
    lock: &'static str,
    alternative: &'static str,
    /// Documentation the lock and the alternative come from.
    #[allow(
        dead_code,
        reason = "the row's provenance, read by people and by the table test"
    )]
    source: &'static str,
}

/// `ALTER TABLE [IF EXISTS] [ONLY] <t>`, the head of most rows.
macro_rules! alter {
    ($rest:literal) => {
        concat!(
            r"(?is)^\s*alter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?(?P<t>[^\s,;(]+)",
            $rest
        )
    };
}

const PG_ALTER: &str = "https://www.postgresql.org/docs/current/sql-altertable.html";
const NOT_VALID: Option<&str> = Some(r"(?i)\bnot\s+valid\b");

const ROWS: &[Row] = &[
    Row {
        shape: "SET NOT NULL",
        dialect: SqlDialect::Postgres,
        pattern: alter!(r"\b.*?\balter\s+(?:column\s+)?(?P<c>[^\s,;]+)\s+set\s+not\s+null\b"),
        unless: None,
        lock: "ACCESS EXCLUSIVE (no reads or writes) while every row is scanned for nulls",
        alternative: "add CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT, then SET NOT NULL (PostgreSQL 12+ skips the scan)",
        source: "PostgreSQL docs, ALTER TABLE (SET NOT NULL); squawk adding-not-nullable-field",
    },
    Row {
        shape: "foreign key without NOT VALID",
        dialect: SqlDialect::Postgres,
        pattern: alter!(r"\b.*?\b(?:foreign\s+key|references)\b"),
        unless: NOT_VALID,
        lock: "SHARE ROW EXCLUSIVE on both tables (no writes) while every row is validated",
        alternative: "ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT in a separate transaction",
        source: PG_ALTER,
    },
    Row {
        shape: "CHECK constraint without NOT VALID",
        dialect: SqlDialect::Postgres,
        pattern: alter!(r"\b.*?\badd\b.*?\bcheck\s*\("),
        unless: NOT_VALID,
        lock: "ACCESS EXCLUSIVE (no reads or writes) while every row is checked",
        alternative: "ADD CONSTRAINT … CHECK (…) NOT VALID, then VALIDATE CONSTRAINT in a separate transaction",
        source: "PostgreSQL docs, ALTER TABLE (NOT VALID); squawk constraint-missing-not-valid",
    },
    Row {
        shape: "UNIQUE or PRIMARY KEY constraint built in place",
        dialect: SqlDialect::Postgres,
        pattern: alter!(r"\b.*?\badd\b.*?\b(?:unique|primary\s+key)\b"),
        unless: Some(r"(?i)\busing\s+index\b"),
        lock: "ACCESS EXCLUSIVE (no reads or writes) while the index is built",
        alternative: "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … USING INDEX",
        source: "PostgreSQL docs, ALTER TABLE (USING INDEX); squawk disallowed-unique-constraint",
    },
    Row {
        shape: "column type change",
        dialect: SqlDialect::Postgres,
        pattern: alter!(r"\b.*?\balter\s+(?:column\s+)?(?P<c>[^\s,;]+)\s+(?:set\s+data\s+)?type\b"),
        unless: None,
        lock: "ACCESS EXCLUSIVE (no reads or writes) while the table and its indexes are rewritten",
        alternative: "add a new column, backfill it in batches, move reads and writes, then drop the old one",
        source: "PostgreSQL docs, ALTER TABLE (SET DATA TYPE); squawk changing-column-type",
    },
    Row {
        shape: "column added with a volatile default",
        dialect: SqlDialect::Postgres,
        pattern: alter!(
            r"\b.*?\badd\s+(?:column\s+)?(?:if\s+not\s+exists\s+)?(?P<c>[^\s,;]+)\s[^,;]*?(?:\bdefault\s+\(?\s*(?:random|gen_random_uuid|uuid_generate_v[14]|clock_timestamp|timeofday|nextval)\s*\(|\b(?:small|big)?serial\b|\bgenerated\s+always\s+as\b[^,;]*\bstored\b)"
        ),
        unless: None,
        lock: "ACCESS EXCLUSIVE (no reads or writes) while every row is rewritten with its value",
        alternative: "add the column without a default (or a constant one), backfill in batches, then set the default",
        source: "PostgreSQL docs, ALTER TABLE notes (volatile DEFAULT rewrites); squawk adding-field-with-default",
    },
    Row {
        shape: "CREATE INDEX without CONCURRENTLY",
        dialect: SqlDialect::Postgres,
        pattern: r"(?is)^\s*create\s+(?:unique\s+)?index\b.*?\bon\s+(?:only\s+)?(?P<t>[^\s(;]+)",
        unless: Some(r"(?i)\bconcurrently\b"),
        lock: "SHARE (no writes) while the index is built",
        alternative: "CREATE INDEX CONCURRENTLY, outside a transaction block",
        source: "PostgreSQL docs, CREATE INDEX (Building Indexes Concurrently); squawk require-concurrent-index-creation",
    },
    Row {
        shape: "foreign key added",
        dialect: SqlDialect::MySql,
        pattern: alter!(r"\b.*?\b(?:foreign\s+key|references)\b"),
        unless: None,
        lock: "a table copy (ALGORITHM=COPY): writes wait until it finishes",
        alternative: "add it with foreign_key_checks disabled (in place), or with an online schema change tool (gh-ost, pt-online-schema-change)",
        source: "https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html (Foreign Key Operations)",
    },
    Row {
        shape: "MODIFY/CHANGE COLUMN",
        dialect: SqlDialect::MySql,
        pattern: alter!(r"\b.*?\b(?:modify|change)\s+(?:column\s+)?(?P<c>[^\s,;]+)"),
        unless: Some(r"(?i)\balgorithm\s*=\s*(?:inplace|instant)\b"),
        lock: "a table copy (ALGORITHM=COPY) when the type changes: writes wait until it finishes",
        alternative: "an online schema change tool (gh-ost, pt-online-schema-change), or a new column and a backfill",
        source: "https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html (Column Operations: changing the column data type)",
    },
];

struct Compiled {
    row: &'static Row,
    pattern: Regex,
    unless: Option<Regex>,
}

static COMPILED: LazyLock<Vec<Compiled>> = LazyLock::new(|| {
    ROWS.iter()
        .map(|row| Compiled {
            row,
            pattern: Regex::new(row.pattern).expect("valid lock patterns (tested)"),
            unless: row
                .unless
                .map(|p| Regex::new(p).expect("valid lock patterns (tested)")),
        })
        .collect()
});

static CREATE_TABLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)^\s*create\s+(?:(?:global|local)\s+)?(?:temp\w*\s+|unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?([^\s(;]+)")
        .expect("valid pattern (tested)")
});

/// A table name compared without quotes or case.
fn table_key(name: &str) -> String {
    name.replace(['"', '`'], "").to_ascii_lowercase()
}

/// The table a statement creates, if it creates one.
pub(super) fn created_table(code: &str) -> Option<String> {
    CREATE_TABLE.captures(code).map(|c| table_key(&c[1]))
}

/// One lock a statement takes: the subject's byte range in the statement (table, then
/// column) and the consequence.
pub(super) struct Lock {
    pub(super) table: Range<usize>,
    pub(super) column: Option<Range<usize>>,
    pub(super) what: String,
}

/// The PostgreSQL row named `shape`, as its message: for framework calls that compile to it.
pub(super) fn describe(shape: &str) -> Option<String> {
    ROWS.iter()
        .find(|row| row.shape == shape && row.dialect == SqlDialect::Postgres)
        .map(|row| format!("{} takes {}", row.shape, row.lock))
}

/// The locks one statement takes, given its code and the tables created before it.
pub(super) fn locks(code: &str, dialect: SqlDialect, created: &[String]) -> Vec<Lock> {
    COMPILED
        .iter()
        .filter(|c| c.row.dialect == dialect)
        .filter(|c| !c.unless.as_ref().is_some_and(|u| u.is_match(code)))
        .filter_map(|c| {
            let found = c.pattern.captures(code)?;
            let table = found.name("t")?;
            if created.contains(&table_key(table.as_str())) {
                return None;
            }
            Some(Lock {
                table: table.range(),
                column: found.name("c").map(|m| m.range()),
                what: format!(
                    "{} takes {}; safe alternative: {}",
                    c.row.shape, c.row.lock, c.row.alternative
                ),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row compiles and names its source.
    #[test]
    fn table_is_well_formed() {
        assert_eq!(COMPILED.len(), ROWS.len());
        assert!(ROWS.iter().all(|r| !r.source.is_empty()));
        assert_eq!(
            DIALECTS.len(),
            DIALECT_MARKERS.len() + CONTENT_MARKERS.len()
        );
    }

    use SqlDialect::{Cockroach, MySql, Postgres};

    /// (statement, dialect, expected shape or none).
    const LOCK_CASES: &[(&str, SqlDialect, Option<&str>)] = &[
        (
            "ALTER TABLE users ALTER COLUMN email SET NOT NULL",
            Postgres,
            Some("SET NOT NULL"),
        ),
        (
            "ALTER TABLE users ALTER email DROP NOT NULL",
            Postgres,
            None,
        ),
        (
            "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id)",
            Postgres,
            Some("foreign key"),
        ),
        (
            "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID",
            Postgres,
            None,
        ),
        (
            "ALTER TABLE orders ADD COLUMN user_id bigint REFERENCES users",
            Postgres,
            Some("foreign key"),
        ),
        (
            "ALTER TABLE orders ADD CONSTRAINT positive CHECK (total > 0)",
            Postgres,
            Some("CHECK"),
        ),
        (
            "ALTER TABLE orders ADD CONSTRAINT positive CHECK (total > 0) NOT VALID",
            Postgres,
            None,
        ),
        (
            "ALTER TABLE orders VALIDATE CONSTRAINT positive",
            Postgres,
            None,
        ),
        (
            "ALTER TABLE users ADD CONSTRAINT u UNIQUE (email)",
            Postgres,
            Some("UNIQUE"),
        ),
        (
            "ALTER TABLE users ADD CONSTRAINT u UNIQUE USING INDEX users_email",
            Postgres,
            None,
        ),
        (
            "ALTER TABLE users ALTER COLUMN age TYPE bigint",
            Postgres,
            Some("type change"),
        ),
        (
            "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid()",
            Postgres,
            Some("volatile"),
        ),
        (
            "ALTER TABLE users ADD COLUMN active boolean DEFAULT true",
            Postgres,
            None,
        ),
        (
            "CREATE INDEX idx ON users (email)",
            Postgres,
            Some("CREATE INDEX"),
        ),
        (
            "CREATE UNIQUE INDEX\n  idx ON\n  users (email)",
            Postgres,
            Some("CREATE INDEX"),
        ),
        (
            "CREATE INDEX CONCURRENTLY idx ON users (email)",
            Postgres,
            None,
        ),
        ("CREATE INDEX idx ON users (email)", Cockroach, None),
        ("CREATE INDEX idx ON users (email)", MySql, None),
        (
            "ALTER TABLE `users` MODIFY COLUMN `age` bigint",
            MySql,
            Some("MODIFY"),
        ),
        (
            "ALTER TABLE users MODIFY age bigint, ALGORITHM=INPLACE, LOCK=NONE",
            MySql,
            None,
        ),
        (
            "ALTER TABLE orders ADD FOREIGN KEY (u) REFERENCES users (id)",
            MySql,
            Some("foreign key"),
        ),
    ];

    /// Each locking class fires on its statement, and its safe spelling does not; a table
    /// created earlier in the file is exempt.
    #[test]
    fn classes() {
        for (statement, dialect, shape) in LOCK_CASES {
            let found = locks(statement, *dialect, &[]);
            match shape {
                Some(shape) => {
                    assert_eq!(found.len(), 1, "{statement}");
                    assert!(
                        found[0].what.contains(shape),
                        "{statement}: {}",
                        found[0].what
                    );
                    assert!(found[0].what.contains("safe alternative"), "{statement}");
                }
                None => assert!(found.is_empty(), "{statement}"),
            }
        }
        let created =
            [created_table("CREATE TABLE IF NOT EXISTS \"Users\" (id int)").expect("creates")];
        assert!(locks("CREATE INDEX idx ON users (email)", Postgres, &created).is_empty());
    }

    /// Path words, then content markers, decide the dialect; PostgreSQL otherwise.
    #[test]
    fn dialects() {
        let cases = [
            (
                Some("db/cockroach/001.sql"),
                "CREATE INDEX i ON t (a)",
                SqlDialect::Cockroach,
            ),
            (
                None,
                "CREATE TABLE t (id INT PRIMARY KEY DEFAULT unique_rowid())",
                SqlDialect::Cockroach,
            ),
            (None, "CREATE TABLE `t` (id int)", SqlDialect::MySql),
            (
                None,
                "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT)",
                SqlDialect::Sqlite,
            ),
            (
                Some("migrations/sqlite/1.sql"),
                "DROP TABLE t",
                SqlDialect::Sqlite,
            ),
            (
                Some("db/migrations/1.sql"),
                "CREATE INDEX i ON t (a)",
                SqlDialect::Postgres,
            ),
        ];
        for (path, source, want) in cases {
            assert_eq!(dialect(path, source), want, "{path:?} {source}");
        }
    }
}
