//! Fixture-driven tests: `fixtures/infra/dockerfile/<case>/{before,after}.dockerfile`; cases
//! without `before` are new files.

use super::*;
use crate::analyze::domain::testing::{Fixture, summary};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/infra/dockerfile");

fn run(case: &str, contents: bool) -> Analysis {
    let fixture = Fixture::load(DIR, case, "dockerfile", "deploy/Dockerfile");
    assert!(Dockerfile.wants(fixture.file.path(), fixture.after.as_bytes()));
    Dockerfile.analyze(&fixture.versions(contents))
}

const DIGEST_BUMP: &str =
    "python:3.12-slim@sha256:9a0f6a1e1d2f5b8e3c4d7a6b5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f";
const DISTROLESS: &str = "gcr.io/distroless/static-debian12@sha256:9a0f6a1e1d2f5b8e3c4d7a6b5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f";

/// (fixture, expected facts, key phrase of the first message).
type Case = (
    &'static str,
    &'static [(Signal, &'static str, u32)],
    &'static str,
);

const CASES: &[Case] = &[
    // A patch bump is mechanical, not an unpinned image; `USER app` unchanged is not root.
    (
        "base-bump",
        &[(Signal::BaseImageBumped, "node:20.1.1", 1)],
        "replaces node:20.1.0: mechanical (a patch release",
    ),
    (
        "digest-bump",
        &[(Signal::BaseImageBumped, DIGEST_BUMP, 1)],
        "mechanical (the same tag at a new digest)",
    ),
    // A new minor, another registry: findings (issue 13).
    (
        "minor-bump",
        &[(Signal::BaseImageChanged, "python:3.13-slim", 1)],
        "replaces python:3.12-slim: everything",
    ),
    (
        "registry-change",
        &[(Signal::BaseImageChanged, "ghcr.io/acme/python:3.12.2", 1)],
        "replaces python:3.12.1",
    ),
    // Each stage on its own: the builder's patch bump is mechanical; a new digest without a
    // tag (implicitly `latest`) can be any release, so it stays a finding.
    (
        "multistage-bump",
        &[
            (Signal::BaseImageBumped, "golang:1.22.2-bookworm", 1),
            (Signal::BaseImageChanged, DISTROLESS, 4),
        ],
        "a patch release",
    ),
    (
        "latest",
        &[
            (Signal::BaseImageChanged, "python:latest", 1),
            (Signal::ImageUnpinned, "python:latest", 1),
        ],
        "replaces",
    ),
    (
        "no-tag",
        &[(Signal::ImageUnpinned, "ubuntu", 1)],
        "no version tag",
    ),
    ("digest", &[], ""),
    (
        "user-root",
        &[(Signal::ContainerRunsAsRoot, "debian:12", 3)],
        "runs as root",
    ),
    (
        "user-removed",
        &[(Signal::ContainerRunsAsRoot, "debian:12", 3)],
        "runs as root",
    ),
    // Root in a builder stage does not ship; `FROM build` is a stage, not an image.
    ("multistage", &[], ""),
    (
        "pipe",
        &[
            (Signal::PipeToShell, "get.example.com", 3),
            (Signal::PipeToShell, "x.example.org", 4),
        ],
        "downloaded from",
    ),
];

/// Each fixture yields exactly the expected facts; cases without any are the near misses.
#[test]
fn fixtures() {
    for (case, expected, phrase) in CASES {
        let analysis = run(case, true);
        let want: Vec<(Signal, String, u32)> = expected
            .iter()
            .map(|(s, subject, line)| (*s, (*subject).to_string(), *line))
            .collect();
        assert_eq!(summary(&analysis.facts), want, "{case}");
        if let Some(first) = analysis.facts.first() {
            assert!(first.message.contains(phrase), "{case}: {}", first.message);
        }
        assert!(analysis.fallbacks.is_empty(), "{case}");
    }
}

/// Without contents, the changed lines still show the new image, root and the piped script.
#[test]
fn without_contents() {
    let latest = run("latest", false);
    assert!(summary(&latest.facts).contains(&(Signal::ImageUnpinned, "python:latest".into(), 1)));
    assert_eq!(latest.fallbacks.len(), 1);
    let root = run("user-root", false);
    assert_eq!(
        summary(&root.facts),
        vec![(Signal::ContainerRunsAsRoot, "final stage".into(), 3)]
    );
    let pipe = run("pipe", false);
    assert_eq!(pipe.facts.len(), 2);
    // The removed and added `FROM` lines are enough to tell a bump from a change.
    let bump = run("base-bump", false);
    assert_eq!(
        summary(&bump.facts),
        vec![(Signal::BaseImageBumped, "node:20.1.1".into(), 1)]
    );
    let minor = run("minor-bump", false);
    assert_eq!(
        summary(&minor.facts),
        vec![(Signal::BaseImageChanged, "python:3.13-slim".into(), 1)]
    );
}

/// The pipe-to-shell pattern: what fires and what does not.
#[test]
fn pipe_patterns() {
    let cases = [
        ("RUN curl -sSL https://a.io/x | bash -s -- -y", true),
        ("RUN wget -qO- https://a.io/x | sudo -E sh", true),
        ("RUN sh -c \"$(curl -fsSL https://a.io/x)\"", true),
        ("RUN curl https://a.io/x | /bin/bash", true),
        ("RUN curl -o x https://a.io/x && sh x", true),
        (
            "RUN --mount=type=cache,target=/c curl -s https://a.io/x | python3",
            true,
        ),
        ("RUN curl https://a.io/x | tar xz", false),
        ("RUN echo curl | shasum", false),
    ];
    for (run, fires) in cases {
        assert_eq!(
            super::shell::runs_download(super::shell_command(run)),
            fires,
            "{run}"
        );
    }
}
