//! Infrastructure, data and pipeline analyzers end to end: real repositories and diff text,
//! the real binary, the default policy's hard rules.

use crate::support::{Repo, blastgate, field_of, run};

/// A unified diff judged without its repository: analyzers only have the changed lines, read
/// them, and the report says which files were read line by line and why.
#[test]
fn diff_text_without_repository_falls_back_to_changed_lines() {
    let diff = "diff --git a/.github/workflows/ci.yml b/.github/workflows/ci.yml\nindex 1111111..2222222 100644\n--- a/.github/workflows/ci.yml\n+++ b/.github/workflows/ci.yml\n@@ -1,3 +1,3 @@\n on: push\n-permissions: read-all\n+permissions: write-all\n jobs: {}\n";
    let outside = tempfile::tempdir().expect("temp dir");
    let repo = Repo::new();
    let mut command = repo.blastgate(&["check", "--diff", "-", "--format", "json"]);
    command.current_dir(outside.path());
    let result = run(command, Some(diff));
    assert!(
        matches!(result.code, 0 | 3),
        "{}{}",
        result.stdout,
        result.stderr
    );
    let report = result.json();
    assert!(
        field_of(&report, "findings", "id").contains(&"workflow-permissions-widened".to_string()),
        "{}",
        report["findings"]
    );
    let line_level = &report["blast_radius"]["coverage"]["line_level"];
    assert_eq!(
        line_level[0]["file"], ".github/workflows/ci.yml",
        "{line_level}"
    );
    assert!(
        line_level[0]["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("not available"),
        "{line_level}"
    );
}

const STATEFULSET: &str = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n  namespace: shop\nspec:\n  replicas: 3\n  serviceName: db\n  template:\n    spec:\n      containers:\n        - name: postgres\n          image: postgres:16.4\n";

/// Removing a `StatefulSet` destroys its data: blocked by default, even for a human change.
#[test]
fn removing_a_statefulset_blocks_whoever_wrote_it() {
    let repo = Repo::new();
    repo.write("k8s/db.yaml", STATEFULSET).write(
        "k8s/web.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec: {}\n",
    );
    repo.commit("Cluster");
    repo.git(&["checkout", "-q", "-b", "cleanup"]);
    repo.remove("k8s/db.yaml");
    repo.commit("Remove the old database");
    let result = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(result.code, 1, "{}{}", result.stdout, result.stderr);
    let report = result.json();
    assert_eq!(report["provenance"]["ai_assisted"], false);
    let finding = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["id"] == "stateful-resource-destroyed")
        .expect("stateful finding");
    assert_eq!(finding["subject"], "StatefulSet/shop/db");
    assert_eq!(report["rules"][0]["rule"], "stateful-destroy-blocks");
}

/// A committed credential blocks, and no report format ever prints it.
#[test]
fn committed_secret_blocks_and_is_never_printed() {
    // Built at run time so this file itself holds no token-shaped string.
    let token = format!("ghp_{}", "Zq8rT2vLm4Xn7Kp1Wd9Sb3Hc6Jf0Ga5Ye8Ru");
    let repo = Repo::new();
    repo.write("app/settings.py", "DEBUG = False\n");
    repo.commit("Settings");
    repo.git(&["checkout", "-q", "-b", "token"]);
    repo.write(
        "app/settings.py",
        format!("DEBUG = False\nGITHUB_TOKEN = \"{token}\"\n"),
    );
    repo.commit("Wire the token");
    for format in ["text", "json"] {
        let result = blastgate(
            &repo,
            &[
                "check", "--base", "main", "--format", format, "--color", "never",
            ],
        );
        assert_eq!(
            result.code, 1,
            "{format}: {}{}",
            result.stdout, result.stderr
        );
        let secret_part = &token[4..];
        for window in secret_part.as_bytes().windows(8) {
            let window = std::str::from_utf8(window).expect("ascii");
            assert!(
                !result.stdout.contains(window),
                "{format} report prints part of the secret: {window}"
            );
        }
        assert!(
            result.stdout.contains("secret"),
            "{format}: {}",
            result.stdout
        );
    }
}

/// The policy extends the Terraform tables: a custom provider's database becomes stateful, so
/// destroying it blocks; without the row it is an ordinary resource.
#[test]
fn policy_rows_extend_the_terraform_tables() {
    let judge = |policy_rows: &str| {
        let repo = Repo::new();
        repo.write(
            ".blastgate.yaml",
            format!(
                "version: 1\nthresholds:\n  ai: {{review: 25, block: 400}}\n  human: {{block: 600}}\nrules:\n  - id: stateful-destroy-blocks\n    decision: block\n    signals: [stateful-resource-destroyed]\n    reason: Data loss.\n{policy_rows}"
            ),
        );
        repo.write("infra/main.tf", "resource \"acme_database\" \"orders\" {\n  name = \"orders\"\n}\n\nresource \"acme_dns\" \"www\" {\n  name = \"www\"\n}\n");
        repo.commit("Infra and policy");
        repo.git(&["checkout", "-q", "-b", "drop"]);
        repo.write(
            "infra/main.tf",
            "resource \"acme_dns\" \"www\" {\n  name = \"www\"\n}\n",
        );
        repo.commit("Drop the orders database");
        blastgate(&repo, &["check", "--base", "main", "--format", "json"])
    };
    let plain = judge("");
    assert_eq!(plain.code, 0, "{}{}", plain.stdout, plain.stderr);
    assert!(field_of(&plain.json(), "findings", "id").contains(&"resource-destroyed".to_string()));

    let extended = judge(
        "infrastructure:\n  stateful_types:\n    - {type: acme_database, what: a database}\n",
    );
    assert_eq!(extended.code, 1, "{}{}", extended.stdout, extended.stderr);
    let report = extended.json();
    let finding = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["id"] == "stateful-resource-destroyed")
        .expect("stateful finding");
    assert_eq!(finding["subject"], "acme_database.orders");
}
