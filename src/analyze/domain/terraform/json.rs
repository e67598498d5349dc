//! Terraform's JSON syntax (`*.tf.json`) read into the same [`Block`]s as HCL, so every rule
//! applies to both. Source: Terraform docs, "JSON Configuration Syntax": the root object's keys
//! are block types; `resource`/`data` nest type then name, `module`/`variable`/`output`/
//! `provider` nest the name; a block given as an array is several blocks; strings are
//! templates (`"${var.n}"` is the expression `var.n`); a `"//"` key is a comment.

use super::model::{Attr, Block, Value, normalise};
use crate::analyze::domain::tree::{self, Node, Value as Doc};

/// Labels each top-level block type takes.
const LABELS: &[(&str, usize)] = &[
    ("resource", 2),
    ("data", 2),
    ("ephemeral", 2),
    ("module", 1),
    ("variable", 1),
    ("output", 1),
    ("provider", 1),
    ("check", 1),
];

/// Nested block types (rather than attributes holding an object), with their label count.
/// JSON cannot tell them apart; these are the ones the rules read (lifecycle protections,
/// security-group rules, policy statements, the backend, storage lifecycle rules).
const NESTED: &[(&str, usize)] = &[
    ("rule", 0),
    ("lifecycle_rule", 0),
    ("filter", 0),
    ("filters", 0),
    ("and", 0),
    ("tag", 0),
    ("expiration", 0),
    ("action", 0),
    ("actions", 0),
    ("base_blob", 0),
    ("lifecycle", 0),
    ("ingress", 0),
    ("egress", 0),
    ("statement", 0),
    ("principals", 0),
    ("condition", 0),
    ("dynamic", 1),
    ("provisioner", 1),
    ("backend", 1),
    ("cloud", 0),
    ("required_providers", 0),
];

/// Parses a `*.tf.json` file into its top-level blocks, or says why it could not.
pub fn parse(source: &[u8]) -> Result<Vec<Block>, String> {
    let documents = tree::parse(source)?;
    let Some(root) = documents.first() else {
        return Ok(Vec::new());
    };
    if !matches!(root.value, Doc::Map(_)) {
        return Err("Terraform JSON must be an object at the top".to_string());
    }
    let mut blocks = Vec::new();
    for entry in root.entries().iter().filter(|e| e.key != "//") {
        let labels = LABELS
            .iter()
            .find(|(kind, _)| *kind == entry.key)
            .map_or(0, |(_, n)| *n);
        labelled(
            &entry.key,
            labels,
            &entry.value,
            entry.line,
            &[],
            &mut blocks,
        );
    }
    Ok(blocks)
}

/// The blocks of type `kind` under `node`, reading `labels` more levels of names first.
fn labelled(
    kind: &str,
    labels: usize,
    node: &Node,
    line: u32,
    prefix: &[String],
    out: &mut Vec<Block>,
) {
    if labels == 0 {
        let bodies: Vec<&Node> = match &node.value {
            Doc::Seq(items) => items.iter().collect(),
            _ => vec![node],
        };
        for item in bodies {
            let (attrs, blocks) = body(item);
            out.push(Block {
                kind: kind.to_string(),
                labels: prefix.to_vec(),
                line: if prefix.is_empty() { item.line } else { line },
                attrs,
                blocks,
            });
        }
        return;
    }
    for entry in node.entries().iter().filter(|e| e.key != "//") {
        let mut names = prefix.to_vec();
        names.push(entry.key.clone());
        labelled(kind, labels - 1, &entry.value, entry.line, &names, out);
    }
}

/// The attributes and nested blocks of one block's object.
fn body(node: &Node) -> (Vec<Attr>, Vec<Block>) {
    let mut attrs = Vec::new();
    let mut blocks = Vec::new();
    for entry in node.entries().iter().filter(|e| e.key != "//") {
        match NESTED.iter().find(|(kind, _)| *kind == entry.key) {
            Some((kind, labels)) => {
                labelled(kind, *labels, &entry.value, entry.line, &[], &mut blocks);
            }
            None => attrs.push(Attr {
                name: entry.key.clone(),
                value: value(&entry.value),
                line: entry.line,
            }),
        }
    }
    (attrs, blocks)
}

/// A JSON value as the HCL model's [`Value`]: strings with `${…}` are expressions.
fn value(node: &Node) -> Value {
    match &node.value {
        Doc::Null => Value::Null,
        Doc::Seq(items) => Value::List(items.iter().map(value).collect()),
        Doc::Map(entries) => Value::Map(
            entries
                .iter()
                .map(|e| (e.key.clone(), value(&e.value)))
                .collect(),
        ),
        Doc::Scalar(text) => scalar(text),
    }
}

/// A scalar's value. The tree keeps JSON numbers and booleans as text; Terraform converts
/// `"0"` and `0` alike where a number is expected, so both read as a number here.
fn scalar(text: &str) -> Value {
    if let Some(inner) = text
        .strip_prefix("${")
        .and_then(|rest| rest.strip_suffix('}'))
        .filter(|inner| !inner.contains("${"))
    {
        return Value::Expr(normalise(inner));
    }
    if text.contains("${") || text.contains("%{") {
        return Value::Expr(normalise(&format!("\"{text}\"")));
    }
    match text {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ if !text.is_empty() && text.parse::<f64>().is_ok() => Value::Num(text.to_string()),
        _ => Value::Str(text.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Resources, modules, moved blocks and nested lifecycle blocks, with expressions and
    /// lines, as the HCL reader gives them.
    #[test]
    fn blocks_like_hcl() {
        let source = br#"{
  "resource": {
    "aws_db_instance": {
      "main": {
        "engine": "postgres",
        "count": "${var.enabled ? 1 : 0}",
        "lifecycle": { "prevent_destroy": true }
      }
    }
  },
  "module": { "db": { "source": "./modules/db" } },
  "moved": [{ "from": "aws_s3_bucket.a", "to": "aws_s3_bucket.b" }],
  "//": "a comment"
}
"#;
        let blocks = parse(source).expect("parses");
        let addresses: Vec<(String, Option<String>, u32)> = blocks
            .iter()
            .map(|b| (b.kind.clone(), b.address(), b.line))
            .collect();
        assert_eq!(
            addresses,
            [
                (
                    "resource".to_string(),
                    Some("aws_db_instance.main".to_string()),
                    4
                ),
                ("module".to_string(), Some("module.db".to_string()), 11),
                ("moved".to_string(), None, 12),
            ]
        );
        let db = &blocks[0];
        assert_eq!(db.attr("engine"), Some(&Value::Str("postgres".into())));
        assert_eq!(
            db.attr("count"),
            Some(&Value::Expr("var.enabled ? 1 : 0".into()))
        );
        let lifecycle = db.children("lifecycle").next().expect("lifecycle block");
        assert!(
            lifecycle
                .attr("prevent_destroy")
                .is_some_and(Value::is_true)
        );
        assert_eq!(
            blocks[2].attr("from"),
            Some(&Value::Str("aws_s3_bucket.a".into()))
        );
    }

    /// Literals keep their kind; empty collections stay empty.
    #[test]
    fn scalars() {
        assert_eq!(scalar("0"), Value::Num("0".into()));
        assert_eq!(
            scalar("db-${var.env}"),
            Value::Expr("\"db-${var.env}\"".into())
        );
        assert_eq!(scalar("x"), Value::Str("x".into()));
        let blocks =
            parse(br#"{"resource": {"a": {"b": {"for_each": {}, "tags": []}}}}"#).expect("parses");
        assert_eq!(blocks[0].attr("for_each"), Some(&Value::Map(Vec::new())));
        assert_eq!(blocks[0].attr("tags"), Some(&Value::List(Vec::new())));
    }

    /// Not an object, or not JSON: a reason, not an empty module.
    #[test]
    fn broken_json_says_why() {
        assert!(parse(b"[1, 2]").is_err());
        assert!(parse(b"{\"resource\": ").is_err());
    }
}
