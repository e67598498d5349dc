//! The `ChangeSet`: what every change source produces and every later stage reads.
//!
//! Paths are repository-relative with `/` separators. Paths that are not valid UTF-8 are
//! kept readable by escaping each invalid byte as `\ooo` (git's own quoting), and the file
//! is flagged so the change is judged as an oddity instead of being skipped.

use std::fmt::Write as _;

use serde::Serialize;

use crate::git::CommitId;

/// Object id of a blob, as lowercase hex. May be abbreviated when it comes from
/// `git diff` text (`index abc1234..def5678`).
pub type BlobId = String;

/// Regular file mode.
pub const MODE_FILE: u32 = 0o100_644;
/// Executable file mode.
pub const MODE_EXECUTABLE: u32 = 0o100_755;
/// Symbolic link mode.
pub const MODE_SYMLINK: u32 = 0o120_000;
/// Submodule (gitlink) mode.
pub const MODE_GITLINK: u32 = 0o160_000;

/// One change to judge: files, hunks and the commits that made them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ChangeSet {
    /// Where the change came from (range, index, working tree, diff text, pushed ref).
    pub origin: Origin,
    /// The base revision, when there is one (not for diff text).
    pub base: Option<Revision>,
    /// The head revision, when there is one (not for the index or working tree).
    pub head: Option<Revision>,
    /// Branch or ref name being gated, when known (weak provenance evidence).
    pub branch: Option<String>,
    /// Changed files, in path order.
    pub files: Vec<FileChange>,
    /// Commits in the range, newest first (empty for index, working tree and diff text).
    pub commits: Vec<Commit>,
    /// The range had more commits than were read: `commits` holds only the newest, so
    /// anything that must see every commit (who took part, for sign-off) cannot be sure.
    pub commits_truncated: bool,
    /// Caveats about how the change was read (shallow clone, fallbacks), shown in reports.
    pub notes: Vec<String>,
    /// The CI run (platform, pull request number) when judged in CI.
    pub ci: Option<super::ci::CiRun>,
    /// Contents the diff read, by blob id, so later stages need not read them again.
    #[serde(skip)]
    pub blobs: super::Blobs,
}

/// How the change was obtained.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Origin {
    /// A commit range `base..head`.
    #[default]
    Range,
    /// The index against `HEAD`.
    Staged,
    /// The working tree against `HEAD`.
    Worktree,
    /// A unified diff read from a file or standard input.
    DiffText {
        /// The file name, or `-` for standard input.
        source: String,
    },
    /// One ref of a `git push`, read from the pre-push protocol.
    Push {
        /// Local ref being pushed.
        local_ref: String,
        /// Remote ref being updated.
        remote_ref: String,
    },
}

/// A resolved revision and why it was chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Revision {
    /// What the user (or the environment) named, e.g. `origin/main` or a sha.
    pub spec: String,
    /// The commit it resolved to; `None` for the empty tree (the base of a push of new root
    /// commits), written `""` in reports.
    #[serde(serialize_with = "empty_tree_as_empty_string")]
    #[schemars(with = "String")]
    pub commit: Option<CommitId>,
    /// Why this revision was chosen, e.g. "merge-base with upstream origin/main".
    pub reason: String,
}

/// What happened to one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FileStatus {
    /// New file.
    Added,
    /// Content or mode changed in place.
    Modified,
    /// File removed.
    Deleted,
    /// Moved, possibly with edits.
    Renamed,
    /// Copied from another path, possibly with edits.
    Copied,
    /// Kind changed (file ↔ symlink ↔ submodule).
    TypeChanged,
}

impl FileStatus {
    /// The lowercase word used in reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Added => "added",
            Self::Modified => "modified",
            Self::Deleted => "deleted",
            Self::Renamed => "renamed",
            Self::Copied => "copied",
            Self::TypeChanged => "type-changed",
        }
    }
}

/// One changed file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileChange {
    /// What happened.
    pub status: FileStatus,
    /// Path before the change (absent for added files).
    pub old_path: Option<String>,
    /// Path after the change (absent for deleted files).
    pub new_path: Option<String>,
    /// Blob id before the change.
    pub old_blob: Option<BlobId>,
    /// Blob id after the change.
    pub new_blob: Option<BlobId>,
    /// Mode before the change.
    pub old_mode: Option<u32>,
    /// Mode after the change.
    pub new_mode: Option<u32>,
    /// Size in bytes before the change, when known.
    pub old_size: Option<u64>,
    /// Size in bytes after the change, when known.
    pub new_size: Option<u64>,
    /// Git considers the content binary; there are no hunks.
    pub binary: bool,
    /// Similarity index for renames and copies (0–100).
    pub similarity: Option<u8>,
    /// A path was not valid UTF-8 and is shown escaped.
    pub non_utf8_path: bool,
    /// Changed regions.
    pub hunks: Vec<Hunk>,
}

impl FileChange {
    /// A blank change of `status` at `path`, to be filled in by a source.
    #[must_use]
    pub fn new(status: FileStatus, old_path: Option<String>, new_path: Option<String>) -> Self {
        Self {
            status,
            old_path,
            new_path,
            old_blob: None,
            new_blob: None,
            old_mode: None,
            new_mode: None,
            old_size: None,
            new_size: None,
            binary: false,
            similarity: None,
            non_utf8_path: false,
            hunks: Vec::new(),
        }
    }

    /// The path a reader knows the file by: the new path, or the old one when deleted.
    #[must_use]
    pub fn path(&self) -> &str {
        self.new_path
            .as_deref()
            .or(self.old_path.as_deref())
            .unwrap_or_default()
    }

    /// Number of added lines.
    #[must_use]
    pub fn additions(&self) -> usize {
        self.count_lines(LineKind::Added)
    }

    /// Number of removed lines.
    #[must_use]
    pub fn deletions(&self) -> usize {
        self.count_lines(LineKind::Removed)
    }

    fn count_lines(&self, kind: LineKind) -> usize {
        self.hunks
            .iter()
            .flat_map(|hunk| &hunk.lines)
            .filter(|line| line.kind == kind)
            .count()
    }

    /// True when either side is a symbolic link.
    #[must_use]
    pub fn is_symlink(&self) -> bool {
        self.old_mode == Some(MODE_SYMLINK) || self.new_mode == Some(MODE_SYMLINK)
    }

    /// True when either side is a submodule pointer.
    #[must_use]
    pub fn is_submodule(&self) -> bool {
        self.old_mode == Some(MODE_GITLINK) || self.new_mode == Some(MODE_GITLINK)
    }

    /// True when the mode changed but both sides are regular files (e.g. the executable bit).
    #[must_use]
    pub fn mode_changed(&self) -> bool {
        matches!((self.old_mode, self.new_mode), (Some(old), Some(new)) if old != new)
    }

    /// First line on the new side touched by the change, for locating findings: the first
    /// added line, or where the first removal happened. `None` for deleted files and for
    /// changes without hunks (nothing on the new side to point at).
    #[must_use]
    pub fn first_changed_line(&self) -> Option<u32> {
        if self.status == FileStatus::Deleted {
            return None;
        }
        self.hunks.iter().find_map(|hunk| {
            let mut next_new = hunk.new_start;
            hunk.lines.iter().find_map(|line| match line.kind {
                LineKind::Added => line.new_line,
                LineKind::Removed => Some(next_new.max(1)),
                LineKind::Context => {
                    next_new = line.new_line.map_or(next_new + 1, |n| n + 1);
                    None
                }
            })
        })
    }
}

/// A contiguous changed region, as in a `@@ -a,b +c,d @@` header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hunk {
    /// First line on the old side (0 when the old side is empty).
    pub old_start: u32,
    /// Number of lines on the old side.
    pub old_lines: u32,
    /// First line on the new side (0 when the new side is empty).
    pub new_start: u32,
    /// Number of lines on the new side.
    pub new_lines: u32,
    /// The hunk's lines.
    pub lines: Vec<Line>,
}

/// Whether a line was kept, added or removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LineKind {
    /// Unchanged line shown for context.
    Context,
    /// Line only on the new side.
    Added,
    /// Line only on the old side.
    Removed,
}

/// One line of a hunk. Content has no line terminator; invalid UTF-8 is replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    /// Kept, added or removed.
    pub kind: LineKind,
    /// Line number on the old side, for context and removed lines.
    pub old_line: Option<u32>,
    /// Line number on the new side, for context and added lines.
    pub new_line: Option<u32>,
    /// Text without the terminator.
    pub content: String,
}

/// A commit in the range, with what provenance needs to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Commit {
    /// The commit's id.
    pub id: CommitId,
    /// Parent ids (two or more for a merge).
    pub parents: Vec<CommitId>,
    /// Full message.
    pub message: String,
    /// Who wrote the change.
    pub author: Identity,
    /// Who recorded the commit.
    pub committer: Identity,
    /// Trailers of the message's last paragraph, in order (git's rules).
    pub trailers: Vec<Trailer>,
    /// Notes attached to this commit under the refs that were asked for.
    pub notes: Vec<Note>,
}

impl Commit {
    /// First line of the message.
    #[must_use]
    pub fn summary(&self) -> &str {
        self.message.lines().next().unwrap_or_default()
    }
}

/// Name, email and time of an author or committer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identity {
    /// Display name.
    pub name: String,
    /// Email address as recorded.
    pub email: String,
    /// Seconds since the Unix epoch.
    pub time: i64,
}

/// One `Key: value` trailer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trailer {
    /// Key as written (compare case-insensitively).
    pub key: String,
    /// Value with continuation lines joined by a space.
    pub value: String,
}

/// A git note attached to a commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// The notes ref, e.g. `refs/notes/ai`.
    pub notes_ref: String,
    /// The note's text.
    pub text: String,
}

/// Makes a path readable: valid UTF-8 stays as is; each byte of an invalid sequence becomes
/// `\ooo` (git's octal quoting). Returns the text and whether anything was escaped.
#[must_use]
pub fn escape_path(bytes: &[u8]) -> (String, bool) {
    let mut text = String::with_capacity(bytes.len());
    let mut escaped = false;
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        for byte in chunk.invalid() {
            escaped = true;
            let _ = write!(text, "\\{byte:03o}");
        }
    }
    (text, escaped)
}

/// Writes a revision's commit as reports always have: the id, or `""` for the empty tree.
#[expect(
    clippy::ref_option,
    reason = "serde's `serialize_with` passes the field itself"
)]
fn empty_tree_as_empty_string<S: serde::Serializer>(
    commit: &Option<CommitId>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match commit {
        Some(id) => serializer.collect_str(id),
        None => serializer.serialize_str(""),
    }
}
