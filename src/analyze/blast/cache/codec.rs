//! The on-disk form of one cache entry: a small binary encoding with a checksum.
//!
//! Layout: `magic (4) | payload length (u32 LE) | checksum of the payload (u64 LE) | payload`.
//! The payload starts with the entry's own key, so a file copied or renamed to the wrong place
//! is rejected like a corrupt one. Strings are interned in a table (reference names repeat a
//! lot), integers are LEB128 varints. Decoding never panics: any inconsistency is `None`, and
//! the caller treats `None` as a miss and rewrites the entry.
//!
//! Why not `serde_json`: an outline is mostly repeated names, which JSON spells out each time
//! and spends its decode time on (the benchmark compares both).

use std::collections::HashMap;

use super::Ask;
use crate::analyze::blast::syntax::{
    Definition, Outline, Reference, ReferenceKind, SymbolKind, Unanalysed, Visibility,
};

/// First bytes of every entry; the last byte is the layout version of this file format (2: the
/// word-wise [`checksum`]; entries of version 1 read as corrupt, so they are made again).
const MAGIC: [u8; 4] = *b"BGC\x02";
/// Magic, length, checksum.
const HEADER: usize = 4 + 4 + 8;
/// Up to this many names asked, a decoded string is compared with each instead of hashed.
const FEW_NAMES: usize = 8;

/// Encodes `result` under `key` into a complete entry (header included).
pub(super) fn encode(key: &str, result: &Result<Outline, Unanalysed>) -> Vec<u8> {
    let mut payload = Writer::default();
    payload.bytes(key.as_bytes());
    match result {
        Ok(outline) => {
            payload.out.push(0);
            payload.outline(outline);
        }
        Err(unanalysed) => {
            payload.out.push(1);
            payload.unanalysed(unanalysed);
        }
    }
    frame(&payload.out)
}

/// Decodes an entry written by [`encode`] under the same `key`, as much of it as `ask` asks
/// ([`Ask`]); `None` if anything is off. Strings are made only of what is kept.
pub(super) fn decode(key: &str, entry: &[u8], ask: Ask<'_>) -> Option<Result<Outline, Unanalysed>> {
    let body = unframe(entry)?;
    let mut reader = Reader { input: body, at: 0 };
    if reader.bytes()? != key.as_bytes() {
        return None;
    }
    let result = match reader.byte()? {
        0 => Ok(reader.outline(ask)?),
        1 => Err(reader.unanalysed()?),
        _ => return None,
    };
    // Trailing bytes mean a different writer; do not trust the rest either.
    (reader.at == body.len()).then_some(result)
}

/// `body` as a complete entry: header (magic, length, checksum), then the body.
pub(super) fn frame(body: &[u8]) -> Vec<u8> {
    let mut entry = Vec::with_capacity(HEADER + body.len());
    entry.extend_from_slice(&MAGIC);
    // An entry over 4 GB is not a thing; a wrapped length would fail the length check anyway.
    entry.extend_from_slice(&u32::try_from(body.len()).unwrap_or(u32::MAX).to_le_bytes());
    entry.extend_from_slice(&checksum(body).to_le_bytes());
    entry.extend_from_slice(body);
    entry
}

/// The body of an entry written by [`frame`]; `None` if its header or checksum is off.
pub(super) fn unframe(entry: &[u8]) -> Option<&[u8]> {
    let (header, body) = entry.split_at_checked(HEADER)?;
    if header[..4] != MAGIC {
        return None;
    }
    let length = u32::from_le_bytes(header[4..8].try_into().ok()?);
    let expected = u64::from_le_bytes(header[8..16].try_into().ok()?);
    (usize::try_from(length).ok()? == body.len() && checksum(body) == expected).then_some(body)
}

/// 64 bits over the body eight bytes at a time: enough to catch torn writes and bit rot, not
/// meant against tampering (whoever can write the git directory can change the repository
/// itself). Each step is a bijection of the state for a given word, so a change within one
/// word always changes the sum. FNV-1a, one byte at a time, was a thirtieth of a warm check.
fn checksum(bytes: &[u8]) -> u64 {
    const MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;
    let step = |hash: u64, word: [u8; 8]| {
        (hash ^ u64::from_le_bytes(word))
            .wrapping_mul(MULTIPLIER)
            .rotate_left(29)
    };
    let length = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    let mut words = bytes.chunks_exact(8);
    let mut hash = 0xcbf2_9ce4_8422_2325 ^ length;
    for word in &mut words {
        let mut whole = [0; 8];
        whole.copy_from_slice(word);
        hash = step(hash, whole);
    }
    let mut tail = [0; 8];
    tail[..words.remainder().len()].copy_from_slice(words.remainder());
    step(hash, tail)
}

/// Appends `value` as a LEB128 varint.
pub(super) fn varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        // Truncation is the point: the low seven bits go out first.
        #[allow(clippy::cast_possible_truncation)]
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    #[allow(clippy::cast_possible_truncation)]
    out.push(value as u8);
}

#[derive(Default)]
struct Writer<'a> {
    out: Vec<u8>,
    strings: HashMap<&'a str, u64>,
    table: Vec<&'a str>,
}

impl<'a> Writer<'a> {
    fn bytes(&mut self, bytes: &[u8]) {
        varint(&mut self.out, bytes.len() as u64);
        self.out.extend_from_slice(bytes);
    }

    fn intern(&mut self, text: &'a str) -> u64 {
        let next = self.table.len() as u64;
        *self.strings.entry(text).or_insert_with(|| {
            self.table.push(text);
            next
        })
    }

    /// Records are written to a side buffer first because the string table they point into
    /// must come before them and is only complete at the end.
    fn outline(&mut self, outline: &'a Outline) {
        // Sized once: growing the table rehashed every string several times, a tenth of
        // encoding. A definition brings up to three strings, references mostly repeat names.
        self.strings
            .reserve(outline.definitions.len() * 3 + outline.references.len() / 2);
        let mut records = Vec::new();
        let language = self.intern(&outline.language);
        varint(&mut records, language);
        varint(&mut records, outline.definitions.len() as u64);
        for definition in &outline.definitions {
            let name = self.intern(&definition.name);
            let container = definition.container.as_deref().map(|c| self.intern(c));
            let signature = self.intern(&definition.signature);
            for value in [
                name,
                u64::from(symbol_kind_code(definition.kind)),
                container.map_or(0, |c| c + 1),
                u64::from(definition.start_line),
                u64::from(definition.end_line),
                signature,
                u64::from(visibility_code(definition.visibility)),
                definition.body_hash,
            ] {
                varint(&mut records, value);
            }
        }
        varint(&mut records, outline.references.len() as u64);
        for reference in &outline.references {
            let name = self.intern(&reference.name);
            let enclosing = reference.enclosing.as_deref().map(|e| self.intern(e));
            for value in [
                name,
                u64::from(reference.line),
                u64::from(reference_kind_code(reference.kind)),
                enclosing.map_or(0, |e| e + 1),
            ] {
                varint(&mut records, value);
            }
        }
        varint(&mut records, outline.token_hash);
        varint(&mut records, u64::from(outline.error_permille));
        varint(&mut self.out, self.table.len() as u64);
        for index in 0..self.table.len() {
            let text = self.table[index];
            self.bytes(text.as_bytes());
        }
        self.out.extend_from_slice(&records);
    }

    fn unanalysed(&mut self, unanalysed: &Unanalysed) {
        match unanalysed {
            Unanalysed::UnsupportedLanguage => self.out.push(0),
            Unanalysed::TooLarge { bytes, limit } => {
                self.out.push(1);
                varint(&mut self.out, *bytes);
                varint(&mut self.out, *limit);
            }
            Unanalysed::Timeout { budget_ms } => {
                self.out.push(2);
                varint(&mut self.out, *budget_ms);
            }
            Unanalysed::TooManyErrors { percent } => {
                self.out.push(3);
                varint(&mut self.out, u64::from(*percent));
            }
            Unanalysed::Generated { why } => {
                self.out.push(4);
                self.bytes(why.as_bytes());
            }
            Unanalysed::Binary => self.out.push(5),
            Unanalysed::NoContent => self.out.push(6),
            Unanalysed::Failed { message } => {
                self.out.push(7);
                self.bytes(message.as_bytes());
            }
        }
    }
}

/// A definition as written: indexes into the entry's string table, read before the references
/// decide which definitions a sieved outline keeps.
struct Coded {
    name: usize,
    kind: SymbolKind,
    /// 0 for none, else the table index plus one.
    container: usize,
    start_line: u32,
    end_line: u32,
    signature: usize,
    visibility: Visibility,
    body_hash: u64,
}

impl Coded {
    /// The definition, its strings from `table`; the signature only if asked.
    fn definition(&self, table: &[&str], signature: bool) -> Option<Definition> {
        let string = |index: usize| Some((*table.get(index)?).to_string());
        Some(Definition {
            name: string(self.name)?,
            kind: self.kind,
            container: match self.container {
                0 => None,
                index => Some(string(index - 1)?),
            },
            start_line: self.start_line,
            end_line: self.end_line,
            signature: if signature {
                string(self.signature)?
            } else {
                String::new()
            },
            visibility: self.visibility,
            body_hash: self.body_hash,
        })
    }
}

/// Reads what [`varint`] and length-prefixed byte strings wrote.
pub(super) struct Reader<'a> {
    input: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `input`.
    pub(super) fn new(input: &'a [u8]) -> Self {
        Reader { input, at: 0 }
    }

    /// Whether everything was read: trailing bytes mean another writer.
    pub(super) fn at_end(&self) -> bool {
        self.at == self.input.len()
    }

    /// Bytes not read yet.
    pub(super) fn remaining(&self) -> usize {
        self.input.len() - self.at
    }

    fn byte(&mut self) -> Option<u8> {
        let byte = *self.input.get(self.at)?;
        self.at += 1;
        Some(byte)
    }

    pub(super) fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f).checked_shl(shift)?;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    pub(super) fn small<T: TryFrom<u64>>(&mut self) -> Option<T> {
        T::try_from(self.varint()?).ok()
    }

    pub(super) fn bytes(&mut self) -> Option<&'a [u8]> {
        let length: usize = self.small()?;
        let bytes = self.input.get(self.at..self.at.checked_add(length)?)?;
        self.at += length;
        Some(bytes)
    }

    pub(super) fn string(&mut self) -> Option<String> {
        String::from_utf8(self.bytes()?.to_vec()).ok()
    }

    fn outline(&mut self, ask: Ask<'_>) -> Option<Outline> {
        let (keep, sieved) = match ask {
            Ask::Whole => (None, false),
            Ask::ReferencesTo(names) => (Some(names), false),
            Ask::Sieved(names) => (Some(names), true),
        };
        let count: usize = self.small()?;
        // Each string costs at least one byte, so a count beyond the input is corrupt; checking
        // first keeps a corrupt count from reserving gigabytes.
        if count > self.input.len() {
            return None;
        }
        let mut table = Vec::with_capacity(count);
        for _ in 0..count {
            table.push(std::str::from_utf8(self.bytes()?).ok()?);
        }
        // Per string: may a reference by that name be kept? A search asks about a handful of
        // names, which a comparison finds sooner than hashing each of hundreds of strings.
        let few: Option<Vec<&str>> = keep
            .filter(|keep| keep.len() <= FEW_NAMES)
            .map(|keep| keep.iter().copied().collect());
        let kept: Vec<bool> = table
            .iter()
            .map(|name| match (&few, keep) {
                (Some(few), _) => few.contains(name),
                (None, Some(keep)) => keep.contains(name),
                (None, None) => true,
            })
            .collect();
        let text = |reader: &mut Self| -> Option<String> {
            Some((*table.get(reader.small::<usize>()?)?).to_string())
        };
        let language = text(self)?;
        let definitions_count: usize = self.small()?;
        let mut definitions = Vec::with_capacity(definitions_count.min(self.input.len()));
        for _ in 0..definitions_count {
            definitions.push(self.coded_definition(table.len())?);
        }
        let references_count: usize = self.small()?;
        let mut references = Vec::with_capacity(references_count.min(self.input.len()));
        // With a sieve: the names of definitions that enclose a kept reference, and the lines
        // of kept references that name none ([`super::sieve`] keeps the same definitions).
        let mut enclosing_names = vec![false; table.len()];
        let mut unnamed_lines = Vec::new();
        for _ in 0..references_count {
            let name: usize = self.small()?;
            let line = self.small()?;
            let kind = reference_kind_from(self.byte_code()?)?;
            let enclosing: usize = self.small()?;
            if !*kept.get(name)? {
                continue;
            }
            let enclosing = match enclosing {
                0 => {
                    unnamed_lines.push(line);
                    None
                }
                index => {
                    *enclosing_names.get_mut(index - 1)? = true;
                    Some((*table.get(index - 1)?).to_string())
                }
            };
            references.push(Reference {
                name: (*table.get(name)?).to_string(),
                line,
                kind,
                enclosing,
            });
        }
        let wanted = |coded: &Coded| {
            !sieved
                || kept.get(coded.name).is_some_and(|kept| *kept)
                || enclosing_names.get(coded.name).is_some_and(|named| *named)
                || unnamed_lines
                    .iter()
                    .any(|&line| coded.start_line <= line && line <= coded.end_line)
        };
        let definitions = definitions
            .iter()
            .filter(|coded| wanted(coded))
            .map(|coded| coded.definition(&table, !sieved))
            .collect::<Option<Vec<_>>>()?;
        Some(Outline {
            language,
            definitions,
            references,
            token_hash: self.varint()?,
            error_permille: self.small()?,
        })
    }

    /// One definition as written, its indexes checked against a table of `strings`: an entry
    /// is whole or refused, whatever a sieve keeps of it.
    fn coded_definition(&mut self, strings: usize) -> Option<Coded> {
        let coded = Coded {
            name: self.small()?,
            kind: symbol_kind_from(self.byte_code()?)?,
            container: self.small()?,
            start_line: self.small()?,
            end_line: self.small()?,
            signature: self.small()?,
            visibility: visibility_from(self.byte_code()?)?,
            body_hash: self.varint()?,
        };
        let within = |index: usize| index < strings;
        (within(coded.name)
            && within(coded.signature)
            && (coded.container == 0 || within(coded.container - 1)))
        .then_some(coded)
    }

    fn byte_code(&mut self) -> Option<u8> {
        self.small()
    }

    fn unanalysed(&mut self) -> Option<Unanalysed> {
        Some(match self.byte()? {
            0 => Unanalysed::UnsupportedLanguage,
            1 => Unanalysed::TooLarge {
                bytes: self.varint()?,
                limit: self.varint()?,
            },
            2 => Unanalysed::Timeout {
                budget_ms: self.varint()?,
            },
            3 => Unanalysed::TooManyErrors {
                percent: self.small()?,
            },
            4 => Unanalysed::Generated {
                why: self.string()?,
            },
            5 => Unanalysed::Binary,
            6 => Unanalysed::NoContent,
            7 => Unanalysed::Failed {
                message: self.string()?,
            },
            _ => return None,
        })
    }
}

// Exhaustive matches both ways: a new variant in `syntax.rs` fails to compile here, which is
// the reminder to extend the codes and bump `ANALYZER_VERSION`.

fn symbol_kind_code(kind: SymbolKind) -> u8 {
    match kind {
        SymbolKind::Function => 0,
        SymbolKind::Method => 1,
        SymbolKind::Class => 2,
        SymbolKind::Struct => 3,
        SymbolKind::Enum => 4,
        SymbolKind::Trait => 5,
        SymbolKind::Interface => 6,
        SymbolKind::Module => 7,
        SymbolKind::Constant => 8,
        SymbolKind::TypeAlias => 9,
        SymbolKind::Macro => 10,
    }
}

fn symbol_kind_from(code: u8) -> Option<SymbolKind> {
    Some(match code {
        0 => SymbolKind::Function,
        1 => SymbolKind::Method,
        2 => SymbolKind::Class,
        3 => SymbolKind::Struct,
        4 => SymbolKind::Enum,
        5 => SymbolKind::Trait,
        6 => SymbolKind::Interface,
        7 => SymbolKind::Module,
        8 => SymbolKind::Constant,
        9 => SymbolKind::TypeAlias,
        10 => SymbolKind::Macro,
        _ => return None,
    })
}

fn visibility_code(visibility: Visibility) -> u8 {
    match visibility {
        Visibility::Private => 0,
        Visibility::Restricted => 1,
        Visibility::Public => 2,
    }
}

fn visibility_from(code: u8) -> Option<Visibility> {
    Some(match code {
        0 => Visibility::Private,
        1 => Visibility::Restricted,
        2 => Visibility::Public,
        _ => return None,
    })
}

fn reference_kind_code(kind: ReferenceKind) -> u8 {
    match kind {
        ReferenceKind::Call => 0,
        ReferenceKind::Type => 1,
        ReferenceKind::Import => 2,
        ReferenceKind::Member => 3,
        ReferenceKind::Other => 4,
    }
}

fn reference_kind_from(code: u8) -> Option<ReferenceKind> {
    Some(match code {
        0 => ReferenceKind::Call,
        1 => ReferenceKind::Type,
        2 => ReferenceKind::Import,
        3 => ReferenceKind::Member,
        4 => ReferenceKind::Other,
        _ => return None,
    })
}
