//! Codemods: one identifier replaced by another across many files, and nothing else changed in
//! them. Such a change is one `codemod` fact naming the edit and its files, in place of each
//! file's line counts and public body changes. Conservative on purpose: every difference in
//! a file's normalised token stream must be that one substitution, only identifiers take part
//! (never operators, literals or keywords), and it takes [`MIN_FILES`] files.

use std::collections::BTreeMap;

use super::super::Fact;
use super::super::structure::BlastRadius;
use super::super::symbols::ChangeKind;
use super::tokens::Tok;
use crate::signal::Signal;

/// Fewer files than this are ordinary edits, judged file by file.
pub const MIN_FILES: usize = 3;

/// A rename: identifier text before and after.
pub type Rename = (String, String);

/// The one identifier substitution that turns `old` into `new`, if there is exactly one.
/// `identifier` tells whether a node kind id is an identifier kind.
pub(super) fn single_rename(
    old: &[Tok],
    new: &[Tok],
    identifier: impl Fn(u16) -> bool,
) -> Option<Rename> {
    if old.len() != new.len() {
        return None;
    }
    // The kind of the node each token sits in, when it is a named leaf's text.
    let kinds: Vec<Option<u16>> = std::iter::once(None)
        .chain(old.iter().map(|tok| match tok {
            Tok::Open(kind) => Some(*kind),
            _ => None,
        }))
        .collect();
    let mut rename: Option<(&[u8], &[u8])> = None;
    for ((before, after), kind) in old.iter().zip(new).zip(&kinds) {
        if before == after {
            continue;
        }
        let (Tok::Leaf(from), Tok::Leaf(to)) = (before, after) else {
            return None;
        };
        if !kind.is_some_and(&identifier) {
            return None;
        }
        match rename {
            None => rename = Some((from, to)),
            Some(seen) if seen == (from.as_slice(), to.as_slice()) => {}
            Some(_) => return None,
        }
    }
    let (from, to) = rename?;
    // The old name left alone somewhere: not one substitution applied everywhere.
    let left_alone = old
        .iter()
        .zip(new)
        .zip(&kinds)
        .any(|((before, after), kind)| {
            before == after
                && matches!(before, Tok::Leaf(text) if text == from)
                && kind.is_some_and(&identifier)
        });
    if left_alone {
        return None;
    }
    Some((
        String::from_utf8_lossy(from).into_owned(),
        String::from_utf8_lossy(to).into_owned(),
    ))
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

    fn stream(tokens: &[(u16, &str)]) -> Vec<Tok> {
        tokens
            .iter()
            .flat_map(|(kind, text)| {
                [
                    Tok::Open(*kind),
                    Tok::Leaf(text.as_bytes().to_vec()),
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
        assert_eq!(single_rename(&old, &two, is_ident), None);
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
