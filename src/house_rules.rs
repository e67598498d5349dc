//! Rules of the house that a compiler does not check, kept by tests over `src/`.
//!
//! - A type name visible outside its file means one thing: two modules with a `Side`, a
//!   `Target` or a `Finding` each made readers ask which one a signature meant (issue 15).
//!   Names every module defines for itself by convention are listed in [`PER_MODULE`].
//! - A file can be read in one sitting: at most [`MAX_LINES`] lines.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Names each module may define for itself, and why.
const PER_MODULE: &[(&str, &str)] = &[
    (
        "Error",
        "each module's typed errors (thiserror), used as `module::Error`",
    ),
    (
        "Options",
        "each stage's own settings, used as `module::Options`",
    ),
    (
        "Entry",
        "an entry of the container its module defines (pack, index, tree, curve)",
    ),
    ("Row", "a row of the table its module holds"),
    (
        "Value",
        "a value of the document model its module parses (HCL, YAML/JSON trees)",
    ),
    (
        "Node",
        "a node of the document model its module parses (policy YAML, config trees)",
    ),
];

/// Longest source file, in lines.
const MAX_LINES: usize = 800;

fn sources() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = fs::read_dir(dir)
            .expect("src/ is readable")
            .map(|entry| entry.expect("src/ is readable").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
    out
}

/// Test code: a `tests.rs`, a file under a `tests/` directory, or `testdata`.
fn is_test_code(path: &Path) -> bool {
    path.file_name().is_some_and(|name| name == "tests.rs")
        || path
            .components()
            .any(|part| part.as_os_str() == "tests" || part.as_os_str() == "testdata")
}

/// The names of the `pub`, `pub(crate)` and `pub(super)` structs, enums, type aliases and
/// traits declared at the start of a line of `text`, outside `#[cfg(test)]` items.
fn visible_types(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    // Inside a top-level `#[cfg(test)]` item, which ends with a `}` line or a `;`.
    let mut in_test = false;
    for line in text.lines() {
        if line.starts_with("#[cfg(test)]") {
            in_test = true;
            continue;
        }
        if in_test {
            in_test = !(line == "}" || (!line.starts_with(' ') && line.ends_with(';')));
            continue;
        }
        let Some(rest) = line.trim_start().strip_prefix("pub") else {
            continue;
        };
        let rest = match rest.strip_prefix('(') {
            Some(scoped) => match scoped.split_once(')') {
                Some((_, after)) => after,
                None => continue,
            },
            None => rest,
        };
        let mut words = rest.split_whitespace();
        if !matches!(words.next(), Some("struct" | "enum" | "type" | "trait")) {
            continue;
        }
        let Some(word) = words.next() else { continue };
        let name: String = word
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if name.starts_with(|c: char| c.is_ascii_uppercase()) {
            names.push(name);
        }
    }
    names
}

fn relative(path: &Path) -> String {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
        .display()
        .to_string()
}

#[test]
fn visible_type_names_mean_one_thing() {
    let mut defined: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for path in sources().iter().filter(|path| !is_test_code(path)) {
        let text = fs::read_to_string(path).expect("source is UTF-8");
        for name in visible_types(&text) {
            defined.entry(name).or_default().push(relative(path));
        }
    }
    assert!(defined.contains_key("Target"), "the scan found nothing");
    let clashes: Vec<String> = defined
        .iter()
        .filter(|(name, files)| {
            files.len() > 1 && !PER_MODULE.iter().any(|(allowed, _)| allowed == name)
        })
        .map(|(name, files)| format!("{name}: {}", files.join(", ")))
        .collect();
    assert!(
        clashes.is_empty(),
        "one name, several types; rename all but one after what each is:\n{}",
        clashes.join("\n")
    );
}

#[test]
fn the_scan_sees_scoped_visibility_and_skips_test_items() {
    let text = "pub struct A;\npub(super) enum B {}\npub(crate) type C = u8;\nstruct D;\n\
                pub fn e() {}\n    pub trait F {}\n#[cfg(test)]\nmod tests {\n    pub struct G;\n}\n\
                pub struct H;\n#[cfg(test)]\nmod more;\npub enum I {}\n";
    assert_eq!(visible_types(text), ["A", "B", "C", "F", "H", "I"]);
}

#[test]
fn files_can_be_read_in_one_sitting() {
    let long: Vec<String> = sources()
        .iter()
        .filter_map(|path| {
            let lines = fs::read_to_string(path)
                .expect("source is UTF-8")
                .lines()
                .count();
            (lines > MAX_LINES).then(|| format!("{} ({lines} lines)", relative(path)))
        })
        .collect();
    assert!(
        long.is_empty(),
        "over {MAX_LINES} lines; split by concept: {}",
        long.join(", ")
    );
}
