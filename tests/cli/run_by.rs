//! CI and hook files found by what runs them (issue 12): a change to only the file a workflow,
//! hook or setup script runs is a CI or hook change, read from the judged trees.

use crate::support::{CLAUDE_TRAILER, Repo, blastgate, field_of, repo_with_base};

/// `check --base main` on the checked-out branch: exit code and finding ids.
fn judge(repo: &Repo) -> (i32, Vec<String>) {
    let result = blastgate(repo, &["check", "--base", "main", "--format", "json"]);
    assert!(
        result.code != 2,
        "no error expected: {}{}",
        result.stdout,
        result.stderr
    );
    (result.code, field_of(&result.json(), "findings", "id"))
}

/// `files` committed on `main`, then a `topic` branch checked out.
fn base_with(files: &[(&str, &str)]) -> Repo {
    let repo = repo_with_base();
    repo.git(&["checkout", "-q", "main"]);
    for (path, content) in files {
        repo.write(path, content);
    }
    repo.commit("CI and hooks");
    repo.git(&["checkout", "-q", "-B", "topic"]);
    repo
}

fn ai_commit(repo: &Repo, path: &str, content: &str) {
    repo.write(path, content);
    repo.commit(&format!("Tweak {path}\n\n{CLAUDE_TRAILER}\n"));
}

fn has(ids: &[String], id: &str) -> bool {
    ids.iter().any(|seen| seen == id)
}

const DEPLOY_WORKFLOW: &str = "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: ./tools/deploy-action\n      - run: ./scripts/deploy.sh production\n";

/// A plain script changed alone by an AI is allowed: the control for the tests below.
#[test]
fn a_script_nothing_runs_is_not_ci() {
    let repo = base_with(&[("scripts/report.sh", "#!/bin/sh\necho report\n")]);
    ai_commit(&repo, "scripts/report.sh", "#!/bin/sh\necho report v2\n");
    let (code, ids) = judge(&repo);
    assert_eq!(code, 0, "{ids:?}");
    assert!(
        !has(&ids, "ci-changed") && !has(&ids, "hook-changed"),
        "{ids:?}"
    );
}

/// A script a workflow runs by path is a CI file when only the script changes.
#[test]
fn script_run_by_a_workflow_is_ci() {
    let repo = base_with(&[
        (".github/workflows/deploy.yml", DEPLOY_WORKFLOW),
        ("scripts/deploy.sh", "#!/bin/sh\nterraform apply\n"),
        (
            "tools/deploy-action/action.yml",
            "runs:\n  using: composite\n  steps:\n    - run: echo hi\n      shell: bash\n",
        ),
    ]);
    ai_commit(
        &repo,
        "scripts/deploy.sh",
        "#!/bin/sh\nterraform apply -auto-approve\n",
    );
    let (code, ids) = judge(&repo);
    assert!(has(&ids, "ci-changed"), "{ids:?}");
    assert_eq!(code, 3, "an AI edit to CI needs review: {ids:?}");
}

/// A local composite action a workflow `uses:` is CI, and the workflow analyzer reads it: a
/// third-party action added unpinned inside it is found.
#[test]
fn local_composite_action_is_ci_and_analysed() {
    let action = "runs:\n  using: composite\n  steps:\n    - run: echo hi\n      shell: bash\n";
    let repo = base_with(&[
        (".github/workflows/deploy.yml", DEPLOY_WORKFLOW),
        ("scripts/deploy.sh", "#!/bin/sh\n"),
        ("tools/deploy-action/action.yml", action),
    ]);
    ai_commit(
        &repo,
        "tools/deploy-action/action.yml",
        &format!("{action}    - uses: someone/publish-action@v1\n"),
    );
    let (code, ids) = judge(&repo);
    assert!(has(&ids, "ci-changed"), "{ids:?}");
    assert!(has(&ids, "action-unpinned"), "{ids:?}");
    assert_eq!(code, 3, "{ids:?}");
}

/// A file pulled in by GitLab `include: local:` is CI and read by the GitLab analyzer.
#[test]
fn gitlab_local_include_is_ci_and_analysed() {
    let repo = base_with(&[
        (
            ".gitlab-ci.yml",
            "include:\n  - local: /ci/deploy.yml\nstages: [deploy]\n",
        ),
        (
            "ci/deploy.yml",
            "deploy:\n  stage: deploy\n  script:\n    - ./deploy\n",
        ),
    ]);
    ai_commit(
        &repo,
        "ci/deploy.yml",
        "deploy:\n  stage: deploy\n  script:\n    - curl -sL https://get.example.com | sh\n",
    );
    let (code, ids) = judge(&repo);
    assert!(has(&ids, "ci-changed"), "{ids:?}");
    assert!(has(&ids, "pipe-to-shell"), "{ids:?}");
    assert_eq!(code, 3, "{ids:?}");
}

/// A script a husky hook calls is a hook file; hook changes need review whoever wrote them.
#[test]
fn script_called_by_a_husky_hook_is_a_hook() {
    let repo = base_with(&[
        (".husky/pre-push", "#!/bin/sh\nsh tools/verify.sh\n"),
        ("tools/verify.sh", "#!/bin/sh\nnpm test\n"),
    ]);
    repo.write("tools/verify.sh", "#!/bin/sh\nexit 0\n");
    repo.commit("Faster verify");
    let (code, ids) = judge(&repo);
    assert!(has(&ids, "hook-changed"), "{ids:?}");
    assert_eq!(code, 3, "{ids:?}");
}

/// Scripts run by `lefthook.yml` and by a local `.pre-commit-config.yaml` hook are hook files.
#[test]
fn scripts_run_by_lefthook_and_pre_commit_are_hooks() {
    let repo = base_with(&[
        (
            "lefthook.yml",
            "pre-push:\n  commands:\n    gate:\n      run: ./ci/gate-check.sh {push_files}\n",
        ),
        ("ci/gate-check.sh", "#!/bin/sh\ntrue\n"),
        (
            ".pre-commit-config.yaml",
            "repos:\n  - repo: local\n    hooks:\n      - id: lint\n        name: lint\n        entry: python3 tools/lint_all.py\n        language: system\n",
        ),
        ("tools/lint_all.py", "print('ok')\n"),
    ]);
    repo.git(&["checkout", "-q", "-b", "one", "topic"]);
    repo.write("ci/gate-check.sh", "#!/bin/sh\nexit 0\n");
    repo.commit("Lefthook script");
    let (code, ids) = judge(&repo);
    assert!(has(&ids, "hook-changed"), "lefthook: {ids:?}");
    assert_eq!(code, 3, "{ids:?}");

    repo.git(&["checkout", "-q", "-b", "two", "topic"]);
    repo.write("tools/lint_all.py", "pass\n");
    repo.commit("Pre-commit script");
    let (code, ids) = judge(&repo);
    assert!(has(&ids, "hook-changed"), "pre-commit: {ids:?}");
    assert_eq!(code, 3, "{ids:?}");
}

/// `core.hooksPath` committed in a setup script makes its directory a hook directory, and
/// the setup script itself a hook file; `scripts/*hooks*` is one by its name.
#[test]
fn hooks_path_from_a_setup_script_and_hook_named_scripts() {
    let repo = base_with(&[
        (
            "setup.sh",
            "#!/bin/sh\ngit config core.hooksPath tools/git-hooks\n",
        ),
        ("tools/git-hooks/pre-push", "#!/bin/sh\nnpm test\n"),
        ("scripts/install-hooks.sh", "#!/bin/sh\ncp x y\n"),
    ]);
    repo.git(&["checkout", "-q", "-b", "one", "topic"]);
    repo.write("tools/git-hooks/pre-push", "#!/bin/sh\nexit 0\n");
    repo.commit("Hook tweak");
    let (code, ids) = judge(&repo);
    assert!(has(&ids, "hook-changed"), "hook dir: {ids:?}");
    assert_eq!(code, 3, "{ids:?}");

    repo.git(&["checkout", "-q", "-b", "two", "topic"]);
    repo.write(
        "setup.sh",
        "#!/bin/sh\ngit config core.hooksPath /dev/null\n",
    );
    repo.commit("Setup tweak");
    let (code, ids) = judge(&repo);
    assert!(has(&ids, "hook-changed"), "setup script: {ids:?}");
    assert_eq!(code, 3, "{ids:?}");

    // A change that points core.hooksPath somewhere new, from a file of any name.
    repo.git(&["checkout", "-q", "-b", "four", "topic"]);
    repo.write(
        "docs/dev-notes.txt",
        "run: git config core.hooksPath .quiet-hooks\n",
    )
    .write(".quiet-hooks/pre-push", "#!/bin/sh\nexit 0\n");
    repo.commit("Quieter hooks");
    let result = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    let report = result.json();
    let hook_files: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["id"] == "hook-changed")
        .filter_map(|f| f["file"].as_str())
        .collect();
    assert_eq!(
        hook_files,
        [".quiet-hooks/pre-push", "docs/dev-notes.txt"],
        "{report}"
    );
    assert_eq!(result.code, 3);

    repo.git(&["checkout", "-q", "-b", "three", "topic"]);
    repo.write("scripts/install-hooks.sh", "#!/bin/sh\ntrue\n");
    repo.commit("Install tweak");
    let (code, ids) = judge(&repo);
    assert!(has(&ids, "hook-changed"), "scripts/*hooks*: {ids:?}");
    assert_eq!(code, 3, "{ids:?}");
}

/// `git -c core.hooksPath=/dev/null push` sets the hooks for that one command: an edit
/// elsewhere in the script is not a hook change (a human's is allowed), but adding such a line
/// is one, whoever wrote it (uv's release workflows made every action bump a hook change).
#[test]
fn hooks_set_for_one_command_count_only_where_the_change_touches_them() {
    const RELEASE: &str = "#!/bin/sh\nset -e\nVERSION=1.0\ngit -c core.hooksPath=/dev/null push origin \"v$VERSION\"\n";
    let repo = base_with(&[("scripts/release.sh", RELEASE)]);
    repo.write("scripts/release.sh", RELEASE.replace("1.0", "1.1"));
    repo.commit("Release 1.1");
    let (code, ids) = judge(&repo);
    assert!(!has(&ids, "hook-changed"), "edit elsewhere: {ids:?}");
    assert_eq!(code, 0, "{ids:?}");

    repo.git(&["checkout", "-q", "-b", "quiet", "main"]);
    repo.write(
        "scripts/release.sh",
        format!("{RELEASE}git -c core.hooksPath=/dev/null push --tags\n"),
    );
    repo.commit("Push the tags too");
    let (code, ids) = judge(&repo);
    assert!(has(&ids, "hook-changed"), "added override: {ids:?}");
    assert_eq!(code, 3, "{ids:?}");
}

/// A workflow names files it does not run: in a trigger filter, a comment, a cache key, the
/// data of an inline script, and a bundler configuration it runs names its entry points. An
/// AI edit of such a file is an ordinary source change; a script the workflow runs through a
/// runner (`uv run … scripts/x.py`) is still CI.
#[test]
fn files_a_workflow_only_names_are_not_ci() {
    const WORKFLOW: &str = "on:\n  pull_request:\n    paths:\n      - 'src/cli.ts'\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/cache@v4\n        with:\n          key: ${{ hashFiles('src/lint.js') }}\n      # src/notes.py explains the retries\n      - run: node build.config.js && uv run --no-project scripts/check.py\n      - uses: actions/github-script@v7\n        with:\n          script: |\n            const PAIRS = [{ legacy: 'src/legacy.ts', }];\n";
    let repo = base_with(&[
        (".github/workflows/ci.yml", WORKFLOW),
        (
            "build.config.js",
            "export default { entryPoints: ['src/main.ts'] };\n",
        ),
        ("scripts/check.py", "print('ok')\n"),
        ("src/cli.ts", "export const a = 1;\n"),
        ("src/lint.js", "export const b = 1;\n"),
        ("src/notes.py", "c = 1\n"),
        ("src/legacy.ts", "export const d = 1;\n"),
        ("src/main.ts", "export const e = 1;\n"),
    ]);
    for (path, content) in [
        ("src/cli.ts", "export const a = 2;\n"),
        ("src/lint.js", "export const b = 2;\n"),
        ("src/notes.py", "c = 2\n"),
        ("src/legacy.ts", "export const d = 2;\n"),
        ("src/main.ts", "export const e = 2;\n"),
    ] {
        repo.git(&["checkout", "-q", "-B", "edit", "topic"]);
        ai_commit(&repo, path, content);
        let (code, ids) = judge(&repo);
        assert!(!has(&ids, "ci-changed"), "{path}: {ids:?}");
        assert_eq!(code, 0, "{path}: {ids:?}");
    }
    repo.git(&["checkout", "-q", "-B", "edit", "topic"]);
    ai_commit(&repo, "scripts/check.py", "print('skipped')\n");
    let (code, ids) = judge(&repo);
    assert!(has(&ids, "ci-changed"), "{ids:?}");
    assert_eq!(code, 3, "{ids:?}");
}

/// A script a workflow runs that calls blastgate is gate configuration: weakening it needs a
/// senior, whoever wrote it.
#[test]
fn script_that_runs_the_gate_is_gate_config() {
    let repo = base_with(&[
        (
            ".github/workflows/gate.yml",
            "on: pull_request\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - run: bash ci/gate.sh\n",
        ),
        ("ci/gate.sh", "#!/bin/sh\nblastgate check --format github\n"),
    ]);
    repo.write(
        "ci/gate.sh",
        "#!/bin/sh\nblastgate check --format github || true\n",
    );
    repo.commit("Gate tweak");
    let (code, ids) = judge(&repo);
    assert!(has(&ids, "gate-config-changed"), "{ids:?}");
    assert_eq!(code, 3, "{ids:?}");
}

/// References come from the judged trees, not the checkout: judged from a checkout where the
/// workflow is gone, the script it runs in the base is still CI.
#[test]
fn references_come_from_the_judged_trees_not_the_checkout() {
    let repo = base_with(&[
        (".github/workflows/deploy.yml", DEPLOY_WORKFLOW),
        ("scripts/deploy.sh", "#!/bin/sh\n"),
    ]);
    ai_commit(&repo, "scripts/deploy.sh", "#!/bin/sh\nrm -rf /srv\n");
    let head = repo.git(&["rev-parse", "HEAD"]);
    repo.git(&["checkout", "-q", "-b", "elsewhere", "main"]);
    repo.remove(".github/workflows/deploy.yml");
    repo.commit("No workflow here");
    let result = blastgate(
        &repo,
        &[
            "check", "--base", "main", "--head", &head, "--format", "json",
        ],
    );
    let ids = field_of(&result.json(), "findings", "id");
    assert!(has(&ids, "ci-changed"), "{ids:?}");
    assert_eq!(result.code, 3, "{ids:?}");
}

/// A file a workflow runs that the change makes unreadable (a NUL and an invalid byte) is
/// judged as the worst case for a CI file, though its path says nothing of CI: blocked for AI.
#[test]
fn unreadable_file_a_workflow_runs_is_the_worst_case() {
    let workflow = "on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - run: python3 tools/release.py\n";
    let repo = base_with(&[
        (".github/workflows/release.yml", workflow),
        ("tools/release.py", "print('release')\n"),
    ]);
    repo.write("tools/release.py", b"\0\xff\nprint('release')\n");
    repo.commit(&format!("Tweak the release\n\n{CLAUDE_TRAILER}\n"));
    let (code, ids) = judge(&repo);
    assert!(has(&ids, "unanalysable-risky-file"), "{ids:?}");
    assert_eq!(code, 1, "{ids:?}");
}

/// A script that both a workflow and a hook run is a CI file and a hook file.
#[test]
fn script_run_by_a_workflow_and_a_hook_is_both() {
    let workflow = "on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: sh tools/lint.sh\n";
    let repo = base_with(&[
        (".github/workflows/lint.yml", workflow),
        (".husky/pre-commit", "#!/bin/sh\nsh tools/lint.sh\n"),
        ("tools/lint.sh", "#!/bin/sh\necho lint\n"),
    ]);
    ai_commit(&repo, "tools/lint.sh", "#!/bin/sh\necho lint v2\n");
    let (_, ids) = judge(&repo);
    assert!(has(&ids, "ci-changed"), "{ids:?}");
    assert!(has(&ids, "hook-changed"), "{ids:?}");
}
