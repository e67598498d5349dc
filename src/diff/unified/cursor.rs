//! A cursor over the lines of a diff, with 1-based line numbers for error messages.
//!
//! Terminators: a line ends at `\n`, and one `\r` before it (or before the end of input) is
//! part of the terminator too. Two cases meet here and want the same answer:
//! - a diff saved with CRLF line ends (Windows editors, mail clients) must parse like the LF
//!   original, so `diff --git …\r` and `@@ … @@\r` are not corrupted by the `\r`;
//! - a file with CRLF content diffed by git gives lines like `+foo\r\n`. The model stores a
//!   line's text without its terminator, and `\r\n` *is* that line's terminator, so the
//!   content is `foo`, the same text an LF checkout of the file would show.
//!
//! Only one `\r` is removed, so a CRLF-saved diff of CRLF content (`+foo\r\r\n`) keeps the
//! content's own `\r` (`foo\r`) rather than silently eating arbitrary trailing bytes.

/// Lines of a diff and the position of the next one to read.
pub(super) struct Cursor<'a> {
    lines: Vec<&'a [u8]>,
    /// Index into `lines` of the line [`Cursor::peek`] returns.
    next: usize,
}

impl<'a> Cursor<'a> {
    /// Splits `text` into lines without their terminators.
    pub(super) fn new(text: &'a [u8]) -> Self {
        let mut lines: Vec<&[u8]> = text.split(|&byte| byte == b'\n').collect();
        // `split` yields an empty piece after a final `\n` (or for empty input); it is not a
        // line of the diff.
        if text.is_empty() || text.ends_with(b"\n") {
            lines.pop();
        }
        let lines = lines
            .into_iter()
            .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
            .collect();
        Self { lines, next: 0 }
    }

    /// The next line, without consuming it.
    pub(super) fn peek(&self) -> Option<&'a [u8]> {
        self.peek_at(0)
    }

    /// The line `offset` lines after the next one, without consuming anything.
    pub(super) fn peek_at(&self, offset: usize) -> Option<&'a [u8]> {
        self.lines.get(self.next.checked_add(offset)?).copied()
    }

    /// Consumes and returns the next line.
    pub(super) fn next_line(&mut self) -> Option<&'a [u8]> {
        let line = self.peek()?;
        self.next += 1;
        Some(line)
    }

    /// Consumes the next line, if any.
    pub(super) fn advance(&mut self) {
        let _ = self.next_line();
    }

    /// 1-based number of the line [`Cursor::peek`] returns.
    pub(super) fn line_number(&self) -> usize {
        self.next + 1
    }

    /// 1-based number of the last line of the input, for errors at the end of input.
    pub(super) fn last_line_number(&self) -> usize {
        self.lines.len().max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::Cursor;

    fn lines_of(text: &[u8]) -> Vec<Vec<u8>> {
        let mut cursor = Cursor::new(text);
        std::iter::from_fn(|| cursor.next_line().map(<[u8]>::to_vec)).collect()
    }

    /// Terminators `\n` and `\r\n` are removed, exactly one `\r` at most, and a missing final
    /// terminator still yields the last line.
    #[test]
    fn splits_lines_and_strips_one_carriage_return() {
        let cases: &[(&[u8], &[&[u8]])] = &[
            (b"", &[]),
            (b"\n", &[b""]),
            (b"a\nb\n", &[b"a", b"b"]),
            (b"a\nb", &[b"a", b"b"]),
            (b"a\r\nb\r\n", &[b"a", b"b"]),
            (b"+foo\r\r\n", &[b"+foo\r"]),
            (b"a\r", &[b"a"]),
            (b"\r\n\r\n", &[b"", b""]),
            (b"x\ry\n", &[b"x\ry"]),
        ];
        for (text, expected) in cases {
            let expected: Vec<Vec<u8>> = expected.iter().map(|line| line.to_vec()).collect();
            assert_eq!(lines_of(text), expected, "input {text:?}");
        }
    }

    /// Line numbers are 1-based and track peeking versus consuming.
    #[test]
    fn numbers_lines_from_one() {
        let mut cursor = Cursor::new(b"a\nb\nc\n");
        assert_eq!(cursor.line_number(), 1);
        assert_eq!(cursor.peek_at(2), Some(&b"c"[..]));
        assert_eq!(cursor.peek_at(3), None);
        cursor.advance();
        assert_eq!(cursor.line_number(), 2);
        assert_eq!(cursor.last_line_number(), 3);
    }
}
