//! Both versions of each changed file, read once and shared by every analyzer.

use std::path::Path;
use std::sync::Arc;

use git2::{Oid, Repository};

use crate::diff::{ChangeSet, FileChange, Origin};

/// One side of a changed file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// The file does not exist on this side (added or deleted).
    Absent,
    /// The content (shared: the domain step reads its own copy of the contents).
    Bytes(Arc<[u8]>),
    /// The content should exist but cannot be read (no repository, object missing).
    Unavailable,
    /// Not read on purpose: binary, over the size limit, a submodule or a symlink.
    Skipped,
}

impl Content {
    /// The bytes, when there are some.
    #[must_use]
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Self::Bytes(bytes) => Some(bytes.as_ref()),
            _ => None,
        }
    }
}

/// Both sides of one changed file.
#[derive(Debug, Clone)]
pub struct FileContents<'a> {
    /// The change.
    pub file: &'a FileChange,
    /// Before.
    pub old: Content,
    /// After.
    pub new: Content,
}

/// One version of a changed file as an analyzer parsed it, offered to the analyzers that read
/// the same version next (each keeps what it derives in the cache), so a version is parsed
/// once rather than once per analyzer.
pub struct Parsed<'a> {
    /// The changed file.
    pub file: &'a FileContents<'a>,
    /// The version's blob id.
    pub blob: &'a str,
    /// The version's bytes, exactly as read: the tree's source.
    pub source: &'a [u8],
    /// The grammar the tree was parsed with (a language's or a configuration format's name).
    pub grammar: &'static str,
    /// The tree.
    pub tree: &'a tree_sitter::Tree,
}

/// Reads both sides of every changed file: from the object database by (possibly
/// abbreviated) blob id, or from the working tree for the new side of `--worktree` changes.
#[must_use]
pub fn read<'a>(
    change: &'a ChangeSet,
    repo: Option<&Repository>,
    workdir: Option<&Path>,
    max_bytes: u64,
) -> Vec<FileContents<'a>> {
    change
        .files
        .iter()
        .map(|file| {
            let skip = file.binary
                || file.is_submodule()
                || file.is_symlink()
                || file.old_size.max(file.new_size).unwrap_or(0) > max_bytes;
            let side = |blob: &Option<String>, from_workdir: Option<&str>| match blob {
                None => Content::Absent,
                Some(_) if skip => Content::Skipped,
                // The diff read most blobs already (to tell text from binary).
                Some(blob) => change
                    .blobs
                    .shared(blob)
                    .or_else(|| read_blob(repo, blob, workdir.zip(from_workdir)).map(Arc::from))
                    .map_or(Content::Unavailable, |bytes| {
                        Content::Bytes(nul_as_space(bytes))
                    }),
            };
            let workdir_path = if change.origin == Origin::Worktree {
                file.new_path.as_deref()
            } else {
                None
            };
            FileContents {
                file,
                old: side(&file.old_blob, None),
                new: side(&file.new_blob, workdir_path),
            }
        })
        .collect()
}

/// Parsers stop at a NUL byte (tree-sitter reads it as the end of the input), so one NUL in a
/// comment would hide everything after it from the analyzers (issue 12). NUL means nothing in
/// any format analysed here: it is read as a space, which keeps every offset and line number.
/// Content without a NUL (nearly all) is shared as it is, not copied.
pub(crate) fn nul_as_space(bytes: Arc<[u8]>) -> Arc<[u8]> {
    if memchr::memchr(0, &bytes).is_none() {
        return bytes;
    }
    bytes
        .iter()
        .map(|&byte| if byte == 0 { b' ' } else { byte })
        .collect()
}

/// One side's bytes: from the object database by (possibly abbreviated) blob id, else from
/// `workdir_file` when given.
pub(crate) fn read_blob(
    repo: Option<&Repository>,
    blob: &str,
    workdir_file: Option<(&Path, &str)>,
) -> Option<Vec<u8>> {
    let from_odb = repo.and_then(|repo| {
        let object = match Oid::from_str(blob) {
            Ok(oid) if blob.len() >= 40 && !oid.is_zero() => repo.find_object(oid, None).ok()?,
            _ if blob.bytes().all(|b| b == b'0') => return None,
            // Abbreviated ids come from unified-diff text read inside a clone.
            _ => repo.revparse_single(blob).ok()?,
        };
        object.peel_to_blob().ok().map(|b| b.content().to_vec())
    });
    from_odb.or_else(|| {
        let (workdir, path) = workdir_file?;
        std::fs::read(workdir.join(path)).ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// NUL becomes a space at the same offset; content without one is the same shared bytes.
    #[test]
    fn nul_is_read_as_space_and_clean_content_is_not_copied() {
        let clean: Arc<[u8]> = Arc::from(&b"resource \"a\" \"b\" {}\n"[..]);
        assert!(Arc::ptr_eq(&nul_as_space(Arc::clone(&clean)), &clean));
        let hidden: Arc<[u8]> = Arc::from(&b"# \0 x\0\n"[..]);
        assert_eq!(&*nul_as_space(hidden), b"#   x \n");
    }
}
