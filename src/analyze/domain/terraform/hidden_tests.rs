//! Hidden destroys (issue 11): a file renamed out of the names Terraform loads, `count = 0` or
//! an empty `for_each`, JSON syntax, a file moved into another module, and local modules
//! judged through their own files.

use super::*;
use crate::analyze::contents::{Content, FileContents};
use crate::diff::FileChange;

const DB: &str = "resource \"aws_db_instance\" \"main\" {\n  engine = \"postgres\"\n}\n";
const BUCKET: &str = "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n}\n";

fn change(status: FileStatus, old: Option<&str>, new: Option<&str>) -> FileChange {
    FileChange::new(status, old.map(String::from), new.map(String::from))
}

fn one(file: &FileChange, old: Option<&str>, new: Option<&str>) -> Vec<Fact> {
    let versions = Versions {
        file,
        old: old.map(str::as_bytes),
        new: new.map(str::as_bytes),
    };
    Terraform.analyze(&versions).facts
}

fn signals_on(facts: &[Fact]) -> Vec<(Signal, String)> {
    facts
        .iter()
        .map(|f| (f.signal, f.subject.clone().unwrap_or_default()))
        .collect()
}

/// Renamed to a name Terraform does not load: every resource in it is destroyed, the
/// database as a database. Renamed to another loaded name: nothing.
#[test]
fn renamed_out_of_the_loaded_names() {
    for new in [
        "infra/main.tf.disabled",
        "infra/main.tf.bak",
        "infra/.main.tf",
    ] {
        let file = change(FileStatus::Renamed, Some("infra/main.tf"), Some(new));
        let facts = one(&file, Some(DB), Some(DB));
        assert_eq!(
            signals_on(&facts),
            [(
                Signal::StatefulResourceDestroyed,
                "aws_db_instance.main".to_string()
            )],
            "{new}"
        );
        assert_eq!(facts[0].file.as_deref(), Some("infra/main.tf"));
        assert!(
            facts[0].message.contains("a name Terraform does not load"),
            "{}",
            facts[0].message
        );
    }
    let file = change(
        FileStatus::Renamed,
        Some("infra/main.tf"),
        Some("infra/db.tf"),
    );
    assert!(one(&file, Some(DB), Some(DB)).is_empty());
    // A `moved`/`removed` block left in the module keeps the address.
    let kept =
        "removed {\n  from = aws_db_instance.main\n  lifecycle {\n    destroy = false\n  }\n}\n";
    let disabled = change(
        FileStatus::Renamed,
        Some("infra/main.tf"),
        Some("infra/main.tf.off"),
    );
    let other = change(FileStatus::Added, None, Some("infra/forget.tf"));
    let versions = [
        Versions {
            file: &disabled,
            old: Some(DB.as_bytes()),
            new: Some(DB.as_bytes()),
        },
        Versions {
            file: &other,
            old: None,
            new: Some(kept.as_bytes()),
        },
    ];
    assert!(Terraform.analyze_all(&versions).facts.is_empty());
}

/// `count = 0` and empty `for_each` (`{}`, `[]`, `toset([])`) added or set: a destroy; a
/// count already 0 staying 0 is not.
#[test]
fn count_zero_and_empty_for_each() {
    let file = change(FileStatus::Modified, Some("main.tf"), Some("main.tf"));
    let with = |meta: &str| DB.replace("{\n", &format!("{{\n  {meta}\n"));
    for meta in [
        "count = 0",
        "for_each = {}",
        "for_each = []",
        "for_each = toset([])",
    ] {
        let facts = one(&file, Some(DB), Some(&with(meta)));
        assert_eq!(
            signals_on(&facts),
            [(
                Signal::StatefulResourceDestroyed,
                "aws_db_instance.main".to_string()
            )],
            "{meta}"
        );
        assert_eq!(facts[0].line, Some(2), "{meta}");
        assert!(facts[0].message.contains("every instance"), "{meta}");
    }
    let facts = one(
        &file,
        Some(&with("count = var.on ? 1 : 0")),
        Some(&with("count = 0")),
    );
    assert_eq!(facts.len(), 1, "{facts:#?}");
    let zero = with("count = 0");
    assert!(one(&file, Some(&zero), Some(&zero)).is_empty());
    let role = "resource \"aws_iam_role\" \"ci\" {\n  name = \"ci\"\n}\n";
    let plain = role.replace("{\n", "{\n  count = 0\n");
    assert_eq!(
        signals_on(&one(&file, Some(role), Some(&plain))),
        [(Signal::ResourceDestroyed, "aws_iam_role.ci".to_string())]
    );
}

/// A `*.tf.json` file is read like HCL: its database removed is a stateful destroy.
#[test]
fn terraform_json() {
    let json = r#"{"resource": {"aws_db_instance": {"main": {"engine": "postgres"}}, "aws_s3_bucket": {"logs": {"bucket": "logs"}}}}"#;
    let only_bucket = r#"{"resource": {"aws_s3_bucket": {"logs": {"bucket": "logs"}}}}"#;
    let file = change(
        FileStatus::Modified,
        Some("infra/main.tf.json"),
        Some("infra/main.tf.json"),
    );
    let facts = one(&file, Some(json), Some(only_bucket));
    assert_eq!(
        signals_on(&facts),
        [(
            Signal::StatefulResourceDestroyed,
            "aws_db_instance.main".to_string()
        )]
    );
    assert_eq!(facts[0].line, Some(1));
    // The same resource moved from JSON into HCL is the same resource.
    let hcl = change(FileStatus::Added, None, Some("infra/db.tf"));
    let versions = [
        Versions {
            file: &file,
            old: Some(json.as_bytes()),
            new: Some(only_bucket.as_bytes()),
        },
        Versions {
            file: &hcl,
            old: None,
            new: Some(DB.as_bytes()),
        },
    ];
    assert!(Terraform.analyze_all(&versions).facts.is_empty());
}

fn contents<'a>(files: &'a [(FileChange, Option<&str>, Option<&str>)]) -> Vec<FileContents<'a>> {
    let side =
        |text: Option<&str>| text.map_or(Content::Absent, |t| Content::Bytes(t.as_bytes().into()));
    files
        .iter()
        .map(|(file, old, new)| FileContents {
            file,
            old: side(*old),
            new: side(*new),
        })
        .collect()
}

fn tree_facts_of(files: &[(FileChange, Option<&str>, Option<&str>)]) -> Vec<Fact> {
    tree_facts(
        &contents(files),
        None,
        None,
        &Settings::default(),
        Parser::uncached(),
    )
}

/// A file moved into another directory while its module keeps other files: destroyed where
/// it was. The whole directory moved: nothing.
#[test]
fn moved_into_another_module() {
    let moved = change(
        FileStatus::Renamed,
        Some("envs/prod/db.tf"),
        Some("envs/stage/db.tf"),
    );
    let stays = change(
        FileStatus::Modified,
        Some("envs/prod/main.tf"),
        Some("envs/prod/main.tf"),
    );
    let facts = tree_facts_of(&[
        (moved.clone(), Some(DB), Some(DB)),
        (stays, Some(BUCKET), Some(&format!("{BUCKET}# x\n"))),
    ]);
    assert_eq!(
        signals_on(&facts),
        [(
            Signal::StatefulResourceDestroyed,
            "aws_db_instance.main".to_string()
        )]
    );
    assert_eq!(facts[0].file.as_deref(), Some("envs/prod/db.tf"));
    assert!(
        facts[0].message.contains("another module"),
        "{}",
        facts[0].message
    );
    assert!(tree_facts_of(&[(moved, Some(DB), Some(DB))]).is_empty());
}

/// A local module removed, emptied or re-pointed is judged by its files: the database
/// inside is destroyed under its full address.
#[test]
fn local_module_through_its_files() {
    let call = "module \"db\" {\n  source = \"./modules/db\"\n}\n";
    let module_file = change(
        FileStatus::Modified,
        Some("infra/modules/db/main.tf"),
        Some("infra/modules/db/main.tf"),
    );
    let main = change(
        FileStatus::Modified,
        Some("infra/main.tf"),
        Some("infra/main.tf"),
    );
    let module = (module_file, Some(DB), Some(DB));
    let cases = [
        (BUCKET.to_string(), "removing it"),
        (call.replace("{\n", "{\n  count = 0\n"), "emptying it"),
        (
            call.replace("./modules/db", "./modules/cache"),
            "does not declare it",
        ),
    ];
    for (new_main, phrase) in cases {
        let facts = tree_facts_of(&[module.clone(), (main.clone(), Some(call), Some(&new_main))]);
        assert_eq!(
            signals_on(&facts),
            [(
                Signal::StatefulResourceDestroyed,
                "module.db.aws_db_instance.main".to_string()
            )],
            "{phrase}"
        );
        assert!(facts[0].message.contains(phrase), "{}", facts[0].message);
        assert_eq!(facts[0].file.as_deref(), Some("infra/main.tf"));
    }
    // A registry source cannot be read: a possible destroy, at the lower signal.
    let registry = call.replace("./modules/db", "terraform-aws-modules/rds/aws");
    let facts = tree_facts_of(&[module.clone(), (main.clone(), Some(call), Some(&registry))]);
    assert_eq!(
        signals_on(&facts),
        [(Signal::ResourceReplaced, "module.db".to_string())]
    );
    assert!(facts[0].message.contains("module.db.aws_db_instance.main"));
    // Moved with a `moved` block: nothing.
    let renamed = "module \"database\" {\n  source = \"./modules/db\"\n}\nmoved {\n  from = module.db\n  to   = module.database\n}\n";
    assert!(tree_facts_of(&[module, (main, Some(call), Some(renamed))]).is_empty());
}
