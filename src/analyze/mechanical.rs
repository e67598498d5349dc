//! Mechanical changes: edits a tool makes without changing what the code does. A reformat
//! (same normalised token stream), a comment edit, a definition moved to another file and
//! imported back, one rename applied across many files, a vendored or generated tree. Each is
//! one fact of its own, weighted near zero by the default policy, in place of the line counts
//! and structural or domain findings the edit would otherwise raise.

mod codemod;
mod distance;
mod generated;
mod moved;
mod rules;
mod tokens;

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use super::Fact;
use super::blast::cache::Cache;
use super::blast::cache::derived::{self, Decoder, Derived, Encoder};
use super::blast::structure::BlastRadius;
use super::contents::{FileContents, Parsed};
use super::lang;
use crate::diff::{ChangeSet, FileStatus};
use crate::signal::Signal;

pub use codemod::Codemods;
pub use generated::generated_trees;
pub use moved::{discount_moved_lines, pair_moves};
use tokens::ParseAs;

/// What a file's edit is, when it changes no code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// Only what a formatter changes: whitespace, quotes, trailing commas, redundant
    /// parentheses, import order.
    Reformatted,
    /// Comments changed too (and perhaps formatting); the code is the same.
    Comments,
}

/// The mechanical edits of a change, by file.
#[derive(Debug, Clone, Default)]
pub struct Mechanical {
    /// Files only reformatted.
    pub reformatted: BTreeSet<String>,
    /// Files whose code is unchanged but whose comments changed.
    pub comments: BTreeSet<String>,
    /// Files whose only code change is one identifier replaced by another everywhere.
    pub renames: BTreeMap<String, codemod::Rename>,
}

impl Mechanical {
    /// Whether `path`'s code is unchanged (reformatted or comments only).
    #[must_use]
    pub fn unchanged_code(&self, path: &str) -> bool {
        self.reformatted.contains(path) || self.comments.contains(path)
    }
}

/// Receives each version a comparison parses: its bytes as parsed, the grammar's name, the
/// tree.
type Offer<'o> = &'o (dyn Fn(&[u8], &'static str, &tree_sitter::Tree) + Sync);

/// Judges every file edited in place whose two versions can be read; comparisons are kept in
/// `cache`. Each version parsed for it (on a miss) is offered to `read_along` first, for the
/// analyzers that read the same versions next.
#[must_use]
pub fn judge(
    contents: &[FileContents<'_>],
    cache: &Cache,
    read_along: &(dyn Fn(&Parsed<'_>) + Sync),
) -> Mechanical {
    // Edited in place only: a file moved elsewhere can mean something by its move alone
    // (a Terraform file into another root module), which a reformat must not hide.
    let mut edited: Vec<&FileContents<'_>> = contents
        .iter()
        .filter(|entry| {
            entry.file.status == FileStatus::Modified
                && entry.file.additions() + entry.file.deletions() > 0
        })
        .collect();
    // Largest first, so the longest comparisons start first and the rest fill in beside them.
    edited.sort_by_key(|entry| std::cmp::Reverse(entry.new.bytes().map_or(0, <[u8]>::len)));
    let judged: Vec<(String, Comparison)> = edited
        .par_iter()
        .filter_map(|entry| {
            let (old, new) = (entry.old.bytes()?, entry.new.bytes()?);
            let path = entry.file.path();
            let offer = |source: &[u8], grammar: &'static str, tree: &tree_sitter::Tree| {
                // Only a version parsed as read (no byte order mark cut) is that version's tree.
                let blob = if std::ptr::eq(source, old) {
                    entry.file.old_blob.as_deref()
                } else if std::ptr::eq(source, new) {
                    entry.file.new_blob.as_deref()
                } else {
                    None
                };
                if let Some(blob) = blob {
                    read_along(&Parsed {
                        file: entry,
                        blob,
                        source,
                        grammar,
                        tree,
                    });
                }
            };
            let timeout = Some(tokens::PARSE_TIMEOUT);
            Some((
                path.to_string(),
                compare(path, old, new, cache, timeout, &offer)?,
            ))
        })
        .collect();
    let mut mechanical = Mechanical::default();
    for (path, comparison) in judged {
        match comparison {
            Comparison::Same(Edit::Reformatted) => {
                mechanical.reformatted.insert(path);
            }
            Comparison::Same(Edit::Comments) => {
                mechanical.comments.insert(path);
            }
            Comparison::Renamed(rename) => {
                mechanical.renames.insert(path, rename);
            }
        }
    }
    mechanical
}

/// How two versions that could be compared differ, when mechanically.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Comparison {
    Same(Edit),
    Renamed(codemod::Rename),
}

/// Whether two versions of the file at `path` are the same code, and how they differ if so.
/// `None` when the code differs, or when it cannot be judged (no grammar for the file, syntax
/// errors, too deep): only what was compared is ever called mechanical. The comparison is
/// kept in `cache` (pass [`Cache::disabled`] to compute it every time).
#[must_use]
pub fn same_code(path: &str, old: &[u8], new: &[u8], cache: &Cache) -> Option<Edit> {
    let timeout = Some(tokens::PARSE_TIMEOUT);
    same(&compare(path, old, new, cache, timeout, &|_, _, _| {})?)
}

/// [`same_code`] with no time limit on the parses, for replay's SZZ labels, which must not
/// depend on how busy the machine was: a parse that runs out of time is never "mechanical",
/// so a loaded run would label more commits. The caller bounds the files' size instead.
#[must_use]
pub fn same_code_untimed(path: &str, old: &[u8], new: &[u8]) -> Option<Edit> {
    same(&compare(
        path,
        old,
        new,
        &Cache::disabled(),
        None,
        &|_, _, _| {},
    )?)
}

/// The edit of a comparison that found the same code.
fn same(comparison: &Comparison) -> Option<Edit> {
    match comparison {
        Comparison::Same(edit) => Some(*edit),
        Comparison::Renamed(_) => None,
    }
}

/// The comparison of two versions: code parsed within `timeout` if one is given, a
/// configuration file as the domain readers parse it ([`ParseAs`]). A parse that runs out of
/// time is not kept, so the kept result is the same with or without a limit.
fn compare(
    path: &str,
    old: &[u8],
    new: &[u8],
    cache: &Cache,
    timeout: Option<std::time::Duration>,
    offer: Offer<'_>,
) -> Option<Comparison> {
    if old == new {
        return None;
    }
    let first_line = new.split(|&b| b == b'\n').next().unwrap_or_default();
    let (grammar, name, reading) = if let Some(language) = lang::for_path(path, first_line) {
        ((language.grammar)(), language.name, ParseAs::Code(timeout))
    } else {
        let config = lang::config_for_path(path)?;
        ((config.grammar)(), config.name, ParseAs::Configuration)
    };
    // The result depends on the grammar and the bytes only, not on the path.
    let digest = derived::digest(&[b"mechanical", name.as_bytes(), old, new]);
    cache
        .derived(&digest, || {
            compare_as(name, &grammar, old, new, reading, offer)
        })
        .ok()
        .flatten()
}

/// [`compare`] of two versions read with `grammar` (named `name`); `Err` when a parse ran out
/// of time, which a later run may not.
fn compare_as(
    name: &'static str,
    grammar: &tree_sitter::Language,
    old: &[u8],
    new: &[u8],
    reading: ParseAs,
    offer: Offer<'_>,
) -> Result<Option<Comparison>, tokens::NoStream> {
    let rules = rules::for_language(name);
    let stream = |source| match tokens::stream(name, grammar, rules, source, reading, offer) {
        Ok(stream) => Ok(Some(stream)),
        Err(tokens::NoStream::Timeout) => Err(tokens::NoStream::Timeout),
        Err(_) => Ok(None),
    };
    // Side by side: with the outline and the security constructs read along each parse, one
    // large file's comparison can be the longest task of the step (a 390 KB bundle's was).
    let (old, new) = rayon::join(|| stream(old), || stream(new));
    let (Some(old), Some(new)) = (old?, new?) else {
        return Ok(None);
    };
    if old.tokens != new.tokens {
        let identifier = |kind: u16| {
            grammar
                .node_kind_for_id(kind)
                .is_some_and(|kind| kind.contains("identifier"))
        };
        return Ok(
            codemod::single_rename(&old.tokens, &new.tokens, identifier).map(Comparison::Renamed)
        );
    }
    Ok(Some(Comparison::Same(if old.comments == new.comments {
        Edit::Reformatted
    } else {
        Edit::Comments
    })))
}

/// A kept comparison: `None` (the code differs, or could not be compared) is kept too.
impl Derived for Option<Comparison> {
    const KIND: &'static str = "mechanical";

    fn encode(&self, out: &mut Encoder) {
        match self {
            None => out.number(0),
            Some(Comparison::Same(Edit::Reformatted)) => out.number(1),
            Some(Comparison::Same(Edit::Comments)) => out.number(2),
            Some(Comparison::Renamed((from, to))) => {
                out.number(3);
                out.bytes(from.as_bytes());
                out.bytes(to.as_bytes());
            }
        }
    }

    fn decode(input: &mut Decoder<'_>) -> Option<Self> {
        Some(match input.number()? {
            0 => None,
            1 => Some(Comparison::Same(Edit::Reformatted)),
            2 => Some(Comparison::Same(Edit::Comments)),
            3 => Some(Comparison::Renamed((input.string()?, input.string()?))),
            _ => return None,
        })
    }
}

/// Domain findings that stand even when a file's code did not change: a credential pasted into
/// a comment is still a leaked credential, and the gate's own configuration is read as text.
const STAND_ANYWAY: &[Signal] = &[
    Signal::SecretAdded,
    Signal::SecretLikeTestData,
    Signal::SecretInTestCode,
    Signal::GateConfigChanged,
    Signal::UnanalysableRiskyFile,
];

/// Drops the symbol changes of files whose code did not change (a formatter can change a
/// definition's tokens, e.g. its quotes, without changing what it does).
pub fn prune_blast(mechanical: &Mechanical, blast: &mut BlastRadius) {
    blast
        .symbols
        .retain(|impact| !mechanical.unchanged_code(&impact.change.file));
    // Both versions were read and compared equal as code, so a structural gap in such a file
    // (its dependents could not be searched) hides no change: listed, not counted as risk.
    for gap in &mut blast.coverage.not_analysed {
        if mechanical.unchanged_code(&gap.file) {
            gap.counted_as_risk = false;
        }
    }
    blast.cosmetic_files = mechanical.comments.iter().cloned().collect();
}

/// Domain facts about files whose code did not change, except those in [`STAND_ANYWAY`]
/// (a comment added to an applied migration does not rewrite it).
#[must_use]
pub fn keep_domain(mechanical: &Mechanical, facts: Vec<Fact>) -> Vec<Fact> {
    facts
        .into_iter()
        .filter(|fact| {
            STAND_ANYWAY.contains(&fact.signal)
                || fact
                    .file
                    .as_deref()
                    .is_none_or(|file| !mechanical.unchanged_code(file))
        })
        .collect()
}

/// Line counts of files whose code did not change become one fact per file: `reformatted`
/// (which also replaces `file-touched`), or `cosmetic-edit` when comments changed (both
/// weight 0 by default).
pub fn mark(facts: &mut Vec<Fact>, change: &ChangeSet, mechanical: &Mechanical) {
    let marked = [
        (
            &mechanical.reformatted,
            Signal::Reformatted,
            "only reformatted: the same code once whitespace, quotes, trailing commas, parentheses and import order are normalised",
        ),
        (
            &mechanical.comments,
            Signal::CosmeticEdit,
            "whitespace or comments only; the code is unchanged",
        ),
    ];
    for (paths, signal, message) in marked {
        for path in paths {
            // A reformatted file is not even a touched file: a formatter run over a code base
            // is one quiet fact per file. Path classes (CI, hooks, the policy) still count.
            let reformatted = signal == Signal::Reformatted;
            facts.retain(|fact| {
                !(fact.file.as_deref() == Some(path.as_str())
                    && (matches!(fact.signal, Signal::LinesAdded | Signal::LinesDeleted)
                        || (reformatted && fact.signal == Signal::FileTouched)))
            });
            if let Some(file) = change.files.iter().find(|file| file.path() == path) {
                let lines = file.additions() + file.deletions();
                facts.push(Fact {
                    signal,
                    file: Some(path.clone()),
                    line: file.first_changed_line(),
                    quantity: if signal == Signal::CosmeticEdit {
                        lines as f64
                    } else {
                        1.0
                    },
                    message: message.to_string(),
                    related: Vec::new(),
                    subject: None,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests;
