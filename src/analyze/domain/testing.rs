//! Helpers shared by the domain analyzers' tests.

use super::Versions;
use crate::analyze::Fact;
use crate::diff::{FileChange, FileStatus, Hunk, Line, LineKind};
use crate::signal::Signal;

/// One hunk over the whole file, diffed line by line (context lines included, as git shows).
pub(crate) fn hunk(before: &str, after: &str) -> Hunk {
    let diff = similar::TextDiff::from_lines(before, after);
    let number = |index: Option<usize>| index.and_then(|i| u32::try_from(i + 1).ok());
    let lines = diff
        .iter_all_changes()
        .map(|change| Line {
            kind: match change.tag() {
                similar::ChangeTag::Equal => LineKind::Context,
                similar::ChangeTag::Insert => LineKind::Added,
                similar::ChangeTag::Delete => LineKind::Removed,
            },
            old_line: number(change.old_index()),
            new_line: number(change.new_index()),
            content: change.value().trim_end_matches('\n').to_string(),
        })
        .collect();
    Hunk {
        old_start: 1,
        old_lines: u32::try_from(before.lines().count()).unwrap_or(0),
        new_start: 1,
        new_lines: u32::try_from(after.lines().count()).unwrap_or(0),
        lines,
    }
}

/// A fixture case read as one changed file: `<dir>/<case>/{before,after}.<extension>` at `path`
/// (no `before` means a new file), with a whole-file hunk.
pub(crate) struct Fixture {
    /// The change.
    pub file: FileChange,
    /// Content before, if the case has one.
    pub before: Option<String>,
    /// Content after.
    pub after: String,
}

impl Fixture {
    pub(crate) fn load(dir: &str, case: &str, extension: &str, path: &str) -> Self {
        let read =
            |side: &str| std::fs::read_to_string(format!("{dir}/{case}/{side}.{extension}")).ok();
        let after = read("after").expect("every case has an after file");
        let before = read("before");
        let status = if before.is_some() {
            FileStatus::Modified
        } else {
            FileStatus::Added
        };
        let mut file = FileChange::new(
            status,
            before.as_ref().map(|_| path.to_string()),
            Some(path.to_string()),
        );
        file.hunks
            .push(hunk(before.as_deref().unwrap_or_default(), &after));
        Self {
            file,
            before,
            after,
        }
    }

    /// Both versions, or (with `contents: false`) only the hunks, as for diff text.
    pub(crate) fn versions(&self, contents: bool) -> Versions<'_> {
        Versions {
            file: &self.file,
            old: self
                .before
                .as_deref()
                .map(str::as_bytes)
                .filter(|_| contents),
            new: Some(self.after.as_bytes()).filter(|_| contents),
        }
    }
}

/// `(signal, subject, line)` of each fact, for table assertions.
pub(crate) fn summary(facts: &[Fact]) -> Vec<(Signal, String, u32)> {
    facts
        .iter()
        .map(|f| {
            (
                f.signal,
                f.subject.clone().unwrap_or_default(),
                f.line.unwrap_or(0),
            )
        })
        .collect()
}
