//! Terraform is the reference (issue 11): for each case under
//! `fixtures/infra/terraform/oracle/<case>/`, `scripts/terraform-oracle.sh` applied `before/`
//! and planned `after/` with Terraform itself and committed the plan (`plan.json`, per root
//! module). The analyzer, given the same change, must report a destroy or replace for exactly
//! the resources that plan deletes: nothing missed, nothing extra. `terraform_data` is counted
//! as stateful here (a policy's `stateful_types` row), so resources inside modules are named,
//! and its `triggers_replace` forces replacement (a policy's `force_new` row).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::*;
use crate::analyze::contents::{Content, FileContents};
use crate::diff::FileChange;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/infra/terraform/oracle"
);

/// Every file under `root`, by path relative to it.
fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("fixture dir") {
            let path = entry.expect("fixture entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(root).expect("under root");
                let relative = relative.to_string_lossy().into_owned();
                out.insert(relative, std::fs::read(&path).expect("fixture file"));
            }
        }
    }
    out
}

/// A changed file with its old and new contents.
type Changed = (FileChange, Option<Vec<u8>>, Option<Vec<u8>>);

/// The change from `before/` to `after/`, renames as listed in `renames` (`old new` lines):
/// every file of both trees, unchanged ones as modified, so the module views are complete.
fn change(case: &Path) -> Vec<Changed> {
    let mut before = tree(&case.join("before"));
    let mut after = tree(&case.join("after"));
    let renames = std::fs::read_to_string(case.join("renames")).unwrap_or_default();
    let mut files = Vec::new();
    for line in renames.lines() {
        let (old, new) = line.split_once(' ').expect("`old new`");
        let file = FileChange::new(
            FileStatus::Renamed,
            Some(old.to_string()),
            Some(new.to_string()),
        );
        files.push((file, before.remove(old), after.remove(new)));
    }
    let paths: BTreeSet<String> = before.keys().chain(after.keys()).cloned().collect();
    for path in paths {
        let (old, new) = (before.remove(&path), after.remove(&path));
        let status = match (&old, &new) {
            (None, _) => FileStatus::Added,
            (_, None) => FileStatus::Deleted,
            _ => FileStatus::Modified,
        };
        let file = FileChange::new(
            status,
            old.as_ref().map(|_| path.clone()),
            new.as_ref().map(|_| path.clone()),
        );
        files.push((file, old, new));
    }
    files
}

/// `(root module, resource address without instance key)` that the plan deletes.
fn deleted_by_plan(case: &Path) -> BTreeSet<(String, String)> {
    let plan: serde_json::Value =
        serde_json::from_slice(&std::fs::read(case.join("plan.json")).expect("plan.json"))
            .expect("plan JSON");
    let mut out = BTreeSet::new();
    for (root, changes) in plan["roots"].as_object().expect("roots") {
        let root = if root == "." { "" } else { root.as_str() };
        for change in changes.as_array().expect("changes") {
            let deletes = change["actions"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x == "delete"));
            if deletes {
                let address = change["address"].as_str().expect("address");
                let address = address.split('[').next().unwrap_or(address);
                out.insert((root.to_string(), address.to_string()));
            }
        }
    }
    out
}

/// `(root module, subject)` of every destroy/replace fact of the analysis.
fn destroyed_by_blastgate(case: &Path) -> BTreeSet<(String, String)> {
    let files = change(case);
    let settings = Settings {
        terraform: ExtraRows {
            stateful: vec![("terraform_data".into(), "a test resource".into())],
            // Terraform docs, "The terraform_data Managed Resource Type": a change to
            // `triggers_replace` replaces the resource.
            force_new: vec![("terraform_data".into(), vec!["triggers_replace".into()])],
        },
    };
    let versions: Vec<Versions<'_>> = files
        .iter()
        .filter(|(file, ..)| Terraform.wants(file.path(), b""))
        .map(|(file, old, new)| Versions {
            file,
            old: old.as_deref(),
            new: new.as_deref(),
        })
        .collect();
    let side = |bytes: &Option<Vec<u8>>| {
        bytes
            .clone()
            .map_or(Content::Absent, |b| Content::Bytes(b.into()))
    };
    let contents: Vec<FileContents<'_>> = files
        .iter()
        .map(|(file, old, new)| FileContents {
            file,
            old: side(old),
            new: side(new),
        })
        .collect();
    let pass = crate::analyze::domain::Pass {
        settings: &settings,
        cache: &crate::analyze::blast::cache::Cache::disabled(),
    };
    let mut facts = Terraform.analyze_all_in(&versions, &pass).facts;
    facts.extend(tree_facts(
        &contents,
        None,
        None,
        &settings,
        Parser::uncached(),
    ));
    facts
        .iter()
        .filter(|f| {
            matches!(
                f.signal,
                Signal::ResourceDestroyed
                    | Signal::StatefulResourceDestroyed
                    | Signal::ResourceReplaced
                    | Signal::StatefulResourceReplaced
            )
        })
        .map(|f| {
            let file = f.file.as_deref().unwrap_or_default();
            (
                directory(file).to_string(),
                f.subject.clone().unwrap_or_default(),
            )
        })
        .collect()
}

/// Each case: every resource Terraform's plan deletes is reported (by its address, or by the
/// module holding it), and every report names something the plan deletes.
#[test]
fn findings_match_terraform_plans() {
    let mut cases: Vec<_> = std::fs::read_dir(DIR)
        .expect("oracle fixtures")
        .map(|e| e.expect("case").path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 9, "{cases:?}");
    for case in cases {
        let name = case.file_name().map(|n| n.to_string_lossy().into_owned());
        let planned = deleted_by_plan(&case);
        let reported = destroyed_by_blastgate(&case);
        let covers = |(root, subject): &(String, String), (r, address): &(String, String)| {
            root == r && (address == subject || address.starts_with(&format!("{subject}.")))
        };
        for delete in &planned {
            assert!(
                reported.iter().any(|r| covers(r, delete)),
                "{name:?}: Terraform deletes {delete:?}, blastgate reports {reported:?}"
            );
        }
        for report in &reported {
            assert!(
                planned.iter().any(|d| covers(report, d)),
                "{name:?}: blastgate reports {report:?}, Terraform deletes {planned:?}"
            );
        }
    }
}
