//! What the policy's waivers did to a change, in sentences the text and Markdown reports
//! share: applied ones with who answers for them, expired and stale ones to clean up.

use crate::score::{WaiverUse, Waivers, number};

/// One sentence per applied, expired and unmatched waiver, in that order, each on one line
/// (a policy's `reason:` may be a multi-line block).
pub(super) fn sentences(waivers: &Waivers) -> Vec<String> {
    let applied = waivers.applied.iter().map(|used| {
        let waiver = &used.waiver;
        let findings = if used.findings == 1 {
            "1 finding".to_owned()
        } else {
            format!("{} findings", used.findings)
        };
        format!(
            "waiver #{} waives {} ({findings}, −{} points) · owner {} · until {}: {}",
            waiver.number,
            target(used),
            number(used.points),
            waiver.owner,
            waiver.expires,
            waiver.reason
        )
    });
    let expired = waivers.expired.iter().map(|used| {
        let would = match used.findings {
            0 => String::new(),
            1 => ", it would match 1 finding".to_owned(),
            n => format!(", it would match {n} findings"),
        };
        format!(
            "waiver #{} for {} expired on {} and was not applied{would}: renew or remove it (policy line {}, owner {})",
            used.waiver.number,
            target(used),
            used.waiver.expires,
            used.waiver.policy_line,
            used.waiver.owner
        )
    });
    let unmatched = waivers.unmatched.iter().map(|used| {
        format!(
            "waiver #{} for {} matches nothing in this change: the content it was about changed; remove it (policy line {}, owner {})",
            used.waiver.number,
            target(used),
            used.waiver.policy_line,
            used.waiver.owner
        )
    });
    applied
        .chain(expired)
        .chain(unmatched)
        .map(|sentence| sentence.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// `public-ingress in infra/lb.tf (aws_security_group.lb)`.
fn target(used: &WaiverUse) -> String {
    let waiver = &used.waiver;
    match &waiver.symbol {
        Some(symbol) => format!("{} in {} ({symbol})", waiver.finding, waiver.file),
        None => format!("{} in {}", waiver.finding, waiver.file),
    }
}
