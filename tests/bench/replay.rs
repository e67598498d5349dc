//! Replay speed: `blastgate replay` over a history, in commits per second, cold and warm.
//!
//! On the synthetic repository it first adds (once) a branch `history` of [`COMMITS`] commits
//! on top of `main`, each renaming a public function in one to three files (so every commit
//! pays the dependents search), with a revert every tenth commit; with a repository path it
//! replays that repository's newest [`COMMITS`] commits.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::Command;

use git2::{Repository, Signature, Time};

use crate::measure::{self, median, ms};
use crate::synth;

/// Commits replayed.
pub const COMMITS: usize = 200;

/// Adds the `history` branch to the synthetic repository, unless it is there already.
pub fn ensure_history(repo: &Repository) -> Result<(), Box<dyn std::error::Error>> {
    if repo.find_reference("refs/heads/history").is_ok() {
        return Ok(());
    }
    let mut parent = repo.revparse_single("main")?.peel_to_commit()?;
    let mut versions: HashMap<usize, u32> = HashMap::new();
    let mut made: Vec<(git2::Oid, Vec<(usize, u32)>)> = Vec::new();
    for k in 0..COMMITS {
        let signature = Signature::new(
            "bench",
            "bench@example.com",
            &Time::new(1_700_000_000 + 3_600 * i64::try_from(k)?, 0),
        )?;
        // Every tenth commit reverts the one three before it: the files go back.
        let (message, edits): (String, Vec<(usize, u32)>) = if k % 10 == 9 {
            let (target, before) = &made[k - 3];
            let commit = repo.find_commit(*target)?;
            let subject =
                String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default()).into_owned();
            (
                format!("Revert \"{subject}\"\n\nThis reverts commit {target}.\n"),
                before.clone(),
            )
        } else {
            let files: Vec<usize> = (0..=(k % 3))
                .map(|j| (k * 7_919 + j * 104_729) % synth::FILES / 10 * 10)
                .collect();
            let edits = files
                .iter()
                .map(|index| (*index, 1 - versions.get(index).copied().unwrap_or(0)))
                .collect();
            (
                format!("Rename totals in {} files (step {k})", files.len()),
                edits,
            )
        };
        let before: Vec<(usize, u32)> = edits
            .iter()
            .map(|(index, _)| (*index, versions.get(index).copied().unwrap_or(0)))
            .collect();
        let mut update = git2::build::TreeUpdateBuilder::new();
        for (index, version) in &edits {
            let blob = repo.blob(synth::content(*index, *version).as_bytes())?;
            update.upsert(synth::path(*index), blob, git2::FileMode::Blob);
            versions.insert(*index, *version);
        }
        let tree = repo.find_tree(update.create_updated(repo, &parent.tree()?)?)?;
        let oid = repo.commit(None, &signature, &signature, &message, &tree, &[&parent])?;
        made.push((oid, before));
        parent = repo.find_commit(oid)?;
    }
    repo.reference(
        "refs/heads/history",
        parent.id(),
        false,
        "replay benchmark history",
    )?;
    Ok(())
}

/// Times the replay cold (no cache) and warm, and prints commits per second.
pub fn replay_rows(
    out: &mut impl Write,
    repo: &Repository,
    dir: &Path,
    binary: &Path,
    synthetic: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let last = COMMITS.to_string();
    let args: Vec<&str> = if synthetic {
        vec!["replay", "--range", "main..history", "--format", "json"]
    } else {
        vec!["replay", "--last", &last, "--format", "json"]
    };
    let _ = std::fs::remove_dir_all(repo.path().join("blastgate"));
    // The cold run's report says how many commits were judged (a small repository has fewer
    // than asked for, and merges are skipped).
    let (cold, report) = median(1, || {
        measure::output(Command::new(binary).args(&args).current_dir(dir))
    });
    let report: serde_json::Value = serde_json::from_str(&report.ok_or("replay failed")?)?;
    let commits = report["commits"]
        .as_u64()
        .ok_or("replay report without `commits`")?;
    let replay = || measure::run_quiet(Command::new(binary).args(&args).current_dir(dir));
    let (warm, code) = median(3, replay);
    let peak = measure::peak_mb_of(binary, &args, dir);
    let rate = |time: std::time::Duration| commits as f64 / time.as_secs_f64();
    writeln!(out, "\nreplay of {commits} commits (`{}`)", args.join(" "))?;
    writeln!(
        out,
        "| replay cold | replay warm | commits/s cold | commits/s warm | peak RSS | exit |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|")?;
    writeln!(
        out,
        "| {} | {} | {:.1} | {:.1} | {} | {} |",
        ms(cold),
        ms(warm),
        rate(cold),
        rate(warm),
        peak.map_or_else(|| "n/a".to_string(), |mb| format!("{mb:.0} MB")),
        code?
    )?;
    Ok(())
}
