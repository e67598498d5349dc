//! Senior sign-off: approvals of exactly this change, signed with the approver's git signing
//! key and stored as git notes, checked against the keys the **base** policy lists.
//!
//! Inputs: the notes in [`store::NOTES_REF`], platform reviews (`--approvals`), the base
//! policy and the judged change. Output: [`Approvals`], the valid ones and the rejected ones
//! with a reason each; `decide`'s word stands, and the exit code takes approvals into account.

mod fingerprint;
pub mod platform;
pub mod record;
pub mod sign;
pub mod signers;
pub mod store;
mod verify;

use git2::Repository;
use serde::Serialize;

use crate::diff::ChangeSet;
use crate::git::CommitId;
use crate::policy::Policy;
use crate::vocabulary::Decision;

pub use fingerprint::fingerprint;
pub use platform::PlatformReview;
pub use record::{NoteError, Record, SignedRecord, parse_note};
pub use verify::{ApprovalContext, NoteBlock, Verifier, verify};

/// The outcome of checking approvals for one change.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Approvals {
    /// The change's content fingerprint.
    pub fingerprint: String,
    /// The decision that needed approving.
    #[serde(skip)]
    pub decision: Decision,
    /// Enough valid approvals: the change may go ahead.
    pub approved: bool,
    /// Valid approvals needed (break-glass approvals for a `block`; 0 when a block cannot be overridden).
    pub required: usize,
    /// A `block` was let through by break-glass approvals.
    pub break_glass: bool,
    /// Whether the policy allows break-glass at all.
    #[serde(skip)]
    pub break_glass_allowed: bool,
    /// Approvals that count, one per senior.
    pub valid: Vec<Approval>,
    /// Approvals that do not count, each with why.
    pub rejected: Vec<Rejection>,
    /// Evidence that could not be looked at (the notes ref was not fetched in CI).
    pub missing_evidence: Option<String>,
}

/// One approval that counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Approval {
    /// The senior's name, from the base policy.
    pub name: String,
    /// The senior's email, from the base policy.
    pub email: String,
    /// How it was verified.
    pub via: Via,
    /// When it was given (RFC 3339).
    pub at: String,
    /// The approver's comment.
    pub comment: String,
    /// Given as a break-glass override.
    pub break_glass: bool,
}

impl Approval {
    /// `Name <email>`.
    #[must_use]
    pub fn who(&self) -> String {
        format!("{} <{}>", self.name, self.email)
    }
}

/// How an approval was verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    /// A signature checked against the key the base policy lists.
    Signature,
    /// A pull-request review the hosting platform reported.
    Platform,
}

/// An approval that does not count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Rejection {
    /// Who it claims to be from (or which note).
    pub who: String,
    /// Why it does not count, in a sentence.
    pub reason: String,
}

impl Rejection {
    /// A rejection whose words, often quoting a note or a review file, are made one printable
    /// line each: whatever a forged note says, it cannot add lines to a report.
    #[must_use]
    pub fn new(who: &str, reason: &str) -> Self {
        Self {
            who: record::one_line(who),
            reason: record::one_line(reason),
        }
    }
}

/// Reading approvals failed in a way the user must fix.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The `--approvals` file.
    #[error(transparent)]
    Platform(#[from] platform::Error),
}

/// Approvals a change needs by the tiers of its files (`signoff.approvals`).
#[must_use]
pub fn required(change: &ChangeSet, policy: &Policy) -> usize {
    policy.signoff.required(
        change
            .files
            .iter()
            .map(|file| policy.tier(file.path()).name.as_str()),
    )
}

/// Reads the notes of `repo`, keeps the blocks that concern `change` (same content, attached
/// to one of its commits, or made for the same branch on the same base, so an approval of
/// content that has since changed is listed with why it no longer counts), and checks them
/// and the platform reviews.
#[must_use]
pub fn review(
    repo: &Repository,
    change: &ChangeSet,
    policy: &Policy,
    decision: Decision,
    platform: &[PlatformReview],
    in_ci: bool,
) -> Approvals {
    let fingerprint = fingerprint(Some(repo), change);
    // Ids in records are text from notes: only a full id can name a commit of the range.
    let in_range = |commit: &str| {
        CommitId::parse(commit).is_some_and(|id| change.commits.iter().any(|c| c.id == id))
    };
    // Records write the empty tree as "", as reports do.
    let base = change
        .base
        .as_ref()
        .map(|b| b.commit.map(|id| id.to_string()).unwrap_or_default());
    let mut missing_evidence = None;
    let notes = store::read_all(repo).unwrap_or_else(|error| {
        missing_evidence = Some(format!(
            "cannot read {}: {}",
            store::NOTES_REF,
            error.message()
        ));
        Vec::new()
    });
    let candidates: Vec<NoteBlock> = notes
        .iter()
        .flat_map(|note| {
            parse_note(&note.text).into_iter().map(|parsed| NoteBlock {
                commit: note.commit.clone(),
                parsed,
            })
        })
        .filter(|candidate| match &candidate.parsed {
            Ok(signed) => {
                signed.record.fingerprint == fingerprint
                    || in_range(&candidate.commit)
                    || (base.as_deref() == Some(signed.record.base.as_str())
                        && change.branch.is_some()
                        && signed.record.branch == change.branch)
            }
            Err(_) => in_range(&candidate.commit),
        })
        .collect();
    let now = crate::calendar::now();
    // Who signed the commits only matters to an approval that could count.
    let signers = if candidates.is_empty() && platform.is_empty() {
        Vec::new()
    } else {
        signers::read(repo, change, &policy.seniors)
    };
    let context = ApprovalContext {
        change,
        fingerprint: &fingerprint,
        policy,
        decision,
        required: required(change, policy),
        now,
        signers: &signers,
    };
    let mut approvals = verify(&context, &candidates, platform, &sign::verify);
    if in_ci && !store::exists(repo) && !approvals.approved {
        missing_evidence = Some(format!(
            "{} is not in this clone, so no signed approval could be seen; run `{}` before blastgate",
            store::NOTES_REF,
            store::FETCH_COMMAND
        ));
    }
    approvals.missing_evidence = missing_evidence;
    approvals
}
