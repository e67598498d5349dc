//! What the conditions on a call ask of its arguments, answered from the whole file: its
//! tokens once, with counts per asked-for pattern and the places where strings are built,
//! each made on first need. A subtree's tokens and nodes are a run of the file's, so "does
//! this argument list hold a token like `shell=True`" is two binary searches and a
//! subtraction, not a walk of the arguments — callbacks passed as arguments hold the calls
//! inside them, and walking every call's arguments was quadratic in their nesting.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;

use tree_sitter::Node;

use super::super::shape::token_matches;

/// Argument lists with at most this many tokens are scanned directly: counting a pattern over
/// the whole file only pays for itself on big ones.
const SCANNED_TOKENS: usize = 512;
/// Argument lists of at most this many bytes are walked directly for string builders.
const WALKED_BYTES: usize = 4096;

/// One file version's tokens, and what has been asked of them.
pub(super) struct FileIndex<'a, 't> {
    /// The tree's root, for finding every string builder once.
    root: Node<'t>,
    /// Every token with its start byte, in file order (see `tokens_at`).
    tokens: Vec<(usize, &'a str)>,
    /// Per pattern asked for: `counts[i]`, how many of the first `i` tokens match it.
    counts: RefCell<HashMap<&'static str, Vec<u32>>>,
    /// Byte spans of the named nodes that build a string, in tree order; made on first need.
    builders: OnceCell<Vec<(usize, usize)>>,
}

impl<'a, 't> FileIndex<'a, 't> {
    /// The index of the file whose tree has `root` and whose tokens are `tokens`.
    pub(super) fn new(root: Node<'t>, tokens: Vec<(usize, &'a str)>) -> Self {
        Self {
            root,
            tokens,
            counts: RefCell::new(HashMap::new()),
            builders: OnceCell::new(),
        }
    }

    /// The indexes of the tokens that start inside `node`.
    pub(super) fn span(&self, node: Node<'_>) -> (usize, usize) {
        let from = self
            .tokens
            .partition_point(|(start, _)| *start < node.start_byte());
        let to = self
            .tokens
            .partition_point(|(start, _)| *start < node.end_byte());
        (from, to.max(from))
    }

    /// The tokens of `node`, with their start bytes.
    pub(super) fn of(&self, node: Node<'_>) -> &[(usize, &'a str)] {
        let (from, to) = self.span(node);
        &self.tokens[from..to]
    }

    /// Every token of the file, with its start byte.
    pub(super) fn tokens(&self) -> &[(usize, &'a str)] {
        &self.tokens
    }

    /// Whether a token of `node` matches `pattern` ([`token_matches`]).
    pub(super) fn has(&self, node: Node<'_>, pattern: &'static str) -> bool {
        let (from, to) = self.span(node);
        if to - from <= SCANNED_TOKENS {
            return self.tokens[from..to]
                .iter()
                .any(|(_, token)| token_matches(token, pattern));
        }
        self.counted(from, to, pattern)
    }

    /// Whether tokens `from..to` hold one matching `pattern`, from the pattern's counts.
    pub(super) fn counted(&self, from: usize, to: usize, pattern: &'static str) -> bool {
        let mut counts = self.counts.borrow_mut();
        let counts = counts.entry(pattern).or_insert_with(|| {
            let mut running = 0u32;
            let mut counts = Vec::with_capacity(self.tokens.len() + 1);
            counts.push(0);
            for (_, token) in &self.tokens {
                running += u32::from(token_matches(token, pattern));
                counts.push(running);
            }
            counts
        });
        counts[to] > counts[from]
    }

    /// Whether `node` or a named node below it passes `builds`, which tells a node that
    /// builds a string. A big `node` is answered from every such node of the file, found once.
    pub(super) fn builds_below(&self, node: Node<'_>, builds: &dyn Fn(Node<'_>) -> bool) -> bool {
        if node.byte_range().len() <= WALKED_BYTES {
            return any_below(node, builds);
        }
        self.indexed_builds_below(node, builds)
    }

    /// [`FileIndex::builds_below`] from the file's string builders, found on first need.
    pub(super) fn indexed_builds_below(
        &self,
        node: Node<'_>,
        builds: &dyn Fn(Node<'_>) -> bool,
    ) -> bool {
        let spans = self.builders.get_or_init(|| {
            let mut spans = Vec::new();
            let mut stack = vec![self.root];
            while let Some(node) = stack.pop() {
                if builds(node) {
                    spans.push((node.start_byte(), node.end_byte()));
                }
                let before = stack.len();
                let mut cursor = node.walk();
                stack.extend(node.named_children(&mut cursor));
                stack[before..].reverse();
            }
            spans
        });
        // Builders are in tree order, so by start. One that starts inside `node` is below it,
        // unless it starts where `node` does and ends after it: an ancestor, skipped.
        let mut at = spans.partition_point(|(start, _)| *start < node.start_byte());
        while let Some(&(start, end)) = spans.get(at) {
            if start >= node.end_byte() && start != node.start_byte() {
                return false;
            }
            if end <= node.end_byte() {
                return true;
            }
            at += 1;
        }
        false
    }
}

/// Whether `node` or a named node below it passes `test`.
pub(super) fn any_below(node: Node<'_>, test: &dyn Fn(Node<'_>) -> bool) -> bool {
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        if test(node) {
            return true;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}
