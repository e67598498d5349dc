//! Structural analysis edge cases: what must not inflate the blast radius, and odd input that
//! must degrade to a stated fallback instead of failing or being skipped.

use serde_json::Value;

use crate::support::{CLAUDE_TRAILER, Repo, blastgate, field_of};

fn two_commits(before: &[(&str, &str)], after: &[(&str, Option<&str>)]) -> Repo {
    let repo = Repo::new();
    for (path, text) in before {
        repo.write(path, text);
    }
    repo.commit("Before");
    repo.git(&["checkout", "-q", "-b", "change"]);
    for (path, text) in after {
        match text {
            Some(text) => {
                repo.write(path, text);
            }
            None => {
                repo.remove(path);
            }
        }
    }
    repo.commit(&format!("After\n\n{CLAUDE_TRAILER}\n"));
    repo
}

fn report(repo: &Repo) -> Value {
    let result = blastgate(repo, &["check", "--base", "main", "--format", "json"]);
    assert!(
        matches!(result.code, 0 | 1 | 3),
        "{}{}",
        result.stdout,
        result.stderr
    );
    result.json()
}

const ORDER: &str = "class Order:\n    def save(self):\n        return 1\n";
const CUSTOMER: &str = "class Customer:\n    def save(self):\n        return 2\n";
const USES_CUSTOMER: &str =
    "from customer import Customer\n\n\ndef register():\n    c = Customer()\n    return c.save()\n";

/// Changing `Order.save` does not make callers of an unrelated `Customer.save` dependents.
#[test]
fn same_named_method_on_unrelated_type_is_not_a_dependent() {
    let repo = two_commits(
        &[
            ("src/order.py", ORDER),
            ("src/customer.py", CUSTOMER),
            ("src/register.py", USES_CUSTOMER),
        ],
        &[(
            "src/order.py",
            Some("class Order:\n    def save(self, force):\n        return 1\n"),
        )],
    );
    let report = report(&repo);
    let symbols = report["blast_radius"]["symbols"].to_string();
    assert!(symbols.contains("\"save\""), "{symbols}");
    assert!(!symbols.contains("src/register.py"), "{symbols}");
}

/// A reformatted file (whitespace and comments only) has no symbol changes and no line points.
#[test]
fn reformatted_file_carries_no_structural_risk() {
    let before = "def total(items):\n    return sum(items)\n\n\ndef label(x):\n    return str(x)\n";
    let after = "# Totals.\ndef total( items ):\n\n    return sum( items )  # all of them\n\n\ndef label( x ):\n    return str( x )\n";
    let repo = two_commits(&[("src/calc.py", before)], &[("src/calc.py", Some(after))]);
    let report = report(&repo);
    assert_eq!(
        report["blast_radius"]["symbols"].as_array().map(Vec::len),
        Some(0),
        "{}",
        report["blast_radius"]
    );
    let found = field_of(&report, "findings", "id");
    assert!(found.contains(&"cosmetic-edit".to_string()), "{found:?}");
    assert!(!found.contains(&"lines-added".to_string()), "{found:?}");
    assert_eq!(report["decision"], "allow");
}

/// A file moved without edits: a rename of the file, no symbol removed, nothing dangling.
#[test]
fn file_moved_without_edits_breaks_nothing() {
    let lib = "def helper():\n    return 1\n";
    let caller = "from lib import helper\n\n\ndef main():\n    return helper()\n";
    let repo = Repo::new();
    repo.write("src/lib.py", lib).write("src/main.py", caller);
    repo.commit("Before");
    repo.git(&["checkout", "-q", "-b", "move"]);
    std::fs::create_dir_all(repo.path.join("src/util")).expect("target dir");
    repo.git(&["mv", "src/lib.py", "src/util/lib.py"]);
    repo.commit(&format!("Move\n\n{CLAUDE_TRAILER}\n"));
    let report = report(&repo);
    assert_eq!(report["files"][0]["status"], "renamed");
    assert_eq!(report["blast_radius"]["dangling_references"], 0);
    assert_eq!(
        report["blast_radius"]["symbols_changed"], 0,
        "{}",
        report["blast_radius"]
    );
    assert_eq!(report["decision"], "allow");
}

/// A function moved to another file (removed here, added there with the same body) and
/// imported back is a move (issue 11: without the import it is a removal).
#[test]
fn function_moved_between_files_is_a_move() {
    let repo = two_commits(
        &[
            (
                "src/a.py",
                "def shared(x):\n    return x + 1\n\n\ndef stay():\n    return 0\n",
            ),
            ("src/b.py", "def other():\n    return 2\n"),
        ],
        &[
            (
                "src/a.py",
                Some("from b import shared\n\n\ndef stay():\n    return 0\n"),
            ),
            (
                "src/b.py",
                Some("def other():\n    return 2\n\n\ndef shared(x):\n    return x + 1\n"),
            ),
        ],
    );
    let report = report(&repo);
    let symbols = report["blast_radius"]["symbols"]
        .as_array()
        .expect("symbols");
    assert!(
        symbols.iter().any(|s| s["change"] == "moved"
            && s["name"] == "shared"
            && s["old_file"] == "src/a.py"),
        "{symbols:?}"
    );
    assert!(
        !symbols.iter().any(|s| s["change"] == "removed"),
        "{symbols:?}"
    );
}

/// A file with a syntax error is still analysed for what parses; the good symbols are found.
#[test]
fn syntax_errors_do_not_hide_the_rest_of_the_file() {
    let before = "def keep():\n    return 1\n\n\ndef drop_me():\n    return 2\n";
    let after = "def keep():\n    return 1\n\n\ndef broken(:\n    return\n";
    let repo = two_commits(&[("src/m.py", before)], &[("src/m.py", Some(after))]);
    let report = report(&repo);
    let symbols = report["blast_radius"]["symbols"].to_string();
    assert!(
        symbols.contains("drop_me")
            || report["blast_radius"]["coverage"]["not_analysed"]
                .to_string()
                .contains("m.py"),
        "{}",
        report["blast_radius"]
    );
}

/// Minified and vendored files and lockfiles are recognised, counted (not by their lines), and
/// not outlined.
#[test]
fn generated_files_are_counted_not_parsed() {
    let minified = format!("function a(){{return 1}}{}\n", ";var b=2".repeat(3000));
    let repo = two_commits(
        &[("README.md", "x\n")],
        &[
            ("static/app.min.js", Some(&minified)),
            ("vendor/lib/util.py", Some("def v():\n    return 1\n")),
            ("Cargo.lock", Some("# lock\n")),
        ],
    );
    let report = report(&repo);
    let gaps = report["blast_radius"]["coverage"]["not_analysed"]
        .as_array()
        .expect("gaps")
        .clone();
    for path in ["static/app.min.js", "vendor/lib/util.py", "Cargo.lock"] {
        let gap = gaps
            .iter()
            .find(|g| g["file"] == path)
            .unwrap_or_else(|| panic!("{path} not in {gaps:?}"));
        assert!(
            matches!(
                gap["reason"].as_str(),
                Some("generated" | "unsupported-language")
            ),
            "{gap}"
        );
        assert_eq!(gap["counted_as_risk"], false);
    }
    // Counted: the minified and vendored trees once each, the lockfile by its packages (a
    // refresh here: no manifest beside it), never by its lines.
    let ids = field_of(&report, "findings", "id");
    for id in ["generated-changed", "lockfile-refreshed"] {
        assert!(ids.contains(&id.to_string()), "{id}: {ids:?}");
    }
}

/// Non-UTF-8 content, CRLF line endings and a BOM do not stop the analysis.
#[test]
fn encodings_crlf_and_bom() {
    let before = "\u{feff}def first():\r\n    return 'caf\u{e9}'\r\n\r\n\r\ndef second():\r\n    return 2\r\n";
    let mut latin1 = b"def first():\n    return '".to_vec();
    latin1.push(0xe9);
    latin1.extend_from_slice(b"'\n");
    let repo = Repo::new();
    repo.write("src/bom.py", before)
        .write("src/latin.py", &latin1);
    repo.commit("Before");
    repo.git(&["checkout", "-q", "-b", "change"]);
    repo.write(
        "src/bom.py",
        "\u{feff}def first():\r\n    return 'caf\u{e9}'\r\n",
    );
    let mut latin1_after = latin1.clone();
    latin1_after.extend_from_slice(b"\n\ndef added():\n    return 3\n");
    repo.write("src/latin.py", &latin1_after);
    repo.commit("Change");
    let report = report(&repo);
    let symbols = report["blast_radius"]["symbols"]
        .as_array()
        .expect("symbols");
    assert!(
        symbols
            .iter()
            .any(|s| s["change"] == "removed" && s["name"] == "second" && s["line"] == 5),
        "{symbols:?}"
    );
    assert!(
        symbols
            .iter()
            .any(|s| s["change"] == "added" && s["name"] == "added"),
        "{symbols:?}"
    );
}

/// A file deleted and re-added under the same name in one range is just a modification.
#[test]
fn deleted_and_re_added_file() {
    let repo = Repo::new();
    repo.write("src/x.py", "def f():\n    return 1\n");
    repo.commit("Before");
    repo.git(&["checkout", "-q", "-b", "change"]);
    repo.remove("src/x.py");
    repo.commit("Delete");
    repo.write("src/x.py", "def f():\n    return 2\n");
    repo.commit("Re-add");
    let report = report(&repo);
    assert_eq!(report["files"][0]["status"], "modified");
    let symbols = report["blast_radius"]["symbols"]
        .as_array()
        .expect("symbols");
    assert!(
        symbols.iter().all(|s| s["change"] == "body-changed"),
        "{symbols:?}"
    );
}

/// A name still found where its users look for it is not reported as dangling: `a.helper`'s
/// definition is gone, but `a` now imports (re-exports) the `helper` that `b` defines.
#[test]
fn symbol_defined_in_several_places_is_not_dangling() {
    let repo = two_commits(
        &[
            ("src/a.py", "def helper():\n    return 1\n"),
            (
                "src/b.py",
                "def helper():\n    return 1\n\n\ndef extra():\n    return 5\n",
            ),
            (
                "src/use.py",
                "from a import helper\n\n\ndef run():\n    return helper()\n",
            ),
        ],
        &[
            (
                "src/a.py",
                Some("from b import helper\n\n\ndef unrelated():\n    return 7\n"),
            ),
            ("src/b.py", Some("def helper():\n    return 1\n")),
        ],
    );
    let report = report(&repo);
    assert_eq!(
        report["blast_radius"]["dangling_references"], 0,
        "{}",
        report["blast_radius"]
    );
}

/// A method override removed from a class with a base (`Manager(BaseManager)`) is found in
/// the base again, often a library's: its callers are not dangling (langgraph aa94790). The
/// same method removed from a class without a base leaves them dangling.
#[test]
fn removed_override_of_a_class_with_a_base_is_not_dangling() {
    let caller = "from manager import Manager\n\n\ndef wire(manager, handler):\n    manager.add_handler(handler)\n";
    for (header, dangling) in [("class Manager(BaseManager):", 0), ("class Manager:", 1)] {
        let before = format!(
            "from lib import BaseManager\n\n\n{header}\n    def add_handler(self, handler):\n        self.handlers.append(handler)\n\n    def run(self):\n        return 1\n"
        );
        let after = format!(
            "from lib import BaseManager\n\n\n{header}\n    def run(self):\n        return 1\n"
        );
        let repo = two_commits(
            &[("src/manager.py", &before), ("src/wire.py", caller)],
            &[("src/manager.py", Some(&after))],
        );
        let report = report(&repo);
        assert_eq!(
            report["blast_radius"]["dangling_references"], dangling,
            "{header}: {}",
            report["blast_radius"]
        );
    }
}

/// A class deleted with its methods: another changed file calling `.is_done()` on a type of
/// its own, never naming the class, is not left dangling by the methods (browser-use
/// 54aa7c3); a method removed from a class that stays is still dangling where the class is
/// named.
#[test]
fn methods_of_a_deleted_class_are_not_dangling_on_other_types() {
    let history = "class CodeHistory:\n    def is_done(self):\n        return True\n\n\ndef make():\n    return CodeHistory()\n";
    let tools = "from agent import Agent\n\n\ndef step(agent: Agent):\n    return agent.history.is_done()\n";
    let repo = two_commits(
        &[("src/history.py", history), ("src/tools.py", tools)],
        &[
            ("src/history.py", Some("def make():\n    return None\n")),
            (
                "src/tools.py",
                Some(&format!("{tools}\n\ndef other():\n    return 2\n")),
            ),
        ],
    );
    let first = report(&repo);
    assert_eq!(
        first["blast_radius"]["dangling_references"], 0,
        "{}",
        first["blast_radius"]
    );
    // The class stays, its method goes, and a changed file that names the class still calls it.
    let user =
        "from history import CodeHistory\n\n\ndef check(h: CodeHistory):\n    return h.is_done()\n";
    let repo = two_commits(
        &[("src/history.py", history), ("src/user.py", user)],
        &[
            (
                "src/history.py",
                Some("class CodeHistory:\n    pass\n\n\ndef make():\n    return CodeHistory()\n"),
            ),
            (
                "src/user.py",
                Some(&format!("{user}\n\ndef other():\n    return 2\n")),
            ),
        ],
    );
    let report = report(&repo);
    assert_eq!(
        report["blast_radius"]["dangling_references"], 1,
        "{}",
        report["blast_radius"]
    );
}

/// A Go method removed from a file its type is not defined in leaves its callers dangling:
/// the type is still there, in another file of the package.
#[test]
fn go_method_removed_apart_from_its_type_is_dangling() {
    let use_go = "package store\n\nfunc Flush(s *Store) {\n\ts.Save()\n}\n";
    let repo = two_commits(
        &[
            ("store/types.go", "package store\n\ntype Store struct{}\n"),
            (
                "store/methods.go",
                "package store\n\nfunc (s *Store) Save() {}\n\nfunc (s *Store) Load() {}\n",
            ),
            ("store/use.go", use_go),
        ],
        &[
            (
                "store/methods.go",
                Some("package store\n\nfunc (s *Store) Load() {}\n"),
            ),
            (
                "store/use.go",
                Some(&format!("{use_go}\nfunc Other() {{}}\n")),
            ),
        ],
    );
    let report = report(&repo);
    assert_eq!(
        report["blast_radius"]["dangling_references"], 1,
        "{}",
        report["blast_radius"]
    );
}

/// A kind of file without a grammar falls back to text with a stated reason and no extra risk.
#[test]
fn unsupported_language_falls_back_with_a_reason() {
    let repo = two_commits(
        &[("README.md", "x\n")],
        &[("src/thing.zig", Some("pub fn main() void {}\n"))],
    );
    let report = report(&repo);
    let gap = &report["blast_radius"]["coverage"]["not_analysed"][0];
    assert_eq!(gap["file"], "src/thing.zig");
    assert_eq!(gap["reason"], "unsupported-language");
    assert_eq!(gap["counted_as_risk"], false);
}

/// Reach beyond direct callers: a removed function's caller is itself called from another
/// file (transitive), and a dependent in a critical tier (`**/auth/**`) is counted as such.
#[test]
fn transitive_reach_and_critical_dependents() {
    let repo = two_commits(
        &[
            (
                "src/pricing.py",
                "def rate(x):\n    return x * 2\n\n\ndef keep():\n    return 1\n",
            ),
            (
                "src/checkout.py",
                "from pricing import rate\n\n\ndef checkout(x):\n    return rate(x)\n",
            ),
            (
                "src/api.py",
                "from checkout import checkout\n\n\ndef handle(x):\n    return checkout(x)\n",
            ),
            (
                "src/auth/session.py",
                "from pricing import rate\n\n\ndef login(x):\n    return rate(x)\n",
            ),
        ],
        &[(
            "src/pricing.py",
            Some("def rate(x, currency):\n    return x * 2\n\n\ndef keep():\n    return 1\n"),
        )],
    );
    let report = report(&repo);
    let blast = &report["blast_radius"];
    let rate = blast["symbols"]
        .as_array()
        .expect("symbols")
        .iter()
        .find(|s| s["name"] == "rate")
        .expect("rate changed");
    assert_eq!(rate["change"], "signature-changed");
    let direct: Vec<&str> = rate["dependent_files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(direct, ["src/auth/session.py", "src/checkout.py"]);
    let transitive: Vec<&str> = rate["transitive_files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(transitive, ["src/api.py"]);
    assert_eq!(blast["critical_dependents"], 1);
    assert!(field_of(&report, "findings", "id").contains(&"transitive-dependents".to_string()));
}

/// Fail closed: when the dependents search cannot read the tree (an object missing, as in a
/// broken or partial clone), the unknown reach is a visible gap counted as risk, not silence.
#[test]
fn unreadable_tree_is_a_counted_gap() {
    let repo = two_commits(
        &[
            (
                "src/lib.py",
                "def helper():\n    return 1\n\n\ndef keep():\n    return 2\n",
            ),
            (
                "src/caller.py",
                "from lib import helper\n\n\ndef run():\n    return helper()\n",
            ),
        ],
        &[("src/lib.py", Some("def keep():\n    return 2\n"))],
    );
    let blob = repo.git(&["rev-parse", "main:src/caller.py"]);
    let object = repo
        .path
        .join(".git/objects")
        .join(&blob[..2])
        .join(&blob[2..]);
    std::fs::remove_file(&object).expect("caller blob is a loose object");
    let report = report(&repo);
    let gaps = &report["blast_radius"]["coverage"]["not_analysed"];
    let gap = gaps
        .as_array()
        .expect("gaps")
        .iter()
        .find(|g| g["file"] == "src/lib.py")
        .unwrap_or_else(|| panic!("no gap in {gaps}"));
    assert_eq!(gap["reason"], "failed");
    assert_eq!(gap["counted_as_risk"], true);
    assert!(field_of(&report, "findings", "id").contains(&"unanalysable-file".to_string()));
}
