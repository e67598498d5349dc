//! `blastgate approve`: a senior signs an approval of exactly this change and stores it as a
//! git note on the head commit.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context as _, bail};
use clap::Args;

use crate::calendar::rfc3339;
use crate::exit::Exit;
use crate::gate::{self, Judging, Request};
use crate::signoff::record::{Approver, Record, block};
use crate::signoff::{self, sign, store};
use crate::vocabulary::Decision;

/// Arguments of `blastgate approve`.
#[derive(Debug, Args)]
pub(super) struct ApproveArgs {
    /// Base revision (default: chosen like `check` does).
    #[arg(long, value_name = "REV")]
    base: Option<String>,
    /// Head revision.
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    head: String,
    /// A comment stored with the approval.
    #[arg(
        short = 'm',
        long = "message",
        value_name = "COMMENT",
        default_value = ""
    )]
    comment: String,
    /// Approve a blocked change as a break-glass override (the policy says how many seniors).
    #[arg(long)]
    break_glass: bool,
    /// Judge with this policy file, as the gate you approve for does (its sha256 is recorded).
    #[arg(long, value_name = "FILE")]
    policy: Option<std::path::PathBuf>,
    /// Declare the change AI-assisted or not, as the gate you approve for does.
    #[arg(long, value_name = "yes|no")]
    ai_assisted: Option<super::YesNo>,
}

/// Judges the range, refuses what there is nothing (or no right) to approve, signs, stores.
pub(super) fn approve(dir: &Path, args: ApproveArgs) -> anyhow::Result<Exit> {
    let repo = crate::git::open(dir)?;
    let config = repo
        .config()
        .and_then(|mut config| config.snapshot())
        .context("reading git config")?;
    // Refuse before any work when there is nothing to sign with or no one to sign as.
    let setup = sign::Setup::from_config(&config)?;
    let identity = |key: &str| config.get_string(key).ok().filter(|v| !v.trim().is_empty());
    let (Some(name), Some(email)) = (identity("user.name"), identity("user.email")) else {
        bail!(
            "no identity to approve as: set `git config user.name` and `git config user.email` to the name and email the policy lists for you under `seniors`"
        );
    };
    let env = |key: &str| std::env::var(key).ok();
    let request = Request::Range {
        base: args.base,
        head: args.head,
    };
    // Judged as the gate judges, minus the sign-off stage: existing approvals are not this
    // command's business, and verifying them would cost a signature check each.
    let judging = Judging {
        policy_file: args.policy,
        declared: args
            .ai_assisted
            .map(|answer| matches!(answer, super::YesNo::Yes)),
        ..Judging::default()
    };
    let evaluation = gate::check(dir, &request, &judging, &env)?;
    refuse_unapprovable(&evaluation, args.break_glass)?;
    let decision = evaluation.verdict.decision;
    let (Some(base), Some(head)) = (&evaluation.change.base, &evaluation.change.head) else {
        bail!("approvals are for commit ranges; this change has no base or head commit");
    };
    let Some(head_id) = head.commit else {
        bail!("approvals are for commit ranges; this change has no head commit");
    };
    let now = crate::calendar::now();
    let mut findings: Vec<String> = evaluation
        .score
        .contributions
        .iter()
        .map(|c| c.signal.id().to_owned())
        .collect();
    findings.sort();
    findings.dedup();
    let record = Record {
        version: 1,
        fingerprint: signoff::fingerprint(Some(&repo), &evaluation.change),
        policy_sha256: evaluation.policy.sha256.clone(),
        head: head_id.to_string(),
        // The empty tree (a push of new root commits) is written "", as reports write it.
        base: base.commit.map(|id| id.to_string()).unwrap_or_default(),
        branch: evaluation.change.branch.clone(),
        decision,
        score: evaluation.score.total,
        findings,
        ai_assisted: evaluation.verdict.treated_as_ai,
        ai_evidence: evaluation
            .provenance
            .evidence
            .iter()
            .filter(|e| e.counted)
            .map(|e| format!("{}: {}", e.tool, e.marker))
            .collect(),
        approver: Approver { name, email },
        approved_at: now,
        approved_at_text: rfc3339(now),
        comment: args.comment,
        break_glass: args.break_glass,
    };
    let payload = record.payload();
    let signature = setup.sign(&payload)?;
    let who = git2::Signature::now(&record.approver.name, &record.approver.email)
        .context("making the notes commit's signature")?;
    store::append(&repo, head_id.oid(), &block(&payload, &signature), &who)
        .with_context(|| format!("writing the approval note to {}", store::NOTES_REF))?;
    super::write_stdout(&summary(&record))?;
    Ok(Exit::Allow)
}

/// Only a `review`, or a `block` with `--break-glass` under a policy that allows it.
fn refuse_unapprovable(evaluation: &gate::Evaluation, break_glass: bool) -> anyhow::Result<()> {
    match (evaluation.verdict.decision, break_glass) {
        (Decision::Allow, _) => bail!(
            "nothing to approve: the change is `allow` (score {}); approvals are for `review` (or break-glass for `block`)",
            crate::score::number(evaluation.score.total)
        ),
        (Decision::Block, false) => bail!(
            "the change is `block`; an approval cannot override a block. If the policy sets `signoff.break_glass`, seniors may approve with --break-glass"
        ),
        (Decision::Block, true) if evaluation.policy.signoff.break_glass.is_none() => bail!(
            "the change is `block` and the policy ({}) sets no `signoff.break_glass`: it cannot be overridden",
            evaluation.policy.source
        ),
        (Decision::Review, true) => {
            bail!("--break-glass is for blocked changes; this one is `review`: approve without it")
        }
        _ => Ok(()),
    }
}

/// What was approved, where it is, and how to share it.
fn summary(record: &Record) -> String {
    let mut out = String::new();
    let kind = if record.break_glass {
        "break-glass approval"
    } else {
        "approval"
    };
    let (base, head) = crate::short_id::pair(&record.base, &record.head);
    let _ = writeln!(
        out,
        "recorded a signed {kind} by {} <{}> of {}..{}",
        crate::escape::one_line(&record.approver.name),
        crate::escape::one_line(&record.approver.email),
        if record.base.is_empty() {
            "(empty tree)".to_string()
        } else {
            base
        },
        head
    );
    let _ = writeln!(out, "  fingerprint {}", record.fingerprint);
    let _ = writeln!(
        out,
        "  decision {} · score {} · policy sha256 {}",
        record.decision,
        crate::score::number(record.score),
        record.policy_sha256
    );
    let _ = writeln!(out, "  note on {} in {}", record.head, store::NOTES_REF);
    let _ = writeln!(out, "share it:  {}", store::PUSH_COMMAND);
    let _ = writeln!(out, "fetch it:  {}", store::FETCH_COMMAND);
    out
}
