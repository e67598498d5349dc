//! `blastgate check` in simulated CI: GitHub Actions (variables + event payload file) and
//! GitLab CI (predefined variables) pick the base, head and request number with no flags;
//! shallow clones and bad payloads stop the gate with the fix, never a silent allow.

use std::path::PathBuf;
use std::process::Command;

use crate::support::{CLAUDE_TRAILER, Repo, lines, repo_with_base, run};

/// A repository with `main` (base) and an AI-assisted `topic` commit; `main` is checked out,
/// as in a `pull_request_target` run. Returns the repo, the base sha and the topic sha.
fn pull_request_repo() -> (Repo, String, String) {
    let repo = repo_with_base();
    repo.write("src/feature.py", lines(300, "f"));
    let head = repo.commit(&format!("Feature\n\n{CLAUDE_TRAILER}\n"));
    repo.git(&["checkout", "-q", "main"]);
    let base = repo.git(&["rev-parse", "main"]);
    (repo, base, head)
}

/// Writes an event payload next to the repository and returns its path.
fn payload(repo: &Repo, json: &str) -> PathBuf {
    let path = repo.path.join("../event.json");
    std::fs::write(&path, json).expect("payload");
    path
}

fn github(repo: &Repo, event: &str, payload: &PathBuf, args: &[&str]) -> Command {
    let mut command = repo.blastgate(args);
    command
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", event)
        .env("GITHUB_EVENT_PATH", payload);
    command
}

fn gitlab(repo: &Repo, vars: &[(&str, &str)], args: &[&str]) -> Command {
    let mut command = repo.blastgate(args);
    command.env("GITLAB_CI", "true");
    for (key, value) in vars {
        command.env(key, value);
    }
    command
}

/// A `pull_request` payload judges base..head of the pull request even when `HEAD` is
/// elsewhere, and the reports name the pull request.
#[test]
fn github_pull_request_event() {
    let (repo, base, head) = pull_request_repo();
    let event = payload(
        &repo,
        &format!(
            r#"{{"pull_request": {{"number": 7, "base": {{"sha": "{base}"}}, "head": {{"sha": "{head}"}}}}}}"#
        ),
    );
    let run_json = run(
        github(
            &repo,
            "pull_request_target",
            &event,
            &["check", "--format", "json"],
        ),
        None,
    );
    assert_eq!(run_json.code, 3, "{}{}", run_json.stdout, run_json.stderr);
    let report = run_json.json();
    assert_eq!(report["base"]["commit"], base);
    assert_eq!(report["head"]["commit"], head);
    assert_eq!(report["ci"]["platform"], "github-actions");
    assert_eq!(report["ci"]["pull_request"], 7);
    let markdown = run(
        github(
            &repo,
            "pull_request",
            &event,
            &["check", "--format", "markdown"],
        ),
        None,
    );
    assert_eq!(markdown.code, 3, "{}", markdown.stderr);
    let banner = markdown.stdout.lines().next().unwrap_or_default();
    assert!(banner.contains("PR #7"), "{banner}");
}

/// A `push` payload's `before` and `after` are the range; there is no request number.
#[test]
fn github_push_event() {
    let (repo, base, head) = pull_request_repo();
    let event = payload(
        &repo,
        &format!(r#"{{"before": "{base}", "after": "{head}"}}"#),
    );
    let run = run(
        github(&repo, "push", &event, &["check", "--format", "json"]),
        None,
    );
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(report["base"]["commit"], base);
    assert_eq!(report["head"]["commit"], head);
    assert_eq!(report["ci"]["pull_request"], serde_json::Value::Null);
    assert!(
        report["base"]["reason"]
            .as_str()
            .expect("reason")
            .contains("/before"),
        "{}",
        report["base"]
    );
}

/// GitLab merge-request pipelines: diff base, commit sha and IID; the banner says `MR !3`.
#[test]
fn gitlab_merge_request_pipeline() {
    let (repo, base, head) = pull_request_repo();
    let zero = "0".repeat(40);
    let vars = [
        ("CI_MERGE_REQUEST_DIFF_BASE_SHA", base.as_str()),
        ("CI_COMMIT_BEFORE_SHA", &zero),
        ("CI_COMMIT_SHA", &head),
        ("CI_MERGE_REQUEST_IID", "3"),
    ];
    let json = run(gitlab(&repo, &vars, &["check", "--format", "json"]), None);
    assert_eq!(json.code, 3, "{}{}", json.stdout, json.stderr);
    let report = json.json();
    assert_eq!(report["head"]["commit"], head);
    assert_eq!(report["ci"]["platform"], "gitlab-ci");
    assert_eq!(report["ci"]["pull_request"], 3);
    let markdown = run(
        gitlab(&repo, &vars, &["check", "--format", "markdown"]),
        None,
    );
    assert!(markdown.stdout.contains("MR !3"), "{}", markdown.stdout);
}

/// GitLab branch pipelines diff from the previous tip of the branch.
#[test]
fn gitlab_branch_pipeline() {
    let (repo, base, head) = pull_request_repo();
    let vars = [
        ("CI_COMMIT_BEFORE_SHA", base.as_str()),
        ("CI_COMMIT_SHA", &head),
    ];
    let run = run(gitlab(&repo, &vars, &["check", "--format", "json"]), None);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(report["base"]["commit"], base);
    assert_eq!(report["head"]["commit"], head);
    assert_eq!(report["ci"]["pull_request"], serde_json::Value::Null);
}

/// A depth-1 clone lacks the base: the error names the platform's setting and the fetch.
#[test]
fn shallow_clone_says_what_to_change() {
    let (origin, base, _head) = pull_request_repo();
    origin.git(&["checkout", "-q", "topic"]);
    origin.write("src/more.py", lines(5, "more"));
    origin.commit("More");
    let clone = Repo::clone_of(&origin, &["--depth", "1", "--branch", "topic"]);
    let head = clone.git(&["rev-parse", "HEAD"]);
    let event = payload(
        &clone,
        &format!(
            r#"{{"pull_request": {{"number": 1, "base": {{"sha": "{base}"}}, "head": {{"sha": "{head}"}}}}}}"#
        ),
    );
    let cases = [
        (
            github(&clone, "pull_request", &event, &["check"]),
            "`fetch-depth: 0`",
        ),
        (
            gitlab(
                &clone,
                &[
                    ("CI_MERGE_REQUEST_DIFF_BASE_SHA", &base),
                    ("CI_COMMIT_SHA", &head),
                ],
                &["check"],
            ),
            "`GIT_DEPTH: 0`",
        ),
    ];
    for (command, fix) in cases {
        let run = run(command, None);
        assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(run.stderr.contains("shallow clone"), "{}", run.stderr);
        assert!(run.stderr.contains(fix), "{}", run.stderr);
        assert!(
            run.stderr.contains("git fetch --unshallow"),
            "{}",
            run.stderr
        );
    }
}

/// Missing, unreadable or malformed payloads: exit 2, one line naming the payload, no report.
#[test]
fn bad_payloads_stop_the_gate() {
    let (repo, base, _head) = pull_request_repo();
    let bad_sha = payload(
        &repo,
        &format!(
            r#"{{"pull_request": {{"number": 2, "base": {{"sha": "{base}"}}, "head": {{"sha": 5}}}}}}"#
        ),
    );
    let missing_file = repo.path.join("../no-such-event.json");
    let mut unset = repo.blastgate(&["check", "--format", "json"]);
    unset
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", "pull_request");
    let cases = [
        (
            github(
                &repo,
                "pull_request",
                &bad_sha,
                &["check", "--format", "json"],
            ),
            "event.json",
        ),
        (
            github(
                &repo,
                "pull_request",
                &missing_file,
                &["check", "--format", "json"],
            ),
            "no-such-event.json",
        ),
        (unset, "GITHUB_EVENT_PATH"),
    ];
    for (command, names) in cases {
        let run = run(command, None);
        assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(run.stderr.contains(names), "{}", run.stderr);
    }
}

/// Every `--flag` of `blastgate check` in a CI script exists in `check --help`.
fn assert_check_flags_exist(scripts: &str, file: &str) {
    let mut command = Command::new(crate::support::BINARY);
    command.args(["check", "--help"]);
    let help = run(command, None);
    assert_eq!(help.code, 0, "{}", help.stderr);
    let used: Vec<&str> = scripts
        .lines()
        .filter(|line| line.contains("blastgate") || line.contains("args+="))
        .flat_map(str::split_whitespace)
        .map(|word| word.trim_matches(|c: char| "()\"'".contains(c)))
        .filter(|word| word.starts_with("--") && word.len() > 2)
        .collect();
    assert!(
        used.contains(&"--format"),
        "{file}: no --format in {scripts}"
    );
    for flag in used {
        if flag.starts_with("--locked")
            || ["--quiet", "--path", "--root", "--git", "--branch"].contains(&flag)
        {
            continue; // cargo install's own flags
        }
        assert!(
            help.stdout.contains(flag),
            "{file} uses `{flag}`, which `check --help` lacks"
        );
    }
}

fn yaml_file(path: &str) -> (String, serde_json::Value) {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let text = std::fs::read_to_string(&full).expect("integration file");
    let value = serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    (text, value)
}

/// The composite action is valid YAML, builds from its own checkout, uses only inputs it
/// declares and flags `check` has, writes the step summary and ends with the gate's code.
#[test]
fn github_action_is_consistent() {
    let (text, action) = yaml_file("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    let steps = action["runs"]["steps"].as_array().expect("steps");
    let scripts: String = steps
        .iter()
        .filter_map(|step| step["run"].as_str())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        scripts.contains("--path \"$GITHUB_ACTION_PATH\""),
        "{scripts}"
    );
    assert!(scripts.contains("$GITHUB_STEP_SUMMARY"), "{scripts}");
    assert!(scripts.contains("exit \"$BLASTGATE_EXIT\""), "{scripts}");
    assert_check_flags_exist(&scripts, "action.yml");
    let inputs = action["inputs"].as_object().expect("inputs");
    for (at, _) in text.match_indices("inputs.") {
        let name: String = text[at + 7..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        assert!(
            inputs.contains_key(&name),
            "action.yml uses undeclared input `{name}`"
        );
    }
    assert!(
        steps.iter().any(|step| step["uses"]
            .as_str()
            .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif"))),
        "no SARIF upload step"
    );
}

/// The GitLab template is valid YAML with a full clone, merge-request rules, artifacts and
/// only flags `check` has.
#[test]
fn gitlab_template_is_consistent() {
    let (_text, template) = yaml_file("integrations/gitlab/blastgate.gitlab-ci.yml");
    let job = &template["blastgate"];
    assert_eq!(job["variables"]["GIT_DEPTH"], "0");
    let rules = job["rules"].to_string();
    assert!(rules.contains("merge_request_event"), "{rules}");
    let paths = job["artifacts"]["paths"].to_string();
    assert!(
        paths.contains("blastgate.json") && paths.contains("blastgate.md"),
        "{paths}"
    );
    let scripts: String = ["before_script", "script"]
        .iter()
        .filter_map(|key| job[key].as_array())
        .flatten()
        .filter_map(serde_json::Value::as_str)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(scripts.contains("exit \"$code\""), "{scripts}");
    assert_check_flags_exist(&scripts, "blastgate.gitlab-ci.yml");
}
