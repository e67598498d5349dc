//! Fixture pairs under `fixtures/infra/workflows/`: each signal fires once, each near miss
//! stays quiet.

use super::super::tree::testing::{Case, check};
use super::{GithubActions, GitlabCi, pipes_to_shell};
use crate::signal::Signal;

const GH: &str = ".github/workflows/ci.yml";
const GL: &str = ".gitlab-ci.yml";

const fn case(
    name: &'static str,
    path: &'static str,
    expect: Option<(Signal, &'static str, u32, &'static str)>,
) -> Case {
    Case {
        name,
        ext: "yml",
        path,
        expect,
    }
}

/// One row per GitHub Actions fixture pair.
const GITHUB: &[Case] = &[
    case(
        "perms-write-all",
        GH,
        Some((
            Signal::WorkflowPermissionsWidened,
            "ci.yml",
            4,
            "widened to write-all",
        )),
    ),
    case("perms-narrowed", GH, None),
    case(
        "perms-removed",
        GH,
        Some((
            Signal::WorkflowPermissionsWidened,
            "ci.yml",
            5,
            "repository default",
        )),
    ),
    case(
        "prt-checkout",
        GH,
        Some((
            Signal::UntrustedCheckout,
            "ci.yml#build",
            13,
            "pull_request_target",
        )),
    ),
    case("pr-checkout", GH, None),
    case(
        "secrets-unpinned",
        GH,
        Some((
            Signal::SecretsExposed,
            "ci.yml#build",
            11,
            "acme/upload-action@v1",
        )),
    ),
    case("secrets-pinned", GH, None),
    case(
        "action-unpinned",
        GH,
        Some((
            Signal::ActionUnpinned,
            "ci.yml#build",
            11,
            "peter-evans/create-pull-request@v6 is not pinned",
        )),
    ),
    case("action-official", GH, None),
    case(
        "deploy-job",
        GH,
        Some((
            Signal::DeployJobAdded,
            "ci.yml#ship",
            13,
            "deploys or releases",
        )),
    ),
    case("lint-job", GH, None),
    case(
        "job-perms-dropped",
        GH,
        Some((
            Signal::WorkflowPermissionsWidened,
            "ci.yml#build",
            5,
            "contents: write",
        )),
    ),
    case(
        "gh-pipe",
        GH,
        Some((Signal::PipeToShell, "ci.yml#build", 12, "pipes a download")),
    ),
    case(
        "prt-secrets",
        GH,
        Some((
            Signal::SecretsExposed,
            "ci.yml#build",
            14,
            "`make test`, a run step next to the pull request's code",
        )),
    ),
    case(
        "job-perms",
        GH,
        Some((
            Signal::WorkflowPermissionsWidened,
            "ci.yml#build",
            10,
            "contents: write",
        )),
    ),
];

/// The checks of issue 13 (zizmor's level): each fires once, each near miss stays quiet.
const ACCESS: &[Case] = &[
    case(
        "inject-run-title",
        GH,
        Some((
            Signal::WorkflowTemplateInjection,
            "ci.yml#triage",
            14,
            "`github.event.issue.title` is expanded into the run script",
        )),
    ),
    case(
        "inject-script-body",
        GH,
        Some((
            Signal::WorkflowTemplateInjection,
            "ci.yml#reply",
            15,
            "`github.event.comment.body` is expanded into the github-script script",
        )),
    ),
    case(
        "inject-string-input",
        GH,
        Some((
            Signal::WorkflowTemplateInjection,
            "ci.yml#release",
            15,
            "`inputs.notes`",
        )),
    ),
    case(
        "inject-composite-input",
        ".github/actions/notify/action.yml",
        Some((
            Signal::WorkflowTemplateInjection,
            "action.yml#runs",
            9,
            "`inputs.message`",
        )),
    ),
    case(
        "inject-env-indirect",
        GH,
        Some((
            Signal::WorkflowTemplateInjection,
            "ci.yml#triage",
            11,
            "`env.title` (set from `github.event.issue.title`) is expanded",
        )),
    ),
    case(
        "inject-tojson",
        GH,
        Some((
            Signal::WorkflowTemplateInjection,
            "ci.yml#triage",
            11,
            "`github.event.issue` is expanded",
        )),
    ),
    case(
        "inject-matrix",
        GH,
        Some((
            Signal::WorkflowTemplateInjection,
            "ci.yml#triage",
            16,
            "`matrix.label` (set from `github.event.issue.title`)",
        )),
    ),
    case("inject-number", GH, None),
    case("inject-via-env", GH, None),
    case("inject-typed-input", GH, None),
    case("inject-unchanged", GH, None),
    case(
        "prt-id-token",
        GH,
        Some((
            Signal::PrivilegedTrigger,
            "ci.yml#check",
            3,
            "pull_request_target (anyone who opens a pull request from a fork) and reaches id-token: write",
        )),
    ),
    case("prt-read-only", GH, None),
    case(
        "issue-comment-write",
        GH,
        Some((
            Signal::PrivilegedTrigger,
            "ci.yml#bump",
            3,
            "issue_comment (anyone who can comment on an issue or pull request) and reaches contents: write",
        )),
    ),
    case(
        "workflow-run-secrets",
        GH,
        Some((
            Signal::PrivilegedTrigger,
            "ci.yml#deploy",
            3,
            "workflow_run (a run another workflow made for a fork's pull request) and reaches secrets.DEPLOY_KEY, environment `production`",
        )),
    ),
    case(
        "prt-gains-secret",
        GH,
        Some((
            Signal::PrivilegedTrigger,
            "ci.yml#label",
            7,
            "reaches secrets.SLACK_WEBHOOK:",
        )),
    ),
    case(
        "unsecure-commands",
        GH,
        Some((
            Signal::UnsecureCommandsEnabled,
            "ci.yml#build",
            11,
            "ACTIONS_ALLOW_UNSECURE_COMMANDS",
        )),
    ),
    case(
        "unsecure-commands-global",
        GH,
        Some((
            Signal::UnsecureCommandsEnabled,
            "ci.yml",
            4,
            "for every job",
        )),
    ),
    case("unsecure-commands-off", GH, None),
    case(
        "secrets-inherit",
        GH,
        Some((
            Signal::SecretsInherited,
            "ci.yml#publish",
            10,
            "every secret of the repository to ./.github/workflows/publish.yml",
        )),
    ),
    case("secrets-by-name", GH, None),
    case(
        "self-hosted-pr",
        GH,
        Some((
            Signal::SelfHostedForkRunner,
            "ci.yml#test",
            8,
            "self-hosted runner (`self-hosted`) on pull_request",
        )),
    ),
    case(
        "self-hosted-matrix",
        GH,
        Some((
            Signal::SelfHostedForkRunner,
            "ci.yml#test",
            11,
            "self-hosted runner",
        )),
    ),
    case("self-hosted-push", GH, None),
];

/// Each issue-13 check and its near misses, from fixture pairs.
#[test]
fn access_fixture_table() {
    for case in ACCESS {
        let analysis = check(&GithubActions, "workflows", case);
        assert!(analysis.fallbacks.is_empty(), "{}", case.name);
    }
    let cases = [
        case(
            "gl-fork-mr",
            GL,
            Some((
                Signal::ForkPipelineCredentials,
                ".gitlab-ci.yml#upload-preview",
                11,
                "reads $PREVIEW_TOKEN",
            )),
        ),
        case(
            "gl-fork-workflow",
            GL,
            Some((
                Signal::ForkPipelineCredentials,
                ".gitlab-ci.yml#publish",
                3,
                "reads id_tokens: NPM_ID_TOKEN",
            )),
        ),
        case("gl-fork-guarded", GL, None),
        case("gl-mr-no-secrets", GL, None),
        case(
            "gl-include-branch",
            GL,
            Some((
                Signal::PipelineIncludeUnpinned,
                ".gitlab-ci.yml#include",
                3,
                "project `platform/ci-templates` at `main`",
            )),
        ),
        case(
            "gl-include-remote",
            GL,
            Some((
                Signal::PipelineIncludeUnpinned,
                ".gitlab-ci.yml#include",
                3,
                "remote `https://gitlab.example.com/platform/ci/-/raw/main/lint.yml`",
            )),
        ),
        case("gl-include-sha", GL, None),
    ];
    for case in &cases {
        check(&GitlabCi, "workflows", case);
    }
}

/// Every row of the attacker-controllable table is caught in a `run:` script and in a
/// github-script `script:`, however the expression spells it, and a safe neighbour is not.
#[test]
fn every_untrusted_context_is_caught() {
    use super::super::{Analyzer, Versions};
    use crate::diff::{FileChange, FileStatus};
    for row in super::contexts::UNTRUSTED {
        // `*` is an array index or an input's name.
        let expression = match row.path.strip_suffix("inputs.*") {
            Some(prefix) => format!("{prefix}inputs.title"),
            None => row.path.replace(".*", "[0]"),
        };
        for (step, sink, line) in [
            (
                format!("      - run: echo \"${{{{ {expression} }}}}\"\n"),
                "run script",
                8,
            ),
            (
                format!(
                    "      - uses: actions/github-script@v7\n        with:\n          script: console.log(`${{{{ {expression} }}}}`)\n"
                ),
                "github-script script",
                10,
            ),
        ] {
            let before = "on: pull_request\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n";
            let after = format!("{before}{step}");
            let file = FileChange::new(FileStatus::Modified, Some(GH.into()), Some(GH.into()));
            let analysis = GithubActions.analyze(&Versions {
                file: &file,
                old: Some(before.as_bytes()),
                new: Some(after.as_bytes()),
            });
            let found = analysis.facts.iter().any(|f| {
                f.signal == Signal::WorkflowTemplateInjection
                    && f.line == Some(line)
                    && f.message.contains(sink)
                    && f.message.contains(row.source)
            });
            assert!(found, "{expression} in a {sink}: {:#?}", analysis.facts);
        }
    }
}

/// Every finding id the GitHub Actions analyzer emits, and their near misses.
#[test]
fn github_fixture_table() {
    for case in GITHUB {
        let analysis = check(&GithubActions, "workflows", case);
        assert!(analysis.fallbacks.is_empty(), "{}", case.name);
    }
}

/// Every finding id the GitLab CI analyzer emits, and their near misses.
#[test]
fn gitlab_fixture_table() {
    let cases = [
        case(
            "gl-deploy",
            GL,
            Some((
                Signal::DeployJobAdded,
                ".gitlab-ci.yml#production",
                8,
                "deploys",
            )),
        ),
        case("gl-test-job", GL, None),
        case(
            "gl-image-latest",
            GL,
            Some((
                Signal::ImageUnpinned,
                ".gitlab-ci.yml#(global)",
                2,
                "node:latest, not pinned",
            )),
        ),
        case("gl-image-bump", GL, None),
        case(
            "gl-pipe",
            GL,
            Some((
                Signal::PipeToShell,
                ".gitlab-ci.yml#setup",
                10,
                "pipes a download",
            )),
        ),
        case("gl-download", GL, None),
    ];
    for case in &cases {
        check(&GitlabCi, "workflows", case);
    }
}

/// Which references count as pinned, and which commands pipe to a shell.
#[test]
fn pinning_and_pipes() {
    for (reference, unpinned) in [
        ("actions/checkout@v4", false),
        ("github/codeql-action/init@v3", false),
        ("./.github/actions/build", false),
        ("docker://alpine@sha256:abcd", false),
        ("docker://alpine:3", true),
        ("acme/deploy@main", true),
        (
            "acme/deploy@0123456789abcdef0123456789abcdef01234567",
            false,
        ),
        ("acme/repo/.github/workflows/release.yml@v1", true),
    ] {
        assert_eq!(
            super::github::is_unpinned(reference),
            unpinned,
            "{reference}"
        );
    }
    for (command, pipes) in [
        ("curl -sSL https://x.sh | sh", true),
        ("wget -qO- https://x.sh | sudo -E bash", true),
        ("curl -o x.sh https://x.sh && sh x.sh", true),
        ("curl -fsSL https://x/get.py | python3", true),
        ("cat x | sh", false),
    ] {
        assert_eq!(pipes_to_shell(command), pipes, "{command}");
    }
}

/// A deleted workflow runs no more: its permissions are not "removed to the default".
#[test]
fn a_deleted_workflow_widens_nothing() {
    use crate::analyze::domain::{Analyzer, Versions};
    use crate::diff::{FileChange, FileStatus};
    let old = b"on: push\npermissions:\n  contents: read\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n";
    let widened = |status: FileStatus, new: Option<&[u8]>| {
        let file = FileChange::new(status, Some(GH.to_string()), new.map(|_| GH.to_string()));
        let analysis = GithubActions.analyze(&Versions {
            file: &file,
            old: Some(old),
            new,
        });
        analysis
            .facts
            .iter()
            .any(|fact| fact.signal == Signal::WorkflowPermissionsWidened)
    };
    assert!(!widened(FileStatus::Deleted, None));
    let emptied: &[u8] =
        b"on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n";
    assert!(widened(FileStatus::Modified, Some(emptied)));
}
