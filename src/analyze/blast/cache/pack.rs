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
    /// `(name, offset, length)` per entry, in file order.
    pub(super) entries: Vec<(String, u64, u32)>,
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
            let name_length = usize::from(*index.get(at)?);
            let name = index.get(at + 1..at + 1 + name_length)?;
            at += 1 + name_length;
            let offset = u64::from_le_bytes(index.get(at..at + 8)?.try_into().ok()?);
            let length = u32::from_le_bytes(index.get(at + 8..at + 12)?.try_into().ok()?);
            at += 12;
            if offset < data_start || offset.checked_add(u64::from(length))? > size {
                return None;
            }
            entries.push((String::from_utf8(name.to_vec()).ok()?, offset, length));
        }
        (at == index.len()).then_some(Pack {
            path: path.to_path_buf(),
            file,
            size,
            entries,
        })
    }

    /// The bytes of the entry at `offset` of `length` bytes; `None` if the file no longer
    /// holds them.
    pub(super) fn read(&self, offset: u64, length: u32) -> Option<Vec<u8>> {
        let mut bytes = vec![0u8; usize::try_from(length).ok()?];
        self.file.read_exact_at(&mut bytes, offset).ok()?;
        Some(bytes)
    }
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
