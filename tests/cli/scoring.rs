//! Scores measure risk, not size (issue 11): repetition saturates, volume alone never blocks
//! a human change under the default policy, AI-assisted changes are still gated, and a policy
//! can opt in to score blocks for everyone.

use std::fmt::Write as _;

use crate::support::{CLAUDE_TRAILER, Repo, blastgate, field_of, lines};

/// A workflow using four actions, at `version` (`v3` or `v4`).
fn workflow(name: &str, version: &str) -> String {
    format!(
        "name: {name}\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      \
         - uses: actions/checkout@{version}\n      - uses: actions/setup-python@{version}\n      \
         - uses: actions/cache@{version}\n      - uses: actions/upload-artifact@{version}\n      \
         - run: make test\n"
    )
}

/// A Python module of `count` public functions (three lines each).
fn module(prefix: &str, count: usize) -> String {
    (0..count).fold(String::new(), |mut text, i| {
        let _ = writeln!(text, "def {prefix}_{i}(value):\n    return value + {i}\n");
        text
    })
}

/// The findings of `id` in a JSON report.
fn findings<'a>(report: &'a serde_json::Value, id: &str) -> Vec<&'a serde_json::Value> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|finding| finding["id"] == id)
        .collect()
}

fn points(findings: &[&serde_json::Value]) -> f64 {
    findings
        .iter()
        .map(|finding| finding["points"].as_f64().expect("points"))
        .sum()
}

/// A base with eight workflows that a reverted commit touched, then a `topic` branch.
fn repo_with_reverted_workflows() -> Repo {
    let repo = Repo::new();
    repo.write("README.md", "# demo\n");
    for i in 0..8 {
        repo.write(&format!(".github/workflows/w{i}.yml"), workflow("ci", "v3"));
    }
    repo.commit("Initial commit");
    for i in 0..8 {
        repo.write(
            &format!(".github/workflows/w{i}.yml"),
            workflow("ci-broken", "v3"),
        );
    }
    repo.commit("Rename the workflows");
    repo.git(&["revert", "--no-edit", "HEAD"]);
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo
}

/// A human bumping four action versions in eight recently reverted workflows is not blocked:
/// with linear points (8 × 45 `ci-changed` + 8 × 30 `recently-reverted` + lines) it passed
/// the old human block line of 600; now repetition saturates and humans have no score line.
/// Undeclared, the change still meets the CI review rule (unattributed edits to CI); declared
/// human (`--ai-assisted no`), it is allowed.
#[test]
fn human_ci_action_bumps_with_reverted_history_are_not_blocked() {
    let repo = repo_with_reverted_workflows();
    for i in 0..8 {
        repo.write(&format!(".github/workflows/w{i}.yml"), workflow("ci", "v4"));
    }
    repo.commit("Bump actions to v4");
    let run = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(report["decision"], "review");
    assert_eq!(
        field_of(&report, "rules", "rule"),
        ["ci-needs-review-when-ai"]
    );
    assert!(!report["reasons"].to_string().contains("score"), "{report}");

    let run = blastgate(
        &repo,
        &[
            "check",
            "--base",
            "main",
            "--ai-assisted",
            "no",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(report["decision"], "allow");
    let ci = findings(&report, "ci-changed");
    let reverted = findings(&report, "recently-reverted");
    assert_eq!((ci.len(), reverted.len()), (8, 8), "{report}");
    // 45 × 5 × (1 + ln(8/5)) = 330.75 (the eighth counts 0.58 of the first), then the
    // per-signal cap of 250.
    assert!((points(&ci) - 250.0).abs() < 0.05, "{}", points(&ci));
    let last = ci.last().expect("eight findings")["arithmetic"]
        .as_str()
        .expect("arithmetic");
    assert!(
        last.contains(
            "(repeat 8 of 8 ci-changed, log past 5) × 0.76 (signal cap 250: 330.75 → 250)"
        ),
        "{last}"
    );
    assert!(
        report["reasons"][0]
            .as_str()
            .is_some_and(|reason| reason.contains("human changes are gated by rules only")),
        "{report}"
    );
}

/// A base with a dead app (20 modules of 25 functions) and its tests, then `topic`.
fn repo_with_dead_app() -> Repo {
    let repo = Repo::new();
    repo.write("README.md", "# demo\n")
        .write("src/app.py", lines(20, "app"));
    for i in 0..20 {
        repo.write(
            &format!("src/legacy/m{i}.py"),
            module(&format!("legacy{i}"), 25),
        );
        repo.write(
            &format!("tests/legacy/test_m{i}.py"),
            module(&format!("test_legacy{i}"), 25),
        );
    }
    repo.commit("Initial commit");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo.git(&["rm", "-q", "-r", "src/legacy", "tests/legacy"]);
    repo
}

/// A human removing a dead app with its tests (40 files, 3,000 lines, 500 public functions) is
/// allowed: `symbol-removed` alone was 2,000 points with linear scoring.
#[test]
fn human_removing_dead_app_is_allowed() {
    let repo = repo_with_dead_app();
    repo.commit("Remove the legacy app");
    let run = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(report["decision"], "allow");
    assert_eq!(findings(&report, "file-deleted").len(), 40);
    let removed = findings(&report, "symbol-removed");
    assert!(removed.len() >= 500, "{}", removed.len());
    // 4 points × 5 × (1 + ln(500/5)) = 112.1, not 2,000.
    assert!(points(&removed) < 120.0, "{}", points(&removed));
}

/// The same removal by an AI assistant still needs a senior: the AI review line applies.
#[test]
fn ai_change_of_the_same_volume_needs_review() {
    let repo = repo_with_dead_app();
    repo.commit(&format!("Remove the legacy app\n\n{CLAUDE_TRAILER}\n"));
    let run = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(report["decision"], "review");
    assert!(
        report["reasons"][0]
            .as_str()
            .is_some_and(|reason| reason.contains("reached the review line 25")),
        "{report}"
    );
    assert!(field_of(&report, "findings", "id").contains(&"symbol-removed".to_string()));
}

/// Ninety-three similar findings score far less than ninety-three times one, with the
/// default curve; `repeat: linear` in the base policy restores the plain sum.
#[test]
fn ninety_three_similar_findings_saturate() {
    let judge = |policy: Option<&str>| {
        let repo = Repo::new();
        repo.write("README.md", "# demo\n");
        if let Some(policy) = policy {
            repo.write(".blastgate.yaml", policy);
        }
        for i in 0..93 {
            repo.write(&format!("src/m{i}.py"), format!("value_{i} = {i}\n"));
        }
        repo.commit("Initial commit");
        repo.git(&["checkout", "-q", "-b", "topic"]);
        repo.git(&["rm", "-q", "-r", "src"]);
        repo.commit("Remove the generated constants");
        let run = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
        points(&findings(&run.json(), "file-deleted"))
    };
    let saturated = judge(None);
    let linear = judge(Some(
        "version: 1\nthresholds:\n  ai: {review: 25, block: 400}\nscoring: {repeat: linear, caps: {per_signal: 1000}}\n",
    ));
    assert!((linear - 93.0 * 4.0).abs() < 0.01, "{linear}");
    // 4 × 5 × (1 + ln(93/5)) = 78.5.
    assert!((saturated - 78.47).abs() < 0.05, "{saturated}");
}

/// A policy that sets `thresholds.human.block` opts in to score blocks for everyone: a huge
/// human change is blocked by volume alone, and the report says so.
#[test]
fn human_block_line_opt_in_blocks_a_huge_human_change() {
    let repo = Repo::new();
    repo.write("README.md", "# demo\n").write(
        ".blastgate.yaml",
        "version: 1\nthresholds:\n  ai: {review: 25, block: 400}\n  human: {block: 150}\n",
    );
    repo.commit("Initial commit");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    for i in 0..60 {
        repo.write(&format!("src/gen/m{i}.py"), lines(200, &format!("gen{i}")));
    }
    repo.commit("Add the generated client");
    let run = blastgate(&repo, &["check", "--base", "main"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("reached the block line 150 for unattributed changes"),
        "{}",
        run.stdout
    );
    // The same change under the default policy (no human line) is allowed.
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["rm", "-q", ".blastgate.yaml"]);
    repo.commit("Use the default policy");
    repo.git(&["checkout", "-q", "topic"]);
    repo.git(&["rebase", "-q", "main"]);
    let run = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.json()["score"].as_f64().expect("score") >= 150.0);
}

/// `policy check` says whether volume alone can block a human change.
#[test]
fn policy_check_explains_human_score_lines() {
    let repo = Repo::new();
    repo.write(
        "opt-in.yaml",
        "version: 1\nthresholds:\n  ai: {review: 25, block: 400}\n  human: {block: 600}\n",
    )
    .write(
        "default.yaml",
        "version: 1\nthresholds:\n  ai: {review: 25, block: 400}\n",
    );
    let run = blastgate(&repo, &["policy", "check", "opt-in.yaml"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(
            "note: `thresholds.human` opts in to score lines for human and unattributed changes: they are blocked at score 600"
        ),
        "{}",
        run.stdout
    );
    let run = blastgate(&repo, &["policy", "check", "default.yaml"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("note: human and unattributed changes are gated by rules only"),
        "{}",
        run.stdout
    );
}

/// A fix is named in the message's own words: release notes a bump quotes (with a fix line
/// linking a commit of this repository) and a squash commit's "Written for commit <sha>" naming
/// a "Merge main into topic" merge, or a pull request's merge naming its own head, mark no
/// file as recently fixed; a subject that says "Fix" and names the commit in its body does.
#[test]
fn only_fixes_in_the_messages_own_words_mark_files() {
    let repo = Repo::new();
    repo.write("README.md", "# demo\n");
    repo.commit("Initial commit");
    repo.write("src/quoted.py", "A = 1\n");
    let quoted = repo.commit("Add quoted");
    repo.write("src/named.py", "B = 1\n");
    let named = repo.commit("Add named");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("src/feature.py", "C = 1\n");
    repo.commit("Feature");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("src/merged.py", "D = 1\n");
    repo.commit("Add merged");
    repo.git(&["checkout", "-q", "feature"]);
    repo.git(&[
        "merge",
        "-q",
        "--no-ff",
        "main",
        "-m",
        "Merge branch 'main' into feature",
    ]);
    let merge = repo.git(&["rev-parse", "HEAD"]);
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["merge", "-q", "--no-ff", "feature", "-m", "Merge feature"]);
    repo.write("CHANGELOG.md", "one\n");
    repo.commit(&format!(
        "Bump lib from 1 to 2\n\n<details>\n<summary>Commits</summary>\n<ul>\n<li>fix(core): crash (<a href=\"https://example.com/commit/{quoted}\">{}</a>)</li>\n</ul>\n</details>\n",
        &quoted[..7]
    ));
    repo.write("CHANGELOG.md", "two\n");
    repo.commit(&format!(
        "Fix the login form (#12)\n\nStops a crash.\n\n<sup>Written for commit {merge}.</sup>\n\nThe name check went missing in {}.\n",
        &named[..10]
    ));
    // A pull request's merge naming its own head names the work it merges.
    repo.git(&["checkout", "-q", "-b", "pr"]);
    repo.write("src/head.py", "E = 1\n");
    let head = repo.commit("fix the parser");
    repo.git(&["checkout", "-q", "main"]);
    let message = format!("fix: the parser (#13)\n\n<sup>Written for commit {head}.</sup>\n");
    repo.git(&["merge", "-q", "--no-ff", "pr", "-m", &message]);
    repo.git(&["checkout", "-q", "-b", "topic"]);
    for path in [
        "src/quoted.py",
        "src/named.py",
        "src/merged.py",
        "src/head.py",
    ] {
        repo.write(path, "changed = True\n");
    }
    repo.commit("Touch them");
    let result = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    let report = result.json();
    let marked: Vec<&str> = findings(&report, "recently-reverted")
        .iter()
        .filter_map(|finding| finding["file"].as_str())
        .collect();
    assert_eq!(marked, ["src/named.py"], "{report}");
}
