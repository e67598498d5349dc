//! The YAML policy: tiers, weights, thresholds, rules, seniors; read from the base revision.
//!
//! A policy goes through four steps, all behind [`parse`]:
//! 1. `yaml` parses the text with hardened options into a span-carrying generic tree;
//! 2. `keys` reports *every* unknown key against the JSON Schema of the raw types;
//! 3. the typed pass deserializes the `raw` shapes (`deny_unknown_fields`, spans kept);
//! 4. `validate` checks semantics and builds the checked [`Policy`], collecting all problems.
//!
//! User mistakes become [`Diagnostic`]s, all of them at once, in one [`Error::Invalid`].
//! The policy that judges a change comes from the base revision ([`load_from_tree`]), never
//! from the working tree or the change itself.

pub(crate) mod hard;
mod keys;
mod load;
mod prune;
mod raw;
mod schema;
mod scoring;
mod signoff;
mod validate;
mod waivers;
mod words;
mod yaml;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::LazyLock;

use globset::GlobSet;

use crate::provenance::marker::{Confidence, Marker};
use crate::short_id::short;
use crate::signal::Signal;
use crate::vocabulary::{Authorship, Decision};

pub use crate::calendar::Date;
pub use load::{TEMPLATES, builtin, load_file, load_from_tree, parse, prewarm, template_text};
pub use schema::schema_json;
pub use scoring::{Repeat, Scoring, human_lines_note};
pub use signoff::{MaxAge, Signoff, parse_age};
pub use waivers::Waiver;

/// The policy's file name at the root of the repository.
pub const FILE_NAME: &str = ".blastgate.yaml";

/// Policy files larger than this are refused before parsing (a real one is a few KiB).
pub const MAX_POLICY_BYTES: usize = 1024 * 1024;

/// Where a policy's text came from; printed in every report next to its sha256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The policy file in the tree of the base commit.
    BaseTree {
        /// Path inside the tree (normally [`FILE_NAME`]).
        path: String,
        /// Full hex id of the commit whose tree it was read from.
        commit: String,
    },
    /// A file given on the command line.
    File {
        /// The file's path as given.
        path: PathBuf,
    },
    /// A template compiled into the binary.
    BuiltIn {
        /// The template's name, one of [`TEMPLATES`].
        template: String,
    },
}

impl Source {
    /// The name diagnostics are prefixed with: a path, or git's `commit:path` for a blob.
    #[must_use]
    pub fn file_name(&self) -> String {
        match self {
            Self::BaseTree { path, commit } => format!("{}:{path}", short(commit)),
            Self::File { path } => path.display().to_string(),
            Self::BuiltIn { template } => format!("policies/{template}.yaml"),
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BaseTree { path, commit } => write!(f, "{path} at {}", short(commit)),
            Self::File { path } => write!(f, "{}", path.display()),
            Self::BuiltIn { template } => write!(f, "built-in {template} policy"),
        }
    }
}

/// A validated policy, ready for scoring and deciding.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Where the text came from.
    pub source: Source,
    /// Lowercase hex sha256 of the exact bytes, so a report pins the policy that judged it.
    pub sha256: String,
    /// The policy text as read.
    pub text: String,
    /// Format version; always 1 for now.
    pub version: u32,
    /// Path tiers in order; the first whose globs match a path wins.
    pub tiers: Vec<Tier>,
    /// Points per unit for every signal in [`Signal::ALL`].
    pub weights: BTreeMap<Signal, f64>,
    /// Score thresholds for AI and human changes.
    pub thresholds: Thresholds,
    /// How points saturate: the repetition curve and the caps.
    pub scoring: Scoring,
    /// How authorship evidence is weighed.
    pub provenance: ProvenancePolicy,
    /// Hard rules, evaluated against each finding.
    pub rules: Vec<Rule>,
    /// Who may sign off a change that needs review.
    pub seniors: Vec<Senior>,
    /// Analysis limits.
    pub limits: Limits,
    /// Additions to the infrastructure analyzers' tables.
    pub infrastructure: Infrastructure,
    /// Accountable exceptions for single findings, in policy order.
    pub waivers: Vec<Waiver>,
    /// Senior sign-off rules.
    pub signoff: Signoff,
    /// Figures for `blastgate replay`'s capacity picture.
    pub replay: ReplayFigures,
}

/// Figures for `blastgate replay`'s capacity picture.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReplayFigures {
    /// Minutes of a senior's time one `review` decision costs.
    pub review_minutes: f64,
}

/// The tier of paths no tier matches: name `default`, multiplier 1.
static DEFAULT_TIER: LazyLock<Tier> = LazyLock::new(|| Tier {
    name: "default".to_owned(),
    multiplier: 1.0,
    patterns: Vec::new(),
    globs: GlobSet::empty(),
});

impl Policy {
    /// The authorship classes rules see for a change of `authorship`: an unattributed change
    /// that `provenance.unattributed: ai` treats as AI is also `ai`, so a rule written for AI
    /// changes holds for it too.
    #[must_use]
    pub fn rule_classes(&self, authorship: Authorship) -> Vec<Authorship> {
        let mut classes = vec![authorship];
        if authorship == Authorship::Unknown && self.provenance.unattributed == Unattributed::Ai {
            classes.push(Authorship::Ai);
        }
        classes
    }

    /// The first tier whose globs match `path`, or the implicit `default` tier (×1).
    #[must_use]
    pub fn tier(&self, path: &str) -> &Tier {
        self.tiers
            .iter()
            .find(|tier| tier.globs.is_match(path))
            .unwrap_or(&DEFAULT_TIER)
    }

    /// Points per unit of `signal` (0 when the policy disables it).
    #[must_use]
    pub fn weight(&self, signal: Signal) -> f64 {
        self.weights.get(&signal).copied().unwrap_or(0.0)
    }
}

/// A named group of paths whose points are multiplied.
#[derive(Debug, Clone)]
pub struct Tier {
    /// The tier's name, unique in the policy.
    pub name: String,
    /// Factor applied to the points of findings on matching paths (> 0).
    pub multiplier: f64,
    /// The globs as written.
    pub patterns: Vec<String>,
    /// The globs, compiled.
    globs: GlobSet,
}

/// Score thresholds, per authorship class.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// For AI-assisted changes (and unattributed ones when the policy says so).
    pub ai: Threshold,
    /// For human changes.
    pub human: Threshold,
}

/// Where review and block start.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold {
    /// A score at or above this needs senior sign-off; `None`: never by score alone.
    pub review: Option<f64>,
    /// A score at or above this is blocked; `None`: never by score alone (the default for
    /// human changes: only rules gate them, issue 11).
    pub block: Option<f64>,
}

/// How a change with no AI evidence and no declaration is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Unattributed {
    /// As written by a human (the default: most code is).
    Human,
    /// As AI-assisted (fail closed: AI use must be declared not to be).
    Ai,
}

/// The provenance section: how authorship evidence is weighed.
#[derive(Debug, Clone)]
pub struct ProvenancePolicy {
    /// Treatment of changes with no evidence either way.
    pub unattributed: Unattributed,
    /// The weakest marker that counts as AI evidence.
    pub min_confidence: Confidence,
    /// Extra AI markers from the policy, applied like the built-in table.
    pub markers: Vec<Marker>,
    /// The trailer key AI-assisted commits must carry (`Assisted-by`), when required.
    pub require_disclosure: Option<String>,
}

/// A hard rule: findings it matches force at least its decision.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Unique kebab-case id, shown in reports.
    pub id: String,
    /// `review` or `block` (never `allow`).
    pub decision: Decision,
    /// Signals it applies to; empty: any.
    pub signals: Vec<Signal>,
    /// Path globs as written; empty: any finding, with or without a path.
    pub paths: Vec<String>,
    /// Authorship classes it applies to; empty: any.
    pub authorship: Vec<Authorship>,
    /// Why, in a sentence, for the report.
    pub reason: String,
    /// A waived finding does not trigger the rule (default: review rules yes, block rules no).
    pub waivable: bool,
    /// `paths`, compiled.
    globs: GlobSet,
}

impl Rule {
    /// Whether a finding of `signal` on `path` in a change of the authorship `classes`
    /// ([`Policy::rule_classes`]) falls under the rule.
    ///
    /// A rule with `paths` never matches a finding without a path: it was written about
    /// files, and a change-wide finding is not on any of them.
    #[must_use]
    pub fn matches(&self, signal: Signal, path: Option<&str>, classes: &[Authorship]) -> bool {
        let signal_ok = self.signals.is_empty() || self.signals.contains(&signal);
        let path_ok = self.paths.is_empty() || path.is_some_and(|path| self.globs.is_match(path));
        let authorship_ok = self.authorship.is_empty()
            || classes.iter().any(|class| self.authorship.contains(class));
        signal_ok && path_ok && authorship_ok
    }
}

/// Someone who may sign off a change that needs review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Senior {
    /// Display name.
    pub name: String,
    /// Email, as in their commits.
    pub email: String,
    /// Other addresses the same person commits with.
    pub other_emails: Vec<String>,
    /// Public key their sign-offs are verified against (e.g. `ssh-ed25519 …`).
    pub signing_key: Option<String>,
    /// Login on the code-hosting platform.
    pub login: Option<String>,
}

impl Senior {
    /// Every address the policy lists for this person, the main one first.
    pub fn emails(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.email.as_str()).chain(self.other_emails.iter().map(String::as_str))
    }
}

/// Which kind of key a senior's `signing_key` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// An SSH public key, as in an allowed-signers file.
    Ssh,
    /// A GPG key fingerprint (hex, spaces ignored).
    Gpg,
}

impl KeyKind {
    /// The kind of `key`, or `None` when it is neither.
    #[must_use]
    pub fn of(key: &str) -> Option<Self> {
        let key = key.trim();
        if key.contains(['\n', '\r']) {
            return None; // one key per senior; a line break would smuggle in another
        }
        let ssh_prefixes = ["ssh-", "ecdsa-", "sk-ssh-", "sk-ecdsa-"];
        if ssh_prefixes.iter().any(|p| key.starts_with(p)) && key.split_whitespace().count() >= 2 {
            return Some(Self::Ssh);
        }
        let hex: String = key.chars().filter(|c| !c.is_whitespace()).collect();
        let gpg = matches!(hex.len(), 40 | 64) && hex.chars().all(|c| c.is_ascii_hexdigit());
        gpg.then_some(Self::Gpg)
    }
}

/// Analysis limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Files larger than this are not analysed; they count as `oversized-file`.
    pub max_file_bytes: u64,
}

/// A policy's additions to the infrastructure analyzers' tables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Infrastructure {
    /// `(resource type, what it is)` pairs that hold data.
    pub stateful_types: Vec<(String, String)>,
    /// `(resource type, attributes)` pairs whose attributes force replacement.
    pub force_new: Vec<(String, Vec<String>)>,
}

/// One problem in a policy, at a position in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file name the position refers to (see [`Source::file_name`]).
    pub file: String,
    /// 1-based line.
    pub line: u64,
    /// 1-based column, in characters.
    pub column: u64,
    /// What is wrong, naming the key or value at fault.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic of `file` at `line`:`column`.
    pub(crate) fn new(file: &str, line: u64, column: u64, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            line,
            column,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// Why a policy could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The policy has mistakes; every one of them is in `diagnostics`.
    #[error("{source_name}: {} in the policy", problems(diagnostics.len()))]
    Invalid {
        /// The file, as diagnostics name it.
        source_name: String,
        /// Every problem found, in document order.
        diagnostics: Vec<Diagnostic>,
    },
    /// A policy file could not be read.
    #[error("cannot read policy file {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        io: std::io::Error,
    },
    /// The repository could not be read.
    #[error("cannot read the policy from git: {what}")]
    Git {
        /// What was being read, e.g. "tree of commit abc1234".
        what: String,
        /// Why.
        #[source]
        source: git2::Error,
    },
    /// The base tree has something other than a regular file at the policy's path.
    #[error("{source_name} is a {kind}, not a regular file; the gate will not follow it")]
    NotAFile {
        /// The path, as diagnostics name it.
        source_name: String,
        /// What it is instead ("symbolic link", "directory", "submodule").
        kind: &'static str,
    },
    /// No template has that name.
    #[error("unknown policy template `{0}` (templates: {templates})", templates = TEMPLATES.join(", "))]
    UnknownTemplate(String),
    /// The file is over [`MAX_POLICY_BYTES`]; it is refused before parsing.
    #[error("{source_name} is {bytes} bytes; a policy may be at most {MAX_POLICY_BYTES} bytes")]
    TooLarge {
        /// The file, as diagnostics name it.
        source_name: String,
        /// Its size.
        bytes: u64,
    },
}

/// "1 problem", "3 problems".
fn problems(count: usize) -> String {
    if count == 1 {
        "1 problem".to_owned()
    } else {
        format!("{count} problems")
    }
}

#[cfg(test)]
mod tests;
