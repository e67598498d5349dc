//! Abbreviated ids that never look alike.
//!
//! Reports show commit ids, blob ids and fingerprints by their first 12 characters. Ids can be
//! crafted to share a prefix, and "approved commit 1a2b3c4d5e6f, not the head 1a2b3c4d5e6f"
//! reads as a contradiction (issue 12). Ids shown together are cut at one width: at least 12
//! characters, and as many more as it takes for every two different ids to differ.

/// The shortest width shown.
pub const MIN_WIDTH: usize = 12;

/// The width at which the different ids among `ids` all differ (at least [`MIN_WIDTH`]).
#[must_use]
pub fn width(ids: &[&str]) -> usize {
    let mut sorted: Vec<&str> = ids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    sorted
        .windows(2)
        .map(|pair| {
            let common = pair[0]
                .chars()
                .zip(pair[1].chars())
                .take_while(|(a, b)| a == b)
                .count();
            common + 1
        })
        .fold(MIN_WIDTH, usize::max)
}

/// `id` as a report shows it alone: its first [`MIN_WIDTH`] characters (characters, not bytes:
/// ids read from notes may be forged text, and a byte cut could split a character).
#[must_use]
pub fn short(id: &str) -> &str {
    id.char_indices()
        .nth(MIN_WIDTH)
        .map_or(id, |(at, _)| &id[..at])
}

/// The first `width` characters of `id` (characters, not bytes: ids read from notes may be
/// forged text, and a byte cut could split a character).
#[must_use]
pub fn cut(id: &str, width: usize) -> String {
    id.chars().take(width).collect()
}

/// Two ids shown side by side, cut so that they differ when they are different.
#[must_use]
pub fn pair(a: &str, b: &str) -> (String, String) {
    let width = width(&[a, b]);
    (cut(a, width), cut(b, width))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ids sharing a long prefix are shown to the first digit that differs; others at 12.
    #[test]
    fn widths() {
        let a = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b";
        let b = "1a2b3c4d5e6f7a8b9c0dffffffffffffffffffff";
        let c = "ffffffffffffffffffffffffffffffffffffffff";
        assert_eq!(width(&[a, c]), MIN_WIDTH);
        assert_eq!(width(&[a, a]), MIN_WIDTH);
        assert_eq!(width(&[a, b, c]), 21);
        let (short_a, short_b) = pair(a, b);
        assert_ne!(short_a, short_b);
        assert_eq!(short_a, &a[..21]);
        assert_eq!(pair("abc", "abcd"), ("abc".to_string(), "abcd".to_string()));
        assert_eq!(cut("é1234", 2), "é1");
        assert_eq!(short(a), &a[..12]);
        assert_eq!(short("abc"), "abc");
        assert_eq!(short("ééééééééééééé"), "éééééééééééé");
    }
}
