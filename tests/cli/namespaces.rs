//! Names resolve within their namespace (issue 11): a same-named symbol in another Go package,
//! Python module, JS/TS module, Rust module or Java package is another symbol, so its users
//! are neither dependents nor dangling references of the changed one; users that import or
//! qualify it, or share its package, are. A name re-added with a new signature in the same
//! package is a signature change of that name.

use serde_json::Value;

use crate::support::{CLAUDE_TRAILER, Repo, blastgate, field_of};

/// A base commit with `before`, then an AI-assisted commit on `change` with `after` (`None`
/// removes the file); returns the JSON report and the exit code of `check --base main`.
pub(crate) fn judge(before: &[(&str, &str)], after: &[(&str, Option<&str>)]) -> (Value, i32) {
    let repo = Repo::new();
    for (path, text) in before {
        repo.write(path, text);
    }
    repo.commit("Before");
    repo.git(&["checkout", "-q", "-b", "change"]);
    for (path, text) in after {
        match text {
            Some(text) => repo.write(path, text),
            None => repo.remove(path),
        };
    }
    repo.commit(&format!("Change\n\n{CLAUDE_TRAILER}\n"));
    let run = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert!(
        matches!(run.code, 0 | 1 | 3),
        "{}{}",
        run.stdout,
        run.stderr
    );
    (run.json(), run.code)
}

/// The symbol entry named `name` whose change is `change`.
pub(crate) fn symbol<'r>(report: &'r Value, name: &str, change: &str) -> &'r Value {
    report["blast_radius"]["symbols"]
        .as_array()
        .and_then(|symbols| {
            symbols
                .iter()
                .find(|s| s["name"] == name && s["change"] == change)
        })
        .unwrap_or_else(|| panic!("no {change} {name}: {}", report["blast_radius"]))
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|list| {
            list.iter()
                .map(|v| v.as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Paths of the dangling sites of a symbol entry.
pub(crate) fn dangling_paths(entry: &Value) -> Vec<String> {
    entry["dangling"]
        .as_array()
        .map(|sites| {
            sites
                .iter()
                .map(|s| s["path"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The finding ids and the messages of `dependents` findings.
fn findings(report: &Value) -> (Vec<String>, String) {
    let ids = field_of(report, "findings", "id");
    let messages = report["findings"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter(|f| f["id"] == "dependents")
                .map(|f| f["message"].to_string())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    (ids, messages)
}

const GO_MOD: &str = "module example.com/shop\n\ngo 1.22\n";

/// Go: `a.Helper` and `b.Helper` share a name. Changing `a.Helper`'s signature makes its own
/// package's caller and the importer of `a` dependents, never `b`'s caller.
#[test]
fn go_same_func_name_in_another_package_is_not_a_dependent() {
    let (report, code) = judge(
        &[
            ("go.mod", GO_MOD),
            (
                "a/util.go",
                "package a\n\nfunc Helper(x int) int {\n\treturn x\n}\n",
            ),
            (
                "a/use.go",
                "package a\n\nfunc UseA() int {\n\treturn Helper(1)\n}\n",
            ),
            (
                "b/util.go",
                "package b\n\nfunc Helper(x int) int {\n\treturn x * 2\n}\n",
            ),
            (
                "b/use.go",
                "package b\n\nfunc UseB() int {\n\treturn Helper(2)\n}\n",
            ),
            (
                "cmd/main.go",
                "package main\n\nimport \"example.com/shop/a\"\n\nfunc main() {\n\t_ = a.Helper(3)\n}\n",
            ),
        ],
        &[(
            "a/util.go",
            Some("package a\n\nfunc Helper(x int, y int) int {\n\treturn x + y\n}\n"),
        )],
    );
    let helper = symbol(&report, "Helper", "signature-changed");
    assert_eq!(
        strings(&helper["dependent_files"]),
        ["a/use.go", "cmd/main.go"],
        "{helper}"
    );
    let (ids, _) = findings(&report);
    assert!(
        ids.contains(&"public-signature-changed".to_string()),
        "{ids:?}"
    );
    assert!(ids.contains(&"dependents".to_string()), "{ids:?}");
    assert_ne!(code, 2);
}

/// Python: `app.a.process` removed. The module importing it and the one using `app.a.process`
/// dangle; the user of `app.b.process` neither depends on it nor dangles.
#[test]
fn python_same_name_in_another_module_neither_depends_nor_dangles() {
    let (report, _) = judge(
        &[
            ("app/__init__.py", ""),
            (
                "app/a.py",
                "def process(x):\n    return x\n\n\ndef keep():\n    return 0\n",
            ),
            ("app/b.py", "def process(x):\n    return x * 2\n"),
            (
                "app/x.py",
                "from app.b import process\n\n\ndef run():\n    return process(1)\n",
            ),
            (
                "app/y.py",
                "import app.a\n\n\ndef run():\n    return app.a.process(1)\n",
            ),
            (
                "app/z.py",
                "from app.a import process\n\n\ndef run():\n    return process(2)\n",
            ),
        ],
        &[("app/a.py", Some("def keep():\n    return 0\n"))],
    );
    let process = symbol(&report, "process", "removed");
    assert_eq!(
        strings(&process["dependent_files"]),
        ["app/y.py", "app/z.py"],
        "{process}"
    );
    let dangling = dangling_paths(process);
    assert!(dangling.contains(&"app/y.py".to_string()), "{dangling:?}");
    assert!(dangling.contains(&"app/z.py".to_string()), "{dangling:?}");
    assert!(!dangling.contains(&"app/x.py".to_string()), "{dangling:?}");
    let (ids, _) = findings(&report);
    assert!(ids.contains(&"dangling-reference".to_string()), "{ids:?}");
    assert!(ids.contains(&"symbol-removed".to_string()), "{ids:?}");
}

/// JS/TS: `total` exported by two modules; only the importer of the changed one depends on it.
/// A wildcard re-export of it is counted and said to be undecided.
#[test]
fn typescript_import_from_another_module_is_not_a_dependent() {
    let (report, _) = judge(
        &[
            (
                "src/lib/math.ts",
                "export function total(xs: number[]): number {\n  return xs.length;\n}\n",
            ),
            (
                "src/lib/money.ts",
                "export function total(xs: number[]): number {\n  return 0;\n}\n",
            ),
            (
                "src/app.ts",
                "import { total } from './lib/money';\n\nexport function run(): number {\n  return total([]);\n}\n",
            ),
            (
                "src/report.ts",
                "import { total } from './lib/math';\n\nexport function show(): number {\n  return total([1]);\n}\n",
            ),
            (
                "src/all.ts",
                "export * from './lib/math';\nexport function again(): number {\n  return total([2]);\n}\n",
            ),
        ],
        &[(
            "src/lib/math.ts",
            Some(
                "export function total(xs: number[], scale: number): number {\n  return xs.length * scale;\n}\n",
            ),
        )],
    );
    let total = symbol(&report, "total", "signature-changed");
    assert_eq!(
        strings(&total["dependent_files"]),
        ["src/all.ts", "src/report.ts"],
        "{total}"
    );
    assert_eq!(
        strings(&total["undecided_files"]),
        ["src/all.ts"],
        "{total}"
    );
    let (ids, messages) = findings(&report);
    assert!(ids.contains(&"dependents".to_string()), "{ids:?}");
    assert!(
        messages.contains("wildcard or dynamic import"),
        "{messages}"
    );
}

/// Rust: `billing::rate` and `shipping::rate`; the module using `billing::rate` depends on the
/// changed one, the one importing `crate::shipping::rate` does not.
#[test]
fn rust_same_fn_in_another_module_is_not_a_dependent() {
    let (report, _) = judge(
        &[
            (
                "Cargo.toml",
                "[package]\nname = \"shop\"\nversion = \"0.1.0\"\n",
            ),
            (
                "src/lib.rs",
                "pub mod billing;\npub mod checkout;\npub mod shipping;\npub mod shop;\n",
            ),
            ("src/billing.rs", "pub fn rate(x: u32) -> u32 {\n    x\n}\n"),
            (
                "src/shipping.rs",
                "pub fn rate(x: u32) -> u32 {\n    x * 2\n}\n",
            ),
            (
                "src/shop.rs",
                "use crate::shipping::rate;\n\npub fn f() -> u32 {\n    rate(1)\n}\n",
            ),
            (
                "src/checkout.rs",
                "use crate::billing;\n\npub fn g() -> u32 {\n    billing::rate(1)\n}\n",
            ),
        ],
        &[(
            "src/billing.rs",
            Some("pub fn rate(x: u32, y: u32) -> u32 {\n    x + y\n}\n"),
        )],
    );
    let rate = symbol(&report, "rate", "signature-changed");
    assert_eq!(
        strings(&rate["dependent_files"]),
        ["src/checkout.rs"],
        "{rate}"
    );
    let (ids, _) = findings(&report);
    assert!(
        ids.contains(&"public-signature-changed".to_string()),
        "{ids:?}"
    );
}

/// Java: `com.shop.Cart` removed. Its importer and a class of its own package dangle; the
/// user of `com.legacy.Cart` does not.
#[test]
fn java_class_of_another_package_does_not_dangle() {
    let (report, _) = judge(
        &[
            (
                "src/com/shop/Cart.java",
                "package com.shop;\n\npublic class Cart {\n    public int size() { return 0; }\n}\n",
            ),
            (
                "src/com/shop/Checkout.java",
                "package com.shop;\n\npublic class Checkout {\n    public Cart cart() { return new Cart(); }\n}\n",
            ),
            (
                "src/com/legacy/Cart.java",
                "package com.legacy;\n\npublic class Cart {\n    public int size() { return 1; }\n}\n",
            ),
            (
                "src/com/web/Page.java",
                "package com.web;\n\nimport com.shop.Cart;\n\npublic class Page {\n    public Cart cart() { return new Cart(); }\n}\n",
            ),
            (
                "src/com/old/Screen.java",
                "package com.old;\n\nimport com.legacy.Cart;\n\npublic class Screen {\n    public Cart cart() { return new Cart(); }\n}\n",
            ),
        ],
        &[("src/com/shop/Cart.java", None)],
    );
    let cart = symbol(&report, "Cart", "removed");
    let dangling = dangling_paths(cart);
    assert!(
        dangling.contains(&"src/com/web/Page.java".to_string()),
        "{dangling:?}"
    );
    assert!(
        dangling.contains(&"src/com/shop/Checkout.java".to_string()),
        "{dangling:?}"
    );
    assert!(
        !dangling.contains(&"src/com/old/Screen.java".to_string()),
        "{dangling:?}"
    );
    assert!(
        !strings(&cart["dependent_files"]).contains(&"src/com/old/Screen.java".to_string()),
        "{cart}"
    );
    let (ids, _) = findings(&report);
    assert!(ids.contains(&"dangling-reference".to_string()), "{ids:?}");
}

/// Go: `Parse` renamed to `ParseLegacy` and a new `Parse` with another signature added in
/// another file of the package. That is `Parse`'s signature changing (its caller now gets the
/// new one), not a harmless rename: `public-signature-changed`, the caller a dependent, and
/// nothing dangling.
#[test]
fn name_reused_with_a_new_signature_is_a_signature_change() {
    let (report, _) = judge(
        &[
            ("go.mod", GO_MOD),
            (
                "text/parse.go",
                "package text\n\nfunc Parse(s string) int {\n\treturn len(s)\n}\n",
            ),
            (
                "text/use.go",
                "package text\n\nfunc Count() int {\n\treturn Parse(\"abc\")\n}\n",
            ),
        ],
        &[
            (
                "text/parse.go",
                Some("package text\n\nfunc ParseLegacy(s string) int {\n\treturn len(s)\n}\n"),
            ),
            (
                "text/strict.go",
                Some(
                    "package text\n\nfunc Parse(s string, strict bool) int {\n\tif strict {\n\t\treturn 0\n\t}\n\treturn 1\n}\n",
                ),
            ),
        ],
    );
    let parse = symbol(&report, "Parse", "signature-changed");
    assert_eq!(parse["old_file"], "text/parse.go", "{parse}");
    assert_eq!(
        strings(&parse["dependent_files"]),
        ["text/use.go"],
        "{parse}"
    );
    assert!(dangling_paths(parse).is_empty(), "{parse}");
    let renamed = report["blast_radius"]["symbols"].to_string();
    assert!(!renamed.contains("\"renamed\""), "{renamed}");
    let (ids, _) = findings(&report);
    assert!(
        ids.contains(&"public-signature-changed".to_string()),
        "{ids:?}"
    );
    assert!(!ids.contains(&"symbol-renamed".to_string()), "{ids:?}");
    assert!(!ids.contains(&"dangling-reference".to_string()), "{ids:?}");
}

/// Methods keep name-based resolution: an override removed while a same-named method is still
/// defined in the change (here the base class it inherits from) leaves no dangling reference,
/// as before namespaces (a regression seen on flask's `SecureCookieSession.get`).
#[test]
fn removed_override_with_the_method_still_defined_does_not_dangle() {
    let (report, _) = judge(
        &[
            (
                "app/base.py",
                "class Base:\n    def get(self, key):\n        return key\n",
            ),
            (
                "app/session.py",
                "from app.base import Base\n\n\nclass Session(Base):\n    def get(self, key):\n        return 1\n\n    def keep(self):\n        return 2\n",
            ),
            (
                "app/use.py",
                "from app.session import Session\n\n\ndef run(s: Session):\n    return s.get(1)\n",
            ),
        ],
        &[
            (
                "app/base.py",
                Some("class Base:\n    def get(self, key):\n        return key or 0\n"),
            ),
            (
                "app/session.py",
                Some(
                    "from app.base import Base\n\n\nclass Session(Base):\n    def keep(self):\n        return 2\n",
                ),
            ),
        ],
    );
    let get = symbol(&report, "get", "removed");
    assert_eq!(get["container"], "Session", "{get}");
    assert!(dangling_paths(get).is_empty(), "{get}");
    assert_eq!(report["blast_radius"]["dangling_references"], 0);
}

/// TypeScript: a file that imports or re-exports a name uses the binding it imports, never a
/// method of the same name; removing `Telemetry.capture` leaves the barrel's
/// `export { capture } from "./events"` and the free function's callers alone, while a member
/// call on a `Telemetry` still dangles.
#[test]
fn an_imported_namesake_of_a_removed_method_does_not_dangle() {
    const TELEMETRY: &str = "export class Telemetry {\n  capture(event: string) {\n    return event;\n  }\n\n  flush() {\n    return 0;\n  }\n}\n";
    let (report, _) = judge(
        &[
            ("src/telemetry.ts", TELEMETRY),
            (
                "src/events.ts",
                "export function capture(event: string) {\n  return event;\n}\n",
            ),
            (
                "src/index.ts",
                "export { Telemetry } from \"./telemetry\";\nexport {\n  capture,\n} from \"./events\";\n",
            ),
            (
                "src/send.ts",
                "import { capture } from \"./events\";\nimport { Telemetry } from \"./telemetry\";\n\nexport function send(t: Telemetry) {\n  return capture(\"x\") + t.flush();\n}\n",
            ),
            (
                "src/old.ts",
                "import { Telemetry } from \"./telemetry\";\n\nexport function old(t: Telemetry) {\n  return t.capture(\"y\");\n}\n",
            ),
        ],
        &[(
            "src/telemetry.ts",
            Some("export class Telemetry {\n  flush() {\n    return 0;\n  }\n}\n"),
        )],
    );
    let capture = symbol(&report, "capture", "removed");
    assert_eq!(capture["container"], "Telemetry", "{capture}");
    assert_eq!(dangling_paths(capture), ["src/old.ts"], "{capture}");
}
