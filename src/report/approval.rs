//! The sign-off part of every human report: one headline, then each approval that counts
//! and each that does not, with why. Shared so every format says the same thing.

use std::fmt::Write as _;

use crate::signoff::{Approvals, Via};
use crate::vocabulary::Decision;

/// Whether a line is good news, bad news or a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tone {
    /// Counts.
    Valid,
    /// Does not count.
    Rejected,
    /// Something to act on.
    Warning,
}

impl Tone {
    /// The symbol shown before the line.
    pub(super) fn symbol(self) -> &'static str {
        match self {
            Self::Valid => "✓",
            Self::Rejected => "✗",
            Self::Warning => "!",
        }
    }
}

/// How the sign-off stage left a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SignoffState {
    /// Not enough valid approvals yet (or a block that cannot be overridden).
    Missing,
    /// Enough valid approvals: the change may go ahead.
    Approved,
    /// A block let through by break-glass approvals: it goes ahead, and stays a warning.
    BreakGlass,
}

impl SignoffState {
    fn of(approvals: &Approvals) -> Self {
        // A break-glass override is also approved; it is the stronger word.
        if approvals.break_glass {
            Self::BreakGlass
        } else if approvals.approved {
            Self::Approved
        } else {
            Self::Missing
        }
    }

    /// The word for a change let through by sign-off, for a report's first line; `None` when
    /// approvals did not let it through.
    pub(super) fn status(self) -> Option<&'static str> {
        match self {
            Self::BreakGlass => Some("BREAK-GLASS override"),
            Self::Approved => Some("approved"),
            Self::Missing => None,
        }
    }
}

/// The sign-off part of a report, decided once: the state, its headline and its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SignOff {
    /// Let through or not, and how.
    pub(super) state: SignoffState,
    /// Approved, overridden by break-glass, or what is still missing.
    pub(super) headline: String,
    /// One line per approval, rejection and missing piece of evidence.
    pub(super) lines: Vec<(Tone, String)>,
}

impl SignOff {
    pub(super) fn of(approvals: &Approvals) -> Self {
        Self {
            state: SignoffState::of(approvals),
            headline: headline(approvals),
            lines: lines(approvals),
        }
    }
}

/// The headline: approved, overridden by break-glass, or what is still missing.
fn headline(approvals: &Approvals) -> String {
    let valid = approvals.valid.len();
    if approvals.break_glass {
        let count = approvals.valid.iter().filter(|a| a.break_glass).count();
        return format!(
            "BREAK-GLASS: the block is overridden by {count} senior{} (policy requires {})",
            plural(count),
            approvals.required
        );
    }
    if approvals.approved {
        return format!(
            "approved by {valid} senior{} ({} required)",
            plural(valid),
            approvals.required
        );
    }
    if approvals.decision == Decision::Block && !approvals.break_glass_allowed {
        return "a block cannot be overridden: the policy sets no `signoff.break_glass`".to_owned();
    }
    let what = if approvals.decision == Decision::Block {
        "break-glass approvals"
    } else {
        "valid approvals"
    };
    let counted = if approvals.decision == Decision::Block {
        approvals.valid.iter().filter(|a| a.break_glass).count()
    } else {
        valid
    };
    // Who can approve, and how, is the `next` step (it also says when the policy names no
    // seniors at all, where promising "a senior" here would contradict it).
    format!("not approved: {counted} of {} {what}", approvals.required)
}

/// One line per approval, rejection and missing piece of evidence.
fn lines(approvals: &Approvals) -> Vec<(Tone, String)> {
    let mut lines = Vec::new();
    for approval in &approvals.valid {
        let via = match approval.via {
            Via::Signature => "signature verified",
            Via::Platform => "platform-verified (GitHub review)",
        };
        let kind = if approval.break_glass {
            "break-glass "
        } else {
            ""
        };
        let mut line = format!("{kind}{} · {via} · {}", approval.who(), approval.at);
        if !approval.comment.is_empty() {
            let _ = write!(line, " · “{}”", approval.comment);
        }
        lines.push((Tone::Valid, line));
    }
    for rejection in &approvals.rejected {
        lines.push((
            Tone::Rejected,
            format!("{}: {}", rejection.who, rejection.reason),
        ));
    }
    if let Some(missing) = &approvals.missing_evidence {
        lines.push((Tone::Warning, format!("missing evidence: {missing}")));
    }
    lines
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}
