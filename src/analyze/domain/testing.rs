//! Helpers shared by the domain analyzers' tests.

use crate::diff::{Hunk, Line, LineKind};

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
