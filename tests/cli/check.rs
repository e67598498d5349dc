//! `blastgate check` on commit ranges: one scenario per decision and per provenance case.

use crate::support::{CLAUDE_TRAILER, blastgate, field_of, lines, repo_with_base};

/// A small human change passes quietly: exit 0 and a single line.
#[test]
fn benign_human_change_is_allowed_quietly() {
    let repo = repo_with_base();
    repo.write("src/app.py", lines(22, "app"));
    repo.commit("Add two lines");
    let run = blastgate(&repo, &["check", "--base", "main"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.starts_with("allow"), "{}", run.stdout);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

/// An AI-assisted change over the review line needs senior sign-off: exit 3, explained.
#[test]
fn ai_change_over_review_line_needs_sign_off() {
    let repo = repo_with_base();
    repo.write("src/feature.py", lines(300, "feature"));
    repo.commit(&format!("Add feature\n\n{CLAUDE_TRAILER}\n"));
    let run = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(report["decision"], "review");
    assert_eq!(report["exit_code"], 3);
    assert_eq!(report["provenance"]["ai_assisted"], true);
    let evidence = report["provenance"]["evidence"]
        .as_array()
        .expect("evidence list");
    assert!(
        evidence
            .iter()
            .any(|e| e["field"] == "trailer" && e["counted"] == true),
        "{evidence:?}"
    );
    assert!(
        report["score"].as_f64().expect("score")
            >= report["thresholds"]["ai"]["review"]
                .as_f64()
                .expect("ai review")
    );
    let steps = report["next_steps"].to_string();
    assert!(steps.contains("sign-off"), "{steps}");
}

/// The same change without AI markers is a human change: human thresholds have no review line.
#[test]
fn same_change_by_a_human_is_allowed() {
    let repo = repo_with_base();
    repo.write("src/feature.py", lines(300, "feature"));
    repo.commit("Add feature");
    let run = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.json()["provenance"]["authorship"], "unknown");
}

/// A score past the block line blocks, whoever wrote it; the policy is read from the base.
#[test]
fn score_past_block_line_blocks() {
    let repo = repo_with_base();
    repo.git(&["checkout", "-q", "main"]);
    repo.write(
        ".blastgate.yaml",
        "version: 1\nthresholds:\n  ai: {review: 10, block: 20}\n  human: {block: 20}\n",
    );
    repo.commit("Add policy");
    repo.git(&["checkout", "-q", "-b", "big"]);
    repo.write("src/big.py", lines(400, "big"));
    repo.commit("Big change");
    let run = blastgate(&repo, &["check", "--base", "main"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.starts_with("block"), "{}", run.stdout);
    assert!(
        run.stdout.contains("reached the block line 20"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("split the change"), "{}", run.stdout);
}

/// A block rule matches a finding by signal and path and blocks even a human change.
#[test]
fn block_rule_blocks_whoever_wrote_it() {
    let repo = repo_with_base();
    repo.git(&["checkout", "-q", "main"]);
    repo.write(
        ".blastgate.yaml",
        "version: 1\nthresholds:\n  ai: {review: 25, block: 400}\n  human: {block: 600}\nrules:\n  - id: no-migration-deletes\n    decision: block\n    signals: [file-deleted]\n    paths: [\"db/**\"]\n    reason: Deleting a migration rewrites history.\n",
    );
    repo.write("db/001_init.sql", "create table t (id int);\n");
    repo.commit("Policy and migration");
    repo.git(&["checkout", "-q", "-b", "cleanup"]);
    repo.remove("db/001_init.sql");
    repo.commit("Remove old migration");
    let run = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(report["rules"][0]["rule"], "no-migration-deletes");
    assert_eq!(report["rules"][0]["file"], "db/001_init.sql");
}

/// A change cannot weaken the policy that judges it: the base's policy applies, and the
/// edit itself is a finding that needs review.
#[test]
fn policy_comes_from_the_base_not_from_the_change() {
    let repo = repo_with_base();
    repo.git(&["checkout", "-q", "main"]);
    repo.write(
        ".blastgate.yaml",
        "version: 1\nthresholds:\n  ai: {review: 5, block: 400}\n  human: {block: 600}\n",
    );
    let base = repo.commit("Strict policy");
    repo.git(&["checkout", "-q", "-b", "sneaky"]);
    repo.write(
        ".blastgate.yaml",
        "version: 1\nthresholds:\n  ai: {review: 5000, block: 9000}\n  human: {block: 9000}\n",
    );
    repo.write("src/feature.py", lines(80, "f"));
    repo.commit(&format!("Relax the gate\n\n{CLAUDE_TRAILER}\n"));
    let run = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(report["thresholds"]["ai"]["review"], 5.0);
    assert!(
        report["policy"]["source"]
            .as_str()
            .expect("source")
            .contains(&base[..12]),
        "{}",
        report["policy"]
    );
    let ids = field_of(&report, "findings", "id");
    assert!(ids.contains(&"policy-changed".to_string()), "{ids:?}");
}

/// When the base policy says unattributed changes count as AI, a change without markers is
/// judged with the AI thresholds.
#[test]
fn unattributed_can_be_treated_as_ai() {
    let repo = repo_with_base();
    repo.git(&["checkout", "-q", "main"]);
    repo.write(".blastgate.yaml", "version: 1\nthresholds:\n  ai: {review: 10, block: 400}\n  human: {block: 600}\nprovenance:\n  unattributed: ai\n");
    repo.commit("Policy");
    repo.git(&["checkout", "-q", "-b", "x"]);
    repo.write("src/feature.py", lines(150, "f"));
    repo.commit("Unattributed work");
    let run = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 3, "{}", run.stdout);
    let report = run.json();
    assert_eq!(report["provenance"]["authorship"], "unknown");
    assert_eq!(report["provenance"]["ai_assisted"], true);
}

/// `--ai-assisted yes` declares AI help; `--ai-assisted no` cannot hide a real marker.
#[test]
fn declarations_and_evidence() {
    let repo = repo_with_base();
    repo.write("src/feature.py", lines(300, "f"));
    repo.commit("Work");
    let declared = blastgate(&repo, &["check", "--base", "main", "--ai-assisted", "yes"]);
    assert_eq!(declared.code, 3, "{}", declared.stdout);

    repo.commit(&format!("More\n\n{CLAUDE_TRAILER}\n"));
    let denied = blastgate(
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
    assert_eq!(denied.code, 3, "{}", denied.stdout);
    assert_eq!(denied.json()["provenance"]["authorship"], "ai");
}

/// A person named Claude, and a message that merely mentions Copilot, are not AI evidence.
#[test]
fn names_and_mentions_are_not_ai_evidence() {
    let repo = repo_with_base();
    repo.write("src/feature.py", lines(300, "f"));
    repo.commit_as(
        "Claude Martin",
        "claude.martin@example.org",
        "Port what Copilot suggested in review\n\nThanks Claude for pairing on this.\n",
    );
    let run = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let report = run.json();
    assert_eq!(report["provenance"]["ai_assisted"], false);
    assert_eq!(
        report["provenance"]["evidence"].as_array().map(Vec::len),
        Some(0)
    );
}

/// Renames are found by similarity and reported with both paths.
#[test]
fn renames_are_reported_as_renames() {
    let repo = repo_with_base();
    repo.git(&["mv", "src/app.py", "src/application.py"]);
    repo.commit("Rename module");
    let run = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let file = &run.json()["files"][0];
    assert_eq!(file["status"], "renamed");
    assert_eq!(file["path"], "src/application.py");
    assert_eq!(file["old_path"], "src/app.py");
}

/// A merge commit is judged against its first parent: everything the merge brings in, and
/// the commits of the merged branch for provenance.
#[test]
fn merge_commit_is_judged_against_its_first_parent() {
    let repo = repo_with_base();
    repo.write("src/feature.py", lines(300, "f"));
    repo.commit(&format!("Feature\n\n{CLAUDE_TRAILER}\n"));
    repo.git(&["checkout", "-q", "main"]);
    repo.write("docs/other.md", "other\n");
    repo.commit("Unrelated docs");
    repo.git(&["merge", "-q", "--no-ff", "topic", "-m", "Merge topic"]);
    let run = blastgate(
        &repo,
        &[
            "check", "--base", "HEAD^1", "--head", "HEAD", "--format", "json",
        ],
    );
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(field_of(&report, "files", "path"), ["src/feature.py"]);
    assert_eq!(report["provenance"]["ai_assisted"], true);
}

/// Dependency bots are automation: judged with human thresholds, not as AI.
#[test]
fn dependency_bots_are_automation() {
    let repo = repo_with_base();
    repo.write("requirements.txt", lines(300, "pkg"));
    repo.commit_as(
        "dependabot[bot]",
        "49699333+dependabot[bot]@users.noreply.github.com",
        "Bump requests from 2.31.0 to 2.32.0",
    );
    let run = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.json()["provenance"]["authorship"], "automation");
}

/// Git hook configuration needs a senior's review whoever wrote it: hooks can switch gates off.
#[test]
fn hook_change_needs_review_even_from_a_human() {
    let repo = repo_with_base();
    repo.write(".husky/pre-push", "#!/bin/sh\nexit 0\n");
    repo.commit("Simplify the pre-push hook");
    let run = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(report["provenance"]["ai_assisted"], false);
    assert_eq!(report["rules"][0]["rule"], "hooks-need-review");
}

/// `-q` prints nothing and keeps the exit code; `-o FILE` writes the report there instead of
/// standard output; `--color always` colours the text report, machine formats never.
#[test]
fn quiet_output_file_and_colour() {
    let repo = repo_with_base();
    repo.write("src/feature.py", lines(300, "f"));
    repo.commit(&format!("Feature\n\n{CLAUDE_TRAILER}\n"));
    let quiet = blastgate(&repo, &["check", "--base", "main", "-q"]);
    assert_eq!(quiet.code, 3);
    assert!(
        quiet.stdout.is_empty() && quiet.stderr.is_empty(),
        "{}{}",
        quiet.stdout,
        quiet.stderr
    );

    let out = repo.path.join("../report.json");
    let out_text = out.to_string_lossy().into_owned();
    let to_file = blastgate(
        &repo,
        &[
            "check", "--base", "main", "--format", "json", "-o", &out_text,
        ],
    );
    assert_eq!(to_file.code, 3);
    assert!(to_file.stdout.is_empty(), "{}", to_file.stdout);
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("report written"))
            .expect("JSON");
    assert_eq!(written["decision"], "review");

    let coloured = blastgate(&repo, &["check", "--base", "main", "--color", "always"]);
    assert!(coloured.stdout.contains("\u{1b}["), "{}", coloured.stdout);
    let json = blastgate(
        &repo,
        &[
            "check", "--base", "main", "--color", "always", "--format", "json",
        ],
    );
    assert!(!json.stdout.contains('\u{1b}'), "{}", json.stdout);
}
