//! Each row on real-shaped files: which files can see a free symbol, which cannot, and which
//! the language cannot decide.

use super::Resolution::{Resolved, Undecided, Unrelated};
use super::*;

/// `(family, defining path, defining text, name, using path, using text, expected)`.
type Case = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Resolution,
);

fn check(cases: &[Case]) {
    for &(family, at, text, name, path, using, expected) in cases {
        let home = scope(family, at, text.as_bytes()).expect("row").home;
        let user = scope(family, path, using.as_bytes()).expect("row");
        let found = resolve(family, &home, at, name, path, &user);
        assert_eq!(
            found, expected,
            "{family}: {name} of {at} seen from {path}:\n{using}"
        );
    }
}

const GO_A: &str = "package a\n\nfunc Helper() int { return 1 }\n";
const GO_B: &str = "package b\n\nfunc Helper() int { return 2 }\n";

/// Go: same directory and package name sees it bare; other packages only through an import
/// of the package used qualified (by its name or an alias, or a dot import).
#[test]
fn go_packages() {
    check(&[
        (
            "go",
            "a/util.go",
            GO_A,
            "Helper",
            "a/use.go",
            "package a\nfunc F() { Helper() }\n",
            Resolved,
        ),
        (
            "go",
            "a/util.go",
            GO_A,
            "Helper",
            "b/use.go",
            "package b\nfunc F() { Helper() }\n",
            Unrelated,
        ),
        (
            "go",
            "a/util.go",
            GO_A,
            "Helper",
            "cmd/main.go",
            "package main\n\nimport (\n\t\"fmt\"\n\t\"example.com/m/a\"\n)\n\nfunc main() { fmt.Println(a.Helper()) }\n",
            Resolved,
        ),
        (
            "go",
            "a/util.go",
            GO_A,
            "Helper",
            "cmd/main.go",
            "package main\n\nimport util \"example.com/m/a\"\n\nfunc main() { util.Helper() }\n",
            Resolved,
        ),
        (
            "go",
            "a/util.go",
            GO_A,
            "Helper",
            "cmd/main.go",
            "package main\n\nimport . \"example.com/m/a\"\n\nfunc main() { Helper() }\n",
            Resolved,
        ),
        // Imports both packages but calls b's.
        (
            "go",
            "a/util.go",
            GO_A,
            "Helper",
            "cmd/main.go",
            "package main\n\nimport (\n\t_ \"example.com/m/a\"\n\t\"example.com/m/b\"\n)\n\n// a.Helper is gone\nfunc main() { b.Helper() }\n",
            Unrelated,
        ),
        // An external test package in the same directory is another package.
        (
            "go",
            "b/util.go",
            GO_B,
            "Helper",
            "b/util_test.go",
            "package b_test\nfunc T() { Helper() }\n",
            Unrelated,
        ),
    ]);
}

const PY_A: &str = "def process(x):\n    return x\n";

/// Python: `from m import f`, `import m` + `m.f`, relative imports, re-export through the
/// package, and a star import that cannot be decided.
#[test]
fn python_modules() {
    check(&[
        (
            "python",
            "app/a.py",
            PY_A,
            "process",
            "app/x.py",
            "from app.a import process\nprocess(1)\n",
            Resolved,
        ),
        (
            "python",
            "app/a.py",
            PY_A,
            "process",
            "app/x.py",
            "from app.b import process\nprocess(1)\n",
            Unrelated,
        ),
        (
            "python",
            "app/a.py",
            PY_A,
            "process",
            "app/x.py",
            "import app.a\napp.a.process(1)\n",
            Resolved,
        ),
        (
            "python",
            "app/a.py",
            PY_A,
            "process",
            "app/x.py",
            "import app.a as mod\nmod.process(1)\n",
            Resolved,
        ),
        (
            "python",
            "app/a.py",
            PY_A,
            "process",
            "app/x.py",
            "from . import a\na.process(1)\n",
            Resolved,
        ),
        (
            "python",
            "app/a.py",
            PY_A,
            "process",
            "app/x.py",
            "from .a import (\n    other,\n    process,\n)\n",
            Resolved,
        ),
        (
            "python",
            "app/a.py",
            PY_A,
            "process",
            "tests/t.py",
            "from app import process\n",
            Resolved,
        ),
        (
            "python",
            "app/a.py",
            PY_A,
            "process",
            "app/x.py",
            "from app.a import *\nprocess(1)\n",
            Undecided,
        ),
        (
            "python",
            "app/a.py",
            PY_A,
            "process",
            "app/x.py",
            "# from app.a import process\nprocess(1)\n",
            Unrelated,
        ),
        (
            "python",
            "app/a.py",
            PY_A,
            "process",
            "app/x.py",
            "import app.b\napp.b.process(1)\n",
            Unrelated,
        ),
    ]);
}

/// JS/TS: named, namespace and default imports, `require`, barrels, path aliases; a dynamic
/// `require(name)` cannot be decided.
#[test]
fn javascript_modules() {
    let at = "src/lib/math.ts";
    let def = "export function total(xs) { return 0 }\n";
    check(&[
        (
            "javascript",
            at,
            def,
            "total",
            "src/app.ts",
            "import { total } from './lib/math';\ntotal([]);\n",
            Resolved,
        ),
        (
            "javascript",
            at,
            def,
            "total",
            "src/app.ts",
            "import { total } from './lib/money';\ntotal([]);\n",
            Unrelated,
        ),
        (
            "javascript",
            at,
            def,
            "total",
            "src/app.ts",
            "import {\n  sum,\n  total as t,\n} from \"./lib/math.js\";\n",
            Resolved,
        ),
        (
            "javascript",
            at,
            def,
            "total",
            "src/app.ts",
            "import * as m from './lib/math';\nm.total([]);\n",
            Resolved,
        ),
        (
            "javascript",
            at,
            def,
            "total",
            "src/app.js",
            "const { total } = require('./lib/math');\n",
            Resolved,
        ),
        (
            "javascript",
            at,
            def,
            "total",
            "src/app.js",
            "const m = require('./lib/math');\nm.total();\n",
            Resolved,
        ),
        (
            "javascript",
            at,
            def,
            "total",
            "src/ui/view.ts",
            "import { total } from '../lib';\n",
            Resolved,
        ),
        (
            "javascript",
            at,
            def,
            "total",
            "src/ui/view.ts",
            "import { total } from '@/lib/math';\n",
            Resolved,
        ),
        (
            "javascript",
            at,
            def,
            "total",
            "src/app.js",
            "const m = require(name);\nm.total();\n",
            Undecided,
        ),
        (
            "javascript",
            at,
            def,
            "total",
            "src/app.ts",
            "export * from './lib/math';\n",
            Undecided,
        ),
        (
            "javascript",
            at,
            def,
            "total",
            "src/app.ts",
            "function total() {}\ntotal();\n",
            Unrelated,
        ),
    ]);
}

/// Rust: `use crate::…`, `super::`, qualified paths, other crates of a workspace by name, and
/// globs.
#[test]
fn rust_modules() {
    let at = "src/billing/tax.rs";
    let def = "pub fn rate() -> u32 { 1 }\n";
    check(&[
        (
            "rust",
            at,
            def,
            "rate",
            "src/main.rs",
            "use crate::billing::tax::rate;\nfn main() { rate(); }\n",
            Resolved,
        ),
        (
            "rust",
            at,
            def,
            "rate",
            "src/main.rs",
            "use crate::billing::tax;\nfn main() { tax::rate(); }\n",
            Resolved,
        ),
        (
            "rust",
            at,
            def,
            "rate",
            "src/main.rs",
            "use crate::billing::{tax::{rate as r}, other};\n",
            Resolved,
        ),
        (
            "rust",
            at,
            def,
            "rate",
            "src/billing/mod.rs",
            "pub mod tax;\nfn f() { tax::rate(); }\n",
            Resolved,
        ),
        (
            "rust",
            at,
            def,
            "rate",
            "src/billing/tax/sub.rs",
            "fn f() { super::rate(); }\n",
            Resolved,
        ),
        (
            "rust",
            at,
            def,
            "rate",
            "src/main.rs",
            "use crate::billing::tax::*;\n",
            Resolved,
        ),
        (
            "rust",
            at,
            def,
            "rate",
            "src/shop.rs",
            "use crate::shipping::rate;\nfn f() { rate(); }\n",
            Unrelated,
        ),
        (
            "rust",
            at,
            def,
            "rate",
            "src/shop.rs",
            "fn rate() {}\nfn f() { rate(); }\n",
            Unrelated,
        ),
        (
            "rust",
            "crates/core-lib/src/tax.rs",
            def,
            "rate",
            "crates/app/src/main.rs",
            "use core_lib::tax::rate;\n",
            Resolved,
        ),
        (
            "rust",
            "crates/core-lib/src/tax.rs",
            def,
            "rate",
            "crates/app/src/main.rs",
            "use other_lib::tax::rate;\n",
            Unrelated,
        ),
        (
            "rust",
            "crates/core-lib/src/lib.rs",
            def,
            "rate",
            "crates/app/src/main.rs",
            "fn f() { core_lib::rate(); }\n",
            Resolved,
        ),
    ]);
}

/// Java and Kotlin: same package sees it, other packages import the class, the package's
/// `*`, or write its full name.
#[test]
fn java_and_kotlin_packages() {
    let at = "src/main/java/com/shop/Cart.java";
    let def = "package com.shop;\n\npublic class Cart {}\n";
    let kt = "package com.shop\n\nfun total(): Int = 1\n";
    check(&[
        (
            "java",
            at,
            def,
            "Cart",
            "src/test/java/com/shop/CartTest.java",
            "package com.shop;\nclass CartTest { Cart c; }\n",
            Resolved,
        ),
        (
            "java",
            at,
            def,
            "Cart",
            "src/main/java/com/web/Page.java",
            "package com.web;\nimport com.shop.Cart;\nclass Page { Cart c; }\n",
            Resolved,
        ),
        (
            "java",
            at,
            def,
            "Cart",
            "src/main/java/com/web/Page.java",
            "package com.web;\nimport com.shop.*;\n",
            Resolved,
        ),
        (
            "java",
            at,
            def,
            "Cart",
            "src/main/java/com/web/Page.java",
            "package com.web;\nclass Page { com.shop.Cart c; }\n",
            Resolved,
        ),
        (
            "java",
            at,
            def,
            "Cart",
            "src/main/java/com/web/Page.java",
            "package com.web;\nimport com.legacy.Cart;\nclass Page { Cart c; }\n",
            Unrelated,
        ),
        (
            "java",
            at,
            def,
            "Cart",
            "src/main/java/com/web/Page.java",
            "package com.web;\nclass Page { Cart c; }\n",
            Unrelated,
        ),
        (
            "kotlin",
            "src/Total.kt",
            kt,
            "total",
            "src/Use.kt",
            "package com.shop\nfun f() = total()\n",
            Resolved,
        ),
        (
            "kotlin",
            "src/Total.kt",
            kt,
            "total",
            "src/Use.kt",
            "package com.web\nimport com.shop.total\nfun f() = total()\n",
            Resolved,
        ),
        (
            "kotlin",
            "src/Total.kt",
            kt,
            "total",
            "src/Use.kt",
            "package com.web\nfun f() = total()\n",
            Unrelated,
        ),
    ]);
}

/// C#: the same or a nested namespace, `using`, aliases; another namespace does not see it.
#[test]
fn csharp_namespaces() {
    let at = "Shop/Cart.cs";
    let def = "namespace Shop.Core\n{\n    public class Cart {}\n}\n";
    check(&[
        (
            "csharp",
            at,
            def,
            "Cart",
            "Shop/Use.cs",
            "namespace Shop.Core;\nclass U { Cart c; }\n",
            Resolved,
        ),
        (
            "csharp",
            at,
            def,
            "Cart",
            "Shop/Use.cs",
            "namespace Shop.Core.Web { class U { Cart c; } }\n",
            Resolved,
        ),
        (
            "csharp",
            at,
            def,
            "Cart",
            "Web/Use.cs",
            "using Shop.Core;\nnamespace Web { class U { Cart c; } }\n",
            Resolved,
        ),
        (
            "csharp",
            at,
            def,
            "Cart",
            "Web/Use.cs",
            "using C = Shop.Core.Cart;\nnamespace Web { }\n",
            Resolved,
        ),
        (
            "csharp",
            at,
            def,
            "Cart",
            "Web/Use.cs",
            "using Legacy;\nnamespace Web { class U { Cart c; } }\n",
            Unrelated,
        ),
    ]);
}

/// A C# `global using` of the namespace in any file opens it to every file of the project.
#[test]
fn csharp_global_using() {
    let home = scope(
        "csharp",
        "Shop/Cart.cs",
        b"namespace Shop.Core;\nclass Cart {}\n",
    )
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
    let empty = Scope::default();
    assert_eq!(
        resolve("ruby", &home, "a.rb", "f", "b.rb", &empty),
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
}
