//! GPG signing: the policy lists a key fingerprint and `gpg --status-fd` says which key signed.

use super::assert_rejected;
use crate::keys::GpgKey;
use crate::support::{CLAUDE_TRAILER, Repo, lines, run};

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
