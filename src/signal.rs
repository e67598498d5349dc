//! The catalogue of signals: every finding id the gate can emit, with its unit and meaning.
//!
//! This is the one list that the analyzers emit into, the policy's `weights` are checked
//! against, and reports explain from. Ids are stable kebab-case; never rename one, add a new
//! id instead (policies in the wild refer to them).

use serde::{Serialize, Serializer};

macro_rules! signals {
    ($( $(#[$doc:meta])* $variant:ident = $id:literal, per $unit:literal, $about:literal; )+) => {
        /// A kind of fact about a change that the policy can weigh.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Signal {
            $( $(#[$doc])* $variant, )+
        }

        impl Signal {
            /// Every signal, in catalogue order.
            pub const ALL: &'static [Signal] = &[$(Signal::$variant),+];

            /// Stable kebab-case id used in policies and reports.
            #[must_use]
            pub fn id(self) -> &'static str {
                match self { $(Signal::$variant => $id,)+ }
            }

            /// What one unit of this signal is ("line", "file", …).
            #[must_use]
            pub fn unit(self) -> &'static str {
                match self { $(Signal::$variant => $unit,)+ }
            }

            /// One-line description for help texts and SARIF rules.
            #[must_use]
            pub fn about(self) -> &'static str {
                match self { $(Signal::$variant => $about,)+ }
            }
        }
    };
}

signals! {
    /// Lines added by the change.
    LinesAdded = "lines-added", per "line", "Lines added.";
    /// Lines removed by the change.
    LinesDeleted = "lines-deleted", per "line", "Lines removed.";
    /// Any file the change touches.
    FileTouched = "file-touched", per "file", "A file is added, changed, renamed or removed.";
    /// A file removed outright.
    FileDeleted = "file-deleted", per "file", "A file is removed.";
    /// Binary content that cannot be read line by line.
    BinaryFile = "binary-file", per "file", "Binary content changed; it cannot be reviewed as text.";
    /// A file larger than the policy's analysis limit.
    OversizedFile = "oversized-file", per "file", "File is larger than the policy's analysis limit and was not analysed.";
    /// A file the gate could not read or analyse.
    UnanalysableFile = "unanalysable-file", per "file", "File could not be read or analysed.";
    /// A symbolic link added, changed or removed.
    SymlinkChanged = "symlink-changed", per "file", "A symbolic link changed; its target can point anywhere.";
    /// A submodule pointer moved.
    SubmoduleChanged = "submodule-changed", per "file", "A submodule now points at other code that is not shown in this diff.";
    /// A file's mode changed (e.g. made executable).
    ModeChanged = "mode-changed", per "file", "File mode changed (e.g. made executable).";
    /// A path that is not valid UTF-8.
    NonUtf8Path = "non-utf8-path", per "file", "Path is not valid UTF-8; tools and reviewers may not see it as written.";
    /// The gate's own policy file changed.
    PolicyChanged = "policy-changed", per "file", "The blastgate policy itself changed; the change edits its own gate.";
    /// Git hook configuration or hook scripts changed.
    HookChanged = "hook-changed", per "file", "Git hook scripts or hook managers changed; they run on every developer machine.";
    /// CI configuration changed.
    CiChanged = "ci-changed", per "file", "CI configuration changed; it runs with the pipeline's credentials.";
    /// An exported or package-visible symbol removed.
    SymbolRemoved = "symbol-removed", per "symbol", "A symbol other files can use was removed.";
    /// An exported or package-visible symbol renamed (same body, new name).
    SymbolRenamed = "symbol-renamed", per "symbol", "A symbol other files can use was renamed; callers of the old name break.";
    /// The parameters, return type or generics of a visible symbol changed.
    PublicSignatureChanged = "public-signature-changed", per "symbol", "The signature of a symbol other files can use changed.";
    /// A symbol became less visible.
    VisibilityReduced = "visibility-reduced", per "symbol", "A symbol became less visible; outside users lose access.";
    /// Only the body of a public symbol changed.
    PublicBodyChanged = "public-body-changed", per "symbol", "The behaviour of a public symbol changed; its callers get the new behaviour.";
    /// Files that refer to a changed symbol.
    Dependents = "dependents", per "file", "Other files refer to a changed symbol (each weighted by its own tier).";
    /// Files reached through the callers of a changed symbol.
    TransitiveDependents = "transitive-dependents", per "file", "Files reached through the callers of a changed symbol, to a bounded depth.";
    /// A reference to a removed or renamed symbol that is still there after the change.
    DanglingReference = "dangling-reference", per "site", "Code still refers to a symbol the change removed or renamed: very likely a break.";
    /// A whitespace- or comment-only edit.
    CosmeticEdit = "cosmetic-edit", per "line", "Lines changed only in whitespace or comments; no structural risk.";
}

impl Signal {
    /// Looks a signal up by its id.
    #[must_use]
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|signal| signal.id() == id)
    }
}

impl std::fmt::Display for Signal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Signal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ids are unique and kebab-case, so policies and reports can rely on them.
    #[test]
    fn ids_are_unique_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for signal in Signal::ALL {
            let id = signal.id();
            assert!(seen.insert(id), "duplicate id {id}");
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()),
                "{id} is not kebab-case"
            );
            assert_eq!(Signal::from_id(id), Some(*signal));
            assert!(!signal.about().is_empty());
        }
    }
}
