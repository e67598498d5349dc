//! Facts about a change: what it touches and how, never how bad that is.
//!
//! Each analyzer turns a [`ChangeSet`] into [`Fact`]s tagged with a [`Signal`]; only `score`
//! weighs them. At this stage the analysis is file-level: sizes, kinds of files and which
//! sensitive classes of path (the gate's policy, git hooks, CI) a change touches.

pub mod cache;
pub mod dependents;
mod files;
pub mod lang;
pub mod outline;
mod path_class;
pub mod syntax;

use serde::Serialize;

use crate::diff::ChangeSet;
use crate::signal::Signal;

pub use path_class::{PathClass, classify};

/// One observation about the change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fact {
    /// What kind of observation (the finding id).
    pub signal: Signal,
    /// The file it is about, when it is about one.
    pub file: Option<String>,
    /// The line it is about, when known.
    pub line: Option<u32>,
    /// How many units of the signal (lines, files, dependents…).
    pub quantity: f64,
    /// What was observed, in words ("40 lines added").
    pub message: String,
}

/// Analysis knobs that come from the policy.
#[derive(Debug, Clone)]
pub struct Options {
    /// Files larger than this are not analysed; they are reported as oversized.
    pub max_file_bytes: u64,
}

/// Everything the analyzers found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facts {
    /// Observations, in file order.
    pub facts: Vec<Fact>,
}

/// Runs every analyzer over the change.
#[must_use]
pub fn analyze(change: &ChangeSet, options: &Options) -> Facts {
    let facts = change
        .files
        .iter()
        .flat_map(|file| files::facts(file, options))
        .collect();
    Facts { facts }
}
