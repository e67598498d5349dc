//! Blob contents the diff read, and the text diffs it made of them, kept for the stages after
//! it.
//!
//! The diff reads both sides of every changed file to tell text from binary by their bytes
//! ([`super::text`]); the analyzers and the sign-off fingerprint need the same bytes. Reading
//! a blob out of a pack means inflating it, and on a change with large files (a 2 MB bundle)
//! each read cost as much as the rest of the check. Only content read from the object database
//! by its full id is kept: that id names exactly these bytes.
//!
//! A file git's attributes call binary is diffed again as text from those bytes; the sign-off
//! fingerprint makes the very same diff of the same blobs, which on a bundle and its source map
//! cost a fifth of the check, so its lines are kept too ([`GitLines`]).

use std::collections::HashMap;
use std::sync::Arc;

use git2::Patch;

/// A text diff as git's bytes: per hunk, each line's origin (`+`, `-`, ` `, and `=`, `>`, `<`
/// for a final newline added or removed) and content, terminator included.
pub type GitLines = Vec<Vec<(u8, Vec<u8>)>>;

/// The lines of `patch` as git's bytes; `None` when libgit2 cannot give one of them.
#[must_use]
pub fn git_lines(patch: &Patch<'_>) -> Option<GitLines> {
    let mut hunks = Vec::with_capacity(patch.num_hunks());
    for hunk in 0..patch.num_hunks() {
        let count = patch.num_lines_in_hunk(hunk).ok()?;
        let mut lines = Vec::with_capacity(count);
        for index in 0..count {
            let line = patch.line_in_hunk(hunk, index).ok()?;
            lines.push((
                u8::try_from(line.origin()).unwrap_or(b'?'),
                line.content().to_vec(),
            ));
        }
        hunks.push(lines);
    }
    Some(hunks)
}

/// Blob contents by full hex id, and kept text diffs by their blobs' ids; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Blobs(Arc<Kept>);

impl Blobs {
    /// The kept content of blob `id`, if the diff read it.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&[u8]> {
        self.0.contents.get(id).map(|bytes| &**bytes)
    }

    /// The kept content of blob `id`, shared rather than copied.
    #[must_use]
    pub fn shared(&self, id: &str) -> Option<Arc<[u8]>> {
        self.0.contents.get(id).cloned()
    }

    /// The diff of blob `old` to blob `new` (`None`: no such side, i.e. empty), made by
    /// [`text_diff`] when the diff settled the file, if libgit2 read both as text.
    #[must_use]
    pub fn text_diff(&self, old: Option<&str>, new: Option<&str>) -> Option<&GitLines> {
        self.0.diffs.get(&diff_key(old, new)).map(|lines| &**lines)
    }
}

/// A kept diff's name: its sides' blob ids, an absent side as "".
fn diff_key(old: Option<&str>, new: Option<&str>) -> (String, String) {
    (old.unwrap_or("").to_string(), new.unwrap_or("").to_string())
}

/// Collects what the diff reads.
#[derive(Debug, Default)]
pub(crate) struct Kept {
    contents: HashMap<String, Arc<[u8]>>,
    diffs: HashMap<(String, String), Arc<GitLines>>,
}

impl Kept {
    /// Keeps `bytes` as the content of blob `id`.
    pub(crate) fn keep(&mut self, id: &str, bytes: Arc<[u8]>) {
        self.contents.entry(id.to_string()).or_insert(bytes);
    }

    /// Keeps the text diff of blob `old` to blob `new`, made by [`text_diff`].
    pub(crate) fn keep_diff(&mut self, old: Option<&str>, new: Option<&str>, lines: GitLines) {
        self.diffs
            .entry(diff_key(old, new))
            .or_insert_with(|| Arc::new(lines));
    }

    /// The kept content of blob `id`.
    pub(crate) fn get(&self, id: &str) -> Option<Arc<[u8]>> {
        self.contents.get(id).cloned()
    }

    /// Keeps what `other` kept too (what another thread read).
    pub(crate) fn absorb(&mut self, other: Kept) {
        for (id, bytes) in other.contents {
            self.contents.entry(id).or_insert(bytes);
        }
        for (sides, lines) in other.diffs {
            self.diffs.entry(sides).or_insert(lines);
        }
    }

    /// What was kept, for the change.
    pub(crate) fn done(self) -> Blobs {
        Blobs(Arc::new(self))
    }
}

/// The one text diff of two contents both the settling of a file and the sign-off fingerprint
/// make: three lines of context, nothing forced, so libgit2 calls content binary by its bytes
/// alone (no repository, so no attributes; the paths only name the sides). Settling makes it
/// from the blobs when it read them, which gives the same lines (see `text::patch`).
pub fn text_diff<'b>(
    (old, old_path): (&'b [u8], Option<&std::path::Path>),
    (new, new_path): (&'b [u8], Option<&std::path::Path>),
) -> Result<Patch<'b>, git2::Error> {
    let mut options = git2::DiffOptions::new();
    options.context_lines(3);
    Patch::from_buffers(old, old_path, new, new_path, Some(&mut options))
}
