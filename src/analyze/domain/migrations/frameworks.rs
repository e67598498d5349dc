//! Framework migrations read in their own language with the code grammars: which schema calls
//! drop or change data, and whether they run forward (`up`, `change`, `upgrade`) or only on
//! rollback (`down`, `downgrade`, Django's `reverse_sql`). Liquibase changelogs are read line
//! by line.

use tree_sitter::{Node, Parser};

use super::calls::{self, Scopes};
use super::rules::{ALEMBIC, Arg, DJANGO, DestructiveCall, KNEX, MODEL_WRITES, RAILS};
use super::{DestructiveStatement, MigrationKind, framework_locks, sql};
use crate::analyze::lang::by_name;
use crate::signal::Signal;

/// Byte markers a framework's migration files carry, all of a row present (in the
/// first [`SNIFF_BYTES`]): its import and its base class or entry point. Sources: Alembic docs,
/// "Tutorial" (a revision imports `op` from `alembic` and defines `upgrade`); Django docs,
/// "Migrations" (`from django.db import migrations`, `class Migration(migrations.Migration)`);
/// Rails guides, "Active Record Migrations" (`< ActiveRecord::Migration[x.y]`); Knex docs,
/// "Migrations" (`exports.up = function (knex)`, `export async function up(knex)`).
const MARKERS: &[(MigrationKind, &[&[u8]])] = &[
    (
        MigrationKind::Alembic,
        &[b"from alembic import", b"def upgrade"],
    ),
    (
        MigrationKind::Django,
        &[b"from django.db import migrations", b"class Migration"],
    ),
    (MigrationKind::Rails, &[b"< ActiveRecord::Migration"]),
    (MigrationKind::Knex, &[b"exports.up", b"knex"]),
    (MigrationKind::Knex, &[b"up(knex"]),
];

/// How much of a file is searched for [`MARKERS`]: imports and the class sit at the top,
/// after at most a docstring.
const SNIFF_BYTES: usize = 8192;

/// Whether `content` is a `kind` migration by its imports and base class: a cheap byte search,
/// nothing parsed.
pub(super) fn declares(kind: MigrationKind, content: &[u8]) -> bool {
    let head = &content[..content.len().min(SNIFF_BYTES)];
    MARKERS
        .iter()
        .filter(|(k, _)| *k == kind)
        .any(|(_, needles)| {
            needles
                .iter()
                .all(|n| memchr::memmem::find(head, n).is_some())
        })
}

/// Function names whose body only runs on rollback.
const REVERSE_SCOPES: &[&str] = &["down", "downgrade"];

struct Framework {
    grammar: &'static str,
    call_kind: &'static str,
    rules: &'static [DestructiveCall],
    /// A call counts only inside a scope of one of these names (empty: anywhere not reverse).
    forward_scopes: &'static [&'static str],
}

fn framework(kind: MigrationKind) -> Option<Framework> {
    let (grammar, call_kind, rules, forward_scopes): (_, _, _, &'static [&'static str]) = match kind
    {
        MigrationKind::Rails => ("ruby", "call", RAILS, &[]),
        MigrationKind::Django => ("python", "call", DJANGO, &[]),
        MigrationKind::Alembic => ("python", "call", ALEMBIC, &["upgrade"]),
        MigrationKind::Knex => ("typescript", "call_expression", KNEX, &["up"]),
        _ => return None,
    };
    Some(Framework {
        grammar,
        call_kind,
        rules,
        forward_scopes,
    })
}

pub(super) fn text<'s>(node: Node<'_>, source: &'s str) -> &'s str {
    &source[node.byte_range()]
}

/// The callee's last name segment (`op.drop_table` → `drop_table`).
pub(super) fn callee(call: Node<'_>, source: &str) -> Option<String> {
    let function = call
        .child_by_field_name("method")
        .or_else(|| call.child_by_field_name("function"))?;
    let name = text(function, source);
    Some(name.rsplit(['.', ':']).next().unwrap_or(name).to_string())
}

/// The name a scope node defines (function, method, `exports.down =`, `down:`), last segment.
fn scope_name<'s>(node: Node<'_>, source: &'s str) -> Option<&'s str> {
    let named = match node.kind() {
        "function_definition"
        | "method"
        | "singleton_method"
        | "function_declaration"
        | "method_definition"
        | "variable_declarator" => node.child_by_field_name("name"),
        "assignment_expression" => node.child_by_field_name("left"),
        "pair" => node.child_by_field_name("key"),
        "call" => node.child_by_field_name("method"),
        _ => None,
    }?;
    let name = text(named, source);
    Some(name.rsplit('.').next().unwrap_or(name))
}

/// Whether `node` runs forward: not under a reverse scope, and under a forward one if required
/// (an entry point, or a function one calls or `RunPython` runs: [`calls::scopes`]).
fn runs_forward(node: Node<'_>, source: &str, forward_scopes: &[&str], found: &Scopes) -> bool {
    let mut in_forward = forward_scopes.is_empty();
    let mut current = node.parent();
    while let Some(scope) = current {
        if let Some(name) = scope_name(scope, source) {
            if REVERSE_SCOPES.contains(&name) || found.reverse.iter().any(|r| r == name) {
                return false;
            }
            in_forward |= forward_scopes.contains(&name) || found.forward.iter().any(|f| f == name);
        }
        current = scope.parent();
    }
    in_forward
}

/// Positional and keyword arguments of a call.
pub(super) fn arguments<'t>(
    call: Node<'t>,
    source: &str,
) -> (Vec<Node<'t>>, Vec<(String, Node<'t>)>) {
    let mut positional = Vec::new();
    let mut keywords = Vec::new();
    let Some(list) = call.child_by_field_name("arguments") else {
        return (positional, keywords);
    };
    let mut cursor = list.walk();
    for arg in list.named_children(&mut cursor) {
        match arg.kind() {
            "comment" => {}
            "keyword_argument" | "pair" => {
                let key = arg
                    .child_by_field_name("name")
                    .or_else(|| arg.child_by_field_name("key"));
                if let (Some(key), Some(value)) = (key, arg.child_by_field_name("value")) {
                    keywords.push((text(key, source).trim_end_matches(':').to_string(), value));
                }
            }
            _ => positional.push(arg),
        }
    }
    (positional, keywords)
}

/// A literal's value without quotes, symbol colon or Python string prefix.
fn literal(node: Node<'_>, source: &str) -> String {
    let raw = text(node, source);
    let raw = raw.strip_prefix(':').unwrap_or(raw);
    // Python prefixes (`r"…"`, `rb'…'`) sit before the quote; identifiers are kept whole.
    let raw = match raw.find(['"', '\'']) {
        Some(at) if at <= 2 && raw[..at].chars().all(|c| "rbufRBUF".contains(c)) => &raw[at..],
        _ => raw,
    };
    raw.trim_matches(['"', '\'', '`']).to_string()
}

pub(super) fn argument(
    arg: Arg,
    positional: &[Node<'_>],
    keywords: &[(String, Node<'_>)],
    source: &str,
) -> Option<String> {
    keywords
        .iter()
        .find(|(key, _)| !arg.1.is_empty() && key == arg.1)
        .map(|(_, value)| *value)
        .or_else(|| positional.get(arg.0).copied())
        .map(|node| literal(node, source))
}

/// The SQL pieces an `execute`/`RunSQL`/`raw` argument holds, each with the line before it: a
/// string, a list or tuple of strings (Django), a Ruby heredoc, whose body follows the call, or
/// a module constant holding one of these (`RunSQL(SQL)`; `root` is the file's tree).
fn sql_source(arg: Node<'_>, call: Node<'_>, root: Node<'_>, source: &str) -> Vec<(String, u32)> {
    let before = |node: Node<'_>| u32::try_from(node.start_position().row).unwrap_or(u32::MAX);
    match arg.kind() {
        "identifier" | "constant" => calls::constant(root, text(arg, source), source)
            .filter(|value| !matches!(value.kind(), "identifier" | "constant"))
            .map(|value| sql_source(value, value, root, source))
            .unwrap_or_default(),
        "heredoc_beginning" => {
            let mut next = call.next_named_sibling();
            while let Some(node) = next {
                if node.kind() == "heredoc_body" {
                    let body = text(node, source);
                    let end = body.rfind('\n').unwrap_or(body.len());
                    return vec![(body[..end].to_string(), before(node))];
                }
                next = node.next_named_sibling();
            }
            Vec::new()
        }
        "list" | "tuple" | "array" => {
            let mut cursor = arg.walk();
            arg.named_children(&mut cursor)
                .flat_map(|item| sql_source(item, item, root, source))
                .collect()
        }
        _ => vec![(literal(arg, source), before(arg))],
    }
}

/// The table of the Knex builder around a column call: `schema.table('users', t => …)`.
pub(super) fn enclosing_table(node: Node<'_>, source: &str) -> Option<String> {
    let mut current = node.parent();
    while let Some(scope) = current {
        if scope.kind() == "call_expression"
            && matches!(
                callee(scope, source).as_deref(),
                Some("table" | "alterTable")
            )
        {
            let (positional, _) = arguments(scope, source);
            return positional.first().map(|n| literal(*n, source));
        }
        current = scope.parent();
    }
    None
}

/// The calls and the function definitions of a tree, by an explicit stack, not recursion:
/// generated migrations can nest deeply.
fn calls_and_definitions<'t>(root: Node<'t>, call_kind: &str) -> (Vec<Node<'t>>, Vec<Node<'t>>) {
    let mut stack = vec![root];
    let (mut calls, mut definitions) = (Vec::new(), Vec::new());
    while let Some(node) = stack.pop() {
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
        if node.kind() == call_kind {
            calls.push(node);
        } else if matches!(
            node.kind(),
            "function_definition" | "function_declaration" | "variable_declarator"
        ) {
            definitions.push(node);
        }
    }
    (calls, definitions)
}

/// Forward findings of a Rails, Django, Alembic or Knex migration.
pub(super) fn code(kind: MigrationKind, source: &str) -> Result<Vec<DestructiveStatement>, String> {
    code_scoped(kind, source, true)
}

/// As [`code`]; `scoped: false` ignores the forward scope (a lone line has none).
fn code_scoped(
    kind: MigrationKind,
    source: &str,
    scoped: bool,
) -> Result<Vec<DestructiveStatement>, String> {
    let mut framework = framework(kind).ok_or("not a code migration")?;
    if !scoped {
        framework.forward_scopes = &[];
    }
    let language = by_name(framework.grammar).ok_or("code grammar not registered")?;
    let mut parser = Parser::new();
    parser
        .set_language(&(language.grammar)())
        .map_err(|e| e.to_string())?;
    let tree = parser.parse(source, None).ok_or("the parser gave up")?;
    let mut out = Vec::new();
    let root = tree.root_node();
    let (calls, definitions) = calls_and_definitions(root, framework.call_kind);
    let found = if scoped {
        calls::scopes(kind, &definitions, &calls, framework.forward_scopes, source)
    } else {
        Scopes::default()
    };
    let created = framework_locks::created(kind, &calls, source);
    for node in calls {
        let Some(name) = callee(node, source) else {
            continue;
        };
        let locks = framework_locks::finding(kind, node, &name, source, &created);
        let rule = framework.rules.iter().find(|r| r.call == name);
        let write = MODEL_WRITES
            .iter()
            .filter(|w| w.call == name)
            .find_map(|w| calls::whole_table(kind, w, node, source).map(|model| (w, model)));
        if (locks.is_empty() && rule.is_none() && write.is_none())
            || !runs_forward(node, source, framework.forward_scopes, &found)
        {
            continue;
        }
        out.extend(locks);
        let line = u32::try_from(node.start_position().row + 1).unwrap_or(u32::MAX);
        if let Some((write, model)) = write {
            out.push(DestructiveStatement {
                signal: Signal::MigrationUnboundedWrite,
                subject: model,
                line,
                what: format!("{name}: {}", write.what),
                key: sql::normalise(text(node, source)),
            });
        }
        let Some(rule) = rule else {
            continue;
        };
        let (positional, keywords) = arguments(node, source);
        let Some(signal) = rule.signal else {
            // Raw SQL: Django's `sql=` (never `reverse_sql`), else the first argument.
            let sql_node = keywords
                .iter()
                .find(|(key, _)| key == "sql")
                .map(|(_, value)| *value)
                .or_else(|| positional.first().copied());
            for (sql_text, offset) in sql_node
                .map(|n| sql_source(n, node, root, source))
                .unwrap_or_default()
            {
                if let Ok(read) = sql::findings(&sql_text, offset, None) {
                    out.extend(read.found);
                }
            }
            continue;
        };
        let table = match rule.table {
            Some(arg) => argument(arg, &positional, &keywords, source),
            None => enclosing_table(node, source),
        }
        .unwrap_or_else(|| "?".to_string());
        let subject = match rule
            .column
            .and_then(|arg| argument(arg, &positional, &keywords, source))
        {
            Some(column) => format!("{table}.{column}"),
            None => table,
        };
        out.push(DestructiveStatement {
            signal,
            subject,
            line,
            what: format!("{name}: {}", rule.what),
            key: sql::normalise(text(node, source)),
        });
    }
    out.sort_by_key(|f| f.line);
    Ok(out)
}

/// Framework calls recognised on one added line, for files whose contents are unavailable.
pub(super) fn line_level(
    kind: MigrationKind,
    line_text: &str,
    line: u32,
) -> Vec<DestructiveStatement> {
    match kind {
        MigrationKind::Liquibase => super::liquibase::line(&[line_text], 0)
            .map(|f| DestructiveStatement { line, ..f })
            .into_iter()
            .collect(),
        _ => code_scoped(kind, line_text, false)
            .unwrap_or_default()
            .into_iter()
            .map(|f| DestructiveStatement {
                line,
                what: format!("{} (read line by line)", f.what),
                ..f
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::kind_of;
    use super::*;

    const ALEMBIC_DROP: &str = "\"\"\"drop legacy\n\nRevision ID: 1a2b\n\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = \"1a2b\"\n\ndef upgrade():\n    op.drop_table(\"legacy_users\")\n\ndef downgrade():\n    op.create_table(\"legacy_users\", sa.Column(\"id\", sa.Integer))\n";
    const DJANGO: &str = "from django.db import migrations\n\nclass Migration(migrations.Migration):\n    operations = [migrations.DeleteModel(name=\"Invoice\")]\n";

    /// The framework is read from the file's imports and base class, whatever its directory;
    /// the directory decides only when the content says nothing.
    #[test]
    fn framework_by_content() {
        let cases: &[(&str, &str, Option<MigrationKind>)] = &[
            (
                "migrations/0007_drop.py",
                ALEMBIC_DROP,
                Some(MigrationKind::Alembic),
            ),
            (
                "app/db/schema_changes/0007.py",
                ALEMBIC_DROP,
                Some(MigrationKind::Alembic),
            ),
            (
                "billing/schema/0003_invoice.py",
                DJANGO,
                Some(MigrationKind::Django),
            ),
            (
                "app/migrations/0003_invoice.py",
                DJANGO,
                Some(MigrationKind::Django),
            ),
            (
                "app/migrations/0004_x.py",
                "x = 1\n",
                Some(MigrationKind::Django),
            ),
            (
                "db/changes/20240101_drop.rb",
                "class DropUsers < ActiveRecord::Migration[7.1]\n  def change\n    drop_table :users\n  end\nend\n",
                Some(MigrationKind::Rails),
            ),
            (
                "src/schema/001_drop.js",
                "exports.up = function (knex) {\n  return knex.schema.dropTable('users');\n};\n",
                Some(MigrationKind::Knex),
            ),
            ("tools/helpers.py", "import os\n", None),
            (
                "spec/rails_helper.rb",
                "ActiveRecord::Migration.maintain_test_schema!\n",
                None,
            ),
            (
                "src/db/repo.js",
                "const setup = () => knex.schema.hasTable('users'); // group by\n",
                None,
            ),
            ("alembic/env.py", "from alembic import context\n", None),
        ];
        for (path, content, expected) in cases {
            assert_eq!(kind_of(path, content.as_bytes()), *expected, "{path}");
        }
    }

    /// An Alembic drop under `migrations/` is a forward drop read with Alembic's rules.
    #[test]
    fn alembic_under_migrations_drops_data() {
        let kind =
            kind_of("migrations/0007_drop.py", ALEMBIC_DROP.as_bytes()).expect("a migration");
        let found = code(kind, ALEMBIC_DROP).expect("parses");
        let drops: Vec<(&str, u32)> = found
            .iter()
            .filter(|f| f.signal == crate::signal::Signal::MigrationDropsData)
            .map(|f| (f.subject.as_str(), f.line))
            .collect();
        assert_eq!(drops, [("legacy_users", 11)]);
    }
}
