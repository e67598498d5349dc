//! Token hashes of any stretch of a file version in constant time, after one pass over its
//! tokens. Security constructs keep a hash of every named function's tokens; hashing each
//! function's own tokens hashed a nested function again for every function around it, which
//! is quadratic in the nesting of a minified bundle or of a test file's callbacks.
//!
//! A polynomial hash modulo the Mersenne prime 2^61 − 1 over each token's own hash: prefix
//! hashes make the hash of tokens `a..b` one subtraction. (Modulo 2^64 instead, two-token
//! Thue–Morse sequences collide whatever the base, which would let a crafted body change pass
//! as unchanged.)

use std::hash::{DefaultHasher, Hash, Hasher};
use std::ops::Range;

/// 2^61 − 1.
const MODULUS: u64 = (1 << 61) - 1;
/// The polynomial's base: any number in 2..MODULUS far from both ends.
const BASE: u64 = 0x1d8e_4e27_c47d_124f % MODULUS;

/// Prefix hashes of one file version's tokens.
pub(super) struct TokenHashes {
    /// Start byte of each token, in file order.
    starts: Vec<usize>,
    /// `prefix[i]`: hash of the first `i` tokens.
    prefix: Vec<u64>,
    /// `powers[i]`: BASE^i.
    powers: Vec<u64>,
}

impl TokenHashes {
    /// Hashes `tokens` (start byte, text), given in file order.
    pub(super) fn new(tokens: &[(usize, &str)]) -> Self {
        let mut prefix = Vec::with_capacity(tokens.len() + 1);
        let mut powers = Vec::with_capacity(tokens.len() + 1);
        prefix.push(0);
        powers.push(1);
        for (index, (_, token)) in tokens.iter().enumerate() {
            let mut hasher = DefaultHasher::new();
            token.hash(&mut hasher);
            let own = hasher.finish() % MODULUS;
            prefix.push(add(mul(prefix[index], BASE), own));
            powers.push(mul(powers[index], BASE));
        }
        Self {
            starts: tokens.iter().map(|(start, _)| *start).collect(),
            prefix,
            powers,
        }
    }

    /// The hash of the tokens that start within `bytes`, with their count mixed in.
    pub(super) fn of(&self, bytes: Range<usize>) -> u64 {
        let from = self.starts.partition_point(|&start| start < bytes.start);
        let to = self
            .starts
            .partition_point(|&start| start < bytes.end)
            .max(from);
        let hash = add(
            self.prefix[to],
            MODULUS - mul(self.prefix[from], self.powers[to - from]),
        );
        hash ^ ((to - from) as u64).rotate_left(61)
    }
}

fn mul(a: u64, b: u64) -> u64 {
    let product = u128::from(a) * u128::from(b);
    let folded = (product & u128::from(MODULUS)) + (product >> 61);
    reduce(u64::try_from(folded).unwrap_or(u64::MAX))
}

fn add(a: u64, b: u64) -> u64 {
    reduce(a + b)
}

/// `value` modulo [`MODULUS`], for values below 2^63.
fn reduce(value: u64) -> u64 {
    let folded = (value & MODULUS) + (value >> 61);
    if folded >= MODULUS {
        folded - MODULUS
    } else {
        folded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<(usize, &str)> {
        text.match_indices(|c: char| !c.is_whitespace()).collect()
    }

    /// A stretch hashes the same wherever it sits, differs when a token does, and counts
    /// only the tokens that start inside it.
    #[test]
    fn stretches_hash_by_their_tokens() {
        let text = "a b c d a b c e";
        let hashes = TokenHashes::new(&tokens(text));
        assert_eq!(hashes.of(0..5), hashes.of(8..13), "`a b c` twice");
        assert_ne!(hashes.of(0..7), hashes.of(8..15), "`a b c d` and `a b c e`");
        assert_eq!(hashes.of(1..2), hashes.of(1..1), "no token starts in 1..2");
        assert_ne!(hashes.of(0..1), hashes.of(0..3));
    }

    /// The Thue–Morse pair that collides modulo 2^64 for every base differs here.
    #[test]
    fn thue_morse_sequences_differ() {
        let sequence = |flip: bool| -> String {
            (0u32..2048)
                .map(|i| {
                    if (i.count_ones() % 2 == 1) ^ flip {
                        "x "
                    } else {
                        "y "
                    }
                })
                .collect()
        };
        let (one, other) = (sequence(false), sequence(true));
        let (one, other) = (tokens(&one), tokens(&other));
        let end = one.last().map_or(0, |(at, _)| at + 1);
        assert_ne!(
            TokenHashes::new(&one).of(0..end),
            TokenHashes::new(&other).of(0..end)
        );
    }
}
