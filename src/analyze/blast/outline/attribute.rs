//! What each definition holds, once the walk's matches are definitions: the tokens of its body
//! hash and the references it encloses.
//!
//! The walk records every token and reference with the byte span of its node. Syntax nodes
//! nest, so a definition holds a token exactly when the token's span lies inside the
//! definition's node, and one sweep in source order with a stack of the definitions still
//! open gives, for every token, all the definitions around it (each one's hash takes it) and,
//! for every reference, the innermost (the definition the reach follows).

use super::extract::FoundDefinition;
use super::hash::TokenHasher;
use crate::analyze::blast::syntax::Reference;

/// Tokens and reference spans in walk order (source order). Offsets are `u32`, as in
/// tree-sitter's own nodes, so that a large file's record stays small (12 bytes a token).
#[derive(Debug, Default)]
pub(super) struct WalkRecord {
    /// Each token fed to the hashes.
    pieces: Vec<Piece>,
    /// Bytes a grammar left between tokens, fed before a token (`Piece::gap`).
    gaps: Vec<(u32, u32)>,
    gap_bytes: Vec<u8>,
    /// The node span of each reference, in the order of the references.
    spans: Vec<(u32, u32)>,
}

/// One token of the record: its node's span and, unless [`NO_GAP`], the index in `gaps` of
/// the bytes fed before it.
#[derive(Debug, Clone, Copy)]
struct Piece {
    start: u32,
    end: u32,
    gap: u32,
}

const NO_GAP: u32 = u32::MAX;

/// A byte offset as tree-sitter keeps it.
fn offset(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

impl WalkRecord {
    /// Records the node spanning `span` as a token.
    pub(super) fn token(&mut self, span: std::ops::Range<usize>) {
        self.pieces.push(Piece {
            start: offset(span.start),
            end: offset(span.end),
            gap: NO_GAP,
        });
    }

    /// Records bytes found between tokens, fed with the token of the node spanning `span`.
    pub(super) fn gap(&mut self, span: std::ops::Range<usize>, bytes: &[u8]) {
        let from = offset(self.gap_bytes.len());
        self.gap_bytes.extend_from_slice(bytes);
        self.gaps.push((from, offset(self.gap_bytes.len())));
        self.pieces.push(Piece {
            start: offset(span.start),
            end: offset(span.end),
            gap: offset(self.gaps.len() - 1),
        });
    }

    /// Records the span of the next reference.
    pub(super) fn reference(&mut self, span: std::ops::Range<usize>) {
        self.spans.push((offset(span.start), offset(span.end)));
    }

    /// Sets each reference's enclosing definition and returns each definition's body hash
    /// (its own name masked), in the order of `found` (source order, outer before inner).
    pub(super) fn attribute(
        &self,
        found: &[FoundDefinition<'_>],
        references: &mut [Reference],
        source: &[u8],
    ) -> Vec<u64> {
        let spans: Vec<(u32, u32)> = found
            .iter()
            .map(|definition| {
                (
                    offset(definition.node.start_byte()),
                    offset(definition.node.end_byte()),
                )
            })
            .collect();
        let mut hashers = vec![TokenHasher::default(); found.len()];
        let mut open = Open::new(&spans);
        for piece in &self.pieces {
            open.at(piece.start, piece.end);
            let range = |(from, to): (u32, u32)| from as usize..to as usize;
            let bytes = match self.gaps.get(piece.gap as usize) {
                Some(&gap) => self.gap_bytes.get(range(gap)),
                None => source.get(range((piece.start, piece.end))),
            }
            .unwrap_or_default();
            for &index in &open.stack {
                if bytes == found[index].definition.name.as_bytes() {
                    hashers[index].mask();
                } else {
                    hashers[index].token(bytes);
                }
            }
        }
        let mut open = Open::new(&spans);
        for (reference, &(start, end)) in references.iter_mut().zip(&self.spans) {
            open.at(start, end);
            reference.enclosing = open
                .stack
                .last()
                .map(|&index| found[index].definition.name.clone());
        }
        hashers.iter().map(|hasher| hasher.finish()).collect()
    }
}

/// The definitions whose spans hold the current position, outermost first, as positions are
/// visited in source order.
struct Open<'s> {
    spans: &'s [(u32, u32)],
    /// The next definition not yet opened.
    next: usize,
    stack: Vec<usize>,
}

impl<'s> Open<'s> {
    fn new(spans: &'s [(u32, u32)]) -> Self {
        Self {
            spans,
            next: 0,
            stack: Vec::new(),
        }
    }

    /// Moves to the node spanning `start..end`: closes the definitions that do not hold it
    /// (nodes nest, so none of them holds anything later) and opens those starting before it.
    fn at(&mut self, start: u32, end: u32) {
        while let Some(&(from, to)) = self.spans.get(self.next) {
            if from > start {
                break;
            }
            self.close_outside(from, to);
            self.stack.push(self.next);
            self.next += 1;
        }
        self.close_outside(start, end);
    }

    fn close_outside(&mut self, start: u32, end: u32) {
        while let Some(&top) = self.stack.last() {
            let (from, to) = self.spans[top];
            if from <= start && end <= to {
                break;
            }
            self.stack.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::blast::outline::{Budget, outline};
    use crate::analyze::blast::syntax::Outline;
    use crate::analyze::lang::by_name;

    fn outlined(language: &str, source: &str) -> Outline {
        let language = by_name(language).expect("registered");
        outline(language, source.as_bytes(), &Budget::default()).expect("outlines")
    }

    fn body_hash(outline: &Outline, name: &str) -> u64 {
        outline
            .definitions
            .iter()
            .find(|definition| definition.name == name)
            .map(|definition| definition.body_hash)
            .expect("defined")
    }

    fn enclosing(outline: &Outline, name: &str, line: u32) -> Option<String> {
        outline
            .references
            .iter()
            .find(|reference| reference.name == name && reference.line == line)
            .map(|reference| reference.enclosing.clone())
            .expect("referenced")
    }

    /// A use is enclosed by the innermost definition around it, and a name at the top level by
    /// none; in C the definition is lifted from the declarator the query matches to the whole
    /// function, whose body then encloses its uses.
    #[test]
    fn references_get_the_innermost_definition_around_them() {
        let python = "def outer():\n    def inner():\n        return helper()\n    return inner() + other()\n\nprint(helper())\n";
        let outline = outlined("python", python);
        assert_eq!(enclosing(&outline, "helper", 3), Some("inner".to_string()));
        assert_eq!(enclosing(&outline, "other", 4), Some("outer".to_string()));
        assert_eq!(enclosing(&outline, "helper", 6), None);
        let c = "int run(void) {\n    return helper(1);\n}\n";
        assert_eq!(
            enclosing(&outlined("c", c), "helper", 2),
            Some("run".to_string())
        );
    }

    /// A body hash takes every token of its definition's node and masks the definition's own
    /// name: a rename or a move alone keeps it, a changed body does not, and neither does a
    /// changed keyword of the declaration a JavaScript definition is lifted to.
    #[test]
    fn body_hashes_take_the_tokens_inside_their_definition() {
        let python = |text: &str| body_hash(&outlined("python", text), "total");
        let base = "def total(xs):\n    return sum(xs)\n";
        assert_eq!(
            python(base),
            body_hash(
                &outlined("python", "def amount(xs):\n    return sum(xs)\n"),
                "amount"
            )
        );
        assert_eq!(python(base), python(&format!("X = 1\n\n\n{base}")));
        assert_ne!(python(base), python("def total(xs):\n    return max(xs)\n"));
        let javascript = |text: &str| body_hash(&outlined("javascript", text), "total");
        assert_ne!(
            javascript("const total = (xs) => sum(xs);\n"),
            javascript("let total = (xs) => sum(xs);\n")
        );
    }

    /// A forward declaration of a function the same file defines is a declaration, not a use:
    /// only the call counts.
    #[test]
    fn a_forward_declaration_is_not_a_use() {
        let c = "static int helper(int x);\nint run(void) { return helper(1); }\nstatic int helper(int x) { return x; }\n";
        let lines: Vec<u32> = outlined("c", c)
            .references
            .iter()
            .filter(|reference| reference.name == "helper")
            .map(|reference| reference.line)
            .collect();
        assert_eq!(lines, [2]);
    }
}
