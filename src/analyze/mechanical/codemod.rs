//! Codemods: the same mechanical edit across many files (one identifier replaced by another,
//! or the same call rewrite), and nothing else changed in them. Such a change is one `codemod`
//! fact naming the edit and its files, in place of each file's line counts and public body
//! changes. Conservative on purpose: every difference in a file's normalised token stream must
//! be part of that edit, only identifiers and punctuation take part (never operators, literals
//! or keywords), and it takes [`MIN_FILES`] files with exactly the same edit.

use similar::{Algorithm, DiffTag};
use std::collections::{BTreeMap, BTreeSet};

use super::super::Fact;
use super::super::blast::structure::BlastRadius;
use super::super::blast::symbols::ChangeKind;
use super::tokens::Tok;
use crate::signal::Signal;

/// Fewer files than this are ordinary edits, judged file by file.
pub const MIN_FILES: usize = 3;

/// A rename: identifier text before and after.
pub type Rename = (String, String);

/// Unnamed tokens a call rewrite may add or drop: brackets, separators, member access.
const PUNCTUATION: &[&[u8]] = &[b"(", b")", b"[", b"]", b",", b".", b"::", b"->"];

/// Most tokens one file's edit may insert plus delete (a renamed name used 1,000 times is
/// 2,000); past it the edit is not called mechanical. A bound on work, not on time, so a loaded
/// machine reaches the same verdict.
const MAX_EDITED_TOKENS: usize = 2_000;

/// More distinct edits than this in one file is not one mechanical edit.
const MAX_PARTS: usize = 3;

/// The one mechanical edit that turns `old` into `new`, if there is one: a rename of
/// identifiers, or a call rewrite (`fetch(x)` → `client.fetch(x, ctx)`), where every changed
/// token is an identifier or punctuation (never an operator, literal or keyword) and the
/// distinct edits are few. `identifier` tells whether a node kind id is an identifier kind.
/// The edit is returned as the changed texts before and after, its parts joined by ` … `.
pub(super) fn single_rename(
    old: &[Tok<'_>],
    new: &[Tok<'_>],
    identifier: impl Fn(u16) -> bool,
) -> Option<Rename> {
    let (old_kinds, new_kinds) = (leaf_kinds(old), leaf_kinds(new));
    // Cheap first: an edit that touches an operator, literal or keyword leaves these counts
    // unequal, and most edits do; only the rest are worth a diff.
    if fixed_tokens(old, &old_kinds, &identifier) != fixed_tokens(new, &new_kinds, &identifier) {
        return None;
    }
    // The bounded distance first: the full diff's work grows with the distance, unbounded.
    super::distance::within(old, new, MAX_EDITED_TOKENS)?;
    let ops = similar::capture_diff_slices(Algorithm::Myers, old, new);
    let mut parts: BTreeSet<(Vec<u8>, Vec<u8>)> = BTreeSet::new();
    let mut unchanged: Vec<&[u8]> = Vec::new();
    for op in ops {
        let (tag, before, after) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            unchanged.extend(before.clone().filter_map(|i| match &old[i] {
                Tok::Leaf(text) if old_kinds[i].is_some_and(&identifier) => Some(text.as_ref()),
                _ => None,
            }));
            continue;
        }
        let from = text(&old[before.clone()], &old_kinds[before], &identifier)?;
        let to = text(&new[after.clone()], &new_kinds[after], &identifier)?;
        parts.insert((from, to));
        if parts.len() > MAX_PARTS {
            return None;
        }
    }
    if parts.is_empty() {
        return None;
    }
    // A name replaced in some places and left alone in others is not one edit applied everywhere.
    if parts.len() == 1
        && let Some((from, _)) = parts.first()
        && unchanged.contains(&from.as_slice())
    {
        return None;
    }
    let (from, to): (Vec<String>, Vec<String>) = parts
        .iter()
        .map(|(from, to)| {
            (
                String::from_utf8_lossy(from).into_owned(),
                String::from_utf8_lossy(to).into_owned(),
            )
        })
        .unzip();
    Some((from.join(" … "), to.join(" … ")))
}

/// How often each token that no mechanical edit may change occurs: leaves that are neither
/// identifiers nor punctuation.
fn fixed_tokens<'a>(
    stream: &'a [Tok<'_>],
    kinds: &[Option<u16>],
    identifier: &impl Fn(u16) -> bool,
) -> BTreeMap<&'a [u8], usize> {
    let mut counts = BTreeMap::new();
    for (tok, kind) in stream.iter().zip(kinds) {
        if let Tok::Leaf(text) = tok {
            let editable = match kind {
                Some(kind) => identifier(*kind),
                None => PUNCTUATION.contains(&text.as_ref()),
            };
            if !editable {
                *counts.entry(text.as_ref()).or_insert(0) += 1;
            }
        }
    }
    counts
}

/// The kind of the node each token's text sits in, when it is a named leaf's text.
fn leaf_kinds(stream: &[Tok<'_>]) -> Vec<Option<u16>> {
    std::iter::once(None)
        .chain(stream.iter().map(|tok| match tok {
            Tok::Open(kind) => Some(*kind),
            _ => None,
        }))
        .take(stream.len())
        .collect()
}

/// The texts of a changed run of tokens, if every one may take part in a mechanical edit:
/// identifiers, punctuation, and the node boundaries around them.
fn text(
    tokens: &[Tok<'_>],
    kinds: &[Option<u16>],
    identifier: &impl Fn(u16) -> bool,
) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    for (tok, kind) in tokens.iter().zip(kinds) {
        if let Tok::Leaf(text) = tok {
            let allowed = match kind {
                Some(kind) => identifier(*kind),
                None => PUNCTUATION.contains(&text.as_ref()),
            };
            if !allowed {
                return None;
            }
            if !out.is_empty() {
                out.push(b' ');
            }
            out.extend_from_slice(text);
        }
    }
    Some(if out.is_empty() {
        "∅".as_bytes().to_vec()
    } else {
        out
    })
}

/// Renames applied across at least [`MIN_FILES`] files: rename → files.
#[derive(Debug, Clone, Default)]
pub struct Codemods {
    groups: BTreeMap<Rename, Vec<String>>,
}

impl Codemods {
    /// Groups per-file renames; keeps the groups large enough to be a codemod.
    #[must_use]
    pub fn group(renames: &BTreeMap<String, Rename>) -> Self {
        let mut groups: BTreeMap<Rename, Vec<String>> = BTreeMap::new();
        for (path, rename) in renames {
            groups.entry(rename.clone()).or_default().push(path.clone());
        }
        groups.retain(|_, files| files.len() >= MIN_FILES);
        Self { groups }
    }

    fn covers(&self, path: &str) -> bool {
        self.groups
            .values()
            .any(|files| files.iter().any(|file| file == path))
    }

    /// Drops the body changes a codemod made: the same rename in every file is one edit.
    /// Renames, removals and signature changes of symbols stay, with their dependents.
    pub fn prune(&self, blast: &mut BlastRadius) {
        blast.symbols.retain(|impact| {
            !(impact.change.change == ChangeKind::BodyChanged && self.covers(&impact.change.file))
        });
    }

    /// Replaces the line counts of the files in each codemod with one `codemod` fact.
    pub fn mark(&self, facts: &mut Vec<Fact>) {
        for ((from, to), files) in &self.groups {
            facts.retain(|fact| {
                !(matches!(fact.signal, Signal::LinesAdded | Signal::LinesDeleted)
                    && fact.file.as_ref().is_some_and(|file| files.contains(file)))
            });
            let shown: Vec<&str> = files.iter().take(3).map(String::as_str).collect();
            let more = files.len().saturating_sub(shown.len());
            facts.push(Fact {
                signal: Signal::Codemod,
                file: None,
                line: None,
                quantity: 1.0,
                message: format!(
                    "`{from}` replaced by `{to}` in {} files and nothing else changed in them ({}{})",
                    files.len(),
                    shown.join(", "),
                    if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    }
                ),
                related: Vec::new(),
                subject: Some(format!("{from} → {to}")),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDENT: u16 = 1;
    const OTHER: u16 = 2;

    fn stream<'s>(tokens: &[(u16, &'s str)]) -> Vec<Tok<'s>> {
        tokens
            .iter()
            .flat_map(|(kind, text)| {
                [
                    Tok::Open(*kind),
                    Tok::Leaf(text.as_bytes().into()),
                    Tok::Close,
                ]
            })
            .collect()
    }

    /// One identifier replaced everywhere is a rename; an operator, a second rename or an
    /// occurrence left alone is not.
    #[test]
    fn single_rename_table() {
        let is_ident = |kind: u16| kind == IDENT;
        let old = stream(&[
            (IDENT, "fetch"),
            (OTHER, "=="),
            (IDENT, "fetch"),
            (IDENT, "x"),
        ]);
        let renamed = stream(&[
            (IDENT, "load"),
            (OTHER, "=="),
            (IDENT, "load"),
            (IDENT, "x"),
        ]);
        assert_eq!(
            single_rename(&old, &renamed, is_ident),
            Some(("fetch".into(), "load".into()))
        );
        let operator = stream(&[
            (IDENT, "fetch"),
            (OTHER, "!="),
            (IDENT, "fetch"),
            (IDENT, "x"),
        ]);
        assert_eq!(single_rename(&old, &operator, is_ident), None);
        let two = stream(&[
            (IDENT, "load"),
            (OTHER, "=="),
            (IDENT, "load"),
            (IDENT, "y"),
        ]);
        // Two names replaced together are one edit of two parts.
        assert_eq!(
            single_rename(&old, &two, is_ident),
            Some(("fetch … x".into(), "load … y".into()))
        );
        let partial = stream(&[
            (IDENT, "load"),
            (OTHER, "=="),
            (IDENT, "fetch"),
            (IDENT, "x"),
        ]);
        assert_eq!(single_rename(&old, &partial, is_ident), None);
        let late = stream(&[
            (IDENT, "fetch"),
            (OTHER, "=="),
            (IDENT, "load"),
            (IDENT, "x"),
        ]);
        assert_eq!(single_rename(&old, &late, is_ident), None);
        assert_eq!(single_rename(&old, &old, is_ident), None);
    }

    /// A call rewrite (`fetch(x)` → `client.fetch(x, ctx)`) is one edit; adding a literal or
    /// an operator to it is not mechanical.
    #[test]
    fn call_rewrite() {
        let is_ident = |kind: u16| kind == IDENT;
        let punct = |text: &'static str| Tok::Leaf(text.as_bytes().into());
        let ident = |text: &'static str| {
            vec![
                Tok::Open(IDENT),
                Tok::Leaf(text.as_bytes().into()),
                Tok::Close,
            ]
        };
        let mut old = ident("fetch");
        old.push(punct("("));
        old.extend(ident("x"));
        old.push(punct(")"));
        let mut new = ident("client");
        new.push(punct("."));
        new.extend(ident("fetch"));
        new.push(punct("("));
        new.extend(ident("x"));
        new.push(punct(","));
        new.extend(ident("ctx"));
        new.push(punct(")"));
        let edit = single_rename(&old, &new, is_ident).expect("a call rewrite");
        assert!(edit.1.contains("client ."), "{edit:?}");
        assert!(edit.1.contains(", ctx"), "{edit:?}");
        let mut literal = new.clone();
        literal.insert(literal.len() - 1, Tok::Leaf(b",".as_slice().into()));
        literal.insert(literal.len() - 1, Tok::Open(OTHER));
        literal.insert(literal.len() - 1, Tok::Leaf(b"None".as_slice().into()));
        literal.insert(literal.len() - 1, Tok::Close);
        assert_eq!(single_rename(&old, &literal, is_ident), None);
    }

    /// Three files with the same rename group into one codemod; two do not.
    #[test]
    fn groups_need_three_files() {
        let rename = ("fetch".to_string(), "load".to_string());
        let mut renames: BTreeMap<String, Rename> = (0..2)
            .map(|i| (format!("f{i}.py"), rename.clone()))
            .collect();
        assert!(Codemods::group(&renames).groups.is_empty());
        renames.insert("f2.py".into(), rename.clone());
        let mut facts = Vec::new();
        Codemods::group(&renames).mark(&mut facts);
        assert_eq!(facts.len(), 1);
        assert_eq!(facts[0].signal, Signal::Codemod);
        assert!(facts[0].message.contains("3 files"), "{}", facts[0].message);
    }
}
