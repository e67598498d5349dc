//! `cargo bench --bench blast -- [REPO_PATH]`: speed of the dependents search and of `check`.
//!
//! Without a path it builds (once, under `target/blast-bench/`) a synthetic 10,000-file
//! repository with changes of 1, 20 and 500 files; with a path it uses the repository's own
//! history (the nearest first-parent ranges from HEAD touching at least 1, 20 and 500 files),
//! reading only, except for the gate's cache directory inside its git directory.
//!
//! Reports, per change: the floors (`git diff --stat`, ripgrep for the same names over the
//! checkout), `blastgate check` cold and warm with its peak memory, and the library search
//! (`dependents::search`) cold and warm with its scan figures; then what a cache entry costs
//! (hit, miss, binary against JSON) and whether reading blobs is the bottleneck; then
//! `blastgate replay` over 200 commits in commits per second (`replay.rs`).
//! Cargo builds the `blastgate` binary with the bench profile and hands its path to this
//! benchmark (`CARGO_BIN_EXE_blastgate`), so no separate `cargo build --release` is needed.
//! Until the orchestrator wires structural analysis into `check`, the `check` rows measure the
//! file-level pipeline only.

mod measure;
mod replay;
mod synth;

use std::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use blastgate::analyze::blast::cache::{Ask, Cache};
use blastgate::analyze::blast::dependents::{self, Reading, Scan, SearchOptions, Target};
use blastgate::analyze::blast::outline::Budget;
use blastgate::analyze::lang;
use git2::{Oid, Repository};

use measure::{mbps, median, ms};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// One change to measure: a label and its base and head commits.
struct Range {
    label: String,
    base: Oid,
    head: Oid,
}

fn main() -> Result<()> {
    // cargo passes `--bench`; anything else that is not a flag is the repository.
    let path = std::env::args().skip(1).find(|arg| !arg.starts_with("--"));
    let mut out = std::io::stdout().lock();
    let (dir, synthetic) = if let Some(path) = path {
        (PathBuf::from(path), false)
    } else {
        let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("target"),
            PathBuf::from,
        );
        writeln!(
            out,
            "building or reusing the synthetic repository under {}",
            target.display()
        )?;
        let started = Instant::now();
        let dir = synth::ensure(&target.join("blast-bench/repo"))?;
        writeln!(out, "  ready in {}", ms(started.elapsed()))?;
        (dir, true)
    };
    let repo = Repository::open(&dir)?;
    let ranges = if synthetic {
        synthetic_ranges(&repo)?
    } else {
        history_ranges(&repo)?
    };
    let binary = measure::blastgate_binary();
    writeln!(
        out,
        "repository: {}\nbinary: {}",
        dir.display(),
        binary.display()
    )?;
    if !measure::has_rg() {
        writeln!(out, "rg not installed: the ripgrep floor is skipped")?;
    }
    for range in &ranges {
        change(&mut out, &repo, &dir, &binary, range)?;
    }
    if synthetic {
        replay::ensure_history(&repo)?;
    }
    replay::replay_rows(&mut out, &repo, &dir, &binary, synthetic)?;
    if let Some(range) = ranges.last() {
        cache_costs(&mut out, &repo, repo.find_commit(range.base)?.tree_id())?;
    }
    outline_speed(&mut out)?;
    if let Some(peak) = measure::own_peak_mb() {
        writeln!(out, "\nbenchmark process peak memory (VmHWM): {peak:.0} MB")?;
    }
    Ok(())
}

/// Outline speed on big single files (each language's test sample repeated 400 times): the
/// cost of parsing one changed file, which a cache miss pays.
fn outline_speed(out: &mut impl Write) -> Result<()> {
    writeln!(out, "\noutline speed (one big file, one thread)")?;
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/analyze/blast/outline/testdata");
    for (language, file) in [
        ("rust", "sample.rs"),
        ("python", "sample.py"),
        ("typescript", "sample.ts"),
        ("c", "sample.c"),
    ] {
        let sample = std::fs::read_to_string(samples.join(file))?;
        let text = sample.repeat(400);
        let language = lang::by_name(language).ok_or("language is registered")?;
        let budget = Budget {
            max_bytes: u64::MAX,
            parse_timeout: Duration::from_secs(60),
            ..Budget::default()
        };
        // Warm up: compile the query and create this thread's parser outside the timing.
        let _ = blastgate::analyze::blast::outline::outline(language, sample.as_bytes(), &budget);
        let started = Instant::now();
        let outline =
            blastgate::analyze::blast::outline::outline(language, text.as_bytes(), &budget)
                .map_err(|gap| gap.describe())?;
        let elapsed = started.elapsed();
        writeln!(
            out,
            "  {:<10} {:>6} lines {:>8} bytes {:>6} definitions {:>7} references {:>9} {:>6.1} MB/s",
            language.name,
            text.lines().count(),
            text.len(),
            outline.definitions.len(),
            outline.references.len(),
            ms(elapsed),
            mbps(text.len() as u64, elapsed)
        )?;
    }
    Ok(())
}

fn synthetic_ranges(repo: &Repository) -> Result<Vec<Range>> {
    let base = repo.revparse_single("main")?.peel_to_commit()?.id();
    synth::CHANGES
        .iter()
        .map(|n| {
            let head = repo
                .revparse_single(&format!("change-{n}"))?
                .peel_to_commit()?
                .id();
            Ok(Range {
                label: format!("{n}-file change"),
                base,
                head,
            })
        })
        .collect()
}

/// The history's ranges from `HEAD` for each size ([`measure::ranges_from_head`]).
fn history_ranges(repo: &Repository) -> Result<Vec<Range>> {
    let head = repo.head()?.peel_to_commit()?;
    let mut ranges = Vec::new();
    for (steps, base) in measure::ranges_from_head(repo, &synth::CHANGES)? {
        let diff = repo.diff_tree_to_tree(
            Some(&repo.find_commit(base)?.tree()?),
            Some(&head.tree()?),
            None,
        )?;
        ranges.push(Range {
            label: format!("HEAD~{steps}..HEAD ({} files)", diff.deltas().len()),
            base,
            head: head.id(),
        });
    }
    Ok(ranges)
}

fn change(
    out: &mut impl Write,
    repo: &Repository,
    dir: &Path,
    binary: &Path,
    range: &Range,
) -> Result<()> {
    let base_tree = repo.find_commit(range.base)?.tree()?;
    let head_tree = repo.find_commit(range.head)?.tree()?;
    let diff = repo.diff_tree_to_tree(Some(&base_tree), Some(&head_tree), None)?;
    // Realistic: definitions whose line is gone from the head version (removed, renamed or
    // re-signed), as the orchestrator would pass. Stress: every definition in changed files.
    let mut targets: Vec<Target> = Vec::new();
    let mut every: Vec<Target> = Vec::new();
    let mut changed = Vec::new();
    for delta in diff.deltas() {
        let Some(path) = delta.old_file().path().and_then(Path::to_str) else {
            continue;
        };
        changed.push(path.to_string());
        let text = |id: Oid| {
            repo.find_blob(id)
                .map(|blob| String::from_utf8_lossy(blob.content()).into_owned())
                .unwrap_or_default()
        };
        let after = text(delta.new_file().id());
        let after: std::collections::HashSet<&str> = after.lines().collect();
        for (target, line) in measure::targets_in(path, &text(delta.old_file().id())) {
            if !after.contains(line.as_str()) {
                targets.push(target.clone());
            }
            every.push(target);
        }
    }
    writeln!(
        out,
        "\n## {}: {} files changed, {} changed symbols ({} definitions in those files)",
        range.label,
        changed.len(),
        targets.len(),
        every.len()
    )?;
    check_rows(out, repo, dir, binary, range)?;
    let options = SearchOptions {
        skip_paths: changed,
        ..SearchOptions::default()
    };
    let trees = [base_tree.id(), head_tree.id()];
    let (scan_only, scanned) = search_rows(out, repo, trees, &targets, options.clone())?;
    stress_row(out, repo, trees[0], &every, options)?;
    let families: Vec<&str> = targets.iter().map(|t| t.family).collect();
    let extensions: Vec<&str> = lang::LANGUAGES
        .iter()
        .filter(|language| families.contains(&language.family))
        .flat_map(|language| language.extensions.iter().copied())
        .collect();
    let names: Vec<String> = targets.iter().map(|t| t.name.clone()).collect();
    match repo
        .workdir()
        .filter(|_| measure::has_rg() && !names.is_empty())
    {
        Some(workdir) => {
            if let Some((time, bytes)) = measure::ripgrep(workdir, &names, &extensions) {
                let ours = mbps(scanned, scan_only);
                let theirs = mbps(bytes, time);
                writeln!(
                    out,
                    "\nrg -l -w -F over the checkout ({}): {} for {:.1} MB = {theirs:.0} MB/s; \
                     our depth-1 search {} for {:.1} MB = {ours:.0} MB/s = {:.2}x rg",
                    extensions.join(","),
                    ms(time),
                    bytes as f64 / 1e6,
                    ms(scan_only),
                    scanned as f64 / 1e6,
                    ours / theirs
                )?;
            }
        }
        None => writeln!(
            out,
            "\nripgrep floor skipped (rg not installed, bare repository or no targets)"
        )?,
    }
    reading_cost(out, repo, base_tree.id(), &extensions, scan_only)?;
    if let Some(peak) = measure::own_peak_mb() {
        writeln!(out, "benchmark process peak so far (VmHWM): {peak:.0} MB")?;
    }
    Ok(())
}

/// `git diff --stat` (the floor) and the release binary's `check`, cold and warm.
fn check_rows(
    out: &mut impl Write,
    repo: &Repository,
    dir: &Path,
    binary: &Path,
    range: &Range,
) -> Result<()> {
    let (base, head) = (range.base.to_string(), range.head.to_string());
    let (stat, _) = median(5, || {
        measure::run_quiet(
            Command::new("git")
                .args(["diff", "--stat", &base, &head])
                .current_dir(dir),
        )
    });
    let check_args = [
        "check",
        "--base",
        base.as_str(),
        "--head",
        head.as_str(),
        "--format",
        "json",
    ];
    let _ = std::fs::remove_dir_all(repo.path().join("blastgate"));
    let check = || measure::run_quiet(Command::new(binary).args(check_args).current_dir(dir));
    let (cold, code) = median(1, check);
    let (warm, _) = median(5, check);
    let peak = measure::peak_mb_of(binary, &check_args, dir);
    writeln!(
        out,
        "| floor `git diff --stat` | check cold | check warm | check peak RSS | exit |"
    )?;
    writeln!(out, "|---|---|---|---|---|")?;
    writeln!(
        out,
        "| {} | {} | {} | {} | {} |",
        ms(stat),
        ms(cold),
        ms(warm),
        peak.map_or_else(|| "n/a".to_string(), |mb| format!("{mb:.0} MB")),
        code?
    )?;
    Ok(())
}

/// The library search: cold, warm at base and head, and depth 1 both ways of reading.
/// Returns the best depth-1 time and the bytes it scanned.
fn search_rows(
    out: &mut impl Write,
    repo: &Repository,
    [base, head]: [Oid; 2],
    targets: &[Target],
    mut options: SearchOptions,
) -> Result<(Duration, u64)> {
    // Cold: no entries yet. The warm runs read the pack the cold run wrote, as the next
    // process would.
    let _ = std::fs::remove_dir_all(repo.path().join("blastgate"));
    let mut cache = Cache::open(repo.path());
    let mut rows: Vec<(&str, Duration, Scan)> = Vec::new();
    let mut best = (Duration::MAX, 0);
    let runs = [
        ("base, depth 3, cache cold", base, 3, Reading::OneThread, 1),
        ("base, depth 3, warm", base, 3, Reading::OneThread, 5),
        ("head, depth 3, warm", head, 3, Reading::OneThread, 5),
        (
            "base, depth 1, warm, one thread",
            base,
            1,
            Reading::OneThread,
            5,
        ),
        (
            "base, depth 1, warm, per worker",
            base,
            1,
            Reading::PerWorker,
            5,
        ),
    ];
    for (label, tree, depth, reading, repeat) in runs {
        options.max_depth = depth;
        let (time, found) = median(repeat, || {
            dependents::search_with(repo, tree, targets, &cache, &options, reading)
        });
        let (reaches, scan) = found?;
        if depth == 1 {
            best = best.min((time, scan.bytes));
        }
        if label == "base, depth 3, warm" {
            let direct: usize = reaches.iter().map(|r| r.direct_files.len()).sum();
            let transitive: usize = reaches.iter().map(|r| r.transitive_files.len()).sum();
            let truncated = reaches.iter().filter(|r| r.truncated).count();
            writeln!(
                out,
                "reach at base, summed over targets: {direct} direct files, {transitive} transitive, \
                 {truncated} targets truncated"
            )?;
        }
        rows.push((label, time, scan));
        if label.ends_with("cache cold") {
            cache.flush();
            cache = Cache::open(repo.path());
        }
    }
    writeln!(
        out,
        "\n| search (median) | time | files | MB | MB/s | blobs read | candidates | parsed | cached | ruled out | unconfirmed |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|---|---|---|---|")?;
    for (label, time, scan) in &rows {
        writeln!(
            out,
            "| {label} | {} | {} | {:.1} | {:.0} | {} | {} | {} | {} | {} | {} |",
            ms(*time),
            scan.files,
            scan.bytes as f64 / 1e6,
            mbps(scan.bytes, *time),
            scan.read,
            scan.candidates,
            scan.parsed,
            scan.cached,
            scan.ruled_out,
            scan.unconfirmed
        )?;
    }
    Ok(best)
}

/// Every definition of the changed files as a target, warm, depth 1: the worst case of the
/// byte scan and the confirm step (common method names make most files candidates).
fn stress_row(
    out: &mut impl Write,
    repo: &Repository,
    tree: Oid,
    targets: &[Target],
    mut options: SearchOptions,
) -> Result<()> {
    options.max_depth = 1;
    let cache = Cache::open(repo.path());
    let search = || dependents::search(repo, tree, targets, &cache, &options);
    search()?;
    let (time, found) = median(3, search);
    let scan = found?.1;
    writeln!(
        out,
        "stress, all {} definitions as targets, depth 1, warm: {} ({} candidates, {} parsed)",
        targets.len(),
        ms(time),
        scan.candidates,
        scan.parsed
    )?;
    Ok(())
}

/// Reading the same blobs without scanning: how much of the scan is the object database.
fn reading_cost(
    out: &mut impl Write,
    repo: &Repository,
    tree: Oid,
    extensions: &[&str],
    scan: Duration,
) -> Result<()> {
    let tree = repo.find_tree(tree)?;
    let mut blobs = Vec::new();
    tree.walk(git2::TreeWalkMode::PreOrder, |_, entry| {
        let wanted = entry
            .name()
            .ok()
            .and_then(|name| name.rsplit_once('.'))
            .is_some_and(|(_, ext)| extensions.contains(&ext));
        if wanted && entry.kind() == Some(git2::ObjectType::Blob) {
            blobs.push(entry.id());
        }
        git2::TreeWalkResult::Ok
    })?;
    let (time, bytes) = median(3, || {
        blobs
            .iter()
            .filter_map(|oid| repo.find_blob(*oid).ok())
            .map(|blob| blob.content().len() as u64)
            .sum::<u64>()
    });
    writeln!(
        out,
        "reading {} blobs ({:.1} MB) on one thread without scanning: {} ({:.0} MB/s); best depth-1 search {}",
        blobs.len(),
        bytes as f64 / 1e6,
        ms(time),
        mbps(bytes, time),
        ms(scan)
    )?;
    Ok(())
}

/// What one cache entry costs: miss (parse and store), hit, and a JSON encoding for comparison.
fn cache_costs(out: &mut impl Write, repo: &Repository, tree: Oid) -> Result<()> {
    let python = lang::by_name("python").ok_or("no python in the registry")?;
    let tree = repo.find_tree(tree)?;
    let mut blobs = Vec::new();
    tree.walk(git2::TreeWalkMode::PreOrder, |_, entry| {
        let python = entry
            .name()
            .is_ok_and(|name| Path::new(name).extension().is_some_and(|ext| ext == "py"));
        if python && blobs.len() < 2000 {
            blobs.push(entry.id());
        }
        git2::TreeWalkResult::Ok
    })?;
    let contents: Vec<(String, Vec<u8>)> = blobs
        .iter()
        .filter_map(|oid| {
            Some((
                oid.to_string(),
                repo.find_blob(*oid).ok()?.content().to_vec(),
            ))
        })
        .collect();
    let scratch = tempfile::tempdir()?;
    let cache = Cache::open(scratch.path());
    let budget = Budget::default();
    let per = |time: Duration| time.as_secs_f64() * 1e6 / contents.len().max(1) as f64;
    let lookup_all = |cache: &Cache| {
        contents
            .iter()
            .filter_map(|(id, bytes)| {
                cache
                    .outline(id, python, || Some(bytes.clone()), &budget, Ask::Whole)
                    .ok()
            })
            .collect::<Vec<_>>()
    };
    let (miss, outlines) = median(1, || {
        let outlines = lookup_all(&cache);
        cache.flush();
        outlines
    });
    // Hits as the next process sees them: read from the pack, not from this run's memory.
    let warm = Cache::open(scratch.path());
    let (hit, _) = median(5, || lookup_all(&warm));
    let binary_bytes = dir_bytes(&scratch.path().join("blastgate"));
    let json_dir = scratch.path().join("json");
    std::fs::create_dir_all(&json_dir)?;
    let mut json_bytes = 0;
    for (index, outline) in outlines.iter().enumerate() {
        let encoded = serde_json::to_vec(outline)?;
        json_bytes += encoded.len() as u64;
        std::fs::write(json_dir.join(index.to_string()), encoded)?;
    }
    let (json, _) = median(5, || {
        (0..outlines.len())
            .filter_map(|index| std::fs::read(json_dir.join(index.to_string())).ok())
            .filter_map(|bytes| {
                serde_json::from_slice::<blastgate::analyze::blast::syntax::Outline>(&bytes).ok()
            })
            .count()
    });
    let count = outlines.len().max(1) as u64;
    writeln!(
        out,
        "\n## cache entry costs over {} Python blobs",
        outlines.len()
    )?;
    writeln!(
        out,
        "| miss (parse, keep, write the pack) | hit (read from the pack + decode) | JSON read + decode | entry size binary | entry size JSON |"
    )?;
    writeln!(out, "|---|---|---|---|---|")?;
    writeln!(
        out,
        "| {:.0} µs | {:.1} µs | {:.1} µs | {} B | {} B |",
        per(miss),
        per(hit),
        per(json),
        binary_bytes / count,
        json_bytes / count
    )?;
    Ok(())
}

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .filter_map(std::result::Result::ok)
            .map(|entry| match entry.file_type() {
                Ok(kind) if kind.is_dir() => dir_bytes(&entry.path()),
                _ => entry.metadata().map_or(0, |meta| meta.len()),
            })
            .sum()
    })
}
