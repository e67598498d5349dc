//! Each row on real-shaped files: which files can see a free symbol, which cannot, and which
//! the language cannot decide. Tables are one case per line (rustfmt would spread each over
//! nine).

use super::Resolution::{Reexported, Resolved, Undecided, Unrelated};
use super::*;

/// `(defining path, defining text, name, using path, using text, expected)`.
type Case = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Resolution,
);

/// Each case resolves as expected, with the scope read afresh, computed through a cache, and
/// read back from it by a later run (without its blanked text, made again on need).
fn check(family: &str, cases: &[Case]) {
    let dir = tempfile::tempdir().expect("temp dir");
    for run in ["computed", "kept"] {
        let cache = Cache::open(dir.path());
        for &(at, text, name, path, using, expected) in cases {
            let home = scope(family, at, text.as_bytes()).expect("row").home;
            let user = scope(family, path, using.as_bytes()).expect("row");
            let found = resolve(family, &home, at, name, path, (&user, &|| using.as_bytes()));
            assert_eq!(
                found, expected,
                "{family}: {name} of {at} seen from {path}:\n{using}"
            );
            let oid = Oid::hash_object(git2::ObjectType::Blob, using.as_bytes()).expect("hash");
            let kept =
                scope_kept(family, path, oid, || Some(using.as_bytes()), &cache).expect("row");
            assert_eq!(
                (&kept.home, &kept.imports),
                (&user.home, &user.imports),
                "{run}"
            );
            assert_eq!(kept.dynamic, user.dynamic, "{run}");
            let found = resolve(family, &home, at, name, path, (&kept, &|| using.as_bytes()));
            assert_eq!(
                found, expected,
                "{run}: {family}: {name} of {at} seen from {path}"
            );
        }
    }
}

const GO_A: &str = "package a\n\nfunc Helper() int { return 1 }\n";
const GO_B: &str = "package b\n\nfunc Helper() int { return 2 }\n";

#[rustfmt::skip]
const GO: &[Case] = &[
    ("a/util.go", GO_A, "Helper", "a/use.go", "package a\nfunc F() { Helper() }\n", Resolved),
    ("a/util.go", GO_A, "Helper", "b/use.go", "package b\nfunc F() { Helper() }\n", Unrelated),
    ("a/util.go", GO_A, "Helper", "cmd/main.go", "package main\n\nimport (\n\t\"fmt\"\n\t\"example.com/m/a\"\n)\n\nfunc main() { fmt.Println(a.Helper()) }\n", Resolved),
    ("a/util.go", GO_A, "Helper", "cmd/main.go", "package main\n\nimport util \"example.com/m/a\"\n\nfunc main() { util.Helper() }\n", Resolved),
    ("a/util.go", GO_A, "Helper", "cmd/main.go", "package main\n\nimport . \"example.com/m/a\"\n\nfunc main() { Helper() }\n", Resolved),
    // Imports both packages (one blank) but calls b's; the comment does not qualify.
    ("a/util.go", GO_A, "Helper", "cmd/main.go", "package main\n\nimport (\n\t_ \"example.com/m/a\"\n\t\"example.com/m/b\"\n)\n\n// a.Helper is gone\nfunc main() { b.Helper() }\n", Unrelated),
    // An external test package in the same directory is another package.
    ("b/util.go", GO_B, "Helper", "b/util_test.go", "package b_test\nfunc T() { Helper() }\n", Unrelated),
];

/// Go: same directory and package name sees it bare; other packages only through an import
/// of the package used qualified (by its name or an alias, or a dot import).
#[test]
fn go_packages() {
    check("go", GO);
}

const PY_A: &str = "def process(x):\n    return x\n";

#[rustfmt::skip]
const PYTHON: &[Case] = &[
    ("app/a.py", PY_A, "process", "app/x.py", "from app.a import process\nprocess(1)\n", Resolved),
    ("app/a.py", PY_A, "process", "app/x.py", "from app.b import process\nprocess(1)\n", Unrelated),
    ("app/a.py", PY_A, "process", "app/x.py", "import app.a\napp.a.process(1)\n", Resolved),
    ("app/a.py", PY_A, "process", "app/x.py", "import app.a as mod\nmod.process(1)\n", Resolved),
    ("app/a.py", PY_A, "process", "app/x.py", "from . import a\na.process(1)\n", Resolved),
    ("app/a.py", PY_A, "process", "app/x.py", "from .a import (\n    other,\n    process,\n)\n", Resolved),
    ("app/a.py", PY_A, "process", "tests/t.py", "from app import process\n", Reexported),
    ("app/a.py", PY_A, "process", "app/x.py", "from app.a import *\nprocess(1)\n", Undecided),
    ("app/a.py", PY_A, "process", "app/x.py", "'''Docs (unbalanced.'''\nfrom app.a import process\n", Resolved),
    ("app/a.py", PY_A, "process", "app/x.py", "# from app.a import process\nprocess(1)\n", Unrelated),
    ("app/a.py", PY_A, "process", "app/x.py", "import app.b\napp.b.process(1)\n", Unrelated),
    // pytest fixtures in conftest.py reach every test below it by parameter name.
    ("tests/conftest.py", PY_A, "process", "tests/api/test_x.py", "def test(process):\n    pass\n", Resolved),
    ("tests/conftest.py", PY_A, "process", "app/x.py", "def test(process):\n    pass\n", Unrelated),
];

/// Python: `from m import f`, `import m` + `m.f`, relative imports, re-export through the
/// package, conftest fixtures, and a star import that cannot be decided.
#[test]
fn python_modules() {
    check("python", PYTHON);
}

const MATH: &str = "src/lib/math.ts";
const TOTAL: &str = "export function total(xs) { return 0 }\n";

#[rustfmt::skip]
const JAVASCRIPT: &[Case] = &[
    (MATH, TOTAL, "total", "src/app.ts", "import { total } from './lib/math';\ntotal([]);\n", Resolved),
    (MATH, TOTAL, "total", "src/app.ts", "import { total } from './lib/money';\ntotal([]);\n", Unrelated),
    (MATH, TOTAL, "total", "src/app.ts", "import {\n  sum,\n  total as t,\n} from \"./lib/math.js\";\n", Resolved),
    (MATH, TOTAL, "total", "src/app.ts", "import * as m from './lib/math';\nm.total([]);\n", Resolved),
    (MATH, TOTAL, "total", "src/app.js", "const { total } = require('./lib/math');\n", Resolved),
    (MATH, TOTAL, "total", "src/app.js", "const m = require('./lib/math');\nm.total();\n", Resolved),
    (MATH, TOTAL, "total", "src/app.js", "function f() {\n  const m = require('./lib/math');\n  return m.total();\n}\n", Resolved),
    (MATH, TOTAL, "total", "src/app.js", "const {\n  sum,\n  total: t,\n} = require('./lib/math');\n", Resolved),
    (MATH, TOTAL, "total", "src/ui/view.ts", "import { total } from '../lib';\n", Reexported),
    (MATH, TOTAL, "total", "src/ui/view.ts", "import { total } from '@/lib/math';\n", Resolved),
    (MATH, TOTAL, "total", "src/app.js", "const m = require(name);\nm.total();\n", Undecided),
    (MATH, TOTAL, "total", "src/app.ts", "export * from './lib/math';\n", Undecided),
    (MATH, TOTAL, "total", "src/app.ts", "function total() {}\ntotal();\n", Unrelated),
    // A classic script (no import or export) defines globals: undecided, so counted.
    ("web/util.js", "function total() {}\n", "total", "web/page.js", "total();\n", Undecided),
];

/// JS/TS: named, namespace and default imports, `require`, barrels, path aliases; a dynamic
/// `require(name)`, a wildcard re-export and a classic script cannot be decided.
#[test]
fn javascript_modules() {
    check("javascript", JAVASCRIPT);
}

const TAX: &str = "src/billing/tax.rs";
const RATE: &str = "pub fn rate() -> u32 { 1 }\n";

#[rustfmt::skip]
const RUST: &[Case] = &[
    (TAX, RATE, "rate", "src/main.rs", "use crate::billing::tax::rate;\nfn main() { rate(); }\n", Resolved),
    (TAX, RATE, "rate", "src/main.rs", "use crate::billing::tax;\nfn main() { tax::rate(); }\n", Resolved),
    (TAX, RATE, "rate", "src/main.rs", "use crate::billing::{tax::{rate as r}, other};\n", Resolved),
    (TAX, RATE, "rate", "src/billing/mod.rs", "pub mod tax;\nfn f() { tax::rate(); }\n", Resolved),
    (TAX, RATE, "rate", "src/billing/tax/sub.rs", "fn f() { super::rate(); }\n", Resolved),
    (TAX, RATE, "rate", "src/main.rs", "use crate::billing::tax::*;\n", Resolved),
    (TAX, RATE, "rate", "src/shop.rs", "use crate::shipping::rate;\nfn f() { rate(); }\n", Unrelated),
    (TAX, RATE, "rate", "src/shop.rs", "fn rate() {}\nfn f() { rate(); }\n", Unrelated),
    ("crates/core-lib/src/tax.rs", RATE, "rate", "crates/app/src/main.rs", "use core_lib::tax::rate;\n", Resolved),
    ("crates/core-lib/src/tax.rs", RATE, "rate", "crates/app/src/main.rs", "use other_lib::tax::rate;\n", Unrelated),
    ("crates/core-lib/src/lib.rs", RATE, "rate", "crates/app/src/main.rs", "fn f() { core_lib::rate(); }\n", Resolved),
];

/// Rust: `use crate::…`, `super::`, qualified paths, other crates of a workspace by name, and
/// globs.
#[test]
fn rust_modules() {
    check("rust", RUST);
}

const CART: &str = "src/main/java/com/shop/Cart.java";
const CART_CLASS: &str = "package com.shop;\n\npublic class Cart {}\n";
const PAGE: &str = "src/main/java/com/web/Page.java";
const KT: &str = "package com.shop\n\nfun total(): Int = 1\n";

#[rustfmt::skip]
const JAVA: &[Case] = &[
    (CART, CART_CLASS, "Cart", "src/test/java/com/shop/CartTest.java", "package com.shop;\nclass CartTest { Cart c; }\n", Resolved),
    (CART, CART_CLASS, "Cart", PAGE, "package com.web;\nimport com.shop.Cart;\nclass Page { Cart c; }\n", Resolved),
    (CART, CART_CLASS, "Cart", PAGE, "package com.web;\nimport com.shop.*;\n", Resolved),
    (CART, CART_CLASS, "Cart", PAGE, "package com.web;\nclass Page { com.shop.Cart c; }\n", Resolved),
    (CART, CART_CLASS, "Cart", PAGE, "package com.web;\nimport com.legacy.Cart;\nclass Page { Cart c; }\n", Unrelated),
    (CART, CART_CLASS, "Cart", PAGE, "package com.web;\nclass Page { Cart c; }\n", Unrelated),
];

#[rustfmt::skip]
const KOTLIN: &[Case] = &[
    ("src/Total.kt", KT, "total", "src/Use.kt", "package com.shop\nfun f() = total()\n", Resolved),
    ("src/Total.kt", KT, "total", "src/Use.kt", "package com.web\nimport com.shop.total\nfun f() = total()\n", Resolved),
    ("src/Total.kt", KT, "total", "src/Use.kt", "package com.web\nfun f() = total()\n", Unrelated),
];

/// Java and Kotlin: same package sees it, other packages import the class, the package's
/// `*`, or write its full name.
#[test]
fn java_and_kotlin_packages() {
    check("java", JAVA);
    check("kotlin", KOTLIN);
}

const SHOP_CART: &str = "namespace Shop.Core\n{\n    public class Cart {}\n}\n";

#[rustfmt::skip]
const CSHARP: &[Case] = &[
    ("Shop/Cart.cs", SHOP_CART, "Cart", "Shop/Use.cs", "namespace Shop.Core;\nclass U { Cart c; }\n", Resolved),
    ("Shop/Cart.cs", SHOP_CART, "Cart", "Shop/Use.cs", "namespace Shop.Core.Web { class U { Cart c; } }\n", Resolved),
    ("Shop/Cart.cs", SHOP_CART, "Cart", "Web/Use.cs", "using Shop.Core;\nnamespace Web { class U { Cart c; } }\n", Resolved),
    ("Shop/Cart.cs", SHOP_CART, "Cart", "Web/Use.cs", "using C = Shop.Core.Cart;\nnamespace Web { }\n", Resolved),
    ("Shop/Cart.cs", SHOP_CART, "Cart", "Web/Use.cs", "using Legacy;\nnamespace Web { class U { Cart c; } }\n", Unrelated),
];

/// C#: the same or a nested namespace, `using`, aliases; another namespace does not see it.
#[test]
fn csharp_namespaces() {
    check("csharp", CSHARP);
}

/// A C# `global using` of the namespace in any file opens it to every file of the project.
#[test]
fn csharp_global_using() {
    let home = scope("csharp", "Shop/Cart.cs", SHOP_CART.as_bytes())
        .expect("row")
        .home;
    let global = b"// usings\nglobal using Shop.Core;\nglobal using System;\n";
    assert!(imported_everywhere(
        "csharp",
        &home,
        "GlobalUsings.cs",
        global
    ));
    assert!(!imported_everywhere(
        "csharp",
        &home,
        "Other.cs",
        b"using Shop.Core;\n"
    ));
    assert!(!imported_everywhere(
        "csharp",
        &home,
        "G.cs",
        b"global using Shop.Legacy;\n"
    ));
}

/// Families without a row keep name-based resolution; every row names its source.
#[test]
fn rows_and_fallback() {
    assert!(scope("ruby", "a.rb", b"def f; end").is_none());
    let home = Home::default();
    let empty = FileScope::default();
    assert_eq!(
        resolve("ruby", &home, "a.rb", "f", "b.rb", (&empty, &|| b"")),
        Resolved
    );
    let mut families = std::collections::HashSet::new();
    for row in ROWS {
        assert!(families.insert(row.family), "{} twice", row.family);
        assert!(row.source.starts_with("https://"), "{}", row.family);
        assert!(
            crate::analyze::lang::LANGUAGES
                .iter()
                .any(|l| l.family == row.family)
        );
    }
}

/// Comments are blanked, strings kept (a `#` or `//` inside a string is not a comment).
#[test]
fn comments_are_blanked() {
    let code = read::blank_comments("import \"a//b\" // c\n/* d\ne */ f '#'\n", "go");
    assert_eq!(code, "import \"a//b\"     \n    \n     f '#'\n");
    let code = read::blank_comments("x = '#' # c\n", "python");
    assert_eq!(code, "x = '#'    \n");
    // An escaped quote does not end a string; a line ends a plain string but not a template.
    let code = read::blank_comments("a = \"x\\\" // y\" // z\n", "javascript");
    assert_eq!(code, "a = \"x\\\" // y\"     \n");
    let code = read::blank_comments("t = `a\n// b` // c\ns = 'open\n// d\n", "javascript");
    assert_eq!(code, "t = `a\n// b`     \ns = 'open\n    \n");
    // `/**/` closes at once; `/*/` does not; an unclosed comment runs to the end.
    let code = read::blank_comments("a/**/b /*/ c */d /* e", "go");
    assert_eq!(code, "a    b         d     ");
    // Rust lifetimes are not quotes; non-ASCII text survives in strings, and in a comment
    // each byte becomes a space.
    let code = read::blank_comments("fn f<'a>(x: &'a str) // é\nlet s = \"ü//\";", "rust");
    assert_eq!(code, "fn f<'a>(x: &'a str)      \nlet s = \"ü//\";");
}

/// Matching a path with one more segment, without building it, agrees with building it and
/// matching, for every way of matching, on every pair of short paths over a small alphabet.
#[test]
fn joined_paths_match_like_built_ones() {
    let words = ["a", "b"];
    let mut paths: Vec<Vec<String>> = vec![Vec::new()];
    for length in 1..=3 {
        let mut next: Vec<Vec<String>> = paths
            .iter()
            .filter(|path| path.len() == length - 1)
            .flat_map(|path| {
                words.iter().map(move |word| {
                    let mut longer = path.clone();
                    longer.push((*word).to_string());
                    longer
                })
            })
            .collect();
        paths.append(&mut next);
    }
    for how in [PathMatch::Exact, PathMatch::Suffix, PathMatch::Tail] {
        for path in &paths {
            for home in &paths {
                for last in words {
                    let mut built = path.clone();
                    built.push(last.to_string());
                    assert_eq!(
                        matches_joined(how, path, last, home),
                        matches(how, &built, home),
                        "{how:?}: {path:?} + {last} against {home:?}"
                    );
                }
            }
        }
    }
}
