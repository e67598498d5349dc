//! Applies the policy's waivers to scored findings.
//!
//! A finding matched by an unexpired waiver (same id and file; same subject and same
//! fingerprint where the waiver names them) scores 0 and carries [`WaivedBy`]; whether it
//! still triggers rules is for `decide` (only rules marked `waivable` let it go). Every
//! waiver the change has something to say about is listed: applied, expired (whether or not
//! it would match), or unmatched — tied to a file the change touches, but nothing it names
//! fired there any more, so the content it was about changed and it can be removed.
//! Waivers about files the change does not touch are not listed: they cannot be judged here.

use serde::Serialize;

use crate::diff::ChangeSet;
use crate::policy::{Date, Policy, Waiver};

use super::{Contribution, Score, fingerprint, round};

/// The waiver that lifted a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct WaivedBy {
    /// The waiver's 1-based number in the policy's `waivers` list.
    pub waiver: usize,
    /// Who answers for it.
    pub owner: String,
    /// Why the finding is a false alarm.
    pub reason: String,
    /// Last day it applies.
    pub expires: Date,
}

/// One waiver and what it did to this change.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct WaiverUse {
    /// The waiver as written in the policy.
    #[serde(flatten)]
    pub waiver: Waiver,
    /// Findings it matched (for an expired waiver: would have matched).
    pub findings: usize,
    /// Points it took off the score.
    pub points: f64,
}

/// What the policy's waivers did to this change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Waivers {
    /// Waivers that lifted at least one finding.
    pub applied: Vec<WaiverUse>,
    /// Waivers past their expiry date: not applied, to be renewed or removed.
    pub expired: Vec<WaiverUse>,
    /// Waivers for a file the change touches that matched nothing: their content changed.
    pub unmatched: Vec<WaiverUse>,
}

impl Waivers {
    /// Nothing to report: no waiver applied, expired or went stale.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.applied.is_empty() && self.expired.is_empty() && self.unmatched.is_empty()
    }
}

/// Fingerprints every finding against the change's lines, then applies the policy's waivers
/// as of `today`: waived findings score 0, the total and the order are recomputed.
pub fn apply(score: &mut Score, change: &ChangeSet, policy: &Policy, today: Date) {
    let files = fingerprint::Files::of(change);
    for contribution in &mut score.contributions {
        contribution.fingerprint = fingerprint::of(&files, contribution);
    }
    let mut outcome = Waivers::default();
    for waiver in &policy.waivers {
        if waiver.is_expired(today) {
            let findings = score
                .contributions
                .iter()
                .filter(|c| matches(waiver, c))
                .count();
            outcome.expired.push(listed(waiver, findings, 0.0));
            continue;
        }
        let matching = score
            .contributions
            .iter_mut()
            .filter(|c| c.waived_by.is_none() && matches(waiver, c));
        let mut findings = 0;
        let mut points = 0.0;
        for contribution in matching {
            findings += 1;
            points += contribution.points;
            contribution.arithmetic = format!(
                "{} = {}, waived by waiver #{}",
                contribution.arithmetic,
                super::number(contribution.points),
                waiver.number
            );
            contribution.points = 0.0;
            contribution.waived_by = Some(WaivedBy {
                waiver: waiver.number,
                owner: waiver.owner.clone(),
                reason: waiver.reason.clone(),
                expires: waiver.expires,
            });
        }
        if findings > 0 {
            outcome
                .applied
                .push(listed(waiver, findings, round(points)));
        } else if touches(change, &waiver.file) {
            outcome.unmatched.push(listed(waiver, 0, 0.0));
        }
    }
    if !outcome.applied.is_empty() {
        // A lifted finding takes no place in the repetition ranking or the caps.
        super::saturate::saturate(&mut score.contributions, policy);
        score
            .contributions
            .sort_by(|a, b| b.points.total_cmp(&a.points));
        score.total = round(score.contributions.iter().map(|c| c.points).sum());
    }
    score.waivers = outcome;
}

/// Same id and file; same subject and fingerprint where the waiver names them.
fn matches(waiver: &Waiver, contribution: &Contribution) -> bool {
    contribution.signal == waiver.finding
        && contribution.file.as_deref() == Some(waiver.file.as_str())
        && waiver
            .symbol
            .as_ref()
            .is_none_or(|symbol| contribution.subject.as_ref() == Some(symbol))
        && waiver
            .fingerprint
            .as_ref()
            .is_none_or(|print| contribution.fingerprint.as_ref() == Some(print))
}

/// Whether the change adds, edits, moves or removes `file`.
fn touches(change: &ChangeSet, file: &str) -> bool {
    change.files.iter().any(|changed| {
        changed.new_path.as_deref() == Some(file) || changed.old_path.as_deref() == Some(file)
    })
}

fn listed(waiver: &Waiver, findings: usize, points: f64) -> WaiverUse {
    WaiverUse {
        waiver: waiver.clone(),
        findings,
        points,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{FileChange, FileStatus};
    use crate::signal::Signal;

    const TODAY: Date = Date {
        year: 2026,
        month: 6,
        day: 1,
    };

    fn policy_with(waivers: Vec<Waiver>) -> Policy {
        let mut policy = crate::policy::builtin("default").unwrap();
        policy.waivers = waivers;
        policy
    }

    fn waiver(number: usize, symbol: Option<&str>, expires: &str) -> Waiver {
        Waiver {
            number,
            policy_line: 10,
            finding: Signal::PublicIngress,
            file: "infra/lb.tf".into(),
            symbol: symbol.map(str::to_owned),
            fingerprint: None,
            owner: "ops@example.com".into(),
            reason: "public load balancer".into(),
            expires: Date::parse(expires).unwrap(),
        }
    }

    fn finding(signal: Signal, subject: &str, points: f64) -> Contribution {
        Contribution {
            signal,
            file: Some("infra/lb.tf".into()),
            line: None,
            subject: Some(subject.into()),
            points,
            message: String::new(),
            arithmetic: "1 rule × 20".into(),
            fingerprint: None,
            waived_by: None,
            basis: crate::score::Basis::units(
                "rule",
                1.0,
                points,
                " × 20".into(),
                &crate::policy::Scoring::DEFAULT,
            ),
        }
    }

    fn scored(contributions: Vec<Contribution>) -> Score {
        let total = contributions.iter().map(|c| c.points).sum();
        Score {
            total,
            contributions,
            ..Score::default()
        }
    }

    fn change_to(path: &str) -> ChangeSet {
        ChangeSet {
            files: vec![FileChange::new(
                FileStatus::Modified,
                Some(path.into()),
                Some(path.into()),
            )],
            ..ChangeSet::default()
        }
    }

    /// A matching waiver zeroes its finding, records who waived it, and lowers the total.
    #[test]
    fn matching_waiver_lifts_its_finding_only() {
        let mut score = scored(vec![
            finding(Signal::PublicIngress, "aws_security_group.lb", 20.0),
            finding(Signal::PublicIngress, "aws_security_group.db", 20.0),
            finding(Signal::IamWildcard, "aws_security_group.lb", 5.0),
        ]);
        let policy = policy_with(vec![waiver(1, Some("aws_security_group.lb"), "2026-06-01")]);
        apply(&mut score, &change_to("infra/lb.tf"), &policy, TODAY);
        assert!((score.total - 25.0).abs() < 1e-9, "{}", score.total);
        let waived: Vec<_> = score
            .contributions
            .iter()
            .filter_map(|c| {
                c.waived_by
                    .as_ref()
                    .map(|w| (c.subject.as_deref(), c.points, w))
            })
            .collect();
        assert_eq!(waived.len(), 1);
        assert_eq!(waived[0].0, Some("aws_security_group.lb"));
        assert_eq!(waived[0].2.owner, "ops@example.com");
        assert!(score.contributions.last().unwrap().waived_by.is_some());
        assert_eq!(score.waivers.applied.len(), 1);
        assert_eq!(score.waivers.applied[0].findings, 1);
        assert!((score.waivers.applied[0].points - 20.0).abs() < 1e-9);
    }

    /// An expired waiver is listed and changes nothing, even when it would match.
    #[test]
    fn expired_waiver_is_listed_not_applied() {
        let mut score = scored(vec![finding(
            Signal::PublicIngress,
            "aws_security_group.lb",
            20.0,
        )]);
        let policy = policy_with(vec![waiver(1, Some("aws_security_group.lb"), "2026-05-31")]);
        apply(&mut score, &change_to("infra/lb.tf"), &policy, TODAY);
        assert!((score.total - 20.0).abs() < 1e-9);
        assert!(score.contributions[0].waived_by.is_none());
        assert_eq!(score.waivers.expired.len(), 1);
        assert_eq!(score.waivers.expired[0].findings, 1);
        assert!(score.waivers.applied.is_empty());
    }

    /// A waiver for a touched file that matches nothing is unmatched; one for an untouched
    /// file is not listed at all.
    #[test]
    fn stale_waivers_are_listed_for_touched_files_only() {
        let fingerprinted = Waiver {
            symbol: None,
            fingerprint: Some(format!("sha256:{}", "0".repeat(64))),
            ..waiver(2, None, "2999-12-31")
        };
        let policy = policy_with(vec![waiver(1, Some("gone"), "2999-12-31"), fingerprinted]);
        let mut score = scored(vec![finding(
            Signal::PublicIngress,
            "aws_security_group.lb",
            20.0,
        )]);
        apply(&mut score, &change_to("infra/lb.tf"), &policy, TODAY);
        let numbers: Vec<usize> = score
            .waivers
            .unmatched
            .iter()
            .map(|u| u.waiver.number)
            .collect();
        assert_eq!(numbers, [1, 2]);
        assert!((score.total - 20.0).abs() < 1e-9);

        let mut elsewhere = scored(vec![]);
        apply(&mut elsewhere, &change_to("src/app.rs"), &policy, TODAY);
        assert!(elsewhere.waivers.is_empty());
    }

    /// Two waivers for the same finding: the first one in the policy is credited.
    #[test]
    fn first_matching_waiver_wins() {
        let mut score = scored(vec![finding(
            Signal::PublicIngress,
            "aws_security_group.lb",
            20.0,
        )]);
        let policy = policy_with(vec![
            waiver(1, Some("aws_security_group.lb"), "2999-12-31"),
            waiver(2, Some("aws_security_group.lb"), "2999-12-31"),
        ]);
        apply(&mut score, &change_to("infra/lb.tf"), &policy, TODAY);
        assert_eq!(score.contributions[0].waived_by.as_ref().unwrap().waiver, 1);
        assert_eq!(score.waivers.applied.len(), 1);
        assert_eq!(score.waivers.unmatched.len(), 1);
    }
}
