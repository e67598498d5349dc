//! Property tests: round trips through generated diffs, several entries in one diff, and
//! no panics on arbitrary or mutated input.

use proptest::collection::vec;
use proptest::prelude::*;
use similar::{ChangeTag, TextDiff};

use crate::diff::unified::parse;
use crate::diff::{FileChange, FileStatus, LineKind};

/// Texts from a tiny alphabet so that edits collide and hunks merge, with and without a
/// final newline (the `\ No newline at end of file` paths).
fn text() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec!["a", "b", "c", "d", ""]);
    (vec(words, 0..14), any::<bool>()).prop_map(|(lines, final_newline)| {
        let mut text = lines.join("\n");
        if final_newline && !lines.is_empty() {
            text.push('\n');
        }
        text
    })
}

/// A git-style entry for `path` whose hunks come from `similar` with 3 lines of context.
fn git_diff(path: &str, old: &str, new: &str) -> String {
    let hunks = TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string();
    format!("diff --git a/{path} b/{path}\nindex 1111111..2222222 100644\n{hunks}")
}

/// Applies parsed hunks to `old`, checking every line number and every old-side line on
/// the way, and returns the new lines.
fn apply(old: &[&str], file: &FileChange) -> Result<Vec<String>, TestCaseError> {
    let mut new = Vec::new();
    let mut next_old = 0usize;
    for hunk in &file.hunks {
        // An insertion-only hunk (`-a,0`) names the line after which it inserts.
        let start = usize::try_from(hunk.old_start)?;
        let copy_until = if hunk.old_lines == 0 {
            start
        } else {
            start - 1
        };
        prop_assert!(copy_until >= next_old, "hunks overlap or go backwards");
        new.extend(old[next_old..copy_until].iter().map(ToString::to_string));
        next_old = copy_until;
        for line in &hunk.lines {
            if line.kind != LineKind::Added {
                prop_assert_eq!(line.old_line, Some(u32::try_from(next_old + 1)?));
                prop_assert_eq!(old.get(next_old).copied(), Some(line.content.as_str()));
                next_old += 1;
            }
            if line.kind != LineKind::Removed {
                prop_assert_eq!(line.new_line, Some(u32::try_from(new.len() + 1)?));
                new.push(line.content.clone());
            }
        }
    }
    new.extend(old[next_old..].iter().map(ToString::to_string));
    Ok(new)
}

/// What one entry of a generated multi-file diff is.
#[derive(Debug, Clone, Copy)]
enum Shape {
    Edit,
    Rename { with_edit: bool },
    Add,
    Delete,
    ModeChange,
}

fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        Just(Shape::Edit),
        any::<bool>().prop_map(|with_edit| Shape::Rename { with_edit }),
        Just(Shape::Add),
        Just(Shape::Delete),
        Just(Shape::ModeChange),
    ]
}

/// The diff text of entry `index` and the status and paths it must parse to.
fn entry_text(
    index: usize,
    shape: Shape,
) -> (String, (FileStatus, Option<String>, Option<String>)) {
    let path = format!("dir {index}/f{index}.txt");
    let moved = format!("moved/f{index}.txt");
    let edit = |old: &str, new: &str| {
        format!("--- a/{old}\n+++ b/{new}\n@@ -1,2 +1,2 @@\n keep\n-old\n+new\n")
    };
    match shape {
        Shape::Edit => (
            format!(
                "diff --git a/{path} b/{path}\nindex 1..2 100644\n{}",
                edit(&path, &path)
            ),
            (FileStatus::Modified, Some(path.clone()), Some(path)),
        ),
        Shape::Rename { with_edit } => {
            let (similarity, hunks) = if with_edit {
                ("75", edit(&path, &moved))
            } else {
                ("100", String::new())
            };
            (
                format!(
                    "diff --git a/{path} b/{moved}\nsimilarity index {similarity}%\nrename from {path}\nrename to {moved}\n{hunks}"
                ),
                (FileStatus::Renamed, Some(path), Some(moved)),
            )
        }
        Shape::Add => (
            format!(
                "diff --git a/{path} b/{path}\nnew file mode 100644\nindex 0000000..2\n--- /dev/null\n+++ b/{path}\n@@ -0,0 +1 @@\n+x\n"
            ),
            (FileStatus::Added, None, Some(path)),
        ),
        Shape::Delete => (
            format!(
                "diff --git a/{path} b/{path}\ndeleted file mode 100644\nindex 1..0000000\n--- a/{path}\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n"
            ),
            (FileStatus::Deleted, Some(path), None),
        ),
        Shape::ModeChange => (
            format!("diff --git a/{path} b/{path}\nold mode 100644\nnew mode 100755\n"),
            (FileStatus::Modified, Some(path.clone()), Some(path)),
        ),
    }
}

/// A valid diff exercising most of the grammar, for mutation tests.
const RICH_DIFF: &[u8] = b"diff --git a/f b/f\nindex 1111111..2222222 100644\n--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@ ctx\n a\n-b\n+B\r\n c\n\\ No newline at end of file\ndiff --git \"a/na\\303\\257ve\" \"b/na\\303\\257ve\"\nsimilarity index 90%\nrename from \"na\\303\\257ve\"\nrename to other\nGIT binary patch\nliteral 3\nHcmV?d00001\n\nliteral 0\nHcmV?d00001\n\ndiff --git a/m b/m\nold mode 100644\nnew mode 120000\n";

/// Lines that look like diff syntax, so random sequences reach deep parser states.
fn diffish_line() -> impl Strategy<Value = Vec<u8>> {
    let pieces: Vec<&[u8]> = vec![
        b"diff --git a/x b/x",
        b"diff --git \"a/\\377\" b/y",
        b"--- a/x",
        b"+++ b/x",
        b"--- /dev/null",
        b"+++ /dev/null",
        b"@@ -1,2 +1,2 @@",
        b"@@ -0,0 +1 @@",
        b"@@ -4294967295,4294967295 +1 @@",
        b" ctx",
        b"+add",
        b"-del",
        b"",
        b"\\ No newline",
        b"new file mode 100644",
        b"old mode 1",
        b"index 0..1 100644",
        b"rename from \"a\\",
        b"rename to b",
        b"similarity index 100%",
        b"GIT binary patch",
        b"literal 5",
        b"delta 99999999999999999999",
        b"Binary files a/x and b/x differ",
        b"diff --cc m",
    ];
    prop::sample::select(pieces).prop_map(<[u8]>::to_vec)
}

proptest! {
    /// Applying the parsed hunks of a generated diff to the old text yields the new text,
    /// line numbers included, and the added/removed counts match the diff's changes.
    #[test]
    fn parsed_hunks_apply_to_the_old_text(old in text(), new in text()) {
        let files = parse(git_diff("f.txt", &old, &new).as_bytes())?;
        prop_assert_eq!(files.len(), 1);
        let file = &files[0];
        let old_lines: Vec<&str> = old.lines().collect();
        let new_lines: Vec<&str> = new.lines().collect();
        prop_assert_eq!(apply(&old_lines, file)?, new_lines);
        let changes = TextDiff::from_lines(&old, &new);
        let count = |tag| changes.iter_all_changes().filter(|change| change.tag() == tag).count();
        prop_assert_eq!(file.additions(), count(ChangeTag::Insert));
        prop_assert_eq!(file.deletions(), count(ChangeTag::Delete));
    }

    /// Several entries (renames mixed with edits, adds, deletes, mode changes) come back as
    /// as many entries, in order, with the right status and paths.
    #[test]
    fn several_entries_parse_in_order(shapes in vec(shape(), 1..8)) {
        let (texts, expected): (Vec<String>, Vec<_>) = shapes
            .iter()
            .enumerate()
            .map(|(index, shape)| entry_text(index, *shape))
            .unzip();
        let files = parse(texts.concat().as_bytes())?;
        let got: Vec<_> = files
            .into_iter()
            .map(|file| (file.status, file.old_path, file.new_path))
            .collect();
        prop_assert_eq!(got, expected);
    }

    /// Arbitrary bytes never make the parser panic.
    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in vec(any::<u8>(), 0..512)) {
        let _ = parse(&bytes);
    }

    /// Random sequences of diff-looking lines never make the parser panic.
    #[test]
    fn never_panics_on_diffish_lines(lines in vec(diffish_line(), 0..24), crlf in any::<bool>()) {
        let terminator: &[u8] = if crlf { b"\r\n" } else { b"\n" };
        let _ = parse(&lines.join(terminator));
    }

    /// Truncating a valid diff, or inserting or deleting one byte anywhere, never panics.
    #[test]
    fn never_panics_on_mutated_diffs(at in 0..RICH_DIFF.len(), byte in any::<u8>(), how in 0..3u8) {
        let mut mutated = RICH_DIFF.to_vec();
        match how {
            0 => mutated.truncate(at),
            1 => mutated.insert(at, byte),
            _ => { mutated.remove(at); }
        }
        let _ = parse(&mutated);
    }
}

/// The mutation seed is itself valid, so mutations start from deep parser states.
#[test]
fn rich_diff_seed_is_valid() {
    let files = parse(RICH_DIFF).expect("seed diff is valid");
    let statuses: Vec<FileStatus> = files.iter().map(|file| file.status).collect();
    assert_eq!(
        statuses,
        vec![
            FileStatus::Modified,
            FileStatus::Renamed,
            FileStatus::TypeChanged
        ]
    );
}
