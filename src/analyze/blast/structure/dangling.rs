//! Dangling references: uses that still name what the change removed, renamed or moved away,
//! after the change.

use std::collections::{HashMap, HashSet};

use super::{Seen, is_type, target_of};
use crate::analyze::blast::dependents::namespace::{self, Resolution};
use crate::analyze::blast::dependents::{self, Reach, Site};
use crate::analyze::blast::inherits;
use crate::analyze::blast::symbols::{ChangeKind, SymbolChange};
use crate::analyze::blast::syntax::{ReferenceKind, SymbolKind};
use crate::analyze::lang::{self, Language};

/// Reads a file the change left alone, as the search read it.
type BaseFile<'f> = &'f dyn Fn(&str) -> Option<Vec<u8>>;

/// References that still use a removed or renamed name after the change, or a moved one at its
/// old place (when it left its namespace): in files the change left alone (found at the base,
/// identical at head), and in the new versions of changed files that can see the name's old
/// namespace. Nothing is dangling when the name is still defined in a changed file its callers
/// look in (any file of the family, for languages without namespaces), or the old module still
/// imports it (a re-export); a use of a moved name is not when it would find the new place too.
pub(super) fn dangling(
    change: &SymbolChange,
    reach: &Reach,
    seen: &Seen<'_>,
    base_file: BaseFile<'_>,
) -> Vec<Site> {
    let spaces = seen.spaces;
    let moved = change.change == ChangeKind::Moved;
    if !(matches!(change.change, ChangeKind::Removed | ChangeKind::Renamed)
        || moved && spaces.moved_away(change, seen.families))
    {
        return Vec::new();
    }
    let (changed, new_outlines) = (seen.touched_paths, seen.new_outlines);
    let name = change.name_before();
    // Where callers found the name: a moved definition's old file.
    let home_file = change.file_before();
    let family = seen.families.get(&change.file).copied();
    let same_family = |language: &Language| Some(language.family) == family;
    // The file callers looked in, or one that is now the same module (`types.py` become
    // `types/__init__.py`).
    let home = spaces.home_before(home_file);
    let is_home_file =
        |path: &str| {
            path == home_file
                || spaces.new_scopes.get(path).zip(home).is_some_and(
                    |((family, scope, _), home)| namespace::same_module(family, home, &scope.home),
                )
        };
    // Methods keep name-based resolution: the class's own namespace is not tracked.
    let visible_there = |path: &str| {
        is_home_file(path)
            || change.container.is_some()
            || spaces
                .new_scopes
                .get(path)
                .is_none_or(|(family, scope, _)| {
                    home.is_none_or(|home| namespace::same_namespace(family, home, &scope.home))
                })
    };
    let outline_of = |path: &str| &new_outlines[path];
    // A stub or declaration file describes the name; it holds no code to find at run time.
    let holds_code = |path: &str| !lang::declares_only(path);
    let defined = seen
        .names
        .defining(name)
        .iter()
        .any(|path| same_family(outline_of(path).0) && holds_code(path) && visible_there(path));
    let re_exported = || {
        seen.names.using(name).iter().any(|path| {
            let (language, outline) = outline_of(path);
            same_family(language)
                && holds_code(path)
                && is_home_file(path)
                && outline
                    .references
                    .iter()
                    .any(|r| r.name == name && r.kind == ReferenceKind::Import)
        })
    };
    let still_defined = defined || re_exported();
    if still_defined || may_inherit(change, seen) || went_with_its_class(change, seen) {
        return Vec::new();
    }
    // A file that imports a moved name from an enclosing module gets it from wherever that
    // module re-exports it: a re-export left naming the old place dangles by itself.
    let through_reexport = |path: &str| moved && reach.reexported_files.iter().any(|f| f == path);
    let mut sites: Vec<Site> = reach
        .direct_sites
        .iter()
        .filter(|site| !changed.contains(site.path.as_str()) && !through_reexport(&site.path))
        .cloned()
        .collect();
    let exposed = change.was_exposed();
    let target = target_of(change, seen.families);
    // Files that could only maybe see the old place (a wildcard or dynamic import).
    let mut undecided: HashSet<&str> = reach.undecided_files.iter().map(String::as_str).collect();
    for &path in seen.names.using(name) {
        let (language, outline) = outline_of(path);
        // Only files that use the name are here. A private symbol can only be used from its
        // own file; whether the file can see the name's namespace is asked last.
        let uses = outline.references.iter().filter(|r| r.name == name);
        if !same_family(language)
            || (!exposed && *path != change.file)
            || target.as_ref().is_some_and(|target| {
                *path != change.file && !dependents::may_use(outline, path, target)
            })
        {
            continue;
        }
        match spaces.resolves(change, path) {
            Resolution::Unrelated => continue,
            Resolution::Reexported if moved => continue,
            Resolution::Undecided => {
                undecided.insert(path);
            }
            Resolution::Resolved | Resolution::Reexported => {}
        }
        sites.extend(uses.map(|r| Site {
            path: path.to_string(),
            line: r.line,
            kind: r.kind,
            enclosing: r.enclosing.clone(),
        }));
    }
    if moved {
        keep_lost(&mut sites, change, seen, &undecided, base_file);
    }
    sites.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    sites.dedup();
    sites
}

/// Keeps the uses of a moved definition whose files would not find it at its new place
/// (`undecided`: the files that saw the old place only maybe).
fn keep_lost(
    sites: &mut Vec<Site>,
    moved: &SymbolChange,
    seen: &Seen<'_>,
    undecided: &HashSet<&str>,
    base_file: BaseFile<'_>,
) {
    let mut found = HashMap::new();
    sites.retain(|site| {
        !*found.entry(site.path.clone()).or_insert_with(|| {
            let maybe = undecided.contains(site.path.as_str());
            seen.spaces
                .found_at_new_home(moved, (&site.path, maybe), base_file)
        })
    });
}

/// Whether a removed method's class was removed from the same file by the change: the
/// class's own removal is what breaks its users, and its methods' names (`model_dump`,
/// `is_done`) mostly belong to other types. A method whose type is defined elsewhere (Go, a
/// Rust `impl` apart from its struct) keeps its own finding.
fn went_with_its_class(change: &SymbolChange, seen: &Seen<'_>) -> bool {
    let Some(class) = change.container.as_deref() else {
        return false;
    };
    change.kind == SymbolKind::Method
        && seen
            .removed_types
            .contains(&(change.file.clone(), class.to_string()))
}

/// Whether a method removed from a class that is still there may now be inherited: the
/// class names a base ([`inherits`]), whose methods the analysis may not see.
fn may_inherit(change: &SymbolChange, seen: &Seen<'_>) -> bool {
    let Some(class) = change.container.as_deref() else {
        return false;
    };
    let Some((language, outline)) = seen.new_outlines.get(&change.file) else {
        return false;
    };
    outline.definitions.iter().any(|definition| {
        definition.name == class
            && is_type(definition.kind)
            && inherits::names_a_base(language.family, &definition.signature, class)
    })
}
