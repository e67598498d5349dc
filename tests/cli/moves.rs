//! Definitions that move to another namespace: a file renamed into another module or package,
//! or a definition moved to another file. A use that still names the old place is a dangling
//! reference, whatever the move did to the code; a move whose users follow it (updated
//! imports, a package `__init__.py` that re-exports, an import that finds both places) breaks
//! nothing and is not reported.

use serde_json::Value;

use crate::namespaces::{dangling_paths, judge, symbol};

const BILLING: &str = "def charge(x):\n    return x + 1\n\n\ndef refund(y):\n    return y * 2\n";
const APP: &str = "from shop.billing import charge\n\n\ndef run():\n    return charge(3)\n";
const APP_MOVED: &str = "from shop.ledger import charge\n\n\ndef run():\n    return charge(3)\n";
const REPORTS: &str = "from shop.billing import refund\n\n\ndef undo():\n    return refund(3)\n";

/// The base every Python case starts from: `shop/billing.py` and two importers.
fn python_base() -> Vec<(&'static str, &'static str)> {
    vec![
        ("shop/__init__.py", ""),
        ("shop/billing.py", BILLING),
        ("app.py", APP),
        ("reports.py", REPORTS),
    ]
}

fn dangling_count(report: &Value) -> u64 {
    report["blast_radius"]["dangling_references"]
        .as_u64()
        .unwrap_or_else(|| panic!("no count: {}", report["blast_radius"]))
}

/// `git mv shop/billing.py shop/ledger.py` with both importers left alone: each import and
/// call dangles, the AI-assisted change goes to review, and the finding says where it went.
/// Before, the file's definitions were paired by name and nothing was found (allow, 1.1).
#[test]
fn a_renamed_module_leaves_its_importers_dangling() {
    let (report, code) = judge(
        &python_base(),
        &[("shop/billing.py", None), ("shop/ledger.py", Some(BILLING))],
    );
    assert_eq!(
        report["files"][0]["status"], "renamed",
        "{}",
        report["files"]
    );
    let charge = symbol(&report, "charge", "moved");
    assert_eq!(charge["old_file"], "shop/billing.py");
    assert_eq!(dangling_paths(charge), ["app.py", "app.py"], "{charge}");
    assert_eq!(
        dangling_paths(symbol(&report, "refund", "moved")),
        ["reports.py", "reports.py"]
    );
    assert_eq!(dangling_count(&report), 4);
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["id"] == "dangling-reference")
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert!(
        messages
            .contains(&"still uses `charge` from shop/billing.py, which moved to shop/ledger.py"),
        "{messages:?}"
    );
    assert_eq!(report["decision"], "review");
    assert_eq!(code, 3);
}

/// An importer that also loads modules by computed names (`importlib.import_module(name)`)
/// may find anything, the new place included, but only maybe: its import of the old module
/// still dangles.
#[test]
fn a_dynamic_import_beside_the_old_import_does_not_hide_it() {
    let app = "import importlib\n\nfrom shop.billing import charge\n\n\ndef run(name):\n    importlib.import_module(name)\n    return charge(3)\n";
    let mut base = python_base();
    base.push(("plugins.py", app));
    let (report, code) = judge(
        &base,
        &[("shop/billing.py", None), ("shop/ledger.py", Some(BILLING))],
    );
    let charge = symbol(&report, "charge", "moved");
    assert!(
        dangling_paths(charge).contains(&"plugins.py".to_string()),
        "{charge}"
    );
    assert_eq!(code, 3);
}

/// A module renamed out of its language (`billing.py` → `billing.py.bak`) or into a stub that
/// only declares types (`billing.pyi`) is deleted as code: its definitions are removed and
/// their importers dangle. Before, both were allowed: the first was judged by its new name
/// alone, an unsupported one, and the second as the same module.
#[test]
fn a_module_renamed_out_of_its_language_is_deleted_as_code() {
    for renamed in ["shop/billing.py.bak", "shop/billing.pyi"] {
        let (report, code) = judge(
            &python_base(),
            &[("shop/billing.py", None), (renamed, Some(BILLING))],
        );
        assert_eq!(
            report["files"][0]["status"], "renamed",
            "{}",
            report["files"]
        );
        let charge = symbol(&report, "charge", "removed");
        assert_eq!(charge["file"], "shop/billing.py");
        assert_eq!(
            dangling_paths(charge),
            ["app.py", "app.py"],
            "{renamed}: {charge}"
        );
        assert_eq!(dangling_count(&report), 4, "{renamed}");
        assert_eq!(code, 3, "{renamed}");
    }
}

/// The same rename with every importer updated breaks nothing: no symbol is listed, nothing
/// dangles, and the change is allowed. With one importer updated, only the other dangles.
#[test]
fn a_renamed_module_whose_importers_follow_it_breaks_nothing() {
    let both = [
        ("shop/billing.py", None),
        ("shop/ledger.py", Some(BILLING)),
        ("app.py", Some(APP_MOVED)),
        (
            "reports.py",
            Some("from shop.ledger import refund\n\n\ndef undo():\n    return refund(3)\n"),
        ),
    ];
    let (report, code) = judge(&python_base(), &both);
    assert_eq!(dangling_count(&report), 0, "{}", report["blast_radius"]);
    assert_eq!(report["blast_radius"]["symbols"], Value::Array(Vec::new()));
    assert_eq!((report["decision"].as_str(), code), (Some("allow"), 0));

    let (report, _) = judge(&python_base(), &both[..3]);
    assert_eq!(
        dangling_paths(symbol(&report, "refund", "moved")),
        ["reports.py", "reports.py"]
    );
    assert!(
        !report["blast_radius"]["symbols"]
            .as_array()
            .expect("symbols")
            .iter()
            .any(|s| s["name"] == "charge"),
        "{}",
        report["blast_radius"]["symbols"]
    );
}

/// A module become a package (`shop/billing.py` → `shop/billing/_impl.py`, with an
/// `__init__.py` that re-exports its names) is still the module its importers name: nothing
/// dangles (python-sdk 3bcdc1763f was 120 false dangling references before).
#[test]
fn a_module_become_a_package_that_re_exports_keeps_its_importers() {
    let (report, code) = judge(
        &python_base(),
        &[
            ("shop/billing.py", None),
            ("shop/billing/_impl.py", Some(BILLING)),
            (
                "shop/billing/__init__.py",
                Some("from shop.billing._impl import charge, refund\n"),
            ),
        ],
    );
    assert_eq!(dangling_count(&report), 0, "{}", report["blast_radius"]);
    assert_eq!((report["decision"].as_str(), code), (Some("allow"), 0));
}

/// Users that import the names from the package (`from shop import charge`) reach them through
/// the package's re-export: when `shop/__init__.py` follows the rename they are fine; when it
/// is left naming the old module, that re-export is what dangles.
#[test]
fn a_package_re_export_decides_for_the_users_of_the_package() {
    let init = "from .billing import charge, refund\n";
    let users = "from shop import charge\n\n\ndef run():\n    return charge(3)\n";
    let base = [
        ("shop/__init__.py", init),
        ("shop/billing.py", BILLING),
        ("app.py", users),
    ];
    let moved = [("shop/billing.py", None), ("shop/ledger.py", Some(BILLING))];
    let (followed, code) = judge(
        &base,
        &[
            moved[0],
            moved[1],
            (
                "shop/__init__.py",
                Some("from .ledger import charge, refund\n"),
            ),
        ],
    );
    assert_eq!(dangling_count(&followed), 0, "{}", followed["blast_radius"]);
    assert_eq!(code, 0);

    let (left, code) = judge(&base, &moved);
    let charge = symbol(&left, "charge", "moved");
    assert_eq!(dangling_paths(charge), ["shop/__init__.py"], "{charge}");
    assert_eq!(code, 3);
}

/// A function moved to another module and imported from there by a new file is a move; the
/// module that still imports it from the old place dangles (before, the move hid it).
#[test]
fn a_moved_function_dangles_where_it_is_still_imported_from_the_old_module() {
    let (report, code) = judge(
        &python_base(),
        &[
            (
                "shop/billing.py",
                Some("def charge(x):\n    return x + 1\n"),
            ),
            (
                "shop/refunds.py",
                Some("def refund(y):\n    return y * 2\n"),
            ),
            (
                "undo.py",
                Some("from shop.refunds import refund\n\nrefund(1)\n"),
            ),
        ],
    );
    let refund = symbol(&report, "refund", "moved");
    assert_eq!(refund["old_file"], "shop/billing.py");
    assert_eq!(
        dangling_paths(refund),
        ["reports.py", "reports.py"],
        "{refund}"
    );
    assert_eq!(code, 3);
}

/// TypeScript: a renamed module's importer that still names `./billing` dangles.
#[test]
fn a_renamed_typescript_module_leaves_its_importer_dangling() {
    let total = "export function total(xs: number[]): number {\n  return xs.length;\n}\n";
    let base = [
        ("src/billing.ts", total),
        (
            "src/app.ts",
            "import { total } from './billing';\n\nexport const n = total([]);\n",
        ),
    ];
    let (report, code) = judge(
        &base,
        &[("src/billing.ts", None), ("src/ledger.ts", Some(total))],
    );
    assert_eq!(
        dangling_paths(symbol(&report, "total", "moved")),
        ["src/app.ts", "src/app.ts"]
    );
    assert_eq!(code, 3);
    let (report, code) = judge(
        &base,
        &[
            ("src/billing.ts", None),
            ("src/ledger.ts", Some(total)),
            (
                "src/app.ts",
                Some("import { total } from './ledger';\n\nexport const n = total([]);\n"),
            ),
        ],
    );
    assert_eq!(dangling_count(&report), 0, "{}", report["blast_radius"]);
    assert_eq!(code, 0);
}

const GO_MOD: &str = "module example.com/shop\n\ngo 1.22\n";
const RATE_GO: &str = "package rates\n\nfunc Rate(x int) int {\n\treturn x\n}\n";

/// Go: a file moved to another package directory leaves the importer of the old package
/// dangling (crush cef17f6be9 moved a test with its package and left its import behind); a
/// file renamed within its directory stays in its package and breaks nothing.
#[test]
fn a_go_file_moved_to_another_package_leaves_its_importer_dangling() {
    let base = [
        ("go.mod", GO_MOD),
        ("rates/rate.go", RATE_GO),
        (
            "cmd/main.go",
            "package main\n\nimport \"example.com/shop/rates\"\n\nfunc main() {\n\t_ = rates.Rate(1)\n}\n",
        ),
    ];
    let (report, code) = judge(
        &base,
        &[
            ("rates/rate.go", None),
            ("pricing/rates/rate.go", Some(RATE_GO)),
        ],
    );
    assert_eq!(
        dangling_paths(symbol(&report, "Rate", "moved")),
        ["cmd/main.go"]
    );
    assert_eq!(code, 3);
    let (report, code) = judge(
        &base,
        &[("rates/rate.go", None), ("rates/rating.go", Some(RATE_GO))],
    );
    assert_eq!(dangling_count(&report), 0, "{}", report["blast_radius"]);
    assert_eq!(code, 0);
}

const CARGO: &str = "[package]\nname = \"shop\"\nversion = \"0.1.0\"\n";
const RATE_RS: &str = "pub fn rate(x: u32) -> u32 {\n    x\n}\n";

/// Rust: a module file renamed within its crate leaves `use crate::billing::rate` dangling.
/// Moved to another crate's directory it is not judged: the crate's name is guessed from its
/// directory, and `Cargo.toml` can keep the old one (uv 14507a1793 renamed every crate
/// directory and kept the names).
#[test]
fn a_renamed_rust_module_dangles_within_its_crate_only() {
    let base = [
        ("Cargo.toml", CARGO),
        ("src/lib.rs", "pub mod billing;\npub mod shop;\n"),
        ("src/billing.rs", RATE_RS),
        (
            "src/shop.rs",
            "use crate::billing::rate;\n\npub fn f() -> u32 {\n    rate(1)\n}\n",
        ),
    ];
    let (report, code) = judge(
        &base,
        &[
            ("src/lib.rs", Some("pub mod ledger;\npub mod shop;\n")),
            ("src/billing.rs", None),
            ("src/ledger.rs", Some(RATE_RS)),
        ],
    );
    assert_eq!(
        dangling_paths(symbol(&report, "rate", "moved")),
        ["src/shop.rs", "src/shop.rs"]
    );
    assert_eq!(code, 3);

    let crates = [
        (
            "crates/billing/Cargo.toml",
            "[package]\nname = \"billing\"\nversion = \"0.1.0\"\n",
        ),
        ("crates/billing/src/lib.rs", RATE_RS),
        (
            "crates/shop/src/lib.rs",
            "use billing::rate;\n\npub fn f() -> u32 {\n    rate(1)\n}\n",
        ),
    ];
    let (report, _) = judge(
        &crates,
        &[
            ("crates/billing/Cargo.toml", None),
            ("crates/billing/src/lib.rs", None),
            ("crates/shop-billing/Cargo.toml", Some(crates[0].1)),
            ("crates/shop-billing/src/lib.rs", Some(RATE_RS)),
        ],
    );
    assert_eq!(dangling_count(&report), 0, "{}", report["blast_radius"]);
}
