//! Replay beyond one machine: `--shard K/N` judges every N-th change of the walk (positions
//! K-1, K-1+N, …) and writes a shard file; `replay merge` checks the files belong together
//! and cover the history exactly once, puts the judged commits back in walk order and
//! summarises them as a whole run does, so the merged report equals the unsharded one.
//!
//! Round-robin rather than contiguous slices: busy and quiet stretches of a history (big
//! merges, vendored bumps) spread over all shards, so they finish at about the same time.
//! Every shard walks the whole range (cheap next to judging) to find reverts and fixes
//! anywhere in it, and fingerprints the walk so shards of different histories never merge.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::walk::Unit;
use super::{Judged, Label, Labels, Parts, Replay, Undone, Unjudged, summarise};
use crate::analyze::recently_reverted::reverts;

/// Version of the shard file's shape; a merge refuses any other.
pub const SCHEMA_VERSION: u32 = 1;

/// The `type` of a shard file.
const TYPE: &str = "replay-shard";

/// One slice of N: `index` counts from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// K, from 1 to `count`.
    pub index: usize,
    /// N.
    pub count: usize,
}

impl Shard {
    /// Whether the change at `position` of the walk (0 = newest) is this shard's.
    #[must_use]
    pub fn takes(self, position: usize) -> bool {
        position % self.count == self.index - 1
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let parsed = text
            .split_once('/')
            .and_then(|(k, n)| Some((k.parse::<usize>().ok()?, n.parse::<usize>().ok()?)));
        match parsed {
            Some((index, count)) if index >= 1 && index <= count => Ok(Self { index, count }),
            _ => Err(format!(
                "`{text}` is not a shard: give K/N with 1 <= K <= N (e.g. 2/4)"
            )),
        }
    }
}

/// Where a sharded run's commits sit in the whole walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// The slice judged.
    pub shard: Shard,
    /// Changes in the whole walk (all shards together).
    pub units: usize,
    /// sha256 of the whole walk's commit ids, in order.
    pub fingerprint: String,
    /// Walk position of each [`Replay::judged`] entry.
    pub judged_at: Vec<usize>,
    /// Walk position of each [`Replay::unjudged`] entry.
    pub unjudged_at: Vec<usize>,
}

/// The walk positions a run judges: all of them, or the shard's.
#[must_use]
pub fn positions(units: usize, shard: Option<Shard>) -> Vec<usize> {
    (0..units)
        .filter(|&position| shard.is_none_or(|shard| shard.takes(position)))
        .collect()
}

/// sha256 of the walk's commit ids in order: shards agree on it only for the same history.
#[must_use]
pub fn fingerprint(units: &[Unit]) -> String {
    let mut hasher = Sha256::new();
    for unit in units {
        hasher.update(unit.oid.as_bytes());
    }
    crate::digest::hex(&hasher.finalize())
}

/// A shard file as written and read.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(rename = "type")]
    kind: String,
    schema_version: u32,
    history: String,
    first_parent: bool,
    shard: Shard,
    units: usize,
    fingerprint: String,
    merges_skipped: usize,
    seconds: f64,
    review_minutes: Option<f64>,
    judged: Vec<Placed>,
    unjudged: Vec<PlacedUnjudged>,
    /// The ground truth of the whole walk: every shard finds the same.
    labels: Vec<Label>,
    labelling: Labels,
}

/// A judged commit, its walk position and what undid it later.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Placed {
    position: usize,
    judged: Judged,
    undone: Option<Link>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Link {
    by: String,
    kind: reverts::Undo,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlacedUnjudged {
    position: usize,
    unjudged: Unjudged,
}

/// The shard file of a sharded run; `None` for a whole run.
///
/// # Panics
/// Never: the file is plain data and always serializes.
#[must_use]
pub fn file(replay: &Replay) -> Option<String> {
    let placement = replay.shard.as_ref()?;
    let mut links: Vec<Option<Link>> = replay.judged.iter().map(|_| None).collect();
    for undone in &replay.undone {
        links[undone.index] = Some(Link {
            by: undone.by.clone(),
            kind: undone.kind,
        });
    }
    let file = File {
        kind: TYPE.to_string(),
        schema_version: SCHEMA_VERSION,
        history: replay.history.clone(),
        first_parent: replay.first_parent,
        shard: placement.shard,
        units: placement.units,
        fingerprint: placement.fingerprint.clone(),
        merges_skipped: replay.merges_skipped,
        seconds: replay.seconds,
        review_minutes: replay.review_minutes,
        judged: replay
            .judged
            .iter()
            .zip(&placement.judged_at)
            .zip(links)
            .map(|((judged, &position), undone)| Placed {
                position,
                judged: judged.clone(),
                undone,
            })
            .collect(),
        unjudged: replay
            .unjudged
            .iter()
            .zip(&placement.unjudged_at)
            .map(|(unjudged, &position)| PlacedUnjudged {
                position,
                unjudged: unjudged.clone(),
            })
            .collect(),
        labels: replay.labels.clone(),
        labelling: replay.labelling.clone(),
    };
    let mut text = serde_json::to_string(&file).expect("a shard file always serializes");
    text.push('\n');
    Some(text)
}

/// Why shard files cannot be merged. Each names the file at fault.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Not JSON of the shard shape.
    #[error(
        "{file} is not a blastgate replay shard file ({reason}); give the files `blastgate replay --shard K/N` wrote"
    )]
    NotAShard {
        /// The file.
        file: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A shard of another history, another shard count or another blastgate.
    #[error(
        "{file} is a shard of a different replay than {first} ({what} differs); merge the shards of one run"
    )]
    Mismatch {
        /// The file.
        file: String,
        /// The first file given, which the others are compared with.
        first: String,
        /// The field that differs.
        what: &'static str,
    },
    /// The same shard twice.
    #[error("{file} and {other} are both shard {shard}; give each shard once")]
    Duplicate {
        /// The file.
        file: String,
        /// The other file with that shard.
        other: String,
        /// The shard.
        shard: Shard,
    },
    /// Not every shard is there.
    #[error("shard {shard} is missing; merge all {count} shards of the run")]
    Missing {
        /// The first missing shard.
        shard: Shard,
        /// N.
        count: usize,
    },
    /// A file whose positions do not fit its shard (edited or truncated).
    #[error(
        "{file} does not cover shard {shard} exactly (a position is out of place or missing); write it again with --shard {shard}"
    )]
    Incomplete {
        /// The file.
        file: String,
        /// Its shard.
        shard: Shard,
    },
    /// No files.
    #[error("no shard files given; pass the files `blastgate replay --shard K/N` wrote")]
    Nothing,
}

/// Merges shard files, given as `(name, text)`, into the replay an unsharded run gives.
pub fn merge(files: &[(String, String)], calibrate: Option<f64>) -> Result<Replay, Error> {
    let mut parsed: Vec<(&str, File)> = Vec::new();
    for (name, text) in files {
        let file: File = serde_json::from_str(text).map_err(|error| Error::NotAShard {
            file: name.clone(),
            reason: error.to_string(),
        })?;
        if file.kind != TYPE || file.schema_version != SCHEMA_VERSION {
            return Err(Error::NotAShard {
                file: name.clone(),
                reason: format!(
                    "type `{}`, schema_version {}; this blastgate reads `{TYPE}` {SCHEMA_VERSION}",
                    file.kind, file.schema_version
                ),
            });
        }
        if !(1..=file.shard.count).contains(&file.shard.index) {
            return Err(Error::NotAShard {
                file: name.clone(),
                reason: format!("shard {} is not K/N with 1 <= K <= N", file.shard),
            });
        }
        parsed.push((name, file));
    }
    let Some((first_name, first)) = parsed.first() else {
        return Err(Error::Nothing);
    };
    let count = first.shard.count;
    let mut seen: Vec<Option<&str>> = vec![None; count];
    for (name, file) in &parsed {
        let mismatch = |what| Error::Mismatch {
            file: (*name).to_string(),
            first: (*first_name).to_string(),
            what,
        };
        check_same(first, file).map_err(mismatch)?;
        let slot = &mut seen[file.shard.index - 1];
        if let Some(other) = slot {
            return Err(Error::Duplicate {
                file: (*name).to_string(),
                other: (*other).to_string(),
                shard: file.shard,
            });
        }
        *slot = Some(name);
        if !covers_exactly(file) {
            return Err(Error::Incomplete {
                file: (*name).to_string(),
                shard: file.shard,
            });
        }
    }
    if let Some(missing) = seen.iter().position(Option::is_none) {
        return Err(Error::Missing {
            shard: Shard {
                index: missing + 1,
                count,
            },
            count,
        });
    }
    Ok(assemble(
        parsed.into_iter().map(|(_, file)| file).collect(),
        calibrate,
    ))
}

/// The field that differs between two shard files of what should be one run.
fn check_same(first: &File, file: &File) -> Result<(), &'static str> {
    if file.fingerprint != first.fingerprint || file.units != first.units {
        return Err("the history walked");
    }
    if file.history != first.history || file.first_parent != first.first_parent {
        return Err("the history asked for");
    }
    if file.shard.count != first.shard.count {
        return Err("the shard count");
    }
    if file.merges_skipped != first.merges_skipped {
        return Err("merges skipped");
    }
    if file.labels != first.labels {
        return Err("the labels found");
    }
    if file.review_minutes != first.review_minutes {
        return Err("the policy's review_minutes");
    }
    Ok(())
}

/// Whether a file's positions are exactly its shard's share of the walk.
fn covers_exactly(file: &File) -> bool {
    let mut found: Vec<usize> = file
        .judged
        .iter()
        .map(|placed| placed.position)
        .chain(file.unjudged.iter().map(|placed| placed.position))
        .collect();
    found.sort_unstable();
    // Compared arithmetically: `units` comes from the file, so nothing is allocated by it.
    let (index, count) = (file.shard.index, file.shard.count);
    let expected = file.units.checked_add(count - index).map(|n| n / count);
    expected == Some(found.len())
        && found.iter().enumerate().all(|(i, &position)| {
            i.checked_mul(count)
                .and_then(|start| start.checked_add(index - 1))
                == Some(position)
        })
}

/// Puts checked shard files back in walk order and summarises them.
fn assemble(files: Vec<File>, calibrate: Option<f64>) -> Replay {
    let first = &files[0];
    let (history, first_parent) = (first.history.clone(), first.first_parent);
    let (merges_skipped, review_minutes) = (first.merges_skipped, first.review_minutes);
    let seconds = files.iter().map(|file| file.seconds).sum();
    let (labels, labelling) = (first.labels.clone(), first.labelling.clone());
    let mut placed: Vec<Placed> = Vec::new();
    let mut failed: Vec<PlacedUnjudged> = Vec::new();
    for file in files {
        placed.extend(file.judged);
        failed.extend(file.unjudged);
    }
    placed.sort_by_key(|entry| entry.position);
    failed.sort_by_key(|entry| entry.position);
    let mut judged = Vec::with_capacity(placed.len());
    let mut undone = Vec::new();
    for entry in placed {
        if let Some(link) = entry.undone {
            undone.push(Undone {
                index: judged.len(),
                by: link.by,
                kind: link.kind,
            });
        }
        judged.push(entry.judged);
    }
    summarise(
        Parts {
            history,
            first_parent,
            judged,
            unjudged: failed.into_iter().map(|entry| entry.unjudged).collect(),
            merges_skipped,
            undone,
            seconds,
            review_minutes,
            labels,
            labelling,
        },
        calibrate,
    )
}

/// A commit id as its hex string in shard files.
pub(crate) mod oid {
    use git2::Oid;
    use serde::{Deserialize as _, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(oid: &Oid, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&oid.to_string())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Oid, D::Error> {
        let text = String::deserialize(deserializer)?;
        Oid::from_str(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// K/N parses with 1 <= K <= N; anything else is refused with the expected form.
    #[test]
    fn shard_parses_and_rejects() {
        assert_eq!("2/4".parse(), Ok(Shard { index: 2, count: 4 }));
        assert_eq!("1/1".parse(), Ok(Shard { index: 1, count: 1 }));
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", "-1/3", ""] {
            let error = bad.parse::<Shard>().expect_err(bad);
            assert!(error.contains("K/N"), "{error}");
        }
    }

    /// N shards take every position exactly once, round-robin.
    #[test]
    fn shards_partition_the_walk() {
        let count = 3;
        let mut all: Vec<usize> = (1..=count)
            .flat_map(|index| positions(10, Some(Shard { index, count })))
            .collect();
        assert_eq!(positions(10, Some(Shard { index: 2, count })), [1, 4, 7]);
        all.sort_unstable();
        assert_eq!(all, positions(10, None));
    }

    /// Garbage, another document type and an empty list are refused, naming the file.
    #[test]
    fn merge_refuses_what_is_not_a_shard_set() {
        let error = merge(&[("a.json".into(), "{".into())], None).expect_err("garbage");
        assert!(error.to_string().starts_with("a.json is not"), "{error}");
        let report = r#"{"type":"replay","schema_version":1}"#;
        let error = merge(&[("r.json".into(), report.into())], None).expect_err("report");
        assert!(matches!(error, Error::NotAShard { .. }), "{error}");
        assert!(matches!(merge(&[], None), Err(Error::Nothing)));
    }
}
