//! What discovery reads from a blob, kept in the analysis cache by blob id.
//!
//! Every check reads the workflows, hooks and scripts of both judged trees (up to 400 files,
//! and 200 setup files for `core.hooksPath`) and matches their lines: 13% of a warm check's
//! CPU on python-sdk. What a file runs depends on its bytes only, which its blob id names.

use git2::Oid;

use super::commands::Dialect;
use super::refs::{self, Refs};
use super::trees::{SideSource, Trees};
use crate::analyze::blast::cache::Cache;
use crate::analyze::blast::cache::derived::{self, Decoder, Derived, Encoder};

/// What `side`, read as `dialect`, runs ([`refs::read`]).
pub(super) fn refs(
    trees: &Trees<'_>,
    cache: &Cache,
    side: &SideSource<'_>,
    dialect: Dialect,
) -> Refs {
    let read = |bytes: &[u8]| refs::read(&String::from_utf8_lossy(bytes), dialect);
    match side {
        SideSource::Changed(bytes) => read(bytes),
        SideSource::Blob(oid) => kept(cache, &["refs", dialect.key()], *oid, || {
            trees.blob(*oid).map(|bytes| read(&bytes))
        }),
    }
}

/// The hook directories `side` sets ([`refs::hook_dirs`]).
pub(super) fn hook_dirs(trees: &Trees<'_>, cache: &Cache, side: &SideSource<'_>) -> Vec<String> {
    match side {
        SideSource::Changed(bytes) if !refs::may_set_hook_dirs(bytes) => Vec::new(),
        SideSource::Changed(bytes) => refs::hook_dirs(&String::from_utf8_lossy(bytes)),
        SideSource::Blob(oid) => {
            kept(cache, &["hooks"], *oid, || {
                trees
                    .blob(*oid)
                    .map(|bytes| HookDirs(refs::hook_dirs(&String::from_utf8_lossy(&bytes))))
            })
            .0
        }
    }
}

/// `read()` through the cache under `what` and the blob id; a blob that cannot be read (or
/// is over the size bound) gives nothing and is not kept.
fn kept<T: Derived + Default>(
    cache: &Cache,
    what: &[&str],
    oid: Oid,
    read: impl FnOnce() -> Option<T>,
) -> T {
    let mut parts: Vec<&[u8]> = what.iter().map(|part| part.as_bytes()).collect();
    parts.push(oid.as_bytes());
    cache
        .derived(&derived::digest(&parts), || read().ok_or(()))
        .unwrap_or_default()
}

/// Directories one file sets as hook directories.
#[derive(Debug, Default)]
struct HookDirs(Vec<String>);

impl Derived for Refs {
    const KIND: &'static str = "run-by";

    fn encode(&self, out: &mut Encoder) {
        out.strings(&self.actions);
        out.strings(&self.includes);
        out.number(self.scripts.len() as u64);
        for (script, relative) in &self.scripts {
            out.bytes(script.as_bytes());
            out.flag(*relative);
        }
        out.strings(&self.hook_dirs);
    }

    fn decode(input: &mut Decoder<'_>) -> Option<Self> {
        let actions = input.strings()?;
        let includes = input.strings()?;
        let mut scripts = Vec::new();
        for _ in 0..input.count()? {
            scripts.push((input.string()?, input.flag()?));
        }
        Some(Refs {
            actions,
            includes,
            scripts,
            hook_dirs: input.strings()?,
        })
    }
}

impl Derived for HookDirs {
    const KIND: &'static str = "hook-dirs";

    fn encode(&self, out: &mut Encoder) {
        out.strings(&self.0);
    }

    fn decode(input: &mut Decoder<'_>) -> Option<Self> {
        input.strings().map(HookDirs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What is kept reads back as written.
    #[test]
    fn refs_and_hook_dirs_read_back() {
        let refs = Refs {
            actions: vec![".github/actions/setup".to_string()],
            includes: vec!["ci/build.yml".to_string()],
            scripts: vec![
                ("scripts/deploy.sh".to_string(), false),
                ("x.sh".to_string(), true),
            ],
            hook_dirs: vec![".githooks".to_string()],
        };
        let mut out = Encoder::default();
        refs.encode(&mut out);
        let bytes = out.into_bytes();
        assert_eq!(Refs::decode(&mut Decoder::new(&bytes)), Some(refs));
        let mut out = Encoder::default();
        HookDirs(vec!["hooks".to_string()]).encode(&mut out);
        let bytes = out.into_bytes();
        let dirs = HookDirs::decode(&mut Decoder::new(&bytes)).expect("decodes");
        assert_eq!(dirs.0, ["hooks"]);
    }
}
