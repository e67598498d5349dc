//! `blastgate pre-receive`: a bare "server" repository gates what it receives, through real
//! `git push` (objects still in git's quarantine while the hook runs).

use std::os::unix::fs::PermissionsExt as _;

use crate::support::{BINARY, CLAUDE_TRAILER, Repo, lines, repo_with_base};

/// A server with `main` and the pre-receive hook installed after the first push, and a clone
/// of it to push from.
pub(crate) fn server_and_clone() -> (Repo, Repo) {
    let seed = repo_with_base();
    let server = Repo::bare();
    let url = server.path.to_string_lossy().into_owned();
    seed.git(&["push", "-q", &url, "main"]);
    let hook = server.path.join("hooks/pre-receive");
    std::fs::write(&hook, format!("#!/bin/sh\nexec '{BINARY}' pre-receive\n")).expect("write hook");
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let work = Repo::clone_of(&server, &[]);
    (server, work)
}

pub(crate) fn server_has(server: &Repo, branch: &str) -> Option<String> {
    let tip = server.git(&[
        "for-each-ref",
        "--format=%(objectname)",
        &format!("refs/heads/{branch}"),
    ]);
    (!tip.is_empty()).then_some(tip)
}

/// `git push` with `args`: whether it succeeded and everything it printed.
pub(crate) fn push(work: &Repo, args: &[&str]) -> (bool, String) {
    let mut all = vec!["push", "origin"];
    all.extend_from_slice(args);
    let output = work.git_command(&all).output().expect("git push");
    let said = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), said)
}

/// A risky AI change is refused by the server even with `--no-verify`, on an existing branch
/// and on a new one; nothing on the server moves.
#[test]
fn risky_change_is_rejected_even_with_no_verify() {
    let (server, work) = server_and_clone();
    let main_before = server_has(&server, "main");
    work.write("src/feature.py", lines(300, "f"));
    work.commit(&format!("Feature\n\n{CLAUDE_TRAILER}\n"));

    let (pushed, said) = push(&work, &["--no-verify", "main"]);
    assert!(!pushed, "{said}");
    assert!(
        said.contains("remote:") && said.contains("review"),
        "{said}"
    );
    assert_eq!(server_has(&server, "main"), main_before);

    let (pushed, said) = push(&work, &["--no-verify", "HEAD:refs/heads/topic"]);
    assert!(!pushed, "{said}");
    assert_eq!(server_has(&server, "topic"), None);
}

/// A benign change is accepted; a new branch is judged against the default branch (only its
/// own commits); deleting a branch has nothing to check.
#[test]
fn benign_change_new_branch_and_deletion_are_accepted() {
    let (server, work) = server_and_clone();
    work.write("docs/guide.md", lines(6, "doc"));
    let tip = work.commit("Docs tweak");
    let (pushed, said) = push(&work, &["main"]);
    assert!(pushed, "{said}");
    assert_eq!(server_has(&server, "main"), Some(tip));

    work.git(&["checkout", "-q", "-b", "notes"]);
    work.write("docs/notes.md", "a note\n");
    let tip = work.commit("Notes");
    let (pushed, said) = push(&work, &["notes"]);
    assert!(pushed, "{said}");
    assert!(
        said.contains("allow") && said.contains("1 file"),
        "only its own commit: {said}"
    );
    assert_eq!(server_has(&server, "notes"), Some(tip));

    let (pushed, said) = push(&work, &["--delete", "notes"]);
    assert!(pushed, "{said}");
    assert_eq!(server_has(&server, "notes"), None);
}

/// Each ref is judged with the policy of the branch it updates: a strict branch policy on
/// the server blocks a change the default branch's policy allows.
#[test]
fn policy_of_the_target_branch_applies() {
    let (server, work) = server_and_clone();
    // The strict branch's policy is put on the server by an admin, past the gate (a policy
    // change itself needs review).
    work.git(&["checkout", "-q", "-b", "strict"]);
    work.write(
        ".blastgate.yaml",
        "version: 1\nthresholds:\n  ai: {review: 1, block: 2}\n  human: {block: 2}\n",
    );
    work.commit("Strict policy");
    let hook = server.path.join("hooks/pre-receive");
    let parked = server.path.join("hooks/parked");
    std::fs::rename(&hook, &parked).expect("park hook");
    let (pushed, said) = push(&work, &["strict"]);
    assert!(pushed, "{said}");
    std::fs::rename(&parked, &hook).expect("restore hook");

    work.write("src/extra.py", lines(20, "extra"));
    work.commit("Small change");
    let (pushed, said) = push(&work, &["strict"]);
    assert!(!pushed, "the strict branch's policy blocks: {said}");
    assert!(said.contains("block"), "{said}");
    // A new branch has no policy of its own yet: the default branch's judges it.
    let (pushed, said) = push(&work, &["HEAD:refs/heads/from-strict"]);
    assert!(
        pushed,
        "a new ref takes the default branch's policy: {said}"
    );

    work.git(&["checkout", "-q", "main"]);
    work.write("src/extra.py", lines(20, "extra"));
    work.commit("Small change on main");
    let (pushed, said) = push(&work, &["main"]);
    assert!(pushed, "the default policy allows it: {said}");
}

/// Malformed pre-receive input is an error (exit 2, so git refuses the push), naming the line.
#[test]
fn malformed_input_is_an_error() {
    let (server, _work) = server_and_clone();
    let run = crate::support::run(
        server.blastgate(&["pre-receive"]),
        Some("0123 refs/heads/main\n"),
    );
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("line 1"), "{}", run.stderr);
}
