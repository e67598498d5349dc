//! Getting a policy's text (base tree, file, built-in template) and running the passes on it.

use std::path::Path;
use std::sync::LazyLock;

use crate::digest::sha256_hex;

use super::raw::RawPolicy;
use super::validate::{PolicyText, validate};
use super::yaml::{self, Node};
use super::{Diagnostic, Error, FILE_NAME, MAX_POLICY_BYTES, Policy, Source, keys, prune};

/// Names of the built-in templates.
pub const TEMPLATES: &[&str] = &["default", "strict"];

/// The text of a built-in template, as compiled in.
#[must_use]
pub fn template_text(name: &str) -> Option<&'static str> {
    match name {
        "default" => Some(include_str!("../../policies/default.yaml")),
        "strict" => Some(include_str!("../../policies/strict.yaml")),
        _ => None,
    }
}

/// A built-in template, parsed and validated (the default one once per process).
pub fn builtin(template: &str) -> Result<Policy, Error> {
    if template == "default" {
        return Ok(DEFAULT_POLICY.clone());
    }
    parse_builtin(template)
}

fn parse_builtin(template: &str) -> Result<Policy, Error> {
    let text =
        template_text(template).ok_or_else(|| Error::UnknownTemplate(template.to_owned()))?;
    let source = Source::BuiltIn {
        template: template.to_owned(),
    };
    if template == "default" {
        // The default policy is where missing weights and limits come from, so it has no
        // fallback.
        check(text, source, None)
    } else {
        parse(text, source)
    }
}

/// The default policy: what a policy's missing weights and limits fall back to, and the
/// policy of a repository without one.
static DEFAULT_POLICY: LazyLock<Policy> = LazyLock::new(|| {
    parse_builtin("default")
        .expect("policies/default.yaml is compiled in and validated by the templates test")
});

/// [`DEFAULT_POLICY`], parsed on first use.
pub(crate) fn default_policy() -> &'static Policy {
    &DEFAULT_POLICY
}

/// Starts parsing the default policy on another thread. Every judgement needs it (as the
/// policy, or as its fallback) and parsing it (YAML, then every glob set) was 5–8 ms of the
/// main thread before the diff could start; a command calls this first and finds it parsed,
/// or waits for the parse already under way.
pub fn prewarm() {
    std::thread::spawn(|| LazyLock::force(&DEFAULT_POLICY));
}

/// Parses and validates policy text; every problem is reported in one [`Error::Invalid`].
pub fn parse(text: &str, source: Source) -> Result<Policy, Error> {
    check(text, source, Some(&DEFAULT_POLICY))
}

/// Runs the passes: size cap, generic parse, unknown keys, typed parse, semantics.
fn check(text: &str, source: Source, fallback: Option<&Policy>) -> Result<Policy, Error> {
    let file = source.file_name();
    if text.len() > MAX_POLICY_BYTES {
        return Err(Error::TooLarge {
            source_name: file,
            bytes: text.len() as u64,
        });
    }
    let invalid = |diagnostics: Vec<Diagnostic>| Error::Invalid {
        source_name: file.clone(),
        diagnostics,
    };
    // A template is compiled in, and the templates test holds it free of unknown keys; the
    // generic parse and the schema walk were half of parsing the default policy, on every run.
    let unknown = if matches!(source, Source::BuiltIn { .. }) {
        Vec::new()
    } else {
        let node: Node =
            yaml::from_str(text).map_err(|e| invalid(vec![yaml::diagnostic(&file, e)]))?;
        keys::unknown_keys(&node, &file)
    };
    let origin = PolicyText {
        source,
        text: text.to_owned(),
        sha256: sha256_hex(text.as_bytes()),
        fallback,
        // The default policy defines the hard rules; every other policy inherits them.
        hard_rules: fallback.map(|_| super::hard::defaults()),
    };
    if !unknown.is_empty() {
        // Report the unknown keys together with every other problem: validate a copy with
        // those entries blanked out (positions unchanged). If even that copy does not parse,
        // the unknown keys are what the user needs to fix first.
        let positions: Vec<(u64, u64)> = unknown.iter().map(|d| (d.line, d.column)).collect();
        let pruned = prune::blank_entries(text, &positions);
        let mut diagnostics = unknown;
        if let Ok(raw) = yaml::from_str::<RawPolicy>(&pruned)
            && let Err(more) = validate(raw, origin)
        {
            diagnostics.extend(more);
            diagnostics.sort_by_key(|d| (d.line, d.column));
        }
        return Err(invalid(diagnostics));
    }
    let raw: RawPolicy =
        yaml::from_str(text).map_err(|e| invalid(vec![yaml::diagnostic(&file, e)]))?;
    validate(raw, origin).map_err(invalid)
}

/// Reads and validates a policy file from disk.
pub fn load_file(path: &Path) -> Result<Policy, Error> {
    let source = Source::File {
        path: path.to_owned(),
    };
    let read = |io| Error::Read {
        path: path.to_owned(),
        io,
    };
    let size = std::fs::metadata(path).map_err(read)?.len();
    if size > MAX_POLICY_BYTES as u64 {
        return Err(Error::TooLarge {
            source_name: source.file_name(),
            bytes: size,
        });
    }
    let bytes = std::fs::read(path).map_err(read)?;
    let text = utf8(bytes, &source)?;
    parse(&text, source)
}

/// Loads the policy from `commit`'s tree: `.blastgate.yaml` if present, else the built-in
/// default. Never the working tree or index: a change must not choose its own judge.
pub fn load_from_tree(repo: &git2::Repository, commit: git2::Oid) -> Result<Policy, Error> {
    let git = |what: String| move |source: git2::Error| Error::Git { what, source };
    let source = Source::BaseTree {
        path: FILE_NAME.to_owned(),
        commit: commit.to_string(),
    };
    let name = source.file_name();
    let tree = repo
        .find_commit(commit)
        .and_then(|c| c.tree())
        .map_err(git(format!("tree of commit {commit}")))?;
    let Some(entry) = tree.get_name(FILE_NAME) else {
        return builtin("default");
    };
    let kind = match entry.filemode() {
        0o100_644 | 0o100_755 => None,
        0o120_000 => Some("symbolic link"),
        0o040_000 => Some("directory"),
        0o160_000 => Some("submodule"),
        _ => Some("special entry"),
    };
    if let Some(kind) = kind {
        return Err(Error::NotAFile {
            source_name: name,
            kind,
        });
    }
    // Check the size from the object header before loading the blob into memory.
    let odb = repo.odb().map_err(git("object database".to_owned()))?;
    let (size, _) = odb
        .read_header(entry.id())
        .map_err(git(format!("header of {name}")))?;
    if size > MAX_POLICY_BYTES {
        return Err(Error::TooLarge {
            source_name: name,
            bytes: size as u64,
        });
    }
    let blob = repo
        .find_blob(entry.id())
        .map_err(git(format!("blob {name}")))?;
    let text = utf8(blob.content().to_vec(), &source)?;
    parse(&text, source)
}

/// The bytes as text, or a diagnostic at the first byte that is not UTF-8.
fn utf8(bytes: Vec<u8>, source: &Source) -> Result<String, Error> {
    String::from_utf8(bytes).map_err(|error| {
        let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
        let line = valid.split(|&b| b == b'\n').count() as u64;
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        // The prefix is valid UTF-8 by construction; count characters for the column.
        let column = String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count() as u64
            + 1;
        let file = source.file_name();
        Error::Invalid {
            diagnostics: vec![Diagnostic::new(
                &file,
                line,
                column,
                "the policy is not valid UTF-8",
            )],
            source_name: file,
        }
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// A policy that differs from the default in a visible way.
    const POLICY_A: &str =
        "version: 1\nthresholds:\n  ai: {review: 1, block: 2}\n  human: {block: 3}\n";

    /// Another valid policy.
    const POLICY_B: &str =
        "version: 1\nthresholds:\n  ai: {review: 7, block: 8}\n  human: {block: 9}\n";

    /// Commits the working-tree files `files` (path, content) on HEAD; returns the commit.
    fn commit(repo: &git2::Repository, files: &[(&str, &[u8])]) -> git2::Oid {
        let workdir = repo.workdir().unwrap();
        let mut index = repo.index().unwrap();
        for (path, content) in files {
            std::fs::write(workdir.join(path), content).unwrap();
            index.add_path(Path::new(path)).unwrap();
        }
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let signature = git2::Signature::new("T", "t@example.com", &git2::Time::new(0, 0)).unwrap();
        let parent = repo.head().ok().map(|h| h.peel_to_commit().unwrap());
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        repo.commit(Some("HEAD"), &signature, &signature, "c", &tree, &parents)
            .unwrap()
    }

    /// The base commit's blob is read, not the working tree or the index.
    #[test]
    fn load_from_tree_reads_the_base_blob() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let base = commit(&repo, &[(FILE_NAME, POLICY_A.as_bytes())]);
        std::fs::write(dir.path().join(FILE_NAME), POLICY_B).unwrap();
        let mut index = repo.index().unwrap();
        index.add_path(Path::new(FILE_NAME)).unwrap();
        index.write().unwrap();

        let policy = load_from_tree(&repo, base).unwrap();
        assert_eq!(policy.text, POLICY_A);
        assert_eq!(
            policy.thresholds.ai,
            crate::policy::Threshold {
                review: Some(1.0),
                block: Some(2.0)
            }
        );
        assert_eq!(policy.sha256, sha256_hex(POLICY_A.as_bytes()));
        let short = &base.to_string()[..12];
        assert_eq!(
            policy.source.to_string(),
            format!(".blastgate.yaml at {short}")
        );
    }

    /// Without a policy file in the base tree, the built-in default applies.
    #[test]
    fn load_from_tree_without_policy_is_default() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let base = commit(&repo, &[("README.md", b"hi\n")]);
        std::fs::write(dir.path().join(FILE_NAME), POLICY_B).unwrap();
        let policy = load_from_tree(&repo, base).unwrap();
        assert_eq!(
            policy.source,
            Source::BuiltIn {
                template: "default".to_owned()
            }
        );
    }

    /// A bad base policy is reported with git's `commit:path` as the file name.
    #[test]
    fn load_from_tree_reports_base_problems() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let base = commit(&repo, &[(FILE_NAME, b"version: 2\n")]);
        let Err(Error::Invalid {
            source_name,
            diagnostics,
        }) = load_from_tree(&repo, base)
        else {
            panic!("expected Invalid");
        };
        assert_eq!(
            source_name,
            format!("{}:.blastgate.yaml", &base.to_string()[..12])
        );
        assert_eq!(diagnostics.len(), 2, "{diagnostics:#?}");
        assert!(
            diagnostics[0]
                .to_string()
                .starts_with(&format!("{source_name}:1:1: "))
        );
    }

    /// A symbolic link at the policy's path is refused, not followed.
    #[cfg(unix)]
    #[test]
    fn load_from_tree_refuses_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", dir.path().join(FILE_NAME)).unwrap();
        let mut index = repo.index().unwrap();
        index.add_path(Path::new(FILE_NAME)).unwrap();
        index.write().unwrap();
        let base = commit(&repo, &[]);
        let error = load_from_tree(&repo, base).unwrap_err();
        assert!(
            matches!(
                error,
                Error::NotAFile {
                    kind: "symbolic link",
                    ..
                }
            ),
            "{error}"
        );
    }

    /// Files: read from disk; missing → `Read`; not UTF-8 → located diagnostic; too big refused.
    #[test]
    fn load_file_cases() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.yaml");
        std::fs::write(&good, POLICY_B).unwrap();
        assert_eq!(
            load_file(&good)
                .unwrap()
                .thresholds
                .ai
                .block
                .map(f64::to_bits),
            Some(8.0f64.to_bits())
        );

        let missing = dir.path().join("missing.yaml");
        assert!(matches!(load_file(&missing), Err(Error::Read { .. })));

        let latin1 = dir.path().join("latin1.yaml");
        std::fs::write(&latin1, b"version: 1\n# caf\xe9\n").unwrap();
        let Err(Error::Invalid { diagnostics, .. }) = load_file(&latin1) else {
            panic!("expected Invalid");
        };
        assert_eq!((diagnostics[0].line, diagnostics[0].column), (2, 6));

        let big = dir.path().join("big.yaml");
        std::fs::write(&big, vec![b'#'; MAX_POLICY_BYTES + 1]).unwrap();
        assert!(matches!(load_file(&big), Err(Error::TooLarge { .. })));
    }
}
