//! Visibility by each language's rules: one small function per [`VisibilityRule`], the rule
//! chosen by the registry row.

use tree_sitter::Node;

use crate::analyze::blast::syntax::{SymbolKind, Visibility};
use crate::analyze::lang::{
    CVisibility, ExportVisibility, RubyVisibility, RustVisibility, VisibilityRule,
};

/// What the rules look at.
pub(super) struct DefinitionNode<'a, 'tree> {
    /// The definition node.
    pub node: Node<'tree>,
    /// Its ancestors, root first.
    pub ancestors: &'a [Node<'tree>],
    /// Its name token.
    pub name_node: Node<'tree>,
    /// Its name.
    pub name: &'a str,
    /// Kind of the enclosing definition, if it is one.
    pub container_kind: Option<SymbolKind>,
    /// Whether it is a member of a class, struct, trait, impl or interface.
    pub member: bool,
    /// The file.
    pub source: &'a [u8],
}

impl<'tree> DefinitionNode<'_, 'tree> {
    /// The `n`th ancestor: 0 is the parent.
    fn up(&self, n: usize) -> Option<Node<'tree>> {
        self.ancestors.iter().rev().nth(n).copied()
    }
}

/// Ruby and C++ section markers.
const SECTION_WORDS: &[(&str, Visibility)] = &[
    ("public", Visibility::Public),
    ("protected", Visibility::Restricted),
    ("private", Visibility::Private),
];

/// Languages where a definition inside a function body outlives the call and is seen from
/// elsewhere, and why. Everywhere else a nested function, class or constant is local to the
/// function around it (Python scopes, JavaScript function scope, Rust items in a block, Java
/// and C# local classes and functions, Kotlin and Swift local functions).
const NESTED_DEFINITIONS_ESCAPE: &[(&str, &str)] = &[
    (
        "ruby",
        "Ruby: a `def` inside a method defines a method on the class when the method runs",
    ),
    (
        "php",
        "PHP manual, User-defined functions: a function defined inside another exists globally once the outer one has run",
    ),
];

/// Whether `site` is defined inside a function or method body of `language`, and so can be
/// used only from there: it is private whatever its name or modifiers say.
pub(super) fn local_to_a_function(language: &str, site: &DefinitionNode) -> bool {
    matches!(
        site.container_kind,
        Some(SymbolKind::Function | SymbolKind::Method)
    ) && !NESTED_DEFINITIONS_ESCAPE
        .iter()
        .any(|(escapes, _)| *escapes == language)
}

/// The visibility of `site` under `rule`.
pub(super) fn decide(rule: VisibilityRule, site: &DefinitionNode) -> Visibility {
    match rule {
        VisibilityRule::Rust(kinds) => rust(site, kinds),
        VisibilityRule::Capitalised => {
            if site.name.starts_with(|c: char| c.is_uppercase()) {
                Visibility::Public
            } else {
                Visibility::Private
            }
        }
        VisibilityRule::Underscore => {
            let dunder = site.name.starts_with("__") && site.name.ends_with("__");
            if site.name.starts_with('_') && !dunder {
                Visibility::Private
            } else {
                Visibility::Public
            }
        }
        VisibilityRule::Export(kinds) => export(site, kinds),
        VisibilityRule::Modifiers {
            words,
            top,
            member,
            interface_member,
        } => {
            let default = match site.container_kind {
                Some(SymbolKind::Interface) => interface_member,
                _ if site.member => member,
                _ => top,
            };
            modifier_word(site, words).unwrap_or(default)
        }
        VisibilityRule::C(kinds) => c(site, kinds),
        VisibilityRule::Ruby(kinds) => ruby(site, kinds),
        VisibilityRule::Public => Visibility::Public,
    }
}

/// `pub` → public, `pub(self)` → private, other `pub(…)` → restricted; items of traits and
/// trait impls are as visible as the trait.
fn rust(site: &DefinitionNode, kinds: RustVisibility) -> Visibility {
    let mut cursor = site.node.walk();
    let modifier = site
        .node
        .children(&mut cursor)
        .find(|child| child.kind() == kinds.modifier);
    if let Some(modifier) = modifier {
        let text = source_text(modifier, site.source);
        let text: String = text.split_whitespace().collect();
        return match text.as_str() {
            "pub" => Visibility::Public,
            "pub(self)" => Visibility::Private,
            _ => Visibility::Restricted,
        };
    }
    let owner = site.up(1);
    let in_trait = owner.is_some_and(|owner| {
        owner.kind() == kinds.trait_item
            || (owner.kind() == kinds.impl_item
                && owner.child_by_field_name(kinds.trait_field).is_some())
    });
    if in_trait {
        Visibility::Public
    } else {
        Visibility::Private
    }
}

/// JS/TS: members are public unless `private`/`#name` (`protected` → restricted); top-level
/// definitions are public only when exported.
fn export(site: &DefinitionNode, kinds: ExportVisibility) -> Visibility {
    if site.member {
        if site.name_node.kind() == kinds.private_name {
            return Visibility::Private;
        }
        let mut cursor = site.node.walk();
        let modifier = site
            .node
            .children(&mut cursor)
            .find(|child| Some(child.kind()) == kinds.accessibility)
            .map(|modifier| source_text(modifier, site.source));
        return match modifier {
            Some("private") => Visibility::Private,
            Some("protected") => Visibility::Restricted,
            _ => Visibility::Public,
        };
    }
    let exported = site
        .ancestors
        .iter()
        .rev()
        .take(4)
        .any(|ancestor| ancestor.kind() == kinds.export);
    if exported {
        Visibility::Public
    } else {
        Visibility::Private
    }
}

/// C/C++: class members by access section; `static` free functions are private.
fn c(site: &DefinitionNode, kinds: CVisibility) -> Visibility {
    if site.member && site.up(0).is_some_and(|p| p.kind() == kinds.member_list) {
        if let Some(section) = kinds.access.and_then(|access| section(site, access)) {
            return section;
        }
        let is_struct = site
            .up(1)
            .is_some_and(|owner| Some(owner.kind()) != kinds.class);
        return if is_struct {
            Visibility::Public
        } else {
            Visibility::Private
        };
    }
    let mut cursor = site.node.walk();
    let is_static = site
        .node
        .children(&mut cursor)
        .any(|child| child.kind() == kinds.storage && source_text(child, site.source) == "static");
    if is_static {
        Visibility::Private
    } else {
        Visibility::Public
    }
}

/// Ruby: `private def x`, or the last bare `private`/`protected`/`public` before the method.
fn ruby(site: &DefinitionNode, kinds: RubyVisibility) -> Visibility {
    let wrapper = site
        .up(0)
        .filter(|parent| parent.kind() == kinds.arguments)
        .and(site.up(1))
        .and_then(|call| call.child_by_field_name(kinds.method_field));
    if let Some(method) = wrapper
        && let Some(&(_, visibility)) = SECTION_WORDS
            .iter()
            .find(|(word, _)| *word == source_text(method, site.source))
    {
        return visibility;
    }
    section(site, kinds.section).unwrap_or(Visibility::Public)
}

/// The visibility set by the nearest preceding sibling of `marker_kind` whose text is a
/// section word (`private:` in C++, a bare `private` in Ruby).
fn section(site: &DefinitionNode, marker_kind: &str) -> Option<Visibility> {
    let parent = site.up(0)?;
    let mut cursor = parent.walk();
    let mut current = None;
    for sibling in parent.named_children(&mut cursor) {
        if sibling.id() == site.node.id() {
            break;
        }
        if sibling.kind() != marker_kind {
            continue;
        }
        let text = source_text(sibling, site.source);
        let word = text.trim_end_matches(':').trim();
        if let Some(&(_, visibility)) = SECTION_WORDS.iter().find(|(known, _)| *known == word) {
            current = Some(visibility);
        }
    }
    current
}

/// The first modifier word before the name that `words` knows, searching the definition's
/// own tokens and its modifier nodes (`modifiers`, `visibility_modifier`, `modifier`).
fn modifier_word(site: &DefinitionNode, words: &[(&str, Visibility)]) -> Option<Visibility> {
    let mut cursor = site.node.walk();
    for child in site.node.children(&mut cursor) {
        if child.start_byte() >= site.name_node.start_byte() {
            break;
        }
        let found = if child.child_count() == 0 {
            lookup(source_text(child, site.source), words)
        } else if child.kind().contains("modifier") {
            leaves(child).find_map(|leaf| lookup(source_text(leaf, site.source), words))
        } else {
            None
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

fn lookup(word: &str, words: &[(&str, Visibility)]) -> Option<Visibility> {
    words
        .iter()
        .find(|(known, _)| *known == word)
        .map(|&(_, visibility)| visibility)
}

/// Leaf tokens under `node`, at most three levels down (modifier lists are shallow).
fn leaves(node: Node) -> impl Iterator<Item = Node> {
    let mut stack = vec![(node, 0_u8)];
    std::iter::from_fn(move || {
        while let Some((current, depth)) = stack.pop() {
            if current.child_count() == 0 {
                return Some(current);
            }
            if depth < 3 {
                let mut cursor = current.walk();
                let children: Vec<Node> = current.children(&mut cursor).collect();
                stack.extend(children.into_iter().rev().map(|child| (child, depth + 1)));
            }
        }
        None
    })
}

fn source_text<'a>(node: Node, source: &'a [u8]) -> &'a str {
    std::str::from_utf8(source.get(node.byte_range()).unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use crate::analyze::blast::outline::{Budget, outline};
    use crate::analyze::blast::syntax::Visibility;
    use crate::analyze::lang::by_name;

    /// A function, class or constant defined inside a function is private to it, whatever its
    /// name says; in Ruby and PHP such a definition escapes its function and keeps its own.
    #[test]
    fn definitions_inside_a_function_are_local() {
        let cases = [
            (
                "python",
                "def outer():\n    def inner():\n        pass\n",
                Visibility::Private,
            ),
            (
                "javascript",
                "export function outer() { function inner() {} }",
                Visibility::Private,
            ),
            (
                "typescript",
                "class A { run() { function inner() {} } }",
                Visibility::Private,
            ),
            (
                "rust",
                "pub fn outer() { pub fn inner() {} }",
                Visibility::Private,
            ),
            (
                "ruby",
                "class A\n  def outer\n    def inner\n    end\n  end\nend\n",
                Visibility::Public,
            ),
        ];
        for (language, source, expected) in cases {
            let language = by_name(language).expect("registered");
            let outline =
                outline(language, source.as_bytes(), &Budget::default()).expect("outlines");
            let inner = outline
                .definitions
                .iter()
                .find(|d| d.name == "inner")
                .unwrap_or_else(|| panic!("{}: no inner in {outline:?}", language.name));
            assert_eq!(inner.visibility, expected, "{}: {source}", language.name);
        }
    }
}
