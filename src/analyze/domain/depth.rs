//! The nesting limit for parsed files: the analyzers build and compare their documents with
//! recursive code, so a file nested thousands of levels deep (`[[[[…]]]]`, flow mappings,
//! blocks in blocks) would overflow the stack. Parsing itself is iterative (tree-sitter keeps its
//! stack on the heap); the tree is measured with a cursor, again without recursion, before
//! anything recursive reads it. A file over the limit is not analysed: every analyzer reads a
//! risky kind (infrastructure, pipelines, migrations, hooks), so it becomes an
//! `unanalysable-risky-file` fact with the reason, judged as the worst case for its kind like a
//! binary one, and the analyzer's line-level reading still runs.

use crate::analyze::Fact;
use crate::signal::Signal;

use super::LineLevel;

/// Deepest syntax tree read, in tree-sitter nodes. A level of YAML or HCL nesting takes two to
/// four nodes; real manifests, templates and modules stay under a hundred. The recursive
/// readers take a few frames per node, far from a thread's stack even in a debug build.
pub const MAX_DEPTH: usize = 400;

/// A syntax tree nested deeper than [`MAX_DEPTH`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "nested deeper than {limit} levels (at line {line}): not analysed, the limit keeps the reader's stack bounded",
    limit = MAX_DEPTH
)]
pub struct TooDeep {
    /// 1-based line of the first node past the limit.
    pub line: u32,
}

/// How every [`TooDeep`] reason starts, so a fallback can be told apart from a syntax error.
const PREFIX: &str = "nested deeper than";

/// `Err` when the tree under `root` is deeper than [`MAX_DEPTH`]. Walks with a cursor: no
/// recursion, whatever the depth.
pub fn check(root: tree_sitter::Node<'_>) -> Result<(), TooDeep> {
    let mut cursor = root.walk();
    let mut depth = 0usize;
    loop {
        if cursor.goto_first_child() {
            depth += 1;
            if depth > MAX_DEPTH {
                let row = cursor.node().start_position().row;
                let line = u32::try_from(row).map_or(u32::MAX, |row| row.saturating_add(1));
                return Err(TooDeep { line });
            }
            continue;
        }
        while !cursor.goto_next_sibling() {
            if depth == 0 || !cursor.goto_parent() {
                return Ok(());
            }
            depth -= 1;
        }
    }
}

/// An `unanalysable-risky-file` fact for each file an analyzer did not read because of the limit.
#[must_use]
pub fn facts(fallbacks: &[LineLevel]) -> Vec<Fact> {
    fallbacks
        .iter()
        .filter(|fallback| fallback.reason.starts_with(PREFIX))
        .map(|fallback| Fact {
            signal: Signal::UnanalysableRiskyFile,
            file: Some(fallback.file.clone()),
            line: None,
            quantity: 1.0,
            message: format!("not analysed by {}: {}", fallback.analyzer, fallback.reason),
            related: Vec::new(),
            subject: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::lang::{CONFIG_LANGUAGES, parse_config};

    fn tree(language: &str, source: &str) -> tree_sitter::Tree {
        let language = CONFIG_LANGUAGES
            .iter()
            .find(|l| l.name == language)
            .expect("a config grammar");
        parse_config(language, source.as_bytes()).expect("parses")
    }

    /// Shallow trees pass; a deep one fails at the line where the limit is crossed.
    #[test]
    fn measures_depth_without_recursion() {
        let shallow = tree("json", "{\"a\": [1, {\"b\": [2]}]}\n");
        assert_eq!(check(shallow.root_node()), Ok(()));
        let deep = format!("{}\n{}\n", "[".repeat(5_000), "]".repeat(5_000));
        let error = check(tree("json", &deep).root_node()).expect_err("too deep");
        assert_eq!(error.line, 1);
        assert!(error.to_string().starts_with(PREFIX), "{error}");
    }

    /// Only fallbacks for the depth limit become `unanalysable-risky-file` facts.
    #[test]
    fn facts_for_depth_fallbacks_only() {
        let fallback = |reason: String| LineLevel {
            file: "k8s/deep.yaml".into(),
            analyzer: "kubernetes",
            reason,
        };
        let fallbacks = [
            fallback(TooDeep { line: 3 }.to_string()),
            fallback("yaml syntax error at line 2".into()),
        ];
        let facts = facts(&fallbacks);
        assert_eq!(facts.len(), 1, "{facts:?}");
        assert_eq!(facts[0].signal, Signal::UnanalysableRiskyFile);
        assert!(facts[0].message.contains("line 3"), "{}", facts[0].message);
    }
}
