//! The pre-commit framework (<https://pre-commit.com>): the real `pre-commit` tool installs
//! its pre-push hook in a temp repository, and real `git push`es to a bare remote go through
//! `blastgate pre-push`, which reads the push from pre-commit's `PRE_COMMIT_*` variables.
//!
//! The behaviour tests point pre-commit at the binary under test (`repo: local`,
//! `language: system`): the published hook (`language: rust`) would `cargo install` this
//! repository first, which takes minutes. The published manifest itself is validated by
//! pre-commit. Without `pre-commit` on PATH the tests say so and pass, unless
//! `BLASTGATE_REQUIRE_PRE_COMMIT` is set (CI sets it, so CI cannot skip them).

use std::path::Path;
use std::process::Command;

use crate::support::{BINARY, CLAUDE_TRAILER, Repo, lines, repo_with_base};

/// True when `pre-commit` can run; panics when it cannot and CI requires it.
#[allow(
    clippy::disallowed_macros,
    reason = "a skipped test must say so where the test runner shows it"
)]
fn pre_commit_available() -> bool {
    let found = Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if !found {
        assert!(
            std::env::var_os("BLASTGATE_REQUIRE_PRE_COMMIT").is_none(),
            "BLASTGATE_REQUIRE_PRE_COMMIT is set but `pre-commit` is not on PATH (pip install pre-commit)"
        );
        eprintln!("SKIPPED: `pre-commit` is not installed (pip install pre-commit)");
    }
    found
}

/// Runs `pre-commit ARGS` in `repo` with the repository's hermetic git environment and a
/// private pre-commit cache; returns success and everything it said.
fn pre_commit(repo: &Repo, args: &[&str]) -> (bool, String) {
    // git_command gives the hermetic environment; the program is swapped for pre-commit.
    let git = repo.git_command(&[]);
    let mut command = Command::new("pre-commit");
    command.current_dir(&repo.path).args(args);
    command.env_clear();
    for (key, value) in git.get_envs() {
        if let Some(value) = value {
            command.env(key, value);
        }
    }
    command.env("PRE_COMMIT_HOME", repo.path.join("../pre-commit-home"));
    said(&mut command)
}

fn said(command: &mut Command) -> (bool, String) {
    let output = command.output().expect("command runs");
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

/// A working repository using the hook, with `main` pushed to a bare remote `origin`.
fn with_hook() -> (Repo, Repo) {
    let work = repo_with_base();
    work.git(&["checkout", "-q", "main"]);
    work.write(
        ".pre-commit-config.yaml",
        format!(
            "repos:\n- repo: local\n  hooks:\n  - id: blastgate\n    name: blastgate\n    entry: {BINARY} pre-push\n    language: system\n    stages: [pre-push]\n    pass_filenames: false\n    always_run: true\n"
        ),
    );
    work.commit("Use pre-commit");
    let remote = Repo::bare();
    let url = remote.path.to_string_lossy().into_owned();
    work.git(&["remote", "add", "origin", &url]);
    work.git(&["push", "-q", "origin", "main"]);
    let (installed, text) = pre_commit(&work, &["install", "--hook-type", "pre-push"]);
    assert!(installed, "pre-commit install failed: {text}");
    (work, remote)
}

fn push(work: &Repo, args: &[&str]) -> (bool, String) {
    let mut all = vec!["push", "origin"];
    all.extend_from_slice(args);
    said(&mut work.git_command(&all))
}

fn remote_tip(remote: &Repo, branch: &str) -> String {
    remote.git(&[
        "for-each-ref",
        "--format=%(objectname)",
        &format!("refs/heads/{branch}"),
    ])
}

fn database(name: &str) -> String {
    format!(
        "resource \"aws_db_instance\" \"{name}\" {{\n  identifier     = \"prod-db\"\n  engine         = \"postgres\"\n  instance_class = \"db.r6g.large\"\n}}\n"
    )
}

/// An AI-assisted rename of a production database (destroy + create) pushed on a new branch
/// is blocked and never reaches the remote; a docs change lands, on a new branch and as an
/// update of an existing one.
#[test]
fn pre_commit_hook_gates_real_pushes() {
    if !pre_commit_available() {
        return;
    }
    let (work, remote) = with_hook();
    work.write("infra/main.tf", database("main"));
    work.commit("Production database");
    let (pushed, text) = push(&work, &["main"]);
    assert!(pushed, "{text}");

    work.git(&["checkout", "-q", "-b", "rename"]);
    work.write("infra/main.tf", database("primary"));
    work.commit(&format!("Rename the database\n\n{CLAUDE_TRAILER}\n"));
    let (pushed, text) = push(&work, &["rename"]);
    assert!(!pushed, "a destroyed database must not be pushed: {text}");
    assert!(text.contains("block"), "{text}");
    assert!(text.contains("aws_db_instance.main"), "{text}");
    assert_eq!(remote_tip(&remote, "rename"), "");

    work.git(&["checkout", "-q", "main"]);
    work.write("docs/guide.md", lines(6, "doc"));
    let docs = work.commit("Docs tweak");
    let (pushed, text) = push(&work, &["main"]);
    assert!(pushed, "{text}");
    assert_eq!(remote_tip(&remote, "main"), docs);
    work.git(&["checkout", "-q", "-b", "more-docs"]);
    work.write("docs/more.md", lines(3, "more"));
    let more = work.commit("More docs");
    let (pushed, text) = push(&work, &["more-docs"]);
    assert!(pushed, "{text}");
    assert_eq!(remote_tip(&remote, "more-docs"), more);
}

/// The same risky change on an existing branch: pre-commit passes the remote's tip as
/// `PRE_COMMIT_FROM_REF`, and the push is still blocked.
#[test]
fn pre_commit_hook_blocks_an_update_of_an_existing_branch() {
    if !pre_commit_available() {
        return;
    }
    let (work, remote) = with_hook();
    work.write("infra/main.tf", database("main"));
    let before = work.commit("Production database");
    assert!(push(&work, &["main"]).0);
    work.write("infra/main.tf", database("primary"));
    work.commit(&format!("Rename the database\n\n{CLAUDE_TRAILER}\n"));
    let (pushed, text) = push(&work, &["main"]);
    assert!(!pushed, "{text}");
    assert_eq!(remote_tip(&remote, "main"), before);
}

/// The manifest this repository publishes is valid for pre-commit and runs at pre-push.
#[test]
fn published_manifest_is_valid() {
    if !pre_commit_available() {
        return;
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml");
    let (valid, text) = said(
        Command::new("pre-commit")
            .arg("validate-manifest")
            .arg(&manifest),
    );
    assert!(valid, "{text}");
    let yaml = std::fs::read_to_string(&manifest).expect("manifest");
    let hooks: serde_json::Value = serde_saphyr::from_str(&yaml).expect("manifest is YAML");
    let hook = &hooks[0];
    assert_eq!(hook["id"], "blastgate");
    assert_eq!(hook["entry"], "blastgate pre-push");
    assert_eq!(hook["language"], "rust");
    assert_eq!(hook["stages"], serde_json::json!(["pre-push"]));
    assert_eq!(hook["pass_filenames"], false);
}

/// pre-commit's variables, set by hand, are judged like git's ref list: no pre-commit needed.
#[test]
fn pre_commit_variables_describe_the_push() {
    let work = repo_with_base();
    let remote = Repo::bare();
    let url = remote.path.to_string_lossy().into_owned();
    work.git(&["remote", "add", "origin", &url]);
    work.git(&["push", "-q", "origin", "main"]);
    let base = work.git(&["rev-parse", "main"]);
    work.write("src/feature.py", lines(300, "f"));
    let head = work.commit(&format!("Feature\n\n{CLAUDE_TRAILER}\n"));
    let mut command = work.blastgate(&["pre-push", "--format", "json"]);
    command
        .env("PRE_COMMIT_REMOTE_NAME", "origin")
        .env("PRE_COMMIT_REMOTE_URL", &url)
        .env("PRE_COMMIT_LOCAL_BRANCH", "refs/heads/topic")
        .env("PRE_COMMIT_REMOTE_BRANCH", "refs/heads/topic")
        .env("PRE_COMMIT_FROM_REF", &base)
        .env("PRE_COMMIT_TO_REF", &head);
    let judged = crate::support::run(command, None);
    assert_eq!(judged.code, 3, "{}{}", judged.stdout, judged.stderr);
    let report = judged.json();
    assert_eq!(report["refs"][0]["local_oid"], head);
    assert_eq!(report["refs"][0]["remote_ref"], "refs/heads/topic");
    assert_eq!(report["refs"][0]["report"]["decision"], "review");
}

/// Without a remote and outside pre-commit, `pre-push` says what it needs (exit 2).
#[test]
fn pre_push_without_remote_or_pre_commit_is_an_error() {
    let work = repo_with_base();
    let run = crate::support::blastgate(&work, &["pre-push"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains("PRE_COMMIT_REMOTE_NAME"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
}
