//! Parsing with a deadline, on one cached `Parser` per thread and grammar: callers outline
//! files in parallel (rayon), and a parser is cheap to reuse but not to share.
//!
//! A changed code file's versions are read by three analyzers (mechanical-change recognition,
//! the outline, security constructs). The first, the mechanical comparison, offers each tree
//! it parses to the other two, which keep what they derive from it in the cache
//! (`contents::Parsed`); the tree itself dies with the comparison. Keeping trees instead cost
//! tens of times their source in memory and still missed most of the time: the readers run in
//! different steps, and by the time the outline asked, most kept trees were evicted.
//!
//! Configuration files are read by the mechanical comparison and then by several domain
//! readers (Terraform's resources, variables and module calls): each of them parses one with
//! [`parse_config`], which keeps the tree, and every parse first looks for a kept tree of the
//! same grammar and bytes. A tree is a pure function of both, so sharing changes no result.
//! The store is bounded by [`KEPT_BYTES`] of source.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::ops::ControlFlow;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use tree_sitter::{ParseOptions, ParseState, Parser, Tree};

use crate::analyze::blast::syntax::Unanalysed;
use crate::analyze::lang::{Compiled, Language};

thread_local! {
    /// This thread's parsers, by grammar name (a handful at most).
    static PARSERS: RefCell<Vec<(&'static str, Parser)>> = const { RefCell::new(Vec::new()) };
}

/// Most source bytes whose trees are kept. A tree takes tens of times its source; the
/// configuration files of one change are small (the policy's size limit caps them) and read
/// together, so this keeps them all in a typical change.
const KEPT_BYTES: usize = 768 << 10;
/// Largest file whose tree is kept: half the store.
const KEPT_FILE_BYTES: usize = KEPT_BYTES / 2;

/// A kept tree, with the grammar and bytes it was parsed from.
struct Kept {
    grammar: &'static str,
    source: Box<[u8]>,
    tree: Tree,
}

/// Kept trees, oldest first, and their source bytes in total.
static KEPT: Mutex<(VecDeque<Kept>, usize)> = Mutex::new((VecDeque::new(), 0));

/// Parses `source`, giving up after `timeout`; a kept tree of the same bytes is reused.
pub(crate) fn parse(
    language: &'static Language,
    compiled: &Compiled,
    source: &[u8],
    timeout: Duration,
) -> Result<Tree, Unanalysed> {
    parse_with(language.name, &compiled.grammar, source, Some(timeout))
}

/// A configuration file's tree (HCL, YAML, JSON, SQL, Dockerfile): the kept one when another
/// reader parsed the same bytes, else a fresh parse on this thread's parser, kept in turn.
/// Several domain readers read the same version (Terraform's resources, variables and module
/// calls), and the mechanical comparison no longer parses when its verdict is cached. No
/// deadline: the policy's size limit caps configuration files, and they parse in microseconds
/// per kilobyte.
pub(crate) fn parse_config(
    grammar_name: &'static str,
    grammar: &tree_sitter::Language,
    source: &[u8],
) -> Option<Tree> {
    if let Some(tree) = kept(grammar_name, source) {
        return Some(tree);
    }
    let tree = parse_fresh(grammar_name, grammar, source, None).ok()?;
    keep(grammar_name, source, &tree);
    Some(tree)
}

/// [`parse`] by grammar name and grammar (a language's or a configuration format's), with an
/// optional deadline: a kept tree of the same bytes, else a fresh parse, not kept.
pub(crate) fn parse_with(
    grammar_name: &'static str,
    grammar: &tree_sitter::Language,
    source: &[u8],
    timeout: Option<Duration>,
) -> Result<Tree, Unanalysed> {
    if let Some(tree) = kept(grammar_name, source) {
        return Ok(tree);
    }
    parse_fresh(grammar_name, grammar, source, timeout)
}

/// Keeps `tree` (of `source`) when it fits, dropping the oldest kept trees past [`KEPT_BYTES`].
fn keep(grammar_name: &'static str, source: &[u8], tree: &Tree) {
    if source.len() > KEPT_FILE_BYTES {
        return;
    }
    let mut store = KEPT.lock().unwrap_or_else(PoisonError::into_inner);
    let (entries, bytes) = &mut *store;
    *bytes += source.len();
    entries.push_back(Kept {
        grammar: grammar_name,
        source: source.into(),
        tree: tree.clone(),
    });
    while *bytes > KEPT_BYTES {
        let Some(oldest) = entries.pop_front() else {
            break;
        };
        *bytes -= oldest.source.len();
    }
}

/// Whether a tree of `grammar_name` for exactly `source` is kept.
#[cfg(test)]
pub(crate) fn is_kept(grammar_name: &str, source: &[u8]) -> bool {
    kept(grammar_name, source).is_some()
}

/// A kept tree of `grammar_name` for exactly `source`.
fn kept(grammar_name: &str, source: &[u8]) -> Option<Tree> {
    let store = KEPT.lock().unwrap_or_else(PoisonError::into_inner);
    store
        .0
        .iter()
        .rev()
        .find(|kept| {
            kept.grammar == grammar_name
                && kept.source.len() == source.len()
                && *kept.source == *source
        })
        .map(|kept| kept.tree.clone())
}

fn parse_fresh(
    grammar_name: &'static str,
    grammar: &tree_sitter::Language,
    source: &[u8],
    timeout: Option<Duration>,
) -> Result<Tree, Unanalysed> {
    PARSERS.with_borrow_mut(|parsers| {
        let index = if let Some(index) = parsers.iter().position(|(name, _)| *name == grammar_name)
        {
            index
        } else {
            let mut parser = Parser::new();
            parser
                .set_language(grammar)
                .map_err(|error| Unanalysed::Failed {
                    message: format!("{grammar_name}: {error}"),
                })?;
            parsers.push((grammar_name, parser));
            parsers.len() - 1
        };
        let parser = &mut parsers[index].1;
        let Some(timeout) = timeout else {
            return parser
                .parse(source, None)
                .ok_or_else(|| Unanalysed::Failed {
                    message: format!("{grammar_name}: the parser gave up"),
                });
        };
        let deadline = Instant::now() + timeout;
        let mut check = |_: &ParseState| {
            if Instant::now() >= deadline {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        let options = ParseOptions::new().progress_callback(&mut check);
        let tree = parser.parse_with_options(
            &mut |offset, _| source.get(offset..).unwrap_or_default(),
            None,
            Some(options),
        );
        tree.ok_or_else(|| {
            // A cancelled parse would otherwise resume on the next call, with another file.
            parser.reset();
            Unanalysed::Timeout {
                budget_ms: u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kept tree is returned for the same grammar and bytes only, and equals a fresh parse.
    #[test]
    fn kept_trees_match_grammar_and_bytes() {
        let language = crate::analyze::lang::for_path("a.py", b"").expect("python");
        let compiled = language.compiled().expect("grammar");
        let source = b"def kept_tree_test_function(x):\n    return x + 1\n";
        let timeout = Duration::from_secs(5);
        let fresh = parse(language, compiled, source, timeout).expect("parse");
        let first = parse_config(language.name, &compiled.grammar, source).expect("kept");
        assert_eq!(first.root_node().to_sexp(), fresh.root_node().to_sexp());
        assert!(kept(language.name, source).is_some());
        assert!(kept("javascript", source).is_none());
        assert!(kept(language.name, b"def other(): pass\n").is_none());
        let again = parse(language, compiled, source, timeout).expect("reuse");
        assert_eq!(again.root_node().to_sexp(), fresh.root_node().to_sexp());
    }
}
