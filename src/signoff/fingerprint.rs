//! The content fingerprint of a change, in the spirit of `git patch-id --stable`: each file's
//! hunks with their added, removed and context lines, but no line numbers and no blob ids. The
//! same change rebased onto a base that moved it down the file (or changed other files) keeps
//! its fingerprint; any edit to the change does not, and neither does moving an approved line
//! to another place in the file, since its context changes with it.

use sha2::{Digest as _, Sha256};

use crate::diff::{ChangeSet, FileChange, LineKind};

/// `sha256:<hex>` over the change's content.
#[must_use]
pub fn fingerprint(change: &ChangeSet) -> String {
    let mut files: Vec<&FileChange> = change.files.iter().collect();
    files.sort_by(|a, b| (a.path(), a.old_path.as_deref()).cmp(&(b.path(), b.old_path.as_deref())));
    let mut hasher = Sha256::new();
    for file in files {
        // Every field is length-prefixed, so no two different changes hash the same bytes.
        field(&mut hasher, b'S', file.status.as_str().as_bytes());
        field(
            &mut hasher,
            b'O',
            file.old_path.as_deref().unwrap_or("").as_bytes(),
        );
        field(
            &mut hasher,
            b'N',
            file.new_path.as_deref().unwrap_or("").as_bytes(),
        );
        field(&mut hasher, b'o', mode(file.old_mode).as_bytes());
        field(&mut hasher, b'n', mode(file.new_mode).as_bytes());
        if file.binary {
            // No lines to compare: the new content is the change.
            field(
                &mut hasher,
                b'B',
                file.new_blob.as_deref().unwrap_or("").as_bytes(),
            );
        }
        for hunk in &file.hunks {
            field(&mut hasher, b'@', b"");
            for line in &hunk.lines {
                let tag = match line.kind {
                    LineKind::Added => b'+',
                    LineKind::Removed => b'-',
                    LineKind::Context => b' ',
                };
                field(&mut hasher, tag, line.content.as_bytes());
            }
        }
        field(&mut hasher, b'E', b"");
    }
    crate::digest::fingerprint(hasher)
}

fn mode(mode: Option<u32>) -> String {
    mode.map(|m| format!("{m:o}")).unwrap_or_default()
}

fn field(hasher: &mut Sha256, tag: u8, bytes: &[u8]) {
    hasher.update([tag]);
    hasher.update((bytes.len() as u64).to_be_bytes());
    hasher.update(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{FileStatus, Hunk, Line};

    fn line(kind: LineKind, number: u32, content: &str) -> Line {
        Line {
            kind,
            old_line: Some(number),
            new_line: Some(number),
            content: content.to_owned(),
        }
    }

    /// `app.py` with one line replaced at `start`, with `context` around it.
    fn change(start: u32, context: &str, added: &str) -> ChangeSet {
        let mut file = FileChange::new(
            FileStatus::Modified,
            Some("app.py".into()),
            Some("app.py".into()),
        );
        file.old_mode = Some(0o100_644);
        file.new_mode = Some(0o100_644);
        file.old_blob = Some(format!("{start:040}"));
        file.hunks.push(Hunk {
            old_start: start,
            old_lines: 3,
            new_start: start,
            new_lines: 3,
            lines: vec![
                line(LineKind::Context, start, context),
                line(LineKind::Removed, start + 1, "x = 1"),
                line(LineKind::Added, start + 1, added),
                line(LineKind::Context, start + 2, context),
            ],
        });
        ChangeSet {
            files: vec![file],
            ..ChangeSet::default()
        }
    }

    /// Moving the hunk down the file or other blob ids keep the fingerprint; new context
    /// around the same lines does not.
    #[test]
    fn stable_under_moved_hunks_but_not_moved_lines() {
        let first = fingerprint(&change(10, "a = 0", "x = 2"));
        assert!(first.starts_with("sha256:") && first.len() == 71, "{first}");
        assert_eq!(first, fingerprint(&change(42, "a = 0", "x = 2")));
        // The same added line somewhere else in the file means something else.
        assert_ne!(first, fingerprint(&change(42, "b = 9", "x = 2")));
    }

    /// Any content edit, a rename or a mode change changes it.
    #[test]
    fn changes_with_content_path_or_mode() {
        let base = fingerprint(&change(10, "a = 0", "x = 2"));
        assert_ne!(base, fingerprint(&change(10, "a = 0", "x = 3")));
        assert_ne!(base, fingerprint(&change(10, "a = 0", "x = 2 ")));

        let mut renamed = change(10, "a = 0", "x = 2");
        renamed.files[0].status = FileStatus::Renamed;
        renamed.files[0].new_path = Some("main.py".into());
        assert_ne!(base, fingerprint(&renamed));

        let mut executable = change(10, "a = 0", "x = 2");
        executable.files[0].new_mode = Some(0o100_755);
        assert_ne!(base, fingerprint(&executable));
    }

    /// Binary files count by their new content; file order does not matter.
    #[test]
    fn binary_content_and_file_order() {
        let binary = |blob: &str, path: &str| {
            let mut file = FileChange::new(FileStatus::Added, None, Some(path.into()));
            file.binary = true;
            file.new_blob = Some(blob.into());
            file
        };
        let two = |first, second| ChangeSet {
            files: vec![first, second],
            ..ChangeSet::default()
        };
        let a = fingerprint(&two(binary("aa", "a.bin"), binary("bb", "b.bin")));
        assert_eq!(
            a,
            fingerprint(&two(binary("bb", "b.bin"), binary("aa", "a.bin")))
        );
        assert_ne!(
            a,
            fingerprint(&two(binary("ab", "a.bin"), binary("bb", "b.bin")))
        );
    }
}
