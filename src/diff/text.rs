//! Which content is text, decided by the bytes alone and never by `.gitattributes`.
//!
//! libgit2 calls a file binary when a NUL byte sits in its first 8000 bytes, when it is over
//! the size limit, or when `.gitattributes` says `binary` or `-diff`, read from whatever
//! worktree happens to be checked out. One NUL byte or one attribute line would then hide a
//! Terraform file from its analyzer and from the secret scan, and the verdict on a commit range
//! would depend on the checkout (issue 12). So after libgit2 has diffed, each file is settled
//! here: text when it decodes as UTF-8 (NUL is a valid character there) or, as git decides
//! without attributes, when its first 8000 bytes hold no NUL. Text is diffed line by line
//! whatever libgit2 said; anything else, and anything over the size limit (by the bytes, which
//! libgit2 never learns for content an attribute calls binary), is binary with no hunks, so
//! the analyzers judge it as content they could not read.
//!
//! A file whose sides are both blobs ([`plain_blobs`]) is not diffed by libgit2 at all: its
//! sizes come from the object headers and its bytes are read once ([`read_sides`]), then
//! diffed from the blobs on the thread that read them ([`settle_read`]). Links, submodules, type
//! changes and working-tree sides keep libgit2's patch and are settled after it ([`settle`]).

use std::path::Path;
use std::sync::Arc;

use git2::{Blob, Delta, DiffOptions, FileMode, Oid, Patch, Repository};

use super::blobs::{GitLines, Kept, git_lines};
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
        mark_binary(change);
        return Ok(());
    }
    let old = match &change.old_blob {
        None => Some((ReadSide::Absent, Stored::Absent)),
        Some(id) => read(repo, id, None, kept),
    };
    let workdir_path = change
        .new_path
        .as_deref()
        .filter(|_| new_side == NewSide::Workdir);
    let new = match &change.new_blob {
        None => Some((ReadSide::Absent, Stored::Absent)),
        Some(id) => read(repo, id, workdir_path, kept),
    };
    // Unreadable content keeps libgit2's view; the contents stage reports it as unavailable.
    let (Some((old, old_stored)), Some((new, new_stored))) = (old, new) else {
        return Ok(());
    };
    // libgit2 does not learn the size of content an attribute calls binary; the limit holds
    // by the bytes whatever the attributes say.
    let size = |bytes: &[u8]| u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if change.old_blob.is_some() {
        change.old_size = Some(size(old.bytes()));
    }
    if change.new_blob.is_some() {
        change.new_size = Some(size(new.bytes()));
    }
    if size(old.bytes()).max(size(new.bytes())) > max_file_bytes {
        mark_binary(change);
        return Ok(());
    }
    if !(is_text(old.bytes()) && is_text(new.bytes())) {
        mark_binary(change);
    } else if change.binary {
        let text = diff_text(change, &old, &new)?;
        // The lines of a working-tree side are not what the fingerprint reads.
        let keep = old_stored != Stored::Workdir && new_stored != Stored::Workdir;
        apply(change, Settled::Text(text), keep, kept);
    }
    Ok(())
}

/// A file whose sides are both in the object database, read ahead of its diff
/// ([`read_sides`]).
pub(crate) enum ReadSides<'r> {
    /// A side is over the size limit: binary, and never inflated.
    Oversized,
    /// Both sides.
    Read(ReadSide<'r>, ReadSide<'r>),
}

/// One side of a file read ahead.
pub(crate) enum ReadSide<'r> {
    /// The file does not exist on this side: empty.
    Absent,
    /// Read by this thread's handle: the blob, and its bytes as kept.
    Blob(Blob<'r>, Arc<[u8]>),
    /// Bytes read earlier (by another handle) or from the working tree.
    Bytes(Arc<[u8]>),
}

impl ReadSide<'_> {
    /// The side's bytes (none when absent).
    pub(crate) fn bytes(&self) -> &[u8] {
        match self {
            ReadSide::Absent => &[],
            ReadSide::Blob(_, bytes) | ReadSide::Bytes(bytes) => bytes,
        }
    }
}

/// Whether `delta`'s sides are regular files (or absent), so its diff can be made from the
/// blobs' bytes ([`read_sides`], [`settle_read`]) instead of by libgit2 from the diff: that
/// reads every blob once more and one file at a time. Links, submodules and type changes keep
/// libgit2's view.
pub(crate) fn plain_blobs(delta: &git2::DiffDelta<'_>) -> bool {
    let regular = |mode: FileMode| matches!(mode, FileMode::Blob | FileMode::BlobExecutable);
    let (old, new) = (delta.old_file(), delta.new_file());
    (delta.status() == Delta::Added || regular(old.mode()))
        && (delta.status() == Delta::Deleted || regular(new.mode()))
}

/// Reads `change`'s sides from the object database into `kept`, their sizes (which a tree
/// diff does not know) from the object headers first. `None` when a side cannot be read: the
/// caller lets libgit2 diff the file, and say why it cannot.
pub(crate) fn read_sides<'r>(
    repo: &'r Repository,
    odb: &git2::Odb<'_>,
    change: &mut FileChange,
    max_file_bytes: u64,
    kept: &mut Kept,
) -> Option<ReadSides<'r>> {
    let header_size = |id: &Option<String>| -> Option<Option<u64>> {
        match id {
            None => Some(None),
            Some(id) => {
                let oid = Oid::from_str(id).ok()?;
                Some(Some(u64::try_from(odb.read_header(oid).ok()?.0).ok()?))
            }
        }
    };
    let (old_size, new_size) = (
        header_size(&change.old_blob)?,
        header_size(&change.new_blob)?,
    );
    change.old_size = old_size.or(change.old_size);
    change.new_size = new_size.or(change.new_size);
    if old_size.max(new_size).unwrap_or(0) > max_file_bytes {
        mark_binary(change);
        return Some(ReadSides::Oversized);
    }
    let mut side = |id: &Option<String>| match id {
        None => Some(ReadSide::Absent),
        Some(id) => read_side(repo, id, kept),
    };
    Some(ReadSides::Read(
        side(&change.old_blob)?,
        side(&change.new_blob)?,
    ))
}

/// How a file read ahead ([`read_sides`]) settles: binary, or its text diff. Runs on the
/// thread that read it, so the files of a change are diffed side by side.
pub(crate) fn settle_read(
    change: &FileChange,
    old: &ReadSide<'_>,
    new: &ReadSide<'_>,
) -> Result<Settled, Error> {
    if is_text(old.bytes()) && is_text(new.bytes()) {
        Ok(Settled::Text(diff_text(change, old, new)?))
    } else {
        Ok(Settled::Binary)
    }
}

/// The patch of two sides, from their blobs when this thread read them: libgit2 then takes
/// each side's id from its blob instead of hashing its bytes (SHA-1 with collision detection
/// was 7% of a warm 121- or 155-file check); else from their bytes, as
/// [`text_diff`](super::blobs::text_diff) does.
///
/// Both paths are empty on purpose: libgit2 looks up a blob's diff driver, from the
/// repository's attributes, by its path (`"file"` when none is given), and one `* binary`
/// line would then call every file binary. An empty path is the one it never looks up, so the
/// patch is line for line the one [`text_diff`](super::blobs::text_diff) makes of the bytes.
fn patch<'s>(
    old: &'s ReadSide<'_>,
    new: &'s ReadSide<'_>,
    options: &mut DiffOptions,
) -> Result<Patch<'s>, git2::Error> {
    let (empty, no_path): (&[u8], _) = (&[], Some(Path::new("")));
    match (old, new) {
        (ReadSide::Blob(old, _), ReadSide::Blob(new, _)) => {
            Patch::from_blobs(old, no_path, new, no_path, Some(options))
        }
        (ReadSide::Blob(old, _), ReadSide::Absent) => {
            Patch::from_blob_and_buffer(old, no_path, empty, no_path, Some(options))
        }
        // An added file: its deletion's patch with the sides swapped back (libgit2 swaps
        // sources before diffing, so lines, numbers and counts are those of the addition).
        (ReadSide::Absent, ReadSide::Blob(new, _)) => {
            Patch::from_blob_and_buffer(new, no_path, empty, no_path, Some(options.reverse(true)))
        }
        _ => Patch::from_buffers(old.bytes(), None, new.bytes(), None, Some(options)),
    }
}

/// What settling decided about a file.
pub(crate) enum Settled {
    /// Not text: no hunks.
    Binary,
    /// Text, with its diff.
    Text(TextDiff),
}

/// A file's text diff: hunks, the similarity of a rename, and git's lines when the diff was
/// made as [`text_diff`](super::blobs::text_diff) makes it (not forced), for the fingerprint.
pub(crate) struct TextDiff {
    hunks: Vec<crate::diff::Hunk>,
    similarity: u8,
    lines: Option<GitLines>,
}

/// Diffs two sides that both read as text, as the fingerprint does when libgit2 agrees they
/// are text, forced through when it does not (a NUL early in text that decodes).
fn diff_text(
    change: &FileChange,
    old: &ReadSide<'_>,
    new: &ReadSide<'_>,
) -> Result<TextDiff, Error> {
    let diffed = |force: bool| {
        let mut options = DiffOptions::new();
        options.force_text(force).context_lines(3);
        patch(old, new, &mut options).doing(|| format!("diffing {} as text", change.path()))
    };
    let plain = diffed(false)?;
    if plain.delta().flags().is_binary() {
        return TextDiff::forced(&diffed(true)?);
    }
    TextDiff::plain(&plain)
}

impl TextDiff {
    /// A diff made as [`text_diff`](super::blobs::text_diff) makes it (nothing forced): its
    /// lines serve the fingerprint.
    fn plain(patch: &Patch<'_>) -> Result<TextDiff, Error> {
        Ok(TextDiff {
            hunks: hunks(patch)?,
            similarity: similarity(Some(patch)),
            lines: git_lines(patch),
        })
    }

    /// A diff forced through as text: not the one the fingerprint makes.
    fn forced(patch: &Patch<'_>) -> Result<TextDiff, Error> {
        Ok(TextDiff {
            hunks: hunks(patch)?,
            similarity: similarity(Some(patch)),
            lines: None,
        })
    }
}

/// Writes what settling decided into `change`; with `keep`, its text diff's lines go into
/// `kept` for the fingerprint.
pub(crate) fn apply(change: &mut FileChange, settled: Settled, keep: bool, kept: &mut Kept) {
    match settled {
        Settled::Binary => {
            mark_binary(change);
        }
        Settled::Text(text) => {
            change.binary = false;
            change.hunks = text.hunks;
            if matches!(change.status, FileStatus::Renamed | FileStatus::Copied) {
                change.similarity = Some(text.similarity);
            }
            if keep && let Some(lines) = text.lines {
                kept.keep_diff(
                    change.old_blob.as_deref(),
                    change.new_blob.as_deref(),
                    lines,
                );
            }
        }
    }
}

/// Binary: no hunks, so the analyzers judge it as content they could not read.
fn mark_binary(change: &mut FileChange) {
    change.binary = true;
    change.hunks.clear();
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

/// A blob as a side: its bytes already in `kept`, else from the object database (then kept),
/// else (for working-tree changes) from the file.
fn read<'r>(
    repo: &'r Repository,
    id: &str,
    workdir_path: Option<&str>,
    kept: &mut Kept,
) -> Option<(ReadSide<'r>, Stored)> {
    if let Some(side) = read_side(repo, id, kept) {
        return Some((side, Stored::Objects));
    }
    let bytes = std::fs::read(repo.workdir()?.join(workdir_path?)).ok()?;
    Some((ReadSide::Bytes(bytes.into()), Stored::Workdir))
}

/// Blob `id` as a side: its bytes already in `kept`, else the blob from the object database,
/// its bytes kept too.
fn read_side<'r>(repo: &'r Repository, id: &str, kept: &mut Kept) -> Option<ReadSide<'r>> {
    if let Some(bytes) = kept.get(id) {
        return Some(ReadSide::Bytes(bytes));
    }
    let blob = Oid::from_str(id)
        .ok()
        .filter(|oid| !oid.is_zero())
        .and_then(|oid| repo.find_blob(oid).ok())?;
    let bytes: Arc<[u8]> = blob.content().into();
    kept.keep(id, Arc::clone(&bytes));
    Some(ReadSide::Blob(blob, bytes))
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

    /// A file's two sides, `None` where it does not exist.
    type Pair<'a> = (Option<&'a [u8]>, Option<&'a [u8]>);

    /// A blob as a side this thread read.
    fn as_blob<'r>(blob: Option<&Blob<'r>>) -> ReadSide<'r> {
        blob.map_or(ReadSide::Absent, |blob| {
            ReadSide::Blob(blob.clone(), Arc::from(blob.content()))
        })
    }

    /// A diff made from this handle's blobs (no hashing) is the one made from the same bytes:
    /// hunks, similarity and git's lines, for a modification, an addition, a deletion, a
    /// final newline removed, text with a NUL (forced through) and binary content, whatever
    /// the repository's attributes say.
    #[test]
    fn blobs_and_bytes_diff_alike() {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = Repository::init(dir.path()).expect("init");
        // Attributes that would call every file binary: a diff of blobs must not read them.
        std::fs::write(dir.path().join(".gitattributes"), "* binary\n").expect("write");
        std::fs::write(repo.path().join("info/attributes"), "* -diff\n").expect("write");
        let body = (1..=40).fold(String::new(), |body, n| body + &format!("line {n}\n"));
        let edited = body
            .replace("line 7\n", "line seven\n")
            .replace("line 31\n", "");
        let nul_text = format!("# \0 hidden\n{body}");
        let pairs: [Pair<'_>; 6] = [
            (Some(body.as_bytes()), Some(edited.as_bytes())),
            (None, Some(body.as_bytes())),
            (Some(edited.as_bytes()), None),
            (Some(b"a\nb\n"), Some(b"a\nb")),
            (Some(body.as_bytes()), Some(nul_text.as_bytes())),
            (Some(b"\x89PNG\0\0\xff"), Some(b"\x89PNG\0\x01\xff")),
        ];
        for (old, new) in pairs {
            let blob = |side: Option<&[u8]>| {
                side.map(|bytes| {
                    repo.find_blob(repo.blob(bytes).expect("write"))
                        .expect("read")
                })
            };
            let (old_blob, new_blob) = (blob(old), blob(new));
            let as_bytes =
                |side: Option<&[u8]>| side.map_or(ReadSide::Absent, |b| ReadSide::Bytes(b.into()));
            let change = FileChange::new(FileStatus::Modified, Some("f".into()), Some("f".into()));
            let from_blobs = settle_read(
                &change,
                &as_blob(old_blob.as_ref()),
                &as_blob(new_blob.as_ref()),
            )
            .expect("diff from blobs");
            let from_bytes =
                settle_read(&change, &as_bytes(old), &as_bytes(new)).expect("diff from bytes");
            match (from_blobs, from_bytes) {
                (Settled::Binary, Settled::Binary) => {}
                (Settled::Text(blobs), Settled::Text(bytes)) => {
                    assert!(!bytes.hunks.is_empty(), "{old:?} -> {new:?}");
                    assert_eq!(blobs.hunks, bytes.hunks, "{old:?} -> {new:?}");
                    assert_eq!(blobs.similarity, bytes.similarity);
                    assert_eq!(blobs.lines, bytes.lines);
                }
                _ => panic!("settled differently: {old:?} -> {new:?}"),
            }
        }
    }
}
