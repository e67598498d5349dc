//! Migrations at squawk's level (issue 13): statements inside transaction blocks and `DO`
//! blocks, templated SQL split over lines, each locking class, and new migration files that
//! git pairs with a template by copy detection. Each case is a real repository, a real commit
//! and the real binary, asserting the exit code and the finding.

use crate::support::{CLAUDE_TRAILER, Repo, blastgate, field_of, run};

/// Commits `base` on `main`, then `change` on branch `topic` (AI-assisted when `ai`), and
/// judges `main..topic` in JSON: (exit code, report, repository).
fn judge(base: &[(&str, &str)], change: &[(&str, &str)], ai: bool) -> (i32, serde_json::Value) {
    let repo = Repo::new();
    repo.write("README.md", "# shop\n");
    for (path, content) in base {
        repo.write(path, content);
    }
    repo.commit("Base");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    for (path, content) in change {
        repo.write(path, content);
    }
    let message = if ai {
        format!("Migration\n\n{CLAUDE_TRAILER}\n")
    } else {
        "Migration".to_string()
    };
    repo.commit(&message);
    let result = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert!(
        matches!(result.code, 0 | 1 | 3),
        "{}{}",
        result.stdout,
        result.stderr
    );
    (result.code, result.json())
}

/// (id, subject) pairs of a report's findings.
fn pairs(report: &serde_json::Value) -> Vec<(String, String)> {
    field_of(report, "findings", "id")
        .into_iter()
        .zip(field_of(report, "findings", "subject"))
        .collect()
}

fn has(report: &serde_json::Value, id: &str, subject: &str) -> bool {
    pairs(report).iter().any(|(i, s)| i == id && s == subject)
}

const INIT: &str = "CREATE TABLE users (id bigint PRIMARY KEY, email text, legacy_flag bool);\n";

/// A CockroachDB migration that drops a column between `COMMIT TRANSACTION;BEGIN
/// TRANSACTION;` (the shape golang-migrate users write) is read: `migration-drops-data`, and
/// a new file is never `migration-rewritten`. AI-assisted, so the migration rule asks for a
/// senior.
#[test]
fn cockroach_transaction_migration_drops_a_column() {
    let migration = "ALTER TABLE users DROP COLUMN legacy_flag;COMMIT TRANSACTION;BEGIN TRANSACTION;\nALTER TABLE users ADD COLUMN nickname STRING;\n";
    let (code, report) = judge(
        &[("db/migrations/000001_init.up.sql", INIT)],
        &[("db/migrations/000002_drop_flag.up.sql", migration)],
        true,
    );
    assert_eq!(code, 3, "{report}");
    assert!(
        has(&report, "migration-drops-data", "users.legacy_flag"),
        "{report}"
    );
    assert!(
        !field_of(&report, "findings", "id").contains(&"migration-rewritten".to_string()),
        "{report}"
    );
}

/// `BEGIN; DROP TABLE users; COMMIT;` drops the table, and a `DO $$ … $$` block's drop and
/// EXECUTE string are read too; the human change stays below the block line.
#[test]
fn transaction_and_do_blocks_are_read() {
    let migration = "BEGIN; DROP TABLE users; COMMIT;\nDO $$\nBEGIN\n  IF EXISTS (SELECT 1 FROM pg_tables WHERE tablename = 'audit') THEN\n    DROP TABLE audit;\n  END IF;\n  EXECUTE 'TRUNCATE sessions';\nEND\n$$;\n";
    let (code, report) = judge(
        &[("db/migrations/001_init.sql", INIT)],
        &[("db/migrations/002_cleanup.sql", migration)],
        false,
    );
    for subject in ["users", "audit", "sessions"] {
        assert!(
            has(&report, "migration-drops-data", subject),
            "{subject}: {report}"
        );
    }
    assert_ne!(code, 2, "{report}");
}

/// A Go-templated migration whose statement is split over two lines (`alter table {{ … }}.t`
/// / `drop column if exists c;`) is parsed with the template masked: the drop is found, with
/// the template text in its subject, and nothing is read line by line.
#[test]
fn go_template_statement_over_two_lines() {
    let migration = "alter table {{ .Schema }}.accounts\n    drop column if exists nickname;\n";
    let (code, report) = judge(
        &[("migrations/000001_init.up.sql", INIT)],
        &[("migrations/000002_drop_nickname.up.sql", migration)],
        true,
    );
    assert_eq!(code, 3, "{report}");
    assert!(
        has(
            &report,
            "migration-drops-data",
            "{{ .Schema }}.accounts.nickname"
        ),
        "{report}"
    );
}

/// Each locking class is `migration-locks-table` with the lock and the safe alternative in
/// its message; its safe spelling is quiet. A human change with only locks is allowed: the
/// signal alone neither blocks a human nor fires the AI migration rule. (The type change, also
/// `migration-alters-schema`, is covered by the unit tests.)
#[test]
fn each_locking_class() {
    let locking = "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\nALTER TABLE orders ADD CONSTRAINT positive_total CHECK (total > 0);\nCREATE INDEX orders_created ON orders (created_at);\nALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();\nALTER TABLE users ADD CONSTRAINT users_email UNIQUE (email);\n";
    let base = [(
        "db/migrations/001_init.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total int, created_at timestamptz);\n",
    )];
    let (code, report) = judge(
        &base,
        &[("db/migrations/002_constraints.sql", locking)],
        false,
    );
    assert_eq!(code, 0, "{report}");
    let locks: Vec<String> = pairs(&report)
        .into_iter()
        .filter(|(id, _)| id == "migration-locks-table")
        .map(|(_, subject)| subject)
        .collect();
    assert_eq!(
        locks,
        [
            "users.email",
            "orders",
            "orders",
            "orders",
            "users.token",
            "users"
        ],
        "{report}"
    );
    let messages = field_of(&report, "findings", "message").join("\n");
    for part in [
        "ACCESS EXCLUSIVE",
        "NOT VALID, then VALIDATE CONSTRAINT",
        "CREATE INDEX CONCURRENTLY",
        "USING INDEX",
    ] {
        assert!(messages.contains(part), "{part}: {messages}");
    }

    let safe = "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;\nCREATE INDEX CONCURRENTLY orders_created ON orders (created_at);\n";
    let (_, report) = judge(&base, &[("db/migrations/002_constraints.sql", safe)], true);
    assert!(
        !field_of(&report, "findings", "id").contains(&"migration-locks-table".to_string()),
        "{report}"
    );
}

/// A Rails migration adding an index without `algorithm: :concurrently` locks the table; the
/// same call on a table the migration creates does not.
#[test]
fn rails_add_index_locks() {
    let migration = "class AddEmailIndex < ActiveRecord::Migration[7.1]\n  def change\n    create_table :tags do |t|\n      t.string :name\n    end\n    add_index :tags, :name\n    add_index :users, :email\n  end\nend\n";
    let (code, report) = judge(
        &[],
        &[("db/migrate/20240101000000_add_email_index.rb", migration)],
        false,
    );
    assert_eq!(code, 0, "{report}");
    assert!(has(&report, "migration-locks-table", "users"), "{report}");
    assert!(!has(&report, "migration-locks-table", "tags"), "{report}");
}

/// A long migration template and a new migration made from it: one commit adds the new file
/// (a two-line UPDATE in the template's frame) and touches the template, so git's copy
/// detection pairs them. The new path is a new migration, never `migration-rewritten`,
/// whether the change is read from the repository or from `git diff -C --find-copies-harder`.
#[test]
fn copy_of_a_template_is_a_new_migration() {
    let frame = "-- describe what this migration does, why, and how to roll it back\n".repeat(40);
    let template = format!("{frame}-- write the statements below\n");
    let repo = Repo::new();
    repo.write("db/migrations/_template.sql", &template);
    repo.write("db/migrations/001_init.sql", INIT);
    repo.commit("Base");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    let new = format!("{frame}UPDATE users SET email = lower(email)\n WHERE id = 42;\n");
    repo.write("db/migrations/002_lower_email.sql", &new);
    repo.write(
        "db/migrations/_template.sql",
        format!("{frame}-- write the statements below (one per line)\n"),
    );
    repo.commit(&format!("Lower one email\n\n{CLAUDE_TRAILER}\n"));

    let result = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    let report = result.json();
    let statuses = field_of(&report, "files", "status");
    let paths = field_of(&report, "files", "path");
    let copied = paths
        .iter()
        .zip(&statuses)
        .any(|(p, s)| p == "db/migrations/002_lower_email.sql" && s == "copied");
    assert!(copied, "git pairs the new file with the template: {report}");
    assert_eq!(result.code, 0, "{report}");
    assert!(
        !field_of(&report, "findings", "id").contains(&"migration-rewritten".to_string()),
        "{report}"
    );

    let diff = repo.git(&["diff", "-C", "--find-copies-harder", "main", "topic"]);
    assert!(
        diff.contains("copy to db/migrations/002_lower_email.sql"),
        "{diff}"
    );
    let result = run(
        repo.blastgate(&[
            "check",
            "--diff",
            "-",
            "--ai-assisted",
            "yes",
            "--format",
            "json",
        ]),
        Some(&diff),
    );
    let report = result.json();
    assert!(matches!(result.code, 0 | 3), "{report}");
    assert!(
        !field_of(&report, "findings", "id").contains(&"migration-rewritten".to_string()),
        "{report}"
    );
}

/// Red-team forms of an AI-assisted Flyway migration that deleted every row or dropped tables
/// and were allowed: `DELETE … USING` without WHERE, a data-modifying CTE, `DROP OWNED BY`, a
/// versioned migration whose description ends in `_down` (Flyway runs `V2__*` forward; only
/// `U2__*` undoes), and `EXECUTE format()` with the verb as an argument or from a variable
/// (dynamic SQL that cannot be read is judged as a drop). Each now needs a senior.
#[test]
fn hidden_deletes_and_drops_need_review() {
    let dir = "src/main/resources/db/migration";
    let cases = [
        (
            "V2__cleanup.sql",
            "DELETE FROM users USING users u2;\n",
            "migration-unbounded-write",
            "users",
        ),
        (
            "V2__cleanup.sql",
            "WITH gone AS (DELETE FROM users RETURNING id) SELECT count(*) FROM gone;\n",
            "migration-unbounded-write",
            "users",
        ),
        (
            "V2__cleanup.sql",
            "DROP OWNED BY app_owner CASCADE;\n",
            "migration-drops-data",
            "app_owner",
        ),
        (
            "V2__users_teardown_down.sql",
            "DROP TABLE users;\n",
            "migration-drops-data",
            "users",
        ),
        (
            "V2__cleanup.sql",
            "DO $$ BEGIN EXECUTE format('%s TABLE users', 'DROP'); END $$;\n",
            "migration-drops-data",
            "users",
        ),
        (
            "V2__cleanup.sql",
            "DO $$ DECLARE verb text := 'DROP'; BEGIN EXECUTE verb || ' TABLE users'; END $$;\n",
            "migration-drops-data",
            "dynamic SQL",
        ),
    ];
    for (name, sql, id, subject) in cases {
        let (code, report) = judge(
            &[(&format!("{dir}/V1__init.sql"), INIT)],
            &[(&format!("{dir}/{name}"), sql)],
            true,
        );
        assert_eq!(code, 3, "{sql}: {report}");
        assert!(has(&report, id, subject), "{sql}: {report}");
    }
    // Flyway's undo migration still runs only on undo.
    let (code, report) = judge(
        &[(&format!("{dir}/V1__init.sql"), INIT)],
        &[(&format!("{dir}/U1__init.sql"), "DROP TABLE users;\n")],
        true,
    );
    assert!(!has(&report, "migration-drops-data", "users"), "{report}");
    assert_eq!(code, 0, "{report}");
}

/// Red-team forms of AI-assisted framework migrations whose data loss sat one call away and
/// were allowed: Alembic `upgrade()` calling a same-file helper that drops a table, Rails
/// `User.delete_all` in `up`, Django `RunPython` deleting every row and running `DROP TABLE`
/// through `schema_editor`, and `RunSQL(SQL)` with `SQL` a module constant. Each needs a
/// senior; a `RunPython` reverse function doing the same is rollback-only and allowed.
#[test]
fn framework_data_loss_one_call_away_needs_review() {
    let django_base = "from django.db import migrations, models\nclass Migration(migrations.Migration):\n    initial = True\n    dependencies = []\n    operations = [migrations.CreateModel(name=\"User\", fields=[(\"id\", models.AutoField(primary_key=True))])]\n";
    let cases = [
        (
            "alembic/versions/002_cleanup.py",
            "from alembic import op\nrevision = \"002\"\ndown_revision = \"001\"\ndef _drop_legacy():\n    op.drop_table(\"users\")\ndef upgrade():\n    _drop_legacy()\ndef downgrade():\n    pass\n",
            "migration-drops-data",
            "users",
        ),
        (
            "db/migrate/20240201000000_cleanup.rb",
            "class Cleanup < ActiveRecord::Migration[7.1]\n  def up\n    User.delete_all\n  end\nend\n",
            "migration-unbounded-write",
            "User",
        ),
        (
            "app/migrations/0002_cleanup.py",
            "from django.db import migrations\ndef wipe(apps, schema_editor):\n    apps.get_model(\"app\", \"User\").objects.all().delete()\n    schema_editor.execute(\"DROP TABLE app_user\")\nclass Migration(migrations.Migration):\n    dependencies = [(\"app\", \"0001_initial\")]\n    operations = [migrations.RunPython(wipe)]\n",
            "migration-drops-data",
            "app_user",
        ),
        (
            "app/migrations/0002_cleanup.py",
            "from django.db import migrations\nSQL = \"DROP TABLE app_user\"\nclass Migration(migrations.Migration):\n    dependencies = [(\"app\", \"0001_initial\")]\n    operations = [migrations.RunSQL(SQL)]\n",
            "migration-drops-data",
            "app_user",
        ),
    ];
    for (path, source, id, subject) in cases {
        let (code, report) = judge(
            &[("app/migrations/0001_initial.py", django_base)],
            &[(path, source)],
            true,
        );
        assert_eq!(code, 3, "{path}: {report}");
        assert!(has(&report, id, subject), "{path}: {report}");
    }
    let reverse_only = "from django.db import migrations\ndef noop(apps, schema_editor):\n    pass\ndef wipe(apps, schema_editor):\n    apps.get_model(\"app\", \"User\").objects.all().delete()\nclass Migration(migrations.Migration):\n    dependencies = [(\"app\", \"0001_initial\")]\n    operations = [migrations.RunPython(noop, wipe)]\n";
    let (code, report) = judge(
        &[("app/migrations/0001_initial.py", django_base)],
        &[("app/migrations/0002_backfill.py", reverse_only)],
        true,
    );
    assert!(
        !has(&report, "migration-unbounded-write", "User"),
        "{report}"
    );
    assert_eq!(code, 0, "{report}");
}
