//! `blastgate pre-push`: git's pre-push protocol, and real `git push` through an installed hook.

use std::os::unix::fs::PermissionsExt as _;

use crate::support::{BINARY, CLAUDE_TRAILER, Repo, lines, repo_with_base, run};

const ZERO40: &str = "0000000000000000000000000000000000000000";

/// A working repository with `main` pushed to a bare remote named `origin`.
fn with_remote() -> (Repo, Repo) {
    let work = repo_with_base();
    let remote = Repo::bare();
    let url = remote.path.to_string_lossy().into_owned();
    work.git(&["remote", "add", "origin", &url]);
    work.git(&["push", "-q", "origin", "main"]);
    (work, remote)
}

fn pre_push(work: &Repo, stdin: &str) -> crate::support::Run {
    run(
        work.blastgate(&["pre-push", "origin", "file:///remote", "--format", "json"]),
        Some(stdin),
    )
}

/// A new branch is judged on the commits the remote lacks only (not the whole history).
#[test]
fn new_branch_checks_only_unpushed_commits() {
    let (work, _remote) = with_remote();
    work.write("src/feature.py", lines(300, "f"));
    let head = work.commit(&format!("Feature\n\n{CLAUDE_TRAILER}\n"));
    let result = pre_push(
        &work,
        &format!("refs/heads/topic {head} refs/heads/topic {ZERO40}\n"),
    );
    assert_eq!(result.code, 3, "{}{}", result.stdout, result.stderr);
    let report = result.json();
    let judged = &report["refs"][0]["report"];
    assert_eq!(
        judged["files"].as_array().map(Vec::len),
        Some(1),
        "{judged}"
    );
    assert!(
        judged["base"]["reason"]
            .as_str()
            .expect("reason")
            .contains("new ref"),
        "{}",
        judged["base"]
    );
}

/// SHA-256 style 64-digit zero ids mean "new ref" just like 40 zeros.
#[test]
fn zero_ids_of_64_digits_are_new_refs() {
    let (work, _remote) = with_remote();
    work.write("docs/a.md", "a\n");
    let head = work.commit("Docs");
    let zero64 = "0".repeat(64);
    let result = pre_push(
        &work,
        &format!("refs/heads/topic {head} refs/heads/topic {zero64}\n"),
    );
    assert_eq!(result.code, 0, "{}{}", result.stdout, result.stderr);
    assert_eq!(
        result.json()["refs"][0]["report"]["files"][0]["path"],
        "docs/a.md"
    );
}

/// Deleting a branch has nothing to check; several refs in one push: the worst decision wins.
#[test]
fn deletions_and_several_refs() {
    let (work, _remote) = with_remote();
    let main = work.git(&["rev-parse", "main"]);
    work.write("src/feature.py", lines(300, "f"));
    let risky = work.commit(&format!("Feature\n\n{CLAUDE_TRAILER}\n"));
    let stdin = format!(
        "(delete) {ZERO40} refs/heads/old {main}\nrefs/heads/main {main} refs/heads/main {main}\nrefs/heads/topic {risky} refs/heads/topic {ZERO40}\n"
    );
    let result = pre_push(&work, &stdin);
    assert_eq!(result.code, 3, "{}{}", result.stdout, result.stderr);
    let report = result.json();
    assert_eq!(report["decision"], "review");
    let skipped: Vec<_> = report["refs"]
        .as_array()
        .expect("refs")
        .iter()
        .map(|r| r["skipped"].is_string())
        .collect();
    assert_eq!(skipped, [true, true, false]);
}

/// A tag on a commit the remote already has is nothing new.
#[test]
fn tag_on_pushed_commit_has_nothing_to_check() {
    let (work, _remote) = with_remote();
    work.git(&["tag", "-a", "v1", "-m", "release", "main"]);
    let tag = work.git(&["rev-parse", "v1"]);
    let result = pre_push(
        &work,
        &format!("refs/tags/v1 {tag} refs/tags/v1 {ZERO40}\n"),
    );
    assert_eq!(result.code, 0, "{}{}", result.stdout, result.stderr);
    assert!(
        result.json()["refs"][0]["skipped"]
            .as_str()
            .expect("skipped")
            .contains("already on origin")
    );
}

/// A force push is judged from the old remote tip: the commit it drops (`docs/a.md`) is
/// removed by the push, the new commit's file added.
#[test]
fn force_push_is_judged_from_the_old_tip() {
    let (work, _remote) = with_remote();
    work.write("docs/a.md", "a\n");
    let old = work.commit("Docs");
    work.git(&["push", "-q", "origin", "topic"]);
    work.git(&["reset", "-q", "--hard", "main"]);
    work.write("src/feature.py", lines(300, "f"));
    let new = work.commit(&format!("Rewrite\n\n{CLAUDE_TRAILER}\n"));
    let result = pre_push(
        &work,
        &format!("refs/heads/topic {new} refs/heads/topic {old}\n"),
    );
    assert_eq!(result.code, 3, "{}{}", result.stdout, result.stderr);
    let judged = &result.json()["refs"][0]["report"];
    assert!(
        judged["base"]["reason"]
            .as_str()
            .expect("reason")
            .contains("force push"),
        "{}",
        judged["base"]
    );
    let files: Vec<(String, String)> = judged["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|file| {
            let text = |key: &str| file[key].as_str().unwrap_or_default().to_string();
            (text("path"), text("status"))
        })
        .collect();
    assert_eq!(
        files,
        [
            ("docs/a.md".to_string(), "deleted".to_string()),
            ("src/feature.py".to_string(), "added".to_string())
        ]
    );
}

/// Malformed hook input is an error naming the line; nothing is allowed by accident.
#[test]
fn malformed_push_input_is_an_error() {
    let (work, _remote) = with_remote();
    let result = pre_push(&work, "refs/heads/topic abc refs/heads/topic\n");
    assert_eq!(result.code, 2);
    assert!(result.stderr.contains("line 1"), "{}", result.stderr);
}

fn install_hook(work: &Repo) {
    let hook = work.path.join(".git/hooks/pre-push");
    std::fs::write(
        &hook,
        format!("#!/bin/sh\nexec \"{BINARY}\" pre-push \"$@\"\n"),
    )
    .expect("write hook");
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).expect("chmod hook");
}

fn remote_has(remote: &Repo, branch: &str) -> bool {
    !remote
        .git(&["for-each-ref", &format!("refs/heads/{branch}")])
        .is_empty()
}

/// Through a real `git push`: a risky AI-assisted commit is rejected and never reaches the
/// remote; a benign branch lands; deleting a branch is allowed.
#[test]
fn real_git_push_through_the_hook() {
    let (work, remote) = with_remote();
    install_hook(&work);

    work.write("src/feature.py", lines(300, "f"));
    work.commit(&format!("Feature\n\n{CLAUDE_TRAILER}\n"));
    let output = work
        .git_command(&["push", "origin", "topic"])
        .output()
        .expect("git push");
    assert!(
        !output.status.success(),
        "push of a risky AI change must be rejected"
    );
    let said = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("review") && said.contains("sign-off"),
        "{said}"
    );
    assert!(!remote_has(&remote, "topic"));

    work.git(&["checkout", "-q", "-b", "docs", "main"]);
    work.write("docs/guide.md", lines(6, "doc"));
    work.commit("Docs tweak");
    work.git(&["push", "-q", "origin", "docs"]);
    assert!(remote_has(&remote, "docs"));

    work.git(&["push", "-q", "origin", "--delete", "docs"]);
    assert!(!remote_has(&remote, "docs"));
}
