//! Paths that matter because of what runs them: the gate's own policy, git hooks and CI.
//!
//! A table, not code: one row per kind of file, each with the signal it raises.

use std::sync::LazyLock;

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::signal::Signal;

use super::dependencies::pre_commit;

/// A kind of sensitive path.
#[derive(Debug, Clone, Copy)]
pub struct PathClass {
    /// Signal raised when such a path changes.
    pub signal: Signal,
    /// What the file is, for the report ("GitHub Actions workflow").
    pub what: &'static str,
    /// Globs matched against repository-relative paths.
    pub globs: &'static [&'static str],
    /// For a file that pins remote hook code by revision: whether a line is only such a pin.
    /// A change whose every changed line is one moves pins (`hook-pin-moved`, read further as
    /// dependency bumps) instead of changing what the hooks are.
    pub pin_line: Option<fn(&str) -> bool>,
}

/// Sensitive paths. Matched against both the old and the new path, because moving a workflow
/// out of `.github/workflows/` disables it just as surely as editing it.
pub const PATH_CLASSES: &[PathClass] = &[
    PathClass {
        signal: Signal::PolicyChanged,
        what: "blastgate policy",
        globs: &[".blastgate.yaml", ".blastgate.yml"],
        pin_line: None,
    },
    PathClass {
        signal: Signal::HookChanged,
        what: "git hook scripts",
        globs: &[
            ".githooks/**",
            ".git-hooks/**",
            "githooks/**",
            "hooks/pre-*",
            "hooks/post-*",
            "scripts/*hooks*",
            "scripts/*hooks*/**",
        ],
        pin_line: None,
    },
    PathClass {
        signal: Signal::HookChanged,
        what: "husky hooks",
        globs: &[".husky/**"],
        pin_line: None,
    },
    PathClass {
        signal: Signal::HookChanged,
        what: "lefthook configuration",
        globs: &[
            ".lefthook/**",
            "lefthook.yml",
            "lefthook.yaml",
            ".lefthook.yml",
            ".lefthook.yaml",
            "lefthook-local.yml",
        ],
        pin_line: None,
    },
    PathClass {
        signal: Signal::HookChanged,
        what: "pre-commit configuration",
        globs: &[".pre-commit-config.yaml"],
        pin_line: Some(pre_commit::is_rev_pin),
    },
    PathClass {
        signal: Signal::HookChanged,
        what: "pre-commit hook definitions",
        globs: &[".pre-commit-hooks.yaml"],
        pin_line: None,
    },
    PathClass {
        signal: Signal::CiChanged,
        what: "GitHub Actions workflow",
        globs: &[
            ".github/workflows/**",
            ".github/actions/**",
            "action.yml",
            "action.yaml",
        ],
        pin_line: None,
    },
    PathClass {
        signal: Signal::CiChanged,
        what: "GitLab CI configuration",
        globs: &[
            ".gitlab-ci.yml",
            ".gitlab-ci.yaml",
            ".gitlab/ci/**",
            "**/*.gitlab-ci.yml",
        ],
        pin_line: None,
    },
    PathClass {
        signal: Signal::CiChanged,
        what: "CircleCI configuration",
        globs: &[".circleci/**"],
        pin_line: None,
    },
    PathClass {
        signal: Signal::CiChanged,
        what: "Jenkins pipeline",
        globs: &["Jenkinsfile", "**/Jenkinsfile", "jenkins/**"],
        pin_line: None,
    },
    PathClass {
        signal: Signal::CiChanged,
        what: "Azure Pipelines",
        globs: &[
            "azure-pipelines.yml",
            "azure-pipelines.yaml",
            ".azure-pipelines/**",
        ],
        pin_line: None,
    },
    PathClass {
        signal: Signal::CiChanged,
        what: "other CI configuration",
        globs: &[
            ".buildkite/**",
            ".travis.yml",
            "bitbucket-pipelines.yml",
            ".drone.yml",
            ".woodpecker.yml",
            ".woodpecker/**",
            "cloudbuild.yaml",
            "cloudbuild.yml",
            ".tekton/**",
        ],
        pin_line: None,
    },
];

struct Compiled {
    set: GlobSet,
    /// For each glob in `set`, the row it came from.
    rows: Vec<usize>,
}

static COMPILED: LazyLock<Compiled> = LazyLock::new(|| {
    let mut builder = GlobSetBuilder::new();
    let mut rows = Vec::new();
    for (row, class) in PATH_CLASSES.iter().enumerate() {
        for glob in class.globs {
            builder.add(Glob::new(glob).expect("path class globs are fixed and tested"));
            rows.push(row);
        }
    }
    Compiled {
        set: builder
            .build()
            .expect("path class globs are fixed and tested"),
        rows,
    }
});

/// The classes `path` belongs to, one per signal, in table order.
#[must_use]
pub fn classify(path: &str) -> Vec<&'static PathClass> {
    let compiled = &*COMPILED;
    let mut classes: Vec<&'static PathClass> = Vec::new();
    for index in compiled.set.matches(path) {
        let class = &PATH_CLASSES[compiled.rows[index]];
        if !classes.iter().any(|seen| seen.signal == class.signal) {
            classes.push(class);
        }
    }
    classes
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each row's globs compile and the usual files land in the expected class.
    #[test]
    fn classifies_policy_hooks_and_ci() {
        let cases = [
            (".blastgate.yaml", Some(Signal::PolicyChanged)),
            (".husky/pre-push", Some(Signal::HookChanged)),
            (".githooks/pre-commit", Some(Signal::HookChanged)),
            (".pre-commit-config.yaml", Some(Signal::HookChanged)),
            ("scripts/git-hooks/pre-push", Some(Signal::HookChanged)),
            ("scripts/install-hooks.sh", Some(Signal::HookChanged)),
            (".lefthook/pre-commit/lint.sh", Some(Signal::HookChanged)),
            (".github/workflows/ci.yml", Some(Signal::CiChanged)),
            (".gitlab-ci.yml", Some(Signal::CiChanged)),
            ("services/api/Jenkinsfile", Some(Signal::CiChanged)),
            ("src/main.rs", None),
            ("docs/github/workflows.md", None),
        ];
        for (path, expected) in cases {
            let got = classify(path).first().map(|class| class.signal);
            assert_eq!(got, expected, "{path}");
        }
    }
}
