//! The analysis cache end to end: a second check of the same change reads everything the first
//! one kept (outlines, mechanical comparisons, security constructs, candidates' namespaces)
//! and reports exactly the same; a check after the cache is deleted reports it again.

use crate::support::{CLAUDE_TRAILER, Repo, blastgate};

const IO: &str = "import sys\nimport os\n\ndef load(path, mode='r'):\n    with open(path, mode) as handle:\n        return handle.read()\n";
const IO_BLACK: &str = "import os\nimport sys\n\n\ndef load(path, mode=\"r\"):\n    with open(path, mode) as handle:\n        return handle.read()\n";
const FETCH: &str =
    "import requests\n\n\ndef fetch(url):\n    return requests.get(url, timeout=5)\n";
const FETCH_UNVERIFIED: &str =
    "import requests\n\n\ndef fetch(url):\n    return requests.get(url, timeout=5, verify=False)\n";
const PRICING: &str = "def compute_total(items):\n    return sum(items)\n";
const PRICING_TAXED: &str = "def compute_total(items, rate):\n    return sum(items) * rate\n";
const CART: &str = "from app.pricing import compute_total\n\n\ndef checkout(items):\n    return compute_total(items)\n";
const OTHER: &str = "def compute_total(rows):\n    return len(rows)\n\n\ndef report(rows):\n    return compute_total(rows)\n";
const BUCKET: &str = "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n}\n";
const BUCKET_RENAMED: &str =
    "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs-archive\"\n}\n";

/// A change with something for every cached analysis: a reformat, a security construct, a
/// changed public function with an importer and an unrelated namesake, and Terraform.
fn change() -> Repo {
    let repo = Repo::new();
    repo.write("app/io.py", IO)
        .write("app/fetch.py", FETCH)
        .write("app/pricing.py", PRICING)
        .write("app/cart.py", CART)
        .write("tools/other.py", OTHER)
        .write("infra/s3.tf", BUCKET);
    repo.commit("App");
    repo.git(&["checkout", "-q", "-b", "work"]);
    repo.write("app/io.py", IO_BLACK)
        .write("app/fetch.py", FETCH_UNVERIFIED)
        .write("app/pricing.py", PRICING_TAXED)
        .write("infra/s3.tf", BUCKET_RENAMED);
    repo.commit(&format!("Tax, fetch and bucket\n\n{CLAUDE_TRAILER}\n"));
    repo
}

#[test]
fn a_warm_check_reads_what_the_cold_one_kept_and_reports_the_same() {
    let repo = change();
    let check = || {
        let run = blastgate(&repo, &["check", "--base", "main", "--format", "json"]);
        // Blocked: renaming a bucket replaces it, and replacing stateful storage destroys it.
        assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
        run.json()
    };
    let cold = check();
    let ids: Vec<String> = cold["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|finding| finding["id"].as_str().map(str::to_string))
        .collect();
    for expected in [
        "reformatted",
        "security-sensitive-change",
        "public-signature-changed",
    ] {
        assert!(ids.iter().any(|id| id == expected), "{expected} in {ids:?}");
    }
    let kept = repo.disk_state();
    assert!(
        kept.keys()
            .any(|path| path.starts_with(repo.path.join(".git/blastgate/cache"))),
        "the cold check kept its analysis"
    );

    let warm = check();
    assert_eq!(warm, cold, "the warm check reports what the cold one did");
    assert_eq!(
        repo.disk_state(),
        kept,
        "every analysis of the warm check was read from the cache: nothing written at all"
    );

    std::fs::remove_dir_all(repo.path.join(".git/blastgate/cache")).expect("delete the cache");
    assert_eq!(check(), cold, "deleting the cache changes nothing but time");
}
