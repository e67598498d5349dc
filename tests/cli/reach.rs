//! Pushes are judged by what they make reachable (issue 12): parking a change on another ref,
//! reverting it, rewinding, tagging, re-creating refs, orphan roots, a dangling server `HEAD`
//! and forged remote-tracking refs never let an AI change through as already judged.
//! Server cases use real `git push --no-verify` into a bare server with the installed
//! `pre-receive`; client cases use real `git push` through the installed pre-push hook.

use crate::server::{push, server_and_clone, server_has};
use crate::support::{CLAUDE_TRAILER, Repo, blastgate, lines, repo_with_base, run};

/// The ref `full_name` on `repo`, if it exists.
fn tip(repo: &Repo, full_name: &str) -> Option<String> {
    let tip = repo.git(&["for-each-ref", "--format=%(objectname)", full_name]);
    (!tip.is_empty()).then_some(tip)
}

/// An AI commit and its revert on the checked-out branch: `(ai, revert)`.
fn change_and_revert(work: &Repo) -> (String, String) {
    work.write("src/feature.py", lines(300, "f"));
    let ai = work.commit(&format!("Feature\n\n{CLAUDE_TRAILER}\n"));
    work.git(&["revert", "--no-edit", "HEAD"]);
    let revert = work.git(&["rev-parse", "HEAD"]);
    (ai, revert)
}

/// The server refused the push and judged the AI change in it, naming its evidence.
fn refused_as_the_ai_change(pushed: bool, said: &str) {
    assert!(!pushed, "must be refused: {said}");
    assert!(
        said.contains("review") && said.contains("AI-assisted"),
        "{said}"
    );
    assert!(
        said.contains("lines-added") && said.contains("src/feature.py"),
        "the finding and its file: {said}"
    );
}

/// Pushes as an administrator would, past the gate (the hook is parked meanwhile).
fn admin_push(server: &Repo, work: &Repo, args: &[&str]) {
    let hook = server.path.join("hooks/pre-receive");
    let parked = server.path.join("hooks/parked");
    std::fs::rename(&hook, &parked).expect("park hook");
    let (pushed, said) = push(work, args);
    std::fs::rename(&parked, &hook).expect("restore hook");
    assert!(pushed, "{said}");
}

/// An AI commit and its revert parked on a scratch branch add nothing, and pass; the
/// protected branch fast-forwarded to the AI commit alone is still judged as that AI change,
/// though the server already has every commit.
#[test]
fn fast_forward_to_a_commit_parked_on_another_branch_is_judged() {
    let (server, work) = server_and_clone();
    let main_before = server_has(&server, "main");
    let (ai, revert) = change_and_revert(&work);
    let (pushed, said) = push(
        &work,
        &["--no-verify", &format!("{revert}:refs/heads/scratch")],
    );
    assert!(pushed, "a change and its revert add nothing: {said}");

    let (pushed, said) = push(&work, &["--no-verify", &format!("{ai}:refs/heads/main")]);
    refused_as_the_ai_change(pushed, &said);
    assert_eq!(server_has(&server, "main"), main_before);
}

/// A new branch or tag at a commit the server has only inside a judged range is judged on its
/// own, whether the range was pushed before or in the same push, and so is a branch started
/// there; a ref at an existing tip has nothing to check. Deleting a ref and re-creating it elsewhere is judged like any new ref.
#[test]
fn new_ref_at_a_commit_inside_a_range_is_judged() {
    let (server, work) = server_and_clone();
    let (ai, revert) = change_and_revert(&work);

    // Same push: the parking ref and the ref at the AI commit arrive together.
    let (pushed, said) = push(
        &work,
        &[
            "--no-verify",
            &format!("{revert}:refs/heads/scratch"),
            &format!("{ai}:refs/heads/release"),
        ],
    );
    refused_as_the_ai_change(pushed, &said);
    assert_eq!(server_has(&server, "scratch"), None, "refused as a whole");

    // Parked first, then a branch and a tag at the AI commit, each in its own push.
    let (pushed, said) = push(
        &work,
        &["--no-verify", &format!("{revert}:refs/heads/scratch")],
    );
    assert!(pushed, "{said}");
    for target in ["refs/heads/release", "refs/tags/v1"] {
        let (pushed, said) = push(&work, &["--no-verify", &format!("{ai}:{target}")]);
        refused_as_the_ai_change(pushed, &said);
        assert_eq!(tip(&server, target), None, "{target}");
    }

    // A branch started inside the parked range (at the AI commit, not the scratch tip) is
    // judged from main: the AI commit is part of it.
    work.git(&["checkout", "-q", "-b", "side", &ai]);
    work.write("docs/side.md", "side\n");
    work.commit("Side notes");
    let (pushed, said) = push(&work, &["--no-verify", "side"]);
    refused_as_the_ai_change(pushed, &said);
    assert_eq!(server_has(&server, "side"), None);

    // A ref at the scratch tip has nothing new; deleted and re-created at the AI commit, it
    // is judged again.
    let (pushed, said) = push(
        &work,
        &["--no-verify", &format!("{revert}:refs/heads/release")],
    );
    assert!(pushed && said.contains("nothing to check"), "{said}");
    let (pushed, said) = push(&work, &["--no-verify", "--delete", "release"]);
    assert!(pushed, "{said}");
    let (pushed, said) = push(&work, &["--no-verify", &format!("{ai}:refs/heads/release")]);
    refused_as_the_ai_change(pushed, &said);
    assert_eq!(server_has(&server, "release"), None);
}

/// The protected branch moved through a change and its revert (net: nothing) cannot then be
/// rewound to the change, nor can the change be tagged; a tag at the branch's tip is fine.
#[test]
fn rewinding_or_tagging_inside_a_pushed_range_is_judged() {
    let (server, work) = server_and_clone();
    let (ai, revert) = change_and_revert(&work);
    let (pushed, said) = push(&work, &["--no-verify", "main"]);
    assert!(pushed, "a change and its revert add nothing: {said}");
    assert_eq!(server_has(&server, "main"), Some(revert.clone()));

    let (pushed, said) = push(
        &work,
        &["--no-verify", "--force", &format!("{ai}:refs/heads/main")],
    );
    refused_as_the_ai_change(pushed, &said);
    assert!(said.contains("moves back"), "{said}");
    assert_eq!(server_has(&server, "main"), Some(revert.clone()));

    let (pushed, said) = push(&work, &["--no-verify", &format!("{ai}:refs/tags/v1")]);
    refused_as_the_ai_change(pushed, &said);
    assert!(said.contains("judged on its own"), "{said}");
    assert_eq!(tip(&server, "refs/tags/v1"), None);

    let (pushed, said) = push(&work, &["--no-verify", &format!("{revert}:refs/tags/v2")]);
    assert!(pushed && said.contains("nothing to check"), "{said}");
}

const DATABASE: &str = "resource \"aws_db_instance\" \"main\" {\n  identifier        = \"prod-db\"\n  engine            = \"postgres\"\n  instance_class    = \"db.r6g.large\"\n  allocated_storage = 100\n}\n";

/// A new ref whose first-parent chain starts at a fresh root, merged with main so it shares
/// main's history, is compared with main (not the empty tree): dropping main's database
/// blocks, as it does when main itself is force-pushed to the fresh root. A new ref that
/// shares nothing with the server is judged as all added.
#[test]
fn a_fresh_root_under_a_merge_does_not_hide_what_the_ref_removes() {
    let (server, work) = server_and_clone();
    work.write("infra/db.tf", DATABASE);
    work.commit("Database");
    admin_push(&server, &work, &["main"]);

    work.git(&["checkout", "-q", "--orphan", "fresh"]);
    work.remove("infra/db.tf");
    let root = work.commit("Tidy up");
    work.git(&[
        "merge",
        "-q",
        "--allow-unrelated-histories",
        "-s",
        "ours",
        "main",
        "-m",
        "Merge main",
    ]);
    let (pushed, said) = push(&work, &["--no-verify", "fresh:refs/heads/release"]);
    assert!(!pushed, "{said}");
    assert!(
        said.contains("block") && said.contains("stateful-resource-destroyed"),
        "{said}"
    );
    assert!(said.contains("merge-base with refs/heads/main"), "{said}");
    assert_eq!(server_has(&server, "release"), None);

    // Main force-pushed to the unrelated root is compared with main's old tip.
    let (pushed, said) = push(
        &work,
        &["--no-verify", "--force", &format!("{root}:refs/heads/main")],
    );
    assert!(!pushed, "{said}");
    assert!(
        said.contains("shares no history") && said.contains("stateful-resource-destroyed"),
        "{said}"
    );

    let (pushed, said) = push(&work, &["--no-verify", &format!("{root}:refs/heads/pages")]);
    assert!(pushed, "{said}");
    assert!(said.contains("allow"), "{said}");
}

/// A force push that drops commits from a ref is compared with the ref's old tip, not the
/// merge-base: what the dropped commits added is removed by the push (an AI commit on top of an
/// older state drops main's database). Moving the ref back with no new commit, the same.
#[test]
fn a_force_push_or_rewind_is_judged_from_the_tip_it_leaves() {
    let (server, work) = server_and_clone();
    let before = work.git(&["rev-parse", "HEAD"]);
    work.write("infra/db.tf", DATABASE);
    let database = work.commit("Database");
    admin_push(&server, &work, &["main"]);

    work.git(&["checkout", "-q", "-B", "topic", &before]);
    work.write("docs/region.md", "us-east-1\n");
    work.commit(&format!("Document the region\n\n{CLAUDE_TRAILER}\n"));
    let (pushed, said) = push(&work, &["--no-verify", "--force", "topic:refs/heads/main"]);
    assert!(!pushed, "{said}");
    assert!(
        said.contains("force push") && said.contains("stateful-resource-destroyed"),
        "{said}"
    );
    assert_eq!(server_has(&server, "main"), Some(database.clone()));

    let (pushed, said) = push(
        &work,
        &[
            "--no-verify",
            "--force",
            &format!("{before}:refs/heads/main"),
        ],
    );
    assert!(!pushed, "{said}");
    assert!(
        said.contains("moves back") && said.contains("stateful-resource-destroyed"),
        "{said}"
    );
    assert_eq!(server_has(&server, "main"), Some(database));
}

/// With the server's HEAD dangling, a new ref is refused with a message saying how to name
/// the protected branch; once named, its policy (not the built-in one) judges new refs. If the
/// named branch is deleted, new refs are refused again.
#[test]
fn dangling_server_head_fails_closed() {
    let (server, work) = server_and_clone();
    work.write(
        ".blastgate.yaml",
        "version: 1\nthresholds:\n  ai: {review: 1, block: 2}\n  human: {block: 2}\n",
    );
    work.commit("Strict policy");
    admin_push(&server, &work, &["main"]);
    server.git(&["symbolic-ref", "HEAD", "refs/heads/trunk"]);

    work.git(&["checkout", "-q", "-b", "topic"]);
    work.write("src/extra.py", lines(20, "extra"));
    work.commit("Small change");
    let (pushed, said) = push(&work, &["--no-verify", "topic"]);
    assert!(!pushed, "{said}");
    assert!(
        said.contains("refs/heads/trunk, which does not exist")
            && said.contains("git config blastgate.defaultBranch"),
        "{said}"
    );
    assert_eq!(server_has(&server, "topic"), None);

    server.git(&["config", "blastgate.defaultBranch", "main"]);
    let (pushed, said) = push(&work, &["--no-verify", "topic"]);
    assert!(!pushed, "main's strict policy blocks it: {said}");
    assert!(
        said.contains("block") && said.contains(".blastgate.yaml"),
        "{said}"
    );

    // Another branch stays, so the server is not empty: its policy must not be guessed.
    admin_push(&server, &work, &["main:refs/heads/keep"]);
    let (pushed, said) = push(&work, &["--no-verify", "--delete", "main"]);
    assert!(pushed, "{said}");
    let (pushed, said) = push(&work, &["--no-verify", "topic:refs/heads/main"]);
    assert!(!pushed, "{said}");
    assert!(
        said.contains("configured default branch refs/heads/main does not exist"),
        "{said}"
    );
    assert_eq!(server_has(&server, "main"), None);
}

/// A client with `origin` and the installed pre-push hook.
fn client_with_hook() -> (Repo, Repo) {
    let work = repo_with_base();
    let remote = Repo::bare();
    let url = remote.path.to_string_lossy().into_owned();
    work.git(&["remote", "add", "origin", &url]);
    work.git(&["push", "-q", "origin", "main"]);
    work.git(&["fetch", "-q", "origin"]);
    let install = blastgate(&work, &["hook", "install"]);
    assert_eq!(install.code, 0, "{}{}", install.stdout, install.stderr);
    (work, remote)
}

/// pre-push: remote-tracking refs moved by hand (to the AI commit, on the pushed branch or on
/// the default branch) do not make it count as already on the remote; the remote is asked.
/// Parking the change and its revert first does not let the AI commit onto main either.
#[test]
fn forged_remote_tracking_refs_do_not_count_as_pushed() {
    let (work, remote) = client_with_hook();
    work.write("src/feature.py", lines(300, "f"));
    let ai = work.commit(&format!("Feature\n\n{CLAUDE_TRAILER}\n"));
    for forged in ["refs/remotes/origin/topic", "refs/remotes/origin/main"] {
        work.git(&["update-ref", forged, &ai]);
        let (pushed, said) = push(&work, &["topic"]);
        refused_as_the_ai_change(pushed, &said);
        assert_eq!(tip(&remote, "refs/heads/topic"), None, "{forged}");
    }

    work.git(&["fetch", "-q", "origin", "+main:refs/remotes/origin/main"]);
    work.git(&["revert", "--no-edit", "HEAD"]);
    let (pushed, said) = push(&work, &["HEAD:refs/heads/scratch"]);
    assert!(pushed, "{said}");
    let (pushed, said) = push(&work, &[&format!("{ai}:refs/heads/main")]);
    refused_as_the_ai_change(pushed, &said);
    let main = work.git(&["rev-parse", "main"]);
    assert_eq!(tip(&remote, "refs/heads/main"), Some(main));
}

/// pre-push cannot ask a remote that does not answer what it has: an error naming the remote
/// (exit 2), never a pass.
#[test]
fn unreachable_remote_is_an_error() {
    let (work, _remote) = client_with_hook();
    let head = work.commit("Empty");
    let zero = "0".repeat(40);
    let result = run(
        work.blastgate(&["pre-push", "nowhere", "nowhere"]),
        Some(&format!(
            "refs/heads/topic {head} refs/heads/topic {zero}\n"
        )),
    );
    assert_eq!(result.code, 2, "{}{}", result.stdout, result.stderr);
    assert!(
        result.stderr.contains("remote `nowhere`") && result.stderr.contains("git ls-remote"),
        "{}",
        result.stderr
    );
}

/// Without the default branch to start from (a history unrelated to it), only a ref's tip
/// counts as judged: a branch started inside another ref's range (at the AI commit its
/// revert hides) is not judged from that commit.
#[test]
fn unrelated_history_starts_only_at_a_ref_tip() {
    let (server, work) = server_and_clone();
    work.git(&["checkout", "-q", "--orphan", "legacy"]);
    work.write("legacy.md", "legacy\n");
    work.commit("Legacy root");
    let (ai, revert) = change_and_revert(&work);
    admin_push(&server, &work, &[&format!("{revert}:refs/heads/legacy")]);

    work.git(&["checkout", "-q", "-b", "legacy-side", &ai]);
    work.write("docs/side.md", "side\n");
    work.commit("Side notes");
    let (pushed, said) = push(&work, &["--no-verify", "legacy-side"]);
    refused_as_the_ai_change(pushed, &said);
    assert_eq!(server_has(&server, "legacy-side"), None);

    // Started at legacy's tip, only its own commit is judged.
    work.git(&["checkout", "-q", "-b", "legacy-next", &revert]);
    work.write("docs/next.md", "next\n");
    work.commit("Next notes");
    let (pushed, said) = push(&work, &["--no-verify", "legacy-next"]);
    assert!(
        pushed && said.contains("allow") && said.contains("1 file"),
        "{said}"
    );
}

/// pre-push: a new branch started at a scratch branch's tip is judged with the policy of the
/// remote's default branch, never with a policy the scratch branch (which anyone can push)
/// carries: a permissive `.blastgate.yaml` parked there does not let the AI change through.
#[test]
fn new_ref_from_a_scratch_tip_keeps_the_default_branch_policy() {
    let (work, remote) = client_with_hook();
    work.git(&["checkout", "-q", "-b", "scratch"]);
    work.write(
        ".blastgate.yaml",
        "version: 1\nthresholds:\n  ai: {review: 100000, block: 200000}\n  human: {block: 200000}\nrules: {inherit: false}\n",
    );
    work.commit("Relax the gate");
    let (pushed, said) = push(&work, &["--no-verify", "scratch"]);
    assert!(pushed, "{said}");
    work.git(&["checkout", "-q", "-b", "feature"]);
    work.write("src/feature.py", lines(300, "f"));
    work.commit(&format!("Feature\n\n{CLAUDE_TRAILER}\n"));
    let (pushed, said) = push(&work, &["feature"]);
    refused_as_the_ai_change(pushed, &said);
    assert_eq!(tip(&remote, "refs/heads/feature"), None);
}
