//! Which approvals count: each signed record and each platform review is checked against
//! the change as it is now and the base policy, and either counts or is rejected with a
//! short reason. Commit-message trailers such as `Approved-by:` are never read.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;

use crate::diff::ChangeSet;
use crate::policy::{Policy, Senior};
use crate::short_id;
use crate::vocabulary::Decision;

use super::platform::PlatformReview;
use super::record::{NoteError, SignedRecord, one_line};
use super::signers::CommitSigner;
use super::{Approval, Approvals, Rejection, Via};
use crate::calendar::rfc3339;

/// Approvals stamped further in the future than this are refused (clock skew allowance).
const FUTURE_SLACK_SECONDS: i64 = 300;

/// Signatures checked per claimed senior: one good approval is all a senior can give, so
/// past a few failures the rest are forgeries that only cost time (issue 12).
pub const MAX_CHECKS_PER_SENIOR: usize = 8;

/// What approvals are checked against.
#[derive(Debug, Clone, Copy)]
pub struct ApprovalContext<'a> {
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
    /// The keys the change's commits were signed with (self-approval by key).
    pub signers: &'a [CommitSigner],
}

/// A block read from a note, with the commit it was attached to.
#[derive(Debug, Clone)]
pub struct NoteBlock {
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
    context: &ApprovalContext<'_>,
    candidates: &[NoteBlock],
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
    let to_verify = select(context, candidates, &mut rejected);
    // Each signature check runs a program; they are independent, so run them side by side.
    let checked: Vec<Result<Approval, Rejection>> = to_verify
        .par_iter()
        .map(|&(signed, senior, _)| {
            verifier(signed, senior, &context.policy.seniors)
                .map(|()| approval(signed, senior))
                .map_err(|reason| claimed_rejection(signed, &reason))
        })
        .collect();
    for (result, &(_, _, copies)) in checked.into_iter().zip(&to_verify) {
        // Copies of one block are listed once, after it.
        let copies = (copies > 0).then(|| match &result {
            Ok(approval) => Rejection::new(
                &approval.who(),
                &format!("{copies} identical cop(ies) of this approval: another approval by the same senior already counts"),
            ),
            Err(rejection) => Rejection::new(
                &rejection.who,
                &format!("{copies} identical cop(ies) of a refused block, not checked again"),
            ),
        });
        match result {
            Ok(approval) => accept(approval, &mut valid, &mut rejected),
            Err(rejection) => rejected.push(rejection),
        }
        rejected.extend(copies);
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

/// The blocks worth a signature check, each with how many identical copies of it were
/// seen; every other block is rejected here. Cheap checks run first, in note order; copies
/// of one block (the same note pasted many times) are one block; and at most
/// [`MAX_CHECKS_PER_SENIOR`] blocks are checked per claimed senior, the rest reported as
/// ignored, so forged blocks cost bounded time (issue 12).
fn select<'c, 'p>(
    context: &ApprovalContext<'p>,
    candidates: &'c [NoteBlock],
    rejected: &mut Vec<Rejection>,
) -> Vec<(&'c SignedRecord, &'p Senior, usize)> {
    let mut to_verify: Vec<(&SignedRecord, &Senior, usize)> = Vec::new();
    // Where each distinct block went: its index in `to_verify`, or `None` when skipped.
    let mut seen: HashMap<(&str, &str), Option<usize>> = HashMap::new();
    let mut per_senior: HashMap<&str, usize> = HashMap::new();
    let mut skipped: BTreeMap<&str, usize> = BTreeMap::new();
    for candidate in candidates {
        let signed = match &candidate.parsed {
            Err(error) => {
                let who = match error {
                    NoteError::Unsigned {
                        claimed: Some(email),
                    } => email.clone(),
                    _ => format!("note on {}", crate::short_id::short(&candidate.commit)),
                };
                rejected.push(Rejection::new(&who, &error.to_string()));
                continue;
            }
            Ok(signed) => signed,
        };
        let senior = match precheck(context, signed) {
            Err(reason) => {
                rejected.push(claimed_rejection(signed, &reason));
                continue;
            }
            Ok(senior) => senior,
        };
        let key = (signed.payload.as_str(), signed.signature.as_str());
        match seen.get(&key) {
            Some(Some(at)) => to_verify[*at].2 += 1,
            Some(None) => *skipped.entry(senior.email.as_str()).or_default() += 1,
            None => {
                let checks = per_senior.entry(senior.email.as_str()).or_default();
                if *checks < MAX_CHECKS_PER_SENIOR {
                    *checks += 1;
                    seen.insert(key, Some(to_verify.len()));
                    to_verify.push((signed, senior, 0));
                } else {
                    seen.insert(key, None);
                    *skipped.entry(senior.email.as_str()).or_default() += 1;
                }
            }
        }
    }
    for (email, count) in skipped {
        rejected.push(Rejection::new(
            email,
            &format!(
                "{count} more block(s) claiming this senior ignored unverified: at most {MAX_CHECKS_PER_SENIOR} are verified per senior"
            ),
        ));
    }
    to_verify
}

fn tally(
    context: &ApprovalContext<'_>,
    valid: Vec<Approval>,
    rejected: Vec<Rejection>,
) -> Approvals {
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

/// A rejection under the name and email the record claims (the note's words, not the policy's).
fn claimed_rejection(signed: &SignedRecord, reason: &str) -> Rejection {
    let approver = &signed.record.approver;
    Rejection::new(&format!("{} <{}>", approver.name, approver.email), reason)
}

/// Every rule but the signature, cheapest first: a block that fails one is never verified,
/// so forged blocks cost no signature check unless they match the change and the policy.
fn precheck<'p>(
    context: &ApprovalContext<'p>,
    signed: &SignedRecord,
) -> Result<&'p Senior, String> {
    let record = &signed.record;
    if record.fingerprint != context.fingerprint {
        return Err(format!(
            "approves different content (fingerprint {}, the change is now {})",
            short_fingerprint(&record.fingerprint),
            short_fingerprint(context.fingerprint)
        ));
    }
    if record.policy_sha256 != context.policy.sha256 {
        let (was, now) = short_id::pair(&record.policy_sha256, &context.policy.sha256);
        return Err(format!(
            "policy changed since approval (sha256 {was} → {now})"
        ));
    }
    let senior = find_senior(context.policy, &record.approver.email)
        .ok_or_else(|| "not a senior in the base policy".to_owned())?;
    if let Some(reason) = self_approval(context, senior) {
        return Err(reason);
    }
    check_age(context, record.approved_at)?;
    Ok(senior)
}

fn approval(signed: &SignedRecord, senior: &Senior) -> Approval {
    let record = &signed.record;
    Approval {
        name: senior.name.clone(),
        email: senior.email.clone(),
        via: Via::Signature,
        // The time the age check used, not the record's own text of it.
        at: rfc3339(record.approved_at),
        comment: one_line(&record.comment),
        break_glass: record.break_glass,
    }
}

fn check_platform(
    context: &ApprovalContext<'_>,
    review: &PlatformReview,
) -> Result<Approval, String> {
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
        .and_then(|h| h.commit)
        .map(|id| id.to_string())
        .unwrap_or_default();
    if review.commit_id != head {
        let (approved, head) = short_id::pair(&review.commit_id, &head);
        return Err(format!("approved commit {approved}, not the head {head}"));
    }
    if let Some(reason) = self_approval(context, senior) {
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

fn check_age(context: &ApprovalContext<'_>, at: i64) -> Result<(), String> {
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

/// The senior any of whose listed addresses is `email`.
fn find_senior<'p>(policy: &'p Policy, email: &str) -> Option<&'p Senior> {
    policy.seniors.iter().find(|s| {
        s.emails()
            .any(|listed| listed.trim().eq_ignore_ascii_case(email.trim()))
    })
}

/// Why `senior` may not approve this change: under any address the policy lists for them,
/// they wrote, committed or co-wrote part of it, or signed one of its commits with their
/// key; or the range is too long to tell (only its newest commits were read).
fn self_approval(context: &ApprovalContext<'_>, senior: &Senior) -> Option<String> {
    let change: &ChangeSet = context.change;
    if change.commits_truncated {
        return Some(format!(
            "the range has more than the {} commits read, so the approver's part in it cannot be checked",
            change.commits.len()
        ));
    }
    let emails: Vec<String> = senior.emails().map(|e| e.trim().to_lowercase()).collect();
    let listed = |other: &str| emails.iter().any(|e| other.trim().eq_ignore_ascii_case(e));
    change.commits.iter().find_map(|commit| {
        let id = commit.id.short();
        if listed(&commit.author.email) {
            return Some(format!("approver authored commit {id} in the range"));
        }
        if listed(&commit.committer.email) {
            return Some(format!("approver committed commit {id} in the range"));
        }
        let co_author = commit.trailers.iter().any(|t| {
            let value = t.value.to_lowercase();
            t.key.eq_ignore_ascii_case("co-authored-by")
                && emails.iter().any(|e| value.contains(&format!("<{e}>")))
        });
        if co_author {
            return Some(format!(
                "approver is a co-author of commit {id} in the range"
            ));
        }
        let signed = context
            .signers
            .iter()
            .any(|s| s.commit == commit.id && s.key.is_of(senior));
        signed.then(|| format!("approver's key signed commit {id} in the range"))
    })
}

fn short_fingerprint(fingerprint: &str) -> String {
    fingerprint.chars().take(19).collect()
}

#[cfg(test)]
mod tests;
