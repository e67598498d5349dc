//! `blastgate hook install|uninstall|status`: the installed hook runs through real `git push`
//! into a local bare remote, next to the hooks that were there before it.

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use crate::support::{BINARY, CLAUDE_TRAILER, Repo, Run, blastgate, lines, repo_with_base};

/// A working repository with `main` pushed to a bare remote named `origin`.
fn with_remote() -> (Repo, Repo) {
    let work = repo_with_base();
    let remote = Repo::bare();
    let url = remote.path.to_string_lossy().into_owned();
    work.git(&["remote", "add", "origin", &url]);
    work.git(&["push", "-q", "origin", "main"]);
    (work, remote)
}

fn hooks(work: &Repo) -> PathBuf {
    work.path.join(".git/hooks")
}

fn remote_has(remote: &Repo, branch: &str) -> bool {
    !remote
        .git(&["for-each-ref", &format!("refs/heads/{branch}")])
        .is_empty()
}

/// `git push` output (stdout and stderr) and whether it succeeded.
fn push(work: &Repo, args: &[&str]) -> (bool, String) {
    let mut all = vec!["push", "origin"];
    all.extend_from_slice(args);
    let output = work.git_command(&all).output().expect("git push");
    let said = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), said)
}

fn ok(run: &Run) {
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

/// Commits a 300-line AI-assisted file on the current branch: the default policy wants review.
fn risky_commit(work: &Repo) {
    work.write("src/feature.py", lines(300, "f"));
    work.commit(&format!("Feature\n\n{CLAUDE_TRAILER}\n"));
}

/// Commits a small docs change on a new branch `name` from `main`.
fn benign_branch(work: &Repo, name: &str) {
    work.git(&["checkout", "-q", "-b", name, "main"]);
    work.write("docs/guide.md", lines(6, "doc"));
    work.commit("Docs tweak");
}

/// A pre-push hook that records its stdin in `marker` and exits with `code`.
fn write_recording_hook(path: &Path, marker: &Path, code: u8, mode: u32) {
    std::fs::write(
        path,
        format!("#!/bin/sh\ncat >> '{}'\nexit {code}\n", marker.display()),
    )
    .expect("write hook");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod hook");
}

/// Installed in a fresh clone, `status` says active and names the binary; a risky AI change is
/// rejected by a real `git push` with a terminal-sized report, a benign branch lands and a
/// deletion goes through.
#[test]
fn installed_hook_gates_real_pushes() {
    let (work, remote) = with_remote();
    ok(&blastgate(&work, &["hook", "install"]));
    let status = blastgate(&work, &["hook", "status"]);
    ok(&status);
    assert!(status.stdout.starts_with("active"), "{}", status.stdout);
    assert!(status.stdout.contains(BINARY), "{}", status.stdout);

    risky_commit(&work);
    let (pushed, said) = push(&work, &["topic"]);
    assert!(!pushed, "a risky AI change must be rejected: {said}");
    assert!(
        said.contains("review") && said.contains("sign-off"),
        "{said}"
    );
    assert!(
        said.contains("full report: blastgate check --base"),
        "{said}"
    );
    assert!(!remote_has(&remote, "topic"));

    benign_branch(&work, "docs");
    let (pushed, said) = push(&work, &["docs"]);
    assert!(pushed, "{said}");
    assert!(remote_has(&remote, "docs"));
    let (pushed, said) = push(&work, &["--delete", "docs"]);
    assert!(pushed, "{said}");
    assert!(!remote_has(&remote, "docs"));
}

/// An existing hook is chained: it still runs with the same stdin, and its failure still
/// stops the push; `uninstall` puts it back byte for byte.
#[test]
fn existing_hook_keeps_running_and_its_failure_blocks() {
    let (work, remote) = with_remote();
    let marker = work.path.join("marker");
    let original = hooks(&work).join("pre-push");
    write_recording_hook(&original, &marker, 0, 0o755);
    let before = std::fs::read(&original).expect("read hook");

    let install = blastgate(&work, &["hook", "install"]);
    ok(&install);
    assert!(
        install.stdout.contains("still runs first"),
        "{}",
        install.stdout
    );
    benign_branch(&work, "docs");
    let (pushed, said) = push(&work, &["docs"]);
    assert!(pushed, "{said}");
    let seen = std::fs::read_to_string(&marker).expect("the old hook ran");
    assert!(
        seen.contains("refs/heads/docs"),
        "the old hook got the ref list: {seen}"
    );

    let chained = hooks(&work).join("pre-push.blastgate-chained");
    write_recording_hook(&chained, &marker, 1, 0o755);
    work.write("docs/guide.md", lines(7, "doc"));
    work.commit("Docs again");
    let (pushed, said) = push(&work, &["docs"]);
    assert!(
        !pushed,
        "the chained hook's failure must stop the push: {said}"
    );

    write_recording_hook(&chained, &marker, 0, 0o755);
    ok(&blastgate(&work, &["hook", "uninstall"]));
    assert_eq!(std::fs::read(&original).expect("restored"), before);
    assert!(!chained.exists());
    let _ = remote;
}

/// A hook that is not executable (git would skip it) is chained, reported and run with `sh`.
#[test]
fn non_executable_hook_is_chained_and_run_with_sh() {
    let (work, _remote) = with_remote();
    let marker = work.path.join("marker");
    write_recording_hook(&hooks(&work).join("pre-push"), &marker, 0, 0o644);
    ok(&blastgate(&work, &["hook", "install"]));
    let status = blastgate(&work, &["hook", "status"]);
    assert!(
        status.stdout.contains("not executable"),
        "{}",
        status.stdout
    );
    benign_branch(&work, "docs");
    let (pushed, said) = push(&work, &["docs"]);
    assert!(pushed, "{said}");
    assert!(marker.exists(), "the non-executable hook ran through sh");
}

/// A hook that is a symlink is chained as the link itself (never followed and overwritten);
/// `uninstall` puts back the same link.
#[test]
fn symlinked_hook_is_chained_as_a_link() {
    let (work, _remote) = with_remote();
    let marker = work.path.join("marker");
    let target = work.path.join("tools-pre-push.sh");
    write_recording_hook(&target, &marker, 0, 0o755);
    let before = std::fs::read(&target).expect("read target");
    let link = hooks(&work).join("pre-push");
    std::os::unix::fs::symlink("../../tools-pre-push.sh", &link).expect("symlink");

    ok(&blastgate(&work, &["hook", "install"]));
    assert_eq!(
        std::fs::read(&target).expect("target"),
        before,
        "target untouched"
    );
    benign_branch(&work, "docs");
    let (pushed, said) = push(&work, &["docs"]);
    assert!(pushed, "{said}");
    assert!(marker.exists(), "the linked hook ran");

    ok(&blastgate(&work, &["hook", "uninstall"]));
    assert_eq!(
        std::fs::read_link(&link).expect("a link again"),
        Path::new("../../tools-pre-push.sh")
    );
}

/// `--force` replaces a hook and keeps a backup (the old hook no longer runs); `uninstall`
/// restores it exactly, mode included.
#[test]
fn force_replaces_with_a_backup_and_uninstall_restores_it() {
    let (work, _remote) = with_remote();
    let marker = work.path.join("marker");
    let original = hooks(&work).join("pre-push");
    write_recording_hook(&original, &marker, 0, 0o750);
    let before = std::fs::read(&original).expect("read hook");

    let install = blastgate(&work, &["hook", "install", "--force"]);
    ok(&install);
    let backup = hooks(&work).join("pre-push.blastgate-backup");
    assert_eq!(std::fs::read(&backup).expect("backup"), before);
    benign_branch(&work, "docs");
    let (pushed, said) = push(&work, &["docs"]);
    assert!(pushed, "{said}");
    assert!(!marker.exists(), "a replaced hook does not run");

    ok(&blastgate(&work, &["hook", "uninstall"]));
    assert_eq!(std::fs::read(&original).expect("restored"), before);
    let mode = std::fs::metadata(&original)
        .expect("meta")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o750);
    assert!(!backup.exists());
}

/// Installing twice changes nothing and never chains the hook to itself.
#[test]
fn installing_twice_is_idempotent() {
    let (work, _remote) = with_remote();
    ok(&blastgate(&work, &["hook", "install"]));
    let first = std::fs::read(hooks(&work).join("pre-push")).expect("hook");
    let again = blastgate(&work, &["hook", "install"]);
    ok(&again);
    assert!(
        again.stdout.contains("already installed"),
        "{}",
        again.stdout
    );
    assert_eq!(
        std::fs::read(hooks(&work).join("pre-push")).expect("hook"),
        first
    );
    assert!(!hooks(&work).join("pre-push.blastgate-chained").exists());
    let status = blastgate(&work, &["hook", "status"]);
    assert!(
        status.stdout.contains("chains nothing"),
        "{}",
        status.stdout
    );
}

/// `core.hooksPath` is where git looks, so that is where the hook goes (relative to the work
/// tree root); a risky push through it is rejected.
#[test]
fn core_hooks_path_is_honoured() {
    let (work, remote) = with_remote();
    work.git(&["config", "core.hooksPath", ".githooks"]);
    std::fs::create_dir_all(work.path.join("src")).expect("mkdir");
    let mut from_subdir = work.blastgate(&["hook", "install"]);
    from_subdir.current_dir(work.path.join("src"));
    ok(&crate::support::run(from_subdir, None));
    assert!(work.path.join(".githooks/pre-push").exists());
    assert!(!hooks(&work).join("pre-push").exists());
    let status = blastgate(&work, &["hook", "status"]);
    assert!(
        status.stdout.contains("core.hooksPath"),
        "{}",
        status.stdout
    );

    risky_commit(&work);
    let (pushed, said) = push(&work, &["topic"]);
    assert!(!pushed, "{said}");
    assert!(!remote_has(&remote, "topic"));
}

/// Linked worktrees share the hooks of the main repository; `GIT_DIR` names the repository
/// as it does for git.
#[test]
fn worktrees_and_git_dir_find_the_shared_hooks() {
    let (work, remote) = with_remote();
    let linked = work.path.with_file_name("linked");
    let linked_arg = linked.to_string_lossy().into_owned();
    work.git(&["worktree", "add", "-q", "-b", "wt", &linked_arg, "main"]);
    let mut install = work.blastgate(&["hook", "install"]);
    install.current_dir(&linked);
    ok(&crate::support::run(install, None));
    assert!(hooks(&work).join("pre-push").exists());
    // A push from the linked worktree runs the shared hook, with git's variables set.
    std::fs::write(linked.join("feature.py"), lines(300, "f")).expect("write");
    let in_linked = |args: &[&str]| {
        let mut command = work.git_command(args);
        command.current_dir(&linked);
        command.output().expect("git in the linked worktree")
    };
    in_linked(&["add", "-A"]);
    let message = format!("Feature\n\n{CLAUDE_TRAILER}\n");
    assert!(
        in_linked(&["commit", "-q", "-m", &message])
            .status
            .success()
    );
    let output = in_linked(&["push", "origin", "wt"]);
    assert!(
        !output.status.success(),
        "the shared hook rejects the risky push"
    );
    assert!(!remote_has(&remote, "wt"));

    ok(&blastgate(&work, &["hook", "uninstall"]));
    let elsewhere = Repo::new();
    // No `-C`: like git, the environment names the repository.
    let mut with_git_dir = elsewhere.blastgate(&["hook", "install"]);
    with_git_dir.env("GIT_DIR", work.path.join(".git"));
    ok(&crate::support::run(with_git_dir, None));
    assert!(hooks(&work).join("pre-push").exists());
    assert!(!elsewhere.path.join(".git/hooks/pre-push").exists());
}

/// A bare repository (use pre-receive there) and a directory outside any repository are
/// errors (exit 2) that say why.
#[test]
fn bare_and_outside_a_repository_are_errors() {
    let bare = Repo::bare();
    let run = blastgate(&bare, &["hook", "install"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("pre-receive"), "{}", run.stderr);

    let outside = tempfile::tempdir().expect("temp dir");
    let mut command = bare.blastgate(&["hook", "status"]);
    command
        .current_dir(outside.path())
        .env("GIT_CEILING_DIRECTORIES", outside.path());
    let run = crate::support::run(command, None);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("not in a git repository"),
        "{}",
        run.stderr
    );
}

/// A hooks path that cannot be written is an error naming it, and nothing is half-installed.
#[test]
fn unwritable_hooks_path_is_an_error() {
    let (work, _remote) = with_remote();
    // A file where the directory should be stops root too.
    work.write("blocked", "not a directory\n");
    work.git(&["config", "core.hooksPath", "blocked/hooks"]);
    let run = blastgate(&work, &["hook", "install"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("blocked/hooks"), "{}", run.stderr);

    // A read-only directory: only meaningful when permissions apply to us (not as root).
    let readonly = work.path.join("readonly");
    std::fs::create_dir_all(&readonly).expect("mkdir");
    std::fs::set_permissions(&readonly, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    let permissions_apply = std::fs::write(readonly.join("probe"), "").is_err();
    work.git(&["config", "core.hooksPath", "readonly"]);
    let run = blastgate(&work, &["hook", "install"]);
    if permissions_apply {
        assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains("readonly"), "{}", run.stderr);
        assert!(std::fs::read_dir(&readonly).expect("list").next().is_none());
    }
    std::fs::set_permissions(&readonly, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}
