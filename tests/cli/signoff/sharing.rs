//! Approvals travel: through the pre-push hook, and between clones via the notes ref.

use super::{NOTES, World, world};
use crate::support::{Repo, blastgate, run};

/// An approval lets a push through the pre-push hook as well.
#[test]
fn approved_change_passes_pre_push() {
    let w = world("");
    let remote = Repo::bare();
    let url = remote.path.display().to_string();
    w.repo.git(&["remote", "add", "origin", &url]);
    w.repo.git(&["push", "-q", "origin", "main"]);
    let head = w.head();
    let line = format!(
        "refs/heads/topic {head} refs/heads/topic {}\n",
        "0".repeat(40)
    );
    let push = |w: &World| {
        run(
            w.repo
                .blastgate(&["pre-push", "origin", "file:///remote", "--format", "json"]),
            Some(&line),
        )
    };
    assert_eq!(push(&w).code, 3);
    w.approve_ok(&w.alice);
    let result = push(&w);
    assert_eq!(result.code, 0, "{}{}", result.stdout, result.stderr);
    let report = result.json();
    assert_eq!(report["exit_code"], 0);
    assert_eq!(report["refs"][0]["report"]["approval"]["approved"], true);
}

/// Two seniors approving in different clones: the notes merge as the README says (`-s
/// union`), and both approvals count after a fetch.
#[test]
fn approvals_from_two_clones_merge_and_both_count() {
    let w = world("signoff:\n  approvals: {default: 2}\n");
    let remote = Repo::bare();
    let url = remote.path.display().to_string();
    w.repo.git(&["remote", "add", "origin", &url]);
    w.repo.git(&["push", "-q", "origin", "main", "topic"]);
    let other = Repo::clone_of(&remote, &[]);
    other.git(&["checkout", "-q", "topic"]);

    w.approve_ok(&w.alice);
    w.repo.git(&["push", "-q", "origin", NOTES]);
    w.bob.configure(&other, &w.bob.key);
    let approved = blastgate(&other, &["approve", "--base", "origin/main"]);
    assert_eq!(approved.code, 0, "{}", approved.stderr);
    let rejected = other
        .git_command(&["push", "-q", "origin", NOTES])
        .output()
        .expect("git runs");
    assert!(
        !rejected.status.success(),
        "the second notes push is not a fast-forward"
    );
    other.git(&[
        "fetch",
        "-q",
        "origin",
        "refs/notes/blastgate:refs/notes/blastgate-remote",
    ]);
    other.git(&[
        "notes",
        "--ref",
        "blastgate",
        "merge",
        "-s",
        "union",
        "refs/notes/blastgate-remote",
    ]);
    other.git(&["push", "-q", "origin", NOTES]);

    w.repo.git(&[
        "fetch",
        "-q",
        "-f",
        "origin",
        "refs/notes/blastgate:refs/notes/blastgate",
    ]);
    let run = w.check(&[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(
        run.json()["approval"]["valid"].as_array().map(Vec::len),
        Some(2)
    );
}
