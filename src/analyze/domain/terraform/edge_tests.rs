//! Edge cases read from inline sources: renamed files and folders, templated files that fall
//! back to line-level reading, heredocs, which files the analyzer wants, and large modules.

use std::fmt::Write as _;

use super::*;
use crate::diff::{FileChange, FileStatus, Hunk, Line, LineKind};

/// A renamed file that also changes: old blocks are read from the old path, new from the new.
#[test]
fn renamed_file_that_changes() {
    let old = b"resource \"aws_sqs_queue\" \"jobs\" {\n  name = \"jobs\"\n}\n";
    let new = b"resource \"aws_sqs_queue\" \"jobs\" {\n  name = \"jobs-v2\"\n}\n";
    let file = FileChange::new(
        FileStatus::Renamed,
        Some("infra/queue.tf".into()),
        Some("infra/queues.tf".into()),
    );
    let versions = Versions {
        file: &file,
        old: Some(old),
        new: Some(new),
    };
    let facts = Terraform.analyze(&versions).facts;
    assert_eq!(facts.len(), 1, "{facts:#?}");
    assert_eq!(facts[0].signal, Signal::StatefulResourceReplaced);
    assert_eq!(facts[0].file.as_deref(), Some("infra/queues.tf"));
    assert!(
        facts[0].message.contains("(a queue)"),
        "{}",
        facts[0].message
    );
}

/// A file copied into another folder destroys nothing: its source is still there.
#[test]
fn copied_file_is_not_a_destroy() {
    let text = b"resource \"aws_db_instance\" \"this\" {\n  engine = \"postgres\"\n}\n";
    let file = FileChange::new(
        FileStatus::Copied,
        Some("envs/prod/db.tf".into()),
        Some("envs/stage/db.tf".into()),
    );
    let versions = Versions {
        file: &file,
        old: Some(text),
        new: Some(text),
    };
    let analysis = Terraform.analyze(&versions);
    assert!(analysis.facts.is_empty(), "{:#?}", analysis.facts);
}

/// A module folder renamed (its files renamed into the new folder) keeps its addresses.
#[test]
fn module_folder_renamed_is_not_a_destroy() {
    let text = b"resource \"aws_db_instance\" \"this\" {\n  engine = \"postgres\"\n}\n";
    let file = FileChange::new(
        FileStatus::Renamed,
        Some("modules/db/main.tf".into()),
        Some("modules/database/main.tf".into()),
    );
    let versions = Versions {
        file: &file,
        old: Some(text),
        new: Some(text),
    };
    let analysis = Terraform.analyze(&versions);
    assert!(analysis.facts.is_empty(), "{:#?}", analysis.facts);
}

/// A block moved out of a parsed file into one that only reads line by line is not reported
/// destroyed from the file it left.
#[test]
fn block_moved_into_unparsed_file_is_not_destroyed() {
    let db = "resource \"aws_db_instance\" \"main\" {\n  engine = \"postgres\"\n}\n";
    let templated = format!("{{% if prod %}}\n{db}{{% endif %}}\n");
    let main = FileChange::new(
        FileStatus::Modified,
        Some("infra/main.tf".into()),
        Some("infra/main.tf".into()),
    );
    let prod = FileChange::new(FileStatus::Added, None, Some("infra/prod.tf".into()));
    let versions = [
        Versions {
            file: &main,
            old: Some(db.as_bytes()),
            new: Some(b""),
        },
        Versions {
            file: &prod,
            old: None,
            new: Some(templated.as_bytes()),
        },
    ];
    let analysis = Terraform.analyze_all(&versions);
    assert_eq!(analysis.fallbacks.len(), 1);
    assert!(analysis.facts.is_empty(), "{:#?}", analysis.facts);
}

fn line(kind: LineKind, number: u32, content: &str) -> Line {
    let (old_line, new_line) = match kind {
        LineKind::Removed => (Some(number), None),
        _ => (None, Some(number)),
    };
    Line {
        kind,
        old_line,
        new_line,
        content: content.to_string(),
    }
}

/// A Jinja-templated file does not parse: the changed lines still report the removed database
/// and the opened rule, and the fallback says why.
#[test]
fn templated_file_falls_back_to_lines() {
    let old = "{% if prod %}\nresource \"aws_db_instance\" \"main\" {\n  engine = \"postgres\"\n}\n{% endif %}\n";
    let new = "{% if prod %}\nresource \"aws_security_group_rule\" \"ssh\" {\n  cidr_blocks = [\"0.0.0.0/0\"]\n}\n{% endif %}\n";
    let mut file = FileChange::new(
        FileStatus::Modified,
        Some("infra/main.tf".into()),
        Some("infra/main.tf".into()),
    );
    file.hunks.push(Hunk {
        old_start: 2,
        old_lines: 3,
        new_start: 2,
        new_lines: 3,
        lines: vec![
            line(
                LineKind::Removed,
                2,
                "resource \"aws_db_instance\" \"main\" {",
            ),
            line(LineKind::Removed, 3, "  engine = \"postgres\""),
            line(
                LineKind::Added,
                2,
                "resource \"aws_security_group_rule\" \"ssh\" {",
            ),
            line(LineKind::Added, 3, "  cidr_blocks = [\"0.0.0.0/0\"]"),
        ],
    });
    let versions = Versions {
        file: &file,
        old: Some(old.as_bytes()),
        new: Some(new.as_bytes()),
    };
    let analysis = Terraform.analyze(&versions);
    assert_eq!(analysis.fallbacks.len(), 1);
    assert!(
        analysis.fallbacks[0].reason.contains("does not parse"),
        "{:?}",
        analysis.fallbacks
    );
    let signals: Vec<(Signal, Option<u32>)> =
        analysis.facts.iter().map(|f| (f.signal, f.line)).collect();
    assert_eq!(
        signals,
        [
            (Signal::StatefulResourceDestroyed, Some(2)),
            (Signal::PublicIngress, Some(3))
        ]
    );
}

/// `${…}` interpolation in a heredoc is HCL, not a template: it parses.
#[test]
fn interpolated_heredoc_parses() {
    let source = b"resource \"aws_iam_policy\" \"p\" {\n  policy = <<EOF\n{\"Resource\": \"arn:aws:s3:::${var.bucket}/*\"}\nEOF\n}\n";
    let blocks = model::parse("main.tf", source).expect("parses");
    assert_eq!(blocks[0].address().as_deref(), Some("aws_iam_policy.p"));
}

/// A large module (3,000 resources, one removed) yields exactly that one finding.
#[test]
fn large_module_reports_only_the_removed_resource() {
    let mut old = String::new();
    for i in 0..3000 {
        let _ = writeln!(
            old,
            "resource \"aws_sqs_queue\" \"q{i}\" {{\n  name = \"q{i}\"\n}}\n"
        );
    }
    let new = old.replacen(
        "resource \"aws_sqs_queue\" \"q7\" {\n  name = \"q7\"\n}\n",
        "",
        1,
    );
    let file = FileChange::new(
        FileStatus::Modified,
        Some("infra/queues.tf".into()),
        Some("infra/queues.tf".into()),
    );
    let versions = Versions {
        file: &file,
        old: Some(old.as_bytes()),
        new: Some(new.as_bytes()),
    };
    let facts = Terraform.analyze(&versions).facts;
    assert_eq!(facts.len(), 1, "{facts:#?}");
    assert_eq!(facts[0].subject.as_deref(), Some("aws_sqs_queue.q7"));
    assert_eq!(facts[0].line, Some(29));
}

/// A side that exists but was not read (diff text without a repository, a file over the size
/// limit) is read from its changed lines, not taken as empty.
#[test]
fn unread_side_falls_back_instead_of_destroying_everything() {
    let old = b"resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n}\n";
    let file = FileChange::new(
        FileStatus::Modified,
        Some("infra/main.tf".into()),
        Some("infra/main.tf".into()),
    );
    let versions = Versions {
        file: &file,
        old: Some(old),
        new: None,
    };
    let analysis = Terraform.analyze(&versions);
    assert!(analysis.facts.is_empty(), "{:#?}", analysis.facts);
    assert_eq!(analysis.fallbacks.len(), 1);
    assert!(
        analysis.fallbacks[0].reason.contains("not available"),
        "{:?}",
        analysis.fallbacks
    );
}

/// Two databases renamed at once: each old address pairs with the new block that keeps its
/// arguments, so the consequence names the right new address.
#[test]
fn renames_pair_by_similarity() {
    let db = |name: &str, id: &str| {
        format!("resource \"aws_db_instance\" \"{name}\" {{\n  identifier = \"{id}\"\n}}\n")
    };
    let old = format!("{}{}", db("a", "orders"), db("b", "users"));
    let new = format!("{}{}", db("users_db", "users"), db("orders_db", "orders"));
    let file = FileChange::new(
        FileStatus::Modified,
        Some("main.tf".into()),
        Some("main.tf".into()),
    );
    let versions = Versions {
        file: &file,
        old: Some(old.as_bytes()),
        new: Some(new.as_bytes()),
    };
    let facts = Terraform.analyze(&versions).facts;
    let pairs: Vec<(&str, bool)> = facts
        .iter()
        .map(|f| {
            (
                f.subject.as_deref().unwrap_or_default(),
                f.message.contains("creates aws_db_instance.orders_db"),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [("aws_db_instance.a", true), ("aws_db_instance.b", false)],
        "{facts:#?}"
    );
}

/// A policy's extra rows reach the rules: an in-house type becomes stateful, and one of its
/// arguments forces replacement.
#[test]
fn extra_rows_extend_the_rules() {
    let extra = ExtraRows {
        stateful: vec![("acme_ledger".into(), "a ledger".into())],
        force_new: vec![("acme_ledger".into(), vec!["region".into()])],
    };
    let tables = Tables::with_extra(Some(&extra));
    let old = b"resource \"acme_ledger\" \"books\" {\n  region = \"eu\"\n}\n";
    let new = b"resource \"acme_ledger\" \"books\" {\n  region = \"us\"\n}\n";
    let file = FileChange::new(
        FileStatus::Modified,
        Some("main.tf".into()),
        Some("main.tf".into()),
    );
    let versions = [Versions {
        file: &file,
        old: Some(old),
        new: Some(new),
    }];
    let facts = analyze_with_tables(&versions, &tables, Parser::uncached()).facts;
    assert_eq!(facts.len(), 1, "{facts:#?}");
    assert_eq!(facts[0].signal, Signal::StatefulResourceReplaced);
    assert!(
        facts[0].message.contains("(a ledger)"),
        "{}",
        facts[0].message
    );
    assert!(Terraform.analyze(&versions[0]).facts.is_empty());
}

/// The analyzer reads `.tf`, `.tofu` and their JSON forms, and names renamed out of them
/// (issue 11), not variable files or the lock file.
#[test]
fn wants_terraform_files_only() {
    let cases = [
        ("infra/main.tf", true),
        ("infra/main.tofu", true),
        ("x/MAIN.TF", true),
        ("prod.tfvars", false),
        (".terraform.lock.hcl", false),
        ("main.tf.json", true),
        ("main.tf.disabled", true),
        ("package.json", false),
    ];
    for (path, expected) in cases {
        assert_eq!(Terraform.wants(path, b""), expected, "{path}");
    }
}
