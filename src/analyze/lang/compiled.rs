//! A registry row made ready for use: the roles turned into a table indexed by node-kind id,
//! so the per-node work while outlining is one array lookup instead of string comparisons,
//! and the definitions query compiled against its grammar when an outline first needs it.

use std::sync::OnceLock;

use tree_sitter::Query;

use super::Language;
use super::roles::Selector;
use super::starts;
use crate::analyze::blast::syntax::SymbolKind;

/// Capture names (`@definition.<suffix>`) → kind. Suffixes not listed (`field`, `property`,
/// `variable`…) are not definitions the outline reports.
const CAPTURE_KINDS: &[(&str, SymbolKind)] = &[
    ("definition.function", SymbolKind::Function),
    ("definition.method", SymbolKind::Method),
    ("definition.class", SymbolKind::Class),
    ("definition.struct", SymbolKind::Struct),
    ("definition.enum", SymbolKind::Enum),
    ("definition.trait", SymbolKind::Trait),
    ("definition.interface", SymbolKind::Interface),
    ("definition.module", SymbolKind::Module),
    ("definition.object", SymbolKind::Module),
    ("definition.constant", SymbolKind::Constant),
    ("definition.type", SymbolKind::TypeAlias),
    ("definition.macro", SymbolKind::Macro),
];

/// Literal kinds that are strings in every grammar without "string" in their name.
const CHARACTER_LITERALS: &[&str] = &["char_literal", "character_literal", "rune_literal"];

/// Where a selector points, with field names resolved to ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved {
    /// The child in this field id.
    Field(u16),
    /// The first named child.
    First,
    /// The last named child.
    Last,
}

/// The part one node kind plays.
#[allow(
    clippy::struct_excessive_bools,
    reason = "a row of the role table; each flag is read by name at one place in the walk"
)]
#[derive(Debug, Clone, Copy, Default)]
pub struct Role {
    /// An identifier: its text is a reference name.
    pub identifier: bool,
    /// A `*type_identifier`: references through it are type uses.
    pub type_name: bool,
    /// A comment: skipped by hashes and references.
    pub comment: bool,
    /// A string or character literal: hashed, but holds no references.
    pub string: bool,
    /// An import: identifiers below it are imports.
    pub import: bool,
    /// Identifier children are types.
    pub type_parent: bool,
    /// Unparsed macro arguments (Rust `token_tree`).
    pub token_tree: bool,
    /// A call, and where its callee is.
    pub call: Option<Resolved>,
    /// A member access, and where the member name is.
    pub member: Option<Resolved>,
    /// A binding (`x = …`), and where the bound name is.
    pub binding: Option<Resolved>,
}

/// A row's grammar and role table, and its definitions query once compiled.
#[derive(Debug)]
pub struct Compiled {
    /// The grammar.
    pub grammar: tree_sitter::Language,
    /// Role of each node-kind id.
    pub roles: Vec<Role>,
    /// Id of the `type` field, whose identifiers are types in every grammar.
    pub type_field: Option<u16>,
    /// The row's name and queries, for [`Compiled::definitions`].
    name: &'static str,
    queries: [&'static [&'static str]; 2],
    /// Compiled on first use: TypeScript's takes tens of milliseconds, and a run whose
    /// outlines all come from the cache (parsing for security constructs, mechanical changes
    /// and reference confirmation needs only the grammar and roles) never needs it.
    definitions: OnceLock<Result<Definitions, String>>,
}

/// The definitions query of a row.
#[derive(Debug)]
pub struct Definitions {
    /// Tags and extra queries as one query; patterns without a `@definition.*` capture are
    /// disabled (the outline finds references itself).
    pub query: Query,
    /// Index of the `@name` capture.
    pub name_capture: u32,
    /// Kind for each capture index that is a definition capture.
    pub definition_kinds: Vec<Option<SymbolKind>>,
    /// Patterns from this index on are ours (they refine the grammar's).
    pub own_patterns_from: usize,
    /// By node-kind id, whether a match of an enabled pattern can start at a node of that
    /// kind (see `starts`); `None` when some pattern could start anywhere.
    pub starts: Option<Vec<bool>>,
}

impl Compiled {
    /// Loads `language`'s grammar and builds its role table; `Err` names a role that does not
    /// fit the grammar.
    pub(super) fn build(language: &'static Language) -> Result<Self, String> {
        let grammar = (language.grammar)();
        let roles = role_table(language, &grammar)?;
        let type_field = grammar.field_id_for_name("type").map(u16::from);
        Ok(Self {
            grammar,
            roles,
            type_field,
            name: language.name,
            queries: [language.tags_queries, language.extra_queries],
            definitions: OnceLock::new(),
        })
    }

    /// The definitions query, compiled once per process; `Err` when it does not fit the
    /// grammar (the registry test catches that).
    pub fn definitions(&self) -> Result<&Definitions, &str> {
        self.definitions
            .get_or_init(|| Definitions::build(self.name, &self.grammar, self.queries))
            .as_ref()
            .map_err(String::as_str)
    }

    /// The role of node kind `kind_id` (ids beyond the table play none).
    #[must_use]
    pub fn role(&self, kind_id: u16) -> Role {
        self.roles
            .get(usize::from(kind_id))
            .copied()
            .unwrap_or_default()
    }
}

impl Definitions {
    fn build(
        name: &str,
        grammar: &tree_sitter::Language,
        [tags_queries, extra_queries]: [&[&str]; 2],
    ) -> Result<Self, String> {
        let mut source = String::new();
        for part in tags_queries {
            source.push_str(part);
            source.push('\n');
        }
        let tags_end = source.len();
        for part in extra_queries {
            source.push_str(part);
            source.push('\n');
        }
        let mut query =
            Query::new(grammar, &source).map_err(|error| format!("{name} query: {error}"))?;
        let mut own_patterns_from = query.pattern_count();
        // The start kinds of every enabled pattern; `None` once one could start anywhere.
        let mut start_names: Option<Vec<String>> = Some(Vec::new());
        for pattern in 0..query.pattern_count() {
            let start = query.start_byte_for_pattern(pattern);
            let text = source
                .get(start..query.end_byte_for_pattern(pattern))
                .unwrap_or_default();
            if text.contains("@definition.") {
                match (&mut start_names, starts::start_kinds(text)) {
                    (Some(names), Some(kinds)) => names.extend(kinds),
                    _ => start_names = None,
                }
            } else {
                query.disable_pattern(pattern);
            }
            if start >= tags_end {
                own_patterns_from = own_patterns_from.min(pattern);
            }
        }
        let starts = start_names.and_then(|names| starts_by_id(grammar, &names));
        let name_capture = query
            .capture_index_for_name("name")
            .ok_or_else(|| format!("{name} query has no @name capture"))?;
        let definition_kinds = query
            .capture_names()
            .iter()
            .map(|name| {
                CAPTURE_KINDS
                    .iter()
                    .find(|(capture, _)| capture == name)
                    .map(|&(_, kind)| kind)
            })
            .collect();
        Ok(Self {
            query,
            name_capture,
            definition_kinds,
            own_patterns_from,
            starts,
        })
    }
}

/// Marks the named kinds called `names`, every id of each (grammars alias several ids to one
/// name); `None` if a name is a supertype (its matches start at its subtypes' nodes) or no
/// named kind.
fn starts_by_id(grammar: &tree_sitter::Language, names: &[String]) -> Option<Vec<bool>> {
    let count = u16::try_from(grammar.node_kind_count()).ok()?;
    let mut starts = vec![false; usize::from(count)];
    for name in names {
        let mut found = false;
        for id in 0..count {
            if grammar.node_kind_is_named(id) && grammar.node_kind_for_id(id) == Some(name) {
                if grammar.node_kind_is_supertype(id) {
                    return None;
                }
                starts[usize::from(id)] = true;
                found = true;
            }
        }
        if !found {
            return None;
        }
    }
    Some(starts)
}

/// Builds the per-kind-id role table. Every id with a matching name gets the role: grammars
/// alias several ids to one name.
fn role_table(language: &Language, grammar: &tree_sitter::Language) -> Result<Vec<Role>, String> {
    let roles = language.roles;
    let resolve = |selector: Selector| -> Result<Resolved, String> {
        match selector {
            Selector::Field(name) => grammar
                .field_id_for_name(name)
                .map(|id| Resolved::Field(id.into()))
                .ok_or_else(|| format!("{}: no field `{name}`", language.name)),
            Selector::First => Ok(Resolved::First),
            Selector::Last => Ok(Resolved::Last),
        }
    };
    let count = grammar.node_kind_count();
    let mut table = vec![Role::default(); count];
    for (id, role) in (0..).zip(table.iter_mut()) {
        if !grammar.node_kind_is_named(id) {
            continue;
        }
        let Some(kind) = grammar.node_kind_for_id(id) else {
            continue;
        };
        role.identifier = roles.identifiers.contains(&kind);
        role.type_name = kind.ends_with("type_identifier");
        role.comment = kind.contains("comment");
        role.string = kind.contains("string")
            || kind.contains("heredoc")
            || CHARACTER_LITERALS.contains(&kind);
        role.import = roles.imports.contains(&kind);
        role.type_parent = roles.type_parents.contains(&kind);
        role.token_tree = roles.token_trees.contains(&kind);
        if let Some(&(_, selector)) = roles.calls.iter().find(|(name, _)| *name == kind) {
            role.call = Some(resolve(selector)?);
        }
        if let Some(&(_, selector)) = roles.members.iter().find(|(name, _)| *name == kind) {
            role.member = Some(resolve(selector)?);
        }
        if let Some(&(_, selector)) = roles.bindings.iter().find(|(name, _)| *name == kind) {
            role.binding = Some(resolve(selector)?);
        }
    }
    let known = |name: &&str| {
        (0..).zip(0..count).any(|(id, _): (u16, usize)| {
            grammar.node_kind_is_named(id) && grammar.node_kind_for_id(id) == Some(*name)
        })
    };
    let listed = roles
        .identifiers
        .iter()
        .chain(roles.imports)
        .chain(roles.type_parents)
        .chain(roles.token_trees)
        .chain(roles.bodies)
        .chain(roles.function_values)
        .chain(roles.calls.iter().map(|(name, _)| name))
        .chain(roles.members.iter().map(|(name, _)| name))
        .chain(roles.bindings.iter().map(|(name, _)| name))
        .copied()
        .chain(language.visibility.kinds());
    if let Some(unknown) = listed.into_iter().find(|name| !known(name)) {
        return Err(format!("{}: no node kind `{unknown}`", language.name));
    }
    if let Some(unknown) = language
        .visibility
        .fields()
        .into_iter()
        .find(|name| grammar.field_id_for_name(name).is_none())
    {
        return Err(format!("{}: no field `{unknown}`", language.name));
    }
    Ok(table)
}
