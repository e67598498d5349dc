//! `cargo bench --bench ratios -- CHECKOUT...`: `blastgate check` against the floors of issue
//! 15, on real repositories, in one interleaved run.
//!
//! For each checkout (a clone at the commit to measure from) it takes the shortest
//! first-parent ranges ending at `HEAD` that touch at least 1, 10, 30 and 100 files, and runs,
//! round-robin (each round in a rotated order, after one warm-up run each):
//! - `git diff --stat BASE HEAD`;
//! - `rg -l -w -F` over the checkout for the names the change touches (definitions on the
//!   changed lines; without any, the changed files' stems): with `git diff`, the floor;
//! - `ast-grep scan` with one rule (the call nodes of the change's main language) over the
//!   changed files that exist at `HEAD`;
//! - `blastgate check --base BASE --head HEAD --format json`, warm (its cache filled by the
//!   warm-up).
//!
//! It prints each median and the ratios `check ÷ (git diff + rg)` and `check ÷ ast-grep`.
//! Ratios, not times, are the result: both sides ran on the same machine in the same minute.
//! rg and ast-grep must be on the path (`apt-get install ripgrep`, `pip install ast-grep-cli`);
//! a missing one is reported and its ratio left out.

#[path = "../bench/measure.rs"]
#[allow(
    dead_code,
    reason = "shared with the blast benchmark, which uses all of it"
)]
mod measure;

use std::collections::BTreeMap;
use std::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use git2::{Oid, Repository};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// Rounds per range after the warm-up.
const ROUNDS: usize = 7;
/// Sizes of the ranges measured, in changed files.
const SIZES: [usize; 4] = [1, 10, 30, 100];

/// The one ast-grep rule per language: its call nodes. Extension, ast-grep language, node kind.
const AST_GREP_RULES: &[(&str, &str, &str)] = &[
    ("py", "python", "call"),
    ("ts", "typescript", "call_expression"),
    ("tsx", "tsx", "call_expression"),
    ("js", "javascript", "call_expression"),
    ("go", "go", "call_expression"),
    ("rs", "rust", "call_expression"),
    ("java", "java", "method_invocation"),
    ("rb", "ruby", "call"),
    ("tf", "hcl", "function_call"),
];

/// One measured change.
struct Change {
    base: Oid,
    head: Oid,
    files: Vec<String>,
    lines: usize,
    names: Vec<String>,
}

fn main() -> Result<()> {
    let checkouts: Vec<PathBuf> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .map(PathBuf::from)
        .collect();
    let mut out = std::io::stdout().lock();
    if checkouts.is_empty() {
        writeln!(out, "usage: cargo bench --bench ratios -- CHECKOUT...")?;
        return Ok(());
    }
    let binary = measure::blastgate_binary();
    let has = |program: &str| measure::output(Command::new(program).arg("--version")).is_some();
    let (rg, ast_grep) = (has("rg"), has("ast-grep"));
    writeln!(out, "binary: {}", binary.display())?;
    if !rg || !ast_grep {
        writeln!(
            out,
            "missing: {}{}(their ratios are left out)",
            if rg { "" } else { "rg " },
            if ast_grep { "" } else { "ast-grep " }
        )?;
    }
    writeln!(
        out,
        "\n| repository | change | files | lines | git diff --stat | rg names | floor | \
         check warm | check ÷ floor | ast-grep scan | check ÷ ast-grep |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|---|---|---|---|")?;
    for dir in &checkouts {
        let repo = Repository::open(dir)?;
        let name = dir.file_name().map_or_else(
            || dir.display().to_string(),
            |name| name.to_string_lossy().into_owned(),
        );
        for (steps, change) in changes(&repo)? {
            let change = match change {
                Ok(change) => change,
                Err(error) => {
                    writeln!(out, "| {name} | HEAD~{steps}..HEAD | skipped: {error} |")?;
                    continue;
                }
            };
            let row = measure_change(dir, &binary, &change, rg, ast_grep)?;
            writeln!(
                out,
                "| {name} | HEAD~{steps}..HEAD | {} | {} | {row} |",
                change.files.len(),
                change.lines
            )?;
        }
    }
    Ok(())
}

/// The ranges from `HEAD` for each size ([`measure::ranges_from_head`]), described; a range
/// whose blobs a mirror lacks (a partial clone) is an error in its row, not the end of the run.
fn changes(repo: &Repository) -> Result<Vec<(usize, Result<Change>)>> {
    let head = repo.head()?.peel_to_commit()?;
    let mut found = Vec::new();
    for (steps, base) in measure::ranges_from_head(repo, &SIZES)? {
        let diff = repo.diff_tree_to_tree(
            Some(&repo.find_commit(base)?.tree()?),
            Some(&head.tree()?),
            None,
        )?;
        found.push((steps, describe(repo, base, head.id(), &diff)));
    }
    Ok(found)
}

fn describe(repo: &Repository, base: Oid, head: Oid, diff: &git2::Diff<'_>) -> Result<Change> {
    let stats = diff.stats()?;
    let mut files = Vec::new();
    let mut names = Vec::new();
    let text = |id: Oid| {
        repo.find_blob(id)
            .map(|blob| String::from_utf8_lossy(blob.content()).into_owned())
            .unwrap_or_default()
    };
    for delta in diff.deltas() {
        let Some(path) = delta.new_file().path().or(delta.old_file().path()) else {
            continue;
        };
        let path = path.to_string_lossy().into_owned();
        let after = text(delta.new_file().id());
        let after: std::collections::HashSet<&str> = after.lines().collect();
        for (target, line) in measure::targets_in(&path, &text(delta.old_file().id())) {
            if !after.contains(line.as_str()) {
                names.push(target.name);
            }
        }
        files.push(path);
    }
    if names.is_empty() {
        names = files
            .iter()
            .filter_map(|path| Path::new(path).file_stem())
            .map(|stem| stem.to_string_lossy().into_owned())
            .collect();
    }
    names.sort();
    names.dedup();
    Ok(Change {
        base,
        head,
        files,
        lines: stats.insertions() + stats.deletions(),
        names,
    })
}

/// The row's measured columns, from `git diff --stat` on.
fn measure_change(
    dir: &Path,
    binary: &Path,
    change: &Change,
    rg: bool,
    ast_grep: bool,
) -> Result<String> {
    let (base, head) = (change.base.to_string(), change.head.to_string());
    let scratch = tempfile::tempdir()?;
    let patterns = scratch.path().join("names");
    std::fs::write(&patterns, change.names.join("\n"))?;
    let rule = ast_grep_rule(scratch.path(), dir, &change.files)?;

    let mut commands: BTreeMap<&str, Command> = BTreeMap::new();
    let mut stat = Command::new("git");
    stat.args(["diff", "--stat", &base, &head]);
    commands.insert("1 git diff", stat);
    if rg {
        let mut search = Command::new("rg");
        search.args(["-l", "-w", "-F", "-f"]).arg(&patterns);
        commands.insert("2 rg", search);
    }
    if let (true, Some((rule, files))) = (ast_grep, &rule) {
        let mut scan = Command::new("ast-grep");
        scan.args(["scan", "--rule"]).arg(rule).args(files);
        commands.insert("3 ast-grep", scan);
    }
    let mut check = Command::new(binary);
    check.args([
        "check", "--base", &base, "--head", &head, "--format", "json",
    ]);
    commands.insert("4 check", check);

    let medians = interleaved(dir, &mut commands)?;
    let time = |key: &str| medians.get(key).copied();
    let show = |time: Option<Duration>| time.map_or_else(|| "n/a".to_string(), measure::ms);
    let ratio = |ours: Option<Duration>, theirs: Option<Duration>| match (ours, theirs) {
        (Some(ours), Some(theirs)) => format!("{:.2}×", ours.as_secs_f64() / theirs.as_secs_f64()),
        _ => "n/a".to_string(),
    };
    let floor = match (time("1 git diff"), time("2 rg")) {
        (Some(stat), Some(search)) => Some(stat + search),
        _ => None,
    };
    let check = time("4 check");
    Ok(format!(
        "{} | {} | {} | {} | {} | {} | {}",
        show(time("1 git diff")),
        show(time("2 rg")),
        show(floor),
        show(check),
        ratio(check, floor),
        show(time("3 ast-grep")),
        ratio(check, time("3 ast-grep")),
    ))
}

/// One warm-up run of each command, then [`ROUNDS`] rounds, each in a rotated order; the
/// median wall time of each.
fn interleaved(
    dir: &Path,
    commands: &mut BTreeMap<&str, Command>,
) -> Result<BTreeMap<String, Duration>> {
    let keys: Vec<String> = commands.keys().map(|key| (*key).to_string()).collect();
    let mut times: BTreeMap<String, Vec<Duration>> = BTreeMap::new();
    for round in 0..=ROUNDS {
        for offset in 0..keys.len() {
            let key = &keys[(round + offset) % keys.len()];
            let command = commands.get_mut(key.as_str()).ok_or("a command vanished")?;
            let started = Instant::now();
            measure::run_quiet(command.current_dir(dir))?;
            if round > 0 {
                times
                    .entry(key.clone())
                    .or_default()
                    .push(started.elapsed());
            }
        }
    }
    Ok(times
        .into_iter()
        .map(|(key, mut runs)| {
            runs.sort();
            (key, runs[runs.len() / 2])
        })
        .collect())
}

/// Writes the rule for the language most of the changed files are in; returns it with those
/// files (the ones that exist at `HEAD`), or `None` when no changed file has a rule.
fn ast_grep_rule(
    scratch: &Path,
    dir: &Path,
    files: &[String],
) -> Result<Option<(PathBuf, Vec<String>)>> {
    let extension = |path: &str| Path::new(path).extension()?.to_str().map(str::to_string);
    let mut by_rule: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for path in files.iter().filter(|path| dir.join(path).is_file()) {
        let Some(ext) = extension(path) else { continue };
        if let Some(row) = AST_GREP_RULES.iter().position(|(e, _, _)| *e == ext) {
            by_rule.entry(row).or_default().push(path.clone());
        }
    }
    let Some((row, paths)) = by_rule.into_iter().max_by_key(|(_, paths)| paths.len()) else {
        return Ok(None);
    };
    let (_, language, kind) = AST_GREP_RULES[row];
    let rule = scratch.join("rule.yml");
    std::fs::write(
        &rule,
        format!("id: calls\nlanguage: {language}\nseverity: hint\nrule:\n  kind: {kind}\n"),
    )?;
    Ok(Some((rule, paths)))
}
