//! `WHERE` conditions that hold for every row (`WHERE 1=1`, `WHERE true`, `WHERE id = id`):
//! a `DELETE` or `UPDATE` bounded by one writes every row, as if it had no `WHERE` at all
//! (CWE-1164 "Irrelevant Code" is the closest weakness; the pattern is the classic way to make
//! an unbounded write look bounded).
//!
//! Read on the condition's text: split on top-level `OR` (one always-true branch makes the
//! whole condition true) and `AND` (every branch must be), then each atom is compared with the
//! always-true shapes below. Anything not recognised is taken as a real bound.

/// Atoms that are true on their own. Source: SQL:2016 boolean literals, and the numeric
/// truth values `MySQL` and `SQLite` accept in a condition (`MySQL` manual "Logical Operators",
/// `SQLite` "Boolean Datatype").
const TRUE_ATOMS: &[&str] = &["true", "1", "not false", "not 0", "'1'", "'t'", "'true'"];

/// Whether the text after `WHERE` holds for every row.
pub(super) fn always_true(condition: &str) -> bool {
    let condition = condition.trim().trim_end_matches(';').trim();
    split_top(condition, "or").iter().any(|branch| {
        split_top(branch, "and")
            .iter()
            .all(|atom| atom_true(strip_parens(atom)))
    })
}

/// `(x)` → `x`, as often as the parentheses wrap the whole text.
fn strip_parens(text: &str) -> &str {
    let mut text = text.trim();
    while let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        // `(a) = (b)`: the outer pair does not wrap the whole text.
        if depth_never_zero(inner) {
            text = inner.trim();
        } else {
            break;
        }
    }
    text
}

fn depth_never_zero(inner: &str) -> bool {
    let mut depth = 0i32;
    for c in inner.chars() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

/// Splits on a keyword (`or`, `and`) outside parentheses and quotes.
fn split_top<'a>(text: &'a str, keyword: &str) -> Vec<&'a str> {
    let bytes = text.as_bytes();
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start, mut i) = (0i32, None::<u8>, 0, 0);
    while i < bytes.len() {
        let c = bytes[i];
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (None, b'\'' | b'"' | b'`') => quote = Some(c),
            (None, b'(') => depth += 1,
            (None, b')') => depth -= 1,
            (None, _) if depth == 0 && is_keyword_at(bytes, i, keyword) => {
                parts.push(&text[start..i]);
                i += keyword.len();
                start = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(&text[start..]);
    parts
}

fn is_keyword_at(bytes: &[u8], at: usize, keyword: &str) -> bool {
    let end = at + keyword.len();
    let boundary = |i: Option<&u8>| i.is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'_'));
    bytes
        .get(at..end)
        .is_some_and(|w| w.eq_ignore_ascii_case(keyword.as_bytes()))
        && boundary(at.checked_sub(1).and_then(|i| bytes.get(i)))
        && boundary(bytes.get(end))
}

/// One atom: a true literal, or a comparison of a thing with itself or of two literals that
/// holds (`1=1`, `'a'='a'`, `id = id`, `2 > 1`, `1 <> 2`).
fn atom_true(atom: &str) -> bool {
    let lower: String = atom.split_whitespace().collect::<Vec<_>>().join(" ");
    let lower = lower.to_ascii_lowercase();
    if TRUE_ATOMS.contains(&lower.as_str()) {
        return true;
    }
    // Longest operators first, so `<=` is not read as `<`.
    for op in ["<>", "!=", ">=", "<=", "==", "=", ">", "<"] {
        let Some((left, right)) = lower.split_once(op) else {
            continue;
        };
        let (left, right) = (strip_parens(left), strip_parens(right));
        if left.is_empty() || right.is_empty() {
            return false;
        }
        let same = left == right;
        return match (number(left), number(right)) {
            (Some(a), Some(b)) => compare(op, a.partial_cmp(&b)),
            _ if is_string(left) && is_string(right) => compare(op, Some(left.cmp(right))),
            // A column compared with itself: true for every row where it is not NULL.
            _ => same && matches!(op, "=" | "==" | ">=" | "<="),
        };
    }
    false
}

fn number(text: &str) -> Option<f64> {
    text.parse::<f64>().ok()
}

fn is_string(text: &str) -> bool {
    text.len() >= 2 && text.starts_with('\'') && text.ends_with('\'')
}

fn compare(op: &str, ordering: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    matches!(
        (op, ordering),
        ("=" | "==" | ">=" | "<=", Some(Equal))
            | ("<>" | "!=", Some(Less | Greater))
            | (">" | ">=", Some(Greater))
            | ("<" | "<=", Some(Less))
    )
}

#[cfg(test)]
mod tests {
    use super::always_true;

    /// The shapes that hold for every row, and near misses that are real bounds.
    #[test]
    fn conditions() {
        for (condition, expected) in [
            ("1=1", true),
            ("1 = 1", true),
            ("TRUE", true),
            ("(1=1)", true),
            ("'a' = 'a'", true),
            ("id = id", true),
            ("2 > 1", true),
            ("1 <> 2", true),
            ("id = 3 OR 1=1", true),
            ("1=1 AND true", true),
            ("not false", true),
            ("id = 1", false),
            ("1 = 2", false),
            ("1=1 AND id = 4", false),
            ("created_at < now() - interval '1 day'", false),
            ("name = 'x or 1=1'", false),
            ("(a) = (b)", false),
            ("band = 1", false),
            ("mandatory = 1", false),
        ] {
            assert_eq!(always_true(condition), expected, "{condition}");
        }
    }
}
