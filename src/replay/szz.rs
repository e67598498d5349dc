//! Ground truth beyond reverts: SZZ-style fix-inducing labels (Śliwerski, Zimmermann and
//! Zeller, "When do changes induce fixes?", MSR 2005).
//!
//! A bug-fix commit is recognised from its message by the sources in [`SOURCES`] (each can be
//! switched off); the lines it removed or changed are blamed in its parent (see
//! [`super::szz_blame`]), and the commits that last touched them, within a window before the
//! fix, are labelled *fix-inducing*, each label keeping its evidence: the fix and the lines.
//! Known biases: a fix keyword does not make a commit a bug fix, a fix also changes lines that
//! were not wrong, lines a fix only adds blame nothing, and recent commits have had less time
//! to be fixed. The labels are facts about history; only the metrics turn them into numbers.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::LazyLock;

use git2::{Oid, Repository};
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::analyze::recently_reverted::reverts;

use super::Error;
pub use super::szz_pick::Pick;

/// Where a label came from: the two revert detectors shared with the history signal, and
/// the three ways a commit message can say it fixes a bug.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LabelSource {
    /// Reverted by `git revert` (a `This reverts commit <sha>` body).
    Revert,
    /// Named by a later fix (an abbreviated sha next to a fix word).
    NamedFix,
    /// Fix-inducing: blamed by a fix with a `Fixes:`/`Closes #N`-style trailer or reference.
    Reference,
    /// Fix-inducing: blamed by a fix whose subject has the conventional `fix:` type.
    Conventional,
    /// Fix-inducing: blamed by a fix whose subject has a fix keyword.
    Keywords,
}

impl LabelSource {
    /// The name used in reports and on the command line.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Revert => "revert",
            Self::NamedFix => "named-fix",
            Self::Reference => "reference",
            Self::Conventional => "conventional",
            Self::Keywords => "keywords",
        }
    }

    /// The bug-fix source called `name` (`--fix-sources`).
    #[must_use]
    pub fn fix_source(name: &str) -> Option<Self> {
        SOURCES
            .iter()
            .map(|row| row.source)
            .find(|source| source.as_str() == name)
    }
}

/// One way of recognising a bug-fix commit from its message.
pub struct FixSource {
    /// Which source this is.
    pub source: LabelSource,
    /// What it matches, in words (shown in the report).
    pub rule: &'static str,
    /// Where the convention comes from.
    pub origin: &'static str,
    pattern: &'static LazyLock<Regex>,
}

static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?im)(^(fixes|closes|resolves|fixed):[ \t]*\S|\b(fix(es|ed)?|close[sd]?|resolve[sd]?)[ \t]+([\w.-]+/[\w.-]+)?(#|gh-)\d+\b)",
    )
    .expect("valid regex")
});
static CONVENTIONAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^fix(\([^)]*\))?!?:").expect("valid regex"));
static KEYWORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(fix|fixes|fixed|fixing|bugfix|hotfix|bug|bugs|crash|crashes|regression|broken|defect|fault)\b",
    )
    .expect("valid regex")
});

/// The bug-fix sources: data, not code. A message may match several; its labels then count
/// under each.
pub static SOURCES: &[FixSource] = &[
    FixSource {
        source: LabelSource::Reference,
        rule: "a `Fixes:`/`Closes:`/`Resolves:` trailer, or `fixes #N`/`closes owner/repo#N` in the message",
        origin: "git trailers (Linux `Fixes:`); GitHub closing keywords, docs.github.com/en/issues/tracking-your-work-with-issues/linking-a-pull-request-to-an-issue",
        pattern: &REFERENCE,
    },
    FixSource {
        source: LabelSource::Conventional,
        rule: "a subject of type `fix` (`fix:`, `fix(scope):`, `fix!:`)",
        origin: "Conventional Commits 1.0.0, conventionalcommits.org",
        pattern: &CONVENTIONAL,
    },
    FixSource {
        source: LabelSource::Keywords,
        rule: "a fix keyword in the subject (fix, bug, crash, regression, broken, defect, fault, …)",
        origin: "Mockus & Votta, ICSM 2000; Śliwerski, Zimmermann & Zeller, MSR 2005",
        pattern: &KEYWORDS,
    },
];

/// How replay finds its labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Bug-fix sources whose fixes are blamed; empty: no SZZ labels.
    pub fix_sources: Vec<LabelSource>,
    /// Only commits at most this many days older than the fix are labelled.
    pub window_days: u32,
    /// Drop a revert label when the same author reverted the commit within this many minutes
    /// (experiments, not incidents); `None` keeps them all.
    pub quick_revert_minutes: Option<u32>,
    /// Blame every recognised fix and every line it changed, instead of leaving out fixes
    /// that are not of behaviour and lines in documentation, lockfiles and tests (see
    /// [`super::szz_scope`]).
    pub all_fixes: bool,
    /// Which of the commits behind one fix's lines are labelled (`--szz-pick`).
    pub pick: Pick,
}

/// Default `--szz-window`: a year.
pub const WINDOW_DAYS: u32 = 365;

impl Default for Options {
    fn default() -> Self {
        Self {
            fix_sources: SOURCES.iter().map(|row| row.source).collect(),
            window_days: WINDOW_DAYS,
            quick_revert_minutes: None,
            all_fixes: false,
            pick: Pick::All,
        }
    }
}

/// A bug-fix commit and the sources that recognised it.
#[derive(Debug, Clone)]
pub struct Fix {
    /// The fix.
    pub oid: Oid,
    /// Its subject.
    pub subject: String,
    /// The enabled sources its message matches, in [`SOURCES`] order.
    pub sources: Vec<LabelSource>,
}

/// A line a fix removed or changed, and where it was blamed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BlamedLine {
    /// The file, in the fix's parent.
    pub path: String,
    /// 1-based line number in the fix's parent.
    pub line: usize,
}

/// A commit labelled fix-inducing by one fix, with the evidence.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FixInducing {
    /// The labelled commit.
    #[serde(with = "super::shard::oid")]
    pub commit: Oid,
    /// The fix whose removed or changed lines it last touched.
    #[serde(with = "super::shard::oid")]
    pub fix: Oid,
    /// The fix's subject.
    pub fix_subject: String,
    /// The sources that recognised the fix.
    pub sources: Vec<LabelSource>,
    /// The blamed lines, as they were in the fix's parent.
    pub lines: Vec<BlamedLine>,
}

/// One label on a commit: what the metrics and the fit read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Label {
    /// The labelled commit.
    #[serde(with = "super::shard::oid")]
    pub commit: Oid,
    /// Where the label came from.
    pub source: LabelSource,
    /// Committer time of the evidence (the revert or the fix), seconds since the epoch: the
    /// fit never trains on a label from after its training part.
    pub known_at: i64,
}

/// `commit`'s labels in `labels` (sorted by commit, as [`Truth::labels`]).
#[must_use]
pub fn labels_of(labels: &[Label], commit: Oid) -> &[Label] {
    let start = labels.partition_point(|label| label.commit < commit);
    let end = labels.partition_point(|label| label.commit <= commit);
    &labels[start..end]
}

/// The sources of `commit`'s labels in `labels` (sorted by commit).
#[must_use]
pub fn sources_of(labels: &[Label], commit: Oid) -> Vec<LabelSource> {
    labels_of(labels, commit)
        .iter()
        .map(|label| label.source)
        .collect()
}

/// Unblamed fixes listed in the report; the count covers them all.
pub const UNBLAMED_SHOWN: usize = 20;

/// A bug-fix commit blame failed on, and why.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Unblamed {
    /// The fix.
    #[serde(with = "super::shard::oid")]
    pub fix: Oid,
    /// The git error, as libgit2 gave it.
    pub error: String,
}

/// What the labelling found, for the report.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Labels {
    /// Bug-fix sources used (`--fix-sources`).
    pub fix_sources: Vec<LabelSource>,
    /// `--szz-window` in days.
    pub window_days: u32,
    /// `--drop-quick-reverts` in minutes, if given.
    pub quick_revert_minutes: Option<u32>,
    /// Revert labels dropped as quick reverts by their own author.
    pub quick_reverts_dropped: usize,
    /// `--szz-all-fixes`: the scope filters were off.
    #[serde(default)]
    pub all_fixes: bool,
    /// Recognised fixes not blamed because their subject says they are not of behaviour.
    #[serde(default)]
    pub not_defects: usize,
    /// Lines the blamed fixes changed in documentation, lockfiles or tests, not blamed.
    #[serde(default)]
    pub lines_out_of_scope: usize,
    /// `--szz-pick`: which commits behind one fix were labelled.
    #[serde(default)]
    pub pick: Pick,
    /// (fix, blamed commit) pairs not labelled because `pick` chose another commit for that
    /// fix (a commit passed over for one fix may still be chosen for another).
    #[serde(default)]
    pub not_picked: usize,
    /// Bug-fix commits found per source (a fix may match several).
    pub fixes: BTreeMap<LabelSource, usize>,
    /// Judged commits labelled, per source (a commit may have labels from several).
    pub per_source: BTreeMap<LabelSource, usize>,
    /// Commits of the range with at least one label, judged or not (the metrics count only
    /// the judged ones).
    pub labelled: usize,
    /// The SZZ labels on judged commits, with their evidence; newest fix first.
    pub fix_inducing: Vec<FixInducing>,
    /// Bug-fix commits that could not be blamed (a git error).
    pub unblamed: usize,
    /// The first [`UNBLAMED_SHOWN`] of them, with the error, so the cause can be found (a
    /// missing object in a partial clone, say).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unblamed_fixes: Vec<Unblamed>,
    /// Wall-clock seconds spent finding fixes and blaming them.
    pub seconds: f64,
}

/// The bug-fix commits among `messages` (full id, message; newest first) that the enabled
/// sources recognise. Reverts are not fixes here: they are labelled by the revert detector.
#[must_use]
pub fn fixes(messages: &[(String, String)], options: &Options) -> Vec<Fix> {
    messages
        .iter()
        .filter_map(|(id, text)| {
            let subject = text.lines().next().unwrap_or_default();
            if subject.starts_with("Revert \"") {
                return None;
            }
            let sources: Vec<LabelSource> = SOURCES
                .iter()
                .filter(|row| options.fix_sources.contains(&row.source))
                .filter(|row| {
                    let haystack = if row.source == LabelSource::Reference {
                        text.as_str()
                    } else {
                        subject
                    };
                    row.pattern.is_match(haystack)
                })
                .map(|row| row.source)
                .collect();
            let oid = Oid::from_str(id).ok()?;
            (!sources.is_empty()).then(|| Fix {
                oid,
                subject: subject.to_string(),
                sources,
            })
        })
        .collect()
}

/// Drops from `links` the reverts whose author reverted their own commit within `minutes`;
/// returns how many were dropped.
pub fn drop_quick_reverts(
    repo: &Repository,
    links: &mut Vec<reverts::Link>,
    minutes: Option<u32>,
) -> Result<usize, Error> {
    let Some(minutes) = minutes else {
        return Ok(0);
    };
    let before = links.len();
    let mut keep = Vec::with_capacity(links.len());
    for link in links.drain(..) {
        if link.kind == reverts::Undo::Revert && quick(repo, &link, minutes)? {
            continue;
        }
        keep.push(link);
    }
    *links = keep;
    Ok(before - links.len())
}

fn quick(repo: &Repository, link: &reverts::Link, minutes: u32) -> Result<bool, Error> {
    let find = |id: &str| {
        Oid::from_str(id)
            .and_then(|oid| repo.find_commit(oid))
            .map_err(Error::git("reading a reverted commit"))
    };
    let (target, by) = (find(&link.target)?, find(&link.by)?);
    let same_author = target.author().email_bytes() == by.author().email_bytes();
    let elapsed = by.committer().when().seconds() - target.committer().when().seconds();
    Ok(same_author && (0..=i64::from(minutes) * 60).contains(&elapsed))
}

/// The ground truth for the judged units: `members[i]` are the commits judged unit `i` stands
/// for, `links` the reverts and named fixes. Every label is on a judged unit's own commit.
#[derive(Debug, Clone, Default)]
pub struct Truth {
    /// Every label, sorted by commit then source, without duplicates.
    pub labels: Vec<Label>,
    /// Per judged unit, whether it has any label.
    pub labelled: Vec<bool>,
    /// The report's view.
    pub summary: Labels,
}

/// Labels the judged units from reverts, named fixes and (with fix sources enabled) SZZ;
/// `oldest` is where blame stops.
#[must_use]
pub fn ground_truth(
    repo: &Repository,
    messages: &[(String, String)],
    links: &[reverts::Link],
    units: &[(Oid, &[Oid])],
    oldest: Option<Oid>,
    options: &Options,
    quick_reverts_dropped: usize,
) -> Truth {
    let started = std::time::Instant::now();
    let mut found = fixes(messages, options);
    let before = found.len();
    if !options.all_fixes {
        found.retain(|fix| super::szz_scope::not_defect(&fix.subject).is_none());
    }
    let not_defects = before - found.len();
    let blamed =
        super::szz_blame::blame_all(repo, &found, oldest, options.window_days, options.all_fixes);
    let mut unit_of: std::collections::HashMap<Oid, Oid> = std::collections::HashMap::new();
    for (unit, members) in units {
        for member in *members {
            unit_of.insert(*member, *unit);
        }
    }
    // An evidence commit that cannot be read is dated in the far future: the fit then never
    // trains on it, which is the safe side.
    let time_of = |oid: Oid| {
        repo.find_commit(oid)
            .map_or(i64::MAX, |commit| commit.time().seconds())
    };
    let commit_time = |id: &str| Oid::from_str(id).map_or(i64::MAX, time_of);
    let mut labels = Vec::new();
    for link in links {
        let Some(unit) = Oid::from_str(&link.target)
            .ok()
            .and_then(|target| unit_of.get(&target))
        else {
            continue;
        };
        let source = match link.kind {
            reverts::Undo::Revert => LabelSource::Revert,
            reverts::Undo::Fix => LabelSource::NamedFix,
        };
        labels.push(Label {
            commit: *unit,
            source,
            known_at: commit_time(&link.by),
        });
    }
    let mut evidence = Vec::new();
    for mut label in blamed.labels {
        let Some(unit) = unit_of.get(&label.commit) else {
            continue;
        };
        label.commit = *unit;
        evidence.push(label);
    }
    let (evidence, not_picked) = super::szz_pick::choose(repo, evidence, options.pick, &time_of);
    for label in &evidence {
        let known_at = time_of(label.fix);
        labels.extend(label.sources.iter().map(|source| Label {
            commit: label.commit,
            source: *source,
            known_at,
        }));
    }
    labels.sort();
    labels.dedup();
    let with_label: HashSet<Oid> = labels.iter().map(|label| label.commit).collect();
    let mut summary = summarise(options, quick_reverts_dropped, &found, &labels, evidence);
    summary.unblamed = blamed.failed.len();
    summary.unblamed_fixes = blamed
        .failed
        .into_iter()
        .take(UNBLAMED_SHOWN)
        .map(|(fix, error)| Unblamed { fix, error })
        .collect();
    summary.not_defects = not_defects;
    summary.lines_out_of_scope = blamed.out_of_scope;
    summary.not_picked = not_picked;
    summary.seconds = started.elapsed().as_secs_f64();
    Truth {
        labelled: units
            .iter()
            .map(|(unit, _)| with_label.contains(unit))
            .collect(),
        labels,
        summary,
    }
}

/// Summarises `labels` (on judged commits) and the SZZ evidence for the report.
#[must_use]
pub fn summarise(
    options: &Options,
    quick_reverts_dropped: usize,
    found: &[Fix],
    labels: &[Label],
    fix_inducing: Vec<FixInducing>,
) -> Labels {
    let mut fixes: BTreeMap<LabelSource, usize> = options
        .fix_sources
        .iter()
        .map(|source| (*source, 0))
        .collect();
    for source in found.iter().flat_map(|fix| &fix.sources) {
        *fixes.entry(*source).or_insert(0) += 1;
    }
    let distinct: BTreeSet<(LabelSource, Oid)> = labels
        .iter()
        .map(|label| (label.source, label.commit))
        .collect();
    // Every source is listed, a silent one with 0: the report says what each one gave.
    let mut per_source: BTreeMap<LabelSource, usize> = [LabelSource::Revert, LabelSource::NamedFix]
        .into_iter()
        .chain(SOURCES.iter().map(|row| row.source))
        .map(|source| (source, 0))
        .collect();
    for (source, _) in &distinct {
        *per_source.entry(*source).or_insert(0) += 1;
    }
    let labelled: HashSet<Oid> = labels.iter().map(|label| label.commit).collect();
    Labels {
        fix_sources: options.fix_sources.clone(),
        window_days: options.window_days,
        quick_revert_minutes: options.quick_revert_minutes,
        quick_reverts_dropped,
        all_fixes: options.all_fixes,
        pick: options.pick,
        not_picked: 0,
        not_defects: 0,
        lines_out_of_scope: 0,
        fixes,
        per_source,
        labelled: labelled.len(),
        fix_inducing,
        unblamed: 0,
        unblamed_fixes: Vec::new(),
        seconds: 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(message: &str) -> Vec<LabelSource> {
        let messages = [(
            "1111111111111111111111111111111111111111".to_string(),
            message.to_string(),
        )];
        fixes(&messages, &Options::default())
            .into_iter()
            .flat_map(|fix| fix.sources)
            .collect()
    }

    /// Table: which messages each source reads as a bug fix, and which none does.
    #[test]
    fn fix_sources_recognise_their_conventions() {
        use LabelSource::{Conventional, Keywords, Reference};
        let cases: &[(&str, &[LabelSource])] = &[
            ("fix(parser): handle empty input", &[Conventional, Keywords]),
            ("fix!: drop the legacy flag", &[Conventional, Keywords]),
            ("Handle empty input\n\nCloses #12", &[Reference]),
            (
                "Handle empty input\n\nFixes: 1234567890ab (\"x\")",
                &[Reference],
            ),
            ("Resolve owner/repo#7 timeouts", &[Reference]),
            ("Handle timeouts (resolves owner/repo#7)", &[Reference]),
            ("Crash when the cache is cold", &[Keywords]),
            ("Add prefix option", &[]),
            ("Prefix the fixture names", &[]), // `fixture` is not `fix`
            ("Revert \"Fix the cache\"", &[]), // reverts are labelled by the revert detector
            ("feat: add a debugger", &[]),     // `debugger` is not `bug`
        ];
        for (message, expected) in cases {
            assert_eq!(&sources(message), expected, "{message:?}");
        }
    }

    /// A switched-off source finds nothing; the others still do.
    #[test]
    fn disabled_sources_are_not_used() {
        let messages = [(
            "1111111111111111111111111111111111111111".to_string(),
            "fix: cold cache".to_string(),
        )];
        let options = Options {
            fix_sources: vec![LabelSource::Keywords],
            ..Options::default()
        };
        let found = fixes(&messages, &options);
        assert_eq!(found[0].sources, [LabelSource::Keywords]);
        let none = Options {
            fix_sources: Vec::new(),
            ..Options::default()
        };
        assert!(fixes(&messages, &none).is_empty());
    }

    /// Counts are per distinct commit and source; a commit labelled twice by one source
    /// counts once.
    #[test]
    fn summary_counts_distinct_commits_per_source() {
        let a = Oid::from_str("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").expect("hex");
        let b = Oid::from_str("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb").expect("hex");
        let labels = [
            Label {
                commit: a,
                source: LabelSource::Keywords,
                known_at: 1_000,
            },
            // The same source again, from another fix: still one commit.
            Label {
                commit: a,
                source: LabelSource::Keywords,
                known_at: 2_000,
            },
            Label {
                commit: b,
                source: LabelSource::Keywords,
                known_at: 1_000,
            },
            Label {
                commit: a,
                source: LabelSource::Revert,
                known_at: 1_000,
            },
        ];
        let summary = summarise(&Options::default(), 0, &[], &labels, Vec::new());
        assert_eq!(summary.per_source[&LabelSource::Keywords], 2);
        assert_eq!(summary.per_source[&LabelSource::Revert], 1);
        assert_eq!(summary.labelled, 2);
    }
}
