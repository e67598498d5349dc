//! SHA-256 as the gate writes it: lowercase hex for the policy hash, `sha256:`-prefixed for
//! content fingerprints (approvals, waivers). One place, so every fingerprint reads the same.

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

/// Lowercase hex of `bytes`. By table rather than `format!`: every finding of a report gets a
/// fingerprint, and formatting byte by byte was a ninth of scoring a 500-file change.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
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

    /// Every byte value spells as `format!` spells it.
    #[test]
    fn hex_spells_every_byte() {
        for byte in 0..=255u8 {
            assert_eq!(hex(&[byte]), format!("{byte:02x}"));
        }
        assert_eq!(hex(&[0x0f, 0xa0]), "0fa0");
    }
}
