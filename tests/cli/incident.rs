//! The outage that started the project: an AI assistant asked for a routine change renamed a
//! production database resource without a `moved` block, so `terraform apply` would destroy it
//! and create an empty one. The gate must block that, whoever wrote it, and say why.

use crate::support::{CLAUDE_TRAILER, Repo, blastgate, field_of};

const NETWORK: &str =
    "resource \"aws_security_group\" \"db\" {\n  name   = \"db\"\n  vpc_id = \"vpc-123\"\n}\n";

fn database(name: &str) -> String {
    format!(
        "resource \"aws_db_instance\" \"{name}\" {{\n  identifier        = \"prod-db\"\n  engine            = \"postgres\"\n  instance_class    = \"db.r6g.large\"\n  allocated_storage = 100\n}}\n\n{NETWORK}"
    )
}

/// A repository whose `main` has `infra/main.tf` with the database and a security group, on a
/// `rename` branch.
fn repo() -> Repo {
    let repo = Repo::new();
    repo.write("README.md", "# shop\n")
        .write("infra/main.tf", database("main"));
    repo.commit("Production database");
    repo.git(&["checkout", "-q", "-b", "rename"]);
    repo
}

/// The incident: an AI-assisted rename of `aws_db_instance.main` without `moved` blocks, with
/// the consequence spelled out in the report.
#[test]
fn ai_rename_of_database_without_moved_blocks() {
    let repo = repo();
    repo.write("infra/main.tf", database("primary"));
    repo.commit(&format!(
        "Rename the database resource\n\n{CLAUDE_TRAILER}\n"
    ));

    let run = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    let findings = report["findings"].as_array().expect("findings");
    let replaced = findings
        .iter()
        .find(|f| f["id"] == "stateful-resource-replaced")
        .unwrap_or_else(|| panic!("no stateful-resource-replaced in {report:#}"));
    assert_eq!(replaced["subject"], "aws_db_instance.main", "{replaced:#}");
    assert!(
        field_of(&report, "rules", "rule").contains(&"stateful-destroy-blocks".to_string()),
        "{report:#}"
    );

    let text = blastgate(&repo, &["check", "--base", "main"]);
    assert_eq!(text.code, 1, "{}{}", text.stdout, text.stderr);
    assert!(text.stdout.contains("destroys aws_db_instance.main (a database) and creates aws_db_instance.primary: data loss unless snapshotted"), "{}", text.stdout);
    assert!(
        text.stdout.contains("stateful-destroy-blocks"),
        "{}",
        text.stdout
    );
}

/// The same rename with a `moved` block is a rename in state: nothing is destroyed, and the
/// block rule does not fire.
#[test]
fn same_rename_with_moved_block_is_not_a_destroy() {
    let repo = repo();
    repo.write(
        "infra/main.tf",
        format!(
            "{}\nmoved {{\n  from = aws_db_instance.main\n  to   = aws_db_instance.primary\n}}\n",
            database("primary")
        ),
    );
    repo.commit(&format!(
        "Rename the database resource\n\n{CLAUDE_TRAILER}\n"
    ));

    let run = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert_ne!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    let ids = field_of(&report, "findings", "id");
    for id in [
        "resource-destroyed",
        "stateful-resource-destroyed",
        "resource-replaced",
        "stateful-resource-replaced",
    ] {
        assert!(!ids.iter().any(|found| found == id), "{id} in {report:#}");
    }
    let rules = report["rules"]
        .as_array()
        .map(|r| r.iter().map(|r| r["rule"].to_string()).collect::<Vec<_>>())
        .unwrap_or_default();
    assert!(
        !rules.iter().any(|r| r.contains("stateful-destroy-blocks")),
        "{report:#}"
    );
}
