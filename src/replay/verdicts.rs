//! Judged commits kept between replays: a replay is run again and again over the same history
//! (`--fit`, `--calibrate`, another report format, the next shard on the same machine), and a
//! commit judged once by the same policy and the same build is judged the same way.
//!
//! A judgement depends on the commit and its parent (the change, its messages, the history
//! before it), the policy (`.blastgate.yaml` in the parent's tree, or `--policy FILE`), the AI
//! notes refs (provenance), whether the fit's units are wanted, and the code that judges. The
//! first two are in each entry's name; the rest make the run's directory, so a new build, an
//! edited `--policy` file or a new note starts a fresh directory instead of reading stale
//! judgements. An entry that cannot be read is judged again; one that cannot be written is
//! skipped: the cache can only save time, never change a report.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use git2::{Oid, Repository};

use super::judge::Judged;
use super::walk::Unit;
use crate::analyze::blast::cache::write_atomically;
use crate::digest::sha256_hex;
use crate::provenance::NOTES_REFS;

/// Bumped when what an entry holds changes shape or meaning.
const CACHE_VERSION: u32 = 1;

/// Where one run's judgements are kept; `None` when what they depend on cannot be read (a
/// `--policy` file or a notes ref; then nothing is cached).
#[derive(Debug, Clone)]
pub struct Verdicts {
    dir: Option<PathBuf>,
}

impl Verdicts {
    /// The directory for a run over `repo` with `policy_file` (if any) and `with_units`.
    #[must_use]
    pub fn open(repo: &Repository, policy_file: Option<&Path>, with_units: bool) -> Self {
        let dir = identity(repo, policy_file, with_units).map(|identity| {
            repo.path()
                .join("blastgate")
                .join("replay")
                .join(&sha256_hex(identity.as_bytes())[..32])
        });
        Self { dir }
    }

    /// The judgement of `unit` under the policy blob `policy` (`None`: none in the tree),
    /// if an earlier run kept it.
    #[must_use]
    pub fn get(&self, unit: &Unit, policy: Option<Oid>) -> Option<Judged> {
        let bytes = std::fs::read(self.entry(unit, policy)?).ok()?;
        let judged: Judged = serde_json::from_slice(&bytes).ok()?;
        (judged.oid == unit.oid).then_some(judged)
    }

    /// Keeps `judged` for the next run; a failure to write is not an error.
    pub fn put(&self, unit: &Unit, policy: Option<Oid>, judged: &Judged) {
        let (Some(path), Ok(bytes)) = (self.entry(unit, policy), serde_json::to_vec(judged)) else {
            return;
        };
        if let Some(dir) = path.parent()
            && std::fs::create_dir_all(dir).is_ok()
        {
            let _ = write_atomically(&path, &bytes);
        }
    }

    fn entry(&self, unit: &Unit, policy: Option<Oid>) -> Option<PathBuf> {
        let name = format!(
            "{}-{}-{}.json",
            unit.oid,
            unit.parent
                .map_or_else(|| "root".to_string(), |oid| oid.to_string()),
            policy.map_or_else(|| "default".to_string(), |oid| oid.to_string())
        );
        Some(self.dir.as_ref()?.join(name))
    }
}

/// What every judgement of the run depends on besides the commit, its parent and the policy
/// blob: the build ([`crate::build::IDENTITY`]), the `--policy` file's content, the notes refs' tips and
/// whether units are wanted. `None` when any of it cannot be read.
fn identity(repo: &Repository, policy_file: Option<&Path>, with_units: bool) -> Option<String> {
    let mut identity = format!(
        "v{CACHE_VERSION} {} units={with_units}",
        crate::build::IDENTITY
    );
    if let Some(path) = policy_file {
        identity.push_str(" policy=");
        identity.push_str(&sha256_hex(&std::fs::read(path).ok()?));
    }
    for name in NOTES_REFS {
        let tip = repo
            .refname_to_id(name)
            .map_or_else(|_| "-".to_string(), |oid| oid.to_string());
        let _ = write!(identity, " {name}={tip}");
    }
    Some(identity)
}
