//! The one place policy YAML is parsed, so every pass uses the same hardened options.
//!
//! Policies are read from the base revision, but a change under review can carry a policy
//! too (it is validated and diffed), so the text is treated as hostile: budgets stay on and
//! are tighter than serde-saphyr's defaults, booleans follow YAML 1.2 (`NO` is a string,
//! not `false`), and `0755` stays a string instead of silently becoming 755.
//!
//! Besides the helper, this module has [`Node`]: a generic, span-carrying view of the
//! document used by the unknown-key pass (`keys.rs`), because `deny_unknown_fields` stops
//! at the first unknown key and users deserve to see all of them at once.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{MessageFormatter, Spanned};

use super::Diagnostic;

/// Deserializes `text` with the policy's parser options, or returns the single diagnostic
/// that stopped parsing (syntax, type, duplicate key or budget breach).
pub(crate) fn from_str<'de, T: Deserialize<'de>>(text: &'de str) -> Result<T, (u64, u64, String)> {
    serde_saphyr::from_str_with_options(text, options()).map_err(|error| {
        let (line, column) = error
            .location()
            .map_or((1, 1), |location| (location.line(), location.column()));
        // The default formatter gives the bare message; the location is ours to print.
        let message = serde_saphyr::UserMessageFormatter.format_message(&error);
        (line, column, sanitize(&message))
    })
}

/// Wraps [`from_str`]'s failure as a diagnostic of `file`.
pub(crate) fn diagnostic(file: &str, (line, column, message): (u64, u64, String)) -> Diagnostic {
    Diagnostic::new(file, line, column, message)
}

/// Parser options for policies: YAML 1.2 scalars, duplicate keys rejected, tight budgets.
fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        // `on`/`no`/`y` are strings in YAML 1.2; a policy author never means a boolean there.
        strict_booleans: true,
        // `0755` in an untyped position (the unknown-key pass) stays text, as written.
        leading_zero_numbers_as_strings: true,
        duplicate_keys: serde_saphyr::options::DuplicateKeyPolicy::Error,
        // A real policy has a few hundred nodes; these caps stop alias and merge fan-out
        // bombs long before they cost memory, and still leave two orders of magnitude.
        budget: serde_saphyr::budget! {
            max_documents: 1,
            max_nodes: 50_000,
            max_depth: 32,
            max_aliases: 1_000,
            max_anchors: 1_000,
            max_merge_keys: 1_000,
            max_events: 200_000,
            max_total_scalar_bytes: 2 * 1024 * 1024,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 50_000,
        },
    }
}

/// Replaces control characters so a hostile message cannot rewrite the terminal.
fn sanitize(message: &str) -> String {
    message
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A YAML node with where it starts; only the shape matters to the unknown-key pass.
#[derive(Debug)]
pub(crate) struct Node {
    /// 1-based line of the node.
    pub line: u64,
    /// 1-based column of the node.
    pub column: u64,
    /// Scalar, sequence or mapping.
    pub kind: NodeKind,
}

/// The shape of a [`Node`].
#[derive(Debug)]
pub(crate) enum NodeKind {
    /// Any scalar, including null.
    Scalar,
    /// A sequence of nodes.
    Seq(Vec<Node>),
    /// A mapping, in document order.
    Map(Vec<(Key, Node)>),
}

/// A mapping key with its position.
#[derive(Debug)]
pub(crate) struct Key {
    /// The key as text; `None` for a sequence or mapping used as a key.
    pub text: Option<String>,
    /// 1-based line of the key.
    pub line: u64,
    /// 1-based column of the key.
    pub column: u64,
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<NodeKind>::deserialize(deserializer)?;
        Ok(Self {
            line: spanned.referenced.line(),
            column: spanned.referenced.column(),
            kind: spanned.value,
        })
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<KeyText>::deserialize(deserializer)?;
        Ok(Self {
            text: spanned.value.0,
            line: spanned.referenced.line(),
            column: spanned.referenced.column(),
        })
    }
}

impl<'de> Deserialize<'de> for NodeKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

/// Builds a [`NodeKind`] from whatever the document holds.
struct NodeVisitor;

/// Generates the scalar visits: every scalar is just [`NodeKind::Scalar`] here.
macro_rules! scalar_visits {
    ($($method:ident($ty:ty)),*) => {$(
        fn $method<E: de::Error>(self, _value: $ty) -> Result<NodeKind, E> {
            Ok(NodeKind::Scalar)
        }
    )*};
}

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = NodeKind;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    scalar_visits!(
        visit_bool(bool),
        visit_i64(i64),
        visit_i128(i128),
        visit_u64(u64),
        visit_u128(u128),
        visit_f64(f64),
        visit_str(&str),
        visit_bytes(&[u8])
    );

    fn visit_unit<E: de::Error>(self) -> Result<NodeKind, E> {
        Ok(NodeKind::Scalar)
    }

    fn visit_none<E: de::Error>(self) -> Result<NodeKind, E> {
        Ok(NodeKind::Scalar)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<NodeKind, D::Error> {
        NodeKind::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<NodeKind, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(NodeKind::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NodeKind, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Key>()? {
            entries.push((key, map.next_value::<Node>()?));
        }
        Ok(NodeKind::Map(entries))
    }
}

/// A key's text: scalars are spelled out, collections (legal YAML, never a policy key) are not.
struct KeyText(Option<String>);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KeyVisitor)
    }
}

/// Turns any key into [`KeyText`].
struct KeyVisitor;

/// Generates the scalar visits that spell a key with `Display`.
macro_rules! key_visits {
    ($($method:ident($ty:ty)),*) => {$(
        fn $method<E: de::Error>(self, value: $ty) -> Result<KeyText, E> {
            Ok(KeyText(Some(value.to_string())))
        }
    )*};
}

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = KeyText;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping key")
    }

    key_visits!(
        visit_bool(bool),
        visit_i64(i64),
        visit_i128(i128),
        visit_u64(u64),
        visit_u128(u128),
        visit_f64(f64),
        visit_str(&str)
    );

    fn visit_unit<E: de::Error>(self) -> Result<KeyText, E> {
        Ok(KeyText(Some("null".to_owned())))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<KeyText, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(KeyText(None))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeyText, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(KeyText(None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys and values carry their own positions, including keys nested in sequences.
    #[test]
    fn node_positions() {
        let node: Node = from_str("a: 1\nb:\n  - c: x\n    d: [1, 2]\n").unwrap();
        let NodeKind::Map(entries) = node.kind else {
            panic!("not a map")
        };
        assert_eq!(entries[0].0.text.as_deref(), Some("a"));
        assert_eq!((entries[0].0.line, entries[0].0.column), (1, 1));
        assert_eq!((entries[0].1.line, entries[0].1.column), (1, 4));
        let NodeKind::Seq(items) = &entries[1].1.kind else {
            panic!("not a seq")
        };
        let NodeKind::Map(inner) = &items[0].kind else {
            panic!("not a map")
        };
        assert_eq!(inner[1].0.text.as_deref(), Some("d"));
        assert_eq!((inner[1].0.line, inner[1].0.column), (4, 5));
    }

    /// Errors come back as a bare message with the location separate.
    #[test]
    fn error_has_location_and_bare_message() {
        let (line, column, message) = from_str::<Node>("a: 1\na: 2\n").unwrap_err();
        assert_eq!((line, column), (2, 1), "{message}");
        assert!(message.contains("duplicate"), "{message}");
        assert!(!message.contains('\n'), "{message}");
    }
}
