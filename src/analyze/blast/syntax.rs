//! What structural analysis knows about one version of one file: the symbols it defines and
//! the names it refers to. Produced by `outline` (tree-sitter), cached per blob, consumed by
//! symbol-change classification and by the dependents search.

use serde::{Deserialize, Serialize};

/// What a definition is.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum SymbolKind {
    /// A free function.
    Function,
    /// A function inside a class, impl, trait or interface.
    Method,
    /// A class.
    Class,
    /// A struct or record.
    Struct,
    /// An enum.
    Enum,
    /// A trait, protocol or mixin.
    Trait,
    /// An interface.
    Interface,
    /// A module, namespace, package object or object declaration.
    Module,
    /// A constant or static value.
    Constant,
    /// A type alias or typedef.
    TypeAlias,
    /// A macro.
    Macro,
}

impl SymbolKind {
    /// The word used in reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Function => "function",
            Self::Method => "method",
            Self::Class => "class",
            Self::Struct => "struct",
            Self::Enum => "enum",
            Self::Trait => "trait",
            Self::Interface => "interface",
            Self::Module => "module",
            Self::Constant => "constant",
            Self::TypeAlias => "type alias",
            Self::Macro => "macro",
        }
    }
}

/// Who can see a definition, by the language's own rules. Ordered from narrowest to widest,
/// so a smaller value after a change means visibility was reduced.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Visibility {
    /// Only the defining file, class or type (`private`, Python `_name`, Go lowercase).
    Private,
    /// The package, module, crate or subclasses (`pub(crate)`, `internal`, `protected`, default Java).
    Restricted,
    /// Anyone who can import it (`pub`, `export`, `public`, Go capitalised).
    Public,
}

/// One definition in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Definition {
    /// The defined name.
    pub name: String,
    /// What it is.
    pub kind: SymbolKind,
    /// The enclosing class, impl, trait or module name, for methods and nested items.
    pub container: Option<String>,
    /// First line (1-based).
    pub start_line: u32,
    /// Last line (1-based, inclusive).
    pub end_line: u32,
    /// The declaration up to its body (parameters, return type, generics), whitespace collapsed
    /// and comments removed; what callers depend on.
    pub signature: String,
    /// Visibility by the language's rules.
    pub visibility: Visibility,
    /// Hash of the definition's tokens without comments and whitespace, with its own name
    /// masked: equal before and after means the same code under any name (a rename).
    pub body_hash: u64,
}

impl Definition {
    /// `Container::name` or `name`, for reports.
    #[must_use]
    pub fn qualified_name(&self) -> String {
        match &self.container {
            Some(container) => format!("{container}::{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// How a name is used at a reference site, ordered from most to least specific (the
/// dependents search keeps the most specific use when a line has several).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ReferenceKind {
    /// Called: `name(…)`.
    Call,
    /// Used as a type.
    Type,
    /// Imported: `use`, `import`, `require`, `#include`.
    Import,
    /// Accessed as a member: `x.name`, `X::name`.
    Member,
    /// Any other identifier use in code (not in comments or strings).
    Other,
}

/// One use of a name in code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// The name used.
    pub name: String,
    /// Line (1-based).
    pub line: u32,
    /// How it is used.
    pub kind: ReferenceKind,
    /// Name of the innermost definition that contains the reference, if any; this is what the
    /// transitive reach follows.
    pub enclosing: Option<String>,
}

/// Definitions and references of one file version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outline {
    /// The language's registry name (`rust`, `python`, …).
    pub language: String,
    /// Definitions in source order.
    pub definitions: Vec<Definition>,
    /// References in source order, excluding comments and strings.
    pub references: Vec<Reference>,
    /// Hash of the whole file's tokens without comments and whitespace: equal before and after
    /// means a reformat or a comment-only edit.
    pub token_hash: u64,
    /// Share of the syntax tree in `ERROR` or `MISSING` nodes, in thousandths (0 – 1000).
    pub error_permille: u16,
}

/// Why a file was not analysed structurally; it then falls back to text-level facts and the
/// gap is counted as risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Unanalysed {
    /// No grammar for this kind of file.
    UnsupportedLanguage,
    /// Larger than the policy's analysis limit.
    TooLarge {
        /// Size in bytes.
        bytes: u64,
        /// The limit.
        limit: u64,
    },
    /// Parsing took longer than the per-file budget.
    Timeout {
        /// The budget in milliseconds.
        budget_ms: u64,
    },
    /// Too much of the file did not parse.
    TooManyErrors {
        /// Share of the tree in error nodes, in percent.
        percent: u32,
    },
    /// Minified, generated, vendored or a lockfile: counted, not parsed symbol by symbol.
    Generated {
        /// What gave it away.
        why: String,
    },
    /// Binary content.
    Binary,
    /// The content of one side is not available (e.g. a unified diff read from text).
    NoContent,
    /// The analysis of this file panicked; the message is kept for a bug report.
    Failed {
        /// What went wrong.
        message: String,
    },
}

impl Unanalysed {
    /// A short phrase for reports ("parse timeout after 200 ms").
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::UnsupportedLanguage => "no grammar for this kind of file".to_string(),
            Self::TooLarge { bytes, limit } => {
                format!("{bytes} bytes is over the {limit}-byte analysis limit")
            }
            Self::Timeout { budget_ms } => format!("parsing took longer than {budget_ms} ms"),
            Self::TooManyErrors { percent } => format!("{percent}% of the file did not parse"),
            Self::Generated { why } => format!("generated or minified ({why})"),
            Self::Binary => "binary content".to_string(),
            Self::NoContent => {
                "file content not available (diff text without the repository)".to_string()
            }
            Self::Failed { message } => format!("analysis failed: {message}"),
        }
    }
}
