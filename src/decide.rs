//! Turns a score into a decision: `block` past the block line or on a block rule; `review`
//! when an AI-assisted change (or one treated as such) reaches the review line, or a review
//! rule matches; else `allow`. Also says what would change the outcome.
//!
//! By default only AI-assisted changes (and unattributed ones the policy treats as AI) have
//! score lines: volume alone never blocks a human change, rules do (issue 11). A policy opts
//! in by setting `thresholds.human.block` (or `review`).

use serde::Serialize;

use crate::policy::{Policy, Threshold, Unattributed};
use crate::provenance::Provenance;
use crate::score::{Score, number};
use crate::vocabulary::{Authorship, Decision};

/// A hard rule that matched a finding.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RuleHit {
    /// The rule's id.
    pub rule: String,
    /// What the rule demands.
    pub decision: Decision,
    /// The rule's stated reason.
    pub reason: String,
    /// The finding id that matched.
    pub signal: crate::signal::Signal,
    /// The file of the matching finding.
    pub file: Option<String>,
    /// A waiver matched the finding but cannot lift this rule (it is not `waivable`).
    pub unlifted_waiver: Option<usize>,
}

impl RuleHit {
    /// The rule's reason, and why a waiver did not lift it when one tried.
    fn explained(&self) -> String {
        match self.unlifted_waiver {
            Some(number) => format!(
                "{} (waiver #{number} cannot lift it: the rule is not `waivable`)",
                self.reason
            ),
            None => self.reason.clone(),
        }
    }
}

/// The thresholds that applied, and for which class of change.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AppliedThresholds {
    /// `ai` or `human`.
    pub class: &'static str,
    /// Review line, if the class has one.
    pub review: Option<f64>,
    /// Block line, if the class has one.
    pub block: Option<f64>,
}

impl AppliedThresholds {
    /// The score lines in words: `review at 25, block at 400`, `block at 600, never review
    /// by score`, or `no score lines, rules only` (a human change under the default policy).
    #[must_use]
    pub fn lines(&self) -> String {
        match (self.review, self.block) {
            (Some(review), Some(block)) => {
                format!("review at {}, block at {}", number(review), number(block))
            }
            (Some(review), None) => format!("review at {}, never block by score", number(review)),
            (None, Some(block)) => format!("block at {}, never review by score", number(block)),
            (None, None) => "no score lines, rules only".to_string(),
        }
    }
}

/// The decision and its explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// allow, review or block.
    pub decision: Decision,
    /// The change is judged with the AI thresholds.
    pub treated_as_ai: bool,
    /// Thresholds used.
    pub thresholds: AppliedThresholds,
    /// Why, one sentence per reason.
    pub reasons: Vec<String>,
    /// Hard rules that matched (one per rule).
    pub rule_hits: Vec<RuleHit>,
    /// What would change the outcome.
    pub next_steps: Vec<String>,
}

/// Decides.
#[must_use]
pub fn decide(score: &Score, provenance: &Provenance, policy: &Policy) -> Verdict {
    let treated_as_ai = match provenance.authorship {
        Authorship::Ai => true,
        Authorship::Unknown => policy.provenance.unattributed == Unattributed::Ai,
        Authorship::Human | Authorship::Automation => false,
    };
    let (class, threshold): (&'static str, &Threshold) = if treated_as_ai {
        ("ai", &policy.thresholds.ai)
    } else {
        ("human", &policy.thresholds.human)
    };
    let thresholds = AppliedThresholds {
        class,
        review: threshold.review,
        block: threshold.block,
    };
    let rule_hits = rule_hits(score, provenance.authorship, policy);
    let who = who(provenance.authorship, treated_as_ai);
    let total = score.total;

    let mut reasons = Vec::new();
    let mut decision = Decision::Allow;
    if let Some(block) = threshold.block
        && total >= block
    {
        decision = Decision::Block;
        reasons.push(format!(
            "score {} reached the block line {} for {who}",
            number(total),
            number(block)
        ));
    }
    for hit in rule_hits
        .iter()
        .filter(|hit| hit.decision == Decision::Block)
    {
        decision = Decision::Block;
        reasons.push(format!("rule `{}` blocks: {}", hit.rule, hit.explained()));
    }
    if decision != Decision::Block {
        if let Some(review) = threshold.review
            && total >= review
        {
            decision = Decision::Review;
            reasons.push(format!(
                "score {} reached the review line {} for {who}",
                number(total),
                number(review)
            ));
        }
        for hit in rule_hits
            .iter()
            .filter(|hit| hit.decision == Decision::Review)
        {
            decision = Decision::Review;
            reasons.push(format!(
                "rule `{}` needs review: {}",
                hit.rule,
                hit.explained()
            ));
        }
    }
    if decision == Decision::Allow {
        reasons.push(allow_reason(total, threshold, &who));
    }
    let next_steps = next_steps(decision, total, threshold, &rule_hits, policy);
    Verdict {
        decision,
        treated_as_ai,
        thresholds,
        reasons,
        rule_hits,
        next_steps,
    }
}

fn who(authorship: Authorship, treated_as_ai: bool) -> String {
    match (authorship, treated_as_ai) {
        (Authorship::Ai, _) => "AI-assisted changes".to_string(),
        (Authorship::Unknown, true) => {
            "unattributed changes (treated as AI-assisted by the policy)".to_string()
        }
        (Authorship::Unknown, false) => {
            "unattributed changes (treated as human by the policy)".to_string()
        }
        (Authorship::Human, _) => "human changes".to_string(),
        (Authorship::Automation, _) => "automation (judged as human changes)".to_string(),
    }
}

fn allow_reason(total: f64, threshold: &Threshold, who: &str) -> String {
    match (threshold.review, threshold.block) {
        (Some(review), _) => format!(
            "score {} is under the review line {} for {who}",
            number(total),
            number(review)
        ),
        (None, Some(block)) => format!(
            "score {} is under the block line {}; {who} are not sent to review by score",
            number(total),
            number(block)
        ),
        (None, None) => format!(
            "score {}: {who} are gated by rules only, not by score",
            number(total)
        ),
    }
}

/// Each rule is reported once, on its first matching finding (contributions are largest first).
/// A waived finding does not trigger a `waivable` rule.
fn rule_hits(score: &Score, authorship: Authorship, policy: &Policy) -> Vec<RuleHit> {
    let classes = policy.rule_classes(authorship);
    policy
        .rules
        .iter()
        .filter_map(|rule| {
            let hit = score
                .contributions
                .iter()
                .find(|contribution| contribution.triggers(rule, &classes))?;
            Some(RuleHit {
                rule: rule.id.clone(),
                decision: rule.decision,
                reason: rule.reason.clone(),
                signal: hit.signal,
                file: hit.file.clone(),
                unlifted_waiver: hit.waived_by.as_ref().map(|waived| waived.waiver),
            })
        })
        .collect()
}

fn next_steps(
    decision: Decision,
    total: f64,
    threshold: &Threshold,
    rule_hits: &[RuleHit],
    policy: &Policy,
) -> Vec<String> {
    let mut steps = Vec::new();
    match decision {
        Decision::Block => {
            if let Some(block) = threshold.block
                && total >= block
            {
                steps.push(format!(
                    "split the change or reduce its risk: the score must stay under {} (now {})",
                    number(block),
                    number(total)
                ));
            }
            for hit in rule_hits
                .iter()
                .filter(|hit| hit.decision == Decision::Block)
            {
                let file = hit
                    .file
                    .as_deref()
                    .map(|f| format!(" in {f}"))
                    .unwrap_or_default();
                steps.push(format!(
                    "remove what triggers rule `{}` ({}{file}); a sign-off cannot override a block",
                    hit.rule, hit.signal
                ));
            }
        }
        Decision::Review => {
            steps.push(sign_off_step(policy));
            let by_rule = rule_hits.iter().any(|hit| hit.decision == Decision::Review);
            if let (false, Some(review)) = (by_rule, threshold.review) {
                steps.push(format!(
                    "or reduce the change below a score of {} (now {})",
                    number(review),
                    number(total)
                ));
            }
        }
        Decision::Allow => {
            if let Some(review) = threshold.review {
                steps.push(format!(
                    "nothing to do; a score of {} or more would need senior sign-off",
                    number(review)
                ));
            }
        }
    }
    steps
}

fn sign_off_step(policy: &Policy) -> String {
    if policy.seniors.is_empty() {
        return "needs senior sign-off, but the policy lists no `seniors`: add them to .blastgate.yaml on the base branch".to_string();
    }
    let names: Vec<String> = policy
        .seniors
        .iter()
        .map(|senior| format!("{} <{}>", senior.name, senior.email))
        .collect();
    format!(
        "needs sign-off from one of: {}; one of them runs `blastgate approve` on this branch \
         and shares it with `git push origin refs/notes/blastgate`",
        names.join(", ")
    )
}
