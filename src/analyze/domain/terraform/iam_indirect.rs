//! IAM wildcards the literal rules in `security.rs` cannot see (issue 13): statements built by
//! `dynamic "statement"` blocks of an `aws_iam_policy_document`, actions and resources given by
//! a variable's default or a local (in a policy document, `jsonencode(...)` or a heredoc), and
//! `*` passed to a module input that names actions, resources or a policy. Variables and locals
//! are read from the module's changed files, like every module-level rule here.

use std::collections::{HashMap, HashSet};

use super::model::{Block, Value};
use super::security::{Detection, POLICY_RESOURCES, statements, wildcards};
use super::{Entry, Module, finding};
use crate::analyze::Fact;
use crate::signal::Signal;

/// `var.NAME` → the variable's default, `local.NAME` → the local's value, on one side.
type Env = HashMap<String, Value>;

/// How many `var`/`local` hops are followed (`local.a = var.b`): enough for real code, and a
/// cycle (`local.a = local.a`) ends.
const MAX_HOPS: u32 = 4;

/// New wildcard grants of the module's changed files; `seen` are the subjects the literal
/// rules already reported, so one address is not reported twice.
pub fn facts(module: &Module, seen: &HashSet<Option<String>>) -> Vec<Fact> {
    let (old_env, new_env) = (env(&module.old), env(&module.new));
    let before: HashSet<(String, String)> = module
        .old
        .iter()
        .filter_map(|e| Some((e.block.address()?, e)))
        .flat_map(|(address, e)| {
            hits(&e.block, &address, &old_env)
                .into_iter()
                .map(move |hit| (address.clone(), hit.key))
        })
        .collect();
    let mut facts = Vec::new();
    for entry in &module.new {
        let Some(address) = entry.block.address() else {
            continue;
        };
        if seen.contains(&Some(address.clone())) {
            continue;
        }
        for hit in hits(&entry.block, &address, &new_env) {
            if !before.contains(&(address.clone(), hit.key.clone())) {
                let fact = finding(
                    Signal::IamWildcard,
                    &entry.file,
                    hit.line,
                    &address,
                    hit.message,
                );
                facts.push(fact);
            }
        }
    }
    facts
}

/// Variable defaults and locals of one side.
fn env(entries: &[Entry]) -> Env {
    let mut env = Env::new();
    for entry in entries {
        let block = &entry.block;
        match (block.kind.as_str(), block.labels.as_slice()) {
            ("variable", [name]) => {
                if let Some(default) = block.attr("default") {
                    env.insert(format!("var.{name}"), default.clone());
                }
            }
            ("locals", []) => {
                for attr in &block.attrs {
                    env.insert(format!("local.{}", attr.name), attr.value.clone());
                }
            }
            _ => {}
        }
    }
    env
}

/// `value` with `var.`/`local.` references replaced by their values, and `statement.value.X`
/// (for the `dynamic` block's iterator `iterator`) by the field of `element`.
fn eval(value: &Value, env: &Env, each: Option<(&str, &Value)>, hops: u32) -> Value {
    match value {
        Value::Expr(text) => {
            let text = unwrap_conversion(text);
            if let Some((iterator, element)) = each
                && let Some(rest) = text.strip_prefix(iterator)
            {
                match rest.strip_prefix(".value") {
                    Some("") => return eval(element, env, None, hops),
                    Some(field) => {
                        if let Some(found) = field.strip_prefix('.').and_then(|f| element.get(f)) {
                            return eval(found, env, None, hops);
                        }
                    }
                    None => {}
                }
            }
            match env.get(text) {
                Some(found) if hops < MAX_HOPS => eval(found, env, each, hops + 1),
                _ => value.clone(),
            }
        }
        Value::List(items) => Value::List(items.iter().map(|v| eval(v, env, each, hops)).collect()),
        Value::Map(entries) => Value::Map(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), eval(v, env, each, hops)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `toset(var.x)` / `tolist(var.x)` read as `var.x`: conversions keep the strings.
fn unwrap_conversion(text: &str) -> &str {
    ["toset(", "tolist("]
        .iter()
        .find_map(|f| text.strip_prefix(f)?.strip_suffix(')'))
        .map_or(text, str::trim)
}

/// The wildcard grants of one block on one side.
fn hits(block: &Block, address: &str, env: &Env) -> Vec<Detection> {
    let ty = block.labels.first().map_or("", String::as_str);
    match block.kind.as_str() {
        "data" if ty == "aws_iam_policy_document" => document(block, address, env),
        "resource" if POLICY_RESOURCES.contains(&ty) || ty == "aws_iam_role" => {
            let policies = block.attr_entry("policy").into_iter().chain(
                block
                    .children("inline_policy")
                    .filter_map(|b| b.attr_entry("policy")),
            );
            let mut found = Vec::new();
            for policy in policies {
                // Only what the literal rule cannot read: a policy behind a reference, or
                // statements whose fields are references.
                let resolved = eval(&policy.value, env, None, 0);
                for statement in statements(&resolved) {
                    let field = |name: &str| statement.get(name).cloned();
                    for what in grant(
                        field("Effect").as_ref(),
                        field("Action").as_ref(),
                        field("Resource").as_ref(),
                    ) {
                        found.push(hit(
                            address,
                            what,
                            policy.line,
                            "a variable default or local",
                        ));
                    }
                }
            }
            found
        }
        "module" => inputs(block, address, env),
        _ => Vec::new(),
    }
}

/// `statement` blocks whose fields are references, and `dynamic "statement"` blocks with
/// each element of their `for_each` (literal, or a variable's default / local).
fn document(block: &Block, address: &str, env: &Env) -> Vec<Detection> {
    let mut found = Vec::new();
    for statement in block.children("statement") {
        let field = |name: &str| statement.attr(name).map(|v| eval(v, env, None, 0));
        for what in grant(
            field("effect").as_ref(),
            field("actions").as_ref(),
            field("resources").as_ref(),
        ) {
            found.push(hit(
                address,
                what,
                statement.line,
                "a variable default or local",
            ));
        }
    }
    for dynamic in block.children("dynamic") {
        if dynamic.labels.first().map(String::as_str) != Some("statement") {
            continue;
        }
        let iterator = match dynamic.attr("iterator") {
            Some(Value::Expr(name) | Value::Str(name)) => name.clone(),
            _ => "statement".to_string(),
        };
        let elements = match dynamic.attr("for_each").map(|v| eval(v, env, None, 0)) {
            Some(Value::List(items)) => items,
            Some(Value::Map(entries)) => entries.into_iter().map(|(_, v)| v).collect(),
            _ => vec![Value::Null],
        };
        for content in dynamic.children("content") {
            for element in &elements {
                let each = Some((iterator.as_str(), element));
                let field = |name: &str| content.attr(name).map(|v| eval(v, env, each, 0));
                for what in grant(
                    field("effect").as_ref(),
                    field("actions").as_ref(),
                    field("resources").as_ref(),
                ) {
                    found.push(hit(
                        address,
                        what,
                        content.line,
                        "a dynamic \"statement\" block",
                    ));
                }
            }
        }
    }
    found
}

/// Module inputs that name actions or resources and hold `*`, or hold a policy document
/// with a wildcard statement.
fn inputs(block: &Block, address: &str, env: &Env) -> Vec<Detection> {
    let mut found = Vec::new();
    for attr in &block.attrs {
        let name = attr.name.to_ascii_lowercase();
        let value = eval(&attr.value, env, None, 0);
        let listed = |suffix: &str| name.ends_with(suffix) && value.strings().contains(&"*");
        let mut grants: Vec<&'static str> = [("actions", "actions"), ("resources", "resources")]
            .into_iter()
            .filter(|(suffix, _)| listed(suffix))
            .map(|(_, what)| what)
            .collect();
        if name.contains("policy") {
            for statement in statements(&value) {
                let field = |key: &str| statement.get(key).cloned();
                grants.extend(grant(
                    field("Effect").as_ref(),
                    field("Action").as_ref(),
                    field("Resource").as_ref(),
                ));
            }
        }
        for what in grants {
            found.push(Detection {
                key: format!("input:{}:{what}", attr.name),
                line: attr.line,
                message: format!(
                    "{address} passes `*` {what} to module input `{}`: the module's IAM policy grants every one",
                    attr.name
                ),
            });
        }
    }
    found
}

/// The wildcards of one evaluated statement.
fn grant(
    effect: Option<&Value>,
    actions: Option<&Value>,
    resources: Option<&Value>,
) -> Vec<&'static str> {
    fn strings(value: Option<&Value>) -> Vec<&str> {
        value.map(Value::strings).unwrap_or_default()
    }
    wildcards(
        effect.and_then(Value::as_str),
        &strings(actions),
        &strings(resources),
    )
}

fn hit(address: &str, what: &'static str, line: u32, how: &str) -> Detection {
    Detection {
        key: what.to_string(),
        line,
        message: format!(
            "{address} allows `*` {what} through {how}: any holder of this policy can do far more than the change needs"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Analyzer, Terraform};
    use crate::analyze::domain::Versions;
    use crate::diff::{FileChange, FileStatus};
    use crate::signal::Signal;

    /// (subject, line, message) of every `iam-wildcard` when `infra/main.tf` goes from `old`
    /// (absent when `None`) to `new`.
    fn wildcards(old: Option<&str>, new: &str) -> Vec<(String, u32, String)> {
        let path = Some("infra/main.tf".to_string());
        let status = if old.is_some() {
            FileStatus::Modified
        } else {
            FileStatus::Added
        };
        let file = FileChange::new(status, old.and(path.clone()), path);
        let versions = Versions {
            file: &file,
            old: old.map(str::as_bytes),
            new: Some(new.as_bytes()),
        };
        Terraform
            .analyze(&versions)
            .facts
            .into_iter()
            .filter(|f| f.signal == Signal::IamWildcard)
            .map(|f| {
                (
                    f.subject.unwrap_or_default(),
                    f.line.unwrap_or(0),
                    f.message,
                )
            })
            .collect()
    }

    const DYNAMIC: &str = r#"variable "statements" {
  default = [
    { actions = ["s3:GetObject"], resources = ["arn:aws:s3:::logs/*"] },
    { actions = ["*"], resources = ["*"] },
  ]
}

data "aws_iam_policy_document" "ci" {
  dynamic "statement" {
    for_each = var.statements
    content {
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}
"#;

    /// A `dynamic "statement"` block over a variable's default: the element with `*` grants
    /// every action and resource; the same block over narrow elements does not.
    #[test]
    fn dynamic_statement_over_a_variable_default() {
        let found = wildcards(None, DYNAMIC);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!(found[0].0, "data.aws_iam_policy_document.ci");
        assert_eq!(found[0].1, 11, "the content block's line");
        assert!(
            found[0].2.contains("dynamic \"statement\" block"),
            "{}",
            found[0].2
        );
        let narrow = DYNAMIC.replace(r#"{ actions = ["*"], resources = ["*"] },"#, "");
        assert_eq!(wildcards(None, &narrow), []);
        // Widening an existing variable default is the new grant.
        let widened = wildcards(Some(&narrow), DYNAMIC);
        assert_eq!(widened.len(), 2, "{widened:#?}");
    }

    /// A literal `for_each` with a custom iterator, and a Deny statement that grants nothing.
    #[test]
    fn dynamic_statement_literal_iterator_and_deny() {
        let source = |effect: &str| {
            format!(
                "data \"aws_iam_policy_document\" \"ci\" {{\n  dynamic \"statement\" {{\n    for_each = [{{ a = [\"*\"] }}]\n    iterator = s\n    content {{\n      effect    = \"{effect}\"\n      actions   = s.value.a\n      resources = [\"arn:aws:s3:::b\"]\n    }}\n  }}\n}}\n"
            )
        };
        let found = wildcards(None, &source("Allow"));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].2.contains("`*` actions"));
        assert_eq!(wildcards(None, &source("Deny")), []);
    }

    /// `jsonencode` statements whose Action comes from a variable with a default, and a local.
    #[test]
    fn jsonencode_through_variable_and_local() {
        let source = |default: &str| {
            format!(
                "variable \"actions\" {{\n  default = {default}\n}}\n\nlocals {{\n  resources = [\"arn:aws:s3:::b\"]\n}}\n\nresource \"aws_iam_policy\" \"ci\" {{\n  name = \"ci\"\n  policy = jsonencode({{\n    Version = \"2012-10-17\"\n    Statement = [{{\n      Effect   = \"Allow\"\n      Action   = var.actions\n      Resource = local.resources\n    }}]\n  }})\n}}\n"
            )
        };
        let found = wildcards(Some(&source("[\"s3:GetObject\"]")), &source("[\"*\"]"));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].0, "aws_iam_policy.ci");
        assert!(
            found[0].2.contains("variable default or local"),
            "{}",
            found[0].2
        );
        assert_eq!(wildcards(None, &source("[\"s3:GetObject\"]")), []);
    }

    /// `*` passed to a module's actions input, directly or through a variable's default.
    #[test]
    fn wildcard_through_a_module_input() {
        let call = |actions: &str| {
            format!(
                "variable \"ci_actions\" {{\n  default = {actions}\n}}\n\nmodule \"ci_role\" {{\n  source          = \"./modules/role\"\n  allowed_actions = var.ci_actions\n}}\n"
            )
        };
        let found = wildcards(Some(&call("[\"s3:GetObject\"]")), &call("[\"*\"]"));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!((found[0].0.as_str(), found[0].1), ("module.ci_role", 7));
        assert!(
            found[0].2.contains("module input `allowed_actions`"),
            "{}",
            found[0].2
        );
        // An input that names neither actions nor resources is not read as a grant.
        let other = "module \"web\" {\n  source = \"./modules/web\"\n  hosts  = [\"*\"]\n}\n";
        assert_eq!(wildcards(None, other), []);
    }

    /// A literal wildcard is the literal rule's finding, reported once.
    #[test]
    fn literal_wildcard_reported_once() {
        let source = "data \"aws_iam_policy_document\" \"ci\" {\n  statement {\n    actions   = [\"*\"]\n    resources = [\"*\"]\n  }\n}\n";
        let found = wildcards(None, source);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(
            found.iter().all(|(_, _, m)| !m.contains(" through ")),
            "{found:#?}"
        );
    }
}
