//! Text read from the repository, made safe to print: one function per output format, and
//! every renderer escapes through here, never on its own.
//!
//! A path, commit subject, author name, note field or resource name can hold any byte git
//! allows: ESC sequences that clear or rewrite a terminal (`ESC [ 2J`, OSC 8 links), a `\r`
//! that overwrites the line, or a `\n` followed by `::error::` that a CI runner reads as a
//! workflow command. Values are escaped one by one ([`one_line`], [`markdown`],
//! [`markdown_code`], [`github_data`]); a rendered report then passes one more net
//! ([`terminal`]) so a value a renderer forgot cannot drive the terminal either.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Characters that are not control characters but still reorder or hide text on screen
/// (Unicode bidi controls, zero-width and line/paragraph separators): "Trojan Source",
/// CVE-2021-42574.
const INVISIBLE: &[char] = &[
    '\u{061C}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{200E}', '\u{200F}', '\u{2028}', '\u{2029}',
    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2060}', '\u{2066}', '\u{2067}',
    '\u{2068}', '\u{2069}', '\u{FEFF}',
];

/// Whether `c` must never reach output raw.
fn unsafe_char(c: char) -> bool {
    c.is_control() || INVISIBLE.contains(&c)
}

/// Shows `c` as its Rust escape (`\n`, `\u{1b}`), which is plain printable ASCII.
fn push_escaped(out: &mut String, c: char) {
    let _ = write!(out, "{}", c.escape_default());
}

/// A value on one line of text or a terminal: control and invisible characters (newlines
/// included) become visible escapes, so the value cannot start a line or drive the terminal.
#[must_use]
pub fn one_line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The net under a whole rendered report: keeps `\n` and, with `keep_colour`, the SGR colour
/// sequences (`ESC [ … m`) the report itself adds; escapes every other control character.
#[must_use]
pub fn terminal(output: &str, keep_colour: bool) -> String {
    let mut out = String::with_capacity(output.len());
    let mut rest = output;
    while let Some(c) = rest.chars().next() {
        if keep_colour && c == '\u{1b}' {
            let sgr = sgr_len(rest);
            if sgr > 0 {
                out.push_str(&rest[..sgr]);
                rest = &rest[sgr..];
                continue;
            }
        }
        if c != '\n' && unsafe_char(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Length of the SGR sequence `ESC [ digits/semicolons m` at the start of `text`, or 0.
fn sgr_len(text: &str) -> usize {
    let Some(body) = text.strip_prefix("\u{1b}[") else {
        return 0;
    };
    let params = body
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b';')
        .count();
    if body.as_bytes().get(params) == Some(&b'm') {
        2 + params + 1
    } else {
        0
    }
}

/// Markdown punctuation that could start emphasis, code, a link, raw HTML, an entity, a
/// heading or a table cell, or make an e-mail autolink (`@`). Escaped with a backslash,
/// which Markdown allows before any ASCII punctuation.
const MARKDOWN_SPECIAL: &[char] = &[
    '\\', '`', '*', '_', '[', ']', '<', '>', '#', '|', '~', '&', '@',
];

/// A value inside Markdown prose or a table cell: one line, every Markdown special escaped, so
/// it renders as the literal text and cannot end the cell, add a link or inject HTML. GitHub's
/// bare autolinks (`https://`, `www.`) are broken by escaping their `:` and `.`.
#[must_use]
pub fn markdown(text: &str) -> String {
    let line = one_line(text);
    let mut out = String::with_capacity(line.len() + 8);
    for (at, c) in line.char_indices() {
        let autolink = match c {
            ':' => line[at..].starts_with("://"),
            '.' => line
                .get(at.saturating_sub(3)..at)
                .is_some_and(|before| before.eq_ignore_ascii_case("www")),
            _ => false,
        };
        if autolink || MARKDOWN_SPECIAL.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A value as a Markdown code span (a path, a ref, a symbol): one line, fenced by more
/// backticks than it holds, with `|` escaped so a table cell stays whole (GitHub's tables read
/// `\|` inside code as the character).
#[must_use]
pub fn markdown_code(text: &str) -> String {
    let line = one_line(text).replace('|', "\\|");
    let longest = line
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or_default();
    let fence = "`".repeat(longest + 1);
    // A space keeps a backtick at either end from joining the fence.
    let pad = if line.starts_with('`') || line.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{line}{pad}{fence}")
}

/// A GitHub workflow command's message, as the Actions runner decodes it (`%`, `\r`, `\n`
/// percent-encoded). The caller's own newlines are kept (encoded); other control characters
/// are shown escaped. Values inside must already be [`one_line`].
#[must_use]
pub fn github_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if unsafe_char(c) => push_escaped(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// A workflow command property value: as [`github_data`] of a [`one_line`] value, with the `:`
/// and `,` that delimit properties encoded too.
#[must_use]
pub fn github_property(text: &str) -> String {
    github_data(&one_line(text))
        .replace(':', "%3A")
        .replace(',', "%2C")
}

/// A value as HTML text or an attribute value (the HTML replay report): one line, with the
/// five characters that could open a tag, an entity or end a quoted attribute as entities.
#[must_use]
pub fn html(text: &str) -> String {
    let line = one_line(text);
    let mut out = String::with_capacity(line.len() + 8);
    for c in line.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// HTML: markup becomes text, one line, no control or bidi characters.
    #[test]
    fn html_makes_markup_text() {
        assert_eq!(
            html("<script>x</script> & \"a\" 'b'\n\u{202e}"),
            "&lt;script&gt;x&lt;/script&gt; &amp; &quot;a&quot; &#39;b&#39;\\n\\u{202e}"
        );
    }

    const HOSTILE: &str =
        "a\u{1b}[2J\u{1b}]8;;https://x\u{7}b\r\n::error::c\u{9b}1m\u{202e}d\n::stop-commands::t";

    /// No escaper lets a control or invisible character through, nor a newline out of a value.
    #[test]
    fn no_raw_control_characters_survive() {
        for escaped in [
            one_line(HOSTILE).into_owned(),
            markdown(HOSTILE),
            markdown_code(HOSTILE),
            github_data(&one_line(HOSTILE)),
            github_property(HOSTILE),
            terminal(HOSTILE, true).replace('\n', ""),
        ] {
            assert!(!escaped.chars().any(unsafe_char), "{escaped:?}");
            assert!(!escaped.contains('\n'), "{escaped:?}");
        }
        assert_eq!(one_line("a\nb\u{1b}"), "a\\nb\\u{1b}");
        assert!(matches!(one_line("plain"), Cow::Borrowed("plain")));
    }

    proptest::proptest! {
        /// Whatever the text, no escaper lets a control or invisible character through, and
        /// only `terminal` keeps newlines (the report's own).
        #[test]
        fn escapers_are_total(text in "(?s).{0,64}") {
            for escaped in [
                one_line(&text).into_owned(),
                markdown(&text),
                markdown_code(&text),
                github_property(&text),
                github_data(&one_line(&text)),
            ] {
                proptest::prop_assert!(!escaped.chars().any(unsafe_char), "{:?}", escaped);
            }
            let net = terminal(&text, false);
            proptest::prop_assert!(!net.chars().any(|c| c != '\n' && unsafe_char(c)), "{:?}", net);
        }
    }

    /// The net keeps the report's own lines and colours and nothing else.
    #[test]
    fn terminal_keeps_own_newlines_and_colour_only() {
        assert_eq!(
            terminal("a\n\u{1b}[1;31mb\u{1b}[0m\n", true),
            "a\n\u{1b}[1;31mb\u{1b}[0m\n"
        );
        assert_eq!(terminal("\u{1b}[1;31mb", false), "\\u{1b}[1;31mb");
        assert_eq!(terminal("\u{1b}[2J\r", true), "\\u{1b}[2J\\r");
    }

    /// Markdown: specials are escaped; code spans take a longer fence than their content.
    #[test]
    fn markdown_cannot_add_links_html_or_cells() {
        assert_eq!(
            markdown("a|b](javascript:x)<script>"),
            "a\\|b\\](javascript:x)\\<script\\>"
        );
        assert_eq!(
            markdown("see https://x.example or www.x.example, a@b.c"),
            "see https\\://x.example or www\\.x.example, a\\@b.c"
        );
        assert_eq!(markdown_code("a``b"), "```a``b```");
        assert_eq!(markdown_code("`x|"), "`` `x\\| ``");
        assert_eq!(markdown_code("x"), "`x`");
    }

    /// The runner's decoding: `%`, CR, LF in data; also `:` and `,` in properties.
    #[test]
    fn github_follows_the_runner() {
        assert_eq!(github_data("50%\r\nnext: a,b"), "50%25%0D%0Anext: a,b");
        assert_eq!(github_property("a:b,c%"), "a%3Ab%2Cc%25");
        assert_eq!(github_property("a\nb"), "a\\nb");
    }
}
