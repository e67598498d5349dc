//! Entry points for the fuzz targets in `fuzz/` and their regression tests.
//!
//! Each function feeds arbitrary bytes to one parser and asserts what must hold for any input:
//! no panic, errors that render as one line, and output that keeps the parser's own
//! invariants. A fuzz target is a one-line call to one of these, and `cargo test` runs the
//! same functions over every saved crash and seed (see `fuzz/regressions/`), so a fixed crash
//! stays fixed on stable Rust. Not a stable API.

mod analyzers;

pub use analyzers::{cloudformation, hcl, kubernetes, workflow};

use crate::diff::{self, FileChange, FileStatus, Hunk, LineKind, unified};
use crate::policy::{self, Source};
use crate::signoff;

/// A fuzz target: bytes in, panics on anything that must not happen.
pub type FuzzTarget = fn(&[u8]);

/// The fuzz targets by name, as `fuzz/fuzz_targets/<name>.rs` and `fuzz/regressions/<name>/`
/// call them. A new target adds one row here and one three-line file there.
pub const TARGETS: &[(&str, FuzzTarget)] = &[
    ("unified_diff", unified_diff),
    ("pre_push", pre_push),
    ("policy", policy),
    ("approval_note", approval_note),
    ("hcl", hcl),
    ("kubernetes", kubernetes),
    ("cloudformation", cloudformation),
    ("workflow", workflow),
    ("terraform_plan", terraform_plan),
];

/// Parses `data` as a unified diff and checks every hunk against its header.
///
/// # Panics
/// When the parser panics, an error does not render as one line, or a parsed hunk's lines
/// disagree with its header's counts and starts.
pub fn unified_diff(data: &[u8]) {
    match unified::parse(data) {
        Ok(files) => files.iter().for_each(check_file),
        Err(error) => {
            let lines = data.split(|&b| b == b'\n').count();
            assert!(
                (1..=lines).contains(&error.line),
                "error line {} outside 1..={lines}: {error}",
                error.line
            );
            assert_one_line(&error.to_string());
        }
    }
}

/// A parsed entry is consistent: paths match the status, hunk lines match the header.
fn check_file(file: &FileChange) {
    let (has_old, has_new) = (file.old_path.is_some(), file.new_path.is_some());
    match file.status {
        FileStatus::Added => assert!(has_new && !has_old, "added file paths: {file:?}"),
        FileStatus::Deleted => assert!(has_old && !has_new, "deleted file paths: {file:?}"),
        _ => assert!(
            has_old && has_new,
            "paths of a {:?} entry: {file:?}",
            file.status
        ),
    }
    assert!(file.similarity.is_none_or(|s| s <= 100), "{file:?}");
    file.hunks.iter().for_each(check_hunk);
}

/// Line kinds add up to the header's counts and number the lines from its starts.
fn check_hunk(hunk: &Hunk) {
    let (mut old, mut new) = (0u32, 0u32);
    for line in &hunk.lines {
        let on_old = line.kind != LineKind::Added;
        let on_new = line.kind != LineKind::Removed;
        let expect_old = on_old.then(|| hunk.old_start.saturating_add(old));
        let expect_new = on_new.then(|| hunk.new_start.saturating_add(new));
        assert_eq!(
            (line.old_line, line.new_line),
            (expect_old, expect_new),
            "line numbers in {hunk:?}"
        );
        old += u32::from(on_old);
        new += u32::from(on_new);
    }
    assert_eq!(
        (old, new),
        (hunk.old_lines, hunk.new_lines),
        "counts in {hunk:?}"
    );
}

/// Parses `data` as pre-push input and as pre-receive input.
///
/// # Panics
/// When a parser panics, an error does not render as one line, or a parsed line has an object
/// id that is not 40 or 64 lowercase hex digits.
pub fn pre_push(data: &[u8]) {
    // The hook reads standard input as UTF-8 text and refuses anything else before parsing.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for parsed in [diff::push::parse(text), diff::push::parse_receive(text)] {
        match parsed {
            Ok(refs) => {
                for pushed in refs {
                    for oid in [&pushed.local_oid, &pushed.remote_oid] {
                        assert!(matches!(oid.len(), 40 | 64), "oid length: {oid:?}");
                        assert!(
                            oid.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')),
                            "oid is not lowercase hex: {oid:?}"
                        );
                    }
                    for name in [&pushed.local_ref, &pushed.remote_ref] {
                        assert!(!name.is_empty() && !name.contains(char::is_whitespace));
                    }
                }
            }
            Err(error) => assert_one_line(&error.to_string()),
        }
    }
}

/// Parses `data` as a policy file.
///
/// # Panics
/// When loading panics, or a rejected policy comes without a one-line reason for each problem.
pub fn policy(data: &[u8]) {
    // Policies are read as UTF-8 text; other bytes are refused before parsing.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = Source::File {
        path: "fuzz.yaml".into(),
    };
    match policy::parse(text, source) {
        Ok(_) => {}
        Err(policy::Error::Invalid { diagnostics, .. }) => {
            assert!(!diagnostics.is_empty(), "rejected without a reason");
            for diagnostic in &diagnostics {
                assert!(
                    diagnostic.line >= 1 && diagnostic.column >= 1,
                    "{diagnostic}"
                );
                assert!(!diagnostic.message.is_empty(), "{diagnostic:?}");
            }
        }
        Err(error) => assert_one_line(&error.to_string()),
    }
}

/// Parses `data` as a `refs/notes/blastgate` note of signed approval records.
///
/// # Panics
/// When the parser panics, finds more records than the note has headers, an error does not
/// render as one line, or a record it accepts does not read back the same from its own block.
pub fn approval_note(data: &[u8]) {
    // Notes are read as UTF-8 text; other bytes are refused before parsing.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let results = signoff::parse_note(text);
    let headers = text.matches(signoff::record::HEADER).count();
    assert!(
        results.iter().filter(|result| result.is_ok()).count() <= headers,
        "more records than headers"
    );
    for result in results {
        match result {
            Ok(signed) => {
                assert!(!signed.payload.contains('\n'), "payload spans lines");
                assert!(
                    !signed.signature.trim().is_empty(),
                    "accepted without a signature"
                );
                let again = signoff::parse_note(&signoff::record::block(
                    &signed.payload,
                    &signed.signature,
                ));
                assert!(
                    matches!(again.as_slice(), [Ok(same)] if same.record == signed.record),
                    "an accepted record does not read back from its own block"
                );
            }
            Err(error) => assert_one_line(&error.to_string()),
        }
    }
}

/// Parses `data` as the JSON of a Terraform plan (`check --terraform-plan`) and turns it into
/// facts with no source facts to reconcile.
///
/// # Panics
/// When the reader panics, an error does not render as one line, or an accepted plan's facts
/// are not one per change that destroys, replaces or forgets, each "from the plan" and about
/// that change's address.
pub fn terraform_plan(data: &[u8]) {
    use crate::analyze::domain::ExtraRows;
    use crate::analyze::domain::terraform::plan;
    match plan::parse("plan.json", data) {
        Ok(parsed) => {
            let mut facts = Vec::new();
            plan::reconcile(
                &mut facts,
                std::slice::from_ref(&parsed),
                &ExtraRows::default(),
            );
            let acting: Vec<&plan::Change> = parsed
                .changes
                .iter()
                .filter(|change| change.action != plan::Action::Keep)
                .collect();
            assert_eq!(facts.len(), acting.len(), "{facts:?}");
            for (fact, change) in facts.iter().zip(acting) {
                assert!(
                    fact.message.starts_with("from the plan plan.json: "),
                    "{fact:?}"
                );
                assert_eq!(fact.subject.as_deref(), Some(change.address.as_str()));
                assert!(change.config_address.len() <= change.address.len());
            }
        }
        Err(message) => assert_one_line(&message),
    }
}

fn assert_one_line(message: &str) {
    assert!(
        !message.is_empty() && !message.contains('\n'),
        "error message is not one line: {message:?}"
    );
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::sync::LazyLock;

    use proptest::prelude::*;

    use super::TARGETS;

    /// Files under `dir` (recursively) whose name ends with one of `suffixes` (all when empty).
    fn files(dir: &Path, suffixes: &[&str]) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for path in entries.flatten().map(|entry| entry.path()) {
            if path.is_dir() {
                found.extend(files(&path, suffixes));
            } else if suffixes.is_empty()
                || suffixes.iter().any(|s| path.to_string_lossy().ends_with(s))
            {
                found.push(path);
            }
        }
        found
    }

    /// The committed inputs of one target: saved crashes, hand-written seeds and the repo
    /// files `scripts/fuzz` seeds the corpus with.
    fn inputs(root: &Path, target: &str) -> Vec<PathBuf> {
        let mut inputs = files(&root.join("fuzz/regressions").join(target), &[]);
        inputs.extend(files(&root.join("fuzz/seeds").join(target), &[]));
        match target {
            "unified_diff" => inputs.extend(files(&root.join("fixtures"), &[".diff", ".patch"])),
            "policy" => inputs.extend(files(&root.join("policies"), &[".yaml"])),
            "hcl" => inputs.extend(files(&root.join("fixtures/infra/terraform"), &[".tf"])),
            "terraform_plan" => {
                let dir = root.join("fixtures/infra/terraform/plans");
                inputs.extend(files(&dir, &[".json"]));
            }
            "kubernetes" | "cloudformation" | "workflow" => {
                let dir = match target {
                    "workflow" => "workflows",
                    other => other,
                };
                let dir = root.join("fixtures/infra").join(dir);
                inputs.extend(files(&dir, &[".yaml", ".yml", ".json"]));
            }
            _ => {}
        }
        inputs
    }

    /// Every saved crash and seed goes through the fuzz target's function without a panic.
    #[test]
    fn regression_and_seed_inputs_pass_every_target() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for (target, run) in TARGETS {
            let inputs = inputs(root, target);
            assert!(!inputs.is_empty(), "no inputs for fuzz target {target}");
            for path in inputs {
                let data = std::fs::read(&path).expect("input is readable");
                let outcome = std::panic::catch_unwind(|| run(&data));
                assert!(outcome.is_ok(), "{target} panics on {}", path.display());
            }
        }
    }

    /// A mutation of a seed: at `at` (a fraction of its length), flip a byte, cut the rest,
    /// insert bytes, or splice in another seed's tail.
    #[derive(Debug, Clone)]
    enum Mutation {
        Flip(f64, u8),
        Cut(f64),
        Insert(f64, Vec<u8>),
        Splice(f64, usize, f64),
    }

    fn mutate(seeds: &[Vec<u8>], seed: usize, mutations: &[Mutation]) -> Vec<u8> {
        let mut data = seeds[seed % seeds.len()].clone();
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a fraction in 0..1 of a length is a valid index"
        )]
        let index = |len: usize, at: f64| ((len as f64) * at) as usize;
        for mutation in mutations {
            match mutation {
                Mutation::Flip(at, mask) => {
                    let i = index(data.len(), *at);
                    if let Some(byte) = data.get_mut(i) {
                        *byte ^= mask;
                    }
                }
                Mutation::Cut(at) => data.truncate(index(data.len(), *at)),
                Mutation::Insert(at, bytes) => {
                    let i = index(data.len(), *at);
                    data.splice(i..i, bytes.iter().copied());
                }
                Mutation::Splice(at, other, from) => {
                    let other = &seeds[other % seeds.len()];
                    let tail = &other[index(other.len(), *from)..];
                    data.truncate(index(data.len(), *at));
                    data.extend_from_slice(tail);
                }
            }
        }
        data
    }

    fn mutation() -> impl Strategy<Value = Mutation> {
        let at = 0.0..1.0f64;
        prop_oneof![
            (at.clone(), 1u8..=255).prop_map(|(at, mask)| Mutation::Flip(at, mask)),
            at.clone().prop_map(Mutation::Cut),
            (at.clone(), prop::collection::vec(any::<u8>(), 1..16))
                .prop_map(|(at, bytes)| Mutation::Insert(at, bytes)),
            (at.clone(), any::<usize>(), at)
                .prop_map(|(at, other, from)| Mutation::Splice(at, other, from)),
        ]
    }

    /// Every target's committed inputs, read once for all the mutation cases.
    static SEEDS: LazyLock<Vec<Vec<Vec<u8>>>> = LazyLock::new(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        TARGETS
            .iter()
            .map(|(target, _)| {
                inputs(root, target)
                    .iter()
                    .map(|path| std::fs::read(path).expect("input is readable"))
                    .collect()
            })
            .collect()
    });

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// A short fuzz run on stable Rust, in every `cargo test`: random mutations of the
        /// committed inputs through every target (`scripts/fuzz` is the real, long one).
        #[test]
        fn mutated_inputs_pass_every_target(
            seed in any::<usize>(),
            mutations in prop::collection::vec(mutation(), 1..6),
        ) {
            for ((_, run), seeds) in TARGETS.iter().zip(SEEDS.iter()) {
                run(&mutate(seeds, seed, &mutations));
            }
        }
    }

    /// The approval-note seed holds two readable records, so the fuzzer starts from the
    /// accepting path rather than only from rejections.
    #[test]
    fn approval_note_seed_parses() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let seed = root.join("fuzz/seeds/approval_note/two-records.txt");
        let text = std::fs::read_to_string(seed).expect("seed is readable");
        let parsed = crate::signoff::parse_note(&text);
        assert_eq!(parsed.iter().filter(|r| r.is_ok()).count(), 2, "{parsed:?}");
    }

    /// The checks themselves fire: a hunk whose lines disagree with its header is caught.
    #[test]
    #[should_panic(expected = "counts in")]
    fn hunk_check_catches_a_miscount() {
        super::check_hunk(&crate::diff::Hunk {
            old_start: 1,
            old_lines: 2,
            new_start: 1,
            new_lines: 1,
            lines: Vec::new(),
        });
    }
}
