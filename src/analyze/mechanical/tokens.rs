//! The token stream of one file version, with what formatters change normalised away.
//!
//! The stream keeps the tree's shape (each named node opens and closes), not only its leaves:
//! in Python and YAML indentation *is* structure, so moving a line in or out of a block changes
//! the stream even though no leaf changed. Two versions with equal streams differ only in what
//! a formatter changes; anything else (an operator, a string's content, a statement moved into
//! a block) makes them differ.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::time::Duration;

use tree_sitter::Node;

use crate::analyze::blast::outline::parse;
use crate::analyze::blast::syntax::Unanalysed;
use crate::analyze::lang::KindNames;

use super::Offer;
use super::rules::{Docstrings, Items, PARENTHESISED, Rules, SortedList, is_pragma};

/// One element of a stream of `source` (`'s`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Tok<'s> {
    /// A named node starts (its kind id).
    Open(u16),
    /// The innermost open node ends.
    Close,
    /// A leaf's text, normalised: borrowed from the source when normalising left it as it
    /// is (most leaves; a copy of each was most of a large file's stream).
    Leaf(Cow<'s, [u8]>),
}

/// A version's code stream and, apart, its comments (whitespace collapsed, sorted): equal
/// code with different comments is a comment edit, not a reformat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Stream<'s> {
    /// Code tokens and tree shape, normalised.
    pub tokens: Vec<Tok<'s>>,
    /// Ordinary comments (pragmas are code, in `tokens`).
    pub comments: Vec<Vec<u8>>,
}

/// Why a version could not be turned into a stream; such a file is never called reformatted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(super) enum NoStream {
    /// The grammar could not be loaded.
    #[error("grammar did not load")]
    Grammar,
    /// Parsing took too long.
    #[error("parse timed out")]
    Timeout,
    /// The tree has syntax errors: what they hide cannot be compared.
    #[error("syntax errors")]
    Syntax,
    /// Nested deeper than the walk goes.
    #[error("nested too deeply")]
    TooDeep,
}

/// Longest a parse may take in a check.
pub(super) const PARSE_TIMEOUT: Duration = Duration::from_millis(500);
/// Deepest nesting walked (the walk recurses; deeper trees are not judged).
const MAX_DEPTH: usize = 400;
/// UTF-8 byte order mark: formatters may drop it.
const BOM: &[u8] = b"\xEF\xBB\xBF";
/// A double quote, as a YAML single-quoted scalar's quotes are compared.
const QUOTE: &[u8] = b"\"";
/// Closing brackets after which a comma is a trailing comma.
const CLOSERS: &[&str] = &[")", "]", "}", ">"];

/// How a compared file's versions are parsed.
#[derive(Debug, Clone, Copy)]
pub(super) enum ParseAs {
    /// Code, within the deadline if one is given.
    Code(Option<Duration>),
    /// A configuration file, as the domain readers parse it (`parse_config`: no deadline, the
    /// tree kept for them, since they read the same versions next).
    Configuration,
}

/// The normalised stream of `source`, parsed with `grammar` (named `grammar_name`) as
/// `reading` says. The tree and the bytes it was parsed from (`source` without a byte order
/// mark) are offered to `offer` before the walk.
pub(super) fn stream<'s>(
    grammar_name: &'static str,
    grammar: &tree_sitter::Language,
    rules: &'static Rules,
    source: &'s [u8],
    reading: ParseAs,
    offer: Offer<'_>,
) -> Result<Stream<'s>, NoStream> {
    let source = source.strip_prefix(BOM).unwrap_or(source);
    let tree = match reading {
        ParseAs::Code(timeout) => parse::parse_with(grammar_name, grammar, source, timeout)
            .map_err(|unanalysed| match unanalysed {
                Unanalysed::Timeout { .. } => NoStream::Timeout,
                _ => NoStream::Grammar,
            })?,
        ParseAs::Configuration => {
            parse::parse_config(grammar_name, grammar, source).ok_or(NoStream::Grammar)?
        }
    };
    offer(source, grammar_name, &tree);
    let root = tree.root_node();
    if root.has_error() {
        return Err(NoStream::Syntax);
    }
    let walker = Walker {
        source,
        rules,
        previous_end: Cell::new(0),
        previous_parent: Cell::new(None),
        comments: RefCell::new(Vec::new()),
        kinds: KindNames::of(grammar),
        double_quote: grammar.id_for_node_kind("double_quote_scalar", true),
        single_quote: grammar.id_for_node_kind("single_quote_scalar", true),
    };
    let mut tokens = Vec::new();
    walker.node(root, None, 0, &mut tokens)?;
    walker.gap(source.len(), None, &mut tokens);
    let mut comments = walker.comments.into_inner();
    comments.sort();
    Ok(Stream { tokens, comments })
}

struct Walker<'a> {
    source: &'a [u8],
    rules: &'static Rules,
    /// End of the last leaf or skipped node: text between it and the next leaf that the
    /// grammar left outside any node (YAML scalar content) is compared too.
    previous_end: Cell<usize>,
    /// The parent of the last leaf, to tell text inside a string from text between tokens.
    previous_parent: Cell<Option<usize>>,
    /// Ordinary comments met so far.
    comments: RefCell<Vec<Vec<u8>>>,
    /// The grammar's kind names.
    kinds: KindNames,
    /// YAML scalar kinds (0 when the grammar has none).
    double_quote: u16,
    single_quote: u16,
}

impl<'a> Walker<'a> {
    fn text(&self, node: Node) -> &'a [u8] {
        self.source.get(node.byte_range()).unwrap_or_default()
    }

    /// `parent` is carried down the walk: asking a node for its parent walks the tree again
    /// from the root, which made a 500-file change slow.
    fn node<'t>(
        &self,
        node: Node<'t>,
        parent: Option<Node<'t>>,
        depth: usize,
        out: &mut Vec<Tok<'a>>,
    ) -> Result<(), NoStream> {
        if depth > MAX_DEPTH {
            return Err(NoStream::TooDeep);
        }
        if self.whole(node, parent, out) {
            return Ok(());
        }
        let transparent = PARENTHESISED.contains(&self.kinds.of_node(node));
        let kind = node.kind_id();
        if node.child_count() == 0 {
            self.gap(node.start_byte(), parent, out);
            let leaf = self.leaf(node, parent);
            self.previous_end.set(node.end_byte());
            self.previous_parent.set(parent.map(|p| p.id()));
            if node.is_named() {
                out.extend([Tok::Open(kind), Tok::Leaf(leaf), Tok::Close]);
            } else {
                out.push(Tok::Leaf(leaf));
            }
            return Ok(());
        }
        if node.is_named() && !transparent {
            out.push(Tok::Open(kind));
        }
        let list = self
            .rules
            .lists
            .iter()
            .find(|list| list.container == self.kinds.of_node(node));
        let children = self.children(node, transparent, list);
        let mut sorted: Vec<Vec<Tok<'a>>> = Vec::new();
        let mut sorted_at: Option<usize> = None;
        let mut run: Vec<Vec<Tok<'a>>> = Vec::new();
        let mut pinned = false;
        for (child, role) in children {
            if role == Child::Skip {
                self.skip(child);
                continue;
            }
            if self.kinds.of_node(child).contains("comment") && !self.comment(child).0 {
                // Ordinary comments do not break a run of imports.
                self.node(child, Some(node), depth + 1, out)?;
                continue;
            }
            if self.rules.imports.contains(&self.kinds.of_node(child)) && !pinned {
                let mut own = Vec::new();
                self.node(child, Some(node), depth + 1, &mut own)?;
                run.push(own);
                continue;
            }
            flush(&mut run, out);
            // `#[cfg(test)] use a;`: the import after an attribute stays where it is.
            pinned = self.rules.attached.contains(&self.kinds.of_node(child));
            if role == Child::Item {
                sorted_at.get_or_insert(out.len());
                let mut own = Vec::new();
                self.node(child, Some(node), depth + 1, &mut own)?;
                sorted.push(own);
            } else {
                self.node(child, Some(node), depth + 1, out)?;
            }
        }
        flush(&mut run, out);
        if let Some(at) = sorted_at {
            sorted.sort();
            let tail = out.split_off(at);
            out.extend(sorted.into_iter().flatten());
            out.extend(tail);
        }
        if node.is_named() && !transparent {
            out.push(Tok::Close);
        }
        Ok(())
    }

    /// Nodes read whole rather than walked: comments, layout, docstrings, YAML single-quoted
    /// scalars. Returns whether `node` was one (and is done).
    fn whole(&self, node: Node, parent: Option<Node>, out: &mut Vec<Tok<'a>>) -> bool {
        if self.kinds.of_node(node).contains("comment") {
            let (pragma, text) = self.comment(node);
            self.skip(node);
            if pragma {
                out.push(Tok::Leaf(text.into()));
            } else {
                self.comments.borrow_mut().push(text);
            }
            return true;
        }
        if self.rules.layout.contains(&self.kinds.of_node(node)) {
            self.skip(node);
            return true;
        }
        // A docstring is documentation (only `__doc__` sees it): compared like a comment, so
        // a reworded or trimmed docstring is a comment change, not a change of code.
        if let Some(docstrings) = self.rules.docstrings
            && let Some(text) = self.docstring(docstrings, node, parent)
        {
            self.comments.borrow_mut().push(text);
            self.skip(node);
            return true;
        }
        if self.rules.yaml_scalars && node.kind_id() == self.single_quote && self.single_quote != 0
        {
            let text = self.text(node);
            let inner = text
                .get(1..text.len().saturating_sub(1))
                .unwrap_or_default();
            if !inner.iter().any(|b| matches!(b, b'\\' | b'\'' | b'"')) {
                // 'x' is "x" when neither escapes anything.
                self.gap(node.start_byte(), None, out);
                out.extend([Tok::Open(self.double_quote), Tok::Leaf(QUOTE.into())]);
                if !inner.is_empty() {
                    out.push(Tok::Leaf(inner.into()));
                }
                out.extend([Tok::Leaf(QUOTE.into()), Tok::Close]);
                self.skip(node);
                return true;
            }
        }
        false
    }

    /// The children to walk, each marked when it is a sortable list item; drops what the
    /// formatters add and remove (trailing commas, parentheses, terminators).
    fn children<'t>(
        &self,
        node: Node<'t>,
        transparent: bool,
        list: Option<&SortedList>,
    ) -> Vec<(Node<'t>, Child)> {
        let count = node.child_count();
        let all: Vec<(Node<'t>, Option<&str>)> = (0..count)
            .filter_map(|i| Some((node.child(i)?, node.field_name_for_child(i))))
            .collect();
        let mut kept = Vec::with_capacity(all.len());
        for (index, &(child, field)) in all.iter().enumerate() {
            if child.is_named() {
                let item = list.is_some_and(|list| match list.items {
                    Items::Kind(kind) => self.kinds.of_node(child) == kind,
                    Items::Field(name) => field == Some(name),
                    Items::Named => !self.kinds.of_node(child).contains("comment"),
                });
                kept.push((child, if item { Child::Item } else { Child::Walk }));
                continue;
            }
            let text = self.kinds.of_node(child);
            let dropped = (transparent && (text == "(" || text == ")"))
                || list.is_some_and(|list| list.punctuation.contains(&text));
            if dropped {
                kept.push((child, Child::Skip));
                continue;
            }
            let next = all[index + 1..]
                .iter()
                .map(|(next, _)| next)
                .find(|next| !self.kinds.of_node(**next).contains("comment"));
            let trailing = (text == ","
                && next.is_none_or(|next| CLOSERS.contains(&self.kinds.of_node(*next))))
                || (self.rules.terminators.contains(&text) && next.is_none());
            kept.push((child, if trailing { Child::Skip } else { Child::Walk }));
        }
        kept
    }

    /// A leaf's compared text.
    fn leaf(&self, node: Node, parent: Option<Node>) -> Cow<'a, [u8]> {
        let text = self.text(node);
        let in_string = parent.is_some_and(|p| self.kinds.of_node(p).contains("string"));
        if self.rules.quotes && in_string && is_quote(text) {
            return text
                .iter()
                .map(|&b| if b == b'\'' { b'"' } else { b })
                .collect();
        }
        if let Some(prefix) = self.rules.keyword_prefix
            && self.kinds.of_node(node).starts_with(prefix)
        {
            return text.to_ascii_lowercase().into();
        }
        text.into()
    }

    /// Text the grammar left between the previous leaf and `start`: kept exactly inside a
    /// string (the content of a quoted scalar), else kept when not blank, dedented when it
    /// spans lines (a block scalar's value does not depend on its indentation).
    fn gap(&self, start: usize, parent: Option<Node>, out: &mut Vec<Tok<'a>>) {
        let from = self.previous_end.get().min(start);
        let gap = self.source.get(from..start).unwrap_or_default();
        if gap.is_empty() {
            return;
        }
        let inside_string = parent.is_some_and(|parent| {
            Some(parent.id()) == self.previous_parent.get()
                && (self.kinds.of_node(parent).contains("string")
                    || self.kinds.of_node(parent).contains("scalar"))
        });
        if inside_string {
            out.push(Tok::Leaf(gap.into()));
        } else if !gap.iter().all(u8::is_ascii_whitespace) {
            out.push(Tok::Leaf(if gap.contains(&b'\n') {
                dedent(gap).into()
            } else {
                gap.trim_ascii().into()
            }));
        }
        self.previous_end.set(start);
    }

    /// A docstring statement's text: its prefix (lower case) and each line trimmed, blank
    /// lines at either end dropped. `None` when `node` is not a docstring: a lone string as the
    /// first statement of a module, class or function body.
    fn docstring(
        &self,
        docstrings: Docstrings,
        node: Node,
        parent: Option<Node>,
    ) -> Option<Vec<u8>> {
        if self.kinds.of_node(node) != docstrings.statement || node.named_child_count() != 1 {
            return None;
        }
        let string = node
            .named_child(0)
            .filter(|child| self.kinds.of_node(*child) == docstrings.string)?;
        let parent = parent?;
        let mut previous = node.prev_named_sibling();
        while let Some(sibling) = previous.filter(|s| self.kinds.of_node(*s).contains("comment")) {
            previous = sibling.prev_named_sibling();
        }
        if previous.is_some() || !docstrings.bodies.contains(&self.kinds.of_node(parent)) {
            return None;
        }
        let text = String::from_utf8_lossy(self.text(string));
        let prefix: String = text.chars().take_while(char::is_ascii_alphabetic).collect();
        let quoted = &text[prefix.len()..];
        let quote = ["\"\"\"", "'''", "\"", "'"].into_iter().find(|q| {
            quoted.starts_with(q) && quoted.ends_with(q) && quoted.len() >= 2 * q.len()
        })?;
        let inner = &quoted[quote.len()..quoted.len() - quote.len()];
        let lines: Vec<&str> = inner.lines().map(str::trim).collect();
        let first = lines.iter().position(|line| !line.is_empty()).unwrap_or(0);
        let last = lines
            .iter()
            .rposition(|line| !line.is_empty())
            .map_or(0, |i| i + 1);
        let body = lines.get(first..last).unwrap_or_default().join("\n");
        Some(format!("{}{body}", prefix.to_ascii_lowercase()).into_bytes())
    }

    /// Passes over a node the stream leaves out, so its text is not read as a gap.
    fn skip(&self, node: Node) {
        self.previous_end
            .set(self.previous_end.get().max(node.end_byte()));
    }

    /// A comment, whitespace collapsed, and whether tools read it (a pragma).
    fn comment(&self, node: Node) -> (bool, Vec<u8>) {
        let text = String::from_utf8_lossy(self.text(node));
        let pragma = is_pragma(&text);
        let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
        (pragma, collapsed.into_bytes())
    }
}

/// What to do with one child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Child {
    /// Walk it in place.
    Walk,
    /// Walk it as an item of a sortable list.
    Item,
    /// Leave it out (a formatter adds or removes it).
    Skip,
}

/// Adds a run of import statements, sorted.
fn flush<'s>(run: &mut Vec<Vec<Tok<'s>>>, out: &mut Vec<Tok<'s>>) {
    run.sort();
    out.extend(run.drain(..).flatten());
}

/// A string's opening or closing quote, with any prefix letters (`f'`, `'''`, `"`).
fn is_quote(text: &[u8]) -> bool {
    let quotes = text.iter().skip_while(|b| b.is_ascii_alphabetic()).count();
    quotes > 0
        && text
            .iter()
            .skip_while(|b| b.is_ascii_alphabetic())
            .all(|b| matches!(b, b'\'' | b'"'))
}

/// A YAML block scalar with its common indentation removed from every content line (its value
/// does not depend on how deep it is indented).
fn dedent(text: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(text);
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    let body: Vec<&str> = lines.collect();
    let indent = body
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    let mut out = header.to_string();
    for line in body {
        out.push('\n');
        out.push_str(line.get(indent..).unwrap_or_else(|| line.trim_start()));
    }
    out.into_bytes()
}
