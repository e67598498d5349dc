//! The framework schema calls that drop data or change the schema: data, one table per
//! framework, each with its documentation source.

use super::MigrationKind;
use crate::signal::Signal;

/// Where an argument is: position among positional arguments, or keyword name.
#[derive(Clone, Copy)]
pub(super) struct Arg(pub(super) usize, pub(super) &'static str);

/// One destructive schema call.
pub(super) struct DestructiveCall {
    /// Method or function name (last segment of the callee).
    pub(super) call: &'static str,
    /// `None`: the first argument is SQL, analysed as SQL.
    pub(super) signal: Option<Signal>,
    /// The table (or model); `None` for Knex column calls, whose table is the enclosing
    /// `schema.table('t', …)` builder.
    pub(super) table: Option<Arg>,
    pub(super) column: Option<Arg>,
    pub(super) what: &'static str,
}

const fn rule(
    call: &'static str,
    signal: Option<Signal>,
    table: Option<Arg>,
    column: Option<Arg>,
    what: &'static str,
) -> DestructiveCall {
    DestructiveCall {
        call,
        signal,
        table,
        column,
        what,
    }
}

const DROPS: Option<Signal> = Some(Signal::MigrationDropsData);
const ALTERS: Option<Signal> = Some(Signal::MigrationAltersSchema);
const T0: Option<Arg> = Some(Arg(0, "table_name"));
const C1: Option<Arg> = Some(Arg(1, "column_name"));

/// Rails, from the Rails guides "Active Record Migrations" (schema statements).
pub(super) const RAILS: &[DestructiveCall] = &[
    rule(
        "drop_table",
        DROPS,
        T0,
        None,
        "drops the table and its rows",
    ),
    rule("remove_column", DROPS, T0, C1, "drops the column's data"),
    rule(
        "remove_columns",
        DROPS,
        T0,
        None,
        "drops columns and their data",
    ),
    rule(
        "rename_column",
        ALTERS,
        T0,
        C1,
        "column renamed: running code still uses the old name",
    ),
    rule(
        "rename_table",
        ALTERS,
        T0,
        None,
        "table renamed: running code still uses the old name",
    ),
    rule(
        "change_column",
        ALTERS,
        T0,
        C1,
        "column type changes: rewrites the table and can break readers",
    ),
    rule(
        "remove_index",
        ALTERS,
        T0,
        None,
        "drops an index: queries that used it slow down",
    ),
    rule("execute", None, None, None, ""),
];

/// Django, from the Django docs "Migration Operations".
pub(super) const DJANGO: &[DestructiveCall] = &[
    rule(
        "DeleteModel",
        DROPS,
        Some(Arg(0, "name")),
        None,
        "drops the model's table and its rows",
    ),
    rule(
        "RemoveField",
        DROPS,
        Some(Arg(0, "model_name")),
        Some(Arg(1, "name")),
        "drops the field's column and its data",
    ),
    rule(
        "RenameField",
        ALTERS,
        Some(Arg(0, "model_name")),
        Some(Arg(1, "old_name")),
        "field renamed: running code still uses the old name",
    ),
    rule(
        "AlterField",
        ALTERS,
        Some(Arg(0, "model_name")),
        Some(Arg(1, "name")),
        "field definition changes: can rewrite the table and break readers",
    ),
    rule(
        "RenameModel",
        ALTERS,
        Some(Arg(0, "old_name")),
        None,
        "model renamed: running code still uses the old table",
    ),
    rule("RunSQL", None, None, None, ""),
    // `schema_editor.execute(sql)` or a cursor's, in a RunPython function ("Writing
    // migrations", SchemaEditor.execute).
    rule("execute", None, None, None, ""),
];

/// Alembic, from the Alembic docs "Operation Reference".
pub(super) const ALEMBIC: &[DestructiveCall] = &[
    rule(
        "drop_table",
        DROPS,
        T0,
        None,
        "drops the table and its rows",
    ),
    rule("drop_column", DROPS, T0, C1, "drops the column's data"),
    rule(
        "alter_column",
        ALTERS,
        T0,
        C1,
        "column altered: can rewrite the table and break readers",
    ),
    rule(
        "rename_table",
        ALTERS,
        T0,
        None,
        "table renamed: running code still uses the old name",
    ),
    rule(
        "drop_index",
        ALTERS,
        Some(Arg(0, "index_name")),
        None,
        "drops an index: queries that used it slow down",
    ),
    rule("execute", None, None, None, ""),
];

/// Knex, from the Knex docs "Schema Builder".
pub(super) const KNEX: &[DestructiveCall] = &[
    rule(
        "dropTable",
        DROPS,
        Some(Arg(0, "")),
        None,
        "drops the table and its rows",
    ),
    rule(
        "dropTableIfExists",
        DROPS,
        Some(Arg(0, "")),
        None,
        "drops the table and its rows",
    ),
    rule(
        "dropColumn",
        DROPS,
        None,
        Some(Arg(0, "")),
        "drops the column's data",
    ),
    rule(
        "dropColumns",
        DROPS,
        None,
        Some(Arg(0, "")),
        "drops columns and their data",
    ),
    rule(
        "renameColumn",
        ALTERS,
        None,
        Some(Arg(0, "")),
        "column renamed: running code still uses the old name",
    ),
    rule(
        "renameTable",
        ALTERS,
        Some(Arg(0, "")),
        None,
        "table renamed: running code still uses the old name",
    ),
    rule("raw", None, None, None, ""),
];

/// A model call that deletes or rewrites every row when called on the model itself or on a
/// query of every row ([`EVERY_ROW`]); `User.where(…).delete_all` is bounded and not one.
pub(super) struct ModelWrite {
    pub(super) kind: MigrationKind,
    pub(super) call: &'static str,
    pub(super) what: &'static str,
}

/// Sources: Rails API, `ActiveRecord::Relation#delete_all`, `#destroy_all`, `#update_all`
/// (also on the model class through `ActiveRecord::Querying`); Django docs, "`QuerySet` API
/// reference", `delete()` and `update()` (a manager proxies `update`, not `delete`).
pub(super) const MODEL_WRITES: &[ModelWrite] = &[
    ModelWrite {
        kind: MigrationKind::Rails,
        call: "delete_all",
        what: "deletes every row of the model's table",
    },
    ModelWrite {
        kind: MigrationKind::Rails,
        call: "destroy_all",
        what: "destroys every record of the model, deleting every row",
    },
    ModelWrite {
        kind: MigrationKind::Rails,
        call: "update_all",
        what: "rewrites every row of the model's table",
    },
    ModelWrite {
        kind: MigrationKind::Django,
        call: "delete",
        what: "deletes every row of the model's table",
    },
    ModelWrite {
        kind: MigrationKind::Django,
        call: "update",
        what: "rewrites every row of the model's table",
    },
];

/// Per framework: the steps between a model and a write that keep every row, and the steps of
/// which one must be present (Django reaches a query through a manager). Sources: Rails API
/// `ActiveRecord::Scoping::Named::ClassMethods#all`, `ActiveRecord::Scoping::Default#unscoped`;
/// Django docs "Managers" (`objects`, `_base_manager`, `_default_manager`) and "`QuerySet` API
/// reference" (`all()`).
pub(super) const EVERY_ROW: &[(MigrationKind, &[&str], &[&str])] = &[
    (MigrationKind::Rails, &["all", "unscoped"], &[]),
    (
        MigrationKind::Django,
        &["objects", "all", "_base_manager", "_default_manager"],
        &["objects", "_base_manager", "_default_manager"],
    ),
];
