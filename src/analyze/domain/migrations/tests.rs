//! Fixture-driven tests: each case is `fixtures/infra/migrations/<case>/{before,after}.<ext>`,
//! read as the file at a migration path (the path decides the framework). New files have no
//! `before`.

use super::*;
use crate::analyze::domain::testing::{Fixture, hunk, summary};
use crate::diff::FileChange;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/infra/migrations");

/// Runs the analyzer on fixture `case` at `path`; with `contents: false` only the hunks exist.
fn run(case: &str, path: &str, contents: bool) -> Analysis {
    let extension = path.rsplit('.').next().unwrap_or_default();
    let fixture = Fixture::load(DIR, case, extension, path);
    assert!(
        Migrations.wants(path, fixture.after.as_bytes()),
        "{path} is a migration"
    );
    Migrations.analyze(&fixture.versions(contents))
}

use Signal::{
    MigrationAltersSchema as Alters, MigrationDropsData as Drops, MigrationLocksTable as Locks,
    MigrationRewritten as Rewritten, MigrationUnboundedWrite as Unbounded,
};

/// Each fixture yields exactly the expected (signal, subject, line) facts, and the first one's
/// message holds the key phrase. Cases with no expected facts are the near misses: reverse
/// sections and files, additive migrations, bounded writes, drops that were already there.
/// (fixture, path, expected facts, key phrase of the first message).
type Case = (
    &'static str,
    &'static str,
    &'static [(Signal, &'static str, u32)],
    &'static str,
);

const CASES: &[Case] = &[
    (
        "sql-drops",
        "db/migrations/002_drop.sql",
        &[
            (Drops, "users", 2),
            (Drops, "orders.note", 3),
            (Drops, "logs", 4),
        ],
        "DROP TABLE",
    ),
    (
        "sql-unbounded",
        "db/migrations/003.sql",
        &[(Unbounded, "sessions", 1), (Unbounded, "users", 2)],
        "every row",
    ),
    (
        "sql-alters",
        "migrations/004.sql",
        &[
            (Locks, "orders.total", 1),
            (Alters, "orders.total", 1),
            (Alters, "orders.note", 2),
            (Alters, "carts", 3),
            (Alters, "idx_orders_total", 4),
        ],
        "type",
    ),
    ("dbmate-down", "db/migrations/20240101_tags.sql", &[], ""),
    ("goose-down", "migrations/00002_tags.sql", &[], ""),
    ("down-file", "migrations/0003_tags.down.sql", &[], ""),
    ("flyway-undo", "db/migration/U3__tags.sql", &[], ""),
    (
        "flyway",
        "src/main/resources/sql/V3__audit.sql",
        &[(Drops, "audit_log", 1)],
        "TRUNCATE",
    ),
    ("additive", "db/migrations/005_tags.sql", &[], ""),
    (
        "sql-rewritten",
        "db/migrations/001_init.sql",
        &[(Rewritten, "db/migrations/001_init.sql", 2)],
        "edited after it was added",
    ),
    (
        "sql-existing-drop",
        "db/migrations/001_legacy.sql",
        &[(Rewritten, "db/migrations/001_legacy.sql", 1)],
        "edited",
    ),
    // Issue 11: a comment (and keyword case) on an applied migration rewrites nothing.
    ("sql-comment-only", "db/migrations/001_legacy.sql", &[], ""),
    (
        "templated",
        "db/migrations/006.sql",
        &[(Drops, "{{ schema }}.users", 1)],
        "DROP TABLE",
    ),
    (
        "prisma",
        "prisma/migrations/20240101_drop/migration.sql",
        &[(Drops, "\"Session\"", 2)],
        "DROP TABLE",
    ),
    (
        "rails-drops",
        "db/migrate/20240101000000_drop_users.rb",
        &[(Drops, "users", 3), (Drops, "orders.note", 4)],
        "drop_table",
    ),
    (
        "rails-down",
        "db/migrate/20240101000001_add_tags.rb",
        &[],
        "",
    ),
    (
        "rails-change",
        "db/migrate/20240101000002_change_orders.rb",
        &[
            (Locks, "orders.total", 3),
            (Alters, "orders.total", 3),
            (Alters, "orders.note", 4),
            (Unbounded, "carts", 5),
        ],
        "change_column",
    ),
    (
        "django",
        "shop/migrations/0007_remove.py",
        &[
            (Drops, "Order", 6),
            (Drops, "invoice.note", 7),
            (Unbounded, "carts", 9),
        ],
        "DeleteModel",
    ),
    (
        "rails-heredoc",
        "db/migrate/20240101000003_purge_carts.rb",
        &[(Unbounded, "carts", 5)],
        "DELETE without WHERE",
    ),
    (
        "django-list",
        "shop/migrations/0008_sql.py",
        &[(Unbounded, "carts", 7), (Drops, "legacy", 7)],
        "UPDATE without WHERE",
    ),
    (
        "alembic",
        "alembic/versions/3f2a_drop_email.py",
        &[(Drops, "users.email", 5)],
        "drop_column",
    ),
    (
        "knex",
        "migrations/20240101_drop_email.js",
        &[(Drops, "users.email", 3)],
        "dropColumn",
    ),
    (
        "liquibase",
        "db/changelog/changes-002.xml",
        &[(Drops, "audit", 3)],
        "dropTable",
    ),
];

/// Each fixture yields exactly the expected (signal, subject, line) facts, and the first one's
/// message holds the key phrase. Cases with no expected facts are the near misses: reverse
/// sections and files, additive migrations, bounded writes, drops that were already there.
#[test]
fn fixtures() {
    for (case, path, expected, phrase) in CASES {
        let analysis = run(case, path, true);
        let want: Vec<(Signal, String, u32)> = expected
            .iter()
            .map(|(s, subject, line)| (*s, (*subject).to_string(), *line))
            .collect();
        let got = summary(&analysis.facts);
        assert_eq!(got, want, "{case}");
        // Templated SQL is parsed with its tags masked, not read line by line.
        assert!(
            analysis.fallbacks.is_empty(),
            "{case}: {:?}",
            analysis.fallbacks
        );
        if let Some(first) = analysis.facts.first() {
            assert!(first.message.contains(phrase), "{case}: {}", first.message);
        }
    }
}

/// Without file contents (diff text) the added lines are still read, and the report says so.
#[test]
fn without_contents_reads_added_lines() {
    let analysis = run("sql-drops", "db/migrations/002_drop.sql", false);
    assert_eq!(summary(&analysis.facts).len(), 3);
    assert_eq!(analysis.fallbacks.len(), 1);
    let analysis = run(
        "rails-drops",
        "db/migrate/20240101000000_drop_users.rb",
        false,
    );
    assert!(summary(&analysis.facts).contains(&(Drops, "users".to_string(), 3)));
}

/// Paths decide the framework; files outside migration locations are not read.
#[test]
fn kinds() {
    let cases = [
        ("db/migrate/1_x.rb", Some(MigrationKind::Rails)),
        (
            "app/migrations/0001_initial.py",
            Some(MigrationKind::Django),
        ),
        ("app/migrations/__init__.py", None),
        (
            "migrations/versions/ab12_x.py",
            Some(MigrationKind::Alembic),
        ),
        ("migrations/1_x.ts", Some(MigrationKind::Knex)),
        ("db/V1__init.sql", Some(MigrationKind::Sql)),
        ("db/U1__init.sql", Some(MigrationKind::Reverse)),
        // Flyway runs a versioned migration forward whatever its description says.
        (
            "db/migration/V2__users_teardown_down.sql",
            Some(MigrationKind::Sql),
        ),
        ("db/migration/V2__x.down.sql", Some(MigrationKind::Sql)),
        (
            "diesel/migrations/2024_x/down.sql",
            Some(MigrationKind::Reverse),
        ),
        ("queries/report.sql", None),
        (
            "schema/postgresql/v12/visibility/versioned/v1.14/add_columns.sql",
            Some(MigrationKind::Sql),
        ),
        ("sql/upgrades/2.3_to_2.4.sql", Some(MigrationKind::Sql)),
        ("src/app.py", None),
    ];
    for (path, kind) in cases {
        assert_eq!(kind_of(path, b""), kind, "{path}");
    }
}

/// A migration is new when its path is new, whatever git pairs it with (issue 13): a rename
/// or copy with edits is never `migration-rewritten`, and its content is read whole (a DROP
/// that was in the file it was paired with still counts). A pure rename (no hunks) is a move.
#[test]
fn paired_paths_are_new() {
    for status in [FileStatus::Renamed, FileStatus::Copied] {
        let mut file = FileChange::new(
            status,
            Some("db/migrations/template.sql".into()),
            Some("db/migrations/2.sql".into()),
        );
        let old = b"-- template\nDROP TABLE scratch;\n".as_slice();
        let versions = Versions {
            file: &file,
            old: Some(old),
            new: Some(old),
        };
        assert!(Migrations.analyze(&versions).facts.is_empty(), "{status:?}");
        file.hunks
            .push(hunk("-- template", "UPDATE users SET a = 1 WHERE id = 2;"));
        let versions = Versions {
            file: &file,
            old: Some(old),
            new: Some(b"UPDATE users SET a = 1 WHERE id = 2;\nDROP TABLE scratch;\n"),
        };
        assert_eq!(
            summary(&Migrations.analyze(&versions).facts),
            vec![(Drops, "scratch".to_string(), 2)],
            "{status:?}"
        );
    }
}

/// A large SQL migration (20 000 statements) is read in one linear pass.
#[test]
fn large_file() {
    let source = "UPDATE t SET a = 1 WHERE id = 2;\n".repeat(20_000) + "DROP TABLE t;\n";
    let found = sql::findings(&source, 0, Some("db/migrations/1.sql"))
        .expect("parses")
        .found;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].line, 20_001);
}

/// Direction in other shapes of the same frameworks: ES-module and TypeScript Knex, Rails
/// `reversible` blocks, Alembic batch operations, Liquibase YAML rollbacks.
#[test]
fn direction_in_other_shapes() {
    let cases: &[(MigrationKind, &str, &[&str])] = &[
        (
            MigrationKind::Knex,
            "export async function up(knex: Knex): Promise<void> {\n  await knex.schema.dropTableIfExists('audit');\n}\nexport async function down(knex: Knex) {\n  await knex.schema.dropTable('tags');\n}\n",
            &["audit"],
        ),
        (
            MigrationKind::Knex,
            "module.exports = {\n  up: (knex) => knex.schema.alterTable('users', (t) => t.renameColumn('a', 'b')),\n  down: (knex) => knex.schema.dropTable('users'),\n};\n",
            &["users.a"],
        ),
        (
            MigrationKind::Rails,
            "class X < ActiveRecord::Migration[7.1]\n  def change\n    reversible do |dir|\n      dir.down { drop_table :tags }\n    end\n    remove_column :users, :age\n  end\nend\n",
            &["users.age"],
        ),
        (
            MigrationKind::Alembic,
            "def upgrade():\n    with op.batch_alter_table('users') as batch_op:\n        batch_op.drop_column('age')\n\ndef downgrade():\n    op.drop_column('users', 'x')\n",
            &["age"],
        ),
        (
            MigrationKind::Liquibase,
            "databaseChangeLog:\n  - changeSet:\n      changes:\n        - dropColumn:\n            tableName: users\n            columnName: age\n      rollback:\n        - dropTable:\n            tableName: audit\n",
            &["users"],
        ),
    ];
    for (kind, source, subjects) in cases {
        let found = extract(*kind, "migrations/x", source)
            .expect("parses")
            .found;
        let got: Vec<&str> = found.iter().map(|f| f.subject.as_str()).collect();
        assert_eq!(&got, subjects, "{kind:?}");
    }
}

/// `WHERE 1=1` and `WHERE true` bound nothing: the write is as unbounded as one without WHERE
/// (issue 12). `WHERE id = 1` is a real bound.
#[test]
fn always_true_where_is_unbounded() {
    let source = "DELETE FROM sessions WHERE 1=1;\nUPDATE users SET active = false WHERE true;\nDELETE FROM carts WHERE id = 1;\nUPDATE orders SET x = 1 WHERE (1 = 1) OR id = 2;\n";
    let found = sql::findings(source, 0, Some("db/migrations/1.sql"))
        .expect("parses")
        .found;
    let got: Vec<(Signal, &str, u32)> = found
        .iter()
        .map(|f| (f.signal, f.subject.as_str(), f.line))
        .collect();
    assert_eq!(
        got,
        [
            (Unbounded, "sessions", 1),
            (Unbounded, "users", 2),
            (Unbounded, "orders", 4)
        ]
    );
    assert!(found[0].what.contains("WHERE 1=1"), "{}", found[0].what);
    assert!(found[0].what.contains("every row"), "{}", found[0].what);
}

/// A reverse-section marker counts only in a file of that tool's format and after that tool's
/// forward marker: a `-- +goose Down` in a dbmate or Flyway file, or before `-- +goose Up`,
/// hides nothing (issue 12). A real goose file still skips its Down section.
#[test]
fn reverse_markers_only_in_their_tool_format() {
    let drop_after = |marker: &str| format!("{marker}\nDROP TABLE users;\n");
    let cases: &[(&str, String, usize)] = &[
        // goose's own Down section: not run forward.
        (
            "migrations/1.sql",
            format!("-- +goose Up\nSELECT 1;\n{}", drop_after("-- +goose Down")),
            0,
        ),
        // dbmate file with a goose marker: dbmate runs the DROP.
        (
            "db/migrations/1.sql",
            format!("-- migrate:up\nSELECT 1;\n{}", drop_after("-- +goose Down")),
            1,
        ),
        // plain SQL with a stray marker.
        ("migrations/2.sql", drop_after("-- +goose Down"), 1),
        ("migrations/3.sql", drop_after("-- migrate:down"), 1),
        // reverse marker before the forward one.
        (
            "migrations/4.sql",
            format!("{}-- +goose Up\nSELECT 1;\n", drop_after("-- +goose Down")),
            1,
        ),
        // Flyway runs the whole file, goose markers or not.
        (
            "db/migration/V2__x.sql",
            format!("-- +goose Up\nSELECT 1;\n{}", drop_after("-- +goose Down")),
            1,
        ),
        // dbmate's own down section.
        (
            "db/migrations/2.sql",
            format!(
                "-- migrate:up\nSELECT 1;\n{}",
                drop_after("-- migrate:down")
            ),
            0,
        ),
    ];
    for (path, source, drops) in cases {
        let found = extract(MigrationKind::Sql, path, source)
            .expect("parses")
            .found;
        let got = found.iter().filter(|f| f.signal == Drops).count();
        assert_eq!(got, *drops, "{path}: {source}");
    }
}

mod frameworks;
mod statements;
