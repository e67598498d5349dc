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
