//! A small spanned document tree built from the tree-sitter YAML and JSON grammars, so the
//! Kubernetes, `CloudFormation` and pipeline analyzers read both formats the same way.
//!
//! Only what the analyzers compare is kept: maps (in order), sequences, scalars with their
//! YAML tag (`!Ref`, `!GetAtt`) and the 1-based line where each key and value starts. Anchors
//! are ignored and aliases stay as `*name` scalars (they are rare in these files and expanding
//! them would open the door to alias bombs). Building is one walk over the syntax tree, after
//! [`depth::check`] has bounded how deep that walk can go.

use std::fmt::Write as _;

use super::depth;
use crate::analyze::lang::{CONFIG_LANGUAGES, parse_config};
use crate::diff::{FileChange, LineKind};

/// One value of a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What it is.
    pub value: Value,
    /// 1-based line where it starts.
    pub line: u32,
    /// Its YAML tag (`!Ref`), if any.
    pub tag: Option<String>,
}

/// The shape of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A mapping, keys in document order.
    Map(Vec<Entry>),
    /// A sequence.
    Seq(Vec<Node>),
    /// A scalar, unquoted (numbers and booleans stay text).
    Scalar(String),
    /// An explicit or implicit null.
    Null,
}

/// One key of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key, unquoted.
    pub key: String,
    /// 1-based line of the key.
    pub line: u32,
    /// The value.
    pub value: Node,
}

const NULL: Node = Node {
    value: Value::Null,
    line: 0,
    tag: None,
};

impl Node {
    /// The value at `key` of a mapping.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()
            .iter()
            .find(|entry| entry.key == key)
            .map(|entry| &entry.value)
    }

    /// The value at a path of mapping keys.
    #[must_use]
    pub fn at(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |node, key| node.get(key))
    }

    /// The entries of a mapping (none for other values).
    #[must_use]
    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The items of a sequence (none for other values).
    #[must_use]
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    /// The text of a scalar.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(text) => Some(text),
            _ => None,
        }
    }

    /// True for the scalar `true` (any case, as YAML 1.2 core schema reads it).
    #[must_use]
    pub fn is_true(&self) -> bool {
        self.as_str()
            .is_some_and(|s| s.eq_ignore_ascii_case("true"))
    }

    /// The scalar, or each scalar of a sequence: YAML fields that take one or many.
    #[must_use]
    pub fn scalars(&self) -> Vec<&str> {
        match &self.value {
            Value::Scalar(text) => vec![text.as_str()],
            Value::Seq(items) => items.iter().filter_map(Node::as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// A line-free rendering, to compare two values for equality whatever their position.
    #[must_use]
    pub fn canonical(&self) -> String {
        let mut out = String::new();
        self.render(&mut out);
        out
    }

    fn render(&self, out: &mut String) {
        if let Some(tag) = &self.tag {
            out.push_str(tag);
            out.push(' ');
        }
        match &self.value {
            Value::Map(entries) => {
                out.push('{');
                for entry in entries {
                    let _ = write!(out, "{:?}:", entry.key);
                    entry.value.render(out);
                    out.push(',');
                }
                out.push('}');
            }
            Value::Seq(items) => {
                out.push('[');
                for item in items {
                    item.render(out);
                    out.push(',');
                }
                out.push(']');
            }
            Value::Scalar(text) => {
                let _ = write!(out, "{text:?}");
            }
            Value::Null => out.push_str("null"),
        }
    }
}

/// Parses a YAML (or, when it starts with `{` or `[`, JSON) file into its documents.
/// `Err` carries the reason it could not be read as data, for the fallback report.
pub fn parse(source: &[u8]) -> Result<Vec<Node>, String> {
    let text = String::from_utf8_lossy(source);
    let json = matches!(text.trim_start().chars().next(), Some('{' | '['));
    let name = if json { "json" } else { "yaml" };
    let language = CONFIG_LANGUAGES
        .iter()
        .find(|language| language.name == name)
        .ok_or_else(|| format!("no {name} grammar"))?;
    let tree = parse_config(language, text.as_bytes()).ok_or("the parser gave up")?;
    let root = tree.root_node();
    // Before anything recursive reads the tree (error lines included).
    depth::check(root).map_err(|too_deep| too_deep.to_string())?;
    if root.has_error() {
        return Err(template_reason(&text).unwrap_or_else(|| {
            let line = first_error_line(root).unwrap_or(1);
            format!("{name} syntax error at line {line}")
        }));
    }
    let mut documents = Vec::new();
    let mut cursor = root.walk();
    if json {
        if let Some(value) = root.named_children(&mut cursor).find(|c| !c.is_extra()) {
            documents.push(build(value, &text));
        }
    } else {
        for document in root.named_children(&mut cursor) {
            let mut inner = document.walk();
            if let Some(body) = document
                .named_children(&mut inner)
                .find(|c| matches!(c.kind(), "block_node" | "flow_node"))
            {
                documents.push(build(body, &text));
            }
        }
    }
    // Two values for one key: tools disagree on which one counts, so neither is trusted.
    if let Some((key, line)) = documents.iter().find_map(duplicate_key) {
        return Err(format!(
            "duplicate key {key:?} at line {line}: the file reads two ways"
        ));
    }
    Ok(documents)
}

/// The first key that appears twice in one mapping (YAML merge keys `<<` aside), with the line
/// of its second appearance. Recursion is bounded by [`depth::check`].
fn duplicate_key(node: &Node) -> Option<(String, u32)> {
    match &node.value {
        Value::Map(entries) => {
            let mut seen = std::collections::HashSet::new();
            for entry in entries {
                if entry.key != "<<" && !seen.insert(entry.key.as_str()) {
                    return Some((entry.key.clone(), entry.line));
                }
            }
            entries.iter().find_map(|entry| duplicate_key(&entry.value))
        }
        Value::Seq(items) => items.iter().find_map(duplicate_key),
        Value::Scalar(_) | Value::Null => None,
    }
}

/// Why a file that failed to parse is probably a template, if it looks like one.
#[must_use]
pub fn template_reason(text: &str) -> Option<String> {
    let markers = [
        // Jinja also uses `{{ }}`, so its own `{% %}` is looked for first.
        ("{%", "Jinja template: {% %} is not YAML"),
        ("<%", "ERB template: <% %> is not YAML"),
        ("{{", "Go/Helm template: {{ }} is not YAML"),
    ];
    markers
        .iter()
        .find(|(marker, _)| text.contains(marker))
        .map(|(_, reason)| (*reason).to_string())
}

fn first_error_line(node: tree_sitter::Node<'_>) -> Option<u32> {
    if node.is_error() || node.is_missing() {
        return Some(line_of(node));
    }
    let mut cursor = node.walk();
    node.children(&mut cursor)
        .filter(tree_sitter::Node::has_error)
        .find_map(first_error_line)
}

fn line_of(node: tree_sitter::Node<'_>) -> u32 {
    u32::try_from(node.start_position().row).map_or(u32::MAX, |row| row.saturating_add(1))
}

fn build(node: tree_sitter::Node<'_>, text: &str) -> Node {
    let line = line_of(node);
    let mut tag = None;
    let mut body = None;
    let mut cursor = node.walk();
    match node.kind() {
        "block_node" | "flow_node" => {
            for child in node.named_children(&mut cursor) {
                match child.kind() {
                    "tag" => tag = Some(slice(child, text).to_string()),
                    "anchor" | "comment" => {}
                    _ => body = Some(child),
                }
            }
        }
        _ => body = Some(node),
    }
    let value = body.map_or(Value::Null, |body| value_of(body, text));
    Node { value, line, tag }
}

fn value_of(node: tree_sitter::Node<'_>, text: &str) -> Value {
    let mut cursor = node.walk();
    match node.kind() {
        "block_mapping" | "flow_mapping" | "object" => Value::Map(
            node.named_children(&mut cursor)
                .filter(|c| matches!(c.kind(), "block_mapping_pair" | "flow_pair" | "pair"))
                .map(|pair| entry(pair, text))
                .collect(),
        ),
        "block_sequence" | "flow_sequence" | "array" => Value::Seq(
            node.named_children(&mut cursor)
                .filter(|c| c.kind() != "comment")
                .map(|item| {
                    let mut inner = item.walk();
                    let body = if item.kind() == "block_sequence_item" {
                        item.named_children(&mut inner)
                            .find(|c| c.kind() != "comment")
                    } else {
                        Some(item)
                    };
                    // An empty item (`- ` alone) is null, at its own line.
                    let empty = Node {
                        line: line_of(item),
                        ..NULL
                    };
                    body.map_or(empty, |body| build(body, text))
                })
                .collect(),
        ),
        "block_node" | "flow_node" => build(node, text).value,
        "null" | "null_scalar" => Value::Null,
        "plain_scalar" => {
            let raw = slice(node, text);
            if matches!(raw, "~" | "null" | "Null" | "NULL") {
                Value::Null
            } else {
                Value::Scalar(raw.to_string())
            }
        }
        "double_quote_scalar" | "string" => Value::Scalar(unescape(strip(slice(node, text)))),
        "single_quote_scalar" => Value::Scalar(strip(slice(node, text)).replace("''", "'")),
        "block_scalar" => {
            // The first line is the `|` or `>` header; the rest is the text.
            let raw = slice(node, text);
            let body = raw.split_once('\n').map_or("", |(_, rest)| rest);
            // YAML strips the block's indentation (that of its first non-empty line), not
            // each line's: a nested document in a block (a Kustomize inline patch) keeps its
            // structure.
            let indent = body
                .lines()
                .find(|l| !l.trim().is_empty())
                .map_or(0, |l| l.len() - l.trim_start_matches(' ').len());
            let lines: Vec<&str> = body
                .lines()
                .map(|l| {
                    let cut = (l.len() - l.trim_start_matches(' ').len()).min(indent);
                    l[cut..].trim_end()
                })
                .collect();
            Value::Scalar(lines.join("\n"))
        }
        _ => Value::Scalar(slice(node, text).to_string()),
    }
}

fn entry(pair: tree_sitter::Node<'_>, text: &str) -> Entry {
    let key = pair.child_by_field_name("key");
    let value = pair.child_by_field_name("value");
    let key_text = key.map_or(String::new(), |key| match value_of(key, text) {
        Value::Scalar(s) => s,
        _ => slice(key, text).to_string(),
    });
    Entry {
        key: key_text,
        line: line_of(key.unwrap_or(pair)),
        value: value.map_or(
            Node {
                line: line_of(pair),
                ..NULL
            },
            |value| build(value, text),
        ),
    }
}

fn slice<'t>(node: tree_sitter::Node<'_>, text: &'t str) -> &'t str {
    text.get(node.byte_range()).unwrap_or_default()
}

fn strip(quoted: &str) -> &str {
    let inner = quoted.get(1..quoted.len().saturating_sub(1));
    inner.unwrap_or_default()
}

/// The escapes that matter for comparing values; others are kept as written.
fn unescape(s: &str) -> String {
    s.replace("\\\"", "\"")
        .replace("\\n", "\n")
        .replace("\\\\", "\\")
}

/// The lines a change adds, with their new line numbers: what a line-level fallback reads.
pub fn added_lines(file: &FileChange) -> impl Iterator<Item = (u32, &str)> {
    file.hunks
        .iter()
        .flat_map(|hunk| &hunk.lines)
        .filter(|line| line.kind == LineKind::Added)
        .filter_map(|line| Some((line.new_line?, line.content.as_str())))
}

#[cfg(test)]
pub(crate) mod testing;

#[cfg(test)]
mod tests {
    use super::*;

    /// YAML and JSON (with comments) build the same tree, tags and lines kept, multi-document.
    #[test]
    fn builds_yaml_and_json() {
        let yaml = parse(b"a: 1\nb:\n  - !Ref X\n  - 'it''s'\n---\nc: ~\n").expect("yaml");
        assert_eq!(yaml.len(), 2);
        let b = yaml[0].get("b").expect("b");
        assert_eq!(b.items()[0].tag.as_deref(), Some("!Ref"));
        assert_eq!(b.items()[0].as_str(), Some("X"));
        assert_eq!(b.items()[1].as_str(), Some("it's"));
        assert_eq!(b.items()[1].line, 4);
        assert_eq!(yaml[1].get("c").map(|c| &c.value), Some(&Value::Null));
        // An empty sequence item is null at its own line (a fact about it has a real line).
        let empty = parse(b"a:\n  - x\n  -\n").expect("yaml");
        let item = &empty[0].get("a").expect("a").items()[1];
        assert_eq!((&item.value, item.line), (&Value::Null, 3));
        let json = parse(b"{\n // note\n \"a\": 1, \"b\": [\"X\", \"it's\"]\n}\n").expect("json");
        assert_eq!(json[0].get("a").and_then(Node::as_str), Some("1"));
        assert_eq!(json[0].entries()[0].line, 3);
    }

    /// Templates and broken files say why they cannot be read.
    #[test]
    fn reasons() {
        let helm = parse(b"a: 1\n{{- if .Values.x }}\nb: [\n").expect_err("helm");
        assert!(helm.contains("Helm"), "{helm}");
        let broken = parse(b"a: [1,\nb: c\n").expect_err("broken");
        assert!(broken.contains("syntax error"), "{broken}");
        let twice = parse(b"a:\n  b: 1\n  c: 2\n  b: 3\n").expect_err("duplicate");
        assert!(twice.contains("duplicate key \"b\" at line 4"), "{twice}");
        let json = parse(b"{\"a\": [{\"k\": 1, \"k\": 2}]}").expect_err("duplicate");
        assert!(json.contains("duplicate key"), "{json}");
        assert!(parse(b"a: &x {k: 1}\nb:\n  <<: *x\n  k: 2\n").is_ok());
    }
}
