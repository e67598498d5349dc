//! One pass over the syntax tree: the definitions query's matches (run where they can
//! start), references (outside comments and strings), the file's token hash, the tokens each
//! definition's body hash is made of, and how much of the tree is in error.
//!
//! Which definitions enclose a token or a reference is only known once the matches are made
//! into definitions (`extract::finish` may lift one to an ancestor already walked), so the
//! walk records tokens and reference spans and `attribute` assigns them afterwards: one walk
//! of the tree instead of a query run over it and then a walk.

use std::cell::LazyCell;

use tree_sitter::{Node, QueryCursor, StreamingIterator, Tree};

use super::attribute::WalkRecord;
use super::extract::{Found, Raw, line};
use super::hash::TokenHasher;
use crate::analyze::blast::syntax::{Reference, ReferenceKind};
use crate::analyze::lang::{Compiled, Definitions, Resolved, Role};

/// What the walk found.
pub(super) struct Walked<'tree> {
    /// The definitions query's matches, as [`Found`] kept them.
    pub raws: Vec<Raw<'tree>>,
    /// References in source order, deduplicated per (name, line, kind); their enclosing
    /// definitions are given by [`WalkRecord::attribute`].
    pub references: Vec<Reference>,
    /// Tokens and reference spans, for [`WalkRecord::attribute`].
    pub record: WalkRecord,
    /// Hash of all tokens outside comments.
    pub token_hash: u64,
    /// Bytes inside `ERROR` nodes plus one per `MISSING` node.
    pub error_bytes: usize,
}

/// Per-node state kept while its subtree is walked.
#[allow(
    clippy::struct_excessive_bools,
    reason = "independent facts about one node, each read by name"
)]
#[derive(Clone, Copy)]
struct Frame {
    role: Role,
    /// Inside an import.
    import: bool,
    /// Inside a string literal: hashed, no references.
    string: bool,
    /// Inside an `ERROR` node (counted once, at the outermost).
    error: bool,
    /// This node is a call's callee (or the member part of one).
    callee: bool,
    /// Named children entered so far (for `Selector::First`).
    named_seen: u32,
    /// Id of the last named child, when a selector needs it (`Selector::Last`).
    last_named: Option<usize>,
    /// The reference recorded for the previous child, if it was an identifier (Rust macro
    /// arguments: `name` followed by `( … )` is a call).
    previous_reference: Option<usize>,
}

/// Walks `tree` once.
pub(super) fn walk<'tree>(
    compiled: &Compiled,
    definitions: &Definitions,
    tree: &'tree Tree,
    source: &[u8],
) -> Walked<'tree> {
    let mut walker = Walker {
        compiled,
        definitions,
        source,
        found: Found::default(),
        cursor: QueryCursor::new(),
        stack: Vec::new(),
        file: TokenHasher::default(),
        previous_end: 0,
        references: Vec::new(),
        record: WalkRecord::default(),
        line_start: 0,
        error_bytes: 0,
    };
    if definitions.starts.is_some() {
        walker.cursor.set_max_start_depth(Some(0));
    } else {
        walker.found = super::extract::matches(definitions, tree, source);
    }
    walker.run(tree);
    Walked {
        raws: walker.found.raws,
        references: walker.references,
        record: walker.record,
        token_hash: walker.file.finish(),
        error_bytes: walker.error_bytes,
    }
}

struct Walker<'a, 'tree> {
    compiled: &'a Compiled,
    definitions: &'a Definitions,
    source: &'a [u8],
    /// Matches of the definitions query so far: a match is run when the walk enters the node
    /// it starts at, before any of its captures, so a name token is known when reached.
    found: Found<'tree>,
    cursor: QueryCursor,
    stack: Vec<Frame>,
    file: TokenHasher,
    previous_end: usize,
    references: Vec<Reference>,
    record: WalkRecord,
    /// Index of the first reference on the current line, for deduplication.
    line_start: usize,
    error_bytes: usize,
}

impl<'tree> Walker<'_, 'tree> {
    fn run(&mut self, tree: &'tree Tree) {
        let mut cursor = tree.walk();
        loop {
            let descend = self.enter(cursor.node(), || cursor.field_id().map(u16::from));
            if descend && cursor.goto_first_child() {
                continue;
            }
            self.leave();
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return;
                }
                self.leave();
            }
        }
    }

    /// Handles entering `node`, whose field in its parent `field` gives (asked only when a
    /// role needs it: most nodes' never is); returns whether to walk its children.
    fn enter(&mut self, node: Node<'tree>, field: impl FnOnce() -> Option<u16>) -> bool {
        let kind = node.kind_id();
        let role = self.compiled.role(kind);
        let field = LazyCell::new(field);
        let previous_reference = self
            .stack
            .last_mut()
            .and_then(|parent| parent.previous_reference.take());
        let parent = self.stack.last_mut().map(|parent| {
            let first = node.is_named() && parent.named_seen == 0;
            if node.is_named() {
                parent.named_seen += 1;
            }
            (*parent, first)
        });
        let selects = |selector: Option<Resolved>, first: bool| match selector {
            Some(Resolved::Field(id)) => *field == Some(id),
            Some(Resolved::First) => first,
            Some(Resolved::Last) => parent.is_some_and(|(p, _)| p.last_named == Some(node.id())),
            None => false,
        };
        let (callee, member_name, bound, inherited) = match parent {
            Some((parent, first)) => {
                let member_name = selects(parent.role.member, first);
                let callee = selects(parent.role.call, first) || (parent.callee && member_name);
                let bound = selects(parent.role.binding, first);
                (callee, member_name, bound, Some(parent))
            }
            None => (false, false, false, None),
        };
        let wants_last = matches!(role.call, Some(Resolved::Last))
            || matches!(role.member, Some(Resolved::Last));
        let last_named = wants_last
            .then(|| {
                let last = u32::try_from(node.named_child_count().checked_sub(1)?).ok()?;
                node.named_child(last)
            })
            .flatten()
            .map(|child| child.id());
        let mut frame = Frame {
            role,
            last_named,
            previous_reference: None,
            import: role.import || inherited.is_some_and(|p| p.import),
            string: role.string || inherited.is_some_and(|p| p.string),
            error: inherited.is_some_and(|p| p.error),
            callee,
            named_seen: 0,
        };
        if node.is_error() && !frame.error {
            self.error_bytes += node.byte_range().len();
            frame.error = true;
        }
        if node.is_missing() {
            self.error_bytes += 1;
        }
        self.match_definitions(node, kind);
        if role.token_tree
            && inherited.is_some_and(|p| p.role.token_tree)
            && self.source.get(node.start_byte()) == Some(&b'(')
            && let Some(reference) = previous_reference.and_then(|i| self.references.get_mut(i))
            && reference.kind == ReferenceKind::Other
        {
            // `name ( … )` inside macro arguments, which the grammar leaves unparsed.
            reference.kind = ReferenceKind::Call;
        }
        self.stack.push(frame);
        if role.comment {
            self.previous_end = node.end_byte();
            return false;
        }
        if role.identifier || node.child_count() == 0 {
            self.token(node);
            if role.identifier && !frame.string && !bound && !self.found.names(node) {
                let kind = if frame.import {
                    ReferenceKind::Import
                } else if callee {
                    ReferenceKind::Call
                } else if member_name {
                    ReferenceKind::Member
                } else if role.type_name
                    || self
                        .compiled
                        .type_field
                        .is_some_and(|id| *field == Some(id))
                    || inherited.is_some_and(|p| p.role.type_parent)
                {
                    ReferenceKind::Type
                } else {
                    ReferenceKind::Other
                };
                let recorded = self.reference(node, kind);
                if let Some(parent) = self.stack.len().checked_sub(2) {
                    self.stack[parent].previous_reference = recorded;
                }
            }
            return false;
        }
        true
    }

    fn leave(&mut self) {
        self.stack.pop();
    }

    /// Runs the definitions query at `node` for the matches that start there, when its kind
    /// is one they can start at.
    fn match_definitions(&mut self, node: Node<'tree>, kind: u16) {
        let Some(starts) = &self.definitions.starts else {
            return;
        };
        if starts.get(usize::from(kind)) != Some(&true) {
            return;
        }
        let mut matches = self
            .cursor
            .matches(&self.definitions.query, node, self.source);
        while let Some(one) = matches.next() {
            self.found.add(self.definitions, one);
        }
    }

    /// Feeds one token, and any non-blank bytes the grammar left between tokens, to the file
    /// hash, and records them for the body hashes of the definitions around them.
    fn token(&mut self, node: Node) {
        let start = node.start_byte();
        let between = self
            .source
            .get(self.previous_end.min(start)..start)
            .unwrap_or_default();
        // Almost always blank; only grammars with implicit tokens leave text here.
        if !between.iter().all(u8::is_ascii_whitespace) {
            let gap: Vec<u8> = between
                .iter()
                .copied()
                .filter(|byte| !byte.is_ascii_whitespace())
                .collect();
            self.file.token(&gap);
            self.record.gap(node.byte_range(), &gap);
        }
        let token = self.source.get(node.byte_range()).unwrap_or_default();
        if !token.is_empty() {
            self.file.token(token);
            self.record.token(node.byte_range());
        }
        self.previous_end = node.end_byte();
    }

    /// Records a reference unless the same (name, line, kind) is already on this line;
    /// returns its index when recorded.
    fn reference(&mut self, node: Node, kind: ReferenceKind) -> Option<usize> {
        let bytes = self.source.get(node.byte_range()).unwrap_or_default();
        let name = String::from_utf8_lossy(bytes);
        if !name.starts_with(|c: char| c.is_alphabetic() || c == '_') || name.len() > 256 {
            return None;
        }
        let line = line(node.start_position().row);
        if self.references.last().is_none_or(|last| last.line != line) {
            self.line_start = self.references.len();
        }
        let duplicate = self.references[self.line_start..]
            .iter()
            .any(|seen| seen.kind == kind && seen.name == name);
        if duplicate {
            return None;
        }
        self.references.push(Reference {
            name: name.into_owned(),
            line,
            kind,
            enclosing: None,
        });
        self.record.reference(node.byte_range());
        Some(self.references.len() - 1)
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::blast::outline::{Budget, outline};
    use crate::analyze::blast::syntax::Reference;
    use crate::analyze::lang::by_name;

    fn references(language: &str, source: &str, name: &str) -> Vec<u32> {
        let language = by_name(language).expect("registered");
        let outline = outline(language, source.as_bytes(), &Budget::default()).expect("outlines");
        outline
            .references
            .iter()
            .filter(|reference: &&Reference| reference.name == name)
            .map(|reference| reference.line)
            .collect()
    }

    /// A name bound by an assignment or a declaration is not a use of it; reading it is, and
    /// so is a name on the right or inside a subscript or attribute on the left.
    #[test]
    fn bindings_are_not_references() {
        let python = "if DEBUG:\n    logger = make()\nelse:\n    logger = other(logger)\nlogger.info('x')\nitems[logger] = 1\n";
        assert_eq!(references("python", python, "logger"), [4, 5, 6]);
        let javascript = "function f() {\n  const logger = make();\n  let count;\n  count = logger.size;\n  return count;\n}\n";
        assert_eq!(references("javascript", javascript, "logger"), [4]);
        assert_eq!(references("javascript", javascript, "count"), [5]);
        let typescript =
            "function f(): number {\n  const total: number = sum();\n  return total;\n}\n";
        assert_eq!(references("typescript", typescript, "total"), [3]);
    }
}
