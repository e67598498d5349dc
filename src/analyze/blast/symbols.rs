//! How each touched symbol changed: compares the definitions of a file's old and new outline.
//!
//! Definitions are matched by (container, name), one to one when a name is defined several
//! times (overloads, typing stubs); what is left over is paired up by body hash
//! (same code, new name: a rename) before being called removed or added. A file whose token
//! hash did not change was only reformatted or re-commented: nothing in it changed
//! structurally. A renamed file's definitions are also listed as moves ([`carried`]); moves
//! between files are paired in `analyze::mechanical::moved`.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::analyze::blast::syntax::{Definition, Outline, SymbolKind, Visibility};

/// What happened to one symbol.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// New definition.
    Added,
    /// Definition gone.
    Removed,
    /// Same body under a new name.
    Renamed,
    /// Parameters, return type or generics changed.
    SignatureChanged,
    /// Fewer callers may see it now.
    VisibilityReduced,
    /// Only the body changed.
    BodyChanged,
    /// Same definition, now in another file.
    Moved,
}

impl ChangeKind {
    /// The word used in reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Added => "added",
            Self::Removed => "removed",
            Self::Renamed => "renamed",
            Self::SignatureChanged => "signature changed",
            Self::VisibilityReduced => "visibility reduced",
            Self::BodyChanged => "body changed",
            Self::Moved => "moved",
        }
    }
}

/// One classified symbol change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SymbolChange {
    /// The file it is in now (or was in, when removed).
    pub file: String,
    /// What happened.
    pub change: ChangeKind,
    /// The definition after the change (before it, when removed).
    pub name: String,
    /// Container (class, impl, module) if any.
    pub container: Option<String>,
    /// What the symbol is.
    pub kind: SymbolKind,
    /// Visibility before the change (after it, when added).
    pub visibility: Visibility,
    /// Line in the new file (in the old file, when removed).
    pub line: u32,
    /// The old name, for renames.
    pub old_name: Option<String>,
    /// The file it was in before the change, when that differs: a definition moved to
    /// another file, or one in a renamed file.
    pub old_file: Option<String>,
    /// Signature before, when it changed.
    pub old_signature: Option<String>,
    /// Signature after, when it changed.
    pub new_signature: Option<String>,
    /// Visibility after, when it was reduced.
    pub new_visibility: Option<Visibility>,
    /// The definition's name-masked body hash, to pair moves across files.
    #[serde(skip)]
    pub body_hash: u64,
    /// The recorded definition's signature (the old one, for renames), to tell a name reused
    /// by a new definition from a move.
    #[serde(skip)]
    pub signature: String,
}

impl SymbolChange {
    /// `Container::name`, for reports.
    #[must_use]
    pub fn qualified_name(&self) -> String {
        match &self.container {
            Some(container) => format!("{container}::{}", self.name),
            None => self.name.clone(),
        }
    }

    /// The name callers used before the change (the old name of a rename).
    #[must_use]
    pub fn name_before(&self) -> &str {
        self.old_name.as_deref().unwrap_or(&self.name)
    }

    /// The file callers found it in before the change.
    #[must_use]
    pub fn file_before(&self) -> &str {
        self.old_file.as_deref().unwrap_or(&self.file)
    }

    /// `public`, `package-visible` or `private`, as it was before the change.
    #[must_use]
    pub fn visibility_word(&self) -> &'static str {
        match self.visibility {
            Visibility::Public => "public",
            Visibility::Restricted => "package-visible",
            Visibility::Private => "private",
        }
    }

    /// Visible outside its own file or type before the change.
    #[must_use]
    pub fn was_exposed(&self) -> bool {
        self.visibility > Visibility::Private
    }
}

/// Kinds whose body is made of other definitions; their own body change is reported through
/// the members that changed, not as one more finding.
fn is_container(kind: SymbolKind) -> bool {
    matches!(
        kind,
        SymbolKind::Class | SymbolKind::Trait | SymbolKind::Interface | SymbolKind::Module
    )
}

type Key = (Option<String>, String);

fn key(definition: &Definition) -> Key {
    (definition.container.clone(), definition.name.clone())
}

/// Classifies the symbols of one file. `old` is `None` for an added file, `new` for a deleted
/// one. Identical token hashes mean a reformat or comment-only edit: no changes.
#[must_use]
pub fn classify(
    path: &str,
    old_path: &str,
    old: Option<&Outline>,
    new: Option<&Outline>,
) -> Vec<SymbolChange> {
    if let (Some(old), Some(new)) = (old, new)
        && old.token_hash == new.token_hash
    {
        return Vec::new();
    }
    let empty = Vec::new();
    let old_defs = old.map_or(&empty, |o| &o.definitions);
    let new_defs = new.map_or(&empty, |o| &o.definitions);
    let mut changes = Vec::new();
    let (pairs, mut added, mut removed) = pair_by_key(old_defs, new_defs);
    for (before, after) in pairs {
        changes.extend(compare(path, before, after));
    }

    // Same body, same kind and container, different name: a rename.
    added.retain(|after| {
        let Some(index) = removed.iter().position(|before| {
            before.body_hash == after.body_hash
                && before.kind == after.kind
                && before.container == after.container
        }) else {
            return true;
        };
        let before = removed.remove(index);
        let mut change = record(path, ChangeKind::Renamed, after, before.visibility);
        change.old_name = Some(before.name.clone());
        change.signature.clone_from(&before.signature);
        changes.push(change);
        false
    });
    changes.extend(
        added
            .into_iter()
            .map(|d| record(path, ChangeKind::Added, d, d.visibility)),
    );
    // In a renamed file, what was there before was found at the old path.
    if old_path != path {
        for change in changes.iter_mut().filter(|c| c.change != ChangeKind::Added) {
            change.old_file = Some(old_path.to_string());
        }
    }
    changes.extend(
        removed
            .into_iter()
            .map(|d| record(old_path, ChangeKind::Removed, d, d.visibility)),
    );
    changes.sort_by(|a, b| (a.line, &a.name).cmp(&(b.line, &b.name)));
    changes
}

/// The top-level definitions a renamed file takes along, changed or not: one `Moved` change
/// from `old_path` per definition that was visible outside the file and is defined under the
/// same name on both sides. Whether its users still reach it is the caller's question (the
/// new path may be another module).
#[must_use]
pub fn carried(path: &str, old_path: &str, old: &Outline, new: &Outline) -> Vec<SymbolChange> {
    let (pairs, _, _) = pair_by_key(&old.definitions, &new.definitions);
    pairs
        .into_iter()
        .filter(|(before, _)| before.container.is_none() && before.visibility > Visibility::Private)
        .map(|(before, after)| {
            let mut change = record(path, ChangeKind::Moved, after, before.visibility);
            change.old_file = Some(old_path.to_string());
            change
        })
        .collect()
}

/// Pairs old and new definitions of the same (container, name); returns the pairs, the new
/// definitions left unpaired (added) and the old ones (removed), each in source order.
///
/// A name can be defined several times in one scope: overloads (Java, C#, Kotlin, C++), and
/// typing stubs before an implementation (`@overload` in Python, overload signatures in
/// TypeScript). Within such a group, a definition whose signature is unchanged pairs with its
/// equal; the rest pair from the last one back, since the last is the implementation where a
/// language keeps only one. Comparing every new definition with one old namesake made three
/// added `@overload` stubs three signature changes of the method.
fn pair_by_key<'d>(
    old: &'d [Definition],
    new: &'d [Definition],
) -> (
    Vec<(&'d Definition, &'d Definition)>,
    Vec<&'d Definition>,
    Vec<&'d Definition>,
) {
    let mut old_groups: HashMap<Key, Vec<usize>> = HashMap::new();
    for (index, definition) in old.iter().enumerate() {
        old_groups.entry(key(definition)).or_default().push(index);
    }
    let mut new_groups: HashMap<Key, Vec<usize>> = HashMap::new();
    for (index, definition) in new.iter().enumerate() {
        new_groups.entry(key(definition)).or_default().push(index);
    }
    let mut paired_old = vec![false; old.len()];
    let mut paired_new: Vec<Option<usize>> = vec![None; new.len()];
    for (group_key, new_group) in &new_groups {
        let Some(old_group) = old_groups.get(group_key) else {
            continue;
        };
        for &after in new_group {
            let equal = old_group.iter().find(|&&before| {
                !paired_old[before] && old[before].signature == new[after].signature
            });
            if let Some(&before) = equal {
                paired_old[before] = true;
                paired_new[after] = Some(before);
            }
        }
        let old_rest = old_group
            .iter()
            .rev()
            .filter(|&&before| !paired_old[before]);
        let new_rest = new_group
            .iter()
            .rev()
            .filter(|&&after| paired_new[after].is_none());
        let rest: Vec<(usize, usize)> = old_rest.copied().zip(new_rest.copied()).collect();
        for (before, after) in rest {
            paired_old[before] = true;
            paired_new[after] = Some(before);
        }
    }
    let mut pairs = Vec::new();
    let mut added = Vec::new();
    for (after, before) in paired_new.iter().enumerate() {
        match before {
            Some(before) => pairs.push((&old[*before], &new[after])),
            None => added.push(&new[after]),
        }
    }
    let removed = old
        .iter()
        .zip(&paired_old)
        .filter(|(_, paired)| !**paired)
        .map(|(definition, _)| definition)
        .collect();
    (pairs, added, removed)
}

fn compare(path: &str, before: &Definition, after: &Definition) -> Option<SymbolChange> {
    let kind = if after.visibility < before.visibility {
        ChangeKind::VisibilityReduced
    } else if before.signature != after.signature {
        ChangeKind::SignatureChanged
    } else if before.body_hash != after.body_hash && !is_container(after.kind) {
        ChangeKind::BodyChanged
    } else {
        return None;
    };
    let mut change = record(path, kind, after, before.visibility);
    if kind == ChangeKind::SignatureChanged {
        change.old_signature = Some(before.signature.clone());
        change.new_signature = Some(after.signature.clone());
    }
    if kind == ChangeKind::VisibilityReduced {
        change.new_visibility = Some(after.visibility);
    }
    Some(change)
}

fn record(
    path: &str,
    change: ChangeKind,
    definition: &Definition,
    visibility: Visibility,
) -> SymbolChange {
    SymbolChange {
        file: path.to_string(),
        change,
        name: definition.name.clone(),
        container: definition.container.clone(),
        kind: definition.kind,
        visibility,
        line: definition.start_line,
        old_name: None,
        old_file: None,
        old_signature: None,
        new_signature: None,
        new_visibility: None,
        body_hash: definition.body_hash,
        signature: definition.signature.clone(),
    }
}

/// A name that leaves one file (removed, or renamed away) and is defined again in another file
/// of the same namespace with a different signature was not removed: callers of the name now
/// reach the new definition, whose signature changed. The pair becomes one `SignatureChanged`
/// (from the old file), and a renamed-away body becomes a plain addition under its new name.
/// `related` says whether the two files share a namespace.
pub fn detect_reused_names(
    changes: &mut Vec<SymbolChange>,
    related: impl Fn(&SymbolChange, &SymbolChange) -> bool,
) {
    let mut gone = HashSet::new();
    for left in 0..changes.len() {
        if !matches!(
            changes[left].change,
            ChangeKind::Removed | ChangeKind::Renamed
        ) {
            continue;
        }
        let twin = changes.iter().position(|other| {
            let before = &changes[left];
            other.change == ChangeKind::Added
                && other.file != before.file
                && other.name == before.name_before()
                && other.container == before.container
                && other.signature != before.signature
                && related(before, other)
        });
        let Some(twin) = twin else { continue };
        let (old_file, old_signature, visibility) = {
            let before = &changes[left];
            (
                before.file.clone(),
                before.signature.clone(),
                before.visibility,
            )
        };
        let reused = &mut changes[twin];
        reused.change = ChangeKind::SignatureChanged;
        reused.old_file = Some(old_file);
        reused.new_signature = Some(reused.signature.clone());
        reused.old_signature = Some(old_signature);
        reused.visibility = visibility;
        let before = &mut changes[left];
        if before.change == ChangeKind::Renamed {
            before.change = ChangeKind::Added;
            before.old_name = None;
        } else {
            gone.insert(left);
        }
    }
    let mut index = 0;
    changes.retain(|_| {
        index += 1;
        !gone.contains(&(index - 1))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(
        name: &str,
        signature: &str,
        visibility: Visibility,
        body: u64,
        line: u32,
    ) -> Definition {
        Definition {
            name: name.to_string(),
            kind: SymbolKind::Function,
            container: None,
            start_line: line,
            end_line: line + 2,
            signature: signature.to_string(),
            visibility,
            body_hash: body,
        }
    }

    fn outline(token_hash: u64, definitions: Vec<Definition>) -> Outline {
        Outline {
            language: "python".into(),
            definitions,
            token_hash,
            ..Outline::default()
        }
    }

    fn kinds(changes: &[SymbolChange]) -> Vec<(String, ChangeKind)> {
        changes.iter().map(|c| (c.name.clone(), c.change)).collect()
    }

    /// Each kind of change is recognised: rename by body, signature, visibility, body, removal, addition.
    #[test]
    fn classifies_each_kind_of_change() {
        let old = outline(
            1,
            vec![
                def("total", "def total(items)", Visibility::Public, 10, 1),
                def("helper", "def helper()", Visibility::Public, 20, 5),
                def("shown", "def shown()", Visibility::Public, 30, 9),
                def("body", "def body()", Visibility::Public, 40, 13),
                def("gone", "def gone()", Visibility::Public, 50, 17),
            ],
        );
        let new = outline(
            2,
            vec![
                def("total", "def total(items, rate)", Visibility::Public, 11, 1),
                def("assist", "def assist()", Visibility::Public, 20, 5),
                def("shown", "def shown()", Visibility::Private, 30, 9),
                def("body", "def body()", Visibility::Public, 41, 13),
                def("fresh", "def fresh()", Visibility::Public, 60, 17),
            ],
        );
        let changes = classify("a.py", "a.py", Some(&old), Some(&new));
        assert_eq!(
            kinds(&changes),
            [
                ("total".into(), ChangeKind::SignatureChanged),
                ("assist".into(), ChangeKind::Renamed),
                ("shown".into(), ChangeKind::VisibilityReduced),
                ("body".into(), ChangeKind::BodyChanged),
                ("fresh".into(), ChangeKind::Added),
                ("gone".into(), ChangeKind::Removed),
            ]
        );
        assert_eq!(changes[1].old_name.as_deref(), Some("helper"));
        assert_eq!(
            changes[0].old_signature.as_deref(),
            Some("def total(items)")
        );
    }

    /// Overloads pair with their own signature: editing one overload's body is one body
    /// change, not a signature change of its namesake.
    #[test]
    fn overloads_pair_with_their_own_signature() {
        let old = outline(
            1,
            vec![
                def("parse", "int parse(int n)", Visibility::Public, 1, 1),
                def("parse", "int parse(String s)", Visibility::Public, 2, 5),
            ],
        );
        let new = outline(
            2,
            vec![
                def("parse", "int parse(int n)", Visibility::Public, 1, 1),
                def("parse", "int parse(String s)", Visibility::Public, 3, 5),
            ],
        );
        let changes = classify("P.java", "P.java", Some(&old), Some(&new));
        assert_eq!(kinds(&changes), [("parse".into(), ChangeKind::BodyChanged)]);
        assert_eq!(changes[0].line, 5);
    }

    /// Typing stubs added before an implementation (`@overload`) are additions; the
    /// implementation, the last definition, carries the one signature change.
    #[test]
    fn overload_stubs_are_added_and_the_implementation_changes() {
        let old = outline(
            1,
            vec![def(
                "update",
                "def update(self, id)",
                Visibility::Public,
                1,
                1,
            )],
        );
        let new = outline(
            2,
            vec![
                def(
                    "update",
                    "def update(self, id, minimal: Literal[False] = False) -> Thread",
                    Visibility::Public,
                    0,
                    1,
                ),
                def(
                    "update",
                    "def update(self, id, minimal: Literal[True]) -> None",
                    Visibility::Public,
                    0,
                    5,
                ),
                def(
                    "update",
                    "def update(self, id, minimal=False)",
                    Visibility::Public,
                    2,
                    9,
                ),
            ],
        );
        let changes = classify("t.py", "t.py", Some(&old), Some(&new));
        assert_eq!(
            kinds(&changes),
            [
                ("update".into(), ChangeKind::Added),
                ("update".into(), ChangeKind::Added),
                ("update".into(), ChangeKind::SignatureChanged),
            ]
        );
        assert_eq!(
            changes[2].new_signature.as_deref(),
            Some("def update(self, id, minimal=False)")
        );
        // And the other way round: stubs removed leave the implementation's change.
        let changes = classify("t.py", "t.py", Some(&new), Some(&old));
        assert_eq!(
            kinds(&changes),
            [
                ("update".into(), ChangeKind::SignatureChanged),
                ("update".into(), ChangeKind::Removed),
                ("update".into(), ChangeKind::Removed),
            ]
        );
    }

    /// A reformat or comment-only edit (same token hash) changes no symbol.
    #[test]
    fn reformat_changes_nothing() {
        let old = outline(7, vec![def("f", "def f()", Visibility::Public, 1, 1)]);
        let new = outline(7, vec![def("f", "def f()", Visibility::Public, 1, 3)]);
        assert!(classify("a.py", "a.py", Some(&old), Some(&new)).is_empty());
    }

    /// `Parse` renamed to `ParseLegacy` in one file and a new `Parse` with another signature
    /// added in a related file: `Parse`'s signature changed, `ParseLegacy` is new. A removal
    /// paired the same way leaves one change; an unrelated file or an equal signature pairs
    /// nothing.
    #[test]
    fn name_reused_by_a_new_definition_is_a_signature_change() {
        let old = outline(
            1,
            vec![def(
                "Parse",
                "func Parse(s string)",
                Visibility::Public,
                5,
                1,
            )],
        );
        let renamed = outline(
            2,
            vec![def(
                "ParseLegacy",
                "func ParseLegacy(s string)",
                Visibility::Public,
                5,
                1,
            )],
        );
        let added = outline(
            3,
            vec![def(
                "Parse",
                "func Parse(s string, strict bool)",
                Visibility::Public,
                9,
                1,
            )],
        );
        let mut changes = classify("p/a.go", "p/a.go", Some(&old), Some(&renamed));
        changes.extend(classify("p/b.go", "p/b.go", None, Some(&added)));
        assert_eq!(changes[0].change, ChangeKind::Renamed);
        detect_reused_names(&mut changes, |_, _| true);
        assert_eq!(
            kinds(&changes),
            [
                ("ParseLegacy".into(), ChangeKind::Added),
                ("Parse".into(), ChangeKind::SignatureChanged),
            ]
        );
        assert_eq!(changes[1].file, "p/b.go");
        assert_eq!(changes[1].old_file.as_deref(), Some("p/a.go"));
        assert_eq!(
            changes[1].old_signature.as_deref(),
            Some("func Parse(s string)")
        );
        assert_eq!(
            changes[1].new_signature.as_deref(),
            Some("func Parse(s string, strict bool)")
        );

        let mut removed = classify("p/a.go", "p/a.go", Some(&old), None);
        removed.extend(classify("p/b.go", "p/b.go", None, Some(&added)));
        let mut unrelated = removed.clone();
        detect_reused_names(&mut removed, |_, _| true);
        assert_eq!(
            kinds(&removed),
            [("Parse".into(), ChangeKind::SignatureChanged)]
        );
        detect_reused_names(&mut unrelated, |_, _| false);
        assert_eq!(
            kinds(&unrelated),
            [
                ("Parse".into(), ChangeKind::Removed),
                ("Parse".into(), ChangeKind::Added)
            ]
        );

        let same = outline(
            4,
            vec![def(
                "Parse",
                "func Parse(s string)",
                Visibility::Public,
                7,
                1,
            )],
        );
        let mut moved = classify("p/a.go", "p/a.go", Some(&old), None);
        moved.extend(classify("p/b.go", "p/b.go", None, Some(&same)));
        detect_reused_names(&mut moved, |_, _| true);
        assert_eq!(
            moved.len(),
            2,
            "equal signatures are not a signature change"
        );
    }
}
