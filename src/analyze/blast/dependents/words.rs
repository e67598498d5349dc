//! Word sets: which whole words a blob holds, kept per blob in the analysis cache, so a warm
//! scan reads (inflates, re-hashes, searches) only the blobs that can hold one of the names.
//!
//! Reading every blob of the tree out of git was most of a warm check's time (python-sdk,
//! 832 Python files: inflating and libgit2's re-hash 19% of the CPU, the name automaton over
//! the same bytes at every depth another 10%). A word set is the hashes of the blob's maximal
//! runs of word bytes ([`super::scan::is_word_byte`]), which are exactly the places where a
//! name can match as a whole word. A set only ever says "maybe": a blob it lets through is read
//! and searched for real, so a hash collision costs a read, never a wrong candidate.

use git2::Oid;

use super::scan::is_word_byte;
use crate::analyze::blast::cache::Cache;
use crate::analyze::blast::cache::derived::{self, Decoder, Derived, Encoder};
use crate::analyze::blast::outline::generated_by_content;

/// Blobs above this size keep no hashes (a set would be as large as a search is cheap); any
/// name may be in them, so they are read when the budget lets them be searched at all.
const MOST_BYTES_HASHED: u64 = 4 << 20;

/// The whole words of one blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Words {
    /// The blob's size in bytes: the budget's size limit applies to it without reading it.
    pub(super) size: u64,
    /// Hashes of every whole word, sorted and without repeats; `None` past
    /// [`MOST_BYTES_HASHED`].
    hashes: Option<Vec<u32>>,
    /// Why the content looks generated ([`generated_by_content`]), if it does; a blob too big
    /// to hash is read anyway, and judged from its bytes.
    pub(super) generated: Option<String>,
}

impl Words {
    /// The word set of `bytes`.
    pub(super) fn of(bytes: &[u8]) -> Words {
        let size = bytes.len() as u64;
        if size > MOST_BYTES_HASHED {
            return Words {
                size,
                hashes: None,
                generated: None,
            };
        }
        let mut hashes = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            if !is_word_byte(bytes[at]) {
                at += 1;
                continue;
            }
            let start = at;
            while at < bytes.len() && is_word_byte(bytes[at]) {
                at += 1;
            }
            hashes.push(hash(&bytes[start..at]));
        }
        hashes.sort_unstable();
        hashes.dedup();
        Words {
            size,
            hashes: Some(hashes),
            generated: generated_by_content(bytes),
        }
    }

    /// Whether `name` may occur in the blob as a whole word; `None` when the set cannot tell
    /// (the blob was too big to hash, or the name is not one word).
    pub(super) fn may_hold(&self, name: Name) -> Option<bool> {
        Some(self.hashes.as_ref()?.binary_search(&name.hash?).is_ok())
    }

    /// The sorted hashes, when the blob was hashed.
    pub(super) fn hashes(&self) -> Option<&[u32]> {
        self.hashes.as_deref()
    }

    /// The word set of blob `oid`: from the cache, else from `bytes()` (then kept).
    pub(super) fn of_blob<E>(
        oid: Oid,
        cache: &Cache,
        bytes: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<(Words, Option<Vec<u8>>), E> {
        let mut read = None;
        let words = cache.derived(&derived::digest(&[oid.as_bytes()]), || {
            let bytes = bytes()?;
            let words = Words::of(&bytes);
            read = Some(bytes);
            Ok(words)
        })?;
        Ok((words, read))
    }
}

/// A name prepared for [`Words::may_hold`].
#[derive(Debug, Clone, Copy)]
pub(super) struct Name {
    /// `None` when the name has a byte that ends a word (an operator name, a quoted Kotlin
    /// name): a word set cannot rule it out.
    hash: Option<u32>,
}

impl Name {
    /// The hash a word set holds for this name; `None` if it is not one word.
    pub(super) fn hash(self) -> Option<u32> {
        self.hash
    }

    pub(super) fn new(name: &str) -> Name {
        let whole_word = !name.is_empty() && name.bytes().all(is_word_byte);
        Name {
            hash: whole_word.then(|| hash(name.as_bytes())),
        }
    }
}

/// FNV-1a, 32 bits: stable across builds and machines (entries outlive a run), and a
/// collision only makes a blob be read.
fn hash(word: &[u8]) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for &byte in word {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

impl Derived for Words {
    const KIND: &'static str = "words";

    fn encode(&self, out: &mut Encoder) {
        out.number(self.size);
        out.optional(self.generated.as_deref());
        match &self.hashes {
            None => out.number(0),
            Some(hashes) => {
                out.number(1);
                let bytes: Vec<u8> = hashes.iter().flat_map(|hash| hash.to_le_bytes()).collect();
                out.bytes(&bytes);
            }
        }
    }

    fn decode(input: &mut Decoder<'_>) -> Option<Self> {
        let size = input.number()?;
        let generated = input.optional().ok()?;
        let hashes = match input.number()? {
            0 => None,
            1 => {
                let bytes = input.bytes()?;
                if bytes.len() % 4 != 0 {
                    return None;
                }
                let hashes: Vec<u32> = bytes
                    .chunks_exact(4)
                    .map(|chunk| u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]))
                    .collect();
                // Sorted without repeats, or it is not an entry this code wrote.
                if !hashes.windows(2).all(|pair| pair[0] < pair[1]) {
                    return None;
                }
                Some(hashes)
            }
            _ => return None,
        };
        Some(Words {
            size,
            hashes,
            generated,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every whole word is held; parts of words, and words that only touch a name, are not.
    #[test]
    fn holds_whole_words_only() {
        let text = "def load_config(path):\n    return éfoo + $bar # parse\n";
        let words = Words::of(text.as_bytes());
        for name in ["def", "load_config", "path", "return", "$bar", "parse"] {
            assert_eq!(
                words.may_hold(Name::new(name)),
                Some(true),
                "{name} is a whole word"
            );
        }
        for name in ["load", "config", "foo", "bar", "pars", "eturn"] {
            assert_eq!(
                words.may_hold(Name::new(name)),
                Some(false),
                "{name} is part of a word"
            );
        }
        assert_eq!(words.size, text.len() as u64);
    }

    /// A set cannot answer for a name that is not one word, nor for a blob too big to hash:
    /// those blobs are searched for real.
    #[test]
    fn unanswerable_names_and_huge_blobs_are_left_to_the_bytes() {
        let words = Words::of(b"a = b");
        assert_eq!(words.may_hold(Name::new("operator==")), None);
        assert_eq!(words.may_hold(Name::new("")), None);
        let huge = vec![b' '; usize::try_from(MOST_BYTES_HASHED).expect("fits") + 1];
        let words = Words::of(&huge);
        assert_eq!(words.may_hold(Name::new("anything")), None);
        assert_eq!(words.size, MOST_BYTES_HASHED + 1);
    }

    /// Generated content is told from the bytes, kept with the set.
    #[test]
    fn generated_content_is_kept_with_the_set() {
        let words = Words::of(b"# Code generated by protoc-gen-go. DO NOT EDIT.\nx = 1\n");
        assert!(words.generated.is_some(), "{words:?}");
        assert_eq!(Words::of(b"x = 1\n").generated, None);
    }

    /// What is encoded decodes to the same set; an unsorted or torn set is refused.
    #[test]
    fn sets_read_back_and_refuse_what_this_code_did_not_write() {
        let huge = Words {
            size: 9,
            hashes: None,
            generated: Some("minified".to_string()),
        };
        for words in [Words::of(b"alpha beta gamma alpha"), Words::of(&[]), huge] {
            let mut out = Encoder::default();
            words.encode(&mut out);
            let bytes = out.into_bytes();
            assert_eq!(Words::decode(&mut Decoder::new(&bytes)), Some(words));
        }
        let mut out = Encoder::default();
        out.number(3);
        out.number(0);
        out.number(1);
        out.bytes(&[2, 0, 0, 0, 1, 0, 0, 0]);
        assert_eq!(Words::decode(&mut Decoder::new(&out.into_bytes())), None);
        let mut out = Encoder::default();
        out.number(3);
        out.number(0);
        out.number(1);
        out.bytes(&[2, 0, 0]);
        assert_eq!(Words::decode(&mut Decoder::new(&out.into_bytes())), None);
    }
}
