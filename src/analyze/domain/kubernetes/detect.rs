//! Whether a file holds Kubernetes objects, read from its content: a YAML or JSON document
//! (or a `List`'s items) that is a mapping with `apiVersion` and `kind` keys, however the file
//! is named and spaced (`kind : Pod`, `"kind": "Pod"`). Source: Kubernetes docs, "Objects In
//! Kubernetes" (required fields `apiVersion`, `kind`, `metadata`; manifests may be YAML or JSON).

use memchr::memmem;

use super::super::tree::{self, Node};

/// Whether `content` holds a Kubernetes object. A byte prefilter first (both key names must
/// appear), then a parse; a file that does not parse (a Helm template) or is not text counts
/// when a line starts with each key, so it is still read line by line.
pub(super) fn holds_objects(content: &[u8]) -> bool {
    if memmem::find(content, b"apiVersion").is_none() || memmem::find(content, b"kind").is_none() {
        return false;
    }
    let text = memchr::memchr(0, content).is_none();
    match tree::parse(content) {
        Ok(documents) if text => documents.iter().any(is_object),
        _ => has_key_line(content, "apiVersion") && has_key_line(content, "kind"),
    }
}

/// A mapping with both keys, or a `List` of them.
fn is_object(doc: &Node) -> bool {
    let keyed = doc.get("apiVersion").is_some() && doc.get("kind").and_then(Node::as_str).is_some();
    keyed
        || doc
            .get("items")
            .is_some_and(|items| items.items().iter().any(is_object))
}

/// Whether a line starts with `key` (quoted or not) followed by optional spaces and a colon.
fn has_key_line(content: &[u8], key: &str) -> bool {
    String::from_utf8_lossy(content).lines().any(|line| {
        let line = line.trim_start().trim_start_matches("- ");
        let rest = line
            .strip_prefix('"')
            .and_then(|l| l.strip_prefix(key))
            .and_then(|l| l.strip_prefix('"'))
            .or_else(|| line.strip_prefix(key));
        rest.is_some_and(|rest| rest.trim_start().starts_with(':'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Any spelling of a manifest is recognised; text that merely mentions the words is not.
    #[test]
    fn recognised_by_content() {
        let yes: &[&str] = &[
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
            "apiVersion : apps/v1\nkind : Deployment\nmetadata :\n  name : web\n",
            "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\",\n  \"metadata\": {\"name\": \"p\"}\n}\n",
            "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [{\"apiVersion\": \"v1\", \"kind\": \"Service\"}]}",
            "# comment\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: {{ .Values.ns }}\n",
        ];
        for text in yes {
            assert!(holds_objects(text.as_bytes()), "{text}");
        }
        let no: &[&str] = &[
            "name: ci\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n",
            "description: this kind of apiVersion talk is prose\n",
            "{\"name\": \"app\", \"kind\": \"library\"}",
        ];
        for text in no {
            assert!(!holds_objects(text.as_bytes()), "{text}");
        }
    }
}
