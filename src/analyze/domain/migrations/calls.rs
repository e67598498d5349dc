//! What framework migration code runs besides its schema calls, within the same file:
//! functions the forward entry point calls (one or two levels), the functions Django's
//! `RunPython` runs forward or on rollback, module constants given to `RunSQL`/`execute`, and
//! model calls that delete or rewrite every row (`User.delete_all`,
//! `Model.objects.all().delete()`).

use tree_sitter::Node;

use super::MigrationKind;
use super::frameworks::{arguments, text};
use super::rules::{EVERY_ROW, ModelWrite};

/// How many levels of same-file calls from a forward entry point are followed.
const CALL_DEPTH: usize = 2;

/// Function names whose bodies run forward or only on rollback, beyond the entry points'
/// names themselves.
#[derive(Debug, Default)]
pub(super) struct Scopes {
    pub(super) forward: Vec<String>,
    pub(super) reverse: Vec<String>,
}

/// The name a function definition binds, for the node kinds of the frameworks' grammars.
fn defined_name<'s>(node: Node<'_>, source: &'s str) -> Option<&'s str> {
    match node.kind() {
        "function_definition" | "function_declaration" => {
            node.child_by_field_name("name").map(|n| text(n, source))
        }
        // `const helper = async (knex) => …`
        "variable_declarator"
            if node
                .child_by_field_name("value")
                .is_some_and(|v| matches!(v.kind(), "arrow_function" | "function_expression")) =>
        {
            node.child_by_field_name("name").map(|n| text(n, source))
        }
        _ => None,
    }
}

/// The bare function a call names (`helper()`, not `op.helper()`).
fn bare_callee<'s>(call: Node<'_>, source: &'s str) -> Option<&'s str> {
    call.child_by_field_name("function")
        .filter(|f| f.kind() == "identifier")
        .map(|f| text(f, source))
}

/// Whether `node` lies inside `scope`.
fn inside(node: Node<'_>, scope: Node<'_>) -> bool {
    node.start_byte() >= scope.start_byte() && node.end_byte() <= scope.end_byte()
}

/// The functions that run forward or on rollback: Django's `RunPython(code, reverse_code)`
/// functions, then same-file functions called from a forward one (`entry` names the entry
/// points, e.g. Alembic's `upgrade`), [`CALL_DEPTH`] levels deep.
pub(super) fn scopes(
    kind: MigrationKind,
    nodes: &[Node<'_>],
    calls: &[Node<'_>],
    entry: &[&str],
    source: &str,
) -> Scopes {
    let mut scopes = Scopes::default();
    let definitions: Vec<(&str, Node<'_>)> = nodes
        .iter()
        .filter_map(|n| defined_name(*n, source).map(|name| (name, *n)))
        .collect();
    if kind == MigrationKind::Django {
        // Django docs, "Migration Operations": RunPython(code, reverse_code=None, …).
        for call in calls {
            if super::frameworks::callee(*call, source).as_deref() != Some("RunPython") {
                continue;
            }
            let (positional, keywords) = arguments(*call, source);
            let named = |position: usize, key: &str| {
                keywords
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| *v)
                    .or_else(|| positional.get(position).copied())
                    .filter(|n| n.kind() == "identifier")
                    .map(|n| text(n, source).to_string())
            };
            scopes.forward.extend(named(0, "code"));
            scopes.reverse.extend(named(1, "reverse_code"));
        }
    }
    let mut frontier: Vec<String> = entry.iter().map(ToString::to_string).collect();
    frontier.extend(scopes.forward.iter().cloned());
    for _ in 0..CALL_DEPTH {
        let mut next = Vec::new();
        for (name, body) in &definitions {
            if !frontier.iter().any(|f| f == name) {
                continue;
            }
            for call in calls.iter().filter(|c| inside(**c, *body)) {
                let Some(called) = bare_callee(*call, source) else {
                    continue;
                };
                let known = definitions.iter().any(|(d, _)| *d == called);
                let seen = scopes.forward.iter().chain(&next).any(|f| f == called);
                if known && !seen && !entry.contains(&called) {
                    next.push(called.to_string());
                }
            }
        }
        scopes.forward.extend(next.iter().cloned());
        frontier = next;
    }
    // A function that also runs forward is not rollback-only.
    scopes.reverse.retain(|r| !scopes.forward.contains(r));
    scopes
}

/// The value of a module-level constant (`SQL = "DROP TABLE t"`, Ruby `SQL = <<~SQL`).
pub(super) fn constant<'t>(root: Node<'t>, name: &str, source: &str) -> Option<Node<'t>> {
    let mut cursor = root.walk();
    root.named_children(&mut cursor).find_map(|statement| {
        let assignment = if statement.kind() == "expression_statement" {
            statement.named_child(0)?
        } else {
            statement
        };
        let left = assignment.child_by_field_name("left")?;
        (assignment.kind() == "assignment" && text(left, source) == name)
            .then(|| assignment.child_by_field_name("right"))
            .flatten()
    })
}

/// One step of a receiver chain: a method or attribute name, and the node applying it.
struct Step<'t> {
    name: &'t str,
    node: Node<'t>,
}

/// The receiver of a method call (Ruby `receiver`, Python `function.object`).
fn receiver(call: Node<'_>) -> Option<Node<'_>> {
    call.child_by_field_name("receiver").or_else(|| {
        call.child_by_field_name("function")
            .filter(|f| f.kind() == "attribute")
            .and_then(|f| f.child_by_field_name("object"))
    })
}

/// `expression` as its root and the names applied to it, innermost first:
/// `apps.get_model("a", "U").objects.all()` is `apps` with `get_model`, `objects`, `all`.
fn chain<'t>(mut expression: Node<'t>, source: &'t str) -> (Node<'t>, Vec<Step<'t>>) {
    let mut steps = Vec::new();
    loop {
        let (name, inner) = match expression.kind() {
            // Ruby `receiver.method`.
            "call" if expression.child_by_field_name("method").is_some() => (
                expression.child_by_field_name("method"),
                expression.child_by_field_name("receiver"),
            ),
            // Python `object.attribute(…)`.
            "call" => match expression
                .child_by_field_name("function")
                .filter(|f| f.kind() == "attribute")
            {
                Some(f) => (
                    f.child_by_field_name("attribute"),
                    f.child_by_field_name("object"),
                ),
                None => break,
            },
            "attribute" => (
                expression.child_by_field_name("attribute"),
                expression.child_by_field_name("object"),
            ),
            _ => break,
        };
        let (Some(name), Some(inner)) = (name, inner) else {
            break;
        };
        steps.push(Step {
            name: text(name, source),
            node: expression,
        });
        expression = inner;
    }
    steps.reverse();
    (expression, steps)
}

/// The model a [`ModelWrite`] call writes every row of: its receiver is the model (a Ruby
/// constant, a Python name, `apps.get_model(app, name)`) followed only by steps that keep
/// every row (`all`, `unscoped`, Django's managers); `None` when a step narrows it (`where`,
/// `filter`) or the receiver is no model.
pub(super) fn whole_table(
    kind: MigrationKind,
    write: &ModelWrite,
    call: Node<'_>,
    source: &str,
) -> Option<String> {
    if write.kind != kind {
        return None;
    }
    let (_, keep, managers) = EVERY_ROW.iter().find(|(k, _, _)| *k == kind)?;
    let (root, steps) = chain(receiver(call)?, source);
    // `apps.get_model("app", "User")` (Django docs, "Writing migrations": historical models).
    let (model, rest) = if let Some(at) = steps.iter().rposition(|s| s.name == "get_model") {
        let (positional, _) = arguments(steps[at].node, source);
        let name = positional.last().map(|n| text(*n, source))?;
        (name.trim_matches(['"', '\'']).to_string(), &steps[at + 1..])
    } else {
        let model = matches!(root.kind(), "constant" | "scope_resolution" | "identifier")
            .then(|| text(root, source))?;
        (model.to_string(), &steps[..])
    };
    let whole = rest.iter().all(|s| keep.contains(&s.name));
    let managed = managers.is_empty() || rest.iter().any(|s| managers.contains(&s.name));
    (whole && managed).then_some(model)
}
