//! Finds a table's constructs in one parsed file version: one walk of the tree, each node
//! checked against the rows for its kind, each match placed in its enclosing function (or
//! class, or the file) with its token text, and each function's token hash kept so a body
//! change around an unchanged construct is seen.

mod bindings;
mod index;

use std::collections::HashMap;

use tree_sitter::{Node, Tree};

use super::body_hash::TokenHashes;
use bindings::Bound;
use index::FileIndex;

use super::shape::{Class, Cond, Shape, Syntax, Table, name_matches, names_secret, token_matches};
use crate::analyze::lang::{Selector, kind_of};

/// The enclosing scope of a construct.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Scope {
    /// `Class.method`, `function`, `Class`, or empty for the file's top level.
    pub name: String,
    /// A function or method: its body's changes count.
    pub function: bool,
}

/// One construct found.
#[derive(Debug, Clone)]
pub struct Construct {
    /// Its class.
    pub class: &'static Class,
    /// Where it sits.
    pub scope: Scope,
    /// 1-based line.
    pub line: u32,
    /// Its tokens joined by spaces: the same after a whitespace-only reformat.
    pub text: String,
}

/// A file version's constructs and the token hash of each named function.
#[derive(Debug, Default)]
pub struct Constructs {
    /// Constructs in tree order.
    pub found: Vec<Construct>,
    /// Function scope name → hash of its tokens (comments left out).
    pub bodies: HashMap<String, u64>,
}

/// Reads `tree` (parsed from `source`) with `table`.
#[must_use]
pub fn find(table: &Table, tree: &Tree, source: &[u8]) -> Constructs {
    let mut side = Constructs::default();
    let mut cursor = tree.walk();
    // Scopes are carried down the walk (asking a node for its parent re-walks the tree from
    // the root, which made big files slow).
    let mut contexts: Vec<Context> = vec![Context::default()];
    let mut stack: Vec<(Node<'_>, usize)> = vec![(tree.root_node(), 0)];
    let syntax = table.syntax;
    let index = FileIndex::new(
        tree.root_node(),
        tokens_at(syntax, tree.root_node(), source),
    );
    let hashes = TokenHashes::new(index.tokens());
    let reader = Reader {
        table,
        source,
        index: &index,
    };
    // Names bound as the walk meets them; calls through a name bound to nothing yet are tried
    // again at the end (a function may call a name the module binds further down).
    let mut bound = Bound::default();
    let mut unbound_calls: Vec<(Node<'_>, usize, String)> = Vec::new();
    while let Some((node, parent)) = stack.pop() {
        if node.is_extra() && kind_of(node).contains("comment") {
            continue;
        }
        let context = enter(syntax, node, source, &contexts[parent]);
        let here = match context {
            Some(context) => {
                contexts.push(context);
                contexts.len() - 1
            }
            None => parent,
        };
        if syntax.functions.contains(&kind_of(node))
            && here != parent
            && let Some(name) = contexts[here].function.clone()
        {
            let hash = side.bodies.entry(name).or_insert(0);
            *hash ^= hashes.of(node.byte_range());
        }
        let kind = kind_of(node);
        bound.meet(syntax, kind, node, source);
        match reader.construct(kind, node, &bound, &contexts[here]) {
            Found::Construct(construct) => side.found.push(construct),
            Found::NothingYet(called) => unbound_calls.push((node, here, called)),
            Found::Nothing => {}
        }
        let before = stack.len();
        stack.extend(node.named_children(&mut cursor).map(|child| (child, here)));
        stack[before..].reverse();
    }
    let before = side.found.len();
    for (node, here, called) in unbound_calls {
        let alternatives = bound.alternatives(syntax, node, source, &called);
        if !alternatives.is_empty()
            && let Some(construct) =
                reader.first(node, Some(&called), &alternatives, &contexts[here])
        {
            side.found.push(construct);
        }
    }
    if side.found.len() > before {
        side.found.sort_by_key(|construct| construct.line);
    }
    side
}

/// What one node is to the table.
enum Found {
    Construct(Construct),
    /// A call that matched no row through a callee (given) bound to nothing yet: a name bound
    /// further down may make it one.
    NothingYet(String),
    Nothing,
}

/// One file version as the rows read it.
struct Reader<'a, 't> {
    table: &'a Table,
    source: &'a [u8],
    index: &'a FileIndex<'a, 't>,
}

impl Reader<'_, '_> {
    /// The construct `node` (of `kind`) is, with the names bound so far.
    fn construct(&self, kind: &str, node: Node<'_>, bound: &Bound, context: &Context) -> Found {
        let (table, syntax, source) = (self.table, self.table.syntax, self.source);
        let relevant = syntax.calls.iter().any(|(k, ..)| *k == kind)
            || syntax.settings.iter().any(|(k, ..)| *k == kind)
            || syntax.comparisons.contains(&kind)
            || syntax.decorators.contains(&kind)
            || syntax.strings.contains(&kind)
            || syntax.concats.contains(&kind)
            || table.rows.iter().any(
                |(_, shape)| matches!(shape, Shape::InterpolatedKind(kinds) if kinds.contains(&kind)),
            );
        if !relevant {
            return Found::Nothing;
        }
        let called = callee(syntax, node, source);
        // The names the callee may stand for through the file's imports, assignments and
        // lookups.
        let alternatives = called
            .as_deref()
            .map(|called| bound.alternatives(syntax, node, source, called))
            .unwrap_or_default();
        if let Some(construct) = self.first(node, called.as_deref(), &alternatives, context) {
            return Found::Construct(construct);
        }
        match called {
            Some(called) if alternatives.is_empty() && !syntax.bindings.is_empty() => {
                Found::NothingYet(called)
            }
            _ => Found::Nothing,
        }
    }

    /// The construct of the first row `node` matches, as a call of `called` or of one of
    /// `alternatives`.
    fn first(
        &self,
        node: Node<'_>,
        called: Option<&str>,
        alternatives: &[String],
        context: &Context,
    ) -> Option<Construct> {
        let (table, syntax, source) = (self.table, self.table.syntax, self.source);
        let setting =
            setting(syntax, node).map(|(key, value)| (dotted(syntax, key, source), value));
        let offered = Offered {
            callee: called,
            setting: setting.as_ref(),
        };
        // The first matching row names the node: tables list the specific rows (key
        // derivation, unverified JWT) before the general ones (any `hashlib` call, any JWT).
        let first = table.rows.iter().find(|(_, shape)| {
            matches(syntax, shape, node, source, self.index, &offered)
                || alternatives.iter().any(|alternative| {
                    let offered = Offered {
                        callee: Some(alternative),
                        ..offered
                    };
                    matches(syntax, shape, node, source, self.index, &offered)
                })
        });
        first.map(|(class, _)| Construct {
            class,
            scope: context.scope(),
            line: u32::try_from(node.start_position().row + 1).unwrap_or(u32::MAX),
            text: tokens(syntax, node, source).join(" "),
        })
    }
}

fn text<'a>(node: Node<'_>, source: &'a [u8]) -> &'a str {
    std::str::from_utf8(&source[node.byte_range()]).unwrap_or_default()
}

/// The node a selector picks among `node`'s children.
fn select(node: Node<'_>, selector: Selector) -> Option<Node<'_>> {
    match selector {
        Selector::Field(field) => node.child_by_field_name(field),
        Selector::First => node.named_child(0),
        Selector::Last => {
            node.named_child(u32::try_from(node.named_child_count().checked_sub(1)?).ok()?)
        }
    }
}

/// Dotted text of a callee or key: whitespace dropped, `::`, `->`, `?.` and `\\` as `.`,
/// bracketed parts left out except a string subscript (`os.environ["X"]` → `os.environ.X`,
/// `a.b(1).c` → `a.b.c`), string literals as their content.
fn dotted(syntax: &Syntax, node: Node<'_>, source: &[u8]) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut subscript: Option<String> = None;
    leaves(
        syntax,
        node,
        source,
        Groups::Bracketed,
        |_, token, string| match (token, string) {
            ("(" | "[" | "{" | "<", false) => {
                depth += 1;
                subscript = (token == "[" && depth == 1).then(String::new);
            }
            (")" | "]" | "}" | ">", false) => {
                depth = depth.saturating_sub(1);
                if let Some(key) = subscript.take().filter(|key| depth == 0 && !key.is_empty()) {
                    out.push('.');
                    out.push_str(&key);
                }
            }
            (token, true) if depth == 1 && subscript.as_deref() == Some("") => {
                subscript = Some(token.to_string());
            }
            (_, _) if depth > 0 => subscript = None,
            ("::" | "->" | "?." | "\\" | ".", false) => out.push('.'),
            (token, _) => out.push_str(token),
        },
    );
    out.trim_matches(['.', '@', '$', ':', '&', '*', '!', '#'])
        .to_string()
}

/// How [`leaves`] gives bracketed groups.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Groups {
    /// Every token inside.
    Whole,
    /// A node enclosed in `(…)`, `{…}` or `<…>` (argument lists, parenthesised expressions,
    /// blocks, type arguments) as its two brackets only: [`dotted`] drops what is between
    /// them, and walking it made a chain of calls (`a(…).b(…).c(…)`, a test's `describe(…)`)
    /// cost the square of its length, and a bundle's IIFE callee (`(() => {…})()`, ~100,000
    /// leaves) a copy of the whole bundle per call. Square brackets are walked: a string
    /// subscript is part of the name (`os.environ["X"]`).
    Bracketed,
}

/// The brackets that enclose `node` whole (its first and last children), other than `[…]`.
fn bracketed(node: Node<'_>) -> Option<(&'static str, &'static str)> {
    let count = node.child_count();
    if count < 2 {
        return None;
    }
    // Spelled out: a kind borrows from the tree, the pair must outlive it.
    match (kind_of(node.child(0)?), kind_of(node.child(count - 1)?)) {
        ("(", ")") => Some(("(", ")")),
        ("{", "}") => Some(("{", "}")),
        ("<", ">") => Some(("<", ">")),
        _ => None,
    }
}

/// Gives `leaf` each leaf token of `node` in order, with its start byte and whether it is a
/// string literal (given whole, unquoted). A visitor, not a list: a minified bundle has
/// hundreds of thousands of leaves, and a list of them beside its tree cost megabytes.
fn leaves<'a>(
    syntax: &Syntax,
    node: Node<'_>,
    source: &'a [u8],
    groups: Groups,
    mut leaf: impl FnMut(usize, &'a str, bool),
) {
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        if kind_of(node).contains("comment") {
            continue;
        }
        if groups == Groups::Bracketed
            && let Some((open, close)) = bracketed(node)
        {
            leaf(node.start_byte(), open, false);
            leaf(node.end_byte().saturating_sub(1), close, false);
            continue;
        }
        if syntax.strings.contains(&kind_of(node)) && !interpolated(syntax, node) {
            leaf(node.start_byte(), unquote(text(node, source)), true);
            continue;
        }
        if node.child_count() == 0 {
            let token = text(node, source).trim();
            let token = token
                .strip_prefix(':')
                .filter(|rest| !rest.is_empty() && !rest.starts_with(':'))
                .unwrap_or(token);
            if !token.is_empty() {
                leaf(node.start_byte(), token, false);
            }
            continue;
        }
        let before = stack.len();
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor));
        stack[before..].reverse();
    }
}

/// The callee of `node` when it is a call: its dotted name.
fn callee(syntax: &Syntax, node: Node<'_>, source: &[u8]) -> Option<String> {
    let (_, selector, receiver) = syntax
        .calls
        .iter()
        .find(|(kind, ..)| *kind == kind_of(node))?;
    let name = dotted(syntax, select(node, *selector)?, source);
    match receiver.and_then(|field| node.child_by_field_name(field)) {
        Some(object) => Some(format!("{}.{name}", dotted(syntax, object, source))),
        None => Some(name),
    }
}

/// Leaf tokens of `node` (see [`tokens_at`]).
fn tokens<'a>(syntax: &Syntax, node: Node<'_>, source: &'a [u8]) -> Vec<&'a str> {
    let tokens = tokens_at(syntax, node, source);
    tokens.into_iter().map(|(_, token)| token).collect()
}

/// Leaf tokens of `node` with their start byte: string literals whole without quotes,
/// comments left out, symbols without their `:`.
/// A comma right before a closing bracket is left out too: formatters add and remove it.
fn tokens_at<'a>(syntax: &Syntax, node: Node<'_>, source: &'a [u8]) -> Vec<(usize, &'a str)> {
    let mut out = Vec::new();
    // Whether the last token kept is a comma (not a string holding one).
    let mut after_comma = false;
    leaves(
        syntax,
        node,
        source,
        Groups::Whole,
        |start, token, string| {
            if after_comma && !string && matches!(token, ")" | "]" | "}") {
                out.pop();
            }
            after_comma = token == "," && !string;
            out.push((start, token));
        },
    );
    out
}

/// A literal's text without prefix letters and quotes (`f"x"`, `@"x"`, `` `x` ``).
fn unquote(literal: &str) -> &str {
    literal
        .trim_start_matches(|c: char| c.is_ascii_alphabetic() || c == '$' || c == '@')
        .trim_matches(['"', '\'', '`'])
}

fn interpolated(syntax: &Syntax, node: Node<'_>) -> bool {
    let mut cursor = node.walk();

    node.named_children(&mut cursor)
        .any(|child| syntax.interpolations.contains(&kind_of(child)))
}

/// Whether `node` builds a string from values.
fn builds_string(syntax: &Syntax, node: Node<'_>, source: &[u8]) -> bool {
    let kind = kind_of(node);
    if syntax.strings.contains(&kind) {
        return interpolated(syntax, node);
    }
    if syntax.concats.contains(&kind) {
        let operator = operator(node, source);
        let literal_side = |side: Option<Node<'_>>| {
            side.is_some_and(|n| {
                syntax.strings.contains(&kind_of(n)) || builds_string(syntax, n, source)
            })
        };
        return matches!(operator.as_deref(), Some("+" | "." | "%"))
            && (literal_side(node.named_child(0)) || literal_side(node.named_child(1)));
    }
    callee(syntax, node, source).is_some_and(|name| {
        let last = name.rsplit('.').next().unwrap_or(&name);
        syntax.formats.contains(&last)
    })
}

/// The operator token of a binary node (the first unnamed child between operands).
fn operator(node: Node<'_>, source: &[u8]) -> Option<String> {
    let mut cursor = node.walk();

    node.children(&mut cursor)
        .find(|child| !child.is_named())
        .map(|child| text(child, source).to_string())
}

/// The first string literal at or below `node`, unquoted.
fn first_literal<'a>(syntax: &Syntax, node: Node<'_>, source: &'a [u8]) -> Option<&'a str> {
    if syntax.strings.contains(&kind_of(node)) {
        return Some(unquote(text(node, source)));
    }
    let mut cursor = node.walk();
    let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
    children
        .into_iter()
        .find_map(|child| first_literal(syntax, child, source))
}

/// SQL statement keywords a query string starts with. Source: the SQL standard's data and
/// schema statements (ISO/IEC 9075-2), as in the OWASP SQL Injection Prevention Cheat Sheet.
const SQL_KEYWORDS: &[&str] = &[
    "SELECT", "INSERT", "UPDATE", "DELETE", "DROP", "ALTER", "CREATE", "TRUNCATE", "MERGE",
];

fn is_sql(literal: &str) -> bool {
    let trimmed = literal.trim_start();
    let bytes = trimmed.as_bytes();
    SQL_KEYWORDS.iter().any(|keyword| {
        bytes.len() > keyword.len()
            && bytes[..keyword.len()].eq_ignore_ascii_case(keyword.as_bytes())
            && bytes[keyword.len()].is_ascii_whitespace()
    })
}

/// The name an operand goes by: a call's callee, else its last identifier or key.
fn operand_name(syntax: &Syntax, node: Node<'_>, source: &[u8]) -> Option<String> {
    if let Some(name) = callee(syntax, node, source) {
        return Some(name.rsplit('.').next().unwrap_or(&name).to_string());
    }
    if syntax.strings.contains(&kind_of(node)) || syntax.literals.contains(&kind_of(node)) {
        return None;
    }
    tokens(syntax, node, source)
        .into_iter()
        .rev()
        .find(|token| token.chars().any(char::is_alphanumeric))
        .map(ToString::to_string)
}

/// What a node offers the rows, worked out once per node rather than once per row.
#[derive(Clone, Copy)]
struct Offered<'a, 't> {
    /// The callee, when the node is a call.
    callee: Option<&'a str>,
    /// The dotted key and the value node, when the node sets a key.
    setting: Option<&'a (String, Node<'t>)>,
}

fn matches(
    syntax: &Syntax,
    shape: &Shape,
    node: Node<'_>,
    source: &[u8],
    index: &FileIndex<'_, '_>,
    offered: &Offered<'_, '_>,
) -> bool {
    match shape {
        Shape::Call(names, conds) => offered.callee.is_some_and(|callee| {
            names.iter().any(|name| name_matches(callee, name))
                && conds
                    .iter()
                    .all(|cond| holds(syntax, cond, (node, callee), source, index))
        }),
        Shape::Setting(keys, values) => offered.setting.is_some_and(|&(ref key, value)| {
            keys.iter().any(|pattern| name_matches(key, pattern))
                && values.iter().any(|wanted| match *wanted {
                    "*" => true,
                    "$secret" => {
                        operand_name(syntax, value, source).is_some_and(|n| names_secret(&n))
                    }
                    "$built" => builds_string(syntax, value, source),
                    wanted => text(value, source).trim().eq_ignore_ascii_case(wanted),
                })
        }),
        Shape::Decorator(names) => {
            syntax.decorators.contains(&kind_of(node))
                && decorator_name(syntax, node, source)
                    .is_some_and(|name| names.iter().any(|n| name_matches(&name, n)))
        }
        Shape::SecretComparison => secret_comparison(syntax, node, source),
        Shape::HardcodedSecret => offered.setting.is_some_and(|&(ref key, value)| {
            names_secret(key.rsplit('.').next().unwrap_or_default())
                && syntax.strings.contains(&kind_of(value))
                && !interpolated(syntax, value)
                && unquote(text(value, source)).trim().len() >= 8
        }),
        Shape::InterpolatedKind(kinds) => {
            kinds.contains(&kind_of(node)) && {
                let mut cursor = node.walk();

                node.named_children(&mut cursor)
                    .any(|child| syntax.interpolations.contains(&kind_of(child)))
            }
        }
        Shape::SqlBuilt => {
            builds_string(syntax, node, source)
                && first_literal(syntax, node, source).is_some_and(is_sql)
        }
    }
}

fn setting<'t>(syntax: &Syntax, node: Node<'t>) -> Option<(Node<'t>, Node<'t>)> {
    let (_, key, value) = syntax
        .settings
        .iter()
        .find(|(kind, ..)| *kind == kind_of(node))?;
    let key = select(node, *key)?;
    let value = select(node, *value)?;
    (key.id() != value.id()).then_some((key, value))
}

fn decorator_name(syntax: &Syntax, node: Node<'_>, source: &[u8]) -> Option<String> {
    if let Some(name) = node.child_by_field_name("name") {
        return Some(dotted(syntax, name, source));
    }
    let inner = node.named_child(0)?;
    callee(syntax, inner, source).or_else(|| Some(dotted(syntax, inner, source)))
}

fn secret_comparison(syntax: &Syntax, node: Node<'_>, source: &[u8]) -> bool {
    if !syntax.comparisons.contains(&kind_of(node)) {
        return false;
    }
    let mut cursor = node.walk();
    let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
    let equality = children.iter().any(|child| {
        !child.is_named() && matches!(text(*child, source), "==" | "!=" | "===" | "!==")
    });
    let operands: Vec<Node<'_>> = children
        .into_iter()
        .filter(|child| child.is_named() && !kind_of(*child).contains("comment"))
        .collect();
    let [left, right] = operands.as_slice() else {
        return false;
    };
    let literal = |n: &Node<'_>| syntax.literals.contains(&kind_of(*n));
    let secret = |n: &Node<'_>| operand_name(syntax, *n, source).is_some_and(|n| names_secret(&n));
    equality && !literal(left) && !literal(right) && (secret(left) || secret(right))
}

/// Whether `cond` holds for `call`; `index` answers for the file's tokens and nodes.
/// `call` is the node with its dotted callee, as [`matches`] found it.
fn holds(
    syntax: &Syntax,
    cond: &Cond,
    (call, callee): (Node<'_>, &str),
    source: &[u8],
    index: &FileIndex<'_, '_>,
) -> bool {
    let receiver = || {
        let (_, selector, receiver) = syntax
            .calls
            .iter()
            .find(|(kind, ..)| *kind == kind_of(call))?;
        match receiver {
            Some(field) => call.child_by_field_name(field),
            None => select(call, *selector),
        }
    };
    match cond {
        Cond::Bare => return !callee.contains('.'),
        Cond::InChain(patterns) => {
            return receiver().is_some_and(|chain| {
                tokens(syntax, chain, source)
                    .iter()
                    .any(|token| patterns.iter().any(|p| token_matches(token, p)))
            });
        }
        Cond::SecretOperand => {
            let named = receiver().and_then(|chain| {
                let dotted = dotted(syntax, chain, source);
                let mut segments = dotted.rsplit('.');
                // With a callee field, the last segment is the method itself.
                if syntax
                    .calls
                    .iter()
                    .any(|(k, _, r)| *k == kind_of(call) && r.is_none())
                {
                    segments.next();
                }
                segments.next().map(names_secret)
            });
            if named == Some(true) {
                return true;
            }
            return holds(syntax, &Cond::Secret, (call, callee), source, index);
        }
        _ => {}
    }
    let arguments = call.child_by_field_name("arguments").or_else(|| {
        let mut cursor = call.walk();

        call.named_children(&mut cursor)
            .find(|child| kind_of(*child).contains("argument") || kind_of(*child) == "token_tree")
    });
    let Some(arguments) = arguments else {
        return matches!(cond, Cond::Missing(_) | Cond::Lacks(_) | Cond::NoArguments);
    };
    let has = |pattern: &'static str| index.has(arguments, pattern);
    match cond {
        Cond::Token(patterns) => patterns.iter().any(|p| has(p)),
        Cond::Keyword(key, values) => index.of(arguments).windows(3).any(|w| {
            token_matches(w[0].1, key)
                && matches!(w[1].1, "=" | ":" | "=>")
                && values.iter().any(|v| token_matches(w[2].1, v))
        }),
        Cond::Missing(patterns) => !patterns.iter().all(|p| has(p)),
        Cond::Lacks(patterns) => !patterns.iter().any(|p| has(p)),
        Cond::Interpolated => index.builds_below(arguments, &|n| builds_string(syntax, n, source)),
        Cond::SecretOperand | Cond::InChain(_) | Cond::Bare => false,
        Cond::NoArguments => arguments.named_child_count() == 0,
        Cond::AnyOrigin => any_origin(index.of(arguments), source, callee),
        Cond::Secret => {
            let mut cursor = arguments.walk();

            arguments.named_children(&mut cursor).any(|argument| {
                operand_name(syntax, argument, source).is_some_and(|n| names_secret(&n))
            })
        }
    }
}

/// Whether `tokens`, the arguments of a call to `callee`, set an origin to `*` (see
/// [`Cond::AnyOrigin`]).
fn any_origin(tokens: &[(usize, &str)], source: &[u8], callee: &str) -> bool {
    const BETWEEN: &[&str] = &["[", "(", "{", ",", "=", ":", "=>"];
    let names_origin = |word: &str| word.to_ascii_lowercase().contains("origin");
    tokens.iter().enumerate().any(|(at, &(start, token))| {
        // A string token is given without its quotes but keeps the quote's start byte, so a
        // `*` operator or unpacking starts with `*` itself.
        token == "*"
            && source.get(start) != Some(&b'*')
            && tokens[..at]
                .iter()
                .rev()
                .find(|(_, before)| !BETWEEN.contains(before))
                .map_or(names_origin(callee), |(_, word)| names_origin(word))
    })
}

/// Where the walk is: the nearest enclosing named function (with its class as prefix) and
/// the nearest class-like container.
#[derive(Debug, Clone, Default)]
struct Context {
    function: Option<String>,
    class: Option<String>,
    /// The named scopes around, dotted (`test_login.index`): nested functions that share a
    /// name (a view `index` inside every test) stay apart.
    path: Option<String>,
}

impl Context {
    /// The scope of a construct here: the function, else the class, else the top level.
    fn scope(&self) -> Scope {
        match (&self.function, &self.class) {
            (Some(function), _) => Scope {
                name: function.clone(),
                function: true,
            },
            (None, Some(class)) => Scope {
                name: class.clone(),
                function: false,
            },
            (None, None) => Scope {
                name: String::new(),
                function: false,
            },
        }
    }
}

/// The context inside `node`, when `node` opens one (a named function, a class, a decorated
/// definition whose decorators belong to its function).
fn enter(syntax: &Syntax, node: Node<'_>, source: &[u8], outer: &Context) -> Option<Context> {
    let kind = kind_of(node);
    let name = |n: Node<'_>| {
        n.child_by_field_name("name")
            .or_else(|| n.child_by_field_name("type"))
            .map(|name| dotted(syntax, name, source))
    };
    let nested = |name: String| match &outer.path {
        Some(path) => format!("{path}.{name}"),
        None => name,
    };
    let function = |n: Node<'_>| {
        let full = nested(n.child_by_field_name("name").map(|_| name(n))??);
        Some(Context {
            function: Some(full.clone()),
            class: outer.class.clone(),
            path: Some(full),
        })
    };
    if syntax.functions.contains(&kind) {
        return function(node);
    }
    if syntax.decorated.contains(&kind) {
        let definition = node.child_by_field_name("definition")?;
        // The decorators' scope is the function; the function node itself names it again.
        return syntax
            .functions
            .contains(&kind_of(definition))
            .then(|| function(definition))?
            .map(|context| Context {
                path: outer.path.clone(),
                ..context
            });
    }
    if syntax.containers.contains(&kind) {
        let full = nested(name(node).unwrap_or_default());
        return Some(Context {
            function: outer.function.clone(),
            class: Some(full.clone()),
            path: Some(full),
        });
    }
    None
}

#[cfg(test)]
mod tests;
