//! Fixture loading shared by the analyzers' tests: one table row per fixture pair.

use super::super::{Analysis, Analyzer, Versions};
use crate::diff::{FileChange, FileStatus};
use crate::signal::Signal;

/// One table row: a fixture pair and what it must (or must not) produce.
pub struct Case {
    /// Folder under `fixtures/infra/<area>/`.
    pub name: &'static str,
    /// Extension of `before`/`after`.
    pub ext: &'static str,
    /// Path the change claims (decides what the analyzer wants).
    pub path: &'static str,
    /// Expected finding, or `None` for a near miss.
    pub expect: Option<(Signal, &'static str, u32, &'static str)>,
}

/// Runs `analyzer` over `fixtures/infra/<area>/<case>` (a missing side means added or
/// deleted) and checks the table row.
pub fn check(analyzer: &dyn Analyzer, area: &str, case: &Case) -> Analysis {
    let dir = format!(
        "{}/fixtures/infra/{area}/{}",
        env!("CARGO_MANIFEST_DIR"),
        case.name
    );
    let old = std::fs::read(format!("{dir}/before.{}", case.ext)).ok();
    let new = std::fs::read(format!("{dir}/after.{}", case.ext)).ok();
    let status = match (&old, &new) {
        (None, _) => FileStatus::Added,
        (_, None) => FileStatus::Deleted,
        _ => FileStatus::Modified,
    };
    let file = FileChange::new(
        status,
        old.as_ref().map(|_| case.path.to_string()),
        new.as_ref().map(|_| case.path.to_string()),
    );
    let content = new.as_deref().or(old.as_deref()).unwrap_or_default();
    assert!(
        analyzer.wants(case.path, content),
        "{}: not wanted",
        case.name
    );
    let analysis = analyzer.analyze(&Versions {
        file: &file,
        old: old.as_deref(),
        new: new.as_deref(),
    });
    assert_expected(case, &analysis);
    analysis
}

/// Checks one analysis against a table row.
pub fn assert_expected(case: &Case, analysis: &Analysis) {
    match case.expect {
        None => assert!(
            analysis.facts.is_empty(),
            "{}: expected nothing, got {:?}",
            case.name,
            analysis.facts
        ),
        Some((signal, subject, line, phrase)) => {
            let found = analysis.facts.iter().any(|fact| {
                fact.signal == signal
                    && fact.subject.as_deref() == Some(subject)
                    && fact.line == Some(line)
                    && fact.message.contains(phrase)
            });
            assert!(
                found,
                "{}: wanted {signal} {subject}:{line} «{phrase}», got {:#?}",
                case.name, analysis.facts
            );
        }
    }
}
