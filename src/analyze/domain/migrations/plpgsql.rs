//! What a split statement is besides SQL: transaction control (`BEGIN`, `COMMIT TRANSACTION`,
//! …), which changes nothing and is skipped so the statements it wraps are read, and anonymous
//! `DO $$ … $$` blocks, whose PL/pgSQL body runs at migration time: its SQL statements, behind
//! control words (`BEGIN`, `IF … THEN`, `LOOP`), and what its `EXECUTE`s run are read (an
//! `EXECUTE` of a statement built at run time is [`Body::Dynamic`]).
//!
//! Sources: PostgreSQL docs "DO", "BEGIN", "COMMIT", "SAVEPOINT", PL/pgSQL "Basic Statements"
//! (EXECUTE, format) and "Control Structures"; MySQL manual "START TRANSACTION"; SQLite "BEGIN
//! TRANSACTION"; CockroachDB "Transactions".

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::execute;

static TRANSACTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?is)^\s*(?:begin(?:\s+(?:deferred|immediate|exclusive))?(?:\s+(?:transaction|work))?(?:\s+(?:isolation|read|not|deferrable)\b.*)?|start\s+transaction\b.*|commit(?:\s+(?:transaction|work|prepared\b.*))?|end(?:\s+(?:transaction|work))?|rollback\b.*|abort(?:\s+(?:transaction|work))?|savepoint\s+\S+|release(?:\s+savepoint)?\s+\S+)\s*$",
    )
    .expect("valid pattern (tested)")
});

static DO_BLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)^\s*do\s+(?:language\s+\w+\s+)?(\$[A-Za-z_0-9]*\$)")
        .expect("valid pattern (tested)")
});

/// Control words before a statement in a PL/pgSQL body, stripped one at a time.
static CONTROL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)^\s*(?:<<\w+>>|declare\b|begin\b|else\b|exception\b|loop\b|(?:if|elsif|elseif|when)\b.*?\bthen\b|(?:for|foreach|while)\b.*?\bloop\b)")
        .expect("valid pattern (tested)")
});

/// Statements in a body that are SQL, not PL/pgSQL (assignments, RAISE, PERFORM, END IF…).
static SQL_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:alter|drop|truncate|delete|update|create|insert|comment|grant|revoke|reindex|vacuum|cluster)\b")
        .expect("valid pattern (tested)")
});

/// `EXECUTE <expression>`: where the expression starts ([`execute`] reads it).
static EXECUTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?is)^\s*execute\b\s*").expect("valid pattern (tested)"));

/// Whether a statement only opens, ends or marks a transaction.
pub(super) fn is_transaction_control(code: &str) -> bool {
    TRANSACTION.is_match(code)
}

/// The body of a `DO` block, relative to the statement, from its code (where the body itself
/// is blanked but its dollar-quote tags are kept).
pub(super) fn do_body(code: &str) -> Option<Range<usize>> {
    let found = DO_BLOCK.captures(code)?;
    let tag = found.get(1)?;
    let close = code[tag.end()..].find(tag.as_str())?;
    Some(tag.end()..tag.end() + close)
}

/// One statement of a PL/pgSQL body.
pub(super) enum Body {
    /// SQL starting at this offset of the statement.
    Sql(usize),
    /// The SQL text an `EXECUTE` runs, as far as it is literal ([`execute`]).
    Execute(String),
    /// An `EXECUTE` (at this offset of the statement) whose statement is built at run time:
    /// what it does cannot be read.
    Dynamic(usize),
    /// PL/pgSQL itself: nothing to read.
    Other,
}

/// What one statement of a body is; `code` has string contents blanked, `text` has not.
pub(super) fn body_statement(code: &str, text: &str) -> Body {
    let mut at = 0;
    while let Some(found) = CONTROL.find(&code[at..]) {
        at += found.end();
    }
    if let Some(found) = EXECUTE.find(&code[at..]) {
        return match execute::sql(text.get(at + found.end()..).unwrap_or_default()) {
            Some(sql) => Body::Execute(sql),
            None => Body::Dynamic(at + (code[at..].len() - code[at..].trim_start().len())),
        };
    }
    if SQL_START.is_match(&code[at..]) {
        Body::Sql(at + (code[at..].len() - code[at..].trim_start().len()))
    } else {
        Body::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Transaction control in every dialect's spelling is recognised; statements are not.
    #[test]
    fn transaction_control() {
        for code in [
            "BEGIN",
            "BEGIN TRANSACTION",
            "begin work",
            "BEGIN IMMEDIATE",
            "START TRANSACTION READ WRITE",
            "COMMIT",
            "COMMIT TRANSACTION",
            "END",
            "ROLLBACK",
            "ROLLBACK TO SAVEPOINT a",
            "SAVEPOINT a",
            "RELEASE SAVEPOINT a",
            "BEGIN ISOLATION LEVEL SERIALIZABLE",
        ] {
            assert!(is_transaction_control(code), "{code}");
        }
        for code in [
            "DROP TABLE begin",
            "BEGIN DROP TABLE a",
            "UPDATE t SET a = 1",
        ] {
            assert!(!is_transaction_control(code), "{code}");
        }
    }

    /// The body of a DO block, with or without a tag or a LANGUAGE clause.
    #[test]
    fn do_bodies() {
        let code = "DO LANGUAGE plpgsql $body$ BEGIN NULL; END $body$";
        let body = do_body(code).expect("a DO block");
        assert_eq!(&code[body], " BEGIN NULL; END ");
        assert!(do_body("DO $$x$$").is_some());
        assert!(do_body("DROP TABLE do").is_none());
    }

    /// Body statements: SQL behind control words, EXECUTE strings, and PL/pgSQL.
    #[test]
    fn body_statements() {
        let sql = "BEGIN IF EXISTS (SELECT 1) THEN ALTER TABLE a DROP COLUMN b";
        assert!(
            matches!(body_statement(sql, sql), Body::Sql(at) if sql[at..].starts_with("ALTER"))
        );
        let text = "EXECUTE format('DROP TABLE %I', t)";
        let code = "EXECUTE format('              ', t)";
        assert!(matches!(body_statement(code, text), Body::Execute(s) if s == "DROP TABLE x"));
        let text = "EXECUTE 'TRUNCATE ''a''' ";
        let code = "EXECUTE '              ' ";
        assert!(matches!(body_statement(code, text), Body::Execute(s) if s == "TRUNCATE 'a'"));
        for other in ["END IF", "x := 1", "RAISE NOTICE 'x'", "END"] {
            assert!(
                matches!(body_statement(other, other), Body::Other),
                "{other}"
            );
        }
    }
}
