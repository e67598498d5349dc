//! Snapshots of the text and JSON reports for a review scenario, so any change to what users
//! read is reviewed. Hashes are stable (fixed identities and dates); the policy hash is
//! redacted so editing the default policy does not churn every snapshot.

use crate::support::{CLAUDE_TRAILER, blastgate, lines, repo_with_base};

fn scenario() -> crate::support::Repo {
    let repo = repo_with_base();
    repo.write("src/feature.py", lines(200, "feature"));
    repo.write(".github/workflows/deploy.yml", "on: push\njobs: {}\n");
    repo.remove("docs/guide.md");
    repo.commit(&format!(
        "Add feature and deploy workflow\n\n{CLAUDE_TRAILER}\n"
    ));
    repo
}

fn redact(text: &str) -> String {
    let sha = regex::Regex::new(r"[0-9a-f]{64}").expect("regex");
    let short = regex::Regex::new(r"sha256 [0-9a-f]{16}").expect("regex");
    short
        .replace_all(&sha.replace_all(text, "[sha256]"), "sha256 [sha256]")
        .into_owned()
}

/// The text report of an AI-assisted change that needs review.
#[test]
fn text_report_for_review() {
    let repo = scenario();
    let result = blastgate(&repo, &["check", "--base", "main", "--color", "never"]);
    assert_eq!(result.code, 3);
    insta::assert_snapshot!(redact(&result.stdout));
}

/// The JSON report of the same change.
#[test]
fn json_report_for_review() {
    let repo = scenario();
    let result = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(result.code, 3);
    insta::assert_snapshot!(redact(&result.stdout));
}
