//! The text of the installed pre-push hook: a small POSIX sh script, and how to recognise one.

use std::fmt::Write as _;
use std::path::Path;

/// First line after the shebang; marks a hook as ours, so reinstalling never chains to itself.
pub(super) const MARKER: &str = "# blastgate-managed";

/// The line that names the binary: `blastgate='/abs/path'`.
const BINARY_PREFIX: &str = "blastgate=";

/// The hook script calling `binary`; it chains to `pre-push.blastgate-chained` when present.
pub(super) fn render(binary: &Path) -> String {
    let mut text = String::from("#!/bin/sh\n");
    let _ = writeln!(
        text,
        "{MARKER}: written by `blastgate hook install`; `blastgate hook uninstall` restores what was here."
    );
    let _ = writeln!(text, "{BINARY_PREFIX}{}", quote(&binary.to_string_lossy()));
    text.push_str(BODY);
    text
}

/// The part that does not depend on the binary. Standard input (the ref list) can be read only
/// once, so it is kept in a variable and fed to the chained hook and to blastgate alike.
const BODY: &str = r#"# The binary moved or was removed: fall back to the one on PATH (fails closed if none).
[ -x "$blastgate" ] || blastgate=blastgate
input=$(cat)
feed() { if [ -n "$input" ]; then printf '%s\n' "$input"; fi; }
chained="$(dirname "$0")/pre-push.blastgate-chained"
if [ -e "$chained" ] || [ -L "$chained" ]; then
  # The hook that was here before keeps running, first; its failure stops the push.
  if [ -x "$chained" ]; then
    feed | "$chained" "$@" || exit $?
  else
    feed | sh "$chained" "$@" || exit $?
  fi
fi
feed | "$blastgate" pre-push "$@"
"#;

/// True when `text` is a hook this module wrote.
pub(super) fn is_managed(text: &str) -> bool {
    text.lines().take(3).any(|line| line.starts_with(MARKER))
}

/// The binary a managed hook calls, unquoted.
pub(super) fn binary(text: &str) -> Option<String> {
    let value = text
        .lines()
        .find_map(|line| line.strip_prefix(BINARY_PREFIX))?;
    unquote(value)
}

/// Single-quotes for sh: everything is literal but `'`, written as `'\''`.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn unquote(text: &str) -> Option<String> {
    let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
    Some(inner.replace(r"'\''", "'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The binary path round-trips through sh quoting, quotes and spaces included.
    #[test]
    fn binary_path_round_trips() {
        for path in ["/usr/bin/blastgate", "/opt/it's here/blastgate"] {
            let text = render(Path::new(path));
            assert!(is_managed(&text));
            assert_eq!(binary(&text).as_deref(), Some(path));
        }
        assert!(!is_managed("#!/bin/sh\nexec blastgate pre-push \"$@\"\n"));
    }
}
