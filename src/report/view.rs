//! The view of one evaluation that every human format shows (text, Markdown, GitHub workflow
//! commands), decided once from the [`Evaluation`] as typed data: who wrote it, the AI
//! evidence, the blast-radius rows, the findings in display order, sign-off, waivers, next
//! steps and the named limits. Each format then chooses how much of it fits where it goes,
//! and escapes it for there; nothing here is escaped or worded for one format.

use crate::analyze::blast::dependents::Site;
use crate::analyze::blast::symbols::{ChangeKind, SymbolChange};
use crate::decide::AppliedThresholds;
use crate::diff::{Origin, Revision};
use crate::gate::Evaluation;
use crate::git::CommitId;
use crate::provenance::Confidence;
use crate::score::Contribution;
use crate::signal::Signal;
use crate::vocabulary::{Authorship, Decision};

use super::approval::SignOff;
use super::sarif::{reported, severity};

/// Everything a human format shows about one evaluation.
#[derive(Debug)]
pub(super) struct View<'a> {
    /// The decision and what it was measured against.
    pub(super) headline: Headline<'a>,
    /// What was judged, and by which policy.
    pub(super) subject: Subject<'a>,
    /// Why, one sentence per reason.
    pub(super) reasons: &'a [String],
    /// Senior sign-off; `None` when the sign-off stage did not run.
    pub(super) sign_off: Option<SignOff>,
    /// What says the change was (or was not) AI-assisted.
    pub(super) evidence: AiEvidence<'a>,
    /// Changed symbols and how far their dependents reach.
    pub(super) blast: Blast<'a>,
    /// The findings worth reporting, largest first.
    pub(super) findings: Vec<ShownFinding<'a>>,
    /// How saturated points were computed, when any finding's points were (repeat factor or
    /// cap); `None` otherwise.
    pub(super) scoring_note: Option<String>,
    /// One sentence per applied, expired and unmatched waiver.
    pub(super) waivers: Vec<String>,
    /// What would change the outcome.
    pub(super) next_steps: &'a [String],
    /// Limits of what was read (commits cut short, …).
    pub(super) notes: &'a [String],
    /// How to judge the same change again; `None` when it cannot be named.
    pub(super) reproduce: Option<Reproduce<'a>>,
}

/// The first line's content.
#[derive(Debug)]
pub(super) struct Headline<'a> {
    /// allow, review or block.
    pub(super) decision: Decision,
    /// The total score.
    pub(super) score: f64,
    /// The lines the score was measured against (AI or human ones).
    pub(super) thresholds: &'a AppliedThresholds,
    /// Who wrote the change, and how the policy treated that.
    pub(super) who: Who,
    /// Allowed with no policy rule fired: nothing to explain.
    pub(super) benign: bool,
    /// How many files changed.
    pub(super) files: usize,
    /// `PR #7` or `MR !7`, when the change was judged for a request in CI.
    pub(super) request: Option<String>,
    /// `3 files only reformatted`, when a formatter touched some files.
    pub(super) reformatted: Option<String>,
}

/// Who wrote a change, as the thresholds saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Who {
    /// AI-assisted, by its evidence or declaration.
    Ai,
    /// Declared as written without AI assistance.
    Human,
    /// Only dependency or CI bots.
    Automation,
    /// No evidence either way, and the policy treats that as AI-assisted.
    UnattributedAsAi,
    /// No evidence either way, and the policy treats that as human.
    UnattributedAsHuman,
}

impl Who {
    fn of(authorship: Authorship, treated_as_ai: bool) -> Self {
        match (authorship, treated_as_ai) {
            (Authorship::Ai, _) => Self::Ai,
            (Authorship::Human, _) => Self::Human,
            (Authorship::Automation, _) => Self::Automation,
            (Authorship::Unknown, true) => Self::UnattributedAsAi,
            (Authorship::Unknown, false) => Self::UnattributedAsHuman,
        }
    }
}

/// What was judged, and by which policy.
#[derive(Debug)]
pub(super) struct Subject<'a> {
    /// A range, the index, the working tree, diff text or a pushed ref.
    pub(super) origin: &'a Origin,
    /// The revision the change starts from, when there is one.
    pub(super) base: Option<&'a Revision>,
    /// The revision the change ends at, when there is one.
    pub(super) head: Option<&'a Revision>,
    /// Where the policy came from.
    pub(super) policy_source: String,
    /// The policy text's sha256.
    pub(super) policy_sha256: &'a str,
}

/// What says the change was (or was not) AI-assisted.
#[derive(Debug)]
pub(super) struct AiEvidence<'a> {
    /// The declaration that was given (`--ai-assisted`), if any.
    pub(super) declared: Option<bool>,
    /// Sentences explaining the authorship, in the order its rules applied.
    pub(super) reasons: &'a [String],
    /// Every marker found, counted or not.
    pub(super) markers: Vec<MarkerLine<'a>>,
}

/// One marker found.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct MarkerLine<'a> {
    /// `0123456789ab trailer`, `branch branch`, `pull request body`.
    pub(super) location: String,
    /// The matched text.
    pub(super) marker: &'a str,
    /// The tool (or policy) it identifies.
    pub(super) tool: &'a str,
    /// How far it can be trusted.
    pub(super) confidence: Confidence,
    /// Whether it reached `min_confidence` and so took part in the decision.
    pub(super) counted: bool,
}

/// Changed symbols and the coverage behind them.
#[derive(Debug)]
pub(super) struct Blast<'a> {
    /// Symbols removed, renamed or changed (additions and moves break nothing), in the
    /// analysis's order.
    pub(super) rows: Vec<BlastRow<'a>>,
    /// Changed files analysed structurally.
    pub(super) analysed: usize,
    /// Changed files.
    pub(super) changed_files: usize,
    /// Files that could not be analysed and were counted as risk for it.
    pub(super) gaps_counted_as_risk: usize,
}

/// One changed symbol and who depends on it.
#[derive(Debug)]
pub(super) struct BlastRow<'a> {
    /// The symbol and what happened to it.
    pub(super) symbol: &'a SymbolChange,
    /// Other files that refer to it.
    pub(super) dependent_files: usize,
    /// Files reached through the callers' enclosing definitions.
    pub(super) transitive_files: usize,
    /// Where dependents refer to it.
    pub(super) call_sites: &'a [Site],
    /// References that still use a removed or renamed name.
    pub(super) dangling: &'a [Site],
}

/// A reported finding: it carries points, matched a policy rule, or was waived.
#[derive(Debug)]
pub(super) struct ShownFinding<'a> {
    /// The finding, its points and how they were computed.
    pub(super) contribution: &'a Contribution,
    /// How much it had to do with the decision.
    pub(super) severity: Decision,
}

/// The command that judges the same change again.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Reproduce<'a> {
    /// `--base … --head …`, for ranges and pushes.
    Commits {
        /// The base commit.
        base: CommitId,
        /// The head commit.
        head: CommitId,
    },
    /// `--staged`.
    Staged,
    /// `--worktree`.
    Worktree,
    /// `--diff SOURCE`.
    Diff {
        /// The diff's file name, or `-`.
        source: &'a str,
    },
}

impl<'a> View<'a> {
    /// The view of `evaluation`.
    pub(super) fn of(evaluation: &'a Evaluation) -> Self {
        let Evaluation {
            change,
            policy,
            provenance,
            score,
            verdict,
            ..
        } = evaluation;
        let findings: Vec<ShownFinding<'a>> = reported(evaluation)
            .map(|contribution| ShownFinding {
                contribution,
                severity: severity(evaluation, contribution),
            })
            .collect();
        Self {
            headline: Headline {
                decision: verdict.decision,
                score: score.total,
                thresholds: &verdict.thresholds,
                who: Who::of(provenance.authorship, verdict.treated_as_ai),
                benign: verdict.decision == Decision::Allow && verdict.rule_hits.is_empty(),
                files: change.files.len(),
                request: request_label(evaluation),
                reformatted: reformatted_label(evaluation),
            },
            subject: Subject {
                origin: &change.origin,
                base: change.base.as_ref(),
                head: change.head.as_ref(),
                policy_source: policy.source.to_string(),
                policy_sha256: &policy.sha256,
            },
            reasons: &verdict.reasons,
            sign_off: evaluation.approvals.as_ref().map(SignOff::of),
            evidence: AiEvidence {
                declared: provenance.declared,
                reasons: &provenance.reasons,
                markers: provenance
                    .evidence
                    .iter()
                    .map(|evidence| MarkerLine {
                        location: evidence.location(),
                        marker: &evidence.marker,
                        tool: &evidence.tool,
                        confidence: evidence.confidence,
                        counted: evidence.counted,
                    })
                    .collect(),
            },
            blast: blast(evaluation),
            scoring_note: saturated(&findings).then(|| policy.scoring.describe()),
            findings,
            waivers: super::waivers::sentences(&score.waivers),
            next_steps: &verdict.next_steps,
            notes: &change.notes,
            reproduce: reproduce(evaluation),
        }
    }
}

fn blast(evaluation: &Evaluation) -> Blast<'_> {
    let blast = &evaluation.facts.blast;
    Blast {
        rows: blast
            .symbols
            .iter()
            .filter(|s| !matches!(s.change.change, ChangeKind::Added | ChangeKind::Moved))
            .map(|impact| BlastRow {
                symbol: &impact.change,
                dependent_files: impact.dependent_files.len(),
                transitive_files: impact.transitive_files.len(),
                call_sites: &impact.call_sites,
                dangling: &impact.dangling,
            })
            .collect(),
        analysed: blast.coverage.analysed,
        changed_files: blast.coverage.changed_files,
        gaps_counted_as_risk: blast
            .coverage
            .not_analysed
            .iter()
            .filter(|gap| gap.counted_as_risk)
            .count(),
    }
}

/// Whether any finding that carries points was saturated. The arithmetic is the only record
/// of it a report sees (the scoring basis is the score stage's own).
fn saturated(findings: &[ShownFinding<'_>]) -> bool {
    findings
        .iter()
        .map(|finding| finding.contribution)
        .filter(|c| c.points > 0.0)
        .any(|c| c.arithmetic.contains("(repeat ") || c.arithmetic.contains(" cap "))
}

/// `3 files only reformatted`, once per report, when a formatter touched some files.
fn reformatted_label(evaluation: &Evaluation) -> Option<String> {
    let files: std::collections::BTreeSet<&str> = evaluation
        .facts
        .facts
        .iter()
        .filter(|fact| fact.signal == Signal::Reformatted)
        .filter_map(|fact| fact.file.as_deref())
        .collect();
    match files.len() {
        0 => None,
        1 => Some("1 file only reformatted".to_string()),
        n => Some(format!("{n} files only reformatted")),
    }
}

/// `PR #7` (GitHub) or `MR !7` (GitLab) when the change was judged for a request in CI.
fn request_label(evaluation: &Evaluation) -> Option<String> {
    let ci = evaluation.change.ci.as_ref()?;
    Some(ci.platform.request_label(ci.pull_request?))
}

/// The command that judges the same change again, when it can be named.
fn reproduce(evaluation: &Evaluation) -> Option<Reproduce<'_>> {
    let change = &evaluation.change;
    match &change.origin {
        Origin::Range | Origin::Push { .. } => {
            // A push of a new root has the empty tree as its base: no commit to name.
            Some(Reproduce::Commits {
                base: change.base.as_ref()?.commit?,
                head: change.head.as_ref()?.commit?,
            })
        }
        Origin::Staged => Some(Reproduce::Staged),
        Origin::Worktree => Some(Reproduce::Worktree),
        Origin::DiffText { source } => Some(Reproduce::Diff { source }),
    }
}

#[cfg(test)]
mod tests;
