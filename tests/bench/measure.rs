//! Timing, the floors (git diff, ripgrep), the release binary and memory figures.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use blastgate::analyze::blast::dependents::Target;
use blastgate::analyze::blast::syntax::SymbolKind;
use blastgate::analyze::lang;

/// Median wall time of `runs` runs of `work`, with the last run's result.
pub fn median<T>(runs: usize, mut work: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        last = Some(work());
        times.push(started.elapsed());
    }
    times.sort();
    (times[times.len() / 2], last.expect("at least one run"))
}

/// Milliseconds with one decimal.
pub fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

/// Megabytes per second.
pub fn mbps(bytes: u64, duration: Duration) -> f64 {
    bytes as f64 / 1_000_000.0 / duration.as_secs_f64().max(1e-9)
}

/// Runs a command to completion with its output discarded; the exit code is returned (the
/// gate exits 1 or 3 for block and review, which is not a failure here).
pub fn run_quiet(command: &mut Command) -> std::io::Result<i32> {
    let status = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()?;
    Ok(status.code().unwrap_or(-1))
}

/// Standard output of a command, when it succeeds.
pub fn output(command: &mut Command) -> Option<String> {
    let out = command.stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Peak resident memory of a command in MB, from `/usr/bin/time -v`, if that exists.
pub fn peak_mb_of(program: &Path, args: &[&str], dir: &Path) -> Option<f64> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    let out = Command::new(time)
        .arg("-v")
        .arg(program)
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .output()
        .ok()?;
    let report = String::from_utf8_lossy(&out.stderr);
    let line = report
        .lines()
        .find(|line| line.contains("Maximum resident set size"))?;
    let kilobytes: f64 = line.rsplit(':').next()?.trim().parse().ok()?;
    Some(kilobytes / 1024.0)
}

/// This process's peak resident memory in MB (`VmHWM`).
pub fn own_peak_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kilobytes: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes / 1024.0)
}

/// The release binary cargo built for this benchmark.
pub fn blastgate_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_blastgate"))
}

/// For each of `sizes`, the shortest first-parent range ending at `HEAD` (1, 2, 4 … 2048
/// commits back) that touches at least that many files: `(commits back, base)`. A range found
/// for a smaller size is not listed again.
pub fn ranges_from_head(
    repo: &git2::Repository,
    sizes: &[usize],
) -> Result<Vec<(usize, git2::Oid)>, git2::Error> {
    let head = repo.head()?.peel_to_commit()?;
    let mut found: Vec<(usize, git2::Oid)> = Vec::new();
    for &wanted in sizes {
        let mut commit = head.clone();
        let mut steps = 0;
        for doubling in 0..12 {
            while steps < 1 << doubling {
                let Ok(parent) = commit.parent(0) else { break };
                commit = parent;
                steps += 1;
            }
            let diff = repo.diff_tree_to_tree(Some(&commit.tree()?), Some(&head.tree()?), None)?;
            let known = found.iter().any(|(_, base)| *base == commit.id());
            if diff.deltas().len() >= wanted && !known {
                found.push((steps, commit.id()));
                break;
            }
        }
    }
    Ok(found)
}

/// Whether ripgrep is on the path.
pub fn has_rg() -> bool {
    output(Command::new("rg").arg("--version")).is_some()
}

/// Ripgrep over `dir` for the same names as whole words, in files with `extensions`; returns
/// the median time and the bytes of the files it searches.
pub fn ripgrep(dir: &Path, names: &[String], extensions: &[&str]) -> Option<(Duration, u64)> {
    let patterns = std::env::temp_dir().join(format!("blast-bench-rg-{}", std::process::id()));
    std::fs::write(&patterns, names.join("\n")).ok()?;
    let globs: Vec<String> = extensions.iter().map(|ext| format!("*.{ext}")).collect();
    let with_globs = |command: &mut Command| {
        for glob in &globs {
            command.arg("-g").arg(glob);
        }
    };
    let mut list = Command::new("rg");
    list.arg("--files").current_dir(dir);
    with_globs(&mut list);
    let bytes = output(&mut list)?
        .lines()
        .filter_map(|path| std::fs::metadata(dir.join(path)).ok())
        .map(|meta| meta.len())
        .sum();
    let (time, _) = median(5, || {
        let mut search = Command::new("rg");
        search
            .args(["-l", "-w", "-F", "-f"])
            .arg(&patterns)
            .current_dir(dir);
        with_globs(&mut search);
        run_quiet(&mut search)
    });
    let _ = std::fs::remove_file(patterns);
    Some((time, bytes))
}

/// Definition names in `source` found textually (`def`, `class`, `fn`, `function`, …), as
/// targets with their definition line; Python methods get their class as container by
/// indentation. A stand-in for the orchestrator's symbol diff, which the benchmark lacks.
pub fn targets_in(path: &str, source: &str) -> Vec<(Target, String)> {
    let Some(language) = lang::for_path(path, source.lines().next().unwrap_or("").as_bytes())
    else {
        return Vec::new();
    };
    let mut targets = Vec::new();
    let mut class: Option<String> = None;
    for line in source.lines() {
        let indented = line.starts_with(' ') || line.starts_with('\t');
        let mut words = line
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|word| !word.is_empty());
        while let Some(word) = words.next() {
            let kind = match word {
                "def" | "fn" | "function" => SymbolKind::Function,
                "class" | "struct" => SymbolKind::Class,
                "pub" | "export" | "async" => continue,
                _ => break,
            };
            let Some(name) = words.next() else { break };
            let container = if indented { class.clone() } else { None };
            if kind == SymbolKind::Class {
                class = Some(name.to_string());
            } else if !indented {
                class = None;
            }
            let target = Target {
                name: name.to_string(),
                family: language.family,
                kind: if container.is_some() {
                    SymbolKind::Method
                } else {
                    kind
                },
                container,
                defined_in: path.to_string(),
                follow_callers: true,
            };
            targets.push((target, line.to_string()));
            break;
        }
    }
    targets
}
