//! Parser for unified diffs as `git diff` prints them.
//!
//! Input is the raw bytes of a diff: `git diff` (with or without `--binary`), the body of a
//! `git show` or `git format-patch` (leading mail or commit text is skipped), or a plain
//! `diff -u` made of `---`/`+++` file lines and hunks. Output is one [`FileChange`] per file
//! entry, in the order the diff prints them.
//!
//! The parser is a line cursor (`cursor.rs`) driven by three small readers: the file header
//! with git's extended lines (`file.rs`), paths with git's quoting rules (`path.rs`) and hunks
//! (`hunk.rs`). It is strict where a mistake would change what the gate measures (hunk line
//! counts, modes, quoted paths) and lenient about text between file entries, which is where
//! commit messages, mail headers and `-- ` signatures live.
//!
//! Line terminators are `\n` or `\r\n`; see `cursor.rs` for why one `\r` is always stripped.

mod cursor;
mod file;
mod hunk;
mod path;

use std::fmt;

use cursor::Cursor;

use super::FileChange;

/// Why a diff could not be read, and where.
///
/// Displays as one line, e.g. `line 17: hunk header says 3 new lines but the hunk ended after 2`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {kind}")]
pub struct ParseError {
    /// 1-based number of the offending line (the last line when the input ended too early).
    pub line: usize,
    /// What was wrong, and what was expected instead.
    pub kind: ParseErrorKind,
}

/// Which side of a hunk a count refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The `-a,b` half of a hunk header: lines before the change.
    Old,
    /// The `+c,d` half of a hunk header: lines after the change.
    New,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Old => "old",
            Self::New => "new",
        })
    }
}

/// The ways a diff can be malformed. Each message says what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// Non-empty input without any file entry.
    #[error(
        "not a unified diff: expected a `diff --git a/<path> b/<path>` line or `---`/`+++` file lines"
    )]
    NotADiff,
    /// A hunk header appeared with no file header before it.
    #[error("hunk header without a file header: expected `diff --git` or `---`/`+++` lines first")]
    HunkWithoutFile,
    /// `diff --cc` / `diff --combined` output of merges, which has several old sides.
    #[error(
        "combined diff of a merge is not supported: expected a two-sided `diff --git` entry (use `git diff <base> <head>`)"
    )]
    CombinedDiff,
    /// The `diff --git` line could not be split into two paths.
    #[error("malformed `diff --git` line: expected `diff --git a/<path> b/<path>`")]
    BadGitHeader,
    /// Neither the `diff --git` line nor later lines say where one path ends.
    #[error(
        "cannot tell the two paths apart in the `diff --git` line: expected `---`/`+++` or `rename from`/`rename to` lines"
    )]
    AmbiguousPaths,
    /// A C-style quoted path was not closed or had an unknown escape.
    #[error("malformed quoted path: {reason}")]
    BadQuotedPath {
        /// What was wrong inside the quotes.
        reason: &'static str,
    },
    /// An extended header line had a value of the wrong shape.
    #[error("malformed `{field}` line: expected {expected}")]
    BadHeaderValue {
        /// The header keyword, e.g. `old mode`.
        field: &'static str,
        /// The shape of a valid value.
        expected: &'static str,
    },
    /// A `---` line not followed by a `+++` line.
    #[error("expected a `+++ <path>` line after the `---` line")]
    MissingNewFileLine,
    /// A `@@` line that does not parse.
    #[error("malformed hunk header: expected `@@ -<start>[,<count>] +<start>[,<count>] @@`")]
    BadHunkHeader,
    /// A hunk stopped (at a line that is not part of a hunk) before its header's counts.
    #[error("hunk header says {} but the hunk ended after {found}", lines(*expected, *side))]
    HunkTooShort {
        /// The side whose count was not reached.
        side: Side,
        /// The count in the header.
        expected: u32,
        /// The lines seen before the hunk ended.
        found: u32,
    },
    /// The input ended inside a hunk.
    #[error("hunk header says {} but the diff ended after {found}", lines(*expected, *side))]
    HunkCutShort {
        /// The side whose count was not reached.
        side: Side,
        /// The count in the header.
        expected: u32,
        /// The lines seen before the input ended.
        found: u32,
    },
    /// A hunk line beyond its header's count for that side.
    #[error("hunk header says {} but the hunk has more", lines(*expected, *side))]
    HunkTooLong {
        /// The side whose count was exceeded.
        side: Side,
        /// The count in the header.
        expected: u32,
    },
    /// `GIT binary patch` without a `literal <size>` or `delta <size>` line.
    #[error("expected `literal <size>` or `delta <size>` after `GIT binary patch`")]
    BadBinaryPatch,
}

/// `3 new lines`, `1 old line`: a count as the messages print it.
fn lines(count: u32, side: Side) -> String {
    let noun = if count == 1 { "line" } else { "lines" };
    format!("{count} {side} {noun}")
}

impl ParseError {
    pub(crate) fn new(line: usize, kind: ParseErrorKind) -> Self {
        Self { line, kind }
    }
}

/// Reads a unified diff into one [`FileChange`] per file entry, in input order.
///
/// Empty (or whitespace-only) input is an empty change. Text before the first file entry and
/// between entries (commit messages, mail headers) is skipped; input with no entry at all is
/// an error at line 1.
pub fn parse(text: &[u8]) -> Result<Vec<FileChange>, ParseError> {
    // `git diff > file` with nothing to show writes an empty file, and editors or `echo`
    // pipelines add a newline to it; both mean "no change", not "not a diff".
    if text.iter().all(u8::is_ascii_whitespace) {
        return Ok(Vec::new());
    }
    let mut cursor = Cursor::new(text);
    let mut files = Vec::new();
    let mut orphan_hunk_line = None;
    while let Some(start) = skip_to_file_start(&mut cursor, &mut orphan_hunk_line)? {
        files.push(file::parse_file(&mut cursor, start)?);
    }
    if files.is_empty() {
        // A diff of bare hunks is more helpfully reported at its first hunk than as "not a diff".
        return Err(match orphan_hunk_line {
            Some(line) => ParseError::new(line, ParseErrorKind::HunkWithoutFile),
            None => ParseError::new(1, ParseErrorKind::NotADiff),
        });
    }
    Ok(files)
}

/// Advances past lines that belong to no file entry and says how the next entry starts.
fn skip_to_file_start(
    cursor: &mut Cursor<'_>,
    orphan_hunk_line: &mut Option<usize>,
) -> Result<Option<file::Start>, ParseError> {
    while let Some(line) = cursor.peek() {
        if line.starts_with(b"diff --git ") {
            return Ok(Some(file::Start::Git));
        }
        if line.starts_with(b"diff --cc ") || line.starts_with(b"diff --combined ") {
            return Err(ParseError::new(
                cursor.line_number(),
                ParseErrorKind::CombinedDiff,
            ));
        }
        if line.starts_with(b"--- ") && cursor.peek_at(1).is_some_and(|n| n.starts_with(b"+++ ")) {
            return Ok(Some(file::Start::Plain));
        }
        if orphan_hunk_line.is_none() && hunk::parse_header(line).is_some() {
            *orphan_hunk_line = Some(cursor.line_number());
        }
        cursor.advance();
    }
    Ok(None)
}

#[cfg(test)]
mod tests;
