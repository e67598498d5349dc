//! Stress tests: the gate on changes far larger than everyday ones. Every big test is ignored
//! by `cargo test` (a 1,000-file version runs there); run them in release with the figures
//! printed:
//!
//! `cargo test --release --test stress -- --ignored --nocapture --test-threads 1`
//!
//! Each builds its repository with one `git fast-import` stream, runs the real binary under
//! `/usr/bin/time`, prints wall time and peak RSS (`STRESS ...` lines) and asserts that the
//! gate either decided or failed closed with a one-line message. The README's "Limits and
//! stress figures" records the figures.

#[path = "../cli/support.rs"]
#[allow(dead_code, reason = "shared with the CLI tests, which use the rest")]
mod support;

use std::fmt::Write as _;

mod import;
mod measure;

use import::Stream;
use measure::{assert_judged_or_failed_closed, measured, report};
use support::{CLAUDE_TRAILER, Repo};

/// A Python file defining `count` functions named after `stem`, returning `value`.
fn module(stem: &str, count: usize, value: usize) -> Vec<u8> {
    let mut text = String::new();
    for k in 0..count {
        let _ = write!(text, "def {stem}_{k}():\n    return {value}\n\n");
    }
    text.into_bytes()
}

/// `check --base main --head topic --format json`, measured and reported as `what`.
fn check_range(repo: &Repo, what: &str) -> measure::Measured {
    let run = measured(
        repo.blastgate(&[
            "check", "--base", "main", "--head", "topic", "--format", "json",
        ]),
        None,
    );
    report(what, &run);
    assert_judged_or_failed_closed(&run);
    run
}

/// A change of 10,000 modified files in 100 directories, every one defining functions whose
/// dependents are searched.
#[test]
#[ignore = "stress: run with --ignored in release"]
fn change_of_ten_thousand_files() {
    change_of_files(10_000, "10,000-file change");
}

/// The same at 1,000 files: seconds even in a debug build, so `cargo test` (and CI) keeps the
/// stress harness itself working.
#[test]
fn change_of_a_thousand_files() {
    change_of_files(1_000, "1,000-file change");
}

fn change_of_files(count: usize, what: &str) {
    let repo = Repo::new();
    let path = |i: usize| format!("pkg{}/mod{i}.py", i % 100);
    let old: Vec<Vec<u8>> = (0..count).map(|i| module(&format!("f{i}"), 3, 1)).collect();
    let new: Vec<Vec<u8>> = (0..count).map(|i| module(&format!("f{i}"), 3, 2)).collect();
    let mut stream = Stream::default();
    let base = stream.commit(
        "main",
        None,
        "base",
        old.iter().enumerate().map(|(i, c)| (path(i), c.as_slice())),
    );
    stream.commit(
        "topic",
        Some(base),
        "touch everything",
        new.iter().enumerate().map(|(i, c)| (path(i), c.as_slice())),
    );
    stream.import(&repo);

    let run = check_range(&repo, what);
    if run.run.code != 2 {
        let files = run.run.json()["files"].as_array().map_or(0, Vec::len);
        assert_eq!(files, count);
    }
}

/// A 50 MB text file is reported as oversized from its recorded size, never parsed; its raw
/// bytes are still scanned for secrets and its kind (issue 12), within the 64 MiB raw limit.
#[test]
#[ignore = "stress: run with --ignored in release"]
fn fifty_megabyte_file() {
    let repo = Repo::new();
    let mut big = String::new();
    for row in 0.. {
        if big.len() >= 50 * 1024 * 1024 {
            break;
        }
        let _ = writeln!(big, "row {row} of a big generated file");
    }
    let big = big.into_bytes();
    let mut stream = Stream::default();
    let readme = b"# big\n".as_slice();
    let base = stream.commit("main", None, "base", [("README.md".to_string(), readme)]);
    stream.commit(
        "topic",
        Some(base),
        "add a big file",
        [("data/big.txt".to_string(), big.as_slice())],
    );
    stream.import(&repo);

    let run = check_range(&repo, "50 MB file");
    let report = run.run.json();
    let oversized = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|f| f["id"] == "oversized-file" && f["file"] == "data/big.txt");
    assert!(oversized, "{}", run.run.stdout);
}

/// One pushed ref whose range holds 5,000 commits, every tenth with an AI trailer:
/// provenance reads them all.
#[test]
#[ignore = "stress: run with --ignored in release"]
fn push_of_five_thousand_commits() {
    const COMMITS: usize = 5_000;
    let repo = Repo::new();
    let contents: Vec<Vec<u8>> = (0..COMMITS)
        .map(|i| module(&format!("s{i}"), 1, i))
        .collect();
    let mut stream = Stream::default();
    let readme = b"# push\n".as_slice();
    let base = stream.commit("main", None, "base", [("README.md".to_string(), readme)]);
    for (i, content) in contents.iter().enumerate() {
        let message = if i % 10 == 0 {
            format!("step {i}\n\n{CLAUDE_TRAILER}")
        } else {
            format!("step {i}")
        };
        let from = (i == 0).then_some(base);
        let path = format!("src/step{}.py", i % 50);
        stream.commit("topic", from, &message, [(path, content.as_slice())]);
    }
    let ids = stream.import(&repo);
    let (base_id, head_id) = (&ids[0], &ids[COMMITS]);

    let stdin = format!("refs/heads/topic {head_id} refs/heads/main {base_id}\n");
    let run = measured(
        repo.blastgate(&["pre-push", "origin", "file:///dev/null", "--format", "json"]),
        Some(&stdin),
    );
    report("push of 5,000 commits", &run);
    assert_judged_or_failed_closed(&run);
    let provenance = &run.run.json()["refs"][0]["report"]["provenance"];
    let evidence = provenance["evidence"].as_array().map_or(0, Vec::len);
    assert_eq!(evidence, COMMITS / 10, "every AI trailer counted");
    let reasons = provenance["reasons"].to_string();
    assert!(
        reasons.contains(&format!("of {COMMITS} commits")),
        "{reasons}"
    );
}

/// A 20-file change in a repository of 100,000 files: the dependents search scans them all
/// and finds each changed helper's 100 callers, once cold and once with the outline cache warm.
#[test]
#[ignore = "stress: run with --ignored in release"]
fn twenty_file_change_in_a_hundred_thousand_files() {
    const FILES: usize = 100_000;
    const DIRS: usize = 1_000;
    let repo = Repo::new();
    let callers: Vec<Vec<u8>> = (0..FILES)
        .map(|i| {
            let d = i % DIRS;
            format!(
                "from p{d}.helpers import helper_{d}\n\ndef m_{i}():\n    return helper_{d}()\n"
            )
            .into_bytes()
        })
        .collect();
    let helper = |d: usize, value: usize| format!("def helper_{d}():\n    return {value}\n");
    let helpers: Vec<Vec<u8>> = (0..DIRS).map(|d| helper(d, 1).into_bytes()).collect();
    let changed: Vec<Vec<u8>> = (0..20).map(|d| helper(d, 2).into_bytes()).collect();
    let mut stream = Stream::default();
    let base = stream.commit(
        "main",
        None,
        "base",
        callers
            .iter()
            .enumerate()
            .map(|(i, c)| (format!("p{}/m{i}.py", i % DIRS), c.as_slice()))
            .chain(
                helpers
                    .iter()
                    .enumerate()
                    .map(|(d, c)| (format!("p{d}/helpers.py"), c.as_slice())),
            ),
    );
    stream.commit(
        "topic",
        Some(base),
        "change 20 helpers",
        changed
            .iter()
            .enumerate()
            .map(|(d, c)| (format!("p{d}/helpers.py"), c.as_slice())),
    );
    stream.import(&repo);

    for what in [
        "20 files in 100,000 (cold cache)",
        "20 files in 100,000 (warm cache)",
    ] {
        let run = check_range(&repo, what);
        let report = run.run.json();
        assert_eq!(report["files"].as_array().map_or(0, Vec::len), 20);
        // Each changed helper is called from the 100 files of its directory.
        assert_eq!(report["blast_radius"]["dependent_files"], FILES / DIRS * 20);
    }
}
