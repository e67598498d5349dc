//! Which keys signed the commits of a range, so a senior who took part under another email
//! (or none) is still known by their key: self-approval is refused by person, not by email
//! (issue 12).
//!
//! A commit's signature names its key: an SSH signature (`SSHSIG`) carries the public key
//! itself; an `OpenPGP` one names its issuer, which `gpg` reports with the fingerprint of the
//! signing key and of its primary key. The signature is not verified here: a commit that
//! merely *claims* a senior's key already makes that senior a party to the change, which
//! can only refuse an approval, never grant one.

use std::io::Write as _;
use std::process::{Command, Stdio};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use git2::Repository;

use crate::diff::ChangeSet;
use crate::git::CommitId;
use crate::policy::{KeyKind, Senior};

const SSH_BEGIN: &str = "-----BEGIN SSH SIGNATURE-----";
const SSH_END: &str = "-----END SSH SIGNATURE-----";
const PGP_BEGIN: &str = "-----BEGIN PGP SIGNATURE-----";

/// The key one commit of the range was signed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitSigner {
    /// The signed commit.
    pub commit: CommitId,
    /// The key it names.
    pub key: SignerKey,
}

/// A signing key as a commit signature names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignerKey {
    /// The public key blob of an SSH signature (the bytes an `ssh-ed25519 AAAA…` line encodes).
    Ssh(Vec<u8>),
    /// Uppercase hex fingerprints and long key ids `gpg` reports for the signature.
    Pgp(Vec<String>),
}

impl SignerKey {
    /// Whether this is the key the policy lists for `senior`.
    #[must_use]
    pub fn is_of(&self, senior: &Senior) -> bool {
        let Some(listed) = senior.signing_key.as_deref() else {
            return false;
        };
        match (self, KeyKind::of(listed)) {
            (Self::Ssh(blob), Some(KeyKind::Ssh)) => ssh_blob(listed).as_ref() == Some(blob),
            (Self::Pgp(ids), Some(KeyKind::Gpg)) => {
                let listed: String = listed
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
                    .to_ascii_uppercase();
                // A long key id is the fingerprint's tail.
                ids.iter().any(|id| !id.is_empty() && listed.ends_with(id))
            }
            _ => false,
        }
    }
}

/// The signers of the commits of `change`. PGP signatures are only looked up (one `gpg` run
/// each) when some senior is listed with a GPG key; none could match otherwise.
#[must_use]
pub fn read(repo: &Repository, change: &ChangeSet, seniors: &[Senior]) -> Vec<CommitSigner> {
    let any_gpg = seniors.iter().any(|senior| {
        senior
            .signing_key
            .as_deref()
            .and_then(KeyKind::of)
            .is_some_and(|kind| kind == KeyKind::Gpg)
    });
    change
        .commits
        .iter()
        .filter_map(|commit| {
            let (signature, signed) = repo.extract_signature(&commit.id.oid(), None).ok()?;
            let signature = String::from_utf8_lossy(&signature).into_owned();
            let key = if signature.trim_start().starts_with(SSH_BEGIN) {
                SignerKey::Ssh(sshsig_key(&signature)?)
            } else if any_gpg && signature.trim_start().starts_with(PGP_BEGIN) {
                SignerKey::Pgp(gpg_issuers(&signature, &signed)?)
            } else {
                return None;
            };
            Some(CommitSigner {
                commit: commit.id,
                key,
            })
        })
        .collect()
}

/// The public key blob of an `ssh-ed25519 AAAA… comment` line.
fn ssh_blob(line: &str) -> Option<Vec<u8>> {
    let encoded = line.split_whitespace().nth(1)?;
    STANDARD.decode(encoded).ok()
}

/// The public key inside an armored SSH signature: `SSHSIG`, a version, then the key as an
/// SSH string (big-endian length, bytes).
fn sshsig_key(armored: &str) -> Option<Vec<u8>> {
    let body: String = armored
        .lines()
        .map(str::trim)
        .skip_while(|line| *line != SSH_BEGIN)
        .skip(1)
        .take_while(|line| *line != SSH_END)
        .collect();
    let bytes = STANDARD.decode(body).ok()?;
    let rest = bytes.strip_prefix(b"SSHSIG")?;
    let rest = rest.get(4..)?; // version
    let length = u32::from_be_bytes(rest.get(..4)?.try_into().ok()?) as usize;
    rest.get(4..4usize.checked_add(length)?).map(<[u8]>::to_vec)
}

/// The fingerprints and key ids `gpg --verify` names for a signature, whether or not it
/// knows the key (`ERRSIG`/`NO_PUBKEY` still name the issuer).
fn gpg_issuers(signature: &str, signed: &[u8]) -> Option<Vec<String>> {
    let dir = tempfile::tempdir().ok()?;
    let path = dir.path().join("commit.sig");
    std::fs::write(&path, signature).ok()?;
    let mut child = Command::new("gpg")
        .args(["--batch", "--no-tty", "--status-fd", "1", "--verify"])
        .arg(&path)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    if let Some(mut stdin) = child.stdin.take() {
        // gpg may stop reading early; its status lines still say what it saw.
        let _ = stdin.write_all(signed);
    }
    let output = child.wait_with_output().ok()?;
    let status = String::from_utf8_lossy(&output.stdout);
    let ids: Vec<String> = status
        .lines()
        .filter_map(|line| line.strip_prefix("[GNUPG:] "))
        .flat_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let ids = match fields.first().copied() {
                // VALIDSIG <signing fpr> … <primary fpr>
                Some("VALIDSIG") => vec![fields.get(1), fields.last()],
                Some(
                    "GOODSIG" | "BADSIG" | "ERRSIG" | "EXPSIG" | "EXPKEYSIG" | "REVKEYSIG"
                    | "NO_PUBKEY",
                ) => vec![fields.get(1)],
                _ => Vec::new(),
            };
            ids.into_iter()
                .flatten()
                .map(|id| id.to_ascii_uppercase())
                .collect::<Vec<_>>()
        })
        .collect();
    (!ids.is_empty()).then_some(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn senior(key: &str) -> Senior {
        Senior {
            name: "Alice".into(),
            email: "alice@example.com".into(),
            other_emails: Vec::new(),
            signing_key: Some(key.into()),
            login: None,
        }
    }

    /// An SSH signature's embedded key is compared with the listed key's blob; a GPG
    /// signature's issuer with the listed fingerprint or its long-id tail.
    #[test]
    fn keys_match_the_listed_key_only() {
        let blob =
            b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20abcdefghijklmnopqrstuvwxyz012345".to_vec();
        let line = format!("ssh-ed25519 {} alice", STANDARD.encode(&blob));
        assert!(SignerKey::Ssh(blob.clone()).is_of(&senior(&line)));
        let mut other = blob.clone();
        other[20] ^= 1;
        assert!(!SignerKey::Ssh(other).is_of(&senior(&line)));
        let fingerprint = "0123 4567 89AB CDEF 0123  4567 89ab cdef 0123 4567";
        let pgp = |id: &str| SignerKey::Pgp(vec![id.to_owned()]);
        assert!(pgp("0123456789ABCDEF0123456789ABCDEF01234567").is_of(&senior(fingerprint)));
        assert!(pgp("89ABCDEF01234567").is_of(&senior(fingerprint)));
        assert!(!pgp("FFFFFFFF01234567FF").is_of(&senior(fingerprint)));
        assert!(!pgp("89ABCDEF01234567").is_of(&senior(&line)));
    }

    /// The key is read from a real `SSHSIG` layout; anything else is no key.
    #[test]
    fn sshsig_key_is_read_from_the_armor() {
        let key = b"the key blob".to_vec();
        let mut raw = b"SSHSIG".to_vec();
        raw.extend_from_slice(&1u32.to_be_bytes());
        raw.extend_from_slice(&u32::try_from(key.len()).expect("short").to_be_bytes());
        raw.extend_from_slice(&key);
        raw.extend_from_slice(b"rest of the signature");
        let encoded = STANDARD.encode(&raw);
        let armored = format!(
            "{SSH_BEGIN}\n{}\n{}\n{SSH_END}\n",
            &encoded[..20],
            &encoded[20..]
        );
        assert_eq!(sshsig_key(&armored), Some(key));
        assert_eq!(sshsig_key(&format!("{SSH_BEGIN}\nAAAA\n{SSH_END}\n")), None);
        let mut huge = b"SSHSIG".to_vec();
        huge.extend_from_slice(&[0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff]);
        let armored = format!("{SSH_BEGIN}\n{}\n{SSH_END}\n", STANDARD.encode(&huge));
        assert_eq!(sshsig_key(&armored), None);
    }
}
