//! Templated SQL (Go `text/template`, Jinja, dbt) read as SQL: each template expression is
//! masked to a placeholder identifier of the same length and each control tag to blanks, so
//! the rest parses as SQL and every byte offset and line still points at the original text.
//!
//! Sources: Go `text/template` docs ("Actions": `{{if}}`, `{{range}}`, `{{with}}`, `{{define}}`,
//! `{{template}}`, `{{block}}`, `{{end}}`, `{{/* comment */}}`, `{{-` trim markers); Jinja
//! "Template Designer Documentation" (`{{ expression }}`, `{% statement %}`, `{# comment #}`).

use std::borrow::Cow;

/// Go template actions that control flow or define templates: they print nothing.
const GO_CONTROL: &[&str] = &[
    "if", "else", "end", "range", "with", "define", "template", "block", "break", "continue",
];

/// The opening and closing delimiters of template tags, and whether the tag always prints
/// nothing (`{% %}`, `{# #}`) or is an expression unless it starts with a control word.
const TAGS: &[(&str, &str, bool)] = &[("{{", "}}", false), ("{%", "%}", true), ("{#", "#}", true)];

/// Whether `source` holds template tags at all.
pub(super) fn templated(source: &str) -> bool {
    TAGS.iter().any(|(open, _, _)| source.contains(open))
}

/// `source` with template expressions masked to `x___` placeholders and control tags blanked.
/// A tag left open is left as it is: it is then not a template, or the SQL reader says why
/// it cannot read it.
pub(super) fn mask(source: &str) -> Cow<'_, str> {
    if !templated(source) {
        return Cow::Borrowed(source);
    }
    let mut out = source.as_bytes().to_vec();
    let mut at = 0;
    while let Some((start, open, close, control)) = next_tag(source, at) {
        let inner_start = start + open.len();
        let Some(length) = source[inner_start..].find(close) else {
            break;
        };
        let end = inner_start + length + close.len();
        let inner = source[inner_start..inner_start + length]
            .trim_matches(['-', '+', ' ', '\t', '\n', '\r']);
        let first_word = inner
            .split(|c: char| !c.is_ascii_alphabetic())
            .next()
            .unwrap_or_default();
        let prints = !control && !inner.starts_with("/*") && !GO_CONTROL.contains(&first_word);
        let span = &mut out[start..end];
        let mut first_line = prints;
        for (i, byte) in span.iter_mut().enumerate() {
            *byte = match (*byte, first_line) {
                (b'\n', _) => {
                    first_line = false;
                    b'\n'
                }
                (_, true) if i == 0 => b'x',
                (_, true) => b'_',
                _ => b' ',
            };
        }
        at = end;
    }
    Cow::Owned(String::from_utf8(out).expect("whole tags, ASCII-delimited, replaced by ASCII"))
}

/// The next tag opening at or after `at`: (start, open, close, always control).
fn next_tag(source: &str, at: usize) -> Option<(usize, &'static str, &'static str, bool)> {
    TAGS.iter()
        .filter_map(|(open, close, control)| {
            source[at..]
                .find(open)
                .map(|found| (at + found, *open, *close, *control))
        })
        .min_by_key(|(start, ..)| *start)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expressions become identifiers of the same length, control tags and comments blanks;
    /// lines and lengths are kept.
    #[test]
    fn masks() {
        let cases = [
            (
                "alter table {{ .Schema }}.t\ndrop column if exists c;",
                "alter table x____________.t\ndrop column if exists c;",
            ),
            (
                "{{- if .Enabled }}DROP TABLE {{ t }};{{ end -}}",
                "                  DROP TABLE x______;          ",
            ),
            (
                "{% for t in tables %}\nTRUNCATE {{ t }};\n{% endfor %}{# note #}",
                "                     \nTRUNCATE x______;\n                      ",
            ),
            ("{{/* c */}}SELECT 1", "           SELECT 1"),
            ("SELECT '{{'", "SELECT '{{'"),
            ("UPDATE t SET a = {{\n v }}", "UPDATE t SET a = x_\n     "),
        ];
        for (source, want) in cases {
            let masked = mask(source);
            assert_eq!(masked, want, "{source}");
            assert_eq!(masked.len(), source.len());
        }
        assert!(matches!(mask("SELECT 1"), Cow::Borrowed(_)));
    }
}
