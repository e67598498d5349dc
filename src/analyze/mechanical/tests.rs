//! Real-shaped formatter runs are the same code; edits that look like one but change a token
//! or the nesting are not.

use super::{Edit, same_code};
use crate::analyze::blast::cache::Cache;

/// The comparison computed afresh; also computed through a cache, and read back from it by a
/// later run, each of which must agree.
fn judge(path: &str, before: &str, after: &str) -> Option<Edit> {
    let (before, after) = (before.as_bytes(), after.as_bytes());
    let fresh = same_code(path, before, after, &Cache::disabled());
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = Cache::open(dir.path());
    assert_eq!(same_code(path, before, after, &cache), fresh, "computed");
    drop(cache);
    let cache = Cache::open(dir.path());
    assert_eq!(same_code(path, before, after, &cache), fresh, "kept");
    fresh
}

const PY_BEFORE: &str = r"import sys
import os
from app.models import User, Account

def load(path, mode='r'):
    with open(path, mode) as handle:
        return [line.strip() for line in handle if line != '\n']

CONFIG = {'name': 'app', 'debug': False,
          'paths': ['a', 'b']}

def main():
    if (len(sys.argv) > 1):
        print(load(sys.argv[1]))
    x = 1 + \
        2
    return x
";

/// `black` + isort output for `PY_BEFORE`: double quotes, trailing commas, exploded
/// collections, parentheses dropped, imports sorted, backslash continuation joined.
const PY_BLACK: &str = r#"import os
import sys

from app.models import Account, User


def load(path, mode="r"):
    with open(path, mode) as handle:
        return [line.strip() for line in handle if line != "\n"]


CONFIG = {
    "name": "app",
    "debug": False,
    "paths": ["a", "b"],
}


def main():
    if len(sys.argv) > 1:
        print(load(sys.argv[1]))
    x = 1 + 2
    return x
"#;

/// A black run over a Python module is a reformat.
#[test]
fn black_reformat_of_a_python_module() {
    assert_eq!(
        judge("app/io.py", PY_BEFORE, PY_BLACK),
        Some(Edit::Reformatted)
    );
}

/// Formatter-looking edits that change a token, a string's content or the nesting are caught.
#[test]
fn python_edits_that_change_code_are_not_reformats() {
    let flipped = PY_BLACK.replace("line != \"\\n\"", "line == \"\\n\"");
    let string = PY_BLACK.replace("\"debug\": False", "\"debug \": False");
    let nested = PY_BLACK.replace("    x = 1 + 2\n", "        x = 1 + 2\n");
    let tuple = PY_BLACK.replace("mode=\"r\"", "mode=(\"r\",)");
    for (what, after) in [
        ("== for !=", flipped),
        ("string content", string),
        ("statement moved into the if block", nested),
        ("value made a tuple", tuple),
    ] {
        assert_eq!(judge("app/io.py", PY_BEFORE, &after), None, "{what}");
    }
}

/// A comment added to code is a comment edit; a pragma comment is code.
#[test]
fn comments_and_pragmas() {
    let commented = PY_BLACK.replace("def main():", "# Entry point.\ndef main():");
    assert_eq!(
        judge("app/io.py", PY_BLACK, &commented),
        Some(Edit::Comments)
    );
    let pragma = PY_BLACK.replace("import os", "import os  # noqa: F401");
    assert_eq!(judge("app/io.py", PY_BLACK, &pragma), None);
}

const DJANGO_BEFORE: &str = r"from django.db import migrations, models

class Migration(migrations.Migration):

    dependencies = [
        ('shop', '0003_order'),
    ]

    operations = [
        migrations.AddField(
            model_name='order',
            name='note',
            field=models.TextField(blank=True, default=''),
        ),
    ]
";

const DJANGO_BLACK: &str = r#"from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0003_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="order", name="note", field=models.TextField(blank=True, default="")
        ),
    ]
"#;

/// A Django migration reformatted by black (quotes, wrapped call joined) is a reformat; a
/// changed default is not.
#[test]
fn django_migration_reformatted() {
    let path = "shop/migrations/0004_order_note.py";
    assert_eq!(
        judge(path, DJANGO_BEFORE, DJANGO_BLACK),
        Some(Edit::Reformatted)
    );
    let changed = DJANGO_BLACK.replace("default=\"\"", "default=\"-\"");
    assert_eq!(judge(path, DJANGO_BEFORE, &changed), None);
}

/// gofmt + goimports: alignment, parentheses around an `if` condition, import specs sorted.
#[test]
fn gofmt_reformat() {
    let before = "package main\n\nimport (\n\t\"os\"\n\t\"fmt\"\n)\n\nfunc main() {\n\tx:=1\n\tif (x>0) {\n\t\tfmt.Println(os.Args, x)\n\t}\n}\n";
    let after = "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nfunc main() {\n\tx := 1\n\tif x > 0 {\n\t\tfmt.Println(os.Args, x)\n\t}\n}\n";
    assert_eq!(judge("cmd/main.go", before, after), Some(Edit::Reformatted));
    let changed = after.replace("x > 0", "x >= 0");
    assert_eq!(judge("cmd/main.go", before, &changed), None);
}

/// prettier: quotes, semicolons, trailing commas, sorted named imports.
#[test]
fn prettier_reformat() {
    let before = "import { b, a } from './lib'\nconst o = {x: 'one', y: 2}\nexport function f(p) {\n  return g(p, o)\n}\n";
    let after = "import { a, b } from \"./lib\";\nconst o = {\n  x: \"one\",\n  y: 2,\n};\nexport function f(p) {\n  return g(p, o);\n}\n";
    assert_eq!(judge("web/a.ts", before, after), Some(Edit::Reformatted));
    assert_eq!(judge("web/a.js", before, after), Some(Edit::Reformatted));
    let template = after.replace("\"one\"", "`one`");
    assert_eq!(judge("web/a.ts", before, &template), None);
}

/// rustfmt: `use` lists sorted, trailing commas, wrapping.
#[test]
fn rustfmt_reformat() {
    let before = "use std::io::{Write, Read};\nuse std::fmt;\nfn f(a: u32, b: u32) -> u32 { let v = vec![a, b,]; v.iter().sum() }\n";
    let after = "use std::fmt;\nuse std::io::{Read, Write};\nfn f(a: u32, b: u32) -> u32 {\n    let v = vec![a, b];\n    v.iter().sum()\n}\n";
    assert_eq!(judge("src/lib.rs", before, after), Some(Edit::Reformatted));
    // An attribute stays with the import it is on: swapping which import is test-only is
    // not a reformat.
    let gated = "#[cfg(test)]\nuse a::x;\nuse b::y;\n";
    let swapped = "#[cfg(test)]\nuse b::y;\nuse a::x;\n";
    assert_eq!(judge("src/lib.rs", gated, swapped), None);
    // A char literal is not a string: quote style is not normalised in Rust.
    let chars = "fn f() -> char { 'a' }\n";
    assert_eq!(
        judge("src/lib.rs", chars, "fn f() -> &'static str { \"a\" }\n"),
        None
    );
}

/// `terraform fmt` aligns `=` signs and indents; a changed value is not a reformat.
#[test]
fn terraform_fmt() {
    let before = "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n    acl=\"private\"\n  tags = {\n  team = \"ops\"\n  }\n}\n";
    let after = "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n  acl    = \"private\"\n  tags = {\n    team = \"ops\"\n  }\n}\n";
    assert_eq!(judge("infra/s3.tf", before, after), Some(Edit::Reformatted));
    let changed = after.replace("private", "public-read");
    assert_eq!(judge("infra/s3.tf", before, &changed), None);
}

/// YAML re-indented, quotes unified, block scalar moved deeper: same document; a key moved
/// to another level is not.
#[test]
fn yaml_reindent() {
    let before = "jobs:\n  test:\n    runs-on: 'ubuntu-latest'\n    steps:\n    - run: |\n        make\n        make test\n";
    let after = "jobs:\n    test:\n        runs-on: \"ubuntu-latest\"\n        steps:\n            - run: |\n                  make\n                  make test\n";
    assert_eq!(
        judge(".github/workflows/ci.yml", before, after),
        Some(Edit::Reformatted)
    );
    let moved = "jobs:\n  test:\n    runs-on: 'ubuntu-latest'\n  steps:\n  - run: |\n      make\n      make test\n";
    assert_eq!(judge(".github/workflows/ci.yml", before, moved), None);
    let unquoted = before.replace("'ubuntu-latest'", "ubuntu-latest");
    assert_eq!(judge(".github/workflows/ci.yml", before, &unquoted), None);
}

/// SQL keyword case and layout are formatting; a changed table name is not.
#[test]
fn sql_reformat() {
    let before = "select id, name from users where id = 1;\n";
    let after = "SELECT\n    id,\n    name\nFROM users\nWHERE id = 1;\n";
    assert_eq!(
        judge("db/migrations/001_init.sql", before, after),
        Some(Edit::Reformatted)
    );
    let changed = after.replace("users", "accounts");
    assert_eq!(judge("db/migrations/001_init.sql", before, &changed), None);
}

/// Files that do not parse, or have no grammar, are never called reformatted.
#[test]
fn unjudged_files_are_not_reformats() {
    assert_eq!(judge("notes.txt", "a  b\n", "a b\n"), None);
    assert_eq!(
        judge("a.py", "def f(:\n  pass\n", "def f(:\n    pass\n"),
        None
    );
}

/// Text the YAML grammar leaves outside its nodes (quoted and block scalar content) is
/// compared: changing it is not a reformat.
#[test]
fn yaml_scalar_content_counts() {
    let before = "on: push\nrun: 'make'\nscript: |\n  make test\n";
    for after in [
        "on: push\nrun: 'make all'\nscript: |\n  make test\n",
        "on: push\nrun: \"make\"\nscript: |\n  make deploy\n",
        "on: push\nrun: ''\nscript: |\n  make test\n",
    ] {
        assert_eq!(judge("ci.yml", before, after), None, "{after}");
    }
}

/// black re-indents a docstring and strips its lines: the same documentation. A changed
/// word in it is a documentation change, like a comment's (netbox ff2d043: an AI trim of
/// docstrings and comments changes no code).
#[test]
fn python_docstrings_reindented() {
    let before = "def f():\n    \"\"\"  Sum things.\n\n      Returns the total.  \n    \"\"\"\n    return 1\n";
    let after =
        "def f():\n    \"\"\"Sum things.\n\n    Returns the total.\n    \"\"\"\n    return 1\n";
    assert_eq!(judge("a.py", before, after), Some(Edit::Reformatted));
    let changed = after.replace("total", "sum");
    assert_eq!(judge("a.py", before, &changed), Some(Edit::Comments));
    let code = after.replace("return 1", "return 2");
    assert_eq!(judge("a.py", before, &code), None);
    // A lone string later in a body is a value, compared exactly.
    let value = "def f():\n    x = 1\n    \"a  b\"\n";
    assert_eq!(judge("a.py", value, &value.replace("a  b", "a b")), None);
}

/// A file whose code is unchanged hides no structural change, so a gap in its structural
/// analysis (netbox ff2d043 in a mirror missing one large blob: the dependents search could not
/// read it) is listed but not counted as risk; a changed file's gap still counts.
#[test]
fn gaps_in_unchanged_code_are_not_risk() {
    use crate::analyze::blast::structure::{BlastRadius, NotAnalysed};
    use crate::analyze::blast::syntax::Unanalysed;
    let mut mechanical = super::Mechanical::default();
    mechanical.comments.insert("a.py".to_string());
    let gap = |file: &str| NotAnalysed {
        file: file.to_string(),
        reason: Unanalysed::UnsupportedLanguage,
        counted_as_risk: true,
    };
    let mut blast = BlastRadius::default();
    blast.coverage.not_analysed = vec![gap("a.py"), gap("b.py")];
    super::prune_blast(&mechanical, &mut blast);
    let counted: Vec<(&str, bool)> = blast
        .coverage
        .not_analysed
        .iter()
        .map(|gap| (gap.file.as_str(), gap.counted_as_risk))
        .collect();
    assert_eq!(counted, vec![("a.py", false), ("b.py", true)]);
}

/// Every kind of comparison, a rename included, reads back from the cache as it was kept.
#[test]
fn kept_comparisons_read_back_as_kept() {
    use super::Comparison;
    use crate::analyze::blast::cache::derived::digest;
    let comparisons = [
        None,
        Some(Comparison::Same(Edit::Reformatted)),
        Some(Comparison::Same(Edit::Comments)),
        Some(Comparison::Renamed((
            "old_name".to_string(),
            "new_name".to_string(),
        ))),
    ];
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = Cache::open(dir.path());
    for (at, comparison) in comparisons.iter().enumerate() {
        let kept = cache.derived(&digest(&[&at.to_le_bytes()]), || {
            Ok::<_, ()>(comparison.clone())
        });
        assert_eq!(kept.as_ref(), Ok(comparison));
    }
    drop(cache);
    let cache = Cache::open(dir.path());
    for (at, comparison) in comparisons.iter().enumerate() {
        let read = cache.derived(&digest(&[&at.to_le_bytes()]), || Err(()));
        assert_eq!(
            read.as_ref(),
            Ok(comparison),
            "kept entry {at} was not read back"
        );
    }
}

/// Without a time limit, a reformatting is recognised however long its parse takes; with a
/// limit the parse outruns, the same edit is not (so replay's labels, which must not depend on
/// how busy the machine is, use the former).
#[test]
fn an_untimed_comparison_does_not_depend_on_the_parse_time() {
    let body = "def f(a,b):\n    return a+b*2\n".repeat(3000);
    let reformatted = body.replace("(a,b)", "(a, b)").replace("a+b*", "a + b * ");
    let (before, after) = (body.as_bytes(), reformatted.as_bytes());
    assert_eq!(
        super::same_code_untimed("big.py", before, after),
        Some(Edit::Reformatted)
    );
    let grammar = tree_sitter::Language::new(tree_sitter_python::LANGUAGE);
    // Other bytes than above, so no kept comparison answers this one.
    let (before, after) = (format!("{body}\n"), format!("{reformatted}\n"));
    let timed = super::compare_as(
        "python",
        &grammar,
        before.as_bytes(),
        after.as_bytes(),
        super::ParseAs::Code(Some(std::time::Duration::from_nanos(1))),
        &|_, _, _| {},
    );
    assert!(timed.is_err(), "the limit is outrun: {timed:?}");
    assert_eq!(
        super::same_code_untimed("big.py", before.as_bytes(), after.as_bytes()),
        Some(Edit::Reformatted)
    );
}

/// A comparison offers each version it parses, with that version's blob and exact bytes, and
/// the structural step then finds both outlines cached (a cold check parses a version once).
/// A version whose byte order mark the comparison cut is not offered: its tree is not the
/// tree of the bytes the other analyzers read.
#[test]
fn each_parsed_version_is_offered_with_its_blob_and_outlined_from_it() {
    use crate::analyze::blast::cache::Lookup;
    use crate::analyze::blast::outline::{Budget, outline};
    use crate::analyze::blast::structure;
    use crate::analyze::contents::{Content, FileContents, Parsed};
    use crate::analyze::domain::testing::hunk;
    use crate::diff::{FileChange, FileStatus};

    let ids = [
        "1".repeat(40),
        "2".repeat(40),
        "3".repeat(40),
        "4".repeat(40),
    ];
    let file = |path: &str, old: &str, new: &str, before: &str, after: &str| {
        let mut file = FileChange::new(FileStatus::Modified, Some(path.into()), Some(path.into()));
        file.old_blob = Some(old.to_string());
        file.new_blob = Some(new.to_string());
        file.hunks.push(hunk(before, after));
        file
    };
    let with_bom = format!("\u{feff}{PY_BLACK}");
    let plain = file("app/io.py", &ids[0], &ids[1], PY_BEFORE, PY_BLACK);
    let bom = file("app/bom.py", &ids[2], &ids[3], PY_BEFORE, &with_bom);
    let bytes = |text: &str| Content::Bytes(text.as_bytes().into());
    let contents = [
        FileContents {
            file: &plain,
            old: bytes(PY_BEFORE),
            new: bytes(PY_BLACK),
        },
        FileContents {
            file: &bom,
            old: bytes(PY_BEFORE),
            new: bytes(&with_bom),
        },
    ];
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = Cache::open(dir.path());
    let options = structure::Options::default();
    let offered = std::sync::Mutex::new(Vec::new());
    let read_along = |parsed: &Parsed<'_>| {
        assert_eq!(parsed.tree.root_node().end_byte(), parsed.source.len());
        let side = if Some(parsed.blob) == parsed.file.file.old_blob.as_deref() {
            &parsed.file.old
        } else {
            &parsed.file.new
        };
        assert_eq!(side.bytes(), Some(parsed.source), "{}", parsed.blob);
        offered
            .lock()
            .expect("lock")
            .push((parsed.blob.to_string(), parsed.grammar));
        structure::prime(parsed, &cache, &options);
    };
    let mechanical = super::judge(&contents, &cache, &read_along);
    assert!(mechanical.reformatted.contains("app/io.py"));
    let mut offered = offered.into_inner().expect("lock");
    offered.sort();
    let python = crate::analyze::lang::by_name("python").expect("registered");
    assert_eq!(
        offered,
        [&ids[0], &ids[1], &ids[2]].map(|id| (id.clone(), python.name))
    );
    let budget = Budget::default();
    for (blob, source) in [
        (&ids[0], PY_BEFORE),
        (&ids[1], PY_BLACK),
        (&ids[2], PY_BEFORE),
    ] {
        let (found, origin) = cache.outline_traced(blob, python, || panic!("primed"), &budget);
        assert_eq!(origin, Lookup::Cached, "{blob}");
        assert_eq!(found, outline(python, source.as_bytes(), &budget));
    }
    let (_, origin) = cache.outline_traced(&ids[3], python, || Some(with_bom.into()), &budget);
    assert_eq!(origin, Lookup::Computed);
}

/// A configuration file's comparison keeps both versions' trees for the domain readers that
/// parse the same bytes next; a code file's keeps none (its outline and security constructs
/// are read along instead).
#[test]
fn configuration_trees_are_kept_for_the_domain_readers() {
    use crate::analyze::blast::outline::parse::is_kept;
    // Bytes no other test compares, so no other test's parse kept them.
    let before = "resource \"aws_s3_bucket\" \"kept_for_readers\" {\n  bucket = \"logs\"\n}\n";
    let after = "resource \"aws_s3_bucket\"   \"kept_for_readers\" {\n    bucket = \"logs\"\n}\n";
    let hcl = crate::analyze::lang::config_for_path("infra/kept.tf")
        .expect("a configuration format")
        .name;
    assert_eq!(
        same_code(
            "infra/kept.tf",
            before.as_bytes(),
            after.as_bytes(),
            &Cache::disabled()
        ),
        Some(Edit::Reformatted)
    );
    assert!(is_kept(hcl, before.as_bytes()) && is_kept(hcl, after.as_bytes()));

    let before = "def kept_for_readers():\n    return 1\n";
    let after = "def kept_for_readers():\n    return  1\n";
    assert_eq!(
        same_code(
            "app/kept.py",
            before.as_bytes(),
            after.as_bytes(),
            &Cache::disabled()
        ),
        Some(Edit::Reformatted)
    );
    assert!(!is_kept("python", before.as_bytes()) && !is_kept("python", after.as_bytes()));
}
