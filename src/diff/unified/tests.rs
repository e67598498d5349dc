//! Whole-diff tests of [`parse`]: one table per feature, then property tests
//! ([`props`]), diffs written by the real `git` ([`git_fixtures`]) and agreement with
//! libgit2 on random edits ([`git2_agree`]).

mod git2_agree;
mod git_fixtures;
mod props;

use super::{ParseErrorKind, parse};
use crate::diff::{FileChange, FileStatus, Hunk, Line, LineKind};

/// A blank entry; tests fill in the fields they care about with struct update syntax.
fn entry(status: FileStatus, old: Option<&str>, new: Option<&str>) -> FileChange {
    FileChange::new(status, old.map(str::to_string), new.map(str::to_string))
}

fn modified(path: &str) -> FileChange {
    entry(FileStatus::Modified, Some(path), Some(path))
}

fn line(kind: LineKind, old_line: Option<u32>, new_line: Option<u32>, content: &str) -> Line {
    Line {
        kind,
        old_line,
        new_line,
        content: content.to_string(),
    }
}

/// Runs a table of `(what, diff, expected entries)` cases.
fn check(cases: &[(&str, &[u8], Vec<FileChange>)]) {
    for (what, diff, expected) in cases {
        match parse(diff) {
            Ok(got) => assert_eq!(&got, expected, "case: {what}"),
            Err(error) => panic!("case: {what}: unexpected error: {error}"),
        }
    }
}

/// Same as [`check`] but ignores hunks, for cases about headers.
fn check_headers(cases: &[(&str, &[u8], Vec<FileChange>)]) {
    let without_hunks = |files: Vec<FileChange>| -> Vec<FileChange> {
        files
            .into_iter()
            .map(|file| FileChange {
                hunks: Vec::new(),
                ..file
            })
            .collect()
    };
    for (what, diff, expected) in cases {
        match parse(diff) {
            Ok(got) => assert_eq!(without_hunks(got), *expected, "case: {what}"),
            Err(error) => panic!("case: {what}: unexpected error: {error}"),
        }
    }
}

/// No input (or only blank lines) is no change; text without any entry is an error at line 1
/// that says what was expected, and bare hunks are reported at the hunk.
#[test]
fn tells_empty_input_from_non_diffs() {
    assert_eq!(parse(b""), Ok(vec![]));
    assert_eq!(parse(b"\n\r\n  \n"), Ok(vec![]));
    let cases: &[(&[u8], &str)] = &[
        (
            b"hello\nworld\n",
            "line 1: not a unified diff: expected a `diff --git a/<path> b/<path>` line or `---`/`+++` file lines",
        ),
        (
            b"some text\n@@ -1 +1 @@\n-a\n+b\n",
            "line 2: hunk header without a file header: expected `diff --git` or `---`/`+++` lines first",
        ),
        (
            b"\xff\xfe\x00binary",
            "line 1: not a unified diff: expected a `diff --git a/<path> b/<path>` line or `---`/`+++` file lines",
        ),
    ];
    for (input, message) in cases {
        let error = parse(input).expect_err("input is not a diff");
        assert_eq!(error.to_string(), *message);
    }
}

/// Extended header lines set status, modes, blobs and similarity; entries without hunks
/// (mode-only changes, pure renames, empty new files) are still reported.
#[test]
fn reads_extended_headers() {
    check_headers(&[
        (
            "mode-only change",
            b"diff --git a/run.sh b/run.sh\nold mode 100644\nnew mode 100755\n",
            vec![FileChange {
                old_mode: Some(0o100_644),
                new_mode: Some(0o100_755),
                ..modified("run.sh")
            }],
        ),
        (
            "edit with index mode",
            b"diff --git a/x b/x\nindex 83db48f..BF269F4 100644\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n",
            vec![FileChange {
                old_blob: Some("83db48f".into()),
                new_blob: Some("bf269f4".into()),
                old_mode: Some(0o100_644),
                new_mode: Some(0o100_644),
                ..modified("x")
            }],
        ),
        (
            "new empty file",
            b"diff --git a/empty b/empty\nnew file mode 100644\nindex 0000000..e69de29\n",
            vec![FileChange {
                new_blob: Some("e69de29".into()),
                new_mode: Some(0o100_644),
                ..entry(FileStatus::Added, None, Some("empty"))
            }],
        ),
        (
            "deleted file",
            b"diff --git a/gone b/gone\ndeleted file mode 100755\nindex 3b18e51..0000000\n--- a/gone\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n",
            vec![FileChange {
                old_blob: Some("3b18e51".into()),
                old_mode: Some(0o100_755),
                ..entry(FileStatus::Deleted, Some("gone"), None)
            }],
        ),
        (
            "pure rename",
            b"diff --git a/old.rs b/new.rs\nsimilarity index 100%\nrename from old.rs\nrename to new.rs\n",
            vec![FileChange {
                similarity: Some(100),
                ..entry(FileStatus::Renamed, Some("old.rs"), Some("new.rs"))
            }],
        ),
        (
            "copy with edit",
            b"diff --git a/a.c b/b.c\nsimilarity index 87%\ncopy from a.c\ncopy to b.c\nindex 1111111..2222222 100644\n--- a/a.c\n+++ b/b.c\n@@ -1 +1 @@\n-a\n+b\n",
            vec![FileChange {
                similarity: Some(87),
                old_blob: Some("1111111".into()),
                new_blob: Some("2222222".into()),
                old_mode: Some(0o100_644),
                new_mode: Some(0o100_644),
                ..entry(FileStatus::Copied, Some("a.c"), Some("b.c"))
            }],
        ),
        (
            "type change in one entry",
            b"diff --git a/link b/link\nold mode 100644\nnew mode 120000\nindex 1111111..2222222\n--- a/link\n+++ b/link\n@@ -1 +1 @@\n-text\n+target\n\\ No newline at end of file\n",
            vec![FileChange {
                old_mode: Some(0o100_644),
                new_mode: Some(0o120_000),
                old_blob: Some("1111111".into()),
                new_blob: Some("2222222".into()),
                ..entry(FileStatus::TypeChanged, Some("link"), Some("link"))
            }],
        ),
        (
            "rewrite keeps dissimilarity off modified files",
            b"diff --git a/x b/x\ndissimilarity index 90%\nindex 1111111..2222222 100644\n",
            vec![FileChange {
                old_blob: Some("1111111".into()),
                new_blob: Some("2222222".into()),
                old_mode: Some(0o100_644),
                new_mode: Some(0o100_644),
                ..modified("x")
            }],
        ),
        (
            "legacy rename old/new",
            b"diff --git a/p b/q\nrename old p\nrename new q\n",
            vec![entry(FileStatus::Renamed, Some("p"), Some("q"))],
        ),
    ]);
}

/// Binary notices and `GIT binary patch` payloads mark the entry binary with no hunks; a
/// `literal` block's size is the size of that side, and parsing resumes after the payload.
#[test]
fn reads_binary_entries() {
    let patch = b"diff --git a/img.png b/img.png\nnew file mode 100644\nindex 0000000..f3b1c2d\nGIT binary patch\nliteral 12\nTcmZ?wbhEHbRA5kG00031Aprk\n\nliteral 0\nHcmV?d00001\n\ndiff --git a/d.bin b/d.bin\nindex 1111111..2222222 100644\nGIT binary patch\ndelta 7\nOcmZ?wbhEHbRA5kG00031\n\ndelta 7\nOcmZ?wbhEHbRA5kG00031\n\ndiff --git a/t b/t\n--- a/t\n+++ b/t\n@@ -1 +1 @@\n-a\n+b\n";
    check_headers(&[
        (
            "binary files differ",
            b"diff --git a/logo.png b/logo.png\nindex 1111111..2222222 100644\nBinary files a/logo.png and b/logo.png differ\n",
            vec![FileChange {
                binary: true,
                old_blob: Some("1111111".into()),
                new_blob: Some("2222222".into()),
                old_mode: Some(0o100_644),
                new_mode: Some(0o100_644),
                ..modified("logo.png")
            }],
        ),
        (
            "binary patches, literal and delta, then a text entry",
            patch,
            vec![
                FileChange {
                    binary: true,
                    new_blob: Some("f3b1c2d".into()),
                    new_mode: Some(0o100_644),
                    new_size: Some(12),
                    old_size: Some(0),
                    ..entry(FileStatus::Added, None, Some("img.png"))
                },
                FileChange {
                    binary: true,
                    old_blob: Some("1111111".into()),
                    new_blob: Some("2222222".into()),
                    old_mode: Some(0o100_644),
                    new_mode: Some(0o100_644),
                    ..modified("d.bin")
                },
                modified("t"),
            ],
        ),
    ]);
    let files = parse(patch).expect("patch is valid");
    assert!(files.iter().take(2).all(|file| file.hunks.is_empty()));
    assert_eq!(files.get(2).map(FileChange::additions), Some(1));
}

/// Hunk lines are numbered on both sides across several hunks, `\ No newline` markers are
/// not lines, and content keeps inner whitespace.
#[test]
fn reads_hunks() {
    use LineKind::{Added, Context, Removed};
    let diff = b"diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@ fn head()\n-one\n+ONE\n two\n@@ -8,2 +8,3 @@\n eight\n-nine\n\\ No newline at end of file\n+nine\n+ ten \n\\ No newline at end of file\n";
    let hunks = vec![
        Hunk {
            old_start: 1,
            old_lines: 2,
            new_start: 1,
            new_lines: 2,
            lines: vec![
                line(Removed, Some(1), None, "one"),
                line(Added, None, Some(1), "ONE"),
                line(Context, Some(2), Some(2), "two"),
            ],
        },
        Hunk {
            old_start: 8,
            old_lines: 2,
            new_start: 8,
            new_lines: 3,
            lines: vec![
                line(Context, Some(8), Some(8), "eight"),
                line(Removed, Some(9), None, "nine"),
                line(Added, None, Some(9), "nine"),
                line(Added, None, Some(10), " ten "),
            ],
        },
    ];
    check(&[(
        "two hunks",
        diff,
        vec![FileChange {
            hunks,
            ..modified("f")
        }],
    )]);
}

/// A diff saved with CRLF terminators parses like its LF original, and CRLF content lines
/// (`+foo\r\n` in an LF diff) keep their text without the `\r`.
#[test]
fn strips_one_carriage_return_per_line() {
    let lf = b"diff --git a/w.txt b/w.txt\nindex 1111111..2222222 100644\n--- a/w.txt\n+++ b/w.txt\n@@ -1,2 +1,2 @@\n keep\n-old\n+new\n".to_vec();
    let crlf_saved: Vec<u8> = String::from_utf8_lossy(&lf)
        .replace('\n', "\r\n")
        .into_bytes();
    let crlf_content = b"diff --git a/w.txt b/w.txt\nindex 1111111..2222222 100644\n--- a/w.txt\n+++ b/w.txt\n@@ -1,2 +1,2 @@\n keep\r\n-old\r\n+new\r\n";
    let expected = parse(&lf).expect("LF diff is valid");
    assert_eq!(parse(&crlf_saved), Ok(expected.clone()));
    assert_eq!(parse(crlf_content), Ok(expected.clone()));
    let contents: Vec<&str> = expected
        .iter()
        .flat_map(|file| &file.hunks)
        .flat_map(|hunk| &hunk.lines)
        .map(|line| line.content.as_str())
        .collect();
    assert_eq!(contents, vec!["keep", "old", "new"]);
}

/// Paths: C-style quoting, spaces resolved from `---`/`+++`, `rename` lines or equal halves,
/// non-UTF-8 bytes escaped and flagged, `--no-prefix` and plain `diff -u` input.
#[test]
fn reads_paths() {
    check_headers(&[
        (
            "quoted non-ASCII path",
            b"diff --git \"a/dir/na\\303\\257ve file.txt\" \"b/dir/na\\303\\257ve file.txt\"\nindex 1111111..2222222 100644\n",
            vec![FileChange {
                old_blob: Some("1111111".into()),
                new_blob: Some("2222222".into()),
                old_mode: Some(0o100_644),
                new_mode: Some(0o100_644),
                ..modified("dir/naïve file.txt")
            }],
        ),
        (
            "quoted escapes",
            b"diff --git \"a/t\\tq\\\"b\\\\s\\n\" \"b/t\\tq\\\"b\\\\s\\n\"\nold mode 100644\nnew mode 100755\n",
            vec![FileChange {
                old_mode: Some(0o100_644),
                new_mode: Some(0o100_755),
                ..modified("t\tq\"b\\s\n")
            }],
        ),
        (
            "spaces, equal halves, no other line",
            b"diff --git a/my file b/my file\nold mode 100644\nnew mode 100755\n",
            vec![FileChange {
                old_mode: Some(0o100_644),
                new_mode: Some(0o100_755),
                ..modified("my file")
            }],
        ),
        (
            "spaces, rename lines decide",
            b"diff --git a/x b/y b/z b/w\nsimilarity index 100%\nrename from x b/y\nrename to z b/w\n",
            vec![FileChange {
                similarity: Some(100),
                ..entry(FileStatus::Renamed, Some("x b/y"), Some("z b/w"))
            }],
        ),
        (
            "spaces, file lines decide (git appends a tab)",
            b"diff --git a/p q b/r b/s\n--- a/p q b/r\t\n+++ b/p q b/r\t\n@@ -1 +1 @@\n-a\n+b\n",
            vec![modified("p q b/r")],
        ),
        (
            "non-UTF-8 byte, quoted",
            b"diff --git \"a/bad\\377.txt\" \"b/bad\\377.txt\"\nold mode 100644\nnew mode 100755\n",
            vec![FileChange {
                old_mode: Some(0o100_644),
                new_mode: Some(0o100_755),
                non_utf8_path: true,
                ..modified("bad\\377.txt")
            }],
        ),
        (
            "non-UTF-8 byte, raw (core.quotePath=false)",
            b"diff --git a/caf\xe9 b/caf\xe9\n--- a/caf\xe9\n+++ b/caf\xe9\n@@ -1 +1 @@\n-a\n+b\n",
            vec![FileChange {
                non_utf8_path: true,
                ..modified("caf\\351")
            }],
        ),
        (
            "--no-prefix with a directory named a",
            b"diff --git a/x a/x\n--- a/x\n+++ a/x\n@@ -1 +1 @@\n-a\n+b\n",
            vec![modified("a/x")],
        ),
        (
            "--no-prefix new file",
            b"diff --git src/new.rs src/new.rs\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ src/new.rs\n@@ -0,0 +1 @@\n+x\n",
            vec![FileChange {
                new_mode: Some(0o100_644),
                new_blob: Some("1111111".into()),
                ..entry(FileStatus::Added, None, Some("src/new.rs"))
            }],
        ),
        (
            "plain diff -u with timestamps",
            b"--- /dev/null\t2024-01-01 00:00:00.000000000 +0000\n+++ notes.txt\t2024-01-01 00:00:01.000000000 +0000\n@@ -0,0 +1 @@\n+hi\n",
            vec![entry(FileStatus::Added, None, Some("notes.txt"))],
        ),
    ]);
}

/// Mail headers, commit messages and the `-- ` signature of `git format-patch` around and
/// between entries are skipped; entries come back in input order.
#[test]
fn skips_text_around_entries() {
    let patch = b"From 1234 Mon Sep 17 00:00:00 2001\nSubject: [PATCH] edit\n\n---\n f | 2 +-\n 1 file changed\n\ndiff --git a/f b/f\nindex 1111111..2222222 100644\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\ncommit 42\n\n    second\n\ndiff --git a/g b/g\ndeleted file mode 100644\nindex 3333333..0000000\n-- \n2.47.3\n\n";
    let files = parse(patch).expect("patch is valid");
    let summary: Vec<(FileStatus, &str, usize)> = files
        .iter()
        .map(|file| (file.status, file.path(), file.hunks.len()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (FileStatus::Modified, "f", 1),
            (FileStatus::Deleted, "g", 0)
        ]
    );
}

/// Malformed input fails with the line at fault and what was expected, never a panic.
#[test]
fn reports_malformed_input() {
    let cases: &[(&[u8], &str)] = &[
        (
            b"diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n",
            "line 5: hunk header says 3 old lines but the diff ended after 1",
        ),
        (
            b"diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n b\ndiff --git a/g b/g\n",
            "line 7: hunk header says 3 old lines but the hunk ended after 2",
        ),
        (
            b"diff --git a/f b/f\nold mode 10064x\n",
            "line 2: malformed `old mode` line: expected an octal file mode like 100644",
        ),
        (
            b"diff --git a/f b/f\nsimilarity index 101%\n",
            "line 2: malformed `similarity index` line: expected a percentage from 0% to 100%",
        ),
        (
            b"diff --git a/f b/f\nindex zz..11 100644\n",
            "line 2: malformed `index` line: expected `index <hex>..<hex>` with an optional octal mode",
        ),
        (
            b"diff --git a/f b/f\n--- a/f\n@@ -1 +1 @@\n",
            "line 3: expected a `+++ <path>` line after the `---` line",
        ),
        (
            b"diff --git a/f b/f\n--- a/f\n",
            "line 2: expected a `+++ <path>` line after the `---` line",
        ),
        (
            b"diff --git a/f b/f\nrename from \"f\\q\"\n",
            "line 2: malformed quoted path: unknown escape sequence",
        ),
        (
            b"diff --git \"a/f b/f\n",
            "line 1: malformed `diff --git` line: expected `diff --git a/<path> b/<path>`",
        ),
        (
            b"diff --git x y z w\nold mode 100644\nnew mode 100755\n",
            "line 1: cannot tell the two paths apart in the `diff --git` line: expected `---`/`+++` or `rename from`/`rename to` lines",
        ),
        (
            b"diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @\n-a\n+b\n",
            "line 4: malformed hunk header: expected `@@ -<start>[,<count>] +<start>[,<count>] @@`",
        ),
        (
            b"diff --cc merged.txt\nindex 1,2..3\n",
            "line 1: combined diff of a merge is not supported: expected a two-sided `diff --git` entry (use `git diff <base> <head>`)",
        ),
        (
            b"diff --git a/b b/b\nGIT binary patch\nzlib junk\n",
            "line 3: expected `literal <size>` or `delta <size>` after `GIT binary patch`",
        ),
    ];
    for (input, message) in cases {
        let error = parse(input).expect_err("input is malformed");
        assert_eq!(
            error.to_string(),
            *message,
            "{:?}",
            String::from_utf8_lossy(input)
        );
    }
    let error = parse(b"x\n@@ -1 +1 @@\n").expect_err("bare hunk");
    assert_eq!(
        (error.line, error.kind),
        (2, ParseErrorKind::HunkWithoutFile)
    );
}
