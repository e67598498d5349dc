//! Which approvals count: each signed record and each platform review is checked against
//! the change as it is now and the base policy, and either counts or is rejected with a
//! short reason. Commit-message trailers such as `Approved-by:` are never read.

use std::collections::BTreeSet;

use rayon::prelude::*;

use crate::diff::ChangeSet;
use crate::policy::{Policy, Senior};
use crate::short_id;
use crate::vocabulary::Decision;

use super::platform::PlatformReview;
use super::record::{NoteError, SignedRecord, one_line};
use super::{Approval, Approvals, Rejection, Via};
use crate::calendar::rfc3339;

/// Approvals stamped further in the future than this are refused (clock skew allowance).
const FUTURE_SLACK_SECONDS: i64 = 300;

/// What approvals are checked against.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The change as it is now (commits for the self-approval check).
    pub change: &'a ChangeSet,
    /// Its content fingerprint.
    pub fingerprint: &'a str,
    /// The base policy (seniors, keys, sign-off rules).
    pub policy: &'a Policy,
    /// The decision that needs approving.
    pub decision: Decision,
    /// Approvals a `review` needs.
    pub required: usize,
    /// Now, in seconds since the Unix epoch.
    pub now: i64,
}

/// A block read from a note, with the commit it was attached to.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The annotated commit.
    pub commit: String,
    /// The block, or why it could not be read.
    pub parsed: Result<SignedRecord, NoteError>,
}

/// Checks a signature against the senior's listed key; `Err` is the reason.
pub type Verifier<'v> =
    &'v (dyn Fn(&SignedRecord, &Senior, &[Senior]) -> Result<(), String> + Sync);

/// Sorts every candidate and platform review into valid and rejected, and decides whether
/// the change is approved.
#[must_use]
pub fn verify(
    context: &Context<'_>,
    candidates: &[Candidate],
    platform: &[PlatformReview],
    verifier: Verifier<'_>,
) -> Approvals {
    let mut valid: Vec<Approval> = Vec::new();
    let mut rejected = Vec::new();
    let accept = |approval: Approval, valid: &mut Vec<Approval>, rejected: &mut Vec<Rejection>| {
        if valid
            .iter()
            .any(|v| v.email.eq_ignore_ascii_case(&approval.email))
        {
            rejected.push(Rejection::new(
                &approval.who(),
                "another approval by the same senior already counts",
            ));
        } else {
            valid.push(approval);
        }
    };
    // Each signature check runs a program; they are independent, so run them side by side.
    let checked: Vec<Result<Approval, Rejection>> = candidates
        .par_iter()
        .map(|candidate| match &candidate.parsed {
            Err(error) => {
                let who = match error {
                    NoteError::Unsigned {
                        claimed: Some(email),
                    } => email.clone(),
                    _ => format!("note on {}", short(&candidate.commit)),
                };
                Err(Rejection::new(&who, &error.to_string()))
            }
            Ok(signed) => check_record(context, signed, verifier).map_err(|reason| {
                // The claimed name and email are the note's words, not the policy's.
                let record = &signed.record;
                let who = format!("{} <{}>", record.approver.name, record.approver.email);
                Rejection::new(&who, &reason)
            }),
        })
        .collect();
    for result in checked {
        match result {
            Ok(approval) => accept(approval, &mut valid, &mut rejected),
            Err(rejection) => rejected.push(rejection),
        }
    }
    for review in platform {
        match check_platform(context, review) {
            Ok(approval) => accept(approval, &mut valid, &mut rejected),
            Err(reason) => {
                rejected.push(Rejection::new(
                    &format!("{} (GitHub)", review.login),
                    &reason,
                ));
            }
        }
    }
    tally(context, valid, rejected)
}

fn tally(context: &Context<'_>, valid: Vec<Approval>, rejected: Vec<Rejection>) -> Approvals {
    let seniors = |break_glass_only: bool| {
        valid
            .iter()
            .filter(|a| !break_glass_only || a.break_glass)
            .map(|a| a.email.to_lowercase())
            .collect::<BTreeSet<_>>()
            .len()
    };
    let break_glass_needed = context.policy.signoff.break_glass;
    let (required, approved, break_glass) = match context.decision {
        Decision::Allow => (0, false, false),
        Decision::Review => (context.required, seniors(false) >= context.required, false),
        Decision::Block => match break_glass_needed {
            Some(needed) => {
                let enough = seniors(true) >= needed;
                (needed, enough, enough)
            }
            None => (0, false, false),
        },
    };
    Approvals {
        fingerprint: context.fingerprint.to_owned(),
        decision: context.decision,
        approved,
        required,
        break_glass,
        break_glass_allowed: break_glass_needed.is_some(),
        valid,
        rejected,
        missing_evidence: None,
    }
}

fn check_record(
    context: &Context<'_>,
    signed: &SignedRecord,
    verifier: Verifier<'_>,
) -> Result<Approval, String> {
    let record = &signed.record;
    if record.fingerprint != context.fingerprint {
        return Err(format!(
            "approves different content (fingerprint {}, the change is now {})",
            short_fingerprint(&record.fingerprint),
            short_fingerprint(context.fingerprint)
        ));
    }
    let senior = find_senior(context.policy, &record.approver.email)
        .ok_or_else(|| "not a senior in the base policy".to_owned())?;
    verifier(signed, senior, &context.policy.seniors)?;
    if let Some(reason) = self_approval(context.change, &senior.email) {
        return Err(reason);
    }
    if record.policy_sha256 != context.policy.sha256 {
        let (was, now) = short_id::pair(&record.policy_sha256, &context.policy.sha256);
        return Err(format!(
            "policy changed since approval (sha256 {was} → {now})"
        ));
    }
    check_age(context, record.approved_at)?;
    Ok(Approval {
        name: senior.name.clone(),
        email: senior.email.clone(),
        via: Via::Signature,
        // The time the age check used, not the record's own text of it.
        at: rfc3339(record.approved_at),
        comment: one_line(&record.comment),
        break_glass: record.break_glass,
    })
}

fn check_platform(context: &Context<'_>, review: &PlatformReview) -> Result<Approval, String> {
    let senior = context
        .policy
        .seniors
        .iter()
        .find(|s| {
            s.login
                .as_deref()
                .is_some_and(|l| l.eq_ignore_ascii_case(&review.login))
        })
        .ok_or_else(|| {
            format!(
                "GitHub user {} is not a senior in the base policy",
                review.login
            )
        })?;
    if review.state != "APPROVED" {
        return Err(format!(
            "latest review by {} is {}, which withdraws the approval",
            review.login, review.state
        ));
    }
    let head = context
        .change
        .head
        .as_ref()
        .map(|h| h.commit.as_str())
        .unwrap_or_default();
    if review.commit_id != head {
        let (approved, head) = short_id::pair(&review.commit_id, head);
        return Err(format!("approved commit {approved}, not the head {head}"));
    }
    if let Some(reason) = self_approval(context.change, &senior.email) {
        return Err(reason);
    }
    match review.submitted_at {
        Some(at) => check_age(context, at)?,
        // An undated review cannot be shown to be young enough.
        None if context.policy.signoff.max_age.is_some() => {
            return Err(
                "review has no `submitted_at`, so signoff.max_age cannot be checked".into(),
            );
        }
        None => {}
    }
    Ok(Approval {
        name: senior.name.clone(),
        email: senior.email.clone(),
        via: Via::Platform,
        at: review.submitted_at.map(rfc3339).unwrap_or_default(),
        comment: String::new(),
        break_glass: false,
    })
}

fn check_age(context: &Context<'_>, at: i64) -> Result<(), String> {
    if at > context.now + FUTURE_SLACK_SECONDS {
        return Err(format!("dated in the future ({})", rfc3339(at)));
    }
    match &context.policy.signoff.max_age {
        Some(max) if context.now - at > max.seconds => {
            Err(format!("older than signoff.max_age ({})", max.text))
        }
        _ => Ok(()),
    }
}

fn find_senior<'p>(policy: &'p Policy, email: &str) -> Option<&'p Senior> {
    policy
        .seniors
        .iter()
        .find(|s| s.email.trim().eq_ignore_ascii_case(email.trim()))
}

/// Why `email` may not approve this change: they wrote, committed or co-wrote part of it, or
/// the range is too long to tell (only its newest commits were read).
fn self_approval(change: &ChangeSet, email: &str) -> Option<String> {
    if change.commits_truncated {
        return Some(format!(
            "the range has more than the {} commits read, so the approver's part in it cannot be checked",
            change.commits.len()
        ));
    }
    let email = email.trim().to_lowercase();
    let same = |other: &str| other.trim().eq_ignore_ascii_case(&email);
    change.commits.iter().find_map(|commit| {
        let id = commit.short_id();
        if same(&commit.author.email) {
            return Some(format!("approver authored commit {id} in the range"));
        }
        if same(&commit.committer.email) {
            return Some(format!("approver committed commit {id} in the range"));
        }
        let co_author = commit.trailers.iter().any(|t| {
            t.key.eq_ignore_ascii_case("co-authored-by")
                && t.value.to_lowercase().contains(&format!("<{email}>"))
        });
        co_author.then(|| format!("approver is a co-author of commit {id} in the range"))
    })
}

/// The first characters of an id or fingerprint that came from a note; never the whole of a
/// long forged value (a byte cut could fall inside a character).
fn short(id: &str) -> String {
    id.chars().take(12).collect()
}

fn short_fingerprint(fingerprint: &str) -> String {
    fingerprint.chars().take(19).collect()
}

#[cfg(test)]
mod tests;
