//! Definitions moved between files. A definition removed from one file and added to another
//! with the same name, kind and body (its name-masked token hash, so formatting does not count)
//! was moved, when the code that used it can still reach it: the old file, or another changed
//! file, imports it from its new place, or both files share a namespace by directory (Go
//! packages, Java/Kotlin/Scala packages, Swift modules). A move nobody imports back is left as
//! a removal and an addition, so its callers are searched and dangling ones reported.

use std::collections::{BTreeSet, HashMap};
use std::hash::BuildHasher;
use std::path::Path;

use crate::analyze::Fact;
use crate::analyze::blast::structure::BlastRadius;
use crate::analyze::blast::symbols::{ChangeKind, SymbolChange};
use crate::analyze::blast::syntax::{Outline, ReferenceKind};
use crate::analyze::lang::Language;
use crate::diff::{ChangeSet, LineKind};
use crate::signal::Signal;

/// Language families in which files of one directory share a namespace: a definition moved
/// within the directory needs no import. Sources: the Go spec ("Packages"), the Java and
/// Kotlin language specifications (package members), Scala packages, Swift modules.
const DIRECTORY_NAMESPACES: &[&str] = &["go", "java", "kotlin", "scala", "swift"];

/// Pairs removed and added definitions into moves (see the module docs). `new_outlines` are
/// the new versions of the changed files, by path.
pub fn pair_moves<S: BuildHasher>(
    changes: &mut Vec<SymbolChange>,
    new_outlines: &HashMap<String, (&'static Language, Outline), S>,
) {
    let mut gone = vec![false; changes.len()];
    for removed in 0..changes.len() {
        if changes[removed].change != ChangeKind::Removed {
            continue;
        }
        let before = &changes[removed];
        let twin = changes.iter().position(|other| {
            other.change == ChangeKind::Added
                && other.file != before.file
                && other.name == before.name
                && other.container == before.container
                && other.kind == before.kind
                && other.body_hash == before.body_hash
        });
        let Some(twin) = twin else {
            continue;
        };
        if !reachable(before, &changes[twin].file, new_outlines) {
            continue;
        }
        let old_file = before.file.clone();
        changes[twin].change = ChangeKind::Moved;
        changes[twin].old_file = Some(old_file);
        gone[removed] = true;
    }
    let mut index = 0;
    changes.retain(|_| {
        index += 1;
        !gone[index - 1]
    });
}

/// Whether users of `removed` still reach it at `new_file`.
fn reachable<S: BuildHasher>(
    removed: &SymbolChange,
    new_file: &str,
    new_outlines: &HashMap<String, (&'static Language, Outline), S>,
) -> bool {
    let Some((language, _)) = new_outlines.get(new_file) else {
        return false;
    };
    let same_dir = Path::new(&removed.file).parent() == Path::new(new_file).parent();
    if same_dir && DIRECTORY_NAMESPACES.contains(&language.family) {
        return true;
    }
    // A method travels with its class: the class is what is imported.
    let imported = removed.container.as_deref().unwrap_or(&removed.name);
    new_outlines
        .iter()
        .filter(|(path, (other, _))| *path != new_file && other.family == language.family)
        .any(|(_, (_, outline))| {
            outline
                .references
                .iter()
                .any(|r| r.kind == ReferenceKind::Import && r.name == imported)
        })
}

/// Takes the lines of moved definitions out of the line counts: a line removed from the old
/// file and added, identical once trimmed, to the file its definition moved to was moved, not
/// written. Only pairs of files with a `moved` symbol between them are matched.
pub fn discount_moved_lines(facts: &mut Vec<Fact>, change: &ChangeSet, blast: &BlastRadius) {
    let pairs: BTreeSet<(&str, &str)> = blast
        .symbols
        .iter()
        .filter(|impact| impact.change.change == ChangeKind::Moved)
        .filter_map(|impact| {
            Some((
                impact.change.old_file.as_deref()?,
                impact.change.file.as_str(),
            ))
        })
        .collect();
    // Blank lines count as moved too: a move leaves and fills gaps between definitions.
    let lines = |path: &str, kind: LineKind| -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        let file = change.files.iter().find(|file| file.path() == path);
        for line in file
            .into_iter()
            .flat_map(|f| &f.hunks)
            .flat_map(|h| &h.lines)
        {
            if line.kind == kind {
                *counts.entry(line.content.trim().to_string()).or_default() += 1;
            }
        }
        counts
    };
    let mut removed: HashMap<&str, HashMap<String, usize>> = HashMap::new();
    let mut added: HashMap<&str, HashMap<String, usize>> = HashMap::new();
    let mut moved: HashMap<(&str, Signal), usize> = HashMap::new();
    for (old, new) in pairs {
        let gone = removed
            .entry(old)
            .or_insert_with(|| lines(old, LineKind::Removed));
        let came = added
            .entry(new)
            .or_insert_with(|| lines(new, LineKind::Added));
        let mut matched = 0;
        for (text, count) in gone.iter_mut() {
            if let Some(other) = came.get_mut(text) {
                let both = (*count).min(*other);
                *count -= both;
                *other -= both;
                matched += both;
            }
        }
        *moved.entry((old, Signal::LinesDeleted)).or_default() += matched;
        *moved.entry((new, Signal::LinesAdded)).or_default() += matched;
    }
    // Blank lines left over on either side of a move are its gaps, not new code.
    for (files, signal) in [
        (&mut removed, Signal::LinesDeleted),
        (&mut added, Signal::LinesAdded),
    ] {
        for (file, counts) in files.iter_mut() {
            if let Some(blank) = counts.remove("") {
                *moved.entry((*file, signal)).or_default() += blank;
            }
        }
    }
    for fact in facts.iter_mut() {
        let Some(file) = fact.file.as_deref() else {
            continue;
        };
        let Some(&lines) = moved.get(&(file, fact.signal)).filter(|lines| **lines > 0) else {
            continue;
        };
        let left = (fact.quantity - lines as f64).max(0.0);
        let verb = if fact.signal == Signal::LinesAdded {
            "added"
        } else {
            "removed"
        };
        fact.message = format!(
            "{left} line{} {verb} (besides {lines} line{} of moved definitions)",
            if (left - 1.0).abs() < f64::EPSILON {
                ""
            } else {
                "s"
            },
            if lines == 1 { "" } else { "s" }
        );
        fact.quantity = left;
    }
    facts.retain(|fact| {
        !(matches!(fact.signal, Signal::LinesAdded | Signal::LinesDeleted) && fact.quantity <= 0.0)
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::blast::syntax::{Reference, SymbolKind, Visibility};
    use crate::analyze::lang::by_name;

    fn change(file: &str, kind: ChangeKind, name: &str) -> SymbolChange {
        SymbolChange {
            file: file.to_string(),
            change: kind,
            name: name.to_string(),
            container: None,
            kind: SymbolKind::Class,
            visibility: Visibility::Public,
            line: 3,
            old_name: None,
            old_file: None,
            old_signature: None,
            new_signature: None,
            new_visibility: None,
            body_hash: 42,
            signature: String::new(),
        }
    }

    fn outline(imports: &[&str]) -> Outline {
        Outline {
            references: imports
                .iter()
                .map(|name| Reference {
                    name: (*name).to_string(),
                    line: 1,
                    kind: ReferenceKind::Import,
                    enclosing: None,
                })
                .collect(),
            ..Outline::default()
        }
    }

    fn kinds(changes: &[SymbolChange]) -> Vec<(&str, ChangeKind)> {
        changes
            .iter()
            .map(|c| (c.file.as_str(), c.change))
            .collect()
    }

    /// Imported back: moved. Not imported back: still a removal and an addition. Go files of
    /// one directory share a package: moved without an import.
    #[test]
    fn moves_need_a_way_back() {
        let python = by_name("python").expect("python row");
        let go = by_name("go").expect("go row");
        let pair = |old: &str, new: &str| {
            vec![
                change(old, ChangeKind::Removed, "Ledger"),
                change(new, ChangeKind::Added, "Ledger"),
            ]
        };
        let mut outlines = HashMap::from([
            ("a/old.py".to_string(), (python, outline(&["Ledger"]))),
            ("a/new.py".to_string(), (python, outline(&[]))),
        ]);
        let mut changes = pair("a/old.py", "a/new.py");
        pair_moves(&mut changes, &outlines);
        assert_eq!(kinds(&changes), [("a/new.py", ChangeKind::Moved)]);
        assert_eq!(changes[0].old_file.as_deref(), Some("a/old.py"));

        outlines.insert("a/old.py".to_string(), (python, outline(&["Other"])));
        let mut changes = pair("a/old.py", "a/new.py");
        pair_moves(&mut changes, &outlines);
        assert_eq!(
            kinds(&changes),
            [
                ("a/old.py", ChangeKind::Removed),
                ("a/new.py", ChangeKind::Added)
            ]
        );

        let outlines = HashMap::from([("pkg/b.go".to_string(), (go, outline(&[])))]);
        let mut changes = pair("pkg/a.go", "pkg/b.go");
        pair_moves(&mut changes, &outlines);
        assert_eq!(kinds(&changes), [("pkg/b.go", ChangeKind::Moved)]);
    }
}
