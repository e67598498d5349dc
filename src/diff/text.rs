//! Which content is text, decided by the bytes alone and never by `.gitattributes`.
//!
//! libgit2 calls a file binary when a NUL byte sits in its first 8000 bytes, when it is over
//! the size limit, or when `.gitattributes` says `binary` or `-diff`, read from whatever
//! worktree happens to be checked out. One NUL byte or one attribute line would then hide a
//! Terraform file from its analyzer and from the secret scan, and the verdict on a commit range
//! would depend on the checkout (issue 12). So after libgit2 has diffed, each file is settled
//! here: text when it decodes as UTF-8 (NUL is a valid character there) or, as git decides
//! without attributes, when its first 8000 bytes hold no NUL. Text is diffed line by line
//! whatever libgit2 said; anything else, and anything over the size limit, is binary with no
//! hunks, so the analyzers judge it as content they could not read.

use std::path::Path;
use std::sync::Arc;

use git2::{DiffOptions, Oid, Patch, Repository};

use super::blobs::{Kept, git_lines, text_diff};
use super::error::{Error, GitContext};
use super::from_git::{hunks, similarity};
use super::model::{FileChange, FileStatus};

/// How many leading bytes git searches for a NUL when it guesses binary content
/// (`FIRST_FEW_BYTES` in git's `xdiff-interface.c`).
const NUL_WINDOW: usize = 8000;

/// Whether `bytes` are read as text (see the module docs).
#[must_use]
pub fn is_text(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok() || !bytes[..bytes.len().min(NUL_WINDOW)].contains(&0)
}

/// Where the new side of a change lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NewSide {
    /// In the object database (trees, the index).
    Objects,
    /// In the working tree, when it is not in the object database.
    Workdir,
}

/// Makes `change.binary` and its hunks follow [`is_text`] instead of libgit2's guess; what it
/// reads from the object database goes into `kept`.
pub(crate) fn settle(
    repo: &Repository,
    change: &mut FileChange,
    (max_file_bytes, new_side): (u64, NewSide),
    kept: &mut Kept,
) -> Result<(), Error> {
    if change.is_symlink() || change.is_submodule() {
        return Ok(());
    }
    if change.old_size.max(change.new_size).unwrap_or(0) > max_file_bytes {
        // libgit2 diffs an oversized file when an attribute forces text; never read it.
        change.binary = true;
        change.hunks.clear();
        return Ok(());
    }
    let old = match &change.old_blob {
        None => Some((Arc::from(&[][..]), Stored::Absent)),
        Some(id) => read(repo, id, None, kept),
    };
    let workdir_path = change
        .new_path
        .as_deref()
        .filter(|_| new_side == NewSide::Workdir);
    let new = match &change.new_blob {
        None => Some((Arc::from(&[][..]), Stored::Absent)),
        Some(id) => read(repo, id, workdir_path, kept),
    };
    // Unreadable content keeps libgit2's view; the contents stage reports it as unavailable.
    let (Some((old, old_stored)), Some((new, new_stored))) = (old, new) else {
        return Ok(());
    };
    if !(is_text(&old) && is_text(&new)) {
        change.binary = true;
        change.hunks.clear();
    } else if change.binary {
        let plain = text_diff(
            (&old, change.old_path.as_deref().map(Path::new)),
            (&new, change.new_path.as_deref().map(Path::new)),
        )
        .doing(|| format!("diffing {} as text", change.path()))?;
        let patch = if plain.delta().flags().is_binary() {
            // A NUL early in text that decodes: libgit2 will not diff it unless forced.
            let mut options = DiffOptions::new();
            options.force_text(true).context_lines(3);
            Patch::from_buffers(&old, None, &new, None, Some(&mut options))
                .doing(|| format!("diffing {} as text", change.path()))?
        } else {
            // The fingerprint makes this same diff of these blobs; it reads the kept lines.
            if old_stored != Stored::Workdir
                && new_stored != Stored::Workdir
                && let Some(lines) = git_lines(&plain)
            {
                kept.keep_diff(
                    change.old_blob.as_deref(),
                    change.new_blob.as_deref(),
                    lines,
                );
            }
            plain
        };
        change.binary = false;
        change.hunks = hunks(&patch)?;
        if matches!(change.status, FileStatus::Renamed | FileStatus::Copied) {
            change.similarity = Some(similarity(Some(&patch)));
        }
    }
    Ok(())
}

/// Where a side's bytes came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stored {
    /// The side does not exist: empty.
    Absent,
    /// The object database, by the side's blob id.
    Objects,
    /// The working tree file (its id is not in the object database).
    Workdir,
}

/// A blob's bytes from the object database (kept), else (for working-tree changes) from the
/// file.
fn read(
    repo: &Repository,
    id: &str,
    workdir_path: Option<&str>,
    kept: &mut Kept,
) -> Option<(Arc<[u8]>, Stored)> {
    let from_odb = Oid::from_str(id)
        .ok()
        .filter(|oid| !oid.is_zero())
        .and_then(|oid| repo.find_blob(oid).ok())
        .map(|blob| {
            let bytes: Arc<[u8]> = blob.content().into();
            kept.keep(id, Arc::clone(&bytes));
            (bytes, Stored::Objects)
        });
    from_odb.or_else(|| {
        Some((
            std::fs::read(repo.workdir()?.join(workdir_path?))
                .ok()?
                .into(),
            Stored::Workdir,
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text is what decodes or what git's own NUL rule accepts; nothing else is.
    #[test]
    fn text_by_bytes() {
        let cases: [(&[u8], bool); 6] = [
            (b"resource \"a\" \"b\" {}\n", true),
            (b"# \0 hidden\nresource \"a\" \"b\" {}\n", true),
            (b"caf\xe9 au lait\n", true),
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff", false),
            (b"\0\xff", false),
            (b"", true),
        ];
        for (bytes, text) in cases {
            assert_eq!(is_text(bytes), text, "{bytes:?}");
        }
        let mut late_nul = vec![b'\xff'; NUL_WINDOW];
        late_nul.push(0);
        assert!(is_text(&late_nul), "a NUL past git's window does not count");
    }
}
