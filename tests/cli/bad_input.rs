//! Bad input: a clear one-line error and exit 2, or a visible finding when the change itself is
//! the oddity; never a silent allow, and nothing written to disk.

use std::fmt::Write as _;

use crate::support::{Repo, blastgate, field_of, lines, repo_with_base, run};

/// Outside any repository: exit 2, one line naming the directory and what to do.
#[test]
fn not_a_repository() {
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = Repo::new();
    let mut command = repo.blastgate(&["check"]);
    command.current_dir(dir.path());
    let result = run(command, None);
    assert_eq!(result.code, 2);
    assert!(
        result.stderr.contains("not a git repository"),
        "{}",
        result.stderr
    );
    assert_eq!(result.stderr.lines().count(), 1, "{}", result.stderr);
}

/// An unknown revision names the revision, and nothing on disk changes.
#[test]
fn unknown_revision() {
    let repo = repo_with_base();
    let before = repo.disk_state();
    let result = blastgate(&repo, &["check", "--base", "no-such-branch"]);
    assert_eq!(result.code, 2);
    assert!(
        result.stderr.contains("`no-such-branch`"),
        "{}",
        result.stderr
    );
    assert_eq!(result.stderr.lines().count(), 1);
    assert_eq!(before, repo.disk_state());
}

/// A base missing because the clone is shallow is called shallow, with the fetch that fixes it.
#[test]
fn shallow_clone_missing_base() {
    let origin = repo_with_base();
    let first = origin.git(&["rev-parse", "main"]);
    origin.write("src/a.py", "a\n");
    origin.commit("Second");
    origin.write("src/b.py", "b\n");
    origin.commit("Third");
    let clone = Repo::clone_of(&origin, &["--depth", "1", "--branch", "topic"]);
    let result = blastgate(&clone, &["check", "--base", &first]);
    assert_eq!(result.code, 2, "{}{}", result.stdout, result.stderr);
    assert!(result.stderr.contains("shallow"), "{}", result.stderr);
    assert!(result.stderr.contains("git fetch"), "{}", result.stderr);
}

/// A repository without commits: exit 2 with what to do.
#[test]
fn unborn_head() {
    let repo = Repo::new();
    let result = blastgate(&repo, &["check", "--base", "HEAD"]);
    assert_eq!(result.code, 2);
    assert!(
        result.stderr.contains("no commits yet"),
        "{}",
        result.stderr
    );
}

/// An empty range is allowed with "nothing to check".
#[test]
fn empty_range_has_nothing_to_check() {
    let repo = repo_with_base();
    let result = blastgate(&repo, &["check", "--base", "HEAD"]);
    assert_eq!(result.code, 0);
    assert!(
        result.stdout.contains("nothing to check"),
        "{}",
        result.stdout
    );
}

/// A malformed diff names the file and the line; a missing one names the file; each says its
/// cause once.
#[test]
fn malformed_unified_diff() {
    let repo = repo_with_base();
    repo.write(
        "bad.diff",
        "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-only one line\n",
    );
    let result = blastgate(&repo, &["check", "--diff", "bad.diff"]);
    assert_eq!(result.code, 2, "{}{}", result.stdout, result.stderr);
    assert!(
        result.stderr.contains("bad.diff: line"),
        "{}",
        result.stderr
    );
    assert_eq!(result.stderr.lines().count(), 1, "{}", result.stderr);
    // The cause is said once, not once in the message and again as its source.
    assert_eq!(
        result.stderr.matches("line 5").count(),
        1,
        "{}",
        result.stderr
    );

    let missing = blastgate(&repo, &["check", "--diff", "missing.diff"]);
    assert_eq!(missing.code, 2, "{}{}", missing.stdout, missing.stderr);
    assert!(
        missing
            .stderr
            .starts_with("error: missing.diff: cannot read the diff: "),
        "{}",
        missing.stderr
    );
    assert_eq!(missing.stderr.lines().count(), 1, "{}", missing.stderr);
    assert_eq!(
        missing.stderr.matches("os error 2").count(),
        1,
        "{}",
        missing.stderr
    );
}

/// Binary files, files over the size limit, symlinks, submodule pointers and non-UTF-8 paths
/// are each a visible finding, never skipped.
#[test]
fn odd_files_are_findings() {
    let repo = repo_with_base();
    repo.git(&["checkout", "-q", "main"]);
    repo.write(".blastgate.yaml", "version: 1\nthresholds:\n  ai: {review: 25, block: 400}\n  human: {block: 600}\nlimits:\n  max_file_bytes: 1000\n");
    repo.commit("Policy with a small size limit");
    repo.git(&["checkout", "-q", "-b", "odd"]);
    repo.write(
        "assets/logo.png",
        [0x89, b'P', b'N', b'G', 0, 1, 2, 3, 0, 0xff],
    );
    repo.write("data/big.txt", lines(200, "big"));
    std::os::unix::fs::symlink("../src/app.py", repo.path.join("docs/link.py")).expect("symlink");
    let odd_name = std::ffi::OsStr::from_encoded_bytes_unchecked_safe(b"data/caf\xe9.txt");
    std::fs::write(repo.path.join(odd_name), "latin-1 name\n").expect("odd file");
    repo.git(&["add", "-A"]);
    // A gitlink has no directory in the work tree, so `add -A` would drop it: add it last.
    let sha = repo.git(&["rev-parse", "HEAD"]);
    repo.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{sha},vendor/lib"),
    ]);
    repo.git(&["commit", "-q", "-m", "Odd files"]);

    let result = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert!(
        matches!(result.code, 0 | 3),
        "{}{}",
        result.stdout,
        result.stderr
    );
    let ids = field_of(&result.json(), "findings", "id");
    for expected in [
        "binary-file",
        "oversized-file",
        "symlink-changed",
        "submodule-changed",
        "non-utf8-path",
    ] {
        assert!(
            ids.iter().any(|id| id == expected),
            "{expected} missing from {ids:?}"
        );
    }
    let paths = result.json()["files"].to_string();
    assert!(paths.contains("data/caf\\\\351.txt"), "{paths}");
}

trait FromBytes {
    fn from_encoded_bytes_unchecked_safe(bytes: &[u8]) -> &std::ffi::OsStr;
}

impl FromBytes for std::ffi::OsStr {
    fn from_encoded_bytes_unchecked_safe(bytes: &[u8]) -> &std::ffi::OsStr {
        use std::os::unix::ffi::OsStrExt as _;
        std::ffi::OsStr::from_bytes(bytes)
    }
}

fn policy_in_base(policy: &str) -> Repo {
    let repo = repo_with_base();
    repo.git(&["checkout", "-q", "main"]);
    repo.write(".blastgate.yaml", policy);
    repo.commit("Policy");
    repo.git(&["checkout", "-q", "-b", "work"]);
    repo.write("src/x.py", "x\n");
    repo.commit("Work");
    repo
}

/// A base policy with unknown keys and wrong types: every problem with `file:line:column`, exit 2.
#[test]
fn invalid_policy_in_base() {
    let repo = policy_in_base(
        "version: 1\nthresholds:\n  ai: {review: 25, block: 400}\n  human: {block: 600}\nweigths: {}\nlimits:\n  max_file_bytez: 3\n",
    );
    let before = repo.disk_state();
    let result = blastgate(&repo, &["check", "--base", "main"]);
    assert_eq!(result.code, 2, "{}{}", result.stdout, result.stderr);
    assert!(
        result.stderr.contains(".blastgate.yaml:5:1"),
        "{}",
        result.stderr
    );
    assert!(
        result.stderr.contains(".blastgate.yaml:7:3"),
        "{}",
        result.stderr
    );
    assert_eq!(before, repo.disk_state());

    let wrong_type = policy_in_base(
        "version: 1\nthresholds:\n  ai: {review: lots, block: 400}\n  human: {block: 600}\n",
    );
    let result = blastgate(&wrong_type, &["check", "--base", "main"]);
    assert_eq!(result.code, 2, "{}{}", result.stdout, result.stderr);
    assert!(result.stderr.contains(":3:"), "{}", result.stderr);
}

/// A YAML alias bomb in the policy is rejected quickly with a location, not run out of memory.
#[test]
fn alias_bomb_policy_is_rejected() {
    let mut bomb = String::from(
        "version: 1\nthresholds:\n  ai: {review: 25, block: 400}\n  human: {block: 600}\nseniors: &a0\n  - {name: x, email: x@example.com}\n",
    );
    for level in 1..10 {
        let prev = level - 1;
        let aliases = vec![format!("*a{prev}"); 9].join(", ");
        let _ = writeln!(bomb, "x{level}: &a{level} [{aliases}]");
    }
    let repo = policy_in_base(&bomb);
    let started = std::time::Instant::now();
    let result = blastgate(&repo, &["check", "--base", "main"]);
    assert_eq!(result.code, 2, "{}{}", result.stdout, result.stderr);
    assert!(
        result.stderr.contains(".blastgate.yaml:"),
        "{}",
        result.stderr
    );
    assert!(
        started.elapsed().as_secs() < 30,
        "took {:?}",
        started.elapsed()
    );
}

/// The error edge says why, on one line: a policy file that does not exist names the file and
/// the operating system's reason, and nothing is said twice.
#[test]
fn missing_policy_file_says_why_on_one_line() {
    let repo = repo_with_base();
    repo.write("src/app.py", lines(21, "app"));
    repo.commit("One more line");
    let missing = repo.path.join("no-such-policy.yaml");
    let result = blastgate(
        &repo,
        &[
            "check",
            "--base",
            "main",
            "--policy",
            &missing.display().to_string(),
        ],
    );
    assert_eq!(result.code, 2, "{}{}", result.stdout, result.stderr);
    let line = result.stderr.trim();
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(line.contains("cannot read policy file"), "{line}");
    assert!(
        line.contains("no-such-policy.yaml: No such file or directory"),
        "{line}"
    );
    assert_eq!(line.matches("No such file").count(), 1, "{line}");
}
