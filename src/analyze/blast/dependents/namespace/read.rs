//! Readers of one file's namespace and imports, one per row of the table.
//!
//! They work on the file's text with comments blanked (strings kept: Go and JS import paths
//! are strings), statement by statement. A reader that misreads an odd import loses only that
//! import; the caller then treats the file as not importing the target.

mod go;
mod javascript;
mod packages;
mod python;
mod rust;

pub(super) use go::go;
pub(super) use javascript::javascript;
pub(super) use packages::{csharp, java};
pub(super) use python::python;
pub(super) use rust::rust;

use super::{Binds, FileScope, Home, Import};

/// `text` with comments replaced by spaces (newlines kept, so lines do not move). `#` starts
/// a comment in Python, `//` and `/* */` elsewhere; quotes are skipped so a `#` or `//` in a
/// string stays. Rust's `'` is a lifetime as often as a character, so it is not a quote there.
///
/// Works on bytes and copies the runs between the bytes that matter in one go: it reads every
/// candidate file of a dependents search. Every byte it looks at is ASCII, and a comment's
/// bytes all become spaces, so the result is UTF-8 whenever `text` is.
pub(super) fn blank_comments(text: &str, family: &str) -> String {
    let hash = family == "python";
    let mut special = [false; 256];
    for byte in [b'"', b'`'] {
        special[usize::from(byte)] = true;
    }
    special[usize::from(b'\'')] = family != "rust";
    special[usize::from(if hash { b'#' } else { b'/' })] = true;
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let next = bytes[at..]
            .iter()
            .position(|&byte| special[usize::from(byte)])
            .map_or(bytes.len(), |offset| at + offset);
        out.extend_from_slice(&bytes[at..next]);
        let Some(&byte) = bytes.get(next) else { break };
        let follows = bytes.get(next + 1).copied();
        if (hash && byte == b'#') || (byte == b'/' && follows == Some(b'/')) {
            let end = memchr::memchr(b'\n', &bytes[next..]).map_or(bytes.len(), |i| next + i);
            out.resize(out.len() + (end - next), b' ');
            at = end;
        } else if byte == b'/' && follows == Some(b'*') {
            let end = memchr::memmem::find(&bytes[next + 2..], b"*/")
                .map_or(bytes.len(), |i| next + 2 + i + 2);
            out.extend(
                bytes[next..end]
                    .iter()
                    .map(|&b| if b == b'\n' { b'\n' } else { b' ' }),
            );
            at = end;
        } else if byte == b'/' {
            out.push(byte);
            at = next + 1;
        } else {
            out.push(byte);
            at = skip_string(bytes, next + 1, byte, &mut out);
        }
    }
    String::from_utf8(out)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

/// Copies the string opened by `quote` from `at` up to and including its closing quote (or
/// the line's end, except for template literals); returns where reading goes on.
fn skip_string(bytes: &[u8], mut at: usize, quote: u8, out: &mut Vec<u8>) -> usize {
    while at < bytes.len() {
        let next = memchr::memchr3(b'\\', quote, b'\n', &bytes[at..])
            .map_or(bytes.len(), |offset| at + offset);
        out.extend_from_slice(&bytes[at..next]);
        let Some(&byte) = bytes.get(next) else {
            return bytes.len();
        };
        out.push(byte);
        at = next + 1;
        if byte == b'\\' {
            if let Some(&escaped) = bytes.get(at) {
                out.push(escaped);
                at += 1;
            }
        } else if byte == quote || quote != b'`' {
            return at;
        }
    }
    at
}

/// Directories of `path`, without the file name.
fn dirs(path: &str) -> Vec<String> {
    let mut parts: Vec<String> = path.split('/').map(str::to_string).collect();
    parts.pop();
    parts
}

/// The string literals in `text`, in order (`"a"`, `'b'`, `` `c` ``), without quotes.
fn strings(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(['"', '\'', '`']) {
        let quote = rest[start..].chars().next().unwrap_or('"');
        let after = &rest[start + 1..];
        let Some(end) = after.find(quote) else { break };
        found.push(&after[..end]);
        rest = &after[end + 1..];
    }
    found
}

/// Identifiers separated by commas, each possibly `name as alias` or `alias: name`-free.
fn names(list: &str) -> Vec<String> {
    list.split(',')
        .filter_map(|item| {
            let item = item.trim().trim_start_matches("type ").trim();
            let name = item.split_whitespace().next()?;
            let name = name.split(':').next()?.trim();
            (!name.is_empty()).then(|| name.to_string())
        })
        .collect()
}

/// Logical statements: lines joined (newlines kept) while brackets are open or a line ends in
/// `\`.
fn statements(code: &str) -> Vec<String> {
    statements_starting(code, None)
}

/// [`statements`], only those that start (after whitespace) with one of `prefixes` when given:
/// the others are split off the same way but never copied. Python's reader wants only its
/// imports, from every candidate file of a dependents search.
fn statements_starting(code: &str, prefixes: Option<&[&str]>) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    // Whether `current` has more than whitespace, and (once it has) whether it is wanted.
    let mut started = false;
    let mut wanted = prefixes.is_none();
    let mut depth: usize = 0;
    let mut finish = |current: &mut String, started: &mut bool, wanted: &mut bool| {
        let statement = std::mem::take(current);
        if *wanted {
            out.push(statement);
        }
        *started = false;
        *wanted = prefixes.is_none();
    };
    for line in code.lines() {
        // An import at the start of a line begins a statement whatever came before: an
        // unbalanced bracket in a docstring or template must not swallow the imports.
        if ["import ", "from ", "export "]
            .iter()
            .any(|keyword| line.starts_with(keyword))
            && started
        {
            finish(&mut current, &mut started, &mut wanted);
            depth = 0;
        }
        let trimmed = line.trim_end();
        let continued = trimmed.ends_with('\\');
        let segment = trimmed.trim_end_matches('\\');
        if !started && !segment.trim().is_empty() {
            started = true;
            if let Some(prefixes) = prefixes {
                let text = segment.trim_start();
                wanted = prefixes.iter().any(|prefix| text.starts_with(prefix));
            }
        }
        if wanted {
            current.push_str(segment);
            current.push('\n');
        }
        let (opened, closed) = line
            .bytes()
            .fold((0, 0), |(opened, closed), byte| match byte {
                b'(' | b'{' | b'[' => (opened + 1, closed),
                b')' | b'}' | b']' => (opened, closed + 1),
                _ => (opened, closed),
            });
        depth = (depth + opened).saturating_sub(closed);
        if depth == 0 && !continued {
            finish(&mut current, &mut started, &mut wanted);
        }
    }
    finish(&mut current, &mut started, &mut wanted);
    out
}

/// The dotted name after `keyword` on a line, up to `;`, `{` or the line's end.
fn dotted_after<'a>(line: &'a str, keyword: &str) -> Option<&'a str> {
    let rest = line.trim().strip_prefix(keyword)?;
    Some(rest.split(['{', ';']).next()?.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Asking only for some statements gives exactly those of all statements that start with
    /// one of the prefixes: continuations, open brackets, blank lines and an import that cuts
    /// an unbalanced statement short.
    #[test]
    fn wanted_statements_are_a_filter_of_all() {
        let code = "import os\nfrom a import (\n    b,\n    c,\n)\nx = [1,\n  2]\n\n   \nif x:\n    import sys as s\nprint('(')\nimport late \\\n  , other\nfrom\nimport\ny = f(\nfrom z import w\n";
        let prefixes: &[&str] = &["import ", "from "];
        let all: Vec<String> = statements(code)
            .into_iter()
            .filter(|statement| {
                let statement = statement.trim();
                prefixes.iter().any(|prefix| statement.starts_with(prefix))
            })
            .collect();
        let wanted = statements_starting(code, Some(prefixes));
        assert_eq!(wanted, all);
        assert_eq!(wanted.len(), 5, "{wanted:?}");
    }
}
