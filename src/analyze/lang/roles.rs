//! Syntax roles per language: which node kinds are identifiers, calls, member accesses,
//! imports; how definition kinds are refined; where a method's container name lives. Data
//! only; `outline` interprets it. Kind names come from each grammar's `node-types.json`.

use crate::analyze::blast::syntax::{SymbolKind, Visibility};

/// Where a call's callee or a member access's member name sits among a node's children.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selector {
    /// The child in this field.
    Field(&'static str),
    /// The first named child (grammars without field names, e.g. Kotlin `call_expression`).
    First,
    /// The last named child (e.g. Kotlin `navigation_expression`).
    Last,
}

/// How a language decides visibility; interpreted by `outline::visibility`. The node kinds
/// each rule looks at are part of the row, so a new grammar is a new row, not new code.
#[derive(Debug, Clone, Copy)]
pub enum VisibilityRule {
    /// `pub` → public, `pub(crate)`/`pub(super)`/`pub(in …)` → restricted, none → private;
    /// trait items and trait-impl items are as visible as the trait.
    Rust(RustVisibility),
    /// Capitalised → public, else private.
    Capitalised,
    /// Leading `_` → private (dunder names stay public).
    Underscore,
    /// Top level: exported → public, else private. Class members: public unless `private` or
    /// `#name`; `protected` → restricted.
    Export(ExportVisibility),
    /// Modifier words (Java, C#, Kotlin, Swift, Scala, PHP), first match wins; otherwise the
    /// default for where the definition sits.
    Modifiers {
        /// Modifier word → visibility, checked in order.
        words: &'static [(&'static str, Visibility)],
        /// Default for top-level definitions.
        top: Visibility,
        /// Default for members of classes, structs, objects.
        member: Visibility,
        /// Default for members of interfaces and protocols.
        interface_member: Visibility,
    },
    /// C/C++: `static` free functions → private, else public; C++ class members by the
    /// `public:`/`private:` section they sit in (class → private, struct → public by default).
    C(CVisibility),
    /// Ruby: `private`/`protected` sections or `private def …`, else public.
    Ruby(RubyVisibility),
    /// Everything is public (Bash functions).
    Public,
}

/// The node kinds [`VisibilityRule::Rust`] reads.
#[derive(Debug, Clone, Copy)]
pub struct RustVisibility {
    /// The `pub(…)` node among a definition's children.
    pub modifier: &'static str,
    /// A trait: its items are as visible as the trait.
    pub trait_item: &'static str,
    /// An impl block; with a trait in `trait_field`, a trait impl.
    pub impl_item: &'static str,
    /// The impl's field naming the trait.
    pub trait_field: &'static str,
}

/// The node kinds [`VisibilityRule::Export`] reads.
#[derive(Debug, Clone, Copy)]
pub struct ExportVisibility {
    /// A `#name` member name.
    pub private_name: &'static str,
    /// The `private`/`protected`/`public` keyword node of a member (TypeScript; JavaScript
    /// has only `#name`).
    pub accessibility: Option<&'static str>,
    /// The statement that exports a top-level definition.
    pub export: &'static str,
}

/// The node kinds [`VisibilityRule::C`] reads; C has no classes or access sections.
#[derive(Debug, Clone, Copy)]
pub struct CVisibility {
    /// The body of a struct or class, whose children are members.
    pub member_list: &'static str,
    /// A `public:`/`private:` section marker.
    pub access: Option<&'static str>,
    /// A `class` (members private by default, unlike a struct's).
    pub class: Option<&'static str>,
    /// `static` and its kin before a free function.
    pub storage: &'static str,
}

/// The node kinds [`VisibilityRule::Ruby`] reads.
#[derive(Debug, Clone, Copy)]
pub struct RubyVisibility {
    /// The arguments of `private def …`.
    pub arguments: &'static str,
    /// The call's field naming the method (`private`).
    pub method_field: &'static str,
    /// A bare `private`/`protected`/`public` line.
    pub section: &'static str,
}

impl VisibilityRule {
    /// The node kinds the rule reads, for checking against the grammar.
    #[must_use]
    pub fn kinds(&self) -> Vec<&'static str> {
        match *self {
            Self::Rust(rust) => vec![rust.modifier, rust.trait_item, rust.impl_item],
            Self::Export(export) => [
                Some(export.private_name),
                export.accessibility,
                Some(export.export),
            ]
            .into_iter()
            .flatten()
            .collect(),
            Self::C(c) => [Some(c.member_list), c.access, c.class, Some(c.storage)]
                .into_iter()
                .flatten()
                .collect(),
            Self::Ruby(ruby) => vec![ruby.arguments, ruby.section],
            Self::Capitalised | Self::Underscore | Self::Modifiers { .. } | Self::Public => {
                Vec::new()
            }
        }
    }

    /// The field names the rule reads, for checking against the grammar.
    #[must_use]
    pub fn fields(&self) -> Vec<&'static str> {
        match *self {
            Self::Rust(rust) => vec![rust.trait_field],
            Self::Ruby(ruby) => vec![ruby.method_field],
            _ => Vec::new(),
        }
    }
}

/// Rust's visibility rule.
pub const RUST_VISIBILITY: VisibilityRule = VisibilityRule::Rust(RustVisibility {
    modifier: "visibility_modifier",
    trait_item: "trait_item",
    impl_item: "impl_item",
    trait_field: "trait",
});

/// JavaScript's visibility rule.
pub const JAVASCRIPT_VISIBILITY: VisibilityRule = VisibilityRule::Export(ExportVisibility {
    private_name: "private_property_identifier",
    accessibility: None,
    export: "export_statement",
});

/// TypeScript's visibility rule (TSX's too).
pub const TYPESCRIPT_VISIBILITY: VisibilityRule = VisibilityRule::Export(ExportVisibility {
    private_name: "private_property_identifier",
    accessibility: Some("accessibility_modifier"),
    export: "export_statement",
});

/// C's visibility rule: `static` only.
pub const C_VISIBILITY: VisibilityRule = VisibilityRule::C(CVisibility {
    member_list: "field_declaration_list",
    access: None,
    class: None,
    storage: "storage_class_specifier",
});

/// C++'s visibility rule: `static`, and access sections in classes.
pub const CPP_VISIBILITY: VisibilityRule = VisibilityRule::C(CVisibility {
    member_list: "field_declaration_list",
    access: Some("access_specifier"),
    class: Some("class_specifier"),
    storage: "storage_class_specifier",
});

/// Ruby's visibility rule.
pub const RUBY_VISIBILITY: VisibilityRule = VisibilityRule::Ruby(RubyVisibility {
    arguments: "argument_list",
    method_field: "method",
    section: "identifier",
});

/// The syntax roles of one grammar's node kinds.
#[derive(Debug)]
pub struct Roles {
    /// Kinds that name something (identifiers); their text is the reference name. Treated as
    /// atomic even when the grammar gives them children (Bash `command_name`).
    pub identifiers: &'static [&'static str],
    /// Call nodes and where their callee is.
    pub calls: &'static [(&'static str, Selector)],
    /// Nodes that hold a definition's body when the grammar gives them no `body` field: a
    /// signature ends where one starts.
    pub bodies: &'static [&'static str],
    /// Values that are themselves functions: a signature continues into them
    /// (`const f = (a) =>`).
    pub function_values: &'static [&'static str],
    /// Member-access nodes (`a.b`, `A::b`) and where the member name is.
    pub members: &'static [(&'static str, Selector)],
    /// Nodes that bind a name, and where it is: an identifier right there is bound, not used
    /// (`logger = …` inside an `if`, a local `const x = …`), so it is no reference.
    pub bindings: &'static [(&'static str, Selector)],
    /// Nodes whose identifiers are imported names.
    pub imports: &'static [&'static str],
    /// Nodes whose identifier children are types (besides `*type_identifier` kinds and
    /// children in a `type` field, which always are).
    pub type_parents: &'static [&'static str],
    /// Unparsed macro arguments: an identifier followed by `( … )` there is a call.
    pub token_trees: &'static [&'static str],
    /// Definition node kind → kind, refining the query's coarse capture (`class` for a struct).
    pub kinds: &'static [(&'static str, SymbolKind)],
    /// (definition node kind, keyword child token, kind): Swift `struct`, Kotlin `interface`.
    pub keyword_kinds: &'static [(&'static str, &'static str, SymbolKind)],
    /// Captured node kind → ancestor kinds that are the real definition (C declarators).
    pub lift: &'static [(&'static str, &'static [&'static str])],
    /// Definition node kinds that only declare (C prototypes): dropped when the same file
    /// also defines the name.
    pub prototypes: &'static [&'static str],
    /// Non-definition nodes that give methods a container, and the field with its type name
    /// (Rust `impl` → `type`, Go method `receiver`, Swift `extension` → `name`).
    pub containers: &'static [(&'static str, &'static str)],
    /// A name whose parent is this kind takes its container from this field (C++ `Cart::total`).
    pub qualified: &'static [(&'static str, &'static str)],
}

use Selector::{Field, First, Last};
use SymbolKind as K;

/// Rust.
pub const RUST: Roles = Roles {
    bodies: &[
        "block",
        "declaration_list",
        "field_declaration_list",
        "enum_variant_list",
    ],
    function_values: &[],
    identifiers: &[
        "identifier",
        "type_identifier",
        "field_identifier",
        "shorthand_field_identifier",
    ],
    calls: &[
        ("call_expression", Field("function")),
        ("macro_invocation", Field("macro")),
    ],
    members: &[
        ("field_expression", Field("field")),
        ("scoped_identifier", Field("name")),
        ("scoped_type_identifier", Field("name")),
        ("generic_function", Field("function")),
    ],
    imports: &["use_declaration", "extern_crate_declaration"],
    type_parents: &[],
    token_trees: &["token_tree"],
    kinds: &[
        ("struct_item", K::Struct),
        ("union_item", K::Struct),
        ("enum_item", K::Enum),
        ("type_item", K::TypeAlias),
        ("trait_item", K::Trait),
    ],
    keyword_kinds: &[],
    lift: &[],
    prototypes: &[],
    containers: &[("impl_item", "type")],
    qualified: &[],
    bindings: &[],
};

/// Python.
pub const PYTHON: Roles = Roles {
    bodies: &["block"],
    function_values: &["lambda"],
    identifiers: &["identifier"],
    calls: &[("call", Field("function"))],
    members: &[("attribute", Field("attribute"))],
    imports: &[
        "import_statement",
        "import_from_statement",
        "future_import_statement",
    ],
    type_parents: &["type"],
    bindings: &[("assignment", Field("left"))],
    ..EMPTY
};

/// JavaScript.
pub const JAVASCRIPT: Roles = Roles {
    bodies: &["statement_block", "class_body"],
    function_values: &["arrow_function", "function_expression"],
    identifiers: &[
        "identifier",
        "property_identifier",
        "shorthand_property_identifier",
        "private_property_identifier",
    ],
    calls: &[
        ("call_expression", Field("function")),
        ("new_expression", Field("constructor")),
    ],
    members: &[("member_expression", Field("property"))],
    // `export { a } from "./m"` imports `a` as surely as an import statement does.
    imports: &["import_statement", "export_clause"],
    kinds: &[
        ("interface_declaration", K::Interface),
        ("type_alias_declaration", K::TypeAlias),
        ("enum_declaration", K::Enum),
        ("internal_module", K::Module),
    ],
    lift: &[(
        "variable_declarator",
        &["lexical_declaration", "variable_declaration"],
    )],
    bindings: &[
        ("variable_declarator", Field("name")),
        ("assignment_expression", Field("left")),
    ],
    ..EMPTY
};

/// TypeScript and TSX: JavaScript plus type names.
pub const TYPESCRIPT: Roles = Roles {
    bodies: &[
        "statement_block",
        "class_body",
        "enum_body",
        "interface_body",
    ],
    function_values: &["arrow_function", "function_expression"],
    identifiers: &[
        "identifier",
        "property_identifier",
        "shorthand_property_identifier",
        "private_property_identifier",
        "type_identifier",
    ],
    ..JAVASCRIPT
};

/// Go.
pub const GO: Roles = Roles {
    bodies: &["block", "field_declaration_list"],
    function_values: &[],
    identifiers: &[
        "identifier",
        "type_identifier",
        "field_identifier",
        "package_identifier",
    ],
    calls: &[("call_expression", Field("function"))],
    members: &[
        ("selector_expression", Field("field")),
        ("qualified_type", Field("name")),
    ],
    imports: &["import_declaration"],
    containers: &[("method_declaration", "receiver")],
    ..EMPTY
};

/// Java.
pub const JAVA: Roles = Roles {
    bodies: &["block", "class_body", "enum_body", "interface_body"],
    function_values: &[],
    identifiers: &["identifier", "type_identifier"],
    calls: &[
        ("method_invocation", Field("name")),
        ("object_creation_expression", Field("type")),
    ],
    members: &[("field_access", Field("field"))],
    imports: &["import_declaration"],
    kinds: &[
        ("enum_declaration", K::Enum),
        ("record_declaration", K::Struct),
        ("annotation_type_declaration", K::Interface),
    ],
    ..EMPTY
};

/// C.
pub const C: Roles = Roles {
    bodies: &[
        "compound_statement",
        "declaration_list",
        "field_declaration_list",
    ],
    function_values: &[],
    identifiers: &["identifier", "type_identifier", "field_identifier"],
    calls: &[("call_expression", Field("function"))],
    members: &[("field_expression", Field("field"))],
    imports: &["preproc_include"],
    kinds: &[
        ("struct_specifier", K::Struct),
        ("enum_specifier", K::Enum),
        ("type_definition", K::TypeAlias),
    ],
    lift: &[(
        "function_declarator",
        &["function_definition", "declaration", "field_declaration"],
    )],
    prototypes: &["declaration", "field_declaration"],
    ..EMPTY
};

/// C++.
pub const CPP: Roles = Roles {
    bodies: &[
        "compound_statement",
        "declaration_list",
        "field_declaration_list",
    ],
    function_values: &[],
    identifiers: &[
        "identifier",
        "type_identifier",
        "field_identifier",
        "namespace_identifier",
    ],
    calls: &[
        ("call_expression", Field("function")),
        ("new_expression", Field("type")),
    ],
    members: &[
        ("field_expression", Field("field")),
        ("qualified_identifier", Field("name")),
    ],
    kinds: &[
        ("struct_specifier", K::Struct),
        ("enum_specifier", K::Enum),
        ("type_definition", K::TypeAlias),
        ("class_specifier", K::Class),
        ("namespace_definition", K::Module),
    ],
    qualified: &[("qualified_identifier", "scope")],
    ..C
};

/// C#.
pub const CSHARP: Roles = Roles {
    bodies: &["block", "declaration_list"],
    function_values: &[],
    identifiers: &["identifier"],
    calls: &[
        ("invocation_expression", Field("function")),
        ("object_creation_expression", Field("type")),
    ],
    members: &[("member_access_expression", Field("name"))],
    imports: &["using_directive"],
    type_parents: &["generic_name", "base_list", "type_argument_list"],
    kinds: &[
        ("struct_declaration", K::Struct),
        ("record_declaration", K::Struct),
        ("enum_declaration", K::Enum),
        ("interface_declaration", K::Interface),
        ("file_scoped_namespace_declaration", K::Module),
        ("delegate_declaration", K::TypeAlias),
    ],
    ..EMPTY
};

/// Ruby.
pub const RUBY: Roles = Roles {
    bodies: &["block", "body_statement"],
    function_values: &["lambda"],
    identifiers: &["identifier", "constant"],
    calls: &[("call", Field("method"))],
    members: &[("scope_resolution", Field("name"))],
    kinds: &[("module", K::Module)],
    qualified: &[("scope_resolution", "scope")],
    ..EMPTY
};

/// PHP.
pub const PHP: Roles = Roles {
    bodies: &["compound_statement", "declaration_list"],
    function_values: &["arrow_function"],
    identifiers: &["name"],
    calls: &[
        ("function_call_expression", Field("function")),
        ("member_call_expression", Field("name")),
        ("nullsafe_member_call_expression", Field("name")),
        ("scoped_call_expression", Field("name")),
        ("object_creation_expression", First),
    ],
    members: &[
        ("member_access_expression", Field("name")),
        ("scoped_property_access_expression", Field("name")),
        ("class_constant_access_expression", Last),
        ("qualified_name", Last),
    ],
    imports: &["namespace_use_declaration"],
    type_parents: &["named_type"],
    kinds: &[
        ("trait_declaration", K::Trait),
        ("enum_declaration", K::Enum),
    ],
    ..EMPTY
};

/// Kotlin.
pub const KOTLIN: Roles = Roles {
    bodies: &["block", "class_body", "function_body", "enum_class_body"],
    function_values: &[],
    identifiers: &["identifier"],
    calls: &[("call_expression", First)],
    members: &[("navigation_expression", Last)],
    imports: &["import"],
    type_parents: &["user_type"],
    keyword_kinds: &[("class_declaration", "interface", K::Interface)],
    ..EMPTY
};

/// Swift.
pub const SWIFT: Roles = Roles {
    bodies: &[
        "class_body",
        "function_body",
        "protocol_body",
        "enum_class_body",
    ],
    function_values: &[],
    identifiers: &["simple_identifier", "type_identifier"],
    calls: &[("call_expression", First)],
    members: &[
        ("navigation_expression", Field("suffix")),
        ("navigation_suffix", Field("suffix")),
    ],
    imports: &["import_declaration"],
    keyword_kinds: &[
        ("class_declaration", "struct", K::Struct),
        ("class_declaration", "enum", K::Enum),
    ],
    containers: &[("class_declaration", "name")],
    ..EMPTY
};

/// Scala.
pub const SCALA: Roles = Roles {
    bodies: &["block", "enum_body", "template_body"],
    function_values: &[],
    identifiers: &["identifier", "type_identifier"],
    calls: &[
        ("call_expression", Field("function")),
        ("instance_expression", First),
    ],
    members: &[("field_expression", Field("field"))],
    imports: &["import_declaration"],
    ..EMPTY
};

/// Bash: command names are calls; variables are plain references.
pub const BASH: Roles = Roles {
    bodies: &["compound_statement"],
    function_values: &[],
    identifiers: &["command_name", "variable_name"],
    calls: &[("command", Field("name"))],
    ..EMPTY
};

/// No roles; the base the constants above fill in.
const EMPTY: Roles = Roles {
    bodies: &[],
    function_values: &[],
    identifiers: &[],
    calls: &[],
    members: &[],
    bindings: &[],
    imports: &[],
    type_parents: &[],
    token_trees: &[],
    kinds: &[],
    keyword_kinds: &[],
    lift: &[],
    prototypes: &[],
    containers: &[],
    qualified: &[],
};
