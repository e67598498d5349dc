//! Real SSH signing keys for sign-off tests, made with `ssh-keygen` in temp dirs, and a
//! policy that lists seniors by them.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use tempfile::TempDir;

use crate::support::Repo;

/// An ed25519 key pair without a passphrase.
pub struct Key {
    _dir: TempDir,
    /// The private key file.
    pub private: PathBuf,
    /// The public key line (`ssh-ed25519 AAAA… comment`).
    pub public: String,
}

impl Key {
    /// A new key pair; `comment` ends up in the public key line.
    pub fn new(comment: &str) -> Self {
        let dir = tempfile::tempdir().expect("key dir");
        let private = dir.path().join("id_ed25519");
        let status = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f"])
            .arg(&private)
            .status()
            .expect("ssh-keygen runs (install openssh-client)");
        assert!(status.success(), "ssh-keygen could not make a key");
        let public = std::fs::read_to_string(private.with_extension("pub"))
            .expect("public key")
            .trim()
            .to_string();
        Self {
            _dir: dir,
            private,
            public,
        }
    }

    /// Signs `data` in the `blastgate` namespace, as `blastgate approve` does.
    pub fn sign(&self, data: &str) -> String {
        use std::io::Write as _;
        let mut child = Command::new("ssh-keygen")
            .args(["-Y", "sign", "-n", "blastgate", "-f"])
            .arg(&self.private)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("ssh-keygen runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(data.as_bytes())
            .expect("write");
        let output = child.wait_with_output().expect("ssh-keygen finishes");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("armored signature")
    }
}

/// A senior: who they are and the key the policy lists for them.
pub struct Senior {
    /// Display name.
    pub name: &'static str,
    /// Email.
    pub email: &'static str,
    /// Platform login.
    pub login: &'static str,
    /// Their key.
    pub key: Key,
}

impl Senior {
    /// A senior with a fresh key.
    pub fn new(name: &'static str, email: &'static str, login: &'static str) -> Self {
        Self {
            name,
            email,
            login,
            key: Key::new(email),
        }
    }

    /// Makes `repo`'s git config sign as this person with `key` (their own or another's).
    pub fn configure(&self, repo: &Repo, key: &Key) {
        repo.git(&["config", "user.name", self.name]);
        repo.git(&["config", "user.email", self.email]);
        repo.git(&["config", "gpg.format", "ssh"]);
        let path = key.private.display().to_string();
        repo.git(&["config", "user.signingkey", &path]);
    }
}

/// A policy where AI changes over 10 points need review, with `seniors` and a `signoff` section.
pub fn policy(seniors: &[&Senior], signoff: &str) -> String {
    let mut text = String::from(
        "version: 1\nthresholds:\n  ai: {review: 10, block: 400}\n  human: {block: 600}\ntiers:\n  - name: critical\n    multiplier: 1\n    paths: [\"src/auth/**\"]\nseniors:\n",
    );
    for senior in seniors {
        let _ = write!(
            text,
            "  - name: {}\n    email: {}\n    login: {}\n    signing_key: \"{}\"\n",
            senior.name, senior.email, senior.login, senior.key.public
        );
    }
    text.push_str(signoff);
    text
}

/// A GPG key in its own `GNUPGHOME`, when `gpg` is installed.
pub struct GpgKey {
    home: TempDir,
    /// The primary key's fingerprint.
    pub fingerprint: String,
}

impl GpgKey {
    /// A new passphrase-less ed25519 signing key for `uid`; `None` without `gpg`.
    pub fn new(uid: &str) -> Option<Self> {
        let home = tempfile::tempdir().expect("gnupg home");
        let made = Command::new("gpg")
            .env("GNUPGHOME", home.path())
            .args([
                "--batch",
                "--passphrase",
                "",
                "--quick-gen-key",
                uid,
                "ed25519",
                "sign",
                "never",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .ok()?;
        assert!(made.success(), "gpg could not make a key");
        let listing = Command::new("gpg")
            .env("GNUPGHOME", home.path())
            .args(["--list-keys", "--with-colons"])
            .output()
            .expect("gpg lists keys");
        let fingerprint = String::from_utf8_lossy(&listing.stdout)
            .lines()
            .find_map(|line| line.strip_prefix("fpr:::::::::"))
            .and_then(|rest| rest.split(':').next())
            .expect("a fingerprint")
            .to_string();
        Some(Self { home, fingerprint })
    }

    /// The `GNUPGHOME` holding the key.
    pub fn home(&self) -> &std::path::Path {
        self.home.path()
    }
}

impl Drop for GpgKey {
    /// Stops the agent gpg started for this home.
    fn drop(&mut self) {
        let _ = Command::new("gpgconf")
            .env("GNUPGHOME", self.home.path())
            .args(["--kill", "gpg-agent"])
            .status();
    }
}
