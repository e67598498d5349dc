//! Loose objects are checked before libgit2 reads any of them.
//!
//! libgit2 1.9 loops forever inflating a truncated loose object: its zlib loop keeps asking for
//! output that the missing input can never produce (issue 12). So every loose object in the
//! object directories libgit2 will read (the repository's, `GIT_OBJECT_DIRECTORY`, alternates)
//! is inflated here first. The work per object is bounded by its own size: each step consumes
//! input or produces output, and output may not exceed the size its header declares. An object
//! that does not decode in full is an error that names it; packs are checked by libgit2 itself.
//!
//! An object must also hash to its name. libgit2 re-hashing every object it reads is off (git
//! does not, and it cost 10–30% of a check; see `cli::run`), and a loose object is the plain
//! way to put other content under a judged blob's id: checked here, where each one is read in
//! full anyway. What a push brings is named by `index-pack` from its content.

use std::path::{Path, PathBuf};

use flate2::{Decompress, FlushDecompress, Status};
use git2::Repository;
use rayon::prelude::*;

use crate::diff::Error;

/// Alternates may chain; git follows at most five levels.
const MAX_ALTERNATE_DEPTH: usize = 5;

/// Checks every loose object libgit2 may read for `repo`.
pub(crate) fn check_loose_objects(repo: &Repository) -> Result<(), Error> {
    let files: Vec<(String, PathBuf)> = object_dirs(repo)
        .iter()
        .flat_map(|dir| loose_objects(dir))
        .collect();
    // One inflater per worker, reset for each object: a new one zeroes tens of kilobytes.
    let corrupt = files
        .par_iter()
        .map_init(
            || Decompress::new(true),
            |stream, (id, path)| check(stream, id, path).err().map(|why| (id, path, why)),
        )
        .find_map_any(|corrupt| corrupt);
    match corrupt {
        Some((id, path, why)) => Err(Error::CorruptObject {
            id: id.clone(),
            path: path.clone(),
            why,
        }),
        None => Ok(()),
    }
}

/// The object directories: the repository's own (or `GIT_OBJECT_DIRECTORY`, as during
/// `pre-receive`), `GIT_ALTERNATE_OBJECT_DIRECTORIES`, and the alternates each one lists.
fn object_dirs(repo: &Repository) -> Vec<PathBuf> {
    let mut dirs = vec![repo.commondir().join("objects")];
    if let Some(dir) = std::env::var_os("GIT_OBJECT_DIRECTORY") {
        dirs.push(PathBuf::from(dir));
    }
    if let Some(list) = std::env::var_os("GIT_ALTERNATE_OBJECT_DIRECTORIES") {
        dirs.extend(std::env::split_paths(&list));
    }
    let mut next = 0;
    let mut depth_end = dirs.len();
    for _ in 0..MAX_ALTERNATE_DEPTH {
        while next < depth_end {
            let listed = std::fs::read_to_string(dirs[next].join("info").join("alternates"))
                .unwrap_or_default();
            let base = dirs[next].clone();
            for line in listed.lines().map(str::trim) {
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let dir = base.join(line);
                if !dirs.contains(&dir) {
                    dirs.push(dir);
                }
            }
            next += 1;
        }
        depth_end = dirs.len();
    }
    dirs
}

/// The loose objects in `dir`: `xx/yyyy…` files whose names make a full hex id.
fn loose_objects(dir: &Path) -> Vec<(String, PathBuf)> {
    let hex = |name: &str| name.bytes().all(|b| b.is_ascii_hexdigit());
    let mut found = Vec::new();
    let Ok(fans) = std::fs::read_dir(dir) else {
        return found;
    };
    for fan in fans.flatten() {
        let fan_name = fan.file_name().to_string_lossy().into_owned();
        if fan_name.len() != 2 || !hex(&fan_name) {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(fan.path()) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if matches!(name.len(), 38 | 62) && hex(&name) {
                found.push((format!("{fan_name}{name}"), entry.path()));
            }
        }
    }
    found
}

/// Inflates one loose object in full; the reason when it does not decode, or does not hash to
/// `id`.
fn check(stream: &mut Decompress, id: &str, path: &Path) -> Result<(), String> {
    let data = match std::fs::read(path) {
        Ok(data) => data,
        // Packed and pruned while we listed (`git gc --auto` runs in the background): the
        // object now lives in a pack, which libgit2 checks itself.
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(format!("cannot read it: {error}")),
    };
    check_bytes(stream, id, &data)
}

fn check_bytes(stream: &mut Decompress, id: &str, data: &[u8]) -> Result<(), String> {
    stream.reset(true);
    let mut inflated = Vec::new();
    let mut expected: Option<u64> = None;
    loop {
        let (in_before, out_before) = (stream.total_in(), stream.total_out());
        let rest = usize::try_from(in_before)
            .ok()
            .and_then(|start| data.get(start..))
            .unwrap_or_default();
        // At most this much more output per step. The whole object (header, then content) is
        // what its name hashes.
        inflated.reserve_exact(64 * 1024);
        let status = stream
            .decompress_vec(rest, &mut inflated, FlushDecompress::None)
            .map_err(|error| format!("its compressed data is corrupt ({error})"))?;
        if expected.is_none() {
            expected = parse_header(&inflated)?;
        }
        if let Some(total) = expected
            && stream.total_out() > total
        {
            return Err("it holds more data than its header declares".to_string());
        }
        match status {
            Status::StreamEnd => break,
            _ if stream.total_in() == in_before && stream.total_out() == out_before => {
                return Err("its compressed data ends early (truncated)".to_string());
            }
            _ => {}
        }
    }
    match expected {
        Some(total) if stream.total_out() == total => hashes_to(id, &inflated),
        Some(_) => Err("its content is shorter than its header declares (truncated)".to_string()),
        None => Err("it has no object header".to_string()),
    }
}

/// Whether the inflated object `object` (`<type> <size>\0` then content) hashes to `id`. Ids
/// of 64 hex digits (SHA-256 repositories, which libgit2 does not open) are not checked.
fn hashes_to(id: &str, object: &[u8]) -> Result<(), String> {
    let Ok(expected) = git2::Oid::from_str(id) else {
        return Ok(());
    };
    if id.len() != 40 {
        return Ok(());
    }
    let nul = object.iter().position(|&b| b == 0).unwrap_or(object.len());
    let kind = match object.split(|&b| b == b' ').next() {
        Some(b"commit") => git2::ObjectType::Commit,
        Some(b"tree") => git2::ObjectType::Tree,
        Some(b"tag") => git2::ObjectType::Tag,
        _ => git2::ObjectType::Blob,
    };
    let content = object.get(nul + 1..).unwrap_or_default();
    match git2::Oid::hash_object(kind, content) {
        Ok(actual) if actual == expected => Ok(()),
        Ok(actual) => Err(format!(
            "its content does not match its name (it hashes to {actual})"
        )),
        Err(error) => Err(format!("cannot hash it: {}", error.message())),
    }
}

/// From the first inflated bytes (`<type> <size>\0`): header plus content length, once the
/// header is complete. A header longer than any real one is corrupt.
fn parse_header(bytes: &[u8]) -> Result<Option<u64>, String> {
    let Some(nul) = bytes.iter().position(|&b| b == 0) else {
        return if bytes.len() > 64 {
            Err("its object header is malformed".to_string())
        } else {
            Ok(None)
        };
    };
    let header = std::str::from_utf8(&bytes[..nul]).unwrap_or_default();
    let size = header
        .split_once(' ')
        .filter(|(kind, _)| matches!(*kind, "commit" | "tree" | "blob" | "tag"))
        .and_then(|(_, size)| size.parse::<u64>().ok())
        .ok_or_else(|| "its object header is malformed".to_string())?;
    Ok(Some(size + nul as u64 + 1))
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    fn deflate(content: &[u8]) -> Vec<u8> {
        let mut encoder =
            flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(content).expect("in memory");
        encoder.finish().expect("in memory")
    }

    /// An object packed away between listing and reading (a background `git gc`) is not an
    /// error: it is no longer loose.
    #[test]
    fn an_object_gone_since_listing_is_not_corrupt() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert_eq!(
            check(
                &mut Decompress::new(true),
                "abcdef",
                &dir.path().join("ab").join("cdef")
            ),
            Ok(())
        );
    }

    /// Whole objects pass; truncated, padded, mislabelled and garbage ones fail with a reason.
    #[test]
    fn loose_object_shapes() {
        // One inflater for every object, as a worker uses it: each check starts afresh.
        let mut stream = Decompress::new(true);
        let body: Vec<u8> = (0..5000_u32).flat_map(u32::to_le_bytes).collect();
        let mut object = format!("blob {}\0", body.len()).into_bytes();
        object.extend_from_slice(&body);
        let whole = deflate(&object);
        let id = git2::Oid::hash_object(git2::ObjectType::Blob, &body)
            .expect("hash")
            .to_string();
        assert_eq!(check_bytes(&mut stream, &id, &whole), Ok(()));
        for cut in [1, whole.len() / 2, whole.len() - 1] {
            let why = check_bytes(&mut stream, &id, &whole[..cut]).expect_err("truncated");
            assert!(
                why.contains("truncated") || why.contains("header"),
                "{cut}: {why}"
            );
        }
        let short = deflate(b"blob 10\0abc");
        assert!(check_bytes(&mut stream, &id, &short).is_err_and(|why| why.contains("shorter")));
        let long = deflate(b"blob 1\0abc");
        assert!(check_bytes(&mut stream, &id, &long).is_err_and(|why| why.contains("more data")));
        assert!(check_bytes(&mut stream, &id, &deflate(b"bogus 3\0abc")).is_err());
        assert!(
            check_bytes(&mut stream, &id, b"not zlib at all")
                .is_err_and(|why| why.contains("corrupt"))
        );
        // Whole, but other content under this name.
        let other = deflate(b"blob 3\0abc");
        assert!(
            check_bytes(&mut stream, &id, &other)
                .is_err_and(|why| why.contains("does not match its name"))
        );
        for (kind, object) in [
            (git2::ObjectType::Tree, b"tree 0\0".as_slice()),
            (git2::ObjectType::Blob, b"blob 0\0".as_slice()),
        ] {
            let id = git2::Oid::hash_object(kind, b"").expect("hash").to_string();
            assert_eq!(check_bytes(&mut stream, &id, &deflate(object)), Ok(()));
        }
    }
}
