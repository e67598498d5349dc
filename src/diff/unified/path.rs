//! Paths as git prints them in diff headers.
//!
//! Git quotes a path C-style (`"a/na\303\257ve"`) when it holds a control character, `"`,
//! `\` or (with the default `core.quotePath`) a byte above 0x7f; otherwise the path is printed
//! raw, spaces included. Paths are decoded to bytes here and only turned into `String` at the
//! end ([`crate::diff::escape_path`]), because a decoded path may not be UTF-8.

/// The prefix git puts before old paths unless told otherwise (`--no-prefix`, `--src-prefix`).
const OLD_PREFIX: &[u8] = b"a/";
/// The prefix git puts before new paths.
const NEW_PREFIX: &[u8] = b"b/";
/// The path git prints for the missing side of an added or deleted file.
const DEV_NULL: &[u8] = b"/dev/null";

/// An old and a new path as bytes.
pub(super) type PathPair = (Vec<u8>, Vec<u8>);

/// Decodes a C-style quoted string at the start of `text` (which starts with `"`).
///
/// Returns the decoded bytes and what follows the closing quote. Accepts exactly the escapes
/// git's `unquote_c_style` does, so a path git wrote always round-trips.
pub(super) fn unquote(text: &[u8]) -> Result<(Vec<u8>, &[u8]), &'static str> {
    let Some((b'"', mut rest)) = text.split_first() else {
        return Err("expected an opening `\"`");
    };
    let mut decoded = Vec::with_capacity(rest.len());
    loop {
        let Some((&byte, after)) = rest.split_first() else {
            return Err("no closing `\"`");
        };
        rest = after;
        match byte {
            b'"' => return Ok((decoded, rest)),
            b'\\' => {
                let (escaped, after) = unescape(rest)?;
                decoded.push(escaped);
                rest = after;
            }
            _ => decoded.push(byte),
        }
    }
}

/// Decodes one escape sequence; `text` starts right after the backslash.
fn unescape(text: &[u8]) -> Result<(u8, &[u8]), &'static str> {
    let Some((&first, rest)) = text.split_first() else {
        return Err("backslash at the end of the path");
    };
    let simple = match first {
        b'a' => Some(0x07),
        b'b' => Some(0x08),
        b't' => Some(b'\t'),
        b'n' => Some(b'\n'),
        b'v' => Some(0x0b),
        b'f' => Some(0x0c),
        b'r' => Some(b'\r'),
        b'"' => Some(b'"'),
        b'\\' => Some(b'\\'),
        _ => None,
    };
    if let Some(byte) = simple {
        return Ok((byte, rest));
    }
    // Octal `\ooo`: the first digit is 0–3 so the value fits a byte.
    match text {
        [
            high @ b'0'..=b'3',
            mid @ b'0'..=b'7',
            low @ b'0'..=b'7',
            rest @ ..,
        ] => Ok(((high - b'0') << 6 | (mid - b'0') << 3 | (low - b'0'), rest)),
        _ => Err("unknown escape sequence"),
    }
}

/// Splits what follows `diff --git ` into the old and new path, prefixes still on.
///
/// Returns `Ok(None)` when unquoted paths with spaces leave the split ambiguous; the caller
/// then relies on `---`/`+++` or `rename from`/`rename to` lines.
pub(super) fn split_git_header(text: &[u8]) -> Result<Option<PathPair>, &'static str> {
    if text.first() == Some(&b'"') {
        let (old, rest) = unquote(text)?;
        let Some(new) = rest.strip_prefix(b" ") else {
            return Err("expected a space after the quoted old path");
        };
        return Ok(Some((old, raw_or_quoted(new)?)));
    }
    if let Some(split) = quoted_new_path_start(text) {
        let (old, new) = text.split_at(split);
        let (new, _) = unquote(new.get(1..).unwrap_or_default())?;
        return Ok(Some((old.to_vec(), new)));
    }
    Ok(split_unquoted(text).map(|(old, new)| (old.to_vec(), new.to_vec())))
}

/// Where ` "<new path>"` starts when only the new path is quoted (git quotes each side on
/// its own, so a rename from a plain name to an odd one mixes the forms).
///
/// The opening quote is the nearest unescaped `"` before the final one, so one backward scan
/// finds the only candidate; trying every ` "` would be quadratic on hostile input.
fn quoted_new_path_start(text: &[u8]) -> Option<usize> {
    let body = text.strip_suffix(b"\"")?;
    let open = (0..body.len()).rev().find(|&index| {
        body.get(index) == Some(&b'"') && backslashes_before(body, index).is_multiple_of(2)
    })?;
    let space = open.checked_sub(1)?;
    let quoted = text.get(open..)?;
    let closes_at_end = matches!(unquote(quoted), Ok((_, rest)) if rest.is_empty());
    (text.get(space) == Some(&b' ') && closes_at_end).then_some(space)
}

/// How many backslashes directly precede `index`; an odd count escapes the byte there.
fn backslashes_before(text: &[u8], index: usize) -> usize {
    text.get(..index)
        .unwrap_or_default()
        .iter()
        .rev()
        .take_while(|&&byte| byte == b'\\')
        .count()
}

/// Splits two unquoted paths separated by one of possibly many spaces.
fn split_unquoted(text: &[u8]) -> Option<(&[u8], &[u8])> {
    let spaces: Vec<usize> = text
        .iter()
        .enumerate()
        .filter(|&(_, &byte)| byte == b' ')
        .map(|(index, _)| index)
        .collect();
    let split_at = |index: usize| (text.get(..index), text.get(index + 1..));
    if let [only] = spaces.as_slice() {
        let (Some(old), Some(new)) = split_at(*only) else {
            return None;
        };
        return Some((old, new));
    }
    // Same path on both sides (every edit, add, delete and mode change): exactly one split
    // makes the halves equal once the prefixes are set aside.
    let same_path = spaces.iter().find_map(|&index| match split_at(index) {
        (Some(old), Some(new)) if strip_both(old, new) => Some((old, new)),
        _ => None,
    });
    if same_path.is_some() {
        return same_path;
    }
    // Different paths with the default prefixes: ` b/` is the split if it occurs once.
    if text.starts_with(OLD_PREFIX) {
        let mut candidates = spaces.iter().filter(|&&index| {
            text.get(index + 1..)
                .is_some_and(|new| new.starts_with(NEW_PREFIX))
        });
        if let (Some(&index), None) = (candidates.next(), candidates.next())
            && let (Some(old), Some(new)) = split_at(index)
        {
            return Some((old, new));
        }
    }
    None
}

/// True when `old` and `new` name the same path, with or without the default prefixes.
fn strip_both(old: &[u8], new: &[u8]) -> bool {
    match (old.strip_prefix(OLD_PREFIX), new.strip_prefix(NEW_PREFIX)) {
        (Some(old), Some(new)) => old == new,
        _ => old == new,
    }
}

/// Decodes a path that is the whole rest of a line, quoted or not (`rename from <path>`).
pub(super) fn raw_or_quoted(text: &[u8]) -> Result<Vec<u8>, &'static str> {
    if text.first() == Some(&b'"') {
        let (path, _) = unquote(text)?;
        Ok(path)
    } else {
        Ok(text.to_vec())
    }
}

/// Decodes the path of a `---` or `+++` line; `None` is `/dev/null`.
///
/// An unquoted path ends at a tab: git appends one to names containing spaces (so GNU patch
/// finds the end), and `diff -u` puts a timestamp after it. Names with a real tab are quoted.
pub(super) fn file_line_path(text: &[u8]) -> Result<Option<Vec<u8>>, &'static str> {
    let path = if text.first() == Some(&b'"') {
        unquote(text)?.0
    } else {
        let end = text
            .iter()
            .position(|&byte| byte == b'\t')
            .unwrap_or(text.len());
        text.get(..end).unwrap_or_default().to_vec()
    };
    Ok((path != DEV_NULL).then_some(path))
}

/// Whether a pair of printed paths carries git's default `a/` and `b/` prefixes.
///
/// Both sides must agree (a missing side is `/dev/null`): a `--no-prefix` diff of a directory
/// named `a` must not lose it.
pub(super) fn has_default_prefixes(old: Option<&[u8]>, new: Option<&[u8]>) -> bool {
    let old_ok = old.is_none_or(|path| path.starts_with(OLD_PREFIX));
    let new_ok = new.is_none_or(|path| path.starts_with(NEW_PREFIX));
    old_ok && new_ok && (old.is_some() || new.is_some())
}

/// Removes the default prefix of a side when the diff uses them.
pub(super) fn without_prefix(path: &[u8], side: super::Side, strip: bool) -> Vec<u8> {
    let prefix = match side {
        super::Side::Old => OLD_PREFIX,
        super::Side::New => NEW_PREFIX,
    };
    match path.strip_prefix(prefix) {
        Some(rest) if strip => rest.to_vec(),
        _ => path.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every escape git's quoting can produce decodes to the right byte, and what follows the
    /// closing quote is returned untouched.
    #[test]
    fn unquotes_c_style_escapes() {
        let cases: &[(&[u8], &[u8], &[u8])] = &[
            (br#""plain""#, b"plain", b""),
            (br#""na\303\257ve" rest"#, "naïve".as_bytes(), b" rest"),
            (br#""tab\there""#, b"tab\there", b""),
            (br#""nl\nx""#, b"nl\nx", b""),
            (br#""q\"uote""#, b"q\"uote", b""),
            (br#""back\\slash""#, b"back\\slash", b""),
            (br#""\a\b\v\f\r""#, b"\x07\x08\x0b\x0c\r", b""),
            (br#""\377""#, b"\xff", b""),
        ];
        for (input, decoded, rest) in cases {
            let (got, got_rest) = unquote(input).expect("case is valid");
            assert_eq!((got.as_slice(), got_rest), (*decoded, *rest), "{input:?}");
        }
    }

    /// Broken quoting is an error, never a panic or a silent guess.
    #[test]
    fn rejects_malformed_quotes() {
        let cases: &[&[u8]] = &[
            b"\"open",
            b"\"bad\\q\"",
            b"\"\\4000\"",
            b"\"\\1\"",
            b"\"end\\",
        ];
        for input in cases {
            assert!(unquote(input).is_err(), "{input:?}");
        }
    }

    /// The `diff --git` split handles quoting on either side, spaces in equal paths, the
    /// `--no-prefix` form, and gives up (`None`) only when truly ambiguous.
    #[test]
    fn splits_git_header_paths() {
        type Split = Option<(&'static [u8], &'static [u8])>;
        type Case = (&'static [u8], Split);
        let cases: &[Case] = &[
            (b"a/x b/x", Some((b"a/x", b"b/x"))),
            (b"a/my file b/my file", Some((b"a/my file", b"b/my file"))),
            (b"my file my file", Some((b"my file", b"my file"))),
            (
                b"a/old name b/new name",
                Some((b"a/old name", b"b/new name")),
            ),
            (br#""a/t\tx" "b/t\tx""#, Some((b"a/t\tx", b"b/t\tx"))),
            (br#"a/plain "b/odd\"q""#, Some((b"a/plain", b"b/odd\"q"))),
            (
                br#""a/odd\"q" b/plain x"#,
                Some((b"a/odd\"q", b"b/plain x")),
            ),
            (
                br#"a/plain "b/with \"quote\" inside""#,
                Some((b"a/plain", b"b/with \"quote\" inside")),
            ),
            (br#"a/p "b/q\\""#, Some((b"a/p", b"b/q\\"))),
            (br#"a/x" b/x""#, Some((b"a/x\"", b"b/x\""))),
            (b"x y z w", None),
        ];
        for (input, expected) in cases {
            let got = split_git_header(input).expect("case is valid");
            let got = got
                .as_ref()
                .map(|(old, new)| (old.as_slice(), new.as_slice()));
            assert_eq!(got, *expected, "{:?}", String::from_utf8_lossy(input));
        }
    }

    /// `---`/`+++` paths stop at a tab, decode quotes and map `/dev/null` to no path.
    #[test]
    fn reads_file_line_paths() {
        let cases: &[(&[u8], Option<&[u8]>)] = &[
            (b"a/x", Some(b"a/x")),
            (b"/dev/null", None),
            (b"a/my file\t", Some(b"a/my file")),
            (b"old.txt\t2024-01-01 10:00:00.000 +0000", Some(b"old.txt")),
            (br#""b/na\303\257ve""#, Some("b/naïve".as_bytes())),
        ];
        for (input, expected) in cases {
            let got = file_line_path(input).expect("case is valid");
            assert_eq!(got.as_deref(), *expected, "{input:?}");
        }
    }

    /// Default prefixes are recognised only when both printed sides agree.
    #[test]
    fn detects_default_prefixes() {
        type Case = (Option<&'static [u8]>, Option<&'static [u8]>, bool);
        let cases: &[Case] = &[
            (Some(b"a/x"), Some(b"b/x"), true),
            (None, Some(b"b/x"), true),
            (Some(b"a/x"), None, true),
            (Some(b"a/x"), Some(b"a/x"), false),
            (Some(b"x"), Some(b"x"), false),
            (None, None, false),
        ];
        for (old, new, expected) in cases {
            assert_eq!(
                has_default_prefixes(*old, *new),
                *expected,
                "{old:?} {new:?}"
            );
        }
    }

    /// Valid UTF-8 passes through; each invalid byte becomes `\ooo` and flags the path.
    #[test]
    fn escapes_invalid_utf8_as_octal() {
        let cases: &[(&[u8], &str, bool)] = &[
            (b"plain.txt", "plain.txt", false),
            ("naïve".as_bytes(), "naïve", false),
            (b"bad\xff.txt", "bad\\377.txt", true),
            (b"\xc3", "\\303", true),
        ];
        for (input, display, escaped) in cases {
            assert_eq!(
                crate::diff::escape_path(input),
                (display.to_string(), *escaped),
                "{input:?}"
            );
        }
    }
}
