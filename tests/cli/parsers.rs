//! The parsers behind the domain analyzers read their whole language and cannot be knocked
//! over (issue 12): text that looks like a definition inside a heredoc does not count as one,
//! and a file nested thousands of levels deep is an `unanalysable-risky-file` fact, not a crash.

use crate::support::{Repo, blastgate, field_of};

const DATABASE: &str = "resource \"aws_db_instance\" \"main\" {\n  engine              = \"postgres\"\n  skip_final_snapshot = false\n}\n";

/// A repository whose `main` has a database in `infra/db.tf`, and a branch that deletes it and
/// adds `infra/notes.tf` (`notes`): the change a hidden "moved here" would try to excuse.
fn database_removed_with(notes: &str) -> Repo {
    let repo = Repo::new();
    repo.write("infra/db.tf", DATABASE).write(
        "infra/queue.tf",
        "resource \"aws_sqs_queue\" \"jobs\" {\n  name = \"jobs\"\n}\n",
    );
    repo.commit("Infrastructure");
    repo.git(&["checkout", "-q", "-b", "cleanup"]);
    repo.remove("infra/db.tf");
    repo.write("infra/notes.tf", notes);
    repo.commit("Tidy the infrastructure notes");
    repo
}

/// The finding ids and subjects of a JSON report.
fn findings(report: &serde_json::Value) -> Vec<(String, String)> {
    let ids = field_of(report, "findings", "id");
    let subjects = field_of(report, "findings", "subject");
    ids.into_iter().zip(subjects).collect()
}

/// The database's header inside a heredoc does not make the removed database look "moved
/// here": not when the file parses (it has an exponent number, `1e3`, that the grammar used to
/// refuse, sending the file to the line-level reader), and not when it really is read line by
/// line (a Jinja template). Either way the destroy is found and blocks.
#[test]
fn a_header_in_a_heredoc_does_not_hide_a_destroyed_database() {
    let heredoc = "  note = <<-EOT\n    resource \"aws_db_instance\" \"main\" {\n    EOT\n";
    let cases = [
        (
            "exponent",
            format!("locals {{\n  size = 1e3\n{heredoc}}}\n"),
        ),
        (
            "template",
            format!("{{% if notes %}}\nlocals {{\n{heredoc}}}\n{{% endif %}}\n"),
        ),
    ];
    for (name, notes) in cases {
        let repo = database_removed_with(&notes);
        let result = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
        assert_eq!(result.code, 1, "{name}: {}{}", result.stdout, result.stderr);
        let found = findings(&result.json());
        assert!(
            found.contains(&(
                "stateful-resource-destroyed".to_string(),
                "aws_db_instance.main".to_string()
            )),
            "{name}: {found:?}"
        );
    }
}

/// 5,000 levels of nesting in YAML (Kubernetes), JSON (`CloudFormation`) and HCL (Terraform):
/// each file is an `unanalysable-risky-file` fact naming the depth limit; nothing crashes, and
/// the file is judged as the worst case for its kind: review for a human change (exit 3),
/// block for an AI one (exit 1).
#[test]
fn deep_nesting_is_unanalysable_not_a_crash() {
    let depth = 5_000;
    let cases = [
        (
            "k8s/deep.yaml",
            format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata: {}x{}\n",
                "{a: ".repeat(depth),
                "}".repeat(depth)
            ),
        ),
        (
            "stack/template.json",
            format!(
                "{{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {{\"Q\": {{\"Type\": \"AWS::SQS::Queue\", \"Properties\": {}1{}}}}}}}\n",
                "{\"a\": ".repeat(depth),
                "}".repeat(depth)
            ),
        ),
        (
            "infra/deep.tf",
            format!(
                "locals {{\n  x = {}{}\n}}\n",
                "[".repeat(depth),
                "]".repeat(depth)
            ),
        ),
    ];
    for (path, content) in cases {
        let repo = Repo::new();
        repo.write("README.md", "# demo\n");
        repo.commit("Initial commit");
        repo.git(&["checkout", "-q", "-b", "deep"]);
        repo.write(path, &content);
        repo.commit("Add a deeply nested file");
        let check = ["check", "--base", "main", "--format", "json"];
        let ai = blastgate(&repo, &[&check[..], &["--ai-assisted", "yes"]].concat());
        assert_eq!(ai.code, 1, "{path}: {}{}", ai.stdout, ai.stderr);
        let result = blastgate(&repo, &check);
        assert_eq!(result.code, 3, "{path}: {}{}", result.stdout, result.stderr);
        let report = result.json();
        let unanalysable: Vec<&serde_json::Value> = report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["id"] == "unanalysable-risky-file" && f["file"] == path)
            .collect();
        assert_eq!(unanalysable.len(), 1, "{path}: {}", report["findings"]);
        let message = unanalysable[0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("nested deeper than"), "{path}: {message}");
    }
}
