//! Senior sign-off end to end: `blastgate approve` signs with a real `ssh-keygen` key, the
//! note travels in refs/notes/blastgate, and `check` lets a `review` through only on valid
//! approvals. Every attack is its own test and must leave the change unapproved (exit 3).

use crate::keys::{Key, Senior, policy};
use crate::support::{CLAUDE_TRAILER, Repo, Run, blastgate, lines};

mod attacks;
mod binding;
mod gpg;
mod platform;
mod sharing;

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
    let unapproved = w.check(&[]);
    assert_eq!(unapproved.code, 3);
    // Before: the report names who can sign off and the command that does it.
    let steps = unapproved.json()["next_steps"].to_string();
    assert!(
        steps.contains("Alice Senior <alice@example.com>"),
        "{steps}"
    );
    assert!(steps.contains("blastgate approve"), "{steps}");
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

/// A gate run with `--policy FILE` is approved by `approve --policy FILE`: the approval
/// records that policy's hash, so it counts there and not under the base branch's policy.
#[test]
fn approve_judges_with_the_gates_policy_file() {
    let w = world("");
    let file = w.repo.path.join(".git/ci-policy.yaml");
    std::fs::write(
        &file,
        policy(&[&w.alice, &w.bob], "signoff:\n  max_age: 30d\n"),
    )
    .expect("policy");
    let file = file.to_str().expect("utf-8 path");
    let run = w.approve(&w.alice, &w.alice.key, &["--policy", file]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let with_file = w.check(&["--policy", file]);
    assert_eq!(with_file.code, 0, "{}", with_file.stdout);
    assert_rejected(&w.check(&[]), "policy changed since approval");
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

/// Every format says the change was approved, and by whom.
#[test]
fn every_format_reports_the_approval() {
    let w = world("");
    w.approve_ok(&w.alice);
    let format = |name: &str| blastgate(&w.repo, &["check", "--base", "main", "--format", name]);
    let markdown = format("markdown");
    assert!(
        markdown.stdout.contains("review (approved)"),
        "{}",
        markdown.stdout
    );
    assert!(
        // Escaped: `<…@…>` from a note would otherwise be a mail link.
        markdown
            .stdout
            .contains("Alice Senior \\<alice\\@example.com\\>"),
        "{}",
        markdown.stdout
    );
    let github = format("github");
    let last = github.stdout.lines().last().unwrap_or_default().to_string();
    assert!(last.starts_with("::notice::"), "{last}");
    assert!(last.contains("approved by 1 senior"), "{last}");
    let sarif: serde_json::Value =
        serde_json::from_str(&format("sarif").stdout).expect("SARIF JSON");
    assert_eq!(sarif["runs"][0]["properties"]["approval"]["approved"], true);
    assert_eq!(sarif["runs"][0]["invocations"][0]["exitCode"], 0);
}
