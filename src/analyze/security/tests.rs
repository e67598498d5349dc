//! Per-language constructs on real-shaped snippets, and what must not fire.

use super::*;
use crate::analyze::domain::testing::hunk;
use crate::diff::{FileChange, FileStatus};

/// The (construct id, scope) pairs a change from `before` to `after` at `path` fires.
fn fired(path: &str, before: &str, after: &str) -> Vec<String> {
    let status = if before.is_empty() {
        FileStatus::Added
    } else {
        FileStatus::Modified
    };
    let mut file = FileChange::new(status, Some(path.into()), Some(path.into()));
    file.hunks.push(hunk(before, after));
    let versions = Versions {
        file: &file,
        old: (!before.is_empty()).then_some(before.as_bytes()),
        new: Some(after.as_bytes()),
    };
    assert!(Security.wants(path, after.as_bytes()), "{path} not wanted");
    let analysis = Security.analyze(&versions);
    assert!(analysis.fallbacks.is_empty(), "{:?}", analysis.fallbacks);
    analysis
        .facts
        .iter()
        .map(|fact| {
            assert_eq!(fact.signal, Signal::SecuritySensitiveChange);
            fact.subject.clone().unwrap_or_default()
        })
        .collect()
}

/// Every table's prefilter builds and every table's language is in the registry.
#[test]
fn every_table_builds() {
    assert_eq!(PREFILTERS.len(), rows::TABLES.len());
    for table in rows::TABLES {
        for language in table.languages {
            assert!(lang::by_name(language).is_some(), "{language}");
        }
    }
}
