//! Sign-off binds people and bytes (issue 12): a senior is known by every address the policy
//! lists and by their key, an approval covers exactly the bytes it saw, an undated review
//! cannot undo a dated one, and a note stuffed with forged blocks costs bounded time.

use std::time::Instant;

use super::{World, assert_rejected, block, payload_of, world};
use crate::keys::{GpgKey, Key, policy};
use crate::support::{CLAUDE_TRAILER, Repo, lines, run};

/// `world` whose policy also lists `alice@home.example` for Alice.
fn world_with_alias() -> World {
    let w = world("");
    let text = policy(&[&w.alice, &w.bob], "").replace(
        "    email: alice@example.com\n",
        "    email: alice@example.com\n    other_emails: [alice@home.example]\n",
    );
    w.repo.git(&["checkout", "-q", "main"]);
    w.repo.write(".blastgate.yaml", text);
    w.repo.commit("Alice commits from home too");
    w.repo.git(&["checkout", "-q", "topic"]);
    w.repo.git(&["rebase", "-q", "main"]);
    w
}

/// A commit written under another address the policy lists for Alice makes her a party.
#[test]
fn self_approval_under_another_listed_address_is_rejected() {
    let w = world_with_alias();
    w.repo.write("src/more.py", lines(5, "more"));
    w.repo
        .commit_as("Alice at home", "alice@home.example", "More from home");
    w.approve_ok(&w.alice);
    assert_rejected(&w.check(&[]), "approver authored commit");
}

/// A commit signed with Alice's key, whatever name and address it carries, makes her a party.
#[test]
fn self_approval_by_a_commit_signed_with_the_seniors_key_is_rejected() {
    let w = world("");
    w.repo.write("src/more.py", lines(5, "more"));
    w.repo.git(&["add", "-A"]);
    let key = w.alice.key.private.display().to_string();
    w.repo.git(&[
        "-c",
        "gpg.format=ssh",
        "-c",
        &format!("user.signingkey={key}"),
        "commit",
        "-q",
        "-S",
        "-m",
        "Signed by someone",
    ]);
    let raw = w.repo.git(&["cat-file", "commit", "HEAD"]);
    assert!(raw.contains("-----BEGIN SSH SIGNATURE-----"), "{raw}");
    assert!(raw.contains("author Dana Developer"), "{raw}");
    w.approve_ok(&w.alice);
    assert_rejected(&w.check(&[]), "approver's key signed commit");
    // Bob took no part: his approval still counts.
    w.approve_ok(&w.bob);
    assert_eq!(w.check(&[]).code, 0);
}

/// Replaces `src/feature.py` in the head commit with `content` (same message).
fn amend_feature(w: &World, content: &[u8]) {
    w.repo.write("src/feature.py", content);
    w.repo.git(&["add", "-A"]);
    w.repo.git(&["commit", "-q", "--amend", "--no-edit"]);
}

/// The approval fingerprint is byte-exact: a carriage return, a missing final newline or
/// another invalid UTF-8 byte is different content, which the approval did not see; the
/// approved bytes themselves stay approved after an amend.
#[test]
fn approval_binds_the_exact_bytes() {
    let w = world("");
    let approved = lines(300, "feature").replace("feature_7 = 7\n", "feature_7 = '\u{e9}'\n");
    amend_feature(&w, approved.as_bytes());
    w.approve_ok(&w.alice);
    assert_eq!(w.check(&[]).code, 0);
    let with_cr = approved.replace("feature_3 = 3\n", "feature_3 = 3\r\n");
    let no_final_newline = approved.trim_end_matches('\n').to_string();
    let mut other_byte = approved.into_bytes();
    let at = other_byte
        .windows(2)
        .position(|w| w == "\u{e9}".as_bytes())
        .expect("é");
    other_byte.splice(at..at + 2, [0xff]);
    let mut other_invalid = other_byte.clone();
    other_invalid[at] = 0xfe;
    amend_feature(&w, &other_byte);
    w.approve_ok(&w.bob);
    for variant in [
        with_cr.into_bytes(),
        no_final_newline.into_bytes(),
        other_invalid,
    ] {
        amend_feature(&w, &variant);
        assert_rejected(&w.check(&[]), "approves different content");
    }
    amend_feature(&w, &other_byte);
    assert_eq!(w.check(&[]).code, 0, "Bob approved exactly these bytes");
}

/// A dated `CHANGES_REQUESTED` stands against an undated `APPROVED`, listed before or after it.
#[test]
fn undated_platform_approval_does_not_undo_a_dated_change_request() {
    let w = world("");
    let head = w.head();
    let review = |state: &str, at: Option<&str>| {
        serde_json::json!({"user": {"login": "alice"}, "state": state, "commit_id": head,
            "submitted_at": at})
    };
    let request = review("CHANGES_REQUESTED", Some("2026-01-02T00:00:00Z"));
    let approve = review("APPROVED", None);
    for list in [
        vec![request.clone(), approve.clone()],
        vec![approve, request],
    ] {
        let path = w.repo.path.join(".git/reviews.json");
        std::fs::write(&path, serde_json::to_string(&list).expect("json")).expect("write");
        let run = w.check(&["--approvals", &path.display().to_string()]);
        assert_rejected(&run, "CHANGES_REQUESTED");
    }
}

/// A note of 5,000 forged blocks (each matching the change's fingerprint and the policy's
/// hash, claiming Alice, with a real signature by a key not hers) is read up to the limit,
/// verified a bounded number of times, reported as ignored, and takes well under the
/// time of 5,000 signature checks.
#[test]
fn note_of_thousands_of_forged_blocks_costs_bounded_time() {
    let w = world("");
    let mallory = Key::new("mallory@example.com");
    assert_eq!(w.approve(&w.alice, &mallory, &[]).code, 0);
    let head = w.head();
    let note = w.note(&head);
    let payload = payload_of(&note);
    let signature = note.lines().skip(2).collect::<Vec<_>>().join("\n") + "\n";
    let forged: String = (0..5000)
        .map(|i| {
            let payload = payload.replace("\"read it all\"", &format!("\"forged {i}\""));
            block(&payload, &signature) + "\n"
        })
        .collect();
    w.set_note(&head, &forged);
    let started = Instant::now();
    let run = w.check(&[]);
    let took = started.elapsed();
    assert_rejected(&run, "4968 more block(s) in this note ignored unread");
    let rejected = run.json()["approval"]["rejected"]
        .as_array()
        .map_or(0, Vec::len);
    assert!(rejected <= 40, "{rejected} rejections listed");
    assert!(
        took.as_secs() < 20,
        "5,000 forged blocks took {took:?}; the work must be bounded"
    );
}

/// A commit signed with the senior's GPG key (under Dana's name) makes her a party too:
/// gpg names the issuer, which is the fingerprint the policy lists (needs `gpg`).
#[test]
fn self_approval_by_a_commit_signed_with_the_seniors_gpg_key_is_rejected() {
    let Some(alice) = GpgKey::new("Alice Senior <alice@example.com>") else {
        return; // no gpg on this machine: the SSH test covers the rule
    };
    let repo = Repo::new();
    repo.write(
        ".blastgate.yaml",
        format!(
            "version: 1\nthresholds:\n  ai: {{review: 10, block: 400}}\n  human: {{block: 600}}\nseniors:\n  - name: Alice Senior\n    email: alice@example.com\n    signing_key: \"{}\"\n",
            alice.fingerprint
        ),
    );
    repo.commit("Initial commit");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo.write("src/feature.py", lines(300, "feature"));
    repo.git(&["add", "-A"]);
    let message = format!("Add feature\n\n{CLAUDE_TRAILER}\n");
    let signed = repo
        .git_command(&[
            "-c",
            &format!("user.signingkey={}", alice.fingerprint),
            "commit",
            "-q",
            "-S",
            "-m",
            &message,
        ])
        .env("GNUPGHOME", alice.home())
        .status()
        .expect("git runs");
    assert!(signed.success());
    let raw = repo.git(&["cat-file", "commit", "HEAD"]);
    assert!(raw.contains("-----BEGIN PGP SIGNATURE-----"), "{raw}");
    repo.git(&["config", "user.name", "Alice Senior"]);
    repo.git(&["config", "user.email", "alice@example.com"]);
    repo.git(&["config", "user.signingkey", &alice.fingerprint]);
    let with_home = |args: &[&str]| {
        let mut command = repo.blastgate(args);
        command.env("GNUPGHOME", alice.home());
        run(command, None)
    };
    assert_eq!(with_home(&["approve", "--base", "main"]).code, 0);
    let checked = with_home(&["check", "--base", "main", "--format", "json"]);
    assert_rejected(&checked, "approver's key signed commit");
}
