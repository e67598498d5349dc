//! The judgement benchmark's fixtures (`bench/judgement/fixtures/<case>/`): excerpts of real
//! commits of public repositories, each rebuilt as a real git repository (a base commit, then a
//! head commit with the recorded author, committer and message) and judged by the real binary
//! with the built-in default policy. Each case must get the decision a careful senior wants,
//! as labelled in `case.yaml` and in `bench/judgement/corpus.tsv`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::support::{Repo, blastgate};

/// `case.yaml`, as written next to each fixture's `base/` and `head/` trees.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    source: Source,
    author: Identity,
    committer: Identity,
    expected: String,
    why: String,
    message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Source {
    repo: String,
    sha: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Identity {
    name: String,
    email: String,
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/judgement/fixtures")
}

fn read_case(name: &str) -> Case {
    let path = fixtures_dir().join(name).join("case.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file under `dir`, as paths relative to it.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue; // a side with no files (everything added or everything removed)
        };
        for entry in entries {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path.strip_prefix(dir).expect("under dir").to_path_buf());
            }
        }
    }
    found.sort();
    found
}

/// Replaces the work tree's files with the fixture's `side` tree.
fn check_out(repo: &Repo, fixture: &Path, side: &str) {
    repo.git(&["rm", "-rq", "--ignore-unmatch", "."]);
    let root = fixture.join(side);
    for relative in files_under(&root) {
        let content = std::fs::read(root.join(&relative)).expect("read fixture file");
        repo.write(relative.to_str().expect("fixture paths are UTF-8"), content);
    }
}

fn exit_code(decision: &str) -> i32 {
    match decision {
        "allow" => 0,
        "block" => 1,
        "review" => 3,
        other => panic!("unknown expected decision {other:?}"),
    }
}

/// Rebuilds one fixture as a repository, judges its head commit and returns why it failed.
fn judge(name: &str) -> Result<(), String> {
    let case = read_case(name);
    let fixture = fixtures_dir().join(name);
    let repo = Repo::new();
    check_out(&repo, &fixture, "base");
    repo.commit("base");
    check_out(&repo, &fixture, "head");
    repo.git(&["add", "-A"]);
    let output = repo
        .git_command(&[
            "commit",
            "-q",
            "--allow-empty",
            "--cleanup=verbatim",
            "-m",
            &case.message,
        ])
        .env("GIT_AUTHOR_NAME", &case.author.name)
        .env("GIT_AUTHOR_EMAIL", &case.author.email)
        .env("GIT_COMMITTER_NAME", &case.committer.name)
        .env("GIT_COMMITTER_EMAIL", &case.committer.email)
        .output()
        .expect("git runs");
    assert!(output.status.success(), "{name}: commit failed");

    let run = blastgate(
        &repo,
        &[
            "check", "--base", "HEAD~1", "--head", "HEAD", "--format", "json",
        ],
    );
    if run.code == exit_code(&case.expected) {
        return Ok(());
    }
    let report = serde_json::from_str::<serde_json::Value>(&run.stdout).unwrap_or_default();
    let mut ids: Vec<&str> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["id"].as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    Err(format!(
        "{name} ({} {}): expected {}, got exit {} ({}, authorship {}, score {}, findings [{}]); why: {}{}",
        case.source.repo,
        &case.source.sha[..12],
        case.expected,
        run.code,
        report["decision"],
        report["provenance"]["authorship"],
        report["score"],
        ids.join(", "),
        case.why,
        if run.stderr.is_empty() {
            String::new()
        } else {
            format!("; stderr: {}", run.stderr.trim())
        }
    ))
}

macro_rules! fixtures {
    ($($test:ident => $dir:literal,)*) => {
        $(
            /// The fixture of the same name gets its labelled decision.
            #[test]
            fn $test() {
                if let Err(why) = judge($dir) {
                    panic!("{why}");
                }
            }
        )*
        /// Every fixture directory, so a new one cannot be left out of `cargo test`.
        const LISTED: &[&str] = &[$($dir),*];
    };
}

fixtures! {
    aider_committer_only => "aider-committer-only",
    aider_committer_only_style => "aider-committer-only-style",
    aider_lint_onboarding => "aider-lint-onboarding",
    aider_oauth_callback => "aider-oauth-callback",
    aider_oauth_key_file => "aider-oauth-key-file",
    alembic_truncate_ai => "alembic-truncate-ai",
    cfn_lambda_runtime => "cfn-lambda-runtime",
    cargo_dep_added_ai => "cargo-dep-added-ai",
    ci_ai_continue_on_error => "ci-ai-continue-on-error",
    ci_aider_new_workflow => "ci-aider-new-workflow",
    django_backfill_ai => "django-backfill-ai",
    human_probe_timeout => "human-probe-timeout",
    human_readme => "human-readme",
    human_stdio_fix => "human-stdio-fix",
    k8s_deployment_deleted => "k8s-deployment-deleted",
    py_bearer_auth_challenge => "py-bearer-auth-challenge",
    py_import_sort => "py-import-sort",
    py_mcp_cap_ai => "py-mcp-cap-ai",
    py_openai_key_to_env => "py-openai-key-to-env",
    py_redirect_uri_equality => "py-redirect-uri-equality",
    py_ruff_format_oauth_routes => "py-ruff-format-oauth-routes",
    py_ruff_format_test => "py-ruff-format-test",
    py_secrets_choice_token => "py-secrets-choice-token",
    rust_clippy_collapsible_if => "rust-clippy-collapsible-if",
    tf_db_instance_removed => "tf-db-instance-removed",
    tf_fmt => "tf-fmt",
    ts_prettier => "ts-prettier",
    ts_refresh_scope => "ts-refresh-scope",
    ts_sdk_major_ai => "ts-sdk-major-ai",
    uv_lock_refresh_ai => "uv-lock-refresh-ai",
}

/// Each fixture directory is listed above, and each is a row of the corpus with the same
/// expected decision (so the two labels cannot drift apart).
#[test]
fn fixtures_are_listed_and_match_the_corpus() {
    let mut on_disk: Vec<String> = std::fs::read_dir(fixtures_dir())
        .expect("fixtures dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = LISTED.iter().map(|s| (*s).to_string()).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "fixture directories and the fixtures! list differ"
    );

    let corpus = std::fs::read_to_string(fixtures_dir().join("../corpus.tsv")).expect("corpus");
    let mut problems = Vec::new();
    for name in LISTED {
        let case = read_case(name);
        let row = corpus
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l.split('\t').collect::<Vec<_>>())
            .find(|f| f.len() == 6 && f[0] == case.source.repo && f[1] == case.source.sha);
        match row {
            None => problems.push(format!("{name}: {} is not in corpus.tsv", case.source.sha)),
            Some(f) if f[4] != case.expected => problems.push(format!(
                "{name}: expected {} but corpus.tsv says {}",
                case.expected, f[4]
            )),
            Some(_) => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
