//! Issue 13: statements the line- and grammar-level readers missed, on real-shaped migrations
//! (transaction blocks, `DO` blocks, multi-statement lines, templated SQL, dialects) and each
//! locking class read through the whole analyzer.

use super::*;

/// (signal, subject, line) of the forward findings of a SQL migration at `path`.
fn read(path: &str, source: &str) -> (Vec<(Signal, String, u32)>, Vec<u32>) {
    let read = extract(MigrationKind::Sql, path, source).expect("the statements split");
    let found = read
        .found
        .into_iter()
        .map(|f| (f.signal, f.subject, f.line))
        .collect();
    (found, read.unparsed)
}

fn facts(expected: &[(Signal, &str, u32)]) -> Vec<(Signal, String, u32)> {
    expected
        .iter()
        .map(|(s, subject, line)| (*s, (*subject).to_string(), *line))
        .collect()
}

/// (name, path, source, expected facts).
type Shape = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(Signal, &'static str, u32)],
);

/// Each shape yields its findings, all parsed by the grammar (nothing read by pattern).
#[test]
fn shapes_the_grammar_alone_missed() {
    let cases: &[Shape] = &[
        (
            "CockroachDB transaction migration",
            "db/migrations/cockroach/20240101_drop.up.sql",
            "ALTER TABLE users DROP COLUMN legacy_flag;COMMIT TRANSACTION;BEGIN TRANSACTION;\nALTER TABLE users ADD COLUMN note STRING;\n",
            &[(Drops, "users.legacy_flag", 1)],
        ),
        (
            "transaction block on one line",
            "db/migrations/002.sql",
            "BEGIN; DROP TABLE users; COMMIT;\n",
            &[(Drops, "users", 1)],
        ),
        (
            "START TRANSACTION … COMMIT over lines, two statements on a line",
            "db/migrations/003.sql",
            "START TRANSACTION;\nTRUNCATE sessions; DELETE FROM carts;\nCOMMIT;\n",
            &[(Drops, "sessions", 2), (Unbounded, "carts", 2)],
        ),
        (
            "DO block with IF and EXECUTE",
            "db/migrations/004.sql",
            "DO $$\nBEGIN\n  IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'legacy') THEN\n    ALTER TABLE users DROP COLUMN legacy;\n  END IF;\n  EXECUTE format('DROP TABLE %I', 'audit_old');\nEND\n$$;\n",
            &[(Drops, "users.legacy", 4), (Drops, "audit_old", 6)],
        ),
        (
            "Go-templated statement split over two lines",
            "migrations/005_drop.up.sql",
            "alter table {{ .Schema }}.accounts\n  drop column if exists nickname;\n",
            &[(Drops, "{{ .Schema }}.accounts.nickname", 1)],
        ),
        (
            "Go template control around a statement",
            "migrations/006.up.sql",
            "{{ if .Purge }}\nDELETE FROM {{ .Schema }}.events;\n{{ end }}\n",
            &[(Unbounded, "{{ .Schema }}.events", 2)],
        ),
        (
            "Jinja (dbt) statement",
            "migrations/007.sql",
            "{% if target.name == 'prod' %}\nTRUNCATE TABLE {{ ref('events') }};\n{% endif %}\n",
            &[(Drops, "{{ ref('events') }}", 2)],
        ),
        (
            "MySQL with backticks and a routine",
            "db/migrations/008.sql",
            "DELIMITER //\nCREATE PROCEDURE p() BEGIN DELETE FROM t; END//\nDELIMITER ;\nALTER TABLE `users` DROP COLUMN `age`;\n",
            &[(Drops, "`users`.`age`", 4)],
        ),
        (
            "SQLite trigger body runs later, the drop now",
            "db/migrations/009.sql",
            "CREATE TRIGGER t AFTER INSERT ON a BEGIN DELETE FROM b; END;\nDROP TABLE IF EXISTS c;\n",
            &[(Drops, "c", 2)],
        ),
    ];
    for (name, path, source, expected) in cases {
        let (found, unparsed) = read(path, source);
        assert_eq!(found, facts(expected), "{name}");
        assert!(unparsed.is_empty(), "{name}: {unparsed:?}");
    }
}

/// A statement the grammar cannot parse is read whole by pattern, however it is split over
/// lines, and the file says so; its neighbours are still parsed.
#[test]
fn unparsable_statement_is_read_whole() {
    let source = "CREATE TABLE a (id int);\nALTER TABLE orders\n  DROP COLUMN note\n  ALGORITHM = SOMETHING ODD (;\nDROP TABLE b;\n";
    let (found, unparsed) = read("db/migrations/010.sql", source);
    assert!(found.contains(&(Drops, "b".to_string(), 5)), "{found:?}");
    assert!(
        found
            .iter()
            .any(|f| f.0 == Drops && f.1 == "orders" && f.2 == 2),
        "{found:?}"
    );
    assert_eq!(unparsed, [2]);
}

/// Each locking class through the analyzer, on PostgreSQL; the same file on CockroachDB
/// (online schema changes) locks nothing, and indexes on a table the file creates are exempt.
#[test]
fn locking_classes() {
    let source = "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n\
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\n\
ALTER TABLE orders ADD CONSTRAINT positive CHECK (total > 0);\n\
CREATE INDEX orders_total ON orders (total);\n\
ALTER TABLE orders ALTER COLUMN total TYPE numeric(12, 2);\n\
ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();\n\
ALTER TABLE users ADD CONSTRAINT users_email UNIQUE (email);\n\
CREATE TABLE tags (id int);\n\
CREATE INDEX tags_id ON tags (id);\n";
    let (found, _) = read("db/migrations/011.sql", source);
    let locks: Vec<(String, u32)> = found
        .iter()
        .filter(|f| f.0 == Locks)
        .map(|f| (f.1.clone(), f.2))
        .collect();
    let want = [
        ("users.email", 1),
        ("orders", 2),
        ("orders", 3),
        ("orders", 4),
        ("orders.total", 5),
        ("users.token", 6),
        ("users", 7),
    ];
    let want: Vec<(String, u32)> = want.iter().map(|(s, l)| ((*s).to_string(), *l)).collect();
    assert_eq!(locks, want);
    let safe = "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n\
ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;\n\
CREATE INDEX CONCURRENTLY orders_total ON orders (total);\n";
    let (found, _) = read("db/migrations/012.sql", safe);
    assert!(found.iter().all(|f| f.0 != Locks), "{found:?}");
    let (found, _) = read("db/cockroach/011.sql", source);
    assert!(found.iter().all(|f| f.0 != Locks), "{found:?}");
}

/// The fact carries the statement's shape, the lock it takes and the safe alternative.
#[test]
fn lock_message() {
    let file = FileChange::new(FileStatus::Added, None, Some("db/migrations/1.sql".into()));
    let versions = Versions {
        file: &file,
        old: None,
        new: Some(b"CREATE INDEX orders_total ON orders (total);\n"),
    };
    let analysis = Migrations.analyze(&versions);
    assert_eq!(analysis.facts.len(), 1);
    let message = &analysis.facts[0].message;
    assert_eq!(analysis.facts[0].signal, Locks);
    for part in [
        "CREATE INDEX without CONCURRENTLY",
        "SHARE",
        "CREATE INDEX CONCURRENTLY",
    ] {
        assert!(message.contains(part), "{message}");
    }
}

/// Expected (signal, subject, line) facts.
type Expected = &'static [(Signal, &'static str, u32)];

/// Red-team forms that deleted every row or dropped tables unseen (each confirmed on
/// PostgreSQL 15): `DELETE … USING` without WHERE (the grammar cannot parse USING, so it is
/// read by pattern), a data-modifying CTE, `DROP OWNED BY` (drops every object the role owns),
/// and `EXECUTE format()` with the verb as an argument. Their bounded or additive neighbours
/// stay quiet.
#[test]
fn hidden_deletes_and_drops() {
    let cases: &[(&str, Expected)] = &[
        (
            "DELETE FROM users USING users u2;",
            &[(Unbounded, "users", 1)],
        ),
        (
            "DELETE FROM users USING users u2 WHERE users.id = u2.id;",
            &[],
        ),
        (
            "WITH gone AS (DELETE FROM users RETURNING id) SELECT count(*) FROM gone;",
            &[(Unbounded, "users", 1)],
        ),
        (
            "WITH a AS (SELECT 1), b AS (UPDATE users SET email = NULL RETURNING id) SELECT 1;",
            &[(Unbounded, "users", 1)],
        ),
        (
            "WITH gone AS (DELETE FROM users WHERE id = 1 RETURNING id) SELECT 1;",
            &[],
        ),
        (
            "DROP OWNED BY app_owner CASCADE;",
            &[(Drops, "app_owner", 1)],
        ),
        (
            "DO $$ BEGIN EXECUTE format('%s TABLE users','DROP'); END $$;",
            &[(Drops, "users", 1)],
        ),
        (
            "DO $$ BEGIN EXECUTE 'TRUNCATE ' || 'sessions'; END $$;",
            &[(Drops, "sessions", 1)],
        ),
        (
            "DO $$ BEGIN\n  EXECUTE format('ALTER TABLE %I ADD COLUMN note text', t);\n  EXECUTE 'ALTER TABLE ' || quote_ident(t) || ' ADD COLUMN x int';\nEND $$;",
            &[],
        ),
    ];
    for (source, expected) in cases {
        let (found, _) = read("db/migrations/013.sql", source);
        assert_eq!(found, facts(expected), "{source}");
    }
}

/// Dynamic SQL whose statement cannot be read (a variable, a verb from a variable, a string
/// built by a function) fails closed: it is judged as a drop, never as nothing.
#[test]
fn unreadable_execute_is_judged_a_drop() {
    for body in [
        "EXECUTE stmt",
        "EXECUTE format('%s', v_sql)",
        "EXECUTE format('%s TABLE users', verb)",
        "EXECUTE v_verb || ' TABLE users'",
        "EXECUTE format(v_template, t)",
    ] {
        let source = format!("DO $$\nDECLARE stmt text;\nBEGIN\n  {body};\nEND $$;\n");
        let (found, _) = read("db/migrations/014.sql", &source);
        assert_eq!(found, facts(&[(Drops, "dynamic SQL", 4)]), "{body}");
    }
}
