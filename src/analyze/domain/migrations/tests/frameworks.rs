//! Framework migrations whose data loss sits one call away (red-team `sql-framework-gaps.sh`):
//! a same-file helper called from Alembic's `upgrade()`, whole-table model writes in Rails and
//! Django, `RunPython` functions, and `RunSQL` given a module constant. Near misses stay quiet:
//! narrowed queries, rollback-only functions, helpers nothing forward calls.

use super::*;

/// (name, kind, source, expected (signal, subject) facts).
type Case = (
    &'static str,
    MigrationKind,
    &'static str,
    &'static [(Signal, &'static str)],
);

const CASES: &[Case] = &[
    (
        "Alembic helper called from upgrade",
        MigrationKind::Alembic,
        "from alembic import op\ndef _drop_legacy():\n    op.drop_table(\"users\")\ndef upgrade():\n    _drop_legacy()\ndef downgrade():\n    pass\n",
        &[(Drops, "users")],
    ),
    (
        "Alembic helper two levels down",
        MigrationKind::Alembic,
        "from alembic import op\ndef _inner():\n    op.drop_column(\"users\", \"age\")\ndef _outer():\n    _inner()\ndef upgrade():\n    _outer()\n",
        &[(Drops, "users.age")],
    ),
    (
        "Alembic helper only downgrade calls",
        MigrationKind::Alembic,
        "from alembic import op\ndef _drop():\n    op.drop_table(\"users\")\ndef upgrade():\n    op.create_table(\"users\")\ndef downgrade():\n    _drop()\n",
        &[],
    ),
    (
        "Rails delete_all, destroy_all and update_all on the whole table",
        MigrationKind::Rails,
        "class Cleanup < ActiveRecord::Migration[7.1]\n  def up\n    User.delete_all\n    Post.all.destroy_all\n    Admin::Account.unscoped.update_all(active: false)\n  end\nend\n",
        &[
            (Unbounded, "User"),
            (Unbounded, "Post"),
            (Unbounded, "Admin::Account"),
        ],
    ),
    (
        "Rails narrowed or rollback-only writes",
        MigrationKind::Rails,
        "class Cleanup < ActiveRecord::Migration[7.1]\n  def up\n    User.where(active: false).delete_all\n    User.find(1).update_all(a: 1)\n  end\n  def down\n    User.delete_all\n  end\nend\n",
        &[],
    ),
    (
        "Django RunPython deleting every row and dropping a table",
        MigrationKind::Django,
        "from django.db import migrations\ndef wipe(apps, schema_editor):\n    apps.get_model(\"app\", \"User\").objects.all().delete()\n    Tag = apps.get_model(\"app\", \"Tag\")\n    Tag.objects.update(name=\"\")\n    schema_editor.execute(\"DROP TABLE app_user\")\nclass Migration(migrations.Migration):\n    operations = [migrations.RunPython(wipe)]\n",
        &[(Unbounded, "User"), (Unbounded, "Tag"), (Drops, "app_user")],
    ),
    (
        "Django filtered writes and the reverse function",
        MigrationKind::Django,
        "from django.db import migrations\ndef forwards(apps, schema_editor):\n    User = apps.get_model(\"app\", \"User\")\n    User.objects.filter(active=False).delete()\n    settings.update({\"a\": 1})\ndef backwards(apps, schema_editor):\n    apps.get_model(\"app\", \"User\").objects.all().delete()\n    schema_editor.execute(\"DROP TABLE app_user\")\nclass Migration(migrations.Migration):\n    operations = [migrations.RunPython(forwards, reverse_code=backwards)]\n",
        &[],
    ),
    (
        "Django RunSQL given a module constant, and a list of them",
        MigrationKind::Django,
        "from django.db import migrations\nSQL = \"DROP TABLE app_user\"\nMORE = \"TRUNCATE app_tag\"\nclass Migration(migrations.Migration):\n    operations = [migrations.RunSQL(SQL), migrations.RunSQL([MORE], reverse_sql=SQL)]\n",
        &[(Drops, "app_user"), (Drops, "app_tag")],
    ),
];

#[test]
fn data_loss_one_call_away() {
    for (name, kind, source, expected) in CASES {
        let found = extract(*kind, "migrations/x", source)
            .expect("parses")
            .found;
        let got: Vec<(Signal, &str)> = found
            .iter()
            .map(|f| (f.signal, f.subject.as_str()))
            .collect();
        assert_eq!(&got, expected, "{name}");
    }
}
