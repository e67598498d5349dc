//! The unknown-key pass: every key the format does not know, each with its position.
//!
//! `deny_unknown_fields` stops at the first unknown key, so a user fixing a policy would
//! see one typo per run. This pass walks the generic [`Node`] tree alongside the JSON
//! Schema generated from the raw types (the one description of the format) and reports
//! them all, with the keys allowed there and a "did you mean" when one is close. Type
//! mismatches are left to the typed pass, which reports them with a proper message.

use serde_json::Value;

use super::Diagnostic;
use super::schema::schema_value;
use super::words::did_you_mean;
use super::yaml::{Node, NodeKind};

/// Diagnostics for every unknown key in `root`, in document order.
pub(crate) fn unknown_keys(root: &Node, file: &str) -> Vec<Diagnostic> {
    let schema = schema_value();
    let mut walker = Walker {
        root: schema,
        file,
        diagnostics: Vec::new(),
    };
    if matches!(root.kind, NodeKind::Map(_)) {
        walker.walk(root, schema, "");
    } else {
        walker.diagnostics.push(Diagnostic::new(
            file,
            root.line,
            root.column,
            "a policy is a mapping with at least `version` and `thresholds`",
        ));
    }
    walker.diagnostics
}

/// Walks a node tree and its schema together.
struct Walker<'a> {
    /// The whole schema, for `$ref`s.
    root: &'static Value,
    /// File name for diagnostics.
    file: &'a str,
    /// Found so far.
    diagnostics: Vec<Diagnostic>,
}

impl Walker<'_> {
    /// Checks `node` against `schema`; `path` names the node for messages (`tiers[0]`).
    fn walk(&mut self, node: &Node, schema: &'static Value, path: &str) {
        let schema = self.resolve(schema);
        match &node.kind {
            NodeKind::Scalar => {}
            NodeKind::Seq(items) => {
                let Some(item_schema) = schema.get("items") else {
                    return;
                };
                for (index, item) in items.iter().enumerate() {
                    self.walk(item, item_schema, &format!("{path}[{index}]"));
                }
            }
            NodeKind::Map(entries) => {
                let properties = schema.get("properties").and_then(Value::as_object);
                let additional = schema.get("additionalProperties");
                if properties.is_none() && additional.is_none() {
                    // A mapping where the schema wants something else: a type error.
                    return;
                }
                for (key, value) in entries {
                    let Some(text) = key.text.as_deref() else {
                        self.push(key.line, key.column, "a policy key must be a plain word");
                        continue;
                    };
                    let child = if path.is_empty() {
                        text.to_owned()
                    } else {
                        format!("{path}.{text}")
                    };
                    if let Some(known) = properties.and_then(|p| p.get(text)) {
                        self.walk(value, known, &child);
                    } else if additional == Some(&Value::Bool(false)) {
                        let allowed: Vec<&str> = properties
                            .into_iter()
                            .flat_map(|p| p.keys())
                            .map(String::as_str)
                            .collect();
                        let message = unknown_key_message(text, path, &allowed);
                        self.push(key.line, key.column, message);
                    } else if let Some(open) = additional.filter(|a| a.is_object()) {
                        self.walk(value, open, &child);
                    }
                }
            }
        }
    }

    /// Follows `$ref`s, and picks the non-null alternative of an optional value.
    fn resolve(&self, mut schema: &'static Value) -> &'static Value {
        // The format is not recursive; the bound only guards against a broken schema.
        for _ in 0..8 {
            if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
                match reference
                    .strip_prefix('#')
                    .and_then(|p| self.root.pointer(p))
                {
                    Some(target) => schema = target,
                    None => return schema,
                }
            } else if let Some(alternatives) = schema
                .get("anyOf")
                .or_else(|| schema.get("oneOf"))
                .and_then(Value::as_array)
            {
                match alternatives
                    .iter()
                    .find(|alt| alt.get("type") != Some(&"null".into()))
                {
                    Some(alternative) => schema = alternative,
                    None => return schema,
                }
            } else {
                return schema;
            }
        }
        schema
    }

    /// Records a diagnostic at `line`:`column`.
    fn push(&mut self, line: u64, column: u64, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::new(self.file, line, column, message));
    }
}

/// "unknown key `pathz` in `tiers[0]` (did you mean `paths`?); allowed here: name, …"
fn unknown_key_message(key: &str, path: &str, allowed: &[&str]) -> String {
    let place = if path.is_empty() {
        "at the top level".to_owned()
    } else {
        format!("in `{path}`")
    };
    let hint = did_you_mean(key, allowed.iter().copied())
        .map(|close| format!(" (did you mean `{close}`?)"))
        .unwrap_or_default();
    format!(
        "unknown key `{key}` {place}{hint}; allowed here: {}",
        allowed.join(", ")
    )
}
