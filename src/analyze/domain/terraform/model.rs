//! HCL read into blocks: type, labels, line, attributes with their values evaluated where they
//! are literals, and nested blocks. Everything else keeps its source text (whitespace
//! collapsed), so `var.a` → `var.b` is still a change but re-indenting is not.

use tree_sitter::Node;

use super::scan;
use crate::analyze::domain::depth;
use crate::analyze::lang::{config_for_path, parse_config};

/// An attribute value: a literal, or the normalised source text of an expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string literal (or a heredoc's body).
    Str(String),
    /// A number, as written.
    Num(String),
    /// `true` / `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// A tuple `[…]`.
    List(Vec<Value>),
    /// An object `{…}`, keys in source order.
    Map(Vec<(String, Value)>),
    /// Anything not evaluated statically, by its text with whitespace collapsed.
    Expr(String),
}

impl Value {
    /// The string, when this is a string literal.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(text) => Some(text),
            _ => None,
        }
    }

    /// The strings of a string or a list of strings (`"*"`, `["*", "s3:Get*"]`).
    pub fn strings(&self) -> Vec<&str> {
        match self {
            Value::Str(text) => vec![text],
            Value::List(items) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// The value of `key` when this is an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Whether this is the literal `true` (or the string `"true"`, as HCL converts).
    pub fn is_true(&self) -> bool {
        matches!(self, Value::Bool(true)) || self.as_str() == Some("true")
    }

    /// Whether this is the literal `false` (or the string `"false"`).
    pub fn is_false(&self) -> bool {
        matches!(self, Value::Bool(false)) || self.as_str() == Some("false")
    }

    /// Short text for messages.
    pub fn show(&self) -> String {
        let text = match self {
            Value::Str(text) => format!("\"{text}\""),
            Value::Num(text) | Value::Expr(text) => text.clone(),
            Value::Bool(value) => value.to_string(),
            Value::Null => "null".to_string(),
            Value::List(items) => {
                let items: Vec<String> = items.iter().map(Value::show).collect();
                format!("[{}]", items.join(", "))
            }
            Value::Map(entries) => {
                let entries: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{k} = {}", v.show()))
                    .collect();
                format!("{{ {} }}", entries.join(", "))
            }
        };
        if text.chars().count() > 60 {
            let cut: String = text.chars().take(57).collect();
            format!("{cut}…")
        } else {
            text
        }
    }
}

/// One attribute: `name = value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Attr {
    /// The attribute name.
    pub name: String,
    /// Its value.
    pub value: Value,
    /// 1-based line.
    pub line: u32,
}

/// One block: `resource "aws_s3_bucket" "logs" { … }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// The block type (`resource`, `lifecycle`, `ingress`).
    pub kind: String,
    /// The labels, unquoted.
    pub labels: Vec<String>,
    /// 1-based line of the block's first token.
    pub line: u32,
    /// Attributes, in source order.
    pub attrs: Vec<Attr>,
    /// Nested blocks, in source order.
    pub blocks: Vec<Block>,
}

impl Block {
    /// The attribute `name`'s value.
    pub fn attr(&self, name: &str) -> Option<&Value> {
        self.attrs.iter().find(|a| a.name == name).map(|a| &a.value)
    }

    /// The attribute `name`.
    pub fn attr_entry(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }

    /// Nested blocks of type `kind`.
    pub fn children<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }

    /// The Terraform address of a top-level block, when it has one.
    pub fn address(&self) -> Option<String> {
        match (self.kind.as_str(), self.labels.as_slice()) {
            ("resource", [ty, name]) => Some(format!("{ty}.{name}")),
            ("data", [ty, name]) => Some(format!("data.{ty}.{name}")),
            ("module", [name]) => Some(format!("module.{name}")),
            _ => None,
        }
    }
}

/// Share of a file's bytes inside parse errors above which the tree is not trusted: a stray
/// token costs a few bytes, a templating language (`{% if %}`) swallows whole blocks.
const MAX_ERROR_SHARE: f64 = 0.02;

/// Parses a Terraform file into its top-level blocks, or says why it could not.
pub fn parse(path: &str, source: &[u8]) -> Result<Vec<Block>, String> {
    let language = config_for_path(path)
        .filter(|language| language.name == "hcl")
        .ok_or_else(|| "not an HCL file".to_string())?;
    // `1e3` is HCL, but the grammar only reads `1.0e3`; lines stay where they are.
    let rewritten = scan::with_fractions(source);
    let source: &[u8] = &rewritten;
    let tree = parse_config(language, source).ok_or_else(|| "the HCL parser failed".to_string())?;
    let root = tree.root_node();
    // Before anything recursive reads the tree (error counting included).
    depth::check(root).map_err(|too_deep| too_deep.to_string())?;
    if root.has_error() {
        let error_bytes = error_bytes(root);
        let share = error_bytes as f64 / source.len().max(1) as f64;
        // Only missing tokens (an unclosed brace) leave no ERROR bytes but truncate blocks.
        let missing_only = error_bytes == 0 && is_missing(root);
        if share > MAX_ERROR_SHARE || missing_only {
            return Err(format!(
                "HCL does not parse ({:.0}% of the file in syntax errors; templated?)",
                (share * 100.0).max(1.0)
            ));
        }
    }
    let mut blocks = Vec::new();
    let mut cursor = root.walk();
    for child in root.named_children(&mut cursor) {
        if child.kind() == "body" {
            blocks.extend(body(child, source).1);
        }
    }
    Ok(blocks)
}

/// Bytes covered by ERROR nodes.
fn error_bytes(node: Node<'_>) -> usize {
    if node.is_error() {
        return node.byte_range().len().max(1);
    }
    if !node.has_error() {
        return 0;
    }
    let mut cursor = node.walk();
    node.children(&mut cursor).map(error_bytes).sum()
}

/// Whether the tree's only errors are missing tokens (an unclosed brace): not trustworthy.
fn is_missing(node: Node<'_>) -> bool {
    if node.is_missing() {
        return true;
    }
    let mut cursor = node.walk();
    node.children(&mut cursor).any(is_missing)
}

fn text<'a>(node: Node<'_>, source: &'a [u8]) -> &'a str {
    node.utf8_text(source).unwrap_or_default()
}

fn line(node: Node<'_>) -> u32 {
    u32::try_from(node.start_position().row + 1).unwrap_or(u32::MAX)
}

fn body(node: Node<'_>, source: &[u8]) -> (Vec<Attr>, Vec<Block>) {
    let mut attrs = Vec::new();
    let mut blocks = Vec::new();
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "attribute" => {
                let mut inner = child.walk();
                let parts: Vec<Node<'_>> = child.named_children(&mut inner).collect();
                if let [name, value, ..] = parts.as_slice() {
                    attrs.push(Attr {
                        name: text(*name, source).to_string(),
                        value: value_of(*value, source),
                        line: line(child),
                    });
                }
            }
            "block" => blocks.push(block(child, source)),
            _ => {}
        }
    }
    (attrs, blocks)
}

fn block(node: Node<'_>, source: &[u8]) -> Block {
    let mut kind = String::new();
    let mut labels = Vec::new();
    let mut attrs = Vec::new();
    let mut blocks = Vec::new();
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "identifier" if kind.is_empty() => kind = text(child, source).to_string(),
            "identifier" => labels.push(text(child, source).to_string()),
            "string_lit" => labels.push(unquote(text(child, source))),
            "body" => (attrs, blocks) = body(child, source),
            _ => {}
        }
    }
    Block {
        kind,
        labels,
        line: line(node),
        attrs,
        blocks,
    }
}

fn unquote(raw: &str) -> String {
    let inner = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(raw);
    inner.replace("\\\"", "\"").replace("\\\\", "\\")
}

/// Collapses whitespace so formatting-only edits compare equal.
pub fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn value_of(node: Node<'_>, source: &[u8]) -> Value {
    let mut cursor = node.walk();
    let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
    match (node.kind(), children.as_slice()) {
        ("expression" | "literal_value" | "collection_value", [only]) => value_of(*only, source),
        ("string_lit", _) => Value::Str(unquote(text(node, source))),
        ("numeric_lit", _) => Value::Num(text(node, source).to_string()),
        ("bool_lit", _) => Value::Bool(text(node, source) == "true"),
        ("null_lit", _) => Value::Null,
        // tuple_start and tuple_end are named nodes too; the items are the expressions.
        ("tuple", items) => Value::List(
            items
                .iter()
                .filter(|item| item.kind() == "expression")
                .map(|item| value_of(*item, source))
                .collect(),
        ),
        ("object", elems) => Value::Map(
            elems
                .iter()
                .filter(|elem| elem.kind() == "object_elem")
                .filter_map(|elem| {
                    let key = elem.child_by_field_name("key")?;
                    let val = elem.child_by_field_name("val")?;
                    let key = match value_of(key, source) {
                        Value::Str(k) | Value::Expr(k) => k,
                        other => other.show(),
                    };
                    Some((key, value_of(val, source)))
                })
                .collect(),
        ),
        ("template_expr", [heredoc]) if heredoc.kind() == "heredoc_template" => {
            Value::Str(heredoc_body(*heredoc, source))
        }
        // jsonencode({...}) of literals is the literal itself (IAM policies are written so);
        // toset/tomap/tolist of literals keep their keys (for_each is written so).
        ("function_call", [name, args])
            if matches!(
                text(*name, source),
                "jsonencode" | "toset" | "tomap" | "tolist"
            ) && args.kind() == "function_arguments" =>
        {
            let mut inner = args.walk();
            let values: Vec<Value> = args
                .named_children(&mut inner)
                .map(|arg| value_of(arg, source))
                .collect();
            match values.as_slice() {
                [one] => one.clone(),
                _ => Value::Expr(normalise(text(node, source))),
            }
        }
        _ => Value::Expr(normalise(text(node, source))),
    }
}

/// The text between a heredoc's opening and closing identifiers.
fn heredoc_body(node: Node<'_>, source: &[u8]) -> String {
    let mut cursor = node.walk();
    let ids: Vec<Node<'_>> = node
        .named_children(&mut cursor)
        .filter(|n| n.kind() == "heredoc_identifier")
        .collect();
    match ids.as_slice() {
        [open, .., close] => source
            .get(open.end_byte()..close.start_byte())
            .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
            .unwrap_or_default(),
        _ => text(node, source).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    fn value(expression: &str) -> Value {
        let source = format!("locals {{\n  x = {expression}\n}}\n");
        let blocks = parse("main.tf", source.as_bytes()).expect("parses");
        blocks[0].attr("x").cloned().expect("attribute x")
    }

    /// Literals are evaluated; everything else keeps its text with whitespace collapsed.
    #[test]
    fn values() {
        let s = |text: &str| Value::Str(text.to_string());
        let cases = [
            ("\"eu-west-1\"", s("eu-west-1")),
            ("5432", Value::Num("5432".into())),
            ("true", Value::Bool(true)),
            ("null", Value::Null),
            ("[\"a\", \"b\"]", Value::List(vec![s("a"), s("b")])),
            ("toset([\"a\"])", Value::List(vec![s("a")])),
            (
                "{ a = \"1\", \"b\" = 2 }",
                Value::Map(vec![
                    ("a".into(), s("1")),
                    ("b".into(), Value::Num("2".into())),
                ]),
            ),
            (
                "jsonencode({ Action = \"*\" })",
                Value::Map(vec![("Action".into(), s("*"))]),
            ),
            ("var.zone", Value::Expr("var.zone".into())),
            (
                "lookup(var.m,   \"k\")",
                Value::Expr("lookup(var.m, \"k\")".into()),
            ),
            ("\"db-${var.env}\"", Value::Expr("\"db-${var.env}\"".into())),
        ];
        for (expression, expected) in cases {
            assert_eq!(value(expression), expected, "{expression}");
        }
    }

    /// The whole language: exponent numbers with and without a fraction, templates with
    /// interpolations and directives, heredocs (both forms) and their text.
    #[test]
    fn whole_language() {
        let s = |text: &str| Value::Str(text.to_string());
        let num = |text: &str| Value::Num(text.to_string());
        let cases = [
            ("1e3", num("1.0e3")),
            ("1.5E-2", num("1.5E-2")),
            ("[2E+4, 7]", Value::List(vec![num("2.0E+4"), num("7")])),
            ("\"${var.a}-x\"", Value::Expr("\"${var.a}-x\"".into())),
            (
                "\"%{ if var.x }a%{ else }b%{ endif }\"",
                Value::Expr("\"%{ if var.x }a%{ else }b%{ endif }\"".into()),
            ),
            ("<<EOT\nline ${var.a}\nEOT\n", s("\nline ${var.a}\n")),
            ("<<-EOT\n    indented\n    EOT\n", s("\n    indented\n    ")),
        ];
        for (expression, expected) in cases {
            assert_eq!(value(expression), expected, "{expression}");
        }
    }

    /// Block text inside heredocs, strings and comments never counts as a block.
    #[test]
    fn text_is_not_a_block() {
        let header = "resource \"aws_db_instance\" \"x\" {";
        let sources = [
            format!("locals {{\n  a = <<EOT\n{header}\nEOT\n}}\n"),
            format!("locals {{\n  a = <<-EOT\n    {header}\n    }}\n    EOT\n}}\n"),
            format!("locals {{\n  a = \"{}\"\n}}\n", header.replace('"', "\\\"")),
            format!("# {header}\n// {header}\n/*\n{header}\n}}\n*/\nlocals {{}}\n"),
            format!(
                "locals {{\n  a = <<EOT\n%{{ if true }}\n{header}\n}}\n%{{ endif }}\nEOT\n}}\n"
            ),
        ];
        for source in sources {
            let blocks = parse("main.tf", source.as_bytes()).expect("parses");
            let kinds: Vec<&str> = blocks.iter().map(|b| b.kind.as_str()).collect();
            assert_eq!(kinds, ["locals"], "{source}");
        }
    }

    /// Nesting past the depth limit is refused with the reason, without recursing into it.
    #[test]
    fn deep_nesting_is_refused() {
        let deep = format!(
            "locals {{\n  x = {}{}\n}}\n",
            "[".repeat(5_000),
            "]".repeat(5_000)
        );
        let reason = parse("main.tf", deep.as_bytes()).expect_err("too deep");
        assert!(reason.contains("nested deeper than"), "{reason}");
        let blocks = "a {\n".repeat(5_000) + &"}\n".repeat(5_000);
        assert!(parse("main.tf", blocks.as_bytes()).is_err());
    }

    /// Addresses of resources, data sources and modules; lines are 1-based.
    #[test]
    fn blocks_and_addresses() {
        let source = b"# c\nresource \"aws_s3_bucket\" \"b\" {\n  lifecycle {\n    prevent_destroy = true\n  }\n}\ndata \"aws_ami\" \"u\" {}\nmodule \"net\" {\n  source = \"./net\"\n}\n";
        let blocks = parse("main.tf", source).expect("parses");
        let addresses: Vec<(Option<String>, u32)> =
            blocks.iter().map(|b| (b.address(), b.line)).collect();
        assert_eq!(
            addresses,
            [
                (Some("aws_s3_bucket.b".to_string()), 2),
                (Some("data.aws_ami.u".to_string()), 7),
                (Some("module.net".to_string()), 8),
            ]
        );
        let lifecycle = blocks[0].children("lifecycle").next().expect("lifecycle");
        assert_eq!(
            lifecycle.attr_entry("prevent_destroy").map(|a| a.line),
            Some(4)
        );
    }

    /// Jinja around HCL and an unclosed block are not trusted; plain HCL is.
    #[test]
    fn broken_files_say_why() {
        let jinja = b"{% for env in envs %}\nresource \"aws_s3_bucket\" \"{{ env }}\" {\n  bucket = \"{{ env }}\"\n}\n{% endfor %}\n";
        let reason = parse("main.tf", jinja).expect_err("Jinja does not parse");
        assert!(reason.contains("does not parse"), "{reason}");
        assert!(parse("main.tf", b"resource \"a\" \"b\" {\n  x = 1\n").is_err());
        assert!(parse("main.tf", b"resource \"a\" \"b\" {\n  x = 1\n}\n").is_ok());
    }

    /// One stray token in a large file is a small share of errors: the file is still read.
    #[test]
    fn small_errors_are_tolerated() {
        let mut source = String::new();
        for i in 0..100 {
            let _ = write!(
                source,
                "resource \"aws_sqs_queue\" \"q{i}\" {{\n  name = \"q{i}\"\n}}\n"
            );
        }
        source.push_str("resource \"aws_sqs_queue\" \"bad\" {\n  name = = \"x\"\n}\n");
        let blocks = parse("main.tf", source.as_bytes()).expect("a stray token is tolerated");
        assert!(blocks.len() >= 100, "{}", blocks.len());
    }
}
