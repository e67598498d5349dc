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
