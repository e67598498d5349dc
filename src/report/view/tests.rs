//! The view built from real evaluations: a change judged by the built-in policy, then
//! findings or revisions set by hand where the pipeline would need a repository.

use super::{Reproduce, View, Who};
use crate::analyze::blast::structure::SymbolImpact;
use crate::analyze::blast::symbols::{ChangeKind, SymbolChange};
use crate::analyze::blast::syntax::{SymbolKind, Visibility};
use crate::diff::{ChangeSet, Origin, Revision};
use crate::gate::{Evaluation, Judging, evaluate};
use crate::git::CommitId;
use crate::policy::{self, Date, Unattributed};
use crate::provenance::Confidence;
use crate::score::{Basis, Contribution, WaivedBy};
use crate::signal::Signal;
use crate::vocabulary::Decision;

/// A change with no files on a branch whose name alone hints at Claude Code (low
/// confidence), judged by the built-in policy as changed by `adjust`.
fn judged(adjust: impl FnOnce(&mut policy::Policy)) -> Evaluation {
    let mut policy = policy::builtin("default").unwrap();
    adjust(&mut policy);
    let change = ChangeSet {
        origin: Origin::DiffText {
            source: "change.diff".to_owned(),
        },
        branch: Some("refs/heads/claude/issue-123".to_owned()),
        ..ChangeSet::default()
    };
    evaluate(change, policy, &Judging::default(), None)
}

fn finding(signal: Signal, points: f64) -> Contribution {
    Contribution {
        signal,
        file: Some("src/a.py".to_owned()),
        line: Some(3),
        subject: None,
        points,
        message: String::new(),
        arithmetic: String::new(),
        fingerprint: None,
        waived_by: None,
        basis: Basis::default(),
    }
}

#[test]
fn unattributed_change_is_shown_as_the_policy_treats_it() {
    let as_human = judged(|_| {});
    assert_eq!(View::of(&as_human).headline.who, Who::UnattributedAsHuman);
    let as_ai = judged(|policy| policy.provenance.unattributed = Unattributed::Ai);
    assert_eq!(View::of(&as_ai).headline.who, Who::UnattributedAsAi);
}

/// A marker below `min_confidence` is still listed, marked as not counted.
#[test]
fn evidence_lists_markers_that_did_not_count() {
    let evaluation = judged(|_| {});
    let view = View::of(&evaluation);
    let marker = &view.evidence.markers[0];
    assert_eq!(
        (marker.location.as_str(), marker.marker, marker.confidence),
        ("branch branch", "claude/", Confidence::Low)
    );
    assert!(!marker.counted);
    assert!(!view.evidence.reasons.is_empty());
}

/// Findings keep the score's order (largest first); a zero-point finding shows only when
/// a rule matched it or a waiver lifted it.
#[test]
fn findings_are_those_with_points_rules_or_waivers_in_score_order() {
    let mut evaluation = judged(|_| {});
    let waived = Contribution {
        waived_by: Some(WaivedBy {
            waiver: 1,
            owner: "ops@example.com".to_owned(),
            reason: "known".to_owned(),
            expires: Date::parse("2999-01-01").unwrap(),
        }),
        ..finding(Signal::SecretAdded, 0.0)
    };
    evaluation.score.contributions = vec![
        finding(Signal::FileTouched, 30.0),
        finding(Signal::GateConfigChanged, 0.0), // `gate-config-needs-review` matches it
        finding(Signal::FileTouched, 0.0),
        waived,
    ];
    let view = View::of(&evaluation);
    let shown: Vec<_> = view
        .findings
        .iter()
        .map(|f| (f.contribution.signal, f.contribution.points))
        .collect();
    assert_eq!(
        shown,
        [
            (Signal::FileTouched, 30.0),
            (Signal::GateConfigChanged, 0.0),
            (Signal::SecretAdded, 0.0),
        ]
    );
    // A finding is never more severe than the decision it fed.
    assert!(
        view.findings
            .iter()
            .all(|f| f.severity <= evaluation.verdict.decision)
    );
}

#[test]
fn saturated_points_bring_the_scoring_note() {
    let mut evaluation = judged(|_| {});
    assert_eq!(View::of(&evaluation).scoring_note, None);
    evaluation.score.contributions = vec![Contribution {
        arithmetic: "1 file × 2 × 0.5 (repeat 9 of 12 file-touched, log past 5)".to_owned(),
        ..finding(Signal::FileTouched, 1.0)
    }];
    assert!(View::of(&evaluation).scoring_note.is_some());
}

/// A pushed new root has the empty tree as its base: there is no commit to name.
#[test]
fn reproduce_names_commits_only_when_the_base_is_one() {
    let mut evaluation = judged(|_| {});
    assert_eq!(
        View::of(&evaluation).reproduce,
        Some(Reproduce::Diff {
            source: "change.diff"
        })
    );
    let (a0, b0) = (id(0xa0), id(0xb0));
    let revision = |commit: Option<CommitId>| Revision {
        spec: "main".to_owned(),
        commit,
        reason: String::new(),
    };
    evaluation.change.origin = Origin::Push {
        local_ref: "refs/heads/main".to_owned(),
        remote_ref: "refs/heads/main".to_owned(),
    };
    evaluation.change.base = Some(revision(None));
    evaluation.change.head = Some(revision(Some(b0)));
    assert_eq!(View::of(&evaluation).reproduce, None);
    evaluation.change.base = Some(revision(Some(a0)));
    assert_eq!(
        View::of(&evaluation).reproduce,
        Some(Reproduce::Commits { base: a0, head: b0 })
    );
}

#[test]
fn an_allowed_change_with_no_rule_fired_is_benign() {
    let evaluation = judged(|_| {});
    let headline = View::of(&evaluation).headline;
    assert_eq!(headline.decision, Decision::Allow);
    assert!(headline.benign);
    assert_eq!(headline.files, 0);
}

fn symbol(name: &str, change: ChangeKind) -> SymbolImpact {
    SymbolImpact {
        change: SymbolChange {
            file: "src/a.py".to_owned(),
            change,
            name: name.to_owned(),
            container: None,
            kind: SymbolKind::Function,
            visibility: Visibility::Public,
            line: 1,
            old_name: None,
            old_file: None,
            old_signature: None,
            new_signature: None,
            new_visibility: None,
            body_hash: 0,
            signature: String::new(),
        },
        dependent_files: vec!["src/b.py".to_owned()],
        call_sites: Vec::new(),
        transitive_files: Vec::new(),
        dangling: Vec::new(),
        undecided_files: Vec::new(),
        truncated: false,
    }
}

/// Additions and moves break nothing, so they are no blast-radius row; the rest keep the
/// analysis's order.
#[test]
fn blast_rows_leave_out_additions_and_moves() {
    let mut evaluation = judged(|_| {});
    evaluation.facts.blast.symbols = vec![
        symbol("removed", ChangeKind::Removed),
        symbol("added", ChangeKind::Added),
        symbol("moved", ChangeKind::Moved),
        symbol("renamed", ChangeKind::Renamed),
    ];
    let view = View::of(&evaluation);
    let rows: Vec<_> = view
        .blast
        .rows
        .iter()
        .map(|row| (row.symbol.name.as_str(), row.dependent_files))
        .collect();
    assert_eq!(rows, [("removed", 1), ("renamed", 1)]);
}

/// A commit id of 20 `byte`s.
fn id(byte: u8) -> CommitId {
    git2::Oid::from_bytes(&[byte; 20]).expect("20 bytes").into()
}
