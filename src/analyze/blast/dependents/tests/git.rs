//! End to end on repositories: byte scan, confirmation, reach and the cache.

use super::*;

const CORE: &str = "def compute_total(items):\n    return sum(items)\n";

/// The byte scan reads only files of the target's family and parses only those containing the
/// name: one candidate among a non-matching Python file, a text file and a symlink.
#[test]
fn byte_scan_picks_candidates() {
    let (_dir, repo, tree) = repo_with(&[
        ("core.py", CORE),
        (
            "shop/cart.py",
            "from core import compute_total\n\ncompute_total([1])\n",
        ),
        ("shop/empty.py", "x = 1\n"),
        ("notes.txt", "compute_total is great\n"),
        ("shop/link.py", "symlink:cart.py"),
    ]);
    let cache = Cache::disabled();
    let options = SearchOptions {
        skip_paths: vec!["core.py".to_string()],
        ..SearchOptions::default()
    };
    let targets = [target("compute_total", "core.py")];
    let (reach, scan) = search(&repo, tree, &targets, &cache, &options).expect("search");
    assert_eq!(
        scan.files, 2,
        "cart.py and empty.py; not core.py (skipped), the text file or the link"
    );
    assert_eq!(scan.candidates, 1);
    assert_eq!(scan.parsed, 1);
    assert_eq!(reach[0].direct_files, ["shop/cart.py"]);
    let lines: Vec<u32> = reach[0].direct_sites.iter().map(|site| site.line).collect();
    assert_eq!(lines, [1, 3]);
}

/// Whole words only: `compute_totals`, `recompute_total` and `$compute_total` are other names.
#[test]
fn whole_word_boundaries() {
    let (_dir, repo, tree) = repo_with(&[
        ("core.py", CORE),
        (
            "a.py",
            "compute_totals(1)\nrecompute_total(2)\n$compute_total\ncompute_total_x = 3\n",
        ),
    ]);
    let (reach, scan) = search_all(
        &repo,
        tree,
        &[target("compute_total", "core.py")],
        &Cache::disabled(),
    );
    assert_eq!(
        scan.candidates, 1,
        "only core.py, where the name is defined"
    );
    assert!(!reach[0].direct_files.contains(&"a.py".to_string()));
}

/// A name that appears only in a comment or a string is a byte-scan candidate but not a
/// dependent.
#[test]
fn comments_and_strings_are_not_uses() {
    let (_dir, repo, tree) = repo_with(&[
        ("core.py", CORE),
        (
            "doc.py",
            "# compute_total is deprecated\nNAME = \"compute_total\"\n",
        ),
    ]);
    let options = SearchOptions {
        skip_paths: vec!["core.py".to_string()],
        ..SearchOptions::default()
    };
    let targets = [target("compute_total", "core.py")];
    let (reach, scan) =
        search(&repo, tree, &targets, &Cache::disabled(), &options).expect("search");
    assert_eq!(scan.candidates, 1);
    assert!(reach[0].direct_files.is_empty());
}

/// A file of another language family that uses the same name is not a dependent (with the stub
/// registry `.rs` is not even a known language; after the full registry lands it is the Rust
/// family, which differs from Python).
#[test]
fn other_family_is_not_a_dependent() {
    let (_dir, repo, tree) = repo_with(&[
        ("core.py", CORE),
        ("src/lib.rs", "fn main() { compute_total(); }\n"),
        ("use.py", "import core\ncore.compute_total([])\n"),
    ]);
    let (reach, _) = search_all(
        &repo,
        tree,
        &[target("compute_total", "core.py")],
        &Cache::disabled(),
    );
    assert!(
        reach[0]
            .direct_files
            .iter()
            .all(|path| Path::new(path).extension().is_some_and(|ext| ext == "py"))
    );
    assert!(reach[0].direct_files.contains(&"use.py".to_string()));
}

/// A method is counted in files that name its class and not for `other.save()` in a file that
/// never mentions it.
#[test]
fn method_on_unrelated_type_is_not_counted() {
    let (_dir, repo, tree) = repo_with(&[
        (
            "ledger.py",
            "class Ledger:\n    def save(self):\n        pass\n",
        ),
        ("uses.py", "from ledger import Ledger\nLedger().save()\n"),
        ("other.py", "def flush(other):\n    other.save()\n"),
    ]);
    let method = Target {
        kind: SymbolKind::Method,
        container: Some("Ledger".to_string()),
        ..target("save", "ledger.py")
    };
    let (reach, scan) = search_all(&repo, tree, &[method], &Cache::disabled());
    assert_eq!(scan.candidates, 3);
    assert!(reach[0].direct_files.contains(&"uses.py".to_string()));
    assert!(!reach[0].direct_files.contains(&"other.py".to_string()));
    // other.py never names `Ledger`: its text rules it out before any parse.
    assert_eq!((scan.parsed, scan.ruled_out), (2, 1));
}

/// A file that matches a common name but cannot see the target (another package, no import)
/// is ruled out from its text and never parsed; the reach is what parsing every candidate gives.
#[test]
fn candidates_outside_the_namespace_are_not_parsed() {
    let (_dir, repo, tree) = repo_with(&[
        ("a/util.go", "package a\n\nfunc Send() int { return 1 }\n"),
        ("a/use.go", "package a\n\nfunc F() int { return Send() }\n"),
        (
            "b/other.go",
            "package b\n\nfunc Send() int { return 2 }\nfunc G() int { return Send() }\n",
        ),
        ("c/third.go", "package c\n\nfunc H(s S) { s.Send() }\n"),
    ]);
    let send = Target {
        family: "go",
        ..target("Send", "a/util.go")
    };
    let options = SearchOptions {
        max_depth: 1,
        ..SearchOptions::default()
    };
    let (reach, scan) = search(&repo, tree, &[send], &Cache::disabled(), &options).expect("search");
    assert_eq!(reach[0].direct_files, vec!["a/use.go".to_string()]);
    // The defining file and its package are parsed; b/ and c/ are ruled out unparsed.
    assert_eq!(scan.candidates, 4, "{scan:?}");
    assert_eq!((scan.parsed, scan.ruled_out), (2, 2), "{scan:?}");
}

const MID: &str =
    "from core import compute_total\n\ndef checkout(cart):\n    return compute_total(cart)\n";
const TOP: &str = "from mid import checkout\n\ndef main():\n    checkout([])\n";
const ENTRY: &str = "from top import main\n\ndef run():\n    main()\n";

/// The outlines the full extractor produces for MID, TOP and ENTRY (definitions, kinds and
/// enclosing names), planted because the stub does not produce them yet.
fn plant_chain(cache: &Cache) {
    let chain = [
        (MID, "compute_total", "checkout"),
        (TOP, "checkout", "main"),
        (ENTRY, "main", "run"),
    ];
    for (content, called, caller) in chain {
        let defined = outline(
            vec![function(caller, 3, 4)],
            vec![
                reference(called, 1, ReferenceKind::Import, None),
                reference(called, 4, ReferenceKind::Call, Some(caller)),
            ],
        );
        plant(cache, content, defined);
    }
}

/// Transitive reach goes through the function enclosing a call site to the files calling it
/// (depth 2 and 3) and stops at `max_depth`.
#[test]
fn transitive_reach_through_enclosing_functions() {
    let (dir, repo, tree) = repo_with(&[
        ("core.py", CORE),
        ("mid.py", MID),
        ("top.py", TOP),
        ("app/entry.py", ENTRY),
    ]);
    let cache = Cache::open(&dir.path().join("cache-home"));
    plant_chain(&cache);
    let options = SearchOptions {
        skip_paths: vec!["core.py".to_string()],
        ..SearchOptions::default()
    };
    let targets = [target("compute_total", "core.py")];
    let (reach, scan) = search(&repo, tree, &targets, &cache, &options).expect("search");
    assert_eq!(reach[0].direct_files, ["mid.py"]);
    assert_eq!(
        reach[0].direct_sites[1].enclosing.as_deref(),
        Some("checkout")
    );
    assert_eq!(reach[0].transitive_files, ["app/entry.py", "top.py"]);
    assert_eq!(scan.parsed, 0, "every candidate outline was planted");
    let shallow = SearchOptions {
        max_depth: 2,
        ..options
    };
    let (reach, _) = search(&repo, tree, &targets, &cache, &shallow).expect("search");
    assert_eq!(reach[0].transitive_files, ["top.py"]);
    assert!(reach[0].truncated);
}

/// The same chain with whatever the current extractor produces: direct uses always; the
/// transitive files once references carry their enclosing definition (the full extractor).
#[test]
fn transitive_reach_with_the_current_extractor() {
    let (_dir, repo, tree) = repo_with(&[
        ("core.py", CORE),
        ("mid.py", MID),
        ("top.py", TOP),
        ("app/entry.py", ENTRY),
    ]);
    let options = SearchOptions {
        skip_paths: vec!["core.py".to_string()],
        ..SearchOptions::default()
    };
    let targets = [target("compute_total", "core.py")];
    let (reach, _) = search(&repo, tree, &targets, &Cache::disabled(), &options).expect("search");
    assert_eq!(reach[0].direct_files, ["mid.py"]);
    let probe =
        crate::analyze::blast::outline::outline(python(), MID.as_bytes(), &Budget::default())
            .expect("parses");
    if probe.references.iter().any(|r| r.enclosing.is_some()) {
        assert_eq!(reach[0].transitive_files, ["app/entry.py", "top.py"]);
    }
}

/// The second search over the same tree reads every candidate's outline from the cache, in
/// the same run and in the next; a corrupted pack is a miss, reparsed and written again, so
/// the run after that hits again.
#[test]
fn cache_hits_after_the_first_run_and_heals_corruption() {
    let (dir, repo, tree) = repo_with(&[("core.py", CORE), ("mid.py", MID), ("top.py", TOP)]);
    let cache = Cache::open(repo.path());
    assert!(cache.is_enabled());
    let targets = [
        target("compute_total", "core.py"),
        target("checkout", "mid.py"),
    ];
    let (first, scan) = search_all(&repo, tree, &targets, &cache);
    // Deeper levels may meet a file again and hit the entry written at level 1.
    assert!(scan.parsed > 0);
    assert_eq!(scan.parsed + scan.cached, scan.candidates);
    let (second, scan) = search_all(&repo, tree, &targets, &cache);
    assert_eq!((scan.parsed, scan.cached), (0, scan.candidates));
    assert_eq!(first, second);
    drop(cache);

    let next = Cache::open(repo.path());
    let (third, scan) = search_all(&repo, tree, &targets, &next);
    assert_eq!((scan.parsed, scan.cached), (0, scan.candidates));
    assert_eq!(third, first);
    let packs = next.pack_paths();
    assert_eq!(packs.len(), 1);
    drop(next);
    let good = std::fs::read(&packs[0]).expect("pack");
    std::fs::write(&packs[0], &good[..good.len() - 3]).expect("truncate the pack");

    let cache = Cache::open(repo.path());
    let (fourth, scan) = search_all(&repo, tree, &targets, &cache);
    assert!(scan.parsed > 0);
    assert_eq!(fourth, first);
    drop(cache);
    let (_, scan) = search_all(&repo, tree, &targets, &Cache::open(repo.path()));
    assert_eq!(scan.parsed, 0);
    drop(dir);
}

/// A warm search reads out of git only what its cache lacks: candidates come from the word
/// sets, outlines and imports from their entries. A name searched for the first time reads
/// its candidates (their outlines are not kept yet), and a qualified use (`c.tax_rate()`) is
/// looked for in the file's text, which is read for it. Every search finds what a search
/// without a cache finds.
#[test]
fn warm_search_reads_only_what_its_cache_lacks() {
    let core =
        "def compute_total(items):\n    return sum(items)\n\ndef tax_rate():\n    return 2\n";
    let qualified = "import core as c\n\ndef pay():\n    return c.tax_rate()\n";
    let fillers: Vec<(String, String)> = (0..12)
        .map(|at| {
            (
                format!("pkg/f{at}.py"),
                format!("def helper_{at}():\n    return {at}\n"),
            )
        })
        .collect();
    let mut files = vec![("core.py", core), ("mid.py", MID), ("qual.py", qualified)];
    files.extend(
        fillers
            .iter()
            .map(|(path, text)| (path.as_str(), text.as_str())),
    );
    let (_dir, repo, tree) = repo_with(&files);
    let total = [target("compute_total", "core.py")];
    let rate = [target("tax_rate", "core.py")];
    let uncached = |targets: &[Target]| search_all(&repo, tree, targets, &Cache::disabled()).0;

    let cold = Cache::open(repo.path());
    let (first, scan) = search_all(&repo, tree, &total, &cold);
    assert_eq!(first, uncached(&total));
    assert_eq!(first[0].direct_files, ["mid.py"]);
    assert_eq!(
        scan.read,
        files.len(),
        "cold, every file is read once: {scan:?}"
    );
    drop(cold);

    let warm = Cache::open(repo.path());
    let (again, scan) = search_all(&repo, tree, &total, &warm);
    assert_eq!(again, first);
    assert_eq!(scan.read, 0, "{scan:?}");
    let (found, scan) = search_all(&repo, tree, &rate, &warm);
    assert_eq!(found, uncached(&rate));
    assert_eq!(found[0].direct_files, ["qual.py"]);
    assert_eq!(scan.read, 1, "qual.py's outline was not kept yet: {scan:?}");
    drop(warm);

    let (found, scan) = search_all(&repo, tree, &rate, &Cache::open(repo.path()));
    assert_eq!(found, uncached(&rate));
    assert_eq!(
        scan.read, 1,
        "the qualified use is looked for in the text: {scan:?}"
    );
}

/// Two searches racing on the same cache directory (own repository handle and cache each, as
/// two processes would) agree, and leave entries the next run can use.
#[test]
fn racing_searches_share_the_cache() {
    let (_dir, repo, tree) = repo_with(&[("core.py", CORE), ("mid.py", MID), ("top.py", TOP)]);
    let targets = [
        target("compute_total", "core.py"),
        target("checkout", "mid.py"),
    ];
    let git_dir = repo.path().to_path_buf();
    let results: Vec<Vec<Reach>> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    let own = Repository::open(&git_dir).expect("open");
                    search_all(&own, tree, &targets, &Cache::open(&git_dir)).0
                })
            })
            .collect();
        runs.into_iter()
            .map(|run| run.join().expect("no panic"))
            .collect()
    });
    assert_eq!(results[0], results[1]);
    let (_, scan) = search_all(&repo, tree, &targets, &Cache::open(&git_dir));
    assert_eq!((scan.parsed, scan.cached), (0, scan.candidates));
}

/// A git directory where the cache cannot be created (a file in the way stands in for a
/// read-only directory, which root could still write) disables the cache; search still works.
#[test]
fn uncreatable_cache_still_searches() {
    let (_dir, repo, tree) = repo_with(&[("core.py", CORE), ("mid.py", MID)]);
    std::fs::write(repo.path().join("blastgate"), b"").expect("block the cache dir");
    let cache = Cache::open(repo.path());
    assert!(!cache.is_enabled());
    let (reach, scan) = search_all(&repo, tree, &[target("compute_total", "core.py")], &cache);
    assert!(reach[0].direct_files.contains(&"mid.py".to_string()));
    assert_eq!(scan.cached, 0);
}

/// Reading blobs on one thread or per worker finds the same dependents.
#[test]
fn both_ways_of_reading_agree() {
    let mut files: Vec<(String, String)> = (0..300)
        .map(|n| {
            (
                format!("pkg/m{n:03}.py"),
                format!(
                    "from core import compute_total\n\n\ndef f{n}():\n    return compute_total([{n}])\n"
                ),
            )
        })
        .collect();
    files.push(("core.py".to_string(), CORE.to_string()));
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    let (_dir, repo, tree) = repo_with(&borrowed);
    let targets = [target("compute_total", "core.py")];
    let options = SearchOptions {
        skip_paths: vec!["core.py".to_string()],
        ..SearchOptions::default()
    };
    let cache = Cache::disabled();
    let one =
        search_with(&repo, tree, &targets, &cache, &options, Reading::OneThread).expect("one");
    let many =
        search_with(&repo, tree, &targets, &cache, &options, Reading::PerWorker).expect("many");
    assert_eq!(one.0, many.0);
    assert_eq!(one.0[0].direct_files.len(), 300);
    assert_eq!(
        (one.1.files, one.1.candidates),
        (many.1.files, many.1.candidates)
    );
}
