//! Parsing with a deadline, on one cached `Parser` per thread and language: callers outline
//! files in parallel (rayon), and a parser is cheap to reuse but not to share.

use std::cell::RefCell;
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use tree_sitter::{ParseOptions, ParseState, Parser, Tree};

use crate::analyze::lang::{Compiled, Language};
use crate::analyze::syntax::Unanalysed;

thread_local! {
    /// This thread's parsers, by language name (a handful at most).
    static PARSERS: RefCell<Vec<(&'static str, Parser)>> = const { RefCell::new(Vec::new()) };
}

/// Parses `source`, giving up after `timeout`.
pub(crate) fn parse(
    language: &'static Language,
    compiled: &Compiled,
    source: &[u8],
    timeout: Duration,
) -> Result<Tree, Unanalysed> {
    PARSERS.with_borrow_mut(|parsers| {
        let index = if let Some(index) = parsers.iter().position(|(name, _)| *name == language.name)
        {
            index
        } else {
            let mut parser = Parser::new();
            parser
                .set_language(&compiled.grammar)
                .map_err(|error| Unanalysed::Failed {
                    message: format!("{}: {error}", language.name),
                })?;
            parsers.push((language.name, parser));
            parsers.len() - 1
        };
        let parser = &mut parsers[index].1;
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
