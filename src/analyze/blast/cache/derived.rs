//! Results other analyses derive from file contents, kept in the same packs as outlines: the
//! mechanical comparison of a file's two versions and a version's security constructs. A warm
//! check of a large change spent two thirds of its CPU time re-parsing the changed files for
//! these two (typescript-sdk, 49 files: 39% the comparison, 30% security constructs).
//!
//! An entry is named by a digest of everything its result depends on besides the code (the
//! analysis, the grammar, the bytes), so a file with the same content anywhere, or the old
//! version of the next commit, finds it too. The code is in the entry's key: the build's
//! identity ([`crate::build`], a digest of its sources), so a rebuilt or upgraded binary never
//! reads what an older one derived.

use sha2::{Digest, Sha256};

use super::Cache;
use super::codec::{self, Reader};

/// A result kept by [`Cache::derived`].
pub(crate) trait Derived: Sized {
    /// The analysis, the first part of an entry's name.
    const KIND: &'static str;
    /// Writes the result.
    fn encode(&self, out: &mut Encoder);
    /// Reads what [`Derived::encode`] wrote; `None` if anything is off.
    fn decode(input: &mut Decoder<'_>) -> Option<Self>;
}

/// Writes an entry's fields: varints and length-prefixed byte strings.
#[derive(Default)]
pub(crate) struct Encoder {
    out: Vec<u8>,
}

impl Encoder {
    /// A number.
    pub(crate) fn number(&mut self, value: u64) {
        codec::varint(&mut self.out, value);
    }

    /// A byte string.
    pub(crate) fn bytes(&mut self, bytes: &[u8]) {
        self.number(bytes.len() as u64);
        self.out.extend_from_slice(bytes);
    }

    /// A yes or no.
    pub(crate) fn flag(&mut self, value: bool) {
        self.number(u64::from(value));
    }

    /// A list of strings.
    pub(crate) fn strings(&mut self, strings: &[String]) {
        self.number(strings.len() as u64);
        for string in strings {
            self.bytes(string.as_bytes());
        }
    }

    /// A string or none.
    pub(crate) fn optional(&mut self, string: Option<&str>) {
        self.flag(string.is_some());
        if let Some(string) = string {
            self.bytes(string.as_bytes());
        }
    }

    /// What was written (for tests of an entry's fields).
    #[cfg(test)]
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.out
    }
}

/// The input does not read as an entry.
#[derive(Debug)]
pub(crate) struct Corrupt;

/// Reads what an [`Encoder`] wrote.
pub(crate) struct Decoder<'a> {
    reader: Reader<'a>,
}

impl<'a> Decoder<'a> {
    /// A decoder of fields an [`Encoder`] wrote (for tests of an entry's fields).
    #[cfg(test)]
    pub(crate) fn new(fields: &'a [u8]) -> Decoder<'a> {
        Decoder {
            reader: Reader::new(fields),
        }
    }

    /// A byte string.
    pub(crate) fn bytes(&mut self) -> Option<&'a [u8]> {
        self.reader.bytes()
    }

    /// A number.
    pub(crate) fn number(&mut self) -> Option<u64> {
        self.reader.varint()
    }

    /// A number that must fit `T`.
    pub(crate) fn small<T: TryFrom<u64>>(&mut self) -> Option<T> {
        self.reader.small()
    }

    /// A UTF-8 string.
    pub(crate) fn string(&mut self) -> Option<String> {
        self.reader.string()
    }

    /// What [`Encoder::flag`] wrote.
    pub(crate) fn flag(&mut self) -> Option<bool> {
        match self.number()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    /// What [`Encoder::strings`] wrote.
    pub(crate) fn strings(&mut self) -> Option<Vec<String>> {
        (0..self.count()?).map(|_| self.string()).collect()
    }

    /// What [`Encoder::optional`] wrote.
    pub(crate) fn optional(&mut self) -> Result<Option<String>, Corrupt> {
        if self.flag().ok_or(Corrupt)? {
            Ok(Some(self.string().ok_or(Corrupt)?))
        } else {
            Ok(None)
        }
    }

    /// How many items follow, bounded by the bytes left (each item takes at least one), so a
    /// corrupt count cannot reserve gigabytes.
    pub(crate) fn count(&mut self) -> Option<usize> {
        let count: usize = self.small()?;
        (count <= self.reader.remaining()).then_some(count)
    }
}

/// The digest that names a derived entry: SHA-256 over `parts`, each length-prefixed so no
/// two different lists of parts hash alike; 160 bits in hex.
#[must_use]
pub(crate) fn digest(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    crate::digest::hex(&hasher.finalize()[..20])
}

impl Cache {
    /// The result of `compute`, which must depend only on what `digest` covers (see
    /// [`digest`]) and on this build: read from the cache when an entry of this build is
    /// there, else computed and kept when it is `Ok`. Errors are not kept: they say the
    /// result could not be had this time (a parse ran out of time on a loaded machine).
    pub(crate) fn derived<T: Derived, E>(
        &self,
        digest: &str,
        compute: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        if !self.is_enabled() {
            return compute();
        }
        let name = format!("{}.{digest}", T::KIND);
        let key = format!("{name}:{}", crate::build::IDENTITY);
        if let Some(found) = self.raw(&name).and_then(|entry| decode(&key, &entry)) {
            return Ok(found);
        }
        let result = compute()?;
        self.keep(name, encode(&key, &result));
        Ok(result)
    }
}

fn encode<T: Derived>(key: &str, result: &T) -> Vec<u8> {
    let mut body = Encoder::default();
    body.bytes(key.as_bytes());
    result.encode(&mut body);
    codec::frame(&body.out)
}

fn decode<T: Derived>(key: &str, entry: &[u8]) -> Option<T> {
    let mut input = Decoder {
        reader: Reader::new(codec::unframe(entry)?),
    };
    if input.reader.bytes()? != key.as_bytes() {
        return None;
    }
    let result = T::decode(&mut input)?;
    input.reader.at_end().then_some(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Pair(u64, String);

    impl Derived for Pair {
        const KIND: &'static str = "test";
        fn encode(&self, out: &mut Encoder) {
            out.number(self.0);
            out.bytes(self.1.as_bytes());
        }
        fn decode(input: &mut Decoder<'_>) -> Option<Self> {
            Some(Pair(input.number()?, input.string()?))
        }
    }

    /// An entry reads back under its own key only, and a flipped byte is a miss.
    #[test]
    fn entries_read_back_under_their_key_only() {
        let entry = encode("test.ab:build", &Pair(300, "x".to_string()));
        assert_eq!(
            decode::<Pair>("test.ab:build", &entry),
            Some(Pair(300, "x".to_string()))
        );
        assert_eq!(decode::<Pair>("test.ab:other build", &entry), None);
        let mut flipped = entry.clone();
        *flipped.last_mut().expect("not empty") ^= 1;
        assert_eq!(decode::<Pair>("test.ab:build", &flipped), None);
    }

    /// Parts are length-prefixed: moving a byte from one part to the next changes the digest.
    #[test]
    fn digests_tell_parts_apart() {
        assert_ne!(digest(&[b"ab", b"c"]), digest(&[b"a", b"bc"]));
        assert_eq!(digest(&[b"ab", b"c"]), digest(&[b"ab", b"c"]));
        assert_eq!(digest(&[b""]).len(), 40);
    }

    /// A computed result is kept in the run and found by the next run of the same build; an
    /// error is not kept.
    #[test]
    fn results_are_kept_across_runs_and_errors_are_not() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = Cache::open(dir.path());
        let computed = std::cell::Cell::new(0);
        let compute = || {
            computed.set(computed.get() + 1);
            Ok::<_, ()>(Pair(7, "seven".to_string()))
        };
        assert_eq!(
            cache.derived("d1", compute),
            Ok(Pair(7, "seven".to_string()))
        );
        assert_eq!(
            cache.derived("d1", compute),
            Ok(Pair(7, "seven".to_string()))
        );
        assert_eq!(
            computed.get(),
            1,
            "the second lookup reads the pending entry"
        );
        drop(cache);
        let cache = Cache::open(dir.path());
        assert_eq!(
            cache.derived("d1", compute),
            Ok(Pair(7, "seven".to_string()))
        );
        assert_eq!(computed.get(), 1, "a later run reads the pack");
        let mut failures = 0;
        for _ in 0..2 {
            let result: Result<Pair, &str> = cache.derived("d2", || {
                failures += 1;
                Err("timed out")
            });
            assert_eq!(result, Err("timed out"));
        }
        assert_eq!(failures, 2, "an error is computed again each time");
    }
}
