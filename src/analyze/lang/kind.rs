//! Node kind names read from a table by kind id.
//!
//! `Node::kind` measures the grammar's C string and checks its UTF-8 on every call. The walks
//! that visit every node of a changed file (the mechanical comparison, the security tables)
//! asked it about 6.4 million times on a cold 500-file check: 4.8% of the run's instructions
//! (callgrind, 2026-12-05). A node's kind id names the same symbol (the grammar's public
//! symbol of its alias or its own), so its name is a table lookup.

use std::cell::RefCell;
use std::sync::{Mutex, PoisonError};

use tree_sitter::{Language, Node};

/// A grammar's kind names, indexed by kind id.
type Names = &'static [&'static str];

/// Every grammar's names, made once per process: a few kilobytes for each of the registry's
/// grammars, kept for the process's life.
static TABLES: Mutex<Vec<(Language, Names)>> = Mutex::new(Vec::new());

thread_local! {
    /// The names of the grammar asked about last on this thread: a walk stays in one grammar.
    static LAST: RefCell<Option<(Language, Names)>> = const { RefCell::new(None) };
}

/// One grammar's kind names, for a walk that asks about many nodes of one tree: cheaper than
/// [`kind_of`], which finds the grammar's names each time.
#[derive(Clone, Copy)]
pub struct KindNames(Names);

impl KindNames {
    /// The names of `grammar`.
    #[must_use]
    pub fn of(grammar: &Language) -> Self {
        Self(names_of(grammar))
    }

    /// The kind of `node`, a node of this grammar, as [`Node::kind`] names it.
    #[must_use]
    pub fn of_node(self, node: Node<'_>) -> &str {
        match self.0.get(usize::from(node.kind_id())) {
            Some(name) => name,
            None => node.kind(),
        }
    }
}

/// The kind of `node`, as [`Node::kind`] names it.
#[must_use]
pub fn kind_of(node: Node<'_>) -> &str {
    let language = node.language();
    let named = LAST.with(|last| {
        let mut last = last.borrow_mut();
        if last.as_ref().is_none_or(|(seen, _)| *seen != *language) {
            *last = Some(((*language).clone(), names_of(&language)));
        }
        let (_, names) = last.as_ref()?;
        names.get(usize::from(node.kind_id())).copied()
    });
    // `ERROR` nodes' id lies past the table.
    named.unwrap_or_else(|| node.kind())
}

/// The names of `language`, made on first need.
fn names_of(language: &Language) -> Names {
    let mut tables = TABLES.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, names)) = tables.iter().find(|(seen, _)| seen == language) {
        return names;
    }
    let names: Vec<&'static str> = (0..language.node_kind_count())
        .map(|id| {
            let name = u16::try_from(id)
                .ok()
                .and_then(|id| language.node_kind_for_id(id))
                .unwrap_or_default();
            &*Box::leak(name.into())
        })
        .collect();
    let names: Names = Box::leak(names.into_boxed_slice());
    tables.push((language.clone(), names));
    names
}

#[cfg(test)]
mod tests {
    use super::{KindNames, kind_of};
    use crate::analyze::lang::{CONFIG_LANGUAGES, LANGUAGES};

    /// Every node of a small program in every grammar of the registry and every configuration
    /// grammar, errors included, gets the name `Node::kind` gives it.
    #[test]
    fn kinds_from_the_table_are_the_nodes_own() {
        let source = b"fn main() { let x = f(1, \"a\"); } # comment\nclass A: pass\n<?php $x = 1; ?>\nkey: [1, {a: 2}]\n{ ) (";
        let grammars = LANGUAGES
            .iter()
            .map(|language| (language.name, (language.grammar)()))
            .chain(
                CONFIG_LANGUAGES
                    .iter()
                    .map(|config| (config.name, (config.grammar)())),
            );
        for (name, grammar) in grammars {
            let mut parser = tree_sitter::Parser::new();
            parser
                .set_language(&grammar)
                .expect("the registry's grammars load");
            let tree = parser.parse(source, None).expect("parses");
            let mut stack = vec![tree.root_node()];
            let mut seen = 0;
            while let Some(node) = stack.pop() {
                assert_eq!(kind_of(node), node.kind(), "{name}: node {node:?}");
                let names = KindNames::of(&grammar);
                assert_eq!(names.of_node(node), node.kind(), "{name}: node {node:?}");
                seen += 1;
                let mut cursor = node.walk();
                stack.extend(node.children(&mut cursor));
            }
            assert!(seen > 5, "{name}: only {seen} nodes");
        }
    }
}
