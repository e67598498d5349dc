//! One file entry: the `diff --git` line, git's extended header lines, the `---`/`+++`
//! lines, then hunks or a binary notice.
//!
//! Facts are collected as printed ([`Entry`]) and only combined at the end ([`Entry::finish`]),
//! because several lines can say the same thing (the path is in `diff --git`, `---`/`+++` and
//! `rename from`) and the most precise one must win whatever the order.

use super::cursor::Cursor;
use super::path::{self, PathPair};
use super::{ParseError, ParseErrorKind, Side, hunk};
use crate::diff::{BlobId, FileChange, FileStatus};

/// How a file entry begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Start {
    /// A `diff --git` line, as git prints it.
    Git,
    /// A `---` line directly, as `diff -u` prints it.
    Plain,
}

/// Mask of the file-type bits of a git mode (regular file, symlink, gitlink).
const MODE_TYPE_MASK: u32 = 0o170_000;

/// The paths of a `---` and a `+++` line; `None` is `/dev/null`.
struct FileLines {
    old: Option<Vec<u8>>,
    new: Option<Vec<u8>>,
}

/// Everything an entry's lines said, before deciding what happened.
#[derive(Default)]
struct Entry {
    /// Line of `diff --git` (or of `---` for plain diffs), for errors about the whole entry.
    first_line: usize,
    /// Paths of the `diff --git` line, prefixes on; `None` when ambiguous or absent.
    header_paths: Option<PathPair>,
    /// Paths of `---`/`+++`, prefixes on; `None` when there were no such lines.
    file_lines: Option<FileLines>,
    /// `rename from`/`copy from` path, no prefix.
    source_path: Option<Vec<u8>>,
    /// `rename to`/`copy to` path, no prefix.
    target_path: Option<Vec<u8>>,
    /// Set by `rename …` or `copy …` lines.
    moved: Option<FileStatus>,
    added: bool,
    deleted: bool,
    old_mode: Option<u32>,
    new_mode: Option<u32>,
    /// Mode of the `index` line, which git prints when both sides share it.
    index_mode: Option<u32>,
    old_blob: Option<BlobId>,
    new_blob: Option<BlobId>,
    similarity: Option<u8>,
    dissimilarity: Option<u8>,
    binary: bool,
    old_size: Option<u64>,
    new_size: Option<u64>,
}

/// Reads one file entry; the cursor is on its first line.
pub(super) fn parse_file(cursor: &mut Cursor<'_>, start: Start) -> Result<FileChange, ParseError> {
    let mut entry = Entry {
        first_line: cursor.line_number(),
        ..Entry::default()
    };
    if start == Start::Git {
        let line = cursor.next_line().unwrap_or_default();
        let rest = line.strip_prefix(b"diff --git ").unwrap_or_default();
        entry.header_paths = path::split_git_header(rest)
            .map_err(|_| ParseError::new(entry.first_line, ParseErrorKind::BadGitHeader))?;
        while read_extended_line(cursor, &mut entry)? {}
    }
    read_content(cursor, &mut entry)?;
    let mut change = entry.finish()?;
    // Any `@@ ` line here is meant as a hunk, so a malformed one is an error, not skipped.
    while cursor.peek().is_some_and(|line| line.starts_with(b"@@ ")) {
        change.hunks.push(hunk::parse_hunk(cursor)?);
    }
    Ok(change)
}

/// Reads one extended header line into `entry`; false when the next line is not one.
fn read_extended_line(cursor: &mut Cursor<'_>, entry: &mut Entry) -> Result<bool, ParseError> {
    let Some(line) = cursor.peek() else {
        return Ok(false);
    };
    let number = cursor.line_number();
    let Some((keyword, value)) = split_keyword(line) else {
        return Ok(false);
    };
    match keyword {
        "old mode" => entry.old_mode = Some(mode(value, keyword, number)?),
        "new mode" => entry.new_mode = Some(mode(value, keyword, number)?),
        "deleted file mode" => {
            entry.deleted = true;
            entry.old_mode = Some(mode(value, keyword, number)?);
        }
        "new file mode" => {
            entry.added = true;
            entry.new_mode = Some(mode(value, keyword, number)?);
        }
        "similarity index" => entry.similarity = Some(percent(value, keyword, number)?),
        "dissimilarity index" => entry.dissimilarity = Some(percent(value, keyword, number)?),
        // `rename old`/`rename new` are what git wrote before 1.5; `git apply` still reads them.
        "rename from" | "rename old" | "copy from" => {
            entry.moved = Some(moved_status(keyword));
            entry.source_path = Some(header_path(value, number)?);
        }
        "rename to" | "rename new" | "copy to" => {
            entry.moved = Some(moved_status(keyword));
            entry.target_path = Some(header_path(value, number)?);
        }
        "index" => read_index(value, entry, number)?,
        _ => return Ok(false),
    }
    cursor.advance();
    Ok(true)
}

/// The extended header keywords git prints, longest first so `new file mode` wins over
/// `new mode`-like prefixes.
const KEYWORDS: &[&str] = &[
    "dissimilarity index",
    "deleted file mode",
    "similarity index",
    "new file mode",
    "rename from",
    "rename old",
    "rename new",
    "rename to",
    "copy from",
    "copy to",
    "old mode",
    "new mode",
    "index",
];

/// Splits `keyword value` for a known extended header keyword.
fn split_keyword(line: &[u8]) -> Option<(&'static str, &[u8])> {
    KEYWORDS.iter().find_map(|keyword| {
        let value = line.strip_prefix(keyword.as_bytes())?.strip_prefix(b" ")?;
        Some((*keyword, value))
    })
}

fn moved_status(keyword: &str) -> FileStatus {
    if keyword.starts_with("copy") {
        FileStatus::Copied
    } else {
        FileStatus::Renamed
    }
}

fn bad_value(number: usize, field: &'static str, expected: &'static str) -> ParseError {
    ParseError::new(number, ParseErrorKind::BadHeaderValue { field, expected })
}

/// An octal git mode such as `100644`.
fn mode(value: &[u8], field: &'static str, number: usize) -> Result<u32, ParseError> {
    parse_mode(value).ok_or_else(|| bad_value(number, field, "an octal file mode like 100644"))
}

fn parse_mode(value: &[u8]) -> Option<u32> {
    if value.is_empty() || value.len() > 7 || !value.iter().all(|b| (b'0'..=b'7').contains(b)) {
        return None;
    }
    u32::from_str_radix(std::str::from_utf8(value).ok()?, 8).ok()
}

/// A percentage `N%` with `N` in 0–100.
fn percent(value: &[u8], field: &'static str, number: usize) -> Result<u8, ParseError> {
    value
        .strip_suffix(b"%")
        .filter(|digits| !digits.is_empty() && digits.iter().all(u8::is_ascii_digit))
        .and_then(|digits| std::str::from_utf8(digits).ok()?.parse::<u8>().ok())
        .filter(|percent| *percent <= 100)
        .ok_or_else(|| bad_value(number, field, "a percentage from 0% to 100%"))
}

/// A path of a `rename`/`copy` line: no prefix, quoted when git had to.
fn header_path(value: &[u8], number: usize) -> Result<Vec<u8>, ParseError> {
    path::raw_or_quoted(value)
        .map_err(|reason| ParseError::new(number, ParseErrorKind::BadQuotedPath { reason }))
}

/// `index <old>..<new>[ <mode>]`, with abbreviated hex ids. An all-zero id is git's way of
/// saying the side does not exist (added or deleted file), so it is stored as no blob.
fn read_index(value: &[u8], entry: &mut Entry, number: usize) -> Result<(), ParseError> {
    const EXPECTED: &str = "`index <hex>..<hex>` with an optional octal mode";
    let bad = || bad_value(number, "index", EXPECTED);
    let text = std::str::from_utf8(value).map_err(|_| bad())?;
    let (ids, mode) = match text.split_once(' ') {
        Some((ids, mode)) => (ids, Some(parse_mode(mode.as_bytes()).ok_or_else(bad)?)),
        None => (text, None),
    };
    let (old, new) = ids.split_once("..").ok_or_else(bad)?;
    let is_hex = |id: &str| !id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit());
    if !is_hex(old) || !is_hex(new) {
        return Err(bad());
    }
    let blob = |id: &str| (!id.bytes().all(|b| b == b'0')).then(|| id.to_ascii_lowercase());
    entry.old_blob = blob(old);
    entry.new_blob = blob(new);
    entry.index_mode = mode;
    Ok(())
}

/// Reads what follows the extended header: `---`/`+++` lines, a binary notice or patch.
fn read_content(cursor: &mut Cursor<'_>, entry: &mut Entry) -> Result<(), ParseError> {
    let Some(line) = cursor.peek() else {
        return Ok(());
    };
    if let Some(old) = line.strip_prefix(b"--- ") {
        let old_number = cursor.line_number();
        cursor.advance();
        // Input that ends right after `---` is reported at that line: there is no next one.
        let new_number = cursor.line_number().min(cursor.last_line_number());
        let Some(new) = cursor
            .next_line()
            .and_then(|line| line.strip_prefix(b"+++ "))
        else {
            return Err(ParseError::new(
                new_number,
                ParseErrorKind::MissingNewFileLine,
            ));
        };
        let quoted = |number: usize| {
            move |reason| ParseError::new(number, ParseErrorKind::BadQuotedPath { reason })
        };
        let old = path::file_line_path(old).map_err(quoted(old_number))?;
        let new = path::file_line_path(new).map_err(quoted(new_number))?;
        entry.file_lines = Some(FileLines { old, new });
    } else if line.starts_with(b"Binary files ") && line.ends_with(b" differ") {
        entry.binary = true;
        cursor.advance();
    } else if line == b"GIT binary patch" {
        entry.binary = true;
        cursor.advance();
        skip_binary_patch(cursor, entry)?;
    }
    Ok(())
}

/// Skips the base85 payload of a `GIT binary patch`: a forward block and, since git 1.5, a
/// reverse block, each `literal <size>` or `delta <size>` then data lines then a blank line.
/// A `literal` size is the full size of that side, so it is kept.
fn skip_binary_patch(cursor: &mut Cursor<'_>, entry: &mut Entry) -> Result<(), ParseError> {
    for side in [Side::New, Side::Old] {
        let Some(line) = cursor.peek() else {
            break;
        };
        let bad = || ParseError::new(cursor.line_number(), ParseErrorKind::BadBinaryPatch);
        let (is_literal, size) = if let Some(size) = line.strip_prefix(b"literal ") {
            (true, size)
        } else if let Some(size) = line.strip_prefix(b"delta ") {
            (false, size)
        } else if side == Side::New {
            // The forward block is mandatory; the reverse one is optional.
            return Err(bad());
        } else {
            break;
        };
        let size: u64 = std::str::from_utf8(size)
            .ok()
            .and_then(|size| size.parse().ok())
            .ok_or_else(bad)?;
        if is_literal {
            match side {
                Side::New => entry.new_size = Some(size),
                Side::Old => entry.old_size = Some(size),
            }
        }
        cursor.advance();
        // Data lines run to a blank line; a diff whose final blank line was trimmed just ends.
        while cursor.next_line().is_some_and(|data| !data.is_empty()) {}
    }
    Ok(())
}

impl Entry {
    /// Decides status, paths and modes from what was read.
    fn finish(self) -> Result<FileChange, ParseError> {
        let status = self.status();
        let (old_printed, new_printed) = self.printed_paths();
        let old_path = (status != FileStatus::Added)
            .then(|| self.source_path.clone().or(old_printed))
            .flatten();
        let new_path = (status != FileStatus::Deleted)
            .then(|| self.target_path.clone().or(new_printed))
            .flatten();
        let missing_old = status != FileStatus::Added && old_path.is_none();
        let missing_new = status != FileStatus::Deleted && new_path.is_none();
        if missing_old || missing_new {
            return Err(ParseError::new(
                self.first_line,
                ParseErrorKind::AmbiguousPaths,
            ));
        }
        let (old_path, old_escaped) = old_path.as_deref().map(crate::diff::escape_path).unzip();
        let (new_path, new_escaped) = new_path.as_deref().map(crate::diff::escape_path).unzip();
        let mut change = FileChange::new(status, old_path, new_path);
        change.similarity = self.similarity_of(status);
        change.non_utf8_path = old_escaped == Some(true) || new_escaped == Some(true);
        change.old_mode = self.old_mode.or(self.index_mode.filter(|_| !self.added));
        change.new_mode = self.new_mode.or(self.index_mode.filter(|_| !self.deleted));
        change.old_blob = self.old_blob;
        change.new_blob = self.new_blob;
        change.old_size = self.old_size;
        change.new_size = self.new_size;
        change.binary = self.binary;
        Ok(change)
    }

    fn status(&self) -> FileStatus {
        let (old_line, new_line) = match &self.file_lines {
            Some(FileLines { old, new }) => (old.is_some(), new.is_some()),
            None => (true, true),
        };
        if self.added || !old_line {
            FileStatus::Added
        } else if self.deleted || !new_line {
            FileStatus::Deleted
        } else if let Some(moved) = self.moved {
            moved
        } else if self.type_changed() {
            FileStatus::TypeChanged
        } else {
            FileStatus::Modified
        }
    }

    fn type_changed(&self) -> bool {
        matches!((self.old_mode, self.new_mode),
            (Some(old), Some(new)) if old & MODE_TYPE_MASK != new & MODE_TYPE_MASK)
    }

    /// Old and new path from `---`/`+++` (preferred: they are unambiguous) or `diff --git`,
    /// without the default prefixes when the diff uses them.
    fn printed_paths(&self) -> (Option<Vec<u8>>, Option<Vec<u8>>) {
        let (old, new) = match (&self.file_lines, &self.header_paths) {
            (Some(FileLines { old, new }), _) => (old.as_deref(), new.as_deref()),
            (None, Some((old, new))) => (Some(old.as_slice()), Some(new.as_slice())),
            (None, None) => (None, None),
        };
        // The `diff --git` line shows both sides even for adds and deletes, so it is the
        // better witness of which prefixes are in use.
        let strip = match &self.header_paths {
            Some((header_old, header_new)) => {
                path::has_default_prefixes(Some(header_old), Some(header_new))
            }
            None => path::has_default_prefixes(old, new),
        };
        (
            old.map(|old| path::without_prefix(old, Side::Old, strip)),
            new.map(|new| path::without_prefix(new, Side::New, strip)),
        )
    }

    /// Similarity for renames and copies. `dissimilarity index` (from `-B`) is turned into
    /// its complement only for those, so a plain rewrite does not look like a move.
    fn similarity_of(&self, status: FileStatus) -> Option<u8> {
        if !matches!(status, FileStatus::Renamed | FileStatus::Copied) {
            return None;
        }
        self.similarity.or(self
            .dissimilarity
            .map(|dissimilarity| 100u8.saturating_sub(dissimilarity)))
    }
}
