//! Dependency changes end to end: real repositories with manifests, lockfiles and workflows,
//! the real binary, the default policy (`dependency-changes-need-review-when-ai`).

use std::fmt::Write as _;

use crate::support::{CLAUDE_TRAILER, Repo, blastgate, field_of};

const PACKAGE_JSON: &str = "{\n  \"name\": \"web\",\n  \"scripts\": {\n    \"build\": \"tsc\"\n  },\n  \"dependencies\": {\n    \"react\": \"^18.2.0\"\n  }\n}\n";
const PACKAGE_JSON_WITH_AXIOS: &str = "{\n  \"name\": \"web\",\n  \"scripts\": {\n    \"build\": \"tsc\"\n  },\n  \"dependencies\": {\n    \"axios\": \"^1.6.2\",\n    \"react\": \"^18.2.0\"\n  }\n}\n";

/// A repository whose `main` holds `files`, on a `topic` branch.
fn repo_with(files: &[(&str, &str)]) -> Repo {
    let repo = Repo::new();
    repo.write("README.md", "# demo\n");
    for (path, content) in files {
        repo.write(path, content);
    }
    repo.commit("Initial commit");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo
}

/// `check --base main --format json`: the exit code and the report.
fn check(repo: &Repo) -> (i32, serde_json::Value) {
    check_with(repo, &[])
}

/// A change without AI markers is of unknown authorship (the `[ai, unknown]` rules apply);
/// its author declares it human with `--ai-assisted no`.
fn check_human(repo: &Repo) -> (i32, serde_json::Value) {
    let (code, report) = check_with(repo, &["--ai-assisted", "no"]);
    assert_eq!(report["provenance"]["authorship"], "human", "{report}");
    (code, report)
}

fn check_with(repo: &Repo, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec!["check", "--base", "main", "--format", "json"];
    args.extend_from_slice(extra);
    let result = blastgate(repo, &args);
    assert!(
        matches!(result.code, 0 | 1 | 3),
        "{}{}",
        result.stdout,
        result.stderr
    );
    (result.code, result.json())
}

/// The findings with id `id`, as `(file, subject)`.
fn findings(report: &serde_json::Value, id: &str) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["id"] == id)
        .map(|f| {
            let text = |key: &str| f[key].as_str().unwrap_or_default().to_string();
            (text("file"), text("subject"))
        })
        .collect()
}

/// An AI-assisted commit that adds a dependency needs a senior (exit 3), by the dependency rule.
#[test]
fn ai_commit_adding_a_dependency_needs_review() {
    let repo = repo_with(&[("web/package.json", PACKAGE_JSON)]);
    repo.write("web/package.json", PACKAGE_JSON_WITH_AXIOS);
    repo.commit(&format!("Add an HTTP client\n\n{CLAUDE_TRAILER}\n"));
    let (code, report) = check(&repo);
    assert_eq!(code, 3, "{report}");
    assert_eq!(
        findings(&report, "dependency-added"),
        [("web/package.json".to_string(), "axios".to_string())]
    );
    assert!(
        field_of(&report, "rules", "rule")
            .contains(&"dependency-changes-need-review-when-ai".to_string()),
        "{}",
        report["rules"]
    );
}

/// The same change by a human is allowed, and the report still says what was added.
#[test]
fn human_commit_adding_a_dependency_is_allowed_with_the_fact() {
    let repo = repo_with(&[("web/package.json", PACKAGE_JSON)]);
    repo.write("web/package.json", PACKAGE_JSON_WITH_AXIOS);
    repo.commit("Add an HTTP client");
    let (code, report) = check_human(&repo);
    assert_eq!(code, 0, "{report}");
    assert_eq!(
        findings(&report, "dependency-added"),
        [("web/package.json".to_string(), "axios".to_string())]
    );
}

/// Each ecosystem's manifest, before and after a major bump of one dependency.
const BUMPS: &[(&str, &str, &str, &str)] = &[
    (
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\nclap = \"3.2\"\n",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\nclap = \"4.4\"\n",
        "clap",
    ),
    (
        "web/package.json",
        PACKAGE_JSON,
        "{\n  \"name\": \"web\",\n  \"scripts\": {\n    \"build\": \"tsc\"\n  },\n  \"dependencies\": {\n    \"react\": \"^19.0.0\"\n  }\n}\n",
        "react",
    ),
    (
        "requirements.txt",
        "django==4.2.7\n",
        "django==5.0.1\n",
        "django",
    ),
    (
        "svc/pyproject.toml",
        "[project]\nname = \"svc\"\ndependencies = [\"httpx>=0.25\"]\n",
        "[project]\nname = \"svc\"\ndependencies = [\"httpx>=0.26\"]\n",
        "httpx",
    ),
    (
        "go.mod",
        "module example.com/app\n\ngo 1.21\n\nrequire github.com/go-chi/chi v1.5.4\n",
        "module example.com/app\n\ngo 1.21\n\nrequire github.com/go-chi/chi/v5 v5.0.10\n",
        "github.com/go-chi/chi",
    ),
    (
        "Gemfile",
        "source \"https://rubygems.org\"\ngem \"sidekiq\", \"6.5.12\"\n",
        "source \"https://rubygems.org\"\ngem \"sidekiq\", \"7.2.0\"\n",
        "sidekiq",
    ),
    (
        "java/pom.xml",
        "<project>\n  <dependencies>\n    <dependency>\n      <groupId>org.slf4j</groupId>\n      <artifactId>slf4j-api</artifactId>\n      <version>1.7.36</version>\n    </dependency>\n  </dependencies>\n</project>\n",
        "<project>\n  <dependencies>\n    <dependency>\n      <groupId>org.slf4j</groupId>\n      <artifactId>slf4j-api</artifactId>\n      <version>2.0.9</version>\n    </dependency>\n  </dependencies>\n</project>\n",
        "org.slf4j:slf4j-api",
    ),
    (
        "android/build.gradle",
        "dependencies {\n    implementation 'com.squareup.okhttp3:okhttp:3.14.9'\n}\n",
        "dependencies {\n    implementation 'com.squareup.okhttp3:okhttp:4.12.0'\n}\n",
        "com.squareup.okhttp3:okhttp",
    ),
    (
        "gradle/libs.versions.toml",
        "[libraries]\nguava = \"com.google.guava:guava:32.1.3-jre\"\n",
        "[libraries]\nguava = \"com.google.guava:guava:33.0.0-jre\"\n",
        "com.google.guava:guava",
    ),
    (
        "php/composer.json",
        "{\n  \"require\": {\n    \"laravel/framework\": \"^10.10\"\n  }\n}\n",
        "{\n  \"require\": {\n    \"laravel/framework\": \"^11.0\"\n  }\n}\n",
        "laravel/framework",
    ),
    (
        "dotnet/Api.csproj",
        "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <ItemGroup>\n    <PackageReference Include=\"Serilog\" Version=\"3.1.1\" />\n  </ItemGroup>\n</Project>\n",
        "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <ItemGroup>\n    <PackageReference Include=\"Serilog\" Version=\"4.0.0\" />\n  </ItemGroup>\n</Project>\n",
        "Serilog",
    ),
    (
        "legacy/packages.config",
        "<packages>\n  <package id=\"NUnit\" version=\"3.13.3\" />\n</packages>\n",
        "<packages>\n  <package id=\"NUnit\" version=\"4.0.1\" />\n</packages>\n",
        "NUnit",
    ),
    (
        "Directory.Packages.props",
        "<Project>\n  <ItemGroup>\n    <PackageVersion Include=\"xunit\" Version=\"1.9.2\" />\n  </ItemGroup>\n</Project>\n",
        "<Project>\n  <ItemGroup>\n    <PackageVersion Include=\"xunit\" Version=\"2.6.2\" />\n  </ItemGroup>\n</Project>\n",
        "xunit",
    ),
];

/// A major bump in each ecosystem's manifest is a `dependency-major-bump` on that package;
/// by a human it is allowed.
#[test]
fn major_bump_in_each_ecosystem_is_a_fact() {
    let before: Vec<(&str, &str)> = BUMPS
        .iter()
        .map(|(path, old, _, _)| (*path, *old))
        .collect();
    let repo = repo_with(&before);
    for (path, _, new, _) in BUMPS {
        repo.write(path, new);
    }
    repo.commit("Bump dependencies to their next major versions");
    let (code, report) = check_human(&repo);
    assert_eq!(code, 0, "{report}");
    let found = findings(&report, "dependency-major-bump");
    for (path, _, _, package) in BUMPS {
        assert!(
            found.contains(&((*path).to_string(), (*package).to_string())),
            "{path}: {package} not in {found:?}"
        );
    }
    assert_eq!(found.len(), BUMPS.len(), "{found:?}");
}

const CARGO_TOML: &str =
    "[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\nlibc = \"0.2\"\n";
const CARGO_LOCK: &str = "version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\n \"libc\",\n]\n\n[[package]]\nname = \"libc\"\nversion = \"0.2.150\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"89d92a4743f9a61002fae18374ed11e7973f530cb3a3255fb354818118b2203c\"\n";

/// `cargo update` alone (an AI assistant ran it): one `lockfile-refreshed`, no dependency
/// finding, allowed.
#[test]
fn lockfile_only_refresh_is_mechanical() {
    let repo = repo_with(&[("Cargo.toml", CARGO_TOML), ("Cargo.lock", CARGO_LOCK)]);
    repo.write(
        "Cargo.lock",
        CARGO_LOCK.replace("0.2.150", "0.2.151").replace(
            "89d92a4743f9a61002fae18374ed11e7973f530cb3a3255fb354818118b2203c",
            "302d7ab3130588088d277783b1e2d2e10c9e9e4a16dd9050e6ec93fb3e7048f4",
        ),
    );
    repo.commit(&format!("cargo update\n\n{CLAUDE_TRAILER}\n"));
    let (code, report) = check(&repo);
    assert_eq!(code, 0, "{report}");
    assert_eq!(
        findings(&report, "lockfile-refreshed"),
        [("Cargo.lock".to_string(), "Cargo.lock".to_string())]
    );
    let ids = field_of(&report, "findings", "id");
    assert!(
        !ids.iter().any(|id| id.starts_with("dependency-")),
        "{ids:?}"
    );
}

/// A human bumping `actions/checkout` from v3 to v4 is allowed; the bump is one fact.
#[test]
fn actions_checkout_bump_by_human_is_allowed() {
    let workflow = "name: ci\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v3\n      - run: make test\n";
    let repo = repo_with(&[(".github/workflows/ci.yml", workflow)]);
    repo.write(
        ".github/workflows/ci.yml",
        workflow.replace("checkout@v3", "checkout@v4"),
    );
    repo.commit("Bump actions/checkout to v4");
    let (code, report) = check_human(&repo);
    assert_eq!(code, 0, "{report}");
    assert_eq!(
        findings(&report, "dependency-major-bump"),
        [(
            ".github/workflows/ci.yml".to_string(),
            "actions/checkout".to_string()
        )]
    );
}

/// A `postinstall` script added by an AI-assisted commit runs on every install: a fact, and
/// a senior must look.
#[test]
fn postinstall_script_added_is_a_fact() {
    let repo = repo_with(&[("web/package.json", PACKAGE_JSON)]);
    repo.write(
        "web/package.json",
        PACKAGE_JSON.replace(
            "\"build\": \"tsc\"",
            "\"build\": \"tsc\",\n    \"postinstall\": \"node scripts/setup.js\"",
        ),
    );
    repo.commit(&format!(
        "Set up the toolchain on install\n\n{CLAUDE_TRAILER}\n"
    ));
    let (code, report) = check(&repo);
    assert_eq!(code, 3, "{report}");
    assert_eq!(
        findings(&report, "install-script-added"),
        [("web/package.json".to_string(), "postinstall".to_string())]
    );
}

/// A unified diff judged without its repository: the removed and added `uses:` lines still
/// show the bump, and coverage says the workflow was read line by line.
#[test]
fn diff_text_without_repository_reads_changed_lines() {
    let diff = "diff --git a/.github/workflows/ci.yml b/.github/workflows/ci.yml\nindex 1111111..2222222 100644\n--- a/.github/workflows/ci.yml\n+++ b/.github/workflows/ci.yml\n@@ -5,3 +5,3 @@ jobs:\n     steps:\n-      - uses: actions/checkout@v3\n+      - uses: actions/checkout@v4\n       - run: make test\n";
    let outside = tempfile::tempdir().expect("temp dir");
    let repo = Repo::new();
    let mut command = repo.blastgate(&[
        "check",
        "--diff",
        "-",
        "--format",
        "json",
        "--ai-assisted",
        "no",
    ]);
    command.current_dir(outside.path());
    let result = crate::support::run(command, Some(diff));
    assert_eq!(result.code, 0, "{}{}", result.stdout, result.stderr);
    let report = result.json();
    let bump = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["id"] == "dependency-major-bump")
        .unwrap_or_else(|| panic!("no bump in {}", report["findings"]));
    assert_eq!(bump["subject"], "actions/checkout");
    assert_eq!(bump["line"], 6);
    let line_level = report["blast_radius"]["coverage"]["line_level"].to_string();
    assert!(line_level.contains("dependencies"), "{line_level}");
}

const PRE_COMMIT: &str = "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: 7c55798a78262d14b2074abf623d8a992ebb70d4 # frozen: v0.16.2\n    hooks:\n      - id: ruff\n  - repo: local\n    hooks:\n      - id: lint\n        entry: ./lint.sh\n        language: system\n";
const RENOVATE: (&str, &str) = (
    "renovate[bot]",
    "29139614+renovate[bot]@users.noreply.github.com",
);

/// A pre-commit change that only moves a hook repository's pin is a dependency bump of hook
/// code (`hook-pin-moved`): a bot's routine bump passes, an AI-assisted or unattributed one is
/// reviewed; moving a pin to a branch, or touching anything else, is a hook change.
#[test]
fn pre_commit_pin_moves_are_dependency_bumps_of_hook_code() {
    let repo = repo_with(&[(".pre-commit-config.yaml", PRE_COMMIT)]);
    let bumped = PRE_COMMIT.replace(
        "7c55798a78262d14b2074abf623d8a992ebb70d4 # frozen: v0.16.2",
        "65dbdb59d2f2d9c3bdc343c566821ad3319ddaa3 # frozen: v0.16.3",
    );
    let ids = |report: &serde_json::Value| field_of(report, "findings", "id");
    let rules = |report: &serde_json::Value| field_of(report, "rules", "rule");

    repo.write(".pre-commit-config.yaml", &bumped);
    repo.commit_as(RENOVATE.0, RENOVATE.1, "Update ruff-pre-commit to v0.16.3");
    let (code, report) = check(&repo);
    assert_eq!(code, 0, "{report}");
    assert!(
        ids(&report).contains(&"hook-pin-moved".to_string()),
        "{report}"
    );
    assert!(
        !ids(&report).contains(&"hook-changed".to_string()),
        "{report}"
    );
    assert_eq!(
        findings(&report, "dependency-bumped"),
        [(
            ".pre-commit-config.yaml".to_string(),
            "https://github.com/astral-sh/ruff-pre-commit".to_string()
        )]
    );

    repo.git(&["reset", "-q", "--hard", "main"]);
    repo.write(".pre-commit-config.yaml", &bumped);
    repo.commit(&format!("Bump ruff\n\n{CLAUDE_TRAILER}\n"));
    let (code, report) = check(&repo);
    assert_eq!(code, 3, "{report}");
    assert!(
        rules(&report).contains(&"hook-pins-need-review-when-ai".to_string()),
        "{report}"
    );
    assert!(!rules(&report).contains(&"hooks-need-review".to_string()));

    for (what, content) in [
        (
            "a pin moved to a branch",
            PRE_COMMIT.replace(
                "7c55798a78262d14b2074abf623d8a992ebb70d4 # frozen: v0.16.2",
                "main",
            ),
        ),
        (
            "a pin moved and a local hook's entry changed",
            bumped.replace("./lint.sh", "./lint.sh || true"),
        ),
        (
            "a repository swapped under the same pin",
            PRE_COMMIT.replace(
                "astral-sh/ruff-pre-commit",
                "astral-sh/ruff-pre-commit-fork",
            ),
        ),
    ] {
        repo.git(&["reset", "-q", "--hard", "main"]);
        repo.write(".pre-commit-config.yaml", &content);
        repo.commit_as(RENOVATE.0, RENOVATE.1, "Update hooks");
        let (code, report) = check(&repo);
        assert_eq!(code, 3, "{what}: {report}");
        assert!(ids(&report).contains(&"hook-changed".to_string()), "{what}");
        assert!(
            !ids(&report).contains(&"hook-pin-moved".to_string()),
            "{what}"
        );
    }
}

/// A `Cargo.lock` of `count` registry packages at `version`, as cargo writes it.
fn cargo_lock(count: usize, version: &str) -> String {
    let digits = version.replace('.', "");
    (0..count).fold(
        String::from("version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n"),
        |mut lock, i| {
            let _ = write!(
                lock,
                "\n[[package]]\nname = \"crate{i}\"\nversion = \"{version}\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"{i:061x}{digits}\"\n"
            );
            lock
        },
    )
}

/// A minor bump whose lockfile rewrites hundreds of lines is judged by its packages: an
/// AI-assisted `Cargo.toml` bump with a 400-line `Cargo.lock` diff is allowed, the lockfile's
/// lines count no volume; a lockfile read only for refreshes (pnpm) still counts its lines.
#[test]
fn a_lockfile_read_per_package_counts_no_lines() {
    let manifest = |version: &str| {
        format!(
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\ncrate0 = \"{version}\"\n"
        )
    };
    let repo = repo_with(&[
        ("Cargo.toml", &manifest("1.2")),
        ("Cargo.lock", &cargo_lock(100, "1.2.0")),
        ("web/pnpm-lock.yaml", "lockfileVersion: '9.0'\n"),
    ]);
    repo.write("Cargo.toml", manifest("1.3"));
    repo.write("Cargo.lock", cargo_lock(100, "1.3.0"));
    repo.commit(&format!("Bump crate0 to 1.3\n\n{CLAUDE_TRAILER}\n"));
    let (code, report) = check(&repo);
    assert_eq!(code, 0, "{report}");
    assert_eq!(
        findings(&report, "dependency-bumped"),
        [("Cargo.toml".to_string(), "crate0".to_string())]
    );
    let counted: Vec<(String, String)> = findings(&report, "lines-added");
    assert!(
        counted.iter().all(|(file, _)| file != "Cargo.lock"),
        "{counted:?}"
    );

    let pnpm = (0..300).fold(String::new(), |mut text, i| {
        let _ = writeln!(text, "  pkg{i}: 1.0.{i}");
        text
    });
    repo.write(
        "web/pnpm-lock.yaml",
        format!("lockfileVersion: '9.0'\n{pnpm}"),
    );
    repo.commit("Refresh the web lockfile");
    let (_, report) = check(&repo);
    assert!(
        findings(&report, "lines-added")
            .iter()
            .any(|(file, _)| file == "web/pnpm-lock.yaml"),
        "{report}"
    );
}
