//! Diffs written by the real `git` in a throwaway repository, parsed and compared exactly.
//!
//! Git runs hermetically: a cleared environment (no `GIT_DIR` and friends leaking in from a
//! hook), no system config, `HOME` inside the temp dir so no user config, and fixed
//! identities and dates. Diffs use `--full-index` so blob ids can be compared with
//! `git rev-parse` instead of depending on abbreviation length.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::diff::unified::parse;
use crate::diff::{FileChange, FileStatus, Hunk, Line, LineKind};

/// A temporary repository with a hermetic `git`.
struct Repo {
    _root: tempfile::TempDir,
    home: PathBuf,
    work: PathBuf,
}

impl Repo {
    fn new() -> Self {
        let root = tempfile::tempdir().expect("temp dir is creatable");
        let home = root.path().join("home");
        let work = root.path().join("work");
        std::fs::create_dir_all(&home).expect("home dir is creatable");
        std::fs::create_dir_all(&work).expect("work dir is creatable");
        let repo = Self {
            _root: root,
            home,
            work,
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    /// Runs git in the work tree and returns its standard output; panics on failure.
    fn git(&self, args: &[&str]) -> Vec<u8> {
        let output = Command::new("git")
            .args(args)
            .current_dir(&self.work)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("LC_ALL", "C")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Fixture Author")
            .env("GIT_AUTHOR_EMAIL", "author@example.com")
            .env("GIT_AUTHOR_DATE", "2000-01-01T00:00:00+0000")
            .env("GIT_COMMITTER_NAME", "Fixture Committer")
            .env("GIT_COMMITTER_EMAIL", "committer@example.com")
            .env("GIT_COMMITTER_DATE", "2000-01-01T00:00:00+0000")
            .output()
            .expect("git is installed: the fixtures need the real git CLI");
        assert!(
            output.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output.stdout
    }

    fn path(&self, name: &str) -> PathBuf {
        self.work.join(name)
    }

    fn write(&self, name: impl AsRef<Path>, content: &[u8]) {
        let path = self.work.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("parent dir is creatable");
        }
        std::fs::write(path, content).expect("fixture file is writable");
    }

    fn commit(&self) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", "fixture"]);
    }

    /// Full id of a blob, e.g. `HEAD:a.txt` or `:a.txt` (the index).
    fn blob(&self, spec: &str) -> String {
        let id = self.git(&["rev-parse", spec]);
        String::from_utf8_lossy(&id).trim().to_string()
    }

    /// Stages `name` and returns its blob id in the index.
    fn blob_after_add(&self, name: &str) -> String {
        self.git(&["add", name]);
        self.blob(&format!(":{name}"))
    }

    /// Stages everything and parses `git diff --cached --full-index HEAD <extra>`.
    fn staged_diff(&self, extra: &[&str]) -> Vec<FileChange> {
        self.git(&["add", "-A"]);
        let mut args = vec!["diff", "--cached", "--full-index"];
        args.extend_from_slice(extra);
        args.push("HEAD");
        let text = self.git(&args);
        parse(&text).unwrap_or_else(|error| {
            panic!("{error}\n--- diff ---\n{}", String::from_utf8_lossy(&text))
        })
    }
}

fn line(kind: LineKind, old_line: Option<u32>, new_line: Option<u32>, content: &str) -> Line {
    Line {
        kind,
        old_line,
        new_line,
        content: content.to_string(),
    }
}

fn numbered_lines(count: u32) -> String {
    let lines: Vec<String> = (1..=count).map(|n| format!("line {n}\n")).collect();
    lines.concat()
}

/// `git diff -M` of a moved file with one edited line: a rename with similarity, both blob
/// ids, the shared mode and a hunk numbered on both sides.
#[test]
fn rename_with_edits() {
    use LineKind::{Added, Context, Removed};
    let repo = Repo::new();
    repo.write("old.txt", numbered_lines(10).as_bytes());
    repo.commit();
    std::fs::remove_file(repo.path("old.txt")).expect("file is removable");
    repo.write(
        "new.txt",
        numbered_lines(10)
            .replace("line 5\n", "line five\n")
            .as_bytes(),
    );
    let files = repo.staged_diff(&["-M"]);
    let hunk = Hunk {
        old_start: 2,
        old_lines: 7,
        new_start: 2,
        new_lines: 7,
        lines: vec![
            line(Context, Some(2), Some(2), "line 2"),
            line(Context, Some(3), Some(3), "line 3"),
            line(Context, Some(4), Some(4), "line 4"),
            line(Removed, Some(5), None, "line 5"),
            line(Added, None, Some(5), "line five"),
            line(Context, Some(6), Some(6), "line 6"),
            line(Context, Some(7), Some(7), "line 7"),
            line(Context, Some(8), Some(8), "line 8"),
        ],
    };
    let expected = FileChange {
        similarity: Some(86),
        old_blob: Some(repo.blob("HEAD:old.txt")),
        new_blob: Some(repo.blob(":new.txt")),
        old_mode: Some(0o100_644),
        new_mode: Some(0o100_644),
        hunks: vec![hunk],
        ..FileChange::new(
            FileStatus::Renamed,
            Some("old.txt".into()),
            Some("new.txt".into()),
        )
    };
    assert_eq!(files, vec![expected]);
}

/// `git diff -C --find-copies-harder` reports a copy of an unchanged file, with the edit
/// made to the copy.
#[test]
fn copy_with_edit() {
    let repo = Repo::new();
    repo.write("src.txt", numbered_lines(20).as_bytes());
    repo.commit();
    repo.write(
        "dup.txt",
        numbered_lines(20)
            .replace("line 20\n", "line XX\n")
            .as_bytes(),
    );
    let files = repo.staged_diff(&["-C", "--find-copies-harder"]);
    let summary: Vec<_> = files
        .iter()
        .map(|f| {
            (
                f.status,
                f.old_path.as_deref(),
                f.new_path.as_deref(),
                f.similarity,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![(
            FileStatus::Copied,
            Some("src.txt"),
            Some("dup.txt"),
            Some(94)
        )]
    );
    assert_eq!((files[0].additions(), files[0].deletions()), (1, 1));
}

/// A binary file shows as `Binary files … differ`, and with `--binary` as a `GIT binary
/// patch` whose literal sizes are the file sizes; neither has hunks.
#[test]
fn binary_file() {
    let repo = Repo::new();
    repo.write("keep.txt", b"x\n");
    repo.commit();
    let content: Vec<u8> = (0u8..=255).collect();
    repo.write("blob.bin", &content);
    let expected = FileChange {
        binary: true,
        new_blob: Some(repo.blob_after_add("blob.bin")),
        new_mode: Some(0o100_644),
        ..FileChange::new(FileStatus::Added, None, Some("blob.bin".into()))
    };
    assert_eq!(repo.staged_diff(&[]), vec![expected.clone()]);
    let with_payload = FileChange {
        new_size: Some(256),
        old_size: Some(0),
        ..expected
    };
    assert_eq!(repo.staged_diff(&["--binary"]), vec![with_payload]);
}

/// `chmod +x` is a mode-only entry: old and new mode, no hunks, no blob ids.
#[cfg(unix)]
#[test]
fn mode_change() {
    use std::os::unix::fs::PermissionsExt;
    let repo = Repo::new();
    repo.write("run.sh", b"echo hi\n");
    repo.commit();
    std::fs::set_permissions(repo.path("run.sh"), std::fs::Permissions::from_mode(0o755))
        .expect("mode is settable");
    let expected = FileChange {
        old_mode: Some(0o100_644),
        new_mode: Some(0o100_755),
        ..FileChange::new(
            FileStatus::Modified,
            Some("run.sh".into()),
            Some("run.sh".into()),
        )
    };
    assert_eq!(repo.staged_diff(&[]), vec![expected]);
}

/// Paths with spaces (edited in place and renamed with an edit), a non-ASCII name (quoted by
/// the default `core.quotePath`) and a name that is not UTF-8 at all.
#[cfg(unix)]
#[test]
fn unusual_paths() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let repo = Repo::new();
    let bad_name = OsStr::from_bytes(b"bad\xff.txt");
    repo.write("my file.txt", b"a\n");
    repo.write("dir a/x y.txt", numbered_lines(10).as_bytes());
    repo.write("naïve.txt", b"a\n");
    repo.write(bad_name, b"a\n");
    repo.commit();
    repo.write("my file.txt", b"b\n");
    std::fs::remove_file(repo.path("dir a/x y.txt")).expect("file is removable");
    repo.write(
        "dir b/x y.txt",
        numbered_lines(10).replace("line 1\n", "one\n").as_bytes(),
    );
    repo.write("naïve.txt", b"b\n");
    repo.write(bad_name, b"b\n");
    let files = repo.staged_diff(&["-M"]);
    let summary: Vec<_> = files
        .iter()
        .map(|f| {
            let lines = (f.additions(), f.deletions());
            (
                f.status,
                f.old_path.as_deref(),
                f.new_path.as_deref(),
                f.non_utf8_path,
                lines,
            )
        })
        .collect();
    let modified = |path| (FileStatus::Modified, Some(path), Some(path), false, (1, 1));
    assert_eq!(
        summary,
        vec![
            (
                FileStatus::Modified,
                Some("bad\\377.txt"),
                Some("bad\\377.txt"),
                true,
                (1, 1)
            ),
            (
                FileStatus::Renamed,
                Some("dir a/x y.txt"),
                Some("dir b/x y.txt"),
                false,
                (1, 1)
            ),
            modified("my file.txt"),
            modified("naïve.txt"),
        ]
    );
}

/// CRLF content: `+two\r\n` lines keep `two`; the unchanged CRLF context lines too.
#[test]
fn crlf_content() {
    use LineKind::{Added, Context, Removed};
    let repo = Repo::new();
    repo.write("win.txt", b"one\r\ntwo\r\n");
    repo.commit();
    repo.write("win.txt", b"one\r\nTWO\r\n");
    let files = repo.staged_diff(&[]);
    let lines: Vec<Line> = files
        .iter()
        .flat_map(|f| &f.hunks)
        .flat_map(|h| h.lines.clone())
        .collect();
    assert_eq!(
        lines,
        vec![
            line(Context, Some(1), Some(1), "one"),
            line(Removed, Some(2), None, "two"),
            line(Added, None, Some(2), "TWO"),
        ]
    );
}

/// A file replaced by a symlink: git prints a delete entry and an add entry for the same
/// path, and that is what is reported.
#[cfg(unix)]
#[test]
fn file_becomes_symlink() {
    let repo = Repo::new();
    repo.write("target.txt", b"t\n");
    repo.write("link", b"was a file\n");
    repo.commit();
    std::fs::remove_file(repo.path("link")).expect("file is removable");
    std::os::unix::fs::symlink("target.txt", repo.path("link")).expect("symlink is creatable");
    let files = repo.staged_diff(&[]);
    let summary: Vec<_> = files
        .iter()
        .map(|f| (f.status, f.path(), f.old_mode, f.new_mode, f.is_symlink()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (FileStatus::Deleted, "link", Some(0o100_644), None, false),
            (FileStatus::Added, "link", None, Some(0o120_000), true),
        ]
    );
    let target: Vec<&str> = files[1].hunks[0]
        .lines
        .iter()
        .map(|l| l.content.as_str())
        .collect();
    assert_eq!(target, vec!["target.txt"]);
}

/// `--no-prefix` output (paths without `a/`/`b/`) and a `git format-patch` mail parse to the
/// same entries as the plain diff.
#[test]
fn no_prefix_and_format_patch() {
    let repo = Repo::new();
    repo.write("a/inner.txt", b"1\n");
    repo.write("top.txt", b"1\n");
    repo.commit();
    repo.write("a/inner.txt", b"2\n");
    repo.write("top.txt", b"2\n");
    repo.write("new file.txt", b"n\n");
    let plain = repo.staged_diff(&[]);
    let no_prefix = repo.staged_diff(&["--no-prefix"]);
    assert_eq!(no_prefix, plain);
    let paths: Vec<&str> = plain.iter().map(FileChange::path).collect();
    assert_eq!(paths, vec!["a/inner.txt", "new file.txt", "top.txt"]);
    repo.commit();
    let mail = repo.git(&["format-patch", "-1", "--stdout", "--full-index"]);
    assert_eq!(parse(&mail), Ok(plain));
}
