//! Pack files: many cache entries in one file, so a run creates one file, not one per blob.
//!
//! Creating a file costs an inode, a directory entry and a rename; on the 2-core VM that was
//! 0.5–1 ms per entry and a quarter of a cold run's CPU time, all in the kernel. A run now
//! keeps its new entries in memory and writes them as one pack when it ends.
//!
//! Layout: `magic (8) | entry count (u32 LE) | index length (u32 LE) | index | entries`, the
//! index holding per entry `name length (u8) | name | offset (u64 LE) | length (u32 LE)`, with
//! offsets from the start of the file. Only the index is read when a pack is opened; an entry
//! is read when it is looked up. Each entry keeps the codec's own checksum and key, so a torn
//! or flipped entry is a miss, never a wrong outline; a pack whose index does not add up is
//! skipped whole.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use super::{TEMP_COUNTER, write_atomically_with};

/// First bytes of every pack; the last byte is the layout version.
const MAGIC: [u8; 8] = *b"BGPACK\x00\x01";
/// Magic, entry count, index length.
const HEADER: usize = 8 + 4 + 4;
/// File name suffix of a complete pack (temporary files never end in it).
const SUFFIX: &str = ".pack";

/// An open pack: its file, for reading entries, and its index.
#[derive(Debug)]
pub(super) struct Pack {
    pub(super) path: PathBuf,
    file: File,
    /// Size in bytes, for choosing which packs to merge.
    pub(super) size: u64,
    /// The index as read; entries' names point into it.
    index: Vec<u8>,
    /// Every entry, in file order.
    pub(super) entries: Vec<Entry>,
}

/// One entry of a pack's index. Its name stays in the index bytes: a string per entry, and a
/// copy of each for the cache's map, were a twentieth of a warm check with a 28 MB cache.
#[derive(Debug, Clone, Copy)]
pub(super) struct Entry {
    /// Where the name starts in the index.
    name_at: u32,
    name_length: u8,
    /// Where the entry's bytes start in the file.
    pub(super) offset: u64,
    pub(super) length: u32,
}

impl Pack {
    /// Opens the pack at `path` and reads its index; `None` if it is missing, truncated or its
    /// index points outside the file.
    pub(super) fn open(path: &Path) -> Option<Pack> {
        let mut file = File::open(path).ok()?;
        let size = file.metadata().ok()?.len();
        let mut header = [0u8; HEADER];
        file.read_exact(&mut header).ok()?;
        if header[..8] != MAGIC {
            return None;
        }
        let count = u32::from_le_bytes(header[8..12].try_into().ok()?);
        let index_length = u32::from_le_bytes(header[12..16].try_into().ok()?);
        if u64::from(index_length) + HEADER as u64 > size {
            return None;
        }
        let mut index = vec![0u8; usize::try_from(index_length).ok()?];
        file.read_exact(&mut index).ok()?;
        let data_start = HEADER as u64 + u64::from(index_length);
        let mut entries = Vec::with_capacity(usize::try_from(count).ok()?.min(index.len()));
        let mut at = 0;
        for _ in 0..count {
            let name_length = *index.get(at)?;
            let name_at = at + 1;
            at = name_at + usize::from(name_length);
            let offset = u64::from_le_bytes(index.get(at..at + 8)?.try_into().ok()?);
            let length = u32::from_le_bytes(index.get(at + 8..at + 12)?.try_into().ok()?);
            at += 12;
            if offset < data_start || offset.checked_add(u64::from(length))? > size {
                return None;
            }
            entries.push(Entry {
                name_at: u32::try_from(name_at).ok()?,
                name_length,
                offset,
                length,
            });
        }
        (at == index.len()).then_some(Pack {
            path: path.to_path_buf(),
            file,
            size,
            index,
            entries,
        })
    }

    /// The name of `entry`, one of this pack's.
    pub(super) fn name(&self, entry: &Entry) -> &[u8] {
        let start = entry.name_at as usize;
        self.index
            .get(start..start + usize::from(entry.name_length))
            .unwrap_or_default()
    }

    /// The bytes of `entry`; `None` if the file no longer holds them.
    pub(super) fn read(&self, entry: &Entry) -> Option<Vec<u8>> {
        let mut bytes = vec![0u8; usize::try_from(entry.length).ok()?];
        self.file.read_exact_at(&mut bytes, entry.offset).ok()?;
        Some(bytes)
    }
}

/// The entries of all open packs by name, a newer pack's entry replacing an older one's: one
/// sorted list of name hashes, so opening the cache allocates once, not once per entry.
#[derive(Debug, Default)]
pub(super) struct Index(Vec<(u64, u32, u32)>);

impl Index {
    /// The index of `packs`, oldest first.
    pub(super) fn of(packs: &[Pack]) -> Index {
        let mut all = Vec::with_capacity(packs.iter().map(|pack| pack.entries.len()).sum());
        for (number, pack) in packs.iter().enumerate() {
            let Ok(number) = u32::try_from(number) else {
                break;
            };
            for (at, entry) in pack.entries.iter().enumerate() {
                let Ok(at) = u32::try_from(at) else {
                    break;
                };
                all.push((name_hash(pack.name(entry)), number, at));
            }
        }
        all.sort_unstable();
        Index(all)
    }

    /// The pack and entry named `name`: the newest pack's, if several hold it.
    pub(super) fn find<'p>(&self, packs: &'p [Pack], name: &str) -> Option<(&'p Pack, Entry)> {
        let hash = name_hash(name.as_bytes());
        let start = self.0.partition_point(|&(other, ..)| other < hash);
        self.0[start..]
            .iter()
            .take_while(|&&(other, ..)| other == hash)
            .filter_map(|&(_, number, at)| {
                let pack = packs.get(number as usize)?;
                let entry = *pack.entries.get(at as usize)?;
                (pack.name(&entry) == name.as_bytes()).then_some((pack, entry))
            })
            .last()
    }
}

/// A fast hash of an entry name for [`Index`], in memory only (`FxHash`'s step, eight bytes at
/// a time).
fn name_hash(name: &[u8]) -> u64 {
    name.chunks(8).fold(name.len() as u64, |hash, chunk| {
        let mut word = [0; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        (hash.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(0x517c_c1b7_2722_0a95)
    })
}

/// Writes the pack of `entries` (`(name, entry bytes)`) to `out`; names longer than 255 bytes
/// are left out (cache names are a blob id and a language name, far shorter). Streamed, so a
/// large pack is not copied in memory (a cold check of a big change keeps thousands of
/// entries, and a copy of them all was its peak memory).
fn encode<'a>(
    out: &mut dyn Write,
    entries: impl IntoIterator<Item = (&'a str, &'a [u8])>,
) -> std::io::Result<()> {
    let entries: Vec<(&str, &[u8])> = entries
        .into_iter()
        .filter(|(name, bytes)| {
            u8::try_from(name.len()).is_ok() && u32::try_from(bytes.len()).is_ok()
        })
        .collect();
    let index_length: usize = entries.iter().map(|(name, _)| 1 + name.len() + 12).sum();
    let mut offset = (HEADER + index_length) as u64;
    let mut head = Vec::with_capacity(HEADER + index_length);
    head.extend_from_slice(&MAGIC);
    head.extend_from_slice(
        &u32::try_from(entries.len())
            .unwrap_or(u32::MAX)
            .to_le_bytes(),
    );
    head.extend_from_slice(
        &u32::try_from(index_length)
            .unwrap_or(u32::MAX)
            .to_le_bytes(),
    );
    for (name, bytes) in &entries {
        head.push(u8::try_from(name.len()).unwrap_or(u8::MAX));
        head.extend_from_slice(name.as_bytes());
        head.extend_from_slice(&offset.to_le_bytes());
        head.extend_from_slice(&u32::try_from(bytes.len()).unwrap_or(u32::MAX).to_le_bytes());
        offset += bytes.len() as u64;
    }
    out.write_all(&head)?;
    for (_, bytes) in &entries {
        out.write_all(bytes)?;
    }
    Ok(())
}

/// The complete packs in `dir`, oldest first (names start with the creation time).
pub(super) fn list(dir: &Path) -> Vec<PathBuf> {
    let mut packs: Vec<PathBuf> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.ends_with(SUFFIX) && !name.starts_with('.'))
        })
        .collect();
    packs.sort();
    packs
}

/// Writes `entries` (by name) as a new pack in `dir`, in name order, through
/// [`write_atomically`] so readers see no pack or a complete one. The name starts with the
/// time, so [`list`] puts it after every older pack.
pub(super) fn write(dir: &Path, entries: &HashMap<String, Vec<u8>>) -> std::io::Result<()> {
    let mut sorted: Vec<(&String, &Vec<u8>)> = entries.iter().collect();
    sorted.sort();
    let entries = sorted
        .into_iter()
        .map(|(name, entry)| (name.as_str(), entry.as_slice()));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    let unique = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = format!("{nanos:024}-{}-{unique}{SUFFIX}", std::process::id());
    write_atomically_with(&dir.join(name), |out| encode(out, entries))
}
