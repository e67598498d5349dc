//! Workflows at zizmor's level (issue 13), end to end: each check as an AI-assisted commit
//! (sent to review by `risky-pipelines-need-review-when-ai`, firing on the new finding) and as
//! a declared human commit (allowed, the finding still in the report); near misses stay quiet.
//! The trigger switch is also pushed through a server's real `pre-receive` hook.

use std::os::unix::fs::PermissionsExt as _;

use crate::support::{BINARY, CLAUDE_TRAILER, Repo, blastgate};

const RULE: &str = "risky-pipelines-need-review-when-ai";

/// Commits `base` on `main`, then `change` on a branch (AI-assisted or declared human) and
/// runs `check`: the exit code and the JSON report.
fn judge(base: &[(&str, &str)], change: &[(&str, &str)], ai: bool) -> (i32, serde_json::Value) {
    let repo = Repo::new();
    repo.write("README.md", "# service\n");
    for (path, content) in base {
        repo.write(path, content);
    }
    repo.commit("Service");
    repo.git(&["checkout", "-q", "-b", "change"]);
    for (path, content) in change {
        repo.write(path, content);
    }
    let message = if ai {
        format!("Update CI\n\n{CLAUDE_TRAILER}\n")
    } else {
        "Update CI\n".to_string()
    };
    repo.commit(&message);
    let declared = if ai { "yes" } else { "no" };
    let args = [
        "check",
        "--base",
        "main",
        "--format",
        "json",
        "--ai-assisted",
        declared,
    ];
    let result = blastgate(&repo, &args);
    (result.code, result.json())
}

/// The findings with `id`.
fn findings<'a>(report: &'a serde_json::Value, id: &str) -> Vec<&'a serde_json::Value> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["id"] == id)
        .collect()
}

/// Whether `rule` fired on a finding with `id`.
fn rule_fired_on(report: &serde_json::Value, rule: &str, id: &str) -> bool {
    report["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .any(|r| r["rule"] == rule && r["signal"] == id)
}

/// The change gives `id` (with `phrase` in a message): an AI commit goes to review through the
/// pipeline rule on that finding, a human one is allowed with the finding reported.
fn assert_found(base: &[(&str, &str)], change: &[(&str, &str)], id: &str, phrase: &str) {
    for (ai, code) in [(true, 3), (false, 0)] {
        let (got, report) = judge(base, change, ai);
        assert_eq!(got, code, "ai={ai}: {report}");
        let found = findings(&report, id);
        assert!(
            found
                .iter()
                .any(|f| f["message"].as_str().is_some_and(|m| m.contains(phrase))),
            "ai={ai}: no {id} «{phrase}»: {}",
            report["findings"]
        );
        assert_eq!(
            rule_fired_on(&report, RULE, id),
            ai,
            "ai={ai}: {}",
            report["rules"]
        );
    }
}

/// The change does not give `id`; the AI commit is still reviewed as a CI change, not by the
/// pipeline rule.
fn assert_quiet(base: &[(&str, &str)], change: &[(&str, &str)], id: &str) {
    let (code, report) = judge(base, change, true);
    assert_eq!(code, 3, "{report}");
    assert!(findings(&report, id).is_empty(), "{}", report["findings"]);
    assert!(!rule_fired_on(&report, RULE, id), "{}", report["rules"]);
}

const WF: &str = ".github/workflows/ci.yml";

/// The attacker-controllable contexts, read from the table in the source so every row is
/// exercised end to end.
fn table_rows() -> Vec<String> {
    let source = include_str!("../../src/analyze/domain/workflows/contexts.rs");
    let table = source
        .split("pub const UNTRUSTED")
        .nth(1)
        .and_then(|rest| rest.split("];").next())
        .expect("the UNTRUSTED table");
    let rows: Vec<String> = table
        .split('"')
        .filter(|s| s.starts_with("github.") || s.starts_with("inputs."))
        .map(str::to_string)
        .collect();
    assert!(rows.len() >= 20, "{rows:?}");
    rows
}

/// Every row of the table, expanded in a `run:` script (odd rows) or a github-script
/// `script:` (even rows) of a new step, is one `workflow-template-injection` naming it.
#[test]
fn every_injection_context_is_found() {
    let base = "name: ci\non: pull_request\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n";
    let rows = table_rows();
    let mut after = base.to_string();
    for (i, row) in rows.iter().enumerate() {
        let expression = match row.strip_suffix("inputs.*") {
            Some(prefix) => format!("{prefix}inputs.title"),
            None => row.replace(".*", "[0]"),
        };
        let step = if i % 2 == 0 {
            format!("      - run: echo \"${{{{ {expression} }}}}\"\n")
        } else {
            format!(
                "      - uses: actions/github-script@v7\n        with:\n          script: core.info(`${{{{ {expression} }}}}`)\n"
            )
        };
        after.push_str(&step);
    }
    let (code, report) = judge(&[(WF, base)], &[(WF, &after)], true);
    assert_eq!(code, 3, "{report}");
    let found = findings(&report, "workflow-template-injection");
    assert_eq!(found.len(), rows.len(), "{}", report["findings"]);
    for row in &rows {
        // Reported as read: `[0]` as `.*`, an input by its name.
        let read = row.replace("inputs.*", "inputs.title");
        assert!(
            found.iter().any(|f| f["message"]
                .as_str()
                .is_some_and(|m| m.contains(&format!("`{read}`")))),
            "{row} not found: {}",
            report["findings"]
        );
    }
    assert!(rule_fired_on(&report, RULE, "workflow-template-injection"));
}

const ISSUES: &str = "name: triage\non:\n  issues:\n    types: [opened]\npermissions:\n  issues: write\njobs:\n  triage:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo new\n";

/// A pull request title in a `run:` script is found; the same value through `env:` is not.
#[test]
fn injection_and_its_safe_form() {
    let injected = ISSUES.replace("echo new", "echo \"${{ github.event.issue.title }}\"");
    assert_found(
        &[(WF, ISSUES)],
        &[(WF, &injected)],
        "workflow-template-injection",
        "`github.event.issue.title` is expanded into the run script",
    );
    let safe = ISSUES.replace(
        "      - run: echo new\n",
        "      - run: echo \"$TITLE\"\n        env:\n          TITLE: ${{ github.event.issue.title }}\n",
    );
    assert_quiet(
        &[(WF, ISSUES)],
        &[(WF, &safe)],
        "workflow-template-injection",
    );
}

const OIDC: &str = "name: check\non:\n  pull_request:\npermissions:\n  contents: read\n  id-token: write\njobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make check\n";

/// The trigger switched to `pull_request_target` with `id-token: write`, without a checkout of
/// the pull request's head: `privileged-trigger` naming the token, no `untrusted-checkout`.
/// With a read-only token and no secrets the same switch reaches nothing.
#[test]
fn trigger_switch_with_id_token() {
    let switched = OIDC.replace("pull_request:", "pull_request_target:");
    assert_found(
        &[(WF, OIDC)],
        &[(WF, &switched)],
        "privileged-trigger",
        "pull_request_target (anyone who opens a pull request from a fork) and reaches id-token: write",
    );
    let (_, report) = judge(&[(WF, OIDC)], &[(WF, &switched)], true);
    assert!(
        findings(&report, "untrusted-checkout").is_empty(),
        "{}",
        report["findings"]
    );

    let read_only = OIDC.replace("  id-token: write\n", "");
    let switched = read_only.replace("pull_request:", "pull_request_target:");
    assert_quiet(
        &[(WF, &read_only)],
        &[(WF, &switched)],
        "privileged-trigger",
    );
}

/// A server with the workflow on `main` and the real `pre-receive` hook refuses an AI push
/// that switches the trigger, naming the finding; nothing on the server moves.
#[test]
fn trigger_switch_is_refused_by_the_server() {
    let seed = Repo::new();
    seed.write(WF, OIDC);
    seed.commit("CI");
    let server = Repo::bare();
    let url = server.path.to_string_lossy().into_owned();
    seed.git(&["push", "-q", &url, "main"]);
    let hook = server.path.join("hooks/pre-receive");
    std::fs::write(&hook, format!("#!/bin/sh\nexec '{BINARY}' pre-receive\n")).expect("hook");
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let before = server.git(&["rev-parse", "main"]);

    seed.write(WF, OIDC.replace("pull_request:", "pull_request_target:"));
    seed.commit(&format!("Label pull requests\n\n{CLAUDE_TRAILER}\n"));
    let output = seed
        .git_command(&["push", &url, "HEAD:main"])
        .output()
        .expect("git push");
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!output.status.success(), "{said}");
    assert!(said.contains("privileged-trigger"), "{said}");
    assert!(said.contains("id-token: write"), "{said}");
    assert_eq!(server.git(&["rev-parse", "main"]), before);
}

const BUILD: &str = "name: build\non:\n  pull_request:\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n";

/// `ACTIONS_ALLOW_UNSECURE_COMMANDS: true` is found; set to `false` it is not.
#[test]
fn unsecure_commands() {
    let on = BUILD.replace(
        "      - run: make\n",
        "      - run: make\n        env:\n          ACTIONS_ALLOW_UNSECURE_COMMANDS: true\n",
    );
    assert_found(
        &[(WF, BUILD)],
        &[(WF, &on)],
        "unsecure-commands-enabled",
        "ACTIONS_ALLOW_UNSECURE_COMMANDS",
    );
    let off = on.replace("COMMANDS: true", "COMMANDS: false");
    assert_quiet(&[(WF, BUILD)], &[(WF, &off)], "unsecure-commands-enabled");
}

const CALLER: &str = "name: release\non:\n  push:\n    tags: ['v*']\npermissions:\n  contents: read\njobs:\n  publish:\n    uses: ./.github/workflows/publish.yml\n    secrets:\n      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n";

/// `secrets: inherit` is found; secrets passed by name are not.
#[test]
fn secrets_inherit() {
    let inherit = CALLER.replace(
        "    secrets:\n      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n",
        "    secrets: inherit\n",
    );
    assert_found(
        &[(WF, CALLER)],
        &[(WF, &inherit)],
        "secrets-inherited",
        "passes every secret of the repository to ./.github/workflows/publish.yml",
    );
    let none = CALLER.replace(
        "    secrets:\n      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n",
        "",
    );
    assert_quiet(&[(WF, &none)], &[(WF, CALLER)], "secrets-inherited");
}

/// A self-hosted runner on `pull_request` is found; on `push` it is not.
#[test]
fn self_hosted_on_a_fork_trigger() {
    let hosted = BUILD.replace("runs-on: ubuntu-latest", "runs-on: [self-hosted, linux]");
    assert_found(
        &[(WF, BUILD)],
        &[(WF, &hosted)],
        "self-hosted-fork-runner",
        "self-hosted runner (`self-hosted`) on pull_request",
    );
    let push = BUILD.replace("  pull_request:\n", "  push:\n");
    let hosted = push.replace("runs-on: ubuntu-latest", "runs-on: [self-hosted, linux]");
    assert_quiet(&[(WF, &push)], &[(WF, &hosted)], "self-hosted-fork-runner");
}

const GL: &str = ".gitlab-ci.yml";
const GITLAB: &str = "include:\n  - project: platform/ci-templates\n    ref: 0123456789abcdef0123456789abcdef01234567\n    file: /deploy.yml\n\nupload-preview:\n  stage: deploy\n  rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n  script:\n    - ./upload --token \"$PREVIEW_TOKEN\"\n";

/// A job reading `$PREVIEW_TOKEN` widened to merge request pipelines is found; widened only
/// for merge requests from this project it is not.
#[test]
fn gitlab_rules_widened_to_fork_merge_requests() {
    let widened = GITLAB.replace(
        "    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n",
        "    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n    - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"\n",
    );
    assert_found(
        &[(GL, GITLAB)],
        &[(GL, &widened)],
        "fork-pipeline-credentials",
        "reads $PREVIEW_TOKEN",
    );
    let guarded = widened.replace(
        "\"merge_request_event\"",
        "\"merge_request_event\" && $CI_MERGE_REQUEST_SOURCE_PROJECT_ID == $CI_PROJECT_ID",
    );
    assert_quiet(
        &[(GL, GITLAB)],
        &[(GL, &guarded)],
        "fork-pipeline-credentials",
    );
}

/// An `include:` moved from a commit to a branch is found; moved to another commit it is not.
#[test]
fn gitlab_include_at_a_branch() {
    let branch = GITLAB.replace("ref: 0123456789abcdef0123456789abcdef01234567", "ref: main");
    assert_found(
        &[(GL, GITLAB)],
        &[(GL, &branch)],
        "pipeline-include-unpinned",
        "project `platform/ci-templates` at `main`",
    );
    let other = GITLAB.replace(
        "0123456789abcdef0123456789abcdef01234567",
        "89abcdef0123456789abcdef0123456789abcdef",
    );
    assert_quiet(
        &[(GL, GITLAB)],
        &[(GL, &other)],
        "pipeline-include-unpinned",
    );
}
