//! Definitions: the definitions query's matches (the walk runs the query where they can
//! start; `matches` runs it over a whole tree), each given its real node, kind, container,
//! visibility and signature from the row's roles.

use std::collections::HashMap;

use tree_sitter::{Node, QueryCursor, QueryMatch, StreamingIterator, Tree};

use super::visibility::{self, DefinitionNode};
use crate::analyze::blast::syntax::{Definition, SymbolKind, Visibility};
use crate::analyze::lang::{Compiled, Definitions, Language};

/// Longest signature kept, in characters; longer ones are cut (generated tables, huge literals).
const MAX_SIGNATURE: usize = 400;

/// One definition with the nodes the walk needs.
pub(super) struct FoundDefinition<'tree> {
    /// The whole definition.
    pub node: Node<'tree>,
    /// The definition, `body_hash` still 0.
    pub definition: Definition,
}

/// A query match before the roles are applied.
pub(super) struct Raw<'tree> {
    node: Node<'tree>,
    name_node: Node<'tree>,
    /// Ancestors of `node`, root first (after lifting: of the lifted node).
    ancestors: Vec<Node<'tree>>,
    /// Parent of `name_node`.
    name_parent: Option<Node<'tree>>,
    kind: SymbolKind,
    own: bool,
    prototype: bool,
}

/// The definitions of `tree` from its query matches (`raws`, as [`Found`] kept them), in
/// source order (outer before inner).
pub(super) fn finish<'tree>(
    language: &'static Language,
    compiled: &Compiled,
    mut raws: Vec<Raw<'tree>>,
    tree: &'tree Tree,
    source: &[u8],
) -> Vec<FoundDefinition<'tree>> {
    let roles = language.roles;
    let targets: Vec<Node> = raws
        .iter()
        .flat_map(|raw| [raw.node, raw.name_node])
        .collect();
    let mut chains = ancestor_chains(tree, &targets);
    for raw in &mut raws {
        raw.ancestors = chains.remove(&raw.node.id()).unwrap_or_default();
        raw.name_parent = chains
            .get(&raw.name_node.id())
            .and_then(|chain| chain.last().copied());
        if let Some((_, targets)) = roles.lift.iter().find(|(kind, _)| *kind == raw.node.kind())
            && let Some(at) = raw
                .ancestors
                .iter()
                .rev()
                .take(4)
                .position(|a| targets.contains(&a.kind()))
        {
            let at = raw.ancestors.len() - 1 - at;
            raw.node = raw.ancestors[at];
            raw.ancestors.truncate(at);
            raw.prototype = roles.prototypes.contains(&raw.node.kind());
        }
        if let Some(&(_, kind)) = roles
            .kinds
            .iter()
            .find(|(kind, _)| *kind == raw.node.kind())
        {
            raw.kind = kind;
        }
        if let Some(&(_, _, kind)) = roles
            .keyword_kinds
            .iter()
            .find(|(kind, keyword, _)| *kind == raw.node.kind() && has_token(raw.node, keyword))
        {
            raw.kind = kind;
        }
    }
    raws.sort_by_key(|raw| {
        (
            raw.node.start_byte(),
            std::cmp::Reverse(raw.node.end_byte()),
        )
    });
    let names: Vec<String> = raws.iter().map(|raw| text(raw.name_node, source)).collect();
    let defined: std::collections::HashSet<&str> = raws
        .iter()
        .zip(&names)
        .filter(|(raw, _)| !raw.prototype)
        .map(|(_, name)| name.as_str())
        .collect();
    let by_node: HashMap<usize, usize> = raws
        .iter()
        .enumerate()
        .map(|(index, raw)| (raw.node.id(), index))
        .collect();
    let mut found = Vec::with_capacity(raws.len());
    for (raw, name) in raws.iter().zip(&names) {
        if raw.prototype && defined.contains(name.as_str()) {
            continue;
        }
        let container = container(raw, &raws, &names, &by_node, language, source);
        let kind = match (raw.kind, container.as_ref()) {
            (SymbolKind::Function | SymbolKind::Method, Some(c)) if c.member => SymbolKind::Method,
            (SymbolKind::Method, _) => SymbolKind::Function,
            (kind, _) => kind,
        };
        let site = DefinitionNode {
            node: raw.node,
            ancestors: &raw.ancestors,
            name_node: raw.name_node,
            name,
            container_kind: container.as_ref().and_then(|c| c.kind),
            member: container.as_ref().is_some_and(|c| c.member),
            source,
        };
        let visibility: Visibility = if visibility::local_to_a_function(language.name, &site) {
            Visibility::Private
        } else {
            visibility::decide(language.visibility, &site)
        };
        found.push(FoundDefinition {
            node: raw.node,
            definition: Definition {
                name: name.clone(),
                kind,
                container: container.map(|c| c.name),
                start_line: line(raw.node.start_position().row),
                end_line: end_line(raw.node),
                signature: signature(raw.node, raw.name_node, language, compiled, source),
                visibility,
                body_hash: 0,
            },
        });
    }
    found
}

/// Query matches with a definition capture and a name, one per name token, by one query run
/// over the whole tree; where our own pattern and the grammar's capture the same name, ours
/// wins. The walk runs the query only where matches can start (`lang::starts`) and finds the
/// same; this run is for a query whose starts are not known.
pub(super) fn matches<'tree>(
    definitions: &Definitions,
    tree: &'tree Tree,
    source: &[u8],
) -> Found<'tree> {
    let mut cursor = QueryCursor::new();
    let mut found = Found::default();
    let mut matches = cursor.matches(&definitions.query, tree.root_node(), source);
    while let Some(one) = matches.next() {
        found.add(definitions, one);
    }
    found
}

/// The matches kept so far, and which one holds each name token.
#[derive(Default)]
pub(super) struct Found<'tree> {
    pub(super) raws: Vec<Raw<'tree>>,
    by_name: HashMap<usize, usize>,
}

impl<'tree> Found<'tree> {
    /// Whether `node` is the name token of a match kept so far.
    pub(super) fn names(&self, node: Node<'_>) -> bool {
        self.by_name.contains_key(&node.id())
    }

    pub(super) fn add(&mut self, definitions: &Definitions, found: &QueryMatch<'_, 'tree>) {
        let mut definition = None;
        let mut name_node = None;
        for capture in found.captures() {
            if capture.index == definitions.name_capture {
                name_node = Some(capture.node);
            } else if let Some(Some(kind)) =
                definitions.definition_kinds.get(capture.index as usize)
            {
                definition = Some((capture.node, *kind));
            }
        }
        let (Some((node, kind)), Some(name_node)) = (definition, name_node) else {
            return;
        };
        let raw = Raw {
            node,
            name_node,
            kind,
            own: found.pattern_index >= definitions.own_patterns_from,
            prototype: false,
            ancestors: Vec::new(),
            name_parent: None,
        };
        match self.by_name.get(&name_node.id()) {
            Some(&index) if raw.own && !self.raws[index].own => self.raws[index] = raw,
            Some(_) => {}
            None => {
                self.by_name.insert(name_node.id(), self.raws.len());
                self.raws.push(raw);
            }
        }
    }
}

/// What a definition sits in.
struct Container {
    name: String,
    /// The container's kind when it is a definition; `None` for `impl` blocks, receivers and
    /// qualified names.
    kind: Option<SymbolKind>,
    /// Whether definitions inside are members (class-like) rather than nested functions.
    member: bool,
}

/// The innermost enclosing definition or container node, or the scope of a qualified name.
fn container(
    raw: &Raw,
    raws: &[Raw],
    names: &[String],
    by_node: &HashMap<usize, usize>,
    language: &Language,
    source: &[u8],
) -> Option<Container> {
    let roles = language.roles;
    let impl_like = |name| Container {
        name,
        kind: None,
        member: true,
    };
    if let Some(parent) = raw.name_parent
        && let Some((_, field)) = roles
            .qualified
            .iter()
            .find(|(kind, _)| *kind == parent.kind())
        && let Some(scope) = parent.child_by_field_name(field)
    {
        return Some(impl_like(text(scope, source)));
    }
    if matches!(raw.kind, SymbolKind::Function | SymbolKind::Method)
        && let Some(name) = container_rule(raw.node, language, source)
    {
        return Some(impl_like(name));
    }
    for &ancestor in raw.ancestors.iter().rev() {
        if let Some(&index) = by_node.get(&ancestor.id()) {
            let kind = raws[index].kind;
            // Functions in namespaces, modules and objects stay functions (with a container).
            let member = !matches!(
                kind,
                SymbolKind::Function
                    | SymbolKind::Method
                    | SymbolKind::Constant
                    | SymbolKind::Module
            );
            return Some(Container {
                name: names[index].clone(),
                kind: Some(kind),
                member,
            });
        }
        if let Some(name) = container_rule(ancestor, language, source) {
            return Some(impl_like(name));
        }
    }
    None
}

/// The type name a container node (`impl`, Go receiver, Swift extension) gives its methods.
fn container_rule(node: Node, language: &Language, source: &[u8]) -> Option<String> {
    let (_, field) = language
        .roles
        .containers
        .iter()
        .find(|(kind, _)| *kind == node.kind())?;
    let mut current = node.child_by_field_name(field)?;
    // Descend to the base name: `Foo<T>` → `Foo`, `a::Foo` → `Foo`, `*Cart` → `Cart`.
    while current.named_child_count() > 0 {
        current = current
            .child_by_field_name("type")
            .or_else(|| current.child_by_field_name("name"))
            .or_else(|| current.named_child(0))?;
    }
    Some(text(current, source))
}

/// The declaration up to its body, comments cut out and whitespace collapsed.
fn signature(
    node: Node,
    name_node: Node,
    language: &Language,
    compiled: &Compiled,
    source: &[u8],
) -> String {
    let roles = language.roles;
    let mut end = node.end_byte();
    let mut comments: Vec<(usize, usize)> = Vec::new();
    let mut cursor = node.walk();
    let mut descend = cursor.goto_first_child();
    while descend || next_node(&mut cursor, node) {
        let current = cursor.node();
        let field = cursor.field_name();
        descend = false;
        if compiled.role(current.kind_id()).comment {
            comments.push((current.start_byte(), current.end_byte()));
        } else if current.id() != name_node.id()
            && (field == Some("body")
                || roles.bodies.contains(&current.kind())
                || (field == Some("value") && !roles.function_values.contains(&current.kind()))
                || current.kind() == "=")
        {
            end = current.start_byte();
            break;
        } else if !current.kind().contains("parameter") {
            descend = cursor.goto_first_child();
        }
    }
    let mut out = String::new();
    let mut start = node.start_byte();
    for (comment_start, comment_end) in comments.into_iter().chain([(end, end)]) {
        let piece = source
            .get(start..comment_start.min(end))
            .unwrap_or_default();
        for word in String::from_utf8_lossy(piece).split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        start = comment_end;
    }
    let trimmed = out.trim_end_matches(|c: char| c.is_whitespace() || "{:;=".contains(c));
    trimmed.chars().take(MAX_SIGNATURE).collect()
}

/// Moves to the next node in preorder without descending, staying inside `root`.
fn next_node(cursor: &mut tree_sitter::TreeCursor, root: Node) -> bool {
    loop {
        if cursor.goto_next_sibling() {
            return true;
        }
        if !cursor.goto_parent() || cursor.node().id() == root.id() {
            return false;
        }
    }
}

/// The ancestors (root first) of each target node, found in one descent that only enters
/// subtrees where some target starts. `Node::parent` would search down from the root on
/// every call, which is quadratic over a file with thousands of top-level definitions.
fn ancestor_chains<'tree>(
    tree: &'tree Tree,
    targets: &[Node<'tree>],
) -> HashMap<usize, Vec<Node<'tree>>> {
    let mut starts: Vec<usize> = targets.iter().map(Node::start_byte).collect();
    starts.sort_unstable();
    starts.dedup();
    let wanted: std::collections::HashSet<usize> = targets.iter().map(Node::id).collect();
    let mut chains = HashMap::with_capacity(wanted.len());
    let mut stack: Vec<Node<'tree>> = Vec::new();
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        if wanted.contains(&node.id()) {
            chains.insert(node.id(), stack.clone());
        }
        let first = starts.partition_point(|&start| start < node.start_byte());
        let holds_target = starts
            .get(first)
            .is_some_and(|&start| start < node.end_byte().max(node.start_byte() + 1));
        if holds_target && cursor.goto_first_child() {
            stack.push(node);
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return chains;
            }
            stack.pop();
        }
    }
}

/// Whether `node` has a direct child token `keyword` (Swift `struct`, Kotlin `interface`).
fn has_token(node: Node, keyword: &str) -> bool {
    let mut cursor = node.walk();
    node.children(&mut cursor)
        .any(|child| !child.is_named() && child.kind() == keyword)
}

/// A node's text; invalid UTF-8 is replaced, never an error.
pub(super) fn text(node: Node, source: &[u8]) -> String {
    let bytes = source.get(node.byte_range()).unwrap_or_default();
    String::from_utf8_lossy(bytes).into_owned()
}

/// 1-based line of a 0-based row.
pub(super) fn line(row: usize) -> u32 {
    u32::try_from(row + 1).unwrap_or(u32::MAX)
}

/// Last line of a node, not counting a trailing newline it swallowed.
fn end_line(node: Node) -> u32 {
    let end = node.end_position();
    let row = if end.column == 0 && end.row > node.start_position().row {
        end.row - 1
    } else {
        end.row
    };
    line(row)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{Raw, matches};
    use crate::analyze::blast::outline::parse::parse;
    use crate::analyze::blast::outline::tests::sample_text;
    use crate::analyze::blast::outline::walk::walk;
    use crate::analyze::lang::LANGUAGES;

    /// Node, name token, kind and origin of each match, in order.
    fn keys(raws: &[Raw]) -> Vec<(usize, usize, String, bool)> {
        raws.iter()
            .map(|raw| {
                let kind = format!("{:?}", raw.kind);
                (raw.node.id(), raw.name_node.id(), kind, raw.own)
            })
            .collect()
    }

    /// The walk, running the query only where its matches can start, finds what one run over
    /// the whole tree finds, on every language's sample; and every language's query has
    /// known starts (a pattern that could start anywhere would quietly cost the saving).
    #[test]
    fn matches_found_at_their_starts_equal_the_whole_tree_run() {
        for language in LANGUAGES {
            let compiled = language.compiled().expect("grammar loads");
            let definitions = compiled.definitions().expect("query compiles");
            let starts = definitions.starts.as_deref();
            assert!(starts.is_some(), "{}: no known starts", language.name);
            let source = sample_text(language.name).as_bytes();
            let tree = parse(language, compiled, source, Duration::from_secs(10)).expect("parses");
            let mut whole = keys(&matches(definitions, &tree, source).raws);
            assert!(!whole.is_empty(), "{}: no definitions", language.name);
            let mut started = keys(&walk(compiled, definitions, &tree, source).raws);
            whole.sort_unstable();
            started.sort_unstable();
            assert_eq!(started, whole, "{}", language.name);
        }
    }
}
