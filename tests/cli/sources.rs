//! Change sources other than explicit ranges: the index, the working tree, diff text, bare
//! repositories, and choosing a base from CI variables, the upstream or the default branch.

use crate::support::{CLAUDE_TRAILER, Repo, blastgate, field_of, lines, repo_with_base, run};

/// `--staged` judges the index: a staged workflow change declared AI-assisted needs review.
#[test]
fn staged_changes_are_judged() {
    let repo = repo_with_base();
    repo.write(".github/workflows/ci.yml", "on: push\njobs: {}\n");
    repo.git(&["add", ".github/workflows/ci.yml"]);
    repo.write("unstaged.txt", "not staged\n");
    let run = blastgate(
        &repo,
        &[
            "check",
            "--staged",
            "--ai-assisted",
            "yes",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(report["origin"]["kind"], "staged");
    assert_eq!(
        field_of(&report, "files", "path"),
        [".github/workflows/ci.yml"]
    );
    assert!(
        report["rules"].to_string().contains("ci-changed"),
        "{}",
        report["rules"]
    );
}

/// `--worktree` includes untracked files: an assistant's new files count before `git add`.
#[test]
fn worktree_includes_untracked_files() {
    let repo = repo_with_base();
    repo.write("src/app.py", lines(25, "app"));
    repo.write("src/new_module.py", lines(10, "new"));
    let run = blastgate(&repo, &["check", "--worktree", "--format", "json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    let files = report["files"].as_array().expect("files");
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(
        files
            .iter()
            .any(|f| f["path"] == "src/new_module.py" && f["status"] == "added")
    );
}

/// `--diff FILE` and `--diff -` read `git diff` output, even outside any repository.
#[test]
fn unified_diff_from_file_and_stdin() {
    let repo = repo_with_base();
    repo.write("src/feature.py", lines(300, "f"));
    repo.git(&["add", "-A"]);
    let diff = repo.git(&["diff", "--cached"]) + "\n";
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(outside.path().join("change.diff"), &diff).expect("write diff");

    let mut command = repo.blastgate(&[
        "check",
        "--diff",
        "change.diff",
        "--ai-assisted",
        "yes",
        "--format",
        "json",
    ]);
    command.current_dir(outside.path());
    let from_file = run(command, None);
    assert_eq!(
        from_file.code, 3,
        "{}{}",
        from_file.stdout, from_file.stderr
    );
    assert_eq!(
        from_file.json()["policy"]["source"],
        "built-in default policy"
    );

    let from_stdin = run(
        repo.blastgate(&["check", "--diff", "-", "--format", "json"]),
        Some(&diff),
    );
    assert_eq!(
        from_stdin.code, 0,
        "{}{}",
        from_stdin.stdout, from_stdin.stderr
    );
    assert_eq!(from_stdin.json()["files"][0]["additions"], 300);
}

/// A bare repository (a git server, a CI mirror) works when revisions are given.
#[test]
fn bare_repository_with_revisions() {
    let work = repo_with_base();
    work.write("src/feature.py", lines(300, "f"));
    work.commit(&format!("Feature\n\n{CLAUDE_TRAILER}\n"));
    let remote = Repo::bare();
    let url = remote.path.to_string_lossy().into_owned();
    work.git(&["push", "-q", &url, "main", "topic"]);
    let run = blastgate(&remote, &["check", "--base", "main", "--head", "topic"]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    let staged = blastgate(&remote, &["check", "--staged"]);
    assert_eq!(staged.code, 2);
    assert!(
        staged.stderr.contains("bare repository"),
        "{}",
        staged.stderr
    );
}

fn clone_with_topic() -> (Repo, Repo) {
    let origin = repo_with_base();
    origin.git(&["checkout", "-q", "main"]);
    let clone = Repo::clone_of(&origin, &[]);
    clone.git(&["checkout", "-q", "-b", "feature", "--track", "origin/main"]);
    clone.write("src/feature.py", lines(300, "f"));
    clone.commit(&format!("Feature\n\n{CLAUDE_TRAILER}\n"));
    (origin, clone)
}

/// Without `--base`, the upstream branch's merge-base is used, and the report says so.
#[test]
fn base_defaults_to_the_upstream() {
    let (_origin, clone) = clone_with_topic();
    let run = blastgate(&clone, &["check", "--format", "json"]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    let base = &run.json()["base"];
    assert_eq!(base["spec"], "origin/main");
    assert!(
        base["reason"]
            .as_str()
            .expect("reason")
            .contains("upstream"),
        "{base}"
    );
}

/// With no upstream, the remote's default branch is used.
#[test]
fn base_falls_back_to_the_default_branch() {
    let (_origin, clone) = clone_with_topic();
    clone.git(&["branch", "-q", "--unset-upstream"]);
    let run = blastgate(&clone, &["check", "--format", "json"]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    let reason = run.json()["base"]["reason"]
        .as_str()
        .expect("reason")
        .to_string();
    assert!(reason.contains("default branch of origin"), "{reason}");
}

/// On GitHub Actions the pull request's base sha from the event payload wins.
#[test]
fn github_actions_pull_request_payload() {
    let (_origin, clone) = clone_with_topic();
    let base = clone.git(&["rev-parse", "origin/main"]);
    let payload = clone.path.join("../event.json");
    std::fs::write(
        &payload,
        format!(r#"{{"pull_request": {{"number": 7, "base": {{"sha": "{base}"}}}}}}"#),
    )
    .expect("payload");
    let mut command = clone.blastgate(&["check", "--format", "json"]);
    command
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_EVENT_PATH", &payload);
    let run = run(command, None);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(report["base"]["spec"], base);
    assert!(
        report["base"]["reason"]
            .as_str()
            .expect("reason")
            .contains("pull request #7"),
        "{}",
        report["base"]
    );
}

/// On GitLab merge-request pipelines the diff base sha is used.
#[test]
fn gitlab_merge_request_variables() {
    let (_origin, clone) = clone_with_topic();
    let base = clone.git(&["rev-parse", "origin/main"]);
    let mut command = clone.blastgate(&["check", "--format", "json"]);
    command
        .env("GITLAB_CI", "true")
        .env("CI_MERGE_REQUEST_DIFF_BASE_SHA", &base);
    let run = run(command, None);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    assert!(
        run.json()["base"]["reason"]
            .as_str()
            .expect("reason")
            .contains("GitLab")
    );
}

/// A missing or malformed CI payload is an error (exit 2), never a silent allow.
#[test]
fn malformed_ci_payload_is_an_error() {
    let (_origin, clone) = clone_with_topic();
    let payload = clone.path.join("../event.json");
    std::fs::write(&payload, "{\"pull_request\": ").expect("payload");
    let mut command = clone.blastgate(&["check"]);
    command
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_EVENT_PATH", &payload);
    let run = run(command, None);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("event.json"), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
}

/// A copy of a modified file is a copy in a small change; in one of more than 10,000 pairs of
/// added and modified files it is an added file, every line counted, and the report says why.
#[test]
fn copies_are_not_looked_for_past_the_pair_budget() {
    let repo = repo_with_base();
    let source = lines(40, "shared");
    repo.write("lib/source.py", &source);
    for n in 0..100 {
        repo.write(&format!("docs/page{n}.md"), format!("page {n}\n"));
    }
    repo.commit("base files");
    let base = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    repo.write("lib/source.py", format!("{source}one more\n"));
    repo.write("lib/copy.py", format!("{source}a copy\n"));
    let small = repo.commit("copy one file");
    let judged = |head: &str| {
        let run = blastgate(
            &repo,
            &["check", "--base", &base, "--head", head, "--format", "json"],
        );
        assert!(
            run.code == 0 || run.code == 1,
            "{}{}",
            run.stdout,
            run.stderr
        );
        run.json()
    };
    let copy_status = |report: &serde_json::Value| {
        report["files"]
            .as_array()
            .expect("files")
            .iter()
            .find(|file| file["path"] == "lib/copy.py")
            .map(|file| file["status"].as_str().unwrap_or_default().to_string())
    };
    let report = judged(&small);
    assert_eq!(copy_status(&report).as_deref(), Some("copied"));
    assert_eq!(report["notes"], serde_json::json!([]));

    // 101 modified files × 101 added ones.
    for n in 0..100 {
        repo.write(&format!("docs/page{n}.md"), format!("page {n}, edited\n"));
        repo.write(&format!("docs/new{n}.md"), format!("new page {n}\n"));
    }
    let large = repo.commit("edit every page and add as many");
    let report = judged(&large);
    assert_eq!(copy_status(&report).as_deref(), Some("added"));
    assert_eq!(
        report["notes"],
        serde_json::json!([
            "copies were not looked for: 101 added × 101 modified files is 10201 pairs, over the budget of 10000; a copied file counts as added"
        ])
    );
    // The text report says so too, even when the change is benign and gets one line.
    let text = blastgate(&repo, &["check", "--base", &base, "--head", &large]);
    assert_eq!(text.code, 0, "{}{}", text.stdout, text.stderr);
    assert!(text.stdout.starts_with("allow · "), "{}", text.stdout);
    assert!(
        text.stdout
            .contains("\n  note: copies were not looked for: 101 added × 101 modified files"),
        "{}",
        text.stdout
    );
}
