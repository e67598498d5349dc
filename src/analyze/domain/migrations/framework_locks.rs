//! Framework schema calls that compile to a table-locking statement (see [`super::locks`]), with
//! the framework's own spelling of the safe alternative where it has one. PostgreSQL semantics
//! (the frameworks' option names, like `algorithm: :concurrently`, are PostgreSQL's). A table
//! the same migration creates is empty, so calls on it do not lock anything that matters.

use tree_sitter::Node;

use super::frameworks::{argument, arguments, callee, enclosing_table, text};
use super::rules::Arg;
use super::{DestructiveStatement, MigrationKind, locks, sql};
use crate::signal::Signal;

/// One locking call.
struct LockRule {
    kind: MigrationKind,
    call: &'static str,
    /// `None`: the enclosing Knex `table`/`alterTable` builder (a `createTable` one is exempt).
    table: Option<Arg>,
    column: Option<Arg>,
    /// Fires only when this argument's text holds the value ("" : when it is present).
    when: Option<(Arg, &'static str)>,
    /// The safe spelling: does not fire when this argument's text holds the value.
    unless: Option<(Arg, &'static str)>,
    /// The row of [`locks`] the call compiles to.
    shape: &'static str,
    /// The framework's safe alternative.
    fix: &'static str,
}

const INDEX: &str = "CREATE INDEX without CONCURRENTLY";
const FOREIGN: &str = "foreign key without NOT VALID";
const CHECK: &str = "CHECK constraint without NOT VALID";
const UNIQUE: &str = "UNIQUE or PRIMARY KEY constraint built in place";
const NOT_NULL: &str = "SET NOT NULL";
const TYPE: &str = "column type change";
const T0: Option<Arg> = Some(Arg(0, "table_name"));
/// A keyword-only argument.
const fn kw(name: &'static str) -> Arg {
    Arg(usize::MAX, name)
}

/// Sources: Rails API `add_index` (`algorithm: :concurrently`), `add_foreign_key` and
/// `add_check_constraint` (`validate: false`), `change_column_null`; Alembic "Operation
/// Reference" (`create_index(postgresql_concurrently=True)`, `create_foreign_key`,
/// `create_check_constraint`, `alter_column(nullable=…)`); Django `AddIndex` vs
/// `django.contrib.postgres.operations.AddIndexConcurrently`, `AddConstraint` vs
/// `AddConstraintNotValid`, a `ForeignKey` field (constraint and index); Knex "Schema Builder"
/// (`index`, `foreign`, `unique`).
const RULES: &[LockRule] = &[
    LockRule {
        kind: MigrationKind::Rails,
        call: "add_index",
        table: T0,
        column: None,
        when: None,
        unless: Some((kw("algorithm"), "concurrently")),
        shape: INDEX,
        fix: "add_index … algorithm: :concurrently with disable_ddl_transaction!",
    },
    LockRule {
        kind: MigrationKind::Rails,
        call: "add_foreign_key",
        table: T0,
        column: None,
        when: None,
        unless: Some((kw("validate"), "false")),
        shape: FOREIGN,
        fix: "add_foreign_key … validate: false, then validate_foreign_key in another migration",
    },
    LockRule {
        kind: MigrationKind::Rails,
        call: "add_reference",
        table: T0,
        column: None,
        when: Some((kw("foreign_key"), "true")),
        unless: None,
        shape: FOREIGN,
        fix: "add_reference without foreign_key, then add_foreign_key … validate: false and validate_foreign_key",
    },
    LockRule {
        kind: MigrationKind::Rails,
        call: "add_check_constraint",
        table: T0,
        column: None,
        when: None,
        unless: Some((kw("validate"), "false")),
        shape: CHECK,
        fix: "add_check_constraint … validate: false, then validate_check_constraint",
    },
    LockRule {
        kind: MigrationKind::Rails,
        call: "change_column_null",
        table: T0,
        column: Some(Arg(1, "column_name")),
        when: Some((Arg(2, "null"), "false")),
        unless: None,
        shape: NOT_NULL,
        fix: "add_check_constraint \"col IS NOT NULL\", validate: false; validate it; then change_column_null",
    },
    LockRule {
        kind: MigrationKind::Rails,
        call: "change_column",
        table: T0,
        column: Some(Arg(1, "column_name")),
        when: None,
        unless: None,
        shape: TYPE,
        fix: "add a new column, backfill it, switch reads and writes, drop the old one",
    },
    LockRule {
        kind: MigrationKind::Alembic,
        call: "create_index",
        table: Some(Arg(1, "table_name")),
        column: None,
        when: None,
        unless: Some((kw("postgresql_concurrently"), "True")),
        shape: INDEX,
        fix: "op.create_index(…, postgresql_concurrently=True) inside op.get_context().autocommit_block()",
    },
    LockRule {
        kind: MigrationKind::Alembic,
        call: "create_foreign_key",
        table: Some(Arg(1, "source_table")),
        column: None,
        when: None,
        unless: None,
        shape: FOREIGN,
        fix: "op.execute(\"ALTER TABLE … ADD CONSTRAINT … NOT VALID\"), then VALIDATE CONSTRAINT",
    },
    LockRule {
        kind: MigrationKind::Alembic,
        call: "create_check_constraint",
        table: Some(Arg(1, "table_name")),
        column: None,
        when: None,
        unless: None,
        shape: CHECK,
        fix: "op.execute(\"ALTER TABLE … ADD CONSTRAINT … CHECK (…) NOT VALID\"), then VALIDATE CONSTRAINT",
    },
    LockRule {
        kind: MigrationKind::Alembic,
        call: "create_unique_constraint",
        table: Some(Arg(1, "table_name")),
        column: None,
        when: None,
        unless: None,
        shape: UNIQUE,
        fix: "create the unique index concurrently, then ADD CONSTRAINT … USING INDEX",
    },
    LockRule {
        kind: MigrationKind::Alembic,
        call: "alter_column",
        table: T0,
        column: Some(Arg(1, "column_name")),
        when: Some((kw("nullable"), "False")),
        unless: None,
        shape: NOT_NULL,
        fix: "a NOT VALID check constraint, validated, before nullable=False",
    },
    LockRule {
        kind: MigrationKind::Alembic,
        call: "alter_column",
        table: T0,
        column: Some(Arg(1, "column_name")),
        when: Some((kw("type_"), "")),
        unless: None,
        shape: TYPE,
        fix: "add a new column, backfill it, switch reads and writes, drop the old one",
    },
    LockRule {
        kind: MigrationKind::Django,
        call: "AddIndex",
        table: Some(Arg(0, "model_name")),
        column: None,
        when: None,
        unless: None,
        shape: INDEX,
        fix: "AddIndexConcurrently (django.contrib.postgres.operations) in a non-atomic migration",
    },
    LockRule {
        kind: MigrationKind::Django,
        call: "AddConstraint",
        table: Some(Arg(0, "model_name")),
        column: None,
        when: Some((Arg(1, "constraint"), "CheckConstraint")),
        unless: None,
        shape: CHECK,
        fix: "AddConstraintNotValid, then ValidateConstraint (django.contrib.postgres.operations)",
    },
    LockRule {
        kind: MigrationKind::Django,
        call: "AddConstraint",
        table: Some(Arg(0, "model_name")),
        column: None,
        when: Some((Arg(1, "constraint"), "UniqueConstraint")),
        unless: None,
        shape: UNIQUE,
        fix: "a unique index built concurrently, then the constraint USING INDEX (RunSQL)",
    },
    LockRule {
        kind: MigrationKind::Django,
        call: "AddField",
        table: Some(Arg(0, "model_name")),
        column: Some(Arg(1, "name")),
        when: Some((Arg(2, "field"), "ForeignKey")),
        unless: Some((Arg(2, "field"), "db_constraint=False")),
        shape: FOREIGN,
        fix: "add the field with db_constraint=False, then the constraint NOT VALID and VALIDATE CONSTRAINT (RunSQL)",
    },
    LockRule {
        kind: MigrationKind::Knex,
        call: "index",
        table: None,
        column: None,
        when: None,
        unless: None,
        shape: INDEX,
        fix: "knex.raw('CREATE INDEX CONCURRENTLY …') in a migration with config.transaction = false",
    },
    LockRule {
        kind: MigrationKind::Knex,
        call: "foreign",
        table: None,
        column: Some(Arg(0, "")),
        when: None,
        unless: None,
        shape: FOREIGN,
        fix: "knex.raw('ALTER TABLE … ADD CONSTRAINT … NOT VALID'), then VALIDATE CONSTRAINT",
    },
    LockRule {
        kind: MigrationKind::Knex,
        call: "unique",
        table: None,
        column: None,
        when: None,
        unless: None,
        shape: UNIQUE,
        fix: "a unique index built concurrently, then the constraint USING INDEX (knex.raw)",
    },
];

/// Calls that create a table, with where its name is. Same sources as [`RULES`].
const CREATES: &[(MigrationKind, &str, Arg)] = &[
    (MigrationKind::Rails, "create_table", Arg(0, "table_name")),
    (MigrationKind::Alembic, "create_table", Arg(0, "table_name")),
    (MigrationKind::Django, "CreateModel", Arg(0, "name")),
];

/// Names of the tables a migration creates, lower case, given its `call_kind` nodes.
pub(super) fn created(kind: MigrationKind, calls: &[Node<'_>], source: &str) -> Vec<String> {
    calls
        .iter()
        .filter_map(|call| {
            let name = callee(*call, source)?;
            let (_, _, arg) = CREATES.iter().find(|(k, c, _)| *k == kind && *c == name)?;
            let (positional, keywords) = arguments(*call, source);
            argument(*arg, &positional, &keywords, source).map(|t| t.to_ascii_lowercase())
        })
        .collect()
}

/// Whether the argument's text holds `value` ("" : whether it is present).
fn holds(
    arg: Arg,
    value: &str,
    positional: &[Node<'_>],
    keywords: &[(String, Node<'_>)],
    source: &str,
) -> bool {
    let node = keywords
        .iter()
        .find(|(key, _)| key == arg.1)
        .map(|(_, node)| *node)
        .or_else(|| positional.get(arg.0).copied());
    node.is_some_and(|n| text(n, source).contains(value))
}

/// The lock a forward framework call `call` (named `name`) takes, if it takes one.
pub(super) fn finding(
    kind: MigrationKind,
    call: Node<'_>,
    name: &str,
    source: &str,
    created: &[String],
) -> Vec<DestructiveStatement> {
    let (positional, keywords) = arguments(call, source);
    RULES
        .iter()
        .filter(|rule| rule.kind == kind && rule.call == name)
        .filter(|rule| {
            rule.when
                .is_none_or(|(arg, value)| holds(arg, value, &positional, &keywords, source))
        })
        .filter(|rule| {
            !rule
                .unless
                .is_some_and(|(arg, value)| holds(arg, value, &positional, &keywords, source))
        })
        .filter_map(|rule| {
            let table = match rule.table {
                Some(arg) => argument(arg, &positional, &keywords, source)?,
                None => enclosing_table(call, source)?,
            };
            if created.contains(&table.to_ascii_lowercase()) {
                return None;
            }
            let subject = match rule
                .column
                .and_then(|arg| argument(arg, &positional, &keywords, source))
            {
                Some(column) => format!("{table}.{column}"),
                None => table,
            };
            let lock = locks::describe(rule.shape)?;
            Some(DestructiveStatement {
                signal: Signal::MigrationLocksTable,
                subject,
                line: u32::try_from(call.start_position().row + 1).unwrap_or(u32::MAX),
                what: format!("{name}: {lock}; safe alternative: {}", rule.fix),
                key: sql::normalise(text(call, source)),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::frameworks::code;
    use super::*;

    /// Every rule names a row of the lock table.
    #[test]
    fn rules_name_lock_rows() {
        for rule in RULES {
            assert!(locks::describe(rule.shape).is_some(), "{}", rule.call);
        }
    }

    /// Each framework's locking calls, their safe spellings, and calls on a table the same
    /// migration creates. (kind, source, expected lock subjects).
    #[test]
    fn framework_locks() {
        let cases: &[(MigrationKind, &str, &[&str])] = &[
            (
                MigrationKind::Rails,
                "class X < ActiveRecord::Migration[7.1]\n  def change\n    add_index :users, :email\n    add_index :orders, :total, algorithm: :concurrently\n    add_foreign_key :orders, :users\n    add_foreign_key :carts, :users, validate: false\n    change_column_null :users, :name, false\n    change_column_null :users, :nick, true\n    add_check_constraint :orders, \"total > 0\"\n    create_table :tags do |t|\n      t.string :name\n    end\n    add_index :tags, :name\n  end\nend\n",
                &["users", "orders", "users.name", "orders"],
            ),
            (
                MigrationKind::Alembic,
                "from alembic import op\n\ndef upgrade():\n    op.create_index('ix_email', 'users', ['email'])\n    op.create_index('ix_total', 'orders', ['total'], postgresql_concurrently=True)\n    op.create_foreign_key('fk', 'orders', 'users', ['user_id'], ['id'])\n    op.alter_column('users', 'name', nullable=False)\n    op.alter_column('users', 'nick', nullable=True)\n\ndef downgrade():\n    op.create_index('ix_x', 'users', ['x'])\n",
                &["users", "orders", "users.name"],
            ),
            (
                MigrationKind::Django,
                "from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    operations = [\n        migrations.AddIndex(model_name='order', index=models.Index(fields=['total'], name='ix')),\n        migrations.AddConstraint(model_name='order', constraint=models.CheckConstraint(check=models.Q(total__gt=0), name='positive')),\n        migrations.AddField(model_name='order', name='user', field=models.ForeignKey(on_delete=models.CASCADE, to='shop.user')),\n        AddIndexConcurrently(model_name='cart', index=models.Index(fields=['x'], name='iy')),\n    ]\n",
                &["order", "order", "order.user"],
            ),
            (
                MigrationKind::Knex,
                "exports.up = function (knex) {\n  return knex.schema.alterTable('users', (t) => {\n    t.index(['email']);\n    t.foreign('team_id').references('teams.id');\n  }).createTable('tags', (t) => {\n    t.index(['name']);\n  });\n};\n",
                &["users", "users.team_id"],
            ),
        ];
        for (kind, source, subjects) in cases {
            let found = code(*kind, source).expect("parses");
            let got: Vec<&str> = found
                .iter()
                .filter(|f| f.signal == Signal::MigrationLocksTable)
                .map(|f| f.subject.as_str())
                .collect();
            assert_eq!(&got, subjects, "{kind:?}");
        }
        let changelog = "<databaseChangeLog>\n  <changeSet id=\"1\" author=\"a\">\n    <createIndex tableName=\"users\" indexName=\"ix\">\n      <column name=\"email\"/>\n    </createIndex>\n    <addForeignKeyConstraint baseTableName=\"orders\" baseColumnNames=\"user_id\" constraintName=\"fk\" referencedTableName=\"users\" referencedColumnNames=\"id\" validate=\"false\"/>\n    <addNotNullConstraint tableName=\"users\" columnName=\"name\"/>\n  </changeSet>\n</databaseChangeLog>\n";
        let found = super::super::liquibase::findings(changelog);
        let got: Vec<(&str, u32)> = found
            .iter()
            .filter(|f| f.signal == Signal::MigrationLocksTable)
            .map(|f| (f.subject.as_str(), f.line))
            .collect();
        assert_eq!(got, [("users", 3), ("users", 7)]);
        assert!(found[0].what.contains("CONCURRENTLY"), "{}", found[0].what);
    }
}
