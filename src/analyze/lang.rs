//! The language registry: file names, extensions and shebangs → grammar, queries and the
//! syntax roles the outline needs (which nodes are identifiers, calls, imports, comments…).
//!
//! The registry is one table of data ([`LANGUAGES`], rows in `table.rs`, roles in
//! `roles.rs`); adding a language is one row, one roles constant and, when its grammar ships no
//! tags query, one `.scm` file under `queries/`. Queries are compiled once per language, on
//! first use, and shared by all threads.

mod compiled;
mod config;
mod kind;
mod roles;
mod starts;
mod table;

use std::sync::OnceLock;

pub use compiled::{Compiled, Definitions, Resolved, Role};
pub use config::{CONFIG_LANGUAGES, ConfigLanguage, config_for_path, parse_config};
pub use kind::{KindNames, kind_of};
pub use roles::{
    CVisibility, ExportVisibility, Roles, RubyVisibility, RustVisibility, Selector, VisibilityRule,
};

/// One row of the registry.
#[derive(Debug)]
pub struct Language {
    /// Registry name, e.g. `rust`.
    pub name: &'static str,
    /// Languages that can refer to each other's symbols share a family (`javascript` for JS,
    /// TS and TSX; `c` for C and C++).
    pub family: &'static str,
    /// File extensions without the dot, lower case (matched case-insensitively).
    pub extensions: &'static [&'static str],
    /// Whole file names (`Rakefile`), matched exactly.
    pub file_names: &'static [&'static str],
    /// Interpreter names after `#!` (`python3`), directly or through `env`.
    pub shebangs: &'static [&'static str],
    /// The grammar.
    pub grammar: fn() -> tree_sitter::Language,
    /// The grammars' own tags queries (`TAGS_QUERY` of the crates; TypeScript uses
    /// JavaScript's and its own), empty when a crate ships none or its captures are unusable.
    /// Only their `@definition.*` patterns are used.
    pub tags_queries: &'static [&'static str],
    /// Our own `@definition.*` patterns (`queries/*.scm`), appended to the tags queries;
    /// where both capture the same name, ours refines the grammar's (Go `type` → struct).
    pub extra_queries: &'static [&'static str],
    /// Which node kinds play which part (identifiers, calls, imports…).
    pub roles: &'static Roles,
    /// How this language decides who can see a definition.
    pub visibility: VisibilityRule,
    /// The compiled query and per-kind tables, built on first use.
    compiled: OnceLock<Result<Compiled, String>>,
}

impl Language {
    /// The compiled query and node-kind tables, built once per process. An `Err` means the
    /// row is broken (a query that does not match its grammar); the registry test catches that.
    pub fn compiled(&'static self) -> Result<&'static Compiled, &'static str> {
        self.compiled
            .get_or_init(|| Compiled::build(self))
            .as_ref()
            .map_err(String::as_str)
    }
}

/// Every supported language.
pub static LANGUAGES: &[Language] = &table::TABLE;

/// The language of `path`: by exact file name, then extension (case-insensitive), then the
/// interpreter on a `#!` first line (`#!/bin/sh`, `#!/usr/bin/env python3`).
#[must_use]
pub fn for_path(path: &str, first_line: &[u8]) -> Option<&'static Language> {
    let file_name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    if let Some(language) = LANGUAGES
        .iter()
        .find(|language| language.file_names.contains(&file_name))
    {
        return Some(language);
    }
    if let Some((stem, extension)) = file_name.rsplit_once('.')
        && !stem.is_empty()
        && let Some(language) = LANGUAGES.iter().find(|language| {
            language
                .extensions
                .iter()
                .any(|known| known.eq_ignore_ascii_case(extension))
        })
    {
        return Some(language);
    }
    let interpreter = shebang_interpreter(first_line)?;
    LANGUAGES
        .iter()
        .find(|language| language.shebangs.contains(&interpreter))
}

/// The interpreter named by a `#!` line: the program's base name, or the first argument of
/// `env` (skipping `env`'s own `-S`-style options).
fn shebang_interpreter(first_line: &[u8]) -> Option<&str> {
    let line = first_line.strip_prefix(b"#!")?;
    let line = line.split(|&byte| byte == b'\n').next().unwrap_or(line);
    let line = std::str::from_utf8(line).ok()?;
    let mut words = line.split_whitespace();
    let program = words.next()?.rsplit('/').next()?;
    if program == "env" {
        return words
            .find(|word| !word.starts_with('-') && !word.contains('='))
            .and_then(|word| word.rsplit('/').next());
    }
    Some(program)
}

/// File name endings of declaration-only files: they describe a module's types and hold none
/// of its code, so no import finds code there at run time.
const DECLARATIONS_ONLY: &[(&str, &str)] = &[
    // PEP 484, "Stub Files": https://peps.python.org/pep-0484/#stub-files
    (".pyi", "https://peps.python.org/pep-0484/#stub-files"),
    // TypeScript handbook, "Declaration Reference"
    (
        ".d.ts",
        "https://www.typescriptlang.org/docs/handbook/declaration-files/introduction.html",
    ),
    (
        ".d.mts",
        "https://www.typescriptlang.org/docs/handbook/modules/reference.html",
    ),
    (
        ".d.cts",
        "https://www.typescriptlang.org/docs/handbook/modules/reference.html",
    ),
];

/// Whether the file at `path` only declares types (a Python stub, a TypeScript `.d.ts`).
#[must_use]
pub fn declares_only(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    DECLARATIONS_ONLY
        .iter()
        .any(|(ending, _)| lower.ends_with(ending))
}

/// The language registered as `name`.
#[must_use]
pub fn by_name(name: &str) -> Option<&'static Language> {
    LANGUAGES.iter().find(|language| language.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stubs and declaration files only declare; their modules' code files do not, and each
    /// row names its source.
    #[test]
    fn declaration_only_files() {
        for path in [
            "shop/billing.pyi",
            "src/types.d.ts",
            "lib/x.D.MTS",
            "a/b.d.cts",
        ] {
            assert!(declares_only(path), "{path}");
        }
        for path in [
            "shop/billing.py",
            "src/types.ts",
            "src/d.ts/index.js",
            "a/bd.ts",
        ] {
            assert!(!declares_only(path), "{path}");
        }
        assert!(
            DECLARATIONS_ONLY
                .iter()
                .all(|(_, source)| source.starts_with("https://"))
        );
    }

    /// File names win over extensions, extensions ignore case, shebangs work directly and
    /// through `env`, and unknown files have no language.
    #[test]
    fn for_path_table() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("src/main.rs", "", Some("rust")),
            ("a/b/script.PY", "", Some("python")),
            ("web/app.mjs", "", Some("javascript")),
            ("web/app.cjs", "", Some("javascript")),
            ("web/App.jsx", "", Some("javascript")),
            ("web/app.ts", "", Some("typescript")),
            ("web/App.tsx", "", Some("tsx")),
            ("cmd/main.go", "", Some("go")),
            ("Main.java", "", Some("java")),
            ("lib/x.c", "", Some("c")),
            ("lib/x.h", "", Some("c")),
            ("lib/x.cc", "", Some("cpp")),
            ("lib/x.hpp", "", Some("cpp")),
            ("lib/x.CXX", "", Some("cpp")),
            ("Program.cs", "", Some("csharp")),
            ("lib/x.rb", "", Some("ruby")),
            ("Rakefile", "", Some("ruby")),
            ("sub/Gemfile", "", Some("ruby")),
            ("index.php", "", Some("php")),
            ("Main.kt", "", Some("kotlin")),
            ("build.gradle.kts", "", Some("kotlin")),
            ("App.swift", "", Some("swift")),
            ("Main.scala", "", Some("scala")),
            ("worksheet.sc", "", Some("scala")),
            ("run.sh", "", Some("bash")),
            ("run.bash", "", Some("bash")),
            ("bin/tool", "#!/bin/sh\n", Some("bash")),
            ("bin/tool", "#!/usr/bin/env bash", Some("bash")),
            (
                "bin/tool",
                "#!/usr/bin/env python3\nimport os",
                Some("python"),
            ),
            (
                "bin/tool",
                "#!/usr/bin/env -S node --harmony",
                Some("javascript"),
            ),
            ("bin/tool", "#!/usr/bin/ruby -w", Some("ruby")),
            ("bin/tool", "#!/usr/bin/env zsh", None),
            ("bin/tool", "", None),
            ("README.md", "", None),
            (".rs", "", None),
            ("Makefile", "", None),
        ];
        for (path, first_line, expected) in cases {
            let found = for_path(path, first_line.as_bytes()).map(|language| language.name);
            assert_eq!(found, *expected, "{path} {first_line:?}");
        }
    }

    /// Families group languages that can reference each other's symbols.
    #[test]
    fn families() {
        let family = |name| by_name(name).map(|language| language.family);
        assert_eq!(family("tsx"), Some("javascript"));
        assert_eq!(family("typescript"), Some("javascript"));
        assert_eq!(family("cpp"), Some("c"));
        assert_eq!(family("go"), Some("go"));
        assert!(by_name("cobol").is_none());
    }

    /// Every row's grammar loads and its queries compile against it, names are unique, and no
    /// extension or file name is claimed twice.
    #[test]
    fn every_row_compiles() {
        let mut names = std::collections::HashSet::new();
        let mut keys = std::collections::HashSet::new();
        for language in LANGUAGES {
            assert!(names.insert(language.name), "duplicate {}", language.name);
            if let Err(error) = language.compiled().and_then(Compiled::definitions) {
                panic!("{}: {error}", language.name);
            }
            for key in language.extensions.iter().chain(language.file_names) {
                assert!(keys.insert(key), "{key} claimed twice");
            }
        }
        assert!(LANGUAGES.len() >= 16);
    }
}
