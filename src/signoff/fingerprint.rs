//! The content fingerprint of a change, in the spirit of `git patch-id --stable`: each file's
//! hunks with their added, removed and context lines, but no line numbers and no blob ids. The
//! same change rebased onto a base that moved it down the file (or changed other files) keeps
//! its fingerprint; any edit to the change does not, and neither does moving an approved line
//! to another place in the file, since its context changes with it.
//!
//! Lines are hashed as the bytes git stores, read again from the blobs: a carriage return,
//! a missing final newline or an invalid UTF-8 byte is content, which the report's lines
//! (terminators stripped, invalid bytes replaced) cannot show (issue 12). When a blob is not
//! in the repository, the blob ids pin the bytes instead (exact, but not rebase-stable).

use std::borrow::Cow;
use std::path::Path;

use git2::{Oid, Repository};
use sha2::{Digest as _, Sha256};

use crate::diff::{Blobs, ChangeSet, FileChange, GitLines, LineKind, git_lines, text_diff};

/// `sha256:<hex>` over the change's content; `repo` holds the change's blobs.
#[must_use]
pub fn fingerprint(repo: Option<&Repository>, change: &ChangeSet) -> String {
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
        } else if !repo.is_some_and(|repo| raw_lines((repo, &change.blobs), file, &mut hasher)) {
            blob_ids_and_lines(file, &mut hasher);
        }
        field(&mut hasher, b'E', b"");
    }
    crate::digest::fingerprint(hasher)
}

/// Hashes the file's hunks as git's bytes: the lines the diff kept when it made this diff,
/// else its blobs diffed again with the gate's context size. `false` (nothing hashed) when a
/// blob is missing or git sees binary content.
fn raw_lines((repo, read): (&Repository, &Blobs), file: &FileChange, hasher: &mut Sha256) -> bool {
    // The diff kept the lines when it made this same diff to settle the file as text.
    let computed;
    let hunks =
        if let Some(kept) = read.text_diff(file.old_blob.as_deref(), file.new_blob.as_deref()) {
            kept
        } else {
            let Some(lines) = diff_again(repo, read, file) else {
                return false;
            };
            computed = lines;
            &computed
        };
    for lines in hunks {
        field(hasher, b'@', b"");
        for (origin, content) in lines {
            field(hasher, *origin, content);
        }
    }
    true
}

/// The file's blobs diffed again as [`text_diff`] does; `None` when a blob is missing or
/// git sees binary content.
fn diff_again(repo: &Repository, read: &Blobs, file: &FileChange) -> Option<GitLines> {
    // A side that does not exist is empty, as in the tree diff; the diff read most blobs.
    let content = |id: Option<&str>| match id {
        None => Some(Cow::Borrowed(&[][..])),
        Some(id) => read.get(id).map(Cow::Borrowed).or_else(|| {
            Oid::from_str(id)
                .ok()
                .and_then(|oid| repo.find_blob(oid).ok())
                .map(|blob| Cow::Owned(blob.content().to_vec()))
        }),
    };
    let (old, new) = (
        content(file.old_blob.as_deref())?,
        content(file.new_blob.as_deref())?,
    );
    let patch = text_diff(
        (&old, file.old_path.as_deref().map(Path::new)),
        (&new, file.new_path.as_deref().map(Path::new)),
    )
    .ok()?;
    if patch.delta().flags().is_binary() {
        return None;
    }
    git_lines(&patch)
}

/// Without the blobs: the blob ids (hashes of the exact bytes), then the lines as read.
fn blob_ids_and_lines(file: &FileChange, hasher: &mut Sha256) {
    field(
        hasher,
        b'b',
        file.old_blob.as_deref().unwrap_or("").as_bytes(),
    );
    field(
        hasher,
        b'B',
        file.new_blob.as_deref().unwrap_or("").as_bytes(),
    );
    for hunk in &file.hunks {
        field(hasher, b'@', b"");
        for line in &hunk.lines {
            let tag = match line.kind {
                LineKind::Added => b'+',
                LineKind::Removed => b'-',
                LineKind::Context => b' ',
            };
            field(hasher, tag, line.content.as_bytes());
        }
    }
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

    /// A repository to hold blobs.
    fn repo() -> (tempfile::TempDir, Repository) {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = Repository::init(dir.path()).expect("init");
        (dir, repo)
    }

    /// `app.py` changed from `old` to `new`, both stored as blobs. The hunks are left empty:
    /// with the blobs at hand the fingerprint reads them, not the report's lines.
    fn change(repo: &Repository, old: &[u8], new: &[u8]) -> ChangeSet {
        let mut file = FileChange::new(
            FileStatus::Modified,
            Some("app.py".into()),
            Some("app.py".into()),
        );
        file.old_mode = Some(0o100_644);
        file.new_mode = Some(0o100_644);
        file.old_blob = Some(repo.blob(old).expect("blob").to_string());
        file.new_blob = Some(repo.blob(new).expect("blob").to_string());
        ChangeSet {
            files: vec![file],
            ..ChangeSet::default()
        }
    }

    /// `lead` identical filler lines, `ctx`, the line `x`, `ctx`, then `tail`.
    fn text(lead: usize, ctx: &str, x: &str, tail: &str) -> Vec<u8> {
        format!("{}{ctx}\n{x}\n{ctx}\n{tail}", "pad\n".repeat(lead)).into_bytes()
    }

    /// Moving the hunk down the file keeps the fingerprint; new context around the same
    /// lines does not.
    #[test]
    fn stable_under_moved_hunks_but_not_moved_lines() {
        let (_dir, repo) = repo();
        let at = |lead, ctx| {
            fingerprint(
                Some(&repo),
                &change(
                    &repo,
                    &text(lead, ctx, "x = 1", "end\n"),
                    &text(lead, ctx, "x = 2", "end\n"),
                ),
            )
        };
        let first = at(10, "a = 0");
        assert!(first.starts_with("sha256:") && first.len() == 71, "{first}");
        assert_eq!(first, at(42, "a = 0"));
        // The same added line somewhere else in the file means something else.
        assert_ne!(first, at(42, "b = 9"));
    }

    /// Bytes the report's lines cannot show are content: a carriage return, the final
    /// newline, and which invalid UTF-8 byte it is (issue 12).
    #[test]
    fn byte_exact_for_cr_final_newline_and_invalid_utf8() {
        let (_dir, repo) = repo();
        let old = b"a = 0\nx = 1\nb = 0\n".as_slice();
        let print = |new: &[u8]| fingerprint(Some(&repo), &change(&repo, old, new));
        let plain = print(b"a = 0\nx = 2\nb = 0\n");
        let variants: [&[u8]; 4] = [
            b"a = 0\nx = 2\r\nb = 0\n",
            b"a = 0\nx = 2\nb = 0",
            b"a = 0\nx = \xff\nb = 0\n",
            b"a = 0\nx = \xfe\nb = 0\n",
        ];
        let mut seen = vec![plain];
        for variant in variants {
            let print = print(variant);
            assert!(!seen.contains(&print), "{variant:?}");
            seen.push(print);
        }
    }

    /// Without the blobs, the blob ids stand in for the bytes; a rename or a mode change
    /// changes the fingerprint either way.
    #[test]
    fn without_blobs_ids_pin_the_content() {
        let (_dir, repo) = repo();
        let base = change(&repo, b"x = 1\n", b"x = 2\n");
        let mut other = change(&repo, b"x = 1\n", b"x = 2\r\n");
        // The same line as the report reads it; only the blob ids tell them apart.
        let hunk = Hunk {
            old_start: 1,
            old_lines: 1,
            new_start: 1,
            new_lines: 1,
            lines: vec![Line {
                kind: LineKind::Added,
                old_line: None,
                new_line: Some(1),
                content: "x = 2".into(),
            }],
        };
        let mut base = base;
        base.files[0].hunks = vec![hunk.clone()];
        other.files[0].hunks = vec![hunk];
        assert_ne!(fingerprint(None, &base), fingerprint(None, &other));
        let reference = fingerprint(Some(&repo), &base);
        let mut renamed = base.clone();
        renamed.files[0].status = FileStatus::Renamed;
        renamed.files[0].new_path = Some("main.py".into());
        assert_ne!(reference, fingerprint(Some(&repo), &renamed));
        let mut executable = base.clone();
        executable.files[0].new_mode = Some(0o100_755);
        assert_ne!(reference, fingerprint(Some(&repo), &executable));
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
        let a = fingerprint(None, &two(binary("aa", "a.bin"), binary("bb", "b.bin")));
        assert_eq!(
            a,
            fingerprint(None, &two(binary("bb", "b.bin"), binary("aa", "a.bin")))
        );
        assert_ne!(
            a,
            fingerprint(None, &two(binary("ab", "a.bin"), binary("bb", "b.bin")))
        );
    }

    /// A file attributes call binary is diffed as text by the diff, which keeps the lines; the
    /// fingerprint read from them equals the one it computes itself. Text with a NUL in its
    /// first bytes is forced through, keeps nothing, and is pinned by its blob ids both ways.
    #[test]
    fn kept_text_diffs_give_the_same_fingerprint() {
        let (dir, repo) = repo();
        let commit = |files: &[(&str, &[u8])]| {
            for (path, bytes) in files {
                std::fs::write(dir.path().join(path), bytes).expect("write");
            }
            let mut index = repo.index().expect("index");
            index
                .add_all(["*"], git2::IndexAddOption::FORCE, None)
                .expect("add");
            index.write().expect("index write");
            repo.find_tree(index.write_tree().expect("tree"))
                .expect("tree")
        };
        let bundle = |x: &str| {
            format!(
                "{}var x = {x};\n{}",
                "a();\n".repeat(40),
                "b();\n".repeat(40)
            )
        };
        let nul = |x: &str| format!("head\0\n{}x = {x}\n", "c\n".repeat(20));
        let attributes: &[u8] = b"*.js binary\n*.txt binary\n";
        let old = commit(&[
            (".gitattributes", attributes),
            ("bundle.js", bundle("1").as_bytes()),
            ("nul.txt", nul("1").as_bytes()),
        ]);
        let new = commit(&[
            ("bundle.js", bundle("2").as_bytes()),
            ("nul.txt", nul("2").as_bytes()),
        ]);
        let crate::diff::from_git::Converted { files, blobs, .. } = crate::diff::from_git::trees(
            &repo,
            Some(&old),
            Some(&new),
            crate::diff::FileOptions::default(),
        )
        .expect("diff");
        let file = |path: &str| files.iter().find(|f| f.path() == path).expect("file");
        let (js, txt) = (file("bundle.js"), file("nul.txt"));
        assert!(!js.binary && !txt.binary, "both are settled as text");
        assert!(
            blobs
                .text_diff(js.old_blob.as_deref(), js.new_blob.as_deref())
                .is_some_and(|hunks| hunks.len() == 1),
            "the bundle's diff is kept"
        );
        assert!(
            blobs
                .text_diff(txt.old_blob.as_deref(), txt.new_blob.as_deref())
                .is_none(),
            "libgit2 reads the NUL as binary: nothing kept"
        );
        let with_kept = ChangeSet {
            files: files.clone(),
            blobs,
            ..ChangeSet::default()
        };
        let computed = ChangeSet {
            files,
            ..ChangeSet::default()
        };
        assert_eq!(
            fingerprint(Some(&repo), &with_kept),
            fingerprint(Some(&repo), &computed)
        );
    }
}
