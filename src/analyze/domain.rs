//! Domain analyzers: infrastructure, data and pipeline files read for what they do, not for how
//! many lines they have.
//!
//! Each analyzer compares the old and new version of one file (parsed with the configuration
//! grammars in `lang::config`, or a code grammar for framework migrations) and returns facts
//! with stable ids, the resource, table or job name as `subject`, `file:line`, and a one-line
//! consequence. Adding one is one file and one row in [`ANALYZERS`]. When a file cannot be
//! parsed (templated YAML, Jinja, ERB), an analyzer falls back to reading the changed lines
//! and says so; it never goes silent.

mod aws_managed;
mod cidr;
mod cloudformation;
mod depth;
mod dockerfile;
mod gate_config;
pub(crate) mod kubernetes;
mod migrations;
pub mod opaque;
mod repo_path;
mod scripts;
mod secrets;
mod shell;
pub(crate) mod terraform;
#[cfg(test)]
pub(crate) mod testing;
mod tree;
mod workflows;

use rayon::prelude::*;
use serde::Serialize;

use super::Fact;
use super::blast::cache::Cache;
use super::contents::FileContents;
use crate::diff::FileChange;

/// What an analyzer gets: the change and both versions of the file, where readable.
#[derive(Debug, Clone, Copy)]
pub struct Versions<'a> {
    /// The change, with its hunks (the added lines work even without file contents).
    pub file: &'a FileChange,
    /// Content before, if the file existed and could be read.
    pub old: Option<&'a [u8]>,
    /// Content after, if the file exists and could be read.
    pub new: Option<&'a [u8]>,
}

impl Versions<'_> {
    /// Why a side that exists could not be read, if one could not: contents come from the
    /// repository, so a unified diff judged without it (or an object missing from a partial
    /// clone) leaves analyzers only the changed lines. Absent sides (added or deleted files)
    /// are not missing.
    #[must_use]
    pub fn content_missing(&self) -> Option<&'static str> {
        let missing = (self.file.old_blob.is_some() && self.old.is_none())
            || (self.file.new_blob.is_some() && self.new.is_none());
        missing.then_some("file content not available (diff text without the repository, or too large); read the changed lines")
    }
}

/// The changed lines of a file, joined: what `wants` sees when there is no content to sniff.
fn changed_text(file: &FileChange) -> Vec<u8> {
    let mut text = Vec::new();
    for line in file.hunks.iter().flat_map(|hunk| &hunk.lines) {
        text.extend_from_slice(line.content.as_bytes());
        text.push(b'\n');
    }
    text
}

/// What an analyzer found.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// Facts.
    pub facts: Vec<Fact>,
    /// Files that could not be parsed and were read line by line instead, with the reason.
    pub fallbacks: Vec<LineLevel>,
}

impl Analysis {
    /// Adds another analysis's facts and fallbacks.
    pub fn extend(&mut self, other: Analysis) {
        self.facts.extend(other.facts);
        self.fallbacks.extend(other.fallbacks);
    }
}

/// One domain analyzer.
pub trait Analyzer: Sync {
    /// Stable name, shown in coverage (`terraform`, `kubernetes`, …).
    fn name(&self) -> &'static str;
    /// Whether this analyzer reads the file, by path and (new, else old) content.
    fn wants(&self, path: &str, content: &[u8]) -> bool;
    /// Whether the files this analyzer wants are of a risky kind, so that one it cannot read
    /// is judged as the worst case for that kind ([`opaque`]).
    fn reads_a_risky_kind(&self) -> bool {
        true
    }
    /// Whether this analyzer also reads a file found by what runs it (a local action, a
    /// GitLab `include:`, a script a hook calls), whatever its path.
    fn wants_run_by(&self, entry: &RunFile) -> bool {
        let _ = entry;
        false
    }
    /// Facts about one file's change.
    fn analyze(&self, versions: &Versions<'_>) -> Analysis;
    /// Facts about all the files of the change this analyzer wants. Override when a fact spans
    /// files (a Terraform resource moved between two files of one module is not destroyed);
    /// by default each file is analysed on its own, side by side (a change with many files
    /// of one kind would otherwise keep one core busy while the other waits), and the results
    /// are joined in file order.
    fn analyze_all(&self, files: &[Versions<'_>]) -> Analysis {
        each_file(files, |versions| self.analyze(versions))
    }
    /// [`Analyzer::analyze_all`] within one pass; override when an analyzer's tables can be
    /// extended by the policy, or when it keeps what it derives in the cache.
    fn analyze_all_in(&self, files: &[Versions<'_>], pass: &Pass<'_>) -> Analysis {
        let _ = pass;
        self.analyze_all(files)
    }
}

/// `analyze` of every file on its own, side by side, joined in file order.
pub(crate) fn each_file(
    files: &[Versions<'_>],
    analyze: impl Fn(&Versions<'_>) -> Analysis + Send + Sync,
) -> Analysis {
    let per_file: Vec<Analysis> = files.par_iter().map(analyze).collect();
    let mut analysis = Analysis::default();
    for one in per_file {
        analysis.extend(one);
    }
    analysis
}

/// What every analyzer of one pass over a change shares.
#[derive(Debug, Clone, Copy)]
pub struct Pass<'a> {
    /// The policy's additions to the built-in tables.
    pub settings: &'a Settings,
    /// Where results derived from file contents are kept between runs.
    pub cache: &'a Cache,
}

/// What the policy adds to the analyzers' built-in tables.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Extra stateful resource types and replacement-forcing attributes for Terraform.
    pub terraform: ExtraRows,
}

/// `check --terraform-plan`: the plan as evidence.
pub use terraform::ExtraRows;

pub(crate) use secrets::is_test_path;

use super::run_by::{RunBy, RunFile};

/// Every domain analyzer, in report order.
pub static ANALYZERS: &[&dyn Analyzer] = &[
    &gate_config::GateConfig,
    &secrets::Secrets,
    &terraform::Terraform,
    &kubernetes::Kubernetes,
    &cloudformation::CloudFormation,
    &migrations::Migrations,
    &workflows::GithubActions,
    &workflows::GitlabCi,
    &dockerfile::Dockerfile,
    &scripts::Scripts,
    &crate::analyze::dependencies::Dependencies,
    &crate::analyze::security::Security,
];

/// A file read line by line instead of parsed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct LineLevel {
    /// The file.
    pub file: String,
    /// The analyzer that fell back.
    pub analyzer: &'static str,
    /// Why it could not parse the file.
    pub reason: String,
}

/// Runs every analyzer over the files it wants; analyzers run in parallel.
#[must_use]
pub fn analyze(
    contents: &[FileContents<'_>],
    pass: &Pass<'_>,
    run_by: &RunBy,
) -> (Vec<Fact>, Vec<LineLevel>) {
    let versions: Vec<Versions<'_>> = contents
        .iter()
        .map(|contents| Versions {
            file: contents.file,
            old: contents.old.bytes(),
            new: contents.new.bytes(),
        })
        .collect();
    // Without contents, analyzers recognise their files from the changed lines.
    let samples: Vec<std::borrow::Cow<'_, [u8]>> = versions
        .iter()
        .map(|v| match v.new.or(v.old) {
            Some(bytes) => std::borrow::Cow::Borrowed(bytes),
            None => std::borrow::Cow::Owned(changed_text(v.file)),
        })
        .collect();
    let results: Vec<Analysis> = ANALYZERS
        .par_iter()
        .map(|analyzer| {
            let wanted: Vec<Versions<'_>> = versions
                .iter()
                .zip(&samples)
                .filter(|(v, sample)| {
                    analyzer.wants(v.file.path(), sample)
                        // What the file was counts too: a template whose last `AWS::`
                        // resource is removed is still a template (issue 11).
                        || v.new.zip(v.old).is_some_and(|(new, old)| {
                            new != old && analyzer.wants(v.file.path(), old)
                        })
                        // and where it was: `main.tf` renamed to `main.disabled` leaves its
                        // module.
                        || v.file.old_path.as_deref().is_some_and(|old| {
                            old != v.file.path() && analyzer.wants(old, v.old.unwrap_or(sample))
                        })
                        || [v.file.old_path.as_deref(), v.file.new_path.as_deref()]
                            .into_iter()
                            .flatten()
                            .flat_map(|path| run_by.find_all(path))
                            .any(|entry| analyzer.wants_run_by(entry))
                })
                .map(|(v, _)| *v)
                .collect();
            if wanted.is_empty() {
                Analysis::default()
            } else {
                analyzer.analyze_all_in(&wanted, pass)
            }
        })
        .collect();
    let mut all = Analysis::default();
    for analysis in results {
        all.extend(analysis);
    }
    // A file over the nesting limit was not analysed: that gap is itself a fact.
    all.facts.extend(depth::facts(&all.fallbacks));
    (all.facts, all.fallbacks)
}

/// A fact about `versions.file` at `line`, for analyzers.
#[must_use]
pub fn fact(
    versions: &Versions<'_>,
    signal: crate::signal::Signal,
    line: Option<u32>,
    subject: impl Into<String>,
    message: impl Into<String>,
) -> Fact {
    Fact {
        signal,
        file: Some(versions.file.path().to_string()),
        line,
        quantity: 1.0,
        message: message.into(),
        related: Vec::new(),
        subject: Some(subject.into()),
    }
}
