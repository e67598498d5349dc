//! The confirm rules and the reach bounds on hand-made outlines, without a repository.

use super::*;
use crate::analyze::blast::dependents::confirm::{Enclosing, Hit};
use crate::analyze::blast::dependents::reach;

/// All probes are relevant (the byte scan found every name).
fn hits(path: &str, family: &str, outline: &Outline, probes: &[Probe]) -> Vec<Hit> {
    let relevant: Vec<usize> = (0..probes.len()).collect();
    let file = confirm::File {
        path,
        family,
        outline,
        scope: None,
    };
    confirm::hits(&file, probes, &relevant)
}

/// The name on the line where a file defines it is a definition, not a use; other lines are.
#[test]
fn definition_line_is_not_a_use() {
    let core = outline(
        vec![function("compute_total", 1, 3), function("report", 5, 6)],
        vec![
            reference("compute_total", 1, ReferenceKind::Other, None),
            reference("compute_total", 6, ReferenceKind::Call, Some("report")),
        ],
    );
    let hits = hits(
        "core.py",
        "python",
        &core,
        &[probe("compute_total", None, "core.py")],
    );
    assert_eq!(lines(&hits), [6]);
    assert_eq!(hits[0].site.enclosing.as_deref(), Some("report"));
}

/// A file that defines its own top-level namesake and does not import the name is not a
/// dependent; the same file importing the name is.
#[test]
fn own_namesake_shadows_unless_imported() {
    let shadowing = outline(
        vec![function("compute_total", 1, 2)],
        vec![reference("compute_total", 4, ReferenceKind::Call, None)],
    );
    let target = [probe("compute_total", None, "core.py")];
    assert!(hits("other.py", "python", &shadowing, &target).is_empty());
    let mut importing = shadowing.clone();
    importing
        .references
        .push(reference("compute_total", 9, ReferenceKind::Import, None));
    assert_eq!(
        lines(&hits("other.py", "python", &importing, &target)),
        [4, 9]
    );
}

/// A method's member use counts where the file names the container, not on an unrelated type;
/// the enclosing definition's container is carried to the next level.
#[test]
fn member_use_needs_the_container() {
    let unrelated = outline(
        vec![],
        vec![reference("save", 2, ReferenceKind::Member, None)],
    );
    let target = [probe("save", Some("Ledger"), "ledger.py")];
    assert!(hits("other.py", "python", &unrelated, &target).is_empty());
    let mut method = function("close", 1, 5);
    method.kind = SymbolKind::Method;
    method.container = Some("Book".to_string());
    let related = outline(
        vec![method],
        vec![
            reference("Ledger", 2, ReferenceKind::Call, Some("close")),
            reference("save", 3, ReferenceKind::Member, Some("close")),
        ],
    );
    let hits = hits("book.py", "python", &related, &target);
    assert_eq!(lines(&hits), [3]);
    let expected = Enclosing {
        name: "close".to_string(),
        container: Some("Book".to_string()),
    };
    assert_eq!(hits[0].enclosing, Some(expected));
}

/// Another family's file is never matched, whatever its outline says.
#[test]
fn other_family_is_ignored() {
    let uses = outline(
        vec![],
        vec![reference("compute_total", 1, ReferenceKind::Call, None)],
    );
    let target = [probe("compute_total", None, "core.py")];
    assert!(hits("core.rs", "rust", &uses, &target).is_empty());
}

/// Several uses on one line make one site, with the most specific kind.
#[test]
fn one_site_per_line_with_the_most_specific_kind() {
    let uses = outline(
        vec![],
        vec![
            reference("Money", 3, ReferenceKind::Other, None),
            reference("Money", 3, ReferenceKind::Type, None),
        ],
    );
    let hits = hits("a.py", "python", &uses, &[probe("Money", None, "m.py")]);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].site.kind, ReferenceKind::Type);
}

fn hit(probe: usize, path: &str, enclosing: Option<&str>) -> Hit {
    Hit {
        probe,
        site: Site {
            path: path.to_string(),
            line: 1,
            kind: ReferenceKind::Call,
            enclosing: enclosing.map(str::to_string),
        },
        enclosing: enclosing.map(|name| Enclosing {
            name: name.to_string(),
            container: None,
        }),
        home: None,
        undecided: false,
        reexported: false,
    }
}

/// A chain f ← g (in b.py) ← h (in c.py) ← i (in d.py): depth 3 reaches c.py and d.py, depth
/// 2 stops at c.py and says it was cut short.
#[test]
fn reach_follows_enclosing_definitions_to_the_depth_bound() {
    let run = |probes: &[Probe]| -> Result<Vec<Hit>, Error> {
        Ok(probes
            .iter()
            .enumerate()
            .filter_map(|(index, probe)| match probe.name.as_str() {
                "f" => Some(hit(index, "b.py", Some("g"))),
                "g" => Some(hit(index, "c.py", Some("h"))),
                "h" => Some(hit(index, "d.py", Some("i"))),
                _ => None,
            })
            .collect())
    };
    let targets = [target("f", "a.py")];
    let deep = reach::reach(&targets, vec![None], &SearchOptions::default(), run).expect("reach");
    assert_eq!(deep[0].direct_files, ["b.py"]);
    assert_eq!(deep[0].transitive_files, ["c.py", "d.py"]);
    assert!(
        deep[0].truncated,
        "i still has callers to look for at depth 3"
    );
    let options = SearchOptions {
        max_depth: 2,
        ..SearchOptions::default()
    };
    let shallow = reach::reach(&targets, vec![None], &options, run).expect("reach");
    assert_eq!(shallow[0].transitive_files, ["c.py"]);
    assert!(shallow[0].truncated);
}

/// More enclosing definitions than the per-level bound: only the bound is followed, the reach
/// is truncated, and the direct sites are capped by `max_sites_per_target`.
#[test]
fn reach_bounds_names_per_level_and_sites() {
    let callers = reach::MAX_NAMES_PER_LEVEL + 5;
    let run = |probes: &[Probe]| -> Result<Vec<Hit>, Error> {
        Ok(if probes[0].name == "f" {
            (0..callers)
                .map(|n| hit(0, &format!("caller{n:03}.py"), Some(&format!("g{n:03}"))))
                .collect()
        } else {
            probes
                .iter()
                .enumerate()
                .map(|(index, probe)| hit(index, &format!("{}_user.py", probe.name), None))
                .collect()
        })
    };
    let options = SearchOptions {
        max_sites_per_target: 10,
        ..SearchOptions::default()
    };
    let reach = reach::reach(&[target("f", "a.py")], vec![None], &options, run).expect("reach");
    assert_eq!(reach[0].direct_sites.len(), 10);
    assert_eq!(reach[0].direct_files.len(), callers);
    assert_eq!(reach[0].transitive_files.len(), reach::MAX_NAMES_PER_LEVEL);
    assert!(reach[0].truncated);
}
