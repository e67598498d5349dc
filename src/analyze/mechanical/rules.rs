//! What formatters change, per language: data only; `tokens` interprets it. Node kinds come
//! from each grammar's `node-types.json`. A language without a row still gets the defaults
//! every row shares: whitespace, comments, trailing commas and redundant parentheses.

/// Which children of a container are a list whose order carries no meaning.
#[derive(Debug, Clone, Copy)]
pub(super) enum Items {
    /// Children of this kind (Go `import_spec` in an `import_spec_list`).
    Kind(&'static str),
    /// Children in this field (Python `from m import b, a`: the `name` field).
    Field(&'static str),
    /// Every named child (Rust `use a::{c, b}`).
    Named,
}

/// A container whose items a formatter may sort, and the punctuation it may add or drop
/// around them (black wraps a long `from m import …` in parentheses).
#[derive(Debug, Clone, Copy)]
pub(super) struct SortedList {
    /// The container's node kind.
    pub container: &'static str,
    /// Its sortable items.
    pub items: Items,
    /// Anonymous children dropped inside it.
    pub punctuation: &'static [&'static str],
}

/// The normalisations one language allows beyond the defaults.
#[derive(Debug)]
pub(super) struct Rules {
    /// Registry name (`lang::LANGUAGES` or `lang::CONFIG_LANGUAGES`).
    pub language: &'static str,
    /// `'x'` and `"x"` mean the same (same escapes): quote leaves inside strings are unified.
    pub quotes: bool,
    /// Statement kinds whose consecutive runs an import sorter may reorder.
    pub imports: &'static [&'static str],
    /// Nodes that belong to the statement after them (Rust attributes): an import right after
    /// one is never reordered.
    pub attached: &'static [&'static str],
    /// Lists inside one statement that an import sorter may reorder.
    pub lists: &'static [SortedList],
    /// Anonymous leaves dropped when they end their parent (JS `;`: prettier adds them where
    /// automatic semicolon insertion already ends the statement; the tree shape is kept).
    pub terminators: &'static [&'static str],
    /// Named leaves that are layout, not code (Python's `\` line continuation).
    pub layout: &'static [&'static str],
    /// Keyword kinds compare case-insensitively (SQL `SELECT` = `select`): kinds with this prefix.
    pub keyword_prefix: Option<&'static str>,
    /// YAML: `'x'` and `"x"` scalars are the same when neither escapes anything, and block
    /// scalars re-indented as a whole keep their value.
    pub yaml_scalars: bool,
    /// Docstrings (Python): black re-indents them and strips their lines' outer whitespace;
    /// their text is compared line by line, trimmed.
    pub docstrings: Option<Docstrings>,
}

/// Where a language's docstrings sit: a statement holding only a string, first in a body.
#[derive(Debug, Clone, Copy)]
pub(super) struct Docstrings {
    /// The statement kind around the lone string.
    pub statement: &'static str,
    /// The string's kind.
    pub string: &'static str,
    /// Bodies whose first statement it must be (module, class or function body).
    pub bodies: &'static [&'static str],
}

const NONE: Rules = Rules {
    language: "",
    quotes: false,
    imports: &[],
    attached: &[],
    lists: &[],
    terminators: &[],
    layout: &[],
    keyword_prefix: None,
    yaml_scalars: false,
    docstrings: None,
};

/// Wrapped-in-parentheses expressions: the tree's shape already says what binds to what, so
/// parentheses that change nothing can go (`if (x)` in Go, black's wrapping).
pub(super) const PARENTHESISED: &[&str] = &["parenthesized_expression"];

const JS_LISTS: &[SortedList] = &[SortedList {
    container: "named_imports",
    items: Items::Kind("import_specifier"),
    punctuation: &[","],
}];

/// The rows. Sources: black (quotes, trailing commas, parentheses; isort/ruff for import
/// order), prettier (quotes, semicolons, trailing commas), gofmt/goimports (import specs
/// sorted), rustfmt (`use` sorted, also inside `{…}`), google-java-format, ktlint and
/// `dotnet format` (import/using order), `terraform fmt`, sqlfluff (keyword case), yamlfmt.
pub(super) static RULES: &[Rules] = &[
    Rules {
        language: "python",
        quotes: true,
        imports: &["import_statement", "import_from_statement"],
        lists: &[SortedList {
            container: "import_from_statement",
            items: Items::Field("name"),
            punctuation: &[",", "(", ")"],
        }],
        layout: &["line_continuation"],
        docstrings: Some(Docstrings {
            statement: "expression_statement",
            string: "string",
            bodies: &["module", "block"],
        }),
        ..NONE
    },
    Rules {
        language: "javascript",
        quotes: true,
        imports: &["import_statement"],
        lists: JS_LISTS,
        terminators: &[";"],
        ..NONE
    },
    Rules {
        language: "typescript",
        quotes: true,
        imports: &["import_statement"],
        lists: JS_LISTS,
        terminators: &[";"],
        ..NONE
    },
    Rules {
        language: "tsx",
        quotes: true,
        imports: &["import_statement"],
        lists: JS_LISTS,
        terminators: &[";"],
        ..NONE
    },
    Rules {
        language: "go",
        imports: &["import_declaration"],
        lists: &[SortedList {
            container: "import_spec_list",
            items: Items::Kind("import_spec"),
            punctuation: &[],
        }],
        ..NONE
    },
    Rules {
        language: "rust",
        imports: &["use_declaration"],
        attached: &["attribute_item"],
        lists: &[SortedList {
            container: "use_list",
            items: Items::Named,
            punctuation: &[","],
        }],
        ..NONE
    },
    Rules {
        language: "java",
        imports: &["import_declaration"],
        ..NONE
    },
    Rules {
        language: "kotlin",
        imports: &["import"],
        ..NONE
    },
    Rules {
        language: "csharp",
        imports: &["using_directive"],
        ..NONE
    },
    Rules {
        language: "sql",
        keyword_prefix: Some("keyword_"),
        ..NONE
    },
    Rules {
        language: "yaml",
        yaml_scalars: true,
        ..NONE
    },
];

/// The rules for `language`, or the defaults.
pub(super) fn for_language(language: &str) -> &'static Rules {
    RULES
        .iter()
        .find(|rules| rules.language == language)
        .unwrap_or(&NONE)
}

/// Comments that tools read: a change to one is a change to what the code does, so they stay
/// in the compared stream. Each row: a marker, where in the comment it counts, and who reads
/// it. Tools read their markers where a comment (or a line of one) opens, so prose that merely
/// contains one (a doc comment on the OAuth `grant-type:jwt-bearer`) is no pragma.
pub(super) const PRAGMAS: &[(&str, Anchor, &str)] = &[
    (
        "go:",
        Anchor::Opening,
        "Go directives //go:build, //go:embed, //go:generate (go.dev/doc/comment#directives)",
    ),
    (
        "+build",
        Anchor::Opening,
        "Go build constraints, old syntax (pkg.go.dev/cmd/go#hdr-Build_constraints)",
    ),
    (
        "#!",
        Anchor::Opening,
        "shebang: the interpreter that runs the file (execve(2))",
    ),
    (
        "coding",
        Anchor::Opening,
        "Python source encoding declaration (PEP 263)",
    ),
    ("type:", Anchor::Opening, "Python type comments (PEP 484)"),
    (
        "noqa",
        Anchor::Opening,
        "flake8 and ruff suppressions (docs.astral.sh/ruff)",
    ),
    ("pragma", Anchor::Opening, "coverage.py and pylint pragmas"),
    ("pylint:", Anchor::Opening, "pylint message control"),
    (
        "eslint",
        Anchor::Opening,
        "ESLint configuration comments (eslint.org/docs/latest/use/configure/rules)",
    ),
    (
        "@ts-",
        Anchor::Opening,
        "TypeScript @ts-ignore / @ts-expect-error / @ts-nocheck",
    ),
    ("nosec", Anchor::Opening, "gosec and bandit suppressions"),
    ("nosemgrep", Anchor::Opening, "Semgrep suppressions"),
    (
        "NOLINT",
        Anchor::Opening,
        "clang-tidy and golangci-lint suppressions",
    ),
    ("rubocop:", Anchor::Opening, "RuboCop directives"),
    (
        "frozen_string_literal",
        Anchor::Opening,
        "Ruby magic comment: changes string semantics",
    ),
    ("tflint-ignore", Anchor::Opening, "TFLint suppressions"),
    ("checkov:", Anchor::Opening, "Checkov suppressions"),
    ("trivy:", Anchor::Opening, "Trivy suppressions"),
    (
        "__PURE__",
        Anchor::Opening,
        "bundler purity annotations (tree shaking drops code)",
    ),
    (
        "@generated",
        Anchor::Anywhere,
        "generated-file marker blastgate itself reads",
    ),
    (
        "DO NOT EDIT",
        Anchor::Anywhere,
        "generated-file marker blastgate itself reads",
    ),
];

/// Where in a comment a [`PRAGMAS`] marker counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Anchor {
    /// Where the comment, a line of it, or a `#` segment opens: only blanks and comment
    /// punctuation (`//`, `/*`, `*`, `#`, `--`, `-*-`, `;`, `!`, `@`) before it.
    Opening,
    /// Anywhere (generated-file headers put the marker mid-sentence).
    Anywhere,
}

/// Whether the text of a comment holds a marker tools read ([`PRAGMAS`]).
pub(super) fn is_pragma(comment: &str) -> bool {
    PRAGMAS.iter().any(|&(marker, anchor, _)| {
        comment.match_indices(marker).any(|(at, _)| match anchor {
            Anchor::Anywhere => true,
            Anchor::Opening => opens_at(&comment[..at]),
        })
    })
}

/// Whether the text before a marker, read backwards, is blanks and comment punctuation up to
/// the comment's start, a line's start or a `#`.
fn opens_at(before: &str) -> bool {
    for c in before.chars().rev() {
        match c {
            '\n' | '#' => return true,
            ' ' | '\t' | '\r' | '/' | '*' | '-' | ';' | '!' | '@' => {}
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::lang;

    /// Markers count where tools read them: where a comment, a line of one or a `#` segment
    /// opens; generated-file markers anywhere. Prose that contains a marker is no pragma.
    #[test]
    fn pragmas_are_read_where_comments_open() {
        for pragma in [
            "# type: ignore[attr-defined]",
            "# -*- coding: utf-8 -*-",
            "//go:build linux",
            "// +build linux",
            "#!/usr/bin/env python3",
            "# noqa: E501",
            "# a note  # pragma: no cover",
            "/* eslint-disable no-console */",
            "// @ts-expect-error: the types lag",
            "// #nosec G104",
            "/*#__PURE__*/",
            "/* @__PURE__ */",
            "/**\n * Helpers.\n * @ts-nocheck\n */",
            "// Code generated by protoc-gen-go. DO NOT EDIT.",
            "/*\n * This file is @generated by codegen.\n */",
        ] {
            assert!(is_pragma(pragma), "{pragma}");
        }
        for prose in [
            "/**\n * Exchanges the JWT with the `urn:ietf:params:oauth:grant-type:jwt-bearer` grant.\n */",
            "// the response's content-type: application/json",
            "# decoding the payload first",
            "// algo: the hash to use",
            "// TODO: drop the eslint-disable below",
        ] {
            assert!(!is_pragma(prose), "{prose}");
        }
    }

    /// Every node kind a row names exists in its language's grammar (named kinds as named,
    /// terminators as anonymous tokens): a misspelt kind would silently never match.
    #[test]
    fn every_row_names_kinds_of_its_grammar() {
        for rules in RULES {
            let grammar = lang::LANGUAGES
                .iter()
                .find(|language| language.name == rules.language)
                .map(|language| (language.grammar)())
                .or_else(|| {
                    lang::CONFIG_LANGUAGES
                        .iter()
                        .find(|language| language.name == rules.language)
                        .map(|language| (language.grammar)())
                })
                .unwrap_or_else(|| panic!("{}: no such language", rules.language));
            let docstrings = rules.docstrings.iter().flat_map(|d| {
                [d.statement, d.string]
                    .into_iter()
                    .chain(d.bodies.iter().copied())
            });
            let named = rules
                .imports
                .iter()
                .chain(rules.attached)
                .chain(rules.layout)
                .copied()
                .chain(rules.lists.iter().map(|list| list.container))
                .chain(docstrings);
            for kind in named {
                assert_ne!(
                    grammar.id_for_node_kind(kind, true),
                    0,
                    "{}: no node kind `{kind}`",
                    rules.language
                );
            }
            for token in rules.terminators {
                assert_ne!(
                    grammar.id_for_node_kind(token, false),
                    0,
                    "{}: no token `{token}`",
                    rules.language
                );
            }
        }
    }
}
