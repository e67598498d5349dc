//! What a PL/pgSQL `EXECUTE` runs: its expression evaluated as far as it is literal. String
//! literals, `||` concatenation and `format()` with literal arguments are evaluated; a value
//! known only at run time (a variable, a function call) stands in as the name `x`, since
//! `%I`-style arguments are names. When the statement's start (its verb) is such a value, what
//! runs cannot be read, and the caller fails closed.
//!
//! Sources: PostgreSQL docs, PL/pgSQL "Executing Dynamic Commands"
//! (<https://www.postgresql.org/docs/current/plpgsql-statements.html#PLPGSQL-STATEMENTS-EXECUTING-DYN>)
//! and `format` (<https://www.postgresql.org/docs/current/functions-string.html#FUNCTIONS-STRING-FORMAT>).

/// The SQL text an `EXECUTE` runs, from the text after the keyword; `None` when its statement
/// is not literal where it starts, so what it does cannot be read.
pub(super) fn sql(expression: &str) -> Option<String> {
    let mut out = String::new();
    for piece in pieces(until_clause(expression), "||") {
        append(&mut out, value(piece)?.as_deref())?;
    }
    (!out.trim().is_empty()).then_some(out)
}

/// Appends a value, or `x` for a run-time one; `None` when a run-time value would start the
/// statement.
fn append(out: &mut String, value: Option<&str>) -> Option<()> {
    match value {
        Some(text) => out.push_str(text),
        None if out.trim().is_empty() => return None,
        None => out.push('x'),
    }
    Some(())
}

/// The value of one operand: `Some(Some(text))` literal, `Some(None)` known only at run time,
/// `None` when it is a `format()` whose statement cannot be read.
#[allow(
    clippy::option_option,
    reason = "three states, each named in the doc comment"
)]
fn value(piece: &str) -> Option<Option<String>> {
    let piece = piece.trim();
    if let Some(text) = literal(piece) {
        return Some(Some(text));
    }
    let Some(arguments) = call(piece, "format") else {
        return Some(None);
    };
    let mut arguments = pieces(arguments, ",").into_iter();
    // A template known only at run time: nothing of the statement is literal.
    let template = literal(arguments.next()?.trim())?;
    let values: Vec<Option<String>> = arguments.map(|a| literal(a.trim())).collect();
    format(&template, &values).map(Some)
}

/// `format(template, values…)` with `%s`, `%I`, `%L` (and `%n$` positions); a run-time value is
/// `x`. `None` when a run-time value starts the statement.
fn format(template: &str, values: &[Option<String>]) -> Option<String> {
    let mut out = String::new();
    let mut next = 0;
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        // Position (`1$`), flag and width, then the type.
        let mut spec = String::new();
        while let Some(d) = chars.next_if(|d| d.is_ascii_digit() || matches!(d, '$' | '-' | '*')) {
            spec.push(d);
        }
        let Some(kind) = chars.next() else { break };
        if kind == '%' {
            out.push('%');
            continue;
        }
        let index = match spec.split_once('$') {
            Some((position, _)) => position.parse::<usize>().ok()?.checked_sub(1)?,
            None => next,
        };
        next = index + 1;
        let value = values.get(index).cloned().flatten();
        let value = match (kind, value) {
            ('L', Some(text)) => Some(format!("'{}'", text.replace('\'', "''"))),
            ('L', None) => Some("'x'".to_string()),
            (_, value) => value,
        };
        append(&mut out, value.as_deref())?;
    }
    Some(out)
}

/// The expression before `INTO` or `USING` (outside strings and parentheses).
fn until_clause(expression: &str) -> &str {
    let mut end = expression.len();
    scan(expression, |at, depth| {
        let rest = &expression[at..];
        let word = rest
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .next();
        let boundary = expression[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_ascii_alphanumeric() && c != '_');
        let clause =
            word.is_some_and(|w| w.eq_ignore_ascii_case("into") || w.eq_ignore_ascii_case("using"));
        if depth == 0 && boundary && clause {
            end = at;
            return false;
        }
        true
    });
    &expression[..end]
}

/// `text` split at `separator` outside strings and parentheses.
fn pieces<'t>(text: &'t str, separator: &str) -> Vec<&'t str> {
    let mut out = Vec::new();
    let mut start = 0;
    scan(text, |at, depth| {
        if depth == 0 && at >= start && text[at..].starts_with(separator) {
            out.push(&text[start..at]);
            start = at + separator.len();
        }
        true
    });
    out.push(&text[start..]);
    out
}

/// Calls `visit(offset, depth)` at each character outside string literals and dollar quotes,
/// with the parenthesis depth there; stops when `visit` returns false.
fn scan(text: &str, mut visit: impl FnMut(usize, usize) -> bool) {
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(c) = text[at..].chars().next() {
        if c == '\'' {
            at += quoted(&text[at + 1..]).map_or(text.len() - at, |(_, len)| len + 1);
            continue;
        }
        if let Some((_, len)) = dollar(&text[at..]) {
            at += len;
            continue;
        }
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if !visit(at, depth) {
            return;
        }
        at += c.len_utf8();
    }
}

/// The value of a piece that is one string literal: `'…'`, `E'…'` or `$tag$…$tag$`.
fn literal(piece: &str) -> Option<String> {
    let body = piece
        .strip_prefix(['E', 'e'])
        .filter(|rest| rest.starts_with('\''))
        .unwrap_or(piece);
    if let Some(after) = body.strip_prefix('\'') {
        let (value, len) = quoted(after)?;
        return after[len..].trim().is_empty().then_some(value);
    }
    let (value, len) = dollar(body)?;
    body[len..].trim().is_empty().then_some(value)
}

/// A single-quoted literal's value after its opening quote (`''` is a quote), and the length
/// up to and including the closing quote.
fn quoted(after_open: &str) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = after_open.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c == '\'' && chars.next_if(|(_, d)| *d == '\'').is_none() {
            return Some((out, at + 1));
        }
        out.push(c);
    }
    None
}

/// A dollar-quoted literal at the start of `text`: its value and whole length.
fn dollar(text: &str) -> Option<(String, usize)> {
    let rest = text.strip_prefix('$')?;
    let tag_len = rest.find('$')?;
    let tag = &rest[..tag_len];
    if !tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let open = tag_len + 2;
    let close = text[open..].find(&text[..open])?;
    Some((text[open..open + close].to_string(), open + close + open))
}

/// The argument text of `name(…)` when `piece` is exactly that call.
fn call<'t>(piece: &'t str, name: &str) -> Option<&'t str> {
    let head = piece.get(..name.len())?;
    if !head.eq_ignore_ascii_case(name) {
        return None;
    }
    let inner = piece[name.len()..].trim_start().strip_prefix('(')?;
    let inner = inner.trim_end().strip_suffix(')')?;
    // `format(a) x (b)` is not one call: the first parenthesis must close at the end only.
    balanced(inner).then_some(inner)
}

/// Whether parentheses in `text` never close below depth zero.
fn balanced(text: &str) -> bool {
    let mut ok = true;
    let mut open = 0i64;
    scan(text, |at, _| {
        match text[at..].chars().next() {
            Some('(') => open += 1,
            Some(')') => {
                open -= 1;
                ok &= open >= 0;
            }
            _ => {}
        }
        true
    });
    ok && open == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Literal parts are evaluated; run-time names become `x`; a run-time statement start is
    /// unreadable.
    #[test]
    fn evaluation() {
        let cases: &[(&str, Option<&str>)] = &[
            ("'DROP TABLE a'", Some("DROP TABLE a")),
            ("$q$TRUNCATE b$q$ INTO n", Some("TRUNCATE b")),
            ("format('%s TABLE users','DROP')", Some("DROP TABLE users")),
            ("format('DROP TABLE %I', t)", Some("DROP TABLE x")),
            (
                "format('UPDATE t SET a = %L', v) USING 1",
                Some("UPDATE t SET a = 'x'"),
            ),
            (
                "format('%2$s TABLE %1$I', 'u', 'DROP')",
                Some("DROP TABLE u"),
            ),
            ("'TRUNCATE ' || quote_ident(t)", Some("TRUNCATE x")),
            ("'it''s' || 'x'", Some("it'sx")),
            ("E'DELETE FROM a'", Some("DELETE FROM a")),
            (
                "format('%s', 'DELETE FROM a(') || ';'",
                Some("DELETE FROM a(;"),
            ),
            ("stmt", None),
            ("format('%s', v_sql)", None),
            ("format(v_template, t)", None),
            ("v || ' TABLE users'", None),
            ("'' || v", None),
            ("format('%s TABLE x', upper(verb)) INTO y", None),
        ];
        for (expression, want) in cases {
            assert_eq!(sql(expression).as_deref(), *want, "{expression}");
        }
    }
}
