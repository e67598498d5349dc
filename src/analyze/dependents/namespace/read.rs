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

use super::{Binds, Home, Import, Scope};

/// `text` with comments replaced by spaces (newlines kept, so lines do not move). `#` starts
/// a comment in Python, `//` and `/* */` elsewhere; quotes are skipped so a `#` or `//` in a
/// string stays. Rust's `'` is a lifetime as often as a character, so it is not a quote there.
pub(super) fn blank_comments(text: &str, family: &str) -> String {
    let hash = family == "python";
    let single_quotes = family != "rust";
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        if let Some(open) = quote {
            out.push(c);
            if c == '\\' {
                if let Some(escaped) = chars.next() {
                    out.push(escaped);
                }
            } else if c == open || (c == '\n' && open != '`') {
                quote = None;
            }
            continue;
        }
        let next = chars.peek().copied();
        let line_comment = if hash {
            c == '#'
        } else {
            c == '/' && next == Some('/')
        };
        if line_comment {
            out.push(' ');
            while chars.peek().is_some_and(|&c| c != '\n') {
                chars.next();
                out.push(' ');
            }
        } else if !hash && c == '/' && next == Some('*') {
            chars.next();
            out.push_str("  ");
            let mut last = ' ';
            for c in chars.by_ref() {
                out.push(if c == '\n' { '\n' } else { ' ' });
                if last == '*' && c == '/' {
                    break;
                }
                last = c;
            }
        } else {
            if c == '"' || c == '`' || (c == '\'' && single_quotes) {
                quote = Some(c);
            }
            out.push(c);
        }
    }
    out
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
    let mut out = Vec::new();
    let mut current = String::new();
    let mut depth: usize = 0;
    for line in code.lines() {
        // An import at the start of a line begins a statement whatever came before: an
        // unbalanced bracket in a docstring or template must not swallow the imports.
        if ["import ", "from ", "export "]
            .iter()
            .any(|keyword| line.starts_with(keyword))
            && !current.trim().is_empty()
        {
            out.push(std::mem::take(&mut current));
            depth = 0;
        }
        let continued = line.trim_end().ends_with('\\');
        current.push_str(line.trim_end().trim_end_matches('\\'));
        current.push('\n');
        depth += line.matches(['(', '{', '[']).count();
        depth = depth.saturating_sub(line.matches([')', '}', ']']).count());
        if depth == 0 && !continued {
            out.push(std::mem::take(&mut current));
        }
    }
    out.push(current);
    out
}

/// The dotted name after `keyword` on a line, up to `;`, `{` or the line's end.
fn dotted_after<'a>(line: &'a str, keyword: &str) -> Option<&'a str> {
    let rest = line.trim().strip_prefix(keyword)?;
    Some(rest.split(['{', ';']).next()?.trim())
}
