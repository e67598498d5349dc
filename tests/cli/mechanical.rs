//! Mechanical changes (issue 11): a formatter run, a comment on an applied migration, a class
//! moved and imported back, a codemod, a vendored tree. Each is recognised and nearly free;
//! a formatter-looking edit that changes a token is not.

use crate::snapshots::redact;
use crate::support::{CLAUDE_TRAILER, Repo, blastgate, field_of};

const MODULE: &str = "import sys\nimport os\n\ndef load(path, mode='r'):\n    with open(path, mode) as handle:\n        return [line.strip() for line in handle if line != '\\n']\n\nCONFIG = {'name': 'app', 'debug': False,\n          'paths': ['a', 'b']}\n\ndef main():\n    if (len(sys.argv) > 1):\n        print(load(sys.argv[1]), os.sep)\n";
const MODULE_BLACK: &str = "import os\nimport sys\n\n\ndef load(path, mode=\"r\"):\n    with open(path, mode) as handle:\n        return [line.strip() for line in handle if line != \"\\n\"]\n\n\nCONFIG = {\n    \"name\": \"app\",\n    \"debug\": False,\n    \"paths\": [\"a\", \"b\"],\n}\n\n\ndef main():\n    if len(sys.argv) > 1:\n        print(load(sys.argv[1]), os.sep)\n";
const MIGRATION: &str = "from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n\n    dependencies = [\n        ('shop', '0001_initial'),\n    ]\n\n    operations = [\n        migrations.RemoveField(\n            model_name='order',\n            name='legacy',\n        ),\n    ]\n";
const MIGRATION_BLACK: &str = "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    dependencies = [\n        (\"shop\", \"0001_initial\"),\n    ]\n\n    operations = [\n        migrations.RemoveField(model_name=\"order\", name=\"legacy\"),\n    ]\n";
const SQL: &str = "create table users (id integer primary key, email text);\n";
const SQL_FORMATTED: &str =
    "CREATE TABLE users (\n    id INTEGER PRIMARY KEY,\n    email TEXT\n);\n";
const TF: &str =
    "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n    acl=\"private\"\n}\n";
const TF_FMT: &str =
    "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n  acl    = \"private\"\n}\n";

/// A repository with a Python module, an applied Django migration, a SQL migration and a
/// Terraform file, then an AI-assisted commit running the formatters over all of them.
fn formatter_run(module_after: &str) -> Repo {
    let repo = Repo::new();
    repo.write("app/io.py", MODULE)
        .write("shop/migrations/0002_remove_legacy.py", MIGRATION)
        .write("db/migrations/001_users.sql", SQL)
        .write("infra/s3.tf", TF);
    repo.commit("App");
    repo.git(&["checkout", "-q", "-b", "fmt"]);
    repo.write("app/io.py", module_after)
        .write("shop/migrations/0002_remove_legacy.py", MIGRATION_BLACK)
        .write("db/migrations/001_users.sql", SQL_FORMATTED)
        .write("infra/s3.tf", TF_FMT);
    repo.commit(&format!(
        "Run black, sqlfluff and terraform fmt\n\n{CLAUDE_TRAILER}\n"
    ));
    repo
}

/// A formatter run over code, migrations, SQL and HCL is allowed: every file is
/// `reformatted`, no line counts, no body changes, no migration rewritten.
#[test]
fn formatter_run_is_reformatted_and_allowed() {
    let repo = formatter_run(MODULE_BLACK);
    let result = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(result.code, 0, "{}{}", result.stdout, result.stderr);
    let report = result.json();
    let ids = field_of(&report, "findings", "id");
    assert_eq!(
        ids.iter().filter(|id| *id == "reformatted").count(),
        4,
        "{ids:?}"
    );
    for absent in [
        "lines-added",
        "lines-deleted",
        "public-body-changed",
        "migration-rewritten",
        "migration-drops-data",
    ] {
        assert!(!ids.iter().any(|id| id == absent), "{absent} in {ids:?}");
    }
}

/// The text report of a reformat-only change is one quiet line that says so once.
#[test]
fn text_report_for_reformat_only_change() {
    let repo = formatter_run(MODULE_BLACK);
    let result = blastgate(&repo, &["check", "--base", "main", "--color", "never"]);
    assert_eq!(result.code, 0, "{}{}", result.stdout, result.stderr);
    assert_eq!(result.stdout.lines().count(), 1, "{}", result.stdout);
    assert_eq!(result.stdout.matches("only reformatted").count(), 1);
    insta::assert_snapshot!(redact(&result.stdout));
}

/// A formatter-looking edit that flips `!=` to `==` is not a reformat: that file keeps its
/// line counts and its body change.
#[test]
fn flipped_operator_in_a_reformat_is_caught() {
    let flipped = MODULE_BLACK.replace("line != ", "line == ");
    let repo = formatter_run(&flipped);
    let report = blastgate(&repo, &["check", "--base", "main", "--format", "json"]).json();
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    let on = |id: &str, file: &str| {
        findings
            .iter()
            .any(|f| f["id"] == id && f["file"].as_str() == Some(file))
    };
    assert!(!on("reformatted", "app/io.py"), "{findings:?}");
    assert!(on("lines-added", "app/io.py"), "{findings:?}");
    assert!(on("public-body-changed", "app/io.py"), "{findings:?}");
    assert!(on("reformatted", "infra/s3.tf"), "{findings:?}");
}

/// A changed string inside a "reformatted" file is caught too.
#[test]
fn changed_string_in_a_reformat_is_caught() {
    let changed = MODULE_BLACK.replace("\"debug\": False", "\"debug\": True");
    let repo = formatter_run(&changed);
    let report = blastgate(&repo, &["check", "--base", "main", "--format", "json"]).json();
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    assert!(
        !findings
            .iter()
            .any(|f| f["id"] == "reformatted" && f["file"] == "app/io.py"),
        "{findings:?}"
    );
}

/// A comment added to an already-applied migration is not `migration-rewritten`; changing
/// one of its operations still is.
#[test]
fn comment_on_applied_migration_is_not_a_rewrite() {
    let path = "shop/migrations/0002_remove_legacy.py";
    let repo = Repo::new();
    repo.write(path, MIGRATION);
    repo.commit("Migration");
    repo.git(&["checkout", "-q", "-b", "doc"]);
    let commented = MIGRATION.replace(
        "    operations = [",
        "    # The legacy column was unused since 2023.\n    operations = [",
    );
    repo.write(path, &commented);
    repo.commit(&format!("Explain the migration\n\n{CLAUDE_TRAILER}\n"));
    let result = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(result.code, 0, "{}{}", result.stdout, result.stderr);
    let ids = field_of(&result.json(), "findings", "id");
    assert!(!ids.iter().any(|id| id == "migration-rewritten"), "{ids:?}");
    assert!(ids.iter().any(|id| id == "cosmetic-edit"), "{ids:?}");

    repo.write(path, commented.replace("'legacy'", "'email'"));
    repo.commit(&format!("Drop another column\n\n{CLAUDE_TRAILER}\n"));
    let ids = field_of(
        &blastgate(&repo, &["check", "--base", "main", "--format", "json"]).json(),
        "findings",
        "id",
    );
    assert!(ids.iter().any(|id| id == "migration-rewritten"), "{ids:?}");
}

/// A vendored tree of 40 files is one `generated-changed` fact, not 40 files of lines.
#[test]
fn vendored_tree_is_one_fact() {
    let repo = Repo::new();
    repo.write("main.go", "package main\n\nfunc main() {}\n");
    repo.commit("App");
    repo.git(&["checkout", "-q", "-b", "vendor"]);
    let body = "package dep\n\nfunc F() int {\n\treturn 1\n}\n".repeat(20);
    for i in 0..40 {
        repo.write(&format!("vendor/github.com/acme/dep/f{i}.go"), &body);
    }
    repo.commit("Vendor acme/dep");
    let result = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(result.code, 0, "{}{}", result.stdout, result.stderr);
    let report = result.json();
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    let generated: Vec<_> = findings
        .iter()
        .filter(|f| f["id"] == "generated-changed")
        .collect();
    assert_eq!(generated.len(), 1, "{findings:?}");
    assert_eq!(generated[0]["file"], "vendor/");
    assert!(
        !findings.iter().any(|f| f["id"] == "lines-added"),
        "{findings:?}"
    );
}

const ACCOUNTS: &str = "from decimal import Decimal\n\n\nclass Ledger:\n    \"\"\"Balances per account.\"\"\"\n\n    def __init__(self):\n        self.entries = {}\n\n    def post(self, account, amount):\n        self.entries.setdefault(account, []).append(Decimal(amount))\n\n    def balance(self, account):\n        return sum(self.entries.get(account, []), Decimal(0))\n\n\ndef open_ledger():\n    return Ledger()\n";
const ACCOUNTS_AFTER: &str =
    "from billing.ledger import Ledger\n\n\ndef open_ledger():\n    return Ledger()\n";
const LEDGER: &str = "from decimal import Decimal\n\n\nclass Ledger:\n    \"\"\"Balances per account.\"\"\"\n\n    def __init__(self):\n        self.entries = {}\n\n    def post(self, account, amount):\n        self.entries.setdefault(\n            account, []\n        ).append(Decimal(amount))\n\n    def balance(self, account):\n        return sum(self.entries.get(account, []), Decimal(0))\n";
const REPORTS: &str = "from billing.accounts import Ledger\n\n\ndef report(ledger: Ledger):\n    return ledger.balance(\"cash\")\n";

/// A Python class moved to a new module (rewrapped on the way) and imported back into the
/// old one is `moved`: not removed, not a body change, nothing dangling. (Git sees the new
/// module as a copy of the old one; a copy removes nothing from its source.)
#[test]
fn class_moved_and_imported_back_is_moved() {
    let repo = Repo::new();
    repo.write("billing/accounts.py", ACCOUNTS)
        .write("billing/reports.py", REPORTS);
    repo.commit("Billing");
    repo.git(&["checkout", "-q", "-b", "split"]);
    repo.write("billing/accounts.py", ACCOUNTS_AFTER)
        .write("billing/ledger.py", LEDGER);
    repo.commit(&format!(
        "Move Ledger to its own module\n\n{CLAUDE_TRAILER}\n"
    ));
    let result = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(result.code, 0, "{}{}", result.stdout, result.stderr);
    let report = result.json();
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    assert!(
        findings
            .iter()
            .any(|f| f["id"] == "moved" && f["file"] == "billing/ledger.py"),
        "{findings:?}"
    );
    for absent in [
        "symbol-removed",
        "public-body-changed",
        "dangling-reference",
    ] {
        assert!(
            !findings.iter().any(|f| f["id"] == absent),
            "{absent}: {findings:?}"
        );
    }
}

/// The same class moved without importing it back is still a removal whose callers dangle.
#[test]
fn class_moved_without_import_back_is_removed() {
    let repo = Repo::new();
    repo.write("billing/accounts.py", ACCOUNTS)
        .write("billing/reports.py", REPORTS);
    repo.commit("Billing");
    repo.git(&["checkout", "-q", "-b", "split"]);
    repo.write(
        "billing/accounts.py",
        "def open_ledger():\n    return None\n",
    )
    .write("billing/ledger.py", LEDGER);
    repo.commit(&format!(
        "Move Ledger to its own module\n\n{CLAUDE_TRAILER}\n"
    ));
    let report = blastgate(&repo, &["check", "--base", "main", "--format", "json"]).json();
    let ids = field_of(&report, "findings", "id");
    assert!(!ids.iter().any(|id| id == "moved"), "{ids:?}");
    assert!(ids.iter().any(|id| id == "symbol-removed"), "{ids:?}");
}

/// `log.warn(…)` rewritten to `log.warning(…)` in four modules is one `codemod` fact, not
/// four files of lines and body changes; the same edit with one operator flipped is not.
#[test]
fn codemod_over_four_files_is_one_fact() {
    let module = |n: usize, op: &str| {
        format!(
            "import logging\n\nlog = logging.getLogger(__name__)\n\n\ndef check_{n}(value):\n    if value {op} {n}:\n        log.warn(\"odd value %s\", value)\n    return value\n"
        )
    };
    let repo = Repo::new();
    for n in 0..4 {
        repo.write(&format!("app/m{n}.py"), module(n, ">"));
    }
    repo.commit("App");
    repo.git(&["checkout", "-q", "-b", "codemod"]);
    for n in 0..4 {
        repo.write(
            &format!("app/m{n}.py"),
            module(n, ">").replace("log.warn(", "log.warning("),
        );
    }
    repo.commit(&format!(
        "Replace deprecated log.warn\n\n{CLAUDE_TRAILER}\n"
    ));
    let result = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(result.code, 0, "{}{}", result.stdout, result.stderr);
    let report = result.json();
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    let codemods: Vec<_> = findings.iter().filter(|f| f["id"] == "codemod").collect();
    assert_eq!(codemods.len(), 1, "{findings:?}");
    assert!(
        codemods[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("`warn` replaced by `warning` in 4 files")),
        "{codemods:?}"
    );
    for absent in ["lines-added", "lines-deleted", "public-body-changed"] {
        assert!(
            !findings.iter().any(|f| f["id"] == absent),
            "{absent}: {findings:?}"
        );
    }

    // One of the four also flips a comparison: that file is judged on its own.
    repo.write(
        "app/m3.py",
        module(3, "<").replace("log.warn(", "log.warning("),
    );
    repo.commit(&format!("And flip one check\n\n{CLAUDE_TRAILER}\n"));
    let findings =
        blastgate(&repo, &["check", "--base", "main", "--format", "json"]).json()["findings"]
            .as_array()
            .cloned()
            .unwrap_or_default();
    assert!(
        findings.iter().any(|f| f["id"] == "codemod"
            && f["message"]
                .as_str()
                .is_some_and(|m| m.contains("in 3 files"))),
        "{findings:?}"
    );
    assert!(
        findings
            .iter()
            .any(|f| f["id"] == "public-body-changed" && f["file"] == "app/m3.py"),
        "{findings:?}"
    );
}

/// The lines of a moved class are not counted on either side: only the import added back.
#[test]
fn moved_lines_are_not_counted() {
    let others: Vec<String> = (0..12)
        .map(|n| {
            format!("def helper_{n}(value):\n    total = value * {n}\n    return total + {n}\n")
        })
        .collect();
    let others = format!("\n\n{}", others.join("\n\n"));
    let ledger = "\n\nclass Ledger:\n    def __init__(self):\n        self.entries = {}\n\n    def post(self, account, amount):\n        self.entries.setdefault(account, []).append(amount)\n";
    let repo = Repo::new();
    repo.write("billing/accounts.py", format!("import os{others}{ledger}"))
        .write("billing/reports.py", REPORTS);
    repo.commit("Billing");
    repo.git(&["checkout", "-q", "-b", "split"]);
    repo.write(
        "billing/accounts.py",
        format!("import os\nfrom billing.ledger import Ledger{others}"),
    )
    .write("billing/ledger.py", ledger.trim_start());
    repo.commit(&format!(
        "Move Ledger to its own module\n\n{CLAUDE_TRAILER}\n"
    ));
    let result = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(result.code, 0, "{}{}", result.stdout, result.stderr);
    let findings = result.json()["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let lines: Vec<(String, String, f64)> = findings
        .iter()
        .filter(|f| f["id"] == "lines-added" || f["id"] == "lines-deleted")
        .map(|f| {
            (
                f["id"].as_str().unwrap_or_default().to_string(),
                f["file"].as_str().unwrap_or_default().to_string(),
                f["points"].as_f64().unwrap_or_default(),
            )
        })
        .collect();
    assert!(findings.iter().any(|f| f["id"] == "moved"), "{findings:?}");
    assert_eq!(
        lines,
        [(
            "lines-added".to_string(),
            "billing/accounts.py".to_string(),
            0.3
        )],
        "{findings:?}"
    );
}

/// The same call rewrite in four files (`requests.get(url)` → `session.get(url, timeout)`) is
/// one `codemod` fact too; a fifth file where the rewrite also adds a literal is judged on its
/// own.
#[test]
fn call_rewrite_over_four_files_is_one_fact() {
    let module = |n: usize| {
        format!(
            "import requests\n\n\ndef fetch_{n}(url, session, timeout):\n    return requests.get(url).json()\n"
        )
    };
    let repo = Repo::new();
    for n in 0..5 {
        repo.write(&format!("app/m{n}.py"), module(n));
    }
    repo.commit("App");
    repo.git(&["checkout", "-q", "-b", "codemod"]);
    for n in 0..4 {
        repo.write(
            &format!("app/m{n}.py"),
            module(n).replace("requests.get(url)", "session.get(url, timeout)"),
        );
    }
    repo.write(
        "app/m4.py",
        module(4).replace("requests.get(url)", "session.get(url, 30)"),
    );
    repo.commit(&format!("Use the shared session\n\n{CLAUDE_TRAILER}\n"));
    let report = blastgate(&repo, &["check", "--base", "main", "--format", "json"]).json();
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    let codemods: Vec<_> = findings.iter().filter(|f| f["id"] == "codemod").collect();
    assert_eq!(codemods.len(), 1, "{findings:?}");
    let message = codemods[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("in 4 files"), "{message}");
    assert!(message.contains("session"), "{message}");
    for finding in &findings {
        if matches!(
            finding["id"].as_str(),
            Some("lines-added" | "lines-deleted")
        ) {
            assert_eq!(finding["file"], "app/m4.py", "{findings:?}");
        }
    }
}
