//! A small HCL scanner that knows where code is: outside strings, heredocs and comments.
//!
//! The tree-sitter grammar reads parsed files; this scanner serves the two places where text is
//! read without it. The line-level fallback asks which lines start in code at the top level, so
//! `resource "aws_db_instance" "x" {` inside a heredoc, a string or a `/* */` comment never
//! reads as a definition (a definition seen "added back" would hide a destroyed database). And
//! the parser's input has exponent numbers without a fraction (`1e3`, valid HCL) rewritten as
//! `1.0e3`, the only spelling the grammar accepts, so such a file is not "unparseable".
//!
//! Syntax: HCL native syntax specification, "Template Expressions" and "Comments and
//! Whitespace" (<https://github.com/hashicorp/hcl/blob/main/hclsyntax/spec.md>).

use std::borrow::Cow;

/// Where the scanner is: a stack, so nesting never recurses.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Mode {
    /// Expressions and blocks; `open` counts unclosed `{ [ (`. The bottom of the stack.
    Code { open: u32 },
    /// `${ … }` or `%{ … }` inside a template: code until its own closing brace.
    Interpolation { open: u32 },
    /// A quoted template `"…"`.
    Quoted,
    /// A heredoc body, until a line that is only its identifier.
    Heredoc { id: Vec<u8> },
    /// A `/* … */` comment.
    Comment,
}

/// Where a line starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// In code at the top level: where a `resource`, `module` or `moved` block can start.
    Top,
    /// In code inside a block, brackets or parentheses.
    Nested,
    /// Inside a string, a heredoc, an interpolation or a comment: text, never a definition.
    Text,
}

/// Where each line of `text` starts (index 0 is line 1).
#[must_use]
pub fn lines(text: &[u8]) -> Vec<Place> {
    let mut lines = Vec::new();
    scan(text, |event| {
        if let Event::LineStart(place) = event {
            lines.push(place);
        }
    });
    lines
}

/// `source` with exponent numbers that have no fraction (`1e3`, `2E-4`) written with one
/// (`1.0e3`): same value, same lines, and the tree-sitter grammar reads it.
#[must_use]
pub fn with_fractions(source: &[u8]) -> Cow<'_, [u8]> {
    let mut inserts = Vec::new();
    scan(source, |event| {
        if let Event::BareExponent(at) = event {
            inserts.push(at);
        }
    });
    if inserts.is_empty() {
        return Cow::Borrowed(source);
    }
    let mut out = Vec::with_capacity(source.len() + 2 * inserts.len());
    let mut from = 0;
    for at in inserts {
        out.extend_from_slice(source.get(from..at).unwrap_or_default());
        out.extend_from_slice(b".0");
        from = at;
    }
    out.extend_from_slice(source.get(from..).unwrap_or_default());
    Cow::Owned(out)
}

/// What the scanner reports as it goes.
enum Event {
    /// A line starts, here.
    LineStart(Place),
    /// A number in code has an exponent and no fraction: the byte offset of its `e`.
    BareExponent(usize),
}

fn is_ident(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-') || byte >= 0x80
}

/// One pass over `text`, reporting [`Event`]s.
fn scan(text: &[u8], mut report: impl FnMut(Event)) {
    let mut stack = vec![Mode::Code { open: 0 }];
    let mut i = 0;
    let mut line_start = true;
    while i <= text.len() {
        if line_start {
            line_start = false;
            if let Some(Mode::Heredoc { id }) = stack.last() {
                // The closing line: the identifier alone, indentation allowed (`<<-` and `<<`).
                let end = memchr(b'\n', text, i);
                let line = text.get(i..end).unwrap_or_default().trim_ascii();
                if line == id.as_slice() {
                    stack.pop();
                    report(Event::LineStart(Place::Text));
                    i = end;
                    continue;
                }
            }
            let place = match stack.as_slice() {
                [Mode::Code { open: 0 }] => Place::Top,
                [Mode::Code { .. }] => Place::Nested,
                _ => Place::Text,
            };
            report(Event::LineStart(place));
        }
        let Some(&byte) = text.get(i) else { break };
        let next = text.get(i + 1).copied();
        if byte == b'\n' {
            line_start = true;
            // A quoted template cannot span lines: an unclosed one ends here.
            if stack.last() == Some(&Mode::Quoted) {
                stack.pop();
            }
            i += 1;
            continue;
        }
        let Some(mode) = stack.last_mut() else { break };
        let interpolation = matches!(mode, Mode::Interpolation { .. });
        match mode {
            Mode::Code { open } | Mode::Interpolation { open } => match (byte, next) {
                (b'#', _) | (b'/', Some(b'/')) => i = memchr(b'\n', text, i),
                (b'/', Some(b'*')) => {
                    stack.push(Mode::Comment);
                    i += 2;
                }
                (b'"', _) => {
                    stack.push(Mode::Quoted);
                    i += 1;
                }
                (b'<', Some(b'<')) => i = heredoc(text, i, &mut stack),
                (b'{' | b'[' | b'(', _) => {
                    *open += 1;
                    i += 1;
                }
                (b'}', _) if *open == 0 && interpolation => {
                    stack.pop();
                    i += 1;
                }
                (b'}' | b']' | b')', _) => {
                    *open = open.saturating_sub(1);
                    i += 1;
                }
                (b'0'..=b'9', _) => i = number(text, i, &mut report),
                // An identifier starts with a letter or `_`, then may hold digits and `-`.
                _ if byte.is_ascii_alphabetic() || byte == b'_' || byte >= 0x80 => {
                    while text.get(i).copied().is_some_and(is_ident) {
                        i += 1;
                    }
                }
                _ => i += 1,
            },
            Mode::Quoted => match (byte, next) {
                // An escape skips the next character, unless it is the end of the line.
                (b'\\', Some(next)) if next != b'\n' => i += 2,
                (b'"', _) => {
                    stack.pop();
                    i += 1;
                }
                _ => i = template_char(text, i, &mut stack),
            },
            Mode::Heredoc { .. } => i = template_char(text, i, &mut stack),
            Mode::Comment => {
                if (byte, next) == (b'*', Some(b'/')) {
                    stack.pop();
                    i += 2;
                } else {
                    i += 1;
                }
            }
        }
    }
}

/// Inside a template: `$${` and `%%{` are literal, `${` and `%{` open an interpolation.
fn template_char(text: &[u8], i: usize, stack: &mut Vec<Mode>) -> usize {
    match (text.get(i), text.get(i + 1), text.get(i + 2)) {
        (Some(b'$'), Some(b'$'), Some(b'{')) | (Some(b'%'), Some(b'%'), Some(b'{')) => i + 3,
        (Some(b'$' | b'%'), Some(b'{'), _) => {
            stack.push(Mode::Interpolation { open: 0 });
            i + 2
        }
        _ => i + 1,
    }
}

/// At `<<`: a heredoc when an identifier and the end of the line follow (`<<EOT`, `<<-EOT`);
/// its body starts on the next line.
fn heredoc(text: &[u8], i: usize, stack: &mut Vec<Mode>) -> usize {
    let mut at = i + 2;
    if text.get(at) == Some(&b'-') {
        at += 1;
    }
    let start = at;
    while text.get(at).copied().is_some_and(is_ident) {
        at += 1;
    }
    let id = text.get(start..at).unwrap_or_default();
    let rest = text.get(at..memchr(b'\n', text, at)).unwrap_or_default();
    if id.is_empty() || !rest.trim_ascii().is_empty() {
        return i + 2;
    }
    stack.push(Mode::Heredoc { id: id.to_vec() });
    at
}

/// At a digit in code: skips the number, reporting an exponent without a fraction.
fn number(text: &[u8], mut i: usize, report: &mut impl FnMut(Event)) -> usize {
    let digits = |mut at: usize| {
        while text.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
        at
    };
    i = digits(i);
    let fraction = text.get(i) == Some(&b'.') && text.get(i + 1).is_some_and(u8::is_ascii_digit);
    if fraction {
        i = digits(i + 1);
    }
    if matches!(text.get(i), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(text.get(i + 1), Some(b'+' | b'-')));
        if text.get(i + 1 + sign).is_some_and(u8::is_ascii_digit) {
            if !fraction {
                report(Event::BareExponent(i));
            }
            i = digits(i + 1 + sign);
        }
    }
    i
}

/// The index of the next `byte` at or after `from`, or the end of `text`.
fn memchr(byte: u8, text: &[u8], from: usize) -> usize {
    text.get(from..)
        .and_then(|rest| rest.iter().position(|&b| b == byte))
        .map_or(text.len(), |at| from + at)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines (1-based) of `text` that start in code at the top level.
    fn top(text: &str) -> Vec<usize> {
        lines(text.as_bytes())
            .iter()
            .enumerate()
            .filter(|(_, place)| **place == Place::Top)
            .map(|(index, _)| index + 1)
            .collect()
    }

    const HEADER: &str = "resource \"aws_db_instance\" \"x\" {";

    /// Block text inside heredocs, strings and comments is not at the top level; after them,
    /// code is again.
    #[test]
    fn definitions_only_in_code() {
        let cases: &[(String, &[usize])] = &[
            (format!("{HEADER}\n}}\n"), &[1, 3]),
            (format!("x = <<EOT\n{HEADER}\nEOT\ny = 1\n"), &[1, 4, 5]),
            (
                format!("x = <<-EOT\n  {HEADER}\n  EOT\ny = 1\n"),
                &[1, 4, 5],
            ),
            (format!("/*\n{HEADER}\n*/\ny = 1\n"), &[1, 4, 5]),
            (format!("# {HEADER}\n// {HEADER}\n"), &[1, 2, 3]),
            // A header inside a block, or inside an interpolation that spans lines.
            (format!("locals {{\n{HEADER}\n}}\n}}\n"), &[1, 5]),
            (format!("x = \"${{\n{HEADER}}}\n}}\"\n"), &[1, 4]),
            // An escaped `$${` opens nothing; a string with a `}` in it closes nothing.
            ("x = \"$${\"\ny = \"}\"\n".to_string(), &[1, 2, 3]),
            // `%{ if }` directives inside a heredoc; the identifier inside text is not the end.
            (
                format!("x = <<EOT\n%{{ if true }}\nnot EOT\n{HEADER}\n%{{ endif }}\nEOT\n"),
                &[1, 7],
            ),
            // `<<` that is not a heredoc (no identifier, or more on the line).
            ("x = 1 << 2\ny = 1\n".to_string(), &[1, 2, 3]),
        ];
        for (text, expected) in cases {
            assert_eq!(top(text), *expected, "{text}");
        }
    }

    /// Code in a block is nested; the heredoc's lines, its closing line included, are text.
    #[test]
    fn places() {
        let text = "locals {\n  x = <<EOT\nfoo\nEOT\n}\n";
        let (top, nested, text_) = (Place::Top, Place::Nested, Place::Text);
        assert_eq!(
            lines(text.as_bytes()),
            [top, nested, text_, text_, nested, top]
        );
    }

    /// Exponents without a fraction get one; with one, in identifiers, strings, heredocs or
    /// comments, and hex numbers are left alone.
    #[test]
    fn exponent_numbers() {
        let cases = [
            ("x = 1e3\n", "x = 1.0e3\n"),
            ("x = [2E-4, 3e+2]\n", "x = [2.0E-4, 3.0e+2]\n"),
            ("x = 5-1e3\n", "x = 5-1.0e3\n"),
            ("x = \"${1e3}\"\n", "x = \"${1.0e3}\"\n"),
            ("x = 1.5E-2\n", "x = 1.5E-2\n"),
            ("x = foo-1e3\n", "x = foo-1e3\n"),
            ("x = \"1e3\" # 1e3\n", "x = \"1e3\" # 1e3\n"),
            ("x = <<EOT\n1e3\nEOT\n", "x = <<EOT\n1e3\nEOT\n"),
            ("x = 0x1e3\n", "x = 0x1e3\n"),
            ("x = 1e\n", "x = 1e\n"),
        ];
        for (source, expected) in cases {
            let rewritten = with_fractions(source.as_bytes());
            assert_eq!(String::from_utf8_lossy(&rewritten), expected, "{source:?}");
        }
    }

    /// Deep nesting and unbalanced input scan without recursion or panics.
    #[test]
    fn deep_and_broken_input() {
        let deep = format!("x = {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(top(&deep), [1, 2]);
        let interpolations = "\"${".repeat(50_000);
        assert_eq!(top(&interpolations), [1]);
        for broken in [
            "}}}\n",
            "x = \"abc\ny = 1\n",
            "/* open\n",
            "x = <<EOT\n",
            "\0\0<<",
        ] {
            let _ = lines(broken.as_bytes());
            let _ = with_fractions(broken.as_bytes());
        }
    }
}
