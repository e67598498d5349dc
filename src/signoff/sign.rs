//! Signing and verifying approval records with the tools people already sign commits with:
//! `ssh-keygen -Y sign|verify|find-principals` (namespace `blastgate`) or `gpg`.
//!
//! Signing reads git's own settings (`gpg.format`, `user.signingkey`, `gpg.ssh.program`,
//! `gpg.program`). Verifying trusts only the keys listed for seniors in the base policy:
//! an allowed-signers file is built from them for every check.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::policy::{KeyKind, Senior};

use super::record::{SignatureKind, SignedRecord};

/// The signature namespace: a blastgate signature is never valid as a commit or email one.
pub const NAMESPACE: &str = "blastgate";

/// Why a record could not be signed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No key to sign with.
    #[error(
        "no signing key configured: set `git config user.signingkey ~/.ssh/id_ed25519.pub` with `git config gpg.format ssh` (SSH), or `git config user.signingkey <GPG key id>` (GPG)"
    )]
    NoKey,
    /// A `gpg.format` blastgate cannot verify.
    #[error("gpg.format `{0}` is not supported for approvals; use `ssh` or `openpgp`")]
    Format(String),
    /// The signing program could not be started.
    #[error("cannot run `{program}` to sign the approval")]
    Program {
        /// The program.
        program: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The signing program refused.
    #[error("`{program}` could not sign the approval: {message}")]
    Failed {
        /// The program.
        program: String,
        /// Its complaint (last line of stderr).
        message: String,
    },
    /// A temporary file for the key could not be written.
    #[error("cannot write a temporary file for signing")]
    Temp(#[source] std::io::Error),
}

/// How to sign, from git config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    /// SSH or GPG.
    pub kind: SignatureKind,
    /// `user.signingkey` as configured.
    pub key: String,
    /// The program to run.
    pub program: String,
}

impl Setup {
    /// Reads git's signing settings; [`Error::NoKey`] when `user.signingkey` is unset.
    pub fn from_config(config: &git2::Config) -> Result<Self, Error> {
        let get = |name: &str| {
            config
                .get_string(name)
                .ok()
                .filter(|v| !v.trim().is_empty())
        };
        let key = get("user.signingkey").ok_or(Error::NoKey)?;
        let format = get("gpg.format").unwrap_or_else(|| "openpgp".to_owned());
        let ssh = match format.to_ascii_lowercase().as_str() {
            "ssh" => true,
            "openpgp" => false,
            _ => return Err(Error::Format(format)),
        };
        Ok(if ssh {
            Self {
                kind: SignatureKind::Ssh,
                key,
                program: get("gpg.ssh.program").unwrap_or_else(|| "ssh-keygen".to_owned()),
            }
        } else {
            Self {
                kind: SignatureKind::Pgp,
                key,
                program: get("gpg.program").unwrap_or_else(|| "gpg".to_owned()),
            }
        })
    }

    /// Signs `payload`; returns the armored signature.
    pub fn sign(&self, payload: &str) -> Result<String, Error> {
        let dir = tempfile::tempdir().map_err(Error::Temp)?;
        let mut command = Command::new(&self.program);
        match self.kind {
            SignatureKind::Ssh => {
                let literal = self.key.strip_prefix("key::").or_else(|| {
                    KeyKind::of(&self.key)
                        .filter(|k| *k == KeyKind::Ssh)
                        .map(|_| self.key.as_str())
                });
                let key_file = match literal {
                    // A literal public key: the private half is in ssh-agent.
                    Some(public) => {
                        let path = dir.path().join("key.pub");
                        std::fs::write(&path, format!("{}\n", public.trim()))
                            .map_err(Error::Temp)?;
                        command.arg("-U");
                        path
                    }
                    None => expand_home(&self.key),
                };
                command
                    .args(["-Y", "sign", "-n", NAMESPACE, "-f"])
                    .arg(key_file);
            }
            SignatureKind::Pgp => {
                command.args(["--detach-sign", "--armor", "--local-user", &self.key]);
            }
        }
        let output = run(command, payload.as_bytes()).map_err(|source| Error::Program {
            program: self.program.clone(),
            source,
        })?;
        let signature = String::from_utf8_lossy(&output.stdout).into_owned();
        if !output.status.success() || !signature.contains("-----BEGIN ") {
            return Err(Error::Failed {
                program: self.program.clone(),
                message: last_line(&output.stderr),
            });
        }
        Ok(signature)
    }
}

fn expand_home(path: &str) -> std::path::PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => path.into(),
    }
}

/// Runs `command` with `input` on stdin, collecting its output.
fn run(mut command: Command, input: &[u8]) -> std::io::Result<std::process::Output> {
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        // A program that exits early closes the pipe; its status says what went wrong.
        let _ = stdin.write_all(input);
    }
    child.wait_with_output()
}

fn last_line(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("no message")
        .trim()
        .to_owned()
}

/// Checks that `signed` was signed with the key listed for `senior`; `seniors` is every
/// senior of the base policy (to say whose key it was instead). `Err` is the reason.
pub fn verify(signed: &SignedRecord, senior: &Senior, seniors: &[Senior]) -> Result<(), String> {
    let email = &senior.email;
    let Some(key) = senior.signing_key.as_deref() else {
        return Err(format!(
            "the base policy lists no signing_key for {email}; nothing to verify against"
        ));
    };
    let dir = tempfile::tempdir()
        .map_err(|error| format!("cannot verify: no temporary directory ({error})"))?;
    let signature = dir.path().join("approval.sig");
    std::fs::write(&signature, &signed.signature)
        .map_err(|error| format!("cannot verify: {error}"))?;
    match (signed.kind, KeyKind::of(key)) {
        (SignatureKind::Ssh, Some(KeyKind::Ssh)) => verify_ssh(signed, email, seniors, dir.path()),
        (SignatureKind::Pgp, Some(KeyKind::Gpg)) => verify_gpg(signed, email, key, &signature),
        (SignatureKind::Ssh, _) => Err(format!(
            "signed with SSH, but the key listed for {email} is not an SSH key"
        )),
        (SignatureKind::Pgp, _) => Err(format!(
            "signed with GPG, but the key listed for {email} is not a GPG fingerprint"
        )),
    }
}

fn verify_ssh(
    signed: &SignedRecord,
    email: &str,
    seniors: &[Senior],
    dir: &Path,
) -> Result<(), String> {
    let allowed = dir.join("allowed_signers");
    let mut lines = String::new();
    // Principals are patterns to ssh-keygen; only plain addresses become principals.
    let plain = |email: &str| {
        email
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "@.-_+".contains(c))
    };
    for senior in seniors.iter().filter(|s| plain(s.email.trim())) {
        if let Some(key) = senior
            .signing_key
            .as_deref()
            .filter(|k| KeyKind::of(k) == Some(KeyKind::Ssh))
        {
            // Principals are matched case-sensitively by ssh-keygen; policy emails are compared lowercase.
            let _ = writeln!(
                lines,
                "{} namespaces=\"{NAMESPACE}\" {}",
                senior.email.trim().to_lowercase(),
                key.trim()
            );
        }
    }
    std::fs::write(&allowed, lines).map_err(|error| format!("cannot verify: {error}"))?;
    let signature = dir.join("approval.sig");
    let mut command = Command::new("ssh-keygen");
    command
        .args(["-Y", "verify", "-n", NAMESPACE, "-f"])
        .arg(&allowed)
        .args(["-I", &email.trim().to_lowercase(), "-s"])
        .arg(&signature);
    let output = run(command, signed.payload.as_bytes()).map_err(|error| {
        format!("cannot verify: ssh-keygen is not available ({error}); install openssh-client")
    })?;
    if output.status.success() {
        return Ok(());
    }
    // Whose key was it? Only keys listed in the policy can be named.
    let mut command = Command::new("ssh-keygen");
    command
        .args(["-Y", "find-principals", "-n", NAMESPACE, "-f"])
        .arg(&allowed)
        .arg("-s")
        .arg(&signature);
    let principal = run(command, b"")
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
        .filter(|principal| !principal.is_empty() && !principal.eq_ignore_ascii_case(email));
    Err(match principal {
        Some(other) => format!("signed by {other}'s key but claims to be {email}"),
        None => format!("signature does not verify against the key listed for {email}"),
    })
}

/// gpg status words that make a signature not count even when it is mathematically valid.
const GPG_REFUSED: [&str; 5] = ["EXPSIG", "EXPKEYSIG", "REVKEYSIG", "BADSIG", "ERRSIG"];

fn verify_gpg(
    signed: &SignedRecord,
    email: &str,
    listed: &str,
    signature: &Path,
) -> Result<(), String> {
    let mut command = Command::new("gpg");
    command
        .args(["--batch", "--no-tty", "--status-fd", "1", "--verify"])
        .arg(signature)
        .arg("-");
    let output = run(command, signed.payload.as_bytes())
        .map_err(|error| format!("cannot verify: gpg is not available ({error})"))?;
    let listed: String = listed.chars().filter(|c| !c.is_whitespace()).collect();
    let status = String::from_utf8_lossy(&output.stdout);
    // gpg also says VALIDSIG for an expired or revoked key; only a good signature by a key
    // that is neither counts.
    let status_word = |word: &str| {
        status
            .lines()
            .any(|line| line.starts_with(&format!("[GNUPG:] {word} ")))
    };
    if let Some(word) = GPG_REFUSED.iter().find(|word| status_word(word)) {
        return Err(format!(
            "GPG reports {word} for the signature claimed by {email}"
        ));
    }
    if !status_word("GOODSIG") {
        return Err(format!(
            "signature does not verify against the key listed for {email}"
        ));
    }
    let valid = status.lines().find_map(|line| {
        let rest = line.strip_prefix("[GNUPG:] VALIDSIG ")?;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        Some((fields.first()?.to_string(), fields.last()?.to_string()))
    });
    match valid {
        Some((signing, primary))
            if signing.eq_ignore_ascii_case(&listed) || primary.eq_ignore_ascii_case(&listed) =>
        {
            Ok(())
        }
        Some((signing, _)) => Err(format!(
            "signed by GPG key {signing}, not the key listed for {email}"
        )),
        None => Err(format!(
            "signature does not verify against the key listed for {email}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(entries: &[(&str, &str)]) -> (tempfile::TempDir, git2::Config) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("config");
        let mut config = git2::Config::open(&path).expect("config file");
        for (key, value) in entries {
            config.set_str(key, value).expect("set");
        }
        (dir, config)
    }

    /// git's settings pick the format and program; no key or an unknown format is refused.
    #[test]
    fn setup_follows_git_config() {
        let (_dir, ssh) = config(&[
            ("gpg.format", "ssh"),
            ("user.signingkey", "~/.ssh/id_ed25519"),
            ("gpg.ssh.program", "/opt/ssh-keygen"),
        ]);
        let setup = Setup::from_config(&ssh).expect("ssh setup");
        assert_eq!(setup.kind, SignatureKind::Ssh);
        assert_eq!(setup.program, "/opt/ssh-keygen");
        let (_dir, gpg) = config(&[("user.signingkey", "ABCDEF")]);
        let setup = Setup::from_config(&gpg).expect("gpg setup");
        assert_eq!(
            (setup.kind, setup.program.as_str()),
            (SignatureKind::Pgp, "gpg")
        );
        let (_dir, none) = config(&[("gpg.format", "ssh")]);
        assert!(matches!(Setup::from_config(&none), Err(Error::NoKey)));
        let (_dir, x509) = config(&[("gpg.format", "x509"), ("user.signingkey", "k")]);
        assert!(matches!(Setup::from_config(&x509), Err(Error::Format(_))));
    }
}
