//! What an opaque file's raw bytes show, kept per pair of blobs: whether both sides are text,
//! which analyzers of a risky kind want it, and which credential kinds only its new side
//! holds. A warm check of `NetBox`'s last eight commits spent a quarter of its CPU time
//! inflating both sides of a 1.8 MiB source map over the size limit, for the risky-kind check
//! and the raw secret scan, only to find it was neither; with the profile kept, a warm check
//! reads no side of such a file.
//!
//! An entry is named by both blob ids and both paths (an analyzer wants a file by its path
//! and content), so it holds only what follows from them and from the build, which is in the
//! entry's key ([`crate::analyze::blast::cache::derived`]). A file with a side that is not in
//! the object database (the working tree's, for `--worktree`), or that could not be read, is
//! profiled afresh and never kept.

use super::super::{ANALYZERS, secrets};
use super::{BlobReader, paths, raw_sides};
use crate::analyze::blast::cache::derived::{self, Decoder, Derived, Encoder};
use crate::diff::{FileChange, is_text};

/// What [`profile`] found in one file's raw sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Profile {
    /// Whether every side that was read is text.
    pub(super) text: bool,
    /// For each path of the file (old, then new), the analyzers of a risky kind that want it
    /// by that path and the raw content (the new side, else the old).
    pub(super) wanted: Vec<Vec<&'static str>>,
    /// Credential kinds with a value in the new side that the old side does not hold.
    pub(super) added_secrets: Vec<&'static str>,
}

/// A profile, and the raw sides when they were read to make it.
pub(super) type Profiled = (Profile, Option<(Option<Vec<u8>>, Option<Vec<u8>>)>);

/// `file`'s profile: kept in the cache when its sides come from the object database, else
/// made from its raw sides (which are then handed back, so a caller that needs the bytes
/// does not read them twice).
pub(super) fn profile(file: &FileChange, source: BlobReader<'_>) -> Profiled {
    let fresh = || {
        let sides = raw_sides(file, source);
        (
            Profile::of(file, sides.0.as_deref(), sides.1.as_deref()),
            sides,
        )
    };
    let stored = source
        .repo
        .and_then(|repo| repo.odb().ok())
        .is_some_and(|odb| {
            [&file.old_blob, &file.new_blob]
                .into_iter()
                .flatten()
                .all(|id| in_odb(&odb, id))
        });
    if !stored || !source.cache.is_enabled() {
        let (profile, sides) = fresh();
        return (profile, Some(sides));
    }
    let mut read = None;
    let kept = source.cache.derived(&key(file), || {
        let (profile, sides) = fresh();
        let unreadable = unread(file.old_blob.as_ref(), file.old_size, sides.0.as_ref())
            || unread(file.new_blob.as_ref(), file.new_size, sides.1.as_ref());
        read = Some(sides);
        // What could not be read this time (a missing object) is not what the blobs are.
        if unreadable {
            Err(profile)
        } else {
            Ok(profile)
        }
    });
    match kept {
        // One list of wanting analyzers per path, or the entry is not this file's.
        Ok(profile) if profile.wanted.len() == paths(file).count() => (profile, read),
        Ok(_) => {
            let (profile, sides) = fresh();
            (profile, Some(sides))
        }
        Err(profile) => (profile, read),
    }
}

/// The name of `file`'s kept profile: both blob ids and both paths.
fn key(file: &FileChange) -> String {
    derived::digest(&[
        b"opaque",
        part(file.old_blob.as_ref()),
        part(file.new_blob.as_ref()),
        part(file.old_path.as_ref()),
        part(file.new_path.as_ref()),
    ])
}

/// A blob id or path in an entry's name; an absent one is empty, which no id or path is.
fn part(text: Option<&String>) -> &[u8] {
    text.map_or(&[], |text| text.as_bytes())
}

/// Whether `id` is a whole object id the object database holds, so the bytes read for it
/// are what the id names (a side read from the working tree, as `--worktree` reads it, or
/// through an abbreviated id, may not be).
fn in_odb(odb: &git2::Odb<'_>, id: &str) -> bool {
    id.len() >= 40 && git2::Oid::from_str(id).is_ok_and(|oid| !oid.is_zero() && odb.exists(oid))
}

/// Whether a side that exists and is within [`super::RAW_CAP`] was not read.
fn unread(blob: Option<&String>, size: Option<u64>, bytes: Option<&Vec<u8>>) -> bool {
    blob.is_some() && size.unwrap_or(0) <= super::RAW_CAP && bytes.is_none()
}

impl Profile {
    /// The profile of `file` with raw sides `old` and `new` (`None`: absent or not read).
    pub(super) fn of(file: &FileChange, old: Option<&[u8]>, new: Option<&[u8]>) -> Profile {
        let sample = new.or(old).unwrap_or_default();
        let wanted = paths(file).map(|path| wanting(path, sample)).collect();
        Profile {
            text: [old, new].into_iter().flatten().all(is_text),
            wanted,
            added_secrets: new
                .map_or_else(Vec::new, |new| added_secrets(old.unwrap_or_default(), new)),
        }
    }
}

/// The analyzers of a risky kind that want a file at `path` holding `sample`.
pub(super) fn wanting(path: &str, sample: &[u8]) -> Vec<&'static str> {
    ANALYZERS
        .iter()
        .filter(|analyzer| analyzer.reads_a_risky_kind() && analyzer.wants(path, sample))
        .map(|analyzer| analyzer.name())
        .collect()
}

/// Credential kinds with a value in `new` that `old` does not hold, both read as lossy text
/// (a real key swapped for another real key is a new credential).
pub(super) fn added_secrets(old: &[u8], new: &[u8]) -> Vec<&'static str> {
    let (old, new) = (String::from_utf8_lossy(old), String::from_utf8_lossy(new));
    let before = secrets::found(&old);
    secrets::found(&new)
        .into_iter()
        .filter(|(kind, values)| {
            let known = before.iter().find(|(seen, _)| seen == kind);
            values
                .iter()
                .any(|value| known.is_none_or(|(_, old)| !old.contains(value)))
        })
        .map(|(kind, _)| kind)
        .collect()
}

impl Derived for Profile {
    const KIND: &'static str = "opaque";

    fn encode(&self, out: &mut Encoder) {
        out.flag(self.text);
        out.number(self.wanted.len() as u64);
        for names in &self.wanted {
            out.number(names.len() as u64);
            for name in names {
                out.bytes(name.as_bytes());
            }
        }
        out.number(self.added_secrets.len() as u64);
        for kind in &self.added_secrets {
            out.bytes(kind.as_bytes());
        }
    }

    /// Names are found again in the analyzer and credential tables; one that is not there
    /// makes the entry unreadable, and the profile is made afresh.
    fn decode(input: &mut Decoder<'_>) -> Option<Self> {
        let text = input.flag()?;
        let wanted = (0..input.count()?)
            .map(|_| {
                (0..input.count()?)
                    .map(|_| {
                        let name = input.bytes()?;
                        ANALYZERS
                            .iter()
                            .map(|analyzer| analyzer.name())
                            .find(|known| known.as_bytes() == name)
                    })
                    .collect::<Option<Vec<_>>>()
            })
            .collect::<Option<Vec<_>>>()?;
        let added_secrets = (0..input.count()?)
            .map(|_| secrets::kind_named(input.bytes()?))
            .collect::<Option<Vec<_>>>()?;
        Some(Profile {
            text,
            wanted,
            added_secrets,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::blast::cache::Cache;
    use crate::analyze::run_by::RunBy;
    use crate::diff::FileStatus;

    /// Blobs read from `repo`'s object database, every file over the size limit.
    fn objects<'r>(
        repo: &'r git2::Repository,
        cache: &'r Cache,
        (run_by, profiled): (&'r RunBy, &'r super::super::Profiles),
    ) -> BlobReader<'r> {
        BlobReader {
            repo: Some(repo),
            workdir: None,
            max_file_bytes: 1,
            run_by,
            cache,
            profiled,
        }
    }

    fn change(path: &str, old: (&str, u64), new: (&str, u64)) -> FileChange {
        let mut file = FileChange::new(
            FileStatus::Modified,
            Some(path.to_string()),
            Some(path.to_string()),
        );
        file.binary = true;
        (file.old_blob, file.old_size) = (Some(old.0.to_string()), Some(old.1));
        (file.new_blob, file.new_size) = (Some(new.0.to_string()), Some(new.1));
        file
    }

    /// A profile is kept per pair of blobs and read back by the next run without reading a
    /// side; one of a file with a side the object database does not hold is made afresh.
    #[test]
    fn profiles_are_kept_and_unread_sides_are_not() {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = git2::Repository::init(dir.path()).expect("init");
        let old = b"apiVersion: v1\nkind: Pod\n".to_vec();
        let new = format!(
            "apiVersion: v1\nkind: Pod\n# key=AKIA{}\n",
            "Q7ZJ3M2KX4PLR6TW"
        );
        let blob = |bytes: &[u8]| {
            (
                repo.blob(bytes).expect("blob").to_string(),
                bytes.len() as u64,
            )
        };
        let (old_blob, new_blob) = (blob(&old), blob(new.as_bytes()));
        let file = change(
            "deploy/app.yaml",
            (&old_blob.0, old_blob.1),
            (&new_blob.0, new_blob.1),
        );
        let missing = git2::Oid::hash_object(git2::ObjectType::Blob, b"elsewhere").expect("id");
        let unread = change(
            "deploy/app.yaml",
            (&old_blob.0, old_blob.1),
            (&missing.to_string(), 9),
        );
        let expected = Profile {
            text: true,
            wanted: vec![vec!["kubernetes"], vec!["kubernetes"]],
            added_secrets: vec!["AWS access key id"],
        };
        let cache_dir = dir.path().join("cache");
        let run_by = RunBy::default();
        let profiles = super::super::Profiles::default();
        for run in 0..2 {
            let cache = Cache::open(&cache_dir);
            let source = objects(&repo, &cache, (&run_by, &profiles));
            let (found, read) = profile(&file, source);
            assert_eq!(found, expected, "run {run}");
            assert_eq!(
                read.is_some(),
                run == 0,
                "only the first run reads the sides"
            );
            let (found, read) = profile(&unread, source);
            assert!(found.added_secrets.is_empty() && found.text, "run {run}");
            assert!(
                read.is_some_and(|(_, new)| new.is_none()),
                "run {run}: read again"
            );
        }
    }

    /// A kept profile without one list of wanting analyzers per path is not this file's: it is
    /// made afresh from the sides, never taken as "nothing wants it".
    #[test]
    fn a_kept_profile_of_the_wrong_shape_is_made_again() {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = git2::Repository::init(dir.path()).expect("init");
        let blob = |bytes: &[u8]| {
            (
                repo.blob(bytes).expect("blob").to_string(),
                bytes.len() as u64,
            )
        };
        let (old, new) = (
            blob(b"apiVersion: v1\n"),
            blob(b"apiVersion: v1\nkind: Pod\n"),
        );
        let file = change("deploy/app.yaml", (&old.0, old.1), (&new.0, new.1));
        let cache = Cache::open(&dir.path().join("cache"));
        let planted = Profile {
            text: true,
            wanted: Vec::new(),
            added_secrets: Vec::new(),
        };
        let stored = cache.derived(&key(&file), || Ok::<_, ()>(planted.clone()));
        assert_eq!(stored, Ok(planted));
        let (run_by, profiles) = (RunBy::default(), super::super::Profiles::default());
        let source = objects(&repo, &cache, (&run_by, &profiles));
        let (found, read) = profile(&file, source);
        assert_eq!(found.wanted, vec![vec!["kubernetes"], vec!["kubernetes"]]);
        assert!(read.is_some(), "the sides were read again");
    }

    /// A kept profile reads back as written; one naming an analyzer or credential kind the
    /// tables do not hold is refused.
    #[test]
    fn kept_profiles_name_only_known_analyzers_and_kinds() {
        let decode = |profile: &Profile| {
            let mut out = Encoder::default();
            profile.encode(&mut out);
            Profile::decode(&mut Decoder::new(&out.into_bytes()))
        };
        let known = Profile {
            text: false,
            wanted: vec![vec![], vec!["terraform", "kubernetes"]],
            added_secrets: vec!["private key", "GitHub token"],
        };
        assert_eq!(decode(&known), Some(known.clone()));
        let unknown_analyzer = Profile {
            wanted: vec![vec!["no such analyzer"]],
            ..known.clone()
        };
        assert_eq!(decode(&unknown_analyzer), None);
        let unknown_kind = Profile {
            added_secrets: vec!["no such kind"],
            ..known
        };
        assert_eq!(decode(&unknown_kind), None);
    }
}
