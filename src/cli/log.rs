//! `blastgate log`: the audit trail. Per commit with approval notes: what was decided then,
//! the AI evidence, and each approval with whether it verifies against the seniors of the
//! current `HEAD`'s policy. Per change, never per person: no counts by approver.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use serde::Serialize;

use crate::exit::Exit;
use crate::policy::{self, Policy};
use crate::signoff::record::{SignedRecord, one_line};
use crate::signoff::{Record, parse_note, sign, store};

/// Arguments of `blastgate log`.
#[derive(Debug, Args)]
pub(super) struct LogArgs {
    /// Only commits in this range (`A..B`, as git reads it); default: every approval note.
    #[arg(long, value_name = "A..B")]
    range: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Serialize)]
struct Entry {
    commit: String,
    summary: String,
    time: i64,
    approvals: Vec<Checked>,
}

#[derive(Serialize)]
struct Checked {
    status: &'static str,
    reason: Option<String>,
    record: Option<Record>,
}

/// Lists the approval notes.
pub(super) fn log(dir: &Path, args: &LogArgs) -> anyhow::Result<Exit> {
    let repo = crate::git::open(dir)?;
    let policy = match crate::git::resolve_commit(&repo, "HEAD") {
        Ok(head) => policy::load_from_tree(&repo, head.oid())?,
        Err(_) => policy::builtin("default")?,
    };
    let wanted = match &args.range {
        Some(range) => Some(commits_in(&repo, range)?),
        None => None,
    };
    let notes = store::read_all(&repo)
        .with_context(|| format!("reading the notes in {}", store::NOTES_REF))?;
    let mut entries: Vec<Entry> = notes
        .into_iter()
        .filter(|note| wanted.as_ref().is_none_or(|set| set.contains(&note.commit)))
        .map(|note| {
            let commit = git2::Oid::from_str(&note.commit)
                .ok()
                .and_then(|oid| repo.find_commit(oid).ok());
            Entry {
                summary: commit
                    .as_ref()
                    .and_then(|c| c.summary().ok().flatten().map(str::to_owned))
                    .unwrap_or_default(),
                time: commit.as_ref().map_or(0, |c| c.time().seconds()),
                approvals: parse_note(&note.text)
                    .into_iter()
                    .map(|parsed| match parsed {
                        Ok(signed) => check(&signed, &policy),
                        Err(error) => Checked {
                            status: "rejected",
                            reason: Some(error.to_string()),
                            record: None,
                        },
                    })
                    .collect(),
                commit: note.commit,
            }
        })
        .collect();
    entries.sort_by(|a, b| b.time.cmp(&a.time).then_with(|| a.commit.cmp(&b.commit)));
    let text = match args.format {
        LogFormat::Json => {
            let mut text = serde_json::to_string_pretty(&serde_json::json!({
                "type": "log",
                "notes_ref": store::NOTES_REF,
                "policy": {"source": policy.source.to_string(), "sha256": policy.sha256},
                "entries": entries,
            }))
            .context("rendering the log")?;
            text.push('\n');
            text
        }
        LogFormat::Text => render(&entries, &policy),
    };
    super::write_stdout(&text)?;
    Ok(Exit::Allow)
}

/// Signature and senior status against `policy` (the change itself is not re-judged here).
fn check(signed: &SignedRecord, policy: &Policy) -> Checked {
    let email = &signed.record.approver.email;
    let result = policy
        .seniors
        .iter()
        .find(|s| s.email.trim().eq_ignore_ascii_case(email.trim()))
        .ok_or_else(|| "not a senior in the current policy".to_owned())
        .and_then(|senior| sign::verify(signed, senior, &policy.seniors));
    Checked {
        status: if result.is_ok() { "valid" } else { "rejected" },
        reason: result.err(),
        record: Some(signed.record.clone()),
    }
}

fn commits_in(repo: &git2::Repository, range: &str) -> anyhow::Result<Vec<String>> {
    let mut walk = repo.revwalk().context("walking commits")?;
    walk.push_range(range)
        .with_context(|| format!("`{range}` is not a commit range like main..HEAD"))?;
    walk.map(|oid| Ok(oid.context("walking commits")?.to_string()))
        .collect()
}

fn render(entries: &[Entry], policy: &Policy) -> String {
    let mut out = String::new();
    if entries.is_empty() {
        let _ = writeln!(
            out,
            "no approvals in {} (fetch them with `{}`)",
            store::NOTES_REF,
            store::FETCH_COMMAND
        );
        return out;
    }
    let _ = writeln!(
        out,
        "approvals checked against the seniors of {}",
        one_line(&policy.source.to_string())
    );
    for entry in entries {
        let _ = writeln!(
            out,
            "\n{} {}",
            crate::short_id::short(&entry.commit),
            one_line(&entry.summary)
        );
        for checked in &entry.approvals {
            let Some(record) = &checked.record else {
                let reason = checked.reason.as_deref().unwrap_or_default();
                let _ = writeln!(out, "  ✗ {}", one_line(reason));
                continue;
            };
            let _ = writeln!(
                out,
                "  {} · score {} · {} · findings: {}",
                record.decision,
                crate::score::number(record.score),
                if record.ai_assisted {
                    "AI-assisted"
                } else {
                    "not AI-assisted"
                },
                if record.findings.is_empty() {
                    "none".to_owned()
                } else {
                    one_line(&record.findings.join(", "))
                }
            );
            for evidence in &record.ai_evidence {
                let _ = writeln!(out, "    AI evidence: {}", one_line(evidence));
            }
            let kind = if record.break_glass {
                "break-glass approval"
            } else {
                "approval"
            };
            let status = match &checked.reason {
                None => "valid".to_owned(),
                Some(reason) => format!("rejected: {reason}"),
            };
            let _ = writeln!(
                out,
                "    {} {kind} by {} <{}> at {}: {status}",
                if checked.reason.is_none() {
                    "✓"
                } else {
                    "✗"
                },
                // A record's words are the note's, signed or not: one printable line each.
                one_line(&record.approver.name),
                one_line(&record.approver.email),
                one_line(&record.approved_at_text),
            );
            if !record.comment.is_empty() {
                let _ = writeln!(out, "      “{}”", one_line(&record.comment));
            }
        }
    }
    out
}
