//! The verification rules with a stand-in signature check, so each rule is tested alone.

use super::*;
use crate::diff::{Commit, Identity, Revision, Trailer};
use crate::git::CommitId;
use crate::policy::{Source, parse};
use crate::signoff::record::{Approver, Record, SignatureKind};
use crate::signoff::signers::{CommitSigner, SignerKey};

const NOW: i64 = 1_800_000_000;
const FINGERPRINT: &str = "sha256:feed";

fn policy(signoff: &str) -> Policy {
    let text = format!(
        "version: 1\nthresholds:\n  ai: {{review: 10, block: 400}}\n  human: {{block: 600}}\nseniors:\n  - {{name: Alice, email: alice@example.com, login: alice, signing_key: \"ssh-ed25519 AAAAalice\"}}\n  - {{name: Bob, email: Bob@Example.com, login: bob, signing_key: \"ssh-ed25519 AAAAbob\"}}\n{signoff}"
    );
    parse(
        &text,
        Source::BuiltIn {
            template: "test".into(),
        },
    )
    .expect("test policy parses")
}

/// A commit id of 20 `byte`s.
fn id(byte: u8) -> CommitId {
    git2::Oid::from_bytes(&[byte; 20]).expect("20 bytes").into()
}

fn change(author: &str, trailers: &[(&str, &str)]) -> ChangeSet {
    let identity = |email: &str| Identity {
        name: "Someone".into(),
        email: email.into(),
        time: 0,
    };
    ChangeSet {
        head: Some(Revision {
            spec: "HEAD".into(),
            commit: Some(id(0x0a)),
            reason: String::new(),
        }),
        commits: vec![Commit {
            id: id(0xc0),
            parents: vec![],
            message: String::new(),
            author: identity(author),
            committer: identity("ci@example.com"),
            trailers: trailers
                .iter()
                .map(|(key, value)| Trailer {
                    key: (*key).into(),
                    value: (*value).into(),
                })
                .collect(),
            notes: vec![],
        }],
        ..ChangeSet::default()
    }
}

fn signed(email: &str, policy: &Policy, tweak: impl FnOnce(&mut Record)) -> NoteBlock {
    let mut record = Record {
        version: 1,
        fingerprint: FINGERPRINT.into(),
        policy_sha256: policy.sha256.clone(),
        head: "head".into(),
        base: "base".into(),
        branch: None,
        decision: Decision::Review,
        score: 20.0,
        findings: vec![],
        ai_assisted: true,
        ai_evidence: vec![],
        approver: Approver {
            name: "Name".into(),
            email: email.into(),
        },
        approved_at: NOW - 60,
        approved_at_text: rfc3339(NOW - 60),
        comment: String::new(),
        break_glass: false,
    };
    tweak(&mut record);
    NoteBlock {
        commit: id(0xc0).to_string(),
        parsed: Ok(SignedRecord {
            payload: record.payload(),
            record,
            kind: SignatureKind::Ssh,
            signature: "sig".into(),
        }),
    }
}

/// Accepts every signature: the rules below the signature are under test.
#[allow(clippy::unnecessary_wraps, reason = "the shape of a Verifier")]
fn trusting(_: &SignedRecord, _: &Senior, _: &[Senior]) -> Result<(), String> {
    Ok(())
}

fn run(
    policy: &Policy,
    change: &ChangeSet,
    decision: Decision,
    candidates: &[NoteBlock],
) -> Approvals {
    let context = ApprovalContext {
        change,
        fingerprint: FINGERPRINT,
        policy,
        decision,
        required: crate::signoff::required(change, policy),
        now: NOW,
        signers: &[],
    };
    verify(&context, candidates, &[], &trusting)
}

fn only_reason(approvals: &Approvals) -> &str {
    assert!(approvals.valid.is_empty(), "{approvals:?}");
    assert_eq!(approvals.rejected.len(), 1, "{approvals:?}");
    &approvals.rejected[0].reason
}

/// A matching, recent record from a senior who did not write the change approves it;
/// emails compare without case.
#[test]
fn valid_record_approves() {
    let policy = policy("");
    let change = change("dana@example.com", &[]);
    let approvals = run(
        &policy,
        &change,
        Decision::Review,
        &[signed("bob@example.com", &policy, |_| {})],
    );
    assert!(approvals.approved, "{approvals:?}");
    assert_eq!(approvals.valid[0].email, "Bob@Example.com");
    assert_eq!(approvals.valid[0].via, Via::Signature);
}

/// Each rule rejects on its own, with its reason.
#[test]
fn each_rule_rejects_with_its_reason() {
    let policy = policy("signoff:\n  max_age: 1h\n");
    let clean = change("dana@example.com", &[]);
    let cases: Vec<(ChangeSet, NoteBlock, &str)> = vec![
        (
            clean.clone(),
            signed("carol@example.com", &policy, |_| {}),
            "not a senior in the base policy",
        ),
        (
            clean.clone(),
            signed("alice@example.com", &policy, |r| {
                r.fingerprint = "sha256:other".into();
            }),
            "approves different content",
        ),
        (
            clean.clone(),
            signed("alice@example.com", &policy, |r| {
                r.policy_sha256 = "0".repeat(64);
            }),
            "policy changed since approval",
        ),
        (
            clean.clone(),
            signed("alice@example.com", &policy, |r| r.approved_at = NOW - 7200),
            "older than signoff.max_age (1h)",
        ),
        (
            clean.clone(),
            signed("alice@example.com", &policy, |r| r.approved_at = NOW + 7200),
            "dated in the future",
        ),
        (
            change("ALICE@example.com", &[]),
            signed("alice@example.com", &policy, |_| {}),
            "approver authored commit c0c0c0c0c0c0",
        ),
        (
            change(
                "dana@example.com",
                &[("Co-authored-by", "Alice <alice@example.com>")],
            ),
            signed("alice@example.com", &policy, |_| {}),
            "co-author",
        ),
        (
            clean.clone(),
            NoteBlock {
                commit: "c0ffee".into(),
                parsed: Err(NoteError::Malformed("x".into())),
            },
            "note is malformed: x",
        ),
    ];
    for (change, candidate, reason) in cases {
        let approvals = run(&policy, &change, Decision::Review, &[candidate]);
        assert!(!approvals.approved);
        let got = only_reason(&approvals);
        assert!(got.contains(reason), "expected {reason:?}, got {got:?}");
    }
}

/// Trailers such as `Approved-by:` are never read as approvals.
#[test]
fn approval_trailers_are_not_approvals() {
    let policy = policy("");
    let change = change(
        "dana@example.com",
        &[
            ("Approved-by", "Alice <alice@example.com>"),
            ("Reviewed-by", "Bob <bob@example.com>"),
        ],
    );
    let approvals = run(&policy, &change, Decision::Review, &[]);
    assert!(!approvals.approved && approvals.valid.is_empty() && approvals.rejected.is_empty());
}

/// A failed signature check is a rejection with the verifier's reason.
#[test]
fn signature_failure_is_a_rejection() {
    let policy = policy("");
    let change = change("dana@example.com", &[]);
    let context = ApprovalContext {
        change: &change,
        fingerprint: FINGERPRINT,
        policy: &policy,
        decision: Decision::Review,
        required: 1,
        now: NOW,
        signers: &[],
    };
    let failing = |_: &SignedRecord, _: &Senior, _: &[Senior]| Err("bad signature".to_owned());
    let approvals = verify(
        &context,
        &[signed("alice@example.com", &policy, |_| {})],
        &[],
        &failing,
    );
    assert_eq!(only_reason(&approvals), "bad signature");
}

/// One senior counts once; a block needs the configured number of break-glass approvals.
#[test]
fn seniors_count_once_and_break_glass_needs_its_number() {
    let policy = policy("signoff:\n  approvals: {default: 2}\n  break_glass: {approvals: 2}\n");
    let change = change("dana@example.com", &[]);
    let twice = [
        signed("alice@example.com", &policy, |_| {}),
        signed("alice@example.com", &policy, |_| {}),
    ];
    let approvals = run(&policy, &change, Decision::Review, &twice);
    assert_eq!(
        (
            approvals.approved,
            approvals.required,
            approvals.valid.len()
        ),
        (false, 2, 1)
    );

    let glass = |email: &str| signed(email, &policy, |r| r.break_glass = true);
    let ordinary = [
        signed("alice@example.com", &policy, |_| {}),
        signed("bob@example.com", &policy, |_| {}),
    ];
    assert!(
        !run(&policy, &change, Decision::Block, &ordinary).approved,
        "ordinary approvals never lift a block"
    );
    let one = run(
        &policy,
        &change,
        Decision::Block,
        &[glass("alice@example.com")],
    );
    assert!(!one.approved && !one.break_glass);
    let two = run(
        &policy,
        &change,
        Decision::Block,
        &[glass("alice@example.com"), glass("bob@example.com")],
    );
    assert!(two.approved && two.break_glass);

    let no_glass = policy_without_break_glass();
    let blocked = run(
        &no_glass,
        &change,
        Decision::Block,
        &[
            signed("alice@example.com", &no_glass, |r| r.break_glass = true),
            signed("bob@example.com", &no_glass, |r| r.break_glass = true),
        ],
    );
    assert!(
        !blocked.approved,
        "no break-glass in the policy: a block stands"
    );
}

fn policy_without_break_glass() -> Policy {
    policy("")
}

/// Whatever a note puts in the fields a rejection quotes (a fingerprint, a name), the
/// rejection stays one printable line: a forged note cannot write lines into a report.
#[test]
fn rejections_quote_notes_on_one_line() {
    let policy = policy("");
    let change = change("dana@example.com", &[]);
    let forged = signed("alice@example.com", &policy, |record| {
        record.fingerprint = "x\n  \u{2713} approved by Alice\u{1b}[2K".repeat(4);
        record.approver.name = "Mallory\nAlice".into();
    });
    let approvals = run(&policy, &change, Decision::Review, &[forged]);
    let rejection = &approvals.rejected[0];
    for text in [&rejection.who, &rejection.reason] {
        assert!(
            !text.chars().any(char::is_control),
            "control character in {text:?}"
        );
    }
    assert!(
        rejection.reason.starts_with("approves different content"),
        "{rejection:?}"
    );
}

/// When only the newest commits of a long range were read, nobody can be shown not to have
/// taken part: the approval does not count, and says why.
#[test]
fn truncated_range_cannot_be_self_approval_checked() {
    let policy = policy("");
    let mut change = change("dana@example.com", &[]);
    change.commits_truncated = true;
    let approvals = run(
        &policy,
        &change,
        Decision::Review,
        &[signed("alice@example.com", &policy, |_| {})],
    );
    assert!(
        only_reason(&approvals).contains("cannot be checked"),
        "{approvals:?}"
    );
}

/// Self-approval is by person: any address the policy lists for the senior, or their key
/// on a commit of the range, makes them a party to the change (issue 12).
#[test]
fn self_approval_is_by_person_not_by_address() {
    let policy = parse(
        "version: 1\nthresholds:\n  ai: {review: 10, block: 400}\n  human: {block: 600}\nseniors:\n  - {name: Alice, email: alice@example.com, other_emails: [alice@home.example], signing_key: \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA== alice\"}\n",
        Source::BuiltIn {
            template: "test".into(),
        },
    )
    .expect("policy parses");
    let by_alias = change("ALICE@home.example", &[]);
    let approvals = run(
        &policy,
        &by_alias,
        Decision::Review,
        &[signed("alice@example.com", &policy, |_| {})],
    );
    assert!(only_reason(&approvals).contains("approver authored commit"));

    let clean = change("dana@example.com", &[]);
    // The bytes `AAAAC3NzaC1lZDI1NTE5AAAAIA==` encodes.
    let mut blob = b"\0\0\0\x0bssh-ed25519".to_vec();
    blob.extend_from_slice(&[0, 0, 0, 32]);
    let signers = [CommitSigner {
        commit: clean.commits[0].id,
        key: SignerKey::Ssh(blob),
    }];
    let context = ApprovalContext {
        change: &clean,
        fingerprint: FINGERPRINT,
        policy: &policy,
        decision: Decision::Review,
        required: 1,
        now: NOW,
        signers: &signers,
    };
    let approvals = verify(
        &context,
        &[signed("alice@example.com", &policy, |_| {})],
        &[],
        &trusting,
    );
    assert!(
        only_reason(&approvals).contains("approver's key signed commit c0c0c0c0c0c0"),
        "{approvals:?}"
    );
}

/// Thousands of forged blocks claiming one senior cost a bounded number of signature
/// checks; the rest are reported as ignored, and copies of one block are one block.
#[test]
fn forged_blocks_cost_bounded_checks() {
    let policy = policy("");
    let change = change("dana@example.com", &[]);
    let forged: Vec<NoteBlock> = (0..5000)
        .map(|i| signed("alice@example.com", &policy, |r| r.comment = format!("{i}")))
        .collect();
    let calls = std::sync::atomic::AtomicUsize::new(0);
    let counting = |_: &SignedRecord, _: &Senior, _: &[Senior]| {
        calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Err("bad signature".to_owned())
    };
    let context = ApprovalContext {
        change: &change,
        fingerprint: FINGERPRINT,
        policy: &policy,
        decision: Decision::Review,
        required: 1,
        now: NOW,
        signers: &[],
    };
    let approvals = verify(&context, &forged, &[], &counting);
    assert_eq!(calls.into_inner(), MAX_CHECKS_PER_SENIOR);
    assert!(!approvals.approved);
    assert!(
        approvals
            .rejected
            .iter()
            .any(|r| r.reason.contains(&format!(
                "{} more block(s) claiming this senior ignored unverified",
                5000 - MAX_CHECKS_PER_SENIOR
            ))),
        "{:?}",
        approvals.rejected.last()
    );
    let copies = vec![signed("bob@example.com", &policy, |_| {}); 100];
    let approvals = run(&policy, &change, Decision::Review, &copies);
    assert!(approvals.approved);
    assert_eq!(approvals.valid.len(), 1);
    assert_eq!(approvals.rejected.len(), 1, "{:?}", approvals.rejected);
    assert!(
        approvals.rejected[0]
            .reason
            .starts_with("99 identical cop(ies)")
    );
}
