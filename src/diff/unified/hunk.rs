//! Hunks: the `@@ -a,b +c,d @@` header and the lines it counts.
//!
//! The header's counts are the only thing that says where a hunk ends, so they are checked
//! line by line: a hunk shorter or longer than its header is an error naming the line, never
//! a silently shifted change.

use super::cursor::Cursor;
use super::{ParseError, ParseErrorKind, Side};
use crate::diff::{Hunk, Line, LineKind};

/// The numbers of a hunk header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct HunkHeader {
    old_start: u32,
    old_lines: u32,
    new_start: u32,
    new_lines: u32,
}

/// Parses `@@ -a[,b] +c[,d] @@[ section]`; an omitted count means 1.
pub(super) fn parse_header(line: &[u8]) -> Option<HunkHeader> {
    let rest = line.strip_prefix(b"@@ -")?;
    let (old_start, old_lines, rest) = parse_range(rest)?;
    let rest = rest.strip_prefix(b" +")?;
    let (new_start, new_lines, rest) = parse_range(rest)?;
    // What follows ` @@` is the function-context section git prints; it is not kept.
    rest.strip_prefix(b" @@")?;
    Some(HunkHeader {
        old_start,
        old_lines,
        new_start,
        new_lines,
    })
}

/// Parses `start[,count]` and returns the rest of the line.
fn parse_range(text: &[u8]) -> Option<(u32, u32, &[u8])> {
    let (start, rest) = parse_number(text)?;
    match rest.strip_prefix(b",") {
        Some(rest) => {
            let (count, rest) = parse_number(rest)?;
            Some((start, count, rest))
        }
        None => Some((start, 1, rest)),
    }
}

/// Parses leading decimal digits; `None` when there are none or they overflow.
fn parse_number(text: &[u8]) -> Option<(u32, &[u8])> {
    let digits = text.iter().take_while(|byte| byte.is_ascii_digit()).count();
    let (number, rest) = text.split_at_checked(digits)?;
    let number = std::str::from_utf8(number).ok()?.parse().ok()?;
    Some((number, rest))
}

/// Reads one hunk; the cursor is on its `@@` line.
pub(super) fn parse_hunk(cursor: &mut Cursor<'_>) -> Result<Hunk, ParseError> {
    let header_line = cursor.line_number();
    let header = cursor
        .next_line()
        .and_then(parse_header)
        .ok_or_else(|| ParseError::new(header_line, ParseErrorKind::BadHunkHeader))?;
    let mut body = Body::new(header);
    while body.wants_more() {
        let Some(line) = cursor.peek() else {
            return Err(body.cut_short(cursor.last_line_number()));
        };
        if let Some(kind) = classify(line) {
            body.push(kind, line, cursor.line_number())?;
        } else if line.first() != Some(&b'\\') {
            return Err(body.ended_early(cursor.line_number()));
        }
        cursor.advance();
    }
    // `\ No newline at end of file` may follow the last line of the hunk.
    if cursor
        .peek()
        .is_some_and(|line| line.first() == Some(&b'\\'))
    {
        cursor.advance();
    }
    Ok(body.hunk)
}

/// The kind of a hunk line, or `None` for a marker or a line that ends the hunk.
fn classify(line: &[u8]) -> Option<LineKind> {
    match line.first() {
        // An empty line inside a hunk is an empty context line whose space was stripped by
        // an editor or mailer; `git apply` accepts it the same way.
        Some(b' ') | None => Some(LineKind::Context),
        Some(b'+') => Some(LineKind::Added),
        Some(b'-') => Some(LineKind::Removed),
        Some(_) => None,
    }
}

/// A hunk being read, with the counts still owed to its header.
struct Body {
    hunk: Hunk,
    old_seen: u32,
    new_seen: u32,
}

impl Body {
    fn new(header: HunkHeader) -> Self {
        let hunk = Hunk {
            old_start: header.old_start,
            old_lines: header.old_lines,
            new_start: header.new_start,
            new_lines: header.new_lines,
            lines: Vec::new(),
        };
        Self {
            hunk,
            old_seen: 0,
            new_seen: 0,
        }
    }

    fn wants_more(&self) -> bool {
        self.old_seen < self.hunk.old_lines || self.new_seen < self.hunk.new_lines
    }

    /// Records one line, checking it fits the header's counts.
    fn push(&mut self, kind: LineKind, line: &[u8], number: usize) -> Result<(), ParseError> {
        let uses_old = matches!(kind, LineKind::Context | LineKind::Removed);
        let uses_new = matches!(kind, LineKind::Context | LineKind::Added);
        if uses_old && self.old_seen >= self.hunk.old_lines {
            return Err(self.too_long(Side::Old, number));
        }
        if uses_new && self.new_seen >= self.hunk.new_lines {
            return Err(self.too_long(Side::New, number));
        }
        let old_line = uses_old.then(|| line_number(self.hunk.old_start, self.old_seen));
        let new_line = uses_new.then(|| line_number(self.hunk.new_start, self.new_seen));
        self.old_seen += u32::from(uses_old);
        self.new_seen += u32::from(uses_new);
        self.hunk.lines.push(Line {
            kind,
            old_line,
            new_line,
            content: String::from_utf8_lossy(line.get(1..).unwrap_or_default()).into_owned(),
        });
        Ok(())
    }

    fn too_long(&self, side: Side, number: usize) -> ParseError {
        let expected = match side {
            Side::Old => self.hunk.old_lines,
            Side::New => self.hunk.new_lines,
        };
        ParseError::new(number, ParseErrorKind::HunkTooLong { side, expected })
    }

    /// The side that fell short (old first) with its expected and seen counts.
    fn shortfall(&self) -> (Side, u32, u32) {
        if self.old_seen < self.hunk.old_lines {
            (Side::Old, self.hunk.old_lines, self.old_seen)
        } else {
            (Side::New, self.hunk.new_lines, self.new_seen)
        }
    }

    fn ended_early(&self, number: usize) -> ParseError {
        let (side, expected, found) = self.shortfall();
        let kind = ParseErrorKind::HunkTooShort {
            side,
            expected,
            found,
        };
        ParseError::new(number, kind)
    }

    fn cut_short(&self, last_line: usize) -> ParseError {
        let (side, expected, found) = self.shortfall();
        let kind = ParseErrorKind::HunkCutShort {
            side,
            expected,
            found,
        };
        ParseError::new(last_line, kind)
    }
}

/// Line number of the `seen`-th line of a side starting at `start`. Saturates: absurd
/// headers near `u32::MAX` must not panic, and such numbers are already meaningless.
fn line_number(start: u32, seen: u32) -> u32 {
    start.saturating_add(seen)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(old_start: u32, old_lines: u32, new_start: u32, new_lines: u32) -> HunkHeader {
        HunkHeader {
            old_start,
            old_lines,
            new_start,
            new_lines,
        }
    }

    /// Hunk headers with and without counts and sections parse; malformed ones do not.
    #[test]
    fn parses_hunk_headers() {
        let cases: &[(&[u8], Option<HunkHeader>)] = &[
            (b"@@ -1,3 +1,4 @@", Some(header(1, 3, 1, 4))),
            (b"@@ -1 +1 @@", Some(header(1, 1, 1, 1))),
            (b"@@ -0,0 +1 @@", Some(header(0, 0, 1, 1))),
            (b"@@ -5,0 +6,2 @@ fn main() {", Some(header(5, 0, 6, 2))),
            (b"@@ -1,2 +0,0 @@\xff", Some(header(1, 2, 0, 0))),
            (b"@@ -1,3 +1,4", None),
            (b"@@ -x +1 @@", None),
            (b"@@ -1, +1 @@", None),
            (b"@@ -99999999999 +1 @@", None),
            (b"@@@ -1 -1 +1 @@@", None),
        ];
        for (line, expected) in cases {
            assert_eq!(
                parse_header(line),
                *expected,
                "{:?}",
                String::from_utf8_lossy(line)
            );
        }
    }

    fn parse_one(text: &[u8]) -> Result<Hunk, ParseError> {
        parse_hunk(&mut Cursor::new(text))
    }

    fn numbered(hunk: &Hunk) -> Vec<(LineKind, Option<u32>, Option<u32>, &str)> {
        hunk.lines
            .iter()
            .map(|line| {
                (
                    line.kind,
                    line.old_line,
                    line.new_line,
                    line.content.as_str(),
                )
            })
            .collect()
    }

    /// Context, added and removed lines get the right numbers on each side; markers and the
    /// trailing `\ No newline` are not lines; an empty line is empty context.
    #[test]
    fn numbers_hunk_lines() {
        use LineKind::{Added, Context, Removed};
        let text = b"@@ -10,4 +20,4 @@ section\n keep\n-old\n+new\n\n-last\n\\ No newline at end of file\n+last\n\\ No newline at end of file\n";
        let hunk = parse_one(text).expect("hunk is valid");
        assert_eq!(
            numbered(&hunk),
            vec![
                (Context, Some(10), Some(20), "keep"),
                (Removed, Some(11), None, "old"),
                (Added, None, Some(21), "new"),
                (Context, Some(12), Some(22), ""),
                (Removed, Some(13), None, "last"),
                (Added, None, Some(23), "last"),
            ]
        );
    }

    /// Content keeps everything after the marker except the terminator; invalid UTF-8 is
    /// replaced rather than rejected.
    #[test]
    fn keeps_content_lossily() {
        let hunk = parse_one(b"@@ -0,0 +1,3 @@\n+foo\r\n+ \tx \n+\xff\n").expect("hunk is valid");
        let contents: Vec<&str> = hunk.lines.iter().map(|l| l.content.as_str()).collect();
        assert_eq!(contents, vec!["foo", " \tx ", "\u{fffd}"]);
    }

    /// Hunks that disagree with their header fail at the right line with a one-line message.
    #[test]
    fn rejects_hunks_that_disagree_with_their_header() {
        let cases: &[(&[u8], &str)] = &[
            (
                b"@@ -1,3 +1,3 @@\n a\n b\ndiff --git a/x b/x\n",
                "line 4: hunk header says 3 old lines but the hunk ended after 2",
            ),
            (
                b"@@ -1,2 +1,3 @@\n a\n b\n@@ -9 +9 @@\n",
                "line 4: hunk header says 3 new lines but the hunk ended after 2",
            ),
            (
                b"@@ -1,2 +1,2 @@\n a\n",
                "line 2: hunk header says 2 old lines but the diff ended after 1",
            ),
            (
                b"@@ -1,2 +1,1 @@\n a\n+b\n",
                "line 3: hunk header says 1 new line but the hunk has more",
            ),
            (
                b"@@ -1,1 +1,2 @@\n-a\n-b\n",
                "line 3: hunk header says 1 old line but the hunk has more",
            ),
            (
                b"@@ -1 +1 @\n",
                "line 1: malformed hunk header: expected `@@ -<start>[,<count>] +<start>[,<count>] @@`",
            ),
        ];
        for (text, message) in cases {
            let error = parse_one(text).expect_err("case is malformed");
            assert_eq!(
                error.to_string(),
                *message,
                "{:?}",
                String::from_utf8_lossy(text)
            );
        }
    }

    /// Line numbers saturate instead of overflowing on absurd headers.
    #[test]
    fn saturates_line_numbers() {
        let hunk = parse_one(b"@@ -4294967295,2 +1,2 @@\n a\n b\n").expect("hunk is valid");
        let olds: Vec<Option<u32>> = hunk.lines.iter().map(|l| l.old_line).collect();
        assert_eq!(olds, vec![Some(u32::MAX), Some(u32::MAX)]);
    }
}
