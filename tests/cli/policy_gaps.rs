//! Policy gaps are loud (issue 12): a policy without `rules` keeps the built-in hard rules,
//! only an explicit `inherit: false` drops them, and `policy check` warns when one is off.

use crate::support::{Repo, blastgate};

const THRESHOLDS: &str =
    "version: 1\nthresholds:\n  ai: {review: 500, block: 900}\n  human: {block: 900}\n";

/// A repository whose base policy is `policy`, and a commit on `topic` adding a token.
fn secret_change(policy: &str) -> Repo {
    // Built at run time so this file itself holds no token-shaped string.
    let token = format!("ghp_{}", "Zq8rT2vLm4Xn7Kp1Wd9Sb3Hc6Jf0Ga5Ye8Ru");
    let repo = Repo::new();
    repo.write(".blastgate.yaml", policy)
        .write("app/settings.py", "DEBUG = False\n");
    repo.commit("Settings and policy");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo.write(
        "app/settings.py",
        format!("DEBUG = False\nGITHUB_TOKEN = \"{token}\"\n"),
    );
    repo.commit("Wire the token");
    repo
}

/// A policy that never mentions `rules` still blocks a committed secret, by the built-in
/// `secrets-block`; `policy check` has nothing to warn about.
#[test]
fn policy_without_rules_keeps_the_hard_rules() {
    let repo = secret_change(THRESHOLDS);
    let run = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(report["rules"][0]["rule"], "secrets-block");
    assert!(
        report["findings"].to_string().contains("secret-added"),
        "{}",
        report["findings"]
    );
    let checked = blastgate(&repo, &["policy", "check"]);
    assert_eq!(checked.code, 0, "{}", checked.stderr);
    assert!(!checked.stdout.contains("warning"), "{}", checked.stdout);
}

/// `rules: {inherit: false}` is the one way to drop them: the secret is then judged by
/// score alone (allowed here), and `policy check` says which hard rules are off and why.
#[test]
fn explicit_opt_out_drops_the_hard_rules_and_is_warned_about() {
    let repo = secret_change(&format!("{THRESHOLDS}rules: {{inherit: false}}\n"));
    let run = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.json()["rules"], serde_json::json!([]));
    let checked = blastgate(&repo, &["policy", "check"]);
    assert_eq!(checked.code, 0, "{}", checked.stderr);
    for rule in ["stateful-destroy-blocks", "secrets-block"] {
        let line = checked
            .stdout
            .lines()
            .find(|line| line.contains(&format!("hard rule `{rule}` is off")))
            .unwrap_or_else(|| panic!("{rule}: {}", checked.stdout));
        assert!(
            line.starts_with("warning: ") && line.contains(".blastgate.yaml: "),
            "{line}"
        );
    }
    assert!(checked.stdout.contains("ok: "), "{}", checked.stdout);
}

/// A policy with rules of its own keeps the fail-closed rules too: Terraform made unreadable
/// (a NUL and an invalid byte) needs review from a human and blocks an AI change.
#[test]
fn own_rules_keep_the_unreadable_file_rules() {
    let policy = format!(
        "{THRESHOLDS}rules:\n  - {{id: docs-review, decision: review, paths: [\"docs/**\"], reason: Docs.}}\n"
    );
    for (trailer, code) in [
        ("", 3),
        ("\n\nCo-Authored-By: Claude <noreply@anthropic.com>", 1),
    ] {
        let repo = Repo::new();
        repo.write(".blastgate.yaml", &policy)
            .write("infra/main.tf", "resource \"aws_s3_bucket\" \"logs\" {}\n");
        repo.commit("Policy and infra");
        repo.git(&["checkout", "-q", "-b", "topic"]);
        repo.write(
            "infra/main.tf",
            [
                b"\0\xff\n".as_slice(),
                b"resource \"aws_s3_bucket\" \"logs\" {}\n",
            ]
            .concat(),
        );
        repo.commit(&format!("Tidy the infra{trailer}"));
        let run = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
        assert_eq!(run.code, code, "{}{}", run.stdout, run.stderr);
        let rules = run.json()["rules"].to_string();
        assert!(
            rules.contains("unanalysable-risky-file-needs-review"),
            "{rules}"
        );
    }
}
