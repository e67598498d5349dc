//! Platform approvals (`--approvals FILE`, GitHub's reviews API shape) and the missing-notes
//! message in CI.

use super::{World, assert_rejected, world};
use crate::support::run;

fn reviews(w: &World, entries: &[(&str, &str, &str, &str)]) -> String {
    let list: Vec<serde_json::Value> = entries
        .iter()
        .enumerate()
        .map(|(i, (login, state, commit, at))| {
            serde_json::json!({"id": i, "user": {"login": login, "type": "User"}, "state": state,
                "commit_id": commit, "submitted_at": at, "body": ""})
        })
        .collect();
    let path = w.repo.path.join(".git/reviews.json");
    std::fs::write(&path, serde_json::to_string(&list).expect("json")).expect("write reviews");
    path.display().to_string()
}

/// A senior's GitHub approval of the head commit counts, marked as platform-verified.
#[test]
fn platform_approval_of_the_head_counts() {
    let w = world("");
    let head = w.head();
    let file = reviews(&w, &[("alice", "APPROVED", &head, "2026-01-01T00:00:00Z")]);
    let run = w.check(&["--approvals", &file]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let report = run.json();
    assert_eq!(report["approval"]["valid"][0]["via"], "platform");
    assert_eq!(report["approval"]["valid"][0]["email"], "alice@example.com");
}

/// Stale commits, non-seniors and withdrawn approvals do not count.
#[test]
fn platform_approvals_that_do_not_count() {
    let w = world("");
    let head = w.head();
    let base = w.repo.git(&["rev-parse", "main"]);
    let stale = reviews(&w, &[("alice", "APPROVED", &base, "2026-01-01T00:00:00Z")]);
    assert_rejected(&w.check(&["--approvals", &stale]), "approved commit");
    let stranger = reviews(
        &w,
        &[("mallory", "APPROVED", &head, "2026-01-01T00:00:00Z")],
    );
    assert_rejected(
        &w.check(&["--approvals", &stranger]),
        "GitHub user mallory is not a senior",
    );
    let withdrawn = reviews(
        &w,
        &[
            ("alice", "APPROVED", &head, "2026-01-01T00:00:00Z"),
            ("alice", "CHANGES_REQUESTED", &head, "2026-01-02T00:00:00Z"),
        ],
    );
    assert_rejected(&w.check(&["--approvals", &withdrawn]), "CHANGES_REQUESTED");
}

/// A reviews file that is not the API's shape is an error (exit 2), not a silent pass.
#[test]
fn malformed_platform_file_is_an_error() {
    let w = world("");
    let path = w.repo.path.join(".git/reviews.json");
    std::fs::write(&path, "{\"not\": \"a list\"}").expect("write");
    let run = w.check(&["--approvals", &path.display().to_string()]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("gh api repos/OWNER/REPO/pulls/N/reviews"),
        "{}",
        run.stderr
    );
    let missing = w.check(&["--approvals", "no-such-file.json"]);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
}

/// In CI without the notes ref, the report says which fetch brings the evidence (exit 3).
#[test]
fn missing_notes_ref_in_ci_says_what_to_fetch() {
    let w = world("");
    let mut command = w.repo.blastgate(&["check", "--base", "main"]);
    command.env("CI", "true");
    let run = run(command, None);
    assert_eq!(run.code, 3, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("git fetch origin refs/notes/blastgate:refs/notes/blastgate"),
        "{}",
        run.stdout
    );
}
