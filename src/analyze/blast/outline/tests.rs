//! Outline tests: one realistic sample per language (`testdata/`), then hashes, encodings,
//! broken input and the limits.

use std::time::Duration;

use super::*;
use crate::analyze::blast::syntax::{ReferenceKind, Unanalysed, Visibility};
use crate::analyze::lang::{LANGUAGES, by_name};

/// The sample file of each language.
pub(super) fn sample_text(language: &str) -> &'static str {
    match language {
        "rust" => include_str!("testdata/sample.rs"),
        "python" => include_str!("testdata/sample.py"),
        "javascript" => include_str!("testdata/sample.js"),
        "typescript" => include_str!("testdata/sample.ts"),
        "tsx" => include_str!("testdata/sample.tsx"),
        "go" => include_str!("testdata/sample.go"),
        "java" => include_str!("testdata/Sample.java"),
        "c" => include_str!("testdata/sample.c"),
        "cpp" => include_str!("testdata/sample.cpp"),
        "csharp" => include_str!("testdata/sample.cs"),
        "ruby" => include_str!("testdata/sample.rb"),
        "php" => include_str!("testdata/sample.php"),
        "kotlin" => include_str!("testdata/sample.kt"),
        "swift" => include_str!("testdata/sample.swift"),
        "scala" => include_str!("testdata/sample.scala"),
        "bash" => include_str!("testdata/sample.sh"),
        _ => panic!("no sample for {language}"),
    }
}

fn run(language: &str, source: &str) -> Result<Outline, Unanalysed> {
    outline(
        by_name(language).expect("registered"),
        source.as_bytes(),
        &Budget::default(),
    )
}

fn outlined(language: &str, source: &str) -> Outline {
    run(language, source).expect("outlines")
}

/// `kind container::name visibility start-end`, one string per definition.
fn summary(outline: &Outline) -> Vec<String> {
    outline
        .definitions
        .iter()
        .map(|d| {
            format!(
                "{} {}::{} {} {}-{}",
                format!("{:?}", d.kind).to_lowercase(),
                d.container.as_deref().unwrap_or("-"),
                d.name,
                format!("{:?}", d.visibility).to_lowercase(),
                d.start_line,
                d.end_line
            )
        })
        .collect()
}

/// What one language's sample must yield.
struct Expected {
    language: &'static str,
    definitions: &'static [&'static str],
    /// (helper, line of its one call, caller).
    call: (&'static str, u32, &'static str),
    /// A name the sample imports, where imports name identifiers.
    import: Option<&'static str>,
    /// A name the sample uses as a type.
    type_use: Option<&'static str>,
    /// (definition, its signature).
    signature: (&'static str, &'static str),
}

const EXPECTED: &[Expected] = &[
    Expected {
        language: "rust",
        definitions: &[
            "constant -::LIMIT public 5-5",
            "struct -::Cart public 7-9",
            "method Cart::total restricted 12-14",
            "function -::helper private 17-19",
            "function -::main public 21-26",
        ],
        call: ("helper", 25, "main"),
        import: Some("HashMap"),
        type_use: Some("Cart"),
        signature: ("helper", "fn helper(cart: &Cart) -> u32"),
    },
    Expected {
        language: "python",
        definitions: &[
            "constant -::LIMIT public 4-4",
            "class -::Cart public 7-12",
            "method Cart::__init__ public 8-9",
            "method Cart::total public 11-12",
            "function -::_helper private 15-16",
            "function -::main public 19-23",
        ],
        call: ("_helper", 23, "main"),
        import: Some("os"),
        type_use: Some("Cart"),
        signature: ("_helper", "def _helper(cart: Cart) -> int"),
    },
    Expected {
        language: "javascript",
        definitions: &[
            "constant -::LIMIT public 4-4",
            "class -::Cart public 6-14",
            "method Cart::total public 11-13",
            "function -::helper private 16-18",
            "function -::main public 20-25",
        ],
        call: ("helper", 24, "main"),
        import: Some("readFile"),
        type_use: None,
        signature: ("helper", "function helper(cart)"),
    },
    Expected {
        language: "typescript",
        definitions: &[
            "constant -::LIMIT public 4-4",
            "interface -::Priced public 6-8",
            "method Priced::price public 7-7",
            "class -::Cart public 10-16",
            "method Cart::price public 13-15",
            "function -::helper private 18-20",
            "function -::main public 22-26",
        ],
        call: ("helper", 25, "main"),
        import: Some("Item"),
        type_use: Some("Priced"),
        signature: ("helper", "function helper(cart: Cart): number"),
    },
    Expected {
        language: "tsx",
        definitions: &[
            "typealias -::Props public 4-4",
            "constant -::GREETING private 6-6",
            "function -::helper private 8-10",
            "function -::main public 12-16",
        ],
        call: ("helper", 15, "main"),
        import: Some("React"),
        type_use: Some("Props"),
        signature: ("main", "function main(props: Props)"),
    },
    Expected {
        language: "go",
        definitions: &[
            "constant -::Limit public 7-7",
            "struct -::Cart public 9-11",
            "method Cart::Total public 13-15",
            "function -::helper private 17-19",
            "function -::Main public 21-25",
        ],
        call: ("helper", 24, "Main"),
        import: None,
        type_use: Some("Cart"),
        signature: ("Total", "func (c *Cart) Total() int"),
    },
    Expected {
        language: "java",
        definitions: &[
            "class -::Cart public 5-22",
            "constant Cart::LIMIT public 6-6",
            "method Cart::total restricted 9-11",
            "method Cart::helper private 13-15",
            "method Cart::main public 17-21",
        ],
        call: ("helper", 20, "main"),
        import: Some("List"),
        type_use: Some("Cart"),
        signature: ("helper", "private static int helper(Cart cart)"),
    },
    Expected {
        language: "c",
        definitions: &[
            "constant -::LIMIT public 4-4",
            "struct -::cart public 6-8",
            "function -::helper private 10-13",
            "function -::main public 15-22",
        ],
        call: ("helper", 20, "main"),
        import: None,
        type_use: Some("cart"),
        signature: ("helper", "static int helper(struct cart *c)"),
    },
    Expected {
        language: "cpp",
        definitions: &[
            "module -::shop public 4-25",
            "class shop::Cart public 8-13",
            "method Cart::total public 10-10",
            "function shop::helper private 15-17",
            "function shop::main public 19-23",
        ],
        call: ("helper", 22, "main"),
        import: None,
        type_use: Some("Cart"),
        signature: ("total", "int total() const"),
    },
    Expected {
        language: "csharp",
        definitions: &[
            "module -::Shop restricted 4-28",
            "class Shop::Cart public 6-27",
            "constant Cart::Limit public 8-8",
            "method Cart::Total restricted 11-14",
            "method Cart::Helper private 16-19",
            "method Cart::Main public 21-26",
        ],
        call: ("Helper", 25, "Main"),
        import: Some("Generic"),
        type_use: Some("Cart"),
        signature: ("Helper", "private static int Helper(Cart cart)"),
    },
    Expected {
        language: "ruby",
        definitions: &[
            "constant -::LIMIT public 4-4",
            "class -::Cart public 6-20",
            "method Cart::initialize public 7-9",
            "method Cart::total public 11-13",
            "method Cart::secret private 17-19",
            "function -::helper public 22-24",
            "function -::main public 26-30",
        ],
        call: ("helper", 29, "main"),
        import: None,
        type_use: None,
        signature: ("helper", "def helper(cart)"),
    },
    Expected {
        language: "php",
        definitions: &[
            "module -::Shop public 3-3",
            "constant -::LIMIT public 7-7",
            "class -::Cart public 9-22",
            "method Cart::total public 13-16",
            "method Cart::add restricted 18-21",
            "function -::helper public 24-27",
            "function -::main public 29-34",
        ],
        call: ("helper", 33, "main"),
        import: Some("Item"),
        type_use: Some("Cart"),
        signature: ("add", "protected function add(Item $item): void"),
    },
    Expected {
        language: "kotlin",
        definitions: &[
            "constant -::LIMIT public 6-6",
            "class -::Cart public 8-14",
            "method Cart::total public 9-11",
            "method Cart::size restricted 13-13",
            "function -::helper private 16-18",
            "function -::main public 20-24",
        ],
        call: ("helper", 23, "main"),
        import: Some("max"),
        type_use: Some("Cart"),
        signature: ("helper", "private fun helper(cart: Cart): Int"),
    },
    Expected {
        language: "swift",
        definitions: &[
            "constant -::limit restricted 4-4",
            "struct -::Cart public 6-12",
            "method Cart::total public 9-11",
            "function -::helper private 14-16",
            "function -::main restricted 18-22",
        ],
        call: ("helper", 21, "main"),
        import: Some("Foundation"),
        type_use: Some("Cart"),
        signature: ("helper", "private func helper(cart: Cart) -> Int"),
    },
    Expected {
        language: "scala",
        definitions: &[
            "module -::Shop public 6-22",
            "constant Shop::Limit public 7-7",
            "class Shop::Cart public 9-11",
            "method Cart::total public 10-10",
            "function Shop::helper private 13-15",
            "function Shop::main public 17-21",
        ],
        call: ("helper", 20, "main"),
        import: Some("mutable"),
        type_use: Some("Cart"),
        signature: ("main", "def main(args: Array[String]): Unit"),
    },
    Expected {
        language: "bash",
        definitions: &[
            "constant -::LIMIT public 5-5",
            "function -::helper public 7-9",
            "function -::main public 11-15",
        ],
        call: ("helper", 14, "main"),
        import: None,
        type_use: None,
        signature: ("helper", "helper()"),
    },
];

/// Every registered language has a sample, and each sample yields exactly the expected
/// definitions (kind, container, visibility, lines), one signature, an import and a type use;
/// the helper's only reference is the call inside the caller; the comment and the string that
/// mention it yield none.
#[test]
fn every_language_sample() {
    for language in LANGUAGES {
        assert!(
            EXPECTED.iter().any(|e| e.language == language.name),
            "no sample for {}",
            language.name
        );
    }
    for expected in EXPECTED {
        let outline = outlined(expected.language, sample_text(expected.language));
        let language = expected.language;
        assert_eq!(summary(&outline), expected.definitions, "{language}");
        assert_eq!(outline.error_permille, 0, "{language}");
        let (helper, line, caller) = expected.call;
        let uses: Vec<_> = outline
            .references
            .iter()
            .filter(|r| r.name == helper)
            .map(|r| (r.line, r.kind, r.enclosing.as_deref()))
            .collect();
        assert_eq!(
            uses,
            [(line, ReferenceKind::Call, Some(caller))],
            "{language}"
        );
        let has = |name: &str, kind| {
            outline
                .references
                .iter()
                .any(|r| r.name == name && r.kind == kind)
        };
        if let Some(import) = expected.import {
            assert!(
                has(import, ReferenceKind::Import),
                "{language} import {import}"
            );
        }
        if let Some(type_use) = expected.type_use {
            assert!(
                has(type_use, ReferenceKind::Type),
                "{language} type {type_use}"
            );
        }
        let (name, signature) = expected.signature;
        let definition = outline.definitions.iter().find(|d| d.name == name);
        assert_eq!(
            definition.map(|d| d.signature.as_str()),
            Some(signature),
            "{language}"
        );
    }
}

/// (language, before, after, body hash of `first` kept?, file token hash kept?).
const EDITS: &[(&str, &str, &str, bool, bool)] = &[
    // Rename: same body under another name, including the recursive call.
    (
        "rust",
        "fn first(n: u32) -> u32 { if n == 0 { 0 } else { first(n - 1) } }",
        "fn renamed(n: u32) -> u32 { if n == 0 { 0 } else { renamed(n - 1) } }",
        true,
        false,
    ),
    // Reformat and comment edits change neither hash.
    (
        "rust",
        "fn first(a: u32) -> u32 { a + 1 } // one",
        "fn first(a: u32)\n    -> u32\n{\n    // bumped\n    a + 1\n}",
        true,
        true,
    ),
    // One token changes both.
    (
        "rust",
        "fn first(a: u32) -> u32 { a + 1 }",
        "fn first(a: u32) -> u32 { a + 2 }",
        false,
        false,
    ),
    // A string's content is a token too.
    (
        "python",
        "def first():\n    return \"a b\"\n",
        "def first():\n    return \"a c\"\n",
        false,
        false,
    ),
    (
        "python",
        "def first(x):\n    return x  # why\n",
        "def first( x ):\n\n    return x\n",
        true,
        true,
    ),
    (
        "javascript",
        "function first(a) { return a * 2; }",
        "function second(a) { return a * 2; }",
        true,
        false,
    ),
    (
        "go",
        "package p\nfunc first() int { return 1 }\n",
        "package p\n\n// first returns one.\nfunc first() int {\n\treturn 1\n}\n",
        true,
        true,
    ),
];

/// Renaming keeps a definition's body hash; reformatting and comment edits keep the file's
/// token hash; any token change alters both.
#[test]
fn hashes_track_tokens_not_layout_or_names() {
    for &(language, before, after, body_kept, file_kept) in EDITS {
        let (old, new) = (outlined(language, before), outlined(language, after));
        let body = |outline: &Outline| outline.definitions[0].body_hash;
        assert_eq!(body(&old) == body(&new), body_kept, "{language}: {after}");
        assert_eq!(
            old.token_hash == new.token_hash,
            file_kept,
            "{language}: {after}"
        );
    }
}

/// A UTF-8 byte order mark neither shifts lines nor hides the first definition.
#[test]
fn byte_order_mark() {
    let source = "\u{feff}def first():\n    pass\n\ndef second():\n    pass\n";
    let outline = outlined("python", source);
    assert_eq!(
        summary(&outline),
        [
            "function -::first public 1-2",
            "function -::second public 4-5"
        ]
    );
    assert_eq!(outline.definitions[0].signature, "def first()");
}

/// CRLF line endings give the same lines, signatures and hashes as LF.
#[test]
fn crlf_line_endings() {
    let lf = sample_text("rust");
    let crlf = lf.replace('\n', "\r\n");
    let (lf, crlf) = (outlined("rust", lf), outlined("rust", &crlf));
    assert_eq!(summary(&lf), summary(&crlf));
    assert_eq!(lf.token_hash, crlf.token_hash);
    let signatures = |o: &Outline| {
        o.definitions
            .iter()
            .map(|d| d.signature.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(signatures(&lf), signatures(&crlf));
}

/// Bytes that are not UTF-8 are parsed as they are; definitions around them still come out.
#[test]
fn invalid_utf8_is_tolerated() {
    let mut source = b"def first():\n    return '".to_vec();
    source.extend_from_slice(&[0xff, 0xfe, 0xe9]);
    source.extend_from_slice(b"'\n\ndef second():\n    pass\n");
    let language = by_name("python").expect("registered");
    let outline = outline(language, &source, &Budget::default()).expect("outlines");
    let names: Vec<_> = outline
        .definitions
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    assert_eq!(names, ["first", "second"]);
}

/// A syntax error leaves the good definitions, with the error share reported.
#[test]
fn syntax_error_keeps_good_definitions() {
    let source = "fn good() -> u32 { 1 }\n\nfn broken( { let = ; }\n\nfn also_good() {}\n";
    let outline = outlined("rust", source);
    let names: Vec<_> = outline
        .definitions
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    assert!(
        names.contains(&"good") && names.contains(&"also_good"),
        "{names:?}"
    );
    assert!(outline.error_permille > 0);
}

/// When too much of the file is in error, the outline falls back with the share in percent.
#[test]
fn too_many_errors() {
    let budget = Budget {
        max_error_permille: 10,
        ..Budget::default()
    };
    let language = by_name("rust").expect("registered");
    let result = outline(language, b"fn a() {}\n)))) ]]]] {{{{ let let let", &budget);
    assert!(
        matches!(result, Err(Unanalysed::TooManyErrors { percent }) if percent > 1),
        "{result:?}"
    );
}

/// A tiny parse budget on a big input gives up with `Timeout`, and the thread's parser works
/// normally afterwards.
#[test]
fn timeout_on_tiny_budget() {
    let big = "fn f(a: u32) -> u32 { let b = a * 2 + 1; b }\n".repeat(40_000);
    let budget = Budget {
        parse_timeout: Duration::from_micros(1),
        max_bytes: u64::MAX,
        ..Budget::default()
    };
    let language = by_name("rust").expect("registered");
    assert_eq!(
        outline(language, big.as_bytes(), &budget),
        Err(Unanalysed::Timeout { budget_ms: 0 })
    );
    assert_eq!(outlined("rust", "fn after() {}").definitions.len(), 1);
}

/// Files over the byte limit are not parsed.
#[test]
fn too_large() {
    let budget = Budget {
        max_bytes: 8,
        ..Budget::default()
    };
    let language = by_name("rust").expect("registered");
    assert_eq!(
        outline(language, b"fn main() {}", &budget),
        Err(Unanalysed::TooLarge {
            bytes: 12,
            limit: 8
        })
    );
}

/// Outlining in parallel (one parser per thread) gives the same result as serially.
#[test]
fn parallel_matches_serial() {
    use rayon::prelude::*;
    let serial: Vec<Outline> = LANGUAGES
        .iter()
        .map(|l| outlined(l.name, sample_text(l.name)))
        .collect();
    let parallel: Vec<Outline> = LANGUAGES
        .par_iter()
        .map(|l| outlined(l.name, sample_text(l.name)))
        .collect();
    assert_eq!(serial, parallel);
}

/// (language, source, definition, expected visibility).
const VISIBILITY: &[(&str, &str, &str, Visibility)] = &[
    ("rust", "pub(super) fn a() {}", "a", Visibility::Restricted),
    ("rust", "pub(self) fn a() {}", "a", Visibility::Private),
    ("rust", "trait T { fn a(&self); }", "a", Visibility::Public),
    (
        "rust",
        "impl T for X { fn a(&self) {} }",
        "a",
        Visibility::Public,
    ),
    (
        "rust",
        "impl X { fn a(&self) {} }",
        "a",
        Visibility::Private,
    ),
    (
        "python",
        "def __eq__(a, b): pass",
        "__eq__",
        Visibility::Public,
    ),
    ("python", "_CACHE = {}", "_CACHE", Visibility::Private),
    (
        "go",
        "package p\nfunc lower() {}",
        "lower",
        Visibility::Private,
    ),
    (
        "typescript",
        "class A { private b() {} }",
        "b",
        Visibility::Private,
    ),
    (
        "typescript",
        "class A { protected c() {} }",
        "c",
        Visibility::Restricted,
    ),
    ("typescript", "class A { e() {} }", "e", Visibility::Public),
    ("typescript", "class A {}", "A", Visibility::Private),
    (
        "javascript",
        "class A { #d() {} }",
        "#d",
        Visibility::Private,
    ),
    (
        "javascript",
        "export default function f() {}",
        "f",
        Visibility::Public,
    ),
    ("java", "interface I { void m(); }", "m", Visibility::Public),
    (
        "java",
        "class A { protected void m() {} }",
        "m",
        Visibility::Restricted,
    ),
    (
        "csharp",
        "class A { void M() {} }",
        "M",
        Visibility::Private,
    ),
    ("csharp", "class A {}", "A", Visibility::Restricted),
    (
        "cpp",
        "class C { int a() { return 1; } public: int b() { return 2; } };",
        "a",
        Visibility::Private,
    ),
    (
        "cpp",
        "class C { int a() { return 1; } public: int b() { return 2; } };",
        "b",
        Visibility::Public,
    ),
    (
        "cpp",
        "struct S { int a() { return 1; } };",
        "a",
        Visibility::Public,
    ),
    ("c", "static int f(void);", "f", Visibility::Private),
    (
        "ruby",
        "class A\n  private def x; end\nend",
        "x",
        Visibility::Private,
    ),
    (
        "ruby",
        "class A\n  protected\n  def y; end\nend",
        "y",
        Visibility::Restricted,
    ),
    (
        "php",
        "<?php class A { private function x() {} }",
        "x",
        Visibility::Private,
    ),
    (
        "kotlin",
        "class A { protected fun x() {} }",
        "x",
        Visibility::Restricted,
    ),
    ("swift", "fileprivate func f() {}", "f", Visibility::Private),
    ("swift", "open class A {}", "A", Visibility::Public),
    (
        "scala",
        "object O { protected def x = 1 }",
        "x",
        Visibility::Restricted,
    ),
];

/// Each language's visibility rule, on the cases beyond the samples.
#[test]
fn visibility_rules() {
    for &(language, source, name, expected) in VISIBILITY {
        let outline = outlined(language, source);
        let found = outline.definitions.iter().find(|d| d.name == name);
        assert_eq!(
            found.map(|d| d.visibility),
            Some(expected),
            "{language}: {source}"
        );
    }
}

/// In Rust macro arguments (unparsed token trees) `name(…)` is still a call.
#[test]
fn calls_inside_macro_arguments() {
    let outline = outlined("rust", "fn main() { assert_eq!(compute(1), 2); }");
    let compute = outline.references.iter().find(|r| r.name == "compute");
    assert_eq!(compute.map(|r| r.kind), Some(ReferenceKind::Call));
}

/// A C prototype is dropped when the file also defines the function; alone (a header) it is
/// the definition.
#[test]
fn c_prototypes() {
    let both = outlined("c", "int f(int a);\nint f(int a) { return a; }\n");
    assert_eq!(summary(&both), ["function -::f public 2-2"]);
    let header = outlined("c", "int f(int a);\n");
    assert_eq!(summary(&header), ["function -::f public 1-1"]);
    assert_eq!(header.definitions[0].signature, "int f(int a)");
}

/// An outline made from a tree another analyzer parsed equals the outline that parses for
/// itself, in every language; a version with a byte order mark (which `outline` parses
/// blanked out) is not made from another's tree.
#[test]
fn outlines_from_a_given_tree_equal_outlines_that_parse() {
    let budget = Budget::default();
    for language in LANGUAGES {
        let source = sample_text(language.name).as_bytes();
        let compiled = language.compiled().expect("grammar");
        let tree = parse::parse(language, compiled, source, budget.parse_timeout).expect("parse");
        assert_eq!(
            outline_parsed(language, source, &tree, &budget),
            Some(outline(language, source, &budget)),
            "{}",
            language.name
        );
        let with_bom = [BOM, source].concat();
        assert_eq!(outline_parsed(language, &with_bom, &tree, &budget), None);
    }
    let python = by_name("python").expect("registered");
    let small = Budget {
        max_bytes: 4,
        ..Budget::default()
    };
    let tree = parse::parse(
        python,
        python.compiled().expect("grammar"),
        b"x = 1\n",
        small.parse_timeout,
    )
    .expect("parse");
    assert!(matches!(
        outline_parsed(python, b"x = 1\n", &tree, &small),
        Some(Err(Unanalysed::TooLarge { .. }))
    ));
}

/// `export { a } from "./m"` imports `a`, as an import statement does.
#[test]
fn re_exports_import_their_names() {
    for language in ["typescript", "javascript"] {
        let outline = outlined(
            language,
            "export {\n  alpha,\n  beta as gamma,\n} from \"./m\";\nexport { delta } from './n';\n",
        );
        let imports: Vec<&str> = outline
            .references
            .iter()
            .filter(|r| r.kind == ReferenceKind::Import)
            .map(|r| r.name.as_str())
            .collect();
        assert!(
            ["alpha", "beta", "delta"]
                .iter()
                .all(|name| imports.contains(name)),
            "{language}: {:?}",
            outline.references
        );
    }
}
