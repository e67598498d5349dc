//! File-level facts: how much changed, and what kind of file it is.

use crate::diff::{FileChange, FileStatus, LineKind, MODE_EXECUTABLE, MODE_FILE};
use crate::signal::Signal;

use super::dependencies::lockfile_read_per_package;
use super::path_class::classify;
use super::{Fact, Options};

/// Facts about one changed file.
pub(super) fn facts(file: &FileChange, options: &Options) -> Vec<Fact> {
    let path = file.path().to_string();
    let line = file.first_changed_line();
    let fact = |signal: Signal, quantity: f64, message: String| Fact {
        signal,
        file: Some(path.clone()),
        line,
        quantity,
        message,
        related: Vec::new(),
        subject: None,
    };
    let mut facts = vec![fact(Signal::FileTouched, 1.0, touched_message(file))];

    let largest = file.old_size.max(file.new_size).unwrap_or(0);
    if largest > options.max_file_bytes {
        facts.push(fact(
            Signal::OversizedFile,
            1.0,
            format!(
                "{} is over the {} analysis limit; its code was not analysed (infrastructure, pipeline and migration files up to 16 MiB still are)",
                human_bytes(largest),
                human_bytes(options.max_file_bytes)
            ),
        ));
    } else if file.binary {
        facts.push(fact(
            Signal::BinaryFile,
            1.0,
            "binary content changed".to_string(),
        ));
    }

    // A lockfile read package by package is judged by its packages, not its lines.
    let (added, removed) = if lockfile_read_per_package(&path) {
        (0, 0)
    } else {
        (file.additions(), file.deletions())
    };
    if added > 0 {
        facts.push(fact(
            Signal::LinesAdded,
            added as f64,
            plural(added, "line added", "lines added"),
        ));
    }
    if removed > 0 {
        facts.push(fact(
            Signal::LinesDeleted,
            removed as f64,
            plural(removed, "line removed", "lines removed"),
        ));
    }
    if file.status == FileStatus::Deleted {
        facts.push(fact(Signal::FileDeleted, 1.0, "file removed".to_string()));
    }
    if file.is_symlink() {
        facts.push(fact(
            Signal::SymlinkChanged,
            1.0,
            "symbolic link added, changed or removed".to_string(),
        ));
    }
    if file.is_submodule() {
        facts.push(fact(Signal::SubmoduleChanged, 1.0, submodule_message(file)));
    } else if let Some(message) = mode_message(file) {
        facts.push(fact(Signal::ModeChanged, 1.0, message));
    }
    if file.non_utf8_path {
        facts.push(fact(
            Signal::NonUtf8Path,
            1.0,
            "path is not valid UTF-8 (shown with octal escapes)".to_string(),
        ));
    }

    for (signal, message) in path_classes(file) {
        facts.push(fact(signal, 1.0, message));
    }
    facts
}

/// The sensitive classes of the file's paths (old and new), one per signal, with their
/// messages.
fn path_classes(file: &FileChange) -> Vec<(Signal, String)> {
    let path = file.path();
    let mut found: Vec<(Signal, String)> = Vec::new();
    let mut seen = Vec::new();
    for candidate in [file.old_path.as_deref(), file.new_path.as_deref()]
        .into_iter()
        .flatten()
    {
        for class in classify(candidate) {
            if seen.contains(&class.signal) {
                continue;
            }
            seen.push(class.signal);
            if class
                .pin_line
                .is_some_and(|is_pin| moves_only(file, is_pin))
            {
                let message = format!("{}: only pinned revisions moved", class.what);
                found.push((Signal::HookPinMoved, message));
                continue;
            }
            // Name the path only when it is not the file's own (a rename out of CI).
            let moved = if candidate == path {
                String::new()
            } else {
                format!(" ({candidate})")
            };
            found.push((class.signal, format!("{} changed{moved}", class.what)));
        }
    }
    found
}

/// Whether a file edited in place changed nothing but `is_pin` lines, as many added as removed.
fn moves_only(file: &FileChange, is_pin: fn(&str) -> bool) -> bool {
    let changed = file
        .hunks
        .iter()
        .flat_map(|hunk| &hunk.lines)
        .filter(|line| line.kind != LineKind::Context);
    let (mut added, mut removed) = (0_usize, 0_usize);
    for line in changed {
        if !is_pin(&line.content) {
            return false;
        }
        match line.kind {
            LineKind::Added => added += 1,
            _ => removed += 1,
        }
    }
    file.status == FileStatus::Modified && !file.binary && added > 0 && added == removed
}

fn touched_message(file: &FileChange) -> String {
    match (file.status, &file.old_path) {
        (FileStatus::Renamed | FileStatus::Copied, Some(old)) => {
            let similarity = file
                .similarity
                .map(|s| format!(", {s}% similar"))
                .unwrap_or_default();
            format!("{} from {old}{similarity}", file.status.as_str())
        }
        (status, _) => format!("file {}", status.as_str()),
    }
}

fn submodule_message(file: &FileChange) -> String {
    let (new, old) = (file.new_blob.as_deref(), file.old_blob.as_deref());
    let width = crate::short_id::width(&[new.unwrap_or_default(), old.unwrap_or_default()]);
    let short =
        |id: Option<&str>| id.map_or("nothing".to_string(), |id| crate::short_id::cut(id, width));
    format!(
        "submodule now points at {} (was {}); that code is not in this diff",
        short(new),
        short(old)
    )
}

/// A mode change between regular and executable files. Changes of kind (file ↔ symlink ↔
/// submodule) are reported by their own signals.
fn mode_message(file: &FileChange) -> Option<String> {
    let regular = |mode: u32| mode == MODE_FILE || mode == MODE_EXECUTABLE;
    match (file.old_mode, file.new_mode) {
        (Some(old), Some(new)) if old != new && regular(old) && regular(new) => {
            let what = if new == MODE_EXECUTABLE {
                "made executable"
            } else {
                "no longer executable"
            };
            Some(format!("{what} (mode {old:o} → {new:o})"))
        }
        (None, Some(MODE_EXECUTABLE)) => Some("new executable file".to_string()),
        _ => None,
    }
}

fn plural(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

/// Sizes as people read them (KiB, MiB).
pub(crate) fn human_bytes(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    let value = bytes as f64;
    if value >= KIB * KIB {
        format!("{:.1} MiB", value / (KIB * KIB))
    } else if value >= KIB {
        format!("{:.1} KiB", value / KIB)
    } else {
        format!("{bytes} B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{Hunk, Line, LineKind};

    fn options() -> Options {
        Options::with_max_file_bytes(1024)
    }

    fn signals(facts: &[Fact]) -> Vec<Signal> {
        facts.iter().map(|f| f.signal).collect()
    }

    /// An edit yields touched + line counts with the first changed line as location.
    #[test]
    fn edit_counts_lines() {
        let mut file = FileChange::new(
            FileStatus::Modified,
            Some("a.rs".into()),
            Some("a.rs".into()),
        );
        file.hunks.push(Hunk {
            old_start: 3,
            old_lines: 1,
            new_start: 3,
            new_lines: 2,
            lines: vec![
                Line {
                    kind: LineKind::Removed,
                    old_line: Some(3),
                    new_line: None,
                    content: "x".into(),
                },
                Line {
                    kind: LineKind::Added,
                    old_line: None,
                    new_line: Some(3),
                    content: "y".into(),
                },
                Line {
                    kind: LineKind::Added,
                    old_line: None,
                    new_line: Some(4),
                    content: "z".into(),
                },
            ],
        });
        let facts = facts(&file, &options());
        assert_eq!(
            signals(&facts),
            [
                Signal::FileTouched,
                Signal::LinesAdded,
                Signal::LinesDeleted
            ]
        );
        assert!((facts[1].quantity - 2.0).abs() < f64::EPSILON);
        assert_eq!(facts[1].line, Some(3));
    }

    /// Oversized files are never silently skipped, and are not also counted as binary.
    #[test]
    fn oversized_file_is_a_fact() {
        let mut file = FileChange::new(FileStatus::Added, None, Some("big.bin".into()));
        file.new_size = Some(4096);
        file.binary = true;
        let got = signals(&facts(&file, &options()));
        assert_eq!(got, [Signal::FileTouched, Signal::OversizedFile]);
    }

    /// Moving a workflow out of the CI folder still counts as a CI change.
    #[test]
    fn renamed_workflow_counts_as_ci_change() {
        let file = FileChange::new(
            FileStatus::Renamed,
            Some(".github/workflows/deploy.yml".into()),
            Some("old/deploy.yml".into()),
        );
        assert!(signals(&facts(&file, &options())).contains(&Signal::CiChanged));
    }

    /// Mode changes: executable bit, new executables; submodules take precedence.
    #[test]
    fn mode_changes() {
        let mut file = FileChange::new(
            FileStatus::Modified,
            Some("run.sh".into()),
            Some("run.sh".into()),
        );
        file.old_mode = Some(MODE_FILE);
        file.new_mode = Some(MODE_EXECUTABLE);
        assert!(signals(&facts(&file, &options())).contains(&Signal::ModeChanged));
        file.old_mode = Some(crate::diff::MODE_GITLINK);
        file.new_mode = Some(crate::diff::MODE_GITLINK);
        let got = signals(&facts(&file, &options()));
        assert!(got.contains(&Signal::SubmoduleChanged) && !got.contains(&Signal::ModeChanged));
    }
}
