//! Framework migrations read in their own language with the code grammars: which schema calls
//! drop or change data, and whether they run forward (`up`, `change`, `upgrade`) or only on
//! rollback (`down`, `downgrade`, Django's `reverse_sql`). Liquibase changelogs are read line
//! by line.

use tree_sitter::{Node, Parser};

use super::rules::{ALEMBIC, Arg, DJANGO, KNEX, RAILS, Rule};
use super::{Finding, Kind, sql};
use crate::analyze::lang::by_name;

/// Function names whose body only runs on rollback.
const REVERSE_SCOPES: &[&str] = &["down", "downgrade"];

struct Framework {
    grammar: &'static str,
    call_kind: &'static str,
    rules: &'static [Rule],
    /// A call counts only inside a scope of one of these names (empty: anywhere not reverse).
    forward_scopes: &'static [&'static str],
}

fn framework(kind: Kind) -> Option<Framework> {
    let (grammar, call_kind, rules, forward_scopes): (_, _, _, &'static [&'static str]) = match kind
    {
        Kind::Rails => ("ruby", "call", RAILS, &[]),
        Kind::Django => ("python", "call", DJANGO, &[]),
        Kind::Alembic => ("python", "call", ALEMBIC, &["upgrade"]),
        Kind::Knex => ("typescript", "call_expression", KNEX, &["up"]),
        _ => return None,
    };
    Some(Framework {
        grammar,
        call_kind,
        rules,
        forward_scopes,
    })
}

fn text<'s>(node: Node<'_>, source: &'s str) -> &'s str {
    &source[node.byte_range()]
}

/// The callee's last name segment (`op.drop_table` → `drop_table`).
fn callee(call: Node<'_>, source: &str) -> Option<String> {
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

/// Whether `node` runs forward: not under a reverse scope, and under a forward one if required.
fn runs_forward(node: Node<'_>, source: &str, forward_scopes: &[&str]) -> bool {
    let mut in_forward = forward_scopes.is_empty();
    let mut current = node.parent();
    while let Some(scope) = current {
        if let Some(name) = scope_name(scope, source) {
            if REVERSE_SCOPES.contains(&name) {
                return false;
            }
            in_forward |= forward_scopes.contains(&name);
        }
        current = scope.parent();
    }
    in_forward
}

/// Positional and keyword arguments of a call.
fn arguments<'t>(call: Node<'t>, source: &str) -> (Vec<Node<'t>>, Vec<(String, Node<'t>)>) {
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

fn argument(
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
/// string, a list or tuple of strings (Django), or a Ruby heredoc, whose body follows the call.
fn sql_source(arg: Node<'_>, call: Node<'_>, source: &str) -> Vec<(String, u32)> {
    let before = |node: Node<'_>| u32::try_from(node.start_position().row).unwrap_or(u32::MAX);
    match arg.kind() {
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
                .map(|item| (literal(item, source), before(item)))
                .collect()
        }
        _ => vec![(literal(arg, source), before(arg))],
    }
}

/// The table of the Knex builder around a column call: `schema.table('users', t => …)`.
fn enclosing_table(node: Node<'_>, source: &str) -> Option<String> {
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

/// Forward findings of a Rails, Django, Alembic or Knex migration.
pub(super) fn code(kind: Kind, source: &str) -> Result<Vec<Finding>, String> {
    code_scoped(kind, source, true)
}

/// As [`code`]; `scoped: false` ignores the forward scope (a lone line has none).
fn code_scoped(kind: Kind, source: &str, scoped: bool) -> Result<Vec<Finding>, String> {
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
    // An explicit stack, not recursion: generated migrations can nest deeply.
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
        if node.kind() != framework.call_kind {
            continue;
        }
        let Some(name) = callee(node, source) else {
            continue;
        };
        let Some(rule) = framework.rules.iter().find(|r| r.call == name) else {
            continue;
        };
        if !runs_forward(node, source, framework.forward_scopes) {
            continue;
        }
        let line = u32::try_from(node.start_position().row + 1).unwrap_or(u32::MAX);
        let (positional, keywords) = arguments(node, source);
        let Some(signal) = rule.signal else {
            // Raw SQL: Django's `sql=` (never `reverse_sql`), else the first argument.
            let sql_node = keywords
                .iter()
                .find(|(key, _)| key == "sql")
                .map(|(_, value)| *value)
                .or_else(|| positional.first().copied());
            for (sql_text, offset) in sql_node
                .map(|n| sql_source(n, node, source))
                .unwrap_or_default()
            {
                if let Ok(found) = sql::findings(&sql_text, offset, false) {
                    out.extend(found);
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
        out.push(Finding {
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
pub(super) fn line_level(kind: Kind, line_text: &str, line: u32) -> Vec<Finding> {
    match kind {
        Kind::Liquibase => super::liquibase::line(&[line_text], 0)
            .map(|f| Finding { line, ..f })
            .into_iter()
            .collect(),
        _ => code_scoped(kind, line_text, false)
            .unwrap_or_default()
            .into_iter()
            .map(|f| Finding {
                line,
                what: format!("{} (read line by line)", f.what),
                ..f
            })
            .collect(),
    }
}
