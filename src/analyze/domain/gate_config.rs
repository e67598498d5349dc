//! A change to anything that runs blastgate itself (a hook, a CI step): always worth a senior's
//! eyes, because it can switch the gate off.

use memchr::memmem;

use super::{Analysis, Analyzer, Versions, fact};
use crate::analyze::path_class::classify;
use crate::diff::LineKind;
use crate::signal::Signal;

/// See the module docs.
pub struct GateConfig;

const NEEDLE: &[u8] = b"blastgate";

impl Analyzer for GateConfig {
    fn name(&self) -> &'static str {
        "gate-config"
    }

    fn wants(&self, path: &str, _content: &[u8]) -> bool {
        classify(path)
            .iter()
            .any(|class| matches!(class.signal, Signal::HookChanged | Signal::CiChanged))
    }

    fn reads_a_risky_kind(&self) -> bool {
        // Its files are hooks and CI, which `opaque` names by their path class.
        false
    }

    fn wants_run_by(&self, _entry: &crate::analyze::run_by::RunFile) -> bool {
        // Anything a workflow or hook runs can be where blastgate is called.
        true
    }

    fn analyze(&self, versions: &Versions<'_>) -> Analysis {
        let mentions =
            |bytes: Option<&[u8]>| bytes.is_some_and(|b| memmem::find(b, NEEDLE).is_some());
        // The changed lines decide when contents are unavailable (diff text).
        let changed_line = versions
            .file
            .hunks
            .iter()
            .flat_map(|h| &h.lines)
            .find(|line| {
                line.kind != LineKind::Context
                    && memmem::find(line.content.as_bytes(), NEEDLE).is_some()
            });
        if !(mentions(versions.old) || mentions(versions.new) || changed_line.is_some()) {
            return Analysis::default();
        }
        let line = changed_line
            .and_then(|line| line.new_line.or(line.old_line))
            .or_else(|| versions.file.first_changed_line());
        Analysis {
            facts: vec![fact(
                versions,
                Signal::GateConfigChanged,
                line,
                versions.file.path(),
                "this file runs blastgate: changing it can switch the gate off",
            )],
            fallbacks: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{FileChange, FileStatus};

    fn run(path: &str, old: &str, new: &str) -> Vec<Signal> {
        let file = FileChange::new(FileStatus::Modified, Some(path.into()), Some(path.into()));
        let versions = Versions {
            file: &file,
            old: Some(old.as_bytes()),
            new: Some(new.as_bytes()),
        };
        assert!(
            GateConfig.wants(path, new.as_bytes()),
            "{path} is a hook or CI file"
        );
        GateConfig
            .analyze(&versions)
            .facts
            .iter()
            .map(|f| f.signal)
            .collect()
    }

    /// A hook or workflow that runs blastgate fires when it changes; one that does not, does not;
    /// ordinary files are not even read.
    #[test]
    fn fires_only_for_files_that_run_blastgate() {
        let hook_before = "#!/bin/sh\nexec blastgate pre-push \"$@\"\n";
        let hook_after = "#!/bin/sh\nexit 0\n";
        assert_eq!(
            run(".husky/pre-push", hook_before, hook_after),
            [Signal::GateConfigChanged]
        );
        let workflow = "jobs:\n  gate:\n    steps:\n      - run: blastgate check\n";
        assert_eq!(
            run(
                ".github/workflows/gate.yml",
                workflow,
                &workflow.replace("check", "check || true")
            ),
            [Signal::GateConfigChanged]
        );
        assert!(
            run(
                ".husky/pre-commit",
                "#!/bin/sh\nnpm test\n",
                "#!/bin/sh\nnpm run lint\n"
            )
            .is_empty()
        );
        assert!(!GateConfig.wants("src/blastgate.rs", b"blastgate"));
    }
}
