//! Snapshots of the text report for each kind of verdict a user reads: allow, review, block,
//! a review let through by a verified sign-off, a block overridden by break-glass, and a
//! pre-push of several refs. Values that differ per run are redacted: signing keys, approval
//! times, and commit ids (a policy naming seniors holds their fresh public keys), which become
//! `[commit N]` in order of first appearance so the report's shape stays checked.

use regex::Regex;

use crate::keys::{Senior, policy};
use crate::snapshots::redact;
use crate::support::{CLAUDE_TRAILER, Repo, blastgate, lines, repo_with_base, run};

/// `redact` plus what a fresh key and a clock change between runs.
fn stable(text: &str) -> String {
    let fingerprint = Regex::new(r"SHA256:[A-Za-z0-9+/]{43}").expect("regex");
    let time =
        Regex::new(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d)?(Z|[+-]\d\d:?\d\d| UTC)?").expect("regex");
    let text = redact(text);
    let text = fingerprint.replace_all(&text, "SHA256:[key]");
    let text = time.replace_all(&text, "[time]");
    let commit = Regex::new(r"\b[0-9a-f]{12}(?:[0-9a-f]{28})?\b").expect("regex");
    let mut seen: Vec<String> = Vec::new();
    commit
        .replace_all(&text, |found: &regex::Captures<'_>| {
            let short = found[0][..12].to_string();
            let n = seen.iter().position(|s| *s == short).unwrap_or_else(|| {
                seen.push(short);
                seen.len() - 1
            });
            format!("[commit {}]", n + 1)
        })
        .into_owned()
}

/// Text report of `check --base main` with its exit code.
fn text(repo: &Repo, code: i32) -> String {
    let result = blastgate(repo, &["check", "--base", "main", "--color", "never"]);
    assert_eq!(result.code, code, "{}{}", result.stdout, result.stderr);
    stable(&result.stdout)
}

/// A small human change to an ordinary file: one quiet line.
#[test]
fn allow() {
    let repo = repo_with_base();
    repo.write("src/app.py", lines(21, "app"));
    repo.commit("Add one line");
    insta::assert_snapshot!(text(&repo, 0));
}

/// An AI-assisted feature over the review line, nobody has signed off yet: who can, and how.
#[test]
fn review() {
    let repo = repo_with_base();
    repo.write("src/feature.py", lines(300, "feature"));
    repo.commit(&format!("Add feature\n\n{CLAUDE_TRAILER}\n"));
    insta::assert_snapshot!(text(&repo, 3));
}

/// A hard rule: a credential in application code blocks, whoever wrote it.
#[test]
fn block() {
    let repo = repo_with_base();
    let token = format!("ghp_{}", "q8Vn3XkL0pZr7TtY2mWc5HbJ9sDf4GaE1uRi");
    repo.write("src/settings.py", format!("GITHUB_TOKEN = \"{token}\"\n"));
    repo.commit("Configure the client");
    let report = text(&repo, 1);
    assert!(!report.contains(&token), "the value is never printed");
    insta::assert_snapshot!(report);
}

const BLOCK_RULE: &str = "rules:\n  - id: no-huge\n    decision: block\n    paths: [\"src/huge.py\"]\n    reason: Nobody may touch it.\n";

/// A repository whose policy names Alice and Bob, with `signoff` appended.
fn signed_world(signoff: &str) -> (Repo, Senior, Senior) {
    let alice = Senior::new("Alice Senior", "alice@example.com", "alice");
    let bob = Senior::new("Bob Senior", "bob@example.com", "bob");
    let repo = Repo::new();
    repo.write(".blastgate.yaml", policy(&[&alice, &bob], signoff))
        .write("README.md", "# demo\n")
        .write("src/app.py", lines(20, "app"));
    repo.commit("Initial commit");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    (repo, alice, bob)
}

fn approve(repo: &Repo, who: &Senior, extra: &[&str]) {
    who.configure(repo, &who.key);
    let mut args = vec!["approve", "--base", "main", "-m", "read it all"];
    args.extend_from_slice(extra);
    let run = blastgate(repo, &args);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

/// A review let through by a verified signature: who approved, with their comment.
#[test]
fn signoff_accepted() {
    let (repo, alice, _) = signed_world("");
    repo.write("src/feature.py", lines(300, "feature"));
    repo.commit(&format!("Add feature\n\n{CLAUDE_TRAILER}\n"));
    approve(&repo, &alice, &[]);
    insta::assert_snapshot!(text(&repo, 0));
}

/// A block overridden by two seniors' break-glass approvals: said loudly.
#[test]
fn break_glass() {
    let (repo, alice, bob) = signed_world(&format!(
        "{BLOCK_RULE}signoff:\n  break_glass: {{approvals: 2}}\n"
    ));
    repo.write("src/huge.py", lines(30, "huge"));
    repo.commit(&format!("Huge\n\n{CLAUDE_TRAILER}\n"));
    approve(&repo, &alice, &["--break-glass"]);
    approve(&repo, &bob, &["--break-glass"]);
    insta::assert_snapshot!(text(&repo, 0));
}

/// `pre-push` of a deletion, an up-to-date ref and a new branch: one report per ref.
#[test]
fn pre_push_several_refs() {
    const ZERO40: &str = "0000000000000000000000000000000000000000";
    let work = repo_with_base();
    let remote = Repo::bare();
    let url = remote.path.to_string_lossy().into_owned();
    work.git(&["remote", "add", "origin", &url]);
    work.git(&["push", "-q", "origin", "main"]);
    let main = work.git(&["rev-parse", "main"]);
    work.write("src/feature.py", lines(300, "f"));
    let risky = work.commit(&format!("Feature\n\n{CLAUDE_TRAILER}\n"));
    let stdin = format!(
        "(delete) {ZERO40} refs/heads/old {main}\nrefs/heads/main {main} refs/heads/main {main}\nrefs/heads/topic {risky} refs/heads/topic {ZERO40}\n"
    );
    let result = run(
        work.blastgate(&["pre-push", "origin", "file:///remote", "--color", "never"]),
        Some(&stdin),
    );
    assert_eq!(result.code, 3, "{}{}", result.stdout, result.stderr);
    insta::assert_snapshot!(stable(&result.stdout));
}
