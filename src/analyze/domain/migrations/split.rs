//! Statement boundaries in migration SQL, found by a small lexer rather than by the grammar, so
//! one statement the grammar does not know (a dialect's syntax, `NOT VALID`, a transaction
//! keyword) never hides its neighbours, and a statement split over lines is always read whole.
//!
//! The lexer knows what can hide a delimiter: quoted strings (`''` and, where the dialect has
//! them, backslash escapes), quoted identifiers, `--` and nested `/* */` comments, PostgreSQL
//! dollar quotes (`$$`, `$tag$`), MySQL client `DELIMITER` lines, and routine bodies written
//! with `BEGIN … END` (SQLite and MySQL triggers and procedures), whose semicolons are inside
//! the routine.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// The statements of a text, and its code: the same bytes with comments and the contents of
/// string literals blanked (identifiers kept), so that patterns never match inside them.
#[derive(Debug)]
pub(super) struct Split {
    /// Byte ranges of statements, trimmed, without their delimiter.
    pub(super) statements: Vec<Range<usize>>,
    /// Same length as the text; comments and string contents are spaces (newlines kept).
    pub(super) code: String,
}

/// A string, comment or dollar quote left open at the end of the text.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("unterminated {what} opened at line {line}: the statements cannot be told apart")]
pub(super) struct Unterminated {
    what: &'static str,
    line: usize,
}

/// A statement that defines a routine: its `BEGIN … END` body holds semicolons.
static ROUTINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*create\s+(?:or\s+replace\s+)?(?:definer\s*=\s*\S+\s+)?(?:temp\w*\s+)?(?:trigger|procedure|function|event)\b")
        .expect("valid pattern (tested)")
});
/// A MySQL client `DELIMITER` line (MySQL manual, "Defining Stored Programs").
static DELIMITER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[ \t]*delimiter[ \t]+(\S+)[ \t]*\r?$").expect("valid pattern (tested)")
});

/// Whether a statement defines a routine (trigger, function, procedure, event): its body runs
/// later, when the routine is called or fires, not when the migration runs.
pub(super) fn is_routine(code: &str) -> bool {
    ROUTINE.is_match(code)
}

fn is_word(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$'
}

/// Blanks `bytes[range]`, keeping newlines so line numbers hold.
fn blank(bytes: &mut [u8], range: Range<usize>) {
    for byte in &mut bytes[range] {
        if *byte != b'\n' {
            *byte = b' ';
        }
    }
}

/// The dollar-quote tag starting at `at` (`$$`, `$name$`), if one does.
fn dollar_tag(bytes: &[u8], at: usize) -> Option<usize> {
    if at > 0 && is_word(bytes[at - 1]) {
        return None;
    }
    let mut end = at + 1;
    while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
        end += 1;
    }
    let first = bytes.get(at + 1).copied().unwrap_or(b'$');
    (bytes.get(end) == Some(&b'$') && !first.is_ascii_digit()).then_some(end + 1 - at)
}

fn line_of(bytes: &[u8], at: usize) -> usize {
    memchr::memchr_iter(b'\n', &bytes[..at]).count() + 1
}

/// A comment, string, quoted identifier or dollar-quoted string starting at `i`: the range to
/// blank in the code and where it ends; `Err` names what is left open.
fn quoted(
    bytes: &[u8],
    i: usize,
    backslash: bool,
    dollars: bool,
) -> Result<Option<(Range<usize>, usize)>, &'static str> {
    let rest = &bytes[i..];
    let found = match bytes[i] {
        b'-' if rest.starts_with(b"--") => {
            let end = memchr::memchr(b'\n', rest).map_or(bytes.len(), |n| i + n);
            (i..end, end)
        }
        b'/' if rest.starts_with(b"/*") => {
            let (mut nested, mut j) = (0usize, i);
            loop {
                if j + 1 >= bytes.len() {
                    return Err("comment");
                }
                match &bytes[j..j + 2] {
                    b"/*" => (nested, j) = (nested + 1, j + 2),
                    b"*/" if nested == 1 => break,
                    b"*/" => (nested, j) = (nested - 1, j + 2),
                    _ => j += 1,
                }
            }
            (i..j + 2, j + 2)
        }
        b'\'' => {
            let escapes = backslash
                || (i > 0
                    && matches!(bytes[i - 1], b'e' | b'E')
                    && (i < 2 || !is_word(bytes[i - 2])));
            let mut j = i + 1;
            loop {
                match bytes.get(j) {
                    None => return Err("string"),
                    Some(b'\\') if escapes => j += 2,
                    Some(b'\'') if bytes.get(j + 1) == Some(&b'\'') => j += 2,
                    Some(b'\'') => break,
                    Some(_) => j += 1,
                }
            }
            (i + 1..j, j + 1)
        }
        quote @ (b'"' | b'`') => {
            let mut j = i + 1;
            loop {
                match bytes.get(j) {
                    None => return Err("quoted identifier"),
                    Some(q) if *q == quote && bytes.get(j + 1) == Some(&quote) => j += 2,
                    Some(q) if *q == quote => break,
                    Some(_) => j += 1,
                }
            }
            // Identifiers are kept: they name the table a finding is about.
            (i..i, j + 1)
        }
        b'$' if dollars => {
            let Some(length) = dollar_tag(bytes, i) else {
                return Ok(None);
            };
            let body = i + length;
            let close = memchr::memmem::find(&bytes[body..], &bytes[i..body])
                .ok_or("dollar-quoted string")?;
            (body..body + close, body + close + length)
        }
        _ => return Ok(None),
    };
    Ok(Some(found))
}

/// Splits `text` into statements. `backslash`: whether `\` escapes a quote in every string
/// (MySQL); PostgreSQL only does so in `E'…'` strings.
pub(super) fn split(text: &str, backslash: bool) -> Result<Split, Unterminated> {
    let bytes = text.as_bytes();
    let mut code = bytes.to_vec();
    let mut statements = Vec::new();
    let mut delimiter: Vec<u8> = b";".to_vec();
    let (mut start, mut depth, mut i) = (0usize, 0usize, 0usize);
    let mut push = |from: usize, to: usize, code: &[u8]| {
        let piece = &code[from..to];
        let lead = piece.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let trail = piece
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        if lead < piece.len() {
            statements.push(from + lead..to - trail);
        }
    };
    while i < bytes.len() {
        let byte = bytes[i];
        if i == 0 || bytes[i - 1] == b'\n' {
            let end = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
            if let Some(found) = DELIMITER.captures(&text[i..end]) {
                push(start, i, &code);
                delimiter = found[1].as_bytes().to_vec();
                blank(&mut code, i..end);
                (start, i) = (end, end);
                continue;
            }
        }
        let rest = &bytes[i..];
        if depth == 0 && rest.starts_with(&delimiter) {
            push(start, i, &code);
            i += delimiter.len();
            start = i;
            continue;
        }
        match quoted(bytes, i, backslash, delimiter == b";") {
            Ok(Some((blanked, next))) => {
                blank(&mut code, blanked);
                i = next;
                continue;
            }
            Ok(None) => {}
            Err(what) => {
                return Err(Unterminated {
                    what,
                    line: line_of(bytes, i),
                });
            }
        }
        match byte {
            _ if is_word(byte) && (i == 0 || !is_word(bytes[i - 1])) => {
                let end = bytes[i..]
                    .iter()
                    .position(|b| !is_word(*b))
                    .map_or(bytes.len(), |n| i + n);
                let word = text[i..end].to_ascii_lowercase();
                if matches!(word.as_str(), "begin" | "case" | "end") {
                    let statement = String::from_utf8_lossy(&code[start..i]);
                    if ROUTINE.is_match(&statement) {
                        (depth, i) = routine_depth(text, &word, depth, end);
                        continue;
                    }
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    push(start, bytes.len(), &code);
    let code = String::from_utf8(code).expect("only ASCII bytes replaced whole ASCII runs");
    Ok(Split { statements, code })
}

/// Block depth inside a routine after `word` (ending at `end`): `BEGIN` and `CASE` open,
/// `END` closes unless it ends an `IF`/`LOOP`/`WHILE`/`REPEAT`/`FOR` (which opened nothing).
/// Returns the new depth and where to continue.
fn routine_depth(text: &str, word: &str, depth: usize, end: usize) -> (usize, usize) {
    if word != "end" {
        return (depth + 1, end);
    }
    let after = &text[end..];
    let next: String = after
        .trim_start()
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .collect::<String>()
        .to_ascii_lowercase();
    let skip = after.len() - after.trim_start().len() + next.len();
    match next.as_str() {
        "if" | "loop" | "while" | "repeat" | "for" => (depth, end + skip),
        "case" => (depth.saturating_sub(1), end + skip),
        _ => (depth.saturating_sub(1), end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str, backslash: bool) -> Vec<String> {
        let split = split(text, backslash).expect("splits");
        split
            .statements
            .iter()
            .map(|r| text[r.clone()].to_string())
            .collect()
    }

    /// Delimiters inside strings, identifiers, comments, dollar quotes and routine bodies do
    /// not end a statement; several statements on one line are several.
    #[test]
    fn boundaries() {
        let cases: &[(&str, bool, &[&str])] = &[
            (
                "BEGIN; DROP TABLE users; COMMIT;",
                false,
                &["BEGIN", "DROP TABLE users", "COMMIT"],
            ),
            (
                "ALTER TABLE t DROP COLUMN c;COMMIT TRANSACTION;BEGIN TRANSACTION;\n",
                false,
                &[
                    "ALTER TABLE t DROP COLUMN c",
                    "COMMIT TRANSACTION",
                    "BEGIN TRANSACTION",
                ],
            ),
            (
                "INSERT INTO t VALUES ('a;b', \"x;y\"); -- c;d\nSELECT 1 /* e; /* f; */ g; */;",
                false,
                &["INSERT INTO t VALUES ('a;b', \"x;y\")", "SELECT 1"],
            ),
            (
                "DO $$ BEGIN DROP TABLE a; END $$;\nSELECT 2",
                false,
                &["DO $$ BEGIN DROP TABLE a; END $$", "SELECT 2"],
            ),
            (
                "SELECT $1; SELECT $t$ ; $t$;",
                false,
                &["SELECT $1", "SELECT $t$ ; $t$"],
            ),
            (
                "SELECT 'it\\'s;'; SELECT 2;",
                true,
                &["SELECT 'it\\'s;'", "SELECT 2"],
            ),
            (
                "SELECT E'a\\';'; SELECT '\\'; SELECT 3;",
                false,
                &["SELECT E'a\\';'", "SELECT '\\'", "SELECT 3"],
            ),
            (
                "CREATE TRIGGER tr AFTER INSERT ON a BEGIN UPDATE b SET x = 1; DELETE FROM c; END;\nDROP TABLE d;",
                false,
                &[
                    "CREATE TRIGGER tr AFTER INSERT ON a BEGIN UPDATE b SET x = 1; DELETE FROM c; END",
                    "DROP TABLE d",
                ],
            ),
            (
                "DELIMITER //\nCREATE PROCEDURE p() BEGIN IF 1 THEN SELECT 1; END IF; END//\nDELIMITER ;\nDROP TABLE e;",
                true,
                &[
                    "CREATE PROCEDURE p() BEGIN IF 1 THEN SELECT 1; END IF; END",
                    "DROP TABLE e",
                ],
            ),
        ];
        for (text, backslash, want) in cases {
            assert_eq!(pieces(text, *backslash), *want, "{text}");
        }
    }

    /// Comments and string contents are blanked in the code, identifiers are kept, and the
    /// code has the text's length.
    #[test]
    fn code_blanks_strings_and_comments() {
        let text = "ALTER TABLE \"T\" ADD CHECK (a <> 'not valid'); -- not valid\n";
        let split = split(text, false).expect("splits");
        assert_eq!(split.code.len(), text.len());
        assert!(!split.code.contains("not valid"), "{}", split.code);
        assert!(split.code.contains("\"T\""));
    }

    /// A string left open is an error naming its line, not a silent truncation.
    #[test]
    fn unterminated() {
        let error = split("SELECT 1;\nSELECT 'abc;\n", false).expect_err("open string");
        assert_eq!(
            error.to_string(),
            "unterminated string opened at line 2: the statements cannot be told apart"
        );
        assert!(split("DO $$ BEGIN", false).is_err());
    }
}
