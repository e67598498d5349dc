//! What SZZ takes as evidence of a defect: which recognised fixes are blamed, and which of
//! their lines.
//!
//! A message that says "fix" is often not about behaviour: `fix typo`, `fix lint`, `docs: fix
//! link`, Renovate's `fix(deps): update module …`. Herzig, Just and Zeller found a third of
//! "bug" reports were not bugs ("It's not a bug, it's a feature", ICSE 2013), and such fixes
//! blame whatever last touched the line, which is why SZZ implementations leave out fixes
//! that are not of behaviour and lines that cannot hold a defect (documentation, generated
//! lockfiles; tests, where a fix changes what is checked, not what was wrong). Kim et al.,
//! "Automatic identification of bug-introducing changes" (ASE 2006), and da Costa et al.,
//! "A framework for evaluating the results of the SZZ approach" (TSE 2017), describe these
//! filters. Both tables are data; `--szz-all-fixes` switches them off.

use std::sync::LazyLock;

use regex::Regex;

/// A kind of "fix" that is not a fix of behaviour, recognised from the subject.
pub struct NotDefect {
    /// What it is, for the report.
    pub what: &'static str,
    /// Where the convention comes from.
    pub origin: &'static str,
    pattern: &'static LazyLock<Regex>,
}

static NON_BEHAVIOUR_SCOPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^fix\((deps|deps-dev|dev-deps|dependencies|ci|docs?|lint|linter|tests?|typos?|style|fmt|format|readme|changelog)\)!?:",
    )
    .expect("valid regex")
});
static NON_BEHAVIOUR_TYPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(docs|test|tests|ci|style|chore)(\([^)]*\))?!?:").expect("valid regex")
});
static NON_BEHAVIOUR_OBJECT: LazyLock<Regex> = LazyLock::new(|| {
    // The object must end the subject or be followed by a preposition or punctuation, so
    // "fix test runner hanging" (a product named after tests) stays a fix.
    Regex::new(
        r"(?i)\bfix(es|ed|ing)?\s+((the|a|an|some|minor|small|more|broken|failing|flaky|clippy|compiler|build|lint|linter|mypy|eslint|ruff|type|unit|e2e|integration)\s+)*(typos?|spelling|grammar|lint|lints|linter|linting|clippy|fmt|formatting|docs?|documentation|docstrings?|comments?|readme|changelog|links?|tests?|ci|workflows?|warnings?)(\s+(in|on|for|of|and|after|from|with|across)\b|\s*$|\s*[,.:;()\[])",
    )
    .expect("valid regex")
});
static TYPO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\btypos?\b").expect("valid regex"));

/// Fixes that are not of behaviour; a recognised fix whose subject matches a row is not
/// blamed.
pub static NOT_DEFECTS: &[NotDefect] = &[
    NotDefect {
        what: "a `fix` scoped to dependencies, CI, docs, tests, lint or style (`fix(deps):`)",
        origin: "Renovate's default `fix(deps):` for dependency updates, docs.renovatebot.com/configuration-options/#semanticcommittype; scopes as in the Angular commit convention",
        pattern: &NON_BEHAVIOUR_SCOPE,
    },
    NotDefect {
        what: "a conventional type that is not behaviour (`docs:`, `test:`, `ci:`, `style:`, `chore:`)",
        origin: "Conventional Commits 1.0.0 and the Angular commit types, github.com/angular/angular/blob/main/CONTRIBUTING.md#type",
        pattern: &NON_BEHAVIOUR_TYPE,
    },
    NotDefect {
        what: "a fix of typos, lint, formatting, docs, comments, links, tests, CI or warnings",
        origin: "Herzig, Just & Zeller, ICSE 2013 (misclassified fixes); Kim et al., ASE 2006",
        pattern: &NON_BEHAVIOUR_OBJECT,
    },
    NotDefect {
        what: "a typo",
        origin: "Herzig, Just & Zeller, ICSE 2013",
        pattern: &TYPO,
    },
];

/// The row of [`NOT_DEFECTS`] `subject` matches, if any.
#[must_use]
pub fn not_defect(subject: &str) -> Option<&'static NotDefect> {
    NOT_DEFECTS.iter().find(|row| row.pattern.is_match(subject))
}

/// A kind of file whose lines a fix changes without them holding the defect.
pub struct UnblamedPath {
    /// What it is, for the report.
    pub what: &'static str,
    /// Why its lines are not evidence.
    pub origin: &'static str,
    matches: fn(&str) -> bool,
}

/// Documentation by extension: prose, not behaviour.
const DOC_EXTENSIONS: &[&str] = &["md", "markdown", "rst", "adoc", "asciidoc"];

/// Project prose by file-name stem (`CHANGELOG.md`, `NEWS`, `AUTHORS.txt`).
const DOC_STEMS: &[&str] = &[
    "changelog",
    "changes",
    "history",
    "news",
    "authors",
    "contributors",
    "license",
    "licence",
];

fn documentation(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let (stem, extension) = name.rsplit_once('.').unwrap_or((name, ""));
    DOC_EXTENSIONS
        .iter()
        .any(|doc| extension.eq_ignore_ascii_case(doc))
        || DOC_STEMS.iter().any(|doc| stem.eq_ignore_ascii_case(doc))
}

/// Lines a fix changes in these files are not blamed.
pub static UNBLAMED_PATHS: &[UnblamedPath] = &[
    UnblamedPath {
        what: "documentation",
        origin: "prose cannot induce a fix; SZZ implementations blame source files only (da Costa et al., TSE 2017)",
        matches: documentation,
    },
    UnblamedPath {
        what: "lockfiles",
        origin: "written by the package manager; the dependency analyzer's table of lockfile formats",
        matches: crate::analyze::dependencies::is_lockfile,
    },
    UnblamedPath {
        what: "tests",
        origin: "a fix that changes a test changes what is checked, not what was wrong; test places as the test runners find them (the secrets analyzer's table)",
        matches: crate::analyze::domain::is_test_path,
    },
];

/// The row of [`UNBLAMED_PATHS`] `path` belongs to, if any.
#[must_use]
pub fn unblamed_path(path: &str) -> Option<&'static UnblamedPath> {
    UNBLAMED_PATHS.iter().find(|row| (row.matches)(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Table: subjects that are not fixes of behaviour, and real fixes that must stay.
    #[test]
    fn fixes_that_are_not_of_behaviour() {
        let not_behaviour = [
            "fix(deps): update module github.com/charmbracelet/bubbletea to v1.3.4",
            "fix(ci): pin the runner",
            "docs: fix broken link",
            "test: fix flaky snapshot",
            "chore: fix lint",
            "Fix typo in README",
            "fix the failing tests",
            "Fixed some typos",
            "fix clippy warnings",
            "Fix formatting",
        ];
        for subject in not_behaviour {
            assert!(not_defect(subject).is_some(), "{subject:?}");
        }
        let behaviour = [
            "fix: crash when the cache is cold",
            "fix(tui): cursor jumps on resize",
            "Fix crash in link parser",
            "Fix test runner hanging on empty input", // the runner is the product here
            "fix(build): missing cgo flag broke release builds",
            "Fixes #123: wrong totals",
        ];
        for subject in behaviour {
            assert!(not_defect(subject).is_none(), "{subject:?}");
        }
    }

    /// Documentation, lockfiles and tests are not blamed; code and configuration are.
    #[test]
    fn paths_that_are_not_blamed() {
        for (path, what) in [
            ("README.md", "documentation"),
            ("docs/guide.rst", "documentation"),
            ("CHANGELOG", "documentation"),
            ("Cargo.lock", "lockfiles"),
            ("web/package-lock.json", "lockfiles"),
            ("internal/app/app_test.go", "tests"),
            ("tests/test_api.py", "tests"),
            ("src/__tests__/view.test.ts", "tests"),
        ] {
            assert_eq!(
                unblamed_path(path).map(|row| row.what),
                Some(what),
                "{path}"
            );
        }
        for path in [
            "internal/app/app.go",
            "src/lib.rs",
            "requirements.txt",
            "package.json",
            ".github/workflows/ci.yml",
            "netbox/dcim/models/devices.py",
            "lib/router/index.js",
        ] {
            assert!(unblamed_path(path).is_none(), "{path}");
        }
    }
}
