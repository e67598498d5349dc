//! Files no analyzer could read: binary content, over the policy's size limit, or a symbolic
//! link (to an empty file, say, where `main.tf` was).
//!
//! Hiding a Terraform file behind a NUL byte and an invalid UTF-8 byte, or padding a workflow
//! past the size limit, must not turn "destroys a database" into "a file changed" (issue 12).
//! Such a file is recognised by its path and whatever its raw bytes show, and a file of a
//! risky kind becomes an `unanalysable-risky-file` fact, which the default policy's hard rules
//! treat as the worst case for that kind. The raw bytes are also scanned for credentials, so
//! the secret scan never skips a file because it is not text.

pub mod links;
mod profile;

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;

use git2::Repository;

use crate::analyze::Fact;
use crate::analyze::blast::cache::Cache;
use crate::analyze::contents::{Content, FileContents, nul_as_space, read_blob};
use crate::analyze::files::human_bytes;
use crate::analyze::path_class::classify;
use crate::analyze::run_by::RunBy;
use crate::diff::FileChange;
use crate::signal::Signal;
use profile::{Profile, added_secrets, profile};

/// Largest side read raw for recognition and the secret scan. Bigger files are recognised by
/// path alone and are not scanned (their `oversized-file` fact already counts).
pub const RAW_CAP: u64 = 64 * 1024 * 1024;

/// Where the raw bytes come from.
#[derive(Clone, Copy)]
#[allow(
    missing_debug_implementations,
    reason = "git2::Repository has no Debug"
)]
pub struct BlobReader<'r> {
    /// The repository, when there is one.
    pub repo: Option<&'r Repository>,
    /// The working tree, when the new side of the change lives there (`--worktree`).
    pub workdir: Option<&'r Path>,
    /// The policy's analysis limit.
    pub max_file_bytes: u64,
    /// CI and hook files found by what runs them: risky whatever their path.
    pub run_by: &'r RunBy,
    /// Where profiles of blobs are kept between runs.
    pub cache: &'r Cache,
    /// Profiles already made in this analysis.
    pub profiled: &'r Profiles,
}

/// The profiles [`read_oversized_risky`] made of files it left opaque, by path, for [`facts`]
/// to use instead of reading the files again.
#[derive(Debug, Default)]
pub struct Profiles(RefCell<HashMap<String, Profile>>);

/// Largest text file of a risky kind that is analysed past the policy's size limit.
pub const RISKY_TEXT_CAP: u64 = 16 * 1024 * 1024;

/// Text files of a risky kind over the policy's size limit (up to [`RISKY_TEXT_CAP`]) are read
/// for the domain analyzers after all. The limit keeps code analysis fast; it must not turn a
/// generated 2 MiB install manifest into "the worst case" (a false alarm on every release) nor
/// let padding hide infrastructure. Content that is not text stays opaque.
pub fn read_oversized_risky(contents: &mut [FileContents<'_>], source: BlobReader<'_>) {
    for entry in contents {
        let file = entry.file;
        let largest = file.old_size.max(file.new_size).unwrap_or(0);
        if file.is_symlink()
            || file.is_submodule()
            || largest <= source.max_file_bytes
            || largest > RISKY_TEXT_CAP
        {
            continue;
        }
        let (profile, read) = profile(file, source);
        // The diff stage marks every oversized file binary; the bytes say whether it is text.
        let risky = !risky_kinds(file, &profile, source.run_by).is_empty();
        let text = profile.text;
        source
            .profiled
            .0
            .borrow_mut()
            .insert(file.path().to_string(), profile);
        if !text || !risky {
            continue;
        }
        let (old, new) = read.unwrap_or_else(|| raw_sides(file, source));
        let side = |blob: &Option<String>, bytes: Option<Vec<u8>>| match (blob, bytes) {
            (None, _) => Content::Absent,
            (Some(_), Some(bytes)) => Content::Bytes(nul_as_space(bytes.into())),
            (Some(_), None) => Content::Unavailable,
        };
        entry.old = side(&file.old_blob, old);
        entry.new = side(&file.new_blob, new);
    }
}

/// Facts about the changed files that no analyzer could read as text, and the raw secret scan
/// of every binary or oversized file (the line-based scan has no lines for them).
#[must_use]
pub fn facts(contents: &[FileContents<'_>], source: BlobReader<'_>) -> Vec<Fact> {
    contents
        .iter()
        .filter_map(|entry| why_opaque(entry.file, source.max_file_bytes).map(|w| (entry, w)))
        .flat_map(|(entry, why)| file_facts(entry, &why, source))
        .collect()
}

/// Both sides' raw bytes, each up to [`RAW_CAP`].
fn raw_sides(file: &FileChange, source: BlobReader<'_>) -> (Option<Vec<u8>>, Option<Vec<u8>>) {
    let raw = |blob: &Option<String>, size: Option<u64>, workdir_path: Option<&str>| {
        let blob = blob.as_deref()?;
        if size.unwrap_or(0) > RAW_CAP {
            return None;
        }
        let workdir = source.workdir.zip(workdir_path);
        read_blob(source.repo, blob, workdir)
    };
    (
        raw(&file.old_blob, file.old_size, None),
        raw(&file.new_blob, file.new_size, file.new_path.as_deref()),
    )
}

/// Whether the analyzers got both sides of `entry` as text after all ([`read_oversized_risky`]).
fn analysed(entry: &FileContents<'_>) -> bool {
    let read = |side: &Content| matches!(side, Content::Bytes(_) | Content::Absent);
    read(&entry.old) && read(&entry.new)
}

/// Why `file` reached the analyzers without content, if it did.
fn why_opaque(file: &FileChange, max_file_bytes: u64) -> Option<String> {
    if file.is_submodule() {
        return None;
    }
    // Terraform, kubectl and CI runners follow a link and read what it points to (an empty
    // file, /dev/null, a file outside the change): its kind cannot be judged from the link.
    if file.is_symlink() {
        return Some("it is a symbolic link, and what it points to is not read".to_string());
    }
    let largest = file.old_size.max(file.new_size).unwrap_or(0);
    if largest > max_file_bytes {
        return Some(format!(
            "{} is over the {} analysis limit",
            human_bytes(largest),
            human_bytes(max_file_bytes)
        ));
    }
    file.binary
        .then(|| "its content is binary (not UTF-8 and a NUL byte early on)".to_string())
}

fn file_facts(entry: &FileContents<'_>, why: &str, source: BlobReader<'_>) -> Vec<Fact> {
    let file = entry.file;
    let (kinds, secrets) = if analysed(entry) {
        let secrets = entry.new.bytes().map_or_else(Vec::new, |new| {
            added_secrets(entry.old.bytes().unwrap_or_default(), new)
        });
        (Vec::new(), secrets)
    } else {
        let kept = source.profiled.0.borrow_mut().remove(file.path());
        let profile = kept.unwrap_or_else(|| profile(file, source).0);
        (
            risky_kinds(file, &profile, source.run_by),
            profile.added_secrets,
        )
    };

    let mut facts = Vec::new();
    if !kinds.is_empty() {
        let kinds = kinds.join(", ");
        facts.push(fact(
            file,
            Signal::UnanalysableRiskyFile,
            kinds.clone(),
            format!(
                "{kinds}: {why}, so no analyzer could read it; judged as the worst case for its kind"
            ),
        ));
    }
    for kind in secrets {
        facts.push(fact(
            file,
            Signal::SecretAdded,
            kind.to_string(),
            format!(
                "a {kind} is added in content that was not read as text ({why}): it is compromised once pushed; remove and rotate it"
            ),
        ));
    }
    facts
}

/// The paths of `file`: old, then new, each when present.
fn paths(file: &FileChange) -> impl Iterator<Item = &str> {
    [file.old_path.as_deref(), file.new_path.as_deref()]
        .into_iter()
        .flatten()
}

/// The risky kinds `file` is, by either path and what its raw content showed (`profile`): the
/// sensitive path classes (policy, hooks, CI), what a workflow or hook runs, and every
/// analyzer of a risky kind that wants it.
fn risky_kinds(file: &FileChange, profile: &Profile, run_by: &RunBy) -> Vec<String> {
    let mut kinds: Vec<String> = Vec::new();
    // The path's own kinds never depend on the profile: a kept one only adds the analyzers.
    for (at, path) in paths(file).enumerate() {
        let wanted = profile.wanted.get(at).map_or(&[][..], Vec::as_slice);
        for kind in path_kinds(path, wanted, run_by) {
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
    }
    kinds
}

/// The risky kinds of a file read under `path`: its path classes, what runs it, and the
/// analyzers of a risky kind that want it (`wanted`).
fn path_kinds(path: &str, wanted: &[&str], run_by: &RunBy) -> Vec<String> {
    let mut kinds: Vec<String> = Vec::new();
    let mut add = |kind: &str| {
        if !kinds.iter().any(|seen| seen == kind) {
            kinds.push(kind.to_string());
        }
    };
    for class in classify(path) {
        add(class.what);
    }
    for entry in run_by.find_all(path) {
        add(&format!("run by {}", entry.by));
    }
    for analyzer in wanted {
        add(analyzer);
    }
    kinds
}

fn fact(file: &FileChange, signal: Signal, subject: String, message: String) -> Fact {
    Fact {
        signal,
        file: Some(file.path().to_string()),
        line: None,
        quantity: 1.0,
        message,
        related: Vec::new(),
        subject: Some(subject),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::FileStatus;

    fn binary(path: &str) -> FileChange {
        let mut file = FileChange::new(
            FileStatus::Modified,
            Some(path.to_string()),
            Some(path.to_string()),
        );
        file.binary = true;
        file
    }

    /// Risky kinds come from the path and from what the raw bytes show; other files are none.
    #[test]
    fn kinds_by_path_and_content() {
        let cases: [(&str, &[u8], &[&str]); 6] = [
            ("infra/main.tf", b"\0\xff", &["terraform"]),
            (
                ".github/workflows/ci.yml",
                b"",
                &["GitHub Actions workflow", "github-actions"],
            ),
            (".blastgate.yaml", b"", &["blastgate policy"]),
            (
                "deploy/app.yaml",
                b"apiVersion: v1\0\xff\nkind: Pod\n",
                &["kubernetes"],
            ),
            ("images/logo.png", b"\x89PNG\0\xff", &[]),
            ("data/blob.yaml", b"\0\xff plain data", &[]),
        ];
        for (path, sample, expected) in cases {
            let file = binary(path);
            let profile = Profile::of(&file, Some(b"\0"), Some(sample));
            assert_eq!(
                risky_kinds(&file, &profile, &RunBy::default()),
                expected,
                "{path}"
            );
        }
    }

    /// A profile with no analyzer lists (as a kept entry of the wrong shape would be) still
    /// leaves every path's own kinds: CI, hooks and the policy are risky by path alone.
    #[test]
    fn path_kinds_do_not_depend_on_the_profile() {
        let empty = Profile {
            text: false,
            wanted: Vec::new(),
            added_secrets: Vec::new(),
        };
        let workflow = binary(".github/workflows/ci.yml");
        assert_eq!(
            risky_kinds(&workflow, &empty, &RunBy::default()),
            ["GitHub Actions workflow"]
        );
        assert_eq!(
            risky_kinds(&binary(".blastgate.yaml"), &empty, &RunBy::default()),
            ["blastgate policy"]
        );
    }

    /// A credential only in the new bytes is reported once per kind; one already there is not.
    #[test]
    fn secrets_in_raw_bytes() {
        let key = format!("AKIA{}", "Q7ZJ3M2KX4PLR6TW");
        let new = format!("\0\u{1}\nkey={key}\n");
        assert_eq!(
            added_secrets(b"\0\xff", new.as_bytes()),
            ["AWS access key id"]
        );
        assert!(added_secrets(new.as_bytes(), new.as_bytes()).is_empty());
        let swapped = new.replace("Q7ZJ3M2KX4PLR6TW", "W2NBZQX5ZT4KJ7RL");
        assert_eq!(
            added_secrets(new.as_bytes(), swapped.as_bytes()),
            ["AWS access key id"]
        );
    }

    /// Opaque means binary, oversized or a symbolic link (what a link points to is not read);
    /// submodules have facts of their own.
    #[test]
    fn what_is_opaque() {
        let mut file = binary("a.tf");
        assert!(why_opaque(&file, 10).is_some());
        file.binary = false;
        assert!(why_opaque(&file, 10).is_none());
        file.new_size = Some(11);
        assert!(why_opaque(&file, 10).is_some_and(|why| why.contains("over")));
        file.new_size = Some(1);
        file.new_mode = Some(crate::diff::MODE_SYMLINK);
        assert!(why_opaque(&file, 10).is_some_and(|why| why.contains("symbolic link")));
        file.new_mode = Some(crate::diff::MODE_GITLINK);
        assert!(why_opaque(&file, 10).is_none());
    }
}
