//! Namespaces: whether a file can see a free symbol at all, by the language's own lookup rules.
//!
//! A same-named function in another Go package, Python module or Java package is a different
//! symbol; its callers are neither dependents nor dangling references of the changed one. One
//! table row per language ([`ROWS`]) says what a file's namespace is (its package, or the file
//! itself), how its imports are read and how a qualified use is written. A file may refer to a
//! target when it sits in the target's namespace, imports the name or the module from it (or
//! from an enclosing module that may re-export it), or spells the qualified path.
//!
//! Imports are read from the file's text with comments blanked out. Where the language cannot
//! be decided from one file (wildcard imports, dynamic imports), the file keeps counting
//! (fail closed) and is reported as [`Resolution::Undecided`]. Languages without a row
//! (C, C++, Ruby, PHP, Swift, Scala, shell) keep the plain name-based search, and so do methods
//! (targets with a container), which the container rule in `confirm` already narrows.

mod kept;
mod read;

use std::sync::OnceLock;

use git2::Oid;

use crate::analyze::blast::cache::Cache;
use crate::analyze::blast::cache::derived;

/// Where a file sits, in the terms its language uses to find names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Home {
    /// Module or package path: directories for Go, the dotted package for Java, Kotlin and
    /// C#, the module path for Rust and Python, the file path without extension for JS/TS.
    pub segments: Vec<String>,
    /// Go: the declared package name (the default qualifier). Rust: the crate's name, empty
    /// when the crate is at the repository root and its name is not known from the path.
    pub package: Option<String>,
    /// JS/TS: the file imports and exports nothing, so it is a classic script whose top-level
    /// names are globals any file may use.
    pub global: bool,
}

/// What one import statement brings into a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Binds {
    /// These names (as exported by the module; aliases are not followed).
    Names(Vec<String>),
    /// The module itself, used as `qualifier.name`; `None` is Go's default, the package name.
    Module(Option<String>),
    /// Everything the module exports: `*`, `import .`, `using`.
    Everything,
}

/// One import, its module path resolved as far as the file alone allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Import {
    /// Rust: the crate named by the path (`crate` resolved to the file's own crate).
    pub(crate) package: Option<String>,
    /// The module path, relative imports resolved against the importing file.
    pub(crate) path: Vec<String>,
    pub(crate) binds: Binds,
}

/// What a file's own text says about its namespace and imports.
#[derive(Debug, Clone, Default)]
pub struct FileScope {
    pub(crate) home: Home,
    pub(crate) imports: Vec<Import>,
    /// The file imports modules by computed names (`importlib`, `require(variable)`).
    pub(crate) dynamic: bool,
    /// The text with comments blanked, for qualified uses (`pkg.Name`): set by the reader,
    /// or made from the file's bytes on first need when the rest was kept ([`FileScope::code`]).
    pub(crate) code: OnceLock<String>,
}

impl FileScope {
    /// The text with comments blanked; `bytes` must be the file the scope was read from.
    pub(crate) fn code(&self, family: &str, bytes: &[u8]) -> &str {
        self.code
            .get_or_init(|| read::blank_comments(&String::from_utf8_lossy(bytes), family))
    }
}

/// What counts as the same namespace: there, names are visible without an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    /// Only the file itself (Python, JS/TS, Rust modules).
    File,
    /// Every file with the same package path (Go, Java, Kotlin).
    Package,
    /// The same namespace or one nested in it (C#).
    NestedNamespace,
}

/// How a language's package name (the part of a home above its module path) is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PackageName {
    /// The language has none besides the path.
    None,
    /// Declared in each file's text (Go's `package` clause).
    Declared,
    /// Guessed from the path (Rust: the crate's directory, where `Cargo.toml` and a
    /// dependency's `package =` key may name it otherwise): whether a definition that moved
    /// to another package is still found under the old name cannot be told.
    FromPath,
}

/// How an import's module path is compared with a target's home.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PathMatch {
    /// Both are absolute in the same space.
    Exact,
    /// The import is written from an unknown root (Python `sys.path`, JS path aliases): it
    /// matches when it is a suffix of the home.
    Suffix,
    /// The home is a path inside the repository and the import starts with a module path the
    /// repository does not spell (Go's `example.com/m/`): the home is a suffix of the import.
    Tail,
}

/// One language's lookup rules.
pub(crate) struct Row {
    /// Language family (`Language::family`).
    pub(crate) family: &'static str,
    unit: Unit,
    paths: PathMatch,
    /// Separator of a qualified use: `pkg.Name`, `module::name`.
    qualifier: &'static str,
    /// A fully qualified path may be written in code without importing it.
    inline_paths: bool,
    /// A wildcard import of the target's module brings exactly its exported names (Go `.`,
    /// Java `.*`, C# `using`, Rust `::*`); in Python and JS it depends on the module's text.
    globs_decided: bool,
    /// Modules can re-export names (`__init__.py`, `index.ts`, `pub use`): a name imported from
    /// an enclosing module may be the target.
    reexports: bool,
    /// How the package name in a [`Home`] is known.
    package: PackageName,
    /// Files whose definitions every file below their directory sees without an import
    /// (pytest's `conftest.py` fixtures: docs.pytest.org/en/stable/reference/fixtures.html).
    ambient: &'static [&'static str],
    /// Reads a file's namespace and imports from its path and comment-free text.
    read: fn(&str, String) -> FileScope,
    /// The language reference this row follows.
    #[cfg_attr(not(test), expect(dead_code, reason = "read by the table test only"))]
    pub(crate) source: &'static str,
}

/// The languages whose namespaces are resolved.
pub(crate) static ROWS: &[Row] = &[
    Row {
        family: "go",
        unit: Unit::Package,
        paths: PathMatch::Tail,
        qualifier: ".",
        inline_paths: false,
        globs_decided: true,
        reexports: false,
        package: PackageName::Declared,
        ambient: &[],
        read: read::go,
        source: "https://go.dev/ref/spec#Packages",
    },
    Row {
        family: "python",
        unit: Unit::File,
        paths: PathMatch::Suffix,
        qualifier: ".",
        inline_paths: false,
        globs_decided: false,
        reexports: true,
        package: PackageName::None,
        ambient: &["conftest.py"],
        read: read::python,
        source: "https://docs.python.org/3/reference/import.html",
    },
    Row {
        family: "javascript",
        unit: Unit::File,
        paths: PathMatch::Suffix,
        qualifier: ".",
        inline_paths: false,
        globs_decided: false,
        reexports: true,
        package: PackageName::None,
        ambient: &[],
        read: read::javascript,
        source: "https://tc39.es/ecma262/#sec-imports",
    },
    Row {
        family: "rust",
        unit: Unit::File,
        paths: PathMatch::Exact,
        qualifier: "::",
        inline_paths: false,
        globs_decided: true,
        reexports: true,
        package: PackageName::FromPath,
        ambient: &[],
        read: read::rust,
        source: "https://doc.rust-lang.org/reference/items/use-declarations.html",
    },
    Row {
        family: "java",
        unit: Unit::Package,
        paths: PathMatch::Exact,
        qualifier: ".",
        inline_paths: true,
        globs_decided: true,
        reexports: false,
        package: PackageName::None,
        ambient: &[],
        read: read::java,
        source: "https://docs.oracle.com/javase/specs/jls/se21/html/jls-7.html",
    },
    Row {
        family: "kotlin",
        unit: Unit::Package,
        paths: PathMatch::Exact,
        qualifier: ".",
        inline_paths: true,
        globs_decided: true,
        reexports: false,
        package: PackageName::None,
        ambient: &[],
        read: read::java,
        source: "https://kotlinlang.org/docs/packages.html",
    },
    Row {
        family: "csharp",
        unit: Unit::NestedNamespace,
        paths: PathMatch::Exact,
        qualifier: ".",
        inline_paths: true,
        globs_decided: true,
        reexports: false,
        package: PackageName::None,
        ambient: &[],
        read: read::csharp,
        source: "https://learn.microsoft.com/dotnet/csharp/language-reference/keywords/using-directive",
    },
];

/// The row of `family`, if its namespaces are resolved.
pub(crate) fn row(family: &str) -> Option<&'static Row> {
    ROWS.iter().find(|row| row.family == family)
}

/// Reads the scope of the file at `path` in `family`; `None` when the family has no row.
#[must_use]
pub fn scope(family: &str, path: &str, bytes: &[u8]) -> Option<FileScope> {
    let row = row(family)?;
    let text = String::from_utf8_lossy(bytes);
    Some((row.read)(path, read::blank_comments(&text, family)))
}

/// [`scope`] of blob `oid` (whose content `bytes()` gives, asked only on a miss), kept in
/// `cache`: a dependents search reads the imports of every candidate file, a third of a warm
/// check's time before. The blanked text is not kept; [`FileScope::code`] makes it again when a
/// qualified use is looked for. `None` without a row, or when `bytes()` has none to give.
#[must_use]
pub fn scope_kept<'b>(
    family: &str,
    path: &str,
    oid: Oid,
    bytes: impl FnOnce() -> Option<&'b [u8]>,
    cache: &Cache,
) -> Option<FileScope> {
    row(family)?;
    // The home comes from the path, the imports from the content.
    let digest = derived::digest(&[family.as_bytes(), path.as_bytes(), oid.as_bytes()]);
    cache
        .derived(&digest, || {
            bytes()
                .and_then(|bytes| scope(family, path, bytes))
                .ok_or(())
        })
        .ok()
}

/// Whether the file `bytes` (at `path`) imports `home` for every file of its project, like C#'s
/// `global using N;`: then namespaces do not narrow that target's users.
#[must_use]
pub fn imported_everywhere(family: &str, home: &Home, path: &str, bytes: &[u8]) -> bool {
    const GLOBAL: &[u8] = b"global using";
    if family != "csharp" || memchr::memmem::find(bytes, GLOBAL).is_none() {
        return false;
    }
    scope(family, path, bytes).is_some_and(|scope| {
        scope.code(family, bytes).lines().any(|line| {
            line.trim_start().starts_with("global using")
                && read::csharp(path, line.to_string())
                    .imports
                    .iter()
                    .any(|import| import.path == home.segments)
        })
    })
}

/// Whether a file may refer to a target, and how sure that is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Resolution {
    /// The file is in the target's namespace, imports it or qualifies it.
    Resolved,
    /// The file imports the name only from an enclosing module, which may re-export it
    /// (`__init__.py`, an `index.ts` barrel, `pub use`): counted like [`Resolution::Resolved`];
    /// it stops mattering when the name moves and the enclosing module follows it.
    Reexported,
    /// Only a wildcard or dynamic import could bring the name in: counted, but not decided.
    Undecided,
    /// The name there is some other symbol.
    Unrelated,
}

/// Whether the file at `path` (its `scope`, read from the bytes `bytes()` gives, asked only
/// when a qualified use must be looked for) can see the free symbol `name` defined in the file
/// `defined_in` whose namespace is `home`.
#[must_use]
pub fn resolve<'b>(
    family: &str,
    home: &Home,
    defined_in: &str,
    name: &str,
    path: &str,
    (scope, bytes): (&FileScope, &dyn Fn() -> &'b [u8]),
) -> Resolution {
    let Some(row) = row(family) else {
        return Resolution::Resolved;
    };
    if path == defined_in || same_unit(row.unit, home, &scope.home) {
        return Resolution::Resolved;
    }
    let (dir, file) = defined_in.rsplit_once('/').unwrap_or(("", defined_in));
    if row.ambient.contains(&file) && (dir.is_empty() || path.starts_with(&format!("{dir}/"))) {
        return Resolution::Resolved;
    }
    let qualified = |qualifier: &str| {
        uses_qualified(scope.code(family, bytes()), qualifier, row.qualifier, name)
    };
    let mut undecided = scope.dynamic;
    let mut reexported = false;
    for import in &scope.imports {
        if !same_package(import.package.as_ref(), home.package.as_ref(), family) {
            continue;
        }
        let at_home = matches(row.paths, &import.path, &home.segments);
        // The name imported from an enclosing module, which may re-export it (`__init__.py`,
        // an `index.ts` barrel, `pub use` in `lib.rs`).
        let enclosing = row.reexports && encloses(row.paths, &import.path, &home.segments);
        match &import.binds {
            Binds::Names(names) => {
                if names.iter().any(|n| n == name) {
                    if at_home {
                        return Resolution::Resolved;
                    }
                    reexported |= enclosing;
                }
                // `from pkg import module` then `module.name`.
                for module in names {
                    if matches_joined(row.paths, &import.path, module, &home.segments)
                        && qualified(module)
                    {
                        return Resolution::Resolved;
                    }
                }
            }
            Binds::Module(alias) if at_home => {
                let default = home
                    .package
                    .as_deref()
                    .or(home.segments.last().map(String::as_str));
                if alias.as_deref().or(default).is_some_and(qualified) {
                    return Resolution::Resolved;
                }
            }
            Binds::Module(_) => {}
            Binds::Everything if at_home && row.globs_decided => return Resolution::Resolved,
            Binds::Everything => undecided |= at_home || enclosing,
        }
    }
    // `com.shop.Cart`, `Shop.Core.Cart` written out (Rust paths are read as imports).
    if row.inline_paths
        && let Some(module) = home.segments.last()
        && qualified(module)
    {
        return Resolution::Resolved;
    }
    if reexported {
        return Resolution::Reexported;
    }
    // A classic script's names are globals: which file uses them cannot be told by imports.
    if undecided || home.global {
        Resolution::Undecided
    } else {
        Resolution::Unrelated
    }
}

/// Whether two files share one namespace in `family` (one Go or Java package, one C#
/// namespace); always false where the namespace is the file itself.
#[must_use]
pub fn same_namespace(family: &str, home: &Home, other: &Home) -> bool {
    row(family).is_some_and(|row| row.unit != Unit::File && home == other)
}

/// Whether two files are one module where a module is a file: one replaced the other
/// (`types.py` become `types/__init__.py`, `foo.rs` become `foo/mod.rs`).
#[must_use]
pub fn same_module(family: &str, home: &Home, other: &Home) -> bool {
    row(family).is_some_and(|row| row.unit == Unit::File && home == other)
}

/// Whether a definition that was at `home` and is now at `other` left its namespace, so that
/// files which found it by importing the old one no longer do: false for languages without a
/// row, for classic scripts, whose names are global, and across packages whose names are
/// only guessed.
#[must_use]
pub fn moved_away(family: &str, home: &Home, other: &Home) -> bool {
    row(family)
        .is_some_and(|row| row.package != PackageName::FromPath || home.package == other.package)
        && !home.global
        && !other.global
        && home != other
}

fn same_unit(unit: Unit, home: &Home, other: &Home) -> bool {
    match unit {
        Unit::File => false,
        Unit::Package => home == other,
        Unit::NestedNamespace => other.segments.starts_with(&home.segments),
    }
}

/// Rust imports name a crate; an unknown crate name on the target's side (a crate at the
/// repository root) matches any.
fn same_package(import: Option<&String>, home: Option<&String>, family: &str) -> bool {
    if family != "rust" {
        return true;
    }
    match (import, home) {
        (Some(import), Some(home)) => home.is_empty() || import == home,
        _ => true,
    }
}

fn matches(how: PathMatch, path: &[String], home: &[String]) -> bool {
    match how {
        PathMatch::Exact => path == home,
        PathMatch::Suffix => !path.is_empty() && home.ends_with(path),
        // A package at the repository root is imported by the bare module path, which only
        // go.mod spells: any import may be it (the qualifier is still checked).
        PathMatch::Tail => path.ends_with(home),
    }
}

/// [`matches`] for the path `path` followed by `last`, without building it: this runs for
/// every name every candidate imports.
fn matches_joined(how: PathMatch, path: &[String], last: &str, home: &[String]) -> bool {
    match how {
        PathMatch::Exact => {
            home.len() == path.len() + 1 && home[..path.len()] == *path && home[path.len()] == last
        }
        PathMatch::Suffix => home
            .split_last()
            .is_some_and(|(tail, rest)| tail == last && rest.ends_with(path)),
        PathMatch::Tail => match home.split_last() {
            None => true,
            Some((tail, rest)) => tail == last && path.ends_with(rest),
        },
    }
}

/// `path` names a module strictly enclosing `home` (for Suffix paths: some suffix of a prefix).
fn encloses(how: PathMatch, path: &[String], home: &[String]) -> bool {
    (0..home.len()).any(|cut| matches(how, path, &home[..cut]))
}

/// `code` contains `module<sep>name` with `module` starting a word (`a.b.name` for `a.b`).
fn uses_qualified(code: &str, module: &str, separator: &str, name: &str) -> bool {
    let needle = format!("{module}{separator}{name}");
    // memchr's searcher, not `str::match_indices`: this runs over whole files, once per
    // candidate and qualifier. Matches of a UTF-8 needle start and end on character bounds.
    memchr::memmem::find_iter(code.as_bytes(), needle.as_bytes()).any(|at| {
        let before = code[..at].chars().next_back();
        let after = code[at + needle.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

#[cfg(test)]
mod tests;
