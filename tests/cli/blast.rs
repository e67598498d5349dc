//! Structural blast radius, per language: a library loses one function, renames one, changes
//! one's signature and one's body; an untouched caller uses all four; a third file names them
//! only in comments and strings. The report must find exactly the caller as the dependent of
//! each, the caller's lines as dangling references for the removed and renamed names, and
//! never the third file. Fixtures: `fixtures/blast/<language>/`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{CLAUDE_TRAILER, Repo, blastgate};

struct Case {
    language: String,
    lib: PathBuf,
    caller: PathBuf,
    noise: PathBuf,
    removed: String,
    renamed: (String, String),
    signature: String,
    /// What a new parameter looks like in this language: `signature-changed`, or
    /// `body-changed` where functions declare no parameters (Bash).
    signature_change: String,
    body: String,
}

fn cases() -> Vec<Case> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/blast");
    let mut cases: Vec<Case> = std::fs::read_dir(&root)
        .expect("fixtures/blast exists")
        .map(|entry| entry.expect("dir entry").path())
        .map(|dir| {
            let files: Vec<PathBuf> = std::fs::read_dir(&dir)
                .expect("language dir")
                .map(|e| e.expect("entry").path())
                .collect();
            let find = |pred: &dyn Fn(&str) -> bool| -> PathBuf {
                files
                    .iter()
                    .find(|p| pred(&p.file_name().expect("name").to_string_lossy()))
                    .cloned()
                    .expect("fixture file")
            };
            let lib = find(&|name| name.ends_with(".before"));
            let lib_stem = lib
                .file_name()
                .expect("name")
                .to_string_lossy()
                .trim_end_matches(".before")
                .to_string();
            let caller = find(&|name| {
                !name.contains(".before")
                    && !name.contains(".after")
                    && name != "symbols.txt"
                    && !name.to_lowercase().starts_with("notes")
                    && name != lib_stem
            });
            let noise = find(&|name| name.to_lowercase().starts_with("notes"));
            let symbols = std::fs::read_to_string(dir.join("symbols.txt")).expect("symbols.txt");
            let word = |key: &str, index: usize| -> String {
                symbols
                    .lines()
                    .find(|l| l.starts_with(key))
                    .expect("symbol line")
                    .split_whitespace()
                    .nth(index)
                    .expect("name")
                    .to_string()
            };
            Case {
                language: dir
                    .file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned(),
                removed: word("removed", 1),
                renamed: (word("renamed", 1), word("renamed", 2)),
                signature: word("signature", 1),
                signature_change: symbols
                    .lines()
                    .find(|l| l.starts_with("signature"))
                    .and_then(|l| l.split_whitespace().nth(2))
                    .unwrap_or("signature-changed")
                    .to_string(),
                body: word("body", 1),
                lib,
                caller,
                noise,
            }
        })
        .collect();
    cases.sort_by(|a, b| a.language.cmp(&b.language));
    cases
}

fn repo_path(file: &Path) -> String {
    let name = file.file_name().expect("name").to_string_lossy();
    format!(
        "src/{}",
        name.trim_end_matches(".before").trim_end_matches(".after")
    )
}

/// Lines of `text` that use `name` as a whole word.
fn lines_using(text: &str, name: &str) -> Vec<u64> {
    let word = regex::Regex::new(&format!(r"\b{}\b", regex::escape(name))).expect("regex");
    text.lines()
        .enumerate()
        .filter(|(_, line)| word.is_match(line))
        .map(|(i, _)| i as u64 + 1)
        .collect()
}

fn symbol<'a>(report: &'a Value, change: &str, name: &str) -> Option<&'a Value> {
    report["blast_radius"]["symbols"]
        .as_array()?
        .iter()
        .find(|s| s["change"] == change && s["name"] == name)
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn check_language(case: &Case) -> Vec<String> {
    let repo = Repo::new();
    let lib = repo_path(&case.lib);
    let caller = repo_path(&case.caller);
    let noise = repo_path(&case.noise);
    let read = |path: &Path| std::fs::read_to_string(path).expect("fixture");
    repo.write(&lib, read(&case.lib))
        .write(&caller, read(&case.caller))
        .write(&noise, read(&case.noise));
    repo.commit("Library and its caller");
    repo.git(&["checkout", "-q", "-b", "change"]);
    repo.write(&lib, read(&case.lib.with_extension("after")));
    repo.commit(&format!("Rework the library\n\n{CLAUDE_TRAILER}\n"));
    let result = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    let report = result.json();
    let caller_text = read(&case.caller);
    let mut problems = Vec::new();
    let mut expect = |ok: bool, what: String| {
        if !ok {
            problems.push(format!("{}: {what}", case.language));
        }
    };
    let expectations = [
        ("removed", case.removed.as_str(), case.removed.as_str()),
        ("renamed", case.renamed.1.as_str(), case.renamed.0.as_str()),
        (
            case.signature_change.as_str(),
            case.signature.as_str(),
            case.signature.as_str(),
        ),
        ("body-changed", case.body.as_str(), case.body.as_str()),
    ];
    for (change, name, used_as) in expectations {
        let Some(found) = symbol(&report, change, name) else {
            expect(
                false,
                format!(
                    "no `{change}` symbol `{name}` in {}",
                    report["blast_radius"]["symbols"]
                ),
            );
            continue;
        };
        let dependents = strings(&found["dependent_files"]);
        expect(
            dependents == [caller.clone()],
            format!("`{name}` ({change}) dependents {dependents:?}, expected [{caller}]"),
        );
        if matches!(change, "removed" | "renamed") {
            let dangling: Vec<u64> = found["dangling"]
                .as_array()
                .map(|sites| {
                    sites
                        .iter()
                        .filter(|s| s["path"] == caller.as_str())
                        .filter_map(|s| s["line"].as_u64())
                        .collect()
                })
                .unwrap_or_default();
            let expected = lines_using(&caller_text, used_as);
            expect(
                dangling == expected,
                format!("`{used_as}` dangling at {dangling:?}, expected {expected:?}"),
            );
        }
    }
    let everything = report["blast_radius"].to_string();
    expect(
        !everything.contains(&format!("\"{noise}\"")),
        format!("{noise} (comments and strings only) counted: {everything}"),
    );
    problems
}

/// Every language in the registry: removed, renamed, signature-changed and body-changed
/// symbols with exactly their known caller as dependent, and no false dependents.
#[test]
fn removed_renamed_signature_and_body_changes_per_language() {
    let cases = cases();
    assert!(
        cases.len() >= 16,
        "expected fixtures for 16 languages, found {}",
        cases.len()
    );
    let problems: Vec<String> = cases.iter().flat_map(check_language).collect();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
