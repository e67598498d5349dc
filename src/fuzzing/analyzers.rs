//! Fuzz entry points for the domain analyzers: arbitrary bytes (deep nesting, long lines, NUL
//! bytes, broken templates) as one file's old and new side, through the analyzer's whole
//! `analyze_all`, parsed and line-level paths alike.

use crate::analyze::domain::{ANALYZERS, Versions};
use crate::diff::{FileChange, FileStatus, Hunk, Line, LineKind};

/// Splits the old side from the new: input without it is an added file.
const SEPARATOR: &[u8] = b"\n=====\n";

/// Terraform (HCL) files.
///
/// # Panics
/// When the analyzer panics or overflows its stack, or a fact or fallback breaks
/// [`check`]'s rules.
pub fn hcl(data: &[u8]) {
    run(&["terraform"], "infra/main.tf", data);
}

/// Kubernetes manifests (YAML, multi-document).
///
/// # Panics
/// As [`hcl`].
pub fn kubernetes(data: &[u8]) {
    run(&["kubernetes"], "k8s/app.yaml", data);
}

/// `CloudFormation` templates, YAML or JSON (chosen by the first character).
///
/// # Panics
/// As [`hcl`].
pub fn cloudformation(data: &[u8]) {
    run(&["cloudformation"], "stack/template.yaml", data);
}

/// GitHub Actions workflows and GitLab CI files.
///
/// # Panics
/// As [`hcl`].
pub fn workflow(data: &[u8]) {
    run(&["github-actions"], ".github/workflows/ci.yml", data);
    run(&["gitlab-ci"], ".gitlab-ci.yml", data);
}

/// Runs the named analyzers over `data` as a change of `path`, then once more with both sides
/// equal and no hunks: a change that changes nothing has no facts.
fn run(names: &[&str], path: &str, data: &[u8]) {
    let (old, new) = match find(data, SEPARATOR) {
        Some(at) => (Some(&data[..at]), &data[at + SEPARATOR.len()..]),
        None => (None, data),
    };
    let file = change(path, old, new);
    let unchanged = FileChange::new(
        FileStatus::Modified,
        Some(path.to_string()),
        Some(path.to_string()),
    );
    for analyzer in ANALYZERS.iter().filter(|a| names.contains(&a.name())) {
        let versions = Versions {
            file: &file,
            old,
            new: Some(new),
        };
        check(path, &analyzer.analyze_all(&[versions]));
        let same = Versions {
            file: &unchanged,
            old: Some(new),
            new: Some(new),
        };
        let analysis = analyzer.analyze_all(&[same]);
        assert!(
            analysis.facts.is_empty(),
            "{} reports facts for an unchanged file: {:?}",
            analyzer.name(),
            analysis.facts
        );
    }
}

/// Every fact and fallback is about the analysed file, and says something.
fn check(path: &str, analysis: &crate::analyze::domain::Analysis) {
    for fact in &analysis.facts {
        assert_eq!(fact.file.as_deref(), Some(path), "{fact:?}");
        assert!(!fact.message.is_empty(), "{fact:?}");
        assert!(fact.line.is_none_or(|line| line >= 1), "{fact:?}");
    }
    for fallback in &analysis.fallbacks {
        assert_eq!(fallback.file, path, "{fallback:?}");
        assert!(!fallback.reason.is_empty(), "{fallback:?}");
    }
}

/// The change that replaces every line of `old` with every line of `new`: the hunk a rewrite
/// gives, so the line-level readers see each line.
fn change(path: &str, old: Option<&[u8]>, new: &[u8]) -> FileChange {
    let status = if old.is_some() {
        FileStatus::Modified
    } else {
        FileStatus::Added
    };
    let old_path = old.map(|_| path.to_string());
    let mut file = FileChange::new(status, old_path, Some(path.to_string()));
    let side = |bytes: &[u8]| -> Vec<String> {
        String::from_utf8_lossy(bytes)
            .lines()
            .map(str::to_string)
            .collect()
    };
    let removed = old.map(side).unwrap_or_default();
    let added = side(new);
    let number = |index: usize| u32::try_from(index + 1).unwrap_or(u32::MAX);
    let mut lines: Vec<Line> = removed
        .into_iter()
        .enumerate()
        .map(|(index, content)| Line {
            kind: LineKind::Removed,
            old_line: Some(number(index)),
            new_line: None,
            content,
        })
        .collect();
    let old_lines = u32::try_from(lines.len()).unwrap_or(u32::MAX);
    lines.extend(added.into_iter().enumerate().map(|(index, content)| Line {
        kind: LineKind::Added,
        old_line: None,
        new_line: Some(number(index)),
        content,
    }));
    let new_lines = u32::try_from(lines.len())
        .unwrap_or(u32::MAX)
        .saturating_sub(old_lines);
    file.hunks.push(Hunk {
        old_start: u32::from(old_lines > 0),
        old_lines,
        new_start: u32::from(new_lines > 0),
        new_lines,
        lines,
    });
    file
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}
