//! SHA-256 as the gate writes it: lowercase hex for the policy hash, `sha256:`-prefixed for
//! content fingerprints (approvals, waivers). One place, so every fingerprint reads the same.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

/// The prefix of every content fingerprint.
pub const PREFIX: &str = "sha256:";

/// Lowercase hex of the SHA-256 of `bytes`.
#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// `sha256:` and the lowercase hex of what `hasher` has seen.
#[must_use]
pub fn fingerprint(hasher: Sha256) -> String {
    let mut text = String::from(PREFIX);
    text.push_str(&hex(&hasher.finalize()));
    text
}

/// Lowercase hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut text, byte| {
            // Writing to a String cannot fail.
            let _ = write!(text, "{byte:02x}");
            text
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The known digest of the empty input, in both spellings.
    #[test]
    fn empty_input() {
        let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(sha256_hex(b""), empty);
        assert_eq!(fingerprint(Sha256::new()), format!("sha256:{empty}"));
    }
}
