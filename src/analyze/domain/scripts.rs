//! Shell scripts (`*.sh`, `*.bash`, or a shell shebang): commands that run a script fetched from
//! the network unreviewed (see [`super::shell`]). Build, setup and hook scripts run on
//! developer machines and in CI with their credentials, like a Dockerfile's `RUN`.
//!
//! Only commands that are new count: the old version's commands are subtracted by text.

use std::collections::HashMap;

use super::{Analysis, Analyzer, LineLevel, Versions, fact, shell, tree};
use crate::analyze::run_by::{Route, RunFile};
use crate::signal::Signal;

/// See the module docs.
pub struct Scripts;

/// Script extensions and shebang interpreters. Source: the shells' own documentation (bash,
/// zsh, dash, ksh, POSIX `sh`).
const EXTENSIONS: &[&str] = &["sh", "bash", "zsh", "ksh"];
const SHEBANG_SHELLS: &[&str] = &["sh", "bash", "zsh", "dash", "ksh", "ash"];

fn is_shell_shebang(content: &[u8]) -> bool {
    let first = content.split(|b| *b == b'\n').next().unwrap_or_default();
    let Some(rest) = first.strip_prefix(b"#!") else {
        return false;
    };
    let line = String::from_utf8_lossy(rest);
    let mut words = line.split_whitespace();
    let program = words.next().unwrap_or_default();
    let program = match program.rsplit('/').next() {
        Some("env") => words.find(|w| !w.starts_with('-')).unwrap_or_default(),
        Some(name) => name,
        None => "",
    };
    SHEBANG_SHELLS.contains(&program)
}

/// A command and the line it starts on.
type Command = (String, u32);

/// The commands of a script with the line each starts on: `\` continuations joined, comment
/// lines left out.
fn commands(source: &str) -> Vec<Command> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start = 0;
    for (index, line) in source.lines().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if current.is_empty() {
            if line.trim_start().starts_with('#') {
                continue;
            }
            start = number;
        }
        if let Some(part) = line.strip_suffix('\\') {
            current.push_str(part);
            current.push(' ');
        } else {
            current.push_str(line);
            out.push((std::mem::take(&mut current), start));
        }
    }
    if !current.is_empty() {
        out.push((current, start));
    }
    out
}

fn key(command: &str) -> String {
    command.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Analyzer for Scripts {
    fn name(&self) -> &'static str {
        "scripts"
    }

    fn wants(&self, path: &str, content: &[u8]) -> bool {
        let name = path.rsplit('/').next().unwrap_or(path);
        let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        extension.is_some_and(|e| EXTENSIONS.contains(&e.as_str())) || is_shell_shebang(content)
    }

    fn wants_run_by(&self, entry: &RunFile) -> bool {
        // A hook without a shebang (husky 9) or a script a workflow runs by path is a script.
        matches!(entry.kind, Route::Script | Route::HookDir)
    }

    fn analyze(&self, versions: &Versions<'_>) -> Analysis {
        let mut analysis = Analysis::default();
        let (new, old): (Vec<Command>, Vec<Command>) =
            if let Some(reason) = versions.content_missing() {
                analysis.fallbacks.push(LineLevel {
                    file: versions.file.path().to_string(),
                    analyzer: "scripts",
                    reason: reason.to_string(),
                });
                let added = tree::added_lines(versions.file)
                    .map(|(line, text)| (text.to_string(), line))
                    .collect();
                (added, Vec::new())
            } else {
                let read = |side: Option<&[u8]>| {
                    side.map(|b| commands(&String::from_utf8_lossy(b)))
                        .unwrap_or_default()
                };
                (read(versions.new), read(versions.old))
            };
        let mut before: HashMap<String, usize> = HashMap::new();
        for (command, _) in &old {
            *before.entry(key(command)).or_default() += 1;
        }
        for (command, line) in new {
            if let Some(count) = before.get_mut(&key(&command)).filter(|c| **c > 0) {
                *count -= 1;
                continue;
            }
            for found in crate::analyze::security::modes::world_writable(&command) {
                analysis.facts.push(fact(
                    versions,
                    Signal::SecuritySensitiveChange,
                    Some(line),
                    "permissive-file-mode",
                    found.message(),
                ));
            }
            if shell::runs_download(&command) {
                analysis.facts.push(fact(
                    versions,
                    Signal::PipeToShell,
                    Some(line),
                    versions.file.path(),
                    "runs a script downloaded from the network unreviewed: whoever controls the download controls this machine",
                ));
            }
        }
        analysis
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::domain::testing::{hunk, summary};
    use crate::diff::{FileChange, FileStatus};

    /// A script that starts saving and running a download is a finding on the command's first
    /// line; commands that were there before are not.
    #[test]
    fn new_downloads_that_run() {
        let before = "#!/bin/sh\ncurl -fsSL https://a.example/old.sh | sh\n";
        let after = "#!/bin/sh\ncurl -fsSL https://a.example/old.sh | sh\ncurl -o i.sh \\\n  https://b.example/i.sh && sh i.sh\ncurl -s https://c.example/x | python3\n# curl https://d | sh\n";
        let path = "scripts/setup";
        let mut file = FileChange::new(FileStatus::Modified, Some(path.into()), Some(path.into()));
        file.hunks.push(hunk(before, after));
        assert!(Scripts.wants(path, after.as_bytes()));
        let versions = Versions {
            file: &file,
            old: Some(before.as_bytes()),
            new: Some(after.as_bytes()),
        };
        let got = summary(&Scripts.analyze(&versions).facts);
        let expect = |line| (Signal::PipeToShell, path.to_string(), line);
        assert_eq!(got, vec![expect(3), expect(5)]);
    }

    /// A new `chmod -R 777` in a setup script is a security-sensitive change; one that was
    /// already there is not.
    #[test]
    fn new_world_writable_modes() {
        let before = "#!/bin/sh\nchmod 666 /srv/old\n";
        let after = "#!/bin/sh\nchmod 666 /srv/old\nmkdir -p /srv/data && chmod -R 777 /srv/data\nchmod 755 /srv/bin\n";
        let path = "scripts/setup.sh";
        let mut file = FileChange::new(FileStatus::Modified, Some(path.into()), Some(path.into()));
        file.hunks.push(hunk(before, after));
        let versions = Versions {
            file: &file,
            old: Some(before.as_bytes()),
            new: Some(after.as_bytes()),
        };
        let got = summary(&Scripts.analyze(&versions).facts);
        assert_eq!(
            got,
            vec![(
                Signal::SecuritySensitiveChange,
                "permissive-file-mode".to_string(),
                3
            )]
        );
    }

    /// Which files are scripts.
    #[test]
    fn wants() {
        assert!(Scripts.wants("install.sh", b""));
        assert!(Scripts.wants("bin/run", b"#!/usr/bin/env bash\n"));
        assert!(!Scripts.wants("bin/run", b"#!/usr/bin/env python3\n"));
        assert!(!Scripts.wants("README.md", b"curl x | sh"));
    }
}
